//! `wsdoctor explain [TOPIC]`: what a failure code, a cause or a close code means, how it looks on
//! the wire and in a browser, and what to do.

use crate::cli::explain::{close_code_examples, topic_names};
use crate::cli::{ExplainCommand, ExplainFormat};
use crate::exit::{AppError, OK};
use serde_json::{json, Value};
use wsdoctor_core::model::close::{self, CloseMeaning};
use wsdoctor_core::model::codes::{markdown_table, ALL_CODES};
use wsdoctor_core::model::{Cause, Code};

/// What the user asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    Code(Code),
    Cause(Cause),
    Close(u16),
}

/// What the tags in the listings mean; printed wherever a tag appears.
const TAGS: &str = "Tags: [wsdoctor] a code wsdoctor adds to the web client's eight (the client itself would show CONNECTION_FAILED or similar); [retried] a cause the terminal check retries, as the web client does, before giving up with MAX_RETRIES_EXCEEDED beside it.";

pub(crate) fn run(cmd: &ExplainCommand) -> Result<u8, AppError> {
    if cmd.markdown {
        crate::print::stdout(&markdown_table());
        return Ok(OK);
    }
    let json = cmd.format == ExplainFormat::Json;
    let Some(text) = &cmd.topic else {
        if json {
            print_json(&json!({
                "codes": ALL_CODES.iter().map(|&c| code_json(c)).collect::<Vec<_>>(),
                "close_codes": close_code_examples().map(close_json).collect::<Vec<_>>(),
                "browser_rule": close::browser_sending_rule(),
            }));
        } else {
            crate::print::stdout(&listing());
        }
        return Ok(OK);
    };
    let topic = parse_topic(text)?;
    if json {
        print_json(&match topic {
            Topic::Code(code) => code_json(code),
            Topic::Cause(cause) => cause_json(cause),
            Topic::Close(code) => close_json(close::meaning(code)),
        });
    } else {
        crate::print::stdout(&match topic {
            Topic::Code(code) => code_text(code),
            Topic::Cause(cause) => cause_text(cause),
            Topic::Close(code) => close_text(close::meaning(code)),
        });
    }
    Ok(OK)
}

/// Reads a topic: a number is a close code, else a failure code, else a cause; anything else is
/// a usage error with the nearest names.
fn parse_topic(text: &str) -> Result<Topic, AppError> {
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed.parse::<u16>().map(Topic::Close).map_err(|_| {
            AppError::usage(
                "<TOPIC>",
                format!("{trimmed} is not a close code (they run from 1000 to 4999)"),
            )
        });
    }
    if let Some(code) = Code::parse(trimmed) {
        return Ok(Topic::Code(code));
    }
    let as_cause = trimmed.to_ascii_lowercase().replace('-', "_");
    if let Ok(cause) = as_cause.parse::<Cause>() {
        return Ok(Topic::Cause(cause));
    }
    let mut near: Vec<(f64, &str)> = topic_names()
        .map(|name| {
            (
                strsim::jaro_winkler(&as_cause, &name.to_ascii_lowercase()),
                name,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0));
    let suggestion = match near.first() {
        Some((_, name)) => format!("; did you mean {name}?"),
        None => String::new(),
    };
    Err(AppError::usage(
        "<TOPIC>",
        format!("{text:?} is not a failure code, a cause or a close code{suggestion} (`wsdoctor explain` lists them)"),
    ))
}

fn tags(code: Code) -> &'static str {
    if code.from_web_client() {
        ""
    } else {
        " [wsdoctor]"
    }
}

fn listing() -> String {
    let mut out =
        String::from("Codes of failures and warnings (wsdoctor explain CODE for details):\n\n");
    for &code in ALL_CODES {
        out.push_str(&format!(
            "  {:<26} {}{}\n",
            code.as_str(),
            code.explanation().meaning,
            tags(code)
        ));
    }
    out.push_str("\nClose codes (wsdoctor explain 1006 for details):\n\n");
    for meaning in close_code_examples() {
        out.push_str(&format!(
            "  {:<5} {}{}\n",
            meaning.code,
            meaning.name,
            if meaning.sendable {
                ""
            } else {
                " (reported, never sent)"
            }
        ));
    }
    out.push_str(
        "\nEvery cause is listed under its code; `wsdoctor explain CAUSE` explains one.\n\n",
    );
    out.push_str(&wrap(TAGS, 100));
    out
}

/// The full `explain` text of one code.
fn code_text(code: Code) -> String {
    let e = code.explanation();
    let mut out = format!("{code}{}\n  {}\n\nOn the wire:\n", tags(code), e.meaning);
    for s in e.signatures {
        out.push_str(&format!("  - {s}\n"));
    }
    out.push_str("\nTypical root causes:\n");
    for s in e.root_causes {
        out.push_str(&format!("  - {s}\n"));
    }
    out.push_str("\nWhat to do:\n");
    for (i, s) in e.actions.iter().enumerate() {
        out.push_str(&format!("  {}. {s}\n", i + 1));
    }
    out.push_str("\nCauses (the report's failure.cause or warning.cause):\n");
    for cause in code.causes() {
        out.push_str(&format!(
            "  {:<28} {}{}\n",
            cause.as_str(),
            cause.hint(),
            if cause.retryable() { " [retried]" } else { "" }
        ));
    }
    out.push('\n');
    out.push_str(&wrap(TAGS, 100));
    out
}

fn cause_text(cause: Cause) -> String {
    let code = cause.code();
    format!(
        "{cause} (a cause of {code}{})\n  {}\n\n{}{}\n\n{code}: {}\n  wsdoctor explain {code} lists its signatures, root causes and the other causes.\n",
        tags(code),
        cause.hint(),
        if cause.warning_only() {
            "A warning: the check worked, with this caveat. --fail-on warn fails on it unless --allow-warning names it."
        } else if cause.retryable() {
            "Retried: the terminal check tries again, with the web client's backoff, before it gives up; the report then carries MAX_RETRIES_EXCEEDED beside this cause."
        } else {
            "Not retried: repeating it would give the same answer (the web client stops too)."
        },
        if cause.warning_only() || code == Code::GateFailed {
            ""
        } else {
            " When a check works in the end (on a retry, another road or another address), it warns with this cause; --allow-warning accepts that warning under --fail-on warn."
        },
        code.explanation().meaning,
    )
}

fn close_text(m: CloseMeaning) -> String {
    let mut out = format!(
        "{} {}{}\n\nOn this platform:\n  {}\n\nIn a browser:\n  {}\n  ({})\n",
        m.code,
        m.name,
        if m.sendable {
            ""
        } else {
            " (reported, never sent)"
        },
        m.platform,
        m.browser,
        close::browser_sending_rule(),
    );
    if !m.reported_for.is_empty() {
        out.push_str(
            "\nA browser shows this one code for all of these; wsdoctor check tells them apart:\n",
        );
        for code in m.reported_for {
            out.push_str(&format!(
                "  {:<26} {}\n",
                code.as_str(),
                code.explanation().meaning
            ));
        }
    }
    if m.sendable {
        out.push_str(&format!(
            "\nA server that closes with {} is reported as cause {} ({}).\n",
            m.code,
            m.cause,
            m.cause.code()
        ));
    } else {
        out.push_str(&format!(
            "\nA server that puts {} in a close frame breaks RFC 6455; wsdoctor reports it as cause {} ({}).\n",
            m.code,
            m.cause,
            m.cause.code()
        ));
    }
    out
}

fn code_json(code: Code) -> Value {
    let e = code.explanation();
    json!({
        "kind": "code",
        "code": code.as_str(),
        "from_web_client": code.from_web_client(),
        "meaning": e.meaning,
        "signatures": e.signatures,
        "root_causes": e.root_causes,
        "actions": e.actions,
        "causes": code.causes().into_iter().map(cause_json).collect::<Vec<_>>(),
    })
}

fn cause_json(cause: Cause) -> Value {
    json!({
        "kind": "cause",
        "cause": cause.as_str(),
        "code": cause.code().as_str(),
        "hint": cause.hint(),
        "retried": cause.retryable(),
    })
}

fn close_json(m: CloseMeaning) -> Value {
    json!({
        "kind": "close_code",
        "close_code": m.code,
        "name": m.name,
        "sendable": m.sendable,
        "platform": m.platform,
        "browser": m.browser,
        "cause": m.cause.as_str(),
        "code": m.cause.code().as_str(),
        "browser_reports_as_this": m.reported_for.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
    })
}

fn print_json(value: &Value) {
    // A Value of strings and numbers always serialises.
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    crate::print::stdout(&format!("{text}\n"));
}

/// Wraps a paragraph at `width` columns.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_codes_causes_or_close_codes() {
        assert_eq!(
            parse_topic("session-invalid").unwrap(),
            Topic::Code(Code::SessionInvalid)
        );
        assert_eq!(
            parse_topic("TCP_REFUSED").unwrap(),
            Topic::Cause(Cause::TcpRefused)
        );
        assert_eq!(parse_topic("1006").unwrap(), Topic::Close(1006));
        assert!(parse_topic("99999").is_err());
        let error = parse_topic("tcp_refuse").unwrap_err().to_string();
        assert!(error.contains("tcp_refused"), "{error}");
    }
}

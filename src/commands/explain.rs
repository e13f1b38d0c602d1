//! `wsdoctor explain [CODE]`: what a code means, how it looks on the wire, what to do.

use crate::cli::ExplainCommand;
use crate::exit::{AppError, OK};
use wsdoctor_core::model::codes::{markdown_table, ALL_CODES};
use wsdoctor_core::model::Code;

pub(crate) fn run(cmd: &ExplainCommand) -> Result<u8, AppError> {
    if cmd.markdown {
        crate::output::stdout(&markdown_table());
        return Ok(OK);
    }
    let Some(text) = &cmd.code else {
        let mut out = String::from("Failure codes (wsdoctor explain CODE for details):\n\n");
        for &code in ALL_CODES {
            out.push_str(&format!(
                "  {:<26} {}{}\n",
                code.as_str(),
                code.explanation().meaning,
                if code.from_web_client() {
                    ""
                } else {
                    " [wsdoctor]"
                }
            ));
        }
        crate::output::stdout(&out);
        return Ok(OK);
    };
    let Some(code) = Code::parse(text) else {
        return Err(AppError::usage(
            "<CODE>",
            format!(
                "unknown code {text:?}; codes are {}",
                ALL_CODES
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    crate::output::stdout(&explain_text(code));
    Ok(OK)
}

/// The full `explain` text of one code.
fn explain_text(code: Code) -> String {
    let e = code.explanation();
    let mut out = format!("{code}\n  {}\n\nOn the wire:\n", e.meaning);
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
    out.push_str("\nCauses (the report's failure.cause):\n");
    for cause in code.causes() {
        out.push_str(&format!(
            "  {:<28} {}{}\n",
            cause.as_str(),
            cause.hint(),
            if cause.retryable() { " [retried]" } else { "" }
        ));
    }
    out
}

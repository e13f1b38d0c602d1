//! The README is executed. Every command line in it runs (for real when it needs only this
//! machine, with `--dry-run` when it names a deployment elsewhere), and every output it shows is
//! compared with what the program really prints, volatile parts (ports, timings, dates, waterfall
//! bars) normalised. The conventions, so a new example is covered the moment it is written:
//!
//! - a ```sh block: each line starting with `wsdoctor ` runs (pipes, redirections and `# comments`
//!   dropped);
//! - a ```text block starting with `$ wsdoctor …`: each command runs, and the lines after it must
//!   appear in its output, in order; a loopback URL (`http(s)://127.0.0.1:PORT`) is a lab this test
//!   starts (and so is a bare `127.0.0.1:PORT` target), `--proxy http://127.0.0.1:PORT` a CONNECT proxy, `ca.pem` the lab's CA,
//!   `redis://:PASSWORD@127.0.0.1:PORT` a real redis-server with that password;
//! - any other ```text or ```json block carries a marker comment right above it:
//!   `<!-- output of: CMD -->` (stdout), `<!-- stderr of: CMD -->`, `<!-- figures from: SCRIPT -->`
//!   (a benchmark: its row labels must be the script's) or `<!-- not output: WHY -->`;
//! - a ```yaml block (CI recipes): each `wsdoctor` command in it runs with `--dry-run`;
//! - a ```toml block is a config file: it must pass `config check`, and is the `wsdoctor.toml` the
//!   commands after it use.
//!
//! In shown output, a line `...` skips any lines and `…` within a line matches any text; a block
//! is an excerpt, so it may start and end anywhere in the output.

use crate::conventions::{documented_files, run_documented};
use crate::support::{wsdoctor, Run, TestLab, TestProxy};
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;
use wsdoctor_lab::{LabOptions, ProxyOptions};

const README: &str = include_str!("../../README.md");

/// One fenced block of the README.
#[derive(Debug)]
struct Block {
    language: String,
    /// The marker comment right above it, if any.
    marker: Option<String>,
    /// The README line the block starts on, for messages.
    line: usize,
    body: String,
}

fn blocks() -> Vec<Block> {
    let mut blocks = Vec::new();
    let lines: Vec<&str> = README.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if let Some(language) = lines[i].strip_prefix("```") {
            let start = i;
            let marker = lines[..i]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .and_then(|l| l.trim().strip_prefix("<!--"))
                .and_then(|l| l.strip_suffix("-->"))
                .map(|l| l.trim().to_string());
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].starts_with("```") {
                body.push(lines[i]);
                i += 1;
            }
            blocks.push(Block {
                language: language.trim().to_string(),
                marker,
                line: start + 1,
                body: body.join("\n"),
            });
        }
        i += 1;
    }
    blocks
}

/// The words of a documented command line: `| …` and comments dropped, variables given example
/// values, continuation lines joined.
fn words(line: &str) -> Vec<String> {
    // Pipes and redirections belong to the shell, not to wsdoctor.
    let line = [" | ", " >> ", " > ", " 2> "]
        .iter()
        .fold(line, |line, separator| {
            line.split(separator).next().unwrap_or_default()
        });
    let line = line
        .replace("\"$URL\"", "https://app.example.com")
        .replace("\"$APP_URL\"", "https://app.example.com")
        .replace("\"$FRONTEND_URL\"", "https://frontend.example.com")
        .replace("\"$SMOKE_SESSION\"", "abc123");
    shlex::split(&line).unwrap_or_else(|| panic!("README command does not parse: {line}"))
}

fn assert_documented_run(command: &str, dir: &Path, context: &str) -> Run {
    let words = words(command);
    let (out, dry) = run_documented(&words, dir);
    if dry {
        assert_eq!(
            out.code, 0,
            "{context}: `{command}` --dry-run: {}",
            out.stderr
        );
    } else {
        assert!(
            out.code == 0 || out.code == 1,
            "{context}: `{command}` exit {}: {}",
            out.code,
            out.stderr
        );
    }
    out
}

static NORMALISERS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        // Addresses and ports.
        (r"(127\.0\.0\.1|localhost|\[::1\]):\d+", "$1:PORT"),
        // Dates and times.
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "DATE"),
        // Durations and sizes, with their unit.
        (r"-?\d+(\.\d+)?\s?(ms|µs|s|m)\b", "DUR"),
        (r"-?\d+(\.\d+)?\s?MiB\b", "N MiB"),
        (r"\d+ active sockets", "N active sockets"),
        (r"\d+(\.\d+)?%", "N%"),
        (r"\d+ (days?|more days|attempts)", "N $1"),
        // Numbers in the waterfall and JSON timings.
        (r"\b(dns|tcp_connect|proxy_connect|tls_handshake|h2_settings|http_ttfb|ws_handshake|h2_connect|h2_first_frame|echo_round_trip|first_message|store_handshake|store_round_trip) -?\d+\.\d+", "$1 N"),
        // Numbers in JSON.
        (r#""(\w+)": -?\d+(\.\d+)?"#, "\"$1\": N"),
        // Waterfall bars.
        (r"[█▓▒░]+", ""),
    ]
    .into_iter()
    .map(|(pattern, replacement)| (Regex::new(pattern).unwrap(), replacement))
    .collect()
});

fn normalise(line: &str) -> String {
    let mut text = line.trim().to_string();
    for (pattern, replacement) in NORMALISERS.iter() {
        text = pattern.replace_all(&text, *replacement).into_owned();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether one shown line matches one real line: `…` matches any text.
fn line_matches(shown: &str, real: &str) -> bool {
    let parts: Vec<&str> = shown.split('…').collect();
    if parts.len() == 1 {
        return shown == real;
    }
    let mut rest = real;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(after) = rest.strip_prefix(part) else {
                return false;
            };
            rest = after;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Asserts that the shown lines appear in the real output in order: consecutive shown lines are
/// consecutive real lines, `...` skips any number.
fn assert_excerpt(shown: &str, real: &str, context: &str) {
    let real: Vec<String> = real
        .lines()
        .map(normalise)
        .filter(|l| !l.is_empty())
        .collect();
    let groups: Vec<Vec<String>> = shown
        .split('\n')
        .collect::<Vec<_>>()
        .split(|l| l.trim() == "..." || l.trim() == "…")
        .map(|group| {
            group
                .iter()
                .map(|l| normalise(l))
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|g| !g.is_empty())
        .collect();
    let mut from = 0;
    for group in &groups {
        let found = (from..real.len()).find(|&start| {
            start + group.len() <= real.len()
                && group
                    .iter()
                    .zip(&real[start..])
                    .all(|(s, r)| line_matches(s, r))
        });
        match found {
            Some(start) => from = start + group.len(),
            None => panic!(
                "{context}: the README shows\n{}\nbut the program printed\n{}",
                group.join("\n"),
                real.join("\n")
            ),
        }
    }
}

/// Runs a command line, a loopback URL in it standing for a lab this test starts (TLS for
/// https, with its CA as `ca.pem` and `lab-ca.pem`), `--proxy http://127.0.0.1:PORT` for a
/// CONNECT proxy, `redis://:PASSWORD@127.0.0.1:PORT` for a Redis server. Returns the output.
fn run_with_fixtures(command: &str, context: &str) -> std::process::Output {
    let redis_url = Regex::new(r"redis://:([^@\s]+)@127\.0\.0\.1:\d+").unwrap();
    let redis = redis_url
        .captures(command)
        .map(|found| crate::redis::TestRedis::start(&found[1], &[]));
    let command = match &redis {
        Some(redis) => redis_url
            .replace_all(command, |found: &regex::Captures<'_>| {
                format!("redis://:{}@127.0.0.1:{}", &found[1], redis.port)
            })
            .into_owned(),
        None => command.to_string(),
    };
    let command = command.as_str();
    let loopback = Regex::new(r"(https?)://127\.0\.0\.1:\d+").unwrap();
    // A target written without a scheme (`127.0.0.1:PORT`) is the lab's host and port.
    let bare = Regex::new(r"(^|\s)127\.0\.0\.1:\d+(\s|$)").unwrap();
    let proxy_flag = Regex::new(r"--proxy http://127\.0\.0\.1:\d+").unwrap();
    let tls = command.contains("https://127.0.0.1");
    let proxy = proxy_flag
        .is_match(command)
        .then(|| TestProxy::start(ProxyOptions::default()));
    let mut command = command.to_string();
    // The proxy's own loopback URL must not be taken for the lab's: set it aside first.
    command = proxy_flag
        .replace_all(&command, "--proxy PROXY_URL")
        .into_owned();
    let lab = (loopback.is_match(&command) || bare.is_match(&command)).then(|| {
        TestLab::start(LabOptions {
            tls,
            ..LabOptions::default()
        })
    });
    let dir = tempfile::tempdir().unwrap();
    if let Some(lab) = &lab {
        command = loopback
            .replace_all(&command, lab.url.as_str())
            .into_owned();
        let host_port = lab.url.split_once("://").map_or("", |(_, rest)| rest);
        command = bare
            .replace_all(&command, format!("${{1}}{host_port}${{2}}").as_str())
            .into_owned();
        if tls {
            for name in ["ca.pem", "lab-ca.pem"] {
                std::fs::copy(lab.ca_file().path(), dir.path().join(name)).unwrap();
            }
        }
    }
    if let Some(proxy) = &proxy {
        command = command.replace("PROXY_URL", &proxy.url);
    }
    let words = words(&command);
    let args: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
    let out = wsdoctor()
        .current_dir(dir.path())
        .args(&args)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{context}: `{command}`: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A `$ wsdoctor …` block: each command against fixtures of its own.
fn check_session(block: &Block) {
    let mut commands: Vec<(String, String)> = Vec::new();
    for line in block.body.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            commands.push((command.to_string(), String::new()));
        } else if let Some((_, shown)) = commands.last_mut() {
            shown.push_str(line);
            shown.push('\n');
        }
    }
    for (command, shown) in commands {
        let context = format!("README line {}: `{command}`", block.line);
        let out = run_with_fixtures(&command, &context);
        assert_excerpt(&shown, &String::from_utf8_lossy(&out.stdout), &context);
    }
}

/// A block whose marker names the command that produced it.
fn check_marked_output(block: &Block, marker: &str) {
    let context = format!("README line {}", block.line);
    let (on_stderr, command) = if let Some(command) = marker.strip_prefix("output of:") {
        (false, command.trim())
    } else if let Some(command) = marker.strip_prefix("stderr of:") {
        (true, command.trim())
    } else {
        panic!("{context}: unknown marker {marker:?}")
    };
    let out = run_with_fixtures(command, &context);
    let real = String::from_utf8_lossy(if on_stderr { &out.stderr } else { &out.stdout });
    if block.language == "json" {
        let shown: serde_json::Value = serde_json::from_str(&block.body)
            .unwrap_or_else(|e| panic!("{context}: the JSON does not parse: {e}"));
        let real: serde_json::Value = serde_json::from_str(&real)
            .unwrap_or_else(|e| panic!("{context}: `{command}` is not JSON: {e}"));
        assert_json_excerpt(&shown, &real, &context);
    } else {
        assert_excerpt(&block.body, &real, &format!("{context}: `{command}`"));
    }
}

/// Every key shown exists with a matching value; numbers match any number, `…` any text, an
/// array element any element of the real array.
fn assert_json_excerpt(shown: &serde_json::Value, real: &serde_json::Value, context: &str) {
    if let Err(why) = json_excerpt(shown, real, context) {
        panic!("{why}");
    }
}

fn json_excerpt(
    shown: &serde_json::Value,
    real: &serde_json::Value,
    path: &str,
) -> Result<(), String> {
    use serde_json::Value;
    match (shown, real) {
        (Value::Object(shown), Value::Object(real)) => {
            for (key, value) in shown {
                let real_value = real
                    .get(key)
                    .ok_or_else(|| format!("{path}.{key} is not in the real report"))?;
                json_excerpt(value, real_value, &format!("{path}.{key}"))?;
            }
            Ok(())
        }
        (Value::Array(shown), Value::Array(real)) => {
            for item in shown {
                let tries: Vec<String> = real
                    .iter()
                    .filter_map(|r| json_excerpt(item, r, &format!("{path}[]")).err())
                    .collect();
                if tries.len() == real.len() {
                    return Err(format!("{path}: no element matches; {tries:#?}"));
                }
            }
            Ok(())
        }
        (Value::Number(_), Value::Number(_)) => Ok(()),
        (Value::String(s), Value::String(r)) => {
            if line_matches(&normalise(s), &normalise(r)) {
                Ok(())
            } else {
                Err(format!("{path}: README {s:?}, real {r:?}"))
            }
        }
        (s, r) if s == r => Ok(()),
        (s, r) => Err(format!("{path}: README {s}, real {r}")),
    }
}

fn check_figures(block: &Block, script: &str) {
    let context = format!("README line {}", block.line);
    let source = std::fs::read_to_string(format!("{}/{script}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|_| panic!("{context}: no {script}"));
    let check_ids = [
        "target",
        "dns",
        "tcp",
        "tls",
        "health",
        "diagnostics",
        "cors",
        "echo",
        "session",
        "terminal",
        "origin",
        "hold",
    ];
    let mut shown_checks = Vec::new();
    for line in block.body.lines().skip(1) {
        // The label is what the script writes before its figures.
        let label = line
            .trim()
            .split("  ")
            .next()
            .unwrap_or_default()
            .split(": ")
            .next()
            .unwrap_or_default()
            .trim();
        if label.is_empty() {
            continue;
        }
        if check_ids.contains(&label) {
            shown_checks.push(label.to_string());
        } else {
            assert!(
                source.contains(label),
                "{context}: the row {label:?} is not one {script} prints"
            );
        }
    }
    // A benchmark that prints a row per check must show every check it runs: the script's own
    // command line, dry-run, says which.
    let args = Regex::new(r#"args = \[binary, "check", url, ([^\]]*)\]"#).unwrap();
    if let Some(found) = args.captures(&source.replace('\n', " ")) {
        let mut words: Vec<String> = Regex::new(r#""([^"]*)""#)
            .unwrap()
            .captures_iter(&found[1])
            .map(|c| c[1].to_string())
            .collect();
        words.retain(|w| w != "--format" && w != "json");
        let mut dry = vec!["check".to_string(), "http://127.0.0.1:1/".to_string()];
        dry.extend(words);
        dry.push("--dry-run".into());
        let dry: Vec<&str> = dry.iter().map(String::as_str).collect();
        let plan = crate::support::run(&dry).stdout;
        let running: Vec<String> = plan
            .lines()
            .skip_while(|l| l.trim() != "checks")
            .filter_map(|l| {
                let mut parts = l.split_whitespace();
                let id = parts.next()?;
                let rest = parts.next()?;
                (check_ids.contains(&id) && rest != "skip:").then(|| id.to_string())
            })
            .collect();
        assert_eq!(
            shown_checks, running,
            "{context}: the README's per-check rows must be the checks {script} runs"
        );
    }
}

#[test]
fn every_command_and_output_in_the_readme_is_real() {
    let files = documented_files();
    let mut ran = 0;
    for block in blocks() {
        let context = format!("README line {}", block.line);
        match (block.language.as_str(), block.marker.as_deref()) {
            ("sh", _) => {
                for line in block.body.lines().map(str::trim) {
                    if line.starts_with("wsdoctor ") {
                        assert_documented_run(line, files.path(), &context);
                        ran += 1;
                    }
                }
            }
            ("toml", _) => {
                // The README's config file is the one its commands use: it must be valid.
                std::fs::write(files.path().join("wsdoctor.toml"), &block.body).unwrap();
                let out = wsdoctor()
                    .current_dir(files.path())
                    .env("PROD_SESSION", "example")
                    .args(["config", "check"])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{context}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                ran += 1;
            }
            ("yaml", _) => {
                let joined = block.body.replace("\\\n", " ");
                for line in joined.lines() {
                    let line = line.trim().trim_start_matches("- ").trim();
                    if line.starts_with("wsdoctor ") {
                        let out = assert_documented_run(line, files.path(), &context);
                        assert!(out.stdout.starts_with("dry run"), "{context}: {line}");
                        ran += 1;
                    }
                }
            }
            ("text", _) if block.body.starts_with("$ wsdoctor") => {
                check_session(&block);
                ran += 1;
            }
            (_, Some(marker)) if marker.starts_with("not output:") => {}
            (_, Some(marker)) if marker.starts_with("figures from:") => {
                check_figures(&block, marker["figures from:".len()..].trim());
            }
            ("text" | "json", Some(marker)) => {
                check_marked_output(&block, marker);
                ran += 1;
            }
            (language, None) => panic!(
                "{context}: a ```{language} block with no marker; say what produced it (see tests/it/readme.rs)"
            ),
            (language, Some(marker)) => panic!("{context}: ```{language} with marker {marker:?}"),
        }
    }
    assert!(ran >= 20, "only {ran} README commands ran");
}

#[test]
fn the_normaliser_keeps_what_matters() {
    assert_eq!(
        normalise("  ✓ tcp              0.4 ms  connected to 127.0.0.1:46427"),
        "✓ tcp DUR connected to 127.0.0.1:PORT"
    );
    assert!(line_matches("closed 4500 …", "closed 4500 \"Internal\""));
    assert!(!line_matches("closed 4500 …", "closed 1006 \"Internal\""));
    assert_excerpt("b\n...\nd", "a\nb\nc\nd\ne", "self-test");
}

/// The first column of the README table that follows `heading`: the backquoted ids of its rows.
fn table_ids(heading: &str) -> Vec<String> {
    let section = README
        .split_once(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("the README has a {heading:?} section"))
        .1;
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('|').nth(1))
        .filter_map(|cell| cell.trim().strip_prefix('`')?.strip_suffix('`'))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_checklist_table_lists_every_check_in_order() {
    let documented = table_ids("## The checklist");
    let defined: Vec<&str> = wsdoctor_core::model::CheckId::ALL
        .iter()
        .map(|id| id.as_str())
        .collect();
    assert_eq!(documented, defined, "the README's checklist table");
}

#[test]
fn the_timings_table_lists_every_phase() {
    let documented = table_ids("## Timings");
    for phase in wsdoctor_core::model::Phase::ALL {
        assert!(
            documented.iter().any(|key| key == phase.as_str()),
            "the README's timings table lacks `{phase}`: {documented:?}"
        );
    }
    for key in &documented {
        assert!(
            wsdoctor_core::model::Phase::ALL
                .iter()
                .any(|phase| phase.as_str() == key),
            "the README's timings table names `{key}`, which is no phase"
        );
    }
}

/// The figure the README's healthy sample shows for `label` (a check's row, or `PASS` for the
/// run), in ms.
fn sample_ms(label: &str) -> f64 {
    let block = blocks()
        .into_iter()
        .find(|b| b.marker.as_deref() == Some("output of: wsdoctor demo"))
        .expect("the README shows a healthy `wsdoctor demo`");
    let line = block
        .body
        .lines()
        .find(|l| {
            l.trim_start()
                .trim_start_matches('✓')
                .trim_start()
                .starts_with(label)
        })
        .unwrap_or_else(|| panic!("no {label} line in the healthy sample"));
    let figure = Regex::new(r"(\d+\.\d+) ms").unwrap();
    figure
        .captures(line)
        .and_then(|c| c[1].parse().ok())
        .unwrap_or_else(|| panic!("no duration in {line:?}"))
}

#[test]
fn the_healthy_sample_takes_as_long_as_the_text_says_and_a_real_run_does() {
    // The text: "about half a second, and on purpose", the terminal's --observe window (500 ms)
    // with everything else done in milliseconds. The sample, and a real run, must agree with it.
    assert!(README.contains("A healthy run takes about half a second"));
    let observe = 500.0;
    for label in ["terminal", "PASS"] {
        let shown = sample_ms(label);
        assert!(
            (observe..2.0 * observe).contains(&shown),
            "the README's healthy sample shows {label} at {shown} ms, not about half a second"
        );
    }
    let report = crate::support::run(&["demo", "--format", "json"]).json();
    let real = report["duration_ms"].as_f64().unwrap();
    assert!(
        (observe..2.0 * observe).contains(&real),
        "a healthy demo took {real} ms, not about half a second"
    );
}

#[test]
fn an_interrupted_run_is_never_a_pass_and_fails_when_a_check_had_failed() {
    // As the README's exit-status table says: not "at most warn". Each run is stopped once the
    // check named has finished (its NDJSON event), with the hold still running.
    for (args, finished, verdict) in [
        (
            &["demo", "--fault", "server-error", "--attempts", "1"][..],
            r#""check_finished","data":{"id":"terminal","status":"fail""#,
            "fail",
        ),
        (
            &["demo", "--only", "hold"][..],
            r#""check_finished","data":{"id":"echo","status":"pass""#,
            "warn",
        ),
    ] {
        let mut args = args.to_vec();
        args.extend(["--hold", "60s", "--format", "ndjson"]);
        let spawned = crate::support::spawn_until(&args, finished, false);
        crate::support::signal(&spawned, "INT");
        let (code, stdout, _) = spawned.finish();
        assert_eq!(code, Some(130), "{args:?}");
        let event: serde_json::Value = stdout
            .lines()
            .last()
            .and_then(|l| serde_json::from_str(l).ok())
            .expect("a partial report");
        let report = &event["data"];
        assert_eq!(event["type"], "report", "{args:?}");
        assert_eq!(report["interrupted"], true, "{args:?}");
        assert_eq!(report["verdict"], verdict, "{args:?}: {report:#}");
    }
    let row = README
        .lines()
        .find(|l| l.starts_with("| 130 "))
        .expect("the exit-status table has 130");
    assert!(
        row.contains("never `pass`") && !row.contains("at most `warn`"),
        "{row}"
    );
}

/// The README's prose: fenced blocks, inline code and link targets removed (a word inside an
/// example or a URL is not a use of it).
fn prose() -> String {
    let text = Regex::new(r"(?s)```.*?```")
        .unwrap()
        .replace_all(README, "");
    let text = Regex::new(r"`[^`\n]*`").unwrap().replace_all(&text, "");
    Regex::new(r"\]\([^)]*\)")
        .unwrap()
        .replace_all(&text, "]")
        .into_owned()
}

#[test]
fn coined_words_are_explained_where_a_reader_first_meets_them() {
    let prose = prose();
    let glossary = prose
        .find("## Words this README uses")
        .expect("the README has a glossary");
    let rows: String = prose[glossary..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    // The words this project coined or gave a meaning of its own, as the glossary names them and
    // as they are used.
    for (named, used) in [
        ("**roads**", r"\broads?\b"),
        ("**Consult**", r"\b[Cc]onsult"),
        ("**observe window**", r"\bobserve window"),
        ("**plain echo**", r"\bplain echo"),
        ("**fleet**", r"\bfleets?\b"),
        ("**the web client**", r"\bweb client"),
        ("**the web client's eight**", r"\bweb client's eight"),
        ("**the server's last words**", r"\blast words"),
        ("**silent listener**", r"\bsilent listener"),
        ("**greet**", r"\bgreet"),
        ("**lab**", r"\blab\b"),
        ("**hold**", r"\bhold\b"),
        ("**gate**", r"\bgates?\b"),
        ("**module**", r"\bmodules?\b"),
    ] {
        assert!(rows.contains(named), "the glossary has no row for {named}");
        let first = Regex::new(used).unwrap().find(&prose).unwrap();
        // Before the glossary a word must be explained where it stands: `greets (sends …`, or
        // `(the *lab*)`.
        let explained_here = prose[first.end()..]
            .trim_start_matches(|c: char| c.is_alphanumeric())
            .starts_with(" (")
            || prose[..first.start()].ends_with("(the *");
        assert!(
            first.start() >= glossary || explained_here,
            "{named} is used before the glossary without an explanation: …{}…",
            &prose[first.start().saturating_sub(80)..first.end() + 40]
        );
    }
}

/// A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn every_link_within_the_readme_names_a_heading() {
    let mut in_block = false;
    let mut anchors = Vec::new();
    for line in README.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
        } else if !in_block && line.starts_with('#') {
            anchors.push(anchor(line.trim_start_matches('#')));
        }
    }
    let links = Regex::new(r"\]\(#([^)]+)\)").unwrap();
    let mut checked = 0;
    for link in links.captures_iter(README) {
        assert!(
            anchors.contains(&link[1].to_string()),
            "the README links to #{}, which is no heading of it",
            &link[1]
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} links within the README");
}

/// The paths the Architecture section's source tree lists (folders end in `/`), from its
/// indentation: two spaces a level under one of the four source roots.
fn documented_tree() -> Vec<String> {
    let block = blocks()
        .into_iter()
        .find(|b| b.marker.as_deref() == Some("not output: the source tree"))
        .expect("the Architecture section shows the source tree");
    let mut stack: Vec<String> = Vec::new();
    let mut paths = Vec::new();
    for line in block.body.lines() {
        let name = line
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        let depth = (line.len() - line.trim_start().len()) / 2;
        stack.truncate(depth);
        let parent: String = stack.concat();
        if name.ends_with('/') {
            stack.push(name.clone());
        }
        paths.push(format!("{parent}{name}"));
    }
    paths
}

/// What `ls -R` shows of the four source roots: Rust files, the browser page, folders.
fn source_tree() -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("a source folder")
            .map(|e| e.expect("an entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            if path.is_dir() {
                out.push(format!("{prefix}{name}/"));
                walk(&path, &format!("{prefix}{name}/"), out);
            } else if (name.ends_with(".rs") || name.ends_with(".js")) && name != "mod.rs" {
                out.push(format!("{prefix}{name}"));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for source in [
        "src/",
        "crates/wsdoctor-model/src/",
        "crates/wsdoctor-core/src/",
        "crates/wsdoctor-lab/src/",
    ] {
        out.push(source.to_string());
        walk(&root.join(source), source, &mut out);
    }
    out
}

#[test]
fn the_architecture_section_lists_the_source_tree_as_ls_does() {
    let documented = documented_tree();
    let real = source_tree();
    let missing: Vec<&String> = real.iter().filter(|p| !documented.contains(p)).collect();
    let gone: Vec<&String> = documented.iter().filter(|p| !real.contains(p)).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "README's source tree is stale: not listed {missing:?}; listed but not in the tree {gone:?}"
    );
}

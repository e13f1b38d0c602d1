//! The published artefacts stay in step with the code: completions, man page, README table.

use crate::support::run;
use wsdoctor_core::model::codes::{markdown_table, ALL_CAUSES, ALL_CODES};
use wsdoctor_core::model::Code;

const REGENERATE: &str = "regenerate with: scripts/generate-assets";

#[test]
fn committed_completions_and_man_page_are_fresh() {
    let root = env!("CARGO_MANIFEST_DIR");
    let shells = [
        ("bash", "completions/wsdoctor.bash"),
        ("zsh", "completions/_wsdoctor"),
        ("fish", "completions/wsdoctor.fish"),
        ("powershell", "completions/_wsdoctor.ps1"),
        ("elvish", "completions/wsdoctor.elv"),
    ];
    for (shell, path) in shells {
        let committed = std::fs::read_to_string(format!("{root}/{path}"))
            .unwrap_or_else(|_| panic!("{path} is missing; {REGENERATE}"));
        let generated = run(&["completions", shell]);
        assert_eq!(generated.code, 0);
        assert!(
            committed == generated.stdout,
            "{path} is stale; {REGENERATE}"
        );
    }
    let man = std::fs::read_to_string(format!("{root}/man/wsdoctor.1"))
        .unwrap_or_else(|_| panic!("man/wsdoctor.1 is missing; {REGENERATE}"));
    assert!(
        man == run(&["man"]).stdout,
        "man/wsdoctor.1 is stale; {REGENERATE}"
    );
}

#[test]
fn the_readme_table_of_codes_is_generated_from_the_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = markdown_table();
    assert!(
        readme.contains(&table),
        "README's table of codes is stale; paste `wsdoctor explain --markdown`"
    );
}

#[test]
fn explain_lists_every_code_and_explains_each() {
    let list = run(&["explain"]);
    assert_eq!(list.code, 0);
    for &code in ALL_CODES {
        assert!(list.stdout.contains(code.as_str()));
        let one = run(&["explain", &code.as_str().to_lowercase()]);
        assert_eq!(one.code, 0);
        assert!(one.stdout.contains("What to do"), "{}", one.stdout);
    }
    let app_runner = run(&["explain", "AWS_APP_RUNNER_ERROR"]);
    assert!(app_runner.stdout.contains("API Gateway"));
    assert_eq!(Code::parse("session-invalid"), Some(Code::SessionInvalid));
}

#[test]
fn explain_answers_causes_close_codes_and_json_without_sending_users_in_circles() {
    for &cause in ALL_CAUSES {
        let one = run(&["explain", cause.as_str()]);
        assert_eq!(one.code, 0, "{cause}: {}", one.stderr);
        assert!(one.stdout.contains(cause.code().as_str()), "{}", one.stdout);
        assert!(one.stdout.contains(cause.hint()), "{}", one.stdout);
    }
    let abnormal = run(&["explain", "1006"]);
    assert!(
        abnormal.stdout.contains("never sent"),
        "{}",
        abnormal.stdout
    );
    assert!(
        abnormal.stdout.contains("AWS_APP_RUNNER_ERROR"),
        "{}",
        abnormal.stdout
    );
    let session = run(&["explain", "4000", "--format", "json"]).json();
    assert_eq!(session["kind"], "close_code");
    assert_eq!(session["code"], "SESSION_INVALID");
    assert_eq!(session["cause"], "session_invalid");
    let policy = run(&["explain", "1008", "--format", "json"]).json();
    assert_eq!(policy["code"], "CONNECTION_TIMEOUT");
    assert!(policy["browser"].as_str().unwrap().contains("cannot"));
    let code = run(&["explain", "MAX_RETRIES_EXCEEDED", "--format", "json"]).json();
    assert_eq!(code["kind"], "code");
    assert!(code["causes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["code"] == "MAX_RETRIES_EXCEEDED"));
    let all = run(&["explain", "--format", "json"]).json();
    assert_eq!(all["codes"].as_array().unwrap().len(), ALL_CODES.len());
    // The tags in the listing are explained where they appear.
    let list = run(&["explain"]);
    assert!(list.stdout.contains("[wsdoctor] a code") && list.stdout.contains("[retried] a cause"));
    // A near miss gets a suggestion and the usage status.
    let near = run(&["explain", "tcp-refuse"]);
    assert_eq!(near.code, 2);
    assert!(
        near.stderr.contains("did you mean tcp_refused"),
        "{}",
        near.stderr
    );
    // No hint tells the user to run the tool they are already running.
    for &code in ALL_CODES {
        let text = run(&["explain", code.as_str()]).stdout;
        assert!(!text.contains("with `wsdoctor check`"), "{code}: {text}");
    }
    for &cause in ALL_CAUSES {
        assert!(!cause.hint().contains("wsdoctor check"), "{cause}");
    }
}

#[test]
fn the_schema_is_valid_json_schema_and_lists_every_cause() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/report.v1.json"
    ))
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(jsonschema::validator_for(&schema).is_ok());
    for &cause in ALL_CAUSES {
        assert!(
            text.contains(&format!("\"{}\"", cause.as_str())),
            "schema lacks cause {cause}"
        );
    }
    for &code in ALL_CODES {
        assert!(
            text.contains(&format!("\"{}\"", code.as_str())),
            "schema lacks code {code}"
        );
    }
}

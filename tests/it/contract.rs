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
    for page in [
        "", "check", "watch", "demo", "lab", "explain", "config", "serve", "ping",
    ] {
        let file = if page.is_empty() {
            "wsdoctor.1".to_string()
        } else {
            format!("wsdoctor-{page}.1")
        };
        let committed = std::fs::read_to_string(format!("{root}/man/{file}"))
            .unwrap_or_else(|_| panic!("man/{file} is missing; {REGENERATE}"));
        let args: Vec<&str> = std::iter::once("man")
            .chain((!page.is_empty()).then_some(page))
            .collect();
        assert!(
            committed == run(&args).stdout,
            "man/{file} is stale; {REGENERATE}"
        );
    }
}

/// Every page renders with man(1), with the sections users look for.
#[test]
fn man_pages_render_with_every_section() {
    let root = env!("CARGO_MANIFEST_DIR");
    let has_man = std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_man,
        "man is needed to render the pages (Debian: man-db; .ci/run installs it)"
    );
    for file in [
        "wsdoctor.1",
        "wsdoctor-check.1",
        "wsdoctor-watch.1",
        "wsdoctor-demo.1",
        "wsdoctor-lab.1",
        "wsdoctor-explain.1",
        "wsdoctor-config.1",
        "wsdoctor-serve.1",
        "wsdoctor-ping.1",
    ] {
        let path = format!("{root}/man/{file}");
        let roff = std::fs::read_to_string(&path).unwrap();
        for section in [
            "EXAMPLES",
            "ENVIRONMENT",
            "EXIT STATUS",
            "FILES",
            "SEE ALSO",
        ] {
            assert!(
                roff.contains(&format!(".SH \"{section}\""))
                    || roff.contains(&format!(".SH {section}")),
                "{file} lacks {section}"
            );
        }
        let out = std::process::Command::new("man")
            .args(["-l", &path])
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "man -l {file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("EXIT STATUS") && text.contains("EXAMPLES"),
            "{file}: {text}"
        );
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(!warnings.contains("warning"), "{file}: {warnings}");
    }
    let top = std::fs::read_to_string(format!("{root}/man/wsdoctor.1")).unwrap();
    assert!(
        top.contains("wsdoctor\\-check(1)") || top.contains("wsdoctor-check(1)"),
        "the top page names the others"
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

/// The declared minimum Rust is true of every locked dependency that ends up in the binary (dev
/// dependencies may need newer: they never build for a user).
///
/// Only this machine's target is read: `cargo test` downloads the packages its own target needs and
/// no others (a Windows-only crate stays in the lock file, undownloaded), and the README's test
/// command has to pass on a machine whose cargo cache it filled itself, offline from then on.
#[test]
fn no_locked_dependency_needs_a_newer_rust_than_declared() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let host = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .unwrap();
    let host = String::from_utf8_lossy(&host.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: ").map(str::to_owned))
        .expect("rustc -vV names the host");
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // 1.89 and 1.89.0 are the same minimum.
    let version = |text: &str| -> [u64; 3] {
        let mut parts = text.split('.').map(|part| part.parse().unwrap_or(0));
        [0; 3].map(|_| parts.next().unwrap_or(0))
    };
    let packages: std::collections::HashMap<&str, &serde_json::Value> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let declared = packages
        .values()
        .find(|p| p["name"] == "wsdoctor")
        .and_then(|p| p["rust_version"].as_str())
        .expect("the package declares rust-version")
        .to_string();
    let nodes: std::collections::HashMap<&str, &serde_json::Value> = metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let mut stack: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut too_new = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(needs) = packages[id]["rust_version"].as_str() {
            if version(needs) > version(&declared) {
                too_new.push(format!("{} needs {needs}", packages[id]["name"]));
            }
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let shipped = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if shipped {
                stack.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    assert!(
        too_new.is_empty(),
        "rust-version is {declared}, but {too_new:?}"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&format!("Rust {declared} or newer")),
        "the README states the minimum"
    );
}

/// The counts the changelog gives are the program's: the newest section that states a count
/// (Unreleased, or the latest release when nothing since has changed them) says the current one.
#[test]
fn the_changelog_counts_are_true() {
    let changelog =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/CHANGELOG.md")).unwrap();
    let says = |pattern: &str, expected: &str| {
        let pattern = regex::Regex::new(pattern).unwrap();
        let newest = changelog
            .split("\n## [")
            .skip(1)
            .find(|section| pattern.is_match(section))
            .unwrap_or_default();
        assert!(
            newest.contains(expected),
            "the changelog's newest section with a count should say {expected}"
        );
    };
    let causes = format!("({} causes, {} codes)", ALL_CAUSES.len(), ALL_CODES.len());
    says(r"\(\d+ causes, \d+ codes\)", &causes);
    let faults = format!("({} faults)", wsdoctor_lab::fault_catalog().len());
    says(r"\(\d+ faults\)", &faults);
}

/// `--version` is the version the changelog dates, and the action installs by default.
#[test]
fn the_version_is_released_in_the_changelog() {
    let changelog =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/CHANGELOG.md")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let heading = regex::Regex::new(&format!(
        r"\n## \[{}\] - \d{{4}}-\d{{2}}-\d{{2}}\n",
        regex::escape(version)
    ))
    .unwrap();
    assert!(
        heading.is_match(&changelog),
        "a dated section for {version}"
    );
    let out = crate::support::run(&["--version"]);
    assert_eq!(
        out.stdout.lines().next(),
        Some(format!("wsdoctor {version}").as_str())
    );
}

//! One definition per flag: what `--help` says a flag reads, the man pages' ENVIRONMENT, the
//! config file's keys and the pages themselves agree, because they are generated from it.

use crate::support::{run, wsdoctor};
use std::collections::BTreeSet;

/// The one variable that is not a flag's stand-in: headers, one a line.
const HEADERS: &str = "WSDOCTOR_HEADER";

/// The pages `wsdoctor man --help` offers.
fn offered_pages() -> Vec<String> {
    let help = run(&["man", "--help"]);
    assert_eq!(help.code, 0, "{}", help.stderr);
    let flat = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    let list = flat
        .split("[possible values: ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("man --help lists no pages: {}", help.stdout));
    list.split(", ").map(str::to_string).collect()
}

/// `--help` of `words`, and of every subcommand under it (`config check`), concatenated.
fn help_tree(words: &[&str]) -> String {
    let args: Vec<&str> = words.iter().copied().chain(["--help"]).collect();
    let help = run(&args);
    assert_eq!(help.code, 0, "{args:?}: {}", help.stderr);
    let mut text = help.stdout.clone();
    let commands = help
        .stdout
        .split("Commands:\n")
        .nth(1)
        .map(|rest| rest.split("\n\n").next().unwrap_or_default().to_string())
        .unwrap_or_default();
    // A name starts its line two spaces in; a wrapped description is indented further.
    for line in commands
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
    {
        let Some(name) = line.split_whitespace().next() else {
            continue;
        };
        if name != "help" {
            let deeper: Vec<&str> = words.iter().copied().chain([name]).collect();
            text.push_str(&help_tree(&deeper));
        }
    }
    text
}

/// The variables an argument reads, by `--help`'s `[env: NAME=…]`, with the argument as the
/// usage names it (`--timeout`, `<TARGET>`).
fn flag_variables(help: &str) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut argument = String::new();
    for line in help.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        if (2..10).contains(&indent) && (trimmed.starts_with('-') || trimmed.starts_with('[')) {
            argument = match trimmed.split_whitespace().find(|w| w.starts_with("--")) {
                Some(long) => long.trim_end_matches(',').to_string(),
                None => trimmed
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches('[')
                    .trim_end_matches("...")
                    .trim_end_matches(']')
                    .to_string(),
            };
            argument = argument.trim_end_matches("...").to_string();
            if !argument.starts_with("--") {
                argument = format!("<{argument}>");
            }
        }
        for piece in line.split("[env: ").skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.insert((name, argument.clone()));
        }
    }
    found
}

/// The ENVIRONMENT entries of a page (roff unescaped): variable and text.
fn environment(page: &str) -> Vec<(String, String)> {
    let args: Vec<&str> = std::iter::once("man")
        .chain((!page.is_empty()).then_some(page))
        .collect();
    let roff = run(&args);
    assert_eq!(roff.code, 0, "{}", roff.stderr);
    let section = roff
        .stdout
        .split(".SH ENVIRONMENT\n")
        .nth(1)
        .and_then(|rest| rest.split("\n.SH ").next())
        .unwrap_or_else(|| panic!("man {page}: no ENVIRONMENT"))
        .replace("\\-", "-");
    section
        .split(".TP\n")
        .skip(1)
        .filter_map(|entry| {
            let (name, text) = entry.split_once('\n')?;
            let name = name.trim_start_matches("\\fB").trim_end_matches("\\fR");
            Some((name.to_string(), text.trim().to_string()))
        })
        .collect()
}

#[test]
fn every_variable_a_flag_reads_is_in_its_man_page_and_every_page_variable_is_a_flag() {
    let pages: Vec<String> = std::iter::once(String::new())
        .chain(offered_pages())
        .collect();
    for page in &pages {
        let words: Vec<&str> = (!page.is_empty())
            .then_some(page.as_str())
            .into_iter()
            .collect();
        let help = help_tree(&words);
        let from_help = flag_variables(&help);
        let listed = environment(page);
        let shown = if page.is_empty() {
            "wsdoctor(1)".to_string()
        } else {
            format!("wsdoctor-{page}(1)")
        };
        for (variable, argument) in &from_help {
            let entry = listed.iter().find(|(name, _)| name == variable);
            assert!(
                entry.is_some_and(|(_, text)| text.starts_with(&format!("As {argument}."))
                    // Not a stand-in: the variable splits on newlines, the flag takes one.
                    || variable == HEADERS),
                "{shown}: {argument} reads {variable} (says --help), but ENVIRONMENT {}",
                entry.map_or("does not list it".to_string(), |(_, text)| format!(
                    "says {text:?}"
                ))
            );
        }
        for (name, _) in &listed {
            for variable in name
                .split([',', ' '])
                .filter(|w| w.starts_with("WSDOCTOR_"))
            {
                assert!(
                    from_help.iter().any(|(v, _)| v == variable)
                        // The one variable that is not a flag's stand-in (headers, one a line).
                        || (variable == HEADERS && !from_help.is_empty()),
                    "{shown} lists {variable}, but no argument of its --help reads it"
                );
            }
        }
    }
}

#[test]
fn a_config_key_is_a_check_flag_and_a_boolean_exactly_when_the_flag_takes_no_value() {
    let schema = run(&["config", "schema"]);
    assert_eq!(schema.code, 0, "{}", schema.stderr);
    let schema: serde_json::Value = serde_json::from_str(&schema.stdout).unwrap();
    let keys = schema["properties"]["defaults"]["properties"]
        .as_object()
        .expect("defaults' keys");
    let help = run(&["check", "--help"]).stdout;
    // The exporter's ping series per probe (`wsdoctor serve`): no flag of check's, by design.
    const EXPORTER_ONLY: [&str; 2] = ["ping_samples", "ping_interval"];
    for key in EXPORTER_ONLY {
        assert!(
            keys.contains_key(key),
            "the exporter's {key} left the schema: update this list"
        );
    }
    for (key, property) in keys {
        if EXPORTER_ONLY.contains(&key.as_str()) {
            continue;
        }
        let long = format!("--{}", key.replace('_', "-"));
        let header = help
            .lines()
            .find(|line| {
                let trimmed = line.trim_start();
                trimmed.starts_with('-')
                    && trimmed
                        .split_whitespace()
                        .any(|w| w.trim_end_matches(',') == long)
            })
            .unwrap_or_else(|| panic!("config key {key} is no flag of check"));
        let takes_value = header.contains('<');
        let boolean = property["type"] == "boolean";
        assert_eq!(
            boolean, !takes_value,
            "config key {key}: the schema's type and the flag ({header:?}) disagree"
        );
    }
}

/// A file in a directory of its own, removed on drop.
struct Dir(std::path::PathBuf);

impl Dir {
    fn with_config(name: &str, text: &str) -> Dir {
        let dir =
            std::env::temp_dir().join(format!("wsdoctor-flags-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("wsdoctor.toml"), text).unwrap();
        Dir(dir)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_boolean_in_the_config_file_is_below_its_variable_and_its_flag() {
    let http2_road = |file: &str, variable: Option<&str>, extra: &[&str]| -> bool {
        let dir = Dir::with_config(
            &format!("{file}-{}", variable.unwrap_or("unset")),
            &format!("[defaults]\nhttp2 = {file}\n[[targets]]\nname = \"a\"\nurl = \"https://127.0.0.1:1/\"\n"),
        );
        let mut cmd = wsdoctor();
        cmd.current_dir(&dir.0)
            .args(["check", "--dry-run"])
            .args(extra);
        if let Some(value) = variable {
            cmd.env("WSDOCTOR_HTTP2", value);
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout.contains("HTTP/2 required")
    };
    assert!(http2_road("true", None, &[]), "the file's true applies");
    assert!(
        !http2_road("true", Some("0"), &[]),
        "the variable's false wins over the file"
    );
    assert!(
        http2_road("false", Some("yes"), &[]),
        "the variable's yes wins over the file"
    );
    assert!(
        http2_road("false", None, &["--http2"]),
        "the flag wins over the file"
    );
    assert!(!http2_road("false", None, &[]));
}

#[test]
fn a_false_variable_beside_the_flag_it_conflicts_with_is_no_conflict_but_two_typed_flags_are() {
    let out = wsdoctor()
        .env("WSDOCTOR_VERBOSE", "0")
        .args(["demo", "--only", "health", "-q"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let typed = run(&["demo", "--only", "health", "-q", "-v"]);
    assert_eq!(typed.code, 2);
    assert!(
        typed.stderr.contains("cannot be used with"),
        "{}",
        typed.stderr
    );
    let out = wsdoctor()
        .env("WSDOCTOR_VERBOSE", "sometimes")
        .args(["demo", "--only", "health"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("WSDOCTOR_VERBOSE") && stderr.contains("sometimes"),
        "{stderr}"
    );
}

#[test]
fn man_help_offers_every_page_and_the_pages_name_only_real_pages() {
    let root = env!("CARGO_MANIFEST_DIR");
    let on_disk: BTreeSet<String> = std::fs::read_dir(format!("{root}/man"))
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            Some(
                name.strip_prefix("wsdoctor-")?
                    .strip_suffix(".1")?
                    .to_string(),
            )
        })
        .collect();
    let offered: BTreeSet<String> = offered_pages().into_iter().collect();
    assert_eq!(offered, on_disk, "man --help and man/ disagree");
    let named = regex::Regex::new(r"wsdoctor\\-([a-z]+)(?:\\f[BRI])?\(1\)").unwrap();
    for page in std::iter::once("wsdoctor.1".to_string())
        .chain(on_disk.iter().map(|p| format!("wsdoctor-{p}.1")))
    {
        let roff = std::fs::read_to_string(format!("{root}/man/{page}")).unwrap();
        for name in named.captures_iter(&roff) {
            assert!(
                on_disk.contains(&name[1]),
                "{page} names wsdoctor-{}(1), which does not exist",
                &name[1]
            );
        }
    }
}

#[test]
fn help_names_a_variable_but_never_shows_its_value() {
    let out = wsdoctor()
        .env("WSDOCTOR_SESSION", "s3cr3t-session-id")
        .env("WSDOCTOR_PROXY", "http://user:pa55word@127.0.0.1:1")
        .args(["check", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(help.contains("[env: WSDOCTOR_SESSION"), "{help}");
    for secret in ["s3cr3t-session-id", "pa55word"] {
        assert!(!help.contains(secret), "--help shows {secret}: {help}");
    }
}

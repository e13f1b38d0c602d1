//! `wsdoctor.toml`: the checked-in description of a fleet. Its keys are the `check` options' long
//! names (`connect-timeout` or `connect_timeout`), so the file can say everything the command
//! line can and nothing it cannot; values may name environment variables (`${PROD_SESSION}`),
//! so secrets stay out of the file.
//!
//! A key becomes the *default* of its option for that target, which gives the documented
//! precedence for free: a flag beats its environment variable, which beats the target's entry,
//! which beats `[defaults]`, which beats the built-in default.

use crate::exit::AppError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file looked for in the current directory when `--config` is not given.
pub(crate) const DEFAULT_FILE: &str = "wsdoctor.toml";

/// The largest config file read: a fleet of ten thousand targets is about 1 MiB, and anything
/// bigger is a mistake (`--config /dev/zero`, a log file) that must not eat the memory.
pub(crate) const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Which parts of the file have their `${NAME}` references expanded. A part that does not run
/// keeps its text as written, so a variable only another target needs cannot stop this run.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expand<'a> {
    /// Every part: `config check` and `serve`, which may use any of them.
    Everything,
    /// `[defaults]` and the targets with these names (none for a one-off URL).
    Targets(&'a [String]),
}

impl Expand<'_> {
    fn target(&self, name: &str) -> bool {
        match self {
            Expand::Everything => true,
            Expand::Targets(names) => names.iter().any(|n| n == name),
        }
    }

    fn modules(&self) -> bool {
        matches!(self, Expand::Everything)
    }
}

/// Options that describe an invocation, not a target: they stay on the command line.
const NOT_IN_FILE: &[&str] = &[
    "config",
    "no-config",
    "target",
    "parallel",
    "dry-run",
    "format",
    "output",
    "color",
    "quiet",
    "verbose",
    "trace",
    "trace-file",
    "show-secrets",
    "write-out",
    "help",
    "version",
];

/// One option's value from the file, where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The option's long name (`connect-timeout`).
    pub(crate) key: String,
    /// Its values as the command line would spell them (one, or several for a list).
    pub(crate) values: Vec<String>,
    /// 1-based line of the key.
    pub(crate) line: usize,
}

/// One `[[targets]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TargetEntry {
    /// Unique name, used in reports, metrics and `--target`.
    pub(crate) name: String,
    /// The deployment's URL.
    pub(crate) url: String,
    /// Its own option values, over `[defaults]`.
    pub(crate) entries: Vec<Entry>,
    /// 1-based line of its `name`.
    pub(crate) line: usize,
}

/// A loaded, validated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigFile {
    /// Where it was read from.
    pub(crate) path: PathBuf,
    /// `[defaults]`.
    pub(crate) defaults: Vec<Entry>,
    /// `[[targets]]`, in file order.
    pub(crate) targets: Vec<TargetEntry>,
    /// `[modules.NAME]`: named sets of options for `wsdoctor serve` probes.
    pub(crate) modules: BTreeMap<String, Vec<Entry>>,
    /// `[serve] allow`: URL patterns (`*` matches any run of characters) that `serve` may probe
    /// besides the named targets.
    pub(crate) allow: Vec<String>,
    /// `[serve] deny_private`: URL targets may not connect to loopback, private, link-local,
    /// shared or unspecified addresses (on unless the file says `false`).
    pub(crate) deny_private: bool,
}

type RawTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// Answers a `${NAME}` reference: the variable's value, if it is set.
type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    defaults: RawTable,
    #[serde(default)]
    targets: Vec<RawTable>,
    #[serde(default)]
    modules: BTreeMap<String, RawTable>,
    #[serde(default)]
    serve: RawServe,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServe {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    deny_private: Option<bool>,
}

/// The file to read: `--config`, else `./wsdoctor.toml` when it exists.
pub(crate) fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => {
            let default = PathBuf::from(DEFAULT_FILE);
            default.is_file().then_some(default)
        }
    }
}

/// Reads and validates a file against the options `known` (long names), expanding the
/// references of the parts `expand` names.
pub(crate) fn load(
    path: &Path,
    known: &[String],
    expand: Expand<'_>,
) -> Result<ConfigFile, AppError> {
    let text = read(path)?;
    parse(&text, path, known, &|name| std::env::var(name).ok(), expand)
}

/// The file's text: a regular file of at most [`MAX_FILE_BYTES`], in UTF-8.
fn read(path: &Path) -> Result<String, AppError> {
    use std::io::Read;
    let refuse = |message: String| AppError::usage("--config", message);
    // Looked at before opening: opening a FIFO would wait for a writer, and a device
    // (`/dev/zero`, `/dev/urandom`) never ends.
    let meta = std::fs::metadata(path)
        .map_err(|e| refuse(format!("cannot read {}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(refuse(format!(
            "{} is not a regular file (a config file is read whole, so a device, FIFO or directory cannot be one)",
            path.display()
        )));
    }
    let too_big = || {
        refuse(format!(
            "{} is larger than {} MiB, the most a config file may be",
            path.display(),
            MAX_FILE_BYTES / (1024 * 1024)
        ))
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let file = std::fs::File::open(path)
        .map_err(|e| refuse(format!("cannot read {}: {e}", path.display())))?;
    // The file may still grow between the look and the read: the read is bounded too.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refuse(format!("cannot read {}: {e}", path.display())))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    String::from_utf8(bytes)
        .map_err(|e| refuse(format!("{} is not UTF-8 text: {e}", path.display())))
}

/// Parses `text`; `env` answers the `${NAME}` references of the parts `expand` names.
pub(crate) fn parse(
    text: &str,
    path: &Path,
    known: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    expand: Expand<'_>,
) -> Result<ConfigFile, AppError> {
    let shown = path.display().to_string();
    let raw: RawFile = toml::from_str(text).map_err(|e| syntax_error(&e, text, &shown))?;
    // Every key of every target asks for its line: index the newlines once, or a file of a
    // thousand targets is scanned a thousand times.
    let lines = LineIndex::new(text);
    let at = |span: std::ops::Range<usize>| lines.line_column(span.start).0;
    let defaults = entries(
        &raw.defaults,
        "[defaults]",
        known,
        false,
        &shown,
        &at,
        Some(env),
    )?;
    let mut targets = Vec::new();
    let mut lines_of: std::collections::HashMap<String, usize> = Default::default();
    for (index, table) in raw.targets.iter().enumerate() {
        let place = |line: usize| format!("{shown}:{line}");
        let first_line = table.keys().map(|k| at(k.span())).min().unwrap_or(1);
        let string = |key: &str| -> Result<Option<(String, usize)>, AppError> {
            match table.get(key) {
                None => Ok(None),
                Some(value) => match value.get_ref() {
                    toml::Value::String(s) => Ok(Some((s.clone(), at(value.span())))),
                    other => Err(AppError::at(
                        place(at(value.span())),
                        format!(
                            "targets[{index}].{key} must be a string, not {}",
                            other.type_str()
                        ),
                    )),
                },
            }
        };
        let (name, line) = string("name")?.ok_or_else(|| {
            AppError::at(
                place(first_line),
                format!("targets[{index}] has no name (every target needs a unique name)"),
            )
        })?;
        if name.trim().is_empty() || name.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(AppError::at(
                place(line),
                format!(
                    "target name {name:?} must be non-empty, without spaces or control characters"
                ),
            ));
        }
        // A set, not a scan of the targets so far: a file of 40,000 targets took seconds.
        if let Some(earlier) = lines_of.get(name.as_str()) {
            return Err(AppError::at(
                place(line),
                format!("duplicate target name {name:?} (first at line {earlier})"),
            ));
        }
        lines_of.insert(name.clone(), line);
        let (url, url_line) = string("url")?
            .ok_or_else(|| AppError::at(place(line), format!("target {name:?} has no url")))?;
        let runs = expand.target(&name);
        let url = if runs {
            interpolate(&url, env).map_err(|variable| {
                AppError::at(
                    place(url_line),
                    format!(
                        "target {name:?}, key url: ${{{variable}}} is not set in the environment"
                    ),
                )
            })?
        } else {
            url
        };
        let context = format!("target {name:?}");
        let own = entries(
            table,
            &context,
            known,
            true,
            &shown,
            &at,
            runs.then_some(env),
        )?;
        targets.push(TargetEntry {
            name,
            url,
            entries: own,
            line,
        });
    }
    let mut modules = BTreeMap::new();
    for (name, table) in &raw.modules {
        let context = format!("module {name:?}");
        let env = expand.modules().then_some(env);
        let own = entries(table, &context, known, false, &shown, &at, env)?;
        modules.insert(name.clone(), own);
    }
    Ok(ConfigFile {
        path: path.to_path_buf(),
        defaults,
        targets,
        modules,
        allow: raw.serve.allow,
        deny_private: raw.serve.deny_private.unwrap_or(true),
    })
}

/// A TOML error, placed at its line and column.
fn syntax_error(e: &toml::de::Error, text: &str, shown: &str) -> AppError {
    let place = e
        .span()
        .map(|span| {
            let (line, column) = LineIndex::new(text).line_column(span.start);
            format!(":{line}:{column}")
        })
        .unwrap_or_default();
    AppError::at(
        format!("{shown}{place}"),
        e.message().trim_end().to_string(),
    )
}

/// The option entries of one table; `target` tables may also hold `name` and `url`. Without
/// `env` (a part that does not run), values keep their `${NAME}` references as written.
fn entries(
    table: &RawTable,
    context: &str,
    known: &[String],
    target: bool,
    file: &str,
    at: &dyn Fn(std::ops::Range<usize>) -> usize,
    env: Option<&Lookup<'_>>,
) -> Result<Vec<Entry>, AppError> {
    let mut out = Vec::new();
    for (key, value) in table {
        let line = at(key.span());
        let place = format!("{file}:{line}");
        let raw_key = key.get_ref();
        if target && (raw_key == "name" || raw_key == "url") {
            continue;
        }
        let long = raw_key.replace('_', "-");
        if !known.contains(&long) {
            let why = if NOT_IN_FILE.contains(&long.as_str()) {
                format!("{context}: `{raw_key}` describes an invocation, not a target; give it on the command line")
            } else {
                format!(
                    "{context}: unknown key `{raw_key}`{}",
                    did_you_mean(&long, known)
                        .map(|k| format!("; did you mean `{}`?", k.replace('-', "_")))
                        .unwrap_or_default()
                )
            };
            return Err(AppError::at(place, why));
        }
        let values = scalars(value.get_ref()).map_err(|kind| {
            AppError::at(place.clone(),
                format!("{context}: `{raw_key}` must be a string, number, boolean or a list of them, not {kind}"),
            )
        })?;
        let Some(env) = env else {
            out.push(Entry {
                key: long,
                values,
                line,
            });
            continue;
        };
        let values = values
            .iter()
            .map(|v| interpolate(v, env))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|variable| {
                AppError::at(
                    place.clone(),
                    format!(
                        "{context}, key {raw_key}: ${{{variable}}} is not set in the environment"
                    ),
                )
            })?;
        out.push(Entry {
            key: long,
            values,
            line,
        });
    }
    Ok(out)
}

/// A value as command-line words; the error names the kind that cannot be one.
fn scalars(value: &toml::Value) -> Result<Vec<String>, &'static str> {
    match value {
        toml::Value::String(s) => Ok(vec![s.clone()]),
        toml::Value::Integer(n) => Ok(vec![n.to_string()]),
        toml::Value::Float(f) => Ok(vec![f.to_string()]),
        toml::Value::Boolean(b) => Ok(vec![b.to_string()]),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                toml::Value::Array(_) => Err("a nested list"),
                toml::Value::Table(_) => Err("a table in a list"),
                other => scalars(other).map(|mut v| v.remove(0)),
            })
            .collect(),
        toml::Value::Datetime(_) => Err("a date"),
        toml::Value::Table(_) => Err("a table"),
    }
}

/// Replaces `${NAME}` with the variable's value (`$$` is a literal `$`); the error is the name of
/// a variable that is not set.
pub(crate) fn interpolate(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let Some(end) = body.find('}') else {
                out.push('$');
                rest = after;
                continue;
            };
            let name = &body[..end];
            let value = env(name).ok_or_else(|| name.to_string())?;
            out.push_str(&value);
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The known key nearest to a misspelt one.
pub(crate) fn did_you_mean<'a>(wrong: &str, known: &'a [String]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(wrong, k), k.as_str()))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// Where each line of a text starts, for turning byte offsets into line and column.
struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the first character of each line after the first.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        LineIndex { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = if line == 0 { 0 } else { self.starts[line - 1] };
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |before| before.chars().count());
        (line + 1, column + 1)
    }
}

/// The option keys a file may use: every `check` option's long name except the invocation ones.
pub(crate) fn known_keys(check: &clap::Command) -> Vec<String> {
    check
        .get_arguments()
        .filter_map(|a| a.get_long())
        .filter(|long| !NOT_IN_FILE.contains(long))
        .chain(crate::cli::PING_MODULE_KEYS.iter().map(|(key, _)| *key))
        .map(str::to_string)
        .collect()
}

/// The JSON Schema of the file, from the same option list (editors complete TOML against it).
pub(crate) fn json_schema(check: &clap::Command) -> serde_json::Value {
    use serde_json::json;
    let mut properties = serde_json::Map::new();
    for arg in check.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if NOT_IN_FILE.contains(&long) {
            continue;
        }
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let scalar = if matches!(arg.get_action(), clap::ArgAction::SetTrue) {
            json!({"type": "boolean"})
        } else {
            json!({"type": ["string", "integer", "number"]})
        };
        let many = matches!(arg.get_action(), clap::ArgAction::Append);
        let mut schema = if many {
            json!({"anyOf": [scalar, {"type": "array", "items": scalar}]})
        } else {
            scalar
        };
        if let Some(object) = schema.as_object_mut() {
            object.insert("description".into(), json!(help));
        }
        properties.insert(long.replace('-', "_"), schema);
    }
    for (key, help) in crate::cli::PING_MODULE_KEYS {
        let scalar = json!({"type": ["string", "integer"], "description": help});
        properties.insert(key.replace('-', "_"), scalar);
    }
    let options = serde_json::Value::Object(properties.clone());
    let mut target = properties;
    target.insert(
        "name".into(),
        json!({"type": "string", "description": "Unique name, used in reports, metrics and --target."}),
    );
    target.insert(
        "url".into(),
        json!({"type": "string", "description": "The deployment: an http(s) base URL or a ws(s) socket URL."}),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:wsdoctor:schema:config:v1",
        "title": "wsdoctor.toml",
        "description": "A fleet of deployments for wsdoctor: [defaults] and [[targets]]. Keys are the check options' long names (dashes or underscores); values may reference the environment as ${NAME}.",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "defaults": {"type": "object", "additionalProperties": false, "properties": options.clone()},
            "modules": {
                "type": "object",
                "description": "Named sets of options for `wsdoctor serve` probes (?module=NAME).",
                "additionalProperties": {"type": "object", "additionalProperties": false, "properties": options.clone()},
            },
            "serve": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "allow": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "URL patterns (* matches anything) `wsdoctor serve` may probe besides the named targets.",
                    },
                    "deny_private": {
                        "type": "boolean",
                        "default": true,
                        "description": "URL targets may not connect to loopback, private (RFC 1918, unique-local), link-local, shared (100.64/10) or unspecified addresses, checked on the addresses actually connected to. Named targets are trusted.",
                    },
                },
            },
            "targets": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "url"],
                    "properties": target,
                },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_invocation_option_is_an_option_of_check() {
        // The table names flags by their long names: a renamed flag must not leave a stale entry
        // (which would turn the renamed flag into a config key unnoticed).
        let check = crate::cli::command()
            .find_subcommand("check")
            .cloned()
            .expect("check");
        let longs: Vec<&str> = check.get_arguments().filter_map(|a| a.get_long()).collect();
        for name in NOT_IN_FILE {
            assert!(
                matches!(*name, "help" | "version") || longs.contains(name),
                "NOT_IN_FILE names {name}, which is no option of check"
            );
        }
    }

    #[test]
    fn line_index_counts_lines_and_characters_from_one() {
        let text = "a = 1\nbé = 2\n\nc";
        let lines = LineIndex::new(text);
        assert_eq!(lines.line_column(0), (1, 1));
        assert_eq!(lines.line_column(4), (1, 5));
        // The newline itself still belongs to the line it ends.
        assert_eq!(lines.line_column(5), (1, 6));
        assert_eq!(lines.line_column(6), (2, 1));
        // Columns count characters, not bytes: "bé" is two characters in three bytes.
        assert_eq!(lines.line_column(9), (2, 3));
        assert_eq!(lines.line_column(14), (3, 1));
        assert_eq!(lines.line_column(15), (4, 1));
        assert_eq!(lines.line_column(999), (4, 2));
    }

    fn known() -> Vec<String> {
        [
            "timeout",
            "origin",
            "session",
            "header",
            "only",
            "insecure",
            "min-cert-days",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn env(name: &str) -> Option<String> {
        (name == "PROD_SESSION").then(|| "s3cret".to_string())
    }

    #[test]
    fn a_file_reads_into_defaults_and_targets() {
        let text = r#"
[defaults]
origin = "https://app.example.com"
timeout = "25s"

[[targets]]
name = "prod-eu"
url = "https://api.example.com"
session = "${PROD_SESSION}"
header = ["X-A: 1", "X-B: 2"]
min_cert_days = 14
insecure = false
"#;
        let file = parse(
            text,
            Path::new("w.toml"),
            &known(),
            &env,
            Expand::Everything,
        )
        .unwrap();
        assert_eq!(file.defaults.len(), 2);
        let target = &file.targets[0];
        assert_eq!(target.name, "prod-eu");
        assert_eq!(target.line, 7);
        let session = target.entries.iter().find(|e| e.key == "session").unwrap();
        assert_eq!(session.values, ["s3cret"]);
        let header = target.entries.iter().find(|e| e.key == "header").unwrap();
        assert_eq!(header.values, ["X-A: 1", "X-B: 2"]);
        let days = target
            .entries
            .iter()
            .find(|e| e.key == "min-cert-days")
            .unwrap();
        assert_eq!(days.values, ["14"]);
    }

    #[test]
    fn mistakes_are_named_with_their_place() {
        let error = |text: &str| {
            parse(
                text,
                Path::new("w.toml"),
                &known(),
                &env,
                Expand::Everything,
            )
            .unwrap_err()
            .to_string()
        };
        let typo = error("[defaults]\ntimout = \"1s\"\n");
        assert!(
            typo.contains("w.toml:2") && typo.contains("did you mean `timeout`"),
            "{typo}"
        );
        let missing =
            error("[[targets]]\nname = \"a\"\nurl = \"http://x\"\nsession = \"${NOPE}\"\n");
        assert!(
            missing.contains("w.toml:4")
                && missing.contains("${NOPE}")
                && missing.contains("\"a\""),
            "{missing}"
        );
        let duplicate = error("[[targets]]\nname = \"a\"\nurl = \"http://x\"\n[[targets]]\nname = \"a\"\nurl = \"http://y\"\n");
        assert!(
            duplicate.contains("duplicate target name") && duplicate.contains("line 2"),
            "{duplicate}"
        );
        let malformed = error("[defaults\ntimeout = 1\n");
        assert!(malformed.contains("w.toml:1:"), "{malformed}");
        let invocation = error("[defaults]\nformat = \"json\"\n");
        assert!(invocation.contains("command line"), "{invocation}");
        let nameless = error("[[targets]]\nurl = \"http://x\"\n");
        assert!(nameless.contains("no name"), "{nameless}");
    }

    #[test]
    fn references_are_expanded_and_dollars_escaped() {
        assert_eq!(interpolate("a${PROD_SESSION}b", &env).unwrap(), "as3cretb");
        assert_eq!(interpolate("cost $$5", &env).unwrap(), "cost $5");
        assert_eq!(interpolate("${MISSING}", &env).unwrap_err(), "MISSING");
        assert_eq!(interpolate("plain $ sign", &env).unwrap(), "plain $ sign");
    }
}

//! What the application says about its session store, in the shapes platforms commonly use: the
//! reference's `"sessionStore": {"connected": …, "keyTemplate": …}`, an Express + node-redis
//! `"redis": {"connected": false, "status": "disconnected", "keyPrefix": "sess:"}` or a bare
//! `"redis": "disconnected"` in `/health`. What was read, and what was not understood, is kept for
//! the evidence, so a shape we do not know is said, never silently read as healthy.

use serde_json::Value;
use wsdoctor_model::evidence::AppStoreState;

/// The names a body gives its session store, the most specific first.
const STORE_FIELDS: [&str; 4] = ["sessionStore", "redis", "store", "cache"];

/// Fields listed in the evidence, at most; a body may have thousands.
const LISTED: usize = 16;

/// Characters of a server's value quoted in the evidence, at most.
const QUOTED: usize = 64;

/// What the application's body says about its session store; `None` when it names none.
pub(crate) fn read(body: &Value) -> Option<AppStoreState> {
    let (field, value) = STORE_FIELDS
        .iter()
        .find_map(|&name| body.get(name).map(|v| (name, v)))?;
    let mut state = AppStoreState {
        field: field.to_string(),
        ..AppStoreState::default()
    };
    let mut said: Vec<bool> = Vec::new();
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let path = format!("{field}.{key}");
                let known = matches!(
                    key.as_str(),
                    "keyTemplate" | "keyPrefix" | "prefix" | "type" | "kind" | "sessions"
                ) || STATE_KEYS.contains(&key.as_str());
                // A known field that is null says "none" (an in-memory store has no key template).
                let understood = (known && v.is_null())
                    || match key.as_str() {
                        // node-redis v4 names its flags isOpen and isReady.
                        "connected" | "isOpen" | "ready" | "isReady" => match v.as_bool() {
                            Some(b) => {
                                said.push(b);
                                true
                            }
                            None => false,
                        },
                        "status" | "state" => match v.as_str().and_then(status_word) {
                            Some(b) => {
                                said.push(b);
                                true
                            }
                            None => false,
                        },
                        // A template wins over a prefix; one without `{session}` is not understood.
                        "keyTemplate" | "keyPrefix" | "prefix" => {
                            match v.as_str().and_then(|text| template(key, text)) {
                                Some(found) => {
                                    if key == "keyTemplate" || state.key_template.is_none() {
                                        state.key_template = Some(found);
                                    }
                                    true
                                }
                                None => false,
                            }
                        }
                        // The reference names the store's kind and its count of sessions.
                        "type" | "kind" => v.is_string(),
                        "sessions" => v.is_u64(),
                        _ => false,
                    };
                let entry = format!("{path}: {}", quote(v));
                if understood {
                    push(&mut state.read, entry);
                } else {
                    push(&mut state.not_understood, entry);
                }
            }
        }
        Value::Bool(b) => {
            said.push(*b);
            push(&mut state.read, format!("{field}: {b}"));
        }
        Value::String(text) => match status_word(text) {
            Some(b) => {
                said.push(b);
                push(&mut state.read, format!("{field}: {}", quote(value)));
            }
            None => push(
                &mut state.not_understood,
                format!("{field}: {}", quote(value)),
            ),
        },
        other => push(
            &mut state.not_understood,
            format!("{field}: {}", quote(other)),
        ),
    }
    // Fields that disagree (connected but not ready) settle nothing: say what each said.
    state.connected = match (said.contains(&true), said.contains(&false)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    for &other in STORE_FIELDS.iter().filter(|&&name| name != field) {
        if body.get(other).is_some() {
            push(
                &mut state.not_understood,
                format!("{other}: not read (the session store is taken from {field})"),
            );
        }
    }
    Some(state)
}

/// The fields that said whether the store serves, as read (`redis.status: "disconnected"`), for
/// a finding's message.
pub(crate) fn said_state(state: &AppStoreState) -> String {
    let keys = STATE_KEYS;
    state
        .read
        .iter()
        .filter(|entry| {
            let name = entry.split(": ").next().unwrap_or_default();
            match name.split_once('.') {
                Some((_, key)) => keys.contains(&key),
                None => true,
            }
        })
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fields of a store object that say whether it serves.
const STATE_KEYS: [&str; 6] = ["connected", "isOpen", "ready", "isReady", "status", "state"];

/// A store's state in one word, as node-redis, ioredis and health libraries write it: `Some(true)`
/// when it serves, `Some(false)` when it does not, `None` when the word says neither.
fn status_word(word: &str) -> Option<bool> {
    match word.trim().to_ascii_lowercase().as_str() {
        "connected" | "ready" | "ok" | "up" | "healthy" | "online" | "available" => Some(true),
        "disconnected" | "down" | "error" | "unavailable" | "closed" | "close" | "end"
        | "reconnecting" | "connecting" | "offline" | "failed" | "unhealthy" | "not connected" => {
            Some(false)
        }
        _ => None,
    }
}

/// The key template a field states: a template as it is when it names `{session}`, a prefix
/// followed by `{session}`.
fn template(key: &str, text: &str) -> Option<String> {
    use crate::settings::SESSION_PLACEHOLDER;
    if text.is_empty() {
        return None;
    }
    if key == "keyTemplate" {
        return text.contains(SESSION_PLACEHOLDER).then(|| text.to_string());
    }
    Some(format!("{text}{SESSION_PLACEHOLDER}"))
}

/// A server's value as JSON, cut to [`QUOTED`] characters.
fn quote(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= QUOTED {
        return text;
    }
    let mut cut: String = text.chars().take(QUOTED).collect();
    cut.push('…');
    cut
}

/// Adds `entry` to a bounded list, counting what did not fit in its last line.
fn push(list: &mut Vec<String>, entry: String) {
    match list.len() {
        n if n < LISTED => list.push(entry),
        n if n == LISTED => list.push("… and more".to_string()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_reference_shape_is_read_whole() {
        let state = read(
            &json!({"sessionStore": {"type": "redis", "connected": true, "sessions": 3,
            "keyTemplate": "session:{session}"}}),
        )
        .unwrap();
        assert_eq!(state.field, "sessionStore");
        assert_eq!(state.connected, Some(true));
        assert_eq!(state.key_template.as_deref(), Some("session:{session}"));
        assert!(
            state.not_understood.is_empty(),
            "{:?}",
            state.not_understood
        );
        // The lab's in-memory store: no key template, said as null.
        let memory = read(
            &json!({"sessionStore": {"type": "memory", "connected": true,
            "sessions": 1, "keyTemplate": null}}),
        )
        .unwrap();
        assert!(
            memory.not_understood.is_empty(),
            "{:?}",
            memory.not_understood
        );
        assert_eq!(memory.key_template, None);
    }

    #[test]
    fn an_express_node_redis_shape_is_read_and_the_rest_named() {
        let state = read(
            &json!({"redis": {"connected": false, "status": "disconnected",
            "keyPrefix": "sess:", "host": "10.0.0.9"}}),
        )
        .unwrap();
        assert_eq!(state.field, "redis");
        assert_eq!(state.connected, Some(false));
        assert_eq!(state.key_template.as_deref(), Some("sess:{session}"));
        assert_eq!(state.read.len(), 3, "{:?}", state.read);
        assert_eq!(
            said_state(&state),
            "redis.connected: false, redis.status: \"disconnected\""
        );
        assert_eq!(state.not_understood, vec!["redis.host: \"10.0.0.9\""]);
    }

    #[test]
    fn a_bare_word_a_bool_and_disagreement() {
        assert_eq!(
            read(&json!({"redis": "disconnected"})).unwrap().connected,
            Some(false)
        );
        assert_eq!(read(&json!({"cache": true})).unwrap().connected, Some(true));
        assert_eq!(
            read(&json!({"store": {"status": "ready"}}))
                .unwrap()
                .connected,
            Some(true)
        );
        let unknown = read(&json!({"redis": "purple"})).unwrap();
        assert_eq!(unknown.connected, None);
        assert_eq!(unknown.not_understood, vec!["redis: \"purple\""]);
        let torn = read(&json!({"redis": {"isOpen": true, "isReady": false}})).unwrap();
        assert_eq!(torn.connected, None);
        assert!(read(&json!({"status": "ok"})).is_none());
        // The first name wins; the others are said not to be read.
        let both = read(&json!({"sessionStore": {"connected": true}, "cache": "down"})).unwrap();
        assert_eq!(both.connected, Some(true));
        assert!(both.not_understood[0].starts_with("cache: not read"));
    }

    #[test]
    fn the_evidence_is_bounded() {
        let mut store = serde_json::Map::new();
        for i in 0..1000 {
            store.insert(format!("f{i}"), json!("x".repeat(10_000)));
        }
        let state = read(&json!({ "redis": store })).unwrap();
        assert_eq!(state.not_understood.len(), LISTED + 1);
        assert!(state.not_understood.iter().all(|e| e.chars().count() < 100));
    }
}

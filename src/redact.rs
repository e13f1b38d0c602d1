//! Secrets never reach the output: every string of every format passes through a [`Redactor`].

use serde_json::Value;

/// What replaces a secret.
pub const MASK: &str = "[REDACTED]";

/// Replaces known secret values (and their URL-encoded forms) wherever they appear.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    needles: Vec<String>,
    enabled: bool,
}

/// Replaces the user-info of every URL in `text` (`scheme://user:pass@host`): credentials in a
/// server's diagnostics (a `redis://default:secret@…`) are as secret as the user's own.
pub fn mask_userinfo(text: &str) -> String {
    static PATTERN: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let pattern = PATTERN
        .get_or_init(|| regex::Regex::new(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s\x22']+@").ok());
    match pattern {
        Some(re) => re.replace_all(text, format!("${{1}}{MASK}@")).into_owned(),
        None => text.to_string(),
    }
}

impl Redactor {
    /// A redactor for these secrets; `enabled: false` (`--show-secrets`) makes it a no-op.
    pub fn new(secrets: Vec<String>, enabled: bool) -> Redactor {
        if !enabled {
            return Redactor::default();
        }
        let enabled = true;
        let mut needles = Vec::new();
        for secret in secrets {
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            let percent = secret
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>();
            for needle in [secret, encoded, percent] {
                if !needle.is_empty() && !needles.contains(&needle) {
                    needles.push(needle);
                }
            }
        }
        // Longest first, so a secret that contains another is masked whole.
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Redactor { needles, enabled }
    }

    /// Masks every secret in `text`, and the user-info of any URL in it.
    pub fn text(&self, text: &str) -> String {
        if !self.enabled {
            return text.to_string();
        }
        let mut out = mask_userinfo(text);
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASK);
            }
        }
        out
    }

    /// Masks every string in a JSON value, keys included.
    pub fn value(&self, value: &mut Value) {
        if !self.enabled {
            return;
        }
        match value {
            Value::String(s) => *s = self.text(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.value(v)),
            Value::Object(map) => {
                let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
                for (key, mut v) in entries {
                    self.value(&mut v);
                    map.insert(self.text(&key), v);
                }
            }
            _ => {}
        }
    }

    /// A redacted copy of anything serialisable and deserialisable.
    pub fn apply<T>(&self, item: &T) -> T
    where
        T: serde::Serialize + serde::de::DeserializeOwned + Clone,
    {
        if !self.enabled {
            return item.clone();
        }
        let Ok(mut value) = serde_json::to_value(item) else {
            return item.clone();
        };
        self.value(&mut value);
        serde_json::from_value(value).unwrap_or_else(|_| item.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_plain_and_encoded_forms() {
        let r = Redactor::new(vec!["s3cret id".into()], true);
        assert_eq!(r.text("a s3cret id b"), format!("a {MASK} b"));
        assert_eq!(r.text("/t/s3cret+id"), format!("/t/{MASK}"));
        assert_eq!(r.text("/t/s3cret%20id"), format!("/t/{MASK}"));
        let mut v = serde_json::json!({"k": ["x s3cret id"]});
        r.value(&mut v);
        assert!(!v.to_string().contains("s3cret"));
    }

    #[test]
    fn url_user_info_is_masked_even_when_unknown() {
        let r = Redactor::new(vec![], true);
        assert_eq!(
            r.text("REDIS_URL=redis://default:pw@cache:6379"),
            format!("REDIS_URL=redis://{MASK}@cache:6379")
        );
        assert_eq!(r.text("http://host/a@b"), "http://host/a@b");
    }

    #[test]
    fn disabled_is_a_no_op() {
        let r = Redactor::new(vec!["abc".into()], false);
        assert_eq!(r.text("abc"), "abc");
    }
}

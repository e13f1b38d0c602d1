//! Redaction of secrets from free text: what servers send (bodies, headers, close reasons,
//! messages) and what wsdoctor writes about the paths and URLs that carry a session.
//!
//! Redaction works on text only, never on the report's enums (see [`wsdoctor_model::scrub`]), and
//! has no way to fail open: when a pattern cannot be applied, the whole text is masked.

use crate::secret::MASK;
use crate::settings::headers::is_secret_param;
use crate::settings::paths::{encode_segment, PATH_SEGMENT};
use percent_encoding::utf8_percent_encode;
use regex_lite::Regex;
use std::sync::OnceLock;
use wsdoctor_model::Scrub;

/// Secrets of one run and the forms in which they can appear in text.
#[derive(Clone, Default)]
pub struct Redactor {
    needles: Vec<String>,
    enabled: bool,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.needles.len())
            .field("enabled", &self.enabled)
            .finish()
    }
}

/// Masks the user-info of every URL in `text` (`scheme://user:pass@host`): credentials in a
/// server's diagnostics (a `redis://default:secret@…`) are as secret as the user's own. A password
/// may itself contain `@`, so the match runs to the last `@` of the authority.
pub(crate) fn mask_userinfo(text: &str) -> String {
    // Most text has no URL with user-info: no "://" or no "@" means nothing to mask, and saves
    // the pattern a pass over every excerpt of a report.
    if !(text.contains("://") && text.contains('@')) {
        return text.to_string();
    }
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
    // No `\b` before the scheme: a URL glued to a word or a number (`%20redis://…`) is still one.
    let pattern =
        PATTERN.get_or_init(|| Regex::new(r"(?i)([a-z][a-z0-9+.-]*://)[^/\s\x22'<>?#]*@").ok());
    match pattern {
        Some(re) => re.replace_all(text, format!("${{1}}{MASK}@")).into_owned(),
        // Fail closed: without the pattern nothing in the text can be vouched for.
        None => MASK.to_string(),
    }
}

/// Masks the value of every token-like query parameter in `text` (`?token=…`, `&session_id=…`,
/// `;sig=…`), known to the run or not: a server's `Location`, a link in a body or a reason can carry
/// a credential nobody told us about. By the parameter's name, as for a URL given to the run.
pub(crate) fn mask_secret_params(text: &str) -> String {
    // Most text carries no query: nothing to mask, and no pass of the pattern over it.
    if !(text.contains('=') && text.contains(['?', '&', ';'])) {
        return text.to_string();
    }
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
    let pattern =
        PATTERN.get_or_init(|| Regex::new(r#"([?&;])([^=&;?#\s"'<>]*)=([^&;#\s"'<>]+)"#).ok());
    match pattern {
        Some(re) => re
            .replace_all(text, |caps: &regex_lite::Captures<'_>| {
                let key = &caps[2];
                if is_secret_param(key) && &caps[3] != MASK {
                    format!("{}{key}={MASK}", &caps[1])
                } else {
                    caps[0].to_string()
                }
            })
            .into_owned(),
        // Fail closed, as for user-info.
        None => MASK.to_string(),
    }
}

/// A URL for display: user-info masked, and the values of secret query parameters (`token`,
/// `access_token`, …).
pub(crate) fn display_url(mut url: url::Url) -> String {
    if !url.username().is_empty() || url.password().is_some() {
        let _ = url.set_username(MASK);
        let _ = url.set_password(None);
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let masked = is_secret_param(&k) && !v.is_empty();
            let value = if masked {
                MASK.to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), value)
        })
        .collect();
    if pairs.iter().any(|(_, v)| v == MASK) {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    // set_username percent-encodes the brackets; show the mask as the mask.
    url.as_str().replace("%5BREDACTED%5D", MASK)
}

/// Text that may be a URL, for display: [`display_url`] when it parses, [`mask_unparsed_url`]
/// when it does not; a plain name comes back as it is.
pub(crate) fn mask_url(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(url) => display_url(url),
        Err(_) => mask_unparsed_url(text),
    }
}

/// A URL as given that did not parse, for an error message: everything between `://` and the
/// last `@` is masked. The general pattern stops at `/`, `?` or `#`, which an unencoded password
/// may contain, and a value that failed to parse is exactly the one that may; without `://` the
/// credentials cannot be told from the rest, so nothing of it is shown. Which query parameter is
/// a secret cannot be vouched for in a URL that does not parse either, so every value after the
/// first `?` or `#` is masked, names kept.
pub(crate) fn mask_unparsed_url(text: &str) -> String {
    let masked = match (text.split_once("://"), text.rfind('@')) {
        (Some((scheme, rest)), Some(_)) => match rest.rfind('@') {
            Some(at) => format!("{scheme}://{MASK}{}", &rest[at..]),
            None => mask_userinfo(text),
        },
        (Some(_), None) => text.to_string(),
        (None, Some(_)) => return "the value".to_string(),
        (None, None) => text.to_string(),
    };
    mask_query_values(&masked)
}

/// `?a=1&token=x#b` → `?a=[REDACTED]&token=[REDACTED]#b=…`: every value after the first `?` or
/// `#` masked; a part without `=` may itself be the token (`?abc123`), so it is masked whole.
fn mask_query_values(text: &str) -> String {
    let Some(start) = text.find(['?', '#']) else {
        return text.to_string();
    };
    let (head, tail) = text.split_at(start);
    let mut out = String::with_capacity(text.len());
    out.push_str(head);
    let mut part = String::new();
    let flush = |part: &mut String, out: &mut String| {
        match part.split_once('=') {
            Some((name, value)) if !value.is_empty() => {
                out.push_str(name);
                out.push('=');
                out.push_str(MASK);
            }
            Some(_) => out.push_str(part),
            None if part.is_empty() => {}
            None => out.push_str(MASK),
        }
        part.clear();
    };
    for c in tail.chars() {
        if matches!(c, '?' | '#' | '&' | ';') {
            flush(&mut part, &mut out);
            out.push(c);
        } else {
            part.push(c);
        }
    }
    flush(&mut part, &mut out);
    out
}

impl Redactor {
    /// A redactor for these secret values; `enabled: false` (`--show-secrets`) makes it a no-op.
    ///
    /// One-character values are not masked on their own (that would mask every occurrence of a
    /// letter), only their encoded forms; URL user-info is masked whatever its length.
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>, enabled: bool) -> Redactor {
        if !enabled {
            return Redactor::default();
        }
        let mut needles: Vec<String> = Vec::new();
        for secret in secrets {
            if secret.is_empty() {
                continue;
            }
            let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            let percent = utf8_percent_encode(secret, PATH_SEGMENT).to_string();
            let segment = encode_segment(secret);
            for needle in [secret.to_string(), form, percent, segment] {
                // A one-character needle would mask every occurrence of that character; its
                // longer encoded forms (`%2E`) are still masked.
                if needle.chars().count() >= 2 && !needles.contains(&needle) {
                    needles.push(needle);
                }
            }
        }
        // Longest first, so a secret that contains another is masked whole.
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Redactor {
            needles,
            enabled: true,
        }
    }

    /// Masks the user-info of every URL in `text`, whatever the secrets (for error messages).
    pub fn mask_userinfo(text: &str) -> String {
        mask_userinfo(text)
    }

    /// A target that may be a URL, for display (the exporter's log and page): user-info and
    /// secret query values masked; a name is shown as it is.
    pub fn mask_url(text: &str) -> String {
        mask_url(text)
    }

    /// Whether redaction is on.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Masks every secret in `text`, and the user-info of any URL in it.
    pub fn text(&self, text: &str) -> String {
        if !self.enabled {
            return text.to_string();
        }
        let mut out = mask_secret_params(&mask_userinfo(text));
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASK);
            }
        }
        out
    }

    /// Masks secrets in place.
    pub fn clean(&self, text: &mut String) {
        if self.enabled {
            *text = self.text(text);
        }
    }

    /// Masks secrets in every piece of free text `item` holds.
    pub fn scrub<T: Scrub + ?Sized>(&self, item: &mut T) {
        if self.enabled {
            item.scrub(&mut |text: &mut String| self.clean(text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_target_shows_neither_credentials_nor_token() {
        assert_eq!(
            mask_url("wss://u:p@h.test/ws?token=abc&x=1"),
            format!("wss://{MASK}@h.test/ws?token={MASK}&x=1")
        );
        assert_eq!(mask_url("prod-eu"), "prod-eu");
    }

    #[test]
    fn an_unparsed_url_hides_a_password_with_a_slash_or_hash() {
        assert_eq!(
            mask_unparsed_url("redis://default:pa/ss@host:6379"),
            format!("redis://{MASK}@host:6379")
        );
        assert_eq!(
            mask_unparsed_url("http://admin:pa#ss@127.0.0.1:9/"),
            format!("http://{MASK}@127.0.0.1:9/")
        );
        assert_eq!(mask_unparsed_url("hunter2:x@cache"), "the value");
        assert_eq!(mask_unparsed_url("http://[::1"), "http://[::1");
    }

    #[test]
    fn an_unparsed_url_hides_every_query_value() {
        assert_eq!(
            mask_unparsed_url("http://u:pw@[bad/?token=SECRET&x=1"),
            format!("http://{MASK}@[bad/?token={MASK}&x={MASK}")
        );
        assert_eq!(
            mask_unparsed_url("http://[bad/ws?access_token=SECRET#id_token=T2;k"),
            format!("http://[bad/ws?access_token={MASK}#id_token={MASK};{MASK}")
        );
        assert_eq!(
            mask_unparsed_url("http://[bad/?SECRET&empty="),
            format!("http://[bad/?{MASK}&empty=")
        );
    }

    #[test]
    fn masks_plain_and_encoded_forms() {
        let r = Redactor::new(["s3cret id"], true);
        assert_eq!(r.text("a s3cret id b"), format!("a {MASK} b"));
        assert_eq!(r.text("/t/s3cret+id"), format!("/t/{MASK}"));
        assert_eq!(r.text("/t/s3cret%20id"), format!("/t/{MASK}"));
    }

    #[test]
    fn url_user_info_is_masked_even_when_unknown() {
        let r = Redactor::new([], true);
        assert_eq!(
            r.text("REDIS_URL=redis://default:pw@cache:6379"),
            format!("REDIS_URL=redis://{MASK}@cache:6379")
        );
        assert_eq!(r.text("http://host/a@b"), "http://host/a@b");
        // Glued to what precedes it (found by fuzzing).
        assert_eq!(
            mask_userinfo("a%20redis://u:pw@db x_http://u:pw@h"),
            format!("a%20redis://{MASK}@db x_http://{MASK}@h")
        );
        // A password with an '@' in it is masked whole.
        assert_eq!(
            mask_userinfo("http://admin:p@ss@127.0.0.1:1/"),
            format!("http://{MASK}@127.0.0.1:1/")
        );
    }

    #[test]
    fn secret_query_values_are_masked_by_name_in_any_text() {
        let r = Redactor::new([], true);
        assert_eq!(
            r.text("redirected to /login?token=abc&next=/x; then https://h/p?a=1&Session_Id=zz#f"),
            format!("redirected to /login?token={MASK}&next=/x; then https://h/p?a=1&Session_Id={MASK}#f")
        );
        assert_eq!(r.text("what? a=b & c"), "what? a=b & c");
        assert_eq!(r.text("x=1"), "x=1");
    }

    #[test]
    fn disabled_is_a_no_op_and_debug_shows_no_secret() {
        let r = Redactor::new(["abc"], false);
        assert_eq!(r.text("abc"), "abc");
        let r = Redactor::new(["hunter2"], true);
        assert!(!format!("{r:?}").contains("hunter2"));
    }
}

//! Redaction of secrets and URL credentials from free text (bodies, headers, close reasons).
//!
//! The input's first byte gives the secret's length (2 to 16 bytes), the next bytes are the
//! secret (UTF-8, not blank) and the rest is the text (read as UTF-8, lossily, as the product
//! reads what servers send).
//!
//! Properties:
//! - `Redactor::new([secret], true).text(text)` shows neither the secret nor the encoded forms the
//!   redactor promises to mask (the mask's own letters are set aside, so a secret such as `RE`
//!   is not "found" inside `[REDACTED]`). One-character secrets are left out: the redactor does
//!   not mask those, by design.
//! - `Redactor::mask_userinfo(text)` shows no `scheme://user:password@` of the text (password of
//!   2+ characters).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsdoctor_core::fuzzing::encode_segment;
use wsdoctor_core::{Redactor, MASK};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let len = 2 + usize::from(first) % 15;
    if rest.len() < len {
        return;
    }
    let (secret, text) = rest.split_at(len);
    let Ok(secret) = std::str::from_utf8(secret) else {
        return;
    };
    let text = String::from_utf8_lossy(text);
    if secret.trim().is_empty() || secret.chars().count() < 2 {
        return;
    }

    let redactor = Redactor::new([secret], true);
    let out = redactor.text(&text);
    let sentinel = ('\0'..='\u{20}')
        .find(|c| !secret.contains(*c))
        .expect("a 16-byte secret leaves one of 33 characters out");
    let neutral = out.replace(MASK, &sentinel.to_string());
    let form: String = form_urlencoded(secret);
    for needle in [secret, form.as_str(), encode_segment(secret).as_str()] {
        if needle.contains(sentinel) {
            continue;
        }
        assert!(
            !neutral.contains(needle),
            "{needle:?} (secret {secret:?}) is shown in {out:?}"
        );
    }

    let masked = Redactor::mask_userinfo(&text);
    for credentials in url_credentials(&text) {
        assert!(
            !masked.contains(&credentials),
            "mask_userinfo shows {credentials:?}: {masked:?}"
        );
    }
});

/// `scheme://user:password@` of every URL in `text` whose password has 2+ characters. The scheme
/// is the run of `[A-Za-z0-9+.-]` before `://` from its first letter; the authority ends at `/`,
/// whitespace, a quote, `<`, `>`, `?` or `#`, and its user-info at its last `@`.
fn url_credentials(text: &str) -> Vec<String> {
    let scheme_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-');
    let mut found = Vec::new();
    for (at, _) in text.match_indices("://") {
        let before = &text[..at];
        let run_start = before
            .char_indices()
            .rev()
            .find(|(_, c)| !scheme_char(*c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let run = &before[run_start..];
        let Some(letter) = run.find(|c: char| c.is_ascii_alphabetic()) else {
            continue;
        };
        let scheme = &run[letter..];
        let after = &text[at + 3..];
        let end = after
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '/' | '"' | '\'' | '<' | '>' | '?' | '#')
            })
            .unwrap_or(after.len());
        let authority = &after[..end];
        let Some(last_at) = authority.rfind('@') else {
            continue;
        };
        let userinfo = &authority[..last_at];
        let Some((_, password)) = userinfo.split_once(':') else {
            continue;
        };
        if password.chars().count() >= 2 {
            found.push(format!("{scheme}://{userinfo}@"));
        }
    }
    found
}

/// `application/x-www-form-urlencoded` of `value`, as the redactor computes it.
fn form_urlencoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

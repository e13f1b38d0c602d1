//! The settings parsers, fed what a user (or an environment) can type.
//!
//! The input is UTF-8 text split on U+001F (the unit separator) into fields, in order: target URL,
//! proxy, `--resolve`, header, origin, path template, session id, `NO_PROXY`. Missing fields are
//! empty.
//!
//! Properties:
//! - a header that parses holds no CR, LF or NUL in its name or value;
//! - a rendered template (of a session the settings accept) holds no `/`, `?` or `#` from the
//!   session, and no `.`/`..` segment the template did not have;
//! - `target_for_display()` does not show the URL's password (2+ characters), except where the
//!   same text is part of what is shown anyway (the host, the path…).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsdoctor_core::fuzzing::{encode_segment, render_template};
use wsdoctor_core::settings::{parse_origin, Header, ResolveOverride, Route, Target};
use wsdoctor_core::{Secret, Settings, MASK};

const SEPARATOR: char = '\u{1f}';

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut fields = text.split(SEPARATOR);
    let mut next = || fields.next().unwrap_or("");
    let (url, proxy, resolve, header, origin) = (next(), next(), next(), next(), next());
    let (template, session, no_proxy) = (next(), next(), next());

    if let Ok(target) = Target::parse(url) {
        let _ = (
            target.kind(),
            target.host(),
            target.url_host(),
            target.port(),
        );
        let _ = (target.host_header(), target.ws_base(), target.base_path());
        let settings = Settings::new(target.clone());
        let _ = settings.secrets();
        check_password_hidden(&target, &settings.target_for_display());
        if let Ok(route) = Route::choose(&target, Some(proxy), false, &[]) {
            if let Some(p) = &route.proxy {
                let _ = p.display();
            }
        }
        let scheme_var = if target.uses_tls() {
            "HTTPS_PROXY"
        } else {
            "http_proxy"
        };
        let vars = [
            (scheme_var.to_string(), proxy.to_string()),
            ("NO_PROXY".to_string(), no_proxy.to_string()),
        ];
        let _ = Route::choose(&target, None, false, &vars);
    }

    if let Ok(r) = ResolveOverride::parse(resolve) {
        assert!(!r.addrs.is_empty());
        let found = ResolveOverride::lookup(std::slice::from_ref(&r), &r.host, r.port);
        assert!(found.is_some_and(|a| a.len() == r.addrs.len()));
    }

    if let Ok(h) = Header::parse(header) {
        let bad = ['\r', '\n', '\0'];
        assert!(
            !h.name.contains(bad),
            "header name {:?} holds CR/LF/NUL",
            h.name
        );
        assert!(
            !h.value.reveal().contains(bad),
            "header value {:?} holds CR/LF/NUL",
            h.value.reveal()
        );
        let _ = h.is_credential();
    }

    let _ = parse_origin(origin);

    // Only a session the settings accept is ever rendered.
    if session_is_valid(session) {
        let encoded = encode_segment(session);
        assert!(
            !encoded.contains(['/', '?', '#']) && !is_dot_segment(&encoded),
            "{session:?} encodes as {encoded:?}"
        );
        if let Some(rendered) = render_template(template, session) {
            for c in ['/', '?', '#'] {
                assert!(
                    count(&rendered, c) <= count(template, c),
                    "{template:?} with {session:?} rendered {rendered:?}: a {c:?} from the session"
                );
            }
            assert!(
                dot_segments(&rendered) <= dot_segments(template),
                "{template:?} with {session:?} rendered {rendered:?}: a dot-segment from the session"
            );
        }
    }
});

fn count(text: &str, c: char) -> usize {
    text.matches(c).count()
}

/// Whether the settings accept `session` as the session id.
fn session_is_valid(session: &str) -> bool {
    let Ok(target) = Target::parse("https://app.example.com") else {
        return false;
    };
    let mut settings = Settings::new(target);
    settings.session = Some(Secret::new(session));
    settings.validate().is_ok()
}

/// Whether a path segment is literally `.` or `..`. (The encoded forms, `%2E%2E`, are what the
/// templates are meant to produce: the server decides what they mean.)
fn is_dot_segment(segment: &str) -> bool {
    segment == "." || segment == ".."
}

/// Dot-segments between slashes (a `:param` segment may swallow a `?` or `#`, so the whole text
/// is counted, not only the part before them).
fn dot_segments(text: &str) -> usize {
    text.split('/').filter(|s| is_dot_segment(s)).count()
}

/// The password must not be shown. The display masks the user-info, so the password may only
/// appear where the URL without user-info shows the same text (a password `ab` and a host
/// `ab.example`); the masks are cut out of both so nothing can straddle them.
fn check_password_hidden(target: &Target, shown: &str) {
    let url = target.url();
    let Some(password) = url.password() else {
        return;
    };
    let mut bare = url.clone();
    if bare.set_password(None).is_err() || bare.set_username("").is_err() {
        return;
    }
    let Ok(bare) = Target::parse(bare.as_str()) else {
        return;
    };
    let baseline = Settings::new(bare).target_for_display().replace(MASK, "\0");
    let shown = shown
        .replacen(&format!("{MASK}@"), "\0", 1)
        .replace(MASK, "\0");
    let decoded = percent_encoding::percent_decode_str(password)
        .decode_utf8_lossy()
        .into_owned();
    for candidate in [password, decoded.as_str()] {
        if candidate.chars().count() < 2 || candidate.contains('\0') || baseline.contains(candidate)
        {
            continue;
        }
        assert!(
            !shown.contains(candidate),
            "the display {shown:?} of {:?} shows the password {candidate:?}",
            url.as_str()
        );
    }
}

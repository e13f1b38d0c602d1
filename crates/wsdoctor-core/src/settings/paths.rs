//! The endpoints' paths and templates, and how a session id becomes one path segment.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// Bytes a path segment keeps literally; everything else is percent-encoded (RFC 3986 unreserved).
pub(crate) const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The endpoints' paths and templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Health endpoint.
    pub health: String,
    /// Diagnostics endpoint.
    pub diagnostics: String,
    /// Echo socket.
    pub echo: String,
    /// Terminal socket template, when given explicitly.
    pub terminal: Option<String>,
    /// Session validation template, when given explicitly.
    pub session: Option<String>,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            health: "/health".to_string(),
            diagnostics: "/api/diagnostics/websocket".to_string(),
            echo: "/ws-test".to_string(),
            terminal: None,
            session: None,
        }
    }
}

/// The terminal template when neither the user nor `/health` names one.
pub(crate) const DEFAULT_TERMINAL_TEMPLATE: &str = "/terminal/{session}";

/// A value as one path segment: everything but the unreserved characters percent-encoded, and a
/// value made only of dots encoded whole, so it can never be a dot-segment.
pub(crate) fn encode_segment(value: &str) -> String {
    if !value.is_empty() && value.chars().all(|c| c == '.') {
        return value.replace('.', "%2E");
    }
    percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// Renders a path template with a session id: `{session}`, else the first `{name}` placeholder
/// (a server's `/health` may list `/terminal/{id}`), else the first `:param` path segment (Express
/// style; a query or fragment after it is kept). The id is percent-encoded as one path segment,
/// dots included, so `.` and `..` can never become dot-segments that a server or proxy would
/// normalise into another path.
pub(crate) fn render_template(template: &str, session: &str) -> Option<String> {
    let encoded = encode_segment(session);
    if template.contains("{session}") {
        return Some(template.replace("{session}", &encoded));
    }
    if let (Some(open), Some(close)) = (template.find('{'), template.find('}')) {
        let name = &template[open + 1..close.max(open + 1)];
        if close > open + 1 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Some(format!(
                "{}{encoded}{}",
                &template[..open],
                &template[close + 1..]
            ));
        }
    }
    // The path is what `:param` may stand in; a query or fragment after it stays as written.
    let split = template.find(['?', '#']).unwrap_or(template.len());
    let (path, rest) = template.split_at(split);
    let mut out = Vec::new();
    let mut replaced = false;
    for segment in path.split('/') {
        if segment.starts_with(':') && !replaced {
            out.push(encoded.clone());
            replaced = true;
        } else {
            out.push(segment.to_string());
        }
    }
    replaced.then(|| format!("{}{rest}", out.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_take_any_placeholder_and_keep_their_query() {
        assert_eq!(render_template("/t/{session}", "a b").unwrap(), "/t/a%20b");
        assert_eq!(
            render_template("/terminal/{id}", "abc").unwrap(),
            "/terminal/abc"
        );
        assert_eq!(
            render_template("/api/sessions/:id?x=1", "abc").unwrap(),
            "/api/sessions/abc?x=1"
        );
        assert_eq!(render_template("/s/:id#f", "..").unwrap(), "/s/%2E%2E#f");
        assert_eq!(render_template("/no/placeholder", "abc"), None);
    }

    #[test]
    fn templates_accept_both_styles_and_never_make_dot_segments() {
        assert_eq!(
            render_template("/terminal/{session}", "a b/c").unwrap(),
            "/terminal/a%20b%2Fc"
        );
        assert_eq!(
            render_template("/api/sessions/:sessionId", "x").unwrap(),
            "/api/sessions/x"
        );
        assert_eq!(render_template("/terminal", "x"), None);
        assert_eq!(
            render_template("/terminal/{session}", "..").unwrap(),
            "/terminal/%2E%2E"
        );
        assert_eq!(
            render_template("/terminal/{session}", ".").unwrap(),
            "/terminal/%2E"
        );
    }
}

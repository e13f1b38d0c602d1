//! What the session endpoint's answer says about the session: valid, unknown or expired, a
//! server error, or not the answer of a session endpoint at all.

use crate::diagnose::classify;
use wsdoctor_model::{Cause, Finding, Notice};

/// What the session endpoint's answer means.
#[derive(Debug)]
pub(crate) enum Answer {
    /// The session exists; the summary.
    Valid(String),
    /// The session is unknown or expired.
    Invalid(Finding),
    /// The server failed (the platform in front may explain it).
    ServerError(Finding),
    /// Not a session endpoint's answer: the summary and the caveat.
    Unrecognized(String, Notice),
}

/// A session path template without a place for the session.
pub(crate) fn no_placeholder(template: &str) -> Finding {
    classify::finding(
        Cause::InvalidUrl,
        format!("the session path template {template:?} has no {{session}} or :param"),
    )
}

/// Reads the answer `status` (`status_line` in words) of the session endpoint at `path`.
pub(crate) fn answer(status: u16, status_line: &str, path: &str) -> Answer {
    match status {
        200..=299 => Answer::Valid(format!("session is valid ({status})")),
        401 | 403 | 404 | 410 => Answer::Invalid(classify::finding(
            Cause::SessionInvalid,
            format!(
                "the session endpoint answered {status_line}: the session is unknown or expired"
            ),
        )),
        500..=599 => Answer::ServerError(classify::finding(
            Cause::ServerError,
            format!("the session endpoint answered {status_line}"),
        )),
        // 3xx, 400, 405…: the path is probably not the session endpoint; say so, and let the
        // terminal itself decide whether the session is valid.
        _ => Answer::Unrecognized(
            format!(
                "the session endpoint answered {status_line}: cannot tell whether the session is valid"
            ),
            Notice::of(
                Cause::SessionEndpointUnrecognized,
                format!("{path} did not answer like a session endpoint"),
                "check --session-path (a template such as /api/sessions/{session})",
            ),
        ),
    }
}

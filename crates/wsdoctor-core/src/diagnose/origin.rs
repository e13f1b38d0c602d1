//! What a socket opened with a foreign Origin did, as a verdict on Origin enforcement: closed on
//! the Origin, refused, closed at once, silent, or served (a hijacking risk when a session rides
//! on it).

use wsdoctor_model::evidence::OriginDetail;
use wsdoctor_model::{Cause, Notice};

/// The positive evidence a foreign-origin socket can give that the server serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Heard {
    /// It sent a message of its own (a greeting) before we said anything.
    Greeted,
    /// It answered the message we sent.
    Answered,
}

impl Heard {
    fn as_str(self) -> &'static str {
        match self {
            Heard::Greeted => "greeted",
            Heard::Answered => "answered",
        }
    }

    fn how(self) -> &'static str {
        match self {
            Heard::Greeted => "the server spoke on it",
            Heard::Answered => "the server answered a message on it",
        }
    }
}

/// What the accepted foreign-origin socket did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Foreign {
    /// Closed with 1008 and a reason naming the Origin.
    ClosedOnOrigin,
    /// Nothing in `waited` (no greeting, no answer, no close).
    Silent {
        /// How long it was given, for people.
        waited: String,
    },
    /// Closed at once with this code.
    ClosedAtOnce(u16),
    /// It talked, or ended without a code a browser would show.
    Served(Heard),
}

/// What the verdict depends on besides the foreign socket.
pub(crate) struct Stakes<'a> {
    /// The socket's path.
    pub(crate) path: &'a str,
    /// The same path opened and did its job with our Origin.
    pub(crate) opens_for_us: bool,
    /// A session rides on the socket (the terminal's, or a cookie given).
    pub(crate) session: bool,
}

/// What the probe concluded.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// Enforced, or nothing at stake.
    Pass(String),
    /// Not enforced where it matters, or not known.
    Warn(String, Notice),
}

/// The verdict on a foreign-origin upgrade the server accepted; records in `detail` whether
/// Origin is enforced and what the socket did.
pub(crate) fn accepted(
    foreign: &Foreign,
    stakes: &Stakes<'_>,
    detail: &mut OriginDetail,
) -> Verdict {
    let path = stakes.path;
    match foreign {
        Foreign::ClosedOnOrigin => {
            detail.enforced = Some(true);
            detail.foreign_socket = Some("closed");
            Verdict::Pass("Origin enforced: a foreign origin is closed with 1008".to_string())
        }
        Foreign::Silent { waited } => {
            // No positive evidence either way: not a hijacking, and not proof of enforcement.
            detail.foreign_socket = Some("silent");
            Verdict::Pass(format!(
                "Origin enforcement not determined on {path}: the upgrade with a foreign Origin was accepted, then nothing came in {waited} (no greeting, no answer to a message, no close), so nothing shows the server serves it; a refusal whose close was lost on the way (an HTTP/2 edge may lose it) looks the same"
            ))
        }
        Foreign::ClosedAtOnce(code) => {
            detail.foreign_socket = Some("closed");
            if stakes.opens_for_us {
                // The same path opened and did its job with our Origin: closing a foreign one
                // at once is the server enforcing Origin by closing rather than with a 403.
                detail.enforced = Some(true);
                Verdict::Pass(format!(
                    "Origin enforced: a foreign origin is accepted and closed at once ({code}), while ours stays open"
                ))
            } else {
                // A socket the server closes at once (an invalid session, say) gives a foreign
                // page nothing to hijack; only one that talks does.
                detail.enforced = Some(false);
                Verdict::Pass(format!(
                    "the upgrade with a foreign Origin was accepted but the socket closed at once ({code}): nothing to hijack on {path}"
                ))
            }
        }
        Foreign::Served(heard) => {
            detail.enforced = Some(false);
            detail.foreign_socket = Some(heard.as_str());
            let how = heard.how();
            if stakes.session {
                Verdict::Warn(
                    format!("a foreign Origin is accepted on {path} ({how})"),
                    Notice::of(
                        Cause::OriginNotEnforced,
                        format!(
                            "the session-authenticated socket {path} accepts Origin {} and {how}: any web page can open it with the user's session (cross-site WebSocket hijacking)",
                            detail.origin_sent
                        ),
                        "check the Origin header on upgrade against an allow list (the same list as CORS: FRONTEND_URL)",
                    ),
                )
            } else {
                Verdict::Pass(format!(
                    "Origin not enforced on {path} ({how}; no session on it, so no hijacking risk)"
                ))
            }
        }
    }
}

/// The verdict on a foreign-origin upgrade refused with `status` (401 or 403).
pub(crate) fn refused(status: u16, detail: &mut OriginDetail) -> Verdict {
    detail.enforced = Some(true);
    Verdict::Pass(format!("Origin enforced: a foreign origin gets {status}"))
}

/// The verdict when the foreign-origin upgrade failed otherwise, as `why` says.
pub(crate) fn incomplete(why: &str) -> Verdict {
    Verdict::Warn(
        format!("the foreign-origin probe did not complete: {why}"),
        Notice::of(
            Cause::OriginUnknown,
            "could not tell whether Origin is enforced",
            "rerun; if it persists, the failure above explains it",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail() -> OriginDetail {
        OriginDetail {
            origin_sent: "https://elsewhere.invalid",
            enforced: None,
            foreign_socket: None,
        }
    }

    #[test]
    fn a_socket_that_talks_warns_only_with_a_session_on_it() {
        let mut stakes = Stakes {
            path: "/ws",
            opens_for_us: true,
            session: true,
        };
        let mut seen = detail();
        let verdict = accepted(&Foreign::Served(Heard::Answered), &stakes, &mut seen);
        assert!(matches!(verdict, Verdict::Warn(_, ref n) if n.cause == Cause::OriginNotEnforced));
        assert_eq!(
            (seen.enforced, seen.foreign_socket),
            (Some(false), Some("answered"))
        );
        stakes.session = false;
        let verdict = accepted(&Foreign::Served(Heard::Greeted), &stakes, &mut detail());
        assert!(matches!(verdict, Verdict::Pass(_)));
        // Closed at once while ours stays open: enforcement by closing.
        let mut seen = detail();
        accepted(&Foreign::ClosedAtOnce(4001), &stakes, &mut seen);
        assert_eq!(seen.enforced, Some(true));
        stakes.opens_for_us = false;
        let mut seen = detail();
        accepted(&Foreign::ClosedAtOnce(4001), &stakes, &mut seen);
        assert_eq!(seen.enforced, Some(false));
        // Silence proves nothing.
        let mut seen = detail();
        let silent = Foreign::Silent {
            waited: "1 s".into(),
        };
        accepted(&silent, &stakes, &mut seen);
        assert_eq!((seen.enforced, seen.foreign_socket), (None, Some("silent")));
    }
}

//! What a check concluded: a diagnosed failure, or a caveat on a check that worked.

use crate::codes::{Cause, Code};
use serde::Serialize;

/// A diagnosed failure: the stable code, the precise cause, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable code.
    pub code: Code,
    /// The fine-grained cause.
    pub cause: Cause,
    /// What happened, in one sentence with the facts.
    pub message: String,
    /// The next action.
    pub hint: String,
    /// Codes that describe the same failure from another angle, after the root cause: the web
    /// client's MAX_RETRIES_EXCEEDED when every attempt failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Code>,
}

impl Finding {
    /// A finding for `cause`; the code and the hint are the cause's own.
    pub fn new(cause: Cause, message: impl Into<String>) -> Finding {
        Finding {
            code: cause.code(),
            cause,
            message: message.into(),
            hint: cause.hint().to_string(),
            also: Vec::new(),
        }
    }
}

/// A caveat on a check that worked (its status is `warn`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// What is worth knowing.
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// The code of what went wrong, when something did (a socket that only worked on a retry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    /// Its cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
}

impl Notice {
    /// A notice with a hint.
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Notice {
        Notice {
            message: message.into(),
            hint: hint.into(),
            code: None,
            cause: None,
        }
    }

    /// A notice about something that went wrong and recovered, named by its cause.
    pub fn of(cause: Cause, message: impl Into<String>, hint: impl Into<String>) -> Notice {
        Notice {
            code: Some(cause.code()),
            cause: Some(cause),
            ..Notice::new(message, hint)
        }
    }
}

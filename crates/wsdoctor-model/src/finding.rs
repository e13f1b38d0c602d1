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
}

impl Finding {
    /// A finding for `cause`; the code and the hint are the cause's own.
    pub fn new(cause: Cause, message: impl Into<String>) -> Finding {
        Finding {
            code: cause.code(),
            cause,
            message: message.into(),
            hint: cause.hint().to_string(),
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
}

impl Notice {
    /// A notice with a hint.
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Notice {
        Notice {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

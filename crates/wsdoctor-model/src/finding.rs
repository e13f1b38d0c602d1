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

/// A caveat on a check that worked (its status is `warn`). Every warning is named by a cause (and
/// so a code), so it can be alerted on, gated on, looked up with `explain`, and accepted by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// What is worth knowing.
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// The code of what the warning is about.
    pub code: Code,
    /// Its cause.
    pub cause: Cause,
    /// The user accepted this warning by its cause (`--allow-warning`): still reported, but
    /// `--fail-on warn` does not fail on it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allowed: bool,
}

impl Notice {
    /// A warning named by `cause`, with the facts in `message` and the next action in `hint`.
    pub fn of(cause: Cause, message: impl Into<String>, hint: impl Into<String>) -> Notice {
        Notice {
            message: message.into(),
            hint: hint.into(),
            code: cause.code(),
            cause,
            allowed: false,
        }
    }

    /// `CODE (cause)`, and whether it was accepted: the label every format shows.
    pub fn label(&self) -> String {
        if self.allowed {
            format!("{} ({}, allowed by --allow-warning)", self.code, self.cause)
        } else {
            format!("{} ({})", self.code, self.cause)
        }
    }

    /// A warning named by `cause`, whose hint is the cause's own.
    pub fn because(cause: Cause, message: impl Into<String>) -> Notice {
        Notice::of(cause, message, cause.hint())
    }
}

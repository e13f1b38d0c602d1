//! The facts of the HTTP checks: health, diagnostics, cors, session.

use serde::Serialize;
use serde_json::Value;

/// The health check's facts beyond the HTTP answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HealthDetail {
    /// Why a body declared JSON does not parse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_error: Option<JsonError>,
    /// What the body says about the session store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_store: Option<AppStoreState>,
}

/// What the application says about its session store, read from one of the common shapes
/// (`sessionStore`, `redis`, `store`, `cache`; `connected`, `status`, `ready`; `keyPrefix`,
/// `keyTemplate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppStoreState {
    /// The field that holds it (`redis`).
    pub field: String,
    /// Whether the application says the store serves; absent when no field said so, or its
    /// fields disagree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connected: Option<bool>,
    /// The key template it gives (`sess:{session}` from `keyPrefix: "sess:"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_template: Option<String>,
    /// The fields read, with their values (`redis.status: "disconnected"`).
    pub read: Vec<String>,
    /// The fields not understood, with their values: nothing is concluded from them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_understood: Vec<String>,
}

/// Where and why a body declared JSON does not parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonError {
    /// The parser's words (`EOF while parsing a value`, `recursion limit exceeded`).
    pub error: String,
    /// The line of the error, from 1.
    pub line: usize,
    /// The column of the error on that line, from 1 (0 at the very start of a line).
    pub column: usize,
    /// A bounded excerpt of the body around the error, the error's place marked with `⟨here⟩`.
    pub near: String,
}

/// The diagnostics check's facts: what the server says about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiagnosticsDetail {
    /// The server's JSON, kept whole while it is small.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Value>,
    /// An excerpt of it when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics_excerpt: Option<String>,
    /// What it says about the session store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_store: Option<AppStoreState>,
}

/// The cors check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorsDetail {
    /// `Access-Control-Max-Age` as sent (empty when absent).
    pub max_age: String,
}

/// The session check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionDetail {
    /// The path template used.
    pub template: String,
}

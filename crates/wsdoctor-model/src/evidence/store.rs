//! The store check's facts: what the session store said about itself and the session's key.

use super::socket::LatencyStats;
use serde::Serialize;

/// What the session store (Redis) said about itself, and about the session's key.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StoreDetail {
    /// The store's URL as it may be shown (credentials masked).
    pub store: String,
    /// Whether the connection used TLS (`rediss://`).
    pub store_tls: bool,
    /// The database the URL selects.
    pub database: i64,
    /// `redis_version` from `INFO server`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
    /// `role` from `INFO replication`: `master`, or `slave` for a replica.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `used_memory`, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_memory: Option<u64>,
    /// `maxmemory`, bytes; 0 means no limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maxmemory: Option<u64>,
    /// `maxmemory_policy`: what the store evicts when it is full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maxmemory_policy: Option<String>,
    /// The PING round trips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_trips: Option<LatencyStats>,
    /// The session's key, when a session and a key template are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_key: Option<SessionKey>,
    /// Why the session's key was not looked at although a session was given (no key template
    /// known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_key_skipped: Option<String>,
}

/// The session's key in the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SessionKey {
    /// The key (the session id in it is redacted like any other secret).
    pub key: String,
    /// Where the key template came from (`--session-key`, or the diagnostics endpoint).
    pub template_from: String,
    /// Whether the key exists in the selected database.
    pub exists: bool,
    /// Its type (`string`, `hash`…), when it exists.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Milliseconds until it expires; `None` when it exists without an expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_ms: Option<u64>,
    /// Other databases that hold the same key, when the selected one does not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub found_in_databases: Vec<i64>,
}

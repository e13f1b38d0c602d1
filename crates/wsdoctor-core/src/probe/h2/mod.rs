//! HTTP/2, as the probes see it: the server's frames parsed as they go by, the connection's byte
//! watcher, and its requests and responses for the trace. (The WebSocket over HTTP/2, RFC 8441,
//! is opened beside the HTTP/1.1 upgrade, in `ws::extended_connect`.)

pub(crate) mod frames;
pub(crate) mod trace;
pub(crate) mod watch;

pub(crate) use frames::error_name;

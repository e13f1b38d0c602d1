//! Probes: the network steps, each bounded by a timeout and timed with `Instant`s at its
//! boundaries. Probes observe; they do not judge (that is [`crate::diagnose`]'s job). Their
//! failures keep the operating system's error kind, so the diagnosis never reads error text.

#[cfg(feature = "browser")]
pub(crate) mod chromium;
pub(crate) mod dns;
pub(crate) mod h2;
pub(crate) mod headers;
pub(crate) mod http;
pub(crate) mod limits;
pub(crate) mod proxy;
pub(crate) mod route;
pub(crate) mod store;
pub(crate) mod stream;
pub(crate) mod tcp;
pub(crate) mod tls;
pub(crate) mod watch;
pub(crate) mod ws;

use std::fmt;
use std::io;

/// An error from the operating system (or a library wrapping one), with its kind kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OsError {
    /// The portable kind.
    pub(crate) kind: io::ErrorKind,
    /// The raw errno, when there is one.
    pub(crate) code: Option<i32>,
    /// The OS's words.
    pub(crate) message: String,
}

impl OsError {
    pub(crate) fn from_io(e: &io::Error) -> OsError {
        OsError {
            kind: e.kind(),
            code: e.raw_os_error(),
            message: e.to_string(),
        }
    }

    /// Whether the peer reset (or aborted) the connection, rather than ending it in order.
    pub(crate) fn is_reset(&self) -> bool {
        matches!(
            self.kind,
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
        )
    }
}

impl fmt::Display for OsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

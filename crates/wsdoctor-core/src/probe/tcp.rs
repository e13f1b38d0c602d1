//! TCP connect over the resolved addresses, each attempt bounded.

use super::OsError;
use crate::settings::ConnectPolicy;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// An open TCP connection.
#[derive(Debug)]
pub(crate) struct Connected {
    /// The stream.
    pub(crate) stream: TcpStream,
    /// The address that answered.
    pub(crate) peer: SocketAddr,
    /// Time to connect to it.
    pub(crate) duration: Duration,
    /// Addresses tried before it, with their errors.
    pub(crate) earlier_failures: Vec<(SocketAddr, TcpFailure)>,
}

/// Why a connect failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TcpFailure {
    /// RST to the SYN.
    Refused,
    /// No answer to the SYN within the timeout.
    Timeout(Duration),
    /// ENETUNREACH/ENETDOWN: no route from this machine.
    NetworkUnreachable(OsError),
    /// EHOSTUNREACH.
    HostUnreachable(OsError),
    /// Any other OS error (out of file descriptors, address in use…).
    Other(OsError),
    /// Not tried: the connect policy keeps this range out (named).
    Denied(&'static str),
}

impl TcpFailure {
    fn from_io(e: &io::Error) -> TcpFailure {
        let os = OsError::from_io(e);
        // Raw errno values are Linux's; ErrorKind covers the other platforms.
        match (os.kind, os.code) {
            (io::ErrorKind::ConnectionRefused, _) => TcpFailure::Refused,
            (io::ErrorKind::NetworkUnreachable | io::ErrorKind::NetworkDown, _)
            | (_, Some(100 | 101)) => TcpFailure::NetworkUnreachable(os),
            (io::ErrorKind::HostUnreachable, _) | (_, Some(113)) => TcpFailure::HostUnreachable(os),
            _ => TcpFailure::Other(os),
        }
    }

    /// The OS-level description for the evidence.
    pub(crate) fn describe(&self) -> String {
        match self {
            TcpFailure::Refused => "connection refused (ECONNREFUSED)".to_string(),
            TcpFailure::Timeout(t) => format!(
                "no answer to the SYN within {}",
                humantime::format_duration(*t)
            ),
            TcpFailure::NetworkUnreachable(e)
            | TcpFailure::HostUnreachable(e)
            | TcpFailure::Other(e) => e.message.clone(),
            TcpFailure::Denied(range) => {
                format!("not connected: a {range} address, and only public addresses are allowed")
            }
        }
    }
}

/// Connects to the first address that answers and `policy` admits; each address gets `timeout`.
/// The policy is applied here, to the very address handed to the OS, so no earlier look at the
/// name (which may have answered differently) can stand in for it.
pub(crate) async fn connect(
    addrs: &[SocketAddr],
    timeout: Duration,
    policy: ConnectPolicy,
) -> Result<Connected, Vec<(SocketAddr, TcpFailure)>> {
    let mut failures = Vec::new();
    for addr in addrs {
        if let Some(range) = policy.refuses(addr.ip()) {
            failures.push((*addr, TcpFailure::Denied(range)));
            continue;
        }
        let start = Instant::now();
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                // Small probes: latency matters more than batching.
                let _ = stream.set_nodelay(true);
                return Ok(Connected {
                    stream,
                    peer: *addr,
                    duration: start.elapsed(),
                    earlier_failures: failures,
                });
            }
            Ok(Err(e)) => failures.push((*addr, TcpFailure::from_io(&e))),
            Err(_) => failures.push((*addr, TcpFailure::Timeout(timeout))),
        }
    }
    Err(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy is applied to the address handed to the OS, whatever resolved it: a public
    /// address the policy admits is tried, a loopback one is never connected to.
    #[tokio::test]
    async fn a_refused_address_is_never_connected_to() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let failures = connect(&[addr], Duration::from_secs(1), ConnectPolicy::PublicOnly)
            .await
            .unwrap_err();
        assert!(
            matches!(failures.as_slice(), [(a, TcpFailure::Denied(range))] if *a == addr && range.starts_with("loopback")),
            "{failures:?}"
        );
        let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
        assert!(accepted.is_err(), "nothing connected");
        assert!(connect(&[addr], Duration::from_secs(1), ConnectPolicy::Any)
            .await
            .is_ok());
    }
}

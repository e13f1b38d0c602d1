//! The session store's protocol: Redis commands over a connection this tool opened.
//!
//! DNS, TCP and TLS are the same probes every other check uses (the same rustls set-up, `--cacert`
//! and verification included), so a store's certificate is judged exactly as the target's is. The
//! `redis` crate then speaks RESP on that stream; its own timeouts are off and every command is
//! bounded here instead, so one number (`--connect-timeout`) bounds every step.

use super::stream::Conn;
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, FromRedisValue, RedisConnectionInfo, RedisError};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The most bytes read of one reply. The answers this check asks for (PING, AUTH, SELECT, INFO,
/// TYPE, PTTL) are a few KiB at most; the `redis` crate buffers a reply whole before parsing it,
/// so a server announcing a 1 GiB bulk string would otherwise be believed.
pub(crate) const REPLY_LIMIT: usize = 1024 * 1024;
/// The most bytes read without a line feed: a status or error line that never ends would
/// otherwise be buffered until the reply limit.
pub(crate) const LINE_LIMIT: usize = 64 * 1024;

/// Why a store command did not give an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StoreFailure {
    /// No answer within the timeout.
    Timeout(Duration),
    /// The server answered with an error: its code (`WRONGPASS`, `LOADING`, `ERR`…) and words.
    Server {
        /// The error's first word.
        code: String,
        /// The rest of the error line.
        detail: String,
    },
    /// The connection broke (reset, closed) before the answer.
    Lost(String),
    /// The answer was not a Redis answer, or not of the expected shape.
    Protocol(String),
    /// The answer went past what wsdoctor reads of one reply (its own limit, named here).
    TooLarge(String),
}

impl StoreFailure {
    fn from_redis(e: &RedisError) -> StoreFailure {
        if e.is_io_error() || e.is_connection_dropped() {
            return StoreFailure::Lost(e.to_string());
        }
        match (e.code(), e.kind()) {
            (Some(code), _) => StoreFailure::Server {
                code: code.to_string(),
                detail: e.detail().unwrap_or_default().to_string(),
            },
            (None, redis::ErrorKind::AuthenticationFailed) => StoreFailure::Server {
                code: "WRONGPASS".to_string(),
                detail: e.detail().unwrap_or_default().to_string(),
            },
            _ => StoreFailure::Protocol(e.to_string()),
        }
    }

    /// The failure in words, for messages and evidence.
    pub(crate) fn describe(&self) -> String {
        match self {
            StoreFailure::Timeout(t) => {
                format!("no answer within {}", humantime::format_duration(*t))
            }
            StoreFailure::Server { code, detail } if detail.is_empty() => code.clone(),
            StoreFailure::Server { code, detail } => format!("{code} {detail}"),
            StoreFailure::Lost(e) => format!("the connection was lost: {e}"),
            StoreFailure::Protocol(e) => format!("not a Redis answer: {e}"),
            StoreFailure::TooLarge(limit) => format!("an answer longer than {limit}"),
        }
    }

    /// The failure with the server's words masked by `redactor` and then cut to 512 bytes, as
    /// every other piece of server text is (masked first, so a cut cannot leave half a secret).
    pub(crate) fn excerpted(&self, redactor: &crate::Redactor) -> StoreFailure {
        const LIMIT: usize = crate::diagnose::classify::EXCERPT_LIMIT;
        let cut = |text: &str, limit: usize| {
            let text = redactor.text(text);
            let mut end = text.len().min(limit);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            match text.len() > end {
                true => format!("{}…", &text[..end]),
                false => text,
            }
        };
        match self {
            // The error line as the server sent it, code and words, is what gets 512 bytes.
            StoreFailure::Server { code, detail } => {
                let code = cut(code, LIMIT);
                let room = LIMIT.saturating_sub(code.len() + 1);
                StoreFailure::Server {
                    detail: cut(detail, room),
                    code,
                }
            }
            StoreFailure::Lost(e) => StoreFailure::Lost(cut(e, LIMIT)),
            StoreFailure::Protocol(e) => StoreFailure::Protocol(cut(e, LIMIT)),
            other => other.clone(),
        }
    }
}

/// The store's stream with every reply's size bounded: past [`REPLY_LIMIT`] bytes of one reply
/// (everything read since the last command was written), or [`LINE_LIMIT`] bytes without a line
/// feed, reads fail and `overflowed` says why the connection broke.
struct Bounded {
    inner: Conn,
    reply: usize,
    line: usize,
    overflowed: Arc<AtomicBool>,
}

impl AsyncRead for Bounded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.overflowed.load(Ordering::Relaxed) {
            return Poll::Ready(Err(too_large()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let fresh = &buf.filled()[before..];
                this.reply += fresh.len();
                this.line = match fresh.iter().rposition(|&b| b == b'\n') {
                    Some(at) => fresh.len() - at - 1,
                    None => this.line + fresh.len(),
                };
                if this.reply > REPLY_LIMIT || this.line > LINE_LIMIT {
                    this.overflowed.store(true, Ordering::Relaxed);
                    return Poll::Ready(Err(too_large()));
                }
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl AsyncWrite for Bounded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            // Commands go one at a time: what is read from here on answers this one.
            this.reply = 0;
        }
        written
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

fn too_large() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, limit_words())
}

/// wsdoctor's limits, in the words a finding uses.
fn limit_words() -> String {
    format!(
        "{} KiB (or a line of {} KiB), the most wsdoctor reads of one reply",
        REPLY_LIMIT / 1024,
        LINE_LIMIT / 1024
    )
}

/// An open connection to the store, its commands each bounded by one timeout.
pub(crate) struct StoreConn {
    con: MultiplexedConnection,
    driver: tokio::task::JoinHandle<()>,
    timeout: Duration,
    /// Set when a reply went past the limits: the connection broke because of us, not the store.
    overflowed: Arc<AtomicBool>,
}

impl Drop for StoreConn {
    fn drop(&mut self) {
        // The driver owns the socket: ending it closes the connection with the check.
        self.driver.abort();
    }
}

impl StoreConn {
    /// Speaks RESP on `stream`. Nothing is sent yet: authentication and the database are chosen
    /// by the caller, command by command, so each step's answer can be read on its own.
    pub(crate) async fn open(stream: Conn, timeout: Duration) -> Result<StoreConn, StoreFailure> {
        let info = RedisConnectionInfo::default().set_skip_set_lib_name();
        // The crate's own response timeout (500 ms by default) would cut a slow store short of
        // --connect-timeout, and name it another way; every command is bounded here instead.
        let config = AsyncConnectionConfig::new()
            .set_response_timeout(None)
            .set_connection_timeout(None);
        let overflowed = Arc::new(AtomicBool::new(false));
        let stream = Bounded {
            inner: stream,
            reply: 0,
            line: 0,
            overflowed: overflowed.clone(),
        };
        let opened = tokio::time::timeout(
            timeout,
            MultiplexedConnection::new_with_config(&info, stream, config),
        )
        .await;
        match opened {
            Err(_) => Err(StoreFailure::Timeout(timeout)),
            Ok(Err(_)) if overflowed.load(Ordering::Relaxed) => {
                Err(StoreFailure::TooLarge(limit_words()))
            }
            Ok(Err(e)) => Err(StoreFailure::from_redis(&e)),
            Ok(Ok((con, driver))) => Ok(StoreConn {
                con,
                driver: tokio::spawn(driver),
                timeout,
                overflowed,
            }),
        }
    }

    /// Runs one command and reads its answer as `T`, bounded by the timeout; returns how long the
    /// round trip took.
    pub(crate) async fn query<T: FromRedisValue>(
        &mut self,
        command: &redis::Cmd,
    ) -> Result<(T, Duration), StoreFailure> {
        let start = Instant::now();
        match tokio::time::timeout(self.timeout, command.query_async::<T>(&mut self.con)).await {
            Err(_) => Err(StoreFailure::Timeout(self.timeout)),
            Ok(Err(_)) if self.overflowed.load(Ordering::Relaxed) => {
                Err(StoreFailure::TooLarge(limit_words()))
            }
            Ok(Err(e)) => Err(StoreFailure::from_redis(&e)),
            Ok(Ok(value)) => Ok((value, start.elapsed())),
        }
    }
}

/// `INFO`'s answer as `field → value`, sections flattened (`redis_version`, `role`,
/// `maxmemory_policy`, `db0`…).
pub(crate) fn parse_info(text: &str) -> std::collections::BTreeMap<String, String> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The databases `INFO keyspace` lists as holding keys (`db3:keys=10,expires=2,…`).
pub(crate) fn databases_with_keys(info: &std::collections::BTreeMap<String, String>) -> Vec<i64> {
    info.iter()
        .filter_map(|(field, value)| {
            let db = field.strip_prefix("db")?.parse::<i64>().ok()?;
            let keys = value
                .split(',')
                .find_map(|part| part.strip_prefix("keys="))?
                .parse::<u64>()
                .ok()?;
            (keys > 0).then_some(db)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_reads_fields_and_the_keyspace() {
        let info = parse_info(
            "# Server\r\nredis_version:7.0.15\r\n\r\n# Replication\r\nrole:master\r\n# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=0\r\ndb2:keys=0,expires=0\r\ndb5:keys=1,expires=0,avg_ttl=0\r\n",
        );
        assert_eq!(
            info.get("redis_version").map(String::as_str),
            Some("7.0.15")
        );
        assert_eq!(info.get("role").map(String::as_str), Some("master"));
        assert_eq!(databases_with_keys(&info), vec![0, 5]);
    }
}

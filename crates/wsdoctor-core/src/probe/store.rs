//! The session store's protocol: Redis commands over a connection this tool opened.
//!
//! DNS, TCP and TLS are the same probes every other check uses (the same rustls set-up, `--cacert`
//! and verification included), so a store's certificate is judged exactly as the target's is. The
//! `redis` crate then speaks RESP on that stream; its own timeouts are off and every command is
//! bounded here instead, so one number (`--connect-timeout`) bounds every step.

use super::stream::Conn;
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, FromRedisValue, RedisConnectionInfo, RedisError};
use std::time::{Duration, Instant};

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
        }
    }
}

/// An open connection to the store, its commands each bounded by one timeout.
pub(crate) struct StoreConn {
    con: MultiplexedConnection,
    driver: tokio::task::JoinHandle<()>,
    timeout: Duration,
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
        let opened = tokio::time::timeout(
            timeout,
            MultiplexedConnection::new_with_config(&info, stream, config),
        )
        .await;
        match opened {
            Err(_) => Err(StoreFailure::Timeout(timeout)),
            Ok(Err(e)) => Err(StoreFailure::from_redis(&e)),
            Ok(Ok((con, driver))) => Ok(StoreConn {
                con,
                driver: tokio::spawn(driver),
                timeout,
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

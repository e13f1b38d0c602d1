//! Where the lab keeps its sessions: in memory, or in Redis as the platform's backend does
//! (`REDIS_URL`), so a demo shows the whole chain from the socket to the store.
//!
//! A lookup behaves as the platform's Redis client does when the store goes away: it waits for
//! the store to come back (a client with an offline queue) rather than failing, and the server's
//! validation timeout is what ends the wait. That wait is the incident's "session lookup hanging".

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::AsyncConnectionConfig;

/// The key a session lives under: this prefix, then the id.
pub const DEFAULT_KEY_PREFIX: &str = "session:";

/// How long the lab waits for its store to answer when it starts or pings it.
const STORE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a lookup waits before it tries a lost store again.
const RECONNECT_PAUSE: Duration = Duration::from_millis(50);

/// How long the diagnostics endpoint waits for the store before calling it disconnected.
const PING_PATIENCE: Duration = Duration::from_millis(500);

/// The list `store-hang` blocks on: nothing ever pushes to it.
const HANG_LIST: &str = "wsdoctor-lab:lookup-hang";

/// A Redis-backed session store for the lab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisStoreOptions {
    /// `redis://[[user]:password@]host:port[/db]` (the lab speaks plain RESP; no TLS).
    pub url: String,
    /// The key prefix (`session:` makes `session:{id}`); the diagnostics endpoint advertises it.
    pub key_prefix: String,
    /// The TTL every session key gets.
    pub ttl: Duration,
}

impl RedisStoreOptions {
    /// A store at `url` with the platform's key prefix and a one-hour TTL.
    pub fn new(url: impl Into<String>) -> RedisStoreOptions {
        RedisStoreOptions {
            url: url.into(),
            key_prefix: DEFAULT_KEY_PREFIX.to_string(),
            ttl: Duration::from_secs(3600),
        }
    }
}

/// The lab's Redis connection, made again when it is lost.
struct Redis {
    client: redis::Client,
    options: RedisStoreOptions,
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
}

impl Redis {
    async fn connect(client: &redis::Client) -> redis::RedisResult<MultiplexedConnection> {
        // Commands are bounded by their callers (the validation timeout), as the platform's are;
        // the crate's default 500 ms response timeout would be a policy of its own.
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(STORE_TIMEOUT))
            .set_response_timeout(None);
        client
            .get_multiplexed_async_connection_with_config(&config)
            .await
    }

    async fn connection(&self) -> redis::RedisResult<MultiplexedConnection> {
        let mut held = self.connection.lock().await;
        if let Some(connection) = held.as_ref() {
            return Ok(connection.clone());
        }
        let connection = Redis::connect(&self.client).await?;
        *held = Some(connection.clone());
        Ok(connection)
    }

    async fn forget(&self) {
        *self.connection.lock().await = None;
    }

    fn key(&self, id: &str) -> String {
        format!("{}{id}", self.options.key_prefix)
    }

    /// `SET key 1 PX ttl`: how the platform writes a session.
    fn write(&self, id: &str) -> redis::Cmd {
        let mut command = redis::cmd("SET");
        command
            .arg(self.key(id))
            .arg("1")
            .arg("PX")
            .arg(u64::try_from(self.options.ttl.as_millis()).unwrap_or(u64::MAX));
        command
    }
}

/// The valid session ids, shared by the HTTP endpoints, the terminal sockets and `Lab::sessions`.
#[derive(Clone, Default)]
pub(crate) struct SessionStore {
    /// Every id the lab knows of (created here): the whole store in memory, a list of names
    /// with Redis.
    ids: Arc<Mutex<Vec<String>>>,
    redis: Option<Arc<Redis>>,
    /// `store-down`: the store cannot be reached, whatever it is.
    down: bool,
}

impl std::fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStore")
            .field("redis", &self.redis.is_some())
            .field("down", &self.down)
            .finish()
    }
}

impl SessionStore {
    /// A store in memory holding `ids`.
    pub(crate) fn memory(ids: Vec<String>) -> SessionStore {
        SessionStore {
            ids: Arc::new(Mutex::new(ids)),
            redis: None,
            down: false,
        }
    }

    /// A store in Redis, with `ids` written to it (each with the TTL). Fails when Redis cannot
    /// be reached or refuses the writes: a lab that silently fell back to memory would lie.
    pub(crate) async fn redis(
        options: RedisStoreOptions,
        ids: Vec<String>,
    ) -> std::io::Result<SessionStore> {
        let failed = |what: &str, e: redis::RedisError| {
            // The error text never holds the URL's password; the URL itself is not repeated.
            std::io::Error::other(format!("the session store {what}: {e}"))
        };
        let client = redis::Client::open(options.url.as_str())
            .map_err(|e| failed("URL is not usable (redis:// only)", e))?;
        let connection = Redis::connect(&client)
            .await
            .map_err(|e| failed("cannot be reached", e))?;
        let redis = Redis {
            client,
            options,
            connection: tokio::sync::Mutex::new(Some(connection.clone())),
        };
        let mut connection = connection;
        for id in &ids {
            let command = redis.write(id);
            let write = command.query_async::<()>(&mut connection);
            tokio::time::timeout(STORE_TIMEOUT, write)
                .await
                .map_err(|_| std::io::Error::other("the session store did not answer SET"))?
                .map_err(|e| failed("refused a session", e))?;
        }
        Ok(SessionStore {
            ids: Arc::new(Mutex::new(ids)),
            redis: Some(Arc::new(redis)),
            down: false,
        })
    }

    /// The same store, unreachable (`store-down`): lookups wait, the store reads disconnected.
    pub(crate) fn made_unreachable(mut self) -> SessionStore {
        self.down = true;
        self
    }

    fn lock(&self) -> MutexGuard<'_, Vec<String>> {
        // A panic elsewhere cannot leave a Vec<String> half-updated, so a poisoned lock is still usable.
        self.ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the session exists. With Redis this waits for an answer however long the store
    /// takes to come back; the caller bounds it.
    pub(crate) async fn contains(&self, id: &str) -> bool {
        if self.down {
            return std::future::pending().await;
        }
        let Some(redis) = &self.redis else {
            return self.lock().iter().any(|known| known == id);
        };
        loop {
            let answer = match redis.connection().await {
                Ok(mut connection) => {
                    redis::cmd("EXISTS")
                        .arg(redis.key(id))
                        .query_async::<u64>(&mut connection)
                        .await
                }
                Err(e) => Err(e),
            };
            match answer {
                Ok(count) => return count > 0,
                Err(_) => {
                    redis.forget().await;
                    tokio::time::sleep(RECONNECT_PAUSE).await;
                }
            }
        }
    }

    /// Adds a session; `false` when the store would not take it.
    pub(crate) async fn insert(&self, id: String) -> bool {
        if self.down {
            return false;
        }
        if let Some(redis) = &self.redis {
            let Ok(mut connection) = redis.connection().await else {
                redis.forget().await;
                return false;
            };
            let command = redis.write(&id);
            let write = command.query_async::<()>(&mut connection);
            if !matches!(tokio::time::timeout(STORE_TIMEOUT, write).await, Ok(Ok(()))) {
                return false;
            }
        }
        let mut ids = self.lock();
        if !ids.contains(&id) {
            ids.push(id);
        }
        true
    }

    /// The number of sessions, when the store is the lab's memory.
    pub(crate) fn len(&self) -> Option<usize> {
        self.redis.is_none().then(|| self.lock().len())
    }

    /// The ids created through this lab.
    pub(crate) fn list(&self) -> Vec<String> {
        self.lock().clone()
    }

    /// The key template the platform would advertise for its store, when it is Redis.
    pub(crate) fn key_template(&self) -> Option<String> {
        self.redis
            .as_ref()
            .map(|r| format!("{}{{session}}", r.options.key_prefix))
    }

    /// `redis` or `memory`.
    pub(crate) fn kind(&self) -> &'static str {
        if self.redis.is_some() {
            "redis"
        } else {
            "memory"
        }
    }

    /// Whether the store answers a PING now (memory always does, unless `store-down`).
    pub(crate) async fn connected(&self) -> bool {
        if self.down {
            return false;
        }
        let Some(redis) = &self.redis else {
            return true;
        };
        let ping = async {
            let mut connection = redis.connection().await?;
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
        };
        match tokio::time::timeout(PING_PATIENCE, ping).await {
            Ok(Ok(_)) => true,
            Ok(Err(_)) => {
                redis.forget().await;
                false
            }
            Err(_) => false,
        }
    }

    /// `store-hang`: a lookup stuck in the store for `limit`. With Redis it really is: a blocking
    /// pop on a list nothing pushes to, on a connection of its own (the bug in real applications
    /// is a lookup queued behind such a command on a shared one).
    pub(crate) async fn hang(&self, limit: Duration) {
        if let Some(redis) = self.redis.as_ref().filter(|_| !self.down) {
            if let Ok(mut connection) = Redis::connect(&redis.client).await {
                let _ = redis::cmd("BLPOP")
                    .arg(HANG_LIST)
                    .arg(limit.as_secs_f64())
                    .query_async::<redis::Value>(&mut connection)
                    .await;
                return;
            }
        }
        tokio::time::sleep(limit).await;
    }
}

//! The session store to check (`--redis-url`, `REDIS_URL`): its URL, parsed here so a malformed
//! one is a usage error before anything is sent, and so its credentials are secrets from the
//! moment they are read.

use super::error::SettingsError;
use crate::secret::{Secret, MASK};
use url::Url;

/// The port a Redis URL without one means.
const DEFAULT_PORT: u16 = 6379;

/// The placeholder a key template replaces with the session id.
pub const SESSION_PLACEHOLDER: &str = "{session}";

/// A Redis URL: `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreUrl {
    tls: bool,
    host: String,
    port: u16,
    username: Option<String>,
    password: Option<Secret>,
    database: i64,
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

impl StoreUrl {
    /// Parses a Redis URL. The errors never quote a credential: a URL is shown with its
    /// user-info masked, and text that is not a URL is not shown at all.
    pub fn parse(text: &str) -> Result<StoreUrl, SettingsError> {
        let text = text.trim();
        let bad = |message: String| SettingsError::new("redis-url", message);
        if text.is_empty() {
            return Err(bad("is empty".to_string()));
        }
        let shown = if text.contains("://") {
            format!("{:?}", crate::redact::mask_unparsed_url(text))
        } else {
            // Without a scheme the user-info cannot be told from the rest: show nothing of it.
            "the value".to_string()
        };
        let url = Url::parse(text).map_err(|e| {
            let hint = if text.contains("://") {
                ""
            } else {
                " (a Redis URL looks like redis://[user:password@]host:6379/0)"
            };
            bad(format!("{shown} is not a URL: {e}{hint}"))
        })?;
        let tls = match url.scheme() {
            "redis" => false,
            "rediss" => true,
            other => {
                let why = if other.contains("unix") {
                    "Unix sockets are not supported; "
                } else {
                    ""
                };
                // `user:password@host` parses with the user as its scheme: never quote it then.
                let scheme = if text.contains("://") {
                    format!("{other:?}")
                } else {
                    "of the value".to_string()
                };
                return Err(bad(format!(
                    "scheme {scheme} is not supported: {why}use redis:// or rediss:// (TLS)"
                )));
            }
        };
        let host = match url.host() {
            Some(url::Host::Ipv6(addr)) => addr.to_string(),
            Some(host) => host.to_string(),
            None => return Err(bad(format!("{shown} has no host"))),
        };
        if host.is_empty() {
            return Err(bad(format!("{shown} has no host")));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad(format!(
                "{shown}: query parameters and fragments are not supported (the database goes in the path, redis://host:6379/2; certificate verification follows --cacert and --insecure)"
            )));
        }
        let path = url.path().trim_start_matches('/');
        let database = if path.is_empty() {
            0
        } else {
            match path.parse::<i64>() {
                Ok(db) if db >= 0 => db,
                _ => {
                    return Err(bad(format!(
                    "{shown}: the path must be a database number (redis://host:6379/0), not {:?}",
                    path
                )))
                }
            }
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let username = Some(decode(url.username())).filter(|u| !u.is_empty());
        let password = url.password().map(|p| Secret::new(decode(p)));
        Ok(StoreUrl {
            tls,
            host,
            port: url.port().unwrap_or(DEFAULT_PORT),
            username,
            password,
            database,
        })
    }

    /// Whether the connection uses TLS (`rediss://`).
    pub fn tls(&self) -> bool {
        self.tls
    }

    /// The host (IPv6 without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The ACL user, when the URL names one. Not for output: it travels with the password.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The password, when the URL has one.
    pub fn password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    /// The database the URL selects.
    pub fn database(&self) -> i64 {
        self.database
    }

    /// The URL as it may be shown: any user-info masked.
    pub fn display(&self) -> String {
        let scheme = if self.tls { "rediss" } else { "redis" };
        let credentials = if self.username.is_some() || self.password.is_some() {
            format!("{MASK}@")
        } else {
            String::new()
        };
        format!(
            "{scheme}://{credentials}{}:{}/{}",
            super::bracketed(&self.host),
            self.port,
            self.database
        )
    }

    /// `host:port`, for messages.
    pub fn address(&self) -> String {
        format!("{}:{}", super::bracketed(&self.host), self.port)
    }

    /// The values that must never be shown: the password, and the ACL user except Redis's
    /// built-in `default` (a word the report uses, and no secret: every Redis has that user).
    pub(crate) fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        if let Some(password) = &self.password {
            secrets.push(password.reveal().to_string());
        }
        if let Some(user) = self.username.as_deref().filter(|u| *u != "default") {
            secrets.push(user.to_string());
        }
        secrets
    }
}

/// What the store check looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSettings {
    /// The store.
    pub url: StoreUrl,
    /// Where the URL came from (`--redis-url`, `WSDOCTOR_REDIS_URL`, `REDIS_URL`), for the report.
    pub source: String,
    /// The session's key, a template with `{session}` (`--session-key`); without it, the one the
    /// diagnostics endpoint advertises, if any.
    pub key_template: Option<String>,
}

impl StoreSettings {
    /// Checks the key template against the session: a session with a template that cannot name
    /// its key is a usage error, not a check that quietly looks at the wrong key.
    pub(crate) fn validate(&self, session: Option<&Secret>) -> Result<(), SettingsError> {
        let Some(template) = &self.key_template else {
            return Ok(());
        };
        if template.trim().is_empty() {
            return Err(SettingsError::new("session-key", "is empty"));
        }
        if session.is_some() && !template.contains(SESSION_PLACEHOLDER) {
            return Err(SettingsError::new(
                "session-key",
                format!(
                    "{template:?} has no {SESSION_PLACEHOLDER}: write the key with the session id as {SESSION_PLACEHOLDER}, e.g. 'session:{SESSION_PLACEHOLDER}'"
                ),
            ));
        }
        Ok(())
    }
}

/// The session's key from a template: `{session}` replaced by the id, as it is (Redis keys are
/// binary-safe; the key is sent as one argument, never spliced into a command).
pub(crate) fn render_key(template: &str, session: &str) -> Option<String> {
    template
        .contains(SESSION_PLACEHOLDER)
        .then(|| template.replace(SESSION_PLACEHOLDER, session))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_their_parts() {
        let url = StoreUrl::parse("rediss://app:s3cret@cache.example.com:6380/2").unwrap();
        assert!(url.tls());
        assert_eq!(
            (url.host(), url.port(), url.database()),
            ("cache.example.com", 6380, 2)
        );
        assert_eq!(url.username(), Some("app"));
        assert_eq!(url.password().map(Secret::reveal), Some("s3cret"));
        assert_eq!(
            url.display(),
            "rediss://[REDACTED]@cache.example.com:6380/2"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        let url = StoreUrl::parse("redis://:p%40ss@127.0.0.1").unwrap();
        assert_eq!(url.password().map(Secret::reveal), Some("p@ss"));
        assert_eq!((url.port(), url.database()), (6379, 0));
        assert_eq!(url.username(), None);
        let url = StoreUrl::parse("redis://[::1]:7000/").unwrap();
        assert_eq!(url.display(), "redis://[::1]:7000/0");
        let default_user = StoreUrl::parse("redis://default:pw@h").unwrap();
        assert_eq!(default_user.secrets(), vec!["pw".to_string()]);
    }

    #[test]
    fn bad_urls_are_named_without_their_secrets() {
        for bad in [
            "http://u:hunter2@h:6379",
            "unix:///tmp/redis.sock",
            "redis+unix:///tmp/redis.sock",
            "redis://:hunter2@h:6379/x",
            "redis://:hunter2@h:6379/-1",
            "redis://:hunter2@h:notaport",
            "redis://:hunter2@h/0?protocol=resp3",
            "rediss://:hunter2@h/0#insecure",
            "hunter2@h:6379",
            "redis://:hunter2@",
            "",
        ] {
            let error = StoreUrl::parse(bad).unwrap_err();
            assert_eq!(error.setting, "redis-url");
            assert!(
                !error.message.contains("hunter2"),
                "{bad}: {}",
                error.message
            );
        }
    }

    #[test]
    fn key_templates_need_the_session() {
        let store = |template: &str| StoreSettings {
            url: StoreUrl::parse("redis://h").unwrap(),
            source: "--redis-url".into(),
            key_template: Some(template.into()),
        };
        let session = Secret::new("abc");
        assert!(store("session:{session}").validate(Some(&session)).is_ok());
        let error = store("session:").validate(Some(&session)).unwrap_err();
        assert_eq!(error.setting, "session-key");
        assert!(store("session:").validate(None).is_ok());
        assert_eq!(
            render_key("sess:{session}:data", "a b").as_deref(),
            Some("sess:a b:data")
        );
    }
}

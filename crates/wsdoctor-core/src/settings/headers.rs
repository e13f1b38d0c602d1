//! Extra request headers, and which header and query names carry credentials.

use super::error::SettingsError;
use crate::secret::Secret;

/// An extra request header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Its name, as given.
    pub name: String,
    /// Its value; a secret, since any header may carry a credential.
    pub value: Secret,
}

impl Header {
    /// Parses `Name: value`. CR, LF and NUL can never be sent (they would split the request or
    /// inject another header), so they are refused here; other bytes that HTTP does not allow are
    /// the target check's business, as a browser would fail at `new WebSocket()`.
    pub fn parse(text: &str) -> Result<Header, SettingsError> {
        let Some((name, value)) = text.split_once(':') else {
            // The value may be a credential: do not echo it back.
            return Err(SettingsError::new(
                "header",
                "must look like 'Name: value' (the colon is missing)",
            ));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(SettingsError::new("header", "has no name"));
        }
        if text.contains(['\r', '\n', '\0']) {
            return Err(SettingsError::new(
                "header",
                format!("the header {name:?} contains CR, LF or NUL, which would inject into the request"),
            ));
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            return Err(SettingsError::new(
                "header",
                format!("{name:?} is not a valid header name"),
            ));
        }
        Ok(Header {
            name: name.to_string(),
            value: Secret::new(value.trim()),
        })
    }

    /// Whether the header's value is a credential by its name.
    pub fn is_credential(&self) -> bool {
        is_secret_header(&self.name)
    }
}

/// Headers whose values are credentials.
pub(crate) fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-api-key"
    ) || name.contains("token")
        || name.contains("secret")
}

/// Query parameters whose values are credentials.
pub(crate) fn is_secret_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "token", "key", "secret", "password", "auth", "session", "sig",
    ]
    .iter()
    .any(|needle| name.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::run::Settings;
    use crate::settings::target::Target;

    #[test]
    fn each_cookie_value_is_a_secret_of_its_own() {
        let mut settings = Settings::new(Target::parse("http://127.0.0.1:1/").unwrap());
        settings.headers = vec![Header::parse("Cookie: sid=abc123; theme=dark").unwrap()].into();
        let secrets = settings.secrets();
        assert!(secrets.contains(&"abc123".to_string()), "{secrets:?}");
        assert!(secrets.contains(&"dark".to_string()), "{secrets:?}");
    }

    #[test]
    fn headers_refuse_injection() {
        assert!(Header::parse("X: a\r\nEvil: b").is_err());
        assert!(Header::parse("X: 1\nHost: evil").is_err());
        assert!(Header::parse("X: a\0").is_err());
        assert!(Header::parse("Bad Name: x").is_err());
        let h = Header::parse("Authorization: Bearer abc").unwrap();
        assert!(h.is_credential());
        assert!(!format!("{h:?}").contains("abc"));
    }
}

//! A secret is a type from the moment it is parsed: its `Debug`, `Display` and `Serialize` show
//! the mask, and only [`Secret::reveal`] (for the wire and the redactor) shows the value.

use std::fmt;

/// What replaces a secret wherever one would be shown.
pub const MASK: &str = "[REDACTED]";

/// A session id, token, password or credential-bearing header value.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the wire and for the redactor: never for output.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({MASK})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(MASK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_showing_a_secret_masks_it() {
        let secret = Secret::new("pass");
        assert_eq!(format!("{secret}"), MASK);
        assert!(!format!("{secret:?}").contains("pass"));
        assert_eq!(
            serde_json::to_string(&secret).unwrap(),
            format!("\"{MASK}\"")
        );
        assert_eq!(secret.reveal(), "pass");
    }
}

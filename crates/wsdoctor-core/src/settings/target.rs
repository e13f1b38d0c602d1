//! The target: the URL under test, parsed and checked, with the frontend origin.

use super::error::SettingsError;
use super::headers::is_secret_param;
use url::Url;
use wsdoctor_model::evidence::TargetKind;

/// The deployment under test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    url: Url,
}

impl Target {
    /// Parses a target URL: http(s) base URL or ws(s) socket URL, with a host.
    pub fn parse(text: &str) -> Result<Target, SettingsError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SettingsError::new("target", "is empty"));
        }
        let url = Url::parse(text).map_err(|e| {
            let hint = if !text.contains("://") {
                format!(" (did you mean https://{text}?)")
            } else {
                String::new()
            };
            SettingsError::new(
                "target",
                format!(
                    "{:?} is not a URL: {e}{hint}",
                    crate::redact::mask_unparsed_url(text)
                ),
            )
        })?;
        match url.scheme() {
            "http" | "https" | "ws" | "wss" => {}
            other => {
                return Err(SettingsError::new(
                    "target",
                    format!("scheme {other:?} is not one of http, https, ws, wss"),
                ))
            }
        }
        if url.host().is_none() {
            return Err(SettingsError::new("target", "has no host"));
        }
        Ok(Target { url })
    }

    /// The URL as given (normalised by the URL parser). Carries secrets: not for output.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Which checklist applies.
    pub fn kind(&self) -> TargetKind {
        match self.url.scheme() {
            "http" | "https" => TargetKind::Http,
            _ => TargetKind::WebSocket,
        }
    }

    /// The host as it is resolved and verified (IPv6 without brackets).
    pub fn host(&self) -> String {
        match self.url.host() {
            Some(url::Host::Ipv6(addr)) => addr.to_string(),
            Some(host) => host.to_string(),
            None => String::new(),
        }
    }

    /// The host as it appears in a URL or a `Host` header (IPv6 in brackets).
    pub fn url_host(&self) -> String {
        bracketed(&self.host())
    }

    /// The port, explicit or the scheme's default.
    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(80)
    }

    /// Whether the connection uses TLS.
    pub fn uses_tls(&self) -> bool {
        matches!(self.url.scheme(), "https" | "wss")
    }

    /// `ws` or `wss`: the scheme of the sockets a browser would open.
    pub fn socket_scheme(&self) -> &'static str {
        if self.uses_tls() {
            "wss"
        } else {
            "ws"
        }
    }

    /// The `Host` header value (the port only when the URL names one).
    pub fn host_header(&self) -> String {
        match self.url.port() {
            Some(port) => format!("{}:{port}", self.url_host()),
            None => self.url_host(),
        }
    }

    /// `ws[s]://host[:port]`, the base of socket URLs built from the target.
    pub fn ws_base(&self) -> String {
        format!("{}://{}", self.socket_scheme(), self.host_header())
    }

    /// The path prefix a base URL lives under, without a trailing slash (empty for a socket URL).
    pub fn base_path(&self) -> String {
        match self.kind() {
            TargetKind::WebSocket => String::new(),
            TargetKind::Http => self.url.path().trim_end_matches('/').to_string(),
        }
    }

    /// Secret parts of the URL: user-info and token-like query values.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        if let Some(password) = self.url.password() {
            secrets.push(password.to_string());
            secrets.push(decode(password));
        }
        if !self.url.username().is_empty() {
            secrets.push(self.url.username().to_string());
            secrets.push(decode(self.url.username()));
        }
        for (key, value) in self.url.query_pairs() {
            if is_secret_param(&key) && !value.is_empty() {
                secrets.push(value.into_owned());
            }
        }
        secrets
    }
}

/// An IPv6 address in brackets, anything else as it is.
pub(crate) fn bracketed(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// Parses a frontend origin: `scheme://host[:port]` of an http(s) URL.
pub fn parse_origin(text: &str) -> Result<String, SettingsError> {
    let url = Url::parse(text.trim())
        .map_err(|e| SettingsError::new("origin", format!("{text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(SettingsError::new(
            "origin",
            format!("{text:?} must be an http(s) origin such as https://app.example.com"),
        ));
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::run::Settings;

    #[test]
    fn origin_is_normalised() {
        assert_eq!(
            parse_origin("https://App.Example.com/path").unwrap(),
            "https://app.example.com"
        );
        assert!(parse_origin("ftp://x").is_err());
    }

    #[test]
    fn target_errors_name_the_setting_and_hide_credentials() {
        let err = Target::parse("not a url").unwrap_err();
        assert_eq!(err.setting, "target");
        assert!(Target::parse("ftp://example.com").is_err());
        let target = Target::parse("http://admin:p@ss@127.0.0.1:1/?token=abc&x=1").unwrap();
        let settings = Settings::new(target);
        let shown = settings.target_for_display();
        assert!(!shown.contains("p@ss") && !shown.contains("ss@") && !shown.contains("abc"));
        assert!(shown.contains("x=1"), "{shown}");
        assert!(settings.secrets().contains(&"p@ss".to_string()));
    }
}

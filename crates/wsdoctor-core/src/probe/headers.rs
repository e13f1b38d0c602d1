//! What every request wsdoctor sends has in common: who it says it is, and headers that are
//! validated once, the same way for HTTP requests and WebSocket upgrades.

use http::{HeaderName, HeaderValue};

/// The User-Agent of every request.
pub(crate) const USER_AGENT: &str = concat!("wsdoctor/", env!("CARGO_PKG_VERSION"));

/// A header as it can be sent, or why it cannot.
pub(crate) fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("header name {name:?} is not valid"))?;
    let value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header {name} is not valid"))?;
    Ok((name, value))
}

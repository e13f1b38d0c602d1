//! What one run checks and how: plain data with defaults, built by the binary from its command
//! line (or by tests and benchmarks directly), validated before a single packet is sent. One
//! concern a file; this one only names them.
//!
//! The parsers here turn user text into typed values; each failure names the setting it concerns,
//! and the caller says how that setting was spelled (`--timeout`, `WSDOCTOR_TIMEOUT`, a file key).

pub(crate) mod error;
pub(crate) mod headers;
pub(crate) mod identity;
pub(crate) mod limits;
pub(crate) mod paths;
pub(crate) mod policy;
pub(crate) mod resolve;
pub(crate) mod roads;
pub(crate) mod route;
pub(crate) mod run;
pub(crate) mod store;
pub(crate) mod target;

pub use error::SettingsError;
pub use headers::Header;
pub(crate) use headers::{is_secret_header, is_secret_param};
pub use identity::ClientIdentity;
pub use limits::{Gates, Limits};
pub use paths::Paths;
pub(crate) use paths::{render_template, DEFAULT_TERMINAL_TEMPLATE};
pub use policy::ConnectPolicy;
pub use resolve::{IpFamily, ResolveOverride};
pub use roads::Roads;
pub(crate) use roads::{ALPN_BROWSER, ALPN_HTTP1};
pub use route::{ProxyRoute, Route};
pub use run::{BrowserSettings, Settings};
pub(crate) use store::render_key;
pub use store::{StoreSettings, StoreUrl, SESSION_PLACEHOLDER};
pub(crate) use target::bracketed;
pub use target::{parse_origin, Target};

//! The request and the connection: the flags `check` (and `watch`, `demo`, `serve`'s probes) and
//! `ping` share, defined once for both.

use super::parse_duration;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

/// How the target is asked and reached.
#[derive(Debug, Clone, Args)]
pub(crate) struct ConnectionOptions {
    /// The frontend's origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL].
    #[arg(
        long,
        value_name = "URL",
        env = "WSDOCTOR_ORIGIN",
        help_heading = "Request"
    )]
    pub(crate) origin: Option<String>,
    /// An extra request header 'Name: value' (repeatable) [env: WSDOCTOR_HEADER, one header per line].
    #[arg(
        long = "header",
        short = 'H',
        value_name = "NAME: VALUE",
        help_heading = "Request"
    )]
    pub(crate) headers: Vec<String>,
    /// A subprotocol to offer in Sec-WebSocket-Protocol, as a browser's new WebSocket(url, protocols) does (repeatable, or comma-separated).
    #[arg(
        long = "subprotocol",
        value_name = "NAME",
        value_delimiter = ',',
        env = "WSDOCTOR_SUBPROTOCOL",
        help_heading = "Request"
    )]
    pub(crate) subprotocols: Vec<String>,
    /// Client timeout per WebSocket attempt, as the web client's 25 s.
    #[arg(long, value_name = "DURATION", default_value = "25s", value_parser = parse_duration, env = "WSDOCTOR_TIMEOUT", help_heading = "Network")]
    pub(crate) timeout: Duration,
    /// Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration, env = "WSDOCTOR_CONNECT_TIMEOUT", help_heading = "Network")]
    pub(crate) connect_timeout: Duration,
    /// Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable).
    #[arg(
        long,
        value_name = "HOST:PORT:ADDR[,ADDR]",
        env = "WSDOCTOR_RESOLVE",
        value_delimiter = ' ',
        help_heading = "Network"
    )]
    pub(crate) resolve: Vec<String>,
    /// HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY].
    #[arg(
        long,
        value_name = "URL",
        env = "WSDOCTOR_PROXY",
        help_heading = "Network"
    )]
    pub(crate) proxy: Option<String>,
    /// Connect directly even when a proxy variable is set.
    #[arg(
        long,
        env = "WSDOCTOR_NO_PROXY",
        help_heading = "Network",
        conflicts_with = "proxy"
    )]
    pub(crate) no_proxy: bool,
    /// Trust the CA certificates in this PEM file too.
    #[arg(
        long,
        value_name = "FILE",
        env = "WSDOCTOR_CACERT",
        help_heading = "Network"
    )]
    pub(crate) cacert: Option<PathBuf>,
    /// Client certificate chain for mutual TLS (PEM; may hold the key too).
    #[arg(long, value_name = "FILE", env = "WSDOCTOR_CERT", value_hint = clap::ValueHint::FilePath, help_heading = "Network")]
    pub(crate) cert: Option<PathBuf>,
    /// Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file].
    #[arg(long, value_name = "FILE", env = "WSDOCTOR_KEY", requires = "cert", value_hint = clap::ValueHint::FilePath, help_heading = "Network")]
    pub(crate) key: Option<PathBuf>,
    /// Use IPv4 addresses only.
    #[arg(
        long = "ipv4",
        short = '4',
        conflicts_with = "ipv6",
        help_heading = "Network"
    )]
    pub(crate) ipv4: bool,
    /// Use IPv6 addresses only.
    #[arg(long = "ipv6", short = '6', help_heading = "Network")]
    pub(crate) ipv6: bool,
    /// Do not verify TLS certificates (the report says so, loudly).
    #[arg(long, env = "WSDOCTOR_INSECURE", help_heading = "Network")]
    pub(crate) insecure: bool,
    /// Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2.
    #[arg(
        long,
        env = "WSDOCTOR_HTTP1_ONLY",
        help_heading = "Network",
        conflicts_with = "http2"
    )]
    pub(crate) http1_only: bool,
    /// Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails.
    #[arg(long, env = "WSDOCTOR_HTTP2", help_heading = "Network")]
    pub(crate) http2: bool,
}

//! `wsdoctor demo` and `wsdoctor lab`: the embedded reference backend.

use super::{parse_duration, CheckOptions, Offered, OutputOptions};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// `wsdoctor demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoCommand {
    /// Make the embedded backend misbehave this way (see `wsdoctor lab --list-faults`).
    #[arg(long, value_name = "NAME", value_parser = Offered(fault_names), hide_possible_values = true)]
    pub(crate) fault: Option<String>,
    /// Serve the embedded backend over TLS with a certificate from a throwaway CA, speaking HTTP/2 (with extended CONNECT) beside HTTP/1.1 as modern edges do.
    #[arg(long)]
    pub(crate) tls: bool,
    /// The checklist options.
    #[command(flatten)]
    pub(crate) options: CheckOptions,
    /// How the report is shown.
    #[command(flatten)]
    pub(crate) output: OutputOptions,
}

/// `wsdoctor lab`.
#[derive(Debug, Args)]
pub(crate) struct LabCommand {
    /// Make the backend misbehave this way (see --list-faults).
    #[arg(long, value_name = "NAME", value_parser = Offered(fault_names), hide_possible_values = true)]
    pub(crate) fault: Option<String>,
    /// The address to listen on; loopback by default.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub(crate) listen: SocketAddr,
    /// Serve https/wss with a certificate from a throwaway CA.
    #[arg(long)]
    pub(crate) tls: bool,
    /// Serve HTTP/2 beside HTTP/1.1 (ALPN h2, http/1.1), with RFC 8441 extended CONNECT for WebSockets; implies --tls.
    #[arg(long)]
    pub(crate) http2: bool,
    /// Write the throwaway CA's certificate (PEM) here, for `check --cacert`.
    #[arg(long, value_name = "FILE")]
    pub(crate) ca_out: Option<PathBuf>,
    /// Under --fault tls-client-cert, write a client certificate and key the lab accepts (PEM), for `check --cert`.
    #[arg(long, value_name = "FILE")]
    pub(crate) client_cert_out: Option<PathBuf>,
    /// A valid session id (repeatable); `POST /api/sessions` creates more.
    #[arg(long = "session", value_name = "ID", default_value = wsdoctor_lab::DEFAULT_SESSION)]
    pub(crate) sessions: Vec<String>,
    /// An origin allowed by CORS and the Origin check (repeatable).
    #[arg(
        long = "allow-origin",
        value_name = "ORIGIN",
        default_value = wsdoctor_lab::DEFAULT_ORIGIN
    )]
    pub(crate) allowed_origins: Vec<String>,
    /// Interval of the server's WebSocket pings on open sockets.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub(crate) ping_interval: Duration,
    /// Keep sessions in this Redis (redis:// only) under session:{id}, as the platform does, instead of memory.
    #[arg(
        long,
        value_name = "URL",
        env = "WSDOCTOR_REDIS_URL",
        hide_env_values = true
    )]
    pub(crate) redis_url: Option<String>,
    /// With --redis-url: the TTL each session key gets.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_duration, requires = "redis_url")]
    pub(crate) session_ttl: Duration,
    /// Also run an HTTP CONNECT proxy on this address (loopback targets only), for proxied runs.
    #[arg(long, value_name = "ADDR")]
    pub(crate) connect_proxy: Option<SocketAddr>,
    /// Credentials the proxy requires, as USER:PASSWORD.
    #[arg(long, value_name = "USER:PASSWORD", requires = "connect_proxy")]
    pub(crate) proxy_credentials: Option<String>,
    /// List the faults, one line each, and exit.
    #[arg(long)]
    pub(crate) list_faults: bool,
    /// Print what would be served and exit without listening.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

fn fault_names() -> Vec<clap::builder::PossibleValue> {
    wsdoctor_lab::fault_catalog()
        .into_iter()
        .map(|fault| clap::builder::PossibleValue::new(fault.name).help(fault.summary))
        .collect()
}

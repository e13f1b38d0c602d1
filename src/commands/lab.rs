//! `wsdoctor lab`: the reference backend, for reproductions and tests.

use crate::cli::LabCommand;
use crate::exit::{AppError, OK};
use wsdoctor_lab::{
    fault_catalog, ConnectProxy, Fault, Lab, LabOptions, ProxyOptions, RedisStoreOptions,
    DEFAULT_ORIGIN, DEFAULT_SESSION,
};

pub(crate) fn run(cmd: LabCommand) -> Result<u8, AppError> {
    if cmd.list_faults {
        let mut text = String::new();
        for info in fault_catalog() {
            let name = match info.argument {
                Some(arg) => format!("{}[:{arg}]", info.name),
                None => info.name.to_string(),
            };
            text.push_str(&format!("{name:<24} {}\n", info.summary));
        }
        crate::print::stdout(&text);
        return Ok(OK);
    }
    let fault = cmd
        .fault
        .as_deref()
        .map(str::parse::<Fault>)
        .transpose()
        .map_err(|e| AppError::usage("--fault", e.to_string()))?;
    if cmd.dry_run {
        let http2 = cmd.http2 || fault.as_ref().is_some_and(Fault::needs_http2);
        let tls = cmd.tls || http2 || fault.as_ref().is_some_and(Fault::needs_tls);
        crate::print::stdout(&format!(
            "dry run: would serve the reference backend on {} over {} ({}){}\n",
            cmd.listen,
            match (tls, http2) {
                (true, true) => "https/wss, HTTP/2 and HTTP/1.1",
                (true, false) => "https/wss",
                _ => "http/ws",
            },
            fault
                .as_ref()
                .map(|f| format!("fault {f}"))
                .unwrap_or_else(|| "healthy".into()),
            cmd.connect_proxy
                .map(|p| format!(", with a CONNECT proxy on {p}"))
                .unwrap_or_default()
        ));
        return Ok(OK);
    }
    crate::runtime::block_on(serve(cmd, fault))
}

async fn serve(cmd: LabCommand, fault: Option<Fault>) -> Result<u8, AppError> {
    let lab = Lab::start(LabOptions {
        listen: cmd.listen,
        sessions: cmd.sessions.clone(),
        fault: fault.clone(),
        tls: cmd.tls || cmd.http2,
        http2: cmd.http2,
        allowed_origins: cmd.allowed_origins.clone(),
        ping_interval: Some(cmd.ping_interval),
        store: cmd.redis_url.as_ref().map(|url| RedisStoreOptions {
            ttl: cmd.session_ttl,
            ..RedisStoreOptions::new(url.as_str())
        }),
        ..LabOptions::default()
    })
    .await
    .map_err(|e| AppError::Runtime(format!("cannot start on {}: {e}", cmd.listen)))?;
    let files = [
        (&cmd.ca_out, lab.ca_pem().map(str::to_string)),
        (
            &cmd.client_cert_out,
            lab.client_identity_pem().map(str::to_string),
        ),
    ];
    for (path, pem) in files {
        if let (Some(path), Some(pem)) = (path, pem) {
            if let Err(e) = std::fs::write(path, pem) {
                lab.shutdown().await;
                return Err(AppError::io(format!("writing {}", path.display()), e));
            }
        }
    }
    let proxy = match cmd.connect_proxy {
        Some(listen) => {
            let credentials = cmd.proxy_credentials.as_deref().map(|c| {
                let (user, password) = c.split_once(':').unwrap_or((c, ""));
                (user.to_string(), password.to_string())
            });
            match ConnectProxy::start(ProxyOptions {
                listen,
                credentials,
                ..ProxyOptions::default()
            })
            .await
            {
                Ok(proxy) => Some(proxy),
                Err(e) => {
                    lab.shutdown().await;
                    return Err(AppError::Runtime(format!("cannot listen on {listen}: {e}")));
                }
            }
        }
        None => None,
    };
    let fault_text = fault
        .as_ref()
        .map(|f| f.to_string())
        .unwrap_or_else(|| "none".to_string());
    let mut text = format!(
        "wsdoctor lab listening on {} (fault: {fault_text})\n",
        lab.base_url()
    );
    text.push_str(&format!("  sessions: {}\n", cmd.sessions.join(", ")));
    if cmd.redis_url.is_some() {
        text.push_str(&format!(
            "  session store: Redis (--redis-url), keys {}{{session}}, TTL {}\n",
            wsdoctor_lab::DEFAULT_KEY_PREFIX,
            humantime::format_duration(cmd.session_ttl)
        ));
    }
    text.push_str(&format!(
        "  try: wsdoctor check {} --session {} --origin {}{}\n",
        lab.base_url(),
        cmd.sessions
            .first()
            .map(String::as_str)
            .unwrap_or(DEFAULT_SESSION),
        cmd.allowed_origins
            .first()
            .map(String::as_str)
            .unwrap_or(DEFAULT_ORIGIN),
        cmd.ca_out
            .as_ref()
            .map(|p| format!(" --cacert {}", p.display()))
            .unwrap_or_default()
    ));
    if let Some(proxy) = &proxy {
        text.push_str(&format!(
            "  CONNECT proxy on {} (try --proxy {})\n",
            proxy.url(),
            proxy.url()
        ));
    }
    crate::print::stdout(&text);
    crate::runtime::stop_signal(Default::default()).await;
    if let Some(proxy) = proxy {
        proxy.shutdown().await;
    }
    lab.shutdown().await;
    Ok(OK)
}

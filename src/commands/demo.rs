//! `wsdoctor demo`: the reference backend on loopback, checked: the zero-setup first run.

use crate::args::{self, Env, OutputSettings};
use crate::cli::DemoCommand;
use crate::exit::AppError;
use wsdoctor_core::Target;
use wsdoctor_lab::{Fault, Lab, LabOptions, RedisStoreOptions, DEFAULT_ORIGIN, DEFAULT_SESSION};

/// An origin the demo backend does not allow, so `origin-check` has something to refuse.
const UNLISTED_ORIGIN: &str = "https://frontend.wsdoctor.invalid";

pub(crate) fn run(cmd: DemoCommand) -> Result<u8, AppError> {
    let fault = cmd
        .fault
        .as_deref()
        .map(str::parse::<Fault>)
        .transpose()
        .map_err(|e| AppError::usage("--fault", e.to_string()))?;
    let mut options = cmd.options.clone();
    options
        .session
        .get_or_insert_with(|| DEFAULT_SESSION.to_string());
    let process = Env::from_process();
    let origin = options
        .connection
        .origin
        .clone()
        .or_else(|| process.frontend_url.clone())
        .unwrap_or_else(|| DEFAULT_ORIGIN.to_string());
    // The demo talks to its own loopback backend: a proxy from the shell's environment would only
    // get in the way (an explicit --proxy is still honoured).
    // REDIS_URL from the shell is ignored for the same reason: the demo writes sessions into the
    // store it is given, so only an explicit --redis-url may name one.
    let env = Env {
        frontend_url: Some(origin.clone()),
        proxy_vars: Vec::new(),
        headers: process.headers,
        redis_url: None,
        redis_url_typed: process.redis_url_typed,
    };
    // The HTTP/2 road needs TLS, so asking for it (or for a TLS fault) serves TLS; a TLS backend
    // speaks HTTP/2 beside HTTP/1.1, as modern edges do.
    let tls = cmd.tls || options.connection.http2 || fault.as_ref().is_some_and(Fault::needs_tls);
    // Validated against a placeholder now (files are read before the runtime starts); the real
    // address is known once the backend listens.
    let placeholder = if tls {
        "https://127.0.0.1:1/"
    } else {
        "http://127.0.0.1:1/"
    };
    let mut settings = args::settings(placeholder, &options, &env)?;
    let output = OutputSettings::from_options(&cmd.output)?;
    // With origin-check the backend must dislike the demo's origin, or the fault would be invisible.
    let allowed_origins = if matches!(fault, Some(Fault::OriginCheck | Fault::OriginClose)) {
        vec![UNLISTED_ORIGIN.to_string()]
    } else {
        vec![origin]
    };
    if options.dry_run {
        let note = format!(
            "the reference backend on 127.0.0.1 ({}{})",
            fault
                .as_ref()
                .map(|f| format!("fault {f}"))
                .unwrap_or_else(|| "healthy".into()),
            if tls { ", TLS" } else { "" }
        );
        let redactor = wsdoctor_core::Diagnosis::redactor_for(&settings, output.show_secrets);
        crate::print::stdout(&crate::render::plan::dry_run(
            &settings,
            &redactor,
            Some(&note),
        ));
        return Ok(crate::exit::OK);
    }
    crate::runtime::block_on(async move {
        let lab = Lab::start(LabOptions {
            fault: fault.clone(),
            tls,
            http2: tls,
            allowed_origins,
            store: options.redis_url.clone().map(RedisStoreOptions::new),
            ..LabOptions::default()
        })
        .await
        .map_err(|e| AppError::Runtime(format!("cannot start the reference backend: {e}")))?;
        settings.target = Target::parse(&lab.base_url())?;
        // The route was chosen for the placeholder; choose it again for the real address.
        settings.route = wsdoctor_core::settings::Route::choose(
            &settings.target,
            options.connection.proxy.as_deref(),
            options.connection.no_proxy,
            &[],
        )?;
        if let Some(ca) = lab.ca_pem() {
            let mut pem = settings
                .cacert_pem
                .take()
                .map(|pem| pem.to_vec())
                .unwrap_or_default();
            pem.extend_from_slice(ca.as_bytes());
            settings.cacert_pem = Some(pem.into());
        }
        if !output.quiet {
            let session = match settings.session.as_ref().map(|s| s.reveal()) {
                Some(DEFAULT_SESSION) => DEFAULT_SESSION,
                _ => wsdoctor_core::MASK,
            };
            crate::print::stderr(&format!(
                "demo: reference backend at {} ({}), session {session}",
                lab.base_url(),
                fault
                    .as_ref()
                    .map(|f| format!("fault {f}"))
                    .unwrap_or_else(|| "healthy".to_string()),
            ));
        }
        let status = super::check::check(settings, output).await;
        lab.shutdown().await;
        status
    })
}

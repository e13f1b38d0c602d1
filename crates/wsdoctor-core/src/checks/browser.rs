//! The browser check (`--browser`): the web client's requests made by a real, headless Chromium
//! from a page on the frontend origin — `/health` fetched with the page's credentials, the echo
//! and terminal sockets opened with `new WebSocket(url)` and the client's timeout — and what the
//! browser saw put beside the command line's verdict on the same requests. Agreement passes;
//! a difference warns and names it.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::browser::{self as judge, CommandLine};
use crate::facts::Inputs;
use crate::probe::chromium::{self, HealthPlan, Launch, PagePlan, SocketPlan};
use crate::settings::{bracketed, Settings};
use crate::socket;
use serde_json::json;
use std::time::Duration;
use wsdoctor_model::evidence::{BrowserDetail, Detail, SocketRole, TargetKind};
use wsdoctor_model::{CheckId, Phase};

/// How long `onclose` may take once the page closed a socket it was done with.
const CLOSE_WAIT: Duration = Duration::from_millis(500);

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Browser, inputs);
    let settings = &ctx.settings;
    let Some(browser) = &settings.browser else {
        return check.skip("no --browser given");
    };
    if settings.connect_policy == crate::settings::ConnectPolicy::PublicOnly {
        // Chromium resolves and connects on its own: the rule could not be applied to it.
        return check.fail_plain(Failed::new(judge::public_only()));
    }
    let launch = launch(settings, inputs, browser.executable.clone());
    let plan = page_plan(ctx, inputs);
    let log = |line: String| ctx.log(CheckId::Browser, line);
    let seen = match chromium::run(&launch, &plan, &log).await {
        Ok(seen) => seen,
        Err(failure) => {
            let mut finding = judge::unavailable(&failure.message, &browser.executable);
            finding.message = ctx.redactor.text(&finding.message);
            let mut failed = Failed::new(finding);
            failed.evidence.os_error = failure.browser_said;
            return check.fail_plain(failed);
        }
    };
    check.phase(ctx, Phase::BrowserLaunch, seen.launch);
    check.phase(ctx, Phase::PageLoad, seen.page_load);
    let mut detail = BrowserDetail {
        browser: seen.product.clone(),
        executable: browser.executable.display().to_string(),
        sandbox: seen.sandbox,
        page_origin: seen.page_origin.clone(),
        switches: seen.switches.clone(),
        local_network_access: judge::local_network_access(
            launch.grant_local_network,
            &launch.origin,
        ),
        cookies: launch.cookies.into_iter().map(|(name, _)| name).collect(),
        health: seen.health.clone(),
        sockets: seen.sockets.clone(),
        console: seen.console.clone(),
        comparisons: Vec::new(),
    };
    // The command line's reports are redacted; so is what the browser saw, before the two meet.
    ctx.redactor.scrub(&mut detail);
    let command_line = CommandLine {
        reports: &inputs.compared,
        local_network_prompt: inputs.facts.local_network_prompt,
    };
    let compared = judge::compare_all(&mut detail, &command_line);
    let (summary, notice) = judge::verdict(&detail, &compared, settings.insecure);
    check.detail(Detail::Browser(detail));
    match notice {
        Some(notice) => check.warn(summary, notice),
        None => check.pass(summary),
    }
}

/// How the browser is started: on the page's origin, going where the command line went, trusting
/// what it verified, with its cookies.
fn launch(settings: &Settings, inputs: &Inputs, executable: std::path::PathBuf) -> Launch {
    let origin = page_origin(settings);
    let origin_host = url::Url::parse(&origin)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    // A page on a local origin reaches local addresses without a prompt; the intercepted page has
    // no address of its own, so the browser is told what the real one would have. A public page
    // is left to the browser, which has nobody to ask and refuses, as the dns check predicts.
    let grant_local_network = !crate::browser_rules::public_host(&origin_host);
    let (cookies, cookie_url) = cookies(settings);
    Launch {
        executable,
        origin,
        grant_local_network,
        resolver_rules: resolver_rules(settings),
        spki: inputs.facts.verified_spki.clone(),
        proxy: settings.route.proxy.as_ref().map(|p| p.display()),
        cookies,
        cookie_url,
        step_timeout: settings.limits.connect_timeout,
    }
}

/// The page's origin: the frontend's (`--origin`, `$FRONTEND_URL`), else the target's own, as
/// if the backend served the frontend.
fn page_origin(settings: &Settings) -> String {
    if let Some(origin) = &settings.origin {
        return origin.clone();
    }
    let target = &settings.target;
    let scheme = if target.uses_tls() { "https" } else { "http" };
    format!("{scheme}://{}", target.host_header())
}

/// `--resolve` as Chromium's `--host-resolver-rules`: the browser goes where the command line
/// went.
fn resolver_rules(settings: &Settings) -> Option<String> {
    let rules: Vec<String> = settings
        .resolve
        .iter()
        .filter_map(|r| {
            r.addrs
                .first()
                .map(|addr| format!("MAP {} {}", r.host, bracketed(&addr.to_string())))
        })
        .collect();
    (!rules.is_empty()).then(|| rules.join(", "))
}

/// Cookies given as `-H 'Cookie: a=1; b=2'`, which a page cannot send as a header: they are set
/// in the browser for the target instead, and the browser decides whether to send them.
fn cookies(settings: &Settings) -> (Vec<(String, String)>, String) {
    let target = &settings.target;
    let scheme = if target.uses_tls() { "https" } else { "http" };
    let url = format!("{scheme}://{}/", target.host_header());
    let pairs = settings
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("cookie"))
        .flat_map(|h| {
            h.value
                .reveal()
                .split(';')
                .filter_map(|pair| {
                    let (name, value) = pair.split_once('=')?;
                    let name = name.trim();
                    (!name.is_empty()).then(|| (name.to_string(), value.trim().to_string()))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    (pairs, url)
}

/// What the page does: `/health` for a base URL, the echo socket, the terminal with a session.
fn page_plan(ctx: &Ctx, inputs: &Inputs) -> PagePlan {
    let settings = &ctx.settings;
    let limits = settings.limits;
    let target = &settings.target;
    let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let health = (target.kind() == TargetKind::Http).then(|| {
        let scheme = if target.uses_tls() { "https" } else { "http" };
        HealthPlan {
            url: format!(
                "{scheme}://{}{}{}",
                target.host_header(),
                target.base_path(),
                settings.paths.health
            ),
            credentials: "include",
            timeout_ms: ms(limits.connect_timeout),
        }
    });
    let socket_plan = |role, url: String, send: Option<String>, strict| SocketPlan {
        role,
        url,
        protocols: settings.subprotocols.clone(),
        send,
        strict,
        timeout_ms: ms(limits.ws_timeout),
        observe_ms: ms(limits.observe.min(limits.ws_timeout)),
        close_wait_ms: ms(CLOSE_WAIT),
        accept_silence: limits.accept_silence.is_some(),
    };
    let (echo_url, _) = socket::echo_socket(ctx);
    // The echo contract holds for a base URL's echo path, or a socket URL at it, as the echo
    // check reads it.
    let strict = target.kind() == TargetKind::Http
        || target.url().path().trim_end_matches('/') == settings.paths.echo;
    let probe = json!({"type": "wsdoctor", "nonce": format!("{:016x}", fastrand::u64(..)), "test": "browser"});
    let mut sockets = vec![socket_plan(
        SocketRole::Echo,
        echo_url,
        Some(probe.to_string()),
        strict,
    )];
    if target.kind() == TargetKind::Http {
        if let Some(Ok((url, _, _))) = socket::terminal_socket(ctx, inputs) {
            sockets.push(socket_plan(SocketRole::Terminal, url, None, true));
        }
    }
    PagePlan { health, sockets }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Header, ResolveOverride, Target};

    #[test]
    fn the_page_is_on_the_frontend_origin_or_the_targets_own() {
        let mut settings = Settings::new(Target::parse("wss://api.test:8443/ws").unwrap());
        assert_eq!(page_origin(&settings), "https://api.test:8443");
        settings.origin = Some("https://app.test".into());
        assert_eq!(page_origin(&settings), "https://app.test");
    }

    #[test]
    fn resolve_and_cookies_become_the_browsers_own() {
        let mut settings = Settings::new(Target::parse("http://wsd.test:8080/").unwrap());
        settings.resolve = vec![
            ResolveOverride::parse("wsd.test:8080:127.0.0.1").unwrap(),
            ResolveOverride::parse("v6.test:80:[::1]").unwrap(),
        ]
        .into();
        assert_eq!(
            resolver_rules(&settings).as_deref(),
            Some("MAP wsd.test 127.0.0.1, MAP v6.test [::1]")
        );
        settings.headers = vec![Header::parse("Cookie: sid=abc; theme = dark").unwrap()].into();
        let (pairs, url) = cookies(&settings);
        assert_eq!(
            pairs,
            vec![
                ("sid".to_string(), "abc".to_string()),
                ("theme".to_string(), "dark".to_string())
            ]
        );
        assert_eq!(url, "http://wsd.test:8080/");
    }
}

//! The store check: the session store (Redis) itself, looked at directly. When the application
//! says a session is invalid, or its lookup hangs, this says whether the store is reachable with
//! the deployment's URL, fast, ready, keeping its keys, and holding this session's key.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::diagnose::store::{self as judge, Observed, Step, Thresholds, Verdict};
use crate::facts::Inputs;
use crate::latency::Series;
use crate::probe::dns::{self, DnsFailure};
use crate::probe::store::{databases_with_keys, parse_info, StoreConn, StoreFailure};
use crate::probe::stream::Conn;
use crate::probe::{route, tcp};
use crate::settings::{render_key, ConnectPolicy, StoreSettings, StoreUrl};
use std::time::Duration;
use wsdoctor_model::evidence::{Common, Detail, LatencyStats, SessionKey, StoreDetail};
use wsdoctor_model::{CheckId, Finding, Phase};

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Store, inputs);
    let Some(store) = ctx.settings.store.clone() else {
        return check.skip("no --redis-url given (nor REDIS_URL)");
    };
    let url = &store.url;
    let mut detail = StoreDetail {
        store: url.display(),
        store_tls: url.tls(),
        database: url.database(),
        ..StoreDetail::default()
    };
    let mut seen = Observed {
        address: url.address(),
        database: url.database(),
        session_accepted: inputs.facts.session_accepted,
        ..Observed::default()
    };
    let result = converse(ctx, &mut check, inputs, &store, &mut detail, &mut seen).await;
    check.detail(Detail::Store(detail));
    if let Err(failed) = result {
        return check.fail_plain(failed);
    }
    let summary = judge::summary(&seen);
    let thresholds = Thresholds {
        slow: ctx.settings.limits.store_slow,
        min_ttl: ctx.settings.limits.session_min_ttl,
    };
    match judge::judge(&seen, thresholds) {
        Verdict::Pass => check.pass(summary),
        Verdict::Warn(notice) => check.warn(summary, notice),
        Verdict::Fail(finding) => check.fail_plain(Failed::new(finding)),
    }
}

/// The whole conversation with the store; fills `detail` and `seen` as it goes, so a failure
/// half-way still reports what was learned before it.
async fn converse(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    store: &StoreSettings,
    detail: &mut StoreDetail,
    seen: &mut Observed,
) -> Result<(), Failed> {
    let url = &store.url;
    let limits = ctx.settings.limits;
    ctx.log(
        CheckId::Store,
        format!("Connecting to the session store {}", url.display()),
    );
    let stream = transport(ctx, check, store).await?;
    let failed_at = |step: Step, failure: &StoreFailure| step_failed(ctx, url, step, failure);
    let mut conn = StoreConn::open(stream, limits.connect_timeout)
        .await
        .map_err(|f| failed_at(Step::Open, &f))?;
    let handshake = log_in(&mut conn, url)
        .await
        .map_err(|(step, f)| failed_at(step, &f))?;
    check.phase(ctx, Phase::StoreHandshake, handshake);
    ctx.log(
        CheckId::Store,
        format!(
            "Connected to the session store; timing {} PINGs",
            limits.store_pings
        ),
    );
    let stats = time_pings(&mut conn, limits.store_pings, detail)
        .await
        .map_err(|(done, f)| failed_at(Step::Ping(done), &f))?;
    check.phase(
        ctx,
        Phase::StoreRoundTrip,
        Duration::from_secs_f64(stats.median_ms / 1000.0),
    );
    detail.round_trips = Some(stats.clone());
    seen.round_trips = Some(stats);
    let info = match conn.query::<String>(&redis::cmd("INFO")).await {
        Ok((text, _)) => parse_info(&text),
        // A user the ACL keeps from INFO can still serve sessions: report less, judge the rest.
        Err(StoreFailure::Server { code, .. }) if code == "NOPERM" => Default::default(),
        Err(failure) => return Err(failed_at(Step::Info, &failure)),
    };
    note_info(&info, detail, seen);
    let template = match session_key(ctx, inputs, store).await {
        Ok(template) => template,
        Err(why) => {
            ctx.log(
                CheckId::Store,
                format!("The session's key is not looked at: {why}"),
            );
            detail.session_key_skipped = Some(why.clone());
            seen.key_skipped = Some(why);
            None
        }
    };
    let Some((template, template_from)) = template else {
        return Ok(());
    };
    let session = ctx
        .settings
        .session
        .as_ref()
        .map(|s| s.reveal().to_string())
        .unwrap_or_default();
    let Some(name) = render_key(&template, &session) else {
        return Ok(());
    };
    let key = look_up_key(&mut conn, name, template_from, url.database(), &info)
        .await
        .map_err(|f| failed_at(Step::Key, &f))?;
    ctx.log(
        CheckId::Store,
        format!(
            "Session key {}: {}",
            key.key,
            if key.exists { "found" } else { "missing" }
        ),
    );
    detail.session_key = Some(key.clone());
    seen.key = Some(key);
    Ok(())
}

/// A failed step of the conversation, as the check's failure.
fn step_failed(ctx: &Ctx, url: &StoreUrl, step: Step, failure: &StoreFailure) -> Failed {
    Failed::new(judge::step_failure(
        step,
        &failure.excerpted(&ctx.redactor),
        &url.address(),
        url.tls(),
        url.password().is_some(),
        url.database(),
    ))
}

/// `AUTH` with the URL's credentials and `SELECT` of its database, as far as the URL asks for
/// them; how long they took, or the step that failed.
async fn log_in(conn: &mut StoreConn, url: &StoreUrl) -> Result<Duration, (Step, StoreFailure)> {
    let mut handshake = Duration::ZERO;
    if let Some(password) = url.password() {
        let auth = |user: Option<&str>| {
            let mut command = redis::cmd("AUTH");
            if let Some(user) = user {
                command.arg(user);
            }
            command.arg(password.reveal());
            command
        };
        let answer = match conn.query::<()>(&auth(url.username())).await {
            // Servers before Redis 6 know no ACL users: AUTH takes the password alone there.
            Err(StoreFailure::Server { detail, .. })
                if url.username().is_some() && detail.contains("wrong number of arguments") =>
            {
                conn.query::<()>(&auth(None)).await
            }
            other => other,
        };
        let (_, took) = answer.map_err(|f| (Step::Auth, f))?;
        handshake += took;
    }
    if url.database() != 0 {
        let (_, took) = conn
            .query::<()>(redis::cmd("SELECT").arg(url.database()))
            .await
            .map_err(|f| (Step::Select, f))?;
        handshake += took;
    }
    Ok(handshake)
}

/// `count` timed `PING`s, one at a time. On a failure, how many answered before it; the round
/// trips of those are in `detail`.
async fn time_pings(
    conn: &mut StoreConn,
    count: u32,
    detail: &mut StoreDetail,
) -> Result<LatencyStats, (u32, StoreFailure)> {
    let mut series = Series::new();
    for done in 0..count {
        match conn.query::<String>(&redis::cmd("PING")).await {
            Ok((_, rtt)) => series.record(Some(rtt)),
            Err(failure) => {
                if done > 0 {
                    detail.round_trips = Some(series.stats());
                }
                return Err((done, failure));
            }
        }
    }
    Ok(series.stats())
}

/// What `INFO` says about the store: version, role, memory, eviction policy.
fn note_info(
    info: &std::collections::BTreeMap<String, String>,
    detail: &mut StoreDetail,
    seen: &mut Observed,
) {
    let field = |name: &str| info.get(name).cloned();
    let number = |name: &str| info.get(name).and_then(|v| v.parse::<u64>().ok());
    seen.version = field("redis_version");
    seen.role = field("role");
    seen.master = match (field("master_host"), field("master_port")) {
        (Some(host), Some(port)) => Some(format!("{host}:{port}")),
        _ => None,
    };
    seen.loading = field("loading").as_deref() == Some("1");
    seen.used_memory = number("used_memory");
    seen.maxmemory = number("maxmemory");
    seen.policy = field("maxmemory_policy");
    detail.server_version = seen.version.clone();
    detail.role = seen.role.clone();
    detail.used_memory = seen.used_memory;
    detail.maxmemory = seen.maxmemory;
    detail.maxmemory_policy = seen.policy.clone();
}

/// The session's key `name`: its type and time to live, or the other databases that hold it.
async fn look_up_key(
    conn: &mut StoreConn,
    name: String,
    template_from: String,
    database: i64,
    info: &std::collections::BTreeMap<String, String>,
) -> Result<SessionKey, StoreFailure> {
    let mut key = SessionKey {
        key: name.clone(),
        template_from,
        ..SessionKey::default()
    };
    let (kind, _) = conn.query::<String>(redis::cmd("TYPE").arg(&name)).await?;
    if kind != "none" {
        let (ttl, _) = conn.query::<i64>(redis::cmd("PTTL").arg(&name)).await?;
        // -2: the key expired between the two commands; -1: it has no expiry.
        key.exists = ttl != -2;
        key.kind = key.exists.then_some(kind);
        key.ttl_ms = u64::try_from(ttl).ok();
    }
    if !key.exists {
        key.found_in_databases = elsewhere(conn, &name, database, info).await;
    }
    Ok(key)
}

/// DNS, TCP and (for rediss://) TLS to the store, each timed; a failure is the store's.
async fn transport(ctx: &Ctx, check: &mut CheckRun, store: &StoreSettings) -> Result<Conn, Failed> {
    let url = &store.url;
    let settings = &ctx.settings;
    let timeout = settings.limits.connect_timeout;
    let address = url.address();
    let unreachable = |inner: (Finding, Common)| {
        let (finding, evidence) = judge::unreachable(&address, inner);
        Failed::with_evidence(finding, evidence)
    };
    let mut resolution =
        match dns::resolve(url.host(), url.port(), &settings.resolve, timeout).await {
            Ok(resolution) => resolution,
            Err(failure) => {
                let route = match failure {
                    DnsFailure::Temporary(_) | DnsFailure::Timeout(_) => {
                        route::has_network_route().await
                    }
                    DnsFailure::NotFound(_) | DnsFailure::Other(_) => true,
                };
                return Err(unreachable(classify::dns(&failure, url.host(), route)));
            }
        };
    check.phase(ctx, Phase::Dns, resolution.duration);
    if let Some(family) = settings.family {
        resolution.addrs.retain(|a| family.admits(a.ip()));
        if resolution.addrs.is_empty() {
            let finding = judge::no_address_of_family(url.host(), family.name());
            return Err(unreachable((finding, Common::default())));
        }
    }
    // The store's address comes from the settings, never from a request: no policy applies.
    let connected = match tcp::connect(&resolution.addrs, timeout, ConnectPolicy::Any).await {
        Ok(connected) => connected,
        Err(failures) => {
            let route =
                !classify::tcp_could_be_offline(&failures) || route::has_network_route().await;
            return Err(unreachable(classify::tcp(&failures, route)));
        }
    };
    check.phase(ctx, Phase::TcpConnect, connected.duration);
    check.common().peer = Some(connected.peer.to_string());
    let stream = Conn::Plain(connected.stream);
    if !url.tls() {
        return Ok(stream);
    }
    let client = ctx
        .tls()
        .await
        .map_err(|e| Failed::new(judge::tls_unavailable(&address, e)))?;
    match client.handshake(stream, url.host(), timeout, &[]).await {
        Ok((tls, handshake)) => {
            check.phase(ctx, Phase::TlsHandshake, handshake.duration);
            Ok(Conn::Tls(Box::new(tls)))
        }
        Err(failure) => {
            let (finding, evidence) =
                judge::tls_failed(&address, classify::tls(&failure, url.host()));
            Err(Failed::with_evidence(finding, evidence))
        }
    }
}

/// The key template and where it came from: `--session-key`, else what the diagnostics endpoint
/// advertises; `Ok(None)` without a session, and why not when a session is given but no template
/// is known (so the key left unread is said, never silently skipped).
async fn session_key(
    ctx: &Ctx,
    inputs: &Inputs,
    store: &StoreSettings,
) -> Result<Option<(String, String)>, String> {
    if ctx.settings.session.is_none() {
        return Ok(None);
    }
    if let Some(template) = &store.key_template {
        return Ok(Some((template.clone(), "--session-key".to_string())));
    }
    let read = inputs.facts.server.is_some();
    match inputs.server().await.key_template {
        Some(advertised) => Ok(Some((advertised, "the diagnostics endpoint".to_string()))),
        None => Err(judge::no_key_template(read)),
    }
}

/// The other databases that hold `key`, among those `INFO keyspace` lists with keys: a session
/// found there means the URL (or the application) names the wrong database. Errors only mean
/// "not found": a store that refuses SELECT (a cluster, some managed stores) has one database.
async fn elsewhere(
    conn: &mut StoreConn,
    key: &str,
    selected: i64,
    info: &std::collections::BTreeMap<String, String>,
) -> Vec<i64> {
    let mut found = Vec::new();
    for db in databases_with_keys(info) {
        if db == selected {
            continue;
        }
        if conn
            .query::<()>(redis::cmd("SELECT").arg(db))
            .await
            .is_err()
        {
            break;
        }
        if let Ok((kind, _)) = conn.query::<String>(redis::cmd("TYPE").arg(key)).await {
            if kind != "none" {
                found.push(db);
            }
        }
    }
    found
}

//! The lab's HTTP side: an Express-like application behind hyper, and the WebSocket upgrade.
//!
//! Responses copy what the platform's Express app sends (its `x-powered-by` header, its 404 page,
//! the cors package's preflight answers), because the doctor tells the application from a proxy by
//! exactly these details.

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use super::fault::Fault;
use super::stream::{has_websocket_token, now_ms, Rewind, SocketIo, HEAD_TIMEOUT, MAX_HEAD};
use super::ws::{self, Endpoint};
use super::{shutdown_signalled, Route, Shared, TaskGuard};
use tokio::sync::watch;

/// The largest request body the lab reads.
const MAX_BODY: usize = 1024 * 1024;

/// The endpoints `/health` advertises, as the platform lists them.
const ENDPOINTS: [&str; 6] = [
    "/health",
    "/api/diagnostics/websocket",
    "/api/sessions",
    "/api/sessions/:sessionId",
    "/ws-test",
    "/terminal/:sessionId",
];

/// The headers the platform's CORS policy allows: the WebSocket ones are the fix for its 1006 incident.
pub(crate) const ALLOWED_HEADERS: [&str; 7] = [
    "Content-Type",
    "Authorization",
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Extensions",
];

type Body = Full<Bytes>;

/// Serves HTTP/1.1 on one connection.
///
/// `single_request` is set when the lab read the connection's first head itself (a raw fault is
/// active): it only ever sees that first request, so the connection closes after its response and
/// every further attempt arrives on a fresh connection where the fault can act on it.
pub(crate) async fn serve(io: Rewind, shared: Arc<Shared>, guard: TaskGuard, single_request: bool) {
    let service = service_fn(move |req| {
        let shared = shared.clone();
        let guard = guard.clone();
        async move {
            let mut response = respond(req, shared, guard, None).await;
            // Not via hyper's keep-alive switch: that would also stamp `connection: close` on a 101.
            if single_request && response.status() != StatusCode::SWITCHING_PROTOCOLS {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            Ok::<_, Infallible>(response)
        }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD);
    // Errors here are the client's (a malformed request, a reset): nothing to report.
    let _ = builder
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades()
        .await;
}

/// What the client asked for, in the terms the routes need.
struct Asked {
    method: Method,
    path: String,
    /// Path and query, as Express's `originalUrl` (used in its 404 page).
    target: String,
    origin: Option<String>,
}

async fn respond(
    req: Request<Incoming>,
    shared: Arc<Shared>,
    guard: TaskGuard,
    h2: Option<&H2Conn>,
) -> Response<Body> {
    let asked = Asked {
        method: req.method().clone(),
        path: req.uri().path().to_string(),
        target: req.uri().path_and_query().map_or_else(
            || req.uri().path().to_string(),
            |pq| pq.as_str().to_string(),
        ),
        // An Origin that is not text is still an Origin (and matches no allowed one).
        origin: req
            .headers()
            .get(header::ORIGIN)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
    };
    let is_upgrade = asked.method == Method::GET
        && header_str(&req, header::UPGRADE).is_some_and(has_websocket_token);
    // A proxy that strips hop-by-hop headers hands the app a plain GET.
    let upgrade = is_upgrade && !matches!(shared.fault, Some(Fault::StripUpgrade));
    let extended_connect = asked.method == Method::CONNECT
        && req
            .extensions()
            .get::<hyper::ext::Protocol>()
            .is_some_and(|p| p.as_str().eq_ignore_ascii_case("websocket"));

    let mut response = match h2 {
        Some(h2) if extended_connect => connect_response(req, &asked, &shared, guard, h2).await,
        _ if upgrade => upgrade_response(req, &asked, &shared, guard),
        _ => route(req, &asked, &shared).await,
    };
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        decorate(&mut response, &asked, &shared);
    }
    response
}

/// Adds what every application response carries: the Express fingerprint (or the edge's, under
/// `app-runner`) and the CORS headers for an allowed origin.
fn decorate(response: &mut Response<Body>, asked: &Asked, shared: &Shared) {
    let headers = response.headers_mut();
    if matches!(shared.fault, Some(Fault::AppRunner)) {
        headers.insert(header::SERVER, HeaderValue::from_static("envoy"));
        headers.insert(
            HeaderName::from_static("x-envoy-upstream-service-time"),
            HeaderValue::from_static("2"),
        );
    } else {
        headers.insert(
            HeaderName::from_static("x-powered-by"),
            HeaderValue::from_static("Express"),
        );
    }
    if asked.method != Method::OPTIONS {
        if let Some(origin) = allowed_origin(asked, shared) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("Upgrade, Connection"),
            );
            headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
    }
}

/// The request's Origin as a header value, when the CORS policy allows it.
fn allowed_origin(asked: &Asked, shared: &Shared) -> Option<HeaderValue> {
    let origin = asked.origin.as_deref()?;
    if !shared.origin_allowed(origin) {
        return None;
    }
    HeaderValue::from_str(origin).ok()
}

fn header_str<B>(req: &Request<B>, name: HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The plain HTTP routes of the platform's Express app.
async fn route(req: Request<Incoming>, asked: &Asked, shared: &Shared) -> Response<Body> {
    let method = &asked.method;
    if *method == Method::OPTIONS {
        return preflight(asked, shared);
    }
    let get = *method == Method::GET || *method == Method::HEAD;
    let path = asked.path.as_str();
    if get {
        if let Some(response) = redirect_route(path, shared) {
            return response;
        }
    }
    // A plain application knows nothing of the platform's endpoints.
    if matches!(shared.fault, Some(Fault::PlainApp)) {
        return express_not_found(asked);
    }
    match path {
        "/health" if get => health(shared),
        "/api/diagnostics/websocket" if get => {
            json_response(StatusCode::OK, diagnostics(shared).await)
        }
        "/api/sessions" if *method == Method::POST => create_session(req, shared).await,
        _ => match path.strip_prefix("/api/sessions/") {
            Some(id) if get && !id.is_empty() && !id.contains('/') => {
                session_status(id, shared).await
            }
            _ => express_not_found(asked),
        },
    }
}

/// Where `health-redirect` moved the health endpoint (a relative Location points here).
const HEALTH_MOVED_TO: &str = "/healthz";
/// Where `health-redirect` moved the diagnostics endpoint (an absolute Location points here).
const DIAGNOSTICS_MOVED_TO: &str = "/api/diagnostics/websocket/v2";
/// Where `health-redirect-offsite` sends `/health`: another host, which `.invalid` never resolves.
const OFFSITE_HEALTH: &str = "http://wsdoctor-elsewhere.invalid/health";

/// The GET routes the redirect faults change: the redirects themselves and the moved endpoints.
fn redirect_route(path: &str, shared: &Shared) -> Option<Response<Body>> {
    match (&shared.fault, path) {
        (Some(Fault::HealthRedirect), "/health") => Some(redirect(
            StatusCode::MOVED_PERMANENTLY,
            HEALTH_MOVED_TO.to_string(),
        )),
        (Some(Fault::HealthRedirect), HEALTH_MOVED_TO) => Some(health(shared)),
        (Some(Fault::HealthRedirect), "/api/diagnostics/websocket") => {
            let scheme = if shared.tls { "https" } else { "http" };
            Some(redirect(
                StatusCode::FOUND,
                format!("{scheme}://{}{DIAGNOSTICS_MOVED_TO}", shared.addr),
            ))
        }
        (Some(Fault::HealthRedirect), DIAGNOSTICS_MOVED_TO) => {
            Some(json_response(StatusCode::OK, diagnostics_now(shared)))
        }
        (Some(Fault::HealthRedirectOffsite), "/health") => {
            Some(redirect(StatusCode::FOUND, OFFSITE_HEALTH.to_string()))
        }
        _ => None,
    }
}

/// An empty redirect response, as Express's `res.redirect` without a body would send.
fn redirect(status: StatusCode, location: String) -> Response<Body> {
    let mut response = empty(status);
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn health(shared: &Shared) -> Response<Body> {
    if matches!(shared.fault, Some(Fault::HealthDegraded)) {
        return json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({
                "status": "degraded",
                "websocket": "unavailable",
                "redis": "disconnected",
                "timestamp": now_ms(),
                "uptime": shared.started.elapsed().as_secs_f64(),
                "endpoints": ENDPOINTS,
            }),
        );
    }
    json_response(
        StatusCode::OK,
        json!({
            "status": "ok",
            "websocket": "available",
            "timestamp": now_ms(),
            "uptime": shared.started.elapsed().as_secs_f64(),
            "endpoints": ENDPOINTS,
        }),
    )
}

/// The diagnostics, the store's state included (it is asked: a lost store must show).
async fn diagnostics(shared: &Shared) -> Value {
    let connected = shared.sessions.connected().await;
    let mut body = diagnostics_now(shared);
    body["sessionStore"]["connected"] = json!(connected);
    body
}

/// The diagnostics as the server knows them without asking its store.
fn diagnostics_now(shared: &Shared) -> Value {
    let ping_ms = shared
        .ping_interval
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    json!({
        "websocket": {
            "enabled": true,
            "paths": {"test": "/ws-test", "terminal": "/terminal/:sessionId"},
            "connectionTimeoutMs": u64::try_from(shared.effective_validation_timeout().as_millis()).unwrap_or(u64::MAX),
            "pingIntervalMs": ping_ms,
            "maxPayloadBytes": ws::MAX_MESSAGE,
        },
        "server": {
            "httpServerWrapper": true,
            "uptimeSeconds": shared.started.elapsed().as_secs_f64(),
            "activeConnections": shared.active_ws.load(Ordering::Relaxed),
            "node": "wsdoctor-lab",
        },
        "cors": {
            "origins": shared.allowed_origins,
            "credentials": true,
            "allowedHeaders": ALLOWED_HEADERS,
        },
        "sessionStore": {
            "type": shared.sessions.kind(),
            "connected": !matches!(shared.fault, Some(Fault::StoreDown(_))),
            "sessions": shared.sessions.len(),
            "keyTemplate": shared.sessions.key_template(),
        },
    })
}

/// Answers a CORS preflight as the cors npm package does: 204 always, the policy headers only for an
/// allowed origin.
fn preflight(asked: &Asked, shared: &Shared) -> Response<Body> {
    let mut response = empty(StatusCode::NO_CONTENT);
    if let Some(origin) = allowed_origin(asked, shared) {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(
                "Content-Type, Authorization, Upgrade, Connection, Sec-WebSocket-Key, Sec-WebSocket-Version, Sec-WebSocket-Extensions",
            ),
        );
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Upgrade, Connection"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn create_session(req: Request<Incoming>, shared: &Shared) -> Response<Body> {
    // The body carries nothing the lab needs, but it is read (bounded) as a real server would.
    if Limited::new(req.into_body(), MAX_BODY)
        .collect()
        .await
        .is_err()
    {
        return json_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"error": "Payload too large"}),
        );
    }
    let id = format!("{:016x}", fastrand::u64(..));
    if !shared.sessions.insert(id.clone()).await {
        return store_unavailable();
    }
    json_response(StatusCode::CREATED, json!({ "sessionId": id }))
}

/// What the platform answers when its session store does not: 503, after its timeout.
fn store_unavailable() -> Response<Body> {
    json_response(
        StatusCode::SERVICE_UNAVAILABLE,
        json!({"error": "Session store unavailable", "code": "SERVER_ERROR"}),
    )
}

async fn session_status(id: &str, shared: &Shared) -> Response<Body> {
    let id = super::stream::percent_decode(id);
    let lookup = shared.sessions.contains(&id);
    let Ok(found) = tokio::time::timeout(shared.effective_validation_timeout(), lookup).await
    else {
        return store_unavailable();
    };
    let known = !matches!(shared.fault, Some(Fault::InvalidSession)) && found;
    if known {
        json_response(StatusCode::OK, json!({"sessionId": id, "valid": true}))
    } else {
        json_response(
            StatusCode::NOT_FOUND,
            json!({"error": "Session not found", "code": "SESSION_INVALID"}),
        )
    }
}

/// Decides what an upgrade request gets: a refusal the fault calls for, a 404 for an unknown path,
/// a 400 for a malformed handshake, or a 101 with the socket served in its own task.
fn upgrade_response(
    mut req: Request<Incoming>,
    asked: &Asked,
    shared: &Arc<Shared>,
    guard: TaskGuard,
) -> Response<Body> {
    let endpoint = match endpoint_for(asked, shared) {
        Ok(endpoint) => endpoint,
        Err(refusal) => return *refusal,
    };

    // Validated as the ws package does before it answers 101.
    let Some(key) = header_str(&req, header::SEC_WEBSOCKET_KEY)
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(str::to_string)
    else {
        return text_response(
            StatusCode::BAD_REQUEST,
            "Missing or invalid Sec-WebSocket-Key header",
        );
    };
    if header_str(&req, header::SEC_WEBSOCKET_VERSION).map(str::trim) != Some("13") {
        let mut response = text_response(
            StatusCode::BAD_REQUEST,
            "Missing or invalid Sec-WebSocket-Version header",
        );
        response.headers_mut().insert(
            header::SEC_WEBSOCKET_VERSION,
            HeaderValue::from_static("13"),
        );
        return response;
    }

    let on_upgrade = hyper::upgrade::on(&mut req);
    let chosen_protocol = match &shared.fault {
        Some(Fault::Subprotocol(name)) => HeaderValue::from_str(name).ok(),
        _ => None,
    };
    let shared = shared.clone();
    tokio::spawn(async move {
        let _guard = guard;
        let mut shutdown = shared.shutdown.clone();
        let serve = async {
            let Ok(upgraded) = on_upgrade.await else {
                return;
            };
            // Taking the connection back from hyper keeps the TCP socket reachable, which the
            // cutting faults need to reset it.
            let Ok(parts) = upgraded.downcast::<TokioIo<Rewind>>() else {
                return;
            };
            let mut io = parts.io.into_inner();
            io.prepend(parts.read_buf);
            ws::run(SocketIo::Http1(io), endpoint, &shared).await;
        };
        tokio::select! {
            _ = shutdown_signalled(&mut shutdown) => {}
            _ = serve => {}
        }
    });

    // No subprotocol is selected even if the client offered some, as the platform's server does.
    let mut response = empty(StatusCode::SWITCHING_PROTOCOLS);
    let headers = response.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    if let Some(value) = chosen_protocol {
        headers.insert(header::SEC_WEBSOCKET_PROTOCOL, value);
    }
    response
}

/// The endpoint a socket request opens, or the refusal the fault, the Origin or the path calls
/// for; the same over an HTTP/1.1 upgrade and an HTTP/2 extended CONNECT.
fn endpoint_for(asked: &Asked, shared: &Shared) -> Result<Endpoint, Box<Response<Body>>> {
    match &shared.fault {
        Some(Fault::Edge403) => {
            return Err(Box::new(json_response(
                StatusCode::FORBIDDEN,
                json!({"error": "Forbidden", "message": "WebSocket connections are not allowed"}),
            )));
        }
        Some(Fault::OriginCheck) => {
            if let Some(origin) = &asked.origin {
                if !shared.origin_allowed(origin) {
                    return Err(Box::new(origin_not_allowed()));
                }
            }
        }
        Some(Fault::Redirect) => {
            let location = format!("https://{}{}", shared.addr, asked.target);
            return Err(Box::new(redirect(StatusCode::MOVED_PERMANENTLY, location)));
        }
        _ => {}
    }

    let refused_by_close = matches!(shared.fault, Some(Fault::OriginClose))
        && asked
            .origin
            .as_deref()
            .is_some_and(|origin| !shared.origin_allowed(origin));
    let refused_silently = matches!(shared.fault, Some(Fault::OriginSilent))
        && asked
            .origin
            .as_deref()
            .is_some_and(|origin| !shared.origin_allowed(origin));
    let endpoint = if matches!(shared.fault, Some(Fault::NoRoute)) || refused_by_close {
        Endpoint::Unrouted
    } else if refused_silently {
        Endpoint::Refused
    } else {
        match Route::of(&asked.path) {
            Route::WsTest => Endpoint::Echo,
            Route::Terminal(id) => Endpoint::Terminal(id),
            Route::Other => return Err(Box::new(express_not_found(asked))),
        }
    };

    // The session socket only takes browsers from the platform's own frontends (before the session
    // is even looked up); clients that send no Origin are not browsers and are let through.
    // `origin-any` is the platform that forgot this check.
    if matches!(endpoint, Endpoint::Terminal(_))
        && !matches!(
            shared.fault,
            Some(Fault::OriginAny | Fault::OriginClose | Fault::OriginSilent)
        )
        && asked
            .origin
            .as_deref()
            .is_some_and(|origin| !shared.origin_allowed(origin))
    {
        return Err(Box::new(origin_not_allowed()));
    }
    Ok(endpoint)
}

/// What one HTTP/2 connection's requests share: the switch that ends the tasks it spawned (a
/// stream reset needs its writer gone first), and the request for a GOAWAY.
#[derive(Clone)]
pub(crate) struct H2Conn {
    kill: Arc<watch::Sender<bool>>,
    goaway: Arc<watch::Sender<bool>>,
}

/// Answers an extended CONNECT (RFC 8441): the refusals an upgrade gets, the HTTP/2 faults', or 200
/// with the socket served on the stream in its own task.
async fn connect_response(
    mut req: Request<Incoming>,
    asked: &Asked,
    shared: &Arc<Shared>,
    guard: TaskGuard,
    h2: &H2Conn,
) -> Response<Body> {
    match shared.fault {
        Some(Fault::H2Connect403) => {
            return json_response(
                StatusCode::FORBIDDEN,
                json!({"error": "Forbidden", "message": "WebSockets over HTTP/2 are not allowed"}),
            );
        }
        Some(Fault::H2Goaway) => {
            // The connection goes away under the request, which is never answered.
            let _ = h2.goaway.send(true);
            return std::future::pending().await;
        }
        _ => {}
    }
    let endpoint = match endpoint_for(asked, shared) {
        Ok(endpoint) => endpoint,
        Err(refusal) => return *refusal,
    };
    // RFC 8441 §5: the version is the only WebSocket header that must come along (no key).
    if header_str(&req, header::SEC_WEBSOCKET_VERSION).map(str::trim) != Some("13") {
        let mut response = text_response(
            StatusCode::BAD_REQUEST,
            "Missing or invalid Sec-WebSocket-Version header",
        );
        response.headers_mut().insert(
            header::SEC_WEBSOCKET_VERSION,
            HeaderValue::from_static("13"),
        );
        return response;
    }
    let on_upgrade = hyper::upgrade::on(&mut req);
    let chosen_protocol = match &shared.fault {
        Some(Fault::Subprotocol(name)) => HeaderValue::from_str(name).ok(),
        _ => None,
    };
    let shared = shared.clone();
    let kill = h2.kill.clone();
    tokio::spawn(async move {
        let _guard = guard;
        let mut shutdown = shared.shutdown.clone();
        let serve = async {
            let Ok(upgraded) = on_upgrade.await else {
                return;
            };
            let io = SocketIo::Http2 {
                io: TokioIo::new(upgraded),
                kill,
            };
            ws::run(io, endpoint, &shared).await;
        };
        tokio::select! {
            _ = shutdown_signalled(&mut shutdown) => {}
            _ = serve => {}
        }
    });
    let mut response = empty(StatusCode::OK);
    if let Some(value) = chosen_protocol {
        response
            .headers_mut()
            .insert(header::SEC_WEBSOCKET_PROTOCOL, value);
    }
    response
}

/// Runs the tasks an HTTP/2 connection spawns (a request's handler, an upgraded stream's writer),
/// each until it ends or the connection's kill switch is thrown.
#[derive(Clone)]
struct ConnExec {
    killed: watch::Receiver<bool>,
    guard: TaskGuard,
}

impl<F> hyper::rt::Executor<F> for ConnExec
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, task: F) {
        let mut killed = self.killed.clone();
        let guard = self.guard.clone();
        tokio::spawn(async move {
            let _guard = guard;
            tokio::select! {
                // First, so a thrown switch wins over a writer that could still end its stream in
                // order.
                biased;
                _ = killed.wait_for(|k| *k) => {}
                _ = task => {}
            }
        });
    }
}

/// How long `h2-goaway` keeps the connection after its GOAWAY, so the frames reach the client
/// before the connection is dropped.
const GOAWAY_LINGER: std::time::Duration = std::time::Duration::from_millis(100);

/// Serves HTTP/2 on one connection: the same application, and WebSockets over extended CONNECT
/// (RFC 8441) unless the fault turns it off.
pub(crate) async fn serve_h2(io: Rewind, shared: Arc<Shared>, guard: TaskGuard) {
    let (kill, killed) = watch::channel(false);
    let (goaway, mut goaway_asked) = watch::channel(false);
    let h2 = H2Conn {
        kill: Arc::new(kill),
        goaway: Arc::new(goaway),
    };
    let fault = shared.fault.clone();
    let service = {
        let h2 = h2.clone();
        let guard = guard.clone();
        service_fn(move |req| {
            let shared = shared.clone();
            let guard = guard.clone();
            let h2 = h2.clone();
            async move { Ok::<_, Infallible>(respond(req, shared, guard, Some(&h2)).await) }
        })
    };
    let mut builder = http2::Builder::new(ConnExec { killed, guard });
    builder
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(MAX_HEAD).unwrap_or(u32::MAX));
    if fault.as_ref().is_none_or(Fault::enables_connect_protocol) {
        builder.enable_connect_protocol();
    }
    let connection = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    let asked = async {
        let _ = goaway_asked.wait_for(|asked| *asked).await;
    };
    tokio::select! {
        // Errors here are the client's (a bad preface, a reset): nothing to report.
        _ = connection.as_mut() => {}
        () = asked => {
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(GOAWAY_LINGER, connection.as_mut()).await;
        }
    }
    // The connection is gone: so are the tasks it spawned.
    let _ = h2.kill.send(true);
}

/// The platform's refusal of a browser upgrade from a foreign site.
fn origin_not_allowed() -> Response<Body> {
    json_response(
        StatusCode::FORBIDDEN,
        json!({"error": "Origin not allowed"}),
    )
}

/// Express's default 404 page, naming the method and URL as the finalhandler package does.
fn express_not_found(asked: &Asked) -> Response<Body> {
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot {} {}</pre>\n</body>\n</html>\n",
        escape_html(asked.method.as_str()),
        escape_html(&asked.target)
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = StatusCode::NOT_FOUND;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn json_response(status: StatusCode, value: Value) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

fn text_response(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn empty(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}

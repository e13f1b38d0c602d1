//! The cors check: the preflight a browser on the frontend origin would send.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::cors::{self as judge, Preflight};
use crate::facts::Inputs;
use crate::request;
use http::Method;
use wsdoctor_model::evidence::{CorsDetail, Detail};
use wsdoctor_model::CheckId;

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Cors, inputs);
    let Some(origin) = ctx.settings.origin.clone() else {
        return check.skip("no origin known");
    };
    let path = ctx.settings.paths.diagnostics.clone();
    let extra = [
        ("origin", origin.clone()),
        ("access-control-request-method", "GET".to_string()),
        (
            "access-control-request-headers",
            "content-type,authorization,upgrade,connection,sec-websocket-key,sec-websocket-version,sec-websocket-extensions"
                .to_string(),
        ),
    ];
    let response = match request::send(
        ctx,
        &mut check,
        inputs,
        Method::OPTIONS,
        &path,
        &extra,
        None,
    )
    .await
    {
        Ok(r) => r,
        Err(failed) => return check.fail(failed),
    };
    request::record(ctx, &mut check, &response);
    let header = |name: &str| {
        response
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let allow_origin = header("access-control-allow-origin");
    let allow_credentials = header("access-control-allow-credentials");
    let allow_headers = header("access-control-allow-headers").to_ascii_lowercase();
    let max_age = header("access-control-max-age");
    let preflight = Preflight {
        origin: &origin,
        allow_origin: &allow_origin,
        allow_credentials: &allow_credentials,
        allow_headers: &allow_headers,
        max_age: &max_age,
    };
    if let Some(finding) = judge::refused(&preflight) {
        return check.fail_plain(Failed::new(finding));
    }
    let summary = judge::summary(&preflight);
    let caveats = judge::caveats(&preflight);
    check.detail(Detail::Cors(CorsDetail {
        max_age: max_age.clone(),
    }));
    match caveats {
        Some(notice) => check.warn(summary, notice),
        None => check.pass(summary),
    }
}

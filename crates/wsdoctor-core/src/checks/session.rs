//! The session check: the session validation endpoint says whether the session exists before any
//! socket is tried (200 valid; 401/403/404/410 not).

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::request;
use crate::settings::render_template;
use http::Method;
use wsdoctor_model::evidence::{Detail, SessionDetail};
use wsdoctor_model::{Cause, CheckId, Notice};

/// The session template: explicit, or advertised by `/health`.
pub(crate) fn template(ctx: &Ctx, inputs: &Inputs) -> Option<String> {
    ctx.settings.paths.session.clone().or_else(|| {
        inputs
            .facts
            .health
            .as_ref()
            .and_then(|h| h.template("session", Some("terminal")))
    })
}

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Session, inputs);
    let Some(session) = ctx.settings.session.clone() else {
        return check.skip("no --session given");
    };
    let Some(template) = template(ctx, inputs) else {
        return check
            .skip("no session path known (--session-path, or list it in /health's endpoints)");
    };
    check.detail(Detail::Session(SessionDetail {
        template: template.clone(),
    }));
    let Some(path) = render_template(&template, session.reveal()) else {
        return check.fail_plain(Failed::new(classify::finding(
            Cause::InvalidUrl,
            format!("the session path template {template:?} has no {{session}} or :param"),
        )));
    };
    let response = match request::send(ctx, &mut check, inputs, Method::GET, &path, &[], None).await
    {
        Ok(r) => r,
        Err(failed) => return check.fail(failed),
    };
    request::record(ctx, &mut check, &response);
    match response.status.as_u16() {
        200..=299 => {
            ctx.log(CheckId::Session, "Session validation successful");
            check.learned.session_accepted = Some(true);
            check.pass(format!("session is valid ({})", response.status.as_u16()))
        }
        401 | 403 | 404 | 410 => {
            check.learned.session_accepted = Some(false);
            check.fail_plain(Failed::new(classify::finding(
                Cause::SessionInvalid,
                format!(
                    "the session endpoint answered {}: the session is unknown or expired",
                    response.status_line()
                ),
            )))
        }
        500..=599 => check.fail(Failed::new(classify::finding(
            Cause::ServerError,
            format!("the session endpoint answered {}", response.status_line()),
        ))),
        // 3xx, 400, 405…: the path is probably not the session endpoint; say so, and let the
        // terminal itself decide whether the session is valid.
        _ => check.warn(
            format!(
                "the session endpoint answered {}: cannot tell whether the session is valid",
                response.status_line()
            ),
            Notice::of(
                Cause::SessionEndpointUnrecognized,
                format!("{path} did not answer like a session endpoint"),
                "check --session-path (a template such as /api/sessions/{session})",
            ),
        ),
    }
}

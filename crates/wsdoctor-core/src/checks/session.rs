//! The session check: the session validation endpoint says whether the session exists before any
//! socket is tried (200 valid; 401/403/404/410 not).

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::session::{self as judge, Answer};
use crate::facts::Inputs;
use crate::request;
use crate::settings::render_template;
use http::Method;
use wsdoctor_model::evidence::{Detail, SessionDetail};
use wsdoctor_model::CheckId;

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
        return check.fail_plain(Failed::new(judge::no_placeholder(&template)));
    };
    let response = match request::send(ctx, &mut check, inputs, Method::GET, &path, &[], None).await
    {
        Ok(r) => r,
        Err(failed) => return check.fail(failed),
    };
    request::record(ctx, &mut check, &response);
    match judge::answer(response.status.as_u16(), &response.status_line(), &path) {
        Answer::Valid(summary) => {
            ctx.log(CheckId::Session, "Session validation successful");
            check.learned.session_accepted = Some(true);
            check.pass(summary)
        }
        Answer::Invalid(finding) => {
            check.learned.session_accepted = Some(false);
            check.fail_plain(Failed::new(finding))
        }
        Answer::ServerError(finding) => check.fail(Failed::new(finding)),
        Answer::Unrecognized(summary, notice) => check.warn(summary, notice),
    }
}

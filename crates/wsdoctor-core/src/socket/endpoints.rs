//! The sockets' URLs: the echo socket, the terminal socket from its template, and what a
//! browser's `new WebSocket()` would refuse in a URL.

use crate::checks::Failed;
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::settings::{render_template, DEFAULT_TERMINAL_TEMPLATE};
use wsdoctor_model::evidence::TargetKind;
use wsdoctor_model::Cause;

/// Checks a socket URL for what a browser's `new WebSocket()` would reject.
pub(crate) fn validate_url(url: &str) -> Result<(), Failed> {
    let invalid = |message: String| Failed::new(classify::finding(Cause::InvalidUrl, message));
    let parsed =
        url::Url::parse(url).map_err(|e| invalid(format!("{url} is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "ws" | "wss") {
        return Err(invalid(format!("{url}: the scheme must be ws or wss")));
    }
    if parsed.fragment().is_some() {
        return Err(invalid(format!(
            "{url} has a fragment, which browsers refuse in a WebSocket URL"
        )));
    }
    Ok(())
}

/// The echo socket's URL and path: the target itself for a ws(s) target, else the echo path
/// under the base URL. The echo, hold and origin checks all open this one.
pub(crate) fn echo_socket(ctx: &Ctx) -> (String, String) {
    let target = &ctx.settings.target;
    match target.kind() {
        TargetKind::WebSocket => (target.url().to_string(), target.url().path().to_string()),
        TargetKind::Http => {
            let path = format!("{}{}", target.base_path(), ctx.settings.paths.echo);
            (format!("{}{}", target.ws_base(), path), path)
        }
    }
}

/// The terminal template: explicit, advertised by `/health`, or the platform's default.
pub(crate) fn terminal_template(ctx: &Ctx, inputs: &Inputs) -> String {
    ctx.settings
        .paths
        .terminal
        .clone()
        .or_else(|| {
            inputs
                .facts
                .health
                .as_ref()
                .and_then(|h| h.template("terminal", None))
        })
        .unwrap_or_else(|| DEFAULT_TERMINAL_TEMPLATE.to_string())
}

/// The terminal socket's URL and path for the run's session, or why there is none.
pub(crate) fn terminal_socket(
    ctx: &Ctx,
    inputs: &Inputs,
) -> Option<Result<(String, String, String), Failed>> {
    let session = ctx
        .settings
        .session
        .as_ref()
        .filter(|s| !s.reveal().trim().is_empty())?;
    let template = terminal_template(ctx, inputs);
    let Some(rendered) = render_template(&template, session.reveal()) else {
        return Some(Err(Failed::new(classify::finding(
            Cause::InvalidUrl,
            format!("the terminal path template {template:?} has no {{session}} or :param"),
        ))));
    };
    let target = &ctx.settings.target;
    let path = format!("{}{}", target.base_path(), rendered);
    Some(Ok((
        format!("{}{}", target.ws_base(), path),
        path,
        template,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_refused_like_browsers_do() {
        assert!(validate_url("ws://a/b#c").is_err());
        assert!(validate_url("http://a/b").is_err());
        assert!(validate_url("wss://a/b?x=1").is_ok());
    }
}

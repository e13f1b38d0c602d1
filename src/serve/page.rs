//! The exporter's status page: plain HTML, no JavaScript, every value escaped.

use super::{Recent, State};

use crate::render::html::escape;

/// The page.
pub(crate) fn render(state: &State, recent: &[Recent]) -> String {
    let loaded = state.loaded();
    let mut body = String::new();
    body.push_str(&format!(
        "<h1>wsdoctor exporter</h1>\n<p class=\"meta\">version {} · up {} · {} probes in flight (at most {})</p>\n",
        env!("CARGO_PKG_VERSION"),
        wsdoctor_core::model::timing::human(state.started.elapsed()),
        state.in_flight(),
        state.max_concurrent
    ));
    if state.allow_any {
        body.push_str("<p class=\"danger\"><strong>Any target may be probed</strong> (--allow-any-target): this exporter will connect wherever a request asks, which makes it a request-forgery tool for anyone who can reach it.</p>\n");
    }
    body.push_str("<h2>Targets</h2>\n<table><tr><th>name</th><th>url</th><th>probe</th></tr>\n");
    for target in loaded.targets() {
        body.push_str(&format!(
            "<tr><td>{name}</td><td>{url}</td><td><a href=\"/probe?target={query}\">/probe?target={name}</a></td></tr>\n",
            name = escape(&target.name),
            url = escape(&wsdoctor_core::Redactor::mask_url(&target.url)),
            query = escape(&percent(&target.name)),
        ));
    }
    body.push_str("</table>\n");
    let allow = loaded.allow_patterns();
    if !allow.is_empty() {
        body.push_str("<h2>Allowed URL patterns</h2>\n<ul>\n");
        for pattern in allow {
            body.push_str(&format!("<li><code>{}</code></li>\n", escape(pattern)));
        }
        body.push_str("</ul>\n");
    }
    if !allow.is_empty() || state.allow_any {
        body.push_str(if loaded.deny_private() {
            "<p>URL targets may connect to public addresses only (deny_private).</p>\n"
        } else {
            "<p class=\"danger\"><strong>URL targets may reach loopback and private addresses</strong> (deny_private = false): anyone who controls DNS under an allowed pattern can map internal services through this exporter.</p>\n"
        });
    }
    body.push_str(
        "<h2>Modules</h2>\n<ul>\n<li><code>default</code> (the file's [defaults])</li>\n",
    );
    for module in loaded.modules() {
        body.push_str(&format!("<li><code>{}</code></li>\n", escape(module)));
    }
    body.push_str("</ul>\n<h2>Recent probes</h2>\n");
    if recent.is_empty() {
        body.push_str("<p>None yet.</p>\n");
    } else {
        body.push_str("<table><tr><th>time</th><th>target</th><th>module</th><th>result</th><th>codes</th><th>duration</th><th>report</th></tr>\n");
        for probe in recent.iter().rev() {
            let class = if probe.success { "ok" } else { "fail" };
            body.push_str(&format!(
                "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1} ms</td><td><a href=\"/probe/recent/{}\">{}</a></td></tr>\n",
                escape(&probe.time),
                escape(&probe.target),
                escape(&probe.module),
                if probe.success { "success" } else { "failure" },
                escape(&probe.codes.join(", ")),
                probe.duration_ms,
                probe.id,
                if probe.debug { "report and trace" } else { "report" }
            ));
        }
        body.push_str("</table>\n");
    }
    body.push_str("<p class=\"meta\"><a href=\"/metrics\">/metrics</a> · <a href=\"/-/healthy\">/-/healthy</a> · <a href=\"/-/ready\">/-/ready</a></p>\n");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>wsdoctor exporter</title>\n<style>\nbody{{font-family:sans-serif;margin:2em;color:#222;background:#fff}}\ntable{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}\nth{{background:#eee}}tr.ok td:nth-child(4){{color:#080}}tr.fail td:nth-child(4){{color:#b00;font-weight:bold}}\n.meta{{color:#666}}.danger{{background:#fdd;border:2px solid #b00;padding:8px}}\n</style></head>\n<body>\n{body}</body></html>\n"
    )
}

/// Percent-encodes a query value.
fn percent(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

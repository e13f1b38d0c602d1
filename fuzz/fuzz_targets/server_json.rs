//! What the health and diagnostics checks read from the server's JSON bodies.
//!
//! The input is the raw body (not necessarily UTF-8 or JSON). It is read as a `/health` answer
//! with a 200 (undeclared, and declared JSON) and with a 503, its endpoints go through the template and path lookups the socket
//! and session checks use, and it is read as the diagnostics endpoint's answer.
#![no_main]

use http::StatusCode;
use libfuzzer_sys::fuzz_target;
use wsdoctor_core::fuzzing::{
    diagnostics_body, health_advertises, health_body, health_template, render_template,
};
use wsdoctor_core::model::Cause;

const PATH: &str = "/health";

fuzz_target!(|data: &[u8]| {
    // As a browser's response.json() reads it: lossy UTF-8, a leading byte-order mark dropped.
    let text = String::from_utf8_lossy(data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data));
    let json = serde_json::from_str::<serde_json::Value>(&text).is_ok();

    // Declared JSON, a body that does not parse fails; one that does reads as undeclared.
    let declared = health_body(PATH, StatusCode::OK, Some("application/json"), data);
    if !json {
        assert!(matches!(&declared.outcome, Err(f) if f.cause == Cause::HealthInvalid));
    }

    let ok = health_body(PATH, StatusCode::OK, None, data);
    assert_eq!(ok.is_json, json);
    if !json {
        assert!(ok.endpoints.is_empty() && ok.status_field.is_none());
    }
    match &ok.outcome {
        Ok(()) => {
            assert!(ok
                .status_field
                .as_deref()
                .is_none_or(|s| s == "ok" || s == "healthy"));
            assert!(ok
                .websocket_field
                .as_deref()
                .is_none_or(|s| ["available", "ok", "enabled"].contains(&s)));
        }
        Err(finding) => assert!(matches!(
            finding.cause,
            Cause::HealthDegraded | Cause::StoreDisconnected
        )),
    }

    let down = health_body(PATH, StatusCode::SERVICE_UNAVAILABLE, None, data);
    match &down.outcome {
        Ok(()) => panic!("a 503 from /health passed"),
        Err(finding) => assert!(matches!(
            finding.cause,
            Cause::HealthStatus | Cause::StoreDisconnected
        )),
    }

    let endpoints = &ok.endpoints;
    for (word, avoid) in [("terminal", None), ("session", Some("terminal"))] {
        if let Some(template) = health_template(endpoints, word, avoid) {
            let lower = template.to_ascii_lowercase();
            assert!(lower.contains(word) && avoid.is_none_or(|a| !lower.contains(a)));
            if let Some(path) = render_template(&template, "s3ss10n") {
                let _ = health_advertises(endpoints, &path);
            }
        }
    }
    for endpoint in endpoints.iter().take(32) {
        let path = endpoint.split_whitespace().last().unwrap_or(endpoint);
        assert!(
            health_advertises(endpoints, path),
            "{endpoint:?} does not advertise itself"
        );
    }

    if let Some(read) = diagnostics_body(data) {
        assert!(json);
        assert!(!read.summary.is_empty());
    }
});

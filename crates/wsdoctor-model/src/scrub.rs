//! Visiting every piece of free text in the model, so a redactor can clean it.
//!
//! Only text is visited: check ids, statuses, codes and causes are enums and can never be masked,
//! so a secret that happens to read "pass" cannot break the JSON contract. Every implementation
//! destructures its struct completely, so a new text field that is not scrubbed is a compile error.

use crate::event::{Event, Stamped};
use crate::evidence::{
    AddressError, AddressProbe, BrowserDetail, BrowserFetch, BrowserSocket, CertInfo,
    CertificateProblem, Common, Comparison, ConsoleEntry, CorsDetail, Detail, DevtoolsSocket,
    DiagnosticsDetail, DnsDetail, EchoDetail, Evidence, Heartbeat, HeldSocket, HoldDetail,
    Http2Frames, OriginDetail, PageSocket, Redirect, RoadReport, SessionDetail, SessionKey,
    StoreDetail, TargetDetail, TcpDetail, TerminalDetail, TlsDetail, TlsInfo, Underlying,
};
use crate::finding::{Finding, Notice};
use crate::platform::Platform;
use crate::report::{Attempt, CheckReport, Report};
use serde_json::Value;
use std::collections::BTreeMap;

/// A function that cleans one piece of text in place.
pub type Cleaner<'a> = &'a mut dyn FnMut(&mut String);

/// Something that holds free text.
pub trait Scrub {
    /// Passes every piece of free text to `clean`.
    fn scrub(&mut self, clean: Cleaner<'_>);
}

impl Scrub for String {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        clean(self);
    }
}

impl<T: Scrub> Scrub for Option<T> {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        if let Some(inner) = self {
            inner.scrub(clean);
        }
    }
}

impl<T: Scrub> Scrub for Vec<T> {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        for item in self {
            item.scrub(clean);
        }
    }
}

impl Scrub for BTreeMap<String, String> {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let entries = std::mem::take(self);
        for (mut key, mut value) in entries {
            clean(&mut key);
            clean(&mut value);
            self.insert(key, value);
        }
    }
}

impl Scrub for Value {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        match self {
            Value::String(s) => clean(s),
            Value::Array(items) => {
                for item in items {
                    item.scrub(clean);
                }
            }
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (mut key, mut value) in entries {
                    clean(&mut key);
                    value.scrub(clean);
                    map.insert(key, value);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

impl Scrub for Finding {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Finding {
            code: _,
            cause: _,
            message,
            hint,
            also: _,
        } = self;
        clean(message);
        clean(hint);
    }
}

impl Scrub for Notice {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Notice {
            message,
            hint,
            code: _,
            cause: _,
        } = self;
        clean(message);
        clean(hint);
    }
}

impl Scrub for Attempt {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Attempt {
            number: _,
            started_ms: _,
            duration_ms: _,
            outcome: _,
            cause: _,
            summary,
            close_code: _,
            retry_in_ms: _,
        } = self;
        clean(summary);
    }
}

impl Scrub for AddressError {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let AddressError { address, error } = self;
        clean(address);
        clean(error);
    }
}

impl Scrub for Redirect {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Redirect {
            status: _,
            location,
            followed: _,
            reason,
        } = self;
        clean(location);
        reason.scrub(clean);
    }
}

impl Scrub for Underlying {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Underlying {
            code: _,
            cause: _,
            message,
        } = self;
        clean(message);
    }
}

impl Scrub for CertInfo {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let CertInfo {
            subject,
            issuer,
            sans,
            not_before,
            not_after,
            days_left: _,
            lifetime_days: _,
            seconds_left: _,
            lifetime_seconds: _,
        } = self;
        clean(subject);
        clean(issuer);
        sans.scrub(clean);
        clean(not_before);
        clean(not_after);
    }
}

impl Scrub for TlsInfo {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let TlsInfo {
            version,
            cipher_suite,
            alpn,
            sni,
            chain,
        } = self;
        clean(version);
        clean(cipher_suite);
        alpn.scrub(clean);
        clean(sni);
        chain.scrub(clean);
    }
}

impl Scrub for CertificateProblem {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let CertificateProblem {
            kind: _,
            checked_at,
            not_after,
            not_before,
            expected_name,
            presented_names,
            required_purpose,
        } = self;
        checked_at.scrub(clean);
        not_after.scrub(clean);
        not_before.scrub(clean);
        expected_name.scrub(clean);
        presented_names.scrub(clean);
        required_purpose.scrub(clean);
    }
}

impl Scrub for Common {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Common {
            url,
            request,
            connection,
            peer,
            earlier_failures,
            proxy,
            tried,
            os_error,
            network_route: _,
            certificate_error,
            certificate_problem,
            chain,
            status_line,
            headers,
            body_excerpt,
            redirects,
            close_code: _,
            close_reason,
            close_code_sent: _,
            subprotocol,
            last_server_message,
            reply,
            accepted_without_origin: _,
            underlying,
            http_version,
            http2,
            roads,
        } = self;
        url.scrub(clean);
        request.scrub(clean);
        connection.scrub(clean);
        peer.scrub(clean);
        earlier_failures.scrub(clean);
        proxy.scrub(clean);
        tried.scrub(clean);
        os_error.scrub(clean);
        certificate_error.scrub(clean);
        certificate_problem.scrub(clean);
        chain.scrub(clean);
        status_line.scrub(clean);
        headers.scrub(clean);
        body_excerpt.scrub(clean);
        redirects.scrub(clean);
        close_reason.scrub(clean);
        subprotocol.scrub(clean);
        last_server_message.scrub(clean);
        reply.scrub(clean);
        underlying.scrub(clean);
        http_version.scrub(clean);
        http2.scrub(clean);
        roads.scrub(clean);
    }
}

impl Scrub for Http2Frames {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Http2Frames {
            extended_connect: _,
            rst_stream,
            goaway,
        } = self;
        rst_stream.scrub(clean);
        goaway.scrub(clean);
    }
}

impl Scrub for RoadReport {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let RoadReport {
            road: _,
            outcome: _,
            summary,
            cause: _,
            timings: _,
        } = self;
        clean(summary);
    }
}

impl Scrub for AddressProbe {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let AddressProbe {
            address,
            ok: _,
            connect_ms: _,
            error,
        } = self;
        clean(address);
        error.scrub(clean);
    }
}

impl Scrub for HeldSocket {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let HeldSocket {
            variant: _,
            road: _,
            died: _,
            died_after_ms: _,
            open_for_ms: _,
            since_last_byte_ms: _,
            closed_by: _,
            close_code: _,
            close_reason,
            os_error,
            pings_sent: _,
            messages_sent: _,
            messages_received: _,
            server_pings: _,
            server_ping_interval_ms: _,
        } = self;
        close_reason.scrub(clean);
        os_error.scrub(clean);
    }
}

impl Scrub for Heartbeat {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Heartbeat {
            pings: _,
            interval_ms: _,
            often_enough: _,
            note,
        } = self;
        clean(note);
    }
}

impl Scrub for Detail {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        match self {
            Detail::Target(TargetDetail {
                kind: _,
                socket_scheme: _,
                origin,
            }) => origin.scrub(clean),
            Detail::Dns(DnsDetail {
                addresses,
                source: _,
            }) => addresses.scrub(clean),
            Detail::Tcp(TcpDetail {
                addresses,
                all_addresses,
            }) => {
                addresses.scrub(clean);
                all_addresses.scrub(clean);
            }
            Detail::Tls(TlsDetail { tls }) => tls.scrub(clean),
            Detail::Diagnostics(DiagnosticsDetail {
                diagnostics,
                diagnostics_excerpt,
            }) => {
                diagnostics.scrub(clean);
                diagnostics_excerpt.scrub(clean);
            }
            Detail::Cors(CorsDetail { max_age }) => clean(max_age),
            Detail::Session(SessionDetail { template }) => clean(template),
            Detail::Echo(EchoDetail { round_trips: _ }) => {}
            Detail::Terminal(TerminalDetail {
                template,
                messages_received: _,
                server_pings: _,
                expect_round_trip_ms: _,
                closed_by_client: _,
            }) => clean(template),
            Detail::Origin(OriginDetail {
                origin_sent: _,
                enforced: _,
                foreign_socket: _,
            }) => {}
            Detail::Hold(HoldDetail {
                hold_ms: _,
                ping_interval_ms: _,
                variants,
                server_heartbeat,
                cut_ms: _,
                suspect: _,
            }) => {
                variants.scrub(clean);
                server_heartbeat.scrub(clean);
            }
            Detail::Browser(browser) => browser.scrub(clean),
            Detail::Store(StoreDetail {
                store,
                store_tls: _,
                database: _,
                server_version,
                role,
                used_memory: _,
                maxmemory: _,
                maxmemory_policy,
                round_trips: _,
                session_key,
            }) => {
                clean(store);
                server_version.scrub(clean);
                role.scrub(clean);
                maxmemory_policy.scrub(clean);
                session_key.scrub(clean);
            }
        }
    }
}

impl Scrub for BrowserDetail {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let BrowserDetail {
            browser,
            executable,
            sandbox: _,
            page_origin,
            switches,
            local_network_access,
            cookies,
            health,
            sockets,
            console,
            comparisons,
        } = self;
        clean(browser);
        clean(executable);
        clean(page_origin);
        switches.scrub(clean);
        clean(local_network_access);
        cookies.scrub(clean);
        health.scrub(clean);
        sockets.scrub(clean);
        console.scrub(clean);
        comparisons.scrub(clean);
    }
}

impl Scrub for BrowserFetch {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let BrowserFetch {
            url,
            credentials,
            status: _,
            error,
            blocked_reason,
            cors_error,
            network_error,
            protocol,
            duration_ms: _,
        } = self;
        clean(url);
        clean(credentials);
        error.scrub(clean);
        blocked_reason.scrub(clean);
        cors_error.scrub(clean);
        network_error.scrub(clean);
        protocol.scrub(clean);
    }
}

impl Scrub for BrowserSocket {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let BrowserSocket {
            role: _,
            url,
            page,
            devtools,
        } = self;
        clean(url);
        page.scrub(clean);
        devtools.scrub(clean);
    }
}

impl Scrub for PageSocket {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let PageSocket {
            threw,
            opened_ms: _,
            error_event: _,
            messages: _,
            first_message_ms: _,
            last_message,
            echoed: _,
            timed_out: _,
            timeout_close_error,
            close_code: _,
            close_reason,
            was_clean: _,
            closed_by_page: _,
        } = self;
        threw.scrub(clean);
        last_message.scrub(clean);
        timeout_close_error.scrub(clean);
        close_reason.scrub(clean);
    }
}

impl Scrub for DevtoolsSocket {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let DevtoolsSocket {
            created: _,
            request_headers,
            status: _,
            status_text,
            response_headers,
            frames_sent: _,
            frames_received: _,
            errors,
            closed: _,
        } = self;
        request_headers.scrub(clean);
        status_text.scrub(clean);
        response_headers.scrub(clean);
        errors.scrub(clean);
    }
}

impl Scrub for ConsoleEntry {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let ConsoleEntry {
            source,
            level,
            text,
        } = self;
        clean(source);
        clean(level);
        clean(text);
    }
}

impl Scrub for Comparison {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Comparison {
            subject,
            browser,
            command_line,
            agrees: _,
        } = self;
        clean(subject);
        clean(browser);
        clean(command_line);
    }
}

impl Scrub for SessionKey {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let SessionKey {
            key,
            template_from,
            exists: _,
            kind,
            ttl_ms: _,
            found_in_databases: _,
        } = self;
        clean(key);
        clean(template_from);
        kind.scrub(clean);
    }
}

impl Scrub for Evidence {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Evidence { common, detail } = self;
        common.scrub(clean);
        detail.scrub(clean);
    }
}

impl Scrub for CheckReport {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let CheckReport {
            id: _,
            status: _,
            started_ms: _,
            duration_ms: _,
            summary,
            timings: _,
            evidence,
            failure,
            warning,
            attempts,
        } = self;
        clean(summary);
        evidence.scrub(clean);
        failure.scrub(clean);
        warning.scrub(clean);
        attempts.scrub(clean);
    }
}

impl Scrub for Platform {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Platform { id: _, evidence } = self;
        evidence.scrub(clean);
    }
}

impl Scrub for Report {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Report {
            schema: _,
            tool: _,
            target,
            verdict: _,
            codes: _,
            started_at: _,
            duration_ms: _,
            platform,
            diagnosis,
            interrupted: _,
            checks,
        } = self;
        clean(target);
        platform.scrub(clean);
        diagnosis.scrub(clean);
        checks.scrub(clean);
    }
}

impl Scrub for Stamped {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        let Stamped { time: _, event } = self;
        event.scrub(clean);
    }
}

impl Scrub for Event {
    fn scrub(&mut self, clean: Cleaner<'_>) {
        match self {
            Event::RunStarted {
                target,
                checks: _,
                started_at: _,
            } => clean(target),
            Event::CheckStarted { id: _ } => {}
            Event::Phase {
                id: _,
                phase: _,
                duration_ms: _,
            } => {}
            Event::Attempt {
                id: _,
                of: _,
                attempt,
            } => attempt.scrub(clean),
            Event::Log { id: _, message } => clean(message),
            Event::CheckFinished(report) => report.scrub(clean),
            Event::Report(report) => report.scrub(clean),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CheckId;
    use crate::codes::Cause;

    #[test]
    fn text_is_cleaned_and_enums_are_not() {
        let mut report = CheckReport::failed(
            CheckId::Echo,
            Finding::new(Cause::AbnormalClose, "pass went wrong"),
        );
        report.evidence.common.close_reason = Some("pass".into());
        report.evidence.detail = Some(Detail::Diagnostics(DiagnosticsDetail {
            diagnostics: Some(serde_json::json!({"pass": ["pass"]})),
            diagnostics_excerpt: None,
        }));
        report.scrub(&mut |s: &mut String| *s = s.replace("pass", "[REDACTED]"));
        let json = serde_json::to_string(&report).unwrap();
        assert!(!json.contains("pass"), "{json}");
        assert!(json.contains("\"status\":\"fail\""), "{json}");
    }
}

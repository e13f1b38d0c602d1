//! Typed evidence: the facts a verdict rests on.
//!
//! A check's evidence is the facts every check may gather ([`Common`]: the connection, an HTTP
//! answer, how a socket ended) plus the facts of its own kind ([`Detail`]). Both serialise into one
//! flat JSON object, the report's `checks[].evidence`, so renaming a field here is a compile error in
//! every renderer that reads it rather than a silently missing line.

mod browser;
mod common;
mod connection;
mod hold;
mod http;
mod roads;
mod socket;
mod store;
mod tls;

pub use browser::{
    BrowserDetail, BrowserFetch, BrowserSocket, Comparison, ConsoleEntry, DevtoolsSocket,
    PageSocket, Sandbox, SocketRole,
};
pub use common::{AddressError, Common, Redirect, Underlying};
pub use connection::{AddressProbe, AddressSource, DnsDetail, TargetDetail, TargetKind, TcpDetail};
pub use hold::{ClosedBy, Heartbeat, HeldSocket, HoldDetail, Suspect, Variant};
pub use http::{
    AppStoreState, CorsDetail, DiagnosticsDetail, HealthDetail, JsonError, SessionDetail,
};
pub use roads::{Http2Frames, Road, RoadOutcome, RoadReport};
pub use socket::{EchoDetail, LatencyStats, OriginDetail, TerminalDetail};
pub use store::{SessionKey, StoreDetail};
pub use tls::{CertInfo, CertificateProblem, CertificateProblemKind, TlsDetail, TlsInfo};

use serde::Serialize;

/// The facts of one check.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// What any check may have seen.
    #[serde(flatten)]
    pub common: Common,
    /// What only this kind of check sees.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

/// The facts only one kind of check gathers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Detail {
    /// The target check.
    Target(TargetDetail),
    /// The dns check.
    Dns(DnsDetail),
    /// The tcp check with `--all-addresses`.
    Tcp(TcpDetail),
    /// The tls check.
    Tls(TlsDetail),
    /// The health check, when its body is not what it declares.
    Health(HealthDetail),
    /// The diagnostics check.
    Diagnostics(DiagnosticsDetail),
    /// The cors check.
    Cors(CorsDetail),
    /// The session and terminal checks' path template.
    Session(SessionDetail),
    /// The echo check.
    Echo(EchoDetail),
    /// The terminal check.
    Terminal(TerminalDetail),
    /// The origin check.
    Origin(OriginDetail),
    /// The hold check.
    Hold(HoldDetail),
    /// The store check.
    Store(StoreDetail),
    /// The browser check.
    Browser(BrowserDetail),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_detail_serialise_into_one_flat_object() {
        let evidence = Evidence {
            common: Common {
                status_line: Some("HTTP/1.1 403 Forbidden".into()),
                close_code: Some(4000),
                ..Common::default()
            },
            detail: Some(Detail::Cors(CorsDetail {
                max_age: "86400".into(),
            })),
        };
        let json = serde_json::to_value(&evidence).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status_line": "HTTP/1.1 403 Forbidden", "close_code": 4000, "max_age": "86400"})
        );
        assert_eq!(
            serde_json::to_value(Evidence::default()).unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn absorb_keeps_what_the_other_lacks() {
        let mut ours = Common {
            url: Some("ws://a/".into()),
            peer: Some("1".into()),
            ..Common::default()
        };
        ours.absorb(Common {
            peer: Some("2".into()),
            close_code: Some(1006),
            ..Common::default()
        });
        assert_eq!(ours.url.as_deref(), Some("ws://a/"));
        assert_eq!(ours.peer.as_deref(), Some("2"));
        assert_eq!(ours.close_code, Some(1006));
    }
}

//! The platforms that stand between a browser and a WebSocket server, in one table: how each is
//! named, what it means for WebSockets, the host names that give it away, and the timer with which
//! it cuts sockets. The fingerprinting, the hints and the hold check's suspects all read this table.

use serde::{Deserialize, Serialize, Serializer};
use std::time::Duration;

/// A platform's stable id, as in the report's `platform.id`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::Display,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum PlatformId {
    /// AWS App Runner (an Envoy edge).
    AwsAppRunner,
    /// Google Cloud Run.
    GoogleCloudRun,
    /// Azure App Service.
    AzureAppService,
    /// The Heroku router.
    Heroku,
    /// Vercel.
    Vercel,
    /// Cloudflare.
    Cloudflare,
    /// Amazon CloudFront.
    AwsCloudfront,
    /// The AWS Application Load Balancer.
    AwsAlb,
    /// Envoy / Istio.
    Envoy,
    /// nginx.
    Nginx,
}

/// Whether a cut resets on traffic or comes at a fixed age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutKind {
    /// After a quiet period.
    Idle,
    /// At a fixed age, whatever the traffic.
    Lifetime,
}

impl CutKind {
    /// The word used in messages.
    pub fn word(self) -> &'static str {
        match self {
            CutKind::Idle => "idle",
            CutKind::Lifetime => "lifetime",
        }
    }
}

/// The timer with which a platform cuts WebSockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CutLimit {
    /// Its documented default.
    pub after: Duration,
    /// Idle timeout or lifetime cap.
    pub kind: CutKind,
    /// The setting that changes it (or why there is none).
    pub setting: &'static str,
    /// What to do about it.
    pub advice: &'static str,
}

/// One row of the platform table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformInfo {
    /// Stable id.
    pub id: PlatformId,
    /// Display name.
    pub name: &'static str,
    /// What it means for WebSockets.
    pub note: &'static str,
    /// A host-name suffix that reveals it (`.awsapprunner.com`).
    pub host_suffix: Option<&'static str>,
    /// The timer with which it cuts sockets, when it has one.
    pub cut: Option<CutLimit>,
}

const fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Every known platform. The order is the order of preference when several are seen (a managed
/// platform beats the proxy it runs on); [`TIE_BREAK`] orders equal cut limits.
pub const PLATFORMS: &[PlatformInfo] = &[
    PlatformInfo {
        id: PlatformId::AwsAppRunner,
        name: "AWS App Runner",
        note: "App Runner's Envoy edge does not proxy WebSocket upgrades and caps a request at 120 s",
        host_suffix: Some(".awsapprunner.com"),
        cut: Some(CutLimit {
            after: secs(120),
            kind: CutKind::Lifetime,
            setting: "none: App Runner caps every request at 120 s",
            advice: "move the socket off App Runner: ECS/Fargate behind an ALB, or API Gateway WebSocket APIs",
        }),
    },
    PlatformInfo {
        id: PlatformId::GoogleCloudRun,
        name: "Google Cloud Run",
        note: "Cloud Run ends every request, WebSockets included, at the service's request timeout (5 min by default)",
        host_suffix: Some(".run.app"),
        cut: Some(CutLimit {
            after: secs(300),
            kind: CutKind::Lifetime,
            setting: "the service's request timeout, --timeout (default 5 min, up to 60 min)",
            advice: "raise the request timeout (gcloud run services update SERVICE --timeout=3600) and have the client reconnect before it",
        }),
    },
    PlatformInfo {
        id: PlatformId::AzureAppService,
        name: "Azure App Service",
        note: "App Service needs Web sockets turned on in the configuration",
        host_suffix: Some(".azurewebsites.net"),
        cut: None,
    },
    PlatformInfo {
        id: PlatformId::Heroku,
        name: "Heroku router",
        note: "Heroku's router closes sockets idle for 55 s",
        host_suffix: Some(".herokuapp.com"),
        cut: Some(CutLimit {
            after: secs(55),
            kind: CutKind::Idle,
            setting: "none: the router's 55 s idle limit is fixed",
            advice: "send a heartbeat more often than every 55 s (a server ping, or an application message)",
        }),
    },
    PlatformInfo {
        id: PlatformId::Vercel,
        name: "Vercel",
        note: "Vercel functions cannot hold WebSocket connections; host the socket elsewhere",
        host_suffix: Some(".vercel.app"),
        cut: None,
    },
    PlatformInfo {
        id: PlatformId::Cloudflare,
        name: "Cloudflare",
        note: "Cloudflare cuts idle WebSockets after about 100 s",
        host_suffix: None,
        cut: Some(CutLimit {
            after: secs(100),
            kind: CutKind::Idle,
            setting: "none: Cloudflare's idle limit (about 100 s) is not configurable on most plans",
            advice: "send heartbeats more often than every 100 s",
        }),
    },
    PlatformInfo {
        id: PlatformId::AwsCloudfront,
        name: "Amazon CloudFront",
        note: "CloudFront forwards WebSockets only when the behaviour forwards all headers to the origin",
        host_suffix: None,
        cut: None,
    },
    PlatformInfo {
        id: PlatformId::AwsAlb,
        name: "AWS Application Load Balancer",
        note: "ALB closes idle connections after 60 s by default (idle_timeout.timeout_seconds)",
        host_suffix: None,
        cut: Some(CutLimit {
            after: secs(60),
            kind: CutKind::Idle,
            setting: "idle_timeout.timeout_seconds (default 60 s)",
            advice: "raise the load balancer attribute idle_timeout.timeout_seconds (up to 4000), or send heartbeats more often than every 60 s",
        }),
    },
    PlatformInfo {
        id: PlatformId::Envoy,
        name: "Envoy / Istio",
        note: "Envoy needs upgrade_configs: websocket on the route; its stream idle timeout defaults to 5 minutes",
        host_suffix: None,
        cut: Some(CutLimit {
            after: secs(300),
            kind: CutKind::Idle,
            setting: "stream_idle_timeout (HTTP connection manager) / the route's idle_timeout (default 5 min)",
            advice: "raise stream_idle_timeout and the route's idle_timeout (Istio: an EnvoyFilter or the VirtualService timeout), or send heartbeats more often than every 5 minutes",
        }),
    },
    PlatformInfo {
        id: PlatformId::Nginx,
        name: "nginx",
        note: "nginx needs `proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\"` and closes idle sockets after proxy_read_timeout (60 s)",
        host_suffix: None,
        cut: Some(CutLimit {
            after: secs(60),
            kind: CutKind::Idle,
            setting: "proxy_read_timeout (default 60 s)",
            advice: "raise proxy_read_timeout (and proxy_send_timeout) in the WebSocket location, e.g. 3600s, or send heartbeats more often than every 60 s",
        }),
    },
];

/// When two platforms cut at the same age, the more common culprit is named first.
pub const TIE_BREAK: &[PlatformId] = &[
    PlatformId::Heroku,
    PlatformId::Nginx,
    PlatformId::AwsAlb,
    PlatformId::Cloudflare,
    PlatformId::AwsAppRunner,
    PlatformId::Envoy,
    PlatformId::GoogleCloudRun,
];

impl PlatformId {
    /// This platform's row of the table.
    pub fn info(self) -> &'static PlatformInfo {
        // The table lists every id (a unit test holds it to that), in declaration order.
        &PLATFORMS[self as usize]
    }

    /// Position in the order of preference; lower is more specific.
    pub fn preference(self) -> usize {
        self as usize
    }
}

/// A platform the run saw in front of the application, and what gave it away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// Which platform.
    pub id: PlatformId,
    /// What gave it away (`server: envoy`, `host *.awsapprunner.com`).
    pub evidence: Vec<String>,
}

impl Platform {
    /// A sighting with one piece of evidence.
    pub fn seen(id: PlatformId, evidence: impl Into<String>) -> Platform {
        Platform {
            id,
            evidence: vec![evidence.into()],
        }
    }

    /// Display name.
    pub fn name(&self) -> &'static str {
        self.id.info().name
    }

    /// What it means for WebSockets.
    pub fn note(&self) -> &'static str {
        self.id.info().note
    }
}

impl Serialize for Platform {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            id: PlatformId,
            name: &'static str,
            evidence: &'a [String],
            note: &'static str,
        }
        Wire {
            id: self.id,
            name: self.name(),
            evidence: &self.evidence,
            note: self.note(),
        }
        .serialize(serializer)
    }
}

/// Platforms seen during a run, each once with all its evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sightings(Vec<Platform>);

impl Sightings {
    /// Adds sightings; the same platform seen twice keeps both pieces of evidence.
    pub fn merge(&mut self, found: impl IntoIterator<Item = Platform>) {
        for platform in found {
            match self.0.iter_mut().find(|p| p.id == platform.id) {
                Some(existing) => {
                    for e in platform.evidence {
                        if !existing.evidence.contains(&e) {
                            existing.evidence.push(e);
                        }
                    }
                }
                None => self.0.push(platform),
            }
        }
    }

    /// The platform to report: the most specific one seen.
    pub fn primary(&self) -> Option<&Platform> {
        self.0.iter().min_by_key(|p| p.id.preference())
    }

    /// Every platform seen, the primary one first.
    pub fn ids(&self) -> Vec<PlatformId> {
        let mut ids: Vec<PlatformId> = self.0.iter().map(|p| p.id).collect();
        ids.sort_by_key(|id| id.preference());
        ids
    }

    /// Every platform seen, in the order first seen.
    pub fn platforms(&self) -> &[Platform] {
        &self.0
    }

    /// Whether nothing was seen.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn the_table_lists_every_platform_in_declaration_order() {
        assert_eq!(PLATFORMS.len(), PlatformId::VARIANTS.len());
        for &id in PlatformId::VARIANTS {
            assert_eq!(id.info().id, id);
        }
        for id in TIE_BREAK {
            assert!(id.info().cut.is_some(), "{id} has no cut to break ties on");
        }
        for info in PLATFORMS {
            assert!(
                info.cut.is_none() || TIE_BREAK.contains(&info.id),
                "{} cuts sockets but is not in TIE_BREAK",
                info.id
            );
        }
    }

    #[test]
    fn a_managed_platform_beats_its_proxy_and_evidence_merges() {
        let mut seen = Sightings::default();
        seen.merge([Platform::seen(PlatformId::Envoy, "server: envoy")]);
        seen.merge([
            Platform::seen(PlatformId::AwsAppRunner, "host"),
            Platform::seen(PlatformId::Envoy, "x-envoy"),
        ]);
        assert_eq!(seen.primary().map(|p| p.id), Some(PlatformId::AwsAppRunner));
        assert_eq!(
            seen.ids(),
            vec![PlatformId::AwsAppRunner, PlatformId::Envoy]
        );
        let json = serde_json::to_value(seen.primary()).unwrap_or_default();
        assert_eq!(json["id"], "aws-app-runner");
        assert_eq!(json["name"], "AWS App Runner");
    }
}

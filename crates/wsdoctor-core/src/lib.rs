//! wsdoctor's core: everything between a validated [`Settings`] and a [`Report`].
//!
//! ```text
//!   wsdoctor (binary)  cli → settings translation → commands → renderers → exit status
//!        │
//!        ▼
//!   wsdoctor-core      Settings ─► Plan ─► runner ─► checks/* ─► probe/*  (network, timed)
//!        │                                              │
//!        │                                              └─► diagnose/*  (observation → finding)
//!        ▼
//!   wsdoctor-model     CheckId · Code/Cause · Finding · Platform · Evidence · Report · Event
//!
//!   wsdoctor-lab       the reference backend (used by tests, benchmarks and `demo`/`lab`)
//! ```
//!
//! The data flows one way. [`Settings`] (plain data, no command line) becomes a [`Plan`]: the
//! checks and the edges between them. The [`run`] function executes the plan: every check starts
//! when what it needs has finished and receives, as parameters, exactly the facts its
//! prerequisites learned (addresses, an open connection, what `/health` said, the platforms
//! seen). Checks use the probes, which observe and time, and the diagnosis, which turns an
//! observation into a [`Finding`](wsdoctor_model::Finding) with no I/O of its own. The result is
//! one [`Report`] from the model crate, every piece of its text passed through the
//! [`Redactor`]; renderers and exit statuses live in the binary.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]
#![warn(unreachable_pub)]

pub mod bare;
mod browser_rules;
mod checks;
mod context;
mod diagnose;
mod diagnosis;
mod facts;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod latency;
pub mod ping;
mod plan;
mod probe;
mod redact;
mod request;
mod runner;
mod secret;
pub mod settings;
mod socket;
mod task;
mod trace;
mod transport;

pub use wsdoctor_model as model;

pub use diagnosis::Diagnosis;
pub use plan::{Plan, PlannedStep};
pub use redact::Redactor;
pub use runner::{run, Interruption};
pub use secret::{Secret, MASK};
pub use settings::{Settings, SettingsError, Target};

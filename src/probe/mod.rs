//! Probes: the network steps, each bounded by a timeout and timed with `Instant`s at its
//! boundaries. Probes observe; they do not judge (that is [`crate::diagnose`]'s job).

pub mod dns;
pub mod http;
pub mod proxy;
pub mod stream;
pub mod tcp;
pub mod tls;
pub mod ws;

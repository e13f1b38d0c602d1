//! Diagnosis: observations become findings (code, cause, message, hint) with their evidence.
//! Pure functions of what the probes saw, so every rule is unit-tested without a network.

pub(crate) mod app_store;
#[cfg(feature = "browser")]
pub(crate) mod browser;
pub(crate) mod classify;
pub(crate) mod cors;
pub(crate) mod diagnostics;
pub(crate) mod dns;
pub(crate) mod echo;
pub(crate) mod gates;
pub(crate) mod health;
pub(crate) mod hold;
pub(crate) mod origin;
pub(crate) mod platform;
pub(crate) mod reasoning;
pub(crate) mod session;
pub(crate) mod store;
pub(crate) mod target;
pub(crate) mod tcp;
pub(crate) mod terminal;
pub(crate) mod tls;

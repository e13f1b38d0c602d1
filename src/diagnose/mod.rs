//! Diagnosis: observations become findings (code, cause, message, hint) with their evidence.

pub mod classify;
pub mod codes;
pub mod hold;
pub mod platform;
pub mod reasoning;

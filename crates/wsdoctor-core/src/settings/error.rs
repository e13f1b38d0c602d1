//! The error a setting that cannot be used makes, naming the setting.

/// A setting that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid value for {setting}: {message}")]
pub struct SettingsError {
    /// The setting at fault, by its long option name without dashes (`timeout`, `target`).
    pub setting: &'static str,
    /// What is wrong with it. Never contains a secret.
    pub message: String,
}

impl SettingsError {
    /// An error about `setting`.
    pub fn new(setting: &'static str, message: impl Into<String>) -> SettingsError {
        SettingsError {
            setting,
            message: message.into(),
        }
    }
}

//! The config the exporter probes with, and reading it again while serving: SIGHUP or
//! `POST /-/reload`, as blackbox_exporter and Prometheus do. A config that does not load keeps the
//! one before it; a probe finishes on the config it started with.

use super::allow::AllowPattern;
use super::{NamedTarget, State};
use crate::args::Env;
use crate::config::{self, ConfigFile, Entry};
use crate::exit::AppError;
use hyper::StatusCode;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::SystemTime;
use wsdoctor_core::settings::ConnectPolicy;
use wsdoctor_core::{Redactor, Settings};

/// One loading of the config file: its targets, modules and allow patterns, checked whole.
pub(crate) struct Loaded {
    pub(crate) file: Option<ConfigFile>,
    /// The file's `[serve] allow` patterns, compiled once.
    pub(crate) allow: Vec<AllowPattern>,
    pub(crate) allow_any: bool,
}

impl Loaded {
    /// Reads the file `--config` names (or `./wsdoctor.toml`), compiles its allow patterns and
    /// resolves every named target in every module, so a mistake shows now, not at a scrape.
    pub(crate) fn load(path: Option<&Path>, allow_any: bool) -> Result<Loaded, AppError> {
        let file = match config::locate(path) {
            Some(path) => {
                let known = config::known_keys(&super::check_command()?);
                Some(config::load(&path, &known, config::Expand::Everything)?)
            }
            None => None,
        };
        let allow = file
            .iter()
            .flat_map(|f| f.allow.iter())
            .map(|p| AllowPattern::new(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|why| AppError::usage("--config", why))?;
        let loaded = Loaded {
            file,
            allow,
            allow_any,
        };
        for target in loaded.targets() {
            for module in std::iter::once("default").chain(loaded.modules()) {
                loaded
                    .settings_for(&target.name, module)
                    .map_err(|(_, why)| AppError::usage("--config", why))?;
                super::ping::series_of(loaded.file.as_ref(), &target.name, module)
                    .map_err(|why| AppError::usage("--config", why))?;
            }
        }
        Ok(loaded)
    }

    pub(crate) fn targets(&self) -> Vec<NamedTarget> {
        self.file
            .iter()
            .flat_map(|f| f.targets.iter())
            .map(|t| NamedTarget {
                name: t.name.clone(),
                url: t.url.clone(),
            })
            .collect()
    }

    pub(crate) fn modules(&self) -> Vec<&str> {
        self.file
            .iter()
            .flat_map(|f| f.modules.keys())
            .map(String::as_str)
            .collect()
    }

    /// `[serve] deny_private`, on unless the file turns it off.
    pub(crate) fn deny_private(&self) -> bool {
        self.file.as_ref().is_none_or(|f| f.deny_private)
    }

    pub(crate) fn allow_patterns(&self) -> &[String] {
        self.file.as_ref().map_or(&[], |f| f.allow.as_slice())
    }

    /// The settings of a probe, or the status and reason it is refused with.
    pub(crate) fn settings_for(
        &self,
        target: &str,
        module: &str,
    ) -> Result<(String, Settings), (StatusCode, String)> {
        let none: &[Entry] = &[];
        let defaults = self.file.as_ref().map_or(none, |f| f.defaults.as_slice());
        let module_entries = match (
            module,
            self.file.as_ref().and_then(|f| f.modules.get(module)),
        ) {
            ("default", None) => none,
            (_, Some(entries)) => entries.as_slice(),
            (other, None) => {
                return Err((
                    StatusCode::BAD_REQUEST,
                    format!(
                        "unknown module {other:?}; modules: default{}",
                        self.modules()
                            .iter()
                            .map(|m| format!(", {m}"))
                            .collect::<String>()
                    ),
                ))
            }
        };
        let named = self
            .file
            .as_ref()
            .and_then(|f| f.targets.iter().find(|t| t.name == target));
        let (name, url, layers): (String, String, Vec<&[Entry]>) = match named {
            Some(entry) => (
                entry.name.clone(),
                entry.url.clone(),
                vec![defaults, entry.entries.as_slice(), module_entries],
            ),
            None if target.contains("://") => {
                let listed = self.allow.iter().any(|p| p.matches(target));
                if !listed && !self.allow_any {
                    return Err((
                        StatusCode::FORBIDDEN,
                        "this target is not named in the config file and matches none of its [serve] allow patterns: wsdoctor serve does not probe arbitrary URLs (--allow-any-target changes that)".into(),
                    ));
                }
                (
                    target.to_string(),
                    target.to_string(),
                    vec![defaults, module_entries],
                )
            }
            None => {
                return Err((
                    StatusCode::BAD_REQUEST,
                    format!("no target named {target:?} in the config file"),
                ))
            }
        };
        let options =
            crate::targets::options_for("check", &layers, self.file.as_ref(), Some(&name))
                .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
        let mut settings = crate::args::settings(&url, &options, &Env::from_process())
            .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
        // A URL target is the request's choice, and a name under an allowed wildcard can resolve
        // anywhere: unless the file says otherwise, it may reach public addresses only, checked
        // at each connect. A named target is the file's own choice and trusted.
        if named.is_none() && self.deny_private() {
            settings.connect_policy = ConnectPolicy::PublicOnly;
        }
        // A URL target is shown on the page and in the log: never with its credentials.
        let name = Redactor::mask_url(&name);
        Ok((name, settings))
    }
}

/// Reads the config again for probes that start from now on; a config that does not load leaves
/// the one before it serving. Says what happened in the log and in the reload metrics.
pub(crate) fn reload(state: &State) -> Result<String, String> {
    match Loaded::load(state.config_path.as_deref(), state.allow_any) {
        Ok(loaded) => {
            let said = format!(
                "config reloaded: {} targets, {} modules, {} allow patterns",
                loaded.targets().len(),
                loaded.modules().len() + 1,
                loaded.allow.len()
            );
            let loaded = Arc::new(loaded);
            match state.config.write() {
                Ok(mut config) => *config = loaded,
                Err(poisoned) => *poisoned.into_inner() = loaded,
            }
            state.reload_ok.store(true, Ordering::Relaxed);
            state.loaded_at.store(unix_now(), Ordering::Relaxed);
            crate::print::stderr(&format!("wsdoctor serve: {said}"));
            Ok(said)
        }
        Err(e) => {
            state.reload_ok.store(false, Ordering::Relaxed);
            let said = format!("config not reloaded, the previous one stays: {e}");
            crate::print::stderr(&format!("wsdoctor serve: {said}"));
            Err(said)
        }
    }
}

/// Seconds since the Unix epoch, now.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

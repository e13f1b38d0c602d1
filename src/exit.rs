//! The exit status, the one number CI reads, and the one application error.

use std::process::ExitCode;
use wsdoctor_core::model::{Report, Verdict};
use wsdoctor_core::Interruption;

/// Every check passed or warned.
pub(crate) const OK: u8 = 0;
/// At least one check failed.
pub(crate) const FAILED: u8 = 1;
/// Usage or configuration error.
pub(crate) const USAGE: u8 = 2;
/// wsdoctor could not do its job: an I/O or runtime error, not a verdict on the target.
pub(crate) const ERROR: u8 = 3;
/// Interrupted by SIGINT (Ctrl-C); a partial report was still written.
pub(crate) const INTERRUPTED: u8 = 130;
/// Stopped by SIGTERM (`timeout`, CI cancellation, a container stop); a partial report was written.
pub(crate) const TERMINATED: u8 = 143;
/// Stopped by SIGHUP (the terminal went away); a partial report was written.
pub(crate) const HUNG_UP: u8 = 129;

/// Every exit status with its meaning, for the man pages and the README's table.
pub(crate) const STATUSES: &[(u8, &str)] = &[
    (OK, "every check passed or warned"),
    (FAILED, "at least one check failed (including a check cut off by --deadline)"),
    (USAGE, "usage or configuration error: the message names the argument or variable"),
    (ERROR, "wsdoctor could not do its job (an I/O or runtime error); never a verdict on the target"),
    (INTERRUPTED, "stopped by SIGINT (Ctrl-C); the partial report is still written"),
    (TERMINATED, "stopped by SIGTERM (timeout, CI cancellation, a container stop); the partial report is still written"),
    (HUNG_UP, "stopped by SIGHUP; the partial report is still written"),
];

/// The exit statuses of `wsdoctor ping`, which ends on Ctrl-C as ping(8) does.
pub(crate) const PING_STATUSES: &[(u8, &str)] = &[
    (OK, "every sample was answered and no socket was cut (or within --max-loss and --max-cuts), Ctrl-C included"),
    (FAILED, "samples were lost or the socket was cut beyond --max-loss and --max-cuts, or the socket never opened, or reconnecting gave up"),
    (USAGE, "usage error: the message names the argument or variable"),
    (ERROR, "wsdoctor could not do its job (an I/O or runtime error); never a verdict on the target"),
    (TERMINATED, "stopped by SIGTERM; the summary is still written"),
    (HUNG_UP, "stopped by SIGHUP; the summary is still written"),
];

/// The exit statuses of `wsdoctor serve`, which gives no verdict and reloads on SIGHUP.
pub(crate) const SERVE_STATUSES: &[(u8, &str)] = &[
    (OK, "stopped by SIGINT or SIGTERM, after the probes in flight finished or --shutdown-grace ran out"),
    (USAGE, "usage or configuration error at start: the message names the argument, variable or line (a config that does not load on a reload only keeps the previous one)"),
    (ERROR, "the address could not be listened on, or another I/O or runtime error"),
];

/// Why wsdoctor could not produce a verdict.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AppError {
    /// An argument, variable or file the user gave is unusable (exit 2).
    #[error("invalid value for {argument}: {message}")]
    Usage {
        /// The argument as the user spelled it (`--timeout`, `<TARGET>`, `WSDOCTOR_HEADER`).
        argument: String,
        /// What is wrong with it. Never contains a secret.
        message: String,
    },
    /// A place in a file (the config file) is unusable (exit 2).
    #[error("{place}: {message}")]
    At {
        /// `FILE:LINE[:COLUMN]`, with the target when there is one.
        place: String,
        /// What is wrong there. Never contains a secret.
        message: String,
    },
    /// Reading or writing something failed (exit 3).
    #[error("{what}: {error}")]
    Io {
        /// What was being done.
        what: String,
        /// The OS's words.
        error: std::io::Error,
    },
    /// Something wsdoctor needs could not start (exit 3).
    #[error("{0}")]
    Runtime(String),
}

impl AppError {
    /// A usage error about `argument`.
    pub(crate) fn usage(argument: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Usage {
            argument: argument.into(),
            message: message.into(),
        }
    }

    /// An error at a place in a file.
    pub(crate) fn at(place: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::At {
            place: place.into(),
            message: message.into(),
        }
    }

    /// An I/O error while doing `what`.
    pub(crate) fn io(what: impl Into<String>, error: std::io::Error) -> AppError {
        AppError::Io {
            what: what.into(),
            error,
        }
    }

    /// The exit status for this error.
    pub(crate) fn status(&self) -> u8 {
        match self {
            AppError::Usage { .. } | AppError::At { .. } => USAGE,
            AppError::Io { .. } | AppError::Runtime(_) => ERROR,
        }
    }

    /// Prints the error on stderr, with any credential in it masked and any value it quotes cut
    /// to a line, and returns its status.
    pub(crate) fn report(&self) -> ExitCode {
        let text = wsdoctor_core::Redactor::mask_userinfo(&self.to_string());
        crate::print::error_line(&shorten_quoted(&text));
        ExitCode::from(self.status())
    }
}

/// The most characters of a quoted value an error message echoes.
const ECHOED_CHARS: usize = 80;
/// The most characters of an error message, whatever it holds.
const MESSAGE_CHARS: usize = 2000;

/// `text` with every quoted value ('…' or "…") longer than [`ECHOED_CHARS`] cut with "…", and
/// the whole cut at [`MESSAGE_CHARS`]: a 50 MB value in a config file is no reason for 50 MB of
/// stderr. A quote opens only at the start of a word, so an apostrophe ("server's") opens none.
/// Linear: each quote is looked for once.
pub(crate) fn shorten_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MESSAGE_CHARS * 4));
    let mut rest = text;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        let opens = matches!(c, '\'' | '"')
            && previous.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '=' | ':'));
        out.push(c);
        previous = Some(c);
        if !opens {
            continue;
        }
        let Some(end) = rest.find(c) else { continue };
        let inner = &rest[..end];
        match inner.char_indices().nth(ECHOED_CHARS) {
            Some((cut, _)) => {
                out.push_str(&inner[..cut]);
                out.push('…');
            }
            None => out.push_str(inner),
        }
        out.push(c);
        previous = Some(c);
        rest = &rest[end + c.len_utf8()..];
    }
    match out.char_indices().nth(MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &out[..cut]),
        None => out,
    }
}

/// The status for a finished (or interrupted) run.
pub(crate) fn status(report: &Report, interruption: Option<Interruption>) -> u8 {
    if interruption == Some(Interruption::Signal) {
        return INTERRUPTED;
    }
    match report.verdict {
        Verdict::Pass | Verdict::Warn => OK,
        Verdict::Fail => FAILED,
    }
}

#[cfg(test)]
mod tests {
    use super::shorten_quoted;

    #[test]
    fn long_quoted_values_are_cut_and_apostrophes_left_alone() {
        let long = "9".repeat(10_000);
        let text = format!("w.toml:2: timeout: invalid value '{long}' for '--timeout <DURATION>'");
        let short = shorten_quoted(&text);
        assert!(short.contains(&format!("'{}…'", "9".repeat(80))), "{short}");
        assert!(short.ends_with("for '--timeout <DURATION>'"), "{short}");
        let plain = "the server's answer isn't \"ok\"";
        assert_eq!(shorten_quoted(plain), plain);
        let unquoted = "x".repeat(5_000);
        assert_eq!(shorten_quoted(&unquoted).chars().count(), 2001);
    }
}

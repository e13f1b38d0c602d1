//! The wire trace as text (`--trace`): one line per `wire` event, timed from the start of the
//! run and named by the check whose connection it is, on stderr and in `--trace-file`.
//!
//! ```text
//! [    12.3 ms] echo        → GET /ws-test HTTP/1.1
//! ```

use super::human::safe;
use std::io::{self, Write};
use wsdoctor_core::model::{CheckId, WireDir};

/// One trace line. The text was escaped and redacted where it was made; it is made safe again
/// here, so nothing in an event can reach a terminal unescaped.
pub(crate) fn line(at_ms: f64, id: CheckId, dir: WireDir, text: &str) -> String {
    format!(
        "[{at_ms:>9.1} ms] {:<11} {} {}\n",
        id.to_string(),
        dir.arrow(),
        safe(text)
    )
}

/// Where trace lines go: stderr, and the `--trace-file` when given.
pub(crate) struct TraceWriter {
    file: Option<(std::path::PathBuf, io::BufWriter<std::fs::File>)>,
    error: Option<io::Error>,
}

impl TraceWriter {
    /// A writer; creates (or truncates) `file` now, so a path that cannot be written is a usage
    /// error before the run rather than a lost trace after it.
    pub(crate) fn new(
        file: Option<&std::path::Path>,
    ) -> Result<TraceWriter, crate::exit::AppError> {
        let file = match file {
            Some(path) => {
                let created = std::fs::File::create(path).map_err(|e| {
                    crate::exit::AppError::usage(
                        "--trace-file",
                        format!("cannot write {}: {e}", path.display()),
                    )
                })?;
                Some((path.to_path_buf(), io::BufWriter::new(created)))
            }
            None => None,
        };
        Ok(TraceWriter { file, error: None })
    }

    /// Writes one line to stderr and the file.
    pub(crate) fn write(&mut self, line: &str) {
        let _ = io::stderr().lock().write_all(line.as_bytes());
        if let Some((_, file)) = self.file.as_mut() {
            if let Err(e) = file.write_all(line.as_bytes()) {
                self.error.get_or_insert(e);
            }
        }
    }

    /// Flushes the file; the first error writing it, with its path.
    pub(crate) fn finish(mut self) -> Result<(), (std::path::PathBuf, io::Error)> {
        if let Some((path, mut file)) = self.file.take() {
            if let Some(e) = self.error.take() {
                return Err((path, e));
            }
            file.flush().map_err(|e| (path, e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_timed_named_and_safe() {
        assert_eq!(
            line(12.34, CheckId::Echo, WireDir::Send, "GET /ws-test HTTP/1.1"),
            "[     12.3 ms] echo        → GET /ws-test HTTP/1.1\n"
        );
        assert!(!line(1.0, CheckId::Tcp, WireDir::Recv, "a\u{1b}[2Jb").contains('\u{1b}'));
    }
}

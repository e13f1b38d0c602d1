//! Writing to the terminal: a closed pipe is not an error worth a message.

use std::io::{self, Write};

/// Writes to stdout; false when the reader has gone (`| head`) or the write failed.
pub(crate) fn stdout(text: &str) -> bool {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => false,
        Err(e) => {
            error_line(&format!("writing to stdout: {e}"));
            false
        }
    }
}

/// Writes one line to stderr (wsdoctor's own messages; reports go to stdout).
pub(crate) fn stderr(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Writes `error: …` to stderr.
pub(crate) fn error_line(message: &str) {
    stderr(&format!("error: {message}"));
}

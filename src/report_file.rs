//! The `--output` file, written whole or not at all.

use crate::exit::AppError;
use std::io::{self, Write};

/// A report file that is never left half-written: everything goes to a temporary file beside it,
/// which replaces the file only when complete. Until then (and if the run dies) the previous
/// report at that path is untouched. A path that exists and is not a regular file (`/dev/stdout`,
/// a FIFO, a device) is written directly: it cannot be replaced, and must not be.
pub(crate) enum ReportFile {
    /// A regular file, replaced atomically.
    Atomic {
        path: std::path::PathBuf,
        temp: tempfile::NamedTempFile,
    },
    /// A special file, written as it is.
    Direct {
        path: std::path::PathBuf,
        file: std::fs::File,
    },
}

impl ReportFile {
    /// Prepares `path`; fails (a usage error) when it cannot be written, before the run rather
    /// than after it.
    pub(crate) fn create(path: &std::path::Path) -> Result<ReportFile, AppError> {
        let unwritable = |e: io::Error| {
            AppError::usage("--output", format!("cannot write {}: {e}", path.display()))
        };
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_dir() {
                return Err(AppError::usage(
                    "--output",
                    format!("{} is a directory", path.display()),
                ));
            }
            if !meta.is_file() {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(unwritable)?;
                return Ok(ReportFile::Direct {
                    path: path.to_path_buf(),
                    file,
                });
            }
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => std::path::Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".to_string());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        // tempfile creates 0600; a report is an ordinary file, so it gets what the shell's `>`
        // would give: 0666 narrowed by the umask (open(2) applies it), and a report being
        // replaced keeps the mode it had.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir).map_err(unwritable)?;
        if let Ok(previous) = std::fs::metadata(path) {
            temp.as_file()
                .set_permissions(previous.permissions())
                .map_err(unwritable)?;
        }
        Ok(ReportFile::Atomic {
            path: path.to_path_buf(),
            temp,
        })
    }

    /// Appends to the report, flushed so a reader following the file sees it at once.
    pub(crate) fn append(&mut self, text: &str) -> io::Result<()> {
        let file = match self {
            ReportFile::Atomic { temp, .. } => temp.as_file_mut(),
            ReportFile::Direct { file, .. } => file,
        };
        file.write_all(text.as_bytes())?;
        file.flush()
    }

    /// The file to write a large document into as it is serialised, rather than building it in
    /// memory first (a fleet of a thousand reports is megabytes of JSON).
    pub(crate) fn writer(&mut self) -> &mut std::fs::File {
        match self {
            ReportFile::Atomic { temp, .. } => temp.as_file_mut(),
            ReportFile::Direct { file, .. } => file,
        }
    }

    /// Moves the complete report into place.
    pub(crate) fn commit(self) -> Result<(), AppError> {
        match self {
            ReportFile::Atomic { path, temp } => {
                let failed = |e: io::Error| AppError::io(format!("writing {}", path.display()), e);
                temp.as_file().sync_all().map_err(failed)?;
                temp.persist(&path).map_err(|e| failed(e.error))?;
                Ok(())
            }
            ReportFile::Direct { path, mut file } => file
                .flush()
                .map_err(|e| AppError::io(format!("writing {}", path.display()), e)),
        }
    }
}

//! Where a finished run's report goes: `--output`, stdout, `$GITHUB_STEP_SUMMARY`, annotations and
//! `-w`, decided once for one target's report and a fleet's alike.

use crate::args::OutputSettings;
use crate::cli::Format;
use crate::exit::AppError;
use crate::render;
use crate::report_file::ReportFile;
use std::io::{self, Write};

/// A finished run as its outputs see it: one report, or a fleet's spooled pieces.
pub(crate) trait Document {
    /// The human view, as stdout gets it.
    fn human(&mut self, color: bool, out: &mut dyn Write) -> io::Result<()>;
    /// The verdict line alone (`--quiet`).
    fn verdict_line(&mut self, color: bool, out: &mut dyn Write) -> io::Result<()>;
    /// The whole document in `format` (`color` only where it goes to a terminal).
    fn document(&mut self, format: Format, color: bool, out: &mut dyn Write) -> io::Result<()>;
    /// The Markdown view, for the GitHub step summary.
    fn markdown(&mut self, out: &mut dyn Write) -> io::Result<()>;
    /// The GitHub annotations.
    fn annotations(&mut self, out: &mut dyn Write) -> io::Result<()>;
    /// The `-w` lines.
    fn write_out(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// Whether stdout gets the whole human report: the human format, or any format written to
/// `--output` (stdout then gets the human view), and not `--quiet`.
pub(crate) fn human_on_stdout(output: &OutputSettings) -> bool {
    !output.quiet
        && output.write_out.is_none()
        && (output.format == Format::Human || output.output.is_some())
}

/// The `--output` path, for messages.
pub(crate) fn output_path(output: &OutputSettings) -> String {
    output
        .output
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "--output".to_string())
}

/// The error for a failed write to `--output`.
pub(crate) fn write_failed(output: &OutputSettings, e: io::Error) -> AppError {
    AppError::io(format!("writing {}", output_path(output)), e)
}

/// Writes `document` everywhere it was asked for.
pub(crate) fn write(
    output: &OutputSettings,
    document: &mut dyn Document,
    file: Option<ReportFile>,
    color: bool,
) -> Result<(), AppError> {
    if output.format == Format::Github || render::github::in_github_actions() {
        if let Err(e) = step_summary(document) {
            crate::print::stderr(&format!(
                "wsdoctor: cannot append to $GITHUB_STEP_SUMMARY: {e}"
            ));
        }
    }
    let human = |document: &mut dyn Document, out: &mut dyn Write| {
        if output.write_out.is_some() {
            // -w is the line a script reads: it stands where the human view would.
            Ok(())
        } else if output.quiet {
            document.verdict_line(color, out)
        } else {
            document.human(color, out)
        }
    };
    match file {
        Some(mut file) => {
            {
                let mut writer = io::BufWriter::new(file.writer());
                document
                    .document(output.format, false, &mut writer)
                    .and_then(|()| writer.flush())
                    .map_err(|e| write_failed(output, e))?;
            }
            file.commit()?;
            to_stdout(|out| human(document, out))?;
        }
        // --quiet: nothing on stdout but the verdict line, whatever the format.
        None if output.quiet || output.format == Format::Human => {
            to_stdout(|out| human(document, out))?
        }
        None => to_stdout(|out| document.document(output.format, color, out))?,
    }
    // Under GitHub Actions, wherever the human view reaches the log the annotations follow it.
    if human_on_stdout(output) && render::github::in_github_actions() {
        to_stdout(|out| document.annotations(out))?;
    }
    if output.write_out.is_some() {
        to_stdout(|out| document.write_out(out))?;
    }
    Ok(())
}

/// Appends the Markdown view to `$GITHUB_STEP_SUMMARY`, when it names a file.
fn step_summary(document: &mut dyn Document) -> io::Result<()> {
    let Some(summary) = render::github::step_summary()? else {
        return Ok(());
    };
    let mut writer = io::BufWriter::new(summary);
    document.markdown(&mut writer)?;
    writer.write_all(b"\n")?;
    writer.flush()
}

/// Writes to stdout through a buffer; a reader that went away (`| head`) is not an error worth a
/// message.
fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), AppError> {
    let stdout = io::stdout();
    let mut writer = io::BufWriter::new(stdout.lock());
    match write(&mut writer).and_then(|()| writer.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(AppError::io("writing to stdout", e)),
    }
}

/// One target's report.
pub(crate) struct OneReport<'a> {
    pub(crate) report: &'a wsdoctor_core::model::Report,
    /// How many checks of the human view stdout has already had, as they finished (with its
    /// header): stdout gets the rest.
    pub(crate) printed: Option<usize>,
    /// The run's `--trace` lines, for the HTML page.
    pub(crate) trace: &'a [String],
    pub(crate) write_out: Option<&'a render::write_out::Template>,
}

impl Document for OneReport<'_> {
    fn human(&mut self, color: bool, out: &mut dyn Write) -> io::Result<()> {
        let text = match self.printed {
            Some(printed) => render::human::rest(self.report, printed, color),
            None => render::human::render(self.report, color),
        };
        out.write_all(text.as_bytes())
    }

    fn verdict_line(&mut self, color: bool, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", render::human::verdict_line(self.report, color))
    }

    fn document(&mut self, format: Format, color: bool, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(render::document(format, self.report, color, self.trace).as_bytes())
    }

    fn markdown(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(render::markdown::render(self.report).as_bytes())
    }

    fn annotations(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(render::github::annotations(self.report, None).as_bytes())
    }

    fn write_out(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.write_out {
            Some(template) => out.write_all(template.render(self.report).as_bytes()),
            None => Ok(()),
        }
    }
}

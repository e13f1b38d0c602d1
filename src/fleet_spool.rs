//! A fleet's documents, written as its targets end. Each finished target's pieces (its JSON
//! entry, its human line and checklist, its JUnit suite…, only those an output asks for) are
//! rendered at once and appended to an unnamed temporary file, and the report is dropped; what
//! stays in memory per target is where its pieces lie and what the fleet's summary counts. At the
//! end each document is assembled from the pieces in the order the targets were asked for, so the
//! documents are those a fleet held in memory would give, byte for byte, and memory does not grow
//! with the number of targets (the temporary file does, by the size of the documents).

use crate::render;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use wsdoctor_core::model::fleet::Totals;
use wsdoctor_core::model::{Code, FleetReport, FleetReportEvent, Report, Verdict};

/// One piece of a target's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Its entry of the JSON document, pretty, indented as within `targets`.
    Json,
    /// Its entry of the NDJSON `fleet_report` event, on one line.
    Ndjson,
    /// Its `<testsuite>`.
    Junit,
    /// Its line of the human view.
    HumanLine { color: bool },
    /// Its checklist in the human view (empty for a pass unless `all`).
    HumanDetail { color: bool, all: bool },
    /// Its row of the Markdown table.
    MarkdownLine,
    /// Its checks in Markdown (empty for a pass).
    MarkdownDetail,
    /// Its GitHub annotations.
    Annotations,
    /// Its `-w` line (the template is the spool's).
    WriteOut,
}

/// A `FleetEntry` borrowing its parts: the same fields in the same order, so the same JSON.
#[derive(serde::Serialize)]
struct Entry<'a> {
    name: &'a str,
    report: &'a Report,
}

/// Where a piece lies in the file.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    at: u64,
    len: u64,
}

/// The finished targets' pieces and the fleet's summary.
pub(crate) struct Spool {
    file: File,
    end: u64,
    pieces: Vec<Piece>,
    /// `pieces.len()` spans per target, by the target's index.
    spans: Vec<Span>,
    done: Vec<bool>,
    /// The width of the human view's name column, known from the names before any target ends.
    width: usize,
    totals: Totals,
    codes: Vec<Code>,
    interrupted: bool,
    junit: render::junit::SuiteCounts,
    /// Each distinct failure and warning, with the targets sharing it (for the human view).
    shared: Vec<render::fleet::Shared>,
    /// The `-w` template, for [`Piece::WriteOut`].
    write_out: Option<render::write_out::Template>,
}

impl Spool {
    /// A spool for `targets` targets (their names, in order) keeping `pieces`.
    pub(crate) fn new(names: &[String], mut pieces: Vec<Piece>) -> io::Result<Spool> {
        let mut seen = Vec::new();
        pieces.retain(|p| {
            let first = !seen.contains(p);
            seen.push(*p);
            first
        });
        Ok(Spool {
            file: tempfile::tempfile()?,
            end: 0,
            spans: vec![Span::default(); names.len() * pieces.len()],
            done: vec![false; names.len()],
            pieces,
            width: render::fleet::name_width(names.iter().map(String::as_str)),
            totals: Default::default(),
            codes: Vec::new(),
            interrupted: false,
            junit: Default::default(),
            shared: Vec::new(),
            write_out: None,
        })
    }

    /// The `-w` template each target's [`Piece::WriteOut`] line is rendered with.
    pub(crate) fn with_write_out(mut self, template: Option<render::write_out::Template>) -> Spool {
        self.write_out = template;
        self
    }

    /// Keeps what the outputs need of target `index`'s report.
    pub(crate) fn add(&mut self, index: usize, name: &str, report: &Report) -> io::Result<()> {
        self.totals.targets += 1;
        match report.verdict {
            Verdict::Pass => self.totals.passed += 1,
            Verdict::Warn => self.totals.warned += 1,
            Verdict::Fail => self.totals.failed += 1,
        }
        for code in &report.codes {
            if !self.codes.contains(code) {
                self.codes.push(*code);
            }
        }
        self.interrupted |= report.interrupted;
        render::fleet::note_shared(&mut self.shared, index, name, report);
        let entry = Entry { name, report };
        for (slot, piece) in self.pieces.clone().into_iter().enumerate() {
            let text = match piece {
                Piece::Json => {
                    indented(&serde_json::to_string_pretty(&entry).map_err(io::Error::other)?)
                }
                // As `FleetReportEvent` serialises the report: through a value, its keys sorted.
                Piece::Ndjson => serde_json::to_value(&entry)
                    .map_err(io::Error::other)?
                    .to_string(),
                Piece::Junit => {
                    let (text, counts) = render::junit::fleet_suite(name, report);
                    self.junit += counts;
                    text
                }
                Piece::HumanLine { color } => {
                    let mut line = render::fleet::target_line(name, report, self.width, color);
                    line.push('\n');
                    line
                }
                Piece::HumanDetail { color, all } => {
                    render::fleet::detail(name, report, all, color)
                }
                Piece::MarkdownLine => render::markdown::fleet_line(name, report),
                Piece::MarkdownDetail => render::markdown::fleet_detail(name, report),
                Piece::Annotations => render::github::annotations(report, Some(name)),
                Piece::WriteOut => self
                    .write_out
                    .as_ref()
                    .map(|t| t.render(report))
                    .unwrap_or_default(),
            };
            let span = Span {
                at: self.end,
                len: text.len() as u64,
            };
            self.file.seek(SeekFrom::Start(self.end))?;
            self.file.write_all(text.as_bytes())?;
            self.end += span.len;
            self.spans[index * self.pieces.len() + slot] = span;
        }
        self.done[index] = true;
        Ok(())
    }

    /// The fleet's summary: everything but the targets.
    pub(crate) fn summary(&self, started_at: String, duration_ms: f64) -> FleetReport {
        let mut codes = self.codes.clone();
        codes.sort_by_key(|c| c.rank());
        let mut summary = FleetReport::new(started_at, duration_ms, Vec::new());
        summary.totals = self.totals;
        summary.codes = codes;
        summary.interrupted = self.interrupted;
        summary.verdict = if self.totals.failed > 0 {
            Verdict::Fail
        } else if self.totals.warned > 0 {
            Verdict::Warn
        } else {
            Verdict::Pass
        };
        summary
    }

    /// Writes every finished target's `piece`, in the targets' order, `between` two of them.
    fn write_pieces(&mut self, piece: Piece, between: &str, out: &mut dyn Write) -> io::Result<()> {
        let Some(slot) = self.pieces.iter().position(|p| *p == piece) else {
            return Ok(());
        };
        let mut first = true;
        let mut buffer = Vec::new();
        for index in 0..self.done.len() {
            if !self.done[index] {
                continue;
            }
            if !first {
                out.write_all(between.as_bytes())?;
            }
            first = false;
            let span = self.spans[index * self.pieces.len() + slot];
            buffer.clear();
            self.file.seek(SeekFrom::Start(span.at))?;
            (&mut self.file).take(span.len).read_to_end(&mut buffer)?;
            out.write_all(&buffer)?;
        }
        Ok(())
    }

    /// The JSON document (`pretty`), or the NDJSON `fleet_report` event's line.
    pub(crate) fn write_json(
        &mut self,
        summary: &FleetReport,
        pretty: bool,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        // The summary serialised with no targets, and the targets written where its empty list
        // stands: the same bytes as the whole document serialised at once.
        let (frame, empty, piece, between, open, close) = if pretty {
            let frame = serde_json::to_string_pretty(summary).map_err(io::Error::other)?;
            (
                frame,
                "\"targets\": []",
                Piece::Json,
                ",\n",
                "\"targets\": [\n",
                "\n  ]",
            )
        } else {
            let time = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
            let event = FleetReportEvent {
                time: &time,
                report: summary,
            };
            (
                serde_json::to_string(&event).map_err(io::Error::other)?,
                "\"targets\":[]",
                Piece::Ndjson,
                ",",
                "\"targets\":[",
                "]",
            )
        };
        let Some(at) = frame.find(empty) else {
            return Err(io::Error::other("the fleet document has no targets list"));
        };
        out.write_all(&frame.as_bytes()[..at])?;
        if self.totals.targets == 0 {
            out.write_all(empty.as_bytes())?;
        } else {
            out.write_all(open.as_bytes())?;
            self.write_pieces(piece, between, out)?;
            out.write_all(close.as_bytes())?;
        }
        out.write_all(&frame.as_bytes()[at + empty.len()..])?;
        out.write_all(b"\n")
    }

    /// The JUnit document.
    pub(crate) fn write_junit(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let (head, tail) = render::junit::fleet_frame(self.junit);
        out.write_all(head.as_bytes())?;
        self.write_pieces(Piece::Junit, "", out)?;
        out.write_all(tail.as_bytes())
    }

    /// The human view.
    pub(crate) fn write_human(
        &mut self,
        summary: &FleetReport,
        all: bool,
        color: bool,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        out.write_all(render::fleet::header(summary.totals.targets).as_bytes())?;
        self.write_pieces(Piece::HumanLine { color }, "", out)?;
        if all {
            self.write_pieces(Piece::HumanDetail { color, all }, "", out)?;
        } else {
            out.write_all(render::fleet::shared(&self.shared, color).as_bytes())?;
        }
        out.write_all(render::fleet::footer(summary, color).as_bytes())
    }

    /// The Markdown view.
    pub(crate) fn write_markdown(
        &mut self,
        summary: &FleetReport,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        out.write_all(render::markdown::fleet_header(summary).as_bytes())?;
        self.write_pieces(Piece::MarkdownLine, "", out)?;
        self.write_pieces(Piece::MarkdownDetail, "", out)
    }

    /// Every target's `-w` line, in the fleet's order.
    pub(crate) fn write_write_out(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.write_pieces(Piece::WriteOut, "", out)
    }

    /// Every target's GitHub annotations.
    pub(crate) fn write_annotations(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.write_pieces(Piece::Annotations, "", out)
    }
}

/// A pretty entry indented as the document's `targets` list holds it (two levels, four spaces).
fn indented(entry: &str) -> String {
    let mut out = String::with_capacity(entry.len() + entry.len() / 8);
    for (n, line) in entry.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_core::model::{Cause, CheckId, CheckReport, Finding, FleetEntry};

    fn entries() -> Vec<FleetEntry> {
        let failed = CheckReport::failed(
            CheckId::Tcp,
            Finding::new(
                Cause::TcpRefused,
                "127.0.0.1:1 refused \"the\" connection\n",
            ),
        );
        let skipped = CheckReport::skipped(CheckId::Hold, "no --hold given");
        vec![
            FleetEntry {
                name: "b-fails".into(),
                report: Report::new("ws://b/".into(), "now".into(), vec![failed, skipped]),
            },
            FleetEntry {
                name: "a".into(),
                report: Report::new("ws://a/".into(), "now".into(), Vec::new()),
            },
        ]
    }

    /// A spool of `entries` in `pieces`, the targets ending in the reverse order of their index.
    fn spooled(entries: &[FleetEntry], pieces: Vec<Piece>) -> Spool {
        let names: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
        let mut spool = Spool::new(&names, pieces).unwrap();
        for (index, entry) in entries.iter().enumerate().rev() {
            spool.add(index, &entry.name, &entry.report).unwrap();
        }
        spool
    }

    fn text(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        write(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_json_document_is_the_whole_fleet_s_byte_for_byte_in_the_order_asked() {
        let entries = entries();
        let whole = FleetReport::new("then".into(), 12.5, entries.clone());
        let mut spool = spooled(&entries, vec![Piece::Json, Piece::Ndjson]);
        let summary = spool.summary("then".into(), 12.5);
        let json = text(|out| spool.write_json(&summary, true, out));
        assert_eq!(json, serde_json::to_string_pretty(&whole).unwrap() + "\n");
        let line = text(|out| spool.write_json(&summary, false, out));
        assert!(
            line.ends_with("}\n") && line.matches('\n').count() == 1,
            "{line}"
        );
        let event: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(event["type"], "fleet_report");
        assert_eq!(event["data"], serde_json::to_value(&whole).unwrap());
    }

    #[test]
    fn the_junit_suites_come_in_the_order_asked_and_are_counted() {
        let entries = entries();
        let mut spool = spooled(&entries, vec![Piece::Junit]);
        let xml = text(|out| spool.write_junit(out));
        let first = xml.find("<testsuite name=\"b-fails\"").unwrap();
        let second = xml.find("<testsuite name=\"a\"").unwrap();
        assert!(first < second, "{xml}");
        assert!(
            xml.contains("<testsuites name=\"wsdoctor\" tests=\"2\" failures=\"1\" errors=\"0\">"),
            "{xml}"
        );
        assert!(xml.ends_with("    </testsuite>\n</testsuites>\n"), "{xml}");
    }

    #[test]
    fn an_empty_detail_for_a_pass_and_the_verdict_last() {
        let entries = entries();
        let mut spool = spooled(
            &entries,
            vec![
                Piece::HumanLine { color: false },
                Piece::HumanDetail {
                    color: false,
                    all: false,
                },
            ],
        );
        let summary = spool.summary("then".into(), 1.0);
        let human = text(|out| spool.write_human(&summary, false, false, out));
        let lines: Vec<&str> = human.lines().collect();
        assert!(
            lines[2].contains("b-fails") && lines[3].contains(" a "),
            "{human}"
        );
        // The failure once, with its target; no checklist without --verbose.
        assert!(
            human.contains("✗ tcp CONNECTION_FAILED (tcp_refused) — 1 target: b-fails")
                && !human.contains("── "),
            "{human}"
        );
        assert!(
            lines
                .last()
                .unwrap()
                .starts_with("FAIL CONNECTION_FAILED — 2 targets"),
            "{human}"
        );
    }
}

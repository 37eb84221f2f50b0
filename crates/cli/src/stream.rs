//! `payglot translate` of camt.053 / camt.054 statements without holding them in memory: the
//! input is read entry by entry (`payglot_iso20022::StatementReader`) and `canonical:json` is
//! written as the entries arrive, byte for byte what the whole-document path writes. A
//! progress bar goes to stderr when (and only when) stderr is a terminal.

use std::io::{IsTerminal, Read, Write};

use payglot::model::message::{AccountReport, AccountReports, Entry, GroupHeader};
use payglot::model::text::Text;
use payglot::model::{CanonicalJson, Codec, DecodeError, DecodeLimits, EncodeOptions, Format, Loss, Message};
use payglot_iso20022::{StatementEvent, StatementReader};

use crate::commands::Exit;
use crate::report::Problem;

/// How much of the input is looked at to recognise a statement.
const SNIFF_BYTES: usize = 64 << 10;

/// Losses listed at most; further ones are counted in one summary line.
const MAX_LISTED_LOSSES: usize = 100_000;

/// Whether `to` can be written incrementally from a statement.
pub(crate) fn streams_to(to: &Format) -> bool {
    *to == Format::CANONICAL_JSON
}

/// Whether the input that starts with `prefix` is a camt.053/camt.054 the streaming reader
/// reads (given as `from`, or detected from the first bytes).
pub(crate) fn is_statement(prefix: &[u8], from: Option<&Format>) -> bool {
    let statement =
        |f: &Format| f.as_str().starts_with("iso20022:camt.053.") || f.as_str().starts_with("iso20022:camt.054.");
    match from {
        Some(format) => statement(format),
        None => {
            let head = prefix.get(..SNIFF_BYTES.min(prefix.len())).unwrap_or_default();
            // Cut at a character boundary: detection wants valid UTF-8.
            let valid = match std::str::from_utf8(head) {
                Ok(_) => head,
                Err(e) => head.get(..e.valid_up_to()).unwrap_or_default(),
            };
            payglot::detect(valid, &DecodeLimits::default()).is_ok_and(|f| statement(&f))
        }
    }
}

/// The first bytes of a file (for detection), without reading the rest.
pub(crate) fn file_prefix(path: &str) -> std::io::Result<Vec<u8>> {
    let mut prefix = Vec::new();
    std::fs::File::open(path)?.take(SNIFF_BYTES as u64).read_to_end(&mut prefix)?;
    Ok(prefix)
}

/// What a streamed translation gives back to the command.
pub(crate) struct Outcome {
    pub(crate) format: Format,
    pub(crate) losses: Vec<Loss>,
}

/// Translate the statement read from `input` (of `total` bytes when known) to `canonical:json`
/// on `output`. In strict mode the first loss stops the writing; the input is still read to
/// the end so that every loss is listed, and the translation is refused.
pub(crate) fn translate(
    input: impl Read,
    total: Option<u64>,
    limits: &DecodeLimits,
    strict: bool,
    output: &mut dyn Write,
) -> Result<Outcome, (Exit, Problem)> {
    let rejected = |e: &DecodeError| (Exit::Rejected, Problem::from_decode(e));
    let io = |e: std::io::Error| (Exit::Usage, Problem::usage(format!("cannot write output: {e}")));
    let mut reader = StatementReader::new(input, limits).map_err(|e| rejected(&e))?;
    let format = reader.format();
    let progress = progress_bar(total);
    let mut losses = Losses::default();
    losses.add(reader.take_losses());
    let mut writer =
        JsonWriter::begin(output, reader.message().id().starts_with("camt.053"), reader.header()).map_err(io)?;
    let mut writing = !(strict && losses.any());
    let mut events: u64 = 0;
    loop {
        let event = match reader.next_event() {
            Ok(Some(event)) => event,
            Ok(None) => break,
            Err(e) => {
                progress.abandon();
                return Err(rejected(&e));
            }
        };
        losses.add(reader.take_losses());
        if strict && losses.any() {
            writing = false;
        }
        if writing {
            let written = match &event {
                StatementEvent::ReportStart(report) => writer.report_start(report),
                StatementEvent::Entry(entry) => writer.entry(entry),
                StatementEvent::ReportEnd { additional_info } => writer.report_end(additional_info.as_ref()),
                _ => Ok(()),
            };
            written.map_err(io)?;
        }
        events += 1;
        if events.is_multiple_of(256) {
            progress.set_position(reader.bytes_read());
        }
    }
    progress.finish_and_clear();
    let losses = losses.finish();
    if strict && !losses.is_empty() {
        return Err((Exit::Lossy, Problem::from_decode(&DecodeError::lossy(losses))));
    }
    writer.finish().map_err(io)?;
    Ok(Outcome { format, losses })
}

fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = match total {
        Some(total) => indicatif::ProgressBar::new(total),
        None => indicatif::ProgressBar::no_length(),
    };
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} {bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    );
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}

/// Losses kept for the report, at most [`MAX_LISTED_LOSSES`] of them.
#[derive(Default)]
struct Losses {
    listed: Vec<Loss>,
    unlisted: u64,
}

impl Losses {
    fn add(&mut self, losses: Vec<Loss>) {
        for loss in losses {
            if self.listed.len() < MAX_LISTED_LOSSES {
                self.listed.push(loss);
            } else {
                self.unlisted += 1;
            }
        }
    }

    fn any(&self) -> bool {
        !self.listed.is_empty()
    }

    fn finish(mut self) -> Vec<Loss> {
        if self.unlisted > 0 {
            self.listed.push(Loss::dropped(
                "",
                format!("{} further losses not listed (only the first {MAX_LISTED_LOSSES} are)", self.unlisted),
            ));
        }
        self.listed
    }
}

/// Writes the `canonical:json` document of a statement piece by piece. serde_json's pretty
/// printer indents by nesting depth only, so each piece printed alone and indented by its
/// depth is exactly what printing the whole message gives.
struct JsonWriter<'a> {
    out: &'a mut dyn Write,
    /// What follows the reports array (closing the message and the document).
    suffix: String,
    reports: usize,
    entries: usize,
}

/// `"reports": []` in the printed skeleton (message → kind → field: three levels deep).
const REPORTS_MARKER: &str = "\n      \"reports\": []";
/// Indentation of a report object, of its fields, and of an entry object.
const REPORT_INDENT: &str = "        ";
const FIELD_INDENT: &str = "          ";
const ENTRY_INDENT: &str = "            ";

impl<'a> JsonWriter<'a> {
    fn begin(out: &'a mut dyn Write, statement: bool, header: &GroupHeader) -> std::io::Result<Self> {
        let reports = AccountReports { header: header.clone(), reports: Vec::new() };
        let skeleton = if statement { Message::Statement(reports) } else { Message::Notification(reports) };
        let printed = CanonicalJson
            .encode(&skeleton, &EncodeOptions::default())
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let text = String::from_utf8_lossy(&printed.bytes).into_owned();
        let Some(at) = text.find(REPORTS_MARKER) else {
            return Err(std::io::Error::other("unexpected canonical:json layout (no reports array)"));
        };
        let (head, rest) = text.split_at(at);
        out.write_all(head.as_bytes())?;
        out.write_all(b"\n      \"reports\": [")?;
        let suffix = rest.get(REPORTS_MARKER.len()..).unwrap_or_default().to_owned();
        Ok(JsonWriter { out, suffix, reports: 0, entries: 0 })
    }

    fn write_indented(&mut self, json: &str, indent: &str) -> std::io::Result<()> {
        for (i, line) in json.lines().enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
            }
            self.out.write_all(indent.as_bytes())?;
            self.out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    fn report_start(&mut self, report: &AccountReport) -> std::io::Result<()> {
        // Entries and additional information are the last two fields; a report head has
        // neither, so its printed object ends right after its other fields.
        let json = serde_json::to_string_pretty(report)?;
        let body = json.strip_suffix("\n}").unwrap_or(&json);
        self.out.write_all(if self.reports == 0 { b"\n" } else { b",\n" })?;
        self.write_indented(body, REPORT_INDENT)?;
        self.reports += 1;
        self.entries = 0;
        Ok(())
    }

    fn entry(&mut self, entry: &Entry) -> std::io::Result<()> {
        if self.entries == 0 {
            write!(self.out, ",\n{FIELD_INDENT}\"entries\": [\n")?;
        } else {
            self.out.write_all(b",\n")?;
        }
        let json = serde_json::to_string_pretty(entry)?;
        self.write_indented(&json, ENTRY_INDENT)?;
        self.entries += 1;
        Ok(())
    }

    fn report_end(&mut self, additional_info: Option<&Text<500>>) -> std::io::Result<()> {
        if self.entries > 0 {
            write!(self.out, "\n{FIELD_INDENT}]")?;
        }
        if let Some(info) = additional_info {
            write!(self.out, ",\n{FIELD_INDENT}\"additional_info\": {}", serde_json::to_string(info)?)?;
        }
        write!(self.out, "\n{REPORT_INDENT}}}")
    }

    fn finish(self) -> std::io::Result<()> {
        self.out.write_all(b"\n      ]")?;
        self.out.write_all(self.suffix.as_bytes())?;
        self.out.flush()
    }
}

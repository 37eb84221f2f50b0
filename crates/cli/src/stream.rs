//! `payglot translate` of camt.053 / camt.054 statements without holding them in memory: the
//! input is read entry by entry (`payglot_iso20022::StatementReader`) and the output is written
//! as the entries arrive — `canonical:json`, or a camt.053 / camt.054 of any supported version
//! (`payglot_iso20022::StatementWriter`) — byte for byte what the whole-document path writes.
//! A progress bar goes to stderr when (and only when) stderr is a terminal.

use std::io::{IsTerminal, Read, Write};

use payglot::TranslateError;
use payglot::model::message::{AccountReport, AccountReports, Entry, GroupHeader};
use payglot::model::text::Text;
use payglot::model::{
    CanonicalJson, Codec, DecodeError, DecodeLimits, EncodeError, EncodeOptions, Format, Loss, Message, Strictness,
};
use payglot_iso20022::{IsoMessage, StatementEvent, StatementReader, StatementWriter};

use crate::commands::Exit;
use crate::report::Problem;

/// How much of the input is looked at to recognise a statement.
const SNIFF_BYTES: usize = 64 << 10;

/// Losses listed at most; further ones are counted in one summary line.
const MAX_LISTED_LOSSES: usize = 100_000;

/// Whether `to` can be written incrementally from a statement.
pub(crate) fn streams_to(to: &Format) -> bool {
    *to == Format::CANONICAL_JSON || statement_version(to).is_some()
}

/// The camt.053 / camt.054 version `format` names.
fn statement_version(format: &Format) -> Option<IsoMessage> {
    IsoMessage::ALL.into_iter().find(|m| m.format() == *format && m.id().starts_with("camt.05"))
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

/// Where a streamed translation goes: `canonical:json` or an ISO 20022 statement.
enum Sink<'a> {
    Json(JsonWriter<'a>),
    Iso { writer: StatementWriter, out: &'a mut dyn Write },
}

impl Sink<'_> {
    /// Encode one event; its bytes are written when `write` is set (else only its encode
    /// losses, which go to `losses`, are collected).
    fn event(&mut self, event: &StatementEvent, write: bool, losses: &mut Losses) -> Result<(), Failure> {
        match self {
            Sink::Json(_) if !write => Ok(()),
            Sink::Json(writer) => match event {
                StatementEvent::ReportStart(report) => writer.report_start(report),
                StatementEvent::Entry(entry) => writer.entry(entry),
                StatementEvent::ReportEnd { additional_info } => writer.report_end(additional_info.as_ref()),
                _ => Ok(()),
            }
            .map_err(Failure::Io),
            Sink::Iso { writer, out } => {
                let bytes = match event {
                    StatementEvent::ReportStart(report) => writer.report_start(report),
                    StatementEvent::Entry(entry) => writer.entry(entry),
                    StatementEvent::ReportEnd { additional_info } => writer.report_end(additional_info.as_ref()),
                    _ => return Ok(()),
                }
                .map_err(Failure::Encode)?;
                if write {
                    out.write_all(bytes).map_err(Failure::Io)?;
                }
                losses.add(writer.take_losses());
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<(), Failure> {
        match self {
            Sink::Json(writer) => writer.finish().map_err(Failure::Io),
            Sink::Iso { mut writer, out } => {
                let bytes = writer.finish().map_err(Failure::Encode)?;
                out.write_all(bytes).map_err(Failure::Io)?;
                out.flush().map_err(Failure::Io)
            }
        }
    }
}

/// Why writing the output failed.
enum Failure {
    Io(std::io::Error),
    Encode(EncodeError),
}

impl Failure {
    fn problem(self) -> (Exit, Problem) {
        match self {
            Failure::Io(e) => (Exit::Usage, Problem::usage(format!("cannot write output: {e}"))),
            Failure::Encode(e) => (Exit::Rejected, Problem::from_translate(&TranslateError::Encode(e))),
        }
    }
}

/// Translate the statement read from `input` (of `total` bytes when known) to `to`
/// (`canonical:json` or a camt.053 / camt.054 version, see [`streams_to`]) on `output`. In
/// strict mode the first loss stops the writing; the input is still read to the end so that
/// every loss is listed, and the translation is refused. The losses listed are those the
/// whole-document path lists: in strict mode the decode losses when there are any (else the
/// encode losses); in lossy mode the decode losses, then the encode losses.
pub(crate) fn translate(
    input: impl Read,
    total: Option<u64>,
    limits: &DecodeLimits,
    to: &Format,
    options: &EncodeOptions,
    output: &mut dyn Write,
) -> Result<Outcome, (Exit, Problem)> {
    let strict = options.strictness == Strictness::Strict;
    let rejected = |e: &DecodeError| (Exit::Rejected, Problem::from_decode(e));
    let mut reader = StatementReader::new(input, limits).map_err(|e| rejected(&e))?;
    let format = reader.format();
    let (mut decode_losses, mut encode_losses) = (Losses::default(), Losses::default());
    decode_losses.add(reader.take_losses());
    let statement = reader.message().id().starts_with("camt.053");
    let mut sink = match statement_version(to) {
        Some(target) => {
            if target.id().get(..8) != reader.message().id().get(..8) {
                let what = if statement { "statement" } else { "notification" };
                let error = EncodeError::unrepresentable(
                    format!("/message/{what}"),
                    format!("a {what} cannot be written as {}", target.id()),
                );
                return Err(Failure::Encode(error).problem());
            }
            let mut writer =
                StatementWriter::new(target, reader.header(), options).map_err(|e| Failure::Encode(e).problem())?;
            encode_losses.add(writer.take_losses());
            if !(strict && (decode_losses.any() || encode_losses.any())) {
                output.write_all(writer.output()).map_err(|e| Failure::Io(e).problem())?;
            }
            Sink::Iso { writer, out: output }
        }
        None => {
            Sink::Json(JsonWriter::begin(output, statement, reader.header()).map_err(|e| Failure::Io(e).problem())?)
        }
    };
    let progress = progress_bar(total);
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
        decode_losses.add(reader.take_losses());
        // Strict: a decode loss ends the encoding (the decode losses are what is refused);
        // an encode loss ends the writing, and the encoding goes on to list every one.
        let encoding = !(strict && decode_losses.any());
        let writing = encoding && !(strict && encode_losses.any());
        if encoding && let Err(failure) = sink.event(&event, writing, &mut encode_losses) {
            progress.abandon();
            return Err(failure.problem());
        }
        events += 1;
        if events.is_multiple_of(256) {
            progress.set_position(reader.bytes_read());
        }
    }
    progress.finish_and_clear();
    if strict && decode_losses.any() {
        return Err((Exit::Lossy, Problem::from_decode(&DecodeError::lossy(decode_losses.finish()))));
    }
    if strict && encode_losses.any() {
        let error = TranslateError::Encode(EncodeError::Lossy(encode_losses.finish()));
        return Err((Exit::Lossy, Problem::from_translate(&error)));
    }
    sink.finish().map_err(Failure::problem)?;
    let mut losses = decode_losses.finish();
    losses.extend(encode_losses.finish());
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

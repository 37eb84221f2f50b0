//! The streaming camt.053 / camt.054 reader: the group header once, then each report's head,
//! its entries one at a time and its end, from any `std::io::Read`, in bounded memory.
//!
//! The input is read once, through a small buffer that remembers the raw bytes of the unit
//! being read (the group header, a report's head, one `Ntry`); the structural reader here only
//! finds where each unit ends (building nothing): quick-xml reads everything between units,
//! and an entry's content is skipped by [`Source::skip_plain_content`] (only the byte after
//! each `<` and end-tag names equal to the entry's are looked at; anything that could hide or
//! fake an end tag sends the entry to the full scan, [`Source::skip_content`]).
//!
//! An entry's raw bytes are then read by the generated validating reader into the generated
//! entry type where the buffer holds them (`rt::read_fragment`, with the namespace
//! declarations in scope and the entry's depth: no copy into a wrapper) and mapped typed by
//! [`super::typed::camt`], losses by construction.
//!
//! After a report's first entry, the entries that follow are first tried **in place**
//! ([`Inner::entries_in_place`]): while the buffer holds whitespace and then the report's
//! plain entry start tag, the validating reader is given the buffered text from there and
//! finds each entry's end itself — no scan, no quick-xml events, no recorded copy — one
//! reader for a run of entries (`rt::LeadingRun`: its setup and the text's UTF-8 check paid
//! once per run). Only complete successes are taken; the run stops before anything else,
//! which consumes nothing, and that entry is read as above, from the same bytes. Every other
//! unit — and an entry the typed path hands back (any error; what only the tree can
//! decide) — is handled exactly as the
//! whole-document decoder handles it: checked by the same reader and, in the same pass,
//! recorded into an element tree by the same [`TreeBuilder`] (names and text borrowed from
//! the unit's bytes; [`record_unit`]), mapped by the same functions of [`super::camt`], and the
//! elements the mapping did not read become the same `Dropped` losses with the same paths.
//! [`StatementReader::new_reference`] reads every entry the tree way: the reference the typed
//! entries are compared with (test `stream_typed`).
//!
//! Limits apply per unit (an entry larger than `max_bytes`, deeper than `max_depth`, ...); the
//! number of entries and the document's total size are unbounded by design.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};
use std::ops::Range;

use payglot_core_model::message::{AccountReport, AccountReports, Entry, GroupHeader};
use payglot_core_model::text::Text;
use payglot_core_model::{DecodeError, DecodeErrorKind, DecodeLimits, Decoded, Format, Location, Loss, Message};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::camt::{self, Kind};
use super::common::Era;
use super::tree::{self, Element, TreeBuilder, Unit, Want};
use super::{IsoMessage, head, violation_error};
use crate::rt::{Limits, Violation};

const ISO_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:";
const XSI_NS: &[u8] = b"http://www.w3.org/2001/XMLSchema-instance";
/// The start of the element a unit is wrapped in (with the namespace declarations in scope).
const WRAPPER_START: &str = "<payglot-fragment";
const BUFFER_BYTES: usize = 64 * 1024;
/// The least buffered text an entry read in place is given (see [`Inner::entries_in_place`]).
const MIN_ENTRY_WINDOW: usize = 1024;

/// The buffered text one in-place entry is given after an entry of `length` bytes: half as
/// much again and a little, at least [`MIN_ENTRY_WINDOW`]. A run goes on to the next entry
/// only while this much is left in its window (an entry longer than what is left would fail
/// at the window's end and be read again); an entry longer than a whole window is read the
/// regular way, which then sizes the next window from it.
fn entry_window(length: usize) -> usize {
    length.saturating_add(length / 2).saturating_add(256).max(MIN_ENTRY_WINDOW)
}
/// At most this many entry windows are given to one in-place run (bounded by the buffer too).
/// The window is checked as UTF-8 whole before the run, so it starts at one entry's and
/// doubles only while runs use theirs up: a statement whose entries keep going the regular
/// way does not pay for checking a large window per entry.
const MAX_RUN_WINDOWS: usize = 64;
const ROOT_PATH: &str = "/Document";

#[cfg(typed_codecs)]
use super::typed::camt as typed_camt;

/// Without the typed codecs (not every message feature on; see build.rs) every entry is read
/// through the element tree: these stand in for `typed::camt` and take no entry.
#[cfg(not(typed_codecs))]
mod typed_camt {
    use crate::codec::IsoMessage;
    use crate::rt::Limits;
    use payglot_core_model::Loss;
    use payglot_core_model::message::Entry;

    #[allow(dead_code)] // Built, never read: no entry is read typed.
    pub(super) struct EntryBytes<'d> {
        pub(super) raw: &'d [u8],
        pub(super) declared: &'d [(String, String)],
        pub(super) outer_depth: usize,
    }

    pub(super) fn entry(
        _: IsoMessage,
        _: &EntryBytes<'_>,
        _: &Limits,
        _: impl FnOnce() -> String,
    ) -> Option<(Box<Entry>, Vec<Loss>, usize)> {
        None
    }

    pub(super) fn entries_leading(
        _: IsoMessage,
        _: &str,
        _: &[u8],
        _: (&[(String, String)], usize),
        _: &Limits,
        _: impl Fn(&std::ops::Range<usize>) -> bool,
        _: impl Fn(usize) -> String,
    ) -> Vec<(Box<Entry>, Vec<Loss>, std::ops::Range<usize>)> {
        Vec::new()
    }
}

// ---------------------------------------------------------------- input

/// A `BufRead` over the input that counts lines and keeps the raw bytes consumed since the
/// last trim (the unit being read), refusing to keep more than `max_record` of them.
#[derive(Debug)]
struct Source<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    /// Bytes consumed (after a leading byte-order mark).
    consumed: u64,
    newlines: u64,
    /// Offset just after the last newline consumed.
    line_start: u64,
    record: Vec<u8>,
    /// Offset of `record[0]`.
    record_base: u64,
    max_record: usize,
    over_limit: bool,
    /// Bytes consumed by [`Source::skip_content`], behind quick-xml's back.
    scanned: u64,
    /// The searchers [`Source::skip_plain_content`] uses, built for the last entry name.
    finders: Option<Box<Finders>>,
}

/// Searchers built once per entry name (an entry's end is looked for with them, ~5 searches
/// per entry: building one costs about as much as a search).
#[derive(Debug)]
struct Finders {
    qname: Vec<u8>,
    end_tag: memchr::memmem::Finder<'static>,
    name: memchr::memmem::Finder<'static>,
    bang: memchr::memmem::Finder<'static>,
    question: memchr::memmem::Finder<'static>,
}

impl Finders {
    fn new(qname: &[u8]) -> Self {
        let end_tag = [&b"</"[..], qname].concat();
        Finders {
            qname: qname.to_vec(),
            end_tag: memchr::memmem::Finder::new(&end_tag).into_owned(),
            name: memchr::memmem::Finder::new(qname).into_owned(),
            bang: memchr::memmem::Finder::new(b"<!").into_owned(),
            question: memchr::memmem::Finder::new(b"<?").into_owned(),
        }
    }
}

impl<R: Read> Source<R> {
    fn new(inner: R, max_record: usize) -> io::Result<Self> {
        let mut source = Source {
            inner,
            buf: vec![0; BUFFER_BYTES],
            pos: 0,
            filled: 0,
            consumed: 0,
            newlines: 0,
            line_start: 0,
            record: Vec::new(),
            record_base: 0,
            max_record,
            over_limit: false,
            scanned: 0,
            finders: None,
        };
        // A UTF-8 byte-order mark is skipped (and not counted); it may arrive in pieces.
        while source.filled < 3 {
            let Some(space) = source.buf.get_mut(source.filled..) else { break };
            match source.inner.read(space) {
                Ok(0) => break,
                Ok(n) => source.filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if source.buf.get(..source.filled).is_some_and(|b| b.starts_with(b"\xEF\xBB\xBF")) {
            source.pos = 3;
        }
        Ok(source)
    }

    /// Forget the recorded bytes before `offset`.
    fn trim_to(&mut self, offset: u64) {
        let cut = usize::try_from(offset.saturating_sub(self.record_base)).unwrap_or(usize::MAX).min(self.record.len());
        self.record.drain(..cut);
        self.record_base += cut as u64;
    }

    /// The recorded bytes from `from` to `to`.
    fn slice(&self, from: u64, to: u64) -> &[u8] {
        let at = |o: u64| usize::try_from(o.saturating_sub(self.record_base)).unwrap_or(usize::MAX);
        self.record.get(at(from)..at(to)).unwrap_or_default()
    }

    fn line(&self) -> u64 {
        self.newlines + 1
    }

    /// 1-based column (in bytes) of `offset`, which must be on the current line.
    fn column(&self, offset: u64) -> u64 {
        offset.saturating_sub(self.line_start) + 1
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Source<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.over_limit {
            return Err(io::Error::other("unit over the size limit"));
        }
        if self.pos >= self.filled {
            self.pos = 0;
            self.filled = 0;
            self.filled = loop {
                match self.inner.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
        }
        Ok(self.buf.get(self.pos..self.filled).unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        let end = self.pos.saturating_add(amount).min(self.filled);
        self.count_lines(end);
        if let Some(chunk) = self.buf.get(self.pos..end) {
            self.record.extend_from_slice(chunk);
            if self.record.len() > self.max_record {
                self.over_limit = true;
            }
        }
        self.consumed += (end - self.pos) as u64;
        self.pos = end;
    }
}

impl<R> Source<R> {
    /// Count the newlines among the unconsumed bytes before `end`.
    fn count_lines(&mut self, end: usize) {
        let Some(chunk) = self.buf.get(self.pos..end) else { return };
        // memchr finds the newlines a vector at a time (a byte loop cost more than the copy).
        if let Some(last) = memchr::memrchr(b'\n', chunk) {
            self.newlines += memchr::memchr_iter(b'\n', chunk).count() as u64;
            self.line_start = self.consumed + last as u64 + 1;
        }
    }

    /// The unconsumed bytes.
    fn ahead(&self) -> &[u8] {
        self.buf.get(self.pos..self.filled).unwrap_or_default()
    }

    /// The unconsumed text from `skip` bytes on, at most `len` bytes of it: cut before the
    /// first byte that is not UTF-8 or a character the cut splits.
    fn text_ahead(&self, skip: usize, len: usize) -> &str {
        let bytes = self.ahead().get(skip..).unwrap_or_default();
        let bytes = bytes.get(..len).unwrap_or(bytes);
        match crate::rt::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or_default(),
        }
    }

    /// Consume `amount` bytes read in place, behind quick-xml's back, and forget what was
    /// recorded (a whole unit already decoded from the buffer; nothing before it is needed).
    fn pass(&mut self, amount: usize) {
        let end = self.pos.saturating_add(amount).min(self.filled);
        self.count_lines(end);
        self.consumed += (end - self.pos) as u64;
        self.scanned += (end - self.pos) as u64;
        self.pos = end;
        self.record.clear();
        self.record_base = self.consumed;
    }
}

// ---------------------------------------------------------------- the unit scan

/// Why [`Source::skip_content`] stopped before the end of the element.
#[derive(Debug)]
enum ScanStop {
    Io(io::Error),
    OverLimit,
    Eof,
    TooDeep,
    Doctype,
    ProcessingInstruction,
    Declaration,
    Malformed,
}

/// The markup at the start of a slice that begins with `<`, as [`markup`] classifies it.
#[derive(Debug, PartialEq, Eq)]
enum Markup {
    /// More bytes are needed to tell.
    Incomplete,
    /// A start tag of `len` bytes.
    Start(usize),
    /// An empty-element tag, comment or CDATA section of `len` bytes.
    Other(usize),
    /// An end tag of `len` bytes.
    End(usize),
    Doctype,
    ProcessingInstruction,
    Declaration,
    Malformed,
}

/// The index just past the first `needle` in `bytes` at or after `from`.
fn find_after(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|i| from + i + needle.len())
}

/// Classify the markup `bytes` starts with (`bytes[0]` is `<`): where a tag ends is found
/// outside quoted attribute values, a comment ends at `-->`, a CDATA section at `]]>`.
fn markup(bytes: &[u8]) -> Markup {
    const COMMENT: &[u8] = b"<!--";
    const CDATA: &[u8] = b"<![CDATA[";
    const DOCTYPE: &[u8] = b"<!DOCTYPE";
    let Some(&second) = bytes.get(1) else { return Markup::Incomplete };
    match second {
        b'/' => match bytes.iter().position(|&b| b == b'>') {
            Some(i) => Markup::End(i + 1),
            None => Markup::Incomplete,
        },
        b'!' => {
            let prefix_of = |what: &[u8]| what.starts_with(bytes.get(..what.len()).unwrap_or(bytes));
            if bytes.starts_with(COMMENT) {
                find_after(bytes, COMMENT.len(), b"-->").map_or(Markup::Incomplete, Markup::Other)
            } else if bytes.starts_with(CDATA) {
                find_after(bytes, CDATA.len(), b"]]>").map_or(Markup::Incomplete, Markup::Other)
            } else if bytes.starts_with(DOCTYPE) {
                Markup::Doctype
            } else if bytes.len() < DOCTYPE.len() && (prefix_of(COMMENT) || prefix_of(CDATA) || prefix_of(DOCTYPE)) {
                Markup::Incomplete
            } else {
                Markup::Malformed
            }
        }
        b'?' => match bytes.get(2..6) {
            None => Markup::Incomplete,
            Some(b"xml?") => Markup::Declaration,
            Some(name) if name.starts_with(b"xml") && name.get(3).is_some_and(|b| b.is_ascii_whitespace()) => {
                Markup::Declaration
            }
            Some(_) => Markup::ProcessingInstruction,
        },
        _ => {
            let mut quote: Option<u8> = None;
            for (i, &b) in bytes.iter().enumerate().skip(1) {
                match quote {
                    Some(q) if b == q => quote = None,
                    Some(_) => {}
                    None if b == b'"' || b == b'\'' => quote = Some(b),
                    None if b == b'>' => {
                        return if i >= 2 && bytes.get(i - 1) == Some(&b'/') {
                            Markup::Other(i + 1)
                        } else {
                            Markup::Start(i + 1)
                        };
                    }
                    None => {}
                }
            }
            Markup::Incomplete
        }
    }
}

impl<R: Read> Source<R> {
    /// Read more input after the unconsumed bytes (moved to the front; the buffer grows when
    /// they fill it, up to the unit size limit); how many bytes were added.
    fn fill_more(&mut self) -> Result<usize, ScanStop> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.pos = 0;
        }
        if self.filled == self.buf.len() {
            if self.filled > self.max_record {
                self.over_limit = true;
                return Err(ScanStop::OverLimit);
            }
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            let Some(space) = self.buf.get_mut(self.filled..) else { return Ok(0) };
            match self.inner.read(space) {
                Ok(n) => {
                    self.filled += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ScanStop::Io(e)),
            }
        }
    }

    /// Read more input until `want` unconsumed bytes are buffered, or the input ends, or the
    /// buffer is full of unconsumed bytes (it never grows here); `false` on a read error
    /// (nothing is lost: the regular path reads on and meets it).
    fn top_up(&mut self, want: usize) -> bool {
        while self.filled - self.pos < want && (self.pos > 0 || self.filled < self.buf.len()) {
            match self.fill_more() {
                Ok(0) => break,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        true
    }

    /// The cheap way to [`skip_content`](Self::skip_content) of an element named `qname` (as
    /// written, prefix included) that holds no element of its own name (an entry): the first
    /// `</qname` followed by `>` or a space (found a vector at a time) is its end tag — unless
    /// the content before it holds something that could hide or fake one: a comment, CDATA
    /// section, processing instruction or DOCTYPE (any `<!` or `<?`), or a start tag of the same
    /// name. Consumes the content and gives `true` when it found the end; consumes nothing and
    /// gives `false` when the full scan must decide (also at the end of the input: the full
    /// scan reports it). The validating reader reads every byte of the unit afterwards (names,
    /// attributes, nesting, depth, UTF-8): a `</qname` cut out of an attribute value (`<` is
    /// not allowed there) leaves an entry it refuses.
    fn skip_plain_content(&mut self, qname: &[u8]) -> Result<bool, ScanStop> {
        let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        let finders = match self.finders.take() {
            Some(finders) if finders.qname == qname => finders,
            _ => Box::new(Finders::new(qname)),
        };
        let end_tag_len = qname.len() + 2;
        let result = 'read: loop {
            if self.over_limit {
                break Err(ScanStop::OverLimit);
            }
            let data = self.buf.get(self.pos..self.filled).unwrap_or_default();
            // The first `</qname` followed by `>` or a space (searched a vector at a time).
            let mut from = 0;
            let end = loop {
                let Some(at) = data.get(from..).and_then(|rest| finders.end_tag.find(rest)) else {
                    break None;
                };
                let at = from + at;
                match data.get(at + end_tag_len) {
                    None => break None,
                    Some(&b) if b == b'>' || is_space(b) => break Some(at),
                    Some(_) => from = at + 1,
                }
            };
            if let Some(end) = end {
                let content = data.get(..end).unwrap_or_default();
                // What could hide or fake an end tag: `<!` (comment, CDATA, DOCTYPE), `<?`,
                // a start tag of the same name.
                let nested = finders.name.find_iter(content).any(|at| {
                    at > 0
                        && content.get(at - 1) == Some(&b'<')
                        && content.get(at + qname.len()).is_some_and(|&b| b == b'>' || b == b'/' || is_space(b))
                });
                if nested || finders.bang.find(content).is_some() || finders.question.find(content).is_some() {
                    break Ok(false);
                }
                self.consume(end);
                self.scanned += end as u64;
                break Ok(true);
            }
            // The end is not in the buffer yet: read more behind what is there (the buffer
            // grows up to the unit size limit); at the end of the input the full scan decides.
            match self.fill_more() {
                Ok(0) => break Ok(false),
                Ok(_) => continue 'read,
                Err(stop) => break Err(stop),
            }
        };
        self.finders = Some(finders);
        result
    }

    /// Consume the content of the element whose start tag was just consumed, up to (not
    /// including) the `<` of its end tag, without tokenizing it: only where the element ends is
    /// found, from its tags, comments and CDATA sections (see [`markup`]). Nothing else of the
    /// content is checked here; the caller has the validating reader read it all. A DOCTYPE,
    /// processing instruction or XML declaration stops the scan (as the tokenizer would), as do
    /// elements nested more than `depth_left` deep.
    fn skip_content(&mut self, depth_left: usize) -> Result<(), ScanStop> {
        let mut depth = 0usize;
        loop {
            if self.over_limit {
                return Err(ScanStop::OverLimit);
            }
            if self.pos >= self.filled {
                self.fill_buf().map_err(ScanStop::Io)?;
                if self.pos >= self.filled {
                    return Err(ScanStop::Eof);
                }
            }
            let data = self.buf.get(self.pos..self.filled).unwrap_or_default();
            let mut at = 0;
            let stop = loop {
                let Some(lt) = data.get(at..).and_then(|rest| memchr::memchr(b'<', rest)) else {
                    at = data.len();
                    break None;
                };
                at += lt;
                match markup(data.get(at..).unwrap_or_default()) {
                    Markup::Incomplete => break None,
                    Markup::End(len) => {
                        if depth == 0 {
                            break Some(Ok(()));
                        }
                        depth -= 1;
                        at += len;
                    }
                    Markup::Start(len) => {
                        at += len;
                        depth += 1;
                        if depth > depth_left {
                            break Some(Err(ScanStop::TooDeep));
                        }
                    }
                    Markup::Other(len) => at += len,
                    Markup::Doctype => break Some(Err(ScanStop::Doctype)),
                    Markup::ProcessingInstruction => break Some(Err(ScanStop::ProcessingInstruction)),
                    Markup::Declaration => break Some(Err(ScanStop::Declaration)),
                    Markup::Malformed => break Some(Err(ScanStop::Malformed)),
                }
            };
            self.consume(at);
            self.scanned += at as u64;
            if let Some(stop) = stop {
                return stop;
            }
            // The data ended inside a piece of markup: read more behind it.
            if self.pos < self.filled && self.fill_more()? == 0 {
                return Err(ScanStop::Eof);
            }
        }
    }
}

// ---------------------------------------------------------------- public API

/// What the streaming reader yields after the group header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatementEvent {
    /// A statement (`Stmt`) or notification (`Ntfctn`) begins: everything that precedes its
    /// entries. `entries` is empty; `additional_info` arrives with [`StatementEvent::ReportEnd`].
    ReportStart(Box<AccountReport>),
    /// The next entry (`Ntry`) of the current report.
    Entry(Box<Entry>),
    /// The current report ended.
    ReportEnd {
        /// The report's additional information (`AddtlStmtInf` / `AddtlNtfctnInf`).
        additional_info: Option<Text<500>>,
    },
}

/// Reads a camt.053 or camt.054 document (02 or 08; bare or in an envelope, AppHdr before the
/// Document) from any `Read`: [`header`](Self::header) once, then
/// [`next_event`](Self::next_event) until `None`. Losses gather in [`take_losses`](Self::take_losses)
/// as the units they concern are read. Memory stays bounded by the largest unit (one entry),
/// whatever the number of entries.
///
/// ```
/// use payglot_iso20022::{StatementEvent, StatementReader};
/// use payglot_core_model::DecodeLimits;
/// let xml = br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
///   <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-01T10:00:00</CreDtTm></GrpHdr>
///   <Stmt><Id>S1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
///     <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10.00</Amt>
///       <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>
///     <Ntry><Amt Ccy="EUR">1.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
///       <BkTxCd><Prtry><Cd>X</Cd></Prtry></BkTxCd></Ntry>
///   </Stmt></BkToCstmrStmt></Document>"#;
/// let mut reader = StatementReader::new(&xml[..], &DecodeLimits::default())?;
/// assert_eq!(reader.header().message_id.as_str(), "M1");
/// let mut entries = 0;
/// while let Some(event) = reader.next_event()? {
///     if let StatementEvent::Entry(entry) = event {
///         assert_eq!(entry.amount.amount().to_string(), "1.50");
///         entries += 1;
///     }
/// }
/// assert_eq!(entries, 1);
/// assert!(reader.take_losses().is_empty());
/// # Ok::<(), payglot_core_model::DecodeError>(())
/// ```
#[derive(Debug)]
pub struct StatementReader<R: Read> {
    inner: Inner<R>,
    header: GroupHeader,
}

impl<R: Read> StatementReader<R> {
    /// Read up to the end of the group header: any envelope and AppHdr, the Document (which
    /// must be a camt.053 or camt.054 of a supported version), the group header.
    pub fn new(input: R, limits: &DecodeLimits) -> Result<Self, DecodeError> {
        Self::open(input, limits, true)
    }

    /// [`new`](Self::new), every entry read through the element tree (the reference the typed
    /// entry decode is compared with in tests and benchmarks; not for production use).
    #[doc(hidden)]
    pub fn new_reference(input: R, limits: &DecodeLimits) -> Result<Self, DecodeError> {
        Self::open(input, limits, false)
    }

    fn open(input: R, limits: &DecodeLimits, typed: bool) -> Result<Self, DecodeError> {
        let limits = super::limits(limits);
        let source = Source::new(input, limits.max_bytes)
            .map_err(|e| DecodeError::syntax(Location::default(), e.to_string()))?;
        let mut xml = NsReader::from_reader(source);
        let config = xml.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.check_comments = true;
        config.trim_text(false);
        let mut inner = Inner {
            xml,
            buf: Vec::new(),
            message: IsoMessage::Camt053V08,
            era: Era::New,
            kind: Kind::Statement,
            namespace: Vec::new(),
            limits,
            scopes: Vec::new(),
            declarations: Vec::new(),
            wrapper_columns: WRAPPER_START.len() as u64 + 1,
            declared: Some(Vec::new()),
            losses: Vec::new(),
            pending: VecDeque::new(),
            report: None,
            reports: 0,
            supplementary: Vec::new(),
            done: false,
            typed,
            typed_entries: 0,
            entries_in_place: 0,
            in_place_runs: 0,
            entry_tag: None,
            entry_window: MIN_ENTRY_WINDOW,
            run_windows: 1,
        };
        let header = inner.prolog()?;
        Ok(StatementReader { inner, header })
    }

    /// The message version read.
    pub fn message(&self) -> IsoMessage {
        self.inner.message
    }

    /// The format read (`iso20022:camt.053.001.08`, ...).
    pub fn format(&self) -> Format {
        self.inner.message.format()
    }

    /// The group header (with the business application header when one preceded the Document).
    pub fn header(&self) -> &GroupHeader {
        &self.header
    }

    /// Input bytes read so far (for progress reports).
    pub fn bytes_read(&self) -> u64 {
        self.inner.xml.get_ref().consumed
    }

    /// How many entries were decoded typed so far (the rest went through the element tree);
    /// for tests and benchmarks that must know the typed path was taken.
    #[doc(hidden)]
    pub fn typed_entries(&self) -> u64 {
        self.inner.typed_entries
    }

    /// How many of the [`typed_entries`](Self::typed_entries) were read in place, before any
    /// scan (see `Inner::entries_in_place`); for tests that must know that path was taken.
    #[doc(hidden)]
    pub fn entries_in_place(&self) -> u64 {
        self.inner.entries_in_place
    }

    /// In how many runs the [`entries_in_place`](Self::entries_in_place) were read (one
    /// reader each); for tests that must know runs of several entries are read.
    #[doc(hidden)]
    pub fn in_place_runs(&self) -> u64 {
        self.inner.in_place_runs
    }

    /// The losses found since the last call (paths as the whole-document decoder gives them).
    pub fn take_losses(&mut self) -> Vec<Loss> {
        std::mem::take(&mut self.inner.losses)
    }

    /// The next report start, entry or report end; `None` after the document ended (the rest
    /// of the input has then been checked too). After an error, `None`.
    pub fn next_event(&mut self) -> Result<Option<StatementEvent>, DecodeError> {
        while self.inner.pending.is_empty() && !self.inner.done {
            if let Err(error) = self.inner.advance() {
                self.inner.done = true;
                self.inner.pending.clear();
                return Err(error);
            }
        }
        Ok(self.inner.pending.pop_front().map(|(event, losses)| {
            self.inner.losses.extend(losses);
            event
        }))
    }

    /// Read everything into one message, as the whole-document decoder would give it (for
    /// small inputs and tests; this holds every entry in memory).
    pub fn into_decoded(mut self) -> Result<Decoded, DecodeError> {
        let mut reports: Vec<AccountReport> = Vec::new();
        while let Some(event) = self.next_event()? {
            match event {
                StatementEvent::ReportStart(report) => reports.push(*report),
                StatementEvent::Entry(entry) => {
                    if let Some(report) = reports.last_mut() {
                        report.entries.push(*entry);
                    }
                }
                StatementEvent::ReportEnd { additional_info } => {
                    if let Some(report) = reports.last_mut() {
                        report.additional_info = additional_info;
                    }
                }
            }
        }
        let reports = AccountReports { header: self.header, reports };
        let message = match self.inner.kind {
            Kind::Statement => Message::Statement(reports),
            Kind::Notification => Message::Notification(reports),
        };
        Ok(Decoded { message, losses: self.inner.losses })
    }
}

// ---------------------------------------------------------------- machinery

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the first entry: children go into the report's head.
    Head,
    /// Entries.
    Entries,
    /// After the entries (`AddtlStmtInf`).
    Tail,
}

/// The report being read.
#[derive(Debug)]
struct Report {
    /// Its path (`/Document/BkToCstmrStmt/Stmt[2]`).
    path: String,
    /// Offset of the report's start tag.
    start: u64,
    line: u64,
    column: u64,
    end_tag: Vec<u8>,
    phase: Phase,
    /// Raw start tag and head children (set when the first entry begins).
    head_raw: Vec<u8>,
    /// The raw children after the entries.
    tail_raw: Vec<u8>,
    entries: usize,
}

/// One structural event (outside the units, which are skipped here and read from their raw bytes).
enum Step {
    Start { start: BytesStart<'static>, in_document_ns: bool, namespace: Vec<u8>, offset: u64, line: u64, column: u64 },
    End,
    Eof,
}

/// A unit's raw bytes in the wrapper the generated readers check it in.
#[derive(Debug)]
struct Fragment {
    document: Vec<u8>,
    /// Characters of the wrapper's start tag (for columns on the unit's first line).
    wrapper_columns: u64,
    /// Bytes the wrapper adds.
    overhead: usize,
}

/// A unit the generated readers check on its own.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    GroupHeader,
    Report,
    Entry,
    Supplementary,
}

#[derive(Debug)]
struct Inner<R: Read> {
    xml: NsReader<Source<R>>,
    buf: Vec<u8>,
    message: IsoMessage,
    era: Era,
    kind: Kind,
    /// The Document's namespace.
    namespace: Vec<u8>,
    limits: Limits,
    /// Namespace declarations (raw `xmlns...` attributes) of each open element above the
    /// current unit, outermost first.
    scopes: Vec<Vec<(Vec<u8>, Vec<u8>)>>,
    /// The declarations in scope, deduplicated (innermost wins), ready to put on a wrapper.
    declarations: Vec<u8>,
    /// How many characters the wrapper's start tag takes with these declarations (columns).
    wrapper_columns: u64,
    /// The same declarations as (prefix, URI) pairs for reading an entry in place (the empty
    /// prefix is the default namespace); `None` when one is not plain text (not UTF-8, or
    /// holding a reference to resolve): entries are then read in the wrapper.
    declared: Option<Vec<(String, String)>>,
    losses: Vec<Loss>,
    /// Events read and not yet taken, each with the losses found reading it that are not in
    /// `losses` yet (an in-place run reads ahead: its entries' losses are reported as each
    /// entry is taken, so they stay in document order with the events).
    pending: VecDeque<(StatementEvent, Vec<Loss>)>,
    report: Option<Report>,
    reports: usize,
    /// What each `SplmtryData` element after the reports holds, described for its loss (the
    /// losses are reported at the end, when it is known whether the name repeats).
    supplementary: Vec<String>,
    done: bool,
    /// Entries decoded typed ([`super::typed::camt`]); the element tree only where that path
    /// gives `None` (errors, and what only the tree can decide).
    typed: bool,
    typed_entries: u64,
    entries_in_place: u64,
    in_place_runs: u64,
    /// The start tag of the current report's entries as written (`<Ntry>`, `<c:Ntry>`), when
    /// the last entry read the regular way had no attributes: the next entries are then
    /// looked for in the buffer ([`Inner::entries_in_place`]).
    entry_tag: Option<Vec<u8>>,
    /// How many bytes of buffered text the next in-place entry read is given
    /// ([`entry_window`] of the last entry's length).
    entry_window: usize,
    /// How many entry windows the next in-place run is given (see [`Inner::entries_in_place`]).
    run_windows: usize,
}

impl<R: Read> Inner<R> {
    fn root_path(&self) -> &'static str {
        match self.kind {
            Kind::Statement => "/Document/BkToCstmrStmt",
            Kind::Notification => "/Document/BkToCstmrDbtCdtNtfctn",
        }
    }

    /// The offset quick-xml is at (its own count misses what [`Source::skip_content`] consumed).
    fn offset(&self) -> u64 {
        self.xml.buffer_position() + self.xml.get_ref().scanned
    }

    fn position(&self) -> (u64, u64) {
        let source = self.xml.get_ref();
        let offset = self.offset();
        (source.line(), source.column(offset))
    }

    fn error(&self, kind: DecodeErrorKind, path: &str, message: impl Into<String>) -> DecodeError {
        let (line, column) = self.position();
        DecodeError::new(kind, Location::at(path, line, column), message)
    }

    fn xml_error(&self, error: &quick_xml::Error, path: &str) -> DecodeError {
        if self.xml.get_ref().over_limit {
            return self.error(
                DecodeErrorKind::Limit,
                path,
                format!("limitBytes: one unit of the statement is larger than {} bytes", self.limits.max_bytes),
            );
        }
        match error {
            quick_xml::Error::Io(e) => self.error(DecodeErrorKind::Syntax, path, format!("cannot read input: {e}")),
            other => self.error(DecodeErrorKind::Syntax, path, format!("notWellFormed: {other}")),
        }
    }

    fn depth_check(&self, depth: usize, path: &str) -> Result<(), DecodeError> {
        if depth > self.limits.max_depth {
            return Err(self.error(
                DecodeErrorKind::Limit,
                path,
                format!("limitDepth: nesting deeper than {}", self.limits.max_depth),
            ));
        }
        Ok(())
    }

    fn push_scope(&mut self, start: &BytesStart<'_>) -> Result<(), DecodeError> {
        let mut declarations = Vec::new();
        for attribute in start.attributes() {
            let attribute =
                attribute.map_err(|e| self.error(DecodeErrorKind::Syntax, "", format!("notWellFormed: {e}")))?;
            let key = attribute.key.as_ref();
            if key == b"xmlns" || key.starts_with(b"xmlns:") {
                declarations.push((key.to_vec(), attribute.value.to_vec()));
            }
        }
        self.scopes.push(declarations);
        self.depth_check(self.scopes.len(), "")?;
        self.rebuild_declarations();
        Ok(())
    }

    fn pop_scope(&mut self) {
        self.scopes.pop();
        self.rebuild_declarations();
    }

    fn rebuild_declarations(&mut self) {
        let mut seen: Vec<(&[u8], &[u8])> = Vec::new();
        for (key, value) in self.scopes.iter().flatten() {
            match seen.iter_mut().find(|(k, _)| *k == key.as_slice()) {
                Some(slot) => slot.1 = value,
                None => seen.push((key, value)),
            }
        }
        self.declared = seen
            .iter()
            .map(|(key, value)| {
                let prefix = if *key == b"xmlns" { Some(&b""[..]) } else { key.strip_prefix(b"xmlns:") };
                let prefix = std::str::from_utf8(prefix?).ok()?;
                let uri = std::str::from_utf8(value).ok().filter(|u| !u.contains('&'))?;
                Some((prefix.to_owned(), uri.to_owned()))
            })
            .collect();
        let mut out = Vec::new();
        for (key, value) in seen {
            let quote = if value.contains(&b'"') { b'\'' } else { b'"' };
            out.push(b' ');
            out.extend_from_slice(key);
            out.push(b'=');
            out.push(quote);
            out.extend_from_slice(value);
            out.push(quote);
        }
        self.wrapper_columns = (WRAPPER_START.len() + String::from_utf8_lossy(&out).chars().count() + 1) as u64;
        self.declarations = out;
    }

    /// Only namespace declarations and `xsi:schemaLocation` may sit on the structural elements.
    fn check_attributes(&self, start: &BytesStart<'_>, path: &str) -> Result<(), DecodeError> {
        for attribute in start.attributes() {
            let attribute =
                attribute.map_err(|e| self.error(DecodeErrorKind::Syntax, path, format!("notWellFormed: {e}")))?;
            let key = attribute.key.as_ref();
            if key == b"xmlns" || key.starts_with(b"xmlns:") {
                continue;
            }
            let (resolved, local) = self.xml.resolve_attribute(attribute.key);
            let allowed = matches!(resolved, ResolveResult::Bound(ns) if ns.as_ref() == XSI_NS)
                && matches!(local.as_ref(), b"schemaLocation" | b"noNamespaceSchemaLocation");
            if !allowed {
                return Err(self.error(
                    DecodeErrorKind::Invalid,
                    path,
                    format!("unexpectedAttribute: attribute {} is not allowed", String::from_utf8_lossy(key)),
                ));
            }
        }
        Ok(())
    }

    /// The next start tag, end tag or end of input outside the units. Whitespace and
    /// comments are skipped; anything else is an error where XSD allows only elements.
    fn step(&mut self, path: &str, first: bool) -> Result<Step, DecodeError> {
        let mut buf = std::mem::take(&mut self.buf);
        let result = self.step_in(&mut buf, path, first);
        buf.clear();
        self.buf = buf;
        result
    }

    fn step_in(&mut self, buf: &mut Vec<u8>, path: &str, mut first: bool) -> Result<Step, DecodeError> {
        loop {
            buf.clear();
            let offset = self.offset();
            let line = self.xml.get_ref().line();
            let column = self.xml.get_ref().column(offset);
            let (resolved, event) = match self.xml.read_resolved_event_into(buf) {
                Ok(ok) => ok,
                Err(e) => return Err(self.xml_error(&e, path)),
            };
            let namespace = match resolved {
                ResolveResult::Bound(ns) => ns.as_ref().to_vec(),
                _ => Vec::new(),
            };
            match event {
                Event::Start(start) => {
                    if std::str::from_utf8(&start).is_err() {
                        return Err(self.error(DecodeErrorKind::Syntax, path, "encoding: input is not valid UTF-8"));
                    }
                    let in_document_ns = namespace == self.namespace;
                    return Ok(Step::Start {
                        start: start.into_owned(),
                        in_document_ns,
                        namespace,
                        offset,
                        line,
                        column,
                    });
                }
                Event::End(_) => return Ok(Step::End),
                Event::Eof => return Ok(Step::Eof),
                // Envelopes (outside the Document, `path` empty) are not ISO 20022: their
                // text (an SAA `Revision`, a sender reference) is skipped like their elements.
                Event::Text(text) if path.is_empty() => {
                    if std::str::from_utf8(&text).is_err() {
                        return Err(self.error(DecodeErrorKind::Syntax, path, "encoding: input is not valid UTF-8"));
                    }
                }
                Event::CData(data) if path.is_empty() => {
                    if std::str::from_utf8(&data).is_err() {
                        return Err(self.error(DecodeErrorKind::Syntax, path, "encoding: input is not valid UTF-8"));
                    }
                }
                Event::GeneralRef(_) if path.is_empty() => {}
                Event::Text(text) => {
                    if !text.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
                        // Bytes that are no UTF-8 are refused as such (as the whole-document
                        // reader refuses them), before they are refused as text.
                        if std::str::from_utf8(&text).is_err() {
                            return Err(self.error(
                                DecodeErrorKind::Syntax,
                                path,
                                "encoding: input is not valid UTF-8",
                            ));
                        }
                        return Err(self.error(
                            DecodeErrorKind::Invalid,
                            path,
                            "elementOnlyContent: text is not allowed here, only elements",
                        ));
                    }
                }
                Event::CData(_) | Event::GeneralRef(_) => {
                    return Err(self.error(
                        DecodeErrorKind::Invalid,
                        path,
                        "elementOnlyContent: text is not allowed here, only elements",
                    ));
                }
                // A comment's bytes must be UTF-8 too (the whole-document reader checks them).
                Event::Comment(comment) => {
                    if std::str::from_utf8(&comment).is_err() {
                        return Err(self.error(DecodeErrorKind::Syntax, path, "encoding: input is not valid UTF-8"));
                    }
                }
                Event::Decl(declaration) if first => {
                    if let Some(Ok(encoding)) = declaration.encoding()
                        && !encoding.eq_ignore_ascii_case(b"utf-8")
                        && !encoding.eq_ignore_ascii_case(b"utf8")
                    {
                        return Err(self.error(
                            DecodeErrorKind::Syntax,
                            path,
                            format!(
                                "encoding: encoding {} is not supported; only UTF-8",
                                String::from_utf8_lossy(&encoding)
                            ),
                        ));
                    }
                }
                Event::Decl(_) => {
                    return Err(self.error(
                        DecodeErrorKind::Syntax,
                        path,
                        "notWellFormed: XML declaration not at the start",
                    ));
                }
                Event::DocType(_) => {
                    return Err(self.error(DecodeErrorKind::Limit, path, "doctype: DOCTYPE/DTD is not allowed"));
                }
                Event::PI(_) => {
                    return Err(self.error(
                        DecodeErrorKind::Limit,
                        path,
                        "processingInstruction: processing instructions are not allowed",
                    ));
                }
                Event::Empty(_) => {}
            }
            first = false;
            // A report's head is kept raw until its first entry; otherwise forget what was read.
            if !self.report.as_ref().is_some_and(|r| r.phase == Phase::Head) {
                let here = self.offset();
                self.xml.get_mut().trim_to(here);
            }
        }
    }

    /// Read past the rest of the element just started (the raw bytes stay recorded), with
    /// the same checks as everywhere else (depth, no DOCTYPE or processing instruction, UTF-8);
    /// the offset just past its end tag.
    fn skip(&mut self, path: &str) -> Result<u64, DecodeError> {
        let mut buf = std::mem::take(&mut self.buf);
        let result = self.skip_in(&mut buf, path);
        buf.clear();
        self.buf = buf;
        result?;
        Ok(self.offset())
    }

    fn skip_in(&mut self, buf: &mut Vec<u8>, path: &str) -> Result<(), DecodeError> {
        let syntax = |this: &Self, message: String| this.error(DecodeErrorKind::Syntax, path, message);
        let mut depth = 1usize;
        loop {
            buf.clear();
            let event = match self.xml.read_event_into(buf) {
                Ok(event) => event,
                Err(e) => return Err(self.xml_error(&e, path)),
            };
            match event {
                Event::Start(_) => {
                    depth += 1;
                    self.depth_check(self.scopes.len() + depth, path)?;
                }
                Event::Text(text) => {
                    text.decode().map_err(|e| syntax(self, format!("encoding: {e}")))?;
                }
                Event::CData(data) => {
                    std::str::from_utf8(&data).map_err(|e| syntax(self, format!("encoding: {e}")))?;
                }
                Event::GeneralRef(reference) => {
                    if reference.resolve_char_ref().ok().flatten().is_none()
                        && !matches!(reference.as_ref(), b"amp" | b"lt" | b"gt" | b"quot" | b"apos")
                    {
                        return Err(syntax(self, "unknown entity reference".into()));
                    }
                }
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Event::Comment(comment) => {
                    std::str::from_utf8(&comment).map_err(|e| syntax(self, format!("encoding: {e}")))?;
                }
                Event::Empty(_) => {}
                Event::Eof => return Err(syntax(self, "notWellFormed: unexpected end of document".into())),
                Event::DocType(_) => {
                    return Err(self.error(DecodeErrorKind::Limit, path, "doctype: DOCTYPE/DTD is not allowed"));
                }
                Event::PI(_) => {
                    return Err(self.error(
                        DecodeErrorKind::Limit,
                        path,
                        "processingInstruction: processing instructions are not allowed",
                    ));
                }
                Event::Decl(_) => return Err(syntax(self, "notWellFormed: XML declaration not at the start".into())),
            }
        }
    }

    /// [`skip`](Self::skip) for an entry, which the validating reader reads next: its content
    /// is consumed by [`Source::skip_content`], which only finds where it ends (no tokenizing,
    /// no copying, no namespace scopes: the validating reader makes every check on the unit's
    /// bytes, those of the strict skip included), then quick-xml reads the end tag itself
    /// (checking its name and closing the element's namespace scope).
    fn skip_unit(&mut self, path: &str, qname: &[u8]) -> Result<u64, DecodeError> {
        // `<Ntry/>` has no content (quick-xml reports its end next).
        if self.xml.get_ref().record.ends_with(b"/>") {
            return self.skip(path);
        }
        let depth_left = self.limits.max_depth.saturating_sub(self.scopes.len() + 1);
        let source = self.xml.get_mut();
        let scanned = source
            .skip_plain_content(qname)
            .and_then(|found| if found { Ok(()) } else { source.skip_content(depth_left) });
        match scanned {
            Ok(()) => self.skip(path),
            Err(stop) => Err(match stop {
                ScanStop::Io(e) => self.error(DecodeErrorKind::Syntax, path, format!("cannot read input: {e}")),
                ScanStop::OverLimit => self.error(
                    DecodeErrorKind::Limit,
                    path,
                    format!("limitBytes: one unit of the statement is larger than {} bytes", self.limits.max_bytes),
                ),
                ScanStop::Eof => self.error(DecodeErrorKind::Syntax, path, "notWellFormed: unexpected end of document"),
                ScanStop::TooDeep => self.error(
                    DecodeErrorKind::Limit,
                    path,
                    format!("limitDepth: nesting deeper than {}", self.limits.max_depth),
                ),
                ScanStop::Doctype => self.error(DecodeErrorKind::Limit, path, "doctype: DOCTYPE/DTD is not allowed"),
                ScanStop::ProcessingInstruction => self.error(
                    DecodeErrorKind::Limit,
                    path,
                    "processingInstruction: processing instructions are not allowed",
                ),
                ScanStop::Declaration => {
                    self.error(DecodeErrorKind::Syntax, path, "notWellFormed: XML declaration not at the start")
                }
                ScanStop::Malformed => self.error(
                    DecodeErrorKind::Syntax,
                    path,
                    "notWellFormed: markup starting with `<!` that is no comment or CDATA section",
                ),
            }),
        }
    }

    /// A unit's raw bytes wrapped in an element carrying the namespace declarations in
    /// scope, as the generated readers check it; and how many characters the wrapper's start
    /// tag takes (for columns).
    fn fragment(&self, raw: &[u8]) -> Fragment {
        let mut document = Vec::with_capacity(raw.len() + self.declarations.len() + 64);
        document.extend_from_slice(WRAPPER_START.as_bytes());
        document.extend_from_slice(&self.declarations);
        document.push(b'>');
        let wrapper_columns = self.wrapper_columns;
        document.extend_from_slice(raw);
        document.extend_from_slice(b"</payglot-fragment>");
        let overhead = document.len() - raw.len();
        Fragment { document, wrapper_columns, overhead }
    }

    /// The limits a unit's fragment is read with: the document's, the depth counted as in the
    /// whole document (the wrapper stands for every open ancestor).
    fn unit_limits(&self, part: Part, fragment: &Fragment) -> Limits {
        let ancestors = match part {
            Part::Report => self.scopes.len().saturating_sub(1),
            _ => self.scopes.len(),
        };
        Limits {
            max_bytes: self.limits.max_bytes.saturating_add(fragment.overhead),
            max_depth: self.limits.max_depth.saturating_sub(ancestors).saturating_add(1),
            ..self.limits
        }
    }

    /// Check a unit (its [`fragment`](Self::fragment)) with the generated validating reader
    /// and record its element tree (named `name`), whose first line is `line`; errors are
    /// relocated to the whole document.
    fn read_unit<'d>(
        &self,
        part: Part,
        fragment: &'d Fragment,
        name: &str,
        path: &str,
        (line, column): (u64, u64),
    ) -> Result<Unit<'d>, DecodeError> {
        let (document, wrapper_columns) = (fragment.document.as_slice(), fragment.wrapper_columns);
        let limits = self.unit_limits(part, fragment);
        let mut recorded = TreeBuilder::new(document, line);
        let Some(result) = record_unit(self.message, part, document, &limits, &mut recorded) else {
            return Err(DecodeError::unsupported(
                Location::path(ROOT_PATH),
                format!("unsupported version {} (its feature is off)", self.message.id()),
            ));
        };
        result.map_err(|error| {
            let more = error.violations().len().saturating_sub(1);
            let Some(first) = error.violations().first() else {
                return DecodeError::invalid(Location::at(path, line, column), "invalid ISO 20022 document");
            };
            let mut v: Violation = first.clone();
            // `/Ntry/Amt` → `/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt`.
            let rest = v.path.strip_prefix('/').and_then(|p| p.find('/').map(|i| p.get(i..).unwrap_or_default()));
            v.path = match (v.path.is_empty(), rest) {
                (true, _) => path.to_owned(),
                (false, Some(rest)) => format!("{path}{rest}"),
                (false, None) => path.to_owned(),
            };
            if v.line <= 1 {
                v.column = (column + v.column).saturating_sub(wrapper_columns + 1).max(1);
                v.line = line;
            } else {
                v.line = line + v.line - 1;
            }
            violation_error(&v, more)
        })?;
        recorded
            .into_unit(name)
            .ok_or_else(|| DecodeError::syntax(Location::at(path, line, column), "notWellFormed: unit not recorded"))
    }

    /// Envelopes, AppHdr, Document, root element and group header.
    fn prolog(&mut self) -> Result<GroupHeader, DecodeError> {
        // The AppHdr's raw bytes and first line.
        let mut app_header: Option<(Vec<u8>, u64)> = None;
        let mut first = true;
        loop {
            let step = self.step("", first)?;
            first = false;
            match step {
                Step::Start { start, namespace, offset, line, column, .. } => {
                    let local = start.local_name().as_ref().to_vec();
                    let iso = namespace.starts_with(ISO_PREFIX.as_bytes());
                    if local == b"AppHdr" && iso && app_header.is_none() {
                        let end = self.skip("/AppHdr")?;
                        app_header = Some((self.xml.get_ref().slice(offset, end).to_vec(), line));
                        self.xml.get_mut().trim_to(end);
                    } else if local == b"Document" && (iso || namespace.is_empty()) {
                        let namespace = String::from_utf8_lossy(&namespace).into_owned();
                        let message = IsoMessage::from_namespace(&namespace).filter(|m| {
                            matches!(
                                m,
                                IsoMessage::Camt053V02
                                    | IsoMessage::Camt053V08
                                    | IsoMessage::Camt054V02
                                    | IsoMessage::Camt054V08
                            )
                        });
                        let Some(message) = message else {
                            let what = match namespace.strip_prefix(ISO_PREFIX) {
                                Some(version) => format!(
                                    "unsupported version {version} (the streaming reader reads camt.053 and camt.054)"
                                ),
                                None => "Document has no ISO 20022 namespace".to_owned(),
                            };
                            return Err(DecodeError::unsupported(Location::at(ROOT_PATH, line, column), what));
                        };
                        self.message = message;
                        self.era = message.era();
                        self.kind = match message {
                            IsoMessage::Camt054V02 | IsoMessage::Camt054V08 => Kind::Notification,
                            _ => Kind::Statement,
                        };
                        self.check_attributes(&start, ROOT_PATH)?;
                        self.push_scope(&start)?;
                        self.namespace = namespace.into_bytes();
                        break;
                    } else {
                        self.push_scope(&start)?;
                    }
                }
                Step::End => self.pop_scope(),
                Step::Eof => {
                    return Err(self.error(DecodeErrorKind::Invalid, "", "noDocument: no Document element found"));
                }
            }
        }
        // The root element.
        let root_path = self.root_path();
        match self.step(ROOT_PATH, false)? {
            Step::Start { start, in_document_ns: true, .. }
                if start.local_name().as_ref() == self.kind.root().as_bytes() =>
            {
                self.check_attributes(&start, root_path)?;
                self.push_scope(&start)?;
            }
            _ => {
                return Err(self.error(
                    DecodeErrorKind::Invalid,
                    ROOT_PATH,
                    format!("unexpectedElement: expected {}", self.kind.root()),
                ));
            }
        }
        // The group header.
        let path = format!("{root_path}/GrpHdr");
        let (fragment, line, column) = match self.step(root_path, false)? {
            Step::Start { start, in_document_ns: true, offset, line, column, .. }
                if start.local_name().as_ref() == b"GrpHdr" =>
            {
                let end = self.skip(&path)?;
                let fragment = self.fragment(self.xml.get_ref().slice(offset, end));
                self.xml.get_mut().trim_to(end);
                (fragment, line, column)
            }
            _ => {
                return Err(self.error(DecodeErrorKind::Invalid, root_path, "missingElement: expected GrpHdr"));
            }
        };
        let unit = self.read_unit(Part::GroupHeader, &fragment, "GrpHdr", &path, (line, column))?;
        let element = root(&unit)?;
        element.mark();
        let mut header = camt::group_header(element, self.era)?;
        if let Some((raw, line)) = &app_header {
            // Mapped as the whole-document decoder maps it (recorded as it stands; its values go
            // through the model's checked constructors).
            let mut recorded = TreeBuilder::new(raw, *line);
            tree::record_own(raw, &mut recorded, &mut Want::Root)
                .map_err(|e| DecodeError::syntax(Location::at("/AppHdr", *line, 1), format!("notWellFormed: {e}")))?;
            let app_header = recorded.into_unit("AppHdr").ok_or_else(|| {
                DecodeError::syntax(Location::at("/AppHdr", *line, 1), "notWellFormed: AppHdr not recorded")
            })?;
            let app_header = root(&app_header)?;
            app_header.mark();
            header.business_header = Some(head::decode(app_header)?);
            app_header.losses("", &mut self.losses);
        }
        element.losses_at(&path, &mut self.losses);
        Ok(header)
    }

    /// Read until at least one event is pending or the input is done.
    fn advance(&mut self) -> Result<(), DecodeError> {
        let root_path = self.root_path();
        let Some(phase) = self.report.as_ref().map(|r| r.phase) else {
            return self.between_reports(root_path);
        };
        if phase == Phase::Entries && self.entries_in_place() {
            return Ok(());
        }
        let (report_path, entries) = self.report.as_ref().map_or((String::new(), 0), |r| (r.path.clone(), r.entries));
        match self.step(&report_path, false)? {
            Step::Start { start, in_document_ns, offset, line, column, .. } => {
                if in_document_ns && start.local_name().as_ref() == b"Ntry" && phase != Phase::Tail {
                    if phase == Phase::Head {
                        self.end_head(offset, &report_path)?;
                    }
                    let plain = start.len() == start.name().as_ref().len();
                    self.entry_tag = plain.then(|| [&b"<"[..], start.name().as_ref(), b">"].concat());
                    let path = format!("{report_path}/Ntry[{}]", entries + 1);
                    let end = self.skip_unit(&path, start.name().as_ref())?;
                    let length = usize::try_from(end - offset).unwrap_or(usize::MAX);
                    self.entry_window = entry_window(length);
                    // Typed, the entry is read where the source buffer holds it.
                    let typed = match (&self.declared, self.typed) {
                        (Some(declared), true) => {
                            let unit = typed_camt::EntryBytes {
                                raw: self.xml.get_ref().slice(offset, end),
                                declared,
                                outer_depth: self.scopes.len(),
                            };
                            typed_camt::entry(self.message, &unit, &self.limits, || path.clone())
                        }
                        _ => None,
                    };
                    let entry = match typed {
                        Some((entry, losses, _)) => {
                            self.xml.get_mut().trim_to(end);
                            self.typed_entries += 1;
                            self.losses.extend(losses);
                            entry
                        }
                        // The reference: validated and recorded into a tree, mapped from it.
                        None => {
                            let fragment = self.fragment(self.xml.get_ref().slice(offset, end));
                            self.xml.get_mut().trim_to(end);
                            let unit = self.read_unit(Part::Entry, &fragment, "Ntry", &path, (line, column))?;
                            let element = root(&unit)?;
                            element.mark();
                            let entry = camt::entry(element, self.era)?;
                            element.losses_at(&path, &mut self.losses);
                            Box::new(entry)
                        }
                    };
                    self.yield_entry(entry, Vec::new());
                    return Ok(());
                }
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let child_path = format!("{report_path}/{name}");
                match phase {
                    Phase::Head => {
                        // Kept raw until the first entry (or the report's end).
                        self.skip(&child_path)?;
                    }
                    Phase::Entries | Phase::Tail if in_document_ns && name == self.kind.additional_info() => {
                        let end = self.skip(&child_path)?;
                        let raw = self.xml.get_ref().slice(offset, end).to_vec();
                        self.xml.get_mut().trim_to(end);
                        if let Some(report) = self.report.as_mut() {
                            report.phase = Phase::Tail;
                            report.tail_raw.extend_from_slice(&raw);
                        }
                    }
                    Phase::Entries | Phase::Tail => {
                        return Err(DecodeError::invalid(
                            Location::at(child_path, line, column),
                            format!("unexpectedElement: element {name} is not allowed here"),
                        ));
                    }
                }
                Ok(())
            }
            Step::End => self.end_report(&report_path, phase),
            Step::Eof => {
                Err(self.error(DecodeErrorKind::Syntax, &report_path, "notWellFormed: unexpected end of document"))
            }
        }
    }

    /// The next entry of the report, counted and queued with the losses found reading it
    /// that are not reported yet.
    fn yield_entry(&mut self, entry: Box<Entry>, losses: Vec<Loss>) {
        if let Some(report) = self.report.as_mut() {
            report.entries += 1;
        }
        self.pending.push_back((StatementEvent::Entry(entry), losses));
    }

    /// The next entries read where the source buffer holds them, before quick-xml or the
    /// scan see them: while the input there is whitespace and then the report's plain entry
    /// start tag ([`Inner::entry_tag`]), the typed read is given the buffered text from there
    /// and finds each entry's end itself, one reader for the run
    /// ([`super::typed::camt::entries_leading`]). Only complete successes are taken (their
    /// bytes consumed unrecorded, the entries queued); the run stops before anything else —
    /// an error, a window that ends inside the entry, what only the tree decides — which
    /// consumes nothing, and the regular path reads the same bytes and decides as it always
    /// does. So both paths give the same entries, losses and errors (test `stream_typed`).
    /// `false` when no entry was taken.
    fn entries_in_place(&mut self) -> bool {
        if !self.typed {
            return false;
        }
        let (Some(tag), Some(declared), Some(report)) =
            (self.entry_tag.as_deref(), self.declared.as_deref(), self.report.as_mut())
        else {
            return false;
        };
        let source = self.xml.get_mut();
        let given = self.entry_window.saturating_mul(self.run_windows).min(BUFFER_BYTES).max(self.entry_window);
        if !source.top_up(given) {
            return false;
        }
        // The window holds the whitespace before the first entry too, so each entry and the
        // whitespace before it are within `max_bytes`, as the regular path's record is.
        let window = source.text_ahead(0, given.min(self.limits.max_bytes));
        let (length, first) = (window.len(), report.entries);
        // Room for one more entry after `entry` (its bytes in the window).
        let room = |entry: &Range<usize>| length - entry.end >= entry_window(entry.len());
        let report_path = report.path.as_str();
        let path = |n: usize| format!("{report_path}/Ntry[{}]", first + n + 1);
        let at = (declared, self.scopes.len());
        let taken = typed_camt::entries_leading(self.message, window, tag, at, &self.limits, room, path);
        let Some(last) = taken.last().map(|(_, _, entry)| entry.clone()) else {
            self.run_windows = 1;
            return false;
        };
        source.pass(last.end);
        self.in_place_runs += 1;
        self.entry_window = entry_window(last.len());
        // A run that used its window up (it stopped for want of room, not before an entry it
        // could not take) gets twice as many entries' windows next time, up to the buffer:
        // the window is checked as UTF-8 whole, so it grows only while whole windows are taken.
        self.run_windows = if room(&last) { 1 } else { (self.run_windows * 2).min(MAX_RUN_WINDOWS) };
        for (entry, losses, _) in taken {
            self.typed_entries += 1;
            self.entries_in_place += 1;
            self.yield_entry(entry, losses);
        }
        true
    }

    /// The first entry begins at `offset`: the report's head is complete; check and yield it.
    fn end_head(&mut self, offset: u64, report_path: &str) -> Result<(), DecodeError> {
        let Some(mut report) = self.report.take() else { return Ok(()) };
        let raw = self.xml.get_ref().slice(report.start, offset).to_vec();
        let mut whole = raw.clone();
        whole.extend_from_slice(&report.end_tag);
        let fragment = self.fragment(&whole);
        report.head_raw = raw;
        report.phase = Phase::Entries;
        let position = (report.line, report.column);
        self.report = Some(report);
        let unit = self.read_unit(Part::Report, &fragment, self.kind.report(), report_path, position)?;
        self.xml.get_mut().trim_to(offset);
        let head = root(&unit)?;
        head.mark();
        let start = camt::report_head(head, self.era)?;
        head.losses_at(report_path, &mut self.losses);
        self.pending.push_back((StatementEvent::ReportStart(Box::new(start)), Vec::new()));
        Ok(())
    }

    fn end_report(&mut self, report_path: &str, phase: Phase) -> Result<(), DecodeError> {
        let end = self.offset();
        let Some(mut report) = self.report.take() else { return Ok(()) };
        let position = (report.line, report.column);
        if phase == Phase::Head {
            // No entries: the whole report is its head.
            let fragment = self.fragment(self.xml.get_ref().slice(report.start, end));
            let unit = self.read_unit(Part::Report, &fragment, self.kind.report(), report_path, position)?;
            self.pop_scope();
            self.xml.get_mut().trim_to(end);
            let element = root(&unit)?;
            element.mark();
            let start = camt::report_head(element, self.era)?;
            let additional_info = camt::report_tail(element, self.kind)?;
            element.losses_at(report_path, &mut self.losses);
            self.pending.push_back((StatementEvent::ReportStart(Box::new(start)), Vec::new()));
            self.pending.push_back((StatementEvent::ReportEnd { additional_info }, Vec::new()));
            return Ok(());
        }
        let has_tail = !report.tail_raw.is_empty();
        let mut raw = std::mem::take(&mut report.head_raw);
        raw.extend_from_slice(&report.tail_raw);
        raw.extend_from_slice(&report.end_tag);
        let fragment = self.fragment(&raw);
        let unit = self.read_unit(Part::Report, &fragment, self.kind.report(), report_path, position)?;
        self.pop_scope();
        self.xml.get_mut().trim_to(end);
        let element = root(&unit)?;
        let additional_info = if has_tail {
            // The head was mapped (and its losses reported) at the first entry: only the
            // children after the entries are read here.
            element.retain_children(self.kind.additional_info());
            element.mark();
            let info = camt::report_tail(element, self.kind)?;
            element.losses_at(report_path, &mut self.losses);
            info
        } else {
            None
        };
        self.pending.push_back((StatementEvent::ReportEnd { additional_info }, Vec::new()));
        Ok(())
    }

    /// Inside the root element, between reports: the next report, supplementary data, or
    /// the end of the document (then the rest of the input is checked).
    fn between_reports(&mut self, root_path: &str) -> Result<(), DecodeError> {
        match self.step(root_path, false)? {
            Step::Start { start, in_document_ns, offset, line, column, .. } => {
                let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if in_document_ns && local == self.kind.report() && self.supplementary.is_empty() {
                    self.reports += 1;
                    let mut end_tag = b"</".to_vec();
                    end_tag.extend_from_slice(start.name().as_ref());
                    end_tag.push(b'>');
                    self.push_scope(&start)?;
                    self.report = Some(Report {
                        path: format!("{root_path}/{}[{}]", self.kind.report(), self.reports),
                        start: offset,
                        line,
                        column,
                        end_tag,
                        phase: Phase::Head,
                        head_raw: Vec::new(),
                        tail_raw: Vec::new(),
                        entries: 0,
                    });
                    return Ok(());
                }
                if in_document_ns && local == "SplmtryData" && self.era == Era::New && self.reports > 0 {
                    let path = format!("{root_path}/SplmtryData[{}]", self.supplementary.len() + 1);
                    let end = self.skip(&path)?;
                    let fragment = self.fragment(self.xml.get_ref().slice(offset, end));
                    self.xml.get_mut().trim_to(end);
                    let unit = self.read_unit(Part::Supplementary, &fragment, "SplmtryData", &path, (line, column))?;
                    // Unread by the mapping, as in the whole-document decode.
                    self.supplementary.push(tree::describe(root(&unit)?));
                    return Ok(());
                }
                let expected = if self.reports == 0 { self.kind.report() } else { "the end of the document" };
                Err(DecodeError::invalid(
                    Location::at(format!("{root_path}/{local}"), line, column),
                    format!("unexpectedElement: expected {expected}, found element {local}"),
                ))
            }
            Step::End => {
                if self.reports == 0 {
                    return Err(self.error(
                        DecodeErrorKind::Invalid,
                        root_path,
                        format!("missingElement: expected {}", self.kind.report()),
                    ));
                }
                // The paths name the index only when the name repeats, as in the whole document.
                let repeated = self.supplementary.len() > 1;
                for (i, detail) in std::mem::take(&mut self.supplementary).into_iter().enumerate() {
                    let path = if repeated {
                        format!("{root_path}/SplmtryData[{}]", i + 1)
                    } else {
                        format!("{root_path}/SplmtryData")
                    };
                    self.losses.push(Loss::dropped(path, detail));
                }
                self.pop_scope();
                self.epilogue()
            }
            Step::Eof => {
                Err(self.error(DecodeErrorKind::Syntax, root_path, "notWellFormed: unexpected end of document"))
            }
        }
    }

    /// After the root element: the Document's end, the envelopes' ends, nothing after.
    fn epilogue(&mut self) -> Result<(), DecodeError> {
        match self.step(ROOT_PATH, false)? {
            Step::End => self.pop_scope(),
            _ => {
                return Err(self.error(
                    DecodeErrorKind::Invalid,
                    ROOT_PATH,
                    "unexpectedElement: nothing may follow the message in the Document",
                ));
            }
        }
        loop {
            match self.step("", false)? {
                Step::Start { start, namespace, .. } => {
                    if self.scopes.is_empty() {
                        return Err(self.error(
                            DecodeErrorKind::Syntax,
                            "",
                            "notWellFormed: more than one root element",
                        ));
                    }
                    if start.local_name().as_ref() == b"AppHdr" && namespace.starts_with(ISO_PREFIX.as_bytes()) {
                        return Err(self.error(
                            DecodeErrorKind::Unsupported,
                            "/AppHdr",
                            "an AppHdr after the Document is not supported by the streaming reader; decode the whole document",
                        ));
                    }
                    self.push_scope(&start)?;
                }
                Step::End => self.pop_scope(),
                Step::Eof => {
                    if !self.scopes.is_empty() {
                        return Err(self.error(
                            DecodeErrorKind::Syntax,
                            "",
                            "notWellFormed: unclosed element at end of document",
                        ));
                    }
                    self.done = true;
                    return Ok(());
                }
            }
        }
    }
}

/// The element a recorded unit starts from (always there: [`TreeBuilder::into_unit`] found it).
fn root<'u, 'd>(unit: &'u Unit<'d>) -> Result<Element<'u, 'd>, DecodeError> {
    unit.root().ok_or_else(|| DecodeError::syntax(Location::default(), "notWellFormed: unit not recorded"))
}

/// Check a unit (`document`: its fragment) with the generated validating reader and record
/// its element tree into `tree`; `None` when the version's feature is off.
///
/// Validate one unit and record it into `tree` in the same pass (the validating reader's
/// record hook, as `tree::record` does for the whole document).
fn record_unit<'d>(
    message: IsoMessage,
    part: Part,
    document: &'d [u8],
    limits: &Limits,
    tree: &mut TreeBuilder<'d>,
) -> Option<Result<(), crate::Iso20022Error>> {
    fragments::check(message, part, document, limits, Some(tree))
}

/// The generated types each unit is checked against, as fragment roots.
pub(crate) mod fragments {
    use super::{IsoMessage, Part};
    use crate::Iso20022Error;
    #[allow(unused_imports)] // Used by the fragment types of the versions built.
    use crate::rt::{ComplexValue, Reader, Writer};
    use crate::rt::{Limits, Recorder, RootElement, read_root, read_root_recording};

    macro_rules! fragment {
        ($feature:literal, $name:ident, $module:ident :: $ty:ident, $element:literal) => {
            #[cfg(feature = $feature)]
            #[derive(Debug)]
            struct $name;
            #[cfg(feature = $feature)]
            impl ComplexValue for $name {
                const ATTRS: &'static [&'static str] = <crate::generated::$module::$ty as ComplexValue>::ATTRS;
                fn read(r: &mut Reader<'_>) -> Result<Self, Iso20022Error> {
                    <crate::generated::$module::$ty as ComplexValue>::read(r).map(|_| $name)
                }
                fn write(&self, _w: &mut Writer) {}
            }
            #[cfg(feature = $feature)]
            impl RootElement for $name {
                const NAMESPACE: &'static str = crate::generated::$module::NAMESPACE;
                const ELEMENT: &'static str = $element;
            }
        };
    }

    fragment!("camt_053_001_02", S02Header, camt_053_001_02::GroupHeader42, "GrpHdr");
    fragment!("camt_053_001_02", S02Report, camt_053_001_02::AccountStatement2, "Stmt");
    fragment!("camt_053_001_02", S02Entry, camt_053_001_02::ReportEntry2, "Ntry");
    fragment!("camt_053_001_08", S08Header, camt_053_001_08::GroupHeader81, "GrpHdr");
    fragment!("camt_053_001_08", S08Report, camt_053_001_08::AccountStatement9, "Stmt");
    fragment!("camt_053_001_08", S08Entry, camt_053_001_08::ReportEntry10, "Ntry");
    fragment!("camt_053_001_08", S08Supplementary, camt_053_001_08::SupplementaryData1, "SplmtryData");
    fragment!("camt_054_001_02", N02Header, camt_054_001_02::GroupHeader42, "GrpHdr");
    fragment!("camt_054_001_02", N02Report, camt_054_001_02::AccountNotification2, "Ntfctn");
    fragment!("camt_054_001_02", N02Entry, camt_054_001_02::ReportEntry2, "Ntry");
    fragment!("camt_054_001_08", N08Header, camt_054_001_08::GroupHeader81, "GrpHdr");
    fragment!("camt_054_001_08", N08Report, camt_054_001_08::AccountNotification17, "Ntfctn");
    fragment!("camt_054_001_08", N08Entry, camt_054_001_08::ReportEntry10, "Ntry");
    fragment!("camt_054_001_08", N08Supplementary, camt_054_001_08::SupplementaryData1, "SplmtryData");

    /// Read `document`'s unit as `T`, recording it into `rec` when one is given.
    #[allow(dead_code)] // unused only when every camt feature is off
    fn read<'d, T: RootElement>(
        document: &'d [u8],
        limits: &Limits,
        rec: Option<&mut dyn Recorder<'d>>,
    ) -> Result<(), Iso20022Error> {
        match rec {
            Some(rec) => read_root_recording::<T>(document, limits, rec).map(drop),
            None => read_root::<T>(document, limits).map(drop),
        }
    }

    /// Check `document` (a wrapper holding one unit), recording the unit into `rec` when one is
    /// given; `None` when the version's feature is off.
    #[allow(unreachable_code)] // With no camt version built, every arm returns `None`.
    pub(crate) fn check<'d>(
        message: IsoMessage,
        part: Part,
        document: &'d [u8],
        limits: &Limits,
        rec: Option<&mut dyn Recorder<'d>>,
    ) -> Option<Result<(), Iso20022Error>> {
        let _ = (document, limits, &rec);
        Some(match (message, part) {
            #[cfg(feature = "camt_053_001_02")]
            (IsoMessage::Camt053V02, Part::GroupHeader) => read::<S02Header>(document, limits, rec),
            #[cfg(feature = "camt_053_001_02")]
            (IsoMessage::Camt053V02, Part::Report) => read::<S02Report>(document, limits, rec),
            #[cfg(feature = "camt_053_001_02")]
            (IsoMessage::Camt053V02, Part::Entry) => read::<S02Entry>(document, limits, rec),
            #[cfg(feature = "camt_053_001_08")]
            (IsoMessage::Camt053V08, Part::GroupHeader) => read::<S08Header>(document, limits, rec),
            #[cfg(feature = "camt_053_001_08")]
            (IsoMessage::Camt053V08, Part::Report) => read::<S08Report>(document, limits, rec),
            #[cfg(feature = "camt_053_001_08")]
            (IsoMessage::Camt053V08, Part::Entry) => read::<S08Entry>(document, limits, rec),
            #[cfg(feature = "camt_053_001_08")]
            (IsoMessage::Camt053V08, Part::Supplementary) => read::<S08Supplementary>(document, limits, rec),
            #[cfg(feature = "camt_054_001_02")]
            (IsoMessage::Camt054V02, Part::GroupHeader) => read::<N02Header>(document, limits, rec),
            #[cfg(feature = "camt_054_001_02")]
            (IsoMessage::Camt054V02, Part::Report) => read::<N02Report>(document, limits, rec),
            #[cfg(feature = "camt_054_001_02")]
            (IsoMessage::Camt054V02, Part::Entry) => read::<N02Entry>(document, limits, rec),
            #[cfg(feature = "camt_054_001_08")]
            (IsoMessage::Camt054V08, Part::GroupHeader) => read::<N08Header>(document, limits, rec),
            #[cfg(feature = "camt_054_001_08")]
            (IsoMessage::Camt054V08, Part::Report) => read::<N08Report>(document, limits, rec),
            #[cfg(feature = "camt_054_001_08")]
            (IsoMessage::Camt054V08, Part::Entry) => read::<N08Entry>(document, limits, rec),
            #[cfg(feature = "camt_054_001_08")]
            (IsoMessage::Camt054V08, Part::Supplementary) => read::<N08Supplementary>(document, limits, rec),
            _ => return None,
        })
    }
}

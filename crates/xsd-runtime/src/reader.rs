//! The pull reader used by generated code: quick-xml's raw tokenizer over the input slice, the
//! namespace scopes kept here ([`Scopes`]: declarations are looked at only where a start tag
//! has `xmlns` attributes), one event of look-ahead, the element path, limits, and errors with
//! line and column.
//!
//! The plainest tags are read here in one pass, past quick-xml ([`Reader::try_markup`]: a
//! simple element `<name>text</name>`, or with one plain attribute, `<name a="v">text</name>`
//! (an amount); a start tag without attributes and its end tag; whitespace before a tag): a
//! look-ahead consumes nothing until it is used, and anything else is left to quick-xml, which
//! then reads exactly what it would have. End tags are matched here ([`Reader::read_xml`]) with
//! quick-xml's own error.
//!
//! Code size is a cost here, as instructions are: a generated structure's reader runs through
//! tens of fields, each a call to a generic method below. Those methods are thin: what does not
//! depend on the type (opening an element, reading its text, closing it, a run's bookkeeping,
//! the moved reading of tests) is shared, out of line, so each type's copy holds little more
//! than its own value's parsing, and the hot path of a transaction fits the instruction cache
//! better (BENCHMARKS.md, issue 3, session 9).
//!
//! Recording ([`Reader::record`], [`read_root_recording`]): the reader keeps every element,
//! attribute and text it reads, in order, and replays them into a [`Recorder`] once the read
//! succeeded — one tokenization gives both the typed value and the record. When not recording,
//! each hook is one never-taken branch.
//!
//! Hostile input: a DOCTYPE, a processing instruction (other than the XML declaration at the
//! very start) or an entity other than the five predefined ones and character references is
//! rejected where it appears; nothing is ever expanded. Depth, string length and repeat counts
//! are bounded by [`Limits`]; invalid UTF-8 is rejected before parsing.
use super::error::mask_account;
use super::ns::{Scopes, attributes, plain_attributes, split_qname};
use super::values::is_xml_ws;
use super::{ComplexValue, Error, FacetError, Limits, Recorder, RootElement, Rule, SimpleValue, Violation};
use quick_xml::errors::IllFormedError;
use quick_xml::events::{BytesRef, BytesStart, BytesText, Event};
use quick_xml::reader::Reader as XmlReader;
use std::borrow::Cow;

const XSI_NS: &[u8] = b"http://www.w3.org/2001/XMLSchema-instance";

/// An `xs:any` element kept as raw XML text (from its `<` to its closing `>`). Namespace
/// prefixes declared outside the fragment are not carried over.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnyElement(String);

impl AnyElement {
    /// Wrap a well-formed XML element (not checked here; checked when read).
    pub fn new(xml: impl Into<String>) -> Self {
        AnyElement(xml.into())
    }
    /// The XML text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

enum Peek<'a> {
    /// A start tag; `local` is where its local name starts in its name (after the prefix).
    Start {
        e: BytesStart<'a>,
        pos: u64,
        ns_ok: bool,
        local: usize,
    },
    /// A simple element read ahead in one step by [`Reader::try_markup`]: `<name>text</name>`,
    /// at most one plain attribute, the text plain (no reference, CR or control character),
    /// the end tag exactly the start tag's name. quick-xml has not seen it: it is consumed by advancing
    /// quick-xml's input past the end tag ([`Reader::open`] for a simple type), or handed back
    /// to quick-xml (`materialize`) for anything else, which then reads exactly the same
    /// events as if it had never been looked at.
    Leaf {
        /// The qualified name (from the input).
        name: &'a str,
        local: usize,
        /// Where its `<` is (as quick-xml reports a start tag).
        pos: u64,
        ns_ok: bool,
        /// Its one attribute, if it has one (name, value): unprefixed, not a namespace
        /// declaration, the value without references, `<` or control characters, so that
        /// quick-xml would give exactly it.
        attr: Option<(&'a str, &'a str)>,
        text: &'a str,
        /// Where the end tag's `<` is.
        end_pos: u64,
        /// Offset (in `src`) just after the end tag's `>`.
        after: usize,
    },
    End {
        pos: u64,
    },
}

/// One recorded event (see [`Reader::record`]), replayed into a [`Recorder`] in order.
enum Recorded<'a> {
    Start(&'a str, usize),
    Attribute(&'a str, Cow<'a, str>),
    Text(Cow<'a, str>),
    End,
}

/// Bytes a fused leaf's name may hold (ASCII letters, digits, `_-.:`, and any byte of a
/// non-ASCII character); anything else leaves the element to quick-xml.
static NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':') || c >= 0x80;
        b += 1;
    }
    t
};

/// Where a fused leaf's one attribute's key and value lie in its start tag (after its name).
type AttrRanges = (std::ops::Range<usize>, std::ops::Range<usize>);

/// Bytes the text of a fused leaf may hold: all but `<` (its end tag), `&` (a reference, left
/// to quick-xml) and the control characters other than LF and tab (CR among them: XML
/// normalises it).
static TEXT_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = !(c == b'<' || c == b'&' || (c < 0x20 && c != b'\n' && c != b'\t'));
        b += 1;
    }
    t
};

/// Whether two element names are equal, without a call for the short names XML documents are
/// made of: lengths first, then at most two overlapping word loads per side (one `memcmp`
/// call per comparison was 5% of a stream's time, sampled); names over 16 bytes by `==`.
#[inline(always)]
fn same_name(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    fn word8(s: &[u8], at: usize) -> u64 {
        s.get(at..).and_then(<[u8]>::first_chunk).map_or(0, |w| u64::from_le_bytes(*w))
    }
    fn word4(s: &[u8], at: usize) -> u32 {
        s.get(at..).and_then(<[u8]>::first_chunk).map_or(0, |w| u32::from_le_bytes(*w))
    }
    match n {
        0 => true,
        1..=3 => a.first() == b.first() && a.get(n / 2) == b.get(n / 2) && a.last() == b.last(),
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

/// [`same_name`] of two optional slices (both present).
#[inline(always)]
fn same_some(a: Option<&[u8]>, b: Option<&[u8]>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if same_name(a, b))
}

/// The length of the run of bytes `table` allows that `b` starts with (one table load and
/// branch per byte: names and leaf texts are short, and a call to `memchr` costs more than
/// the loop over them).
#[inline]
fn run_of(b: &[u8], table: &[bool; 256]) -> usize {
    b.iter().position(|c| !table[usize::from(*c)]).unwrap_or(b.len())
}

/// Append a piece of text to an accumulated text (borrowed while it is one piece).
#[inline]
fn push_text<'x>(acc: &mut Option<Cow<'x, str>>, s: Cow<'x, str>) {
    match acc {
        None => *acc = Some(s),
        Some(a) => a.to_mut().push_str(&s),
    }
}

/// Text inside `xs:any` content (recording only): added to the innermost open element's.
fn any_text<'x>(open: &mut [(Option<Cow<'x, str>>, bool)], s: Cow<'x, str>) {
    if let Some((text, _)) = open.last_mut() {
        push_text(text, s);
    }
}

/// The word whose eight bytes are all `byte`.
const fn lanes(byte: u8) -> u64 {
    u64::from_le_bytes([byte; 8])
}

/// The high bit of each byte of `x` that is zero (exact: no carry crosses bytes).
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    const LO: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((x & LO) + LO) | x) & lanes(0x80)
}

/// The length of the run of [`TEXT_BYTE`]s that `b` starts with, eight bytes at a time (the
/// text of a leaf: one word holds most codes, amounts and dates with their end tag's `<`).
#[inline]
fn text_run(b: &[u8]) -> usize {
    // A start tag followed by another tag (`<Refs><EndToEndId>`): no word to test.
    if b.first() == Some(&b'<') {
        return 0;
    }
    let mut i = 0;
    for chunk in b.chunks_exact(8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else { break };
        let x = u64::from_le_bytes(word);
        // Control characters (the top three bits clear) but LF and tab.
        let control = zero_bytes(x & lanes(0xe0)) & !zero_bytes(x ^ lanes(b'\n')) & !zero_bytes(x ^ lanes(b'\t'));
        let stop = zero_bytes(x ^ lanes(b'<')) | zero_bytes(x ^ lanes(b'&')) | control;
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + run_of(b.get(i..).unwrap_or_default(), &TEXT_BYTE)
}

/// The length of the run of spaces, LFs and tabs that `b` starts with: past its first eight
/// bytes, eight bytes at a time (indentation before a tag: tens of bytes in pretty-printed
/// files).
#[inline]
fn ws_run(b: &[u8]) -> usize {
    // Most tags follow a `>` directly (one test), or a line break and some indentation:
    // eight bytes at a time from there (no loop exit to mispredict in a short run).
    if !matches!(b.first(), Some(b' ' | b'\n' | b'\t')) {
        return 0;
    }
    let mut i = 0;
    for chunk in b.chunks_exact(8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else { break };
        let x = u64::from_le_bytes(word);
        let ws = zero_bytes(x ^ lanes(b' ')) | zero_bytes(x ^ lanes(b'\n')) | zero_bytes(x ^ lanes(b'\t'));
        let other = !ws & lanes(0x80);
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    let tail = b.get(i..).unwrap_or_default();
    i + tail.iter().position(|c| !matches!(c, b' ' | b'\n' | b'\t')).unwrap_or(tail.len())
}

/// The one attribute of a tag read in one step, from `s` (the tag after its name, up to its
/// `>`): exactly ` name="value"` or ` name='value'` — one space, an unprefixed name of name
/// characters that does not start with `xml`, no space around `=`, a value without `<`, `&`
/// or control characters (so quick-xml's value is these bytes, unnormalised). The ranges of
/// name and value in `s`; anything else (several attributes, hence any duplicate; a namespace
/// declaration or a prefixed name; a reference; whitespace to normalise) is left to quick-xml.
#[inline]
fn one_attr(s: &[u8]) -> Option<AttrRanges> {
    let rest = s.strip_prefix(b" ")?;
    let eq = memchr::memchr(b'=', rest)?;
    let key = rest.get(..eq)?;
    if !key.first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        || !key.iter().all(|b| NAME_BYTE[usize::from(*b)] && *b != b':')
        || key.get(..3).is_some_and(|x| x.eq_ignore_ascii_case(b"xml"))
    {
        return None;
    }
    let quote = *rest.get(eq + 1)?;
    let value = rest.get(eq + 2..rest.len().checked_sub(1)?)?;
    if !matches!(quote, b'"' | b'\'')
        || rest.last() != Some(&quote)
        || rest.len() < eq + 3
        || value.iter().any(|&b| b == quote || b == b'<' || b == b'&' || b < 0x20)
    {
        return None;
    }
    Some((1..1 + eq, eq + 3..s.len() - 1))
}

/// The local name of a peeked start tag.
#[inline]
fn local_of<'e>(e: &'e BytesStart<'_>, local: usize) -> &'e [u8] {
    let name: &'e [u8] = e.name().into_inner();
    name.get(local..).unwrap_or_default()
}

/// Reader state for generated `read` methods.
pub struct Reader<'a> {
    xml: XmlReader<&'a [u8]>,
    scopes: Scopes<'a>,
    /// Cache of [`Reader::default_is_target`]; `None` after a change of scope or target.
    default_ok: Option<bool>,
    /// Cache of [`Reader::prefix_is_target`] for the last prefix asked about (when it is at
    /// most [`PREFIX_CACHE`] bytes long: kept inline, no allocation).
    prefix_ok: Option<(PrefixKey, bool)>,
    input: &'a [u8],
    /// The input from `offset` on, checked UTF-8 once: text is sliced from it.
    src: &'a str,
    offset: usize,
    ns: &'static str,
    limits: Limits,
    peeked: Option<Peek<'a>>,
    path: Vec<(&'static str, u32)>,
    outer_depth: usize,
    cur: Option<BytesStart<'a>>,
    /// The attribute (name, value) of the current element when it was read in one step
    /// ([`Peek::Leaf`]); `cur` is then `None`.
    cur_attr: Option<(&'a str, &'a str)>,
    pos: u64,
    /// Value-level violations collected so far (collecting mode only).
    collected: Vec<Violation>,
    /// At most this many are collected; 0 = stop at the first violation.
    collect_max: usize,
    /// The record kept while recording ([`Reader::record`]); `None` when not recording.
    record: Option<Vec<Recorded<'a>>>,
    /// Recording: the whitespace read since the last tag in element-only content, reported
    /// as the text of an element that turns out to have no child elements.
    pending_ws: Option<Cow<'a, str>>,
    /// Bytes of the input consumed past quick-xml (fused leaves): added to its positions.
    skipped: u64,
    /// The text and end-tag position of the fused leaf just opened (read by `read_text`).
    leaf: Option<(&'a str, u64)>,
    /// Whether simple elements may be read in one step ([`Reader::try_markup`]); off only to
    /// prove in tests that both paths read alike.
    fuse: bool,
    /// Whether structures are read where they lie ([`ComplexValue::read_into`]: a required
    /// one into its parent's field, a repeated one into its vector's slot, a boxed one into
    /// its box); off, each is built by [`ComplexValue::read`] and moved there. Off only to
    /// prove in tests that both read alike.
    in_place: bool,
    /// The names of the open elements (offset in `src`, length, whether the start tag was
    /// read here rather than by quick-xml), to match end tags. An end tag is read here only
    /// when its start tag was, so quick-xml's own list of names (which it keeps even when
    /// not checking) never grows past what it has seen open.
    names: Vec<(usize, usize, bool)>,
}

impl std::fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader").field("path", &self.path_string()).finish()
    }
}

type R<T> = Result<T, Error>;

/// Longest prefix [`Reader::prefix_is_target`] caches.
const PREFIX_CACHE: usize = 15;

/// A cached prefix, inline: its length and bytes.
type PrefixKey = (u8, [u8; PREFIX_CACHE]);

/// The cache key of `prefix`, when it is short enough to be cached.
#[inline]
fn prefix_key(prefix: &[u8]) -> Option<PrefixKey> {
    let mut key = [0u8; PREFIX_CACHE];
    key.get_mut(..prefix.len())?.copy_from_slice(prefix);
    Some((u8::try_from(prefix.len()).ok()?, key))
}

/// Room reserved up front for the open elements' names and the element path (nesting
/// depth): an ISO 20022 document nests about 15 deep, so these grow at most once or twice
/// instead of from nothing in four steps.
const DEPTH_RESERVE: usize = 16;

/// At most this many bytes are reserved ahead for a repeated element ([`Reader::many_c`]);
/// past it the vector grows as usual.
const RESERVE_BYTES: usize = 1 << 20;

/// Input over `Limits::max_bytes` is refused before anything is read.
fn check_size(input: &[u8], limits: &Limits) -> R<()> {
    if input.len() <= limits.max_bytes {
        return Ok(());
    }
    let message = format!("input is {} bytes, more than the limit {}", input.len(), limits.max_bytes);
    Err(Error::new(Violation { rule: Rule::LimitBytes, path: String::new(), line: 1, column: 1, message }))
}

fn line_col(input: &[u8], pos: usize) -> (u64, u64) {
    let upto = input.get(..pos.min(input.len())).unwrap_or_default();
    let line = upto.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let line_start = upto.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(upto.get(line_start..).unwrap_or_default()).chars().count() as u64 + 1;
    (line, col)
}

impl<'a> Reader<'a> {
    /// Check size, encoding and UTF-8, then set up a reader. `input` is the whole document.
    pub fn new(input: &'a [u8], limits: &Limits) -> R<Self> {
        let offset = if input.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        Self::new_at(input, offset, limits)
    }

    /// A reader of `input` from byte `offset` on (lines and columns still count from the
    /// start of `input`).
    fn new_at(input: &'a [u8], offset: usize, limits: &Limits) -> R<Self> {
        check_size(input, limits)?;
        let body = input.get(offset..).unwrap_or_default();
        let src = match crate::text::from_utf8(body) {
            Ok(src) => src,
            Err(e) => {
                let (line, column) = line_col(input, offset + e.valid_up_to());
                let message = "input is not valid UTF-8".into();
                return Err(Error::new(Violation { rule: Rule::Encoding, path: String::new(), line, column, message }));
            }
        };
        Ok(Self::over(input, src, offset, limits))
    }

    /// A reader of `src`, the part of `input` from byte `offset` on, already checked.
    fn over(input: &'a [u8], src: &'a str, offset: usize, limits: &Limits) -> Self {
        let mut xml = XmlReader::from_reader(src.as_bytes());
        let cfg = xml.config_mut();
        cfg.expand_empty_elements = true;
        // End tags are matched here (`read_xml`, `names`), with quick-xml's own error, so that
        // tags read in one step (`try_markup`) need not go through quick-xml's list of names.
        cfg.check_end_names = false;
        cfg.allow_unmatched_ends = true;
        cfg.check_comments = true;
        cfg.trim_text(false);
        Reader {
            xml,
            scopes: Scopes::default(),
            default_ok: None,
            prefix_ok: None,
            input,
            src,
            offset,
            ns: "",
            limits: *limits,
            peeked: None,
            path: Vec::with_capacity(DEPTH_RESERVE),
            outer_depth: 0,
            cur: None,
            cur_attr: None,
            pos: 0,
            collected: Vec::new(),
            collect_max: 0,
            record: None,
            pending_ws: None,
            skipped: 0,
            leaf: None,
            fuse: true,
            in_place: true,
            names: Vec::with_capacity(DEPTH_RESERVE),
        }
    }

    fn path_string(&self) -> String {
        let mut s = String::new();
        for (name, idx) in &self.path {
            s.push('/');
            s.push_str(name);
            if *idx > 0 {
                s.push_str(&format!("[{idx}]"));
            }
        }
        s
    }

    #[cold]
    fn error_at(&self, rule: Rule, pos: u64, path: String, message: String) -> Error {
        let p = usize::try_from(pos).unwrap_or(usize::MAX).saturating_add(self.offset);
        let (line, column) = line_col(self.input, p);
        Error::new(Violation { rule, path, line, column, message })
    }

    /// Text (not whitespace) at `pos` where the current element allows only elements.
    #[cold]
    fn text_in_element_content(&self, pos: u64) -> Error {
        self.error_at(
            Rule::ElementOnlyContent,
            pos,
            self.path_string(),
            "text is not allowed here, only elements".into(),
        )
    }

    /// An error at the current element.
    #[cold]
    fn error(&self, rule: Rule, message: String) -> Error {
        self.error_at(rule, self.pos, self.path_string(), message)
    }

    #[cold]
    fn xml_error(&self, e: quick_xml::Error) -> Error {
        let pos = self.xml.error_position().saturating_add(self.skipped);
        self.error_at(Rule::NotWellFormed, pos, self.path_string(), e.to_string())
    }

    /// Enter a start tag's namespace scope.
    #[inline]
    fn enter(&mut self, e: &BytesStart<'_>, pos: u64) -> R<()> {
        match self.scopes.enter(e, self.src.as_bytes()) {
            Ok(changed) => {
                if changed {
                    self.default_ok = None;
                    self.prefix_ok = None;
                }
                Ok(())
            }
            Err(m) => Err(self.error_at(Rule::NotWellFormed, pos, self.path_string(), m)),
        }
    }

    /// Leave the current element's namespace scope.
    #[inline]
    fn leave(&mut self) {
        if self.scopes.leave() {
            self.default_ok = None;
            self.prefix_ok = None;
        }
    }

    /// Whether `prefix` is bound to the target namespace (cached for the last prefix).
    #[inline]
    fn prefix_is_target(&mut self, prefix: &[u8]) -> bool {
        if let Some(((len, p), ok)) = &self.prefix_ok
            && p.get(..usize::from(*len)).is_some_and(|p| same_name(p, prefix))
        {
            return *ok;
        }
        let ok = self.scopes.prefix_ns(prefix) == Some(self.ns.as_bytes());
        self.prefix_ok = prefix_key(prefix).map(|key| (key, ok));
        ok
    }

    /// Whether the in-scope default namespace is the target namespace (cached per scope).
    #[inline]
    fn default_is_target(&mut self) -> bool {
        match self.default_ok {
            Some(ok) => ok,
            None => {
                let ok = self.scopes.default_ns() == self.ns.as_bytes();
                self.default_ok = Some(ok);
                ok
            }
        }
    }

    fn depth(&self) -> usize {
        self.outer_depth + self.path.len()
    }

    /// quick-xml's position in the input (relative to `src`), fused leaves included.
    #[inline]
    fn xpos(&self) -> u64 {
        self.xml.buffer_position().saturating_add(self.skipped)
    }

    /// Read simple elements one event at a time through quick-xml, never in one step (the
    /// default is on). Only for tests proving both paths give the same values, errors and
    /// records.
    #[doc(hidden)]
    pub fn set_fused_leaves(&mut self, on: bool) {
        self.fuse = on;
    }

    /// Build each structure by [`ComplexValue::read`] and move it into place instead of
    /// reading it where it lies (the default is in place). Only for tests proving both give
    /// the same values, errors and records.
    #[doc(hidden)]
    pub fn set_read_in_place(&mut self, on: bool) {
        self.in_place = on;
    }

    /// Where quick-xml is (`p`, in `src`) and how much whitespace (space, LF, tab) precedes
    /// a `<` there, when quick-xml is between markup: its input is the rest of ours (it has
    /// not read a `<` it still reports the position of), after a `>` that does not end an
    /// empty-element tag (whose end event it has yet to give).
    #[inline]
    fn at_markup(&self) -> Option<(usize, usize)> {
        let p = usize::try_from(self.xpos()).ok()?;
        let bytes = self.src.as_bytes();
        let rest = bytes.get(p..)?;
        if !std::ptr::eq(self.xml.get_ref().as_ptr(), rest.as_ptr())
            || p < 2
            || bytes.get(p - 1) != Some(&b'>')
            || bytes.get(p - 2) == Some(&b'/')
        {
            return None;
        }
        let i = ws_run(rest);
        (rest.get(i) == Some(&b'<')).then_some((p, i))
    }

    /// Outside the located element (an envelope, a header before it, the tail after it), where
    /// whitespace is only checked and never recorded: whitespace before a tag is passed
    /// without a quick-xml text event (as the look-ahead does inside it; half the events of an
    /// indented envelope are such whitespace).
    fn pass_ws(&mut self) {
        if self.fuse
            && let Some((p, ws)) = self.at_markup()
            && ws > 0
        {
            self.skip_to(p + ws);
        }
    }

    /// Whitespace before a tag, between markup (see [`Reader::at_markup`]), skipped without a
    /// quick-xml text event; kept as a text event's would be when recording.
    fn skip_ws(&mut self, p: usize, n: usize) {
        if self.record.is_some()
            && let Some(ws) = self.src.get(p..p + n)
        {
            push_text(&mut self.pending_ws, Cow::Borrowed(ws));
        }
        self.skip_to(p + n);
    }

    /// Read the markup after `ws` bytes of whitespace at `p` (see [`Reader::at_markup`]) in
    /// one pass, when quick-xml would give exactly one of:
    /// - a simple element `<name>text</name>` (a leaf, looked ahead without moving
    ///   quick-xml): a name of name characters only, at most one plain attribute, text without
    ///   `&`, CR or control characters and within the string-length limit, an end tag
    ///   without spaces — three quick-xml events and a look-ahead round trip in one scan;
    /// - a start tag without attributes (a name of name characters only, then `>`);
    /// - the end tag of an element whose start tag was read here (`</name>` with the
    ///   innermost open name).
    ///
    /// `true` when the look-ahead was filled; anything else is left to quick-xml. The name
    /// and the text are each scanned once, for a leaf and for a start tag alike.
    #[inline]
    fn try_markup(&mut self, p: usize, ws: usize) -> R<bool> {
        let bytes = self.src.as_bytes();
        let lt = p + ws;
        let name_start = lt + 1;
        // A name (not `<>`) that starts like one (not `<-`, `<.`, `<0`: quick-xml takes them
        // too, but nothing valid starts so; left to it).
        match bytes.get(name_start) {
            Some(b'/') => return Ok(self.try_end_tag(p, ws)),
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' || *b >= 0x80 => {}
            _ => return Ok(false),
        }
        let name_end = name_start + run_of(bytes.get(name_start..).unwrap_or_default(), &NAME_BYTE);
        let (gt, attr) = match bytes.get(name_end) {
            Some(b'>') => (name_end, None),
            Some(b' ') => {
                let Some(gt) = bytes.get(name_end..).and_then(|r| memchr::memchr(b'>', r)) else { return Ok(false) };
                let gt = name_end + gt;
                let Some(attr) = bytes.get(name_end..gt).and_then(one_attr) else { return Ok(false) };
                (gt, Some(attr))
            }
            _ => return Ok(false),
        };
        let name_len = name_end - name_start;
        let text_start = gt + 1;
        let k = text_start + text_run(bytes.get(text_start..).unwrap_or_default());
        let leaf = bytes.get(k) == Some(&b'<')
            && k - text_start <= self.limits.max_string_len
            && bytes.get(k + 1) == Some(&b'/')
            && same_some(bytes.get(k + 2..k + 2 + name_len), bytes.get(name_start..name_end))
            && bytes.get(k + 2 + name_len) == Some(&b'>');
        if leaf {
            return Ok(self.peek_leaf(lt, name_end, attr, gt, k));
        }
        // Not a leaf: a start tag, if it has no attribute.
        if attr.is_some() {
            return Ok(false);
        }
        let Some(name) = self.src.get(name_start..gt) else { return Ok(false) };
        self.names.push((name_start, name_len, true));
        self.skip_to(gt + 1);
        self.peek_start(BytesStart::from_content(name, name.len()), lt as u64)?;
        Ok(true)
    }

    /// The leaf `try_markup` found becomes the look-ahead: its `<` at `lt`, its name ending
    /// at `name_end` (its attribute's ranges relative to there), its start tag's `>` at `gt`,
    /// its end tag's `<` at `k`.
    #[inline]
    fn peek_leaf(&mut self, lt: usize, name_end: usize, attr: Option<AttrRanges>, gt: usize, k: usize) -> bool {
        let (Some(name), Some(text)) = (self.src.get(lt + 1..name_end), self.src.get(gt + 1..k)) else {
            return false;
        };
        let attr = match attr {
            None => None,
            Some((key, value)) => {
                let key = self.src.get(name_end + key.start..name_end + key.end);
                let value = self.src.get(name_end + value.start..name_end + value.end);
                let (Some(key), Some(value)) = (key, value) else { return false };
                Some((key, value))
            }
        };
        let name_len = name_end - lt - 1;
        let (ns_ok, local) = match name.bytes().position(|b| b == b':') {
            None => (self.default_is_target(), 0),
            Some(c) => (self.prefix_is_target(name.as_bytes().get(..c).unwrap_or_default()), c + 1),
        };
        // Positions as quick-xml reports them: each tag's `<`.
        let (pos, end_pos) = (lt as u64, k as u64);
        self.peeked = Some(Peek::Leaf { name, local, pos, ns_ok, attr, text, end_pos, after: k + 3 + name_len });
        true
    }

    /// The end tag after `ws` bytes of whitespace at `p`, if it closes the innermost open
    /// element and that element's start tag was read here (see [`Reader::try_markup`]).
    #[inline]
    fn try_end_tag(&mut self, p: usize, ws: usize) -> bool {
        let bytes = self.src.as_bytes();
        let name_start = p + ws + 2;
        let Some(&(at, len, true)) = self.names.last() else { return false };
        if !same_some(bytes.get(name_start..name_start + len), bytes.get(at..at + len))
            || bytes.get(name_start + len) != Some(&b'>')
        {
            return false;
        }
        // quick-xml's events: the whitespace, then the end tag.
        if ws > 0 && self.record.is_some() {
            push_text(&mut self.pending_ws, Cow::Borrowed(self.src.get(p..p + ws).unwrap_or_default()));
        }
        self.names.pop();
        self.skip_to(name_start + len + 1);
        self.peek_end((p + ws) as u64);
        true
    }

    /// Hand a fused leaf back to quick-xml: the look-ahead becomes what quick-xml reads at
    /// the same place (the same start tag).
    #[cold]
    fn materialize(&mut self) -> R<()> {
        if matches!(self.peeked, Some(Peek::Leaf { .. })) {
            self.peeked = None;
            self.fill_events()?;
        }
        Ok(())
    }

    /// Consume a fused leaf: quick-xml goes on after its end tag.
    fn skip_to(&mut self, after: usize) {
        let cur = usize::try_from(self.xpos()).unwrap_or(usize::MAX);
        if let Some(rest) = self.src.as_bytes().get(after..)
            && after >= cur
        {
            *self.xml.get_mut() = rest;
            self.skipped += (after - cur) as u64;
        }
    }

    /// The local name and namespace flag of the element in the look-ahead, if it is one.
    #[inline(always)]
    fn peeked_local(&self) -> Option<(&[u8], bool)> {
        match &self.peeked {
            Some(Peek::Start { e, ns_ok, local, .. }) => Some((local_of(e, *local), *ns_ok)),
            Some(Peek::Leaf { name, ns_ok, local, .. }) => {
                Some((name.as_bytes().get(*local..).unwrap_or_default(), *ns_ok))
            }
            _ => None,
        }
    }

    fn check_misc(&self, ev: &Event<'_>, pos: u64) -> R<()> {
        match ev {
            Event::DocType(_) => {
                Err(self.error_at(Rule::Doctype, pos, self.path_string(), "DOCTYPE/DTD is not allowed".into()))
            }
            Event::PI(_) => Err(self.error_at(
                Rule::ProcessingInstruction,
                pos,
                self.path_string(),
                "processing instructions are not allowed".into(),
            )),
            Event::Decl(_) => Err(self.error_at(
                Rule::NotWellFormed,
                pos,
                self.path_string(),
                "XML declaration not at the start".into(),
            )),
            Event::Eof => {
                Err(self.error_at(Rule::NotWellFormed, pos, self.path_string(), "unexpected end of document".into()))
            }
            _ => Ok(()),
        }
    }

    /// Fill the look-ahead with the next start or end tag, skipping comments and whitespace.
    #[inline]
    fn fill(&mut self) -> R<()> {
        if self.peeked.is_some() {
            return Ok(());
        }
        self.fill_next()
    }

    #[inline(never)]
    fn fill_next(&mut self) -> R<()> {
        if let Some((text, end_pos)) = self.leaf.take() {
            return self.leaf_as_content(text, end_pos);
        }
        if self.fuse
            && let Some((p, ws)) = self.at_markup()
        {
            if self.try_markup(p, ws)? {
                return Ok(());
            }
            if ws > 0 {
                self.skip_ws(p, ws);
            }
        }
        self.fill_events()
    }

    /// A fused leaf opened as an element of complex type (its text is then what quick-xml
    /// would give as content: whitespace, or text where only elements may be).
    #[cold]
    fn leaf_as_content(&mut self, text: &'a str, end_pos: u64) -> R<()> {
        if !text.is_empty() {
            let text_pos = end_pos.saturating_sub(text.len() as u64);
            if !text.bytes().all(is_xml_ws) {
                return Err(self.text_in_element_content(text_pos));
            }
            if self.record.is_some() {
                push_text(&mut self.pending_ws, Cow::Borrowed(text));
            }
        }
        self.peeked = Some(Peek::End { pos: end_pos });
        if self.record.is_some() {
            self.record_childless_ws();
        }
        Ok(())
    }

    /// The next quick-xml event (at `pos`), its tag names matched: a start tag's name is
    /// kept, an end tag's must be the innermost open element's (quick-xml's own check and
    /// error, made here because tags read in one step never reach quick-xml).
    #[inline]
    fn read_xml(&mut self, pos: u64) -> R<Event<'a>> {
        let ev = self.xml.read_event().map_err(|e| self.xml_error(e))?;
        match &ev {
            Event::Start(e) => {
                let name = e.name().into_inner();
                let at = (name.as_ptr() as usize).wrapping_sub(self.src.as_ptr() as usize);
                self.names.push((at, name.len(), false));
            }
            Event::End(e) => self.end_name(e.name().into_inner(), pos)?,
            _ => {}
        }
        Ok(ev)
    }

    /// An end tag named `found` at `pos` closes the innermost open element.
    #[inline]
    fn end_name(&mut self, found: &[u8], pos: u64) -> R<()> {
        let expected = self.names.pop().and_then(|(at, len, _)| self.src.as_bytes().get(at..at + len));
        if same_some(expected, Some(found)) {
            return Ok(());
        }
        let found = String::from_utf8_lossy(found).into_owned();
        let e = match expected {
            Some(expected) => {
                IllFormedError::MismatchedEndTag { expected: String::from_utf8_lossy(expected).into_owned(), found }
            }
            None => IllFormedError::UnmatchedEndTag(found),
        };
        Err(self.error_at(Rule::NotWellFormed, pos, self.path_string(), quick_xml::Error::IllFormed(e).to_string()))
    }

    /// A start tag becomes the look-ahead (its namespace scope entered).
    #[inline]
    fn peek_start(&mut self, e: BytesStart<'a>, pos: u64) -> R<()> {
        self.enter(&e, pos)?;
        let name = e.name().into_inner();
        let (ns_ok, local) = match name.iter().position(|b| *b == b':') {
            // Unprefixed (nearly every element of an ISO 20022 document): the
            // default namespace, compared once per change of scope.
            None => (self.default_is_target(), 0),
            Some(i) => (self.prefix_is_target(name.get(..i).unwrap_or_default()), i + 1),
        };
        self.peeked = Some(Peek::Start { e, pos, ns_ok, local });
        if self.record.is_some() {
            self.pending_ws = None;
        }
        Ok(())
    }

    /// An end tag becomes the look-ahead (its element's namespace scope left).
    #[inline]
    fn peek_end(&mut self, pos: u64) {
        self.leave();
        self.peeked = Some(Peek::End { pos });
        if self.record.is_some() {
            self.record_childless_ws();
        }
    }

    /// Fill the look-ahead from quick-xml's events.
    fn fill_events(&mut self) -> R<()> {
        loop {
            let pos = self.xpos();
            let ev = self.read_xml(pos)?;
            match ev {
                Event::Start(e) => return self.peek_start(e, pos),
                Event::End(_) => {
                    self.peek_end(pos);
                    return Ok(());
                }
                Event::Text(t) => {
                    if !t.iter().all(|b| is_xml_ws(*b)) {
                        return Err(self.text_in_element_content(pos));
                    }
                    if self.record.is_some() {
                        let ws = self.text_of(&t, pos)?;
                        push_text(&mut self.pending_ws, ws);
                    }
                }
                Event::CData(t) => {
                    if !t.iter().all(|b| is_xml_ws(*b)) {
                        return Err(self.text_in_element_content(pos));
                    }
                    if self.record.is_some() {
                        let ws = t.decode().map_err(|e| self.error(Rule::Encoding, e.to_string()))?;
                        push_text(&mut self.pending_ws, ws);
                    }
                }
                Event::GeneralRef(_) => {
                    return Err(self.text_in_element_content(pos));
                }
                Event::Comment(_) => {}
                Event::Empty(_) => {
                    return Err(self.error_at(
                        Rule::NotWellFormed,
                        pos,
                        self.path_string(),
                        "unexpected empty element".into(),
                    ));
                }
                other => self.check_misc(&other, pos)?,
            }
        }
    }

    fn describe_next(&self) -> String {
        match &self.peeked {
            Some(Peek::Start { .. } | Peek::Leaf { .. }) => {
                let (local, ns_ok) = self.peeked_local().unwrap_or_default();
                let name = String::from_utf8_lossy(local).into_owned();
                if ns_ok { format!("element {name}") } else { format!("element {name} (in another namespace)") }
            }
            Some(Peek::End { .. }) => "the end of the parent".into(),
            None => "nothing".into(),
        }
    }

    /// The error for "none of `names` is next" (a choice with no matching branch, a missing
    /// required element, or an element the content model does not allow).
    #[cold]
    pub fn expected(&self, names: &[&str]) -> Error {
        let (rule, pos) = match &self.peeked {
            Some(Peek::Start { pos, .. } | Peek::Leaf { pos, .. }) => (Rule::UnexpectedElement, *pos),
            Some(Peek::End { pos }) => (Rule::MissingElement, *pos),
            None => (Rule::MissingElement, self.pos),
        };
        let mut path = self.path_string();
        if let Some((local, _)) = self.peeked_local() {
            path.push('/');
            path.push_str(&String::from_utf8_lossy(local));
        }
        let message = match names {
            [] => format!("{} is not allowed here", self.describe_next()),
            [one] => format!("expected {one}, found {}", self.describe_next()),
            _ => format!("expected one of {}, found {}", names.join(", "), self.describe_next()),
        };
        self.error_at(rule, pos, path, message)
    }

    /// Index in `names` of the element that comes next, if it is one of them (`"*"` matches
    /// any element, in any namespace).
    pub fn peek_among(&mut self, names: &[&str]) -> R<Option<usize>> {
        self.fill()?;
        if let Some((local, ns_ok)) = self.peeked_local() {
            if ns_ok && let Some(i) = names.iter().position(|n| same_name(n.as_bytes(), local)) {
                return Ok(Some(i));
            }
            return Ok(names.iter().position(|n| *n == "*"));
        }
        Ok(None)
    }

    /// The next field of a sequence to read, from `from` on: the first that is read
    /// unconditionally (`None` in `fields`: a required element, a group, `xs:any`) or is the
    /// element in the look-ahead (`Some(name)`: an optional or repeated element); `fields.len()`
    /// when neither comes. Generated structures with several optional fields read so: one
    /// shared loop over a table of names passes every absent field, where a test per field
    /// (inlined in each structure's reader) cost code the instruction cache held per field,
    /// present or not. It reads and fails exactly as testing each field in turn: a skipped
    /// field is one whose test would have found another element.
    pub fn next_field(&mut self, fields: &[Option<&'static str>], from: usize) -> R<usize> {
        let rest = fields.get(from..).unwrap_or_default();
        if matches!(rest.first(), None | Some(None)) {
            return Ok(from.min(fields.len()));
        }
        self.fill()?;
        // No field's name is empty, so an element of another namespace matches none.
        let local = match self.peeked_local() {
            Some((local, true)) => local,
            _ => &[],
        };
        let at = rest.iter().position(|f| f.is_none_or(|name| same_name(name.as_bytes(), local)));
        Ok(from + at.unwrap_or(rest.len()))
    }

    /// Whether the element in the look-ahead is `name` (in the target namespace): the test
    /// every absent optional field makes, so inlined into each.
    #[inline(always)]
    fn peek_is(&mut self, name: &str) -> R<bool> {
        self.fill()?;
        Ok(matches!(self.peeked_local(), Some((local, true)) if same_name(local, name.as_bytes())))
    }

    /// `e`'s attributes are namespace declarations, `allowed` or `xsi:schemaLocation`, and
    /// well formed. Inlined for the tag without attributes (nearly every start tag of an
    /// ISO 20022 document): checking it through `plain_attributes` cost 4% of a statement's
    /// stream.
    #[inline]
    fn check_attrs(&self, e: &BytesStart<'_>, allowed: &[&str]) -> R<()> {
        if e.attributes_raw().is_empty() {
            return Ok(());
        }
        self.check_attr_list(e, allowed)
    }

    /// [`Reader::check_attrs`] of a tag with attributes.
    #[inline(never)]
    fn check_attr_list(&self, e: &BytesStart<'_>, allowed: &[&str]) -> R<()> {
        // No attributes (whitespace at most) are plain too.
        if let Some(plain) = plain_attributes(e.attributes_raw()) {
            // Nothing to unescape: each value is its bytes.
            return plain.iter().try_for_each(|(key, _)| self.check_attr_name(key, allowed));
        }
        for a in attributes(e) {
            let a = a.map_err(|err| self.error(Rule::NotWellFormed, err.to_string()))?;
            let key = a.key.as_ref();
            if key == b"xmlns" || key.starts_with(b"xmlns:") {
                continue;
            }
            // Every value's references are checked here, in document order, so a recording
            // reader (which resolves them all at the start tag) fails exactly as one that is not.
            a.unescape_value().map_err(|err| self.error(Rule::NotWellFormed, err.to_string()))?;
            self.check_attr_name(key, allowed)?;
        }
        Ok(())
    }

    /// An attribute named `key` is a namespace declaration, one of `allowed`, or an
    /// `xsi:schemaLocation`.
    fn check_attr_name(&self, key: &[u8], allowed: &[&str]) -> R<()> {
        if key == b"xmlns" || key.starts_with(b"xmlns:") {
            return Ok(());
        }
        let ok = match split_qname(key) {
            (None, local) => allowed.iter().any(|n| n.as_bytes() == local),
            (Some(prefix), local) => {
                self.scopes.prefix_ns(prefix) == Some(XSI_NS)
                    && matches!(local, b"schemaLocation" | b"noNamespaceSchemaLocation")
            }
        };
        if ok { Ok(()) } else { Err(self.unexpected_attribute(key)) }
    }

    /// An attribute the current element's type does not declare.
    #[cold]
    fn unexpected_attribute(&self, key: &[u8]) -> Error {
        self.error(Rule::UnexpectedAttribute, format!("attribute {} is not allowed", String::from_utf8_lossy(key)))
    }

    /// Open the element in the look-ahead if it is `name`. The look-ahead is matched where it
    /// is and moved out only when it is the element (a leaf's fields are copied out): taking
    /// it first, as a whole, and putting it back otherwise cost a copy of it per element.
    fn open(&mut self, name: &'static str, index: u32, attrs: &[&str]) -> R<()> {
        if self.peeked.is_none() && self.open_in_one_step(name, index)? {
            return Ok(());
        }
        self.fill()?;
        if let Some(Peek::Leaf { name: qname, local, pos, ns_ok: true, attr, text, end_pos, after }) = self.peeked
            && same_some(qname.as_bytes().get(local..), Some(name.as_bytes()))
        {
            self.peeked = None;
            // What quick-xml's three events would have done, in the same order: the start
            // tag (at most one plain attribute, checked as `check_attrs` does; no namespace
            // scope), then the text and end tag, read by `read_text` or `fill_next` from
            // `self.leaf`.
            self.push_element(name, index, pos)?;
            if let Some((key, _)) = attr
                && !attrs.contains(&key)
            {
                return Err(self.unexpected_attribute(key.as_bytes()));
            }
            if self.record.is_some() {
                self.pending_ws = None;
                self.record_leaf_start(qname, local, attr, pos);
            }
            self.cur = None;
            self.cur_attr = attr;
            self.skip_to(after);
            self.leaf = Some((text, end_pos));
            return Ok(());
        }
        let is_start = matches!(&self.peeked, Some(Peek::Start { e, ns_ok: true, local, .. })
            if same_name(local_of(e, *local), name.as_bytes()));
        if !is_start {
            return Err(self.expected(&[name]));
        }
        let Some(Peek::Start { e, pos, local, .. }) = self.peeked.take() else {
            return Err(self.expected(&[name]));
        };
        self.push_element(name, index, pos)?;
        self.check_attrs(&e, attrs)?;
        if self.record.is_some() {
            self.record_start(&e, local, pos)?;
        }
        self.cur = Some(e);
        self.cur_attr = None;
        Ok(())
    }

    /// An element `name` (the `index`th of a run) opened at `pos`: on the path, within the
    /// depth limit. Every way of opening one ends here.
    #[inline]
    fn push_element(&mut self, name: &'static str, index: u32, pos: u64) -> R<()> {
        self.path.push((name, index));
        self.pos = pos;
        if self.depth() > self.limits.max_depth {
            return Err(self.too_deep(self.pos, self.path_string()));
        }
        Ok(())
    }

    /// The start tag of the element `name` read and the element opened in one step, when that
    /// tag comes next (after whitespace at most, see [`Reader::at_markup`]) as `<name>` (no
    /// attribute, no prefix, in the target default namespace) and its content starts with a
    /// child's start tag (after whitespace at most), nothing is recorded and no fused leaf is
    /// pending: what `fill` (the tag peeked, see [`Reader::try_markup`]) then `open` do,
    /// without the look-ahead. `false` (nothing done) for anything else — text, an end tag
    /// or a comment first is left to the look-ahead, which reads it as a leaf or fails as ever.
    /// A required structure (`Sts`, `BkTxCd`, each entry of a stream) is opened so: through
    /// the look-ahead it cost a `BytesStart` peeked, matched and moved.
    #[inline]
    fn open_in_one_step(&mut self, name: &'static str, index: u32) -> R<bool> {
        if !self.fuse || self.record.is_some() || self.leaf.is_some() {
            return Ok(false);
        }
        let Some((p, ws)) = self.at_markup() else { return Ok(false) };
        let bytes = self.src.as_bytes();
        let (lt, name_start) = (p + ws, p + ws + 1);
        let gt = name_start + name.len();
        let content = gt + 1 + bytes.get(gt + 1..).map_or(0, ws_run);
        let plain_start = bytes.get(name_start..gt) == Some(name.as_bytes()) && bytes.get(gt) == Some(&b'>');
        let child_first = bytes.get(content) == Some(&b'<')
            && bytes.get(content + 1).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
        if !plain_start || !child_first || !self.default_is_target() {
            return Ok(false);
        }
        self.names.push((name_start, name.len(), true));
        self.skip_to(gt + 1);
        self.scopes.enter_plain();
        self.push_element(name, index, lt as u64)?;
        self.cur = None;
        self.cur_attr = None;
        Ok(true)
    }

    /// Close the current element: the look-ahead must be its end tag.
    #[inline(never)]
    fn close(&mut self) -> R<()> {
        self.fill()?;
        if !matches!(self.peeked, Some(Peek::End { .. })) {
            return Err(self.expected(&[]));
        }
        self.peeked = None;
        self.path.pop();
        self.cur = None;
        self.cur_attr = None;
        if let Some(record) = &mut self.record {
            record.push(Recorded::End);
        }
        Ok(())
    }

    /// Read character data up to (not including) the end tag of the current element.
    fn read_text(&mut self) -> R<Cow<'a, str>> {
        if let Some((text, end_pos)) = self.leaf.take() {
            // Checked when fused: plain text within the length limit, then the end tag.
            self.peeked = Some(Peek::End { pos: end_pos });
            return Ok(Cow::Borrowed(text));
        }
        let mut acc: Option<Cow<'a, str>> = None;
        loop {
            let pos = self.xpos();
            let ev = self.read_xml(pos)?;
            match ev {
                Event::Text(t) => {
                    let s = self.text_of(&t, pos)?;
                    push_text(&mut acc, s);
                }
                Event::CData(t) => {
                    let s = t.decode().map_err(|e| self.error(Rule::Encoding, e.to_string()))?;
                    push_text(&mut acc, s);
                }
                Event::GeneralRef(r) => {
                    let c = self.ref_char(&r, pos)?;
                    // Into the text read so far (one allocation for the whole text, not one
                    // more per reference).
                    match &mut acc {
                        None => acc = Some(Cow::Owned(c.into())),
                        Some(a) => a.to_mut().push(c),
                    }
                }
                Event::Comment(_) => {}
                Event::End(_) => {
                    self.leave();
                    self.peeked = Some(Peek::End { pos });
                    break;
                }
                Event::Start(e) => {
                    return Err(self.error_at(
                        Rule::SimpleContent,
                        pos,
                        self.path_string(),
                        format!(
                            "element {} is not allowed in a simple-typed element",
                            String::from_utf8_lossy(e.local_name().as_ref())
                        ),
                    ));
                }
                other => self.check_misc(&other, pos)?,
            }
            if acc.as_ref().is_some_and(|a| a.len() > self.limits.max_string_len) {
                return Err(self
                    .error(Rule::LimitStringLength, format!("text longer than {} bytes", self.limits.max_string_len)));
            }
        }
        Ok(acc.unwrap_or(Cow::Borrowed("")))
    }

    /// The content of a text event at `pos` (control characters refused), sliced from the
    /// input checked once (the event borrows the same bytes); only a text with a CR is
    /// normalised.
    #[inline]
    fn text_of(&self, t: &BytesText<'a>, pos: u64) -> R<Cow<'a, str>> {
        // One pass: control characters refused, a CR noted.
        let mut cr = false;
        for &b in t.iter() {
            if b < 0x20 {
                match b {
                    b'\r' => cr = true,
                    b'\n' | b'\t' => {}
                    _ => {
                        return Err(self.error_at(
                            Rule::NotWellFormed,
                            pos,
                            self.path_string(),
                            "control character in text".into(),
                        ));
                    }
                }
            }
        }
        let raw = usize::try_from(pos).ok().and_then(|p| self.src.get(p..p.checked_add(t.len())?));
        match raw {
            Some(raw) if !cr && std::ptr::eq(raw.as_ptr(), t.as_ptr()) => Ok(Cow::Borrowed(raw)),
            _ => t.xml10_content().map_err(|e| self.error(Rule::Encoding, e.to_string())),
        }
    }

    /// The character a reference at `pos` stands for: a character reference or one of the
    /// five predefined entities; any other entity is refused.
    fn ref_char(&self, r: &BytesRef<'_>, pos: u64) -> R<char> {
        let c = if r.is_char_ref() {
            r.resolve_char_ref().ok().flatten()
        } else {
            match r.as_ref() {
                b"lt" => Some('<'),
                b"gt" => Some('>'),
                b"amp" => Some('&'),
                b"apos" => Some('\''),
                b"quot" => Some('"'),
                _ => None,
            }
        };
        c.ok_or_else(|| {
            self.error_at(
                Rule::UndeclaredEntity,
                pos,
                self.path_string(),
                format!("entity &{}; is not allowed", String::from_utf8_lossy(r.as_ref())),
            )
        })
    }

    fn is_account_id(&self) -> bool {
        let Some((leaf, _)) = self.path.last() else {
            return false;
        };
        match *leaf {
            "IBAN" | "BBAN" | "UPIC" => true,
            "Id" => self.path.iter().rev().skip(1).any(|(n, _)| n.ends_with("Acct") || *n == "AcctId"),
            _ => false,
        }
    }

    #[cold]
    fn facet_error(&self, f: FacetError, value: &str) -> Error {
        let shown = if self.is_account_id() {
            mask_account(value)
        } else if value.chars().count() > 64 {
            format!("{}…", value.chars().take(64).collect::<String>())
        } else {
            value.to_string()
        };
        self.error(f.rule(), format!("value '{shown}' {f}"))
    }

    /// A simple value from the current element's text (what `text_value` and every simple
    /// element read): the text, its value, then the text recorded.
    fn simple<T: SimpleValue>(&mut self) -> R<T> {
        let text = self.read_text()?;
        let v = self.value_of(&text)?;
        self.record_text(text);
        Ok(v)
    }

    /// `text` as a `T`: the only part of reading a simple element that depends on its type,
    /// so the only part each type's copy of the generic readers holds (the rest is shared:
    /// small copies keep the hot path of a generated reader within the instruction cache).
    #[inline(always)]
    fn value_of<T: SimpleValue>(&mut self, text: &str) -> R<T> {
        match T::parse_text(text) {
            Ok(v) => Ok(v),
            Err(f) => self.bad_value(f, text),
        }
    }

    /// A value that breaks its type: the error, or in collecting mode a placeholder.
    #[cold]
    #[inline(never)]
    fn bad_value<T: SimpleValue>(&mut self, f: FacetError, text: &str) -> R<T> {
        let e = self.facet_error(f, text);
        self.recover(e)
    }

    /// Record a simple element's text (when recording).
    #[inline]
    fn record_text(&mut self, text: Cow<'a, str>) {
        if let Some(record) = &mut self.record
            && !text.is_empty()
        {
            record.push(Recorded::Text(text));
        }
    }

    /// Open the simple element `name` (the `index`th of a run; 0 when not repeated) and read
    /// its text: the type-independent first half of reading a simple element.
    #[inline(never)]
    fn open_text(&mut self, name: &'static str, index: u32) -> R<Cow<'a, str>> {
        self.open(name, index, &[])?;
        self.read_text()
    }

    /// Record a simple element's text and close it: the type-independent second half.
    #[inline(never)]
    fn close_text(&mut self, text: Cow<'a, str>) -> R<()> {
        self.record_text(text);
        self.close()
    }

    /// Collect violations instead of stopping at the first: a value that breaks a facet (or is
    /// not of its built-in type) is recorded and reading goes on, up to `max` violations
    /// (then reading stops with those). Structural errors (a missing or unexpected element or
    /// attribute, malformed XML, a limit) still stop reading; the error then holds the values'
    /// violations before the structural one, in document order. A reader in this mode never
    /// returns a value from [`read_located`] when it found any violation.
    pub fn collect_violations(&mut self, max: usize) {
        self.collect_max = max;
    }

    /// In collecting mode, record a value-level error and go on with a placeholder.
    fn recover<T: SimpleValue>(&mut self, e: Error) -> R<T> {
        if self.collect_max == 0 {
            return Err(e);
        }
        self.collected.extend(e.into_violations());
        if self.collected.len() >= self.collect_max {
            self.collected.truncate(self.collect_max);
            return Err(Error::from_violations(std::mem::take(&mut self.collected)));
        }
        Ok(T::placeholder())
    }

    /// Prepend the collected violations to a stopping error.
    fn with_collected(&mut self, e: Error) -> Error {
        if self.collected.is_empty() {
            return e;
        }
        let mut all = std::mem::take(&mut self.collected);
        all.extend(e.into_violations());
        Error::from_violations(all)
    }

    /// A required simple-typed element (one copy per type, out of line: `opt_s` sites call it).
    #[inline(never)]
    pub fn req_s<T: SimpleValue>(&mut self, name: &'static str) -> R<T> {
        if let Some(text) = self.take_leaf(name)? {
            return match T::parse_text(text) {
                Ok(v) => Ok(v),
                Err(f) => self.bad_leaf_value(name, 0, f, text),
            };
        }
        let text = self.open_text(name, 0)?;
        let v = self.value_of(&text)?;
        self.close_text(text)?;
        Ok(v)
    }

    /// The text of the simple element `name` when it is the fused leaf in the look-ahead
    /// (see [`Reader::try_markup`]) without an attribute, within the depth limit, and nothing
    /// is recorded: opened, read and closed in one step, leaving the reader as `open_text`
    /// then `close_text` leave it. `None` (the look-ahead filled, nothing consumed) for
    /// anything else, which the element-at-a-time path reads and fails on as ever. Most
    /// elements of an ISO 20022 document are such leaves; through that path each cost a
    /// look-ahead round trip, the path pushed and popped, and the end tag peeked and matched.
    #[inline(never)]
    fn take_leaf(&mut self, name: &'static str) -> R<Option<&'a str>> {
        self.fill()?;
        if let Some(Peek::Leaf { name: qname, local, pos, ns_ok: true, attr: None, text, after, .. }) = self.peeked
            && same_some(qname.as_bytes().get(local..), Some(name.as_bytes()))
            && self.record.is_none()
            // `open` fails past the limit: left to it.
            && self.depth() < self.limits.max_depth
        {
            self.peeked = None;
            self.pos = pos;
            self.cur = None;
            self.cur_attr = None;
            self.skip_to(after);
            return Ok(Some(text));
        }
        Ok(None)
    }

    /// A leaf read by [`Reader::take_leaf`] whose text breaks its type: the error at the
    /// element (its path ends in `name`, the `index`th of a run), or in collecting mode its
    /// placeholder, as `value_of` gives them element at a time (where `close` pops the path).
    #[cold]
    #[inline(never)]
    fn bad_leaf_value<T: SimpleValue>(&mut self, name: &'static str, index: u32, f: FacetError, text: &str) -> R<T> {
        self.path.push((name, index));
        let v = self.bad_value(f, text);
        self.path.pop();
        v
    }

    /// An optional simple-typed element.
    #[inline]
    pub fn opt_s<T: SimpleValue>(&mut self, name: &'static str) -> R<Option<T>> {
        if self.peek_is(name)? { self.req_s(name).map(Some) } else { Ok(None) }
    }

    fn repeat_check(&self, count: usize) -> R<()> {
        if count > self.limits.max_repeats {
            return Err(self.error(Rule::LimitRepeats, format!("more than {} repetitions", self.limits.max_repeats)));
        }
        Ok(())
    }

    #[inline]
    fn too_few(&mut self, name: &str, count: u32, min: u32) -> R<()> {
        if count < min { self.too_few_error(name, count, min) } else { Ok(()) }
    }

    #[cold]
    #[inline(never)]
    fn too_few_error(&mut self, name: &str, count: u32, min: u32) -> R<()> {
        self.fill()?;
        let mut e = self.expected(&[name]);
        if let Some(v) = e_first(&mut e) {
            v.message = format!("{} ({count} of at least {min})", v.message);
        }
        Err(e)
    }

    /// A repeated simple-typed element (`max` 0 = unbounded).
    pub fn many_s<T: SimpleValue>(&mut self, name: &'static str, min: u32, max: u32) -> R<Vec<T>> {
        let mut v = Vec::new();
        let mut n = 0u32;
        while self.run_goes_on(name, n, max)? {
            n += 1;
            self.repeat_check(n as usize)?;
            if let Some(text) = self.take_leaf(name)? {
                v.push(match T::parse_text(text) {
                    Ok(value) => value,
                    Err(f) => self.bad_leaf_value(name, n, f, text)?,
                });
                continue;
            }
            let text = self.open_text(name, n)?;
            v.push(self.value_of(&text)?);
            self.close_text(text)?;
        }
        self.too_few(name, n, min)?;
        Ok(v)
    }

    /// A required complex-typed element.
    pub fn req_c<T: ComplexValue>(&mut self, name: &'static str) -> R<T> {
        self.open(name, 0, T::ATTRS)?;
        let v = T::read(self)?;
        self.close()?;
        Ok(v)
    }

    /// A required complex-typed element read into `out` where it lies
    /// ([`ComplexValue::read_into`]; generated structures read their required structures so
    /// instead of moving each into place). Reads and fails exactly as [`Reader::req_c`].
    pub fn req_c_into<T: ComplexValue>(&mut self, name: &'static str, out: &mut T) -> R<()> {
        self.open(name, 0, T::ATTRS)?;
        if self.in_place {
            T::read_into(self, out)?;
        } else {
            *out = self.read_moved()?;
        }
        self.close()
    }

    /// An optional complex-typed element read into `out` where it lies (its empty value put
    /// there first, then [`ComplexValue::read_into`]); `None` when absent. Reads and fails
    /// exactly as [`Reader::opt_c`].
    #[inline]
    pub fn opt_c_into<T: ComplexValue>(&mut self, name: &'static str, out: &mut Option<T>) -> R<()> {
        if !self.peek_is(name)? {
            *out = None;
            return Ok(());
        }
        self.read_some_into(name, out)
    }

    /// The present case of [`Reader::opt_c_into`], one copy per type (out of line): what a
    /// generated structure reads when [`Reader::next_field`] found the element.
    #[inline(never)]
    pub fn read_some_into<T: ComplexValue>(&mut self, name: &'static str, out: &mut Option<T>) -> R<()> {
        self.open(name, 0, T::ATTRS)?;
        // As in `read_boxed`: the empty value built where it goes.
        if self.in_place
            && let Some(empty) = T::empty()
        {
            T::read_into(self, out.insert(empty))?;
        } else {
            *out = Some(self.read_moved()?);
        }
        self.close()
    }

    /// A new value read by [`ComplexValue::read_into`] into its [`ComplexValue::empty`] value
    /// (what a generated structure's `read` is; a type without an empty value is read by its
    /// `read`, which then must not be this).
    pub fn read_new<T: ComplexValue>(&mut self) -> R<T> {
        match T::empty() {
            Some(mut v) => {
                T::read_into(self, &mut v)?;
                Ok(v)
            }
            None => T::read(self),
        }
    }

    /// A structure built by its `read`, to be moved into place: types without an empty value,
    /// and the tests' moved reading ([`Reader::set_read_in_place`]); out of the hot path.
    #[cold]
    #[inline(never)]
    fn read_moved<T: ComplexValue>(&mut self) -> R<T> {
        T::read(self)
    }

    /// An optional complex-typed element.
    #[inline]
    pub fn opt_c<T: ComplexValue>(&mut self, name: &'static str) -> R<Option<T>> {
        if self.peek_is(name)? { self.req_c(name).map(Some) } else { Ok(None) }
    }

    /// An optional complex-typed element held in a `Box` (generated code boxes optional
    /// structures): the value goes from its `read` straight into the box, instead of through
    /// `req_c`'s and `opt_c`'s results and an `Option::map` — a structure such as a postal
    /// address (368 bytes) was copied five times on its way. Reads and fails exactly as
    /// `opt_c(name).map(Box::new)`.
    #[inline]
    pub fn opt_c_boxed<T: ComplexValue>(&mut self, name: &'static str) -> R<Option<Box<T>>> {
        if !self.peek_is(name)? {
            return Ok(None);
        }
        self.read_boxed(name).map(Some)
    }

    /// The present case of [`Reader::opt_c_boxed`], one copy per type (out of line: the
    /// twelve agent fields of a credit transfer share one): what a generated structure reads
    /// when [`Reader::next_field`] found the element.
    #[inline(never)]
    pub fn read_boxed<T: ComplexValue>(&mut self, name: &'static str) -> R<Box<T>> {
        self.open(name, 0, T::ATTRS)?;
        // The box is allocated first and the empty value written into it. Given to
        // `Box::new`, the value was built on the stack and copied (twice through a filtered
        // `Option`: 1.6% of a stream's time).
        let slot = Box::<T>::new_uninit();
        let v = if self.in_place
            && let Some(empty) = T::empty()
        {
            let mut v = Box::write(slot, empty);
            T::read_into(self, &mut v)?;
            v
        } else {
            Box::write(slot, self.read_moved()?)
        };
        self.close()?;
        Ok(v)
    }

    /// A repeated complex-typed element (`max` 0 = unbounded).
    ///
    /// The vector is not grown by doubling from nothing (each step moving every element read
    /// so far, for a large type such as a credit transfer a kilobyte each): it holds exactly
    /// the first element, and when a second one follows, room is reserved for as many more
    /// as the rest of the input could hold at the first one's size in bytes (bounded by
    /// `max`, the repeat limit and [`RESERVE_BYTES`], so a small first element before a large
    /// input reserves little), and any room left over is given back at the end (an in-place
    /// shrink). Each element is read in its slot ([`ComplexValue::read_into`]).
    pub fn many_c<T: ComplexValue>(&mut self, name: &'static str, min: u32, max: u32) -> R<Vec<T>> {
        let mut v = Vec::new();
        let mut n = 0u32;
        let mut room = 0;
        while self.run_goes_on(name, n, max)? {
            n += 1;
            let start = self.open_item(name, n, T::ATTRS)?;
            if n == 1 {
                // Room for exactly one: a single element (the usual case: one transaction in a
                // message, one entry) is then neither over-allocated, nor grown by the
                // estimate below (made for a run of them), nor shrunk: one `malloc`, no
                // `realloc`.
                v.reserve_exact(1);
            } else if n == 2 {
                v.reserve_exact(room);
            }
            // Read into the vector's slot: building the value and pushing it cost two copies
            // of it (a credit transfer: two kilobyte `memcpy`s).
            if self.in_place
                && let Some(empty) = T::empty()
            {
                v.push(empty);
                if let Some(slot) = v.last_mut() {
                    T::read_into(self, slot)?;
                }
            } else {
                v.push(self.read_moved()?);
            }
            self.close()?;
            if n == 1 {
                room = self.more_like(start, max).min(RESERVE_BYTES / std::mem::size_of::<T>().max(1));
            }
        }
        if v.capacity() > v.len() {
            v.shrink_to_fit();
        }
        self.too_few(name, n, min)?;
        Ok(v)
    }

    /// Whether a run of `name` that has `n` elements so far (at most `max`, 0 = unbounded)
    /// goes on with the element in the look-ahead.
    #[inline(never)]
    fn run_goes_on(&mut self, name: &'static str, n: u32, max: u32) -> R<bool> {
        Ok((max == 0 || n < max) && self.peek_is(name)?)
    }

    /// Open the `n`th element of a run of structures (its repeat count checked); where it
    /// starts.
    #[inline(never)]
    fn open_item(&mut self, name: &'static str, n: u32, attrs: &[&str]) -> R<u64> {
        self.repeat_check(n as usize)?;
        self.open(name, n, attrs)?;
        Ok(self.pos)
    }

    /// How many more elements like the one that started at `start` (and just ended) the
    /// rest of the input could hold, with a quarter to spare, within `max` (0: unbounded) and
    /// the repeat limit; 0 when that is too few to matter.
    fn more_like(&self, start: u64, max: u32) -> usize {
        let end = self.xpos();
        let len = usize::try_from(end.saturating_sub(start)).unwrap_or(usize::MAX).max(1);
        let rest = self.src.len().saturating_sub(usize::try_from(end).unwrap_or(usize::MAX));
        let fit = rest / len;
        let mut more = fit + fit / 4 + 1;
        if max != 0 {
            more = more.min(max as usize - 1);
        }
        more = more.min(self.limits.max_repeats.saturating_sub(1));
        if more < 4 { 0 } else { more }
    }

    /// A required nested group (read inline, no element of its own).
    pub fn req_g<T: ComplexValue>(&mut self) -> R<T> {
        T::read(self)
    }

    /// A required nested group read into `out` ([`ComplexValue::read_into`]).
    pub fn req_g_into<T: ComplexValue>(&mut self, out: &mut T) -> R<()> {
        if self.in_place {
            T::read_into(self, out)
        } else {
            *out = self.read_moved()?;
            Ok(())
        }
    }

    /// An optional nested group starting with one of `first`.
    pub fn opt_g<T: ComplexValue>(&mut self, first: &[&str]) -> R<Option<T>> {
        if self.peek_among(first)?.is_some() { T::read(self).map(Some) } else { Ok(None) }
    }

    /// A repeated nested group (`max` 0 = unbounded).
    pub fn many_g<T: ComplexValue>(&mut self, first: &[&str], min: u32, max: u32) -> R<Vec<T>> {
        let mut v = Vec::new();
        let mut n = 0u32;
        while (max == 0 || n < max) && self.peek_among(first)?.is_some() {
            n += 1;
            self.repeat_check(n as usize)?;
            v.push(T::read(self)?);
        }
        if n < min {
            return Err(self.expected(first));
        }
        Ok(v)
    }

    /// A required `xs:any` element (any namespace), kept as raw XML. Its content is checked
    /// for well-formedness as any element's (attributes, text, references), and recorded
    /// element by element when recording.
    pub fn req_any(&mut self) -> R<super::AnyElement> {
        self.fill()?;
        self.materialize()?;
        let Some(Peek::Start { e, pos, local, .. }) = self.peeked.take() else {
            return Err(self.expected(&["(any element)"]));
        };
        let start = usize::try_from(pos).unwrap_or(usize::MAX);
        // Per open element while recording: its direct text and whether it has children.
        let mut open: Vec<(Option<Cow<'a, str>>, bool)> = Vec::new();
        self.any_start(&e, local, pos, &mut open)?;
        loop {
            let p = self.xpos();
            let ev = self.read_xml(p)?;
            match ev {
                Event::Start(e) => {
                    self.enter(&e, p)?;
                    if self.depth() + open.len() + 1 > self.limits.max_depth {
                        return Err(self.too_deep(p, self.path_string()));
                    }
                    let local = e.name().into_inner().iter().position(|b| *b == b':').map_or(0, |i| i + 1);
                    self.any_start(&e, local, p, &mut open)?;
                }
                Event::End(_) => {
                    self.leave();
                    if self.any_end(&mut open) {
                        break;
                    }
                }
                Event::GeneralRef(r) => {
                    let c = self.ref_char(&r, p)?;
                    if self.record.is_some() {
                        any_text(&mut open, Cow::Owned(c.to_string()));
                    }
                }
                Event::Text(t) => {
                    let s = self.text_of(&t, p)?;
                    if self.record.is_some() {
                        any_text(&mut open, s);
                    }
                }
                Event::CData(t) => {
                    let s = t.decode().map_err(|err| self.error(Rule::Encoding, err.to_string()))?;
                    if self.record.is_some() {
                        any_text(&mut open, s);
                    }
                }
                Event::Comment(_) => {}
                other => self.check_misc(&other, p)?,
            }
            let end = usize::try_from(self.xpos()).unwrap_or(usize::MAX);
            if end.saturating_sub(start) > self.limits.max_string_len {
                return Err(self.error_at(
                    Rule::LimitStringLength,
                    p,
                    self.path_string(),
                    "xs:any content too long".into(),
                ));
            }
        }
        let end = usize::try_from(self.xpos()).unwrap_or(usize::MAX);
        let body = self.input.get(self.offset..).unwrap_or_default();
        let raw = body.get(start..end).unwrap_or_default();
        Ok(super::AnyElement::new(String::from_utf8_lossy(raw).into_owned()))
    }

    /// An element starts inside `xs:any` content: its attributes are checked (well-formed, no
    /// duplicates) and, when recording, it is recorded. `open` holds, per open element of
    /// the content, its direct text so far and whether it has children (recording only).
    fn any_start(
        &mut self,
        e: &BytesStart<'a>,
        local: usize,
        pos: u64,
        open: &mut Vec<(Option<Cow<'a, str>>, bool)>,
    ) -> R<()> {
        if self.record.is_none() {
            if !e.attributes_raw().iter().all(|b| is_xml_ws(*b)) {
                for a in attributes(e) {
                    let a = a.map_err(|err| self.attr_error(pos, err))?;
                    a.unescape_value().map_err(|err| self.attr_error(pos, err))?;
                }
            }
            // Only the depth is tracked.
            open.push((None, false));
            return Ok(());
        }
        if let Some(parent) = open.last_mut() {
            parent.1 = true;
            // Text of a parent before its first child or between children (mixed content)
            // is reported at the parent's end, in one piece.
        }
        self.record_start(e, local, pos)?;
        open.push((None, false));
        Ok(())
    }

    /// An element of `xs:any` content ends; `true` when it was the outermost. Recording:
    /// its text is reported (see [`Recorder::text`]), then its end.
    fn any_end(&mut self, open: &mut Vec<(Option<Cow<'a, str>>, bool)>) -> bool {
        let (text, has_children) = open.pop().unwrap_or((None, false));
        if let Some(record) = &mut self.record {
            if let Some(text) = text
                && !text.is_empty()
                && !(has_children && text.bytes().all(is_xml_ws))
            {
                record.push(Recorded::Text(text));
            }
            record.push(Recorded::End);
        }
        open.is_empty()
    }

    /// Recording, at the end tag of an element of complex type: when it had no child elements
    /// (nothing recorded since its start), the whitespace it held is its text.
    #[inline(never)]
    fn record_childless_ws(&mut self) {
        let ws = self.pending_ws.take();
        if let Some(record) = &mut self.record
            && matches!(record.last(), Some(Recorded::Start(..) | Recorded::Attribute(..)))
            && let Some(ws) = ws
            && !ws.is_empty()
        {
            record.push(Recorded::Text(ws));
        }
    }

    /// The depth limit broken at `pos`.
    #[cold]
    fn too_deep(&self, pos: u64, path: String) -> Error {
        self.error_at(Rule::LimitDepth, pos, path, format!("nesting deeper than {}", self.limits.max_depth))
    }

    /// A malformed attribute of the start tag at `pos` (the same error whether recording or not).
    #[cold]
    fn attr_error(&self, pos: u64, err: impl std::fmt::Display) -> Error {
        self.error_at(Rule::NotWellFormed, pos, self.path_string(), err.to_string())
    }

    /// The part of the input at the same address as `bytes` (which the tokenizer sliced from
    /// it), as `&'a str`.
    fn borrowed(&self, bytes: &[u8]) -> Option<&'a str> {
        let start = (bytes.as_ptr() as usize).checked_sub(self.src.as_ptr() as usize)?;
        let s = self.src.get(start..start.checked_add(bytes.len())?)?;
        std::ptr::eq(s.as_ptr(), bytes.as_ptr()).then_some(s)
    }

    /// Record the start of the element whose start tag `e` begins at `pos` (`local`: where
    /// its local name starts), then its attributes other than namespace declarations.
    #[inline(never)]
    fn record_start(&mut self, e: &BytesStart<'_>, local: usize, pos: u64) -> R<()> {
        let Some(name) = self.borrowed(local_of(e, local)) else {
            return Err(self.attr_error(pos, "element name outside the input"));
        };
        let offset = usize::try_from(pos).unwrap_or(usize::MAX).saturating_add(self.offset);
        let mut attrs = Vec::new();
        if !e.attributes_raw().iter().all(|b| is_xml_ws(*b)) {
            for a in attributes(e) {
                let a = a.map_err(|err| self.attr_error(pos, err))?;
                let key = a.key.as_ref();
                if key == b"xmlns" || key.starts_with(b"xmlns:") {
                    continue;
                }
                let Some(key) = self.borrowed(split_qname(key).1) else {
                    return Err(self.attr_error(pos, "attribute name outside the input"));
                };
                let value = match a.unescape_value().map_err(|err| self.attr_error(pos, err))? {
                    Cow::Borrowed(v) => {
                        self.borrowed(v.as_bytes()).map_or_else(|| Cow::Owned(v.to_owned()), Cow::Borrowed)
                    }
                    Cow::Owned(v) => Cow::Owned(v),
                };
                attrs.push(Recorded::Attribute(key, value));
            }
        }
        if let Some(record) = &mut self.record {
            record.push(Recorded::Start(name, offset));
            record.append(&mut attrs);
        }
        Ok(())
    }

    /// Record the start of a fused leaf (at most one unprefixed attribute, not a namespace
    /// declaration) whose start tag is at `pos`.
    fn record_leaf_start(&mut self, qname: &'a str, local: usize, attr: Option<(&'a str, &'a str)>, pos: u64) {
        let offset = usize::try_from(pos).unwrap_or(usize::MAX).saturating_add(self.offset);
        if let Some(record) = &mut self.record {
            record.push(Recorded::Start(qname.get(local..).unwrap_or_default(), offset));
            if let Some((key, value)) = attr {
                record.push(Recorded::Attribute(key, Cow::Borrowed(value)));
            }
        }
    }

    /// Record the located element's start (after its attributes were checked), when recording.
    fn record_located(&mut self) -> R<()> {
        if self.record.is_none() {
            return Ok(());
        }
        let Some(e) = self.cur.take() else { return Ok(()) };
        let local = e.name().into_inner().iter().position(|b| *b == b':').map_or(0, |i| i + 1);
        let recorded = self.record_start(&e, local, self.pos);
        self.cur = Some(e);
        recorded
    }

    /// Start recording: from here on every element this reader reads (start, attributes
    /// other than namespace declarations, text, end), the located root element's start
    /// included and `xs:any` content element by element, is kept in document order, and
    /// [`Reader::replay`] hands it to a [`Recorder`]. Errors are the same as without
    /// recording. (The record is kept in the reader rather than sent straight to a recorder
    /// so that `Reader` needs no second lifetime; it costs one vector of events.)
    pub fn record(&mut self) {
        self.record = Some(Vec::with_capacity(self.src.len() / 32));
    }

    /// Hand everything recorded so far to `rec`, in document order (and go on recording).
    pub fn replay(&mut self, rec: &mut dyn Recorder<'a>) {
        let Some(record) = &mut self.record else { return };
        for ev in record.drain(..) {
            match ev {
                Recorded::Start(name, offset) => rec.start(name, offset),
                Recorded::Attribute(name, value) => rec.attribute(name, value),
                Recorded::Text(text) => rec.text(text),
                Recorded::End => rec.end(),
            }
        }
    }

    /// An optional `xs:any` element.
    pub fn opt_any(&mut self) -> R<Option<super::AnyElement>> {
        self.fill()?;
        if matches!(self.peeked, Some(Peek::Start { .. } | Peek::Leaf { .. })) {
            self.req_any().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Repeated `xs:any` elements (`max` 0 = unbounded).
    pub fn many_any(&mut self, min: u32, max: u32) -> R<Vec<super::AnyElement>> {
        let mut v = Vec::new();
        let mut n = 0u32;
        loop {
            self.fill()?;
            if !matches!(self.peeked, Some(Peek::Start { .. } | Peek::Leaf { .. })) || (max != 0 && n >= max) {
                break;
            }
            n += 1;
            self.repeat_check(n as usize)?;
            v.push(self.req_any()?);
        }
        if n < min {
            return Err(self.expected(&["(any element)"]));
        }
        Ok(v)
    }

    fn attr_raw(&self, name: &str) -> R<Option<Cow<'a, str>>> {
        let v = if let Some((key, value)) = self.cur_attr {
            if key != name {
                return Ok(None);
            }
            Cow::Borrowed(value)
        } else {
            let Some(e) = &self.cur else { return Ok(None) };
            let Some(a) = attributes(e).find(|a| a.as_ref().map_or(true, |a| a.key.as_ref() == name.as_bytes())) else {
                return Ok(None);
            };
            let a = a.map_err(|err| self.error(Rule::NotWellFormed, err.to_string()))?;
            match a.unescape_value().map_err(|err| self.error(Rule::NotWellFormed, err.to_string()))? {
                Cow::Borrowed(v) => self.borrowed(v.as_bytes()).map_or_else(|| Cow::Owned(v.to_owned()), Cow::Borrowed),
                Cow::Owned(v) => Cow::Owned(v),
            }
        };
        if v.len() > self.limits.max_string_len {
            return Err(self.error(Rule::LimitStringLength, "attribute too long".into()));
        }
        Ok(Some(v))
    }

    fn attr_parse<T: SimpleValue>(&mut self, name: &'static str, v: &str) -> R<T> {
        match T::parse_text(v) {
            Ok(v) => Ok(v),
            Err(f) => {
                let mut e = self.facet_error(f, v);
                if let Some(x) = e_first(&mut e) {
                    x.path.push_str("/@");
                    x.path.push_str(name);
                }
                self.recover(e)
            }
        }
    }

    /// A required attribute of the current element.
    pub fn attr_req<T: SimpleValue>(&mut self, name: &'static str) -> R<T> {
        match self.attr_raw(name)? {
            Some(v) => self.attr_parse(name, &v),
            None => Err(self.error(Rule::MissingAttribute, format!("attribute {name} is required"))),
        }
    }

    /// An optional attribute of the current element.
    pub fn attr_opt<T: SimpleValue>(&mut self, name: &'static str) -> R<Option<T>> {
        match self.attr_raw(name)? {
            Some(v) => self.attr_parse(name, &v).map(Some),
            None => Ok(None),
        }
    }

    /// The text content of a complex type with simple content.
    pub fn text_value<T: SimpleValue>(&mut self) -> R<T> {
        self.simple()
    }

    /// Read prolog and envelopes up to the first start tag for which `want(namespace, local)`
    /// holds; returns its namespace. The start tag is consumed and becomes the current element.
    pub fn locate(&mut self, want: impl Fn(&[u8], &[u8]) -> bool, root_name: &'static str) -> R<String> {
        self.find_element(want, root_name)?;
        // The element's scope is entered: its namespace is the one `want` was given.
        let ns = match &self.cur {
            Some(e) => self.scopes.element_ns(e.name().as_ref()).0.unwrap_or_default(),
            None => b"",
        };
        Ok(String::from_utf8_lossy(ns).into_owned())
    }

    /// [`Reader::locate`] without the namespace as a `String`.
    fn find_element(&mut self, want: impl Fn(&[u8], &[u8]) -> bool, root_name: &'static str) -> R<()> {
        let mut first = true;
        loop {
            if !first {
                self.pass_ws();
            }
            let pos = self.xpos();
            let ev = self.read_xml(pos)?;
            match ev {
                Event::Decl(d) if first => {
                    if let Some(enc) = d.encoding() {
                        let enc =
                            enc.map_err(|e| self.error_at(Rule::NotWellFormed, pos, String::new(), e.to_string()))?;
                        if !enc.eq_ignore_ascii_case(b"utf-8") && !enc.eq_ignore_ascii_case(b"utf8") {
                            return Err(self.error_at(
                                Rule::Encoding,
                                pos,
                                String::new(),
                                format!("encoding {} is not supported; only UTF-8", String::from_utf8_lossy(&enc)),
                            ));
                        }
                    }
                }
                Event::Start(e) => {
                    self.enter(&e, pos)?;
                    let ns: &[u8] = self.scopes.element_ns(e.name().as_ref()).0.unwrap_or_default();
                    if want(ns, split_qname(e.name().as_ref()).1) {
                        self.push_element(root_name, 0, pos)?;
                        self.cur = Some(e);
                        self.cur_attr = None;
                        return Ok(());
                    }
                    self.outer_depth += 1;
                    if self.outer_depth > self.limits.max_depth {
                        return Err(self.too_deep(pos, String::new()));
                    }
                }
                Event::End(_) => {
                    self.leave();
                    self.outer_depth = self.outer_depth.saturating_sub(1);
                }
                Event::Text(t) => {
                    if self.outer_depth == 0 && !t.iter().all(|b| is_xml_ws(*b)) {
                        return Err(self.error_at(
                            Rule::NotWellFormed,
                            pos,
                            String::new(),
                            "text outside the root element".into(),
                        ));
                    }
                }
                Event::Eof => {
                    return Err(self.error_at(
                        Rule::NoDocument,
                        pos,
                        String::new(),
                        format!("no {root_name} element found"),
                    ));
                }
                Event::CData(_) | Event::GeneralRef(_) | Event::Comment(_) => {}
                other => self.check_misc(&other, pos)?,
            }
            first = false;
        }
    }

    /// After the located element closed: read the rest, so a malformed tail is still rejected.
    pub fn finish(&mut self) -> R<()> {
        loop {
            self.pass_ws();
            let pos = self.xpos();
            let ev = self.read_xml(pos)?;
            match ev {
                Event::Eof => {
                    if self.outer_depth != 0 {
                        return Err(self.error_at(
                            Rule::NotWellFormed,
                            pos,
                            String::new(),
                            "unclosed element at end of document".into(),
                        ));
                    }
                    return Ok(());
                }
                Event::Start(e) => {
                    self.enter(&e, pos)?;
                    if self.outer_depth == 0 {
                        return Err(self.error_at(
                            Rule::NotWellFormed,
                            pos,
                            String::new(),
                            "more than one root element".into(),
                        ));
                    }
                    self.outer_depth += 1;
                    if self.outer_depth > self.limits.max_depth {
                        return Err(self.too_deep(pos, String::new()));
                    }
                }
                Event::End(_) => {
                    self.leave();
                    self.outer_depth = self.outer_depth.saturating_sub(1);
                }
                Event::Text(t) => {
                    if self.outer_depth == 0 && !t.iter().all(|b| is_xml_ws(*b)) {
                        return Err(self.error_at(
                            Rule::NotWellFormed,
                            pos,
                            String::new(),
                            "text outside the root element".into(),
                        ));
                    }
                }
                Event::CData(_) | Event::GeneralRef(_) | Event::Comment(_) => {}
                other => self.check_misc(&other, pos)?,
            }
        }
    }

    /// Start reading the located root as `T`.
    pub fn read_located<T: RootElement>(&mut self) -> R<T> {
        self.read_located_then::<T>(true)
    }

    /// Switch to `T`'s namespace and check (and record, when recording) the located element's
    /// start tag.
    fn begin_located<T: RootElement>(&mut self) -> R<()> {
        self.ns = T::NAMESPACE;
        self.default_ok = None;
        self.prefix_ok = None;
        if let Some(e) = self.cur.take() {
            self.check_attrs(&e, T::ATTRS)?;
            self.cur = Some(e);
        }
        self.record_located()
    }

    /// Read the located element as `T`, through its end tag, and nothing after it (unlike
    /// [`read_located`], the rest of the input is not read: for an element beside the one a
    /// caller reads next, e.g. a business header before its Document).
    pub fn read_located_element<T: RootElement>(&mut self) -> R<T> {
        self.read_located_then::<T>(false)
    }

    /// Read the located element as `T` through its end tag, then the rest of the input when
    /// `to_end` (a violation collected on the way is reported with any error that follows).
    fn read_located_then<T: RootElement>(&mut self, to_end: bool) -> R<T> {
        self.begin_located::<T>()?;
        let read = T::read(self).and_then(|v| {
            self.close()?;
            if to_end {
                self.finish()?;
            }
            Ok(v)
        });
        match read {
            Ok(_) if !self.collected.is_empty() => Err(Error::from_violations(std::mem::take(&mut self.collected))),
            Ok(v) => Ok(v),
            Err(e) => Err(self.with_collected(e)),
        }
    }

    /// How many elements enclose the located element (0: it is the document's root).
    pub fn located_depth(&self) -> usize {
        self.outer_depth
    }

    /// Skip the located element (its start tag consumed by [`Reader::locate`]) through its end
    /// tag, checking well-formedness and the depth limit as it goes, so that `locate` can look
    /// further.
    pub fn skip_located(&mut self) -> R<()> {
        self.cur = None;
        self.path.pop();
        let mut depth = 1usize;
        while depth > 0 {
            let pos = self.xpos();
            let ev = self.read_xml(pos)?;
            match ev {
                Event::Start(e) => {
                    self.enter(&e, pos)?;
                    depth += 1;
                    if self.outer_depth + depth > self.limits.max_depth {
                        return Err(self.too_deep(pos, String::new()));
                    }
                }
                Event::End(_) => {
                    self.leave();
                    depth -= 1;
                }
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) | Event::Comment(_) => {}
                other => self.check_misc(&other, pos)?,
            }
        }
        Ok(())
    }

    /// An error with `rule` and `message` at the current element (its path, line and column),
    /// for checks made outside the generated code (e.g. an unsupported root namespace).
    pub fn error_here(&self, rule: Rule, message: String) -> Error {
        self.error(rule, message)
    }
}

fn e_first(e: &mut Error) -> Option<&mut Violation> {
    e.first_mut()
}

/// Read a root element `T` from a document: bare, or anywhere inside an envelope.
pub fn read_root<T: RootElement>(input: &[u8], limits: &Limits) -> R<T> {
    let mut r = Reader::new(input, limits)?;
    r.find_element(|ns, local| ns == T::NAMESPACE.as_bytes() && local == T::ELEMENT.as_bytes(), T::ELEMENT)?;
    r.read_located::<T>()
}

/// [`read_root`], recording: on success `rec` has received the root element's subtree (its
/// own start and end included; elements, attributes other than namespace declarations, text,
/// `xs:any` content), in document order, from the same tokenization that built the value. On
/// an error, `rec` receives nothing, and the error is the one [`read_root`] gives.
pub fn read_root_recording<'a, T: RootElement>(input: &'a [u8], limits: &Limits, rec: &mut dyn Recorder<'a>) -> R<T> {
    let mut r = Reader::new(input, limits)?;
    r.find_element(|ns, local| ns == T::NAMESPACE.as_bytes() && local == T::ELEMENT.as_bytes(), T::ELEMENT)?;
    r.record();
    let v = r.read_located::<T>()?;
    r.replay(rec);
    Ok(v)
}

/// Read the element that starts at byte `start` of `input` as `T`, for a root element inside a
/// larger document whose outer part another reader handles (a SOAP Body's element).
/// `declared` holds the namespace declarations in scope there (prefix, URI; an empty prefix is
/// the default namespace; any string type, so a caller keeping them owned lends them without
/// building a list of borrows per call), outermost first; `outer_depth` counts the enclosing elements (for
/// the depth limit). Returns the value and the byte offset just after the element's end tag;
/// nothing after it is read, so the caller checks the rest. Lines and columns in errors count
/// from the start of `input`.
pub fn read_fragment<'a, T: RootElement>(
    input: &'a [u8],
    start: usize,
    declared: &'a [(impl AsRef<str>, impl AsRef<str>)],
    outer_depth: usize,
    limits: &Limits,
) -> R<(T, usize)> {
    let r = Reader::new_at(input, start, limits)?;
    let (v, end) = read_element_in(r, declared, outer_depth)?;
    Ok((v, end.saturating_add(start)))
}

/// Sibling elements read one after another from the start of `window`, text that may go on
/// past the last one (a stream's buffer holding a run of entries, where an element's end is
/// not known before it is read), by one reader: its setup, its namespace scope and its
/// window's UTF-8 check are paid once for the run, not once per element. Each
/// [`LeadingRun::read_next`] reads the element after the previous one's end tag (and
/// whitespace) as [`read_fragment`] reads one at its offset, except that an element of
/// another name or namespace there is an error (`read_fragment` would look past it); a
/// window that ends inside the element is an error (an unexpected end), as in any input.
/// Nothing after an end tag is looked at before `read_next` is called. After an error the run
/// is over (its reader is left mid-element).
pub struct LeadingRun<'a> {
    r: Reader<'a>,
}

impl std::fmt::Debug for LeadingRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeadingRun").field("at", &self.r.xpos()).finish()
    }
}

impl<'a> LeadingRun<'a> {
    /// A run over `window` in the namespace scope `declared`, `outer_depth` deep (as
    /// [`read_fragment`] takes them).
    pub fn new(
        window: &'a str,
        declared: &'a [(impl AsRef<str>, impl AsRef<str>)],
        outer_depth: usize,
        limits: &Limits,
    ) -> R<Self> {
        check_size(window.as_bytes(), limits)?;
        let mut r = Reader::over(window.as_bytes(), window, 0, limits);
        declare_all(&mut r, declared)?;
        r.outer_depth = outer_depth;
        Ok(LeadingRun { r })
    }

    /// The byte offset in the window just after the last element read (0 before any).
    pub fn offset(&self) -> usize {
        usize::try_from(self.r.xpos()).unwrap_or(usize::MAX)
    }

    /// The next element as `T` and the offset just after its end tag. Only whitespace may come
    /// before its start tag; anything else (text, an end tag, a comment) is an error, read
    /// no further.
    pub fn read_next<T: RootElement>(&mut self) -> R<(T, usize)> {
        let at = self.offset();
        let rest = self.r.src.as_bytes().get(at..).unwrap_or_default();
        let ws = rest.iter().take_while(|b| is_xml_ws(**b)).count();
        let starts_element = rest.get(ws) == Some(&b'<') && !matches!(rest.get(ws + 1), Some(b'/' | b'!' | b'?'));
        if !starts_element {
            return Err(self.r.error(Rule::UnexpectedElement, format!("no {} element follows", T::ELEMENT)));
        }
        // Opened as any child element is (its start and end tags read in one step where they
        // are plain), not looked for through quick-xml's events.
        let r = &mut self.r;
        r.ns = T::NAMESPACE;
        r.default_ok = None;
        r.prefix_ok = None;
        r.open(T::ELEMENT, 0, T::ATTRS)?;
        let v = T::read(r)?;
        r.close()?;
        Ok((v, self.offset()))
    }
}

/// Declare `declared` (prefix, URI; outermost first) around everything `r` reads.
fn declare_all<'a>(r: &mut Reader<'a>, declared: &'a [(impl AsRef<str>, impl AsRef<str>)]) -> R<()> {
    for (prefix, uri) in declared {
        let (prefix, uri) = (prefix.as_ref().as_bytes(), uri.as_ref().as_bytes());
        r.scopes.declare(prefix, uri).map_err(|m| r.error(Rule::NotWellFormed, m))?;
    }
    Ok(())
}

/// The element `r` starts at as `T`, in the namespace scope `declared`, `outer_depth` deep;
/// the offset (in `r`'s source) just after its end tag. The declarations are borrowed for the
/// read, not copied (a stream reads each entry so).
fn read_element_in<'a, T: RootElement>(
    mut r: Reader<'a>,
    declared: &'a [(impl AsRef<str>, impl AsRef<str>)],
    outer_depth: usize,
) -> R<(T, usize)> {
    declare_all(&mut r, declared)?;
    r.outer_depth = outer_depth;
    r.find_element(|ns, local| ns == T::NAMESPACE.as_bytes() && local == T::ELEMENT.as_bytes(), T::ELEMENT)?;
    if r.outer_depth != outer_depth {
        return Err(r.error(Rule::UnexpectedElement, format!("the element at the start is not {}", T::ELEMENT)));
    }
    r.begin_located::<T>()?;
    let v = T::read(&mut r).and_then(|v| {
        r.close()?;
        Ok(v)
    })?;
    Ok((v, usize::try_from(r.xpos()).unwrap_or(usize::MAX)))
}

/// Read the Document the reader is positioned in as `T` (used by the generated dispatcher).
pub fn read_located<T: RootElement>(r: &mut Reader<'_>) -> R<T> {
    r.read_located::<T>()
}

#[cfg(test)]
mod tests {
    use super::{TEXT_BYTE, run_of, same_name, text_run, ws_run};
    use crate::{ComplexValue, Error, IsoDate, Limits, Recorder, RootElement, SimpleValue, Writer};
    use std::borrow::Cow;

    #[derive(Debug)]
    struct Inner {
        _d: IsoDate,
        _n: Option<bool>,
    }

    impl ComplexValue for Inner {
        const ATTRS: &'static [&'static str] = &["a"];
        fn read(r: &mut super::Reader<'_>) -> Result<Self, Error> {
            Ok(Inner { _d: r.req_s("D")?, _n: r.opt_s("N")? })
        }
        fn empty() -> Option<Self> {
            Some(Inner { _d: SimpleValue::placeholder(), _n: None })
        }
        fn write(&self, _w: &mut Writer) {}
    }

    /// A root with an optional boxed structure read one way or the other.
    #[derive(Debug)]
    struct Root<const BOXED: bool> {
        _x: Option<Box<Inner>>,
        _after: Option<IsoDate>,
    }

    impl<const BOXED: bool> ComplexValue for Root<BOXED> {
        fn read(r: &mut super::Reader<'_>) -> Result<Self, Error> {
            let x = if BOXED { r.opt_c_boxed("X")? } else { r.opt_c("X")?.map(Box::new) };
            Ok(Root { _x: x, _after: r.opt_s("After")? })
        }
        fn empty() -> Option<Self> {
            Some(Root { _x: None, _after: None })
        }
        fn write(&self, _w: &mut Writer) {}
    }

    impl<const BOXED: bool> RootElement for Root<BOXED> {
        const NAMESPACE: &'static str = "urn:t";
        const ELEMENT: &'static str = "Root";
    }

    #[derive(Default)]
    struct Events(Vec<String>);

    impl<'a> Recorder<'a> for Events {
        fn start(&mut self, local_name: &'a str, offset: usize) {
            self.0.push(format!("<{local_name}@{offset}"));
        }
        fn attribute(&mut self, local_name: &'a str, value: Cow<'a, str>) {
            self.0.push(format!("@{local_name}={value}"));
        }
        fn text(&mut self, text: Cow<'a, str>) {
            self.0.push(format!("'{text}'"));
        }
        fn end(&mut self) {
            self.0.push(">".into());
        }
    }

    fn read<const BOXED: bool>(doc: &str, record: bool) -> (String, Vec<String>) {
        let limits = Limits { max_depth: 3, ..Limits::default() };
        let mut events = Events::default();
        let v = if record {
            super::read_root_recording::<Root<BOXED>>(doc.as_bytes(), &limits, &mut events)
        } else {
            super::read_root::<Root<BOXED>>(doc.as_bytes(), &limits)
        };
        (format!("{v:?}"), events.0)
    }

    /// `opt_c_boxed` reads, fails and records exactly as `opt_c(..).map(Box::new)`: the same
    /// value or error (rule, path, line, column, message) and the same record, over the
    /// boxed element absent, present, invalid inside, misplaced, with attributes, repeated,
    /// too deep, unclosed.
    #[test]
    fn a_boxed_optional_structure_reads_as_an_optional_one_boxed() {
        let bodies = [
            "",
            "<X><D>2024-03-01</D></X>",
            "<X a='1'><D>2024-03-01</D><N>true</N></X><After>2024-03-02</After>",
            "<X><D>2024-02-30</D></X>",
            "<X><N>true</N></X>",
            "<X></X>",
            "<X/>",
            "<X b='1'><D>2024-03-01</D></X>",
            "<X a='1' a='2'><D>2024-03-01</D></X>",
            "<X><D>2024-03-01</D><Y/></X>",
            "<X><D>2024-03-01</D></X><X><D>2024-03-01</D></X>",
            "<X><D>2024-03-01</D><N><Deep/></N></X>",
            "<X><D>2024-03-01</D></Y>",
            "<X><D>2024-03-01</D>",
            "<X>text<D>2024-03-01</D></X>",
            "<After>2024-03-02</After><X><D>2024-03-01</D></X>",
            "<q:X xmlns:q='urn:t'><q:D>2024-03-01</q:D></q:X>",
            "<X xmlns='urn:other'><D>2024-03-01</D></X>",
        ];
        let mut accepted = Vec::new();
        for body in bodies {
            let doc = format!("<Root xmlns='urn:t'>\n  {body}\n</Root>");
            for record in [false, true] {
                let (boxed, boxed_events) = read::<true>(&doc, record);
                let (plain, plain_events) = read::<false>(&doc, record);
                assert_eq!(boxed, plain, "{doc}");
                assert_eq!(boxed_events, plain_events, "{doc}");
                if record && boxed.starts_with("Ok") {
                    accepted.push(body);
                }
            }
        }
        // Both outcomes are exercised.
        assert_eq!(
            accepted,
            [
                "",
                "<X><D>2024-03-01</D></X>",
                "<X a='1'><D>2024-03-01</D><N>true</N></X><After>2024-03-02</After>",
                "<q:X xmlns:q='urn:t'><q:D>2024-03-01</q:D></q:X>",
            ]
        );
    }

    /// A text of one string element, for reading references.
    #[derive(Debug)]
    struct Txt(String);

    impl ComplexValue for Txt {
        fn read(r: &mut super::Reader<'_>) -> Result<Self, Error> {
            Ok(Txt(r.req_s("S")?))
        }
        fn write(&self, _w: &mut Writer) {}
    }

    impl RootElement for Txt {
        const NAMESPACE: &'static str = "urn:t";
        const ELEMENT: &'static str = "Root";
    }

    #[test]
    fn references_are_resolved_into_the_text_wherever_they_stand() {
        for (text, want) in [
            ("&amp;", "&"),
            ("a&amp;b", "a&b"),
            ("&lt;&gt;", "<>"),
            ("x&#65;", "xA"),
            ("&#x42;y&quot;", "By\""),
            ("&apos;<![CDATA[c]]>&amp;", "'c&"),
            ("p<!--c-->q&#233;", "pqé"),
        ] {
            let doc = format!("<Root xmlns=\"urn:t\"><S>{text}</S></Root>");
            let got = super::read_root::<Txt>(doc.as_bytes(), &Limits::default()).map(|t| t.0);
            assert_eq!(got.ok().as_deref(), Some(want), "{text}");
        }
        let doc = "<Root xmlns=\"urn:t\"><S>a&bogus;</S></Root>";
        let err = super::read_root::<Txt>(doc.as_bytes(), &Limits::default()).err();
        assert_eq!(err.and_then(|e| e.rule()), Some(crate::Rule::UndeclaredEntity));
    }

    #[test]
    fn ws_run_is_the_leading_run_of_space_lf_and_tab() {
        let naive = |b: &[u8]| b.iter().position(|c| !matches!(c, b' ' | b'\n' | b'\t')).unwrap_or(b.len());
        let alphabet = [b' ', b'\n', b'\t', b'\r', b'<', 0, 0x80, 0x89, 0x8a, 0xa0, b'!', b')', b'*', 0x29, 0x0b, 0x08];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..40 {
            for _ in 0..200 {
                let v: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // Mostly whitespace, so runs are long.
                        let r = (seed >> 32) as usize;
                        if !r.is_multiple_of(4) {
                            [b' ', b'\n', b'\t'][r % 3]
                        } else {
                            alphabet[(r >> 3) % alphabet.len()]
                        }
                    })
                    .collect();
                assert_eq!(ws_run(&v), naive(&v), "{v:?}");
            }
        }
    }

    /// `text_run` agrees with the byte-at-a-time table run: every byte at every position of
    /// runs up to 20 long over five backgrounds (ASCII, a non-ASCII byte, LF, tab, space),
    /// and random mixes of text and stop bytes.
    #[test]
    fn text_run_is_the_leading_run_of_text_bytes() {
        let naive = |b: &[u8]| run_of(b, &TEXT_BYTE);
        for len in 0..20usize {
            for at in 0..len.max(1) {
                for byte in 0..=255u8 {
                    for background in [b'a', 0x80, b'\n', b'\t', b' '] {
                        let mut v = vec![background; len];
                        if let Some(slot) = v.get_mut(at) {
                            *slot = byte;
                        }
                        assert_eq!(text_run(&v), naive(&v), "{v:?}");
                    }
                }
            }
        }
        let mut seed = 0x1234_5678_9abc_def1u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            let v: Vec<u8> = (0..len)
                .map(|i| {
                    let r = seed.rotate_left(i as u32 * 7);
                    if r.is_multiple_of(5) { (r >> 8) as u8 } else { b'a' + (r % 26) as u8 }
                })
                .collect();
            assert_eq!(text_run(&v), naive(&v), "{v:?}");
        }
    }

    /// `same_name` agrees with `==` for every length up to 40 and a difference at every
    /// position (and in the length), so no byte escapes its word loads.
    #[test]
    fn same_name_agrees_with_slice_equality() {
        for n in 0..=40usize {
            let a: Vec<u8> = (0..n).map(|i| b'A' + (i % 26) as u8).collect();
            assert!(same_name(&a, &a.clone()), "equal, length {n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same_name(&a, &b), "length {n}, differs at {at}");
                assert_eq!(same_name(&a, &b), a == b);
            }
            let mut longer = a.clone();
            longer.push(b'x');
            assert!(!same_name(&a, &longer) && !same_name(&longer, &a), "lengths {n} and {}", n + 1);
        }
    }

    /// A run reads each element as `read_fragment` (the located-element path) reads it at its
    /// offset: the same value and end, or an error (the same one, but for an element of
    /// another name or namespace, which the run refuses as an unexpected child), whatever
    /// the previous element declared or held; and it stops, reading no further, at whatever
    /// is not whitespace and then an element.
    #[test]
    fn a_leading_run_reads_each_element_as_read_fragment_at_its_offset() {
        let declared = [("", "urn:t")];
        let limits = Limits { max_depth: 6, ..Limits::default() };
        let elements = [
            "<Root><After>2024-03-02</After></Root>",
            "<Root/>",
            "<Root></Root>",
            "<q:Root xmlns:q='urn:t'><q:X><q:D>2024-03-01</q:D></q:X></q:Root>",
            "<Root xmlns='urn:other'><After>2024-03-02</After></Root>",
            "<Other><After>2024-03-02</After></Other>",
            "<Root a='1'><After>2024-03-02</After></Root>",
            "<Root><X a='1'><D>2024-03-01</D><N>true</N></X></Root>",
            "<Root><After>2024-02-30</After></Root>",
            "<Root><After>2024-03-02</After><Extra/></Root>",
            "<Root><X><D>2024-03-01</D></X>",
        ];
        let separators = ["", "\n  ", "<!-- c -->", "text", "</Stmt>"];
        let reference =
            |window: &str, at: usize| super::read_fragment::<Root<false>>(window.as_bytes(), at, &declared, 2, &limits);
        // (`read_fragment` looks past an element of another name or namespace for a later
        // `Root`; a run reads the element where it is.)
        let other = |element: &str| element.starts_with("<Other") || element.contains("urn:other");
        let agree = |run: &Result<(Root<false>, usize), Error>,
                     reference: &Result<(Root<false>, usize), Error>,
                     element: &str,
                     what: &str| {
            if other(element) {
                assert!(run.is_err(), "{what}: {run:?}");
                return;
            }
            let shown = |r: &Result<(Root<false>, usize), Error>| unlocated(&format!("{r:?}"));
            assert_eq!(shown(run), shown(reference), "{what}");
        };
        let mut outcomes = std::collections::BTreeSet::new();
        for first in elements {
            for sep in separators {
                for second in elements {
                    let window = format!("{first}{sep}{second}\n</Stmt>");
                    let mut run = super::LeadingRun::new(&window, &declared, 2, &limits).expect("run");
                    let one = run.read_next::<Root<false>>();
                    agree(&one, &reference(&window, 0), first, &window);
                    let Ok((_, end)) = one else { continue };
                    assert_eq!(end, first.len(), "{window}");
                    let two = run.read_next::<Root<false>>();
                    if sep.trim().is_empty() {
                        agree(&two, &reference(&window, end + sep.len()), second, &window);
                        outcomes.insert(two.is_ok());
                        if two.is_ok() {
                            let third = run.read_next::<Root<false>>();
                            assert!(third.is_err(), "{window}: {third:?}");
                            assert_eq!(
                                run.offset(),
                                window.len() - "\n</Stmt>".len(),
                                "nothing past the end tag is read"
                            );
                        }
                    } else {
                        assert!(format!("{two:?}").contains("no Root element follows"), "{window}: {two:?}");
                    }
                }
            }
        }
        assert_eq!(outcomes.len(), 2, "both outcomes of a second element are exercised");
    }

    /// `Debug` of a result without its lines and columns (the digits after `line: `/`column: `).
    fn unlocated(debug: &str) -> String {
        let mut out = String::new();
        let mut rest = debug;
        while let Some(i) = rest.find(|c: char| c.is_ascii_digit()) {
            let (before, digits) = rest.split_at(i);
            out.push_str(before);
            let n = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
            if !(before.ends_with("line: ") || before.ends_with("column: ")) {
                out.push_str(&digits[..n]);
            }
            rest = &digits[n..];
        }
        out.push_str(rest);
        out
    }
}

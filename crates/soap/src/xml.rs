//! The hardened XML reader every decoder of this crate starts with: a namespace-aware tree of
//! elements with their byte spans, built under [`DecodeLimits`]. It refuses DTDs (SOAP forbids
//! them, and so no entity can ever expand), processing instructions, unknown entities, invalid
//! UTF-8 and encodings other than UTF-8, and bounds depth, size, text length and repetitions.
//! Byte spans let the envelope hand out inner documents byte-exact (signed content).
//! For the common plain envelope, [`scan_head`] only scans the three start tags before the
//! body's element (no tree), and gives up on anything it does not know to be plain.

use std::sync::Arc;

use payglot_core_model::{DecodeError, DecodeLimits, Location};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// The `xml:` namespace, bound to the `xml` prefix by definition.
pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// An attribute, namespace resolved. `xmlns` declarations are not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attr {
    pub(crate) ns: Option<String>,
    pub(crate) local: String,
    pub(crate) value: String,
}

/// One element: resolved name, attributes, child elements, its own text, and its byte span
/// in the input (from `<` of the start tag to `>` of the end tag).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    /// The namespace, shared between elements of the same namespace.
    pub(crate) ns: Option<Arc<str>>,
    pub(crate) local: String,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) children: Vec<Element>,
    /// The concatenated text and CDATA directly inside this element.
    pub(crate) text: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Namespace declarations in scope at this element (prefix, uri), innermost last; an empty
    /// prefix is the default namespace. Needed to cut a fragment out so it still resolves.
    pub(crate) in_scope: Arc<Vec<(String, String)>>,
    /// How many of the last `in_scope` entries this element's own start tag declares.
    pub(crate) declared_here: usize,
    /// Read in shallow mode ([`parse_shallow_body`]): no children or text were kept.
    pub(crate) shallow: bool,
}

impl Element {
    /// Whether the element has this namespace and local name.
    pub(crate) fn is(&self, ns: &str, local: &str) -> bool {
        self.ns.as_deref() == Some(ns) && self.local == local
    }

    /// The value of an attribute by namespace and local name.
    pub(crate) fn attr(&self, ns: Option<&str>, local: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.ns.as_deref() == ns && a.local == local).map(|a| a.value.as_str())
    }

    /// Child elements with this namespace and local name.
    pub(crate) fn children_named<'a>(&'a self, ns: &'a str, local: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.is(ns, local))
    }

    /// The first child with this name.
    pub(crate) fn child(&self, ns: &str, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, local))
    }

    /// Whether the element's text is only whitespace.
    pub(crate) fn text_is_blank(&self) -> bool {
        self.text.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
    }

    /// The `{ns}local` form, for messages.
    pub(crate) fn display_name(&self) -> String {
        match &self.ns {
            Some(ns) => format!("{{{ns}}}{}", self.local),
            None => self.local.clone(),
        }
    }
}

/// A parsed document: the root element and the input's text.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    pub(crate) root: Element,
    pub(crate) source: &'a str,
}

impl Document<'_> {
    /// The exact bytes of an element.
    pub(crate) fn raw(&self, element: &Element) -> &str {
        self.source.get(element.start..element.end).unwrap_or("")
    }

    /// A location with line and column for a byte offset.
    pub(crate) fn location(&self, path: impl Into<String>, offset: usize) -> Location {
        let (line, column) = Location::line_column(self.source.as_bytes(), offset);
        Location::at(path, line, column)
    }
}

fn syntax_at(input: &[u8], offset: usize, message: impl Into<String>) -> DecodeError {
    let (line, column) = Location::line_column(input, offset);
    DecodeError::syntax(Location::at("", line, column), message)
}

fn limit_at(input: &[u8], offset: usize, message: impl Into<String>) -> DecodeError {
    let (line, column) = Location::line_column(input, offset);
    DecodeError::limit(Location::at("", line, column), message)
}

/// Parse `input` under `limits`. Fails with a `Limit` error for DTDs and bounds, `Syntax` for
/// anything not well-formed, `Unsupported` for encodings other than UTF-8.
pub(crate) fn parse<'a>(input: &'a [u8], limits: &DecodeLimits) -> Result<Document<'a>, DecodeError> {
    done(parse_with(input, limits, Mode::Full))
}

/// How far [`parse_with`] builds the tree.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Everything.
    Full,
    /// The body's element as its start tag and span only.
    Shallow,
    /// Stop at the body's element's start tag ([`parse_head`]).
    Head,
}

/// What [`parse_with`] read.
pub(crate) enum Parsed<'a> {
    /// The whole document (as [`parse_shallow_body`] reads it).
    Done(Document<'a>),
    /// The envelope up to the body's element.
    Head(Head<'a>),
}

fn done(parsed: Result<Parsed<'_>, DecodeError>) -> Result<Document<'_>, DecodeError> {
    match parsed? {
        Parsed::Done(doc) => Ok(doc),
        // Only `Mode::Head` stops early.
        Parsed::Head(head) => Err(syntax_at(head.source.as_bytes(), head.payload_start(), "unexpected stop")),
    }
}

/// An envelope read up to the start tag of its body's element (not a fault), for a caller
/// that reads that element itself, from its bytes, and then hands the rest back
/// ([`Head::finish`]). One tokenization of the body instead of two.
pub(crate) struct Head<'a> {
    source: &'a str,
    /// The open elements, outermost first; the last is the body's element.
    stack: Vec<Element>,
}

impl<'a> Head<'a> {
    /// Byte offset of the body's element's `<`.
    pub(crate) fn payload_start(&self) -> usize {
        self.stack.last().map_or(0, |e| e.start)
    }

    /// The body's element (its start tag read; no children).
    pub(crate) fn payload(&self) -> Option<&Element> {
        self.stack.last()
    }

    /// The number of elements enclosing the body's element.
    pub(crate) fn outer_depth(&self) -> usize {
        self.stack.len().saturating_sub(1)
    }

    /// Finish the envelope after the body's element, which ends at byte `end`: only
    /// whitespace, comments and the end tags of the open elements may follow (then the end of
    /// the input). `None` when anything else does: the caller reads the input again the slow
    /// way, which gives the precise error.
    pub(crate) fn finish(mut self, end: usize) -> Option<Document<'a>> {
        let tail = self.source.as_bytes().get(end..)?;
        let mut payload = self.stack.pop()?;
        payload.end = end;
        let mut root = None;
        close(payload, &mut self.stack, &mut root);
        let source = self.source;
        let stack = &mut self.stack;
        let plain = scan_tail(tail, |name, after| {
            let Some(mut element) = stack.pop() else { return false };
            if name != start_tag_name(source, &element) {
                return false;
            }
            element.end = end + after;
            close(element, stack, &mut root);
            true
        });
        if !plain || !self.stack.is_empty() {
            return None;
        }
        root.map(|root| Document { root, source })
    }
}

/// Scan what follows the body's element (`tail`): only whitespace, comments and end tags may
/// come, then the end of the input. `close(name, end)` is called for each end tag with its
/// qualified name and the offset in `tail` after its `>`, and says whether that tag closes the
/// innermost open element. `false` as soon as anything else comes.
fn scan_tail(tail: &[u8], mut close: impl FnMut(&[u8], usize) -> bool) -> bool {
    // quick-xml cannot start in the middle of a document (an end tag without its start is
    // an error even unchecked), and the grammar here is tiny: scan it directly.
    let mut at = 0usize;
    loop {
        while tail.get(at).copied().is_some_and(is_xml_space) {
            at += 1;
        }
        let Some(rest) = tail.get(at..) else { return false };
        if rest.is_empty() {
            return true;
        }
        if let Some(comment) = rest.strip_prefix(b"<!--") {
            let Some(dashes) = comment.windows(3).position(|w| w == b"-->") else { return false };
            at += 4 + dashes + 3;
        } else if let Some(tag) = rest.strip_prefix(b"</") {
            let Some(gt) = tag.iter().position(|b| *b == b'>') else { return false };
            let Some(name) = tag.get(..gt) else { return false };
            let name_len = name.iter().position(|b| is_xml_space(*b)).unwrap_or(name.len());
            let (name, pad) = name.split_at(name_len);
            at += 2 + gt + 1;
            if !pad.iter().all(|b| is_xml_space(*b)) || !close(name, at) {
                return false;
            }
        } else {
            return false;
        }
    }
}

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The most namespace declarations [`scan_head`] keeps; with more it gives up.
const MAX_DECLARATIONS: usize = 8;

/// An element's name as [`scan_head`] read it from its start tag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TagName<'a> {
    /// The qualified name as written.
    qname: &'a [u8],
    /// The namespace it resolves to.
    pub(crate) ns: &'a str,
    /// The local name.
    pub(crate) local: &'a str,
}

/// The head of a plain envelope as [`scan_head`] reads it: the root element, its one child and
/// that child's first child (for a SOAP request: `Envelope`, `Body` and the body's element),
/// with nothing but whitespace around them and no attributes but namespace declarations.
#[derive(Debug)]
pub(crate) struct PlainHead<'a> {
    input: &'a [u8],
    /// Namespace declarations (prefix, URI; an empty prefix is the default namespace), in
    /// document order: those of the two outer elements, then the innermost element's own.
    declarations: [(&'a str, &'a str); MAX_DECLARATIONS],
    /// How many of `declarations` the two outer elements make.
    outer_declarations: usize,
    /// The root, its child, and the innermost element.
    pub(crate) names: [TagName<'a>; 3],
    /// Byte offset of the innermost element's `<`.
    pub(crate) inner_start: usize,
}

impl<'a> PlainHead<'a> {
    /// The namespace declarations in scope at the innermost element's start tag, not counting
    /// its own (which a reader starting there reads itself).
    pub(crate) fn declared(&self) -> &[(&'a str, &'a str)] {
        self.declarations.get(..self.outer_declarations).unwrap_or_default()
    }

    /// Whether what follows the innermost element (which ends at byte `end`) is only
    /// whitespace, comments and the end tags of the two outer elements, then the end of the
    /// input: what [`parse`] accepts there and ignores.
    pub(crate) fn tail_is_plain(&self, end: usize) -> bool {
        let Some(tail) = self.input.get(end..) else { return false };
        let [outer, middle, _] = self.names;
        let mut open = [outer.qname, middle.qname].into_iter().rev();
        scan_tail(tail, |name, _| open.next() == Some(name)) && open.next().is_none()
    }
}

/// Read the head of a plain envelope, for a fast path that reads the body's element in place:
/// an optional BOM and XML declaration (version 1.0, UTF-8), the root's and its child's start
/// tags with only whitespace around them, and the start tag of the child's first child, none
/// with attributes other than namespace declarations. `None` for anything else (comments, a
/// DTD, a processing instruction, a `Header`, another attribute, an undeclared or duplicate
/// prefix, a reference in a value, a limit reached, invalid UTF-8, ...): the caller then reads
/// the input with [`parse_head`], which accepts or refuses it as always. What this accepts,
/// [`parse`] accepts with the same names and namespaces (tests in `payglot::tests`:
/// `plain_envelopes_take_the_plain_path`, `unusual_envelopes_leave_the_plain_path` and the
/// property `edited_envelopes_decode_as_the_slow_path_does`).
pub(crate) fn scan_head<'a>(input: &'a [u8], limits: &DecodeLimits) -> Option<PlainHead<'a>> {
    if input.len() > limits.max_bytes || limits.max_depth < 3 {
        return None;
    }
    let mut at = if input.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    if input.get(at..).is_some_and(|rest| rest.starts_with(b"<?")) {
        at = xml_declaration(input, at)?;
    }
    let mut head = PlainHead {
        input,
        declarations: [("", ""); MAX_DECLARATIONS],
        outer_declarations: 0,
        names: [TagName::default(); 3],
        inner_start: 0,
    };
    let mut declared = 0usize;
    for depth in 0..3 {
        while input.get(at).copied().is_some_and(is_xml_space) {
            at += 1;
        }
        if input.get(at) != Some(&b'<') {
            return None;
        }
        if depth == 2 {
            head.outer_declarations = declared;
            head.inner_start = at;
        }
        let (qname, end) = start_tag(input, at, &mut head.declarations, &mut declared, limits)?;
        // Names resolve against every declaration so far, the tag's own included.
        let scope = head.declarations.get(..declared)?;
        let (prefix, local) = match qname.iter().position(|b| *b == b':') {
            Some(colon) => (qname.get(..colon)?, qname.get(colon + 1..)?),
            None => (&b""[..], qname),
        };
        let ns = scope.iter().rev().find(|(p, _)| p.as_bytes() == prefix).map(|(_, uri)| *uri)?;
        head.names[depth] = TagName { qname, ns, local: std::str::from_utf8(local).ok()? };
        at = end;
    }
    // The rest is UTF-8-checked by the reader of the innermost element; the head here.
    std::str::from_utf8(input.get(..head.inner_start)?).ok()?;
    Some(head)
}

/// The end of an XML declaration `<?xml version="1.0"( encoding="UTF-8")?( standalone="yes|no")? ?>`
/// starting at `at`; `None` for any other declaration or processing instruction.
fn xml_declaration(input: &[u8], at: usize) -> Option<usize> {
    let rest = input.get(at..)?.strip_prefix(b"<?xml")?;
    // The declaration's end is its first `>` (no value it may hold has one): a `>` not after
    // a `?` is a declaration this refuses anyway.
    let gt = rest.iter().position(|b| *b == b'>')?;
    let end = gt.checked_sub(1).filter(|q| rest.get(*q) == Some(&b'?'))?;
    let mut text = rest.get(..end)?;
    let mut seen = 0usize;
    for (key, check) in [
        (&b"version"[..], (|v: &[u8]| v == b"1.0") as fn(&[u8]) -> bool),
        (b"encoding", |v: &[u8]| v.eq_ignore_ascii_case(b"utf-8")),
        (b"standalone", |v: &[u8]| v == b"yes" || v == b"no"),
    ] {
        let spaced = text.iter().take_while(|b| is_xml_space(**b)).count();
        let Some(after) = text.get(spaced..).and_then(|t| t.strip_prefix(key)) else {
            if seen == 0 {
                return None;
            }
            continue;
        };
        if spaced == 0 {
            return None;
        }
        let (value, after) = quoted(after.strip_prefix(b"=")?)?;
        if !check(value) {
            return None;
        }
        text = after;
        seen += 1;
    }
    text.iter().all(|b| is_xml_space(*b)).then_some(at + 5 + end + 2)
}

/// A quoted attribute value at the start of `text` (no `<`, `>`, `&` or control characters in it)
/// and what follows it.
fn quoted(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&quote, rest) = text.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    // One pass: up to the closing quote, refusing what a plain value may not hold.
    let len = rest.iter().position(|&b| b == quote || matches!(b, b'<' | b'>' | b'&') || b < 0x20)?;
    let (value, rest) = rest.split_at(len);
    Some((value, rest.strip_prefix(&[quote])?))
}

/// A name of plain ASCII letters, digits, `_`, `-` and `.`, starting with a letter or `_`.
fn plain_ncname(name: &[u8]) -> bool {
    name.first().is_some_and(|b| name_byte(*b) == NAME_START) && name.iter().all(|b| name_byte(*b) != 0)
}

/// What [`NAME_BYTES`] says of `b`.
fn name_byte(b: u8) -> u8 {
    NAME_BYTES.get(usize::from(b)).copied().unwrap_or(0)
}

/// [`NAME_BYTES`]: a byte that may start a plain name (and continue one).
const NAME_START: u8 = 2;

/// Per byte: [`NAME_START`] for ASCII letters and `_`, 1 for digits, `-` and `.`, else 0 (one
/// load per byte where [`plain_ncname`] ran four comparisons).
const NAME_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() || c == b'_' {
            NAME_START
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            1
        } else {
            0
        };
        b += 1;
    }
    table
};

/// A start tag at `at` (`<` there) whose attributes are all namespace declarations (added to
/// `declarations`, `count` of them used so far): its qualified name and the offset after `>`.
/// `None` for a self-closing tag, another attribute, a duplicate or reserved declaration, an
/// empty URI, a value beyond the string limit or anything unusual in the syntax.
fn start_tag<'a>(
    input: &'a [u8],
    at: usize,
    declarations: &mut [(&'a str, &'a str); MAX_DECLARATIONS],
    count: &mut usize,
    limits: &DecodeLimits,
) -> Option<(&'a [u8], usize)> {
    let tag = input.get(at + 1..)?;
    let name_len = tag.iter().position(|b| is_xml_space(*b) || matches!(b, b'>' | b'/'))?;
    let qname = tag.get(..name_len)?;
    let plain_qname = match qname.iter().position(|b| *b == b':') {
        Some(colon) => {
            let (prefix, local) = (qname.get(..colon)?, qname.get(colon + 1..)?);
            plain_ncname(prefix)
                && plain_ncname(local)
                && !prefix.eq_ignore_ascii_case(b"xml")
                && !prefix.eq_ignore_ascii_case(b"xmlns")
        }
        None => plain_ncname(qname),
    };
    if !plain_qname {
        return None;
    }
    let own = *count;
    let mut rest = tag.get(name_len..)?;
    loop {
        let spaced = rest.iter().take_while(|b| is_xml_space(**b)).count();
        rest = rest.get(spaced..)?;
        if let Some(after) = rest.strip_prefix(b">") {
            return Some((qname, input.len() - after.len()));
        }
        if spaced == 0 {
            return None;
        }
        let eq = rest.iter().position(|b| *b == b'=')?;
        let key = rest.get(..eq)?;
        let prefix = match key.strip_prefix(b"xmlns") {
            Some(b"") => &b""[..],
            Some(declared) => declared.strip_prefix(b":").filter(|p| plain_ncname(p))?,
            None => return None,
        };
        if prefix.eq_ignore_ascii_case(b"xml") || prefix.eq_ignore_ascii_case(b"xmlns") {
            return None;
        }
        let (uri, after) = quoted(rest.get(eq + 1..)?)?;
        if uri.is_empty() || uri.len() > limits.max_string_bytes {
            return None;
        }
        let mine = declarations.get(own..*count)?;
        if mine.iter().any(|(p, _)| p.as_bytes() == prefix) {
            return None;
        }
        let slot = declarations.get_mut(*count)?;
        *slot = (std::str::from_utf8(prefix).ok()?, std::str::from_utf8(uri).ok()?);
        *count += 1;
        rest = after;
    }
}

/// The qualified name in an element's start tag.
fn start_tag_name<'s>(source: &'s str, element: &Element) -> &'s [u8] {
    let tag = source.as_bytes().get(element.start + 1..).unwrap_or_default();
    let len = tag.iter().position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>')).unwrap_or(tag.len());
    tag.get(..len).unwrap_or_default()
}

/// Read an envelope up to its body's element; when the body holds no such element (empty, a
/// fault, a self-closing element, or no SOAP structure at all), the whole document as
/// [`parse_shallow_body`] reads it.
pub(crate) fn parse_head<'a>(input: &'a [u8], limits: &DecodeLimits) -> Result<Parsed<'a>, DecodeError> {
    parse_with(input, limits, Mode::Head)
}

/// Like [`parse`], but the element inside a SOAP `Body` (unless it is a `Fault`) is kept as
/// its start tag and byte span only: its content is checked for well-formedness, depth,
/// DTDs, processing instructions and entities, but builds no tree. For readers that read
/// the body's element from its bytes (the generated readers of `soap:payglot`).
pub(crate) fn parse_shallow_body<'a>(input: &'a [u8], limits: &DecodeLimits) -> Result<Document<'a>, DecodeError> {
    done(parse_with(input, limits, Mode::Shallow))
}

/// An entity reference that is neither a character reference nor one of XML's five.
fn refuse_entity(reference: &quick_xml::events::BytesRef<'_>, input: &[u8], at: usize) -> Result<String, DecodeError> {
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) => Ok(c.to_string()),
            _ => Err(syntax_at(input, at, "invalid character reference")),
        };
    }
    let name = reference.decode().map_err(|e| syntax_at(input, at, e.to_string()))?;
    Ok(match name.as_ref() {
        "lt" => "<".to_owned(),
        "gt" => ">".to_owned(),
        "amp" => "&".to_owned(),
        "apos" => "'".to_owned(),
        "quot" => "\"".to_owned(),
        other => {
            return Err(limit_at(input, at, format!("entity `&{other};` is not allowed (no DTD, no entities)")));
        }
    })
}

fn parse_with<'a>(input: &'a [u8], limits: &DecodeLimits, mode: Mode) -> Result<Parsed<'a>, DecodeError> {
    let shallow = mode != Mode::Full;
    limits.check_size(input)?;
    let source = std::str::from_utf8(input).map_err(|e| syntax_at(input, e.valid_up_to(), "invalid UTF-8"))?;
    // A UTF-8 byte order mark is allowed before the declaration; keep offsets into `source`.
    let body = source.strip_prefix('\u{feff}').unwrap_or(source);
    let base = source.len() - body.len();
    let mut reader = NsReader::from_str(body);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
    }
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut scopes: Vec<Arc<Vec<(String, String)>>> = Vec::new();
    let mut last_ns: Option<Arc<str>> = None;
    let mut seen_event = false;
    // In shallow mode: how many elements deep we are inside the body's element (0: not in it).
    let mut skip = 0usize;
    loop {
        let before = base + usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        if skip > 0 {
            match reader.read_event() {
                Err(error) => {
                    let at = base + usize::try_from(reader.error_position()).unwrap_or(0);
                    return Err(syntax_at(input, at, format!("malformed XML: {error}")));
                }
                Ok(Event::Start(_)) => {
                    skip += 1;
                    if stack.len() + skip > limits.max_depth + 1 {
                        return Err(limit_at(
                            input,
                            before,
                            format!("nesting deeper than {} elements", limits.max_depth),
                        ));
                    }
                }
                Ok(Event::End(_)) => {
                    skip -= 1;
                    if skip == 0 {
                        scopes.pop();
                        if let Some(mut element) = stack.pop() {
                            element.end = base + usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                            close(element, &mut stack, &mut root);
                        }
                    }
                }
                Ok(Event::GeneralRef(reference)) => {
                    refuse_entity(&reference, input, before)?;
                }
                Ok(Event::DocType(_)) => {
                    return Err(limit_at(input, before, "DOCTYPE/DTD is forbidden in SOAP messages"));
                }
                Ok(Event::PI(_)) => return Err(limit_at(input, before, "processing instructions are not allowed")),
                Ok(Event::Decl(_)) => return Err(syntax_at(input, before, "XML declaration not at the start")),
                Ok(Event::Eof) => break,
                Ok(_) => {}
            }
            continue;
        }
        let result = match reader.read_resolved_event() {
            Ok((ResolveResult::Bound(ns), event)) => {
                // Most elements share their parent's namespace: reuse the last one.
                let shared = match &last_ns {
                    Some(last) if last.as_bytes() == ns.as_ref() => Arc::clone(last),
                    _ => {
                        let fresh: Arc<str> = Arc::from(String::from_utf8_lossy(ns.as_ref()).as_ref());
                        last_ns = Some(Arc::clone(&fresh));
                        fresh
                    }
                };
                Ok((Ok(Some(shared)), event))
            }
            Ok((ResolveResult::Unbound, event)) => Ok((Ok(None), event)),
            Ok((ResolveResult::Unknown(prefix), event)) => Ok((Err(prefix), event)),
            Err(error) => Err(error),
        };
        let (resolved, event) = match result {
            Ok(pair) => pair,
            Err(error) => {
                let at = base + usize::try_from(reader.error_position()).unwrap_or(0);
                return Err(syntax_at(input, at, format!("malformed XML: {error}")));
            }
        };
        let after = base + usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let ns = match resolved {
            Ok(ns) => ns,
            Err(prefix) => {
                return Err(syntax_at(
                    input,
                    before,
                    format!("undeclared namespace prefix `{}`", String::from_utf8_lossy(&prefix)),
                ));
            }
        };
        let (event, self_closing) = match event {
            Event::Empty(start) => (Event::Start(start), true),
            other => (other, false),
        };
        match event {
            Event::Decl(decl) => {
                if seen_event {
                    return Err(syntax_at(input, before, "XML declaration not at the start"));
                }
                if let Some(Ok(encoding)) = decl.encoding()
                    && !encoding.eq_ignore_ascii_case(b"utf-8")
                {
                    return Err(DecodeError::unsupported(
                        Location::default(),
                        format!("encoding {:?}: only UTF-8 is supported", String::from_utf8_lossy(&encoding)),
                    ));
                }
            }
            Event::DocType(_) => {
                return Err(limit_at(input, before, "DOCTYPE/DTD is forbidden in SOAP messages"));
            }
            Event::PI(_) => {
                return Err(limit_at(input, before, "processing instructions are not allowed"));
            }
            Event::Comment(_) => {}
            Event::Start(start) => {
                if root.is_some() {
                    return Err(syntax_at(input, before, "content after the root element"));
                }
                if stack.len() >= limits.max_depth {
                    return Err(limit_at(input, before, format!("nesting deeper than {} elements", limits.max_depth)));
                }
                let local = std::str::from_utf8(start.local_name().into_inner())
                    .map_err(|_| syntax_at(input, before, "invalid UTF-8 in a name"))?
                    .to_owned();
                let mut attrs = Vec::new();
                let parent_scope: Arc<Vec<(String, String)>> = scopes.last().cloned().unwrap_or_default();
                let mut declared: Vec<(String, String)> = Vec::new();
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| syntax_at(input, before, format!("malformed attribute: {e}")))?;
                    let key = attr.key;
                    let value = attr
                        .unescape_value()
                        .map_err(|e| syntax_at(input, before, format!("malformed attribute value: {e}")))?;
                    if value.len() > limits.max_string_bytes {
                        return Err(limit_at(input, before, "attribute value longer than the limit"));
                    }
                    let raw_key = key.as_ref();
                    if raw_key == b"xmlns" {
                        declared.push((String::new(), value.into_owned()));
                        continue;
                    }
                    if let Some(prefix) = raw_key.strip_prefix(b"xmlns:") {
                        declared.push((String::from_utf8_lossy(prefix).into_owned(), value.into_owned()));
                        continue;
                    }
                    let (attr_ns, attr_local) = reader.resolver().resolve_attribute(key);
                    let attr_ns = match attr_ns {
                        ResolveResult::Bound(ns) => Some(String::from_utf8_lossy(ns.as_ref()).into_owned()),
                        ResolveResult::Unbound => None,
                        ResolveResult::Unknown(prefix) if prefix == b"xml" => Some(XML_NS.to_owned()),
                        ResolveResult::Unknown(prefix) => {
                            return Err(syntax_at(
                                input,
                                before,
                                format!("undeclared namespace prefix `{}`", String::from_utf8_lossy(&prefix)),
                            ));
                        }
                    };
                    attrs.push(Attr {
                        ns: attr_ns,
                        local: String::from_utf8_lossy(attr_local.as_ref()).into_owned(),
                        value: value.into_owned(),
                    });
                }
                if let Some(parent) = stack.last_mut() {
                    if parent.children.len() >= limits.max_repeats {
                        return Err(limit_at(
                            input,
                            before,
                            format!("more than {} child elements", limits.max_repeats),
                        ));
                    }
                    // Indentation before the first child is not content: free it.
                    if parent.children.is_empty() && !parent.text.is_empty() && parent.text_is_blank() {
                        parent.text = String::new();
                    }
                }
                let declared_here = declared.len();
                let in_scope = if declared.is_empty() {
                    parent_scope
                } else {
                    let mut all = parent_scope.as_ref().clone();
                    all.extend(declared);
                    Arc::new(all)
                };
                let element = Element {
                    ns,
                    local,
                    attrs,
                    children: Vec::new(),
                    text: String::new(),
                    start: before,
                    end: after,
                    in_scope: Arc::clone(&in_scope),
                    declared_here,
                    shallow: false,
                };
                // The body's element (not a fault), in shallow mode: no tree below it.
                let body_payload = shallow
                    && stack.len() == 2
                    && stack.last().is_some_and(|body| body.local == "Body")
                    && element.local != "Fault";
                if self_closing {
                    close(element, &mut stack, &mut root);
                } else {
                    scopes.push(in_scope);
                    stack.push(Element { shallow: body_payload, ..element });
                    if body_payload {
                        if mode == Mode::Head {
                            return Ok(Parsed::Head(Head { source, stack }));
                        }
                        skip = 1;
                    }
                }
            }
            Event::End(_) => {
                scopes.pop();
                if let Some(mut element) = stack.pop() {
                    element.end = after;
                    close(element, &mut stack, &mut root);
                }
            }
            Event::Text(text) => {
                let content = text.xml_content().map_err(|e| syntax_at(input, before, format!("bad text: {e}")))?;
                push_text(&mut stack, &content, input, before, limits)?;
            }
            Event::CData(data) => {
                let content = data.decode().map_err(|e| syntax_at(input, before, format!("bad CDATA: {e}")))?;
                if stack.is_empty() {
                    return Err(syntax_at(input, before, "CDATA outside the root element"));
                }
                push_text(&mut stack, &content, input, before, limits)?;
            }
            Event::GeneralRef(reference) => {
                let resolved = refuse_entity(&reference, input, before)?;
                push_text(&mut stack, &resolved, input, before, limits)?;
            }
            Event::Eof => break,
            Event::Empty(_) => {}
        }
        seen_event = true;
    }
    if !stack.is_empty() {
        return Err(syntax_at(input, input.len(), "unexpected end of document: unclosed element"));
    }
    let root = root.ok_or_else(|| syntax_at(input, input.len(), "no root element"))?;
    Ok(Parsed::Done(Document { root, source }))
}

fn close(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn push_text(
    stack: &mut [Element],
    content: &str,
    input: &[u8],
    at: usize,
    limits: &DecodeLimits,
) -> Result<(), DecodeError> {
    match stack.last_mut() {
        Some(element) => {
            // Whitespace between child elements is indentation, not content.
            let blank = content.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
            if blank && !element.children.is_empty() && element.text.is_empty() {
                return Ok(());
            }
            if element.text.len() + content.len() > limits.max_string_bytes {
                return Err(limit_at(input, at, format!("text longer than {} bytes", limits.max_string_bytes)));
            }
            element.text.push_str(content);
            Ok(())
        }
        None if content.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) => Ok(()),
        None => Err(syntax_at(input, at, "text outside the root element")),
    }
}

/// Escape text for element content: `&`, `<`, `>`, and `\r` (which a parser would otherwise
/// normalise away).
pub(crate) fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// Escape text for a double-quoted attribute value.
pub(crate) fn escape_attr(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> DecodeLimits {
        DecodeLimits::default()
    }

    #[test]
    fn spans_are_byte_exact() {
        let input = "<?xml version=\"1.0\"?>\n<a:r xmlns:a=\"urn:a\"><a:b x=\"1\">t&amp;u</a:b><c/></a:r>";
        let doc = parse(input.as_bytes(), &limits()).map_err(|e| e.to_string());
        let doc = doc.as_ref().map(|d| (d.raw(&d.root.children[0]).to_owned(), d.root.children[0].text.clone()));
        assert_eq!(doc, Ok(("<a:b x=\"1\">t&amp;u</a:b>".to_owned(), "t&u".to_owned())));
        let doc = parse(input.as_bytes(), &limits()).map_err(|e| e.to_string());
        assert_eq!(doc.map(|d| d.raw(&d.root.children[1]).to_owned()), Ok("<c/>".to_owned()));
    }

    #[test]
    fn dtd_entities_and_pis_are_refused() {
        let dtd = b"<!DOCTYPE r [<!ENTITY x \"boom\">]><r>&x;</r>";
        assert_eq!(parse(dtd, &limits()).map(|_| ()).map_err(|e| e.kind().as_str()), Err("limit"));
        let entity = b"<r>&x;</r>";
        assert_eq!(parse(entity, &limits()).map(|_| ()).map_err(|e| e.kind().as_str()), Err("limit"));
        let pi = b"<r><?php x?></r>";
        assert_eq!(parse(pi, &limits()).map(|_| ()).map_err(|e| e.kind().as_str()), Err("limit"));
    }

    #[test]
    fn depth_and_encoding_are_bounded() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert_eq!(parse(deep.as_bytes(), &limits()).map(|_| ()).map_err(|e| e.kind().as_str()), Err("limit"));
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>";
        assert_eq!(parse(latin1, &limits()).map(|_| ()).map_err(|e| e.kind().as_str()), Err("unsupported"));
        assert_eq!(parse(b"<r>\xff</r>", &limits()).map(|_| ()).map_err(|e| e.kind().as_str()), Err("syntax"));
        assert_eq!(parse(b"<r></s>", &limits()).map(|_| ()).map_err(|e| e.kind().as_str()), Err("syntax"));
        assert_eq!(parse(b"<r/><r/>", &limits()).map(|_| ()).map_err(|e| e.kind().as_str()), Err("syntax"));
    }
}

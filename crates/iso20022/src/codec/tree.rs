//! A small element tree of an (already validated) ISO 20022 document, which remembers which
//! elements the mapping read, so that everything it did not read is reported as a `Loss`.
//!
//! The generated readers validate every facet; this tree exists for the mapping to the canonical
//! model, which is the same for every version of a message because ISO keeps element names
//! stable. Reading an element through [`Element::child`], [`Element::children`] or
//! [`Element::text`] marks it used; [`Element::losses`] then lists the top-most unused ones.

use std::cell::{Cell, RefCell};

use payglot_core_model::{DecodeError, Location, Loss};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// One element: local name, attributes, text, children, and whether the mapping used it.
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub(crate) name: String,
    /// 1-based position among siblings of the same name, for paths (`PmtInf[2]`).
    pub(crate) index: usize,
    pub(crate) attrs: Vec<(String, String)>,
    text: String,
    pub(crate) children: Vec<Element>,
    used: Cell<bool>,
    /// Set when the mapping kept the value in a less exact form (reported as `Approximated`).
    approximation: RefCell<Option<String>>,
    /// Line of the start tag, for error locations.
    pub(crate) line: u64,
}

/// The parts of an ISO 20022 file the mapping reads: the Document and, when present, the
/// business application header.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) namespace: String,
    pub(crate) document: Element,
    pub(crate) app_header: Option<Element>,
}

const ISO_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:";

/// Elements whose loss paths always carry an index (`Stmt[1]`, `Ntry[1]`), even when only one
/// is present: the streaming statement reader yields them one at a time and cannot know
/// whether another follows, so both paths name them the same way.
const ALWAYS_INDEXED: [&str; 3] = ["Stmt", "Ntfctn", "Ntry"];

impl Element {
    /// An empty element named `name` (a stand-in parent for elements read separately).
    pub(crate) fn named(name: &str, line: u64) -> Element {
        Element { name: name.to_owned(), line, ..Element::default() }
    }

    /// Add `child` as the last child.
    pub(crate) fn adopt(&mut self, child: Element) {
        push_child(self, child);
    }

    /// The first child named `name`, marked used.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        let child = self.children.iter().find(|c| c.name == name)?;
        child.used.set(true);
        Some(child)
    }

    /// The first child named `name`, without marking it used (to compare before deciding).
    pub(crate) fn peek(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The element's text, without marking it used.
    pub(crate) fn peek_text(&self) -> &str {
        &self.text
    }

    /// Every child named `name`, each marked used.
    pub(crate) fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name).inspect(|c| c.used.set(true))
    }

    /// The element's text (marks it used).
    pub(crate) fn text(&self) -> &str {
        self.used.set(true);
        &self.text
    }

    /// The text of the child `name`, if present.
    pub(crate) fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(Element::text)
    }

    /// An attribute's value (attributes travel with their element's use).
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Record that the mapping kept this element's value in a less exact form.
    pub(crate) fn approximate(&self, detail: impl Into<String>) {
        self.used.set(true);
        *self.approximation.borrow_mut() = Some(detail.into());
    }

    /// Mark this element used without reading it.
    pub(crate) fn mark(&self) {
        self.used.set(true);
    }

    /// The path segment of this element: `Name` or `Name[i]` when it has same-named siblings.
    fn segment(&self, repeated: bool) -> String {
        if repeated { format!("{}[{}]", self.name, self.index) } else { self.name.clone() }
    }

    /// The top-most elements below (and including) this one that the mapping never read,
    /// as `Dropped` losses with their paths under `prefix`.
    pub(crate) fn losses(&self, prefix: &str, out: &mut Vec<Loss>) {
        let here = format!("{prefix}/{}", self.name);
        if !self.used.get() {
            out.push(Loss::dropped(here, describe(self)));
            return;
        }
        self.child_losses(&here, out);
    }

    /// Like [`Element::losses`], with this element's own path given (`.../Stmt[2]`).
    pub(crate) fn losses_at(&self, here: &str, out: &mut Vec<Loss>) {
        if !self.used.get() {
            out.push(Loss::dropped(here, describe(self)));
            return;
        }
        self.child_losses(here, out);
    }

    fn child_losses(&self, here: &str, out: &mut Vec<Loss>) {
        if let Some(detail) = self.approximation.borrow().as_ref() {
            out.push(Loss::approximated(here, detail.clone()));
        }
        for (i, child) in self.children.iter().enumerate() {
            // `Name[i]` when the name repeats here (a later sibling shares it); the units the
            // streaming statement reader yields one by one are always indexed, since it cannot
            // know whether another will follow.
            let repeated = child.index > 1
                || ALWAYS_INDEXED.contains(&child.name.as_str())
                || self.children.iter().skip(i + 1).any(|c| c.name == child.name);
            let path = format!("{here}/{}", child.segment(repeated));
            if child.used.get() {
                child.child_losses(&path, out);
            } else {
                out.push(Loss::dropped(path, describe(child)));
            }
        }
    }

    /// A location for an error about this element.
    pub(crate) fn location(&self, path: &str) -> Location {
        let mut location = Location::path(path);
        location.line = Some(self.line);
        location
    }
}

/// A short description of a lost element: its text, or how many elements it held.
fn describe(element: &Element) -> String {
    if element.children.is_empty() {
        // Identifiers that may be account numbers never appear in a loss unmasked.
        let shown = if matches!(element.name.as_str(), "IBAN" | "Id" | "PAN" | "MmbId" | "Nb") {
            payglot_core_model::ids::mask(&element.text)
        } else {
            element.text.clone()
        };
        let text: String = shown.chars().take(40).collect();
        let ellipsis = if shown.chars().count() > 40 { "…" } else { "" };
        format!("no canonical field for {} ({text:?}{ellipsis})", element.name)
    } else {
        format!("no canonical field for {} ({} child elements)", element.name, element.children.len())
    }
}

/// Parse the Document (and AppHdr) out of `bytes`, through any envelope. The bytes must have
/// passed the generated validators already; this only builds the tree.
pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed, DecodeError> {
    let mut reader = NsReader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    let mut lines = LineCounter::default();
    let mut document = None;
    let mut app_header = None;
    let mut namespace = String::new();
    loop {
        let position = reader.buffer_position();
        let (resolved, event) = reader.read_resolved_event().map_err(|e| syntax(bytes, position, &e.to_string()))?;
        match event {
            Event::Start(start) => {
                let ns = match resolved {
                    ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.as_ref()).into_owned(),
                    _ => String::new(),
                };
                let local = start.local_name();
                let is_iso = ns.is_empty() || ns.starts_with(ISO_PREFIX);
                if local.as_ref() == b"Document" && is_iso && document.is_none() {
                    namespace = ns;
                    document = Some(build(&mut reader, bytes, &start, position, &mut lines)?);
                } else if local.as_ref() == b"AppHdr" && ns.starts_with(ISO_PREFIX) && app_header.is_none() {
                    app_header = Some(build(&mut reader, bytes, &start, position, &mut lines)?);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let document = document.ok_or_else(|| DecodeError::invalid(Location::default(), "no ISO 20022 Document found"))?;
    Ok(Parsed { namespace, document, app_header })
}

fn syntax(bytes: &[u8], position: u64, message: &str) -> DecodeError {
    let offset = usize::try_from(position).unwrap_or(usize::MAX);
    let (line, column) = Location::line_column(bytes, offset);
    DecodeError::syntax(Location::at("", line, column), message.to_owned())
}

/// Line numbers by offset, counted incrementally (offsets only grow), so building the tree of
/// a large document stays linear.
#[derive(Debug, Default)]
struct LineCounter {
    offset: usize,
    /// Newlines before `offset`.
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: usize) -> u64 {
        if let Some(gap) = bytes.get(self.offset..offset) {
            self.newlines += gap.iter().filter(|&&b| b == b'\n').count() as u64;
            self.offset = offset;
        }
        self.newlines + 1
    }
}

/// Builds one element's subtree from parser events. The whole-document parse and the
/// streaming statement reader both build through it, so they cannot disagree on the tree.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    stack: Vec<Element>,
}

impl Builder {
    /// Open an element whose start tag begins on `line`.
    pub(crate) fn start(&mut self, start: &BytesStart<'_>, line: u64) -> Result<(), String> {
        self.stack.push(open(start, line)?);
        Ok(())
    }

    /// An empty element (`<X/>`).
    pub(crate) fn empty(&mut self, start: &BytesStart<'_>, line: u64) -> Result<Option<Element>, String> {
        self.stack.push(open(start, line)?);
        Ok(self.end())
    }

    /// Character data of the innermost open element.
    pub(crate) fn text(&mut self, text: &str) {
        if let Some(top) = self.stack.last_mut() {
            top.text.push_str(text);
        }
    }

    /// A character or predefined entity reference.
    pub(crate) fn reference(&mut self, reference: &BytesRef<'_>) -> Result<(), String> {
        let c = resolve_reference(reference).ok_or_else(|| "unknown entity reference".to_owned())?;
        if let Some(top) = self.stack.last_mut() {
            top.text.push(c);
        }
        Ok(())
    }

    /// Close the innermost element; the finished root when it was the outermost.
    pub(crate) fn end(&mut self) -> Option<Element> {
        let element = finish(self.stack.pop()?);
        match self.stack.last_mut() {
            Some(parent) => {
                push_child(parent, element);
                None
            }
            None => Some(element),
        }
    }

    /// Open elements.
    pub(crate) fn depth(&self) -> usize {
        self.stack.len()
    }
}

/// Build the subtree of the element that `start` opened.
fn build(
    reader: &mut NsReader<&[u8]>,
    bytes: &[u8],
    start: &BytesStart<'_>,
    position: u64,
    lines: &mut LineCounter,
) -> Result<Element, DecodeError> {
    let at = |p: u64| usize::try_from(p).unwrap_or(usize::MAX);
    let mut builder = Builder::default();
    builder.start(start, lines.line_at(bytes, at(position))).map_err(|e| syntax(bytes, position, &e))?;
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| syntax(bytes, position, &e.to_string()))?;
        let done = match event {
            Event::Start(start) => {
                builder.start(&start, lines.line_at(bytes, at(position))).map_err(|e| syntax(bytes, position, &e))?;
                None
            }
            Event::Empty(start) => {
                builder.empty(&start, lines.line_at(bytes, at(position))).map_err(|e| syntax(bytes, position, &e))?
            }
            Event::Text(text) => {
                // Since quick-xml 0.38 entity references arrive as separate events, so text
                // needs no unescaping here.
                builder.text(&text.decode().map_err(|e| syntax(bytes, position, &e.to_string()))?);
                None
            }
            Event::CData(data) => {
                builder.text(&String::from_utf8_lossy(&data));
                None
            }
            Event::GeneralRef(reference) => {
                builder.reference(&reference).map_err(|e| syntax(bytes, position, &e))?;
                None
            }
            Event::End(_) => builder.end(),
            Event::Eof => return Err(syntax(bytes, position, "unexpected end of document")),
            _ => None,
        };
        if let Some(element) = done {
            return Ok(element);
        }
    }
}

fn resolve_reference(reference: &BytesRef<'_>) -> Option<char> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Some(c);
    }
    match reference.as_ref() {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        _ => None,
    }
}

fn open(start: &BytesStart<'_>, line: u64) -> Result<Element, String> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        if attr.key.as_ref().starts_with(b"xmlns") {
            continue;
        }
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        let value = attr.unescape_value().map_err(|e| e.to_string())?.into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
        attrs,
        line,
        ..Element::default()
    })
}

fn push_child(parent: &mut Element, mut child: Element) {
    // Same-named siblings are usually adjacent: search from the end.
    child.index = parent.children.iter().rev().find(|c| c.name == child.name).map_or(1, |c| c.index + 1);
    parent.children.push(child);
}

/// Elements with children keep no whitespace text.
fn finish(mut element: Element) -> Element {
    if !element.children.is_empty() {
        element.text.clear();
    }
    element
}

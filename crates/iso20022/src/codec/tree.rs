//! A small element tree of an (already validated) ISO 20022 document, which remembers which
//! elements the mapping read, so that everything it did not read is reported as a `Loss`.
//!
//! The generated readers validate every facet; this tree exists for the mapping to the canonical
//! model, which is the same for every version of a message because ISO keeps element names
//! stable. Reading an element through [`Element::child`], [`Element::children`] or
//! [`Element::text`] marks it used; [`Element::losses`] then lists the top-most unused ones.

use std::cell::{Cell, RefCell};

use payglot_core_model::{DecodeError, Location, Loss};
use quick_xml::events::Event;
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

impl Element {
    /// The first child named `name`, marked used.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        let child = self.children.iter().find(|c| c.name == name)?;
        child.used.set(true);
        Some(child)
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

    fn child_losses(&self, here: &str, out: &mut Vec<Loss>) {
        if let Some(detail) = self.approximation.borrow().as_ref() {
            out.push(Loss::approximated(here, detail.clone()));
        }
        for child in &self.children {
            let repeated = self.children.iter().filter(|c| c.name == child.name).count() > 1;
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
                let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let is_iso = ns.is_empty() || ns.starts_with(ISO_PREFIX);
                if local == "Document" && is_iso && document.is_none() {
                    namespace = ns;
                    document = Some(build(&mut reader, bytes, &start, position)?);
                } else if local == "AppHdr" && ns.starts_with(ISO_PREFIX) && app_header.is_none() {
                    app_header = Some(build(&mut reader, bytes, &start, position)?);
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

/// Build the subtree of the element that `start` opened.
fn build(
    reader: &mut NsReader<&[u8]>,
    bytes: &[u8],
    start: &quick_xml::events::BytesStart<'_>,
    position: u64,
) -> Result<Element, DecodeError> {
    let mut stack = vec![open(bytes, start, position)?];
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| syntax(bytes, position, &e.to_string()))?;
        match event {
            Event::Start(start) => stack.push(open(bytes, &start, position)?),
            Event::Empty(start) => {
                let element = open(bytes, &start, position)?;
                push_child(&mut stack, element);
            }
            Event::Text(text) => {
                let decoded = text.decode().map_err(|e| syntax(bytes, position, &e.to_string()))?;
                if let Some(top) = stack.last_mut() {
                    // Since quick-xml 0.38 entity references arrive as separate events, so text
                    // needs no unescaping here.
                    top.text.push_str(&decoded);
                }
            }
            Event::CData(data) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::GeneralRef(reference) => {
                let text =
                    resolve_reference(&reference).ok_or_else(|| syntax(bytes, position, "unknown entity reference"))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push(text);
                }
            }
            Event::End(_) => {
                let element = stack.pop().unwrap_or_default();
                if stack.is_empty() {
                    return Ok(finish(element));
                }
                push_child(&mut stack, element);
            }
            Event::Eof => return Err(syntax(bytes, position, "unexpected end of document")),
            _ => {}
        }
    }
}

fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Option<char> {
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

fn open(bytes: &[u8], start: &quick_xml::events::BytesStart<'_>, position: u64) -> Result<Element, DecodeError> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| syntax(bytes, position, &e.to_string()))?;
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        if attr.key.as_ref().starts_with(b"xmlns") {
            continue;
        }
        let value = attr.unescape_value().map_err(|e| syntax(bytes, position, &e.to_string()))?.into_owned();
        attrs.push((key, value));
    }
    let offset = usize::try_from(position).unwrap_or(usize::MAX);
    Ok(Element {
        name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
        attrs,
        line: Location::line_column(bytes, offset).0,
        ..Element::default()
    })
}

fn push_child(stack: &mut [Element], mut child: Element) {
    if let Some(parent) = stack.last_mut() {
        child = finish(child);
        child.index = parent.children.iter().filter(|c| c.name == child.name).count() + 1;
        parent.children.push(child);
    }
}

/// Elements with children keep no whitespace text.
fn finish(mut element: Element) -> Element {
    if !element.children.is_empty() {
        element.text.clear();
    }
    element
}

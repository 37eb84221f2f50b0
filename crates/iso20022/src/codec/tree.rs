//! A small element tree of an (already validated) ISO 20022 document, which remembers which
//! elements the mapping read, so that everything it did not read is reported as a `Loss`.
//!
//! The generated readers validate every facet; this tree exists for the mapping to the canonical
//! model, which is the same for every version of a message because ISO keeps element names
//! stable. Reading an element through [`Element::child`], [`Element::children`] or
//! [`Element::text`] marks it used; [`Element::losses`] then lists the top-most unused ones.
//!
//! The tree is built by a [`TreeBuilder`], a [`Recorder`]: the validating reader reports the
//! elements, attributes and text it reads, and the builder keeps them — names and plain text
//! borrowed from the input, nothing copied on the happy path. The elements live in ONE vector
//! in document order (an arena: each knows where its subtree ends, so its children are found
//! by hopping from one sibling's end to the next); attributes sit in a second vector, the rare
//! approximation notes in a third. No vector per element, nothing moved once pushed, one
//! allocation freed per tree. An [`Element`] is a copyable handle (the tree and an index).
//! Each element keeps the offset of its start tag, from which a line is counted only when an
//! error needs one; a loss path (with `Name[i]` indexes) is written only for an element lost.
//!
//! [`record`] builds it from the validating read itself (one tokenization, an AppHdr before
//! the Document included); [`record_own`] drives the same builder from a quick-xml pass of its
//! own, for what that read does not cover (an AppHdr after the Document, the exact two-pass
//! result [`record`] falls back to, a streamed statement's raw AppHdr).

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt::Write as _;

use payglot_core_model::{DecodeError, Location, Loss};
use quick_xml::events::attributes::Attributes as XmlAttributes;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::rt::Recorder;

/// The mapping read the element (or one of its descendants, or marked it).
const USED: u8 = 1;
/// The mapping kept the element's value in a less exact form (a note in `Tree::notes`).
const APPROXIMATED: u8 = 2;
/// Left out of the loss walk altogether (see [`Element::retain_children`]).
const IGNORED: u8 = 4;

/// One element of the arena: local name, text, where its subtree ends, its attributes (a
/// range of `Tree::attrs`), the offset of its start tag and what the mapping did with it.
#[derive(Debug)]
struct Node<'a> {
    name: &'a str,
    text: Cow<'a, str>,
    /// Index one past its last descendant (its next sibling's, when it has one).
    end: usize,
    attrs_from: usize,
    attrs_len: usize,
    /// Byte offset of the start tag's `<` in the input.
    offset: usize,
    flags: Cell<u8>,
}

/// The recorded elements of one input (a document, a unit of a statement), in document order.
#[derive(Debug)]
pub(crate) struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    attrs: Vec<(&'a str, Cow<'a, str>)>,
    /// Approximation notes, by element index (few: the mapping adds one per inexact value).
    notes: RefCell<Vec<(usize, String)>>,
    input: &'a [u8],
    first_line: u64,
}

/// One element of a [`Tree`] (a copyable handle): what the mapping reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element<'t, 'a> {
    tree: &'t Tree<'a>,
    at: usize,
    node: &'t Node<'a>,
}

impl<'a> Tree<'a> {
    /// The elements recorded while none was open.
    fn roots(&self) -> Children<'_, 'a> {
        Children { tree: self, next: 0, end: self.nodes.len() }
    }

    /// The element at `at`, if there is one.
    fn element(&self, at: usize) -> Option<Element<'_, 'a>> {
        Some(Element { tree: self, at, node: self.nodes.get(at)? })
    }
}

/// The parts of an ISO 20022 file the mapping reads: the Document and, when present, the
/// business application header.
#[derive(Debug)]
pub(crate) struct Parsed<'a> {
    tree: Tree<'a>,
    document: usize,
    app_header: Option<usize>,
}

impl<'a> Parsed<'a> {
    /// The Document element.
    pub(crate) fn document(&self) -> Result<Element<'_, 'a>, DecodeError> {
        self.tree.element(self.document).ok_or_else(no_document)
    }

    /// The AppHdr element, when the input has one.
    pub(crate) fn app_header(&self) -> Option<Element<'_, 'a>> {
        self.tree.element(self.app_header?)
    }
}

const ISO_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:";

/// Elements whose loss paths always carry an index (`Stmt[1]`, `Ntry[1]`), even when only one
/// is present: the streaming statement reader yields them one at a time and cannot know
/// whether another follows, so both paths name them the same way.
const ALWAYS_INDEXED: [&str; 3] = ["Stmt", "Ntfctn", "Ntry"];

/// The children of one element, in document order (each hop skips a whole subtree).
#[derive(Debug, Clone)]
pub(crate) struct Children<'t, 'a> {
    tree: &'t Tree<'a>,
    next: usize,
    end: usize,
}

impl<'t, 'a> Iterator for Children<'t, 'a> {
    type Item = Element<'t, 'a>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let at = self.next;
        let node = self.tree.nodes.get(at)?;
        self.next = node.end;
        Some(Element { tree: self.tree, at, node })
    }
}

impl<'t, 'a> Element<'t, 'a> {
    #[inline]
    fn node(self) -> &'t Node<'a> {
        self.node
    }

    #[inline]
    fn flag(self, flag: u8) {
        let flags = &self.node().flags;
        flags.set(flags.get() | flag);
    }

    #[inline]
    fn has(self, flag: u8) -> bool {
        self.node().flags.get() & flag != 0
    }

    /// The local name.
    pub(crate) fn name(self) -> &'a str {
        self.node().name
    }

    /// Every child, in document order (none marked).
    fn all_children(self) -> Children<'t, 'a> {
        Children { tree: self.tree, next: self.at + 1, end: self.node().end }
    }

    fn has_children(self) -> bool {
        self.node().end > self.at + 1
    }

    /// The first child named `name`, marked used.
    pub(crate) fn child(self, name: &str) -> Option<Element<'t, 'a>> {
        let child = self.peek(name)?;
        child.flag(USED);
        Some(child)
    }

    /// The first child named `name`, without marking it used (to compare before deciding).
    pub(crate) fn peek(self, name: &str) -> Option<Element<'t, 'a>> {
        let nodes = self.tree.nodes.get(..self.node.end)?;
        let mut at = self.at + 1;
        while let Some(node) = nodes.get(at) {
            if same(node.name, name) {
                return Some(Element { tree: self.tree, at, node });
            }
            at = node.end;
        }
        None
    }

    /// The element's text, without marking it used.
    pub(crate) fn peek_text(self) -> &'t str {
        &self.node().text
    }

    /// Every child named `name`, each marked used.
    pub(crate) fn children<'n>(self, name: &'n str) -> impl Iterator<Item = Element<'t, 'a>> + 'n
    where
        't: 'n,
        'a: 'n,
    {
        self.all_children().filter(move |c| same(c.node().name, name)).inspect(|c| c.flag(USED))
    }

    /// The element's text (marks it used).
    pub(crate) fn text(self) -> &'t str {
        self.flag(USED);
        &self.node().text
    }

    /// The text of the child `name`, if present.
    pub(crate) fn child_text(self, name: &str) -> Option<&'t str> {
        self.child(name).map(Element::text)
    }

    fn attributes(self) -> &'t [(&'a str, Cow<'a, str>)] {
        let node = self.node();
        self.tree.attrs.get(node.attrs_from..node.attrs_from + node.attrs_len).unwrap_or_default()
    }

    /// An attribute's value (attributes travel with their element's use).
    pub(crate) fn attr(self, name: &str) -> Option<&'t str> {
        self.attributes().iter().find(|(k, _)| same(k, name)).map(|(_, v)| &**v)
    }

    /// Whether both elements carry the same attributes (in the same order).
    pub(crate) fn same_attributes(self, other: Element<'_, '_>) -> bool {
        self.attributes().iter().eq(other.attributes().iter())
    }

    /// Record that the mapping kept this element's value in a less exact form.
    pub(crate) fn approximate(self, detail: impl Into<String>) {
        let detail = detail.into();
        let mut notes = self.tree.notes.borrow_mut();
        match notes.iter_mut().find(|(at, _)| *at == self.at) {
            Some(note) => note.1 = detail,
            None => notes.push((self.at, detail)),
        }
        self.flag(USED | APPROXIMATED);
    }

    /// Mark this element used without reading it.
    pub(crate) fn mark(self) {
        self.flag(USED);
    }

    /// The top-most elements below (and including) this one that the mapping never read,
    /// as `Dropped` losses with their paths under `prefix`.
    pub(crate) fn losses(self, prefix: &str, out: &mut Vec<Loss>) {
        let mut path = String::with_capacity(prefix.len() + 1 + self.name().len());
        path.push_str(prefix);
        path.push('/');
        path.push_str(self.name());
        self.losses_at(&path, out);
    }

    /// Like [`Element::losses`], with this element's own path given (`.../Stmt[2]`).
    pub(crate) fn losses_at(self, here: &str, out: &mut Vec<Loss>) {
        if !self.has(USED) {
            out.push(Loss::dropped(here, describe(self)));
            return;
        }
        // The chain is as deep as the tree (one allocation rather than several as it grows).
        self.child_losses(here, &mut Vec::with_capacity(16), out);
    }

    /// The approximation note of this element, if any.
    fn note(self) -> Option<String> {
        if !self.has(APPROXIMATED) {
            return None;
        }
        self.tree.notes.borrow().iter().find(|(at, _)| *at == self.at).map(|(_, note)| note.clone())
    }

    /// The losses below this (used) element, whose path is `here` followed by the steps of
    /// `chain` (parent, child): a path is written out (with its `Name[i]` indexes) only for a
    /// loss, so the walk over what was read costs a flag test per element.
    fn child_losses(self, here: &str, chain: &mut Vec<(Self, Self)>, out: &mut Vec<Loss>) {
        if let Some(detail) = self.note() {
            out.push(Loss::approximated(path_of(here, chain), detail));
        }
        for child in self.all_children() {
            let flags = child.node().flags.get();
            if flags & IGNORED != 0 || (flags == USED && !child.has_children()) {
                continue;
            }
            chain.push((self, child));
            if flags & USED != 0 {
                child.child_losses(here, chain, out);
            } else {
                out.push(Loss::dropped(path_of(here, chain), describe(child)));
            }
            chain.pop();
        }
    }

    /// Of `child` (one of this element's children): its 1-based position among the children
    /// of the same name, and whether one of them follows it.
    fn place_among_twins(self, child: Element<'t, 'a>) -> (usize, bool) {
        let name = child.name();
        let mut index = 1;
        for sibling in self.all_children() {
            if sibling.at == child.at {
                continue;
            }
            if same(sibling.name(), name) {
                if sibling.at > child.at {
                    return (index, true);
                }
                index += 1;
            }
        }
        (index, false)
    }

    /// A location for an error about this element (its line counted now).
    pub(crate) fn location(self, path: &str) -> Location {
        let mut location = Location::path(path);
        let before = self.tree.input.get(..self.node().offset).unwrap_or(self.tree.input);
        location.line = Some(self.tree.first_line + before.iter().filter(|&&b| b == b'\n').count() as u64);
        location
    }

    /// Leave every child not named `name` out of the loss walk (the streaming reader's report
    /// tail, read from the whole report whose head was mapped and reported before).
    pub(crate) fn retain_children(self, name: &str) {
        for child in self.all_children() {
            if child.name() != name {
                child.flag(IGNORED);
            }
        }
    }
}

/// The path of the last child in `chain` (steps from the element whose path is `here`):
/// `Name[i]` where the name repeats among its siblings; the units the streaming statement
/// reader yields one by one are always indexed, since it cannot know whether another follows.
fn path_of(here: &str, chain: &[(Element<'_, '_>, Element<'_, '_>)]) -> String {
    let mut path = String::with_capacity(here.len() + 16 * chain.len());
    path.push_str(here);
    for &(parent, child) in chain {
        path.push('/');
        path.push_str(child.name());
        let (index, twin_follows) = parent.place_among_twins(child);
        if index > 1 || twin_follows || ALWAYS_INDEXED.contains(&child.name()) {
            let _ = write!(path, "[{index}]");
        }
    }
    path
}

/// A short description of a lost element: its text, or how many elements it held.
pub(crate) fn describe(element: Element<'_, '_>) -> String {
    if element.has_children() {
        format!("no canonical field for {} ({} child elements)", element.name(), element.all_children().count())
    } else {
        let text = element.peek_text();
        // Identifiers that may be account numbers never appear in a loss unmasked.
        let masked;
        let shown: &str = if matches!(element.name(), "IBAN" | "Id" | "PAN" | "MmbId" | "Nb") {
            masked = payglot_core_model::ids::mask(text);
            &masked
        } else {
            text
        };
        let text: String = shown.chars().take(40).collect();
        let ellipsis = if shown.chars().count() > 40 { "…" } else { "" };
        format!("no canonical field for {} ({text:?}{ellipsis})", element.name())
    }
}

/// Equality of two short names, inline (the mapping looks children up by name all the time,
/// and a call to `memcmp` costs more than comparing a few bytes here).
#[inline]
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

// ---------------------------------------------------------------- building

/// Builds element trees from what a reader records: every element started while none is open
/// becomes a root (the `Document`, an `AppHdr`, one unit of a statement).
#[derive(Debug)]
pub(crate) struct TreeBuilder<'a> {
    tree: Tree<'a>,
    /// The open elements (indexes into the arena), innermost last.
    stack: Vec<usize>,
}

impl<'a> TreeBuilder<'a> {
    /// A builder for elements recorded from `input`, whose first byte is on `first_line`.
    pub(crate) fn new(input: &'a [u8], first_line: u64) -> Self {
        TreeBuilder {
            tree: Tree {
                // About one element per 40 bytes of ISO 20022 XML.
                nodes: Vec::with_capacity(input.len() / 40 + 8),
                attrs: Vec::new(),
                notes: RefCell::new(Vec::new()),
                input,
                first_line,
            },
            stack: Vec::with_capacity(16),
        }
    }

    /// Forget everything recorded (to record the same input again).
    fn clear(&mut self) {
        self.tree.nodes.clear();
        self.tree.attrs.clear();
        self.tree.notes.get_mut().clear();
        self.stack.clear();
    }

    /// After an AppHdr and then the Document were recorded in one pass (see [`record`]):
    /// whether [`record_two_passes`] records the same AppHdr — no CR between the AppHdr's
    /// start and the Document's (quick-xml keeps a CR in text, the reader normalises it) and no
    /// element named `Document` inside the AppHdr (the two passes would read that one).
    fn header_as_two_passes_record_it(&self, bytes: &[u8]) -> bool {
        let nodes = &self.tree.nodes;
        let (Some(header), Some(document)) = (self.find("AppHdr"), self.find("Document")) else { return false };
        let (Some(h), Some(d)) = (nodes.get(header), nodes.get(document)) else { return false };
        let inside = nodes.get(header..h.end).unwrap_or_default();
        header < document
            && !inside.iter().any(|n| n.name == "Document")
            && bytes.get(h.offset..d.offset).is_some_and(|between| memchr::memchr(b'\r', between).is_none())
    }

    /// The first finished root named `name`, or failing that the first child of a root so
    /// named (a unit recorded with the fragment wrapper around it).
    fn find(&self, name: &str) -> Option<usize> {
        let roots = self.tree.roots();
        if let Some(root) = roots.clone().find(|r| r.name() == name) {
            return Some(root.at);
        }
        roots.flat_map(Element::all_children).find(|c| c.name() == name).map(|c| c.at)
    }

    /// The tree with the element [`find`](Self::find) gives for `name` as its root.
    pub(crate) fn into_unit(self, name: &str) -> Option<Unit<'a>> {
        let root = self.find(name)?;
        Some(Unit { tree: self.tree, root })
    }
}

/// A recorded tree and the element the mapping starts from.
#[derive(Debug)]
pub(crate) struct Unit<'a> {
    tree: Tree<'a>,
    root: usize,
}

impl<'a> Unit<'a> {
    /// The unit's element.
    pub(crate) fn root(&self) -> Option<Element<'_, 'a>> {
        self.tree.element(self.root)
    }
}

impl<'a> Recorder<'a> for TreeBuilder<'a> {
    fn start(&mut self, local_name: &'a str, offset: usize) {
        let at = self.tree.nodes.len();
        self.tree.nodes.push(Node {
            name: local_name,
            text: Cow::Borrowed(""),
            end: at + 1,
            attrs_from: self.tree.attrs.len(),
            attrs_len: 0,
            offset,
            flags: Cell::new(0),
        });
        self.stack.push(at);
    }

    fn attribute(&mut self, local_name: &'a str, value: Cow<'a, str>) {
        if let Some(top) = self.stack.last().and_then(|&at| self.tree.nodes.get_mut(at)) {
            self.tree.attrs.push((local_name, value));
            top.attrs_len += 1;
        }
    }

    fn text(&mut self, text: Cow<'a, str>) {
        if let Some(top) = self.stack.last().and_then(|&at| self.tree.nodes.get_mut(at)) {
            if top.text.is_empty() {
                top.text = text;
            } else {
                top.text.to_mut().push_str(&text);
            }
        }
    }

    fn end(&mut self) {
        let Some(at) = self.stack.pop() else { return };
        let end = self.tree.nodes.len();
        if let Some(node) = self.tree.nodes.get_mut(at) {
            node.end = end;
            if end > at + 1 {
                // Elements with children keep no (whitespace) text.
                node.text = Cow::Borrowed("");
            }
        }
    }
}
// ---------------------------------------------------------------- the whole document

/// Validate the Document in `bytes` (found through any envelope, as [`crate::parse_any`]
/// finds it) and record it, and the AppHdr beside it, into `tree`; the Document's namespace.
///
/// One tokenization: the validating reader records the Document's elements as it reads them,
/// so the tree is built from exactly what was validated, and an ISO 20022 AppHdr it passes
/// before the Document (the usual envelope) is recorded in the same pass
/// ([`crate::parse_any_recording_with_header`]; an AppHdr of any head.001 version is mapped as
/// before, not validated here). A bare Document (the input's root) can have no AppHdr beside
/// it; in an envelope without an AppHdr before the Document, [`record_own`] walks the input
/// for one after it.
///
/// The result — tree, namespace or error — is exactly the one of [`record_two_passes`] (the
/// Document read, then a quick-xml walk of the envelope for the AppHdr): whenever the one pass
/// fails, or could have recorded a different AppHdr (a CR in its text, which quick-xml keeps
/// and the reader normalises; an element named `Document` inside it, where the two passes
/// would have read that one as the Document), the two passes run instead (tested by
/// `one_pass_records_what_two_passes_record`).
pub(crate) fn record<'a>(
    bytes: &'a [u8],
    limits: &crate::Limits,
    tree: &mut TreeBuilder<'a>,
) -> Result<&'static str, crate::Iso20022Error> {
    if let Ok(read) = crate::parse_any_recording_with_header(bytes, limits, tree) {
        let namespace = read.document.namespace();
        if read.header_recorded {
            if tree.header_as_two_passes_record_it(bytes) {
                return Ok(namespace);
            }
        } else if read.document_is_root {
            return Ok(namespace);
        } else {
            record_own(bytes, tree, &mut Want::Document { document: true, app_header: false })
                .map_err(own_pass_error)?;
            return Ok(namespace);
        }
    }
    tree.clear();
    record_two_passes(bytes, limits, tree)
}

/// [`record`] in two passes: the validating read of the Document, then (in an envelope)
/// [`record_own`] over the input for the AppHdr.
pub(crate) fn record_two_passes<'a>(
    bytes: &'a [u8],
    limits: &crate::Limits,
    tree: &mut TreeBuilder<'a>,
) -> Result<&'static str, crate::Iso20022Error> {
    let namespace = crate::parse_any_recording(bytes, limits, tree)?.namespace();
    if !root_is_document(bytes) {
        record_own(bytes, tree, &mut Want::Document { document: true, app_header: false }).map_err(own_pass_error)?;
    }
    Ok(namespace)
}

/// Whether the input's root element is a `Document` (read up to its start tag only).
fn root_is_document(bytes: &[u8]) -> bool {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => return e.local_name().as_ref() == b"Document",
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// A failure of [`record_own`] on bytes the validating reader accepted (which cannot happen:
/// both read the same XML), as a validation error.
pub(crate) fn own_pass_error(message: String) -> crate::Iso20022Error {
    crate::Iso20022Error::new(crate::Violation {
        rule: crate::Rule::NotWellFormed,
        path: String::new(),
        line: 1,
        column: 1,
        message,
    })
}

/// Split a recorded document into its Document and AppHdr.
pub(crate) fn parsed(tree: TreeBuilder<'_>) -> Result<Parsed<'_>, DecodeError> {
    let document = tree.find("Document").ok_or_else(no_document)?;
    let app_header = tree.find("AppHdr");
    Ok(Parsed { tree: tree.tree, document, app_header })
}

fn no_document() -> DecodeError {
    DecodeError::invalid(Location::default(), "no ISO 20022 Document found")
}

/// Which elements [`record_own`] records (with their subtrees).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Want {
    /// The first `Document` in an ISO 20022 namespace (or none) and the first ISO 20022
    /// `AppHdr` (the flags say which were recorded already).
    Document { document: bool, app_header: bool },
    /// The first element of the input, whatever its name (an AppHdr kept raw).
    Root,
}

impl Want {
    fn wants(&mut self, namespace: &[u8], local: &[u8], depth: usize) -> bool {
        match self {
            Want::Document { document, app_header } => {
                let iso = namespace.starts_with(ISO_PREFIX.as_bytes());
                if local == b"Document" && (iso || namespace.is_empty()) && !*document {
                    *document = true;
                    true
                } else if local == b"AppHdr" && iso && !*app_header {
                    *app_header = true;
                    true
                } else {
                    false
                }
            }
            Want::Root => depth == 0,
        }
    }

    fn done(self) -> bool {
        matches!(self, Want::Document { document: true, app_header: true })
    }
}

/// Record into `tree` the elements `want` names, from one quick-xml pass over `bytes` (which
/// the validating reader has accepted, or which are only mapped, as a streamed AppHdr), with
/// names and plain text borrowed from `bytes`. Stops after what is wanted was found when that
/// is known (a root, a unit).
pub(crate) fn record_own<'a>(bytes: &'a [u8], tree: &mut TreeBuilder<'a>, want: &mut Want) -> Result<(), String> {
    // quick-xml skips a byte-order mark and counts positions after it.
    let (bytes, base) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(body) => (body, 3),
        None => (bytes, 0),
    };
    let mut reader = NsReader::from_reader(bytes);
    let config = reader.config_mut();
    config.trim_text(false);
    config.expand_empty_elements = true;
    let mut depth = 0usize;
    loop {
        let position = offset(reader.buffer_position());
        let (resolved, event) = reader.read_resolved_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(start) => {
                let namespace = match resolved {
                    ResolveResult::Bound(ns) => ns.into_inner(),
                    _ => b"",
                };
                if want.wants(namespace, start.local_name().into_inner(), depth) {
                    record_subtree(&mut reader, (bytes, base), &start, position, tree)?;
                    if matches!(want, Want::Root) || want.done() {
                        return Ok(());
                    }
                } else {
                    depth += 1;
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// The text of the innermost open element, gathered from its pieces (text, CDATA, entity
/// references); dropped when the element turns out to have children.
#[derive(Debug, Default)]
struct PendingText<'a> {
    text: Option<Cow<'a, str>>,
}

impl<'a> PendingText<'a> {
    fn push(&mut self, piece: Cow<'a, str>) {
        match &mut self.text {
            None => self.text = Some(piece),
            Some(text) => text.to_mut().push_str(&piece),
        }
    }
}

/// Record the subtree of the element `start` opened (at byte `position` of `bytes`).
fn record_subtree<'a>(
    reader: &mut NsReader<&'a [u8]>,
    (bytes, base): (&'a [u8], usize),
    start: &BytesStart<'a>,
    position: usize,
    tree: &mut TreeBuilder<'a>,
) -> Result<(), String> {
    record_start((bytes, base), start, position, tree)?;
    // Text of the innermost open element; `None` once it has a child (or none yet).
    let mut pending = PendingText::default();
    let mut depth = 1usize;
    loop {
        let position = offset(reader.buffer_position());
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(start) => {
                pending.text = None;
                record_start((bytes, base), &start, position, tree)?;
                depth += 1;
            }
            Event::Text(text) => pending.push(utf8(text.into_inner())?),
            Event::CData(data) => pending.push(utf8(data.into_inner())?),
            Event::GeneralRef(reference) => {
                let c = resolve_reference(&reference).ok_or_else(|| "unknown entity reference".to_owned())?;
                pending.push(Cow::Owned(c.to_string()));
            }
            Event::End(_) => {
                if let Some(text) = pending.text.take() {
                    tree.text(text);
                }
                tree.end();
                depth -= 1;
                if depth == 0 {
                    return Ok(());
                }
            }
            Event::Eof => return Err("unexpected end of document".to_owned()),
            _ => {}
        }
    }
}

fn utf8(bytes: Cow<'_, [u8]>) -> Result<Cow<'_, str>, String> {
    match bytes {
        Cow::Borrowed(b) => std::str::from_utf8(b).map(Cow::Borrowed).map_err(|e| e.to_string()),
        Cow::Owned(b) => String::from_utf8(b).map(Cow::Owned).map_err(|e| e.to_string()),
    }
}

/// Record a start tag and its attributes (namespace declarations left out), names borrowed
/// from `bytes`: the tag's content is `bytes[position + 1..]` for as long as `start` is (the
/// tree counts offsets from `base` bytes before `bytes`).
fn record_start<'a>(
    (bytes, base): (&'a [u8], usize),
    start: &BytesStart<'_>,
    position: usize,
    tree: &mut TreeBuilder<'a>,
) -> Result<(), String> {
    let content = position
        .checked_add(1)
        .and_then(|from| bytes.get(from..from.checked_add(start.len())?))
        .filter(|content| *content == &**start)
        .ok_or_else(|| "start tag not where the reader reported it".to_owned())?;
    let content = std::str::from_utf8(content).map_err(|e| e.to_string())?;
    let name_len = start.name().as_ref().len();
    let name = content.get(..name_len).unwrap_or_default();
    let local = name.find(':').and_then(|colon| name.get(colon + 1..)).unwrap_or(name);
    tree.start(local, position + base);
    if content.len() > name_len {
        for attribute in XmlAttributes::new(content, name_len) {
            let attribute = attribute.map_err(|e| e.to_string())?;
            let key = attribute.key.as_ref();
            if key == b"xmlns" || key.starts_with(b"xmlns:") {
                continue;
            }
            let key = std::str::from_utf8(attribute.key.local_name().into_inner()).map_err(|e| e.to_string())?;
            tree.attribute(key, attribute.unescape_value().map_err(|e| e.to_string())?);
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::{TreeBuilder, Want, parsed, record_own};

    fn recorded(xml: &[u8]) -> TreeBuilder<'_> {
        let mut tree = TreeBuilder::new(xml, 1);
        record_own(xml, &mut tree, &mut Want::Document { document: false, app_header: false }).unwrap();
        tree
    }

    #[test]
    fn records_names_text_attributes_and_lines_through_an_envelope() {
        let xml = "\u{FEFF}<Env xmlns:h=\"urn:iso:std:iso:20022:tech:xsd:head.001.001.02\">\n\
            <h:AppHdr><h:BizMsgIdr>B1</h:BizMsgIdr></h:AppHdr>\n\
            <d:Document xmlns:d=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\">\n\
            <d:A><d:Amt Ccy=\"EUR\">1.50</d:Amt><d:T>x &amp; y<![CDATA[ <z> ]]>&#33;</d:T>\n\
            <d:R>1</d:R><d:R>2</d:R><d:S/></d:A></d:Document></Env>";
        let parsed = parsed(recorded(xml.as_bytes())).unwrap();
        let header = parsed.app_header().unwrap();
        assert_eq!(header.name(), "AppHdr");
        assert_eq!(header.child_text("BizMsgIdr"), Some("B1"));
        let document = parsed.document().unwrap();
        let a = document.child("A").unwrap();
        let amount = a.child("Amt").unwrap();
        assert_eq!((amount.text(), amount.attr("Ccy")), ("1.50", Some("EUR")));
        assert_eq!(a.child_text("T"), Some("x & y <z> !"));
        assert_eq!(a.location("/A").line, Some(4));
        assert_eq!(a.child("R").unwrap().location("/R").line, Some(5));
        // Unread: the second R (indexed, as its name repeats) and S, top-most only.
        document.mark();
        let mut losses = Vec::new();
        document.losses("", &mut losses);
        let paths: Vec<_> = losses.iter().map(|l| l.path.clone()).collect();
        assert_eq!(paths, ["/Document/A/R[2]", "/Document/A/S"]);
    }

    #[test]
    fn an_unread_subtree_is_one_loss_and_always_indexed_units_carry_their_index() {
        let xml = b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><R>\
            <Stmt><Id>1</Id><Ntry><A>1</A><B><C>2</C></B></Ntry></Stmt></R></Document>";
        let parsed = parsed(recorded(xml)).unwrap();
        let document = parsed.document().unwrap();
        document.mark();
        let statement = document.child("R").unwrap().child("Stmt").unwrap();
        statement.child("Id").unwrap().text();
        statement.child("Ntry").unwrap().child("A").unwrap().approximate("kept approximately");
        let mut losses = Vec::new();
        document.losses("", &mut losses);
        let shown: Vec<_> = losses.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "approximated /Document/R/Stmt[1]/Ntry[1]/A: kept approximately",
                "dropped /Document/R/Stmt[1]/Ntry[1]/B: no canonical field for B (1 child elements)",
            ]
        );
    }

    /// Every node of the root `name`'s subtree (positions relative to it), to compare trees.
    fn dump(tree: &TreeBuilder<'_>, name: &str) -> Vec<String> {
        let Some(root) = tree.find(name) else { return Vec::new() };
        let end = tree.tree.nodes[root].end;
        tree.tree.nodes[root..end]
            .iter()
            .map(|n| {
                let attrs = &tree.tree.attrs[n.attrs_from..n.attrs_from + n.attrs_len];
                format!("{}|{:?}|{}|{}|{attrs:?}", n.name, n.text, n.end - root, n.offset)
            })
            .collect()
    }

    /// `record` (the AppHdr recorded while the reader passes it) gives exactly what the two
    /// passes give — tree, namespace, error — on the corpus, our fixtures and envelopes edited
    /// where the two could differ (a CR in the header's text, a `Document` inside it, an
    /// AppHdr after the Document or of another version, hostile content in it).
    #[test]
    fn one_pass_records_what_two_passes_record() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
        let mut dirs = vec![root.join("../shared/corpus/iso20022"), root.join("fixtures/iso20022")];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "xml") {
                    inputs.push((path.display().to_string(), std::fs::read(&path).unwrap()));
                }
            }
        }
        let envelope = "<Envelope xmlns=\"urn:swift:xsd:envelope\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n\
            <h:AppHdr xmlns:h=\"urn:iso:std:iso:20022:tech:xsd:head.001.001.02\">\n\
            <h:Fr><h:FIId><h:FinInstnId><h:BICFI>NDEAFIHHXXX</h:BICFI></h:FinInstnId></h:FIId></h:Fr>\n\
            <h:To><h:FIId><h:FinInstnId><h:BICFI>HELSFIHHXXX</h:BICFI></h:FinInstnId></h:FIId></h:To>\n\
            <h:BizMsgIdr>B1</h:BizMsgIdr><h:MsgDefIdr>pacs.008.001.08</h:MsgDefIdr>\n\
            <h:BizSvc>svc</h:BizSvc><h:CreDt>2021-04-09T07:20:00+00:00</h:CreDt>\n\
            </h:AppHdr>\n\
            <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\"><FIToFICstmrCdtTrf><GrpHdr>\
            <MsgId>M1</MsgId><CreDtTm>2021-04-09T07:20:00</CreDtTm><NbOfTxs>1</NbOfTxs>\
            <SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf></GrpHdr><CdtTrfTxInf><PmtId><EndToEndId>E1</EndToEndId>\
            </PmtId><IntrBkSttlmAmt Ccy=\"EUR\">1.00</IntrBkSttlmAmt><ChrgBr>DEBT</ChrgBr><Dbtr><Nm>A</Nm></Dbtr>\
            <DbtrAgt><FinInstnId><BICFI>NDEAFIHHXXX</BICFI></FinInstnId></DbtrAgt><CdtrAgt><FinInstnId>\
            <BICFI>HELSFIHHXXX</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>B</Nm></Cdtr></CdtTrfTxInf>\
            </FIToFICstmrCdtTrf></Document>\n</Envelope>\n";
        let header_start = envelope.find("<h:AppHdr").unwrap();
        let header_end = envelope.find("</h:AppHdr>").unwrap() + "</h:AppHdr>".len();
        let header = &envelope[header_start..header_end];
        let without_header = format!("{}{}", &envelope[..header_start], &envelope[header_end..]);
        let edits: Vec<String> = vec![
            envelope.to_owned(),
            envelope.replace('\n', "\r\n"),
            envelope.replace("svc</h:BizSvc>", "s\r\nvc</h:BizSvc>"),
            envelope.replace("<h:BizSvc>", "<Document xmlns=\"\"><X/></Document><h:BizSvc>"),
            envelope.replace("<h:BizSvc>", "<h:X><h:Document/></h:X><h:BizSvc>"),
            envelope.replace("<h:AppHdr ", "<h:AppHdr foo=\"1\" "),
            envelope.replace("<h:AppHdr ", "<h:AppHdr xsi:schemaLocation=\"x y\" "),
            envelope.replace("<h:Fr>", "junk<h:Fr>"),
            envelope.replace("<h:Fr>", "&amp;<h:Fr>"),
            envelope.replace("<h:Fr>", "<h:Fr a=\"x&amp;y\" h:b=\"2\">"),
            envelope.replace("<h:Fr>", "<h:Fr a=\"1\" a=\"2\">"),
            envelope.replace("<h:Fr>", "<h:Fr a=\"&bogus;\">"),
            envelope.replace(">svc<", ">s&amp;v&#x63;<![CDATA[<x>]]><!--c-->d<"),
            envelope.replace(">svc<", ">&bogus;<"),
            envelope.replace(">svc<", ">s\u{1}c<"),
            envelope.replace(">svc<", "><?pi x?><"),
            envelope.replace(">svc<", "><zz:Foo/><"),
            envelope.replace(">svc<", ">  <"),
            envelope.replace(">B1<", ">B1 is far too long for its maximum length of thirty-five<"),
            envelope.replace(">NDEAFIHHXXX<", ">nordea<"),
            envelope.replace("<h:BizSvc>svc</h:BizSvc>", "<h:BizSvc/>"),
            envelope.replace("head.001.001.02", "head.001.001.01"),
            envelope.replace("urn:iso:std:iso:20022:tech:xsd:head.001.001.02", "urn:other"),
            envelope.replace(header, &format!("<Hdr>{header}</Hdr>")),
            envelope.replace(
                header,
                &format!("<h:AppHdr xmlns:h=\"urn:iso:std:iso:20022:tech:xsd:head.001.001.02\"/>{header}"),
            ),
            without_header.clone(),
            without_header.replace("</Envelope>", &format!("{header}</Envelope>")),
            envelope.replace(">M1<", ">M1 is far too long for its maximum length of thirty-five<"),
            envelope.replace("</h:AppHdr>", "</h:AppHdr><Document xmlns=\"urn:other\"/>"),
            envelope.replace("</Envelope>", "</Envelope><More/>"),
            format!("\u{FEFF}{envelope}"),
        ];
        assert!(edits.iter().skip(1).all(|e| e != envelope), "every edit changes the envelope");
        inputs.extend(edits.into_iter().enumerate().map(|(i, e)| (format!("edit {i}"), e.into_bytes())));
        let limits = crate::Limits::default();
        // The plain envelope takes the one pass (else this test would compare a path with itself).
        let mut one = TreeBuilder::new(envelope.as_bytes(), 1);
        let read = crate::parse_any_recording_with_header(envelope.as_bytes(), &limits, &mut one).unwrap();
        assert!(read.header_recorded && one.header_as_two_passes_record_it(envelope.as_bytes()));
        let (mut headers, mut one_pass) = (0, 0);
        for (name, bytes) in &inputs {
            let mut one = TreeBuilder::new(bytes, 1);
            let mut two = TreeBuilder::new(bytes, 1);
            let got = super::record(bytes, &limits, &mut one).map_err(|e| format!("{e:?}"));
            let want = super::record_two_passes(bytes, &limits, &mut two).map_err(|e| format!("{e:?}"));
            assert_eq!(got, want, "{name}");
            if want.is_ok() {
                assert_eq!(dump(&one, "Document"), dump(&two, "Document"), "{name}: Document");
                assert_eq!(dump(&one, "AppHdr"), dump(&two, "AppHdr"), "{name}: AppHdr");
                headers += usize::from(!dump(&two, "AppHdr").is_empty());
                let mut probe = TreeBuilder::new(bytes, 1);
                one_pass += usize::from(
                    crate::parse_any_recording_with_header(bytes, &limits, &mut probe)
                        .is_ok_and(|read| read.header_recorded && probe.header_as_two_passes_record_it(bytes)),
                );
            }
        }
        assert!(headers >= 8, "only {headers} inputs with a recorded AppHdr");
        assert!(one_pass >= 8, "only {one_pass} inputs with the AppHdr recorded in one pass");
        println!("{headers} inputs with an AppHdr, {one_pass} of them recorded in one pass");
    }

    /// A mapping error (not a schema violation: `ZZZ` has the shape of a currency code but is
    /// none) is located on the line of its element, counted from the offset, both in the
    /// whole-document decode and in the streaming reader (whose units start mid-file).
    #[test]
    fn mapping_errors_carry_the_line_of_their_element_whole_and_streamed() {
        use payglot_core_model::{Codec, DecodeLimits};
        let xml = "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n\
            <BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-01T10:00:00</CreDtTm></GrpHdr>\n\
            <Stmt><Id>S1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>\n\
            <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">10.00</Amt>\n\
            <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>\n\
            <Ntry>\n<Amt Ccy=\"ZZZ\">1.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\n\
            <BkTxCd><Prtry><Cd>X</Cd></Prtry></BkTxCd></Ntry>\n\
            </Stmt></BkToCstmrStmt></Document>\n";
        let limits = DecodeLimits::default();
        let whole = crate::Iso20022Codec::new(crate::IsoMessage::Camt053V08).decode(xml.as_bytes(), &limits);
        let whole = whole.expect_err("ZZZ is not a currency");
        assert!(whole.message().contains("ZZZ"), "{whole}");
        assert_eq!(whole.location().line, Some(8), "{whole}");
        let mut reader = crate::StatementReader::new(xml.as_bytes(), &limits).expect("the header reads");
        let streamed = loop {
            match reader.next_event() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("the entry must fail"),
                Err(error) => break error,
            }
        };
        assert_eq!((streamed.location().line, streamed.message()), (Some(8), whole.message()), "{streamed}");
    }
}

//! The record hook: what a validating read saw, element by element, in document order, for a
//! caller that maps a document generically (the ISO 20022 codec's element tree) and must not
//! tokenize the same bytes a second time to do it.

use std::borrow::Cow;

/// Receives, in document order, the elements, attributes and text a validating [`Reader`]
/// reads — the same events the typed value was built from, so the record and the typed value
/// cannot disagree.
///
/// Names are local names (the reader has already checked their namespaces); they and any text
/// that needed no unescaping borrow from the input. `offset` is the byte offset of the start
/// tag's `<` in the input, from which a caller computes a line only when it needs one.
///
/// [`Reader`]: crate::Reader
pub trait Recorder<'a> {
    /// An element starts.
    fn start(&mut self, local_name: &'a str, offset: usize);
    /// An attribute of the element just started (after its `start`, before its content);
    /// namespace declarations are not reported.
    fn attribute(&mut self, local_name: &'a str, value: Cow<'a, str>);
    /// Text content of the current element (entities and character references resolved,
    /// CDATA included, line ends normalised), at most once per element, just before its
    /// `end`: the concatenation of the element's direct text, unless it is empty, or only
    /// whitespace in an element with child elements (indentation). Only `xs:any` content can
    /// have both text and child elements (mixed content).
    fn text(&mut self, text: Cow<'a, str>);
    /// The current element ends.
    fn end(&mut self);
}

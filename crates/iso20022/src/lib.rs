//! payglot-iso20022: generated ISO 20022 message types with validating readers and writers.
//!
//! Each message version is a module of [`generated`] behind a cargo feature (all on by
//! default): `pacs_008_001_08::Document::from_xml(bytes, &Limits::default())` reads a document
//! (bare or inside an envelope) and checks every XSD facet while reading; `to_xml` writes it
//! back. [`parse_any`] finds the `Document` in any supported envelope and dispatches on its
//! namespace; [`parse_any_recording`] also reports every element it read to a
//! [`rt::Recorder`] (one pass for a caller that maps the document generically). Most users want the `payglot` crate, which maps these types to the canonical model.
//!
//! ```
//! use payglot_iso20022::{Limits, parse_any, AnyDocument};
//! let xml = br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"/>"#;
//! let err = parse_any(xml, &Limits::default()).unwrap_err();
//! assert_eq!(err.violations()[0].message, "unsupported version camt.053.001.04");
//! ```

#[rustfmt::skip]
#[allow(missing_docs, dead_code, non_camel_case_types, clippy::all, clippy::pedantic, unreachable_pub)]
pub mod generated;
pub mod codec;
/// The generated code's runtime (reader, writer, values, limits, errors), re-exported so
/// `payglot_iso20022::rt::...` paths keep working.
pub use payglot_xsd_runtime as rt;

pub use codec::{Iso20022Codec, IsoMessage, StatementEvent, StatementReader, StatementWriter, codecs, sniff};
pub use generated::AnyDocument;
#[cfg(feature = "camt_053_001_02")]
pub use generated::camt_053_001_02;
#[cfg(feature = "camt_053_001_08")]
pub use generated::camt_053_001_08;
#[cfg(feature = "camt_054_001_02")]
pub use generated::camt_054_001_02;
#[cfg(feature = "camt_054_001_08")]
pub use generated::camt_054_001_08;
#[cfg(feature = "head_001_001_02")]
pub use generated::head_001_001_02;
#[cfg(feature = "pacs_002_001_10")]
pub use generated::pacs_002_001_10;
#[cfg(feature = "pacs_004_001_09")]
pub use generated::pacs_004_001_09;
#[cfg(feature = "pacs_008_001_08")]
pub use generated::pacs_008_001_08;
#[cfg(feature = "pain_001_001_03")]
pub use generated::pain_001_001_03;
#[cfg(feature = "pain_001_001_09")]
pub use generated::pain_001_001_09;
#[cfg(feature = "pain_002_001_03")]
pub use generated::pain_002_001_03;
#[cfg(feature = "pain_002_001_10")]
pub use generated::pain_002_001_10;
pub use rt::{Limits, Rule, Violation};

/// A rejected ISO 20022 document: one or more [`Violation`]s (the runtime's [`rt::Error`]).
pub type Iso20022Error = rt::Error;

/// Namespace prefix of ISO 20022 message schemas.
pub const ISO_NS_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:";

/// Find the ISO 20022 `Document` in `bytes` — bare, or inside a SWIFT `urn:swift:xsd:envelope`,
/// a FedNow `FedNowIncoming`/`FedNowOutgoing`, an SAA `DataPDU` or any element holding an
/// AppHdr + Document pair — and read it by its namespace (namespace + local name, never text).
///
/// A Document of a version this build does not generate (or whose feature is off) gives a
/// [`Rule::UnsupportedVersion`] error "unsupported version X".
pub fn parse_any(bytes: &[u8], limits: &Limits) -> Result<AnyDocument, Iso20022Error> {
    let mut r = rt::Reader::new(bytes, limits)?;
    let ns = r.locate(is_document, "Document")?;
    match generated::read_document(&ns, &mut r) {
        Some(res) => res,
        None => Err(unsupported(&r, &ns)),
    }
}

/// [`parse_any`], recording: on success `rec` has received the `Document` element's subtree
/// — its own start first, then every element (local name, byte offset of its `<`), attribute
/// (not namespace declarations), text and end, `SupplementaryData`'s `xs:any` content element
/// by element — in document order, from the same single tokenization that validated and built
/// the typed value (see [`rt::Recorder`] for what text is reported). Envelope elements around
/// the Document and an `AppHdr` beside it are not recorded (see [`parse_app_header_recording`]).
/// On an error, `rec` receives nothing and the error is the one [`parse_any`] gives.
///
/// ```
/// use payglot_iso20022::{Limits, parse_any_recording, rt::Recorder};
/// use std::borrow::Cow;
/// #[derive(Default)]
/// struct Names(Vec<String>);
/// impl<'a> Recorder<'a> for Names {
///     fn start(&mut self, name: &'a str, _offset: usize) { self.0.push(name.to_owned()) }
///     fn attribute(&mut self, name: &'a str, value: Cow<'a, str>) { self.0.push(format!("@{name}={value}")) }
///     fn text(&mut self, text: Cow<'a, str>) { self.0.push(text.into_owned()) }
///     fn end(&mut self) { self.0.push("/".into()) }
/// }
/// let xml = br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"/>"#;
/// let mut names = Names::default();
/// assert!(parse_any_recording(xml, &Limits::default(), &mut names).is_err());
/// assert!(names.0.is_empty());
/// ```
pub fn parse_any_recording<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    rec: &mut dyn rt::Recorder<'a>,
) -> Result<AnyDocument, Iso20022Error> {
    let mut r = rt::Reader::new(bytes, limits)?;
    let ns = r.locate(is_document, "Document")?;
    r.record();
    let document = match generated::read_document(&ns, &mut r) {
        Some(res) => res?,
        None => return Err(unsupported(&r, &ns)),
    };
    r.replay(rec);
    Ok(document)
}

/// What [`parse_any_recording_with_header`] read, beside the typed Document.
#[derive(Debug)]
pub(crate) struct RecordedInput {
    /// The typed Document (validated).
    pub(crate) document: AnyDocument,
    /// An ISO 20022 `AppHdr` came before the Document and was recorded (before it).
    pub(crate) header_recorded: bool,
    /// The Document is the input's root element (so no AppHdr can be beside it).
    pub(crate) document_is_root: bool,
}

/// [`parse_any_recording`] that also records, in the same pass, the first ISO 20022 `AppHdr`
/// (any head.001 version) the reader passes on its way to the Document: `rec` receives the
/// AppHdr's subtree, then the Document's. A head.001.001.02 AppHdr is validated by its
/// generated reader, one of another version is read as `xs:any` content is (element by
/// element: well-formedness, attributes, references and the limits checked; no schema), so
/// an error may be one [`parse_any_recording`] would not give: on an error, a caller wanting
/// [`parse_any_recording`]'s exact result and error reads again with it (the codec does, see
/// `codec::tree::record`). An AppHdr after the Document is not looked for.
pub(crate) fn parse_any_recording_with_header<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    rec: &mut dyn rt::Recorder<'a>,
) -> Result<RecordedInput, Iso20022Error> {
    let mut r = rt::Reader::new(bytes, limits)?;
    // Whether the element `locate` stopped at is a header (else a Document).
    let header = std::cell::Cell::new(false);
    let want = |ns: &[u8], local: &[u8]| {
        header.set(is_app_header(ns, local));
        header.get() || is_document(ns, local)
    };
    r.record();
    let mut ns = r.locate(want, "Document")?;
    let header_recorded = header.get();
    if header_recorded {
        // head.001.001.02 (the usual header) through its generated reader, which reads it
        // faster than `xs:any` content is read (its leaves in one step); a header that breaks
        // its schema fails here, and the caller reads again (see above).
        #[cfg(feature = "head_001_001_02")]
        if ns == head_001_001_02::NAMESPACE {
            r.read_located_element::<head_001_001_02::BusinessApplicationHeaderV02>()?;
        } else {
            r.read_located_element::<AnyHeader>()?;
        }
        #[cfg(not(feature = "head_001_001_02"))]
        r.read_located_element::<AnyHeader>()?;
        ns = r.locate(is_document, "Document")?;
    }
    let document_is_root = r.located_depth() == 0;
    let document = match generated::read_document(&ns, &mut r) {
        Some(res) => res?,
        None => return Err(unsupported(&r, &ns)),
    };
    r.replay(rec);
    Ok(RecordedInput { document, header_recorded, document_is_root })
}

/// What [`parse_typed_with_header`] read: the typed Document (of the type asked for) and the
/// head.001.001.02 AppHdr that came before it in an envelope, if any.
#[cfg(typed_codecs)]
#[derive(Debug)]
pub(crate) struct TypedInput<D> {
    /// The AppHdr before the Document (validated by its generated reader).
    pub(crate) header: Option<Box<head_001_001_02::BusinessApplicationHeaderV02>>,
    /// The typed Document (validated).
    pub(crate) document: D,
}

/// The typed values the codec's one-pass decode maps, read without recording: a bare
/// Document of type `D` (the input's root), or an envelope whose ISO 20022 AppHdr
/// (head.001.001.02) comes before such a Document — both through their generated readers in
/// one tokenization, as [`parse_any_recording_with_header`] reads them. `None` for everything
/// else (an AppHdr of another version, an envelope without an AppHdr before the Document, a
/// Document of another namespace, any error): the codec then decodes through its element
/// tree, which decides those cases. Only `D`'s reader runs (a Document of another namespace
/// is not read at all) and the value is `D` itself, not the enum of every message type
/// ([`generated::AnyDocument`], as large as the largest of them), so no more than `D` is
/// moved on the way to the mapping.
#[cfg(typed_codecs)]
pub(crate) fn parse_typed_with_header<D: rt::RootElement>(bytes: &[u8], limits: &Limits) -> Option<TypedInput<D>> {
    let mut r = rt::Reader::new(bytes, limits).ok()?;
    let header = std::cell::Cell::new(false);
    let want = |ns: &[u8], local: &[u8]| {
        header.set(is_app_header(ns, local));
        header.get() || is_document(ns, local)
    };
    let mut ns = r.locate(want, "Document").ok()?;
    let mut app_header = None;
    if header.get() {
        if ns != head_001_001_02::NAMESPACE {
            return None;
        }
        app_header = Some(Box::new(r.read_located_element::<head_001_001_02::BusinessApplicationHeaderV02>().ok()?));
        ns = r.locate(is_document, "Document").ok()?;
    } else if r.located_depth() != 0 {
        return None;
    }
    if ns != D::NAMESPACE {
        return None;
    }
    let document = r.read_located::<D>().ok()?;
    Some(TypedInput { header: app_header, document })
}

/// An `AppHdr` of any version read as it stands: its children as `xs:any` content (recorded
/// element by element when recording), nothing checked against a schema.
struct AnyHeader;

impl rt::ComplexValue for AnyHeader {
    fn read(r: &mut rt::Reader<'_>) -> Result<Self, Iso20022Error> {
        r.many_any(0, 0)?;
        Ok(AnyHeader)
    }

    fn write(&self, _w: &mut rt::Writer) {}
}

impl rt::RootElement for AnyHeader {
    // Its children are read as `xs:any` (any namespace); the located start tag was chosen by
    // `locate` for its ISO 20022 namespace.
    const NAMESPACE: &'static str = "";
    const ELEMENT: &'static str = "AppHdr";
}

/// Read and record the ISO 20022 business application header (`AppHdr`, head.001.001.02)
/// that accompanies a `Document` in an envelope: `Ok(None)` when there is none (a bare
/// Document — found without reading past its start tag — or an envelope without an AppHdr).
/// On success with a header, `rec` has received the `AppHdr` subtree as
/// [`parse_any_recording`] reports the Document's. Only the header (and what precedes it) is
/// validated: call [`parse_any_recording`] for the Document and the rest of the input. An
/// AppHdr after the Document is found too, at the cost of tokenizing the Document once more.
/// An AppHdr of another head.001 version gives [`Rule::UnsupportedVersion`].
#[cfg(feature = "head_001_001_02")]
pub fn parse_app_header_recording<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    rec: &mut dyn rt::Recorder<'a>,
) -> Result<Option<head_001_001_02::BusinessApplicationHeaderV02>, Iso20022Error> {
    use rt::RootElement as _;
    let mut r = rt::Reader::new(bytes, limits)?;
    // Whether the element `locate` stopped at is a header (else a Document).
    let header = std::cell::Cell::new(false);
    let want = |ns: &[u8], local: &[u8]| {
        header.set(is_app_header(ns, local));
        header.get() || is_document(ns, local)
    };
    loop {
        let ns = match r.locate(want, "AppHdr") {
            Ok(ns) => ns,
            Err(e) if e.violations().first().is_some_and(|v| v.rule == Rule::NoDocument) => return Ok(None),
            Err(e) => return Err(e),
        };
        if header.get() {
            if ns != head_001_001_02::BusinessApplicationHeaderV02::NAMESPACE {
                return Err(unsupported(&r, &ns));
            }
            r.record();
            let header = r.read_located_element::<head_001_001_02::BusinessApplicationHeaderV02>()?;
            r.replay(rec);
            return Ok(Some(header));
        }
        // A Document: a root Document has no AppHdr beside it; in an envelope, look on.
        if r.located_depth() == 0 {
            return Ok(None);
        }
        r.skip_located()?;
    }
}

/// Validate the `Document` in `bytes` (found as [`parse_any`] finds it) and report every
/// violation, up to `max_violations` (at least 1): facet and datatype violations are collected
/// while reading goes on; a structural error (missing or unexpected element, malformed XML, a
/// limit, an unsupported version) ends the list. `Ok(())` when the document is valid.
///
/// ```
/// use payglot_iso20022::{Limits, validate_any};
/// let xml = br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"/>"#;
/// let err = validate_any(xml, &Limits::default(), 100).unwrap_err();
/// assert_eq!(err.violations()[0].rule.as_str(), "unsupported-version");
/// ```
pub fn validate_any(bytes: &[u8], limits: &Limits, max_violations: usize) -> Result<(), Iso20022Error> {
    let mut r = rt::Reader::new(bytes, limits)?;
    r.collect_violations(max_violations.max(1));
    let ns = r.locate(is_document, "Document")?;
    match generated::read_document(&ns, &mut r) {
        Some(res) => res.map(|_| ()),
        None => Err(unsupported(&r, &ns)),
    }
}

/// Namespace of the first ISO 20022 `Document` in `bytes` (through envelopes), without
/// validating it. Useful for detection.
pub fn document_namespace(bytes: &[u8], limits: &Limits) -> Result<String, Iso20022Error> {
    let mut r = rt::Reader::new(bytes, limits)?;
    r.locate(is_document, "Document")
}

/// The first `Document` element, whatever its namespace, outside any `AppHdr`.
fn is_document(_ns: &[u8], local: &[u8]) -> bool {
    local == b"Document"
}

/// An ISO 20022 business application header (`AppHdr` of any head.001 version).
fn is_app_header(ns: &[u8], local: &[u8]) -> bool {
    local == b"AppHdr" && ns.starts_with(ISO_NS_PREFIX.as_bytes())
}

/// Error for a located Document whose namespace no enabled module handles.
fn unsupported(r: &rt::Reader<'_>, ns: &str) -> Iso20022Error {
    match ns.strip_prefix(ISO_NS_PREFIX) {
        Some(version) => r.error_here(Rule::UnsupportedVersion, format!("unsupported version {version}")),
        None if ns.is_empty() => r.error_here(Rule::UnknownNamespace, "Document has no namespace".into()),
        None => r.error_here(Rule::UnknownNamespace, format!("unknown namespace {ns}")),
    }
}

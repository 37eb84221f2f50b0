//! SOAP 1.1 and 1.2 envelopes: reading (version by namespace, `VersionMismatch` for any other,
//! at most one `Header` before exactly one `Body` holding exactly one element, `mustUnderstand`
//! checking) and writing. The body's element is handed out byte-exact, so signed content keeps
//! its signature; header blocks likewise.

use std::fmt;

use payglot_core_model::{DecodeError, DecodeLimits, Location};

use crate::fault::{self, Fault, FaultCode};
use crate::xml::{self, Document, Element};
use crate::{NS_SOAP11, NS_SOAP12};

/// A SOAP version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SoapVersion {
    /// SOAP 1.1 (`http://schemas.xmlsoap.org/soap/envelope/`).
    V1_1,
    /// SOAP 1.2 (`http://www.w3.org/2003/05/soap-envelope`).
    V1_2,
}

impl SoapVersion {
    /// The envelope namespace.
    pub fn namespace(self) -> &'static str {
        match self {
            Self::V1_1 => NS_SOAP11,
            Self::V1_2 => NS_SOAP12,
        }
    }

    /// The version of an envelope namespace.
    pub fn from_namespace(ns: &str) -> Option<Self> {
        match ns {
            NS_SOAP11 => Some(Self::V1_1),
            NS_SOAP12 => Some(Self::V1_2),
            _ => None,
        }
    }

    /// The prefix this crate writes.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Self::V1_1 => "soap",
            Self::V1_2 => "env",
        }
    }

    /// The media type of the version: `text/xml` (1.1) or `application/soap+xml` (1.2).
    pub fn media_type(self) -> &'static str {
        match self {
            Self::V1_1 => "text/xml",
            Self::V1_2 => "application/soap+xml",
        }
    }
}

/// One header block, kept byte-exact.
#[derive(Clone, PartialEq, Eq)]
pub struct HeaderBlock {
    /// Namespace of the block's element.
    pub namespace: Option<String>,
    /// Local name of the block's element.
    pub local_name: String,
    /// `mustUnderstand="1"` (or `"true"` in SOAP 1.2).
    pub must_understand: bool,
    /// SOAP 1.1 `actor` / SOAP 1.2 `role`, where given.
    pub role: Option<String>,
    /// The block exactly as received.
    pub raw: String,
    /// The block with the namespace declarations of its scope added, so it parses alone.
    pub standalone: String,
}

impl fmt::Debug for HeaderBlock {
    // Header blocks carry credentials (WS-Security): never print their content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderBlock")
            .field("namespace", &self.namespace)
            .field("local_name", &self.local_name)
            .field("must_understand", &self.must_understand)
            .field("role", &self.role)
            .field("bytes", &self.raw.len())
            .finish()
    }
}

/// The one element of a body that is not a fault.
#[derive(Clone, PartialEq, Eq)]
pub struct Payload {
    /// Namespace of the element.
    pub namespace: Option<String>,
    /// Local name of the element.
    pub local_name: String,
    /// The element exactly as received (signed content stays verifiable).
    pub raw: String,
    /// The element with the namespace declarations of its scope added, so it parses alone.
    /// Equal to `raw` when the element declares everything it uses.
    pub standalone: String,
    /// Line and column of the element's start in the envelope.
    pub(crate) position: (u64, u64),
    pub(crate) element: Element,
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field("namespace", &self.namespace)
            .field("local_name", &self.local_name)
            .field("bytes", &self.raw.len())
            .finish()
    }
}

/// What the body holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// A request or response element.
    Payload(Payload),
    /// A fault (whatever the HTTP status it came with).
    Fault(Fault),
}

/// A parsed SOAP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapMessage {
    /// The version, from the envelope namespace.
    pub version: SoapVersion,
    /// Header blocks, in order.
    pub headers: Vec<HeaderBlock>,
    /// The body's single element.
    pub body: Body,
}

/// A failure to read an envelope, with the fault a server should answer it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapError {
    /// The fault class: `VersionMismatch`, `MustUnderstand`, or `Sender` for everything else.
    pub code: FaultCode,
    /// What went wrong.
    pub error: Box<DecodeError>,
    /// The version to answer in (1.1 when the envelope's own was not recognised, as SOAP 1.2
    /// section 5.4.7 allows; a 1.2 receiver adds an `Upgrade` header, which callers may do).
    pub version: SoapVersion,
}

impl SoapError {
    fn sender(error: DecodeError, version: SoapVersion) -> Self {
        Self { code: FaultCode::Sender, error: Box::new(error), version }
    }

    /// The fault to answer with.
    pub fn to_fault(&self) -> Fault {
        let mut fault = Fault::from_decode_error(&self.error, self.version);
        if self.code != FaultCode::Sender {
            fault.code = self.code.clone();
        }
        fault
    }
}

impl fmt::Display for SoapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.local_name(self.version), self.error)
    }
}

impl std::error::Error for SoapError {}

impl From<SoapError> for DecodeError {
    fn from(error: SoapError) -> Self {
        *error.error
    }
}

fn must_understand(element: &Element, version: SoapVersion) -> bool {
    match element.attr(Some(version.namespace()), "mustUnderstand") {
        Some(value) => match version {
            SoapVersion::V1_1 => value.trim() == "1",
            SoapVersion::V1_2 => matches!(value.trim(), "1" | "true"),
        },
        None => false,
    }
}

/// SOAP 1.1 `actor` / 1.2 `role` URIs that address the ultimate receiver (us).
fn targets_us(role: Option<&str>, version: SoapVersion) -> bool {
    matches!(
        (role, version),
        (None, _)
            | (Some("http://schemas.xmlsoap.org/soap/actor/next"), SoapVersion::V1_1)
            | (
                Some(
                    "http://www.w3.org/2003/05/soap-envelope/role/next"
                        | "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver"
                ),
                SoapVersion::V1_2
            )
    )
}

/// Read an envelope of either version. Checks structure, not `mustUnderstand` (call
/// [`SoapMessage::check_must_understand`] with the header blocks you process).
pub fn parse_envelope(input: &[u8], limits: &DecodeLimits) -> Result<SoapMessage, SoapError> {
    let doc = xml::parse(input, limits).map_err(|e| SoapError::sender(e, SoapVersion::V1_1))?;
    from_document(doc)
}

pub(crate) fn from_document(doc: Document<'_>) -> Result<SoapMessage, SoapError> {
    from_document_with(doc, true)
}

/// [`from_document`] for a caller that has read the body's element already: the payload's
/// `raw` and `standalone` texts are left empty (no copies of the body).
pub(crate) fn from_document_read(doc: Document<'_>) -> Result<SoapMessage, SoapError> {
    from_document_with(doc, false)
}

fn from_document_with(mut doc: Document<'_>, payload_text: bool) -> Result<SoapMessage, SoapError> {
    let body_index = doc.root.children.iter().position(|c| c.local == "Body");
    let doc = &mut doc;
    let root = &doc.root;
    let version = match (root.local.as_str(), root.ns.as_deref().and_then(SoapVersion::from_namespace)) {
        ("Envelope", Some(version)) => version,
        ("Envelope", None) => {
            return Err(SoapError {
                code: FaultCode::VersionMismatch,
                error: Box::new(DecodeError::unsupported(
                    doc.location("/Envelope", root.start),
                    format!(
                        "envelope namespace {:?} is neither SOAP 1.1 nor SOAP 1.2",
                        root.ns.as_deref().unwrap_or("")
                    ),
                )),
                version: SoapVersion::V1_1,
            });
        }
        _ => {
            return Err(SoapError::sender(
                DecodeError::invalid(
                    doc.location("/", root.start),
                    format!("root element is {}, not a SOAP Envelope", root.display_name()),
                ),
                SoapVersion::V1_1,
            ));
        }
    };
    let ns = version.namespace();
    let invalid = |path: &str, at: usize, message: String| {
        SoapError::sender(DecodeError::invalid(doc.location(path, at), message), version)
    };
    if !root.text_is_blank() {
        return Err(invalid("/Envelope", root.start, "text directly inside the Envelope".to_owned()));
    }
    let mut header: Option<&Element> = None;
    let mut body: Option<&Element> = None;
    for child in &root.children {
        if child.is(ns, "Header") {
            if header.is_some() || body.is_some() {
                return Err(invalid("/Envelope/Header", child.start, "Header must come once, before Body".to_owned()));
            }
            header = Some(child);
        } else if child.is(ns, "Body") {
            if body.is_some() {
                return Err(invalid("/Envelope/Body", child.start, "more than one Body".to_owned()));
            }
            body = Some(child);
        } else {
            return Err(invalid(
                "/Envelope",
                child.start,
                format!("unexpected element {} in the Envelope", child.display_name()),
            ));
        }
    }
    let body = body.ok_or_else(|| invalid("/Envelope", root.start, "missing Body".to_owned()))?;
    let mut headers = Vec::new();
    if let Some(header) = header {
        for block in &header.children {
            if block.ns.is_none() {
                return Err(invalid(
                    "/Envelope/Header",
                    block.start,
                    format!("header block {} has no namespace", block.local),
                ));
            }
            let role = match version {
                SoapVersion::V1_1 => block.attr(Some(ns), "actor"),
                SoapVersion::V1_2 => block.attr(Some(ns), "role"),
            };
            headers.push(HeaderBlock {
                namespace: block.ns.as_deref().map(str::to_owned),
                local_name: block.local.clone(),
                must_understand: must_understand(block, version),
                role: role.map(str::to_owned),
                raw: doc.raw(block).to_owned(),
                standalone: fault::standalone(doc, block),
            });
        }
    }
    if !body.text_is_blank() {
        return Err(invalid("/Envelope/Body", body.start, "text directly inside the Body".to_owned()));
    }
    let child = match body.children.as_slice() {
        [only] => only,
        [] => return Err(invalid("/Envelope/Body", body.start, "empty Body: exactly one element expected".to_owned())),
        [_, second, ..] => {
            return Err(invalid(
                "/Envelope/Body",
                second.start,
                format!("{} elements in the Body: exactly one expected", body.children.len()),
            ));
        }
    };
    let body = if fault::is_fault(child) {
        Body::Fault(fault::read_fault(doc, child).map_err(|e| SoapError::sender(e, version))?)
    } else {
        let namespace = child.ns.as_deref().map(str::to_owned);
        let local_name = child.local.clone();
        let (raw, standalone) =
            if payload_text { (doc.raw(child).to_owned(), fault::standalone(doc, child)) } else { Default::default() };
        let child_start = child.start;
        // Move the body's element out of the tree instead of copying it.
        let element = body_index
            .and_then(|i| doc.root.children.get_mut(i))
            .and_then(|body| body.children.get_mut(0))
            .map(std::mem::take)
            .unwrap_or_default();
        let position = Location::line_column(doc.source.as_bytes(), child_start);
        Body::Payload(Payload { namespace, local_name, raw, standalone, position, element })
    };
    Ok(SoapMessage { version, headers, body })
}

impl SoapMessage {
    /// Fail with a `MustUnderstand` fault when a header block addressed to us has
    /// `mustUnderstand` set and is not in `understood` (namespace, local name).
    pub fn check_must_understand(&self, understood: &[(&str, &str)]) -> Result<(), SoapError> {
        for block in &self.headers {
            if !block.must_understand || !targets_us(block.role.as_deref(), self.version) {
                continue;
            }
            let known = understood
                .iter()
                .any(|(ns, local)| block.namespace.as_deref() == Some(*ns) && block.local_name == *local);
            if !known {
                return Err(SoapError {
                    code: FaultCode::MustUnderstand,
                    error: Box::new(DecodeError::invalid(
                        Location::path("/Envelope/Header"),
                        format!(
                            "header block {{{}}}{} must be understood but is not supported",
                            block.namespace.as_deref().unwrap_or(""),
                            block.local_name
                        ),
                    )),
                    version: self.version,
                });
            }
        }
        Ok(())
    }

    /// The first header block with this namespace and local name.
    pub fn header(&self, namespace: &str, local_name: &str) -> Option<&HeaderBlock> {
        self.headers.iter().find(|h| h.namespace.as_deref() == Some(namespace) && h.local_name == local_name)
    }
}

/// Write an envelope: the XML declaration, the envelope, a `Header` when `headers` is not
/// empty (each block written as given) and a `Body` holding `body` as given.
pub fn write_envelope(version: SoapVersion, headers: &[String], body: &str) -> String {
    let prefix = version.prefix();
    let mut out = String::with_capacity(body.len() + 256);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<{prefix}:Envelope xmlns:{prefix}=\"{}\">", version.namespace()));
    if !headers.is_empty() {
        out.push_str(&format!("<{prefix}:Header>"));
        for header in headers {
            out.push_str(header);
        }
        out.push_str(&format!("</{prefix}:Header>"));
    }
    out.push_str(&format!("<{prefix}:Body>"));
    out.push_str(body);
    out.push_str(&format!("</{prefix}:Body></{prefix}:Envelope>\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SoapMessage, SoapError> {
        parse_envelope(text.as_bytes(), &DecodeLimits::default())
    }

    #[test]
    fn unknown_envelope_namespace_is_a_version_mismatch() {
        let result = parse("<e:Envelope xmlns:e=\"urn:other\"><e:Body><x/></e:Body></e:Envelope>");
        assert_eq!(result.map_err(|e| e.code), Err(FaultCode::VersionMismatch));
    }

    #[test]
    fn body_needs_exactly_one_element() {
        let two = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body><a xmlns=\"urn:a\"/><b xmlns=\"urn:a\"/></s:Body></s:Envelope>"
        );
        let error = parse(&two).map_err(|e| e.error.message().to_owned());
        assert_eq!(error, Err("2 elements in the Body: exactly one expected".to_owned()));
        let empty = format!("<s:Envelope xmlns:s=\"{NS_SOAP12}\"><s:Body/></s:Envelope>");
        assert!(parse(&empty).is_err());
        let two_bodies =
            format!("<s:Envelope xmlns:s=\"{NS_SOAP12}\"><s:Body><a/></s:Body><s:Body><a/></s:Body></s:Envelope>");
        assert!(parse(&two_bodies).is_err());
    }

    #[test]
    fn must_understand_headers_are_checked() {
        let text = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP12}\"><s:Header><h:Tx xmlns:h=\"urn:h\" s:mustUnderstand=\"true\">1</h:Tx>\
             <h:Opt xmlns:h=\"urn:h\">2</h:Opt></s:Header><s:Body><a xmlns=\"urn:a\"/></s:Body></s:Envelope>"
        );
        let message = parse(&text).map_err(|e| e.to_string());
        let Ok(message) = message else { panic!("parses: {message:?}") };
        assert_eq!(message.check_must_understand(&[]).map_err(|e| e.code), Err(FaultCode::MustUnderstand));
        assert_eq!(message.check_must_understand(&[("urn:h", "Tx")]), Ok(()));
        let fault = message.check_must_understand(&[]).err().map(|e| e.to_fault().to_envelope(SoapVersion::V1_2));
        assert!(fault.is_some_and(|f| f.contains("env:MustUnderstand")));
    }

    #[test]
    fn payload_is_byte_exact_and_standalone() {
        let text = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\" xmlns:d=\"urn:d\"><s:Body>\n  <d:Doc  a='1'><d:X>&#233;</d:X></d:Doc>\n</s:Body></s:Envelope>"
        );
        let message = parse(&text).map_err(|e| e.to_string());
        let payload = match message.map(|m| m.body) {
            Ok(Body::Payload(p)) => p,
            other => panic!("payload expected: {other:?}"),
        };
        assert_eq!(payload.raw, "<d:Doc  a='1'><d:X>&#233;</d:X></d:Doc>");
        assert_eq!(payload.standalone, "<d:Doc xmlns:d=\"urn:d\"  a='1'><d:X>&#233;</d:X></d:Doc>");
    }
}

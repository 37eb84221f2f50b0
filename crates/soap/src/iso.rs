//! `soap:iso20022`: ISO 20022 documents carried in SOAP, in two shapes.
//!
//! 1. **Document in the Body.** The Body's one element is an ISO 20022 `Document` (or a
//!    wrapper around one); a business application header (`AppHdr`, head.001) may travel as
//!    a SOAP header block. The element is handed to the inner codec byte-exact (namespace
//!    declarations inherited from the envelope are added only when the element lacks them).
//! 2. **The Nordic secure envelope** (`http://bxd.fi/xmldata/`): an `ApplicationRequest`
//!    carrying a pain.001, or an `ApplicationResponse` returning a pain.002 or camt.053, in a
//!    base64 `Content`, optionally gzip-compressed. Either directly in the Body, or base64-encoded
//!    inside a WS-channel operation (`uploadFilein`, `downloadFileout`, ...). Signature
//!    verification is out of scope; the inner content is passed on byte-exact.
//!
//! This crate knows nothing about ISO 20022 itself: the inner codec is a `&dyn Codec` that the
//! facade supplies.

use std::fmt;
use std::io::{Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use payglot_core_model::{
    Codec, DecodeError, DecodeLimits, Decoded, EncodeError, EncodeOptions, Encoded, Format, Location, Loss, Message,
};

use crate::envelope::{self, Body, SoapVersion};
use crate::payglot::header_losses;
use crate::xml::{self, Element};
use crate::{NS_WSSE, fault};

/// The Nordic secure-envelope namespace.
pub const NS_BXD: &str = "http://bxd.fi/xmldata/";
/// The namespace prefix of every ISO 20022 business application header (head.001.001.xx).
pub const NS_HEAD_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:head.001";

/// Settings for writing the Nordic secure envelope. The bank assigns the customer id and
/// registers the software id: payglot never makes them up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NordicConfig {
    /// `CustomerId` the bank assigned.
    pub customer_id: String,
    /// `SoftwareId` registered with the bank.
    pub software_id: String,
    /// `Environment`: `PRODUCTION` or `TEST`.
    pub environment: String,
    /// `FileType` the bank expects (e.g. `pain.001.001.03`, `XL`), when it wants one.
    pub file_type: Option<String>,
    /// Gzip-compress `Content` (`RFC1952`).
    pub compress: bool,
}

/// The `soap:iso20022` codec over an inner ISO 20022 codec.
#[derive(Clone, Copy)]
pub struct SoapIso20022<'a> {
    inner: &'a dyn Codec,
    version: SoapVersion,
    nordic: Option<&'a NordicConfig>,
}

impl fmt::Debug for SoapIso20022<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoapIso20022")
            .field("inner", &self.inner.format())
            .field("version", &self.version)
            .field("nordic", &self.nordic)
            .finish()
    }
}

impl<'a> SoapIso20022<'a> {
    /// Documents in the SOAP Body of `version`, read and written by `inner`.
    pub fn new(inner: &'a dyn Codec, version: SoapVersion) -> Self {
        Self { inner, version, nordic: None }
    }

    /// Documents in the Nordic secure envelope: encoding writes an `ApplicationRequest`
    /// (payment initiations) or `ApplicationResponse` (status reports, statements) in the Body.
    pub fn nordic(inner: &'a dyn Codec, version: SoapVersion, config: &'a NordicConfig) -> Self {
        Self { inner, version, nordic: Some(config) }
    }
}

fn limit(path: &str, message: impl Into<String>) -> DecodeError {
    DecodeError::limit(Location::path(path), message)
}

/// Decode base64 text of at most `limits.max_bytes` decoded bytes.
fn bounded_base64(text: &str, limits: &DecodeLimits, path: &str) -> Result<Vec<u8>, DecodeError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.len() / 4 * 3 > limits.max_bytes {
        return Err(limit(path, format!("base64 content decodes to more than {} bytes", limits.max_bytes)));
    }
    BASE64
        .decode(compact.as_bytes())
        .map_err(|e| DecodeError::invalid(Location::path(path), format!("invalid base64: {e}")))
}

/// Gunzip at most `limits.max_bytes`: a larger output is a gzip bomb, refused.
fn bounded_gunzip(data: &[u8], limits: &DecodeLimits, path: &str) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let cap = u64::try_from(limits.max_bytes).unwrap_or(u64::MAX).saturating_add(1);
    flate2::read::GzDecoder::new(data)
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::invalid(Location::path(path), format!("invalid gzip content: {e}")))?;
    if out.len() > limits.max_bytes {
        return Err(limit(path, format!("gzip content inflates beyond {} bytes (gzip bomb?)", limits.max_bytes)));
    }
    Ok(out)
}

fn is_true(text: &str) -> bool {
    matches!(text.trim(), "true" | "1")
}

/// The inner content of a Nordic `ApplicationRequest`/`ApplicationResponse`, with losses for
/// the envelope fields the canonical model has no place for.
fn nordic_content(element: &Element, limits: &DecodeLimits) -> Result<(Vec<u8>, Vec<Loss>), DecodeError> {
    let path = format!("/{}", element.local);
    let mut content = None;
    let mut compressed = false;
    let mut method: Option<&str> = None;
    let mut losses = Vec::new();
    let mut response_code: Option<&str> = None;
    let mut response_text: Option<&str> = None;
    for child in &element.children {
        match child.local.as_str() {
            "Content" => content = Some(child.text.as_str()),
            "Compression" | "Compressed" => compressed = is_true(&child.text),
            "CompressionMethod" => method = Some(child.text.trim()),
            "ResponseCode" => response_code = Some(child.text.trim()),
            "ResponseText" => response_text = Some(child.text.trim()),
            "Signature" => losses.push(Loss::dropped(
                format!("{path}/Signature"),
                "secure-envelope signature (not verified, not carried by the canonical model)",
            )),
            other => losses.push(Loss::dropped(
                format!("{path}/{other}"),
                "secure-envelope field (the canonical model has no place for it)",
            )),
        }
    }
    if let Some(code) = response_code
        && code != "00"
        && content.is_none()
    {
        return Err(DecodeError::invalid(
            Location::path(format!("{path}/ResponseCode")),
            format!("bank answered ResponseCode {code}: {}", response_text.unwrap_or("")),
        ));
    }
    let content = content.ok_or_else(|| DecodeError::missing_field(Location::path(path.clone()), "Content"))?;
    let data = bounded_base64(content, limits, &format!("{path}/Content"))?;
    let data = if compressed {
        match method.map(str::to_ascii_uppercase).as_deref() {
            None | Some("RFC1952" | "GZIP") => bounded_gunzip(&data, limits, &format!("{path}/Content"))?,
            Some(other) => {
                return Err(DecodeError::unsupported(
                    Location::path(format!("{path}/CompressionMethod")),
                    format!("compression method {other:?}"),
                ));
            }
        }
    } else {
        data
    };
    Ok((data, losses))
}

/// A Nordic application element directly in the Body, or base64 XML inside a WS-channel
/// operation element.
fn find_nordic(element: &Element, limits: &DecodeLimits) -> Result<Option<(Vec<u8>, Vec<Loss>)>, DecodeError> {
    let is_app = |e: &Element| matches!(e.local.as_str(), "ApplicationRequest" | "ApplicationResponse");
    if element.ns.as_deref() == Some(NS_BXD) && is_app(element) {
        return nordic_content(element, limits).map(Some);
    }
    // WS channel: <cor:uploadFilein><mod:RequestHeader/><mod:ApplicationRequest>base64</...>.
    let Some(wrapped) = element.children.iter().find(|c| is_app(c) && c.children.is_empty()) else {
        return Ok(None);
    };
    let path = format!("/{}/{}", element.local, wrapped.local);
    let inner = bounded_base64(&wrapped.text, limits, &path)?;
    let doc = xml::parse(&inner, limits).map_err(|e| e.within(&path))?;
    if !(doc.root.ns.as_deref() == Some(NS_BXD) && is_app(&doc.root)) {
        return Err(DecodeError::invalid(
            Location::path(path),
            format!("{} is not a bxd.fi ApplicationRequest/ApplicationResponse", doc.root.display_name()),
        ));
    }
    let mut losses: Vec<Loss> = element
        .children
        .iter()
        .filter(|c| !std::ptr::eq(*c, wrapped))
        .map(|c| {
            Loss::dropped(
                format!("/{}/{}", element.local, c.local),
                "WS-channel request field (the canonical model has no place for it)",
            )
        })
        .collect();
    let (content, more) = nordic_content(&doc.root, limits)?;
    losses.extend(more);
    Ok(Some((content, losses)))
}

impl Codec for SoapIso20022<'_> {
    fn format(&self) -> Format {
        Format::SOAP_ISO20022
    }

    fn decode(&self, input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        // Base64 content can legitimately exceed the string limit: text is bounded by the
        // input size here, and the decoded content meets `limits` again in the inner codec.
        let mut envelope_limits = limits.clone();
        envelope_limits.max_string_bytes = limits.max_string_bytes.max(limits.max_bytes);
        let doc = xml::parse(input, &envelope_limits)?;
        let message = envelope::from_document(&doc)?;
        let understood: Vec<(&str, &str)> = std::iter::once((NS_WSSE, "Security"))
            .chain(message.headers.iter().filter_map(|h| {
                h.namespace.as_deref().filter(|ns| ns.starts_with(NS_HEAD_PREFIX)).map(|ns| (ns, "AppHdr"))
            }))
            .collect();
        message.check_must_understand(&understood)?;
        let app_header = message.headers.iter().find(|h| {
            h.local_name == "AppHdr" && h.namespace.as_deref().is_some_and(|ns| ns.starts_with(NS_HEAD_PREFIX))
        });
        let mut losses: Vec<Loss> = header_losses(&message)
            .into_iter()
            .filter(|l| !(app_header.is_some() && l.path == "/Envelope/Header/AppHdr"))
            .collect();
        let payload = match &message.body {
            Body::Fault(fault) => return Err(fault.to_decode_error()),
            Body::Payload(payload) => payload,
        };
        let inner_bytes: Vec<u8> = match find_nordic(&payload.element, limits)? {
            Some((content, nordic_losses)) => {
                losses.extend(nordic_losses);
                content
            }
            None => match app_header {
                // AppHdr in the SOAP header: hand the pair over as SWIFT's envelope does.
                Some(header) => format!(
                    "<Envelope xmlns=\"urn:swift:xsd:envelope\">{}{}</Envelope>",
                    header.standalone, payload.standalone
                )
                .into_bytes(),
                None => payload.standalone.clone().into_bytes(),
            },
        };
        let decoded = self.inner.decode(&inner_bytes, limits).map_err(|e| e.within("/Envelope/Body"))?;
        losses.extend(decoded.losses);
        Ok(Decoded { message: decoded.message, losses })
    }

    fn encode(&self, message: &Message, opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        let inner = self.inner.encode(message, opts)?;
        let (headers, body) = match self.nordic {
            Some(config) => (Vec::new(), nordic_element(message, &inner.bytes, config)?),
            None => split_document(&inner.bytes)?,
        };
        let bytes = envelope::write_envelope(self.version, &headers, &body).into_bytes();
        Ok(Encoded { bytes, losses: inner.losses })
    }
}

/// The inner codec's output as SOAP header blocks and body element: an `AppHdr` + `Document`
/// pair in a wrapper becomes a header block and the body; anything else is the body as is
/// (without its XML declaration).
fn split_document(bytes: &[u8]) -> Result<(Vec<String>, String), EncodeError> {
    // The inner codec's own output: trusted for size, still parsed by the hardened reader.
    let mut trusted = DecodeLimits::default().with_max_bytes(usize::MAX);
    trusted.max_string_bytes = usize::MAX;
    let doc = xml::parse(bytes, &trusted)
        .map_err(|e| EncodeError::unrepresentable("", format!("inner codec wrote invalid XML: {e}")))?;
    let root = &doc.root;
    if root.local != "Document" {
        let header = root.children.iter().find(|c| c.local == "AppHdr");
        let document = root.children.iter().find(|c| c.local == "Document");
        if let (Some(header), Some(document), 2) = (header, document, root.children.len()) {
            return Ok((vec![fault::standalone(&doc, header)], fault::standalone(&doc, document)));
        }
    }
    Ok((Vec::new(), doc.raw(root).to_owned()))
}

fn nordic_element(message: &Message, content: &[u8], config: &NordicConfig) -> Result<String, EncodeError> {
    let (content, compressed) = if config.compress {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder
            .write_all(content)
            .and_then(|()| encoder.finish())
            .map(|c| (c, true))
            .map_err(|e| EncodeError::unrepresentable("", format!("gzip failed: {e}")))?
    } else {
        (content.to_vec(), false)
    };
    let timestamp = message.header().created.to_string();
    let mut out = String::new();
    let field = |out: &mut String, name: &str, value: &str| {
        out.push('<');
        out.push_str(name);
        out.push('>');
        xml::escape_text(value, out);
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    };
    let request = matches!(message, Message::PaymentInitiation(_));
    let root = if request { "ApplicationRequest" } else { "ApplicationResponse" };
    out.push_str(&format!("<{root} xmlns=\"{NS_BXD}\">"));
    field(&mut out, "CustomerId", &config.customer_id);
    if request {
        field(&mut out, "Command", "UploadFile");
        field(&mut out, "Timestamp", &timestamp);
        field(&mut out, "Environment", &config.environment);
        if compressed {
            field(&mut out, "Compression", "true");
            field(&mut out, "CompressionMethod", "RFC1952");
        }
        field(&mut out, "SoftwareId", &config.software_id);
    } else {
        field(&mut out, "Timestamp", &timestamp);
        field(&mut out, "ResponseCode", "00");
        field(&mut out, "ResponseText", "OK");
        if compressed {
            field(&mut out, "Compressed", "true");
            field(&mut out, "CompressionMethod", "RFC1952");
        }
    }
    if let Some(file_type) = &config.file_type {
        field(&mut out, "FileType", file_type);
    }
    field(&mut out, "Content", &BASE64.encode(content));
    out.push_str(&format!("</{root}>"));
    Ok(out)
}

//! The ISO 20022 codecs: every supported message version ↔ the canonical `Message`.
//!
//! Decoding of pacs.008.001.08, pain.001.001.09, pain.001.001.03 and pacs.004.001.09 (bare, or
//! with a head.001.001.02 AppHdr before the Document) takes ONE typed pass ([`typed`]): the generated readers build the typed
//! AppHdr and Document and a mapping consumes them by value (exhaustive destructuring, so every
//! field is mapped or reported lost exactly as the tree path reports it). Anything that pass
//! does not handle — another version or envelope, any error, lenient text — falls back to the
//! element-tree path below, which stays the reference and the oracle of the typed pass's tests.
//!
//! The tree path: the generated readers validate every XSD rule (an invalid document is refused
//! with the rule, path, line and column) and the element tree the mapping reads is recorded
//! from that same read ([`tree::record`]: one tokenization; names and text borrowed, no
//! per-element allocation). The mapping is written once per message family
//! for both schema generations, because ISO keeps element names stable; every element the
//! mapping does not read is reported as a `Dropped` loss with its path, so nothing is lost
//! silently — by construction, not by a list someone must keep complete.
//!
//! Encoding, typed versions (pacs.008.001.08, pacs.004.001.09, pacs.002.001.10, pain.001.001.09,
//! pain.001.001.03, pain.002.001.10, and the head.001.001.02 AppHdr written with them): the canonical message is built into the generated value of the target
//! version (`typed_encode`), each leaf through its generated type's `parse_text` — the very
//! check the validating reader applies to that element's text, in that version, at that place
//! (`Nm` is `Max140Text` in a party and `Max70Text` in an account; a BIC is
//! `BICFIDec2014Identifier`; amounts differ in digits by type) — and written by the generated
//! writer, which checks what the types cannot: occurrence limits (`minOccurs`/`maxOccurs`, from
//! the schema by the generator), control characters and the reader's limits. Choices are
//! enums, required elements non-optional fields, enumerations enums: the structure is the
//! schema's by construction. So the output is schema-valid without being read back, which is
//! why the read-back is no longer needed for these versions (it cost ~2.1x tokenization of the
//! output per encode); an invalid value fails the encode naming the rule, the element and the
//! model path. Test `typed_encode` proves the two paths write the same bytes with the same
//! losses (or both refuse) on every fixture and corpus file and on generated messages.
//!
//! Encoding, the other versions: the elements are written by hand in each XSD's sequence order
//! (`xml.rs`), what the target version cannot carry is reported, and the output is read back by
//! the generated validating reader, so a document this crate writes is always schema-valid (or
//! the encode fails, naming the rule). Moving a version to the typed path needs its
//! construction code (`typed_encode`: pain.002.001.03 and the camt messages have none yet); until
//! then the read-back is what keeps it exactly as strict.

mod camt;
mod common;
mod head;
mod pacs004;
mod pacs008;
mod pain001;
mod status;
mod stream;
mod tree;
// Built with every message feature on (see build.rs); otherwise the element tree does all.
#[cfg(typed_codecs)]
mod typed;
#[cfg(typed_codecs)]
mod typed_encode;
mod writer;
mod xml;

use payglot_core_model::message::GroupHeader;
use payglot_core_model::{
    Codec, DecodeError, DecodeErrorKind, DecodeLimits, Decoded, EncodeError, EncodeOptions, Encoded, Format, Location,
    Loss, Message,
};

use crate::{Iso20022Error, Limits, Rule};
use common::{Era, Out};
pub use stream::{StatementEvent, StatementReader};
pub use writer::StatementWriter;

/// The message versions with a codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IsoMessage {
    /// pain.001.001.03
    Pain001V03,
    /// pain.001.001.09
    Pain001V09,
    /// pain.002.001.03
    Pain002V03,
    /// pain.002.001.10
    Pain002V10,
    /// pacs.008.001.08
    Pacs008V08,
    /// pacs.002.001.10
    Pacs002V10,
    /// pacs.004.001.09
    Pacs004V09,
    /// camt.053.001.02
    Camt053V02,
    /// camt.053.001.08
    Camt053V08,
    /// camt.054.001.02
    Camt054V02,
    /// camt.054.001.08
    Camt054V08,
}

impl IsoMessage {
    /// Every version with a codec.
    pub const ALL: [IsoMessage; 11] = [
        Self::Pain001V03,
        Self::Pain001V09,
        Self::Pain002V03,
        Self::Pain002V10,
        Self::Pacs008V08,
        Self::Pacs002V10,
        Self::Pacs004V09,
        Self::Camt053V02,
        Self::Camt053V08,
        Self::Camt054V02,
        Self::Camt054V08,
    ];

    /// The message identifier (`pain.001.001.09`).
    pub fn id(self) -> &'static str {
        match self {
            Self::Pain001V03 => "pain.001.001.03",
            Self::Pain001V09 => "pain.001.001.09",
            Self::Pain002V03 => "pain.002.001.03",
            Self::Pain002V10 => "pain.002.001.10",
            Self::Pacs008V08 => "pacs.008.001.08",
            Self::Pacs002V10 => "pacs.002.001.10",
            Self::Pacs004V09 => "pacs.004.001.09",
            Self::Camt053V02 => "camt.053.001.02",
            Self::Camt053V08 => "camt.053.001.08",
            Self::Camt054V02 => "camt.054.001.02",
            Self::Camt054V08 => "camt.054.001.08",
        }
    }

    /// The format id (`iso20022:pain.001.001.09`).
    pub fn format(self) -> Format {
        Format::from_static(match self {
            Self::Pain001V03 => "iso20022:pain.001.001.03",
            Self::Pain001V09 => "iso20022:pain.001.001.09",
            Self::Pain002V03 => "iso20022:pain.002.001.03",
            Self::Pain002V10 => "iso20022:pain.002.001.10",
            Self::Pacs008V08 => "iso20022:pacs.008.001.08",
            Self::Pacs002V10 => "iso20022:pacs.002.001.10",
            Self::Pacs004V09 => "iso20022:pacs.004.001.09",
            Self::Camt053V02 => "iso20022:camt.053.001.02",
            Self::Camt053V08 => "iso20022:camt.053.001.08",
            Self::Camt054V02 => "iso20022:camt.054.001.02",
            Self::Camt054V08 => "iso20022:camt.054.001.08",
        })
    }

    /// The Document namespace.
    pub fn namespace(self) -> String {
        format!("urn:iso:std:iso:20022:tech:xsd:{}", self.id())
    }

    /// The version for a Document namespace.
    pub fn from_namespace(namespace: &str) -> Option<Self> {
        let id = namespace.strip_prefix("urn:iso:std:iso:20022:tech:xsd:")?;
        Self::ALL.into_iter().find(|m| m.id() == id)
    }

    fn era(self) -> Era {
        match self {
            Self::Pain001V03 | Self::Pain002V03 | Self::Camt053V02 | Self::Camt054V02 => Era::Old,
            _ => Era::New,
        }
    }

    /// The Document's root element.
    fn root(self) -> &'static str {
        match self {
            Self::Pain001V03 | Self::Pain001V09 => "CstmrCdtTrfInitn",
            Self::Pain002V03 | Self::Pain002V10 => "CstmrPmtStsRpt",
            Self::Pacs008V08 => "FIToFICstmrCdtTrf",
            Self::Pacs002V10 => "FIToFIPmtStsRpt",
            Self::Pacs004V09 => "PmtRtr",
            Self::Camt053V02 | Self::Camt053V08 => "BkToCstmrStmt",
            Self::Camt054V02 | Self::Camt054V08 => "BkToCstmrDbtCdtNtfctn",
        }
    }
}

/// The codec for one ISO 20022 message version.
#[derive(Debug, Clone, Copy)]
pub struct Iso20022Codec {
    message: IsoMessage,
    lenient_text: bool,
}

impl Iso20022Codec {
    /// The codec for `message`.
    pub fn new(message: IsoMessage) -> Self {
        Self { message, lenient_text: false }
    }

    /// Lenient option for a quirk real files show: text longer than its schema's `maxLength`
    /// (remittance over 140 characters, long names) is cut to the maximum and reported as a
    /// `Truncated` loss with its path, instead of refusing the document. Off by default; every
    /// other rule is checked as usual, and a strict translation still refuses (the loss).
    pub fn lenient_text(mut self, lenient: bool) -> Self {
        self.lenient_text = lenient;
        self
    }
}

/// At most this many over-long values are cut in one document (each costs a validation pass).
const MAX_TRUNCATIONS: usize = 1_000;

/// After `error` refused `input`: in lenient mode, cut over-long text values to their
/// `maxLength` until the document validates, returning the cut document and a `Truncated` loss
/// per value; otherwise (or for any other violation) the error.
fn truncate_lenient(
    input: &[u8],
    limits: &Limits,
    lenient: bool,
    mut error: Iso20022Error,
) -> Result<(Vec<u8>, Vec<Loss>), DecodeError> {
    let mut bytes = std::borrow::Cow::Borrowed(input);
    let mut losses = Vec::new();
    for _ in 0..=MAX_TRUNCATIONS {
        let Some(v) = error.violations().first().filter(|v| lenient && v.rule == Rule::MaxLength) else {
            return Err(decode_error(&error));
        };
        let max = v.message.rsplit("maxLength ").next().and_then(|n| n.trim().parse::<usize>().ok());
        let cut = max
            .and_then(|max| if v.path.contains("/@") { None } else { truncate_text_at(&bytes, v.line, v.column, max) });
        let (Some(max), Some((cut, length))) = (max, cut) else { return Err(decode_error(&error)) };
        losses.push(Loss::truncated(
            v.path.clone(),
            format!("text of {length} characters cut to its maxLength {max} (lenient text)"),
        ));
        bytes = std::borrow::Cow::Owned(cut);
        match crate::parse_any(&bytes, limits) {
            Ok(_) => return Ok((bytes.into_owned(), losses)),
            Err(next) => error = next,
        }
    }
    Err(DecodeError::limit(
        Location::default(),
        format!("more than {MAX_TRUNCATIONS} over-long values; not cutting any further"),
    ))
}

/// Cut the text of the element whose start tag is at `line`:`column` (characters) to `max`
/// characters; the new document and the text's former length. `None` when the element's
/// content is not plain text.
fn truncate_text_at(bytes: &[u8], line: u64, column: u64, max: usize) -> Option<(Vec<u8>, usize)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(usize::try_from(line - 2).ok()?).map(|(i, _)| i + 1)?
    };
    let rest = text.get(line_start..)?;
    let skip = usize::try_from(column.saturating_sub(1)).ok()?;
    let tag = line_start + rest.char_indices().nth(skip).map(|(i, _)| i)?;
    let open_end = tag + text.get(tag..)?.find('>')? + 1;
    let close = open_end + text.get(open_end..)?.find('<')?;
    if text.get(close..)?.starts_with("<![CDATA[") {
        return None;
    }
    let raw = text.get(open_end..close)?;
    let value = quick_xml::escape::unescape(raw).ok()?;
    let length = value.chars().count();
    let kept: String = value.chars().take(max).collect();
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(text.get(..open_end)?.as_bytes());
    out.extend_from_slice(quick_xml::escape::escape(kept.as_str()).as_bytes());
    out.extend_from_slice(text.get(close..)?.as_bytes());
    Some((out, length))
}

impl Iso20022Codec {
    /// Decode through the element tree (the reference path: every version, every envelope,
    /// every error, lenient text): one validating read that records the tree the mapping
    /// reads (see `tree::record`).
    fn decode_tree(&self, input: &[u8], limits: &Limits) -> Result<Decoded, DecodeError> {
        let mut recorded = tree::TreeBuilder::new(input, 1);
        match tree::record(input, limits, &mut recorded) {
            Ok(namespace) => self.map(namespace, recorded, Vec::new()),
            Err(error) => {
                // Only the lenient option's over-long text gets here without an error.
                let (cut, truncations) = truncate_lenient(input, limits, self.lenient_text, error)?;
                let mut recorded = tree::TreeBuilder::new(&cut, 1);
                let namespace = tree::record(&cut, limits, &mut recorded).map_err(|e| decode_error(&e))?;
                self.map(namespace, recorded, truncations)
            }
        }
    }

    /// The decode of the element tree alone, which the one-pass typed decode must equal (for
    /// tests comparing the two; [`Codec::decode`] takes the typed pass where it applies).
    #[doc(hidden)]
    pub fn decode_reference(&self, input: &[u8], decode_limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        self.decode_tree(input, &limits(decode_limits))
    }

    /// The one-pass typed decode alone: `None` where [`Codec::decode`] falls back to the
    /// element tree (for tests proving which inputs take the typed pass).
    #[doc(hidden)]
    pub fn decode_typed(&self, input: &[u8], decode_limits: &DecodeLimits) -> Option<Decoded> {
        #[cfg(typed_codecs)]
        return typed::decode(self.message, input, &limits(decode_limits));
        #[cfg(not(typed_codecs))]
        return {
            let _ = (input, decode_limits);
            None
        };
    }

    /// Map a recorded (validated) document of namespace `namespace` to the canonical model;
    /// `losses` are those found before (lenient truncations).
    fn map(
        &self,
        namespace: &str,
        recorded: tree::TreeBuilder<'_>,
        mut losses: Vec<Loss>,
    ) -> Result<Decoded, DecodeError> {
        if IsoMessage::from_namespace(namespace) != Some(self.message) {
            return Err(DecodeError::unsupported(
                Location::path("/Document"),
                format!("expected a {} document, found namespace {namespace:?}", self.message.id()),
            ));
        }
        let parsed = tree::parsed(recorded)?;
        let document = parsed.document()?;
        document.mark();
        let root = document.child(self.message.root()).ok_or_else(|| common::missing(document, self.message.root()))?;
        let era = self.message.era();
        let mut message = match self.message {
            IsoMessage::Pain001V03 | IsoMessage::Pain001V09 => pain001::decode(root, era)?,
            IsoMessage::Pacs008V08 => pacs008::decode(root)?,
            IsoMessage::Pain002V03 | IsoMessage::Pain002V10 | IsoMessage::Pacs002V10 => status::decode(root, era)?,
            IsoMessage::Pacs004V09 => pacs004::decode(root)?,
            IsoMessage::Camt053V02 | IsoMessage::Camt053V08 => camt::decode(root, era, camt::Kind::Statement)?,
            IsoMessage::Camt054V02 | IsoMessage::Camt054V08 => camt::decode(root, era, camt::Kind::Notification)?,
        };
        if let Some(app_header) = parsed.app_header() {
            app_header.mark();
            header_mut(&mut message).business_header = Some(head::decode(app_header)?);
            app_header.losses("", &mut losses);
        }
        document.losses("", &mut losses);
        Ok(Decoded { message, losses })
    }
}

/// A codec for every supported version, for the facade's registry.
pub fn codecs() -> Vec<Box<dyn Codec>> {
    IsoMessage::ALL.into_iter().map(|m| Box::new(Iso20022Codec::new(m)) as Box<dyn Codec>).collect()
}

/// The format of an ISO 20022 file (bare or in an envelope), from its Document namespace.
/// `None` when no Document is found; an unsupported version is reported by the decoders.
pub fn sniff(bytes: &[u8]) -> Option<Result<Format, String>> {
    let namespace = crate::document_namespace(bytes, &Limits::default()).ok()?;
    Some(IsoMessage::from_namespace(&namespace).map(IsoMessage::format).ok_or(namespace))
}

fn limits(limits: &DecodeLimits) -> Limits {
    Limits {
        max_bytes: limits.max_bytes,
        max_depth: limits.max_depth,
        max_string_len: limits.max_string_bytes,
        max_repeats: limits.max_repeats,
    }
}

/// The first violation of a validation failure, as a located `DecodeError`.
pub(crate) fn decode_error(error: &Iso20022Error) -> DecodeError {
    let Some(v) = error.violations().first() else {
        return DecodeError::invalid(Location::default(), "invalid ISO 20022 document");
    };
    violation_error(v, error.violations().len().saturating_sub(1))
}

/// One violation (and how many more followed it) as a located `DecodeError`.
pub(crate) fn violation_error(v: &crate::rt::Violation, more: usize) -> DecodeError {
    let kind = match v.rule {
        Rule::NotWellFormed | Rule::Encoding | Rule::UndeclaredEntity => DecodeErrorKind::Syntax,
        Rule::Doctype
        | Rule::ProcessingInstruction
        | Rule::LimitBytes
        | Rule::LimitDepth
        | Rule::LimitStringLength
        | Rule::LimitRepeats => DecodeErrorKind::Limit,
        Rule::UnsupportedVersion | Rule::UnknownNamespace => DecodeErrorKind::Unsupported,
        _ => DecodeErrorKind::Invalid,
    };
    let mut message = format!("{}: {}", v.rule, v.message);
    if more > 0 {
        message.push_str(&format!(" (and {more} more violations)"));
    }
    DecodeError::new(kind, Location::at(v.path.clone(), v.line, v.column), message)
}

impl Codec for Iso20022Codec {
    fn format(&self) -> Format {
        self.message.format()
    }

    fn decode(&self, input: &[u8], decode_limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        let limits = limits(decode_limits);
        // One typed pass where it applies (see `typed`); the element tree decides the rest.
        if let Some(decoded) = self.decode_typed(input, decode_limits) {
            return Ok(decoded);
        }
        self.decode_tree(input, &limits)
    }

    fn encode(&self, message: &Message, opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        // The typed versions: built through the generated types, written by the generated
        // writer; valid by construction (see `typed_encode`), nothing read back.
        if let Some(encoded) = self.encode_typed(message, opts) {
            return encoded;
        }
        self.encode_read_back(message, opts)
    }
}

impl Iso20022Codec {
    /// The typed encode alone (`None` for a version or message kind not on that path): what
    /// `encode` runs for pacs.008.001.08 and pain.001.001.09, for tests comparing it with
    /// [`encode_read_back`](Self::encode_read_back).
    #[doc(hidden)]
    pub fn encode_typed(&self, message: &Message, opts: &EncodeOptions) -> Option<Result<Encoded, EncodeError>> {
        #[cfg(typed_codecs)]
        return typed_encode::encode(self.message, message, opts);
        #[cfg(not(typed_codecs))]
        return {
            let _ = (message, opts);
            None
        };
    }

    /// Write by hand in XSD order, then read the output back through the validating reader: the
    /// path of the versions without a typed encoder (and the reference the typed one is tested
    /// against, `encode_read_back`).
    #[doc(hidden)]
    pub fn encode_read_back(&self, message: &Message, opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        let mut out = Out::new(self.message.era(), self.message.id());
        let namespace = self.message.namespace();
        business_header(&mut out, message.header(), message.kind(), self.message, opts);
        match (self.message, message) {
            (IsoMessage::Pain001V03 | IsoMessage::Pain001V09, Message::PaymentInitiation(m)) => {
                pain001::encode(&mut out, m, &namespace)?
            }
            (IsoMessage::Pacs008V08, Message::InterbankTransfer(m)) => pacs008::encode(&mut out, m, &namespace)?,
            (IsoMessage::Pain002V03 | IsoMessage::Pain002V10 | IsoMessage::Pacs002V10, Message::StatusReport(m)) => {
                status::encode(&mut out, m, &namespace, self.message == IsoMessage::Pacs002V10)?
            }
            (IsoMessage::Pacs004V09, Message::PaymentReturn(m)) => pacs004::encode(&mut out, m, &namespace)?,
            (IsoMessage::Camt053V02 | IsoMessage::Camt053V08, Message::Statement(m)) => {
                camt::encode(&mut out, m, &namespace, camt::Kind::Statement)?
            }
            (IsoMessage::Camt054V02 | IsoMessage::Camt054V08, Message::Notification(m)) => {
                camt::encode(&mut out, m, &namespace, camt::Kind::Notification)?
            }
            (_, other) => {
                return Err(EncodeError::unrepresentable(
                    format!("/message/{}", other.kind()),
                    format!("a {} cannot be written as {}", other.kind().replace('_', " "), self.message.id()),
                ));
            }
        }
        let Out { xml, losses, .. } = out;
        let bytes = xml.finish();
        // Read our own output back through the validating reader: we never hand out a document
        // that breaks the schema.
        crate::parse_any(&bytes, &Limits::default()).map_err(|e| {
            let error = decode_error(&e);
            EncodeError::unrepresentable(
                error.location().path.clone(),
                format!("the written document would be invalid: {}", error.message()),
            )
        })?;
        Ok(Encoded { bytes, losses })
    }
}

/// The business application header, when asked for and the message has one: an `Envelope`
/// is opened and the `AppHdr` written in it (the Document follows). Otherwise a header the
/// message has is reported as dropped.
fn business_header(out: &mut Out, header: &GroupHeader, kind: &str, target: IsoMessage, opts: &EncodeOptions) {
    match &header.business_header {
        Some(business) if opts.business_header => {
            out.xml.start("Envelope");
            head::encode(out, business, target.id());
        }
        Some(_) => out.losses.push(Loss::dropped(
            format!("/message/{kind}/header/business_header"),
            "the business application header is written only when asked for (--business-header)",
        )),
        None => {}
    }
}

fn header_mut(message: &mut Message) -> &mut GroupHeader {
    match message {
        Message::PaymentInitiation(m) => &mut m.header,
        Message::InterbankTransfer(m) => &mut m.header,
        Message::StatusReport(m) => &mut m.header,
        Message::PaymentReturn(m) => &mut m.header,
        Message::Statement(m) | Message::Notification(m) => &mut m.header,
    }
}

/// Report the group-header fields a message's encoder does not write (`written` names those it does).
pub(crate) fn header_losses(out: &mut Out, header: &GroupHeader, path: std::fmt::Arguments<'_>, written: &[&str]) {
    let fields = [
        ("initiating_party", header.initiating_party.is_some()),
        ("forwarding_agent", header.forwarding_agent.is_some()),
        ("instructing_agent", header.instructing_agent.is_some()),
        ("instructed_agent", header.instructed_agent.is_some()),
        ("recipient", header.recipient.is_some()),
        ("additional_info", header.additional_info.is_some()),
    ];
    for (field, present) in fields {
        if present && !written.contains(&field) {
            out.drop_if(true, format_args!("{path}/{field}"), field);
        }
    }
}

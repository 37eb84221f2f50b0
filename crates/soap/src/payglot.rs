//! `soap:payglot`: payglot's own SOAP service (`schemas/soap/payglot.wsdl`), its three
//! operations and the codec between their bodies and the canonical model.
//!
//! | operation | request | response |
//! |---|---|---|
//! | `InitiatePayment` | `PaymentInitiation` | `StatusReport` |
//! | `GetPaymentStatus` | [`PaymentStatusQuery`] | `StatusReport` |
//! | `GetStatement` | [`StatementQuery`] | `Statement` |
//!
//! The queries have no canonical message (the model holds business messages, not queries):
//! [`read_body`] gives them typed, and the [`SoapPayglot`] codec refuses them as unsupported.

use payglot_core_model::{
    Account, AccountReports, Codec, DateTime, DecodeError, DecodeLimits, Decoded, EncodeError, EncodeOptions, Encoded,
    Format, Location, Loss, Message, PaymentInitiation, StatusReport,
};

use crate::body;
use crate::envelope::{self, Body, SoapMessage, SoapVersion};
use crate::fault::Fault;
use crate::generated::payglot as g;
use crate::xml;
use crate::{NS_PAYGLOT, NS_WSSE};

/// An operation of payglot's SOAP service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Send a payment initiation; the answer is its status.
    InitiatePayment,
    /// Ask for the status of a payment.
    GetPaymentStatus,
    /// Ask for an account statement.
    GetStatement,
}

impl Operation {
    /// All operations, in WSDL order.
    pub const ALL: [Operation; 3] = [Self::InitiatePayment, Self::GetPaymentStatus, Self::GetStatement];

    /// The operation name.
    pub fn name(self) -> &'static str {
        match self {
            Self::InitiatePayment => "InitiatePayment",
            Self::GetPaymentStatus => "GetPaymentStatus",
            Self::GetStatement => "GetStatement",
        }
    }

    /// The action URI (SOAP 1.1 `SOAPAction` header, SOAP 1.2 `action` media-type parameter).
    pub fn action(self) -> String {
        format!("{NS_PAYGLOT}:{}", self.name())
    }

    /// The operation of an action URI.
    pub fn from_action(action: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.action() == action)
    }

    /// The request element's local name.
    pub fn request_element(self) -> String {
        format!("{}Request", self.name())
    }

    /// The response element's local name.
    pub fn response_element(self) -> String {
        format!("{}Response", self.name())
    }
}

/// `GetPaymentStatus` request: which payment to report on (at least one reference).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentStatusQuery {
    /// The message id of the original `InitiatePayment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_message_id: Option<payglot_core_model::Max35Text>,
    /// The payment's end-to-end id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_end_to_end_id: Option<payglot_core_model::EndToEndId>,
    /// The payment's UETR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_uetr: Option<payglot_core_model::Uetr>,
    /// The status id a previous response gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_id: Option<payglot_core_model::Max35Text>,
}

/// `GetStatement` request: which account and period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementQuery {
    /// The account.
    pub account: Account,
    /// Period start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime>,
    /// Period end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DateTime>,
}

/// The body of a payglot SOAP message, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum PayglotBody {
    /// `InitiatePaymentRequest`.
    InitiatePaymentRequest(PaymentInitiation),
    /// `InitiatePaymentResponse`.
    InitiatePaymentResponse(StatusReport),
    /// `GetPaymentStatusRequest`.
    GetPaymentStatusRequest(PaymentStatusQuery),
    /// `GetPaymentStatusResponse`.
    GetPaymentStatusResponse(StatusReport),
    /// `GetStatementRequest`.
    GetStatementRequest(StatementQuery),
    /// `GetStatementResponse`.
    GetStatementResponse(AccountReports),
    /// A fault, whatever HTTP status it came with.
    Fault(Fault),
}

impl PayglotBody {
    /// The operation the body belongs to (`None` for a fault).
    pub fn operation(&self) -> Option<Operation> {
        Some(match self {
            Self::InitiatePaymentRequest(_) | Self::InitiatePaymentResponse(_) => Operation::InitiatePayment,
            Self::GetPaymentStatusRequest(_) | Self::GetPaymentStatusResponse(_) => Operation::GetPaymentStatus,
            Self::GetStatementRequest(_) | Self::GetStatementResponse(_) => Operation::GetStatement,
            Self::Fault(_) => return None,
        })
    }

    /// The body's element, as XML (payglot's namespace declared on it).
    pub fn to_xml(&self, version: SoapVersion) -> Result<String, EncodeError> {
        match self {
            Self::InitiatePaymentRequest(m) => body::write::<g::PaymentInitiation, _>(m),
            Self::InitiatePaymentResponse(m) => body::write::<g::InitiatePaymentResponse, _>(m),
            Self::GetPaymentStatusRequest(m) => body::write::<g::PaymentStatusQuery, _>(m),
            Self::GetPaymentStatusResponse(m) => body::write::<g::GetPaymentStatusResponse, _>(m),
            Self::GetStatementRequest(m) => body::write::<g::StatementQuery, _>(m),
            Self::GetStatementResponse(m) => body::write::<g::AccountReports, _>(m),
            Self::Fault(fault) => Ok(fault.to_xml(version)),
        }
    }

    /// A whole envelope holding the body, with the given header blocks.
    pub fn to_envelope(&self, version: SoapVersion, headers: &[String]) -> Result<String, EncodeError> {
        Ok(envelope::write_envelope(version, headers, &self.to_xml(version)?))
    }
}

/// Read the body of a parsed SOAP message as one of payglot's operations (default limits).
pub fn read_body(message: &SoapMessage) -> Result<PayglotBody, DecodeError> {
    read_body_with(message, &DecodeLimits::default())
}

/// Read the body of a parsed SOAP message as one of payglot's operations, under `limits`.
pub fn read_body_with(message: &SoapMessage, limits: &DecodeLimits) -> Result<PayglotBody, DecodeError> {
    let payload = match &message.body {
        Body::Fault(fault) => return Ok(PayglotBody::Fault(fault.clone())),
        Body::Payload(payload) => payload,
    };
    let path = format!("/Envelope/Body/{}", payload.local_name);
    if payload.namespace.as_deref() != Some(NS_PAYGLOT) {
        return Err(DecodeError::unsupported(
            Location::path(path),
            format!("{} is not an element of payglot's SOAP service ({NS_PAYGLOT})", payload.element.display_name()),
        ));
    }
    let xml = payload.standalone.as_str();
    let at = payload.position;
    Ok(match payload.local_name.as_str() {
        "InitiatePaymentRequest" => {
            PayglotBody::InitiatePaymentRequest(body::read::<g::PaymentInitiation, _>(xml, limits, at)?)
        }
        "InitiatePaymentResponse" => {
            PayglotBody::InitiatePaymentResponse(body::read::<g::InitiatePaymentResponse, _>(xml, limits, at)?)
        }
        "GetPaymentStatusRequest" => {
            PayglotBody::GetPaymentStatusRequest(body::read::<g::PaymentStatusQuery, _>(xml, limits, at)?)
        }
        "GetPaymentStatusResponse" => {
            PayglotBody::GetPaymentStatusResponse(body::read::<g::GetPaymentStatusResponse, _>(xml, limits, at)?)
        }
        "GetStatementRequest" => PayglotBody::GetStatementRequest(body::read::<g::StatementQuery, _>(xml, limits, at)?),
        "GetStatementResponse" => {
            PayglotBody::GetStatementResponse(body::read::<g::AccountReports, _>(xml, limits, at)?)
        }
        other => {
            return Err(DecodeError::unsupported(
                Location::path(path),
                format!("{other} is not an operation message of payglot's SOAP service"),
            ));
        }
    })
}

/// The `soap:payglot` codec: canonical messages in payglot's SOAP service envelopes.
/// Decoding accepts both SOAP versions; encoding writes `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoapPayglot {
    /// The SOAP version written by `encode`.
    pub version: SoapVersion,
}

impl Default for SoapPayglot {
    fn default() -> Self {
        Self { version: SoapVersion::V1_1 }
    }
}

impl SoapPayglot {
    /// A codec writing SOAP `version`.
    pub fn new(version: SoapVersion) -> Self {
        Self { version }
    }
}

/// Losses for header blocks: the canonical model carries no SOAP headers.
pub(crate) fn header_losses(message: &SoapMessage) -> Vec<Loss> {
    message
        .headers
        .iter()
        .map(|h| {
            let detail = if h.namespace.as_deref() == Some(NS_WSSE) {
                "WS-Security header (credentials are not part of the canonical message)"
            } else {
                "SOAP header block (the canonical model has no place for it)"
            };
            Loss::dropped(format!("/Envelope/Header/{}", h.local_name), detail)
        })
        .collect()
}

/// The body's element `local` (in payglot's namespace) read in place from byte `start` of
/// `input` as its canonical message, written into `out` (without losses); gives what `finish`
/// gives for the offset after its end tag (checked before the message is built). `None` for
/// an element without a canonical message or on any failure, `out` then unspecified (the slow
/// path reports the error).
#[allow(clippy::too_many_arguments)]
fn read_payload_into<T>(
    local: &str,
    input: &[u8],
    start: usize,
    declared: &[(&str, &str)],
    outer: usize,
    limits: &DecodeLimits,
    finish: impl FnOnce(usize) -> Option<T>,
    out: &mut Option<Decoded>,
) -> Option<T> {
    let decoded = |message| Some(Decoded { message, losses: Vec::new() });
    Some(match local {
        "InitiatePaymentRequest" => {
            let (value, t) =
                body::read_generated::<g::PaymentInitiation, _>(input, start, declared, outer, limits, finish)?;
            body::initiation_into(value, out).ok()?;
            t
        }
        "InitiatePaymentResponse" => {
            let (m, t) =
                body::read_in_place::<g::InitiatePaymentResponse, _, _>(input, start, declared, outer, limits, finish)?;
            *out = decoded(Message::StatusReport(m));
            t
        }
        "GetPaymentStatusResponse" => {
            let (m, t) = body::read_in_place::<g::GetPaymentStatusResponse, _, _>(
                input, start, declared, outer, limits, finish,
            )?;
            *out = decoded(Message::StatusReport(m));
            t
        }
        "GetStatementResponse" => {
            let (m, t) = body::read_in_place::<g::AccountReports, _, _>(input, start, declared, outer, limits, finish)?;
            *out = decoded(Message::Statement(m));
            t
        }
        _ => return None,
    })
}

/// The fastest path of [`SoapPayglot::decode`], for a plain envelope ([`xml::scan_head`]: no
/// `Header`, no attributes but namespace declarations, nothing but whitespace around the
/// envelope's and body's start tags): the body's element read in place, what follows it
/// scanned, then the message built into `out`. Such an envelope has no header blocks (so no
/// losses and nothing to understand) and exactly one Body holding exactly that element.
/// `false` (`out` unspecified): take the other paths.
fn decode_plain(head: &xml::PlainHead<'_>, input: &[u8], limits: &DecodeLimits, out: &mut Option<Decoded>) -> bool {
    let [envelope, body, payload] = head.names;
    let Some(version) = SoapVersion::from_namespace(envelope.ns) else {
        return false;
    };
    if envelope.local != "Envelope"
        || body.local != "Body"
        || body.ns != version.namespace()
        || payload.ns != NS_PAYGLOT
    {
        return false;
    }
    let finish = |end| head.tail_is_plain(end).then_some(());
    read_payload_into(payload.local, input, head.inner_start, head.declared(), 2, limits, finish, out).is_some()
}

/// The fast path of [`SoapPayglot::decode`] (see there); `None`: take the slow path.
fn decode_in_place(head: xml::Head<'_>, input: &[u8], limits: &DecodeLimits) -> Option<Result<Decoded, DecodeError>> {
    let payload = head.payload()?;
    if payload.ns.as_deref() != Some(NS_PAYGLOT) {
        return None;
    }
    let declared: Vec<(&str, &str)> = payload.in_scope.iter().map(|(p, u)| (p.as_str(), u.as_str())).collect();
    let mut decoded = None;
    let end = read_payload_into(
        &payload.local,
        input,
        payload.start,
        &declared,
        head.outer_depth(),
        limits,
        Some,
        &mut decoded,
    )?;
    drop(declared);
    let envelope = envelope::from_document_read(head.finish(end)?).ok()?;
    if let Err(e) = envelope.check_must_understand(&[(NS_WSSE, "Security")]) {
        return Some(Err(e.into()));
    }
    let mut decoded = decoded?;
    decoded.losses = header_losses(&envelope);
    Some(Ok(decoded))
}

/// The slow path of [`SoapPayglot::decode`]: the whole envelope as a tree (the body's element
/// as its span only), its checks, then the body's element read alone.
fn decode_document(doc: xml::Document<'_>, limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
    let message = envelope::from_document(doc)?;
    message.check_must_understand(&[(NS_WSSE, "Security")])?;
    let losses = header_losses(&message);
    let message = match read_body_with(&message, limits)? {
        PayglotBody::InitiatePaymentRequest(m) => Message::PaymentInitiation(m),
        PayglotBody::InitiatePaymentResponse(m) | PayglotBody::GetPaymentStatusResponse(m) => Message::StatusReport(m),
        PayglotBody::GetStatementResponse(m) => Message::Statement(m),
        PayglotBody::GetPaymentStatusRequest(_) | PayglotBody::GetStatementRequest(_) => {
            return Err(DecodeError::unsupported(
                Location::path("/Envelope/Body"),
                "a query request has no canonical message; read it with payglot_soap::payglot::read_body",
            ));
        }
        PayglotBody::Fault(fault) => return Err(fault.to_decode_error()),
    };
    Ok(Decoded { message, losses })
}

impl Codec for SoapPayglot {
    fn format(&self) -> Format {
        Format::SOAP_PAYGLOT
    }

    fn decode(&self, input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        // The body's element is read by the generated reader from its bytes: no tree for it.
        // Fastest path: a plain envelope (no headers), its head scanned, the body's element
        // read in place. Fast path: the envelope up to the body's element, that element read
        // in place, then the rest of the envelope; one tokenization. Anything unusual (an
        // invalid body included) is read again on the slow path below, which reports the
        // precise error.
        // The message is written into `decoded` where it lies and moved once, into the result
        // (it is kilobytes: no `Option` combinators moving it on the way).
        let mut decoded = None;
        if let Some(head) = xml::scan_head(input, limits)
            && decode_plain(&head, input, limits, &mut decoded)
            && let Some(decoded) = decoded
        {
            return Ok(decoded);
        }
        let doc = match xml::parse_head(input, limits)? {
            xml::Parsed::Done(doc) => doc,
            xml::Parsed::Head(head) => match decode_in_place(head, input, limits) {
                Some(decoded) => return decoded,
                None => xml::parse_shallow_body(input, limits)?,
            },
        };
        decode_document(doc, limits)
    }

    fn encode(&self, message: &Message, _opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        let body = match message {
            Message::PaymentInitiation(m) => PayglotBody::InitiatePaymentRequest(m.clone()),
            Message::StatusReport(m) => PayglotBody::GetPaymentStatusResponse(m.clone()),
            Message::Statement(m) => PayglotBody::GetStatementResponse(m.clone()),
            other => {
                return Err(EncodeError::unrepresentable(
                    format!("/message/{}", other.kind()),
                    "payglot's SOAP service carries payment initiations, status reports and statements only",
                ));
            }
        };
        let bytes = body.to_envelope(self.version, &[])?.into_bytes();
        Ok(Encoded { bytes, losses: Vec::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/soap/payglot/initiate-payment-soap11/input.xml");
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// The slow path alone: the whole envelope, then the body's element read from its bytes.
    fn slow(input: &str) -> Result<Message, DecodeError> {
        let limits = DecodeLimits::default();
        let message = envelope::from_document(xml::parse_shallow_body(input.as_bytes(), &limits)?)?;
        match read_body_with(&message, &limits)? {
            PayglotBody::InitiatePaymentRequest(m) => Ok(Message::PaymentInitiation(m)),
            other => panic!("unexpected body {other:?}"),
        }
    }

    fn decode(input: &str) -> Result<Message, DecodeError> {
        SoapPayglot::default().decode(input.as_bytes(), &DecodeLimits::default()).map(|d| d.message)
    }

    /// [`SoapPayglot::decode`]'s slow path alone, all of it (headers, faults, queries).
    fn slow_decode(input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        decode_document(xml::parse_shallow_body(input, limits)?, limits)
    }

    /// The plain-envelope path alone (`None`: not taken).
    fn plain(input: &[u8], limits: &DecodeLimits) -> Option<Decoded> {
        let mut decoded = None;
        let taken = xml::scan_head(input, limits).is_some_and(|head| decode_plain(&head, input, limits, &mut decoded));
        decoded.filter(|_| taken)
    }

    /// The plain path is taken for plain envelopes of both versions, with the namespaces
    /// declared anywhere, and gives what the slow path gives.
    #[test]
    fn plain_envelopes_take_the_plain_path() {
        let input = fixture();
        let limits = DecodeLimits::default();
        let soap12 = input.replace(crate::NS_SOAP11, crate::NS_SOAP12);
        let moved_ns = input
            .replace(" xmlns:pg=\"urn:payglot:soap:v1\"", "")
            .replace("<soapenv:Envelope ", "<soapenv:Envelope xmlns:pg='urn:payglot:soap:v1' ");
        let default_ns = input.replace("pg:", "").replace("xmlns:pg=", "xmlns=");
        let body_declares = moved_ns.replace("<soapenv:Body>", "<soapenv:Body\n xmlns:pg=\"urn:payglot:soap:v1\"  >");
        let plain_cases = [
            input.clone(),
            soap12.clone(),
            moved_ns,
            default_ns,
            body_declares,
            format!("\u{feff}{input}"),
            input.replacen("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "", 1),
            input.replacen("encoding=\"UTF-8\"?>", "encoding='utf-8' standalone=\"yes\" ?>", 1),
            input.replace("</soapenv:Envelope>", "</soapenv:Envelope>\n<!-- trailing -->\n"),
            input.replace("</soapenv:Body>", "<!-- c --></soapenv:Body >"),
        ];
        for case in &plain_cases {
            let fast = plain(case.as_bytes(), &limits);
            assert!(fast.is_some(), "plain path not taken: {case}");
            assert_eq!(
                fast.map(|d| (d.message, d.losses)),
                slow_decode(case.as_bytes(), &limits).ok().map(|d| (d.message, d.losses))
            );
        }
    }

    /// Envelopes the plain path must leave to the other paths (it returns `None`), whatever
    /// they hold; each is decoded exactly as the slow path decodes it.
    #[test]
    fn unusual_envelopes_leave_the_plain_path() {
        let input = fixture();
        let limits = DecodeLimits::default();
        let envelope = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">";
        let body = "<soapenv:Body>";
        let not_plain = [
            input.replace(envelope, &format!("<!DOCTYPE x>{envelope}")),
            input.replace(envelope, &format!("<!-- c -->{envelope}")),
            input.replace(envelope, &format!("<?pi x?>{envelope}")),
            input.replace("<?xml version=\"1.0\"", "<?xml version=\"1.1\""),
            input.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\""),
            input.replace("encoding=\"UTF-8\"", "encoding=\"UTF>8\""),
            input.replace("<?xml version=\"1.0\"", "<?xml> version=\"1.0\""),
            input.replace("encoding=\"UTF-8\"?>", "encoding=\"UTF-8\"> ?>"),
            input.replace("soap/envelope/\"", "soap/envelope/&amp;\""),
            input.replace("soap/envelope/\"", "soap/envelope/\t\""),
            input.replace("soap/envelope/\"", "soap/envelope/>\""),
            format!(" {input}"),
            input.replace(body, "<soapenv:Header/><soapenv:Body>"),
            input.replace(body, "<soapenv:Header><h:T xmlns:h=\"urn:h\" soapenv:mustUnderstand=\"1\"/></soapenv:Header><soapenv:Body>"),
            input.replace(body, "<soapenv:Body soapenv:encodingStyle=\"urn:x\">"),
            input.replace(body, "<soapenv:Body>text"),
            input.replace(body, "<soapenv:Body><!-- c -->"),
            input.replace("xmlns:soapenv=", "xmlns:soapenv=\"urn:a\" xmlns:soapenv="),
            input.replace("xmlns:soapenv=\"", "xmlns:soapenv=\"urn:other"),
            input.replace("xmlns:soapenv=\"http", "xmlns:soapenv=\"&#104;ttp"),
            input.replace("xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"", "xmlns:soapenv = \"http://schemas.xmlsoap.org/soap/envelope/\""),
            input.replace("xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"", "xmlns:soapenv=\"\""),
            input.replace("xmlns:soapenv=", "xmlns:xml="),
            input.replace("<soapenv:Envelope ", "<soapenv:Envelope xmlns=\"\" "),
            input.replace("<soapenv:Body>", "<soap:Body>").replace("</soapenv:Body>", "</soap:Body>"),
            input.replace("<soapenv:Body>", "<Body>").replace("</soapenv:Body>", "</Body>"),
            input.replace("</soapenv:Body>", "</soapenv:Body><soapenv:Body/>"),
            input.replace("</soapenv:Body>", ""),
            input.replace("</soapenv:Envelope>", "</soapenv:Envelope><again/>"),
            input.replace("</soapenv:Envelope>", "</soapenv:Envelope>x"),
            input.replace("<pg:InitiatePaymentRequest xmlns:pg=\"urn:payglot:soap:v1\">", "<pg:InitiatePaymentRequest xmlns:pg=\"urn:payglot:soap:v1\" a=\"1\">"),
            input.replace("<pg:InitiatePaymentRequest xmlns:pg=\"urn:payglot:soap:v1\">", "<pg:InitiatePaymentRequest xmlns:pg=\"urn:payglot:soap:v1\" xmlns:pg=\"urn:payglot:soap:v1\">"),
            input.replace("<pg:InitiatePaymentRequest xmlns:pg=\"urn:payglot:soap:v1\">", "<pg:InitiatePaymentRequest\txmlns:pg=\"urn:payglot:soap:v1\"/><pg:InitiatePaymentRequest xmlns:pg=\"urn:payglot:soap:v1\">"),
            input.replace("urn:payglot:soap:v1", "urn:payglot:soap:v2"),
            input.replace("<pg:InitiatePaymentRequest ", "<pg:GetPaymentStatusRequest ").replace("</pg:InitiatePaymentRequest>", "</pg:GetPaymentStatusRequest>"),
            input.replace("DE89370400440532013000", "DE89370400440532013001"),
            input.replace("<pg:Header>", "<pg:Header><pg:Unknown/>"),
        ];
        for case in &not_plain {
            let bytes = case.as_bytes();
            assert!(plain(bytes, &limits).is_none(), "plain path taken: {case}");
            let decoded = SoapPayglot::default().decode(bytes, &limits);
            assert_eq!(decoded, slow_decode(bytes, &limits), "{case}");
        }
        let mut invalid_utf8 = input.into_bytes();
        if let Some(at) = invalid_utf8.windows(7).position(|w| w == b"soapenv") {
            invalid_utf8.insert(at + 7, 0xff);
        }
        assert!(plain(&invalid_utf8, &limits).is_none());
        let mut tight = DecodeLimits::default();
        tight.max_depth = 2;
        assert!(plain(fixture().as_bytes(), &tight).is_none());
        assert_eq!(
            SoapPayglot::default().decode(fixture().as_bytes(), &tight).map(|_| ()).map_err(|e| e.kind().as_str()),
            Err("limit")
        );
    }

    #[test]
    fn spaces_around_the_equals_sign_of_a_declaration_are_xml() {
        // Found by `edited_envelopes_decode_as_the_slow_path_does`: the slow path re-declared a
        // prefix the body's element declared as `xmlns:pg ="..."` (a duplicate attribute).
        let limits = DecodeLimits::default();
        for spaced in [
            "xmlns:pg =\"urn:payglot:soap:v1\"",
            "xmlns:pg= \"urn:payglot:soap:v1\"",
            "xmlns:pg\t=\n\"urn:payglot:soap:v1\"",
        ] {
            let input = fixture().replace("xmlns:pg=\"urn:payglot:soap:v1\"", spaced);
            assert_ne!(input, fixture());
            let decoded = SoapPayglot::default().decode(input.as_bytes(), &limits);
            assert!(decoded.is_ok(), "{spaced}: {decoded:?}");
            assert_eq!(decoded, slow_decode(input.as_bytes(), &limits), "{spaced}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, ..proptest::prelude::ProptestConfig::default() })]

        /// Random edits of the envelope around the body's element (and some inside it): the
        /// codec decodes every one exactly as the slow path does, so none of its fast paths
        /// accepts what the slow path refuses or reads anything differently.
        #[test]
        fn edited_envelopes_decode_as_the_slow_path_does(
            edits in proptest::collection::vec((0usize..10_000, 0usize..4, proptest::sample::select(EDITS.to_vec())), 1..4),
            soap12 in proptest::prelude::any::<bool>(),
        ) {
            let limits = DecodeLimits::default();
            let mut input = fixture();
            if soap12 {
                input = input.replace(crate::NS_SOAP11, crate::NS_SOAP12);
            }
            let mut bytes = input.into_bytes();
            // Edits fall in the envelope's head and tail: the body's start and end tags and
            // what is around them; sometimes anywhere.
            let head = bytes.windows(5).position(|w| w == b"<pg:H").unwrap_or(0);
            let tail = bytes.windows(27).position(|w| w == b"</pg:InitiatePaymentRequest").unwrap_or(0);
            for (at, cut, insert) in edits {
                // Inside a start or end tag (before its `>`) of the head or the tail, often.
                let tag_ends: Vec<usize> = bytes
                    .iter()
                    .enumerate()
                    .filter(|(i, b)| **b == b'>' && (*i <= head || *i >= tail))
                    .map(|(i, _)| i)
                    .collect();
                let (at, insert) = match at % 4 {
                    0 => (at % head.max(1), insert),
                    1 => (tail + at % (bytes.len() - tail).max(1), insert),
                    // An attribute-like edit there.
                    2 => (
                        tag_ends.get(at / 4 % tag_ends.len().max(1)).copied().unwrap_or(0),
                        TAG_EDITS.get(at / 7 % TAG_EDITS.len()).copied().unwrap_or_default(),
                    ),
                    _ => (at % bytes.len().max(1), insert),
                };
                let at = at.min(bytes.len());
                let end = (at + cut).min(bytes.len());
                bytes.splice(at..end, insert.iter().copied());
            }
            let decoded = SoapPayglot::default().decode(&bytes, &limits);
            proptest::prop_assert_eq!(&decoded, &slow_decode(&bytes, &limits), "{}", String::from_utf8_lossy(&bytes));
            if let Some(fast) = plain(&bytes, &limits) {
                proptest::prop_assert_eq!(Ok(fast), decoded);
            }
        }
    }

    /// What the property test inserts inside tags.
    const TAG_EDITS: [&[u8]; 10] = [
        b" a=\"1\"",
        b" soapenv:mustUnderstand=\"1\"",
        b" xmlns=\"urn:payglot:soap:v1\"",
        b" xmlns:pg=\"urn:payglot:soap:v1\"",
        b" xmlns:soapenv=\"urn:other\"",
        b" xmlns:soapenv=\"http://www.w3.org/2003/05/soap-envelope\"",
        b" xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"",
        b"/",
        b" ",
        b"\"",
    ];

    /// What the property test inserts.
    const EDITS: [&[u8]; 34] = [
        b"",
        b" ",
        b"\n",
        b"\t",
        b"x",
        b"<",
        b">",
        b"/",
        b"/>",
        b"=",
        b"\"",
        b"'",
        b":",
        b"&",
        b"&amp;",
        b"\xff",
        b"\xef\xbb\xbf",
        b"\x00",
        b"<!-- c -->",
        b"<!--",
        b"-->",
        b"<?pi x?>",
        b"<?xml version=\"1.0\"?>",
        b"<!DOCTYPE d [<!ENTITY e \"x\">]>",
        b" a=\"1\"",
        b" xmlns=\"urn:payglot:soap:v1\"",
        b" xmlns:pg=\"urn:payglot:soap:v1\"",
        b" xmlns:soapenv=\"urn:other\"",
        b" xmlns:soapenv=\"http://www.w3.org/2003/05/soap-envelope\"",
        b"<soapenv:Header/>",
        b"<soapenv:Body>",
        b"</soapenv:Body>",
        b"<pg:InitiatePaymentRequest>",
        b"</soapenv:Envelope>",
    ];

    /// The one-pass decode gives what the two-pass one gives, for what may follow the body's
    /// element and for namespaces declared on the envelope instead of the element.
    #[test]
    fn in_place_body_reading_agrees_with_the_slow_path() {
        let input = fixture();
        assert!(!input.is_empty(), "fixture present");
        let end = "</pg:InitiatePaymentRequest>";
        let moved_ns = input
            .replace(" xmlns:pg=\"urn:payglot:soap:v1\"", "")
            .replace("<soapenv:Envelope ", "<soapenv:Envelope xmlns:pg=\"urn:payglot:soap:v1\" ");
        let valid = [
            input.clone(),
            input.replace(end, &format!("{end}<!-- after -->\n  ")),
            input.replace("</soapenv:Envelope>", "</soapenv:Envelope>\n<!-- trailing -->\n"),
            moved_ns.clone(),
        ];
        let expected = slow(&input);
        assert!(expected.is_ok(), "{expected:?}");
        for v in &valid {
            // Taken by the fast path, not by the fallback.
            let limits = DecodeLimits::default();
            let fast = match xml::parse_head(v.as_bytes(), &limits) {
                Ok(xml::Parsed::Head(head)) => decode_in_place(head, v.as_bytes(), &limits),
                _ => None,
            };
            assert_eq!(fast.map(|r| r.map(|d| d.message)), Some(expected.clone()), "{v}");
            assert_eq!(decode(v), expected, "{v}");
            assert_eq!(slow(v), expected, "{v}");
        }
        let invalid = [
            input.replace(end, &format!("{end}<pg:Extra/>")),
            input.replace(end, &format!("{end} text")),
            input.replace(end, &format!("{end}<![CDATA[x]]>")),
            input.replace("</soapenv:Envelope>", "</soapenv:Envelope><again/>"),
            input.replace("</soapenv:Body>", "</soapenv:Body><soapenv:Body/>"),
            input.replace("</soapenv:Body>", ""),
            input.replace(end, &format!("{end}<?pi x?>")),
            moved_ns.replace("<soapenv:Body>", "<soapenv:Body xmlns:pg=\"urn:other\">"),
        ];
        for v in &invalid {
            let fast = decode(v);
            assert!(fast.is_err(), "accepted: {v}");
            assert_eq!(fast, slow(v), "{v}");
        }
    }
}

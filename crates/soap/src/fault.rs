//! SOAP faults, both versions and both ways: the yaserde structures of the SOAP 1.1 fault
//! (`faultcode`, `faultstring`, `faultactor`, `detail`) and the SOAP 1.2 fault (`Code/Value`,
//! nested `Subcode`, `Reason/Text` with `xml:lang`, `Node`, `Role`, `Detail`), the one
//! [`Fault`] both read into, and the mapping to and from canonical outcomes through the core
//! outcome table ([`payglot_core_model::outcome`]). payglot's faults carry a `pg:PaymentFault`
//! in their detail with the ISO status reason code.
//!
//! Real servers mix the forms: a SOAP 1.1 fault body inside a 1.2 envelope, codes without a
//! prefix, dotted 1.1 codes (`Client.Authentication`), faults sent with HTTP 200. The reader
//! goes by the shape of the fault's children, not by the envelope's version.

use std::fmt;

use payglot_core_model::outcome::{self, Condition, Outcome, Retry};
use payglot_core_model::{DecodeError, DecodeErrorKind, Location, StatusReason};
use yaserde::{YaDeserialize, YaSerialize};

use crate::envelope::SoapVersion;
use crate::xml::{self, Document, Element};
use crate::{NS_PAYGLOT, NS_SOAP11, NS_SOAP12};

/// The fault classes SOAP defines, and anything else a server sends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FaultCode {
    /// The message was in an envelope namespace the receiver does not speak.
    VersionMismatch,
    /// A header block with `mustUnderstand` was not understood.
    MustUnderstand,
    /// SOAP 1.2 `DataEncodingUnknown`.
    DataEncodingUnknown,
    /// The sender's fault: SOAP 1.1 `Client`, SOAP 1.2 `Sender`.
    Sender,
    /// The receiver's fault: SOAP 1.1 `Server`, SOAP 1.2 `Receiver`.
    Receiver,
    /// Any other code, as written (prefix and local name).
    Other(String),
}

impl FaultCode {
    /// The local name in `version`'s vocabulary.
    pub fn local_name(&self, version: SoapVersion) -> &str {
        match (self, version) {
            (Self::VersionMismatch, _) => "VersionMismatch",
            (Self::MustUnderstand, _) => "MustUnderstand",
            (Self::DataEncodingUnknown, _) => "DataEncodingUnknown",
            (Self::Sender, SoapVersion::V1_1) => "Client",
            (Self::Sender, SoapVersion::V1_2) => "Sender",
            (Self::Receiver, SoapVersion::V1_1) => "Server",
            (Self::Receiver, SoapVersion::V1_2) => "Receiver",
            (Self::Other(code), _) => code,
        }
    }

    /// Read a code's local name in either version's vocabulary.
    fn from_local(local: &str) -> Option<Self> {
        Some(match local {
            "VersionMismatch" => Self::VersionMismatch,
            "MustUnderstand" => Self::MustUnderstand,
            "DataEncodingUnknown" => Self::DataEncodingUnknown,
            "Client" | "Sender" => Self::Sender,
            "Server" | "Receiver" => Self::Receiver,
            _ => return None,
        })
    }

    /// The code of an outcome: 4xx is the sender's fault, 5xx the receiver's.
    pub fn for_outcome(outcome: &Outcome) -> Self {
        if outcome.http_status >= 500 { Self::Receiver } else { Self::Sender }
    }
}

/// payglot's fault detail entry (`pg:PaymentFault`): the ISO reason behind the fault and
/// what the outcome table says about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, YaSerialize, YaDeserialize)]
#[yaserde(rename = "PaymentFault", prefix = "pg", namespaces = { "pg" = "urn:payglot:soap:v1" })]
pub struct PaymentFault {
    /// The ISO `ExternalStatusReason1Code` (`AM04`, `FF01`, ...).
    #[yaserde(rename = "ReasonCode", prefix = "pg")]
    pub reason_code: Option<String>,
    /// payglot's problem type (`urn:payglot:problem:...`).
    #[yaserde(rename = "ProblemType", prefix = "pg")]
    pub problem_type: Option<String>,
    /// The HTTP status the same outcome has in the REST API.
    #[yaserde(rename = "HttpStatus", prefix = "pg")]
    pub http_status: Option<u16>,
    /// `safe`, `never` or `query_status_first`.
    #[yaserde(rename = "Retry", prefix = "pg")]
    pub retry: Option<String>,
    /// The message the fault answers.
    #[yaserde(rename = "OriginalMessageId", prefix = "pg")]
    pub original_message_id: Option<String>,
    /// The payment the fault answers.
    #[yaserde(rename = "OriginalEndToEndId", prefix = "pg")]
    pub original_end_to_end_id: Option<String>,
    /// Where in the request the problem is (XPath-like), for faults from decoding.
    #[yaserde(rename = "Location", prefix = "pg")]
    pub location: Option<String>,
}

/// A SOAP fault, whichever version and shape it came in.
#[derive(Clone, PartialEq, Eq)]
pub struct Fault {
    /// The fault class.
    pub code: FaultCode,
    /// SOAP 1.2 subcodes, outermost first, as written (`pg:AM04`); for SOAP 1.1 the dotted
    /// parts after the class (`Client.Authentication` gives `Authentication`).
    pub subcodes: Vec<String>,
    /// The human-readable reason (`faultstring`, `Reason/Text`).
    pub reason: String,
    /// Its language (`xml:lang`), where given.
    pub lang: Option<String>,
    /// The node that faulted (1.2 `Node`, 1.1 `faultactor`).
    pub node: Option<String>,
    /// The role the node played (1.2 `Role`).
    pub role: Option<String>,
    /// payglot's detail entry, when present.
    pub payment: Option<PaymentFault>,
    /// The `detail`/`Detail` element exactly as received (absent for faults we build).
    pub raw_detail: Option<String>,
    /// The form the fault was written in (not necessarily the envelope's version).
    pub shape: SoapVersion,
}

impl fmt::Debug for Fault {
    // The raw detail can hold anything a server chose to send (account numbers included):
    // Debug shows only its size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fault")
            .field("code", &self.code)
            .field("subcodes", &self.subcodes)
            .field("reason", &self.reason)
            .field("lang", &self.lang)
            .field("node", &self.node)
            .field("role", &self.role)
            .field("payment", &self.payment)
            .field("raw_detail_bytes", &self.raw_detail.as_ref().map(String::len))
            .field("shape", &self.shape)
            .finish()
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SOAP fault {}", self.code.local_name(self.shape))?;
        for subcode in &self.subcodes {
            write!(f, "/{subcode}")?;
        }
        write!(f, ": {}", self.reason)?;
        if let Some(reason) = self.iso_reason() {
            write!(f, " (reason {reason})")?;
        }
        Ok(())
    }
}

fn retry_name(retry: Retry) -> &'static str {
    match retry {
        Retry::Safe { .. } => "safe",
        Retry::Never => "never",
        Retry::QueryStatusFirst => "query_status_first",
    }
}

impl Fault {
    /// A fault of `code` with a reason text.
    pub fn new(code: FaultCode, reason: impl Into<String>, shape: SoapVersion) -> Self {
        Self {
            code,
            subcodes: Vec::new(),
            reason: reason.into(),
            lang: Some("en".to_owned()),
            node: None,
            role: None,
            payment: None,
            raw_detail: None,
            shape,
        }
    }

    /// The fault for an outcome, with its ISO reason in the detail when there is one.
    pub fn from_outcome(outcome: &Outcome, reason: Option<&StatusReason>, version: SoapVersion) -> Self {
        let mut fault = Self::new(FaultCode::for_outcome(outcome), outcome.title, version);
        fault.payment = Some(PaymentFault {
            reason_code: reason.map(|r| r.as_str().to_owned()),
            problem_type: Some(outcome.problem_type.to_owned()),
            http_status: Some(outcome.http_status),
            retry: Some(retry_name(outcome.retry).to_owned()),
            ..PaymentFault::default()
        });
        fault
    }

    /// The fault for an ISO status reason, through the outcome table.
    pub fn from_reason(reason: &StatusReason, version: SoapVersion) -> Self {
        Self::from_outcome(&outcome::for_reason(reason), Some(reason), version)
    }

    /// The fault for a transport or request condition, through the outcome table.
    pub fn from_condition(condition: Condition, version: SoapVersion) -> Self {
        Self::from_outcome(&outcome::for_condition(condition), None, version)
    }

    /// The fault a server answers a request it could not decode with. The text is the
    /// error's, which never holds a full account number.
    pub fn from_decode_error(error: &DecodeError, version: SoapVersion) -> Self {
        let condition = match error.kind() {
            DecodeErrorKind::Syntax => Condition::MalformedRequest,
            DecodeErrorKind::Limit => Condition::PayloadTooLarge,
            _ => Condition::InvalidRequest,
        };
        let mut fault = Self::from_condition(condition, version);
        fault.reason = error.message().to_owned();
        if let Some(payment) = fault.payment.as_mut() {
            payment.location = Some(error.location().to_string());
        }
        fault
    }

    /// The ISO reason code the fault carries: from payglot's detail, else from a subcode that
    /// is a well-formed ISO reason code.
    pub fn iso_reason(&self) -> Option<StatusReason> {
        if let Some(code) = self.payment.as_ref().and_then(|p| p.reason_code.as_deref()) {
            return StatusReason::parse(code).ok();
        }
        self.subcodes.iter().find_map(|s| {
            let local = s.rsplit(':').next().unwrap_or(s);
            StatusReason::parse(local).ok().filter(StatusReason::is_known)
        })
    }

    /// What the fault means, through the outcome table: the ISO reason's outcome when there is
    /// one, else the fault class's (sender's fault: invalid request; receiver's: internal).
    pub fn outcome(&self) -> Outcome {
        if let Some(reason) = self.iso_reason() {
            return outcome::for_reason(&reason);
        }
        match self.code {
            FaultCode::Sender => outcome::for_condition(Condition::InvalidRequest),
            FaultCode::VersionMismatch | FaultCode::MustUnderstand | FaultCode::DataEncodingUnknown => {
                outcome::for_condition(Condition::MalformedRequest)
            }
            FaultCode::Receiver | FaultCode::Other(_) => outcome::for_condition(Condition::Internal),
        }
    }

    /// The fault as a decode error, for callers that expected a business response.
    pub fn to_decode_error(&self) -> DecodeError {
        DecodeError::invalid(Location::path("/Envelope/Body/Fault"), self.to_string())
    }

    /// The `Fault` element, in `version`'s form.
    pub fn to_xml(&self, version: SoapVersion) -> String {
        let detail = self.payment.clone().map(|payment| DetailXml { payment_fault: Some(payment) });
        let result = match version {
            SoapVersion::V1_1 => {
                let mut code = format!("soap:{}", self.code.local_name(version));
                for subcode in &self.subcodes {
                    code.push('.');
                    code.push_str(subcode.rsplit(':').next().unwrap_or(subcode));
                }
                let fault = Fault11Xml {
                    faultcode: code,
                    faultstring: self.reason.clone(),
                    faultactor: self.node.clone(),
                    detail: detail.map(|d| Detail11Xml { payment_fault: d.payment_fault }),
                };
                yaserde::ser::to_string_with_config(&fault, &yaserde_config())
            }
            SoapVersion::V1_2 => {
                let mut subcode: Vec<Subcode12Xml> = Vec::new();
                for value in self.subcodes.iter().rev() {
                    subcode = vec![Subcode12Xml { value: value.clone(), subcode }];
                }
                let fault = Fault12Xml {
                    code: Code12Xml { value: format!("env:{}", self.code.local_name(version)), subcode },
                    reason: Reason12Xml {
                        text: vec![Text12Xml {
                            lang: self.lang.clone().unwrap_or_else(|| "en".to_owned()),
                            text: self.reason.clone(),
                        }],
                    },
                    node: self.node.clone(),
                    role: self.role.clone(),
                    detail,
                };
                yaserde::ser::to_string_with_config(&fault, &yaserde_config())
            }
        };
        // Serializing plain strings cannot fail; should it ever, fall back to a minimal fault
        // rather than panic.
        result.unwrap_or_else(|_| match version {
            SoapVersion::V1_1 => format!(
                "<soap:Fault xmlns:soap=\"{NS_SOAP11}\"><faultcode>soap:Server</faultcode><faultstring>fault</faultstring></soap:Fault>"
            ),
            SoapVersion::V1_2 => format!(
                "<env:Fault xmlns:env=\"{NS_SOAP12}\"><env:Code><env:Value>env:Receiver</env:Value></env:Code><env:Reason><env:Text xml:lang=\"en\">fault</env:Text></env:Reason></env:Fault>"
            ),
        })
    }

    /// A complete envelope holding this fault.
    pub fn to_envelope(&self, version: SoapVersion) -> String {
        crate::envelope::write_envelope(version, &[], &self.to_xml(version))
    }
}

fn yaserde_config() -> yaserde::ser::Config {
    yaserde::ser::Config { perform_indent: false, write_document_declaration: false, indent_string: None }
}

// ---- yaserde structures ------------------------------------------------------------------

/// SOAP 1.1 `Fault` (children unqualified, as the 1.1 schema says).
#[derive(Debug, Default, YaSerialize, YaDeserialize)]
#[yaserde(rename = "Fault", prefix = "soap", namespaces = { "soap" = "http://schemas.xmlsoap.org/soap/envelope/" })]
struct Fault11Xml {
    faultcode: String,
    faultstring: String,
    faultactor: Option<String>,
    detail: Option<Detail11Xml>,
}

#[derive(Debug, Default, YaSerialize, YaDeserialize)]
#[yaserde(rename = "detail")]
struct Detail11Xml {
    #[yaserde(rename = "PaymentFault", prefix = "pg")]
    payment_fault: Option<PaymentFault>,
}

/// SOAP 1.2 `Fault`.
#[derive(Debug, Default, YaSerialize, YaDeserialize)]
#[yaserde(rename = "Fault", prefix = "env", namespaces = { "env" = "http://www.w3.org/2003/05/soap-envelope" })]
struct Fault12Xml {
    #[yaserde(rename = "Code", prefix = "env")]
    code: Code12Xml,
    #[yaserde(rename = "Reason", prefix = "env")]
    reason: Reason12Xml,
    #[yaserde(rename = "Node", prefix = "env")]
    node: Option<String>,
    #[yaserde(rename = "Role", prefix = "env")]
    role: Option<String>,
    #[yaserde(rename = "Detail", prefix = "env")]
    detail: Option<DetailXml>,
}

#[derive(Debug, Default, YaSerialize, YaDeserialize)]
#[yaserde(rename = "Code", prefix = "env", namespaces = { "env" = "http://www.w3.org/2003/05/soap-envelope" })]
struct Code12Xml {
    #[yaserde(rename = "Value", prefix = "env")]
    value: String,
    #[yaserde(rename = "Subcode", prefix = "env")]
    subcode: Vec<Subcode12Xml>,
}

#[derive(Debug, Default, YaSerialize, YaDeserialize)]
#[yaserde(rename = "Subcode", prefix = "env", namespaces = { "env" = "http://www.w3.org/2003/05/soap-envelope" })]
struct Subcode12Xml {
    #[yaserde(rename = "Value", prefix = "env")]
    value: String,
    #[yaserde(rename = "Subcode", prefix = "env")]
    subcode: Vec<Subcode12Xml>,
}

#[derive(Debug, Default, YaSerialize, YaDeserialize)]
#[yaserde(rename = "Reason", prefix = "env", namespaces = { "env" = "http://www.w3.org/2003/05/soap-envelope" })]
struct Reason12Xml {
    #[yaserde(rename = "Text", prefix = "env")]
    text: Vec<Text12Xml>,
}

#[derive(Debug, Default, YaSerialize, YaDeserialize)]
#[yaserde(rename = "Text", prefix = "env", namespaces = { "env" = "http://www.w3.org/2003/05/soap-envelope", "xml" = "http://www.w3.org/XML/1998/namespace" })]
struct Text12Xml {
    #[yaserde(attribute = true, prefix = "xml", rename = "lang")]
    lang: String,
    #[yaserde(text = true)]
    text: String,
}

#[derive(Debug, Default, YaSerialize, YaDeserialize)]
#[yaserde(rename = "Detail", prefix = "env", namespaces = { "env" = "http://www.w3.org/2003/05/soap-envelope" })]
struct DetailXml {
    #[yaserde(rename = "PaymentFault", prefix = "pg")]
    payment_fault: Option<PaymentFault>,
}

// ---- reading -----------------------------------------------------------------------------

/// Whether an element is a SOAP fault of either version.
pub(crate) fn is_fault(element: &Element) -> bool {
    element.is(NS_SOAP11, "Fault") || element.is(NS_SOAP12, "Fault")
}

/// Split a QName value (`soap:Client`) into the namespace its prefix is bound to and its local name.
fn resolve_qname_value<'a>(element: &Element, value: &'a str) -> (Option<String>, &'a str) {
    let value = value.trim();
    match value.split_once(':') {
        Some((prefix, local)) => {
            let ns = element.in_scope.iter().rev().find(|(p, _)| p == prefix).map(|(_, uri)| uri.clone());
            (ns, local)
        }
        None => (element.in_scope.iter().rev().find(|(p, _)| p.is_empty()).map(|(_, uri)| uri.clone()), value),
    }
}

fn fault_code(element: &Element, value: &str) -> (FaultCode, Vec<String>) {
    let (ns, local) = resolve_qname_value(element, value);
    let standard_ns = matches!(ns.as_deref(), Some(NS_SOAP11 | NS_SOAP12) | None);
    // SOAP 1.1 dotted codes: Client.Authentication.
    let mut parts = local.split('.');
    let head = parts.next().unwrap_or(local);
    match FaultCode::from_local(head) {
        Some(code) if standard_ns => (code, parts.map(str::to_owned).collect()),
        _ => (FaultCode::Other(value.trim().to_owned()), Vec::new()),
    }
}

/// The element with namespace declarations of its scope added, so it parses alone.
pub(crate) fn standalone(doc: &Document<'_>, element: &Element) -> String {
    let raw = doc.raw(element);
    // The name ends at the first whitespace, `/` or `>` of the start tag.
    let name_end = raw
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_whitespace() || *c == '/' || *c == '>')
        .map_or(raw.len(), |(i, _)| i);
    let mut used = Vec::new();
    if element.shallow {
        // No tree below it: which namespaces it uses is unknown, so declare all in scope.
        used.extend(element.in_scope.iter().map(|(_, uri)| uri.as_str()));
    } else {
        used_namespaces(element, &mut used);
    }
    // The element's own declarations stay as they are written.
    let own = element.in_scope.get(element.in_scope.len().saturating_sub(element.declared_here)..).unwrap_or_default();
    let mut declarations = String::new();
    let mut seen: Vec<&str> = Vec::new();
    for (prefix, uri) in element.in_scope.iter().rev() {
        if seen.contains(&prefix.as_str()) {
            continue;
        }
        seen.push(prefix);
        // Only declarations the fragment uses: inherited unused ones would change the bytes
        // for nothing.
        if !used.contains(&uri.as_str()) {
            continue;
        }
        if own.iter().any(|(p, _)| p == prefix) {
            continue;
        }
        let attr = if prefix.is_empty() { "xmlns".to_owned() } else { format!("xmlns:{prefix}") };
        declarations.push(' ');
        declarations.push_str(&attr);
        declarations.push_str("=\"");
        xml::escape_attr(uri, &mut declarations);
        declarations.push('"');
    }
    format!("{}{}{}", raw.get(..name_end).unwrap_or(""), declarations, raw.get(name_end..).unwrap_or(""))
}

/// Namespaces the element and its descendants use, in element and attribute names.
fn used_namespaces<'a>(element: &'a Element, used: &mut Vec<&'a str>) {
    if let Some(ns) = element.ns.as_deref()
        && !used.contains(&ns)
    {
        used.push(ns);
    }
    for attr in &element.attrs {
        if let Some(ns) = attr.ns.as_deref()
            && !used.contains(&ns)
        {
            used.push(ns);
        }
    }
    for child in &element.children {
        used_namespaces(child, used);
    }
}

/// Read a fault element of either version and either shape.
pub(crate) fn read_fault(doc: &Document<'_>, element: &Element) -> Result<Fault, DecodeError> {
    let shape11 = element.children.iter().any(|c| c.local == "faultcode");
    let shape12 = element.children.iter().any(|c| c.is(NS_SOAP12, "Code"));
    let invalid = |message: String| DecodeError::invalid(Location::path("/Envelope/Body/Fault"), message);
    let raw_detail = element
        .children
        .iter()
        .find(|c| c.local == "detail" || c.is(NS_SOAP12, "Detail"))
        .map(|d| doc.raw(d).to_owned());
    let payment = element
        .children
        .iter()
        .find(|c| c.local == "detail" || c.is(NS_SOAP12, "Detail"))
        .and_then(|d| d.child(NS_PAYGLOT, "PaymentFault"))
        .map(|p| yaserde::de::from_str::<PaymentFault>(&standalone(doc, p)))
        .transpose()
        .map_err(|e| invalid(format!("invalid PaymentFault detail: {e}")))?;
    if shape11 {
        let text_of = |name: &str| element.children.iter().find(|c| c.local == name).map(|c| c.text.trim().to_owned());
        let code_element = element.children.iter().find(|c| c.local == "faultcode");
        let (code, subcodes) = match code_element {
            Some(c) => fault_code(c, &c.text),
            None => return Err(invalid("fault without faultcode".to_owned())),
        };
        let lang = element
            .children
            .iter()
            .find(|c| c.local == "faultstring")
            .and_then(|c| c.attr(Some(xml::XML_NS), "lang"))
            .map(str::to_owned);
        return Ok(Fault {
            code,
            subcodes,
            reason: text_of("faultstring").unwrap_or_default(),
            lang,
            node: text_of("faultactor"),
            role: None,
            payment,
            raw_detail,
            shape: SoapVersion::V1_1,
        });
    }
    if shape12 {
        let code_element = element.child(NS_SOAP12, "Code");
        let mut code = FaultCode::Other(String::new());
        let mut subcodes = Vec::new();
        if let Some(code_element) = code_element {
            if let Some(value) = code_element.child(NS_SOAP12, "Value") {
                code = fault_code(value, &value.text).0;
            }
            let mut current = code_element.child(NS_SOAP12, "Subcode");
            while let Some(subcode) = current {
                if let Some(value) = subcode.child(NS_SOAP12, "Value") {
                    subcodes.push(value.text.trim().to_owned());
                }
                current = subcode.child(NS_SOAP12, "Subcode");
            }
        }
        let texts: Vec<&Element> = element
            .child(NS_SOAP12, "Reason")
            .map(|r| r.children_named(NS_SOAP12, "Text").collect())
            .unwrap_or_default();
        // Prefer English when the server sent several languages.
        let text = texts
            .iter()
            .find(|t| t.attr(Some(xml::XML_NS), "lang").is_some_and(|l| l.starts_with("en")))
            .or_else(|| texts.first());
        let child_text = |name: &str| element.child(NS_SOAP12, name).map(|c| c.text.trim().to_owned());
        return Ok(Fault {
            code,
            subcodes,
            reason: text.map(|t| t.text.trim().to_owned()).unwrap_or_default(),
            lang: text.and_then(|t| t.attr(Some(xml::XML_NS), "lang")).map(str::to_owned),
            node: child_text("Node"),
            role: child_text("Role"),
            payment,
            raw_detail,
            shape: SoapVersion::V1_2,
        });
    }
    Err(invalid("fault with neither faultcode (SOAP 1.1) nor Code (SOAP 1.2)".to_owned()))
}

/// Parse the `Fault` element a yaserde structure writes, to check the writer against the
/// reader; used by tests.
#[cfg(test)]
fn roundtrip(fault: &Fault, version: SoapVersion) -> Result<Fault, DecodeError> {
    let envelope = fault.to_envelope(version);
    let message = crate::envelope::parse_envelope(envelope.as_bytes(), &payglot_core_model::DecodeLimits::default())
        .map_err(|e| *e.error)?;
    match message.body {
        crate::envelope::Body::Fault(fault) => Ok(fault),
        crate::envelope::Body::Payload(_) => Err(DecodeError::invalid(Location::default(), "not a fault")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_faults_round_trip_in_both_versions() {
        let reason = StatusReason::parse("AM04").map_err(|e| e.to_string());
        let Ok(reason) = reason else { panic!("AM04 parses") };
        for version in [SoapVersion::V1_1, SoapVersion::V1_2] {
            let fault = Fault::from_reason(&reason, version);
            let back = roundtrip(&fault, version).map_err(|e| e.to_string());
            let back = back.as_ref().map(|f| (f.code.clone(), f.reason.clone(), f.payment.clone(), f.iso_reason()));
            assert_eq!(
                back,
                Ok((fault.code.clone(), fault.reason.clone(), fault.payment.clone(), Some(reason.clone()))),
                "{version:?}: {}",
                fault.to_envelope(version)
            );
            assert_eq!(fault.outcome(), outcome::for_reason(&reason));
        }
    }

    #[test]
    fn subcodes_nest_in_soap12_and_dot_in_soap11() {
        let mut fault = Fault::new(FaultCode::Sender, "bad", SoapVersion::V1_2);
        fault.subcodes = vec!["pg:InvalidRequest".to_owned(), "pg:AM04".to_owned()];
        let back = roundtrip(&fault, SoapVersion::V1_2).map_err(|e| e.to_string());
        assert_eq!(back.as_ref().map(|f| f.subcodes.clone()), Ok(fault.subcodes.clone()));
        let xml11 = fault.to_xml(SoapVersion::V1_1);
        assert!(xml11.contains("<faultcode>soap:Client.InvalidRequest.AM04</faultcode>"), "{xml11}");
        let back = roundtrip(&fault, SoapVersion::V1_1).map_err(|e| e.to_string());
        assert_eq!(
            back.map(|f| (f.code, f.subcodes)),
            Ok((FaultCode::Sender, vec!["InvalidRequest".to_owned(), "AM04".to_owned()]))
        );
    }
}

//! SOAP for payglot: SOAP 1.1 and 1.2 envelopes, faults, WS-Security UsernameToken, payglot's
//! own SOAP service (`soap:payglot`) and ISO 20022 documents over SOAP (`soap:iso20022`).
//!
//! Most users want the `payglot` crate, which registers these codecs beside every other format.
//!
//! # Brief overview
//! - [`SoapPayglot`]: the `soap:payglot` codec for payglot's service contract
//!   (`schemas/soap/payglot.wsdl`, `payglot.xsd`): `InitiatePayment`, `GetPaymentStatus`,
//!   `GetStatement`. [`payglot::read_body`] gives every operation's body typed, queries included.
//! - [`SoapIso20022`]: the `soap:iso20022` codec, around an inner ISO 20022 codec the caller
//!   supplies (this crate knows no ISO message): a Document (and AppHdr) in the SOAP Body, or
//!   the Nordic `ApplicationRequest`/`ApplicationResponse` secure envelope.
//! - [`parse_envelope`], [`SoapMessage`], [`write_envelope`]: envelopes of both versions, with
//!   exactly one Body element, `mustUnderstand` checking and `VersionMismatch`.
//! - [`Fault`]: faults of both versions and the mixed shapes real servers send, mapped to and
//!   from the core outcome table.
//! - [`transport`]: `SOAPAction` vs the `action` media-type parameter; faults with HTTP 200.
//! - [`wssec`]: WS-Security UsernameToken (`PasswordText`, `PasswordDigest`), freshness and
//!   replay checks, secrets kept out of `Debug` and errors.
//!
//! Every reader refuses DTDs (SOAP forbids them), processing instructions and unknown entities,
//! and honours [`DecodeLimits`](payglot_core_model::DecodeLimits).
//!
//! # Example
//! ```
//! use payglot_core_model::{Codec, DecodeLimits, EncodeOptions, Message};
//! use payglot_soap::{SoapPayglot, SoapVersion};
//!
//! let request = br#"<?xml version="1.0" encoding="UTF-8"?>
//! <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
//!   <soap:Body>
//!     <InitiatePaymentRequest xmlns="urn:payglot:soap:v1">
//!       <Header><MessageId>MSG-1</MessageId><Created>2024-03-01T10:00:00Z</Created></Header>
//!       <Batches>
//!         <Id>B-1</Id><Method>transfer</Method>
//!         <Transfers>
//!           <Ids><EndToEndId>E2E-1</EndToEndId></Ids>
//!           <InstructedAmount><Amount>10.50</Amount><Currency>EUR</Currency></InstructedAmount>
//!           <Debtor><Name>Alice</Name></Debtor>
//!           <DebtorAccount><Id><Iban>DE89370400440532013000</Iban></Id></DebtorAccount>
//!           <Creditor><Name>Bob</Name></Creditor>
//!         </Transfers>
//!       </Batches>
//!     </InitiatePaymentRequest>
//!   </soap:Body>
//! </soap:Envelope>"#;
//! let decoded = SoapPayglot::default().decode(request, &DecodeLimits::default())?;
//! let Message::PaymentInitiation(payment) = &decoded.message else { unreachable!() };
//! assert_eq!(payment.transfers().count(), 1);
//! assert!(decoded.losses.is_empty());
//! // The same message as a SOAP 1.2 request.
//! let soap12 = SoapPayglot::new(SoapVersion::V1_2).encode(&decoded.message, &EncodeOptions::default())?;
//! assert!(String::from_utf8_lossy(&soap12.bytes).contains("http://www.w3.org/2003/05/soap-envelope"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod body_manual;
pub mod envelope;
pub mod fault;
pub mod iso;
pub mod payglot;
pub mod transport;
pub mod wssec;
mod xml;

pub use envelope::{Body, HeaderBlock, Payload, SoapError, SoapMessage, SoapVersion, parse_envelope, write_envelope};
pub use fault::{Fault, FaultCode, PaymentFault};
pub use iso::{NordicConfig, SoapIso20022};
pub use payglot::{Operation, PayglotBody, PaymentStatusQuery, SoapPayglot, StatementQuery};

/// The SOAP 1.1 envelope namespace.
pub const NS_SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The SOAP 1.2 envelope namespace.
pub const NS_SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// The namespace of payglot's SOAP service (`schemas/soap/payglot.xsd`).
pub const NS_PAYGLOT: &str = "urn:payglot:soap:v1";
/// The WS-Security 1.0 (OASIS 2004) extension namespace.
pub const NS_WSSE: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// The WS-Security utility namespace (`wsu:Created`).
pub const NS_WSU: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

/// Which SOAP format `input` is, for the facade's `detect()`: `soap:payglot` when the Body's
/// element is in payglot's namespace, `soap:iso20022` when it is an ISO 20022 document (or a
/// wrapper around one) or a Nordic secure envelope; `None` for anything else, including input
/// that is not a well-formed SOAP envelope within the default limits.
pub fn sniff(input: &[u8]) -> Option<payglot_core_model::Format> {
    let message = parse_envelope(input, &payglot_core_model::DecodeLimits::default()).ok()?;
    let Body::Payload(payload) = &message.body else { return None };
    let ns = payload.namespace.as_deref().unwrap_or("");
    if ns == NS_PAYGLOT {
        return Some(payglot_core_model::Format::SOAP_PAYGLOT);
    }
    let iso_like = |ns: &str| ns.starts_with("urn:iso:std:iso:20022:tech:xsd:") || ns == iso::NS_BXD;
    let nordic_wrapper = payload
        .element
        .children
        .iter()
        .any(|c| matches!(c.local.as_str(), "ApplicationRequest" | "ApplicationResponse"));
    let wrapped_document =
        payload.element.children.iter().any(|c| c.local == "Document" && c.ns.as_deref().is_some_and(iso_like));
    (iso_like(ns) || nordic_wrapper || wrapped_document).then_some(payglot_core_model::Format::SOAP_ISO20022)
}

/// The entry point of the envelope fuzz target (`fuzz/fuzz_targets/soap_envelope.rs`): runs
/// every reader of this crate on arbitrary bytes. It must never panic.
pub fn fuzz_envelope(data: &[u8]) {
    use payglot_core_model::Codec as _;
    let limits = payglot_core_model::DecodeLimits::default();
    if let Ok(message) = parse_envelope(data, &limits) {
        let _ = message.check_must_understand(&[(NS_WSSE, "Security")]);
        let _ = wssec::UsernameToken::from_message(&message);
        let _ = payglot::read_body(&message);
        if let Body::Fault(fault) = &message.body {
            let _ =
                (fault.outcome(), fault.to_string(), fault.to_xml(SoapVersion::V1_1), fault.to_xml(SoapVersion::V1_2));
        }
    }
    let _ = SoapPayglot::default().decode(data, &limits);
    let _ = SoapIso20022::new(&RefuseAll, SoapVersion::V1_1).decode(data, &limits);
    let _ = sniff(data);
}

/// An inner codec that refuses everything, for fuzzing the SOAP layer alone.
#[derive(Debug)]
struct RefuseAll;

impl payglot_core_model::Codec for RefuseAll {
    fn format(&self) -> payglot_core_model::Format {
        payglot_core_model::Format::from_static("iso20022:none")
    }
    fn decode(
        &self,
        _input: &[u8],
        _limits: &payglot_core_model::DecodeLimits,
    ) -> Result<payglot_core_model::Decoded, payglot_core_model::DecodeError> {
        Err(payglot_core_model::DecodeError::unsupported(payglot_core_model::Location::default(), "fuzzing"))
    }
    fn encode(
        &self,
        _message: &payglot_core_model::Message,
        _opts: &payglot_core_model::EncodeOptions,
    ) -> Result<payglot_core_model::Encoded, payglot_core_model::EncodeError> {
        Err(payglot_core_model::EncodeError::Unsupported("fuzzing".to_owned()))
    }
}

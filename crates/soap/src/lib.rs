//! SOAP for payglot: SOAP 1.1 and 1.2 envelopes, faults, WS-Security UsernameToken, payglot's
//! own SOAP service (`soap:payglot`) and ISO 20022 documents over SOAP (`soap:iso20022`).

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

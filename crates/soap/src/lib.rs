//! SOAP for payglot: SOAP 1.1 and 1.2 envelopes, faults, WS-Security UsernameToken, payglot's
//! own SOAP service (`soap:payglot`) and ISO 20022 documents over SOAP (`soap:iso20022`).

#![deny(missing_docs)]

pub mod envelope;
pub mod fault;
mod xml;

/// The SOAP 1.1 envelope namespace.
pub const NS_SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The SOAP 1.2 envelope namespace.
pub const NS_SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// The namespace of payglot's SOAP service (`schemas/soap/payglot.xsd`).
pub const NS_PAYGLOT: &str = "urn:payglot:soap:v1";

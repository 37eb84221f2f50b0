//! The HTTP details each SOAP version uses, for callers that send or serve SOAP: SOAP 1.1 puts
//! the action in a `SOAPAction` header and uses `text/xml`; SOAP 1.2 puts it in the `action`
//! parameter of `application/soap+xml`. And how to read a response: a fault is a fault whatever
//! the HTTP status (servers send faults with 200), and a 500 without a fault is not a response.

use payglot_core_model::{DecodeError, DecodeLimits, Location};

use crate::envelope::{self, Body, SoapError, SoapMessage, SoapVersion};
use crate::fault::{Fault, FaultCode};

/// The HTTP request headers to send a SOAP message of `version` for `action`.
pub fn request_headers(version: SoapVersion, action: &str) -> Vec<(&'static str, String)> {
    match version {
        SoapVersion::V1_1 => {
            vec![("Content-Type", "text/xml; charset=utf-8".to_owned()), ("SOAPAction", format!("\"{action}\""))]
        }
        SoapVersion::V1_2 => {
            vec![("Content-Type", format!("application/soap+xml; charset=utf-8; action=\"{action}\""))]
        }
    }
}

/// The `Content-Type` of a response (no action).
pub fn response_content_type(version: SoapVersion) -> String {
    format!("{}; charset=utf-8", version.media_type())
}

/// The HTTP status a server sends a fault with: 500, as both SOAP versions' HTTP bindings say
/// (SOAP 1.2 uses 400 for `Sender` faults).
pub fn fault_http_status(fault: &Fault, version: SoapVersion) -> u16 {
    match (version, &fault.code) {
        (SoapVersion::V1_2, FaultCode::Sender | FaultCode::VersionMismatch) => 400,
        _ => 500,
    }
}

/// What the transport says about a request: its SOAP version and action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTransport {
    /// The version the media type names.
    pub version: SoapVersion,
    /// The action: the unquoted `SOAPAction` header (1.1) or the `action` parameter (1.2).
    pub action: Option<String>,
}

fn unquote(value: &str) -> &str {
    let value = value.trim();
    value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value)
}

/// Read the version and action from a request's `Content-Type` and `SOAPAction` headers.
/// SOAP 1.1 requires the `SOAPAction` header (it may be empty); an unknown media type is
/// refused.
pub fn read_request_headers(content_type: &str, soap_action: Option<&str>) -> Result<RequestTransport, SoapError> {
    let mut parts = content_type.split(';');
    let media_type = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let params: Vec<(String, String)> = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), unquote(v).to_owned()))
        .collect();
    let unsupported = |message: String| SoapError {
        code: FaultCode::Sender,
        error: DecodeError::unsupported(Location::default(), message),
        version: SoapVersion::V1_1,
    };
    if let Some((_, charset)) = params.iter().find(|(k, _)| k == "charset")
        && !charset.eq_ignore_ascii_case("utf-8")
    {
        return Err(unsupported(format!("charset {charset:?}: only UTF-8 is supported")));
    }
    match media_type.as_str() {
        "text/xml" => match soap_action {
            Some(action) => {
                let action = unquote(action);
                Ok(RequestTransport {
                    version: SoapVersion::V1_1,
                    action: (!action.is_empty()).then(|| action.to_owned()),
                })
            }
            None => Err(unsupported("SOAP 1.1 request without a SOAPAction header".to_owned())),
        },
        "application/soap+xml" => Ok(RequestTransport {
            version: SoapVersion::V1_2,
            action: params.into_iter().find(|(k, _)| k == "action").map(|(_, v)| v).filter(|v| !v.is_empty()),
        }),
        other => Err(unsupported(format!("media type {other:?} is not SOAP (text/xml or application/soap+xml)"))),
    }
}

/// Read an HTTP response carrying SOAP: the parsed message, whose body is a
/// [`Body::Fault`] whenever the server sent a fault, with HTTP 200 or 500 alike. A 4xx/5xx
/// status without a fault in the body is an error.
pub fn read_response(http_status: u16, body: &[u8], limits: &DecodeLimits) -> Result<SoapMessage, SoapError> {
    let message = envelope::parse_envelope(body, limits)?;
    if http_status >= 400 && !matches!(message.body, Body::Fault(_)) {
        return Err(SoapError {
            code: FaultCode::Receiver,
            error: DecodeError::invalid(
                Location::path("/Envelope/Body"),
                format!("HTTP {http_status} without a SOAP fault in the body"),
            ),
            version: message.version,
        });
    }
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_carry_the_action_differently() {
        let h11 = request_headers(SoapVersion::V1_1, "urn:payglot:soap:v1:InitiatePayment");
        assert_eq!(h11[1], ("SOAPAction", "\"urn:payglot:soap:v1:InitiatePayment\"".to_owned()));
        let h12 = request_headers(SoapVersion::V1_2, "urn:a");
        assert_eq!(h12.len(), 1);
        let read = read_request_headers(&h12[0].1, None);
        assert_eq!(read, Ok(RequestTransport { version: SoapVersion::V1_2, action: Some("urn:a".to_owned()) }));
        let read = read_request_headers(&h11[0].1, Some(&h11[1].1)).map(|t| t.action);
        assert_eq!(read, Ok(Some("urn:payglot:soap:v1:InitiatePayment".to_owned())));
        assert!(read_request_headers("text/xml", None).is_err());
        assert!(read_request_headers("application/json", None).is_err());
        assert!(read_request_headers("text/xml; charset=iso-8859-1", Some("")).is_err());
    }
}

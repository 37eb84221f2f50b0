//! `detect`: recognise a format from content (JSON shape, XML namespace and root element),
//! never from a file name.

use std::collections::BTreeMap;

use payglot_core_model::{DecodeError, DecodeLimits, Format, Location};
use serde::de::IgnoredAny;

/// Recognise the format of `input`. Fails with an `Unsupported` error naming what was seen
/// when no codec of this build reads it.
pub fn detect(input: &[u8], limits: &DecodeLimits) -> Result<Format, DecodeError> {
    limits.check_size(input)?;
    let start = first_significant_byte(input);
    match start {
        // A top-level array is read as JSON too, so its depth and syntax errors come with a position.
        Some(b'{' | b'[') => detect_json(input, limits),
        Some(b'<') => detect_xml(input),
        Some(_) => Err(DecodeError::unsupported(Location::default(), "input is neither a JSON object nor XML")),
        None => Err(DecodeError::syntax(Location::default(), "input is empty")),
    }
}

fn detect_xml(input: &[u8]) -> Result<Format, DecodeError> {
    // A SOAP envelope first: an ISO 20022 Document inside a SOAP Body is soap:iso20022.
    if let Some(format) = payglot_soap::sniff(input) {
        return Ok(format);
    }
    match payglot_iso20022::sniff(input) {
        Some(Ok(format)) => Ok(format),
        Some(Err(namespace)) => {
            let version = namespace.rsplit(':').next().unwrap_or(&namespace).to_owned();
            Err(DecodeError::unsupported(Location::path("/Document"), format!("unsupported version {version}")))
        }
        None => Err(DecodeError::unsupported(Location::default(), "XML input without an ISO 20022 Document")),
    }
}

fn first_significant_byte(input: &[u8]) -> Option<u8> {
    let without_bom = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    without_bom.iter().copied().find(|b| !b.is_ascii_whitespace())
}

fn detect_json(input: &[u8], limits: &DecodeLimits) -> Result<Format, DecodeError> {
    // Only the top-level keys matter; values are skipped without being built.
    let keys: BTreeMap<String, IgnoredAny> = payglot_core_model::json::from_slice(input, limits)?;
    if keys.contains_key("canonical_version") {
        return Ok(Format::CANONICAL_JSON);
    }
    if let Some(format) = payglot_graphql::sniff(input).or_else(|| payglot_rest::sniff(input)) {
        return Ok(format);
    }
    let seen: Vec<&str> = keys.keys().map(String::as_str).take(8).collect();
    Err(DecodeError::unsupported(
        Location::default(),
        format!("JSON of an unknown shape (top-level keys: {})", seen.join(", ")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_is_recognised() {
        let format = detect(br#" {"message": {}, "canonical_version": 1}"#, &DecodeLimits::default());
        assert_eq!(format, Ok(Format::CANONICAL_JSON));
    }

    #[test]
    fn unknown_shapes_name_what_was_seen() {
        let error = detect(br#"{"foo": 1}"#, &DecodeLimits::default()).err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("foo")));
        assert!(detect(b"", &DecodeLimits::default()).is_err());
        assert!(detect(b"   ", &DecodeLimits::default()).is_err());
    }
}

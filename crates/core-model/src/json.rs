//! `canonical:json`: the documented, versioned JSON form of the canonical model, and the JSON
//! hygiene every JSON decoder of the workspace shares (depth pre-scan, duplicate-key refusal,
//! JSON-pointer error locations).
//!
//! The document is `{"canonical_version": 1, "message": {"<kind>": {...}}}`. Amounts are
//! decimal strings; a JSON number where an amount belongs is refused; unknown fields and
//! duplicate keys are refused; the encoder's output decodes to the same message, and decoding
//! then encoding a document the encoder wrote gives the same bytes.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::codec::{Codec, DecodeLimits, Decoded, EncodeOptions, Encoded, Format};
use crate::error::{DecodeError, EncodeError, Location};
use crate::message::Message;

/// The version of the `canonical:json` form this build reads and writes.
pub const CANONICAL_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document<M> {
    canonical_version: u32,
    message: M,
}

/// The `canonical:json` codec.
#[derive(Debug, Clone, Copy, Default)]
pub struct CanonicalJson;

impl Codec for CanonicalJson {
    fn format(&self) -> Format {
        Format::CANONICAL_JSON
    }

    fn decode(&self, input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        let document: Document<Message> = from_slice(input, limits)?;
        if document.canonical_version != CANONICAL_VERSION {
            return Err(DecodeError::unsupported(
                Location::path("/canonical_version"),
                format!(
                    "canonical_version {} is not supported; this build reads version {CANONICAL_VERSION}",
                    document.canonical_version
                ),
            ));
        }
        Ok(Decoded::exact(document.message))
    }

    fn encode(&self, message: &Message, _opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        let document = Document { canonical_version: CANONICAL_VERSION, message };
        let mut bytes =
            serde_json::to_vec_pretty(&document).map_err(|e| EncodeError::unrepresentable("", e.to_string()))?;
        bytes.push(b'\n');
        Ok(Encoded { bytes, losses: Vec::new() })
    }
}

/// Deserialize untrusted JSON into `T` with the workspace's rules: size and depth limits
/// checked before parsing, UTF-8 BOM refused, errors located by JSON pointer and line:column.
/// Duplicate keys are refused by serde's derived structs; maps must use [`unique_map`].
pub fn from_slice<T: DeserializeOwned>(input: &[u8], limits: &DecodeLimits) -> Result<T, DecodeError> {
    limits.check_size(input)?;
    if input.starts_with(b"\xEF\xBB\xBF") {
        return Err(DecodeError::syntax(Location::at("", 1, 1), "a UTF-8 byte order mark is not allowed in JSON"));
    }
    check_json_shape(input, limits)?;
    let mut deserializer = serde_json::Deserializer::from_slice(input);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| located(input, e))?;
    deserializer.end().map_err(|e| syntax_error(input, &e))?;
    Ok(value)
}

fn located(input: &[u8], error: serde_path_to_error::Error<serde_json::Error>) -> DecodeError {
    let pointer = json_pointer(error.path());
    let inner = error.into_inner();
    let location = Location { path: pointer, line: Some(inner.line() as u64), column: Some(inner.column() as u64) };
    let message = strip_position(&inner.to_string());
    match inner.classify() {
        serde_json::error::Category::Data => DecodeError::invalid(location, message),
        _ => syntax_error(input, &inner),
    }
}

fn syntax_error(_input: &[u8], error: &serde_json::Error) -> DecodeError {
    let location = Location::at("", error.line() as u64, error.column() as u64);
    DecodeError::syntax(location, strip_position(&error.to_string()))
}

/// serde_json appends " at line L column C"; we carry the position in the Location instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message.get(..at).unwrap_or(message).to_owned(),
        None => message.to_owned(),
    }
}

/// serde_path_to_error's path (`message.payment_initiation.batches[0]`) as a JSON pointer
/// (`/message/payment_initiation/batches/0`).
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => pointer.push_str(variant),
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

/// One linear pass over the bytes before parsing: nesting depth (so a 10 MB `[[[[...` fails at
/// the first bracket past the limit, not after building a tree), string length, and the
/// literals JSON does not have (`NaN`, `Infinity`) are found with a position.
fn check_json_shape(input: &[u8], limits: &DecodeLimits) -> Result<(), DecodeError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut string_start = 0usize;
    for (offset, &byte) in input.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
                if offset - string_start > limits.max_string_bytes {
                    return Err(limit_at(
                        input,
                        string_start,
                        format!("a string is longer than {} bytes", limits.max_string_bytes),
                    ));
                }
            }
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                string_start = offset;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(limit_at(input, offset, format!("nesting deeper than {} levels", limits.max_depth)));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn limit_at(input: &[u8], offset: usize, message: String) -> DecodeError {
    let (line, column) = Location::line_column(input, offset);
    DecodeError::limit(Location::at("", line, column), message)
}

/// Deserialize a string map, refusing duplicate keys (serde's own maps keep the last value,
/// which would let `{"a": "1", "a": "2"}` mean two things to two parsers).
pub fn unique_map<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error> {
    struct UniqueMap;

    impl<'de> Visitor<'de> for UniqueMap {
        type Value = BTreeMap<String, String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of strings with unique keys")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            let mut map = BTreeMap::new();
            while let Some((key, value)) = access.next_entry::<String, String>()? {
                if map.contains_key(&key) {
                    return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
                }
                map.insert(key, value);
            }
            Ok(map)
        }
    }

    deserializer.deserialize_map(UniqueMap)
}

/// Any JSON value, for the free-form parts of a document (GraphQL variables, a REST body read
/// before its dialect is known), with the workspace's rules at every depth: duplicate object
/// keys are refused (serde_json's own `Value` keeps the last one silently) and so are
/// floating-point numbers (an amount written as one has already been through a float; amounts
/// are decimal strings or integer minor units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrictValue(pub serde_json::Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value without floating-point numbers (amounts are decimal strings or integer minor units)")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = serde_json::Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let StrictValue(value) = access.next_value()?;
            map.insert(key, value);
        }
        Ok(serde_json::Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DecodeErrorKind;

    fn decode(json: &str) -> Result<Decoded, DecodeError> {
        CanonicalJson.decode(json.as_bytes(), &DecodeLimits::default())
    }

    #[test]
    fn deep_nesting_fails_fast_with_position() {
        let deep = "[".repeat(10 << 20);
        let error = CanonicalJson.decode(deep.as_bytes(), &DecodeLimits::default()).err();
        let error = error.unwrap_or_else(|| panic!("accepted"));
        assert_eq!(error.kind(), DecodeErrorKind::Limit);
        assert_eq!(error.location().column, Some(65));
    }

    #[test]
    fn bom_and_trailing_garbage_are_refused() {
        let bom = CanonicalJson.decode(b"\xEF\xBB\xBF{}", &DecodeLimits::default());
        assert!(bom.is_err_and(|e| e.kind() == DecodeErrorKind::Syntax));
        assert!(decode(r#"{"canonical_version": 1} x"#).is_err());
    }

    #[test]
    fn unknown_fields_and_versions_are_refused() {
        let unknown = decode(r#"{"canonical_version": 1, "message": {"statement": {}}, "extra": 1}"#);
        assert!(unknown.is_err_and(|e| e.kind() == DecodeErrorKind::Invalid));
    }

    #[test]
    fn unique_map_refuses_duplicates() {
        #[derive(Deserialize, Debug)]
        struct Holder {
            #[serde(deserialize_with = "unique_map")]
            #[allow(dead_code)]
            map: BTreeMap<String, String>,
        }
        let error = from_slice::<Holder>(br#"{"map": {"a": "1", "a": "2"}}"#, &DecodeLimits::default()).err();
        let error = error.unwrap_or_else(|| panic!("accepted"));
        assert!(error.message().contains("duplicate key `a`"), "{error}");
        assert_eq!(error.location().path, "/map");
    }

    #[test]
    fn strict_value_refuses_duplicates_and_floats_at_any_depth() {
        let ok: StrictValue = from_slice(br#"{"a": [1, "x", null, true, {"b": -2}]}"#, &DecodeLimits::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.0["a"][4]["b"], -2);
        let duplicate = from_slice::<StrictValue>(br#"{"a": {"b": 1, "b": 2}}"#, &DecodeLimits::default());
        assert!(duplicate.is_err_and(|e| e.to_string().contains("duplicate key `b`")));
        let float = from_slice::<StrictValue>(br#"{"a": [12.5]}"#, &DecodeLimits::default());
        assert!(float.is_err_and(|e| e.to_string().contains("floating point")));
    }
}

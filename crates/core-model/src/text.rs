//! Bounded text: ISO 20022's `MaxNText` types, and the identifier newtypes built on them.
//!
//! The text is held in a `CompactString` (up to 24 bytes inline, the size of a `String`), so
//! the short values most messages carry (names, references, codes) cost no allocation when
//! built from a `&str` (`TryFrom<&str>`, `FromStr`, deserialization from borrowed input).

use std::fmt;

use compact_str::CompactString;

use crate::error::InvalidValue;

/// Text of 1 to `N` characters (Unicode scalar values, as XSD counts length) with no control
/// characters other than tab, line feed and carriage return — the ones XML 1.0 can carry.
/// `Text<35>` is ISO 20022's `Max35Text`, `Text<140>` its `Max140Text`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text<const N: usize>(CompactString);

impl<const N: usize> Text<N> {
    /// The maximum length in characters.
    pub const MAX: usize = N;

    /// Accept `text` if it is 1 to `N` characters long and free of control characters.
    pub fn new(text: impl Into<String>) -> Result<Self, InvalidValue> {
        Self::from_string(text.into())
    }

    /// [`Text::new`] for an owned string: a long one keeps its allocation, a short one is
    /// copied inline.
    fn from_string(text: String) -> Result<Self, InvalidValue> {
        check_text(&text, N)?;
        Ok(Self(CompactString::from(text)))
    }

    /// [`Text::new`] for a borrowed string: no allocation when it fits inline.
    fn from_str_ref(text: &str) -> Result<Self, InvalidValue> {
        check_text(text, N)?;
        Ok(Self(CompactString::new(text)))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Length in characters.
    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }

    /// The same text in a type with another bound; `None` when it is too long for it.
    pub fn fit<const M: usize>(&self) -> Option<Text<M>> {
        (self.char_count() <= M).then(|| Text(self.0.clone()))
    }

    /// The first `M` characters of the text, and whether anything was cut.
    pub fn truncate<const M: usize>(&self) -> (Text<M>, bool) {
        match self.fit::<M>() {
            Some(text) => (text, false),
            None => (Text(self.0.chars().take(M).collect::<CompactString>()), true),
        }
    }
}

/// Check ISO text rules: 1..=max characters, no control characters but tab, LF and CR.
pub(crate) fn check_text(text: &str, max: usize) -> Result<(), InvalidValue> {
    if text.is_empty() {
        return Err(InvalidValue::new("text", "must not be empty"));
    }
    // Printable ASCII (nearly every value): a character per byte, none of them control.
    let printable = printable_ascii(text.as_bytes());
    // ASCII: a character per byte, and its control characters are the bytes
    // `is_ascii_control` names (U+0000..=U+001F, U+007F), as `char::is_control` does.
    let ascii = printable || text.is_ascii();
    let count = if ascii { text.len() } else { text.chars().count() };
    if count > max {
        return Err(InvalidValue::new("text", format!("{count} characters; at most {max} are allowed")));
    }
    if printable {
        return Ok(());
    }
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r');
    let control = if ascii {
        text.bytes().map(char::from).find(|c| c.is_ascii_control() && !allowed(*c))
    } else {
        text.chars().find(|c| c.is_control() && !allowed(*c))
    };
    if let Some(c) = control {
        return Err(InvalidValue::new("text", format!("control character U+{:04X} is not allowed", u32::from(c))));
    }
    Ok(())
}

/// Whether every byte of `bytes` is printable ASCII (U+0020..=U+007E), eight bytes at a
/// time: a byte-at-a-time search for control characters was most of a streamed statement's
/// text checks.
fn printable_ascii(bytes: &[u8]) -> bool {
    const fn lanes(byte: u8) -> u64 {
        u64::from_le_bytes([byte; 8])
    }
    // The high bit of each byte of `x` that is zero (exact: no carry crosses bytes).
    let zero = |x: u64| !(((x & lanes(0x7f)) + lanes(0x7f)) | x) & lanes(0x80);
    // Non-ASCII (high bit set), DEL, or a control character (top three bits clear).
    let unprintable = |x: u64| (x & lanes(0x80)) | zero(x ^ lanes(0x7f)) | zero(x & lanes(0xe0));
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder();
    chunks.map(|c| <[u8; 8]>::try_from(c).map_or(u64::MAX, u64::from_le_bytes)).all(|x| unprintable(x) == 0)
        && tail.iter().all(|b| (0x20..0x7f).contains(b))
}

impl<const N: usize> fmt::Debug for Text<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl<const N: usize> fmt::Display for Text<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const N: usize> TryFrom<String> for Text<N> {
    type Error = InvalidValue;
    fn try_from(text: String) -> Result<Self, InvalidValue> {
        Self::from_string(text)
    }
}

/// No allocation when the text fits inline (24 bytes).
impl<const N: usize> TryFrom<&str> for Text<N> {
    type Error = InvalidValue;
    fn try_from(text: &str) -> Result<Self, InvalidValue> {
        Self::from_str_ref(text)
    }
}

/// Deserialized as `#[serde(try_from = "String")]` would (same accepted input, same errors),
/// without building a `String` when the input lends the text.
impl<'de, const N: usize> serde::Deserialize<'de> for Text<N> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_str(deserializer, Self::from_str_ref, Self::from_string)
    }
}

/// A text-like type deserialized as `#[serde(try_from = "String")]` deserializes it, without
/// its intermediate `String`: what `String`'s own visitor accepts (strings, UTF-8 bytes), with
/// `String`'s errors, handed to a checked constructor by reference (`by_ref`) or by value
/// (`owned`); the constructor's refusal becomes a custom error once the deserializer is done
/// with the value, as `try_from` makes it (serde_json, for one, then adds no position).
pub(crate) fn deserialize_str<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    by_ref: fn(&str) -> Result<T, InvalidValue>,
    owned: fn(String) -> Result<T, InvalidValue>,
) -> Result<T, D::Error> {
    deserializer.deserialize_string(StrVisitor(by_ref, owned))?.map_err(serde::de::Error::custom)
}

/// See [`deserialize_str`].
struct StrVisitor<T>(fn(&str) -> Result<T, InvalidValue>, fn(String) -> Result<T, InvalidValue>);

impl<T> serde::de::Visitor<'_> for StrVisitor<T> {
    type Value = Result<T, InvalidValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((self.0)(v))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((self.1)(v))
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        match std::str::from_utf8(v) {
            Ok(s) => self.visit_str(s),
            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
        }
    }

    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
        match String::from_utf8(v) {
            Ok(s) => self.visit_string(s),
            Err(e) => Err(E::invalid_value(serde::de::Unexpected::Bytes(&e.into_bytes()), &self)),
        }
    }
}

/// Written as the text, borrowed (no `String` is built).
impl<const N: usize> serde::Serialize for Text<N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<const N: usize> From<Text<N>> for String {
    fn from(text: Text<N>) -> String {
        text.0.into_string()
    }
}

/// No allocation when the text fits inline (24 bytes).
impl<const N: usize> std::str::FromStr for Text<N> {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::from_str_ref(text)
    }
}

/// ISO 20022 `Max35Text`.
pub type Max35Text = Text<35>;
/// ISO 20022 `Max70Text`.
pub type Max70Text = Text<70>;
/// ISO 20022 `Max140Text`.
pub type Max140Text = Text<140>;

macro_rules! max35_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Text<35>);

        impl $name {
            /// Accept an identifier of 1 to 35 characters.
            pub fn new(id: impl Into<String>) -> Result<Self, InvalidValue> {
                Self::from_string(id.into())
            }

            fn from_string(id: String) -> Result<Self, InvalidValue> {
                Text::from_string(id).map(Self).map_err(|e| InvalidValue::new($what, e.reason().to_owned()))
            }

            /// No allocation when the identifier fits inline (24 bytes).
            fn from_str_ref(id: &str) -> Result<Self, InvalidValue> {
                Text::from_str_ref(id).map(Self).map_err(|e| InvalidValue::new($what, e.reason().to_owned()))
            }

            /// The identifier.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(id: String) -> Result<Self, InvalidValue> {
                Self::from_string(id)
            }
        }

        /// Deserialized as `#[serde(try_from = "String")]` would, without an intermediate `String`.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_str(deserializer, Self::from_str_ref, Self::from_string)
            }
        }

        /// Written as the identifier, borrowed (no `String` is built).
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.into()
            }
        }

        impl From<Text<35>> for $name {
            fn from(text: Text<35>) -> Self {
                Self(text)
            }
        }

        /// No allocation when the identifier fits inline (24 bytes).
        impl std::str::FromStr for $name {
            type Err = InvalidValue;
            fn from_str(id: &str) -> Result<Self, InvalidValue> {
                Self::from_str_ref(id)
            }
        }
    };
}

max35_id!(
    /// A message's identification, unique for its sender (`GrpHdr/MsgId`).
    MessageId, "message id"
);
max35_id!(
    /// A payment-information block's identification (`PmtInf/PmtInfId`).
    PaymentInfoId, "payment information id"
);
max35_id!(
    /// The instructing party's reference for one instruction (`PmtId/InstrId`).
    InstructionId, "instruction id"
);
max35_id!(
    /// The originator's reference, passed unchanged along the whole chain (`PmtId/EndToEndId`).
    EndToEndId, "end-to-end id"
);
max35_id!(
    /// The first instructing agent's reference for the interbank transaction (`PmtId/TxId`).
    TransactionId, "transaction id"
);

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[test]
    fn lengths_count_characters() {
        assert!(Text::<3>::new("äöü").is_ok());
        assert!(Text::<3>::new("äöüß").is_err());
        assert!(Text::<3>::new("").is_err());
        assert!(Max35Text::new("a\u{0}b").is_err());
        assert!(Max35Text::new("line\nbreak").is_ok());
    }

    /// `check_text` as it was before its ASCII path: what it must still accept and refuse,
    /// with the same message.
    fn check_text_by_chars(text: &str, max: usize) -> Result<(), InvalidValue> {
        if text.is_empty() {
            return Err(InvalidValue::new("text", "must not be empty"));
        }
        let count = text.chars().count();
        if count > max {
            return Err(InvalidValue::new("text", format!("{count} characters; at most {max} are allowed")));
        }
        if let Some(c) = text.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
            return Err(InvalidValue::new("text", format!("control character U+{:04X} is not allowed", u32::from(c))));
        }
        Ok(())
    }

    /// `printable_ascii` agrees with a byte-at-a-time test for every byte at every position
    /// of texts up to 20 bytes long.
    #[test]
    fn printable_ascii_is_every_byte_printable() {
        for len in 0..20usize {
            for at in 0..len.max(1) {
                for byte in 0..=255u8 {
                    let mut v = vec![b'a'; len];
                    if let Some(slot) = v.get_mut(at) {
                        *slot = byte;
                    }
                    let want = v.iter().all(|b| (0x20..0x7f).contains(b));
                    assert_eq!(super::printable_ascii(&v), want, "{v:?}");
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, ..proptest::prelude::ProptestConfig::default() })]

        #[test]
        fn the_ascii_path_checks_as_the_char_path(
            text in "[ -~\t\n\r\u{0}-\u{1f}\u{7f}\u{80}-\u{9f}é€]{0,40}",
            max in 1usize..40,
        ) {
            let check = |t: &str| check_text(t, max).map_err(|e| e.to_string());
            let by_chars = |t: &str| check_text_by_chars(t, max).map_err(|e| e.to_string());
            proptest::prop_assert_eq!(check(&text), by_chars(&text));
        }
    }

    #[test]
    fn truncate_reports_the_cut() {
        let long = Max140Text::new("x".repeat(40)).unwrap_or_else(|e| panic!("{e}"));
        let (short, cut) = long.truncate::<35>();
        assert!(cut);
        assert_eq!(short.char_count(), 35);
        assert!(long.fit::<35>().is_none());
    }

    #[test]
    fn ids_are_distinct_types_with_limits() {
        assert!(EndToEndId::new("E2E-1").is_ok());
        let err = EndToEndId::new("x".repeat(36)).err();
        assert!(err.is_some_and(|e| e.what() == "end-to-end id"));
    }

    /// The old serde form, `#[serde(try_from = "String")]` over the checked constructor: what
    /// the hand-written `Deserialize` impls must match (accepted input, value, error message).
    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(try_from = "String", bound(deserialize = "T: TryFrom<String, Error = InvalidValue>"))]
    struct ViaString<T>(T);

    impl<T: TryFrom<String, Error = InvalidValue>> TryFrom<String> for ViaString<T> {
        type Error = InvalidValue;
        fn try_from(text: String) -> Result<Self, InvalidValue> {
            T::try_from(text).map(Self)
        }
    }

    fn same_as_via_string<T>(json: &str)
    where
        T: serde::de::DeserializeOwned + TryFrom<String, Error = InvalidValue> + PartialEq + fmt::Debug,
    {
        let direct = serde_json::from_str::<T>(json).map_err(|e| e.to_string());
        let old = serde_json::from_str::<ViaString<T>>(json).map(|v| v.0).map_err(|e| e.to_string());
        assert_eq!(direct, old, "{json} as {}", std::any::type_name::<T>());
        // Inside a document, as the codecs meet it (positions in the messages included).
        let nested = format!("{{\"a\": [{json}]}}");
        let direct = serde_json::from_str::<std::collections::BTreeMap<String, Vec<T>>>(&nested);
        let old = serde_json::from_str::<std::collections::BTreeMap<String, Vec<ViaString<T>>>>(&nested);
        assert_eq!(
            direct.map_err(|e| e.to_string()),
            old.map(|m| m.into_iter().map(|(k, v)| (k, v.into_iter().map(|v| v.0).collect())).collect())
                .map_err(|e| e.to_string()),
            "{nested}"
        );
        // Borrowed input (serde's `&str` deserializer) and bytes too.
        let value: Result<serde_json::Value, _> = serde_json::from_str(json);
        if let Ok(serde_json::Value::String(s)) = value {
            fn de(s: &str) -> serde::de::value::StrDeserializer<'_, serde::de::value::Error> {
                serde::de::IntoDeserializer::into_deserializer(s)
            }
            let direct = T::deserialize(de(&s)).map_err(|e| e.to_string());
            let old = ViaString::<T>::deserialize(de(&s)).map(|v| v.0).map_err(|e| e.to_string());
            assert_eq!(direct, old, "{s:?}");
            let bytes = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(s.as_bytes());
            let old_bytes = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(s.as_bytes());
            assert_eq!(
                T::deserialize(bytes).map_err(|e| e.to_string()),
                ViaString::<T>::deserialize(old_bytes).map(|v| v.0).map_err(|e| e.to_string())
            );
        }
    }

    #[test]
    fn deserialization_is_the_try_from_string_form() {
        let long = format!("\"{}\"", "x".repeat(30));
        let too_long = format!("\"{}\"", "y".repeat(36));
        let samples = [
            "\"E2E-1\"",
            "\"\"",
            "\"a\\u0000b\"",
            "\"line\\nbreak\"",
            "\"caf\\u00e9 \\\"quoted\\\"\"",
            "\"äöü\"",
            long.as_str(),
            too_long.as_str(),
            "5",
            "null",
            "[\"x\"]",
            "{\"a\":1}",
            "true",
        ];
        for json in samples {
            same_as_via_string::<Text<4>>(json);
            same_as_via_string::<Max35Text>(json);
            same_as_via_string::<Max140Text>(json);
            same_as_via_string::<EndToEndId>(json);
            same_as_via_string::<MessageId>(json);
        }
        let invalid_utf8 = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(b"a\xffb");
        let old = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(b"a\xffb");
        assert_eq!(
            Max35Text::deserialize(invalid_utf8).map_err(|e| e.to_string()),
            ViaString::<Max35Text>::deserialize(old).map(|v| v.0).map_err(|e| e.to_string())
        );
    }

    #[test]
    fn short_text_is_inline_long_text_keeps_its_allocation() {
        let short = Max140Text::try_from("ACME Trading GmbH").unwrap_or_else(|e| panic!("{e}"));
        assert!(!short.0.is_heap_allocated());
        let long_text = "Invoice 2024-001 & 2024-002 and more".to_owned();
        let pointer = long_text.as_ptr();
        let long = Max140Text::try_from(long_text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(long.as_str().as_ptr(), pointer, "the String's buffer is kept");
        assert_eq!(String::from(long.clone()), "Invoice 2024-001 & 2024-002 and more");
        assert_eq!(std::mem::size_of::<Option<Max35Text>>(), std::mem::size_of::<String>());
    }
}

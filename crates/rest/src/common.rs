//! Helpers every dialect shares: loss collection, JSON-pointer building, the top-level key
//! probe used to tell one document shape from another, and strict integer minor units.

use std::fmt;

use payglot_core_model::{
    CreditTransfer, DecodeError, DecodeLimits, EncodeError, InvalidValue, Location, Loss, PaymentBatch,
    PaymentInitiation,
};
use std::borrow::Cow;
use std::cell::RefCell;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// `text` as an IBAN, if it is one in electronic form: what [`Iban::expose`] gives back
/// unchanged (two capital letters, two digits, up to thirty capital letters or digits, and a
/// valid IBAN). Text of another shape, such as a provider account id (`acc_123456`), is
/// turned away before it is parsed: a failed parse builds a masked error message, several
/// allocations for every account of every payment that a provider account id would waste.
///
/// [`Iban::expose`]: payglot_core_model::Iban::expose
pub fn electronic_iban(text: &str) -> Option<payglot_core_model::Iban> {
    let b = text.as_bytes();
    let shape = (4..=34).contains(&b.len())
        && b.iter().take(2).all(u8::is_ascii_uppercase)
        && b.iter().skip(2).take(2).all(u8::is_ascii_digit)
        && b.iter().skip(4).all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !shape {
        return None;
    }
    payglot_core_model::Iban::parse(text).ok().filter(|iban| iban.expose() == text)
}

/// The losses of one decode or encode, collected as the mapping walks the message.
#[derive(Debug, Default)]
pub(crate) struct Losses(pub(crate) Vec<Loss>);

impl Losses {
    /// Record `detail` at `path` as dropped.
    pub(crate) fn dropped(&mut self, path: impl Into<String>, detail: impl Into<String>) {
        self.0.push(Loss::dropped(path, detail));
    }

    /// Record `detail` at `path` as approximated.
    pub(crate) fn approximated(&mut self, path: impl Into<String>, detail: impl Into<String>) {
        self.0.push(Loss::approximated(path, detail));
    }

    /// Record `detail` at `path` as truncated.
    pub(crate) fn truncated(&mut self, path: impl Into<String>, detail: impl Into<String>) {
        self.0.push(Loss::truncated(path, detail));
    }

    /// Record a dropped value when `present` is true.
    #[inline]
    pub(crate) fn drop_if(&mut self, present: bool, path: impl fmt::Display, field: &str, detail: &str) {
        if present {
            self.0.push(Loss::dropped(format!("{path}/{field}"), detail));
        }
    }

    /// The losses.
    pub(crate) fn into_vec(self) -> Vec<Loss> {
        self.0
    }
}

/// The one payment a single-payment dialect (Berlin Group, Open Banking) writes: the first
/// transfer of the first batch. Every other transfer and batch is reported as dropped (strict
/// mode refuses; lossy mode writes the first payment and lists the others); an initiation
/// without a transfer cannot be encoded.
pub(crate) fn single_payment<'a>(
    initiation: &'a PaymentInitiation,
    base: &str,
    dialect: &str,
    losses: &mut Losses,
) -> Result<(&'a PaymentBatch, &'a CreditTransfer), EncodeError> {
    let detail = || format!("{dialect} carries one payment per request: not written");
    let (batch, other_batches) = initiation
        .batches
        .split_first()
        .ok_or_else(|| unrepresentable(format!("{base}/batches"), "a payment initiation needs a payment"))?;
    let (transfer, other_transfers) = batch
        .transfers
        .split_first()
        .ok_or_else(|| unrepresentable(format!("{base}/batches/0/transfers"), "a batch needs a payment"))?;
    for (t, _) in other_transfers.iter().enumerate() {
        losses.dropped(format!("{base}/batches/0/transfers/{}", t + 1), detail());
    }
    for (b, _) in other_batches.iter().enumerate() {
        losses.dropped(format!("{base}/batches/{}", b + 1), detail());
    }
    Ok((batch, transfer))
}

/// An invalid value found while mapping a decoded document, located by JSON pointer.
pub(crate) fn invalid_at(path: impl Into<String>, error: &InvalidValue) -> DecodeError {
    DecodeError::invalid_value(Location::path(path), error)
}

/// A canonical value that the target dialect cannot express at all.
pub(crate) fn unrepresentable(path: impl Into<String>, message: impl Into<String>) -> EncodeError {
    EncodeError::unrepresentable(path, message)
}

/// Serialize a dialect document to compact JSON, into a buffer sized for a typical payment
/// body so that it is not regrown (and copied) four times on the way.
pub(crate) fn to_json<T: serde::Serialize>(document: &T) -> Result<Vec<u8>, EncodeError> {
    let mut bytes = Vec::with_capacity(1536);
    serde_json::to_writer(&mut bytes, document).map_err(|e| unrepresentable("", e.to_string()))?;
    Ok(bytes)
}

/// [`payglot_core_model::json::from_slice`] for a document that has free-form members (Open
/// Banking's `Risk`, `Authorisation`, `SupplementaryData`, Berlin Group's `_links`, ...), which
/// serde reads as `serde_json::Value` keeping the last of two equal keys. A duplicate key
/// anywhere in the document is refused here, located by JSON pointer, so that
/// `{"a": 1, "a": 2}` cannot mean one thing to us and another to the provider.
pub(crate) fn from_slice_unique<T: DeserializeOwned>(input: &[u8], limits: &DecodeLimits) -> Result<T, DecodeError> {
    let value = payglot_core_model::json::from_slice(input, limits)?;
    // The typed decode accepted the bytes: they are JSON within the size and depth limits.
    let duplicate = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(input);
    let walker = UniqueKeys { at: &"", duplicate: &duplicate };
    if walker.deserialize(&mut deserializer).is_err() {
        let (pointer, key) = duplicate.into_inner().unwrap_or_default();
        return Err(DecodeError::invalid(Location::path(pointer), format!("duplicate key `{key}`")));
    }
    Ok(value)
}

/// Walks a JSON value, failing on the first object with a repeated key (recorded in
/// `duplicate` as the object's pointer and the key). The pointer is an [`At`] chain, written
/// out only for the duplicate, not for every value walked.
struct UniqueKeys<'a> {
    at: &'a dyn fmt::Display,
    duplicate: &'a RefCell<Option<(String, String)>>,
}

impl<'de> DeserializeSeed<'de> for UniqueKeys<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueKeys<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    // Values are skipped unread: this pass looks at keys only, and the typed decode (which has
    // already run) is what refuses a number where an amount belongs.
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let segment = index.to_string();
            let at = At::new(self.at, &segment);
            if seq.next_element_seed(UniqueKeys { at: &at, duplicate: self.duplicate })?.is_none() {
                break;
            }
            index += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if keys.contains(&key) {
                *self.duplicate.borrow_mut() = Some((self.at.to_string(), key));
                return Err(de::Error::custom("duplicate key"));
            }
            let segment = pointer_segment(&key);
            let at = At::new(self.at, &segment);
            map.next_value_seed(UniqueKeys { at: &at, duplicate: self.duplicate })?;
            keys.insert(key);
        }
        Ok(())
    }
}

/// The names of the top-level keys of a JSON object, read without building values (a cheap
/// pass used to pick the document shape before the typed decode). Inputs that are not an
/// object give an empty list; the typed decode then reports the real error.
#[derive(Debug, Default)]
pub(crate) struct TopKeys {
    /// Top-level keys, in document order (duplicates kept; the typed decode refuses them).
    pub(crate) keys: Vec<String>,
    /// The value of a top-level `"object"` string member, if any.
    pub(crate) object: Option<String>,
}

impl TopKeys {
    /// Probe `input`; never fails.
    pub(crate) fn probe(input: &[u8]) -> Self {
        let mut deserializer = serde_json::Deserializer::from_slice(input);
        TopKeys::deserialize(&mut deserializer).unwrap_or_default()
    }

    /// Probe `input` for a decoder that picks the document shape by its keys: when the probe
    /// fails because `input` is not JSON (a `NaN` literal, a BOM, a truncated body, ...), that
    /// syntax or limit error is returned with its position, rather than a misleading complaint
    /// from the typed decode of whichever shape the missing keys suggested.
    pub(crate) fn probe_checked(input: &[u8], limits: &DecodeLimits) -> Result<Self, DecodeError> {
        let mut deserializer = serde_json::Deserializer::from_slice(input);
        match TopKeys::deserialize(&mut deserializer) {
            Ok(keys) => Ok(keys),
            Err(_) => {
                payglot_core_model::json::from_slice::<IgnoredAny>(input, limits)?;
                Ok(Self::default())
            }
        }
    }

    /// Whether `key` is a top-level key.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k == key)
    }
}

impl<'de> Deserialize<'de> for TopKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Probe;
        impl<'de> Visitor<'de> for Probe {
            type Value = TopKeys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopKeys, A::Error> {
                let mut keys = TopKeys::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "object" {
                        keys.object = map.next_value::<Option<String>>().ok().flatten();
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                    keys.keys.push(key);
                }
                Ok(keys)
            }
        }
        deserializer.deserialize_map(Probe)
    }
}

/// A non-negative whole number of minor units, read only from a JSON integer that fits in
/// 64 bits: a fraction, an exponent (`1e3`, `1e400`) or an integer beyond 64 bits is refused,
/// so an amount never passes through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub(crate) struct MinorUnits(pub(crate) i64);

impl<'de> Deserialize<'de> for MinorUnits {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Units;
        const NOT_INTEGER: &str = "amount must be a whole number of minor units that fits in 64 bits \
                                   (no fraction, no exponent), such as 1050 for 10.50 EUR";
        impl<'de> Visitor<'de> for Units {
            type Value = MinorUnits;
            // No `visit_f64`: a fraction, an exponent or an integer beyond 64 bits (which
            // serde_json reads as a float) falls to serde's "invalid type" error, never to code.
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number of minor units that fits in 64 bits (no fraction, no exponent)")
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<MinorUnits, E> {
                i64::try_from(value).map(MinorUnits).map_err(|_| E::custom(NOT_INTEGER))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<MinorUnits, E> {
                if value < 0 {
                    return Err(E::custom("amount must not be negative; the direction is a separate field"));
                }
                Ok(MinorUnits(value))
            }
            fn visit_u128<E: de::Error>(self, _: u128) -> Result<MinorUnits, E> {
                Err(E::custom(NOT_INTEGER))
            }
            fn visit_i128<E: de::Error>(self, _: i128) -> Result<MinorUnits, E> {
                Err(E::custom(NOT_INTEGER))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<MinorUnits, E> {
                Err(E::custom("amount must be a JSON integer of minor units, not a string"))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<MinorUnits, A::Error> {
                Err(de::Error::custom(NOT_INTEGER))
            }
        }
        deserializer.deserialize_any(Units)
    }
}

/// Escape one JSON-pointer segment (RFC 6901); borrowed when there is nothing to escape.
pub(crate) fn pointer_segment(key: &str) -> Cow<'_, str> {
    if key.contains(['~', '/']) { Cow::Owned(key.replace('~', "~0").replace('/', "~1")) } else { Cow::Borrowed(key) }
}

/// A JSON pointer built only when it is displayed: `parent` + `/` + `segment`. Mappings pass
/// these down instead of `format!`-ing every path eagerly, since nearly all of them are only
/// needed when a loss or an error is reported.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    parent: &'a dyn fmt::Display,
    segment: &'a str,
}

impl<'a> At<'a> {
    /// `parent/segment`.
    pub(crate) fn new(parent: &'a dyn fmt::Display, segment: &'a str) -> Self {
        Self { parent, segment }
    }
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.parent, self.segment)
    }
}

#[cfg(test)]
mod tests {
    use payglot_core_model::Iban;

    use super::electronic_iban;

    /// The shape check only ever turns away what the full parse would turn away too.
    #[test]
    fn electronic_iban_agrees_with_the_full_parse() {
        let full = |t: &str| Iban::parse(t).ok().filter(|iban| iban.expose() == t);
        let valid =
            ["DE89370400440532013000", "GB82WEST12345698765432", "NO9386011117947", "MT84MALT011000012345MTLCAST001S"];
        let mut texts: Vec<String> = ["", "acc_123456", "DE89 3704 0044 0532 0130 00", "de89370400440532013000"]
            .iter()
            .map(|t| (*t).to_owned())
            .collect();
        // Every valid IBAN with each character in turn replaced, cut short, or lengthened.
        for iban in valid {
            texts.push(iban.to_owned());
            texts.push(format!("{iban}0"));
            for i in 0..iban.len() {
                texts.push(iban.get(..i).unwrap_or_default().to_owned());
                for c in ['A', 'z', '0', '9', '_', ' ', 'é'] {
                    let mut t = iban.to_owned();
                    t.replace_range(i..=i, &c.to_string());
                    texts.push(t);
                }
            }
        }
        let mut found = 0;
        for t in &texts {
            let quick = electronic_iban(t);
            assert_eq!(quick.as_ref().map(Iban::expose), full(t).as_ref().map(Iban::expose), "{t:?}");
            found += usize::from(quick.is_some());
        }
        assert!(found >= valid.len(), "valid IBANs are found ({found})");
    }
}

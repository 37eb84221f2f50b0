//! Validated identifiers: IBAN, BIC, LEI, UETR, RF creditor references, account numbers,
//! country codes and idempotency keys.
//!
//! Each is a newtype with a private field and a checked constructor, so an invalid value
//! cannot be built, deserialized or decoded. Account identifiers are masked in `Debug`,
//! `Display` and errors (`DE89********3000`); the full value is reachable only through
//! `expose()`, which is what encoders call.

use std::fmt;
use std::str::FromStr;

use compact_str::CompactString;
use iban::IbanLike;

use crate::error::InvalidValue;

/// Mask an account identifier: the first and last four characters stay visible for long
/// values, only the last four for short ones; the length is hidden.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let tail: String = chars.iter().skip(n.saturating_sub(4)).collect();
    if n >= 12 {
        let head: String = chars.iter().take(4).collect();
        format!("{head}********{tail}")
    } else if n > 4 {
        format!("****{tail}")
    } else {
        "****".to_owned()
    }
}

macro_rules! string_serde {
    ($name:ident, $as_str:ident) => {
        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(value: String) -> Result<Self, InvalidValue> {
                value.parse()
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.$as_str().to_owned()
            }
        }

        /// Written as its full text, borrowed (no `String` is built).
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.$as_str())
            }
        }
    };
}

/// An International Bank Account Number (ISO 13616), checked for country, length and mod-97
/// check digits by the `iban_validate` crate. Stored in electronic form (no spaces).
#[derive(Clone, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Iban(iban::Iban);

impl Iban {
    /// Parse an IBAN in electronic (`DE89370400440532013000`) or print form
    /// (`DE89 3704 0044 0532 0130 00`).
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        text.parse::<iban::Iban>().map(Self).map_err(|e| InvalidValue::new("IBAN", format!("{}: {e}", mask(text))))
    }

    /// The full IBAN in electronic form. Call only where the value must leave the process
    /// (encoding a message); never for logs.
    pub fn expose(&self) -> &str {
        self.0.electronic_str()
    }

    /// The two-letter country code.
    pub fn country_code(&self) -> &str {
        self.0.country_code()
    }
}

impl FromStr for Iban {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::parse(text)
    }
}

string_serde!(Iban, expose);

impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iban({})", mask(self.expose()))
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask(self.expose()))
    }
}

/// An account number that is not an IBAN (BBAN, sort code + account number, card number,
/// proxy): 1 to 34 characters, masked like an IBAN.
#[derive(Clone, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct AccountNumber(CompactString);

impl AccountNumber {
    /// ISO 20022 `Max34Text`.
    pub const MAX: usize = 34;

    /// Accept 1 to 34 characters without control characters.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        crate::text::check_text(text, Self::MAX)
            .map_err(|e| InvalidValue::new("account number", format!("{}: {}", mask(text), e.reason())))?;
        Ok(Self(CompactString::new(text)))
    }

    /// The full account number. Call only where it must leave the process.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for AccountNumber {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::parse(text)
    }
}

string_serde!(AccountNumber, expose);

impl fmt::Debug for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountNumber({})", mask(self.expose()))
    }
}

impl fmt::Display for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask(self.expose()))
    }
}

/// A Business Identifier Code (ISO 9362): 4 letters or digits for the party, 2 letters for the
/// country, 2 letters or digits for the location, optionally 3 for the branch.
///
/// Held in place (11 bytes and a length, no allocation); an 8-character BIC is zero-padded.
/// Since a BIC holds no zero byte, the derived order and equality are those of the text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Bic {
    code: [u8; 11],
    len: u8,
}

impl Bic {
    /// Accept an 8- or 11-character BIC in upper case (ISO 20022 `BICFIDec2014Identifier`).
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let b = text.as_bytes();
        let alnum = |s: &[u8]| s.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        let ok = matches!(b.len(), 8 | 11)
            && b.get(..4).is_some_and(alnum)
            && b.get(4..6).is_some_and(|s| s.iter().all(u8::is_ascii_uppercase))
            && b.get(6..).is_some_and(alnum);
        let mut code = [0u8; 11];
        match code.get_mut(..b.len()) {
            Some(slot) if ok => slot.copy_from_slice(b),
            _ => {
                return Err(InvalidValue::new(
                    "BIC",
                    format!("{text:?} is not 8 or 11 characters of the form AAAACCLL[BBB]"),
                ));
            }
        }
        Ok(Self { code, len: if b.len() == 8 { 8 } else { 11 } })
    }

    /// The BIC as written.
    pub fn as_str(&self) -> &str {
        // ASCII by construction.
        self.code.get(..usize::from(self.len)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default()
    }

    /// The country code (characters 5 and 6).
    pub fn country_code(&self) -> &str {
        self.as_str().get(4..6).unwrap_or_default()
    }
}

impl FromStr for Bic {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::parse(text)
    }
}

string_serde!(Bic, as_str);

impl fmt::Debug for Bic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bic({})", self.as_str())
    }
}

impl fmt::Display for Bic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// ISO 7064 MOD 97-10 over letters (A=10 … Z=35) and digits, as IBAN, LEI and RF use it.
fn mod97(chars: impl Iterator<Item = u8>) -> Option<u32> {
    let mut remainder: u32 = 0;
    for c in chars {
        let value = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return None,
        };
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    Some(remainder)
}

/// A Legal Entity Identifier (ISO 17442): 18 letters or digits and 2 check digits (MOD 97-10).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Lei([u8; 20]);

impl Lei {
    /// Accept a 20-character LEI whose check digits are right.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let b = text.as_bytes();
        let shape = b.len() == 20
            && b.iter().take(18).all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && b.iter().skip(18).all(u8::is_ascii_digit);
        if !shape {
            return Err(InvalidValue::new("LEI", format!("{text:?} is not 18 letters or digits and 2 digits")));
        }
        if mod97(b.iter().copied()) != Some(1) {
            return Err(InvalidValue::new("LEI", format!("{text:?} has wrong check digits")));
        }
        let code = <[u8; 20]>::try_from(b)
            .map_err(|_| InvalidValue::new("LEI", format!("{text:?} is not 18 letters or digits and 2 digits")))?;
        Ok(Self(code))
    }

    /// The LEI.
    pub fn as_str(&self) -> &str {
        // ASCII by construction.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl FromStr for Lei {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::parse(text)
    }
}

string_serde!(Lei, as_str);

impl fmt::Debug for Lei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lei({})", self.as_str())
    }
}

impl fmt::Display for Lei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Unique End-to-end Transaction Reference: a UUID version 4 (RFC 4122 variant), written in
/// lower case as ISO 20022's `UUIDv4Identifier` requires.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Uetr(uuid::Uuid);

impl Uetr {
    /// Accept a hyphenated UUID v4 (upper case is accepted and written back in lower case).
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let hyphenated = text.len() == 36;
        let uuid = uuid::Uuid::try_parse(text)
            .ok()
            .filter(|u| hyphenated && u.get_version_num() == 4 && u.get_variant() == uuid::Variant::RFC4122)
            .ok_or_else(|| InvalidValue::new("UETR", format!("{text:?} is not a hyphenated UUID version 4")))?;
        Ok(Self(uuid))
    }

    /// A UETR from a UUID; fails unless it is version 4.
    pub fn from_uuid(uuid: uuid::Uuid) -> Result<Self, InvalidValue> {
        Self::parse(&uuid.hyphenated().to_string())
    }

    /// The UUID.
    pub fn uuid(self) -> uuid::Uuid {
        self.0
    }
}

impl FromStr for Uetr {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::parse(text)
    }
}

impl TryFrom<String> for Uetr {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, InvalidValue> {
        value.parse()
    }
}

impl From<Uetr> for String {
    fn from(value: Uetr) -> String {
        value.to_string()
    }
}

/// Written hyphenated in lower case from a stack buffer (no `String` is built).
impl serde::Serialize for Uetr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buffer = uuid::Uuid::encode_buffer();
        serializer.serialize_str(self.0.hyphenated().encode_lower(&mut buffer))
    }
}

impl fmt::Debug for Uetr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uetr({})", self.0.hyphenated())
    }
}

impl fmt::Display for Uetr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

/// An ISO 11649 structured creditor reference: `RF`, two check digits, 1 to 21 letters or
/// digits (`RF18539007547034`). Accepted in print form with spaces, stored without.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct CreditorReference(CompactString);

impl CreditorReference {
    /// Accept an RF reference whose check digits are right.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let mut compact: CompactString = text.chars().filter(|c| *c != ' ').collect();
        compact.as_mut_str().make_ascii_uppercase();
        let b = compact.as_bytes();
        let shape = (5..=25).contains(&b.len())
            && b.starts_with(b"RF")
            && b.get(2..4).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && b.iter().skip(4).all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if !shape {
            return Err(InvalidValue::new(
                "creditor reference",
                format!("{text:?} is not RF, 2 digits and 1 to 21 letters or digits"),
            ));
        }
        let rearranged = b.iter().skip(4).chain(b.iter().take(4)).copied();
        if mod97(rearranged) != Some(1) {
            return Err(InvalidValue::new("creditor reference", format!("{text:?} has wrong check digits")));
        }
        Ok(Self(compact))
    }

    /// The reference in electronic form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CreditorReference {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::parse(text)
    }
}

string_serde!(CreditorReference, as_str);

impl fmt::Debug for CreditorReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditorReference({})", self.0)
    }
}

impl fmt::Display for CreditorReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ISO 3166 alpha-2 country code as ISO 20022 constrains it (`[A-Z]{2}`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Accept two upper-case letters.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        match text.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(Self([*a, *b])),
            _ => Err(InvalidValue::new("country code", format!("{text:?} is not two upper-case letters"))),
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl FromStr for CountryCode {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::parse(text)
    }
}

string_serde!(CountryCode, as_str);

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A client's idempotency key (IETF `Idempotency-Key` draft): 1 to 255 visible ASCII characters.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct IdempotencyKey(Box<str>);

impl IdempotencyKey {
    /// The longest key accepted.
    pub const MAX: usize = 255;

    /// Accept 1 to 255 visible ASCII characters.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let ok = !text.is_empty() && text.len() <= Self::MAX && text.bytes().all(|b| b.is_ascii_graphic());
        if !ok {
            return Err(InvalidValue::new("idempotency key", "must be 1 to 255 visible ASCII characters"));
        }
        Ok(Self(text.into()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for IdempotencyKey {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::parse(text)
    }
}

string_serde!(IdempotencyKey, as_str);

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({})", self.0)
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_is_checked_and_masked() {
        let iban = Iban::parse("DE89 3704 0044 0532 0130 00").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(iban.expose(), "DE89370400440532013000");
        assert_eq!(format!("{iban}"), "DE89********3000");
        assert_eq!(format!("{iban:?}"), "Iban(DE89********3000)");
        let err = Iban::parse("DE89370400440532013001").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("DE89********3001") && !err.contains("0532013001"), "{err}");
    }

    #[test]
    fn account_numbers_are_masked() {
        let number = AccountNumber::parse("31926819").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(number.to_string(), "****6819");
        assert_eq!(mask("1234"), "****");
    }

    #[test]
    fn bic_shapes() {
        for ok in ["DEUTDEFF", "DEUTDEFF500", "1234DEFF"] {
            assert!(Bic::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["DEUTDEF", "deutdeff", "DEUT1EFF", "DEUTDEFF50", ""] {
            assert!(Bic::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bic_orders_and_compares_as_its_text() {
        let texts = ["DEUTDEFF500", "DEUTDEFF", "COBADEFFXXX", "DEUTDEFFXXX", "1234DEFF", "DEUTDEFA"];
        let mut bics: Vec<Bic> = texts.iter().filter_map(|t| Bic::parse(t).ok()).collect();
        assert_eq!(bics.len(), texts.len());
        bics.sort();
        let mut sorted = texts.to_vec();
        sorted.sort_unstable();
        assert_eq!(bics.iter().map(Bic::as_str).collect::<Vec<_>>(), sorted);
        assert_ne!(Bic::parse("DEUTDEFF").ok(), Bic::parse("DEUTDEFFXXX").ok());
        assert_eq!(Bic::parse("DEUTDEFF500").map(|b| b.country_code().to_owned()).ok().as_deref(), Some("DE"));
        assert_eq!(
            Lei::parse("506700GE1G29325QX363").map(|l| l.to_string()).ok().as_deref(),
            Some("506700GE1G29325QX363")
        );
    }

    #[test]
    fn lei_check_digits() {
        // GLEIF's own LEI.
        assert!(Lei::parse("506700GE1G29325QX363").is_ok());
        assert!(Lei::parse("506700GE1G29325QX364").is_err());
        assert!(Lei::parse("506700GE1G29325QX36").is_err());
    }

    #[test]
    fn uetr_must_be_v4() {
        assert!(Uetr::parse("eb6305c9-1f7f-49de-aed0-16487c27b42d").is_ok());
        let upper = Uetr::parse("EB6305C9-1F7F-49DE-AED0-16487C27B42D").map(|u| u.to_string());
        assert_eq!(upper.as_deref(), Ok("eb6305c9-1f7f-49de-aed0-16487c27b42d"));
        assert!(Uetr::parse("eb6305c9-1f7f-19de-aed0-16487c27b42d").is_err(), "version 1");
        assert!(Uetr::parse("eb6305c91f7f49deaed016487c27b42d").is_err(), "not hyphenated");
    }

    #[test]
    fn rf_reference_check_digits() {
        assert!(CreditorReference::parse("RF18 5390 0754 7034").is_ok());
        assert!(CreditorReference::parse("RF18539007547035").is_err());
        assert!(CreditorReference::parse("RF1").is_err());
    }

    #[test]
    fn idempotency_key_syntax() {
        assert!(IdempotencyKey::parse("8e03978e-40d5-43e8-bc93-6894a57f9324").is_ok());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
    }
}

//! Money: an exact decimal amount in an ISO 4217 currency, with checked minor-unit conversion.
//!
//! Amounts are `rust_decimal::Decimal`, never floats. ISO 20022 bounds every amount to 18 total
//! digits and 5 fraction digits; [`Money::new`] enforces that, so no model value can be written
//! that an ISO 20022 schema would reject. Minor units (cents) are a property of the currency:
//! converting 10.005 EUR to cents fails instead of rounding.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::InvalidValue;

/// ISO 20022 `ActiveOrHistoricCurrencyAndAmount`: at most 18 digits in all.
pub const MAX_TOTAL_DIGITS: u32 = 18;
/// ISO 20022 `ActiveOrHistoricCurrencyAndAmount`: at most 5 fraction digits.
pub const MAX_FRACTION_DIGITS: u32 = 5;

/// Every ISO 4217 currency `iso_currency` knows, at its code's letters read as a number in
/// base 26 (`AAA` = 0, `ZZZ` = 26³ − 1). A parse is one index; `from_code` (a `match` over 180
/// strings) cost 300 instructions, twice per statement entry.
fn currency_table() -> &'static [Option<iso_currency::Currency>] {
    static TABLE: std::sync::OnceLock<Vec<Option<iso_currency::Currency>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        use iso_currency::IntoEnumIterator;
        let mut table = vec![None; 26 * 26 * 26];
        for currency in iso_currency::Currency::iter() {
            if let Some(slot) = table.get_mut(code_index(currency.code())) {
                *slot = Some(currency);
            }
        }
        table
    })
}

/// A three-letter upper-case code's place in [`currency_table`].
fn code_index(code: &str) -> usize {
    code.bytes().fold(0, |at, b| at * 26 + usize::from(b.wrapping_sub(b'A')))
}

/// An ISO 4217 currency (`EUR`, `JPY`, `BHD`), with its number of minor-unit digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Parse a three-letter ISO 4217 code. Lower case is refused: ISO 20022 and every API
    /// we speak write codes in upper case, so `eur` is a sign of a wrong field.
    pub fn parse(code: &str) -> Result<Self, InvalidValue> {
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(InvalidValue::new("currency", format!("{code:?} is not three upper-case letters")));
        }
        currency_table()
            .get(code_index(code))
            .copied()
            .flatten()
            .map(Self)
            .ok_or_else(|| InvalidValue::new("currency", format!("{code:?} is not an ISO 4217 currency")))
    }

    /// The three-letter code.
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point in the currency's minor unit (2 for EUR, 0 for JPY,
    /// 3 for BHD); `None` for currencies without one (gold `XAU`, SDR `XDR`).
    pub fn exponent(self) -> Option<u32> {
        self.0.exponent().map(u32::from)
    }

    /// The underlying `iso_currency` value.
    pub fn iso(self) -> iso_currency::Currency {
        self.0
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = InvalidValue;
    fn from_str(code: &str) -> Result<Self, InvalidValue> {
        Self::parse(code)
    }
}

impl TryFrom<String> for Currency {
    type Error = InvalidValue;
    fn try_from(code: String) -> Result<Self, InvalidValue> {
        Self::parse(&code)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> String {
        currency.code().to_owned()
    }
}

/// A non-negative amount of money within the ISO 20022 limits. Direction (credit or debit) is
/// never a sign here: messages carry it separately, as ISO 20022 does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "MoneyFields", into = "MoneyFields")]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

/// The serialized form of [`Money`]; deserializing goes through [`Money::new`] so the ISO
/// limits hold for every value, however it was made.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyFields {
    #[serde(with = "decimal_string")]
    amount: Decimal,
    currency: Currency,
}

impl TryFrom<MoneyFields> for Money {
    type Error = InvalidValue;
    fn try_from(fields: MoneyFields) -> Result<Self, InvalidValue> {
        Money::new(fields.amount, fields.currency)
    }
}

impl From<Money> for MoneyFields {
    fn from(money: Money) -> Self {
        Self { amount: money.amount, currency: money.currency }
    }
}

impl Money {
    /// Money of `amount` in `currency`. Fails on a negative amount, more than 18 digits or more
    /// than 5 fraction digits. Scale is kept as given (`10.50` stays `10.50`), so output can
    /// match input; the currency's exponent is not enforced here because ISO 20022 itself allows
    /// up to 5 decimals in any currency (use [`Money::to_minor_units`] where it matters).
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, InvalidValue> {
        check_iso_amount(amount)?;
        Ok(Self { amount, currency })
    }

    /// Money from an integer number of minor units (`1050` EUR cents is `10.50` EUR).
    /// Fails for a currency without minor units, a negative count or an amount beyond the ISO limits.
    pub fn from_minor_units(units: i64, currency: Currency) -> Result<Self, InvalidValue> {
        let exponent =
            currency.exponent().ok_or_else(|| InvalidValue::new("amount", format!("{currency} has no minor unit")))?;
        let amount = Decimal::try_from_i128_with_scale(i128::from(units), exponent)
            .map_err(|e| InvalidValue::new("amount", e.to_string()))?;
        Self::new(amount, currency)
    }

    /// The amount in minor units. Fails, rather than rounding, when the amount has more
    /// significant fraction digits than the currency's exponent (`10.005` EUR), and when the
    /// currency has no minor unit.
    pub fn to_minor_units(&self) -> Result<i64, InvalidValue> {
        let exponent = self
            .currency
            .exponent()
            .ok_or_else(|| InvalidValue::new("amount", format!("{} has no minor unit", self.currency)))?;
        let normalized = self.amount.normalize();
        if normalized.scale() > exponent {
            return Err(InvalidValue::new(
                "amount",
                format!(
                    "{} {} has {} fraction digits; {} allows {exponent}",
                    self.amount,
                    self.currency,
                    normalized.scale(),
                    self.currency
                ),
            ));
        }
        let mut scaled = normalized;
        scaled.rescale(exponent);
        i64::try_from(scaled.mantissa())
            .map_err(|_| InvalidValue::new("amount", format!("{} does not fit in 64-bit minor units", self.amount)))
    }

    /// The decimal amount, with the scale it was given.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// Check the ISO 20022 amount facets: non-negative, 18 total digits, 5 fraction digits.
pub fn check_iso_amount(amount: Decimal) -> Result<(), InvalidValue> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(InvalidValue::new("amount", format!("{amount} is negative")));
    }
    if amount.scale() > MAX_FRACTION_DIGITS {
        return Err(InvalidValue::new(
            "amount",
            format!("{amount} has {} fraction digits; at most {MAX_FRACTION_DIGITS} are allowed", amount.scale()),
        ));
    }
    // The written digits bound the value's, so only a long amount is normalized.
    let digits = written_digits(amount);
    let digits = if digits > MAX_TOTAL_DIGITS { written_digits(amount.normalize()) } else { digits };
    if digits > MAX_TOTAL_DIGITS {
        return Err(InvalidValue::new(
            "amount",
            format!("{amount} has {digits} digits; at most {MAX_TOTAL_DIGITS} are allowed"),
        ));
    }
    Ok(())
}

/// Digits as written, at least one per fraction digit plus the integer zero. On a normalized
/// amount these are the significant digits XSD `totalDigits` counts (trailing fraction zeros
/// do not count).
fn written_digits(amount: Decimal) -> u32 {
    let mantissa = amount.mantissa().unsigned_abs();
    let integer_and_fraction = if mantissa == 0 { 1 } else { mantissa.ilog10() + 1 };
    integer_and_fraction.max(amount.scale() + 1).max(1)
}

/// Parse a decimal amount written as text (`"10.50"`). Refuses exponents, signs other than a
/// leading `-`, spaces and anything `Decimal` would round.
pub fn parse_decimal(text: &str) -> Result<Decimal, InvalidValue> {
    let well_formed = {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let mut parts = digits.splitn(2, '.');
        let int = parts.next().unwrap_or_default();
        let frac = parts.next();
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    };
    if !well_formed {
        return Err(InvalidValue::new("decimal", format!("{text:?} is not a plain decimal number")));
    }
    // `from_str_exact` fails instead of rounding when the text has more digits than fit.
    Decimal::from_str_exact(text).map_err(|e| InvalidValue::new("decimal", format!("{text:?}: {e}")))
}

/// Serde helpers that write a `Decimal` as a JSON string and read it only from a string: an
/// amount that arrives as a JSON number has passed through somebody's float and is refused.
pub mod decimal_string {
    use rust_decimal::Decimal;
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    /// Write the decimal as a string, keeping its scale.
    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Read a decimal from a string; a JSON number is an error.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(DecimalString)
    }

    struct DecimalString;

    impl DecimalString {
        fn number<E: de::Error>(self) -> Result<Decimal, E> {
            Err(E::custom("amount must be a decimal string such as \"10.50\", not a JSON number"))
        }
    }

    impl<'de> Visitor<'de> for DecimalString {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal string such as \"10.50\"")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Decimal, E> {
            super::parse_decimal(text).map_err(E::custom)
        }

        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Decimal, E> {
            self.number()
        }

        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Decimal, E> {
            self.number()
        }

        fn visit_u128<E: de::Error>(self, _: u128) -> Result<Decimal, E> {
            self.number()
        }

        fn visit_i128<E: de::Error>(self, _: i128) -> Result<Decimal, E> {
            self.number()
        }

        fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Decimal, A::Error> {
            // serde_json's arbitrary_precision feature presents numbers as a map; still a number.
            self.number()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}"))
    }

    fn dec(text: &str) -> Decimal {
        parse_decimal(text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The table knows exactly the codes `iso_currency::Currency::from_code` knows.
    #[test]
    fn every_three_letter_code_parses_as_iso_currency_reads_it() {
        let mut known = 0;
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                for c in b'A'..=b'Z' {
                    let code = String::from_utf8(vec![a, b, c]).unwrap_or_default();
                    let ours = Currency::parse(&code).ok().map(Currency::iso);
                    assert_eq!(ours, iso_currency::Currency::from_code(&code), "{code}");
                    known += usize::from(ours.is_some());
                }
            }
        }
        assert!(known > 150, "{known} currencies");
    }

    #[test]
    fn currencies_have_real_exponents() {
        assert_eq!(Currency::parse("JPY").map(Currency::exponent), Ok(Some(0)));
        assert_eq!(Currency::parse("BHD").map(Currency::exponent), Ok(Some(3)));
        assert_eq!(eur().exponent(), Some(2));
        assert!(Currency::parse("eur").is_err());
        assert!(Currency::parse("ZZZ").is_err());
    }

    #[test]
    fn minor_units_round_trip_and_never_round() {
        let money = Money::from_minor_units(1050, eur()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(money.amount().to_string(), "10.50");
        assert_eq!(money.to_minor_units(), Ok(1050));
        let five_decimals = Money::new(dec("10.00500"), eur()).unwrap_or_else(|e| panic!("{e}"));
        assert!(five_decimals.to_minor_units().is_err());
        let trailing_zeros = Money::new(dec("10.50000"), eur()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(trailing_zeros.to_minor_units(), Ok(1050));
    }

    #[test]
    fn iso_limits_are_enforced() {
        assert!(Money::new(dec("999999999999999999"), eur()).is_ok());
        assert!(Money::new(dec("1000000000000000000"), eur()).is_err());
        assert!(Money::new(dec("0.123456"), eur()).is_err());
        assert!(Money::new(dec("-1"), eur()).is_err());
        assert!(Money::new(dec("1234567890123.12345"), eur()).is_ok());
        assert!(Money::new(dec("12345678901234.12345"), eur()).is_err());
        // 19 digits as written, 15 significant: trailing fraction zeros do not count.
        assert!(Money::new(dec("12345678901234.10000"), eur()).is_ok());
        assert!(Money::new(dec("1234567890123456789.00000"), eur()).is_err());
    }

    #[test]
    fn decimal_text_is_strict() {
        for bad in ["1e3", "+1", " 1", "1.", ".5", "1,5", "NaN", "", "0x10", "1.2.3"] {
            assert!(parse_decimal(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(dec("007.10").to_string(), "7.10");
    }

    #[test]
    fn json_numbers_are_refused_for_amounts() {
        // A float is refused by serde's default (no float visitor exists here at all).
        let float = serde_json::from_str::<Money>(r#"{"amount": 10.5, "currency": "EUR"}"#);
        assert!(float.is_err_and(|e| e.to_string().contains("expected a decimal string")));
        let integer = serde_json::from_str::<Money>(r#"{"amount": 10, "currency": "EUR"}"#);
        assert!(integer.is_err_and(|e| e.to_string().contains("not a JSON number")));
        let huge = serde_json::from_str::<Money>(r#"{"amount": 1e400, "currency": "EUR"}"#);
        assert!(huge.is_err());
        let ok = serde_json::from_str::<Money>(r#"{"amount": "10.5", "currency": "EUR"}"#);
        assert!(ok.is_ok());
    }
}

//! Property tests of the model's value types: minor-unit conversion of money, date-time
//! parse/display round trip, the `Text<N>` length rule, and account masking.

use payglot_core_model::arbitrary;
use payglot_core_model::ids::mask;
use payglot_core_model::{Account, AccountNumber, Currency, DateTime, Decimal, Iban, Money, Text};
use proptest::prelude::*;

/// Every ISO 4217 code `iso_currency` knows.
const ALL_CODES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "XCG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF",
    "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB",
    "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF",
    "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD",
    "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU",
    "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
    "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST",
    "XAD", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XTS",
    "XUA", "XXX", "YER", "ZAR", "ZMW", "ZWL", "ZWG",
];

fn currencies() -> Vec<Currency> {
    ALL_CODES.iter().filter_map(|code| Currency::parse(code).ok()).collect()
}

/// Minor-unit counts: small, everyday, and up to the 18-digit ISO limit.
fn units() -> impl Strategy<Value = i64> {
    prop_oneof![0i64..1_000, 0i64..100_000_000, 0i64..1_000_000_000_000_000_000]
}

#[test]
fn every_listed_currency_is_known() {
    assert_eq!(currencies().len(), ALL_CODES.len());
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// For every currency with an exponent, minor units -> Money -> minor units is the
    /// identity, and the amount has exactly the currency's scale.
    #[test]
    fn minor_units_round_trip_for_every_currency(units in units()) {
        for currency in currencies() {
            let Some(exponent) = currency.exponent() else {
                prop_assert!(Money::from_minor_units(units, currency).is_err(), "{currency} has no minor unit");
                continue;
            };
            let money = Money::from_minor_units(units, currency).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(money.amount().scale(), exponent);
            prop_assert_eq!(money.to_minor_units(), Ok(units), "{}", money);
        }
    }

    /// Negative minor units are refused.
    #[test]
    fn negative_minor_units_are_refused(units in i64::MIN..0, currency in arbitrary::currency_with_minor_unit()) {
        prop_assert!(Money::from_minor_units(units, currency).is_err());
    }

    /// `to_minor_units` fails exactly when the normalized scale exceeds the exponent (amounts
    /// here are small enough that 64 bits never overflow).
    #[test]
    fn to_minor_units_fails_iff_scale_exceeds_exponent(
        currency in arbitrary::currency_with_minor_unit(),
        mantissa in 0i64..10_000_000_000_000,
        scale in 0u32..=5,
    ) {
        let money = Money::new(Decimal::new(mantissa, scale), currency).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let exponent = currency.exponent().unwrap_or_default();
        let too_precise = money.amount().normalize().scale() > exponent;
        let converted = money.to_minor_units();
        prop_assert_eq!(converted.is_err(), too_precise, "{} -> {:?}", money, converted);
        if let Ok(units) = converted {
            // The conversion is exact: the units, scaled back, are the amount.
            prop_assert_eq!(Decimal::new(units, exponent), money.amount());
        }
    }

    /// Every money the strategies make is within the ISO limits, so `Money::new` accepts it again.
    #[test]
    fn generated_money_satisfies_money_new(money in arbitrary::money()) {
        prop_assert_eq!(Money::new(money.amount(), money.currency()), Ok(money));
    }

    /// Display then parse gives the same `DateTime`, and parse then display gives the same text.
    #[test]
    fn date_time_display_parse_round_trip(value in arbitrary::date_time()) {
        let text = value.to_string();
        let parsed = DateTime::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed, value, "{}", text);
        prop_assert_eq!(parsed.to_string(), text);
    }

    /// `Text<N>` accepts a string iff it has 1 to N characters and no control characters other
    /// than tab, line feed and carriage return.
    #[test]
    fn text_length_rule(
        chars in proptest::collection::vec(any::<char>(), 0..45),
        length in 0usize..45,
    ) {
        let text: String = chars.iter().take(length).collect();
        let count = text.chars().count();
        let clean = text.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'));
        prop_assert_eq!(Text::<4>::new(text.clone()).is_ok(), (1..=4).contains(&count) && clean);
        prop_assert_eq!(Text::<35>::new(text.clone()).is_ok(), (1..=35).contains(&count) && clean);
        prop_assert_eq!(Text::<140>::new(text.clone()).is_ok(), (1..=140).contains(&count) && clean);
        if let Ok(accepted) = Text::<35>::new(text.clone()) {
            prop_assert_eq!(accepted.char_count(), count);
            prop_assert_eq!(accepted.as_str(), text.as_str());
        }
    }

    /// Length counts characters, not bytes: N characters of any width fit `Text<N>`, N + 1 do not.
    #[test]
    fn text_length_counts_characters(text in arbitrary::unicode_text::<35>()) {
        let count = text.char_count();
        prop_assert!((1..=35).contains(&count));
        let longer = format!("{}{}", text.as_str(), "é".repeat(36 - count));
        prop_assert!(Text::<35>::new(longer).is_err());
        let exact = format!("{}{}", text.as_str(), "漢".repeat(35 - count));
        prop_assert!(Text::<35>::new(exact).is_ok());
    }

    /// `mask` never shows more than 8 characters of what it masks, whatever the input.
    #[test]
    fn mask_reveals_at_most_eight_characters(value in "[^*]{0,60}") {
        let masked = mask(&value);
        let revealed = masked.chars().filter(|c| *c != '*').count();
        prop_assert!(revealed <= 8, "{:?} -> {:?}", value, masked);
        prop_assert!(masked.contains("****"));
    }

    /// IBANs and other account numbers appear only masked (at most 8 characters shown) in
    /// Display, Debug, the Debug of an account, and the error for a corrupted value.
    #[test]
    fn accounts_are_masked_everywhere(iban in arbitrary::iban(), number in arbitrary::account_number()) {
        let raw = iban.expose().to_owned();
        for shown in [iban.to_string(), format!("{iban:?}"), format!("{:?}", Account::iban(iban.clone()))] {
            shows_only_masked(&shown, &raw)?;
        }
        let raw_number = number.expose().to_owned();
        for shown in [number.to_string(), format!("{number:?}"), format!("{:?}", Account::other(number.clone(), None))] {
            shows_only_masked(&shown, &raw_number)?;
        }
        let corrupted = corrupt(&raw);
        let error = Iban::parse(&corrupted).err().map(|e| e.to_string());
        prop_assert!(error.is_some(), "{} accepted", mask(&corrupted));
        shows_only_masked(&error.unwrap_or_default(), &corrupted)?;
        let bad_number = format!("{raw_number}\u{7}");
        let error = AccountNumber::parse(&bad_number).err().map(|e| e.to_string());
        prop_assert!(error.is_some());
        shows_only_masked(&error.unwrap_or_default(), &bad_number)?;
    }
}

/// `shown` carries `raw` only as `mask(raw)`: the mask is there, and once it is removed no five
/// consecutive characters of `raw` remain.
fn shows_only_masked(shown: &str, raw: &str) -> Result<(), TestCaseError> {
    let masked = mask(raw);
    prop_assert!(shown.contains(&masked), "{shown:?} lacks {masked:?}");
    let rest = shown.replace(&masked, "");
    let chars: Vec<char> = raw.chars().collect();
    for window in chars.windows(5) {
        let piece = String::from_iter(window);
        prop_assert!(!rest.contains(&piece), "{shown:?} shows {piece:?} beyond the mask");
    }
    Ok(())
}

/// The IBAN with its last digit changed (mod-97 catches it).
fn corrupt(iban: &str) -> String {
    let mut chars: Vec<char> = iban.chars().collect();
    if let Some(last) = chars.iter_mut().rev().find(|c| c.is_ascii_digit()) {
        *last = if *last == '9' { '0' } else { char::from(*last as u8 + 1) };
    }
    chars.into_iter().collect()
}

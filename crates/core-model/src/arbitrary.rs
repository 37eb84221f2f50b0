//! proptest strategies producing valid, realistic values of every model type (cargo feature
//! `proptest`), for this crate's property tests and for every protocol crate's.
//!
//! Each public function is named after the type it produces (`money()`, `iban()`,
//! `credit_transfer()`, `message()`, ...) and returns a [`BoxedStrategy`]. Values are valid by
//! construction (they pass the type's checked constructor) and look like real payments:
//!
//! - currencies are real ISO 4217 codes with their real exponents (JPY 0, EUR 2, BHD 3, CLF 4;
//!   XAU and XDR have none), amounts stay within the ISO 20022 limits (18 digits, 5 fraction
//!   digits); [`minor_unit_money`] keeps the scale within the currency's exponent;
//! - IBANs follow each country's BBAN structure from the SWIFT IBAN registry (87 countries) and
//!   carry correct ISO 7064 mod-97 check digits; LEIs and RF creditor references carry correct
//!   check digits; UETRs are UUID v4;
//! - codes come from the generated ISO external code-set tables (`StatusReason::all()`, ...);
//! - text is in the ISO 20022 Latin character set (letters, digits, space and `/-?:().,'+`);
//!   the `unicode_*` variants add wider Unicode (accents, Greek, Cyrillic, CJK, emoji);
//! - a payment initiation's batches share their debtor, debtor account, debtor agent and
//!   requested execution date across transfers, as a pain.001 payment-information block does.
//!
//! Collections are kept small (a few transfers per batch, a few entries per statement) so that
//! ten thousand cases run in seconds.
//!
//! ```
//! use payglot_core_model::arbitrary;
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! let mut runner = TestRunner::deterministic();
//! runner
//!     .run(&arbitrary::minor_unit_money(), |money| {
//!         prop_assert!(money.to_minor_units().is_ok());
//!         Ok(())
//!     })
//!     .map_err(|e| e.to_string())?;
//! # Ok::<(), String>(())
//! ```

use std::collections::BTreeMap;

use chrono::{Days, FixedOffset, NaiveDate, NaiveTime};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use rust_decimal::Decimal;

use crate::codec::{Format, Strictness};
use crate::codes::{
    AccountScheme, BalanceType, CashAccountType, CategoryPurpose, ClearingSystem, GroupStatus, LocalInstrument,
    OrganisationIdScheme, PaymentStatus, PersonIdScheme, Purpose, ReturnReason, ServiceLevel, StatusReason,
};
use crate::datetime::{DateOrDateTime, DateTime, Offset};
use crate::ids::{AccountNumber, Bic, CountryCode, CreditorReference, Iban, IdempotencyKey, Lei, Uetr};
use crate::loss::{Loss, LossKind};
use crate::message::{
    AccountReport, AccountReports, Balance, BankTransactionCode, BusinessHeader, CreditDebit, Entry, EntryBatch,
    EntryTransaction, GroupHeader, InterbankTransfer, Message, OriginalGroupStatus, PaymentBatch, PaymentInfoStatus,
    PaymentInitiation, PaymentMethod, PaymentReturn, RelatedParties, ReturnReasonInfo, ReturnedTransaction,
    SettlementInfo, StatusReasonInfo, StatusReport, TransactionRefs, TransactionStatus, TransactionsSummary,
};
use crate::money::{Currency, Money};
use crate::party::{
    Account, AccountId, Agent, ClearingMemberId, CodeOrProprietary, Contact, DateAndPlaceOfBirth, GenericId, Party,
    PartyId, PostalAddress, Proxy,
};
use crate::text::{
    EndToEndId, InstructionId, Max35Text, Max70Text, Max140Text, MessageId, PaymentInfoId, Text, TransactionId,
};
use crate::transfer::{
    AgentInstruction, Charge, ChargeBearer, CreditTransfer, CreditorReferenceInfo, Exchange, PaymentIds, PaymentType,
    Priority, ReferredDocument, RegulatoryDetail, RegulatoryReport, Remittance, StructuredRemittance,
};

// ---------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------

/// Every ISO 4217 code `iso_currency` knows (active, funds, precious metals, superseded).
const ISO_4217_CODES: &[&str] = &[
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

/// The currencies most payments are in, plus the exponent edge cases (JPY 0, BHD/KWD 3, CLF 4).
const COMMON_CURRENCIES: &[&str] = &[
    "EUR", "USD", "GBP", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CAD", "AUD", "SGD", "HKD", "CNY",
    "INR", "BHD", "KWD", "JOD", "CLF", "CLP", "ISK", "KRW",
];

/// BBAN structure per country, as the SWIFT IBAN registry gives it (the structures
/// `iban_validate` 5.0.1 checks): counts of `n` digits, `a` upper-case letters, `c` letters or
/// digits.
const IBAN_FORMATS: &[(&str, &str)] = &[
    ("AD", "8n12c"),
    ("AE", "19n"),
    ("AL", "8n16c"),
    ("AT", "16n"),
    ("AZ", "4a20c"),
    ("BA", "16n"),
    ("BE", "12n"),
    ("BG", "4a6n8c"),
    ("BH", "4a14c"),
    ("BI", "23n"),
    ("BR", "23n1a1c"),
    ("BY", "4c4n16c"),
    ("CH", "5n12c"),
    ("CR", "18n"),
    ("CY", "8n16c"),
    ("CZ", "20n"),
    ("DE", "18n"),
    ("DJ", "23n"),
    ("DK", "14n"),
    ("DO", "4c20n"),
    ("EE", "16n"),
    ("EG", "25n"),
    ("ES", "20n"),
    ("FI", "14n"),
    ("FK", "2a12n"),
    ("FO", "14n"),
    ("FR", "10n11c2n"),
    ("GB", "4a14n"),
    ("GE", "2a16n"),
    ("GI", "4a15c"),
    ("GL", "14n"),
    ("GR", "7n16c"),
    ("GT", "24c"),
    ("HR", "17n"),
    ("HU", "24n"),
    ("IE", "4a14n"),
    ("IL", "19n"),
    ("IQ", "4a15n"),
    ("IS", "22n"),
    ("IT", "1a10n12c"),
    ("JO", "4a4n18c"),
    ("KW", "4a22c"),
    ("KZ", "3n13c"),
    ("LB", "4n20c"),
    ("LC", "4a24c"),
    ("LI", "5n12c"),
    ("LT", "16n"),
    ("LU", "3n13c"),
    ("LV", "4a13c"),
    ("LY", "21n"),
    ("MC", "10n11c2n"),
    ("MD", "20c"),
    ("ME", "18n"),
    ("MK", "3n10c2n"),
    ("MN", "16n"),
    ("MR", "23n"),
    ("MT", "4a5n18c"),
    ("MU", "4a19n3a"),
    ("NI", "4a20n"),
    ("NL", "4a10n"),
    ("NO", "11n"),
    ("OM", "3n16c"),
    ("PL", "24n"),
    ("PS", "4a21c"),
    ("PT", "21n"),
    ("QA", "4a21c"),
    ("RO", "4a16c"),
    ("RS", "18n"),
    ("RU", "14n15c"),
    ("SA", "2n18c"),
    ("SC", "4a20n3a"),
    ("SD", "14n"),
    ("SE", "20n"),
    ("SI", "15n"),
    ("SK", "20n"),
    ("SM", "1a10n12c"),
    ("SO", "19n"),
    ("ST", "21n"),
    ("SV", "4a20n"),
    ("TL", "19n"),
    ("TN", "20n"),
    ("TR", "6n16c"),
    ("UA", "6n19c"),
    ("VA", "18n"),
    ("VG", "4a16n"),
    ("XK", "16n"),
    ("YE", "4a4n18c"),
];

/// ISO 3166 alpha-2 codes of countries payments commonly touch.
const COUNTRY_CODES: &[&str] = &[
    "DE", "FR", "IT", "ES", "NL", "BE", "AT", "CH", "GB", "IE", "PT", "LU", "FI", "SE", "NO", "DK", "IS", "PL", "CZ",
    "SK", "HU", "SI", "HR", "RO", "BG", "GR", "CY", "MT", "EE", "LV", "LT", "LI", "MC", "SM", "VA", "US", "CA", "MX",
    "BR", "AR", "CL", "JP", "CN", "HK", "SG", "IN", "AU", "NZ", "ZA", "AE", "SA", "BH", "KW", "QA", "TR", "IL", "EG",
    "KR", "TW", "TH",
];

/// The ISO 20022 Latin character set (`[A-Za-z0-9/\-?:().,'+ ]`).
const ISO_CHARACTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/-?:().,'+ ";

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "Lukas",
    "Sofia",
    "Jean",
    "Marie",
    "Pierre",
    "Giulia",
    "Marco",
    "Jan",
    "Eva",
    "Oliver",
    "Amelia",
    "Noah",
    "Emma",
    "Liam",
    "Mia",
    "Carlos",
    "Lucia",
    "Ahmed",
    "Fatima",
    "Hiroshi",
    "Yuki",
    "Olga",
    "Ivan",
    "Kerstin",
    "Mikael",
    "Sean",
    "Aoife",
    "Joao",
    "Ines",
    "Piotr",
    "Agnieszka",
];

const SURNAMES: &[&str] = &[
    "Mueller",
    "Schmidt",
    "Dupont",
    "Martin",
    "Rossi",
    "Bianchi",
    "de Vries",
    "Jansen",
    "Smith",
    "Jones",
    "O'Brien",
    "Garcia",
    "Lopez",
    "Nowak",
    "Kowalski",
    "Novak",
    "Horvat",
    "Nielsen",
    "Andersson",
    "Virtanen",
    "Papadopoulos",
    "Silva",
    "Santos",
    "Tanaka",
    "Ivanova",
    "Murphy",
    "Peeters",
    "Janssens",
    "Weber",
    "Fischer",
    "Muller-Lang",
];

const COMPANY_WORDS: &[&str] = &[
    "Acme",
    "Nordwind",
    "Blue River",
    "Alpine",
    "Meridian",
    "Atlas",
    "Helios",
    "Orion",
    "Sunrise",
    "Baltic",
    "Danube",
    "Pacific",
    "Summit",
    "Evergreen",
    "Kestrel",
    "Rhein Logistik",
    "Iberia Foods",
    "Lumen Energy",
    "Vega Software",
];

const COMPANY_FORMS: &[&str] = &[
    "GmbH",
    "AG",
    "Ltd",
    "PLC",
    "S.A.",
    "S.p.A.",
    "B.V.",
    "N.V.",
    "SARL",
    "Oy",
    "AB",
    "A/S",
    "Inc.",
    "LLC",
    "Sp. z o.o.",
    "GmbH (+) Co. KG",
    "Holding",
    "Trading Ltd",
    "s.r.o.",
    "Kft.",
];

/// Names in wider Unicode: what arrives over REST and GraphQL and must be transliterated or
/// reported when it goes to an ISO 20022 Latin-only channel.
const UNICODE_NAMES: &[&str] = &[
    "Jürgen Groß",
    "François Lefèvre",
    "Łukasz Żółć",
    "Ελένη Παπαδοπούλου",
    "Иван Петров",
    "山田 太郎",
    "Søren Kierkegaard",
    "José Álvarez Núñez",
    "Zoë Ångström",
    "Đorđe Šćepanović",
    "Ömer Çelik",
    "Ærø Fiskeri ApS",
    "محمد عبد الله",
    "דוד כהן",
    "김민준",
    "Nguyễn Văn An",
    "Café Zürich AG ☕",
    "Smile Ltd 🙂",
];

const STREETS: &[&str] = &[
    "Hauptstrasse",
    "Bahnhofstrasse",
    "Rue de la Paix",
    "Via Roma",
    "Kalverstraat",
    "High Street",
    "Main Street",
    "Calle Mayor",
    "Avenida da Liberdade",
    "Nowy Swiat",
    "Mannerheimintie",
    "Drottninggatan",
    "Karl Johans gate",
    "Gran Via",
    "Friedrichstrasse",
    "Boulevard Royal",
    "Rue du Rhone",
    "Mariahilfer Strasse",
];

const TOWNS: &[&str] = &[
    "Berlin",
    "Frankfurt am Main",
    "Paris",
    "Lyon",
    "Milano",
    "Roma",
    "Amsterdam",
    "Rotterdam",
    "London",
    "Manchester",
    "Dublin",
    "Madrid",
    "Barcelona",
    "Lisboa",
    "Warszawa",
    "Praha",
    "Wien",
    "Zurich",
    "Geneve",
    "Bruxelles",
    "Luxembourg",
    "Helsinki",
    "Stockholm",
    "Oslo",
    "Kobenhavn",
    "Tallinn",
    "Riga",
    "Vilnius",
    "Athina",
    "New York",
    "Tokyo",
    "Singapore",
];

const MESSAGE_NAMES: &[&str] = &[
    "pain.001.001.09",
    "pain.001.001.03",
    "pacs.008.001.08",
    "pacs.008.001.10",
    "pacs.002.001.10",
    "pacs.004.001.09",
    "camt.053.001.08",
    "camt.054.001.08",
    "pain.002.001.10",
];

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/// `Some` with weight `some` against `None` with weight `none`.
fn maybe<S>(some: u32, none: u32, strategy: S) -> BoxedStrategy<Option<S::Value>>
where
    S: Strategy + 'static,
    S::Value: Clone + 'static,
{
    prop_oneof![none => Just(None), some => strategy.prop_map(Some)].boxed()
}

/// Mostly nothing, now and then one value.
fn rarely_one<T: std::fmt::Debug + Clone + 'static>(strategy: BoxedStrategy<T>) -> BoxedStrategy<Vec<T>> {
    prop_oneof![6 => Just(Vec::new()), 1 => strategy.prop_map(|value| vec![value])].boxed()
}

/// One of a list of static strings, as a bounded text.
fn text_of<const N: usize>(values: &'static [&'static str]) -> BoxedStrategy<Text<N>> {
    select(values).prop_filter_map("fits the text type", |s| Text::<N>::new(s).ok()).boxed()
}

/// Strings matching `pattern`, compiled once when the strategy is built (a `&str` used as a
/// strategy directly would compile its regex for every value). A pattern that does not compile
/// yields a strategy that rejects every value, so any test using it fails loudly.
fn regex(pattern: &'static str) -> BoxedStrategy<String> {
    match proptest::string::string_regex(pattern) {
        Ok(strategy) => strategy.boxed(),
        Err(_) => Just(String::new()).prop_filter(pattern, |_| false).boxed(),
    }
}

/// Strings matching `pattern`, as a bounded text.
fn text_matching<const N: usize>(pattern: &'static str) -> BoxedStrategy<Text<N>> {
    regex(pattern).prop_filter_map("fits the text type", |s| Text::<N>::new(s).ok()).boxed()
}

/// Strings of `min..=max` characters from the ISO 20022 Latin set.
fn iso_string(min: usize, max: usize) -> BoxedStrategy<String> {
    let chars: Vec<char> = ISO_CHARACTERS.chars().collect();
    vec(select(chars), min..=max).prop_map(String::from_iter).boxed()
}

/// A character of wider Unicode that a `Text` accepts: mostly letters of many scripts, some
/// symbols and emoji, now and then a tab or line break, and anything else that is no control.
fn unicode_char() -> BoxedStrategy<char> {
    prop_oneof![
        4 => select(ISO_CHARACTERS.chars().collect::<Vec<_>>()),
        3 => prop::char::ranges(
            vec!['\u{a0}'..='\u{24f}', '\u{370}'..='\u{3ff}', '\u{400}'..='\u{4ff}', '\u{4e00}'..='\u{9fff}',
                 '\u{1f300}'..='\u{1f64f}', '\u{5d0}'..='\u{5ea}', '\u{600}'..='\u{6ff}', '\u{ac00}'..='\u{d7a3}']
                .into()
        ),
        2 => any::<char>().prop_filter("no control characters", |c| !c.is_control()),
        1 => select(vec!['\n', '\t', '\r', '\u{2028}', '\u{feff}', '\u{200b}']),
    ]
    .boxed()
}

/// ISO 7064 MOD 97-10 of letters (A=10 ... Z=35) and digits.
fn mod97(text: &str) -> u32 {
    text.bytes().fold(0u32, |remainder, c| match c {
        b'0'..=b'9' => (remainder * 10 + u32::from(c - b'0')) % 97,
        b'A'..=b'Z' => (remainder * 100 + u32::from(c - b'A') + 10) % 97,
        _ => remainder,
    })
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/// Longest text the generic text strategies write; longer bounds (`Text<500>`, `Text<2048>`)
/// are exercised up to this length, which keeps cases fast.
pub const MAX_GENERATED_TEXT: usize = 256;

/// A `Text<N>` of 1 to `min(N, MAX_GENERATED_TEXT)` characters in the ISO 20022 Latin character
/// set (`A-Z a-z 0-9 / - ? : ( ) . , ' +` and space).
pub fn iso_text<const N: usize>() -> BoxedStrategy<Text<N>> {
    iso_string(1, N.clamp(1, MAX_GENERATED_TEXT)).prop_filter_map("fits", |s| Text::<N>::new(s).ok()).boxed()
}

/// A `Text<N>` of 1 to `min(N, MAX_GENERATED_TEXT)` characters of wider Unicode (accented
/// Latin, Greek, Cyrillic, Hebrew, Arabic, CJK, Hangul, emoji, line breaks, zero-width and
/// other characters that are not control characters). Carriage returns are included: fine for
/// JSON, but XML parsers normalise them, so XML round-trip tests should use [`iso_text`].
pub fn unicode_text<const N: usize>() -> BoxedStrategy<Text<N>> {
    vec(unicode_char(), 1..=N.clamp(1, MAX_GENERATED_TEXT))
        .prop_filter_map("fits", |chars| Text::<N>::new(String::from_iter(chars)).ok())
        .boxed()
}

/// ISO 20022 `Max35Text` in the Latin character set.
pub fn max35_text() -> BoxedStrategy<Max35Text> {
    iso_text::<35>()
}

/// ISO 20022 `Max140Text` in the Latin character set.
pub fn max140_text() -> BoxedStrategy<Max140Text> {
    iso_text::<140>()
}

/// A realistic name of a person or an organisation in the ISO 20022 Latin character set
/// (`Anna Mueller`, `Nordwind GmbH`, `O'Brien (+) Sons Ltd`), now and then arbitrary Latin text.
pub fn name() -> BoxedStrategy<Max140Text> {
    let person = (select(FIRST_NAMES), select(SURNAMES)).prop_map(|(first, last)| format!("{first} {last}"));
    let company = (select(COMPANY_WORDS), select(COMPANY_FORMS)).prop_map(|(word, form)| format!("{word} {form}"));
    let family_firm = (select(SURNAMES), select(SURNAMES), select(COMPANY_FORMS))
        .prop_map(|(a, b, form)| format!("{a}, {b} (+) Partners {form}"));
    prop_oneof![
        4 => person,
        4 => company,
        1 => family_firm,
        1 => iso_string(1, 140),
    ]
    .prop_filter_map("fits Max140Text", |s| Max140Text::new(s).ok())
    .boxed()
}

/// A name in wider Unicode (`Jürgen Groß`, `Ελένη Παπαδοπούλου`, `山田 太郎`, emoji), or any
/// Latin [`name`]; for the paths where REST and GraphQL carry what ISO 20022 Latin cannot.
pub fn unicode_name() -> BoxedStrategy<Max140Text> {
    prop_oneof![
        3 => text_of::<140>(UNICODE_NAMES),
        2 => name(),
        1 => unicode_text::<140>(),
    ]
    .boxed()
}

fn short_name() -> BoxedStrategy<Max70Text> {
    name().prop_map(|n| n.truncate::<70>().0).boxed()
}

// ---------------------------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------------------------

/// A real ISO 4217 currency: mostly the common ones (EUR, USD, GBP, JPY, BHD, CLF, ...), any of
/// the others too, including those without a minor unit (XAU, XDR).
pub fn currency() -> BoxedStrategy<Currency> {
    prop_oneof![3 => select(COMMON_CURRENCIES), 2 => select(ISO_4217_CODES)]
        .prop_filter_map("an ISO 4217 code", |code| Currency::parse(code).ok())
        .boxed()
}

/// A currency with a minor unit (exponent 0 to 4).
pub fn currency_with_minor_unit() -> BoxedStrategy<Currency> {
    currency().prop_filter("has a minor unit", |c| c.exponent().is_some()).boxed()
}

/// A mantissa for an amount: mostly everyday sizes, now and then large, sometimes zero.
fn mantissa(max_exclusive: i64) -> BoxedStrategy<i64> {
    prop_oneof![
        6 => 1..10_000_000i64.min(max_exclusive),
        3 => 1..max_exclusive,
        1 => Just(0i64),
    ]
    .boxed()
}

/// A decimal amount within the ISO 20022 limits (at most 18 digits) with `0..=max_scale`
/// fraction digits (`max_scale` is capped at 5). The scale is kept as generated (`10.50`).
pub fn amount(max_scale: u32) -> BoxedStrategy<Decimal> {
    (0..=max_scale.min(5), mantissa(1_000_000_000_000_000_000))
        .prop_map(|(scale, mantissa)| Decimal::new(mantissa, scale))
        .boxed()
}

/// Money in `currency` whose scale is at most the currency's exponent (or up to 5 for a
/// currency without one) and whose minor units fit an `i64`.
pub fn money_in(currency: Currency) -> BoxedStrategy<Money> {
    let exponent = currency.exponent().unwrap_or(5).min(5);
    (0..=exponent, mantissa(100_000_000_000_000))
        .prop_filter_map("within the ISO limits", move |(scale, mantissa)| {
            Money::new(Decimal::new(mantissa, scale), currency).ok()
        })
        .boxed()
}

/// Money in a currency with a minor unit, with a scale no larger than that currency's
/// exponent: `to_minor_units` succeeds for every value.
pub fn minor_unit_money() -> BoxedStrategy<Money> {
    (currency_with_minor_unit(), 0u32..=5, mantissa(100_000_000_000_000))
        .prop_filter_map("within the ISO limits", |(currency, scale, mantissa)| {
            // Mostly the currency's own scale (`10.50` EUR), sometimes fewer digits (`10.5`, `10`).
            let scale = scale.min(currency.exponent()?);
            Money::new(Decimal::new(mantissa, scale), currency).ok()
        })
        .boxed()
}

/// Any money within the ISO 20022 limits: mostly as [`minor_unit_money`], sometimes with more
/// fraction digits than the currency uses (ISO 20022 allows 5 in any currency) or in a currency
/// without a minor unit.
pub fn money() -> BoxedStrategy<Money> {
    let any_scale = (currency(), amount(5))
        .prop_filter_map("within the ISO limits", |(currency, amount)| Money::new(amount, currency).ok());
    prop_oneof![4 => minor_unit_money(), 1 => any_scale].boxed()
}

// ---------------------------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------------------------

/// A real ISO 3166 alpha-2 country code.
pub fn country_code() -> BoxedStrategy<CountryCode> {
    select(COUNTRY_CODES).prop_filter_map("a country code", |code| CountryCode::parse(code).ok()).boxed()
}

/// A BBAN character of kind `n` (digit), `a` (upper-case letter) or `c` (mostly digits, some
/// letters, as real BBANs look), chosen by a random byte.
fn bban_char(kind: char, random: u8) -> char {
    let digit = char::from(b'0' + random % 10);
    let letter = char::from(b'A' + random % 26);
    match kind {
        'n' => digit,
        'a' => letter,
        _ if random < 51 => letter,
        _ => digit,
    }
}

/// The per-position kinds of a BBAN structure such as `4a14n`.
fn bban_kinds(structure: &str) -> Vec<char> {
    let mut kinds = Vec::new();
    let mut count = 0usize;
    for c in structure.chars() {
        if let Some(d) = c.to_digit(10) {
            count = count * 10 + d as usize;
        } else {
            kinds.extend(std::iter::repeat_n(c, count));
            count = 0;
        }
    }
    kinds
}

/// An IBAN in electronic form for one of the registry's countries: a BBAN of the country's
/// structure and correct mod-97 check digits.
pub fn iban_string() -> BoxedStrategy<String> {
    // The longest BBAN of the registry has 30 characters.
    (select(IBAN_FORMATS), vec(any::<u8>(), 30))
        .prop_map(|((country, structure), random)| {
            let bban: String =
                bban_kinds(structure).into_iter().zip(random).map(|(kind, r)| bban_char(kind, r)).collect();
            let check = 98 - mod97(&format!("{bban}{country}00"));
            format!("{country}{check:02}{bban}")
        })
        .boxed()
}

/// A valid [`Iban`] of one of 87 registry countries, with correct check digits.
pub fn iban() -> BoxedStrategy<Iban> {
    iban_string().prop_filter_map("a valid IBAN", |text| Iban::parse(&text).ok()).boxed()
}

/// A BIC: four letters for the institution, a real country code, a location code and, for
/// about a third, a branch code (`XXX` for the head office or three letters or digits).
pub fn bic() -> BoxedStrategy<Bic> {
    let branch = prop_oneof![2 => Just("XXX".to_owned()), 1 => regex("[A-WYZ0-9][A-Z0-9]{2}")];
    (regex("[A-Z]{4}"), select(COUNTRY_CODES), regex("[A-Z2-9][A-NP-Z1-9]"), maybe(1, 2, branch.boxed()))
        .prop_filter_map("a valid BIC", |(bank, country, location, branch)| {
            Bic::parse(&format!("{bank}{country}{location}{}", branch.unwrap_or_default())).ok()
        })
        .boxed()
}

/// A LEI: a four-character LOU prefix, `00`, twelve letters or digits and correct ISO 7064
/// check digits.
pub fn lei() -> BoxedStrategy<Lei> {
    let lou = prop_oneof![
        select(vec!["5493", "5299", "7245", "9695", "2138", "8156", "5967"]).prop_map(str::to_owned),
        regex("[0-9]{4}")
    ];
    (lou, regex("[A-Z0-9]{12}"))
        .prop_filter_map("a valid LEI", |(lou, entity)| {
            let mut base = format!("{lou}00{entity}");
            base.truncate(18);
            let check = 98 - mod97(&format!("{base}00"));
            Lei::parse(&format!("{base}{check:02}")).ok()
        })
        .boxed()
}

/// A UETR: a random UUID version 4.
pub fn uetr() -> BoxedStrategy<Uetr> {
    any::<[u8; 16]>()
        .prop_filter_map("a UUID v4", |bytes| Uetr::from_uuid(uuid::Builder::from_random_bytes(bytes).into_uuid()).ok())
        .boxed()
}

/// An ISO 11649 RF creditor reference (`RF18539007547034`) with correct check digits, in
/// electronic form; the reference part is mostly digits, like invoice numbers.
pub fn creditor_reference() -> BoxedStrategy<CreditorReference> {
    prop_oneof![3 => regex("[0-9]{4,21}"), 1 => regex("[A-Z0-9]{1,21}")]
        .prop_filter_map("a valid RF reference", |body| {
            let check = 98 - mod97(&format!("{body}RF00"));
            CreditorReference::parse(&format!("RF{check:02}{body}")).ok()
        })
        .boxed()
}

/// A Max35Text identifier as systems write them: `MSG-2024-000123`, hex without hyphens,
/// `NOTPROVIDED`, any Latin text, sometimes exactly 35 characters.
fn id_string() -> BoxedStrategy<String> {
    let prefixes = select(vec!["MSG", "PMT", "INV", "E2E", "TX", "REF", "BATCH", "SEPA", "ORD", "PAYROLL"]);
    prop_oneof![
        4 => (prefixes, 2015u32..2036, 0u32..1_000_000).prop_map(|(p, y, n)| format!("{p}-{y}-{n:06}")),
        2 => regex("[0-9a-f]{32}"),
        1 => regex("[A-Z0-9]{35}"),
        2 => iso_string(1, 35),
    ]
    .boxed()
}

/// A message id (`GrpHdr/MsgId`).
pub fn message_id() -> BoxedStrategy<MessageId> {
    id_string().prop_filter_map("Max35Text", |s| MessageId::new(s).ok()).boxed()
}

/// A payment-information id (`PmtInfId`).
pub fn payment_info_id() -> BoxedStrategy<PaymentInfoId> {
    id_string().prop_filter_map("Max35Text", |s| PaymentInfoId::new(s).ok()).boxed()
}

/// An instruction id (`InstrId`).
pub fn instruction_id() -> BoxedStrategy<InstructionId> {
    id_string().prop_filter_map("Max35Text", |s| InstructionId::new(s).ok()).boxed()
}

/// An end-to-end id (`EndToEndId`); `NOTPROVIDED` now and then, as SEPA writes it.
pub fn end_to_end_id() -> BoxedStrategy<EndToEndId> {
    prop_oneof![9 => id_string(), 1 => Just("NOTPROVIDED".to_owned())]
        .prop_filter_map("Max35Text", |s| EndToEndId::new(s).ok())
        .boxed()
}

/// A transaction id (`TxId`).
pub fn transaction_id() -> BoxedStrategy<TransactionId> {
    id_string().prop_filter_map("Max35Text", |s| TransactionId::new(s).ok()).boxed()
}

/// A reference held as plain `Max35Text` (status ids, return ids, servicer references).
pub fn reference() -> BoxedStrategy<Max35Text> {
    id_string().prop_filter_map("Max35Text", |s| Max35Text::new(s).ok()).boxed()
}

/// An idempotency key: a UUID as most clients send, or 1 to 255 visible ASCII characters.
pub fn idempotency_key() -> BoxedStrategy<IdempotencyKey> {
    prop_oneof![
        3 => uetr().prop_map(|u| u.to_string()),
        1 => regex("[!-~]{1,255}"),
    ]
    .prop_filter_map("an idempotency key", |s| IdempotencyKey::parse(&s).ok())
    .boxed()
}

/// A non-IBAN account number: a domestic BBAN, a UK sort code and account number, a card
/// number, or a provider's own account id.
pub fn account_number() -> BoxedStrategy<AccountNumber> {
    prop_oneof![regex("[0-9]{6,20}"), regex("[0-9]{14}"), regex("4[0-9]{15}"), regex("acc_[A-Za-z0-9]{10,24}"),]
        .prop_filter_map("Max34Text", |s| AccountNumber::parse(&s).ok())
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Codes
// ---------------------------------------------------------------------------------------------

macro_rules! code_strategy {
    ($(#[$doc:meta])* $function:ident, $ty:ty) => {
        $(#[$doc])*
        pub fn $function() -> BoxedStrategy<$ty> {
            select(<$ty>::all()).prop_filter_map("a known code", |(code, _)| <$ty>::parse(code).ok()).boxed()
        }
    };
}

code_strategy!(
    /// A known ISO `ExternalStatusReason1Code` (`AM04`, `AC01`, ...).
    status_reason, StatusReason
);
code_strategy!(
    /// A known ISO `ExternalPaymentTransactionStatus1Code` (`ACSC`, `RJCT`, ...).
    payment_status, PaymentStatus
);
code_strategy!(
    /// A known ISO `ExternalPaymentGroupStatus1Code`.
    group_status, GroupStatus
);
code_strategy!(
    /// A known ISO `ExternalPurpose1Code` (`SALA`, `SUPP`, ...).
    purpose, Purpose
);
code_strategy!(
    /// A known ISO `ExternalCategoryPurpose1Code`.
    category_purpose, CategoryPurpose
);
code_strategy!(
    /// A known ISO `ExternalServiceLevel1Code` (`SEPA`, `URGP`, ...).
    service_level, ServiceLevel
);
code_strategy!(
    /// A known ISO `ExternalLocalInstrument1Code` (`INST`, `CCD`, ...).
    local_instrument, LocalInstrument
);
code_strategy!(
    /// A known ISO `ExternalReturnReason1Code`.
    return_reason, ReturnReason
);
code_strategy!(
    /// A known ISO `ExternalBalanceType1Code` (`OPBD`, `CLBD`, ...).
    balance_type, BalanceType
);
code_strategy!(
    /// A known ISO `ExternalClearingSystemIdentification1Code` (`USABA`, `GBDSC`, `DEBLZ`, ...).
    clearing_system, ClearingSystem
);
code_strategy!(
    /// A known ISO `ExternalCashAccountType1Code` (`CACC`, `SVGS`, ...).
    cash_account_type, CashAccountType
);
code_strategy!(
    /// A known ISO `ExternalAccountIdentification1Code` (`BBAN`, ...).
    account_scheme, AccountScheme
);
code_strategy!(
    /// A known ISO `ExternalOrganisationIdentification1Code` (`DUNS`, `TXID`, ...).
    organisation_id_scheme, OrganisationIdScheme
);
code_strategy!(
    /// A known ISO `ExternalPersonIdentification1Code` (`NIDN`, `CCPT`, ...).
    person_id_scheme, PersonIdScheme
);

/// A proprietary code as providers write them (`UK.OBIE.SortCodeAccountNumber`,
/// `insufficient_funds`, `ACME-ERR-1042`).
pub fn proprietary_code() -> BoxedStrategy<Max35Text> {
    prop_oneof![
        2 => text_of::<35>(&[
            "UK.OBIE.SortCodeAccountNumber", "UK.OBIE.PAN", "insufficient_funds", "card_declined", "INVALID_IBAN",
            "ACME-ERR-1042", "NARR", "X-PROVIDER-17", "account_closed", "LIMIT_EXCEEDED",
        ]),
        1 => text_matching::<35>("[A-Z][A-Z0-9_.-]{1,20}"),
    ]
    .boxed()
}

/// Mostly `Code` from `code`, sometimes a [`proprietary_code`].
pub fn code_or_proprietary<C: std::fmt::Debug + Clone + 'static>(
    code: BoxedStrategy<C>,
) -> BoxedStrategy<CodeOrProprietary<C>> {
    prop_oneof![6 => code.prop_map(CodeOrProprietary::Code), 1 => proprietary_code().prop_map(CodeOrProprietary::Proprietary)]
        .boxed()
}

/// A four-character code from a list of real ones, rarely a proprietary value.
fn code4_or_proprietary(codes: &'static [&'static str]) -> BoxedStrategy<CodeOrProprietary<Text<4>>> {
    code_or_proprietary(text_of::<4>(codes))
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// A calendar date between 2000 and 2035.
pub fn date() -> BoxedStrategy<NaiveDate> {
    (0u64..13_149)
        .prop_filter_map("a date", |days| NaiveDate::from_ymd_opt(2000, 1, 1)?.checked_add_days(Days::new(days)))
        .boxed()
}

/// How a date-time's offset is written: local, `Z`, or a whole quarter hour from -12:00 to +14:00.
pub fn offset() -> BoxedStrategy<Offset> {
    prop_oneof![
        1 => Just(Offset::Local),
        2 => Just(Offset::Utc),
        2 => (-48i32..=56).prop_filter_map("an offset", |quarters| FixedOffset::east_opt(quarters * 900).map(Offset::Fixed)),
    ]
    .boxed()
}

/// An ISO 20022 date-time: a date from [`date`], any time of day, 0 to 9 fraction digits
/// (the nanoseconds carry exactly that many), and an [`offset`].
pub fn date_time() -> BoxedStrategy<DateTime> {
    let digits = prop_oneof![4 => Just(0u8), 2 => Just(3u8), 1 => Just(6u8), 1 => 1u8..=9];
    (date(), 0u32..86_400, digits, 0u32..1_000_000_000, offset())
        .prop_filter_map("a date-time", |(date, seconds, digits, fraction, offset)| {
            // Nanoseconds with exactly `digits` significant fraction digits.
            let unit = 10u32.pow(9 - u32::from(digits));
            let nanos = fraction / unit * unit;
            let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos)?;
            Some(DateTime::new(date.and_time(time), offset, digits))
        })
        .boxed()
}

/// A date or a date-time.
pub fn date_or_date_time() -> BoxedStrategy<DateOrDateTime> {
    prop_oneof![3 => date().prop_map(DateOrDateTime::Date), 1 => date_time().prop_map(DateOrDateTime::DateTime)].boxed()
}

// ---------------------------------------------------------------------------------------------
// Parties, accounts, agents
// ---------------------------------------------------------------------------------------------

/// A postal address: structured (street, building number, post code, town, country, and now
/// and then the rarer fields), free address lines, or both, as ISO 20022 allows.
pub fn postal_address() -> BoxedStrategy<PostalAddress> {
    let post_code = prop_oneof![
        text_matching::<16>("[0-9]{5}"),
        text_matching::<16>("[0-9]{4}"),
        text_matching::<16>("[A-Z]{1,2}[0-9] [0-9][A-Z]{2}"),
        text_matching::<16>("[0-9]{4} [A-Z]{2}"),
        text_matching::<16>("[0-9]{2}-[0-9]{3}"),
    ]
    .boxed();
    let street = text_of::<70>(STREETS);
    let town = text_of::<35>(TOWNS);
    let main = (
        maybe(4, 1, street),
        maybe(3, 1, text_matching::<16>("[1-9][0-9]{0,2}[a-c]?")),
        maybe(4, 1, post_code),
        maybe(5, 1, town),
        maybe(5, 1, country_code()),
    );
    let rare = (
        maybe(1, 9, code4_or_proprietary(&["ADDR", "PBOX", "HOME", "BIZZ", "MLTO", "DLVY"])),
        maybe(1, 9, text_of::<70>(&["Accounts Payable", "Treasury", "Finance Department", "Payroll"])),
        maybe(1, 9, iso_text::<70>()),
        maybe(1, 9, iso_text::<35>()),
        maybe(1, 9, text_matching::<70>("[0-9]{1,2}")),
        maybe(1, 9, text_matching::<16>("[0-9]{3,6}")),
        maybe(1, 9, text_matching::<70>("[0-9]{1,4}")),
        maybe(1, 9, iso_text::<35>()),
        maybe(1, 9, iso_text::<35>()),
        maybe(1, 9, iso_text::<35>()),
    );
    let lines = vec(iso_text::<70>(), 1..=3);
    let structured = (main, rare).prop_map(|((street, number, post, town, country), rare)| {
        let (
            address_type,
            department,
            sub_department,
            building_name,
            floor,
            post_box,
            room,
            location,
            district,
            division,
        ) = rare;
        PostalAddress {
            address_type,
            department,
            sub_department,
            street_name: street,
            building_number: number,
            building_name,
            floor,
            post_box,
            room,
            post_code: post,
            town_name: town,
            town_location_name: location,
            district_name: district,
            country_sub_division: division,
            country,
            address_lines: Vec::new(),
        }
    });
    let unstructured = (maybe(3, 1, country_code()), lines.clone())
        .prop_map(|(country, address_lines)| PostalAddress { country, address_lines, ..PostalAddress::default() });
    let hybrid = (structured.clone(), vec(iso_text::<70>(), 1..=2)).prop_map(|(mut address, lines)| {
        address.address_lines = lines;
        address
    });
    prop_oneof![5 => structured, 3 => unstructured, 1 => hybrid].boxed()
}

/// A generic identification (tax id, DUNS number, national id) with a scheme from `scheme`
/// (mostly as a code, sometimes proprietary) and an optional issuer; for example
/// `generic_id(organisation_id_scheme())`.
pub fn generic_id<S: std::fmt::Debug + Clone + 'static>(scheme: BoxedStrategy<S>) -> BoxedStrategy<GenericId<S>> {
    let id = prop_oneof![text_matching::<35>("[A-Z]{2}[0-9]{9,11}"), text_matching::<35>("[0-9]{9}"), reference(),];
    (id, maybe(3, 1, code_or_proprietary(scheme)), maybe(1, 3, text_of::<35>(&["IRS", "BZSt", "DGFiP", "HMRC", "D&B"])))
        .prop_map(|(id, scheme, issuer)| GenericId { id, scheme, issuer })
        .boxed()
}

/// Date and place of birth of a private person (born 1930 to 2006).
pub fn date_and_place_of_birth() -> BoxedStrategy<DateAndPlaceOfBirth> {
    let birth_date = (0u64..27_800)
        .prop_filter_map("a date", |days| NaiveDate::from_ymd_opt(1930, 1, 1)?.checked_add_days(Days::new(days)));
    (birth_date, maybe(1, 3, iso_text::<35>()), text_of::<35>(TOWNS), country_code())
        .prop_map(|(birth_date, province, city, country)| DateAndPlaceOfBirth { birth_date, province, city, country })
        .boxed()
}

/// How a party is identified: an organisation (BIC, LEI, tax or DUNS ids) or a private person
/// (date and place of birth, national ids).
pub fn party_id() -> BoxedStrategy<PartyId> {
    let organisation = (maybe(1, 2, bic()), maybe(1, 2, lei()), vec(generic_id(organisation_id_scheme()), 0..=2))
        .prop_map(|(any_bic, lei, others)| PartyId::Organisation { any_bic, lei, others });
    let private = (maybe(1, 1, date_and_place_of_birth()), vec(generic_id(person_id_scheme()), 0..=2))
        .prop_map(|(birth, others)| PartyId::Private { birth, others });
    prop_oneof![3 => organisation, 2 => private].boxed()
}

/// Contact details: a name, phone numbers in international format and an e-mail address.
pub fn contact() -> BoxedStrategy<Contact> {
    (
        maybe(1, 1, name()),
        maybe(1, 1, text_matching::<35>("\\+[1-9][0-9]{0,2}-[0-9]{6,12}")),
        maybe(1, 2, text_matching::<35>("\\+[1-9][0-9]{7,13}")),
        maybe(2, 1, text_matching::<2048>("[a-z]{1,12}(\\.[a-z]{1,12})?@[a-z]{2,12}\\.(com|de|fr|co\\.uk|example)")),
    )
        .prop_map(|(name, phone, mobile, email)| Contact { name, phone, mobile, email })
        .boxed()
}

fn party_with_name(name: BoxedStrategy<Max140Text>) -> BoxedStrategy<Party> {
    (
        maybe(9, 1, name),
        maybe(1, 1, postal_address()),
        maybe(1, 2, party_id()),
        maybe(1, 4, country_code()),
        maybe(1, 6, contact()),
    )
        .prop_map(|(name, postal_address, id, country_of_residence, contact)| Party {
            name,
            postal_address,
            id,
            country_of_residence,
            contact,
        })
        .boxed()
}

/// A party (debtor, creditor, ultimate party, initiating party): mostly named in the ISO Latin
/// character set, often with an address, sometimes an identification, residence or contact.
pub fn party() -> BoxedStrategy<Party> {
    party_with_name(name())
}

/// A party whose name may be in wider Unicode (see [`unicode_name`]).
pub fn unicode_party() -> BoxedStrategy<Party> {
    party_with_name(unicode_name())
}

/// A proxy for an account: a phone number, an e-mail address or another proxy type, mostly
/// with its ISO `ExternalProxyAccountType1Code`.
pub fn proxy() -> BoxedStrategy<Proxy> {
    let typed = prop_oneof![
        (Just("TELE"), regex("\\+[1-9][0-9]{7,13}")),
        (Just("EMAL"), regex("[a-z]{1,12}@[a-z]{2,12}\\.(com|de|example)")),
        (select(vec!["DNAM", "CINC", "COTX", "CUST", "EWAL", "TOKN", "BIID"]), regex("[A-Za-z0-9]{4,32}")),
    ];
    (typed, 0u8..5)
        .prop_filter_map("a proxy", |((kind, id), untyped)| {
            let kind = if untyped == 0 { None } else { Some(CodeOrProprietary::Code(Text::<4>::new(kind).ok()?)) };
            Some(Proxy { kind, id: Text::new(id).ok()? })
        })
        .boxed()
}

/// How an account is identified: mostly an IBAN, otherwise another number with a scheme.
pub fn account_id() -> BoxedStrategy<AccountId> {
    let other = (account_number(), maybe(3, 1, code_or_proprietary(account_scheme())), maybe(1, 4, iso_text::<35>()))
        .prop_map(|(id, scheme, issuer)| AccountId::Other { id, scheme, issuer });
    prop_oneof![3 => iban().prop_map(AccountId::Iban), 1 => other].boxed()
}

/// A cash account: an [`account_id`] (or only a proxy), with an optional type, currency, name
/// and proxy.
pub fn account() -> BoxedStrategy<Account> {
    let identified = (
        account_id().prop_map(Some),
        maybe(1, 3, code_or_proprietary(cash_account_type())),
        maybe(1, 2, currency()),
        maybe(1, 3, short_name()),
        maybe(1, 9, proxy()),
    )
        .prop_map(|(id, account_type, currency, name, proxy)| Account { id, account_type, currency, name, proxy });
    let by_proxy = (proxy(), maybe(1, 2, currency())).prop_map(|(proxy, currency)| Account {
        id: None,
        account_type: None,
        currency,
        name: None,
        proxy: Some(proxy),
    });
    prop_oneof![9 => identified, 1 => by_proxy].boxed()
}

/// A clearing-system member id: an ABA routing number, a sort code, a BLZ, or digits for the
/// other systems.
pub fn clearing_member_id() -> BoxedStrategy<ClearingMemberId> {
    let formats = (
        text_matching::<35>("[0-9]{9}"),
        text_matching::<35>("[0-9]{6}"),
        text_matching::<35>("[1-8][0-9]{7}"),
        text_matching::<35>("[0-9]{3,5}"),
        text_matching::<35>("[0-9]{4,11}"),
    );
    (clearing_system(), formats, 0u8..7)
        .prop_map(|(system, (aba, sort_code, blz, bc, other), unnamed)| {
            let member_id = match system.as_str() {
                "USABA" => aba,
                "GBDSC" => sort_code,
                "DEBLZ" => blz,
                "CHBCC" => bc,
                _ => other,
            };
            // Now and then the system is left out, as some APIs do.
            let system = (unnamed != 0).then_some(CodeOrProprietary::Code(system));
            ClearingMemberId { system, member_id }
        })
        .boxed()
}

/// A bank: mostly known by BIC (with an optional name, LEI or address), else by clearing-system
/// member id, else by name and another identification.
pub fn agent() -> BoxedStrategy<Agent> {
    let by_bic = (
        bic(),
        maybe(1, 2, name()),
        maybe(1, 5, lei()),
        maybe(1, 5, postal_address()),
        maybe(1, 9, clearing_member_id()),
    )
        .prop_map(|(bic, name, lei, postal_address, clearing_member)| Agent {
            bic: Some(bic),
            clearing_member,
            lei,
            name,
            postal_address,
            other_id: None,
            branch_id: None,
        });
    let by_member = (clearing_member_id(), maybe(1, 1, name()), maybe(1, 2, postal_address())).prop_map(
        |(member, name, postal_address)| Agent {
            clearing_member: Some(member),
            name,
            postal_address,
            ..Agent::default()
        },
    );
    let other_scheme = text_of::<4>(&["BDID", "CBID", "CHID", "CINC", "COID", "CUST", "DUNS", "GBSC", "NIDN", "TXID"]);
    let by_other = (name(), generic_id(other_scheme), maybe(1, 1, postal_address()), maybe(1, 1, reference()))
        .prop_map(|(name, other_id, postal_address, branch_id)| Agent {
            name: Some(name),
            other_id: Some(other_id),
            postal_address,
            branch_id,
            ..Agent::default()
        });
    prop_oneof![6 => by_bic, 2 => by_member, 1 => by_other].boxed()
}

// ---------------------------------------------------------------------------------------------
// Transfers
// ---------------------------------------------------------------------------------------------

/// Payment ids with an end-to-end id and, now and then, the others.
pub fn payment_ids() -> BoxedStrategy<PaymentIds> {
    (
        maybe(1, 1, instruction_id()),
        end_to_end_id(),
        maybe(1, 2, transaction_id()),
        maybe(1, 2, uetr()),
        maybe(1, 9, reference()),
    )
        .prop_map(|(instruction_id, end_to_end_id, transaction_id, uetr, clearing_system_reference)| PaymentIds {
            instruction_id,
            end_to_end_id,
            transaction_id,
            uetr,
            clearing_system_reference,
        })
        .boxed()
}

/// Interbank payment ids: instruction id, end-to-end id, transaction id and UETR, as CBPR+
/// requires them.
fn interbank_payment_ids() -> BoxedStrategy<PaymentIds> {
    (instruction_id(), end_to_end_id(), transaction_id(), uetr(), maybe(1, 4, reference()))
        .prop_map(|(instruction_id, end_to_end_id, transaction_id, uetr, clearing_system_reference)| PaymentIds {
            instruction_id: Some(instruction_id),
            end_to_end_id,
            transaction_id: Some(transaction_id),
            uetr: Some(uetr),
            clearing_system_reference,
        })
        .boxed()
}

/// Instruction priority.
pub fn priority() -> BoxedStrategy<Priority> {
    prop_oneof![3 => Just(Priority::Normal), 1 => Just(Priority::High)].boxed()
}

/// Who bears the charges.
pub fn charge_bearer() -> BoxedStrategy<ChargeBearer> {
    prop_oneof![
        Just(ChargeBearer::Debtor),
        Just(ChargeBearer::Creditor),
        Just(ChargeBearer::Shared),
        Just(ChargeBearer::ServiceLevel),
    ]
    .boxed()
}

/// A payment type: priority, service levels, local instrument and category purpose from the ISO
/// code sets.
pub fn payment_type() -> BoxedStrategy<PaymentType> {
    (
        maybe(1, 2, priority()),
        maybe(1, 4, text_of::<4>(&["RTGS", "RTNS", "MPNS", "BOOK"])),
        vec(code_or_proprietary(service_level()), 0..=2),
        maybe(1, 2, code_or_proprietary(local_instrument())),
        maybe(1, 2, code_or_proprietary(category_purpose())),
    )
        .prop_map(|(instruction_priority, clearing_channel, service_levels, local_instrument, category_purpose)| {
            PaymentType { instruction_priority, clearing_channel, service_levels, local_instrument, category_purpose }
        })
        .boxed()
}

/// A charge taken by an agent.
pub fn charge() -> BoxedStrategy<Charge> {
    (minor_unit_money(), agent()).prop_map(|(amount, agent)| Charge { amount, agent }).boxed()
}

/// Exchange details: a positive rate with 4 to 8 fraction digits, a rate type, a contract id.
pub fn exchange() -> BoxedStrategy<Exchange> {
    (
        (4u32..=8, 1i64..10_000_000_000).prop_map(|(scale, mantissa)| Decimal::new(mantissa, scale)),
        maybe(1, 1, text_of::<4>(&["SPOT", "SALE", "AGRD"])),
        maybe(1, 2, reference()),
    )
        .prop_map(|(rate, rate_type, contract_id)| Exchange { rate, rate_type, contract_id })
        .boxed()
}

/// A creditor reference: mostly an RF reference typed `SCOR`, sometimes a national reference.
pub fn creditor_reference_info() -> BoxedStrategy<CreditorReferenceInfo> {
    let reference = prop_oneof![
        3 => creditor_reference().prop_filter_map("Max35Text", |r| Max35Text::new(r.as_str()).ok()),
        1 => text_matching::<35>("[0-9]{10,27}"),
    ];
    (
        maybe(4, 1, code4_or_proprietary(&["SCOR", "RADM", "RPIN", "FXDR", "DISP", "PUOR"])),
        maybe(1, 3, text_of::<35>(&["ISO", "BBA", "FI"])),
        maybe(9, 1, reference.boxed()),
    )
        .prop_map(|(kind, issuer, reference)| CreditorReferenceInfo { kind, issuer, reference })
        .boxed()
}

/// A referred document: an invoice, credit note or similar with number and date.
pub fn referred_document() -> BoxedStrategy<ReferredDocument> {
    (
        maybe(
            3,
            1,
            code4_or_proprietary(&[
                "CINV", "CREN", "DEBN", "HIRI", "SBIN", "CMCN", "SOAC", "DISP", "BOLD", "VCHR", "AROI", "TSUT", "PUOR",
            ]),
        ),
        maybe(9, 1, reference()),
        maybe(2, 1, date()),
    )
        .prop_map(|(kind, number, date)| ReferredDocument { kind, number, date })
        .boxed()
}

/// A structured remittance block.
pub fn structured_remittance() -> BoxedStrategy<StructuredRemittance> {
    (
        vec(referred_document(), 0..=2),
        maybe(1, 2, minor_unit_money()),
        maybe(1, 2, minor_unit_money()),
        maybe(3, 1, creditor_reference_info()),
        maybe(1, 6, party()),
        maybe(1, 6, party()),
        vec(max140_text(), 0..=2),
    )
        .prop_map(
            |(
                referred_documents,
                due_amount,
                remitted_amount,
                creditor_reference,
                invoicer,
                invoicee,
                additional_info,
            )| {
                StructuredRemittance {
                    referred_documents,
                    due_amount,
                    remitted_amount,
                    creditor_reference,
                    invoicer,
                    invoicee,
                    additional_info,
                }
            },
        )
        .boxed()
}

fn remittance_line() -> BoxedStrategy<Max140Text> {
    let invoice = (select(vec!["Invoice", "INV", "Rechnung", "Facture", "Order", "Salary"]), 1u32..1_000_000)
        .prop_filter_map("Max140Text", |(word, n)| Max140Text::new(format!("{word} {n}")).ok());
    prop_oneof![2 => invoice, 1 => max140_text()].boxed()
}

/// Remittance information: one unstructured line (as SEPA allows), a structured block, or
/// several of either.
pub fn remittance() -> BoxedStrategy<Remittance> {
    prop_oneof![
        5 => vec(remittance_line(), 1..=1).prop_map(|unstructured| Remittance { unstructured, structured: Vec::new() }),
        3 => vec(structured_remittance(), 1..=1).prop_map(|structured| Remittance { unstructured: Vec::new(), structured }),
        1 => (vec(remittance_line(), 0..=3), vec(structured_remittance(), 0..=2))
            .prop_map(|(unstructured, structured)| Remittance { unstructured, structured }),
    ]
    .boxed()
}

/// One regulatory reporting detail.
pub fn regulatory_detail() -> BoxedStrategy<RegulatoryDetail> {
    (
        maybe(1, 1, iso_text::<35>()),
        maybe(1, 1, country_code()),
        maybe(2, 1, text_matching::<10>("[0-9]{3}")),
        maybe(1, 2, minor_unit_money()),
        vec(iso_text::<35>(), 0..=2),
    )
        .prop_map(|(kind, country, code, amount, information)| RegulatoryDetail {
            kind,
            country,
            code,
            amount,
            information,
        })
        .boxed()
}

/// A regulatory report with its details.
pub fn regulatory_report() -> BoxedStrategy<RegulatoryReport> {
    (
        maybe(2, 1, text_of::<4>(&["DEBT", "CRED", "BOTH"])),
        maybe(1, 1, text_of::<140>(&["Deutsche Bundesbank", "Banque de France", "Central Bank of Ireland"])),
        maybe(1, 1, country_code()),
        vec(regulatory_detail(), 0..=2),
    )
        .prop_map(|(indicator, authority_name, authority_country, details)| RegulatoryReport {
            indicator,
            authority_name,
            authority_country,
            details,
        })
        .boxed()
}

/// An instruction for the creditor agent.
pub fn agent_instruction() -> BoxedStrategy<AgentInstruction> {
    (maybe(3, 1, text_of::<4>(&["PHOB", "TELB", "CHQB", "HOLD"])), maybe(1, 1, max140_text()))
        .prop_map(|(code, information)| AgentInstruction { code, information })
        .boxed()
}

/// Values the model has no field for, keyed by where they came from; mostly empty.
fn extensions() -> BoxedStrategy<BTreeMap<String, String>> {
    let key = select(vec![
        "metadata.order_id",
        "metadata.customer_ref",
        "metadata.channel",
        "/Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/SplmtryData",
        "x-provider-field",
    ])
    .prop_map(str::to_owned);
    prop_oneof![6 => Just(BTreeMap::new()), 1 => btree_map(key, iso_string(0, 40), 1..=3)].boxed()
}

/// The fields a transfer has in every context.
#[derive(Debug, Clone)]
struct TransferCore {
    ids: PaymentIds,
    payment_type: Option<PaymentType>,
    debtor: Party,
    debtor_account: Option<Account>,
    debtor_agent: Option<Agent>,
    ultimate_debtor: Option<Party>,
    creditor: Party,
    creditor_account: Option<Account>,
    creditor_agent: Option<Agent>,
    ultimate_creditor: Option<Party>,
    purpose: Option<CodeOrProprietary<Purpose>>,
    remittance: Option<Remittance>,
}

fn transfer_core(ids: BoxedStrategy<PaymentIds>, agents_required: bool) -> BoxedStrategy<TransferCore> {
    let side_agent = move || if agents_required { agent().prop_map(Some).boxed() } else { maybe(4, 1, agent()) };
    let parties = (
        party(),
        maybe(9, 1, account()),
        side_agent(),
        maybe(1, 6, party()),
        party(),
        maybe(9, 1, account()),
        side_agent(),
        maybe(1, 6, party()),
    );
    (ids, maybe(1, 1, payment_type()), parties, maybe(1, 2, code_or_proprietary(purpose())), maybe(4, 1, remittance()))
        .prop_map(|(ids, payment_type, parties, purpose, remittance)| {
            let (
                debtor,
                debtor_account,
                debtor_agent,
                ultimate_debtor,
                creditor,
                creditor_account,
                creditor_agent,
                ultimate_creditor,
            ) = parties;
            TransferCore {
                ids,
                payment_type,
                debtor,
                debtor_account,
                debtor_agent,
                ultimate_debtor,
                creditor,
                creditor_account,
                creditor_agent,
                ultimate_creditor,
                purpose,
                remittance,
            }
        })
        .boxed()
}

fn transfer_from(core: TransferCore) -> CreditTransfer {
    CreditTransfer {
        ids: core.ids,
        instructed_amount: None,
        settlement_amount: None,
        exchange: None,
        payment_type: core.payment_type,
        requested_execution: None,
        settlement_date: None,
        acceptance_time: None,
        charge_bearer: None,
        charges: Vec::new(),
        debtor: core.debtor,
        debtor_account: core.debtor_account,
        debtor_agent: core.debtor_agent,
        ultimate_debtor: core.ultimate_debtor,
        initiating_party: None,
        creditor: core.creditor,
        creditor_account: core.creditor_account,
        creditor_agent: core.creditor_agent,
        ultimate_creditor: core.ultimate_creditor,
        intermediary_agents: Vec::new(),
        instructing_agent: None,
        instructed_agent: None,
        instructions_for_creditor_agent: Vec::new(),
        purpose: core.purpose,
        remittance: core.remittance,
        regulatory_reporting: Vec::new(),
        extensions: BTreeMap::new(),
    }
}

/// A customer credit transfer as a pain.001, a REST payment request or a SOAP
/// `InitiatePayment` carries it: an instructed amount, a requested execution date, parties,
/// accounts, agents, remittance; no interbank settlement data.
pub fn customer_credit_transfer() -> BoxedStrategy<CreditTransfer> {
    let extras = (
        minor_unit_money(),
        maybe(3, 1, date_or_date_time()),
        maybe(1, 1, charge_bearer()),
        maybe(1, 9, party()),
        rarely_one(agent_instruction()),
        rarely_one(regulatory_report()),
        extensions(),
        maybe(1, 3, exchange()),
    );
    (transfer_core(payment_ids(), false), extras)
        .prop_map(|(core, extras)| {
            let (amount, requested, charge_bearer, initiating_party, instructions, regulatory, extensions, exchange) =
                extras;
            CreditTransfer {
                instructed_amount: Some(amount),
                exchange,
                requested_execution: requested,
                charge_bearer,
                initiating_party,
                instructions_for_creditor_agent: instructions,
                regulatory_reporting: regulatory,
                extensions,
                ..transfer_from(core)
            }
        })
        .boxed()
}

/// An interbank credit transfer as a pacs.008 carries it: settlement amount and date, full
/// payment ids with UETR, debtor and creditor agents, charge bearer, charges, instructing and
/// instructed agents; an instructed amount in another currency comes with exchange details.
pub fn interbank_credit_transfer() -> BoxedStrategy<CreditTransfer> {
    let amounts = minor_unit_money()
        .prop_flat_map(|settled| {
            let instructed = prop_oneof![
                2 => Just((None, None)),
                2 => Just((Some(settled), None)),
                1 => (minor_unit_money(), exchange()).prop_map(|(money, rate)| (Some(money), Some(rate))),
            ];
            (Just(settled), instructed)
        })
        .boxed();
    let extras = (
        amounts,
        date(),
        maybe(1, 2, date_time()),
        charge_bearer(),
        vec(charge(), 0..=2),
        vec(agent(), 0..=2),
        maybe(2, 1, agent()),
        maybe(2, 1, agent()),
        rarely_one(agent_instruction()),
        rarely_one(regulatory_report()),
        extensions(),
    );
    (transfer_core(interbank_payment_ids(), true), extras)
        .prop_map(|(core, extras)| {
            let (
                (settled, (instructed, exchange)),
                settlement_date,
                acceptance_time,
                charge_bearer,
                charges,
                intermediaries,
                instructing,
                instructed_agent,
                instructions,
                regulatory,
                extensions,
            ) = extras;
            CreditTransfer {
                instructed_amount: instructed,
                settlement_amount: Some(settled),
                exchange,
                settlement_date: Some(settlement_date),
                acceptance_time,
                charge_bearer: Some(charge_bearer),
                charges,
                intermediary_agents: intermediaries,
                instructing_agent: instructing,
                instructed_agent,
                instructions_for_creditor_agent: instructions,
                regulatory_reporting: regulatory,
                extensions,
                ..transfer_from(core)
            }
        })
        .boxed()
}

/// A credit transfer: a [`customer_credit_transfer`] or an [`interbank_credit_transfer`].
pub fn credit_transfer() -> BoxedStrategy<CreditTransfer> {
    prop_oneof![customer_credit_transfer(), interbank_credit_transfer()].boxed()
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/// A business application header (head.001).
pub fn business_header() -> BoxedStrategy<BusinessHeader> {
    (
        maybe(4, 1, bic()),
        maybe(4, 1, bic()),
        reference(),
        text_of::<35>(MESSAGE_NAMES),
        maybe(1, 1, text_of::<35>(&["swift.cbprplus.02", "swift.cbprplus.03", "eba.rt1", "swift.rtgs.01"])),
        date_time(),
        maybe(1, 4, text_of::<4>(&["CODU", "COPY", "DUPL"])),
        maybe(1, 3, text_of::<4>(&["NORM", "HIGH"])),
        maybe(1, 4, reference()),
    )
        .prop_map(
            |(
                from,
                to,
                business_message_id,
                message_definition_id,
                business_service,
                created,
                copy_duplicate,
                priority,
                related,
            )| {
                BusinessHeader {
                    from,
                    to,
                    business_message_id,
                    message_definition_id,
                    business_service,
                    created,
                    copy_duplicate,
                    priority,
                    related_business_message_id: related,
                }
            },
        )
        .boxed()
}

/// A group header: message id, creation time and, now and then, parties, agents, additional
/// information and a business header.
pub fn group_header() -> BoxedStrategy<GroupHeader> {
    (
        message_id(),
        date_time(),
        maybe(1, 1, party()),
        maybe(1, 6, agent()),
        maybe(1, 2, agent()),
        maybe(1, 2, agent()),
        maybe(1, 6, party()),
        maybe(1, 6, iso_text::<500>()),
        maybe(1, 3, business_header()),
    )
        .prop_map(
            |(
                message_id,
                created,
                initiating_party,
                forwarding_agent,
                instructing_agent,
                instructed_agent,
                recipient,
                additional_info,
                business_header,
            )| {
                GroupHeader {
                    message_id,
                    created,
                    initiating_party,
                    forwarding_agent,
                    instructing_agent,
                    instructed_agent,
                    recipient,
                    additional_info,
                    business_header,
                }
            },
        )
        .boxed()
}

/// Payment method of a batch (mostly `TRF`).
pub fn payment_method() -> BoxedStrategy<PaymentMethod> {
    prop_oneof![
        8 => Just(PaymentMethod::Transfer),
        1 => Just(PaymentMethod::Cheque),
        1 => Just(PaymentMethod::TransferAdvice),
    ]
    .boxed()
}

/// A payment-information block of one to four customer transfers that share, as pain.001
/// requires, one debtor, debtor account, debtor agent and requested execution date (and, when
/// given, one charge bearer).
pub fn payment_batch() -> BoxedStrategy<PaymentBatch> {
    let shared = (party(), account(), agent(), date_or_date_time(), maybe(1, 1, charge_bearer()));
    (payment_info_id(), payment_method(), maybe(1, 1, any::<bool>()), shared, vec(customer_credit_transfer(), 1..=4))
        .prop_map(|(id, method, batch_booking, shared, mut transfers)| {
            let (debtor, debtor_account, debtor_agent, requested, charge_bearer) = shared;
            for transfer in &mut transfers {
                transfer.debtor = debtor.clone();
                transfer.debtor_account = Some(debtor_account.clone());
                transfer.debtor_agent = Some(debtor_agent.clone());
                transfer.requested_execution = Some(requested);
                transfer.charge_bearer = charge_bearer;
            }
            PaymentBatch { id, method, batch_booking, transfers }
        })
        .boxed()
}

/// A payment initiation (pain.001): a header with an initiating party and one to three batches.
pub fn payment_initiation() -> BoxedStrategy<PaymentInitiation> {
    (group_header(), party(), vec(payment_batch(), 1..=3))
        .prop_map(|(mut header, initiating_party, batches)| {
            header.initiating_party.get_or_insert(initiating_party);
            PaymentInitiation { header, batches }
        })
        .boxed()
}

/// Settlement information: method, and the settlement account or clearing system it implies.
pub fn settlement_info() -> BoxedStrategy<SettlementInfo> {
    let clearing =
        code_or_proprietary(text_of::<5>(&["TGT", "EBA", "ST2", "RT1", "CHP", "FDW", "UKC", "SIC", "BOJ", "STG"]));
    prop_oneof![
        (select(vec!["INDA", "INGA"]), maybe(1, 1, account())).prop_filter_map("a method", |(method, account)| {
            Some(SettlementInfo { method: Text::new(method).ok()?, account, clearing_system: None })
        }),
        Just("COVE").prop_filter_map("a method", |method| {
            Some(SettlementInfo { method: Text::new(method).ok()?, account: None, clearing_system: None })
        }),
        (Just("CLRG"), maybe(3, 1, clearing)).prop_filter_map("a method", |(method, clearing_system)| {
            Some(SettlementInfo { method: Text::new(method).ok()?, account: None, clearing_system })
        }),
    ]
    .boxed()
}

/// An interbank transfer message (pacs.008) of one to four transfers.
pub fn interbank_transfer() -> BoxedStrategy<InterbankTransfer> {
    (group_header(), settlement_info(), maybe(1, 2, date()), vec(interbank_credit_transfer(), 1..=4))
        .prop_map(|(header, settlement, settlement_date, transfers)| InterbankTransfer {
            header,
            settlement,
            settlement_date,
            transfers,
        })
        .boxed()
}

/// A status reason: an ISO reason code, or a proprietary code with the ISO code it maps to.
pub fn status_reason_info() -> BoxedStrategy<StatusReasonInfo> {
    let reason = prop_oneof![
        4 => status_reason().prop_map(|code| (Some(CodeOrProprietary::Code(code)), None)),
        1 => (proprietary_code(), maybe(2, 1, status_reason()))
            .prop_map(|(code, mapped)| (Some(CodeOrProprietary::Proprietary(code)), mapped)),
        1 => Just((None, None)),
    ];
    (maybe(1, 3, party()), reason, vec(iso_text::<105>(), 0..=2))
        .prop_map(|(originator, (reason, mapped_reason), additional_info)| StatusReasonInfo {
            originator,
            reason,
            mapped_reason,
            additional_info,
        })
        .boxed()
}

fn count_text() -> BoxedStrategy<Text<15>> {
    (1u32..100_000).prop_filter_map("Text<15>", |n| Text::new(n.to_string()).ok()).boxed()
}

/// The status of an original message as a whole.
pub fn original_group_status() -> BoxedStrategy<OriginalGroupStatus> {
    (
        reference(),
        text_of::<35>(MESSAGE_NAMES),
        maybe(1, 1, date_time()),
        maybe(1, 1, count_text()),
        maybe(1, 1, amount(2)),
        maybe(3, 1, group_status()),
        vec(status_reason_info(), 0..=2),
    )
        .prop_map(|(id, name, created, count, sum, status, reasons)| OriginalGroupStatus {
            original_message_id: id,
            original_message_name: name,
            original_created: created,
            original_number_of_transactions: count,
            original_control_sum: sum,
            status,
            reasons,
        })
        .boxed()
}

/// The status of one transaction.
pub fn transaction_status() -> BoxedStrategy<TransactionStatus> {
    let ids = (
        maybe(1, 1, reference()),
        maybe(1, 1, instruction_id()),
        maybe(3, 1, end_to_end_id()),
        maybe(1, 1, transaction_id()),
        maybe(1, 1, uetr()),
    );
    let rest = (
        maybe(4, 1, payment_status()),
        vec(status_reason_info(), 0..=2),
        maybe(1, 2, date_time()),
        maybe(1, 2, minor_unit_money()),
        maybe(1, 3, date_or_date_time()),
        extensions(),
    );
    (ids, rest)
        .prop_map(|((status_id, instruction, end_to_end, transaction, uetr), rest)| {
            let (status, reasons, acceptance_time, original_amount, original_requested_execution, extensions) = rest;
            TransactionStatus {
                status_id,
                original_instruction_id: instruction,
                original_end_to_end_id: end_to_end,
                original_transaction_id: transaction,
                original_uetr: uetr,
                status,
                reasons,
                acceptance_time,
                original_amount,
                original_requested_execution,
                extensions,
            }
        })
        .boxed()
}

/// The status of one payment-information block, with up to three transaction statuses.
pub fn payment_info_status() -> BoxedStrategy<PaymentInfoStatus> {
    (reference(), maybe(3, 1, group_status()), vec(status_reason_info(), 0..=1), vec(transaction_status(), 0..=3))
        .prop_map(|(id, status, reasons, transactions)| PaymentInfoStatus {
            original_payment_info_id: id,
            status,
            reasons,
            transactions,
        })
        .boxed()
}

/// A status report (pain.002, pacs.002, an API's payment status).
pub fn status_report() -> BoxedStrategy<StatusReport> {
    (
        group_header(),
        vec(original_group_status(), 0..=2),
        vec(payment_info_status(), 0..=2),
        vec(transaction_status(), 0..=3),
    )
        .prop_map(|(header, original_groups, payment_infos, transactions)| StatusReport {
            header,
            original_groups,
            payment_infos,
            transactions,
        })
        .boxed()
}

/// A return reason: an ISO return reason code or a proprietary one.
pub fn return_reason_info() -> BoxedStrategy<ReturnReasonInfo> {
    (maybe(1, 3, party()), maybe(6, 1, code_or_proprietary(return_reason())), vec(iso_text::<105>(), 0..=2))
        .prop_map(|(originator, reason, additional_info)| ReturnReasonInfo { originator, reason, additional_info })
        .boxed()
}

/// One returned transaction (pacs.004), now and then with the original transaction.
pub fn returned_transaction() -> BoxedStrategy<ReturnedTransaction> {
    let original = (
        maybe(3, 1, reference()),
        maybe(1, 2, reference()),
        maybe(1, 2, text_of::<35>(MESSAGE_NAMES)),
        maybe(1, 1, instruction_id()),
        maybe(3, 1, end_to_end_id()),
        maybe(1, 1, transaction_id()),
        maybe(1, 1, uetr()),
    );
    let returned = (
        maybe(1, 1, minor_unit_money()),
        minor_unit_money(),
        maybe(2, 1, date()),
        maybe(1, 2, minor_unit_money()),
        maybe(1, 1, charge_bearer()),
        maybe(1, 2, agent()),
        maybe(1, 2, agent()),
        vec(return_reason_info(), 1..=2),
        maybe(1, 5, interbank_credit_transfer().prop_map(Box::new).boxed()),
    );
    (original, returned)
        .prop_map(|(original, returned)| {
            let (return_id, message_id, message_name, instruction, end_to_end, transaction, uetr) = original;
            let (
                original_amount,
                returned_amount,
                settlement_date,
                instructed,
                charge_bearer,
                instructing,
                instructed_agent,
                reasons,
                transfer,
            ) = returned;
            ReturnedTransaction {
                return_id,
                original_message_id: message_id,
                original_message_name: message_name,
                original_instruction_id: instruction,
                original_end_to_end_id: end_to_end,
                original_transaction_id: transaction,
                original_uetr: uetr,
                original_settlement_amount: original_amount,
                returned_settlement_amount: returned_amount,
                settlement_date,
                returned_instructed_amount: instructed,
                charge_bearer,
                instructing_agent: instructing,
                instructed_agent,
                reasons,
                original_transaction: transfer,
            }
        })
        .boxed()
}

/// A payment return (pacs.004) of one to three transactions.
pub fn payment_return() -> BoxedStrategy<PaymentReturn> {
    (group_header(), settlement_info(), maybe(1, 2, original_group_status()), vec(returned_transaction(), 1..=3))
        .prop_map(|(header, settlement, original_group, transactions)| PaymentReturn {
            header,
            settlement,
            original_group,
            transactions,
        })
        .boxed()
}

/// Credit or debit.
pub fn credit_debit() -> BoxedStrategy<CreditDebit> {
    prop_oneof![Just(CreditDebit::Credit), Just(CreditDebit::Debit)].boxed()
}

/// A balance of a statement.
pub fn balance() -> BoxedStrategy<Balance> {
    (
        code_or_proprietary(balance_type()),
        maybe(1, 9, code4_or_proprietary(&["INTM", "ADJT", "BLCK"])),
        minor_unit_money(),
        credit_debit(),
        date_or_date_time(),
    )
        .prop_map(|(kind, sub_kind, amount, credit_debit, date)| Balance { kind, sub_kind, amount, credit_debit, date })
        .boxed()
}

/// A bank transaction code: a real domain/family/sub-family combination and/or a proprietary code.
pub fn bank_transaction_code() -> BoxedStrategy<BankTransactionCode> {
    let iso = select(vec![
        ("PMNT", "RCDT", "ESCT"),
        ("PMNT", "ICDT", "ESCT"),
        ("PMNT", "ICDT", "DMCT"),
        ("PMNT", "RCDT", "XBCT"),
        ("PMNT", "IRCT", "STDO"),
        ("PMNT", "RDDT", "ESDD"),
        ("PMNT", "CCRD", "POSD"),
        ("ACMT", "MDOP", "CHRG"),
        ("PMNT", "RCDT", "SALA"),
    ]);
    let proprietary = (
        text_matching::<35>("[A-Z]{2}[0-9]{3}|NTRF|NMSC|[0-9]{3}"),
        maybe(1, 1, text_of::<35>(&["SWIFT", "DK", "ZKA"])),
    );
    prop_oneof![
        3 => (iso.clone(), maybe(1, 3, proprietary.clone().boxed())).prop_map(|((d, f, s), prop)| {
            let (code, issuer) = prop.map_or((None, None), |(c, i)| (Some(c), i));
            BankTransactionCode {
                domain: Text::new(d).ok(),
                family: Text::new(f).ok(),
                sub_family: Text::new(s).ok(),
                proprietary_code: code,
                proprietary_issuer: issuer,
            }
        }),
        1 => proprietary.prop_map(|(code, issuer)| BankTransactionCode {
            proprietary_code: Some(code),
            proprietary_issuer: issuer,
            ..BankTransactionCode::default()
        }),
    ]
    .boxed()
}

/// References of an entry's transaction.
pub fn transaction_refs() -> BoxedStrategy<TransactionRefs> {
    let first = (
        maybe(1, 2, reference()),
        maybe(1, 1, reference()),
        maybe(1, 2, reference()),
        maybe(1, 2, reference()),
        maybe(2, 1, reference()),
    );
    let second = (
        maybe(1, 2, uetr()),
        maybe(1, 2, reference()),
        maybe(1, 4, reference()),
        maybe(1, 6, text_matching::<35>("[0-9]{6,10}")),
        maybe(1, 4, reference()),
    );
    (first, second)
        .prop_map(
            |(
                (message_id, servicer, payment_info, instruction, end_to_end),
                (uetr, transaction, mandate, cheque, clearing),
            )| {
                TransactionRefs {
                    message_id,
                    account_servicer_reference: servicer,
                    payment_info_id: payment_info,
                    instruction_id: instruction,
                    end_to_end_id: end_to_end,
                    uetr,
                    transaction_id: transaction,
                    mandate_id: mandate,
                    cheque_number: cheque,
                    clearing_system_reference: clearing,
                }
            },
        )
        .boxed()
}

/// Parties related to an entry's transaction.
pub fn related_parties() -> BoxedStrategy<RelatedParties> {
    (
        maybe(2, 1, party()),
        maybe(2, 1, account()),
        maybe(1, 5, party()),
        maybe(2, 1, party()),
        maybe(2, 1, account()),
        maybe(1, 5, party()),
        maybe(1, 2, agent()),
        maybe(1, 2, agent()),
    )
        .prop_map(
            |(
                debtor,
                debtor_account,
                ultimate_debtor,
                creditor,
                creditor_account,
                ultimate_creditor,
                debtor_agent,
                creditor_agent,
            )| {
                RelatedParties {
                    debtor,
                    debtor_account,
                    ultimate_debtor,
                    creditor,
                    creditor_account,
                    ultimate_creditor,
                    debtor_agent,
                    creditor_agent,
                }
            },
        )
        // Parties with nothing in them say nothing: such a value is `None`, as every decoder
        // gives it (an empty `RltdPties` carries no information to keep).
        .prop_filter("at least one related party or agent", |p| *p != RelatedParties::default())
        .boxed()
}

/// One transaction of an entry.
pub fn entry_transaction() -> BoxedStrategy<EntryTransaction> {
    (
        maybe(3, 1, transaction_refs()),
        maybe(2, 1, minor_unit_money()),
        maybe(1, 1, credit_debit()),
        maybe(1, 3, minor_unit_money()),
        maybe(1, 2, bank_transaction_code()),
        maybe(2, 1, related_parties().prop_map(Box::new)),
        maybe(1, 3, code_or_proprietary(purpose())),
        maybe(1, 1, remittance()),
        maybe(1, 6, return_reason_info()),
        maybe(1, 4, iso_text::<500>()),
    )
        .prop_map(
            |(
                refs,
                amount,
                credit_debit,
                instructed_amount,
                bank_transaction_code,
                parties,
                purpose,
                remittance,
                return_reason,
                additional_info,
            )| {
                EntryTransaction {
                    refs,
                    amount,
                    credit_debit,
                    instructed_amount,
                    bank_transaction_code,
                    parties,
                    purpose,
                    remittance,
                    return_reason,
                    additional_info,
                }
            },
        )
        .boxed()
}

/// Batch details of an entry.
pub fn entry_batch() -> BoxedStrategy<EntryBatch> {
    (
        maybe(1, 1, reference()),
        maybe(1, 1, reference()),
        maybe(2, 1, count_text()),
        maybe(1, 1, minor_unit_money()),
        maybe(1, 1, credit_debit()),
    )
        .prop_map(|(message_id, payment_info_id, number_of_transactions, total_amount, credit_debit)| EntryBatch {
            message_id,
            payment_info_id,
            number_of_transactions,
            total_amount,
            credit_debit,
        })
        .boxed()
}

/// One entry of a statement or notification.
pub fn entry() -> BoxedStrategy<Entry> {
    let head = (
        maybe(1, 2, reference()),
        minor_unit_money(),
        credit_debit(),
        maybe(1, 6, any::<bool>()),
        code4_or_proprietary(&["BOOK", "PDNG", "INFO"]),
        maybe(4, 1, date_or_date_time()),
        maybe(4, 1, date_or_date_time()),
        maybe(2, 1, reference()),
    );
    let tail = (
        bank_transaction_code(),
        maybe(1, 6, entry_batch()),
        vec(entry_transaction(), 0..=2),
        maybe(1, 4, iso_text::<500>()),
    );
    (head, tail)
        .prop_map(|(head, tail)| {
            let (reference, amount, credit_debit, reversal, status, booking_date, value_date, servicer) = head;
            let (bank_transaction_code, batch, transactions, additional_info) = tail;
            Entry {
                reference,
                amount,
                credit_debit,
                reversal,
                status,
                booking_date,
                value_date,
                account_servicer_reference: servicer,
                bank_transaction_code,
                batch,
                transactions,
                additional_info,
            }
        })
        .boxed()
}

/// A transactions summary as the sender states it.
pub fn transactions_summary() -> BoxedStrategy<TransactionsSummary> {
    (
        maybe(1, 1, count_text()),
        maybe(1, 1, amount(2)),
        maybe(1, 1, count_text()),
        maybe(1, 1, amount(2)),
        maybe(1, 1, count_text()),
        maybe(1, 1, amount(2)),
    )
        .prop_map(|(number_of_entries, sum, credit_entries, credit_sum, debit_entries, debit_sum)| {
            TransactionsSummary { number_of_entries, sum, credit_entries, credit_sum, debit_entries, debit_sum }
        })
        .boxed()
}

/// One statement or notification of one account: balances and entries in the account's currency.
pub fn account_report() -> BoxedStrategy<AccountReport> {
    let head = (
        reference(),
        maybe(1, 1, (1i64..100_000).prop_map(Decimal::from)),
        maybe(1, 2, (1i64..1_000).prop_map(Decimal::from)),
        maybe(2, 1, date_time()),
        maybe(1, 1, date_time()),
        maybe(1, 1, date_time()),
    );
    let body = (
        account(),
        maybe(1, 2, party()),
        maybe(1, 2, agent()),
        vec(balance(), 0..=3),
        maybe(1, 3, transactions_summary()),
        vec(entry(), 0..=4),
        maybe(1, 5, iso_text::<500>()),
    );
    (currency_with_minor_unit(), head, body)
        .prop_map(|(currency, head, body)| {
            let (id, electronic_sequence, legal_sequence, created, from, to) = head;
            let (mut account, account_owner, account_servicer, mut balances, summary, mut entries, additional_info) =
                body;
            // One currency per report: the account's, as a bank statement has it.
            let currency = *account.currency.get_or_insert(currency);
            for balance in &mut balances {
                balance.amount = into_currency(balance.amount, currency);
            }
            for entry in &mut entries {
                entry.amount = into_currency(entry.amount, currency);
                if let Some(total) = entry.batch.as_mut().and_then(|batch| batch.total_amount.as_mut()) {
                    *total = into_currency(*total, currency);
                }
                for transaction in &mut entry.transactions {
                    if let Some(amount) = transaction.amount.as_mut() {
                        *amount = into_currency(*amount, currency);
                    }
                }
            }
            AccountReport {
                id,
                electronic_sequence,
                legal_sequence,
                created,
                from,
                to,
                account,
                account_owner,
                account_servicer,
                balances,
                summary,
                entries,
                additional_info,
            }
        })
        .boxed()
}

/// The same amount in `currency`, rounded to its exponent (generation only: the model itself
/// never rounds).
fn into_currency(money: Money, currency: Currency) -> Money {
    let exponent = currency.exponent().unwrap_or(crate::money::MAX_FRACTION_DIGITS);
    Money::new(money.amount().round_dp(exponent), currency).unwrap_or(money)
}

/// Statements or notifications: a header and one to three account reports.
pub fn account_reports() -> BoxedStrategy<AccountReports> {
    (group_header(), vec(account_report(), 1..=3))
        .prop_map(|(header, reports)| AccountReports { header, reports })
        .boxed()
}

/// Any message: every [`Message`] variant, equally often.
pub fn message() -> BoxedStrategy<Message> {
    prop_oneof![
        payment_initiation().prop_map(Message::PaymentInitiation),
        interbank_transfer().prop_map(Message::InterbankTransfer),
        status_report().prop_map(Message::StatusReport),
        payment_return().prop_map(Message::PaymentReturn),
        account_reports().prop_map(Message::Statement),
        account_reports().prop_map(Message::Notification),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// The translation contract
// ---------------------------------------------------------------------------------------------

/// How a value was lost.
pub fn loss_kind() -> BoxedStrategy<LossKind> {
    prop_oneof![Just(LossKind::Dropped), Just(LossKind::Truncated), Just(LossKind::Approximated)].boxed()
}

/// A loss as codecs report them: a JSON pointer or an ISO 20022 path, a kind, and a short
/// description that never holds an account number.
pub fn loss() -> BoxedStrategy<Loss> {
    let path = select(vec![
        "/message/payment_initiation/batches/0/transfers/0/purpose",
        "/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]/RmtInf/Strd",
        "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/SplmtryData",
        "/data/attributes/metadata/order_id",
        "/remittanceInformationUnstructured",
    ]);
    let detail = select(vec![
        "the format has no field for it",
        "140 characters shortened to 35",
        "structured address written as address lines",
        "wider Unicode transliterated to the ISO Latin set",
    ]);
    (path, loss_kind(), detail)
        .prop_map(|(path, kind, detail)| Loss { path: path.to_owned(), kind, detail: detail.to_owned() })
        .boxed()
}

/// Strict or lossy.
pub fn strictness() -> BoxedStrategy<Strictness> {
    prop_oneof![Just(Strictness::Strict), Just(Strictness::Lossy)].boxed()
}

/// One of the format ids `Format` defines.
pub fn format() -> BoxedStrategy<Format> {
    select(vec![
        Format::CANONICAL_JSON,
        Format::REST_NATIVE,
        Format::REST_BERLIN_GROUP,
        Format::REST_OPEN_BANKING_UK,
        Format::REST_OPEN_BANKING_UK_V3_1,
        Format::SOAP_PAYGLOT,
        Format::SOAP_ISO20022,
        Format::GRAPHQL_PAYGLOT,
    ])
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::test_runner::{Config, TestRunner};

    fn runner(cases: u32) -> TestRunner {
        TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
    }

    #[test]
    fn every_currency_in_the_list_is_known_to_iso_currency() {
        for code in ISO_4217_CODES.iter().chain(COMMON_CURRENCIES) {
            assert!(Currency::parse(code).is_ok(), "{code}");
        }
        assert_eq!(Currency::parse("JPY").ok().and_then(Currency::exponent), Some(0));
        assert_eq!(Currency::parse("BHD").ok().and_then(Currency::exponent), Some(3));
        assert_eq!(Currency::parse("CLF").ok().and_then(Currency::exponent), Some(4));
    }

    #[test]
    fn every_country_code_is_valid() {
        for code in COUNTRY_CODES.iter().chain(IBAN_FORMATS.iter().map(|(c, _)| c)) {
            assert!(CountryCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn generated_ibans_are_valid_for_both_parsers() {
        let result = runner(4000).run(&iban_string(), |text| {
            prop_assert!(Iban::parse(&text).is_ok(), "{text}");
            prop_assert!(text.parse::<iban::Iban>().is_ok(), "{text}");
            Ok(())
        });
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn every_registry_country_is_generated() {
        // The BBAN structures' lengths agree with iban_validate: an all-zero BBAN with correct
        // check digits parses for every country.
        for (country, structure) in IBAN_FORMATS {
            let bban: String =
                bban_kinds(structure).into_iter().map(|kind| if kind == 'a' { 'A' } else { '0' }).collect();
            let check = 98 - mod97(&format!("{bban}{country}00"));
            let iban = format!("{country}{check:02}{bban}");
            assert!(iban.parse::<iban::Iban>().is_ok(), "{iban}");
        }
    }

    #[test]
    fn ids_with_check_digits_are_accepted_directly() {
        let result = runner(500).run(&(lei(), creditor_reference(), uetr(), bic()), |(lei, rf, uetr, bic)| {
            prop_assert!(Lei::parse(lei.as_str()).is_ok());
            prop_assert!(CreditorReference::parse(rf.as_str()).is_ok());
            prop_assert!(Uetr::parse(&uetr.to_string()).is_ok());
            prop_assert!(Bic::parse(bic.as_str()).is_ok());
            Ok(())
        });
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn minor_unit_money_converts() {
        let result = runner(1000).run(&minor_unit_money(), |money| {
            let exponent = money.currency().exponent();
            prop_assert!(exponent.is_some_and(|e| money.amount().scale() <= e));
            prop_assert!(money.to_minor_units().is_ok(), "{money}");
            Ok(())
        });
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn iso_text_stays_in_the_iso_character_set() {
        let result = runner(500).run(&name(), |name| {
            prop_assert!(name.as_str().chars().all(|c| ISO_CHARACTERS.contains(c)), "{name}");
            Ok(())
        });
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn batches_share_their_debtor() {
        let result = runner(100).run(&payment_batch(), |batch| {
            let first = batch.transfers.first().map(|t| (&t.debtor, &t.debtor_account, &t.requested_execution));
            for transfer in &batch.transfers {
                prop_assert_eq!(
                    Some((&transfer.debtor, &transfer.debtor_account, &transfer.requested_execution)),
                    first
                );
            }
            Ok(())
        });
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn contract_values_are_well_formed() {
        let result = runner(100).run(&(format(), loss(), strictness()), |(format, loss, _)| {
            prop_assert_eq!(Format::parse(format.as_str()).ok(), Some(format));
            prop_assert!(!loss.path.is_empty() && !loss.detail.is_empty());
            Ok(())
        });
        assert!(result.is_ok(), "{result:?}");
    }
}

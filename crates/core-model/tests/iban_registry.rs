//! Every valid example IBAN of the SWIFT IBAN registry is accepted by `Iban::parse`, in
//! electronic and in grouped print form, and every single-digit change of each is rejected.
//!
//! A single-digit substitution always changes the ISO 7064 mod-97 remainder (each position
//! weighs a power of 10, which is invertible modulo the prime 97, and the difference of two
//! digits is at most 9), so every such change must be caught by the check digits.

use payglot_core_model::Iban;

/// The example IBANs of the SWIFT IBAN registry, as the `iban_validate` crate's own repository
/// tests them: `iban_validate/tests/registry_examples_generated.rs` of
/// <https://github.com/ThomasdenH/iban_validate> (commit 2508239f58792f93c081779ce24ee976d2b2a19c),
/// generated there from the registry by `iban_validate_registry_generation`. The crate as
/// packaged on crates.io does not ship this list. These are the entries marked
/// `example_iban_valid: true` (84 of 87 countries).
const VALID_EXAMPLES: &[&str] = &[
    "AD1200012030200359100100",
    "AE070331234567890123456",
    "AL47212110090000000235698741",
    "AT611904300234573201",
    "AZ21NABZ00000000137010001944",
    "BA391290079401028494",
    "BE68539007547034",
    "BG80BNBG96611020345678",
    "BH67BMAG00001299123456",
    "BI4210000100010000332045181",
    "BR1800360305000010009795493C1",
    "BY13NBRB3600900000002Z00AB00",
    "CH9300762011623852957",
    "CR05015202001026284066",
    "CY17002001280000001200527600",
    "CZ6508000000192000145399",
    "DE89370400440532013000",
    "DJ2100010000000154000100186",
    "DK5000400440116243",
    "DO28BAGR00000001212453611324",
    "EE382200221020145685",
    "EG380019000500000000263180002",
    "ES9121000418450200051332",
    "FI2112345600000785",
    "FK88SC123456789012",
    "FO6264600001631634",
    "FR1420041010050500013M02606",
    "GB29NWBK60161331926819",
    "GE29NB0000000101904917",
    "GI75NWBK000000007099453",
    "GL8964710001000206",
    "GR1601101250000000012300695",
    "GT82TRAJ01020000001210029690",
    "HR1210010051863000160",
    "HU42117730161111101800000000",
    "IE29AIBK93115212345678",
    "IL620108000000099999999",
    "IQ98NBIQ850123456789012",
    "IS140159260076545510730339",
    "IT60X0542811101000000123456",
    "JO94CBJO0010000000000131000302",
    "KW81CBKU0000000000001234560101",
    "KZ86125KZT5004100100",
    "LB62099900000001001901229114",
    "LC55HEMM000100010012001200023015",
    "LI21088100002324013AA",
    "LT121000011101001000",
    "LU280019400644750000",
    "LV80BANK0000435195001",
    "LY83002048000020100120361",
    "MC5811222000010123456789030",
    "MD24AG000225100013104168",
    "ME25505000012345678951",
    "MK07250120000058984",
    "MN121234123456789123",
    "MR1300020001010000123456753",
    "MT84MALT011000012345MTLCAST001S",
    "MU17BOMM0101101030300200000MUR",
    "NL91ABNA0417164300",
    "NO9386011117947",
    "OM810180000001299123456",
    "PL61109010140000071219812874",
    "PS92PALS000000000400123456702",
    "PT50000201231234567890154",
    "QA58DOHB00001234567890ABCDEFG",
    "RO49AAAA1B31007593840000",
    "RS35260005601001611379",
    "SA0380000000608010167519",
    "SC18SSCB11010000000000001497USD",
    "SD2129010501234001",
    "SE4550000000058398257466",
    "SI56263300012039086",
    "SK3112000000198742637541",
    "SM86U0322509800000000270100",
    "SO211000001001000100141",
    "SV62CENR00000000000000700025",
    "TL380080012345678910157",
    "TN5910006035183598478831",
    "TR330006100519786457841326",
    "UA213223130000026007233566001",
    "VA59001123000012345678",
    "VG96VPVG0000012345678901",
    "XK051212012345678906",
    "YE15CBYE0001018861234567891234",
];

/// The registry examples the same file marks `example_iban_valid: false`: the registry's own
/// examples for these countries are wrong (check digits or length), so they must be rejected.
const INVALID_EXAMPLES: &[&str] =
    &["NI04BAPR00000013000003558124", "RU1704452522540817810538091310419", "ST68000200010192194210112"];

/// The IBAN in print form: groups of four characters separated by spaces.
fn print_form(electronic: &str) -> String {
    let chars: Vec<char> = electronic.chars().collect();
    chars.chunks(4).map(String::from_iter).collect::<Vec<_>>().join(" ")
}

#[test]
fn the_table_covers_every_registry_country_once() {
    let mut countries: Vec<&str> =
        VALID_EXAMPLES.iter().chain(INVALID_EXAMPLES).filter_map(|iban| iban.get(..2)).collect();
    let total = countries.len();
    countries.sort_unstable();
    countries.dedup();
    assert_eq!(countries.len(), total, "a country is listed twice");
    assert_eq!(total, 87, "the iban_validate registry data has 87 countries");
}

#[test]
fn every_valid_registry_example_is_accepted() {
    for example in VALID_EXAMPLES {
        let iban = Iban::parse(example).unwrap_or_else(|e| panic!("{example} rejected: {e}"));
        assert_eq!(iban.expose(), *example);
        assert_eq!(iban.country_code(), example.get(..2).unwrap_or_default());
        let printed = print_form(example);
        let iban = Iban::parse(&printed).unwrap_or_else(|e| panic!("{printed} rejected: {e}"));
        assert_eq!(iban.expose(), *example, "print form stores the electronic form");
    }
}

#[test]
fn registry_examples_marked_invalid_are_rejected() {
    for example in INVALID_EXAMPLES {
        assert!(Iban::parse(example).is_err(), "{example} accepted");
    }
}

#[test]
fn every_single_digit_change_is_rejected() {
    let mut checked = 0usize;
    for example in VALID_EXAMPLES {
        for (position, original) in example.char_indices().filter(|(_, c)| c.is_ascii_digit()) {
            for replacement in ('0'..='9').filter(|d| *d != original) {
                let mut changed = String::with_capacity(example.len());
                changed.push_str(example.get(..position).unwrap_or_default());
                changed.push(replacement);
                changed.push_str(example.get(position + 1..).unwrap_or_default());
                assert!(
                    Iban::parse(&changed).is_err(),
                    "{example} with position {position} changed from {original} to {replacement} was accepted"
                );
                checked += 1;
            }
        }
    }
    // Each example has at least its two check digits and mostly digits besides: at least
    // 18 changes per example, over 10,000 in all.
    assert!(checked > 10_000, "only {checked} changes checked");
}

#[test]
fn rejection_messages_do_not_show_the_account() {
    for example in VALID_EXAMPLES {
        let Some(last) = example.chars().last().and_then(|c| c.to_digit(10)) else { continue };
        let changed = format!("{}{}", example.get(..example.len() - 1).unwrap_or_default(), (last + 1) % 10);
        let message = Iban::parse(&changed).err().map(|e| e.to_string()).unwrap_or_default();
        let middle = changed.get(4..changed.len() - 4).unwrap_or_default();
        assert!(!message.contains(middle), "{message}");
    }
}

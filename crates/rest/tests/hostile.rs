//! Hostile input for every dialect decoder (these are also the seeds for the fuzz targets the
//! lead adds under `fuzz/`): no panic, a located error, and limits honoured.

use payglot_core_model::{Codec, DateTime, DecodeLimits, Format, MessageId};
use payglot_rest::errors::decode_error;
use payglot_rest::{HttpContext, RestBerlinGroup, RestNative, RestOpenBankingUk};

fn context() -> HttpContext {
    HttpContext {
        message_id: MessageId::new("H-1").unwrap_or_else(|e| panic!("{e}")),
        time: DateTime::parse("2024-03-01T10:00:00Z").unwrap_or_else(|e| panic!("{e}")),
    }
}

fn codecs() -> Vec<Box<dyn Codec>> {
    vec![
        Box::new(RestNative),
        Box::new(RestBerlinGroup::default().with_context(context())),
        Box::new(RestOpenBankingUk::v4().with_context(context())),
        Box::new(RestOpenBankingUk::v3_1().with_context(context())),
    ]
}

fn hostile_inputs() -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{".to_vec(),
        b"{\"amount\": NaN}".to_vec(),
        b"{\"amount\": Infinity}".to_vec(),
        b"{\"amount\": -Infinity}".to_vec(),
        b"{\"amount\": 1e400}".to_vec(),
        b"{\"amount\": 123456789012345678901234567890}".to_vec(),
        b"{\"amount\": 10.5}".to_vec(),
        b"{\"a\": 1, \"a\": 2}".to_vec(),
        b"\xEF\xBB\xBF{}".to_vec(),
        b"{\"reference\": \"\xFF\xFE\"}".to_vec(),
        b"{\"object\": \"payment\"}".to_vec(),
        b"{\"object\": \"event\", \"data\": {}}".to_vec(),
        b"{\"object\": \"list\", \"data\": [{}]}".to_vec(),
        b"{\"batches\": [{\"payments\": []}]}".to_vec(),
        b"{\"instructedAmount\": {\"amount\": \"1e3\", \"currency\": \"EUR\"}}".to_vec(),
        b"{\"Data\": {\"Initiation\": {}}}".to_vec(),
        b"{\"Data\": {\"DomesticPaymentId\": \"x\", \"Initiation\": {}}}".to_vec(),
        b"{\"tppMessages\": [{}]}".to_vec(),
        b"{\"Errors\": []}".to_vec(),
    ];
    inputs.push(format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes());
    inputs.push(format!("{{\"metadata\": {}1{}}}", "{\"a\":".repeat(200), "}".repeat(200)).into_bytes());
    inputs.push(format!("{{\"reference\": \"{}\"}}", "x".repeat(100_000)).into_bytes());
    inputs
}

#[test]
fn no_decoder_panics_and_every_refusal_says_where() {
    for codec in codecs() {
        for input in hostile_inputs() {
            let result = codec.decode(&input, &DecodeLimits::default());
            if let Err(error) = result {
                assert!(!error.message().is_empty(), "{}: empty message", codec.format());
            }
        }
    }
    for format in [
        Format::REST_NATIVE,
        Format::REST_BERLIN_GROUP,
        Format::REST_OPEN_BANKING_UK,
        Format::REST_OPEN_BANKING_UK_V3_1,
    ] {
        for input in hostile_inputs() {
            let _ = decode_error(&format, &input, &context(), &DecodeLimits::default());
        }
    }
}

#[test]
fn limits_are_honoured_by_every_decoder() {
    let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    let mut big = b"{\"x\": \"".to_vec();
    big.resize(100 << 20, b'a');
    big.extend_from_slice(b"\"}");
    for codec in codecs() {
        let error = codec.decode(deep.as_bytes(), &DecodeLimits::default()).err().unwrap_or_else(|| panic!("accepted"));
        assert_eq!(error.kind().as_str(), "limit", "{}: {error}", codec.format());
        let error = codec.decode(&big, &DecodeLimits::default()).err().unwrap_or_else(|| panic!("accepted"));
        assert_eq!(error.kind().as_str(), "limit", "{}: {error}", codec.format());
    }
}

#[test]
fn floats_and_huge_numbers_never_become_amounts() {
    let base = r#"{"idempotency_key":"k","created_at":"2024-03-01T10:00:00Z","amount":AMOUNT,"currency":"EUR","source_account":"acc_1","destination_account":"acc_2","reference":"r"}"#;
    for amount in ["10.5", "1e3", "1e400", "1.0", "18446744073709551616", "9223372036854775808", "-1", "\"10\"", "null"]
    {
        let input = base.replace("AMOUNT", amount);
        let error = RestNative.decode(input.as_bytes(), &DecodeLimits::default()).err();
        let error = error.unwrap_or_else(|| panic!("{amount} accepted as an amount"));
        assert!(error.location().path == "/amount" || error.kind().as_str() == "syntax", "{amount}: {error}");
    }
    // The largest i64 is refused by the ISO 18-digit limit, not by overflow.
    let max = base.replace("AMOUNT", "9223372036854775807");
    assert!(RestNative.decode(max.as_bytes(), &DecodeLimits::default()).is_err_and(|e| e.location().path == "/amount"));
}

/// A codec, a valid body of its dialect, the text of the body's amount and its JSON pointer.
type ValidBody = (Box<dyn Codec>, Vec<u8>, &'static str, &'static str);

/// A valid body of each dialect.
fn valid_bodies() -> Vec<ValidBody> {
    let read = |path: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rest").join(path);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let ob_amount = "\"165.88\"";
    let ob_pointer = "/Data/Initiation/InstructedAmount/Amount";
    vec![
        (Box::new(RestNative), read("native/basic-payment/input.json"), "1050", "/amount"),
        (
            Box::new(RestBerlinGroup::default().with_context(context())),
            read("berlin-group/sct-spec-example/input.json"),
            "\"123.50\"",
            "/instructedAmount/amount",
        ),
        (
            Box::new(RestOpenBankingUk::v4().with_context(context())),
            read("open-banking-uk/domestic-consent-full/input.json"),
            ob_amount,
            ob_pointer,
        ),
        (
            Box::new(RestOpenBankingUk::v3_1().with_context(context())),
            read("open-banking-uk-v3.1/domestic-consent-spec-example/input.json"),
            ob_amount,
            ob_pointer,
        ),
    ]
}

fn replace_once(body: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    assert!(text.contains(from), "{from} not in {text}");
    text.replacen(from, to, 1).into_bytes()
}

/// Issue 5's hostile amounts in an otherwise valid body of every dialect: JSON floats, `1e400`,
/// integers beyond 64 bits, NaN/Infinity literals, and the same as strings. Each is refused,
/// at the amount's pointer (or as a syntax error for what is not JSON at all); none becomes
/// an amount.
#[test]
fn every_dialect_refuses_hostile_amounts_at_the_amount() {
    let hostile = [
        "1e400",
        "-1e400",
        "165.5",
        "1.0",
        "1e3",
        "123456789012345678901234567890",
        "18446744073709551616",
        "NaN",
        "Infinity",
        "-Infinity",
        "\"1e400\"",
        "\"NaN\"",
        "\"Infinity\"",
        "\"1e3\"",
        "\"0x10\"",
        "\"-1.00\"",
        "\" 1.00\"",
        "\"123456789012345678901234567890\"",
        "null",
        "true",
        "{}",
        "[]",
    ];
    for (codec, body, amount, pointer) in valid_bodies() {
        let format = codec.format();
        assert!(codec.decode(&body, &DecodeLimits::default()).is_ok(), "{format}: the base body is valid");
        for value in hostile {
            let input = replace_once(&body, amount, value);
            let error = codec.decode(&input, &DecodeLimits::default()).err();
            let error = error.unwrap_or_else(|| panic!("{format}: {value} accepted as an amount"));
            let kind = error.kind().as_str();
            assert!(
                kind == "syntax" || error.location().path == pointer,
                "{format}: {value} refused elsewhere than {pointer}: {error}"
            );
        }
    }
}

/// A UTF-8 BOM, a duplicate key (in the typed part and, for Open Banking, inside the
/// free-form `Risk` kept as JSON) and invalid UTF-8, each in an otherwise valid body of every
/// dialect: refused with a located error.
#[test]
fn every_dialect_refuses_a_bom_duplicate_keys_and_invalid_utf8() {
    for (codec, body, amount, pointer) in valid_bodies() {
        let format = codec.format();
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(&body);
        let error = codec.decode(&bom, &DecodeLimits::default()).err().unwrap_or_else(|| panic!("{format}: BOM"));
        assert_eq!(error.kind().as_str(), "syntax", "{format}: {error}");
        assert!(error.to_string().contains("byte order mark"), "{format}: {error}");

        // The amount twice, the second different: which one would the provider read?
        let key = pointer.rsplit('/').next().unwrap_or_default();
        let twice = replace_once(&body, amount, &format!("{amount}, \"{key}\": {}", amount.replace('1', "9")));
        let error = codec.decode(&twice, &DecodeLimits::default()).err();
        let error = error.unwrap_or_else(|| panic!("{format}: duplicate {key} accepted"));
        assert!(error.to_string().contains("duplicate"), "{format}: {error}");

        let mut bad_utf8 = replace_once(&body, amount, "AMOUNT");
        let at = bad_utf8.windows(6).position(|w| w == b"AMOUNT").unwrap_or_default();
        bad_utf8.splice(at..at + 6, b"\"\xFF\xFE\"".iter().copied());
        let error = codec.decode(&bad_utf8, &DecodeLimits::default()).err();
        assert!(error.is_some(), "{format}: invalid UTF-8 accepted");
    }
    // Open Banking keeps `Risk` as JSON: a duplicate inside it is refused too, not collapsed.
    for codec in [RestOpenBankingUk::v4().with_context(context()), RestOpenBankingUk::v3_1().with_context(context())] {
        let body = valid_bodies().into_iter().find(|(c, ..)| c.format() == codec.format()).map(|(_, b, ..)| b);
        let body = body.unwrap_or_default();
        let risk = "\"PaymentContextCode\": ";
        let twice = replace_once(&body, risk, "\"PaymentContextCode\": \"BillPayment\", \"PaymentContextCode\": ");
        let error = codec.decode(&twice, &DecodeLimits::default()).err();
        let error = error.unwrap_or_else(|| panic!("{}: duplicate inside Risk accepted", codec.format()));
        assert_eq!(error.location().path, "/Risk", "{}: {error}", codec.format());
        assert!(error.to_string().contains("duplicate key `PaymentContextCode`"), "{error}");
    }
}

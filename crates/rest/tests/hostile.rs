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

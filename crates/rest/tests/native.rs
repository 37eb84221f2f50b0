//! `rest:native`: the fixtures under `fixtures/rest/native`, the OpenAPI contract
//! (`schemas/rest/openapi.yaml`) as an oracle for every fixture and every encoder output, and
//! property tests canonical → native → canonical.

mod strategies;
mod support;

use std::sync::OnceLock;

use jsonschema::Validator;
use payglot_core_model::{Codec, DecodeLimits, EncodeOptions, Message};
use payglot_rest::RestNative;
use proptest::prelude::*;
use serde_json::Value;

struct Contract {
    payment_request: Validator,
    batch_request: Validator,
    payment: Validator,
    event: Validator,
    list: Validator,
    problem: Validator,
}

fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let doc = support::native_openapi();
        Contract {
            payment_request: support::schema_validator(&doc, "PaymentRequest"),
            batch_request: support::schema_validator(&doc, "BatchRequest"),
            payment: support::schema_validator(&doc, "Payment"),
            event: support::schema_validator(&doc, "Event"),
            list: support::schema_validator(&doc, "TransactionList"),
            problem: support::schema_validator(&doc, "Problem"),
        }
    })
}

/// The contract schema a native document must satisfy, chosen by its shape.
fn validator_for(document: &Value) -> &'static Validator {
    let c = contract();
    match document.get("object").and_then(Value::as_str) {
        Some("payment") => &c.payment,
        Some("event") => &c.event,
        Some("list") => &c.list,
        _ if document.get("batches").is_some() => &c.batch_request,
        _ if document.get("type").is_some() && document.get("status").is_some() => &c.problem,
        _ => &c.payment_request,
    }
}

fn assert_conforms(bytes: &[u8], what: &str) {
    let document: Value = serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    let errors = support::violations(validator_for(&document), &document);
    assert!(errors.is_empty(), "{what} breaks schemas/rest/openapi.yaml: {errors:#?}");
}

#[test]
fn fixtures_decode_encode_and_conform_to_the_contract() {
    let mut checked = 0;
    for case in support::cases("native") {
        let (canonical, encoded) = support::run_case(&RestNative, &case);
        if canonical.is_some() {
            let input = std::fs::read(&case.input).unwrap_or_default();
            assert_conforms(&input, &format!("{} input", case.dir.display()));
            if let Some(encoded) = encoded {
                assert_conforms(&encoded, &format!("{} encoder output", case.dir.display()));
            }
            checked += 1;
        }
    }
    assert!(checked >= 7, "only {checked} decodable fixtures");
}

#[test]
fn the_contract_refuses_what_the_decoder_refuses() {
    // The oracle is not vacuous: a float amount and an unknown field break the schema too.
    let float = serde_json::json!({
        "idempotency_key": "k", "created_at": "2024-03-01T10:00:00Z", "amount": 10.5, "currency": "EUR",
        "source_account": "acc_1", "destination_account": "acc_2", "reference": "r"
    });
    assert!(!contract().payment_request.is_valid(&float));
    let mut unknown = float.clone();
    unknown["amount"] = 1050.into();
    assert!(contract().payment_request.is_valid(&unknown));
    unknown["note"] = "x".into();
    assert!(!contract().payment_request.is_valid(&unknown));
}

#[test]
fn more_decimals_than_the_currency_allows_cannot_be_encoded() {
    let input =
        std::fs::read(support::repo().join("fixtures/rest/native/basic-payment/input.json")).unwrap_or_default();
    let decoded = RestNative.decode(&input, &DecodeLimits::default()).unwrap_or_else(|e| panic!("{e}"));
    let Message::PaymentInitiation(mut initiation) = decoded.message else { panic!("not an initiation") };
    let eur = payglot_core_model::Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}"));
    let amount = payglot_core_model::money::parse_decimal("10.005").unwrap_or_else(|e| panic!("{e}"));
    let money = payglot_core_model::Money::new(amount, eur).unwrap_or_else(|e| panic!("{e}"));
    if let Some(transfer) = initiation.batches.first_mut().and_then(|b| b.transfers.first_mut()) {
        transfer.instructed_amount = Some(money);
    }
    let error = RestNative.encode(&Message::PaymentInitiation(initiation), &EncodeOptions::lossy()).err();
    let error = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("instructed_amount") && error.contains("fraction digits"), "{error}");
}

#[test]
fn a_100_mb_body_is_refused_by_the_size_limit() {
    let mut body = b"{\"metadata\": \"".to_vec();
    body.resize(100 << 20, b'a');
    body.extend_from_slice(b"\"}");
    let error = RestNative.decode(&body, &DecodeLimits::default()).err().unwrap_or_else(|| panic!("accepted"));
    assert_eq!(error.kind().as_str(), "limit");
}

#[test]
fn the_key_and_time_may_come_from_the_transport() {
    use payglot_core_model::{DateTime, MessageId, TransportContext};
    let bare = br#"{"amount": 5000, "currency": "USD", "source_account": "acc_123456", "destination_account": "acc_789012", "reference": "INV-2025-001"}"#;
    let error = RestNative.decode(bare, &DecodeLimits::default()).err().unwrap_or_else(|| panic!("accepted"));
    assert!(error.to_string().contains("missing field `idempotency_key`"), "{error}");
    let transport = TransportContext {
        message_id: MessageId::new("key-from-header").unwrap(),
        time: DateTime::parse("2026-11-26T10:00:00Z").unwrap(),
    };
    let limits = DecodeLimits::default().with_transport(transport);
    let header = |bytes: &[u8]| match RestNative.decode(bytes, &limits).unwrap().message {
        Message::PaymentInitiation(pi) => (pi.header.message_id.as_str().to_owned(), pi.header.created.to_string()),
        other => panic!("not an initiation: {other:?}"),
    };
    assert_eq!(header(bare), ("key-from-header".to_owned(), "2026-11-26T10:00:00Z".to_owned()));
    // The body's own values win over the transport's.
    let own = br#"{"idempotency_key": "own-key", "created_at": "2026-11-25T09:00:00Z", "amount": 5000, "currency": "USD", "source_account": "acc_123456", "destination_account": "acc_789012", "reference": "INV-2025-001"}"#;
    assert_eq!(header(own), ("own-key".to_owned(), "2026-11-25T09:00:00Z".to_owned()));
    // Half a header: only the missing half comes from the transport.
    let half = br#"{"idempotency_key": "own-key", "amount": 5000, "currency": "USD", "source_account": "acc_123456", "destination_account": "acc_789012", "reference": "INV-2025-001"}"#;
    assert_eq!(header(half), ("own-key".to_owned(), "2026-11-26T10:00:00Z".to_owned()));
}

/// Run a property on a thread with a large stack: the strategies of a whole payment nest deep
/// enough to overflow the default 2 MiB test-thread stack in debug builds.
fn check<S: Strategy>(
    make: impl FnOnce() -> S + Send + 'static,
    test: impl Fn(S::Value) -> Result<(), TestCaseError> + Send + 'static,
) where
    S::Value: std::fmt::Debug,
{
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(1000));
            runner.run(&make(), test).map_err(|e| e.to_string())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let result = handle.join().unwrap_or_else(|_| panic!("property panicked"));
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// canonical → rest:native → canonical is the identity on what native carries, with no loss
/// reported, and the encoder outputs satisfy the contract (the first
/// [`support::ORACLE_SAMPLE`] cases are validated).
#[test]
fn native_round_trip() {
    static SAMPLE: support::OracleSample = support::OracleSample::new();
    check(strategies::native_initiation, |message| {
        let encoded = RestNative.encode(&message, &EncodeOptions::strict());
        let encoded = encoded.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(encoded.losses.is_empty(), "{:?}", encoded.losses);
        if SAMPLE.take() {
            assert_conforms(&encoded.bytes, "encoder output");
        }
        let decoded = RestNative.decode(&encoded.bytes, &DecodeLimits::default());
        let decoded = decoded.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(decoded.losses.is_empty());
        prop_assert_eq!(decoded.message, message);
        Ok(())
    });
}

/// A status report round-trips as a payment resource or a webhook event.
#[test]
fn native_status_round_trip() {
    static SAMPLE: support::OracleSample = support::OracleSample::new();
    check(strategies::native_status, |message| {
        let encoded = RestNative.encode(&message, &EncodeOptions::strict());
        let encoded = encoded.map_err(|e| TestCaseError::fail(e.to_string()))?;
        if SAMPLE.take() {
            assert_conforms(&encoded.bytes, "encoder output");
        }
        let decoded = RestNative.decode(&encoded.bytes, &DecodeLimits::default());
        let decoded = decoded.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(decoded.message, message);
        Ok(())
    });
}

/// Values native cannot carry are reported, one loss each, and nothing else is.
#[test]
fn native_reports_exactly_what_it_drops() {
    let strategy = || (strategies::native_initiation(), proptest::option::of(strategies::date()), proptest::bool::ANY);
    check(strategy, |(message, settlement_date, intermediary)| {
        let mut message = message;
        let mut expected = 0;
        if let Message::PaymentInitiation(initiation) = &mut message
            && let Some(transfer) = initiation.batches.first_mut().and_then(|b| b.transfers.first_mut())
        {
            if let Some(date) = settlement_date {
                transfer.settlement_date = Some(date);
                expected += 1;
            }
            if intermediary {
                transfer.intermediary_agents.push(payglot_core_model::Agent::default());
                expected += 1;
            }
        }
        let encoded = RestNative.encode(&message, &EncodeOptions::lossy());
        let encoded = encoded.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(encoded.losses.len(), expected, "{:?}", encoded.losses);
        let strict = RestNative.encode(&message, &EncodeOptions::strict());
        prop_assert_eq!(strict.is_ok(), expected == 0);
        Ok(())
    });
}

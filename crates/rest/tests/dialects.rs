//! `rest:berlin-group`, `rest:open-banking-uk` and `rest:open-banking-uk-v3.1`: their fixtures,
//! the official OpenAPI documents in `../shared/specs` as oracles for every fixture and every
//! encoder output, and property tests canonical → dialect → canonical (each checks its first
//! [`support::ORACLE_SAMPLE`] outputs against the official schema too).
//!
//! The bodies of these dialects carry no message id or creation time, so the fixtures are
//! decoded with [`context`] (as a server would pass its `X-Request-ID` and the time).

mod strategies;
mod support;

use std::sync::OnceLock;

use jsonschema::Validator;
use payglot_core_model::{Codec, DateTime, DecodeLimits, EncodeOptions, Message, MessageId};
use payglot_rest::{HttpContext, RestBerlinGroup, RestOpenBankingUk};
use proptest::prelude::*;
use serde_json::Value;

/// The context every fixture of these dialects is decoded with.
fn context() -> HttpContext {
    HttpContext {
        message_id: MessageId::new("REQ-0001").unwrap_or_else(|e| panic!("{e}")),
        time: DateTime::parse("2024-03-01T10:00:00Z").unwrap_or_else(|e| panic!("{e}")),
    }
}

struct Oracles {
    bg_request: Validator,
    bg_created: Validator,
    bg_status: Validator,
    ob4_consent: Validator,
    ob4_submission: Validator,
    ob4_response: Validator,
    ob4_consent_response: Validator,
    ob31_consent: Validator,
    ob31_submission: Validator,
    ob31_response: Validator,
    ob31_consent_response: Validator,
}

fn oracles() -> Option<&'static Oracles> {
    static ORACLES: OnceLock<Option<Oracles>> = OnceLock::new();
    ORACLES
        .get_or_init(|| {
            let shared = support::shared()?;
            let bg = support::read_json(&shared.join("specs/berlin-group/psd2-api-1.3.8-2020-11-06.json"));
            let ob4 = support::read_json(&shared.join("specs/open-banking-uk/payment-initiation-openapi.v4.json"));
            let ob31 = support::read_json(&shared.join("specs/open-banking-uk/payment-initiation-openapi.v3.1.json"));
            Some(Oracles {
                bg_request: support::schema_validator(&bg, "paymentInitiation_json"),
                bg_created: support::schema_validator(&bg, "paymentInitationRequestResponse-201"),
                bg_status: support::schema_validator(&bg, "paymentInitiationStatusResponse-200_json"),
                ob4_consent: support::schema_validator(&ob4, "OBWriteDomesticConsent4"),
                ob4_submission: support::schema_validator(&ob4, "OBWriteDomestic2"),
                ob4_response: support::schema_validator(&ob4, "OBWriteDomesticResponse5"),
                ob4_consent_response: support::schema_validator(&ob4, "OBWriteDomesticConsentResponse5"),
                ob31_consent: support::schema_validator(&ob31, "OBWriteDomesticConsent4"),
                ob31_submission: support::schema_validator(&ob31, "OBWriteDomestic2"),
                ob31_response: support::schema_validator(&ob31, "OBWriteDomesticResponse5"),
                ob31_consent_response: support::schema_validator(&ob31, "OBWriteDomesticConsentResponse5"),
            })
        })
        .as_ref()
}

fn bg_validator(o: &'static Oracles, document: &Value) -> &'static Validator {
    if document.get("instructedAmount").is_some() {
        &o.bg_request
    } else if document.get("paymentId").is_some() {
        &o.bg_created
    } else {
        &o.bg_status
    }
}

fn ob_validator(o: &'static Oracles, v4: bool, document: &Value) -> &'static Validator {
    let data = document.get("Data").cloned().unwrap_or(Value::Null);
    let consent_response = data.get("DomesticPaymentId").is_none() && data.get("Status").is_some();
    match (v4, data.get("DomesticPaymentId").is_some(), data.get("ConsentId").is_some()) {
        (true, ..) if consent_response => &o.ob4_consent_response,
        (false, ..) if consent_response => &o.ob31_consent_response,
        (true, true, _) => &o.ob4_response,
        (true, false, true) => &o.ob4_submission,
        (true, false, false) => &o.ob4_consent,
        (false, true, _) => &o.ob31_response,
        (false, false, true) => &o.ob31_submission,
        (false, false, false) => &o.ob31_consent,
    }
}

/// Check `bytes` against the official schema of `dialect`; skipped when `../shared` is absent.
fn assert_official(dialect: &str, bytes: &[u8], what: &str) {
    let Some(o) = oracles() else { return };
    let document: Value = serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    let validator = match dialect {
        "berlin-group" => bg_validator(o, &document),
        "open-banking-uk" => ob_validator(o, true, &document),
        _ => ob_validator(o, false, &document),
    };
    let errors = support::violations(validator, &document);
    assert!(errors.is_empty(), "{what} breaks the official {dialect} schema: {errors:#?}");
}

fn run_dialect(dialect: &str, codec: &dyn Codec) {
    let mut checked = 0;
    for case in support::cases(dialect) {
        let (canonical, encoded) = support::run_case(codec, &case);
        if canonical.is_some() {
            let input = std::fs::read(&case.input).unwrap_or_default();
            assert_official(dialect, &input, &format!("{} input", case.dir.display()));
            if let Some(encoded) = encoded {
                let name = case.dir.display();
                assert_official(dialect, &encoded, &format!("{name} encoder output"));
                // What the encoder wrote decodes to the same canonical message again.
                let again = codec.decode(&encoded, &DecodeLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
                let again = payglot_core_model::CanonicalJson
                    .encode(&again.message, &EncodeOptions::default())
                    .map(|e| serde_json::from_slice::<Value>(&e.bytes).unwrap_or(Value::Null))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(Some(&again), canonical.as_ref(), "{name}: encode → decode differs");
            }
            checked += 1;
        }
    }
    assert!(checked >= 2, "only {checked} decodable {dialect} fixtures");
}

#[test]
fn berlin_group_fixtures_and_oracle() {
    run_dialect("berlin-group", &RestBerlinGroup::default().with_context(context()));
}

#[test]
fn open_banking_v4_fixtures_and_oracle() {
    run_dialect("open-banking-uk", &RestOpenBankingUk::v4().with_context(context()));
}

#[test]
fn open_banking_v31_fixtures_and_oracle() {
    run_dialect("open-banking-uk-v3.1", &RestOpenBankingUk::v3_1().with_context(context()));
}

#[test]
fn bodies_without_a_context_are_refused_with_the_reason() {
    let input = std::fs::read(support::repo().join("fixtures/rest/berlin-group/sct-spec-example/input.json"))
        .unwrap_or_default();
    let error = RestBerlinGroup::default().decode(&input, &DecodeLimits::default()).err();
    let error = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("with_context"), "{error}");
}

#[test]
fn the_official_oracles_are_not_vacuous() {
    let Some(o) = oracles() else { return };
    // A 71-character creditor name and a float amount break the official schemas.
    let bg = serde_json::json!({
        "debtorAccount": {"iban": "DE40100100103307118608"}, "instructedAmount": {"currency": "EUR", "amount": 1.5},
        "creditorAccount": {"iban": "DE02100100109307118603"}, "creditorName": "M".repeat(71)
    });
    assert!(support::violations(&o.bg_request, &bg).len() >= 2);
    let ob = serde_json::json!({"Data": {"Initiation": {"InstructionIdentification": "A"}}, "Risk": {}});
    assert!(!o.ob4_consent.is_valid(&ob));
}

/// Encode with the codec, then decode with the same codec given the header back as context;
/// the output is checked against the official schema for the first cases of `sample`.
fn round_trip(
    codec_for: impl Fn(Option<HttpContext>) -> Box<dyn Codec>,
    dialect: &str,
    message: &Message,
    sample: &support::OracleSample,
) -> Result<(), TestCaseError> {
    let encoded =
        codec_for(None).encode(message, &EncodeOptions::lossy()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let kinds: Vec<String> = encoded.losses.iter().map(|l| l.path.clone()).collect();
    prop_assert_eq!(
        kinds,
        vec![
            "/message/payment_initiation/header/message_id".to_owned(),
            "/message/payment_initiation/header/created".to_owned()
        ],
        "{:?}",
        encoded.losses
    );
    if sample.take() {
        assert_official(dialect, &encoded.bytes, "encoder output");
    }
    let header = message.header();
    let context = HttpContext { message_id: header.message_id.clone(), time: header.created };
    let decoded = codec_for(Some(context))
        .decode(&encoded.bytes, &DecodeLimits::default())
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(decoded.losses.is_empty(), "{:?}", decoded.losses);
    prop_assert_eq!(&decoded.message, message);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn berlin_group_round_trip(message in strategies::bg_initiation()) {
        static SAMPLE: support::OracleSample = support::OracleSample::new();
        round_trip(
            |context| Box::new(match context { Some(c) => RestBerlinGroup::default().with_context(c), None => RestBerlinGroup::default() }),
            "berlin-group",
            &message,
            &SAMPLE,
        )?;
    }

    #[test]
    fn open_banking_v4_round_trip(message in strategies::ob_initiation(true)) {
        static SAMPLE: support::OracleSample = support::OracleSample::new();
        round_trip(
            |context| Box::new(match context { Some(c) => RestOpenBankingUk::v4().with_context(c), None => RestOpenBankingUk::v4() }),
            "open-banking-uk",
            &message,
            &SAMPLE,
        )?;
    }

    #[test]
    fn open_banking_v31_round_trip(message in strategies::ob_initiation(false)) {
        static SAMPLE: support::OracleSample = support::OracleSample::new();
        round_trip(
            |context| Box::new(match context { Some(c) => RestOpenBankingUk::v3_1().with_context(c), None => RestOpenBankingUk::v3_1() }),
            "open-banking-uk-v3.1",
            &message,
            &SAMPLE,
        )?;
    }
}

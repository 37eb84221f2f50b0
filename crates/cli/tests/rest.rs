//! The REST formats from the command line (issue 5's "done means"): `payglot translate --to
//! rest:<dialect>` on the ISO 20022 and canonical fixtures, with the content checked against
//! the canonical decode of the same input, and `--from rest:<dialect> --message-id --created`
//! back to ISO 20022.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const REST_FORMATS: [&str; 4] =
    ["rest:native", "rest:berlin-group", "rest:open-banking-uk", "rest:open-banking-uk-v3.1"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn payglot() -> Command {
    Command::cargo_bin("payglot").unwrap_or_else(|e| panic!("{e}"))
}

/// Run `payglot` with `args`; (exit code, stdout, stderr).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let output = payglot().args(args).output().unwrap_or_else(|e| panic!("{e}"));
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The first transfer of `input` as the CLI decodes it to canonical:json.
fn first_transfer(input: &str) -> (Value, usize) {
    let (code, stdout, stderr) = run(&["translate", "--lossy", "--to", "canonical:json", input]);
    assert_eq!(code, Some(0), "{input}: {stderr}");
    let document: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{input}: {e}"));
    let batches = document.pointer("/message/payment_initiation/batches").cloned().unwrap_or(Value::Null);
    let count = batches.as_array().map_or(0, |b| b.iter().map(|x| x["transfers"].as_array().map_or(0, Vec::len)).sum());
    (batches.pointer("/0/transfers/0").cloned().unwrap_or(Value::Null), count)
}

/// A decimal string without insignificant trailing zeros (`1250.00` → `1250`), compared as text:
/// amounts never pass through a float.
fn decimal(text: &str) -> &str {
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { text }
}

#[test]
fn translate_to_every_rest_format_from_iso_and_canonical_fixtures() {
    let root = fixtures();
    let inputs = [
        root.join("iso20022/pain.001.001.03/swiss-structured-address/input.xml"),
        root.join("iso20022/pain.001.001.09/sepa-prefixed-namespace/input.xml"),
        root.join("canonical/json/payment-initiation-sepa/input.json"),
    ];
    for input in &inputs {
        let input = input.to_string_lossy();
        let (transfer, count) = first_transfer(&input);
        let amount = transfer.pointer("/instructed_amount/amount").and_then(Value::as_str).unwrap_or_default();
        let currency = transfer.pointer("/instructed_amount/currency").and_then(Value::as_str).unwrap_or_default();
        let creditor_iban = transfer.pointer("/creditor_account/id/iban").and_then(Value::as_str).unwrap_or_default();
        let end_to_end = transfer.pointer("/ids/end_to_end_id").and_then(Value::as_str).unwrap_or_default();
        assert!(!amount.is_empty() && !creditor_iban.is_empty(), "{input}: {transfer}");
        for format in REST_FORMATS {
            let (code, stdout, stderr) = run(&["translate", "--lossy", "--to", format, &input]);
            if count > 1 && format != "rest:native" {
                // Berlin Group and Open Banking initiate one payment per request.
                assert_eq!(code, Some(1), "{input} → {format}: {stderr}");
                assert!(stderr.contains("single payment"), "{input} → {format}: {stderr}");
                assert!(stdout.is_empty(), "{input} → {format}");
                continue;
            }
            assert_eq!(code, Some(0), "{input} → {format}: {stderr}");
            let body: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{input} → {format}: {e}"));
            let text = body.to_string();
            assert!(text.contains(creditor_iban), "{input} → {format}: no creditor IBAN in {text}");
            assert!(text.contains(currency), "{input} → {format}: no currency in {text}");
            match format {
                "rest:native" => {
                    // Minor units: 5000.5 CHF is 500050, 1250.00 EUR is 125000.
                    let units = amount.replace('.', "");
                    let decimals = amount.split_once('.').map_or(0, |(_, f)| f.len());
                    let units = format!("{units}{}", "0".repeat(2usize.saturating_sub(decimals)));
                    let units = units.trim_start_matches('0');
                    assert!(text.contains(&format!("\"amount\":{units}")), "{input} → {format}: {units} in {text}");
                }
                "rest:berlin-group" => {
                    assert_eq!(body.pointer("/creditorAccount/iban").and_then(Value::as_str), Some(creditor_iban));
                    assert_eq!(body.pointer("/endToEndIdentification").and_then(Value::as_str), Some(end_to_end));
                    let written = body.pointer("/instructedAmount/amount").and_then(Value::as_str).unwrap_or_default();
                    assert_eq!(decimal(written), decimal(amount), "{input} → {format}");
                }
                _ => {
                    let initiation = body.pointer("/Data/Initiation").cloned().unwrap_or(Value::Null);
                    assert_eq!(initiation.pointer("/CreditorAccount/SchemeName"), Some(&Value::from("UK.OBIE.IBAN")));
                    assert_eq!(
                        initiation.pointer("/CreditorAccount/Identification"),
                        Some(&Value::from(creditor_iban))
                    );
                    assert!(body.get("Risk").is_some(), "{input} → {format}: a consent carries Risk");
                }
            }
            // The message id and creation time travel as headers: reported on stderr.
            if format != "rest:native" {
                assert!(stderr.contains("header/message_id"), "{input} → {format}: {stderr}");
            }
        }
    }
}

#[test]
fn strict_translation_to_a_body_only_dialect_is_refused_with_the_losses() {
    let input = fixtures().join("iso20022/pain.001.001.03/swiss-structured-address/input.xml");
    let (code, stdout, stderr) = run(&["translate", "--to", "rest:berlin-group", &input.to_string_lossy()]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("header/message_id"), "{stderr}");
}

#[test]
fn from_rest_dialects_with_message_id_and_created_back_to_iso20022() {
    let root = fixtures();
    let cases = [
        ("rest:berlin-group", "rest/berlin-group/sct-spec-example/input.json"),
        ("rest:open-banking-uk-v3.1", "rest/open-banking-uk-v3.1/domestic-consent-spec-example/input.json"),
        ("rest:open-banking-uk", "rest/open-banking-uk/domestic-consent-full/input.json"),
        ("rest:native", "rest/native/basic-payment/input.json"),
    ];
    for (format, case) in cases {
        let input = root.join(case).to_string_lossy().into_owned();
        let (code, stdout, stderr) = run(&[
            "translate",
            "--lossy",
            "--from",
            format,
            "--message-id",
            "X-REQ-42",
            "--created",
            "2024-03-01T10:00:00Z",
            "--to",
            "iso20022:pain.001.001.09",
            &input,
        ]);
        assert_eq!(code, Some(0), "{format}: {stderr}");
        assert!(stdout.contains("pain.001.001.09"), "{format}: {stdout}");
        if format == "rest:native" {
            // A native request carries its own id (its idempotency key): the transport's is not used.
            assert!(!stdout.contains("X-REQ-42"), "{format}: {stdout}");
        } else {
            assert!(stdout.contains("<MsgId>X-REQ-42</MsgId>"), "{format}: {stdout}");
            assert!(stdout.contains("<CreDtTm>2024-03-01T10:00:00Z</CreDtTm>"), "{format}: {stdout}");
        }
    }
    // Without the transport values a body-only dialect is refused, saying what is missing.
    let input = root.join("rest/berlin-group/sct-spec-example/input.json").to_string_lossy().into_owned();
    let (code, _, stderr) =
        run(&["translate", "--from", "rest:berlin-group", "--to", "iso20022:pain.001.001.09", &input]);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("--message-id") || stderr.contains("message id"), "{stderr}");
}

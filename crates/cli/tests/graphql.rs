//! Issue 7's done-means from the command line: `payglot translate --to graphql:payglot` on the
//! ISO 20022, REST and SOAP fixtures, and back to each format, checking the content and the
//! losses listed on stderr; GraphQL bodies without a message id take `--message-id` and
//! `--created`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(path)
}

/// `payglot <args>` with `stdin`: exit code, stdout, stderr.
fn payglot(args: &[&str], stdin: &[u8]) -> (Option<i32>, Vec<u8>, String) {
    let mut command = Command::cargo_bin("payglot").unwrap_or_else(|e| panic!("{e}"));
    let output = command.args(args).write_stdin(stdin.to_vec()).output().unwrap_or_else(|e| panic!("{e}"));
    (output.status.code(), output.stdout, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Translate `input` to `to` (more flags in `extra`), expecting success.
fn translate(to: &str, input: &[u8], extra: &[&str]) -> (Vec<u8>, String) {
    let mut args = vec!["translate", "--to", to];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = payglot(&args, input);
    assert_eq!(code, Some(0), "--to {to}: {stderr}");
    (stdout, stderr)
}

fn canonical(input: &[u8], extra: &[&str]) -> Value {
    let (stdout, _) = translate("canonical:json", input, extra);
    serde_json::from_slice(&stdout).unwrap_or_else(|e| panic!("{e}"))
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn iso20022_pain001_to_graphql_and_back() {
    let input = read("iso20022/pain.001.001.09/sepa-prefixed-namespace/input.xml");
    // The fixture's SplmtryData has no canonical field: strict refuses, listing it.
    let (code, stdout, stderr) = payglot(&["translate", "--to", "graphql:payglot"], &input);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("dropped /Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[2]/SplmtryData"), "{stderr}");

    let (graphql, stderr) = translate("graphql:payglot", &input, &["--lossy"]);
    // Exactly the decode's one loss, listed; the GraphQL side adds none.
    let losses: Vec<&str> = stderr.lines().collect();
    assert_eq!(losses.len(), 1, "{stderr}");
    let expected = "loss: dropped /Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[2]/SplmtryData: \
                    no canonical field for SplmtryData (1 child elements)";
    assert!(losses.iter().all(|l| l.ends_with(expected)), "{stderr}");
    let request = json(&graphql);
    assert_eq!(request["operationName"], "InitiatePayment");
    let query = request["query"].as_str().unwrap_or_default();
    assert!(query.contains("p0: initiatePayment(input: $input0") && query.contains("p1: initiatePayment"), "{query}");
    let first = &request["variables"]["input0"];
    assert_eq!(first["message"]["id"], "MSG-0901-A");
    assert_eq!(first["message"]["createdAt"], "2024-03-01T09:30:00+01:00");
    assert_eq!(first["message"]["paymentInformationId"], "PMTINF-1");
    assert_eq!(first["endToEndId"], "E2E-INV-4711");
    assert_eq!(first["amount"], serde_json::json!({"value": "1250.00", "currency": "EUR"}));
    assert_eq!(first["debtorAccount"]["identification"]["iban"], "DE89370400440532013000");
    assert_eq!(request["variables"]["idempotencyKey0"], "MSG-0901-A/1");

    // Back to ISO 20022: the same canonical message as the original, less what was dropped.
    let (xml, stderr) = translate("iso20022:pain.001.001.09", &graphql, &[]);
    assert!(stderr.is_empty(), "{stderr}");
    let xml = String::from_utf8_lossy(&xml);
    for needle in ["<MsgId>MSG-0901-A</MsgId>", "<EndToEndId>E2E-INV-4711</EndToEndId>", "Ccy=\"EUR\">1250.00<"] {
        assert!(xml.contains(needle), "{needle}: {xml}");
    }
    assert_eq!(canonical(xml.as_bytes(), &[]), canonical(&input, &["--lossy"]));
}

#[test]
fn rest_native_to_graphql_and_back() {
    let input = read("rest/native/basic-payment/input.json");
    let (graphql, stderr) = translate("graphql:payglot", &input, &[]);
    assert!(stderr.is_empty(), "lossless: {stderr}");
    let request = json(&graphql);
    let payment = &request["variables"]["input"];
    assert_eq!(payment["message"]["id"], "8e03978e-40d5-43e8-bc93");
    assert_eq!(payment["amount"], serde_json::json!({"value": "10.50", "currency": "EUR"}));
    assert_eq!(payment["debtorAccount"]["identification"]["other"]["id"], "acc_123456");
    assert_eq!(payment["creditorAccount"]["identification"]["iban"], "DE89370400440532013000");
    // rest:native's `reference` is the instruction id.
    assert_eq!(payment["instructionId"], "INV-2024-001");
    assert_eq!(request["variables"]["idempotencyKey"], "8e03978e-40d5-43e8-bc93");

    let (rest, stderr) = translate("rest:native", &graphql, &[]);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(json(&rest), json(&read("rest/native/basic-payment/input.json")));
}

#[test]
fn soap_payglot_to_graphql_and_back() {
    let input = read("soap/payglot/initiate-payment-soap11/input.xml");
    let (graphql, stderr) = translate("graphql:payglot", &input, &[]);
    assert!(stderr.is_empty(), "lossless: {stderr}");
    let request = json(&graphql);
    let payment = &request["variables"]["input"];
    assert_eq!(payment["message"]["id"], "SOAP-MSG-0001");
    assert_eq!(payment["uetr"], "7a562c67-ca16-48ba-b074-65581be6f001");
    assert_eq!(payment["amount"], serde_json::json!({"value": "1250.50", "currency": "EUR"}));
    assert_eq!(payment["extensions"], serde_json::json!([{"key": "metadata.order_id", "value": "ORD-77"}]));

    let (soap, stderr) = translate("soap:payglot", &graphql, &[]);
    assert!(stderr.is_empty(), "{stderr}");
    let soap = String::from_utf8_lossy(&soap);
    assert!(soap.contains("InitiatePaymentRequest") && soap.contains("SOAP-MSG-0001"), "{soap}");
    assert_eq!(canonical(soap.as_bytes(), &[]), canonical(&input, &[]));
}

#[test]
fn graphql_bodies_without_a_message_id_take_the_transport_context() {
    let request = read("graphql/payglot/request-without-message-needs-transport/input.json");
    let (code, stdout, stderr) = payglot(&["translate", "--to", "iso20022:pain.001.001.09"], &request);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("input.message { id, createdAt }") && stderr.contains("--message-id and --created"),
        "{stderr}"
    );

    let transport = ["--message-id", "REQ-0001", "--created", "2024-03-01T10:00:00Z", "--lossy"];
    let (canonical_json, stderr) = translate("canonical:json", &request, &transport);
    assert!(stderr.contains("dropped /query/initiatePayment/idempotencyKey"), "{stderr}");
    let header = &json(&canonical_json)["message"]["payment_initiation"]["header"];
    assert_eq!(header["message_id"], "REQ-0001", "{header}");
    assert_eq!(header["created"], "2024-03-01T10:00:00Z", "{header}");
    // The request gives no requested execution date, which pain.001 requires: refused, not invented.
    let mut args = vec!["translate", "--to", "iso20022:pain.001.001.09"];
    args.extend_from_slice(&transport);
    let (code, _, stderr) = payglot(&args, &request);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("requires a requested execution date"), "{stderr}");

    // An error-only response: a rejection with the outcome table's reason, as a pain.002.
    let response = read("graphql/payglot/response-errors-only/input.json");
    let (code, _, stderr) = payglot(&["translate", "--to", "canonical:json"], &response);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("--message-id and --created"), "{stderr}");
    let transport = ["--message-id", "REQ-0002", "--created", "2024-03-01T10:00:05Z", "--lossy"];
    let report = canonical(&response, &transport);
    let transaction = &report["message"]["status_report"]["transactions"][0];
    assert_eq!(transaction["status"], "RJCT");
    assert_eq!(transaction["reasons"][0]["mapped_reason"], "AM04");
    // pain.002 needs the original message's group status, which an error-only response lacks:
    // refused with the reason, not invented.
    let mut args = vec!["translate", "--to", "iso20022:pain.002.001.10"];
    args.extend_from_slice(&transport);
    let (code, _, stderr) = payglot(&args, &response);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("exactly one original group status"), "{stderr}");
}

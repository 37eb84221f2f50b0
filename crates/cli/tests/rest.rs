//! Issue 5's done-means from the command line: `payglot translate --to <rest dialect>` for every
//! REST format on the ISO 20022 pain.001.001.09 fixture and on the canonical fixture, checking
//! the content as each dialect writes it, the strict refusal (exit 3, the losses listed) and
//! `--lossy` (exit 0); and a Berlin Group body, which carries no message id or time, back to
//! pain.001.001.09 with `--message-id` and `--created`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

const ISO: &str = "iso20022/pain.001.001.09/sepa-prefixed-namespace/input.xml";
const CANONICAL: &str = "canonical/json/payment-initiation-sepa/input.json";

fn read(path: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `payglot <args>` with `stdin`: exit code, stdout, stderr.
fn payglot(args: &[&str], stdin: &[u8]) -> (Option<i32>, Vec<u8>, String) {
    let mut command = Command::cargo_bin("payglot").unwrap_or_else(|e| panic!("{e}"));
    let output = command.args(args).write_stdin(stdin.to_vec()).output().unwrap_or_else(|e| panic!("{e}"));
    (output.status.code(), output.stdout, String::from_utf8_lossy(&output.stderr).into_owned())
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

/// Strict mode refuses with exit 3 and lists `must_list` among the losses, writing nothing;
/// `--lossy` writes the body with exit 0 and lists the same losses. Returns the body.
fn refused_then_lossy(to: &str, fixture: &str, must_list: &[&str]) -> Value {
    let input = read(fixture);
    let (code, stdout, stderr) = payglot(&["translate", "--to", to], &input);
    assert_eq!(code, Some(3), "{to} strict on {fixture}: {stderr}");
    assert!(stdout.is_empty(), "{to}: strict wrote output");
    for loss in must_list {
        assert!(stderr.contains(loss), "{to} on {fixture}: {loss:?} not listed in\n{stderr}");
    }
    let (code, stdout, lossy_stderr) = payglot(&["translate", "--to", to, "--lossy"], &input);
    assert_eq!(code, Some(0), "{to} --lossy on {fixture}: {lossy_stderr}");
    for loss in must_list {
        assert!(lossy_stderr.contains(loss), "{to} --lossy on {fixture}: {loss:?} not listed in\n{lossy_stderr}");
    }
    json(&stdout)
}

/// The losses every dialect reports for the ISO fixture: the decode's own (its second
/// payment's `SplmtryData`), and the initiating party no REST body carries.
const ISO_LOSSES: [&str; 2] = [
    "dropped /Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[2]/SplmtryData",
    "dropped /message/payment_initiation/header/initiating_party",
];

/// Berlin Group and Open Banking bodies are one payment: the second is reported, not written.
fn second_payment_dropped(dialect: &str) -> String {
    format!("dropped /message/payment_initiation/batches/0/transfers/1: {dialect} carries one payment per request")
}

#[test]
fn iso_and_canonical_fixtures_to_rest_native() {
    let approximated_reference = "approximated /message/payment_initiation/batches/0/transfers/1/ids/instruction_id";
    let mut must_list = ISO_LOSSES.to_vec();
    must_list.push(approximated_reference);
    let body = refused_then_lossy("rest:native", ISO, &must_list);
    assert_eq!(body["idempotency_key"], "MSG-0901-A");
    assert_eq!(body["created_at"], "2024-03-01T09:30:00+01:00");
    let batch = &body["batches"][0];
    assert_eq!(batch["id"], "PMTINF-1");
    assert_eq!(batch["batch_booking"], false);
    let first = &batch["payments"][0];
    assert_eq!(first["amount"], 125_000, "minor units of 1250.00 EUR");
    assert_eq!(first["currency"], "EUR");
    assert_eq!(first["source_account"], "DE89370400440532013000");
    assert_eq!(first["destination_account"], "FR1420041010050500013M02606");
    assert_eq!(first["reference"], "INSTR-1");
    assert_eq!(first["end_to_end_id"], "E2E-INV-4711");
    assert_eq!(first["uetr"], "eb6305c9-1f7f-49de-aed0-16487c27b42d");
    assert_eq!(first["creditor"]["name"], "Lieferant SARL");
    assert_eq!(first["debtor_agent"]["bic"], "COBADEFFXXX");
    assert_eq!(first["remittance"]["creditor_reference"], "RF18539007547034");
    assert_eq!(first["purpose"], "GDDS");
    let second = &batch["payments"][1];
    assert_eq!(second["amount"], 9_995);
    assert_eq!(second["destination_account"], "DE44500105175407324931");
    // No instruction id: the end-to-end id stands in for the required reference (reported).
    assert_eq!(second["reference"], "E2E-INV-4712");

    let body = refused_then_lossy(
        "rest:native",
        CANONICAL,
        &[
            "dropped /message/payment_initiation/header/initiating_party",
            "dropped /message/payment_initiation/batches/0/transfers/0/remittance/structured/0",
            approximated_reference,
        ],
    );
    assert_eq!(body["idempotency_key"], "MSG-2024-0301-001");
    let payments = &body["batches"][0]["payments"];
    assert_eq!(payments[0]["amount"], 125_000);
    assert_eq!(payments[0]["category_purpose"], "SUPP");
    assert_eq!(payments[0]["creditor"]["address"]["address_lines"], json!(["12 rue de la Paix", "75002 Paris"]));
    assert_eq!(payments[1]["metadata"], json!({"order_id": "ORD-77"}));
}

#[test]
fn iso_and_canonical_fixtures_to_rest_berlin_group_and_back() {
    let mut must_list = ISO_LOSSES.to_vec();
    let second = second_payment_dropped("rest:berlin-group");
    must_list.push(&second);
    let body = refused_then_lossy("rest:berlin-group", ISO, &must_list);
    assert_eq!(body["instructedAmount"], json!({"currency": "EUR", "amount": "1250.00"}));
    assert_eq!(body["debtorAccount"]["iban"], "DE89370400440532013000");
    assert_eq!(body["creditorAccount"]["iban"], "FR1420041010050500013M02606");
    assert_eq!(body["creditorName"], "Lieferant SARL");
    assert_eq!(body["creditorAgent"], "PSSTFRPPPAR");
    assert_eq!(body["endToEndIdentification"], "E2E-INV-4711");
    assert_eq!(body["purposeCode"], "GDDS");
    assert_eq!(body["requestedExecutionDate"], "2024-03-04");

    let structured_lines =
        "dropped /message/payment_initiation/batches/0/transfers/0/creditor/postal_address/address_lines";
    let body = refused_then_lossy("rest:berlin-group", CANONICAL, &[&second, structured_lines]);
    assert_eq!(body["creditorAddress"], json!({"country": "FR"}));

    // Back: the body carries no message id or time; the transport gives them.
    let bg = serde_json::to_vec(&body).unwrap_or_default();
    let (code, _, stderr) = payglot(&["translate", "--from", "rest:berlin-group", "--to", "canonical:json"], &bg);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("--message-id and --created"), "{stderr}");
    let args = [
        "translate",
        "--from",
        "rest:berlin-group",
        "--to",
        "iso20022:pain.001.001.09",
        "--message-id",
        "REQ-BG-0001",
        "--created",
        "2024-03-01T10:00:00Z",
    ];
    let (code, xml, stderr) = payglot(&args, &bg);
    assert_eq!(code, Some(0), "{stderr}");
    let xml = String::from_utf8_lossy(&xml);
    for needle in [
        "<MsgId>REQ-BG-0001</MsgId>",
        "<CreDtTm>2024-03-01T10:00:00Z</CreDtTm>",
        "<EndToEndId>E2E-INV-4711</EndToEndId>",
        "<InstdAmt Ccy=\"EUR\">1250.00</InstdAmt>",
        "<IBAN>DE89370400440532013000</IBAN>",
        "<IBAN>FR1420041010050500013M02606</IBAN>",
        "<Nm>Lieferant SARL</Nm>",
        "<Cd>GDDS</Cd>",
        "<Ref>RF18539007547034</Ref>",
    ] {
        assert!(xml.contains(needle), "{needle} not in\n{xml}");
    }
}

#[test]
fn iso_and_canonical_fixtures_to_rest_open_banking_uk() {
    for (format, version_only) in [
        ("rest:open-banking-uk", "Structured"),
        ("rest:open-banking-uk-v3.1", "dropped /message/payment_initiation/batches/0/transfers/0/creditor_agent"),
    ] {
        let mut must_list = ISO_LOSSES.to_vec();
        let second = second_payment_dropped(format);
        must_list.push(&second);
        let body = refused_then_lossy(format, ISO, &must_list);
        let initiation = &body["Data"]["Initiation"];
        assert_eq!(initiation["InstructionIdentification"], "INSTR-1", "{format}");
        assert_eq!(initiation["EndToEndIdentification"], "E2E-INV-4711", "{format}");
        assert_eq!(initiation["InstructedAmount"], json!({"Amount": "1250.00", "Currency": "EUR"}), "{format}");
        assert_eq!(initiation["DebtorAccount"]["SchemeName"], "UK.OBIE.IBAN", "{format}");
        assert_eq!(initiation["DebtorAccount"]["Identification"], "DE89370400440532013000", "{format}");
        assert_eq!(initiation["CreditorAccount"]["Identification"], "FR1420041010050500013M02606", "{format}");
        assert_eq!(initiation["CreditorAccount"]["Name"], "Lieferant SARL", "{format}");
        let text = body.to_string();
        assert!(text.contains("RF18539007547034"), "{format}: {text}");
        if format == "rest:open-banking-uk" {
            assert!(initiation["RemittanceInformation"].get(version_only).is_some(), "{format}: {text}");
        }

        let body = refused_then_lossy(format, CANONICAL, &[&second]);
        let initiation = &body["Data"]["Initiation"];
        assert_eq!(initiation["InstructionIdentification"], "INSTR-1", "{format}");
        assert_eq!(
            initiation["CreditorPostalAddress"]["AddressLine"],
            json!(["12 rue de la Paix", "75002 Paris"]),
            "{format}"
        );
    }
}

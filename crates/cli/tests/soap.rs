//! Issue 6 "done means": `payglot translate --to soap:payglot` and `--to soap:iso20022` on the ISO
//! 20022 and REST fixtures, and back (`--to iso20022:...`, `--to rest:native`,
//! `--to canonical:json`), checking the content that travels (ids, amounts, parties).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// `payglot translate [--lossy] --to <to>` on `input`: (exit code, stdout, stderr).
fn translate(to: &str, lossy: bool, input: &[u8]) -> (Option<i32>, String, String) {
    let mut command = Command::cargo_bin("payglot").unwrap_or_else(|e| panic!("{e}"));
    command.args(["translate", "--to", to]);
    if lossy {
        command.arg("--lossy");
    }
    let output = command.arg("-").write_stdin(input.to_vec()).output().unwrap_or_else(|e| panic!("{e}"));
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_contains(text: &str, needles: &[&str], what: &str) {
    for needle in needles {
        assert!(text.contains(needle), "{what}: `{needle}` missing in:\n{text}");
    }
}

/// ISO fixtures: (case, ISO format to go back to, body element, values that must travel).
const ISO_CASES: [(&str, &str, &str, &[&str]); 3] = [
    (
        "pain.001.001.09/sepa-prefixed-namespace",
        "iso20022:pain.001.001.09",
        "InitiatePaymentRequest",
        &["E2E-INV-4711", "1250.00", "Muster GmbH", "MSG-0901-A"],
    ),
    (
        "pain.002.001.10/rejected-insufficient-funds",
        "iso20022:pain.002.001.10",
        "GetPaymentStatusResponse",
        &["STS-0301-9", "MSG-0901-A", "E2E-INV-4711", "E2E-INV-4712", "1250.00"],
    ),
    (
        "camt.053.001.08/two-statements",
        "iso20022:camt.053.001.08",
        "GetStatementResponse",
        &["STMT-20240301", "Muster GmbH", "10000.00", "8850.00", "Lieferant SARL"],
    ),
];

#[test]
fn iso_fixtures_to_soap_payglot_and_back() {
    for (case, back, element, values) in ISO_CASES {
        let dir = fixtures().join("iso20022").join(case);
        // --lossy: decoding some ISO fixtures loses values (their losses.txt); SOAP itself does not.
        let (code, soap, stderr) = translate("soap:payglot", true, &read(&dir.join("input.xml")));
        assert_eq!(code, Some(0), "{case} → soap:payglot: {stderr}");
        assert_contains(
            &soap,
            &["http://schemas.xmlsoap.org/soap/envelope/", &format!("<{element} xmlns=\"urn:payglot:soap:v1\">")],
            case,
        );
        assert_contains(&soap, values, case);
        // soap:payglot mirrors the canonical model: back to canonical is exactly the fixture's.
        let (code, canonical, stderr) = translate("canonical:json", false, soap.as_bytes());
        assert_eq!(code, Some(0), "{case} soap:payglot → canonical: {stderr}");
        assert_eq!(canonical.as_bytes(), read(&dir.join("canonical.json")), "{case}: canonical after SOAP");
        let (code, iso, stderr) = translate(back, true, soap.as_bytes());
        assert_eq!(code, Some(0), "{case} soap:payglot → {back}: {stderr}");
        assert_contains(&iso, values, &format!("{case} back to {back}"));
    }
}

#[test]
fn iso_fixtures_to_soap_iso20022_and_back() {
    for (case, back, _, values) in ISO_CASES {
        let dir = fixtures().join("iso20022").join(case);
        let (code, soap, stderr) = translate("soap:iso20022", true, &read(&dir.join("input.xml")));
        assert_eq!(code, Some(0), "{case} → soap:iso20022: {stderr}");
        let namespace = format!("urn:iso:std:iso:20022:tech:xsd:{}", back.trim_start_matches("iso20022:"));
        assert_contains(&soap, &["http://schemas.xmlsoap.org/soap/envelope/", &namespace], case);
        assert_contains(&soap, values, case);
        let (code, iso, stderr) = translate(back, true, soap.as_bytes());
        assert_eq!(code, Some(0), "{case} soap:iso20022 → {back}: {stderr}");
        assert_contains(&iso, values, &format!("{case} back to {back}"));
    }
}

#[test]
fn rest_fixture_to_soap_payglot_and_back() {
    let dir = fixtures().join("rest/native/basic-payment");
    let (code, soap, stderr) = translate("soap:payglot", false, &read(&dir.join("input.json")));
    assert_eq!(code, Some(0), "rest → soap:payglot: {stderr}");
    assert_contains(
        &soap,
        &["<InitiatePaymentRequest", "<Amount>10.50</Amount>", "<Currency>EUR</Currency>", "INV-2024-001"],
        "soap:payglot",
    );
    assert_contains(&soap, &["<Iban>DE89370400440532013000</Iban>", "acc_123456"], "soap:payglot");
    // Strict mode into SOAP (nothing lost); back, the REST body is the fixture's exact encoding.
    let (code, rest, stderr) = translate("rest:native", true, soap.as_bytes());
    assert_eq!(code, Some(0), "soap:payglot → rest:native: {stderr}");
    assert_eq!(rest.as_bytes(), read(&dir.join("expected.json")), "REST after SOAP");
}

#[test]
fn rest_fixture_to_soap_iso20022_and_back() {
    // basic-payment gives no requested execution date, which pain.001 requires: refused, not invented.
    let basic = fixtures().join("rest/native/basic-payment/input.json");
    let (code, _, stderr) = translate("soap:iso20022", true, &read(&basic));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("requires a requested execution date"), "{stderr}");

    let dir = fixtures().join("rest/native/full-payment");
    let (code, soap, stderr) = translate("soap:iso20022", true, &read(&dir.join("input.json")));
    assert_eq!(code, Some(0), "rest → soap:iso20022: {stderr}");
    assert!(
        stderr.contains("metadata.customer_id") && stderr.contains("metadata.order_id"),
        "the metadata pain.001 cannot carry is listed: {stderr}"
    );
    assert_contains(
        &soap,
        &["urn:iso:std:iso:20022:tech:xsd:pain.001.001.09", "DE89370400440532013000", "1234.56", "PO-77812"],
        "soap:iso20022",
    );
    let (code, rest, stderr) = translate("rest:native", true, soap.as_bytes());
    assert_eq!(code, Some(0), "soap:iso20022 → rest:native: {stderr}");
    assert_contains(&rest, &["123456", "EUR", "DE89370400440532013000", "PO-77812"], "rest:native");
}

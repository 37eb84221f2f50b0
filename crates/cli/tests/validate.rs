//! `payglot validate` on ISO 20022 documents: every value-level violation is listed (rule,
//! path, line, column), a structural error ends the list, and the exit code is 1.

use std::path::Path;

use assert_cmd::Command;

fn payglot() -> Command {
    Command::cargo_bin("payglot").unwrap_or_else(|e| panic!("{e}"))
}

fn pacs008_fixture() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/iso20022/pacs.008.001.08/cbpr-with-apphdr/input.xml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn replace_once(doc: &str, from: &str, to: &str) -> String {
    assert_eq!(doc.matches(from).count(), 1, "fixture changed: {from}");
    doc.replacen(from, to, 1)
}

fn validate_stdin(doc: &str) -> (Option<i32>, Vec<String>) {
    let output = payglot().args(["validate", "-"]).write_stdin(doc).output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr.lines().map(str::to_owned).collect())
}

#[test]
fn three_bad_values_are_all_reported_in_document_order() {
    let valid = pacs008_fixture();
    let (code, lines) = validate_stdin(&valid);
    assert_eq!(code, Some(0), "{lines:?}");

    let doc = replace_once(&valid, r#"<pacs:IntrBkSttlmAmt Ccy="USD">"#, r#"<pacs:IntrBkSttlmAmt Ccy="usd">"#);
    let doc = replace_once(&doc, "<pacs:IntrBkSttlmDt>2024-06-10<", "<pacs:IntrBkSttlmDt>2024-02-30<");
    let doc = replace_once(&doc, "<pacs:XchgRate>1.09444<", "<pacs:XchgRate>1.094440000001<");
    let (code, lines) = validate_stdin(&doc);
    assert_eq!(code, Some(1), "{lines:?}");
    let errors: Vec<&String> = lines.iter().filter(|l| l.contains("error (")).collect();
    assert_eq!(errors.len(), 3, "{lines:?}");
    let expect = [
        ("pattern", "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt/@Ccy"),
        ("datatype", "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmDt"),
        ("fractionDigits", "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/XchgRate"),
    ];
    for (line, (rule, path)) in errors.iter().zip(expect) {
        assert!(line.starts_with("-: error (invalid): "), "{line}");
        assert!(line.contains(&format!(": {rule}: ")), "{rule} in {line}");
        assert!(line.contains(&format!(" at {path} ")), "{path} in {line}");
        assert!(line.contains("(line ") && line.contains(", column "), "{line}");
    }
    // Line numbers follow the document: Ccy and the date are on consecutive lines.
    assert!(errors[0].contains("(line 39, column 9)"), "{}", errors[0]);
    assert!(errors[1].contains("(line 40, column 9)"), "{}", errors[1]);
}

#[test]
fn a_structural_error_ends_the_list_after_the_values_before_it() {
    let valid = pacs008_fixture();
    let doc = replace_once(&valid, "<pacs:IntrBkSttlmDt>2024-06-10<", "<pacs:IntrBkSttlmDt>10/06/2024<");
    let doc = replace_once(&doc, "<pacs:ChrgBr>SHAR</pacs:ChrgBr>", "<pacs:ChrgBr>SHAR</pacs:ChrgBr><pacs:Surprise/>");
    let doc = doc.replace("<pacs:BICFI>COBADEFFXXX</pacs:BICFI>", "<pacs:BICFI>cobadeff</pacs:BICFI>");
    let (code, lines) = validate_stdin(&doc);
    assert_eq!(code, Some(1), "{lines:?}");
    let errors: Vec<&String> = lines.iter().filter(|l| l.contains("error (")).collect();
    assert_eq!(errors.len(), 2, "the BICs after the unexpected element are not reached: {lines:?}");
    assert!(errors[0].contains(": datatype: "), "{}", errors[0]);
    assert!(errors[1].contains(": unexpected-element: ") && errors[1].contains("Surprise"), "{}", errors[1]);
}

#[test]
fn an_unsupported_version_is_reported_not_crashed_on() {
    let doc = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.12"><FIToFICstmrCdtTrf/></Document>"#;
    let (code, lines) = validate_stdin(doc);
    assert_eq!(code, Some(1), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("unsupported version pacs.008.001.12")), "{lines:?}");
}

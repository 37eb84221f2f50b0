//! End-to-end tests of the `payglot` binary: outputs, diagnostics and exit codes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/canonical/json").join(case)
}

fn payglot() -> Command {
    Command::cargo_bin("payglot").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn translate_reproduces_canonical_fixtures_byte_for_byte() {
    for case in ["payment-initiation-sepa", "status-report-rejected", "statement-two-entries"] {
        let expected = std::fs::read(fixture(case).join("canonical.json")).unwrap_or_default();
        let output =
            payglot().args(["translate", "--to", "canonical:json"]).arg(fixture(case).join("input.json")).output();
        let output = output.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(output.status.code(), Some(0), "{case}: {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.stdout, expected, "{case}");
        assert!(output.stderr.is_empty(), "{case}: no losses expected");
    }
}

#[test]
fn rejected_inputs_exit_1_with_a_located_message() {
    let cases = [
        ("error-malformed", "line 2"),
        ("error-amount-as-number", "/message/statement/reports/0/entries/0/amount/amount (line 1, column 234)"),
        ("error-duplicate-key", "duplicate field `message_id` at /message/statement/header"),
        ("error-unknown-field", "unknown field `colour`"),
    ];
    for (case, needle) in cases {
        let output =
            payglot().args(["translate", "--to", "canonical:json"]).arg(fixture(case).join("input.json")).output();
        let output = output.unwrap_or_else(|e| panic!("{e}"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{case}: {stderr}");
        assert!(stderr.contains(needle), "{case}: {stderr}");
        assert!(output.stdout.is_empty(), "{case}: nothing on stdout");
    }
}

#[test]
fn ten_megabytes_of_nested_arrays_are_refused_at_the_depth_limit() {
    let deep = "[".repeat(10 << 20);
    let output = payglot().args(["translate", "--to", "canonical:json", "-"]).write_stdin(deep).output();
    let output = output.unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("nesting deeper than 64 levels (line 1, column 65)"), "{stderr}");
}

#[test]
fn input_over_the_size_limit_is_refused_without_reading_it_all() {
    let big = format!("{{\"canonical_version\": 1, \"pad\": \"{}\"}}", "x".repeat(17 << 20));
    let output = payglot().args(["translate", "--to", "canonical:json"]).write_stdin(big).output();
    let output = output.unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error (limit)"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let unknown = payglot()
        .args(["translate", "--to", "rest:nonexistent"])
        .arg(fixture("statement-two-entries/input.json"))
        .output();
    assert_eq!(unknown.ok().and_then(|o| o.status.code()), Some(2));
    let missing_to = payglot().args(["translate"]).output();
    assert_eq!(missing_to.ok().and_then(|o| o.status.code()), Some(2));
    let no_file = payglot().args(["translate", "--to", "canonical:json", "/nonexistent/file.json"]).output();
    assert_eq!(no_file.ok().and_then(|o| o.status.code()), Some(2));
}

#[test]
fn report_json_is_one_parseable_document() {
    let output = payglot()
        .args(["--report", "json", "translate", "--to", "canonical:json"])
        .arg(fixture("error-amount-as-number/input.json"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let report: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report["ok"], false);
    assert_eq!(report["errors"][0]["kind"], "invalid");
    assert_eq!(report["errors"][0]["path"], "/message/statement/reports/0/entries/0/amount/amount");
    assert_eq!(report["errors"][0]["line"], 1);
}

#[test]
fn detect_formats_and_validate() {
    let detect = payglot().arg("detect").arg(fixture("statement-two-entries/input.json")).output();
    let detect = detect.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(String::from_utf8_lossy(&detect.stdout), "canonical:json\n");

    let formats = payglot().arg("formats").output().unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&formats.stdout).lines().any(|l| l == "canonical:json"));

    let validate = payglot()
        .arg("validate")
        .arg(fixture("statement-two-entries/input.json"))
        .arg(fixture("error-bad-iban/input.json"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&validate.stderr);
    assert_eq!(validate.status.code(), Some(1));
    assert!(stderr.contains("DE89********3001") && !stderr.contains("DE89370400440532013001"), "{stderr}");
}

#[test]
fn no_input_makes_it_panic() {
    // A few inputs that have crashed JSON front ends elsewhere; none may exit 101.
    for input in ["", "\u{feff}{}", "{\"canonical_version\": 18446744073709551616}", "{\"a\":", "[", "\"\\ud800\""] {
        let output = payglot().args(["translate", "--to", "canonical:json"]).write_stdin(input).output();
        let code = output.ok().and_then(|o| o.status.code());
        assert_eq!(code, Some(1), "{input:?}");
    }
}

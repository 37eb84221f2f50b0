//! The service contract: the WSDL's operations, messages and bindings agree with the XSD and
//! with the codec; and what the codec writes validates with `xmllint --schema` against
//! `schemas/soap/payglot.xsd` (skipped, with a printed line, where xmllint is not installed).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use payglot_core_model::{Codec, DecodeLimits, EncodeOptions};
use payglot_soap::{Body, Fault, Operation, SoapPayglot, SoapVersion, parse_envelope};

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/soap")
}

fn read(name: &str) -> String {
    fs::read_to_string(schemas().join(name)).unwrap_or_default()
}

/// Values of `attr="..."` on elements whose name ends with `element`.
fn attr_values(xml: &str, element: &str, attr: &str) -> Vec<String> {
    let mut values = Vec::new();
    for tag in xml.split('<').skip(1) {
        let name = tag.split(|c: char| c.is_whitespace() || c == '>' || c == '/').next().unwrap_or("");
        if !(name == element || name.ends_with(&format!(":{element}"))) {
            continue;
        }
        let needle = format!(" {attr}=\"");
        if let Some(start) = tag.find(&needle) {
            let rest = &tag[start + needle.len()..];
            values.push(rest.split('"').next().unwrap_or("").to_owned());
        }
    }
    values
}

#[test]
fn wsdl_is_consistent_with_the_xsd_and_the_codec() {
    let wsdl = read("payglot.wsdl");
    let xsd = read("payglot.xsd");
    assert!(!wsdl.is_empty() && !xsd.is_empty(), "schemas missing");
    let xsd_elements = attr_values(&xsd, "element", "name");
    // Every message part names a global element of the XSD.
    let parts = attr_values(&wsdl, "part", "element");
    assert_eq!(parts.len(), 7, "{parts:?}");
    for part in &parts {
        let local = part.strip_prefix("pg:").unwrap_or(part);
        assert!(xsd_elements.iter().any(|e| e == local), "part element {part} is not in payglot.xsd");
    }
    // The port type has exactly the operations the codec knows, each with request and response.
    let mut operations = attr_values(&wsdl, "operation", "name");
    operations.sort();
    operations.dedup();
    let mut known: Vec<String> = Operation::ALL.iter().map(|o| o.name().to_owned()).collect();
    known.sort();
    assert_eq!(operations, known);
    for operation in Operation::ALL {
        for element in [operation.request_element(), operation.response_element()] {
            assert!(parts.contains(&format!("pg:{element}")), "{element} is not a message part");
        }
    }
    // Both bindings exist and each covers every operation with its action.
    assert!(wsdl.contains("<soap:binding style=\"document\""), "SOAP 1.1 binding");
    assert!(wsdl.contains("<soap12:binding style=\"document\""), "SOAP 1.2 binding");
    for prefix in ["soap", "soap12"] {
        let actions = attr_values(&wsdl, &format!("{prefix}:operation"), "soapAction");
        let expected: Vec<String> = Operation::ALL.iter().map(|o| o.action()).collect();
        assert_eq!(actions, expected, "{prefix} binding actions");
        let bodies = wsdl.matches(&format!("<{prefix}:body use=\"literal\"/>")).count();
        assert_eq!(bodies, 6, "{prefix}: input and output of every operation are literal");
    }
    assert_eq!(wsdl.matches("<soap:address").count(), 1);
    assert_eq!(wsdl.matches("<soap12:address").count(), 1);
}

fn xmllint_available() -> bool {
    Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// Validate documents against payglot.xsd; returns the failures.
pub(crate) fn xmllint(documents: &[(String, String)]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("payglot-soap-xmllint-{}", std::process::id()));
    let _ = fs::create_dir_all(&dir);
    let mut failures = Vec::new();
    for (i, (name, document)) in documents.iter().enumerate() {
        let path = dir.join(format!("{i}.xml"));
        if fs::write(&path, document).is_err() {
            failures.push(format!("{name}: cannot write temp file"));
            continue;
        }
        let output = Command::new("xmllint")
            .arg("--noout")
            .arg("--nonet")
            .arg("--schema")
            .arg(schemas().join("payglot.xsd"))
            .arg(&path)
            .output();
        match output {
            Ok(o) if o.status.success() => {}
            Ok(o) => failures.push(format!("{name}: {}\n{document}", String::from_utf8_lossy(&o.stderr))),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    let _ = fs::remove_dir_all(&dir);
    failures
}

#[test]
fn fixture_and_encoded_bodies_validate_against_the_xsd() {
    if !xmllint_available() {
        println!("SKIPPED: xmllint not installed (apt-get install libxml2-utils); XSD validation not run");
        return;
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/soap/payglot");
    let mut documents = Vec::new();
    let mut cases: Vec<PathBuf> =
        fs::read_dir(&fixtures).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    cases.sort();
    for case in cases {
        if case.join("error.txt").exists() && !case.join("input.xml").exists() {
            continue;
        }
        let input = fs::read(case.join("input.xml")).unwrap_or_default();
        let name = case.display().to_string();
        let Ok(message) = parse_envelope(&input, &DecodeLimits::default()) else { continue };
        let payload = match message.body {
            Body::Payload(p) if p.namespace.as_deref() == Some(payglot_soap::NS_PAYGLOT) => p,
            Body::Fault(fault) => {
                // Our own detail entries must validate too.
                if let Some(detail) = fault.payment {
                    let mut ours = Fault::new(fault.code.clone(), "x", SoapVersion::V1_2);
                    ours.payment = Some(detail);
                    let xml = ours.to_xml(SoapVersion::V1_2);
                    if let (Some(start), Some(end)) = (xml.find("<pg:PaymentFault"), xml.find("</pg:PaymentFault>")) {
                        documents.push((format!("{name} (fault detail)"), xml[start..end + 18].to_owned()));
                    }
                }
                continue;
            }
            Body::Payload(_) => continue,
        };
        // Only bodies the codec accepts (error fixtures may be invalid on purpose).
        if !case.join("error.txt").exists()
            || fs::read_to_string(case.join("error.txt")).unwrap_or_default().starts_with("unsupported")
        {
            documents.push((format!("{name} (input)"), payload.standalone.clone()));
        }
        if let Ok(decoded) = SoapPayglot::default().decode(&input, &DecodeLimits::default()) {
            for version in [SoapVersion::V1_1, SoapVersion::V1_2] {
                let encoded = SoapPayglot::new(version).encode(&decoded.message, &EncodeOptions::default());
                let Ok(encoded) = encoded else { continue };
                if let Ok(message) = parse_envelope(&encoded.bytes, &DecodeLimits::default())
                    && let Body::Payload(p) = message.body
                {
                    documents.push((format!("{name} (encoded {version:?})"), p.standalone));
                }
            }
        }
    }
    assert!(documents.len() >= 20, "too few documents: {}", documents.len());
    let failures = xmllint(&documents);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Freshness: `src/generated/` is what payglot-xsd-codegen makes of `schemas/soap/payglot.xsd`
/// today (the same configuration as `cargo xtask codegen`, `xtask/src/codegen_soap.rs`: small
/// optional structures inline). Fix with `cargo xtask codegen`.
#[test]
fn generated_body_types_are_fresh() {
    let files = payglot_xsd_codegen::Config::new()
        .features(false)
        .inline_optional_up_to(256)
        .generate_dir(&schemas())
        .unwrap_or_else(|e| panic!("payglot.xsd generates: {e}"));
    assert!(files.iter().any(|f| f.path == "payglot.rs"), "a module for payglot.xsd");
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated");
    let stale = payglot_xsd_codegen::check_files(&generated, &files);
    assert!(stale.is_empty(), "generated code is stale ({stale:?}): run `cargo xtask codegen` and commit");
    for file in &files {
        assert!(file.contents.starts_with("// @generated"), "{} is marked @generated", file.path);
    }
}

//! Agreement with an independent validator: for every corpus file whose Document version we
//! generate, our verdict equals `xmllint --noout --schema <xsd>` on the Document part, and for
//! invalid files the first violated rule is the same. AppHdr (head.001.001.02) is checked the
//! same way. Our own output must validate with xmllint too.
use crate::common;

use payglot_iso20022::generated::KNOWN_DOCUMENT_NAMESPACES;
use payglot_iso20022::{Limits, head_001_001_02, parse_any};

#[test]
fn verdicts_match_xmllint_on_the_corpus() {
    if std::process::Command::new("xmllint").arg("--version").output().is_err() {
        println!("skipped: xmllint not installed (apt-get install libxml2-utils)");
        return;
    }
    let files = common::corpus_files();
    if files.is_empty() {
        println!("skipped: ../shared/corpus/iso20022 not present");
        return;
    }
    let xsd_dir = common::shared().join("iso20022/xsd");
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for file in &files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(file).expect("corpus file");
        // Document part.
        if let Some((ns, doc)) = common::extract(&bytes, "Document")
            && KNOWN_DOCUMENT_NAMESPACES.contains(&ns.as_str())
        {
            let version = ns.trim_start_matches(payglot_iso20022::ISO_NS_PREFIX);
            let xsd = xsd_dir.join(format!("{version}.xsd"));
            let (lint_ok, lint_err) = common::xmllint(&xsd, &doc).expect("xmllint runs");
            let ours = parse_any(&bytes, &Limits::default());
            checked += 1;
            match (&ours, lint_ok) {
                (Ok(d), true) => {
                    let (ok, err) =
                        common::xmllint(&xsd, &d.to_xml().expect("a read document writes")).expect("xmllint runs");
                    if !ok {
                        disagreements.push(format!("{name}: our output is invalid for xmllint: {err}"));
                    }
                }
                (Err(e), false) => {
                    let want = common::xmllint_rule(&lint_err);
                    let got = e.rule().map(|r| r.as_str()).unwrap_or("");
                    if want != got {
                        disagreements.push(format!("{name}: rule {got} ({e}) but xmllint: {lint_err}"));
                    }
                }
                (Ok(_), false) => disagreements.push(format!("{name}: we accept, xmllint rejects: {lint_err}")),
                (Err(e), true) => disagreements.push(format!("{name}: we reject ({e}), xmllint accepts")),
            }
        }
        // AppHdr part.
        if let Some((ns, hdr)) = common::extract(&bytes, "AppHdr")
            && ns == head_001_001_02::NAMESPACE
        {
            let xsd = xsd_dir.join("head.001.001.02.xsd");
            let (lint_ok, lint_err) = common::xmllint(&xsd, &hdr).expect("xmllint runs");
            let ours = head_001_001_02::BusinessApplicationHeaderV02::from_xml(&bytes, &Limits::default());
            checked += 1;
            match (&ours, lint_ok) {
                (Ok(_), true) => {}
                (Err(e), false) => {
                    let want = common::xmllint_rule(&lint_err);
                    let got = e.rule().map(|r| r.as_str()).unwrap_or("");
                    if want != got {
                        disagreements.push(format!("{name} AppHdr: rule {got} ({e}) but xmllint: {lint_err}"));
                    }
                }
                (Ok(_), false) => disagreements.push(format!("{name} AppHdr: we accept, xmllint rejects: {lint_err}")),
                (Err(e), true) => disagreements.push(format!("{name} AppHdr: we reject ({e}), xmllint accepts")),
            }
        }
    }
    println!("checked {checked} parts against xmllint");
    assert!(checked >= 50, "expected the corpus to give at least 50 parts, got {checked}");
    assert!(disagreements.is_empty(), "disagreements with xmllint:\n{}", disagreements.join("\n"));
}

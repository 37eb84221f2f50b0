//! The `fixtures/soap/iso20022/` cases, checked at the SOAP layer with a recording fake inner
//! codec (the facade's runner checks them end to end with the real ISO 20022 codec): error
//! cases fail as `error.txt` says before reaching the inner codec, and every other case hands
//! the inner codec a well-formed ISO 20022 `Document` (for the Nordic case, the exact bytes of
//! the decompressed content).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::FakeIso;
use payglot_core_model::{Codec, DecodeLimits};
use payglot_soap::{SoapIso20022, SoapVersion};

#[test]
fn iso20022_fixtures_at_the_soap_layer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/soap/iso20022");
    let mut cases: Vec<PathBuf> =
        fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    cases.sort();
    assert!(cases.len() >= 8, "fixtures missing");
    let mut failures = Vec::new();
    for case in cases {
        let name = case.display().to_string();
        let fake = FakeIso::default();
        let codec = SoapIso20022::new(&fake, SoapVersion::V1_1);
        let input = fs::read(case.join("input.xml")).unwrap_or_default();
        let result = codec.decode(&input, &DecodeLimits::default());
        let seen = fake.last_input().map(|b| String::from_utf8_lossy(&b).into_owned());
        if let Ok(expected) = fs::read_to_string(case.join("error.txt")) {
            let mut lines = expected.lines();
            let kind = lines.next().unwrap_or_default();
            match &result {
                Err(e) if e.kind().as_str() == kind => {
                    let text = e.to_string();
                    for needle in lines {
                        if !text.contains(needle) {
                            failures.push(format!("{name}: {text:?} lacks {needle:?}"));
                        }
                    }
                }
                other => failures.push(format!("{name}: expected {kind}, got {other:?}")),
            }
            if seen.is_some() {
                failures.push(format!("{name}: an error case reached the inner codec"));
            }
            continue;
        }
        let Some(seen) = seen else {
            failures.push(format!("{name}: nothing reached the inner codec: {result:?}"));
            continue;
        };
        let root_ok = seen.starts_with("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">")
            || seen.starts_with("<doc:Document xmlns:doc=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">");
        if !root_ok || !seen.ends_with("Document>") {
            failures.push(format!("{name}: inner codec got {seen}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! Runs the conformance fixtures under `fixtures/soap/payglot/` against the `soap:payglot`
//! codec: decode `input.xml`, compare with `canonical.json` or `error.txt` and `losses.txt`,
//! then encode the canonical message again and decode that (both SOAP versions) to the same
//! message. (The facade's runner walks all families; this one keeps the crate honest alone.)

use std::fs;
use std::path::{Path, PathBuf};

use payglot_core_model::{CanonicalJson, Codec, DecodeLimits, EncodeOptions};
use payglot_soap::{SoapPayglot, SoapVersion};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/soap/payglot")
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures_dir())
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    cases.sort();
    cases
}

#[test]
fn payglot_fixtures() {
    let cases = cases();
    assert!(cases.len() >= 20, "fixtures missing: {}", cases.len());
    let bless = std::env::var_os("PAYGLOT_BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let input = fs::read(case.join("input.xml")).unwrap_or_default();
        let result = SoapPayglot::default().decode(&input, &DecodeLimits::default());
        if let Ok(expected) = fs::read_to_string(case.join("error.txt")) {
            let mut lines = expected.lines();
            let kind = lines.next().unwrap_or_default();
            match &result {
                Ok(_) => failures.push(format!("{name}: decoded, expected a {kind} error")),
                Err(error) => {
                    let text = error.to_string();
                    if error.kind().as_str() != kind {
                        failures
                            .push(format!("{name}: error kind {} ({text}), expected {kind}", error.kind().as_str()));
                    }
                    for needle in lines.filter(|l| !l.is_empty()) {
                        if !text.contains(needle) {
                            failures.push(format!("{name}: error {text:?} lacks {needle:?}"));
                        }
                    }
                }
            }
            continue;
        }
        let decoded = match result {
            Ok(decoded) => decoded,
            Err(error) => {
                failures.push(format!("{name}: {error}"));
                continue;
            }
        };
        let losses: Vec<String> = decoded.losses.iter().map(ToString::to_string).collect();
        let expected_losses: Vec<String> = fs::read_to_string(case.join("losses.txt"))
            .map(|t| t.lines().map(str::to_owned).collect())
            .unwrap_or_default();
        if losses != expected_losses {
            failures.push(format!("{name}: losses {losses:?}, expected {expected_losses:?}"));
        }
        let json = CanonicalJson.encode(&decoded.message, &EncodeOptions::default()).map(|e| e.bytes);
        let Ok(json) = json else {
            failures.push(format!("{name}: canonical encode failed"));
            continue;
        };
        if bless {
            let _ = fs::write(case.join("canonical.json"), &json);
        }
        let expected = fs::read(case.join("canonical.json")).unwrap_or_default();
        if json != expected {
            failures.push(format!("{name}: canonical.json differs:\n{}", String::from_utf8_lossy(&json)));
        }
        for version in [SoapVersion::V1_1, SoapVersion::V1_2] {
            let codec = SoapPayglot::new(version);
            let again = codec
                .encode(&decoded.message, &EncodeOptions::default())
                .map_err(|e| e.to_string())
                .and_then(|e| codec.decode(&e.bytes, &DecodeLimits::default()).map_err(|e| e.to_string()));
            if again.as_ref().map(|d| &d.message) != Ok(&decoded.message) {
                failures.push(format!("{name}: re-encoding in {version:?} did not round-trip: {again:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} fixture failure(s):\n{}", failures.len(), failures.join("\n"));
}

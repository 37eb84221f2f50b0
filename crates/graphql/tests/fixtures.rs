//! The conformance fixtures of `fixtures/graphql/`: each `input.json` decodes to its
//! `canonical.json` (with the losses of `losses.txt`, none when absent) or fails as
//! `error.txt` says; the canonical message encodes to `expected.json` where one exists, and
//! what the encoder writes decodes back to the same message.
//!
//! A case's `transport.txt` gives the transport context (message id, time) for bodies without
//! them. Set `PAYGLOT_BLESS=1` to write missing `canonical.json` files (check them by hand).

use std::path::{Path, PathBuf};

use payglot_core_model::{CanonicalJson, Codec, DateTime, DecodeLimits, EncodeOptions, MessageId, TransportContext};
use payglot_graphql::GraphqlCodec;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/graphql");
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "input.json") {
                found.push(dir.clone());
            }
        }
    }
    found.sort();
    found
}

/// The defaults, with the transport context of the case's `transport.txt` (`message-id: ...`,
/// `created: ...`) when it has one, as payglot's conformance runner reads it.
fn limits_for(case: &Path) -> DecodeLimits {
    let Some(text) = read(&case.join("transport.txt")) else { return DecodeLimits::default() };
    let field = |key: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(key).and_then(|rest| rest.strip_prefix(':')))
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let message_id = MessageId::new(field("message-id")).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
    let time = DateTime::parse(&field("created")).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
    DecodeLimits::default().with_transport(TransportContext { message_id, time })
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

#[test]
fn fixtures_decode_as_expected() {
    let cases = cases();
    assert!(cases.len() >= 6, "fixtures missing: {cases:?}");
    let bless = std::env::var_os("PAYGLOT_BLESS").is_some();
    for case in cases {
        let name = case.display().to_string();
        let input = std::fs::read(case.join("input.json")).unwrap_or_default();
        let result = GraphqlCodec.decode(&input, &limits_for(&case));
        if let Some(expected) = read(&case.join("error.txt")) {
            let mut lines = expected.lines();
            let kind = lines.next().unwrap_or_default();
            let error = match result {
                Ok(_) => panic!("{name}: decoded, expected a {kind} error"),
                Err(error) => error,
            };
            assert_eq!(error.kind().as_str(), kind, "{name}: {error}");
            for needle in lines.filter(|l| !l.is_empty()) {
                assert!(error.to_string().contains(needle), "{name}: {error:?} lacks {needle:?}");
            }
            continue;
        }
        let decoded = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        let losses: Vec<String> = decoded.losses.iter().map(ToString::to_string).collect();
        let expected_losses: Vec<String> =
            read(&case.join("losses.txt")).map(|t| t.lines().map(str::to_owned).collect()).unwrap_or_default();
        assert_eq!(losses, expected_losses, "{name}: losses");
        let canonical =
            CanonicalJson.encode(&decoded.message, &EncodeOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let canonical_text = String::from_utf8(canonical.bytes).unwrap_or_default();
        match read(&case.join("canonical.json")) {
            Some(expected) => assert_eq!(canonical_text, expected, "{name}: canonical.json"),
            None if bless => std::fs::write(case.join("canonical.json"), &canonical_text).unwrap_or_default(),
            None => panic!("{name}: canonical.json missing"),
        }
        let encoded =
            GraphqlCodec.encode(&decoded.message, &EncodeOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(encoded.losses.is_empty(), "{name}: encode losses {:?}", encoded.losses);
        if let Some(expected) = read(&case.join("expected.json")) {
            assert_eq!(String::from_utf8_lossy(&encoded.bytes), expected, "{name}: expected.json");
        }
        let again =
            GraphqlCodec.decode(&encoded.bytes, &DecodeLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again.message, decoded.message, "{name}: re-decoding our own output");
        assert!(again.losses.is_empty(), "{name}: {:?}", again.losses);
    }
}

//! The conformance runner: walks `fixtures/<family>/<name>/<case>/` and checks every case
//! against the codec registered for `<family>:<name>`. Adding a case is adding a folder.
//!
//! A case holds one `input.<ext>` and either
//! - `canonical.json`: what decoding the input must give (compared as a message, and the file
//!   itself must be in the encoder's canonical form), with optional `losses.txt` (one `Loss` per
//!   line; absent means lossless) and optional `expected.<ext>` (the exact bytes encoding
//!   `canonical.json` must give); or
//! - `error.txt`: decoding must fail; line 1 is the error kind, further lines are substrings the
//!   error (with its location) must contain.
//!
//! A case whose message the format can read but not write says so in `encode-error.txt`:
//! re-encoding must then fail with an error containing each of its lines.
//!
//! Bodies that carry no message id or creation time (Berlin Group, Open Banking) get them from a
//! `transport.txt` in the case folder or the format folder: `message-id: ...` and `created: ...`
//! lines, the CLI's `--message-id` and `--created`.
//!
//! Every decodable case is also re-encoded into its own format and decoded again: where the
//! encoder reports no loss, the round trip must give the same message.

use std::fs;
use std::path::{Path, PathBuf};

use payglot::model::{
    CanonicalJson, Codec, DateTime, DecodeLimits, EncodeOptions, Message, MessageId, TransportContext,
};
use payglot::{Format, Registry};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn file_with_stem(case: &Path, stem: &str) -> Option<PathBuf> {
    fs::read_dir(case)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_stem().is_some_and(|s| s == stem) && p.extension().is_some())
}

/// Fixture folders read by another decoder than the registered codec, so this runner cannot
/// check them: `rest:errors` holds provider error bodies, read by
/// `payglot_rest::errors::decode_error` in crates/rest/tests.
const CHECKED_BY_THEIR_CRATE: &[&str] = &["rest:errors"];

/// Every case as (format, case folder).
fn cases() -> Vec<(Format, PathBuf)> {
    let mut cases = Vec::new();
    for family in subdirs(&fixtures_root()) {
        for format_dir in subdirs(&family) {
            let id = format!("{}:{}", name(&family), name(&format_dir));
            if CHECKED_BY_THEIR_CRATE.contains(&id.as_str()) {
                continue;
            }
            let format = Format::parse(&id).unwrap_or_else(|e| panic!("fixture folder {id}: {e}"));
            cases.extend(subdirs(&format_dir).into_iter().map(|case| (format.clone(), case)));
        }
    }
    cases
}

fn decode_canonical(path: &Path) -> Result<Message, String> {
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    CanonicalJson.decode(&bytes, &DecodeLimits::default()).map(|d| d.message).map_err(|e| e.to_string())
}

/// The decode limits of a case: the defaults, with the transport context of `transport.txt`
/// (case folder first, then its format folder) when there is one.
fn limits_for(case: &Path) -> Result<DecodeLimits, String> {
    let folders = [Some(case), case.parent()];
    let Some(text) = folders.into_iter().flatten().find_map(|dir| fs::read_to_string(dir.join("transport.txt")).ok())
    else {
        return Ok(DecodeLimits::default());
    };
    let field = |key: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(key).and_then(|rest| rest.strip_prefix(':')))
            .map(str::trim)
            .ok_or_else(|| format!("transport.txt has no {key:?} line"))
    };
    let message_id = MessageId::new(field("message-id")?).map_err(|e| e.to_string())?;
    let time = DateTime::parse(field("created")?).map_err(|e| e.to_string())?;
    Ok(DecodeLimits::default().with_transport(TransportContext { message_id, time }))
}

fn check_case(registry: &Registry, format: &Format, case: &Path) -> Result<(), String> {
    let codec = registry.get(format).ok_or_else(|| format!("no codec registered for {format}"))?;
    let input_path = file_with_stem(case, "input").ok_or("no input.* file")?;
    let input = fs::read(&input_path).map_err(|e| e.to_string())?;
    let limits = limits_for(case)?;
    let decoded = codec.decode(&input, &limits);

    if let Ok(expected_error) = fs::read_to_string(case.join("error.txt")) {
        let mut lines = expected_error.lines();
        let kind = lines.next().unwrap_or_default().trim();
        let error = match decoded {
            Ok(_) => return Err(format!("decoded, but error.txt expects a {kind} error")),
            Err(error) => error,
        };
        if error.kind().as_str() != kind {
            return Err(format!("error kind {} (expected {kind}): {error}", error.kind().as_str()));
        }
        return contains_all(&error.to_string(), lines);
    }

    let decoded = decoded.map_err(|e| format!("decode failed: {e}"))?;
    let canonical_path = case.join("canonical.json");
    let expected = decode_canonical(&canonical_path).map_err(|e| format!("canonical.json: {e}"))?;
    if decoded.message != expected {
        let got =
            CanonicalJson.encode(&decoded.message, &EncodeOptions::default()).map(|e| e.bytes).unwrap_or_default();
        return Err(format!(
            "decoded message differs from canonical.json; decoded:\n{}",
            String::from_utf8_lossy(&got)
        ));
    }
    let canonical_bytes = fs::read(&canonical_path).map_err(|e| e.to_string())?;
    let reencoded = CanonicalJson.encode(&expected, &EncodeOptions::default()).map_err(|e| e.to_string())?;
    if reencoded.bytes != canonical_bytes {
        return Err(
            "canonical.json is not in canonical form (run it through `payglot translate --to canonical:json`)".into()
        );
    }

    let expected_losses: Vec<String> = fs::read_to_string(case.join("losses.txt"))
        .map(|t| t.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    let losses: Vec<String> = decoded.losses.iter().map(ToString::to_string).collect();
    if losses != expected_losses {
        return Err(format!("decode losses {losses:#?} differ from losses.txt {expected_losses:#?}"));
    }

    let encoded = codec.encode(&decoded.message, &EncodeOptions::lossy());
    if let Ok(expected_error) = fs::read_to_string(case.join("encode-error.txt")) {
        return match encoded {
            Ok(_) => Err("re-encoded, but encode-error.txt expects the encoder to refuse".into()),
            Err(error) => contains_all(&error.to_string(), expected_error.lines()),
        };
    }
    let encoded = encoded.map_err(|e| format!("re-encode: {e}"))?;
    if let Some(expected_path) = file_with_stem(case, "expected") {
        let expected_bytes = fs::read(&expected_path).map_err(|e| e.to_string())?;
        if encoded.bytes != expected_bytes {
            return Err(format!(
                "encoding differs from {}; got:\n{}",
                name(&expected_path),
                String::from_utf8_lossy(&encoded.bytes)
            ));
        }
    }
    if encoded.losses.is_empty() {
        let again = codec.decode(&encoded.bytes, &limits).map_err(|e| format!("decode of re-encoded: {e}"))?;
        if again.message != decoded.message {
            return Err("re-encoding and decoding again changed the message".into());
        }
    }
    Ok(())
}

/// Ok when `text` contains every non-empty line of `needles`.
fn contains_all<'a>(text: &str, needles: impl Iterator<Item = &'a str>) -> Result<(), String> {
    for needle in needles.map(str::trim).filter(|l| !l.is_empty()) {
        if !text.contains(needle) {
            return Err(format!("error {text:?} does not contain {needle:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_fixture_case_conforms() {
    let registry = Registry::standard();
    let cases = cases();
    assert!(!cases.is_empty(), "no fixtures found under {}", fixtures_root().display());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(format, case)| {
            check_case(&registry, format, case).err().map(|e| format!("{format} {}: {e}", name(case)))
        })
        .collect();
    println!("conformance: {} cases, {} failed", cases.len(), failures.len());
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

#[test]
fn every_registered_format_has_fixtures() {
    let registry = Registry::standard();
    let mut covered: Vec<Format> = cases().into_iter().map(|(format, _)| format).collect();
    covered.extend(CHECKED_BY_THEIR_CRATE.iter().filter_map(|id| Format::parse(id).ok()));
    let missing: Vec<String> = registry.formats().filter(|f| !covered.contains(f)).map(|f| f.to_string()).collect();
    assert!(missing.is_empty(), "formats without conformance fixtures: {missing:?}");
}

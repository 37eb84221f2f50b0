//! Replays every seed of every cargo-fuzz target (`fuzz/corpus/<target>/*`) on stable, through
//! the same checks the targets make, so `cargo test` keeps found crashes fixed without nightly.

use std::fs;
use std::path::{Path, PathBuf};

use payglot::model::{CanonicalJson, Codec, DecodeLimits, EncodeOptions};

/// What each fuzz target checks, keyed by target name. A corpus folder without an entry here
/// fails the test, so a new target cannot go unreplayed.
type Check = fn(&[u8]) -> Result<(), String>;

fn target(name: &str) -> Option<Check> {
    match name {
        "canonical_json" => Some(canonical_json),
        "detect" => Some(detect),
        "iso20022" => Some(iso20022),
        _ => None,
    }
}

fn canonical_json(data: &[u8]) -> Result<(), String> {
    let limits = DecodeLimits::default();
    if let Ok(decoded) = CanonicalJson.decode(data, &limits) {
        let encoded = CanonicalJson.encode(&decoded.message, &EncodeOptions::default()).map_err(|e| e.to_string())?;
        let again = CanonicalJson.decode(&encoded.bytes, &limits).map_err(|e| e.to_string())?;
        if again.message != decoded.message {
            return Err("encode → decode changed the message".into());
        }
    }
    Ok(())
}

fn detect(data: &[u8]) -> Result<(), String> {
    let _ = payglot::detect(data, &DecodeLimits::default());
    Ok(())
}

fn iso20022(data: &[u8]) -> Result<(), String> {
    let registry = payglot::Registry::standard();
    let limits = DecodeLimits::default();
    let Ok(format) = payglot::detect(data, &limits) else { return Ok(()) };
    let Some(codec) = registry.get(&format) else { return Ok(()) };
    if let Ok(decoded) = codec.decode(data, &limits)
        && let Ok(encoded) = codec.encode(&decoded.message, &EncodeOptions::lossy())
    {
        let again =
            codec.decode(&encoded.bytes, &limits).map_err(|e| format!("our own output does not decode: {e}"))?;
        if encoded.losses.is_empty() && decoded.losses.is_empty() && again.message != decoded.message {
            return Err("encode → decode changed the message".into());
        }
    }
    Ok(())
}

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus")
}

#[test]
fn every_fuzz_seed_replays_cleanly() {
    let mut replayed = 0;
    let mut failures = Vec::new();
    let mut dirs: Vec<PathBuf> =
        fs::read_dir(corpus_root()).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    dirs.sort();
    assert!(!dirs.is_empty(), "no fuzz corpora found");
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let check = target(&name).unwrap_or_else(|| panic!("fuzz corpus {name} has no replay entry in fuzz_seeds.rs"));
        for seed in fs::read_dir(dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>())
            .unwrap_or_default()
        {
            let data = fs::read(&seed).unwrap_or_default();
            let outcome = std::panic::catch_unwind(|| check(&data));
            replayed += 1;
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(format!("{}: {e}", seed.display())),
                Err(_) => failures.push(format!("{}: panicked", seed.display())),
            }
        }
    }
    println!("replayed {replayed} fuzz seeds");
    assert!(replayed > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

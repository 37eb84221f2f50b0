//! Replays every seed of every cargo-fuzz target (`fuzz/corpus/<target>/*`) on stable, through
//! the same checks the targets make, so `cargo test` keeps found crashes fixed without nightly.

use std::fs;
use std::path::{Path, PathBuf};

fn check(target: &str, data: &[u8]) -> Result<(), String> {
    payglot::fuzz::check(target, data).unwrap_or_else(|| Err(format!("no fuzz target named {target}")))
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
        assert!(payglot::fuzz::TARGETS.contains(&name.as_str()), "fuzz corpus {name} is not a fuzz target");
        for seed in fs::read_dir(dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>())
            .unwrap_or_default()
        {
            let data = fs::read(&seed).unwrap_or_default();
            let outcome = std::panic::catch_unwind(|| check(&name, &data));
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

/// `payglot::fuzz::TARGETS`, `fuzz/fuzz_targets/*.rs`, the `[[bin]]` entries of
/// `fuzz/Cargo.toml` and the seed corpora name the same targets.
#[test]
fn every_fuzz_target_is_declared_and_seeded() {
    let fuzz = corpus_root().join("..");
    let mut files: Vec<String> = fs::read_dir(fuzz.join("fuzz_targets"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    assert_eq!(files, payglot::fuzz::TARGETS, "fuzz/fuzz_targets/ and payglot::fuzz::TARGETS differ");
    let manifest = fs::read_to_string(fuzz.join("Cargo.toml")).unwrap_or_default();
    for target in payglot::fuzz::TARGETS {
        assert!(manifest.contains(&format!("name = \"{target}\"")), "fuzz/Cargo.toml has no [[bin]] {target}");
        let seeds = fs::read_dir(corpus_root().join(target)).map(|d| d.count()).unwrap_or(0);
        assert!(seeds > 0, "fuzz/corpus/{target} has no seeds");
    }
}

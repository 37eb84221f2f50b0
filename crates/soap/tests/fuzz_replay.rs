//! Replays the envelope fuzz entry point (`payglot_soap::fuzz_envelope`) on stable: every
//! fixture input, every prefix of a few of them, and byte-level mutations. Nothing may panic.

use std::fs;
use std::path::{Path, PathBuf};

fn inputs() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/soap");
    let mut files: Vec<PathBuf> = Vec::new();
    for family in ["payglot", "iso20022"] {
        if let Ok(dir) = fs::read_dir(root.join(family)) {
            files.extend(dir.filter_map(|e| e.ok().map(|e| e.path().join("input.xml"))));
        }
    }
    files.sort();
    files.iter().filter_map(|f| fs::read(f).ok()).collect()
}

#[test]
fn fuzz_entry_point_survives_fixtures_and_mutations() {
    let inputs = inputs();
    assert!(inputs.len() >= 30, "seed inputs missing");
    // A small deterministic generator: no dependency needed for replay.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for input in &inputs {
        payglot_soap::fuzz_envelope(input);
        if input.len() < 8_000 {
            for cut in (0..input.len()).step_by(37) {
                payglot_soap::fuzz_envelope(input.get(..cut).unwrap_or_default());
            }
        }
        for _ in 0..40 {
            let mut mutated = input.clone();
            for _ in 0..1 + next() % 4 {
                let len = mutated.len().max(1) as u64;
                let at = usize::try_from(next() % len).unwrap_or(0);
                let alphabet = b"<>/&;:\"'=x \x00\xff";
                let byte =
                    alphabet.get(usize::try_from(next() % alphabet.len() as u64).unwrap_or(0)).copied().unwrap_or(b'x');
                match next() % 3 {
                    0 => {
                        if let Some(b) = mutated.get_mut(at) {
                            *b = byte;
                        }
                    }
                    1 => mutated.insert(at.min(mutated.len()), byte),
                    _ => {
                        if at < mutated.len() {
                            mutated.remove(at);
                        }
                    }
                }
            }
            payglot_soap::fuzz_envelope(&mutated);
        }
    }
}

//! `cargo xtask fuzz-smoke [SECONDS]`: run every cargo-fuzz target for a bounded time on nightly.
//!
//! Prints a line and succeeds without fuzzing when no nightly toolchain is installed (CI on a
//! stable-only machine), or when the machine cannot install cargo-fuzz or build the targets
//! (said loudly); installs cargo-fuzz when nightly is there but cargo-fuzz is not. A target that
//! crashes fails the run, with its input under `fuzz/artifacts/<target>/`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

/// Run the smoke fuzz: each target for `seconds`.
pub(crate) fn smoke(root: &Path, seconds: u64) -> anyhow::Result<()> {
    if !has_nightly() {
        println!("fuzz-smoke: no nightly toolchain installed; skipping fuzzing (seeds are replayed by cargo test)");
        return Ok(());
    }
    if !Command::new("cargo").args(["+nightly", "fuzz", "--version"]).output().is_ok_and(|o| o.status.success()) {
        println!("fuzz-smoke: installing cargo-fuzz");
        let status = Command::new("cargo").args(["install", "--locked", "cargo-fuzz"]).status()?;
        if !status.success() {
            // The machine, not our code: say so loudly, but only a crash fails the smoke run.
            println!("fuzz-smoke: SKIPPED, `cargo install cargo-fuzz` failed on this machine");
            return Ok(());
        }
    }
    let fuzz_dir = root.join("fuzz");
    // Build every target first, so that a toolchain problem (a nightly that cannot build the
    // dependency graph) is told apart from a target that finds a crash.
    let built = Command::new("cargo")
        .current_dir(&fuzz_dir)
        .args(["+nightly", "fuzz", "build", "--sanitizer", "none", "--dev"])
        .status()
        .context("building the fuzz targets")?;
    if !built.success() {
        println!("fuzz-smoke: SKIPPED, the nightly toolchain could not build the fuzz targets (see above)");
        return Ok(());
    }
    for target in targets(&fuzz_dir)? {
        println!("fuzz-smoke: {target} for {seconds} s");
        let corpus = fuzz_dir.join("corpus").join(&target);
        std::fs::create_dir_all(&corpus)?;
        let mut command = Command::new("cargo");
        // No sanitizer: the workspace forbids `unsafe`, so AddressSanitizer would mostly slow the
        // build; a dev build (overflow checks and debug assertions on) compiles several times
        // faster than cargo-fuzz's default release + codegen-units=1, which matters more for a
        // bounded smoke run in CI than executions per second.
        command
            .current_dir(&fuzz_dir)
            .args(["+nightly", "fuzz", "run", "--sanitizer", "none", "--dev", &target])
            .arg(&corpus);
        let shared = root.join("../shared/corpus/iso20022");
        if target.starts_with("iso20022") && shared.is_dir() {
            // Read-only extra seeds: libFuzzer writes new inputs only to the first directory.
            command.arg(&shared);
        }
        command.args(["--", &format!("-max_total_time={seconds}"), "-rss_limit_mb=2048"]);
        let status = command.status().with_context(|| format!("running fuzz target {target}"))?;
        if !status.success() {
            bail!("fuzz target {target} failed: see the crash input under fuzz/artifacts/{target}/");
        }
    }
    Ok(())
}

fn has_nightly() -> bool {
    Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.starts_with("nightly")))
}

fn targets(fuzz_dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(fuzz_dir.join("fuzz_targets"))?
        .filter_map(Result::ok)
        .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    Ok(names)
}

//! `cargo xtask codegen` (SOAP part): regenerate `crates/soap/src/generated/` from payglot's
//! own SOAP service schema `schemas/soap/payglot.xsd` with payglot-xsd-codegen.
use anyhow::{Context, Result, bail};
use std::path::Path;

/// Optional structures of payglot.xsd estimated at most this many bytes are held inline rather
/// than boxed: an allocation saved per present one (7 per transfer of the bench's request);
/// 512 saved 4 more but copied 10 KB more per transfer. The freshness test
/// (`crates/soap/tests/contract.rs`) uses the same value.
const INLINE_OPTIONAL_MAX: usize = 256;

/// The generator's configuration for payglot.xsd: no cargo features (one schema, always on),
/// small optional structures inline.
fn config() -> payglot_xsd_codegen::Config {
    payglot_xsd_codegen::Config::new().features(false).inline_optional_up_to(INLINE_OPTIONAL_MAX)
}

/// Regenerate; `root` is the repository root.
pub(crate) fn run(root: &Path) -> Result<()> {
    let files = config().generate_dir(&root.join("schemas/soap")).context("generating payglot.xsd types")?;
    let out = root.join("crates/soap/src/generated");
    payglot_xsd_codegen::write_files(&out, &files).context("writing generated files")?;
    println!("codegen: wrote {} files to {}", files.len(), out.display());
    Ok(())
}

/// Fail when `crates/soap/src/generated/` differs from the generator's output.
pub(crate) fn check(root: &Path) -> Result<()> {
    let files = config().generate_dir(&root.join("schemas/soap"))?;
    let stale = payglot_xsd_codegen::check_files(&root.join("crates/soap/src/generated"), &files);
    if !stale.is_empty() {
        bail!("SOAP generated code is stale ({stale:?}): run `cargo xtask codegen`");
    }
    Ok(())
}

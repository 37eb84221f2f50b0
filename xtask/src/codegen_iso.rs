//! `cargo xtask codegen` (ISO 20022 part): regenerate `crates/iso20022/src/generated/` from the
//! official XSDs in `../shared/iso20022/xsd/` with payglot-xsd-codegen.
use anyhow::{Context, Result, bail};
use std::path::Path;

/// Regenerate; `root` is the repository root.
pub(crate) fn run(root: &Path) -> Result<()> {
    let xsd = root.join("../shared/iso20022/xsd");
    if !xsd.is_dir() {
        bail!("{} not found: the official XSDs are needed to generate (see schemas/iso20022/MANIFEST)", xsd.display());
    }
    let files = payglot_xsd_codegen::Config::iso20022().generate_dir(&xsd).context("generating ISO 20022 types")?;
    let out = root.join("crates/iso20022/src/generated");
    payglot_xsd_codegen::write_files(&out, &files).context("writing generated files")?;
    println!("codegen: wrote {} files to {}", files.len(), out.display());
    Ok(())
}

/// Fail when `crates/iso20022/src/generated/` differs from the generator's output.
pub(crate) fn check(root: &Path) -> Result<()> {
    let xsd = root.join("../shared/iso20022/xsd");
    if !xsd.is_dir() {
        println!("codegen --check: {} not found; ISO 20022 types not checked", xsd.display());
        return Ok(());
    }
    let files = payglot_xsd_codegen::Config::iso20022().generate_dir(&xsd)?;
    let stale = payglot_xsd_codegen::check_files(&root.join("crates/iso20022/src/generated"), &files);
    if !stale.is_empty() {
        bail!("ISO 20022 generated code is stale ({stale:?}): run `cargo xtask codegen`");
    }
    Ok(())
}

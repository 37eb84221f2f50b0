//! Freshness: regenerate from `../shared/iso20022/xsd/` (when present) and fail if the
//! committed `src/generated/` differs. Fix with `cargo xtask codegen`.
use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let xsd = root.join("../../../shared/iso20022/xsd");
    if !xsd.is_dir() {
        println!("skipped: {} not present", xsd.display());
        return;
    }
    let files = payglot_xsd_codegen::Config::iso20022().generate_dir(&xsd).expect("the official XSDs generate");
    let stale = payglot_xsd_codegen::check_files(&root.join("src/generated"), &files);
    assert!(stale.is_empty(), "generated code is stale ({stale:?}): run `cargo xtask codegen` and commit");
}

#[test]
fn manifest_names_every_schema_with_its_sha256() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("../../schemas/iso20022/MANIFEST")).expect("MANIFEST");
    let xsd = root.join("../../../shared/iso20022/xsd");
    let Ok(inputs) = payglot_xsd_codegen::read_xsd_dir(&xsd) else {
        println!("skipped: {} not present", xsd.display());
        return;
    };
    assert_eq!(inputs.len(), 12);
    for (name, bytes) in inputs {
        let line = format!("{name}  {}", payglot_xsd_codegen::sha256_hex(&bytes));
        assert!(manifest.lines().any(|l| l.starts_with(&line)), "MANIFEST lacks `{line}`");
    }
}

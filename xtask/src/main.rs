//! Project automation: `cargo xtask codegen [--check]` (more commands being written).
mod codegen_iso;

use anyhow::{Result, bail};
use std::path::PathBuf;

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => codegen_iso::run(&root),
        ["codegen", "--check"] => codegen_iso::check(&root),
        _ => bail!("usage: cargo xtask codegen [--check] (got {args:?})"),
    }
}

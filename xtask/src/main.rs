//! Project automation: `cargo xtask codegen` (more commands being written).
mod codegen_iso;

use anyhow::{Result, bail};
use std::path::PathBuf;

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen_iso::run(&root),
        other => bail!("unknown command {other:?}; usage: cargo xtask codegen"),
    }
}

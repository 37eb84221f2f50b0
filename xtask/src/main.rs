//! Project automation, run as `cargo xtask <command>`: a tiny dispatcher over `std::env::args`.
//!
//! - `codegen`: regenerate committed code (the ISO external code sets, see [`codesets`]).
//! - `codegen --check`: fail when committed generated code differs from the generator's output.
//! - `sdl`: write the GraphQL schema's SDL to `schemas/graphql/schema.graphql` (see [`sdl`]).

mod codesets;
mod sdl;
mod sha256;

use std::path::{Path, PathBuf};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["codegen"] => codesets::run(&root),
        ["codegen", "--check"] => {
            let files = codesets::generate(&root.join(codesets::DEFAULT_INPUT_DIR))?;
            codesets::check(&root, &files)
        }
        ["sdl"] => sdl::run(&root),
        _ => anyhow::bail!("usage: cargo xtask codegen [--check] | sdl (got {args:?})"),
    }
}

/// The workspace root: the parent of xtask's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

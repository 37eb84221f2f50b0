//! Project automation, run as `cargo xtask <command>`: a tiny dispatcher over `std::env::args`.
//!
//! - `codegen`: regenerate committed code: the ISO external code sets ([`codesets`]) and the
//!   ISO 20022 message types from the official XSDs ([`codegen_iso`]), and the body types of
//!   payglot's SOAP service from `schemas/soap/payglot.xsd` ([`codegen_soap`]).
//! - `codegen --check`: fail when committed generated code differs from the generator's output.
//! - `fuzz-smoke [SECONDS]`: run every cargo-fuzz target for a bounded time (nightly only).
//! - `sdl`: write the GraphQL schema's SDL to `schemas/graphql/schema.graphql` (see [`sdl`]).
//! - `bench-data [--size 1G] [--out FILE]`: write a large camt.053.001.08 statement for the
//!   streaming benchmarks (see [`bench_data`]).
//! - `bench-ratios`: the issues' performance budgets, read from the last criterion results
//!   (see [`bench_ratios`]).
//! - `bench-rounds [ROUNDS] [ISSUE...]`: run the budgets' benches ROUNDS times and judge each
//!   budget by its ratio of minimum medians and its median ratio (see [`bench_rounds`]).

mod bench_data;
mod bench_ratios;
mod bench_rounds;
mod codegen_iso;
mod codegen_soap;
mod codesets;
mod fuzz;
mod sdl;
mod sha256;
mod tidy;

use std::path::{Path, PathBuf};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["codegen"] => {
            codesets::run(&root)?;
            codegen_iso::run(&root)?;
            codegen_soap::run(&root)
        }
        ["codegen", "--check"] => {
            let files = codesets::generate(&root.join(codesets::DEFAULT_INPUT_DIR))?;
            codesets::check(&root, &files)?;
            codegen_iso::check(&root)?;
            codegen_soap::check(&root)
        }
        ["fuzz-smoke"] => fuzz::smoke(&root, 20),
        ["fuzz-smoke", seconds] => fuzz::smoke(&root, seconds.parse()?),
        ["sdl"] => sdl::run(&root),
        ["bench-data", rest @ ..] => bench_data::run(&root, rest),
        ["bench-ratios"] => bench_ratios::run(&root),
        ["bench-rounds", rest @ ..] => bench_rounds::run(&root, rest),
        _ => anyhow::bail!(
            "usage: cargo xtask codegen [--check] | fuzz-smoke [SECONDS] | sdl | bench-data [--size 1G] [--out FILE] | bench-ratios | bench-rounds [ROUNDS] [ISSUE...] (got {args:?})"
        ),
    }
}

/// The workspace root: the parent of xtask's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

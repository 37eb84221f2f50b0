//! The `payglot` binary: parses the command line, runs one command, maps the outcome to an exit code.
//!
//! Exit codes (also in `--help` and README): 0 success; 1 input rejected (malformed, invalid,
//! limit exceeded, unsupported); 2 usage error (bad flags, unknown format, unreadable file);
//! 3 translation refused in strict mode because values would be lost.

mod args;
mod commands;
mod report;
mod stream;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let code = commands::run(cli);
    ExitCode::from(code as u8)
}

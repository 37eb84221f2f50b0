//! The `payglot-xsd-codegen` binary:
//! `payglot-xsd-codegen [--no-features] <xsd-dir> <out-dir> [runtime-path]`
//! (`--no-features`: no cargo feature per schema, as for a crate holding one schema).
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let no_features = args.first().is_some_and(|a| a == "--no-features");
    if no_features {
        args.remove(0);
    }
    let (Some(xsd), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: payglot-xsd-codegen [--no-features] <xsd-dir> <out-dir> [runtime-path]");
        return ExitCode::from(2);
    };
    let mut config = payglot_xsd_codegen::Config::new().features(!no_features);
    if let Some(rt) = args.get(2) {
        config = config.runtime(rt);
    }
    match config.generate_dir(Path::new(xsd)).and_then(|files| payglot_xsd_codegen::write_files(Path::new(out), &files))
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

//! The `payglot-xsd-codegen` binary: `payglot-xsd-codegen <xsd-dir> <out-dir> [runtime-path]`.
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(xsd), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: payglot-xsd-codegen <xsd-dir> <out-dir> [runtime-path]");
        return ExitCode::from(2);
    };
    let mut config = payglot_xsd_codegen::Config::new();
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

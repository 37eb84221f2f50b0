//! payglot-xsd-codegen: XSD → intermediate representation → Rust source, in the manner of
//! prost-build. Stages are joined by plain data and each runs without I/O:
//!
//! 1. [`parse::parse`]: XSD bytes → element tree ([`parse::Node`]);
//! 2. [`lower::lower`]: tree → [`ir::Schema`] (references resolved, facets collected, recursion boxed);
//! 3. [`emit::emit`]: schemas → Rust source per file (types identical across schemas shared);
//! 4. [`format_source`]: source → deterministic formatted text (prettyplease);
//! 5. [`write_files`] / [`check_files`]: the only I/O, used by `cargo xtask codegen` and the
//!    freshness test.
//!
//! ```no_run
//! let files = payglot_xsd_codegen::Config::new()
//!     .generate_dir(std::path::Path::new("../shared/iso20022/xsd"))?;
//! payglot_xsd_codegen::write_files(std::path::Path::new("crates/iso20022/src/generated"), &files)?;
//! # Ok::<(), payglot_xsd_codegen::Error>(())
//! ```
pub mod emit;
pub mod ir;
pub mod lower;
pub mod names;
pub mod parse;

use sha2::{Digest, Sha256};
use std::path::Path;

/// The runtime path generated code uses unless [`Config::runtime`] says otherwise: the
/// `payglot-xsd-runtime` crate, which the generated crate must depend on.
pub const DEFAULT_RUNTIME: &str = "::payglot_xsd_runtime";

/// A generator error (unsupported construct, malformed schema, I/O).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

impl Error {
    /// An error with this message.
    pub fn new(msg: impl Into<String>) -> Self {
        Error(msg.into())
    }
}

/// One generated, formatted file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the output directory.
    pub path: String,
    /// Exact bytes to commit.
    pub contents: String,
}

/// Generator configuration (builder).
#[derive(Debug, Clone)]
pub struct Config {
    runtime: String,
    features: bool,
    inline_optional_max: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Config {
    /// Defaults: runtime [`DEFAULT_RUNTIME`], one cargo feature per schema.
    pub fn new() -> Self {
        Config { runtime: DEFAULT_RUNTIME.into(), features: true, inline_optional_max: 0 }
    }

    /// The configuration `payglot-iso20022`'s types are generated with (by `cargo xtask
    /// codegen`, and by its freshness test): one feature per schema, and optional structures
    /// of at most 128 estimated bytes inline (an allocation saved per present one, a few
    /// dozen bytes per absent one; measured in BENCHMARKS.md, issue 3, session 12).
    pub fn iso20022() -> Self {
        Self::new().inline_optional_up_to(128)
    }

    /// Path of the runtime crate (or module) as seen from generated code; generated files
    /// start with `use <path> as rt;`. Default [`DEFAULT_RUNTIME`].
    pub fn runtime(mut self, path: &str) -> Self {
        self.runtime = path.into();
        self
    }

    /// Gate each schema module behind a cargo feature named like the module.
    pub fn features(mut self, on: bool) -> Self {
        self.features = on;
        self
    }

    /// Hold an optional structure inline (`Option<T>`) rather than boxed when its estimated
    /// size is at most `bytes` (0, the default: box every optional structure). Saves an
    /// allocation per present one; costs its size when absent, and moves of larger values.
    pub fn inline_optional_up_to(mut self, bytes: usize) -> Self {
        self.inline_optional_max = bytes;
        self
    }

    /// Lower one schema (parse + lower), no I/O.
    pub fn lower(&self, file: &str, bytes: &[u8]) -> Result<ir::Schema, Error> {
        let root = parse::parse(bytes).map_err(|e| Error::new(format!("{file}: {e}")))?;
        lower::lower(&root, file, &sha256_hex(bytes)).map_err(|e| Error::new(format!("{file}: {e}")))
    }

    /// Generate formatted files from (file name, XSD bytes) pairs, no I/O. Input order does not
    /// matter: schemas are sorted by file name.
    pub fn generate(&self, inputs: &[(String, Vec<u8>)]) -> Result<Vec<GeneratedFile>, Error> {
        let mut inputs: Vec<&(String, Vec<u8>)> = inputs.iter().collect();
        inputs.sort_by(|a, b| a.0.cmp(&b.0));
        let schemas: Result<Vec<ir::Schema>, Error> = inputs.iter().map(|(f, b)| self.lower(f, b)).collect();
        let opts = emit::EmitOptions {
            runtime: self.runtime.clone(),
            features: self.features,
            inline_optional_max: self.inline_optional_max,
        };
        emit::emit(&schemas?, &opts)?
            .into_iter()
            .map(|f| {
                let body = format_source(&f.source).map_err(|e| Error::new(format!("{}: {e}", f.path)))?;
                Ok(GeneratedFile { path: f.path, contents: format!("{}{}", f.header, body) })
            })
            .collect()
    }

    /// Read every `*.xsd` in `dir` and [`generate`](Self::generate).
    pub fn generate_dir(&self, dir: &Path) -> Result<Vec<GeneratedFile>, Error> {
        self.generate(&read_xsd_dir(dir)?)
    }
}

/// Read every `*.xsd` file in `dir` as (file name, bytes), sorted by name.
pub fn read_xsd_dir(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::new(format!("{}: {e}", dir.display())))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::new(e.to_string()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".xsd") {
            let bytes = std::fs::read(entry.path()).map_err(|e| Error::new(format!("{name}: {e}")))?;
            out.push((name, bytes));
        }
    }
    out.sort();
    Ok(out)
}

/// Hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Format Rust source deterministically (syn + prettyplease).
pub fn format_source(src: &str) -> Result<String, Error> {
    let file = syn::parse_file(src).map_err(|e| Error::new(format!("emitted code does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// Write files into `dir`, only those whose bytes changed; remove stale `*.rs` files there.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::new(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    for f in files {
        let path = dir.join(&f.path);
        if std::fs::read(&path).ok().as_deref() != Some(f.contents.as_bytes()) {
            std::fs::write(&path, &f.contents).map_err(io)?;
        }
    }
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") && !files.iter().any(|f| f.path == name) {
            std::fs::remove_file(entry.path()).map_err(io)?;
        }
    }
    Ok(())
}

/// Compare files with what is in `dir`; returns the paths that differ, are missing or are stale.
pub fn check_files(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let mut bad = Vec::new();
    for f in files {
        if std::fs::read(dir.join(&f.path)).ok().as_deref() != Some(f.contents.as_bytes()) {
            bad.push(f.path.clone());
        }
    }
    if let Ok(rd) = std::fs::read_dir(dir) {
        for entry in rd.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".rs") && !files.iter().any(|f| f.path == name) {
                bad.push(name);
            }
        }
    }
    bad
}

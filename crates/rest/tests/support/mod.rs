//! Test support shared by the integration tests: locating `../shared` and the fixtures,
//! building JSON Schema validators from OpenAPI documents (the contract oracles), and the
//! fixture runner for `fixtures/rest/<dialect>/<case>/`.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use jsonschema::{Draft, Validator};
use payglot_core_model::{CanonicalJson, Codec, DecodeLimits, EncodeOptions, Strictness};
use serde_json::Value;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared` beside the repository, when present (CI always has it).
pub fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared is absent");
        None
    }
}

/// Read a JSON file, panicking with its path on failure (test code only).
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Our own OpenAPI 3.1 contract (`schemas/rest/openapi.yaml`, JSON-compatible YAML with a
/// comment header).
pub fn native_openapi() -> Value {
    let path = repo().join("schemas/rest/openapi.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: String = text.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A validator for `components/schemas/<name>` of an OpenAPI document: the whole document is
/// the root resource, with a root `$ref` to the named schema, so every internal `$ref`
/// resolves. OpenAPI 3.0 documents are validated as draft 4 (their schema dialect is an
/// extended subset of it; `nullable`, `example` and `discriminator` are ignored, so a `null`
/// is refused, which our encoders never write); OpenAPI 3.1 as draft 2020-12.
pub fn schema_validator(openapi: &Value, name: &str) -> Validator {
    let mut root = openapi.clone();
    let draft = if openapi.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1")) {
        Draft::Draft202012
    } else {
        Draft::Draft4
    };
    if let Some(object) = root.as_object_mut() {
        object.insert("$ref".into(), Value::String(format!("#/components/schemas/{name}")));
    }
    jsonschema::options().with_draft(draft).build(&root).unwrap_or_else(|e| panic!("schema {name}: {e}"))
}

/// Validate `instance` against a validator, returning every error as text.
pub fn violations(validator: &Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

/// One fixture case.
#[derive(Debug)]
pub struct Case {
    pub dir: PathBuf,
    pub input: PathBuf,
}

/// Every case folder under `fixtures/rest/<dialect>/`.
pub fn cases(dialect: &str) -> Vec<Case> {
    let root = repo().join("fixtures/rest").join(dialect);
    let mut cases = Vec::new();
    let Ok(entries) = std::fs::read_dir(&root) else { panic!("no fixtures in {}", root.display()) };
    for entry in entries.flatten() {
        let dir = entry.path();
        let Ok(files) = std::fs::read_dir(&dir) else { continue };
        let inputs: Vec<PathBuf> =
            files.flatten().map(|f| f.path()).filter(|p| p.file_stem().is_some_and(|s| s == "input")).collect();
        assert_eq!(inputs.len(), 1, "{}: exactly one input.*", dir.display());
        cases.push(Case { dir, input: inputs.into_iter().next().unwrap_or_default() });
    }
    cases.sort_by(|a, b| a.dir.cmp(&b.dir));
    assert!(!cases.is_empty(), "no cases in {}", root.display());
    cases
}

/// Run one case against `codec` as the conformance runner does: decode, compare with
/// `canonical.json` / `losses.txt` / `error.txt`, and compare `expected.*` with the encoding of
/// `canonical.json`. Returns the decoded canonical document (if any) and the encoder output.
pub fn run_case(codec: &dyn Codec, case: &Case) -> (Option<Value>, Option<Vec<u8>>) {
    let name = case.dir.display().to_string();
    let input = std::fs::read(&case.input).unwrap_or_else(|e| panic!("{name}: {e}"));
    let decoded = codec.decode(&input, &DecodeLimits::default());
    let error_path = case.dir.join("error.txt");
    if error_path.exists() {
        let expected = std::fs::read_to_string(&error_path).unwrap_or_default();
        let mut lines = expected.lines();
        let kind = lines.next().unwrap_or_default().trim();
        let error = match decoded.and_then(|d| d.check(Strictness::Strict)) {
            Ok(d) => panic!("{name}: decoded although error.txt expects {kind}: {:?}", d.message.kind()),
            Err(e) => e,
        };
        assert_eq!(error.kind().as_str(), kind, "{name}: {error}");
        for needle in lines.filter(|l| !l.trim().is_empty()) {
            assert!(error.to_string().contains(needle.trim()), "{name}: {error:?} lacks {needle:?}");
        }
        return (None, None);
    }
    let decoded = decoded.unwrap_or_else(|e| panic!("{name}: {e}"));
    let canonical =
        CanonicalJson.encode(&decoded.message, &EncodeOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let canonical_text = String::from_utf8(canonical.bytes).unwrap_or_default();
    let expected_path = case.dir.join("canonical.json");
    if std::env::var_os("PAYGLOT_BLESS").is_some() && !expected_path.exists() {
        std::fs::write(&expected_path, &canonical_text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|e| panic!("{name}: canonical.json: {e}"));
    assert_eq!(canonical_text, expected, "{name}: canonical.json differs");
    let losses: Vec<String> = decoded.losses.iter().map(ToString::to_string).collect();
    let expected_losses: Vec<String> = std::fs::read_to_string(case.dir.join("losses.txt"))
        .map(|t| t.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    assert_eq!(losses, expected_losses, "{name}: losses differ");
    // Encode canonical.json back.
    let message =
        CanonicalJson.decode(expected.as_bytes(), &DecodeLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let ext = case.input.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    let expected_out = case.dir.join(format!("expected.{ext}"));
    let encoded = match codec.encode(&message.message, &EncodeOptions::lossy()) {
        Ok(encoded) => encoded,
        // A document the dialect only decodes (an Open Banking response) has no expected output.
        Err(e) if !expected_out.exists() => {
            println!("{name}: not encodable: {e}");
            let value: Value = serde_json::from_str(&expected).unwrap_or(Value::Null);
            return (Some(value), None);
        }
        Err(e) => panic!("{name}: encode: {e}"),
    };
    if expected_out.exists() {
        let bytes = std::fs::read(&expected_out).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&encoded.bytes),
            String::from_utf8_lossy(&bytes),
            "{name}: expected output differs"
        );
    }
    let value: Value = serde_json::from_str(&expected).unwrap_or(Value::Null);
    (Some(value), Some(encoded.bytes))
}

/// How many cases of each property test are also checked against the JSON Schema oracles.
/// Validation against the large official OpenAPI documents dominates a case's time (most of
/// 10–18 s at 1,000 cases), and the encoders' shapes do not depend on the random values past a
/// few dozen cases; the round trip itself is checked on every case.
pub const ORACLE_SAMPLE: usize = 64;

/// Counts the cases of one property test, to validate only the first [`ORACLE_SAMPLE`] of them
/// (one `static` per property).
#[derive(Debug)]
pub struct OracleSample(AtomicUsize);

impl OracleSample {
    /// A fresh counter.
    pub const fn new() -> Self {
        Self(AtomicUsize::new(0))
    }

    /// Whether this case is within the sample (counts it).
    pub fn take(&self) -> bool {
        self.0.fetch_add(1, Ordering::Relaxed) < ORACLE_SAMPLE
    }
}

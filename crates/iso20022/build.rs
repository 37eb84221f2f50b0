//! Sets `cfg(typed_codecs)` when every message feature is on. The typed decode and encode
//! passes (`codec::typed`, `codec::typed_encode`) map several versions of one generation
//! through shared code that names their types, so they are built only with all of them; any
//! other feature set decodes and encodes every enabled version through the element tree
//! (slower, the same results: the typed passes are tested against it). The list is
//! `[features] default` in Cargo.toml; a test there checks the two agree.

/// The message features, as in Cargo.toml.
const MESSAGE_FEATURES: [&str; 12] = [
    "camt_053_001_02",
    "camt_053_001_08",
    "camt_054_001_02",
    "camt_054_001_08",
    "head_001_001_02",
    "pacs_002_001_10",
    "pacs_004_001_09",
    "pacs_008_001_08",
    "pain_001_001_03",
    "pain_001_001_09",
    "pain_002_001_03",
    "pain_002_001_10",
];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(typed_codecs)");
    let on = |feature: &str| std::env::var_os(format!("CARGO_FEATURE_{}", feature.to_uppercase())).is_some();
    if MESSAGE_FEATURES.iter().all(|f| on(f)) {
        println!("cargo::rustc-cfg=typed_codecs");
    }
}

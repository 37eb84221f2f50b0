//! build.rs builds the typed codecs only when every message feature is on: its list of them
//! must be the crate's default feature list, or a feature added later would leave the typed
//! codecs unbuilt (or a removed one, never built) without any test failing.

/// The quoted names between `start` and the next `]` of `text`.
fn quoted_after(text: &str, start: &str) -> Vec<String> {
    let from = text.find(start).unwrap_or_else(|| panic!("{start} not found"));
    let list = &text[from + start.len()..];
    let list = &list[..list.find(']').expect("a closing bracket")];
    list.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

#[test]
fn the_typed_codecs_need_exactly_the_default_message_features() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let build = std::fs::read_to_string(dir.join("build.rs")).unwrap();
    let defaults = quoted_after(&manifest, "default = [");
    let build = &build[build.find("const MESSAGE_FEATURES").expect("the list in build.rs")..];
    let needed = quoted_after(build, "= [");
    assert!(defaults.len() >= 12 && defaults.iter().all(|f| f.contains("_001_")), "{defaults:?}");
    assert_eq!(needed, defaults);
}

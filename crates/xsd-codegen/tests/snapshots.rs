//! Snapshot tests: tiny XSD fixtures (tests/fixtures/<case>/schema.xsd) pin the IR (`ir.txt`)
//! and the generated module (`output.rs`). Set UPDATE_SNAPSHOTS=1 to rewrite the expectations.
use payglot_xsd_codegen::Config;
use std::path::Path;

fn check(case: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(case);
    let xsd = std::fs::read(dir.join("schema.xsd")).expect("fixture schema");
    let config = Config::new().features(false);
    let ir = format!("{:#?}\n", config.lower("schema.xsd", &xsd).expect("lowers"));
    let files = config.generate(&[("schema.xsd".to_string(), xsd)]).expect("generates");
    let out = files.iter().find(|f| f.path == "schema.rs").expect("schema module").contents.clone();
    for (name, actual) in [("ir.txt", ir), ("output.rs", out)] {
        let path = dir.join(name);
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &actual).expect("write snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            expected == actual,
            "{case}/{name} differs from the snapshot; rerun with UPDATE_SNAPSHOTS=1 and review the diff"
        );
    }
}

#[test]
fn choice_is_an_enum_and_nested_groups_are_named() {
    check("choice");
}

#[test]
fn facets_patterns_enumerations_and_decimals() {
    check("facets");
}

#[test]
fn simple_content_with_attributes() {
    check("simple_content");
}

#[test]
fn recursive_types_are_boxed() {
    check("recursion");
}

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

#[test]
fn a_type_shared_by_global_elements_gets_a_newtype_per_element() {
    check("shared_root");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shared_root");
    let out = std::fs::read_to_string(dir.join("output.rs")).unwrap_or_default();
    for wrapper in ["pub struct CreateResponse(pub Status);", "pub struct QueryResponse(pub Status);"] {
        assert!(out.contains(wrapper), "missing `{wrapper}`");
    }
    // The element named like its shared type gets a distinct name; Ping keeps the plain impl.
    assert!(out.contains("pub struct StatusElement(pub Status);"));
    assert!(out.contains("impl rt::RootElement for Ping"));
    assert!(!out.contains("impl rt::RootElement for Status "));
}

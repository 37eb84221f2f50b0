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

/// The field a `read_into` statement writes: `out.f = ...;` or `r.x_into(.., &mut out.f)?;`.
fn written_field(stmt: &syn::Stmt) -> Option<String> {
    let syn::Stmt::Expr(expr, Some(_)) = stmt else {
        return None;
    };
    let place = match expr {
        syn::Expr::Assign(a) => &*a.left,
        syn::Expr::Try(t) => match &*t.expr {
            syn::Expr::MethodCall(m) => match m.args.last()? {
                syn::Expr::Reference(r) if r.mutability.is_some() => &*r.expr,
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    };
    match place {
        syn::Expr::Field(f) if matches!(&*f.base, syn::Expr::Path(p) if p.path.is_ident("out")) => match &f.member {
            syn::Member::Named(n) => Some(n.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        _ => None,
    }
}

/// Every generated structure's `read_into` writes each of its fields exactly once, in
/// declaration order, and does nothing else: a successful read leaves no placeholder of
/// `empty()` behind (checked on the fixtures' output and on the committed generated code).
#[test]
fn read_into_writes_every_field_once_in_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["tests/fixtures", "../iso20022/src/generated", "../soap/src/generated"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                files.push(p.join("output.rs"));
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut checked = 0;
    for path in files {
        let Ok(src) = std::fs::read_to_string(&path) else { continue };
        let file = syn::parse_file(&src).expect("generated code parses");
        let mut fields = std::collections::BTreeMap::new();
        for item in &file.items {
            if let syn::Item::Struct(s) = item
                && let syn::Fields::Named(named) = &s.fields
            {
                let names: Vec<String> =
                    named.named.iter().filter_map(|f| f.ident.as_ref().map(|i| i.to_string())).collect();
                fields.insert(s.ident.to_string(), names);
            }
        }
        for item in &file.items {
            let syn::Item::Impl(imp) = item else { continue };
            let syn::Type::Path(ty) = &*imp.self_ty else { continue };
            let Some(name) = ty.path.segments.last().map(|s| s.ident.to_string()) else { continue };
            for it in &imp.items {
                let syn::ImplItem::Fn(f) = it else { continue };
                if f.sig.ident != "read_into" || !fields.contains_key(&name) {
                    continue;
                }
                let stmts = &f.block.stmts;
                let (last, writes) = stmts.split_last().expect("a body");
                assert!(matches!(last, syn::Stmt::Expr(syn::Expr::Call(_), None)), "{name}: ends with Ok(())");
                let written: Vec<String> = writes
                    .iter()
                    .map(|s| written_field(s).unwrap_or_else(|| panic!("{name}: a statement that writes no field")))
                    .collect();
                assert_eq!(written, fields[&name], "{name} in {}: fields written by read_into", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} read_into checked");
}

/// `inline_optional_up_to`: an optional structure estimated within the bound is held inline,
/// a larger one (and one on a cycle, boxed by `lower`) stays boxed; 0 (the default) boxes all.
#[test]
fn small_optional_structures_are_inline_when_asked() {
    let xsd = br#"<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns="urn:t" xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified" targetNamespace="urn:t">
    <xs:element name="Document" type="Top"/>
    <xs:complexType name="Top">
        <xs:sequence>
            <xs:element name="Small" type="Small" minOccurs="0"/>
            <xs:element name="Large" type="Large" minOccurs="0"/>
            <xs:element name="Self" type="Top" minOccurs="0"/>
        </xs:sequence>
    </xs:complexType>
    <xs:complexType name="Small">
        <xs:sequence><xs:element name="A" type="xs:string"/><xs:element name="B" type="xs:decimal"/></xs:sequence>
    </xs:complexType>
    <xs:complexType name="Large">
        <xs:sequence>
            <xs:element name="A" type="xs:string"/><xs:element name="B" type="xs:string"/>
            <xs:element name="C" type="xs:string"/><xs:element name="D" type="xs:string"/>
        </xs:sequence>
    </xs:complexType>
</xs:schema>"#;
    let generate = |config: Config| {
        let files = config.generate(&[("schema.xsd".to_string(), xsd.to_vec())]).expect("generates");
        files.iter().find(|f| f.path == "schema.rs").expect("schema module").contents.clone()
    };
    let boxed = generate(Config::new().features(false));
    for field in ["small: Option<Box<Small>>", "large: Option<Box<Large>>", "self_: Option<Box<Top>>"] {
        assert!(boxed.contains(field), "{field} by default:\n{boxed}");
    }
    // Small: a string (24) and a decimal (16); Large: four strings (96).
    let inline = generate(Config::new().features(false).inline_optional_up_to(64));
    for field in ["small: Option<Small>", "large: Option<Box<Large>>", "self_: Option<Box<Top>>"] {
        assert!(inline.contains(field), "{field} with 64:\n{inline}");
    }
    let all = generate(Config::new().features(false).inline_optional_up_to(1000));
    for field in ["small: Option<Small>", "large: Option<Large>", "self_: Option<Box<Top>>"] {
        assert!(all.contains(field), "{field} with 1000:\n{all}");
    }
}

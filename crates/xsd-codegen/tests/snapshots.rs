//! Snapshot tests: tiny XSD fixtures (tests/fixtures/<case>/schema.xsd) pin the IR (`ir.txt`)
//! and the generated module (`output.rs`). Set UPDATE_SNAPSHOTS=1 to rewrite the expectations.
use payglot_xsd_codegen::Config;
use std::collections::BTreeMap;
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

/// The fields a `read_into` body writes, in order: statement by statement (ending with
/// `Ok(())`), or attribute statements and then a field table (`const FIELDS`) with one `match`
/// arm per field, in order. A field the table may pass over (`Some(name)`) must be one whose
/// `empty()` value is already what its absence reads (`None` or an empty vector).
fn read_into_writes(name: &str, stmts: &[syn::Stmt], empties: &BTreeMap<String, String>) -> Vec<String> {
    let table_at = stmts.iter().position(|s| matches!(s, syn::Stmt::Item(syn::Item::Const(c)) if c.ident == "FIELDS"));
    let Some(table_at) = table_at else {
        let (last, writes) = stmts.split_last().expect("a body");
        assert!(matches!(last, syn::Stmt::Expr(syn::Expr::Call(_), None)), "{name}: ends with Ok(())");
        return writes
            .iter()
            .map(|s| written_field(s).unwrap_or_else(|| panic!("{name}: a statement that writes no field")))
            .collect();
    };
    let mut written: Vec<String> = stmts[..table_at]
        .iter()
        .map(|s| written_field(s).unwrap_or_else(|| panic!("{name}: a statement that writes no field")))
        .collect();
    let syn::Stmt::Item(syn::Item::Const(table)) = &stmts[table_at] else { unreachable!() };
    let syn::Expr::Reference(r) = &*table.expr else { panic!("{name}: FIELDS is a reference") };
    let syn::Expr::Array(entries) = &*r.expr else { panic!("{name}: FIELDS is an array") };
    let passable: Vec<bool> = entries.elems.iter().map(|e| matches!(e, syn::Expr::Call(_))).collect();
    let arms = stmts[table_at..]
        .iter()
        .find_map(|s| match s {
            syn::Stmt::Expr(syn::Expr::Loop(l), _) => l.body.stmts.iter().find_map(|s| match s {
                syn::Stmt::Expr(syn::Expr::Match(m), _) => Some(&m.arms),
                _ => None,
            }),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{name}: a loop over a match"));
    let (last, arms) = arms.split_last().expect("arms");
    assert!(matches!(last.pat, syn::Pat::Wild(_)), "{name}: the last arm ends the read");
    assert_eq!(arms.len(), passable.len(), "{name}: one arm per table entry");
    for (i, (arm, passable)) in arms.iter().zip(passable).enumerate() {
        let index = match &arm.pat {
            syn::Pat::Lit(l) => match &l.lit {
                syn::Lit::Int(n) => n.base10_parse::<usize>().expect("index"),
                _ => panic!("{name}: an arm of an integer"),
            },
            _ => panic!("{name}: an arm of an integer"),
        };
        assert_eq!(index, i, "{name}: arms in table order");
        let syn::Expr::Block(b) = &*arm.body else { panic!("{name}: an arm's block") };
        let [stmt] = b.block.stmts.as_slice() else { panic!("{name}: one statement per arm") };
        let field = written_field(stmt).unwrap_or_else(|| panic!("{name}: an arm that writes no field"));
        if passable {
            let empty = empties.get(&field).map(String::as_str);
            assert!(matches!(empty, Some("None" | "Vec::new()")), "{name}.{field}: passed over, empty {empty:?}");
        }
        written.push(field);
    }
    written
}

/// `None` or `Vec::new()` when `e` is that expression, else `other`.
fn absent_form(e: &syn::Expr) -> &'static str {
    let is_path = |e: &syn::Expr, path: &[&str]| match e {
        syn::Expr::Path(p) => {
            p.path.segments.iter().map(|s| s.ident.to_string()).eq(path.iter().map(|s| s.to_string()))
        }
        _ => false,
    };
    match e {
        e if is_path(e, &["None"]) => "None",
        syn::Expr::Call(c) if c.args.is_empty() && is_path(&c.func, &["Vec", "new"]) => "Vec::new()",
        _ => "other",
    }
}

/// Each field's `empty()` initializer: `None`, `Vec::new()` or `other`.
fn empty_fields(imp: &syn::ItemImpl) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for it in &imp.items {
        let syn::ImplItem::Fn(f) = it else { continue };
        if f.sig.ident != "empty" {
            continue;
        }
        let Some(syn::Stmt::Expr(syn::Expr::Call(some), None)) = f.block.stmts.last() else { continue };
        let Some(syn::Expr::Struct(st)) = some.args.first() else { continue };
        for fv in &st.fields {
            if let syn::Member::Named(n) = &fv.member {
                out.insert(n.to_string(), absent_form(&fv.expr).to_string());
            }
        }
    }
    out
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
        let mut fields = BTreeMap::new();
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
                let empties = empty_fields(imp);
                let written = read_into_writes(&name, &f.block.stmts, &empties);
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

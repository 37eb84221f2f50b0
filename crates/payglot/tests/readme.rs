//! README.md's format table must match the registry: every registered format is listed as
//! `available`, and everything listed as `available` is registered.

use payglot::Registry;

fn table_rows() -> Vec<(Vec<String>, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap_or_default();
    readme
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let ids = cells.get(1)?.split(',').map(|id| id.trim().trim_matches('`').to_owned()).collect();
            Some((ids, (*cells.get(3)?).to_owned()))
        })
        .collect()
}

#[test]
fn readme_format_table_matches_the_registry() {
    let registry = Registry::standard();
    let rows = table_rows();
    assert!(!rows.is_empty(), "README has no format table");
    let available: Vec<String> =
        rows.iter().filter(|(_, s)| s == "available").flat_map(|(ids, _)| ids.clone()).collect();
    let registered: Vec<String> = registry.formats().map(|f| f.to_string()).collect();
    for id in &registered {
        assert!(available.contains(id), "{id} is registered but README does not list it as available");
    }
    for id in &available {
        assert!(registered.contains(id), "README lists {id} as available but it is not registered");
    }
}

//! The committed SDL (`schemas/graphql/schema.graphql`) must be what the schema exports;
//! regenerate it with `cargo xtask sdl`.

use std::path::Path;

#[test]
fn committed_sdl_is_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/graphql/schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let current = payglot_graphql::sdl();
    assert!(
        committed == current,
        "schemas/graphql/schema.graphql is stale or missing: run `cargo xtask sdl` and commit the result"
    );
}

#[test]
fn sdl_models_money_as_a_decimal_string_scalar() {
    let sdl = payglot_graphql::sdl();
    assert!(sdl.contains("scalar Decimal"));
    assert!(sdl.contains("value: Decimal!"));
    assert!(!sdl.contains("Float"), "no Float anywhere in a payments schema");
}

//! The `payglot` binary (being written).
fn main() {}

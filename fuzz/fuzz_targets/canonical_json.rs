//! Fuzz target `canonical_json`: never panic, and the round-trip checks of `payglot::fuzz` (shared with
//! the seed replay in `cargo test`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(Err(failure)) = payglot::fuzz::check("canonical_json", data) {
        panic!("{failure}");
    }
});

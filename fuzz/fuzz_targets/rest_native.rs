//! Fuzz the rest:native decoder: never panic; whatever decodes must encode and decode again
//! (the checks live in `payglot::fuzz`, shared with the seed replay in `cargo test`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(Err(failure)) = payglot::fuzz::check("rest_native", data) {
        panic!("{failure}");
    }
});

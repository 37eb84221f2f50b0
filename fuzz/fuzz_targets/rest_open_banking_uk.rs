//! Fuzz the rest:open-banking-uk decoders (v4 and v3.1): never panic; whatever decodes must encode and decode again
//! (the checks live in `payglot::fuzz`, shared with the seed replay in `cargo test`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(Err(failure)) = payglot::fuzz::check("rest_open_banking_uk", data) {
        panic!("{failure}");
    }
});

//! Fuzz the SOAP envelope, fault, WS-Security and body readers, and the SOAP codecs: never panic; whatever decodes must encode and decode again
//! (the checks live in `payglot::fuzz`, shared with the seed replay in `cargo test`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(Err(failure)) = payglot::fuzz::check("soap", data) {
        panic!("{failure}");
    }
});

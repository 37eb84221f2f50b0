//! Fuzz `detect`: never panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payglot::model::DecodeLimits;

fuzz_target!(|data: &[u8]| {
    let _ = payglot::detect(data, &DecodeLimits::default());
});

//! Fuzz every ISO 20022 decoder: never panic; whatever decodes must encode (lossy) into a
//! document our validator accepts, and decode again to the same message when nothing was lost.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payglot::model::{Codec, DecodeLimits, EncodeOptions};
use payglot::Registry;

fuzz_target!(|data: &[u8]| {
    let registry = Registry::standard();
    let limits = DecodeLimits::default();
    let Ok(format) = payglot::detect(data, &limits) else { return };
    let Some(codec) = registry.get(&format) else { return };
    if let Ok(decoded) = codec.decode(data, &limits) {
        if let Ok(encoded) = codec.encode(&decoded.message, &EncodeOptions::lossy()) {
            let again = codec.decode(&encoded.bytes, &limits).expect("our own output must decode");
            if encoded.losses.is_empty() && decoded.losses.is_empty() {
                assert_eq!(again.message, decoded.message);
            }
        }
    }
});

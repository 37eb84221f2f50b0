//! Fuzz the `canonical:json` decoder: never panic, and whatever decodes must survive
//! encode → decode unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payglot::model::{CanonicalJson, Codec, DecodeLimits, EncodeOptions};

fuzz_target!(|data: &[u8]| {
    let limits = DecodeLimits::default();
    if let Ok(decoded) = CanonicalJson.decode(data, &limits) {
        let encoded = CanonicalJson.encode(&decoded.message, &EncodeOptions::default()).expect("encode");
        let again = CanonicalJson.decode(&encoded.bytes, &limits).expect("decode of encoder output");
        assert_eq!(again.message, decoded.message);
    }
});

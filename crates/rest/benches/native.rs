//! `rest:native` decode and encode of a full payment request, each beside its raw baseline:
//! `serde_json::from_slice::<Value>` of the same bytes, and `serde_json::to_vec` of that Value.
//! Budget (issue 5): within 1.5× of the baseline. Run:
//! `cargo bench -p payglot-rest --bench native -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use payglot_core_model::{Codec, DecodeLimits, EncodeOptions};
use payglot_rest::RestNative;

fn input() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rest/native/full-payment/expected.json");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn native(c: &mut Criterion) {
    let bytes = input();
    let limits = DecodeLimits::default();
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let message = RestNative.decode(&bytes, &limits).unwrap_or_else(|e| panic!("{e}")).message;
    let options = EncodeOptions::strict();

    let mut decode = c.benchmark_group("rest_native_decode");
    decode.bench_function("baseline serde_json::from_slice::<Value>", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&bytes)))
    });
    decode.bench_function("RestNative::decode", |b| b.iter(|| RestNative.decode(black_box(&bytes), &limits)));
    decode.finish();

    let mut encode = c.benchmark_group("rest_native_encode");
    encode.bench_function("baseline serde_json::to_vec(Value)", |b| b.iter(|| serde_json::to_vec(black_box(&value))));
    encode.bench_function("RestNative::encode", |b| b.iter(|| RestNative.encode(black_box(&message), &options)));
    encode.finish();
}

criterion_group!(benches, native);
criterion_main!(benches);

//! Decoding an `initiatePayment` request into the canonical model, beside async-graphql's
//! parser alone on the same document (the floor: the codec parses the document with it).
//! Budget: the codec within 3x the parser.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use payglot_core_model::{Codec, DecodeLimits};
use payglot_graphql::GraphqlCodec;

const REQUEST: &str = include_str!("../../../fixtures/graphql/payglot/basic-payment/input.json");

fn decode(c: &mut Criterion) {
    let query = serde_json::from_str::<serde_json::Value>(REQUEST)
        .ok()
        .and_then(|v| v["query"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let limits = DecodeLimits::default();
    let mut group = c.benchmark_group("graphql_initiate_payment");
    group.bench_function("async_graphql_parser_parse_query", |b| {
        b.iter(|| async_graphql::parser::parse_query(black_box(&query)).is_ok())
    });
    group.bench_function("serde_json_body_plus_parse_query", |b| {
        b.iter(|| {
            let body: serde_json::Value = serde_json::from_slice(black_box(REQUEST.as_bytes())).unwrap_or_default();
            body["query"].as_str().map(|q| async_graphql::parser::parse_query(q).is_ok())
        })
    });
    group.bench_function("graphql_payglot_decode", |b| {
        b.iter(|| GraphqlCodec.decode(black_box(REQUEST.as_bytes()), &limits).is_ok())
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);

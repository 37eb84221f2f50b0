//! Hostile input, through the server and through the codec: a depth-1,000 query, an alias
//! bomb, a fragment cycle, a fragment bomb, 10 MB of variables. Each must be refused quickly
//! with an error (and a code from the outcome table on the server side).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::Request;
use payglot_core_model::{Codec, DecodeErrorKind, DecodeLimits};
use payglot_graphql::{GraphqlCodec, GraphqlService, Limits, MemoryStore, RequestContext};
use serde_json::{Value, json};

/// Generous for a debug build on a busy 2-core machine; the real cost is microseconds.
const QUICK: Duration = Duration::from_secs(2);

fn service() -> GraphqlService {
    GraphqlService::new(Arc::new(MemoryStore::new()), Limits::default())
}

async fn refused_with(query: &str) -> (Vec<String>, String) {
    let started = Instant::now();
    let response = service().execute(Request::new(query), RequestContext::default()).await;
    let elapsed = started.elapsed();
    assert!(elapsed < QUICK, "took {elapsed:?}");
    assert!(response.data == async_graphql::Value::Null, "executed: {:?}", response.data);
    let json = serde_json::to_value(&response).unwrap_or(Value::Null);
    let codes = json["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let messages = json["errors"].to_string();
    (codes, messages)
}

fn deep_query(depth: usize) -> String {
    format!("{{ {}id{} }}", "payment(id: \"x\") { debtor { ".repeat(depth / 2), " } }".repeat(depth / 2))
}

#[tokio::test]
async fn a_depth_1000_query_is_refused() {
    let (codes, messages) = refused_with(&deep_query(1_000)).await;
    assert_eq!(codes, ["INVALID_REQUEST"], "{messages}");
    assert!(messages.contains("nests deeper"), "{messages}");
    let braces = format!("{}{}", "{".repeat(1_000), "}".repeat(1_000));
    let (codes, _) = refused_with(&braces).await;
    assert_eq!(codes, ["INVALID_REQUEST"]);
}

#[tokio::test]
async fn a_query_past_the_selection_depth_is_refused() {
    // Within the nesting pre-scan but past async-graphql's depth limit of 12.
    let (codes, messages) = refused_with(&deep_query(28)).await;
    assert_eq!(codes, ["INVALID_REQUEST"], "{messages}");
}

#[tokio::test]
async fn an_alias_bomb_is_refused() {
    let fields: String = (0..10_000).map(|n| format!("a{n}: payments(first: 100) {{ edges {{ cursor }} }} ")).collect();
    let (codes, messages) = refused_with(&format!("{{ {fields} }}")).await;
    assert!(codes == ["PAYLOAD_TOO_LARGE"] || codes == ["INVALID_REQUEST"], "{codes:?} {messages}");
    // Under the document size limit, the alias count refuses it.
    let fields: String = (0..200).map(|n| format!("a{n}: __typename ")).collect();
    let (codes, messages) = refused_with(&format!("{{ {fields} }}")).await;
    assert_eq!(codes, ["INVALID_REQUEST"]);
    assert!(messages.contains("aliases"), "{messages}");
}

#[tokio::test]
async fn a_fragment_cycle_is_refused() {
    let query = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    let (codes, messages) = refused_with(query).await;
    assert_eq!(codes, ["INVALID_REQUEST"]);
    assert!(messages.contains("fragment cycle"), "{messages}");
}

#[tokio::test]
async fn a_fragment_bomb_is_refused_without_expanding_it() {
    // 2^40 fields once expanded; the memoised count stops it at once.
    let mut query = String::from("query { ...F0 }\n");
    for n in 0..40 {
        query.push_str(&format!("fragment F{n} on Query {{ ...F{} ...F{} }}\n", n + 1, n + 1));
    }
    query.push_str("fragment F40 on Query { __typename }\n");
    let (codes, messages) = refused_with(&query).await;
    assert_eq!(codes, ["INVALID_REQUEST"]);
    assert!(messages.contains("fragments are expanded"), "{messages}");
}

#[tokio::test]
async fn ten_megabytes_of_variables_are_refused() {
    let padding = "x".repeat(10 << 20);
    let body =
        serde_json::to_vec(&json!({"query": "{ __typename }", "variables": {"pad": padding}})).unwrap_or_default();
    let started = Instant::now();
    let response = service().execute_http(&body, RequestContext::default()).await;
    assert!(started.elapsed() < QUICK, "took {:?}", started.elapsed());
    let json = serde_json::to_value(&response).unwrap_or(Value::Null);
    assert_eq!(json["errors"][0]["extensions"]["code"], json!("PAYLOAD_TOO_LARGE"), "{}", json["errors"]);
}

fn codec_error(input: &[u8]) -> (DecodeErrorKind, String) {
    let started = Instant::now();
    let result = GraphqlCodec.decode(input, &DecodeLimits::default());
    assert!(started.elapsed() < QUICK, "took {:?}", started.elapsed());
    match result {
        Ok(decoded) => panic!("accepted: {:?}", decoded.message.kind()),
        Err(error) => (error.kind(), error.to_string()),
    }
}

fn request(query: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"query": query})).unwrap_or_default()
}

#[test]
fn the_codec_refuses_the_same_documents() {
    let (kind, message) = codec_error(&request(&deep_query(1_000)));
    assert_eq!(kind, DecodeErrorKind::Limit, "{message}");
    let cycle = "mutation { ...A } fragment A on Mutation { ...B } fragment B on Mutation { ...A }";
    let (kind, message) = codec_error(&request(cycle));
    assert_eq!(kind, DecodeErrorKind::Invalid, "{message}");
    assert!(message.contains("fragment cycle"), "{message}");
    let mut bomb = String::from("mutation { ...F0 }\n");
    for n in 0..40 {
        bomb.push_str(&format!("fragment F{n} on Mutation {{ ...F{} ...F{} }}\n", n + 1, n + 1));
    }
    bomb.push_str("fragment F40 on Mutation { __typename }\n");
    let (kind, message) = codec_error(&request(&bomb));
    assert_eq!(kind, DecodeErrorKind::Limit, "{message}");
    let padding = "x".repeat(10 << 20);
    let big = serde_json::to_vec(&json!({"query": "mutation { __typename }", "variables": {"pad": padding}}))
        .unwrap_or_default();
    let (kind, message) = codec_error(&big);
    assert_eq!(kind, DecodeErrorKind::Limit, "{message}");
}

#[test]
fn the_fuzz_entry_point_survives_junk() {
    for input in [
        &b""[..],
        b"{",
        b"{\"query\": \"mutation { initiatePayment(input: $x) }\"}",
        b"{\"query\": \"mutation($x: InitiatePaymentInput!) { initiatePayment(input: $x, idempotencyKey: 1) { __typename } }\", \"variables\": {\"x\": []}}",
        b"{\"data\": {\"initiatePayment\": {\"payment\": {\"amount\": {\"value\": 1, \"currency\": \"EUR\"}}}}}",
        "\u{feff}{}".as_bytes(),
        &[0xff, 0xfe, 0x00],
    ] {
        payglot_graphql::fuzz_decode(input);
    }
}

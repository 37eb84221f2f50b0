//! The Idempotency-Key helper: concurrency (exactly one of 50 simultaneous attempts proceeds),
//! replay, payload mismatch, missing keys, TTL and per-provider policies.

use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime};

use payglot_rest::idempotency::{
    Begin, Fingerprint, Idempotency, IdempotencyError, MemoryStore, Policy, StoredResponse,
};

fn created() -> StoredResponse {
    StoredResponse {
        status: 201,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: b"{\"id\":\"pay_1\"}".to_vec(),
    }
}

#[test]
fn fifty_concurrent_attempts_with_one_key_proceed_exactly_once() {
    let server = Arc::new(Idempotency::new(Policy::PAYGLOT, MemoryStore::new()));
    let barrier = Arc::new(Barrier::new(50));
    let fingerprint = Fingerprint::of("POST", "/v1/payments", b"{\"amount\":1050}");
    // Spawn all 50 first (the barrier releases them together), then join.
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let (server, barrier) = (Arc::clone(&server), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                server.begin("client-1 POST /v1/payments", Some("8e03978e-40d5-43e8-bc93-6894a57f9324"), fingerprint)
            })
        })
        .collect();
    let outcomes: Vec<_> =
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| panic!("thread panicked"))).collect();
    let proceed = outcomes.iter().filter(|o| matches!(o, Ok(Begin::Proceed(_)))).count();
    let in_flight = outcomes.iter().filter(|o| matches!(o, Err(IdempotencyError::InFlight))).count();
    assert_eq!((proceed, in_flight), (1, 49));
    assert!(outcomes.iter().filter_map(|o| o.as_ref().err()).all(|e| e.http_status() == 409));
}

#[test]
fn completed_requests_replay_and_other_payloads_get_422() {
    let server = Idempotency::new(Policy::PAYGLOT, MemoryStore::new());
    let body = Fingerprint::of("POST", "/v1/payments", b"{\"amount\":1050}");
    let Ok(Begin::Proceed(ticket)) = server.begin("c", Some("key-1"), body) else {
        panic!("first attempt did not proceed")
    };
    server.complete(ticket, created());
    assert_eq!(server.begin("c", Some("key-1"), body), Ok(Begin::Replay(created())));
    let other = Fingerprint::of("POST", "/v1/payments", b"{\"amount\":1051}");
    let mismatch = server.begin("c", Some("key-1"), other);
    assert_eq!(mismatch, Err(IdempotencyError::Mismatch));
    assert_eq!(mismatch.err().map(|e| e.http_status()), Some(422));
    // Keys are per scope (client): another client may use the same key.
    assert!(matches!(server.begin("d", Some("key-1"), other), Ok(Begin::Proceed(_))));
}

#[test]
fn a_missing_key_is_400_where_required_and_unprotected_elsewhere() {
    let server = Idempotency::new(Policy::PAYGLOT, MemoryStore::new());
    let fingerprint = Fingerprint::of("POST", "/v1/payments", b"{}");
    let missing = server.begin("c", None, fingerprint).err();
    assert_eq!(missing.as_ref().map(IdempotencyError::http_status), Some(400));
    let body: serde_json::Value =
        serde_json::from_slice(&missing.map(|e| e.problem_json()).unwrap_or_default()).unwrap_or_default();
    assert_eq!(body["status"], 400);
    assert!(body["detail"].as_str().is_some_and(|d| d.contains("Idempotency-Key")));
    let mut optional = Policy::PAYGLOT;
    optional.required = false;
    let lenient = Idempotency::new(optional, MemoryStore::new());
    assert_eq!(lenient.begin("c", None, fingerprint), Ok(Begin::Unprotected));
}

#[test]
fn entries_expire_after_the_ttl_and_abandoned_keys_are_free() {
    let server = Idempotency::new(Policy::OPEN_BANKING_UK, MemoryStore::new());
    let fingerprint = Fingerprint::of("POST", "/domestic-payments", b"{}");
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let Ok(Begin::Proceed(ticket)) = server.begin_at("c", Some("k"), fingerprint, now) else { panic!("no proceed") };
    server.complete_at(ticket, created(), now);
    let within = now + Duration::from_secs(24 * 3600 - 1);
    assert_eq!(server.begin_at("c", Some("k"), fingerprint, within), Ok(Begin::Replay(created())));
    let after = now + Duration::from_secs(24 * 3600 + 1);
    assert_eq!(server.store().purge_expired(after), 1);
    let Ok(Begin::Proceed(ticket)) = server.begin_at("c", Some("k"), fingerprint, after) else {
        panic!("expired key not free")
    };
    server.abandon(ticket);
    assert!(server.store().is_empty());
    assert!(matches!(server.begin_at("c", Some("k"), fingerprint, after), Ok(Begin::Proceed(_))));
}

#[test]
fn provider_policies() {
    let ob = Idempotency::new(Policy::OPEN_BANKING_UK, MemoryStore::new());
    let fingerprint = Fingerprint::of("POST", "/p", b"");
    let long = "k".repeat(41);
    assert!(matches!(ob.begin("c", Some(&long), fingerprint), Err(IdempotencyError::InvalidKey { .. })));
    let bg = Idempotency::new(Policy::BERLIN_GROUP, MemoryStore::new());
    assert_eq!(bg.policy().header, "X-Request-ID");
    assert!(matches!(bg.begin("c", Some("99391c7e-ad88-49ec-a2ad-99ddcb1f7721"), fingerprint), Ok(Begin::Proceed(_))));
    assert!(matches!(bg.begin("c", Some("req-1"), fingerprint), Err(IdempotencyError::InvalidKey { .. })));
    // Fingerprints separate method, target and body.
    assert_ne!(Fingerprint::of("POST", "/ab", b"c"), Fingerprint::of("POST", "/a", b"bc"));
}

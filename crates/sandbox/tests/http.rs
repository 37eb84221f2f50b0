//! End-to-end tests over real HTTP on 127.0.0.1 (port 0): the server runs in the test, a
//! reqwest client drives it, and a test receiver takes webhooks.

#[macro_use]
mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use common::on;
use payglot_sandbox::{Config, DbPath, RateLimit, Server, StatusClock, verify};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const KEY: &str = "sk_test_0123456789abcdef";
const OTHER_KEY: &str = "sk_test_fedcba9876543210";

struct Running {
    base: String,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), payglot_sandbox::ServeError>>,
    client: reqwest::Client,
}

impl Running {
    async fn start(config: Config) -> Self {
        let server = Server::bind(config).await.expect("bind");
        let addr: SocketAddr = server.local_addr();
        assert!(addr.ip().is_loopback());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async move {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        Self { base: format!("http://{addr}"), stop: Some(tx), task, client }
    }

    async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        tokio::time::timeout(Duration::from_secs(20), self.task).await.expect("shutdown in time").unwrap().unwrap();
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn post(&self, path: &str, key: &str, body: &Value, idem: Option<&str>) -> (StatusCode, HeaderMap, Value) {
        // Every POST carries an Idempotency-Key (required by rest:native): a fresh one unless given.
        let idem = idem.map_or_else(uuid, str::to_owned);
        let req = self.client.post(self.url(path)).bearer_auth(key).json(body).header("Idempotency-Key", idem);
        let resp = req.send().await.unwrap();
        let (status, headers) = (resp.status(), resp.headers().clone());
        let body = resp.json::<Value>().await.unwrap_or(Value::Null);
        (status, headers, body)
    }

    async fn get(&self, path: &str, key: &str) -> (StatusCode, Value) {
        let resp = self.client.get(self.url(path)).bearer_auth(key).send().await.unwrap();
        let status = resp.status();
        (status, resp.json::<Value>().await.unwrap_or(Value::Null))
    }
}

on_each_store!(
    create_get_list_and_transactions,
    every_scenario_row,
    idempotency_replay_mismatch_and_fifty_concurrent_retries,
    authentication_in_each_style_and_oauth,
    rate_limit_and_body_limit,
    webhooks_signed_retried_and_disabled_on_410,
    graceful_shutdown_finishes_in_flight_requests,
    bounded_load_no_lost_no_duplicated_payment,
    soap_initiate_status_wsdl_and_cross_style_visibility,
    every_style_creates_and_every_style_reads_back
);

fn payment(minor: i64, creditor: &str) -> Value {
    json!({"amount": minor, "currency": "EUR", "source_account": "acc_123456", "destination_account": creditor, "reference": "INV-1"})
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn create_get_list_and_transactions(db: DbPath) {
    let s = Running::start(on(&db, Config::for_tests(&[KEY, OTHER_KEY]))).await;
    let key = uuid();
    let body = json!({"amount": 5000, "currency": "USD", "source_account": "acc_123456", "destination_account": "acc_789012", "reference": "INV-2025-001", "idempotency_key": key});
    // The exact body, its key also in the header.
    let (status, headers, created) = s.post("/v1/payments", KEY, &body, Some(&key)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(headers.contains_key("x-request-id"));
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("pay_") && id.len() <= 35);
    // payglot-rest's rest:native payment resource.
    assert_eq!((created["object"].as_str(), created["status"].as_str()), (Some("payment"), Some("completed")));
    assert_eq!(created["iso_status"], "ACSC");
    assert_eq!((created["amount"].as_i64(), created["currency"].as_str()), (Some(5000), Some("USD")));
    assert_eq!(created["reference"], "INV-2025-001");
    assert_eq!(created["links"]["self"], format!("/v1/payments/{id}"));
    let (_, events) = s.get(&format!("/v1/events?payment_id={id}"), KEY).await;
    let kinds: Vec<&str> = events["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["payment.created", "payment.status_changed", "payment.status_changed"]);
    // Each event carries the payment as it was when the event was raised.
    let states: Vec<&str> =
        events["data"].as_array().unwrap().iter().map(|e| e["data"]["iso_status"].as_str().unwrap()).collect();
    assert_eq!(states, ["RCVD", "ACTC", "ACSC"]);
    assert_eq!(events["data"][2]["data"], created, "the last event's payment is the created response");

    let (status, got) = s.get(&format!("/v1/payments/{id}"), KEY).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got, created);
    // Another key cannot see it.
    let (status, problem) = s.get(&format!("/v1/payments/{id}"), OTHER_KEY).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["type"], "urn:payglot:problem:not-found");

    let mut ids = vec![id.clone()];
    for _ in 0..4 {
        let (_, _, p) = s.post("/v1/payments", KEY, &payment(1200, "acc_789012"), None).await;
        ids.push(p["id"].as_str().unwrap().to_owned());
    }
    let (_, page) = s.get("/v1/payments?limit=3", KEY).await;
    assert_eq!(page["has_more"], true);
    let first: Vec<&str> = page["data"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(first, [&ids[4], &ids[3], &ids[2]].map(String::as_str));
    let (_, page2) = s.get(&format!("/v1/payments?limit=3&starting_after={}", ids[2]), KEY).await;
    assert_eq!(page2["has_more"], false);
    assert_eq!(page2["data"].as_array().unwrap().len(), 2);

    let (status, tx) = s.get("/v1/accounts/acc_789012/transactions", KEY).await;
    assert_eq!(status, StatusCode::OK);
    let data = tx["data"].as_array().unwrap();
    assert_eq!(data.len(), 5);
    assert!(data.iter().all(|t| t["direction"] == "credit" && t["status"] == "booked"), "{tx}");
    assert_eq!(tx["account"], "acc_789012");
    let (_, tx) = s.get("/v1/accounts/acc_123456/transactions", KEY).await;
    assert!(tx["data"].as_array().unwrap().iter().all(|t| t["direction"] == "debit"));

    let (status, health) = s.get("/healthz", "").await;
    assert_eq!((status, health["status"].as_str()), (StatusCode::OK, Some("ok")));
    s.stop().await;
}

async fn every_scenario_row(db: DbPath) {
    let mut config = on(&db, Config::for_tests(&[KEY]));
    config.scenarios.slow_delay = Duration::from_secs(6);
    let s = Running::start(config).await;
    for (minor, creditor, debtor, status, reason, problem) in [
        (5051, "acc_789012", "acc_123456", 422, "AM04", "insufficient-funds"),
        (5000, "acc_000000", "acc_123456", 422, "AC01", "invalid-account"),
        (5000, "acc_999999", "acc_123456", 422, "AC04", "account-closed"),
        (5000, "acc_789012", "acc_blocked", 422, "AG01", ""),
    ] {
        let body = json!({"amount": minor, "currency": "EUR", "source_account": debtor, "destination_account": creditor, "reference": "R"});
        let (st, _, p) = s.post("/v1/payments", KEY, &body, None).await;
        assert_eq!(st.as_u16(), status, "{reason}: {p}");
        assert_eq!(p["code"], reason);
        if !problem.is_empty() {
            assert_eq!(p["type"], format!("urn:payglot:problem:{problem}"));
        }
        let id = p["payment_id"].as_str().unwrap();
        let (_, got) = s.get(&format!("/v1/payments/{id}"), KEY).await;
        assert_eq!(
            (got["iso_status"].as_str(), got["status_reasons"][0]["code"].as_str()),
            (Some("RJCT"), Some(reason))
        );
    }

    // Repeated end-to-end id: AM05, 409.
    let body = json!({"amount": 700, "currency": "EUR", "source_account": "acc_123456", "destination_account": "acc_789012", "end_to_end_id": "E2E-1", "reference": "R"});
    assert_eq!(s.post("/v1/payments", KEY, &body, None).await.0, StatusCode::CREATED);
    let (st, _, p) = s.post("/v1/payments", KEY, &body, None).await;
    assert_eq!((st, p["code"].as_str()), (StatusCode::CONFLICT, Some("AM05")));
    assert_eq!(p["type"], "urn:payglot:problem:duplicate-payment");

    // .03: 503 with Retry-After; the retry with the same key goes through.
    let key = uuid();
    let (st, headers, p) = s.post("/v1/payments", KEY, &payment(5003, "acc_789012"), Some(&key)).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{p}");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(p["type"], "urn:payglot:problem:service-unavailable");
    let (st, _, p) = s.post("/v1/payments", KEY, &payment(5003, "acc_789012"), Some(&key)).await;
    assert_eq!((st, p["iso_status"].as_str()), (StatusCode::CREATED, Some("ACSC")));
    // With a new key every attempt is 503 (post() sends a fresh key); without one, 400.
    assert_eq!(
        s.post("/v1/payments", KEY, &payment(5003, "acc_789012"), None).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    let no_key =
        s.client.post(s.url("/v1/payments")).bearer_auth(KEY).json(&payment(5003, "acc_789012")).send().await.unwrap();
    assert_eq!(no_key.status(), StatusCode::BAD_REQUEST);

    // .08: the answer comes after the client's timeout; the payment exists; the retry with the
    // same key replays the stored answer at once.
    let key = uuid();
    let impatient = reqwest::Client::builder().timeout(Duration::from_millis(400)).build().unwrap();
    let sent = impatient
        .post(s.url("/v1/payments"))
        .bearer_auth(KEY)
        .header("Idempotency-Key", &key)
        .json(&payment(5008, "acc_789012"))
        .send()
        .await;
    assert!(sent.unwrap_err().is_timeout());
    let started = std::time::Instant::now();
    let (st, headers, p) = s.post("/v1/payments", KEY, &payment(5008, "acc_789012"), Some(&key)).await;
    assert_eq!((st, p["iso_status"].as_str()), (StatusCode::CREATED, Some("ACSC")));
    assert_eq!(headers["idempotent-replayed"], "true");
    assert!(started.elapsed() < Duration::from_secs(4), "the replay does not wait for the delay");
    s.stop().await;
}

async fn idempotency_replay_mismatch_and_fifty_concurrent_retries(db: DbPath) {
    let s = Arc::new(Running::start(on(&db, Config::for_tests(&[KEY]))).await);
    let key = uuid();
    let (st, _, first) = s.post("/v1/payments", KEY, &payment(1000, "acc_789012"), Some(&key)).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, headers, again) = s.post("/v1/payments", KEY, &payment(1000, "acc_789012"), Some(&key)).await;
    assert_eq!((st, &again), (StatusCode::CREATED, &first));
    assert_eq!(headers["idempotent-replayed"], "true");
    let (st, _, p) = s.post("/v1/payments", KEY, &payment(1001, "acc_789012"), Some(&key)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["type"], "urn:payglot:problem:idempotency-key-reused");
    // Header and body keys must agree.
    let mut body = payment(1000, "acc_789012");
    body["idempotency_key"] = json!("other");
    assert_eq!(s.post("/v1/payments", KEY, &body, Some(&key)).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    let key = uuid();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let s = s.clone();
        let key = key.clone();
        tasks.push(tokio::spawn(
            async move { s.post("/v1/payments", KEY, &payment(4242, "acc_555555"), Some(&key)).await },
        ));
    }
    let mut ids = std::collections::BTreeSet::new();
    let (mut created, mut in_flight) = (0, 0);
    for t in tasks {
        let (st, _, p) = t.await.unwrap();
        match st {
            StatusCode::CREATED => {
                created += 1;
                ids.insert(p["id"].as_str().unwrap().to_owned());
            }
            StatusCode::CONFLICT => {
                in_flight += 1;
                assert_eq!(p["type"], "urn:payglot:problem:idempotency-in-flight");
            }
            other => panic!("unexpected {other}: {p}"),
        }
    }
    assert_eq!(created + in_flight, 50);
    assert_eq!(ids.len(), 1, "one payment for one key");
    let (_, tx) = s.get("/v1/accounts/acc_555555/transactions", KEY).await;
    assert_eq!(tx["data"].as_array().unwrap().len(), 1, "exactly one payment stored");
    Arc::into_inner(s).unwrap().stop().await;
}

async fn authentication_in_each_style_and_oauth(db: DbPath) {
    let s = Running::start(on(&db, Config::for_tests(&[KEY]))).await;
    let resp = s.client.post(s.url("/v1/payments")).json(&payment(100, "acc_789012")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    assert!(resp.headers().contains_key("www-authenticate"));
    let (st, _, p) = s.post("/v1/payments", "sk_test_wrongwrongwrong", &payment(100, "acc_789012"), None).await;
    assert_eq!((st, p["type"].as_str()), (StatusCode::UNAUTHORIZED, Some("urn:payglot:problem:unauthenticated")));

    let soap = s.client.post(s.url("/soap")).header("content-type", "text/xml").body("<x/>").send().await.unwrap();
    assert_eq!(soap.status(), StatusCode::UNAUTHORIZED);
    let fault = soap.text().await.unwrap();
    assert!(fault.contains("Client</faultcode>") && fault.contains("urn:payglot:problem:unauthenticated"), "{fault}");
    let soap12 =
        s.client.post(s.url("/soap")).header("content-type", "application/soap+xml").body("<x/>").send().await.unwrap();
    let fault = soap12.text().await.unwrap();
    assert!(fault.contains(":Sender</") && fault.contains("soap-envelope"), "{fault}");
    let gql = s.client.post(s.url("/graphql")).json(&json!({"query": "{ payments { id } }"})).send().await.unwrap();
    let gql: Value = gql.json().await.unwrap();
    assert_eq!(gql["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let iso = s.client.post(s.url("/iso20022")).body("<Document/>").send().await.unwrap();
    assert_eq!(iso.status(), StatusCode::UNAUTHORIZED);
    assert!(iso.text().await.unwrap().contains("<GrpSts>RJCT</GrpSts>"));

    // OAuth client credentials: Basic auth and form fields; the token works like the key.
    let token: Value = s
        .client
        .post(s.url("/oauth/token"))
        .basic_auth("my-client", Some(KEY))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 300);
    let access = token["access_token"].as_str().unwrap();
    let (st, _, p) = s.post("/v1/payments", access, &payment(100, "acc_789012"), None).await;
    assert_eq!(st, StatusCode::CREATED);
    // Same principal as the key.
    let (st, _) = s.get(&format!("/v1/payments/{}", p["id"].as_str().unwrap()), KEY).await;
    assert_eq!(st, StatusCode::OK);
    let form = |body: String| {
        s.client
            .post(s.url("/oauth/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let bad = form(format!("grant_type=client_credentials&client_id=c&client_secret={KEY}x")).await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(bad.json::<Value>().await.unwrap()["error"], "invalid_client");
    let bad = form(format!("grant_type=password&client_secret={KEY}")).await.unwrap();
    assert_eq!(bad.json::<Value>().await.unwrap()["error"], "unsupported_grant_type");
    let ok = form(format!("grant_type=client_credentials&client_id=c&client_secret={KEY}")).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    s.stop().await;
}

async fn rate_limit_and_body_limit(db: DbPath) {
    let mut config = on(&db, Config::for_tests(&[KEY, OTHER_KEY]));
    config.rate_limit = RateLimit { per_second: 1, burst: 3 };
    config.max_body_bytes = 2048;
    let s = Running::start(config).await;
    // The burst of 3 passes; a slow machine may earn a token back meanwhile, so allow a few
    // more before the 429 (the bucket refills at 1/s, requests go much faster).
    let mut passed = 0;
    let resp = loop {
        let resp = s.client.get(s.url("/v1/payments")).bearer_auth(KEY).send().await.unwrap();
        if resp.status() != StatusCode::OK {
            break resp;
        }
        passed += 1;
        assert!(passed < 20, "no 429 after 20 requests");
    };
    assert!(passed >= 3, "the burst passes: {passed}");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait));
    assert_eq!(resp.json::<Value>().await.unwrap()["type"], "urn:payglot:problem:rate-limited");
    // Per key: the other key is not limited.
    assert_eq!(s.get("/v1/payments", OTHER_KEY).await.0, StatusCode::OK);
    let big = json!({"amount": 1, "currency": "EUR", "source_account": "a", "destination_account": "b", "reference": "x".repeat(5000)});
    let (st, _, p) = s.post("/v1/payments", OTHER_KEY, &big, None).await;
    assert_eq!(
        (st, p["type"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("urn:payglot:problem:payload-too-large"))
    );
    s.stop().await;
}

/// A webhook receiver that fails the first attempts and checks every signature.
#[derive(Clone, Default)]
struct Receiver {
    secret: Arc<Mutex<String>>,
    attempts: Arc<Mutex<Vec<(String, bool, bool)>>>,
    fail_first: usize,
    gone: bool,
}

async fn receive(
    axum::extract::State(r): axum::extract::State<Receiver>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let secret = r.secret.lock().unwrap().clone();
    let now = verify::unix_now();
    let standard = verify::verify_standard(&secret, &headers, &body, verify::DEFAULT_TOLERANCE, now).is_ok();
    let stripe = headers
        .get("payglot-signature")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|h| verify::verify_stripe_style(&secret, h, &body, verify::DEFAULT_TOLERANCE, now).is_ok());
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let n = {
        let mut a = r.attempts.lock().unwrap();
        a.push((event["type"].as_str().unwrap_or("").to_owned(), standard, stripe));
        a.len()
    };
    if r.gone {
        return StatusCode::GONE.into_response();
    }
    match n {
        n if n <= r.fail_first && n % 2 == 1 => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        n if n <= r.fail_first => (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "0")]).into_response(),
        _ => StatusCode::NO_CONTENT.into_response(),
    }
}

async fn start_receiver(receiver: Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/hook")
}

async fn wait_for(mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("condition not reached in 10 s");
}

async fn webhooks_signed_retried_and_disabled_on_410(db: DbPath) {
    let s = Running::start(on(&db, Config::for_tests(&[KEY]))).await;
    let receiver = Receiver { fail_first: 2, ..Receiver::default() };
    let url = start_receiver(receiver.clone()).await;
    let (st, _, endpoint) = s.post("/v1/webhook-endpoints", KEY, &json!({"url": url}), None).await;
    assert_eq!(st, StatusCode::CREATED, "{endpoint}");
    let secret = endpoint["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    *receiver.secret.lock().unwrap() = secret.to_owned();
    let endpoint_id = endpoint["id"].as_str().unwrap();

    let (st, _, p) = s.post("/v1/payments", KEY, &payment(2500, "acc_789012"), None).await;
    assert_eq!(st, StatusCode::CREATED);
    // created + ACTC + ACSC = 3 events; the first two attempts fail, so 5 attempts in all.
    let deliveries_path = format!("/v1/webhook-endpoints/{endpoint_id}/deliveries");
    wait_for(async || {
        let (_, d) = s.get(&deliveries_path, KEY).await;
        let data = d["data"].as_array().cloned().unwrap_or_default();
        data.len() == 3 && data.iter().all(|d| d["state"] == "succeeded")
    })
    .await;
    let attempts = receiver.attempts.lock().unwrap().clone();
    assert_eq!(attempts.len(), 5, "{attempts:?}");
    assert!(
        attempts.iter().all(|(_, standard, stripe)| *standard && *stripe),
        "every signature verifies: {attempts:?}"
    );
    let kinds: std::collections::BTreeSet<&str> = attempts.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(kinds, ["payment.created", "payment.status_changed"].into_iter().collect());
    let (_, d) = s.get(&deliveries_path, KEY).await;
    let total: u64 = d["data"].as_array().unwrap().iter().map(|d| d["attempts"].as_u64().unwrap()).sum();
    assert_eq!(total, 5);
    let failed: Vec<Value> = d["data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["attempt_log"].as_array().unwrap().clone())
        .filter(|a| a["status_code"] != 204)
        .collect();
    assert_eq!(failed.len(), 2, "failures are recorded");
    // The events are listed too.
    let (_, events) = s.get(&format!("/v1/events?payment_id={}", p["id"].as_str().unwrap()), KEY).await;
    assert_eq!(events["data"].as_array().unwrap().len(), 3);

    // 410 Gone disables the endpoint.
    let gone = Receiver { gone: true, ..Receiver::default() };
    let url = start_receiver(gone.clone()).await;
    let (_, _, endpoint) = s.post("/v1/webhook-endpoints", KEY, &json!({"url": url}), None).await;
    *gone.secret.lock().unwrap() = endpoint["secret"].as_str().unwrap().to_owned();
    s.post("/v1/payments", KEY, &payment(2600, "acc_789012"), None).await;
    wait_for(async || {
        let (_, list) = s.get("/v1/webhook-endpoints", KEY).await;
        list["data"].as_array().unwrap().iter().any(|e| e["enabled"] == false)
    })
    .await;
    let (_, list) = s.get("/v1/webhook-endpoints", KEY).await;
    assert!(list["data"][1]["disabled_reason"].as_str().unwrap().contains("410"));
    assert!(list["data"][0].get("secret").is_none(), "secrets are shown only once");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_store_survives_restart_and_clock_steps() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(&[KEY]);
    config.db = DbPath::File(dir.path().join("sandbox.db"));
    config.clock = StatusClock::Stepped { accept: Duration::from_millis(100), settle: Duration::from_millis(100) };
    let s = Running::start(config.clone()).await;
    let key = uuid();
    let (st, _, p) = s.post("/v1/payments", KEY, &payment(3000, "acc_789012"), Some(&key)).await;
    assert_eq!((st, p["iso_status"].as_str()), (StatusCode::CREATED, Some("RCVD")));
    let id = p["id"].as_str().unwrap().to_owned();
    wait_for(async || s.get(&format!("/v1/payments/{id}"), KEY).await.1["iso_status"] == "ACSC").await;
    // A payment left open at shutdown moves on after the restart.
    config.clock = StatusClock::Stepped { accept: Duration::from_secs(60), settle: Duration::from_millis(100) };
    s.stop().await;
    let s = Running::start(config.clone()).await;
    let (_, _, open) = s.post("/v1/payments", KEY, &payment(3100, "acc_789012"), None).await;
    let open_id = open["id"].as_str().unwrap().to_owned();
    s.stop().await;

    config.clock = StatusClock::Stepped { accept: Duration::from_millis(100), settle: Duration::from_millis(100) };
    let s = Running::start(config).await;
    let (st, got) = s.get(&format!("/v1/payments/{id}"), KEY).await;
    assert_eq!((st, got["iso_status"].as_str()), (StatusCode::OK, Some("ACSC")));
    // The idempotency record survived: the retry replays.
    let (st, headers, replay) = s.post("/v1/payments", KEY, &payment(3000, "acc_789012"), Some(&key)).await;
    assert_eq!((st, headers["idempotent-replayed"].to_str().unwrap()), (StatusCode::CREATED, "true"));
    assert_eq!(replay["id"], id.as_str());
    wait_for(async || s.get(&format!("/v1/payments/{open_id}"), KEY).await.1["iso_status"] == "ACSC").await;
    let (_, events) = s.get(&format!("/v1/events?payment_id={id}"), KEY).await;
    assert_eq!(events["data"].as_array().unwrap().len(), 3);
    s.stop().await;
}

async fn graceful_shutdown_finishes_in_flight_requests(db: DbPath) {
    let mut config = on(&db, Config::for_tests(&[KEY]));
    config.scenarios.slow_delay = Duration::from_secs(10);
    let s = Running::start(config).await;
    let client = s.client.clone();
    let url = s.url("/v1/payments");
    let slow = tokio::spawn(async move {
        client
            .post(url)
            .bearer_auth(KEY)
            .header("Idempotency-Key", uuid())
            .json(&payment(108, "acc_789012"))
            .send()
            .await
            .map(|r| r.status())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    s.stop().await;
    assert_eq!(slow.await.unwrap().unwrap(), StatusCode::CREATED, "the in-flight request got its answer");
    assert!(started.elapsed() < Duration::from_secs(8), "shutdown cuts the scenario delay short");
}

/// Bounded in count (20,000 requests at most) and in time (25 s of sending): whatever was sent
/// must be stored exactly once.
async fn bounded_load_no_lost_no_duplicated_payment(db: DbPath) {
    const TASKS: usize = 8;
    const PER_TASK: usize = 2500;
    let s = Arc::new(Running::start(on(&db, Config::for_tests(&[KEY]))).await);
    let stop_sending = std::time::Instant::now() + Duration::from_secs(25);
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::with_capacity(PER_TASK);
            for i in 0..PER_TASK {
                if std::time::Instant::now() >= stop_sending {
                    break;
                }
                let e2e = format!("LOAD-{t}-{i}");
                let body = json!({"amount": 1000 + 100 * i, "currency": "EUR", "source_account": format!("acc_load{t}"), "destination_account": "acc_789012", "end_to_end_id": e2e, "reference": "LOAD"});
                let key = format!("load-{t}-{i}");
                // Retry on transport errors and 409 with the same key: never a second payment.
                let mut tries = 0;
                loop {
                    let sent = s.client.post(s.url("/v1/payments")).bearer_auth(KEY).header("Idempotency-Key", &key).json(&body).send().await;
                    match sent {
                        Ok(r) if r.status() == StatusCode::CREATED => {
                            let v: Value = r.json().await.unwrap();
                            ids.push(v["id"].as_str().unwrap().to_owned());
                            break;
                        }
                        Ok(r) if r.status() == StatusCode::CONFLICT || r.status().is_server_error() => {}
                        Ok(r) => panic!("unexpected {}", r.status()),
                        Err(_) => {}
                    }
                    tries += 1;
                    assert!(tries < 5, "request {t}-{i} failed 5 times");
                }
            }
            ids
        }));
    }
    let mut all = std::collections::HashSet::new();
    let mut sent = vec![];
    for t in tasks {
        let ids = t.await.unwrap();
        sent.push(ids.len());
        all.extend(ids);
    }
    let total: usize = sent.iter().sum();
    println!("load: {total} payments created by {TASKS} tasks");
    assert!(total >= 1000, "too few requests in the time bound: {total}");
    assert_eq!(all.len(), total, "no duplicated id");
    // Every payment is stored exactly once: walk each debtor's transactions.
    for (t, n) in sent.iter().enumerate() {
        let (_, tx) = s.get(&format!("/v1/accounts/acc_load{t}/transactions"), KEY).await;
        let data = tx["data"].as_array().unwrap();
        assert_eq!(data.len(), *n, "task {t}: nothing lost, nothing doubled");
        assert!(data.iter().all(|d| all.contains(d["id"].as_str().unwrap())));
    }
    Arc::into_inner(s).unwrap().stop().await;
}

fn soap_request(
    version: payglot_soap::SoapVersion,
    message_id: &str,
    minor: i64,
    creditor_iban: &str,
    e2e: &str,
) -> String {
    use payglot_core_model::{CanonicalJson, Codec, DecodeLimits, EncodeOptions};
    let amount = format!("{}.{:02}", minor / 100, minor % 100);
    let doc = json!({"canonical_version": 1, "message": {"payment_initiation": {
        "header": {"message_id": message_id, "created": "2025-01-02T10:00:00Z"},
        "batches": [{"id": "B-1", "method": "transfer", "transfers": [{
            "ids": {"end_to_end_id": e2e},
            "instructed_amount": {"amount": amount, "currency": "EUR"},
            "debtor": {"name": "Muster GmbH"},
            "debtor_account": {"id": {"iban": "DE89370400440532013000"}},
            "creditor": {"name": "Lieferant SARL"},
            "creditor_account": {"id": {"iban": creditor_iban}},
            "remittance": {"unstructured": ["INV-2025-001"]}
        }]}]
    }}});
    let message = CanonicalJson.decode(doc.to_string().as_bytes(), &DecodeLimits::default()).unwrap().message;
    let encoded = payglot_soap::SoapPayglot::new(version).encode(&message, &EncodeOptions::default()).unwrap();
    String::from_utf8(encoded.bytes).unwrap()
}

fn soap_status(body: &str) -> (String, String, Option<String>) {
    use payglot_core_model::{Codec, DecodeLimits, Message};
    let decoded = payglot_soap::SoapPayglot::default().decode(body.as_bytes(), &DecodeLimits::default()).unwrap();
    let Message::StatusReport(report) = decoded.message else { panic!("not a status report: {body}") };
    let tx = &report.transactions[0];
    let id = tx.status_id.as_ref().unwrap().as_str().to_owned();
    let status = tx.status.as_ref().unwrap().as_str().to_owned();
    let reason = tx.reasons.first().and_then(|r| r.iso_reason()).map(|r| r.as_str().to_owned());
    (id, status, reason)
}

async fn soap_initiate_status_wsdl_and_cross_style_visibility(db: DbPath) {
    use payglot_soap::SoapVersion;
    let s = Running::start(on(&db, Config::for_tests(&[KEY]))).await;
    let wsdl = s.client.get(s.url("/soap?wsdl")).send().await.unwrap();
    assert_eq!(wsdl.status(), StatusCode::OK);
    assert!(wsdl.text().await.unwrap().contains("definitions"));

    let send = |version: SoapVersion, body: String| {
        let req = s.client.post(s.url("/soap")).bearer_auth(KEY).body(body);
        match version {
            SoapVersion::V1_1 => req
                .header("content-type", "text/xml; charset=utf-8")
                .header("SOAPAction", "\"urn:payglot:soap:v1:InitiatePayment\""),
            SoapVersion::V1_2 => req.header("content-type", "application/soap+xml; charset=utf-8"),
        }
        .send()
    };
    let request = soap_request(SoapVersion::V1_1, "MSG-SOAP-1", 125_000, "FR1420041010050500013M02606", "E2E-SOAP-1");
    let resp = send(SoapVersion::V1_1, request.clone()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().await.unwrap();
    let (id, status, reason) = soap_status(&text);
    assert_eq!((status.as_str(), reason), ("ACSC", None));
    // The same payment, same id and status, through REST.
    let (st, rest) = s.get(&format!("/v1/payments/{id}"), KEY).await;
    assert_eq!(
        (st, rest["iso_status"].as_str(), rest["amount"].as_i64(), rest["end_to_end_id"].as_str()),
        (StatusCode::OK, Some("ACSC"), Some(125_000), Some("E2E-SOAP-1"))
    );
    // The same message again replays; the same message id with other content is refused.
    let again = send(SoapVersion::V1_1, request).await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.text().await.unwrap(), text);
    let other = soap_request(SoapVersion::V1_1, "MSG-SOAP-1", 125_100, "FR1420041010050500013M02606", "E2E-SOAP-1b");
    let refused = send(SoapVersion::V1_1, other).await.unwrap();
    assert_eq!(refused.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(refused.text().await.unwrap().contains("idempotency"));

    // Scenarios apply in SOAP too (1.2 this time): .51 is RJCT AM04; AC04 creditor.
    let resp = send(
        SoapVersion::V1_2,
        soap_request(SoapVersion::V1_2, "MSG-SOAP-2", 5051, "FR1420041010050500013M02606", "E2E-SOAP-2"),
    )
    .await
    .unwrap();
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/soap+xml"));
    let (rejected, status, reason) = soap_status(&resp.text().await.unwrap());
    assert_eq!((status.as_str(), reason.as_deref()), ("RJCT", Some("AM04")));
    let (_, rest) = s.get(&format!("/v1/payments/{rejected}"), KEY).await;
    assert_eq!((rest["iso_status"].as_str(), rest["status_reasons"][0]["code"].as_str()), (Some("RJCT"), Some("AM04")));
    let resp = send(
        SoapVersion::V1_1,
        soap_request(SoapVersion::V1_1, "MSG-SOAP-3", 5000, "DE75512108001245126199", "E2E-SOAP-3"),
    )
    .await
    .unwrap();
    assert_eq!(soap_status(&resp.text().await.unwrap()).2.as_deref(), Some("AC04"));

    // A REST payment is visible through SOAP GetPaymentStatus with the same id and status.
    let (_, _, p) = s.post("/v1/payments", KEY, &payment(777, "acc_789012"), None).await;
    let rest_id = p["id"].as_str().unwrap();
    let query = payglot_soap::PayglotBody::GetPaymentStatusRequest(payglot_soap::PaymentStatusQuery {
        status_id: Some(payglot_core_model::Max35Text::new(rest_id).unwrap()),
        ..Default::default()
    })
    .to_envelope(SoapVersion::V1_1, &[])
    .unwrap();
    let resp = s
        .client
        .post(s.url("/soap"))
        .bearer_auth(KEY)
        .header("content-type", "text/xml")
        .header("SOAPAction", "urn:payglot:soap:v1:GetPaymentStatus")
        .body(query)
        .send()
        .await
        .unwrap();
    let text = resp.text().await.unwrap();
    let (id, status, _) = soap_status(&text);
    assert_eq!((id.as_str(), status.as_str()), (rest_id, "ACSC"));
    s.stop().await;
}

const IBAN_DEBTOR: &str = "DE89370400440532013000";
const IBAN_CREDITOR: &str = "FR1420041010050500013M02606";

/// A pain.001.001.09 of the given transfers (end-to-end id, minor units), written by payglot-iso20022.
fn pain001(message_id: &str, transfers: &[(&str, i64)]) -> Vec<u8> {
    use payglot_core_model::{CanonicalJson, Codec, DecodeLimits, EncodeOptions};
    let transfers: Vec<Value> = transfers
        .iter()
        .map(|(e2e, minor)| {
            json!({
                "ids": {"instruction_id": format!("I-{e2e}"), "end_to_end_id": e2e},
                "instructed_amount": {"amount": format!("{}.{:02}", minor / 100, minor % 100), "currency": "EUR"},
                "requested_execution": {"date": "2025-01-03"},
                "debtor": {"name": "Muster GmbH"},
                "debtor_account": {"id": {"iban": IBAN_DEBTOR}},
                "debtor_agent": {"bic": "COBADEFFXXX"},
                "creditor": {"name": "Lieferant SARL"},
                "creditor_account": {"id": {"iban": IBAN_CREDITOR}},
                "remittance": {"unstructured": ["INV-ISO"]}
            })
        })
        .collect();
    let doc = json!({"canonical_version": 1, "message": {"payment_initiation": {
        "header": {"message_id": message_id, "created": "2025-01-02T10:00:00Z", "initiating_party": {"name": "Muster GmbH"}},
        "batches": [{"id": "B-1", "method": "transfer", "transfers": transfers}]
    }}});
    let message = CanonicalJson.decode(doc.to_string().as_bytes(), &DecodeLimits::default()).unwrap().message;
    let codec = payglot_iso20022::Iso20022Codec::new(payglot_iso20022::IsoMessage::Pain001V09);
    codec.encode(&message, &EncodeOptions::lossy()).unwrap().bytes
}

/// Decode any supported ISO 20022 document (the version its namespace names).
fn iso_decode(body: &[u8]) -> payglot_core_model::Message {
    use payglot_core_model::{Codec, DecodeLimits};
    let Some(Ok(format)) = payglot_iso20022::sniff(body) else {
        panic!("not ISO 20022: {}", String::from_utf8_lossy(body))
    };
    let version = payglot_iso20022::IsoMessage::ALL.into_iter().find(|m| m.format() == format).unwrap();
    payglot_iso20022::Iso20022Codec::new(version).decode(body, &DecodeLimits::default()).unwrap().message
}

/// (payment id, status, reason) of every transaction of a pain.002, and the group status.
/// (payment id, status, reason) of each transaction.
type TxStatuses = Vec<(String, String, Option<String>)>;

fn pain002(body: &[u8]) -> (TxStatuses, Option<String>) {
    let payglot_core_model::Message::StatusReport(report) = iso_decode(body) else { panic!("not a pain.002") };
    let group = report.original_groups.first().and_then(|g| g.status.as_ref()).map(|s| s.as_str().to_owned());
    let txs = report
        .payment_infos
        .iter()
        .flat_map(|p| p.transactions.iter())
        .chain(report.transactions.iter())
        .map(|t| {
            (
                t.status_id.as_ref().map(|i| i.as_str().to_owned()).unwrap_or_default(),
                t.status.as_ref().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                t.reasons.first().and_then(|r| r.iso_reason()).map(|r| r.as_str().to_owned()),
            )
        })
        .collect();
    (txs, group)
}

fn ob_initiation(v31: bool, e2e: &str, amount: &str) -> Value {
    let remittance = if v31 {
        json!({"Reference": "FRESCO-101", "Unstructured": "Internal ops code 5120101"})
    } else {
        json!({"Unstructured": ["Internal ops code 5120101"]})
    };
    json!({
        "InstructionIdentification": "ACME412",
        "EndToEndIdentification": e2e,
        "InstructedAmount": {"Amount": amount, "Currency": "GBP"},
        "DebtorAccount": {"SchemeName": "UK.OBIE.SortCodeAccountNumber", "Identification": "11280001234567", "Name": "Andrea Smith"},
        "CreditorAccount": {"SchemeName": "UK.OBIE.SortCodeAccountNumber", "Identification": "08080021325698", "Name": "ACME Inc"},
        "RemittanceInformation": remittance
    })
}

impl Running {
    async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, HeaderMap, Vec<u8>) {
        let resp = req.send().await.unwrap();
        let (status, headers) = (resp.status(), resp.headers().clone());
        (status, headers, resp.bytes().await.unwrap().to_vec())
    }

    /// Create through Open Banking (consent, then payment): the payment id.
    async fn open_banking(&self, version: &str, e2e: &str, amount: &str) -> (StatusCode, Value) {
        let v31 = version == "v3.1";
        let base = format!("/open-banking/{version}/pisp");
        let consent = json!({"Data": {"Initiation": ob_initiation(v31, e2e, amount)}, "Risk": {}});
        let (st, headers, body) = self
            .send(
                self.client
                    .post(self.url(&format!("{base}/domestic-payment-consents")))
                    .bearer_auth(KEY)
                    .header("x-idempotency-key", uuid())
                    .header("x-fapi-interaction-id", "93bac548-d2de-4546-b106-880a5018460d")
                    .json(&consent),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
        assert_eq!(headers["x-fapi-interaction-id"], "93bac548-d2de-4546-b106-880a5018460d");
        let consent: Value = serde_json::from_slice(&body).unwrap();
        let consent_id = consent["Data"]["ConsentId"].as_str().unwrap();
        assert_eq!(consent["Data"]["Status"], "Authorised");
        let payment =
            json!({"Data": {"ConsentId": consent_id, "Initiation": ob_initiation(v31, e2e, amount)}, "Risk": {}});
        let key = uuid();
        let post = || {
            self.client
                .post(self.url(&format!("{base}/domestic-payments")))
                .bearer_auth(KEY)
                .header("x-idempotency-key", &key)
                .json(&payment)
        };
        let (st, _, body) = self.send(post()).await;
        let doc: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        // The same key replays; the consent cannot be used by another request.
        let (again, headers, replay) = self.send(post()).await;
        assert_eq!((again, headers.get("idempotent-replayed").is_some()), (st, true));
        assert_eq!(replay, body);
        let (st2, _, other) = self
            .send(
                self.client
                    .post(self.url(&format!("{base}/domestic-payments")))
                    .bearer_auth(KEY)
                    .header("x-idempotency-key", uuid())
                    .json(&payment),
            )
            .await;
        assert_eq!(st2, StatusCode::UNPROCESSABLE_ENTITY, "{}", String::from_utf8_lossy(&other));
        (st, doc)
    }

    /// Read one payment back in every style: (REST, BG, OB v4, OB v3.1, SOAP, ISO) statuses.
    async fn statuses(&self, id: &str) -> [String; 6] {
        let (_, rest) = self.get(&format!("/v1/payments/{id}"), KEY).await;
        assert_eq!(rest["id"], id);
        let (_, bg) = self.get(&format!("/v1/payments/sepa-credit-transfers/{id}/status"), KEY).await;
        let (_, ob) = self.get(&format!("/open-banking/v4.0/pisp/domestic-payments/{id}"), KEY).await;
        assert_eq!(ob["Data"]["DomesticPaymentId"], id, "{ob}");
        let (_, ob31) = self.get(&format!("/open-banking/v3.1/pisp/domestic-payments/{id}"), KEY).await;
        let query = payglot_soap::PayglotBody::GetPaymentStatusRequest(payglot_soap::PaymentStatusQuery {
            status_id: Some(payglot_core_model::Max35Text::new(id).unwrap()),
            ..Default::default()
        })
        .to_envelope(payglot_soap::SoapVersion::V1_1, &[])
        .unwrap();
        let (_, _, soap) = self
            .send(
                self.client
                    .post(self.url("/soap"))
                    .bearer_auth(KEY)
                    .header("content-type", "text/xml")
                    .header("SOAPAction", "urn:payglot:soap:v1:GetPaymentStatus")
                    .body(query),
            )
            .await;
        let (soap_id, soap_status, _) = soap_status(&String::from_utf8_lossy(&soap));
        assert_eq!(soap_id, id);
        let (st, _, iso) =
            self.send(self.client.get(self.url(&format!("/iso20022/payments/{id}/status"))).bearer_auth(KEY)).await;
        assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&iso));
        let (txs, _) = pain002(&iso);
        assert_eq!(txs[0].0, id);
        let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
        [
            text(&rest["iso_status"]),
            text(&bg["transactionStatus"]),
            text(&ob["Data"]["Status"]),
            text(&ob31["Data"]["Status"]),
            soap_status,
            txs[0].1.clone(),
        ]
    }
}

async fn every_style_creates_and_every_style_reads_back(db: DbPath) {
    let s = Running::start(on(&db, Config::for_tests(&[KEY]))).await;
    let settled = ["ACSC", "ACSC", "ACSC", "AcceptedSettlementCompleted", "ACSC", "ACSC"].map(String::from);
    let rejected = ["RJCT", "RJCT", "RJCT", "Rejected", "RJCT", "RJCT"].map(String::from);
    let mut ids = Vec::new();

    // REST native (with the creditor's name, which Open Banking's answers need).
    let mut body = payment(1999, "acc_789012");
    body["creditor"] = json!({"name": "ACME Inc"});
    let (st, _, p) = s.post("/v1/payments", KEY, &body, None).await;
    assert_eq!(st, StatusCode::CREATED);
    ids.push((p["id"].as_str().unwrap().to_owned(), &settled));

    // Berlin Group, both path forms; X-Request-ID is the idempotency key.
    let bg = |amount: &str, e2e: &str| {
        json!({"endToEndIdentification": e2e, "debtorAccount": {"iban": IBAN_DEBTOR}, "instructedAmount": {"currency": "EUR", "amount": amount},
               "creditorAccount": {"iban": IBAN_CREDITOR}, "creditorName": "Lieferant SARL", "remittanceInformationUnstructured": "INV-BG"})
    };
    let request_id = uuid();
    let post_bg = |path: &str, body: Value, rid: Option<&str>| {
        let mut req = s.client.post(s.url(path)).bearer_auth(KEY).json(&body);
        if let Some(rid) = rid {
            req = req.header("X-Request-ID", rid);
        }
        s.send(req)
    };
    let (st, headers, body) =
        post_bg("/v1/payments/sepa-credit-transfers", bg("123.45", "E2E-BG-1"), Some(&request_id)).await;
    assert_eq!(st, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    let created: Value = serde_json::from_slice(&body).unwrap();
    let bg_id = created["paymentId"].as_str().unwrap().to_owned();
    assert_eq!(created["transactionStatus"], "ACSC");
    assert_eq!(headers["location"], format!("/v1/payments/sepa-credit-transfers/{bg_id}"));
    assert_eq!(created["_links"]["status"]["href"], format!("/v1/payments/sepa-credit-transfers/{bg_id}/status"));
    let (st, headers, again) =
        post_bg("/v1/payments/sepa-credit-transfers", bg("123.45", "E2E-BG-1"), Some(&request_id)).await;
    assert_eq!((st, headers["idempotent-replayed"].to_str().unwrap(), again), (StatusCode::CREATED, "true", body));
    let (st, _, refused) =
        post_bg("/v1/payments/sepa-credit-transfers", bg("123.46", "E2E-BG-1"), Some(&request_id)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let refused: Value = serde_json::from_slice(&refused).unwrap();
    assert_eq!(refused["tppMessages"][0]["category"], "ERROR");
    let (st, _, missing) = post_bg("/v1/payments/sepa-credit-transfers", bg("1.00", "E2E-BG-2"), None).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&missing));
    assert_eq!(serde_json::from_slice::<Value>(&missing).unwrap()["tppMessages"][0]["code"], "FORMAT_ERROR");
    let (st, headers, body) =
        post_bg("/v1/instant-sepa-credit-transfers", bg("10.51", "E2E-BG-3"), Some(&uuid())).await;
    assert_eq!(st, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    assert_eq!(headers["x-payglot-status-reason"], "AM04");
    let rejected_bg: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(rejected_bg["transactionStatus"], "RJCT");
    ids.push((bg_id, &settled));
    ids.push((rejected_bg["paymentId"].as_str().unwrap().to_owned(), &rejected));
    let (st, _, _) = post_bg("/v1/payments/no-such-product", bg("1.00", "E2E-BG-4"), Some(&uuid())).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Open Banking v4 and v3.1.
    for version in ["v4.0", "v3.1"] {
        let (st, doc) = s.open_banking(version, &format!("E2E-OB-{version}"), "165.88").await;
        assert_eq!(st, StatusCode::CREATED, "{doc}");
        let id = doc["Data"]["DomesticPaymentId"].as_str().unwrap().to_owned();
        assert_eq!(doc["Data"]["Initiation"]["EndToEndIdentification"], format!("E2E-OB-{version}"));
        ids.push((id, &settled));
    }
    let (st, doc) = s.open_banking("v4.0", "E2E-OB-RJ", "10.51").await;
    assert_eq!((st, doc["Data"]["Status"].as_str()), (StatusCode::CREATED, Some("RJCT")));
    assert_eq!(doc["Data"]["StatusReason"][0]["StatusReasonCode"], "AM04");
    // The response is an OBWriteDomesticResponse payglot-rest reads back.
    use payglot_core_model::Codec;
    let decoded = payglot_rest::RestOpenBankingUk::v4()
        .decode(doc.to_string().as_bytes(), &payglot_core_model::DecodeLimits::default())
        .unwrap();
    assert!(matches!(decoded.message, payglot_core_model::Message::StatusReport(_)));
    ids.push((doc["Data"]["DomesticPaymentId"].as_str().unwrap().to_owned(), &rejected));

    // SOAP.
    let request = soap_request(payglot_soap::SoapVersion::V1_1, "MSG-X-1", 4_200, IBAN_CREDITOR, "E2E-SOAP-X");
    let (st, _, body) = s
        .send(
            s.client
                .post(s.url("/soap"))
                .bearer_auth(KEY)
                .header("content-type", "text/xml; charset=utf-8")
                .header("SOAPAction", "\"urn:payglot:soap:v1:InitiatePayment\"")
                .body(request),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    ids.push((soap_status(&String::from_utf8_lossy(&body)).0, &settled));

    // ISO 20022: one pain.001 with three transfers, one of them declined.
    let doc = pain001("MSG-ISO-1", &[("E2E-ISO-1", 10_000), ("E2E-ISO-2", 2_051), ("E2E-ISO-3", 300)]);
    let post_iso = |body: Vec<u8>| {
        s.send(s.client.post(s.url("/iso20022")).bearer_auth(KEY).header("content-type", "application/xml").body(body))
    };
    let (st, _, body) = post_iso(doc.clone()).await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("pain.002.001.10"));
    let (txs, group) = pain002(&body);
    assert_eq!(group.as_deref(), Some("PART"));
    let statuses: Vec<(&str, Option<&str>)> = txs.iter().map(|(_, s, r)| (s.as_str(), r.as_deref())).collect();
    assert_eq!(statuses, [("ACSC", None), ("RJCT", Some("AM04")), ("ACSC", None)]);
    // The same message again: no new payment, the same ids.
    let (_, _, again) = post_iso(doc).await;
    let (txs_again, _) = pain002(&again);
    assert_eq!(txs.iter().map(|t| &t.0).collect::<Vec<_>>(), txs_again.iter().map(|t| &t.0).collect::<Vec<_>>());
    // The same message id and end-to-end id with other content: refused, as a pain.002.
    let (st, _, body) = post_iso(pain001("MSG-ISO-1", &[("E2E-ISO-1", 10_001)])).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, group) = pain002(&body);
    assert_eq!(group.as_deref(), Some("RJCT"));
    ids.push((txs[0].0.clone(), &settled));
    ids.push((txs[1].0.clone(), &rejected));

    // Every payment, whatever style created it: the same id and status in every style.
    for (id, expected) in &ids {
        assert_eq!(&s.statuses(id).await, *expected, "payment {id}");
    }

    // camt.053 of today's bookings on the creditor IBAN; camt.054 notifications.
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let (st, _, camt) = s
        .send(s.client.get(s.url(&format!("/iso20022/statements/{IBAN_CREDITOR}?date={today}"))).bearer_auth(KEY))
        .await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&camt));
    {
        use payglot_core_model::{CreditDebit, Message};
        let Message::Statement(stmt) = iso_decode(&camt) else { panic!("not a camt.053") };
        let report = &stmt.reports[0];
        // Settled credits on the IBAN: BG 123.45, SOAP 42.00, ISO 100.00 + 3.00.
        assert_eq!(report.entries.len(), 4);
        assert!(report.entries.iter().all(|e| e.credit_debit == CreditDebit::Credit));
        let closing = report
            .balances
            .iter()
            .find(|b| matches!(&b.kind, payglot_core_model::CodeOrProprietary::Code(c) if c.as_str() == "CLBD"))
            .unwrap();
        assert_eq!(closing.amount.amount().to_string(), "268.45");
    }
    let (st, headers, camt) = s.send(s.client.get(s.url("/iso20022/notifications")).bearer_auth(KEY)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(String::from_utf8_lossy(&camt).contains("camt.054.001.08"));
    let next = headers["payglot-next-since"].to_str().unwrap().to_owned();
    let (st, _, _) = s
        .send(s.client.get(s.url("/iso20022/notifications")).query(&[("since", next.as_str())]).bearer_auth(KEY))
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);

    // Unauthenticated: 401 in each style's own shape.
    let anon = |req: reqwest::RequestBuilder| s.send(req);
    let (st, _, body) =
        anon(s.client.post(s.url("/v1/payments/sepa-credit-transfers")).json(&bg("1.00", "E2E-A"))).await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((st, body["tppMessages"][0]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("TOKEN_INVALID")));
    let (st, _, body) = anon(s.client.post(s.url("/v1/sepa-credit-transfers")).json(&bg("1.00", "E2E-A"))).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert!(serde_json::from_slice::<Value>(&body).unwrap()["tppMessages"].is_array());
    let (st, _, body) = anon(s.client.post(s.url("/open-banking/v4.0/pisp/domestic-payments")).json(&json!({}))).await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((st, body["Errors"][0]["ErrorCode"].as_str()), (StatusCode::UNAUTHORIZED, Some("U006")));
    let (st, _, body) = anon(s.client.get(s.url("/open-banking/v3.1/pisp/domestic-payments/x"))).await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (st, body["Errors"][0]["ErrorCode"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("UK.OBIE.Header.Invalid"))
    );
    let (st, _, body) = anon(s.client.post(s.url("/iso20022")).body(pain001("MSG-A", &[("E2E-A", 100)]))).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(pain002(&body).1.as_deref(), Some("RJCT"));
    s.stop().await;
}

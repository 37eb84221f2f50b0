//! End-to-end tests over real HTTP on 127.0.0.1 (port 0): the server runs in the test, a
//! reqwest client drives it, and a test receiver takes webhooks.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
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
        let mut req = self.client.post(self.url(path)).bearer_auth(key).json(body);
        if let Some(k) = idem {
            req = req.header("Idempotency-Key", k);
        }
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

fn payment(minor: i64, creditor: &str) -> Value {
    json!({"amount": minor, "currency": "EUR", "source_account": "acc_123456", "destination_account": creditor})
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_get_list_and_transactions() {
    let s = Running::start(Config::for_tests(&[KEY, OTHER_KEY])).await;
    let key = uuid();
    let body = json!({"amount": 5000, "currency": "USD", "source_account": "acc_123456", "destination_account": "acc_789012", "reference": "INV-2025-001", "idempotency_key": key});
    let (status, headers, created) = s.post("/v1/payments", KEY, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(headers.contains_key("x-request-id"));
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("pay_") && id.len() <= 35);
    assert_eq!(created["status"], "ACSC");
    assert_eq!(created["amount"], 5000);
    assert_eq!(created["amount_decimal"], "50.00");
    assert_eq!(created["reference"], "INV-2025-001");
    let history: Vec<&str> =
        created["status_history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["RCVD", "ACTC", "ACSC"]);

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
    assert!(data.iter().all(|t| t["credit_debit"] == "credit" && t["booked"] == true));
    let (_, tx) = s.get("/v1/accounts/acc_123456/transactions", KEY).await;
    assert!(tx["data"].as_array().unwrap().iter().all(|t| t["credit_debit"] == "debit"));

    let (status, health) = s.get("/healthz", "").await;
    assert_eq!((status, health["status"].as_str()), (StatusCode::OK, Some("ok")));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_row() {
    let mut config = Config::for_tests(&[KEY]);
    config.scenarios.slow_delay = Duration::from_secs(6);
    let s = Running::start(config).await;
    for (minor, creditor, debtor, status, reason, problem) in [
        (5051, "acc_789012", "acc_123456", 422, "AM04", "insufficient-funds"),
        (5000, "acc_000000", "acc_123456", 422, "AC01", "invalid-account"),
        (5000, "acc_999999", "acc_123456", 422, "AC04", "account-closed"),
        (5000, "acc_789012", "acc_blocked", 422, "AG01", ""),
    ] {
        let body =
            json!({"amount": minor, "currency": "EUR", "source_account": debtor, "destination_account": creditor});
        let (st, _, p) = s.post("/v1/payments", KEY, &body, None).await;
        assert_eq!(st.as_u16(), status, "{reason}: {p}");
        assert_eq!(p["status_reason"], reason);
        if !problem.is_empty() {
            assert_eq!(p["type"], format!("urn:payglot:problem:{problem}"));
        }
        let id = p["payment_id"].as_str().unwrap();
        let (_, got) = s.get(&format!("/v1/payments/{id}"), KEY).await;
        assert_eq!((got["status"].as_str(), got["status_reason"].as_str()), (Some("RJCT"), Some(reason)));
    }

    // Repeated end-to-end id: AM05, 409.
    let body = json!({"amount": 700, "currency": "EUR", "source_account": "acc_123456", "destination_account": "acc_789012", "end_to_end_id": "E2E-1"});
    assert_eq!(s.post("/v1/payments", KEY, &body, None).await.0, StatusCode::CREATED);
    let (st, _, p) = s.post("/v1/payments", KEY, &body, None).await;
    assert_eq!((st, p["status_reason"].as_str()), (StatusCode::CONFLICT, Some("AM05")));
    assert_eq!(p["type"], "urn:payglot:problem:duplicate-payment");

    // .03: 503 with Retry-After; the retry with the same key goes through.
    let key = uuid();
    let (st, headers, p) = s.post("/v1/payments", KEY, &payment(5003, "acc_789012"), Some(&key)).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{p}");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(p["type"], "urn:payglot:problem:service-unavailable");
    let (st, _, p) = s.post("/v1/payments", KEY, &payment(5003, "acc_789012"), Some(&key)).await;
    assert_eq!((st, p["status"].as_str()), (StatusCode::CREATED, Some("ACSC")));
    // Without a key every attempt is 503.
    assert_eq!(
        s.post("/v1/payments", KEY, &payment(5003, "acc_789012"), None).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );

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
    assert_eq!((st, p["status"].as_str()), (StatusCode::CREATED, Some("ACSC")));
    assert_eq!(headers["idempotent-replayed"], "true");
    assert!(started.elapsed() < Duration::from_secs(4), "the replay does not wait for the delay");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_replay_mismatch_and_fifty_concurrent_retries() {
    let s = Arc::new(Running::start(Config::for_tests(&[KEY])).await);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_in_each_style_and_oauth() {
    let s = Running::start(Config::for_tests(&[KEY])).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_and_body_limit() {
    let mut config = Config::for_tests(&[KEY, OTHER_KEY]);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_signed_retried_and_disabled_on_410() {
    let s = Running::start(Config::for_tests(&[KEY])).await;
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
    assert_eq!((st, p["status"].as_str()), (StatusCode::CREATED, Some("RCVD")));
    let id = p["id"].as_str().unwrap().to_owned();
    wait_for(async || s.get(&format!("/v1/payments/{id}"), KEY).await.1["status"] == "ACSC").await;
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
    assert_eq!((st, got["status"].as_str()), (StatusCode::OK, Some("ACSC")));
    let history: Vec<&str> =
        got["status_history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["RCVD", "ACTC", "ACSC"]);
    // The idempotency record survived: the retry replays.
    let (st, headers, replay) = s.post("/v1/payments", KEY, &payment(3000, "acc_789012"), Some(&key)).await;
    assert_eq!((st, headers["idempotent-replayed"].to_str().unwrap()), (StatusCode::CREATED, "true"));
    assert_eq!(replay["id"], id.as_str());
    wait_for(async || s.get(&format!("/v1/payments/{open_id}"), KEY).await.1["status"] == "ACSC").await;
    let (_, events) = s.get(&format!("/v1/events?payment_id={id}"), KEY).await;
    assert_eq!(events["data"].as_array().unwrap().len(), 3);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_finishes_in_flight_requests() {
    let mut config = Config::for_tests(&[KEY]);
    config.scenarios.slow_delay = Duration::from_secs(10);
    let s = Running::start(config).await;
    let client = s.client.clone();
    let url = s.url("/v1/payments");
    let slow = tokio::spawn(async move {
        client.post(url).bearer_auth(KEY).json(&payment(108, "acc_789012")).send().await.map(|r| r.status())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    s.stop().await;
    assert_eq!(slow.await.unwrap().unwrap(), StatusCode::CREATED, "the in-flight request got its answer");
    assert!(started.elapsed() < Duration::from_secs(8), "shutdown cuts the scenario delay short");
}

/// Bounded in count (20,000 requests at most) and in time (25 s of sending): whatever was sent
/// must be stored exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bounded_load_no_lost_no_duplicated_payment() {
    const TASKS: usize = 8;
    const PER_TASK: usize = 2500;
    let s = Arc::new(Running::start(Config::for_tests(&[KEY])).await);
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
                let body = json!({"amount": 1000 + 100 * i, "currency": "EUR", "source_account": format!("acc_load{t}"), "destination_account": "acc_789012", "end_to_end_id": e2e});
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
        assert!(data.iter().all(|d| all.contains(d["payment_id"].as_str().unwrap())));
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soap_initiate_status_wsdl_and_cross_style_visibility() {
    use payglot_soap::SoapVersion;
    let s = Running::start(Config::for_tests(&[KEY])).await;
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
        (st, rest["status"].as_str(), rest["amount_decimal"].as_str()),
        (StatusCode::OK, Some("ACSC"), Some("1250.00"))
    );
    assert_eq!(rest["created_via"], "soap:payglot");
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
    assert_eq!((rest["status"].as_str(), rest["status_reason"].as_str()), (Some("RJCT"), Some("AM04")));
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

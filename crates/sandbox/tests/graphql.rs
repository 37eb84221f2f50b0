//! GraphQL at `/graphql` over real HTTP on 127.0.0.1: one store with REST and SOAP (same ids
//! and statuses both ways), the sandbox's auth in GraphQL's error shape, idempotency and
//! scenarios through `initiatePayment`, subscriptions over WebSocket, the GraphiQL page, and
//! the page loaded in headless Chromium (skipped, with a printed line, when `chromium` is
//! not installed).

#[macro_use]
mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use axum::http::StatusCode;
use common::on;
use futures_util::{SinkExt, StreamExt};
use payglot_sandbox::{Config, DbPath, Server, StatusClock};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const KEY: &str = "sk_test_0123456789abcdef";
const OTHER_KEY: &str = "sk_test_fedcba9876543210";

struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), payglot_sandbox::ServeError>>,
    client: reqwest::Client,
}

impl Running {
    async fn start(config: Config) -> Self {
        let server = Server::bind(config).await.expect("bind");
        let addr = server.local_addr();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async move {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
        Self { addr, stop: Some(tx), task, client }
    }

    async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let stopped = tokio::time::timeout(Duration::from_secs(20), self.task).await;
        assert!(matches!(stopped, Ok(Ok(Ok(())))), "clean shutdown");
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A GraphQL request with `key` (none when empty): HTTP status and body.
    async fn graphql_as(&self, key: &str, query: &str, variables: Value) -> (StatusCode, Value) {
        let mut request = self.client.post(self.url("/graphql")).json(&json!({"query": query, "variables": variables}));
        if !key.is_empty() {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("send");
        let status = response.status();
        (status, response.json::<Value>().await.unwrap_or(Value::Null))
    }

    async fn graphql(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.graphql_as(KEY, query, variables).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn rest_get(&self, path: &str) -> (StatusCode, Value) {
        let response = self.client.get(self.url(path)).bearer_auth(KEY).send().await.expect("send");
        let status = response.status();
        (status, response.json::<Value>().await.unwrap_or(Value::Null))
    }

    async fn rest_create(&self, body: &Value) -> Value {
        let response = self
            .client
            .post(self.url("/v1/payments"))
            .bearer_auth(KEY)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(body)
            .send()
            .await
            .expect("send");
        response.json::<Value>().await.unwrap_or(Value::Null)
    }
}

const INITIATE: &str = "mutation Pay($input: InitiatePaymentInput!, $key: String!) {
  initiatePayment(input: $input, idempotencyKey: $key) {
    payment { id status statusReasons { code errorCode } amount { value currency }
              debtorAccount { identification(unmasked: true) } endToEndId remittanceInformation }
    replayed
    userErrors { field code message }
  }
}";

const PAYMENT: &str = "query One($id: ID!) {
  payment(id: $id) { id status statusReasons { code } amount { value currency } endToEndId
                     creditorAccount { identification(unmasked: true) } statusHistory { status } }
}";

fn input(amount: &str, e2e: &str) -> Value {
    json!({
        "endToEndId": e2e,
        "amount": {"value": amount, "currency": "EUR"},
        "debtor": {"name": "Muster GmbH"},
        "debtorAccount": {"identification": {"iban": "DE89370400440532013000"}},
        "creditor": {"name": "Lieferant SARL"},
        "creditorAccount": {"identification": {"other": {"id": "acc_789012"}}},
        "remittance": {"unstructured": ["INV-2025-001"]}
    })
}

fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

on_each_store!(
    one_store_for_graphql_rest_and_soap,
    auth_idempotency_and_scenarios_in_graphql_terms,
    graphiql_page_is_public,
    status_changes_arrive_over_websocket,
    graphiql_page_runs_a_query_in_headless_chromium
);

async fn one_store_for_graphql_rest_and_soap(db: DbPath) {
    let s = Running::start(on(&db, Config::for_tests(&[KEY, OTHER_KEY]))).await;

    // REST → GraphQL: same id, status and amount.
    let rest = s
        .rest_create(&json!({"amount": 5000, "currency": "USD", "source_account": "acc_123456",
                               "destination_account": "acc_789012", "reference": "INV-2025-001"}))
        .await;
    let rest_id = rest["id"].as_str().expect("a REST payment id").to_owned();
    let body = s.graphql(PAYMENT, json!({"id": rest_id})).await;
    let payment = &body["data"]["payment"];
    assert_eq!(payment["id"], rest_id, "{body}");
    assert_eq!(payment["status"], rest["iso_status"], "{body}");
    assert_eq!(payment["amount"], json!({"value": "50.00", "currency": "USD"}), "{body}");
    assert_eq!(payment["creditorAccount"]["identification"], "acc_789012", "{body}");
    assert_eq!(payment["statusHistory"], json!([{"status": "RCVD"}, {"status": "ACTC"}, {"status": "ACSC"}]));

    // GraphQL → REST.
    let body = s.graphql(INITIATE, json!({"input": input("12.34", "E2E-GQL-1"), "key": "gql-key-1"})).await;
    let created = &body["data"]["initiatePayment"];
    assert_eq!(created["userErrors"], json!([]), "{body}");
    assert_eq!(created["replayed"], false);
    let gql_id = created["payment"]["id"].as_str().expect("a GraphQL payment id").to_owned();
    assert_eq!(created["payment"]["debtorAccount"]["identification"], "DE89370400440532013000");
    assert_eq!(created["payment"]["remittanceInformation"], json!(["INV-2025-001"]));
    let (status, rest) = s.rest_get(&format!("/v1/payments/{gql_id}")).await;
    assert_eq!(status, StatusCode::OK, "{rest}");
    assert_eq!(rest["iso_status"], created["payment"]["status"]);
    assert_eq!((rest["amount"].as_u64(), rest["currency"].as_str()), (Some(1234), Some("EUR")));
    assert_eq!(rest["end_to_end_id"], "E2E-GQL-1");

    // SOAP → GraphQL: the SOAP fixture's payment, by the StatusId the SOAP answer gives.
    let envelope = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/soap/payglot/initiate-payment-soap11/input.xml"),
    )
    .expect("SOAP fixture");
    let response = s
        .client
        .post(s.url("/soap"))
        .bearer_auth(KEY)
        .header("content-type", "text/xml; charset=utf-8")
        .header("SOAPAction", "\"urn:payglot:soap:v1:InitiatePayment\"")
        .body(envelope)
        .send()
        .await
        .expect("send");
    let xml = response.text().await.unwrap_or_default();
    let soap_id = xml
        .split("StatusId>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no StatusId in {xml}"))
        .to_owned();
    let body = s.graphql(PAYMENT, json!({"id": soap_id})).await;
    assert_eq!(body["data"]["payment"]["id"], soap_id, "{body}");
    assert_eq!(body["data"]["payment"]["status"], "ACSC", "{body}");
    assert_eq!(body["data"]["payment"]["amount"], json!({"value": "1250.50", "currency": "EUR"}));

    // Listing: all three, in creation order, as a Relay connection; two pages of two.
    let list = "query List($after: String) { payments(first: 2, after: $after) {
        edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }";
    let first = s.graphql(list, json!({})).await;
    let ids: Vec<&str> = first["data"]["payments"]["edges"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["node"]["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, [rest_id.as_str(), gql_id.as_str()], "{first}");
    assert_eq!(first["data"]["payments"]["pageInfo"]["hasNextPage"], true);
    let after = first["data"]["payments"]["pageInfo"]["endCursor"].clone();
    let second = s.graphql(list, json!({"after": after})).await;
    assert_eq!(second["data"]["payments"]["edges"][0]["node"]["id"], soap_id, "{second}");
    assert_eq!(second["data"]["payments"]["pageInfo"]["hasNextPage"], false);
    let filtered =
        s.graphql("{ payments(filter: {endToEndId: \"E2E-GQL-1\"}) { edges { node { id } } } }", json!({})).await;
    assert_eq!(filtered["data"]["payments"]["edges"], json!([{"node": {"id": gql_id}}]), "{filtered}");

    // Another key sees none of them.
    let (_, other) = s.graphql_as(OTHER_KEY, PAYMENT, json!({"id": rest_id})).await;
    assert_eq!(other["data"]["payment"], Value::Null, "{other}");
    s.stop().await;
}

async fn auth_idempotency_and_scenarios_in_graphql_terms(db: DbPath) {
    let s = Running::start(on(&db, Config::for_tests(&[KEY]))).await;

    // No key, a wrong key: 401 with a GraphQL error coded from the outcome table.
    for key in ["", "sk_test_not_a_key_at_all"] {
        let (status, body) = s.graphql_as(key, "{ payments { edges { cursor } } }", json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(codes(&body), ["UNAUTHENTICATED"], "{body}");
        assert_eq!(body["data"], Value::Null);
    }

    // The same key and input: the same payment, replayed; another input: a user error.
    let first = s.graphql(INITIATE, json!({"input": input("20.00", "E2E-IDEM-1"), "key": "idem-1"})).await;
    let again = s.graphql(INITIATE, json!({"input": input("20.00", "E2E-IDEM-1"), "key": "idem-1"})).await;
    let id = &first["data"]["initiatePayment"]["payment"]["id"];
    assert!(id.is_string(), "{first}");
    assert_eq!(&again["data"]["initiatePayment"]["payment"]["id"], id, "{again}");
    assert_eq!(again["data"]["initiatePayment"]["replayed"], true);
    let changed = s.graphql(INITIATE, json!({"input": input("21.00", "E2E-IDEM-1"), "key": "idem-1"})).await;
    let errors = &changed["data"]["initiatePayment"]["userErrors"];
    assert_eq!(errors[0]["code"], "IDEMPOTENCY_KEY_REUSED", "{changed}");
    assert_eq!(errors[0]["field"], json!(["idempotencyKey"]));
    let (_, list) = s.rest_get("/v1/payments").await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1), "one payment: {list}");

    // A .51 amount is declined AM04: RJCT with a coded user error, and RJCT in REST too.
    let declined = s.graphql(INITIATE, json!({"input": input("50.51", "E2E-DECLINE"), "key": "idem-2"})).await;
    let payload = &declined["data"]["initiatePayment"];
    assert_eq!(payload["payment"]["status"], "RJCT", "{declined}");
    assert_eq!(payload["payment"]["statusReasons"], json!([{"code": "AM04", "errorCode": "INSUFFICIENT_FUNDS"}]));
    assert_eq!(payload["userErrors"][0]["code"], "INSUFFICIENT_FUNDS");
    let rejected_id = payload["payment"]["id"].as_str().unwrap_or_default();
    let (_, rest) = s.rest_get(&format!("/v1/payments/{rejected_id}")).await;
    assert_eq!((rest["iso_status"].as_str(), rest["status_reasons"][0]["code"].as_str()), (Some("RJCT"), Some("AM04")));

    // A .03 amount simulates an outage: a top-level error, nothing stored.
    let outage = s.graphql(INITIATE, json!({"input": input("50.03", "E2E-OUTAGE"), "key": "idem-3"})).await;
    assert_eq!(codes(&outage), ["SERVICE_UNAVAILABLE"], "{outage}");

    // What the sandbox cannot keep is a user error with the field, not a silent drop.
    let mut proxy_only = input("10.00", "E2E-PROXY");
    proxy_only["creditorAccount"] = json!({"proxy": {"id": "+4915112345678"}});
    let refused = s.graphql(INITIATE, json!({"input": proxy_only, "key": "idem-4"})).await;
    let error = &refused["data"]["initiatePayment"]["userErrors"][0];
    assert_eq!(error["code"], "INVALID_REQUEST", "{refused}");
    assert_eq!(error["field"], json!(["input", "creditorAccount", "identification"]));

    // Not offered: a coded top-level error.
    let cancel = s.graphql("mutation { cancelPayment(id: \"x\") { userErrors { code } } }", json!({})).await;
    assert_eq!(codes(&cancel), ["FORBIDDEN"], "{cancel}");
    s.stop().await;
}

async fn graphiql_page_is_public(db: DbPath) {
    let s = Running::start(on(&db, Config::for_tests(&[KEY]))).await;
    let response = s.client.get(s.url("/graphql")).send().await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
    let page = response.text().await.unwrap_or_default();
    assert!(page.contains("GraphiQL") && page.contains("id=\"result\""), "{page}");
    s.stop().await;
}

/// A graphql-transport-ws connection: `init` is the `connection_init` payload.
async fn websocket(
    s: &Running,
    init: Value,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("ws://{}/graphql", s.addr).into_client_request().expect("request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("connect");
    socket.send(WsMessage::text(json!({"type": "connection_init", "payload": init}).to_string())).await.expect("init");
    socket
}

async fn next_json<S>(socket: &mut S) -> Option<Value>
where
    S: futures_util::Stream<Item = Result<WsMessage, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next()).await.ok()??.ok()?;
        match message {
            WsMessage::Text(text) => return serde_json::from_str(text.as_str()).ok(),
            WsMessage::Close(frame) => {
                return Some(json!({"type": "closed", "reason": frame.map(|f| f.reason.to_string())}));
            }
            _ => {}
        }
    }
}

async fn status_changes_arrive_over_websocket(db: DbPath) {
    let mut config = on(&db, Config::for_tests(&[KEY]));
    config.clock = StatusClock::Stepped { accept: Duration::from_millis(200), settle: Duration::from_millis(200) };
    let s = Running::start(config).await;

    // Without a key the connection is refused.
    let mut anonymous = websocket(&s, json!({})).await;
    let refused = next_json(&mut anonymous).await.unwrap_or(Value::Null);
    assert_ne!(refused["type"], "connection_ack", "{refused}");

    let mut socket = websocket(&s, json!({"Authorization": format!("Bearer {KEY}")})).await;
    assert_eq!(next_json(&mut socket).await.unwrap_or(Value::Null)["type"], "connection_ack");
    let subscribe = json!({"id": "1", "type": "subscribe", "payload": {
        "query": "subscription { paymentStatusChanged { id paymentId status reasons { code } } }"}});
    socket.send(WsMessage::text(subscribe.to_string())).await.expect("subscribe");
    // Let the subscription start before the payment exists.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let created = s
        .rest_create(&json!({"amount": 700, "currency": "EUR", "source_account": "acc_123456",
                               "destination_account": "acc_789012", "reference": "WS-1"}))
        .await;
    let id = created["id"].as_str().expect("payment id").to_owned();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let Some(message) = next_json(&mut socket).await else { break };
        assert_eq!(message["type"], "next", "{message}");
        let change = &message["payload"]["data"]["paymentStatusChanged"];
        assert_eq!(change["paymentId"], id.as_str(), "{message}");
        seen.push((change["id"].as_str().unwrap_or_default().to_owned(), change["status"].clone()));
    }
    let expected: Vec<(String, Value)> =
        [("1", "RCVD"), ("2", "ACTC"), ("3", "ACSC")].iter().map(|(n, st)| (format!("{id}-{n}"), json!(st))).collect();
    assert_eq!(seen, expected);
    // The same change ids as the payment's history in a query.
    let body = s.graphql("query One($id: ID!) { payment(id: $id) { statusReportId } }", json!({"id": id})).await;
    assert_eq!(body["data"]["payment"]["statusReportId"], format!("{id}-3"));
    let _ = socket.close(None).await;
    s.stop().await;
}

/// Debian's `chromium` loads the GraphiQL page, whose console runs a query with the key from
/// the URL fragment; the test reads the answer from the dumped DOM.
async fn graphiql_page_runs_a_query_in_headless_chromium(db: DbPath) {
    let Some(chromium) = ["chromium", "chromium-browser"]
        .iter()
        .find(|name| std::process::Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        println!("skipped: chromium is not installed (apt-get install chromium); CI installs it");
        return;
    };
    let s = Running::start(on(&db, Config::for_tests(&[KEY]))).await;
    let created = s
        .rest_create(&json!({"amount": 4242, "currency": "EUR", "source_account": "acc_123456",
                               "destination_account": "acc_789012", "reference": "GIQL-1"}))
        .await;
    let id = created["id"].as_str().expect("payment id").to_owned();
    let query = format!("{{ payment(id: \"{id}\") {{ id status amount {{ value currency }} }} }}");
    let mut url = reqwest::Url::parse(&s.url("/graphql")).expect("url");
    url.query_pairs_mut().append_pair("query", &query).append_pair("run", "1");
    url.set_fragment(Some(&format!("key={KEY}")));
    let profile = tempfile::tempdir().expect("profile dir");
    let mut command = std::process::Command::new(chromium);
    command
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .arg("--virtual-time-budget=15000")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", url.as_str()]);
    let output = tokio::task::spawn_blocking(move || command.output()).await.expect("join").expect("run chromium");
    let dom = String::from_utf8_lossy(&output.stdout);
    let result = dom
        .split("id=\"result\"")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("no result element: {dom}\n{}", String::from_utf8_lossy(&output.stderr)));
    assert!(result.contains("data-state=\"done\""), "{result}");
    assert!(result.contains(&format!("\"id\": \"{id}\"")), "{result}");
    assert!(result.contains("\"status\": \"ACSC\"") && result.contains("\"value\": \"42.42\""), "{result}");
    s.stop().await;
}

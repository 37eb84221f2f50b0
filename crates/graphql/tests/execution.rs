//! Execution tests over the schema: initiate, query, paginate, idempotent retry, user errors
//! for a declined payment and a reused key, cancel, statement, masking, the status
//! subscription, and refusal of float amounts.

use std::sync::Arc;

use async_graphql::{Request, Response, Variables};
use futures_util::StreamExt;
use payglot_core_model::{CodeOrProprietary, PaymentStatus, StatusReason, StatusReasonInfo};
use payglot_graphql::{Decision, GraphqlService, Limits, MemoryStore, PaymentStore, RequestContext};
use serde_json::{Value, json};

const INITIATE: &str = "mutation Pay($input: InitiatePaymentInput!, $key: String!) {
  initiatePayment(input: $input, idempotencyKey: $key) {
    payment { id status endToEndId amount { value currency } statusReasons { code errorCode } }
    replayed
    userErrors { field code message }
  }
}";

fn input(e2e: &str, amount: &str) -> Value {
    json!({
        "endToEndId": e2e,
        "amount": {"value": amount, "currency": "EUR"},
        "debtor": {"name": "Alice"},
        "debtorAccount": {"identification": {"iban": "DE89370400440532013000"}},
        "creditor": {"name": "Bob"},
        "creditorAccount": {"identification": {"iban": "FR1420041010050500013M02606"}},
        "remittance": {"unstructured": ["Invoice 42"]}
    })
}

fn service_with(store: Arc<dyn PaymentStore>) -> GraphqlService {
    GraphqlService::new(store, Limits::default())
}

fn service() -> GraphqlService {
    service_with(Arc::new(MemoryStore::new()))
}

async fn run(service: &GraphqlService, query: &str, variables: Value) -> Value {
    let request = Request::new(query).variables(Variables::from_json(variables));
    json_of(service.execute(request, RequestContext::default()).await)
}

fn json_of(response: Response) -> Value {
    serde_json::to_value(&response).unwrap_or(Value::Null)
}

async fn initiate(service: &GraphqlService, key: &str, input: Value) -> Value {
    run(service, INITIATE, json!({"input": input, "key": key})).await
}

fn codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn initiate_then_query_the_payment() {
    let service = service();
    let created = initiate(&service, "key-1", input("E2E-1", "10.50")).await;
    let payload = &created["data"]["initiatePayment"];
    assert_eq!(payload["userErrors"], json!([]), "{created}");
    assert_eq!(payload["replayed"], json!(false));
    assert_eq!(payload["payment"]["status"], json!("ACSP"));
    assert_eq!(payload["payment"]["amount"], json!({"value": "10.50", "currency": "EUR"}));
    let id = payload["payment"]["id"].as_str().unwrap_or_default().to_owned();

    let query = "query($id: ID!) { payment(id: $id) { id endToEndId remittanceInformation
        debtorAccount { identification scheme } statusHistory { status } } }";
    let fetched = run(&service, query, json!({"id": id})).await;
    let payment = &fetched["data"]["payment"];
    assert_eq!(payment["endToEndId"], json!("E2E-1"));
    assert_eq!(payment["remittanceInformation"], json!(["Invoice 42"]));
    assert_eq!(payment["debtorAccount"], json!({"identification": "DE89********3000", "scheme": "IBAN"}));
    assert_eq!(payment["statusHistory"], json!([{"status": "ACSP"}]));

    let missing = run(&service, query, json!({"id": "nope"})).await;
    assert_eq!(missing["data"]["payment"], Value::Null);
}

#[tokio::test]
async fn idempotent_retry_returns_the_same_payment_and_a_changed_input_is_refused() {
    let service = service();
    let first = initiate(&service, "same-key", input("E2E-1", "10.50")).await;
    let retry = initiate(&service, "same-key", input("E2E-1", "10.50")).await;
    let first_id = &first["data"]["initiatePayment"]["payment"]["id"];
    assert!(first_id.is_string());
    assert_eq!(&retry["data"]["initiatePayment"]["payment"]["id"], first_id);
    assert_eq!(retry["data"]["initiatePayment"]["replayed"], json!(true));

    let changed = initiate(&service, "same-key", input("E2E-1", "99.00")).await;
    let payload = &changed["data"]["initiatePayment"];
    assert_eq!(payload["payment"], Value::Null);
    assert_eq!(
        payload["userErrors"],
        json!([{
            "field": ["idempotencyKey"],
            "code": "IDEMPOTENCY_KEY_REUSED",
            "message": "idempotency key was used before with a different request"
        }])
    );
    let listed = run(&service, "{ payments { edges { node { id } } } }", json!({})).await;
    assert_eq!(listed["data"]["payments"]["edges"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_declined_payment_has_status_rjct_and_coded_user_errors() {
    let store = MemoryStore::with_rule(|transfer| {
        let large = transfer.amount().is_some_and(|m| m.amount() > payglot_core_model::Decimal::from(1000));
        if large {
            Decision::Reject(Box::new(StatusReasonInfo {
                originator: None,
                reason: Some(CodeOrProprietary::Code(StatusReason::AM04)),
                mapped_reason: None,
                additional_info: Vec::new(),
            }))
        } else {
            Decision::Accept(PaymentStatus::ACSP)
        }
    });
    let service = service_with(Arc::new(store));
    let declined = initiate(&service, "k-big", input("E2E-BIG", "5000.00")).await;
    let payload = &declined["data"]["initiatePayment"];
    assert_eq!(payload["payment"]["status"], json!("RJCT"));
    assert_eq!(payload["payment"]["statusReasons"], json!([{"code": "AM04", "errorCode": "INSUFFICIENT_FUNDS"}]));
    let errors = payload["userErrors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["code"], json!("INSUFFICIENT_FUNDS"));
    assert_eq!(errors[0]["field"], Value::Null);
    assert!(declined["errors"].is_null(), "business failures are not top-level errors");
}

#[tokio::test]
async fn invalid_values_are_user_errors_with_the_field_path() {
    let service = service();
    let mut bad = input("E2E-1", "10.50");
    bad["creditorAccount"] = json!({"identification": {"iban": "DE00370400440532013000"}});
    let response = initiate(&service, "k", bad).await;
    let errors = &response["data"]["initiatePayment"]["userErrors"];
    assert_eq!(errors[0]["code"], json!("INVALID_REQUEST"), "{response}");
    assert_eq!(errors[0]["field"], json!(["input", "creditorAccount", "identification", "iban"]));
    let message = errors[0]["message"].as_str().unwrap_or_default();
    assert!(!message.contains("370400440532013000"), "account number leaked: {message}");
}

#[tokio::test]
async fn amounts_given_as_numbers_are_refused() {
    let service = service();
    let mut float = input("E2E-1", "x");
    float["amount"]["value"] = json!(10.5);
    let response = initiate(&service, "k", float).await;
    assert_eq!(codes(&response), ["INVALID_REQUEST"], "{response}");
    let mut integer = input("E2E-1", "x");
    integer["amount"]["value"] = json!(10);
    let response = initiate(&service, "k", integer).await;
    assert_eq!(codes(&response), ["INVALID_REQUEST"], "{response}");

    let literal = r#"mutation { initiatePayment(idempotencyKey: "k", input: {
        endToEndId: "E", amount: {value: 10.5, currency: "EUR"}, debtor: {name: "A"}, creditor: {name: "B"}
    }) { payment { id } } }"#;
    let response = run(&service, literal, json!({})).await;
    assert_eq!(codes(&response), ["INVALID_REQUEST"], "{response}");
    let listed = run(&service, "{ payments { edges { node { id } } } }", json!({})).await;
    assert_eq!(listed["data"]["payments"]["edges"], json!([]), "nothing was created");
}

#[tokio::test]
async fn payments_paginate_as_a_relay_connection() {
    let service = service();
    for n in 0..5 {
        initiate(&service, &format!("key-{n}"), input(&format!("E2E-{n}"), "1.00")).await;
    }
    let query = "query($after: String) { payments(first: 2, after: $after) {
        edges { cursor node { endToEndId } } pageInfo { hasNextPage endCursor } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    for _ in 0..5 {
        let page = run(&service, query, json!({"after": after})).await;
        let connection = &page["data"]["payments"];
        for edge in connection["edges"].as_array().cloned().unwrap_or_default() {
            seen.push(edge["node"]["endToEndId"].as_str().unwrap_or_default().to_owned());
        }
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, ["E2E-0", "E2E-1", "E2E-2", "E2E-3", "E2E-4"]);

    let filtered =
        run(&service, r#"{ payments(filter: {endToEndId: "E2E-3"}) { edges { node { endToEndId } } } }"#, json!({}))
            .await;
    assert_eq!(filtered["data"]["payments"]["edges"], json!([{"node": {"endToEndId": "E2E-3"}}]));
    let too_many = run(&service, "{ payments(first: 1000) { edges { cursor } } }", json!({})).await;
    assert!(!codes(&too_many).is_empty(), "{too_many}");
}

#[tokio::test]
async fn cancel_a_pending_payment_but_not_a_final_one() {
    let service = service();
    let created = initiate(&service, "k", input("E2E-1", "1.00")).await;
    let id = created["data"]["initiatePayment"]["payment"]["id"].clone();
    let cancel = "mutation($id: ID!) { cancelPayment(id: $id, reason: \"customer asked\") {
        payment { status statusReasons { additionalInfo } } userErrors { code } } }";
    let cancelled = run(&service, cancel, json!({"id": id})).await;
    assert_eq!(cancelled["data"]["cancelPayment"]["payment"]["status"], json!("CANC"), "{cancelled}");
    assert_eq!(
        cancelled["data"]["cancelPayment"]["payment"]["statusReasons"],
        json!([{"additionalInfo": ["customer asked"]}])
    );
    let again = run(&service, cancel, json!({"id": id})).await;
    assert_eq!(again["data"]["cancelPayment"]["userErrors"], json!([{"code": "IDEMPOTENCY_IN_FLIGHT"}]));
    let unknown = run(&service, cancel, json!({"id": "nope"})).await;
    assert_eq!(unknown["data"]["cancelPayment"]["userErrors"], json!([{"code": "NOT_FOUND"}]));
}

#[tokio::test]
async fn full_account_numbers_need_permission() {
    let service = service();
    let created = initiate(&service, "k", input("E2E-1", "1.00")).await;
    let id = created["data"]["initiatePayment"]["payment"]["id"].clone();
    let query = "query($id: ID!) { payment(id: $id) { creditorAccount { identification(unmasked: true) } } }";
    let request = || Request::new(query).variables(Variables::from_json(json!({"id": id})));
    let denied = json_of(service.execute(request(), RequestContext::default()).await);
    assert_eq!(codes(&denied), ["FORBIDDEN"], "{denied}");
    let allowed_context = RequestContext { may_view_full_account_numbers: true };
    let allowed = json_of(service.execute(request(), allowed_context).await);
    assert_eq!(allowed["data"]["payment"]["creditorAccount"]["identification"], json!("FR1420041010050500013M02606"));
}

#[tokio::test]
async fn statement_lists_entries_of_the_period() {
    let store = MemoryStore::new();
    let statement: payglot_core_model::Message = serde_json::from_value(json!({"statement": {
        "header": {"message_id": "STMT-1", "created": "2024-03-01T08:00:00Z"},
        "reports": [{
            "id": "S-1",
            "account": {"id": {"iban": "DE89370400440532013000"}},
            "balances": [{"kind": {"code": "CLBD"}, "amount": {"amount": "100.00", "currency": "EUR"},
                          "credit_debit": "credit", "date": {"date": "2024-02-29"}}],
            "entries": [
                {"amount": {"amount": "10.50", "currency": "EUR"}, "credit_debit": "credit", "status": {"code": "BOOK"},
                 "booking_date": {"date": "2024-02-10"}, "bank_transaction_code": {"domain": "PMNT"}},
                {"amount": {"amount": "3.00", "currency": "EUR"}, "credit_debit": "debit", "status": {"code": "BOOK"},
                 "booking_date": {"date": "2024-03-10"}, "bank_transaction_code": {"domain": "PMNT"}}
            ]
        }]
    }}))
    .unwrap_or_else(|e| panic!("{e}"));
    let payglot_core_model::Message::Statement(reports) = statement else { panic!("not a statement") };
    for report in reports.reports {
        store.add_statement(report).unwrap_or_else(|e| panic!("{e}"));
    }
    let service = service_with(Arc::new(store));
    let query = r#"{ statement(account: "DE89370400440532013000", from: "2024-02-01", to: "2024-02-29") {
        account { identification } balances { type amount { value } creditDebit }
        entries { amount { value currency } creditDebit status bookingDate } } }"#;
    let response = run(&service, query, json!({})).await;
    assert_eq!(
        response["data"]["statement"],
        json!({
            "account": {"identification": "DE89********3000"},
            "balances": [{"type": "CLBD", "amount": {"value": "100.00"}, "creditDebit": "CREDIT"}],
            "entries": [{"amount": {"value": "10.50", "currency": "EUR"}, "creditDebit": "CREDIT",
                         "status": "BOOK", "bookingDate": "2024-02-10"}]
        }),
        "{response}"
    );
}

#[tokio::test]
async fn status_changes_arrive_on_the_subscription() {
    let store = Arc::new(MemoryStore::new());
    let service = service_with(store.clone());
    let created = initiate(&service, "k", input("E2E-1", "1.00")).await;
    let id = created["data"]["initiatePayment"]["payment"]["id"].as_str().unwrap_or_default().to_owned();
    let subscription = Request::new(
        "subscription($id: ID) { paymentStatusChanged(paymentId: $id) { paymentId status reasons { code } } }",
    )
    .variables(Variables::from_json(json!({"id": id})));
    let mut stream = service.schema().execute_stream(subscription);
    // The subscription starts when first polled; poll it once with a change already queued.
    let updater = {
        let store = store.clone();
        let id = id.clone();
        tokio::spawn(async move {
            tokio::task::yield_now().await;
            let reason = StatusReasonInfo {
                originator: None,
                reason: Some(CodeOrProprietary::Code(StatusReason::AM04)),
                mapped_reason: None,
                additional_info: Vec::new(),
            };
            store.set_status(&id, PaymentStatus::RJCT, vec![reason])
        })
    };
    let first = stream.next().await.map(json_of);
    assert!(updater.await.is_ok_and(|r| r.is_ok()));
    assert_eq!(
        first.map(|v| v["data"].clone()),
        Some(json!({"paymentStatusChanged": {"paymentId": id, "status": "RJCT", "reasons": [{"code": "AM04"}]}}))
    );
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let query = "{ __schema { queryType { name } } }";
    let open = run(&service(), query, json!({})).await;
    assert_eq!(open["data"]["__schema"]["queryType"]["name"], json!("Query"));
    let closed = GraphqlService::new(Arc::new(MemoryStore::new()), Limits::without_introspection());
    let response = run(&closed, query, json!({})).await;
    assert!(response["data"]["__schema"].is_null() || !codes(&response).is_empty(), "{response}");
    assert_ne!(response["data"]["__schema"]["queryType"]["name"], json!("Query"));
}

#[tokio::test]
async fn http_bodies_are_checked_before_execution() {
    let service = service();
    let body = json!({"query": INITIATE, "variables": {"input": input("E2E-1", "1.00"), "key": "k"}});
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let response = json_of(service.execute_http(&bytes, RequestContext::default()).await);
    assert_eq!(response["data"]["initiatePayment"]["payment"]["status"], json!("ACSP"), "{response}");

    let duplicate = br#"{"query": "{ payments { edges { cursor } } }", "query": "{ __typename }"}"#;
    let response = json_of(service.execute_http(duplicate, RequestContext::default()).await);
    assert_eq!(codes(&response), ["INVALID_REQUEST"], "{response}");
    let broken = json_of(service.execute_http(b"{\"query\": ", RequestContext::default()).await);
    assert_eq!(codes(&broken), ["MALFORMED_REQUEST"], "{broken}");
    let float = br#"{"query": "{ __typename }", "variables": {"x": 1.5}}"#;
    let response = json_of(service.execute_http(float, RequestContext::default()).await);
    assert_eq!(codes(&response), ["INVALID_REQUEST"], "{response}");
}

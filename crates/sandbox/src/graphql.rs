//! GraphQL at `/graphql`: payglot-graphql's schema over the sandbox's one store.
//!
//! - `POST /graphql` executes a GraphQL-over-HTTP request (authenticated by the server's
//!   middleware; an unauthenticated request gets a GraphQL `errors` document with
//!   `extensions.code: UNAUTHENTICATED`).
//! - `GET /graphql` serves the GraphiQL page, or, with a WebSocket upgrade, subscriptions
//!   (`graphql-transport-ws` and the older `graphql-ws` protocol, async-graphql-axum). A
//!   WebSocket authenticates in its `connection_init` payload (`{"Authorization": "Bearer
//!   sk_test_..."}`) or with the upgrade request's `Authorization` header.
//!
//! [`SandboxStore`] implements `payglot_graphql::PaymentStore` for one principal over the
//! sandbox's store and [`App::create_payment`], so a payment created over GraphQL goes through
//! the same idempotency, scenarios, events and clock as every other style, and a payment
//! created over REST or SOAP is visible here with the same id and status (and the other way
//! round). Status changes for subscriptions come from the sandbox's events.
//!
//! What the sandbox keeps of a payment is what every style shares: the amount, both
//! accounts, the end-to-end id and the first remittance line. Other input fields (names,
//! agents, dates) are checked by the schema but not stored, so queries do not return them.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use chrono::NaiveDate;
use payglot_core_model::outcome::Condition;
use payglot_core_model::{
    AccountId, AccountReport, CodeOrProprietary, CreditTransfer, DateTime, Iban, IdempotencyKey, Max35Text,
    PaymentStatus, StatusReason, StatusReasonInfo,
};
use payglot_graphql::{
    FieldError, GraphqlService, Initiated, Initiation, Limits, Page, PaymentFilter, PaymentStore, RequestContext,
    StatusChange, StoreError, StoredPayment,
};
use serde_json::json;
use tokio::sync::broadcast;

use crate::app::{App, Idem, Render};
use crate::auth::Principal;
use crate::db::PageFilter;
use crate::errors::{ApiError, Style};
use crate::payments::{self, NewPayment, Payment};
use payglot_rest::idempotency::{Fingerprint, Policy, StoredResponse};

/// How often a subscription looks for new events.
const POLL: Duration = Duration::from_millis(100);

/// The GraphiQL page served at `GET /graphql`.
const GRAPHIQL: &str = include_str!("graphiql.html");

/// The `/graphql` route: POST executes, GET serves GraphiQL or upgrades to a WebSocket.
pub(crate) fn route(app: &Arc<App>) -> MethodRouter<Arc<App>> {
    let mut limits = Limits::default();
    limits.max_request_bytes = app.config.max_body_bytes;
    let anonymous: Arc<dyn PaymentStore> = Arc::new(SandboxStore { app: app.clone(), owner: None });
    let service = GraphqlService::new(anonymous, limits);
    let for_post = service.clone();
    get(move |State(app): State<Arc<App>>, request: axum::extract::Request| {
        let service = service.clone();
        async move { get_graphql(app, service, request).await }
    })
    .post(
        move |State(app): State<Arc<App>>,
              axum::Extension(principal): axum::Extension<Principal>,
              body: Result<Bytes, BytesRejection>| {
            let service = for_post.clone();
            async move { post_graphql(app, service, principal, body).await }
        },
    )
}

/// `POST /graphql`: the caller's request over the caller's payments.
async fn post_graphql(
    app: Arc<App>,
    service: GraphqlService,
    principal: Principal,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ok(body) = body else {
        return ApiError::condition(
            Condition::PayloadTooLarge,
            Style::GraphQl,
            "the request body is over the size limit",
        )
        .into_response();
    };
    let store: Arc<dyn PaymentStore> = Arc::new(SandboxStore { app, owner: Some(principal) });
    // The owner sees its own accounts in full, as in every other style.
    let context = RequestContext { may_view_full_account_numbers: true };
    let response = service.execute_http_over(&body, context, store).await;
    let json = serde_json::to_vec(&response).unwrap_or_else(|_| b"{\"errors\":[{\"message\":\"internal\"}]}".to_vec());
    ([(header::CONTENT_TYPE, "application/json")], json).into_response()
}

/// `GET /graphql`: a WebSocket upgrade runs subscriptions; anything else gets GraphiQL.
async fn get_graphql(app: Arc<App>, service: GraphqlService, request: axum::extract::Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    let upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection> =
        WebSocketUpgrade::from_request_parts(&mut parts, &()).await;
    let Ok(upgrade) = upgrade else {
        return (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
            Html(GRAPHIQL),
        )
            .into_response();
    };
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &()).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    let header_principal = crate::auth::bearer(&parts.headers).and_then(|b| app.auth.principal(b));
    upgrade.protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |stream| {
        GraphQLWebSocket::new(stream, service, protocol)
            .on_connection_init(move |payload| async move {
                let principal = init_principal(&app, &payload).or(header_principal).ok_or_else(|| {
                    async_graphql::Error::new(
                        "UNAUTHENTICATED: send {\"Authorization\": \"Bearer <key>\"} in connection_init",
                    )
                })?;
                if app.auth.check_rate(&principal).is_err() {
                    return Err(async_graphql::Error::new("RATE_LIMITED: rate limit exceeded for this key"));
                }
                let mut data = Data::default();
                let store: Arc<dyn PaymentStore> = Arc::new(SandboxStore { app, owner: Some(principal) });
                data.insert(store);
                data.insert(RequestContext { may_view_full_account_numbers: true });
                Ok(data)
            })
            .serve()
    })
}

/// The principal named by a `connection_init` payload: `Authorization` (any case) holding
/// `Bearer <key or token>`, or the bare key.
fn init_principal(app: &App, payload: &serde_json::Value) -> Option<Principal> {
    let object = payload.as_object()?;
    let value = object.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization"))?.1.as_str()?;
    let credential = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => value.trim(),
    };
    app.auth.principal(credential)
}

/// payglot-graphql's [`PaymentStore`] over the sandbox's store, as one principal sees it
/// (`owner: None` refuses everything: the schema's default store before authentication).
#[derive(Clone)]
pub(crate) struct SandboxStore {
    app: Arc<App>,
    owner: Option<Principal>,
}

impl std::fmt::Debug for SandboxStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxStore").finish_non_exhaustive()
    }
}

impl SandboxStore {
    fn owner(&self) -> Result<&Principal, StoreError> {
        self.owner.as_ref().ok_or(StoreError::Unauthenticated)
    }
}

fn store_failure(e: &crate::store::StoreError) -> StoreError {
    tracing::error!(error = %e, "store failure");
    StoreError::Unavailable("the store failed; query the payment before retrying".to_owned())
}

fn field_error(field: &[&str], message: impl Into<String>) -> StoreError {
    StoreError::Invalid(FieldError { field: field.iter().map(|s| (*s).to_owned()).collect(), message: message.into() })
}

/// The account text the sandbox keys payments by: an IBAN, or another identifier as given.
fn account_text(account: Option<&payglot_core_model::Account>, field: &str) -> Result<String, StoreError> {
    let text = match account.and_then(|a| a.id.as_ref()) {
        Some(AccountId::Iban(iban)) => iban.expose().to_owned(),
        Some(AccountId::Other { id, .. }) => id.expose().to_owned(),
        None => {
            return Err(field_error(
                &["input", field, "identification"],
                "the sandbox needs an account identification (an IBAN or another id)",
            ));
        }
    };
    let ok =
        (1..=34).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(text)
    } else {
        Err(field_error(
            &["input", field, "identification"],
            "must be 1 to 34 characters of letters, digits, '_' or '-'",
        ))
    }
}

/// What the sandbox stores of a GraphQL initiation.
fn new_payment(transfer: &CreditTransfer) -> Result<NewPayment, StoreError> {
    let amount = *transfer.amount().ok_or_else(|| field_error(&["input", "amount"], "the payment has no amount"))?;
    let e2e = transfer.ids.end_to_end_id.as_str();
    Ok(NewPayment {
        amount,
        debtor_account: account_text(transfer.debtor_account.as_ref(), "debtorAccount")?,
        creditor_account: account_text(transfer.creditor_account.as_ref(), "creditorAccount")?,
        end_to_end_id: (e2e != "NOTPROVIDED").then(|| e2e.to_owned()),
        reference: transfer.remittance.as_ref().and_then(|r| r.unstructured.first()).map(|l| l.as_str().to_owned()),
    })
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("stored {what} unreadable: {e}"))
}

fn reasons_of(code: Option<&str>) -> Result<Vec<StatusReasonInfo>, StoreError> {
    let Some(code) = code else { return Ok(Vec::new()) };
    let reason = StatusReason::parse(code).map_err(|e| corrupt("reason", e))?;
    Ok(vec![StatusReasonInfo {
        originator: None,
        reason: Some(CodeOrProprietary::Code(reason)),
        mapped_reason: None,
        additional_info: Vec::new(),
    }])
}

/// The `index`-th change (0-based) of payment `id`, with the status code, reason code and
/// time as stored: its id is `<payment id>-<n>`, as in payglot-graphql's memory store.
fn change_of(id: &str, index: usize, status: &str, reason: Option<&str>, at: &str) -> Result<StatusChange, StoreError> {
    Ok(StatusChange {
        id: Max35Text::new(format!("{id}-{}", index + 1)).map_err(|e| corrupt("payment id", e))?,
        payment_id: Max35Text::new(id).map_err(|e| corrupt("payment id", e))?,
        status: PaymentStatus::parse(status).map_err(|e| corrupt("status", e))?,
        reasons: reasons_of(reason)?,
        at: DateTime::parse(at).map_err(|e| corrupt("time", e))?,
    })
}

/// A sandbox payment as payglot-graphql's [`StoredPayment`].
fn stored(p: &Payment) -> Result<StoredPayment, StoreError> {
    let account = |text: &str| {
        if Iban::parse(text).is_ok() { json!({"id": {"iban": text}}) } else { json!({"id": {"other": {"id": text}}}) }
    };
    let mut transfer = json!({
        "ids": {"end_to_end_id": p.end_to_end_id.as_deref().unwrap_or("NOTPROVIDED")},
        "instructed_amount": {"amount": p.amount.amount().to_string(), "currency": p.amount.currency().code()},
        "debtor": {},
        "debtor_account": account(&p.debtor_account),
        "creditor": {},
        "creditor_account": account(&p.creditor_account),
    });
    if let (Some(reference), Some(object)) = (&p.reference, transfer.as_object_mut()) {
        object.insert("remittance".to_owned(), json!({"unstructured": [reference]}));
    }
    let transfer: CreditTransfer = serde_json::from_value(transfer).map_err(|e| corrupt("payment", e))?;
    let history = p
        .history
        .iter()
        .enumerate()
        .map(|(i, c)| change_of(&p.id, i, c.status.code(), c.reason.as_deref(), &c.at))
        .collect::<Result<_, _>>()?;
    Ok(StoredPayment {
        id: Max35Text::new(p.id.clone()).map_err(|e| corrupt("payment id", e))?,
        initiation: Initiation { group: None, transfer },
        idempotency_key: None,
        created: DateTime::parse(&p.created_at).map_err(|e| corrupt("time", e))?,
        history,
    })
}

/// The stored answer of a GraphQL creation: the payment id, so that a replay finds the payment.
fn render(p: &Payment) -> StoredResponse {
    StoredResponse {
        status: 200,
        headers: vec![("content-type".to_owned(), "application/json".to_owned())],
        body: json!({"payment_id": p.id}).to_string().into_bytes(),
    }
}

/// An [`ApiError`] of `create_payment` in the store's terms.
fn from_api(e: &ApiError) -> StoreError {
    let code = e.outcome.graphql_code;
    let of = |c: Condition| payglot_core_model::outcome::for_condition(c).graphql_code;
    if code == of(Condition::IdempotencyMismatch) {
        StoreError::IdempotencyMismatch
    } else if code == of(Condition::Conflict) {
        StoreError::InFlight
    } else {
        StoreError::Unavailable(e.detail.clone())
    }
}

#[async_trait::async_trait]
impl PaymentStore for SandboxStore {
    async fn initiate(&self, key: IdempotencyKey, initiation: Initiation) -> Result<Initiated, StoreError> {
        let owner = self.owner()?;
        let new = new_payment(&initiation.transfer)?;
        let request = json!({
            "header": initiation.group.as_ref().map(|g| &g.header),
            "transfer": &initiation.transfer,
        });
        let idem = Idem {
            policy: Policy::PAYGLOT,
            operation: "POST /graphql initiatePayment".into(),
            key: Some(key.as_str().to_owned()),
            fingerprint: Fingerprint::of("POST", "/graphql", request.to_string().as_bytes()),
        };
        let render: Render = Box::new(render);
        let created =
            self.app.create_payment(owner, Style::GraphQl, new, idem, render).await.map_err(|e| from_api(&e))?;
        let id = serde_json::from_slice::<serde_json::Value>(&created.response.body)
            .ok()
            .and_then(|v| v.get("payment_id").and_then(|id| id.as_str()).map(str::to_owned))
            // No payment id: the key was used by another style first, its stored answer is not ours.
            .ok_or(StoreError::IdempotencyMismatch)?;
        let payment = self.app.payment(owner, &id).await.map_err(|e| store_failure(&e))?.ok_or(StoreError::NotFound)?;
        let payment = stored(&payment)?;
        Ok(if created.replayed { Initiated::Replayed(payment) } else { Initiated::Created(payment) })
    }

    async fn payment(&self, id: &str) -> Result<Option<StoredPayment>, StoreError> {
        let owner = self.owner()?;
        match self.app.payment(owner, id).await.map_err(|e| store_failure(&e))? {
            Some(p) => stored(&p).map(Some),
            None => Ok(None),
        }
    }

    async fn payments(&self, filter: &PaymentFilter, after: Option<&str>, first: usize) -> Result<Page, StoreError> {
        let owner = self.owner()?.0.clone();
        let after = after.map(str::to_owned);
        let statuses: Vec<String> = filter.statuses.iter().map(|s| s.as_str().to_owned()).collect();
        let e2e = filter.end_to_end_id.clone();
        let limit = first.saturating_add(1);
        let found = self
            .app
            .store
            .call(move |c| {
                let statuses: Vec<&str> = statuses.iter().map(String::as_str).collect();
                let filter = PageFilter { statuses: &statuses, end_to_end_id: e2e.as_deref() };
                c.payments_after(&owner, after.as_deref(), &filter, limit)
            })
            .await
            .map_err(|e| store_failure(&e))?
            .ok_or(StoreError::InvalidCursor)?;
        let has_next = found.len() > first;
        let payments = found.iter().take(first).map(stored).collect::<Result<_, _>>()?;
        Ok(Page { payments, has_next })
    }

    async fn cancel(&self, _id: &str, _reason: Option<StatusReasonInfo>) -> Result<StoredPayment, StoreError> {
        self.owner()?;
        Err(StoreError::Unsupported("the sandbox does not cancel payments".to_owned()))
    }

    async fn statement(
        &self,
        _account: &str,
        _from: NaiveDate,
        _to: NaiveDate,
    ) -> Result<Option<AccountReport>, StoreError> {
        self.owner()?;
        // FIXME(issue 8): statements over GraphQL once the sandbox's camt.053 statements exist.
        Err(StoreError::Unsupported(
            "statements are not served over GraphQL by the sandbox yet; see GET /v1/accounts/{id}/transactions"
                .to_owned(),
        ))
    }

    fn subscribe(&self) -> broadcast::Receiver<StatusChange> {
        let (sender, receiver) = broadcast::channel(256);
        if let Some(owner) = &self.owner {
            tokio::spawn(poll_events(self.app.clone(), owner.0.to_string(), payments::now(), sender));
        }
        receiver
    }
}

/// One event row: its sequence number, the payment as the event carried it, and the event's
/// position among its payment's events.
type EventRow = (i64, String, i64);

/// Publish the status changes of `owner`'s payments raised from `since` on, until nobody
/// listens or the server stops.
async fn poll_events(app: Arc<App>, owner: String, since: String, sender: broadcast::Sender<StatusChange>) {
    // The last event raised before the subscription: events are appended in time order.
    let before = since.clone();
    let start = app.store.call(move |c| c.last_event_before(&before)).await;
    let Ok(mut cursor) = start else { return };
    let mut shutdown = app.shutdown.clone();
    loop {
        if sender.receiver_count() == 0 || *shutdown.borrow() {
            return;
        }
        let o = owner.clone();
        let rows: Result<Vec<EventRow>, _> = app
            .store
            .call(move |c| {
                let rows = c.events_after(&o, cursor, 256)?;
                let mut bodies = crate::events::Bodies::new(c);
                let mut out = Vec::new();
                for (seq, position, event) in rows {
                    out.push((seq, bodies.body(&event)?, position));
                }
                Ok(out)
            })
            .await;
        let Ok(rows) = rows else { return };
        for (seq, data, position) in rows {
            cursor = seq;
            if let Some(change) = change_of_event(&data, position) {
                // No receiver left: the loop ends at the next turn.
                let _ = sender.send(change);
            }
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            changed = shutdown.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

/// The change an event reports: its body is the payment resource (`rest:native`) as of the
/// change, and `position` (1-based) is the change's place in the payment's status history.
fn change_of_event(body: &str, position: i64) -> Option<StatusChange> {
    #[derive(serde::Deserialize)]
    struct Body {
        data: EventPayment,
    }
    #[derive(serde::Deserialize)]
    struct EventPayment {
        id: String,
        iso_status: String,
        #[serde(default)]
        status_reasons: Vec<EventReason>,
        updated_at: String,
    }
    #[derive(serde::Deserialize)]
    struct EventReason {
        code: Option<String>,
    }
    let body: Body = serde_json::from_str(body).ok()?;
    let index = usize::try_from(position).ok()?.checked_sub(1)?;
    let payment = &body.data;
    let reason = payment.status_reasons.first().and_then(|r| r.code.as_deref());
    change_of(&payment.id, index, &payment.iso_status, reason, &payment.updated_at).ok()
}

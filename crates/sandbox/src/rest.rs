//! REST native endpoints (`/v1/payments`, `/v1/accounts/{id}/transactions`) and the sandbox's
//! own JSON endpoints (`/v1/webhook-endpoints`, `/v1/events`, `/oauth/token`, `/healthz`).
//!
//! FIXME(issue 8): the request and response shapes here are the sandbox's interim rest:native
//! wire types; they move to payglot-rest's `rest:native` codec and its idempotency helper once
//! that crate lands (the handler is kept thin so the swap touches only `parse_create` and
//! `payment_json`).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use payglot_core_model::outcome::Condition;
use payglot_core_model::{Currency, DecodeLimits, IdempotencyKey, Money};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::{App, Render};
use crate::auth::Principal;
use crate::errors::{ApiError, Style};
use crate::idempotency::{StoredResponse, fingerprint};
use crate::payments::{NewPayment, Payment, Status};

const STYLE: Style = Style::RestNative;

/// The body of `POST /v1/payments`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreatePayment {
    /// Minor units (cents): 5000 is 50.00.
    amount: i64,
    currency: String,
    source_account: String,
    destination_account: String,
    #[serde(default)]
    reference: Option<String>,
    #[serde(default)]
    idempotency_key: Option<String>,
    #[serde(default)]
    end_to_end_id: Option<String>,
}

fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError::condition(Condition::InvalidRequest, STYLE, detail)
}

/// A provider account id: 1 to 34 characters of `[A-Za-z0-9_-]` (IBANs fit).
pub(crate) fn check_account(field: &str, value: &str) -> Result<(), ApiError> {
    let ok =
        (1..=34).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(invalid(format!("/{field}: must be 1 to 34 characters of letters, digits, '_' or '-'")))
    }
}

fn parse_create(body: &[u8], limits: &DecodeLimits) -> Result<(NewPayment, Option<String>), ApiError> {
    let req: CreatePayment = payglot_core_model::json::from_slice(body, limits).map_err(|e| {
        let condition = if e.kind() == payglot_core_model::DecodeErrorKind::Syntax {
            Condition::MalformedRequest
        } else {
            Condition::InvalidRequest
        };
        ApiError::condition(condition, STYLE, e.to_string())
    })?;
    if req.amount <= 0 {
        return Err(invalid("/amount: must be a positive integer of minor units"));
    }
    let currency = Currency::parse(&req.currency).map_err(|e| invalid(format!("/currency: {e}")))?;
    let amount = Money::from_minor_units(req.amount, currency).map_err(|e| invalid(format!("/amount: {e}")))?;
    check_account("source_account", &req.source_account)?;
    check_account("destination_account", &req.destination_account)?;
    if req.reference.as_ref().is_some_and(|r| r.chars().count() > 140) {
        return Err(invalid("/reference: at most 140 characters"));
    }
    if req.end_to_end_id.as_ref().is_some_and(|r| r.is_empty() || r.chars().count() > 35) {
        return Err(invalid("/end_to_end_id: 1 to 35 characters"));
    }
    let end_to_end_id = req.end_to_end_id.filter(|e| e != "NOTPROVIDED");
    let new = NewPayment {
        amount,
        debtor_account: req.source_account,
        creditor_account: req.destination_account,
        end_to_end_id,
        reference: req.reference,
    };
    Ok((new, req.idempotency_key))
}

/// The idempotency key of a request: the header, the body member, or both if equal.
pub(crate) fn idempotency_key(
    headers: &HeaderMap,
    body_key: Option<String>,
    style: Style,
) -> Result<Option<String>, ApiError> {
    let header_key = match headers.get("idempotency-key") {
        Some(v) => Some(
            v.to_str()
                .map_err(|_| ApiError::condition(Condition::InvalidRequest, style, "Idempotency-Key must be text"))?
                .trim_matches('"')
                .to_owned(),
        ),
        None => None,
    };
    let key = match (header_key, body_key) {
        (Some(h), Some(b)) if h != b => {
            return Err(ApiError::condition(
                Condition::InvalidRequest,
                style,
                "the Idempotency-Key header and the body's idempotency_key differ",
            ));
        }
        (Some(k), _) | (None, Some(k)) => Some(k),
        (None, None) => None,
    };
    if let Some(k) = &key {
        IdempotencyKey::parse(k)
            .map_err(|e| ApiError::condition(Condition::InvalidRequest, style, format!("idempotency key: {e}")))?;
    }
    Ok(key)
}

/// The payment in the REST native shape (also the webhook event payload).
pub(crate) fn payment_json(p: &Payment) -> Value {
    json!({
        "id": p.id,
        "object": "payment",
        "status": p.status.code(),
        "status_reason": p.reason,
        "amount": p.amount.to_minor_units().ok(),
        "amount_decimal": p.amount.amount().to_string(),
        "currency": p.amount.currency().code(),
        "source_account": p.debtor_account,
        "destination_account": p.creditor_account,
        "reference": p.reference,
        "end_to_end_id": p.end_to_end_id,
        "created_via": p.style,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "status_history": p.history,
    })
}

fn render_native(p: &Payment) -> StoredResponse {
    if p.status == Status::Rejected {
        let code = p.reason.clone().unwrap_or_default();
        let mut extra = serde_json::Map::new();
        extra.insert("payment_id".into(), p.id.clone().into());
        extra.insert("status_reason".into(), code.clone().into());
        extra.insert("payment".into(), payment_json(p));
        let detail = format!("payment {} rejected with reason {code}", p.id);
        let (status, content_type, body) = ApiError::reason(&code, STYLE, detail).with_extra(extra).render();
        StoredResponse { status, content_type: content_type.into(), body }
    } else {
        StoredResponse {
            status: 201,
            content_type: "application/json".into(),
            body: payment_json(p).to_string().into_bytes(),
        }
    }
}

/// Turn a stored response into an HTTP response.
pub(crate) fn respond(r: StoredResponse, replayed: bool) -> Response {
    let mut response =
        (StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), r.body).into_response();
    if let Ok(v) = HeaderValue::from_str(&r.content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    if replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// A body over the size limit is 413 in the caller's style.
pub(crate) fn body_or_413(body: Result<Bytes, BytesRejection>, style: Style) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::condition(Condition::PayloadTooLarge, style, "the request body is over the size limit")
        } else {
            ApiError::condition(Condition::MalformedRequest, style, "the request body could not be read")
        }
    })
}

/// `POST /v1/payments`.
pub(crate) async fn create_payment(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body_or_413(body, STYLE)?;
    let limits = DecodeLimits::default().with_max_bytes(app.config.max_body_bytes);
    let (new, body_key) = parse_create(&body, &limits)?;
    let key = idempotency_key(&headers, body_key, STYLE)?;
    let render: Render = Box::new(render_native);
    let created =
        app.create_payment(&principal, STYLE, new, key, fingerprint("POST", "/v1/payments", &body), render).await?;
    Ok(respond(created.response, created.replayed))
}

/// `GET /v1/payments/{id}`.
pub(crate) async fn get_payment(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    match app.payment(&principal, &id).await? {
        Some(p) => Ok(Json(payment_json(&p))),
        None => Err(ApiError::condition(Condition::NotFound, STYLE, "no such payment")),
    }
}

/// Query of `GET /v1/payments`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    limit: Option<u32>,
    starting_after: Option<String>,
}

/// `GET /v1/payments?limit=&starting_after=`, newest first.
pub(crate) async fn list_payments(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = query.map_err(|e| invalid(e.body_text()))?;
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let owner = principal.0.clone();
    let page =
        app.store.call(move |c| crate::payments::list(c, &owner, limit + 1, q.starting_after.as_deref())).await?;
    let has_more = page.len() > limit as usize;
    let data: Vec<Value> = page.iter().take(limit as usize).map(payment_json).collect();
    Ok(Json(json!({"object": "list", "data": data, "has_more": has_more})))
}

/// `GET /v1/accounts/{id}/transactions`: every payment that debits or credits the account,
/// except rejected ones; `booked` once settled (ACSC).
pub(crate) async fn account_transactions(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(account): Path<String>,
) -> Result<Json<Value>, ApiError> {
    check_account("account", &account)?;
    let owner = principal.0.clone();
    let acc = account.clone();
    let payments = app.store.call(move |c| crate::payments::for_account(c, &owner, &acc)).await?;
    let data: Vec<Value> = payments
        .iter()
        .filter(|p| p.status != Status::Rejected)
        .map(|p| {
            let debit = p.debtor_account == account;
            json!({
                "payment_id": p.id,
                "credit_debit": if debit { "debit" } else { "credit" },
                "amount": p.amount.to_minor_units().ok(),
                "amount_decimal": p.amount.amount().to_string(),
                "currency": p.amount.currency().code(),
                "counterparty_account": if debit { &p.creditor_account } else { &p.debtor_account },
                "reference": p.reference,
                "status": p.status.code(),
                "booked": p.status == Status::Settled,
                "created_at": p.created_at,
                "updated_at": p.updated_at,
            })
        })
        .collect();
    Ok(Json(json!({"object": "list", "account": account, "data": data})))
}

/// Body of `POST /v1/webhook-endpoints`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewEndpoint {
    url: String,
}

/// `POST /v1/webhook-endpoints`: register a URL; the answer carries its `whsec_` secret.
pub(crate) async fn create_endpoint(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body_or_413(body, STYLE)?;
    let req: NewEndpoint =
        payglot_core_model::json::from_slice(&body, &DecodeLimits::default()).map_err(|e| invalid(e.to_string()))?;
    let url = reqwest::Url::parse(&req.url).map_err(|_| invalid("/url: not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid("/url: must be an http or https URL"));
    }
    if !app.config.allow_private_webhooks && is_private_host(&url) {
        return Err(invalid("/url: private and loopback addresses are not allowed on this server"));
    }
    let owner = principal.0.clone();
    let url_text = url.to_string();
    let (endpoint, secret) = app.store.call(move |c| crate::webhooks::create_endpoint(c, &owner, &url_text)).await?;
    let mut value = serde_json::to_value(&endpoint).unwrap_or(Value::Null);
    if let Some(obj) = value.as_object_mut() {
        obj.insert("secret".into(), secret.into());
        obj.insert("object".into(), "webhook_endpoint".into());
    }
    Ok((StatusCode::CREATED, Json(value)).into_response())
}

fn is_private_host(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        None => true,
    }
}

/// `GET /v1/webhook-endpoints`.
pub(crate) async fn list_endpoints(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
) -> Result<Json<Value>, ApiError> {
    let owner = principal.0.clone();
    let endpoints = app.store.call(move |c| crate::webhooks::list_endpoints(c, &owner)).await?;
    Ok(Json(json!({"object": "list", "data": endpoints})))
}

/// `GET /v1/webhook-endpoints/{id}/deliveries`.
pub(crate) async fn list_deliveries(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let owner = principal.0.clone();
    match app.store.call(move |c| crate::webhooks::list_deliveries(c, &owner, &id)).await? {
        Some(deliveries) => Ok(Json(json!({"object": "list", "data": deliveries}))),
        None => Err(ApiError::condition(Condition::NotFound, STYLE, "no such webhook endpoint")),
    }
}

/// Query of `GET /v1/events`.
#[derive(Debug, Deserialize)]
pub(crate) struct EventsQuery {
    payment_id: Option<String>,
}

/// `GET /v1/events?payment_id=`: the events of the caller, oldest first.
pub(crate) async fn list_events(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Query(q): Query<EventsQuery>,
) -> Result<Json<Value>, ApiError> {
    let owner = principal.0.clone();
    let events = app.store.call(move |c| crate::events::list(c, &owner, q.payment_id.as_deref())).await?;
    let data: Vec<Value> = events.iter().filter_map(|e| serde_json::from_str(&e.body).ok()).collect();
    Ok(Json(json!({"object": "list", "data": data})))
}

/// `POST /oauth/token` (RFC 6749 §4.4): `grant_type=client_credentials`, the client
/// authenticated with HTTP Basic or `client_id`/`client_secret` form fields; the client secret
/// is an API key. Errors use RFC 6749 §5.2's JSON shape.
pub(crate) async fn oauth_token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let oauth_error = |status: StatusCode, error: &str| {
        let mut r = (status, Json(json!({"error": error}))).into_response();
        r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(r#"Basic realm="payglot-sandbox""#));
        }
        r
    };
    let Ok(body) = body else { return oauth_error(StatusCode::BAD_REQUEST, "invalid_request") };
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if field("grant_type") != Some("client_credentials") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let basic_secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|pair| pair.split_once(':').map(|(_, secret)| secret.to_owned()));
    let secret = basic_secret.or_else(|| field("client_secret").map(str::to_owned));
    match secret.and_then(|s| app.auth.issue_token(&s)) {
        Some(token) => {
            let mut r = Json(json!({
                "access_token": token.access_token,
                "token_type": token.token_type,
                "expires_in": token.expires_in,
                "scope": "payments",
            }))
            .into_response();
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        None => oauth_error(StatusCode::UNAUTHORIZED, "invalid_client"),
    }
}

/// `GET /healthz`.
pub(crate) async fn healthz(State(app): State<Arc<App>>) -> Response {
    match app.store.call(|c| Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?)).await {
        Ok(_) => Json(json!({"status": "ok"})).into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "store unavailable"}))).into_response(),
    }
}

/// Any other path: 404 in the caller's style.
pub(crate) async fn not_found(uri: axum::http::Uri, headers: HeaderMap) -> ApiError {
    ApiError::condition(Condition::NotFound, Style::of(uri.path(), &headers), "no such endpoint")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_body_parses() {
        let body = br#"{"amount": 5000, "currency": "USD", "source_account": "acc_123456", "destination_account": "acc_789012", "reference": "INV-2025-001", "idempotency_key": "4f1c1f0e-0000-4000-8000-000000000001"}"#;
        let (new, key) = parse_create(body, &DecodeLimits::default()).unwrap();
        assert_eq!(new.amount.amount().to_string(), "50.00");
        assert_eq!(new.debtor_account, "acc_123456");
        assert_eq!(key.as_deref(), Some("4f1c1f0e-0000-4000-8000-000000000001"));
    }

    #[test]
    fn bad_bodies_are_refused() {
        let l = DecodeLimits::default();
        let status = |b: &[u8]| parse_create(b, &l).unwrap_err().outcome.http_status;
        assert_eq!(status(b"{"), 400);
        assert_eq!(
            status(br#"{"amount": 50.5, "currency": "USD", "source_account": "a", "destination_account": "b"}"#),
            422
        );
        assert_eq!(
            status(br#"{"amount": -1, "currency": "USD", "source_account": "a", "destination_account": "b"}"#),
            422
        );
        assert_eq!(
            status(br#"{"amount": 1, "currency": "XXY", "source_account": "a", "destination_account": "b"}"#),
            422
        );
        assert_eq!(
            status(br#"{"amount": 1, "currency": "USD", "source_account": "a b", "destination_account": "b"}"#),
            422
        );
        assert_eq!(
            status(br#"{"amount": 1, "currency": "USD", "source_account": "a", "destination_account": "b", "x": 1}"#),
            422
        );
    }
}

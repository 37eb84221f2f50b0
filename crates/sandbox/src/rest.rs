//! REST native endpoints (`/v1/payments`, `/v1/accounts/{id}/transactions`), read and written
//! by payglot-rest's `rest:native` codec (`schemas/rest/openapi.yaml`), with payglot-rest's
//! idempotency over the store; and the sandbox's own JSON endpoints (`/v1/webhook-endpoints`,
//! `/v1/events`, `/oauth/token`, `/healthz`).
//!
//! The request body may leave out what the HTTP request already says: `idempotency_key` (sent
//! as the `Idempotency-Key` header; both must agree when both are given) and `created_at` (the
//! time the request arrived). The sandbox gives them to the codec as the transport context.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Timelike as _;
use payglot_core_model::json::StrictValue;
use payglot_core_model::outcome::Condition;
use payglot_core_model::{
    CodeOrProprietary, Codec, DateTime, DecodeError, DecodeErrorKind, DecodeLimits, EncodeOptions, Format, Message,
    MessageId, Offset, PaymentInitiation, StatusReason, TransportContext,
};
use payglot_rest::RestNative;
use payglot_rest::idempotency::{Fingerprint, IdempotencyError, Policy, StoredResponse};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::app::{App, Idem, Render, idempotency_error};
use crate::auth::Principal;
use crate::canonical;
use crate::errors::{ApiError, Style};
use crate::payments::{Payment, Status};

const STYLE: Style = Style::RestNative;

fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError::condition(Condition::InvalidRequest, STYLE, detail)
}

/// A decode error in `style`: 400 for syntax, 422 for the rest.
pub(crate) fn decode_error(e: &DecodeError, style: Style) -> ApiError {
    let condition =
        if e.kind() == DecodeErrorKind::Syntax { Condition::MalformedRequest } else { Condition::InvalidRequest };
    ApiError::condition(condition, style, e.to_string())
}

/// A provider account id: 1 to 34 characters of `[A-Za-z0-9_-]` (IBANs fit).
pub(crate) fn check_account(field: &str, value: &str) -> Result<(), ApiError> {
    canonical::check_account(field, value).map_err(invalid)
}

fn header_text<'h>(headers: &'h HeaderMap, name: &str, style: Style) -> Result<Option<&'h str>, ApiError> {
    match headers.get(name) {
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| ApiError::condition(Condition::MalformedRequest, style, format!("{name} must be text"))),
        None => Ok(None),
    }
}

/// The longest message id (ISO Max35Text); `rest:native` reads `idempotency_key` as one.
const MAX_MESSAGE_ID: usize = 35;

/// The message id for an idempotency key or request id: the key itself when it fits an ISO
/// Max35Text, else `idk_` + 31 hex digits of its SHA-256 (a UUID has 36 characters).
pub(crate) fn message_id_text(key: &str) -> String {
    if key.chars().count() > MAX_MESSAGE_ID {
        let digest = Sha256::digest(key.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("idk_{}", hex.get(..31).unwrap_or(&hex))
    } else {
        key.to_owned()
    }
}

/// Decode the body with `rest:native`, completed by what the HTTP request says (the key, the
/// time). Returns the initiation and the idempotency key.
///
/// The codec reads `idempotency_key` as the message id, an ISO Max35Text, but a UUID key (the
/// issue's example) has 36 characters: a longer key stays the idempotency key, and the message
/// id becomes `idk_` + 31 hex digits of its SHA-256. A body that leaves the key (or the time)
/// out gets it through the transport context, in the codec's one pass; only a body carrying a
/// key too long to be a message id is rewritten first.
fn parse_create(
    body: &[u8],
    header_key: Option<&str>,
    limits: &DecodeLimits,
) -> Result<(PaymentInitiation, String), ApiError> {
    #[derive(Deserialize)]
    struct KeyProbe {
        idempotency_key: Option<Value>,
    }
    let Ok(KeyProbe { idempotency_key: body_key }) = serde_json::from_slice::<KeyProbe>(body) else {
        // Not even JSON with one key member: the rewriting path reports what is wrong.
        return parse_create_rewritten(body, header_key, limits);
    };
    let body_key = key_member(body_key.as_ref())?;
    if body_key.as_ref().is_some_and(|k| k.chars().count() > MAX_MESSAGE_ID) {
        return parse_create_rewritten(body, header_key, limits);
    }
    let key = agreed_key(header_key, body_key)?;
    let message_id = MessageId::new(message_id_text(&key)).map_err(|e| invalid(e.to_string()))?;
    let limits = limits.clone().with_transport(TransportContext { message_id, time: arrival_time() });
    Ok((initiation(body, &limits)?, key))
}

/// Now, as the sandbox writes times (UTC, milliseconds): when a body's `created_at` is left out.
fn arrival_time() -> DateTime {
    let now = chrono::Utc::now().naive_utc();
    let millis = now.with_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000).unwrap_or(now);
    DateTime::new(millis, Offset::Utc, 3)
}

/// A body's `idempotency_key` member, which must be a string when present.
fn key_member(value: Option<&Value>) -> Result<Option<String>, ApiError> {
    match value {
        Some(Value::String(k)) => Ok(Some(k.clone())),
        Some(_) => Err(invalid("/idempotency_key: must be a string")),
        None => Ok(None),
    }
}

/// Decode a `rest:native` payment request.
fn initiation(body: &[u8], limits: &DecodeLimits) -> Result<PaymentInitiation, ApiError> {
    match RestNative.decode(body, limits).map_err(|e| decode_error(&e, STYLE))?.message {
        Message::PaymentInitiation(pi) => Ok(pi),
        _ => Err(invalid("not a payment request")),
    }
}

/// The idempotency key from the header and the body, which must agree when both are given.
fn agreed_key(header_key: Option<&str>, body_key: Option<String>) -> Result<String, ApiError> {
    let bare = |k: &str| k.strip_prefix('"').and_then(|k| k.strip_suffix('"')).unwrap_or(k).to_owned();
    let key = match (header_key.map(bare), body_key) {
        (Some(h), Some(b)) if h != b => {
            return Err(invalid("the Idempotency-Key header and the body's idempotency_key differ"));
        }
        (Some(k), _) | (None, Some(k)) => k,
        (None, None) => {
            return Err(idempotency_error(&IdempotencyError::MissingKey { header: "Idempotency-Key" }, STYLE));
        }
    };
    Policy::PAYGLOT.check_key(Some(&key)).map_err(|e| idempotency_error(&e, STYLE))?;
    Ok(key)
}

/// [`parse_create`] for a body whose own key is too long to be a message id (or that is not
/// JSON at all): read it strictly, put the derived message id in, and decode the result.
fn parse_create_rewritten(
    body: &[u8],
    header_key: Option<&str>,
    limits: &DecodeLimits,
) -> Result<(PaymentInitiation, String), ApiError> {
    let StrictValue(doc) = payglot_core_model::json::from_slice(body, limits).map_err(|e| decode_error(&e, STYLE))?;
    let Value::Object(mut doc) = doc else { return Err(invalid("the request body must be a JSON object")) };
    let key = agreed_key(header_key, key_member(doc.get("idempotency_key"))?)?;
    doc.insert("idempotency_key".into(), Value::String(message_id_text(&key)));
    doc.entry("created_at").or_insert_with(|| Value::String(crate::payments::now()));
    let filled = serde_json::to_vec(&doc).map_err(|_| invalid("the request body could not be completed"))?;
    Ok((initiation(&filled, limits)?, key))
}

/// Encode with a codec, reporting losses as acceptable (the stored payment is richer or
/// poorer than each format; what matters is what the format can carry).
pub(crate) fn encode_lossy(codec: &dyn Codec, message: &Message) -> Option<Vec<u8>> {
    match codec.encode(message, &EncodeOptions::lossy()) {
        Ok(encoded) => Some(encoded.bytes),
        Err(e) => {
            tracing::error!(error = %e, format = %codec.format(), "cannot encode a response");
            None
        }
    }
}

/// The payment as `rest:native`'s payment resource (JSON bytes).
pub(crate) fn resource_bytes(p: &Payment) -> Option<Vec<u8>> {
    encode_lossy(&RestNative, &Message::StatusReport(canonical::resource(p)?))
}

/// The payment resource as a JSON value (list pages embed it).
pub(crate) fn payment_json(p: &Payment) -> Value {
    resource_bytes(p).and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or(Value::Null)
}

/// A stored response with a content type.
pub(crate) fn stored(status: u16, content_type: &str, body: Vec<u8>) -> StoredResponse {
    StoredResponse { status, headers: vec![("content-type".into(), content_type.into())], body }
}

/// The problem+json of a rejected payment (payglot-rest's `rest:native` error body: `code`,
/// `payment_id`, `instance`), with the outcome table's status.
fn rejection_response(p: &Payment, format: &Format) -> Option<StoredResponse> {
    let code = StatusReason::parse(p.reason.as_deref()?).ok()?;
    let detail = format!("payment {} rejected with reason {}", p.id, code.as_str());
    let report = canonical::rejection(Some(p), CodeOrProprietary::Code(code), &detail)?;
    let r = payglot_rest::errors::error_response(&report, format).ok()?;
    Some(stored(r.status, r.content_type, r.body))
}

fn render_native(p: &Payment) -> StoredResponse {
    let rendered = if p.status == Status::Rejected {
        rejection_response(p, &Format::REST_NATIVE)
    } else {
        resource_bytes(p).map(|body| stored(201, "application/json", body))
    };
    rendered.unwrap_or_else(|| stored(500, "text/plain", b"the response could not be written".to_vec()))
}

/// Turn a stored response into an HTTP response.
pub(crate) fn respond(r: StoredResponse, replayed: bool) -> Response {
    let mut response =
        (StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), r.body).into_response();
    for (name, value) in r.headers {
        // The value's own bytes, not a copy (the same check of its characters as `from_str`).
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_maybe_shared(Bytes::from(value.into_bytes())),
        ) {
            response.headers_mut().insert(name, value);
        }
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

/// The decode limits of request bodies.
pub(crate) fn limits(app: &App) -> DecodeLimits {
    DecodeLimits::default().with_max_bytes(app.config.max_body_bytes)
}

/// `POST /v1/payments`.
pub(crate) async fn create_payment(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body_or_413(body, STYLE)?;
    let header_key = header_text(&headers, "idempotency-key", STYLE)?;
    let (pi, key) = parse_create(&body, header_key, &limits(&app))?;
    let new = canonical::single_payment(&pi).map_err(invalid)?;
    let hook = canonical::name_hook(canonical::single_creditor_name(&pi));
    let idem = Idem {
        policy: Policy::PAYGLOT,
        operation: "POST /v1/payments".into(),
        key: Some(key),
        fingerprint: Fingerprint::of("POST", "/v1/payments", &body),
    };
    let render: Render = Box::new(render_native);
    let created = app.create_payment_with(&principal, STYLE, new, idem, render, hook).await?;
    Ok(respond(created.response, created.replayed))
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `GET /v1/payments/{id}`: the payment resource, whatever style created the payment.
pub(crate) async fn get_payment(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    match app.payment(&principal, &id).await? {
        Some(p) => resource_bytes(&p)
            .map(|b| json_response(StatusCode::OK, b))
            .ok_or_else(|| ApiError::condition(Condition::Internal, STYLE, "the payment could not be written")),
        None => Err(ApiError::condition(Condition::NotFound, STYLE, "no such payment")),
    }
}

/// Query of `GET /v1/payments`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    limit: Option<u32>,
    starting_after: Option<String>,
}

/// `GET /v1/payments?limit=&starting_after=`, newest first: `{"object": "list", "data":
/// [payment resources], "has_more"}`.
pub(crate) async fn list_payments(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = query.map_err(|e| invalid(e.body_text()))?;
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let owner = principal.0.clone();
    let page = app.store.call(move |c| c.payments_before(&owner, limit + 1, q.starting_after.as_deref())).await?;
    let has_more = page.len() > limit as usize;
    let data: Vec<Value> = page.iter().take(limit as usize).map(payment_json).collect();
    Ok(Json(json!({"object": "list", "data": data, "has_more": has_more})))
}

/// `GET /v1/accounts/{id}/transactions`: `rest:native`'s transaction list of every payment
/// that debits or credits the account, except rejected ones; booked once settled (ACSC),
/// pending before.
pub(crate) async fn account_transactions(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(account): Path<String>,
) -> Result<Response, ApiError> {
    check_account("account", &account)?;
    let owner = principal.0.clone();
    let acc = account.clone();
    let payments = app.store.call(move |c| c.payments_for_account(&owner, &acc)).await?;
    canonical::transaction_list(&account, &payments)
        .and_then(|list| encode_lossy(&RestNative, &Message::Statement(list)))
        .map(|b| json_response(StatusCode::OK, b))
        .ok_or_else(|| ApiError::condition(Condition::Internal, STYLE, "the transaction list could not be written"))
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
    let endpoints = app.store.call(move |c| c.endpoints(&owner)).await?;
    Ok(Json(json!({"object": "list", "data": endpoints})))
}

/// `GET /v1/webhook-endpoints/{id}/deliveries`.
pub(crate) async fn list_deliveries(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let owner = principal.0.clone();
    match app.store.call(move |c| c.deliveries(&owner, &id)).await? {
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
    match app.store.call(|c| c.ping()).await {
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

    const ISSUE_BODY: &[u8] = br#"{"amount": 5000, "currency": "USD", "source_account": "acc_123456", "destination_account": "acc_789012", "reference": "INV-2025-001", "idempotency_key": "4f1c1f0e-0000-4000-8000-000000000001"}"#;

    #[test]
    fn the_issue_body_parses_through_the_codec() {
        let (pi, key) = parse_create(ISSUE_BODY, None, &DecodeLimits::default()).unwrap();
        let new = canonical::single_payment(&pi).unwrap();
        assert_eq!(new.amount.amount().to_string(), "50.00");
        assert_eq!(new.debtor_account, "acc_123456");
        assert_eq!(new.reference.as_deref(), Some("INV-2025-001"));
        assert_eq!(key, "4f1c1f0e-0000-4000-8000-000000000001");
        // The key may come in the header only; quoted or bare.
        let without: Value = serde_json::from_slice(ISSUE_BODY).unwrap();
        let mut without = without.as_object().unwrap().clone();
        without.remove("idempotency_key");
        let body = serde_json::to_vec(&without).unwrap();
        let (_, key) = parse_create(&body, Some("\"k-1\""), &DecodeLimits::default()).unwrap();
        assert_eq!(key, "k-1");
    }

    #[test]
    fn bad_bodies_are_refused() {
        let l = DecodeLimits::default();
        let status = |b: &[u8], h: Option<&str>| parse_create(b, h, &l).unwrap_err().outcome.http_status;
        let body = |extra: &str| {
            format!(
                r#"{{"currency": "USD", "source_account": "a", "destination_account": "b", "reference": "r", {extra}}}"#
            )
        };
        assert_eq!(status(b"{", Some("k")), 400);
        assert_eq!(status(body(r#""amount": 50.5"#).as_bytes(), Some("k")), 422);
        assert_eq!(status(body(r#""amount": 1, "x": 1"#).as_bytes(), Some("k")), 422);
        assert_eq!(status(body(r#""amount": 1"#).as_bytes(), None), 400, "no key");
        assert_eq!(status(body(r#""amount": 1, "idempotency_key": "a""#).as_bytes(), Some("b")), 422, "keys differ");
        assert_eq!(status(body(r#""amount": 1, "amount": 2"#).as_bytes(), Some("k")), 422, "duplicate key");
    }
}

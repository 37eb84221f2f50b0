//! Berlin Group NextGenPSD2 payment initiation: `POST /v1/payments/{payment-product}` (also
//! `POST /v1/{payment-product}`) and `GET /v1/payments/{payment-product}/{paymentId}/status`,
//! for the products sepa-credit-transfers, instant-sepa-credit-transfers, target-2-payments and
//! cross-border-credit-transfers. Bodies are read and written by payglot-rest's
//! `rest:berlin-group` codec; errors are `tppMessages`.
//!
//! The `X-Request-ID` header (a UUID, required) is the idempotency key and gives the message
//! id (`idk_` + a digest: a UUID does not fit ISO's 35 characters):
//! resending a request replays the first answer; the same id with another body is refused.
//! A scenario rejection is an initiation response with `transactionStatus` RJCT (the payment
//! exists and is visible in every style); the ISO reason is in the `X-Payglot-Status-Reason`
//! header, which the 1.3.8 response body has no field for.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use payglot_core_model::outcome::Condition;
use payglot_core_model::{Codec, DateTime, Message, MessageId, StatusReport};
use payglot_rest::idempotency::{Fingerprint, Policy};
use payglot_rest::{HttpContext, PaymentProduct, RestBerlinGroup};

use crate::app::{App, Idem, Render, idempotency_error};
use crate::auth::Principal;
use crate::errors::{ApiError, Style};
use crate::payments::Payment;
use crate::rest::{body_or_413, decode_error, encode_lossy, limits, respond, stored};

const STYLE: Style = Style::BerlinGroup;

/// Whether the client sent its own `X-Request-ID` (the request-id layer adds one otherwise).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientRequestId(pub(crate) bool);

fn product(segment: &str) -> Result<PaymentProduct, ApiError> {
    PaymentProduct::parse(segment)
        .ok_or_else(|| ApiError::condition(Condition::NotFound, STYLE, format!("unknown payment product {segment}")))
}

/// The payment's status as a Berlin Group status body (initiation response and status
/// response): `transactionStatus`, `paymentId` and the `_links` of the product.
fn status_body(codec: &RestBerlinGroup, p: &Payment) -> Option<Vec<u8>> {
    let mut report: StatusReport = crate::canonical::resource(p)?;
    for t in &mut report.transactions {
        // Only the id and status travel in this body.
        let (id, status) = (t.status_id.take(), t.status.take());
        *t = payglot_core_model::TransactionStatus { status_id: id, status, ..blank() };
    }
    encode_lossy(codec, &Message::StatusReport(report))
}

fn blank() -> payglot_core_model::TransactionStatus {
    payglot_core_model::TransactionStatus {
        status_id: None,
        original_instruction_id: None,
        original_end_to_end_id: None,
        original_transaction_id: None,
        original_uetr: None,
        status: None,
        reasons: Vec::new(),
        acceptance_time: None,
        original_amount: None,
        original_requested_execution: None,
        extensions: Default::default(),
    }
}

/// `POST /v1/payments/{payment-product}`.
pub(crate) async fn initiate(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    client_id: Option<axum::Extension<ClientRequestId>>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let product = product(&segment)?;
    let body = body_or_413(body, STYLE)?;
    let sent = client_id.is_none_or(|axum::Extension(ClientRequestId(sent))| sent);
    let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).filter(|_| sent);
    let key = Policy::BERLIN_GROUP
        .check_key(request_id)
        .map_err(|e| idempotency_error(&e, STYLE))?
        .map(|k| k.as_str().to_owned())
        .ok_or_else(|| ApiError::condition(Condition::MalformedRequest, STYLE, "X-Request-ID is required"))?;
    let context = HttpContext {
        message_id: MessageId::new(crate::rest::message_id_text(&key))
            .map_err(|e| ApiError::condition(Condition::MalformedRequest, STYLE, format!("X-Request-ID: {e}")))?,
        time: DateTime::from_utc(chrono::Utc::now()),
    };
    let codec = RestBerlinGroup::default().for_product(product);
    let decoded =
        codec.clone().with_context(context).decode(&body, &limits(&app)).map_err(|e| decode_error(&e, STYLE))?;
    let Message::PaymentInitiation(pi) = decoded.message else {
        return Err(ApiError::condition(Condition::InvalidRequest, STYLE, "not a payment initiation body"));
    };
    let new = crate::canonical::single_payment(&pi)
        .map_err(|detail| ApiError::condition(Condition::InvalidRequest, STYLE, detail))?;
    let hook = crate::canonical::name_hook(crate::canonical::single_creditor_name(&pi));
    let path = format!("/v1/payments/{}", product.as_str());
    let idem = Idem {
        policy: Policy::BERLIN_GROUP,
        operation: format!("POST {path}").into(),
        key: Some(key),
        fingerprint: Fingerprint::of("POST", &path, &body),
    };
    let render: Render = Box::new(move |p: &Payment| match status_body(&codec, p) {
        Some(body) => {
            let mut r = stored(201, "application/json", body);
            r.headers.push(("location".into(), format!("{path}/{}", p.id)));
            if let Some(reason) = &p.reason {
                r.headers.push(("x-payglot-status-reason".into(), reason.clone()));
            }
            r
        }
        None => stored(500, "text/plain", b"the response could not be written".to_vec()),
    });
    let created = app.create_payment_with(&principal, STYLE, new, idem, render, hook).await?;
    Ok(respond(created.response, created.replayed))
}

/// `GET /v1/payments/{payment-product}/{paymentId}/status`: the status of any payment of the
/// caller, whatever style created it.
pub(crate) async fn status(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path((segment, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let codec = RestBerlinGroup::default().for_product(product(&segment)?);
    let payment = app
        .payment(&principal, &id)
        .await
        .map_err(|e| restyle(e.into()))?
        .ok_or_else(|| ApiError::condition(Condition::NotFound, STYLE, "no such payment"))?;
    let body = status_body(&codec, &payment)
        .ok_or_else(|| ApiError::condition(Condition::Internal, STYLE, "the status could not be written"))?;
    let mut r = stored(200, "application/json", body);
    if let Some(reason) = &payment.reason {
        r.headers.push(("x-payglot-status-reason".into(), reason.clone()));
    }
    Ok(respond(r, false))
}

fn restyle(mut e: ApiError) -> ApiError {
    e.style = STYLE;
    e
}

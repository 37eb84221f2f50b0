//! ISO 20022 over HTTP: requests decoded by the facade's `AnyIso20022` (the version the
//! document's namespace names), answers written by payglot-iso20022:
//! - `POST /iso20022`: a pain.001 (any supported version) → a pain.002 (pain.002.001.03 for a
//!   pain.001.001.03, else pain.002.001.10) with one transaction status per transfer, whose
//!   status id is the payment id. Each transfer is one payment; its idempotency key is the
//!   message id + the end-to-end id (+ its occurrence number when an end-to-end id repeats in
//!   the message, or is `NOTPROVIDED`), so a resent message creates nothing twice and the same
//!   message id and end-to-end id with other content is refused (422).
//! - `GET /iso20022/payments/{id}/status`: a pain.002 of any payment of the caller (the
//!   original message and block ids are not kept: `NOTPROVIDED`).
//! - `GET /iso20022/statements/{account}?date=YYYY-MM-DD`: a camt.053.001.08 of that day's
//!   bookings (settled payments), with opening and closing balances.
//! - `GET /iso20022/notifications?since=<RFC 3339>`: camt.054.001.08 notifications, one per
//!   booking of the payments settled after `since` (oldest first, at most 100); the
//!   `payglot-next-since` header is the value to poll with next. 204 when there is none.
//!
//! Errors are pain.002 group rejections (`errors`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use payglot_core_model::outcome::Condition;
use payglot_core_model::{Codec, Max35Text, Message, PaymentInfoStatus};
use payglot_iso20022::{Iso20022Codec, IsoMessage};
use payglot_rest::idempotency::{Fingerprint, Policy};
use serde::Deserialize;

use crate::app::{App, Idem, Render};
use crate::auth::Principal;
use crate::canonical::{self, NOT_PROVIDED, Original};
use crate::errors::{ApiError, Style};
use crate::payments::Payment;
use crate::rest::{body_or_413, decode_error, encode_lossy, limits, stored};
use crate::store::StoreError;

const STYLE: Style = Style::Iso20022;
const XML: &str = "application/xml";

fn error(condition: Condition, detail: impl Into<String>, original: Option<&str>) -> ApiError {
    let mut e = ApiError::condition(condition, STYLE, detail);
    e.original_message_id = original.map(Into::into);
    e
}

fn xml(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(axum::http::header::CONTENT_TYPE, XML)], body).into_response()
}

fn restyle(mut e: ApiError, original: Option<&str>) -> ApiError {
    e.style = STYLE;
    if e.original_message_id.is_none() {
        e.original_message_id = original.map(Into::into);
    }
    e
}

fn encode(version: IsoMessage, message: &Message) -> Result<Vec<u8>, ApiError> {
    encode_lossy(&Iso20022Codec::new(version), message)
        .ok_or_else(|| error(Condition::Internal, "the answer could not be written", None))
}

/// `POST /iso20022`: pain.001 in, pain.002 out.
pub(crate) async fn initiate(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body_or_413(body, STYLE)?;
    let version = match payglot_iso20022::sniff(&body) {
        Some(Ok(format)) => IsoMessage::ALL.into_iter().find(|m| m.format() == format),
        Some(Err(namespace)) => {
            return Err(error(Condition::InvalidRequest, format!("unsupported ISO 20022 namespace {namespace}"), None));
        }
        None => return Err(error(Condition::MalformedRequest, "no ISO 20022 Document found", None)),
    };
    let Some(version) = version else {
        return Err(error(Condition::InvalidRequest, "an ISO 20022 version without a codec", None));
    };
    let decoded = payglot::AnyIso20022.decode(&body, &limits(&app)).map_err(|e| decode_error(&e, STYLE))?;
    let Message::PaymentInitiation(pi) = decoded.message else {
        return Err(error(Condition::InvalidRequest, "POST /iso20022 takes a pain.001", None));
    };
    let message_id = pi.header.message_id.as_str().to_owned();
    let original = Original { message_id: message_id.clone(), message_name: version.id().to_owned() };
    let answer = if version == IsoMessage::Pain001V03 { IsoMessage::Pain002V03 } else { IsoMessage::Pain002V10 };
    let news = canonical::new_payments(&pi).map_err(|d| error(Condition::InvalidRequest, d, Some(&message_id)))?;
    let fingerprint = Fingerprint::of("POST", "/iso20022", &body);
    let mut ids = Vec::with_capacity(news.len());
    let mut seen: Vec<&str> = Vec::new();
    for (transfer, new) in pi.transfers().zip(news) {
        let e2e = transfer.ids.end_to_end_id.as_str();
        let occurrence = seen.iter().filter(|s| **s == e2e).count();
        seen.push(e2e);
        let key = if e2e == NOT_PROVIDED || occurrence > 0 {
            crate::idempotency::derived_key(&["iso20022", &message_id, e2e, &occurrence.to_string()])
        } else {
            crate::idempotency::derived_key(&["iso20022", &message_id, e2e])
        };
        let idem = Idem { policy: Policy::PAYGLOT, operation: "POST /iso20022".into(), key: Some(key), fingerprint };
        let render: Render = Box::new(|p: &Payment| stored(201, "text/plain", p.id.clone().into_bytes()));
        let hook = canonical::name_hook(canonical::creditor_name(transfer));
        let created = app
            .create_payment_with(&principal, STYLE, new, idem, render, hook)
            .await
            .map_err(|e| restyle(e, Some(&message_id)))?;
        ids.push(String::from_utf8_lossy(&created.response.body).into_owned());
    }
    let owner = principal.0.clone();
    let payments = app
        .store
        .call(move |c| {
            ids.iter()
                .map(|id| c.payment(&owner, id)?.ok_or_else(|| StoreError::Corrupt(format!("payment {id}"))))
                .collect::<Result<Vec<Payment>, StoreError>>()
        })
        .await
        .map_err(|e| restyle(e.into(), Some(&message_id)))?;
    let mut report = canonical::status_report(&payments, Some(&original))
        .ok_or_else(|| error(Condition::Internal, "the status report could not be built", Some(&message_id)))?;
    // pain.002 reports transactions by payment-information block: the request's blocks.
    let mut loose = std::mem::take(&mut report.transactions).into_iter();
    for batch in &pi.batches {
        report.payment_infos.push(PaymentInfoStatus {
            original_payment_info_id: Max35Text::new(batch.id.as_str())
                .map_err(|e| error(Condition::Internal, e.to_string(), Some(&message_id)))?,
            status: None,
            reasons: Vec::new(),
            transactions: loose.by_ref().take(batch.transfers.len()).collect(),
        });
    }
    Ok(xml(StatusCode::OK, encode(answer, &Message::StatusReport(report))?))
}

/// `GET /iso20022/payments/{id}/status`: a pain.002.001.10 of one payment.
pub(crate) async fn status(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let payment = app
        .payment(&principal, &id)
        .await
        .map_err(|e| restyle(e.into(), None))?
        .ok_or_else(|| error(Condition::NotFound, "no such payment", None))?;
    // The original message id is not kept: ISO's NOTPROVIDED names it.
    let original = Original { message_id: NOT_PROVIDED.into(), message_name: "pain.001.001.09".into() };
    let mut report = canonical::status_report(std::slice::from_ref(&payment), Some(&original))
        .ok_or_else(|| error(Condition::Internal, "the status report could not be built", None))?;
    let transactions = std::mem::take(&mut report.transactions);
    report.payment_infos.push(PaymentInfoStatus {
        original_payment_info_id: Max35Text::new(NOT_PROVIDED)
            .map_err(|e| error(Condition::Internal, e.to_string(), None))?,
        status: None,
        reasons: Vec::new(),
        transactions,
    });
    Ok(xml(StatusCode::OK, encode(IsoMessage::Pain002V10, &Message::StatusReport(report))?))
}

/// Query of the statement endpoint.
#[derive(Debug, Deserialize)]
pub(crate) struct StatementQuery {
    date: Option<String>,
}

/// `GET /iso20022/statements/{account}?date=YYYY-MM-DD` (default: today, UTC).
pub(crate) async fn statement(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(account): Path<String>,
    query: Result<Query<StatementQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| error(Condition::InvalidRequest, e.body_text(), None))?;
    canonical::check_account("account", &account).map_err(|d| error(Condition::InvalidRequest, d, None))?;
    let date = match q.date.as_deref() {
        Some(text) => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| error(Condition::InvalidRequest, "date: use YYYY-MM-DD", None))?,
        None => chrono::Utc::now().date_naive(),
    };
    let (owner, acc) = (principal.0.clone(), account.clone());
    let payments =
        app.store.call(move |c| c.payments_for_account(&owner, &acc)).await.map_err(|e| restyle(e.into(), None))?;
    let statement = canonical::statement(&account, &payments, date)
        .ok_or_else(|| error(Condition::NotFound, "no bookings on this account", None))?;
    Ok(xml(StatusCode::OK, encode(IsoMessage::Camt053V08, &Message::Statement(statement))?))
}

/// Query of the notifications endpoint.
#[derive(Debug, Deserialize)]
pub(crate) struct NotificationsQuery {
    since: Option<String>,
}

/// Most settled payments in one camt.054.
const NOTIFICATIONS_PAGE: u32 = 100;

/// `GET /iso20022/notifications?since=<RFC 3339>`.
pub(crate) async fn notifications(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    query: Result<Query<NotificationsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| error(Condition::InvalidRequest, e.body_text(), None))?;
    let since = match q.since.as_deref() {
        Some(text) => chrono::DateTime::parse_from_rfc3339(text)
            .map_err(|_| error(Condition::InvalidRequest, "since: an RFC 3339 date-time", None))?
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        None => String::new(),
    };
    let owner = principal.0.clone();
    let payments = app
        .store
        .call(move |c| c.settled_since(&owner, &since, NOTIFICATIONS_PAGE))
        .await
        .map_err(|e| restyle(e.into(), None))?;
    let Some(notification) = canonical::notifications(&payments) else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let mut response = xml(StatusCode::OK, encode(IsoMessage::Camt054V08, &Message::Notification(notification))?);
    if let Some(last) = payments.last()
        && let Ok(v) = axum::http::HeaderValue::from_str(&last.updated_at)
    {
        response.headers_mut().insert("payglot-next-since", v);
    }
    Ok(response)
}

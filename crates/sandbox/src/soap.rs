//! SOAP 1.1 and 1.2 at `POST /soap` (payglot's own service, `soap:payglot`) and its WSDL at
//! `GET /soap?wsdl`. Envelopes, bodies and faults are read and written by `payglot-soap`; this
//! module only maps an `InitiatePaymentRequest` to a [`NewPayment`] and a stored [`Payment`]
//! to the canonical `StatusReport` the response carries.
//!
//! Idempotency: the HTTP `Idempotency-Key` header when present, else the request's message id
//! (`GrpHdr/MsgId`): a retry of the same message replays the first response; the same message
//! id with another content is refused (422 outcome, SOAP fault).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use payglot_core_model::outcome::Condition;
use payglot_core_model::{DecodeLimits, PaymentInitiation};
use payglot_rest::idempotency::{Fingerprint, Policy, StoredResponse};
use payglot_soap::payglot::{PayglotBody, PaymentStatusQuery, read_body};
use payglot_soap::{Fault, SoapVersion, parse_envelope, transport};

use crate::app::{App, Idem, Render};
use crate::auth::Principal;
use crate::canonical::{Original, status_report};
use crate::errors::ApiError;
use crate::payments::Payment;

/// The service contract, served at `GET /soap?wsdl`.
pub(crate) const WSDL: &str = include_str!("../../../schemas/soap/payglot.wsdl");

/// `GET /soap?wsdl`.
pub(crate) async fn wsdl(uri: Uri) -> Response {
    let wants_wsdl = uri.query().is_some_and(|q| q.split('&').any(|p| p.eq_ignore_ascii_case("wsdl")));
    if !wants_wsdl {
        return (StatusCode::NOT_FOUND, "GET /soap?wsdl for the service description; POST SOAP envelopes to /soap")
            .into_response();
    }
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], WSDL).into_response()
}

fn envelope_response(status: u16, version: SoapVersion, xml: String) -> StoredResponse {
    crate::rest::stored(status, &transport::response_content_type(version), xml.into_bytes())
}

fn fault_response(fault: &Fault, version: SoapVersion, retry_after: Option<u64>) -> Response {
    let xml = PayglotBody::Fault(fault.clone()).to_envelope(version, &[]).unwrap_or_default();
    let status = transport::fault_http_status(fault, version);
    let mut response = crate::rest::respond(envelope_response(status, version, xml), false);
    if let Some(secs) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

fn fault_from_api(e: &ApiError, version: SoapVersion) -> Response {
    let mut fault = Fault::from_outcome(&e.outcome, None, version);
    fault.reason = format!("{}: {}", e.outcome.title, e.detail);
    fault_response(&fault, version, e.retry_after)
}

fn fault_for(condition: Condition, detail: &str, version: SoapVersion) -> Response {
    let mut fault = Fault::from_condition(condition, version);
    fault.reason = detail.to_owned();
    fault_response(&fault, version, None)
}

/// `POST /soap`.
pub(crate) async fn post(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let action = headers.get("soapaction").and_then(|v| v.to_str().ok());
    let transport = match transport::read_request_headers(content_type, action) {
        Ok(t) => t,
        Err(e) => return fault_response(&e.to_fault(), e.version, None),
    };
    let version = transport.version;
    let Ok(body) = body else {
        return fault_for(Condition::PayloadTooLarge, "the request body is over the size limit", version);
    };
    let limits = DecodeLimits::default().with_max_bytes(app.config.max_body_bytes);
    let message = match parse_envelope(&body, &limits) {
        Ok(m) => m,
        Err(e) => return fault_response(&e.to_fault(), version, None),
    };
    if let Err(e) = message.check_must_understand(&[]) {
        return fault_response(&e.to_fault(), version, None);
    }
    match read_body(&message) {
        Ok(PayglotBody::InitiatePaymentRequest(pi)) => initiate(&app, &principal, version, &pi, &headers, &body).await,
        Ok(PayglotBody::GetPaymentStatusRequest(q)) => status(&app, &principal, version, &q).await,
        Ok(PayglotBody::GetStatementRequest(_)) => {
            fault_for(Condition::InvalidRequest, "GetStatement is not served by the sandbox yet", version)
        }
        Ok(_) => fault_for(Condition::InvalidRequest, "not a request of the payglot SOAP service", version),
        Err(e) => fault_response(&Fault::from_decode_error(&e, version), version, None),
    }
}

async fn initiate(
    app: &App,
    principal: &Principal,
    version: SoapVersion,
    pi: &PaymentInitiation,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let new = match crate::canonical::single_payment(pi) {
        Ok(n) => n,
        Err(detail) => return fault_for(Condition::InvalidRequest, &detail, version),
    };
    let message_id = pi.header.message_id.as_str().to_owned();
    let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        Some(Ok(k)) => k.to_owned(),
        Some(Err(_)) => return fault_for(Condition::MalformedRequest, "Idempotency-Key must be text", version),
        None => crate::idempotency::derived_key(&["soap", &message_id]),
    };
    let style = if version == SoapVersion::V1_2 { crate::errors::Style::Soap12 } else { crate::errors::Style::Soap11 };
    let original = Original { message_id: message_id.clone(), message_name: "pain.001.001.09".into() };
    let render: Render = Box::new(move |p: &Payment| match status_report(std::slice::from_ref(p), Some(&original)) {
        Some(report) => match PayglotBody::InitiatePaymentResponse(report).to_envelope(version, &[]) {
            Ok(xml) => envelope_response(200, version, xml),
            Err(_) => envelope_response(500, version, String::new()),
        },
        None => envelope_response(500, version, String::new()),
    });
    let idem = Idem {
        policy: Policy::PAYGLOT,
        operation: "POST /soap InitiatePayment".into(),
        key: Some(key),
        fingerprint: Fingerprint::of("POST", "/soap", body),
    };
    let hook = crate::canonical::name_hook(crate::canonical::single_creditor_name(pi));
    match app.create_payment_with(principal, style, new, idem, render, hook).await {
        Ok(created) => crate::rest::respond(created.response, created.replayed),
        Err(e) => fault_from_api(&e, version),
    }
}

async fn status(app: &App, principal: &Principal, version: SoapVersion, q: &PaymentStatusQuery) -> Response {
    let found = match (&q.status_id, &q.original_end_to_end_id) {
        (Some(id), _) => app.payment(principal, id.as_str()).await,
        (None, Some(e2e)) => {
            let (owner, e2e) = (principal.0.clone(), e2e.as_str().to_owned());
            app.store.call(move |c| c.latest_by_end_to_end_id(&owner, &e2e)).await
        }
        (None, None) => {
            return fault_for(
                Condition::InvalidRequest,
                "give the StatusId (payment id) or the end-to-end id",
                version,
            );
        }
    };
    match found {
        Ok(Some(p)) => {
            match status_report(std::slice::from_ref(&p), None)
                .map(|r| PayglotBody::GetPaymentStatusResponse(r).to_envelope(version, &[]))
            {
                Some(Ok(xml)) => crate::rest::respond(envelope_response(200, version, xml), false),
                _ => fault_for(Condition::Internal, "the status report could not be written", version),
            }
        }
        Ok(None) => fault_for(Condition::NotFound, "no such payment", version),
        Err(_) => fault_for(Condition::Internal, "the store failed", version),
    }
}

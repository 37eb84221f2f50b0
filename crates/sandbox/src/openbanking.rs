//! UK Open Banking Read/Write API v3.1 and v4 domestic payments:
//! `POST /open-banking/v{3.1,4.0}/pisp/domestic-payment-consents`,
//! `GET .../domestic-payment-consents/{ConsentId}`, `POST .../domestic-payments` (with the
//! consent's `ConsentId` and the same `Initiation`) and `GET .../domestic-payments/{id}`.
//! Requests are decoded by payglot-rest's `rest:open-banking-uk` / `-v3.1` codec; errors are
//! `OBErrorResponse1` (payglot-rest). `x-idempotency-key` is required on both POSTs (payglot-rest's
//! Open Banking policy); `x-fapi-interaction-id` is echoed (one is made when absent).
//!
//! The sandbox has no PSU: a consent is `Authorised` as soon as it is created, and one payment
//! consumes it. The response documents repeat the `Initiation`: payglot-rest encodes
//! initiations but not these responses, so the sandbox wraps the encoded `Initiation` with the
//! response's own members (`DomesticPaymentId`, `Status`, ...). FIXME(issue 8): a payment
//! created in another style comes back with what the canonical model holds (provider account
//! ids as `UK.OBIE.BBAN`, reported as an approximation by the codec).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use payglot_core_model::outcome::Condition;
use payglot_core_model::{Codec, DateTime, Message, MessageId};
use payglot_rest::idempotency::{Fingerprint, Policy};
use payglot_rest::{HttpContext, RestOpenBankingUk};
use serde_json::{Value, json};

use crate::app::{App, Hook, Idem, Render};
use crate::auth::Principal;
use crate::db::{ConsentRow, Db};
use crate::errors::{ApiError, Style};
use crate::payments::{Payment, Status, new_id, now};
use crate::rest::{body_or_413, decode_error, encode_lossy, limits, respond, stored};
use crate::store::StoreError;

/// An API version in the path: `v3.1` or `v4.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V31,
    V4,
}

impl Version {
    fn parse(segment: &str) -> Result<Self, ApiError> {
        match segment {
            "v3.1" => Ok(Self::V31),
            "v4.0" | "v4" => Ok(Self::V4),
            other => Err(ApiError::condition(
                Condition::NotFound,
                Style::OpenBanking,
                format!("unknown Open Banking version {other}; use v3.1 or v4.0"),
            )),
        }
    }

    fn style(self) -> Style {
        if self == Self::V31 { Style::OpenBankingV31 } else { Style::OpenBanking }
    }

    fn codec(self) -> RestOpenBankingUk {
        if self == Self::V31 { RestOpenBankingUk::v3_1() } else { RestOpenBankingUk::v4() }
    }

    fn label(self) -> &'static str {
        if self == Self::V31 { "v3.1" } else { "v4.0" }
    }

    /// The payment's status in this version: v4 uses the ISO code, v3.1 its own words.
    fn status(self, status: Status) -> &'static str {
        match (self, status) {
            (Self::V4, s) => s.code(),
            (Self::V31, Status::Received) => "Pending",
            (Self::V31, Status::AcceptedTechnical) => "AcceptedSettlementInProcess",
            (Self::V31, Status::Settled) => "AcceptedSettlementCompleted",
            (Self::V31, Status::Rejected) => "Rejected",
        }
    }
}

fn base(version: Version) -> String {
    format!("/open-banking/{}/pisp", version.label())
}

fn refused(version: Version, condition: Condition, detail: impl Into<String>) -> ApiError {
    ApiError::condition(condition, version.style(), detail)
}

fn interaction_id(headers: &HeaderMap) -> String {
    headers
        .get("x-fapi-interaction-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

fn with_interaction_id(mut response: Response, id: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(id) {
        response.headers_mut().insert("x-fapi-interaction-id", v);
    }
    response
}

/// A request decoded by the version's codec, and its raw JSON (for `Initiation` and `Risk`).
struct Decoded {
    initiation: payglot_core_model::PaymentInitiation,
    doc: Value,
}

fn decode(app: &App, version: Version, body: &[u8]) -> Result<Decoded, ApiError> {
    let style = version.style();
    let context = HttpContext {
        message_id: MessageId::new(new_id("obm")).map_err(|e| refused(version, Condition::Internal, e.to_string()))?,
        time: DateTime::from_utc(chrono::Utc::now()),
    };
    let decoded =
        version.codec().with_context(context).decode(body, &limits(app)).map_err(|e| decode_error(&e, style))?;
    let Message::PaymentInitiation(initiation) = decoded.message else {
        return Err(refused(version, Condition::InvalidRequest, "not a domestic payment request"));
    };
    let doc: Value =
        serde_json::from_slice(body).map_err(|e| refused(version, Condition::MalformedRequest, e.to_string()))?;
    Ok(Decoded { initiation, doc })
}

fn idempotency(headers: &HeaderMap, operation: String, body: &[u8]) -> Idem {
    Idem {
        policy: Policy::OPEN_BANKING_UK,
        key: headers.get("x-idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned),
        fingerprint: Fingerprint::of("POST", &operation, body),
        operation: operation.into(),
    }
}

/// `POST /open-banking/{version}/pisp/domestic-payment-consents`.
pub(crate) async fn create_consent(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(version): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let version = Version::parse(&version)?;
    let body = body_or_413(body, version.style())?;
    let interaction = interaction_id(&headers);
    let decoded = decode(&app, version, &body)?;
    if decoded.doc.pointer("/Data/ConsentId").is_some() {
        return Err(refused(version, Condition::InvalidRequest, "/Data/ConsentId: not part of a consent request"));
    }
    crate::canonical::single_payment(&decoded.initiation)
        .map_err(|detail| refused(version, Condition::InvalidRequest, detail))?;
    let initiation = decoded.doc.pointer("/Data/Initiation").cloned().unwrap_or(Value::Null);
    let risk = decoded.doc.get("Risk").cloned().unwrap_or_else(|| json!({}));
    let path = format!("{}/domestic-payment-consents", base(version));
    let idem = idempotency(&headers, format!("POST {path}"), &body);
    let owner = principal.0.clone();
    let created = app
        .run_idempotent(&principal, version.style(), idem, move |c| {
            let id = new_id("obc");
            let at = now();
            c.insert_consent(&id, &owner, version.label(), &initiation.to_string(), &at)?;
            let doc = json!({
                "Data": {
                    "ConsentId": id,
                    "CreationDateTime": at,
                    "Status": "Authorised",
                    "StatusUpdateDateTime": at,
                    "Initiation": initiation,
                },
                "Risk": risk,
                "Links": {"Self": format!("{path}/{id}")},
                "Meta": {},
            });
            Ok(stored(201, "application/json", doc.to_string().into_bytes()))
        })
        .await?;
    Ok(with_interaction_id(respond(created.response, created.replayed), &interaction))
}

/// `GET /open-banking/{version}/pisp/domestic-payment-consents/{ConsentId}`.
pub(crate) async fn get_consent(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let version = Version::parse(&version)?;
    let (owner, cid) = (principal.0.clone(), id.clone());
    let found = app.store.call(move |c| c.consent(&owner, &cid)).await.map_err(|e| restyle(e.into(), version))?;
    let Some(ConsentRow { initiation, status, created_at: created, updated_at: updated, .. }) = found else {
        return Err(refused(version, Condition::NotFound, "no such consent"));
    };
    let initiation: Value = serde_json::from_str(&initiation).unwrap_or(Value::Null);
    let doc = json!({
        "Data": {
            "ConsentId": id,
            "CreationDateTime": created,
            "Status": status,
            "StatusUpdateDateTime": updated,
            "Initiation": initiation,
        },
        "Risk": {},
        "Links": {"Self": format!("{}/domestic-payment-consents/{id}", base(version))},
        "Meta": {},
    });
    let response = respond(stored(200, "application/json", doc.to_string().into_bytes()), false);
    Ok(with_interaction_id(response, &interaction_id(&headers)))
}

/// The `OBWriteDomesticResponse` of a payment: the encoded `Initiation` (the client's own when
/// it came with this request) and the payment's id, status and times.
fn payment_doc(
    version: Version,
    p: &Payment,
    consent_id: Option<&str>,
    initiation: Option<&Value>,
    creditor_name: Option<&str>,
) -> Option<Value> {
    let initiation = match initiation {
        Some(i) => i.clone(),
        None => {
            let canonical = crate::canonical::initiation(p, creditor_name)?;
            let bytes = encode_lossy(&version.codec(), &Message::PaymentInitiation(canonical))?;
            let doc: Value = serde_json::from_slice(&bytes).ok()?;
            doc.pointer("/Data/Initiation")?.clone()
        }
    };
    let mut data = serde_json::Map::new();
    data.insert("DomesticPaymentId".into(), p.id.clone().into());
    if let Some(consent) = consent_id {
        data.insert("ConsentId".into(), consent.into());
    }
    data.insert("CreationDateTime".into(), p.created_at.clone().into());
    data.insert("Status".into(), version.status(p.status).into());
    data.insert("StatusUpdateDateTime".into(), p.updated_at.clone().into());
    if version == Version::V4
        && let Some(reason) = &p.reason
    {
        let description = payglot_core_model::StatusReason::parse(reason)
            .ok()
            .and_then(|r| r.definition())
            .map(|d| d.chars().take(500).collect::<String>());
        data.insert(
            "StatusReason".into(),
            json!([{"StatusReasonCode": reason, "StatusReasonDescription": description}]),
        );
    }
    data.insert("Initiation".into(), initiation);
    Some(json!({
        "Data": data,
        "Links": {"Self": format!("{}/domestic-payments/{}", base(version), p.id)},
        "Meta": {},
    }))
}

/// `POST /open-banking/{version}/pisp/domestic-payments`.
pub(crate) async fn create_payment(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(version): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let version = Version::parse(&version)?;
    let body = body_or_413(body, version.style())?;
    let interaction = interaction_id(&headers);
    let decoded = decode(&app, version, &body)?;
    let new = crate::canonical::single_payment(&decoded.initiation)
        .map_err(|detail| refused(version, Condition::InvalidRequest, detail))?;
    let Some(consent_id) = decoded.doc.pointer("/Data/ConsentId").and_then(Value::as_str).map(str::to_owned) else {
        return Err(refused(version, Condition::InvalidRequest, "/Data/ConsentId is required"));
    };
    let initiation = decoded.doc.pointer("/Data/Initiation").cloned().unwrap_or(Value::Null);
    // Check the consent first for a clear answer; the hook checks again atomically.
    let (owner, cid) = (principal.0.clone(), consent_id.clone());
    let found = app.store.call(move |c| c.consent(&owner, &cid)).await.map_err(|e| restyle(e.into(), version))?;
    match &found {
        None => return Err(refused(version, Condition::InvalidRequest, "/Data/ConsentId: no such consent")),
        Some(ConsentRow { version: v, .. }) if v != version.label() => {
            return Err(refused(version, Condition::InvalidRequest, "/Data/ConsentId: a consent of another version"));
        }
        Some(ConsentRow { initiation: stored_initiation, .. })
            if serde_json::from_str::<Value>(stored_initiation).ok() != Some(initiation.clone()) =>
        {
            return Err(refused(
                version,
                Condition::InvalidRequest,
                "/Data/Initiation: does not match the consent's Initiation",
            ));
        }
        _ => {}
    }
    let path = format!("{}/domestic-payments", base(version));
    let idem = idempotency(&headers, format!("POST {path}"), &body);
    let cid = consent_id.clone();
    let render: Render =
        Box::new(move |p: &Payment| match payment_doc(version, p, Some(&cid), Some(&initiation), None) {
            Some(doc) => {
                let mut r = stored(201, "application/json", doc.to_string().into_bytes());
                r.headers.push(("location".into(), format!("{path}/{}", p.id)));
                r
            }
            None => stored(500, "text/plain", b"the response could not be written".to_vec()),
        });
    let (owner, cid) = (principal.0.to_string(), consent_id);
    let name_hook = crate::canonical::name_hook(crate::canonical::single_creditor_name(&decoded.initiation));
    let hook: Hook = Box::new(move |c: &dyn Db, p: &Payment| {
        if !c.consume_consent(&cid, &owner, &p.id, &now())? {
            return Err(StoreError::Refused("/Data/ConsentId: the consent was already used".into()));
        }
        match name_hook {
            Some(hook) => hook(c, p),
            None => Ok(()),
        }
    });
    let created = app
        .create_payment_with(&principal, version.style(), new, idem, render, Some(hook))
        .await
        .map_err(|e| restyle(e, version))?;
    Ok(with_interaction_id(respond(created.response, created.replayed), &interaction))
}

/// `GET /open-banking/{version}/pisp/domestic-payments/{DomesticPaymentId}`: any payment of the
/// caller, whatever style created it.
pub(crate) async fn get_payment(
    State(app): State<Arc<App>>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let version = Version::parse(&version)?;
    let (owner, pid) = (principal.0.clone(), id.clone());
    let found = app
        .store
        .call(move |c| {
            let payment = c.payment(&owner, &pid)?;
            let consent = c.consent_of_payment(&pid, &owner, version.label())?;
            let name = c.creditor_name(&pid)?;
            Ok(payment.map(|p| (p, consent, name)))
        })
        .await
        .map_err(|e| restyle(e.into(), version))?;
    let Some((payment, consent, name)) = found else {
        return Err(refused(version, Condition::NotFound, "no such domestic payment"));
    };
    let initiation = consent.as_ref().and_then(|(_, i)| serde_json::from_str::<Value>(i).ok());
    if initiation.is_none() && name.is_none() {
        return Err(refused(
            version,
            Condition::InvalidRequest,
            "Open Banking requires the creditor's name, and this payment was created without one",
        ));
    }
    let doc =
        payment_doc(version, &payment, consent.as_ref().map(|(c, _)| c.as_str()), initiation.as_ref(), name.as_deref())
            .ok_or_else(|| refused(version, Condition::Internal, "the payment could not be written"))?;
    let response = respond(stored(200, "application/json", doc.to_string().into_bytes()), false);
    Ok(with_interaction_id(response, &interaction_id(&headers)))
}

fn restyle(mut e: ApiError, version: Version) -> ApiError {
    e.style = version.style();
    e
}

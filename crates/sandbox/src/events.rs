//! Events (`payment.created`, `payment.status_changed`): stored with the change that raised them,
//! in the same transaction, with one pending webhook delivery per enabled endpoint of the owner.
//! The payload is the payment in the REST native shape, as it was when the event was raised.
//!
//! An event row records WHICH state of its payment it is about (`position`: how many statuses
//! the payment had then), not the rendered JSON: a payment's fields never change after it is
//! created except by appending to its status history, so the body is rendered exactly when
//! something reads it (a webhook delivery, `GET /v1/events`, a GraphQL subscription) from the
//! payment with its history cut at `position`. Raising an event writes a small row instead of
//! a kilobyte of JSON, on the one store thread every payment goes through. Rows written before
//! this (`position` NULL) keep their stored `data`.

use std::collections::HashMap;

use crate::db::Db;
use crate::payments::{Payment, new_id};
use crate::store::StoreError;

/// An event to store: which state of its payment it is about. Its time is the time of that
/// state, given to [`store`] once for all the events of one change.
#[derive(Debug)]
pub(crate) struct Raised {
    id: String,
    kind: &'static str,
    position: usize,
}

/// The event `kind` about `payment` as it is now (its latest status).
pub(crate) fn about(kind: &'static str, payment: &Payment) -> Raised {
    Raised { id: new_id("evt"), kind, position: payment.history.len() }
}

/// Store `events` (all about the payment `payment_id` of `owner`, all raised at `at`) and queue
/// one delivery per event and enabled endpoint of the owner. Returns how many deliveries were
/// queued.
pub(crate) fn store(
    db: &dyn Db,
    owner: &str,
    payment_id: &str,
    at: &str,
    events: &[Raised],
) -> Result<usize, StoreError> {
    for e in events {
        db.insert_event(owner, payment_id, &e.id, e.kind, at, e.position)?;
    }
    let endpoints = db.enabled_endpoints(owner)?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let now_ms = crate::webhooks::unix_ms();
    for e in events {
        for endpoint in &endpoints {
            db.queue_delivery(&new_id("dlv"), endpoint, &e.id, now_ms, at)?;
        }
    }
    Ok(events.len() * endpoints.len())
}

/// Record an event about `payment` as it is now and queue its deliveries; how many were queued.
pub(crate) fn raise(db: &dyn Db, kind: &'static str, payment: &Payment) -> Result<usize, StoreError> {
    store(db, &payment.owner, &payment.id, &payment.updated_at, &[about(kind, payment)])
}

/// An event row as stored.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// `evt_...`.
    pub id: String,
    /// `payment.created` or `payment.status_changed`.
    pub kind: String,
    /// The payment's owner.
    pub owner: String,
    /// The payment it is about.
    pub payment_id: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// The stored body of rows written before `position` (empty in newer rows).
    pub data: String,
    /// How many statuses the payment had when the event was raised (NULL in old rows).
    pub position: Option<i64>,
}

/// Renders event bodies, reading each payment once.
pub(crate) struct Bodies<'c> {
    db: &'c dyn Db,
    payments: HashMap<String, Payment>,
}

impl<'c> Bodies<'c> {
    /// A renderer reading payments through `db`.
    pub(crate) fn new(db: &'c dyn Db) -> Self {
        Self { db, payments: HashMap::new() }
    }

    /// The webhook body of `event`: its stored data, or rendered from its payment as it was.
    pub(crate) fn body(&mut self, event: &StoredEvent) -> Result<String, StoreError> {
        let Some(position) = event.position else { return Ok(event.data.clone()) };
        let corrupt = || StoreError::Corrupt(format!("event {} is about a missing payment state", event.id));
        if !self.payments.contains_key(&event.payment_id) {
            let payment = self.db.payment(&event.owner, &event.payment_id)?.ok_or_else(corrupt)?;
            self.payments.insert(event.payment_id.clone(), payment);
        }
        let payment = self.payments.get(&event.payment_id).ok_or_else(corrupt)?;
        let then = as_of(payment, usize::try_from(position).map_err(|_| corrupt())?).ok_or_else(corrupt)?;
        event_body(&event.id, &event.kind, &event.created_at, &then)
    }
}

/// `payment` as it was when it had its first `position` statuses.
fn as_of(payment: &Payment, position: usize) -> Option<Payment> {
    let last = payment.history.get(position.checked_sub(1)?)?;
    let mut then = payment.clone();
    then.history.truncate(position);
    then.status = last.status;
    then.reason.clone_from(&last.reason);
    then.updated_at.clone_from(&last.at);
    Some(then)
}

/// The webhook body `{"id", "type", "created_at", "data": <payment resource>}`. The resource
/// bytes come from the `rest:native` encoder and are embedded as they are (they are JSON already;
/// reading them back into a `Value` only to write them again cost a third of a payment's time
/// on the store thread).
fn event_body(id: &str, kind: &str, at: &str, payment: &Payment) -> Result<String, StoreError> {
    let resource = crate::rest::resource_bytes(payment)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("payment {} could not be written as an event", payment.id)))?;
    let quoted = |text: &str| serde_json::to_string(text).unwrap_or_default();
    Ok(format!(
        r#"{{"id":{},"type":{},"created_at":{},"data":{}}}"#,
        quoted(id),
        quoted(kind),
        quoted(at),
        resource.trim_end()
    ))
}

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    /// `evt_...`.
    pub id: String,
    /// `payment.created` or `payment.status_changed`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The payment it is about.
    pub payment_id: String,
    /// When.
    pub created_at: String,
    /// The JSON body sent to webhook endpoints.
    #[serde(skip)]
    pub body: String,
}

/// Events of `owner`, oldest first, optionally for one payment.
pub fn list(db: &dyn Db, owner: &str, payment_id: Option<&str>) -> Result<Vec<Event>, StoreError> {
    let mut bodies = Bodies::new(db);
    let mut out = Vec::new();
    for e in db.events(owner, payment_id)? {
        let body = bodies.body(&e)?;
        out.push(Event { id: e.id, kind: e.kind, payment_id: e.payment_id, created_at: e.created_at, body });
    }
    Ok(out)
}

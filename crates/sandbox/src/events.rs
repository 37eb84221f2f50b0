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

use rusqlite::{Connection, Row, params};

use crate::payments::{Payment, new_id};
use crate::store::StoreError;

/// An event to store: which state of its payment it is about.
#[derive(Debug)]
pub(crate) struct Raised {
    id: String,
    kind: &'static str,
    at: String,
    position: usize,
}

/// The event `kind` about `payment` as it is now (its latest status).
pub(crate) fn about(kind: &'static str, payment: &Payment) -> Raised {
    Raised { id: new_id("evt"), kind, at: payment.updated_at.clone(), position: payment.history.len() }
}

/// Store `events` (all about `payment`) and queue one delivery per event and enabled endpoint
/// of the owner. Returns how many deliveries were queued.
pub(crate) fn store(conn: &Connection, payment: &Payment, events: &[Raised]) -> Result<usize, StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO events (id, type, owner, payment_id, created_at, data, position) VALUES (?1, ?2, ?3, ?4, ?5, '', ?6)",
    )?;
    for e in events {
        let position = i64::try_from(e.position).unwrap_or(i64::MAX);
        insert.execute(params![e.id, e.kind, payment.owner, payment.id, e.at, position])?;
    }
    let endpoints: Vec<String> = conn
        .prepare_cached("SELECT id FROM webhook_endpoints WHERE owner = ?1 AND enabled = 1 ORDER BY seq")?
        .query_map([&payment.owner], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let now_ms = crate::webhooks::unix_ms();
    let mut queue = conn.prepare_cached(
        "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, state, attempts, next_attempt_ms, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?5, ?5)",
    )?;
    for e in events {
        for endpoint in &endpoints {
            queue.execute(params![new_id("dlv"), endpoint, e.id, now_ms, e.at])?;
        }
    }
    Ok(events.len() * endpoints.len())
}

/// Record an event about `payment` as it is now and queue its deliveries; how many were queued.
pub(crate) fn raise(conn: &Connection, kind: &'static str, payment: &Payment) -> Result<usize, StoreError> {
    store(conn, payment, &[about(kind, payment)])
}

/// The columns of an event row that [`StoredEvent::from_row`] reads, for a query over
/// `events AS e`.
pub(crate) const COLUMNS: &str = "e.id, e.type, e.owner, e.payment_id, e.created_at, e.data, e.position";

/// An event row as stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredEvent {
    pub(crate) id: String,
    pub(crate) kind: String,
    owner: String,
    pub(crate) payment_id: String,
    pub(crate) created_at: String,
    data: String,
    /// How many statuses the payment had when the event was raised (NULL in old rows).
    pub(crate) position: Option<i64>,
}

impl StoredEvent {
    /// Read [`COLUMNS`] starting at column `first`.
    pub(crate) fn from_row(r: &Row<'_>, first: usize) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(first)?,
            kind: r.get(first + 1)?,
            owner: r.get(first + 2)?,
            payment_id: r.get(first + 3)?,
            created_at: r.get(first + 4)?,
            data: r.get(first + 5)?,
            position: r.get(first + 6)?,
        })
    }
}

/// Renders event bodies, reading each payment once.
pub(crate) struct Bodies<'c> {
    conn: &'c Connection,
    payments: HashMap<String, Payment>,
}

impl<'c> Bodies<'c> {
    /// A renderer reading payments through `conn`.
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self { conn, payments: HashMap::new() }
    }

    /// The webhook body of `event`: its stored data, or rendered from its payment as it was.
    pub(crate) fn body(&mut self, event: &StoredEvent) -> Result<String, StoreError> {
        let Some(position) = event.position else { return Ok(event.data.clone()) };
        let corrupt = || StoreError::Corrupt(format!("event {} is about a missing payment state", event.id));
        if !self.payments.contains_key(&event.payment_id) {
            let payment = crate::payments::get(self.conn, &event.owner, &event.payment_id)?.ok_or_else(corrupt)?;
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
pub fn list(conn: &Connection, owner: &str, payment_id: Option<&str>) -> Result<Vec<Event>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM events AS e WHERE e.owner = ?1 AND (?2 IS NULL OR e.payment_id = ?2) ORDER BY e.seq"
    ))?;
    let rows = stmt.query_map(params![owner, payment_id], |r| StoredEvent::from_row(r, 0))?;
    let mut bodies = Bodies::new(conn);
    let mut out = Vec::new();
    for row in rows {
        let e = row?;
        let body = bodies.body(&e)?;
        out.push(Event { id: e.id, kind: e.kind, payment_id: e.payment_id, created_at: e.created_at, body });
    }
    Ok(out)
}

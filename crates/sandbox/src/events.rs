//! Events (`payment.created`, `payment.status_changed`): stored with the change that raised them,
//! in the same transaction, with one pending webhook delivery per enabled endpoint of the owner.
//! The payload is the payment in the REST native shape.

use rusqlite::{Connection, params};

use crate::payments::{Payment, new_id, now};
use crate::store::StoreError;

/// Record an event for `payment` and queue its deliveries.
pub(crate) fn raise(conn: &Connection, kind: &str, payment: &Payment) -> Result<(), StoreError> {
    let id = new_id("evt");
    let at = now();
    let body = serde_json::json!({
        "id": id,
        "type": kind,
        "created_at": at,
        "data": crate::rest::payment_json(payment),
    });
    let data = body.to_string();
    conn.prepare_cached(
        "INSERT INTO events (id, type, owner, payment_id, created_at, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![id, kind, payment.owner, payment.id, at, data])?;
    let now_ms = crate::webhooks::unix_ms();
    conn.prepare_cached(
        "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, state, attempts, next_attempt_ms, created_at, updated_at)
         SELECT 'dlv_' || lower(hex(randomblob(12))), id, ?1, 'pending', 0, ?2, ?3, ?3
         FROM webhook_endpoints WHERE owner = ?4 AND enabled = 1",
    )?
    .execute(params![id, now_ms, at, payment.owner])?;
    Ok(())
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
    let mut stmt = conn.prepare_cached(
        "SELECT id, type, payment_id, created_at, data FROM events WHERE owner = ?1 AND (?2 IS NULL OR payment_id = ?2) ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![owner, payment_id], |r| {
        Ok(Event { id: r.get(0)?, kind: r.get(1)?, payment_id: r.get(2)?, created_at: r.get(3)?, body: r.get(4)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

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
    let data = event_body(&id, kind, &at, payment)?;
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
    let mut stmt = conn.prepare_cached(
        "SELECT id, type, payment_id, created_at, data FROM events WHERE owner = ?1 AND (?2 IS NULL OR payment_id = ?2) ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![owner, payment_id], |r| {
        Ok(Event { id: r.get(0)?, kind: r.get(1)?, payment_id: r.get(2)?, created_at: r.get(3)?, body: r.get(4)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

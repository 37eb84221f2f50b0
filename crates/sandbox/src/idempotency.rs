//! Idempotency records, with the IETF Idempotency-Key draft's semantics in every style: the
//! same key and payload replays the first response; the same key with another payload is 422;
//! a request still in flight is 409. A key is scoped to its principal.
//!
//! The record is completed in the same store transaction that creates the payment, so a crash
//! can never leave a payment without its record (records still in flight at start-up are
//! dropped: their payment was never committed).

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::store::StoreError;

/// A stored response, replayed byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// Content type.
    pub content_type: String,
    /// Body.
    pub body: Vec<u8>,
}

/// What to do with a request carrying a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// First time (or a retry after a 503): go ahead. The key is now in flight.
    Proceed {
        /// A previous attempt with this key got the .03 "unavailable" answer.
        after_unavailable: bool,
    },
    /// Done before: send this again.
    Replay(StoredResponse),
    /// Another request with this key is being processed: 409.
    InFlight,
    /// This key was used with a different payload: 422.
    Mismatch,
}

/// SHA-256 of what identifies a request: method and path, then the body.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// fingerprint, state, status, content type, body.
type IdempotencyRow = (String, String, Option<u16>, Option<String>, Option<Vec<u8>>);

/// Claim `key` for a request with `fingerprint`.
pub fn begin(conn: &Connection, owner: &str, key: &str, fingerprint: &str) -> Result<Begin, StoreError> {
    let row: Option<IdempotencyRow> = conn
        .prepare_cached(
            "SELECT fingerprint, state, status_code, content_type, body FROM idempotency WHERE owner = ?1 AND key = ?2",
        )?
        .query_row(params![owner, key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let Some((stored_fingerprint, state, status, content_type, body)) = row else {
        conn.prepare_cached(
            "INSERT INTO idempotency (owner, key, fingerprint, state, created_at) VALUES (?1, ?2, ?3, 'in_flight', ?4)",
        )?
        .execute(params![owner, key, fingerprint, crate::payments::now()])?;
        return Ok(Begin::Proceed { after_unavailable: false });
    };
    if stored_fingerprint != fingerprint {
        return Ok(Begin::Mismatch);
    }
    match (state.as_str(), status, content_type, body) {
        ("done", Some(status), Some(content_type), Some(body)) => {
            Ok(Begin::Replay(StoredResponse { status, content_type, body }))
        }
        ("retryable", ..) => {
            set_state(conn, owner, key, "in_flight")?;
            Ok(Begin::Proceed { after_unavailable: true })
        }
        _ => Ok(Begin::InFlight),
    }
}

fn set_state(conn: &Connection, owner: &str, key: &str, state: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE idempotency SET state = ?3 WHERE owner = ?1 AND key = ?2")?
        .execute(params![owner, key, state])?;
    Ok(())
}

/// Store the response of a finished request.
pub fn complete(conn: &Connection, owner: &str, key: &str, response: &StoredResponse) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE idempotency SET state = 'done', status_code = ?3, content_type = ?4, body = ?5 WHERE owner = ?1 AND key = ?2",
    )?
    .execute(params![owner, key, response.status, response.content_type, response.body])?;
    Ok(())
}

/// Release a key whose request stored nothing: `retryable` marks the .03 answer (the next
/// attempt goes through), otherwise the key is forgotten.
pub fn release(conn: &Connection, owner: &str, key: &str, retryable: bool) -> Result<(), StoreError> {
    if retryable {
        set_state(conn, owner, key, "retryable")
    } else {
        conn.prepare_cached("DELETE FROM idempotency WHERE owner = ?1 AND key = ?2")?.execute(params![owner, key])?;
        Ok(())
    }
}

/// Forget keys left in flight by a crash (their payments were never committed).
pub fn drop_in_flight(conn: &Connection) -> Result<usize, StoreError> {
    Ok(conn.execute("DELETE FROM idempotency WHERE state = 'in_flight'", [])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn semantics() {
        let (store, thread) = crate::store::Store::open(&crate::config::DbPath::Memory).unwrap();
        store
            .call(|c| {
                assert_eq!(begin(c, "o", "k", "f1")?, Begin::Proceed { after_unavailable: false });
                assert_eq!(begin(c, "o", "k", "f1")?, Begin::InFlight);
                assert_eq!(begin(c, "o", "k", "f2")?, Begin::Mismatch);
                assert_eq!(begin(c, "other", "k", "f2")?, Begin::Proceed { after_unavailable: false });
                let r = StoredResponse { status: 201, content_type: "application/json".into(), body: b"{}".to_vec() };
                complete(c, "o", "k", &r)?;
                assert_eq!(begin(c, "o", "k", "f1")?, Begin::Replay(r));
                assert_eq!(begin(c, "o", "k2", "f")?, Begin::Proceed { after_unavailable: false });
                release(c, "o", "k2", true)?;
                assert_eq!(begin(c, "o", "k2", "f")?, Begin::Proceed { after_unavailable: true });
                release(c, "o", "k2", false)?;
                assert_eq!(begin(c, "o", "k2", "g")?, Begin::Proceed { after_unavailable: false });
                assert_eq!(drop_in_flight(c)?, 2);
                Ok(())
            })
            .await
            .unwrap();
        assert_ne!(fingerprint("POST", "/a", b"x"), fingerprint("POST", "/b", b"x"));
        thread.stop().await;
    }
}

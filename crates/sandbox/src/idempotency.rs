//! Idempotency in every style through `payglot_rest::idempotency` (the IETF Idempotency-Key
//! draft: the same key and payload replays the first response; the same key with another
//! payload is 422; a request still in flight is 409; a missing key where the policy requires
//! one is 400; records expire after the policy's TTL), over the sandbox's SQLite store:
//! [`SqliteIdempotency`] implements payglot-rest's [`IdempotencyStore`].
//!
//! The store trait is synchronous and every store job runs on the one store thread, so the
//! implementation reaches the connection of that thread ([`crate::store::with_connection`]).
//! Called from a store job, `begin` is atomic (jobs run one at a time) and `complete` is part
//! of the job's transaction: the record is completed in the same transaction that creates the
//! payment, so a crash can never leave a payment without its record (records still in flight
//! at start-up are dropped: their payment was never committed).
//!
//! The trait's methods cannot fail; an SQL error inside them is kept and handed to the job by
//! [`take_error`], which rolls the job back.

use std::cell::{Cell, RefCell};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use payglot_rest::idempotency::{Fingerprint, IdempotencyStore, Key, StoreBegin, StoredResponse};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::store::{StoreError, with_connection};

thread_local! {
    static LAST_ERROR: RefCell<Option<StoreError>> = const { RefCell::new(None) };
    /// [`OneJobIdempotency`]'s claim, not yet written: (scope, key, fingerprint).
    static PENDING_CLAIM: RefCell<Option<(String, String, Vec<u8>)>> = const { RefCell::new(None) };
    /// Whether `idempotency_unavailable` may hold a row (`None`: not looked yet). Only the
    /// store thread writes the table, so once it is known empty, only a mark can change that;
    /// a mark rolled back leaves this `true`, which only costs a needless DELETE.
    static UNAVAILABLE_MARKS: Cell<Option<bool>> = const { Cell::new(None) };
}

/// payglot-rest's idempotency store over the sandbox's SQLite database. Use it only inside a
/// store job (`Store::call`): elsewhere there is no connection and every call fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteIdempotency;

/// The error an [`SqliteIdempotency`] method met in this store job, if any (cleared).
pub fn take_error() -> Option<StoreError> {
    LAST_ERROR.with(|e| e.borrow_mut().take())
}

fn keep_error(e: StoreError) {
    tracing::error!(error = %e, "idempotency store");
    LAST_ERROR.with(|slot| *slot.borrow_mut() = Some(e));
}

fn ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn run<T>(default: T, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> T {
    match with_connection(f) {
        Some(Ok(v)) => v,
        Some(Err(e)) => {
            keep_error(e);
            default
        }
        None => {
            keep_error(StoreError::Closed);
            default
        }
    }
}

/// fingerprint, state, status, headers (JSON), body.
type Row = (Vec<u8>, String, Option<u16>, Option<String>, Option<Vec<u8>>);

/// What `begin` answers from the live record of a key; `None` when there is none (the caller
/// may claim the key).
fn find(conn: &Connection, scope: &str, key: &str, fp: &[u8], now: i64) -> Result<Option<StoreBegin>, StoreError> {
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT fingerprint, state, status_code, headers, body FROM idempotency_records
             WHERE scope = ?1 AND key = ?2 AND expires_ms > ?3",
        )?
        .query_row(params![scope, key, now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let Some((stored_fp, state, status, headers, body)) = row else { return Ok(None) };
    if stored_fp != fp {
        return Ok(Some(StoreBegin::Mismatch));
    }
    Ok(Some(match (state.as_str(), status, body) {
        ("done", Some(status), Some(body)) => {
            let headers: Vec<(String, String)> =
                headers.and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default();
            StoreBegin::Completed(StoredResponse { status, headers, body })
        }
        _ => StoreBegin::InFlight,
    }))
}

fn expiry(now: SystemTime, ttl: Duration) -> i64 {
    ms(now).saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
}

fn begin_sql(
    conn: &Connection,
    scope: &str,
    key: &str,
    fp: &[u8],
    now: SystemTime,
    ttl: Duration,
) -> Result<StoreBegin, StoreError> {
    if let Some(answer) = find(conn, scope, key, fp, ms(now))? {
        return Ok(answer);
    }
    conn.prepare_cached(
        "INSERT OR REPLACE INTO idempotency_records (scope, key, fingerprint, state, expires_ms)
         VALUES (?1, ?2, ?3, 'in_flight', ?4)",
    )?
    .execute(params![scope, key, fp, expiry(now, ttl)])?;
    Ok(StoreBegin::Claimed)
}

fn complete_sql(
    conn: &Connection,
    scope: &str,
    key: &str,
    response: &StoredResponse,
    expires: i64,
) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE idempotency_records SET state = 'done', status_code = ?3, headers = ?4, body = ?5,
             expires_ms = ?6 WHERE scope = ?1 AND key = ?2",
        )?
        .execute(params![scope, key, response.status, headers_json(response), response.body, expires])?;
    if n == 1 { Ok(()) } else { Err(StoreError::Corrupt("idempotency record vanished".into())) }
}

/// A stored response's headers as the record keeps them.
fn headers_json(response: &StoredResponse) -> String {
    serde_json::to_string(&response.headers).unwrap_or_else(|_| "[]".into())
}

fn abandon_sql(conn: &Connection, scope: &str, key: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM idempotency_records WHERE scope = ?1 AND key = ?2")?
        .execute(params![scope, key])?;
    Ok(())
}

impl IdempotencyStore for SqliteIdempotency {
    fn begin(&self, scope: &str, key: &Key, fingerprint: Fingerprint, now: SystemTime, ttl: Duration) -> StoreBegin {
        // On failure: "in flight" (409, retry later) — nothing was claimed, nothing replayed.
        run(StoreBegin::InFlight, |c| begin_sql(c, scope, key.as_str(), &fingerprint.bytes(), now, ttl))
    }

    fn complete(&self, scope: &str, key: &Key, response: StoredResponse, now: SystemTime, ttl: Duration) {
        run((), |c| complete_sql(c, scope, key.as_str(), &response, expiry(now, ttl)));
    }

    fn abandon(&self, scope: &str, key: &Key) {
        run((), |c| abandon_sql(c, scope, key.as_str()));
    }
}

/// [`SqliteIdempotency`] for a key claimed and completed (or abandoned) within ONE store job:
/// the claim is kept in memory and the record written once, completed, instead of an
/// in-flight row that the same job then updates. No other job can run in between (the store
/// thread runs them one at a time), so nobody could have seen the in-flight row anyway; a job
/// that fails rolls back and leaves no record either way.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneJobIdempotency;

impl IdempotencyStore for OneJobIdempotency {
    fn begin(&self, scope: &str, key: &Key, fingerprint: Fingerprint, now: SystemTime, _ttl: Duration) -> StoreBegin {
        let fp = fingerprint.bytes();
        let found = run(Some(StoreBegin::InFlight), |c| find(c, scope, key.as_str(), &fp, ms(now)));
        match found {
            Some(answer) => answer,
            None => {
                let claim = (scope.to_owned(), key.as_str().to_owned(), fp.to_vec());
                PENDING_CLAIM.with(|p| *p.borrow_mut() = Some(claim));
                StoreBegin::Claimed
            }
        }
    }

    fn complete(&self, scope: &str, key: &Key, response: StoredResponse, now: SystemTime, ttl: Duration) {
        let Some((_, _, fp)) = take_claim(scope, key) else {
            return SqliteIdempotency.complete(scope, key, response, now, ttl);
        };
        run((), |c| {
            c.prepare_cached(
                "INSERT OR REPLACE INTO idempotency_records (scope, key, fingerprint, state, status_code, headers, body, expires_ms)
                 VALUES (?1, ?2, ?3, 'done', ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                scope,
                key.as_str(),
                fp,
                response.status,
                headers_json(&response),
                response.body,
                expiry(now, ttl)
            ])?;
            Ok(())
        });
    }

    fn abandon(&self, scope: &str, key: &Key) {
        if take_claim(scope, key).is_none() {
            SqliteIdempotency.abandon(scope, key);
        }
    }
}

/// The pending claim, if it is for this scope and key (taken).
fn take_claim(scope: &str, key: &Key) -> Option<(String, String, Vec<u8>)> {
    PENDING_CLAIM.with(|p| {
        let mut slot = p.borrow_mut();
        match &*slot {
            Some((s, k, _)) if s == scope && k == key.as_str() => slot.take(),
            _ => None,
        }
    })
}

/// Remember that the request with this key got the .03 "unavailable" answer, so the next
/// attempt with the same key goes through (the scenario table's first row).
pub fn mark_unavailable(conn: &Connection, scope: &str, key: &str) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR REPLACE INTO idempotency_unavailable (scope, key) VALUES (?1, ?2)")?
        .execute(params![scope, key])?;
    UNAVAILABLE_MARKS.with(|m| m.set(Some(true)));
    Ok(())
}

/// Whether the previous attempt with this key got the .03 answer (and forget it).
pub fn take_unavailable(conn: &Connection, scope: &str, key: &str) -> Result<bool, StoreError> {
    let maybe_marked = match UNAVAILABLE_MARKS.with(Cell::get) {
        Some(known) => known,
        None => {
            let any: bool =
                conn.query_row("SELECT EXISTS (SELECT 1 FROM idempotency_unavailable)", [], |r| r.get(0))?;
            UNAVAILABLE_MARKS.with(|m| m.set(Some(any)));
            any
        }
    };
    if !maybe_marked {
        return Ok(false);
    }
    let n = conn
        .prepare_cached("DELETE FROM idempotency_unavailable WHERE scope = ?1 AND key = ?2")?
        .execute(params![scope, key])?;
    Ok(n > 0)
}

/// Forget keys left in flight by a crash (their payments were never committed) and expired
/// records.
pub fn drop_in_flight(conn: &Connection) -> Result<usize, StoreError> {
    let now = ms(SystemTime::now());
    Ok(conn.execute("DELETE FROM idempotency_records WHERE state = 'in_flight' OR expires_ms <= ?1", [now])?)
}

/// A key derived from values that identify a message (an ISO message id and end-to-end id,
/// a SOAP message id): `msg_` + 40 hex digits of their SHA-256, so any text fits the policy's
/// key syntax.
pub fn derived_key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    let hex: String = digest.iter().take(20).map(|b| format!("{b:02x}")).collect();
    format!("msg_{hex}")
}

#[cfg(test)]
mod tests {
    use payglot_rest::idempotency::{Begin, Idempotency, IdempotencyError, Policy};

    use super::*;

    #[tokio::test]
    async fn payglot_rest_semantics_over_sqlite() {
        let (store, thread) = crate::store::Store::open(&crate::config::DbPath::Memory).unwrap();
        store
            .call(|c| {
                let idem = Idempotency::new(Policy::PAYGLOT, SqliteIdempotency);
                let f1 = Fingerprint::of("POST", "/a", b"1");
                let f2 = Fingerprint::of("POST", "/a", b"2");
                let Ok(Begin::Proceed(ticket)) = idem.begin("o", Some("k"), f1) else { panic!("not claimed") };
                assert_eq!(idem.begin("o", Some("k"), f1), Err(IdempotencyError::InFlight));
                assert_eq!(idem.begin("o", Some("k"), f2), Err(IdempotencyError::Mismatch));
                assert!(matches!(idem.begin("other", Some("k"), f2), Ok(Begin::Proceed(_))));
                assert_eq!(idem.begin("o", None, f1).map_err(|e| e.http_status()), Err(400));
                let r = StoredResponse {
                    status: 201,
                    headers: vec![("content-type".into(), "application/json".into())],
                    body: b"{}".to_vec(),
                };
                idem.complete(ticket, r.clone());
                assert_eq!(idem.begin("o", Some("k"), f1), Ok(Begin::Replay(r)));
                // Expired records count as absent.
                let later = SystemTime::now() + Duration::from_secs(25 * 3600);
                assert!(matches!(idem.begin_at("o", Some("k"), f2, later), Ok(Begin::Proceed(_))));
                let Ok(Begin::Proceed(t)) = idem.begin("o", Some("k2"), f1) else { panic!("not claimed") };
                idem.abandon(t);
                assert!(matches!(idem.begin("o", Some("k2"), f2), Ok(Begin::Proceed(_))));
                mark_unavailable(c, "o", "k3")?;
                assert!(take_unavailable(c, "o", "k3")?);
                assert!(!take_unavailable(c, "o", "k3")?);
                assert!(take_error().is_none());
                assert_eq!(drop_in_flight(c)?, 3);
                Ok(())
            })
            .await
            .unwrap();
        // Off the store thread there is no connection: fail closed.
        assert_eq!(
            SqliteIdempotency.begin(
                "o",
                &Policy::PAYGLOT.check_key(Some("k")).unwrap().unwrap(),
                Fingerprint::of("", "", b""),
                SystemTime::now(),
                Duration::from_secs(1)
            ),
            StoreBegin::InFlight
        );
        assert!(matches!(take_error(), Some(StoreError::Closed)));
        assert_ne!(derived_key(&["a", "bc"]), derived_key(&["ab", "c"]));
        thread.stop().await;
    }

    #[tokio::test]
    async fn one_job_claims_write_one_completed_record() {
        let (store, thread) = crate::store::Store::open(&crate::config::DbPath::Memory).unwrap();
        store
            .call(|c| {
                let idem = Idempotency::new(Policy::PAYGLOT, OneJobIdempotency);
                let f1 = Fingerprint::of("POST", "/a", b"1");
                let f2 = Fingerprint::of("POST", "/a", b"2");
                let rows = |c: &Connection| -> rusqlite::Result<i64> {
                    c.query_row("SELECT count(*) FROM idempotency_records", [], |r| r.get(0))
                };
                let Ok(Begin::Proceed(ticket)) = idem.begin("o", Some("k"), f1) else { panic!("not claimed") };
                // Nothing written until the job completes the key.
                assert_eq!(rows(c)?, 0);
                let r = StoredResponse { status: 201, headers: vec![], body: b"{}".to_vec() };
                idem.complete(ticket, r.clone());
                assert_eq!(rows(c)?, 1);
                assert_eq!(idem.begin("o", Some("k"), f1), Ok(Begin::Replay(r.clone())));
                assert_eq!(idem.begin("o", Some("k"), f2), Err(IdempotencyError::Mismatch));
                // The plain store sees the same record.
                let plain = Idempotency::new(Policy::PAYGLOT, SqliteIdempotency);
                assert_eq!(plain.begin("o", Some("k"), f1), Ok(Begin::Replay(r)));
                // Abandoned: nothing left behind, the key is free again.
                let Ok(Begin::Proceed(t)) = idem.begin("o", Some("k2"), f1) else { panic!("not claimed") };
                idem.abandon(t);
                assert_eq!(rows(c)?, 1);
                assert!(matches!(idem.begin("o", Some("k2"), f2), Ok(Begin::Proceed(_))));
                // A key claimed by the plain store (in flight) is completed by an update.
                let Ok(Begin::Proceed(t)) = plain.begin("o", Some("k3"), f1) else { panic!("not claimed") };
                let done = StoredResponse { status: 200, headers: vec![], body: b"[]".to_vec() };
                idem.complete(t, done.clone());
                assert_eq!(plain.begin("o", Some("k3"), f1), Ok(Begin::Replay(done)));
                assert!(take_error().is_none());
                Ok(())
            })
            .await
            .unwrap();
        thread.stop().await;
    }

    #[tokio::test]
    async fn unavailable_marks_are_found_after_the_table_was_seen_empty() {
        let (store, thread) = crate::store::Store::open(&crate::config::DbPath::Memory).unwrap();
        store
            .call(|c| {
                assert!(!take_unavailable(c, "o", "k")?);
                mark_unavailable(c, "o", "k")?;
                assert!(take_unavailable(c, "o", "k")?);
                assert!(!take_unavailable(c, "o", "k")?);
                Ok(())
            })
            .await
            .unwrap();
        thread.stop().await;
    }
}

//! Idempotency in every style through `payglot_rest::idempotency` (the IETF Idempotency-Key
//! draft: the same key and payload replays the first response; the same key with another
//! payload is 422; a request still in flight is 409; a missing key where the policy requires
//! one is 400; records expire after the policy's TTL), over the sandbox's store, whichever
//! backend it has: [`StoreIdempotency`] implements payglot-rest's [`IdempotencyStore`].
//!
//! The store trait is synchronous and has no transaction argument, so the implementation
//! reaches the store of the job running on this thread ([`crate::store::with_db`]). Called
//! from a store job, `begin` is atomic (jobs run one at a time) and `complete` is part of the
//! job's transaction: the record is completed in the same transaction that creates the
//! payment, so a crash can never leave a payment without its record (records still in flight
//! at start-up are dropped: their payment was never committed).
//!
//! The trait's methods cannot fail; a store error inside them is kept and handed to the job by
//! [`take_error`], which rolls the job back.

use std::cell::RefCell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use payglot_rest::idempotency::{Fingerprint, IdempotencyStore, Key, StoreBegin, StoredResponse};
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::store::{StoreError, with_db};

thread_local! {
    static LAST_ERROR: RefCell<Option<StoreError>> = const { RefCell::new(None) };
    /// [`OneJobIdempotency`]'s claim, not yet written (its buffers kept from one job to the next).
    static PENDING_CLAIM: RefCell<Claim> = const {
        RefCell::new(Claim { live: false, scope: String::new(), key: String::new(), fingerprint: [0; 32] })
    };
}

/// A key claimed in this store job and not written yet.
struct Claim {
    /// Whether there is one (the other fields are kept buffers otherwise).
    live: bool,
    scope: String,
    key: String,
    fingerprint: [u8; 32],
}

/// payglot-rest's idempotency store over the sandbox's store. Use it only inside a store job
/// (`Store::call`): elsewhere there is no store and every call fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreIdempotency;

/// The error a [`StoreIdempotency`] method met in this store job, if any (cleared).
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

fn run<T>(default: T, f: impl FnOnce(&dyn Db) -> Result<T, StoreError>) -> T {
    match with_db(f) {
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

/// What `begin` answers from the live record of a key; `None` when there is none (the caller
/// may claim the key).
fn find(db: &dyn Db, scope: &str, key: &str, fp: &[u8], now: i64) -> Result<Option<StoreBegin>, StoreError> {
    let Some(record) = db.idem_find(scope, key, now)? else { return Ok(None) };
    if record.fingerprint != fp {
        return Ok(Some(StoreBegin::Mismatch));
    }
    Ok(Some(match record.response {
        Some(response) => StoreBegin::Completed(response),
        None => StoreBegin::InFlight,
    }))
}

fn expiry(now: SystemTime, ttl: Duration) -> i64 {
    ms(now).saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
}

impl IdempotencyStore for StoreIdempotency {
    fn begin(&self, scope: &str, key: &Key, fingerprint: Fingerprint, now: SystemTime, ttl: Duration) -> StoreBegin {
        // On failure: "in flight" (409, retry later) — nothing was claimed, nothing replayed.
        run(StoreBegin::InFlight, |db| {
            let fp = fingerprint.bytes();
            if let Some(answer) = find(db, scope, key.as_str(), &fp, ms(now))? {
                return Ok(answer);
            }
            db.idem_put(scope, key.as_str(), &fp, None, expiry(now, ttl))?;
            Ok(StoreBegin::Claimed)
        })
    }

    fn complete(&self, scope: &str, key: &Key, response: StoredResponse, now: SystemTime, ttl: Duration) {
        run((), |db| {
            if db.idem_complete(scope, key.as_str(), &response, expiry(now, ttl))? {
                Ok(())
            } else {
                Err(StoreError::Corrupt("idempotency record vanished".into()))
            }
        });
    }

    fn abandon(&self, scope: &str, key: &Key) {
        run((), |db| db.idem_delete(scope, key.as_str()));
    }
}

/// [`StoreIdempotency`] for a key claimed and completed (or abandoned) within ONE store job:
/// the claim is kept in memory and the record written once, completed, instead of an
/// in-flight row that the same job then updates. No other job can run in between (the store
/// runs them one at a time), so nobody could have seen the in-flight row anyway; a job that
/// fails rolls back and leaves no record either way.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneJobIdempotency;

impl IdempotencyStore for OneJobIdempotency {
    fn begin(&self, scope: &str, key: &Key, fingerprint: Fingerprint, now: SystemTime, _ttl: Duration) -> StoreBegin {
        let fp = fingerprint.bytes();
        let found = run(Some(StoreBegin::InFlight), |db| find(db, scope, key.as_str(), &fp, ms(now)));
        match found {
            Some(answer) => answer,
            None => {
                PENDING_CLAIM.with(|p| {
                    let claim = &mut *p.borrow_mut();
                    claim.live = true;
                    scope.clone_into(&mut claim.scope);
                    key.as_str().clone_into(&mut claim.key);
                    claim.fingerprint = fp;
                });
                StoreBegin::Claimed
            }
        }
    }

    fn complete(&self, scope: &str, key: &Key, response: StoredResponse, now: SystemTime, ttl: Duration) {
        let Some(fp) = take_claim(scope, key) else {
            return StoreIdempotency.complete(scope, key, response, now, ttl);
        };
        run((), |db| db.idem_put(scope, key.as_str(), &fp, Some(response), expiry(now, ttl)));
    }

    fn abandon(&self, scope: &str, key: &Key) {
        if take_claim(scope, key).is_none() {
            StoreIdempotency.abandon(scope, key);
        }
    }
}

/// The fingerprint of the pending claim, if it is for this scope and key (taken).
fn take_claim(scope: &str, key: &Key) -> Option<[u8; 32]> {
    PENDING_CLAIM.with(|p| {
        let claim = &mut *p.borrow_mut();
        let this = claim.live && claim.scope == scope && claim.key == key.as_str();
        this.then(|| {
            claim.live = false;
            claim.fingerprint
        })
    })
}

/// Forget keys left in flight by a crash (their payments were never committed) and expired
/// records.
pub fn drop_in_flight(db: &dyn Db) -> Result<usize, StoreError> {
    db.idem_drop_in_flight(ms(SystemTime::now()))
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
    use crate::store::tests::on_each_backend;

    #[tokio::test]
    async fn payglot_rest_semantics_over_the_store() {
        on_each_backend(|c| {
            let idem = Idempotency::new(Policy::PAYGLOT, StoreIdempotency);
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
            c.mark_unavailable("o", "k3")?;
            assert!(c.take_unavailable("o", "k3")?);
            assert!(!c.take_unavailable("o", "k3")?);
            assert!(take_error().is_none());
            assert_eq!(drop_in_flight(c)?, 3);
            Ok(())
        })
        .await;
        // Off the store there is no store: fail closed.
        assert_eq!(
            StoreIdempotency.begin(
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
    }

    #[tokio::test]
    async fn one_job_claims_write_one_completed_record() {
        on_each_backend(|c| {
            let idem = Idempotency::new(Policy::PAYGLOT, OneJobIdempotency);
            let f1 = Fingerprint::of("POST", "/a", b"1");
            let f2 = Fingerprint::of("POST", "/a", b"2");
            let now = ms(SystemTime::now());
            let Ok(Begin::Proceed(ticket)) = idem.begin("o", Some("k"), f1) else { panic!("not claimed") };
            // Nothing written until the job completes the key.
            assert_eq!(c.idem_find("o", "k", now)?, None);
            let r = StoredResponse { status: 201, headers: vec![], body: b"{}".to_vec() };
            idem.complete(ticket, r.clone());
            let record = c.idem_find("o", "k", now)?.expect("written");
            assert_eq!(record.response.as_ref(), Some(&r));
            assert_eq!(idem.begin("o", Some("k"), f1), Ok(Begin::Replay(r.clone())));
            assert_eq!(idem.begin("o", Some("k"), f2), Err(IdempotencyError::Mismatch));
            // The plain store sees the same record.
            let plain = Idempotency::new(Policy::PAYGLOT, StoreIdempotency);
            assert_eq!(plain.begin("o", Some("k"), f1), Ok(Begin::Replay(r)));
            // Abandoned: nothing left behind, the key is free again.
            let Ok(Begin::Proceed(t)) = idem.begin("o", Some("k2"), f1) else { panic!("not claimed") };
            idem.abandon(t);
            assert_eq!(c.idem_find("o", "k2", now)?, None);
            assert!(matches!(idem.begin("o", Some("k2"), f2), Ok(Begin::Proceed(_))));
            // A key claimed by the plain store (in flight) is completed by an update.
            let Ok(Begin::Proceed(t)) = plain.begin("o", Some("k3"), f1) else { panic!("not claimed") };
            assert_eq!(c.idem_find("o", "k3", now)?.map(|r| r.response), Some(None), "in flight");
            let done = StoredResponse { status: 200, headers: vec![], body: b"[]".to_vec() };
            idem.complete(t, done.clone());
            assert_eq!(plain.begin("o", Some("k3"), f1), Ok(Begin::Replay(done)));
            assert!(take_error().is_none());
            Ok(())
        })
        .await;
    }

    #[tokio::test]
    async fn unavailable_marks_are_found_after_the_table_was_seen_empty() {
        on_each_backend(|c| {
            assert!(!c.take_unavailable("o", "k")?);
            c.mark_unavailable("o", "k")?;
            assert!(c.take_unavailable("o", "k")?);
            assert!(!c.take_unavailable("o", "k")?);
            Ok(())
        })
        .await;
    }
}

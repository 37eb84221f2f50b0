//! The IETF `Idempotency-Key` HTTP header draft (draft-ietf-httpapi-idempotency-key-header),
//! for servers and clients, without any HTTP framework: key syntax, payload fingerprint, a
//! store of first responses, and per-provider policies.
//!
//! A server handles a request in three steps:
//! 1. [`Idempotency::begin`] with the header's value and the request's [`Fingerprint`]. It
//!    answers [`Begin::Proceed`] exactly once per key (even under concurrency),
//!    [`Begin::Replay`] with the stored first response once that request completed, or an
//!    [`IdempotencyError`]: key missing where the policy requires one (400), malformed (400),
//!    first request still in flight (409), same key with a different payload (422).
//! 2. It processes the request.
//! 3. [`Idempotency::complete`] stores the response for replay until the policy's TTL runs out
//!    (or [`Idempotency::abandon`] when the request certainly had no effect, releasing the key).
//!
//! HTTP statuses and problem types of the errors come from the core outcome table
//! ([`outcome::for_condition`]); [`IdempotencyError::problem_json`] writes the body.
//! A client uses [`Policy::check_key`] before sending and keeps the same key on every retry.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use payglot_core_model::outcome::{self, Condition, Outcome};
use sha2::{Digest, Sha256};

/// How one provider uses idempotency keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// A short name (`payglot`, `open-banking-uk`, `berlin-group`).
    pub name: &'static str,
    /// The request header carrying the key.
    pub header: &'static str,
    /// Whether a request without a key is refused (400).
    pub required: bool,
    /// The longest key accepted, in characters.
    pub max_len: usize,
    /// Whether the key must be a UUID (Berlin Group's `X-Request-ID`).
    pub uuid_only: bool,
    /// How long a completed response is replayed (and an abandoned in-flight key blocks).
    pub ttl: Duration,
}

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

impl Policy {
    /// payglot's own API: `Idempotency-Key`, required on `POST`, 1 to 255 visible ASCII
    /// characters (the draft's recommendation of a UUID is not enforced), replayed for 24 h.
    pub const PAYGLOT: Policy =
        Policy { name: "payglot", header: "Idempotency-Key", required: true, max_len: 255, uuid_only: false, ttl: DAY };

    /// UK Open Banking Read/Write API: `x-idempotency-key`, at most 40 characters, and the
    /// specification says a key expires after 24 hours.
    pub const OPEN_BANKING_UK: Policy = Policy {
        name: "open-banking-uk",
        header: "x-idempotency-key",
        required: true,
        max_len: 40,
        uuid_only: false,
        ttl: DAY,
    };

    /// Berlin Group NextGenPSD2 has no idempotency key: the `X-Request-ID` UUID identifies a
    /// request, and a repeated one is the same request. 24 h replay window (a choice: the
    /// standard names none).
    pub const BERLIN_GROUP: Policy =
        Policy { name: "berlin-group", header: "X-Request-ID", required: true, max_len: 36, uuid_only: true, ttl: DAY };

    /// Check a key as received (`None` when the header is absent). Returns the key, or
    /// `Ok(None)` when it is absent and not required.
    pub fn check_key(&self, key: Option<&str>) -> Result<Option<Key>, IdempotencyError> {
        let Some(key) = key else {
            return if self.required { Err(IdempotencyError::MissingKey { header: self.header }) } else { Ok(None) };
        };
        // The draft sends the key as an sf-string: a quoted string. Accept it quoted or bare.
        let bare = key.strip_prefix('"').and_then(|k| k.strip_suffix('"')).unwrap_or(key);
        let syntax = !bare.is_empty()
            && bare.chars().count() <= self.max_len
            && bare.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
        if !syntax {
            return Err(IdempotencyError::InvalidKey {
                header: self.header,
                reason: format!("must be 1 to {} visible ASCII characters", self.max_len),
            });
        }
        if self.uuid_only && !is_uuid(bare) {
            return Err(IdempotencyError::InvalidKey { header: self.header, reason: "must be a UUID".into() });
        }
        Ok(Some(Key(bare.into())))
    }
}

fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { *c == b'-' } else { c.is_ascii_hexdigit() })
}

/// A checked idempotency key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key(Box<str>);

impl Key {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({:?})", self.0)
    }
}

/// The SHA-256 of a request's method, target and body: the same key with a different
/// fingerprint is a different request (422).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// Fingerprint a request. Fields are length-prefixed so no two requests collide by
    /// moving bytes between them.
    pub fn of(method: &str, target: &str, body: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        for part in [method.as_bytes(), target.as_bytes(), body] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        Self(hasher.finalize().into())
    }

    /// The digest.
    pub fn bytes(&self) -> [u8; 32] {
        self.0
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fingerprint(")?;
        for byte in self.0.iter().take(8) {
            write!(f, "{byte:02x}")?;
        }
        f.write_str("…)")
    }
}

/// The first response to a request, kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers worth replaying (`Content-Type`, `Location`, ...).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

/// What a server does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// The first request with this key: process it, then `complete` (or `abandon`) it.
    Proceed(Ticket),
    /// A repeat of a completed request: send the stored response again, do nothing else.
    Replay(StoredResponse),
    /// The policy does not require a key and none was sent: process without protection.
    Unprotected,
}

/// Proof that this request is the one to process for its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    scope: String,
    key: Key,
}

impl Ticket {
    /// The key.
    pub fn key(&self) -> &Key {
        &self.key
    }
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdempotencyError {
    /// The policy requires a key and none was sent (400).
    MissingKey {
        /// The header name.
        header: &'static str,
    },
    /// The key is malformed (400).
    InvalidKey {
        /// The header name.
        header: &'static str,
        /// Why.
        reason: String,
    },
    /// A request with this key is still being processed (409): retry later with the same key.
    InFlight,
    /// The key was used before with a different request (422).
    Mismatch,
}

impl IdempotencyError {
    /// The outcome-table entry: HTTP status, problem type, retry class.
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::MissingKey { .. } | Self::InvalidKey { .. } => outcome::for_condition(Condition::MalformedRequest),
            Self::InFlight => outcome::for_condition(Condition::Conflict),
            Self::Mismatch => outcome::for_condition(Condition::IdempotencyMismatch),
        }
    }

    /// The HTTP status.
    pub fn http_status(&self) -> u16 {
        self.outcome().http_status
    }

    /// An RFC 9457 problem+json body for this error.
    pub fn problem_json(&self) -> Vec<u8> {
        let outcome = self.outcome();
        let body = serde_json::json!({
            "type": outcome.problem_type,
            "title": outcome.title,
            "status": outcome.http_status,
            "detail": self.to_string(),
        });
        serde_json::to_vec(&body).unwrap_or_default()
    }
}

impl fmt::Display for IdempotencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingKey { header } => write!(f, "the {header} header is required"),
            Self::InvalidKey { header, reason } => write!(f, "the {header} header {reason}"),
            Self::InFlight => f.write_str("a request with this idempotency key is still being processed"),
            Self::Mismatch => f.write_str("this idempotency key was used with a different request"),
        }
    }
}

impl std::error::Error for IdempotencyError {}

/// What the store answers to `begin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreBegin {
    /// The key was free (or expired) and is now in flight for this fingerprint.
    Claimed,
    /// Completed earlier with the same fingerprint.
    Completed(StoredResponse),
    /// In flight with the same fingerprint.
    InFlight,
    /// Known with another fingerprint.
    Mismatch,
}

/// Where keys and first responses live. Implementations must make `begin` atomic: of many
/// concurrent calls with one free key, exactly one gets [`StoreBegin::Claimed`].
pub trait IdempotencyStore: Send + Sync {
    /// Claim `key` in `scope` for `fingerprint`, or report its state. Entries older than
    /// `expires_before` count as absent.
    fn begin(&self, scope: &str, key: &Key, fingerprint: Fingerprint, now: SystemTime, ttl: Duration) -> StoreBegin;
    /// Store the response of the claimed request.
    fn complete(&self, scope: &str, key: &Key, response: StoredResponse, now: SystemTime, ttl: Duration);
    /// Release a claimed key whose request had no effect.
    fn abandon(&self, scope: &str, key: &Key);
}

#[derive(Debug)]
enum State {
    InFlight,
    Completed(StoredResponse),
}

#[derive(Debug)]
struct Entry {
    fingerprint: Fingerprint,
    state: State,
    expires: SystemTime,
}

/// An [`IdempotencyStore`] in process memory, behind one mutex. Expired entries are removed
/// when touched and by [`MemoryStore::purge_expired`].
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<(String, Key), Entry>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Remove every entry expired at `now`; returns how many.
    pub fn purge_expired(&self, now: SystemTime) -> usize {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = entries.len();
        entries.retain(|_, entry| entry.expires > now);
        before - entries.len()
    }

    /// Number of entries held.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }

    /// Whether the store holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl IdempotencyStore for MemoryStore {
    fn begin(&self, scope: &str, key: &Key, fingerprint: Fingerprint, now: SystemTime, ttl: Duration) -> StoreBegin {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = (scope.to_owned(), key.clone());
        if let Some(entry) = entries.get(&id)
            && entry.expires > now
        {
            if entry.fingerprint != fingerprint {
                return StoreBegin::Mismatch;
            }
            return match &entry.state {
                State::InFlight => StoreBegin::InFlight,
                State::Completed(response) => StoreBegin::Completed(response.clone()),
            };
        }
        entries.insert(id, Entry { fingerprint, state: State::InFlight, expires: now + ttl });
        StoreBegin::Claimed
    }

    fn complete(&self, scope: &str, key: &Key, response: StoredResponse, now: SystemTime, ttl: Duration) {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(entry) = entries.get_mut(&(scope.to_owned(), key.clone())) {
            entry.state = State::Completed(response);
            entry.expires = now + ttl;
        }
    }

    fn abandon(&self, scope: &str, key: &Key) {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.remove(&(scope.to_owned(), key.clone()));
    }
}

/// A policy and a store: the server side of the draft.
#[derive(Debug)]
pub struct Idempotency<S> {
    policy: Policy,
    store: S,
}

impl<S: IdempotencyStore> Idempotency<S> {
    /// Idempotency handling with `policy` over `store`.
    pub fn new(policy: Policy, store: S) -> Self {
        Self { policy, store }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Begin handling a request. `scope` separates key spaces (the client id and the
    /// operation, such as `"client-42 POST /v1/payments"`): keys are unique per client, not
    /// globally.
    pub fn begin(&self, scope: &str, key: Option<&str>, fingerprint: Fingerprint) -> Result<Begin, IdempotencyError> {
        self.begin_at(scope, key, fingerprint, SystemTime::now())
    }

    /// [`begin`](Self::begin) at a given time (for tests and replays).
    pub fn begin_at(
        &self,
        scope: &str,
        key: Option<&str>,
        fingerprint: Fingerprint,
        now: SystemTime,
    ) -> Result<Begin, IdempotencyError> {
        let Some(key) = self.policy.check_key(key)? else { return Ok(Begin::Unprotected) };
        match self.store.begin(scope, &key, fingerprint, now, self.policy.ttl) {
            StoreBegin::Claimed => Ok(Begin::Proceed(Ticket { scope: scope.to_owned(), key })),
            StoreBegin::Completed(response) => Ok(Begin::Replay(response)),
            StoreBegin::InFlight => Err(IdempotencyError::InFlight),
            StoreBegin::Mismatch => Err(IdempotencyError::Mismatch),
        }
    }

    /// Store the first response for replay.
    pub fn complete(&self, ticket: Ticket, response: StoredResponse) {
        self.complete_at(ticket, response, SystemTime::now());
    }

    /// [`complete`](Self::complete) at a given time.
    pub fn complete_at(&self, ticket: Ticket, response: StoredResponse, now: SystemTime) {
        self.store.complete(&ticket.scope, &ticket.key, response, now, self.policy.ttl);
    }

    /// Release the key of a request that certainly had no effect (refused before any money
    /// moved), so the client may retry it at once. When in doubt, complete it instead.
    pub fn abandon(&self, ticket: Ticket) {
        self.store.abandon(&ticket.scope, &ticket.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_check_keys() {
        assert!(Policy::OPEN_BANKING_UK.check_key(Some(&"k".repeat(40))).is_ok());
        assert!(Policy::OPEN_BANKING_UK.check_key(Some(&"k".repeat(41))).is_err());
        assert!(Policy::BERLIN_GROUP.check_key(Some("99391c7e-ad88-49ec-a2ad-99ddcb1f7721")).is_ok());
        assert!(Policy::BERLIN_GROUP.check_key(Some("not-a-uuid")).is_err());
        assert_eq!(Policy::PAYGLOT.check_key(None).map_err(|e| e.http_status()), Err(400));
        assert_eq!(
            Policy::PAYGLOT.check_key(Some("\"abc\"")).ok().flatten().map(|k| k.as_str().to_owned()),
            Some("abc".to_owned())
        );
        assert!(Policy::PAYGLOT.check_key(Some("has space")).is_err());
    }
}

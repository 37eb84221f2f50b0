//! The one interface every store job uses: [`Db`], every query the sandbox makes, with two
//! backends behind it — SQLite ([`crate::sql`], for `--db <file>` and `--db :sqlite-memory:`)
//! and the in-process store ([`crate::memory`], for `--db :memory:`). Handlers never see which
//! one runs; the test suites run against both, so the two cannot drift.
//!
//! Every method runs inside a store job (`Store::call`): the job's writes commit together or,
//! when the job returns `Err`, are undone together.

use payglot_rest::idempotency::StoredResponse;

use crate::events::StoredEvent;
use crate::payments::{Payment, Status};
use crate::store::StoreError;
use crate::webhooks::{Attempt, Delivery, Endpoint};

/// A store result.
pub type DbResult<T> = Result<T, StoreError>;

/// An idempotency record: who claimed the key and, once done, the response to replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdemRecord {
    /// The fingerprint of the request that claimed the key.
    pub fingerprint: Vec<u8>,
    /// The stored response; `None` while the request is in flight.
    pub response: Option<StoredResponse>,
}

/// An Open Banking consent as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRow {
    /// `v3.1` or `v4`.
    pub version: String,
    /// The `Initiation` JSON as received.
    pub initiation: String,
    /// `Authorised` or `Consumed`.
    pub status: String,
    /// The payment that consumed it.
    pub payment_id: Option<String>,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
}

/// A webhook delivery due for an attempt, with what the attempt needs.
#[derive(Debug, Clone)]
pub struct DueRow {
    /// `dlv_...`.
    pub id: String,
    /// The endpoint's URL.
    pub url: String,
    /// The endpoint's signing secret.
    pub secret: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// The event to deliver.
    pub event: StoredEvent,
}

/// The new state of a delivery after an attempt.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryUpdate<'a> {
    /// `pending`, `succeeded`, `failed` or `abandoned`.
    pub state: &'a str,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due (Unix ms; 0 when none).
    pub next_ms: i64,
    /// Last HTTP status.
    pub status: Option<u16>,
    /// Last transport error.
    pub error: Option<&'a str>,
    /// When (RFC 3339).
    pub at: &'a str,
}

/// The GraphQL filter of a payments page.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageFilter<'a> {
    /// ISO status codes to keep (empty: all).
    pub statuses: &'a [&'a str],
    /// Only payments with this end-to-end id.
    pub end_to_end_id: Option<&'a str>,
}

impl PageFilter<'_> {
    /// Whether `payment` passes the filter.
    pub fn keeps(&self, payment: &Payment) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&payment.status.code()))
            && self.end_to_end_id.is_none_or(|e2e| payment.end_to_end_id.as_deref() == Some(e2e))
    }
}

/// Every query and write of the sandbox. Orders are part of the contract: "oldest first"
/// means in the order the rows were written.
pub trait Db {
    // --- payments ---
    /// Insert a new payment (its id is new).
    fn insert_payment(&self, payment: Payment) -> DbResult<()>;
    /// One payment of `owner` by id, with its history.
    fn payment(&self, owner: &str, id: &str) -> DbResult<Option<Payment>>;
    /// Payments of `owner`, newest first, at most `limit`, written before the payment `before`
    /// (an unknown cursor counts as none).
    fn payments_before(&self, owner: &str, limit: u32, before: Option<&str>) -> DbResult<Vec<Payment>>;
    /// Payments of `owner` passing `filter`, oldest first, at most `limit`, written after the
    /// payment `after`; `None` when `after` is not a payment of `owner`.
    fn payments_after(
        &self,
        owner: &str,
        after: Option<&str>,
        filter: &PageFilter<'_>,
        limit: usize,
    ) -> DbResult<Option<Vec<Payment>>>;
    /// Payments of `owner` that debit or credit `account`, oldest first.
    fn payments_for_account(&self, owner: &str, account: &str) -> DbResult<Vec<Payment>>;
    /// Settled (ACSC) payments of `owner` last changed after `since` (RFC 3339 text order),
    /// by last change then age, at most `limit`.
    fn settled_since(&self, owner: &str, since: &str, limit: u32) -> DbResult<Vec<Payment>>;
    /// Is there a payment of `owner` from `debtor` with this end-to-end id?
    fn end_to_end_id_seen(&self, owner: &str, debtor: &str, e2e: &str) -> DbResult<bool>;
    /// The latest payment of `owner` with this end-to-end id.
    fn latest_by_end_to_end_id(&self, owner: &str, e2e: &str) -> DbResult<Option<Payment>>;
    /// Payments not yet final, oldest first: (id, owner, status).
    fn open_payments(&self) -> DbResult<Vec<(String, String, Status)>>;
    /// Write `payment`'s status, reason, update time and history, if the stored payment is
    /// not final yet; whether it was written.
    fn update_open_payment(&self, payment: &Payment) -> DbResult<bool>;
    /// How many payments there are.
    fn count_payments(&self) -> DbResult<i64>;
    /// Keep the creditor's name of a payment (replacing any).
    fn set_creditor_name(&self, payment_id: &str, name: &str) -> DbResult<()>;
    /// The creditor's name kept for a payment.
    fn creditor_name(&self, payment_id: &str) -> DbResult<Option<String>>;

    // --- events ---
    /// Record an event about `payment_id` of `owner`: `position` is how many statuses the
    /// payment had then.
    fn insert_event(
        &self,
        owner: &str,
        payment_id: &str,
        id: &str,
        kind: &str,
        at: &str,
        position: usize,
    ) -> DbResult<()>;
    /// Events of `owner`, oldest first, optionally of one payment.
    fn events(&self, owner: &str, payment_id: Option<&str>) -> DbResult<Vec<StoredEvent>>;
    /// The time of the last event written, if it is later than `at` (RFC 3339, UTC): an event
    /// raised at `at` would then break the events' time order. A GraphQL subscription starts
    /// after the last event created before it ([`Db::last_event_before`]), which finds every
    /// later event only if times follow the order events are written in.
    fn later_event_time(&self, at: &str) -> DbResult<Option<String>>;
    /// The sequence number of the last event created before `at` (0 if none).
    fn last_event_before(&self, at: &str) -> DbResult<i64>;
    /// Events of `owner` after sequence number `cursor`, oldest first, at most `limit`: (their
    /// sequence number, their position in the payment's history, the event).
    fn events_after(&self, owner: &str, cursor: i64, limit: usize) -> DbResult<Vec<(i64, i64, StoredEvent)>>;

    // --- webhooks ---
    /// Register an endpoint of `owner`.
    fn insert_endpoint(&self, owner: &str, endpoint: &Endpoint, secret: &str) -> DbResult<()>;
    /// Endpoints of `owner`, oldest first.
    fn endpoints(&self, owner: &str) -> DbResult<Vec<Endpoint>>;
    /// Ids of the enabled endpoints of `owner`, oldest first.
    fn enabled_endpoints(&self, owner: &str) -> DbResult<Vec<String>>;
    /// Queue a pending delivery of an event to an endpoint, due at `now_ms`.
    fn queue_delivery(&self, id: &str, endpoint_id: &str, event_id: &str, now_ms: i64, at: &str) -> DbResult<()>;
    /// Deliveries of one endpoint of `owner`, oldest first, each with its attempts; `None` if
    /// `owner` has no such endpoint.
    fn deliveries(&self, owner: &str, endpoint_id: &str) -> DbResult<Option<Vec<Delivery>>>;
    /// Pending deliveries due at `now_ms`, soonest first, at most `limit`.
    fn due_deliveries(&self, now_ms: i64, limit: u32) -> DbResult<Vec<DueRow>>;
    /// Push a delivery's next attempt to `until_ms` (a lease).
    fn lease_delivery(&self, id: &str, until_ms: i64) -> DbResult<()>;
    /// When the soonest pending delivery is due.
    fn next_due_ms(&self) -> DbResult<Option<i64>>;
    /// Record an attempt of a delivery.
    fn insert_attempt(&self, delivery_id: &str, attempt: &Attempt) -> DbResult<()>;
    /// Disable the endpoint of a delivery (with `reason`) and abandon its other pending
    /// deliveries.
    fn disable_endpoint_of(&self, delivery_id: &str, reason: &str, at: &str) -> DbResult<()>;
    /// Write a delivery's state after an attempt.
    fn update_delivery(&self, id: &str, update: &DeliveryUpdate<'_>) -> DbResult<()>;

    // --- idempotency ---
    /// The live record of a key (expiring after `now_ms`).
    fn idem_find(&self, scope: &str, key: &str, now_ms: i64) -> DbResult<Option<IdemRecord>>;
    /// Write a record (replacing any): in flight when `response` is `None`. The response is
    /// given, not lent: the in-process store keeps it as it is.
    fn idem_put(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &[u8],
        response: Option<StoredResponse>,
        expires_ms: i64,
    ) -> DbResult<()>;
    /// Complete an existing record; whether there was one.
    fn idem_complete(&self, scope: &str, key: &str, response: &StoredResponse, expires_ms: i64) -> DbResult<bool>;
    /// Delete a record.
    fn idem_delete(&self, scope: &str, key: &str) -> DbResult<()>;
    /// Delete records in flight and records expired at `now_ms`; how many.
    fn idem_drop_in_flight(&self, now_ms: i64) -> DbResult<usize>;
    /// Remember that the request with this key got the .03 "unavailable" answer.
    fn mark_unavailable(&self, scope: &str, key: &str) -> DbResult<()>;
    /// Whether the key was marked (and forget it).
    fn take_unavailable(&self, scope: &str, key: &str) -> DbResult<bool>;

    // --- Open Banking consents ---
    /// Store an authorised consent.
    fn insert_consent(&self, id: &str, owner: &str, version: &str, initiation: &str, at: &str) -> DbResult<()>;
    /// A consent of `owner`.
    fn consent(&self, owner: &str, id: &str) -> DbResult<Option<ConsentRow>>;
    /// Mark an authorised consent of `owner` consumed by `payment_id`; false if it is not
    /// (there is none, or it was used already).
    fn consume_consent(&self, id: &str, owner: &str, payment_id: &str, at: &str) -> DbResult<bool>;
    /// The consent of `version` that `payment_id` of `owner` consumed: (id, initiation).
    fn consent_of_payment(&self, payment_id: &str, owner: &str, version: &str) -> DbResult<Option<(String, String)>>;

    /// A round trip to the store (health).
    fn ping(&self) -> DbResult<()>;
}

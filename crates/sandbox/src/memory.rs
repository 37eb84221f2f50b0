//! The in-process backend of [`Db`] (`--db :memory:`): the sandbox's rows as Rust values with
//! the indexes its queries need, behind a lock.
//!
//! A job runs on the caller's thread holding the store's job lock (an async lock: a request
//! waiting for its turn yields its executor thread to other requests instead of blocking it),
//! so jobs run one at a time as they do on the SQLite store thread (a key's claim and its payment are atomic; fifty
//! concurrent retries of one key make one payment). Every write pushes its inverse on an undo
//! log: a job that returns `Err` is undone write by write, newest first, which is what the
//! SQLite backend's savepoint gives. There is nothing to make durable, so a job's answer needs
//! no commit. Every query answers what the SQL of [`crate::sql`] answers, in the same order;
//! the sandbox's test suites run on both backends.
//!
//! Every keyed index is a B-tree, not a hash map: a hash map that doubles rehashes all its
//! entries at once, under the job lock, and at ~20,000 payments/s that pause (every few
//! seconds) was what every connection's p99 waited on (8-13 ms; 1.5-3.4 ms with B-trees).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use payglot_rest::idempotency::StoredResponse;

use crate::db::{ConsentRow, Db, DbResult, DeliveryUpdate, DueRow, IdemRecord, PageFilter};
use crate::events::StoredEvent;
use crate::payments::{Payment, Status};
use crate::store::StoreError;
use crate::webhooks::{Attempt, Delivery, Endpoint};

/// The in-process store.
#[derive(Default)]
pub(crate) struct MemoryStore {
    /// Held for a whole job: jobs run one at a time.
    jobs: tokio::sync::Mutex<()>,
    /// The rows; each [`Db`] call locks it for its own duration.
    data: Mutex<Data>,
    /// Set by [`MemoryStore::close`]: every later job fails with `Closed`.
    closed: AtomicBool,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryStore")
    }
}

impl MemoryStore {
    /// Run `job` alone; undo its writes if it fails. A job that panics closes the store (as
    /// it would stop the SQLite store thread): its writes are not undone.
    pub(crate) async fn run<T>(&self, job: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
        let _turn = self.jobs.lock().await;
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::Closed);
        }
        let closes_on_panic = ClosesOnPanic(&self.closed);
        let result = job();
        drop(closes_on_panic);
        let mut data = self.data()?;
        if result.is_err() {
            data.roll_back();
        } else {
            data.undo.clear();
        }
        result
    }

    /// Refuse every later job (after the running one).
    pub(crate) async fn close(&self) {
        let _turn = self.jobs.lock().await;
        self.closed.store(true, Ordering::Release);
    }

    fn data(&self) -> Result<MutexGuard<'_, Data>, StoreError> {
        self.data.lock().map_err(|_| StoreError::Closed)
    }
}

/// Closes the store if dropped while a job panics.
struct ClosesOnPanic<'a>(&'a AtomicBool);

impl Drop for ClosesOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Release);
        }
    }
}

/// A write's inverse.
type Undo = Box<dyn FnOnce(&mut Data) + Send>;

/// The rows of one owner's payments and events, by the keys its queries use (indexes into
/// [`Data`]'s vectors, in the order written).
#[derive(Default)]
struct Owned {
    payments: Vec<usize>,
    by_account: BTreeMap<String, Vec<usize>>,
    by_end_to_end_id: BTreeMap<String, Vec<usize>>,
    events: Vec<usize>,
}

/// An event as stored: its payment by index (the owner and payment id are the payment's).
struct EventRow {
    id: String,
    kind: Cow<'static, str>,
    payment: usize,
    /// `None`: the time of the status it is about (`position` in the payment's history), as
    /// for every event the sandbox raises; kept only when it differs.
    created_at: Option<String>,
    position: i64,
}

/// The kinds of event the sandbox raises, kept without a copy.
fn kind_of(text: &str) -> Cow<'static, str> {
    match text {
        "payment.created" => Cow::Borrowed("payment.created"),
        "payment.status_changed" => Cow::Borrowed("payment.status_changed"),
        other => Cow::Owned(other.to_owned()),
    }
}

/// A webhook endpoint as stored.
#[derive(Clone)]
struct EndpointRow {
    owner: String,
    endpoint: Endpoint,
    secret: String,
}

/// A webhook delivery as stored.
#[derive(Clone)]
struct DeliveryRow {
    id: String,
    endpoint: usize,
    event: usize,
    state: String,
    attempts: u32,
    next_ms: i64,
    last_status: Option<u16>,
    last_error: Option<String>,
    updated_at: String,
    log: Vec<Attempt>,
}

/// The idempotency records of one scope: key → (record, expiry in Unix ms).
type Records = BTreeMap<Arc<str>, (IdemRecord, i64)>;

/// Every row. A row's sequence number (SQLite's `seq`) is its index + 1.
#[derive(Default)]
struct Data {
    payments: Vec<Payment>,
    payment_index: BTreeMap<String, usize>,
    /// Payments in RCVD or ACTC.
    open: BTreeSet<usize>,
    owners: BTreeMap<String, Owned>,
    names: BTreeMap<String, String>,
    events: Vec<EventRow>,
    endpoints: Vec<EndpointRow>,
    endpoint_index: BTreeMap<String, usize>,
    deliveries: Vec<DeliveryRow>,
    delivery_index: BTreeMap<String, usize>,
    /// Deliveries in state `pending`.
    pending: BTreeSet<usize>,
    /// scope → its records. Scopes and keys are shared with the undo
    /// log's entries rather than copied into them.
    idempotency: BTreeMap<Arc<str>, Records>,
    /// scope → keys.
    unavailable: BTreeMap<String, BTreeSet<String>>,
    consents: BTreeMap<String, (String, ConsentRow)>,
    /// payment id → the consent it consumed.
    consent_of_payment: BTreeMap<String, String>,
    undo: Vec<Undo>,
}

fn is_open(status: Status) -> bool {
    matches!(status, Status::Received | Status::AcceptedTechnical)
}

fn seq(index: usize) -> i64 {
    i64::try_from(index).map_or(i64::MAX, |i| i.saturating_add(1))
}

fn duplicate(what: &str, id: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {id} exists already"))
}

impl Data {
    fn roll_back(&mut self) {
        let undo = std::mem::take(&mut self.undo);
        for inverse in undo.into_iter().rev() {
            inverse(self);
        }
    }

    fn on_undo(&mut self, inverse: impl FnOnce(&mut Data) + Send + 'static) {
        self.undo.push(Box::new(inverse));
    }

    fn owned(&self, owner: &str) -> Option<&Owned> {
        self.owners.get(owner)
    }

    /// The index of a payment of `owner`.
    fn payment_of(&self, owner: &str, id: &str) -> Option<usize> {
        self.payment_index.get(id).copied().filter(|&i| self.payments.get(i).is_some_and(|p| p.owner == owner))
    }

    /// The time of an event.
    fn event_time<'a>(&'a self, e: &'a EventRow) -> &'a str {
        e.created_at.as_deref().unwrap_or_else(|| {
            let status = usize::try_from(e.position).ok().and_then(|p| p.checked_sub(1));
            let change = self.payments.get(e.payment).zip(status).and_then(|(p, i)| p.history.get(i));
            change.map_or("", |c| c.at.as_str())
        })
    }

    /// The time of the last event written.
    fn last_event_time(&self) -> Option<&str> {
        self.events.last().map(|e| self.event_time(e))
    }

    /// An event as the [`Db`] interface gives it.
    fn event(&self, index: usize) -> Option<StoredEvent> {
        let e = self.events.get(index)?;
        let p = self.payments.get(e.payment)?;
        Some(StoredEvent {
            id: e.id.clone(),
            kind: e.kind.clone().into_owned(),
            owner: p.owner.clone(),
            payment_id: p.id.clone(),
            created_at: self.event_time(e).to_owned(),
            data: String::new(),
            position: Some(e.position),
        })
    }

    /// Change the owner's index (created if needed; the owner's name copied only then).
    fn with_owned(&mut self, owner: &str, f: impl FnOnce(&mut Owned)) {
        match self.owners.get_mut(owner) {
            Some(owned) => f(owned),
            None => {
                let mut owned = Owned::default();
                f(&mut owned);
                self.owners.insert(owner.to_owned(), owned);
            }
        }
    }

    fn payments_at(&self, indexes: impl Iterator<Item = usize>) -> Vec<Payment> {
        indexes.filter_map(|i| self.payments.get(i).cloned()).collect()
    }

    /// Undo the last payment inserted.
    fn pop_payment(&mut self) {
        let Some(p) = self.payments.pop() else { return };
        let index = self.payments.len();
        self.payment_index.remove(&p.id);
        self.open.remove(&index);
        if let Some(owned) = self.owners.get_mut(&p.owner) {
            owned.payments.pop();
            for account in accounts(&p) {
                owned.by_account.get_mut(account).map(Vec::pop);
            }
            if let Some(e2e) = &p.end_to_end_id {
                owned.by_end_to_end_id.get_mut(e2e).map(Vec::pop);
            }
        }
    }

    /// Keep a copy of a delivery (and whether it is pending) on the undo log.
    fn save_delivery(&mut self, index: usize) {
        let Some(row) = self.deliveries.get(index).cloned() else { return };
        let was_pending = self.pending.contains(&index);
        self.on_undo(move |d| {
            if let Some(slot) = d.deliveries.get_mut(index) {
                *slot = row;
            }
            if was_pending {
                d.pending.insert(index);
            } else {
                d.pending.remove(&index);
            }
        });
    }

    /// Keep a copy of an idempotency record (or its absence) on the undo log. Returns the
    /// scope and key as the map holds them (new ones for a record not there yet).
    fn save_record(&mut self, scope: &str, key: &str) -> (Arc<str>, Arc<str>) {
        let (scope, records) = match self.idempotency.get_key_value(scope) {
            Some((s, records)) => (s.clone(), Some(records)),
            None => (Arc::from(scope), None),
        };
        let (key, old) = match records.and_then(|m| m.get_key_value(key)) {
            Some((k, old)) => (k.clone(), Some(old.clone())),
            None => (Arc::from(key), None),
        };
        let (s, k) = (scope.clone(), key.clone());
        self.on_undo(move |d| {
            let records = d.idempotency.entry(s).or_default();
            match old {
                Some(old) => records.insert(k, old),
                None => records.remove(&k),
            };
        });
        (scope, key)
    }
}

/// Append `index` to the list of `key` (the key copied only for a new list).
fn push_at(lists: &mut BTreeMap<String, Vec<usize>>, key: &str, index: usize) {
    match lists.get_mut(key) {
        Some(list) => list.push(index),
        None => drop(lists.insert(key.to_owned(), vec![index])),
    }
}

/// The accounts a payment is listed under (once when debtor and creditor are the same).
fn accounts(p: &Payment) -> impl Iterator<Item = &str> {
    let creditor = (p.creditor_account != p.debtor_account).then_some(p.creditor_account.as_str());
    std::iter::once(p.debtor_account.as_str()).chain(creditor)
}

impl Db for MemoryStore {
    fn insert_payment(&self, payment: Payment) -> DbResult<()> {
        let mut d = self.data()?;
        if d.payment_index.contains_key(&payment.id) {
            return Err(duplicate("payment", &payment.id));
        }
        let index = d.payments.len();
        d.payment_index.insert(payment.id.clone(), index);
        if is_open(payment.status) {
            d.open.insert(index);
        }
        d.with_owned(&payment.owner, |owned| {
            owned.payments.push(index);
            for account in accounts(&payment) {
                push_at(&mut owned.by_account, account, index);
            }
            if let Some(e2e) = &payment.end_to_end_id {
                push_at(&mut owned.by_end_to_end_id, e2e, index);
            }
        });
        d.payments.push(payment);
        d.on_undo(Data::pop_payment);
        Ok(())
    }

    fn payment(&self, owner: &str, id: &str) -> DbResult<Option<Payment>> {
        let d = self.data()?;
        Ok(d.payment_of(owner, id).and_then(|i| d.payments.get(i).cloned()))
    }

    fn payments_before(&self, owner: &str, limit: u32, before: Option<&str>) -> DbResult<Vec<Payment>> {
        let d = self.data()?;
        let Some(owned) = d.owned(owner) else { return Ok(Vec::new()) };
        let end = before.and_then(|id| d.payment_of(owner, id)).unwrap_or(usize::MAX);
        let older = owned.payments.partition_point(|&i| i < end);
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(d.payments_at(owned.payments[..older].iter().rev().take(take).copied()))
    }

    fn payments_after(
        &self,
        owner: &str,
        after: Option<&str>,
        filter: &PageFilter<'_>,
        limit: usize,
    ) -> DbResult<Option<Vec<Payment>>> {
        let d = self.data()?;
        let start = match after {
            Some(id) => match d.payment_of(owner, id) {
                Some(i) => Some(i),
                None => return Ok(None),
            },
            None => None,
        };
        let Some(owned) = d.owned(owner) else { return Ok(Some(Vec::new())) };
        let first = start.map_or(0, |s| owned.payments.partition_point(|&i| i <= s));
        let kept = owned.payments[first..]
            .iter()
            .filter_map(|&i| d.payments.get(i))
            .filter(|p| filter.keeps(p))
            .take(limit)
            .cloned()
            .collect();
        Ok(Some(kept))
    }

    fn payments_for_account(&self, owner: &str, account: &str) -> DbResult<Vec<Payment>> {
        let d = self.data()?;
        let indexes = d.owned(owner).and_then(|o| o.by_account.get(account));
        Ok(indexes.map_or_else(Vec::new, |ix| d.payments_at(ix.iter().copied())))
    }

    fn settled_since(&self, owner: &str, since: &str, limit: u32) -> DbResult<Vec<Payment>> {
        let d = self.data()?;
        let Some(owned) = d.owned(owner) else { return Ok(Vec::new()) };
        let mut found: Vec<(&str, usize)> = owned
            .payments
            .iter()
            .filter_map(|&i| d.payments.get(i).map(|p| (p, i)))
            .filter(|(p, _)| p.status == Status::Settled && p.updated_at.as_str() > since)
            .map(|(p, i)| (p.updated_at.as_str(), i))
            .collect();
        found.sort_unstable();
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(d.payments_at(found.into_iter().take(take).map(|(_, i)| i)))
    }

    fn end_to_end_id_seen(&self, owner: &str, debtor: &str, e2e: &str) -> DbResult<bool> {
        let d = self.data()?;
        let indexes = d.owned(owner).and_then(|o| o.by_end_to_end_id.get(e2e));
        Ok(indexes.is_some_and(|ix| ix.iter().any(|&i| d.payments.get(i).is_some_and(|p| p.debtor_account == debtor))))
    }

    fn latest_by_end_to_end_id(&self, owner: &str, e2e: &str) -> DbResult<Option<Payment>> {
        let d = self.data()?;
        let last = d.owned(owner).and_then(|o| o.by_end_to_end_id.get(e2e)).and_then(|ix| ix.last().copied());
        Ok(last.and_then(|i| d.payments.get(i).cloned()))
    }

    fn open_payments(&self) -> DbResult<Vec<(String, String, Status)>> {
        let d = self.data()?;
        Ok(d.open
            .iter()
            .filter_map(|&i| d.payments.get(i))
            .map(|p| (p.id.clone(), p.owner.clone(), p.status))
            .collect())
    }

    fn update_open_payment(&self, payment: &Payment) -> DbResult<bool> {
        let mut d = self.data()?;
        let Some(index) = d.payment_index.get(&payment.id).copied().filter(|i| d.open.contains(i)) else {
            return Ok(false);
        };
        let Some(stored) = d.payments.get_mut(index) else { return Ok(false) };
        let old = (
            std::mem::replace(&mut stored.status, payment.status),
            std::mem::replace(&mut stored.reason, payment.reason.clone()),
            std::mem::replace(&mut stored.updated_at, payment.updated_at.clone()),
            std::mem::replace(&mut stored.history, payment.history.clone()),
        );
        if !is_open(payment.status) {
            d.open.remove(&index);
        }
        d.on_undo(move |d| {
            if let Some(stored) = d.payments.get_mut(index) {
                (stored.status, stored.reason, stored.updated_at, stored.history) = old;
            }
            d.open.insert(index);
        });
        Ok(true)
    }

    fn count_payments(&self) -> DbResult<i64> {
        Ok(i64::try_from(self.data()?.payments.len()).unwrap_or(i64::MAX))
    }

    fn set_creditor_name(&self, payment_id: &str, name: &str) -> DbResult<()> {
        let mut d = self.data()?;
        let old = d.names.insert(payment_id.to_owned(), name.to_owned());
        let id = payment_id.to_owned();
        d.on_undo(move |d| {
            match old {
                Some(old) => d.names.insert(id, old),
                None => d.names.remove(&id),
            };
        });
        Ok(())
    }

    fn creditor_name(&self, payment_id: &str) -> DbResult<Option<String>> {
        Ok(self.data()?.names.get(payment_id).cloned())
    }

    fn insert_event(
        &self,
        owner: &str,
        payment_id: &str,
        id: &str,
        kind: &str,
        at: &str,
        position: usize,
    ) -> DbResult<()> {
        let mut d = self.data()?;
        let Some(payment) = d.payment_of(owner, payment_id) else {
            return Err(StoreError::Corrupt(format!("event {id} about an unknown payment")));
        };
        let index = d.events.len();
        let status_time = position.checked_sub(1).and_then(|i| d.payments.get(payment)?.history.get(i));
        let created_at = match status_time {
            Some(change) if change.at == at => None,
            _ => Some(at.to_owned()),
        };
        d.events.push(EventRow {
            id: id.to_owned(),
            kind: kind_of(kind),
            payment,
            created_at,
            position: i64::try_from(position).unwrap_or(i64::MAX),
        });
        d.with_owned(owner, |owned| owned.events.push(index));
        // The owner is the payment's: the inverse captures nothing (and is not allocated).
        d.on_undo(|d| {
            let Some(event) = d.events.pop() else { return };
            let Data { payments, owners, .. } = d;
            if let Some(owned) = payments.get(event.payment).and_then(|p| owners.get_mut(&p.owner)) {
                owned.events.pop();
            }
        });
        Ok(())
    }

    fn events(&self, owner: &str, payment_id: Option<&str>) -> DbResult<Vec<StoredEvent>> {
        let d = self.data()?;
        let Some(owned) = d.owned(owner) else { return Ok(Vec::new()) };
        let wanted = match payment_id {
            Some(id) => match d.payment_of(owner, id) {
                Some(index) => Some(index),
                None => return Ok(Vec::new()),
            },
            None => None,
        };
        Ok(owned
            .events
            .iter()
            .filter(|&&i| wanted.is_none_or(|p| d.events.get(i).is_some_and(|e| e.payment == p)))
            .filter_map(|&i| d.event(i))
            .collect())
    }

    fn later_event_time(&self, at: &str) -> DbResult<Option<String>> {
        Ok(self.data()?.last_event_time().filter(|last| *last > at).map(str::to_owned))
    }

    fn last_event_before(&self, at: &str) -> DbResult<i64> {
        let d = self.data()?;
        Ok(d.events.iter().rposition(|e| d.event_time(e) < at).map_or(0, seq))
    }

    fn events_after(&self, owner: &str, cursor: i64, limit: usize) -> DbResult<Vec<(i64, i64, StoredEvent)>> {
        let d = self.data()?;
        let Some(owned) = d.owned(owner) else { return Ok(Vec::new()) };
        let first = owned.events.partition_point(|&i| seq(i) <= cursor);
        Ok(owned.events[first..]
            .iter()
            .take(limit)
            .filter_map(|&i| d.event(i).map(|e| (seq(i), e.position.unwrap_or(0), e)))
            .collect())
    }

    fn insert_endpoint(&self, owner: &str, endpoint: &Endpoint, secret: &str) -> DbResult<()> {
        let mut d = self.data()?;
        if d.endpoint_index.contains_key(&endpoint.id) {
            return Err(duplicate("endpoint", &endpoint.id));
        }
        let index = d.endpoints.len();
        d.endpoint_index.insert(endpoint.id.clone(), index);
        d.endpoints.push(EndpointRow {
            owner: owner.to_owned(),
            endpoint: endpoint.clone(),
            secret: secret.to_owned(),
        });
        d.on_undo(|d| {
            if let Some(row) = d.endpoints.pop() {
                d.endpoint_index.remove(&row.endpoint.id);
            }
        });
        Ok(())
    }

    fn endpoints(&self, owner: &str) -> DbResult<Vec<Endpoint>> {
        let d = self.data()?;
        Ok(d.endpoints.iter().filter(|r| r.owner == owner).map(|r| r.endpoint.clone()).collect())
    }

    fn enabled_endpoints(&self, owner: &str) -> DbResult<Vec<String>> {
        let d = self.data()?;
        Ok(d.endpoints
            .iter()
            .filter(|r| r.owner == owner && r.endpoint.enabled)
            .map(|r| r.endpoint.id.clone())
            .collect())
    }

    fn queue_delivery(&self, id: &str, endpoint_id: &str, event_id: &str, now_ms: i64, at: &str) -> DbResult<()> {
        let mut d = self.data()?;
        if d.delivery_index.contains_key(id) {
            return Err(duplicate("delivery", id));
        }
        // Deliveries are queued right after their event: look from the newest.
        let event = d.events.iter().rposition(|e| e.id == event_id);
        let (Some(&endpoint), Some(event)) = (d.endpoint_index.get(endpoint_id), event) else {
            return Err(StoreError::Corrupt(format!("delivery {id} of an unknown endpoint or event")));
        };
        let index = d.deliveries.len();
        d.deliveries.push(DeliveryRow {
            id: id.to_owned(),
            endpoint,
            event,
            state: "pending".to_owned(),
            attempts: 0,
            next_ms: now_ms,
            last_status: None,
            last_error: None,
            updated_at: at.to_owned(),
            log: Vec::new(),
        });
        d.delivery_index.insert(id.to_owned(), index);
        d.pending.insert(index);
        d.on_undo(move |d| {
            if let Some(row) = d.deliveries.pop() {
                d.delivery_index.remove(&row.id);
            }
            d.pending.remove(&index);
        });
        Ok(())
    }

    fn deliveries(&self, owner: &str, endpoint_id: &str) -> DbResult<Option<Vec<Delivery>>> {
        let d = self.data()?;
        let Some(endpoint) = d
            .endpoint_index
            .get(endpoint_id)
            .copied()
            .filter(|&i| d.endpoints.get(i).is_some_and(|r| r.owner == owner))
        else {
            return Ok(None);
        };
        let list = d
            .deliveries
            .iter()
            .filter(|r| r.endpoint == endpoint)
            .filter_map(|r| {
                let event = d.events.get(r.event)?;
                Some(Delivery {
                    id: r.id.clone(),
                    event_id: event.id.clone(),
                    event_type: event.kind.clone().into_owned(),
                    state: r.state.clone(),
                    attempts: r.attempts,
                    last_status: r.last_status,
                    last_error: r.last_error.clone(),
                    attempt_log: r.log.clone(),
                })
            })
            .collect();
        Ok(Some(list))
    }

    fn due_deliveries(&self, now_ms: i64, limit: u32) -> DbResult<Vec<DueRow>> {
        let d = self.data()?;
        let mut due: Vec<(i64, usize)> = d
            .pending
            .iter()
            .filter_map(|&i| d.deliveries.get(i).map(|r| (r.next_ms, i)))
            .filter(|&(next, _)| next <= now_ms)
            .collect();
        due.sort_unstable();
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(due
            .into_iter()
            .filter_map(|(_, i)| {
                let row = d.deliveries.get(i)?;
                let endpoint = d.endpoints.get(row.endpoint)?;
                Some(DueRow {
                    id: row.id.clone(),
                    url: endpoint.endpoint.url.clone(),
                    secret: endpoint.secret.clone(),
                    attempts: row.attempts,
                    event: d.event(row.event)?,
                })
            })
            .take(take)
            .collect())
    }

    fn lease_delivery(&self, id: &str, until_ms: i64) -> DbResult<()> {
        let mut d = self.data()?;
        let Some(index) = d.delivery_index.get(id).copied() else { return Ok(()) };
        d.save_delivery(index);
        if let Some(row) = d.deliveries.get_mut(index) {
            row.next_ms = until_ms;
        }
        Ok(())
    }

    fn next_due_ms(&self) -> DbResult<Option<i64>> {
        let d = self.data()?;
        Ok(d.pending.iter().filter_map(|&i| d.deliveries.get(i)).map(|r| r.next_ms).min())
    }

    fn insert_attempt(&self, delivery_id: &str, attempt: &Attempt) -> DbResult<()> {
        let mut d = self.data()?;
        let Some(index) = d.delivery_index.get(delivery_id).copied() else {
            return Err(StoreError::Corrupt(format!("attempt of an unknown delivery {delivery_id}")));
        };
        if let Some(row) = d.deliveries.get_mut(index) {
            row.log.push(attempt.clone());
        }
        d.on_undo(move |d| {
            d.deliveries.get_mut(index).map(|row| row.log.pop());
        });
        Ok(())
    }

    fn disable_endpoint_of(&self, delivery_id: &str, reason: &str, at: &str) -> DbResult<()> {
        let mut d = self.data()?;
        let Some(index) = d.delivery_index.get(delivery_id).copied() else { return Ok(()) };
        let Some(endpoint) = d.deliveries.get(index).map(|r| r.endpoint) else { return Ok(()) };
        if let Some(row) = d.endpoints.get_mut(endpoint) {
            let old = std::mem::replace(&mut row.endpoint.enabled, false);
            let old_reason = row.endpoint.disabled_reason.replace(reason.to_owned());
            d.on_undo(move |d| {
                if let Some(row) = d.endpoints.get_mut(endpoint) {
                    row.endpoint.enabled = old;
                    row.endpoint.disabled_reason = old_reason;
                }
            });
        }
        let others: Vec<usize> = d
            .pending
            .iter()
            .copied()
            .filter(|&i| i != index && d.deliveries.get(i).is_some_and(|r| r.endpoint == endpoint))
            .collect();
        for other in others {
            d.save_delivery(other);
            if let Some(row) = d.deliveries.get_mut(other) {
                row.state = "abandoned".to_owned();
                at.clone_into(&mut row.updated_at);
            }
            d.pending.remove(&other);
        }
        Ok(())
    }

    fn update_delivery(&self, id: &str, u: &DeliveryUpdate<'_>) -> DbResult<()> {
        let mut d = self.data()?;
        let Some(index) = d.delivery_index.get(id).copied() else { return Ok(()) };
        d.save_delivery(index);
        if let Some(row) = d.deliveries.get_mut(index) {
            u.state.clone_into(&mut row.state);
            row.attempts = u.attempts;
            row.next_ms = u.next_ms;
            row.last_status = u.status;
            row.last_error = u.error.map(str::to_owned);
            u.at.clone_into(&mut row.updated_at);
        }
        if u.state == "pending" {
            d.pending.insert(index);
        } else {
            d.pending.remove(&index);
        }
        Ok(())
    }

    fn idem_find(&self, scope: &str, key: &str, now_ms: i64) -> DbResult<Option<IdemRecord>> {
        let d = self.data()?;
        let found = d.idempotency.get(scope).and_then(|m| m.get(key));
        Ok(found.filter(|(_, expires)| *expires > now_ms).map(|(record, _)| record.clone()))
    }

    fn idem_put(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &[u8],
        response: Option<StoredResponse>,
        expires_ms: i64,
    ) -> DbResult<()> {
        let mut d = self.data()?;
        let (scope, key) = d.save_record(scope, key);
        let record = IdemRecord { fingerprint: fingerprint.to_vec(), response };
        d.idempotency.entry(scope).or_default().insert(key, (record, expires_ms));
        Ok(())
    }

    fn idem_complete(&self, scope: &str, key: &str, response: &StoredResponse, expires_ms: i64) -> DbResult<bool> {
        let mut d = self.data()?;
        if d.idempotency.get(scope).and_then(|m| m.get(key)).is_none() {
            return Ok(false);
        }
        d.save_record(scope, key);
        if let Some((record, expires)) = d.idempotency.get_mut(scope).and_then(|m| m.get_mut(key)) {
            record.response = Some(response.clone());
            *expires = expires_ms;
        }
        Ok(true)
    }

    fn idem_delete(&self, scope: &str, key: &str) -> DbResult<()> {
        let mut d = self.data()?;
        if d.idempotency.get(scope).and_then(|m| m.get(key)).is_some() {
            d.save_record(scope, key);
            d.idempotency.get_mut(scope).map(|m| m.remove(key));
        }
        Ok(())
    }

    fn idem_drop_in_flight(&self, now_ms: i64) -> DbResult<usize> {
        let mut d = self.data()?;
        let gone: Vec<(Arc<str>, Arc<str>)> = d
            .idempotency
            .iter()
            .flat_map(|(scope, records)| {
                records
                    .iter()
                    .filter(|(_, (record, expires))| record.response.is_none() || *expires <= now_ms)
                    .map(move |(key, _)| (scope.clone(), key.clone()))
            })
            .collect();
        for (scope, key) in &gone {
            d.save_record(scope, key);
            d.idempotency.get_mut(scope).map(|m| m.remove(key));
        }
        Ok(gone.len())
    }

    fn mark_unavailable(&self, scope: &str, key: &str) -> DbResult<()> {
        let mut d = self.data()?;
        if d.unavailable.entry(scope.to_owned()).or_default().insert(key.to_owned()) {
            let (scope, key) = (scope.to_owned(), key.to_owned());
            d.on_undo(move |d| {
                d.unavailable.get_mut(&scope).map(|keys| keys.remove(&key));
            });
        }
        Ok(())
    }

    fn take_unavailable(&self, scope: &str, key: &str) -> DbResult<bool> {
        let mut d = self.data()?;
        let taken = d.unavailable.get_mut(scope).is_some_and(|keys| keys.remove(key));
        if taken {
            let (scope, key) = (scope.to_owned(), key.to_owned());
            d.on_undo(move |d| {
                d.unavailable.entry(scope).or_default().insert(key);
            });
        }
        Ok(taken)
    }

    fn insert_consent(&self, id: &str, owner: &str, version: &str, initiation: &str, at: &str) -> DbResult<()> {
        let mut d = self.data()?;
        if d.consents.contains_key(id) {
            return Err(duplicate("consent", id));
        }
        let row = ConsentRow {
            version: version.to_owned(),
            initiation: initiation.to_owned(),
            status: "Authorised".to_owned(),
            payment_id: None,
            created_at: at.to_owned(),
            updated_at: at.to_owned(),
        };
        d.consents.insert(id.to_owned(), (owner.to_owned(), row));
        let id = id.to_owned();
        d.on_undo(move |d| {
            d.consents.remove(&id);
        });
        Ok(())
    }

    fn consent(&self, owner: &str, id: &str) -> DbResult<Option<ConsentRow>> {
        let d = self.data()?;
        Ok(d.consents.get(id).filter(|(o, _)| o == owner).map(|(_, row)| row.clone()))
    }

    fn consume_consent(&self, id: &str, owner: &str, payment_id: &str, at: &str) -> DbResult<bool> {
        let mut d = self.data()?;
        let Some((_, row)) = d.consents.get_mut(id).filter(|(o, row)| o == owner && row.status == "Authorised") else {
            return Ok(false);
        };
        let old = row.clone();
        row.status = "Consumed".to_owned();
        row.payment_id = Some(payment_id.to_owned());
        at.clone_into(&mut row.updated_at);
        let replaced = d.consent_of_payment.insert(payment_id.to_owned(), id.to_owned());
        let (id, payment_id) = (id.to_owned(), payment_id.to_owned());
        d.on_undo(move |d| {
            match replaced {
                Some(other) => d.consent_of_payment.insert(payment_id, other),
                None => d.consent_of_payment.remove(&payment_id),
            };
            if let Some((_, row)) = d.consents.get_mut(&id) {
                *row = old;
            }
        });
        Ok(true)
    }

    fn consent_of_payment(&self, payment_id: &str, owner: &str, version: &str) -> DbResult<Option<(String, String)>> {
        let d = self.data()?;
        let Some(id) = d.consent_of_payment.get(payment_id) else { return Ok(None) };
        Ok(d.consents
            .get(id)
            .filter(|(o, row)| o == owner && row.version == version)
            .map(|(_, row)| (id.clone(), row.initiation.clone())))
    }

    fn ping(&self) -> DbResult<()> {
        self.data().map(drop)
    }
}

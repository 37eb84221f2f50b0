//! The storage behind the schema: the [`PaymentStore`] trait (small, async, object-safe, in
//! canonical-model terms) and [`MemoryStore`], an in-memory implementation for tests and
//! demos. The sandbox crate implements the same trait over SQLite.
//!
//! The trait is object-safe (`#[async_trait]`, boxed futures) so the schema holds an
//! `Arc<dyn PaymentStore>` and stays one concrete type whatever the storage is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use payglot_core_model::outcome::{self, Condition, Outcome};
use payglot_core_model::{
    AccountId, AccountReport, CreditTransfer, DateTime, IdempotencyKey, Max35Text, PaymentStatus, StatusReasonInfo,
};
use tokio::sync::broadcast;

use crate::convert::{FieldError, Initiation};

/// One change of a payment's status: what a pain.002 reports, and what the
/// `paymentStatusChanged` subscription delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// Id of this change (the status report id).
    pub id: Max35Text,
    /// The payment.
    pub payment_id: Max35Text,
    /// The new status.
    pub status: PaymentStatus,
    /// Why.
    pub reasons: Vec<StatusReasonInfo>,
    /// When.
    pub at: DateTime,
}

/// A payment as a store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPayment {
    /// The store's id of the payment.
    pub id: Max35Text,
    /// What the client asked for.
    pub initiation: Initiation,
    /// The key it was created with, when the store keeps it.
    pub idempotency_key: Option<IdempotencyKey>,
    /// When it was created.
    pub created: DateTime,
    /// Every status it has had, oldest first; never empty.
    pub history: Vec<StatusChange>,
}

impl StoredPayment {
    /// The current status: the last change.
    pub fn current(&self) -> Option<&StatusChange> {
        self.history.last()
    }

    /// The transfer.
    pub fn transfer(&self) -> &CreditTransfer {
        &self.initiation.transfer
    }
}

/// Which payments a listing returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentFilter {
    /// Only payments whose current status is one of these (all when empty).
    pub statuses: Vec<PaymentStatus>,
    /// Only payments with this end-to-end id.
    pub end_to_end_id: Option<String>,
}

impl PaymentFilter {
    /// Whether `payment` passes the filter.
    pub fn matches(&self, payment: &StoredPayment) -> bool {
        let status_ok =
            self.statuses.is_empty() || payment.current().is_some_and(|change| self.statuses.contains(&change.status));
        let e2e_ok = self.end_to_end_id.as_deref().is_none_or(|id| payment.transfer().ids.end_to_end_id.as_str() == id);
        status_ok && e2e_ok
    }
}

/// One page of a listing, in creation order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// The payments.
    pub payments: Vec<StoredPayment>,
    /// Whether more follow the last one.
    pub has_next: bool,
}

/// What `initiate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Initiated {
    /// A new payment was created.
    Created(StoredPayment),
    /// The key was seen before with the same request: the payment created then.
    Replayed(StoredPayment),
}

impl Initiated {
    /// The payment, new or replayed.
    pub fn payment(&self) -> &StoredPayment {
        match self {
            Self::Created(payment) | Self::Replayed(payment) => payment,
        }
    }
}

/// Why a store refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The idempotency key was used before with a different request.
    #[error("idempotency key was used before with a different request")]
    IdempotencyMismatch,
    /// No such payment.
    #[error("no payment with this id")]
    NotFound,
    /// The payment's status does not allow cancelling it.
    #[error("a payment in status {0} cannot be cancelled")]
    NotCancellable(PaymentStatus),
    /// A listing cursor the store did not issue.
    #[error("unknown cursor")]
    InvalidCursor,
    /// The store cannot take this payment as given (a value it has no place for, an
    /// account it cannot use): which input field and why.
    #[error("{}", .0.message)]
    Invalid(FieldError),
    /// A request with the same idempotency key is still being processed.
    #[error("a request with this idempotency key is in progress")]
    InFlight,
    /// The caller is not known to the store (no or invalid credentials).
    #[error("authentication required")]
    Unauthenticated,
    /// The store does not offer this operation.
    #[error("not offered by this store: {0}")]
    Unsupported(String),
    /// The store failed (database down, lock poisoned), or simulates an outage.
    #[error("store unavailable: {0}")]
    Unavailable(String),
}

impl StoreError {
    /// What every protocol says about this failure, from the core outcome table.
    pub fn outcome(&self) -> Outcome {
        outcome::for_condition(match self {
            Self::IdempotencyMismatch => Condition::IdempotencyMismatch,
            Self::NotFound => Condition::NotFound,
            Self::NotCancellable(_) => Condition::Conflict,
            Self::InvalidCursor | Self::Invalid(_) => Condition::InvalidRequest,
            Self::InFlight => Condition::Conflict,
            Self::Unauthenticated => Condition::Unauthenticated,
            Self::Unsupported(_) => Condition::Forbidden,
            Self::Unavailable(_) => Condition::Unavailable,
        })
    }
}

/// Where the schema keeps payments and statements. Small on purpose: everything is in
/// canonical-model terms, and the schema does the GraphQL.
///
/// Implementations must make `initiate` idempotent: the same key with an equal
/// [`Initiation`] returns the payment created the first time ([`Initiated::Replayed`]), the
/// same key with a different one fails with [`StoreError::IdempotencyMismatch`]. Every status
/// change is sent to the receivers returned by [`subscribe`](PaymentStore::subscribe).
#[async_trait::async_trait]
pub trait PaymentStore: Send + Sync {
    /// Create a payment, or replay the one created before with the same key.
    async fn initiate(&self, key: IdempotencyKey, initiation: Initiation) -> Result<Initiated, StoreError>;
    /// A payment by id.
    async fn payment(&self, id: &str) -> Result<Option<StoredPayment>, StoreError>;
    /// Up to `first` payments passing `filter`, after the payment with id `after`.
    async fn payments(&self, filter: &PaymentFilter, after: Option<&str>, first: usize) -> Result<Page, StoreError>;
    /// Cancel a payment that is not yet final; `reason` says why.
    async fn cancel(&self, id: &str, reason: Option<StatusReasonInfo>) -> Result<StoredPayment, StoreError>;
    /// The statement of an account (IBAN or other number, as written) with the entries booked
    /// from `from` to `to` inclusive; `None` for an unknown account.
    async fn statement(
        &self,
        account: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Option<AccountReport>, StoreError>;
    /// A receiver of every status change from now on.
    fn subscribe(&self) -> broadcast::Receiver<StatusChange>;
}

/// What the in-memory store decides about a new payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Accept it with this status (`ACSP`, `ACTC`, ...).
    Accept(PaymentStatus),
    /// Reject it (`RJCT`) for this reason.
    Reject(Box<StatusReasonInfo>),
}

type Rule = dyn Fn(&CreditTransfer) -> Decision + Send + Sync;

#[derive(Default)]
struct Inner {
    payments: Vec<StoredPayment>,
    by_id: HashMap<String, usize>,
    by_key: HashMap<IdempotencyKey, usize>,
    statements: Vec<AccountReport>,
}

/// A [`PaymentStore`] in memory: payments in a vector, status changes on a
/// `tokio::sync::broadcast` channel. A rule decides each new payment (accept all by default).
pub struct MemoryStore {
    inner: Mutex<Inner>,
    events: broadcast::Sender<StatusChange>,
    rule: Arc<Rule>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// A store that accepts every payment with status `ACSP`.
    pub fn new() -> Self {
        Self::with_rule(|_| Decision::Accept(PaymentStatus::ACSP))
    }

    /// A store whose `rule` decides each new payment (to simulate declines in tests).
    pub fn with_rule(rule: impl Fn(&CreditTransfer) -> Decision + Send + Sync + 'static) -> Self {
        let (events, _) = broadcast::channel(256);
        Self { inner: Mutex::new(Inner::default()), events, rule: Arc::new(rule) }
    }

    /// Add a statement that [`PaymentStore::statement`] will serve.
    pub fn add_statement(&self, report: AccountReport) -> Result<(), StoreError> {
        self.lock()?.statements.push(report);
        Ok(())
    }

    /// Record a status change of a payment (as a clearing system's answer would), and publish it.
    pub fn set_status(
        &self,
        id: &str,
        status: PaymentStatus,
        reasons: Vec<StatusReasonInfo>,
    ) -> Result<StoredPayment, StoreError> {
        let change = {
            let mut inner = self.lock()?;
            let index = *inner.by_id.get(id).ok_or(StoreError::NotFound)?;
            let payment = inner.payments.get_mut(index).ok_or(StoreError::NotFound)?;
            let change = new_change(&payment.id, payment.history.len(), status, reasons)?;
            payment.history.push(change.clone());
            (payment.clone(), change)
        };
        // No receiver is not an error: nobody is subscribed.
        let _ = self.events.send(change.1);
        Ok(change.0)
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Inner>, StoreError> {
        self.inner.lock().map_err(|_| StoreError::Unavailable("lock poisoned".to_owned()))
    }
}

fn now() -> DateTime {
    DateTime::from_utc(chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()))
}

fn new_change(
    payment_id: &Max35Text,
    sequence: usize,
    status: PaymentStatus,
    reasons: Vec<StatusReasonInfo>,
) -> Result<StatusChange, StoreError> {
    let id = Max35Text::new(format!("{}-{}", payment_id.as_str(), sequence + 1))
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    Ok(StatusChange { id, payment_id: payment_id.clone(), status, reasons, at: now() })
}

/// Whether a status is final (no cancel possible).
fn is_final(status: &PaymentStatus) -> bool {
    [PaymentStatus::ACSC, PaymentStatus::ACCC, PaymentStatus::RJCT, PaymentStatus::CANC].contains(status)
}

fn account_matches(report: &AccountReport, account: &str) -> bool {
    match &report.account.id {
        Some(AccountId::Iban(iban)) => iban.expose() == account.replace(' ', ""),
        Some(AccountId::Other { id, .. }) => id.expose() == account,
        None => false,
    }
}

#[async_trait::async_trait]
impl PaymentStore for MemoryStore {
    async fn initiate(&self, key: IdempotencyKey, initiation: Initiation) -> Result<Initiated, StoreError> {
        let change = {
            let mut inner = self.lock()?;
            if let Some(&index) = inner.by_key.get(&key) {
                let existing = inner.payments.get(index).ok_or(StoreError::NotFound)?;
                if existing.initiation != initiation {
                    return Err(StoreError::IdempotencyMismatch);
                }
                return Ok(Initiated::Replayed(existing.clone()));
            }
            let index = inner.payments.len();
            let id =
                Max35Text::new(format!("PAY{:012}", index + 1)).map_err(|e| StoreError::Unavailable(e.to_string()))?;
            let (status, reasons) = match (self.rule)(&initiation.transfer) {
                Decision::Accept(status) => (status, Vec::new()),
                Decision::Reject(reason) => (PaymentStatus::RJCT, vec![*reason]),
            };
            let change = new_change(&id, 0, status, reasons)?;
            let payment = StoredPayment {
                id: id.clone(),
                initiation,
                idempotency_key: Some(key.clone()),
                created: change.at,
                history: vec![change.clone()],
            };
            inner.payments.push(payment.clone());
            inner.by_id.insert(id.as_str().to_owned(), index);
            inner.by_key.insert(key, index);
            (payment, change)
        };
        let _ = self.events.send(change.1);
        Ok(Initiated::Created(change.0))
    }

    async fn payment(&self, id: &str) -> Result<Option<StoredPayment>, StoreError> {
        let inner = self.lock()?;
        Ok(inner.by_id.get(id).and_then(|&index| inner.payments.get(index)).cloned())
    }

    async fn payments(&self, filter: &PaymentFilter, after: Option<&str>, first: usize) -> Result<Page, StoreError> {
        let inner = self.lock()?;
        let start = match after {
            Some(cursor) => inner.by_id.get(cursor).map(|&index| index + 1).ok_or(StoreError::InvalidCursor)?,
            None => 0,
        };
        let mut matching = inner.payments.iter().skip(start).filter(|p| filter.matches(p));
        let payments: Vec<StoredPayment> = matching.by_ref().take(first).cloned().collect();
        let has_next = matching.next().is_some();
        Ok(Page { payments, has_next })
    }

    async fn cancel(&self, id: &str, reason: Option<StatusReasonInfo>) -> Result<StoredPayment, StoreError> {
        let current = self.payment(id).await?.ok_or(StoreError::NotFound)?;
        if let Some(change) = current.current()
            && is_final(&change.status)
        {
            return Err(StoreError::NotCancellable(change.status.clone()));
        }
        self.set_status(id, PaymentStatus::CANC, reason.into_iter().collect())
    }

    async fn statement(
        &self,
        account: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Option<AccountReport>, StoreError> {
        let inner = self.lock()?;
        let Some(report) = inner.statements.iter().find(|r| account_matches(r, account)) else {
            return Ok(None);
        };
        let mut report = report.clone();
        report
            .entries
            .retain(|entry| entry.booking_date.or(entry.value_date).is_some_and(|d| (from..=to).contains(&d.date())));
        Ok(Some(report))
    }

    fn subscribe(&self) -> broadcast::Receiver<StatusChange> {
        self.events.subscribe()
    }
}

//! Payments as the sandbox stores them, whatever style created them: the record, its status
//! history, and the changes that create and move them (with the events they raise), run in a
//! store job over either backend ([`Db`]).

use payglot_core_model::Money;
use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::store::StoreError;

/// The statuses the sandbox uses (ISO ExternalPaymentTransactionStatus1Code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Received.
    #[serde(rename = "RCVD")]
    Received,
    /// Accepted technically (syntax and profile checks passed).
    #[serde(rename = "ACTC")]
    AcceptedTechnical,
    /// Settled on the debtor side: final success.
    #[serde(rename = "ACSC")]
    Settled,
    /// Rejected, with a reason: final.
    #[serde(rename = "RJCT")]
    Rejected,
}

impl Status {
    /// The ISO code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Received => "RCVD",
            Self::AcceptedTechnical => "ACTC",
            Self::Settled => "ACSC",
            Self::Rejected => "RJCT",
        }
    }

    /// Parse an ISO code this sandbox uses.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "RCVD" => Some(Self::Received),
            "ACTC" => Some(Self::AcceptedTechnical),
            "ACSC" => Some(Self::Settled),
            "RJCT" => Some(Self::Rejected),
            _ => None,
        }
    }

    /// No further change will happen.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Settled | Self::Rejected)
    }
}

/// One status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The new status.
    pub status: Status,
    /// The reason code, for RJCT.
    pub reason: Option<String>,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// A payment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// `pay_` + 24 hex digits; fits an ISO Max35Text.
    pub id: String,
    /// The principal that created it.
    pub owner: String,
    /// The style it arrived in (`rest:native`, ...).
    pub style: String,
    /// Current status.
    pub status: Status,
    /// Reason code when rejected.
    pub reason: Option<String>,
    /// Instructed amount.
    pub amount: Money,
    /// Debtor (source) account id, unmasked: only encoders and the owner see it.
    pub debtor_account: String,
    /// Creditor (destination) account id.
    pub creditor_account: String,
    /// End-to-end id given by the client, if any.
    pub end_to_end_id: Option<String>,
    /// Remittance reference, if any.
    pub reference: Option<String>,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Every status it has had, oldest first.
    pub history: Vec<StatusChange>,
}

/// A payment to create (already validated by the style that received it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    /// Instructed amount.
    pub amount: Money,
    /// Debtor account id.
    pub debtor_account: String,
    /// Creditor account id.
    pub creditor_account: String,
    /// End-to-end id, if the client gave one (`NOTPROVIDED` counts as none).
    pub end_to_end_id: Option<String>,
    /// Remittance reference.
    pub reference: Option<String>,
}

/// Current time, RFC 3339 with milliseconds, UTC.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A new id with a prefix: `pay_0193a1f2c3d4e5f6a7b8c9d0` — 24 hex digits, the first 12 the
/// milliseconds since the Unix epoch (48 bits), the other 12 random (48 bits, drawn afresh for
/// every id), like a UUIDv7 or a ULID.
///
/// Time first, so ids made one after the other sort one after the other: the unique indexes
/// on ids (payments, events, deliveries) grow at their right edge, and a batch of payments
/// touches the same few index pages instead of one random page per id. With random ids every
/// payment dirtied four random index leaves, each journalled for its savepoint and written
/// again at commit (a WAL frame each for a file store): most of the store thread's page
/// traffic. Ids are not secrets: every read is scoped to the owner as well as the id.
pub fn new_id(prefix: &str) -> String {
    let millis = u64::try_from(crate::webhooks::unix_ms()).unwrap_or(0);
    let random: [u8; 6] = rand::random();
    let mut bytes = [0u8; 12];
    // The low 48 bits of the milliseconds (until the year 10889), big-endian.
    let time = millis.to_be_bytes();
    bytes[..6].copy_from_slice(&time[2..]);
    bytes[6..].copy_from_slice(&random);
    let mut id = String::with_capacity(prefix.len() + 25);
    id.push_str(prefix);
    id.push('_');
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        id.push(char::from(HEX[usize::from(b >> 4)]));
        id.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    id
}

/// A new payment made ready before its store job: its id, its time, its final state and the
/// events it raises are fixed outside the job (and the response rendered from it there), so
/// the job itself only writes. [`Prepared::restamp`] takes it through other steps at a new
/// time when the job finds that the payment cannot keep what was fixed (another decision, or
/// an event written meanwhile with a later time).
#[derive(Debug)]
pub struct Prepared {
    payment: Payment,
    events: Vec<crate::events::Raised>,
    /// The time of every status and event of the payment.
    at: String,
    /// Copies of the payment's id and owner, made before the job: the job hands the payment
    /// to the store and still needs them.
    id: String,
    owner: String,
}

/// What the store job of a payment needs to say about it once the payment is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inserted {
    /// The payment's id.
    pub id: String,
    /// Its status.
    pub status: Status,
    /// Its reason code, when rejected.
    pub reason: Option<String>,
    /// How many webhook deliveries were queued.
    pub queued: usize,
}

impl Prepared {
    /// A payment of `owner` received (RCVD) at `at` and taken through `steps` at that same time
    /// — RJCT with its reason for a rejection, ACTC and ACSC for the instant clock — raising
    /// `payment.created` and one `payment.status_changed` per step, each event about the
    /// payment as it was then.
    pub fn new(owner: &str, style: &str, new: NewPayment, steps: &[(Status, Option<&str>)], at: String) -> Self {
        let payment = Payment {
            id: new_id("pay"),
            owner: owner.to_owned(),
            style: style.to_owned(),
            status: Status::Received,
            reason: None,
            amount: new.amount,
            debtor_account: new.debtor_account,
            creditor_account: new.creditor_account,
            end_to_end_id: new.end_to_end_id,
            reference: new.reference,
            created_at: String::new(),
            updated_at: String::new(),
            history: Vec::with_capacity(1 + steps.len()),
        };
        let (id, owner) = (payment.id.clone(), payment.owner.clone());
        let mut prepared = Self { payment, events: Vec::with_capacity(1 + steps.len()), at: String::new(), id, owner };
        prepared.restamp(steps, at);
        prepared
    }

    /// The same payment (same id) received at `at` and taken through `steps`, with new events.
    pub fn restamp(&mut self, steps: &[(Status, Option<&str>)], at: String) {
        let payment = &mut self.payment;
        payment.status = Status::Received;
        payment.reason = None;
        payment.created_at.clone_from(&at);
        payment.updated_at.clone_from(&at);
        payment.history.clear();
        payment.history.push(StatusChange { status: Status::Received, reason: None, at: at.clone() });
        self.events.clear();
        self.events.push(crate::events::about("payment.created", payment));
        for &(status, reason) in steps {
            step(payment, status, reason, at.clone());
            self.events.push(crate::events::about("payment.status_changed", payment));
        }
        self.at = at;
    }

    /// The payment as it will be stored.
    pub fn payment(&self) -> &Payment {
        &self.payment
    }

    /// The time of its statuses and events.
    pub fn at(&self) -> &str {
        &self.at
    }

    /// Store the payment and its events, queueing their webhook deliveries. The row is written
    /// once, in its final state: a payment costs a handful of writes however many steps it takes.
    pub fn insert(self, db: &dyn Db) -> Result<Inserted, StoreError> {
        let Self { payment, events, at, id, owner } = self;
        let (status, reason) = (payment.status, payment.reason.clone());
        db.insert_payment(payment)?;
        let queued = crate::events::store(db, &owner, &id, &at, &events)?;
        Ok(Inserted { id, status, reason, queued })
    }
}

/// Insert a payment of `owner`, received (RCVD) now and taken through `steps` at once
/// ([`Prepared::new`]). Returns the stored payment and how many webhook deliveries were queued.
pub fn insert(
    db: &dyn Db,
    owner: &str,
    style: &str,
    new: &NewPayment,
    steps: &[(Status, Option<&str>)],
) -> Result<(Payment, usize), StoreError> {
    let prepared = Prepared::new(owner, style, new.clone(), steps, now());
    let payment = prepared.payment.clone();
    let queued = prepared.insert(db)?.queued;
    Ok((payment, queued))
}

/// Move `payment` to `status` in memory, recording the change in its history.
fn step(payment: &mut Payment, status: Status, reason: Option<&str>, at: String) {
    payment.status = status;
    payment.reason = reason.map(str::to_owned);
    payment.updated_at.clone_from(&at);
    payment.history.push(StatusChange { status, reason: payment.reason.clone(), at });
}

/// Move `payment` (as read) to `status`, in the store and in memory, raising
/// `payment.status_changed`. `None`, and nothing changed, when the payment is already final;
/// else how many webhook deliveries were queued.
pub fn apply_status(
    db: &dyn Db,
    payment: &mut Payment,
    status: Status,
    reason: Option<&str>,
) -> Result<Option<usize>, StoreError> {
    let mut changed = payment.clone();
    step(&mut changed, status, reason, now());
    if !db.update_open_payment(&changed)? {
        return Ok(None);
    }
    *payment = changed;
    Ok(Some(crate::events::raise(db, "payment.status_changed", payment)?))
}

/// Move a payment of `owner` to `status` (the clock's step): the payment and how many webhook
/// deliveries were queued. `None` when there is no such payment or it is already final.
pub fn set_status(
    db: &dyn Db,
    owner: &str,
    id: &str,
    status: Status,
    reason: Option<&str>,
) -> Result<Option<(Payment, usize)>, StoreError> {
    let Some(mut payment) = db.payment(owner, id)? else { return Ok(None) };
    Ok(apply_status(db, &mut payment, status, reason)?.map(|queued| (payment, queued)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_in_the_order_they_were_made_and_differ() {
        let first = new_id("pay");
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = new_id("pay");
        assert!(first < second, "{first} then {second}");
        assert_eq!(first.len(), 28);
        assert!(first.strip_prefix("pay_").is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit())));
        // Within one millisecond the random half keeps them apart.
        let many: std::collections::HashSet<String> = (0..10_000).map(|_| new_id("evt")).collect();
        assert_eq!(many.len(), 10_000);
        // The time half is the clock's milliseconds.
        let millis = i64::from_str_radix(second.get(4..16).unwrap_or(""), 16).unwrap();
        assert!((crate::webhooks::unix_ms() - millis).abs() < 60_000);
    }
}

//! Payments as the sandbox stores them, whatever style created them: the record, its status
//! history, the events it raises, and the SQL that reads and writes them (run on the store
//! thread).

use payglot_core_model::{Currency, Decimal, Money};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

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

const COLUMNS: &str = "id, owner, style, status, reason, amount, currency, debtor_account, creditor_account, end_to_end_id, reference, created_at, updated_at, history";

fn payment_from_row(row: &Row<'_>) -> rusqlite::Result<Result<Payment, StoreError>> {
    let status: String = row.get(3)?;
    let amount: String = row.get(5)?;
    let currency: String = row.get(6)?;
    let (id, owner, style, reason) = (row.get(0)?, row.get(1)?, row.get(2)?, row.get(4)?);
    let (debtor_account, creditor_account) = (row.get(7)?, row.get(8)?);
    let (end_to_end_id, reference, created_at, updated_at) = (row.get(9)?, row.get(10)?, row.get(11)?, row.get(12)?);
    let history: Option<String> = row.get(13)?;
    let history = history.map_or(Ok(Vec::new()), |h| {
        serde_json::from_str(&h).map_err(|e| StoreError::Corrupt(format!("status history: {e}")))
    });
    let status = Status::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status}")));
    let money = Currency::parse(&currency).map_err(|e| StoreError::Corrupt(e.to_string())).and_then(|currency| {
        let amount: Decimal = amount.parse().map_err(|_| StoreError::Corrupt("amount".into()))?;
        Money::new(amount, currency).map_err(|e| StoreError::Corrupt(e.to_string()))
    });
    Ok(status.and_then(|status| {
        Ok(Payment {
            id,
            owner,
            style,
            status,
            reason,
            amount: money?,
            debtor_account,
            creditor_account,
            end_to_end_id,
            reference,
            created_at,
            updated_at,
            history: history?,
        })
    }))
}

/// Fill in the history of a payment written before histories were kept in the payment's row
/// (those rows have none there; every payment has at least its RCVD).
fn with_history(conn: &Connection, mut payment: Payment) -> Result<Payment, StoreError> {
    if payment.history.is_empty() {
        payment.history = history_rows(conn, &payment.id)?;
    }
    Ok(payment)
}

/// The status history as `status_history` rows (payments written before the `history` column).
fn history_rows(conn: &Connection, id: &str) -> Result<Vec<StatusChange>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT status, reason, at FROM status_history WHERE payment_id = ?1 ORDER BY seq")?;
    let rows =
        stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (status, reason, at) = row?;
        let status = Status::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?;
        out.push(StatusChange { status, reason, at });
    }
    Ok(out)
}

/// One payment of `owner` by id, with its history.
pub fn get(conn: &Connection, owner: &str, id: &str) -> Result<Option<Payment>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM payments WHERE id = ?1 AND owner = ?2"))?;
    let Some(found) = stmt.query_row(params![id, owner], payment_from_row).optional()? else { return Ok(None) };
    Ok(Some(with_history(conn, found?)?))
}

/// Payments of `owner`, newest first, `limit` at most, before the cursor `before` (a payment id).
pub fn list(conn: &Connection, owner: &str, limit: u32, before: Option<&str>) -> Result<Vec<Payment>, StoreError> {
    let before_seq: i64 = match before {
        Some(id) => conn
            .query_row("SELECT seq FROM payments WHERE id = ?1 AND owner = ?2", params![id, owner], |r| r.get(0))
            .optional()?
            .unwrap_or(i64::MAX),
        None => i64::MAX,
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM payments WHERE owner = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![owner, before_seq, limit], payment_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(with_history(conn, row??)?);
    }
    Ok(out)
}

/// Payments of `owner` that debit or credit `account`, oldest first.
pub fn for_account(conn: &Connection, owner: &str, account: &str) -> Result<Vec<Payment>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM payments WHERE owner = ?1 AND (debtor_account = ?2 OR creditor_account = ?2) ORDER BY seq"
    ))?;
    let rows = stmt.query_map(params![owner, account], payment_from_row)?;
    rows.map(|r| r.map_err(StoreError::from).and_then(|p| p)).collect()
}

/// Count of all payments (tests, health).
pub fn count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM payments", [], |r| r.get(0))?)
}

/// Is there already a payment of `owner` from `debtor` with this end-to-end id?
pub fn end_to_end_id_seen(conn: &Connection, owner: &str, debtor: &str, e2e: &str) -> Result<bool, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT 1 FROM payments WHERE debtor_account = ?1 AND end_to_end_id = ?2 AND owner = ?3 LIMIT 1",
    )?;
    Ok(stmt.query_row(params![debtor, e2e, owner], |_| Ok(())).optional()?.is_some())
}

/// Payments not yet final (for the clock after a restart): (id, owner, status).
pub fn open_payments(conn: &Connection) -> Result<Vec<(String, String, Status)>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT id, owner, status FROM payments WHERE status IN ('RCVD', 'ACTC') ORDER BY seq")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, owner, status) = row?;
        if let Some(status) = Status::parse(&status) {
            out.push((id, owner, status));
        }
    }
    Ok(out)
}

/// Insert a payment, received (RCVD) and then taken through `steps` at once — RJCT with its
/// reason for a rejection, ACTC and ACSC for the instant clock — raising `payment.created` and
/// one `payment.status_changed` per step, each event carrying the payment as it was then.
/// Returns the stored payment and how many webhook deliveries were queued.
///
/// The payment row is written once, in its final state: a payment costs a handful of
/// statements however many steps it takes.
pub fn insert(
    conn: &Connection,
    owner: &str,
    style: &str,
    new: &NewPayment,
    steps: &[(Status, Option<&str>)],
) -> Result<(Payment, usize), StoreError> {
    let at = now();
    let mut payment = Payment {
        id: new_id("pay"),
        owner: owner.to_owned(),
        style: style.to_owned(),
        status: Status::Received,
        reason: None,
        amount: new.amount,
        debtor_account: new.debtor_account.clone(),
        creditor_account: new.creditor_account.clone(),
        end_to_end_id: new.end_to_end_id.clone(),
        reference: new.reference.clone(),
        created_at: at.clone(),
        updated_at: at.clone(),
        history: vec![StatusChange { status: Status::Received, reason: None, at }],
    };
    let mut events = Vec::with_capacity(1 + steps.len());
    events.push(crate::events::about("payment.created", &payment));
    for &(status, reason) in steps {
        step(&mut payment, status, reason, now());
        events.push(crate::events::about("payment.status_changed", &payment));
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO payments (id, owner, style, status, reason, amount, currency, debtor_account, creditor_account, end_to_end_id, reference, created_at, updated_at, history)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    stmt.execute(params![
        payment.id,
        owner,
        style,
        payment.status.code(),
        payment.reason,
        new.amount.amount().to_string(),
        new.amount.currency().code(),
        new.debtor_account,
        new.creditor_account,
        new.end_to_end_id,
        new.reference,
        payment.created_at,
        payment.updated_at,
        history_json(&payment)?,
    ])?;
    let queued = crate::events::store(conn, &payment, &events)?;
    Ok((payment, queued))
}

/// Move `payment` to `status` in memory, recording the change in its history.
fn step(payment: &mut Payment, status: Status, reason: Option<&str>, at: String) {
    payment.status = status;
    payment.reason = reason.map(str::to_owned);
    payment.updated_at.clone_from(&at);
    payment.history.push(StatusChange { status, reason: payment.reason.clone(), at });
}

/// The status history as stored in the payment's row.
fn history_json(payment: &Payment) -> Result<String, StoreError> {
    serde_json::to_string(&payment.history).map_err(|e| StoreError::Corrupt(format!("status history: {e}")))
}

/// Move `payment` (as read) to `status`, in the store and in memory, raising
/// `payment.status_changed`. `None`, and nothing changed, when the payment is already final;
/// else how many webhook deliveries were queued.
pub fn apply_status(
    conn: &Connection,
    payment: &mut Payment,
    status: Status,
    reason: Option<&str>,
) -> Result<Option<usize>, StoreError> {
    let mut changed = payment.clone();
    step(&mut changed, status, reason, now());
    let n = conn
        .prepare_cached(
            "UPDATE payments SET status = ?1, reason = ?2, updated_at = ?3, history = ?4
             WHERE id = ?5 AND status IN ('RCVD', 'ACTC')",
        )?
        .execute(params![status.code(), reason, changed.updated_at, history_json(&changed)?, payment.id])?;
    if n == 0 {
        return Ok(None);
    }
    *payment = changed;
    Ok(Some(crate::events::raise(conn, "payment.status_changed", payment)?))
}

/// Move a payment of `owner` to `status` (the clock's step): the payment and how many webhook
/// deliveries were queued. `None` when there is no such payment or it is already final.
pub fn set_status(
    conn: &Connection,
    owner: &str,
    id: &str,
    status: Status,
    reason: Option<&str>,
) -> Result<Option<(Payment, usize)>, StoreError> {
    let Some(mut payment) = get(conn, owner, id)? else { return Ok(None) };
    Ok(apply_status(conn, &mut payment, status, reason)?.map(|queued| (payment, queued)))
}

/// The latest payment of `owner` with this end-to-end id.
pub fn by_end_to_end_id(conn: &Connection, owner: &str, e2e: &str) -> Result<Option<Payment>, StoreError> {
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM payments WHERE owner = ?1 AND end_to_end_id = ?2 ORDER BY seq DESC LIMIT 1")?
        .query_row(params![owner, e2e], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => get(conn, owner, &id),
        None => Ok(None),
    }
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

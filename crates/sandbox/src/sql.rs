//! The SQLite backend of [`Db`]: every SQL statement the sandbox runs, over the connection of
//! the store thread (schema in [`crate::store`]).

use std::cell::Cell;

use payglot_core_model::{Currency, Decimal, Money};
use payglot_rest::idempotency::StoredResponse;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::db::{ConsentRow, Db, DbResult, DeliveryUpdate, DueRow, IdemRecord, PageFilter};
use crate::events::StoredEvent;
use crate::payments::{Payment, Status, StatusChange};
use crate::store::StoreError;
use crate::webhooks::{Attempt, Delivery, Endpoint};

thread_local! {
    /// Whether `idempotency_unavailable` may hold a row (`None`: not looked yet). Only the
    /// store thread writes the table, so once it is known empty, only a mark can change that;
    /// a mark rolled back leaves this `true`, which only costs a needless DELETE.
    static UNAVAILABLE_MARKS: Cell<Option<bool>> = const { Cell::new(None) };
}

/// [`Db`] over a SQLite connection (the store thread's).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SqlDb<'c> {
    conn: &'c Connection,
}

impl<'c> SqlDb<'c> {
    /// The backend over `conn`.
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self { conn }
    }
}

const PAYMENT_COLUMNS: &str = "id, owner, style, status, reason, amount, currency, debtor_account, creditor_account, end_to_end_id, reference, created_at, updated_at, history";

/// The columns of an event row that [`event_from_row`] reads, for a query over `events AS e`.
const EVENT_COLUMNS: &str = "e.id, e.type, e.owner, e.payment_id, e.created_at, e.data, e.position";

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

/// Read [`EVENT_COLUMNS`] starting at column `first`.
fn event_from_row(r: &Row<'_>, first: usize) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        id: r.get(first)?,
        kind: r.get(first + 1)?,
        owner: r.get(first + 2)?,
        payment_id: r.get(first + 3)?,
        created_at: r.get(first + 4)?,
        data: r.get(first + 5)?,
        position: r.get(first + 6)?,
    })
}

/// The status history as stored in the payment's row.
fn history_json(payment: &Payment) -> DbResult<String> {
    serde_json::to_string(&payment.history).map_err(|e| StoreError::Corrupt(format!("status history: {e}")))
}

/// A stored response's headers as the record keeps them.
fn headers_json(response: &StoredResponse) -> String {
    serde_json::to_string(&response.headers).unwrap_or_else(|_| "[]".into())
}

impl SqlDb<'_> {
    /// Fill in the history of a payment written before histories were kept in the payment's
    /// row (those rows have none there; every payment has at least its RCVD).
    fn with_history(&self, mut payment: Payment) -> DbResult<Payment> {
        if payment.history.is_empty() {
            payment.history = self.history_rows(&payment.id)?;
        }
        Ok(payment)
    }

    /// The status history as `status_history` rows (payments written before the `history`
    /// column).
    fn history_rows(&self, id: &str) -> DbResult<Vec<StatusChange>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT status, reason, at FROM status_history WHERE payment_id = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (status, reason, at) = row?;
            let status = Status::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?;
            out.push(StatusChange { status, reason, at });
        }
        Ok(out)
    }

    /// Payments by id, in the given order (missing ones skipped).
    fn payments_by_ids(&self, owner: &str, ids: Vec<String>) -> DbResult<Vec<Payment>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.payment(owner, &id)?);
        }
        Ok(out)
    }

    /// The `seq` of a payment of `owner`.
    fn payment_seq(&self, owner: &str, id: &str) -> DbResult<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT seq FROM payments WHERE id = ?1 AND owner = ?2")?
            .query_row(params![id, owner], |r| r.get(0))
            .optional()?)
    }
}

impl Db for SqlDb<'_> {
    fn insert_payment(&self, p: Payment) -> DbResult<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO payments (id, owner, style, status, reason, amount, currency, debtor_account, creditor_account, end_to_end_id, reference, created_at, updated_at, history)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        stmt.execute(params![
            p.id,
            p.owner,
            p.style,
            p.status.code(),
            p.reason,
            p.amount.amount().to_string(),
            p.amount.currency().code(),
            p.debtor_account,
            p.creditor_account,
            p.end_to_end_id,
            p.reference,
            p.created_at,
            p.updated_at,
            history_json(&p)?,
        ])?;
        Ok(())
    }

    fn payment(&self, owner: &str, id: &str) -> DbResult<Option<Payment>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?1 AND owner = ?2"))?;
        let Some(found) = stmt.query_row(params![id, owner], payment_from_row).optional()? else { return Ok(None) };
        Ok(Some(self.with_history(found?)?))
    }

    fn payments_before(&self, owner: &str, limit: u32, before: Option<&str>) -> DbResult<Vec<Payment>> {
        let before_seq = match before {
            Some(id) => self.payment_seq(owner, id)?.unwrap_or(i64::MAX),
            None => i64::MAX,
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE owner = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![owner, before_seq, limit], payment_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(self.with_history(row??)?);
        }
        Ok(out)
    }

    fn payments_after(
        &self,
        owner: &str,
        after: Option<&str>,
        filter: &PageFilter<'_>,
        limit: usize,
    ) -> DbResult<Option<Vec<Payment>>> {
        let start = match after {
            Some(id) => match self.payment_seq(owner, id)? {
                Some(seq) => seq,
                None => return Ok(None),
            },
            None => 0,
        };
        let statuses = (!filter.statuses.is_empty()).then(|| format!(",{},", filter.statuses.join(",")));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM payments WHERE owner = ?1 AND seq > ?2
               AND (?3 IS NULL OR instr(?3, ',' || status || ',') > 0)
               AND (?4 IS NULL OR end_to_end_id = ?4)
             ORDER BY seq LIMIT ?5",
        )?;
        let ids = stmt
            .query_map(params![owner, start, statuses, filter.end_to_end_id, limit], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        self.payments_by_ids(owner, ids).map(Some)
    }

    fn payments_for_account(&self, owner: &str, account: &str) -> DbResult<Vec<Payment>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE owner = ?1 AND (debtor_account = ?2 OR creditor_account = ?2) ORDER BY seq"
        ))?;
        let rows = stmt.query_map(params![owner, account], payment_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(self.with_history(row??)?);
        }
        Ok(out)
    }

    fn settled_since(&self, owner: &str, since: &str, limit: u32) -> DbResult<Vec<Payment>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM payments WHERE owner = ?1 AND status = 'ACSC' AND updated_at > ?2
             ORDER BY updated_at, seq LIMIT ?3",
        )?;
        let ids = stmt
            .query_map(params![owner, since, limit], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<String>, _>>()?;
        self.payments_by_ids(owner, ids)
    }

    fn end_to_end_id_seen(&self, owner: &str, debtor: &str, e2e: &str) -> DbResult<bool> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1 FROM payments WHERE debtor_account = ?1 AND end_to_end_id = ?2 AND owner = ?3 LIMIT 1",
        )?;
        Ok(stmt.query_row(params![debtor, e2e, owner], |_| Ok(())).optional()?.is_some())
    }

    fn latest_by_end_to_end_id(&self, owner: &str, e2e: &str) -> DbResult<Option<Payment>> {
        let id: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM payments WHERE owner = ?1 AND end_to_end_id = ?2 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row(params![owner, e2e], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => self.payment(owner, &id),
            None => Ok(None),
        }
    }

    fn open_payments(&self) -> DbResult<Vec<(String, String, Status)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, owner, status FROM payments WHERE status IN ('RCVD', 'ACTC') ORDER BY seq")?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, owner, status) = row?;
            if let Some(status) = Status::parse(&status) {
                out.push((id, owner, status));
            }
        }
        Ok(out)
    }

    fn update_open_payment(&self, p: &Payment) -> DbResult<bool> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE payments SET status = ?1, reason = ?2, updated_at = ?3, history = ?4
                 WHERE id = ?5 AND status IN ('RCVD', 'ACTC')",
            )?
            .execute(params![p.status.code(), p.reason, p.updated_at, history_json(p)?, p.id])?;
        Ok(n > 0)
    }

    fn count_payments(&self) -> DbResult<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM payments", [], |r| r.get(0))?)
    }

    fn set_creditor_name(&self, payment_id: &str, name: &str) -> DbResult<()> {
        self.conn
            .prepare_cached("INSERT OR REPLACE INTO payment_names (payment_id, creditor_name) VALUES (?1, ?2)")?
            .execute(params![payment_id, name])?;
        Ok(())
    }

    fn creditor_name(&self, payment_id: &str) -> DbResult<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT creditor_name FROM payment_names WHERE payment_id = ?1")?
            .query_row([payment_id], |r| r.get(0))
            .optional()?)
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
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        self.conn
            .prepare_cached(
                "INSERT INTO events (id, type, owner, payment_id, created_at, data, position) VALUES (?1, ?2, ?3, ?4, ?5, '', ?6)",
            )?
            .execute(params![id, kind, owner, payment_id, at, position])?;
        Ok(())
    }

    fn events(&self, owner: &str, payment_id: Option<&str>) -> DbResult<Vec<StoredEvent>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.owner = ?1 AND (?2 IS NULL OR e.payment_id = ?2) ORDER BY e.seq"
        ))?;
        let rows = stmt.query_map(params![owner, payment_id], |r| event_from_row(r, 0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn later_event_time(&self, at: &str) -> DbResult<Option<String>> {
        let last: Option<String> = self
            .conn
            .prepare_cached("SELECT created_at FROM events ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(last.filter(|last| last.as_str() > at))
    }

    fn last_event_before(&self, at: &str) -> DbResult<i64> {
        Ok(self
            .conn
            .query_row("SELECT seq FROM events WHERE created_at < ?1 ORDER BY seq DESC LIMIT 1", [at], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .unwrap_or(0))
    }

    fn events_after(&self, owner: &str, cursor: i64, limit: usize) -> DbResult<Vec<(i64, i64, StoredEvent)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            // The position of each event is its place in the payment's status history (one
            // event per status, the first one RCVD); rows written before events recorded it
            // count the payment's earlier events.
            "SELECT e.seq, COALESCE(e.position, (SELECT COUNT(*) FROM events AS earlier
               WHERE earlier.payment_id = e.payment_id AND earlier.seq <= e.seq)), {EVENT_COLUMNS}
             FROM events AS e WHERE e.owner = ?1 AND e.seq > ?2 ORDER BY e.seq LIMIT ?3"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![owner, cursor, limit], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, event_from_row(r, 2)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn insert_endpoint(&self, owner: &str, e: &Endpoint, secret: &str) -> DbResult<()> {
        self.conn.execute(
            "INSERT INTO webhook_endpoints (id, owner, url, secret, enabled, disabled_reason, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![e.id, owner, e.url, secret, e.enabled, e.disabled_reason, e.created_at],
        )?;
        Ok(())
    }

    fn endpoints(&self, owner: &str) -> DbResult<Vec<Endpoint>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, url, enabled, disabled_reason, created_at FROM webhook_endpoints WHERE owner = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([owner], |r| {
            Ok(Endpoint {
                id: r.get(0)?,
                url: r.get(1)?,
                enabled: r.get(2)?,
                disabled_reason: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn enabled_endpoints(&self, owner: &str) -> DbResult<Vec<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM webhook_endpoints WHERE owner = ?1 AND enabled = 1 ORDER BY seq")?
            .query_map([owner], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }

    fn queue_delivery(&self, id: &str, endpoint_id: &str, event_id: &str, now_ms: i64, at: &str) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, state, attempts, next_attempt_ms, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?5, ?5)",
            )?
            .execute(params![id, endpoint_id, event_id, now_ms, at])?;
        Ok(())
    }

    fn deliveries(&self, owner: &str, endpoint: &str) -> DbResult<Option<Vec<Delivery>>> {
        let exists = self
            .conn
            .query_row("SELECT 1 FROM webhook_endpoints WHERE id = ?1 AND owner = ?2", params![endpoint, owner], |_| {
                Ok(())
            })
            .optional()?;
        if exists.is_none() {
            return Ok(None);
        }
        let mut stmt = self.conn.prepare(
            "SELECT d.id, d.event_id, e.type, d.state, d.attempts, d.last_status, d.last_error
             FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.endpoint_id = ?1 ORDER BY d.seq",
        )?;
        let rows = stmt.query_map([endpoint], |r| {
            Ok(Delivery {
                id: r.get(0)?,
                event_id: r.get(1)?,
                event_type: r.get(2)?,
                state: r.get(3)?,
                attempts: r.get(4)?,
                last_status: r.get(5)?,
                last_error: r.get(6)?,
                attempt_log: Vec::new(),
            })
        })?;
        let mut deliveries: Vec<Delivery> = rows.collect::<Result<_, _>>()?;
        let mut attempts = self.conn.prepare_cached(
            "SELECT attempt, at, status_code, error, duration_ms FROM delivery_attempts WHERE delivery_id = ?1 ORDER BY seq",
        )?;
        for d in &mut deliveries {
            let rows = attempts.query_map([&d.id], |r| {
                Ok(Attempt {
                    attempt: r.get(0)?,
                    at: r.get(1)?,
                    status_code: r.get(2)?,
                    error: r.get(3)?,
                    duration_ms: r.get(4)?,
                })
            })?;
            d.attempt_log = rows.collect::<Result<_, _>>()?;
        }
        Ok(Some(deliveries))
    }

    fn due_deliveries(&self, now_ms: i64, limit: u32) -> DbResult<Vec<DueRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT d.id, w.url, w.secret, d.attempts, {EVENT_COLUMNS}
             FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id JOIN events e ON e.id = d.event_id
             WHERE d.state = 'pending' AND d.next_attempt_ms <= ?1 ORDER BY d.next_attempt_ms, d.seq LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![now_ms, limit], |r| {
            Ok(DueRow {
                id: r.get(0)?,
                url: r.get(1)?,
                secret: r.get(2)?,
                attempts: r.get(3)?,
                event: event_from_row(r, 4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn lease_delivery(&self, id: &str, until_ms: i64) -> DbResult<()> {
        self.conn
            .prepare_cached("UPDATE webhook_deliveries SET next_attempt_ms = ?1 WHERE id = ?2")?
            .execute(params![until_ms, id])?;
        Ok(())
    }

    fn next_due_ms(&self) -> DbResult<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT min(next_attempt_ms) FROM webhook_deliveries WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?)
    }

    fn insert_attempt(&self, delivery_id: &str, a: &Attempt) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO delivery_attempts (delivery_id, attempt, at, status_code, error, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![delivery_id, a.attempt, a.at, a.status_code, a.error, a.duration_ms])?;
        Ok(())
    }

    fn disable_endpoint_of(&self, delivery_id: &str, reason: &str, at: &str) -> DbResult<()> {
        self.conn.execute(
            "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?2
             WHERE id = (SELECT endpoint_id FROM webhook_deliveries WHERE id = ?1)",
            params![delivery_id, reason],
        )?;
        self.conn.execute(
            "UPDATE webhook_deliveries SET state = 'abandoned', updated_at = ?2
             WHERE state = 'pending' AND id != ?1 AND endpoint_id = (SELECT endpoint_id FROM webhook_deliveries WHERE id = ?1)",
            params![delivery_id, at],
        )?;
        Ok(())
    }

    fn update_delivery(&self, id: &str, u: &DeliveryUpdate<'_>) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "UPDATE webhook_deliveries SET state = ?1, attempts = ?2, next_attempt_ms = ?3, last_status = ?4, last_error = ?5, updated_at = ?6 WHERE id = ?7",
            )?
            .execute(params![u.state, u.attempts, u.next_ms, u.status, u.error, u.at, id])?;
        Ok(())
    }

    fn idem_find(&self, scope: &str, key: &str, now_ms: i64) -> DbResult<Option<IdemRecord>> {
        /// fingerprint, state, status, headers (JSON), body.
        type Row = (Vec<u8>, String, Option<u16>, Option<String>, Option<Vec<u8>>);
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT fingerprint, state, status_code, headers, body FROM idempotency_records
                 WHERE scope = ?1 AND key = ?2 AND expires_ms > ?3",
            )?
            .query_row(params![scope, key, now_ms], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .optional()?;
        let Some((fingerprint, state, status, headers, body)) = row else { return Ok(None) };
        let response = match (state.as_str(), status, body) {
            ("done", Some(status), Some(body)) => {
                let headers: Vec<(String, String)> =
                    headers.and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default();
                Some(StoredResponse { status, headers, body })
            }
            _ => None,
        };
        Ok(Some(IdemRecord { fingerprint, response }))
    }

    fn idem_put(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &[u8],
        response: Option<StoredResponse>,
        expires_ms: i64,
    ) -> DbResult<()> {
        match &response {
            None => self
                .conn
                .prepare_cached(
                    "INSERT OR REPLACE INTO idempotency_records (scope, key, fingerprint, state, expires_ms)
                     VALUES (?1, ?2, ?3, 'in_flight', ?4)",
                )?
                .execute(params![scope, key, fingerprint, expires_ms])?,
            Some(r) => self
                .conn
                .prepare_cached(
                    "INSERT OR REPLACE INTO idempotency_records (scope, key, fingerprint, state, status_code, headers, body, expires_ms)
                     VALUES (?1, ?2, ?3, 'done', ?4, ?5, ?6, ?7)",
                )?
                .execute(params![scope, key, fingerprint, r.status, headers_json(r), r.body, expires_ms])?,
        };
        Ok(())
    }

    fn idem_complete(&self, scope: &str, key: &str, r: &StoredResponse, expires_ms: i64) -> DbResult<bool> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE idempotency_records SET state = 'done', status_code = ?3, headers = ?4, body = ?5,
                 expires_ms = ?6 WHERE scope = ?1 AND key = ?2",
            )?
            .execute(params![scope, key, r.status, headers_json(r), r.body, expires_ms])?;
        Ok(n == 1)
    }

    fn idem_delete(&self, scope: &str, key: &str) -> DbResult<()> {
        self.conn
            .prepare_cached("DELETE FROM idempotency_records WHERE scope = ?1 AND key = ?2")?
            .execute(params![scope, key])?;
        Ok(())
    }

    fn idem_drop_in_flight(&self, now_ms: i64) -> DbResult<usize> {
        Ok(self
            .conn
            .execute("DELETE FROM idempotency_records WHERE state = 'in_flight' OR expires_ms <= ?1", [now_ms])?)
    }

    fn mark_unavailable(&self, scope: &str, key: &str) -> DbResult<()> {
        self.conn
            .prepare_cached("INSERT OR REPLACE INTO idempotency_unavailable (scope, key) VALUES (?1, ?2)")?
            .execute(params![scope, key])?;
        UNAVAILABLE_MARKS.with(|m| m.set(Some(true)));
        Ok(())
    }

    fn take_unavailable(&self, scope: &str, key: &str) -> DbResult<bool> {
        let maybe_marked = match UNAVAILABLE_MARKS.with(Cell::get) {
            Some(known) => known,
            None => {
                let any: bool =
                    self.conn.query_row("SELECT EXISTS (SELECT 1 FROM idempotency_unavailable)", [], |r| r.get(0))?;
                UNAVAILABLE_MARKS.with(|m| m.set(Some(any)));
                any
            }
        };
        if !maybe_marked {
            return Ok(false);
        }
        let n = self
            .conn
            .prepare_cached("DELETE FROM idempotency_unavailable WHERE scope = ?1 AND key = ?2")?
            .execute(params![scope, key])?;
        Ok(n > 0)
    }

    fn insert_consent(&self, id: &str, owner: &str, version: &str, initiation: &str, at: &str) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO ob_consents (id, owner, version, initiation, status, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'Authorised', ?5, ?5)",
            )?
            .execute(params![id, owner, version, initiation, at])?;
        Ok(())
    }

    fn consent(&self, owner: &str, id: &str) -> DbResult<Option<ConsentRow>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT version, initiation, status, payment_id, created_at, updated_at FROM ob_consents WHERE id = ?1 AND owner = ?2",
            )?
            .query_row(params![id, owner], |r| {
                Ok(ConsentRow {
                    version: r.get(0)?,
                    initiation: r.get(1)?,
                    status: r.get(2)?,
                    payment_id: r.get(3)?,
                    created_at: r.get(4)?,
                    updated_at: r.get(5)?,
                })
            })
            .optional()?)
    }

    fn consume_consent(&self, id: &str, owner: &str, payment_id: &str, at: &str) -> DbResult<bool> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE ob_consents SET status = 'Consumed', payment_id = ?3, updated_at = ?4
                 WHERE id = ?1 AND owner = ?2 AND status = 'Authorised'",
            )?
            .execute(params![id, owner, payment_id, at])?;
        Ok(n == 1)
    }

    fn consent_of_payment(&self, payment_id: &str, owner: &str, version: &str) -> DbResult<Option<(String, String)>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, initiation FROM ob_consents WHERE payment_id = ?1 AND owner = ?2 AND version = ?3",
            )?
            .query_row(params![payment_id, owner, version], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn ping(&self) -> DbResult<()> {
        self.conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
        Ok(())
    }
}

//! The embedded store: jobs (closures over [`Db`], the one interface every query goes through)
//! run one at a time, each all or nothing, on one of two backends:
//! - SQLite (bundled; `--db <file>`, or `--db :sqlite-memory:`) owned by one dedicated thread,
//!   so no database call ever runs on the async executor. Callers send closures over a channel;
//!   the thread runs whatever is queued in one transaction (group commit, each job in its own
//!   savepoint) and answers each caller only after the commit, so an answer always means
//!   "durable" (for a file store). A file store also has a checkpointer thread (its own
//!   connection) that copies committed WAL frames back into the file, so the store thread does
//!   not stop to do it.
//! - the in-process store ([`crate::memory`], `--db :memory:`): a job runs on the caller's
//!   thread under the store's lock, a failed job's writes are undone from its undo log; there
//!   is nothing to make durable.
//!
//! Tables: payments (each with its status history, as JSON), status_history (the histories of
//! payments written before, read only), events, idempotency_records (and idempotency_unavailable),
//! webhook_endpoints, webhook_deliveries, delivery_attempts, ob_consents. (The `idempotency`
//! table of earlier versions is no longer read.)
//!
//! Code that runs inside a job and cannot take a `&dyn Db` argument (payglot-rest's idempotency
//! store trait) reaches the job's store with [`with_db`]: the SQLite connection lives in a
//! thread-local of the store thread, and a memory job marks its thread while it runs.

use std::cell::{OnceCell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::config::DbPath;
use crate::db::Db;
use crate::memory::MemoryStore;
use crate::sql::SqlDb;

/// A store failure. Never carries account numbers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The store thread has stopped, or the transaction holding this job did not commit.
    #[error("the store is closed or the transaction did not commit")]
    Closed,
    /// The job refused the work (a business rule, not a failure); the text is for the caller.
    #[error("refused: {0}")]
    Refused(String),
    /// Stored data could not be read back.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

thread_local! {
    static CONNECTION: OnceCell<Connection> = const { OnceCell::new() };
    /// The memory store whose job runs on this thread now.
    static MEMORY_JOB: RefCell<Option<Arc<MemoryStore>>> = const { RefCell::new(None) };
}

/// Run `f` with the store of the job running on this thread: `Some` only inside a job (on
/// the SQLite store thread, or in a memory store's job).
pub fn with_db<T>(f: impl FnOnce(&dyn Db) -> T) -> Option<T> {
    let mut f = Some(f);
    let sql = CONNECTION.with(|cell| cell.get().and_then(|conn| f.take().map(|f| f(&SqlDb::new(conn)))));
    if sql.is_some() {
        return sql;
    }
    let memory = MEMORY_JOB.with(|m| m.borrow().clone())?;
    f.take().map(|f| f(&*memory))
}

/// Marks this thread as running a job of a memory store until dropped.
struct MemoryJob;

impl MemoryJob {
    fn enter(store: &Arc<MemoryStore>) -> Self {
        MEMORY_JOB.with(|m| *m.borrow_mut() = Some(store.clone()));
        Self
    }
}

impl Drop for MemoryJob {
    fn drop(&mut self) {
        MEMORY_JOB.with(|m| *m.borrow_mut() = None);
    }
}

type Reply = Box<dyn FnOnce() + Send>;
type Job = Box<dyn FnOnce(&Connection) -> (bool, Reply) + Send>;

enum Msg {
    Job(Job),
    Stop,
}

/// Handle to the store. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    /// The SQLite store thread's queue.
    Sql(mpsc::Sender<Msg>),
    /// The in-process store.
    Memory(Arc<MemoryStore>),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

/// Prepared statements kept per connection (the sandbox has a few dozen distinct ones).
const STATEMENT_CACHE: usize = 128;

/// Largest number of queued jobs committed together.
const MAX_BATCH: usize = 512;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS payments (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  style TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  amount TEXT NOT NULL,
  currency TEXT NOT NULL,
  debtor_account TEXT NOT NULL,
  creditor_account TEXT NOT NULL,
  end_to_end_id TEXT,
  reference TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  history TEXT
);
CREATE INDEX IF NOT EXISTS payments_debtor ON payments(debtor_account, end_to_end_id);
CREATE INDEX IF NOT EXISTS payments_creditor ON payments(creditor_account);
CREATE INDEX IF NOT EXISTS payments_open ON payments(status) WHERE status IN ('RCVD', 'ACTC');
CREATE TABLE IF NOT EXISTS status_history (
  seq INTEGER PRIMARY KEY,
  payment_id TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS status_history_payment ON status_history(payment_id);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  owner TEXT NOT NULL,
  payment_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  data TEXT NOT NULL,
  position INTEGER
);
CREATE TABLE IF NOT EXISTS idempotency (
  owner TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL,
  status_code INTEGER,
  content_type TEXT,
  body BLOB,
  created_at TEXT NOT NULL,
  PRIMARY KEY (owner, key)
);
CREATE TABLE IF NOT EXISTS webhook_endpoints (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  disabled_reason TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  endpoint_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON webhook_deliveries(next_attempt_ms) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_endpoint ON webhook_deliveries(endpoint_id);
CREATE TABLE IF NOT EXISTS delivery_attempts (
  seq INTEGER PRIMARY KEY,
  delivery_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  at TEXT NOT NULL,
  status_code INTEGER,
  error TEXT,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_delivery ON delivery_attempts(delivery_id);
CREATE TABLE IF NOT EXISTS idempotency_records (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint BLOB NOT NULL,
  state TEXT NOT NULL,
  status_code INTEGER,
  headers TEXT,
  body BLOB,
  expires_ms INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idempotency_unavailable (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE TABLE IF NOT EXISTS payment_names (
  payment_id TEXT PRIMARY KEY,
  creditor_name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ob_consents (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  version TEXT NOT NULL,
  initiation TEXT NOT NULL,
  status TEXT NOT NULL,
  payment_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
";

/// Columns added to a table after its first release, for files written before: (table,
/// column, declaration). `CREATE TABLE IF NOT EXISTS` leaves an existing table as it was.
const ADDED_COLUMNS: [(&str, &str, &str); 2] = [("events", "position", "INTEGER"), ("payments", "history", "TEXT")];

fn add_columns(conn: &Connection) -> rusqlite::Result<()> {
    for (table, column, declaration) in ADDED_COLUMNS {
        let present: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
            [table, column],
            |r| r.get(0),
        )?;
        if !present {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {declaration}"))?;
        }
    }
    Ok(())
}

impl Store {
    /// Open (creating if needed) the store and start its thread.
    pub fn open(path: &DbPath) -> Result<(Self, StoreThread), StoreError> {
        let conn = match path {
            DbPath::Memory => {
                let memory = Arc::new(MemoryStore::default());
                let thread = StoreThread { tx: None, handle: None, checkpointer: None, memory: Some(memory.clone()) };
                return Ok((Self { backend: Backend::Memory(memory) }, thread));
            }
            // The memdb VFS rather than `:memory:`: a `:memory:` pager's page cache holds the
            // whole database and is scanned at every commit (a third of the store thread's time
            // in the throughput benchmark); memdb keeps the file in memory behind an ordinary,
            // bounded page cache. A name without a leading `/` is private to this connection.
            DbPath::SqliteMemory => {
                let conn = Connection::open("file:payglot-sandbox?vfs=memdb")?;
                conn.pragma_update(None, "journal_mode", "MEMORY")?;
                conn.pragma_update(None, "synchronous", "OFF")?;
                conn
            }
            DbPath::File(file) => {
                let conn = Connection::open(file)?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                // The checkpointer thread copies the WAL back as it grows; the store thread's
                // own checkpoint (after a commit that leaves this many frames) only finishes
                // what is left, so the WAL can start again from its beginning.
                conn.pragma_update(None, "wal_autocheckpoint", 10_000)?;
                conn
            }
        };
        let checkpointer = match path {
            DbPath::File(file) => Some(Checkpointer::start(file)?),
            DbPath::Memory | DbPath::SqliteMemory => None,
        };
        // Savepoints (one per job) journal the pages they touch: keep that journal in memory.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // A page cache of 8 MiB rather than 2: a page that falls out of the cache is copied in
        // again from the memdb file or the OS at its next use. Not more: every commit walks
        // the cache's hash table (`pcache1TruncateUnsafe`, 8% of the store thread's time with
        // 64 MiB), and with time-ordered ids the pages a payment touches are the few at the
        // right edge of each table and index, so 8 MiB holds them.
        conn.pragma_update(None, "cache_size", -8_192)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // rusqlite keeps 16 prepared statements by default; one payment alone uses more than
        // that, and a statement pushed out is parsed again on its next use.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.execute_batch(SCHEMA)?;
        add_columns(&conn)?;
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("payglot-store".into())
            .spawn(move || {
                CONNECTION.with(|cell| {
                    if cell.set(conn).is_err() {
                        return;
                    }
                    if let Some(conn) = cell.get() {
                        run(conn, &rx);
                    }
                });
            })
            .map_err(|e| StoreError::Corrupt(format!("cannot start the store thread: {e}")))?;
        let thread = StoreThread { tx: Some(tx.clone()), handle: Some(handle), checkpointer, memory: None };
        Ok((Self { backend: Backend::Sql(tx) }, thread))
    }

    /// Run `f` as one job: on the SQLite store thread inside a transaction (its result comes
    /// back after commit), or on this thread under the memory store's lock. An `Err` from `f`
    /// rolls back only what `f` did.
    pub async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Db) -> Result<T, StoreError> + Send + 'static,
    {
        let tx = match &self.backend {
            Backend::Sql(tx) => tx,
            Backend::Memory(memory) => {
                return memory
                    .run(|| {
                        let _job = MemoryJob::enter(memory);
                        f(&**memory)
                    })
                    .await;
            }
        };
        let (otx, orx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = f(&SqlDb::new(conn));
            let ok = result.is_ok();
            (ok, Box::new(move || drop(otx.send(result))))
        });
        tx.send(Msg::Job(job)).map_err(|_| StoreError::Closed)?;
        orx.await.map_err(|_| StoreError::Closed)?
    }
}

/// Owner of the store thread: [`StoreThread::stop`] finishes the queued jobs and closes the
/// database.
#[derive(Debug)]
pub struct StoreThread {
    tx: Option<mpsc::Sender<Msg>>,
    handle: Option<JoinHandle<()>>,
    checkpointer: Option<Checkpointer>,
    memory: Option<Arc<MemoryStore>>,
}

impl StoreThread {
    /// Finish the queued jobs, close the database and wait for the thread (off the executor).
    pub async fn stop(mut self) {
        if let Some(memory) = self.memory.take() {
            memory.close().await;
        }
        if let Some(checkpointer) = self.checkpointer.take() {
            let _ = tokio::task::spawn_blocking(move || checkpointer.stop()).await;
        }
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Msg::Stop);
        }
        if let Some(handle) = self.handle.take() {
            let _ = tokio::task::spawn_blocking(move || handle.join()).await;
        }
    }

    /// How many passes of the checkpointer thread found WAL frames copied back into a file
    /// store (0 for a store in memory).
    pub fn checkpoint_passes(&self) -> u64 {
        self.checkpointer.as_ref().map_or(0, |c| c.passes.load(Ordering::Relaxed))
    }
}

/// How often the checkpointer looks at the WAL.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

/// A thread with its own connection to a file store that copies committed WAL frames back
/// into the database file (`PRAGMA wal_checkpoint(PASSIVE)`: it never waits for, nor blocks,
/// the store thread's transactions). Without it the store thread did every checkpoint itself,
/// after a commit, while every request waited: copying pages, two fsyncs, and the longest
/// latencies of the benchmark. Commits and their durability are untouched: a checkpoint only
/// moves pages that are already committed in the WAL.
#[derive(Debug)]
struct Checkpointer {
    stop: mpsc::Sender<()>,
    handle: JoinHandle<()>,
    passes: Arc<AtomicU64>,
}

impl Checkpointer {
    fn start(file: &std::path::Path) -> Result<Self, StoreError> {
        let conn = Connection::open(file)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let passes = Arc::new(AtomicU64::new(0));
        let counted = passes.clone();
        let (stop, stopped) = mpsc::channel::<()>();
        let handle = std::thread::Builder::new()
            .name("payglot-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
                    // The row is (busy, frames in the WAL, frames checkpointed).
                    let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(2));
                    match done {
                        Ok(copied) if copied > 0 => drop(counted.fetch_add(1, Ordering::Relaxed)),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "store: background checkpoint"),
                    }
                }
            })
            .map_err(|e| StoreError::Corrupt(format!("cannot start the checkpoint thread: {e}")))?;
        Ok(Self { stop, handle, passes })
    }

    fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.handle.join();
    }
}

fn run(conn: &Connection, rx: &mpsc::Receiver<Msg>) {
    let mut stop = false;
    while !stop {
        let Ok(first) = rx.recv() else { break };
        let mut batch = Vec::new();
        match first {
            Msg::Job(job) => batch.push(job),
            Msg::Stop => stop = true,
        }
        while !stop && batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(Msg::Job(job)) => batch.push(job),
                Ok(Msg::Stop) => stop = true,
                Err(_) => break,
            }
        }
        if batch.is_empty() {
            continue;
        }
        run_batch(conn, batch);
    }
    // Jobs queued after Stop: none are accepted once the thread is gone; their callers see Closed.
}

/// Run a savepoint statement, prepared once (`execute_batch` would parse it at every job).
fn savepoint(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

fn run_batch(conn: &Connection, batch: Vec<Job>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        tracing::error!(error = %e, "store: cannot begin a transaction");
        return; // dropping the jobs tells their callers Closed
    }
    let mut replies = Vec::with_capacity(batch.len());
    for job in batch {
        if savepoint(conn, "SAVEPOINT job").is_err() {
            continue;
        }
        let (ok, reply) = job(conn);
        let end = if ok {
            savepoint(conn, "RELEASE job")
        } else {
            savepoint(conn, "ROLLBACK TO job").and_then(|()| savepoint(conn, "RELEASE job"))
        };
        if let Err(e) = end {
            tracing::error!(error = %e, "store: savepoint");
        }
        replies.push(reply);
    }
    match conn.execute_batch("COMMIT") {
        Ok(()) => replies.into_iter().for_each(|reply| reply()),
        Err(e) => {
            tracing::error!(error = %e, "store: commit failed");
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::payments::{NewPayment, Status};

    /// Run `f` as one job on a fresh store of each backend (memory first, then SQLite).
    pub(crate) async fn on_each_backend<F>(f: F)
    where
        F: Fn(&dyn Db) -> Result<(), StoreError> + Send + Clone + 'static,
    {
        for path in [DbPath::Memory, DbPath::SqliteMemory] {
            let (store, thread) = Store::open(&path).unwrap();
            let f = f.clone();
            store.call(move |c| f(c)).await.unwrap_or_else(|e| panic!("{path:?}: {e}"));
            thread.stop().await;
        }
    }

    pub(crate) fn new_payment(minor: i64) -> NewPayment {
        let amount = payglot_core_model::Money::new(
            payglot_core_model::Decimal::new(minor, 2),
            payglot_core_model::Currency::parse("EUR").unwrap(),
        )
        .unwrap();
        NewPayment {
            amount,
            debtor_account: "acc_1".into(),
            creditor_account: "acc_2".into(),
            end_to_end_id: Some("E2E".into()),
            reference: None,
        }
    }

    /// Everything a job can write, read back: what a rolled-back job must leave unchanged.
    fn snapshot(c: &dyn Db) -> Result<String, StoreError> {
        let payments = c.payments_before("o", 100, None)?;
        let events = c.events("o", None)?;
        let endpoints = c.endpoints("o")?;
        let deliveries: Vec<_> = endpoints.iter().map(|e| c.deliveries("o", &e.id)).collect::<Result<_, _>>()?;
        let ids: Vec<_> =
            payments.iter().map(|p| (c.creditor_name(&p.id), c.consent_of_payment(&p.id, "o", "v4"))).collect();
        Ok(format!(
            "{payments:?} {events:?} {endpoints:?} {deliveries:?} {ids:?} {:?} {:?} {:?} {:?} {:?}",
            c.idem_find("s", "k", 0)?,
            c.consent("o", "obc_1")?,
            c.open_payments()?,
            c.next_due_ms()?,
            c.count_payments()?,
        ))
    }

    #[tokio::test]
    async fn jobs_commit_or_roll_back_alone() {
        for path in [DbPath::Memory, DbPath::SqliteMemory] {
            let (store, thread) = Store::open(&path).unwrap();
            // Committed: an endpoint, a consent, a payment with its events and deliveries.
            store
                .call(|c| {
                    crate::webhooks::create_endpoint(c, "o", "http://127.0.0.1:1/")?;
                    c.insert_consent("obc_1", "o", "v4", "{}", "t0")?;
                    crate::payments::insert(c, "o", "rest:native", &new_payment(100), &[])?;
                    c.idem_put("s", "k", b"fp", None, i64::MAX)?;
                    Ok(())
                })
                .await
                .unwrap();
            let before = store.call(snapshot).await.unwrap();
            // Every kind of write, then a failure: none of it stays.
            let failed: Result<(), _> = store
                .call(|c| {
                    let open = c.open_payments()?;
                    let (id, owner, _) = open.first().cloned().ok_or(StoreError::Closed)?;
                    crate::payments::set_status(c, &owner, &id, Status::AcceptedTechnical, None)?;
                    let (p, _) = crate::payments::insert(c, "o", "rest:native", &new_payment(200), &[])?;
                    c.set_creditor_name(&p.id, "Name")?;
                    c.set_creditor_name(&id, "Name")?;
                    assert!(c.consume_consent("obc_1", "o", &p.id, "t1")?);
                    crate::webhooks::create_endpoint(c, "o", "http://127.0.0.1:2/")?;
                    let due = c.due_deliveries(i64::MAX, 10)?;
                    let first = due.first().ok_or(StoreError::Closed)?;
                    c.lease_delivery(&first.id, 5)?;
                    let attempt = crate::webhooks::Attempt {
                        attempt: 1,
                        at: "t1".into(),
                        status_code: Some(410),
                        error: None,
                        duration_ms: 1,
                    };
                    c.insert_attempt(&first.id, &attempt)?;
                    c.disable_endpoint_of(&first.id, "gone", "t1")?;
                    let update = crate::db::DeliveryUpdate {
                        state: "abandoned",
                        attempts: 1,
                        next_ms: 0,
                        status: Some(410),
                        error: None,
                        at: "t1",
                    };
                    c.update_delivery(&first.id, &update)?;
                    let done =
                        payglot_rest::idempotency::StoredResponse { status: 201, headers: vec![], body: vec![1] };
                    assert!(c.idem_complete("s", "k", &done, i64::MAX)?);
                    c.idem_put("s", "k2", b"fp", Some(done.clone()), i64::MAX)?;
                    c.idem_delete("s", "k2")?;
                    c.mark_unavailable("s", "k")?;
                    assert_eq!(c.idem_drop_in_flight(i64::MAX)?, 1);
                    assert_ne!(snapshot(c)?, "");
                    Err(StoreError::Corrupt("no".into()))
                })
                .await;
            assert!(failed.is_err());
            assert_eq!(store.call(snapshot).await.unwrap(), before, "{path:?}");
            assert!(!store.call(|c| c.take_unavailable("s", "k")).await.unwrap(), "{path:?}");
            thread.stop().await;
            assert!(matches!(store.call(|_| Ok(())).await, Err(StoreError::Closed)));
        }
    }

    /// The same rows written into each backend: every query must answer the same, in the same
    /// order (ids and times are fixed here, so the answers are comparable).
    #[tokio::test]
    async fn both_backends_answer_every_query_alike() {
        use crate::payments::{Payment, StatusChange};
        let change = |status, reason: Option<&str>, at: &str| StatusChange {
            status,
            reason: reason.map(str::to_owned),
            at: at.to_owned(),
        };
        let mut rows = Vec::new();
        for i in 0..40_u8 {
            let owner = if i % 3 == 0 { "other" } else { "o" };
            let at = format!("2026-11-26T10:00:{:02}.000Z", 59 - i % 7);
            let (status, reason) = match i % 4 {
                0 => (Status::Received, None),
                1 => (Status::AcceptedTechnical, None),
                2 => (Status::Settled, None),
                _ => (Status::Rejected, Some("AM04")),
            };
            let mut history = vec![change(Status::Received, None, &at)];
            if status != Status::Received {
                history.push(change(status, reason, &at));
            }
            let NewPayment { amount, .. } = new_payment(100 + i64::from(i));
            rows.push(Payment {
                id: format!("pay_{i:024}"),
                owner: owner.to_owned(),
                style: "rest:native".to_owned(),
                status,
                reason: reason.map(str::to_owned),
                amount,
                debtor_account: format!("acc_{}", i % 4),
                creditor_account: if i % 5 == 0 { format!("acc_{}", i % 4) } else { format!("acc_c{}", i % 3) },
                end_to_end_id: (i % 2 == 0).then(|| format!("E2E-{}", i % 6)),
                reference: None,
                created_at: at.clone(),
                updated_at: at,
                history,
            });
        }
        let mut answers = Vec::new();
        for path in [DbPath::Memory, DbPath::SqliteMemory] {
            let (store, thread) = Store::open(&path).unwrap();
            let rows = rows.clone();
            let answer = store
                .call(move |c| {
                    c.insert_endpoint(
                        "o",
                        &crate::webhooks::Endpoint {
                            id: "we_1".into(),
                            url: "http://127.0.0.1:1/".into(),
                            enabled: true,
                            disabled_reason: None,
                            created_at: "t".into(),
                        },
                        "whsec_x",
                    )?;
                    for (n, p) in rows.iter().enumerate() {
                        c.insert_payment(p.clone())?;
                        for (k, h) in p.history.iter().enumerate() {
                            let id = format!("evt_{n:03}_{k}");
                            c.insert_event(&p.owner, &p.id, &id, "payment.status_changed", &h.at, k + 1)?;
                            if p.owner == "o" {
                                c.queue_delivery(
                                    &format!("dlv_{n:03}_{k}"),
                                    "we_1",
                                    &id,
                                    i64::try_from(n).unwrap_or(0),
                                    &h.at,
                                )?;
                            }
                        }
                    }
                    let mut out = Vec::new();
                    // Moves that a clock step or a rejection makes, and one that must not happen.
                    let mut moved = c.payment("o", "pay_000000000000000000000001")?.ok_or(StoreError::Closed)?;
                    moved.status = Status::Settled;
                    out.push(format!("{:?}", c.update_open_payment(&moved)?));
                    out.push(format!("{:?}", c.update_open_payment(&moved)?));
                    for owner in ["o", "other", "nobody"] {
                        for before in [None, Some("pay_000000000000000000000020"), Some("pay_000000000000000000000003")]
                        {
                            out.push(format!("{:?}", c.payments_before(owner, 5, before)?));
                        }
                        let statuses: [&[&str]; 3] = [&[], &["ACSC"], &["RJCT", "RCVD"]];
                        for after in [None, Some("pay_000000000000000000000010"), Some("pay_000000000000000000000009")]
                        {
                            for st in statuses {
                                for e2e in [None, Some("E2E-2")] {
                                    let filter = crate::db::PageFilter { statuses: st, end_to_end_id: e2e };
                                    out.push(format!("{:?}", c.payments_after(owner, after, &filter, 4)?));
                                }
                            }
                        }
                        for account in ["acc_0", "acc_1", "acc_c2", "acc_none"] {
                            out.push(format!("{:?}", c.payments_for_account(owner, account)?));
                        }
                        for since in ["", "2026-11-26T10:00:55.000Z"] {
                            out.push(format!("{:?}", c.settled_since(owner, since, 3)?));
                        }
                        for e2e in ["E2E-0", "E2E-2", "E2E-9"] {
                            out.push(format!("{:?}", c.latest_by_end_to_end_id(owner, e2e)?));
                            for debtor in ["acc_0", "acc_2"] {
                                out.push(format!("{:?}", c.end_to_end_id_seen(owner, debtor, e2e)?));
                            }
                        }
                        for payment in [None, Some("pay_000000000000000000000004")] {
                            out.push(format!("{:?}", c.events(owner, payment)?));
                        }
                        for cursor in [0, 10, 200] {
                            out.push(format!("{:?}", c.events_after(owner, cursor, 7)?));
                        }
                        out.push(format!("{:?} {:?}", c.endpoints(owner)?, c.enabled_endpoints(owner)?));
                    }
                    for at in ["", "2026-11-26T10:00:56.000Z", "z"] {
                        out.push(format!("{:?}", c.last_event_before(at)?));
                    }
                    out.push(format!("{:?} {:?}", c.open_payments()?, c.count_payments()?));
                    let due = c.due_deliveries(5, 3)?;
                    out.push(format!("{due:?} {:?}", c.next_due_ms()?));
                    for row in &due {
                        c.lease_delivery(&row.id, 1_000)?;
                    }
                    out.push(format!("{:?} {:?}", c.due_deliveries(5, 3)?, c.next_due_ms()?));
                    out.push(format!("{:?}", c.deliveries("o", "we_1")?.map(|d| d.len())));
                    out.push(format!("{:?}", c.deliveries("other", "we_1")?));
                    Ok(out)
                })
                .await
                .unwrap();
            answers.push(answer);
            thread.stop().await;
        }
        let [memory, sqlite] = &answers[..] else { panic!("two backends") };
        assert_eq!(memory.len(), sqlite.len());
        // The queries found rows (the comparison is not between two empty answers).
        let found = memory.iter().filter(|a| a.contains("pay_") || a.contains("evt_")).count();
        assert!(found > 40, "{found} answers with rows");
        for (m, s) in memory.iter().zip(sqlite) {
            assert_eq!(m, s);
        }
    }

    #[tokio::test]
    async fn a_file_store_is_checkpointed_off_the_store_thread() {
        let dir = std::env::temp_dir().join(format!("payglot-store-{}", crate::payments::new_id("t")));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("wal.db");
        let (store, thread) = Store::open(&DbPath::File(file.clone())).unwrap();
        for i in 0..50 {
            store.call(move |c| c.set_creditor_name(&format!("p{i}"), "n")).await.unwrap();
        }
        // The store thread checkpoints only at 10,000 frames: anything copied back is the
        // checkpointer's.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while thread.checkpoint_passes() == 0 && std::time::Instant::now() < deadline {
            tokio::time::sleep(CHECKPOINT_EVERY).await;
        }
        assert!(thread.checkpoint_passes() > 0, "the checkpointer copied the WAL back");
        thread.stop().await;
        // Everything committed is there after a restart.
        let (store, thread) = Store::open(&DbPath::File(file)).unwrap();
        let names = store
            .call(|c| (0..50).map(|i| c.creditor_name(&format!("p{i}"))).collect::<Result<Vec<_>, _>>())
            .await
            .unwrap();
        assert!(names.iter().all(|n| n.as_deref() == Some("n")));
        assert_eq!(Store::open(&DbPath::SqliteMemory).unwrap().1.checkpoint_passes(), 0);
        assert_eq!(Store::open(&DbPath::Memory).unwrap().1.checkpoint_passes(), 0);
        thread.stop().await;
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn files_written_before_event_positions_are_read_and_extended() {
        let dir = std::env::temp_dir().join(format!("payglot-store-{}", crate::payments::new_id("t")));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("old.db");
        {
            // Tables as earlier versions wrote them: events without `position`, payments
            // without `history` (their histories in status_history rows).
            let old = Connection::open(&file).unwrap();
            old.execute_batch(
                "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
                   owner TEXT NOT NULL, payment_id TEXT NOT NULL, created_at TEXT NOT NULL, data TEXT NOT NULL);
                 INSERT INTO events (id, type, owner, payment_id, created_at, data)
                   VALUES ('evt_1', 'payment.created', 'o', 'pay_1', 'now', '{\"old\":true}');
                 CREATE TABLE payments (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, owner TEXT NOT NULL,
                   style TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, amount TEXT NOT NULL, currency TEXT NOT NULL,
                   debtor_account TEXT NOT NULL, creditor_account TEXT NOT NULL, end_to_end_id TEXT, reference TEXT,
                   created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
                 CREATE TABLE status_history (seq INTEGER PRIMARY KEY, payment_id TEXT NOT NULL, status TEXT NOT NULL,
                   reason TEXT, at TEXT NOT NULL);
                 INSERT INTO payments (id, owner, style, status, amount, currency, debtor_account, creditor_account, created_at, updated_at)
                   VALUES ('pay_1', 'o', 'rest:native', 'ACTC', '1.00', 'EUR', 'a', 'b', 't1', 't2');
                 INSERT INTO status_history (payment_id, status, at) VALUES ('pay_1', 'RCVD', 't1'), ('pay_1', 'ACTC', 't2');",
            )
            .unwrap();
        }
        let (store, thread) = Store::open(&DbPath::File(file.clone())).unwrap();
        let events = store.call(|c| crate::events::list(c, "o", None)).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].body, "{\"old\":true}", "an old row keeps its stored body");
        let payment = store.call(|c| c.payment("o", "pay_1")).await.unwrap().unwrap();
        let statuses: Vec<&str> = payment.history.iter().map(|h| h.status.code()).collect();
        assert_eq!(statuses, ["RCVD", "ACTC"]);
        let listed = store.call(|c| c.payments_for_account("o", "b")).await.unwrap();
        assert_eq!(listed.first().map(|p| p.history.len()), Some(2));
        thread.stop().await;
        let added: i64 = Connection::open(&file)
            .unwrap()
            .query_row("SELECT count(*) FROM pragma_table_info('events') WHERE name = 'position'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(added, 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

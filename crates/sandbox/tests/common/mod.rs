//! What both sandbox test suites share: running every scenario on both stores.

use payglot_sandbox::{Config, DbPath};

/// The store a test runs on: every scenario runs twice, on the in-process store (`:memory:`)
/// and on SQLite in memory (`:sqlite-memory:`), so the two backends cannot drift.
pub(crate) fn on(db: &DbPath, mut config: Config) -> Config {
    config.db = db.clone();
    config
}

/// Two tests per scenario (`<name>::memory`, `<name>::sqlite`), each calling `<name>(db)`.
macro_rules! on_each_store {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn memory() {
                super::$name(payglot_sandbox::DbPath::Memory).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(payglot_sandbox::DbPath::SqliteMemory).await;
            }
        })*
    };
}

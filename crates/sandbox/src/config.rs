//! Server configuration: address, store location, status clock, scenario timings, limits,
//! webhook retry policy, and where API keys come from (environment or a config file, never code).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::scenario::Scenarios;

/// Where the store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbPath {
    /// `:memory:` — the in-process store; gone when the server stops.
    Memory,
    /// `:sqlite-memory:` — SQLite in memory (the same SQL as a file store, nothing on disk);
    /// gone when the server stops. For tests and comparisons.
    SqliteMemory,
    /// A SQLite file; everything survives a restart.
    File(PathBuf),
}

impl DbPath {
    /// `:memory:`, `:sqlite-memory:` or a file path, as given to `--db`.
    pub fn parse(text: &str) -> Self {
        match text {
            ":memory:" => Self::Memory,
            ":sqlite-memory:" => Self::SqliteMemory,
            _ => Self::File(PathBuf::from(text)),
        }
    }
}

/// How payment statuses move after acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClock {
    /// Accepted payments settle before the response is sent (RCVD → ACTC → ACSC at once).
    Instant,
    /// RCVD at once, ACTC after `accept`, ACSC `settle` later.
    Stepped {
        /// Delay from RCVD to ACTC.
        accept: Duration,
        /// Delay from ACTC to ACSC.
        settle: Duration,
    },
}

/// Webhook delivery policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookPolicy {
    /// Most delivery attempts per event and endpoint before the delivery is marked failed.
    pub max_attempts: u32,
    /// Delay before the first retry; doubles on each further one (plus jitter).
    pub base_delay: Duration,
    /// Longest delay between two attempts (also caps an endpoint's `Retry-After`).
    pub max_delay: Duration,
    /// Timeout of one attempt.
    pub attempt_timeout: Duration,
    /// How long shutdown waits for deliveries that are due to finish.
    pub shutdown_grace: Duration,
}

impl Default for WebhookPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
            attempt_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Per-key rate limit: a token bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per second per key.
    pub per_second: u32,
    /// Burst size.
    pub burst: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self { per_second: 100, burst: 200 }
    }
}

/// Everything `serve` needs. Build with [`Config::default`] and adjust fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Listen address. Default `127.0.0.1:8080`; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Store. Default `:memory:`.
    pub db: DbPath,
    /// Status clock. Default: ACTC after 1 s, ACSC 2 s later.
    pub clock: StatusClock,
    /// API keys accepted as `Authorization: Bearer <key>`. Empty: one test key is generated.
    pub api_keys: Vec<String>,
    /// Lifetime of OAuth access tokens. Default 5 minutes.
    pub token_ttl: Duration,
    /// Per-key rate limit.
    pub rate_limit: RateLimit,
    /// Largest request body, in bytes. Default 1 MiB.
    pub max_body_bytes: usize,
    /// The deterministic scenarios (account lists, the slow answer's delay).
    pub scenarios: Scenarios,
    /// Webhook delivery policy.
    pub webhooks: WebhookPolicy,
    /// Allow webhook endpoints on loopback and private addresses (tests, local receivers).
    /// Default true: the sandbox runs on a developer's machine.
    pub allow_private_webhooks: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: DbPath::Memory,
            clock: StatusClock::Stepped { accept: Duration::from_secs(1), settle: Duration::from_secs(2) },
            api_keys: Vec::new(),
            token_ttl: Duration::from_secs(300),
            rate_limit: RateLimit::default(),
            max_body_bytes: 1 << 20,
            scenarios: Scenarios::default(),
            webhooks: WebhookPolicy::default(),
            allow_private_webhooks: true,
        }
    }
}

impl Config {
    /// The defaults, listening on `addr` with the store at `db`.
    pub fn new(addr: SocketAddr, db: DbPath) -> Self {
        Self { addr, db, ..Self::default() }
    }

    /// A configuration for tests: port 0 on 127.0.0.1, in-memory store, instant clock, short
    /// delays, generous rate limit, the given keys.
    pub fn for_tests(api_keys: &[&str]) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            clock: StatusClock::Instant,
            api_keys: api_keys.iter().map(|k| (*k).to_owned()).collect(),
            rate_limit: RateLimit { per_second: 100_000, burst: 100_000 },
            scenarios: Scenarios { slow_delay: Duration::from_millis(1500), ..Scenarios::default() },
            webhooks: WebhookPolicy {
                base_delay: Duration::from_millis(50),
                max_delay: Duration::from_millis(500),
                attempt_timeout: Duration::from_secs(2),
                shutdown_grace: Duration::from_secs(5),
                ..WebhookPolicy::default()
            },
            ..Self::default()
        }
    }
}

/// Why API keys could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file could not be read.
    #[error("cannot read API key file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A key does not look like `sk_test_...` (the key itself is never printed).
    #[error("API key number {index} must start with sk_test_ and be 16 to 200 characters of [A-Za-z0-9_]")]
    Malformed {
        /// 1-based position of the key.
        index: usize,
    },
}

/// Load API keys: from a file of one key per line (`#` comments) when `file` is given, else
/// from the comma-separated `PAYGLOT_API_KEYS` value `env` (pass `std::env::var(..).ok()`).
pub fn load_api_keys(env: Option<&str>, file: Option<&Path>) -> Result<Vec<String>, KeyError> {
    let raw: Vec<String> = match file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|source| KeyError::Read { path: path.to_owned(), source })?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
        None => env.unwrap_or("").split(',').map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned).collect(),
    };
    for (i, key) in raw.iter().enumerate() {
        if !valid_key(key) {
            return Err(KeyError::Malformed { index: i + 1 });
        }
    }
    Ok(raw)
}

/// `sk_test_` followed by 8 or more of `[A-Za-z0-9_]`, at most 200 characters in all.
pub(crate) fn valid_key(key: &str) -> bool {
    key.starts_with("sk_test_")
        && (16..=200).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_env_and_file() {
        let keys = load_api_keys(Some(" sk_test_aaaaaaaaaa, sk_test_bbbbbbbbbb ,"), None).unwrap();
        assert_eq!(keys, ["sk_test_aaaaaaaaaa", "sk_test_bbbbbbbbbb"]);
        assert!(matches!(load_api_keys(Some("pk_live_x"), None), Err(KeyError::Malformed { index: 1 })));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys");
        std::fs::write(&path, "# keys\nsk_test_cccccccccc\n\n").unwrap();
        assert_eq!(load_api_keys(Some("ignored"), Some(&path)).unwrap(), ["sk_test_cccccccccc"]);
        let err = load_api_keys(None, Some(&dir.path().join("missing"))).unwrap_err();
        assert!(err.to_string().contains("cannot read"));
    }

    #[test]
    fn key_error_never_shows_the_key() {
        let err = load_api_keys(Some("sk_test_ok_but_then_a_bad-one"), None).unwrap_err();
        assert!(!err.to_string().contains("bad-one"));
    }
}

//! Webhook endpoints and the delivery worker.
//!
//! Deliveries are rows in the store (queued in the same transaction as the event), so they
//! survive a restart. The worker leases due rows, POSTs each signed per Standard Webhooks (plus
//! a Stripe-style `payglot-signature`), and records every attempt. Failures are retried with
//! exponential backoff and jitter, never sooner than the endpoint's `Retry-After`; a 410 disables
//! the endpoint; after `max_attempts` the delivery is marked failed. On shutdown the worker
//! finishes what is due within the grace period; later retries wait in the store.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::config::WebhookPolicy;
use crate::db::{Db, DeliveryUpdate};
use crate::payments::{new_id, now};
use crate::store::{Store, StoreError};

/// Milliseconds since the Unix epoch.
pub fn unix_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A registered endpoint (the secret is shown only when it is created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// `we_...`.
    pub id: String,
    /// Where events are POSTed.
    pub url: String,
    /// False after a 410 Gone.
    pub enabled: bool,
    /// Why it was disabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// Created (RFC 3339).
    pub created_at: String,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// 1-based.
    pub attempt: u32,
    /// When.
    pub at: String,
    /// HTTP status, when an answer came.
    pub status_code: Option<u16>,
    /// Transport error, when none came.
    pub error: Option<String>,
    /// Duration in milliseconds.
    pub duration_ms: i64,
}

/// One event to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// `dlv_...`.
    pub id: String,
    /// The event delivered.
    pub event_id: String,
    /// Its type.
    pub event_type: String,
    /// `pending`, `succeeded`, `failed` (attempts exhausted) or `abandoned` (endpoint disabled).
    pub state: String,
    /// Attempts made.
    pub attempts: u32,
    /// Last HTTP status.
    pub last_status: Option<u16>,
    /// Last error.
    pub last_error: Option<String>,
    /// Every attempt, oldest first.
    pub attempt_log: Vec<Attempt>,
}

/// Register an endpoint; returns it and its secret.
pub(crate) fn create_endpoint(db: &dyn Db, owner: &str, url: &str) -> Result<(Endpoint, String), StoreError> {
    let secret = crate::verify::new_secret();
    let endpoint =
        Endpoint { id: new_id("we"), url: url.to_owned(), enabled: true, disabled_reason: None, created_at: now() };
    db.insert_endpoint(owner, &endpoint, &secret)?;
    Ok((endpoint, secret))
}

/// A delivery leased for an attempt.
#[derive(Debug)]
struct Due {
    id: String,
    url: String,
    secret: String,
    event_id: String,
    body: String,
    attempts: u32,
}

/// Lease up to `limit` due deliveries: push their next attempt time past the attempt timeout so
/// no other pass picks them while they are in flight.
fn lease_due(db: &dyn Db, now_ms: i64, lease_ms: i64, limit: u32) -> Result<Vec<Due>, StoreError> {
    let rows = db.due_deliveries(now_ms, limit)?;
    let mut bodies = crate::events::Bodies::new(db);
    let mut due = Vec::with_capacity(rows.len());
    for row in rows {
        db.lease_delivery(&row.id, now_ms + lease_ms)?;
        let body = bodies.body(&row.event)?;
        due.push(Due {
            id: row.id,
            url: row.url,
            secret: row.secret,
            event_id: row.event.id,
            body,
            attempts: row.attempts,
        });
    }
    Ok(due)
}

/// Milliseconds until the next pending delivery is due, if any.
fn next_due_in(db: &dyn Db, now_ms: i64) -> Result<Option<i64>, StoreError> {
    Ok(db.next_due_ms()?.map(|n| (n - now_ms).max(0)))
}

/// The answer of one attempt.
#[derive(Debug)]
enum AttemptResult {
    Answer { status: u16, retry_after: Option<Duration> },
    Error(String),
}

/// Record an attempt and decide what comes next.
fn record(
    db: &dyn Db,
    due: &Due,
    result: &AttemptResult,
    duration_ms: i64,
    policy: &WebhookPolicy,
) -> Result<(), StoreError> {
    let attempt = due.attempts + 1;
    let at = now();
    let (status, error) = match result {
        AttemptResult::Answer { status, .. } => (Some(*status), None),
        AttemptResult::Error(e) => (None, Some(e.clone())),
    };
    let log = Attempt { attempt, at: at.clone(), status_code: status, error: error.clone(), duration_ms };
    db.insert_attempt(&due.id, &log)?;
    let (state, next_ms) = match result {
        AttemptResult::Answer { status, .. } if (200..300).contains(status) => ("succeeded", 0),
        AttemptResult::Answer { status: 410, .. } => {
            db.disable_endpoint_of(&due.id, "the endpoint answered 410 Gone", &at)?;
            ("abandoned", 0)
        }
        _ if attempt >= policy.max_attempts => ("failed", 0),
        AttemptResult::Answer { retry_after, .. } => {
            ("pending", unix_ms() + retry_delay_ms(policy, attempt, *retry_after))
        }
        AttemptResult::Error(_) => ("pending", unix_ms() + retry_delay_ms(policy, attempt, None)),
    };
    let update = DeliveryUpdate { state, attempts: attempt, next_ms, status, error: error.as_deref(), at: &at };
    db.update_delivery(&due.id, &update)
}

/// Backoff after `attempt` failures: `base × 2^(attempt-1)`, capped, with "equal jitter" (half
/// fixed, half random); never sooner than `Retry-After` (itself capped at the maximum delay).
pub fn retry_delay_ms(policy: &WebhookPolicy, attempt: u32, retry_after: Option<Duration>) -> i64 {
    let cap = i64::try_from(policy.max_delay.as_millis()).unwrap_or(i64::MAX);
    let base = i64::try_from(policy.base_delay.as_millis()).unwrap_or(i64::MAX);
    let exp = base.saturating_mul(1_i64 << attempt.saturating_sub(1).min(30)).min(cap);
    let half = exp / 2;
    let jitter = if half > 0 { rand::random_range(0..=half) } else { 0 };
    let backoff = half + jitter;
    let floor = retry_after.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX).min(cap));
    backoff.max(floor)
}

/// Parse `Retry-After` (delta-seconds or an HTTP date).
fn parse_retry_after(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value.trim()).ok()?;
    let delta = when.timestamp() - chrono::Utc::now().timestamp();
    Some(Duration::from_secs(u64::try_from(delta).unwrap_or(0)))
}

/// The delivery worker.
#[derive(Debug, Clone)]
pub(crate) struct Dispatcher {
    pub(crate) store: Store,
    pub(crate) policy: WebhookPolicy,
    pub(crate) notify: Arc<Notify>,
    pub(crate) client: reqwest::Client,
}

impl Dispatcher {
    pub(crate) fn new(store: Store, policy: WebhookPolicy) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(policy.attempt_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("payglot-sandbox/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { store, policy, notify: Arc::new(Notify::new()), client })
    }

    /// Run until `shutdown` turns true, then finish due deliveries within the grace period.
    pub(crate) async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut in_flight: JoinSet<()> = JoinSet::new();
        let lease_ms = i64::try_from(self.policy.attempt_timeout.as_millis()).unwrap_or(10_000).saturating_mul(2);
        let mut deadline: Option<Instant> = None;
        loop {
            let now_ms = unix_ms();
            let due = self.store.call(move |c| lease_due(c, now_ms, lease_ms, 64)).await;
            let due = match due {
                Ok(due) => due,
                Err(StoreError::Closed) => break,
                Err(e) => {
                    tracing::error!(error = %e, "webhooks: cannot read due deliveries");
                    Vec::new()
                }
            };
            let fetched = due.len();
            for d in due {
                in_flight.spawn(self.clone().attempt(d));
            }
            if let Some(deadline) = deadline {
                let idle = fetched == 0 && in_flight.is_empty();
                if idle || Instant::now() >= deadline {
                    if !in_flight.is_empty() {
                        tracing::warn!(
                            pending = in_flight.len(),
                            "webhooks: grace period over, attempts abandoned (retried after restart)"
                        );
                    }
                    break;
                }
            }
            if fetched == 64 {
                continue;
            }
            let wait_ms = match self.store.call(move |c| next_due_in(c, unix_ms())).await {
                Ok(Some(ms)) => ms.clamp(5, 1000),
                Ok(None) => 1000,
                Err(_) => 1000,
            };
            let sleep = tokio::time::sleep(Duration::from_millis(u64::try_from(wait_ms).unwrap_or(1000)));
            tokio::select! {
                () = sleep => {}
                () = self.notify.notified() => {}
                Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
                changed = shutdown.changed(), if deadline.is_none() => {
                    if changed.is_err() || *shutdown.borrow() {
                        deadline = Some(Instant::now() + self.policy.shutdown_grace);
                    }
                }
            }
        }
        in_flight.abort_all();
    }

    async fn attempt(self, due: Due) {
        let timestamp = crate::verify::unix_now();
        let body = due.body.clone();
        let standard = crate::verify::sign_standard(&due.secret, &due.event_id, timestamp, body.as_bytes());
        let stripe = crate::verify::sign_stripe_style(&due.secret, timestamp, body.as_bytes());
        let started = Instant::now();
        let result = match (standard, stripe) {
            (Ok(standard), Ok(stripe)) => {
                let sent = self
                    .client
                    .post(&due.url)
                    .header("content-type", "application/json")
                    .header("webhook-id", &due.event_id)
                    .header("webhook-timestamp", timestamp.to_string())
                    .header("webhook-signature", standard)
                    .header("payglot-signature", stripe)
                    .body(body)
                    .send()
                    .await;
                match sent {
                    Ok(resp) => AttemptResult::Answer {
                        status: resp.status().as_u16(),
                        retry_after: resp
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok())
                            .and_then(parse_retry_after),
                    },
                    Err(e) => AttemptResult::Error(transport_error(&e)),
                }
            }
            _ => AttemptResult::Error("the endpoint secret is unusable".into()),
        };
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        tracing::info!(delivery = %due.id, event = %due.event_id, attempt = due.attempts + 1, result = ?result, "webhook attempt");
        let policy = self.policy;
        let recorded = self.store.call(move |c| record(c, &due, &result, duration_ms, &policy)).await;
        if let Err(e) = recorded {
            tracing::error!(error = %e, "webhooks: cannot record an attempt");
        }
    }
}

fn transport_error(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else {
        "request failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_honours_retry_after() {
        let policy = WebhookPolicy {
            base_delay: Duration::from_millis(1000),
            max_delay: Duration::from_secs(60),
            ..WebhookPolicy::default()
        };
        for attempt in 1..=10 {
            let d = retry_delay_ms(&policy, attempt, None);
            let exp = (1000_i64 << (attempt - 1)).min(60_000);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempt}: {d}");
        }
        assert!(retry_delay_ms(&policy, 1, Some(Duration::from_secs(20))) >= 20_000);
        // Retry-After is capped by the maximum delay.
        assert!(retry_delay_ms(&policy, 1, Some(Duration::from_secs(3600))) <= 60_000);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }
}

//! The style-independent core every endpoint calls: create a payment (idempotency, scenarios,
//! store, events, status clock), read payments, and move statuses on the clock. Styles only
//! parse their request into a [`NewPayment`] and render a [`Payment`].

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use payglot_core_model::outcome::Condition;
use payglot_rest::idempotency::{Begin, Fingerprint, Idempotency, IdempotencyError, Policy, StoredResponse};
use tokio::sync::{Notify, watch};

use crate::auth::{Auth, Principal};
use crate::config::{Config, StatusClock};
use crate::db::Db;
use crate::errors::{ApiError, Style};
use crate::idempotency::{self, OneJobIdempotency, StoreIdempotency};
use crate::payments::{self, Inserted, NewPayment, Payment, Prepared, Status};
use crate::scenario::{Decision, Facts};
use crate::store::{Store, StoreError};

/// Shared state of the server.
#[derive(Debug)]
pub struct App {
    /// The store.
    pub store: Store,
    /// The configuration.
    pub config: Config,
    /// Keys, tokens, rate limits.
    pub auth: Arc<Auth>,
    /// Wakes the webhook worker.
    pub webhooks: Arc<Notify>,
    /// Turns true when shutdown starts.
    pub shutdown: watch::Receiver<bool>,
}

/// How a style renders the payment it created (or the rejection): a function of the payment
/// alone, so that it runs before the store job, outside the job lock (and again inside only
/// when the job had to change the payment).
pub type Render = Box<dyn Fn(&Payment) -> StoredResponse + Send>;

/// Work done in the transaction that inserts a payment (just before the payment is written;
/// an `Err` rolls the whole job back).
pub type Hook = Box<dyn FnOnce(&dyn Db, &Payment) -> Result<(), StoreError> + Send>;

/// The answer to a create request.
#[derive(Debug)]
pub struct Created {
    /// The response to send (first time or replayed).
    pub response: StoredResponse,
    /// True if this is a replay of a stored response.
    pub replayed: bool,
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if let StoreError::Refused(detail) = e {
            return ApiError::condition(Condition::InvalidRequest, Style::RestNative, detail);
        }
        tracing::error!(error = %e, "store failure");
        ApiError::condition(
            Condition::Internal,
            Style::RestNative,
            "the store failed; query the payment status before retrying",
        )
    }
}

/// How a create request is protected against repeats: payglot-rest's idempotency policy of
/// the style, the operation (the key space within the caller's), the key as received and the
/// request's fingerprint.
#[derive(Debug, Clone)]
pub struct Idem {
    /// The style's policy (header, required or not, key syntax, TTL).
    pub policy: Policy,
    /// The operation, e.g. `POST /v1/payments`; keys are unique per caller and operation.
    pub operation: Cow<'static, str>,
    /// The key as received (`None`: absent).
    pub key: Option<String>,
    /// What identifies the request (method, target, body).
    pub fingerprint: Fingerprint,
}

/// An idempotency refusal in the caller's style.
pub fn idempotency_error(e: &IdempotencyError, style: Style) -> ApiError {
    let condition = match e {
        IdempotencyError::InFlight => Condition::Conflict,
        IdempotencyError::Mismatch => Condition::IdempotencyMismatch,
        _ => Condition::MalformedRequest,
    };
    ApiError::condition(condition, style, e.to_string())
}

/// What the store job of a create request came to.
enum Attempt {
    /// A new payment: the scenario's decision, the response when it is not the one rendered
    /// before the job, the payment stored.
    Created(Decision, Option<StoredResponse>, Inserted),
    /// The key's first response, replayed.
    Replay(StoredResponse),
    /// The key was refused (in flight, another payload, ...).
    Refused(IdempotencyError),
    /// The .03 scenario: no payment; retry after this long.
    Unavailable(Duration),
}

/// The statuses a payment takes at once after RCVD for `decision`: RJCT with its reason, ACTC
/// and ACSC on the instant clock, none on the stepped clock.
fn steps_of(decision: &Decision, instant: bool) -> ([(Status, Option<&'static str>); 2], usize) {
    const NONE: (Status, Option<&str>) = (Status::Received, None);
    match decision {
        Decision::Reject(code) => ([(Status::Rejected, Some(*code)), NONE], 1),
        _ if instant => ([(Status::AcceptedTechnical, None), (Status::Settled, None)], 2),
        _ => ([NONE, NONE], 0),
    }
}

fn job_error() -> Result<(), StoreError> {
    idempotency::take_error().map_or(Ok(()), Err)
}

impl App {
    /// Create a payment, protected by `idem`. Errors come back in `style`.
    pub async fn create_payment(
        &self,
        owner: &Principal,
        style: Style,
        new: NewPayment,
        idem: Idem,
        render: Render,
    ) -> Result<Created, ApiError> {
        self.create_payment_with(owner, style, new, idem, render, None).await
    }

    /// [`create_payment`](Self::create_payment), running `hook` in the transaction that
    /// inserts the payment (an `Err` from it rolls the payment back).
    pub async fn create_payment_with(
        &self,
        owner: &Principal,
        style: Style,
        new: NewPayment,
        idem: Idem,
        render: Render,
        hook: Option<Hook>,
    ) -> Result<Created, ApiError> {
        let owner: Arc<str> = owner.0.clone();
        let Idem { policy, operation, key, fingerprint } = idem;
        // Key syntax first: a malformed or missing key never reaches the store.
        policy.check_key(key.as_deref()).map_err(|e| idempotency_error(&e, style))?;
        let scope = format!("{owner} {operation}");
        let instant = self.config.clock == StatusClock::Instant;
        let style_id = style.format_id();
        let logged =
            tracing::enabled!(tracing::Level::INFO).then(|| (new.debtor_account.clone(), new.creditor_account.clone()));
        // Outside the store job: the scenario's decision for each answer the store may give
        // (is this a retry after a .03 outage? a repeated end-to-end id?), the payment's id,
        // time and final state as they will be unless the store says otherwise, and the
        // response. The job only checks that they still hold, and writes.
        let decide = |retry: bool, duplicate: bool, accounts: bool| {
            self.config.scenarios.decide(&Facts {
                amount: &new.amount,
                debtor_account: if accounts { &new.debtor_account } else { "" },
                creditor_account: if accounts { &new.creditor_account } else { "" },
                is_retry_after_unavailable: retry,
                duplicate_end_to_end_id: duplicate,
            })
        };
        // The .03 row needs no payment: decided before payments are touched.
        let [early, early_on_retry] = [decide(false, false, false), decide(true, false, false)];
        let [expected, on_duplicate] = [decide(true, false, true), decide(true, true, true)];
        let (steps, n) = steps_of(&expected, instant);
        let mut prepared = Prepared::new(&owner, style_id, new, steps.get(..n).unwrap_or(&[]), payments::now());
        let rendered = render(prepared.payment());
        // The answer's copy of the response whose original the idempotency record keeps: made
        // here rather than under the job lock.
        let answer = rendered.clone();
        let job_owner = owner.clone();
        // One store job from the key's claim to its completion: the claim, the payment and the
        // stored response commit together or not at all (a failed job leaves no claim behind),
        // and a payment costs one trip to the store thread.
        let outcome = self
            .store
            .call(move |c| {
                let begun = Idempotency::new(policy, OneJobIdempotency).begin(&scope, key.as_deref(), fingerprint);
                job_error()?;
                let ticket = match begun {
                    Ok(Begin::Proceed(ticket)) => Some(ticket),
                    Ok(Begin::Unprotected) => None,
                    Ok(Begin::Replay(response)) => return Ok(Attempt::Replay(response)),
                    Err(e) => return Ok(Attempt::Refused(e)),
                };
                let after_unavailable = match &ticket {
                    Some(ticket) => c.take_unavailable(&scope, ticket.key().as_str())?,
                    None => false,
                };
                if let Decision::Unavailable(retry_after) = if after_unavailable { early_on_retry } else { early } {
                    if let Some(ticket) = ticket {
                        let key = ticket.key().as_str().to_owned();
                        Idempotency::new(policy, OneJobIdempotency).abandon(ticket);
                        job_error()?;
                        c.mark_unavailable(&scope, &key)?;
                    }
                    return Ok(Attempt::Unavailable(retry_after));
                }
                let p = prepared.payment();
                let duplicate = match p.end_to_end_id.as_deref() {
                    Some(e2e) => c.end_to_end_id_seen(&job_owner, &p.debtor_account, e2e)?,
                    None => false,
                };
                let decision = if duplicate { on_duplicate } else { expected.clone() };
                // What was fixed outside holds unless the decision changed, or an event was
                // written meanwhile with a later time (events stay in time order: a GraphQL
                // subscription's cursor relies on it): then the payment takes its steps now
                // (or at that later time, if the clock is behind it) and is rendered again.
                let later = c.later_event_time(prepared.at())?;
                let (response, rendered_again) = if decision == expected && later.is_none() {
                    (rendered, false)
                } else {
                    let floor = later.unwrap_or_else(|| prepared.at().to_owned());
                    let (steps, n) = steps_of(&decision, instant);
                    prepared.restamp(steps.get(..n).unwrap_or(&[]), payments::now().max(floor));
                    (render(prepared.payment()), true)
                };
                if let Some(hook) = hook {
                    hook(c, prepared.payment())?;
                }
                let inserted = prepared.insert(c)?;
                // The answer: the copy made before the job, unless the job rendered again.
                let answer = match ticket {
                    Some(ticket) => {
                        let answer = rendered_again.then(|| response.clone());
                        Idempotency::new(policy, OneJobIdempotency).complete(ticket, response);
                        job_error()?;
                        answer
                    }
                    None => Some(response),
                };
                Ok(Attempt::Created(decision, answer, inserted))
            })
            .await
            .map_err(|e| restyle(e.into(), style))?;
        let (decision, response, payment) = match outcome {
            Attempt::Created(decision, response, payment) => (decision, response.unwrap_or(answer), payment),
            Attempt::Replay(response) => return Ok(Created { response, replayed: true }),
            Attempt::Refused(e) => return Err(idempotency_error(&e, style)),
            Attempt::Unavailable(retry_after) => {
                return Err(ApiError::condition(
                    Condition::Unavailable,
                    style,
                    "the sandbox simulates an outage for amounts ending in .03; retry with the same idempotency key",
                )
                .with_retry_after(retry_after.as_secs().max(1)));
            }
        };
        if payment.queued > 0 {
            self.webhooks.notify_one();
        }
        if let Some((debtor, creditor)) = logged {
            tracing::info!(
                payment = %payment.id,
                status = payment.status.code(),
                reason = payment.reason.as_deref().unwrap_or(""),
                debtor = %payglot_core_model::ids::mask(&debtor),
                creditor = %payglot_core_model::ids::mask(&creditor),
                style = style_id,
                "payment created"
            );
        }
        if !instant && !payment.status.is_final() {
            self.schedule(owner.to_string(), payment.id, Status::Received);
        }
        if let Decision::AcceptSlowly(delay) = decision {
            let mut shutdown = self.shutdown.clone();
            let stopping = async move { drop(shutdown.wait_for(|s| *s).await.map(|_| ())) };
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = stopping => {}
            }
        }
        Ok(Created { response, replayed: false })
    }

    /// Run `job` in a store transaction at most once per idempotency key (`idem`): a repeat
    /// replays its response. For operations that create something other than a payment.
    pub async fn run_idempotent<F>(
        &self,
        owner: &Principal,
        style: Style,
        idem: Idem,
        job: F,
    ) -> Result<Created, ApiError>
    where
        F: FnOnce(&dyn Db) -> Result<StoredResponse, StoreError> + Send + 'static,
    {
        let Idem { policy, operation, key, fingerprint } = idem;
        policy.check_key(key.as_deref()).map_err(|e| idempotency_error(&e, style))?;
        let scope = format!("{} {operation}", owner.0);
        let outcome = self
            .store
            .call(move |_| {
                let idem = Idempotency::new(policy, StoreIdempotency);
                let begun = idem.begin(&scope, key.as_deref(), fingerprint);
                job_error()?;
                Ok(begun)
            })
            .await
            .map_err(|e| restyle(e.into(), style))?;
        let ticket = match outcome {
            Ok(Begin::Proceed(ticket)) => Some(ticket),
            Ok(Begin::Unprotected) => None,
            Ok(Begin::Replay(response)) => return Ok(Created { response, replayed: true }),
            Err(e) => return Err(idempotency_error(&e, style)),
        };
        let release = ticket.clone();
        let done = self
            .store
            .call(move |c| {
                let response = job(c)?;
                if let Some(ticket) = ticket {
                    Idempotency::new(policy, StoreIdempotency).complete(ticket, response.clone());
                    job_error()?;
                }
                Ok(response)
            })
            .await;
        match done {
            Ok(response) => Ok(Created { response, replayed: false }),
            Err(e) => {
                if let Some(ticket) = release {
                    let _ = self
                        .store
                        .call(move |_| {
                            Idempotency::new(policy, StoreIdempotency).abandon(ticket);
                            job_error()
                        })
                        .await;
                }
                Err(restyle(e.into(), style))
            }
        }
    }

    /// One payment of `owner`.
    pub async fn payment(&self, owner: &Principal, id: &str) -> Result<Option<Payment>, StoreError> {
        let (o, id) = (owner.0.clone(), id.to_owned());
        self.store.call(move |c| c.payment(&o, &id)).await
    }

    /// Move a payment along the clock from `from`: RCVD → ACTC → ACSC.
    pub fn schedule(&self, owner: String, id: String, from: Status) {
        let StatusClock::Stepped { accept, settle } = self.config.clock else { return };
        let store = self.store.clone();
        let notify = self.webhooks.clone();
        let steps: Vec<(Duration, Status)> = match from {
            Status::Received => vec![(accept, Status::AcceptedTechnical), (settle, Status::Settled)],
            Status::AcceptedTechnical => vec![(settle, Status::Settled)],
            _ => return,
        };
        tokio::spawn(async move {
            for (delay, status) in steps {
                tokio::time::sleep(delay).await;
                let (o, i) = (owner.clone(), id.clone());
                match store.call(move |c| payments::set_status(c, &o, &i, status, None)).await {
                    Ok(Some((_, queued))) if queued > 0 => notify.notify_one(),
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => return,
                }
            }
        });
    }
}

/// Render a store failure in the caller's style.
fn restyle(mut e: ApiError, style: Style) -> ApiError {
    e.style = style;
    e
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::config::DbPath;
    use crate::store::StoreThread;

    fn app(db: &DbPath) -> (Arc<App>, StoreThread) {
        let (store, thread) = Store::open(db).unwrap();
        let config = Config::for_tests(&["sk_test_0123456789abcdef"]);
        let auth = Arc::new(Auth::new(&config.api_keys, config.token_ttl, config.rate_limit));
        let (_, shutdown) = watch::channel(false);
        (Arc::new(App { store, config, auth, webhooks: Arc::new(Notify::new()), shutdown }), thread)
    }

    fn new_payment(minor: i64, e2e: &str) -> NewPayment {
        NewPayment { end_to_end_id: Some(e2e.into()), ..crate::store::tests::new_payment(minor) }
    }

    /// The response says which payment, in which state, at what time.
    fn render(p: &Payment) -> StoredResponse {
        let body = format!("{} {} {} {}", p.id, p.status.code(), p.created_at, p.history.len());
        StoredResponse { status: 201, headers: Vec::new(), body: body.into_bytes() }
    }

    async fn create(app: &App, key: &str, new: NewPayment) -> String {
        let idem = Idem {
            policy: Policy::PAYGLOT,
            operation: "POST /test".into(),
            key: Some(key.into()),
            fingerprint: Fingerprint::of("POST", "/test", key.as_bytes()),
        };
        let owner = Principal("o".into());
        let created = app.create_payment(&owner, Style::RestNative, new, idem, Box::new(render)).await.unwrap();
        String::from_utf8(created.response.body).unwrap()
    }

    /// Every event's time is at least the time of every event written before it, and the
    /// subscription cursor of each event's time lands before that event.
    async fn assert_time_order(app: &App) -> usize {
        let events = app.store.call(|c| c.events("o", None)).await.unwrap();
        for pair in events.windows(2) {
            assert!(pair[0].created_at <= pair[1].created_at, "{} then {}", pair[0].created_at, pair[1].created_at);
        }
        let first_at: Vec<String> = events.iter().map(|e| e.created_at.clone()).collect();
        let cursors = app
            .store
            .call(move |c| first_at.iter().map(|at| c.last_event_before(at)).collect::<Result<Vec<_>, _>>())
            .await
            .unwrap();
        for (seq, cursor) in (1_i64..).zip(&cursors) {
            assert!(*cursor < seq, "a subscription from event {seq}'s time would start after it ({cursor})");
        }
        events.len()
    }

    /// The response rendered before the job is the stored payment's; a payment stamped before
    /// an event written in the meantime takes that event's time; a decision the store changes
    /// (a repeated end-to-end id) is rendered again.
    #[tokio::test]
    async fn payments_rendered_before_their_job_match_what_is_stored_and_keep_events_in_time_order() {
        for db in [DbPath::Memory, DbPath::SqliteMemory] {
            let (app, thread) = app(&db);
            let first = create(&app, "k1", new_payment(100, "E1")).await;
            assert_eq!(create(&app, "k1", new_payment(100, "E1")).await, first, "{db:?}: the replay is the answer");
            let [id, status, at, statuses] = first.split(' ').collect::<Vec<_>>()[..] else { panic!("{first}") };
            let stored = app.payment(&Principal("o".into()), id).await.unwrap().unwrap();
            assert_eq!((status, at, statuses), (stored.status.code(), stored.created_at.as_str(), "3"), "{db:?}");
            assert_eq!(stored.status, Status::Settled);
            // An event from a clock ahead of this one: the next payment cannot be earlier.
            let ahead = "2999-01-01T00:00:00.000Z";
            app.store
                .call(move |c| Prepared::new("o", "rest:native", new_payment(200, "E2"), &[], ahead.into()).insert(c))
                .await
                .unwrap();
            let next = create(&app, "k2", new_payment(300, "E3")).await;
            assert!(next.contains(&format!(" ACSC {ahead} 3")), "{db:?}: {next}");
            // E1 again: the store finds the duplicate, the payment is rejected AM05.
            let duplicate = create(&app, "k3", new_payment(400, "E1")).await;
            assert!(duplicate.contains(" RJCT "), "{db:?}: {duplicate}");
            let dup_id = duplicate.split(' ').next().unwrap_or_default().to_owned();
            let stored = app.payment(&Principal("o".into()), &dup_id).await.unwrap().unwrap();
            assert_eq!((stored.status, stored.reason.as_deref()), (Status::Rejected, Some("AM05")));
            // A replay answers the stored response.
            assert_eq!(create(&app, "k3", new_payment(400, "E1")).await, duplicate);
            assert_eq!(assert_time_order(&app).await, 3 + 1 + 3 + 2, "{db:?}");
            thread.stop().await;
        }
    }

    /// Payments made concurrently from both executor threads: every event in time order,
    /// every response the stored payment's.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_payments_keep_events_in_time_order() {
        for db in [DbPath::Memory, DbPath::SqliteMemory] {
            let (app, thread) = app(&db);
            let mut tasks = Vec::new();
            for t in 0..8 {
                let app = app.clone();
                tasks.push(tokio::spawn(async move {
                    let mut answers = Vec::new();
                    for i in 0..50 {
                        answers.push(
                            create(&app, &format!("k{t}-{i}"), new_payment(1000 + 100 * i, &format!("E{t}-{i}"))).await,
                        );
                    }
                    answers
                }));
            }
            let mut answers = Vec::new();
            for task in tasks {
                answers.extend(task.await.unwrap());
            }
            for answer in &answers {
                let id = answer.split(' ').next().unwrap_or_default();
                let p = app.payment(&Principal("o".into()), id).await.unwrap().unwrap();
                assert_eq!(answer, &String::from_utf8(render(&p).body).unwrap(), "{db:?}");
            }
            assert_eq!(assert_time_order(&app).await, 400 * 3, "{db:?}");
            thread.stop().await;
        }
    }
}

//! The style-independent core every endpoint calls: create a payment (idempotency, scenarios,
//! store, events, status clock), read payments, and move statuses on the clock. Styles only
//! parse their request into a [`NewPayment`] and render a [`Payment`].

use std::sync::Arc;
use std::time::Duration;

use payglot_core_model::outcome::Condition;
use tokio::sync::{Notify, watch};

use crate::auth::{Auth, Principal};
use crate::config::{Config, StatusClock};
use crate::errors::{ApiError, Style};
use crate::idempotency::{self, Begin, StoredResponse};
use crate::payments::{self, NewPayment, Payment, Status};
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

/// How a style renders the payment it created (or the rejection).
pub type Render = Box<dyn FnOnce(&Payment) -> StoredResponse + Send>;

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
        tracing::error!(error = %e, "store failure");
        ApiError::condition(
            Condition::Internal,
            Style::RestNative,
            "the store failed; query the payment status before retrying",
        )
    }
}

impl App {
    /// Create a payment. `key` is the idempotency key (any style's), `fingerprint` identifies the
    /// request. Errors come back in `style`.
    pub async fn create_payment(
        &self,
        owner: &Principal,
        style: Style,
        new: NewPayment,
        key: Option<String>,
        fingerprint: String,
        render: Render,
    ) -> Result<Created, ApiError> {
        let owner: Arc<str> = owner.0.clone();
        let mut after_unavailable = false;
        if let Some(key) = &key {
            let (o, k, f) = (owner.clone(), key.clone(), fingerprint.clone());
            match self
                .store
                .call(move |c| idempotency::begin(c, &o, &k, &f))
                .await
                .map_err(|e| restyle(e.into(), style))?
            {
                Begin::Proceed { after_unavailable: a } => after_unavailable = a,
                Begin::Replay(response) => return Ok(Created { response, replayed: true }),
                Begin::InFlight => {
                    return Err(ApiError::condition(
                        Condition::Conflict,
                        style,
                        "a request with this idempotency key is in progress",
                    ));
                }
                Begin::Mismatch => {
                    return Err(ApiError::condition(
                        Condition::IdempotencyMismatch,
                        style,
                        "this idempotency key was used with a different request",
                    ));
                }
            }
        }
        let scenarios = self.config.scenarios.clone();
        // The .03 row needs no store: decide it before touching payments.
        let early = scenarios.decide(&Facts {
            amount: &new.amount,
            debtor_account: "",
            creditor_account: "",
            is_retry_after_unavailable: after_unavailable,
            duplicate_end_to_end_id: false,
        });
        if let Decision::Unavailable(retry_after) = early {
            if let Some(key) = key {
                let o = owner.clone();
                self.store
                    .call(move |c| idempotency::release(c, &o, &key, true))
                    .await
                    .map_err(|e| restyle(e.into(), style))?;
            }
            return Err(ApiError::condition(
                Condition::Unavailable,
                style,
                "the sandbox simulates an outage for amounts ending in .03; retry with the same idempotency key",
            )
            .with_retry_after(retry_after.as_secs().max(1)));
        }
        let instant = self.config.clock == StatusClock::Instant;
        let o = owner.clone();
        let key_to_release = key.clone();
        let style_id = style.format_id();
        let created = self
            .store
            .call(move |c| {
                let duplicate = match new.end_to_end_id.as_deref() {
                    Some(e2e) => payments::end_to_end_id_seen(c, &o, &new.debtor_account, e2e)?,
                    None => false,
                };
                let decision = scenarios.decide(&Facts {
                    amount: &new.amount,
                    debtor_account: &new.debtor_account,
                    creditor_account: &new.creditor_account,
                    is_retry_after_unavailable: true,
                    duplicate_end_to_end_id: duplicate,
                });
                let rejected = match decision {
                    Decision::Reject(code) => Some(code),
                    _ => None,
                };
                let mut payment = payments::insert(c, &o, style_id, &new, rejected)?;
                if instant && rejected.is_none() {
                    for status in [Status::AcceptedTechnical, Status::Settled] {
                        payments::apply_status(c, &mut payment, status, None)?;
                    }
                }
                let response = render(&payment);
                if let Some(key) = &key {
                    idempotency::complete(c, &o, key, &response)?;
                }
                Ok((decision, response, payment))
            })
            .await;
        let (decision, response, payment) = match created {
            Ok(created) => created,
            Err(e) => {
                // Nothing was committed: free the key so a retry can go through.
                if let Some(key) = key_to_release {
                    let o = owner.clone();
                    let _ = self.store.call(move |c| idempotency::release(c, &o, &key, false)).await;
                }
                return Err(restyle(e.into(), style));
            }
        };
        self.webhooks.notify_one();
        tracing::info!(
            payment = %payment.id,
            status = payment.status.code(),
            reason = payment.reason.as_deref().unwrap_or(""),
            debtor = %payglot_core_model::ids::mask(&payment.debtor_account),
            creditor = %payglot_core_model::ids::mask(&payment.creditor_account),
            style = style_id,
            "payment created"
        );
        if !instant && !payment.status.is_final() {
            self.schedule(payment.owner.clone(), payment.id.clone(), Status::Received);
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

    /// One payment of `owner`.
    pub async fn payment(&self, owner: &Principal, id: &str) -> Result<Option<Payment>, StoreError> {
        let (o, id) = (owner.0.clone(), id.to_owned());
        self.store.call(move |c| payments::get(c, &o, &id)).await
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
                    Ok(Some(_)) => notify.notify_one(),
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

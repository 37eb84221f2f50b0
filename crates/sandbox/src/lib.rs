//! The payglot sandbox: a payment provider sandbox behind `payglot serve`.
//!
//! One axum server speaks REST native, Berlin Group, Open Banking UK (v3.1 and v4), SOAP 1.1
//! and 1.2 and ISO 20022 (GraphQL joins through its own module) over one SQLite store, so a
//! payment created in one style is visible with the same id and status in every other. Every
//! request and response goes through the protocol crates' codecs and the canonical model
//! ([`canonical`]).
//!
//! # Brief overview
//! - [`serve`] / [`Server`]: bind, run, shut down gracefully (in-flight requests and due webhook
//!   deliveries finish).
//! - [`Config`]: address, store (`:memory:` or a file), status clock, scenarios, limits, keys.
//! - [`scenario`]: the deterministic outcomes (amount ending .51 → AM04, ...), one table for
//!   every style.
//! - [`verify`]: the receiver's side of webhooks (Standard Webhooks and Stripe-style).
//!
//! # Example
//! ```no_run
//! # async fn run() -> Result<(), payglot_sandbox::ServeError> {
//! let config = payglot_sandbox::Config::for_tests(&["sk_test_0123456789abcdef"]);
//! let server = payglot_sandbox::Server::bind(config).await?;
//! println!("listening on http://{}", server.local_addr());
//! server.run(async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```
//!
//! Most users want the `payglot` CLI (`payglot serve`), not this crate.

#![deny(missing_docs)]

pub mod app;
pub mod auth;
mod berlin;
pub mod canonical;
pub mod config;
pub mod db;
pub mod errors;
pub mod events;
mod graphql;
pub mod idempotency;
mod iso;
mod memory;
mod openbanking;
pub mod payments;
mod rest;
pub mod scenario;
mod soap;
mod sql;
pub mod store;
pub mod verify;
pub mod webhooks;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::request_id::{PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use crate::app::App;
pub use crate::config::{Config, DbPath, RateLimit, StatusClock, WebhookPolicy, load_api_keys};
pub use crate::scenario::Scenarios;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The store could not be opened.
    #[error("cannot open the store: {0}")]
    Store(#[from] store::StoreError),
    /// The HTTP client for webhooks could not be built.
    #[error("cannot build the webhook client: {0}")]
    Client(#[from] reqwest::Error),
    /// The server failed while running.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// A bound, not yet running server.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    app: Arc<App>,
    router: Router,
    store_thread: store::StoreThread,
    dispatcher: webhooks::Dispatcher,
    shutdown_tx: watch::Sender<bool>,
    generated_key: Option<String>,
}

/// Bind and run until `shutdown` resolves.
pub async fn serve(config: Config, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServeError> {
    Server::bind(config).await?.run(shutdown).await
}

/// A fresh test key: `sk_test_` + 32 random hex digits.
pub fn generate_test_key() -> String {
    let bytes: [u8; 16] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sk_test_{hex}")
}

/// Install a `tracing` subscriber printing to stderr (`RUST_LOG` = a level such as `warn`;
/// default `info`).
/// For binaries; a library user installs its own.
pub fn init_logging() {
    let level = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse::<tracing_subscriber::filter::LevelFilter>().ok())
        .unwrap_or(tracing_subscriber::filter::LevelFilter::INFO);
    let _ = tracing_subscriber::fmt().with_max_level(level).with_writer(std::io::stderr).try_init();
}

impl Server {
    /// Open the store, bind the address (port 0 picks a free one) and build the routes. When
    /// `config.api_keys` is empty a test key is generated: see [`Server::generated_key`].
    pub async fn bind(mut config: Config) -> Result<Self, ServeError> {
        let generated_key = if config.api_keys.is_empty() {
            let key = generate_test_key();
            config.api_keys.push(key.clone());
            Some(key)
        } else {
            None
        };
        let (store, store_thread) = store::Store::open(&config.db)?;
        store.call(|db| idempotency::drop_in_flight(db)).await?;
        let listener =
            TcpListener::bind(config.addr).await.map_err(|source| ServeError::Bind { addr: config.addr, source })?;
        let dispatcher = webhooks::Dispatcher::new(store.clone(), config.webhooks)?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let auth = Arc::new(auth::Auth::new(&config.api_keys, config.token_ttl, config.rate_limit));
        let app = Arc::new(App {
            store: store.clone(),
            config: config.clone(),
            auth: auth.clone(),
            webhooks: dispatcher.notify.clone(),
            shutdown: shutdown_rx,
        });
        let router = router(app.clone(), auth, config.max_body_bytes);
        Ok(Self { listener, app, router, store_thread, dispatcher, shutdown_tx, generated_key })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.app.config.addr)
    }

    /// The test key created because none was configured. Print it once; it is never logged.
    pub fn generated_key(&self) -> Option<&str> {
        self.generated_key.as_deref()
    }

    /// Serve until `shutdown` resolves; then stop accepting, finish in-flight requests, finish
    /// due webhook deliveries (within the grace period), and close the store.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServeError> {
        let Self { listener, app, router, store_thread, dispatcher, shutdown_tx, .. } = self;
        // Resume the clock of payments left open by a previous run.
        if let Ok(open) = app.store.call(|db| db.open_payments()).await {
            for (id, owner, status) in open {
                app.schedule(owner, id, status);
            }
        }
        let worker = tokio::spawn(dispatcher.run(app.shutdown.clone()));
        let tx = shutdown_tx.clone();
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight requests");
            let _ = tx.send(true);
        };
        // Small JSON answers: send each at once instead of waiting for the peer's ACK (Nagle).
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "cannot set TCP_NODELAY");
            }
        });
        let served = axum::serve(listener, router).with_graceful_shutdown(signal).await;
        let _ = shutdown_tx.send(true);
        let _ = worker.await;
        drop(app);
        store_thread.stop().await;
        tracing::info!("stopped");
        served.map_err(ServeError::Io)
    }
}

fn router(app: Arc<App>, auth: Arc<auth::Auth>, max_body: usize) -> Router {
    let request_id = axum::http::HeaderName::from_static("x-request-id");
    let routes = Router::new()
        .route("/healthz", get(rest::healthz))
        .route("/oauth/token", post(rest::oauth_token))
        .route("/v1/payments", post(rest::create_payment).get(rest::list_payments))
        // GET: a payment by id (REST native); POST: a Berlin Group payment product.
        .route("/v1/payments/{id}", get(rest::get_payment).post(berlin::initiate))
        .route("/v1/payments/{id}/{payment_id}/status", get(berlin::status))
        .route("/v1/{product}", post(berlin::initiate))
        .route("/open-banking/{version}/pisp/domestic-payment-consents", post(openbanking::create_consent))
        .route("/open-banking/{version}/pisp/domestic-payment-consents/{id}", get(openbanking::get_consent))
        .route("/open-banking/{version}/pisp/domestic-payments", post(openbanking::create_payment))
        .route("/open-banking/{version}/pisp/domestic-payments/{id}", get(openbanking::get_payment))
        .route("/iso20022", post(iso::initiate))
        .route("/iso20022/payments/{id}/status", get(iso::status))
        .route("/iso20022/statements/{account}", get(iso::statement))
        .route("/iso20022/notifications", get(iso::notifications))
        .route("/v1/accounts/{id}/transactions", get(rest::account_transactions))
        .route("/v1/webhook-endpoints", post(rest::create_endpoint).get(rest::list_endpoints))
        .route("/v1/webhook-endpoints/{id}/deliveries", get(rest::list_deliveries))
        .route("/v1/events", get(rest::list_events))
        .route("/soap", get(soap::wsdl).post(soap::post))
        .route("/graphql", graphql::route(&app))
        .fallback(rest::not_found)
        .with_state(app);
    // The middleware wraps the router once, as one service, rather than through
    // `Router::layer`, which wraps every route in its own stack of boxed services that is
    // cloned, box by box, for every request (36 allocations per payment). The order is the
    // same: the request id and trace outermost, authentication innermost.
    let layered = tower::ServiceBuilder::new()
        .map_request(mark_client_request_id)
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<axum::body::Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %log_path(req.uri().path()), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(auth::AuthLayer(auth))
        .service(routes);
    Router::new().fallback_service(layered)
}

/// The `X-Request-ID` of a request that came without one: a random (version 4) UUID, as
/// tower-http's `MakeRequestUuid` makes, but drawn from the thread's random generator instead of
/// the operating system's (a `getrandom` system call per request) and written without a copy.
#[derive(Debug, Clone, Copy)]
struct MakeRequestUuid;

impl tower_http::request_id::MakeRequestId for MakeRequestUuid {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let uuid = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        let mut text = uuid::Uuid::encode_buffer();
        axum::http::HeaderValue::from_str(uuid.hyphenated().encode_lower(&mut text)).ok().map(RequestId::new)
    }
}

/// Record whether the client sent its own `X-Request-ID` before the request-id layer adds one
/// (Berlin Group requires it). A plain function of the request (`map_request`), not an async
/// middleware: that boxes the rest of the stack and its future for every request.
fn mark_client_request_id(mut request: axum::extract::Request) -> axum::extract::Request {
    let sent = request.headers().contains_key("x-request-id");
    request.extensions_mut().insert(berlin::ClientRequestId(sent));
    request
}

/// A path fit for logs: account ids in it are masked.
pub fn log_path(path: &str) -> String {
    for prefix in ["/v1/accounts/", "/iso20022/statements/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let (account, tail) = rest.split_once('/').map_or((rest, ""), |(a, t)| (a, t));
            let sep = if tail.is_empty() { "" } else { "/" };
            return format!("{prefix}{}{sep}{tail}", payglot_core_model::ids::mask(account));
        }
    }
    path.to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn log_paths_mask_accounts() {
        assert_eq!(
            super::log_path("/v1/accounts/DE89370400440532013000/transactions"),
            "/v1/accounts/DE89********3000/transactions"
        );
        assert_eq!(super::log_path("/iso20022/statements/acc_123456"), "/iso20022/statements/****3456");
        assert_eq!(super::log_path("/v1/payments"), "/v1/payments");
    }

    #[test]
    fn generated_request_ids_are_random_v4_uuids() {
        use tower_http::request_id::MakeRequestId;
        let request = axum::http::Request::new(());
        let ids: Vec<uuid::Uuid> = (0..2)
            .filter_map(|_| super::MakeRequestUuid.make_request_id(&request))
            .filter_map(|id| uuid::Uuid::parse_str(id.header_value().to_str().ok()?).ok())
            .collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.iter().all(|id| id.get_version_num() == 4 && id.get_variant() == uuid::Variant::RFC4122));
        assert_ne!(ids.first(), ids.last());
    }
}

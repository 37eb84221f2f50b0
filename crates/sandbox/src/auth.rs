//! Authentication and per-key rate limiting.
//!
//! API keys (`Authorization: Bearer sk_test_...`) and OAuth 2.0 client-credentials tokens
//! (`POST /oauth/token`, RFC 6749 §4.4) both resolve to a [`Principal`]: the owner of payments,
//! events and webhook endpoints. Keys and tokens are held only as SHA-256 digests, so the
//! lookup compares no secret byte by byte and a memory dump shows none; they are never logged.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use payglot_core_model::outcome::Condition;
use sha2::{Digest, Sha256};

use crate::config::RateLimit;
use crate::errors::{ApiError, Style};

/// Who is calling: `key_` + the first 16 hex digits of the key's SHA-256 (not the key).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal(pub Arc<str>);

type Digest32 = [u8; 32];

fn digest(secret: &str) -> Digest32 {
    Sha256::digest(secret.as_bytes()).into()
}

/// Keys, live tokens and the rate limiter.
pub struct Auth {
    keys: HashMap<Digest32, Principal>,
    tokens: Mutex<HashMap<Digest32, (Principal, Instant)>>,
    token_ttl: Duration,
    limiter: DefaultKeyedRateLimiter<Arc<str>>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth").field("keys", &self.keys.len()).finish_non_exhaustive()
    }
}

/// An issued access token.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Token {
    /// The bearer token (`at_...`).
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Lifetime in seconds.
    pub expires_in: u64,
}

impl Auth {
    /// Accept these keys; tokens live `token_ttl`.
    pub fn new(keys: &[String], token_ttl: Duration, rate: RateLimit) -> Self {
        let keys = keys
            .iter()
            .map(|k| {
                let d = digest(k);
                let id: String = d.iter().take(8).map(|b| format!("{b:02x}")).collect();
                (d, Principal(format!("key_{id}").into()))
            })
            .collect();
        let per_second = NonZeroU32::new(rate.per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(rate.burst).unwrap_or(per_second);
        let limiter = RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst));
        Self { keys, tokens: Mutex::new(HashMap::new()), token_ttl, limiter }
    }

    /// The principal of an API key or live token.
    pub fn principal(&self, bearer: &str) -> Option<Principal> {
        let d = digest(bearer);
        if let Some(p) = self.keys.get(&d) {
            return Some(p.clone());
        }
        let mut tokens = self.tokens.lock().ok()?;
        match tokens.get(&d) {
            Some((p, expires)) if *expires > Instant::now() => Some(p.clone()),
            Some(_) => {
                tokens.remove(&d);
                None
            }
            None => None,
        }
    }

    /// Issue a token to the holder of an API key (the client secret).
    pub fn issue_token(&self, client_secret: &str) -> Option<Token> {
        let principal = self.keys.get(&digest(client_secret))?.clone();
        let bytes: [u8; 32] = rand::random();
        let access_token = format!("at_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
        let mut tokens = self.tokens.lock().ok()?;
        let now = Instant::now();
        tokens.retain(|_, (_, expires)| *expires > now);
        tokens.insert(digest(&access_token), (principal, now + self.token_ttl));
        Some(Token { access_token, token_type: "Bearer", expires_in: self.token_ttl.as_secs() })
    }

    /// `Ok` or the seconds to wait.
    pub fn check_rate(&self, principal: &Principal) -> Result<(), u64> {
        self.limiter.check_key(&principal.0).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// The bearer credential of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credential) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| credential.trim())
}

/// Paths that need no credentials: health, the token endpoint, the WSDL and the GraphiQL page.
fn is_public(method: &axum::http::Method, path: &str) -> bool {
    path == "/healthz"
        || path == "/oauth/token"
        || (*method == axum::http::Method::GET && (path == "/soap" || path == "/graphql"))
}

/// Authenticate, then rate-limit per principal: the principal goes into the request
/// extensions (`None`), or the refusal (401, 429) in the caller's style comes back.
fn refusal(auth: &Auth, request: &mut Request) -> Option<Response> {
    let path = request.uri().path();
    if is_public(request.method(), path) {
        return None;
    }
    let style = Style::of(path, request.headers());
    let Some(principal) = bearer(request.headers()).and_then(|b| auth.principal(b)) else {
        return Some(
            ApiError::condition(
                Condition::Unauthenticated,
                style,
                "send Authorization: Bearer with an API key or an access token",
            )
            .into_response(),
        );
    };
    if let Err(wait) = auth.check_rate(&principal) {
        return Some(
            ApiError::condition(Condition::RateLimited, style, "rate limit exceeded for this key")
                .with_retry_after(wait.max(1))
                .into_response(),
        );
    }
    request.extensions_mut().insert(principal);
    None
}

/// The authentication middleware ([`refusal`] before the inner service) as a tower layer. Not
/// `axum::middleware::from_fn`: that boxes the inner service and the request's future for
/// every request, and the check itself is synchronous.
#[derive(Debug, Clone)]
pub struct AuthLayer(pub Arc<Auth>);

impl<S> tower::Layer<S> for AuthLayer {
    type Service = Authenticated<S>;

    fn layer(&self, inner: S) -> Authenticated<S> {
        Authenticated { auth: self.0.clone(), inner }
    }
}

/// A service behind [`AuthLayer`].
#[derive(Debug, Clone)]
pub struct Authenticated<S> {
    auth: Arc<Auth>,
    inner: S,
}

impl<S> tower::Service<Request> for Authenticated<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
    S::Future: Unpin,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answer<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Answer<S::Future> {
        match refusal(&self.auth, &mut request) {
            None => Answer::Admitted(self.inner.call(request)),
            refused => Answer::Refused(refused),
        }
    }
}

/// The answer of an [`Authenticated`] service: the refusal, or the inner service's answer.
#[derive(Debug)]
pub enum Answer<F> {
    /// Refused (taken when polled).
    Refused(Option<Response>),
    /// The inner service's answer.
    Admitted(F),
}

impl<F> Future for Answer<F>
where
    F: Future<Output = Result<Response, Infallible>> + Unpin,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Answer::Refused(refusal) => {
                Poll::Ready(Ok(refusal.take().unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())))
            }
            Answer::Admitted(inner) => Pin::new(inner).poll(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tokens_and_limits() {
        let auth =
            Auth::new(&["sk_test_aaaaaaaaaaaa".into()], Duration::from_secs(60), RateLimit { per_second: 1, burst: 2 });
        let p = auth.principal("sk_test_aaaaaaaaaaaa").unwrap();
        assert!(p.0.starts_with("key_") && !p.0.contains("aaaa"));
        assert!(auth.principal("sk_test_bbbbbbbbbbbb").is_none());
        assert!(auth.issue_token("sk_test_bbbbbbbbbbbb").is_none());
        let token = auth.issue_token("sk_test_aaaaaaaaaaaa").unwrap();
        assert_eq!(auth.principal(&token.access_token), Some(p.clone()));
        assert!(auth.check_rate(&p).is_ok());
        assert!(auth.check_rate(&p).is_ok());
        assert!(matches!(auth.check_rate(&p), Err(wait) if wait >= 1));
        let expired = Auth::new(&["sk_test_aaaaaaaaaaaa".into()], Duration::ZERO, RateLimit::default());
        let token = expired.issue_token("sk_test_aaaaaaaaaaaa").unwrap();
        assert!(expired.principal(&token.access_token).is_none());
    }

    #[test]
    fn bearer_header() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, "bearer  sk_test_x ".parse().unwrap());
        assert_eq!(bearer(&h), Some("sk_test_x"));
        h.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&h), None);
    }
}

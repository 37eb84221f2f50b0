//! The receiver's side of webhooks: verify a delivery's signature before trusting it.
//!
//! - [`verify_standard`]: Standard Webhooks (`webhook-id`, `webhook-timestamp`,
//!   `webhook-signature: v1,<base64>`), HMAC-SHA256 computed by the `standardwebhooks` crate.
//! - [`verify_stripe_style`]: `t=<unix>,v1=<hex>` headers as Stripe sends them (the sandbox
//!   sends one too, as `payglot-signature`), HMAC-SHA256 over `"{t}.{body}"`.
//!
//! Both check the timestamp against a tolerance (replays of old deliveries fail) and compare
//! signatures in constant time (`subtle`).

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The tolerance Standard Webhooks and Stripe recommend: five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a delivery was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A header is missing or not text.
    #[error("missing or unreadable header {0}")]
    MissingHeader(&'static str),
    /// The timestamp is not a Unix time in seconds.
    #[error("invalid timestamp")]
    InvalidTimestamp,
    /// The timestamp is further from now than the tolerance.
    #[error("timestamp outside the tolerance")]
    TimestampOutOfTolerance,
    /// The secret is not `whsec_` + base64.
    #[error("invalid secret")]
    InvalidSecret,
    /// No signature matched.
    #[error("no matching signature")]
    InvalidSignature,
}

fn header<'a>(headers: &'a axum::http::HeaderMap, name: &'static str) -> Result<&'a str, VerifyError> {
    headers.get(name).and_then(|v| v.to_str().ok()).ok_or(VerifyError::MissingHeader(name))
}

fn check_time(timestamp: i64, now: i64, tolerance: Duration) -> Result<(), VerifyError> {
    if now.abs_diff(timestamp) > tolerance.as_secs() {
        return Err(VerifyError::TimestampOutOfTolerance);
    }
    Ok(())
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Sign a Standard Webhooks message: the `webhook-signature` value (`v1,<base64>`).
pub fn sign_standard(secret: &str, msg_id: &str, timestamp: i64, body: &[u8]) -> Result<String, VerifyError> {
    let webhook = standardwebhooks::Webhook::new(secret).map_err(|_| VerifyError::InvalidSecret)?;
    webhook.sign(msg_id, timestamp, body).map_err(|_| VerifyError::InvalidSignature)
}

/// Verify a Standard Webhooks delivery at time `now` (Unix seconds). Any of the space-separated
/// `v1,` signatures may match (secret rotation).
pub fn verify_standard(
    secret: &str,
    headers: &axum::http::HeaderMap,
    body: &[u8],
    tolerance: Duration,
    now: i64,
) -> Result<(), VerifyError> {
    let id = header(headers, "webhook-id")?;
    let timestamp = header(headers, "webhook-timestamp")?;
    let signatures = header(headers, "webhook-signature")?;
    let timestamp: i64 = timestamp.parse().map_err(|_| VerifyError::InvalidTimestamp)?;
    check_time(timestamp, now, tolerance)?;
    let expected = sign_standard(secret, id, timestamp, body)?;
    let expected = expected.strip_prefix("v1,").ok_or(VerifyError::InvalidSignature)?;
    let matched = signatures
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .fold(subtle::Choice::from(0), |acc, sig| acc | sig.as_bytes().ct_eq(expected.as_bytes()));
    if bool::from(matched) { Ok(()) } else { Err(VerifyError::InvalidSignature) }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn stripe_mac(secret: &str, timestamp: i64, body: &[u8]) -> Result<String, VerifyError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| VerifyError::InvalidSecret)?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(hex(&mac.finalize().into_bytes()))
}

/// Sign Stripe-style: the header value `t=<timestamp>,v1=<hex hmac>` (the whole secret string,
/// `whsec_` included, is the HMAC key, as Stripe does).
pub fn sign_stripe_style(secret: &str, timestamp: i64, body: &[u8]) -> Result<String, VerifyError> {
    Ok(format!("t={timestamp},v1={}", stripe_mac(secret, timestamp, body)?))
}

/// Verify a Stripe-style signature header value (`t=...,v1=...[,v1=...]`) at time `now`.
pub fn verify_stripe_style(
    secret: &str,
    header_value: &str,
    body: &[u8],
    tolerance: Duration,
    now: i64,
) -> Result<(), VerifyError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header_value.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = Some(t.parse::<i64>().map_err(|_| VerifyError::InvalidTimestamp)?),
            Some(("v1", sig)) => signatures.push(sig),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(VerifyError::InvalidTimestamp)?;
    check_time(timestamp, now, tolerance)?;
    let expected = stripe_mac(secret, timestamp, body)?;
    let matched =
        signatures.iter().fold(subtle::Choice::from(0), |acc, sig| acc | sig.as_bytes().ct_eq(expected.as_bytes()));
    if bool::from(matched) { Ok(()) } else { Err(VerifyError::InvalidSignature) }
}

/// A new endpoint secret: `whsec_` + base64 of 24 random bytes.
pub fn new_secret() -> String {
    let bytes: [u8; 24] = rand::random();
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

    #[test]
    fn standard_known_vector() {
        // The Standard Webhooks reference vector.
        let sig = sign_standard(
            SECRET,
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1_649_367_553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
    }

    fn headers(id: &str, ts: i64, sig: &str) -> axum::http::HeaderMap {
        let mut h = axum::http::HeaderMap::new();
        h.insert("webhook-id", id.parse().unwrap());
        h.insert("webhook-timestamp", ts.to_string().parse().unwrap());
        h.insert("webhook-signature", sig.parse().unwrap());
        h
    }

    #[test]
    fn standard_verify_accepts_and_refuses() {
        let body = br#"{"a":1}"#;
        let now = 1_700_000_000;
        let sig = sign_standard(SECRET, "evt_1", now, body).unwrap();
        let other = format!("v1,AAAA {sig}");
        assert_eq!(verify_standard(SECRET, &headers("evt_1", now, &other), body, DEFAULT_TOLERANCE, now + 10), Ok(()));
        assert_eq!(
            verify_standard(SECRET, &headers("evt_1", now, &sig), b"{\"a\":2}", DEFAULT_TOLERANCE, now),
            Err(VerifyError::InvalidSignature)
        );
        assert_eq!(
            verify_standard(SECRET, &headers("evt_2", now, &sig), body, DEFAULT_TOLERANCE, now),
            Err(VerifyError::InvalidSignature)
        );
        assert_eq!(
            verify_standard(SECRET, &headers("evt_1", now, &sig), body, DEFAULT_TOLERANCE, now + 301),
            Err(VerifyError::TimestampOutOfTolerance)
        );
        assert_eq!(
            verify_standard("whsec_###", &headers("evt_1", now, &sig), body, DEFAULT_TOLERANCE, now),
            Err(VerifyError::InvalidSecret)
        );
        assert_eq!(
            verify_standard(SECRET, &axum::http::HeaderMap::new(), body, DEFAULT_TOLERANCE, now),
            Err(VerifyError::MissingHeader("webhook-id"))
        );
    }

    #[test]
    fn stripe_style_round_trip_and_failures() {
        let body = br#"{"id":"evt_1"}"#;
        let now = 1_700_000_000;
        let header = sign_stripe_style(SECRET, now, body).unwrap();
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(verify_stripe_style(SECRET, &header, body, DEFAULT_TOLERANCE, now + 5), Ok(()));
        assert_eq!(
            verify_stripe_style(SECRET, &header, b"{}", DEFAULT_TOLERANCE, now),
            Err(VerifyError::InvalidSignature)
        );
        assert_eq!(
            verify_stripe_style(SECRET, &header, body, Duration::from_secs(60), now + 61),
            Err(VerifyError::TimestampOutOfTolerance)
        );
        assert_eq!(
            verify_stripe_style(SECRET, "v1=00", body, DEFAULT_TOLERANCE, now),
            Err(VerifyError::InvalidTimestamp)
        );
        // Stripe's documented scheme, computed independently: HMAC-SHA256("whsec_x", "1.{}").
        let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_x").unwrap();
        mac.update(b"1.{}");
        assert_eq!(
            sign_stripe_style("whsec_x", 1, b"{}").unwrap(),
            format!("t=1,v1={}", hex(&mac.finalize().into_bytes()))
        );
    }

    #[test]
    fn secrets_are_fresh_and_usable() {
        let a = new_secret();
        assert!(a.starts_with("whsec_"));
        assert_ne!(a, new_secret());
        assert!(sign_standard(&a, "m", 1, b"x").is_ok());
    }
}

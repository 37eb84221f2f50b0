//! WS-Security UsernameToken: digest vector (computed independently with Python's hashlib),
//! round trip through a real envelope, verification, freshness, replay, and secrets kept out
//! of Debug and errors.

use chrono::{DateTime, Duration, Utc};
use payglot_core_model::DecodeLimits;
use payglot_soap::wssec::{
    MemoryNonceCache, PasswordType, Secret, UsernameToken, Verifier, WsseError, password_digest,
};
use payglot_soap::{SoapVersion, parse_envelope, write_envelope};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

#[test]
fn digest_matches_an_independent_computation() {
    // python3: base64(sha1(b64decode(nonce) + created + password))
    use base64::Engine as _;
    let nonce = base64::engine::general_purpose::STANDARD.decode("WScqanjCEAC4mQoBE07sAQ==").unwrap_or_default();
    assert_eq!(password_digest(&nonce, "2003-07-16T01:24:32Z", "IloveDogs"), "cywFYG+KaPMK3PCWR+m+DWtqzac=");
}

fn round_trip(token: &UsernameToken, version: SoapVersion) -> Result<UsernameToken, String> {
    let envelope = write_envelope(version, &[token.to_header(version)], "<a xmlns=\"urn:a\"/>");
    let message = parse_envelope(envelope.as_bytes(), &DecodeLimits::default()).map_err(|e| e.to_string())?;
    // The Security header is understood; nothing else is mustUnderstand.
    message.check_must_understand(&[(payglot_soap::NS_WSSE, "Security")]).map_err(|e| e.to_string())?;
    assert!(message.check_must_understand(&[]).is_err(), "Security is written with mustUnderstand");
    UsernameToken::from_message(&message).map_err(|e| e.to_string())
}

#[test]
fn digest_tokens_round_trip_and_verify_once() {
    let password = Secret::new("IloveDogs");
    let now = at("2024-03-01T10:00:00Z");
    let token = UsernameToken::digest("acme", &password, vec![7; 16], now);
    for version in [SoapVersion::V1_1, SoapVersion::V1_2] {
        let back = round_trip(&token, version);
        assert_eq!(back.as_ref(), Ok(&token), "{version:?}");
    }
    let cache = MemoryNonceCache::new(Duration::minutes(5));
    let verifier = Verifier::default();
    assert_eq!(verifier.verify(&token, &password, now + Duration::seconds(10), &cache), Ok(()));
    // Same nonce again: a replay.
    assert_eq!(verifier.verify(&token, &password, now + Duration::seconds(20), &cache), Err(WsseError::Replay));
    // Wrong password.
    let other = UsernameToken::digest("acme", &password, vec![8; 16], now);
    assert_eq!(verifier.verify(&other, &Secret::new("wrong"), now, &cache), Err(WsseError::FailedAuthentication));
    // Too old, and from the future.
    let old = UsernameToken::digest("acme", &password, vec![9; 16], now - Duration::minutes(6));
    assert_eq!(verifier.verify(&old, &password, now, &cache), Err(WsseError::Expired));
    let future = UsernameToken::digest("acme", &password, vec![10; 16], now + Duration::minutes(2));
    assert_eq!(verifier.verify(&future, &password, now, &cache), Err(WsseError::NotYetValid));
}

#[test]
fn text_tokens_verify_and_can_be_refused() {
    let token = UsernameToken::text("acme", Secret::new("s3cret-Pa55"));
    let back = round_trip(&token, SoapVersion::V1_1);
    assert_eq!(back.as_ref().map(|t| t.password_type), Ok(PasswordType::Text));
    let cache = MemoryNonceCache::new(Duration::minutes(5));
    let now = at("2024-03-01T10:00:00Z");
    assert_eq!(Verifier::default().verify(&token, &Secret::new("s3cret-Pa55"), now, &cache), Ok(()));
    let strict = Verifier { allow_password_text: false, ..Verifier::default() };
    assert_eq!(strict.verify(&token, &Secret::new("s3cret-Pa55"), now, &cache), Err(WsseError::FailedAuthentication));
}

#[test]
fn secrets_never_show() {
    let token = UsernameToken::text("acme", Secret::new("s3cret-Pa55"));
    let envelope = write_envelope(SoapVersion::V1_1, &[token.to_header(SoapVersion::V1_1)], "<a xmlns=\"urn:a\"/>");
    let message = parse_envelope(envelope.as_bytes(), &DecodeLimits::default()).map_err(|e| e.to_string());
    for shown in [
        format!("{token:?}"),
        format!("{message:?}"),
        WsseError::FailedAuthentication.to_string(),
        WsseError::FailedAuthentication.to_fault(SoapVersion::V1_2).to_envelope(SoapVersion::V1_2),
    ] {
        assert!(!shown.contains("s3cret"), "{shown}");
    }
    let digest = UsernameToken::digest("acme", &Secret::new("s3cret-Pa55"), vec![1; 16], at("2024-03-01T10:00:00Z"));
    assert!(!format!("{digest:?}").contains(digest.password.expose()));
}

#[test]
fn fixture_header_reads() {
    let input = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/soap/payglot/initiate-payment-with-ws-security-soap11/input.xml"),
    )
    .unwrap_or_default();
    let message = parse_envelope(&input, &DecodeLimits::default()).map_err(|e| e.to_string());
    let token =
        message.as_ref().map_err(Clone::clone).and_then(|m| UsernameToken::from_message(m).map_err(|e| e.to_string()));
    assert_eq!(token.as_ref().map(|t| (t.username.as_str(), t.password_type)), Ok(("acme-api", PasswordType::Text)));
    let cache = MemoryNonceCache::new(Duration::minutes(5));
    let result =
        token.map(|t| Verifier::default().verify(&t, &Secret::new("s3cret-Pa55"), at("2024-03-01T09:16:00Z"), &cache));
    assert_eq!(result, Ok(Ok(())));
}

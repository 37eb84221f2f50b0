//! WS-Security UsernameToken (OASIS UsernameToken Profile 1.0/1.1): reading and writing the
//! `wsse:Security` header on yaserde, `PasswordText` and `PasswordDigest`
//! (`Base64(SHA-1(nonce + created + password))`), and verification with a freshness window on
//! `wsu:Created` and nonce replay detection through a caller-supplied [`NonceCache`].
//!
//! Secrets never appear in `Debug` output or errors: passwords and digests print as `***`,
//! errors name the check that failed and nothing else.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sha1::{Digest as _, Sha1};
use yaserde::{YaDeserialize, YaSerialize};

use crate::NS_WSSE;
use crate::envelope::{SoapMessage, SoapVersion};
use crate::fault::Fault;

/// `PasswordText` type URI.
pub const PASSWORD_TEXT: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
/// `PasswordDigest` type URI.
pub const PASSWORD_DIGEST: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
/// Base64 encoding type URI of `wsse:Nonce`.
pub const BASE64_BINARY: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";

/// A secret string: compared in constant time, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call only where it must be used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How the password travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordType {
    /// In clear (only over TLS).
    Text,
    /// `Base64(SHA-1(nonce + created + password))`.
    Digest,
}

/// A `wsse:UsernameToken`.
#[derive(Clone, PartialEq, Eq)]
pub struct UsernameToken {
    /// The user name.
    pub username: String,
    /// The password (`Text`) or its digest (`Digest`), as sent.
    pub password: Secret,
    /// How the password travels.
    pub password_type: PasswordType,
    /// The nonce, decoded from base64.
    pub nonce: Option<Vec<u8>>,
    /// `wsu:Created`, as written.
    pub created: Option<String>,
}

impl fmt::Debug for UsernameToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsernameToken")
            .field("username", &self.username)
            .field("password", &self.password)
            .field("password_type", &self.password_type)
            .field("nonce_bytes", &self.nonce.as_ref().map(Vec::len))
            .field("created", &self.created)
            .finish()
    }
}

/// Why a UsernameToken was refused. Deliberately terse: no secret, no hint which part of a
/// credential was wrong beyond the check's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsseError {
    /// No `wsse:Security` header, or none with a UsernameToken.
    Missing,
    /// The header is not a well-formed UsernameToken.
    Malformed(String),
    /// The user name or password does not match.
    FailedAuthentication,
    /// `wsu:Created` is older than the freshness window.
    Expired,
    /// `wsu:Created` is in the future beyond the allowed clock skew.
    NotYetValid,
    /// The nonce was seen before within the window: a replay.
    Replay,
}

impl fmt::Display for WsseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("no WS-Security UsernameToken"),
            Self::Malformed(why) => write!(f, "malformed WS-Security UsernameToken: {why}"),
            Self::FailedAuthentication => f.write_str("authentication failed"),
            Self::Expired => f.write_str("UsernameToken Created is outside the freshness window"),
            Self::NotYetValid => f.write_str("UsernameToken Created is in the future"),
            Self::Replay => f.write_str("UsernameToken nonce was already used (replay)"),
        }
    }
}

impl std::error::Error for WsseError {}

impl WsseError {
    /// The fault a server answers with: unauthenticated, through the outcome table. The
    /// reason text says "authentication failed" whatever the check, so a client learns nothing
    /// about which part was wrong.
    pub fn to_fault(&self, version: SoapVersion) -> Fault {
        let mut fault = Fault::from_condition(payglot_core_model::outcome::Condition::Unauthenticated, version);
        fault.reason = "authentication failed".to_owned();
        fault
    }
}

/// Remembers nonces for the freshness window, so a token cannot be replayed. Callers supply
/// one shared by every server instance (a database or cache in production).
pub trait NonceCache: Send + Sync {
    /// Record `nonce` of a token created at `created`; return `false` if it was already
    /// recorded (a replay).
    fn insert_if_new(&self, nonce: &[u8], created: DateTime<Utc>) -> bool;
}

/// An in-process [`NonceCache`] that forgets nonces older than its window.
#[derive(Debug, Default)]
pub struct MemoryNonceCache {
    seen: Mutex<HashMap<Vec<u8>, DateTime<Utc>>>,
    window: Duration,
}

impl MemoryNonceCache {
    /// A cache remembering nonces for `window` after their creation time.
    pub fn new(window: Duration) -> Self {
        Self { seen: Mutex::new(HashMap::new()), window }
    }
}

impl NonceCache for MemoryNonceCache {
    fn insert_if_new(&self, nonce: &[u8], created: DateTime<Utc>) -> bool {
        let Ok(mut seen) = self.seen.lock() else { return false };
        let horizon = created - self.window - self.window;
        seen.retain(|_, at| *at >= horizon);
        if seen.contains_key(nonce) {
            return false;
        }
        seen.insert(nonce.to_vec(), created);
        true
    }
}

/// The password digest: `Base64(SHA-1(nonce + created + password))`.
pub fn password_digest(nonce: &[u8], created: &str, password: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(nonce);
    hasher.update(created.as_bytes());
    hasher.update(password.as_bytes());
    BASE64.encode(hasher.finalize())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Verification settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verifier {
    /// How old `Created` may be. Default: 5 minutes.
    pub freshness: Duration,
    /// How far in the future `Created` may be (clock skew). Default: 1 minute.
    pub clock_skew: Duration,
    /// Whether `PasswordText` tokens are accepted. Default: true (use only over TLS).
    pub allow_password_text: bool,
}

impl Default for Verifier {
    fn default() -> Self {
        Self { freshness: Duration::minutes(5), clock_skew: Duration::minutes(1), allow_password_text: true }
    }
}

impl Verifier {
    /// Verify `token` against the user's `password` at time `now`, recording its nonce in
    /// `cache`. Tokens with a nonce or a `Created` are checked for freshness and replay; a
    /// digest token must have both.
    pub fn verify(
        &self,
        token: &UsernameToken,
        password: &Secret,
        now: DateTime<Utc>,
        cache: &dyn NonceCache,
    ) -> Result<(), WsseError> {
        let created = match &token.created {
            Some(text) => Some(
                DateTime::parse_from_rfc3339(text.trim())
                    .map_err(|_| WsseError::Malformed("Created is not an xs:dateTime with offset".to_owned()))?
                    .with_timezone(&Utc),
            ),
            None => None,
        };
        let ok = match token.password_type {
            PasswordType::Text => {
                if !self.allow_password_text {
                    return Err(WsseError::FailedAuthentication);
                }
                constant_time_eq(token.password.expose().as_bytes(), password.expose().as_bytes())
            }
            PasswordType::Digest => {
                let (Some(nonce), Some(created_text)) = (&token.nonce, &token.created) else {
                    return Err(WsseError::Malformed("PasswordDigest needs Nonce and Created".to_owned()));
                };
                let expected = password_digest(nonce, created_text, password.expose());
                constant_time_eq(expected.as_bytes(), token.password.expose().trim().as_bytes())
            }
        };
        if !ok {
            return Err(WsseError::FailedAuthentication);
        }
        if let Some(created) = created {
            if created > now + self.clock_skew {
                return Err(WsseError::NotYetValid);
            }
            if now - created > self.freshness {
                return Err(WsseError::Expired);
            }
            if let Some(nonce) = &token.nonce
                && !cache.insert_if_new(nonce, created)
            {
                return Err(WsseError::Replay);
            }
        }
        Ok(())
    }
}

impl UsernameToken {
    /// A `PasswordText` token.
    pub fn text(username: impl Into<String>, password: Secret) -> Self {
        Self { username: username.into(), password, password_type: PasswordType::Text, nonce: None, created: None }
    }

    /// A `PasswordDigest` token for `password` with a caller-chosen random `nonce` (16 bytes
    /// from a CSPRNG) created at `created`.
    pub fn digest(username: impl Into<String>, password: &Secret, nonce: Vec<u8>, created: DateTime<Utc>) -> Self {
        let created = created.to_rfc3339_opts(SecondsFormat::Millis, true);
        let digest = password_digest(&nonce, &created, password.expose());
        Self {
            username: username.into(),
            password: Secret(digest),
            password_type: PasswordType::Digest,
            nonce: Some(nonce),
            created: Some(created),
        }
    }

    /// The `wsse:Security` header block holding the token, with `mustUnderstand="1"` in
    /// `version`'s envelope namespace (whose prefix the envelope writer declares).
    pub fn to_header(&self, version: SoapVersion) -> String {
        let xml = SecurityXml {
            username_token: Some(UsernameTokenXml {
                username: self.username.clone(),
                password: Some(PasswordXml {
                    kind: Some(
                        match self.password_type {
                            PasswordType::Text => PASSWORD_TEXT,
                            PasswordType::Digest => PASSWORD_DIGEST,
                        }
                        .to_owned(),
                    ),
                    value: self.password.expose().to_owned(),
                }),
                nonce: self
                    .nonce
                    .as_ref()
                    .map(|n| NonceXml { encoding: Some(BASE64_BINARY.to_owned()), value: BASE64.encode(n) }),
                created: self.created.clone(),
            }),
        };
        let config =
            yaserde::ser::Config { perform_indent: false, write_document_declaration: false, indent_string: None };
        let text = yaserde::ser::to_string_with_config(&xml, &config).unwrap_or_default();
        text.replacen("<wsse:Security", &format!("<wsse:Security {}:mustUnderstand=\"1\"", version.prefix()), 1)
    }

    /// Read the UsernameToken of a message's `wsse:Security` header.
    pub fn from_message(message: &SoapMessage) -> Result<Self, WsseError> {
        let header = message.header(NS_WSSE, "Security").ok_or(WsseError::Missing)?;
        let xml: SecurityXml = yaserde::de::from_str(&header.standalone)
            .map_err(|_| WsseError::Malformed("not a wsse:Security element".to_owned()))?;
        let token = xml.username_token.ok_or(WsseError::Missing)?;
        let password = token.password.ok_or_else(|| WsseError::Malformed("no Password".to_owned()))?;
        let password_type = match password.kind.as_deref().map(str::trim) {
            None | Some(PASSWORD_TEXT) => PasswordType::Text,
            Some(PASSWORD_DIGEST) => PasswordType::Digest,
            Some(_) => return Err(WsseError::Malformed("unknown password Type".to_owned())),
        };
        let nonce = match token.nonce {
            Some(nonce) => {
                if nonce.encoding.as_deref().is_some_and(|e| e.trim() != BASE64_BINARY) {
                    return Err(WsseError::Malformed("unsupported Nonce EncodingType".to_owned()));
                }
                let value = nonce.value.trim();
                if value.len() > 1024 {
                    return Err(WsseError::Malformed("Nonce too long".to_owned()));
                }
                Some(BASE64.decode(value).map_err(|_| WsseError::Malformed("Nonce is not base64".to_owned()))?)
            }
            None => None,
        };
        if token.username.trim().is_empty() {
            return Err(WsseError::Malformed("empty Username".to_owned()));
        }
        Ok(Self {
            username: token.username.trim().to_owned(),
            password: Secret(password.value),
            password_type,
            nonce,
            created: token.created.map(|c| c.trim().to_owned()),
        })
    }
}

#[derive(Debug, Default, YaSerialize, YaDeserialize)]
#[yaserde(
    rename = "Security",
    prefix = "wsse",
    namespaces = {
        "wsse" = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
        "wsu" = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
    }
)]
struct SecurityXml {
    #[yaserde(rename = "UsernameToken", prefix = "wsse")]
    username_token: Option<UsernameTokenXml>,
}

#[derive(Default, YaSerialize, YaDeserialize)]
#[yaserde(
    rename = "UsernameToken",
    prefix = "wsse",
    namespaces = {
        "wsse" = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
        "wsu" = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
    }
)]
struct UsernameTokenXml {
    #[yaserde(rename = "Username", prefix = "wsse")]
    username: String,
    #[yaserde(rename = "Password", prefix = "wsse")]
    password: Option<PasswordXml>,
    #[yaserde(rename = "Nonce", prefix = "wsse")]
    nonce: Option<NonceXml>,
    #[yaserde(rename = "Created", prefix = "wsu")]
    created: Option<String>,
}

impl fmt::Debug for UsernameTokenXml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UsernameTokenXml { .. }")
    }
}

#[derive(Default, YaSerialize, YaDeserialize)]
#[yaserde(rename = "Password", prefix = "wsse", namespaces = { "wsse" = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" })]
struct PasswordXml {
    #[yaserde(attribute = true, rename = "Type")]
    kind: Option<String>,
    #[yaserde(text = true)]
    value: String,
}

#[derive(Debug, Default, YaSerialize, YaDeserialize)]
#[yaserde(rename = "Nonce", prefix = "wsse", namespaces = { "wsse" = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" })]
struct NonceXml {
    #[yaserde(attribute = true, rename = "EncodingType")]
    encoding: Option<String>,
    #[yaserde(text = true)]
    value: String,
}

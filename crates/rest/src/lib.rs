//! The REST/JSON dialects of payglot: its own payment API (`rest:native`), Berlin Group
//! NextGenPSD2 (`rest:berlin-group`) and UK Open Banking (`rest:open-banking-uk`,
//! `rest:open-banking-uk-v3.1`), their error bodies, and an `Idempotency-Key` helper.
//!
//! Most users want the `payglot` crate, which registers these codecs beside every other format.
//!
//! # Brief overview
//! - [`RestNative`]: payment requests (single and batch), the payment resource, webhook events
//!   and transaction lists of payglot's own API (`schemas/rest/openapi.yaml`).
//! - [`RestBerlinGroup`] (with [`PaymentProduct`]) and [`RestOpenBankingUk`] (v4 and v3.1):
//!   the bodies of Berlin Group NextGenPSD2 1.3.8 and UK Open Banking domestic payments. Their
//!   bodies carry no message id or creation time: decode them with an [`HttpContext`].
//! - [`errors`]: provider error bodies (RFC 9457 problem+json, ...) decoded into a canonical
//!   `StatusReport` with ISO reason codes, and canonical rejections encoded with the HTTP status
//!   of the core outcome table.
//! - [`idempotency`]: the IETF `Idempotency-Key` draft for servers and clients, with a store
//!   trait, an in-memory store and per-provider policies.
//! - [`sniff`]: which REST dialect a JSON body is, for `detect()`.
//!
//! # Example
//! ```
//! use payglot_core_model::{Codec, DecodeLimits, EncodeOptions, Message};
//! use payglot_rest::RestNative;
//!
//! let request = br#"{
//!   "idempotency_key": "8e03978e-40d5-43e8-bc93",
//!   "created_at": "2024-03-01T10:00:00Z",
//!   "amount": 1050,
//!   "currency": "EUR",
//!   "source_account": "acc_123456",
//!   "destination_account": "DE89370400440532013000",
//!   "reference": "INV-2024-001"
//! }"#;
//! let decoded = RestNative.decode(request, &DecodeLimits::default())?;
//! let Message::PaymentInitiation(initiation) = &decoded.message else { unreachable!() };
//! let transfer = initiation.transfers().next().ok_or("no transfer")?;
//! assert_eq!(transfer.instructed_amount.map(|m| m.amount().to_string()).as_deref(), Some("10.50"));
//! // Floats never carry money: 10.5 is refused, with its location.
//! let float = String::from_utf8(request.to_vec())?.replace("1050", "10.5");
//! let error = RestNative.decode(float.as_bytes(), &DecodeLimits::default()).err().ok_or("accepted")?;
//! assert_eq!(error.location().path, "/amount");
//! let encoded = RestNative.encode(&decoded.message, &EncodeOptions::default())?;
//! assert_eq!(RestNative.decode(&encoded.bytes, &DecodeLimits::default())?, decoded);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod berlin;
mod common;
pub mod errors;
pub mod idempotency;
mod native;
mod obuk;
mod sniff;

pub use berlin::{PaymentProduct, RestBerlinGroup};
pub use common::electronic_iban;
pub use native::{NATIVE_ACCOUNT_SCHEME, RestNative};
pub use obuk::{ObVersion, RestOpenBankingUk};
pub use sniff::sniff;

/// What a REST body does not say about itself but the canonical model needs: the message id
/// and the creation time, from HTTP headers (`X-Request-ID`, `x-fapi-interaction-id`, `Date`).
/// The same type as the core's transport context: give it to a codec with `with_context`, or to
/// any decode through `DecodeLimits::with_transport` (which the CLI's `--message-id` and
/// `--created` fill).
pub use payglot_core_model::TransportContext as HttpContext;

//! `rest:native`: payglot's own REST payment API (`schemas/rest/openapi.yaml`), decoded into
//! and encoded from the canonical model.
//!
//! | document | canonical |
//! |---|---|
//! | `POST /v1/payments` request | `PaymentInitiation` with one batch of one transfer |
//! | `POST /v1/payment-batches` request | `PaymentInitiation` with its batches |
//! | payment resource (`"object": "payment"`) | `StatusReport` with one transaction |
//! | webhook (`"object": "event"`) | `StatusReport` whose message id is the event id |
//! | transaction list (`"object": "list"`) | `Statement` with one report |
//! | `application/problem+json` | see [`crate::errors`] |
//!
//! Choices the mapping makes, all reversible:
//! - amounts are integers of minor units ([`Money::from_minor_units`](payglot_core_model::Money::from_minor_units)); an amount with more
//!   decimals than its currency allows cannot be encoded (an error: money is never rounded);
//! - `idempotency_key` is the message id, `reference` the instruction id, `created_at` the
//!   creation time; a missing `end_to_end_id` is ISO's `NOTPROVIDED`; a transfer without an
//!   instruction id is written with its end-to-end id as the `reference` (an approximation,
//!   reported);
//! - `source_account` / `destination_account` are plain strings: an IBAN in electronic form
//!   becomes an IBAN, anything else a provider account id, `AccountId::Other` with the
//!   proprietary scheme [`NATIVE_ACCOUNT_SCHEME`];
//! - a single payment's batch id is its message id; `metadata.<key>` extensions are metadata;
//! - a status report whose message id equals the payment id is a payment resource, any other
//!   one a webhook event.

pub(crate) mod mapping;
pub(crate) mod out;
pub(crate) mod wire;

use payglot_core_model::{Codec, DecodeLimits, Decoded, EncodeError, EncodeOptions, Encoded, Format, Message};

pub use mapping::NATIVE_ACCOUNT_SCHEME;

/// The `rest:native` codec.
#[derive(Debug, Clone, Copy, Default)]
pub struct RestNative;

impl Codec for RestNative {
    fn format(&self) -> Format {
        Format::REST_NATIVE
    }

    fn decode(&self, input: &[u8], limits: &DecodeLimits) -> Result<Decoded, payglot_core_model::DecodeError> {
        mapping::decode(input, limits)
    }

    fn encode(&self, message: &Message, opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        let encoded = mapping::encode(message)?;
        encoded.check(opts.strictness)
    }
}

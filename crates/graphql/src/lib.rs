//! payglot's GraphQL face: a payments schema on async-graphql, and the `graphql:payglot`
//! codec that translates GraphQL operations and responses to and from the canonical model.
//!
//! Most users want the `payglot` crate, which registers this codec beside the others.
//!
//! # Brief overview
//! - [`build_schema`] / [`GraphqlService`]: the executable schema (`payment`, `payments`,
//!   `statement`, `initiatePayment`, `cancelPayment`, `paymentStatusChanged`) over a
//!   [`PaymentStore`], with [`Limits`] on size, nesting, depth, complexity and aliases, and
//!   introspection that can be switched off. [`MemoryStore`] is an in-memory store.
//! - [`sdl`]: the schema as SDL (committed as `schemas/graphql/schema.graphql`).
//! - [`GraphqlCodec`]: the `graphql:payglot` codec. A GraphQL request for `initiatePayment`
//!   (document + variables; arguments as variables or inline literals; fragments; aliases)
//!   decodes to a `PaymentInitiation`; a response (`data.initiatePayment`, `data.payment`)
//!   decodes to a `StatusReport`; both encode back.
//! - Amounts are the `Decimal` scalar, a string: a float or a JSON number is refused.
//!
//! # Example
//! ```
//! use payglot_core_model::{Codec, DecodeLimits, Message};
//! use payglot_graphql::GraphqlCodec;
//!
//! let request = br#"{
//!   "query": "mutation Pay($input: InitiatePaymentInput!) { initiatePayment(input: $input, idempotencyKey: \"MSG-1\") { payment { id status } userErrors { code } } }",
//!   "variables": {"input": {
//!     "message": {"id": "MSG-1", "createdAt": "2024-03-01T10:00:00Z"},
//!     "endToEndId": "E2E-1",
//!     "amount": {"value": "10.50", "currency": "EUR"},
//!     "debtor": {"name": "Alice"},
//!     "debtorAccount": {"identification": {"iban": "DE89370400440532013000"}},
//!     "creditor": {"name": "Bob"},
//!     "creditorAccount": {"identification": {"iban": "FR1420041010050500013M02606"}}
//!   }}
//! }"#;
//! let decoded = GraphqlCodec.decode(request, &DecodeLimits::default())?;
//! let Message::PaymentInitiation(initiation) = &decoded.message else { unreachable!() };
//! let transfer = initiation.transfers().next().expect("one transfer");
//! assert_eq!(transfer.amount().map(|m| m.to_string()).as_deref(), Some("10.50 EUR"));
//! assert!(decoded.losses.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod codec;
pub mod convert;
pub mod input;
pub mod limits;
pub mod scalars;
pub mod schema;
mod service;
pub mod store;

pub use codec::{GraphqlCodec, REQUEST_DOCUMENT, fuzz_decode, sniff};
pub use convert::{FieldError, GroupInfo, Initiation};
pub use limits::{DocumentError, Limits, check_document};
pub use schema::{PayglotSchema, RequestContext, build_schema, sdl};
pub use service::GraphqlService;
pub use store::{
    Decision, Initiated, MemoryStore, Page, PaymentFilter, PaymentStore, StatusChange, StoreError, StoredPayment,
};

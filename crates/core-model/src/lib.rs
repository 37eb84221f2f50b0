//! The canonical payment model of payglot, and the contract every format codec implements.
//!
//! payglot translates payment messages between REST/JSON, SOAP/XML, ISO 20022 XML and
//! GraphQL. Every format decodes into the [`Message`] defined here and encodes out of it, so N
//! formats need 2N mappings, never N×N. This crate is an **API boundary**: it depends on no
//! protocol crate and does no I/O.
//!
//! # Brief overview
//! - [`Money`]: an exact `Decimal` amount in a [`Currency`], within ISO 20022's limits, with
//!   checked minor-unit conversion. No float ever holds money.
//! - Identifiers that validate on construction: [`Iban`], [`Bic`], [`Lei`], [`Uetr`],
//!   [`CreditorReference`], [`EndToEndId`] and the other Max35Text ids, [`IdempotencyKey`].
//!   Account identifiers are masked in `Debug` and `Display`; `expose()` gives the value.
//! - [`Party`], [`Account`], [`Agent`], [`CreditTransfer`] and the six [`Message`] kinds.
//! - Status and reason codes from the ISO external code sets ([`codes`]), and one outcome table
//!   ([`outcome`]) mapping them to HTTP, SOAP and GraphQL.
//! - The translation contract: [`Codec`], [`Format`], [`DecodeLimits`], [`Loss`], [`Strictness`].
//! - [`CanonicalJson`], the `canonical:json` codec.
//!
//! # Example
//! ```
//! use payglot_core_model::{CanonicalJson, Codec, DecodeLimits, EncodeOptions, Message};
//!
//! let json = br#"{
//!   "canonical_version": 1,
//!   "message": {"statement": {
//!     "header": {"message_id": "STMT-1", "created": "2024-03-01T08:00:00Z"},
//!     "reports": [{
//!       "id": "S-1",
//!       "account": {"id": {"iban": "DE89370400440532013000"}},
//!       "entries": [{
//!         "amount": {"amount": "10.50", "currency": "EUR"},
//!         "credit_debit": "credit",
//!         "status": {"code": "BOOK"},
//!         "bank_transaction_code": {"domain": "PMNT"}
//!       }]
//!     }]
//!   }}
//! }"#;
//! let decoded = CanonicalJson.decode(json, &DecodeLimits::default())?;
//! let Message::Statement(statements) = &decoded.message else { unreachable!() };
//! let account = &statements.reports[0].account;
//! // Account numbers never show in Debug output.
//! assert!(format!("{account:?}").contains("DE89********3000"));
//! let encoded = CanonicalJson.encode(&decoded.message, &EncodeOptions::default())?;
//! assert_eq!(CanonicalJson.decode(&encoded.bytes, &DecodeLimits::default())?, decoded);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

#[cfg(feature = "proptest")]
pub mod arbitrary;
pub mod codec;
pub mod codes;
pub mod datetime;
pub mod error;
pub mod ids;
pub mod json;
pub mod loss;
pub mod message;
pub mod money;
pub mod outcome;
pub mod party;
pub mod text;
pub mod transfer;

pub use codec::{Codec, DecodeLimits, Decoded, EncodeOptions, Encoded, Format, Strictness, TransportContext};
pub use codes::{
    AccountScheme, BalanceType, CashAccountType, CategoryPurpose, ClearingSystem, GroupStatus, LocalInstrument,
    OrganisationIdScheme, PaymentStatus, PersonIdScheme, Purpose, ReturnReason, ServiceLevel, StatusReason,
};
pub use datetime::{DateOrDateTime, DateTime, Offset};
pub use error::{DecodeError, DecodeErrorKind, EncodeError, InvalidValue, Location};
pub use ids::{AccountNumber, Bic, CountryCode, CreditorReference, Iban, IdempotencyKey, Lei, Uetr};
pub use json::CanonicalJson;
pub use loss::{Loss, LossKind};
pub use message::*;
pub use money::{Currency, Money};
pub use party::{
    Account, AccountId, Agent, ClearingMemberId, CodeOrProprietary, Contact, DateAndPlaceOfBirth, GenericId, Party,
    PartyId, PostalAddress, Proxy,
};
pub use text::{
    EndToEndId, InstructionId, Max35Text, Max70Text, Max140Text, MessageId, PaymentInfoId, Text, TransactionId,
};
pub use transfer::*;

/// Re-exported so users of the model need no direct dependency for amounts.
pub use rust_decimal::Decimal;

//! payglot translates payment messages between REST/JSON, SOAP/XML, ISO 20022 XML and
//! GraphQL through one canonical payment model. This crate is the facade and an **API
//! boundary**: the format registry, [`detect`] and [`translate`], with the model re-exported.
//!
//! # Brief overview
//! - [`Registry`]: the codecs of this build by [`Format`] id; [`Registry::standard`] has all.
//! - [`detect`]: recognise a format from content.
//! - [`translate`]: decode → canonical [`Message`] → encode, with the [`Loss`]es of both sides;
//!   strict by default, so nothing is dropped silently.
//! - [`model`]: the canonical model (`payglot-core-model`), re-exported.
//!
//! # Example
//! ```
//! use payglot::{translate, Format, Registry, TranslateOptions};
//!
//! let input = br#"{"canonical_version": 1, "message": {"statement": {
//!   "header": {"message_id": "M1", "created": "2024-03-01T08:00:00Z"},
//!   "reports": [{"id": "S1", "account": {"id": {"iban": "GB33BUKB20201555555555"}}}]}}}"#;
//! let registry = Registry::standard();
//! let translation = translate(&registry, input, None, &Format::CANONICAL_JSON, &TranslateOptions::strict())?;
//! assert_eq!(translation.from, Format::CANONICAL_JSON);
//! assert_eq!(translation.losses().count(), 0);
//! # Ok::<(), payglot::TranslateError>(())
//! ```
//!
//! # Non-goals
//! No network I/O (the sandbox crate serves HTTP), no scheme rulebooks beyond the base
//! formats (EPC, CBPR+ rules are a separate layer), no floats anywhere near money.

#![deny(missing_docs)]

/// The README's examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod compose;
mod detect;
#[doc(hidden)]
pub mod fuzz;
mod registry;
mod translate;

pub use compose::AnyIso20022;
pub use detect::detect;
pub use registry::Registry;
pub use translate::{TranslateError, TranslateOptions, Translation, decode, translate};

/// The canonical model, re-exported.
pub use payglot_core_model as model;
pub use payglot_core_model::{
    Codec, DecodeError, DecodeErrorKind, DecodeLimits, Decoded, EncodeError, EncodeOptions, Encoded, Format, Loss,
    LossKind, Message, Strictness,
};

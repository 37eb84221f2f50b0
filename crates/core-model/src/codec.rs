//! The translation contract: formats, the `Codec` trait, decode limits, encode options and
//! what a decode or encode returns.

use std::borrow::Cow;
use std::fmt;

use crate::datetime::DateTime;
use crate::error::{DecodeError, EncodeError, InvalidValue};
use crate::loss::Loss;
use crate::message::Message;
use crate::text::MessageId;

/// A format id: a stable string such as `iso20022:pain.001.001.09`, `rest:native` or
/// `canonical:json`, used by the API and the CLI. Changing one is a breaking change.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Format(Cow<'static, str>);

impl Format {
    /// payglot's own JSON form of the canonical model.
    pub const CANONICAL_JSON: Format = Format(Cow::Borrowed("canonical:json"));
    /// payglot's own REST payment API.
    pub const REST_NATIVE: Format = Format(Cow::Borrowed("rest:native"));
    /// Berlin Group NextGenPSD2 1.3.8.
    pub const REST_BERLIN_GROUP: Format = Format(Cow::Borrowed("rest:berlin-group"));
    /// UK Open Banking Read/Write API v4.
    pub const REST_OPEN_BANKING_UK: Format = Format(Cow::Borrowed("rest:open-banking-uk"));
    /// UK Open Banking Read/Write API v3.1.
    pub const REST_OPEN_BANKING_UK_V3_1: Format = Format(Cow::Borrowed("rest:open-banking-uk-v3.1"));
    /// payglot's own SOAP service.
    pub const SOAP_PAYGLOT: Format = Format(Cow::Borrowed("soap:payglot"));
    /// ISO 20022 documents carried in a SOAP body.
    pub const SOAP_ISO20022: Format = Format(Cow::Borrowed("soap:iso20022"));
    /// payglot's GraphQL operations.
    pub const GRAPHQL_PAYGLOT: Format = Format(Cow::Borrowed("graphql:payglot"));

    /// A format id known at compile time.
    pub const fn from_static(id: &'static str) -> Self {
        Self(Cow::Borrowed(id))
    }

    /// Parse `family:name` (lower-case family, a name of letters, digits, `.`, `-`).
    pub fn parse(id: &str) -> Result<Self, InvalidValue> {
        let valid = id.split_once(':').is_some_and(|(family, name)| {
            !family.is_empty()
                && family.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        });
        if !valid {
            return Err(InvalidValue::new("format", format!("{id:?} is not of the form family:name")));
        }
        Ok(Self(Cow::Owned(id.to_owned())))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The family: `iso20022`, `rest`, `soap`, `graphql` or `canonical`.
    pub fn family(&self) -> &str {
        self.0.split_once(':').map_or("", |(family, _)| family)
    }
}

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Format({})", self.0)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Format {
    type Err = InvalidValue;
    fn from_str(id: &str) -> Result<Self, InvalidValue> {
        Self::parse(id)
    }
}

/// What a message's transport says about it when its body does not: REST and GraphQL bodies
/// (Berlin Group, Open Banking, ...) carry no message id or creation time; HTTP carries them
/// in headers (`X-Request-ID`, `x-fapi-interaction-id`, `Date`), and the CLI takes them as
/// `--message-id` and `--created`. Decoders that need them and find neither fail with an error
/// naming them; payglot never invents a message id or a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportContext {
    /// The message id to give the canonical message (e.g. the `X-Request-ID` header).
    pub message_id: MessageId,
    /// The creation time to give it (e.g. the `Date` header, or when the body was received).
    pub time: DateTime,
}

/// Bounds every decoder honours, and the transport context a body may need. The defaults are
/// safe for untrusted input; raise them only for input you trust (a bank's statement file),
/// never for what arrives over a network.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeLimits {
    /// Largest input accepted, in bytes. Default: 16 MiB. (Large statements go through the
    /// streaming reader, which is not bound by this.)
    pub max_bytes: usize,
    /// Deepest nesting of elements or arrays/objects. Default: 64.
    pub max_depth: usize,
    /// Longest string or text node, in bytes. Default: 64 KiB.
    pub max_string_bytes: usize,
    /// Most repetitions of one element or array items. Default: 100,000.
    pub max_repeats: usize,
    /// What the transport says about the message, for bodies that do not say it themselves.
    /// Default: none.
    pub transport: Option<TransportContext>,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self { max_bytes: 16 << 20, max_depth: 64, max_string_bytes: 64 << 10, max_repeats: 100_000, transport: None }
    }
}

impl DecodeLimits {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same limits with another maximum size.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// The same limits with another maximum depth.
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// The same limits with the transport's message id and time.
    pub fn with_transport(mut self, transport: TransportContext) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Fail with a `Limit` error when `input` is larger than allowed.
    pub fn check_size(&self, input: &[u8]) -> Result<(), DecodeError> {
        if input.len() > self.max_bytes {
            return Err(DecodeError::limit(
                crate::error::Location::default(),
                format!("input is {} bytes; the limit is {}", input.len(), self.max_bytes),
            ));
        }
        Ok(())
    }
}

/// Whether values that cannot be carried stop a translation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Strictness {
    /// Any loss is an error that lists the losses. The default: users move money.
    #[default]
    Strict,
    /// Proceed, and report the losses.
    Lossy,
}

/// Options for encoding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EncodeOptions {
    /// Strict (default) or lossy.
    pub strictness: Strictness,
    /// Write an ISO 20022 business application header (head.001) where the format allows one
    /// and the message has one.
    pub business_header: bool,
}

impl EncodeOptions {
    /// Strict options.
    pub fn strict() -> Self {
        Self::default()
    }

    /// Lossy options.
    pub fn lossy() -> Self {
        Self { strictness: Strictness::Lossy, ..Self::default() }
    }

    /// Options with the given strictness.
    pub fn with_strictness(strictness: Strictness) -> Self {
        Self { strictness, ..Self::default() }
    }

    /// The same options, writing (or not) a business application header.
    pub fn business_header(mut self, write: bool) -> Self {
        self.business_header = write;
        self
    }
}

/// A decoded message and the values of the input it could not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The message.
    pub message: Message,
    /// Values of the input the canonical model could not hold.
    pub losses: Vec<Loss>,
}

impl Decoded {
    /// A lossless decode.
    pub fn exact(message: Message) -> Self {
        Self { message, losses: Vec::new() }
    }

    /// Apply `strictness`: in strict mode any loss becomes an error listing them.
    pub fn check(self, strictness: Strictness) -> Result<Self, DecodeError> {
        if strictness == Strictness::Strict && !self.losses.is_empty() {
            return Err(DecodeError::lossy(self.losses));
        }
        Ok(self)
    }
}

/// Encoded bytes and the values of the message the format could not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Values of the message the format could not carry.
    pub losses: Vec<Loss>,
}

impl Encoded {
    /// Apply `strictness`: in strict mode any loss becomes an error listing them.
    pub fn check(self, strictness: Strictness) -> Result<Self, EncodeError> {
        if strictness == Strictness::Strict && !self.losses.is_empty() {
            return Err(EncodeError::Lossy(self.losses));
        }
        Ok(self)
    }
}

/// One format's decoder and encoder. Three methods, like serde's narrow side: the richness
/// lives in the model. Implementations never panic on input, honour `limits`, and report
/// every value they cannot carry as a [`Loss`]. Strictness is applied by the caller with
/// [`Decoded::check`] / [`Encoded::check`], except that `encode` receives it in `opts` so a
/// codec can refuse early.
pub trait Codec: Send + Sync {
    /// The format this codec reads and writes.
    fn format(&self) -> Format;
    /// Decode `input` into the canonical model.
    fn decode(&self, input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError>;
    /// Encode a canonical message.
    fn encode(&self, message: &Message, opts: &EncodeOptions) -> Result<Encoded, EncodeError>;
}

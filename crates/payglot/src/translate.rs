//! `translate`: decode with one codec, encode with another, collecting the losses of both sides.

use payglot_core_model::{
    DecodeError, DecodeErrorKind, DecodeLimits, EncodeError, EncodeOptions, Format, Loss, Message, Strictness,
};

use crate::detect::detect;
use crate::registry::Registry;

/// Options of a translation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TranslateOptions {
    /// Decode limits (safe defaults).
    pub limits: DecodeLimits,
    /// Strict (default): any loss on either side fails the translation. Lossy: proceed and report.
    pub strictness: Strictness,
    /// Write an ISO 20022 business application header where the target allows one.
    pub business_header: bool,
}

impl TranslateOptions {
    /// Strict translation with default limits.
    pub fn strict() -> Self {
        Self::default()
    }

    /// Lossy translation with default limits.
    pub fn lossy() -> Self {
        Self { strictness: Strictness::Lossy, ..Self::default() }
    }
}

/// The result of a translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// The format the input was read as.
    pub from: Format,
    /// The canonical message in between.
    pub message: Message,
    /// The translated bytes.
    pub bytes: Vec<u8>,
    /// Values of the input the canonical model could not hold.
    pub decode_losses: Vec<Loss>,
    /// Values of the message the target format could not carry.
    pub encode_losses: Vec<Loss>,
}

impl Translation {
    /// Every loss, decode side first.
    pub fn losses(&self) -> impl Iterator<Item = &Loss> {
        self.decode_losses.iter().chain(&self.encode_losses)
    }
}

/// Why a translation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TranslateError {
    /// A format id no codec of this build handles.
    #[error("unknown format `{0}` (see `payglot formats`)")]
    UnknownFormat(String),
    /// The input was refused (malformed, invalid, over a limit, unsupported, or lossy in strict mode).
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The message could not be written in the target format.
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

impl TranslateError {
    /// Whether the translation was refused only because values would be lost (strict mode).
    pub fn is_lossy_refusal(&self) -> bool {
        match self {
            Self::Decode(e) => e.kind() == DecodeErrorKind::Lossy,
            Self::Encode(e) => matches!(e, EncodeError::Lossy(_)),
            Self::UnknownFormat(_) => false,
        }
    }
}

/// Decode `input` (as `from`, or as detected when `from` is `None`) and encode it as `to`.
pub fn translate(
    registry: &Registry,
    input: &[u8],
    from: Option<&Format>,
    to: &Format,
    options: &TranslateOptions,
) -> Result<Translation, TranslateError> {
    let from = match from {
        Some(format) => format.clone(),
        None => detect(input, &options.limits)?,
    };
    let decoder = registry.get(&from).ok_or_else(|| TranslateError::UnknownFormat(from.to_string()))?;
    let encoder = registry.get(to).ok_or_else(|| TranslateError::UnknownFormat(to.to_string()))?;
    let decoded = decoder.decode(input, &options.limits)?.check(options.strictness)?;
    let encode_options = EncodeOptions::with_strictness(options.strictness).business_header(options.business_header);
    let encoded = encoder.encode(&decoded.message, &encode_options)?.check(options.strictness)?;
    if options.strictness == Strictness::Strict && !decoded.losses.is_empty() {
        return Err(DecodeError::lossy(decoded.losses).into());
    }
    Ok(Translation {
        from,
        message: decoded.message,
        bytes: encoded.bytes,
        decode_losses: decoded.losses,
        encode_losses: encoded.losses,
    })
}

/// Decode `input` only (as `from`, or detected), applying strictness: what `payglot validate` does.
pub fn decode(
    registry: &Registry,
    input: &[u8],
    from: Option<&Format>,
    options: &TranslateOptions,
) -> Result<(Format, payglot_core_model::Decoded), TranslateError> {
    let from = match from {
        Some(format) => format.clone(),
        None => detect(input, &options.limits)?,
    };
    let decoder = registry.get(&from).ok_or_else(|| TranslateError::UnknownFormat(from.to_string()))?;
    let decoded = decoder.decode(input, &options.limits)?.check(options.strictness)?;
    Ok((from, decoded))
}

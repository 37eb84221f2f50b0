//! Errors of the whole model: invalid values, decode and encode failures, and where they happened.
//!
//! Every decoder words its errors through the constructors here, so that all formats say
//! "missing field", "unknown field" and "limit exceeded" the same way (as serde's `de::Error` does).
//! Messages never contain a full account number: values are masked before they get here.

use std::fmt;

use crate::loss::Loss;

/// A value that does not satisfy its type's rules (an IBAN with a wrong check digit, a 36-character
/// Max35Text, an amount with 19 digits). The text names the rule and shows the value masked
/// where it is sensitive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {reason}")]
pub struct InvalidValue {
    what: &'static str,
    reason: String,
}

impl InvalidValue {
    /// A value of kind `what` broke a rule described by `reason`.
    pub fn new(what: &'static str, reason: impl Into<String>) -> Self {
        Self { what, reason: reason.into() }
    }

    /// The kind of value (`"IBAN"`, `"BIC"`, `"Max35Text"`, ...).
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// Why it was rejected.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// Where in an input document something happened: an XPath-like path for XML
/// (`/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]/Amt`) or a JSON pointer for JSON
/// (`/message/payment_initiation/batches/0`), plus line and column where the reader knows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Location {
    /// XPath-like path or JSON pointer; empty when the error concerns the document as a whole.
    pub path: String,
    /// 1-based line, where known.
    pub line: Option<u64>,
    /// 1-based column, where known.
    pub column: Option<u64>,
}

impl Location {
    /// A location known by path only.
    pub fn path(path: impl Into<String>) -> Self {
        Self { path: path.into(), line: None, column: None }
    }

    /// A location with a path and a line:column position.
    pub fn at(path: impl Into<String>, line: u64, column: u64) -> Self {
        Self { path: path.into(), line: Some(line), column: Some(column) }
    }

    /// The 1-based line and column of `offset` in `input`; computed only when an error is
    /// built, so positions cost nothing on the happy path.
    pub fn line_column(input: &[u8], offset: usize) -> (u64, u64) {
        let upto = input.get(..offset).unwrap_or(input);
        let line = upto.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let line_start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = upto.get(line_start..).map_or(0, |rest| {
            // Columns count characters, not bytes: skip UTF-8 continuation bytes.
            rest.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
        }) as u64
            + 1;
        (line, column)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "/" } else { self.path.as_str() };
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{path} (line {line}, column {column})"),
            (Some(line), None) => write!(f, "{path} (line {line})"),
            _ => f.write_str(path),
        }
    }
}

/// The coarse category of a decode failure; the facade maps it to exit codes, HTTP statuses,
/// SOAP faults and GraphQL error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// Not well-formed: broken JSON or XML, invalid UTF-8.
    Syntax,
    /// Well-formed but not a valid message: a missing or unknown field, a value breaking its rule.
    Invalid,
    /// A [`DecodeLimits`](crate::DecodeLimits) bound was exceeded (size, depth, string length,
    /// repetitions), or the document holds something refused outright such as a DTD.
    Limit,
    /// A format, message type or version this build does not support.
    Unsupported,
    /// The message decoded, but strict mode refused it because values would be lost.
    Lossy,
}

impl DecodeErrorKind {
    /// A stable lowercase name, used in `--report json` and in protocol error bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::Invalid => "invalid",
            Self::Limit => "limit",
            Self::Unsupported => "unsupported",
            Self::Lossy => "lossy",
        }
    }
}

/// A decoder refused its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    location: Location,
    message: String,
    losses: Vec<Loss>,
}

impl DecodeError {
    /// An error of `kind` at `location`.
    pub fn new(kind: DecodeErrorKind, location: Location, message: impl Into<String>) -> Self {
        Self { kind, location, message: message.into(), losses: Vec::new() }
    }

    /// The input is not well-formed.
    pub fn syntax(location: Location, message: impl Into<String>) -> Self {
        Self::new(DecodeErrorKind::Syntax, location, message)
    }

    /// The input is well-formed but breaks a rule of the message.
    pub fn invalid(location: Location, message: impl Into<String>) -> Self {
        Self::new(DecodeErrorKind::Invalid, location, message)
    }

    /// A decode limit was exceeded, or something refused outright (a DTD) was found.
    pub fn limit(location: Location, message: impl Into<String>) -> Self {
        Self::new(DecodeErrorKind::Limit, location, message)
    }

    /// The format, message or version is not supported.
    pub fn unsupported(location: Location, message: impl Into<String>) -> Self {
        Self::new(DecodeErrorKind::Unsupported, location, message)
    }

    /// A required field is absent.
    pub fn missing_field(location: Location, field: &str) -> Self {
        Self::invalid(location, format!("missing field `{field}`"))
    }

    /// A field the format does not define is present.
    pub fn unknown_field(location: Location, field: &str) -> Self {
        Self::invalid(location, format!("unknown field `{field}`"))
    }

    /// A field appears twice.
    pub fn duplicate_field(location: Location, field: &str) -> Self {
        Self::invalid(location, format!("duplicate field `{field}`"))
    }

    /// A value broke its type's rule.
    pub fn invalid_value(location: Location, error: &InvalidValue) -> Self {
        Self::invalid(location, error.to_string())
    }

    /// Strict mode refused a decode that would lose the listed values.
    pub fn lossy(losses: Vec<Loss>) -> Self {
        let message = losses_message(&losses);
        Self { kind: DecodeErrorKind::Lossy, location: Location::default(), message, losses }
    }

    /// The category of the failure.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// Where it happened.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// What went wrong, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For [`DecodeErrorKind::Lossy`]: the values that would have been lost.
    pub fn losses(&self) -> &[Loss] {
        &self.losses
    }

    /// Prefix the path with an outer element or key, as the error travels out of nested
    /// decoders (prost's `DecodeError::push`).
    pub fn within(mut self, outer: &str) -> Self {
        self.location.path = format!("{outer}{}", self.location.path);
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == DecodeErrorKind::Lossy {
            return f.write_str(&self.message);
        }
        write!(f, "{} at {}", self.message, self.location)
    }
}

impl std::error::Error for DecodeError {}

/// An encoder could not write a message in its format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// Strict mode refused an encode that would lose the listed values.
    #[error("{}", losses_message(.0))]
    Lossy(Vec<Loss>),
    /// The message cannot be expressed in the target format at all (a statement into a
    /// payment-initiation format), or a value the format requires is absent.
    #[error("cannot encode {path}: {message}")]
    Unrepresentable {
        /// Path in the canonical model (JSON pointer into `canonical:json`).
        path: String,
        /// Why.
        message: String,
    },
    /// The target format is not supported by this build.
    #[error("unsupported format: {0}")]
    Unsupported(String),
}

impl EncodeError {
    /// The canonical value at `path` cannot be written in this format.
    pub fn unrepresentable(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Unrepresentable { path: path.into(), message: message.into() }
    }
}

fn losses_message(losses: &[Loss]) -> String {
    let mut message = format!("refused in strict mode: {} value(s) would be lost", losses.len());
    for loss in losses {
        message.push_str("\n  ");
        message.push_str(&loss.to_string());
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let input = "ab\ncdé f".as_bytes();
        // 'f' is the 5th character of line 2 even though 'é' takes two bytes.
        let offset = input.iter().position(|&b| b == b'f').unwrap_or_default();
        assert_eq!(Location::line_column(input, offset), (2, 5));
        assert_eq!(Location::line_column(input, 0), (1, 1));
    }

    #[test]
    fn display_includes_path_and_position() {
        let error = DecodeError::missing_field(Location::at("/message", 3, 7), "batches");
        assert_eq!(error.to_string(), "missing field `batches` at /message (line 3, column 7)");
        let outer = DecodeError::invalid(Location::path("/Amt"), "bad").within("/Document");
        assert_eq!(outer.location().path, "/Document/Amt");
    }
}

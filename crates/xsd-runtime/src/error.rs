//! Errors of the ISO 20022 readers: [`Error`], a list of [`Violation`]s, each naming the
//! rule broken, the element path, line and column. Account identifiers are masked.
use std::fmt;

/// The rule a document broke. `as_str` names XSD facets as XSD does (`maxLength`, `pattern`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// `minLength` facet.
    MinLength,
    /// `maxLength` facet.
    MaxLength,
    /// `pattern` facet.
    Pattern,
    /// `enumeration` facet.
    Enumeration,
    /// `totalDigits` facet.
    TotalDigits,
    /// `fractionDigits` facet.
    FractionDigits,
    /// `minInclusive` facet.
    MinInclusive,
    /// `maxInclusive` facet.
    MaxInclusive,
    /// `minExclusive` facet.
    MinExclusive,
    /// `maxExclusive` facet.
    MaxExclusive,
    /// The text is not a value of the built-in type (date, decimal, boolean...).
    Datatype,
    /// A required element is missing (the parent ended too early).
    MissingElement,
    /// An element that the content model does not allow here.
    UnexpectedElement,
    /// A required attribute is missing.
    MissingAttribute,
    /// An attribute the type does not declare.
    UnexpectedAttribute,
    /// Non-whitespace text where only elements may appear.
    ElementOnlyContent,
    /// An element inside a simple-typed element.
    SimpleContent,
    /// Not well-formed XML.
    NotWellFormed,
    /// A DOCTYPE (DTD) — always rejected, before anything is expanded.
    Doctype,
    /// A processing instruction other than the XML declaration — rejected.
    ProcessingInstruction,
    /// Input that is not UTF-8, or an XML declaration naming another encoding.
    Encoding,
    /// An entity reference other than the five predefined ones and character references.
    UndeclaredEntity,
    /// [`Limits::max_bytes`](crate::Limits::max_bytes) exceeded.
    LimitBytes,
    /// [`Limits::max_depth`](crate::Limits::max_depth) exceeded.
    LimitDepth,
    /// [`Limits::max_string_len`](crate::Limits::max_string_len) exceeded.
    LimitStringLength,
    /// [`Limits::max_repeats`](crate::Limits::max_repeats) exceeded.
    LimitRepeats,
    /// No ISO 20022 `Document` (or the requested root element) was found.
    NoDocument,
    /// A `Document` of an ISO 20022 message version this build does not generate.
    UnsupportedVersion,
    /// A `Document` in a namespace that is not an ISO 20022 message namespace.
    UnknownNamespace,
    /// Fewer occurrences of a repeated element than its `minOccurs` (found by the writer).
    MinOccurs,
    /// More occurrences of a repeated element than its `maxOccurs` (found by the writer).
    MaxOccurs,
}

impl Rule {
    /// Stable name of the rule.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::MinLength => "minLength",
            Rule::MaxLength => "maxLength",
            Rule::Pattern => "pattern",
            Rule::Enumeration => "enumeration",
            Rule::TotalDigits => "totalDigits",
            Rule::FractionDigits => "fractionDigits",
            Rule::MinInclusive => "minInclusive",
            Rule::MaxInclusive => "maxInclusive",
            Rule::MinExclusive => "minExclusive",
            Rule::MaxExclusive => "maxExclusive",
            Rule::Datatype => "datatype",
            Rule::MissingElement => "missing-element",
            Rule::UnexpectedElement => "unexpected-element",
            Rule::MissingAttribute => "missing-attribute",
            Rule::UnexpectedAttribute => "unexpected-attribute",
            Rule::ElementOnlyContent => "element-only-content",
            Rule::SimpleContent => "simple-content",
            Rule::NotWellFormed => "not-well-formed",
            Rule::Doctype => "doctype",
            Rule::ProcessingInstruction => "processing-instruction",
            Rule::Encoding => "encoding",
            Rule::UndeclaredEntity => "undeclared-entity",
            Rule::LimitBytes => "limit-bytes",
            Rule::LimitDepth => "limit-depth",
            Rule::LimitStringLength => "limit-string-length",
            Rule::LimitRepeats => "limit-repeats",
            Rule::NoDocument => "no-document",
            Rule::UnsupportedVersion => "unsupported-version",
            Rule::UnknownNamespace => "unknown-namespace",
            Rule::MinOccurs => "minOccurs",
            Rule::MaxOccurs => "maxOccurs",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule, where it was broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule.
    pub rule: Rule,
    /// XPath-like element path, e.g. `/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt`
    /// (`[n]` on repeatable elements, 1-based; `/@Ccy` for an attribute). Empty when unknown.
    pub path: String,
    /// 1-based line of the element (or of the error for well-formedness errors).
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// Human-readable detail; account identifiers are masked (first 4 and last 4 kept).
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {} at {}: {}", self.line, self.column, self.rule, self.path, self.message)
    }
}

/// A document was rejected. Holds at least one [`Violation`]: exactly one when the reader stops
/// at the first violation (the default), or every value-level violation found (up to a bound)
/// followed by the structural error that stopped reading, if any, when it collects them
/// ([`Reader::collect_violations`](crate::Reader::collect_violations)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    violations: Vec<Violation>,
}

impl Error {
    /// An error with one violation.
    pub fn new(v: Violation) -> Self {
        Error { violations: vec![v] }
    }

    /// An error with these violations (at least one expected; an empty list displays as a
    /// generic rejection).
    pub fn from_violations(violations: Vec<Violation>) -> Self {
        Error { violations }
    }

    /// The violations, owned.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }

    pub(crate) fn first_mut(&mut self) -> Option<&mut Violation> {
        self.violations.first_mut()
    }

    /// All violations (never empty).
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The first violation's rule.
    pub fn rule(&self) -> Option<Rule> {
        self.violations.first().map(|v| v.rule)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.violations.as_slice() {
            [] => f.write_str("invalid document"),
            [one] => write!(f, "invalid document: {one}"),
            [first, rest @ ..] => write!(f, "invalid document: {first} (and {} more)", rest.len()),
        }
    }
}

/// A facet (or lexical) check failed on a value; the reader turns it into a [`Violation`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FacetError {
    /// Shorter than `minLength` (characters).
    #[error("length {actual} is less than minLength {min}")]
    MinLength {
        /// The facet.
        min: u64,
        /// The value's length.
        actual: u64,
    },
    /// Longer than `maxLength` (characters).
    #[error("length {actual} exceeds maxLength {max}")]
    MaxLength {
        /// The facet.
        max: u64,
        /// The value's length.
        actual: u64,
    },
    /// Matches none of the patterns of a restriction step.
    #[error("does not match pattern {pattern}")]
    Pattern {
        /// The XSD pattern(s).
        pattern: &'static str,
    },
    /// Not one of the enumerated values.
    #[error("is not one of the enumerated values")]
    Enumeration,
    /// More than `totalDigits` digits.
    #[error("has more than totalDigits {max} digits")]
    TotalDigits {
        /// The facet.
        max: u32,
    },
    /// More than `fractionDigits` fraction digits.
    #[error("has more than fractionDigits {max} fraction digits")]
    FractionDigits {
        /// The facet.
        max: u32,
    },
    /// Below `minInclusive`.
    #[error("is less than minInclusive {0}")]
    MinInclusive(rust_decimal::Decimal),
    /// Above `maxInclusive`.
    #[error("is greater than maxInclusive {0}")]
    MaxInclusive(rust_decimal::Decimal),
    /// Not above `minExclusive`.
    #[error("is not greater than minExclusive {0}")]
    MinExclusive(rust_decimal::Decimal),
    /// Not below `maxExclusive`.
    #[error("is not less than maxExclusive {0}")]
    MaxExclusive(rust_decimal::Decimal),
    /// Not a value of the built-in type.
    #[error("is not a valid {expected}")]
    Datatype {
        /// The built-in type, e.g. `xs:dateTime`.
        expected: &'static str,
    },
}

impl FacetError {
    /// The rule this facet error breaks.
    pub fn rule(&self) -> Rule {
        match self {
            FacetError::MinLength { .. } => Rule::MinLength,
            FacetError::MaxLength { .. } => Rule::MaxLength,
            FacetError::Pattern { .. } => Rule::Pattern,
            FacetError::Enumeration => Rule::Enumeration,
            FacetError::TotalDigits { .. } => Rule::TotalDigits,
            FacetError::FractionDigits { .. } => Rule::FractionDigits,
            FacetError::MinInclusive(_) => Rule::MinInclusive,
            FacetError::MaxInclusive(_) => Rule::MaxInclusive,
            FacetError::MinExclusive(_) => Rule::MinExclusive,
            FacetError::MaxExclusive(_) => Rule::MaxExclusive,
            FacetError::Datatype { .. } => Rule::Datatype,
        }
    }
}

/// Mask an account identifier: keep the first 4 and last 4 characters, `*` between; values of
/// 8 characters or fewer are fully masked.
pub fn mask_account(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n <= 8 {
        return "*".repeat(n);
    }
    let head: String = chars.iter().take(4).collect();
    let tail: String = chars.iter().skip(n - 4).collect();
    format!("{head}{}{tail}", "*".repeat(n - 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_first_and_last_four() {
        assert_eq!(mask_account("DE89370400440532013000"), "DE89**************3000");
        assert_eq!(mask_account("12345678"), "********");
        assert_eq!(mask_account(""), "");
    }
}

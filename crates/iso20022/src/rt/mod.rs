//! The hand-written runtime shared by all generated message modules: the traits generated
//! types implement, the reader and writer they call, facet checks, date/time and decimal
//! values, errors and limits. Generated code holds data and calls; behaviour lives here.
mod error;
mod limits;
mod reader;
mod values;
mod writer;

pub use error::{FacetError, Iso20022Error, Rule, Violation, mask_account};
pub use limits::Limits;
pub use reader::{AnyElement, Reader, read_located, read_root};
pub use regex::Regex;
pub use rust_decimal::Decimal;
pub use values::{
    DecimalFacets, IsoDate, IsoDateTime, IsoTime, IsoYear, IsoYearMonth, Pattern, StringFacets, TzOffset, XsInteger,
    check_decimal, check_string, compile_pattern, parse_decimal,
};
pub use writer::{Writer, write_root};

/// Namespace prefix of ISO 20022 message schemas.
pub const ISO_NS_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:";

/// A simple type: parsed from and written as text, facets checked in `parse_text`.
pub trait SimpleValue: Sized {
    /// Parse the text content (entities resolved) and check every facet.
    fn parse_text(text: &str) -> Result<Self, FacetError>;
    /// Write the value as (escaped) text.
    fn write_text(&self, w: &mut Writer);
}

/// A complex type (struct for a sequence, enum for a choice) or a nested group.
pub trait ComplexValue: Sized {
    /// Attributes the type declares (unqualified names).
    const ATTRS: &'static [&'static str] = &[];
    /// Read the content of the current element (its start tag already consumed).
    fn read(r: &mut Reader<'_>) -> Result<Self, Iso20022Error>;
    /// Write the attributes (inside the start tag).
    fn write_attrs(&self, _w: &mut Writer) {}
    /// Write the content.
    fn write(&self, w: &mut Writer);
}

/// A type that is the type of a global element (`Document`, `AppHdr`).
pub trait RootElement: ComplexValue {
    /// Target namespace.
    const NAMESPACE: &'static str;
    /// Element local name.
    const ELEMENT: &'static str;
}

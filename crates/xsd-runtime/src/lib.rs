//! payglot-xsd-runtime: the runtime of the code `payglot-xsd-codegen` generates (as `prost` is
//! to `prost-build`). Generated types hold data and a list of calls; the behaviour lives here:
//! the traits generated types implement ([`SimpleValue`], [`ComplexValue`], [`RootElement`]),
//! the validating pull [`Reader`] on quick-xml (which can also record what it reads for a
//! [`Recorder`]) and the [`Writer`] they call (compact or indented; it checks the occurrence
//! limits the generated calls pass, control characters and the reader's limits), facet checks,
//! XSD date/time and decimal values, restricted strings' [`Text`] (short ones inline), [`Error`]/[`Violation`] and [`Limits`].
//!
//! It knows XSD and XML, nothing about payments or any one schema. Most users want the
//! `payglot` crate; generated crates (`payglot-iso20022`, `payglot-soap`) depend on this one.
mod error;
mod fast;
mod limits;
mod ns;
mod reader;
mod record;
mod text;
mod values;
mod writer;

pub use error::{Error, FacetError, Rule, Violation, mask_account};
pub use limits::Limits;
pub use reader::{AnyElement, LeadingRun, Reader, read_fragment, read_located, read_root, read_root_recording};
pub use record::Recorder;
pub use regex::Regex;
pub use rust_decimal::Decimal;
pub use text::{BoundedText, Text, from_utf8};
pub use values::{
    DecimalFacets, IsoDate, IsoDateTime, IsoTime, IsoYear, IsoYearMonth, Pattern, StringFacets, TzOffset, XsInteger,
    check_decimal, check_string, collapse, compile_pattern, parse_decimal, xs_decimal,
};
pub use writer::{Writer, write_root};

/// A simple type: parsed from and written as text, facets checked in `parse_text`.
pub trait SimpleValue: Sized {
    /// Parse the text content (entities resolved) and check every facet.
    fn parse_text(text: &str) -> Result<Self, FacetError>;
    /// Write the value as (escaped) text.
    fn write_text(&self, w: &mut Writer);
    /// A value of the type that need not satisfy its facets. A reader collecting violations
    /// ([`Reader::collect_violations`]) puts it where a value was invalid so that it can read
    /// on; such a reader's result is always an error, so the placeholder never escapes it.
    #[doc(hidden)]
    fn placeholder() -> Self;
}

/// A complex type (struct for a sequence, enum for a choice) or a nested group.
pub trait ComplexValue: Sized {
    /// Attributes the type declares (unqualified names).
    const ATTRS: &'static [&'static str] = &[];
    /// Read the content of the current element (its start tag already consumed).
    fn read(r: &mut Reader<'_>) -> Result<Self, Error>;
    /// A value to read into ([`ComplexValue::read_into`]), if the type has one (generated
    /// types do): required fields hold placeholders that need not satisfy their facets (as
    /// [`SimpleValue::placeholder`]), optional ones `None`, repeated ones empty. Never
    /// returned from a successful read: reading into it overwrites every field. A type
    /// without one (`None`) is read by [`ComplexValue::read`] and moved into place.
    #[doc(hidden)]
    fn empty() -> Option<Self> {
        None
    }
    /// Read the content of the current element into `out`, each field where it lies, instead
    /// of building the value and moving it there (a credit transfer is about a kilobyte).
    /// Reads and fails exactly as [`ComplexValue::read`]. `out` must be the type's
    /// [`ComplexValue::empty`] value (every caller passes that): an absent optional or repeated
    /// field is left as it is there. On success every present field has been written; on error
    /// `out` holds a mix of read values and placeholders, and the caller drops it.
    #[doc(hidden)]
    fn read_into(r: &mut Reader<'_>, out: &mut Self) -> Result<(), Error> {
        *out = Self::read(r)?;
        Ok(())
    }
    /// Write the attributes (inside the start tag).
    fn write_attrs(&self, _w: &mut Writer) {}
    /// Write the content.
    fn write(&self, w: &mut Writer);
}

/// A boxed structure reads and writes as the structure (generated types hold their large
/// optional structures boxed, their small ones inline: code over either takes `T` or
/// `Box<T>` alike).
impl<T: ComplexValue> ComplexValue for Box<T> {
    const ATTRS: &'static [&'static str] = T::ATTRS;
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        T::read(r).map(Box::new)
    }
    fn empty() -> Option<Self> {
        T::empty().map(Box::new)
    }
    fn read_into(r: &mut Reader<'_>, out: &mut Self) -> Result<(), Error> {
        T::read_into(r, out)
    }
    fn write_attrs(&self, w: &mut Writer) {
        (**self).write_attrs(w);
    }
    fn write(&self, w: &mut Writer) {
        (**self).write(w);
    }
}

/// A type that is the type of a global element (`Document`, `AppHdr`).
pub trait RootElement: ComplexValue {
    /// Target namespace.
    const NAMESPACE: &'static str;
    /// Element local name.
    const ELEMENT: &'static str;
}

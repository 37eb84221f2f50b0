//! The one-pass decode: the generated validating reader builds the typed value, and a mapping
//! CONSUMES it (strings moved into the canonical model, nothing re-validated that the
//! generated constructors checked, no element tree) — for pacs.008.001.08, pain.001.001.09,
//! pain.001.001.03 and pacs.004.001.09 (one module each; the mappings their generated types share
//! are macros expanded per version: `shared.rs` for the 2019 types, `shared_2009.rs`).
//!
//! Losses by construction, as on the tree path: every generated struct the mapping reads is
//! destructured exhaustively (no `..`, so a field the schema gains fails to compile), and every
//! field it does not map goes to [`Sink::lost`], which gives exactly the `Loss` the tree path
//! gives — the same path (`Name[i]` where a name repeats), the same detail (the lost value is
//! written by its generated `write` and described by `tree::describe`, so masking and child
//! counts are the tree's), in document order (fields are visited in schema sequence order).
//!
//! Anything this path does not handle — another AppHdr version, an envelope without an AppHdr
//! before the Document, a header whose text a CR could have changed, any validation or mapping
//! error — gives `None`, and the caller decodes through the element tree, which stays the
//! reference (errors, lenient text). `typed_decode_matches_the_tree_path` proves the two agree.

mod head;
mod pacs004;
mod pacs008;
mod pain001;
mod pain001v03;
mod shared;
mod shared_2009;

use std::fmt::Write as _;

use payglot_core_model::message::BusinessHeader;
use payglot_core_model::{Decoded, Loss, Message};

use super::{IsoMessage, tree};
use crate::rt::{ComplexValue, RootElement, Writer};
use crate::{Limits, generated};

/// Decode `input` as `message` in one typed pass; `None` when the tree path must decide.
pub(crate) fn decode(message: IsoMessage, input: &[u8], limits: &Limits) -> Option<Decoded> {
    match message {
        IsoMessage::Pacs008V08 => decode_as(input, limits, pacs008::decode),
        IsoMessage::Pain001V09 => decode_as(input, limits, pain001::decode),
        IsoMessage::Pain001V03 => decode_as(input, limits, pain001v03::decode),
        IsoMessage::Pacs004V09 => decode_as(input, limits, pacs004::decode),
        _ => None,
    }
}

/// [`decode`] of a Document of type `D` (read as `D` alone, see
/// [`crate::parse_typed_with_header`]), mapped by `map` (called through a pointer: one copy
/// of each mapping, not inlined into each instance of this).
fn decode_as<D: RootElement>(
    input: &[u8],
    limits: &Limits,
    map: fn(D, &mut Sink) -> Option<Message>,
) -> Option<Decoded> {
    let crate::TypedInput { header, document } = crate::parse_typed_with_header::<D>(input, limits)?;
    let mut sink = Sink::default();
    let business_header = match header {
        Some(header) => Some(business_header(*header, input, &mut sink)?),
        None => None,
    };
    let mut decoded = map(document, &mut sink)?;
    if sink.failed {
        return None;
    }
    if business_header.is_some() {
        super::header_mut(&mut decoded).business_header = business_header;
    }
    Some(Decoded { message: decoded, losses: sink.losses })
}

/// The AppHdr as the message's business header (its losses first in `sink`); `None` when the
/// tree path must decide.
fn business_header(
    header: generated::head_001_001_02::BusinessApplicationHeaderV02,
    input: &[u8],
    sink: &mut Sink,
) -> Option<BusinessHeader> {
    if memchr::memchr(b'\r', input).is_some() && head::has_line_feed(&header) {
        // The tree path then records the header's text as quick-xml gives it (CR kept).
        return None;
    }
    head::decode(header, sink)
}

/// Where an element sits, for a loss path written out only when something is lost: its name,
/// its 1-based index among same-named siblings (0 when it has none), and its parent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'p> {
    parent: Option<&'p At<'p>>,
    name: &'static str,
    index: usize,
}

impl<'p> At<'p> {
    /// A root element (`/Document`, `/AppHdr`).
    pub(crate) const fn root(name: &'static str) -> At<'static> {
        At { parent: None, name, index: 0 }
    }

    /// The child `name` (not repeated).
    pub(crate) fn at(&'p self, name: &'static str) -> At<'p> {
        At { parent: Some(self), name, index: 0 }
    }

    /// The `i`-th (0-based) of `len` children named `name`: indexed only when `len > 1`.
    pub(crate) fn item(&'p self, name: &'static str, i: usize, len: usize) -> At<'p> {
        At { parent: Some(self), name, index: if len > 1 { i + 1 } else { 0 } }
    }

    fn write(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.write(out);
        }
        out.push('/');
        out.push_str(self.name);
        if self.index > 0 {
            let _ = write!(out, "[{}]", self.index);
        }
    }

    /// The path as the tree path writes it.
    pub(crate) fn path(&self) -> String {
        let mut out = String::with_capacity(64);
        self.write(&mut out);
        out
    }
}

/// The losses of one decode, in document order.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    pub(crate) losses: Vec<Loss>,
    /// A lost value could not be described (cannot happen: it was written by its generated
    /// writer); the decode then falls back to the tree path rather than guess.
    failed: bool,
}

/// A value the generated writer can write as an element named `name` (complex or simple).
pub(crate) trait Lose {
    /// Write `self` as the element `name`.
    fn write_as(&self, name: &'static str, w: &mut Writer);
}

impl<T: ComplexValue> Lose for T {
    fn write_as(&self, name: &'static str, w: &mut Writer) {
        w.c(name, self);
    }
}

/// A simple-typed value for [`Sink::lost`] (simple types are not `ComplexValue`).
pub(crate) struct S<'v, T>(pub(crate) &'v T);

impl<T: crate::rt::SimpleValue> Lose for S<'_, T> {
    fn write_as(&self, name: &'static str, w: &mut Writer) {
        w.s(name, self.0);
    }
}

impl Sink {
    /// The element `name` under `at` was not mapped: a `Dropped` loss as the tree path gives.
    /// (Losses are taken through `dyn Lose`: one copy of this code, not one per type, which
    /// each mapping would otherwise carry for every element it does not map.)
    #[cold]
    #[inline(never)]
    pub(crate) fn lost(&mut self, at: &At<'_>, name: &'static str, value: &dyn Lose) {
        self.lost_at(&at.at(name), value);
    }

    /// [`Sink::lost`] with the element's own place given.
    #[cold]
    #[inline(never)]
    pub(crate) fn lost_at(&mut self, here: &At<'_>, value: &dyn Lose) {
        // The document writer's buffer is sized once (8 KB); the default writer's starts empty
        // and grows five or six times for an agent or a party. Its XML declaration is skipped.
        let mut w = Writer::document(false);
        value.write_as(here.name, &mut w);
        let written = w.into_bytes();
        let Some(bytes) = element_after_declaration(&written) else {
            self.failed = true;
            return;
        };
        // An element with children (most lost values): its child count, as the tree counts it.
        if let Some(children) = child_elements(here.name, bytes) {
            self.losses.push(Loss::dropped(
                here.path(),
                format!("no canonical field for {} ({children} child elements)", here.name),
            ));
            return;
        }
        let mut builder = tree::TreeBuilder::new(bytes, 1);
        let recorded = tree::record_own(bytes, &mut builder, &mut tree::Want::Root);
        let unit = recorded.ok().and_then(|()| builder.into_unit(here.name));
        match unit.as_ref().and_then(tree::Unit::root) {
            Some(element) => self.losses.push(Loss::dropped(here.path(), tree::describe(element))),
            None => self.failed = true,
        }
    }

    /// Map each of the repeated elements `name` under `at`, each at its own place (`Name[i]`
    /// when there are several), in document order.
    pub(crate) fn each<T, U>(
        &mut self,
        at: &At<'_>,
        name: &'static str,
        values: Vec<T>,
        mut map: impl FnMut(T, &At<'_>, &mut Sink) -> Option<U>,
    ) -> Option<Vec<U>> {
        let len = values.len();
        let mut out = Vec::with_capacity(len);
        for (i, value) in values.into_iter().enumerate() {
            out.push(map(value, &at.item(name, i, len), self)?);
        }
        Some(out)
    }

    /// An optional element not mapped (inlined: absent, it is one test).
    #[inline(always)]
    pub(crate) fn lost_opt(&mut self, at: &At<'_>, name: &'static str, value: Option<&impl Lose>) {
        if let Some(value) = value {
            self.lost(at, name, value);
        }
    }

    /// A repeated element not mapped (each occurrence, indexed when there are several;
    /// inlined: absent, it is one test).
    #[inline(always)]
    pub(crate) fn lost_many(&mut self, at: &At<'_>, name: &'static str, values: &[impl Lose]) {
        for (i, value) in values.iter().enumerate() {
            self.lost_at(&at.item(name, i, values.len()), value);
        }
    }

    /// An optional simple element not mapped (inlined: absent, it is one test).
    #[inline(always)]
    pub(crate) fn lost_opt_s<T: crate::rt::SimpleValue>(&mut self, at: &At<'_>, name: &'static str, v: Option<&T>) {
        if let Some(v) = v {
            self.lost(at, name, &S(v));
        }
    }

    /// The element at `here` was kept in a less exact form.
    pub(crate) fn approximated(&mut self, here: &At<'_>, detail: String) {
        self.losses.push(Loss::approximated(here.path(), detail));
    }
}

/// The element a [`Writer::document`] wrote after its XML declaration (`<?xml ...?>`, which
/// holds no other `>`).
fn element_after_declaration(written: &[u8]) -> Option<&[u8]> {
    let declaration_end = memchr::memchr(b'>', written)? + 1;
    let rest = written.get(declaration_end..)?;
    rest.get(memchr::memchr(b'<', rest)?..)
}

/// How many child elements the element `name` written in `bytes` (by a generated writer:
/// `<name ...>content</name>`) has, when it has some and the content is plain markup the scan
/// below reads exactly (tags, quoted attribute values, escaped text — no comment, CDATA or
/// processing instruction, which only `xs:any` content could bring); `None` otherwise, and
/// the caller describes it through the element tree.
fn child_elements(name: &str, bytes: &[u8]) -> Option<usize> {
    let open_end = memchr::memchr(b'>', bytes)?;
    let content = bytes.get(open_end + 1..bytes.len().checked_sub(name.len() + 3)?)?;
    let (mut depth, mut count, mut i) = (0usize, 0usize, 0usize);
    // Every `<` of the content starts markup (text and attribute values have it escaped), and
    // the scan stops at each: a comment, CDATA section or processing instruction is seen here.
    while let Some(at) = content.get(i..).and_then(|rest| memchr::memchr(b'<', rest)) {
        let tag = i + at;
        if matches!(content.get(tag + 1), Some(b'!' | b'?')) {
            return None;
        }
        if content.get(tag + 1) == Some(&b'/') {
            depth = depth.checked_sub(1)?;
            i = tag + 1 + memchr::memchr(b'>', content.get(tag..)?)?;
            continue;
        }
        if depth == 0 {
            count += 1;
        }
        // The start tag's end, past quoted attribute values (which may hold `>` in `xs:any`).
        let mut j = tag + 1;
        let mut quote = None;
        loop {
            let c = *content.get(j)?;
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (None, b'"' | b'\'') => quote = Some(c),
                (None, b'>') => break,
                _ => {}
            }
            j += 1;
        }
        if content.get(j - 1) != Some(&b'/') {
            depth += 1;
        }
        i = j + 1;
    }
    (depth == 0 && count > 0).then_some(count)
}

/// A generated optional structure as the generator holds it: inline when its estimated size
/// is small, boxed otherwise (`payglot_xsd_codegen::Config::iso20022`). Code that
/// takes either reads alike whichever the generator chose.
pub(crate) trait Held<G> {
    /// Hold `value` so.
    fn hold(value: G) -> Self;
    /// The value itself.
    fn unheld(self) -> G;
}

impl<G> Held<G> for G {
    #[inline(always)]
    fn hold(value: G) -> Self {
        value
    }
    #[inline(always)]
    fn unheld(self) -> G {
        self
    }
}

impl<G> Held<G> for Box<G> {
    #[inline(always)]
    fn hold(value: G) -> Self {
        Box::new(value)
    }
    #[inline(always)]
    fn unheld(self) -> G {
        *self
    }
}

/// An optional generated value (inline or boxed) mapped by `map` at the child `name` of
/// `at`, written into `out` where it lies (left as it is when absent). Filling a structure of
/// several so moves none of them: an `Agent` or `Party` is ~600 bytes, and built through
/// return values each was copied two or three times on its way into place.
#[inline]
pub(crate) fn put<G, T>(
    value: Option<impl Held<G>>,
    at: &At<'_>,
    name: &'static str,
    sink: &mut Sink,
    out: &mut Option<T>,
    map: impl FnOnce(G, &At<'_>, &mut Sink) -> Option<T>,
) -> Option<()> {
    if let Some(value) = value {
        *out = Some(map(value.unheld(), &at.at(name), sink)?);
    }
    Some(())
}

/// A string value of a generated type as a canonical text or id type: borrowed when short
/// (the target keeps up to 24 bytes inline), moved when long (no copy); `None` (the tree path
/// decides) when the canonical type refuses it.
macro_rules! text {
    ($value:expr) => {{
        let value = $value;
        let converted = if value.as_str().len() <= 24 {
            ::std::convert::TryFrom::try_from(value.as_str())
        } else {
            ::std::convert::TryFrom::try_from(value.into_string())
        };
        converted.ok()?
    }};
}

/// [`text!`] for the identifier newtypes (`MessageId`, `EndToEndId`, ...), which take a
/// borrowed string through `FromStr`.
macro_rules! id {
    ($value:expr) => {{
        let value = $value;
        let converted = if value.as_str().len() <= 24 {
            value.as_str().parse()
        } else {
            ::std::convert::TryFrom::try_from(value.into_string())
        };
        converted.ok()?
    }};
}

pub(crate) use {id, text};

/// An `ISODate` as the tree path reads it (`YYYY-MM-DD`: a date written with an offset is
/// refused there, so it goes there).
pub(crate) fn date(value: crate::rt::IsoDate) -> Option<chrono::NaiveDate> {
    value.offset.is_none().then_some(value.date)
}

/// An `ISODateTime` as `DateTime::parse` reads it (offsets up to ±14:59, no leap second).
pub(crate) fn datetime(value: crate::rt::IsoDateTime) -> Option<payglot_core_model::DateTime> {
    use chrono::Timelike as _;
    use payglot_core_model::datetime::Offset;
    let offset = match value.offset {
        None => Offset::Local,
        Some(crate::rt::TzOffset::Utc) => Offset::Utc,
        Some(crate::rt::TzOffset::Fixed(fixed)) => {
            if fixed.local_minus_utc().unsigned_abs() / 3600 > 14 {
                return None;
            }
            Offset::Fixed(fixed)
        }
    };
    if value.date_time.nanosecond() >= 1_000_000_000 || value.fraction_digits > 9 {
        return None;
    }
    Some(payglot_core_model::DateTime::new(value.date_time, offset, value.fraction_digits))
}

/// An amount and its currency as `Money` (the tree path's checks: currency, amount facets).
pub(crate) fn money(currency: &str, amount: rust_decimal::Decimal) -> Option<payglot_core_model::Money> {
    let currency = payglot_core_model::Currency::parse(currency).ok()?;
    payglot_core_model::Money::new(amount, currency).ok()
}

/// What the tree path's `check_totals` reports for a stated count: an `Approximated` loss
/// when it is not the number of transactions.
pub(crate) fn check_count(stated: &str, count: usize) -> Option<String> {
    (stated.parse::<usize>().ok() != Some(count))
        .then(|| format!("NbOfTxs says {stated} but there are {count} transactions; recomputed on encode"))
}

/// What the tree path's `check_totals` reports for a stated sum (`name`) of the transactions.
pub(crate) fn check_sum(name: &str, value: rust_decimal::Decimal, sum: rust_decimal::Decimal) -> Option<String> {
    check_sum_of(name, value, sum, "transactions")
}

/// [`check_sum`] of the amounts `what` names (`returned amounts`).
pub(crate) fn check_sum_of(
    name: &str,
    value: rust_decimal::Decimal,
    sum: rust_decimal::Decimal,
    what: &str,
) -> Option<String> {
    (value != sum).then(|| format!("{name} says {value} but the {what} add up to {sum}; recomputed on encode"))
}

// ---------------------------------------------------------------- session 9: camt entries

pub(crate) mod camt;

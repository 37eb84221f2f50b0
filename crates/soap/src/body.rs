//! The bodies of payglot's SOAP service: between the types generated from
//! `schemas/soap/payglot.xsd` ([`crate::generated::payglot`], by `payglot-xsd-codegen`) and the
//! canonical model. The generated pull reader reads a body element (every facet of the XSD
//! checked while reading) and the generated writer writes one; this module only maps fields.
//!
//! The XSD mirrors the model one to one (an element per field, in declaration order), so the
//! mapping is a field list per type (`record!`). On decode, leaf values go through the
//! model's own checked constructors ([`Leaf`]), so every check the model makes (IBAN checksum,
//! currency code, text length) is made on decode as well; on encode, through the model's
//! string form (its serde representation: never masked, unlike `Display`).

use std::collections::{BTreeMap, btree_map};

use payglot_core_model as m;
use payglot_core_model::{DecodeError, DecodeErrorKind, DecodeLimits, EncodeError, Location};
use payglot_xsd_runtime as rt;
use rt::SimpleValue as _;
use serde::Serialize;

use crate::generated::payglot as g;
use crate::payglot::{PaymentStatusQuery, StatementQuery};

/// Why a value could not be mapped: a message and the element path (innermost first). Boxed:
/// every field of every mapping returns a `Result<_, ConvError>`, which is then one pointer
/// (null for `Ok(())`) instead of 48 bytes written and read through memory on the hot path.
#[derive(Debug)]
pub(crate) struct ConvError(Box<ConvErrorInner>);

/// What a [`ConvError`] holds.
#[derive(Debug)]
pub(crate) struct ConvErrorInner {
    message: String,
    path: Vec<String>,
}

impl std::ops::Deref for ConvError {
    type Target = ConvErrorInner;
    fn deref(&self) -> &ConvErrorInner {
        &self.0
    }
}

impl std::ops::DerefMut for ConvError {
    fn deref_mut(&mut self) -> &mut ConvErrorInner {
        &mut self.0
    }
}

// The error paths are cold and kept out of line: every field of every mapping names one
// (`map_err(|e| e.at("field"))`), and inlined they would sit in the hot code between the
// fields' conversions (instruction-cache footprint, see BENCHMARKS.md, issue 6).
impl ConvError {
    #[cold]
    #[inline(never)]
    fn new(message: impl Into<String>) -> Self {
        Self(Box::new(ConvErrorInner { message: message.into(), path: Vec::new() }))
    }

    /// Prefix the path with a field (snake case, written as its XSD element name).
    #[cold]
    #[inline(never)]
    fn at(mut self, field: &str) -> Self {
        self.path.push(pascal(field));
        self
    }

    /// Prefix the path with an index into a repeated element.
    #[cold]
    #[inline(never)]
    fn at_index(mut self, index: usize) -> Self {
        self.path.push(format!("[{index}]"));
        self
    }

    /// The path below `root` (e.g. `/Envelope/Body/InitiatePaymentRequest`).
    fn path(&self, root: &str) -> String {
        let mut out = root.to_owned();
        for segment in self.path.iter().rev() {
            if !segment.starts_with('[') {
                out.push('/');
            }
            out.push_str(segment);
        }
        out
    }
}

/// `message_id` → `MessageId`.
fn pascal(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    for part in snake.split('_') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// A mapping between a model type and a generated type `G`.
///
/// Decoding writes large model values where they finally lie (`fill`, `fill_some`, `push`)
/// instead of building each in a temporary and moving it up through every level's `Result`:
/// the model's transfer is 4.6 KB, its parties and agents 0.4 KB each. The defaults below
/// move a finished value (right for leaves); records override them.
pub(crate) trait Conv<G>: Sized {
    /// Model → generated (facets of the XSD checked).
    fn to_gen(&self) -> Result<G, ConvError>;
    /// Generated → model (the model's own checks made).
    fn from_gen(value: G) -> Result<Self, ConvError>;

    /// Generated → model, written over `out`. On an error `out` holds a partly written value
    /// (decoding then gives up on the whole message).
    fn fill(value: G, out: &mut Self) -> Result<(), ConvError> {
        *out = Self::from_gen(value)?;
        Ok(())
    }

    /// Generated → model, into an optional slot.
    fn fill_some(value: G, out: &mut Option<Self>) -> Result<(), ConvError> {
        *out = Some(Self::from_gen(value)?);
        Ok(())
    }

    /// Generated → model, appended to `out`.
    fn push(value: G, out: &mut Vec<Self>) -> Result<(), ConvError> {
        out.push(Self::from_gen(value)?);
        Ok(())
    }
}

impl<M: Conv<G>, G> Conv<Option<G>> for Option<M> {
    fn to_gen(&self) -> Result<Option<G>, ConvError> {
        self.as_ref().map(M::to_gen).transpose()
    }
    fn from_gen(value: Option<G>) -> Result<Self, ConvError> {
        value.map(M::from_gen).transpose()
    }
    fn fill(value: Option<G>, out: &mut Self) -> Result<(), ConvError> {
        match value {
            None => {
                *out = None;
                Ok(())
            }
            Some(value) => M::fill_some(value, out),
        }
    }
}

/// The generator boxes large optional element content; the mapping is that of the content.
impl<M: Conv<G>, G> Conv<Box<G>> for M {
    fn to_gen(&self) -> Result<Box<G>, ConvError> {
        <M as Conv<G>>::to_gen(self).map(Box::new)
    }
    fn from_gen(value: Box<G>) -> Result<Self, ConvError> {
        <M as Conv<G>>::from_gen(*value)
    }
    fn fill(value: Box<G>, out: &mut Self) -> Result<(), ConvError> {
        <M as Conv<G>>::fill(*value, out)
    }
    fn fill_some(value: Box<G>, out: &mut Option<Self>) -> Result<(), ConvError> {
        <M as Conv<G>>::fill_some(*value, out)
    }
    fn push(value: Box<G>, out: &mut Vec<Self>) -> Result<(), ConvError> {
        <M as Conv<G>>::push(*value, out)
    }
}

/// The model boxes its related parties (see `EntryTransaction::parties`); the mapping is that
/// of the content.
impl Conv<g::RelatedParties> for Box<m::RelatedParties> {
    fn to_gen(&self) -> Result<g::RelatedParties, ConvError> {
        <m::RelatedParties as Conv<g::RelatedParties>>::to_gen(self)
    }
    fn from_gen(value: g::RelatedParties) -> Result<Self, ConvError> {
        <m::RelatedParties as Conv<g::RelatedParties>>::from_gen(value).map(Box::new)
    }
}

impl<M: Conv<G>, G> Conv<Vec<G>> for Vec<M> {
    fn to_gen(&self) -> Result<Vec<G>, ConvError> {
        self.iter().enumerate().map(|(i, v)| v.to_gen().map_err(|e| e.at_index(i))).collect()
    }
    fn from_gen(value: Vec<G>) -> Result<Self, ConvError> {
        let mut out = Vec::new();
        Self::fill(value, &mut out)?;
        Ok(out)
    }
    fn fill(value: Vec<G>, out: &mut Self) -> Result<(), ConvError> {
        // Sized up front (growing would move every large value again), each item written in
        // its place.
        out.clear();
        out.reserve_exact(value.len());
        for (i, v) in value.into_iter().enumerate() {
            M::push(v, out).map_err(|e| e.at_index(i))?;
        }
        Ok(())
    }
}

/// The model value's string form (its serde representation: never masked, unlike `Display`).
fn to_text<M: Serialize>(value: &M) -> Result<String, ConvError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => Ok(text),
        Ok(other) => Ok(other.to_string()),
        Err(error) => Err(ConvError::new(error.to_string())),
    }
}

/// A model leaf built from the text the generated reader read (and checked against the XSD's
/// facets), through the model's own checked constructor: the check its serde form makes
/// (`#[serde(try_from = "String")]` calls the same constructor), with the same message on
/// failure, without a serde round trip.
pub(crate) trait Leaf: Sized {
    /// Whether the model value keeps the text itself (so a long text is better moved in
    /// through [`Leaf::from_text`] than copied): text and identifier types. Parsed values
    /// (IBAN, UETR, codes) keep their own form: their text is read by reference always (no
    /// `String` made for them).
    const KEEPS_TEXT: bool = false;

    /// The value of `text`, borrowed, or the model's refusal. No allocation where the model
    /// keeps a short text (inline, up to [`INLINE`] bytes).
    fn from_str_ref(text: &str) -> Result<Self, m::InvalidValue>;

    /// The value of `text`, owned: a type that keeps a long text keeps its allocation.
    fn from_text(text: String) -> Result<Self, m::InvalidValue> {
        Self::from_str_ref(&text)
    }
}

/// The longest text the model and the reader keep inline (`CompactString`: 24 bytes): shorter
/// values are read by reference (nothing allocated), longer ones moved out of the reader's value.
const INLINE: usize = 24;

impl<const N: usize> Leaf for m::Text<N> {
    const KEEPS_TEXT: bool = true;
    fn from_str_ref(text: &str) -> Result<Self, m::InvalidValue> {
        m::Text::try_from(text)
    }
    fn from_text(text: String) -> Result<Self, m::InvalidValue> {
        m::Text::try_from(text)
    }
}

/// The identifier newtypes of `Text<35>` (by reference: `FromStr`; owned: `TryFrom<String>`).
macro_rules! leaf_new {
    ($($m:ident),* $(,)?) => {$(
        impl Leaf for m::$m {
            const KEEPS_TEXT: bool = true;
            fn from_str_ref(text: &str) -> Result<Self, m::InvalidValue> {
                text.parse()
            }
            fn from_text(text: String) -> Result<Self, m::InvalidValue> {
                m::$m::try_from(text)
            }
        }
    )*};
}

leaf_new!(MessageId, PaymentInfoId, InstructionId, EndToEndId, TransactionId);

/// Leaves parsed from the text (`parse(&str)`).
macro_rules! leaf_parse {
    ($($m:ident),* $(,)?) => {$(
        impl Leaf for m::$m {
            fn from_str_ref(text: &str) -> Result<Self, m::InvalidValue> {
                m::$m::parse(text)
            }
        }
    )*};
}

leaf_parse!(
    Iban,
    Bic,
    Lei,
    Uetr,
    CountryCode,
    Currency,
    CreditorReference,
    AccountNumber,
    StatusReason,
    PaymentStatus,
    GroupStatus,
    Purpose,
    CategoryPurpose,
    ServiceLevel,
    LocalInstrument,
    ReturnReason,
    BalanceType,
    ClearingSystem,
    CashAccountType,
    AccountScheme,
    OrganisationIdScheme,
    PersonIdScheme,
);

/// Restricted strings of the XSD, to and from any model leaf (written through its string form).
macro_rules! text_leaf {
    ($($g:ident),* $(,)?) => {$(
        impl<M: Serialize + Leaf> Conv<g::$g> for M {
            fn to_gen(&self) -> Result<g::$g, ConvError> {
                g::$g::new(to_text(self)?).map_err(|e| ConvError::new(e.to_string()))
            }
            // One copy per pair of types, called from every field of that pair (a postal
            // address has a dozen), rather than inlined into each: less code in all.
            #[inline(never)]
            fn from_gen(value: g::$g) -> Result<Self, ConvError> {
                let leaf = if !M::KEEPS_TEXT || value.as_str().len() <= INLINE {
                    M::from_str_ref(value.as_str())
                } else {
                    M::from_text(value.into_string())
                };
                leaf.map_err(|e| ConvError::new(e.to_string()))
            }
        }
    )*};
}

text_leaf!(
    Text4,
    Text10,
    Text15,
    Text16,
    Text34,
    Text35,
    Text70,
    Text105,
    Text140,
    Text500,
    Text2048,
    ExternalCode,
    Iban,
    Bic,
    Lei,
    Uetr,
    CountryCode,
    CurrencyCode,
);

/// Enumerations of the XSD, whose values are the model's serde names (test
/// `enumerations_are_the_models_serde_names`): variant to variant, both matches exhaustive, so
/// a value one side lacks does not compile.
macro_rules! enum_leaf {
    ($($g:ident { $($variant:ident),* $(,)? })*) => {$(
        impl Conv<g::$g> for m::$g {
            fn to_gen(&self) -> Result<g::$g, ConvError> {
                Ok(match self { $(Self::$variant => g::$g::$variant,)* })
            }
            fn from_gen(value: g::$g) -> Result<Self, ConvError> {
                Ok(match value { $(g::$g::$variant => Self::$variant,)* })
            }
        }
    )*};
}

enum_leaf! {
    PaymentMethod { Transfer, Cheque, TransferAdvice }
    Priority { High, Normal }
    ChargeBearer { Debtor, Creditor, Shared, ServiceLevel }
    CreditDebit { Credit, Debit }
}

impl Conv<g::Amount> for m::Decimal {
    fn to_gen(&self) -> Result<g::Amount, ConvError> {
        g::Amount::new(*self).map_err(|e| ConvError::new(e.to_string()))
    }
    fn from_gen(value: g::Amount) -> Result<Self, ConvError> {
        Ok(value.value())
    }
}

impl Conv<g::DecimalNumber> for m::Decimal {
    fn to_gen(&self) -> Result<g::DecimalNumber, ConvError> {
        g::DecimalNumber::new(*self).map_err(|e| ConvError::new(e.to_string()))
    }
    fn from_gen(value: g::DecimalNumber) -> Result<Self, ConvError> {
        Ok(value.value())
    }
}

impl Conv<bool> for bool {
    fn to_gen(&self) -> Result<bool, ConvError> {
        Ok(*self)
    }
    fn from_gen(value: bool) -> Result<Self, ConvError> {
        Ok(value)
    }
}

impl Conv<rt::IsoDateTime> for m::DateTime {
    fn to_gen(&self) -> Result<rt::IsoDateTime, ConvError> {
        rt::IsoDateTime::parse_text(&to_text(self)?).map_err(|e| ConvError::new(e.to_string()))
    }
    fn from_gen(value: rt::IsoDateTime) -> Result<Self, ConvError> {
        let offset = match value.offset {
            None => m::Offset::Local,
            Some(rt::TzOffset::Utc) => m::Offset::Utc,
            Some(rt::TzOffset::Fixed(offset)) => m::Offset::Fixed(offset),
        };
        Ok(m::DateTime::new(value.date_time, offset, value.fraction_digits))
    }
}

impl Conv<rt::IsoDate> for chrono::NaiveDate {
    fn to_gen(&self) -> Result<rt::IsoDate, ConvError> {
        Ok(rt::IsoDate { date: *self, offset: None })
    }
    fn from_gen(value: rt::IsoDate) -> Result<Self, ConvError> {
        match value.offset {
            None => Ok(value.date),
            Some(_) => Err(ConvError::new("a date with a time-zone offset: the canonical model holds plain dates")),
        }
    }
}

impl Conv<g::Money> for m::Money {
    fn to_gen(&self) -> Result<g::Money, ConvError> {
        Ok(g::Money {
            amount: self.amount().to_gen().map_err(|e| e.at("amount"))?,
            currency: self.currency().to_gen().map_err(|e| e.at("currency"))?,
        })
    }
    fn from_gen(value: g::Money) -> Result<Self, ConvError> {
        let amount = Conv::from_gen(value.amount).map_err(|e| e.at("amount"))?;
        let currency = Conv::from_gen(value.currency).map_err(|e| e.at("currency"))?;
        m::Money::new(amount, currency).map_err(|e| ConvError::new(e.to_string()))
    }
}

impl<C: Serialize + Leaf> Conv<g::CodeOrProprietary> for m::CodeOrProprietary<C> {
    fn to_gen(&self) -> Result<g::CodeOrProprietary, ConvError> {
        Ok(match self {
            Self::Code(code) => g::CodeOrProprietary::Code(code.to_gen().map_err(|e| e.at("code"))?),
            Self::Proprietary(text) => {
                g::CodeOrProprietary::Proprietary(text.to_gen().map_err(|e| e.at("proprietary"))?)
            }
        })
    }
    fn from_gen(value: g::CodeOrProprietary) -> Result<Self, ConvError> {
        Ok(match value {
            g::CodeOrProprietary::Code(code) => Self::Code(Conv::from_gen(code).map_err(|e| e.at("code"))?),
            g::CodeOrProprietary::Proprietary(text) => {
                Self::Proprietary(Conv::from_gen(text).map_err(|e| e.at("proprietary"))?)
            }
        })
    }
}

impl Conv<g::DateOrDateTime> for m::DateOrDateTime {
    fn to_gen(&self) -> Result<g::DateOrDateTime, ConvError> {
        Ok(match self {
            Self::Date(date) => g::DateOrDateTime::Date(date.to_gen().map_err(|e| e.at("date"))?),
            Self::DateTime(value) => g::DateOrDateTime::DateTime(value.to_gen().map_err(|e| e.at("date_time"))?),
        })
    }
    fn from_gen(value: g::DateOrDateTime) -> Result<Self, ConvError> {
        Ok(match value {
            g::DateOrDateTime::Date(date) => Self::Date(Conv::from_gen(date).map_err(|e| e.at("date"))?),
            g::DateOrDateTime::DateTime(value) => Self::DateTime(Conv::from_gen(value).map_err(|e| e.at("date_time"))?),
        })
    }
}

/// Free-form extensions: a map in the model, `<Entry Key="...">` elements in the XSD (absent
/// when empty). A key given twice is refused: the map cannot hold both values.
impl Conv<Option<g::Extensions>> for BTreeMap<String, String> {
    fn to_gen(&self) -> Result<Option<g::Extensions>, ConvError> {
        if self.is_empty() {
            return Ok(None);
        }
        let entry = self.iter().map(|(key, value)| g::ExtensionsEntry { key: key.clone(), value: value.clone() });
        Ok(Some(g::Extensions { entry: entry.collect() }))
    }
    fn from_gen(value: Option<g::Extensions>) -> Result<Self, ConvError> {
        let mut map = BTreeMap::new();
        for (i, entry) in value.map(|e| e.entry).unwrap_or_default().into_iter().enumerate() {
            match map.entry(entry.key) {
                btree_map::Entry::Vacant(slot) => {
                    slot.insert(entry.value);
                }
                btree_map::Entry::Occupied(taken) => {
                    let message = format!("duplicate extension key `{}`", taken.key());
                    return Err(ConvError::new(message).at_index(i).at("entry"));
                }
            }
        }
        Ok(map)
    }
}

impl Conv<g::PartyId> for m::PartyId {
    fn to_gen(&self) -> Result<g::PartyId, ConvError> {
        Ok(match self {
            Self::Organisation { any_bic, lei, others } => g::PartyId::Organisation(g::PartyIdOrganisation {
                any_bic: any_bic.to_gen().map_err(|e| e.at("any_bic").at("organisation"))?,
                lei: lei.to_gen().map_err(|e| e.at("lei").at("organisation"))?,
                others: others.to_gen().map_err(|e| e.at("others").at("organisation"))?,
            }),
            Self::Private { birth, others } => g::PartyId::Private(g::PartyIdPrivate {
                birth: birth.to_gen().map_err(|e| e.at("birth").at("private"))?,
                others: others.to_gen().map_err(|e| e.at("others").at("private"))?,
            }),
        })
    }
    fn from_gen(value: g::PartyId) -> Result<Self, ConvError> {
        Ok(match value {
            g::PartyId::Organisation(o) => Self::Organisation {
                any_bic: Conv::from_gen(o.any_bic).map_err(|e| e.at("any_bic").at("organisation"))?,
                lei: Conv::from_gen(o.lei).map_err(|e| e.at("lei").at("organisation"))?,
                others: Conv::from_gen(o.others).map_err(|e| e.at("others").at("organisation"))?,
            },
            g::PartyId::Private(p) => Self::Private {
                birth: Conv::from_gen(p.birth).map_err(|e| e.at("birth").at("private"))?,
                others: Conv::from_gen(p.others).map_err(|e| e.at("others").at("private"))?,
            },
        })
    }
}

impl Conv<g::AccountId> for m::AccountId {
    fn to_gen(&self) -> Result<g::AccountId, ConvError> {
        Ok(match self {
            Self::Iban(iban) => g::AccountId::Iban(iban.to_gen().map_err(|e| e.at("iban"))?),
            Self::Other { id, scheme, issuer } => g::AccountId::Other(g::AccountIdOther {
                id: id.to_gen().map_err(|e| e.at("id").at("other"))?,
                scheme: scheme.to_gen().map_err(|e| e.at("scheme").at("other"))?,
                issuer: issuer.to_gen().map_err(|e| e.at("issuer").at("other"))?,
            }),
        })
    }
    fn from_gen(value: g::AccountId) -> Result<Self, ConvError> {
        Ok(match value {
            g::AccountId::Iban(iban) => Self::Iban(Conv::from_gen(iban).map_err(|e| e.at("iban"))?),
            g::AccountId::Other(o) => Self::Other {
                id: Conv::from_gen(o.id).map_err(|e| e.at("id").at("other"))?,
                scheme: Conv::from_gen(o.scheme).map_err(|e| e.at("scheme").at("other"))?,
                issuer: Conv::from_gen(o.issuer).map_err(|e| e.at("issuer").at("other"))?,
            },
        })
    }
}

/// Model → generated for a sequence type: every field by name, the path of an error prefixed
/// with the field.
macro_rules! to_gen {
    ($value:ident, $gen:ident { $($field:ident),* }) => {
        Ok(g::$gen { $($field: $value.$field.to_gen().map_err(|e| e.at(stringify!($field)))?,)* })
    };
}

/// A sequence type: the same fields, by name, on both sides.
macro_rules! record {
    ($($model:ty => $gen:ident { $($field:ident),* $(,)? })*) => {$(
        impl Conv<g::$gen> for $model {
            fn to_gen(&self) -> Result<g::$gen, ConvError> {
                to_gen!(self, $gen { $($field),* })
            }
            fn from_gen(value: g::$gen) -> Result<Self, ConvError> {
                Ok(Self { $($field: Conv::from_gen(value.$field).map_err(|e| e.at(stringify!($field)))?,)* })
            }
        }
    )*};
}

/// A sequence type whose model type has a `Default` (every field optional or repeated): on
/// decode, each field is written in place into the slot the value goes to.
macro_rules! default_record {
    ($($model:ty => $gen:ident { $($field:ident),* $(,)? })*) => {$(
        impl Conv<g::$gen> for $model {
            fn to_gen(&self) -> Result<g::$gen, ConvError> {
                to_gen!(self, $gen { $($field),* })
            }
            fn from_gen(value: g::$gen) -> Result<Self, ConvError> {
                let mut out = Self::default();
                Self::fill(value, &mut out)?;
                Ok(out)
            }
            fn fill(value: g::$gen, out: &mut Self) -> Result<(), ConvError> {
                // Every model field is named (no `..`): a field the model gains and the list
                // lacks does not compile, as in `record!`'s struct literal.
                let Self { $($field: _),* } = out;
                $(Conv::fill(value.$field, &mut out.$field).map_err(|e| e.at(stringify!($field)))?;)*
                Ok(())
            }
            fn fill_some(value: g::$gen, out: &mut Option<Self>) -> Result<(), ConvError> {
                Self::fill(value, out.insert(Self::default()))
            }
            fn push(value: g::$gen, out: &mut Vec<Self>) -> Result<(), ConvError> {
                out.push(Self::default());
                match out.last_mut() {
                    Some(slot) => Self::fill(value, slot),
                    None => Err(ConvError::new("internal: pushed value missing")),
                }
            }
        }
    )*};
}

/// A large sequence type without a `Default`: built by `$new` from its leading required fields
/// (`$seed`, converted first, in order), the other fields then written in place, so the value
/// is not moved once finished (`push` builds it inside the vector).
macro_rules! seeded_record {
    ($($model:ty => $gen:ident { $($seed:ident),* ; $($field:ident),* $(,)? } by $new:expr;)*) => {$(
        impl Conv<g::$gen> for $model {
            fn to_gen(&self) -> Result<g::$gen, ConvError> {
                to_gen!(self, $gen { $($seed,)* $($field),* })
            }
            fn from_gen(value: g::$gen) -> Result<Self, ConvError> {
                let mut out = $new($(Conv::from_gen(value.$seed).map_err(|e| e.at(stringify!($seed)))?),*);
                $(Conv::fill(value.$field, &mut out.$field).map_err(|e| e.at(stringify!($field)))?;)*
                Ok(out)
            }
            fn fill(value: g::$gen, out: &mut Self) -> Result<(), ConvError> {
                $(Conv::fill(value.$seed, &mut out.$seed).map_err(|e| e.at(stringify!($seed)))?;)*
                $(Conv::fill(value.$field, &mut out.$field).map_err(|e| e.at(stringify!($field)))?;)*
                Ok(())
            }
            fn push(value: g::$gen, out: &mut Vec<Self>) -> Result<(), ConvError> {
                // The seed converted first; the value then built by `extend`, which makes room
                // before it calls the builder, so the value is written in its slot, not built
                // aside and copied there (`push` takes a finished value).
                let seed = ($(Conv::from_gen(value.$seed).map_err(|e| e.at(stringify!($seed)))?,)*);
                out.extend(std::iter::once_with(move || {
                    let ($($seed,)*) = seed;
                    $new($($seed),*)
                }));
                let Some(slot) = out.last_mut() else {
                    return Err(ConvError::new("internal: pushed value missing"));
                };
                $(Conv::fill(value.$field, &mut slot.$field).map_err(|e| e.at(stringify!($field)))?;)*
                Ok(())
            }
        }

        impl FillRest<g::$gen> for $model {
            fn fill_rest(value: g::$gen, out: &mut Self) -> Result<(), ConvError> {
                // Every model field is named (no `..`), as in `record!`'s struct literal.
                let Self { $($seed: _,)* $($field: _),* } = out;
                $(Conv::fill(value.$field, &mut out.$field).map_err(|e| e.at(stringify!($field)))?;)*
                Ok(())
            }
        }
    )*};
}

/// The fields of a [`seeded_record!`] after its seed, written in place (the seed is not read).
pub(crate) trait FillRest<G> {
    /// Generated → model for every field but the seed, written over `out`'s.
    fn fill_rest(value: G, out: &mut Self) -> Result<(), ConvError>;
}

record! {
    m::GenericId<m::OrganisationIdScheme> => GenericId { id, scheme, issuer }
    m::GenericId<m::PersonIdScheme> => GenericId { id, scheme, issuer }
    m::GenericId<m::Text<4>> => GenericId { id, scheme, issuer }
    m::DateAndPlaceOfBirth => DateAndPlaceOfBirth { birth_date, province, city, country }
    m::Proxy => Proxy { kind, id }
    m::Account => Account { id, account_type, currency, name, proxy }
    m::ClearingMemberId => ClearingMemberId { system, member_id }
    m::BusinessHeader => BusinessHeader {
        from, to, business_message_id, message_definition_id, business_service, created, copy_duplicate, priority,
        related_business_message_id,
    }
    m::PaymentIds => PaymentIds { instruction_id, end_to_end_id, transaction_id, uetr, clearing_system_reference }
    m::Exchange => Exchange { rate, rate_type, contract_id }
    m::Charge => Charge { amount, agent }
    m::CreditorReferenceInfo => CreditorReferenceInfo { kind, issuer, reference }
    m::ReferredDocument => ReferredDocument { kind, number, date }
    m::PaymentBatch => PaymentBatch { id, method, batch_booking, transfers }
    m::PaymentInitiation => PaymentInitiation { header, batches }
    m::StatusReasonInfo => StatusReasonInfo { originator, reason, mapped_reason, additional_info }
    m::OriginalGroupStatus => OriginalGroupStatus {
        original_message_id, original_message_name, original_created, original_number_of_transactions,
        original_control_sum, status, reasons,
    }
    m::TransactionStatus => TransactionStatus {
        status_id, original_instruction_id, original_end_to_end_id, original_transaction_id, original_uetr, status,
        reasons, acceptance_time, original_amount, original_requested_execution, extensions,
    }
    m::PaymentInfoStatus => PaymentInfoStatus { original_payment_info_id, status, reasons, transactions }
    m::StatusReport => StatusReport { header, original_groups, payment_infos, transactions }
    m::Balance => Balance { kind, sub_kind, amount, credit_debit, date }
    m::ReturnReasonInfo => ReturnReasonInfo { originator, reason, additional_info }
    m::Entry => Entry {
        reference, amount, credit_debit, reversal, status, booking_date, value_date, account_servicer_reference,
        bank_transaction_code, batch, transactions, additional_info,
    }
    m::AccountReport => AccountReport {
        id, electronic_sequence, legal_sequence, created, from, to, account, account_owner, account_servicer,
        balances, summary, entries, additional_info,
    }
    m::AccountReports => AccountReports { header, reports }
    StatementQuery => StatementQuery { account, from, to }
}

default_record! {
    m::PostalAddress => PostalAddress {
        address_type, department, sub_department, street_name, building_number, building_name, floor, post_box,
        room, post_code, town_name, town_location_name, district_name, country_sub_division, country, address_lines,
    }
    m::Contact => Contact { name, phone, mobile, email }
    m::Party => Party { name, postal_address, id, country_of_residence, contact }
    m::Agent => Agent { bic, clearing_member, lei, name, postal_address, other_id, branch_id }
    m::PaymentType => PaymentType {
        instruction_priority, clearing_channel, service_levels, local_instrument, category_purpose,
    }
    m::StructuredRemittance => StructuredRemittance {
        referred_documents, due_amount, remitted_amount, creditor_reference, invoicer, invoicee, additional_info,
    }
    m::Remittance => Remittance { unstructured, structured }
    m::RegulatoryDetail => RegulatoryDetail { kind, country, code, amount, information }
    m::RegulatoryReport => RegulatoryReport { indicator, authority_name, authority_country, details }
    m::AgentInstruction => AgentInstruction { code, information }
    m::BankTransactionCode => BankTransactionCode { domain, family, sub_family, proprietary_code, proprietary_issuer }
    m::TransactionRefs => TransactionRefs {
        message_id, account_servicer_reference, payment_info_id, instruction_id, end_to_end_id, uetr,
        transaction_id, mandate_id, cheque_number, clearing_system_reference,
    }
    m::RelatedParties => RelatedParties {
        debtor, debtor_account, ultimate_debtor, creditor, creditor_account, ultimate_creditor, debtor_agent,
        creditor_agent,
    }
    m::EntryTransaction => EntryTransaction {
        refs, amount, credit_debit, instructed_amount, bank_transaction_code, parties, purpose, remittance,
        return_reason, additional_info,
    }
    m::EntryBatch => EntryBatch { message_id, payment_info_id, number_of_transactions, total_amount, credit_debit }
    m::TransactionsSummary => TransactionsSummary {
        number_of_entries, sum, credit_entries, credit_sum, debit_entries, debit_sum,
    }
    PaymentStatusQuery => PaymentStatusQuery { original_message_id, original_end_to_end_id, original_uetr, status_id }
}

seeded_record! {
    m::GroupHeader => GroupHeader {
        message_id, created;
        initiating_party, forwarding_agent, instructing_agent, instructed_agent, recipient,
        additional_info, business_header,
    } by m::GroupHeader::new;
    m::CreditTransfer => CreditTransfer {
        ids;
        instructed_amount, settlement_amount, exchange, payment_type, requested_execution, settlement_date,
        acceptance_time, charge_bearer, charges, debtor, debtor_account, debtor_agent, ultimate_debtor,
        initiating_party, creditor, creditor_account, creditor_agent, ultimate_creditor,
        intermediary_agents, instructing_agent, instructed_agent, instructions_for_creditor_agent, purpose,
        remittance, regulatory_reporting, extensions,
    } by m::CreditTransfer::empty;
}

/// The response elements that share `StatusReport` are newtypes of it.
macro_rules! wrapper {
    ($($model:ty => $gen:ident),* $(,)?) => {$(
        impl Conv<g::$gen> for $model {
            fn to_gen(&self) -> Result<g::$gen, ConvError> {
                Conv::<g::StatusReport>::to_gen(self).map(g::$gen)
            }
            fn from_gen(value: g::$gen) -> Result<Self, ConvError> {
                Conv::from_gen(value.0)
            }
        }
    )*};
}

wrapper!(m::StatusReport => InitiatePaymentResponse, m::StatusReport => GetPaymentStatusResponse);

/// The runtime's limits for a body, from the caller's.
fn limits(limits: &DecodeLimits) -> rt::Limits {
    rt::Limits {
        max_bytes: limits.max_bytes,
        max_depth: limits.max_depth,
        max_string_len: limits.max_string_bytes,
        max_repeats: limits.max_repeats,
    }
}

/// The element names under which an account number travels: their values never appear in
/// errors (the runtime masks ISO 20022's account elements, not payglot's names).
fn is_account_path(path: &str) -> bool {
    path.ends_with("/Iban") || (path.ends_with("/Other/Id") && path.contains("Account"))
}

/// A runtime error as a decode error; `at` is the line and column where the body's element
/// starts in the envelope (the runtime counts from the element, read alone).
fn read_error(error: &rt::Error, at: (u64, u64)) -> DecodeError {
    let Some(v) = error.violations().first() else {
        return DecodeError::invalid(Location::path("/Envelope/Body"), "invalid body");
    };
    let kind = match v.rule {
        rt::Rule::NotWellFormed | rt::Rule::Encoding => DecodeErrorKind::Syntax,
        rt::Rule::Doctype
        | rt::Rule::ProcessingInstruction
        | rt::Rule::UndeclaredEntity
        | rt::Rule::LimitBytes
        | rt::Rule::LimitDepth
        | rt::Rule::LimitStringLength
        | rt::Rule::LimitRepeats => DecodeErrorKind::Limit,
        _ => DecodeErrorKind::Invalid,
    };
    let message = if is_account_path(&v.path) {
        // The runtime quotes the value; it is an account number: show it masked.
        match (v.message.find("value '"), v.message.rfind("' ")) {
            (Some(start), Some(end)) if start + 7 <= end => format!(
                "{}{}{}",
                v.message.get(..start + 7).unwrap_or(""),
                m::ids::mask(v.message.get(start + 7..end).unwrap_or("")),
                v.message.get(end..).unwrap_or("")
            ),
            _ => format!("{}: value not shown (account number)", v.rule),
        }
    } else {
        v.message.clone()
    };
    let (line, column) = at;
    let column = if v.line <= 1 { column + v.column.saturating_sub(1) } else { v.column };
    DecodeError::new(
        kind,
        Location::at(format!("/Envelope/Body{}", v.path), line + v.line.saturating_sub(1), column),
        message,
    )
}

/// Read the body's element (`xml`: the element alone, its namespaces declared on it; `at`:
/// its line and column in the envelope) as the model type `M`, through the generated reader
/// of `G`.
pub(crate) fn read<G: rt::RootElement, M: Conv<G>>(
    xml: &str,
    decode_limits: &DecodeLimits,
    at: (u64, u64),
) -> Result<M, DecodeError> {
    let value = rt::read_root::<G>(xml.as_bytes(), &limits(decode_limits)).map_err(|e| read_error(&e, at))?;
    M::from_gen(value).map_err(|e| {
        // The model's own messages mask account numbers.
        DecodeError::invalid(Location::path(e.path(&format!("/Envelope/Body/{}", G::ELEMENT))), e.0.message)
    })
}

/// The fast path of [`read`]: read the body's element in place, from byte `start` of the whole
/// envelope `input` (`declared`: the namespace declarations in scope there; `outer_depth`:
/// the elements around it), as the generated value of `G`. `finish` is given the offset after
/// the element's end tag and checks the rest of the envelope before anything is mapped to the
/// model (nothing is built for an envelope the slow path must read). Gives the value and what
/// `finish` gave, or `None` on any failure: the caller then takes the slow path ([`read`] on
/// the element alone), whose errors are the ones reported.
pub(crate) fn read_generated<G: rt::RootElement, T>(
    input: &[u8],
    start: usize,
    declared: &[(&str, &str)],
    outer_depth: usize,
    decode_limits: &DecodeLimits,
    finish: impl FnOnce(usize) -> Option<T>,
) -> Option<(G, T)> {
    let (value, end) = rt::read_fragment::<G>(input, start, declared, outer_depth, &limits(decode_limits)).ok()?;
    Some((value, finish(end)?))
}

/// [`read_generated`], then the value mapped to the model type `M`.
pub(crate) fn read_in_place<G: rt::RootElement, M: Conv<G>, T>(
    input: &[u8],
    start: usize,
    declared: &[(&str, &str)],
    outer_depth: usize,
    decode_limits: &DecodeLimits,
    finish: impl FnOnce(usize) -> Option<T>,
) -> Option<(M, T)> {
    let (value, finished) = read_generated::<G, T>(input, start, declared, outer_depth, decode_limits, finish)?;
    Some((M::from_gen(value).ok()?, finished))
}

/// A payment initiation mapped where the decode returns it: `out` is given the message with
/// its group header's id and creation time, then every other field is written in place (the
/// 3.7 KB result is not built in a temporary and moved up through each caller). On an error
/// `out` holds a partly written message: the caller discards it.
pub(crate) fn initiation_into(mut value: g::PaymentInitiation, out: &mut Option<m::Decoded>) -> Result<(), ConvError> {
    let at_header = |e: ConvError, field| e.at(field).at("header");
    // The seed is taken out of the generated header (no copy of its text): `fill_rest` does
    // not read it.
    let message_id = std::mem::replace(&mut value.header.message_id, rt::SimpleValue::placeholder());
    let message_id = Conv::from_gen(message_id).map_err(|e| at_header(e, "message_id"))?;
    let created = Conv::from_gen(value.header.created).map_err(|e| at_header(e, "created"))?;
    let decoded = out.insert(m::Decoded {
        message: m::Message::PaymentInitiation(m::PaymentInitiation {
            header: m::GroupHeader::new(message_id, created),
            batches: Vec::new(),
        }),
        losses: Vec::new(),
    });
    let m::Message::PaymentInitiation(initiation) = &mut decoded.message else {
        return Err(ConvError::new("internal: the message just built is not a payment initiation"));
    };
    FillRest::fill_rest(value.header, &mut initiation.header).map_err(|e| e.at("header"))?;
    Conv::fill(value.batches, &mut initiation.batches).map_err(|e| e.at("batches"))
}

/// Write the model value `value` as the body element of `G` (payglot's namespace declared on it).
pub(crate) fn write<G: rt::RootElement, M: Conv<G>>(value: &M) -> Result<String, EncodeError> {
    let generated =
        value.to_gen().map_err(|e| EncodeError::unrepresentable(e.path(&format!("/{}", G::ELEMENT)), e.0.message))?;
    let bytes = rt::write_root(&generated).map_err(|e| match e.violations().first() {
        Some(v) => EncodeError::unrepresentable(v.path.clone(), format!("{}: {}", v.rule, v.message)),
        None => EncodeError::unrepresentable("", e.to_string()),
    })?;
    let text =
        String::from_utf8(bytes).map_err(|_| EncodeError::unrepresentable("", "writer produced invalid UTF-8"))?;
    let text = text.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").unwrap_or(&text);
    Ok(text.strip_suffix('\n').unwrap_or(text).to_owned())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::de::DeserializeOwned;

    use super::*;

    /// What the mapping did before [`Leaf`]: the model value through its serde string form.
    fn via_serde<M: DeserializeOwned>(text: &str) -> Result<M, String> {
        M::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(text))
            .map_err(|e| e.to_string())
    }

    /// `Leaf::from_text` and `Leaf::from_str_ref` accept exactly what the serde form accepts,
    /// give the same value, and refuse with the same message.
    fn agrees<M: Leaf + DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) -> Result<(), TestCaseError> {
        let owned = M::from_text(text.to_owned()).map_err(|e| e.to_string());
        let borrowed = M::from_str_ref(text).map_err(|e| e.to_string());
        let serde = via_serde::<M>(text);
        prop_assert_eq!(&owned, &serde, "{:?} as {}", text, std::any::type_name::<M>());
        prop_assert_eq!(&borrowed, &serde, "{:?} as {} (by reference)", text, std::any::type_name::<M>());
        Ok(())
    }

    fn all_leaves(text: &str) -> Result<(), TestCaseError> {
        agrees::<m::Text<4>>(text)?;
        agrees::<m::Max35Text>(text)?;
        agrees::<m::Text<2048>>(text)?;
        agrees::<m::MessageId>(text)?;
        agrees::<m::PaymentInfoId>(text)?;
        agrees::<m::InstructionId>(text)?;
        agrees::<m::EndToEndId>(text)?;
        agrees::<m::TransactionId>(text)?;
        agrees::<m::Iban>(text)?;
        agrees::<m::Bic>(text)?;
        agrees::<m::Lei>(text)?;
        agrees::<m::Uetr>(text)?;
        agrees::<m::CountryCode>(text)?;
        agrees::<m::Currency>(text)?;
        agrees::<m::CreditorReference>(text)?;
        agrees::<m::AccountNumber>(text)?;
        agrees::<m::StatusReason>(text)?;
        agrees::<m::PaymentStatus>(text)?;
        agrees::<m::GroupStatus>(text)?;
        agrees::<m::Purpose>(text)?;
        agrees::<m::CategoryPurpose>(text)?;
        agrees::<m::ServiceLevel>(text)?;
        agrees::<m::LocalInstrument>(text)?;
        agrees::<m::ReturnReason>(text)?;
        agrees::<m::BalanceType>(text)?;
        agrees::<m::ClearingSystem>(text)?;
        agrees::<m::CashAccountType>(text)?;
        agrees::<m::AccountScheme>(text)?;
        agrees::<m::OrganisationIdScheme>(text)?;
        agrees::<m::PersonIdScheme>(text)
    }

    #[test]
    fn leaves_accept_and_refuse_what_the_serde_form_does() -> Result<(), TestCaseError> {
        let samples = [
            "",
            " ",
            "a",
            "AM04",
            "am04",
            "SEPA",
            "EUR",
            "eur",
            "XXX",
            "ZZZ",
            "DE",
            "de",
            "D1",
            "COBADEFFXXX",
            "COBADEFF",
            "cobadeff",
            "COBADEF",
            "DE89370400440532013000",
            "DE89 3704 0044 0532 0130 00",
            "DE88370400440532013000",
            "FR1420041010050500013M02606",
            "529900T8BM49AURSDO55",
            "529900T8BM49AURSDO56",
            "RF18539007547034",
            "RF18 5390 0754 7034",
            "RF19539007547034",
            "7a562c67-ca16-48ba-b074-65581be6f001",
            "7a562c67-ca16-18ba-b074-65581be6f001",
            "7a562c67ca1648bab07465581be6f001",
            "7A562C67-CA16-48BA-B074-65581BE6F001",
            "a\u{0}b",
            "line\nbreak\ttab\r",
            "äöü",
            "x\u{7f}",
            "12345678901234567890123456789012345",
            "123456789012345678901234567890123456",
        ];
        for text in samples {
            all_leaves(text)?;
        }
        all_leaves(&"é".repeat(2048))?;
        all_leaves(&"é".repeat(2049))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        #[test]
        fn leaves_agree_with_the_serde_form_on_any_text(text in "[A-Za-z0-9 \\-\u{0}-\u{1f}é]{0,40}") {
            all_leaves(&text)?;
        }
    }

    /// The explicit variant mapping of [`enum_leaf!`] is the serde one the codec used before:
    /// every XSD value maps to the model value whose serde name it is, and back.
    #[test]
    fn enumerations_are_the_models_serde_names() {
        fn check<
            G: Copy + std::fmt::Debug + PartialEq,
            M: Conv<G> + Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
        >(
            values: &[G],
            name: fn(G) -> &'static str,
        ) {
            for &value in values {
                let model = M::from_gen(value).map_err(|e| e.0.message);
                assert_eq!(model, via_serde::<M>(name(value)), "{value:?}");
                let model = model.unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(to_text(&model).ok().as_deref(), Some(name(value)), "{value:?}");
                assert_eq!(model.to_gen().ok(), Some(value), "{value:?}");
            }
        }
        use g::{ChargeBearer as Cb, CreditDebit as Cd, PaymentMethod as Pm, Priority as Pr};
        check::<_, m::PaymentMethod>(&[Pm::Transfer, Pm::Cheque, Pm::TransferAdvice], Pm::as_str);
        check::<_, m::Priority>(&[Pr::High, Pr::Normal], Pr::as_str);
        check::<_, m::ChargeBearer>(&[Cb::Debtor, Cb::Creditor, Cb::Shared, Cb::ServiceLevel], Cb::as_str);
        check::<_, m::CreditDebit>(&[Cd::Credit, Cd::Debit], Cd::as_str);
    }
}

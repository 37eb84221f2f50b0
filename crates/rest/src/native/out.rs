//! Borrowed, serialize-only mirrors of the `rest:native` request documents for the encoder.
//! Field names and order are those of the owned wire types in `wire.rs` (which the decoder
//! uses); here every string is written straight from the canonical value's `&str`, where the
//! model's newtypes would first be cloned into a fresh `String` each.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use payglot_core_model::{ChargeBearer, CodeOrProprietary, DateTime, Offset, PostalAddress, Text, Uetr};
use serde::{Serialize, Serializer};

/// Write a date-time as its `Display` does (`YYYY-MM-DDThh:mm:ss[.f][Z|±hh:mm]`), but with
/// plain digit pushes instead of chrono's format-string interpreter, which took a tenth of the
/// encoder's time. Out-of-range values (years beyond 0..=9999, leap seconds) go through
/// `Display` itself.
fn date_time<S: Serializer>(value: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
    match write_date_time(value) {
        Some(text) => serializer.serialize_str(&text),
        None => serializer.collect_str(value),
    }
}

fn write_date_time(value: &DateTime) -> Option<String> {
    use chrono::{Datelike, Timelike};
    let local = value.local();
    let year = u32::try_from(local.year()).ok().filter(|y| *y <= 9999)?;
    let nanos = local.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    // The model keeps how many fraction digits were written and compares them; `new` raises a
    // count to what the nanoseconds need, so the count is the larger of the two for the first
    // count that rebuilds an equal value.
    let mut needed = if nanos == 0 { 0 } else { 9 };
    let mut rest = nanos;
    while rest != 0 && rest.is_multiple_of(10) {
        rest /= 10;
        needed -= 1;
    }
    let given = (0..=9u8).find(|d| DateTime::new(local, value.offset(), *d) == *value)?;
    let digits = u32::from(given).max(needed);
    let mut out = String::with_capacity(35);
    push_digits(&mut out, year, 4);
    out.push('-');
    push_digits(&mut out, local.month(), 2);
    out.push('-');
    push_digits(&mut out, local.day(), 2);
    out.push('T');
    push_digits(&mut out, local.hour(), 2);
    out.push(':');
    push_digits(&mut out, local.minute(), 2);
    out.push(':');
    push_digits(&mut out, local.second(), 2);
    if digits > 0 {
        out.push('.');
        push_digits(&mut out, nanos / 10u32.pow(9 - digits), digits);
    }
    match value.offset() {
        Offset::Local => {}
        Offset::Utc => out.push('Z'),
        Offset::Fixed(offset) => {
            let seconds = offset.local_minus_utc();
            out.push(if seconds < 0 { '-' } else { '+' });
            let minutes = seconds.unsigned_abs() / 60;
            push_digits(&mut out, minutes / 60, 2);
            out.push(':');
            push_digits(&mut out, minutes % 60, 2);
        }
    }
    Some(out)
}

/// Push the last `width` decimal digits of `number`, zero-padded.
fn push_digits(out: &mut String, number: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (number / 10u32.pow(place)) % 10;
        out.push(char::from_digit(digit, 10).unwrap_or('0'));
    }
}

/// Write an optional date-time (see [`date_time`]).
fn date_time_opt<S: Serializer>(value: &Option<DateTime>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => date_time(value, serializer),
        None => serializer.serialize_none(),
    }
}

/// Write an optional value through its `Display`.
fn display_opt<T: fmt::Display, S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_none(),
    }
}

/// Write a list of texts as strings.
fn texts<const N: usize, S: Serializer>(values: &&[Text<N>], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(values.iter().map(Text::as_str))
}

/// One payment: the `POST /v1/payments` request (with `idempotency_key` and `created_at`) or
/// one payment of a batch (without).
#[derive(Serialize)]
pub(crate) struct Payment<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) idempotency_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "date_time_opt")]
    pub(crate) created_at: Option<DateTime>,
    pub(crate) amount: i64,
    pub(crate) currency: &'static str,
    pub(crate) source_account: &'a str,
    pub(crate) destination_account: &'a str,
    pub(crate) reference: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) end_to_end_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "display_opt")]
    pub(crate) uetr: Option<Uetr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) debtor: Option<Party<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) creditor: Option<Party<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ultimate_debtor: Option<Party<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ultimate_creditor: Option<Party<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) debtor_agent: Option<Bank<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) creditor_agent: Option<Bank<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) remittance: Option<Remittance<'a>>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "display_opt")]
    pub(crate) requested_execution_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) purpose: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) category_purpose: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) charge_bearer: Option<ChargeBearer>,
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub(crate) metadata: Metadata<'a>,
}

/// The `metadata.<key>` extensions of a transfer, written as the `metadata` object straight
/// from the model's map (its keys share the prefix, so their order is the keys' order).
pub(crate) struct Metadata<'a> {
    pub(crate) extensions: &'a BTreeMap<String, String>,
    pub(crate) prefix: &'static str,
}

impl Metadata<'_> {
    fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.extensions.iter().filter_map(|(k, v)| Some((k.strip_prefix(self.prefix)?, v.as_str())))
    }

    fn is_empty(&self) -> bool {
        self.entries().next().is_none()
    }
}

impl Serialize for Metadata<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.entries())
    }
}

/// A party.
#[derive(Serialize, Default, PartialEq)]
pub(crate) struct Party<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address: Option<Address<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) country_of_residence: Option<&'a str>,
}

/// A bank.
#[derive(Serialize)]
pub(crate) struct Bank<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) bic: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
}

/// Remittance.
#[derive(Serialize)]
pub(crate) struct Remittance<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty", serialize_with = "texts")]
    pub(crate) unstructured: &'a [Text<140>],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) creditor_reference: Option<&'a str>,
}

/// A postal address, field for field the canonical `PostalAddress` (its names and order).
#[derive(Serialize, PartialEq)]
pub(crate) struct Address<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    address_type: Option<&'a CodeOrProprietary<Text<4>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    department: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_department: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    street_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    building_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    building_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    floor: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_box: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    room: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    town_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    town_location_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    district_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country_sub_division: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty", serialize_with = "texts")]
    address_lines: &'a [Text<70>],
}

impl<'a> From<&'a PostalAddress> for Address<'a> {
    fn from(a: &'a PostalAddress) -> Self {
        // Destructured so that a field added to the model fails to compile here.
        let PostalAddress {
            address_type,
            department,
            sub_department,
            street_name,
            building_number,
            building_name,
            floor,
            post_box,
            room,
            post_code,
            town_name,
            town_location_name,
            district_name,
            country_sub_division,
            country,
            address_lines,
        } = a;
        Self {
            address_type: address_type.as_ref(),
            department: department.as_ref().map(Text::as_str),
            sub_department: sub_department.as_ref().map(Text::as_str),
            street_name: street_name.as_ref().map(Text::as_str),
            building_number: building_number.as_ref().map(Text::as_str),
            building_name: building_name.as_ref().map(Text::as_str),
            floor: floor.as_ref().map(Text::as_str),
            post_box: post_box.as_ref().map(Text::as_str),
            room: room.as_ref().map(Text::as_str),
            post_code: post_code.as_ref().map(Text::as_str),
            town_name: town_name.as_ref().map(Text::as_str),
            town_location_name: town_location_name.as_ref().map(Text::as_str),
            district_name: district_name.as_ref().map(Text::as_str),
            country_sub_division: country_sub_division.as_ref().map(Text::as_str),
            country: country.as_ref().map(|c| c.as_str()),
            address_lines,
        }
    }
}

/// One batch of `POST /v1/payment-batches`.
#[derive(Serialize)]
pub(crate) struct Batch<'a> {
    pub(crate) id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) batch_booking: Option<bool>,
    pub(crate) payments: Vec<Payment<'a>>,
}

/// `POST /v1/payment-batches`.
#[derive(Serialize)]
pub(crate) struct BatchRequest<'a> {
    pub(crate) idempotency_key: &'a str,
    #[serde(serialize_with = "date_time")]
    pub(crate) created_at: DateTime,
    pub(crate) batches: Vec<Batch<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_are_written_as_display_writes_them() {
        for text in [
            "2024-03-01T10:15:30.250+01:00",
            "2024-03-01T10:15:30Z",
            "2024-03-01T10:15:30",
            "2024-03-01T10:15:30.000-05:30",
            "0001-01-01T00:00:00.123456789+14:00",
            "9999-12-31T23:59:59.1Z",
        ] {
            let value = DateTime::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(write_date_time(&value).as_deref(), Some(text));
            assert_eq!(value.to_string(), text);
        }
    }
}

//! Borrowed mirrors of the `rest:native` request documents for the encoder, and the writer
//! that puts them on the wire. Field names and order are those of the owned wire types in
//! `wire.rs` (which the decoder uses; the fixtures' `expected.json` and the round-trip property
//! tests hold the two together). Every string is written straight from the canonical value's
//! `&str`, and the keys, which are fixed ASCII names, are written as they are: serde_json's
//! serializer escapes every key and dispatches every field through its state machine, which
//! took the encoder to twice `serde_json::to_vec` of the same document as a `Value`. Strings go
//! through serde_json's own escaping whenever they hold a character JSON escapes.

use std::collections::BTreeMap;
use std::io::Write as _;

use chrono::NaiveDate;
use payglot_core_model::{ChargeBearer, CodeOrProprietary, DateTime, Offset, PostalAddress, Text, Uetr};
use serde::Serialize;

/// A compact JSON writer for documents whose keys are known ASCII names.
pub(crate) struct JsonWriter {
    out: Vec<u8>,
    /// No member written yet in the innermost object (no comma before the next key).
    first: bool,
    /// The first error of a value written through serde (none for these documents).
    error: Option<serde_json::Error>,
}

impl JsonWriter {
    /// A writer with a buffer sized for a typical payment body.
    pub(crate) fn new() -> Self {
        Self { out: Vec::with_capacity(1536), first: true, error: None }
    }

    /// The bytes written, or the first error.
    pub(crate) fn finish(self) -> Result<Vec<u8>, serde_json::Error> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.out),
        }
    }

    fn open(&mut self) {
        self.out.push(b'{');
        self.first = true;
    }

    fn close(&mut self) {
        self.out.push(b'}');
        self.first = false;
    }

    /// `"key":`, after a comma unless it is the object's first member. `key` must need no
    /// escaping (every caller passes a literal field name).
    fn key(&mut self, key: &'static str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    /// A JSON string: copied as it is when nothing in it needs escaping (what serde_json
    /// escapes: `"`, `\\` and control characters), else written by serde_json.
    fn string(&mut self, text: &str) {
        if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            self.out.reserve(text.len() + 2);
            self.out.push(b'"');
            self.out.extend_from_slice(text.as_bytes());
            self.out.push(b'"');
        } else {
            self.serde(text);
        }
    }

    /// A value through serde_json (numbers, enums, anything not plain text).
    fn serde<T: Serialize + ?Sized>(&mut self, value: &T) {
        if let Err(error) = serde_json::to_writer(&mut self.out, value)
            && self.error.is_none()
        {
            self.error = Some(error);
        }
    }

    fn opt_string(&mut self, key: &'static str, value: Option<&str>) {
        if let Some(value) = value {
            self.key(key);
            self.string(value);
        }
    }

    fn strings<const N: usize>(&mut self, key: &'static str, values: &[Text<N>]) {
        if values.is_empty() {
            return;
        }
        self.key(key);
        self.out.push(b'[');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.string(value.as_str());
        }
        self.out.push(b']');
    }

    fn date_time(&mut self, key: &'static str, value: &DateTime) {
        self.key(key);
        match write_date_time(value) {
            Some(text) => self.string(&text),
            None => self.string(&value.to_string()),
        }
    }
}

/// Write a date-time as its `Display` does (`YYYY-MM-DDThh:mm:ss[.f][Z|±hh:mm]`), but with
/// plain digit pushes instead of chrono's format-string interpreter, which took a tenth of the
/// encoder's time. Out-of-range values (years beyond 0..=9999, leap seconds) go through
/// `Display` itself.
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
    // `new` gives the same value for every count up to `needed`: start the search there.
    let given = (u8::try_from(needed).ok()?..=9).find(|d| DateTime::new(local, value.offset(), *d) == *value)?;
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

/// One payment: the `POST /v1/payments` request (with `idempotency_key` and `created_at`) or
/// one payment of a batch (without).
pub(crate) struct Payment<'a> {
    pub(crate) idempotency_key: Option<&'a str>,
    pub(crate) created_at: Option<DateTime>,
    pub(crate) amount: i64,
    pub(crate) currency: &'static str,
    pub(crate) source_account: &'a str,
    pub(crate) destination_account: &'a str,
    pub(crate) reference: &'a str,
    pub(crate) end_to_end_id: Option<&'a str>,
    pub(crate) uetr: Option<Uetr>,
    pub(crate) debtor: Option<Party<'a>>,
    pub(crate) creditor: Option<Party<'a>>,
    pub(crate) ultimate_debtor: Option<Party<'a>>,
    pub(crate) ultimate_creditor: Option<Party<'a>>,
    pub(crate) debtor_agent: Option<Bank<'a>>,
    pub(crate) creditor_agent: Option<Bank<'a>>,
    pub(crate) remittance: Option<Remittance<'a>>,
    pub(crate) requested_execution_date: Option<NaiveDate>,
    pub(crate) purpose: Option<&'a str>,
    pub(crate) category_purpose: Option<&'a str>,
    pub(crate) charge_bearer: Option<ChargeBearer>,
    pub(crate) metadata: Metadata<'a>,
}

impl Payment<'_> {
    /// The document on its own.
    pub(crate) fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut w = JsonWriter::new();
        self.write(&mut w);
        w.finish()
    }

    fn write(&self, w: &mut JsonWriter) {
        w.open();
        w.opt_string("idempotency_key", self.idempotency_key);
        if let Some(created_at) = &self.created_at {
            w.date_time("created_at", created_at);
        }
        w.key("amount");
        w.serde(&self.amount);
        w.key("currency");
        w.string(self.currency);
        w.key("source_account");
        w.string(self.source_account);
        w.key("destination_account");
        w.string(self.destination_account);
        w.key("reference");
        w.string(self.reference);
        w.opt_string("end_to_end_id", self.end_to_end_id);
        if let Some(uetr) = self.uetr {
            w.key("uetr");
            w.serde(&uetr);
        }
        for (key, party) in [
            ("debtor", &self.debtor),
            ("creditor", &self.creditor),
            ("ultimate_debtor", &self.ultimate_debtor),
            ("ultimate_creditor", &self.ultimate_creditor),
        ] {
            if let Some(party) = party {
                w.key(key);
                party.write(w);
            }
        }
        for (key, bank) in [("debtor_agent", &self.debtor_agent), ("creditor_agent", &self.creditor_agent)] {
            if let Some(bank) = bank {
                w.key(key);
                w.open();
                w.opt_string("bic", bank.bic);
                w.opt_string("name", bank.name);
                w.close();
            }
        }
        if let Some(remittance) = &self.remittance {
            w.key("remittance");
            w.open();
            w.strings("unstructured", remittance.unstructured);
            w.opt_string("creditor_reference", remittance.creditor_reference);
            w.close();
        }
        if let Some(date) = &self.requested_execution_date {
            w.key("requested_execution_date");
            // A date's `Display` is digits and dashes (a sign for years beyond 9999).
            let _ = write!(w.out, "\"{date}\"");
        }
        w.opt_string("purpose", self.purpose);
        w.opt_string("category_purpose", self.category_purpose);
        if let Some(bearer) = &self.charge_bearer {
            w.key("charge_bearer");
            w.serde(bearer);
        }
        if !self.metadata.is_empty() {
            w.key("metadata");
            w.open();
            for (key, value) in self.metadata.entries() {
                if !w.first {
                    w.out.push(b',');
                }
                w.first = false;
                w.string(key);
                w.out.push(b':');
                w.string(value);
            }
            w.close();
        }
        w.close();
    }
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

/// A party.
#[derive(Default, PartialEq)]
pub(crate) struct Party<'a> {
    pub(crate) name: Option<&'a str>,
    pub(crate) address: Option<&'a PostalAddress>,
    pub(crate) country_of_residence: Option<&'a str>,
}

impl Party<'_> {
    fn write(&self, w: &mut JsonWriter) {
        w.open();
        w.opt_string("name", self.name);
        if let Some(address) = self.address {
            w.key("address");
            write_address(address, w);
        }
        w.opt_string("country_of_residence", self.country_of_residence);
        w.close();
    }
}

/// A bank.
pub(crate) struct Bank<'a> {
    pub(crate) bic: Option<&'a str>,
    pub(crate) name: Option<&'a str>,
}

/// Remittance.
pub(crate) struct Remittance<'a> {
    pub(crate) unstructured: &'a [Text<140>],
    pub(crate) creditor_reference: Option<&'a str>,
}

/// A postal address, field for field the canonical `PostalAddress` (its names and order).
fn write_address(a: &PostalAddress, w: &mut JsonWriter) {
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
    w.open();
    if let Some(kind) = address_type {
        w.key("address_type");
        w.serde::<CodeOrProprietary<Text<4>>>(kind);
    }
    w.opt_string("department", department.as_ref().map(Text::as_str));
    w.opt_string("sub_department", sub_department.as_ref().map(Text::as_str));
    w.opt_string("street_name", street_name.as_ref().map(Text::as_str));
    w.opt_string("building_number", building_number.as_ref().map(Text::as_str));
    w.opt_string("building_name", building_name.as_ref().map(Text::as_str));
    w.opt_string("floor", floor.as_ref().map(Text::as_str));
    w.opt_string("post_box", post_box.as_ref().map(Text::as_str));
    w.opt_string("room", room.as_ref().map(Text::as_str));
    w.opt_string("post_code", post_code.as_ref().map(Text::as_str));
    w.opt_string("town_name", town_name.as_ref().map(Text::as_str));
    w.opt_string("town_location_name", town_location_name.as_ref().map(Text::as_str));
    w.opt_string("district_name", district_name.as_ref().map(Text::as_str));
    w.opt_string("country_sub_division", country_sub_division.as_ref().map(Text::as_str));
    w.opt_string("country", country.as_ref().map(|c| c.as_str()));
    w.strings("address_lines", address_lines);
    w.close();
}

/// One batch of `POST /v1/payment-batches`.
pub(crate) struct Batch<'a> {
    pub(crate) id: &'a str,
    pub(crate) batch_booking: Option<bool>,
    pub(crate) payments: Vec<Payment<'a>>,
}

/// `POST /v1/payment-batches`.
pub(crate) struct BatchRequest<'a> {
    pub(crate) idempotency_key: &'a str,
    pub(crate) created_at: DateTime,
    pub(crate) batches: Vec<Batch<'a>>,
}

impl BatchRequest<'_> {
    /// The document.
    pub(crate) fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut w = JsonWriter::new();
        w.open();
        w.key("idempotency_key");
        w.string(self.idempotency_key);
        w.date_time("created_at", &self.created_at);
        w.key("batches");
        w.out.push(b'[');
        for (b, batch) in self.batches.iter().enumerate() {
            if b > 0 {
                w.out.push(b',');
            }
            w.open();
            w.key("id");
            w.string(batch.id);
            if let Some(booking) = batch.batch_booking {
                w.key("batch_booking");
                w.out.extend_from_slice(if booking { b"true" } else { b"false" });
            }
            w.key("payments");
            w.out.push(b'[');
            for (p, payment) in batch.payments.iter().enumerate() {
                if p > 0 {
                    w.out.push(b',');
                }
                payment.write(&mut w);
            }
            w.out.push(b']');
            w.close();
        }
        w.out.push(b']');
        w.close();
        w.finish()
    }
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

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        for text in ["plain", "quote \" and backslash \\", "tab\tnew line\n", "\u{1}\u{1f}\u{7f}", "Büro €", ""] {
            let mut w = JsonWriter::new();
            w.string(text);
            let written = w.finish().unwrap_or_default();
            assert_eq!(String::from_utf8_lossy(&written), serde_json::to_string(text).unwrap_or_default(), "{text:?}");
        }
    }
}

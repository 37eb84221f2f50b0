//! Dates and date-times as ISO 20022 writes them, keeping whether and how an offset was given.
//!
//! `ISODateTime` may be local (`2024-03-01T10:00:00`), UTC (`...Z`) or offset (`...+01:00`),
//! with any number of fraction digits. Output must match input, so [`DateTime`] keeps all of
//! that instead of normalising to UTC.

use std::fmt;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use crate::error::InvalidValue;

/// How a date-time's offset was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Offset {
    /// No offset: local time.
    Local,
    /// `Z`.
    Utc,
    /// `+hh:mm` or `-hh:mm` (`+00:00` stays distinct from `Z`).
    Fixed(FixedOffset),
}

/// An ISO 8601 date-time as written in ISO 20022 (`xs:dateTime`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct DateTime {
    local: NaiveDateTime,
    offset: Offset,
    /// Fraction-of-second digits as written (0 to 9).
    fraction_digits: u8,
}

impl DateTime {
    /// A date-time from its parts. `fraction_digits` is how many fraction-of-second digits to
    /// write (capped at 9); it is raised to what `local`'s nanoseconds need, so a value is never
    /// shortened on output (`new(t, Utc, 0)` with 500 ms writes `.5`).
    pub fn new(local: NaiveDateTime, offset: Offset, fraction_digits: u8) -> Self {
        let needed = significant_fraction_digits(local.nanosecond() % 1_000_000_000);
        Self { local, offset, fraction_digits: fraction_digits.min(9).max(needed) }
    }

    /// Parse `YYYY-MM-DDThh:mm:ss[.f+][Z|±hh:mm]`.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let bad = || InvalidValue::new("date-time", format!("{text:?} is not an ISO 8601 date-time"));
        let (date, rest) = text.split_once('T').ok_or_else(bad)?;
        let date = parse_date(date).map_err(|_| bad())?;
        let (time, offset) = split_offset(rest).ok_or_else(bad)?;
        let (hms, fraction) = match time.split_once('.') {
            Some((hms, f)) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => (hms, f),
            Some(_) => return Err(bad()),
            None => (time, ""),
        };
        let [h0, h1, b':', m0, m1, b':', s0, s1] = hms.as_bytes() else { return Err(bad()) };
        let hms = [[*h0, *h1], [*m0, *m1], [*s0, *s1]].map(|pair| digits(&pair));
        let [Some(hour), Some(minute), Some(second)] = hms else { return Err(bad()) };
        // The fraction's digits, scaled to nanoseconds ("5" is 500,000,000).
        let mut nine = [b'0'; 9];
        nine.get_mut(..fraction.len()).ok_or_else(bad)?.copy_from_slice(fraction.as_bytes());
        let nanos = digits(&nine).ok_or_else(bad)?;
        // Refuses second 60 (XSD's seconds are 00-59; chrono's format parser took it as a leap
        // second, which the nanosecond setter then turned into :59) and every other
        // out-of-range part.
        let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or_else(bad)?;
        let fraction_digits = u8::try_from(fraction.len()).map_err(|_| bad())?;
        Ok(Self { local: date.and_time(time), offset, fraction_digits })
    }

    /// The wall-clock date and time as written.
    pub fn local(&self) -> NaiveDateTime {
        self.local
    }

    /// How the offset was written.
    pub fn offset(&self) -> Offset {
        self.offset
    }

    /// The instant, when an offset was given.
    pub fn to_utc(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let offset = match self.offset {
            Offset::Local => return None,
            Offset::Utc => FixedOffset::east_opt(0)?,
            Offset::Fixed(offset) => offset,
        };
        self.local.and_local_timezone(offset).single().map(|t| t.to_utc())
    }

    /// A UTC date-time (`...Z`) from an instant, with whole seconds.
    pub fn from_utc(instant: chrono::DateTime<chrono::Utc>) -> Self {
        let local = instant.naive_utc().with_nanosecond(0).unwrap_or_else(|| instant.naive_utc());
        Self::new(local, Offset::Utc, 0)
    }
}

/// How many fraction digits `nanos` needs to be written exactly (0 for a whole second).
fn significant_fraction_digits(mut nanos: u32) -> u8 {
    if nanos == 0 {
        return 0;
    }
    let mut digits = 9;
    while nanos.is_multiple_of(10) {
        nanos /= 10;
        digits -= 1;
    }
    digits
}

fn split_offset(rest: &str) -> Option<(&str, Offset)> {
    if let Some(time) = rest.strip_suffix('Z') {
        return Some((time, Offset::Utc));
    }
    let sign_at = rest.len().checked_sub(6)?;
    let (time, tail) = rest.split_at_checked(sign_at)?;
    let bytes = tail.as_bytes();
    if let [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] = bytes {
        let digit = |b: &u8| b.is_ascii_digit().then(|| i32::from(b - b'0'));
        let hours = digit(h1)? * 10 + digit(h2)?;
        let minutes = digit(m1)? * 10 + digit(m2)?;
        if hours > 14 || minutes > 59 {
            return None;
        }
        let seconds = (hours * 3600 + minutes * 60) * if *sign == b'-' { -1 } else { 1 };
        return Some((time, Offset::Fixed(FixedOffset::east_opt(seconds)?)));
    }
    Some((rest, Offset::Local))
}

/// Parse an ISO date `YYYY-MM-DD` strictly (no offset: ISO 20022 `ISODate` carries none).
/// Digits only: a chrono format string is interpreted on every call (about 1,200 instructions
/// per date, measured in the ISO 20022 decode) and admits signs and padding this shape does not.
pub fn parse_date(text: &str) -> Result<NaiveDate, InvalidValue> {
    let bad = || InvalidValue::new("date", format!("{text:?} is not a date YYYY-MM-DD"));
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = text.as_bytes() else { return Err(bad()) };
    let (Some(year), Some(month), Some(day)) =
        (digits(&[*y0, *y1, *y2, *y3]), digits(&[*m0, *m1]), digits(&[*d0, *d1]))
    else {
        return Err(bad());
    };
    let year = i32::try_from(year).map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(bad)
}

/// The number written by `bytes` when they are all ASCII digits (at most nine of them).
fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 {
        return None;
    }
    bytes.iter().try_fold(0u32, |n, &b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
}

impl fmt::Display for DateTime {
    /// Written digit by digit: chrono's `format` builds a `String` per call, and the REST and
    /// ISO encoders write several date-times per payment.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (date, time) = (self.local.date(), self.local.time());
        match date.year() {
            year @ 0..=9999 => write!(f, "{year:04}")?,
            // Outside four digits chrono writes a sign (`+10000`, `-0001`); keep its form.
            _ => write!(f, "{}", date.format("%Y"))?,
        }
        // chrono keeps a leap second as a nanosecond count past 1e9; `%S` wrote it as 60.
        let leap = time.nanosecond() >= NANOS_PER_SECOND;
        let second = time.second() + u32::from(leap);
        write!(f, "-{:02}-{:02}T{:02}:{:02}:{second:02}", date.month(), date.day(), time.hour(), time.minute())?;
        if self.fraction_digits > 0 {
            let digits = self.fraction_digits.min(9);
            let fraction = (time.nanosecond() % NANOS_PER_SECOND) / 10u32.pow(9 - u32::from(digits));
            write!(f, ".{fraction:0width$}", width = usize::from(digits))?;
        }
        match self.offset {
            Offset::Local => Ok(()),
            Offset::Utc => f.write_str("Z"),
            Offset::Fixed(offset) => {
                let seconds = offset.local_minus_utc();
                let sign = if seconds < 0 { '-' } else { '+' };
                let minutes = seconds.unsigned_abs() / 60;
                write!(f, "{sign}{:02}:{:02}", minutes / 60, minutes % 60)
            }
        }
    }
}

const NANOS_PER_SECOND: u32 = 1_000_000_000;

impl serde::Serialize for DateTime {
    /// The text form, written straight into the output (no `String` in between).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self})")
    }
}

impl std::str::FromStr for DateTime {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::parse(text)
    }
}

impl TryFrom<String> for DateTime {
    type Error = InvalidValue;
    fn try_from(text: String) -> Result<Self, InvalidValue> {
        Self::parse(&text)
    }
}

impl From<DateTime> for String {
    fn from(value: DateTime) -> String {
        value.to_string()
    }
}

/// A date or a date-time: ISO 20022's `DateAndDateTime2Choice` (`Dt` or `DtTm`), used for
/// booking and value dates, balances and requested execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DateOrDateTime {
    /// A calendar date (`Dt`).
    Date(NaiveDate),
    /// A date-time (`DtTm`).
    DateTime(DateTime),
}

impl DateOrDateTime {
    /// The calendar date, whichever form was given.
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Date(date) => *date,
            Self::DateTime(value) => value.local().date(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_round_trip_exactly() {
        for text in [
            "2024-03-01T10:00:00",
            "2024-03-01T10:00:00Z",
            "2024-03-01T10:00:00+00:00",
            "2024-03-01T10:00:00.5-05:30",
            "2024-03-01T10:00:00.123456789+14:00",
            "2009-12-03T10:25:31.000Z",
        ] {
            let parsed = DateTime::parse(text).map(|d| d.to_string());
            assert_eq!(parsed.as_deref(), Ok(text));
        }
    }

    #[test]
    fn new_never_shortens_the_fraction() {
        let Some(local) = NaiveDate::from_ymd_opt(2024, 3, 1).and_then(|d| d.and_hms_nano_opt(10, 0, 0, 120_000_000))
        else {
            panic!("valid date");
        };
        assert_eq!(DateTime::new(local, Offset::Utc, 0).to_string(), "2024-03-01T10:00:00.12Z");
        assert_eq!(DateTime::new(local, Offset::Utc, 4).to_string(), "2024-03-01T10:00:00.1200Z");
        assert_eq!(DateTime::new(local, Offset::Local, 12).to_string(), "2024-03-01T10:00:00.120000000");
        let whole = local.with_nanosecond(0).unwrap_or(local);
        assert_eq!(DateTime::new(whole, Offset::Utc, 0).to_string(), "2024-03-01T10:00:00Z");
    }

    #[test]
    fn malformed_date_times_are_refused() {
        for text in [
            "2024-03-01",
            "2024-3-01T10:00:00",
            "2024-03-01T10:00",
            "2024-03-01T25:00:00",
            "2024-03-01T10:00:00+15:00",
            "YYYY-MM-DDT10:00:00",
            "2024-03-01T10:00:00.",
        ] {
            assert!(DateTime::parse(text).is_err(), "{text}");
        }
        assert!(parse_date("YYYY-MM-DD").is_err());
        assert!(parse_date("2024-02-30").is_err());
    }

    proptest::proptest! {
        /// On every text of the date's shape the digit parser gives what chrono's `%Y-%m-%d`
        /// gives, or refuses where chrono admits a sign or a space.
        #[test]
        fn dates_parse_as_chronos_format_does(text in "[0-9+ -]{4}-[0-9 ]{2}-[0-9 ]{2}|[0-9]{4}-[0-1][0-9]-[0-3][0-9]") {
            let ours = parse_date(&text).ok();
            let chrono = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
            let digits_only = text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
            if digits_only {
                proptest::prop_assert_eq!(ours, chrono, "{}", text);
            } else {
                proptest::prop_assert_eq!(ours, None, "{}", text);
            }
        }

        /// Times and fractions as chrono's `%H:%M:%S` plus the nanosecond setter gave them,
        /// for every valid time.
        #[test]
        fn times_parse_as_chronos_format_does(h in 0u32..24, m in 0u32..60, sec in 0u32..60, fraction in "[0-9]{0,9}") {
            let text = if fraction.is_empty() {
                format!("2024-03-01T{h:02}:{m:02}:{sec:02}Z")
            } else {
                format!("2024-03-01T{h:02}:{m:02}:{sec:02}.{fraction}Z")
            };
            let nanos: u32 = format!("{fraction:0<9}").parse().unwrap_or_default();
            let want = NaiveTime::parse_from_str(&format!("{h:02}:{m:02}:{sec:02}"), "%H:%M:%S")
                .ok()
                .and_then(|t| t.with_nanosecond(nanos));
            let got = DateTime::parse(&text).ok().map(|d| d.local().time());
            proptest::prop_assert_eq!(got, want);
        }

        /// The digit-by-digit `Display` writes what chrono's `%Y-%m-%dT%H:%M:%S` and the
        /// zero-padded nanoseconds cut to the fraction digits wrote (the former form), for any
        /// year chrono holds, leap seconds, every fraction length and offset kind.
        #[test]
        fn display_writes_what_chronos_format_wrote(
            days in -200_000i64..3_000_000,
            second_of_day in 0u32..86_400,
            nanos in 0u32..2_000_000_000,
            fraction_digits in 0u8..12,
            offset_minutes in -1439i32..1440,
            kind in 0u8..3,
        ) {
            let Some(date) = NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).unwrap_or(1)) else {
                return Ok(());
            };
            // chrono accepts a leap-second nanosecond count only in a minute's last second.
            let nanos = if second_of_day % 60 == 59 { nanos } else { nanos % 1_000_000_000 };
            let Some(time) = NaiveTime::from_num_seconds_from_midnight_opt(second_of_day, nanos) else {
                return Ok(());
            };
            let offset = match kind {
                0 => Offset::Local,
                1 => Offset::Utc,
                _ => Offset::Fixed(FixedOffset::east_opt(offset_minutes * 60).unwrap_or(FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()))),
            };
            let value = DateTime::new(date.and_time(time), offset, fraction_digits);
            let mut want = date.and_time(time).format("%Y-%m-%dT%H:%M:%S").to_string();
            if value.fraction_digits > 0 {
                let nanos = format!("{:09}", time.nanosecond() % 1_000_000_000);
                want.push('.');
                want.push_str(nanos.get(..usize::from(value.fraction_digits)).unwrap_or(&nanos));
            }
            match offset {
                Offset::Local => {}
                Offset::Utc => want.push('Z'),
                Offset::Fixed(o) => {
                    let seconds = o.local_minus_utc();
                    let minutes = seconds.unsigned_abs() / 60;
                    want.push_str(&format!("{}{:02}:{:02}", if seconds < 0 { '-' } else { '+' }, minutes / 60, minutes % 60));
                }
            }
            proptest::prop_assert_eq!(value.to_string(), want.clone());
            proptest::prop_assert_eq!(serde_json::to_string(&value).ok(), Some(format!("\"{want}\"")));
        }
    }

    #[test]
    fn out_of_range_times_are_refused() {
        for text in [
            "2024-03-01T23:59:60Z",
            "2024-03-01T24:00:00Z",
            "2024-03-01T10:60:00Z",
            "2024-03-01T1:00:00Z",
            "2024-03-01T10:00:0aZ",
            "2024-03-01T10-00-00Z",
        ] {
            assert!(DateTime::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn instants_need_an_offset() {
        let local = DateTime::parse("2024-03-01T10:00:00").map(|d| d.to_utc());
        assert_eq!(local, Ok(None));
        let offset = DateTime::parse("2024-03-01T10:00:00+01:00").ok().and_then(|d| d.to_utc());
        assert_eq!(offset.map(|t| t.to_rfc3339()), Some("2024-03-01T09:00:00+00:00".to_owned()));
    }
}

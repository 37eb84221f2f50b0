//! Simple values: facet checks for strings and decimals, patterns, and the XSD date/time
//! built-ins as chrono types that keep whether (and how) an offset was written.
use super::fast::Fast;
use super::{FacetError, SimpleValue, Writer};
use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use regex::Regex;
use rust_decimal::Decimal;
use std::sync::OnceLock;

/// A compiled-once XSD pattern (one restriction step; alternatives already joined).
///
/// Compiled on first use: the common simple shapes (BIC, IBAN, codes, UUIDs, digit runs) get a
/// hand-rolled matcher (`fast.rs`) that agrees with the regex and costs a fraction of it; the
/// `regex` crate handles the rest and values longer than the fast matcher's limit.
#[derive(Debug)]
pub struct Pattern {
    xsd: &'static str,
    compile: fn() -> Option<Regex>,
    matcher: OnceLock<Matcher>,
}

#[derive(Debug)]
struct Matcher {
    regex: Option<Regex>,
    fast: Option<Fast>,
}

impl Pattern {
    /// A pattern compiled on first use by `compile`.
    pub const fn new(xsd: &'static str, compile: fn() -> Option<Regex>) -> Self {
        Pattern { xsd, compile, matcher: OnceLock::new() }
    }

    /// The XSD source of the pattern.
    pub fn xsd(&self) -> &'static str {
        self.xsd
    }

    fn matcher(&self) -> &Matcher {
        self.matcher.get_or_init(|| {
            let regex = (self.compile)();
            let fast = regex.as_ref().and_then(|r| Fast::new(r.as_str()));
            Matcher { regex, fast }
        })
    }

    /// Whether `value` matches (a pattern that failed to compile matches nothing).
    pub fn is_match(&self, value: &str) -> bool {
        let m = self.matcher();
        if let Some(found) = m.fast.as_ref().and_then(|f| f.is_match(value)) {
            return found;
        }
        m.regex.as_ref().is_some_and(|r| r.is_match(value))
    }
}

/// Compile an anchored regex (generated patterns are checked by the generator's tests).
pub fn compile_pattern(re: &str) -> Option<Regex> {
    Regex::new(re).ok()
}

/// Facets of a restricted string.
#[derive(Debug)]
pub struct StringFacets {
    /// `minLength` in characters.
    pub min_length: Option<u64>,
    /// `maxLength` in characters.
    pub max_length: Option<u64>,
    /// Each must match (successive restriction steps).
    pub patterns: &'static [&'static Pattern],
}

/// Check a string against its facets.
pub fn check_string(value: &str, f: &StringFacets) -> Result<(), FacetError> {
    if f.min_length.is_some() || f.max_length.is_some() {
        // Byte length bounds the character count from above: skip counting when it can't matter.
        let bytes = value.len() as u64;
        let need_count = f.max_length.is_some_and(|m| bytes > m) || f.min_length.is_some_and(|m| bytes < m * 4);
        if need_count {
            let n = value.chars().count() as u64;
            if let Some(min) = f.min_length
                && n < min
            {
                return Err(FacetError::MinLength { min, actual: n });
            }
            if let Some(max) = f.max_length
                && n > max
            {
                return Err(FacetError::MaxLength { max, actual: n });
            }
        }
    }
    for p in f.patterns {
        if !p.is_match(value) {
            return Err(FacetError::Pattern { pattern: p.xsd });
        }
    }
    Ok(())
}

/// Facets of a restricted decimal.
#[derive(Debug)]
pub struct DecimalFacets {
    /// Derived from `xs:integer`: no fraction allowed.
    pub integer: bool,
    /// `totalDigits`.
    pub total_digits: Option<u32>,
    /// `fractionDigits`.
    pub fraction_digits: Option<u32>,
    /// `minInclusive`.
    pub min_inclusive: Option<Decimal>,
    /// `maxInclusive`.
    pub max_inclusive: Option<Decimal>,
    /// `minExclusive`.
    pub min_exclusive: Option<Decimal>,
    /// `maxExclusive`.
    pub max_exclusive: Option<Decimal>,
    /// Patterns on the lexical form.
    pub patterns: &'static [&'static Pattern],
}

/// Check a decimal value against its facets (digits counted on the value, as XSD defines:
/// trailing fraction zeros do not count).
pub fn check_decimal(value: &Decimal, f: &DecimalFacets) -> Result<(), FacetError> {
    // Normalizing divides by ten per trailing zero. The written digits bound the value's
    // (it only drops trailing zeros), so a value whose written digits pass needs none.
    if digit_facets(value, f).is_err() {
        digit_facets(&value.normalize(), f)?;
    }
    check_bounds(value, f)
}

/// Digits of the mantissa or of the fraction, whichever is more (at least one).
fn total_digits(value: &Decimal) -> u32 {
    // One logarithm, not a 128-bit division per digit.
    let digits = value.mantissa().unsigned_abs().checked_ilog10().map_or(0, |d| d + 1);
    digits.max(value.scale()).max(1)
}

/// The integer and digit facets of `n`'s digits as they stand (of the value itself when `n`
/// is normalized), with the error of the first broken.
fn digit_facets(n: &Decimal, f: &DecimalFacets) -> Result<(), FacetError> {
    let scale = n.scale();
    if f.integer && scale > 0 {
        return Err(FacetError::Datatype { expected: "xs:integer" });
    }
    if let Some(max) = f.fraction_digits
        && scale > max
    {
        return Err(FacetError::FractionDigits { max });
    }
    if let Some(max) = f.total_digits
        && total_digits(n) > max
    {
        return Err(FacetError::TotalDigits { max });
    }
    Ok(())
}

/// The bound facets (inclusive and exclusive).
fn check_bounds(value: &Decimal, f: &DecimalFacets) -> Result<(), FacetError> {
    if let Some(b) = f.min_inclusive
        && *value < b
    {
        return Err(FacetError::MinInclusive(b));
    }
    if let Some(b) = f.max_inclusive
        && *value > b
    {
        return Err(FacetError::MaxInclusive(b));
    }
    if let Some(b) = f.min_exclusive
        && *value <= b
    {
        return Err(FacetError::MinExclusive(b));
    }
    if let Some(b) = f.max_exclusive
        && *value >= b
    {
        return Err(FacetError::MaxExclusive(b));
    }
    Ok(())
}

/// XML whitespace (space, tab, CR, LF).
pub(crate) fn is_xml_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Trim XML whitespace (the `collapse` facet of non-string built-ins, for single tokens).
pub fn collapse(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_xml_ws(c as u8))
}

/// Parse an `xs:decimal` lexical value (no exponent, no float) exactly, then check patterns.
pub fn parse_decimal(text: &str, f: &DecimalFacets) -> Result<Decimal, FacetError> {
    let t = collapse(text);
    for p in f.patterns {
        if !p.is_match(t) {
            return Err(FacetError::Pattern { pattern: p.xsd });
        }
    }
    parse_xs_decimal(t)
}

/// An `xs:decimal` in any lexical form the schema accepts (whitespace around it, `+1.50`, `1.`,
/// `.5`), exactly and keeping its scale, with no facet: what a decimal element's text means
/// wherever it is read again after validation (the ISO codec's element tree).
pub fn xs_decimal(text: &str) -> Result<Decimal, FacetError> {
    parse_xs_decimal(collapse(text))
}

fn parse_xs_decimal(t: &str) -> Result<Decimal, FacetError> {
    let bad = FacetError::Datatype { expected: "xs:decimal" };
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad);
    }
    // Already in the form `Decimal` reads (no `+`, no leading zero before other digits):
    // no copy.
    let needs_copy =
        t.starts_with('+') || t.ends_with('.') || int.is_empty() || (int.len() > 1 && int.starts_with('0'));
    if !needs_copy {
        return Decimal::from_str_exact(t).map_err(|_| FacetError::TotalDigits { max: 28 });
    }
    // Drop leading integer zeros so long zero-padded values still fit; keep the scale.
    let int = int.trim_start_matches('0');
    let neg = t.starts_with('-');
    let mut s = String::with_capacity(int.len() + frac.len() + 3);
    if neg {
        s.push('-');
    }
    s.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        s.push('.');
        s.push_str(frac);
    }
    Decimal::from_str_exact(&s).map_err(|_| FacetError::TotalDigits { max: 28 })
}

impl SimpleValue for String {
    fn parse_text(text: &str) -> Result<Self, FacetError> {
        Ok(text.to_owned())
    }
    fn write_text(&self, w: &mut Writer) {
        w.text(self)
    }
    fn placeholder() -> Self {
        String::new()
    }
}

impl SimpleValue for bool {
    fn parse_text(text: &str) -> Result<Self, FacetError> {
        match collapse(text) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(FacetError::Datatype { expected: "xs:boolean" }),
        }
    }
    fn write_text(&self, w: &mut Writer) {
        w.text(if *self { "true" } else { "false" })
    }
    fn placeholder() -> Self {
        false
    }
}

impl SimpleValue for Decimal {
    fn parse_text(text: &str) -> Result<Self, FacetError> {
        parse_xs_decimal(collapse(text))
    }
    fn write_text(&self, w: &mut Writer) {
        w.decimal(self)
    }
    fn placeholder() -> Self {
        Decimal::ZERO
    }
}

/// An `xs:integer` value (kept in a `Decimal`, scale 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct XsInteger(Decimal);

impl XsInteger {
    /// `None` if the value has a fraction.
    pub fn new(v: Decimal) -> Option<Self> {
        (v.normalize().scale() == 0).then_some(XsInteger(v.trunc()))
    }
    /// The value.
    pub fn value(&self) -> Decimal {
        self.0
    }
}

impl SimpleValue for XsInteger {
    fn parse_text(text: &str) -> Result<Self, FacetError> {
        let t = collapse(text);
        if t.contains('.') {
            return Err(FacetError::Datatype { expected: "xs:integer" });
        }
        XsInteger::new(parse_xs_decimal(t)?).ok_or(FacetError::Datatype { expected: "xs:integer" })
    }
    fn write_text(&self, w: &mut Writer) {
        w.decimal(&self.0)
    }
    fn placeholder() -> Self {
        XsInteger(Decimal::ZERO)
    }
}

/// A time-zone offset as written: `Z` or `±hh:mm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TzOffset {
    /// Written as `Z`.
    Utc,
    /// Written as `±hh:mm` (`+00:00` stays `+00:00`).
    Fixed(FixedOffset),
}

impl TzOffset {
    /// The offset as chrono's `FixedOffset`.
    pub fn fixed(&self) -> FixedOffset {
        match self {
            TzOffset::Utc => chrono::Offset::fix(&chrono::Utc),
            TzOffset::Fixed(f) => *f,
        }
    }
}

/// `xs:date`: a date and the offset if one was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IsoDate {
    /// The date.
    pub date: NaiveDate,
    /// The offset, if written.
    pub offset: Option<TzOffset>,
}

/// `xs:dateTime`: local date-time, the offset if one was written, and how many fraction-of-
/// second digits were written (so output matches input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IsoDateTime {
    /// Date and time as written (local to `offset`).
    pub date_time: NaiveDateTime,
    /// The offset, if written.
    pub offset: Option<TzOffset>,
    /// Fraction-of-second digits written (0–9).
    pub fraction_digits: u8,
}

/// `xs:time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IsoTime {
    /// The time.
    pub time: NaiveTime,
    /// The offset, if written.
    pub offset: Option<TzOffset>,
    /// Fraction-of-second digits written (0–9).
    pub fraction_digits: u8,
}

/// `xs:gYearMonth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IsoYearMonth {
    /// Year (four digits).
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
    /// The offset, if written.
    pub offset: Option<TzOffset>,
}

/// `xs:gYear`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IsoYear {
    /// Year (four digits).
    pub year: i32,
    /// The offset, if written.
    pub offset: Option<TzOffset>,
}

struct Cursor<'s> {
    s: &'s [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let b = *self.s.get(self.i)?;
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(b - b'0');
            self.i += 1;
        }
        Some(v)
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.s.get(self.i) == Some(&c)).then(|| self.i += 1)
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.s.len()
    }
    fn year(&mut self) -> Option<i32> {
        // Four-digit years only (0001–9999); XSD allows more, ISO 20022 uses none.
        let y = self.digits(4)?;
        if matches!(self.peek(), Some(b) if b.is_ascii_digit()) || y == 0 {
            return None;
        }
        i32::try_from(y).ok()
    }
    fn date(&mut self) -> Option<NaiveDate> {
        let y = self.year()?;
        self.eat(b'-')?;
        let m = self.digits(2)?;
        self.eat(b'-')?;
        let d = self.digits(2)?;
        NaiveDate::from_ymd_opt(y, m, d)
    }
    fn time(&mut self) -> Option<(NaiveTime, u8)> {
        let h = self.digits(2)?;
        self.eat(b':')?;
        let m = self.digits(2)?;
        self.eat(b':')?;
        let s = self.digits(2)?;
        let mut nanos = 0u32;
        let mut fd = 0u8;
        if self.eat(b'.').is_some() {
            while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
                if fd == 9 {
                    return None; // more than nanosecond precision: not representable
                }
                nanos = nanos * 10 + u32::from(b - b'0');
                fd += 1;
                self.i += 1;
            }
            if fd == 0 {
                return None;
            }
            nanos *= 10u32.pow(9 - u32::from(fd));
        }
        if s > 59 {
            return None;
        }
        Some((NaiveTime::from_hms_nano_opt(h, m, s, nanos)?, fd))
    }
    fn offset(&mut self) -> Option<Option<TzOffset>> {
        match self.peek() {
            None => Some(None),
            Some(b'Z') => {
                self.i += 1;
                Some(Some(TzOffset::Utc))
            }
            Some(sign @ (b'+' | b'-')) => {
                self.i += 1;
                let h = self.digits(2)?;
                self.eat(b':')?;
                let m = self.digits(2)?;
                if h > 14 || m > 59 || (h == 14 && m > 0) {
                    return None;
                }
                let secs = i32::try_from(h * 3600 + m * 60).ok()?;
                let off = if sign == b'+' { FixedOffset::east_opt(secs)? } else { FixedOffset::west_opt(secs)? };
                Some(Some(TzOffset::Fixed(off)))
            }
            Some(_) => None,
        }
    }
}

/// A date or time lexical form built on the stack: no `format!` and no allocation per value
/// written (a 100-transaction pacs.008 writes a date per transaction).
struct Lexical {
    buf: [u8; 64],
    len: usize,
}

impl Lexical {
    fn new() -> Self {
        Lexical { buf: [0; 64], len: 0 }
    }

    fn byte(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    /// `v` in decimal, zero-padded to at least `width` digits.
    fn padded(&mut self, v: u32, width: usize) {
        let mut digits = [0u8; 10];
        let mut n = v;
        let mut count = 0;
        loop {
            if let Some(d) = digits.get_mut(count) {
                *d = b'0' + (n % 10) as u8;
            }
            count += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for _ in count..width {
            self.byte(b'0');
        }
        for i in (0..count).rev() {
            self.byte(digits.get(i).copied().unwrap_or(b'0'));
        }
    }

    /// A year as `{:04}` writes it (four digits at least; outside 0..=9999 through `format!`).
    fn year(&mut self, y: i32) {
        match u32::try_from(y) {
            Ok(y) if y <= 9999 => self.padded(y, 4),
            _ => self.bytes(format!("{y:04}").as_bytes()),
        }
    }

    fn date(&mut self, d: &NaiveDate) {
        self.year(d.year());
        self.byte(b'-');
        self.padded(d.month(), 2);
        self.byte(b'-');
        self.padded(d.day(), 2);
    }

    fn offset(&mut self, o: &Option<TzOffset>) {
        match o {
            None => {}
            Some(TzOffset::Utc) => self.byte(b'Z'),
            Some(TzOffset::Fixed(f)) => {
                let s = f.local_minus_utc();
                self.byte(if s < 0 { b'-' } else { b'+' });
                let a = s.unsigned_abs();
                self.padded(a / 3600, 2);
                self.byte(b':');
                self.padded((a % 3600) / 60, 2);
            }
        }
    }

    fn time(&mut self, t: &NaiveTime, fd: u8) {
        self.padded(t.hour(), 2);
        self.byte(b':');
        self.padded(t.minute(), 2);
        self.byte(b':');
        self.padded(t.second(), 2);
        if fd > 0 {
            let mut nanos = Lexical::new();
            nanos.padded(t.nanosecond().min(999_999_999), 9);
            self.byte(b'.');
            self.bytes(nanos.buf.get(..usize::from(fd.min(9))).unwrap_or_default());
        }
    }

    fn write(&self, w: &mut Writer) {
        // Only ASCII digits and `-+:.TZ` are ever pushed (and `format!`'s digits).
        w.text(std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default());
    }
}

fn parse_with<T>(
    text: &str,
    expected: &'static str,
    f: impl FnOnce(&mut Cursor<'_>) -> Option<T>,
) -> Result<T, FacetError> {
    let mut c = Cursor { s: collapse(text).as_bytes(), i: 0 };
    match f(&mut c) {
        Some(v) if c.done() => Ok(v),
        _ => Err(FacetError::Datatype { expected }),
    }
}

impl SimpleValue for IsoDate {
    fn placeholder() -> Self {
        IsoDate { date: NaiveDate::default(), offset: None }
    }
    fn parse_text(text: &str) -> Result<Self, FacetError> {
        parse_with(text, "xs:date", |c| Some(IsoDate { date: c.date()?, offset: c.offset()? }))
    }
    fn write_text(&self, w: &mut Writer) {
        let mut s = Lexical::new();
        s.date(&self.date);
        s.offset(&self.offset);
        s.write(w);
    }
}

impl SimpleValue for IsoDateTime {
    fn placeholder() -> Self {
        IsoDateTime { date_time: NaiveDateTime::default(), offset: None, fraction_digits: 0 }
    }
    fn parse_text(text: &str) -> Result<Self, FacetError> {
        parse_with(text, "xs:dateTime", |c| {
            let d = c.date()?;
            c.eat(b'T')?;
            let (t, fd) = c.time()?;
            Some(IsoDateTime { date_time: d.and_time(t), offset: c.offset()?, fraction_digits: fd })
        })
    }
    fn write_text(&self, w: &mut Writer) {
        let mut s = Lexical::new();
        s.date(&self.date_time.date());
        s.byte(b'T');
        s.time(&self.date_time.time(), self.fraction_digits);
        s.offset(&self.offset);
        s.write(w);
    }
}

impl SimpleValue for IsoTime {
    fn placeholder() -> Self {
        IsoTime { time: NaiveTime::default(), offset: None, fraction_digits: 0 }
    }
    fn parse_text(text: &str) -> Result<Self, FacetError> {
        parse_with(text, "xs:time", |c| {
            let (t, fd) = c.time()?;
            Some(IsoTime { time: t, offset: c.offset()?, fraction_digits: fd })
        })
    }
    fn write_text(&self, w: &mut Writer) {
        let mut s = Lexical::new();
        s.time(&self.time, self.fraction_digits);
        s.offset(&self.offset);
        s.write(w);
    }
}

impl SimpleValue for IsoYearMonth {
    fn placeholder() -> Self {
        IsoYearMonth { year: 1970, month: 1, offset: None }
    }
    fn parse_text(text: &str) -> Result<Self, FacetError> {
        parse_with(text, "xs:gYearMonth", |c| {
            let year = c.year()?;
            c.eat(b'-')?;
            let month = c.digits(2)?;
            (1..=12).contains(&month).then_some(())?;
            Some(IsoYearMonth { year, month, offset: c.offset()? })
        })
    }
    fn write_text(&self, w: &mut Writer) {
        let mut s = Lexical::new();
        s.year(self.year);
        s.byte(b'-');
        s.padded(self.month, 2);
        s.offset(&self.offset);
        s.write(w);
    }
}

impl SimpleValue for IsoYear {
    fn placeholder() -> Self {
        IsoYear { year: 1970, offset: None }
    }
    fn parse_text(text: &str) -> Result<Self, FacetError> {
        parse_with(text, "xs:gYear", |c| Some(IsoYear { year: c.year()?, offset: c.offset()? }))
    }
    fn write_text(&self, w: &mut Writer) {
        let mut s = Lexical::new();
        s.year(self.year);
        s.offset(&self.offset);
        s.write(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round<T: SimpleValue>(s: &str) -> String {
        let v = T::parse_text(s).expect("valid");
        let mut w = Writer::default();
        v.write_text(&mut w);
        String::from_utf8(w.into_bytes()).expect("utf8")
    }

    /// The former `format!`-based writing, the reference for [`Lexical`].
    fn reference_offset(o: &Option<TzOffset>) -> String {
        match o {
            None => String::new(),
            Some(TzOffset::Utc) => "Z".into(),
            Some(TzOffset::Fixed(f)) => {
                let s = f.local_minus_utc();
                let sign = if s < 0 { '-' } else { '+' };
                let a = s.unsigned_abs();
                format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
            }
        }
    }

    fn written<T: SimpleValue>(v: &T) -> String {
        let mut w = Writer::default();
        v.write_text(&mut w);
        String::from_utf8(w.into_bytes()).expect("utf8")
    }

    #[test]
    fn dates_and_times_are_written_as_format_wrote_them() {
        let offsets = [
            None,
            Some(TzOffset::Utc),
            FixedOffset::east_opt(0).map(TzOffset::Fixed),
            FixedOffset::east_opt(5 * 3600 + 30 * 60).map(TzOffset::Fixed),
            FixedOffset::west_opt(14 * 3600).map(TzOffset::Fixed),
        ];
        let years = [-262_000, -10_000, -9999, -5, 0, 7, 99, 999, 1970, 2024, 9999, 10_000, 262_000];
        let mut checked = 0;
        for year in years {
            for (month, day) in [(1, 1), (2, 28), (12, 31)] {
                let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else { continue };
                for offset in &offsets {
                    let want = format!("{:04}-{:02}-{:02}{}", year, month, day, reference_offset(offset));
                    assert_eq!(written(&IsoDate { date, offset: *offset }), want);
                    assert_eq!(
                        written(&IsoYear { year, offset: *offset }),
                        format!("{year:04}{}", reference_offset(offset))
                    );
                    let ym = IsoYearMonth { year, month, offset: *offset };
                    assert_eq!(written(&ym), format!("{year:04}-{month:02}{}", reference_offset(offset)));
                    for (h, m, sec, nano, fd) in [
                        (0, 0, 0, 0, 0),
                        (9, 5, 7, 120_000_000, 3),
                        (23, 59, 59, 999_999_999, 9),
                        (12, 0, 1, 5, 9),
                        (1, 2, 3, 450_000_000, 1),
                    ] {
                        let time = NaiveTime::from_hms_nano_opt(h, m, sec, nano).expect("valid time");
                        let nanos = format!("{:09}", nano);
                        let fraction = if fd > 0 { format!(".{}", &nanos[..usize::from(fd)]) } else { String::new() };
                        let clock = format!("{h:02}:{m:02}:{sec:02}{fraction}{}", reference_offset(offset));
                        let dt = IsoDateTime { date_time: date.and_time(time), offset: *offset, fraction_digits: fd };
                        assert_eq!(written(&dt), format!("{year:04}-{month:02}-{day:02}T{clock}"));
                        assert_eq!(written(&IsoTime { time, offset: *offset, fraction_digits: fd }), clock);
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn date_times_keep_offset_and_fraction_as_written() {
        assert_eq!(round::<IsoDateTime>("2020-01-02T03:04:05"), "2020-01-02T03:04:05");
        assert_eq!(round::<IsoDateTime>("2020-01-02T03:04:05.120Z"), "2020-01-02T03:04:05.120Z");
        assert_eq!(round::<IsoDateTime>("2020-01-02T03:04:05+00:00"), "2020-01-02T03:04:05+00:00");
        assert_eq!(round::<IsoDateTime>("2020-01-02T03:04:05-05:30"), "2020-01-02T03:04:05-05:30");
        assert_eq!(round::<IsoDate>("2020-02-29"), "2020-02-29");
        assert_eq!(round::<IsoDate>("2020-02-29Z"), "2020-02-29Z");
        assert_eq!(round::<IsoYearMonth>("2020-02"), "2020-02");
        assert_eq!(round::<IsoTime>("10:11:12.5+01:00"), "10:11:12.5+01:00");
    }

    #[test]
    fn rejects_bad_dates() {
        for bad in
            ["YYYY-MM-DD", "2021-02-29", "2020-1-01", "2020-01-01T", "CURRENT_TIME", "2020-01-01T10:00:00+15:00", ""]
        {
            assert!(IsoDateTime::parse_text(bad).is_err() || IsoDate::parse_text(bad).is_err(), "{bad}");
            assert!(IsoDate::parse_text(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn decimals_are_exact_and_keep_scale() {
        assert_eq!(round::<Decimal>("1.50"), "1.50");
        assert_eq!(round::<Decimal>(" +0012.30000 "), "12.30000");
        for bad in ["1e5", "1,5", "", ".", "NaN", "1_000", "0x10"] {
            assert!(Decimal::parse_text(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn decimal_facets() {
        let f = DecimalFacets {
            integer: false,
            total_digits: Some(18),
            fraction_digits: Some(5),
            min_inclusive: Some(Decimal::ZERO),
            max_inclusive: None,
            min_exclusive: None,
            max_exclusive: None,
            patterns: &[],
        };
        let ok = |s: &str| check_decimal(&parse_decimal(s, &f).expect("lexical"), &f);
        assert_eq!(ok("1.23456"), Ok(()));
        assert_eq!(ok("1.2345600"), Ok(()));
        assert_eq!(ok("1.234567"), Err(FacetError::FractionDigits { max: 5 }));
        assert_eq!(ok("1234567890123456789"), Err(FacetError::TotalDigits { max: 18 }));
        // Digit counts at the bound, trailing fraction zeros not counted, zero as one digit.
        assert_eq!(ok("123456789012345678"), Ok(()));
        assert_eq!(ok("1234567890123.45678"), Ok(()));
        assert_eq!(ok("1234567890123.456780"), Ok(()));
        assert_eq!(ok("12345678901234567.89"), Err(FacetError::TotalDigits { max: 18 }));
        assert_eq!(ok("0"), Ok(()));
        assert_eq!(ok("0.00000"), Ok(()));
        assert_eq!(ok("0.00001"), Ok(()));
        assert_eq!(ok("-1"), Err(FacetError::MinInclusive(Decimal::ZERO)));
    }

    #[test]
    fn digit_facets_agree_with_the_normalized_value() {
        let mantissas =
            [0i128, 1, 5, 10, 100, 120, 12_345, 1_000_000, 10i128.pow(17), 10i128.pow(18), 123_456_789_012_345_678];
        let mut checked = 0;
        for m in mantissas {
            for scale in 0..=8 {
                for sign in [1, -1] {
                    let value = Decimal::from_i128_with_scale(sign * m, scale);
                    for integer in [false, true] {
                        for total_digits in [None, Some(1), Some(3), Some(5), Some(18)] {
                            for fraction_digits in [None, Some(0), Some(2), Some(5)] {
                                let f = DecimalFacets {
                                    integer,
                                    total_digits,
                                    fraction_digits,
                                    min_inclusive: None,
                                    max_inclusive: None,
                                    min_exclusive: None,
                                    max_exclusive: None,
                                    patterns: &[],
                                };
                                // The rule on the normalized value, as `check_decimal` applied it
                                // before it skipped normalizing (no bound facet is set).
                                let reference = super::digit_facets(&value.normalize(), &f);
                                assert_eq!(check_decimal(&value, &f), reference, "{value} {f:?}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 11 * 9 * 2 * 2 * 5 * 4);
    }
}

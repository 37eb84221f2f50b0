//! The writer used by generated code: appends escaped XML to a byte buffer, compact (no
//! whitespace between elements) or indented (two spaces per level, text-only elements on one
//! line), and checks what the generated types cannot enforce by construction: the occurrence
//! limits of repeated elements (`minOccurs`/`maxOccurs`, and the reader's repeat limit for
//! unbounded ones), control characters in text and the reader's string-length limit. The first
//! such violation is recorded with its element path; [`Writer::finish`] (and [`write_root`])
//! then return it instead of the document, so whatever the writer hands out, the validating
//! reader accepts.
use super::{AnyElement, ComplexValue, RootElement, SimpleValue};
use crate::{Error, Limits, Rule, Violation};
use rust_decimal::Decimal;
use std::io::Write as _;

/// What was written last, for the indented layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    /// A start tag (`<a>`): a child goes on the next line, an empty element closes on its own.
    StartTag,
    /// Text content: the end tag follows on the same line.
    Text,
    /// An end tag and its newline (or the XML declaration).
    EndTag,
}

/// Output buffer for generated `write` methods.
#[derive(Debug)]
pub struct Writer {
    out: Vec<u8>,
    in_attr: bool,
    /// Indented layout (see [`Writer::indented`]).
    indent: bool,
    last: Last,
    /// Names of the open elements, outermost first (element paths, indentation depth).
    open: Vec<&'static str>,
    /// The first rule broken, if any.
    violation: Option<Violation>,
    max_repeats: usize,
    max_string_len: usize,
}

impl Default for Writer {
    fn default() -> Self {
        Self::with_layout(Vec::new(), false)
    }
}

impl Writer {
    fn with_layout(out: Vec<u8>, indent: bool) -> Self {
        let limits = Limits::default();
        Writer {
            out,
            in_attr: false,
            indent,
            last: Last::EndTag,
            open: Vec::with_capacity(16),
            violation: None,
            max_repeats: limits.max_repeats,
            max_string_len: limits.max_string_len,
        }
    }

    /// A writer for a whole document, the XML declaration written: compact, or `indented`
    /// (two spaces per level, each element on its own line, a text-only element on one line,
    /// an empty element as `<a>` and `</a>` on two lines, `"` and `'` in text escaped too).
    pub fn document(indented: bool) -> Self {
        let mut out = Vec::with_capacity(8 * 1024);
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Self::with_layout(out, indented)
    }

    /// The bytes written, whatever was recorded (see [`finish`](Self::finish) for the checked
    /// result).
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// The first violation recorded so far, if any.
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_ref()
    }

    /// Close every open element and return the document, or the first violation recorded.
    pub fn finish(mut self) -> Result<Vec<u8>, Error> {
        while !self.open.is_empty() {
            self.end();
        }
        match self.violation {
            Some(v) => Err(Error::new(v)),
            None => Ok(self.out),
        }
    }

    /// Record `rule` broken at the current element's child `name` (the first one only).
    #[cold]
    fn violate(&mut self, rule: Rule, name: Option<&str>, message: String) {
        if self.violation.is_some() {
            return;
        }
        let mut path = String::new();
        for n in self.open.iter().copied().chain(name) {
            path.push('/');
            path.push_str(n);
        }
        self.violation = Some(Violation { rule, path, line: 0, column: 0, message });
    }

    /// Escaped character data (or attribute value, inside [`attr`](Self::attr)). A control
    /// character other than tab, LF and CR (which no XML 1.0 document may hold) or a value
    /// over the reader's string-length limit is recorded as a violation.
    pub fn text(&mut self, s: &str) {
        let bytes = s.as_bytes();
        if bytes.len() > self.max_string_len {
            self.violate(Rule::LimitStringLength, None, format!("text longer than {} bytes", self.max_string_len));
        }
        let mut last = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let rep: &[u8] = match b {
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'&' => b"&amp;",
                b'\r' => b"&#13;",
                b'"' if self.in_attr || self.indent => b"&quot;",
                b'\'' if self.indent && !self.in_attr => b"&apos;",
                b'\n' if self.in_attr => b"&#10;",
                b'\t' if self.in_attr => b"&#9;",
                b'\n' | b'\t' => continue,
                c if c < 0x20 => {
                    self.violate(Rule::NotWellFormed, None, "control character in text".into());
                    continue;
                }
                _ => continue,
            };
            self.out.extend_from_slice(bytes.get(last..i).unwrap_or_default());
            self.out.extend_from_slice(rep);
            last = i + 1;
        }
        self.out.extend_from_slice(bytes.get(last..).unwrap_or_default());
        if !self.in_attr {
            self.last = Last::Text;
        }
    }

    /// A decimal as its exact text (scale kept: `1.50` stays `1.50`).
    pub fn decimal(&mut self, d: &Decimal) {
        let _ = write!(self.out, "{d}");
        self.last = Last::Text;
    }

    /// Before a start tag: the newline after the parent's start tag and the indentation.
    fn line_start(&mut self) {
        if !self.indent {
            return;
        }
        if self.last == Last::StartTag {
            self.out.push(b'\n');
        }
        const SPACES: &[u8] = b"                                                                ";
        let mut width = self.open.len() * 2;
        while width > 0 {
            let n = width.min(SPACES.len());
            self.out.extend_from_slice(SPACES.get(..n).unwrap_or_default());
            width -= n;
        }
    }

    fn open_tag(&mut self, name: &'static str) {
        self.line_start();
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
    }

    /// After the attributes: `>`, and `name` is open.
    fn open_end(&mut self, name: &'static str) {
        self.out.push(b'>');
        self.open.push(name);
        self.last = Last::StartTag;
    }

    /// Close the innermost open element.
    pub fn end(&mut self) {
        let Some(name) = self.open.pop() else { return };
        if self.indent {
            match self.last {
                Last::StartTag => {
                    self.out.push(b'\n');
                    self.last = Last::EndTag;
                    self.line_start();
                }
                Last::EndTag => self.line_start(),
                Last::Text => {}
            }
        }
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(b'>');
        if self.indent {
            self.out.push(b'\n');
        }
        self.last = Last::EndTag;
    }

    /// Open a wrapper element with no attributes (an envelope around root elements); close it
    /// with [`end`](Self::end) or [`finish`](Self::finish).
    pub fn start(&mut self, name: &'static str) {
        self.open_tag(name);
        self.open_end(name);
    }

    /// A root element at the current place, its namespace declared as the default namespace.
    pub fn root<T: RootElement>(&mut self, v: &T) {
        self.open_tag(T::ELEMENT);
        self.out.extend_from_slice(b" xmlns=\"");
        self.in_attr = true;
        self.text(T::NAMESPACE);
        self.in_attr = false;
        self.out.push(b'"');
        v.write_attrs(self);
        self.open_end(T::ELEMENT);
        v.write(self);
        self.end();
    }

    /// Check that `name` occurs `len` times within `min..=max` (`max` 0: unbounded, up to the
    /// reader's repeat limit).
    fn occurs(&mut self, name: Option<&'static str>, len: usize, min: usize, max: usize) {
        if len < min {
            self.violate(Rule::MinOccurs, name, format!("{len} occurrences, minOccurs is {min}"));
        } else if max != 0 && len > max {
            self.violate(Rule::MaxOccurs, name, format!("{len} occurrences, maxOccurs is {max}"));
        } else if len > self.max_repeats {
            self.violate(Rule::LimitRepeats, name, format!("more than {} repeats", self.max_repeats));
        }
    }

    /// A simple-typed element.
    pub fn s<T: SimpleValue>(&mut self, name: &'static str, v: &T) {
        self.open_tag(name);
        self.open_end(name);
        v.write_text(self);
        self.last = Last::Text;
        self.end();
    }

    /// An optional simple-typed element.
    pub fn opt_s<T: SimpleValue>(&mut self, name: &'static str, v: Option<&T>) {
        if let Some(v) = v {
            self.s(name, v);
        }
    }

    /// A repeated simple-typed element, `min..=max` times (`max` 0: unbounded).
    pub fn many_s<T: SimpleValue>(&mut self, name: &'static str, v: &[T], min: usize, max: usize) {
        self.occurs(Some(name), v.len(), min, max);
        for x in v {
            self.s(name, x);
        }
    }

    /// A complex-typed element.
    pub fn c<T: ComplexValue>(&mut self, name: &'static str, v: &T) {
        self.open_tag(name);
        v.write_attrs(self);
        self.open_end(name);
        v.write(self);
        self.end();
    }

    /// An optional complex-typed element.
    pub fn opt_c<T: ComplexValue>(&mut self, name: &'static str, v: Option<&T>) {
        if let Some(v) = v {
            self.c(name, v);
        }
    }

    /// A repeated complex-typed element, `min..=max` times (`max` 0: unbounded).
    pub fn many_c<T: ComplexValue>(&mut self, name: &'static str, v: &[T], min: usize, max: usize) {
        self.occurs(Some(name), v.len(), min, max);
        for x in v {
            self.c(name, x);
        }
    }

    /// A nested group, written inline.
    pub fn g<T: ComplexValue>(&mut self, v: &T) {
        v.write(self);
    }

    /// An optional nested group.
    pub fn opt_g<T: ComplexValue>(&mut self, v: Option<&T>) {
        if let Some(v) = v {
            v.write(self);
        }
    }

    /// A repeated nested group, `min..=max` times (`max` 0: unbounded).
    pub fn many_g<T: ComplexValue>(&mut self, v: &[T], min: usize, max: usize) {
        self.occurs(None, v.len(), min, max);
        for x in v {
            x.write(self);
        }
    }

    /// An `xs:any` element, written as kept.
    pub fn any(&mut self, v: &AnyElement) {
        self.line_start();
        self.out.extend_from_slice(v.as_str().as_bytes());
        if self.indent {
            self.out.push(b'\n');
        }
        self.last = Last::EndTag;
    }

    /// An optional `xs:any` element.
    pub fn opt_any(&mut self, v: Option<&AnyElement>) {
        if let Some(v) = v {
            self.any(v);
        }
    }

    /// Repeated `xs:any` elements, `min..=max` times (`max` 0: unbounded).
    pub fn many_any(&mut self, v: &[AnyElement], min: usize, max: usize) {
        self.occurs(None, v.len(), min, max);
        for x in v {
            self.any(x);
        }
    }

    /// An attribute (inside `write_attrs`).
    pub fn attr<T: SimpleValue>(&mut self, name: &str, v: &T) {
        self.out.push(b' ');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"=\"");
        self.in_attr = true;
        v.write_text(self);
        self.in_attr = false;
        self.out.push(b'"');
    }

    /// An optional attribute.
    pub fn opt_attr<T: SimpleValue>(&mut self, name: &str, v: Option<&T>) {
        if let Some(v) = v {
            self.attr(name, v);
        }
    }

    /// Simple content of a complex type.
    pub fn text_value<T: SimpleValue>(&mut self, v: &T) {
        v.write_text(self);
        self.last = Last::Text;
    }
}

/// Write a root element as a standalone compact document with its namespace as the default
/// namespace; the first occurrence or character violation instead, if any.
pub fn write_root<T: RootElement>(v: &T) -> Result<Vec<u8>, Error> {
    let mut w = Writer::document(false);
    w.out.reserve(4096);
    w.root(v);
    w.out.push(b'\n');
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FacetError, Reader};

    /// `xs:string`-like leaf for the tests.
    #[derive(Debug, Clone, PartialEq)]
    struct T(String);
    impl SimpleValue for T {
        fn parse_text(text: &str) -> Result<Self, FacetError> {
            Ok(T(text.to_owned()))
        }
        fn write_text(&self, w: &mut Writer) {
            w.text(&self.0)
        }
        fn placeholder() -> Self {
            T(String::new())
        }
    }

    /// Simple content with an attribute (`<Amt Ccy="EUR">1.50</Amt>`).
    #[derive(Debug, Clone, PartialEq)]
    struct Amt {
        ccy: T,
        value: Decimal,
    }
    impl ComplexValue for Amt {
        fn read(_: &mut Reader<'_>) -> Result<Self, Error> {
            unreachable!("the writer tests only write")
        }
        fn write_attrs(&self, w: &mut Writer) {
            w.attr("Ccy", &self.ccy);
        }
        fn write(&self, w: &mut Writer) {
            w.text_value(&self.value);
        }
    }

    /// An all-optional type (`<Pty/>` when empty).
    #[derive(Debug, Clone, PartialEq, Default)]
    struct Pty {
        nm: Option<T>,
    }
    impl ComplexValue for Pty {
        fn read(_: &mut Reader<'_>) -> Result<Self, Error> {
            unreachable!("the writer tests only write")
        }
        fn write(&self, w: &mut Writer) {
            w.opt_s("Nm", self.nm.as_ref());
        }
    }

    /// `Tx` (1..2 of them) each with lines `Ln` (0..unbounded), an amount and a party.
    #[derive(Debug, Clone, PartialEq)]
    struct Tx {
        amt: Amt,
        pty: Pty,
        lines: Vec<T>,
    }
    impl ComplexValue for Tx {
        fn read(_: &mut Reader<'_>) -> Result<Self, Error> {
            unreachable!("the writer tests only write")
        }
        fn write(&self, w: &mut Writer) {
            w.c("Amt", &self.amt);
            w.c("Pty", &self.pty);
            w.many_s("Ln", &self.lines, 0, 0);
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Doc {
        txs: Vec<Tx>,
    }
    impl ComplexValue for Doc {
        fn read(_: &mut Reader<'_>) -> Result<Self, Error> {
            unreachable!("the writer tests only write")
        }
        fn write(&self, w: &mut Writer) {
            w.many_c("Tx", &self.txs, 1, 2);
        }
    }
    impl RootElement for Doc {
        const NAMESPACE: &'static str = "urn:test";
        const ELEMENT: &'static str = "Doc";
    }

    fn tx(lines: &[&str]) -> Tx {
        Tx {
            amt: Amt { ccy: T("EUR".into()), value: Decimal::new(150, 2) },
            pty: Pty::default(),
            lines: lines.iter().map(|l| T((*l).into())).collect(),
        }
    }

    #[test]
    fn compact_layout() {
        let doc = Doc { txs: vec![tx(&["a<'\"b"])] };
        let bytes = write_root(&doc).expect("valid");
        assert_eq!(
            String::from_utf8(bytes).expect("utf-8"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Doc xmlns=\"urn:test\"><Tx><Amt Ccy=\"EUR\">1.50</Amt>\
             <Pty></Pty><Ln>a&lt;'\"b</Ln></Tx></Doc>\n"
        );
    }

    #[test]
    fn indented_layout_inside_a_wrapper() {
        let doc =
            Doc { txs: vec![tx(&["x&y", "it's \"q\"\r"]), Tx { pty: Pty { nm: Some(T("N".into())) }, ..tx(&[]) }] };
        let mut w = Writer::document(true);
        w.start("Envelope");
        w.root(&doc);
        let text = String::from_utf8(w.finish().expect("valid")).expect("utf-8");
        assert_eq!(
            text,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<Envelope>
  <Doc xmlns=\"urn:test\">
    <Tx>
      <Amt Ccy=\"EUR\">1.50</Amt>
      <Pty>
      </Pty>
      <Ln>x&amp;y</Ln>
      <Ln>it&apos;s &quot;q&quot;&#13;</Ln>
    </Tx>
    <Tx>
      <Amt Ccy=\"EUR\">1.50</Amt>
      <Pty>
        <Nm>N</Nm>
      </Pty>
    </Tx>
  </Doc>
</Envelope>
"
        );
    }

    #[test]
    fn occurrence_limits_are_checked_with_the_element_path() {
        let none = Doc { txs: vec![] };
        let e = write_root(&none).expect_err("minOccurs 1");
        let v = e.violations().first().expect("a violation");
        assert_eq!((v.rule, v.path.as_str()), (Rule::MinOccurs, "/Doc/Tx"));
        assert_eq!(v.rule.as_str(), "minOccurs");
        assert!(v.message.contains("0 occurrences, minOccurs is 1"), "{}", v.message);

        let three = Doc { txs: vec![tx(&[]), tx(&[]), tx(&[])] };
        let e = write_root(&three).expect_err("maxOccurs 2");
        let v = e.violations().first().expect("a violation");
        assert_eq!((v.rule, v.path.as_str()), (Rule::MaxOccurs, "/Doc/Tx"));
        assert_eq!(v.rule.as_str(), "maxOccurs");

        let two = Doc { txs: vec![tx(&[]), tx(&[])] };
        assert!(write_root(&two).is_ok());
    }

    #[test]
    fn the_first_violation_is_kept_and_control_characters_are_refused() {
        let doc = Doc { txs: vec![tx(&["ok", "bell\u{7}"]), tx(&["\u{1}"])] };
        let e = write_root(&doc).expect_err("control character");
        assert_eq!(e.violations().len(), 1);
        let v = e.violations().first().expect("a violation");
        assert_eq!((v.rule, v.path.as_str()), (Rule::NotWellFormed, "/Doc/Tx/Ln"));
        // Tab and LF are characters XML allows.
        assert!(write_root(&Doc { txs: vec![tx(&["a\tb\nc"])] }).is_ok());
    }

    #[test]
    fn unbounded_repeats_stop_at_the_readers_limit() {
        let mut w = Writer::document(false);
        w.max_repeats = 2;
        w.root(&Doc { txs: vec![tx(&["1", "2", "3"])] });
        let e = w.finish().expect_err("repeat limit");
        let v = e.violations().first().expect("a violation");
        assert_eq!((v.rule, v.path.as_str()), (Rule::LimitRepeats, "/Doc/Tx/Ln"));
    }
}

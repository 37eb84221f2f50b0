//! The writer used by generated code: appends escaped XML to a byte buffer, no indentation.
use super::{AnyElement, ComplexValue, RootElement, SimpleValue};
use rust_decimal::Decimal;
use std::io::Write as _;

/// Output buffer for generated `write` methods.
#[derive(Debug, Default)]
pub struct Writer {
    out: Vec<u8>,
    in_attr: bool,
}

impl Writer {
    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// Escaped character data (or attribute value, inside [`attr`](Self::attr)).
    pub fn text(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut last = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let rep: &[u8] = match b {
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'&' => b"&amp;",
                b'\r' => b"&#13;",
                b'"' if self.in_attr => b"&quot;",
                b'\n' if self.in_attr => b"&#10;",
                b'\t' if self.in_attr => b"&#9;",
                _ => continue,
            };
            self.out.extend_from_slice(bytes.get(last..i).unwrap_or_default());
            self.out.extend_from_slice(rep);
            last = i + 1;
        }
        self.out.extend_from_slice(bytes.get(last..).unwrap_or_default());
    }

    /// A decimal as its exact text (scale kept: `1.50` stays `1.50`).
    pub fn decimal(&mut self, d: &Decimal) {
        let _ = write!(self.out, "{d}");
    }

    fn open(&mut self, name: &str) {
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
    }

    fn close(&mut self, name: &str) {
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(b'>');
    }

    /// A simple-typed element.
    pub fn s<T: SimpleValue>(&mut self, name: &str, v: &T) {
        self.open(name);
        self.out.push(b'>');
        v.write_text(self);
        self.close(name);
    }

    /// An optional simple-typed element.
    pub fn opt_s<T: SimpleValue>(&mut self, name: &str, v: Option<&T>) {
        if let Some(v) = v {
            self.s(name, v);
        }
    }

    /// A repeated simple-typed element.
    pub fn many_s<T: SimpleValue>(&mut self, name: &str, v: &[T]) {
        for x in v {
            self.s(name, x);
        }
    }

    /// A complex-typed element.
    pub fn c<T: ComplexValue>(&mut self, name: &str, v: &T) {
        self.open(name);
        v.write_attrs(self);
        self.out.push(b'>');
        v.write(self);
        self.close(name);
    }

    /// An optional complex-typed element.
    pub fn opt_c<T: ComplexValue>(&mut self, name: &str, v: Option<&T>) {
        if let Some(v) = v {
            self.c(name, v);
        }
    }

    /// A repeated complex-typed element.
    pub fn many_c<T: ComplexValue>(&mut self, name: &str, v: &[T]) {
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

    /// A repeated nested group.
    pub fn many_g<T: ComplexValue>(&mut self, v: &[T]) {
        for x in v {
            x.write(self);
        }
    }

    /// An `xs:any` element, written as kept.
    pub fn any(&mut self, v: &AnyElement) {
        self.out.extend_from_slice(v.as_str().as_bytes());
    }

    /// An optional `xs:any` element.
    pub fn opt_any(&mut self, v: Option<&AnyElement>) {
        if let Some(v) = v {
            self.any(v);
        }
    }

    /// Repeated `xs:any` elements.
    pub fn many_any(&mut self, v: &[AnyElement]) {
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
    }
}

/// Write a root element as a standalone document with its namespace as the default namespace.
pub fn write_root<T: RootElement>(v: &T) -> Vec<u8> {
    let mut w = Writer { out: Vec::with_capacity(4096), in_attr: false };
    w.out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open(T::ELEMENT);
    w.out.extend_from_slice(b" xmlns=\"");
    w.in_attr = true;
    w.text(T::NAMESPACE);
    w.in_attr = false;
    w.out.push(b'"');
    v.write_attrs(&mut w);
    w.out.push(b'>');
    v.write(&mut w);
    w.close(T::ELEMENT);
    w.out.push(b'\n');
    w.out
}

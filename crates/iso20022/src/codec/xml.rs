//! A small, strict XML writer for the encoders: indented elements in the order the encoder
//! calls them (which follows each XSD sequence), text escaped, nothing else.

use std::fmt::Write as _;

/// Writes one document into a `String`.
#[derive(Debug, Default)]
pub(crate) struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
}

impl XmlWriter {
    /// A writer with the XML declaration written.
    pub(crate) fn new() -> Self {
        Self { out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), open: Vec::new() }
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    /// Open `<name attr="value" ...>`.
    pub(crate) fn start_with(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            let _ = write!(self.out, " {key}=\"{}\"", escape(value));
        }
        self.out.push_str(">\n");
        self.open.push(name);
    }

    /// Open `<name>`.
    pub(crate) fn start(&mut self, name: &'static str) {
        self.start_with(name, &[]);
    }

    /// Close the innermost open element.
    pub(crate) fn end(&mut self) {
        if let Some(name) = self.open.pop() {
            self.indent();
            let _ = writeln!(self.out, "</{name}>");
        }
    }

    /// `<name attrs>text</name>`.
    pub(crate) fn leaf_with(&mut self, name: &'static str, attrs: &[(&str, &str)], text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            let _ = write!(self.out, " {key}=\"{}\"", escape(value));
        }
        let _ = writeln!(self.out, ">{}</{name}>", escape(text));
    }

    /// `<name>text</name>`.
    pub(crate) fn leaf(&mut self, name: &'static str, text: &str) {
        self.leaf_with(name, &[], text);
    }

    /// `<name>text</name>` when `text` is present.
    pub(crate) fn opt_leaf(&mut self, name: &'static str, text: Option<&str>) {
        if let Some(text) = text {
            self.leaf(name, text);
        }
    }

    /// Open `name`, run `body`, close it.
    pub(crate) fn element(&mut self, name: &'static str, body: impl FnOnce(&mut Self)) {
        self.start(name);
        body(self);
        self.end();
    }

    /// What was written since the writer was made or last cleared (for the streaming writer,
    /// which hands out the document piece by piece).
    pub(crate) fn output(&self) -> &str {
        &self.out
    }

    /// Forget what was written; the open elements stay open (and indent what follows).
    pub(crate) fn clear_output(&mut self) {
        self.out.clear();
    }

    /// Close every open element.
    pub(crate) fn close_all(&mut self) {
        while !self.open.is_empty() {
            self.end();
        }
    }

    /// The document.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.close_all();
        self.out.into_bytes()
    }
}

fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'', '\r']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // A raw CR would be normalised away by any XML reader; a reference keeps it.
            '\r' => escaped.push_str("&#13;"),
            other => escaped.push(other),
        }
    }
    std::borrow::Cow::Owned(escaped)
}

//! A small, strict XML writer for the encoders: indented elements in the order the encoder
//! calls them (which follows each XSD sequence), text escaped, nothing else.

/// Writes one document into a `String`.
#[derive(Debug, Default)]
pub(crate) struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
}

impl XmlWriter {
    /// A writer with the XML declaration written.
    pub(crate) fn new() -> Self {
        let mut out = String::with_capacity(8 * 1024);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Self { out, open: Vec::with_capacity(16) }
    }

    fn indent(&mut self) {
        const SPACES: &str = "                                                                ";
        let mut width = self.open.len() * 2;
        while width > 0 {
            let n = width.min(SPACES.len());
            self.out.push_str(SPACES.get(..n).unwrap_or_default());
            width -= n;
        }
    }

    /// Open `<name attr="value" ...>`.
    pub(crate) fn start_with(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push_str(">\n");
        self.open.push(name);
    }

    /// Open `<name>`.
    pub(crate) fn start(&mut self, name: &'static str) {
        self.start_with(name, &[]);
    }

    fn attrs(&mut self, attrs: &[(&str, &str)]) {
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.out.push_str(&escape(value));
            self.out.push('"');
        }
    }

    /// Close the innermost open element.
    pub(crate) fn end(&mut self) {
        if let Some(name) = self.open.pop() {
            self.indent();
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
    }

    /// `<name attrs>text</name>`.
    pub(crate) fn leaf_with(&mut self, name: &'static str, attrs: &[(&str, &str)], text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
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
    // A byte test (these are all ASCII), not `str::contains` with a char array, which decodes
    // every character.
    if !text.bytes().any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | b'\r')) {
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

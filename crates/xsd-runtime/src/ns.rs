//! Namespace scopes for the [`Reader`](crate::Reader): the declarations in effect at the
//! current element, kept by the reader itself over quick-xml's raw tokenizer.
//!
//! A start tag's attributes are only looked at when it has any and they mention `xmlns`, so an
//! ISO 20022 document (one default namespace on its root) pays for namespaces once; an element
//! name is resolved by its prefix (the in-scope default for none, kept at hand). The reserved
//! prefixes follow Namespaces in XML 1.0: `xml` is bound to its namespace and may only be
//! re-declared with it, `xmlns` may not be declared, and no other prefix may take either URI.
//!
//! Allocation: a declaration's prefix and URI borrow from the input when it holds them as
//! they are (no reference in the URI), and [`attributes`] iterates a tag's attributes with
//! quick-xml's duplicate check made without its per-tag list of keys.
use quick_xml::events::BytesStart;
use quick_xml::events::attributes::Attributes;
use std::borrow::Cow;

/// The namespace the `xml` prefix is bound to.
pub(crate) const XML_NS: &[u8] = b"http://www.w3.org/XML/1998/namespace";
const XMLNS_NS: &[u8] = b"http://www.w3.org/2000/xmlns/";

struct Binding<'a> {
    /// Element nesting level of the declaring element.
    level: u32,
    /// Empty for the default namespace.
    prefix: Cow<'a, [u8]>,
    /// Empty un-declares (the default namespace only; `xmlns:p=""` leaves `p` unbound).
    uri: Cow<'a, [u8]>,
}

/// The namespace declarations in scope; prefixes and URIs borrow from the input (`'a`) where
/// they can.
#[derive(Default)]
pub(crate) struct Scopes<'a> {
    bindings: Vec<Binding<'a>>,
    level: u32,
    /// Index in `bindings` of the in-scope default declaration.
    default: Option<usize>,
}

/// `part` as a slice of `src` with `src`'s lifetime, when it is one (same address).
pub(crate) fn within<'a>(src: &'a [u8], part: &[u8]) -> Option<&'a [u8]> {
    let start = (part.as_ptr() as usize).checked_sub(src.as_ptr() as usize)?;
    let s = src.get(start..start.checked_add(part.len())?)?;
    std::ptr::eq(s.as_ptr(), part.as_ptr()).then_some(s)
}

/// `part` borrowed from `src` when it is a slice of it, else copied.
fn borrow_or_own<'a>(src: &'a [u8], part: &[u8]) -> Cow<'a, [u8]> {
    within(src, part).map_or_else(|| Cow::Owned(part.to_vec()), Cow::Borrowed)
}

/// The attributes of `e`, as `e.attributes()` gives them — the same items and the same first
/// error — without the list of keys quick-xml allocates per tag to find duplicates: when a
/// pass without that check finds every attribute well-formed and no key repeated (comparing
/// each key with the ones before it, as quick-xml does), the unchecked iterator yields
/// exactly what the checked one would; otherwise the checked iterator is returned, which
/// reports the error it always did.
pub(crate) fn attributes<'b>(e: &'b BytesStart<'_>) -> Attributes<'b> {
    let unchecked = || {
        let mut it = e.attributes();
        it.with_checks(false);
        it
    };
    let mut ok = true;
    for (i, a) in unchecked().enumerate() {
        let Ok(a) = a else {
            ok = false;
            break;
        };
        if unchecked().take(i).any(|b| b.map_or(true, |b| b.key == a.key)) {
            ok = false;
            break;
        }
    }
    if ok { unchecked() } else { e.attributes() }
}

/// A start tag's attributes, each plain: whitespace, then a name of ASCII letters, digits and
/// `_-.:` (starting with a letter or `_`), `=` with no space around it, and a quoted value
/// without `<`, `&` or control characters — so quick-xml's checked iterator would yield the
/// same keys, and these bytes as the values (nothing to unescape or normalise) — and no name
/// repeated. Anything else is left to quick-xml (and its errors). Namespace declarations on
/// an envelope, a header or a document element are read so: through quick-xml's iterator
/// they were 9% of a small document's parse.
pub(crate) struct PlainAttributes<'r>(&'r [u8]);

impl<'r> PlainAttributes<'r> {
    /// The (key, value) pairs, in document order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'r [u8], &'r [u8])> {
        Pairs(self.0).map_while(|pair| pair)
    }
}

/// [`PlainAttributes`] of `raw` (a start tag's bytes after its name), if all are plain.
pub(crate) fn plain_attributes(raw: &[u8]) -> Option<PlainAttributes<'_>> {
    let mut keys: [&[u8]; PLAIN_MAX] = [&[]; PLAIN_MAX];
    for (i, pair) in Pairs(raw).enumerate() {
        let (key, _) = pair?;
        // Few attributes per tag: each name compared with the ones before it.
        if keys.get(..i)?.contains(&key) {
            return None;
        }
        *keys.get_mut(i)? = key;
    }
    Some(PlainAttributes(raw))
}

/// At most this many attributes are read by [`plain_attributes`] (more go to quick-xml).
const PLAIN_MAX: usize = 16;

/// The attributes of a start tag one by one; an item `None` where one is not plain (and no
/// item after it).
struct Pairs<'r>(&'r [u8]);

impl<'r> Iterator for Pairs<'r> {
    type Item = Option<(&'r [u8], &'r [u8])>;

    fn next(&mut self) -> Option<Self::Item> {
        let ws = self.0.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')).count();
        let rest = self.0.get(ws..).unwrap_or_default();
        if rest.is_empty() {
            return None;
        }
        let pair = (ws > 0).then(|| plain_pair(rest)).flatten();
        self.0 = match pair {
            Some((_, _, end)) => rest.get(end..).unwrap_or_default(),
            None => &[],
        };
        Some(pair.map(|(key, value, _)| (key, value)))
    }
}

/// The plain attribute at the start of `rest`: its key, its value and the offset after it.
fn plain_pair(rest: &[u8]) -> Option<(&[u8], &[u8], usize)> {
    let eq = memchr::memchr(b'=', rest)?;
    let key = rest.get(..eq)?;
    if !key.first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        || !key.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
    {
        return None;
    }
    let quote = *rest.get(eq + 1)?;
    if !matches!(quote, b'"' | b'\'') {
        return None;
    }
    let close = eq + 2 + memchr::memchr(quote, rest.get(eq + 2..)?)?;
    let value = rest.get(eq + 2..close)?;
    value.iter().all(|b| PLAIN_VALUE_BYTE[usize::from(*b)]).then_some((key, value, close + 1))
}

/// Bytes a plain attribute value may hold: all but `<`, `&` and control characters.
static PLAIN_VALUE_BYTE: [bool; 256] = {
    let mut t = [true; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = false;
        b += 1;
    }
    t[b'<' as usize] = false;
    t[b'&' as usize] = false;
    t
};

/// The prefix an attribute named `key` declares (empty for the default namespace), if it is
/// a namespace declaration.
fn declared_prefix(key: &[u8]) -> Option<&[u8]> {
    if key == b"xmlns" { Some(b"") } else { key.strip_prefix(b"xmlns:") }
}

/// Split a qualified name into prefix (if any) and local name.
pub(crate) fn split_qname(name: &[u8]) -> (Option<&[u8]>, &[u8]) {
    match name.iter().position(|b| *b == b':') {
        Some(i) => (name.get(..i), name.get(i + 1..).unwrap_or_default()),
        None => (None, name),
    }
}

fn mentions_xmlns(raw: &[u8]) -> bool {
    raw.windows(5).any(|w| w == b"xmlns")
}

impl<'a> Scopes<'a> {
    /// Enter `e`'s scope, adding the namespaces it declares; `true` when it declares any. An
    /// error names a misuse of the reserved prefixes or a malformed attribute. Prefixes and
    /// URIs that are slices of `src` (the input) are borrowed from it, others copied.
    #[inline]
    pub(crate) fn enter(&mut self, e: &BytesStart<'_>, src: &'a [u8]) -> Result<bool, String> {
        self.enter_plain();
        if !mentions_xmlns(e.attributes_raw()) {
            return Ok(false);
        }
        self.declare_from(e, src)
    }

    /// Enter the scope of a start tag without attributes (it declares nothing).
    #[inline]
    pub(crate) fn enter_plain(&mut self) {
        self.level += 1;
    }

    /// The namespaces `e` declares, added (see [`Scopes::enter`]). Out of line: most tags
    /// declare none, and their `enter` should not pay for this one's frame.
    #[inline(never)]
    fn declare_from(&mut self, e: &BytesStart<'_>, src: &'a [u8]) -> Result<bool, String> {
        let before = self.bindings.len();
        if let Some(plain) = plain_attributes(e.attributes_raw()) {
            for (key, value) in plain.iter() {
                if let Some(prefix) = declared_prefix(key) {
                    self.add(borrow_or_own(src, prefix), borrow_or_own(src, value))?;
                }
            }
        } else {
            for a in attributes(e) {
                let a = a.map_err(|err| err.to_string())?;
                if let Some(prefix) = declared_prefix(a.key.as_ref()) {
                    let uri = a.unescape_value().map_err(|err| err.to_string())?;
                    self.add(borrow_or_own(src, prefix), borrow_or_own(src, uri.as_bytes()))?;
                }
            }
        }
        Ok(self.bindings.len() != before)
    }

    /// Declare a namespace at the current level (outside any element: for the whole input).
    pub(crate) fn declare(&mut self, prefix: &'a [u8], uri: &'a [u8]) -> Result<(), String> {
        self.add(Cow::Borrowed(prefix), Cow::Borrowed(uri))
    }

    fn add(&mut self, prefix: Cow<'a, [u8]>, uri: Cow<'a, [u8]>) -> Result<(), String> {
        let shown = || String::from_utf8_lossy(&prefix).into_owned();
        match &*prefix {
            b"xml" if *uri == *XML_NS => return Ok(()),
            b"xml" => return Err("the prefix xml may only be bound to its own namespace".into()),
            b"xmlns" => return Err("the prefix xmlns must not be declared".into()),
            _ if *uri == *XML_NS || *uri == *XMLNS_NS => {
                return Err(format!("prefix {} is bound to a reserved namespace", shown()));
            }
            _ => {}
        }
        if prefix.is_empty() {
            self.default = Some(self.bindings.len());
        }
        self.bindings.push(Binding { level: self.level, prefix, uri });
        Ok(())
    }

    /// Leave the current element's scope; `true` when that ends any declaration.
    pub(crate) fn leave(&mut self) -> bool {
        let mut popped = false;
        let mut popped_default = false;
        while self.bindings.last().is_some_and(|b| b.level >= self.level) {
            if let Some(b) = self.bindings.pop() {
                popped = true;
                popped_default |= b.prefix.is_empty();
            }
        }
        if popped_default {
            self.default = self.bindings.iter().rposition(|b| b.prefix.is_empty());
        }
        self.level = self.level.saturating_sub(1);
        popped
    }

    /// The in-scope default namespace (empty: none).
    pub(crate) fn default_ns(&self) -> &[u8] {
        self.default.and_then(|i| self.bindings.get(i)).map_or(b"", |b| &b.uri)
    }

    /// The namespace bound to `prefix`, if any.
    pub(crate) fn prefix_ns(&self, prefix: &[u8]) -> Option<&[u8]> {
        if prefix == b"xml" {
            return Some(XML_NS);
        }
        let b = self.bindings.iter().rev().find(|b| &*b.prefix == prefix)?;
        if b.uri.is_empty() { None } else { Some(&b.uri) }
    }

    /// The namespace of an element name (`None`: no namespace, or an undeclared prefix — see
    /// `known`) and whether its prefix, if any, was declared.
    pub(crate) fn element_ns(&self, qname: &[u8]) -> (Option<&[u8]>, bool) {
        match split_qname(qname).0 {
            None => {
                let d = self.default_ns();
                (if d.is_empty() { None } else { Some(d) }, true)
            }
            Some(p) => {
                let ns = self.prefix_ns(p);
                (ns, ns.is_some())
            }
        }
    }

    /// Whether an element name is in namespace `ns` (the reader caches this per scope).
    #[cfg(test)]
    pub(crate) fn element_in(&self, qname: &[u8], ns: &[u8]) -> bool {
        match split_qname(qname).0 {
            None => self.default_ns() == ns,
            Some(p) => self.prefix_ns(p) == Some(ns),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(text: &str) -> BytesStart<'_> {
        let (name, _) = text.split_once(' ').unwrap_or((text, ""));
        BytesStart::from_content(text, name.len())
    }

    #[test]
    fn scopes_nest_and_unwind() {
        let mut s = Scopes::default();
        assert_eq!(s.enter(&start("a xmlns=\"urn:a\" xmlns:p=\"urn:p\""), b""), Ok(true));
        assert!(s.element_in(b"x", b"urn:a"));
        assert!(s.element_in(b"p:x", b"urn:p"));
        assert_eq!(s.enter(&start("b xmlns=\"\" xmlns:p=\"urn:q\""), b""), Ok(true));
        assert!(s.element_in(b"x", b""));
        assert_eq!(s.element_ns(b"x"), (None, true));
        assert!(s.element_in(b"p:x", b"urn:q"));
        assert_eq!(s.enter(&start("c"), b""), Ok(false));
        assert!(s.element_in(b"p:x", b"urn:q"));
        assert!(!s.leave());
        assert!(s.leave());
        assert!(s.element_in(b"x", b"urn:a"));
        assert!(s.element_in(b"p:x", b"urn:p"));
        assert_eq!(s.element_ns(b"z:x"), (None, false));
        assert!(s.element_in(b"xml:x", XML_NS));
        assert!(s.leave());
        assert_eq!(s.default_ns(), b"");
    }

    #[test]
    fn declarations_are_unescaped_and_reserved_prefixes_guarded() {
        let mut s = Scopes::default();
        assert_eq!(s.enter(&start("a xmlns='urn:a&amp;b'"), b""), Ok(true));
        assert_eq!(s.default_ns(), b"urn:a&b");
        assert!(s.enter(&start("b xmlns:xml='urn:x'"), b"").is_err());
        assert!(s.enter(&start("b xmlns:xmlns='urn:x'"), b"").is_err());
        assert!(s.enter(&start("b xmlns:p='http://www.w3.org/XML/1998/namespace'"), b"").is_err());
        assert_eq!(s.enter(&start("b xmlns:xml='http://www.w3.org/XML/1998/namespace'"), b""), Ok(false));
        // `xmlnsfoo` is an ordinary attribute.
        assert_eq!(s.enter(&start("b xmlnsfoo='urn:y'"), b""), Ok(false));
        assert_eq!(s.default_ns(), b"urn:a&b");
    }

    #[test]
    fn declarations_in_the_input_are_borrowed_others_copied() {
        let src = "a xmlns='urn:a' xmlns:p=\"urn:p\" xmlns:q='urn:&amp;q'";
        let mut s = Scopes::default();
        assert_eq!(s.enter(&start(src), src.as_bytes()), Ok(true));
        let kinds: Vec<(bool, bool)> = s
            .bindings
            .iter()
            .map(|b| (matches!(b.prefix, Cow::Borrowed(_)), matches!(b.uri, Cow::Borrowed(_))))
            .collect();
        // The default's empty prefix is not in the input; `urn:&amp;q` is unescaped.
        assert_eq!(kinds, [(false, true), (true, true), (true, false)]);
        assert_eq!(s.default_ns(), b"urn:a");
        assert_eq!(s.prefix_ns(b"p"), Some(&b"urn:p"[..]));
        assert_eq!(s.prefix_ns(b"q"), Some(&b"urn:&q"[..]));
        s.declare(b"r", b"urn:r").unwrap_or_default();
        assert_eq!(s.prefix_ns(b"r"), Some(&b"urn:r"[..]));
    }

    /// `attributes` yields what quick-xml's checked iterator yields, the same first error
    /// included, over duplicates (with and without a malformed value after them), malformed
    /// attributes and well-formed ones.
    #[test]
    fn attributes_iterate_as_quick_xml_checks_them() {
        let tails = [
            "",
            " a='1'",
            " a='1' b=\"2\"",
            " a='1' a='2'",
            " a='1' b='2' a='3'",
            " a='1' a=3",
            " a='1' a",
            " a='1' a=",
            " a='1' a='3",
            " a='1' b=x a='2'",
            " a=x",
            " a",
            " a='1'b='2'",
            " a = '1'  b\t=\n'2' ",
            " p:a='1' q:a='2' p:a='3'",
            " xmlns='urn:a' xmlns='urn:b'",
            " a='&amp;' b='&lt;'",
            " a='1' A='2' a ='3'",
        ];
        for tail in tails {
            let text = format!("e{tail}");
            let e = BytesStart::from_content(text.as_str(), 1);
            let ours: Vec<String> = attributes(&e).map(|a| format!("{a:?}")).collect();
            let theirs: Vec<String> = e.attributes().map(|a| format!("{a:?}")).collect();
            // quick-xml's checked iterator goes on after an error; every caller stops at the
            // first, so the items up to and including the first error must agree.
            let upto = |v: &[String]| {
                let end = v.iter().position(|a| a.starts_with("Err")).map_or(v.len(), |i| i + 1);
                v[..end].to_vec()
            };
            assert_eq!(upto(&ours), upto(&theirs), "{tail}");
        }
    }

    /// Where `plain_attributes` reads a tag's attributes, quick-xml's checked iterator reads
    /// them without error, to the same keys and (unescaped) values in the same order; and it
    /// leaves every tag quick-xml refuses, and every reference, to quick-xml.
    #[test]
    fn plain_attributes_read_as_quick_xml_does() {
        let plain = [
            "",
            " ",
            " a='1'",
            " a='1' b=\"2\"",
            " xmlns='urn:a'",
            " xmlns=\"urn:swift:xsd:envelope\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
            " xmlns:head='urn:iso:std:iso:20022:tech:xsd:head.001.001.02'",
            " a=''",
            " a='x y' b='\"' c=\"'\"",
            " a='1'\t\n\r b='2'  ",
            " p:a='1' q:a='2'",
            " a='Ünïcødé ✓'",
            " _a.b-c='1'",
            " a1='1' a2='2' a3='3' a4='4' a5='5' a6='6' a7='7' a8='8'",
        ];
        let not_plain = [
            " a='1' a='2'",
            " a='1' b='2' a='3'",
            " xmlns='urn:a' xmlns='urn:b'",
            " a=3",
            " a",
            " a=",
            " a='3",
            " a='1'b='2'",
            " a = '1'",
            " a= '1'",
            " a ='1'",
            " a='&amp;'",
            " a='<'",
            " a='\t'",
            " 1a='1'",
            " -a='1'",
            " ä='1'",
            " a1='1' a2='2' a3='3' a4='4' a5='5' a6='6' a7='7' a8='8' a9='9' a1='0'",
        ];
        // As many attributes as are read in one pass, and one more.
        let many = |n: usize| (0..n).map(|i| format!(" a{i}='{i}'")).collect::<String>();
        let (sixteen, seventeen) = (many(16), many(17));
        let plain = plain.iter().copied().chain([sixteen.as_str()]);
        let not_plain = not_plain.iter().copied().chain([seventeen.as_str()]);
        for (tail, expect_plain) in plain.map(|t| (t, true)).chain(not_plain.map(|t| (t, false))) {
            let text = format!("e{tail}");
            let e = BytesStart::from_content(text.as_str(), 1);
            let ours = plain_attributes(e.attributes_raw());
            assert_eq!(ours.is_some(), expect_plain, "{tail:?}");
            let Some(ours) = ours else { continue };
            let theirs: Vec<(Vec<u8>, Vec<u8>)> = e
                .attributes()
                .map(|a| {
                    let a = a.unwrap_or_else(|err| panic!("{tail:?}: quick-xml refuses: {err}"));
                    let value = a.unescape_value().unwrap_or_else(|err| panic!("{tail:?}: {err}")).into_owned();
                    (a.key.as_ref().to_vec(), value.into_bytes())
                })
                .collect();
            let ours: Vec<(Vec<u8>, Vec<u8>)> = ours.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
            assert_eq!(ours, theirs, "{tail:?}");
        }
    }
}

//! [`Text`]: the value of a restricted string type, kept inline when short (most ISO 20022
//! values: codes, BICs, most IBANs, names and references) and on the heap otherwise, so that
//! reading a document does not allocate once per value. The representation is `compact_str`'s
//! (a well-kept crate: up to 24 bytes inline in a `String`'s 24 bytes, `Option<Text>` too).

use compact_str::CompactString;

/// `bytes` as text, as [`std::str::from_utf8`] gives it (its error says where the bytes stop
/// being UTF-8). Checked by `simdutf8` (a well-kept crate: a vector at a time, several times
/// std's speed on ASCII); std's check only finds where an invalid input goes wrong.
#[inline]
pub fn from_utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes))
}

/// A string value: up to 24 bytes inline, longer ones on the heap. It behaves as the `str` it
/// holds (equality, order, hash and `Debug` are the string's).
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(CompactString);

impl Text {
    /// A copy of `s` (inline when short).
    #[inline]
    pub fn new(s: &str) -> Self {
        Text(CompactString::new(s))
    }

    /// The string.
    #[inline]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The string, owned (a short one is copied into a new `String`).
    pub fn into_string(self) -> String {
        self.0.into_string()
    }
}

impl From<String> for Text {
    /// A short string is copied inline; a long one keeps its allocation.
    fn from(s: String) -> Self {
        Text(CompactString::from(s))
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// A string value of a type whose facets bound it to at most `N` bytes (its patterns cannot
/// match anything longer: a UUID's 36, an IBAN's 34), for `N` past [`Text`]'s 24 inline
/// bytes: inline up to `N` bytes, so that such a value is read without a `malloc`. A longer
/// string (only a value the facets were not checked on, or a generator's bound that was
/// wrong) is kept on the heap, never cut. It behaves as the `str` it holds, as [`Text`] does.
#[derive(Clone)]
pub struct BoundedText<const N: usize>(Bounded<N>);

#[derive(Clone)]
enum Bounded<const N: usize> {
    Inline { len: u8, bytes: [u8; N] },
    Heap(Box<str>),
}

impl<const N: usize> BoundedText<N> {
    /// A copy of `s` (inline when at most `N` bytes).
    #[inline]
    pub fn new(s: &str) -> Self {
        let mut bytes = [0u8; N];
        match (bytes.get_mut(..s.len()), u8::try_from(s.len())) {
            (Some(inline), Ok(len)) => {
                inline.copy_from_slice(s.as_bytes());
                BoundedText(Bounded::Inline { len, bytes })
            }
            _ => BoundedText(Bounded::Heap(s.into())),
        }
    }

    /// The string.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid UTF-8 (a copy of a `str`); checked rather than assumed.
            Bounded::Inline { len, bytes } => {
                bytes.get(..usize::from(*len)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default()
            }
            Bounded::Heap(s) => s,
        }
    }

    /// The string, owned.
    pub fn into_string(self) -> String {
        match self.0 {
            Bounded::Heap(s) => s.into_string(),
            Bounded::Inline { .. } => self.as_str().to_owned(),
        }
    }
}

impl<const N: usize> Default for BoundedText<N> {
    fn default() -> Self {
        BoundedText(Bounded::Inline { len: 0, bytes: [0u8; N] })
    }
}

impl<const N: usize> From<String> for BoundedText<N> {
    /// A short string is copied inline; a long one keeps its allocation.
    fn from(s: String) -> Self {
        if s.len() <= N { Self::new(&s) } else { BoundedText(Bounded::Heap(s.into_boxed_str())) }
    }
}

impl<const N: usize> PartialEq for BoundedText<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<const N: usize> Eq for BoundedText<N> {}

impl<const N: usize> PartialOrd for BoundedText<N> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<const N: usize> Ord for BoundedText<N> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl<const N: usize> std::hash::Hash for BoundedText<N> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl<const N: usize> std::fmt::Debug for BoundedText<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    fn hash<T: Hash + ?Sized>(v: &T) -> u64 {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    #[test]
    fn behaves_as_the_string_it_holds_inline_or_not() {
        let long = "x".repeat(25);
        let cases = [
            "",
            "a",
            "DE",
            "COBADEFFXXX",
            "DE89370400440532013000",
            "é€😀 ünïcödé",
            &long,
            "FR1420041010050500013M02606",
        ];
        for s in cases {
            for t in [Text::new(s), Text::from(s.to_owned())] {
                assert_eq!(t.as_str(), s);
                assert_eq!(format!("{t:?}"), format!("{s:?}"));
                assert_eq!(hash(&t), hash(s));
                assert_eq!(t.clone().into_string(), s);
                assert_eq!(t.0.is_heap_allocated(), s.len() > 24, "{s}");
            }
        }
        let mut sorted: Vec<Text> = cases.iter().map(|s| Text::new(s)).collect();
        sorted.sort();
        let mut want: Vec<&str> = cases.to_vec();
        want.sort();
        assert_eq!(sorted.iter().map(Text::as_str).collect::<Vec<_>>(), want);
        assert_eq!(Text::default(), Text::new(""));
        assert_eq!(std::mem::size_of::<Text>(), std::mem::size_of::<String>());
        assert_eq!(std::mem::size_of::<Option<Text>>(), std::mem::size_of::<String>());
    }

    #[test]
    fn bounded_text_behaves_as_the_string_it_holds_inline_up_to_its_bound() {
        let long = "x".repeat(37);
        let cases = [
            "",
            "a",
            "8a562c67-ca16-48ba-b074-65581be6f011",
            "FR1420041010050500013M02606",
            "é€😀 ünïcödé ünïcödé",
            &long,
            "DE89370400440532013000",
        ];
        for s in cases {
            for t in [BoundedText::<36>::new(s), BoundedText::<36>::from(s.to_owned())] {
                assert_eq!(t.as_str(), s);
                assert_eq!(format!("{t:?}"), format!("{s:?}"));
                assert_eq!(hash(&t), hash(s));
                assert_eq!(t.clone().into_string(), s);
                assert_eq!(matches!(t.0, Bounded::Heap(_)), s.len() > 36, "{s}");
                assert_eq!(t, BoundedText::new(s));
            }
        }
        let mut sorted: Vec<BoundedText<36>> = cases.iter().map(|s| BoundedText::new(s)).collect();
        sorted.sort();
        let mut want: Vec<&str> = cases.to_vec();
        want.sort();
        assert_eq!(sorted.iter().map(BoundedText::as_str).collect::<Vec<_>>(), want);
        assert_eq!(BoundedText::<36>::default(), BoundedText::new(""));
        assert_ne!(BoundedText::<36>::new("a"), BoundedText::new("b"));
        assert!(std::mem::size_of::<Option<BoundedText<36>>>() <= 40);
    }
}

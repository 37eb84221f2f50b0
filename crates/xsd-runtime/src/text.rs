//! [`Text`]: the value of a restricted string type, kept inline when short (most ISO 20022
//! values: codes, BICs, most IBANs, names and references) and on the heap otherwise, so that
//! reading a document does not allocate once per value.
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// Bytes kept inline: the most a 24-byte value (a `String`'s size) holds beside its length
/// and its kind.
const INLINE: usize = 22;

/// A string value: up to 22 bytes inline, longer ones in one heap allocation of exactly their
/// length. It behaves as the `str` it holds (equality, order, hash and `Debug` are the
/// string's).
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Text {
    /// A copy of `s` (inline when short).
    #[inline]
    pub fn new(s: &str) -> Self {
        let mut bytes = [0u8; INLINE];
        match (bytes.get_mut(..s.len()), u8::try_from(s.len())) {
            (Some(head), Ok(len)) => {
                head.copy_from_slice(s.as_bytes());
                Text(Repr::Inline { len, bytes })
            }
            _ => Text(Repr::Heap(s.into())),
        }
    }

    /// The string.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always a whole `str` copied in `new`, so valid UTF-8.
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(bytes.get(..usize::from(*len)).unwrap_or_default()).unwrap_or_default()
            }
            Repr::Heap(s) => s,
        }
    }

    /// The string, owned.
    pub fn into_string(self) -> String {
        match self.0 {
            Repr::Heap(s) => s.into_string(),
            Repr::Inline { .. } => self.as_str().to_owned(),
        }
    }
}

impl From<String> for Text {
    /// Short strings are copied inline; a long one keeps its allocation (shrunk to fit).
    fn from(s: String) -> Self {
        if s.len() <= INLINE { Text::new(&s) } else { Text(Repr::Heap(s.into_boxed_str())) }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text(Repr::Inline { len: 0, bytes: [0; INLINE] })
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn hash<T: Hash + ?Sized>(v: &T) -> u64 {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    #[test]
    fn behaves_as_the_string_it_holds_inline_or_not() {
        let long = "x".repeat(INLINE + 1);
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
                assert_eq!(matches!(t.0, Repr::Inline { .. }), s.len() <= INLINE, "{s}");
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
}

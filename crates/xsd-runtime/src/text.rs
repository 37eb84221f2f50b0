//! [`Text`]: the value of a restricted string type, kept inline when short (most ISO 20022
//! values: codes, BICs, most IBANs, names and references) and on the heap otherwise, so that
//! reading a document does not allocate once per value. The representation is `compact_str`'s
//! (a well-kept crate: up to 24 bytes inline in a `String`'s 24 bytes, `Option<Text>` too).

use compact_str::CompactString;

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
}

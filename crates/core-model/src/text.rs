//! Bounded text: ISO 20022's `MaxNText` types, and the identifier newtypes built on them.

use std::fmt;

use crate::error::InvalidValue;

/// Text of 1 to `N` characters (Unicode scalar values, as XSD counts length) with no control
/// characters other than tab, line feed and carriage return — the ones XML 1.0 can carry.
/// `Text<35>` is ISO 20022's `Max35Text`, `Text<140>` its `Max140Text`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Text<const N: usize>(Box<str>);

impl<const N: usize> Text<N> {
    /// The maximum length in characters.
    pub const MAX: usize = N;

    /// Accept `text` if it is 1 to `N` characters long and free of control characters.
    pub fn new(text: impl Into<String>) -> Result<Self, InvalidValue> {
        let text = text.into();
        check_text(&text, N)?;
        Ok(Self(text.into_boxed_str()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Length in characters.
    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }

    /// The same text in a type with another bound; `None` when it is too long for it.
    pub fn fit<const M: usize>(&self) -> Option<Text<M>> {
        (self.char_count() <= M).then(|| Text(self.0.clone()))
    }

    /// The first `M` characters of the text, and whether anything was cut.
    pub fn truncate<const M: usize>(&self) -> (Text<M>, bool) {
        match self.fit::<M>() {
            Some(text) => (text, false),
            None => (Text(self.0.chars().take(M).collect::<String>().into_boxed_str()), true),
        }
    }
}

/// Check ISO text rules: 1..=max characters, no control characters but tab, LF and CR.
pub(crate) fn check_text(text: &str, max: usize) -> Result<(), InvalidValue> {
    if text.is_empty() {
        return Err(InvalidValue::new("text", "must not be empty"));
    }
    let count = text.chars().count();
    if count > max {
        return Err(InvalidValue::new("text", format!("{count} characters; at most {max} are allowed")));
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(InvalidValue::new("text", format!("control character U+{:04X} is not allowed", u32::from(c))));
    }
    Ok(())
}

impl<const N: usize> fmt::Debug for Text<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl<const N: usize> fmt::Display for Text<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const N: usize> TryFrom<String> for Text<N> {
    type Error = InvalidValue;
    fn try_from(text: String) -> Result<Self, InvalidValue> {
        Self::new(text)
    }
}

impl<const N: usize> TryFrom<&str> for Text<N> {
    type Error = InvalidValue;
    fn try_from(text: &str) -> Result<Self, InvalidValue> {
        Self::new(text)
    }
}

/// Written as the text, borrowed (no `String` is built).
impl<const N: usize> serde::Serialize for Text<N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<const N: usize> From<Text<N>> for String {
    fn from(text: Text<N>) -> String {
        text.0.into_string()
    }
}

impl<const N: usize> std::str::FromStr for Text<N> {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        Self::new(text)
    }
}

/// ISO 20022 `Max35Text`.
pub type Max35Text = Text<35>;
/// ISO 20022 `Max70Text`.
pub type Max70Text = Text<70>;
/// ISO 20022 `Max140Text`.
pub type Max140Text = Text<140>;

macro_rules! max35_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(Text<35>);

        impl $name {
            /// Accept an identifier of 1 to 35 characters.
            pub fn new(id: impl Into<String>) -> Result<Self, InvalidValue> {
                Text::new(id).map(Self).map_err(|e| InvalidValue::new($what, e.reason().to_owned()))
            }

            /// The identifier.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(id: String) -> Result<Self, InvalidValue> {
                Self::new(id)
            }
        }

        /// Written as the identifier, borrowed (no `String` is built).
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.into()
            }
        }

        impl From<Text<35>> for $name {
            fn from(text: Text<35>) -> Self {
                Self(text)
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidValue;
            fn from_str(id: &str) -> Result<Self, InvalidValue> {
                Self::new(id)
            }
        }
    };
}

max35_id!(
    /// A message's identification, unique for its sender (`GrpHdr/MsgId`).
    MessageId, "message id"
);
max35_id!(
    /// A payment-information block's identification (`PmtInf/PmtInfId`).
    PaymentInfoId, "payment information id"
);
max35_id!(
    /// The instructing party's reference for one instruction (`PmtId/InstrId`).
    InstructionId, "instruction id"
);
max35_id!(
    /// The originator's reference, passed unchanged along the whole chain (`PmtId/EndToEndId`).
    EndToEndId, "end-to-end id"
);
max35_id!(
    /// The first instructing agent's reference for the interbank transaction (`PmtId/TxId`).
    TransactionId, "transaction id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters() {
        assert!(Text::<3>::new("äöü").is_ok());
        assert!(Text::<3>::new("äöüß").is_err());
        assert!(Text::<3>::new("").is_err());
        assert!(Max35Text::new("a\u{0}b").is_err());
        assert!(Max35Text::new("line\nbreak").is_ok());
    }

    #[test]
    fn truncate_reports_the_cut() {
        let long = Max140Text::new("x".repeat(40)).unwrap_or_else(|e| panic!("{e}"));
        let (short, cut) = long.truncate::<35>();
        assert!(cut);
        assert_eq!(short.char_count(), 35);
        assert!(long.fit::<35>().is_none());
    }

    #[test]
    fn ids_are_distinct_types_with_limits() {
        assert!(EndToEndId::new("E2E-1").is_ok());
        let err = EndToEndId::new("x".repeat(36)).err();
        assert!(err.is_some_and(|e| e.what() == "end-to-end id"));
    }
}

//! Losses: values that a translation could not carry, reported instead of dropped silently.

use std::fmt;

/// How a value was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// The value was not carried at all.
    Dropped,
    /// The value was shortened to fit (a 140-character remittance into an 18-character field).
    Truncated,
    /// The value was carried in a less exact form (a structured address as address lines).
    Approximated,
}

impl LossKind {
    /// A stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dropped => "dropped",
            Self::Truncated => "truncated",
            Self::Approximated => "approximated",
        }
    }
}

/// One value a decoder or encoder could not carry: where it was, how it was lost, and what it
/// was (described, never an unmasked account number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Loss {
    /// Where the value was: a path in the input (decode) or in the canonical model (encode).
    pub path: String,
    /// How it was lost.
    pub kind: LossKind,
    /// What was lost and why, in a few words.
    pub detail: String,
}

impl Loss {
    /// A value at `path` was not carried.
    pub fn dropped(path: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { path: path.into(), kind: LossKind::Dropped, detail: detail.into() }
    }

    /// A value at `path` was shortened.
    pub fn truncated(path: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { path: path.into(), kind: LossKind::Truncated, detail: detail.into() }
    }

    /// A value at `path` was carried less exactly.
    pub fn approximated(path: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { path: path.into(), kind: LossKind::Approximated, detail: detail.into() }
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.kind.as_str(), self.path, self.detail)
    }
}

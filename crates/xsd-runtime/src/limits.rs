//! Input limits applied by every reader: bytes, depth, string length, repeat counts.

/// Bounds on what a reader accepts. The defaults are safe for untrusted input; raise them
/// deliberately (e.g. `max_bytes` for large statements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum input size in bytes (default 64 MiB).
    pub max_bytes: usize,
    /// Maximum element nesting depth, envelopes included (default 64; ISO 20022 documents
    /// nest about 15 deep).
    pub max_depth: usize,
    /// Maximum length in bytes of one text or attribute value, or of one `xs:any` fragment
    /// (default 1 MiB).
    pub max_string_len: usize,
    /// Maximum occurrences of one repeated element under one parent (default 1,000,000).
    pub max_repeats: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 64 << 20, max_depth: 64, max_string_len: 1 << 20, max_repeats: 1_000_000 }
    }
}

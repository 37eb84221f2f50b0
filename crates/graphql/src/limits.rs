//! Limits on GraphQL requests, and the checks that run before async-graphql sees a document:
//! size, nesting (a linear pre-scan, so a depth-1,000 document never reaches the recursive
//! parser), and, over the parsed document, fragment cycles, the size of the document once
//! fragments are expanded (a fragment "bomb" is exponential), and the number of aliases
//! (async-graphql has no alias limit). Depth and complexity are async-graphql's own limits,
//! configured from the same [`Limits`].

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::parser::{Pos, Positioned};
use payglot_core_model::outcome::Condition;

/// Bounds on every request the schema executes. The defaults suit a public payments API.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest HTTP body (query, variables and all), in bytes. Default: 256 KiB.
    pub max_request_bytes: usize,
    /// Largest query document, in bytes. Default: 32 KiB.
    pub max_document_bytes: usize,
    /// Deepest nesting of `{`, `[` and `(` in the document text. Default: 32.
    pub max_nesting: usize,
    /// Deepest selection (async-graphql's depth limit). Default: 12.
    pub max_depth: usize,
    /// Largest complexity (async-graphql's; each field counts 1, connections count `first`
    /// times their nodes). Default: 1,000.
    pub max_complexity: usize,
    /// Most aliased fields, fragments expanded. Default: 30.
    pub max_aliases: usize,
    /// Most fields once fragments are expanded. Default: 2,000.
    pub max_expanded_fields: usize,
    /// Whether `__schema` and `__type` may be queried. Default: true.
    pub introspection: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_request_bytes: 256 << 10,
            max_document_bytes: 32 << 10,
            max_nesting: 32,
            max_depth: 12,
            max_complexity: 1_000,
            max_aliases: 30,
            max_expanded_fields: 2_000,
            introspection: true,
        }
    }
}

impl Limits {
    /// The defaults with introspection switched off (for production).
    pub fn without_introspection() -> Self {
        Self { introspection: false, ..Self::default() }
    }
}

/// A document refused before execution: the condition (for the outcome table), a message,
/// and where in the document, when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError {
    /// Which outcome the refusal maps to.
    pub condition: Condition,
    /// What was wrong.
    pub message: String,
    /// Where, when known.
    pub pos: Option<Pos>,
}

impl DocumentError {
    fn new(condition: Condition, message: impl Into<String>, pos: Option<Pos>) -> Self {
        Self { condition, message: message.into(), pos }
    }
}

/// Check the size and nesting of a query document, parse it, and check fragments and aliases.
pub fn check_document(query: &str, limits: &Limits) -> Result<ExecutableDocument, DocumentError> {
    if query.len() > limits.max_document_bytes {
        return Err(DocumentError::new(
            Condition::PayloadTooLarge,
            format!("the query document is {} bytes; the limit is {}", query.len(), limits.max_document_bytes),
            None,
        ));
    }
    check_nesting(query, limits.max_nesting)?;
    let document = async_graphql::parser::parse_query(query).map_err(|e| {
        let pos = e.positions().next();
        DocumentError::new(Condition::MalformedRequest, format!("syntax error: {e}"), pos)
    })?;
    let counts = expanded_counts(&document, limits)?;
    if counts.aliases > limits.max_aliases {
        return Err(DocumentError::new(
            Condition::InvalidRequest,
            format!("the query uses {} aliases; the limit is {}", counts.aliases, limits.max_aliases),
            None,
        ));
    }
    Ok(document)
}

/// The deepest nesting of brackets in a GraphQL document, ignoring strings and comments; fails
/// at the first bracket past `max`.
pub fn check_nesting(query: &str, max: usize) -> Result<(), DocumentError> {
    let bytes = query.as_bytes();
    let mut depth = 0usize;
    let mut index = 0usize;
    let mut line = 1usize;
    let mut line_start = 0usize;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'\n' => {
                line += 1;
                line_start = index + 1;
            }
            b'#' => {
                while bytes.get(index).is_some_and(|&b| b != b'\n') {
                    index += 1;
                }
                continue;
            }
            b'"' => {
                let block = bytes.get(index..index + 3) == Some(b"\"\"\"");
                index += if block { 3 } else { 1 };
                while let Some(&b) = bytes.get(index) {
                    if b == b'\\' {
                        index += 2;
                        continue;
                    }
                    if block && bytes.get(index..index + 3) == Some(b"\"\"\"") {
                        index += 3;
                        break;
                    }
                    if !block && b == b'"' {
                        index += 1;
                        break;
                    }
                    if b == b'\n' {
                        line += 1;
                        line_start = index + 1;
                    }
                    index += 1;
                }
                continue;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max {
                    let column = query.get(line_start..index).map_or(0, |s| s.chars().count()) + 1;
                    return Err(DocumentError::new(
                        Condition::InvalidRequest,
                        format!("the query nests deeper than {max} levels"),
                        Some(Pos { line, column }),
                    ));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        index += 1;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    fields: usize,
    aliases: usize,
}

/// Fields and aliases of the whole document with every fragment spread expanded, computed
/// once per fragment (memoised), refusing cycles and sizes past the limit.
fn expanded_counts(document: &ExecutableDocument, limits: &Limits) -> Result<Counts, DocumentError> {
    let mut state = Expansion { document, limits, memo: HashMap::new(), visiting: Vec::new() };
    let mut total = Counts::default();
    for (_, operation) in document.operations.iter() {
        let counts = state.selection_set(&operation.node.selection_set)?;
        total = state.add(total, counts, operation.pos)?;
    }
    Ok(total)
}

struct Expansion<'a> {
    document: &'a ExecutableDocument,
    limits: &'a Limits,
    memo: HashMap<&'a str, Counts>,
    visiting: Vec<&'a str>,
}

impl<'a> Expansion<'a> {
    fn add(&self, a: Counts, b: Counts, pos: Pos) -> Result<Counts, DocumentError> {
        let fields = a.fields.saturating_add(b.fields);
        if fields > self.limits.max_expanded_fields {
            return Err(DocumentError::new(
                Condition::InvalidRequest,
                format!(
                    "the query selects more than {} fields once fragments are expanded",
                    self.limits.max_expanded_fields
                ),
                Some(pos),
            ));
        }
        Ok(Counts { fields, aliases: a.aliases.saturating_add(b.aliases) })
    }

    fn selection_set(&mut self, set: &'a Positioned<SelectionSet>) -> Result<Counts, DocumentError> {
        let mut counts = Counts::default();
        for selection in &set.node.items {
            let inner = match &selection.node {
                Selection::Field(field) => {
                    let own = Counts { fields: 1, aliases: usize::from(field.node.alias.is_some()) };
                    let children = self.selection_set(&field.node.selection_set)?;
                    self.add(own, children, selection.pos)?
                }
                Selection::InlineFragment(fragment) => self.selection_set(&fragment.node.selection_set)?,
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str(), selection.pos)?
                }
            };
            counts = self.add(counts, inner, selection.pos)?;
        }
        Ok(counts)
    }

    fn fragment(&mut self, name: &'a str, pos: Pos) -> Result<Counts, DocumentError> {
        if let Some(counts) = self.memo.get(name) {
            return Ok(*counts);
        }
        if self.visiting.contains(&name) {
            return Err(DocumentError::new(
                Condition::InvalidRequest,
                format!("fragment cycle: {} -> {name}", self.visiting.join(" -> ")),
                Some(pos),
            ));
        }
        let Some((key, definition)) = self.document.fragments.get_key_value(name) else {
            return Err(DocumentError::new(Condition::InvalidRequest, format!("unknown fragment `{name}`"), Some(pos)));
        };
        self.visiting.push(key.as_str());
        let counts = self.selection_set(&definition.node.selection_set);
        self.visiting.pop();
        let counts = counts?;
        self.memo.insert(key.as_str(), counts);
        Ok(counts)
    }
}

//! The intermediate representation: plain data between `lower` and `emit`.
//!
//! Everything here is resolved: type references name a type of the same schema or a built-in,
//! nested anonymous groups and types have been given names, and facets are collected per
//! derivation step. `Debug` output of these types is what the IR snapshot tests pin.

/// One lowered schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// File name of the XSD (no directory), e.g. `pacs.008.001.08.xsd`.
    pub file: String,
    /// Hex sha256 of the XSD bytes as read.
    pub sha256: String,
    /// Module name, e.g. `pacs_008_001_08`.
    pub module: String,
    /// `targetNamespace`, if any.
    pub target_namespace: Option<String>,
    /// Global elements: the roots a document may start with.
    pub roots: Vec<Root>,
    /// All types, sorted by Rust name.
    pub types: Vec<TypeDef>,
}

/// A global element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// Element local name, e.g. `Document`.
    pub element: String,
    /// Rust name of its complex type.
    pub type_name: String,
}

/// XSD built-in simple types that the generator maps to Rust types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Builtin {
    /// `xs:string` (and `normalizedString`, `token`: kept as written).
    String,
    /// `xs:decimal` → `rust_decimal::Decimal`.
    Decimal,
    /// `xs:integer` and its derivations → `Decimal` with zero scale checked.
    Integer,
    /// `xs:boolean` → `bool`.
    Boolean,
    /// `xs:date`.
    Date,
    /// `xs:dateTime`.
    DateTime,
    /// `xs:time`.
    Time,
    /// `xs:gYearMonth`.
    GYearMonth,
    /// `xs:gYear`.
    GYear,
    /// `xs:base64Binary` (kept as its lexical text).
    Base64Binary,
    /// `xs:anyURI` (kept as text).
    AnyUri,
}

/// A reference to a type: a built-in or a type of the same schema (by Rust name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// A built-in simple type.
    Builtin(Builtin),
    /// A named type of the schema (Rust name).
    Named(String),
}

/// A type definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeDef {
    /// A simple type.
    Simple(SimpleDef),
    /// A complex type (or a synthetic group type).
    Complex(ComplexDef),
}

impl TypeDef {
    /// The Rust name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Simple(s) => &s.name,
            TypeDef::Complex(c) => &c.name,
        }
    }
}

/// A simple type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleDef {
    /// Rust name.
    pub name: String,
    /// XSD name (`None` for anonymous types).
    pub xsd_name: Option<String>,
    /// What it is.
    pub kind: SimpleKind,
}

/// The shape of a simple type after collecting all restriction steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimpleKind {
    /// No facets: a plain alias of a built-in.
    Alias(Builtin),
    /// A string with facets.
    String(StringFacets),
    /// An enumeration of string values (a Rust enum).
    Enumeration(Vec<String>),
    /// A decimal (or integer) with facets.
    Decimal {
        /// `true` when derived from `xs:integer`.
        integer: bool,
        /// The facets.
        facets: DecimalFacets,
    },
}

/// Facets on a string-like type. Lengths count characters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StringFacets {
    /// `minLength` (or `length`).
    pub min_length: Option<u64>,
    /// `maxLength` (or `length`).
    pub max_length: Option<u64>,
    /// Pattern groups: within a group the patterns are alternatives (one restriction step);
    /// every group must match (successive derivation steps).
    pub patterns: Vec<Vec<String>>,
    /// The built-in the string derives from (string, base64Binary, anyURI...).
    pub base: Option<Builtin>,
}

/// Facets on a decimal type. Bounds are kept as their XSD lexical form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecimalFacets {
    /// `totalDigits`.
    pub total_digits: Option<u32>,
    /// `fractionDigits`.
    pub fraction_digits: Option<u32>,
    /// `minInclusive`.
    pub min_inclusive: Option<String>,
    /// `maxInclusive`.
    pub max_inclusive: Option<String>,
    /// `minExclusive`.
    pub min_exclusive: Option<String>,
    /// `maxExclusive`.
    pub max_exclusive: Option<String>,
    /// Patterns (rare on decimals; checked on the lexical form).
    pub patterns: Vec<Vec<String>>,
}

/// A complex type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplexDef {
    /// Rust name.
    pub name: String,
    /// XSD name (`None` for anonymous and synthetic group types).
    pub xsd_name: Option<String>,
    /// Attributes (declared ones only; `xmlns` and `xsi:schemaLocation` are always allowed).
    pub attributes: Vec<Attribute>,
    /// Content model.
    pub content: Content,
}

/// An attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Local name (unqualified).
    pub name: String,
    /// Rust field name.
    pub field: String,
    /// Its simple type.
    pub ty: TypeRef,
    /// `use="required"`.
    pub required: bool,
}

/// Content of a complex type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// No content (attributes only).
    Empty,
    /// `simpleContent`: text of this simple type.
    Simple(TypeRef),
    /// A sequence: a struct whose fields are read in order.
    Sequence(Vec<Particle>),
    /// A choice: an enum, exactly one branch.
    Choice(Vec<Particle>),
}

/// How often a particle may occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurs {
    /// `minOccurs`.
    pub min: u32,
    /// `maxOccurs`; `None` = unbounded.
    pub max: Option<u32>,
}

impl Occurs {
    /// Exactly once.
    pub const ONE: Occurs = Occurs { min: 1, max: Some(1) };
    /// `true` when more than one occurrence is allowed.
    pub fn repeated(&self) -> bool {
        self.max != Some(1)
    }
}

/// One particle of a sequence or choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Particle {
    /// Rust field (or variant, snake case) name.
    pub field: String,
    /// Occurrence bounds.
    pub occurs: Occurs,
    /// What occurs.
    pub term: Term,
}

/// The term of a particle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A child element.
    Element {
        /// Local name.
        name: String,
        /// Its type.
        ty: TypeRef,
        /// `true` when the field must be boxed (the type is recursive through this field).
        boxed: bool,
    },
    /// A nested group lowered to a synthetic complex type, read inline (no element of its own).
    Group {
        /// Rust name of the synthetic type.
        ty: String,
        /// Element names that can start the group.
        first: Vec<String>,
    },
    /// `xs:any`: one element of any namespace, kept as raw XML.
    Any,
}

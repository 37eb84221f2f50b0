//! Stage 2 (lower): the XSD element tree → [`ir::Schema`]. Resolves references, collects
//! facets across restriction steps, names anonymous types and nested groups, finds recursion.
use crate::Error;
use crate::ir::*;
use crate::names;
use crate::parse::{Node, XS_NS};
use std::collections::{BTreeMap, BTreeSet};

struct Lowerer<'a> {
    target_ns: String,
    simple: BTreeMap<String, &'a Node>,
    complex: BTreeMap<String, &'a Node>,
    elements: BTreeMap<String, &'a Node>,
    out: BTreeMap<String, TypeDef>,
    in_progress: BTreeSet<String>,
    rust_names: BTreeMap<String, String>,
}

/// Lower a parsed schema. `file` is the XSD's file name, `sha256` the hex digest of its bytes.
pub fn lower(root: &Node, file: &str, sha256: &str) -> Result<Schema, Error> {
    if !root.is_xs("schema") {
        return Err(Error::new(format!("{file}: root element is not xs:schema")));
    }
    let target_ns = root.attr("targetNamespace").map(str::to_string);
    if root.attr("elementFormDefault") != Some("qualified") && has_local_elements(root) {
        return Err(Error::new(format!("{file}: elementFormDefault=\"unqualified\" local elements are not supported")));
    }
    let mut l = Lowerer {
        target_ns: target_ns.clone().unwrap_or_default(),
        simple: BTreeMap::new(),
        complex: BTreeMap::new(),
        elements: BTreeMap::new(),
        out: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        rust_names: BTreeMap::new(),
    };
    for child in root.xs_children() {
        let name = child.attr("name").unwrap_or_default().to_string();
        match child.name.as_str() {
            "simpleType" => {
                l.simple.insert(name, child);
            }
            "complexType" => {
                l.complex.insert(name, child);
            }
            "element" => {
                l.elements.insert(name, child);
            }
            "import" | "include" | "redefine" | "group" | "attributeGroup" | "attribute" | "notation" => {
                return Err(Error::new(format!("{file}: top-level xs:{} is not supported", child.name)));
            }
            other => return Err(Error::new(format!("{file}: unexpected xs:{other}"))),
        }
    }
    // Rust names for named types; a clash is an error rather than a silent rename.
    let mut seen = BTreeMap::new();
    for name in l.simple.keys().chain(l.complex.keys()) {
        let rust = names::type_name(name);
        if let Some(prev) = seen.insert(rust.clone(), name.clone()) {
            return Err(Error::new(format!("{file}: types {prev} and {name} both map to {rust}")));
        }
        l.rust_names.insert(name.clone(), rust);
    }
    let simple_names: Vec<String> = l.simple.keys().cloned().collect();
    for n in simple_names {
        l.named_simple(&n)?;
    }
    let complex_names: Vec<String> = l.complex.keys().cloned().collect();
    for n in complex_names {
        l.named_complex(&n)?;
    }
    let mut roots = Vec::new();
    let element_names: Vec<String> = l.elements.keys().cloned().collect();
    for name in element_names {
        let node = l.elements[&name];
        let ty = l.element_type(node, "")?;
        match ty {
            TypeRef::Named(t) if matches!(l.out.get(&t), Some(TypeDef::Complex(_))) => {
                roots.push(Root { element: name, type_name: t })
            }
            _ => {
                return Err(Error::new(format!("{file}: global element {name} must have a complex type")));
            }
        }
    }
    let mut types: Vec<TypeDef> = l.out.into_values().collect();
    mark_recursion(&mut types);
    Ok(Schema {
        file: file.to_string(),
        sha256: sha256.to_string(),
        module: names::module(file),
        target_namespace: target_ns,
        roots,
        types,
    })
}

fn has_local_elements(root: &Node) -> bool {
    fn walk(n: &Node, depth: usize) -> bool {
        (depth > 1 && n.is_xs("element") && n.attr("name").is_some()) || n.children.iter().any(|c| walk(c, depth + 1))
    }
    root.children.iter().any(|c| c.is_xs("complexType") && walk(c, 1))
}

fn builtin(local: &str) -> Option<Builtin> {
    Some(match local {
        "string" | "normalizedString" | "token" | "language" | "Name" | "NCName" | "NMTOKEN" | "ID" | "IDREF" => {
            Builtin::String
        }
        "decimal" => Builtin::Decimal,
        "integer" | "int" | "long" | "short" | "byte" | "nonNegativeInteger" | "positiveInteger"
        | "nonPositiveInteger" | "negativeInteger" | "unsignedLong" | "unsignedInt" | "unsignedShort"
        | "unsignedByte" => Builtin::Integer,
        "boolean" => Builtin::Boolean,
        "date" => Builtin::Date,
        "dateTime" => Builtin::DateTime,
        "time" => Builtin::Time,
        "gYearMonth" => Builtin::GYearMonth,
        "gYear" => Builtin::GYear,
        "base64Binary" => Builtin::Base64Binary,
        "anyURI" => Builtin::AnyUri,
        _ => return None,
    })
}

fn occurs(n: &Node) -> Result<Occurs, Error> {
    let min = match n.attr("minOccurs") {
        None => 1,
        Some(v) => v.parse().map_err(|_| Error::new(format!("bad minOccurs {v}")))?,
    };
    let max = match n.attr("maxOccurs") {
        None => Some(1),
        Some("unbounded") => None,
        Some(v) => Some(v.parse().map_err(|_| Error::new(format!("bad maxOccurs {v}")))?),
    };
    if let Some(m) = max
        && (m < min || m == 0)
    {
        return Err(Error::new(format!("unsupported occurrence {min}..{m}")));
    }
    Ok(Occurs { min, max })
}

impl<'a> Lowerer<'a> {
    fn unique_name(&self, base: String) -> String {
        let mut name = base.clone();
        let mut i = 2;
        while self.out.contains_key(&name)
            || self.rust_names.values().any(|v| *v == name)
            || self.in_progress.contains(&name)
        {
            name = format!("{base}{i}");
            i += 1;
        }
        name
    }

    fn resolve(&mut self, node: &Node, qname: &str) -> Result<TypeRef, Error> {
        let (ns, local) = node.resolve_qname(qname);
        if ns == XS_NS {
            return builtin(&local)
                .map(TypeRef::Builtin)
                .ok_or_else(|| Error::new(format!("built-in type xs:{local} is not supported")));
        }
        if ns != self.target_ns {
            return Err(Error::new(format!("type {qname} is in a foreign namespace {ns}")));
        }
        if self.simple.contains_key(&local) {
            return Ok(TypeRef::Named(self.named_simple(&local)?));
        }
        if self.complex.contains_key(&local) {
            return Ok(TypeRef::Named(self.named_complex(&local)?));
        }
        Err(Error::new(format!("unknown type {qname}")))
    }

    fn named_simple(&mut self, name: &str) -> Result<String, Error> {
        let rust = self.rust_names[name].clone();
        if self.out.contains_key(&rust) {
            return Ok(rust);
        }
        if !self.in_progress.insert(rust.clone()) {
            return Err(Error::new(format!("simple type {name} derives from itself")));
        }
        let node = self.simple[name];
        let kind = self.simple_kind(node)?;
        self.in_progress.remove(&rust);
        self.out.insert(
            rust.clone(),
            TypeDef::Simple(SimpleDef { name: rust.clone(), xsd_name: Some(name.to_string()), kind }),
        );
        Ok(rust)
    }

    fn kind_of(&mut self, t: &TypeRef) -> Result<SimpleKind, Error> {
        match t {
            TypeRef::Builtin(b) => Ok(SimpleKind::Alias(*b)),
            TypeRef::Named(n) => match self.out.get(n) {
                Some(TypeDef::Simple(s)) => Ok(s.kind.clone()),
                _ => Err(Error::new(format!("{n} is not a simple type"))),
            },
        }
    }

    /// The kind of an `xs:simpleType` node (named or anonymous).
    fn simple_kind(&mut self, node: &Node) -> Result<SimpleKind, Error> {
        let mut it = node.xs_children();
        let Some(r) = it.next() else {
            return Err(Error::new("empty xs:simpleType"));
        };
        if !r.is_xs("restriction") {
            return Err(Error::new(format!("xs:{} in a simple type is not supported", r.name)));
        }
        let base_kind = match r.attr("base") {
            Some(b) => {
                let t = self.resolve(r, b)?;
                self.kind_of(&t)?
            }
            None => {
                let inner = r
                    .xs_children()
                    .find(|c| c.is_xs("simpleType"))
                    .ok_or_else(|| Error::new("xs:restriction without base"))?;
                self.simple_kind(inner)?
            }
        };
        apply_facets(base_kind, r)
    }

    fn named_complex(&mut self, name: &str) -> Result<String, Error> {
        let rust = self.rust_names[name].clone();
        if self.out.contains_key(&rust) || self.in_progress.contains(&rust) {
            return Ok(rust);
        }
        self.in_progress.insert(rust.clone());
        let node = self.complex[name];
        let def = self.complex_def(node, rust.clone(), Some(name.to_string()))?;
        self.in_progress.remove(&rust);
        self.out.insert(rust.clone(), TypeDef::Complex(def));
        Ok(rust)
    }

    fn complex_def(&mut self, node: &Node, rust: String, xsd_name: Option<String>) -> Result<ComplexDef, Error> {
        if node.attr("mixed") == Some("true") {
            return Err(Error::new(format!("{rust}: mixed content is not supported")));
        }
        let mut attributes = Vec::new();
        let mut content = Content::Empty;
        for c in node.xs_children() {
            match c.name.as_str() {
                "sequence" | "choice" => content = self.top_group(c, &rust)?,
                "attribute" => attributes.push(self.attribute(c)?),
                "simpleContent" => {
                    let ext =
                        c.xs_children().next().ok_or_else(|| Error::new(format!("{rust}: empty simpleContent")))?;
                    if !ext.is_xs("extension") {
                        return Err(Error::new(format!("{rust}: simpleContent/{} is not supported", ext.name)));
                    }
                    let base = ext.attr("base").ok_or_else(|| Error::new("extension without base"))?;
                    match self.resolve(ext, base)? {
                        TypeRef::Named(n) if matches!(self.out.get(&n), Some(TypeDef::Complex(_))) => {
                            if let Some(TypeDef::Complex(b)) = self.out.get(&n) {
                                content = b.content.clone();
                                attributes.extend(b.attributes.iter().cloned());
                            }
                        }
                        t => content = Content::Simple(t),
                    }
                    for a in ext.xs_children().filter(|a| a.is_xs("attribute")) {
                        attributes.push(self.attribute(a)?);
                    }
                }
                "complexContent" => {
                    let ext =
                        c.xs_children().next().ok_or_else(|| Error::new(format!("{rust}: empty complexContent")))?;
                    if !ext.is_xs("extension") {
                        return Err(Error::new(format!("{rust}: complexContent/{} is not supported", ext.name)));
                    }
                    let base = ext.attr("base").ok_or_else(|| Error::new("extension without base"))?;
                    let mut particles = match self.resolve(ext, base)? {
                        TypeRef::Named(n) => match self.out.get(&n) {
                            Some(TypeDef::Complex(b)) => {
                                attributes.extend(b.attributes.iter().cloned());
                                match &b.content {
                                    Content::Empty => Vec::new(),
                                    Content::Sequence(p) => p.clone(),
                                    _ => {
                                        return Err(Error::new(format!(
                                            "{rust}: extension of a non-sequence type is not supported"
                                        )));
                                    }
                                }
                            }
                            _ => {
                                return Err(Error::new(format!("{rust}: base {n} is not complex (or is recursive)")));
                            }
                        },
                        TypeRef::Builtin(_) => {
                            return Err(Error::new("complexContent of a built-in"));
                        }
                    };
                    for g in ext.xs_children() {
                        match g.name.as_str() {
                            "sequence" | "choice" => match self.top_group(g, &rust)? {
                                Content::Sequence(p) => particles.extend(p),
                                Content::Choice(p) => {
                                    let ty = self.synthetic(g, &rust, Content::Choice(p))?;
                                    particles.push(ty);
                                }
                                _ => {}
                            },
                            "attribute" => attributes.push(self.attribute(g)?),
                            other => {
                                return Err(Error::new(format!("{rust}: xs:{other} in extension is not supported")));
                            }
                        }
                    }
                    dedupe_fields(&mut particles);
                    content = Content::Sequence(particles);
                }
                "anyAttribute" => {}
                other => return Err(Error::new(format!("{rust}: xs:{other} is not supported"))),
            }
        }
        Ok(ComplexDef { name: rust, xsd_name, attributes, content })
    }

    fn attribute(&mut self, a: &Node) -> Result<Attribute, Error> {
        let name = a.attr("name").ok_or_else(|| Error::new("attribute without name (ref is not supported)"))?;
        let ty = match a.attr("type") {
            Some(t) => self.resolve(a, t)?,
            None => TypeRef::Builtin(Builtin::String),
        };
        Ok(Attribute {
            name: name.to_string(),
            field: names::snake(name),
            ty,
            required: a.attr("use") == Some("required"),
        })
    }

    /// The top group of a complex type: its own particles; a repeated top group is wrapped.
    fn top_group(&mut self, g: &Node, owner: &str) -> Result<Content, Error> {
        let occ = occurs(g)?;
        let particles = self.particles(g, owner)?;
        let content = if g.name == "choice" { Content::Choice(particles) } else { Content::Sequence(particles) };
        if occ == Occurs::ONE {
            return Ok(content);
        }
        let p = self.synthetic(g, owner, content)?;
        Ok(Content::Sequence(vec![p]))
    }

    fn synthetic(&mut self, g: &Node, owner: &str, content: Content) -> Result<Particle, Error> {
        let kind = if matches!(content, Content::Choice(_)) { "Choice" } else { "Sequence" };
        let name = self.unique_name(format!("{owner}{kind}"));
        let first = first_set(&content, &self.out);
        self.out.insert(
            name.clone(),
            TypeDef::Complex(ComplexDef { name: name.clone(), xsd_name: None, attributes: Vec::new(), content }),
        );
        Ok(Particle { field: names::snake(kind), occurs: occurs(g)?, term: Term::Group { ty: name, first } })
    }

    fn particles(&mut self, g: &Node, owner: &str) -> Result<Vec<Particle>, Error> {
        let mut out = Vec::new();
        for c in g.xs_children() {
            match c.name.as_str() {
                "element" => {
                    let (name, decl) = match (c.attr("name"), c.attr("ref")) {
                        (Some(n), _) => (n.to_string(), c),
                        (None, Some(r)) => {
                            let (_, local) = c.resolve_qname(r);
                            let decl = *self
                                .elements
                                .get(&local)
                                .ok_or_else(|| Error::new(format!("unknown element ref {r}")))?;
                            (local, decl)
                        }
                        _ => return Err(Error::new("xs:element without name or ref")),
                    };
                    let ty = self.element_type(decl, owner)?;
                    out.push(Particle {
                        field: names::snake(&name),
                        occurs: occurs(c)?,
                        term: Term::Element { name, ty, boxed: false },
                    });
                }
                "sequence" | "choice" => {
                    let inner = self.particles(c, owner)?;
                    let content = if c.name == "choice" { Content::Choice(inner) } else { Content::Sequence(inner) };
                    out.push(self.synthetic(c, owner, content)?);
                }
                "any" => out.push(Particle { field: "any".to_string(), occurs: occurs(c)?, term: Term::Any }),
                other => {
                    return Err(Error::new(format!("{owner}: xs:{other} in a group is not supported")));
                }
            }
        }
        dedupe_fields(&mut out);
        Ok(out)
    }

    fn element_type(&mut self, e: &Node, owner: &str) -> Result<TypeRef, Error> {
        if let Some(t) = e.attr("type") {
            return self.resolve(e, t);
        }
        let name = e.attr("name").unwrap_or("Element");
        for c in e.xs_children() {
            if c.is_xs("complexType") {
                let rust = self.unique_name(format!("{owner}{}", names::type_name(name)));
                self.in_progress.insert(rust.clone());
                let def = self.complex_def(c, rust.clone(), None)?;
                self.in_progress.remove(&rust);
                self.out.insert(rust.clone(), TypeDef::Complex(def));
                return Ok(TypeRef::Named(rust));
            }
            if c.is_xs("simpleType") {
                let rust = self.unique_name(format!("{owner}{}", names::type_name(name)));
                let kind = self.simple_kind(c)?;
                self.out.insert(rust.clone(), TypeDef::Simple(SimpleDef { name: rust.clone(), xsd_name: None, kind }));
                return Ok(TypeRef::Named(rust));
            }
        }
        Ok(TypeRef::Builtin(Builtin::String))
    }
}

fn dedupe_fields(ps: &mut [Particle]) {
    let mut seen = BTreeMap::<String, u32>::new();
    for p in ps.iter_mut() {
        let n = seen.entry(p.field.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            p.field = format!("{}_{}", p.field, n);
        }
    }
}

/// Element names that can start `content` (`*` = any element).
fn first_set(content: &Content, types: &BTreeMap<String, TypeDef>) -> Vec<String> {
    fn term_first(p: &Particle, types: &BTreeMap<String, TypeDef>, out: &mut Vec<String>) {
        match &p.term {
            Term::Element { name, .. } => out.push(name.clone()),
            Term::Any => out.push("*".to_string()),
            Term::Group { first, .. } => out.extend(first.iter().cloned()),
        }
        let _ = types;
    }
    let mut out = Vec::new();
    match content {
        Content::Sequence(ps) => {
            for p in ps {
                term_first(p, types, &mut out);
                if p.occurs.min > 0 && !group_nullable(p, types) {
                    break;
                }
            }
        }
        Content::Choice(ps) => ps.iter().for_each(|p| term_first(p, types, &mut out)),
        _ => {}
    }
    out.sort();
    out.dedup();
    out
}

fn group_nullable(p: &Particle, types: &BTreeMap<String, TypeDef>) -> bool {
    match &p.term {
        Term::Group { ty, .. } => match types.get(ty) {
            Some(TypeDef::Complex(c)) => match &c.content {
                Content::Sequence(ps) => ps.iter().all(|q| q.occurs.min == 0 || group_nullable(q, types)),
                Content::Choice(ps) => ps.iter().any(|q| q.occurs.min == 0 || group_nullable(q, types)),
                _ => true,
            },
            _ => false,
        },
        _ => false,
    }
}

fn apply_facets(base: SimpleKind, r: &Node) -> Result<SimpleKind, Error> {
    let mut enums = Vec::new();
    let mut patterns = Vec::new();
    let mut min_len = None;
    let mut max_len = None;
    let mut dec = DecimalFacets::default();
    let mut any_decimal_facet = false;
    for f in r.xs_children() {
        let v = f.attr("value").unwrap_or_default().to_string();
        let num = |v: &str| v.parse::<u64>().map_err(|_| Error::new(format!("bad facet value {v}")));
        match f.name.as_str() {
            "enumeration" => enums.push(v),
            "pattern" => patterns.push(v),
            "length" => {
                min_len = Some(num(&v)?);
                max_len = Some(num(&v)?);
            }
            "minLength" => min_len = Some(num(&v)?),
            "maxLength" => max_len = Some(num(&v)?),
            "totalDigits" => {
                dec.total_digits = Some(num(&v)? as u32);
                any_decimal_facet = true;
            }
            "fractionDigits" => {
                dec.fraction_digits = Some(num(&v)? as u32);
                any_decimal_facet = true;
            }
            "minInclusive" => {
                dec.min_inclusive = Some(v);
                any_decimal_facet = true;
            }
            "maxInclusive" => {
                dec.max_inclusive = Some(v);
                any_decimal_facet = true;
            }
            "minExclusive" => {
                dec.min_exclusive = Some(v);
                any_decimal_facet = true;
            }
            "maxExclusive" => {
                dec.max_exclusive = Some(v);
                any_decimal_facet = true;
            }
            "whiteSpace" => {}
            "simpleType" => {}
            other => return Err(Error::new(format!("facet xs:{other} is not supported"))),
        }
    }
    let any_string_facet = min_len.is_some() || max_len.is_some() || !patterns.is_empty();
    match base {
        SimpleKind::Alias(b @ (Builtin::String | Builtin::Base64Binary | Builtin::AnyUri))
        | SimpleKind::String(StringFacets { base: Some(b), .. })
            if !enums.is_empty() =>
        {
            let _ = b;
            Ok(SimpleKind::Enumeration(enums))
        }
        SimpleKind::Enumeration(mut values) => {
            if !enums.is_empty() {
                values.retain(|v| enums.contains(v));
            }
            Ok(SimpleKind::Enumeration(values))
        }
        SimpleKind::Alias(b @ (Builtin::String | Builtin::Base64Binary | Builtin::AnyUri)) => {
            if any_decimal_facet {
                return Err(Error::new("numeric facet on a string type"));
            }
            if !any_string_facet {
                return Ok(SimpleKind::Alias(b));
            }
            let mut f = StringFacets { min_length: min_len, max_length: max_len, patterns: Vec::new(), base: Some(b) };
            if !patterns.is_empty() {
                f.patterns.push(patterns);
            }
            Ok(SimpleKind::String(f))
        }
        SimpleKind::String(mut f) => {
            if any_decimal_facet {
                return Err(Error::new("numeric facet on a string type"));
            }
            if min_len.is_some() {
                f.min_length = min_len;
            }
            if max_len.is_some() {
                f.max_length = max_len;
            }
            if !patterns.is_empty() {
                f.patterns.push(patterns);
            }
            Ok(SimpleKind::String(f))
        }
        SimpleKind::Alias(b @ (Builtin::Decimal | Builtin::Integer)) => {
            if !enums.is_empty() || min_len.is_some() || max_len.is_some() {
                return Err(Error::new("enumeration/length on a decimal is not supported"));
            }
            if !any_decimal_facet && patterns.is_empty() {
                return Ok(SimpleKind::Alias(b));
            }
            if !patterns.is_empty() {
                dec.patterns.push(patterns);
            }
            Ok(SimpleKind::Decimal { integer: b == Builtin::Integer, facets: dec })
        }
        SimpleKind::Decimal { integer, facets: mut f } => {
            if !enums.is_empty() || min_len.is_some() || max_len.is_some() {
                return Err(Error::new("enumeration/length on a decimal is not supported"));
            }
            f.total_digits = dec.total_digits.or(f.total_digits);
            f.fraction_digits = dec.fraction_digits.or(f.fraction_digits);
            f.min_inclusive = dec.min_inclusive.or(f.min_inclusive);
            f.max_inclusive = dec.max_inclusive.or(f.max_inclusive);
            f.min_exclusive = dec.min_exclusive.or(f.min_exclusive);
            f.max_exclusive = dec.max_exclusive.or(f.max_exclusive);
            if !patterns.is_empty() {
                f.patterns.push(patterns);
            }
            Ok(SimpleKind::Decimal { integer, facets: f })
        }
        SimpleKind::Alias(b) => {
            if !enums.is_empty() || any_string_facet || any_decimal_facet {
                return Err(Error::new(format!("facets on {b:?} are not supported")));
            }
            Ok(SimpleKind::Alias(b))
        }
    }
}

/// Box every non-repeated element field whose type can reach its owner by value.
fn mark_recursion(types: &mut [TypeDef]) {
    let edges: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Complex(c) => Some((c.name.clone(), by_value_targets(c))),
            _ => None,
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone())
                && let Some(e) = edges.get(&n)
            {
                stack.extend(e.iter().cloned());
            }
        }
        false
    };
    for t in types.iter_mut() {
        if let TypeDef::Complex(c) = t {
            let owner = c.name.clone();
            if let Content::Sequence(ps) | Content::Choice(ps) = &mut c.content {
                for p in ps.iter_mut() {
                    if p.occurs.repeated() {
                        continue;
                    }
                    if let Term::Element { ty: TypeRef::Named(n), boxed, .. } = &mut p.term
                        && edges.contains_key(n.as_str())
                        && reaches(n, &owner)
                    {
                        *boxed = true;
                    }
                }
            }
        }
    }
}

fn by_value_targets(c: &ComplexDef) -> Vec<String> {
    match &c.content {
        Content::Sequence(ps) | Content::Choice(ps) => ps
            .iter()
            .filter(|p| !p.occurs.repeated())
            .filter_map(|p| match &p.term {
                Term::Element { ty: TypeRef::Named(n), .. } => Some(n.clone()),
                Term::Group { ty, .. } => Some(ty.clone()),
                Term::Any => None,
                Term::Element { .. } => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

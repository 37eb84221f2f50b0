//! Rust naming of XSD names: type names, field names, enum variants, module names.

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// `FIToFICstmrCdtTrf` → `fi_to_fi_cstmr_cdt_trf`; keywords get a trailing `_`.
pub fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = if i > 0 { chars.get(i - 1).copied() } else { None };
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None => false,
                Some('_') => false,
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'f');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `ActiveCurrencyAndAmount_SimpleType` → `ActiveCurrencyAndAmountSimpleType`.
pub fn type_name(name: &str) -> String {
    let mut out = String::new();
    let mut upper_next = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper_next {
                out.push(c.to_ascii_uppercase());
                upper_next = false;
            } else {
                out.push(c);
            }
        } else {
            upper_next = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Enumeration value `ACCC` → `Accc`, `x-y` → `XY`, `1` → `V1`.
pub fn variant(value: &str) -> String {
    let mut out = String::new();
    let mut upper_next = true;
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            if upper_next {
                out.push(c.to_ascii_uppercase());
                upper_next = false;
            } else {
                out.push(c.to_ascii_lowercase());
            }
        } else {
            upper_next = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

/// `pacs.008.001.08.xsd` → `pacs_008_001_08`.
pub fn module(file: &str) -> String {
    let stem = file.strip_suffix(".xsd").unwrap_or(file);
    let mut out: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'm');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases_iso_names() {
        assert_eq!(snake("FIToFICstmrCdtTrf"), "fi_to_fi_cstmr_cdt_trf");
        assert_eq!(snake("CdtTrfTxInf"), "cdt_trf_tx_inf");
        assert_eq!(snake("IBAN"), "iban");
        assert_eq!(snake("BICFI"), "bicfi");
        assert_eq!(snake("Ccy"), "ccy");
        assert_eq!(snake("Type"), "type_");
        assert_eq!(snake("XchgRate"), "xchg_rate");
    }

    #[test]
    fn names_types_variants_modules() {
        assert_eq!(type_name("ActiveCurrencyAndAmount_SimpleType"), "ActiveCurrencyAndAmountSimpleType");
        assert_eq!(variant("ACCC"), "Accc");
        assert_eq!(variant("1"), "V1");
        assert_eq!(module("pacs.008.001.08.xsd"), "pacs_008_001_08");
    }
}

//! Round trip on the corpus: read → write → read gives an equal value, and the written
//! Document has the same elements, attributes, values and order as the input's Document.
use crate::common;

use payglot_iso20022::{Limits, parse_any};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// (namespace, local name, sorted attributes, trimmed text) for every element, in order.
fn shape(xml: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(xml).expect("utf8");
    let mut r = NsReader::from_str(text);
    r.config_mut().expand_empty_elements = true;
    let mut out = Vec::new();
    let mut pending = String::new();
    loop {
        let (res, ev) = r.read_resolved_event().expect("well-formed");
        let ns = match res {
            ResolveResult::Bound(n) => String::from_utf8_lossy(n.as_ref()).into_owned(),
            _ => String::new(),
        };
        match ev {
            Event::Start(e) => {
                let mut attrs: Vec<String> = e
                    .attributes()
                    .flatten()
                    .filter(|a| !a.key.as_ref().starts_with(b"xmlns") && !a.key.as_ref().starts_with(b"xsi:"))
                    .map(|a| {
                        format!(
                            "{}={}",
                            String::from_utf8_lossy(a.key.local_name().as_ref()),
                            a.unescape_value().expect("attr")
                        )
                    })
                    .collect();
                attrs.sort();
                out.push(format!("<{{{ns}}}{} {}", String::from_utf8_lossy(e.local_name().as_ref()), attrs.join(" ")));
                pending.clear();
            }
            Event::Text(t) => pending.push_str(&t.xml10_content().expect("text")),
            Event::GeneralRef(g) => {
                let c = if g.is_char_ref() {
                    g.resolve_char_ref().expect("char ref").map(String::from).unwrap_or_default()
                } else {
                    quick_xml::escape::resolve_predefined_entity(&String::from_utf8_lossy(g.as_ref()))
                        .unwrap_or("")
                        .to_string()
                };
                pending.push_str(&c);
            }
            Event::CData(c) => pending.push_str(&c.decode().expect("cdata")),
            Event::End(_) => {
                let t = pending.trim();
                if !t.is_empty() {
                    out.push(format!("text {}", canonical_number(t)));
                }
                pending.clear();
                out.push(">".into());
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// Decimals keep their scale but not leading zeros or a `+` sign (`03` is written `3`): the
/// value is the same, the lexical form is XSD's canonical one.
fn canonical_number(t: &str) -> String {
    let body = t.strip_prefix('+').unwrap_or(t);
    let digits = body.strip_prefix('-').unwrap_or(body);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
    {
        let sign = if body.starts_with('-') { "-" } else { "" };
        let trimmed = digits.trim_start_matches('0');
        let trimmed =
            if trimmed.is_empty() || trimmed.starts_with('.') { format!("0{trimmed}") } else { trimmed.to_string() };
        return format!("{sign}{trimmed}");
    }
    t.to_string()
}

#[test]
fn corpus_documents_round_trip() {
    let files = common::corpus_files();
    if files.is_empty() {
        println!("skipped: ../shared/corpus/iso20022 not present");
        return;
    }
    let mut ok = 0;
    for file in &files {
        let bytes = std::fs::read(file).expect("corpus file");
        let Ok(doc) = parse_any(&bytes, &Limits::default()) else {
            continue;
        };
        let written = doc.to_xml().expect("a read document writes");
        let again = parse_any(&written, &Limits::default()).expect("our output reads back");
        assert_eq!(again, doc, "{}: value changed through write/read", file.display());
        let (_, original) = common::extract(&bytes, "Document").expect("Document part");
        let (a, b) = (shape(&written), shape(&original));
        if let Some(i) = (0..a.len().max(b.len())).find(|i| a.get(*i) != b.get(*i)) {
            let lo = i.saturating_sub(3);
            panic!(
                "{}: written document differs from the input at item {i}:\nours:  {:?}\ninput: {:?}",
                file.display(),
                a.get(lo..(i + 3).min(a.len())),
                b.get(lo..(i + 3).min(b.len()))
            );
        }
        ok += 1;
    }
    println!("{ok} corpus documents round-tripped");
    assert!(ok >= 40, "expected at least 40 valid corpus documents, got {ok}");
}

#[test]
fn lenient_text_cuts_over_long_text_with_a_truncated_loss() {
    let input = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/iso20022/pain.001.001.09/error-remittance-too-long/input.xml"),
    )
    .unwrap_or_default();
    let codec = payglot_iso20022::Iso20022Codec::new(payglot_iso20022::IsoMessage::Pain001V09);
    let limits = payglot_core_model::DecodeLimits::default();
    // Strict by default: refused, located.
    let refused = payglot_core_model::Codec::decode(&codec, &input, &limits);
    assert!(refused.as_ref().is_err_and(|e| e.message().contains("maxLength")), "{refused:?}");
    // Lenient: decoded, the cut reported as Truncated at the element's path.
    let decoded = payglot_core_model::Codec::decode(&codec.lenient_text(true), &input, &limits)
        .unwrap_or_else(|e| panic!("lenient decode failed: {e}"));
    let truncated: Vec<_> =
        decoded.losses.iter().filter(|l| l.kind == payglot_core_model::LossKind::Truncated).collect();
    assert_eq!(truncated.len(), 1, "{:?}", decoded.losses);
    assert!(truncated[0].path.ends_with("/RmtInf/Ustrd[1]"), "{}", truncated[0].path);
    assert!(truncated[0].detail.contains("cut to its maxLength 140"), "{}", truncated[0].detail);
    // The strict check still refuses it.
    assert!(decoded.check(payglot_core_model::Strictness::Strict).is_err());
}

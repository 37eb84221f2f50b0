//! Hostile input: DTDs and entities, depth, size, string and repeat limits, encodings,
//! processing instructions, malformed and mutated input (no panics), masking of accounts,
//! and exact error locations.
use payglot_iso20022::{Limits, Rule, pacs_008_001_08, parse_any};

const PACS008: &str = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08";

fn rule(bytes: &[u8], limits: &Limits) -> Rule {
    match parse_any(bytes, limits) {
        Ok(_) => panic!("accepted: {}", String::from_utf8_lossy(bytes.get(..200.min(bytes.len())).unwrap_or_default())),
        Err(e) => e.rule().expect("one violation"),
    }
}

/// A valid pacs.008.001.08 with `n` transactions; `tx` can replace the body of the first one.
fn pacs008(n: usize, first_tx: Option<&str>) -> String {
    let tx = r#"<CdtTrfTxInf><PmtId><InstrId>I1</InstrId><EndToEndId>E2E</EndToEndId></PmtId><IntrBkSttlmAmt Ccy="EUR">10.50</IntrBkSttlmAmt><ChrgBr>SLEV</ChrgBr><Dbtr><Nm>Debtor</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt><CdtrAgt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>Creditor</Nm></Cdtr></CdtTrfTxInf>"#;
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{PACS008}"><FIToFICstmrCdtTrf><GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-01-02T10:00:00Z</CreDtTm><NbOfTxs>{n}</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>"#
    );
    for i in 0..n {
        match (i, first_tx) {
            (0, Some(t)) => s.push_str(t),
            _ => s.push_str(tx),
        }
    }
    s.push_str("</FIToFICstmrCdtTrf></Document>");
    s
}

#[test]
fn the_test_document_is_valid() {
    let d = pacs_008_001_08::Document::from_xml(pacs008(3, None).as_bytes(), &Limits::default()).expect("valid");
    assert_eq!(d.fi_to_fi_cstmr_cdt_trf.cdt_trf_tx_inf.len(), 3);
}

#[test]
fn doctype_and_entities_are_rejected_before_expansion() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">&lol3;</Document>"#;
    assert_eq!(rule(laughs.as_bytes(), &Limits::default()), Rule::Doctype);
    let external = r#"<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>"#;
    assert_eq!(rule(external.as_bytes(), &Limits::default()), Rule::Doctype);
    let parameter = r#"<!DOCTYPE d [<!ENTITY % p SYSTEM "http://example.invalid/x.dtd"> %p;]><Document/>"#;
    assert_eq!(rule(parameter.as_bytes(), &Limits::default()), Rule::Doctype);
    let undeclared = pacs008(1, None).replace("<Nm>Debtor</Nm>", "<Nm>&x;</Nm>");
    assert_eq!(rule(undeclared.as_bytes(), &Limits::default()), Rule::UndeclaredEntity);
    let predefined = pacs008(1, None).replace("<Nm>Debtor</Nm>", "<Nm>A &amp; B &#x263A;</Nm>");
    let d = pacs_008_001_08::Document::from_xml(predefined.as_bytes(), &Limits::default())
        .expect("predefined entities are fine");
    let nm = d.fi_to_fi_cstmr_cdt_trf.cdt_trf_tx_inf[0].dbtr.nm.as_ref().expect("name");
    assert_eq!(nm.as_str(), "A & B \u{263A}");
}

#[test]
fn a_hundred_megabyte_nest_is_rejected_by_depth() {
    let depth = 100 * 1024 * 1024 / 3;
    let mut s = String::with_capacity(depth * 3);
    for _ in 0..depth {
        s.push_str("<a>");
    }
    let limits = Limits { max_bytes: 200 << 20, ..Limits::default() };
    let err = parse_any(s.as_bytes(), &limits).expect_err("rejected");
    assert_eq!(err.rule(), Some(Rule::LimitDepth));
    // Inside the Document, an unknown nest fails at its first element.
    let inner = pacs008(1, None).replace("<MsgId>M1</MsgId>", &format!("<MsgId>{}</MsgId>", "<a>".repeat(1000)));
    assert_eq!(rule(inner.as_bytes(), &Limits::default()), Rule::SimpleContent);
    // And under xs:any the depth limit applies.
    let any = pacs008(1, None).replace(
        "</FIToFICstmrCdtTrf>",
        &format!("<SplmtryData><Envlp>{}</Envlp></SplmtryData></FIToFICstmrCdtTrf>", "<x>".repeat(10_000)),
    );
    let shallow = pacs008(1, None).replace(
        "</FIToFICstmrCdtTrf>",
        "<SplmtryData><Envlp><x:Ext xmlns:x=\"urn:x\"><x:A>1</x:A></x:Ext></Envlp></SplmtryData></FIToFICstmrCdtTrf>",
    );
    assert!(parse_any(shallow.as_bytes(), &Limits::default()).is_ok(), "a shallow xs:any is fine");
    assert_eq!(rule(any.as_bytes(), &Limits::default()), Rule::LimitDepth);
}

#[test]
fn size_string_and_repeat_limits() {
    let doc = pacs008(3, None);
    assert_eq!(rule(doc.as_bytes(), &Limits { max_bytes: 100, ..Limits::default() }), Rule::LimitBytes);
    assert_eq!(rule(doc.as_bytes(), &Limits { max_string_len: 5, ..Limits::default() }), Rule::LimitStringLength);
    assert_eq!(rule(doc.as_bytes(), &Limits { max_repeats: 2, ..Limits::default() }), Rule::LimitRepeats);
    assert!(parse_any(doc.as_bytes(), &Limits { max_repeats: 3, ..Limits::default() }).is_ok());
}

#[test]
fn encodings_and_processing_instructions() {
    let doc = pacs008(1, None);
    let mut bad = doc.clone().into_bytes();
    let at = doc.find("Debtor").expect("name");
    bad[at] = 0xFF;
    assert_eq!(rule(&bad, &Limits::default()), Rule::Encoding);
    let latin = doc.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    assert_eq!(rule(latin.as_bytes(), &Limits::default()), Rule::Encoding);
    let pi = doc.replace("<FIToFICstmrCdtTrf>", "<?evil run?><FIToFICstmrCdtTrf>");
    assert_eq!(rule(pi.as_bytes(), &Limits::default()), Rule::ProcessingInstruction);
    let pi_prolog = doc.replace("<Document", "<?xml-stylesheet href=\"x\"?><Document");
    assert_eq!(rule(pi_prolog.as_bytes(), &Limits::default()), Rule::ProcessingInstruction);
    let bom = format!("\u{feff}{doc}");
    assert!(parse_any(bom.as_bytes(), &Limits::default()).is_ok());
}

#[test]
fn mutated_and_truncated_input_never_panics() {
    let doc = pacs008(2, None).into_bytes();
    for cut in (0..doc.len()).step_by(3) {
        let _ = parse_any(doc.get(..cut).unwrap_or_default(), &Limits::default());
    }
    let specials = [b'<', b'>', b'&', b'/', b'"', b'=', b' ', b'x', 0, 0x80];
    for (i, pos) in (0..doc.len()).step_by(5).enumerate() {
        let mut m = doc.clone();
        m[pos] = specials[i % specials.len()];
        let _ = parse_any(&m, &Limits::default());
    }
    assert!(parse_any(&doc, &Limits::default()).is_ok());
}

#[test]
fn errors_name_rule_path_line_and_column() {
    let tx = r#"<CdtTrfTxInf><PmtId><EndToEndId>E2E</EndToEndId></PmtId>
<IntrBkSttlmAmt Ccy="EUR">10.123456</IntrBkSttlmAmt><ChrgBr>SLEV</ChrgBr><Dbtr/><DbtrAgt><FinInstnId/></DbtrAgt><CdtrAgt><FinInstnId/></CdtrAgt><Cdtr/></CdtTrfTxInf>"#;
    let doc = pacs008(1, Some(tx));
    let err = parse_any(doc.as_bytes(), &Limits::default()).expect_err("too many fraction digits");
    let v = &err.violations()[0];
    assert_eq!(v.rule, Rule::FractionDigits);
    assert_eq!(v.path, "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt");
    assert_eq!((v.line, v.column), (3, 1));
    let bad_ccy = pacs008(1, None).replace("Ccy=\"EUR\"", "Ccy=\"eur\"");
    let err = parse_any(bad_ccy.as_bytes(), &Limits::default()).expect_err("bad currency");
    assert_eq!(err.violations()[0].rule, Rule::Pattern);
    assert_eq!(err.violations()[0].path, "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt/@Ccy");
}

#[test]
fn account_numbers_are_masked_in_errors() {
    let doc = pacs008(1, None).replace("DE89370400440532013000", "de89370400440532013000");
    let err = parse_any(doc.as_bytes(), &Limits::default()).expect_err("bad IBAN pattern");
    let text = err.to_string();
    assert_eq!(err.rule(), Some(Rule::Pattern));
    assert!(!text.contains("370400440532"), "{text}");
    assert!(text.contains("de89**************3000"), "{text}");
    let othr = pacs008(1, None).replace(
        "<Id><IBAN>DE89370400440532013000</IBAN></Id>",
        &format!("<Id><Othr><Id>{}</Id></Othr></Id>", "1234567890".repeat(4)),
    );
    let err = parse_any(othr.as_bytes(), &Limits::default()).expect_err("Max34Text");
    assert_eq!(err.rule(), Some(Rule::MaxLength));
    assert!(!err.to_string().contains("567890123"), "{err}");
}

#[test]
fn a_choice_cannot_hold_two_branches() {
    let doc = pacs008(1, None).replace(
        "<Id><IBAN>DE89370400440532013000</IBAN></Id>",
        "<Id><IBAN>DE89370400440532013000</IBAN><Othr><Id>1</Id></Othr></Id>",
    );
    let err = parse_any(doc.as_bytes(), &Limits::default()).expect_err("two branches");
    assert_eq!(err.rule(), Some(Rule::UnexpectedElement));
    assert!(err.violations()[0].path.ends_with("/DbtrAcct/Id/Othr"), "{err}");
}

#[test]
fn unsupported_versions_and_namespaces() {
    let v4 = br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt/></Document>"#;
    let err = parse_any(v4, &Limits::default()).expect_err("not generated");
    assert_eq!(err.rule(), Some(Rule::UnsupportedVersion));
    assert_eq!(err.violations()[0].message, "unsupported version camt.053.001.04");
    let none = br#"<Document><CstmrPmtStsRpt/></Document>"#;
    assert_eq!(rule(none, &Limits::default()), Rule::UnknownNamespace);
    let capital_x = br#"<Document Xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"/>"#;
    assert_eq!(rule(capital_x, &Limits::default()), Rule::UnknownNamespace);
    assert_eq!(rule(b"<Envelope><x/></Envelope>", &Limits::default()), Rule::NoDocument);
}

#[test]
fn envelopes_and_prefixes_are_matched_by_namespace() {
    let inner = pacs008(1, None);
    let body = inner.split_once("?>").map(|x| x.1).unwrap_or(&inner);
    let prefixed = body
        .replace("<", "<p:")
        .replace("<p:/", "</p:")
        .replace(&format!("xmlns=\"{PACS008}\""), &format!("xmlns:p=\"{PACS008}\""));
    let wrapped = [
        format!(
            r#"<Envelope xmlns="urn:swift:xsd:envelope"><AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"/>{body}</Envelope>"#
        ),
        format!(
            r#"<FedNowIncoming xmlns="urn:fednow"><FedNowIncomingMessage>{body}</FedNowIncomingMessage></FedNowIncoming>"#
        ),
        format!(r#"<DataPDU xmlns="urn:swift:saa:xsd:saa.2.0"><Body>{prefixed}</Body></DataPDU>"#),
        format!(
            r#"<Whatever xmlns:p="{PACS008}"><Hdr/>{}</Whatever>"#,
            prefixed.replace(&format!(" xmlns:p=\"{PACS008}\""), "")
        ),
    ];
    for w in wrapped {
        let d = parse_any(w.as_bytes(), &Limits::default()).unwrap_or_else(|e| panic!("{e}\n{w}"));
        assert_eq!(d.namespace(), PACS008);
    }
}

/// Namespace corner cases the reader resolves itself (declarations are only looked at on
/// elements that have `xmlns` attributes): redeclarations inside the document, mixed prefixes
/// and default, scopes that end, undeclared and reserved prefixes.
#[test]
fn namespace_redeclarations_and_prefixes_resolve_per_element() {
    let ok = |doc: &str| parse_any(doc.as_bytes(), &Limits::default()).map(|_| ()).map_err(|e| e.to_string());
    let base = pacs008(2, None);
    // The same namespace declared again on an inner element, by default and by a prefix.
    let same_default = base.replace("<GrpHdr>", &format!("<GrpHdr xmlns=\"{PACS008}\">"));
    assert_eq!(ok(&same_default), Ok(()));
    let prefixed_inner = base
        .replace("<GrpHdr><MsgId>M1</MsgId>", &format!("<q:GrpHdr xmlns:q=\"{PACS008}\"><q:MsgId>M1</q:MsgId>"))
        .replacen("</GrpHdr>", "</q:GrpHdr>", 1);
    assert_eq!(ok(&prefixed_inner), Ok(()));
    // Another default namespace on an inner element: its children are in that namespace.
    let other_default = base.replace("<MsgId>M1</MsgId>", "<MsgId xmlns=\"urn:other\">M1</MsgId>");
    let err = parse_any(other_default.as_bytes(), &Limits::default()).expect_err("MsgId in urn:other");
    assert_eq!(err.rule(), Some(Rule::UnexpectedElement), "{err}");
    assert!(err.to_string().contains("another namespace"), "{err}");
    // A redeclaration's scope ends with its element: the next sibling is back in the document's.
    let tx = r#"<CdtTrfTxInf><PmtId><InstrId>I1</InstrId><EndToEndId>E2E</EndToEndId></PmtId><IntrBkSttlmAmt Ccy="EUR">10.50</IntrBkSttlmAmt><ChrgBr>SLEV</ChrgBr><Dbtr><Nm>Debtor</Nm></Dbtr><DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt><CdtrAgt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>Creditor</Nm></Cdtr></CdtTrfTxInf>"#;
    let with_q = tx
        .replace("<CdtTrfTxInf>", &format!("<CdtTrfTxInf xmlns:q=\"{PACS008}\">"))
        .replace("<PmtId>", "<q:PmtId>")
        .replace("</PmtId>", "</q:PmtId>");
    assert_eq!(ok(&pacs008(2, Some(&with_q))), Ok(()));
    let q_outside = pacs008(1, Some(&with_q)).replace(
        "</FIToFICstmrCdtTrf>",
        &format!("{}</FIToFICstmrCdtTrf>", tx.replace("<PmtId>", "<q:PmtId>").replace("</PmtId>", "</q:PmtId>")),
    );
    let err = parse_any(q_outside.as_bytes(), &Limits::default()).expect_err("q is out of scope");
    assert_eq!(err.rule(), Some(Rule::UnexpectedElement), "{err}");
    assert!(err.violations()[0].path.contains("CdtTrfTxInf[2]"), "{err}");
    // An undeclared prefix, and a prefix bound elsewhere at an outer level, are not ours.
    let undeclared = base.replace("<MsgId>M1</MsgId>", "<z:MsgId>M1</z:MsgId>");
    assert_eq!(rule(undeclared.as_bytes(), &Limits::default()), Rule::UnexpectedElement);
    let rebound = base
        .replace(
            &format!("<Document xmlns=\"{PACS008}\">"),
            &format!("<Document xmlns=\"{PACS008}\" xmlns:p=\"urn:p\">"),
        )
        .replace("<MsgId>M1</MsgId>", "<p:MsgId>M1</p:MsgId>");
    assert_eq!(rule(rebound.as_bytes(), &Limits::default()), Rule::UnexpectedElement);
    // The reserved prefixes: xml may only keep its namespace, xmlns is never declared.
    let bad_xml = base.replace("<GrpHdr>", "<GrpHdr xmlns:xml=\"urn:not-xml\">");
    assert_eq!(rule(bad_xml.as_bytes(), &Limits::default()), Rule::NotWellFormed);
    let bad_xmlns = base.replace("<GrpHdr>", "<GrpHdr xmlns:xmlns=\"urn:x\">");
    assert_eq!(rule(bad_xmlns.as_bytes(), &Limits::default()), Rule::NotWellFormed);
    // A declaration with a character reference is unescaped before comparing.
    let escaped = base.replace(
        &format!("<Document xmlns=\"{PACS008}\">"),
        &format!("<Document xmlns=\"{}\">", PACS008.replace("pacs", "&#112;acs")),
    );
    assert_eq!(ok(&escaped), Ok(()));
    // xsi attributes need their prefix declared to be allowed.
    let xsi = base.replace(
        &format!("<Document xmlns=\"{PACS008}\">"),
        &format!("<Document xmlns=\"{PACS008}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{PACS008} x.xsd\">"),
    );
    assert_eq!(ok(&xsi), Ok(()));
    let xsi_undeclared = base.replace(
        &format!("<Document xmlns=\"{PACS008}\">"),
        &format!("<Document xmlns=\"{PACS008}\" xsi:schemaLocation=\"{PACS008} x.xsd\">"),
    );
    assert_eq!(rule(xsi_undeclared.as_bytes(), &Limits::default()), Rule::UnexpectedAttribute);
}

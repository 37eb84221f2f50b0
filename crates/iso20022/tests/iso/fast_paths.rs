//! The reader's fast paths read exactly as its slow ones: a simple element or a tag read in one step
//! (`Reader::set_fused_leaves`) gives the same value, the same error (rule, path, line,
//! column, message) and the same record as three quick-xml events, over hundreds of edits of
//! a document around each tag — out-of-order, duplicated, unknown and wrong-namespace
//! elements, attributes, references, CR, comments, CDATA, empty-element tags, spaced and
//! misnamed end tags, control characters — and of the attribute of a simple element read in
//! one step (an amount's `Ccy`: quotes, spacing, duplicates, a second attribute, references,
//! control characters, namespace declarations, prefixed names, the length limit). Each edit is also compared with what the document
//! must give (accepted or rejected), so an edit that slipped through both paths is caught.
//! Likewise structures read where they lie (`Reader::set_read_in_place`, the default: into
//! the parent's field, the vector's slot, the box) give what building each and moving it
//! there gives.
use payglot_iso20022::rt::{self, Recorder};
use payglot_iso20022::{Limits, pacs_008_001_08};
use std::borrow::Cow;

const NS: &str = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08";

#[derive(Debug, Default, PartialEq)]
struct Events(Vec<String>);

impl<'a> Recorder<'a> for Events {
    fn start(&mut self, local_name: &'a str, offset: usize) {
        self.0.push(format!("<{local_name}@{offset}"));
    }
    fn attribute(&mut self, local_name: &'a str, value: Cow<'a, str>) {
        self.0.push(format!("@{local_name}={value}"));
    }
    fn text(&mut self, text: Cow<'a, str>) {
        self.0.push(format!("'{text}'"));
    }
    fn end(&mut self) {
        self.0.push(">".into());
    }
}

type Read = (Result<pacs_008_001_08::Document, rt::Error>, Events);

fn read(bytes: &[u8], fused: bool, record: bool) -> Read {
    read_placed(bytes, fused, record, true)
}

fn read_placed(bytes: &[u8], fused: bool, record: bool, in_place: bool) -> Read {
    read_collecting(bytes, fused, record, in_place, 0)
}

/// [`read_placed`], collecting up to `collect` value violations (0: stopping at the first).
fn read_collecting(bytes: &[u8], fused: bool, record: bool, in_place: bool, collect: usize) -> Read {
    let limits = Limits { max_string_len: 40, ..Limits::default() };
    let mut events = Events::default();
    let res = (|| {
        let mut r = rt::Reader::new(bytes, &limits)?;
        r.set_fused_leaves(fused);
        r.set_read_in_place(in_place);
        r.collect_violations(collect);
        r.locate(|ns, local| ns == NS.as_bytes() && local == b"Document", "Document")?;
        if record {
            r.record();
        }
        let v = r.read_located::<pacs_008_001_08::Document>()?;
        r.replay(&mut events);
        Ok(v)
    })();
    (res, events)
}

/// Both paths, recording or not, agree; returns whether the input was accepted.
fn same_both_ways(doc: &str) -> bool {
    let bytes = doc.as_bytes();
    let slow = read(bytes, false, true);
    let fast = read(bytes, true, true);
    assert_eq!(format!("{:?}", fast.0), format!("{:?}", slow.0), "value or error differs for\n{doc}");
    assert_eq!(fast.1, slow.1, "record differs for\n{doc}");
    let plain = read(bytes, true, false);
    assert_eq!(format!("{:?}", plain.0), format!("{:?}", slow.0), "not recording differs for\n{doc}");
    // Collecting value violations (a leaf read in one step goes on after a bad value as one
    // read element at a time does), recording or not.
    for (record, collect) in [(false, 3), (true, 3), (false, 1)] {
        let slow = read_collecting(bytes, false, record, true, collect);
        let fast = read_collecting(bytes, true, record, true, collect);
        assert_eq!(format!("{:?}", fast.0), format!("{:?}", slow.0), "collecting {collect} differs for\n{doc}");
    }
    for record in [true, false] {
        let moved = read_placed(bytes, false, record, false);
        assert_eq!(format!("{:?}", moved.0), format!("{:?}", slow.0), "moved, not in place, differs for\n{doc}");
        if record {
            assert_eq!(moved.1, slow.1, "record differs when moved for\n{doc}");
        }
    }
    slow.0.is_ok()
}

const TX: &str = "<CdtTrfTxInf><PmtId><InstrId>I1</InstrId>\n <EndToEndId>E2E</EndToEndId></PmtId>\
<IntrBkSttlmAmt Ccy=\"EUR\">10.50</IntrBkSttlmAmt>\n  <IntrBkSttlmDt>2024-03-01</IntrBkSttlmDt>\t<ChrgBr>SLEV</ChrgBr>\
<Dbtr><Nm>Debtor &amp; Co</Nm><PstlAdr>\n<StrtNm>Main</StrtNm><TwnNm>Berlin</TwnNm>\n</PstlAdr></Dbtr>\
<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>\
<DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt>\n\
<CdtrAgt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>Creditor</Nm></Cdtr>\
<RmtInf><Ustrd>Invoice 1</Ustrd>  <Ustrd>2</Ustrd></RmtInf></CdtTrfTxInf>";

fn doc(prefix: &str) -> String {
    let decl = if prefix.is_empty() { format!("xmlns=\"{NS}\"") } else { format!("xmlns:{prefix}=\"{NS}\"") };
    let p = if prefix.is_empty() { String::new() } else { format!("{prefix}:") };
    let body = format!(
        "<Document {decl}><FIToFICstmrCdtTrf>\n  <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-01-02T10:00:00Z</CreDtTm>\
<NbOfTxs>1</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>\n{TX}\n</FIToFICstmrCdtTrf></Document>"
    );
    // Prefix every element name of the body.
    format!(
        "<?xml version=\"1.0\"?>\n{}\n",
        body.replace("</", "\u{0}").replace('<', &format!("<{p}")).replace('\u{0}', &format!("</{p}"))
    )
}

/// Positions just after each tag's `>`, and the start of each tag.
fn tags(d: &str) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let b = d.as_bytes();
    let mut i = 0;
    while let Some(lt) = d.get(i..).and_then(|s| s.find('<')).map(|o| o + i) {
        let gt = d.get(lt..).and_then(|s| s.find('>')).map_or(b.len(), |o| o + lt);
        v.push((lt, gt));
        i = gt;
    }
    v
}

/// Simple elements `<x>text</x>` (start, end) in `d`.
fn leaves(d: &str) -> Vec<(usize, usize)> {
    let t = tags(d);
    t.windows(2)
        .filter(|w| {
            let (a, b) = (w[0], w[1]);
            let open = &d[a.0 + 1..a.1];
            let close = &d[b.0 + 1..b.1];
            !open.starts_with(['/', '?']) && close.strip_prefix('/') == open.split(' ').next()
        })
        .map(|w| (w[0].0, w[1].1 + 1))
        .collect()
}

#[test]
fn fused_leaves_read_as_three_events_do_over_edits_around_every_tag() {
    let mut accepted = 0;
    let mut rejected = 0;
    for prefix in ["", "p"] {
        let d = doc(prefix);
        assert!(same_both_ways(&d), "the base document is valid");
        let edits: &[(&str, bool)] = &[
            // (inserted text, whether it goes before the `>` rather than after it)
            (" ", true),
            (" a=\"1\"", true),
            (" Ccy=\"EUR\"", true),
            (" Ccy='EUR'", true),
            (" xmlns=\"urn:other\"", true),
            (" xmlns:q=\"urn:other\"", true),
            (" q:Ccy=\"EUR\"", true),
            (" xml:lang=\"en\"", true),
            ("/", true),
            ("&amp;", false),
            ("&#65;", false),
            ("\r", false),
            ("\r\n", false),
            ("\u{1}", false),
            ("x", false),
            ("<!--c-->", false),
            ("<![CDATA[x]]>", false),
            ("<Zz>1</Zz>", false),
            ("<p:Zz xmlns:p=\"urn:other\">1</p:Zz>", false),
            ("<q:Nm>1</q:Nm>", false),
            ("<Ustrd>1</Ustrd>", false),
            ("<Ustrd></Ustrd>", false),
            ("<Nm>1</Nm>", false),
            ("<Ctry>DE</Ctry>", false),
            (" ", false),
            ("\n", false),
        ];
        for &(lt, gt) in &tags(&d) {
            for &(ins, before) in edits {
                let at = if before { gt } else { gt + 1 };
                let mut e = d.clone();
                if at > e.len() {
                    continue;
                }
                e.insert_str(at, ins);
                if same_both_ways(&e) { accepted += 1 } else { rejected += 1 }
            }
            let name_at = if d[lt + 1..].starts_with('/') { lt + 2 } else { lt + 1 };
            if !d[name_at..].starts_with(['?', '!']) {
                // A misnamed tag (start or end).
                let name_end = d[name_at..].find([' ', '>']).map_or(gt, |o| o + name_at);
                let mut e = d.clone();
                e.insert(name_end, 'x');
                assert!(!same_both_ways(&e), "misnamed tag accepted:\n{e}");
                // An element name moved into another namespace (an undeclared prefix).
                let mut e = d.clone();
                e.insert_str(name_at, "q:");
                assert!(!same_both_ways(&e), "prefixed tag accepted:\n{e}");
            }
        }
        // Each simple element repeated (a duplicate of a non-repeating field), dropped, and
        // swapped with the element after it (XSD order).
        let ls = leaves(&d);
        for (i, &(a, b)) in ls.iter().enumerate() {
            let leaf = &d[a..b];
            let mut dup = d.clone();
            dup.insert_str(b, leaf);
            let ok = same_both_ways(&dup);
            // Only `Ustrd` repeats (and `StrtNm`/`TwnNm` are single): a duplicate is refused.
            assert_eq!(ok, leaf.contains("Ustrd>"), "duplicate of {leaf}");
            let mut drop = d.clone();
            drop.replace_range(a..b, "");
            if same_both_ways(&drop) {
                accepted += 1
            } else {
                rejected += 1
            }
            if let Some(&(c, e2)) = ls.get(i + 1)
                && c == b
            {
                let mut sw = d.clone();
                let next = d[c..e2].to_string();
                sw.replace_range(a..e2, &format!("{next}{leaf}"));
                let same_name = next.split('>').next() == leaf.split('>').next();
                assert_eq!(same_both_ways(&sw), same_name, "swapped {leaf} and {next}");
            }
        }
    }
    assert!(accepted > 100 && rejected > 1000, "accepted {accepted}, rejected {rejected}");
}

#[test]
fn an_element_of_complex_type_written_as_a_simple_one_is_refused_alike() {
    let d = doc("");
    // (element, replacement, whether the XSD accepts it: every field of a party is optional).
    for (from, to, valid) in [
        ("<Cdtr><Nm>Creditor</Nm></Cdtr>", "<Cdtr>Creditor</Cdtr>", false),
        ("<Cdtr><Nm>Creditor</Nm></Cdtr>", "<Cdtr> \n </Cdtr>", true),
        ("<Cdtr><Nm>Creditor</Nm></Cdtr>", "<Cdtr></Cdtr>", true),
        ("<Id><IBAN>DE89370400440532013000</IBAN></Id>", "<Id>DE89370400440532013000</Id>", false),
        ("<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>", "<SttlmInf>\t</SttlmInf>", false),
    ] {
        assert!(d.contains(from), "{from}");
        assert_eq!(same_both_ways(&d.replacen(from, to, 1)), valid, "{to}");
    }
}

#[test]
fn a_leaf_longer_than_the_limit_or_deeper_than_the_depth_limit_is_refused_alike() {
    let d = doc("").replace("Invoice 1", &"x".repeat(41));
    assert!(!same_both_ways(&d));
    let d = doc("");
    for depth in 1..=5 {
        let limits = Limits { max_depth: depth, ..Limits::default() };
        let run = |fused: bool| {
            let mut r = rt::Reader::new(d.as_bytes(), &limits)?;
            r.set_fused_leaves(fused);
            r.locate(|ns, local| ns == NS.as_bytes() && local == b"Document", "Document")?;
            r.read_located::<pacs_008_001_08::Document>()
        };
        let (a, b) = (run(true), run(false));
        assert!(a.is_err());
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}

/// The error quick-xml itself gives (its own end-tag check on) at the first ill-formed tag,
/// with the line and column of its position.
fn quick_xml_error(doc: &str) -> Option<(String, u64, u64)> {
    let mut r = quick_xml::reader::Reader::from_str(doc);
    r.config_mut().expand_empty_elements = true;
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Eof) => return None,
            Ok(_) => {}
            Err(e) => {
                let pos = usize::try_from(r.error_position()).unwrap_or(usize::MAX);
                let upto = &doc[..pos.min(doc.len())];
                let line = upto.matches('\n').count() as u64 + 1;
                let col = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
                return Some((e.to_string(), line, col));
            }
        }
    }
}

#[test]
fn end_tags_are_matched_with_quick_xmls_own_error_and_position() {
    let d = doc("");
    let mut checked = 0;
    for &(lt, gt) in &tags(&d) {
        if !d[lt + 1..].starts_with('/') {
            continue;
        }
        for edit in ["x", " x"] {
            // `</Name>` → `</Namex>`, `</Name x>`.
            let mut e = d.clone();
            e.insert_str(gt, edit);
            let Some((message, line, column)) = quick_xml_error(&e) else { continue };
            for fused in [true, false] {
                let (res, _) = read(e.as_bytes(), fused, false);
                let err = res.expect_err("an ill-formed end tag is refused");
                let v = &err.violations()[0];
                assert_eq!(
                    (v.rule, &v.message, v.line, v.column),
                    (rt::Rule::NotWellFormed, &message, line, column),
                    "{e}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn a_leaf_with_an_attribute_is_read_alike_over_edits_of_the_attribute() {
    let d = doc("");
    let at = "Ccy=\"EUR\"";
    assert!(d.contains(at));
    let long = format!("Ccy=\"{}\"", "E".repeat(41));
    // (attribute text, whether the document stays valid)
    let edits: &[(&str, bool)] = &[
        ("Ccy='EUR'", true),
        ("Ccy = \"EUR\"", true),
        ("Ccy=\"EUR\" ", true),
        ("  Ccy=\"EUR\"", true),
        ("Ccy=\"E&#85;R\"", true),
        ("Ccy=\"&#x45;UR\"", true),
        ("xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\" Ccy=\"EUR\"", true),
        ("xmlns:q=\"urn:q\" Ccy=\"EUR\"", true),
        ("Ccy=\"EUR\" Ccy=\"EUR\"", false),
        ("Ccy=\"EUR\" Ccy=\"USD\"", false),
        ("Ccy=\"EUR\" a=\"1\"", false),
        ("a=\"1\" Ccy=\"EUR\"", false),
        ("Cc=\"EUR\"", false),
        ("ccy=\"EUR\"", false),
        ("", false),
        ("Ccy=\"EU&amp;\"", false),
        ("Ccy=\"EU&foo;\"", false),
        ("Ccy=\"EU<\"", false),
        ("Ccy=\"EU>\"", false),
        ("Ccy=\"E\tR\"", false),
        ("Ccy=\"EUR\n\"", false),
        ("Ccy=\"EUR\r\"", false),
        ("Ccy=\"EU\u{1}\"", false),
        ("Ccy=\"\"", false),
        ("Ccy=\"eur\"", false),
        ("Ccy=\"EURO\"", false),
        ("Ccy=\"\u{c9}UR\"", false),
        ("Ccy=EUR", false),
        ("Ccy", false),
        ("Ccy=\"EUR", false),
        ("Ccy=\"EUR'", false),
        ("Ccy=\"EUR\"x", false),
        ("xmlns=\"urn:other\" Ccy=\"EUR\"", false),
        ("p:Ccy=\"EUR\" xmlns:p=\"urn:p\"", false),
        ("Ccy=\"EUR\" xml:lang=\"en\"", false),
        ("xmlCcy=\"EUR\"", false),
        (&long, false),
    ];
    for &(attr, valid) in edits {
        let e = d.replacen(at, attr, 1);
        assert_eq!(same_both_ways(&e), valid, "{attr}");
    }
    // The amount's text edited with the attribute in place.
    for (text, valid) in [("10.50", true), (" 10.50 ", true), ("10.5.0", false), ("", false), ("1&#48;", true)] {
        let e = d.replacen(">10.50<", &format!(">{text}<"), 1);
        assert_eq!(same_both_ways(&e), valid, "{text}");
    }
}

/// Several bad values (a BIC, an IBAN, an empty `Ustrd` of a run) collected alike, each at its
/// element's path, and reading goes on past each to the next.
#[test]
fn bad_values_of_leaves_read_in_one_step_are_collected_alike() {
    let d = doc("")
        .replace("<BICFI>COBADEFFXXX", "<BICFI>cobadeff")
        .replace("DE89370400440532013000", "DE8937040044053201300!")
        .replace("<Ustrd>2</Ustrd>", "<Ustrd></Ustrd>");
    for collect in [1, 2, 3, 10] {
        let slow = read_collecting(d.as_bytes(), false, false, true, collect);
        let fast = read_collecting(d.as_bytes(), true, false, true, collect);
        assert_eq!(format!("{:?}", fast.0), format!("{:?}", slow.0), "collecting {collect}");
        let err = fast.0.expect_err("three bad values");
        let paths: Vec<&str> = err.violations().iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths.len(), collect.min(3), "{paths:?}");
        assert!(
            paths.iter().all(|p| p.ends_with("/BICFI") || p.ends_with("/IBAN") || p.ends_with("/Ustrd[2]")),
            "{paths:?}"
        );
    }
}

//! The record hook: what `parse_any_recording` / `parse_app_header_recording` report, against
//! an independent quick-xml pass over the same bytes (corpus and hand-written documents with
//! prefixes, entities, CDATA, attributes and `xs:any` content), and errors unchanged by
//! recording.
use crate::common;

use payglot_iso20022::rt::Recorder;
use payglot_iso20022::{Limits, parse_any, parse_any_recording, parse_app_header_recording};
use quick_xml::events::Event;
use std::borrow::Cow;

/// One reported event, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Start(String, usize),
    Attr(String, String),
    Text(String),
    End,
}

/// A recorder that keeps the event list (and checks the nesting as it goes).
#[derive(Debug, Default)]
struct Events {
    events: Vec<Ev>,
    depth: usize,
}

impl<'a> Recorder<'a> for Events {
    fn start(&mut self, local_name: &'a str, offset: usize) {
        self.depth += 1;
        self.events.push(Ev::Start(local_name.to_owned(), offset));
    }
    fn attribute(&mut self, local_name: &'a str, value: Cow<'a, str>) {
        assert!(matches!(self.events.last(), Some(Ev::Start(..) | Ev::Attr(..))), "attribute after content");
        self.events.push(Ev::Attr(local_name.to_owned(), value.into_owned()));
    }
    fn text(&mut self, text: Cow<'a, str>) {
        assert!(self.depth > 0, "text outside an element");
        self.events.push(Ev::Text(text.into_owned()));
    }
    fn end(&mut self) {
        assert!(self.depth > 0, "end without start");
        self.depth -= 1;
        self.events.push(Ev::End);
    }
}

/// A recorder that writes the record back as XML (default namespace `ns` on the root).
struct Rebuild {
    ns: &'static str,
    out: String,
    /// Whether the innermost start tag is still open (attributes may follow).
    open: bool,
}

impl Rebuild {
    fn close_tag(&mut self) {
        if self.open {
            self.out.push('>');
            self.open = false;
        }
    }
}

impl<'a> Recorder<'a> for Rebuild {
    fn start(&mut self, local_name: &'a str, _offset: usize) {
        self.close_tag();
        self.out.push('<');
        self.out.push_str(local_name);
        if self.out.len() == local_name.len() + 1 {
            self.out.push_str(&format!(" xmlns=\"{}\"", self.ns));
        }
        self.open = true;
    }
    fn attribute(&mut self, local_name: &'a str, value: Cow<'a, str>) {
        self.out.push_str(&format!(" {local_name}=\"{}\"", quick_xml::escape::escape(value.as_ref())));
    }
    fn text(&mut self, text: Cow<'a, str>) {
        self.close_tag();
        self.out.push_str(&quick_xml::escape::escape(text.as_ref()));
    }
    fn end(&mut self) {
        // Element names are not repeated in `end`: keep a stack of them from the output.
        self.close_tag();
        let name = open_names(&self.out).pop().unwrap_or_default();
        self.out.push_str(&format!("</{name}>"));
    }
}

/// Names of the elements still open in a rebuilt (namespace-free) document.
fn open_names(xml: &str) -> Vec<String> {
    let mut r = quick_xml::reader::Reader::from_str(xml);
    let mut stack = Vec::new();
    while let Ok(ev) = r.read_event() {
        match ev {
            Event::Start(e) => stack.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned()),
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    stack
}

/// What a recorder must see for the subtree of the first element for which `want(local)`
/// holds, computed by a plain quick-xml pass: starts with the byte offset of `<`, attributes
/// other than namespace declarations (local names, references resolved), each element's
/// direct text before its end (unless empty, or whitespace in an element with children).
fn independent(bytes: &[u8], want: &str) -> Vec<Ev> {
    // quick-xml skips a byte order mark without counting it; the record's offsets count it.
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let mut r = quick_xml::reader::Reader::from_reader(bytes);
    r.config_mut().expand_empty_elements = true;
    r.config_mut().trim_text(false);
    let mut out = Vec::new();
    // Per open element of the subtree: direct text, has children.
    let mut stack: Vec<(String, bool)> = Vec::new();
    loop {
        let pos = usize::try_from(r.buffer_position()).expect("position") + bom;
        let ev = r.read_event().expect("well-formed input");
        match ev {
            Event::Start(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if stack.is_empty() && local != want {
                    continue;
                }
                if let Some(parent) = stack.last_mut() {
                    parent.1 = true;
                }
                out.push(Ev::Start(local, pos));
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    let key = a.key.as_ref();
                    if key == b"xmlns" || key.starts_with(b"xmlns:") {
                        continue;
                    }
                    let name = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                    out.push(Ev::Attr(name, a.unescape_value().expect("value").into_owned()));
                }
                stack.push((String::new(), false));
            }
            Event::End(_) if !stack.is_empty() => {
                let (text, children) = stack.pop().expect("open element");
                let keep =
                    if children { !text.trim_matches([' ', '\t', '\r', '\n']).is_empty() } else { !text.is_empty() };
                if keep {
                    out.push(Ev::Text(text));
                }
                out.push(Ev::End);
                if stack.is_empty() {
                    return out;
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.0.push_str(&t.xml10_content().expect("text"));
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.0.push_str(&t.decode().expect("cdata"));
                }
            }
            Event::GeneralRef(g) => {
                if let Some(top) = stack.last_mut() {
                    let c = if g.is_char_ref() {
                        g.resolve_char_ref().expect("char ref").map(String::from).unwrap_or_default()
                    } else {
                        let name = String::from_utf8_lossy(g.as_ref()).into_owned();
                        quick_xml::escape::resolve_predefined_entity(&name).expect("predefined").to_owned()
                    };
                    top.0.push_str(&c);
                }
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

fn recorded(bytes: &[u8]) -> Vec<Ev> {
    let mut rec = Events::default();
    parse_any_recording(bytes, &Limits::default(), &mut rec).expect("valid document");
    assert_eq!(rec.depth, 0, "every start has its end");
    rec.events
}

#[test]
fn the_record_of_each_valid_corpus_document_is_what_an_independent_pass_sees() {
    let files = common::corpus_files();
    if files.is_empty() {
        println!("../shared/corpus/iso20022 absent: corpus record test skipped");
        return;
    }
    let limits = Limits::default();
    let mut checked = 0;
    let mut headers = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("read corpus file");
        let Ok(plain) = parse_any(&bytes, &limits) else { continue };
        let mut rec = Events::default();
        let doc = parse_any_recording(&bytes, &limits, &mut rec)
            .unwrap_or_else(|e| panic!("{}: recording refused a valid document: {e}", path.display()));
        assert_eq!(doc, plain, "{}: recording changed the value", path.display());
        assert_eq!(rec.events, independent(&bytes, "Document"), "{}", path.display());
        for ev in &rec.events {
            if let Ev::Start(_, offset) = ev {
                assert_eq!(bytes.get(*offset), Some(&b'<'), "{}: offset {offset}", path.display());
            }
        }
        checked += 1;
        // The business header, when the document has one in an ISO namespace.
        let mut hdr = Events::default();
        match parse_app_header_recording(&bytes, &limits, &mut hdr) {
            Ok(Some(_)) => {
                assert_eq!(hdr.events, independent(&bytes, "AppHdr"), "{}: AppHdr", path.display());
                headers += 1;
            }
            Ok(None) => assert!(hdr.events.is_empty()),
            Err(e) => assert!(hdr.events.is_empty(), "{}: {e}", path.display()),
        }
    }
    assert!(checked >= 10, "only {checked} valid corpus documents");
    assert!(headers >= 1, "no corpus document with an AppHdr was recorded");
}

/// A pacs.008.001.08 with a prefix on every element, references and CDATA in values,
/// attributes, a comment, and supplementary data whose `xs:any` content has its own
/// namespace, attributes, nested elements, mixed content and references.
const PACS008: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<p:Document xmlns:p="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:x pacs.xsd">
 <p:FIToFICstmrCdtTrf>
  <p:GrpHdr><p:MsgId>M&amp;1&#x41;</p:MsgId><p:CreDtTm>2024-03-01T10:00:00</p:CreDtTm><p:NbOfTxs>1</p:NbOfTxs><p:SttlmInf><p:SttlmMtd>CLRG</p:SttlmMtd></p:SttlmInf></p:GrpHdr>
  <p:CdtTrfTxInf>
   <p:PmtId><p:EndToEndId><![CDATA[E2E<1>]]></p:EndToEndId><!-- a comment --></p:PmtId>
   <p:IntrBkSttlmAmt Ccy="EUR">12.50</p:IntrBkSttlmAmt>
   <p:ChrgBr>SHAR</p:ChrgBr>
   <p:Dbtr><p:Nm>D&#233;bitor &lt;Ltd&gt;</p:Nm></p:Dbtr>
   <p:DbtrAgt><p:FinInstnId><p:BICFI>COBADEFFXXX</p:BICFI></p:FinInstnId></p:DbtrAgt>
   <p:CdtrAgt><p:FinInstnId><p:BICFI>BNPAFRPPXXX</p:BICFI></p:FinInstnId></p:CdtrAgt>
   <p:Cdtr><p:Nm>C</p:Nm></p:Cdtr>
   <p:SplmtryData>
    <p:PlcAndNm>Here</p:PlcAndNm>
    <p:Envlp>
     <x:Ext xmlns:x="urn:example:ext" x:kind="a&amp;b" plain='1'>
      <x:Leaf>v&#65;<![CDATA[<c>]]></x:Leaf>
      <Empty/>
      <x:Mixed>one<x:In>two</x:In>three</x:Mixed>
      <x:Space> </x:Space>
     </x:Ext>
    </p:Envlp>
   </p:SplmtryData>
  </p:CdtTrfTxInf>
 </p:FIToFICstmrCdtTrf>
</p:Document>
"#;

fn at(xml: &str, needle: &str) -> usize {
    xml.find(needle).unwrap_or_else(|| panic!("{needle} not in the document"))
}

#[test]
fn prefixes_references_cdata_attributes_and_any_content_are_recorded() {
    let events = recorded(PACS008.as_bytes());
    assert_eq!(events, independent(PACS008.as_bytes(), "Document"));
    let s = |n: &str, needle: &str| Ev::Start(n.into(), at(PACS008, needle));
    let t = |v: &str| Ev::Text(v.into());
    let a = |n: &str, v: &str| Ev::Attr(n.into(), v.into());
    // Written out by hand for the parts that matter.
    assert_eq!(
        &events[..3],
        &[
            s("Document", "<p:Document"),
            a("schemaLocation", "urn:x pacs.xsd"),
            s("FIToFICstmrCdtTrf", "<p:FIToFICstmrCdtTrf")
        ]
    );
    let find = |e: &Ev| events.iter().position(|x| x == e).unwrap_or_else(|| panic!("{e:?} not recorded"));
    let msg = find(&s("MsgId", "<p:MsgId"));
    assert_eq!(&events[msg..msg + 3], &[s("MsgId", "<p:MsgId"), t("M&1A"), Ev::End]);
    let e2e = find(&s("EndToEndId", "<p:EndToEndId"));
    assert_eq!(&events[e2e..e2e + 4], &[s("EndToEndId", "<p:EndToEndId"), t("E2E<1>"), Ev::End, Ev::End]);
    let amt = find(&s("IntrBkSttlmAmt", "<p:IntrBkSttlmAmt"));
    assert_eq!(
        &events[amt..amt + 4],
        &[s("IntrBkSttlmAmt", "<p:IntrBkSttlmAmt"), a("Ccy", "EUR"), t("12.50"), Ev::End]
    );
    let nm = find(&s("Nm", "<p:Nm>D"));
    assert_eq!(events[nm + 1], t("Débitor <Ltd>"));
    let ext = find(&s("Ext", "<x:Ext"));
    assert_eq!(
        &events[ext..],
        &[
            s("Ext", "<x:Ext"),
            a("kind", "a&b"),
            a("plain", "1"),
            s("Leaf", "<x:Leaf"),
            t("vA<c>"),
            Ev::End,
            s("Empty", "<Empty"),
            Ev::End,
            s("Mixed", "<x:Mixed"),
            s("In", "<x:In"),
            t("two"),
            Ev::End,
            t("onethree"),
            Ev::End,
            s("Space", "<x:Space"),
            t(" "),
            Ev::End,
            Ev::End, // Ext
            Ev::End, // Envlp
            Ev::End, // SplmtryData
            Ev::End, // CdtTrfTxInf
            Ev::End, // FIToFICstmrCdtTrf
            Ev::End, // Document
        ]
    );
    // The value is the one parse_any builds.
    let mut rec = Events::default();
    let doc = parse_any_recording(PACS008.as_bytes(), &Limits::default(), &mut rec).expect("valid");
    assert_eq!(Some(doc), parse_any(PACS008.as_bytes(), &Limits::default()).ok());
}

#[test]
fn a_document_rebuilt_from_its_record_reads_as_the_same_value() {
    let ns = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08";
    let mut rebuild = Rebuild { ns, out: String::new(), open: false };
    let doc = parse_any_recording(PACS008.as_bytes(), &Limits::default(), &mut rebuild).expect("valid");
    // The xsi attribute loses its prefix in a namespace-free rebuild: drop it.
    let xml = rebuild.out.replace(" schemaLocation=\"urn:x pacs.xsd\"", "");
    let again = parse_any(xml.as_bytes(), &Limits::default()).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    // The xs:any content is kept as raw XML, which the rebuild writes differently (no
    // prefixes, no indentation): compare everything else through the written form.
    let strip = |d: &payglot_iso20022::AnyDocument| {
        let text = String::from_utf8(d.to_xml().expect("writes")).expect("utf-8");
        let from = text.find("<Envlp>").expect("Envlp");
        let to = text.find("</Envlp>").expect("/Envlp");
        format!("{}{}", &text[..from], &text[to..])
    };
    assert_eq!(strip(&again), strip(&doc));
    assert!(xml.contains("<Ext kind=\"a&amp;b\" plain=\"1\"><Leaf>vA&lt;c&gt;</Leaf><Empty></Empty>"), "{xml}");
}

#[test]
fn errors_are_the_same_with_a_recorder_and_nothing_is_recorded() {
    let limits = Limits { max_depth: 12, ..Limits::default() };
    let bad: Vec<String> = vec![
        // facet violation
        PACS008.replace("COBADEFFXXX", "cobadeffxxx"),
        // missing required element
        PACS008.replace("<p:ChrgBr>SHAR</p:ChrgBr>", ""),
        // undeclared entity in a value and in an attribute
        PACS008.replace("M&amp;1", "M&bogus;1"),
        PACS008.replace("Ccy=\"EUR\"", "Ccy=\"E&bogus;\""),
        PACS008.replace("urn:x pacs.xsd", "&bogus;"),
        // malformed attributes inside xs:any content
        PACS008.replace("plain='1'", "plain='1' plain='2'"),
        PACS008.replace("plain='1'", "plain='&bogus;'"),
        PACS008.replace("<Empty/>", "<Empty a=\"&lt\"/>"),
        // control character and bad reference in xs:any text
        PACS008.replace("<x:In>two", "<x:In>t\u{1}wo"),
        PACS008.replace("<x:In>two", "<x:In>&nope;"),
        // too deep inside xs:any
        PACS008.replace("<x:In>two</x:In>", "<x:In><a><b><c><d><e>two</e></d></c></b></a></x:In>"),
        // an unexpected attribute, an unclosed tag, a DOCTYPE
        PACS008.replace("<p:ChrgBr>", "<p:ChrgBr x=\"1\">"),
        PACS008.replace("</p:Cdtr>", ""),
        PACS008.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<!DOCTYPE d [<!ENTITY e \"x\">]>"),
        // an unsupported version
        PACS008.replace("pacs.008.001.08", "pacs.008.001.12"),
        // Whitespace before what is wrong (a plain read skips whitespace between elements in
        // the tokenizer, a recording one does not): the same rule, path, line and column.
        PACS008.replace("<p:ChrgBr>", "\n   stray <p:ChrgBr>"),
        PACS008.replace("<p:ChrgBr>", "\n   &amp;<p:ChrgBr>"),
        PACS008.replace("<p:ChrgBr>", "\n   <![CDATA[x]]><p:ChrgBr>"),
        PACS008.replace("<p:ChrgBr>", "\n   <?pi x?><p:ChrgBr>"),
        PACS008.replace("<p:EndToEndId><![CDATA[E2E<1>]]></p:EndToEndId>", "\n    "),
        PACS008.replace("</p:ChrgBr>", "</p:ChrgBr>\n   <p:Bogus/>"),
        PACS008.replace("</p:FIToFICstmrCdtTrf>\n</p:Document>\n", "</p:FIToFICstmrCdtTrf>\n  \n"),
    ];
    for (i, xml) in bad.iter().enumerate() {
        let plain = parse_any(xml.as_bytes(), &limits).expect_err(&format!("case {i} must be rejected"));
        let mut rec = Events::default();
        let recording = parse_any_recording(xml.as_bytes(), &limits, &mut rec).expect_err("rejected too");
        assert_eq!(recording, plain, "case {i}");
        assert!(rec.events.is_empty(), "case {i}: recorded {:?}", rec.events);
    }
    // Without the defects the same document is valid under these limits.
    assert!(parse_any(PACS008.as_bytes(), &limits).is_ok());
}

#[test]
fn the_business_header_is_recorded_before_or_after_the_document_and_absent_is_none() {
    let hdr = r#"<AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"><Fr><FIId><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></FIId></Fr><To><FIId><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></FIId></To><BizMsgIdr>B&amp;1</BizMsgIdr><MsgDefIdr>pacs.008.001.08</MsgDefIdr><CreDt>2024-03-01T10:00:00Z</CreDt></AppHdr>"#;
    let doc = PACS008.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "");
    let limits = Limits::default();
    for xml in [format!("<Env>{hdr}{doc}</Env>"), format!("<Env>{doc}{hdr}</Env>")] {
        let mut rec = Events::default();
        let header = parse_app_header_recording(xml.as_bytes(), &limits, &mut rec).expect("valid header");
        assert!(header.is_some(), "{xml}");
        assert_eq!(rec.events, independent(xml.as_bytes(), "AppHdr"));
        assert!(rec.events.contains(&Ev::Text("B&1".into())));
        let mut drec = Events::default();
        parse_any_recording(xml.as_bytes(), &limits, &mut drec).expect("valid document");
        assert_eq!(drec.events, independent(xml.as_bytes(), "Document"));
    }
    let mut rec = Events::default();
    assert_eq!(parse_app_header_recording(PACS008.as_bytes(), &limits, &mut rec).ok(), Some(None));
    assert_eq!(parse_app_header_recording(format!("<Env>{doc}</Env>").as_bytes(), &limits, &mut rec).ok(), Some(None));
    assert!(rec.events.is_empty());
    // An invalid header is an error, another head version unsupported.
    let bad = format!("<Env>{}{doc}</Env>", hdr.replace("COBADEFFXXX", "x"));
    assert!(parse_app_header_recording(bad.as_bytes(), &limits, &mut rec).is_err());
    let other = format!("<Env>{}{doc}</Env>", hdr.replace("head.001.001.02", "head.001.001.03"));
    let e = parse_app_header_recording(other.as_bytes(), &limits, &mut rec).expect_err("unsupported");
    assert_eq!(e.violations()[0].message, "unsupported version head.001.001.03");
    assert!(rec.events.is_empty());
}

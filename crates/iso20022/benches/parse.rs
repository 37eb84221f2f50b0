//! Parse and write benchmarks beside the raw floor: quick-xml tokenization of the same bytes.
//! Inputs: a pacs.008.001.08 from the shared corpus when present (else a built one), and a
//! pain.001.001.09 with 50 transactions built here. For the pacs.008 inputs,
//! `parse_recording` is `parse_any_recording` with a recorder that only counts (the cost of the
//! record hook). `parse` times a parse and the drop of its value together (`iter`: what a
//! caller that reads a document and lets it go pays; the issue 3 budget is judged on it);
//! `parse_without_drop` times each parse alone and drops its value before the next
//! (`BatchSize::PerIteration`: one value alive at a time), to show what the drop costs.
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use payglot_iso20022::{Limits, pacs_008_001_08, pain_001_001_09};
use quick_xml::events::Event;
use std::hint::black_box;

fn tokenize(bytes: &[u8]) -> usize {
    let mut r = quick_xml::reader::Reader::from_reader(bytes);
    let mut n = 0;
    loop {
        match r.read_event() {
            Ok(Event::Eof) | Err(_) => return n,
            Ok(_) => n += 1,
        }
    }
}

/// A recorder that only counts what it is given (the cost of the record hook itself).
#[derive(Default)]
struct Count(usize);

impl<'a> payglot_iso20022::rt::Recorder<'a> for Count {
    fn start(&mut self, local_name: &'a str, offset: usize) {
        self.0 += local_name.len() + offset;
    }
    fn attribute(&mut self, local_name: &'a str, value: std::borrow::Cow<'a, str>) {
        self.0 += local_name.len() + value.len();
    }
    fn text(&mut self, text: std::borrow::Cow<'a, str>) {
        self.0 += text.len();
    }
    fn end(&mut self) {
        self.0 += 1;
    }
}

fn pacs008(n: usize) -> Vec<u8> {
    let tx = r#"
    <CdtTrfTxInf>
      <PmtId><InstrId>INSTR-0001</InstrId><EndToEndId>E2E-REF-0001</EndToEndId><UETR>8a562c67-ca16-48ba-b074-65581be6f011</UETR></PmtId>
      <IntrBkSttlmAmt Ccy="EUR">12345.67</IntrBkSttlmAmt>
      <IntrBkSttlmDt>2024-03-01</IntrBkSttlmDt>
      <ChrgBr>SHAR</ChrgBr>
      <Dbtr><Nm>Debtor Company Ltd</Nm><PstlAdr><StrtNm>Main Street</StrtNm><BldgNb>1</BldgNb><PstCd>10115</PstCd><TwnNm>Berlin</TwnNm><Ctry>DE</Ctry></PstlAdr></Dbtr>
      <DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt>
      <CdtrAgt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></CdtrAgt>
      <Cdtr><Nm>Creditor SA</Nm><PstlAdr><TwnNm>Paris</TwnNm><Ctry>FR</Ctry></PstlAdr></Cdtr>
      <CdtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></CdtrAcct>
      <RmtInf><Ustrd>Invoice 2024-0001 and 2024-0002</Ustrd></RmtInf>
    </CdtTrfTxInf>"#;
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">
  <FIToFICstmrCdtTrf>
    <GrpHdr><MsgId>MSG-0001</MsgId><CreDtTm>2024-03-01T10:00:00.000+01:00</CreDtTm><NbOfTxs>1</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>"#,
    );
    for _ in 0..n {
        s.push_str(tx);
    }
    s.push_str("\n  </FIToFICstmrCdtTrf>\n</Document>\n");
    s.into_bytes()
}

fn pain001(n: usize) -> Vec<u8> {
    let tx = r#"
      <CdtTrfTxInf>
        <PmtId><InstrId>INSTR-0001</InstrId><EndToEndId>E2E-REF-0001</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">1500.00</InstdAmt></Amt>
        <CdtrAgt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></CdtrAgt>
        <Cdtr><Nm>Creditor SA</Nm><PstlAdr><TwnNm>Paris</TwnNm><Ctry>FR</Ctry></PstlAdr></Cdtr>
        <CdtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></CdtrAcct>
        <RmtInf><Ustrd>Invoice 2024-0001</Ustrd></RmtInf>
      </CdtTrfTxInf>"#;
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
  <CstmrCdtTrfInitn>
    <GrpHdr><MsgId>MSG-0001</MsgId><CreDtTm>2024-03-01T10:00:00</CreDtTm><NbOfTxs>{n}</NbOfTxs><CtrlSum>{}.00</CtrlSum><InitgPty><Nm>Debtor Company Ltd</Nm></InitgPty></GrpHdr>
    <PmtInf>
      <PmtInfId>PMT-0001</PmtInfId><PmtMtd>TRF</PmtMtd><BtchBookg>true</BtchBookg>
      <ReqdExctnDt><Dt>2024-03-04</Dt></ReqdExctnDt>
      <Dbtr><Nm>Debtor Company Ltd</Nm><PstlAdr><TwnNm>Berlin</TwnNm><Ctry>DE</Ctry></PstlAdr></Dbtr>
      <DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>"#,
        1500 * n
    );
    for _ in 0..n {
        s.push_str(tx);
    }
    s.push_str("\n    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n");
    s.into_bytes()
}

fn corpus_pacs008() -> Option<Vec<u8>> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/iso20022/pacs.008/ballerina-mt2mx__mt103_pacs_008_C_D.xml");
    std::fs::read(p).ok()
}

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let mut g = c.benchmark_group("iso20022");
    let mut inputs: Vec<(&str, Vec<u8>)> = vec![("pacs008_100tx", pacs008(100)), ("pain001_50tx", pain001(50))];
    if let Some(real) = corpus_pacs008() {
        inputs.push(("pacs008_corpus", real));
    }
    for (name, bytes) in &inputs {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(format!("{name}/tokenize"), |b| b.iter(|| tokenize(black_box(bytes))));
        if name.starts_with("pacs008") {
            let doc = pacs_008_001_08::Document::from_xml(bytes, &limits).expect("bench input is valid");
            g.bench_function(format!("{name}/parse"), |b| {
                b.iter(|| pacs_008_001_08::Document::from_xml(black_box(bytes), &limits))
            });
            g.bench_function(format!("{name}/parse_without_drop"), |b| {
                b.iter_batched(
                    || (),
                    |()| pacs_008_001_08::Document::from_xml(black_box(bytes), &limits),
                    BatchSize::PerIteration,
                )
            });
            g.bench_function(format!("{name}/write"), |b| b.iter(|| black_box(&doc).to_xml()));
            g.bench_function(format!("{name}/parse_recording"), |b| {
                b.iter(|| {
                    let mut count = Count::default();
                    let doc = payglot_iso20022::parse_any_recording(black_box(bytes), &limits, &mut count);
                    (doc, count.0)
                })
            });
        } else {
            let doc = pain_001_001_09::Document::from_xml(bytes, &limits).expect("bench input is valid");
            g.bench_function(format!("{name}/parse"), |b| {
                b.iter(|| pain_001_001_09::Document::from_xml(black_box(bytes), &limits))
            });
            g.bench_function(format!("{name}/parse_without_drop"), |b| {
                b.iter_batched(
                    || (),
                    |()| pain_001_001_09::Document::from_xml(black_box(bytes), &limits),
                    BatchSize::PerIteration,
                )
            });
            g.bench_function(format!("{name}/write"), |b| b.iter(|| black_box(&doc).to_xml()));
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

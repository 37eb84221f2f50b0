//! Codec benchmarks beside the raw floor (quick-xml tokenization of the same bytes, in the same
//! group): full decode to the canonical model of a real pacs.008.001.08 and a real-shaped
//! pain.001.001.09 (`decode`: the one typed pass, validation + mapping; `decode_tree`: the
//! element-tree path it falls back to, validation + recording + tree + mapping, for
//! comparison), encode of their canonical messages, and the
//! streaming camt.053 reader's throughput on a generated statement.
//!
//! Run: `cargo bench -p payglot-iso20022 --bench codec -- --warm-up-time 1 --measurement-time 3`
//! (the corpus file is read from `../shared/corpus/iso20022` and skipped when absent).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use payglot_core_model::{Codec, DecodeLimits, EncodeOptions};
use payglot_iso20022::{Iso20022Codec, IsoMessage, StatementEvent, StatementReader};
use quick_xml::events::Event;

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

/// [`tokenize`] from an `io::Read` (what a streaming reader reads from), through quick-xml's
/// buffered reader: each event copied into a reused buffer.
fn tokenize_read(input: impl std::io::Read) -> usize {
    let mut r = quick_xml::reader::Reader::from_reader(std::io::BufReader::with_capacity(64 * 1024, input));
    let (mut n, mut buf) = (0, Vec::new());
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return n,
            Ok(_) => n += 1,
        }
    }
}

/// A file relative to the repository root (`../shared/...` is the shared corpus).
fn input(path: &str) -> Option<Vec<u8>> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)).ok()
}

/// A camt.053.001.08 statement of `entries` entries (the shape `cargo xtask bench-data` writes).
fn statement(entries: usize) -> Vec<u8> {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>BENCH-1</MsgId><CreDtTm>2024-03-02T06:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>BENCH-STMT</Id>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>
"#,
    );
    for n in 0..entries {
        s.push_str(&format!(
            r#"      <Ntry>
        <NtryRef>{n:010}</NtryRef>
        <Amt Ccy="EUR">{}.{:02}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2024-03-01</Dt></BookgDt>
        <ValDt><Dt>2024-03-01</Dt></ValDt>
        <AcctSvcrRef>ASR-{n:012}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>E2E-{n:010}</EndToEndId><TxId>TX-{n:012}</TxId></Refs>
          <Amt Ccy="EUR">{}.{:02}</Amt>
          <CdtDbtInd>CRDT</CdtDbtInd>
          <RltdPties><Dbtr><Pty><Nm>Dupont et Fils SARL</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></DbtrAcct></RltdPties>
          <RltdAgts><DbtrAgt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></DbtrAgt></RltdAgts>
          <RmtInf><Ustrd>Invoice {n} of February, thank you</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
        <AddtlNtryInf>SEPA credit transfer {n}</AddtlNtryInf>
      </Ntry>
"#,
            n % 100_000,
            n % 100,
            n % 100_000,
            n % 100
        ));
    }
    s.push_str("    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n");
    s.into_bytes()
}

fn stream_entries(bytes: &[u8]) -> usize {
    let Ok(mut reader) = StatementReader::new(bytes, &DecodeLimits::default()) else { return 0 };
    let mut n = 0;
    while let Ok(Some(event)) = reader.next_event() {
        if matches!(event, StatementEvent::Entry(_)) {
            n += 1;
        }
    }
    n
}

fn bench(c: &mut Criterion) {
    let limits = DecodeLimits::default();
    let mut g = c.benchmark_group("iso20022_codec");
    // The corpus's only pain.001.001.09 breaks its schema (AdrLine before TwnNm), so the
    // pain.001.001.09 is our SEPA fixture, written from the EPC implementation guide.
    let real = [
        (
            "pacs008_corpus",
            IsoMessage::Pacs008V08,
            "../shared/corpus/iso20022/pacs.008/ballerina-mt2mx__mt103_pacs_008_C_D.xml",
        ),
        (
            "pain001_fixture",
            IsoMessage::Pain001V09,
            "fixtures/iso20022/pain.001.001.09/sepa-prefixed-namespace/input.xml",
        ),
    ];
    for (name, message, path) in real {
        let Some(bytes) = input(path) else {
            println!("{path} absent; {name} skipped");
            continue;
        };
        let codec = Iso20022Codec::new(message);
        let Ok(decoded) = codec.decode(&bytes, &limits) else {
            println!("{path} does not decode as {}; {name} skipped", message.id());
            continue;
        };
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(format!("{name}/tokenize"), |b| b.iter(|| tokenize(black_box(&bytes))));
        g.bench_function(format!("{name}/decode"), |b| b.iter(|| codec.decode(black_box(&bytes), &limits)));
        assert!(codec.decode_typed(&bytes, &limits).is_some(), "{name} takes the typed pass");
        g.bench_function(format!("{name}/decode_tree"), |b| {
            b.iter(|| codec.decode_reference(black_box(&bytes), &limits))
        });
        let options = EncodeOptions::lossy();
        let Ok(encoded) = codec.encode(&decoded.message, &options) else { continue };
        g.bench_function(format!("{name}/tokenize_encoded"), |b| b.iter(|| tokenize(black_box(&encoded.bytes))));
        g.bench_function(format!("{name}/encode"), |b| b.iter(|| codec.encode(black_box(&decoded.message), &options)));
        // The former path of these versions (hand-written XML read back by the validating
        // reader), for comparison with the typed encode in the same run.
        g.bench_function(format!("{name}/encode_read_back"), |b| {
            b.iter(|| codec.encode_read_back(black_box(&decoded.message), &options))
        });
    }
    let camt = statement(2_000);
    assert_eq!(stream_entries(&camt), 2_000, "the bench statement streams");
    g.throughput(Throughput::Bytes(camt.len() as u64));
    g.bench_function("camt053_2000_entries/tokenize", |b| b.iter(|| tokenize(black_box(&camt))));
    g.bench_function("camt053_2000_entries/tokenize_read", |b| b.iter(|| tokenize_read(black_box(&camt[..]))));
    g.bench_function("camt053_2000_entries/stream", |b| b.iter(|| stream_entries(black_box(&camt))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

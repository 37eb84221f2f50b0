//! Decoding an `InitiatePayment` request into the canonical model, beside raw quick-xml
//! tokenization of the same bytes (the floor for any XML decoder), in one criterion group.
//! Budget (issue 6): decode within 3x tokenization.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use payglot_core_model::{Codec, DecodeLimits};
use payglot_soap::SoapPayglot;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// The fixture request, with its transfer repeated to `transfers` transfers.
fn request(transfers: usize) -> Vec<u8> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/soap/payglot/initiate-payment-soap11/input.xml");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (Some(start), Some(end)) = (text.find("<pg:Transfers>"), text.find("</pg:Transfers>")) else {
        return text.into_bytes();
    };
    let end = end + "</pg:Transfers>".len();
    let transfer = &text[start..end];
    let mut out = String::from(&text[..start]);
    for _ in 0..transfers {
        out.push_str(transfer);
    }
    out.push_str(&text[end..]);
    out.into_bytes()
}

fn tokenize(input: &[u8]) -> usize {
    let mut reader = Reader::from_reader(input);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => {
                black_box(&event);
                events += 1;
            }
        }
    }
    events
}

fn bench(c: &mut Criterion) {
    let limits = DecodeLimits::default();
    for transfers in [1, 100] {
        let input = request(transfers);
        assert!(SoapPayglot::default().decode(&input, &limits).is_ok(), "bench input decodes");
        let mut group = c.benchmark_group(format!("soap_payglot_initiate_payment/{transfers}_transfers"));
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function("quick_xml_tokenize", |b| b.iter(|| tokenize(black_box(&input))));
        group.bench_function("decode_to_canonical", |b| {
            b.iter(|| SoapPayglot::default().decode(black_box(&input), &limits))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

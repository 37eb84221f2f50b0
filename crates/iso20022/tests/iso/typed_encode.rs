//! The typed encoder (generated types + generated writer, nothing read back) against the
//! written-then-read-back encoder it replaces for pacs.008.001.08, pain.001.001.09,
//! pain.001.001.03, pacs.004.001.09, pacs.002.001.10 and pain.002.001.10: on the
//! canonical form of every fixture and corpus file and on generated messages (the
//! `roundtrip_props` strategies, `PROPTEST_CASES` of them), both must write the same bytes with
//! the same losses (kind, path, detail, order), or both refuse. Then hand-made messages each
//! breaking one rule, refused by both with the rule and path named; and the generated writer's
//! occurrence checks on a generated value.

use std::path::{Path, PathBuf};

use payglot_core_model::arbitrary;
use payglot_core_model::{Codec, DecodeLimits, EncodeError, EncodeOptions, Message};
use payglot_iso20022::{Iso20022Codec, IsoMessage, Limits, Rule};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const TYPED: [IsoMessage; 6] = [
    IsoMessage::Pacs008V08,
    IsoMessage::Pain001V09,
    IsoMessage::Pain001V03,
    IsoMessage::Pacs004V09,
    IsoMessage::Pacs002V10,
    IsoMessage::Pain002V10,
];

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Written,
    BothRefused,
}

/// Encode `message` as `target` with `opts` through both encoders; an error when they differ
/// (or when the typed path is not taken, or `encode` is not it).
fn agree(target: IsoMessage, message: &Message, opts: &EncodeOptions) -> Result<Outcome, String> {
    let codec = Iso20022Codec::new(target);
    let Some(typed) = codec.encode_typed(message, opts) else {
        return Err(format!("{}: the typed encoder does not take this message", target.id()));
    };
    let dispatched = codec.encode(message, opts);
    if dispatched.as_ref().map(|e| &e.bytes).ok() != typed.as_ref().map(|e| &e.bytes).ok() {
        return Err(format!("{}: `encode` does not give the typed encoder's result", target.id()));
    }
    let read_back = codec.encode_read_back(message, opts);
    match (typed, read_back) {
        (Ok(a), Ok(b)) => {
            if a.bytes != b.bytes {
                let (a, b) = (String::from_utf8_lossy(&a.bytes), String::from_utf8_lossy(&b.bytes));
                let line = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
                return Err(format!(
                    "{}: bytes differ at line {}: typed {:?} / read-back {:?}",
                    target.id(),
                    line + 1,
                    a.lines().nth(line),
                    b.lines().nth(line)
                ));
            }
            let show = |l: &[payglot_core_model::Loss]| l.iter().map(|l| format!("{l:?}")).collect::<Vec<_>>();
            if show(&a.losses) != show(&b.losses) {
                return Err(format!(
                    "{}: losses differ: typed {:#?} / read-back {:#?}",
                    target.id(),
                    show(&a.losses),
                    show(&b.losses)
                ));
            }
            Ok(Outcome::Written)
        }
        (Err(a), Err(_)) => {
            let EncodeError::Unrepresentable { .. } = &a else {
                return Err(format!("{}: the typed encoder failed with {a}, not as unrepresentable", target.id()));
            };
            Ok(Outcome::BothRefused)
        }
        (Ok(_), Err(b)) => Err(format!("{}: the read-back encoder refused ({b}), the typed one wrote", target.id())),
        (Err(a), Ok(_)) => Err(format!("{}: the typed encoder refused ({a}), the read-back one wrote", target.id())),
    }
}

/// Lossy options, the AppHdr written (when the message has one) if `header`.
fn with_header(header: bool) -> EncodeOptions {
    let mut opts = EncodeOptions::lossy();
    opts.business_header = header;
    opts
}

fn options() -> [EncodeOptions; 2] {
    [with_header(false), with_header(true)]
}

fn fixture_inputs() -> Vec<PathBuf> {
    super::common::files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/iso20022"), |path| {
        path.file_name().is_some_and(|n| n == "input.xml")
    })
}

/// The canonical message of an ISO 20022 file (lenient text, so more files give one), if any.
fn canonical(bytes: &[u8]) -> Option<Message> {
    let format = payglot_iso20022::sniff(bytes)?.ok()?;
    let version = IsoMessage::ALL.into_iter().find(|m| m.format() == format)?;
    let codec = Iso20022Codec::new(version).lenient_text(true);
    codec.decode(bytes, &DecodeLimits::default()).ok().map(|d| d.message)
}

#[test]
fn typed_and_read_back_encoders_agree_on_fixtures_and_corpus() {
    let mut files = fixture_inputs();
    let fixtures = files.len();
    files.extend(super::common::corpus_files());
    if files.len() == fixtures {
        println!("../shared/corpus/iso20022 is absent; only the fixtures are compared");
    }
    let mut failures = Vec::new();
    let mut written = [0usize; 6];
    let mut refused = [0usize; 6];
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else { continue };
        let Some(message) = canonical(&bytes) else { continue };
        for (i, target) in TYPED.into_iter().enumerate() {
            let kind_fits = matches!(
                (target, &message),
                (IsoMessage::Pacs008V08, Message::InterbankTransfer(_))
                    | (IsoMessage::Pain001V09 | IsoMessage::Pain001V03, Message::PaymentInitiation(_))
                    | (IsoMessage::Pacs004V09, Message::PaymentReturn(_))
                    | (IsoMessage::Pacs002V10 | IsoMessage::Pain002V10, Message::StatusReport(_))
            );
            if !kind_fits {
                continue;
            }
            for opts in options() {
                match agree(target, &message, &opts) {
                    Ok(Outcome::Written) => written[i] += 1,
                    Ok(Outcome::BothRefused) => refused[i] += 1,
                    Err(e) => failures.push(format!("{}: {e}", file.display())),
                }
            }
        }
    }
    println!("typed encode agreement over {} files: written {written:?}, both refused {refused:?}", files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Not vacuous: each typed version wrote documents (with and without the AppHdr).
    assert!(written.iter().all(|&n| n >= 4), "too few documents written: {written:?}");
}

fn proptest_agreement(target: IsoMessage, strategy: BoxedStrategy<Message>) {
    let mut runner = TestRunner::new(Config::default());
    let written = std::cell::Cell::new(0usize);
    let refused = std::cell::Cell::new(0usize);
    let outcome = runner.run(&(strategy, any::<bool>()), |(message, header)| {
        let opts = with_header(header);
        match agree(target, &message, &opts) {
            Ok(Outcome::Written) => written.set(written.get() + 1),
            Ok(Outcome::BothRefused) => refused.set(refused.get() + 1),
            Err(e) => return Err(TestCaseError::fail(e)),
        }
        Ok(())
    });
    let (written, refused) = (written.get(), refused.get());
    println!("{}: {written} generated messages written identically, {refused} refused by both", target.id());
    if let Err(error) = outcome {
        panic!("{error}");
    }
    assert!(written > 0, "{}: no generated message was written", target.id());
}

#[test]
fn typed_and_read_back_encoders_agree_on_generated_pacs008() {
    proptest_agreement(
        IsoMessage::Pacs008V08,
        arbitrary::interbank_transfer().prop_map(Message::InterbankTransfer).boxed(),
    );
}

#[test]
fn typed_and_read_back_encoders_agree_on_generated_pain001() {
    let strategy = arbitrary::payment_initiation().prop_map(Message::PaymentInitiation).boxed();
    proptest_agreement(IsoMessage::Pain001V09, strategy.clone());
    proptest_agreement(IsoMessage::Pain001V03, strategy);
}

#[test]
fn typed_and_read_back_encoders_agree_on_generated_pacs004() {
    proptest_agreement(IsoMessage::Pacs004V09, arbitrary::payment_return().prop_map(Message::PaymentReturn).boxed());
}

#[test]
fn typed_and_read_back_encoders_agree_on_generated_status_reports() {
    let strategy = arbitrary::status_report().prop_map(Message::StatusReport).boxed();
    proptest_agreement(IsoMessage::Pacs002V10, strategy.clone());
    proptest_agreement(IsoMessage::Pain002V10, strategy);
}

// ---------------------------------------------------------------- hand-made invalid messages

fn fixture_message(path: &str) -> Message {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/iso20022").join(path))
        .expect("fixture");
    canonical(&bytes).expect("the fixture decodes")
}

fn pacs008() -> (Message, IsoMessage) {
    (fixture_message("pacs.008.001.08/cbpr-with-apphdr/input.xml"), IsoMessage::Pacs008V08)
}

fn pain001() -> (Message, IsoMessage) {
    (fixture_message("pain.001.001.09/sepa-prefixed-namespace/input.xml"), IsoMessage::Pain001V09)
}

/// Both encoders refuse `message`; the typed one's error names `rule` and `path` (substrings).
fn refused(target: IsoMessage, message: &Message, rule: &str, path: &str) {
    let codec = Iso20022Codec::new(target);
    let old = codec.encode_read_back(message, &EncodeOptions::lossy());
    assert!(old.is_err(), "{}: the read-back encoder wrote it", target.id());
    let error = codec.encode(message, &EncodeOptions::lossy()).expect_err("the typed encoder refuses");
    let EncodeError::Unrepresentable { path: at, message: reason } = &error else {
        panic!("not unrepresentable: {error}")
    };
    assert!(reason.contains(rule), "{}: {reason:?} does not name {rule:?}", target.id());
    assert!(at.contains(path), "{}: path {at:?} does not contain {path:?}", target.id());
    // The same refusal must not depend on asking for the AppHdr.
    let opts = with_header(true);
    assert!(codec.encode(message, &opts).is_err());
}

fn transfer_mut(message: &mut Message) -> &mut payglot_core_model::transfer::CreditTransfer {
    match message {
        Message::InterbankTransfer(m) => m.transfers.first_mut().expect("a transfer"),
        Message::PaymentInitiation(m) => {
            m.batches.first_mut().and_then(|b| b.transfers.first_mut()).expect("a transfer")
        }
        _ => panic!("not a transfer message"),
    }
}

#[test]
fn no_transactions_is_refused_by_both() {
    let (mut m, target) = pacs008();
    if let Message::InterbankTransfer(t) = &mut m {
        t.transfers.clear();
    }
    refused(target, &m, "at least one transfer", "/message/interbank_transfer/transfers");
    let (mut m, target) = pain001();
    if let Message::PaymentInitiation(p) = &mut m {
        p.batches.clear();
    }
    refused(target, &m, "at least one batch", "/message/payment_initiation/batches");
}

#[test]
fn a_value_too_long_for_its_target_type_is_refused_with_the_facet() {
    // ClrSys/Cd is ExternalCashClearingSystem1Code (maxLength 3); the model allows 5.
    let (mut m, target) = pacs008();
    if let Message::InterbankTransfer(t) = &mut m {
        t.settlement.clearing_system = Some(payglot_core_model::CodeOrProprietary::Code(
            payglot_core_model::text::Text::<5>::new("ABCDE").expect("text"),
        ));
    }
    refused(target, &m, "maxLength: ClrSys", "/message/interbank_transfer/settlement/clearing_system");
}

#[test]
fn a_code_outside_its_enumeration_is_refused() {
    // pain.001.001.09's RateTp is ExchangeRateType1Code (SPOT, SALE, AGRD).
    let (mut m, target) = pain001();
    transfer_mut(&mut m).exchange = Some(payglot_core_model::transfer::Exchange {
        rate: rust_decimal::Decimal::new(11, 1),
        rate_type: Some(payglot_core_model::text::Text::new("FIXD").expect("text")),
        contract_id: None,
    });
    refused(target, &m, "enumeration: RateTp", "/transfers/0/exchange");
}

#[test]
fn a_rate_over_its_total_digits_is_refused() {
    // XchgRate is BaseOneRate: totalDigits 11, fractionDigits 10.
    let (mut m, target) = pacs008();
    transfer_mut(&mut m).exchange = Some(payglot_core_model::transfer::Exchange {
        rate: rust_decimal::Decimal::new(1_234_567_890_125, 1),
        rate_type: None,
        contract_id: None,
    });
    refused(target, &m, "totalDigits: XchgRate", "/transfers/0/exchange/rate");
}

#[test]
fn an_account_without_an_id_and_a_proprietary_address_type_are_refused() {
    let (mut m, target) = pacs008();
    let t = transfer_mut(&mut m);
    let account = t.creditor_account.as_mut().expect("the fixture has a creditor account");
    account.id = None;
    account.proxy = Some(payglot_core_model::Proxy {
        kind: None,
        id: payglot_core_model::text::Text::new("+4912345678").expect("text"),
    });
    refused(target, &m, "requires an account id", "/transfers/0/creditor_account");

    let (mut m, target) = pain001();
    let t = transfer_mut(&mut m);
    t.creditor.postal_address.get_or_insert_with(Default::default).address_type = Some(
        payglot_core_model::CodeOrProprietary::Proprietary(payglot_core_model::text::Text::new("HOME").expect("text")),
    );
    refused(target, &m, "element-only-content", "/transfers/0/creditor/postal_address/address_type");
}

#[test]
fn eight_address_lines_write_seven_and_report_the_eighth_in_both() {
    let (mut m, target) = pacs008();
    let line = |i: usize| payglot_core_model::text::Text::new(format!("line {i}")).expect("text");
    transfer_mut(&mut m).debtor.postal_address.get_or_insert_with(Default::default).address_lines =
        (1..=8).map(line).collect();
    assert_eq!(agree(target, &m, &EncodeOptions::lossy()), Ok(Outcome::Written));
    let encoded = Iso20022Codec::new(target).encode(&m, &EncodeOptions::lossy()).expect("written");
    let text = String::from_utf8(encoded.bytes).expect("utf-8");
    assert!(text.contains("<AdrLine>line 7</AdrLine>") && !text.contains("line 8"));
    assert!(encoded.losses.iter().any(|l| l.to_string().contains("/debtor/postal_address/address_lines/7")));
}

#[test]
fn an_eleventh_regulatory_report_is_reported_not_silently_dropped() {
    for (mut m, target) in [pacs008(), pain001()] {
        let report = payglot_core_model::transfer::RegulatoryReport {
            indicator: Some(payglot_core_model::text::Text::new("CRED").expect("text")),
            ..Default::default()
        };
        transfer_mut(&mut m).regulatory_reporting = vec![report; 11];
        assert_eq!(agree(target, &m, &EncodeOptions::lossy()), Ok(Outcome::Written));
        let encoded = Iso20022Codec::new(target).encode(&m, &EncodeOptions::lossy()).expect("written");
        let text = String::from_utf8(encoded.bytes).expect("utf-8");
        assert_eq!(text.matches("<RgltryRptg>").count(), 10, "{}", target.id());
        assert!(
            encoded.losses.iter().any(|l| l.to_string().contains("/regulatory_reporting/10")),
            "{}: {:?}",
            target.id(),
            encoded.losses
        );
    }
}

// ---------------------------------------------------------------- the generated writer

#[test]
fn the_generated_writer_refuses_occurrences_the_schema_forbids() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/iso20022/pacs.008.001.08/cbpr-with-apphdr/input.xml"),
    )
    .expect("fixture");
    let Ok(payglot_iso20022::AnyDocument::Pacs00800108(doc)) = payglot_iso20022::parse_any(&bytes, &Limits::default())
    else {
        panic!("the fixture is a pacs.008.001.08");
    };
    assert!(doc.to_xml().is_ok());

    let mut none = doc.clone();
    none.fi_to_fi_cstmr_cdt_trf.cdt_trf_tx_inf.clear();
    let e = none.to_xml().expect_err("CdtTrfTxInf is 1..unbounded");
    let v = e.violations().first().expect("a violation");
    assert_eq!((v.rule, v.path.as_str()), (Rule::MinOccurs, "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf"));

    let mut eleven = doc.clone();
    let tx = eleven.fi_to_fi_cstmr_cdt_trf.cdt_trf_tx_inf.first_mut().expect("a transaction");
    tx.rgltry_rptg = vec![
        payglot_iso20022::pacs_008_001_08::RegulatoryReporting3 {
            dbt_cdt_rptg_ind: None,
            authrty: None,
            dtls: vec![]
        };
        11
    ];
    let e = eleven.to_xml().expect_err("RgltryRptg is 0..10");
    let v = e.violations().first().expect("a violation");
    assert_eq!((v.rule, v.path.as_str()), (Rule::MaxOccurs, "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/RgltryRptg"));
    assert_eq!(v.rule.as_str(), "maxOccurs");
}

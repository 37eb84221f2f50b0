//! The streaming reader's typed entry decode (`codec::typed::camt`) gives exactly what the
//! element-tree path (`StatementReader::new_reference`) gives — the same events in the same
//! order, the same losses after each event, the same error (kind, message, location) — over
//! every camt.053/054 file of the corpus and our fixtures, over generated statements of the
//! four versions (the round-trip strategies, encoded; `PROPTEST_CASES` cases each), over
//! statements edited to carry elements the canonical model has no field for at every level
//! of an entry, and over invalid entries (one per rule); and the typed path is really taken
//! (`typed_entries`), so a comparison of the tree path with itself cannot pass for it — and so
//! is the in-place read that takes an entry from the buffer before any scan
//! (`entries_in_place`), so the scanned path cannot pass for it either.

use payglot_core_model::{Codec, DecodeError, DecodeLimits, EncodeOptions, Loss, Message, arbitrary};
use payglot_iso20022::{Iso20022Codec, IsoMessage, StatementEvent, StatementReader};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::corpus_codec::{Trickle, entry_with, statement_files, statement_with};

/// Everything one reader gives: the header's losses, each event with the losses taken right
/// after it, the error that ended it (if any), and how many entries were decoded typed.
#[derive(Debug, PartialEq)]
struct Run {
    header: Vec<Loss>,
    events: Vec<(StatementEvent, Vec<Loss>)>,
    error: Option<(String, String, String)>,
    typed: u64,
    in_place: u64,
}

fn shown(e: &DecodeError) -> (String, String, String) {
    (format!("{:?}", e.kind()), e.message().to_owned(), format!("{:?}", e.location()))
}

fn run<R: std::io::Read>(reader: Result<StatementReader<R>, DecodeError>) -> Run {
    let mut reader = match reader {
        Ok(reader) => reader,
        Err(e) => {
            return Run { header: Vec::new(), events: Vec::new(), error: Some(shown(&e)), typed: 0, in_place: 0 };
        }
    };
    let header = reader.take_losses();
    let mut events = Vec::new();
    let error = loop {
        match reader.next_event() {
            Ok(Some(event)) => events.push((event, reader.take_losses())),
            Ok(None) => break None,
            Err(e) => break Some(shown(&e)),
        }
    };
    Run { header, events, error, typed: reader.typed_entries(), in_place: reader.entries_in_place() }
}

/// Both paths over `bytes`, read at once and 7 bytes at a time: the same run; how many
/// entries the typed path decoded.
fn agree(bytes: &[u8], limits: &DecodeLimits, name: &str) -> u64 {
    agree_in_place(bytes, limits, name).0
}

/// [`agree`], and how many of the typed entries were read in place (read at once).
fn agree_in_place(bytes: &[u8], limits: &DecodeLimits, name: &str) -> (u64, u64) {
    let reference = run(StatementReader::new_reference(bytes, limits));
    assert_eq!(reference.typed, 0, "{name}: the reference decodes no entry typed");
    let typed = run(StatementReader::new(bytes, limits));
    let strip = |r: &Run| (r.header.clone(), r.events.clone(), r.error.clone());
    assert_eq!(strip(&typed), strip(&reference), "{name}: the typed entry decode differs from the tree path");
    // (The column of a `limitBytes` error depends on how the input arrives, on both paths.)
    let trickled = run(StatementReader::new(Trickle(bytes), limits));
    let trickled_reference = run(StatementReader::new_reference(Trickle(bytes), limits));
    assert_eq!(strip(&trickled), strip(&trickled_reference), "{name}: read 7 bytes at a time");
    assert!(typed.in_place <= typed.typed, "{name}: an entry read in place is a typed entry");
    (typed.typed, typed.in_place)
}

#[test]
fn typed_entries_match_the_tree_path_on_the_corpus_and_fixtures() {
    let files = statement_files();
    assert!(files.len() >= 4, "too few statement files: {}", files.len());
    let (mut typed, mut in_place, mut entries) = (0, 0, 0);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let name = file.display().to_string();
        let (t, p) = agree_in_place(&bytes, &DecodeLimits::default(), &name);
        (typed, in_place) = (typed + t, in_place + p);
        entries += run(StatementReader::new_reference(&bytes[..], &DecodeLimits::default()))
            .events
            .iter()
            .filter(|(e, _)| matches!(e, StatementEvent::Entry(_)))
            .count() as u64;
    }
    println!("{} statement files, {entries} entries, {typed} decoded typed, {in_place} of them in place", files.len());
    assert!(typed * 2 >= entries && typed > 0, "only {typed} of {entries} entries took the typed path");
    assert!(in_place > 0, "no entry was read in place");
}

#[test]
fn typed_entries_match_the_tree_path_on_generated_statements() {
    let reports = arbitrary::account_reports();
    let versions = [
        (IsoMessage::Camt053V08, reports.clone().prop_map(Message::Statement).boxed()),
        (IsoMessage::Camt053V02, reports.clone().prop_map(Message::Statement).boxed()),
        (IsoMessage::Camt054V08, reports.clone().prop_map(Message::Notification).boxed()),
        (IsoMessage::Camt054V02, reports.prop_map(Message::Notification).boxed()),
    ];
    for (version, strategy) in versions {
        let codec = Iso20022Codec::new(version);
        // `PROPTEST_CASES` (1,000 in CI) or 256.
        let mut runner = TestRunner::new(Config::default());
        let (typed, documents) = (std::cell::Cell::new(0u64), std::cell::Cell::new(0u64));
        let in_place = std::cell::Cell::new(0u64);
        let outcome = runner.run(&strategy, |message| {
            let mut options = EncodeOptions::lossy();
            options.business_header = true;
            if let Ok(encoded) = codec.encode(&message, &options) {
                documents.set(documents.get() + 1);
                let (t, p) = agree_in_place(&encoded.bytes, &DecodeLimits::default(), version.id());
                typed.set(typed.get() + t);
                in_place.set(in_place.get() + p);
            }
            Ok(())
        });
        outcome.unwrap();
        let (id, documents, typed, in_place) = (version.id(), documents.get(), typed.get(), in_place.get());
        println!("{id}: {documents} documents, {typed} entries decoded typed, {in_place} of them in place");
        // At 256 cases as few as 18 reports of camt.053.001.02 encode (what it cannot carry
        // fails the encode): the floors leave room for that.
        assert!(documents >= 10 && typed >= 10, "{id}: too few typed entries");
        assert!(in_place >= 5, "{id}: too few entries read in place");
    }
}

/// Insert `what` before the first `before` (which must be there).
fn edit(base: &str, before: &str, what: &str) -> String {
    assert!(base.contains(before), "{before} not in the base document");
    base.replacen(before, &format!("{what}{before}"), 1)
}

/// Each edit (of a base of two entries) must stay valid, lose something (on the tree path),
/// agree, and have both entries decoded typed.
fn check_edits(base: &[u8], edits: &[String]) {
    let limits = DecodeLimits::default();
    assert_eq!(agree(base, &limits, "base"), 2, "the base takes the typed path");
    let base_losses = StatementReader::new_reference(base, &limits).and_then(StatementReader::into_decoded);
    assert!(base_losses.unwrap().losses.is_empty(), "the base is lossless");
    for (i, edited) in edits.iter().enumerate() {
        let name = format!("edit {i}");
        let reference = StatementReader::new_reference(edited.as_bytes(), &limits)
            .and_then(StatementReader::into_decoded)
            .unwrap_or_else(|e| panic!("{name} must stay valid: {e}\n{edited}"));
        assert!(!reference.losses.is_empty(), "{name} must lose something: {edited}");
        let (typed, in_place) = agree_in_place(edited.as_bytes(), &limits, &name);
        assert_eq!((typed, in_place), (2, 1), "{name}: both entries decoded typed, the second in place");
    }
}

const ENTRY_08: &str = "<Ntry><NtryRef>R1</NtryRef><Amt Ccy=\"EUR\">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
<RvslInd>false</RvslInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-03-01</Dt></BookgDt>\
<ValDt><DtTm>2024-03-01T10:00:00</DtTm></ValDt><AcctSvcrRef>ASR1</AcctSvcrRef>\
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn>\
<Prtry><Cd>X</Cd><Issr>I</Issr></Prtry></BkTxCd>\
<NtryDtls><Btch><MsgId>B1</MsgId><NbOfTxs>1</NbOfTxs><TtlAmt Ccy=\"EUR\">10.00</TtlAmt></Btch><TxDtls>\
<Refs><EndToEndId>E1</EndToEndId><UETR>eb6305c9-1f7f-49de-aed0-16487c27b42d</UETR></Refs>\
<Amt Ccy=\"EUR\">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
<AmtDtls><InstdAmt><Amt Ccy=\"USD\">11.00</Amt></InstdAmt></AmtDtls>\
<RltdPties><Dbtr><Pty><Nm>A</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>\
<Cdtr><Pty><Nm>B</Nm></Pty></Cdtr></RltdPties>\
<RltdAgts><DbtrAgt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></DbtrAgt></RltdAgts>\
<Purp><Cd>SALA</Cd></Purp><RmtInf><Ustrd>U</Ustrd></RmtInf>\
<RtrInf><Rsn><Cd>AC01</Cd></Rsn><AddtlInf>x</AddtlInf></RtrInf><AddtlTxInf>T</AddtlTxInf>\
</TxDtls></NtryDtls><AddtlNtryInf>N</AddtlNtryInf></Ntry>";

#[test]
fn typed_entries_report_the_tree_paths_losses_at_every_level_08() {
    let base = String::from_utf8(statement_with(&format!("{ENTRY_08}\n{ENTRY_08}"))).unwrap();
    let agent = "<FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId>";
    let amount = |name: &str, value: &str| format!("<{name}><Amt Ccy=\"EUR\">{value}</Amt></{name}>");
    let edits = [
        edit(
            &base,
            "<BkTxCd>",
            "<Avlbty><Dt><NbOfDays>1</NbOfDays></Dt><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Avlbty>",
        ),
        edit(&base, "<NtryDtls>", "<ComssnWvrInd>true</ComssnWvrInd>"),
        edit(&base, "<NtryDtls>", "<AddtlInfInd><MsgNmId>camt.054</MsgNmId></AddtlInfInd>"),
        edit(&base, "<NtryDtls>", &format!("<AmtDtls>{}</AmtDtls>", amount("TxAmt", "10.00"))),
        edit(&base, "<NtryDtls>", "<TechInptChanl><Cd>FAXI</Cd></TechInptChanl>"),
        edit(&base, "<AddtlNtryInf>", "<NtryDtls><Btch><MsgId>B2</MsgId></Btch><TxDtls/></NtryDtls>"),
        edit(&base, "</Refs>", "<AcctOwnrTxId>O1</AcctOwnrTxId><Prtry><Tp>T</Tp><Ref>R</Ref></Prtry>"),
        edit(&base, "</AmtDtls>", &amount("TxAmt", "9.00")),
        edit(&base, "</AmtDtls>", &amount("TxAmt", "10.0")),
        edit(&base, "</AmtDtls>", &format!("{}{}", amount("CntrValAmt", "1.00"), amount("AnncdPstngAmt", "2.00"))),
        edit(&base, "</InstdAmt>", "<CcyXchg><SrcCcy>USD</SrcCcy><XchgRate>1.1</XchgRate></CcyXchg>"),
        edit(&base, "<Dbtr>", "<InitgPty><Pty><Nm>I</Nm></Pty></InitgPty>"),
        edit(&base, "<Cdtr>", &format!("<UltmtDbtr><Agt>{agent}</Agt></UltmtDbtr>")),
        edit(&base, "</RltdPties>", "<TradgPty><Pty><Nm>T</Nm></Pty></TradgPty>"),
        edit(&base, "</Pty></Dbtr>", "<CtctDtls><FaxNb>+1-123</FaxNb></CtctDtls>"),
        edit(&base, "<DbtrAgt>", &format!("<InstgAgt>{agent}</InstgAgt>")),
        edit(&base, "</RltdAgts>", &format!("<IntrmyAgt1>{agent}</IntrmyAgt1>")),
        edit(&base, "</DbtrAgt>", "<BrnchId><Nm>Branch</Nm></BrnchId>"),
        edit(&base, "<Purp>", "<LclInstrm><Cd>INST</Cd></LclInstrm>"),
        edit(&base, "<RmtInf>", "<RltdRmtInf><RmtId>R</RmtId></RltdRmtInf>"),
        edit(&base, "<RtrInf>", "<RltdDts><AccptncDtTm>2024-03-01T10:00:00</AccptncDtTm></RltdDts>"),
        edit(&base, "<Rsn>", "<OrgnlBkTxCd><Prtry><Cd>X</Cd></Prtry></OrgnlBkTxCd>"),
        base.replacen("DE89370400440532013000", "DE00370400440532013000", 1),
        // Only agents as related parties: the parties hold nothing canonical.
        base.replacen("<Dbtr><Pty><Nm>A</Nm></Pty></Dbtr>", &format!("<Dbtr><Agt>{agent}</Agt></Dbtr>"), 1),
    ];
    // The TxAmt equal to Amt (index 3 is the entry's own AmtDtls, lost whole) is left to the
    // tree path: edit 8 ("10.0" differs in scale) is typed, an equal text is not.
    check_edits(base.as_bytes(), &edits);
    let equal = edit(&base, "</AmtDtls>", &amount("TxAmt", "10.00"));
    assert_eq!(agree(equal.as_bytes(), &DecodeLimits::default(), "equal TxAmt"), 1, "the other entry is typed");
}

const ENTRY_02: &str = "<Ntry><NtryRef>R1</NtryRef><Amt Ccy=\"EUR\">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>\
<Sts>BOOK</Sts><BookgDt><Dt>2024-03-01</Dt></BookgDt><ValDt><Dt>2024-03-01</Dt></ValDt>\
<BkTxCd><Prtry><Cd>X</Cd></Prtry></BkTxCd>\
<NtryDtls><Btch><PmtInfId>P1</PmtInfId><CdtDbtInd>DBIT</CdtDbtInd></Btch><TxDtls>\
<Refs><MsgId>M1</MsgId><EndToEndId>E1</EndToEndId></Refs>\
<AmtDtls><InstdAmt><Amt Ccy=\"USD\">11.00</Amt></InstdAmt><TxAmt><Amt Ccy=\"EUR\">10.00</Amt></TxAmt></AmtDtls>\
<RltdPties><Dbtr><Nm>A</Nm></Dbtr><Cdtr><Nm>B</Nm></Cdtr>\
<CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct></RltdPties>\
<RltdAgts><CdtrAgt><FinInstnId><BIC>BNPAFRPPXXX</BIC></FinInstnId></CdtrAgt></RltdAgts>\
<Purp><Cd>SALA</Cd></Purp><RmtInf><Ustrd>U</Ustrd></RmtInf>\
<RtrInf><Rsn><Cd>AC01</Cd></Rsn></RtrInf><AddtlTxInf>T</AddtlTxInf>\
</TxDtls></NtryDtls><AddtlNtryInf>N</AddtlNtryInf></Ntry>";

/// A camt.053.001.02 statement around `entries`.
fn statement_02(entries: &str) -> String {
    format!(
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>\n\
         <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-01T10:00:00</CreDtTm></GrpHdr>\n\
         <Stmt><Id>S1</Id><CreDtTm>2024-03-01T10:00:00</CreDtTm>\
         <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>\n\
         <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">10.00</Amt>\n\
         <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>\n{entries}\n\
         </Stmt></BkToCstmrStmt></Document>\n"
    )
}

#[test]
fn typed_entries_report_the_tree_paths_losses_at_every_level_02() {
    let base = statement_02(&format!("{ENTRY_02}\n{ENTRY_02}"));
    let agent = "<FinInstnId><BIC>BNPAFRPPXXX</BIC></FinInstnId>";
    let edits = [
        edit(&base, "<NtryDtls>", "<ComssnWvrInd>false</ComssnWvrInd>"),
        edit(&base, "<AddtlNtryInf>", "<NtryDtls><Btch><MsgId>B2</MsgId></Btch></NtryDtls>"),
        edit(&base, "</Refs>", "<Prtry><Tp>T</Tp><Ref>R</Ref></Prtry>"),
        edit(&base, "</TxAmt>", "<CcyXchg><SrcCcy>USD</SrcCcy><XchgRate>1.1</XchgRate></CcyXchg>"),
        edit(&base, "</AmtDtls>", "<CntrValAmt><Amt Ccy=\"EUR\">1.00</Amt></CntrValAmt>"),
        edit(&base, "<Dbtr>", "<InitgPty><Nm>I</Nm></InitgPty>"),
        edit(&base, "</RltdAgts>", &format!("<IntrmyAgt1>{agent}</IntrmyAgt1>")),
        edit(&base, "<Rsn>", "<OrgnlBkTxCd><Prtry><Cd>X</Cd></Prtry></OrgnlBkTxCd>"),
        edit(&base, "<RtrInf>", "<Tax><Dbtr><TaxId>1</TaxId></Dbtr></Tax>"),
        base.replacen(
            "DE89370400440532013000</IBAN></Id></CdtrAcct>",
            "DE00370400440532013000</IBAN></Id></CdtrAcct>",
            1,
        ),
    ];
    check_edits(base.as_bytes(), &edits);
}

/// Invalid entries, one per rule the validating reader enforces (a facet, a missing element,
/// an unexpected element, the depth limit, the size limit): the same error, kind, message and
/// location, on both paths (the typed path hands any error to the tree path).
#[test]
fn invalid_entries_give_the_tree_paths_errors() {
    // A small first entry (within every limit below), then the entry under test.
    let first = "<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
                 <BkTxCd><Prtry><Cd>X</Cd></Prtry></BkTxCd></Ntry>";
    let limits = |depth: usize, bytes: usize| {
        let mut limits = DecodeLimits::default();
        limits.max_depth = depth;
        limits.max_bytes = bytes;
        limits
    };
    let default = DecodeLimits::default();
    let good = ENTRY_08;
    let cases: [(&str, String, DecodeLimits); 6] = [
        ("facet", good.replacen("10.00</Amt>", "10.000001</Amt>", 1), default.clone()),
        ("pattern", good.replacen("Ccy=\"EUR\"", "Ccy=\"eur\"", 1), default.clone()),
        ("missing element", good.replacen("<CdtDbtInd>CRDT</CdtDbtInd>", "", 1), default.clone()),
        ("unexpected element", good.replacen("<AcctSvcrRef>", "<Foo/><AcctSvcrRef>", 1), default.clone()),
        // Document/BkToCstmrStmt/Stmt/Ntry/NtryDtls/TxDtls/RltdPties/DbtrAcct/Id/IBAN is 10 deep.
        ("depth", good.to_owned(), limits(9, default.max_bytes)),
        ("size", good.to_owned(), limits(default.max_depth, 1_000)),
    ];
    for (rule, entry, limits) in cases {
        let bytes = statement_with(&format!("{first}\n{entry}"));
        agree(&bytes, &limits, rule);
        let error = run(StatementReader::new(&bytes[..], &limits)).error;
        let (kind, message, location) = error.unwrap_or_else(|| panic!("{rule}: must fail"));
        assert!(location.contains("Ntry[2]"), "{rule}: located in the second entry: {kind} {message} {location}");
        // The typed path decoded the first entry.
        assert_eq!(run(StatementReader::new(&bytes[..], &limits)).typed, 1, "{rule}");
    }
}

/// Over long runs of entries (40 and 300, some with losses, one invalid deep in the run or
/// none), the typed reader's events, each event's losses and its error are the reference's,
/// read at once and 7 bytes at a time; the entries before the error are all yielded, each
/// with its own losses.
#[test]
fn long_runs_keep_events_losses_and_errors_in_document_order() {
    let lossy = ENTRY_08.replacen("<NtryDtls>", "<ComssnWvrInd>true</ComssnWvrInd><NtryDtls>", 1);
    let invalid = ENTRY_08.replacen("10.00</Amt>", "10.000001</Amt>", 1);
    let limits = DecodeLimits::default();
    for (count, bad_at) in [(40, None), (40, Some(29)), (40, Some(16)), (40, Some(17)), (300, None), (300, Some(250))] {
        let entries: Vec<&str> = (1..=count)
            .map(|i| match i {
                i if Some(i) == bad_at => invalid.as_str(),
                i if i % 3 == 0 => lossy.as_str(),
                _ => ENTRY_08,
            })
            .collect();
        let bytes = statement_with(&entries.join("\n"));
        let name = format!("{count} entries, invalid at {bad_at:?}");
        let (typed, in_place) = agree_in_place(&bytes, &limits, &name);
        let good = bad_at.map_or(count, |at| at - 1);
        assert_eq!(typed, good as u64, "{name}: every entry before the error decoded typed");
        assert_eq!(in_place, good as u64 - 1, "{name}: every entry after the first read in place");
        let mut reader = StatementReader::new(&bytes[..], &limits).unwrap();
        while let Ok(Some(_)) = reader.next_event() {}
        let runs = reader.in_place_runs();
        assert!(runs >= 1 && runs * 2 < in_place, "{name}: runs of several entries are read ({in_place} in {runs})");
        let run = run(StatementReader::new(&bytes[..], &limits));
        let entries_seen = run.events.iter().filter(|(e, _)| matches!(e, StatementEvent::Entry(_))).count();
        assert_eq!(entries_seen, good, "{name}: the entries before the error are yielded");
        let with_losses =
            run.events.iter().filter(|(e, losses)| matches!(e, StatementEvent::Entry(_)) && !losses.is_empty()).count();
        assert_eq!(with_losses, good / 3, "{name}: each lossy entry's losses come with it");
        match bad_at {
            Some(at) => {
                let (_, _, location) = run.error.unwrap_or_else(|| panic!("{name}: must fail"));
                assert!(location.contains(&format!("Ntry[{at}]")), "{name}: located at the entry: {location}");
            }
            None => assert_eq!(run.error, None, "{name}"),
        }
    }
}

/// Every byte is still checked by some reader: the entry's by the validating reader, what
/// lies between entries by the structural reader. Malformed bytes inside an entry and between
/// entries are refused as the whole-document decode refuses them (read at once and 7 bytes at
/// a time, typed and reference), and markup that only looks like an entry (in a comment, in
/// CDATA) is not taken for one. Each case fails if the cheap scan let its byte through.
#[test]
fn malformed_bytes_between_and_inside_entries_are_refused() {
    let amount = "<Amt Ccy=\"EUR\">1.50</Amt>";
    let entry = entry_with(amount, "");
    let inside = |tail: &str| entry_with(amount, tail);
    // (name, entries between the two good ones, must the whole decode succeed?)
    let cases: Vec<(&str, Vec<u8>, bool)> = vec![
        ("mismatched end tag inside", inside("<AddtlNtryInf>x</AddtlNtryInfX>").into_bytes(), false),
        ("end tag matching only by prefix", entry.replace("</Ntry>", "</NtryX>").into_bytes(), false),
        ("end tag of another element", entry.replace("</Ntry>", "</Stmt>").into_bytes(), false),
        ("< in an attribute value", entry_with("<Amt Ccy=\"E<R\">1.50</Amt>", "").into_bytes(), false),
        ("an end tag in an attribute value", entry_with("<Amt Ccy=\"</Ntry>\">1.50</Amt>", "").into_bytes(), false),
        ("an entry inside an entry", inside(&entry).into_bytes(), false),
        ("an end tag split by a space", entry.replace("</Ntry>", "</Ntry\n>").into_bytes(), true),
        (
            "bad UTF-8 in text",
            [inside("<AddtlNtryInf>a").as_bytes(), b"\xff", b"</AddtlNtryInf></Ntry>"].concat(),
            false,
        ),
        ("bad UTF-8 in an attribute", with_byte(&entry_with("<Amt Ccy=\"E\u{2}R\">1.50</Amt>", ""), 0xC3), false),
        ("bad UTF-8 between entries", [entry.as_bytes(), b" \xff "].concat(), false),
        ("bad UTF-8 in a comment between entries", [entry.as_bytes(), b"<!-- \xff -->"].concat(), false),
        ("bad UTF-8 in a comment inside", with_byte(&inside("<!-- \u{2} -->"), 0xff), false),
        ("DOCTYPE between entries", format!("{entry}<!DOCTYPE x>").into_bytes(), false),
        ("DOCTYPE inside", inside("<!DOCTYPE x>").into_bytes(), false),
        ("unclosed comment between entries", format!("{entry}<!-- {entry}").into_bytes(), false),
        ("unclosed comment inside", inside("<!-- ").into_bytes(), false),
        ("-- in a comment between entries", format!("{entry}<!-- a -- b -->").into_bytes(), false),
        ("CDATA between entries", format!("<![CDATA[{entry}]]>").into_bytes(), false),
        ("text between entries", format!("{entry} x ").into_bytes(), false),
        ("an entry in a comment between entries", format!("<!-- {entry} -->{entry}").into_bytes(), true),
        ("an entry in a comment inside", inside(&format!("<!-- {entry} -->")).into_bytes(), true),
        (
            "an entry in CDATA inside",
            inside(&format!("<AddtlNtryInf><![CDATA[{entry}]]></AddtlNtryInf>")).into_bytes(),
            true,
        ),
        (
            "an entry in an attribute value",
            entry_with(&format!("<Amt Ccy=\"{}\">1.50</Amt>", entry.replace('<', "&lt;")), "").into_bytes(),
            false,
        ),
        ("processing instruction between entries", format!("{entry}<?pi x?>").into_bytes(), false),
    ];
    let limits = DecodeLimits::default();
    let message = IsoMessage::Camt053V08;
    for (name, middle, valid) in cases {
        let mut entries = entry.as_bytes().to_vec();
        entries.push(b'\n');
        entries.extend_from_slice(&middle);
        entries.push(b'\n');
        entries.extend_from_slice(entry.as_bytes());
        let bytes = statement_with_bytes(&entries);
        let whole = Iso20022Codec::new(message).decode(&bytes, &limits);
        assert_eq!(whole.is_ok(), valid, "{name}: the whole-document decode: {whole:?}");
        agree(&bytes, &limits, name);
        let streamed = StatementReader::new(&bytes[..], &limits).and_then(StatementReader::into_decoded);
        match (&whole, &streamed) {
            (Ok(whole), Ok(streamed)) => assert_eq!(whole, streamed, "{name}"),
            // `<` in an attribute value is not well-formed XML; the whole-document reader
            // (quick-xml) lets it through to the value's pattern check (Invalid), the stream
            // cuts the entry at the `</Ntry>` in it and refuses the cut entry (Syntax). Both
            // refuse; only the kind differs.
            (Err(_), Err(_)) if name == "an end tag in an attribute value" => {}
            (Err(whole), Err(streamed)) => assert_eq!(whole.kind(), streamed.kind(), "{name}: {whole} | {streamed}"),
            _ => panic!("{name}: whole {whole:?}\nstreamed {streamed:?}"),
        }
        if let Ok(streamed) = &streamed {
            let Message::Statement(reports) = &streamed.message else { panic!("{name}: not a statement") };
            let count = reports.reports.iter().map(|r| r.entries.len()).sum::<usize>();
            assert_eq!(count, 3, "{name}: entries taken (the two around and the one in the middle)");
        }
    }
}

/// [`statement_with`] around raw bytes (which may not be UTF-8).
fn statement_with_bytes(entries: &[u8]) -> Vec<u8> {
    let around = statement_with("\u{1}");
    let at = around.iter().position(|&b| b == 1).unwrap();
    [&around[..at], entries, &around[at + 1..]].concat()
}

/// `text` with each `\u{2}` replaced by the byte `byte`.
fn with_byte(text: &str, byte: u8) -> Vec<u8> {
    text.bytes().map(|b| if b == 2 { byte } else { b }).collect()
}

/// An entry date written with an offset keeps its day, the offset reported as approximated
/// with the entry (through the tree path, which the typed entry decode leaves it to); the
/// typed reader agrees with the reference.
#[test]
fn entry_dates_with_an_offset_keep_their_day_and_report_it() {
    let entry = ENTRY_08.replacen("<BookgDt><Dt>2024-03-01</Dt>", "<BookgDt><Dt>2024-03-01+01:00</Dt>", 1);
    assert_ne!(entry, ENTRY_08);
    let bytes = statement_with(&format!("{ENTRY_08}\n{entry}"));
    let limits = DecodeLimits::default();
    assert_eq!(agree(&bytes, &limits, "offset date"), 1, "the first entry is decoded typed");
    let run = run(StatementReader::new(&bytes[..], &limits));
    assert_eq!(run.error, None);
    let entries: Vec<_> = run.events.iter().filter(|(e, _)| matches!(e, StatementEvent::Entry(_))).collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].1, Vec::new(), "the plain entry loses nothing");
    let losses = &entries[1].1;
    assert_eq!(losses.len(), 1, "{losses:?}");
    assert_eq!(losses[0].kind, payglot_core_model::LossKind::Approximated);
    assert!(losses[0].path.ends_with("/Ntry[2]/BookgDt/Dt"), "{}", losses[0].path);
    let (StatementEvent::Entry(a), StatementEvent::Entry(b)) = (&entries[0].0, &entries[1].0) else { unreachable!() };
    assert_eq!(a.booking_date, b.booking_date, "the same day");
}

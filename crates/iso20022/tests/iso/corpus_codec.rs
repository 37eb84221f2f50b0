//! The ISO 20022 codecs over the real corpus (`../shared/corpus/iso20022`, never copied): every
//! XSD-valid file of a supported version decodes (its losses listed), re-encodes to the same
//! version as a document that passes our validator and xmllint against the official XSD, and
//! decodes again to the same canonical message (ISO → canonical → ISO is a fixed point).

use std::path::{Path, PathBuf};
use std::process::Command;

use payglot_core_model::{Codec, DecodeLimits, EncodeOptions};
use payglot_iso20022::{Iso20022Codec, IsoMessage};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(dirs) = std::fs::read_dir(shared().join("corpus/iso20022")) else { return files };
    for dir in dirs.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()) {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            files.extend(
                entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "xml")),
            );
        }
    }
    files.sort();
    files
}

fn xmllint_ok(xml: &[u8], message: IsoMessage) -> Option<Result<(), String>> {
    let xsd = shared().join(format!("iso20022/xsd/{}.xsd", message.id()));
    let (valid, stderr) = crate::common::xmllint_output(&xsd, xml)?;
    Some(if valid { Ok(()) } else { Err(stderr) })
}

/// Where the loss snapshots live: `tests/snapshots/<corpus file name>.losses`.
fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// The loss snapshot of a corpus file: `tests/snapshots/<file name>.losses`, one
/// `<kind> <path>` line per loss (the details quote the file's values, which stay in the
/// corpus). An empty snapshot means the file decodes losslessly; a missing or different one
/// fails. `PAYGLOT_BLESS=1` rewrites them.
fn check_loss_snapshot(file: &Path, losses: &[payglot_core_model::Loss]) -> Option<String> {
    let name = file.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let snapshot = snapshot_dir().join(format!("{name}.losses"));
    let actual: String = losses.iter().map(|l| format!("{} {}\n", l.kind.as_str(), l.path)).collect();
    if std::env::var_os("PAYGLOT_BLESS").is_some() {
        let written = std::fs::create_dir_all(snapshot_dir()).and_then(|()| std::fs::write(&snapshot, &actual));
        return written.err().map(|e| format!("{}: cannot write snapshot: {e}", snapshot.display()));
    }
    match std::fs::read_to_string(&snapshot) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => Some(format!(
            "{name}: losses differ from {} (PAYGLOT_BLESS=1 to accept):\n--- expected\n{expected}--- actual\n{actual}",
            snapshot.display()
        )),
        Err(e) => Some(format!(
            "{name}: no loss snapshot {} ({e}); PAYGLOT_BLESS=1 writes it — then read it: every loss must be real",
            snapshot.display()
        )),
    }
}

/// The first differing line of the two messages' canonical JSON, for a readable failure.
fn first_difference(a: &payglot_core_model::Message, b: &payglot_core_model::Message) -> String {
    let json = |m| {
        payglot_core_model::CanonicalJson
            .encode(m, &EncodeOptions::default())
            .map(|e| String::from_utf8_lossy(&e.bytes).into_owned())
            .unwrap_or_default()
    };
    let (a, b) = (json(a), json(b));
    a.lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| format!("line {i}: {x} | {y}"))
        .unwrap_or_else(|| "lengths differ".into())
}

#[test]
fn corpus_files_decode_reencode_valid_and_reach_a_fixed_point() {
    let files = corpus_files();
    if files.is_empty() {
        println!("../shared/corpus/iso20022 is absent; skipping the corpus codec test");
        return;
    }
    let has_xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    if !has_xmllint {
        println!("xmllint not installed; the XSD oracle part is skipped (apt-get install libxml2-utils)");
    }
    let mut decoded_count = 0;
    let mut failures = Vec::new();
    let mut snapshotted = std::collections::BTreeSet::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_default();
        let Some(Ok(format)) = payglot_iso20022::sniff(&bytes) else { continue };
        let Some(message) = IsoMessage::ALL.into_iter().find(|m| m.format() == format) else { continue };
        let codec = Iso20022Codec::new(message);
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let decoded = match codec.decode(&bytes, &DecodeLimits::default()) {
            Ok(decoded) => decoded,
            Err(error) => {
                // Invalid corpus files must be refused with a location; valid ones must decode.
                if payglot_iso20022::parse_any(&bytes, &payglot_iso20022::Limits::default()).is_ok() {
                    failures.push(format!("{name}: valid but did not decode: {error}"));
                } else {
                    assert!(error.location().line.is_some(), "{name}: error without a line: {error}");
                }
                continue;
            }
        };
        decoded_count += 1;
        snapshotted.insert(name.clone());
        println!("{name}: {} losses", decoded.losses.len());
        for loss in &decoded.losses {
            println!("    {loss}");
        }
        if let Some(failure) = check_loss_snapshot(file, &decoded.losses) {
            failures.push(failure);
        }
        let encoded = match codec.encode(&decoded.message, &EncodeOptions::lossy().business_header(true)) {
            Ok(encoded) => encoded,
            Err(error) => {
                failures.push(format!("{name}: re-encode failed: {error}"));
                continue;
            }
        };
        if has_xmllint {
            // xmllint checks the Document alone, so this encoding leaves out the AppHdr.
            let bare = codec.encode(&decoded.message, &EncodeOptions::lossy()).map(|e| e.bytes).unwrap_or_default();
            if let Some(Err(e)) = xmllint_ok(&bare, message) {
                failures.push(format!("{name}: re-encoded document fails xmllint: {e}"));
            }
        }
        match codec.decode(&encoded.bytes, &DecodeLimits::default()) {
            Ok(again) if again.message == decoded.message => {}
            Ok(again) => failures.push(format!(
                "{name}: decode(encode(decode(file))) differs from decode(file):\n{}",
                first_difference(&decoded.message, &again.message)
            )),
            Err(e) => failures.push(format!("{name}: our own output does not decode: {e}")),
        }
    }
    // A snapshot whose corpus file no longer decodes (or is gone) is stale.
    if let Ok(entries) = std::fs::read_dir(snapshot_dir()) {
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(file) = name.strip_suffix(".losses")
                && !snapshotted.contains(file)
            {
                failures.push(format!("stale loss snapshot {name}: no decodable corpus file {file}"));
            }
        }
    }
    println!("decoded {decoded_count} corpus files");
    assert!(decoded_count >= 30, "too few corpus files decoded: {decoded_count}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every camt.053/camt.054 file: our fixtures and the corpus.
pub(crate) fn statement_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = corpus_files();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/iso20022");
    for family in ["camt.053.001.02", "camt.053.001.08", "camt.054.001.02", "camt.054.001.08"] {
        let Ok(cases) = std::fs::read_dir(fixtures.join(family)) else { continue };
        for case in cases.filter_map(Result::ok) {
            let input = case.path().join("input.xml");
            if input.exists() {
                files.push(input);
            }
        }
    }
    files.retain(|f| {
        let bytes = std::fs::read(f).unwrap_or_default();
        matches!(
            payglot_iso20022::sniff(&bytes),
            Some(Ok(format)) if format.as_str().starts_with("iso20022:camt.05")
        )
    });
    files
}

#[test]
fn streaming_reader_gives_the_whole_document_decode_entries_and_losses() {
    let files = statement_files();
    assert!(files.len() >= 4, "too few statement files: {}", files.len());
    let mut compared = 0;
    let mut failures = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_default();
        let name = file.display().to_string();
        let Some(Ok(format)) = payglot_iso20022::sniff(&bytes) else { continue };
        let Some(message) = IsoMessage::ALL.into_iter().find(|m| m.format() == format) else { continue };
        let whole = Iso20022Codec::new(message).decode(&bytes, &DecodeLimits::default());
        // A reader that hands out a few bytes at a time, to cross buffer boundaries anywhere.
        let streamed = payglot_iso20022::StatementReader::new(Trickle(&bytes), &DecodeLimits::default())
            .and_then(payglot_iso20022::StatementReader::into_decoded);
        match (whole, streamed) {
            (Ok(whole), Ok(streamed)) => {
                compared += 1;
                if whole.message != streamed.message {
                    failures.push(format!(
                        "{name}: messages differ: {}",
                        first_difference(&whole.message, &streamed.message)
                    ));
                }
                if whole.losses != streamed.losses {
                    failures.push(format!(
                        "{name}: losses differ:\nwhole: {:?}\nstream: {:?}",
                        whole.losses, streamed.losses
                    ));
                }
            }
            (Err(whole), Err(streamed)) => {
                if whole.kind() != streamed.kind() {
                    failures.push(format!("{name}: both fail, differently: {whole} | {streamed}"));
                }
            }
            (Ok(_), Err(e)) => failures.push(format!("{name}: only the streaming reader fails: {e}")),
            (Err(e), Ok(_)) => failures.push(format!("{name}: only the whole-document decode fails: {e}")),
        }
    }
    println!("compared {compared} statement files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Reads at most 7 bytes per call.
pub(crate) struct Trickle<'a>(pub(crate) &'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(out.len()).min(7);
        let (head, rest) = self.0.split_at(n);
        out[..n].copy_from_slice(head);
        self.0 = rest;
        Ok(n)
    }
}

/// Encode `message` with the streaming writer, piece by piece: (bytes, losses).
fn write_streaming(
    target: IsoMessage,
    message: &payglot_core_model::Message,
    options: &EncodeOptions,
) -> Result<(Vec<u8>, Vec<payglot_core_model::Loss>), payglot_core_model::EncodeError> {
    let (payglot_core_model::Message::Statement(reports) | payglot_core_model::Message::Notification(reports)) =
        message
    else {
        return Err(payglot_core_model::EncodeError::unrepresentable("/message", "not a statement"));
    };
    let mut writer = payglot_iso20022::StatementWriter::new(target, &reports.header, options)?;
    let mut bytes = writer.output().to_vec();
    let mut losses = writer.take_losses();
    for report in &reports.reports {
        bytes.extend_from_slice(writer.report_start(report)?);
        losses.extend(writer.take_losses());
        for entry in &report.entries {
            bytes.extend_from_slice(writer.entry(entry)?);
            losses.extend(writer.take_losses());
        }
        bytes.extend_from_slice(writer.report_end(report.additional_info.as_ref())?);
        losses.extend(writer.take_losses());
    }
    bytes.extend_from_slice(writer.finish()?);
    losses.extend(writer.take_losses());
    Ok((bytes, losses))
}

#[test]
fn streaming_writer_gives_the_whole_document_encoding_and_losses() {
    let mut compared = 0;
    let mut failures = Vec::new();
    for file in statement_files() {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let Some(Ok(format)) = payglot_iso20022::sniff(&bytes) else { continue };
        let Some(message) = IsoMessage::ALL.into_iter().find(|m| m.format() == format) else { continue };
        let Ok(decoded) = Iso20022Codec::new(message).decode(&bytes, &DecodeLimits::default()) else { continue };
        let statement = message.id().starts_with("camt.053");
        let targets = if statement {
            [IsoMessage::Camt053V02, IsoMessage::Camt053V08]
        } else {
            [IsoMessage::Camt054V02, IsoMessage::Camt054V08]
        };
        for target in targets {
            for options in [EncodeOptions::lossy(), EncodeOptions::lossy().business_header(true)] {
                let name = format!("{} → {} ({options:?})", file.display(), target.id());
                let whole = Iso20022Codec::new(target).encode(&decoded.message, &options);
                match (whole, write_streaming(target, &decoded.message, &options)) {
                    (Ok(whole), Ok((streamed, losses))) => {
                        compared += 1;
                        if whole.bytes != streamed {
                            failures.push(format!(
                                "{name}: bytes differ:\n{}\n---\n{}",
                                String::from_utf8_lossy(&whole.bytes),
                                String::from_utf8_lossy(&streamed)
                            ));
                        }
                        if whole.losses != losses {
                            failures.push(format!("{name}: losses differ: {:?} | {losses:?}", whole.losses));
                        }
                    }
                    (Err(whole), Err(streamed)) => {
                        if whole.to_string() != streamed.to_string() {
                            failures.push(format!("{name}: both fail, differently: {whole} | {streamed}"));
                        }
                    }
                    (Ok(_), Err(e)) => failures.push(format!("{name}: only the streaming writer fails: {e}")),
                    (Err(e), Ok(_)) => failures.push(format!("{name}: only the whole-document encode fails: {e}")),
                }
            }
        }
    }
    println!("compared {compared} statement encodings");
    assert!(compared >= 16, "too few statement encodings compared: {compared}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A camt.053.001.08 statement around `entries`.
pub(crate) fn statement_with(entries: &str) -> Vec<u8> {
    format!(
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\n\
         <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-01T10:00:00</CreDtTm></GrpHdr>\n\
         <Stmt><Id>S1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>\n\
         <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">10.00</Amt>\n\
         <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>\n{entries}\n\
         </Stmt></BkToCstmrStmt></Document>\n"
    )
    .into_bytes()
}

/// An entry whose content is `inner` (amount, indicator, status, code), then `tail`.
pub(crate) fn entry_with(amount: &str, tail: &str) -> String {
    format!(
        "<Ntry>{amount}<CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
         <BkTxCd><Prtry><Cd>X</Cd></Prtry></BkTxCd>{tail}</Ntry>"
    )
}

/// The streaming reader finds where each entry ends from its raw bytes (without tokenizing
/// it; the validating reader then reads it): an end tag inside a comment, a CDATA section or
/// a quoted attribute value, an empty-element tag, a prefixed entry, spaces in an end tag —
/// and hostile content (DOCTYPE, processing instruction, declaration, unclosed quote or
/// entry) — give what the whole-document decode gives, read at once and a few bytes at a time.
#[test]
fn entry_ends_are_found_as_the_whole_document_decode_finds_them() {
    let amount = "<Amt Ccy=\"EUR\">1.50</Amt>";
    let valid = [
        entry_with(amount, ""),
        entry_with(
            &format!("<!-- </Ntry> <Ntry> -->{amount}"),
            "<AddtlNtryInf><![CDATA[</Ntry><Ntry/>]]> a &gt; b</AddtlNtryInf>",
        ),
        entry_with(amount, "<AddtlNtryInf>x > y /> z</AddtlNtryInf><!---->").replace("</Ntry>", "</Ntry \n>"),
        "<c:Ntry xmlns:c=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><c:Amt Ccy='EUR'>2.00</c:Amt>\
         <c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts><c:BkTxCd><c:Prtry><c:Cd>X</c:Cd>\
         </c:Prtry></c:BkTxCd><c:NtryDtls/></c:Ntry>"
            .to_owned(),
    ];
    let all_valid = valid.join("\n");
    let mut cases: Vec<(String, Vec<u8>)> = valid.iter().map(|e| (e.clone(), statement_with(e))).collect();
    cases.push(("all valid entries".into(), statement_with(&all_valid)));
    let hostile = [
        entry_with("<Amt Ccy=\"/>\">1.50</Amt>", ""),
        entry_with("<Amt Ccy=\">\">1.50</Amt>", ""),
        "<Ntry/>".to_owned(),
        entry_with(amount, "<?pi </Ntry>?>"),
        entry_with(amount, "<!DOCTYPE x>"),
        entry_with(amount, "<?xml version=\"1.0\"?>"),
        entry_with(amount, "<!x>"),
        entry_with("<Amt Ccy=\"EUR>1.50</Amt>", ""),
        entry_with(amount, "<AddtlNtryInf><!-- a -- b --></AddtlNtryInf>"),
        entry_with(amount, "<AddtlNtryInf><![CDATA[ x </AddtlNtryInf>"),
        entry_with(amount, "<AddtlNtryInf>x</AddtlNtryInfo>"),
        format!("{}<Ntry><Amt", entry_with(amount, "")),
    ];
    for entry in hostile {
        let mut bytes = statement_with(&format!("{}\n{entry}", valid[0]));
        if entry.ends_with("<Amt") {
            bytes = statement_with(&entry);
            let cut = bytes.windows(4).rposition(|w| w == b"<Amt").unwrap_or(0) + 4;
            bytes.truncate(cut);
        }
        cases.push((entry, bytes));
    }
    let message = IsoMessage::Camt053V08;
    let limits = DecodeLimits::default();
    let mut failures = Vec::new();
    for (name, bytes) in &cases {
        let whole = Iso20022Codec::new(message).decode(bytes, &limits);
        for trickle in [false, true] {
            let streamed = if trickle {
                payglot_iso20022::StatementReader::new(Trickle(bytes), &limits)
                    .and_then(payglot_iso20022::StatementReader::into_decoded)
            } else {
                payglot_iso20022::StatementReader::new(&bytes[..], &limits)
                    .and_then(payglot_iso20022::StatementReader::into_decoded)
            };
            match (&whole, streamed) {
                (Ok(whole), Ok(streamed)) => {
                    if whole.message != streamed.message || whole.losses != streamed.losses {
                        failures.push(format!("{name} (trickle {trickle}): the streamed decode differs"));
                    }
                }
                (Err(whole), Err(streamed)) => {
                    if whole.kind() != streamed.kind() {
                        failures
                            .push(format!("{name} (trickle {trickle}): both fail, differently: {whole} | {streamed}"));
                    }
                }
                (Ok(_), Err(e)) => failures.push(format!("{name} (trickle {trickle}): only the stream fails: {e}")),
                (Err(e), Ok(_)) => {
                    failures.push(format!("{name} (trickle {trickle}): only the whole decode fails: {e}"))
                }
            }
        }
    }
    // The valid cases are valid (so the comparison above compared decodes, not two errors).
    for (name, bytes) in cases.iter().take(valid.len() + 1) {
        if let Err(e) = Iso20022Codec::new(message).decode(bytes, &limits) {
            failures.push(format!("{name}: expected to decode: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

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
    let dir = std::env::temp_dir().join(format!("payglot-xmllint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let file = dir.join(format!("{}.xml", message.id()));
    std::fs::write(&file, xml).ok()?;
    let output = Command::new("xmllint").arg("--noout").arg("--schema").arg(&xsd).arg(&file).output().ok()?;
    Some(if output.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&output.stderr).into_owned()) })
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
        println!("{name}: {} losses", decoded.losses.len());
        for loss in &decoded.losses {
            println!("    {loss}");
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
    println!("decoded {decoded_count} corpus files");
    assert!(decoded_count >= 30, "too few corpus files decoded: {decoded_count}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

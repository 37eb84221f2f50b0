//! `payglot translate` with ISO 20022 inputs and outputs: version to version through the
//! canonical model, every supported version to canonical:json, strict refusal (exit 3) and
//! `--lossy` (exit 0), `--lenient-text`, `--business-header`, detection through envelopes, and
//! the streaming statement path (to canonical:json and to camt): byte-identical output and a
//! peak memory bound on a large generated statement.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use payglot::model::{CanonicalJson, Codec, DecodeLimits, EncodeOptions};
use payglot_iso20022::{Iso20022Codec, IsoMessage};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/iso20022")
}

fn payglot() -> Command {
    Command::cargo_bin("payglot").unwrap_or_else(|e| panic!("{e}"))
}

fn run(args: &[&str], input: &Path) -> std::process::Output {
    payglot().args(args).arg(input).output().unwrap_or_else(|e| panic!("{e}"))
}

/// Every fixture case of a supported version that decodes: (version, case directory).
fn decodable_cases() -> Vec<(String, PathBuf)> {
    let mut cases = Vec::new();
    for message in IsoMessage::ALL {
        let Ok(dirs) = std::fs::read_dir(fixtures().join(message.id())) else { continue };
        for dir in dirs.filter_map(Result::ok).map(|d| d.path()) {
            if dir.join("canonical.json").exists() {
                cases.push((message.id().to_owned(), dir));
            }
        }
    }
    cases.sort();
    cases
}

#[test]
fn every_supported_version_translates_to_canonical_json() {
    let cases = decodable_cases();
    let versions: std::collections::BTreeSet<_> = cases.iter().map(|(v, _)| v.clone()).collect();
    assert_eq!(versions.len(), IsoMessage::ALL.len(), "a fixture per supported version: {versions:?}");
    for (version, dir) in &cases {
        let expected = std::fs::read(dir.join("canonical.json")).unwrap_or_default();
        let lossy = dir.join("losses.txt").exists();
        let mut args = vec!["translate", "--to", "canonical:json"];
        if lossy {
            args.push("--lossy");
        }
        let output = run(&args, &dir.join("input.xml"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{version} {}: {stderr}", dir.display());
        assert_eq!(String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&expected), "{}", dir.display());
        if lossy {
            // The losses are reported on stderr, one per line, as in losses.txt.
            let listed = std::fs::read_to_string(dir.join("losses.txt")).unwrap_or_default();
            for loss in listed.lines() {
                assert!(stderr.contains(loss), "{}: {loss} not reported in {stderr}", dir.display());
            }
        } else {
            assert!(stderr.is_empty(), "{}: {stderr}", dir.display());
        }
    }
}

#[test]
fn detect_finds_the_document_in_every_envelope_kind() {
    for (case, format) in [
        ("pacs.008.001.08/cbpr-with-apphdr", "iso20022:pacs.008.001.08"), // SWIFT urn:swift:xsd:envelope
        ("pacs.008.001.08/saa-datapdu-group-settlement-date", "iso20022:pacs.008.001.08"), // SAA DataPDU
        ("pacs.002.001.10/fednow-several-groups", "iso20022:pacs.002.001.10"), // FedNow wrapper
        ("camt.054.001.08/request-payload-one-sided", "iso20022:camt.054.001.08"), // bare AppHdr + Document
    ] {
        let input = fixtures().join(case).join("input.xml");
        let detected = run(&["detect"], &input);
        assert_eq!(String::from_utf8_lossy(&detected.stdout).trim(), format, "{case}");
        // And the business application header inside it becomes message metadata.
        let canonical = run(&["translate", "--to", "canonical:json"], &input);
        assert_eq!(canonical.status.code(), Some(0), "{case}: {}", String::from_utf8_lossy(&canonical.stderr));
        assert!(String::from_utf8_lossy(&canonical.stdout).contains("\"business_header\""), "{case}");
    }
}

#[test]
fn strict_refuses_losses_with_exit_3_and_lossy_proceeds_with_exit_0() {
    let input = fixtures().join("pain.001.001.09/sepa-prefixed-namespace/input.xml");
    let strict = run(&["translate", "--to", "canonical:json"], &input);
    assert_eq!(strict.status.code(), Some(3), "{}", String::from_utf8_lossy(&strict.stderr));
    assert!(strict.stdout.is_empty(), "nothing written on refusal");
    assert!(String::from_utf8_lossy(&strict.stderr).contains("SplmtryData"));
    let lossy = run(&["translate", "--to", "canonical:json", "--lossy"], &input);
    assert_eq!(lossy.status.code(), Some(0), "{}", String::from_utf8_lossy(&lossy.stderr));
    assert!(!lossy.stdout.is_empty());
    assert!(String::from_utf8_lossy(&lossy.stderr).contains("loss: dropped"));
}

#[test]
fn pain_001_09_translates_to_03_and_back() {
    let input = fixtures().join("pain.001.001.09/sepa-prefixed-namespace/input.xml");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let v03 = dir.path().join("v03.xml");
    let forward = payglot()
        .args(["translate", "--lossy", "--to", "iso20022:pain.001.001.03", "-o"])
        .arg(&v03)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(forward.status.code(), Some(0), "{}", String::from_utf8_lossy(&forward.stderr));
    let written = std::fs::read_to_string(&v03).unwrap_or_default();
    assert!(written.contains("urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"), "{written}");
    let detected = run(&["detect"], &v03);
    assert_eq!(String::from_utf8_lossy(&detected.stdout).trim(), "iso20022:pain.001.001.03");
    let back = run(&["translate", "--to", "iso20022:pain.001.001.09"], &v03);
    assert_eq!(back.status.code(), Some(0), "{}", String::from_utf8_lossy(&back.stderr));
    // What .03 carries survives the round trip: the canonical forms of the .03 file and of
    // the .09 written back from it are the same.
    let canonical_03 = run(&["translate", "--to", "canonical:json"], &v03);
    let v09 = dir.path().join("v09.xml");
    std::fs::write(&v09, &back.stdout).unwrap_or_else(|e| panic!("{e}"));
    let canonical_09 = run(&["translate", "--to", "canonical:json"], &v09);
    assert_eq!(canonical_03.status.code(), Some(0), "{}", String::from_utf8_lossy(&canonical_03.stderr));
    assert_eq!(canonical_03.stdout, canonical_09.stdout);
    // And the group header and amounts of the original are there.
    let original = run(&["translate", "--lossy", "--to", "canonical:json"], &input);
    let original = String::from_utf8_lossy(&original.stdout).into_owned();
    let round = String::from_utf8_lossy(&canonical_09.stdout).into_owned();
    for key in ["\"message_id\"", "\"control_sum\"", "\"amount\""] {
        let pick = |s: &str| s.lines().find(|l| l.contains(key)).map(str::to_owned);
        assert_eq!(pick(&original), pick(&round), "{key}");
    }
}

/// Our camt fixtures and the corpus's camt files (the corpus is read, never copied).
fn statement_inputs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (version, dir) in decodable_cases() {
        if version.starts_with("camt.") {
            files.push(dir.join("input.xml"));
        }
    }
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/iso20022");
    for family in ["camt.053", "camt.054"] {
        let Ok(entries) = std::fs::read_dir(corpus.join(family)) else { continue };
        files.extend(
            entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "xml")),
        );
    }
    files.sort();
    files
}

#[test]
fn streamed_statements_give_the_whole_document_canonical_json_byte_for_byte() {
    let mut compared = 0;
    for file in statement_inputs() {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let Some(Ok(format)) = payglot_iso20022::sniff(&bytes) else { continue };
        let Some(message) = IsoMessage::ALL.into_iter().find(|m| m.format() == format) else { continue };
        let Ok(decoded) = Iso20022Codec::new(message).decode(&bytes, &DecodeLimits::default()) else { continue };
        let whole =
            CanonicalJson.encode(&decoded.message, &EncodeOptions::default()).map(|e| e.bytes).unwrap_or_default();
        let output = run(&["translate", "--lossy", "--to", "canonical:json"], &file);
        assert_eq!(output.status.code(), Some(0), "{}: {}", file.display(), String::from_utf8_lossy(&output.stderr));
        assert_eq!(String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&whole), "{}", file.display());
        // Losses: the same lines, in the same order.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reported: Vec<&str> = stderr.lines().filter_map(|l| l.split_once("loss: ").map(|(_, loss)| loss)).collect();
        let expected: Vec<String> = decoded.losses.iter().map(ToString::to_string).collect();
        assert_eq!(reported, expected, "{}", file.display());
        compared += 1;
    }
    assert!(compared >= 4, "too few statements compared: {compared}");
}

/// The other version of the same camt message (`camt.053.001.08` ↔ `camt.053.001.02`).
fn other_version(message: IsoMessage) -> Option<IsoMessage> {
    match message {
        IsoMessage::Camt053V02 => Some(IsoMessage::Camt053V08),
        IsoMessage::Camt053V08 => Some(IsoMessage::Camt053V02),
        IsoMessage::Camt054V02 => Some(IsoMessage::Camt054V08),
        IsoMessage::Camt054V08 => Some(IsoMessage::Camt054V02),
        _ => None,
    }
}

#[test]
fn streamed_camt_to_camt_gives_the_whole_document_translation_byte_for_byte() {
    let registry = payglot::Registry::standard();
    let mut compared = 0;
    for file in statement_inputs() {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let Some(Ok(format)) = payglot_iso20022::sniff(&bytes) else { continue };
        let Some(message) = IsoMessage::ALL.into_iter().find(|m| m.format() == format) else { continue };
        for target in [Some(message), other_version(message)].into_iter().flatten() {
            let to = target.format();
            let whole = payglot::translate(&registry, &bytes, None, &to, &payglot::TranslateOptions::lossy());
            let output = run(&["translate", "--lossy", "--to", to.as_str()], &file);
            let stderr = String::from_utf8_lossy(&output.stderr);
            let name = format!("{} → {}", file.display(), target.id());
            match whole {
                Ok(whole) => {
                    assert_eq!(output.status.code(), Some(0), "{name}: {stderr}");
                    assert_eq!(
                        String::from_utf8_lossy(&output.stdout),
                        String::from_utf8_lossy(&whole.bytes),
                        "{name}"
                    );
                    let reported: Vec<&str> =
                        stderr.lines().filter_map(|l| l.split_once("loss: ").map(|(_, loss)| loss)).collect();
                    let expected: Vec<String> = whole.losses().map(ToString::to_string).collect();
                    assert_eq!(reported, expected, "{name}");
                    compared += 1;
                }
                Err(error) => {
                    // Refused alike (e.g. camt.053.001.02 needs a creation time per statement).
                    assert_eq!(output.status.code(), Some(1), "{name}: whole path fails with {error}; {stderr}");
                    // An encode refusal is the same; an invalid input is refused with the same
                    // kind (the streaming reader words some structural errors differently).
                    let needle = match &error {
                        payglot::TranslateError::Encode(payglot::model::EncodeError::Unrepresentable {
                            path,
                            message,
                        }) => format!("{message} at {path}"),
                        payglot::TranslateError::Decode(e) => format!("error ({})", e.kind().as_str()),
                        other => other.to_string(),
                    };
                    assert!(stderr.contains(&needle), "{name}: {stderr} does not report {needle}");
                }
            }
        }
    }
    assert!(compared >= 8, "too few statements compared: {compared}");
}

#[test]
fn a_statement_refuses_a_notification_target() {
    let statement = fixtures().join("camt.053.001.08/two-statements/input.xml");
    let wrong = run(&["translate", "--lossy", "--to", "iso20022:camt.054.001.08"], &statement);
    assert_eq!(wrong.status.code(), Some(1), "{}", String::from_utf8_lossy(&wrong.stderr));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("cannot be written as camt.054.001.08"));
    assert!(wrong.stdout.is_empty());
}

#[test]
fn lenient_text_cuts_over_long_text_with_a_truncated_loss() {
    let input = fixtures().join("pain.001.001.09/error-remittance-too-long/input.xml");
    let refused = run(&["translate", "--to", "canonical:json"], &input);
    assert_eq!(refused.status.code(), Some(1), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("maxLength"));
    // Lenient but strict: the cut is a loss, so the translation is still refused.
    let strict = run(&["translate", "--lenient-text", "--to", "canonical:json"], &input);
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert_eq!(strict.status.code(), Some(3), "{stderr}");
    assert!(strict.stdout.is_empty());
    assert!(stderr.contains("truncated") && stderr.contains("Ustrd"), "{stderr}");
    let lossy = run(&["translate", "--lenient-text", "--lossy", "--to", "canonical:json"], &input);
    let stderr = String::from_utf8_lossy(&lossy.stderr);
    assert_eq!(lossy.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("loss: truncated") && stderr.contains("cut to its maxLength 140"), "{stderr}");
    let json = String::from_utf8_lossy(&lossy.stdout);
    assert!(json.contains(&format!("\"{}\"", "x".repeat(140))), "{json}");
    assert!(!json.contains(&"x".repeat(141)), "{json}");
    // Documented in --help.
    let help = payglot().args(["translate", "--help"]).output().unwrap_or_else(|e| panic!("{e}"));
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--lenient-text") && help.contains("--business-header"), "{help}");
}

#[test]
fn business_header_is_written_back_when_asked_for() {
    let input = fixtures().join("pacs.008.001.08/cbpr-with-apphdr/input.xml");
    let to = ["translate", "--to", "iso20022:pacs.008.001.08"];
    let without = run(&to, &input);
    let stderr = String::from_utf8_lossy(&without.stderr);
    assert_eq!(without.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("business_header"), "{stderr}");
    let with = run(&[&to[..], &["--business-header"]].concat(), &input);
    assert_eq!(with.status.code(), Some(0), "{}", String::from_utf8_lossy(&with.stderr));
    let written = String::from_utf8_lossy(&with.stdout).into_owned();
    assert!(written.contains("<AppHdr xmlns=\"urn:iso:std:iso:20022:tech:xsd:head.001.001.02\">"), "{written}");
    // The header survives: the canonical forms of the input and of what was written agree.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let again = dir.path().join("again.xml");
    std::fs::write(&again, written.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let a = run(&["translate", "--to", "canonical:json"], &input);
    let b = run(&["translate", "--to", "canonical:json"], &again);
    assert_eq!(a.status.code(), Some(0), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(String::from_utf8_lossy(&a.stdout).contains("\"business_header\""));
    assert_eq!(a.stdout, b.stdout);
}

/// A camt.053.001.08 of about `size` bytes: one statement, entries repeated with varied values.
fn large_statement(size: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MEM-TEST-1</MsgId><CreDtTm>2024-03-02T06:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>MEM-TEST-STMT</Id>
      <CreDtTm>2024-03-02T06:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>
"#,
    );
    let mut n = 0u64;
    while s.len() < size {
        n += 1;
        s.push_str(&format!(
            r#"      <Ntry>
        <NtryRef>{n:010}</NtryRef>
        <Amt Ccy="EUR">{}.{:02}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2024-03-01</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>E2E-{n:010}</EndToEndId></Refs>
          <Amt Ccy="EUR">{}.{:02}</Amt>
          <CdtDbtInd>CRDT</CdtDbtInd>
          <RltdPties><Dbtr><Pty><Nm>Dupont et Fils SARL</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf><Ustrd>Invoice {n} of February, thank you</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
"#,
            n % 100_000,
            n % 100,
            n % 100_000,
            n % 100
        ));
    }
    s.push_str("    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n");
    s
}

/// The peak resident set (`VmHWM`, in KB) of process `pid`, from `/proc`; `None` once it has
/// exited (or off Linux).
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Run payglot with `args` on `input`, polling its peak RSS until it exits: (exit code,
/// stderr, peak RSS in KB). The high-water mark only grows, so the last reading before the
/// exit is the peak (up to the last poll's few milliseconds).
fn run_measured(args: &[&str], input: &Path) -> (Option<i32>, String, u64) {
    let binary = assert_cmd::cargo::cargo_bin("payglot");
    // stderr goes to a file: a pipe read only after the exit would fill up and block the child.
    let log = input.with_extension("stderr");
    let stderr_file = std::fs::File::create(&log).unwrap_or_else(|e| panic!("{e}"));
    let mut child = StdCommand::new(binary)
        .args(args)
        .arg(input)
        .stdout(std::process::Stdio::null())
        .stderr(stderr_file)
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut peak = 0;
    let status = loop {
        if let Some(kb) = peak_rss_kb(child.id()) {
            peak = peak.max(kb);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(5)),
            Err(e) => panic!("{e}"),
        }
    };
    let stderr = std::fs::read_to_string(&log).unwrap_or_default();
    (status.code(), stderr, peak)
}

#[test]
fn a_20_mb_statement_streams_in_under_64_mb_of_memory_and_a_6_mb_one_to_camt() {
    if peak_rss_kb(std::process::id()).is_none() {
        println!("/proc/<pid>/status has no VmHWM here; the memory bound is not measured");
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let json = dir.path().join("out.json");
    let camt = dir.path().join("out.xml");
    // 20 MB to canonical:json; 6 MB to camt.053.001.02 (a debug build writes XML slowly). Held
    // whole, either input's element tree and message alone would pass the bound.
    for (size, to, out) in [(20 << 20, "canonical:json", &json), (6 << 20, "iso20022:camt.053.001.02", &camt)] {
        let input = dir.path().join(format!("statement-{size}.xml"));
        std::fs::write(&input, large_statement(size)).unwrap_or_else(|e| panic!("{e}"));
        let out = out.to_string_lossy().into_owned();
        let (code, stderr, peak_kb) = run_measured(&["translate", "--lossy", "--to", to, "-o", &out], &input);
        assert_eq!(code, Some(0), "{to}: {stderr}");
        println!("peak RSS translating a {} MB statement to {to}: {peak_kb} KB", size >> 20);
        assert!(peak_kb > 0 && peak_kb < 64 * 1024, "{to}: peak RSS {peak_kb} KB is over 64 MB");
    }
    // The outputs are the whole statement.
    let json = std::fs::read_to_string(&json).unwrap_or_default();
    assert!(json.ends_with("}\n"));
    let entries = json.matches("\"reference\"").count();
    assert!(entries > 10_000, "{entries} entries");
    let camt = std::fs::read_to_string(&camt).unwrap_or_default();
    assert!(camt.contains("urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"));
    assert!(camt.matches("<Ntry>").count() > entries / 5, "{camt:.400}");
    assert!(camt.ends_with("</Document>\n"));
}

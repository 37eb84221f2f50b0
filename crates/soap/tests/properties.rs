//! Property tests: canonical → `soap:payglot` → canonical and canonical → `soap:iso20022` →
//! canonical are the identity (1,000 cases each), in both SOAP versions, losslessly for
//! `soap:payglot` and with exactly the secure-envelope fields reported for the Nordic form;
//! and a sample of generated bodies validates against `payglot.xsd` with xmllint.

mod common;

use std::path::Path;
use std::process::Command;

use common::FakeIso;
use payglot_core_model::arbitrary;
use payglot_core_model::{Codec, DecodeLimits, EncodeOptions, Message};
use payglot_soap::{Body, NordicConfig, SoapIso20022, SoapPayglot, SoapVersion, parse_envelope};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

fn payglot_message() -> BoxedStrategy<Message> {
    prop_oneof![
        arbitrary::payment_initiation().prop_map(Message::PaymentInitiation),
        arbitrary::status_report().prop_map(Message::StatusReport),
        arbitrary::account_reports().prop_map(Message::Statement),
    ]
    .boxed()
}

fn version() -> impl Strategy<Value = SoapVersion> {
    prop_oneof![Just(SoapVersion::V1_1), Just(SoapVersion::V1_2)]
}

proptest! {
    #![proptest_config(Config { cases: 1000, ..Config::default() })]

    #[test]
    fn canonical_soap_payglot_canonical(message in payglot_message(), version in version()) {
        let codec = SoapPayglot::new(version);
        let encoded = codec.encode(&message, &EncodeOptions::default());
        prop_assert!(encoded.is_ok(), "{:?}", encoded.err());
        let encoded = encoded.map(|e| e.bytes).unwrap_or_default();
        let decoded = codec.decode(&encoded, &DecodeLimits::default());
        prop_assert!(decoded.is_ok(), "{:?}\n{}", decoded.as_ref().err(), String::from_utf8_lossy(&encoded));
        let decoded = decoded.ok();
        prop_assert_eq!(decoded.as_ref().map(|d| d.losses.len()), Some(0));
        prop_assert_eq!(decoded.map(|d| d.message), Some(message));
    }

    #[test]
    fn canonical_soap_iso20022_canonical(message in arbitrary::message(), version in version(), nordic in any::<Option<bool>>()) {
        let fake = FakeIso::default();
        let config = NordicConfig {
            customer_id: "11111111".to_owned(),
            software_id: "payglot-tests".to_owned(),
            environment: "TEST".to_owned(),
            file_type: None,
            compress: nordic == Some(true),
        };
        let codec = match nordic {
            Some(_) => SoapIso20022::nordic(&fake, version, &config),
            None => SoapIso20022::new(&fake, version),
        };
        let encoded = codec.encode(&message, &EncodeOptions::default()).map(|e| e.bytes);
        prop_assert!(encoded.is_ok(), "{:?}", encoded.err());
        let encoded = encoded.unwrap_or_default();
        let decoded = codec.decode(&encoded, &DecodeLimits::default());
        prop_assert!(decoded.is_ok(), "{:?}", decoded.as_ref().err());
        let decoded = decoded.ok();
        let losses: Vec<String> = decoded.as_ref().map(|d| d.losses.iter().map(|l| l.path.clone()).collect()).unwrap_or_default();
        // The Nordic envelope's own fields are reported, nothing else.
        let expected: Vec<&str> = match (nordic, &message) {
            (None, _) => vec![],
            (Some(_), Message::PaymentInitiation(_)) => vec![
                "/ApplicationRequest/CustomerId",
                "/ApplicationRequest/Command",
                "/ApplicationRequest/Timestamp",
                "/ApplicationRequest/Environment",
                "/ApplicationRequest/SoftwareId",
            ],
            (Some(_), _) => vec!["/ApplicationResponse/CustomerId", "/ApplicationResponse/Timestamp"],
        };
        prop_assert_eq!(losses, expected);
        prop_assert_eq!(decoded.map(|d| d.message), Some(message));
    }
}

#[test]
fn generated_bodies_validate_against_the_xsd() {
    if !Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success()) {
        println!("SKIPPED: xmllint not installed (apt-get install libxml2-utils); XSD validation not run");
        return;
    }
    let dir = std::env::temp_dir().join(format!("payglot-soap-prop-xsd-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut runner = TestRunner::new(Config::default());
    let strategy = (payglot_message(), version());
    let mut files = Vec::new();
    for i in 0..120 {
        let Ok(tree) = strategy.new_tree(&mut runner) else { continue };
        let (message, version) = tree.current();
        let encoded = SoapPayglot::new(version).encode(&message, &EncodeOptions::default()).map(|e| e.bytes);
        let Ok(encoded) = encoded else { panic!("encode failed") };
        let Ok(parsed) = parse_envelope(&encoded, &DecodeLimits::default()) else { panic!("own envelope parses") };
        let Body::Payload(payload) = parsed.body else { panic!("payload") };
        let path = dir.join(format!("{i}.xml"));
        let _ = std::fs::write(&path, payload.standalone);
        files.push(path);
    }
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/soap/payglot.xsd");
    let output =
        Command::new("xmllint").arg("--noout").arg("--nonet").arg("--schema").arg(schema).args(&files).output();
    let _ = std::fs::remove_dir_all(&dir);
    let output = output.map(|o| (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned()));
    let (ok, stderr) = output.unwrap_or((false, "xmllint did not run".to_owned()));
    let failures: Vec<&str> = stderr.lines().filter(|l| !l.ends_with(" validates")).collect();
    assert!(ok && failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(files.len(), 120);
}

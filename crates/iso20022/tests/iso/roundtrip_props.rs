//! Property tests: canonical → each ISO 20022 version → canonical.
//!
//! For every generated message of the kind a version carries: encoding either refuses with a
//! named reason (a value the version requires is absent) or writes a document that our
//! validating reader accepts; decoding that document succeeds; when the encoder reported no
//! loss, decoding gives back exactly the message; and encoding the decoded message again gives
//! the same bytes (canonical → ISO → canonical → ISO is a fixed point).

use payglot_core_model::arbitrary;
use payglot_core_model::{Codec, DecodeLimits, EncodeError, EncodeOptions, Message};
use payglot_iso20022::{Iso20022Codec, IsoMessage};
use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn check(version: IsoMessage, strategy: BoxedStrategy<Message>) {
    let codec = Iso20022Codec::new(version);
    let mut runner = TestRunner::new(Config::default());
    let exact = Cell::new(0usize);
    let refused = Cell::new(0usize);
    let outcome = runner.run(&strategy, |message| {
        let encoded = match codec.encode(&message, &EncodeOptions::lossy()) {
            Ok(encoded) => encoded,
            Err(EncodeError::Unrepresentable { .. }) => {
                refused.set(refused.get() + 1);
                return Ok(());
            }
            Err(other) => return Err(TestCaseError::fail(format!("{}: {other}", version.id()))),
        };
        let decoded = codec
            .decode(&encoded.bytes, &DecodeLimits::default())
            .map_err(|e| TestCaseError::fail(format!("{}: own output does not decode: {e}", version.id())))?;
        if encoded.losses.is_empty() {
            exact.set(exact.get() + 1);
            prop_assert_eq!(&decoded.message, &message, "lossless encode must round-trip exactly");
        }
        let again = codec
            .encode(&decoded.message, &EncodeOptions::lossy())
            .map_err(|e| TestCaseError::fail(format!("{}: re-encode failed: {e}", version.id())))?;
        prop_assert_eq!(String::from_utf8_lossy(&again.bytes), String::from_utf8_lossy(&encoded.bytes));
        Ok(())
    });
    println!(
        "{}: {} cases round-tripped exactly, {} refused as unrepresentable",
        version.id(),
        exact.get(),
        refused.get()
    );
    if let Err(error) = outcome {
        panic!("{error}");
    }
}

#[test]
fn pain001_versions() {
    let strategy = arbitrary::payment_initiation().prop_map(Message::PaymentInitiation).boxed();
    check(IsoMessage::Pain001V09, strategy.clone());
    check(IsoMessage::Pain001V03, strategy);
}

#[test]
fn pacs008() {
    check(IsoMessage::Pacs008V08, arbitrary::interbank_transfer().prop_map(Message::InterbankTransfer).boxed());
}

#[test]
fn status_reports() {
    let strategy = arbitrary::status_report().prop_map(Message::StatusReport).boxed();
    check(IsoMessage::Pain002V10, strategy.clone());
    check(IsoMessage::Pain002V03, strategy.clone());
    check(IsoMessage::Pacs002V10, strategy);
}

#[test]
fn pacs004() {
    check(IsoMessage::Pacs004V09, arbitrary::payment_return().prop_map(Message::PaymentReturn).boxed());
}

#[test]
fn statements_and_notifications() {
    let reports = arbitrary::account_reports();
    check(IsoMessage::Camt053V08, reports.clone().prop_map(Message::Statement).boxed());
    check(IsoMessage::Camt053V02, reports.clone().prop_map(Message::Statement).boxed());
    check(IsoMessage::Camt054V08, reports.clone().prop_map(Message::Notification).boxed());
    check(IsoMessage::Camt054V02, reports.prop_map(Message::Notification).boxed());
}

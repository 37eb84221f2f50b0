//! Tests of the external code-set runtime and of the generated tables.

use std::path::PathBuf;

use super::*;

#[test]
fn am04_is_known_with_its_definition() {
    let code = StatusReason::parse("AM04").map_err(|e| e.to_string());
    assert_eq!(code, Ok(StatusReason::AM04));
    assert_eq!(StatusReason::AM04.as_str(), "AM04");
    assert!(StatusReason::AM04.is_known());
    assert_eq!(
        StatusReason::AM04.definition(),
        Some("Amount of funds available to cover specified message amount is insufficient.")
    );
}

#[test]
fn well_formed_unknown_code_is_accepted_but_not_known() {
    let code = StatusReason::parse("ZZ99").map_err(|e| e.to_string());
    assert_eq!(code.as_ref().map(StatusReason::as_str), Ok("ZZ99"));
    assert_eq!(code.as_ref().map(StatusReason::is_known), Ok(false));
    assert_eq!(code.as_ref().map(StatusReason::definition), Ok(None));
}

#[test]
fn malformed_codes_are_rejected() {
    for bad in ["am04", "", "ABCDE", "AM 4", "AM-4", "ÄM04"] {
        let error = StatusReason::parse(bad).map(|_| ()).map_err(|e| e.what());
        assert_eq!(error, Err("ExternalStatusReason1Code"), "{bad:?}");
    }
    let too_long = LocalInstrument::parse(&"A".repeat(36)).map(|_| ());
    assert!(too_long.is_err());
    assert_eq!(LocalInstrument::parse(&"A".repeat(35)).map(|c| c.is_known()).ok(), Some(false));
}

#[test]
fn digit_codes_and_long_codes_have_constants() {
    assert_eq!(LocalInstrument::_04.as_str(), "04");
    assert!(LocalInstrument::_04.is_known());
    assert_eq!(LocalInstrument::INSTNT01IDEAL.as_str(), "INSTNT01IDEAL");
    assert_eq!(ClearingSystem::GBDSC.as_str(), "GBDSC");
    assert_eq!(PaymentStatus::ACSC.as_str(), "ACSC");
}

#[test]
fn serde_round_trip_validates() {
    let json = serde_json::to_string(&StatusReason::AC01).map_err(|e| e.to_string());
    assert_eq!(json.as_deref(), Ok("\"AC01\""));
    let back: Result<StatusReason, _> = serde_json::from_str("\"AC01\"");
    assert_eq!(back.map_err(|e| e.to_string()), Ok(StatusReason::AC01));
    let bad: Result<StatusReason, _> = serde_json::from_str("\"ac01\"");
    assert!(bad.is_err());
}

/// (code set, generated table) for every generated module.
fn tables() -> [(&'static str, &'static [(&'static str, &'static str)]); 14] {
    [
        (StatusReason::CODE_SET, StatusReason::all()),
        (PaymentStatus::CODE_SET, PaymentStatus::all()),
        (GroupStatus::CODE_SET, GroupStatus::all()),
        (Purpose::CODE_SET, Purpose::all()),
        (CategoryPurpose::CODE_SET, CategoryPurpose::all()),
        (ServiceLevel::CODE_SET, ServiceLevel::all()),
        (LocalInstrument::CODE_SET, LocalInstrument::all()),
        (ReturnReason::CODE_SET, ReturnReason::all()),
        (BalanceType::CODE_SET, BalanceType::all()),
        (ClearingSystem::CODE_SET, ClearingSystem::all()),
        (CashAccountType::CODE_SET, CashAccountType::all()),
        (AccountScheme::CODE_SET, AccountScheme::all()),
        (OrganisationIdScheme::CODE_SET, OrganisationIdScheme::all()),
        (PersonIdScheme::CODE_SET, PersonIdScheme::all()),
    ]
}

#[test]
fn tables_are_sorted_unique_and_trimmed() {
    for (set, table) in tables() {
        assert!(!table.is_empty(), "{set}");
        assert!(table.windows(2).all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()), "{set} not sorted");
        for (code, definition) in table {
            assert!(!definition.is_empty() && definition.trim() == *definition, "{set} {code}");
            assert!(!definition.contains("  ") && !definition.contains('\u{a0}'), "{set} {code}");
        }
    }
}

#[test]
fn every_table_code_parses_and_is_known() {
    for (code, definition) in StatusReason::all() {
        let parsed = StatusReason::parse(code).map_err(|e| e.to_string());
        assert_eq!(parsed.as_ref().map(StatusReason::definition), Ok(Some(*definition)));
    }
    for (code, _) in LocalInstrument::all() {
        assert_eq!(LocalInstrument::parse(code).map(|c| c.is_known()).ok(), Some(true), "{code}");
    }
}

#[test]
fn counts_match_the_iso_json() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/iso20022/codesets/4Q2023_ExternalCodeSets_v2.json");
    let Ok(bytes) = std::fs::read(&path) else {
        println!("{} is absent: counts not checked against the ISO JSON", path.display());
        return;
    };
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    for (set, table) in tables() {
        let listed = json["definitions"][set]["enum"].as_array().map(Vec::len);
        assert_eq!(listed, Some(table.len()), "{set}");
    }
}

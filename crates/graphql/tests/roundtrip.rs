//! Property tests: canonical → `graphql:payglot` → canonical is the identity, without losses,
//! on payment initiations and status reports built from the values the format carries.
//! Error-only responses, decoded with a transport context, survive encode → decode unchanged.
//! 1,000 cases each (`PROPTEST_CASES` overrides).

use payglot_core_model::CreditTransfer;
use payglot_core_model::{
    Account, Agent, Bic, ChargeBearer, CodeOrProprietary, Codec, Currency, DateOrDateTime, DateTime, Decimal,
    DecodeLimits, EncodeOptions, EndToEndId, GroupHeader, Iban, InstructionId, Max35Text, Max140Text, Message,
    MessageId, Money, Party, PaymentBatch, PaymentInfoId, PaymentInitiation, PaymentMethod, PaymentStatus, Remittance,
    StatusReason, StatusReasonInfo, StatusReport, Text, TransactionStatus,
};
use payglot_graphql::GraphqlCodec;
use proptest::prelude::*;

const IBANS: &[&str] =
    &["DE89370400440532013000", "FR1420041010050500013M02606", "GB29NWBK60161331926819", "NL91ABNA0417164300"];
const BICS: &[&str] = &["COBADEFFXXX", "BNPAFRPP", "NWBKGB2L"];
const CURRENCIES: &[&str] = &["EUR", "GBP", "USD", "JPY", "CHF"];

fn id_text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 /-]{0,33}[A-Za-z0-9]"
}

fn name() -> impl Strategy<Value = Max140Text> {
    "[A-Za-z][A-Za-z ,.'&-]{0,60}".prop_filter_map("name", |s| Max140Text::new(s).ok())
}

fn money() -> impl Strategy<Value = Money> {
    (0i64..1_000_000_000_000, 0u32..=5, prop::sample::select(CURRENCIES))
        .prop_filter_map("money", |(m, s, c)| Money::new(Decimal::new(m, s), Currency::parse(c).ok()?).ok())
}

fn datetime() -> impl Strategy<Value = DateTime> {
    (2000i32..2040, 1u32..=12, 1u32..=28, 0u32..24, 0u32..60, prop::sample::select(&["Z", "+01:00", "-05:30", ""][..]))
        .prop_filter_map("datetime", |(y, mo, d, h, mi, off)| {
            DateTime::parse(&format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:07{off}")).ok()
        })
}

fn party() -> impl Strategy<Value = Party> {
    name().prop_map(Party::named)
}

fn transfer() -> impl Strategy<Value = CreditTransfer> {
    (
        id_text().prop_filter_map("e2e", |s| EndToEndId::new(s).ok()),
        prop::option::of(id_text().prop_filter_map("instr", |s| InstructionId::new(s).ok())),
        money(),
        party(),
        party(),
        prop::option::of(prop::sample::select(IBANS)),
        prop::option::of(prop::sample::select(IBANS)),
        prop::option::of(prop::sample::select(BICS)),
        prop::collection::vec("[ -~]{1,140}".prop_filter_map("line", |s| Max140Text::new(s).ok()), 0..3),
        prop::option::of(prop::sample::select(
            &[ChargeBearer::Debtor, ChargeBearer::Shared, ChargeBearer::ServiceLevel][..],
        )),
        prop::option::of(prop_oneof![
            (2020i32..2030, 1u32..=12, 1u32..=28).prop_filter_map("date", |(y, m, d)| {
                chrono::NaiveDate::from_ymd_opt(y, m, d).map(DateOrDateTime::Date)
            }),
            datetime().prop_map(DateOrDateTime::DateTime),
        ]),
        prop::collection::btree_map("[a-z.]{1,12}", "[ -~]{0,20}", 0..3),
    )
        .prop_map(|(e2e, instr, amount, debtor, creditor, d_iban, c_iban, bic, lines, bearer, requested, ext)| {
            let mut t = CreditTransfer::new(e2e, amount, debtor, creditor);
            t.ids.instruction_id = instr;
            t.debtor_account = d_iban.and_then(|i| Iban::parse(i).ok()).map(Account::iban);
            t.creditor_account = c_iban.and_then(|i| Iban::parse(i).ok()).map(Account::iban);
            t.creditor_agent = bic.and_then(|b| Bic::parse(b).ok()).map(Agent::bic);
            t.remittance = (!lines.is_empty()).then(|| Remittance { unstructured: lines, structured: Vec::new() });
            t.charge_bearer = bearer;
            t.requested_execution = requested;
            t.extensions = ext;
            t
        })
}

fn initiation() -> impl Strategy<Value = PaymentInitiation> {
    (
        id_text().prop_filter_map("msg", |s| MessageId::new(s).ok()),
        datetime(),
        prop::option::of(party()),
        prop::collection::vec(
            (
                id_text().prop_filter_map("pmt", |s| PaymentInfoId::new(s).ok()),
                prop::option::of(any::<bool>()),
                prop::collection::vec(transfer(), 1..3),
            ),
            1..3,
        ),
    )
        .prop_map(|(message_id, created, initiating_party, batches)| {
            let mut header = GroupHeader::new(message_id, created);
            header.initiating_party = initiating_party;
            let mut seen = std::collections::HashSet::new();
            let batches = batches
                .into_iter()
                .filter(|(id, _, _)| seen.insert(id.as_str().to_owned()))
                .map(|(id, batch_booking, transfers)| PaymentBatch {
                    id,
                    method: PaymentMethod::Transfer,
                    batch_booking,
                    transfers,
                })
                .collect();
            PaymentInitiation { header, batches }
        })
}

fn report() -> impl Strategy<Value = StatusReport> {
    let reason =
        (prop::sample::select(&["AM04", "AC01", "FF01", "MS03"][..]), prop::collection::vec("[ -~]{1,105}", 0..2))
            .prop_map(|(code, info)| StatusReasonInfo {
                originator: None,
                reason: StatusReason::parse(code).ok().map(CodeOrProprietary::Code),
                mapped_reason: None,
                additional_info: info.into_iter().filter_map(|l| Text::<105>::new(l).ok()).collect(),
            });
    (
        id_text().prop_filter_map("msg", |s| MessageId::new(s).ok()),
        datetime(),
        prop::collection::vec(
            (
                prop::option::of(id_text().prop_filter_map("id", |s| Max35Text::new(s).ok())),
                prop::option::of(id_text().prop_filter_map("e2e", |s| EndToEndId::new(s).ok())),
                prop::sample::select(&["ACSP", "ACSC", "RJCT", "PDNG"][..]),
                prop::collection::vec(reason, 0..2),
                prop::option::of(money()),
            ),
            1..3,
        ),
    )
        .prop_map(|(message_id, created, items)| StatusReport {
            header: GroupHeader::new(message_id, created),
            original_groups: Vec::new(),
            payment_infos: Vec::new(),
            transactions: items
                .into_iter()
                .map(|(status_id, e2e, status, reasons, amount)| TransactionStatus {
                    status_id,
                    original_instruction_id: None,
                    original_end_to_end_id: e2e,
                    original_transaction_id: None,
                    original_uetr: None,
                    status: PaymentStatus::parse(status).ok(),
                    reasons,
                    acceptance_time: None,
                    original_amount: amount,
                    original_requested_execution: None,
                    extensions: Default::default(),
                })
                .collect(),
        })
}

fn round_trip(message: &Message) -> Result<(), TestCaseError> {
    let encoded =
        GraphqlCodec.encode(message, &EncodeOptions::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(encoded.losses.is_empty(), "encode losses: {:?}", encoded.losses);
    let decoded = GraphqlCodec
        .decode(&encoded.bytes, &DecodeLimits::default())
        .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&encoded.bytes))))?;
    prop_assert!(decoded.losses.is_empty(), "decode losses: {:?}", decoded.losses);
    prop_assert_eq!(&decoded.message, message);
    Ok(())
}

/// 1,000 unless `PROPTEST_CASES` says otherwise.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000)
}

/// A GraphQL error code: every code of the outcome table, and unknown ones.
fn error_code() -> impl Strategy<Value = String> {
    use payglot_core_model::outcome;
    let known: Vec<String> = outcome::EXACT.iter().map(|(_, o)| o.graphql_code.to_owned()).collect();
    prop_oneof![proptest::sample::select(known), "[A-Z_]{1,20}", Just(String::new())]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn error_only_responses_decode_to_a_report_that_round_trips(
        errors in proptest::collection::vec((error_code(), "[ -~]{0,250}"), 1..4),
        payment_id in proptest::option::of("[A-Za-z0-9]{1,35}"),
    ) {
        let errors: Vec<serde_json::Value> = errors
            .iter()
            .map(|(code, message)| {
                let mut extensions = serde_json::json!({"code": code});
                if let Some(id) = &payment_id {
                    extensions["paymentId"] = serde_json::json!(id);
                }
                serde_json::json!({"message": message, "extensions": extensions})
            })
            .collect();
        let body = serde_json::json!({"errors": errors}).to_string();
        let transport = payglot_core_model::TransportContext {
            message_id: MessageId::new("REQ-1").map_err(|e| TestCaseError::fail(e.to_string()))?,
            time: DateTime::parse("2024-03-01T10:00:00Z").map_err(|e| TestCaseError::fail(e.to_string()))?,
        };
        let limits = DecodeLimits::default().with_transport(transport);
        let decoded = GraphqlCodec.decode(body.as_bytes(), &limits).map_err(|e| TestCaseError::fail(format!("{e}\n{body}")))?;
        prop_assert!(decoded.losses.is_empty(), "{:?}", decoded.losses);
        let Message::StatusReport(report) = &decoded.message else {
            return Err(TestCaseError::fail("not a status report"));
        };
        prop_assert_eq!(report.transactions.len(), 1);
        prop_assert_eq!(report.transactions[0].reasons.len(), errors.len());
        round_trip(&decoded.message)?;
    }

    #[test]
    fn initiations_round_trip(initiation in initiation()) {
        round_trip(&Message::PaymentInitiation(initiation))?;
    }

    #[test]
    fn status_reports_round_trip(report in report()) {
        round_trip(&Message::StatusReport(report))?;
    }
}

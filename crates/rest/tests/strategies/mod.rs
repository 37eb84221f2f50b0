//! proptest strategies for canonical messages that a REST dialect can carry exactly (core-model
//! has no `arbitrary` module yet, so the tests build their own). Each strategy yields only values
//! its dialect holds, so a round trip must be the identity with no loss.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use payglot_core_model::{
    Account, AccountNumber, Agent, Bic, CategoryPurpose, ChargeBearer, CodeOrProprietary, CountryCode, CreditTransfer,
    CreditorReferenceInfo, Currency, DateOrDateTime, DateTime, EndToEndId, GroupHeader, Iban, InstructionId, Max35Text,
    Message, MessageId, Money, Party, PaymentBatch, PaymentInfoId, PaymentInitiation, PaymentMethod, PaymentStatus,
    PaymentType, PostalAddress, Purpose, Remittance, StatusReason, StatusReasonInfo, StatusReport,
    StructuredRemittance, Text, TransactionStatus, Uetr,
};
use proptest::option::of;
use proptest::prelude::*;

/// Valid IBANs of several countries (check digits correct).
pub const IBANS: &[&str] = &[
    "DE89370400440532013000",
    "FR1420041010050500013M02606",
    "GB29NWBK60161331926819",
    "NL91ABNA0417164300",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "BE68539007547034",
    "CH9300762011623852957",
];

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("strategy built an invalid value: {e}"))
}

pub fn id35() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9/-]{0,34}"
}

pub fn text_of(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9][A-Za-z0-9 .,'-]{{0,{}}}", max.saturating_sub(1)))
        .unwrap_or_else(|e| panic!("{e}"))
        .prop_map(|s| s.trim_end().to_owned())
        .prop_filter("non-empty", |s| !s.is_empty())
}

pub fn date() -> impl Strategy<Value = NaiveDate> {
    (2000i32..2040, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default())
}

pub fn date_time() -> impl Strategy<Value = DateTime> {
    (
        date(),
        0u32..24,
        0u32..60,
        0u32..60,
        prop_oneof![Just(""), Just("Z"), Just("+01:00"), Just("-05:30")],
        of(0u32..1000),
    )
        .prop_map(|(d, h, m, s, offset, millis)| {
            let fraction = millis.map(|ms| format!(".{ms:03}")).unwrap_or_default();
            ok(DateTime::parse(&format!("{d}T{h:02}:{m:02}:{s:02}{fraction}{offset}")))
        })
}

pub fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![Just("EUR"), Just("USD"), Just("GBP"), Just("JPY"), Just("BHD"), Just("CHF")]
        .prop_map(|c| ok(Currency::parse(c)))
}

/// Money that fits minor units in 64 bits and the ISO limits.
pub fn money_minor() -> impl Strategy<Value = Money> {
    (0i64..1_000_000_000_000, currency()).prop_map(|(units, c)| ok(Money::from_minor_units(units, c)))
}

/// Money with at most 2 decimals (Berlin Group, Open Banking write decimal strings).
pub fn money_decimal(max_fraction: u32, below: i64) -> impl Strategy<Value = Money> {
    (0i64..below, 0..=max_fraction, currency())
        .prop_map(|(units, scale, c)| ok(Money::new(payglot_core_model::Decimal::new(units, scale), c)))
}

pub fn iban() -> impl Strategy<Value = Iban> {
    proptest::sample::select(IBANS).prop_map(|i| ok(Iban::parse(i)))
}

pub fn native_account() -> impl Strategy<Value = Account> {
    prop_oneof![
        iban().prop_map(Account::iban),
        "acc_[a-z0-9]{1,20}".prop_map(|id| Account::other(
            ok(AccountNumber::parse(&id)),
            Some(CodeOrProprietary::Proprietary(ok(Max35Text::new(payglot_rest::NATIVE_ACCOUNT_SCHEME))))
        )),
    ]
}

pub fn country() -> impl Strategy<Value = CountryCode> {
    prop_oneof![Just("DE"), Just("FR"), Just("GB"), Just("NL"), Just("US")].prop_map(|c| ok(CountryCode::parse(c)))
}

pub fn address() -> impl Strategy<Value = PostalAddress> {
    (
        of(text_of(70)),
        of("[0-9]{1,4}[a-z]?"),
        of("[0-9A-Z]{4,7}"),
        of(text_of(35)),
        of(country()),
        proptest::collection::vec(text_of(70), 0..3),
    )
        .prop_map(|(street, number, post, town, country, lines)| PostalAddress {
            street_name: street.map(|s| ok(Text::new(s))),
            building_number: number.map(|s| ok(Text::new(s))),
            post_code: post.map(|s| ok(Text::new(s))),
            town_name: town.map(|s| ok(Text::new(s))),
            country,
            address_lines: lines.into_iter().map(|l| ok(Text::new(l))).collect(),
            ..PostalAddress::default()
        })
}

pub fn native_party() -> impl Strategy<Value = Party> {
    (of(text_of(140)), of(address()), of(country())).prop_map(|(name, address, residence)| Party {
        name: name.map(|n| ok(Text::new(n))),
        postal_address: address,
        country_of_residence: residence,
        ..Party::default()
    })
}

pub fn bic() -> impl Strategy<Value = Bic> {
    prop_oneof![Just("DEUTDEFF"), Just("BNPAFRPP"), Just("COBADEFFXXX"), Just("NWBKGB2L")]
        .prop_map(|b| ok(Bic::parse(b)))
}

pub fn native_agent() -> impl Strategy<Value = Agent> {
    (of(bic()), of(text_of(140))).prop_map(|(bic, name)| Agent {
        bic,
        name: name.map(|n| ok(Text::new(n))),
        ..Agent::default()
    })
}

pub fn uetr() -> impl Strategy<Value = Uetr> {
    any::<u128>().prop_map(|bits| ok(Uetr::from_uuid(uuid_v4(bits))))
}

fn uuid_v4(bits: u128) -> uuid::Uuid {
    uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid()
}

fn scor_remittance(reference: String) -> StructuredRemittance {
    StructuredRemittance {
        creditor_reference: Some(CreditorReferenceInfo {
            kind: Some(CodeOrProprietary::Code(ok(Text::new("SCOR")))),
            issuer: None,
            reference: Some(ok(Text::new(reference))),
        }),
        ..StructuredRemittance::default()
    }
}

pub fn native_remittance() -> impl Strategy<Value = Option<Remittance>> {
    (proptest::collection::vec(text_of(140), 0..3), of(id35())).prop_map(|(lines, reference)| {
        let remittance = Remittance {
            unstructured: lines.into_iter().map(|l| ok(Text::new(l))).collect(),
            structured: reference.map(scor_remittance).into_iter().collect(),
        };
        (!remittance.is_empty()).then_some(remittance)
    })
}

pub fn purpose() -> impl Strategy<Value = Purpose> {
    prop_oneof![Just("SUPP"), Just("SALA"), Just("GDDS"), Just("TAXS")].prop_map(|p| ok(Purpose::parse(p)))
}

pub fn charge_bearer() -> impl Strategy<Value = ChargeBearer> {
    prop_oneof![
        Just(ChargeBearer::Debtor),
        Just(ChargeBearer::Creditor),
        Just(ChargeBearer::Shared),
        Just(ChargeBearer::ServiceLevel)
    ]
}

prop_compose! {
    pub fn native_transfer()(
        amount in money_minor(),
        reference in id35(),
        end_to_end in of(id35().prop_filter("not NOTPROVIDED", |s| s != "NOTPROVIDED")),
        uetr in of(uetr()),
        accounts in (native_account(), native_account()),
        parties in (native_party(), native_party(), of(native_party()), of(native_party())),
        agents in (of(native_agent()), of(native_agent())),
        remittance in native_remittance(),
        execution in of(date()),
        purpose in of(purpose()),
        category in of(prop_oneof![Just("SALA"), Just("SUPP"), Just("TREA")]),
        bearer in of(charge_bearer()),
        metadata in proptest::collection::btree_map("[a-z_]{1,10}", "[ -~]{0,20}", 0..3),
    ) -> CreditTransfer {
        let end_to_end = end_to_end.unwrap_or_else(|| "NOTPROVIDED".to_owned());
        let mut t = CreditTransfer::new(ok(EndToEndId::new(end_to_end)), amount, parties.0, parties.1);
        t.ids.instruction_id = Some(ok(InstructionId::new(reference)));
        t.ids.uetr = uetr;
        t.debtor_account = Some(accounts.0);
        t.creditor_account = Some(accounts.1);
        t.ultimate_debtor = parties.2;
        t.ultimate_creditor = parties.3;
        t.debtor_agent = agents.0;
        t.creditor_agent = agents.1;
        t.remittance = remittance;
        t.requested_execution = execution.map(DateOrDateTime::Date);
        t.purpose = purpose.map(CodeOrProprietary::Code);
        t.payment_type = category.map(|c| PaymentType {
            category_purpose: Some(CodeOrProprietary::Code(ok(CategoryPurpose::parse(c)))),
            ..PaymentType::default()
        });
        t.charge_bearer = bearer;
        t.extensions = metadata.into_iter().map(|(k, v)| (format!("metadata.{k}"), v)).collect::<BTreeMap<_, _>>();
        t
    }
}

pub fn native_initiation() -> BoxedStrategy<Message> {
    let single = (id35(), date_time(), native_transfer_boxed()).prop_map(|(id, created, transfer)| {
        let header = GroupHeader::new(ok(MessageId::new(id.clone())), created);
        let batch = PaymentBatch {
            id: ok(PaymentInfoId::new(id)),
            method: PaymentMethod::Transfer,
            batch_booking: None,
            transfers: vec![transfer],
        };
        Message::PaymentInitiation(PaymentInitiation { header, batches: vec![batch] })
    });
    let batches = (
        id35(),
        date_time(),
        proptest::collection::vec(
            (id35(), of(any::<bool>()), proptest::collection::vec(native_transfer_boxed(), 1..3)),
            1..3,
        ),
    )
        .prop_map(|(id, created, batches)| {
            let header = GroupHeader::new(ok(MessageId::new(id)), created);
            let batches = batches
                .into_iter()
                .map(|(id, booking, transfers)| PaymentBatch {
                    id: ok(PaymentInfoId::new(id)),
                    method: PaymentMethod::Transfer,
                    batch_booking: booking,
                    transfers,
                })
                .collect();
            Message::PaymentInitiation(PaymentInitiation { header, batches })
        });
    prop_oneof![single.boxed(), batches.boxed()].boxed()
}

pub fn status_code() -> impl Strategy<Value = PaymentStatus> {
    prop_oneof![
        Just("RCVD"),
        Just("ACTC"),
        Just("ACSP"),
        Just("ACSC"),
        Just("ACCC"),
        Just("PDNG"),
        Just("RJCT"),
        Just("CANC"),
        Just("ACWC")
    ]
    .prop_map(|s| ok(PaymentStatus::parse(s)))
}

pub fn reason() -> impl Strategy<Value = StatusReasonInfo> {
    (
        prop_oneof![Just("AM04"), Just("AC01"), Just("AC04"), Just("FF01"), Just("DT01"), Just("MS03")],
        of("[a-z_]{1,30}"),
        proptest::collection::vec(text_of(105), 0..2),
    )
        .prop_map(|(code, own, details)| {
            let iso = ok(StatusReason::parse(code));
            let (reason, mapped_reason) = match own {
                Some(own) => (Some(CodeOrProprietary::Proprietary(ok(Text::new(own)))), Some(iso)),
                None => (Some(CodeOrProprietary::Code(iso)), None),
            };
            StatusReasonInfo {
                originator: None,
                reason,
                mapped_reason,
                additional_info: details.into_iter().map(|d| ok(Text::new(d))).collect(),
            }
        })
}

pub fn native_status() -> BoxedStrategy<Message> {
    (
        id35(),
        of("evt_[a-z0-9]{1,20}"),
        date_time(),
        status_code(),
        proptest::collection::vec(reason(), 0..3),
        of(money_minor()),
        (of(id35()), of(id35()), of(uetr()), of(date()), of(date_time())),
    )
        .prop_map(|(id, event, created, status, reasons, amount, (reference, e2e, uetr, execution, accepted))| {
            let message_id = event.unwrap_or_else(|| id.clone());
            let transaction = TransactionStatus {
                status_id: Some(ok(Text::new(id))),
                original_instruction_id: reference.map(|r| ok(InstructionId::new(r))),
                original_end_to_end_id: e2e.map(|r| ok(EndToEndId::new(r))),
                original_transaction_id: None,
                original_uetr: uetr,
                status: Some(status),
                reasons,
                acceptance_time: accepted,
                original_amount: amount,
                original_requested_execution: execution.map(DateOrDateTime::Date),
                extensions: BTreeMap::new(),
            };
            Message::StatusReport(StatusReport {
                header: GroupHeader::new(ok(MessageId::new(message_id)), created),
                original_groups: Vec::new(),
                payment_infos: Vec::new(),
                transactions: vec![transaction],
            })
        })
        .boxed()
}

/// One transfer in a batch whose id is the message id, as a body-only dialect decodes it.
fn single(message_id: &str, created: DateTime, transfer: CreditTransfer) -> Message {
    let header = GroupHeader::new(ok(MessageId::new(message_id)), created);
    let batch = PaymentBatch {
        id: ok(PaymentInfoId::new(message_id)),
        method: PaymentMethod::Transfer,
        batch_booking: None,
        transfers: vec![transfer],
    };
    Message::PaymentInitiation(PaymentInitiation { header, batches: vec![batch] })
}

fn name70() -> impl Strategy<Value = Text<140>> {
    text_of(70).prop_map(|n| ok(Text::new(n)))
}

fn proprietary<S>(name: &str) -> CodeOrProprietary<S> {
    CodeOrProprietary::Proprietary(ok(Max35Text::new(name)))
}

pub fn bg_account() -> impl Strategy<Value = Account> {
    let id = prop_oneof![
        iban().prop_map(Account::iban),
        "[0-9]{8,20}".prop_map(|n| Account::other(
            ok(AccountNumber::parse(&n)),
            Some(CodeOrProprietary::Code(ok(payglot_core_model::AccountScheme::parse("BBAN"))))
        )),
        "4[0-9]{15}".prop_map(|n| Account::other(ok(AccountNumber::parse(&n)), Some(proprietary("PAN")))),
        "[0-9]{6}x{6}[0-9]{4}"
            .prop_map(|n| Account::other(ok(AccountNumber::parse(&n)), Some(proprietary("MaskedPAN")))),
        "\\+[0-9]{8,14}".prop_map(|n| Account {
            id: None,
            account_type: None,
            currency: None,
            name: None,
            proxy: Some(payglot_core_model::Proxy {
                kind: Some(CodeOrProprietary::Code(ok(Text::new("TELE")))),
                id: ok(Text::new(n))
            }),
        }),
    ];
    (id, of(currency())).prop_map(|(mut account, currency)| {
        account.currency = currency;
        account
    })
}

fn bg_address() -> impl Strategy<Value = PostalAddress> {
    (of(text_of(70)), of("[0-9]{1,4}"), of("[0-9A-Z]{4,7}"), of(text_of(35)), country()).prop_map(
        |(street, number, post, town, country)| PostalAddress {
            street_name: street.map(|s| ok(Text::new(s))),
            building_number: number.map(|s| ok(Text::new(s))),
            post_code: post.map(|s| ok(Text::new(s))),
            town_name: town.map(|s| ok(Text::new(s))),
            country: Some(country),
            ..PostalAddress::default()
        },
    )
}

fn bg_structured() -> impl Strategy<Value = StructuredRemittance> {
    (id35(), of(prop_oneof![Just("SCOR".to_owned()), "[a-z][a-z ]{5,30}"]), of(text_of(35))).prop_map(
        |(reference, kind, issuer)| StructuredRemittance {
            creditor_reference: Some(CreditorReferenceInfo {
                kind: kind.map(|k| {
                    if k == "SCOR" {
                        CodeOrProprietary::Code(ok(Text::new(k)))
                    } else {
                        CodeOrProprietary::Proprietary(ok(Text::new(k)))
                    }
                }),
                issuer: issuer.map(|i| ok(Text::new(i))),
                reference: Some(ok(Text::new(reference))),
            }),
            ..StructuredRemittance::default()
        },
    )
}

prop_compose! {
    fn bg_transfer()(
        amount in money_decimal(3, 100_000_000_000_000),
        end_to_end in of(id35().prop_filter("not NOTPROVIDED", |s| s != "NOTPROVIDED")),
        accounts in (bg_account(), bg_account()),
        names in (of(name70()), name70(), of(name70()), of(name70())),
        address in of(bg_address()),
        agent in of((of(bic()), of(name70())).prop_filter("bic or name", |(b, n)| b.is_some() || n.is_some())),
        purpose in of(purpose()),
        bearer in of(charge_bearer()),
        lines in proptest::collection::vec(text_of(140), 0..3),
        structured in proptest::collection::vec(bg_structured(), 0..3),
        execution in of(prop_oneof![date().prop_map(DateOrDateTime::Date), date_time().prop_map(DateOrDateTime::DateTime)]),
    ) -> CreditTransfer {
        let end_to_end = end_to_end.unwrap_or_else(|| "NOTPROVIDED".to_owned());
        let debtor = Party { name: names.0, ..Party::default() };
        let creditor = Party { name: Some(names.1), postal_address: address, ..Party::default() };
        let mut t = CreditTransfer::new(ok(EndToEndId::new(end_to_end)), amount, debtor, creditor);
        t.debtor_account = Some(accounts.0);
        t.creditor_account = Some(accounts.1);
        t.ultimate_debtor = names.2.map(Party::named);
        t.ultimate_creditor = names.3.map(Party::named);
        t.creditor_agent = agent.map(|(bic, name)| Agent { bic, name, ..Agent::default() });
        t.purpose = purpose.map(CodeOrProprietary::Code);
        t.charge_bearer = bearer;
        let remittance = Remittance { unstructured: lines.into_iter().map(|l| ok(Text::new(l))).collect(), structured };
        t.remittance = (!remittance.is_empty()).then_some(remittance);
        t.requested_execution = execution;
        t
    }
}

pub fn bg_initiation() -> impl Strategy<Value = Message> {
    (id35(), date_time(), bg_transfer()).prop_map(|(id, created, t)| single(&id, created, t))
}

fn ob_account(v4: bool) -> impl Strategy<Value = Account> {
    let _ = v4;
    prop_oneof![
        iban().prop_map(Account::iban),
        "[0-9]{14}".prop_map(|n| Account::other(
            ok(AccountNumber::parse(&n)),
            Some(proprietary("UK.OBIE.SortCodeAccountNumber"))
        )),
        "[0-9]{8,20}".prop_map(|n| Account::other(
            ok(AccountNumber::parse(&n)),
            Some(CodeOrProprietary::Code(ok(payglot_core_model::AccountScheme::parse("BBAN"))))
        )),
    ]
}

fn ob_remittance(v4: bool) -> BoxedStrategy<Option<Remittance>> {
    if v4 {
        (
            proptest::collection::vec(text_of(140), 0..3),
            proptest::collection::vec(
                (of(Just("SCOR")), of(text_of(35)), id35(), proptest::collection::vec(text_of(140), 0..3)),
                0..2,
            ),
        )
            .prop_map(|(lines, blocks)| {
                let remittance = Remittance {
                    unstructured: lines.into_iter().map(|l| ok(Text::new(l))).collect(),
                    structured: blocks
                        .into_iter()
                        .map(|(code, issuer, reference, extra)| StructuredRemittance {
                            creditor_reference: Some(CreditorReferenceInfo {
                                kind: code.map(|c| CodeOrProprietary::Code(ok(Text::new(c)))),
                                issuer: issuer.map(|i| ok(Text::new(i))),
                                reference: Some(ok(Text::new(reference))),
                            }),
                            additional_info: extra.into_iter().map(|l| ok(Text::new(l))).collect(),
                            ..StructuredRemittance::default()
                        })
                        .collect(),
                };
                (!remittance.is_empty()).then_some(remittance)
            })
            .boxed()
    } else {
        (of(text_of(140)), of("[A-Z0-9-]{1,18}"))
            .prop_map(|(line, reference)| {
                let remittance = Remittance {
                    unstructured: line.into_iter().map(|l| ok(Text::new(l))).collect(),
                    structured: reference
                        .into_iter()
                        .map(|r| StructuredRemittance {
                            creditor_reference: Some(CreditorReferenceInfo {
                                kind: None,
                                issuer: None,
                                reference: Some(ok(Text::new(r))),
                            }),
                            ..StructuredRemittance::default()
                        })
                        .collect(),
                };
                (!remittance.is_empty()).then_some(remittance)
            })
            .boxed()
    }
}

pub fn ob_initiation(v4: bool) -> impl Strategy<Value = Message> {
    (
        id35(),
        date_time(),
        (money_decimal(5, 10_000_000_000_000), id35(), "[A-Za-z0-9.-]{1,31}", of(Just("UK.OBIE.FPS"))),
        (of((ob_account(v4), of(name70()))), ob_account(v4), name70()),
        of(address()),
        ob_remittance(v4),
        (of(purpose()), of(prop_oneof![Just("SALA"), Just("SUPP")]), proptest::bool::ANY),
    )
        .prop_map(
            move |(
                id,
                created,
                (amount, instruction, e2e, instrument),
                (debtor, creditor_account, creditor_name),
                address,
                remittance,
                (purpose, category, agent),
            )| {
                let mut t = CreditTransfer::new(
                    ok(EndToEndId::new(e2e)),
                    amount,
                    Party::default(),
                    Party { name: Some(creditor_name.clone()), postal_address: address, ..Party::default() },
                );
                t.ids.instruction_id = Some(ok(InstructionId::new(instruction)));
                if let Some((mut account, name)) = debtor {
                    account.name = name.as_ref().map(|n| ok(Text::new(n.as_str())));
                    t.debtor.name = name;
                    t.debtor_account = Some(account);
                }
                let mut creditor_account = creditor_account;
                creditor_account.name = Some(ok(Text::new(creditor_name.as_str())));
                t.creditor_account = Some(creditor_account);
                let category = category.filter(|_| v4);
                if instrument.is_some() || category.is_some() {
                    t.payment_type = Some(PaymentType {
                        local_instrument: instrument.map(proprietary),
                        category_purpose: category.map(|c| CodeOrProprietary::Code(ok(CategoryPurpose::parse(c)))),
                        ..PaymentType::default()
                    });
                }
                t.purpose = purpose.map(CodeOrProprietary::Code);
                t.remittance = remittance;
                if v4 && agent {
                    t.creditor_agent = Some(Agent::bic(ok(Bic::parse("NWBKGB2L"))));
                }
                single(&id, created, t)
            },
        )
}

fn native_transfer_boxed() -> BoxedStrategy<CreditTransfer> {
    native_transfer().boxed()
}

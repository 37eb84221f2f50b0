//! `rest:native` ↔ canonical: every field either mapped, or reported as a `Loss`.

use std::collections::BTreeMap;
use std::fmt;

use payglot_core_model::{
    Account, AccountId, AccountNumber, AccountReport, AccountReports, Agent, BankTransactionCode, CodeOrProprietary,
    CreditDebit, CreditTransfer, CreditorReferenceInfo, DateOrDateTime, DecodeError, DecodeLimits, Decoded,
    EncodeError, Encoded, EndToEndId, Entry, GroupHeader, Max35Text, Message, MessageId, Money, Party, PaymentBatch,
    PaymentInitiation, PaymentMethod, PaymentType, Remittance, StatusReasonInfo, StatusReport, StructuredRemittance,
    Text, TransactionStatus,
};

use super::{out, wire};
use crate::common::{At, Losses, MinorUnits, TopKeys, electronic_iban, invalid_at, to_json, unrepresentable};

/// The proprietary account scheme of a provider account id such as `acc_123456`.
pub const NATIVE_ACCOUNT_SCHEME: &str = "payglot";

/// The end-to-end id ISO uses when the originator gave none.
const NOT_PROVIDED: &str = "NOTPROVIDED";

/// Metadata keys are kept in `extensions` under this prefix.
const METADATA_PREFIX: &str = "metadata.";

/// The deepest nesting a payment request can have (request → party → address → lines).
const PAYMENT_REQUEST_DEPTH: usize = 4;

pub(super) fn decode(input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
    limits.check_size(input)?;
    // Fast path for the common document, a single payment request: one typed pass, no shape
    // pre-scan, no key probe, no path tracking. It is taken only where it cannot accept what
    // the located path below refuses: the request's fixed shape nests at most
    // `PAYMENT_REQUEST_DEPTH` deep and no string can be longer than the whole input, so the
    // depth and string limits cannot trip; serde_json refuses a BOM, duplicate fields, unknown
    // fields (the other documents' `object` and `batches` among them) and trailing bytes. Any
    // failure is decoded again on the located path, which gives the error its JSON pointer.
    if limits.max_depth >= PAYMENT_REQUEST_DEPTH
        && input.len() <= limits.max_string_bytes
        && let Ok(request) = serde_json::from_slice::<wire::PaymentRequest>(input)
    {
        return decode_request(request, limits);
    }
    let keys = TopKeys::probe_checked(input, limits)?;
    match keys.object.as_deref() {
        Some("payment") => {
            let payment: wire::Payment = payglot_core_model::json::from_slice(input, limits)?;
            let mut losses = Losses::default();
            let report = payment_to_report(&payment, None, "", &mut losses)?;
            Ok(Decoded { message: Message::StatusReport(report), losses: losses.into_vec() })
        }
        Some("event") => {
            let event: wire::Event = payglot_core_model::json::from_slice(input, limits)?;
            let mut losses = Losses::default();
            let report = payment_to_report(&event.data, Some(&event), "/data", &mut losses)?;
            Ok(Decoded { message: Message::StatusReport(report), losses: losses.into_vec() })
        }
        Some("list") => {
            let list: wire::TransactionList = payglot_core_model::json::from_slice(input, limits)?;
            let mut losses = Losses::default();
            let statement = list_to_statement(&list, &mut losses)?;
            Ok(Decoded { message: Message::Statement(statement), losses: losses.into_vec() })
        }
        _ if keys.has("batches") => {
            let request: wire::BatchRequest = payglot_core_model::json::from_slice(input, limits)?;
            let mut batches = Vec::with_capacity(request.batches.len());
            if request.batches.is_empty() {
                return Err(DecodeError::invalid(payglot_core_model::Location::path("/batches"), "no batch"));
            }
            for (b, batch) in request.batches.into_iter().enumerate() {
                if batch.payments.is_empty() {
                    return Err(DecodeError::invalid(
                        payglot_core_model::Location::path(format!("/batches/{b}/payments")),
                        "a batch needs at least one payment",
                    ));
                }
                let mut transfers = Vec::with_capacity(batch.payments.len());
                for (t, payment) in batch.payments.into_iter().enumerate() {
                    transfers.push(payment_from_native(payment.into(), &format!("/batches/{b}/payments/{t}"))?);
                }
                batches.push(PaymentBatch {
                    id: batch.id,
                    method: PaymentMethod::Transfer,
                    batch_booking: batch.batch_booking,
                    transfers,
                });
            }
            let header = GroupHeader::new(request.idempotency_key, request.created_at);
            Ok(Decoded::exact(Message::PaymentInitiation(PaymentInitiation { header, batches })))
        }
        _ => decode_request(payglot_core_model::json::from_slice(input, limits)?, limits),
    }
}

/// A single payment request as a one-batch, one-transfer initiation.
/// The request's own `idempotency_key` and `created_at` win; either one missing is taken from
/// the transport (`limits.transport`), and refused when the transport says nothing either.
fn decode_request(mut request: wire::PaymentRequest, limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
    let transport = limits.transport.as_ref();
    let missing =
        |field: &str| DecodeError::missing_field(payglot_core_model::Location::path(format!("/{field}")), field);
    let key = match request.idempotency_key.take() {
        Some(key) => key,
        None => transport.map(|t| t.message_id.clone()).ok_or_else(|| missing("idempotency_key"))?,
    };
    let created = match request.created_at.take() {
        Some(created) => created,
        None => transport.map(|t| t.time).ok_or_else(|| missing("created_at"))?,
    };
    let header = GroupHeader::new(key.clone(), created);
    let batch_id =
        payglot_core_model::PaymentInfoId::new(key.as_str()).map_err(|e| invalid_at("/idempotency_key", &e))?;
    let transfer = payment_from_native(request.into(), "")?;
    let batch =
        PaymentBatch { id: batch_id, method: PaymentMethod::Transfer, batch_booking: None, transfers: vec![transfer] };
    Ok(Decoded::exact(Message::PaymentInitiation(PaymentInitiation { header, batches: vec![batch] })))
}

pub(super) fn encode(message: &Message) -> Result<Encoded, EncodeError> {
    let mut losses = Losses::default();
    let bytes = match message {
        Message::PaymentInitiation(initiation) => encode_initiation(initiation, &mut losses)?,
        Message::StatusReport(report) => encode_report(report, &mut losses)?,
        Message::Statement(statement) => encode_statement(statement, &mut losses)?,
        other => {
            return Err(unrepresentable(
                format!("/message/{}", other.kind()),
                "rest:native carries payment initiations, payment statuses and statements only",
            ));
        }
    };
    Ok(Encoded { bytes, losses: losses.into_vec() })
}

// ---------------------------------------------------------------------------------------------
// Payment initiation

/// The fields of one payment, whichever request it came in.
struct NativePayment {
    amount: MinorUnits,
    currency: payglot_core_model::Currency,
    source_account: String,
    destination_account: String,
    reference: payglot_core_model::InstructionId,
    end_to_end_id: Option<EndToEndId>,
    uetr: Option<payglot_core_model::Uetr>,
    debtor: Option<wire::Party>,
    creditor: Option<wire::Party>,
    ultimate_debtor: Option<wire::Party>,
    ultimate_creditor: Option<wire::Party>,
    debtor_agent: Option<wire::Bank>,
    creditor_agent: Option<wire::Bank>,
    remittance: Option<wire::Remittance>,
    requested_execution_date: Option<chrono::NaiveDate>,
    purpose: Option<payglot_core_model::Purpose>,
    category_purpose: Option<payglot_core_model::CategoryPurpose>,
    charge_bearer: Option<payglot_core_model::ChargeBearer>,
    metadata: BTreeMap<String, String>,
}

impl From<wire::PaymentRequest> for NativePayment {
    fn from(p: wire::PaymentRequest) -> Self {
        Self {
            amount: p.amount,
            currency: p.currency,
            source_account: p.source_account,
            destination_account: p.destination_account,
            reference: p.reference,
            end_to_end_id: p.end_to_end_id,
            uetr: p.uetr,
            debtor: p.debtor,
            creditor: p.creditor,
            ultimate_debtor: p.ultimate_debtor,
            ultimate_creditor: p.ultimate_creditor,
            debtor_agent: p.debtor_agent,
            creditor_agent: p.creditor_agent,
            remittance: p.remittance,
            requested_execution_date: p.requested_execution_date,
            purpose: p.purpose,
            category_purpose: p.category_purpose,
            charge_bearer: p.charge_bearer,
            metadata: p.metadata,
        }
    }
}

impl From<wire::BatchPayment> for NativePayment {
    fn from(p: wire::BatchPayment) -> Self {
        Self {
            amount: p.amount,
            currency: p.currency,
            source_account: p.source_account,
            destination_account: p.destination_account,
            reference: p.reference,
            end_to_end_id: p.end_to_end_id,
            uetr: p.uetr,
            debtor: p.debtor,
            creditor: p.creditor,
            ultimate_debtor: p.ultimate_debtor,
            ultimate_creditor: p.ultimate_creditor,
            debtor_agent: p.debtor_agent,
            creditor_agent: p.creditor_agent,
            remittance: p.remittance,
            requested_execution_date: p.requested_execution_date,
            purpose: p.purpose,
            category_purpose: p.category_purpose,
            charge_bearer: p.charge_bearer,
            metadata: p.metadata,
        }
    }
}

fn money_from_minor(
    units: MinorUnits,
    currency: payglot_core_model::Currency,
    path: &str,
) -> Result<Money, DecodeError> {
    Money::from_minor_units(units.0, currency).map_err(|e| invalid_at(format!("{path}/amount"), &e))
}

/// An account string: an IBAN in electronic form, or a provider account id.
pub(crate) fn account_from_native(text: &str, path: &dyn fmt::Display) -> Result<Account, DecodeError> {
    if let Some(iban) = electronic_iban(text) {
        return Ok(Account::iban(iban));
    }
    let plain = text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'));
    if !plain {
        return Err(DecodeError::invalid(
            payglot_core_model::Location::path(path.to_string()),
            "an account is an IBAN in electronic form or a provider account id of letters, digits and `_-.:`",
        ));
    }
    let number = AccountNumber::parse(text).map_err(|e| invalid_at(path.to_string(), &e))?;
    Ok(Account::other(number, Some(native_scheme(path)?)))
}

fn native_scheme(path: &dyn fmt::Display) -> Result<CodeOrProprietary<payglot_core_model::AccountScheme>, DecodeError> {
    Max35Text::new(NATIVE_ACCOUNT_SCHEME)
        .map(CodeOrProprietary::Proprietary)
        .map_err(|e| invalid_at(path.to_string(), &e))
}

fn is_native_scheme(scheme: Option<&CodeOrProprietary<payglot_core_model::AccountScheme>>) -> bool {
    matches!(scheme, Some(CodeOrProprietary::Proprietary(name)) if name.as_str() == NATIVE_ACCOUNT_SCHEME)
}

fn party_from_native(party: Option<wire::Party>) -> Party {
    party.map_or_else(Party::default, |p| Party {
        name: p.name,
        postal_address: p.address,
        id: None,
        country_of_residence: p.country_of_residence,
        contact: None,
    })
}

fn agent_from_native(bank: Option<wire::Bank>) -> Option<Agent> {
    bank.map(|b| Agent { bic: b.bic, name: b.name, ..Agent::default() })
}

fn scor(path: &dyn fmt::Display) -> Result<CodeOrProprietary<Text<4>>, DecodeError> {
    Text::new("SCOR").map(CodeOrProprietary::Code).map_err(|e| invalid_at(path.to_string(), &e))
}

fn is_scor(kind: Option<&CodeOrProprietary<Text<4>>>) -> bool {
    matches!(kind, Some(CodeOrProprietary::Code(code)) if code.as_str() == "SCOR")
}

fn payment_from_native(p: NativePayment, path: &str) -> Result<CreditTransfer, DecodeError> {
    let amount = money_from_minor(p.amount, p.currency, path)?;
    let end_to_end_id = match p.end_to_end_id {
        Some(id) => id,
        None => EndToEndId::new(NOT_PROVIDED).map_err(|e| invalid_at(format!("{path}/end_to_end_id"), &e))?,
    };
    let mut transfer =
        CreditTransfer::new(end_to_end_id, amount, party_from_native(p.debtor), party_from_native(p.creditor));
    transfer.ids.instruction_id = Some(p.reference);
    transfer.ids.uetr = p.uetr;
    transfer.debtor_account = Some(account_from_native(&p.source_account, &At::new(&path, "source_account"))?);
    transfer.creditor_account =
        Some(account_from_native(&p.destination_account, &At::new(&path, "destination_account"))?);
    transfer.ultimate_debtor = p.ultimate_debtor.map(|u| party_from_native(Some(u)));
    transfer.ultimate_creditor = p.ultimate_creditor.map(|u| party_from_native(Some(u)));
    transfer.debtor_agent = agent_from_native(p.debtor_agent);
    transfer.creditor_agent = agent_from_native(p.creditor_agent);
    if let Some(remittance) = p.remittance {
        let mut canonical = Remittance { unstructured: remittance.unstructured, structured: Vec::new() };
        if let Some(reference) = remittance.creditor_reference {
            canonical.structured.push(StructuredRemittance {
                creditor_reference: Some(CreditorReferenceInfo {
                    kind: Some(scor(&At::new(&path, "remittance/creditor_reference"))?),
                    issuer: None,
                    reference: Some(reference),
                }),
                ..StructuredRemittance::default()
            });
        }
        if !canonical.is_empty() {
            transfer.remittance = Some(canonical);
        }
    }
    transfer.requested_execution = p.requested_execution_date.map(DateOrDateTime::Date);
    transfer.purpose = p.purpose.map(CodeOrProprietary::Code);
    if let Some(category) = p.category_purpose {
        transfer.payment_type =
            Some(PaymentType { category_purpose: Some(CodeOrProprietary::Code(category)), ..PaymentType::default() });
    }
    transfer.charge_bearer = p.charge_bearer;
    for (key, value) in p.metadata {
        transfer.extensions.insert(format!("{METADATA_PREFIX}{key}"), value);
    }
    Ok(transfer)
}

fn encode_initiation(initiation: &PaymentInitiation, losses: &mut Losses) -> Result<Vec<u8>, EncodeError> {
    const BASE: &str = "/message/payment_initiation";
    header_losses(&initiation.header, &"/message/payment_initiation/header", losses);
    let message_id = &initiation.header.message_id;
    let single = match initiation.batches.as_slice() {
        [batch] => {
            batch.transfers.len() == 1
                && batch.id.as_str() == message_id.as_str()
                && batch.method == PaymentMethod::Transfer
                && batch.batch_booking.is_none()
        }
        _ => false,
    };
    if single {
        let transfer = initiation
            .batches
            .first()
            .and_then(|b| b.transfers.first())
            .ok_or_else(|| unrepresentable(format!("{BASE}/batches"), "no transfer"))?;
        let mut request = payment_to_native(transfer, &"/message/payment_initiation/batches/0/transfers/0", losses)?;
        request.idempotency_key = Some(message_id.as_str());
        request.created_at = Some(initiation.header.created);
        return request.to_json().map_err(|e| unrepresentable(BASE, e.to_string()));
    }
    if initiation.batches.is_empty() {
        return Err(unrepresentable(format!("{BASE}/batches"), "a payment initiation needs at least one batch"));
    }
    let mut batches = Vec::with_capacity(initiation.batches.len());
    for (b, batch) in initiation.batches.iter().enumerate() {
        let path = format!("{BASE}/batches/{b}");
        if batch.method != PaymentMethod::Transfer {
            return Err(unrepresentable(format!("{path}/method"), "rest:native carries credit transfers only"));
        }
        if batch.transfers.is_empty() {
            return Err(unrepresentable(format!("{path}/transfers"), "a batch needs at least one transfer"));
        }
        let mut payments = Vec::with_capacity(batch.transfers.len());
        for (t, transfer) in batch.transfers.iter().enumerate() {
            payments.push(payment_to_native(transfer, &format!("{path}/transfers/{t}"), losses)?);
        }
        batches.push(out::Batch { id: batch.id.as_str(), batch_booking: batch.batch_booking, payments });
    }
    out::BatchRequest { idempotency_key: message_id.as_str(), created_at: initiation.header.created, batches }
        .to_json()
        .map_err(|e| unrepresentable(BASE, e.to_string()))
}

/// Group-header values no native document carries.
pub(crate) fn header_losses(header: &GroupHeader, path: &dyn fmt::Display, losses: &mut Losses) {
    losses.drop_if(header.initiating_party.is_some(), path, "initiating_party", "no initiating party in this format");
    losses.drop_if(header.forwarding_agent.is_some(), path, "forwarding_agent", "no forwarding agent in this format");
    losses.drop_if(
        header.instructing_agent.is_some(),
        path,
        "instructing_agent",
        "no instructing agent in this format",
    );
    losses.drop_if(header.instructed_agent.is_some(), path, "instructed_agent", "no instructed agent in this format");
    losses.drop_if(header.recipient.is_some(), path, "recipient", "no message recipient in this format");
    losses.drop_if(header.additional_info.is_some(), path, "additional_info", "no header information in this format");
    losses.drop_if(
        header.business_header.is_some(),
        path,
        "business_header",
        "no business application header in this format",
    );
}

fn money_to_minor(money: &Money, path: &dyn fmt::Display) -> Result<MinorUnits, EncodeError> {
    money.to_minor_units().map(MinorUnits).map_err(|e| unrepresentable(path.to_string(), e.to_string()))
}

/// Whether `text` is a provider account id rest:native can write.
fn is_plain_account(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
}

/// An account as a native string; what the string cannot say is reported.
pub(crate) fn account_to_native<'a>(
    account: Option<&'a Account>,
    path: &dyn fmt::Display,
    losses: &mut Losses,
) -> Result<&'a str, EncodeError> {
    let account = account.ok_or_else(|| unrepresentable(path.to_string(), "rest:native requires this account"))?;
    losses.drop_if(account.account_type.is_some(), path, "account_type", "no account type in rest:native");
    losses.drop_if(account.currency.is_some(), path, "currency", "no account currency in rest:native");
    losses.drop_if(account.name.is_some(), path, "name", "no account name in rest:native");
    losses.drop_if(account.proxy.is_some(), path, "proxy", "no account proxy in rest:native");
    match &account.id {
        Some(AccountId::Iban(iban)) => Ok(iban.expose()),
        Some(AccountId::Other { id, scheme, issuer }) => {
            let text = id.expose();
            losses.drop_if(
                issuer.is_some(),
                At::new(path, "id/other"),
                "issuer",
                "no account id issuer in rest:native",
            );
            if !is_native_scheme(scheme.as_ref()) {
                losses.approximated(
                    format!("{path}/id/other/scheme"),
                    "account scheme not carried: written as a provider account id",
                );
            } else if electronic_iban(text).is_some() {
                losses.approximated(format!("{path}/id/other/id"), "a provider account id that reads as an IBAN");
            }
            if !is_plain_account(text) {
                return Err(unrepresentable(
                    format!("{path}/id/other/id"),
                    "rest:native account ids are letters, digits and `_-.:` only",
                ));
            }
            Ok(text)
        }
        None => Err(unrepresentable(format!("{path}/id"), "rest:native requires an account identifier")),
    }
}

fn party_to_native<'a>(party: &'a Party, path: &dyn fmt::Display, losses: &mut Losses) -> out::Party<'a> {
    losses.drop_if(party.id.is_some(), path, "id", "no party identification in rest:native");
    losses.drop_if(party.contact.is_some(), path, "contact", "no contact details in rest:native");
    out::Party {
        name: party.name.as_ref().map(Text::as_str),
        address: party.postal_address.as_ref(),
        country_of_residence: party.country_of_residence.as_ref().map(|c| c.as_str()),
    }
}

fn agent_to_native<'a>(
    agent: Option<&'a Agent>,
    path: &dyn fmt::Display,
    losses: &mut Losses,
) -> Option<out::Bank<'a>> {
    let agent = agent?;
    losses.drop_if(agent.clearing_member.is_some(), path, "clearing_member", "no clearing member id in rest:native");
    losses.drop_if(agent.lei.is_some(), path, "lei", "no agent LEI in rest:native");
    losses.drop_if(agent.postal_address.is_some(), path, "postal_address", "no agent address in rest:native");
    losses.drop_if(agent.other_id.is_some(), path, "other_id", "no other agent id in rest:native");
    losses.drop_if(agent.branch_id.is_some(), path, "branch_id", "no branch id in rest:native");
    Some(out::Bank { bic: agent.bic.as_ref().map(|b| b.as_str()), name: agent.name.as_ref().map(Text::as_str) })
}

fn remittance_to_native<'a>(
    remittance: Option<&'a Remittance>,
    path: &dyn fmt::Display,
    losses: &mut Losses,
) -> Option<out::Remittance<'a>> {
    let remittance = remittance?;
    let mut native = out::Remittance { unstructured: &remittance.unstructured, creditor_reference: None };
    for (i, block) in remittance.structured.iter().enumerate() {
        let reference = block
            .creditor_reference
            .as_ref()
            .filter(|r| i == 0 && is_scor(r.kind.as_ref()) && r.issuer.is_none() && r.reference.is_some());
        let other = match reference {
            Some(r) => {
                native.creditor_reference = r.reference.as_ref().map(Text::as_str);
                // Anything beside the creditor reference in this block? (Destructured so that
                // a field added to the model fails to compile here.)
                let StructuredRemittance {
                    referred_documents,
                    due_amount,
                    remitted_amount,
                    creditor_reference: _,
                    invoicer,
                    invoicee,
                    additional_info,
                } = block;
                !referred_documents.is_empty()
                    || due_amount.is_some()
                    || remitted_amount.is_some()
                    || invoicer.is_some()
                    || invoicee.is_some()
                    || !additional_info.is_empty()
            }
            None => true,
        };
        if other {
            losses.dropped(
                format!("{path}/structured/{i}"),
                "structured remittance other than an SCOR creditor reference",
            );
        }
    }
    (!native.unstructured.is_empty() || native.creditor_reference.is_some()).then_some(native)
}

fn payment_to_native<'a>(
    t: &'a CreditTransfer,
    path: &dyn fmt::Display,
    losses: &mut Losses,
) -> Result<out::Payment<'a>, EncodeError> {
    let amount = t.instructed_amount.as_ref().ok_or_else(|| {
        unrepresentable(format!("{path}/instructed_amount"), "rest:native requires an instructed amount")
    })?;
    let ids = At::new(path, "ids");
    losses.drop_if(t.ids.transaction_id.is_some(), ids, "transaction_id", "no transaction id in rest:native");
    losses.drop_if(
        t.ids.clearing_system_reference.is_some(),
        ids,
        "clearing_system_reference",
        "no clearing system reference in rest:native",
    );
    // `reference` is required: without an instruction id the end-to-end id stands in, reported
    // (decoding the output gives that value as the instruction id).
    let reference = match &t.ids.instruction_id {
        Some(id) => id.as_str(),
        None => {
            losses.approximated(
                format!("{ids}/instruction_id"),
                "no instruction id: the end-to-end id written as the required reference",
            );
            t.ids.end_to_end_id.as_str()
        }
    };
    losses.drop_if(t.settlement_amount.is_some(), path, "settlement_amount", "no settlement amount in rest:native");
    losses.drop_if(t.exchange.is_some(), path, "exchange", "no exchange details in rest:native");
    losses.drop_if(t.settlement_date.is_some(), path, "settlement_date", "no settlement date in rest:native");
    losses.drop_if(t.acceptance_time.is_some(), path, "acceptance_time", "no acceptance time in a request");
    losses.drop_if(!t.charges.is_empty(), path, "charges", "no charges in rest:native");
    losses.drop_if(t.initiating_party.is_some(), path, "initiating_party", "no initiating party in rest:native");
    losses.drop_if(
        !t.intermediary_agents.is_empty(),
        path,
        "intermediary_agents",
        "no intermediary agents in rest:native",
    );
    losses.drop_if(t.instructing_agent.is_some(), path, "instructing_agent", "no instructing agent in rest:native");
    losses.drop_if(t.instructed_agent.is_some(), path, "instructed_agent", "no instructed agent in rest:native");
    losses.drop_if(
        !t.instructions_for_creditor_agent.is_empty(),
        path,
        "instructions_for_creditor_agent",
        "no agent instructions in rest:native",
    );
    losses.drop_if(
        !t.regulatory_reporting.is_empty(),
        path,
        "regulatory_reporting",
        "no regulatory reporting in rest:native",
    );
    let mut category_purpose = None;
    if let Some(payment_type) = &t.payment_type {
        let pt = At::new(path, "payment_type");
        losses.drop_if(
            payment_type.instruction_priority.is_some(),
            pt,
            "instruction_priority",
            "no priority in rest:native",
        );
        losses.drop_if(
            payment_type.clearing_channel.is_some(),
            pt,
            "clearing_channel",
            "no clearing channel in rest:native",
        );
        losses.drop_if(
            !payment_type.service_levels.is_empty(),
            pt,
            "service_levels",
            "no service level in rest:native",
        );
        losses.drop_if(
            payment_type.local_instrument.is_some(),
            pt,
            "local_instrument",
            "no local instrument in rest:native",
        );
        match &payment_type.category_purpose {
            Some(CodeOrProprietary::Code(code)) => category_purpose = Some(code.as_str()),
            Some(CodeOrProprietary::Proprietary(_)) => {
                losses.dropped(format!("{pt}/category_purpose"), "proprietary category purpose not in rest:native")
            }
            None => {}
        }
    }
    let purpose = match &t.purpose {
        Some(CodeOrProprietary::Code(code)) => Some(code.as_str()),
        Some(CodeOrProprietary::Proprietary(_)) => {
            losses.dropped(format!("{path}/purpose"), "proprietary purpose not in rest:native");
            None
        }
        None => None,
    };
    let requested_execution_date = t.requested_execution.map(|when| {
        if let DateOrDateTime::DateTime(_) = when {
            losses.approximated(format!("{path}/requested_execution"), "execution time not carried: date only");
        }
        when.date()
    });
    for key in t.extensions.keys().filter(|k| !k.starts_with(METADATA_PREFIX)) {
        losses.dropped(
            format!("{path}/extensions/{}", crate::common::pointer_segment(key)),
            "extension that is not metadata",
        );
    }
    let metadata = out::Metadata { extensions: &t.extensions, prefix: METADATA_PREFIX };
    let end_to_end_id = (t.ids.end_to_end_id.as_str() != NOT_PROVIDED).then(|| t.ids.end_to_end_id.as_str());
    // An ultimate party with nothing rest:native can write is still written, as `{}`.
    let ultimate = |party: Option<&'a Party>, segment: &str, losses: &mut Losses| {
        party.map(|u| party_to_native(u, &At::new(path, segment), losses))
    };
    let party = |party: &'a Party, segment: &str, losses: &mut Losses| {
        Some(party_to_native(party, &At::new(path, segment), losses)).filter(|p| *p != out::Party::default())
    };
    Ok(out::Payment {
        idempotency_key: None,
        created_at: None,
        amount: money_to_minor(amount, &At::new(path, "instructed_amount"))?.0,
        currency: amount.currency().code(),
        source_account: account_to_native(t.debtor_account.as_ref(), &At::new(path, "debtor_account"), losses)?,
        destination_account: account_to_native(
            t.creditor_account.as_ref(),
            &At::new(path, "creditor_account"),
            losses,
        )?,
        reference,
        end_to_end_id,
        uetr: t.ids.uetr,
        debtor: party(&t.debtor, "debtor", losses),
        creditor: party(&t.creditor, "creditor", losses),
        ultimate_debtor: ultimate(t.ultimate_debtor.as_ref(), "ultimate_debtor", losses),
        ultimate_creditor: ultimate(t.ultimate_creditor.as_ref(), "ultimate_creditor", losses),
        debtor_agent: agent_to_native(t.debtor_agent.as_ref(), &At::new(path, "debtor_agent"), losses),
        creditor_agent: agent_to_native(t.creditor_agent.as_ref(), &At::new(path, "creditor_agent"), losses),
        remittance: remittance_to_native(t.remittance.as_ref(), &At::new(path, "remittance"), losses),
        requested_execution_date,
        purpose,
        category_purpose,
        charge_bearer: t.charge_bearer,
        metadata,
    })
}

// ---------------------------------------------------------------------------------------------
// Payment resource and webhook

fn payment_to_report(
    payment: &wire::Payment,
    event: Option<&wire::Event>,
    path: &str,
    losses: &mut Losses,
) -> Result<StatusReport, DecodeError> {
    let expected_self = format!("/v1/payments/{}", payment.id);
    if payment.links.self_ != expected_self {
        losses.dropped(format!("{path}/links/self"), "a self link other than /v1/payments/{id}");
    }
    if wire::StatusWord::for_iso(payment.iso_status.as_str()) != payment.status {
        return Err(DecodeError::invalid(
            payglot_core_model::Location::path(format!("{path}/status")),
            format!("status does not agree with iso_status {}", payment.iso_status),
        ));
    }
    let header = match event {
        Some(event) => {
            if event.created_at != payment.updated_at {
                losses.dropped(format!("{path}/updated_at"), "an updated_at other than the event's created_at");
            }
            GroupHeader::new(event.id.clone(), event.created_at)
        }
        None => GroupHeader::new(MessageId::from(payment.id.clone()), payment.updated_at),
    };
    let original_amount = match (payment.amount, payment.currency) {
        (Some(units), Some(currency)) => Some(money_from_minor(units, currency, path)?),
        (None, None) => None,
        (Some(_), None) => {
            return Err(DecodeError::missing_field(payglot_core_model::Location::path(path), "currency"));
        }
        (None, Some(_)) => return Err(DecodeError::missing_field(payglot_core_model::Location::path(path), "amount")),
    };
    let reasons = payment.status_reasons.iter().map(reason_from_native).collect();
    let transaction = TransactionStatus {
        status_id: Some(payment.id.clone()),
        original_instruction_id: payment.reference.clone(),
        original_end_to_end_id: payment.end_to_end_id.clone(),
        original_transaction_id: None,
        original_uetr: payment.uetr,
        status: Some(payment.iso_status.clone()),
        reasons,
        acceptance_time: payment.created_at,
        original_amount,
        original_requested_execution: payment.requested_execution_date.map(DateOrDateTime::Date),
        extensions: BTreeMap::new(),
    };
    Ok(StatusReport { header, original_groups: Vec::new(), payment_infos: Vec::new(), transactions: vec![transaction] })
}

pub(crate) fn reason_from_native(reason: &wire::StatusReason) -> StatusReasonInfo {
    let (code, mapped) = match (&reason.provider_code, &reason.code) {
        (Some(own), iso) => (Some(CodeOrProprietary::Proprietary(own.clone())), iso.clone()),
        (None, Some(iso)) => (Some(CodeOrProprietary::Code(iso.clone())), None),
        (None, None) => (None, None),
    };
    StatusReasonInfo { originator: None, reason: code, mapped_reason: mapped, additional_info: reason.details.clone() }
}

pub(crate) fn reason_to_native(reason: &StatusReasonInfo, path: &str, losses: &mut Losses) -> wire::StatusReason {
    losses.drop_if(reason.originator.is_some(), path, "originator", "no status originator in rest:native");
    let (code, provider_code) = match &reason.reason {
        Some(CodeOrProprietary::Code(code)) => {
            losses.drop_if(reason.mapped_reason.is_some(), path, "mapped_reason", "a mapped reason beside an ISO code");
            (Some(code.clone()), None)
        }
        Some(CodeOrProprietary::Proprietary(own)) => (reason.mapped_reason.clone(), Some(own.clone())),
        None => {
            losses.drop_if(reason.mapped_reason.is_some(), path, "mapped_reason", "a mapped reason without a reason");
            (None, None)
        }
    };
    wire::StatusReason { code, provider_code, details: reason.additional_info.clone() }
}

fn encode_report(report: &StatusReport, losses: &mut Losses) -> Result<Vec<u8>, EncodeError> {
    let base = "/message/status_report";
    header_losses(&report.header, &format!("{base}/header"), losses);
    losses.drop_if(
        !report.original_groups.is_empty(),
        base,
        "original_groups",
        "no original group status in rest:native",
    );
    losses.drop_if(!report.payment_infos.is_empty(), base, "payment_infos", "no batch status in rest:native");
    let (transaction, rest) = report
        .transactions
        .split_first()
        .ok_or_else(|| unrepresentable(format!("{base}/transactions"), "rest:native reports one payment's status"))?;
    for (i, _) in rest.iter().enumerate() {
        losses.dropped(format!("{base}/transactions/{}", i + 1), "rest:native reports one payment's status");
    }
    let path = format!("{base}/transactions/0");
    let id = transaction
        .status_id
        .clone()
        .ok_or_else(|| unrepresentable(format!("{path}/status_id"), "rest:native requires the payment id"))?;
    let status = transaction
        .status
        .clone()
        .ok_or_else(|| unrepresentable(format!("{path}/status"), "rest:native requires a status"))?;
    losses.drop_if(
        transaction.original_transaction_id.is_some(),
        &path,
        "original_transaction_id",
        "no transaction id in rest:native",
    );
    losses.drop_if(!transaction.extensions.is_empty(), &path, "extensions", "no extensions in a payment resource");
    let requested_execution_date = transaction.original_requested_execution.map(|when| {
        if let DateOrDateTime::DateTime(_) = when {
            losses
                .approximated(format!("{path}/original_requested_execution"), "execution time not carried: date only");
        }
        when.date()
    });
    let (amount, currency) = match &transaction.original_amount {
        Some(money) => (Some(money_to_minor(money, &format!("{path}/original_amount"))?), Some(money.currency())),
        None => (None, None),
    };
    let status_reasons = transaction
        .reasons
        .iter()
        .enumerate()
        .map(|(i, r)| reason_to_native(r, &format!("{path}/reasons/{i}"), losses))
        .collect();
    let is_event = report.header.message_id.as_str() != id.as_str();
    let payment = wire::Payment {
        object: wire::ObjectPayment::Payment,
        links: wire::Links { self_: format!("/v1/payments/{id}") },
        id,
        status: wire::StatusWord::for_iso(status.as_str()),
        iso_status: status,
        status_reasons,
        amount,
        currency,
        reference: transaction.original_instruction_id.clone(),
        end_to_end_id: transaction.original_end_to_end_id.clone(),
        uetr: transaction.original_uetr,
        requested_execution_date,
        created_at: transaction.acceptance_time,
        updated_at: report.header.created,
    };
    if is_event {
        to_json(&wire::Event {
            object: wire::ObjectEvent::Event,
            id: report.header.message_id.clone(),
            kind: wire::EventType::PaymentStatusChanged,
            created_at: report.header.created,
            data: payment,
        })
    } else {
        to_json(&payment)
    }
}

// ---------------------------------------------------------------------------------------------
// Statement

fn list_to_statement(list: &wire::TransactionList, losses: &mut Losses) -> Result<AccountReports, DecodeError> {
    if list.has_more {
        losses.dropped("/has_more", "further pages of transactions are not part of this document");
    }
    let mut account = account_from_native(&list.account, &"/account")?;
    account.currency = list.account_currency;
    let mut entries = Vec::with_capacity(list.data.len());
    for (i, t) in list.data.iter().enumerate() {
        let path = format!("/data/{i}");
        let status = match t.status {
            wire::Booking::Booked => "BOOK",
            wire::Booking::Pending => "PDNG",
            wire::Booking::Information => "INFO",
        };
        entries.push(Entry {
            reference: t.id.clone(),
            amount: money_from_minor(t.amount, t.currency, &path)?,
            credit_debit: match t.direction {
                wire::Direction::Credit => CreditDebit::Credit,
                wire::Direction::Debit => CreditDebit::Debit,
            },
            reversal: None,
            status: CodeOrProprietary::Code(Text::new(status).map_err(|e| invalid_at(format!("{path}/status"), &e))?),
            booking_date: t.booking_date.map(DateOrDateTime::Date),
            value_date: t.value_date.map(DateOrDateTime::Date),
            account_servicer_reference: t.bank_reference.clone(),
            bank_transaction_code: BankTransactionCode::default(),
            batch: None,
            transactions: Vec::new(),
            additional_info: t.description.clone(),
        });
    }
    let report = AccountReport {
        id: list.id.clone(),
        electronic_sequence: None,
        legal_sequence: None,
        created: None,
        from: None,
        to: None,
        account,
        account_owner: None,
        account_servicer: None,
        balances: Vec::new(),
        summary: None,
        entries,
        additional_info: None,
    };
    Ok(AccountReports {
        header: GroupHeader::new(MessageId::from(list.id.clone()), list.created_at),
        reports: vec![report],
    })
}

fn encode_statement(statement: &AccountReports, losses: &mut Losses) -> Result<Vec<u8>, EncodeError> {
    let base = "/message/statement";
    header_losses(&statement.header, &format!("{base}/header"), losses);
    let (report, rest) = statement
        .reports
        .split_first()
        .ok_or_else(|| unrepresentable(format!("{base}/reports"), "rest:native lists one account's transactions"))?;
    for (i, _) in rest.iter().enumerate() {
        losses.dropped(format!("{base}/reports/{}", i + 1), "rest:native lists one account's transactions");
    }
    let path = format!("{base}/reports/0");
    if report.id.as_str() != statement.header.message_id.as_str() {
        losses.dropped(format!("{base}/header/message_id"), "a message id other than the report id");
    }
    losses.drop_if(
        report.electronic_sequence.is_some(),
        &path,
        "electronic_sequence",
        "no sequence number in rest:native",
    );
    losses.drop_if(report.legal_sequence.is_some(), &path, "legal_sequence", "no sequence number in rest:native");
    losses.drop_if(report.created.is_some(), &path, "created", "no report creation time in rest:native");
    losses.drop_if(report.from.is_some(), &path, "from", "no period in rest:native");
    losses.drop_if(report.to.is_some(), &path, "to", "no period in rest:native");
    losses.drop_if(report.account_owner.is_some(), &path, "account_owner", "no account owner in rest:native");
    losses.drop_if(report.account_servicer.is_some(), &path, "account_servicer", "no account servicer in rest:native");
    losses.drop_if(!report.balances.is_empty(), &path, "balances", "no balances in rest:native");
    losses.drop_if(report.summary.is_some(), &path, "summary", "no summary in rest:native");
    losses.drop_if(report.additional_info.is_some(), &path, "additional_info", "no report information in rest:native");
    let account_currency = report.account.currency;
    let without_currency = Account { currency: None, ..report.account.clone() };
    let account = account_to_native(Some(&without_currency), &At::new(&path, "account"), losses)?.to_owned();
    let mut data = Vec::with_capacity(report.entries.len());
    for (i, entry) in report.entries.iter().enumerate() {
        let entry_path = format!("{path}/entries/{i}");
        let status = match &entry.status {
            CodeOrProprietary::Code(code) if code.as_str() == "BOOK" => wire::Booking::Booked,
            CodeOrProprietary::Code(code) if code.as_str() == "PDNG" => wire::Booking::Pending,
            CodeOrProprietary::Code(code) if code.as_str() == "INFO" => wire::Booking::Information,
            _ => {
                losses.approximated(
                    format!("{entry_path}/status"),
                    "entry status other than BOOK, PDNG, INFO: written as information",
                );
                wire::Booking::Information
            }
        };
        losses.drop_if(entry.reversal.is_some(), &entry_path, "reversal", "no reversal indicator in rest:native");
        losses.drop_if(
            entry.bank_transaction_code != BankTransactionCode::default(),
            &entry_path,
            "bank_transaction_code",
            "no bank transaction code in rest:native",
        );
        losses.drop_if(entry.batch.is_some(), &entry_path, "batch", "no batch details in rest:native");
        losses.drop_if(
            !entry.transactions.is_empty(),
            &entry_path,
            "transactions",
            "no transaction details in rest:native",
        );
        let date = |value: Option<DateOrDateTime>, field: &str, losses: &mut Losses| {
            value.map(|when| {
                if let DateOrDateTime::DateTime(_) = when {
                    losses.approximated(format!("{entry_path}/{field}"), "time not carried: date only");
                }
                when.date()
            })
        };
        data.push(wire::Transaction {
            id: entry.reference.clone(),
            amount: money_to_minor(&entry.amount, &format!("{entry_path}/amount"))?,
            currency: entry.amount.currency(),
            direction: match entry.credit_debit {
                CreditDebit::Credit => wire::Direction::Credit,
                CreditDebit::Debit => wire::Direction::Debit,
            },
            status,
            booking_date: date(entry.booking_date, "booking_date", losses),
            value_date: date(entry.value_date, "value_date", losses),
            bank_reference: entry.account_servicer_reference.clone(),
            description: entry.additional_info.clone(),
        });
    }
    to_json(&wire::TransactionList {
        object: wire::ObjectList::List,
        id: report.id.clone(),
        account,
        account_currency,
        created_at: statement.header.created,
        data,
        has_more: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_valid_text() {
        assert!(native_scheme(&"").is_ok_and(|s| is_native_scheme(Some(&s))));
        assert!(scor(&"").is_ok_and(|s| is_scor(Some(&s))));
    }
}

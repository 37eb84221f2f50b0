//! pain.001 (customer credit transfer initiation), versions 03 and 09 ↔ `PaymentInitiation`.
//!
//! Batch-level debtor data (debtor, account, agent, requested execution date, payment type,
//! charge bearer, ultimate debtor) is copied onto each transfer on decode; on encode it is
//! written at batch level when every transfer of the batch agrees, and the fields that may also
//! stand per transaction are written there otherwise. Counts and control sums are checked on
//! decode and computed on encode.

use payglot_core_model::message::{GroupHeader, PaymentBatch, PaymentInitiation, PaymentMethod};
use payglot_core_model::transfer::{ChargeBearer, CreditTransfer, Exchange, PaymentIds, PaymentType};
use payglot_core_model::{DecodeError, InvalidValue, Message, Party};
use rust_decimal::Decimal;

use super::common::{self as c, Era, Out};
use super::tree::Element;

pub(crate) fn decode(root: Element, era: Era) -> Result<Message, DecodeError> {
    let header_el = root.child("GrpHdr").ok_or_else(|| c::missing(root, "GrpHdr"))?;
    let header = group_header(header_el, era)?;
    let batches = root.children("PmtInf").map(|b| batch(b, era)).collect::<Result<Vec<_>, _>>()?;
    let transfers: Vec<&CreditTransfer> = batches.iter().flat_map(|b| &b.transfers).collect();
    check_totals(header_el, &transfers)?;
    Ok(Message::PaymentInitiation(PaymentInitiation { header, batches }))
}

fn group_header(el: Element, era: Era) -> Result<GroupHeader, DecodeError> {
    let message_id =
        el.child("MsgId").map(|m| c::parse_with(m, |s: &str| payglot_core_model::MessageId::new(s))).transpose()?;
    let created = el.child("CreDtTm").map(c::datetime).transpose()?;
    let mut header = GroupHeader::new(
        message_id.ok_or_else(|| c::missing(el, "MsgId"))?,
        created.ok_or_else(|| c::missing(el, "CreDtTm"))?,
    );
    header.initiating_party = c::opt_party(el, "InitgPty", era)?;
    header.forwarding_agent = c::opt_agent(el, "FwdgAgt", era)?;
    Ok(header)
}

/// `NbOfTxs` must equal the number of transactions and `CtrlSum`, when given, their sum.
fn check_totals(el: Element, transfers: &[&CreditTransfer]) -> Result<(), DecodeError> {
    let sum: Decimal = transfers.iter().filter_map(|t| t.amount()).map(|m| m.amount()).sum();
    c::check_totals(el, transfers.len(), sum, &["CtrlSum"], "transactions")
}

/// Batch-level values every transfer of a batch inherits.
struct BatchDefaults {
    payment_type: Option<payglot_core_model::PaymentType>,
    requested_execution: Option<payglot_core_model::DateOrDateTime>,
    debtor: Party,
    debtor_account: Option<payglot_core_model::Account>,
    debtor_agent: Option<payglot_core_model::Agent>,
    ultimate_debtor: Option<Party>,
    charge_bearer: Option<ChargeBearer>,
}

fn batch(el: Element, era: Era) -> Result<PaymentBatch, DecodeError> {
    let id = el
        .child("PmtInfId")
        .map(|i| c::parse_with(i, |s: &str| payglot_core_model::PaymentInfoId::new(s)))
        .transpose()?;
    let method = match el.child_text("PmtMtd") {
        Some("CHK") => PaymentMethod::Cheque,
        Some("TRA") => PaymentMethod::TransferAdvice,
        _ => PaymentMethod::Transfer,
    };
    let requested_execution = match (era, el.child("ReqdExctnDt")) {
        (Era::Old, Some(d)) => Some(payglot_core_model::DateOrDateTime::Date(c::date(d)?)),
        (Era::New, Some(d)) => Some(c::date_or_datetime(d)?),
        (_, None) => None,
    };
    let mut defaults = BatchDefaults {
        payment_type: el.child("PmtTpInf").map(c::payment_type).transpose()?,
        requested_execution,
        debtor: c::opt_party(el, "Dbtr", era)?.unwrap_or_default(),
        debtor_account: c::opt_account(el, "DbtrAcct")?,
        debtor_agent: c::opt_agent(el, "DbtrAgt", era)?,
        ultimate_debtor: c::opt_party(el, "UltmtDbtr", era)?,
        charge_bearer: charge_bearer(el)?,
    };
    // Each transfer gets a copy of the batch's values; the last one takes them.
    let mut transfers = Vec::new();
    let mut elements = el.children("CdtTrfTxInf").peekable();
    while let Some(t) = elements.next() {
        let last = elements.peek().is_none();
        transfers.push(transfer(t, era, &mut defaults, last)?);
    }
    let refs: Vec<&CreditTransfer> = transfers.iter().collect();
    check_totals(el, &refs)?;
    Ok(PaymentBatch {
        id: id.ok_or_else(|| c::missing(el, "PmtInfId"))?,
        method,
        batch_booking: el.child("BtchBookg").map(c::boolean).transpose()?,
        transfers,
    })
}

fn charge_bearer(el: Element) -> Result<Option<ChargeBearer>, DecodeError> {
    el.child("ChrgBr")
        .map(|cb| {
            ChargeBearer::from_iso_code(cb.text())
                .ok_or_else(|| c::invalid(cb, InvalidValue::new("charge bearer", cb.text().to_owned())))
        })
        .transpose()
}

/// A copy of a batch-level value, or the value itself for the batch's `last` transfer.
fn inherit<T: Clone + Default>(value: &mut T, last: bool) -> T {
    if last { std::mem::take(value) } else { value.clone() }
}

/// One transfer, with the batch's values it does not override (`last`: the batch's last
/// transfer, which takes them instead of a copy).
fn transfer(el: Element, era: Era, defaults: &mut BatchDefaults, last: bool) -> Result<CreditTransfer, DecodeError> {
    let pmt_id = el.child("PmtId").ok_or_else(|| c::missing(el, "PmtId"))?;
    let end_to_end = pmt_id.child("EndToEndId").ok_or_else(|| c::missing(pmt_id, "EndToEndId"))?;
    let ids = PaymentIds {
        instruction_id: c::opt_parse(pmt_id, "InstrId", |s: &str| payglot_core_model::InstructionId::new(s))?,
        end_to_end_id: c::parse_with(end_to_end, |s: &str| payglot_core_model::EndToEndId::new(s))?,
        transaction_id: None,
        uetr: c::opt_parse(pmt_id, "UETR", payglot_core_model::Uetr::parse)?,
        clearing_system_reference: None,
    };
    let amount_el = el.child("Amt").ok_or_else(|| c::missing(el, "Amt"))?;
    // EqvtAmt (an amount in another currency to be converted) has no canonical field: left
    // unread, it is reported as a loss.
    let instructed_amount = c::opt_money(amount_el, "InstdAmt")?;
    let exchange = match el.child("XchgRateInf") {
        Some(x) => match x.child("XchgRate") {
            Some(rate) => Some(Exchange {
                rate: c::decimal(rate)?,
                rate_type: c::opt_text(x, "RateTp")?,
                contract_id: c::opt_text(x, "CtrctId")?,
            }),
            None => None,
        },
        None => None,
    };
    let intermediary_agents = ["IntrmyAgt1", "IntrmyAgt2", "IntrmyAgt3"]
        .iter()
        .filter_map(|name| c::opt_agent(el, name, era).transpose())
        .collect::<Result<Vec<_>, _>>()?;
    let payment_type = match el.child("PmtTpInf") {
        Some(pt) => Some(c::payment_type(pt)?),
        None => inherit(&mut defaults.payment_type, last),
    };
    let mut transfer = CreditTransfer::new(
        ids.end_to_end_id.clone(),
        instructed_amount.ok_or_else(|| c::missing(amount_el, "InstdAmt"))?,
        inherit(&mut defaults.debtor, last),
        c::opt_party(el, "Cdtr", era)?.unwrap_or_default(),
    );
    transfer.ids = ids;
    transfer.exchange = exchange;
    transfer.payment_type = payment_type;
    transfer.requested_execution = defaults.requested_execution;
    transfer.charge_bearer = charge_bearer(el)?.or(defaults.charge_bearer);
    transfer.debtor_account = inherit(&mut defaults.debtor_account, last);
    transfer.debtor_agent = inherit(&mut defaults.debtor_agent, last);
    transfer.ultimate_debtor = match c::opt_party(el, "UltmtDbtr", era)? {
        Some(own) => Some(own),
        None => inherit(&mut defaults.ultimate_debtor, last),
    };
    transfer.intermediary_agents = intermediary_agents;
    transfer.creditor_agent = c::opt_agent(el, "CdtrAgt", era)?;
    transfer.creditor_account = c::opt_account(el, "CdtrAcct")?;
    transfer.ultimate_creditor = c::opt_party(el, "UltmtCdtr", era)?;
    transfer.instructions_for_creditor_agent =
        el.children("InstrForCdtrAgt").map(c::agent_instruction).collect::<Result<_, _>>()?;
    transfer.purpose = c::opt_code_or_prop(el, "Purp", payglot_core_model::Purpose::parse)?;
    transfer.regulatory_reporting = el.children("RgltryRptg").map(c::regulatory).collect::<Result<_, _>>()?;
    transfer.remittance = el.child("RmtInf").map(|r| c::remittance(r, era)).transpose()?;
    Ok(transfer)
}

// ---------------------------------------------------------------- encode

pub(crate) fn encode(
    out: &mut Out,
    message: &PaymentInitiation,
    namespace: &str,
) -> Result<(), payglot_core_model::EncodeError> {
    let all: Vec<&CreditTransfer> = message.transfers().collect();
    if message.batches.is_empty() || message.batches.iter().any(|b| b.transfers.is_empty()) {
        return Err(payglot_core_model::EncodeError::unrepresentable(
            "/message/payment_initiation/batches",
            "pain.001 needs at least one batch, each with at least one transfer",
        ));
    }
    out.xml.start_with("Document", &[("xmlns", namespace)]);
    out.xml.start("CstmrCdtTrfInitn");
    out.xml.start("GrpHdr");
    out.xml.leaf("MsgId", message.header.message_id.as_str());
    out.xml.leaf("CreDtTm", &message.header.created.to_string());
    out.xml.leaf("NbOfTxs", &all.len().to_string());
    out.xml.leaf("CtrlSum", &control_sum(all.iter().copied()).to_string());
    let initiating = message.header.initiating_party.clone().unwrap_or_default();
    out.party("InitgPty", format_args!("/message/payment_initiation/header/initiating_party"), &initiating);
    out.opt_agent(
        "FwdgAgt",
        format_args!("/message/payment_initiation/header/forwarding_agent"),
        message.header.forwarding_agent.as_ref(),
    );
    out.xml.end();
    super::header_losses(
        out,
        &message.header,
        format_args!("/message/payment_initiation/header"),
        &["initiating_party", "forwarding_agent"],
    );
    for (i, batch) in message.batches.iter().enumerate() {
        encode_batch(out, batch, format_args!("/message/payment_initiation/batches/{i}"))?;
    }
    out.xml.end();
    out.xml.end();
    Ok(())
}

pub(crate) fn control_sum<'a>(transfers: impl IntoIterator<Item = &'a CreditTransfer>) -> Decimal {
    transfers.into_iter().filter_map(|t| t.amount()).map(|m| m.amount()).sum()
}

/// The value all transfers share (borrowed from the first), or `None` when they differ.
fn shared<T: PartialEq>(transfers: &[CreditTransfer], get: impl Fn(&CreditTransfer) -> &T) -> Option<&T> {
    let first = transfers.first().map(&get)?;
    transfers.iter().all(|t| get(t) == first).then_some(first)
}

/// What a batch writes once for all its transfers (`PmtInf`'s debtor side), shared by both
/// encoders: the values every transfer must share (an error naming the first that differs),
/// and which optional ones do (those that differ go on each transaction).
pub(crate) struct BatchPlan<'a> {
    pub(crate) debtor: &'a Party,
    pub(crate) debtor_account: &'a Option<payglot_core_model::Account>,
    pub(crate) debtor_agent: &'a Option<payglot_core_model::Agent>,
    pub(crate) execution: &'a Option<payglot_core_model::DateOrDateTime>,
    /// Every transfer writes the same `PmtInf/PmtTpInf` (the first transfer's).
    pub(crate) payment_type: bool,
    pub(crate) charge_bearer: Option<&'a Option<ChargeBearer>>,
    pub(crate) ultimate_debtor: Option<&'a Option<Party>>,
}

impl BatchPlan<'_> {
    /// Which optional batch-level fields go on each transaction.
    pub(crate) fn per_transaction(&self) -> PerTransaction {
        PerTransaction {
            payment_type: !self.payment_type,
            charge_bearer: self.charge_bearer.is_none(),
            ultimate_debtor: self.ultimate_debtor.is_none(),
        }
    }
}

pub(crate) fn plan<'a>(
    batch: &'a PaymentBatch,
    era: Era,
    path: std::fmt::Arguments<'_>,
) -> Result<BatchPlan<'a>, payglot_core_model::EncodeError> {
    let ts = &batch.transfers;
    let mixed = |field: &str| {
        payglot_core_model::EncodeError::unrepresentable(
            format!("{path}/transfers"),
            format!("the transfers of one pain.001 batch must share their {field}; split them into batches"),
        )
    };
    let debtor = shared(ts, |t| &t.debtor).ok_or_else(|| mixed("debtor"))?;
    let debtor_account = shared(ts, |t| &t.debtor_account).ok_or_else(|| mixed("debtor account"))?;
    let debtor_agent = shared(ts, |t| &t.debtor_agent).ok_or_else(|| mixed("debtor agent"))?;
    let execution = shared(ts, |t| &t.requested_execution).ok_or_else(|| mixed("requested execution date"))?;
    // Shared when every transfer *writes* the same `PmtTpInf`: transfers that differ only in what
    // pain.001 drops anyway still share one, so encoding what was decoded gives the same document.
    let written: Vec<Option<PaymentType>> = ts.iter().map(|t| written_payment_type(t, era)).collect();
    let payment_type = written.first().is_some_and(|first| written.iter().all(|w| w == first));
    Ok(BatchPlan {
        debtor,
        debtor_account,
        debtor_agent,
        execution,
        payment_type,
        charge_bearer: shared(ts, |t| &t.charge_bearer),
        ultimate_debtor: shared(ts, |t| &t.ultimate_debtor),
    })
}

/// `PmtMtd`'s code.
pub(crate) fn method_code(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::Transfer => "TRF",
        PaymentMethod::Cheque => "CHK",
        PaymentMethod::TransferAdvice => "TRA",
    }
}

fn encode_batch(
    out: &mut Out,
    batch: &PaymentBatch,
    path: std::fmt::Arguments<'_>,
) -> Result<(), payglot_core_model::EncodeError> {
    let ts = &batch.transfers;
    let plan = plan(batch, out.era, path)?;
    let BatchPlan { debtor, debtor_account, debtor_agent, execution, charge_bearer, ultimate_debtor, .. } = plan;

    out.xml.start("PmtInf");
    out.xml.leaf("PmtInfId", batch.id.as_str());
    out.xml.leaf("PmtMtd", method_code(batch.method));
    out.xml.opt_leaf("BtchBookg", batch.batch_booking.map(|b| if b { "true" } else { "false" }));
    out.xml.leaf("NbOfTxs", &ts.len().to_string());
    out.xml.leaf("CtrlSum", &control_sum(ts).to_string());
    if plan.payment_type {
        let first = ts.first().and_then(|t| t.payment_type.as_ref());
        out.payment_type(format_args!("{path}/transfers/0/payment_type"), first, false);
        for (i, t) in ts.iter().enumerate().skip(1) {
            if let Some(pt) = &t.payment_type {
                out.payment_type_losses(format_args!("{path}/transfers/{i}/payment_type"), pt);
            }
        }
    }
    let first = format!("{path}/transfers/0");
    match (out.era, execution) {
        (_, None) => {
            return Err(payglot_core_model::EncodeError::unrepresentable(
                format!("{first}/requested_execution"),
                "pain.001 requires a requested execution date",
            ));
        }
        (Era::Old, Some(payglot_core_model::DateOrDateTime::Date(d))) => out.xml.leaf("ReqdExctnDt", &d.to_string()),
        (Era::Old, Some(payglot_core_model::DateOrDateTime::DateTime(t))) => {
            out.losses.push(payglot_core_model::Loss::approximated(
                format!("{first}/requested_execution"),
                "pain.001.001.03 carries a date only; the time was dropped",
            ));
            out.xml.leaf("ReqdExctnDt", &t.local().date().to_string());
        }
        (Era::New, Some(value)) => out.date_or_datetime("ReqdExctnDt", value),
    }
    out.party("Dbtr", format_args!("{first}/debtor"), debtor);
    match &debtor_account {
        Some(account) => out.account("DbtrAcct", format_args!("{first}/debtor_account"), account),
        None => {
            return Err(payglot_core_model::EncodeError::unrepresentable(
                format!("{first}/debtor_account"),
                "pain.001 requires a debtor account",
            ));
        }
    }
    match &debtor_agent {
        Some(agent) => out.agent("DbtrAgt", format_args!("{first}/debtor_agent"), agent),
        None => {
            return Err(payglot_core_model::EncodeError::unrepresentable(
                format!("{first}/debtor_agent"),
                "pain.001 requires a debtor agent",
            ));
        }
    }
    out.opt_party("UltmtDbtr", format_args!("{first}/ultimate_debtor"), ultimate_debtor.and_then(Option::as_ref));
    out.xml.opt_leaf("ChrgBr", charge_bearer.copied().flatten().map(ChargeBearer::iso_code));
    for (i, transfer) in ts.iter().enumerate() {
        let tx_path = format!("{path}/transfers/{i}");
        let per_tx = plan.per_transaction();
        encode_transfer(out, transfer, format_args!("{tx_path}"), per_tx);
    }
    out.xml.end();
    Ok(())
}

/// What pain.001 writes of a transfer's payment type: no clearing channel, and one service
/// level in the 2009 versions.
fn written_payment_type(t: &CreditTransfer, era: Era) -> Option<PaymentType> {
    t.payment_type.as_ref().map(|pt| {
        let mut written = pt.clone();
        written.clearing_channel = None;
        if era == Era::Old {
            written.service_levels.truncate(1);
        }
        written
    })
}

/// Which optional batch-level fields differ within the batch and so go on each transaction.
#[derive(Clone, Copy)]
pub(crate) struct PerTransaction {
    pub(crate) payment_type: bool,
    pub(crate) charge_bearer: bool,
    pub(crate) ultimate_debtor: bool,
}

fn encode_transfer(out: &mut Out, t: &CreditTransfer, path: std::fmt::Arguments<'_>, per_tx: PerTransaction) {
    out.xml.start("CdtTrfTxInf");
    out.xml.start("PmtId");
    out.xml.opt_leaf("InstrId", t.ids.instruction_id.as_ref().map(|i| i.as_str()));
    out.xml.leaf("EndToEndId", t.ids.end_to_end_id.as_str());
    if out.era == Era::New {
        out.xml.opt_leaf("UETR", t.ids.uetr.map(|u| u.to_string()).as_deref());
    } else {
        out.drop_if(t.ids.uetr.is_some(), format_args!("{path}/ids/uetr"), "a UETR");
    }
    out.xml.end();
    id_losses(out, t, path);
    if per_tx.payment_type {
        out.payment_type(format_args!("{path}/payment_type"), t.payment_type.as_ref(), false);
    }
    out.xml.start("Amt");
    match &t.instructed_amount {
        Some(amount) => out.money("InstdAmt", amount),
        None => {
            // The settlement amount stands in; pain.001 has no other amount.
            if let Some(amount) = &t.settlement_amount {
                out.losses.push(payglot_core_model::Loss::approximated(
                    format!("{path}/settlement_amount"),
                    "pain.001 has no settlement amount; written as the instructed amount",
                ));
                out.money("InstdAmt", amount);
            }
        }
    }
    out.xml.end();
    if t.instructed_amount.is_some() {
        out.drop_if(
            t.settlement_amount.is_some(),
            format_args!("{path}/settlement_amount"),
            "an interbank settlement amount",
        );
    }
    if let Some(x) = &t.exchange {
        out.xml.start("XchgRateInf");
        out.xml.leaf("XchgRate", &x.rate.to_string());
        out.text("RateTp", x.rate_type.as_ref());
        out.text("CtrctId", x.contract_id.as_ref());
        out.xml.end();
    }
    if per_tx.charge_bearer {
        out.xml.opt_leaf("ChrgBr", t.charge_bearer.map(ChargeBearer::iso_code));
    }
    if per_tx.ultimate_debtor {
        out.opt_party("UltmtDbtr", format_args!("{path}/ultimate_debtor"), t.ultimate_debtor.as_ref());
    }
    for (i, agent) in t.intermediary_agents.iter().enumerate() {
        match ["IntrmyAgt1", "IntrmyAgt2", "IntrmyAgt3"].get(i) {
            Some(name) => out.agent(name, format_args!("{path}/intermediary_agents/{i}"), agent),
            None => out.drop_if(true, format_args!("{path}/intermediary_agents/{i}"), "a fourth intermediary agent"),
        }
    }
    out.opt_agent("CdtrAgt", format_args!("{path}/creditor_agent"), t.creditor_agent.as_ref());
    if t.creditor != Party::default() {
        out.party("Cdtr", format_args!("{path}/creditor"), &t.creditor);
    }
    out.opt_account("CdtrAcct", format_args!("{path}/creditor_account"), t.creditor_account.as_ref());
    out.opt_party("UltmtCdtr", format_args!("{path}/ultimate_creditor"), t.ultimate_creditor.as_ref());
    for instruction in &t.instructions_for_creditor_agent {
        out.xml.start("InstrForCdtrAgt");
        out.text("Cd", instruction.code.as_ref());
        out.text("InstrInf", instruction.information.as_ref());
        out.xml.end();
    }
    out.code_or_prop("Purp", t.purpose.as_ref());
    out.regulatory(format_args!("{path}"), &t.regulatory_reporting);
    out.remittance(format_args!("{path}/remittance"), t.remittance.as_ref());
    out.xml.end();
    transfer_losses(out, t, path);
}

/// The interbank ids pain.001 has no place for (reported after `PmtId`, by both encoders).
pub(crate) fn id_losses(out: &mut Out, t: &CreditTransfer, path: std::fmt::Arguments<'_>) {
    out.drop_if(
        t.ids.transaction_id.is_some(),
        format_args!("{path}/ids/transaction_id"),
        "an interbank transaction id",
    );
    out.drop_if(
        t.ids.clearing_system_reference.is_some(),
        format_args!("{path}/ids/clearing_system_reference"),
        "a clearing system reference",
    );
}

/// What pain.001 has no place for in a transfer (reported after the transaction, by both
/// encoders).
pub(crate) fn transfer_losses(out: &mut Out, t: &CreditTransfer, path: std::fmt::Arguments<'_>) {
    for (present, field) in [
        (t.settlement_date.is_some(), "settlement_date"),
        (t.acceptance_time.is_some(), "acceptance_time"),
        (!t.charges.is_empty(), "charges"),
        (t.initiating_party.is_some(), "initiating_party"),
        (t.instructing_agent.is_some(), "instructing_agent"),
        (t.instructed_agent.is_some(), "instructed_agent"),
    ] {
        out.drop_if(present, format_args!("{path}/{field}"), field);
    }
    for key in t.extensions.keys() {
        out.drop_if(true, format_args!("{path}/extensions/{key}"), "this extension");
    }
}

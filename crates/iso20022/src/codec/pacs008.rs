//! pacs.008.001.08 (FI to FI customer credit transfer) ↔ `InterbankTransfer`.

use payglot_core_model::message::{GroupHeader, InterbankTransfer, SettlementInfo};
use payglot_core_model::text::Text;
use payglot_core_model::transfer::{Charge, ChargeBearer, CreditTransfer, Exchange, PaymentIds};
use payglot_core_model::{DecodeError, EncodeError, InvalidValue, Message};
use rust_decimal::Decimal;

use super::common::{self as c, Era, Out};
use super::tree::Element;

const ERA: Era = Era::New;

pub(crate) fn decode(root: Element) -> Result<Message, DecodeError> {
    let h = root.child("GrpHdr").ok_or_else(|| c::missing(root, "GrpHdr"))?;
    let mut header = GroupHeader::new(
        h.child("MsgId")
            .map(|m| c::parse_with(m, |s: &str| payglot_core_model::MessageId::new(s)))
            .transpose()?
            .ok_or_else(|| c::missing(h, "MsgId"))?,
        h.child("CreDtTm").map(c::datetime).transpose()?.ok_or_else(|| c::missing(h, "CreDtTm"))?,
    );
    header.instructing_agent = c::opt_agent(h, "InstgAgt", ERA)?;
    header.instructed_agent = c::opt_agent(h, "InstdAgt", ERA)?;
    let settlement = settlement(h.child("SttlmInf").ok_or_else(|| c::missing(h, "SttlmInf"))?)?;
    let settlement_date = h.child("IntrBkSttlmDt").map(c::date).transpose()?;
    let group_payment_type = h.child("PmtTpInf").map(c::payment_type).transpose()?;
    let transfers = root
        .children("CdtTrfTxInf")
        .map(|t| transfer(t, group_payment_type.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    check_totals(h, &transfers)?;
    Ok(Message::InterbankTransfer(InterbankTransfer { header, settlement, settlement_date, transfers }))
}

fn check_totals(h: Element, transfers: &[CreditTransfer]) -> Result<(), DecodeError> {
    let sum: Decimal = transfers.iter().filter_map(|t| t.settlement_amount.as_ref()).map(|m| m.amount()).sum();
    c::check_totals(h, transfers.len(), sum, &["CtrlSum", "TtlIntrBkSttlmAmt"], "transactions")
}

pub(crate) fn settlement(el: Element) -> Result<SettlementInfo, DecodeError> {
    Ok(SettlementInfo {
        method: c::opt_text(el, "SttlmMtd")?.ok_or_else(|| c::missing(el, "SttlmMtd"))?,
        account: c::opt_account(el, "SttlmAcct")?,
        clearing_system: c::opt_code_or_prop(el, "ClrSys", |s: &str| Text::<5>::new(s))?,
    })
}

fn transfer(
    el: Element,
    group_payment_type: Option<&payglot_core_model::PaymentType>,
) -> Result<CreditTransfer, DecodeError> {
    let pmt_id = el.child("PmtId").ok_or_else(|| c::missing(el, "PmtId"))?;
    let ids = PaymentIds {
        instruction_id: c::opt_parse(pmt_id, "InstrId", |s: &str| payglot_core_model::InstructionId::new(s))?,
        end_to_end_id: c::opt_parse(pmt_id, "EndToEndId", |s: &str| payglot_core_model::EndToEndId::new(s))?
            .ok_or_else(|| c::missing(pmt_id, "EndToEndId"))?,
        transaction_id: c::opt_parse(pmt_id, "TxId", |s: &str| payglot_core_model::TransactionId::new(s))?,
        uetr: c::opt_parse(pmt_id, "UETR", payglot_core_model::Uetr::parse)?,
        clearing_system_reference: c::opt_text(pmt_id, "ClrSysRef")?,
    };
    let settlement_amount = c::opt_money(el, "IntrBkSttlmAmt")?.ok_or_else(|| c::missing(el, "IntrBkSttlmAmt"))?;
    let mut t = CreditTransfer::new(
        ids.end_to_end_id.clone(),
        settlement_amount,
        c::opt_party(el, "Dbtr", ERA)?.unwrap_or_default(),
        c::opt_party(el, "Cdtr", ERA)?.unwrap_or_default(),
    );
    t.ids = ids;
    t.instructed_amount = c::opt_money(el, "InstdAmt")?;
    t.settlement_amount = Some(settlement_amount);
    t.payment_type = match el.child("PmtTpInf") {
        Some(pt) => Some(c::payment_type(pt)?),
        None => group_payment_type.cloned(),
    };
    t.settlement_date = el.child("IntrBkSttlmDt").map(c::date).transpose()?;
    t.acceptance_time = el.child("AccptncDtTm").map(c::datetime).transpose()?;
    t.exchange = el
        .child("XchgRate")
        .map(|r| Ok::<_, DecodeError>(Exchange { rate: c::decimal(r)?, rate_type: None, contract_id: None }))
        .transpose()?;
    t.charge_bearer = el
        .child("ChrgBr")
        .map(|cb| {
            ChargeBearer::from_iso_code(cb.text())
                .ok_or_else(|| c::invalid(cb, InvalidValue::new("charge bearer", cb.text().to_owned())))
        })
        .transpose()?;
    t.charges = el
        .children("ChrgsInf")
        .map(|ch| {
            Ok(Charge {
                amount: c::opt_money(ch, "Amt")?.ok_or_else(|| c::missing(ch, "Amt"))?,
                agent: c::opt_agent(ch, "Agt", ERA)?.ok_or_else(|| c::missing(ch, "Agt"))?,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    t.instructing_agent = c::opt_agent(el, "InstgAgt", ERA)?;
    t.instructed_agent = c::opt_agent(el, "InstdAgt", ERA)?;
    t.intermediary_agents = ["IntrmyAgt1", "IntrmyAgt2", "IntrmyAgt3"]
        .iter()
        .filter_map(|name| c::opt_agent(el, name, ERA).transpose())
        .collect::<Result<_, _>>()?;
    t.ultimate_debtor = c::opt_party(el, "UltmtDbtr", ERA)?;
    t.initiating_party = c::opt_party(el, "InitgPty", ERA)?;
    t.debtor_account = c::opt_account(el, "DbtrAcct")?;
    t.debtor_agent = c::opt_agent(el, "DbtrAgt", ERA)?;
    t.creditor_agent = c::opt_agent(el, "CdtrAgt", ERA)?;
    t.creditor_account = c::opt_account(el, "CdtrAcct")?;
    t.ultimate_creditor = c::opt_party(el, "UltmtCdtr", ERA)?;
    t.instructions_for_creditor_agent =
        el.children("InstrForCdtrAgt").map(c::agent_instruction).collect::<Result<_, _>>()?;
    t.purpose = c::opt_code_or_prop(el, "Purp", payglot_core_model::Purpose::parse)?;
    t.regulatory_reporting = el.children("RgltryRptg").map(c::regulatory).collect::<Result<_, _>>()?;
    t.remittance = el.child("RmtInf").map(|r| c::remittance(r, ERA)).transpose()?;
    Ok(t)
}

pub(crate) fn encode_settlement(out: &mut Out, s: &SettlementInfo, path: std::fmt::Arguments<'_>) {
    out.xml.start("SttlmInf");
    out.xml.leaf("SttlmMtd", s.method.as_str());
    out.opt_account("SttlmAcct", format_args!("{path}/account"), s.account.as_ref());
    out.code_or_prop("ClrSys", s.clearing_system.as_ref());
    out.xml.end();
}

pub(crate) fn encode(out: &mut Out, m: &InterbankTransfer, namespace: &str) -> Result<(), EncodeError> {
    if m.transfers.is_empty() {
        return Err(EncodeError::unrepresentable(
            "/message/interbank_transfer/transfers",
            "pacs.008 needs at least one transfer",
        ));
    }
    let base = "/message/interbank_transfer";
    out.xml.start_with("Document", &[("xmlns", namespace)]);
    out.xml.start("FIToFICstmrCdtTrf");
    out.xml.start("GrpHdr");
    out.xml.leaf("MsgId", m.header.message_id.as_str());
    out.xml.leaf("CreDtTm", &m.header.created.to_string());
    out.xml.leaf("NbOfTxs", &m.transfers.len().to_string());
    out.xml.opt_leaf("IntrBkSttlmDt", m.settlement_date.map(|d| d.to_string()).as_deref());
    encode_settlement(out, &m.settlement, format_args!("{base}/settlement"));
    out.opt_agent("InstgAgt", format_args!("{base}/header/instructing_agent"), m.header.instructing_agent.as_ref());
    out.opt_agent("InstdAgt", format_args!("{base}/header/instructed_agent"), m.header.instructed_agent.as_ref());
    out.xml.end();
    super::header_losses(out, &m.header, format_args!("{base}/header"), &["instructing_agent", "instructed_agent"]);
    for (i, t) in m.transfers.iter().enumerate() {
        encode_transfer(out, t, format_args!("{base}/transfers/{i}"))?;
    }
    out.xml.end();
    out.xml.end();
    Ok(())
}

fn encode_transfer(out: &mut Out, t: &CreditTransfer, path: std::fmt::Arguments<'_>) -> Result<(), EncodeError> {
    out.xml.start("CdtTrfTxInf");
    out.xml.start("PmtId");
    out.xml.opt_leaf("InstrId", t.ids.instruction_id.as_ref().map(|i| i.as_str()));
    out.xml.leaf("EndToEndId", t.ids.end_to_end_id.as_str());
    out.xml.opt_leaf("TxId", t.ids.transaction_id.as_ref().map(|i| i.as_str()));
    out.xml.opt_leaf("UETR", t.ids.uetr.map(|u| u.to_string()).as_deref());
    out.text("ClrSysRef", t.ids.clearing_system_reference.as_ref());
    out.xml.end();
    out.payment_type(format_args!("{path}/payment_type"), t.payment_type.as_ref(), true);
    let settlement = t.settlement_amount.as_ref().or(t.instructed_amount.as_ref()).ok_or_else(|| {
        EncodeError::unrepresentable(
            format!("{path}/settlement_amount"),
            "pacs.008 requires an interbank settlement amount",
        )
    })?;
    if t.settlement_amount.is_none() {
        out.losses.push(payglot_core_model::Loss::approximated(
            format!("{path}/instructed_amount"),
            "no settlement amount: the instructed amount is written as the interbank settlement amount",
        ));
    }
    out.money("IntrBkSttlmAmt", settlement);
    out.xml.opt_leaf("IntrBkSttlmDt", t.settlement_date.map(|d| d.to_string()).as_deref());
    out.xml.opt_leaf("AccptncDtTm", t.acceptance_time.map(|d| d.to_string()).as_deref());
    if t.settlement_amount.is_some() {
        out.opt_money("InstdAmt", t.instructed_amount.as_ref());
    }
    if let Some(x) = &t.exchange {
        out.xml.leaf("XchgRate", &x.rate.to_string());
        out.drop_if(x.rate_type.is_some(), format_args!("{path}/exchange/rate_type"), "an exchange rate type");
        out.drop_if(x.contract_id.is_some(), format_args!("{path}/exchange/contract_id"), "an exchange contract id");
    }
    let bearer = t.charge_bearer.ok_or_else(|| {
        EncodeError::unrepresentable(format!("{path}/charge_bearer"), "pacs.008 requires a charge bearer")
    })?;
    out.xml.leaf("ChrgBr", bearer.iso_code());
    for (i, charge) in t.charges.iter().enumerate() {
        out.xml.start("ChrgsInf");
        out.money("Amt", &charge.amount);
        out.agent("Agt", format_args!("{path}/charges/{i}/agent"), &charge.agent);
        out.xml.end();
    }
    out.opt_agent("InstgAgt", format_args!("{path}/instructing_agent"), t.instructing_agent.as_ref());
    out.opt_agent("InstdAgt", format_args!("{path}/instructed_agent"), t.instructed_agent.as_ref());
    for (i, agent) in t.intermediary_agents.iter().enumerate() {
        match ["IntrmyAgt1", "IntrmyAgt2", "IntrmyAgt3"].get(i) {
            Some(name) => out.agent(name, format_args!("{path}/intermediary_agents/{i}"), agent),
            None => out.drop_if(true, format_args!("{path}/intermediary_agents/{i}"), "a fourth intermediary agent"),
        }
    }
    out.opt_party("UltmtDbtr", format_args!("{path}/ultimate_debtor"), t.ultimate_debtor.as_ref());
    out.opt_party("InitgPty", format_args!("{path}/initiating_party"), t.initiating_party.as_ref());
    out.party("Dbtr", format_args!("{path}/debtor"), &t.debtor);
    out.opt_account("DbtrAcct", format_args!("{path}/debtor_account"), t.debtor_account.as_ref());
    let debtor_agent = t.debtor_agent.as_ref().ok_or_else(|| {
        EncodeError::unrepresentable(format!("{path}/debtor_agent"), "pacs.008 requires a debtor agent")
    })?;
    out.agent("DbtrAgt", format_args!("{path}/debtor_agent"), debtor_agent);
    let creditor_agent = t.creditor_agent.as_ref().ok_or_else(|| {
        EncodeError::unrepresentable(format!("{path}/creditor_agent"), "pacs.008 requires a creditor agent")
    })?;
    out.agent("CdtrAgt", format_args!("{path}/creditor_agent"), creditor_agent);
    out.party("Cdtr", format_args!("{path}/creditor"), &t.creditor);
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
    Ok(())
}

/// What pacs.008 has no place for in a transfer (reported after the transaction, by both
/// encoders).
pub(crate) fn transfer_losses(out: &mut Out, t: &CreditTransfer, path: std::fmt::Arguments<'_>) {
    out.drop_if(
        t.requested_execution.is_some(),
        format_args!("{path}/requested_execution"),
        "a requested execution date",
    );
    for key in t.extensions.keys() {
        out.drop_if(true, format_args!("{path}/extensions/{key}"), "this extension");
    }
}

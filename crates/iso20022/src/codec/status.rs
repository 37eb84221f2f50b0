//! pain.002 (03, 10) and pacs.002.001.10 payment status reports ↔ `StatusReport`.

use payglot_core_model::message::{
    GroupHeader, OriginalGroupStatus, PaymentInfoStatus, StatusReasonInfo, StatusReport, TransactionStatus,
};
use payglot_core_model::{
    CodeOrProprietary, DateOrDateTime, DecodeError, EncodeError, GroupStatus, Message, PaymentStatus, StatusReason,
};

use super::common::{self as c, Era, Out};
use super::tree::Element;

pub(crate) fn decode(root: Element, era: Era) -> Result<Message, DecodeError> {
    let h = root.child("GrpHdr").ok_or_else(|| c::missing(root, "GrpHdr"))?;
    let mut header = GroupHeader::new(
        c::opt_parse(h, "MsgId", |s: &str| payglot_core_model::MessageId::new(s))?
            .ok_or_else(|| c::missing(h, "MsgId"))?,
        h.child("CreDtTm").map(c::datetime).transpose()?.ok_or_else(|| c::missing(h, "CreDtTm"))?,
    );
    header.initiating_party = c::opt_party(h, "InitgPty", era)?;
    header.forwarding_agent = c::opt_agent(h, "FwdgAgt", era)?;
    header.instructing_agent = c::opt_agent(h, "InstgAgt", era)?;
    header.instructed_agent = c::opt_agent(h, "InstdAgt", era)?;
    let original_groups =
        root.children("OrgnlGrpInfAndSts").map(|g| original_group(g, era)).collect::<Result<_, _>>()?;
    let payment_infos = root
        .children("OrgnlPmtInfAndSts")
        .map(|p| {
            Ok(PaymentInfoStatus {
                original_payment_info_id: c::opt_text(p, "OrgnlPmtInfId")?
                    .ok_or_else(|| c::missing(p, "OrgnlPmtInfId"))?,
                status: c::opt_parse(p, "PmtInfSts", GroupStatus::parse)?,
                reasons: reasons(p, era)?,
                transactions: p.children("TxInfAndSts").map(|t| transaction(t, era)).collect::<Result<_, _>>()?,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    let transactions = root.children("TxInfAndSts").map(|t| transaction(t, era)).collect::<Result<_, _>>()?;
    Ok(Message::StatusReport(StatusReport { header, original_groups, payment_infos, transactions }))
}

fn original_group(g: Element, era: Era) -> Result<OriginalGroupStatus, DecodeError> {
    Ok(OriginalGroupStatus {
        original_message_id: c::opt_text(g, "OrgnlMsgId")?.ok_or_else(|| c::missing(g, "OrgnlMsgId"))?,
        original_message_name: c::opt_text(g, "OrgnlMsgNmId")?.ok_or_else(|| c::missing(g, "OrgnlMsgNmId"))?,
        original_created: g.child("OrgnlCreDtTm").map(c::datetime).transpose()?,
        original_number_of_transactions: c::opt_text(g, "OrgnlNbOfTxs")?,
        original_control_sum: g.child("OrgnlCtrlSum").map(c::decimal).transpose()?,
        status: c::opt_parse(g, "GrpSts", GroupStatus::parse)?,
        reasons: reasons(g, era)?,
    })
}

fn reasons(parent: Element, era: Era) -> Result<Vec<StatusReasonInfo>, DecodeError> {
    parent
        .children("StsRsnInf")
        .map(|r| {
            Ok(StatusReasonInfo {
                originator: c::opt_party(r, "Orgtr", era)?,
                reason: c::opt_code_or_prop(r, "Rsn", StatusReason::parse)?,
                mapped_reason: None,
                additional_info: c::texts(r, "AddtlInf")?,
            })
        })
        .collect()
}

fn transaction(t: Element, era: Era) -> Result<TransactionStatus, DecodeError> {
    let (original_amount, original_requested_execution) = match t.child("OrgnlTxRef") {
        Some(r) => {
            let amount = match r.child("Amt") {
                Some(a) => c::opt_money(a, "InstdAmt")?,
                None => None,
            };
            let execution = match (era, r.child("ReqdExctnDt")) {
                (Era::Old, Some(d)) => Some(DateOrDateTime::Date(c::date(d)?)),
                (Era::New, Some(d)) => Some(c::date_or_datetime(d)?),
                (_, None) => None,
            };
            (amount, execution)
        }
        None => (None, None),
    };
    Ok(TransactionStatus {
        status_id: c::opt_text(t, "StsId")?,
        original_instruction_id: c::opt_parse(t, "OrgnlInstrId", |s: &str| payglot_core_model::InstructionId::new(s))?,
        original_end_to_end_id: c::opt_parse(t, "OrgnlEndToEndId", |s: &str| payglot_core_model::EndToEndId::new(s))?,
        original_transaction_id: c::opt_parse(t, "OrgnlTxId", |s: &str| payglot_core_model::TransactionId::new(s))?,
        original_uetr: c::opt_parse(t, "OrgnlUETR", payglot_core_model::Uetr::parse)?,
        status: c::opt_parse(t, "TxSts", PaymentStatus::parse)?,
        reasons: reasons(t, era)?,
        acceptance_time: t.child("AccptncDtTm").map(c::datetime).transpose()?,
        original_amount,
        original_requested_execution,
        extensions: Default::default(),
    })
}

// ---------------------------------------------------------------- encode

pub(crate) fn encode(out: &mut Out, m: &StatusReport, namespace: &str, interbank: bool) -> Result<(), EncodeError> {
    let base = "/message/status_report";
    out.xml.start_with("Document", &[("xmlns", namespace)]);
    out.xml.start(if interbank { "FIToFIPmtStsRpt" } else { "CstmrPmtStsRpt" });
    out.xml.start("GrpHdr");
    out.xml.leaf("MsgId", m.header.message_id.as_str());
    out.xml.leaf("CreDtTm", &m.header.created.to_string());
    let written: &[&str] = if interbank {
        out.opt_agent("InstgAgt", format_args!("{base}/header/instructing_agent"), m.header.instructing_agent.as_ref());
        out.opt_agent("InstdAgt", format_args!("{base}/header/instructed_agent"), m.header.instructed_agent.as_ref());
        &["instructing_agent", "instructed_agent"]
    } else {
        out.opt_party("InitgPty", format_args!("{base}/header/initiating_party"), m.header.initiating_party.as_ref());
        out.opt_agent("FwdgAgt", format_args!("{base}/header/forwarding_agent"), m.header.forwarding_agent.as_ref());
        &["initiating_party", "forwarding_agent"]
    };
    out.xml.end();
    super::header_losses(out, &m.header, format_args!("{base}/header"), written);
    if !interbank && m.original_groups.len() != 1 {
        return Err(not_one_group(out.version, m.original_groups.len()));
    }
    for (i, g) in m.original_groups.iter().enumerate() {
        encode_group(out, g, format_args!("{base}/original_groups/{i}"));
    }
    if interbank {
        for i in 0..m.payment_infos.len() {
            out.drop_if(
                true,
                format_args!("{base}/payment_infos/{i}"),
                "payment-information statuses (pacs.002 has none)",
            );
        }
        for (i, t) in m.transactions.iter().enumerate() {
            encode_transaction(out, t, format_args!("{base}/transactions/{i}"), true);
        }
    } else {
        for (i, p) in m.payment_infos.iter().enumerate() {
            let path = format!("{base}/payment_infos/{i}");
            out.xml.start("OrgnlPmtInfAndSts");
            out.xml.leaf("OrgnlPmtInfId", p.original_payment_info_id.as_str());
            out.xml.opt_leaf("PmtInfSts", p.status.as_ref().map(|s| s.as_str()));
            encode_reasons(out, &p.reasons, format_args!("{path}"));
            for (j, t) in p.transactions.iter().enumerate() {
                encode_transaction(out, t, format_args!("{path}/transactions/{j}"), false);
            }
            out.xml.end();
        }
        if !m.transactions.is_empty() {
            // pain.002 groups transactions by payment-information block; loose ones go in one
            // block named after the original message.
            let Some(group) = m.original_groups.first() else { return Ok(()) };
            out.losses.push(payglot_core_model::Loss::approximated(
                format!("{base}/transactions"),
                "pain.002 groups transactions by payment-information block; written under one block named after the original message id",
            ));
            out.xml.start("OrgnlPmtInfAndSts");
            out.xml.leaf("OrgnlPmtInfId", group.original_message_id.as_str());
            for (j, t) in m.transactions.iter().enumerate() {
                encode_transaction(out, t, format_args!("{base}/transactions/{j}"), false);
            }
            out.xml.end();
        }
    }
    out.xml.end();
    out.xml.end();
    Ok(())
}

fn encode_group(out: &mut Out, g: &OriginalGroupStatus, path: std::fmt::Arguments<'_>) {
    out.xml.start("OrgnlGrpInfAndSts");
    out.xml.leaf("OrgnlMsgId", g.original_message_id.as_str());
    out.xml.leaf("OrgnlMsgNmId", g.original_message_name.as_str());
    out.xml.opt_leaf("OrgnlCreDtTm", g.original_created.map(|d| d.to_string()).as_deref());
    out.text("OrgnlNbOfTxs", g.original_number_of_transactions.as_ref());
    out.xml.opt_leaf("OrgnlCtrlSum", g.original_control_sum.map(|d| d.to_string()).as_deref());
    out.xml.opt_leaf("GrpSts", g.status.as_ref().map(|s| s.as_str()));
    encode_reasons(out, &g.reasons, path);
    out.xml.end();
}

fn encode_reasons(out: &mut Out, reasons: &[StatusReasonInfo], path: std::fmt::Arguments<'_>) {
    for (i, r) in reasons.iter().enumerate() {
        let path = format!("{path}/reasons/{i}");
        out.xml.start("StsRsnInf");
        out.opt_party("Orgtr", format_args!("{path}/originator"), r.originator.as_ref());
        let reason = written_reason(out, r, format_args!("{path}"));
        out.code_or_prop("Rsn", reason.as_ref());
        for line in &r.additional_info {
            out.xml.leaf("AddtlInf", line.as_str());
        }
        out.xml.end();
    }
}

/// pain.002 carries exactly one original group status; this report has `count` (both encoders).
pub(crate) fn not_one_group(version: &str, count: usize) -> EncodeError {
    EncodeError::unrepresentable(
        "/message/status_report/original_groups",
        format!("{version} carries exactly one original group status; this report has {count}"),
    )
}

/// The reason a status reason writes (by both encoders): a provider's own code and its ISO
/// mapping — ISO 20022 has room for one — give the ISO code, the provider's code reported.
pub(crate) fn written_reason(
    out: &mut Out,
    r: &StatusReasonInfo,
    path: std::fmt::Arguments<'_>,
) -> Option<CodeOrProprietary<payglot_core_model::StatusReason>> {
    match (&r.reason, &r.mapped_reason) {
        (Some(CodeOrProprietary::Proprietary(own)), Some(iso)) => {
            out.losses.push(payglot_core_model::Loss::dropped(
                format!("{path}/reason"),
                format!("provider code {own} not written; its ISO mapping {iso} is"),
            ));
            Some(CodeOrProprietary::Code(iso.clone()))
        }
        (reason, _) => reason.clone(),
    }
}

fn encode_transaction(out: &mut Out, t: &TransactionStatus, path: std::fmt::Arguments<'_>, interbank: bool) {
    out.xml.start("TxInfAndSts");
    out.text("StsId", t.status_id.as_ref());
    out.xml.opt_leaf("OrgnlInstrId", t.original_instruction_id.as_ref().map(|i| i.as_str()));
    out.xml.opt_leaf("OrgnlEndToEndId", t.original_end_to_end_id.as_ref().map(|i| i.as_str()));
    if interbank {
        out.xml.opt_leaf("OrgnlTxId", t.original_transaction_id.as_ref().map(|i| i.as_str()));
    } else {
        out.drop_if(
            t.original_transaction_id.is_some(),
            format_args!("{path}/original_transaction_id"),
            "an original transaction id",
        );
    }
    if out.era == Era::New {
        out.xml.opt_leaf("OrgnlUETR", t.original_uetr.map(|u| u.to_string()).as_deref());
    } else {
        out.drop_if(t.original_uetr.is_some(), format_args!("{path}/original_uetr"), "a UETR");
    }
    out.xml.opt_leaf("TxSts", t.status.as_ref().map(|s| s.as_str()));
    encode_reasons(out, &t.reasons, path);
    out.xml.opt_leaf("AccptncDtTm", t.acceptance_time.map(|d| d.to_string()).as_deref());
    if t.original_amount.is_some() || t.original_requested_execution.is_some() {
        out.xml.start("OrgnlTxRef");
        if let Some(amount) = &t.original_amount {
            out.xml.start("Amt");
            out.money("InstdAmt", amount);
            out.xml.end();
        }
        match (out.era, &t.original_requested_execution) {
            (Era::Old, Some(DateOrDateTime::Date(d))) => out.xml.leaf("ReqdExctnDt", &d.to_string()),
            (Era::Old, Some(DateOrDateTime::DateTime(dt))) => {
                out.losses.push(payglot_core_model::Loss::approximated(
                    format!("{path}/original_requested_execution"),
                    "pain.002.001.03 carries a date only; the time was dropped",
                ));
                out.xml.leaf("ReqdExctnDt", &dt.local().date().to_string());
            }
            (Era::New, Some(value)) => out.date_or_datetime("ReqdExctnDt", value),
            (_, None) => {}
        }
        out.xml.end();
    }
    out.xml.end();
    for key in t.extensions.keys() {
        out.drop_if(true, format_args!("{path}/extensions/{key}"), "this extension");
    }
}

//! pacs.004.001.09 by typed construction: `PaymentReturn` → the generated `Document`, with the
//! losses and errors of `codec::pacs004::encode`, in its order.

use std::fmt::Display;

use payglot_core_model::message::PaymentReturn;

use super::pacs_004_001_09::{header_agents, opt_account, opt_agent, opt_party};
use super::{FieldPath, R, date, date_time, leaf, money, opt_choice, opt_leaf, opt_money, shown, text, texts};
use crate::codec::common::Out;
use crate::codec::typed::Held;
use crate::generated::pacs_004_001_09 as g;

interbank_settlement!();
code_choice!(g::ReturnReason5Choice);

/// The Document for `m`.
pub(super) fn document(out: &mut Out, m: &PaymentReturn) -> R<g::Document> {
    let base = "/message/payment_return";
    let hp = FieldPath(&base, "header");
    let mut grp_hdr = g::GroupHeader90 {
        msg_id: leaf(m.header.message_id.as_str(), "MsgId", &FieldPath(&hp, "message_id"))?,
        cre_dt_tm: date_time(&m.header.created, "CreDtTm", &FieldPath(&hp, "created"))?,
        authstn: Vec::new(),
        btch_bookg: None,
        nb_of_txs: shown(&m.transactions.len(), "NbOfTxs", &FieldPath(&base, "transactions"))?,
        ctrl_sum: None,
        grp_rtr: None,
        ttl_rtrd_intr_bk_sttlm_amt: None,
        intr_bk_sttlm_dt: None,
        sttlm_inf: settlement(out, &m.settlement, &FieldPath(&base, "settlement"))?,
        instg_agt: None,
        instd_agt: None,
    };
    (grp_hdr.instg_agt, grp_hdr.instd_agt) = header_agents(out, &m.header, base)?;
    let orgnl_grp_inf = match &m.original_group {
        None => None,
        Some(og) => {
            let p = FieldPath(&base, "original_group");
            let built = g::OriginalGroupHeader18 {
                orgnl_msg_id: leaf(og.original_message_id.as_str(), "OrgnlMsgId", &p)?,
                orgnl_msg_nm_id: leaf(og.original_message_name.as_str(), "OrgnlMsgNmId", &p)?,
                orgnl_cre_dt_tm: og.original_created.map(|d| date_time(&d, "OrgnlCreDtTm", &p)).transpose()?,
                rtr_rsn_inf: Vec::new(),
            };
            crate::codec::pacs004::original_group_losses(out, og, format_args!("{base}/original_group"));
            Some(Held::hold(built))
        }
    };
    let mut tx_inf = Vec::with_capacity(m.transactions.len());
    for (i, t) in m.transactions.iter().enumerate() {
        tx_inf.push(transaction(out, t, &format_args!("{base}/transactions/{i}"))?);
    }
    Ok(g::Document { pmt_rtr: g::PaymentReturnV09 { grp_hdr, orgnl_grp_inf, tx_inf, splmtry_data: Vec::new() } })
}

fn transaction(
    out: &mut Out,
    t: &payglot_core_model::message::ReturnedTransaction,
    path: &dyn Display,
) -> R<g::PaymentTransaction112> {
    let orgnl_grp_inf = match (&t.original_message_id, &t.original_message_name) {
        (Some(id), Some(name)) => {
            let p = FieldPath(path, "original_message_id");
            Some(Held::hold(crate::generated::common::OriginalGroupInformation29 {
                orgnl_msg_id: leaf(id.as_str(), "OrgnlMsgId", &p)?,
                orgnl_msg_nm_id: leaf(name.as_str(), "OrgnlMsgNmId", &p)?,
                orgnl_cre_dt_tm: None,
            }))
        }
        (None, None) => None,
        _ => {
            out.drop_if(
                true,
                format_args!("{path}/original_message_id"),
                "an original message id without its name (or the reverse)",
            );
            None
        }
    };
    let ids = FieldPath(path, "original_ids");
    let instg_agt = opt_agent(out, &FieldPath(path, "instructing_agent"), t.instructing_agent.as_ref())?;
    let instd_agt = opt_agent(out, &FieldPath(path, "instructed_agent"), t.instructed_agent.as_ref())?;
    let mut reasons = Vec::with_capacity(t.reasons.len());
    for (j, r) in t.reasons.iter().enumerate() {
        let rp = format_args!("{path}/reasons/{j}");
        reasons.push(g::PaymentReturnReason6 {
            orgtr: opt_party(out, &FieldPath(&rp, "originator"), r.originator.as_ref())?,
            rsn: opt_choice(r.reason.as_ref(), "Rsn", &FieldPath(&rp, "reason"))?,
            addtl_inf: texts(&r.additional_info, "AddtlInf", &FieldPath(&rp, "additional_info"))?,
        });
    }
    let built = g::PaymentTransaction112 {
        rtr_id: text(t.return_id.as_ref(), "RtrId", &FieldPath(path, "return_id"))?,
        orgnl_grp_inf,
        orgnl_instr_id: opt_leaf(t.original_instruction_id.as_ref().map(|i| i.as_str()), "OrgnlInstrId", &ids)?,
        orgnl_end_to_end_id: opt_leaf(t.original_end_to_end_id.as_ref().map(|i| i.as_str()), "OrgnlEndToEndId", &ids)?,
        orgnl_tx_id: opt_leaf(t.original_transaction_id.as_ref().map(|i| i.as_str()), "OrgnlTxId", &ids)?,
        orgnl_uetr: t.original_uetr.map(|u| shown(&u, "OrgnlUETR", &ids)).transpose()?,
        orgnl_clr_sys_ref: None,
        orgnl_intr_bk_sttlm_amt: opt_money(
            t.original_settlement_amount.as_ref(),
            "OrgnlIntrBkSttlmAmt",
            &FieldPath(path, "original_settlement_amount"),
        )?,
        orgnl_intr_bk_sttlm_dt: None,
        rtrd_intr_bk_sttlm_amt: money(
            &t.returned_settlement_amount,
            "RtrdIntrBkSttlmAmt",
            &FieldPath(path, "returned_settlement_amount"),
        )?,
        intr_bk_sttlm_dt: t
            .settlement_date
            .map(|d| date(&d, "IntrBkSttlmDt", &FieldPath(path, "settlement_date")))
            .transpose()?,
        sttlm_prty: None,
        sttlm_tm_indctn: None,
        rtrd_instd_amt: opt_money(
            t.returned_instructed_amount.as_ref(),
            "RtrdInstdAmt",
            &FieldPath(path, "returned_instructed_amount"),
        )?,
        xchg_rate: None,
        compstn_amt: None,
        chrg_br: opt_leaf(t.charge_bearer.map(|b| b.iso_code()), "ChrgBr", &FieldPath(path, "charge_bearer"))?,
        chrgs_inf: Vec::new(),
        clr_sys_ref: None,
        instg_agt,
        instd_agt,
        rtr_chain: None,
        rtr_rsn_inf: reasons,
        orgnl_tx_ref: None,
        splmtry_data: Vec::new(),
    };
    out.drop_if(
        t.original_transaction.is_some(),
        format_args!("{path}/original_transaction"),
        "the original transaction's details",
    );
    Ok(built)
}

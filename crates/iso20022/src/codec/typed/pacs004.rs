//! pacs.004.001.09 → `PaymentReturn`, from the typed Document (see `super`); the tree path's
//! `codec::pacs004::decode` is the reference this follows field by field.

use payglot_core_model::message::{
    GroupHeader, OriginalGroupStatus, PaymentReturn, ReturnReasonInfo, ReturnedTransaction,
};
use payglot_core_model::transfer::ChargeBearer;
use payglot_core_model::{Loss, Message, MessageId, ReturnReason};
use rust_decimal::Decimal;

use super::shared::{active_amount, amount, code_or_prop, each, opt, settlement_2019, shared_2019};
use super::{At, Sink, check_count, check_sum_of, datetime, id, put, text};
use crate::generated::pacs_004_001_09 as g4;

shared_2019!(mapping, crate::generated::pacs_004_001_09);
use mapping::{agent, opt_agent, opt_party};
settlement_2019!(g4);

const DOCUMENT: At<'static> = At::root("Document");

pub(crate) fn decode(document: g4::Document, sink: &mut Sink) -> Option<Message> {
    let g4::Document { pmt_rtr } = document;
    let root = DOCUMENT.at("PmtRtr");
    let g4::PaymentReturnV09 { grp_hdr, orgnl_grp_inf, tx_inf, splmtry_data } = pmt_rtr;
    let g4::GroupHeader90 {
        msg_id,
        cre_dt_tm,
        authstn,
        btch_bookg,
        nb_of_txs,
        ctrl_sum,
        grp_rtr,
        ttl_rtrd_intr_bk_sttlm_amt,
        intr_bk_sttlm_dt,
        sttlm_inf,
        instg_agt,
        instd_agt,
    } = grp_hdr;
    let h = root.at("GrpHdr");
    let message_id: MessageId = id!(msg_id);
    let mut header = GroupHeader::new(message_id, datetime(cre_dt_tm)?);
    sink.lost_many(&h, "Authstn", &authstn);
    sink.lost_opt_s(&h, "BtchBookg", btch_bookg.as_ref());
    // The totals' approximations: NbOfTxs and CtrlSum here, TtlRtrdIntrBkSttlmAmt after GrpRtr.
    let counts_at = sink.losses.len();
    sink.lost_opt_s(&h, "GrpRtr", grp_rtr.as_ref());
    let total_at = sink.losses.len();
    sink.lost_opt_s(&h, "IntrBkSttlmDt", intr_bk_sttlm_dt.as_ref());
    let settlement = settlement(sttlm_inf, &h.at("SttlmInf"), sink)?;
    put(instg_agt, &h, "InstgAgt", sink, &mut header.instructing_agent, agent)?;
    put(instd_agt, &h, "InstdAgt", sink, &mut header.instructed_agent, agent)?;
    let original_group = opt!(orgnl_grp_inf, g => {
        let g4::OriginalGroupHeader18 { orgnl_msg_id, orgnl_msg_nm_id, orgnl_cre_dt_tm, rtr_rsn_inf } = g;
        let here = root.at("OrgnlGrpInf");
        let group = OriginalGroupStatus {
            original_message_id: text!(orgnl_msg_id),
            original_message_name: text!(orgnl_msg_nm_id),
            original_created: opt!(orgnl_cre_dt_tm, d => datetime(d)?),
            original_number_of_transactions: None,
            original_control_sum: None,
            status: None,
            reasons: Vec::new(),
        };
        sink.lost_many(&here, "RtrRsnInf", &rtr_rsn_inf);
        group
    });
    let transactions = sink.each(&root, "TxInf", tx_inf, transaction)?;
    sink.lost_many(&root, "SplmtryData", &splmtry_data);
    // The tree path's `check_totals` of the returned amounts, placed where its walk finds them.
    let sum: Decimal = transactions.iter().map(|t| t.returned_settlement_amount.amount()).sum();
    let what = "returned amounts";
    if let Some(detail) =
        ttl_rtrd_intr_bk_sttlm_amt.and_then(|t| check_sum_of("TtlRtrdIntrBkSttlmAmt", t.value.value(), sum, what))
    {
        sink.losses.insert(total_at, Loss::approximated(h.at("TtlRtrdIntrBkSttlmAmt").path(), detail));
    }
    let mut notes = Vec::new();
    if let Some(detail) = check_count(nb_of_txs.as_str(), transactions.len()) {
        notes.push(Loss::approximated(h.at("NbOfTxs").path(), detail));
    }
    if let Some(detail) = ctrl_sum.and_then(|c| check_sum_of("CtrlSum", c.value(), sum, what)) {
        notes.push(Loss::approximated(h.at("CtrlSum").path(), detail));
    }
    sink.losses.splice(counts_at..counts_at, notes);
    Some(Message::PaymentReturn(PaymentReturn { header, settlement, original_group, transactions }))
}

fn transaction(t: g4::PaymentTransaction112, at: &At<'_>, sink: &mut Sink) -> Option<ReturnedTransaction> {
    let g4::PaymentTransaction112 {
        rtr_id,
        orgnl_grp_inf,
        orgnl_instr_id,
        orgnl_end_to_end_id,
        orgnl_tx_id,
        orgnl_uetr,
        orgnl_clr_sys_ref,
        orgnl_intr_bk_sttlm_amt,
        orgnl_intr_bk_sttlm_dt,
        rtrd_intr_bk_sttlm_amt,
        intr_bk_sttlm_dt,
        sttlm_prty,
        sttlm_tm_indctn,
        rtrd_instd_amt,
        xchg_rate,
        compstn_amt,
        chrg_br,
        chrgs_inf,
        clr_sys_ref,
        instg_agt,
        instd_agt,
        rtr_chain,
        rtr_rsn_inf,
        orgnl_tx_ref,
        splmtry_data,
    } = t;
    let return_id = opt!(rtr_id, r => text!(r));
    let (original_message_id, original_message_name) = match orgnl_grp_inf {
        Some(g) => {
            let g4::OriginalGroupInformation29 { orgnl_msg_id, orgnl_msg_nm_id, orgnl_cre_dt_tm } = g;
            sink.lost_opt_s(&at.at("OrgnlGrpInf"), "OrgnlCreDtTm", orgnl_cre_dt_tm.as_ref());
            (Some(text!(orgnl_msg_id)), Some(text!(orgnl_msg_nm_id)))
        }
        None => (None, None),
    };
    let original_instruction_id = opt!(orgnl_instr_id, i => id!(i));
    let original_end_to_end_id = opt!(orgnl_end_to_end_id, i => id!(i));
    let original_transaction_id = opt!(orgnl_tx_id, i => id!(i));
    let original_uetr = opt!(orgnl_uetr, u => payglot_core_model::Uetr::parse(u.as_str()).ok()?);
    sink.lost_opt_s(at, "OrgnlClrSysRef", orgnl_clr_sys_ref.as_ref());
    let original_settlement_amount = opt!(orgnl_intr_bk_sttlm_amt, m => amount(&m)?);
    sink.lost_opt_s(at, "OrgnlIntrBkSttlmDt", orgnl_intr_bk_sttlm_dt.as_ref());
    let returned_settlement_amount = active_amount(&rtrd_intr_bk_sttlm_amt)?;
    let settlement_date = opt!(intr_bk_sttlm_dt, d => super::date(d)?);
    sink.lost_opt_s(at, "SttlmPrty", sttlm_prty.as_ref());
    sink.lost_opt(at, "SttlmTmIndctn", sttlm_tm_indctn.as_ref());
    let returned_instructed_amount = opt!(rtrd_instd_amt, m => amount(&m)?);
    sink.lost_opt_s(at, "XchgRate", xchg_rate.as_ref());
    sink.lost_opt(at, "CompstnAmt", compstn_amt.as_ref());
    let charge_bearer = opt!(chrg_br, c => ChargeBearer::from_iso_code(c.as_str())?);
    sink.lost_many(at, "ChrgsInf", &chrgs_inf);
    sink.lost_opt_s(at, "ClrSysRef", clr_sys_ref.as_ref());
    let instructing_agent = opt_agent(instg_agt, at, "InstgAgt", sink)?;
    let instructed_agent = opt_agent(instd_agt, at, "InstdAgt", sink)?;
    sink.lost_opt(at, "RtrChain", rtr_chain.as_deref());
    let count = rtr_rsn_inf.len();
    let mut reasons = Vec::with_capacity(count);
    for (i, r) in rtr_rsn_inf.into_iter().enumerate() {
        let g4::PaymentReturnReason6 { orgtr, rsn, addtl_inf } = r;
        reasons.push(ReturnReasonInfo {
            originator: opt_party(orgtr, &at.item("RtrRsnInf", i, count), "Orgtr", sink)?,
            reason: opt!(rsn, r => code_or_prop!(r, g4::ReturnReason5Choice, ReturnReason::parse)),
            additional_info: each!(addtl_inf, a => text!(a)),
        });
    }
    sink.lost_opt(at, "OrgnlTxRef", orgnl_tx_ref.as_deref());
    sink.lost_many(at, "SplmtryData", &splmtry_data);
    Some(ReturnedTransaction {
        return_id,
        original_message_id,
        original_message_name,
        original_instruction_id,
        original_end_to_end_id,
        original_transaction_id,
        original_uetr,
        original_settlement_amount,
        returned_settlement_amount,
        settlement_date,
        returned_instructed_amount,
        charge_bearer,
        instructing_agent,
        instructed_agent,
        reasons,
        original_transaction: None,
    })
}

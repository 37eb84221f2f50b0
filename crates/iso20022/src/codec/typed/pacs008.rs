//! pacs.008.001.08 → `InterbankTransfer`, from the typed Document (see `super`); the tree
//! path's `codec::pacs008::decode` is the reference this follows field by field.

use payglot_core_model::message::{GroupHeader, InterbankTransfer};
use payglot_core_model::transfer::{Charge, ChargeBearer, CreditTransfer, Exchange, PaymentIds, PaymentType};
use payglot_core_model::{Message, MessageId};
use rust_decimal::Decimal;

use super::shared::{active_amount, opt, settlement_2019, shared_2019, shared_2019_transfer};
use super::{At, Sink, check_count, check_sum, datetime, id, put};
use crate::generated::pacs_008_001_08 as g8;

shared_2019!(mapping, crate::generated::pacs_008_001_08);
shared_2019_transfer!(transfer_mapping, mapping, crate::generated::pacs_008_001_08);
use mapping::{account, agent, intermediaries, party, party_into, payment_type};
use transfer_mapping::{instructions_for_creditor_agent, transaction_tail};

const DOCUMENT: At<'static> = At::root("Document");

pub(crate) fn decode(document: g8::Document, sink: &mut Sink) -> Option<Message> {
    let g8::Document { fi_to_fi_cstmr_cdt_trf } = document;
    let root = DOCUMENT.at("FIToFICstmrCdtTrf");
    let g8::FIToFICustomerCreditTransferV08 { grp_hdr, cdt_trf_tx_inf, splmtry_data } = fi_to_fi_cstmr_cdt_trf;
    let g8::GroupHeader93 {
        msg_id,
        cre_dt_tm,
        btch_bookg,
        nb_of_txs,
        ctrl_sum,
        ttl_intr_bk_sttlm_amt,
        intr_bk_sttlm_dt,
        sttlm_inf,
        pmt_tp_inf,
        instg_agt,
        instd_agt,
    } = grp_hdr;
    let h = root.at("GrpHdr");
    let message_id: MessageId = id!(msg_id);
    let mut header = GroupHeader::new(message_id, datetime(cre_dt_tm)?);
    sink.lost_opt_s(&h, "BtchBookg", btch_bookg.as_ref());
    // The totals' approximations go here (NbOfTxs, CtrlSum, TtlIntrBkSttlmAmt follow each
    // other), once the transactions are read.
    let totals_at = sink.losses.len();
    let settlement_date = opt!(intr_bk_sttlm_dt, d => super::date(d)?);
    let settlement = settlement(sttlm_inf, &h.at("SttlmInf"), sink)?;
    let group_payment_type = opt!(pmt_tp_inf, p => own_payment_type(*p)?);
    put(instg_agt, &h, "InstgAgt", sink, &mut header.instructing_agent, agent)?;
    put(instd_agt, &h, "InstdAgt", sink, &mut header.instructed_agent, agent)?;
    let len = cdt_trf_tx_inf.len();
    let mut transfers = Vec::with_capacity(len);
    for (i, t) in cdt_trf_tx_inf.into_iter().enumerate() {
        transfer(t, group_payment_type.as_ref(), &root.item("CdtTrfTxInf", i, len), sink, &mut transfers)?;
    }
    sink.lost_many(&root, "SplmtryData", &splmtry_data);
    // The tree path's `check_totals`, its approximations placed where the walk finds them.
    let sum: Decimal = transfers.iter().filter_map(|t| t.settlement_amount.as_ref()).map(|m| m.amount()).sum();
    let mut notes = Vec::new();
    if let Some(detail) = check_count(nb_of_txs.as_str(), transfers.len()) {
        notes.push(payglot_core_model::Loss::approximated(h.at("NbOfTxs").path(), detail));
    }
    if let Some(detail) = ctrl_sum.and_then(|c| check_sum("CtrlSum", c.value(), sum)) {
        notes.push(payglot_core_model::Loss::approximated(h.at("CtrlSum").path(), detail));
    }
    if let Some(detail) = ttl_intr_bk_sttlm_amt.and_then(|t| check_sum("TtlIntrBkSttlmAmt", t.value.value(), sum)) {
        notes.push(payglot_core_model::Loss::approximated(h.at("TtlIntrBkSttlmAmt").path(), detail));
    }
    sink.losses.splice(totals_at..totals_at, notes);
    Some(Message::InterbankTransfer(InterbankTransfer { header, settlement, settlement_date, transfers }))
}

settlement_2019!(g8);

fn own_payment_type(p: g8::PaymentTypeInformation28) -> Option<PaymentType> {
    let g8::PaymentTypeInformation28 { instr_prty, clr_chanl, svc_lvl, lcl_instrm, ctgy_purp } = p;
    payment_type(instr_prty, opt!(clr_chanl, c => super::shared::code(c.as_str())?), svc_lvl, lcl_instrm, ctgy_purp)
}

fn transfer(
    t: g8::CreditTransferTransaction39,
    group_payment_type: Option<&PaymentType>,
    at: &At<'_>,
    sink: &mut Sink,
    transfers: &mut Vec<CreditTransfer>,
) -> Option<()> {
    let g8::CreditTransferTransaction39 {
        pmt_id,
        pmt_tp_inf,
        intr_bk_sttlm_amt,
        intr_bk_sttlm_dt,
        sttlm_prty,
        sttlm_tm_indctn,
        sttlm_tm_req,
        accptnc_dt_tm,
        poolg_adjstmnt_dt,
        instd_amt,
        xchg_rate,
        chrg_br,
        chrgs_inf,
        prvs_instg_agt1,
        prvs_instg_agt1_acct,
        prvs_instg_agt2,
        prvs_instg_agt2_acct,
        prvs_instg_agt3,
        prvs_instg_agt3_acct,
        instg_agt,
        instd_agt,
        intrmy_agt1,
        intrmy_agt1_acct,
        intrmy_agt2,
        intrmy_agt2_acct,
        intrmy_agt3,
        intrmy_agt3_acct,
        ultmt_dbtr,
        initg_pty,
        dbtr,
        dbtr_acct,
        dbtr_agt,
        dbtr_agt_acct,
        cdtr_agt,
        cdtr_agt_acct,
        cdtr,
        cdtr_acct,
        ultmt_cdtr,
        instr_for_cdtr_agt,
        instr_for_nxt_agt,
        purp,
        rgltry_rptg,
        tax,
        rltd_rmt_inf,
        rmt_inf,
        splmtry_data,
    } = t;
    let g8::PaymentIdentification7 { instr_id, end_to_end_id, tx_id, uetr, clr_sys_ref } = pmt_id;
    let ids = PaymentIds {
        instruction_id: opt!(instr_id, i => id!(i)),
        end_to_end_id: id!(end_to_end_id),
        transaction_id: opt!(tx_id, i => id!(i)),
        uetr: opt!(uetr, u => payglot_core_model::Uetr::parse(u.as_str()).ok()?),
        clearing_system_reference: opt!(clr_sys_ref, r => super::text!(r)),
    };
    // Built in place in the batch's vector (a transfer is large: no move of the finished one).
    let out = super::shared::push_transfer(transfers, ids)?;
    out.payment_type = match pmt_tp_inf {
        Some(p) => Some(own_payment_type(*p)?),
        None => group_payment_type.cloned(),
    };
    out.settlement_amount = Some(active_amount(&intr_bk_sttlm_amt)?);
    out.settlement_date = opt!(intr_bk_sttlm_dt, d => super::date(d)?);
    sink.lost_opt_s(at, "SttlmPrty", sttlm_prty.as_ref());
    sink.lost_opt(at, "SttlmTmIndctn", sttlm_tm_indctn.as_ref());
    sink.lost_opt(at, "SttlmTmReq", sttlm_tm_req.as_ref());
    out.acceptance_time = opt!(accptnc_dt_tm, d => datetime(d)?);
    sink.lost_opt_s(at, "PoolgAdjstmntDt", poolg_adjstmnt_dt.as_ref());
    out.instructed_amount = opt!(instd_amt, m => super::shared::amount(&m)?);
    out.exchange = opt!(xchg_rate, r => Exchange { rate: r.value(), rate_type: None, contract_id: None });
    out.charge_bearer = Some(ChargeBearer::from_iso_code(chrg_br.as_str())?);
    let count = chrgs_inf.len();
    let mut charges = Vec::with_capacity(count);
    for (i, c) in chrgs_inf.into_iter().enumerate() {
        let g8::Charges7 { amt, agt } = c;
        let here = at.item("ChrgsInf", i, count);
        charges.push(Charge { amount: super::shared::amount(&amt)?, agent: agent(agt, &here.at("Agt"), sink)? });
    }
    out.charges = charges;
    sink.lost_opt(at, "PrvsInstgAgt1", prvs_instg_agt1.as_deref());
    sink.lost_opt(at, "PrvsInstgAgt1Acct", prvs_instg_agt1_acct.as_deref());
    sink.lost_opt(at, "PrvsInstgAgt2", prvs_instg_agt2.as_deref());
    sink.lost_opt(at, "PrvsInstgAgt2Acct", prvs_instg_agt2_acct.as_deref());
    sink.lost_opt(at, "PrvsInstgAgt3", prvs_instg_agt3.as_deref());
    sink.lost_opt(at, "PrvsInstgAgt3Acct", prvs_instg_agt3_acct.as_deref());
    put(instg_agt, at, "InstgAgt", sink, &mut out.instructing_agent, agent)?;
    put(instd_agt, at, "InstdAgt", sink, &mut out.instructed_agent, agent)?;
    out.intermediary_agents = intermediaries(
        [(intrmy_agt1, intrmy_agt1_acct), (intrmy_agt2, intrmy_agt2_acct), (intrmy_agt3, intrmy_agt3_acct)],
        at,
        sink,
    )?;
    put(ultmt_dbtr, at, "UltmtDbtr", sink, &mut out.ultimate_debtor, party)?;
    put(initg_pty, at, "InitgPty", sink, &mut out.initiating_party, party)?;
    party_into(dbtr, &at.at("Dbtr"), sink, &mut out.debtor)?;
    put(dbtr_acct, at, "DbtrAcct", sink, &mut out.debtor_account, account)?;
    out.debtor_agent = Some(agent(dbtr_agt, &at.at("DbtrAgt"), sink)?);
    sink.lost_opt(at, "DbtrAgtAcct", dbtr_agt_acct.as_deref());
    out.creditor_agent = Some(agent(cdtr_agt, &at.at("CdtrAgt"), sink)?);
    sink.lost_opt(at, "CdtrAgtAcct", cdtr_agt_acct.as_deref());
    party_into(cdtr, &at.at("Cdtr"), sink, &mut out.creditor)?;
    put(cdtr_acct, at, "CdtrAcct", sink, &mut out.creditor_account, account)?;
    put(ultmt_cdtr, at, "UltmtCdtr", sink, &mut out.ultimate_creditor, party)?;
    out.instructions_for_creditor_agent = instructions_for_creditor_agent(instr_for_cdtr_agt)?;
    sink.lost_many(at, "InstrForNxtAgt", &instr_for_nxt_agt);
    transaction_tail(out, purp, rgltry_rptg, tax, rltd_rmt_inf, rmt_inf, splmtry_data, at, sink)?;
    Some(())
}

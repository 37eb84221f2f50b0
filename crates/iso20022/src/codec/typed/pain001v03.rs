//! pain.001.001.03 → `PaymentInitiation`, from the typed Document (see `super`); the tree
//! path's `codec::pain001::decode` with `Era::Old` is the reference this follows field by field.
//! The batch logic (defaults, totals) is pain.001.001.09's.

use payglot_core_model::message::{GroupHeader, PaymentBatch, PaymentInitiation};
use payglot_core_model::transfer::{ChargeBearer, CreditTransfer, PaymentIds};
use payglot_core_model::{DateOrDateTime, Message, MessageId};

use super::pain001::transfer_mapping::{instructions_for_creditor_agent, regulatory};
use super::pain001::{BatchDefaults, exchange, inherit, method, own_or_batch, take_debtor, totals, transfers};
use super::shared::{code_or_prop, opt};
use super::shared_2009::shared_2009;
use super::{At, Sink, datetime, id, put};
use crate::generated::pain_001_001_03 as g3;

shared_2009!(mapping, crate::generated::pain_001_001_03);
use mapping::{account, agent, opt_party, party, payment_type, remittance};

const DOCUMENT: At<'static> = At::root("Document");

pub(crate) fn decode(document: g3::Document, sink: &mut Sink) -> Option<Message> {
    let g3::Document { cstmr_cdt_trf_initn } = document;
    let root = DOCUMENT.at("CstmrCdtTrfInitn");
    let g3::CustomerCreditTransferInitiationV03 { grp_hdr, pmt_inf } = cstmr_cdt_trf_initn;
    let g3::GroupHeader32 { msg_id, cre_dt_tm, authstn, nb_of_txs, ctrl_sum, initg_pty, fwdg_agt } = grp_hdr;
    let h = root.at("GrpHdr");
    let message_id: MessageId = id!(msg_id);
    let mut header = GroupHeader::new(message_id, datetime(cre_dt_tm)?);
    sink.lost_many(&h, "Authstn", &authstn);
    let totals_at = sink.losses.len();
    header.initiating_party = Some(party(initg_pty, &h.at("InitgPty"), sink)?);
    put(fwdg_agt, &h, "FwdgAgt", sink, &mut header.forwarding_agent, agent)?;
    let batches = sink.each(&root, "PmtInf", pmt_inf, batch)?;
    let transfers: Vec<&CreditTransfer> = batches.iter().flat_map(|b| &b.transfers).collect();
    let notes = totals(&h, Some(nb_of_txs.as_str()), ctrl_sum.map(|c| c.value()), &transfers);
    sink.losses.splice(totals_at..totals_at, notes);
    Some(Message::PaymentInitiation(PaymentInitiation { header, batches }))
}

fn batch(b: g3::PaymentInstructionInformation3, at: &At<'_>, sink: &mut Sink) -> Option<PaymentBatch> {
    let g3::PaymentInstructionInformation3 {
        pmt_inf_id,
        pmt_mtd,
        btch_bookg,
        nb_of_txs,
        ctrl_sum,
        pmt_tp_inf,
        reqd_exctn_dt,
        poolg_adjstmnt_dt,
        dbtr,
        dbtr_acct,
        dbtr_agt,
        dbtr_agt_acct,
        ultmt_dbtr,
        chrg_br,
        chrgs_acct,
        chrgs_acct_agt,
        cdt_trf_tx_inf,
    } = b;
    let id = id!(pmt_inf_id);
    let method = method(pmt_mtd.as_str());
    let totals_at = sink.losses.len();
    let payment_type = opt!(pmt_tp_inf, p => payment_type(*p)?);
    let requested_execution = Some(DateOrDateTime::Date(super::date(reqd_exctn_dt)?));
    sink.lost_opt_s(at, "PoolgAdjstmntDt", poolg_adjstmnt_dt.as_ref());
    let debtor = party(dbtr, &at.at("Dbtr"), sink)?;
    let debtor_account = Some(account(dbtr_acct, &at.at("DbtrAcct"), sink)?);
    let debtor_agent = Some(agent(dbtr_agt, &at.at("DbtrAgt"), sink)?);
    sink.lost_opt(at, "DbtrAgtAcct", dbtr_agt_acct.as_deref());
    let ultimate_debtor = opt_party(ultmt_dbtr, at, "UltmtDbtr", sink)?;
    let charge_bearer = opt!(chrg_br, c => ChargeBearer::from_iso_code(c.as_str())?);
    sink.lost_opt(at, "ChrgsAcct", chrgs_acct.as_deref());
    sink.lost_opt(at, "ChrgsAcctAgt", chrgs_acct_agt.as_deref());
    let mut defaults = BatchDefaults {
        payment_type,
        requested_execution,
        debtor,
        debtor_account,
        debtor_agent,
        ultimate_debtor,
        charge_bearer,
    };
    let count = nb_of_txs.as_ref().map(|n| n.as_str());
    let transfers =
        transfers(cdt_trf_tx_inf, &mut defaults, count, ctrl_sum.map(|c| c.value()), totals_at, at, sink, transfer)?;
    Some(PaymentBatch { id, method, batch_booking: btch_bookg, transfers })
}

fn transfer(
    t: g3::CreditTransferTransactionInformation10,
    defaults: &mut BatchDefaults,
    last: bool,
    at: &At<'_>,
    sink: &mut Sink,
    transfers: &mut Vec<CreditTransfer>,
) -> Option<()> {
    let g3::CreditTransferTransactionInformation10 {
        pmt_id,
        pmt_tp_inf,
        amt,
        xchg_rate_inf,
        chrg_br,
        chq_instr,
        ultmt_dbtr,
        intrmy_agt1,
        intrmy_agt1_acct,
        intrmy_agt2,
        intrmy_agt2_acct,
        intrmy_agt3,
        intrmy_agt3_acct,
        cdtr_agt,
        cdtr_agt_acct,
        cdtr,
        cdtr_acct,
        ultmt_cdtr,
        instr_for_cdtr_agt,
        instr_for_dbtr_agt,
        purp,
        rgltry_rptg,
        tax,
        rltd_rmt_inf,
        rmt_inf,
    } = t;
    let g3::PaymentIdentification1 { instr_id, end_to_end_id } = pmt_id;
    let ids = PaymentIds {
        instruction_id: opt!(instr_id, i => id!(i)),
        end_to_end_id: id!(end_to_end_id),
        transaction_id: None,
        uetr: None,
        clearing_system_reference: None,
    };
    // Built in place in the batch's vector (a transfer is large: no move of the finished one).
    let out = super::shared::push_transfer(transfers, ids)?;
    out.payment_type = match pmt_tp_inf {
        Some(p) => Some(payment_type(*p)?),
        None => inherit(&mut defaults.payment_type, last),
    };
    out.instructed_amount = match amt.choice {
        g3::AmountType3ChoiceChoice::InstdAmt(m) => Some(super::shared::amount(&m)?),
        // An equivalent amount is refused by the tree path (no instructed amount).
        g3::AmountType3ChoiceChoice::EqvtAmt(_) => return None,
    };
    out.exchange = match xchg_rate_inf {
        Some(x) => {
            let g3::ExchangeRateInformation1 { xchg_rate, rate_tp, ctrct_id } = x;
            let here = at.at("XchgRateInf");
            exchange(xchg_rate, rate_tp, ctrct_id, &here, sink)?
        }
        None => None,
    };
    let bearer = opt!(chrg_br, c => ChargeBearer::from_iso_code(c.as_str())?);
    sink.lost_opt(at, "ChqInstr", chq_instr.as_deref());
    let ultimate_debtor = opt_party(ultmt_dbtr, at, "UltmtDbtr", sink)?;
    own_or_batch(out, defaults, last, bearer, ultimate_debtor);
    out.intermediary_agents = super::shared::intermediaries(
        [(intrmy_agt1, intrmy_agt1_acct), (intrmy_agt2, intrmy_agt2_acct), (intrmy_agt3, intrmy_agt3_acct)],
        at,
        sink,
        agent,
    )?;
    put(cdtr_agt, at, "CdtrAgt", sink, &mut out.creditor_agent, agent)?;
    sink.lost_opt(at, "CdtrAgtAcct", cdtr_agt_acct.as_deref());
    out.creditor = opt_party(cdtr, at, "Cdtr", sink)?.unwrap_or_default();
    put(cdtr_acct, at, "CdtrAcct", sink, &mut out.creditor_account, account)?;
    put(ultmt_cdtr, at, "UltmtCdtr", sink, &mut out.ultimate_creditor, party)?;
    out.instructions_for_creditor_agent = instructions_for_creditor_agent(instr_for_cdtr_agt)?;
    sink.lost_opt_s(at, "InstrForDbtrAgt", instr_for_dbtr_agt.as_ref());
    out.purpose =
        opt!(purp, p => code_or_prop!(p.choice, g3::Purpose2ChoiceChoice, payglot_core_model::Purpose::parse));
    out.regulatory_reporting = regulatory(rgltry_rptg, at, sink)?;
    sink.lost_opt(at, "Tax", tax.as_deref());
    sink.lost_many(at, "RltdRmtInf", &rltd_rmt_inf);
    out.remittance = opt!(rmt_inf, r => remittance(r, &at.at("RmtInf"), sink)?);
    take_debtor(out, defaults, last);
    Some(())
}

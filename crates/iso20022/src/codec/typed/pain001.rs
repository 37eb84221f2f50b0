//! pain.001.001.09 → `PaymentInitiation`, from the typed Document (see `super`); the tree
//! path's `codec::pain001::decode` is the reference this follows field by field (batch-level
//! debtor data copied onto each transfer, the last one taking it).

use payglot_core_model::message::{GroupHeader, PaymentBatch, PaymentInitiation, PaymentMethod};
use payglot_core_model::transfer::{ChargeBearer, CreditTransfer, Exchange, PaymentIds, PaymentType};
use payglot_core_model::{DateOrDateTime, Loss, Message, MessageId};
use rust_decimal::Decimal;

use super::shared::{opt, shared_2019, shared_2019_transfer};
use super::{At, Sink, check_count, check_sum, datetime, id, put};
use crate::generated::pain_001_001_09 as g9;

shared_2019!(mapping, crate::generated::pain_001_001_09);
shared_2019_transfer!(transfer_mapping, mapping, crate::generated::pain_001_001_09);
use mapping::{account, agent, intermediaries, opt_party, party, payment_type};
use transfer_mapping::{instructions_for_creditor_agent, transaction_tail};

const DOCUMENT: At<'static> = At::root("Document");

pub(crate) fn decode(document: g9::Document, sink: &mut Sink) -> Option<Message> {
    let g9::Document { cstmr_cdt_trf_initn } = document;
    let root = DOCUMENT.at("CstmrCdtTrfInitn");
    let g9::CustomerCreditTransferInitiationV09 { grp_hdr, pmt_inf, splmtry_data } = cstmr_cdt_trf_initn;
    let g9::GroupHeader85 { msg_id, cre_dt_tm, authstn, nb_of_txs, ctrl_sum, initg_pty, fwdg_agt } = grp_hdr;
    let h = root.at("GrpHdr");
    let message_id: MessageId = id!(msg_id);
    let mut header = GroupHeader::new(message_id, datetime(cre_dt_tm)?);
    sink.lost_many(&h, "Authstn", &authstn);
    let totals_at = sink.losses.len();
    header.initiating_party = Some(party(initg_pty, &h.at("InitgPty"), sink)?);
    put(fwdg_agt, &h, "FwdgAgt", sink, &mut header.forwarding_agent, agent)?;
    let batches = sink.each(&root, "PmtInf", pmt_inf, batch)?;
    sink.lost_many(&root, "SplmtryData", &splmtry_data);
    let transfers: Vec<&CreditTransfer> = batches.iter().flat_map(|b| &b.transfers).collect();
    let notes = totals(&h, Some(nb_of_txs.as_str()), ctrl_sum.map(|c| c.value()), &transfers);
    sink.losses.splice(totals_at..totals_at, notes);
    Some(Message::PaymentInitiation(PaymentInitiation { header, batches }))
}

/// The tree path's `check_totals` of a group (`NbOfTxs`, `CtrlSum`) as its approximations.
pub(crate) fn totals(
    at: &At<'_>,
    count: Option<&str>,
    sum: Option<Decimal>,
    transfers: &[&CreditTransfer],
) -> Vec<Loss> {
    let total: Decimal = transfers.iter().filter_map(|t| t.amount()).map(|m| m.amount()).sum();
    let mut notes = Vec::new();
    if let Some(detail) = count.and_then(|c| check_count(c, transfers.len())) {
        notes.push(Loss::approximated(at.at("NbOfTxs").path(), detail));
    }
    if let Some(detail) = sum.and_then(|s| check_sum("CtrlSum", s, total)) {
        notes.push(Loss::approximated(at.at("CtrlSum").path(), detail));
    }
    notes
}

/// Batch-level values every transfer of a batch inherits.
pub(crate) struct BatchDefaults {
    pub(crate) payment_type: Option<PaymentType>,
    pub(crate) requested_execution: Option<DateOrDateTime>,
    pub(crate) debtor: payglot_core_model::Party,
    pub(crate) debtor_account: Option<payglot_core_model::Account>,
    pub(crate) debtor_agent: Option<payglot_core_model::Agent>,
    pub(crate) ultimate_debtor: Option<payglot_core_model::Party>,
    pub(crate) charge_bearer: Option<ChargeBearer>,
}

/// A copy of a batch-level value, or the value itself for the batch's `last` transfer.
pub(crate) fn inherit<T: Clone + Default>(value: &mut T, last: bool) -> T {
    if last { std::mem::take(value) } else { value.clone() }
}

/// A batch's payment method (`TRF` when not `CHK` or `TRA`, as the tree path reads it).
pub(crate) fn method(code: &str) -> PaymentMethod {
    match code {
        "CHK" => PaymentMethod::Cheque,
        "TRA" => PaymentMethod::TransferAdvice,
        _ => PaymentMethod::Transfer,
    }
}

/// An exchange-rate block at `here`: the rate with its type and contract; without a rate the
/// tree path reads neither of those, so they are lost.
pub(crate) fn exchange(
    xchg_rate: Option<crate::generated::common::BaseOneRate>,
    rate_tp: Option<crate::generated::common::ExchangeRateType1Code>,
    ctrct_id: Option<crate::generated::common::Max35Text>,
    here: &At<'_>,
    sink: &mut Sink,
) -> Option<Option<Exchange>> {
    Some(match xchg_rate {
        Some(rate) => Some(Exchange {
            rate: rate.value(),
            rate_type: opt!(rate_tp, r => super::shared::code(r.as_str())?),
            contract_id: opt!(ctrct_id, c => super::text!(c)),
        }),
        None => {
            sink.lost_opt_s(here, "RateTp", rate_tp.as_ref());
            sink.lost_opt_s(here, "CtrctId", ctrct_id.as_ref());
            None
        }
    })
}

/// A batch's transfers (each mapped by `transfer`, the last one taking the batch's values)
/// and the approximations of its stated count and sum, placed at `totals_at`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn transfers<T>(
    transactions: Vec<T>,
    defaults: &mut BatchDefaults,
    count: Option<&str>,
    sum: Option<Decimal>,
    totals_at: usize,
    at: &At<'_>,
    sink: &mut Sink,
    mut transfer: impl FnMut(T, &mut BatchDefaults, bool, &At<'_>, &mut Sink, &mut Vec<CreditTransfer>) -> Option<()>,
) -> Option<Vec<CreditTransfer>> {
    let len = transactions.len();
    let mut out = Vec::with_capacity(len);
    for (i, t) in transactions.into_iter().enumerate() {
        transfer(t, defaults, i + 1 == len, &at.item("CdtTrfTxInf", i, len), sink, &mut out)?;
    }
    let refs: Vec<&CreditTransfer> = out.iter().collect();
    let notes = totals(at, count, sum, &refs);
    sink.losses.splice(totals_at..totals_at, notes);
    Some(out)
}

/// A transfer's own charge bearer and ultimate debtor, or the batch's.
pub(crate) fn own_or_batch(
    out: &mut CreditTransfer,
    defaults: &mut BatchDefaults,
    last: bool,
    bearer: Option<ChargeBearer>,
    ultimate_debtor: Option<payglot_core_model::Party>,
) {
    out.charge_bearer = bearer.or(defaults.charge_bearer);
    out.ultimate_debtor = match ultimate_debtor {
        Some(own) => Some(own),
        None => inherit(&mut defaults.ultimate_debtor, last),
    };
}

/// The batch-level debtor values a transfer takes (a copy, or the values for the `last`).
pub(crate) fn take_debtor(out: &mut CreditTransfer, defaults: &mut BatchDefaults, last: bool) {
    out.debtor = inherit(&mut defaults.debtor, last);
    out.requested_execution = defaults.requested_execution;
    out.debtor_account = inherit(&mut defaults.debtor_account, last);
    out.debtor_agent = inherit(&mut defaults.debtor_agent, last);
}

fn batch(b: g9::PaymentInstruction30, at: &At<'_>, sink: &mut Sink) -> Option<PaymentBatch> {
    let g9::PaymentInstruction30 {
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
        instr_for_dbtr_agt,
        ultmt_dbtr,
        chrg_br,
        chrgs_acct,
        chrgs_acct_agt,
        cdt_trf_tx_inf,
    } = b;
    let id = id!(pmt_inf_id);
    let method = method(pmt_mtd.as_str());
    let totals_at = sink.losses.len();
    let payment_type = opt!(pmt_tp_inf, p => own_payment_type(p)?);
    let requested_execution = Some(match reqd_exctn_dt {
        g9::DateAndDateTime2Choice::Dt(d) => DateOrDateTime::Date(super::date(d)?),
        g9::DateAndDateTime2Choice::DtTm(t) => DateOrDateTime::DateTime(datetime(t)?),
    });
    sink.lost_opt_s(at, "PoolgAdjstmntDt", poolg_adjstmnt_dt.as_ref());
    let debtor = party(dbtr, &at.at("Dbtr"), sink)?;
    let debtor_account = Some(account(dbtr_acct, &at.at("DbtrAcct"), sink)?);
    let debtor_agent = Some(agent(dbtr_agt, &at.at("DbtrAgt"), sink)?);
    sink.lost_opt(at, "DbtrAgtAcct", dbtr_agt_acct.as_deref());
    sink.lost_opt_s(at, "InstrForDbtrAgt", instr_for_dbtr_agt.as_ref());
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

fn own_payment_type(p: g9::PaymentTypeInformation26) -> Option<PaymentType> {
    let g9::PaymentTypeInformation26 { instr_prty, svc_lvl, lcl_instrm, ctgy_purp } = p;
    payment_type(instr_prty, None, svc_lvl, lcl_instrm, ctgy_purp)
}

fn transfer(
    t: g9::CreditTransferTransaction34,
    defaults: &mut BatchDefaults,
    last: bool,
    at: &At<'_>,
    sink: &mut Sink,
    transfers: &mut Vec<CreditTransfer>,
) -> Option<()> {
    let g9::CreditTransferTransaction34 {
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
        splmtry_data,
    } = t;
    let g9::PaymentIdentification6 { instr_id, end_to_end_id, uetr } = pmt_id;
    let ids = PaymentIds {
        instruction_id: opt!(instr_id, i => id!(i)),
        end_to_end_id: id!(end_to_end_id),
        transaction_id: None,
        uetr: opt!(uetr, u => payglot_core_model::Uetr::parse(u.as_str()).ok()?),
        clearing_system_reference: None,
    };
    // Built in place in the batch's vector (a transfer is large: no move of the finished one).
    let out = super::shared::push_transfer(transfers, ids)?;
    out.payment_type = match pmt_tp_inf {
        Some(p) => Some(own_payment_type(p)?),
        None => inherit(&mut defaults.payment_type, last),
    };
    out.instructed_amount = match amt {
        g9::AmountType4Choice::InstdAmt(m) => Some(super::shared::amount(&m)?),
        // An equivalent amount is refused by the tree path (no instructed amount).
        g9::AmountType4Choice::EqvtAmt(_) => return None,
    };
    out.exchange = match xchg_rate_inf {
        Some(x) => {
            let g9::ExchangeRate1 { unit_ccy, xchg_rate, rate_tp, ctrct_id } = x;
            let here = at.at("XchgRateInf");
            sink.lost_opt_s(&here, "UnitCcy", unit_ccy.as_ref());
            exchange(xchg_rate, rate_tp, ctrct_id, &here, sink)?
        }
        None => None,
    };
    let bearer = opt!(chrg_br, c => ChargeBearer::from_iso_code(c.as_str())?);
    sink.lost_opt(at, "ChqInstr", chq_instr.as_deref());
    let ultimate_debtor = opt_party(ultmt_dbtr, at, "UltmtDbtr", sink)?;
    own_or_batch(out, defaults, last, bearer, ultimate_debtor);
    out.intermediary_agents = intermediaries(
        [(intrmy_agt1, intrmy_agt1_acct), (intrmy_agt2, intrmy_agt2_acct), (intrmy_agt3, intrmy_agt3_acct)],
        at,
        sink,
    )?;
    put(cdtr_agt, at, "CdtrAgt", sink, &mut out.creditor_agent, agent)?;
    sink.lost_opt(at, "CdtrAgtAcct", cdtr_agt_acct.as_deref());
    out.creditor = opt_party(cdtr, at, "Cdtr", sink)?.unwrap_or_default();
    put(cdtr_acct, at, "CdtrAcct", sink, &mut out.creditor_account, account)?;
    put(ultmt_cdtr, at, "UltmtCdtr", sink, &mut out.ultimate_creditor, party)?;
    out.instructions_for_creditor_agent = instructions_for_creditor_agent(instr_for_cdtr_agt)?;
    sink.lost_opt_s(at, "InstrForDbtrAgt", instr_for_dbtr_agt.as_ref());
    transaction_tail(out, purp, rgltry_rptg, tax, rltd_rmt_inf, rmt_inf, splmtry_data, at, sink)?;
    take_debtor(out, defaults, last);
    Some(())
}

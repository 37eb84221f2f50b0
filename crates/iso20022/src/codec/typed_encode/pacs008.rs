//! pacs.008.001.08 by typed construction: `InterbankTransfer` → the generated `Document`, with
//! the losses and errors of `codec::pacs008::encode`, in its order.

use std::fmt::Display;

use payglot_core_model::message::InterbankTransfer;
use payglot_core_model::transfer::{CreditTransfer, PaymentType, Priority};
use payglot_core_model::{EncodeError, Loss};

use super::pacs_008_001_08::{
    CreditorSide, agent, creditor_side, header_agents, intermediaries, opt_account, opt_agent, opt_party, party,
    payment_type_codes,
};
use super::{FieldPath, R, date, date_time, decimal, leaf, money, opt_leaf, opt_money, shown, text};
use crate::codec::common::Out;
use crate::codec::typed::Held;
use crate::generated::pacs_008_001_08 as g;

interbank_settlement!();

/// The Document for `m`.
pub(super) fn document(out: &mut Out, m: &InterbankTransfer) -> R<g::Document> {
    if m.transfers.is_empty() {
        return Err(EncodeError::unrepresentable(
            "/message/interbank_transfer/transfers",
            "pacs.008 needs at least one transfer",
        ));
    }
    let base = "/message/interbank_transfer";
    let hp = FieldPath(&base, "header");
    let mut grp_hdr = g::GroupHeader93 {
        msg_id: leaf(m.header.message_id.as_str(), "MsgId", &FieldPath(&hp, "message_id"))?,
        cre_dt_tm: date_time(&m.header.created, "CreDtTm", &FieldPath(&hp, "created"))?,
        btch_bookg: None,
        nb_of_txs: shown(&m.transfers.len(), "NbOfTxs", &FieldPath(&base, "transfers"))?,
        ctrl_sum: None,
        ttl_intr_bk_sttlm_amt: None,
        intr_bk_sttlm_dt: m
            .settlement_date
            .map(|d| date(&d, "IntrBkSttlmDt", &FieldPath(&base, "settlement_date")))
            .transpose()?,
        sttlm_inf: settlement(out, &m.settlement, &FieldPath(&base, "settlement"))?,
        pmt_tp_inf: None,
        instg_agt: None,
        instd_agt: None,
    };
    (grp_hdr.instg_agt, grp_hdr.instd_agt) = header_agents(out, &m.header, base)?;
    let mut cdt_trf_tx_inf = Vec::with_capacity(m.transfers.len());
    for (i, t) in m.transfers.iter().enumerate() {
        cdt_trf_tx_inf.push(transfer(out, t, &format_args!("{base}/transfers/{i}"))?);
    }
    Ok(g::Document {
        fi_to_fi_cstmr_cdt_trf: g::FIToFICustomerCreditTransferV08 {
            grp_hdr,
            cdt_trf_tx_inf,
            splmtry_data: Vec::new(),
        },
    })
}

/// `PmtTpInf` of an interbank transfer (`Out::payment_type` with `interbank`).
fn payment_type(pt: &PaymentType, path: &dyn Display) -> R<g::PaymentTypeInformation28> {
    let (svc_lvl, lcl_instrm, ctgy_purp) = payment_type_codes(pt, path)?;
    Ok(g::PaymentTypeInformation28 {
        instr_prty: pt
            .instruction_priority
            .map(|p| leaf(if p == Priority::High { "HIGH" } else { "NORM" }, "InstrPrty", path))
            .transpose()?,
        clr_chanl: text(pt.clearing_channel.as_ref(), "ClrChanl", path)?,
        svc_lvl,
        lcl_instrm,
        ctgy_purp,
    })
}

fn required<'a, T>(v: Option<&'a T>, path: &dyn Display, field: &str, what: &str) -> R<&'a T> {
    v.ok_or_else(|| EncodeError::unrepresentable(format!("{path}/{field}"), format!("pacs.008 requires {what}")))
}

fn transfer(out: &mut Out, t: &CreditTransfer, path: &dyn Display) -> R<g::CreditTransferTransaction39> {
    let ids = FieldPath(path, "ids");
    let pmt_id = g::PaymentIdentification7 {
        instr_id: opt_leaf(t.ids.instruction_id.as_ref().map(|i| i.as_str()), "InstrId", &ids)?,
        end_to_end_id: leaf(t.ids.end_to_end_id.as_str(), "EndToEndId", &ids)?,
        tx_id: opt_leaf(t.ids.transaction_id.as_ref().map(|i| i.as_str()), "TxId", &ids)?,
        uetr: t.ids.uetr.map(|u| shown(&u, "UETR", &ids)).transpose()?,
        clr_sys_ref: text(t.ids.clearing_system_reference.as_ref(), "ClrSysRef", &ids)?,
    };
    let pmt_tp_inf = t
        .payment_type
        .as_ref()
        .map(|pt| payment_type(pt, &FieldPath(path, "payment_type")).map(Held::hold))
        .transpose()?;
    let settlement = required(
        t.settlement_amount.as_ref().or(t.instructed_amount.as_ref()),
        path,
        "settlement_amount",
        "an interbank settlement amount",
    )?;
    if t.settlement_amount.is_none() {
        out.losses.push(Loss::approximated(
            format!("{path}/instructed_amount"),
            "no settlement amount: the instructed amount is written as the interbank settlement amount",
        ));
    }
    let intr_bk_sttlm_amt = money(settlement, "IntrBkSttlmAmt", &FieldPath(path, "settlement_amount"))?;
    let intr_bk_sttlm_dt =
        t.settlement_date.map(|d| date(&d, "IntrBkSttlmDt", &FieldPath(path, "settlement_date"))).transpose()?;
    let accptnc_dt_tm =
        t.acceptance_time.map(|d| date_time(&d, "AccptncDtTm", &FieldPath(path, "acceptance_time"))).transpose()?;
    let instd_amt = if t.settlement_amount.is_some() {
        opt_money(t.instructed_amount.as_ref(), "InstdAmt", &FieldPath(path, "instructed_amount"))?
    } else {
        None
    };
    let xchg_rate = match &t.exchange {
        Some(x) => {
            let rate = decimal(x.rate, g::BaseOneRate::new, "XchgRate", &FieldPath(path, "exchange/rate"))?;
            out.drop_if(x.rate_type.is_some(), format_args!("{path}/exchange/rate_type"), "an exchange rate type");
            out.drop_if(
                x.contract_id.is_some(),
                format_args!("{path}/exchange/contract_id"),
                "an exchange contract id",
            );
            Some(rate)
        }
        None => None,
    };
    let bearer = required(t.charge_bearer.as_ref(), path, "charge_bearer", "a charge bearer")?;
    let chrg_br = leaf(bearer.iso_code(), "ChrgBr", &FieldPath(path, "charge_bearer"))?;
    let mut chrgs_inf = Vec::with_capacity(t.charges.len());
    for (i, charge) in t.charges.iter().enumerate() {
        chrgs_inf.push(g::Charges7 {
            amt: money(&charge.amount, "Amt", &format_args!("{path}/charges/{i}/amount"))?,
            agt: agent(out, &format_args!("{path}/charges/{i}/agent"), &charge.agent)?,
        });
    }
    let instg_agt = opt_agent(out, &FieldPath(path, "instructing_agent"), t.instructing_agent.as_ref())?;
    let instd_agt = opt_agent(out, &FieldPath(path, "instructed_agent"), t.instructed_agent.as_ref())?;
    let [intrmy_agt1, intrmy_agt2, intrmy_agt3] = intermediaries(out, path, &t.intermediary_agents)?;
    let ultmt_dbtr = opt_party(out, &FieldPath(path, "ultimate_debtor"), t.ultimate_debtor.as_ref())?;
    let initg_pty = opt_party(out, &FieldPath(path, "initiating_party"), t.initiating_party.as_ref())?;
    let dbtr = party(out, &FieldPath(path, "debtor"), &t.debtor)?;
    let dbtr_acct = opt_account(out, &FieldPath(path, "debtor_account"), t.debtor_account.as_ref())?;
    let dbtr_agt = agent(
        out,
        &FieldPath(path, "debtor_agent"),
        required(t.debtor_agent.as_ref(), path, "debtor_agent", "a debtor agent")?,
    )?;
    let cdtr_agt = agent(
        out,
        &FieldPath(path, "creditor_agent"),
        required(t.creditor_agent.as_ref(), path, "creditor_agent", "a creditor agent")?,
    )?;
    let cdtr = party(out, &FieldPath(path, "creditor"), &t.creditor)?;
    let CreditorSide { cdtr_acct, ultmt_cdtr, instr_for_cdtr_agt, purp, rgltry_rptg, rmt_inf } =
        creditor_side(out, t, path)?;
    crate::codec::pacs008::transfer_losses(out, t, format_args!("{path}"));
    Ok(g::CreditTransferTransaction39 {
        pmt_id,
        pmt_tp_inf,
        intr_bk_sttlm_amt,
        intr_bk_sttlm_dt,
        sttlm_prty: None,
        sttlm_tm_indctn: None,
        sttlm_tm_req: None,
        accptnc_dt_tm,
        poolg_adjstmnt_dt: None,
        instd_amt,
        xchg_rate,
        chrg_br,
        chrgs_inf,
        prvs_instg_agt1: None,
        prvs_instg_agt1_acct: None,
        prvs_instg_agt2: None,
        prvs_instg_agt2_acct: None,
        prvs_instg_agt3: None,
        prvs_instg_agt3_acct: None,
        instg_agt,
        instd_agt,
        intrmy_agt1,
        intrmy_agt1_acct: None,
        intrmy_agt2,
        intrmy_agt2_acct: None,
        intrmy_agt3,
        intrmy_agt3_acct: None,
        ultmt_dbtr,
        initg_pty,
        dbtr,
        dbtr_acct,
        dbtr_agt,
        dbtr_agt_acct: None,
        cdtr_agt,
        cdtr_agt_acct: None,
        cdtr,
        cdtr_acct,
        ultmt_cdtr,
        instr_for_cdtr_agt,
        instr_for_nxt_agt: Vec::new(),
        purp,
        rgltry_rptg,
        tax: None,
        rltd_rmt_inf: Vec::new(),
        rmt_inf,
        splmtry_data: Vec::new(),
    })
}

//! pain.001 by typed construction: `PaymentInitiation` → the generated `Document` of
//! pain.001.001.09 or pain.001.001.03, with the losses and errors of `codec::pain001::encode`, in
//! its order (the batch analysis is `codec::pain001::plan`, shared with it). One body for both
//! versions (`pain001!`); what differs — the Document's shape, the payment type, the execution
//! date, the ids, the amount and exchange rate — is each version's `hooks`.

/// The typed pain.001 encoder for generated module `$g` (with the era builders of that name), in a
/// module `$name` whose `hooks` module gives the version's own pieces.
macro_rules! pain001 {
    (
        $name:ident, $g:ident,
        types: $grp_hdr:ident, $batch:ident, $transfer:ident, $payment_type:ident,
        batch_extra: { $($batch_extra:tt)* },
        transfer_extra: { $($transfer_extra:tt)* },
    ) => {
        pub(super) mod $name {
        use std::fmt::Display;

        use payglot_core_model::message::{PaymentBatch, PaymentInitiation};
        use payglot_core_model::transfer::{CreditTransfer, PaymentType};
        use payglot_core_model::{EncodeError, Loss, Party};

        use super::super::$g::{
            CreditorSide, account, agent, creditor_side, intermediaries, opt_agent, opt_party, party,
        };
        use super::super::{FieldPath, R, date_time, decimal, leaf, money, opt_leaf, shown};
        use super::hooks_of::$name as hooks;
        use crate::codec::common::Out;
        use crate::codec::typed::Held;
        use crate::codec::pain001::{PerTransaction, control_sum, method_code, plan};
        use crate::generated::$g as g;

        /// The Document for `m`.
        pub(in crate::codec::typed_encode) fn document(out: &mut Out, m: &PaymentInitiation) -> R<g::Document> {
            if m.batches.is_empty() || m.batches.iter().any(|b| b.transfers.is_empty()) {
                return Err(EncodeError::unrepresentable(
                    "/message/payment_initiation/batches",
                    "pain.001 needs at least one batch, each with at least one transfer",
                ));
            }
            let hp = "/message/payment_initiation/header";
            let count = m.batches.iter().map(|b| b.transfers.len()).sum::<usize>();
            let default_party;
            let initiating = match &m.header.initiating_party {
                Some(p) => p,
                None => {
                    default_party = Party::default();
                    &default_party
                }
            };
            let grp_hdr = g::$grp_hdr {
                msg_id: leaf(m.header.message_id.as_str(), "MsgId", &FieldPath(&hp, "message_id"))?,
                cre_dt_tm: date_time(&m.header.created, "CreDtTm", &FieldPath(&hp, "created"))?,
                authstn: Vec::new(),
                nb_of_txs: shown(&count, "NbOfTxs", &"/message/payment_initiation/batches")?,
                ctrl_sum: Some(decimal(
                    control_sum(m.transfers()),
                    g::DecimalNumber::new,
                    "CtrlSum",
                    &"/message/payment_initiation/batches",
                )?),
                initg_pty: party(out, &FieldPath(&hp, "initiating_party"), initiating)?,
                fwdg_agt: opt_agent(out, &FieldPath(&hp, "forwarding_agent"), m.header.forwarding_agent.as_ref())?,
            };
            crate::codec::header_losses(out, &m.header, format_args!("{hp}"), &["initiating_party", "forwarding_agent"]);
            let mut pmt_inf = Vec::with_capacity(m.batches.len());
            for (i, batch) in m.batches.iter().enumerate() {
                pmt_inf.push(payment_batch(out, batch, i)?);
            }
            Ok(hooks::document(grp_hdr, pmt_inf))
        }

        fn opt_payment_type<H: Held<g::$payment_type>>(
            out: &mut Out,
            pt: Option<&PaymentType>,
            path: &dyn Display,
        ) -> R<Option<H>> {
            pt.map(|pt| hooks::payment_type(out, pt, path).map(Held::hold)).transpose()
        }

        fn payment_batch(out: &mut Out, batch: &PaymentBatch, index: usize) -> R<g::$batch> {
            let path = format_args!("/message/payment_initiation/batches/{index}");
            let ts = &batch.transfers;
            let plan = plan(batch, out.era, path)?;
            let bp = FieldPath(&path, "id");
            let pmt_inf_id = leaf(batch.id.as_str(), "PmtInfId", &bp)?;
            let pmt_mtd = leaf(method_code(batch.method), "PmtMtd", &bp)?;
            let pmt_tp_inf = if plan.payment_type {
                let first = ts.first().and_then(|t| t.payment_type.as_ref());
                let built = opt_payment_type(out, first, &format_args!("{path}/transfers/0/payment_type"))?;
                for (i, t) in ts.iter().enumerate().skip(1) {
                    if let Some(pt) = &t.payment_type {
                        out.payment_type_losses(format_args!("{path}/transfers/{i}/payment_type"), pt);
                    }
                }
                built
            } else {
                None
            };
            let first = format_args!("{path}/transfers/0");
            let Some(execution) = plan.execution else {
                return Err(EncodeError::unrepresentable(
                    format!("{first}/requested_execution"),
                    "pain.001 requires a requested execution date",
                ));
            };
            let reqd_exctn_dt = hooks::execution(out, execution, &FieldPath(&first, "requested_execution"))?;
            let dbtr = party(out, &FieldPath(&first, "debtor"), plan.debtor)?;
            let dbtr_acct = match plan.debtor_account {
                Some(a) => account(out, &FieldPath(&first, "debtor_account"), a)?,
                None => {
                    return Err(EncodeError::unrepresentable(
                        format!("{first}/debtor_account"),
                        "pain.001 requires a debtor account",
                    ));
                }
            };
            let dbtr_agt = match plan.debtor_agent {
                Some(a) => agent(out, &FieldPath(&first, "debtor_agent"), a)?,
                None => {
                    return Err(EncodeError::unrepresentable(
                        format!("{first}/debtor_agent"),
                        "pain.001 requires a debtor agent",
                    ));
                }
            };
            let ultmt_dbtr =
                opt_party(out, &FieldPath(&first, "ultimate_debtor"), plan.ultimate_debtor.and_then(Option::as_ref))?;
            let chrg_br = opt_leaf(
                plan.charge_bearer.copied().flatten().map(|b| b.iso_code()),
                "ChrgBr",
                &FieldPath(&first, "charge_bearer"),
            )?;
            let per_tx = plan.per_transaction();
            let mut cdt_trf_tx_inf = Vec::with_capacity(ts.len());
            for (i, t) in ts.iter().enumerate() {
                cdt_trf_tx_inf.push(transfer(out, t, &format_args!("{path}/transfers/{i}"), per_tx)?);
            }
            Ok(g::$batch {
                pmt_inf_id,
                pmt_mtd,
                btch_bookg: batch.batch_booking,
                nb_of_txs: Some(shown(&ts.len(), "NbOfTxs", &FieldPath(&path, "transfers"))?),
                ctrl_sum: Some(decimal(control_sum(ts), g::DecimalNumber::new, "CtrlSum", &FieldPath(&path, "transfers"))?),
                pmt_tp_inf,
                reqd_exctn_dt,
                poolg_adjstmnt_dt: None,
                dbtr,
                dbtr_acct,
                dbtr_agt,
                dbtr_agt_acct: None,
                $($batch_extra)*
                ultmt_dbtr,
                chrg_br,
                chrgs_acct: None,
                chrgs_acct_agt: None,
                cdt_trf_tx_inf,
            })
        }

        fn transfer(
            out: &mut Out,
            t: &CreditTransfer,
            path: &dyn Display,
            per_tx: PerTransaction,
        ) -> R<g::$transfer> {
            let pmt_id = hooks::ids(out, t, path)?;
            crate::codec::pain001::id_losses(out, t, format_args!("{path}"));
            let pmt_tp_inf = if per_tx.payment_type {
                opt_payment_type(out, t.payment_type.as_ref(), &FieldPath(path, "payment_type"))?
            } else {
                None
            };
            let amount = match (&t.instructed_amount, &t.settlement_amount) {
                (Some(amount), _) => amount,
                (None, Some(amount)) => {
                    // The settlement amount stands in; pain.001 has no other amount.
                    out.losses.push(Loss::approximated(
                        format!("{path}/settlement_amount"),
                        "pain.001 has no settlement amount; written as the instructed amount",
                    ));
                    amount
                }
                (None, None) => {
                    return Err(EncodeError::unrepresentable(
                        format!("{path}/instructed_amount"),
                        format!(
                            "the written document would be invalid: {}: Amt needs an instructed amount",
                            crate::rt::Rule::MissingElement
                        ),
                    ));
                }
            };
            let amt = hooks::amount(money(amount, "InstdAmt", &FieldPath(path, "instructed_amount"))?);
            if t.instructed_amount.is_some() {
                out.drop_if(
                    t.settlement_amount.is_some(),
                    format_args!("{path}/settlement_amount"),
                    "an interbank settlement amount",
                );
            }
            let xchg_rate_inf = t.exchange.as_ref().map(|x| hooks::exchange(x, &FieldPath(path, "exchange")).map(Held::hold)).transpose()?;
            let chrg_br = if per_tx.charge_bearer {
                opt_leaf(t.charge_bearer.map(|b| b.iso_code()), "ChrgBr", &FieldPath(path, "charge_bearer"))?
            } else {
                None
            };
            let ultmt_dbtr = if per_tx.ultimate_debtor {
                opt_party(out, &FieldPath(path, "ultimate_debtor"), t.ultimate_debtor.as_ref())?
            } else {
                None
            };
            let [intrmy_agt1, intrmy_agt2, intrmy_agt3] = intermediaries(out, path, &t.intermediary_agents)?;
            let cdtr_agt = opt_agent(out, &FieldPath(path, "creditor_agent"), t.creditor_agent.as_ref())?;
            let cdtr = if t.creditor != Party::default() {
                Some(Held::hold(party(out, &FieldPath(path, "creditor"), &t.creditor)?))
            } else {
                None
            };
            let CreditorSide { cdtr_acct, ultmt_cdtr, instr_for_cdtr_agt, purp, rgltry_rptg, rmt_inf } =
                creditor_side(out, t, path)?;
            crate::codec::pain001::transfer_losses(out, t, format_args!("{path}"));
            Ok(g::$transfer {
                pmt_id,
                pmt_tp_inf,
                amt,
                xchg_rate_inf,
                chrg_br,
                chq_instr: None,
                ultmt_dbtr,
                intrmy_agt1,
                intrmy_agt1_acct: None,
                intrmy_agt2,
                intrmy_agt2_acct: None,
                intrmy_agt3,
                intrmy_agt3_acct: None,
                cdtr_agt,
                cdtr_agt_acct: None,
                cdtr,
                cdtr_acct,
                ultmt_cdtr,
                instr_for_cdtr_agt,
                instr_for_dbtr_agt: None,
                purp,
                rgltry_rptg,
                tax: None,
                rltd_rmt_inf: Vec::new(),
                rmt_inf,
                $($transfer_extra)*
            })
        }
        }
    };
}

/// Each version's own pieces of the pain.001 body.
mod hooks_of {
    #[cfg(feature = "pain_001_001_09")]
    pub(super) mod v09 {
        use std::fmt::Display;

        use payglot_core_model::DateOrDateTime;
        use payglot_core_model::transfer::{CreditTransfer, Exchange, PaymentType, Priority};

        use crate::codec::common::Out;
        use crate::codec::typed_encode::pain_001_001_09::payment_type_codes;
        use crate::codec::typed_encode::{FieldPath, R, date, date_time, decimal, leaf, opt_leaf, shown, text};
        use crate::generated::common::ActiveOrHistoricCurrencyAndAmount;
        use crate::generated::pain_001_001_09 as g;

        pub(crate) fn document(grp_hdr: g::GroupHeader85, pmt_inf: Vec<g::PaymentInstruction30>) -> g::Document {
            g::Document {
                cstmr_cdt_trf_initn: g::CustomerCreditTransferInitiationV09 {
                    grp_hdr,
                    pmt_inf,
                    splmtry_data: Vec::new(),
                },
            }
        }

        /// `PmtTpInf` of a customer transfer (`Out::payment_type` without `interbank`), with its losses.
        pub(crate) fn payment_type(
            out: &mut Out,
            pt: &PaymentType,
            path: &dyn Display,
        ) -> R<g::PaymentTypeInformation26> {
            let (svc_lvl, lcl_instrm, ctgy_purp) = payment_type_codes(pt, path)?;
            let built = g::PaymentTypeInformation26 {
                instr_prty: pt
                    .instruction_priority
                    .map(|p| leaf(if p == Priority::High { "HIGH" } else { "NORM" }, "InstrPrty", path))
                    .transpose()?,
                svc_lvl,
                lcl_instrm,
                ctgy_purp,
            };
            out.payment_type_losses(format_args!("{path}"), pt);
            Ok(built)
        }

        /// `ReqdExctnDt`: a date or a date-time.
        pub(crate) fn execution(_: &mut Out, e: &DateOrDateTime, path: &dyn Display) -> R<g::DateAndDateTime2Choice> {
            Ok(match e {
                DateOrDateTime::Date(d) => g::DateAndDateTime2Choice::Dt(date(d, "ReqdExctnDt", path)?),
                DateOrDateTime::DateTime(t) => g::DateAndDateTime2Choice::DtTm(date_time(t, "ReqdExctnDt", path)?),
            })
        }

        pub(crate) fn ids(_: &mut Out, t: &CreditTransfer, path: &dyn Display) -> R<g::PaymentIdentification6> {
            let ids = FieldPath(path, "ids");
            Ok(g::PaymentIdentification6 {
                instr_id: opt_leaf(t.ids.instruction_id.as_ref().map(|i| i.as_str()), "InstrId", &ids)?,
                end_to_end_id: leaf(t.ids.end_to_end_id.as_str(), "EndToEndId", &ids)?,
                uetr: t.ids.uetr.map(|u| shown(&u, "UETR", &ids)).transpose()?,
            })
        }

        pub(crate) fn amount(m: ActiveOrHistoricCurrencyAndAmount) -> g::AmountType4Choice {
            g::AmountType4Choice::InstdAmt(m)
        }

        pub(crate) fn exchange(x: &Exchange, p: &dyn Display) -> R<g::ExchangeRate1> {
            Ok(g::ExchangeRate1 {
                unit_ccy: None,
                xchg_rate: Some(decimal(x.rate, g::BaseOneRate::new, "XchgRate", p)?),
                rate_tp: text(x.rate_type.as_ref(), "RateTp", p)?,
                ctrct_id: text(x.contract_id.as_ref(), "CtrctId", p)?,
            })
        }
    }

    #[cfg(feature = "pain_001_001_03")]
    pub(super) mod v03 {
        use std::fmt::Display;

        use payglot_core_model::transfer::{CreditTransfer, Exchange, PaymentType, Priority};
        use payglot_core_model::{DateOrDateTime, Loss};

        use crate::codec::common::Out;
        use crate::codec::typed_encode::{FieldPath, R, date, decimal, leaf, opt_choice, opt_leaf, text};
        use crate::generated::common::{self as gc, ActiveOrHistoricCurrencyAndAmount};
        use crate::generated::pain_001_001_03 as g;

        pub(crate) fn document(
            grp_hdr: g::GroupHeader32,
            pmt_inf: Vec<g::PaymentInstructionInformation3>,
        ) -> g::Document {
            g::Document { cstmr_cdt_trf_initn: g::CustomerCreditTransferInitiationV03 { grp_hdr, pmt_inf } }
        }

        /// `PmtTpInf` (one service level; `Out::payment_type` and its losses).
        pub(crate) fn payment_type(
            out: &mut Out,
            pt: &PaymentType,
            path: &dyn Display,
        ) -> R<g::PaymentTypeInformation19> {
            let built = g::PaymentTypeInformation19 {
                instr_prty: pt
                    .instruction_priority
                    .map(|p| leaf(if p == Priority::High { "HIGH" } else { "NORM" }, "InstrPrty", path))
                    .transpose()?,
                svc_lvl: opt_choice(pt.service_levels.first(), "SvcLvl", path)?,
                lcl_instrm: opt_choice(pt.local_instrument.as_ref(), "LclInstrm", path)?,
                ctgy_purp: opt_choice(pt.category_purpose.as_ref(), "CtgyPurp", path)?,
            };
            out.payment_type_losses(format_args!("{path}"), pt);
            Ok(built)
        }

        /// `ReqdExctnDt`: a date only (a date-time's time dropped, as an approximation).
        pub(crate) fn execution(out: &mut Out, e: &DateOrDateTime, path: &dyn Display) -> R<crate::rt::IsoDate> {
            match e {
                DateOrDateTime::Date(d) => date(d, "ReqdExctnDt", path),
                DateOrDateTime::DateTime(t) => {
                    out.losses.push(Loss::approximated(
                        path.to_string(),
                        "pain.001.001.03 carries a date only; the time was dropped",
                    ));
                    date(&t.local().date(), "ReqdExctnDt", path)
                }
            }
        }

        pub(crate) fn ids(out: &mut Out, t: &CreditTransfer, path: &dyn Display) -> R<g::PaymentIdentification1> {
            let ids = FieldPath(path, "ids");
            let built = g::PaymentIdentification1 {
                instr_id: opt_leaf(t.ids.instruction_id.as_ref().map(|i| i.as_str()), "InstrId", &ids)?,
                end_to_end_id: leaf(t.ids.end_to_end_id.as_str(), "EndToEndId", &ids)?,
            };
            out.drop_if(t.ids.uetr.is_some(), format_args!("{path}/ids/uetr"), "a UETR");
            Ok(built)
        }

        pub(crate) fn amount(m: ActiveOrHistoricCurrencyAndAmount) -> gc::AmountType3Choice {
            gc::AmountType3Choice { choice: gc::AmountType3ChoiceChoice::InstdAmt(m) }
        }

        pub(crate) fn exchange(x: &Exchange, p: &dyn Display) -> R<g::ExchangeRateInformation1> {
            Ok(g::ExchangeRateInformation1 {
                xchg_rate: Some(decimal(x.rate, g::BaseOneRate::new, "XchgRate", p)?),
                rate_tp: text(x.rate_type.as_ref(), "RateTp", p)?,
                ctrct_id: text(x.contract_id.as_ref(), "CtrctId", p)?,
            })
        }
    }
}

#[cfg(feature = "pain_001_001_09")]
pain001!(
    v09, pain_001_001_09,
    types: GroupHeader85, PaymentInstruction30, CreditTransferTransaction34, PaymentTypeInformation26,
    batch_extra: { instr_for_dbtr_agt: None, },
    transfer_extra: { splmtry_data: Vec::new(), },
);
#[cfg(feature = "pain_001_001_03")]
pain001!(
    v03, pain_001_001_03,
    types: GroupHeader32, PaymentInstructionInformation3, CreditTransferTransactionInformation10, PaymentTypeInformation19,
    batch_extra: {},
    transfer_extra: {},
);

//! pacs.002.001.10 and pain.002.001.10 by typed construction: `StatusReport` → the generated
//! `Document`, with the losses and errors of `codec::status::encode`, in its order. What both
//! versions generate under the same names (`StatusReasonInformation12`, `OriginalGroupHeader17`,
//! `OriginalTransactionReference28`) is built by one body, `status_parts!`.

/// Reasons, the original group and a transaction's common parts over the generated module `g`
/// in scope (with `opt_party` of its era module).
macro_rules! status_parts {
    () => {
        code_choice!(g::StatusReason6Choice);

        /// `StsRsnInf` (`codec::status::encode_reasons`).
        fn reasons(
            out: &mut Out,
            reasons: &[payglot_core_model::message::StatusReasonInfo],
            path: &dyn Display,
        ) -> R<Vec<g::StatusReasonInformation12>> {
            let mut built = Vec::with_capacity(reasons.len());
            for (i, r) in reasons.iter().enumerate() {
                let p = format_args!("{path}/reasons/{i}");
                let orgtr = opt_party(out, &FieldPath(&p, "originator"), r.originator.as_ref())?;
                let reason = crate::codec::status::written_reason(out, r, format_args!("{p}"));
                built.push(g::StatusReasonInformation12 {
                    orgtr,
                    rsn: opt_choice(reason.as_ref(), "Rsn", &FieldPath(&p, "reason"))?,
                    addtl_inf: texts(&r.additional_info, "AddtlInf", &FieldPath(&p, "additional_info"))?,
                });
            }
            Ok(built)
        }

        /// `OrgnlGrpInfAndSts` (`codec::status::encode_group`).
        fn group(
            out: &mut Out,
            og: &payglot_core_model::message::OriginalGroupStatus,
            path: &dyn Display,
        ) -> R<g::OriginalGroupHeader17> {
            Ok(g::OriginalGroupHeader17 {
                orgnl_msg_id: leaf(
                    og.original_message_id.as_str(),
                    "OrgnlMsgId",
                    &FieldPath(path, "original_message_id"),
                )?,
                orgnl_msg_nm_id: leaf(
                    og.original_message_name.as_str(),
                    "OrgnlMsgNmId",
                    &FieldPath(path, "original_message_name"),
                )?,
                orgnl_cre_dt_tm: og
                    .original_created
                    .map(|d| date_time(&d, "OrgnlCreDtTm", &FieldPath(path, "original_created")))
                    .transpose()?,
                orgnl_nb_of_txs: text(
                    og.original_number_of_transactions.as_ref(),
                    "OrgnlNbOfTxs",
                    &FieldPath(path, "original_number_of_transactions"),
                )?,
                orgnl_ctrl_sum: og
                    .original_control_sum
                    .map(|d| {
                        decimal(d, g::DecimalNumber::new, "OrgnlCtrlSum", &FieldPath(path, "original_control_sum"))
                    })
                    .transpose()?,
                grp_sts: opt_leaf(og.status.as_ref().map(|s| s.as_str()), "GrpSts", &FieldPath(path, "status"))?,
                sts_rsn_inf: reasons(out, &og.reasons, path)?,
                nb_of_txs_per_sts: Vec::new(),
            })
        }

        /// What both versions' `TxInfAndSts` hold, built in `encode_transaction`'s order.
        struct TxParts {
            sts_id: Option<g::Max35Text>,
            orgnl_instr_id: Option<g::Max35Text>,
            orgnl_end_to_end_id: Option<g::Max35Text>,
            /// Written by pacs.002 only (pain.002 reports it as dropped).
            #[allow(dead_code)]
            orgnl_tx_id: Option<g::Max35Text>,
            orgnl_uetr: Option<g::UUIDv4Identifier>,
            tx_sts: Option<g::ExternalPaymentTransactionStatus1Code>,
            sts_rsn_inf: Vec<g::StatusReasonInformation12>,
            accptnc_dt_tm: Option<crate::rt::IsoDateTime>,
            orgnl_tx_ref: Option<Box<g::OriginalTransactionReference28>>,
        }

        fn tx_parts(
            out: &mut Out,
            t: &payglot_core_model::message::TransactionStatus,
            path: &dyn Display,
            interbank: bool,
        ) -> R<TxParts> {
            let ids = FieldPath(path, "original_ids");
            let sts_id = text(t.status_id.as_ref(), "StsId", &FieldPath(path, "status_id"))?;
            let orgnl_instr_id =
                opt_leaf(t.original_instruction_id.as_ref().map(|i| i.as_str()), "OrgnlInstrId", &ids)?;
            let orgnl_end_to_end_id =
                opt_leaf(t.original_end_to_end_id.as_ref().map(|i| i.as_str()), "OrgnlEndToEndId", &ids)?;
            let orgnl_tx_id = if interbank {
                opt_leaf(t.original_transaction_id.as_ref().map(|i| i.as_str()), "OrgnlTxId", &ids)?
            } else {
                out.drop_if(
                    t.original_transaction_id.is_some(),
                    format_args!("{path}/original_transaction_id"),
                    "an original transaction id",
                );
                None
            };
            let orgnl_uetr = t.original_uetr.map(|u| shown(&u, "OrgnlUETR", &ids)).transpose()?;
            let tx_sts = opt_leaf(t.status.as_ref().map(|s| s.as_str()), "TxSts", &FieldPath(path, "status"))?;
            let sts_rsn_inf = reasons(out, &t.reasons, path)?;
            let accptnc_dt_tm = t
                .acceptance_time
                .map(|d| date_time(&d, "AccptncDtTm", &FieldPath(path, "acceptance_time")))
                .transpose()?;
            let orgnl_tx_ref =
                if t.original_amount.is_some() || t.original_requested_execution.is_some() {
                    let amt =
                        t.original_amount
                            .as_ref()
                            .map(|m| {
                                Ok::<_, payglot_core_model::EncodeError>(Held::hold(g::AmountType4Choice::InstdAmt(
                                    money(m, "InstdAmt", &FieldPath(path, "original_amount"))?,
                                )))
                            })
                            .transpose()?;
                    let p = FieldPath(path, "original_requested_execution");
                    let reqd_exctn_dt = match &t.original_requested_execution {
                        Some(payglot_core_model::DateOrDateTime::Date(d)) => {
                            Some(Held::hold(g::DateAndDateTime2Choice::Dt(date(d, "ReqdExctnDt", &p)?)))
                        }
                        Some(payglot_core_model::DateOrDateTime::DateTime(dt)) => {
                            Some(Held::hold(g::DateAndDateTime2Choice::DtTm(date_time(dt, "ReqdExctnDt", &p)?)))
                        }
                        None => None,
                    };
                    Some(Held::hold(g::OriginalTransactionReference28 {
                        intr_bk_sttlm_amt: None,
                        amt,
                        intr_bk_sttlm_dt: None,
                        reqd_colltn_dt: None,
                        reqd_exctn_dt,
                        cdtr_schme_id: None,
                        sttlm_inf: None,
                        pmt_tp_inf: None,
                        pmt_mtd: None,
                        mndt_rltd_inf: None,
                        rmt_inf: None,
                        ultmt_dbtr: None,
                        dbtr: None,
                        dbtr_acct: None,
                        dbtr_agt: None,
                        dbtr_agt_acct: None,
                        cdtr_agt: None,
                        cdtr_agt_acct: None,
                        cdtr: None,
                        cdtr_acct: None,
                        ultmt_cdtr: None,
                        purp: None,
                    }))
                } else {
                    None
                };
            Ok(TxParts {
                sts_id,
                orgnl_instr_id,
                orgnl_end_to_end_id,
                orgnl_tx_id,
                orgnl_uetr,
                tx_sts,
                sts_rsn_inf,
                accptnc_dt_tm,
                orgnl_tx_ref,
            })
        }

        /// After a transaction: its extensions, which no status report carries.
        fn extension_losses(out: &mut Out, t: &payglot_core_model::message::TransactionStatus, path: &dyn Display) {
            for key in t.extensions.keys() {
                out.drop_if(true, format_args!("{path}/extensions/{key}"), "this extension");
            }
        }
    };
}

/// pacs.002.001.10.
#[cfg(feature = "pacs_002_001_10")]
pub(super) mod pacs002 {
    use std::fmt::Display;

    use payglot_core_model::message::StatusReport;

    use super::super::pacs_002_001_10::{header_agents, opt_party};
    use super::super::{FieldPath, R, date, date_time, decimal, leaf, money, opt_choice, opt_leaf, shown, text, texts};
    use crate::codec::common::Out;
    use crate::codec::typed::Held;
    use crate::generated::pacs_002_001_10 as g;

    status_parts!();

    /// The Document for `m`.
    pub(in crate::codec::typed_encode) fn document(out: &mut Out, m: &StatusReport) -> R<g::Document> {
        let base = "/message/status_report";
        let hp = FieldPath(&base, "header");
        let mut grp_hdr = g::GroupHeader91 {
            msg_id: leaf(m.header.message_id.as_str(), "MsgId", &FieldPath(&hp, "message_id"))?,
            cre_dt_tm: date_time(&m.header.created, "CreDtTm", &FieldPath(&hp, "created"))?,
            instg_agt: None,
            instd_agt: None,
        };
        (grp_hdr.instg_agt, grp_hdr.instd_agt) = header_agents(out, &m.header, base)?;
        let mut orgnl_grp_inf_and_sts = Vec::with_capacity(m.original_groups.len());
        for (i, og) in m.original_groups.iter().enumerate() {
            orgnl_grp_inf_and_sts.push(group(out, og, &format_args!("{base}/original_groups/{i}"))?);
        }
        for i in 0..m.payment_infos.len() {
            out.drop_if(
                true,
                format_args!("{base}/payment_infos/{i}"),
                "payment-information statuses (pacs.002 has none)",
            );
        }
        let mut tx_inf_and_sts = Vec::with_capacity(m.transactions.len());
        for (i, t) in m.transactions.iter().enumerate() {
            let path = format_args!("{base}/transactions/{i}");
            let p = tx_parts(out, t, &path, true)?;
            tx_inf_and_sts.push(g::PaymentTransaction110 {
                sts_id: p.sts_id,
                orgnl_grp_inf: None,
                orgnl_instr_id: p.orgnl_instr_id,
                orgnl_end_to_end_id: p.orgnl_end_to_end_id,
                orgnl_tx_id: p.orgnl_tx_id,
                orgnl_uetr: p.orgnl_uetr,
                tx_sts: p.tx_sts,
                sts_rsn_inf: p.sts_rsn_inf,
                chrgs_inf: Vec::new(),
                accptnc_dt_tm: p.accptnc_dt_tm,
                fctv_intr_bk_sttlm_dt: None,
                acct_svcr_ref: None,
                clr_sys_ref: None,
                instg_agt: None,
                instd_agt: None,
                orgnl_tx_ref: p.orgnl_tx_ref,
                splmtry_data: Vec::new(),
            });
            extension_losses(out, t, &path);
        }
        Ok(g::Document {
            fi_to_fi_pmt_sts_rpt: g::FIToFIPaymentStatusReportV10 {
                grp_hdr,
                orgnl_grp_inf_and_sts,
                tx_inf_and_sts,
                splmtry_data: Vec::new(),
            },
        })
    }
}

/// pain.002.001.10.
#[cfg(feature = "pain_002_001_10")]
pub(super) mod pain002 {
    use std::fmt::Display;

    use payglot_core_model::Loss;
    use payglot_core_model::message::{StatusReport, TransactionStatus};

    use super::super::pain_002_001_10::{opt_agent, opt_party};
    use super::super::{FieldPath, R, date, date_time, decimal, leaf, money, opt_choice, opt_leaf, shown, text, texts};
    use crate::codec::common::Out;
    use crate::codec::typed::Held;
    use crate::generated::pain_002_001_10 as g;

    status_parts!();

    fn transactions(out: &mut Out, ts: &[TransactionStatus], path: &dyn Display) -> R<Vec<g::PaymentTransaction105>> {
        let mut built = Vec::with_capacity(ts.len());
        for (j, t) in ts.iter().enumerate() {
            let path = format_args!("{path}/transactions/{j}");
            let p = tx_parts(out, t, &path, false)?;
            built.push(g::PaymentTransaction105 {
                sts_id: p.sts_id,
                orgnl_instr_id: p.orgnl_instr_id,
                orgnl_end_to_end_id: p.orgnl_end_to_end_id,
                orgnl_uetr: p.orgnl_uetr,
                tx_sts: p.tx_sts,
                sts_rsn_inf: p.sts_rsn_inf,
                chrgs_inf: Vec::new(),
                trckr_data: None,
                accptnc_dt_tm: p.accptnc_dt_tm,
                acct_svcr_ref: None,
                clr_sys_ref: None,
                orgnl_tx_ref: p.orgnl_tx_ref,
                splmtry_data: Vec::new(),
            });
            extension_losses(out, t, &path);
        }
        Ok(built)
    }

    /// The Document for `m`.
    pub(in crate::codec::typed_encode) fn document(out: &mut Out, m: &StatusReport) -> R<g::Document> {
        let base = "/message/status_report";
        let hp = FieldPath(&base, "header");
        let grp_hdr = g::GroupHeader86 {
            msg_id: leaf(m.header.message_id.as_str(), "MsgId", &FieldPath(&hp, "message_id"))?,
            cre_dt_tm: date_time(&m.header.created, "CreDtTm", &FieldPath(&hp, "created"))?,
            initg_pty: opt_party(out, &FieldPath(&hp, "initiating_party"), m.header.initiating_party.as_ref())?,
            fwdg_agt: opt_agent(out, &FieldPath(&hp, "forwarding_agent"), m.header.forwarding_agent.as_ref())?,
            dbtr_agt: None,
            cdtr_agt: None,
        };
        crate::codec::header_losses(
            out,
            &m.header,
            format_args!("{base}/header"),
            &["initiating_party", "forwarding_agent"],
        );
        let [only] = m.original_groups.as_slice() else {
            return Err(crate::codec::status::not_one_group(out.version, m.original_groups.len()));
        };
        let orgnl_grp_inf_and_sts = group(out, only, &format_args!("{base}/original_groups/0"))?;
        let mut orgnl_pmt_inf_and_sts = Vec::with_capacity(m.payment_infos.len() + 1);
        for (i, pi) in m.payment_infos.iter().enumerate() {
            let path = format_args!("{base}/payment_infos/{i}");
            let orgnl_pmt_inf_id = leaf(
                pi.original_payment_info_id.as_str(),
                "OrgnlPmtInfId",
                &FieldPath(&path, "original_payment_info_id"),
            )?;
            let pmt_inf_sts =
                opt_leaf(pi.status.as_ref().map(|s| s.as_str()), "PmtInfSts", &FieldPath(&path, "status"))?;
            let sts_rsn_inf = reasons(out, &pi.reasons, &path)?;
            orgnl_pmt_inf_and_sts.push(g::OriginalPaymentInstruction32 {
                orgnl_pmt_inf_id,
                orgnl_nb_of_txs: None,
                orgnl_ctrl_sum: None,
                pmt_inf_sts,
                sts_rsn_inf,
                nb_of_txs_per_sts: Vec::new(),
                tx_inf_and_sts: transactions(out, &pi.transactions, &path)?,
            });
        }
        if !m.transactions.is_empty() {
            // pain.002 groups transactions by payment-information block; loose ones go in one
            // block named after the original message.
            out.losses.push(Loss::approximated(
                format!("{base}/transactions"),
                "pain.002 groups transactions by payment-information block; written under one block named after the original message id",
            ));
            orgnl_pmt_inf_and_sts.push(g::OriginalPaymentInstruction32 {
                orgnl_pmt_inf_id: leaf(
                    only.original_message_id.as_str(),
                    "OrgnlPmtInfId",
                    &format_args!("{base}/original_groups/0/original_message_id"),
                )?,
                orgnl_nb_of_txs: None,
                orgnl_ctrl_sum: None,
                pmt_inf_sts: None,
                sts_rsn_inf: Vec::new(),
                nb_of_txs_per_sts: Vec::new(),
                tx_inf_and_sts: transactions(out, &m.transactions, &base)?,
            });
        }
        Ok(g::Document {
            cstmr_pmt_sts_rpt: g::CustomerPaymentStatusReportV10 {
                grp_hdr,
                orgnl_grp_inf_and_sts,
                orgnl_pmt_inf_and_sts,
                splmtry_data: Vec::new(),
            },
        })
    }
}

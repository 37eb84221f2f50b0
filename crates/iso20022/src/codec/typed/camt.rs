//! camt.053 / camt.054 entries (`Ntry`, 02 and 08) → canonical `Entry`, typed: the streaming
//! statement reader reads each entry with the generated validating reader INTO the generated
//! type (`ReportEntry2` / `ReportEntry10`) and maps it here — no element tree recorded. The
//! tree path's `codec::camt::entry` is the reference this follows field by field (losses by
//! construction as in `super`: every generated struct destructured exhaustively, every field
//! not mapped a `Dropped` loss through [`Sink`], in document order).
//!
//! Anything this path does not decide alone gives `None` and the caller reads the unit
//! through the element tree: any validation or mapping error (so errors are the tree path's by
//! construction), and an 08 transaction whose `AmtDtls/TxAmt/Amt` equals its `Amt` in value,
//! scale and currency — the tree path compares their TEXTS (`+1.50` and `1.50` differ there),
//! which the typed value no longer has.

use payglot_core_model::message::{CreditDebit, Entry};
use payglot_core_model::{DateOrDateTime, Loss};

use super::{At, Sink};
use crate::codec::IsoMessage;
use crate::rt::Limits;

/// Where an entry's losses are written before they are moved under the entry's real path.
const ENTRY: At<'static> = At::root("Ntry");

/// An entry's bytes where the streaming reader holds them: read in place (no copy into a
/// wrapper document), with the namespace declarations in scope and its depth.
pub(crate) struct EntryBytes<'d> {
    /// The element alone, from its `<` through its end tag's `>` (found by a scan).
    pub(crate) raw: &'d [u8],
    /// The namespace declarations in scope (prefix, URI; the empty prefix is the default
    /// namespace), outermost first.
    pub(crate) declared: &'d [(String, String)],
    /// How many elements enclose it.
    pub(crate) outer_depth: usize,
}

/// The entry as `T` and the offset just past its end tag (`None` on any error, or when the
/// element does not end where its bytes do).
fn read_entry<T: crate::rt::RootElement>(unit: &EntryBytes<'_>, limits: &Limits) -> Option<(T, usize)> {
    let (value, end) = crate::rt::read_fragment::<T>(unit.raw, 0, unit.declared, unit.outer_depth, limits).ok()?;
    (end == unit.raw.len()).then_some((value, end))
}

/// Read the entry `unit` as `message`'s generated entry type and map it; its losses under
/// the entry's path (`/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]`, asked of `path` only when
/// there are losses) and the offset just past its end tag. `None` when the tree path must
/// decide (see the module doc). The entry is boxed where it is mapped, as the stream yields
/// it: moved up through the stream's calls by value, its ~400 bytes were copied at each.
pub(crate) fn entry(
    message: IsoMessage,
    unit: &EntryBytes<'_>,
    limits: &Limits,
    path: impl FnOnce() -> String,
) -> Option<(Box<Entry>, Vec<Loss>, usize)> {
    let _ = (unit, limits);
    let mut sink = Sink::default();
    let (entry, end) = match message {
        #[cfg(all(feature = "camt_053_001_08", feature = "pacs_008_001_08"))]
        IsoMessage::Camt053V08 => {
            let (roots::S08(e), end) = read_entry(unit, limits)?;
            (s08::entry(e, &ENTRY, &mut sink)?, end)
        }
        #[cfg(all(feature = "camt_054_001_08", feature = "pacs_008_001_08"))]
        IsoMessage::Camt054V08 => {
            let (roots::N08(e), end) = read_entry(unit, limits)?;
            (n08::entry(e, &ENTRY, &mut sink)?, end)
        }
        #[cfg(all(feature = "camt_053_001_02", feature = "pain_001_001_03"))]
        IsoMessage::Camt053V02 => {
            let (roots::S02(e), end) = read_entry(unit, limits)?;
            (s02::entry(e, &ENTRY, &mut sink)?, end)
        }
        #[cfg(all(feature = "camt_054_001_02", feature = "pain_001_001_03"))]
        IsoMessage::Camt054V02 => {
            let (roots::N02(e), end) = read_entry(unit, limits)?;
            (n02::entry(e, &ENTRY, &mut sink)?, end)
        }
        _ => return None,
    };
    Some((entry, placed(sink, path)?, end))
}

/// An entry's losses moved from under [`ENTRY`] to the entry's path (asked of `path` only
/// when there are losses); `None` when one could not be described.
fn placed(sink: Sink, path: impl FnOnce() -> String) -> Option<Vec<Loss>> {
    if sink.failed {
        return None;
    }
    let mut losses = sink.losses;
    let path = if losses.is_empty() { String::new() } else { path() };
    for loss in &mut losses {
        // `/Ntry/...` → `<path>/...`.
        let rest = loss.path.get(ENTRY.name.len() + 1..).unwrap_or_default();
        loss.path = format!("{path}{rest}");
    }
    Some(losses)
}

/// An entry taken by [`entries_leading`]: mapped, its losses, and its bytes in the window
/// (from its start tag through its end tag).
pub(crate) type Taken = (Box<Entry>, Vec<Loss>, std::ops::Range<usize>);

/// The stream's run of entries at the start of `window`, read one after another by one
/// reader ([`crate::rt::LeadingRun`]: one setup and one UTF-8 check for the run) and mapped
/// as [`entry`] maps one. Each must be whitespace and then `tag`, the report's plain entry
/// start tag. The run stops before an entry that is not so, that fails to read or map, or
/// that only the tree path decides (the caller reads that one the regular way), and where
/// `more(entry)` says no after an entry (its bytes in the window). Losses go under `path(n)`
/// for the run's `n`-th entry (from 0).
pub(crate) fn entries_leading(
    message: IsoMessage,
    window: &str,
    tag: &[u8],
    at: (&[(String, String)], usize),
    limits: &Limits,
    more: impl Fn(&std::ops::Range<usize>) -> bool,
    path: impl Fn(usize) -> String,
) -> Vec<Taken> {
    let run = Run { window, tag, declared: at.0, outer_depth: at.1, limits, more: &more, path: &path };
    let _ = &run; // Unused when no camt version is built.
    match message {
        #[cfg(all(feature = "camt_053_001_08", feature = "pacs_008_001_08"))]
        IsoMessage::Camt053V08 => run.read(|roots::S08(e), sink| s08::entry(e, &ENTRY, sink)),
        #[cfg(all(feature = "camt_054_001_08", feature = "pacs_008_001_08"))]
        IsoMessage::Camt054V08 => run.read(|roots::N08(e), sink| n08::entry(e, &ENTRY, sink)),
        #[cfg(all(feature = "camt_053_001_02", feature = "pain_001_001_03"))]
        IsoMessage::Camt053V02 => run.read(|roots::S02(e), sink| s02::entry(e, &ENTRY, sink)),
        #[cfg(all(feature = "camt_054_001_02", feature = "pain_001_001_03"))]
        IsoMessage::Camt054V02 => run.read(|roots::N02(e), sink| n02::entry(e, &ENTRY, sink)),
        _ => Vec::new(),
    }
}

/// What [`entries_leading`] reads a run with.
struct Run<'w> {
    window: &'w str,
    tag: &'w [u8],
    declared: &'w [(String, String)],
    outer_depth: usize,
    limits: &'w Limits,
    more: &'w dyn Fn(&std::ops::Range<usize>) -> bool,
    path: &'w dyn Fn(usize) -> String,
}

impl Run<'_> {
    /// The run's entries as `T`, each mapped by `map`.
    #[allow(dead_code)] // Unused when no camt version is built.
    fn read<T: crate::rt::RootElement>(&self, map: impl Fn(T, &mut Sink) -> Option<Box<Entry>>) -> Vec<Taken> {
        let mut taken = Vec::new();
        let Ok(mut run) = crate::rt::LeadingRun::new(self.window, self.declared, self.outer_depth, self.limits) else {
            return taken;
        };
        let mut at = 0;
        loop {
            let rest = self.window.as_bytes().get(at..).unwrap_or_default();
            let ws = rest.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')).count();
            if !rest.get(ws..).is_some_and(|rest| rest.starts_with(self.tag)) {
                break;
            }
            let Ok((value, end)) = run.read_next::<T>() else { break };
            let mut sink = Sink::default();
            let Some(entry) = map(value, &mut sink) else { break };
            let n = taken.len();
            let Some(losses) = placed(sink, || (self.path)(n)) else { break };
            let bytes = at + ws..end;
            let go_on = (self.more)(&bytes);
            taken.push((entry, losses, bytes));
            if !go_on {
                break;
            }
            at = end;
        }
        taken
    }
}

/// The entry types as fragment roots that keep the value read.
mod roots {
    use crate::Iso20022Error;
    use crate::rt::{ComplexValue, Reader, RootElement, Writer};

    macro_rules! entry_root {
        ($features:meta, $name:ident, $module:ident :: $ty:ident) => {
            #[cfg($features)]
            #[derive(Debug)]
            pub(super) struct $name(pub(super) crate::generated::$module::$ty);
            #[cfg($features)]
            impl ComplexValue for $name {
                const ATTRS: &'static [&'static str] = <crate::generated::$module::$ty as ComplexValue>::ATTRS;
                fn read(r: &mut Reader<'_>) -> Result<Self, Iso20022Error> {
                    <crate::generated::$module::$ty as ComplexValue>::read(r).map($name)
                }
                fn write(&self, w: &mut Writer) {
                    self.0.write(w);
                }
            }
            #[cfg($features)]
            impl RootElement for $name {
                const NAMESPACE: &'static str = crate::generated::$module::NAMESPACE;
                const ELEMENT: &'static str = "Ntry";
            }
        };
    }

    entry_root!(all(feature = "camt_053_001_08", feature = "pacs_008_001_08"), S08, camt_053_001_08::ReportEntry10);
    entry_root!(all(feature = "camt_054_001_08", feature = "pacs_008_001_08"), N08, camt_054_001_08::ReportEntry10);
    entry_root!(all(feature = "camt_053_001_02", feature = "pain_001_001_03"), S02, camt_053_001_02::ReportEntry2);
    entry_root!(all(feature = "camt_054_001_02", feature = "pain_001_001_03"), N02, camt_054_001_02::ReportEntry2);
}

/// The generated module of a camt version, plus the payment-type types the shared party /
/// account / agent / remittance mappings also name (a statement has no payment type: those
/// mappings stay unused here, the types are borrowed from a payment message of the generation).
macro_rules! generated_with_payment_types {
    ($name:ident, $features:meta, $module:ident, $borrowed:ident :: { $($ty:ident),* }) => {
        #[cfg($features)]
        pub(crate) mod $name {
            pub(crate) use crate::generated::$module::*;
            pub(crate) use crate::generated::$borrowed::{$($ty),*};
        }
    };
}

generated_with_payment_types!(
    g53v08,
    all(feature = "camt_053_001_08", feature = "pacs_008_001_08"),
    camt_053_001_08,
    pacs_008_001_08::{CategoryPurpose1Choice, Priority2Code, ServiceLevel8Choice}
);
generated_with_payment_types!(
    g54v08,
    all(feature = "camt_054_001_08", feature = "pacs_008_001_08"),
    camt_054_001_08,
    pacs_008_001_08::{CategoryPurpose1Choice, Priority2Code, ServiceLevel8Choice}
);
generated_with_payment_types!(
    g53v02,
    all(feature = "camt_053_001_02", feature = "pain_001_001_03"),
    camt_053_001_02,
    pain_001_001_03::{
        PaymentTypeInformation19,
        ServiceLevel8ChoiceChoice,
        LocalInstrument2ChoiceChoice,
        CategoryPurpose1ChoiceChoice
    }
);
generated_with_payment_types!(
    g54v02,
    all(feature = "camt_054_001_02", feature = "pain_001_001_03"),
    camt_054_001_02,
    pain_001_001_03::{
        PaymentTypeInformation19,
        ServiceLevel8ChoiceChoice,
        LocalInstrument2ChoiceChoice,
        CategoryPurpose1ChoiceChoice
    }
);

fn credit_debit(code: &str) -> CreditDebit {
    if code == "CRDT" { CreditDebit::Credit } else { CreditDebit::Debit }
}

/// The parts of an entry both generations write the same way (`BkTxCd`, `Btch`, `Refs`'s
/// first fields), over the generated module `g` in scope.
macro_rules! common_parts {
    () => {
        fn bank_transaction_code(b: g::BankTransactionCodeStructure4) -> Option<BankTransactionCode> {
            let g::BankTransactionCodeStructure4 { domn, prtry } = b;
            let mut code = BankTransactionCode::default();
            if let Some(domain) = domn {
                let g::BankTransactionCodeStructure5 { cd, fmly } = domain;
                let g::BankTransactionCodeStructure6 { cd: family, sub_fmly_cd } = fmly;
                code.domain = Some(text!(cd));
                code.family = Some(text!(family));
                code.sub_family = Some(text!(sub_fmly_cd));
            }
            if let Some(p) = prtry {
                let g::ProprietaryBankTransactionCodeStructure1 { cd, issr } = p;
                code.proprietary_code = Some(text!(cd));
                code.proprietary_issuer = opt!(issr, i => text!(i));
            }
            Some(code)
        }

        fn batch(b: g::BatchInformation2) -> Option<EntryBatch> {
            let g::BatchInformation2 { msg_id, pmt_inf_id, nb_of_txs, ttl_amt, cdt_dbt_ind } = b;
            Some(EntryBatch {
                message_id: opt!(msg_id, v => text!(v)),
                payment_info_id: opt!(pmt_inf_id, v => text!(v)),
                number_of_transactions: opt!(nb_of_txs, v => text!(v)),
                total_amount: opt!(ttl_amt, m => amount(&m)?),
                credit_debit: cdt_dbt_ind.map(|c| credit_debit(c.as_str())),
            })
        }

        /// `NtryDtls`: the first block's batch mapped (a later block's is lost), every
        /// block's transactions mapped, in document order.
        fn details(
            blocks: Vec<g::EntryDetails>,
            at: &At<'_>,
            sink: &mut Sink,
        ) -> Option<(Option<EntryBatch>, Vec<EntryTransaction>)> {
            let len = blocks.len();
            let mut first_batch = None;
            let mut transactions = Vec::new();
            for (i, block) in blocks.into_iter().enumerate() {
                let here = at.item("NtryDtls", i, len);
                let g::EntryDetails { btch, tx_dtls } = block;
                match btch {
                    Some(b) if i == 0 => first_batch = Some(batch(*b)?),
                    Some(b) => sink.lost(&here, "Btch", &*b),
                    None => {}
                }
                let (count, start) = (tx_dtls.len(), transactions.len());
                // Filled in place: an `EntryTransaction` is over a kilobyte, each move a copy
                // (each default is written where it goes, not pushed from the stack).
                transactions.resize_with(start + count, EntryTransaction::default);
                let slots = transactions.get_mut(start..)?;
                for ((j, t), slot) in tx_dtls.into_iter().enumerate().zip(slots) {
                    transaction(t, &here.item("TxDtls", j, count), sink, slot)?;
                }
            }
            Some((first_batch, transactions))
        }

        /// `InstdAmt` (its amount kept, its exchange details lost).
        fn instructed(
            d: Option<impl Held<g::AmountAndCurrencyExchangeDetails3>>,
            at: &At<'_>,
            sink: &mut Sink,
        ) -> Option<Option<payglot_core_model::Money>> {
            Some(opt!(d, d => {
                let g::AmountAndCurrencyExchangeDetails3 { amt, ccy_xchg } = Held::unheld(d);
                let kept = amount(&amt)?;
                sink.lost_opt(&at.at("InstdAmt"), "CcyXchg", ccy_xchg.as_deref());
                kept
            }))
        }

        /// `RltdPties` and `RltdAgts` into `out`, as the tree path joins them: `None` when they
        /// hold nothing with a canonical place (their losses are reported).
        fn related_parties(
            parties: Option<impl Held<g::Parties>>,
            agents: Option<impl Held<g::Agents>>,
            at: &At<'_>,
            sink: &mut Sink,
            out: &mut Option<Box<RelatedParties>>,
        ) -> Option<()> {
            if parties.is_none() && agents.is_none() {
                return Some(());
            }
            let slot = &mut **out.insert(Box::default());
            if let Some(p) = parties {
                fill_parties(Held::unheld(p), &at.at("RltdPties"), sink, slot)?;
            }
            if let Some(a) = agents {
                fill_agents(Held::unheld(a), &at.at("RltdAgts"), sink, slot)?;
            }
            let RelatedParties {
                debtor,
                debtor_account,
                ultimate_debtor,
                creditor,
                creditor_account,
                ultimate_creditor,
                debtor_agent,
                creditor_agent,
            } = slot;
            if debtor.is_none()
                && debtor_account.is_none()
                && ultimate_debtor.is_none()
                && creditor.is_none()
                && creditor_account.is_none()
                && ultimate_creditor.is_none()
                && debtor_agent.is_none()
                && creditor_agent.is_none()
            {
                *out = None;
            }
            Some(())
        }
    };
}

/// The 2019 generation's entry (camt.053.001.08, camt.054.001.08) over the module `$g`.
macro_rules! entry_2019 {
    ($name:ident, $features:meta, $g:ident) => {
        #[cfg($features)]
        mod $name {
            use payglot_core_model::message::{
                BankTransactionCode, Entry, EntryBatch, EntryTransaction, RelatedParties, ReturnReasonInfo,
                TransactionRefs,
            };
            use payglot_core_model::{Party, ReturnReason};

            use super::super::shared::{amount, code_or_prop, opt, text_of};
            use super::super::{At, Held, Sink, put};
            use super::{credit_debit, date_or_datetime_2019 as date_or_datetime};

            mod g {
                pub(crate) use super::super::$g::*;
                pub(crate) use super::super::$g::EntryDetails9 as EntryDetails;
                pub(crate) use super::super::$g::TransactionAgents5 as Agents;
                pub(crate) use super::super::$g::TransactionParties6 as Parties;
            }

            // The payment type mapping stays unused (a statement has none); `text!` is in
            // textual scope here (this module is declared after it), so its import is unused.
            #[allow(dead_code, unused_imports)]
            mod shared {
                super::super::super::shared::shared_2019!(mapping, crate::codec::typed::camt::$g);
            }
            use shared::mapping::{account, agent, opt_party, party_into, remittance};

            common_parts!();

            pub(super) fn entry(e: g::ReportEntry10, at: &At<'_>, sink: &mut Sink) -> Option<Box<Entry>> {
                let g::ReportEntry10 {
                    ntry_ref,
                    amt,
                    cdt_dbt_ind,
                    rvsl_ind,
                    sts,
                    bookg_dt,
                    val_dt,
                    acct_svcr_ref,
                    avlbty,
                    bk_tx_cd,
                    comssn_wvr_ind,
                    addtl_inf_ind,
                    amt_dtls,
                    chrgs,
                    tech_inpt_chanl,
                    intrst,
                    card_tx,
                    ntry_dtls,
                    addtl_ntry_inf,
                } = e;
                let reference = opt!(ntry_ref, r => text!(r));
                let amount = amount(&amt)?;
                let status = code_or_prop!(sts, g::EntryStatus1Choice, text_of);
                let booking_date = opt!(bookg_dt, d => date_or_datetime(d)?);
                let value_date = opt!(val_dt, d => date_or_datetime(d)?);
                let account_servicer_reference = opt!(acct_svcr_ref, r => text!(r));
                sink.lost_many(at, "Avlbty", &avlbty);
                let bank_transaction_code = bank_transaction_code(bk_tx_cd)?;
                sink.lost_opt_s(at, "ComssnWvrInd", comssn_wvr_ind.as_ref());
                sink.lost_opt(at, "AddtlInfInd", addtl_inf_ind.as_ref());
                sink.lost_opt(at, "AmtDtls", amt_dtls.as_deref());
                sink.lost_opt(at, "Chrgs", chrgs.as_ref());
                sink.lost_opt(at, "TechInptChanl", tech_inpt_chanl.as_ref());
                sink.lost_opt(at, "Intrst", intrst.as_ref());
                sink.lost_opt(at, "CardTx", card_tx.as_ref());
                let (batch, transactions) = details(ntry_dtls, at, sink)?;
                // Written into its box where it is built (boxed after, a copy of its 416 bytes).
                Some(Box::write(Box::new_uninit(), Entry {
                    reference,
                    amount,
                    credit_debit: credit_debit(cdt_dbt_ind.as_str()),
                    reversal: rvsl_ind,
                    status,
                    booking_date,
                    value_date,
                    account_servicer_reference,
                    bank_transaction_code,
                    batch,
                    transactions,
                    additional_info: opt!(addtl_ntry_inf, a => text!(a)),
                }))
            }

            fn references(r: g::TransactionReferences6, at: &At<'_>, sink: &mut Sink) -> Option<TransactionRefs> {
                let g::TransactionReferences6 {
                    msg_id,
                    acct_svcr_ref,
                    pmt_inf_id,
                    instr_id,
                    end_to_end_id,
                    uetr,
                    tx_id,
                    mndt_id,
                    chq_nb,
                    clr_sys_ref,
                    acct_ownr_tx_id,
                    acct_svcr_tx_id,
                    mkt_infrstrctr_tx_id,
                    prcg_id,
                    prtry,
                } = r;
                let refs = TransactionRefs {
                    message_id: opt!(msg_id, v => text!(v)),
                    account_servicer_reference: opt!(acct_svcr_ref, v => text!(v)),
                    payment_info_id: opt!(pmt_inf_id, v => text!(v)),
                    instruction_id: opt!(instr_id, v => text!(v)),
                    end_to_end_id: opt!(end_to_end_id, v => text!(v)),
                    uetr: opt!(uetr, u => payglot_core_model::Uetr::parse(u.as_str()).ok()?),
                    transaction_id: opt!(tx_id, v => text!(v)),
                    mandate_id: opt!(mndt_id, v => text!(v)),
                    cheque_number: opt!(chq_nb, v => text!(v)),
                    clearing_system_reference: opt!(clr_sys_ref, v => text!(v)),
                };
                sink.lost_opt_s(at, "AcctOwnrTxId", acct_ownr_tx_id.as_ref());
                sink.lost_opt_s(at, "AcctSvcrTxId", acct_svcr_tx_id.as_ref());
                sink.lost_opt_s(at, "MktInfrstrctrTxId", mkt_infrstrctr_tx_id.as_ref());
                sink.lost_opt_s(at, "PrcgId", prcg_id.as_ref());
                sink.lost_many(at, "Prtry", &prtry);
                Some(refs)
            }

            /// `Dbtr`, `Cdtr`, ...: a choice of a party (kept, written into `out` where it
            /// lies: a `Party` is ~600 bytes, each move a copy) or an agent (lost).
            fn related(
                choice: Option<impl Held<g::Party40Choice>>,
                at: &At<'_>,
                name: &'static str,
                sink: &mut Sink,
                out: &mut Option<Party>,
            ) -> Option<()> {
                let Some(choice) = choice else { return Some(()) };
                let here = at.at(name);
                match Held::unheld(choice) {
                    g::Party40Choice::Pty(p) => party_into(p, &here.at("Pty"), sink, out.insert(Party::default()))?,
                    g::Party40Choice::Agt(a) => sink.lost(&here, "Agt", &a),
                }
                Some(())
            }

            fn fill_parties(p: g::TransactionParties6, at: &At<'_>, sink: &mut Sink, out: &mut RelatedParties) -> Option<()> {
                let g::TransactionParties6 {
                    initg_pty,
                    dbtr,
                    dbtr_acct,
                    ultmt_dbtr,
                    cdtr,
                    cdtr_acct,
                    ultmt_cdtr,
                    tradg_pty,
                    prtry,
                } = p;
                sink.lost_opt(at, "InitgPty", initg_pty.as_deref());
                related(dbtr, at, "Dbtr", sink, &mut out.debtor)?;
                put(dbtr_acct, at, "DbtrAcct", sink, &mut out.debtor_account, account)?;
                related(ultmt_dbtr, at, "UltmtDbtr", sink, &mut out.ultimate_debtor)?;
                related(cdtr, at, "Cdtr", sink, &mut out.creditor)?;
                put(cdtr_acct, at, "CdtrAcct", sink, &mut out.creditor_account, account)?;
                related(ultmt_cdtr, at, "UltmtCdtr", sink, &mut out.ultimate_creditor)?;
                sink.lost_opt(at, "TradgPty", tradg_pty.as_deref());
                sink.lost_many(at, "Prtry", &prtry);
                Some(())
            }

            fn fill_agents(a: g::TransactionAgents5, at: &At<'_>, sink: &mut Sink, out: &mut RelatedParties) -> Option<()> {
                let g::TransactionAgents5 {
                    instg_agt,
                    instd_agt,
                    dbtr_agt,
                    cdtr_agt,
                    intrmy_agt1,
                    intrmy_agt2,
                    intrmy_agt3,
                    rcvg_agt,
                    dlvrg_agt,
                    issg_agt,
                    sttlm_plc,
                    prtry,
                } = a;
                sink.lost_opt(at, "InstgAgt", instg_agt.as_deref());
                sink.lost_opt(at, "InstdAgt", instd_agt.as_deref());
                put(dbtr_agt, at, "DbtrAgt", sink, &mut out.debtor_agent, agent)?;
                put(cdtr_agt, at, "CdtrAgt", sink, &mut out.creditor_agent, agent)?;
                for (agent, name) in [
                    (intrmy_agt1, "IntrmyAgt1"),
                    (intrmy_agt2, "IntrmyAgt2"),
                    (intrmy_agt3, "IntrmyAgt3"),
                    (rcvg_agt, "RcvgAgt"),
                    (dlvrg_agt, "DlvrgAgt"),
                    (issg_agt, "IssgAgt"),
                    (sttlm_plc, "SttlmPlc"),
                ] {
                    sink.lost_opt(at, name, agent.as_deref());
                }
                sink.lost_many(at, "Prtry", &prtry);
                Some(())
            }

            /// `AmtDtls`: the instructed amount kept; a `TxAmt` equal to the transaction's
            /// `Amt` is read on the tree path when their texts are equal — undecidable from
            /// the typed values, so `None` (the tree path decides) when value, scale and
            /// currency agree; otherwise it is lost like the other amounts.
            fn amount_details(
                d: g::AmountAndCurrencyExchange3,
                amt: Option<&g::ActiveOrHistoricCurrencyAndAmount>,
                at: &At<'_>,
                sink: &mut Sink,
            ) -> Option<Option<payglot_core_model::Money>> {
                let g::AmountAndCurrencyExchange3 { instd_amt, tx_amt, cntr_val_amt, anncd_pstng_amt, prtry_amt } = d;
                let instructed = instructed(instd_amt, at, sink)?;
                if let Some(tx) = tx_amt {
                    if let Some(amt) = amt {
                        let (a, b) = (amt.value.value(), tx.amt.value.value());
                        if a == b && a.scale() == b.scale() && amt.ccy.as_str() == tx.amt.ccy.as_str() {
                            return None;
                        }
                    }
                    sink.lost(at, "TxAmt", &tx);
                }
                sink.lost_opt(at, "CntrValAmt", cntr_val_amt.as_ref());
                sink.lost_opt(at, "AnncdPstngAmt", anncd_pstng_amt.as_ref());
                sink.lost_many(at, "PrtryAmt", &prtry_amt);
                Some(instructed)
            }

            fn transaction(
                t: g::EntryTransaction10,
                at: &At<'_>,
                sink: &mut Sink,
                out: &mut EntryTransaction,
            ) -> Option<()> {
                let g::EntryTransaction10 {
                    refs,
                    amt,
                    cdt_dbt_ind,
                    amt_dtls,
                    avlbty,
                    bk_tx_cd,
                    chrgs,
                    intrst,
                    rltd_pties,
                    rltd_agts,
                    lcl_instrm,
                    purp,
                    rltd_rmt_inf,
                    rmt_inf,
                    rltd_dts,
                    rltd_pric,
                    rltd_qties,
                    fin_instrm_id,
                    tax,
                    rtr_inf,
                    corp_actn,
                    sfkpg_acct,
                    csh_dpst,
                    card_tx,
                    addtl_tx_inf,
                    splmtry_data,
                } = t;
                // Every canonical field named (a field the model gains fails to compile here).
                let EntryTransaction {
                    refs: out_refs,
                    amount: out_amount,
                    credit_debit: out_credit_debit,
                    instructed_amount: out_instructed,
                    bank_transaction_code: out_code,
                    parties: out_parties,
                    purpose: out_purpose,
                    remittance: out_remittance,
                    return_reason: out_return,
                    additional_info: out_info,
                } = out;
                *out_refs = opt!(refs, r => references(*r, &at.at("Refs"), sink)?);
                *out_amount = opt!(amt.as_ref(), m => amount(m)?);
                *out_credit_debit = cdt_dbt_ind.map(|c| credit_debit(c.as_str()));
                *out_instructed = match amt_dtls {
                    Some(d) => amount_details(*d, amt.as_ref(), &at.at("AmtDtls"), sink)?,
                    None => None,
                };
                sink.lost_many(at, "Avlbty", &avlbty);
                *out_code = opt!(bk_tx_cd, b => bank_transaction_code(*b)?);
                sink.lost_opt(at, "Chrgs", chrgs.as_ref());
                sink.lost_opt(at, "Intrst", intrst.as_ref());
                related_parties(rltd_pties, rltd_agts, at, sink, out_parties)?;
                sink.lost_opt(at, "LclInstrm", lcl_instrm.as_ref());
                *out_purpose =
                    opt!(purp, p => code_or_prop!(p, g::Purpose2Choice, payglot_core_model::Purpose::parse));
                sink.lost_many(at, "RltdRmtInf", &rltd_rmt_inf);
                *out_remittance = opt!(rmt_inf, r => remittance(r, &at.at("RmtInf"), sink)?);
                sink.lost_opt(at, "RltdDts", rltd_dts.as_deref());
                sink.lost_opt(at, "RltdPric", rltd_pric.as_ref());
                sink.lost_many(at, "RltdQties", &rltd_qties);
                sink.lost_opt(at, "FinInstrmId", fin_instrm_id.as_ref());
                sink.lost_opt(at, "Tax", tax.as_deref());
                *out_return = opt!(rtr_inf, r => {
                    let g::PaymentReturnReason5 { orgnl_bk_tx_cd, orgtr, rsn, addtl_inf } = *r;
                    let here = at.at("RtrInf");
                    sink.lost_opt(&here, "OrgnlBkTxCd", orgnl_bk_tx_cd.as_deref());
                    ReturnReasonInfo {
                        originator: opt_party(orgtr, &here, "Orgtr", sink)?,
                        reason: opt!(rsn, r => code_or_prop!(r, g::ReturnReason5Choice, ReturnReason::parse)),
                        additional_info: addtl_inf.into_iter().map(|x| Some(text!(x))).collect::<Option<Vec<_>>>()?,
                    }
                });
                sink.lost_opt(at, "CorpActn", corp_actn.as_ref());
                sink.lost_opt(at, "SfkpgAcct", sfkpg_acct.as_deref());
                sink.lost_many(at, "CshDpst", &csh_dpst);
                sink.lost_opt(at, "CardTx", card_tx.as_ref());
                *out_info = opt!(addtl_tx_inf, a => text!(a));
                sink.lost_many(at, "SplmtryData", &splmtry_data);
                Some(())
            }
        }
    };
}

/// The 2009 generation's entry (camt.053.001.02, camt.054.001.02) over the module `$g`.
macro_rules! entry_2009 {
    ($name:ident, $features:meta, $g:ident) => {
        #[cfg($features)]
        mod $name {
            use payglot_core_model::message::{
                BankTransactionCode, Entry, EntryBatch, EntryTransaction, RelatedParties, ReturnReasonInfo,
                TransactionRefs,
            };
            use payglot_core_model::{CodeOrProprietary, ReturnReason};

            use super::super::shared::{amount, code_or_prop, opt};
            use super::super::{At, Held, Sink, put};
            use super::{credit_debit, date_or_datetime_2009 as date_or_datetime};

            mod g {
                pub(crate) use super::super::$g::*;
                pub(crate) use super::super::$g::EntryDetails1 as EntryDetails;
                pub(crate) use super::super::$g::TransactionAgents2 as Agents;
                pub(crate) use super::super::$g::TransactionParty2 as Parties;
            }

            // The payment type mapping stays unused (a statement has none); `text!` is in
            // textual scope here (this module is declared after it), so its import is unused.
            #[allow(dead_code, unused_imports)]
            mod shared {
                super::super::super::shared_2009::shared_2009!(mapping, crate::codec::typed::camt::$g);
            }
            use shared::mapping::{account, agent, opt_party, party, remittance};

            common_parts!();

            pub(super) fn entry(e: g::ReportEntry2, at: &At<'_>, sink: &mut Sink) -> Option<Box<Entry>> {
                let g::ReportEntry2 {
                    ntry_ref,
                    amt,
                    cdt_dbt_ind,
                    rvsl_ind,
                    sts,
                    bookg_dt,
                    val_dt,
                    acct_svcr_ref,
                    avlbty,
                    bk_tx_cd,
                    comssn_wvr_ind,
                    addtl_inf_ind,
                    amt_dtls,
                    chrgs,
                    tech_inpt_chanl,
                    intrst,
                    ntry_dtls,
                    addtl_ntry_inf,
                } = e;
                let reference = opt!(ntry_ref, r => text!(r));
                let amount = amount(&amt)?;
                let status = CodeOrProprietary::Code(payglot_core_model::text::Text::try_from(sts.as_str()).ok()?);
                let booking_date = opt!(bookg_dt, d => date_or_datetime(d)?);
                let value_date = opt!(val_dt, d => date_or_datetime(d)?);
                let account_servicer_reference = opt!(acct_svcr_ref, r => text!(r));
                sink.lost_many(at, "Avlbty", &avlbty);
                let bank_transaction_code = bank_transaction_code(bk_tx_cd)?;
                sink.lost_opt_s(at, "ComssnWvrInd", comssn_wvr_ind.as_ref());
                sink.lost_opt(at, "AddtlInfInd", addtl_inf_ind.as_ref());
                sink.lost_opt(at, "AmtDtls", amt_dtls.as_deref());
                sink.lost_many(at, "Chrgs", &chrgs);
                sink.lost_opt(at, "TechInptChanl", tech_inpt_chanl.as_ref());
                sink.lost_many(at, "Intrst", &intrst);
                let (batch, transactions) = details(ntry_dtls, at, sink)?;
                // Written into its box where it is built (boxed after, a copy of its 416 bytes).
                Some(Box::write(Box::new_uninit(), Entry {
                    reference,
                    amount,
                    credit_debit: credit_debit(cdt_dbt_ind.as_str()),
                    reversal: rvsl_ind,
                    status,
                    booking_date,
                    value_date,
                    account_servicer_reference,
                    bank_transaction_code,
                    batch,
                    transactions,
                    additional_info: opt!(addtl_ntry_inf, a => text!(a)),
                }))
            }

            fn references(r: g::TransactionReferences2, at: &At<'_>, sink: &mut Sink) -> Option<TransactionRefs> {
                let g::TransactionReferences2 {
                    msg_id,
                    acct_svcr_ref,
                    pmt_inf_id,
                    instr_id,
                    end_to_end_id,
                    tx_id,
                    mndt_id,
                    chq_nb,
                    clr_sys_ref,
                    prtry,
                } = r;
                let refs = TransactionRefs {
                    message_id: opt!(msg_id, v => text!(v)),
                    account_servicer_reference: opt!(acct_svcr_ref, v => text!(v)),
                    payment_info_id: opt!(pmt_inf_id, v => text!(v)),
                    instruction_id: opt!(instr_id, v => text!(v)),
                    end_to_end_id: opt!(end_to_end_id, v => text!(v)),
                    uetr: None,
                    transaction_id: opt!(tx_id, v => text!(v)),
                    mandate_id: opt!(mndt_id, v => text!(v)),
                    cheque_number: opt!(chq_nb, v => text!(v)),
                    clearing_system_reference: opt!(clr_sys_ref, v => text!(v)),
                };
                sink.lost_opt(at, "Prtry", prtry.as_ref());
                Some(refs)
            }

            fn fill_parties(p: g::TransactionParty2, at: &At<'_>, sink: &mut Sink, out: &mut RelatedParties) -> Option<()> {
                let g::TransactionParty2 {
                    initg_pty,
                    dbtr,
                    dbtr_acct,
                    ultmt_dbtr,
                    cdtr,
                    cdtr_acct,
                    ultmt_cdtr,
                    tradg_pty,
                    prtry,
                } = p;
                sink.lost_opt(at, "InitgPty", initg_pty.as_ref());
                put(dbtr, at, "Dbtr", sink, &mut out.debtor, party)?;
                put(dbtr_acct, at, "DbtrAcct", sink, &mut out.debtor_account, account)?;
                put(ultmt_dbtr, at, "UltmtDbtr", sink, &mut out.ultimate_debtor, party)?;
                put(cdtr, at, "Cdtr", sink, &mut out.creditor, party)?;
                put(cdtr_acct, at, "CdtrAcct", sink, &mut out.creditor_account, account)?;
                put(ultmt_cdtr, at, "UltmtCdtr", sink, &mut out.ultimate_creditor, party)?;
                sink.lost_opt(at, "TradgPty", tradg_pty.as_ref());
                sink.lost_many(at, "Prtry", &prtry);
                Some(())
            }

            fn fill_agents(a: g::TransactionAgents2, at: &At<'_>, sink: &mut Sink, out: &mut RelatedParties) -> Option<()> {
                let g::TransactionAgents2 {
                    dbtr_agt,
                    cdtr_agt,
                    intrmy_agt1,
                    intrmy_agt2,
                    intrmy_agt3,
                    rcvg_agt,
                    dlvrg_agt,
                    issg_agt,
                    sttlm_plc,
                    prtry,
                } = a;
                put(dbtr_agt, at, "DbtrAgt", sink, &mut out.debtor_agent, agent)?;
                put(cdtr_agt, at, "CdtrAgt", sink, &mut out.creditor_agent, agent)?;
                for (agent, name) in [
                    (intrmy_agt1, "IntrmyAgt1"),
                    (intrmy_agt2, "IntrmyAgt2"),
                    (intrmy_agt3, "IntrmyAgt3"),
                    (rcvg_agt, "RcvgAgt"),
                    (dlvrg_agt, "DlvrgAgt"),
                    (issg_agt, "IssgAgt"),
                    (sttlm_plc, "SttlmPlc"),
                ] {
                    sink.lost_opt(at, name, agent.as_deref());
                }
                sink.lost_many(at, "Prtry", &prtry);
                Some(())
            }

            /// `AmtDtls`: the instructed and transaction amounts kept (their exchange details
            /// lost), the others lost.
            fn amount_details(
                d: g::AmountAndCurrencyExchange3,
                at: &At<'_>,
                sink: &mut Sink,
            ) -> Option<(Option<payglot_core_model::Money>, Option<payglot_core_model::Money>)> {
                let g::AmountAndCurrencyExchange3 { instd_amt, tx_amt, cntr_val_amt, anncd_pstng_amt, prtry_amt } = d;
                let instructed = instructed(instd_amt, at, sink)?;
                let transaction = opt!(tx_amt, d => {
                    let g::AmountAndCurrencyExchangeDetails3 { amt, ccy_xchg } = d;
                    let kept = amount(&amt)?;
                    sink.lost_opt(&at.at("TxAmt"), "CcyXchg", ccy_xchg.as_deref());
                    kept
                });
                sink.lost_opt(at, "CntrValAmt", cntr_val_amt.as_ref());
                sink.lost_opt(at, "AnncdPstngAmt", anncd_pstng_amt.as_ref());
                sink.lost_many(at, "PrtryAmt", &prtry_amt);
                Some((instructed, transaction))
            }

            fn transaction(
                t: g::EntryTransaction2,
                at: &At<'_>,
                sink: &mut Sink,
                out: &mut EntryTransaction,
            ) -> Option<()> {
                let g::EntryTransaction2 {
                    refs,
                    amt_dtls,
                    avlbty,
                    bk_tx_cd,
                    chrgs,
                    intrst,
                    rltd_pties,
                    rltd_agts,
                    purp,
                    rltd_rmt_inf,
                    rmt_inf,
                    rltd_dts,
                    rltd_pric,
                    rltd_qties,
                    fin_instrm_id,
                    tax,
                    rtr_inf,
                    corp_actn,
                    sfkpg_acct,
                    addtl_tx_inf,
                } = t;
                // Every canonical field named (a field the model gains fails to compile here).
                let EntryTransaction {
                    refs: out_refs,
                    amount: out_amount,
                    credit_debit: _,
                    instructed_amount: out_instructed,
                    bank_transaction_code: out_code,
                    parties: out_parties,
                    purpose: out_purpose,
                    remittance: out_remittance,
                    return_reason: out_return,
                    additional_info: out_info,
                } = out;
                *out_refs = opt!(refs, r => references(*r, &at.at("Refs"), sink)?);
                (*out_instructed, *out_amount) = match amt_dtls {
                    Some(d) => amount_details(*d, &at.at("AmtDtls"), sink)?,
                    None => (None, None),
                };
                sink.lost_many(at, "Avlbty", &avlbty);
                *out_code = opt!(bk_tx_cd, b => bank_transaction_code(*b)?);
                sink.lost_many(at, "Chrgs", &chrgs);
                sink.lost_many(at, "Intrst", &intrst);
                related_parties(rltd_pties, rltd_agts, at, sink, out_parties)?;
                *out_purpose = opt!(purp, p => code_or_prop!(
                    p.choice,
                    g::Purpose2ChoiceChoice,
                    payglot_core_model::Purpose::parse
                ));
                sink.lost_many(at, "RltdRmtInf", &rltd_rmt_inf);
                *out_remittance = opt!(rmt_inf, r => remittance(r, &at.at("RmtInf"), sink)?);
                sink.lost_opt(at, "RltdDts", rltd_dts.as_deref());
                sink.lost_opt(at, "RltdPric", rltd_pric.as_ref());
                sink.lost_many(at, "RltdQties", &rltd_qties);
                sink.lost_opt(at, "FinInstrmId", fin_instrm_id.as_ref());
                sink.lost_opt(at, "Tax", tax.as_deref());
                *out_return = opt!(rtr_inf, r => {
                    let g::ReturnReasonInformation10 { orgnl_bk_tx_cd, orgtr, rsn, addtl_inf } = *r;
                    let here = at.at("RtrInf");
                    sink.lost_opt(&here, "OrgnlBkTxCd", orgnl_bk_tx_cd.as_deref());
                    ReturnReasonInfo {
                        originator: opt_party(orgtr, &here, "Orgtr", sink)?,
                        reason: opt!(rsn, r => code_or_prop!(r.choice, g::ReturnReason5ChoiceChoice, ReturnReason::parse)),
                        additional_info: addtl_inf.into_iter().map(|x| Some(text!(x))).collect::<Option<Vec<_>>>()?,
                    }
                });
                sink.lost_opt(at, "CorpActn", corp_actn.as_ref());
                sink.lost_opt(at, "SfkpgAcct", sfkpg_acct.as_deref());
                *out_info = opt!(addtl_tx_inf, a => text!(a));
                Some(())
            }
        }
    };
}

entry_2019!(s08, all(feature = "camt_053_001_08", feature = "pacs_008_001_08"), g53v08);
entry_2019!(n08, all(feature = "camt_054_001_08", feature = "pacs_008_001_08"), g54v08);
entry_2009!(s02, all(feature = "camt_053_001_02", feature = "pain_001_001_03"), g53v02);
entry_2009!(n02, all(feature = "camt_054_001_02", feature = "pain_001_001_03"), g54v02);

/// `Dt | DtTm` (2019 choice).
#[cfg(any(feature = "camt_053_001_08", feature = "camt_054_001_08"))]
fn date_or_datetime_2019(d: crate::generated::common::DateAndDateTime2Choice) -> Option<DateOrDateTime> {
    use crate::generated::common::DateAndDateTime2Choice as C;
    Some(match d {
        C::Dt(d) => DateOrDateTime::Date(super::date(d)?),
        C::DtTm(t) => DateOrDateTime::DateTime(super::datetime(t)?),
    })
}

/// `Dt | DtTm` (2009 choice, wrapped).
#[cfg(any(feature = "camt_053_001_02", feature = "camt_054_001_02"))]
fn date_or_datetime_2009(d: crate::generated::common::DateAndDateTimeChoice) -> Option<DateOrDateTime> {
    use crate::generated::common::DateAndDateTimeChoiceChoice as C;
    Some(match d.choice {
        C::Dt(d) => DateOrDateTime::Date(super::date(d)?),
        C::DtTm(t) => DateOrDateTime::DateTime(super::datetime(t)?),
    })
}

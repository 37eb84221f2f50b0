//! Construction of the 2019 types each schema generates under the same name and shape
//! (`PartyIdentification135`, `CashAccount38`, `BranchAndFinancialInstitutionIdentification6`,
//! `RemittanceInformation16`, the `Cd`/`Prtry` choices...): one body, instantiated per generated
//! module by `era2019!(module)`, so pacs.008.001.08 and pain.001.001.09 share it without a copy.
//! Each function builds what `common::Out`'s method of the same name writes, with its losses.

/// `Othr` of an organisation, a person or an institution (type `$t` of the generated module `g`
/// in scope): the same three fields in every era.
macro_rules! generic_id {
    ($t:ident, $id:expr, $path:expr) => {{
        let (id, path): (&payglot_core_model::GenericId<_>, &dyn std::fmt::Display) = ($id, $path);
        g::$t {
            id: leaf(id.id.as_str(), "Id", path)?,
            schme_nm: opt_choice(id.scheme.as_ref(), "SchmeNm", path)?,
            issr: text(id.issuer.as_ref(), "Issr", path)?,
        }
    }};
}

/// An account's id as the branch of choice type `$choice` of the generated module `g` in scope
/// (`IBAN` or `Othr`); without one (a proxy alone) the account cannot be written.
macro_rules! account_id {
    ($choice:ident, $out:expr, $path:expr, $account:expr) => {{
        let (out, path, account): (&mut Out, &dyn std::fmt::Display, &payglot_core_model::Account) =
            ($out, $path, $account);
        match &account.id {
            Some(AccountId::Iban(iban)) => g::$choice::IBAN(leaf(iban.expose(), "IBAN", &FieldPath(path, "id"))?),
            Some(AccountId::Other { id, scheme, issuer }) => {
                let p = FieldPath(path, "id");
                g::$choice::Othr(g::GenericAccountIdentification1 {
                    id: leaf(id.expose(), "Id", &p)?,
                    schme_nm: opt_choice(scheme.as_ref(), "SchmeNm", &p)?,
                    issr: text(issuer.as_ref(), "Issr", &p)?,
                })
            }
            None => {
                return Err(unrepresentable(
                    &FieldPath(path, "proxy"),
                    format!("{} requires an account id; a proxy alone cannot be written", out.version),
                ));
            }
        }
    }};
}

/// `opt_party`, `opt_account` and `opt_agent` over an era's `party`, `account` and `agent`.
macro_rules! optional {
    ($party:ident, $account:ident, $agent:ident) => {
        pub(crate) fn opt_party<H: Held<g::$party>>(
            out: &mut Out,
            path: &dyn Display,
            party: Option<&Party>,
        ) -> R<Option<H>> {
            party.map(|p| self::party(out, path, p).map(Held::hold)).transpose()
        }

        pub(crate) fn opt_account<H: Held<g::$account>>(
            out: &mut Out,
            path: &dyn Display,
            account: Option<&Account>,
        ) -> R<Option<H>> {
            account.map(|a| self::account(out, path, a).map(Held::hold)).transpose()
        }

        pub(crate) fn opt_agent<H: Held<g::$agent>>(
            out: &mut Out,
            path: &dyn Display,
            agent: Option<&Agent>,
        ) -> R<Option<H>> {
            agent.map(|a| self::agent(out, path, a).map(Held::hold)).transpose()
        }
    };
}

/// What a transaction has after its creditor and the builders shared by both eras' macros,
/// over the generated module `g` in scope: `CreditorSide`/`creditor_side`, `remittance` (with
/// its structured part; `referred_document` and `remittance_amount` in scope build the era's
/// referred document and amounts), `intermediaries`.
macro_rules! transaction_side {
    (
        $account:ident, $party:ident, $agent:ident, $remittance:ident, $structured:ident,
        structured_extra: { $($structured_extra:tt)* },
    ) => {
        /// What a transaction has after its creditor, in every credit transfer's order.
        /// (Its structures each inline or boxed, as the transaction holds them: `Held`.)
        pub(crate) struct CreditorSide<Account, Party, Purpose, Remittance> {
            pub(crate) cdtr_acct: Option<Account>,
            pub(crate) ultmt_cdtr: Option<Party>,
            pub(crate) instr_for_cdtr_agt: Vec<crate::generated::common::InstructionForCreditorAgent1>,
            pub(crate) purp: Option<Purpose>,
            pub(crate) rgltry_rptg: Vec<crate::generated::common::RegulatoryReporting3>,
            pub(crate) rmt_inf: Option<Remittance>,
        }

        /// `CdtrAcct`, `UltmtCdtr`, `InstrForCdtrAgt`, `Purp`, `RgltryRptg` and `RmtInf` of `t`.
        pub(crate) fn creditor_side<
            Account: Held<g::$account>,
            Party: Held<g::$party>,
            Purpose: Held<g::Purpose2Choice>,
            Remittance: Held<g::$remittance>,
        >(
            out: &mut Out,
            t: &payglot_core_model::transfer::CreditTransfer,
            path: &dyn Display,
        ) -> R<CreditorSide<Account, Party, Purpose, Remittance>> {
            Ok(CreditorSide {
                cdtr_acct: opt_account(out, &FieldPath(path, "creditor_account"), t.creditor_account.as_ref())?,
                ultmt_cdtr: opt_party(out, &FieldPath(path, "ultimate_creditor"), t.ultimate_creditor.as_ref())?,
                instr_for_cdtr_agt: super::instructions(&t.instructions_for_creditor_agent, path)?,
                purp: opt_choice(t.purpose.as_ref(), "Purp", &FieldPath(path, "purpose"))?,
                rgltry_rptg: super::regulatory(out, &t.regulatory_reporting, path)?,
                rmt_inf: remittance(out, &FieldPath(path, "remittance"), t.remittance.as_ref())?,
            })
        }

        /// `RmtInf` (`Out::remittance`).
        pub(crate) fn remittance<H: Held<g::$remittance>>(
            out: &mut Out,
            path: &dyn Display,
            remittance: Option<&Remittance>,
        ) -> R<Option<H>> {
            let Some(r) = remittance else { return Ok(None) };
            let ustrd = texts(&r.unstructured, "Ustrd", &FieldPath(path, "unstructured"))?;
            let mut strd = Vec::with_capacity(r.structured.len());
            for (i, s) in r.structured.iter().enumerate() {
                strd.push(structured(out, &format_args!("{path}/structured/{i}"), s)?);
            }
            Ok(Some(Held::hold(g::$remittance { ustrd, strd })))
        }

        fn structured(
            out: &mut Out,
            path: &dyn Display,
            s: &StructuredRemittance,
        ) -> R<g::$structured> {
            let rfrd_doc_inf = s
                .referred_documents
                .iter()
                .map(|d| referred_document(d, &FieldPath(path, "referred_documents")))
                .collect::<R<_>>()?;
            let rfrd_doc_amt = remittance_amount(s.due_amount.as_ref(), s.remitted_amount.as_ref(), path)?;
            let cdtr_ref_inf = match &s.creditor_reference {
                None => None,
                Some(c) => {
                    let p = FieldPath(path, "creditor_reference");
                    let tp = match &c.kind {
                        Some(kind) => Some(Held::hold(g::CreditorReferenceType2 {
                            cd_or_prtry: choice(kind, "CdOrPrtry", &p)?,
                            issr: text(c.issuer.as_ref(), "Issr", &p)?,
                        })),
                        None => {
                            out.drop_if(
                                c.issuer.is_some(),
                                format_args!("{path}/creditor_reference/issuer"),
                                "an issuer without a type",
                            );
                            None
                        }
                    };
                    Some(Held::hold(g::CreditorReferenceInformation2 {
                        tp,
                        ref_: text(c.reference.as_ref(), "Ref", &p)?,
                    }))
                }
            };
            let invcr = opt_party(out, &FieldPath(path, "invoicer"), s.invoicer.as_ref())?;
            let invcee = opt_party(out, &FieldPath(path, "invoicee"), s.invoicee.as_ref())?;
            let mut addtl_rmt_inf = Vec::with_capacity(s.additional_info.len().min(3));
            for (j, line) in s.additional_info.iter().enumerate() {
                if j < 3 {
                    addtl_rmt_inf.push(leaf(
                        line.as_str(),
                        "AddtlRmtInf",
                        &format_args!("{path}/additional_info/{j}"),
                    )?);
                } else {
                    out.drop_if(
                        true,
                        format_args!("{path}/additional_info/{j}"),
                        "more than 3 additional remittance lines",
                    );
                }
            }
            Ok(g::$structured {
                rfrd_doc_inf,
                rfrd_doc_amt,
                cdtr_ref_inf,
                invcr,
                invcee,
                $($structured_extra)*
                addtl_rmt_inf,
            })
        }

        /// The three intermediary agents (a fourth and more dropped).
        pub(crate) fn intermediaries<H: Held<g::$agent>>(
            out: &mut Out,
            path: &dyn Display,
            agents: &[Agent],
        ) -> R<[Option<H>; 3]> {
            let mut slots: [Option<H>; 3] = Default::default();
            for (i, agent) in agents.iter().enumerate() {
                match slots.get_mut(i) {
                    Some(slot) => {
                        *slot = Some(Held::hold(agent_at(out, path, i, agent)?));
                    }
                    None => out.drop_if(
                        true,
                        format_args!("{path}/intermediary_agents/{i}"),
                        "a fourth intermediary agent",
                    ),
                }
            }
            Ok(slots)
        }

        fn agent_at(
            out: &mut Out,
            path: &dyn Display,
            i: usize,
            agent: &Agent,
        ) -> R<g::$agent> {
            self::agent(out, &format_args!("{path}/intermediary_agents/{i}"), agent)
        }
    };
}

/// Builders for the 2019 types of generated module `$g`, in a module of the same name.
macro_rules! era2019 {
    ($g:ident) => {
        // Each message uses the builders its content needs (pacs.004 no remittance).
        #[allow(dead_code)]
        pub(crate) mod $g {
            use std::fmt::Display;

            use payglot_core_model::transfer::{Remittance, StructuredRemittance};
            use payglot_core_model::{Account, AccountId, Agent, Bic, Lei, Party, PartyId};

            use super::{
                FieldPath, R, birth, choice, contact, country, leaf, opt_choice, opt_leaf, postal_address, proxy,
                referred_document, remittance_amount, text, texts, unrepresentable,
            };
            use crate::codec::common::Out;
            use crate::codec::typed::Held;
            use crate::generated::$g as g;

            code_choice!(
                g::AccountSchemeName1Choice,
                g::CashAccountType2Choice,
                g::CategoryPurpose1Choice,
                g::ClearingSystemIdentification2Choice,
                g::CreditorReferenceType1Choice,
                g::FinancialIdentificationSchemeName1Choice,
                g::LocalInstrument2Choice,
                g::OrganisationIdentificationSchemeName1Choice,
                g::PersonIdentificationSchemeName1Choice,
                g::Purpose2Choice,
                g::ServiceLevel8Choice,
            );

            /// A party (`Out::party`).
            pub(crate) fn party(out: &mut Out, path: &dyn Display, party: &Party) -> R<g::PartyIdentification135> {
                let pstl_adr = postal_address(out, &FieldPath(path, "postal_address"), party.postal_address.as_ref())?;
                let id = match &party.id {
                    None => None,
                    Some(PartyId::Organisation { any_bic, lei, others }) => {
                        let p = FieldPath(path, "id/organisation");
                        Some(Held::hold(g::Party38Choice::OrgId(g::OrganisationIdentification29 {
                            any_bic: opt_leaf(any_bic.as_ref().map(Bic::as_str), "AnyBIC", &p)?,
                            lei: opt_leaf(lei.as_ref().map(Lei::as_str), "LEI", &p)?,
                            othr: others
                                .iter()
                                .map(|o| Ok(generic_id!(GenericOrganisationIdentification1, o, &p)))
                                .collect::<R<_>>()?,
                        })))
                    }
                    Some(PartyId::Private { birth: b, others }) => {
                        let p = FieldPath(path, "id/private");
                        Some(Held::hold(g::Party38Choice::PrvtId(g::PersonIdentification13 {
                            dt_and_plc_of_birth: birth(&p, b.as_ref())?,
                            othr: others
                                .iter()
                                .map(|o| Ok(generic_id!(GenericPersonIdentification1, o, &p)))
                                .collect::<R<_>>()?,
                        })))
                    }
                };
                Ok(g::PartyIdentification135 {
                    nm: text(party.name.as_ref(), "Nm", &FieldPath(path, "name"))?,
                    pstl_adr,
                    id,
                    ctry_of_res: country(
                        party.country_of_residence.as_ref(),
                        "CtryOfRes",
                        &FieldPath(path, "country_of_residence"),
                    )?,
                    ctct_dtls: contact(path, party.contact.as_ref())?,
                })
            }

            /// An account (`Out::account`): without an id (a proxy alone) it cannot be written.
            pub(crate) fn account(out: &mut Out, path: &dyn Display, account: &Account) -> R<g::CashAccount38> {
                let id = account_id!(AccountIdentification4Choice, out, path, account);
                Ok(g::CashAccount38 {
                    id,
                    tp: opt_choice(account.account_type.as_ref(), "Tp", &FieldPath(path, "account_type"))?,
                    ccy: opt_leaf(account.currency.map(|c| c.code()), "Ccy", &FieldPath(path, "currency"))?,
                    nm: text(account.name.as_ref(), "Nm", &FieldPath(path, "name"))?,
                    prxy: account
                        .proxy
                        .as_ref()
                        .map(|p| proxy(p, &FieldPath(path, "proxy")).map(Held::hold))
                        .transpose()?,
                })
            }

            /// An agent (`Out::agent`).
            pub(crate) fn agent(
                out: &mut Out,
                path: &dyn Display,
                agent: &Agent,
            ) -> R<g::BranchAndFinancialInstitutionIdentification6> {
                let clr_sys_mmb_id = match &agent.clearing_member {
                    None => None,
                    Some(m) => {
                        let p = FieldPath(path, "clearing_member");
                        Some(Held::hold(g::ClearingSystemMemberIdentification2 {
                            clr_sys_id: opt_choice(m.system.as_ref(), "ClrSysId", &p)?,
                            mmb_id: leaf(m.member_id.as_str(), "MmbId", &p)?,
                        }))
                    }
                };
                let lei = opt_leaf(agent.lei.as_ref().map(Lei::as_str), "LEI", &FieldPath(path, "lei"))?;
                let nm = text(agent.name.as_ref(), "Nm", &FieldPath(path, "name"))?;
                let pstl_adr = postal_address(out, &FieldPath(path, "postal_address"), agent.postal_address.as_ref())?;
                Ok(g::BranchAndFinancialInstitutionIdentification6 {
                    fin_instn_id: g::FinancialInstitutionIdentification18 {
                        bicfi: opt_leaf(agent.bic.as_ref().map(Bic::as_str), "BICFI", &FieldPath(path, "bic"))?,
                        clr_sys_mmb_id,
                        lei,
                        nm,
                        pstl_adr,
                        othr: match &agent.other_id {
                            Some(o) => Some(Held::hold(generic_id!(
                                GenericFinancialIdentification1,
                                o,
                                &FieldPath(path, "other_id")
                            ))),
                            None => None,
                        },
                    },
                    brnch_id: agent
                        .branch_id
                        .as_ref()
                        .map(|b| {
                            Ok::<_, payglot_core_model::EncodeError>(Held::hold(crate::generated::common::BranchData3 {
                                id: Some(leaf(b.as_str(), "Id", &FieldPath(path, "branch_id"))?),
                                lei: None,
                                nm: None,
                                pstl_adr: None,
                            }))
                        })
                        .transpose()?,
                })
            }

            /// `PmtTpInf`'s service levels, local instrument and category purpose.
            pub(crate) fn payment_type_codes<
                Local: Held<g::LocalInstrument2Choice>,
                Category: Held<g::CategoryPurpose1Choice>,
            >(
                pt: &payglot_core_model::PaymentType,
                path: &dyn Display,
            ) -> R<(Vec<g::ServiceLevel8Choice>, Option<Local>, Option<Category>)> {
                Ok((
                    pt.service_levels.iter().map(|l| choice(l, "SvcLvl", path)).collect::<R<_>>()?,
                    opt_choice(pt.local_instrument.as_ref(), "LclInstrm", path)?,
                    opt_choice(pt.category_purpose.as_ref(), "CtgyPurp", path)?,
                ))
            }

            optional!(PartyIdentification135, CashAccount38, BranchAndFinancialInstitutionIdentification6);

            /// The group header's instructing and instructed agents, then what the header has
            /// that the interbank messages do not write (`codec::header_losses`).
            pub(crate) fn header_agents<H: Held<g::BranchAndFinancialInstitutionIdentification6>>(
                out: &mut Out,
                header: &payglot_core_model::message::GroupHeader,
                base: &str,
            ) -> R<(Option<H>, Option<H>)> {
                let instg = opt_agent(out, &format_args!("{base}/header/instructing_agent"), header.instructing_agent.as_ref())?;
                let instd = opt_agent(out, &format_args!("{base}/header/instructed_agent"), header.instructed_agent.as_ref())?;
                crate::codec::header_losses(
                    out,
                    header,
                    format_args!("{base}/header"),
                    &["instructing_agent", "instructed_agent"],
                );
                Ok((instg, instd))
            }

            transaction_side!(
                CashAccount38,
                PartyIdentification135,
                BranchAndFinancialInstitutionIdentification6,
                RemittanceInformation16,
                StructuredRemittanceInformation16,
                structured_extra: { tax_rmt: None, grnshmt_rmt: None, },
            );
        }
    };
}

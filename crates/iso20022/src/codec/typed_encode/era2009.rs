//! Construction of the 2009 types a schema generates under its own names
//! (`PartyIdentification32`, `CashAccount16`, `BranchAndFinancialInstitutionIdentification4`,
//! `RemittanceInformation5`, the `Cd`/`Prtry` choices wrapped in a `choice` field...), for
//! pain.001.001.03: `era2009!(module)` instantiates one body per generated module, as
//! `era2019!` does for the 2019 types. Each function builds what `common::Out`'s method of the
//! same name writes in the `Old` era, with its losses in its order.

/// `CodeChoice` for a 2009 choice type `$outer { choice: $inner }` whose `$inner` has
/// `Cd`/`Prtry` branches.
macro_rules! wrapped_code_choice {
    ($($outer:ty => $inner:ty),* $(,)?) => {$(
        impl $crate::codec::typed_encode::CodeChoice for $outer {
            fn build<C: std::fmt::Display>(
                v: &payglot_core_model::CodeOrProprietary<C>,
                element: &str,
                path: &dyn std::fmt::Display,
            ) -> Result<Self, payglot_core_model::EncodeError> {
                Ok(Self { choice: <$inner as $crate::codec::typed_encode::CodeChoice>::build(v, element, path)? })
            }
        }
    )*};
}

/// Builders for the 2009 types of generated module `$g`, in a module of the same name.
macro_rules! era2009 {
    ($g:ident) => {
        pub(crate) mod $g {
            use std::fmt::Display;

            use payglot_core_model::transfer::{Remittance, StructuredRemittance};
            use payglot_core_model::{
                Account, AccountId, Agent, Bic, CodeOrProprietary, GenericId, Party, PartyId, PostalAddress,
            };

            use super::{
                FieldPath, R, birth_2009, choice, country, leaf, opt_choice, opt_leaf, opt_money, text, texts,
                unrepresentable,
            };
            use crate::codec::common::Out;
            use crate::generated::common as gc;
            use crate::generated::$g as g;

            code_choice!(g::CashAccountType2Choice);
            wrapped_code_choice!(
                g::AccountSchemeName1Choice => gc::AccountSchemeName1ChoiceChoice,
                g::CashAccountType2 => g::CashAccountType2Choice,
                g::CategoryPurpose1Choice => gc::CategoryPurpose1ChoiceChoice,
                g::ClearingSystemIdentification2Choice => gc::ClearingSystemIdentification2ChoiceChoice,
                g::CreditorReferenceType1Choice => gc::CreditorReferenceType1ChoiceChoice,
                g::FinancialIdentificationSchemeName1Choice => gc::FinancialIdentificationSchemeName1ChoiceChoice,
                g::LocalInstrument2Choice => gc::LocalInstrument2ChoiceChoice,
                g::OrganisationIdentificationSchemeName1Choice => gc::OrganisationIdentificationSchemeName1ChoiceChoice,
                g::PersonIdentificationSchemeName1Choice => gc::PersonIdentificationSchemeName1ChoiceChoice,
                g::Purpose2Choice => gc::Purpose2ChoiceChoice,
                g::ServiceLevel8Choice => gc::ServiceLevel8ChoiceChoice,
            );

            /// `Othr` of an organisation, a person or an institution: the same three fields.
            macro_rules! generic_id {
                ($t:ident, $id:expr, $path:expr) => {{
                    let (id, path): (&GenericId<_>, &dyn Display) = ($id, $path);
                    g::$t {
                        id: leaf(id.id.as_str(), "Id", path)?,
                        schme_nm: opt_choice(id.scheme.as_ref(), "SchmeNm", path)?,
                        issr: text(id.issuer.as_ref(), "Issr", path)?,
                    }
                }};
            }

            /// `PostalAddress6` (`Out::postal_address`, `Old` era).
            pub(crate) fn postal_address(
                out: &mut Out,
                path: &dyn Display,
                a: Option<&PostalAddress>,
            ) -> R<Option<Box<gc::PostalAddress6>>> {
                let Some(a) = a else { return Ok(None) };
                let adr_tp = match &a.address_type {
                    Some(CodeOrProprietary::Code(code)) => {
                        Some(leaf(code.as_str(), "AdrTp", &FieldPath(path, "address_type"))?)
                    }
                    Some(CodeOrProprietary::Proprietary(_)) => {
                        out.drop_if(true, format_args!("{path}/address_type"), "a proprietary address type");
                        None
                    }
                    None => None,
                };
                for (present, field) in [
                    (a.building_name.is_some(), "building_name"),
                    (a.floor.is_some(), "floor"),
                    (a.post_box.is_some(), "post_box"),
                    (a.room.is_some(), "room"),
                ] {
                    out.drop_if(present, format_args!("{path}/{field}"), field);
                }
                out.drop_if(
                    a.town_location_name.is_some(),
                    format_args!("{path}/town_location_name"),
                    "town_location_name",
                );
                out.drop_if(a.district_name.is_some(), format_args!("{path}/district_name"), "district_name");
                let mut adr_line = Vec::with_capacity(a.address_lines.len().min(7));
                for (i, line) in a.address_lines.iter().enumerate() {
                    if i < 7 {
                        adr_line.push(leaf(line.as_str(), "AdrLine", &format_args!("{path}/address_lines/{i}"))?);
                    } else {
                        out.drop_if(true, format_args!("{path}/address_lines/{i}"), "more than 7 address lines");
                    }
                }
                let f = |field: &'static str| FieldPath(path, field);
                Ok(Some(Box::new(gc::PostalAddress6 {
                    adr_tp,
                    dept: text(a.department.as_ref(), "Dept", &f("department"))?,
                    sub_dept: text(a.sub_department.as_ref(), "SubDept", &f("sub_department"))?,
                    strt_nm: text(a.street_name.as_ref(), "StrtNm", &f("street_name"))?,
                    bldg_nb: text(a.building_number.as_ref(), "BldgNb", &f("building_number"))?,
                    pst_cd: text(a.post_code.as_ref(), "PstCd", &f("post_code"))?,
                    twn_nm: text(a.town_name.as_ref(), "TwnNm", &f("town_name"))?,
                    ctry_sub_dvsn: text(a.country_sub_division.as_ref(), "CtrySubDvsn", &f("country_sub_division"))?,
                    ctry: country(a.country.as_ref(), "Ctry", &f("country"))?,
                    adr_line,
                })))
            }

            /// A party (`Out::party`, `Old` era: `BICOrBEI`, no LEI).
            pub(crate) fn party(out: &mut Out, path: &dyn Display, party: &Party) -> R<g::PartyIdentification32> {
                let pstl_adr =
                    postal_address(out, &FieldPath(path, "postal_address"), party.postal_address.as_ref())?;
                let id = match &party.id {
                    None => None,
                    Some(PartyId::Organisation { any_bic, lei, others }) => {
                        let p = FieldPath(path, "id/organisation");
                        let bic_or_bei = opt_leaf(any_bic.as_ref().map(Bic::as_str), "BICOrBEI", &p)?;
                        out.drop_if(lei.is_some(), format_args!("{path}/id/organisation/lei"), "an LEI");
                        Some(Box::new(g::Party6Choice {
                            choice: g::Party6ChoiceChoice::OrgId(g::OrganisationIdentification4 {
                                bic_or_bei,
                                othr: others
                                    .iter()
                                    .map(|o| Ok(generic_id!(GenericOrganisationIdentification1, o, &p)))
                                    .collect::<R<_>>()?,
                            }),
                        }))
                    }
                    Some(PartyId::Private { birth, others }) => {
                        let p = FieldPath(path, "id/private");
                        Some(Box::new(g::Party6Choice {
                            choice: g::Party6ChoiceChoice::PrvtId(g::PersonIdentification5 {
                                dt_and_plc_of_birth: birth_2009(&p, birth.as_ref())?,
                                othr: others
                                    .iter()
                                    .map(|o| Ok(generic_id!(GenericPersonIdentification1, o, &p)))
                                    .collect::<R<_>>()?,
                            }),
                        }))
                    }
                };
                let ctct_dtls = match &party.contact {
                    None => None,
                    Some(c) => {
                        let p = FieldPath(path, "contact");
                        Some(Box::new(gc::ContactDetails2 {
                            nm_prfx: None,
                            nm: text(c.name.as_ref(), "Nm", &p)?,
                            phne_nb: text(c.phone.as_ref(), "PhneNb", &p)?,
                            mob_nb: text(c.mobile.as_ref(), "MobNb", &p)?,
                            fax_nb: None,
                            email_adr: text(c.email.as_ref(), "EmailAdr", &p)?,
                            othr: None,
                        }))
                    }
                };
                Ok(g::PartyIdentification32 {
                    nm: text(party.name.as_ref(), "Nm", &FieldPath(path, "name"))?,
                    pstl_adr,
                    id,
                    ctry_of_res: country(
                        party.country_of_residence.as_ref(),
                        "CtryOfRes",
                        &FieldPath(path, "country_of_residence"),
                    )?,
                    ctct_dtls,
                })
            }

            pub(crate) fn opt_party(
                out: &mut Out,
                path: &dyn Display,
                party: Option<&Party>,
            ) -> R<Option<Box<g::PartyIdentification32>>> {
                party.map(|p| self::party(out, path, p).map(Box::new)).transpose()
            }

            /// An account (`Out::account`, `Old` era: a proxy dropped; without an id it cannot
            /// be written).
            pub(crate) fn account(out: &mut Out, path: &dyn Display, account: &Account) -> R<g::CashAccount16> {
                let choice = match &account.id {
                    Some(AccountId::Iban(iban)) => {
                        g::AccountIdentification4ChoiceChoice::IBAN(leaf(iban.expose(), "IBAN", &FieldPath(path, "id"))?)
                    }
                    Some(AccountId::Other { id, scheme, issuer }) => {
                        let p = FieldPath(path, "id");
                        g::AccountIdentification4ChoiceChoice::Othr(g::GenericAccountIdentification1 {
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
                };
                let built = g::CashAccount16 {
                    id: g::AccountIdentification4Choice { choice },
                    tp: opt_choice(account.account_type.as_ref(), "Tp", &FieldPath(path, "account_type"))?,
                    ccy: opt_leaf(account.currency.map(|c| c.code()), "Ccy", &FieldPath(path, "currency"))?,
                    nm: text(account.name.as_ref(), "Nm", &FieldPath(path, "name"))?,
                };
                out.drop_if(account.proxy.is_some(), format_args!("{path}/proxy"), "an account proxy");
                Ok(built)
            }

            pub(crate) fn opt_account(
                out: &mut Out,
                path: &dyn Display,
                account: Option<&Account>,
            ) -> R<Option<Box<g::CashAccount16>>> {
                account.map(|a| self::account(out, path, a).map(Box::new)).transpose()
            }

            /// An agent (`Out::agent`, `Old` era: `BIC`, no LEI).
            pub(crate) fn agent(
                out: &mut Out,
                path: &dyn Display,
                agent: &Agent,
            ) -> R<g::BranchAndFinancialInstitutionIdentification4> {
                let bic = opt_leaf(agent.bic.as_ref().map(Bic::as_str), "BIC", &FieldPath(path, "bic"))?;
                let clr_sys_mmb_id = match &agent.clearing_member {
                    None => None,
                    Some(m) => {
                        let p = FieldPath(path, "clearing_member");
                        Some(Box::new(g::ClearingSystemMemberIdentification2 {
                            clr_sys_id: opt_choice(m.system.as_ref(), "ClrSysId", &p)?,
                            mmb_id: leaf(m.member_id.as_str(), "MmbId", &p)?,
                        }))
                    }
                };
                out.drop_if(agent.lei.is_some(), format_args!("{path}/lei"), "an agent LEI");
                let nm = text(agent.name.as_ref(), "Nm", &FieldPath(path, "name"))?;
                let pstl_adr =
                    postal_address(out, &FieldPath(path, "postal_address"), agent.postal_address.as_ref())?;
                Ok(g::BranchAndFinancialInstitutionIdentification4 {
                    fin_instn_id: g::FinancialInstitutionIdentification7 {
                        bic,
                        clr_sys_mmb_id,
                        nm,
                        pstl_adr,
                        othr: match &agent.other_id {
                            Some(o) => Some(Box::new(generic_id!(
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
                            Ok::<_, payglot_core_model::EncodeError>(Box::new(gc::BranchData2 {
                                id: Some(leaf(b.as_str(), "Id", &FieldPath(path, "branch_id"))?),
                                nm: None,
                                pstl_adr: None,
                            }))
                        })
                        .transpose()?,
                })
            }

            pub(crate) fn opt_agent(
                out: &mut Out,
                path: &dyn Display,
                agent: Option<&Agent>,
            ) -> R<Option<Box<g::BranchAndFinancialInstitutionIdentification4>>> {
                agent.map(|a| self::agent(out, path, a).map(Box::new)).transpose()
            }

            creditor_side!(CashAccount16, PartyIdentification32, RemittanceInformation5);

            /// `RmtInf` (`Out::remittance`).
            pub(crate) fn remittance(
                out: &mut Out,
                path: &dyn Display,
                remittance: Option<&Remittance>,
            ) -> R<Option<Box<g::RemittanceInformation5>>> {
                let Some(r) = remittance else { return Ok(None) };
                let ustrd = texts(&r.unstructured, "Ustrd", &FieldPath(path, "unstructured"))?;
                let mut strd = Vec::with_capacity(r.structured.len());
                for (i, s) in r.structured.iter().enumerate() {
                    strd.push(structured(out, &format_args!("{path}/structured/{i}"), s)?);
                }
                Ok(Some(Box::new(g::RemittanceInformation5 { ustrd, strd })))
            }

            fn structured(
                out: &mut Out,
                path: &dyn Display,
                s: &StructuredRemittance,
            ) -> R<g::StructuredRemittanceInformation7> {
                let p = FieldPath(path, "referred_documents");
                let rfrd_doc_inf = s
                    .referred_documents
                    .iter()
                    .map(|doc| {
                        Ok(gc::ReferredDocumentInformation3 {
                            tp: match &doc.kind {
                                Some(k) => Some(Box::new(gc::ReferredDocumentType2 {
                                    cd_or_prtry: gc::ReferredDocumentType1Choice { choice: choice(k, "CdOrPrtry", &p)? },
                                    issr: None,
                                })),
                                None => None,
                            },
                            nb: text(doc.number.as_ref(), "Nb", &p)?,
                            rltd_dt: doc.date.map(|d| super::date(&d, "RltdDt", &p)).transpose()?,
                        })
                    })
                    .collect::<R<_>>()?;
                let rfrd_doc_amt = if s.due_amount.is_some() || s.remitted_amount.is_some() {
                    Some(Box::new(gc::RemittanceAmount1 {
                        due_pybl_amt: opt_money(s.due_amount.as_ref(), "DuePyblAmt", path)?,
                        dscnt_apld_amt: None,
                        cdt_note_amt: None,
                        tax_amt: None,
                        adjstmnt_amt_and_rsn: Vec::new(),
                        rmtd_amt: opt_money(s.remitted_amount.as_ref(), "RmtdAmt", path)?,
                    }))
                } else {
                    None
                };
                let cdtr_ref_inf = match &s.creditor_reference {
                    None => None,
                    Some(c) => {
                        let p = FieldPath(path, "creditor_reference");
                        let tp = match &c.kind {
                            Some(kind) => Some(Box::new(g::CreditorReferenceType2 {
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
                        Some(Box::new(g::CreditorReferenceInformation2 {
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
                Ok(g::StructuredRemittanceInformation7 {
                    rfrd_doc_inf,
                    rfrd_doc_amt,
                    cdtr_ref_inf,
                    invcr,
                    invcee,
                    addtl_rmt_inf,
                })
            }

            /// The three intermediary agents (a fourth and more dropped).
            pub(crate) fn intermediaries(
                out: &mut Out,
                path: &dyn Display,
                agents: &[Agent],
            ) -> R<[Option<Box<g::BranchAndFinancialInstitutionIdentification4>>; 3]> {
                let mut slots: [Option<Box<g::BranchAndFinancialInstitutionIdentification4>>; 3] = Default::default();
                for (i, a) in agents.iter().enumerate() {
                    match slots.get_mut(i) {
                        Some(slot) => {
                            *slot = Some(Box::new(agent(out, &format_args!("{path}/intermediary_agents/{i}"), a)?));
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
        }
    };
}

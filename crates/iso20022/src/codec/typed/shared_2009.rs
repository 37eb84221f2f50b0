//! The typed mappings of the 2009-generation types (pain.001.001.03 and its siblings): parties,
//! addresses, accounts, agents, payment type, remittance — written once as [`shared_2009!`] and
//! expanded in each version's module over its generated types. The tree path's `Era::Old`
//! branches in `codec::common` are the reference. (Choices are wrapped in a struct with one
//! `choice` field in these versions.)

/// The 2009 mappings over the generated module `$g`, as the module `$name`.
macro_rules! shared_2009 {
    ($name:ident, $g:path) => {
        // A version uses the parts it needs (agents and accounts are mostly filled in place,
        // by `put` over `agent` and `account`).
        #[allow(dead_code)]
        pub(crate) mod $name {
            use payglot_core_model::codes::{
                AccountScheme, CashAccountType, ClearingSystem, OrganisationIdScheme, PersonIdScheme,
            };
            use payglot_core_model::transfer::{
                CreditorReferenceInfo, PaymentType, Priority, ReferredDocument, Remittance, StructuredRemittance,
            };
            use payglot_core_model::{
                Account, AccountId, AccountNumber, Agent, Bic, ClearingMemberId, CodeOrProprietary, Contact,
                CountryCode, Currency, DateAndPlaceOfBirth, Party, PartyId, PostalAddress,
            };
            use $g as g;
            use $crate::codec::typed::shared::{amount, code, code_or_prop, each, generic_id, iban_account, opt, text_of};
            use $crate::codec::typed::{At, Sink, date, text};

            pub(crate) fn party(p: g::PartyIdentification32, at: &At<'_>, sink: &mut Sink) -> Option<Party> {
                let g::PartyIdentification32 { nm, pstl_adr, id, ctry_of_res, ctct_dtls } = p;
                let name = opt!(nm, n => text!(n));
                let postal_address = opt!(pstl_adr, a => postal_address(*a)?);
                let id = opt!(id, i => party_id(i.choice)?);
                let country_of_residence = opt!(ctry_of_res, c => CountryCode::parse(c.as_str()).ok()?);
                let contact = opt!(ctct_dtls, c => {
                    let g::ContactDetails2 { nm_prfx, nm, phne_nb, mob_nb, fax_nb, email_adr, othr } = *c;
                    let here = at.at("CtctDtls");
                    sink.lost_opt_s(&here, "NmPrfx", nm_prfx.as_ref());
                    let name = opt!(nm, n => text!(n));
                    let phone = opt!(phne_nb, n => text!(n));
                    let mobile = opt!(mob_nb, n => text!(n));
                    sink.lost_opt_s(&here, "FaxNb", fax_nb.as_ref());
                    let email = opt!(email_adr, e => text!(e));
                    sink.lost_opt_s(&here, "Othr", othr.as_ref());
                    Contact { name, phone, mobile, email }
                });
                Some(Party { name, postal_address, id, country_of_residence, contact })
            }

            pub(crate) fn postal_address(a: g::PostalAddress6) -> Option<PostalAddress> {
                let g::PostalAddress6 { adr_tp, dept, sub_dept, strt_nm, bldg_nb, pst_cd, twn_nm, ctry_sub_dvsn, ctry, adr_line } =
                    a;
                Some(PostalAddress {
                    address_type: opt!(adr_tp, t => CodeOrProprietary::Code(code(t.as_str())?)),
                    department: opt!(dept, v => text!(v)),
                    sub_department: opt!(sub_dept, v => text!(v)),
                    street_name: opt!(strt_nm, v => text!(v)),
                    building_number: opt!(bldg_nb, v => text!(v)),
                    post_code: opt!(pst_cd, v => text!(v)),
                    town_name: opt!(twn_nm, v => text!(v)),
                    country_sub_division: opt!(ctry_sub_dvsn, v => text!(v)),
                    country: opt!(ctry, c => CountryCode::parse(c.as_str()).ok()?),
                    address_lines: each!(adr_line, l => text!(l)),
                    ..PostalAddress::default()
                })
            }

            fn party_id(id: g::Party6ChoiceChoice) -> Option<PartyId> {
                Some(match id {
                    g::Party6ChoiceChoice::OrgId(g::OrganisationIdentification4 { bic_or_bei, othr }) => {
                        PartyId::Organisation {
                            any_bic: opt!(bic_or_bei, b => Bic::parse(b.as_str()).ok()?),
                            lei: None,
                            others: each!(othr, o => generic_id!(
                                o,
                                g::GenericOrganisationIdentification1,
                                g::OrganisationIdentificationSchemeName1ChoiceChoice,
                                OrganisationIdScheme::parse,
                                choice
                            )),
                        }
                    }
                    g::Party6ChoiceChoice::PrvtId(g::PersonIdentification5 { dt_and_plc_of_birth, othr }) => {
                        let birth = opt!(dt_and_plc_of_birth, b => {
                            let g::DateAndPlaceOfBirth { birth_dt, prvc_of_birth, city_of_birth, ctry_of_birth } = b;
                            DateAndPlaceOfBirth {
                                birth_date: date(birth_dt)?,
                                province: opt!(prvc_of_birth, p => text!(p)),
                                city: text!(city_of_birth),
                                country: CountryCode::parse(ctry_of_birth.as_str()).ok()?,
                            }
                        });
                        PartyId::Private {
                            birth,
                            others: each!(othr, o => generic_id!(
                                o,
                                g::GenericPersonIdentification1,
                                g::PersonIdentificationSchemeName1ChoiceChoice,
                                PersonIdScheme::parse,
                                choice
                            )),
                        }
                    }
                })
            }

            pub(crate) fn account(a: g::CashAccount16, at: &At<'_>, sink: &mut Sink) -> Option<Account> {
                let g::CashAccount16 { id, tp, ccy, nm } = a;
                let id = match id.choice {
                    g::AccountIdentification4ChoiceChoice::IBAN(iban) => {
                        iban_account(iban.as_str(), &at.at("Id").at("IBAN"), sink)?
                    }
                    g::AccountIdentification4ChoiceChoice::Othr(g::GenericAccountIdentification1 { id, schme_nm, issr }) => {
                        AccountId::Other {
                            id: AccountNumber::parse(id.as_str()).ok()?,
                            scheme: opt!(schme_nm, s => {
                                code_or_prop!(s.choice, g::AccountSchemeName1ChoiceChoice, AccountScheme::parse)
                            }),
                            issuer: opt!(issr, i => text!(i)),
                        }
                    }
                };
                Some(Account {
                    id: Some(id),
                    account_type: opt!(tp, t => code_or_prop!(t.choice, g::CashAccountType2Choice, CashAccountType::parse)),
                    currency: opt!(ccy, c => Currency::parse(c.as_str()).ok()?),
                    name: opt!(nm, n => text!(n)),
                    proxy: None,
                })
            }

            pub(crate) fn agent(
                a: g::BranchAndFinancialInstitutionIdentification4,
                at: &At<'_>,
                sink: &mut Sink,
            ) -> Option<Agent> {
                let g::BranchAndFinancialInstitutionIdentification4 { fin_instn_id, brnch_id } = a;
                let g::FinancialInstitutionIdentification7 { bic, clr_sys_mmb_id, nm, pstl_adr, othr } = fin_instn_id;
                let clearing_member = opt!(clr_sys_mmb_id, c => {
                    let g::ClearingSystemMemberIdentification2 { clr_sys_id, mmb_id } = c;
                    ClearingMemberId {
                        system: opt!(clr_sys_id, s => code_or_prop!(
                            s.choice,
                            g::ClearingSystemIdentification2ChoiceChoice,
                            ClearingSystem::parse
                        )),
                        member_id: text!(mmb_id),
                    }
                });
                let bic = opt!(bic, b => Bic::parse(b.as_str()).ok()?);
                let name = opt!(nm, n => text!(n));
                let postal_address = opt!(pstl_adr, p => postal_address(*p)?);
                let other_id = opt!(othr, o => generic_id!(
                    o,
                    g::GenericFinancialIdentification1,
                    g::FinancialIdentificationSchemeName1ChoiceChoice,
                    text_of,
                    choice
                ));
                let branch_id = match brnch_id {
                    Some(b) => {
                        let g::BranchData2 { id, nm, pstl_adr } = b;
                        let here = at.at("BrnchId");
                        sink.lost_opt_s(&here, "Nm", nm.as_ref());
                        sink.lost_opt(&here, "PstlAdr", pstl_adr.as_deref());
                        opt!(id, i => text!(i))
                    }
                    None => None,
                };
                Some(Agent { bic, clearing_member, lei: None, name, postal_address, other_id, branch_id })
            }

            $crate::codec::typed::shared::optional_mappings!(
                g::BranchAndFinancialInstitutionIdentification4,
                g::PartyIdentification32,
                g::CashAccount16
            );

            pub(crate) fn payment_type(p: g::PaymentTypeInformation19) -> Option<PaymentType> {
                let g::PaymentTypeInformation19 { instr_prty, svc_lvl, lcl_instrm, ctgy_purp } = p;
                Some(PaymentType {
                    instruction_priority: opt!(instr_prty, p => {
                        if p.as_str() == "HIGH" { Priority::High } else { Priority::Normal }
                    }),
                    clearing_channel: None,
                    service_levels: match svc_lvl {
                        Some(s) => vec![code_or_prop!(
                            s.choice,
                            g::ServiceLevel8ChoiceChoice,
                            payglot_core_model::ServiceLevel::parse
                        )],
                        None => Vec::new(),
                    },
                    local_instrument: opt!(lcl_instrm, l => code_or_prop!(
                        l.choice,
                        g::LocalInstrument2ChoiceChoice,
                        payglot_core_model::LocalInstrument::parse
                    )),
                    category_purpose: opt!(ctgy_purp, c => code_or_prop!(
                        c.choice,
                        g::CategoryPurpose1ChoiceChoice,
                        payglot_core_model::CategoryPurpose::parse
                    )),
                })
            }

            pub(crate) fn remittance(r: g::RemittanceInformation5, at: &At<'_>, sink: &mut Sink) -> Option<Remittance> {
                let g::RemittanceInformation5 { ustrd, strd } = r;
                let unstructured = each!(ustrd, u => text!(u));
                let structured = sink.each(at, "Strd", strd, structured)?;
                Some(Remittance { unstructured, structured })
            }

            fn structured(
                s: g::StructuredRemittanceInformation7,
                at: &At<'_>,
                sink: &mut Sink,
            ) -> Option<StructuredRemittance> {
                let g::StructuredRemittanceInformation7 {
                    rfrd_doc_inf,
                    rfrd_doc_amt,
                    cdtr_ref_inf,
                    invcr,
                    invcee,
                    addtl_rmt_inf,
                } = s;
                let len = rfrd_doc_inf.len();
                let mut referred_documents = Vec::with_capacity(len);
                for (i, d) in rfrd_doc_inf.into_iter().enumerate() {
                    let here = at.item("RfrdDocInf", i, len);
                    let g::ReferredDocumentInformation3 { tp, nb, rltd_dt } = d;
                    let kind = opt!(tp, t => {
                        let g::ReferredDocumentType2 { cd_or_prtry, issr } = t;
                        let kind = code_or_prop!(cd_or_prtry.choice, g::ReferredDocumentType1ChoiceChoice, text_of);
                        sink.lost_opt_s(&here.at("Tp"), "Issr", issr.as_ref());
                        kind
                    });
                    let number = opt!(nb, n => text!(n));
                    referred_documents.push(ReferredDocument { kind, number, date: opt!(rltd_dt, d => date(d)?) });
                }
                let (due_amount, remitted_amount) = match rfrd_doc_amt {
                    Some(a) => {
                        let g::RemittanceAmount1 {
                            due_pybl_amt,
                            dscnt_apld_amt,
                            cdt_note_amt,
                            tax_amt,
                            adjstmnt_amt_and_rsn,
                            rmtd_amt,
                        } = *a;
                        let here = at.at("RfrdDocAmt");
                        let due = opt!(due_pybl_amt, m => amount(&m)?);
                        sink.lost_opt(&here, "DscntApldAmt", dscnt_apld_amt.as_ref());
                        sink.lost_opt(&here, "CdtNoteAmt", cdt_note_amt.as_ref());
                        sink.lost_opt(&here, "TaxAmt", tax_amt.as_ref());
                        sink.lost_many(&here, "AdjstmntAmtAndRsn", &adjstmnt_amt_and_rsn);
                        (due, opt!(rmtd_amt, m => amount(&m)?))
                    }
                    None => (None, None),
                };
                let creditor_reference = opt!(cdtr_ref_inf, c => {
                    let g::CreditorReferenceInformation2 { tp, ref_ } = c;
                    let (kind, issuer) = match tp {
                        Some(t) => {
                            let g::CreditorReferenceType2 { cd_or_prtry, issr } = t;
                            (
                                Some(code_or_prop!(cd_or_prtry.choice, g::CreditorReferenceType1ChoiceChoice, text_of)),
                                opt!(issr, i => text!(i)),
                            )
                        }
                        None => (None, None),
                    };
                    CreditorReferenceInfo { kind, issuer, reference: opt!(ref_, r => text!(r)) }
                });
                Some(StructuredRemittance {
                    referred_documents,
                    due_amount,
                    remitted_amount,
                    creditor_reference,
                    invoicer: opt_party(invcr, at, "Invcr", sink)?,
                    invoicee: opt_party(invcee, at, "Invcee", sink)?,
                    additional_info: each!(addtl_rmt_inf, a => text!(a)),
                })
            }
        }
    };
}

pub(crate) use shared_2009;

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
        // Each message uses the builders its content needs (pacs.004 no remittance).
        #[allow(dead_code)]
        pub(crate) mod $g {
            use std::fmt::Display;

            use payglot_core_model::transfer::{Remittance, StructuredRemittance};
            use payglot_core_model::{
                Account, AccountId, Agent, Bic, CodeOrProprietary, Party, PartyId, PostalAddress,
            };

            use super::{
                FieldPath, R, address_lines, birth_2009, choice, country, leaf, opt_choice, opt_leaf, referred_document_2009 as referred_document,
                remittance_amount_2009 as remittance_amount, text, texts, unrepresentable,
            };
            use crate::codec::common::Out;
            use crate::codec::typed::Held;
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

            /// `PostalAddress6` (`Out::postal_address`, `Old` era).
            pub(crate) fn postal_address<H: Held<gc::PostalAddress6>>(
                out: &mut Out,
                path: &dyn Display,
                a: Option<&PostalAddress>,
            ) -> R<Option<H>> {
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
                let adr_line = address_lines(out, path, a)?;
                let f = |field: &'static str| FieldPath(path, field);
                Ok(Some(Held::hold(gc::PostalAddress6 {
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
                        Some(Held::hold(g::Party6Choice {
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
                        Some(Held::hold(g::Party6Choice {
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
                        Some(Held::hold(gc::ContactDetails2 {
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

            /// An account (`Out::account`, `Old` era: a proxy dropped; without an id it cannot
            /// be written).
            pub(crate) fn account(out: &mut Out, path: &dyn Display, account: &Account) -> R<g::CashAccount16> {
                let choice = account_id!(AccountIdentification4ChoiceChoice, out, path, account);
                let built = g::CashAccount16 {
                    id: g::AccountIdentification4Choice { choice },
                    tp: opt_choice(account.account_type.as_ref(), "Tp", &FieldPath(path, "account_type"))?,
                    ccy: opt_leaf(account.currency.map(|c| c.code()), "Ccy", &FieldPath(path, "currency"))?,
                    nm: text(account.name.as_ref(), "Nm", &FieldPath(path, "name"))?,
                };
                out.drop_if(account.proxy.is_some(), format_args!("{path}/proxy"), "an account proxy");
                Ok(built)
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
                        Some(Held::hold(g::ClearingSystemMemberIdentification2 {
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
                            Ok::<_, payglot_core_model::EncodeError>(Held::hold(gc::BranchData2 {
                                id: Some(leaf(b.as_str(), "Id", &FieldPath(path, "branch_id"))?),
                                nm: None,
                                pstl_adr: None,
                            }))
                        })
                        .transpose()?,
                })
            }

            optional!(PartyIdentification32, CashAccount16, BranchAndFinancialInstitutionIdentification4);

            transaction_side!(
                CashAccount16,
                PartyIdentification32,
                BranchAndFinancialInstitutionIdentification4,
                RemittanceInformation5,
                StructuredRemittanceInformation7,
                structured_extra: {},
            );
        }
    };
}

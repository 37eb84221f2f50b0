//! The typed mappings every 2019-generation message shares (parties, addresses, accounts,
//! agents, remittance, regulatory reporting), written ONCE as [`shared_2019!`] and expanded
//! in each message version's module over that version's generated types (ISO keeps the type
//! names, the generator gives each version its own copy).

use payglot_core_model::Money;
use payglot_core_model::text::Text;

use crate::generated::common::{ActiveCurrencyAndAmount, ActiveOrHistoricCurrencyAndAmount};

/// An `ActiveOrHistoricCurrencyAndAmount` as `Money`.
pub(crate) fn amount(a: &ActiveOrHistoricCurrencyAndAmount) -> Option<Money> {
    super::money(a.ccy.as_str(), a.value.value())
}

/// An `ActiveCurrencyAndAmount` as `Money`.
pub(crate) fn active_amount(a: &ActiveCurrencyAndAmount) -> Option<Money> {
    super::money(a.ccy.as_str(), a.value.value())
}

/// A transfer started with `ids` at the end of `transfers`, given back for its other fields. It
/// is written in its slot: `extend` makes room before it calls the builder, where `push` takes
/// a value built aside and copies its 4.6 KB into the vector.
#[inline]
pub(crate) fn push_transfer(
    transfers: &mut Vec<payglot_core_model::transfer::CreditTransfer>,
    ids: payglot_core_model::transfer::PaymentIds,
) -> Option<&mut payglot_core_model::transfer::CreditTransfer> {
    transfers.extend(std::iter::once_with(move || payglot_core_model::transfer::CreditTransfer::empty(ids)));
    transfers.last_mut()
}

/// An `IBAN` account id as the tree path keeps it: an IBAN when its check digits are right,
/// else an account number with scheme `UNVERIFIED-IBAN` and an `Approximated` loss at `here`.
pub(crate) fn iban_account(
    iban: &str,
    here: &super::At<'_>,
    sink: &mut super::Sink,
) -> Option<payglot_core_model::AccountId> {
    use crate::codec::common::UNVERIFIED_IBAN;
    Some(match payglot_core_model::Iban::parse(iban) {
        Ok(valid) => payglot_core_model::AccountId::Iban(valid),
        Err(error) => {
            sink.approximated(
                here,
                format!("{}; kept as an account number with scheme {UNVERIFIED_IBAN}", error.reason()),
            );
            payglot_core_model::AccountId::Other {
                id: payglot_core_model::AccountNumber::parse(iban).ok()?,
                scheme: Some(payglot_core_model::CodeOrProprietary::Proprietary(text_of(UNVERIFIED_IBAN).ok()?)),
                issuer: None,
            }
        }
    })
}

/// An optional agent and its optional account, as the generated types hold them (each inline
/// or boxed, see [`super::Held`]).
pub(crate) type AgentAndAccount<HA, HC> = (Option<HA>, Option<HC>);

/// Optional agent-and-account pairs (`IntrmyAgt1`, `IntrmyAgt1Acct`, ...): the agents kept
/// (mapped by `agent`), the accounts lost.
pub(crate) fn intermediaries<A>(
    pairs: [AgentAndAccount<impl super::Held<A>, impl super::Lose>; 3],
    at: &super::At<'_>,
    sink: &mut super::Sink,
    mut agent: impl FnMut(A, &super::At<'_>, &mut super::Sink) -> Option<payglot_core_model::Agent>,
) -> Option<Vec<payglot_core_model::Agent>> {
    let mut agents = Vec::new();
    for ((a, account), (name, account_name)) in pairs.into_iter().zip([
        ("IntrmyAgt1", "IntrmyAgt1Acct"),
        ("IntrmyAgt2", "IntrmyAgt2Acct"),
        ("IntrmyAgt3", "IntrmyAgt3Acct"),
    ]) {
        if let Some(a) = a {
            agents.push(agent(a.unheld(), &at.at(name), sink)?);
        }
        sink.lost_opt(at, account_name, account.as_ref());
    }
    Some(agents)
}

/// A code (`&'static str` of a generated enumeration, or any short string) as a canonical
/// text or code type.
pub(crate) fn code<'s, T: TryFrom<&'s str>>(s: &'s str) -> Option<T> {
    T::try_from(s).ok()
}

/// A string as a canonical `Text` (the parse function of a proprietary-text choice).
pub(crate) fn text_of<const N: usize>(s: &str) -> Result<Text<N>, payglot_core_model::InvalidValue> {
    Text::try_from(s)
}

/// `match` an `Option`, mapping its value with an expression that may return `None` from the
/// enclosing function.
macro_rules! opt {
    ($value:expr, $v:ident => $body:expr) => {
        match $value {
            Some($v) => Some($body),
            None => None,
        }
    };
}

/// Map each value of a `Vec` (the mapping may give `None`, which the whole gives).
macro_rules! each {
    ($values:expr, $v:ident => $body:expr) => {
        $values.into_iter().map(|$v| Some($body)).collect::<Option<Vec<_>>>()?
    };
}

/// A `Cd | Prtry` choice of type `$ty` as `CodeOrProprietary`, the code parsed by `$parse`.
macro_rules! code_or_prop {
    ($value:expr, $ty:path, $parse:expr) => {{
        type Choice = $ty;
        match $value {
            Choice::Cd(c) => payglot_core_model::CodeOrProprietary::Code(($parse)(c.as_str()).ok()?),
            Choice::Prtry(p) => payglot_core_model::CodeOrProprietary::Proprietary($crate::codec::typed::text!(p)),
        }
    }};
}

/// A `GenericIdentification` (`Id`, `SchmeNm`, `Issr`) of type `$ty` as `GenericId`.
macro_rules! generic_id {
    ($value:expr, $ty:path, $scheme:path, $parse:expr, choice) => {{
        type Generic = $ty;
        let Generic { id, schme_nm, issr } = $value;
        payglot_core_model::GenericId {
            id: $crate::codec::typed::text!(id),
            scheme: opt!(schme_nm, s => code_or_prop!(s.choice, $scheme, $parse)),
            issuer: opt!(issr, i => $crate::codec::typed::text!(i)),
        }
    }};
    ($value:expr, $ty:path, $scheme:path, $parse:expr) => {{
        type Generic = $ty;
        let Generic { id, schme_nm, issr } = $value;
        payglot_core_model::GenericId {
            id: $crate::codec::typed::text!(id),
            scheme: opt!(schme_nm, s => code_or_prop!(s, $scheme, $parse)),
            issuer: opt!(issr, i => $crate::codec::typed::text!(i)),
        }
    }};
}

pub(crate) use {code_or_prop, each, generic_id, opt};

/// The shared mappings over the generated module `$g` (a 2019-generation version), as the
/// module `$name` of the message module that expands it.
macro_rules! shared_2019 {
    ($name:ident, $g:path) => {
        // A version uses the parts it needs (pacs.004 has no payment type or remittance here).
        #[allow(dead_code)]
        pub(crate) mod $name {
        use payglot_core_model::codes::{
            AccountScheme, CashAccountType, ClearingSystem, OrganisationIdScheme, PersonIdScheme,
        };
        use payglot_core_model::transfer::{
            CreditorReferenceInfo, ReferredDocument, Remittance, StructuredRemittance,
        };
        use payglot_core_model::{
            Account, AccountId, AccountNumber, Agent, Bic, ClearingMemberId, CodeOrProprietary, Contact,
            CountryCode, Currency, DateAndPlaceOfBirth, Lei, Party, PartyId, PostalAddress, Proxy,
        };
        use $g as g;
        use $crate::codec::typed::shared::{amount, code, code_or_prop, each, generic_id, iban_account, opt, text_of};
        use payglot_core_model::text::Text;
        use $crate::codec::typed::{At, Held, Sink, date, text};

        pub(crate) fn party(p: g::PartyIdentification135, at: &At<'_>, sink: &mut Sink) -> Option<Party> {
            let mut out = Party::default();
            party_into(p, at, sink, &mut out)?;
            Some(out)
        }

        /// [`party`] written into `out` where it lies (a `Party` is ~600 bytes: returned, it
        /// was copied into place).
        pub(crate) fn party_into(p: g::PartyIdentification135, at: &At<'_>, sink: &mut Sink, out: &mut Party) -> Option<()> {
            let g::PartyIdentification135 { nm, pstl_adr, id, ctry_of_res, ctct_dtls } = p;
            let Party { name, postal_address: address, id: party_ids, country_of_residence, contact: contact_details } = out;
            *name = opt!(nm, n => text!(n));
            *address = opt!(pstl_adr, a => postal_address(*a)?);
            *party_ids = opt!(id, i => party_id(*i)?);
            *country_of_residence = opt!(ctry_of_res, c => CountryCode::parse(c.as_str()).ok()?);
            *contact_details = opt!(ctct_dtls, c => contact(*c, &at.at("CtctDtls"), sink)?);
            Some(())
        }

        fn contact(c: g::Contact4, at: &At<'_>, sink: &mut Sink) -> Option<Contact> {
            let g::Contact4 {
                nm_prfx,
                nm,
                phne_nb,
                mob_nb,
                fax_nb,
                email_adr,
                email_purp,
                job_titl,
                rspnsblty,
                dept,
                othr,
                prefrd_mtd,
            } = c;
            sink.lost_opt_s(at, "NmPrfx", nm_prfx.as_ref());
            let name = opt!(nm, n => text!(n));
            let phone = opt!(phne_nb, n => text!(n));
            let mobile = opt!(mob_nb, n => text!(n));
            sink.lost_opt_s(at, "FaxNb", fax_nb.as_ref());
            let email = opt!(email_adr, e => text!(e));
            sink.lost_opt_s(at, "EmailPurp", email_purp.as_ref());
            sink.lost_opt_s(at, "JobTitl", job_titl.as_ref());
            sink.lost_opt_s(at, "Rspnsblty", rspnsblty.as_ref());
            sink.lost_opt_s(at, "Dept", dept.as_ref());
            sink.lost_many(at, "Othr", &othr);
            sink.lost_opt_s(at, "PrefrdMtd", prefrd_mtd.as_ref());
            Some(Contact { name, phone, mobile, email })
        }

        pub(crate) fn postal_address(a: g::PostalAddress24) -> Option<PostalAddress> {
            let g::PostalAddress24 {
                adr_tp,
                dept,
                sub_dept,
                strt_nm,
                bldg_nb,
                bldg_nm,
                flr,
                pst_bx,
                room,
                pst_cd,
                twn_nm,
                twn_lctn_nm,
                dstrct_nm,
                ctry_sub_dvsn,
                ctry,
                adr_line,
            } = a;
            let address_type = opt!(adr_tp, t => match t {
                g::AddressType3Choice::Cd(c) => CodeOrProprietary::Code(code(c.as_str())?),
                // A proprietary type has children; the tree path refuses it as empty text.
                g::AddressType3Choice::Prtry(_) => return None,
            });
            Some(PostalAddress {
                address_type,
                department: opt!(dept, v => text!(v)),
                sub_department: opt!(sub_dept, v => text!(v)),
                street_name: opt!(strt_nm, v => text!(v)),
                building_number: opt!(bldg_nb, v => text!(v)),
                building_name: opt!(bldg_nm, v => text!(v)),
                floor: opt!(flr, v => text!(v)),
                post_box: opt!(pst_bx, v => text!(v)),
                room: opt!(room, v => text!(v)),
                post_code: opt!(pst_cd, v => text!(v)),
                town_name: opt!(twn_nm, v => text!(v)),
                town_location_name: opt!(twn_lctn_nm, v => text!(v)),
                district_name: opt!(dstrct_nm, v => text!(v)),
                country_sub_division: opt!(ctry_sub_dvsn, v => text!(v)),
                country: opt!(ctry, c => CountryCode::parse(c.as_str()).ok()?),
                address_lines: each!(adr_line, l => text!(l)),
            })
        }

        fn party_id(id: g::Party38Choice) -> Option<PartyId> {
            Some(match id {
                g::Party38Choice::OrgId(g::OrganisationIdentification29 { any_bic, lei, othr }) => {
                    PartyId::Organisation {
                        any_bic: opt!(any_bic, b => Bic::parse(b.as_str()).ok()?),
                        lei: opt!(lei, l => Lei::parse(l.as_str()).ok()?),
                        others: each!(othr, o => generic_id!(
                            o,
                            g::GenericOrganisationIdentification1,
                            g::OrganisationIdentificationSchemeName1Choice,
                            OrganisationIdScheme::parse
                        )),
                    }
                }
                g::Party38Choice::PrvtId(g::PersonIdentification13 { dt_and_plc_of_birth, othr }) => {
                    let birth = opt!(dt_and_plc_of_birth, b => {
                        let g::DateAndPlaceOfBirth1 { birth_dt, prvc_of_birth, city_of_birth, ctry_of_birth } = b;
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
                            g::PersonIdentificationSchemeName1Choice,
                            PersonIdScheme::parse
                        )),
                    }
                }
            })
        }

        pub(crate) fn account(a: g::CashAccount38, at: &At<'_>, sink: &mut Sink) -> Option<Account> {
            let g::CashAccount38 { id, tp, ccy, nm, prxy } = a;
            let id = match id {
                g::AccountIdentification4Choice::IBAN(iban) => {
                    iban_account(iban.as_str(), &at.at("Id").at("IBAN"), sink)?
                }
                g::AccountIdentification4Choice::Othr(g::GenericAccountIdentification1 { id, schme_nm, issr }) => {
                    AccountId::Other {
                        id: AccountNumber::parse(id.as_str()).ok()?,
                        scheme: opt!(schme_nm, s => code_or_prop!(s, g::AccountSchemeName1Choice, AccountScheme::parse)),
                        issuer: opt!(issr, i => text!(i)),
                    }
                }
            };
            let proxy = opt!(prxy, p => {
                let g::ProxyAccountIdentification1 { tp, id } = p;
                Proxy {
                    kind: opt!(tp, t => code_or_prop!(t, g::ProxyAccountType1Choice, text_of)),
                    id: text!(id),
                }
            });
            Some(Account {
                id: Some(id),
                account_type: opt!(tp, t => code_or_prop!(t, g::CashAccountType2Choice, CashAccountType::parse)),
                currency: opt!(ccy, c => Currency::parse(c.as_str()).ok()?),
                name: opt!(nm, n => text!(n)),
                proxy,
            })
        }

        pub(crate) fn agent(
            a: g::BranchAndFinancialInstitutionIdentification6,
            at: &At<'_>,
            sink: &mut Sink,
        ) -> Option<Agent> {
            let g::BranchAndFinancialInstitutionIdentification6 { fin_instn_id, brnch_id } = a;
            let g::FinancialInstitutionIdentification18 { bicfi, clr_sys_mmb_id, lei, nm, pstl_adr, othr } =
                fin_instn_id;
            let clearing_member = opt!(clr_sys_mmb_id, c => {
                let g::ClearingSystemMemberIdentification2 { clr_sys_id, mmb_id } = c;
                ClearingMemberId {
                    system: opt!(clr_sys_id, s => code_or_prop!(
                        s,
                        g::ClearingSystemIdentification2Choice,
                        ClearingSystem::parse
                    )),
                    member_id: text!(mmb_id),
                }
            });
            let bic = opt!(bicfi, b => Bic::parse(b.as_str()).ok()?);
            let lei = opt!(lei, l => Lei::parse(l.as_str()).ok()?);
            let name = opt!(nm, n => text!(n));
            let postal_address = opt!(pstl_adr, p => postal_address(*p)?);
            let other_id = opt!(othr, o => generic_id!(
                o,
                g::GenericFinancialIdentification1,
                g::FinancialIdentificationSchemeName1Choice,
                text_of
            ));
            let branch_id = match brnch_id {
                Some(b) => {
                    let g::BranchData3 { id, lei, nm, pstl_adr } = b;
                    let here = at.at("BrnchId");
                    sink.lost_opt_s(&here, "LEI", lei.as_ref());
                    sink.lost_opt_s(&here, "Nm", nm.as_ref());
                    sink.lost_opt(&here, "PstlAdr", pstl_adr.as_deref());
                    opt!(id, i => text!(i))
                }
                None => None,
            };
            Some(Agent { bic, clearing_member, lei, name, postal_address, other_id, branch_id })
        }

        $crate::codec::typed::shared::optional_mappings!(
            g::BranchAndFinancialInstitutionIdentification6,
            g::PartyIdentification135,
            g::CashAccount38
        );

        pub(crate) fn remittance(r: g::RemittanceInformation16, at: &At<'_>, sink: &mut Sink) -> Option<Remittance> {
            let g::RemittanceInformation16 { ustrd, strd } = r;
            let unstructured = each!(ustrd, u => text!(u));
            let structured = sink.each(at, "Strd", strd, structured)?;
            Some(Remittance { unstructured, structured })
        }

        fn structured(
            s: g::StructuredRemittanceInformation16,
            at: &At<'_>,
            sink: &mut Sink,
        ) -> Option<StructuredRemittance> {
            let g::StructuredRemittanceInformation16 {
                rfrd_doc_inf,
                rfrd_doc_amt,
                cdtr_ref_inf,
                invcr,
                invcee,
                tax_rmt,
                grnshmt_rmt,
                addtl_rmt_inf,
            } = s;
            let len = rfrd_doc_inf.len();
            let mut referred_documents = Vec::with_capacity(len);
            for (i, d) in rfrd_doc_inf.into_iter().enumerate() {
                let here = at.item("RfrdDocInf", i, len);
                let g::ReferredDocumentInformation7 { tp, nb, rltd_dt, line_dtls } = d;
                let kind = opt!(tp, t => {
                    let g::ReferredDocumentType4 { cd_or_prtry, issr } = t;
                    let kind = code_or_prop!(cd_or_prtry, g::ReferredDocumentType3Choice, text_of);
                    sink.lost_opt_s(&here.at("Tp"), "Issr", issr.as_ref());
                    kind
                });
                let number = opt!(nb, n => text!(n));
                let date = opt!(rltd_dt, d => date(d)?);
                sink.lost_many(&here, "LineDtls", &line_dtls);
                referred_documents.push(ReferredDocument { kind, number, date });
            }
            let (due_amount, remitted_amount) = match rfrd_doc_amt {
                Some(a) => {
                    let g::RemittanceAmount2 {
                        due_pybl_amt,
                        dscnt_apld_amt,
                        cdt_note_amt,
                        tax_amt,
                        adjstmnt_amt_and_rsn,
                        rmtd_amt,
                    } = *a;
                    let here = at.at("RfrdDocAmt");
                    let due = opt!(due_pybl_amt, m => amount(&m)?);
                    sink.lost_many(&here, "DscntApldAmt", &dscnt_apld_amt);
                    sink.lost_opt(&here, "CdtNoteAmt", cdt_note_amt.as_ref());
                    sink.lost_many(&here, "TaxAmt", &tax_amt);
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
                            Some(code_or_prop!(cd_or_prtry, g::CreditorReferenceType1Choice, text_of)),
                            opt!(issr, i => text!(i)),
                        )
                    }
                    None => (None, None),
                };
                CreditorReferenceInfo { kind, issuer, reference: opt!(ref_, r => text!(r)) }
            });
            let invoicer = opt_party(invcr, at, "Invcr", sink)?;
            let invoicee = opt_party(invcee, at, "Invcee", sink)?;
            sink.lost_opt(at, "TaxRmt", tax_rmt.as_deref());
            sink.lost_opt(at, "GrnshmtRmt", grnshmt_rmt.as_deref());
            Some(StructuredRemittance {
                referred_documents,
                due_amount,
                remitted_amount,
                creditor_reference,
                invoicer,
                invoicee,
                additional_info: each!(addtl_rmt_inf, a => text!(a)),
            })
        }

        /// Optional agent-and-account pairs (`IntrmyAgt1`, `IntrmyAgt1Acct`, ...).
        pub(crate) fn intermediaries(
            pairs: [(Option<impl Held<g::BranchAndFinancialInstitutionIdentification6>>, Option<impl $crate::codec::typed::Lose>); 3],
            at: &At<'_>,
            sink: &mut Sink,
        ) -> Option<Vec<Agent>> {
            $crate::codec::typed::shared::intermediaries(pairs, at, sink, agent)
        }

        /// A payment type's fields (`ClrChanl` given by the interbank messages only).
        pub(crate) fn payment_type(
            instr_prty: Option<g::Priority2Code>,
            clearing_channel: Option<Text<4>>,
            svc_lvl: Vec<g::ServiceLevel8Choice>,
            lcl_instrm: Option<impl Held<g::LocalInstrument2Choice>>,
            ctgy_purp: Option<impl Held<g::CategoryPurpose1Choice>>,
        ) -> Option<payglot_core_model::PaymentType> {
            use payglot_core_model::transfer::Priority;
            Some(payglot_core_model::PaymentType {
                instruction_priority: opt!(instr_prty, p => {
                    if p.as_str() == "HIGH" { Priority::High } else { Priority::Normal }
                }),
                clearing_channel,
                service_levels: each!(svc_lvl, s => {
                    code_or_prop!(s, g::ServiceLevel8Choice, payglot_core_model::ServiceLevel::parse)
                }),
                local_instrument: opt!(lcl_instrm, l => {
                    code_or_prop!(Held::unheld(l), g::LocalInstrument2Choice, payglot_core_model::LocalInstrument::parse)
                }),
                category_purpose: opt!(ctgy_purp, c => {
                    code_or_prop!(Held::unheld(c), g::CategoryPurpose1Choice, payglot_core_model::CategoryPurpose::parse)
                }),
            })
        }

        }
    };
}

/// The 2019 credit transfers' own mappings (regulatory reporting, instructions for the creditor
/// agent, a transaction's last fields) over `$g`, as the module `$name` beside the module
/// `$core` that [`shared_2019!`] expanded (versions without these types expand only that one).
macro_rules! shared_2019_transfer {
    ($name:ident, $core:ident, $g:path) => {
        pub(crate) mod $name {
            use payglot_core_model::transfer::{AgentInstruction, RegulatoryDetail, RegulatoryReport};
            use payglot_core_model::CountryCode;
            use $g as g;
            use super::$core::remittance;
            use $crate::codec::typed::shared::{amount, code, code_or_prop, each, opt};
            use $crate::codec::typed::{At, Held, Sink, text};

        pub(crate) fn regulatory(
            reports: Vec<g::RegulatoryReporting3>,
            at: &At<'_>,
            sink: &mut Sink,
        ) -> Option<Vec<RegulatoryReport>> {
            let len = reports.len();
            let mut out = Vec::with_capacity(len);
            for (i, r) in reports.into_iter().enumerate() {
                let here = at.item("RgltryRptg", i, len);
                let g::RegulatoryReporting3 { dbt_cdt_rptg_ind, authrty, dtls } = r;
                let (authority_name, authority_country) = match authrty {
                    Some(a) => {
                        let g::RegulatoryAuthority2 { nm, ctry } = a;
                        (opt!(nm, n => text!(n)), opt!(ctry, c => CountryCode::parse(c.as_str()).ok()?))
                    }
                    None => (None, None),
                };
                let count = dtls.len();
                let mut details = Vec::with_capacity(count);
                for (j, d) in dtls.into_iter().enumerate() {
                    let there = here.item("Dtls", j, count);
                    let g::StructuredRegulatoryReporting3 { tp, dt, ctry, cd, amt, inf } = d;
                    let kind = opt!(tp, t => text!(t));
                    sink.lost_opt_s(&there, "Dt", dt.as_ref());
                    details.push(RegulatoryDetail {
                        kind,
                        country: opt!(ctry, c => CountryCode::parse(c.as_str()).ok()?),
                        code: opt!(cd, c => text!(c)),
                        amount: opt!(amt, m => amount(&m)?),
                        information: each!(inf, x => text!(x)),
                    });
                }
                out.push(RegulatoryReport {
                    indicator: opt!(dbt_cdt_rptg_ind, c => code(c.as_str())?),
                    authority_name,
                    authority_country,
                    details,
                });
            }
            Some(out)
        }

        /// A transaction's last fields, the same in every 2019 credit transfer: purpose,
        /// regulatory reporting, tax (lost), related remittance (lost), remittance,
        /// supplementary data (lost).
        #[allow(clippy::too_many_arguments)]
        pub(crate) fn transaction_tail(
            out: &mut payglot_core_model::CreditTransfer,
            purp: Option<impl Held<g::Purpose2Choice>>,
            rgltry_rptg: Vec<g::RegulatoryReporting3>,
            tax: Option<impl $crate::codec::typed::Lose>,
            rltd_rmt_inf: Vec<g::RemittanceLocation7>,
            rmt_inf: Option<impl Held<g::RemittanceInformation16>>,
            splmtry_data: Vec<g::SupplementaryData1>,
            at: &At<'_>,
            sink: &mut Sink,
        ) -> Option<()> {
            out.purpose = opt!(purp, p => code_or_prop!(Held::unheld(p), g::Purpose2Choice, payglot_core_model::Purpose::parse));
            out.regulatory_reporting = regulatory(rgltry_rptg, at, sink)?;
            sink.lost_opt(at, "Tax", tax.as_ref());
            sink.lost_many(at, "RltdRmtInf", &rltd_rmt_inf);
            out.remittance = opt!(rmt_inf, r => remittance(Held::unheld(r), &at.at("RmtInf"), sink)?);
            sink.lost_many(at, "SplmtryData", &splmtry_data);
            Some(())
        }

        pub(crate) fn instructions_for_creditor_agent(
            instructions: Vec<g::InstructionForCreditorAgent1>,
        ) -> Option<Vec<AgentInstruction>> {
            Some(each!(instructions, i => {
                let g::InstructionForCreditorAgent1 { cd, instr_inf } = i;
                AgentInstruction { code: opt!(cd, c => code(c.as_str())?), information: opt!(instr_inf, x => text!(x)) }
            }))
        }
        }
    };
}

/// `settlement` over the generated module `$g`'s (a `use` alias) `SettlementInstruction7` (pacs.008 and pacs.004): method, account
/// and clearing system kept, the reimbursement agents and their accounts lost.
macro_rules! settlement_2019 {
    ($g:ident) => {
        fn settlement(
            s: $g::SettlementInstruction7,
            at: &$crate::codec::typed::At<'_>,
            sink: &mut $crate::codec::typed::Sink,
        ) -> Option<payglot_core_model::message::SettlementInfo> {
            type Settlement = $g::SettlementInstruction7;
            let Settlement {
                sttlm_mtd,
                sttlm_acct,
                clr_sys,
                instg_rmbrsmnt_agt,
                instg_rmbrsmnt_agt_acct,
                instd_rmbrsmnt_agt,
                instd_rmbrsmnt_agt_acct,
                thrd_rmbrsmnt_agt,
                thrd_rmbrsmnt_agt_acct,
            } = s;
            let method = $crate::codec::typed::shared::code(sttlm_mtd.as_str())?;
            let account = mapping::opt_account(sttlm_acct, at, "SttlmAcct", sink)?;
            let clearing_system = $crate::codec::typed::shared::opt!(clr_sys, c => $crate::codec::typed::shared::code_or_prop!(
                c,
                $g::ClearingSystemIdentification3Choice,
                $crate::codec::typed::shared::text_of
            ));
            sink.lost_opt(at, "InstgRmbrsmntAgt", instg_rmbrsmnt_agt.as_deref());
            sink.lost_opt(at, "InstgRmbrsmntAgtAcct", instg_rmbrsmnt_agt_acct.as_deref());
            sink.lost_opt(at, "InstdRmbrsmntAgt", instd_rmbrsmnt_agt.as_deref());
            sink.lost_opt(at, "InstdRmbrsmntAgtAcct", instd_rmbrsmnt_agt_acct.as_deref());
            sink.lost_opt(at, "ThrdRmbrsmntAgt", thrd_rmbrsmnt_agt.as_deref());
            sink.lost_opt(at, "ThrdRmbrsmntAgtAcct", thrd_rmbrsmnt_agt_acct.as_deref());
            Some(payglot_core_model::message::SettlementInfo { method, account, clearing_system })
        }
    };
}

/// `opt_agent`, `opt_party` and `opt_account` of a generation's mappings: an optional (inline or boxed)
/// agent, party or account, mapped at the child `name` of `at` (where a structure of several
/// is filled in place, [`super::put`] writes each where it lies).
macro_rules! optional_mappings {
    ($agent:ty, $party:ty, $account:ty) => {
        pub(crate) fn opt_agent(
            a: Option<impl $crate::codec::typed::Held<$agent>>,
            at: &At<'_>,
            name: &'static str,
            sink: &mut Sink,
        ) -> Option<Option<Agent>> {
            Some(opt!(a, a => agent($crate::codec::typed::Held::unheld(a), &at.at(name), sink)?))
        }

        pub(crate) fn opt_party(
            p: Option<impl $crate::codec::typed::Held<$party>>,
            at: &At<'_>,
            name: &'static str,
            sink: &mut Sink,
        ) -> Option<Option<Party>> {
            Some(opt!(p, p => party($crate::codec::typed::Held::unheld(p), &at.at(name), sink)?))
        }

        pub(crate) fn opt_account(
            a: Option<impl $crate::codec::typed::Held<$account>>,
            at: &At<'_>,
            name: &'static str,
            sink: &mut Sink,
        ) -> Option<Option<Account>> {
            Some(opt!(a, a => account($crate::codec::typed::Held::unheld(a), &at.at(name), sink)?))
        }
    };
}

pub(crate) use {optional_mappings, settlement_2019, shared_2019, shared_2019_transfer};

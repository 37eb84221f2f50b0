//! Mappings shared by every message: parties, addresses, accounts, agents, amounts, payment
//! type, remittance, dates — both directions, for the 2009 generation of schemas (`Old`:
//! pain.001.001.03, pain.002.001.03, camt.05x.001.02) and the 2019 one (`New`: .08 to .10).

use payglot_core_model::codes::{AccountScheme, CashAccountType, ClearingSystem, OrganisationIdScheme, PersonIdScheme};
use payglot_core_model::text::Text;
use payglot_core_model::transfer::{
    AgentInstruction, CreditorReferenceInfo, PaymentType, Priority, ReferredDocument, RegulatoryDetail,
    RegulatoryReport, Remittance, StructuredRemittance,
};
use payglot_core_model::{
    Account, AccountId, AccountNumber, Agent, Bic, ClearingMemberId, CodeOrProprietary, Contact, CountryCode, Currency,
    DateAndPlaceOfBirth, DateOrDateTime, DateTime, DecodeError, GenericId, Iban, InvalidValue, Lei, Loss, Money, Party,
    PartyId, PostalAddress, Proxy,
};
use rust_decimal::Decimal;

use super::tree::Element;
use super::xml::XmlWriter;
use std::fmt::Arguments;

/// The account scheme under which an IBAN with wrong check digits is carried.
pub(crate) const UNVERIFIED_IBAN: &str = "UNVERIFIED-IBAN";

/// Which generation of schemas a message version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Era {
    /// 2009: pain.001.001.03, pain.002.001.03, camt.053/054.001.02.
    Old,
    /// 2019: pain.001.001.09, pain.002.001.10, pacs.*, camt.053/054.001.08.
    New,
}

/// A decode-side error about `element`, located by its name and line.
pub(crate) fn invalid(element: Element, error: InvalidValue) -> DecodeError {
    DecodeError::invalid(element.location(element.name()), error.to_string())
}

/// A required child is missing (only for values the canonical model requires but the schema
/// lets be absent).
pub(crate) fn missing(element: Element, child: &str) -> DecodeError {
    DecodeError::missing_field(element.location(element.name()), child)
}

// ---------------------------------------------------------------- decode

/// Check a group's stated number of transactions (`NbOfTxs`) and stated sums (`sums`, such as
/// `CtrlSum` or `TtlIntrBkSttlmAmt`) against what was read: `count` transactions adding up to
/// `sum` (`what` names the amounts in the message). A mismatch is kept as an `Approximated`
/// loss on the stated element, since encoding recomputes both.
pub(crate) fn check_totals(
    el: Element,
    count: usize,
    sum: Decimal,
    sums: &[&str],
    what: &str,
) -> Result<(), DecodeError> {
    if let Some(stated) = el.child("NbOfTxs")
        && stated.text().parse::<usize>().ok() != Some(count)
    {
        stated.approximate(format!(
            "NbOfTxs says {} but there are {count} transactions; recomputed on encode",
            stated.text()
        ));
    }
    for name in sums {
        if let Some(stated) = el.child(name) {
            let value = decimal(stated)?;
            if value != sum {
                stated.approximate(format!("{name} says {value} but the {what} add up to {sum}; recomputed on encode"));
            }
        }
    }
    Ok(())
}

pub(crate) fn text<const N: usize>(element: Element) -> Result<Text<N>, DecodeError> {
    Text::try_from(element.text()).map_err(|e| invalid(element, e))
}

pub(crate) fn opt_text<const N: usize>(parent: Element, name: &str) -> Result<Option<Text<N>>, DecodeError> {
    parent.child(name).map(text).transpose()
}

pub(crate) fn texts<const N: usize>(parent: Element, name: &str) -> Result<Vec<Text<N>>, DecodeError> {
    parent.children(name).map(text).collect()
}

pub(crate) fn parse_with<T>(
    element: Element,
    parse: impl FnOnce(&str) -> Result<T, InvalidValue>,
) -> Result<T, DecodeError> {
    parse(element.text()).map_err(|e| invalid(element, e))
}

pub(crate) fn opt_parse<T>(
    parent: Element,
    name: &str,
    parse: impl FnOnce(&str) -> Result<T, InvalidValue>,
) -> Result<Option<T>, DecodeError> {
    parent.child(name).map(|e| parse_with(e, parse)).transpose()
}

// Decimals, dates, date-times and booleans are read in every lexical form the schema accepts
// (the validating reader has already checked the text): whitespace around them is collapsed
// away, and a decimal may be written `+1.50`, `1.` or `.5` — the same values the typed pass
// takes from the generated reader.

pub(crate) fn decimal(element: Element) -> Result<Decimal, DecodeError> {
    parse_with(element, |s: &str| {
        crate::rt::xs_decimal(s).map_err(|e| InvalidValue::new("decimal", format!("{s:?}: {e}")))
    })
}

/// An `ISODate`. The canonical date is a calendar day: a date written with an offset (`xs:date`
/// allows `2024-06-10Z` or `2024-06-10+02:00`) keeps its day, and its offset is reported as an
/// approximation (a strict translation refuses it; it is never dropped silently).
pub(crate) fn date(element: Element) -> Result<chrono::NaiveDate, DecodeError> {
    let text = crate::rt::collapse(element.text());
    match payglot_core_model::datetime::parse_date(text) {
        Ok(date) => Ok(date),
        Err(error) => match <crate::rt::IsoDate as crate::rt::SimpleValue>::parse_text(text) {
            Ok(crate::rt::IsoDate { date, offset: Some(_) }) => {
                element.approximate(format!("the date {text} is kept as {date}: a canonical date has no offset"));
                Ok(date)
            }
            _ => Err(invalid(element, error)),
        },
    }
}

pub(crate) fn datetime(element: Element) -> Result<DateTime, DecodeError> {
    parse_with(element, |s: &str| DateTime::parse(crate::rt::collapse(s)))
}

pub(crate) fn boolean(element: Element) -> Result<bool, DecodeError> {
    match crate::rt::collapse(element.text()) {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(invalid(element, InvalidValue::new("boolean", format!("{other:?}")))),
    }
}

/// An amount element with its `Ccy` attribute.
pub(crate) fn money(element: Element) -> Result<Money, DecodeError> {
    let currency = element.attr("Ccy").unwrap_or_default();
    let currency = Currency::parse(currency).map_err(|e| invalid(element, e))?;
    Money::new(decimal(element)?, currency).map_err(|e| invalid(element, e))
}

pub(crate) fn opt_money(parent: Element, name: &str) -> Result<Option<Money>, DecodeError> {
    parent.child(name).map(money).transpose()
}

/// `Dt | DtTm`.
pub(crate) fn date_or_datetime(element: Element) -> Result<DateOrDateTime, DecodeError> {
    if let Some(d) = element.child("Dt") {
        return Ok(DateOrDateTime::Date(date(d)?));
    }
    if let Some(t) = element.child("DtTm") {
        return Ok(DateOrDateTime::DateTime(datetime(t)?));
    }
    Err(missing(element, "Dt"))
}

/// A `Cd | Prtry` choice.
pub(crate) fn code_or_prop<C>(
    element: Element,
    parse: impl FnOnce(&str) -> Result<C, InvalidValue>,
) -> Result<CodeOrProprietary<C>, DecodeError> {
    if let Some(code) = element.child("Cd") {
        return Ok(CodeOrProprietary::Code(parse_with(code, parse)?));
    }
    if let Some(prop) = element.child("Prtry") {
        return Ok(CodeOrProprietary::Proprietary(text(prop)?));
    }
    Err(missing(element, "Cd"))
}

pub(crate) fn opt_code_or_prop<C>(
    parent: Element,
    name: &str,
    parse: impl FnOnce(&str) -> Result<C, InvalidValue>,
) -> Result<Option<CodeOrProprietary<C>>, DecodeError> {
    parent.child(name).map(|e| code_or_prop(e, parse)).transpose()
}

pub(crate) fn postal_address(element: Element, era: Era) -> Result<PostalAddress, DecodeError> {
    let address_type = match (era, element.child("AdrTp")) {
        (Era::Old, Some(code)) => Some(CodeOrProprietary::Code(text(code)?)),
        (Era::New, Some(choice)) => Some(code_or_prop(choice, |s: &str| Text::try_from(s))?),
        (_, None) => None,
    };
    Ok(PostalAddress {
        address_type,
        department: opt_text(element, "Dept")?,
        sub_department: opt_text(element, "SubDept")?,
        street_name: opt_text(element, "StrtNm")?,
        building_number: opt_text(element, "BldgNb")?,
        building_name: opt_text(element, "BldgNm")?,
        floor: opt_text(element, "Flr")?,
        post_box: opt_text(element, "PstBx")?,
        room: opt_text(element, "Room")?,
        post_code: opt_text(element, "PstCd")?,
        town_name: opt_text(element, "TwnNm")?,
        town_location_name: opt_text(element, "TwnLctnNm")?,
        district_name: opt_text(element, "DstrctNm")?,
        country_sub_division: opt_text(element, "CtrySubDvsn")?,
        country: opt_parse(element, "Ctry", CountryCode::parse)?,
        address_lines: texts(element, "AdrLine")?,
    })
}

fn generic_id<S>(
    element: Element,
    parse: impl Fn(&str) -> Result<S, InvalidValue>,
) -> Result<GenericId<S>, DecodeError> {
    Ok(GenericId {
        id: element.child("Id").map(text).transpose()?.ok_or_else(|| missing(element, "Id"))?,
        scheme: opt_code_or_prop(element, "SchmeNm", parse)?,
        issuer: opt_text(element, "Issr")?,
    })
}

pub(crate) fn party(element: Element, era: Era) -> Result<Party, DecodeError> {
    let id = match element.child("Id") {
        Some(id) => Some(party_id(id, era)?),
        None => None,
    };
    let contact = match element.child("CtctDtls") {
        Some(c) => Some(Contact {
            name: opt_text(c, "Nm")?,
            phone: opt_text(c, "PhneNb")?,
            mobile: opt_text(c, "MobNb")?,
            email: opt_text(c, "EmailAdr")?,
        }),
        None => None,
    };
    Ok(Party {
        name: opt_text(element, "Nm")?,
        postal_address: element.child("PstlAdr").map(|a| postal_address(a, era)).transpose()?,
        id,
        country_of_residence: opt_parse(element, "CtryOfRes", CountryCode::parse)?,
        contact,
    })
}

fn party_id(element: Element, era: Era) -> Result<PartyId, DecodeError> {
    if let Some(org) = element.child("OrgId") {
        let bic_tag = if era == Era::Old { "BICOrBEI" } else { "AnyBIC" };
        return Ok(PartyId::Organisation {
            any_bic: opt_parse(org, bic_tag, Bic::parse)?,
            lei: opt_parse(org, "LEI", Lei::parse)?,
            others: org
                .children("Othr")
                .map(|o| generic_id(o, OrganisationIdScheme::parse))
                .collect::<Result<_, _>>()?,
        });
    }
    if let Some(private) = element.child("PrvtId") {
        let birth = match private.child("DtAndPlcOfBirth") {
            Some(b) => Some(DateAndPlaceOfBirth {
                birth_date: b.child("BirthDt").map(date).transpose()?.ok_or_else(|| missing(b, "BirthDt"))?,
                province: opt_text(b, "PrvcOfBirth")?,
                city: b.child("CityOfBirth").map(text).transpose()?.ok_or_else(|| missing(b, "CityOfBirth"))?,
                country: opt_parse(b, "CtryOfBirth", CountryCode::parse)?.ok_or_else(|| missing(b, "CtryOfBirth"))?,
            }),
            None => None,
        };
        return Ok(PartyId::Private {
            birth,
            others: private.children("Othr").map(|o| generic_id(o, PersonIdScheme::parse)).collect::<Result<_, _>>()?,
        });
    }
    Err(missing(element, "OrgId"))
}

pub(crate) fn account(element: Element) -> Result<Account, DecodeError> {
    let id = match element.child("Id") {
        Some(id) => Some(account_id(id)?),
        None => None,
    };
    let proxy = match element.child("Prxy") {
        Some(p) => Some(Proxy {
            kind: opt_code_or_prop(p, "Tp", |s: &str| Text::try_from(s))?,
            id: p.child("Id").map(text).transpose()?.ok_or_else(|| missing(p, "Id"))?,
        }),
        None => None,
    };
    Ok(Account {
        id,
        account_type: opt_code_or_prop(element, "Tp", CashAccountType::parse)?,
        currency: opt_parse(element, "Ccy", Currency::parse)?,
        name: opt_text(element, "Nm")?,
        proxy,
    })
}

fn account_id(element: Element) -> Result<AccountId, DecodeError> {
    if let Some(iban) = element.child("IBAN") {
        return match Iban::parse(iban.text()) {
            Ok(valid) => Ok(AccountId::Iban(valid)),
            // The schema checks only the IBAN's shape. One with wrong check digits (common in
            // sample files) is kept as an unverified account number, reported, never "fixed".
            Err(error) => {
                iban.approximate(format!(
                    "{}; kept as an account number with scheme {UNVERIFIED_IBAN}",
                    error.reason()
                ));
                Ok(AccountId::Other {
                    id: AccountNumber::parse(iban.text()).map_err(|e| invalid(iban, e))?,
                    scheme: Some(CodeOrProprietary::Proprietary(
                        Text::try_from(UNVERIFIED_IBAN).map_err(|e| invalid(iban, e))?,
                    )),
                    issuer: None,
                })
            }
        };
    }
    if let Some(other) = element.child("Othr") {
        return Ok(AccountId::Other {
            id: opt_parse(other, "Id", AccountNumber::parse)?.ok_or_else(|| missing(other, "Id"))?,
            scheme: opt_code_or_prop(other, "SchmeNm", AccountScheme::parse)?,
            issuer: opt_text(other, "Issr")?,
        });
    }
    Err(missing(element, "IBAN"))
}

pub(crate) fn opt_account(parent: Element, name: &str) -> Result<Option<Account>, DecodeError> {
    parent.child(name).map(account).transpose()
}

pub(crate) fn agent(element: Element, era: Era) -> Result<Agent, DecodeError> {
    let institution = element.child("FinInstnId").ok_or_else(|| missing(element, "FinInstnId"))?;
    let bic_tag = if era == Era::Old { "BIC" } else { "BICFI" };
    let clearing_member = match institution.child("ClrSysMmbId") {
        Some(c) => Some(ClearingMemberId {
            system: opt_code_or_prop(c, "ClrSysId", ClearingSystem::parse)?,
            member_id: c.child("MmbId").map(text).transpose()?.ok_or_else(|| missing(c, "MmbId"))?,
        }),
        None => None,
    };
    Ok(Agent {
        bic: opt_parse(institution, bic_tag, Bic::parse)?,
        clearing_member,
        lei: opt_parse(institution, "LEI", Lei::parse)?,
        name: opt_text(institution, "Nm")?,
        postal_address: institution.child("PstlAdr").map(|a| postal_address(a, era)).transpose()?,
        other_id: institution.child("Othr").map(|o| generic_id(o, |s: &str| Text::try_from(s))).transpose()?,
        branch_id: element.child("BrnchId").map(|b| opt_text(b, "Id")).transpose()?.flatten(),
    })
}

pub(crate) fn opt_agent(parent: Element, name: &str, era: Era) -> Result<Option<Agent>, DecodeError> {
    parent.child(name).map(|a| agent(a, era)).transpose()
}

pub(crate) fn opt_party(parent: Element, name: &str, era: Era) -> Result<Option<Party>, DecodeError> {
    parent.child(name).map(|p| party(p, era)).transpose()
}

pub(crate) fn payment_type(element: Element) -> Result<PaymentType, DecodeError> {
    let instruction_priority = match element.child_text("InstrPrty") {
        Some("HIGH") => Some(Priority::High),
        Some(_) => Some(Priority::Normal),
        None => None,
    };
    Ok(PaymentType {
        instruction_priority,
        clearing_channel: opt_text(element, "ClrChanl")?,
        service_levels: element
            .children("SvcLvl")
            .map(|s| code_or_prop(s, payglot_core_model::ServiceLevel::parse))
            .collect::<Result<_, _>>()?,
        local_instrument: opt_code_or_prop(element, "LclInstrm", payglot_core_model::LocalInstrument::parse)?,
        category_purpose: opt_code_or_prop(element, "CtgyPurp", payglot_core_model::CategoryPurpose::parse)?,
    })
}

pub(crate) fn remittance(element: Element, era: Era) -> Result<Remittance, DecodeError> {
    let structured = element.children("Strd").map(|s| structured(s, era)).collect::<Result<_, _>>()?;
    Ok(Remittance { unstructured: texts(element, "Ustrd")?, structured })
}

fn structured(element: Element, era: Era) -> Result<StructuredRemittance, DecodeError> {
    let referred_documents = element
        .children("RfrdDocInf")
        .map(|d| {
            Ok(ReferredDocument {
                kind: d
                    .child("Tp")
                    .and_then(|t| t.child("CdOrPrtry").map(|c| code_or_prop(c, |s: &str| Text::try_from(s))))
                    .transpose()?,
                number: opt_text(d, "Nb")?,
                date: d.child("RltdDt").map(date).transpose()?,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    let (due_amount, remitted_amount) = match element.child("RfrdDocAmt") {
        Some(a) => (opt_money(a, "DuePyblAmt")?, opt_money(a, "RmtdAmt")?),
        None => (None, None),
    };
    let creditor_reference = match element.child("CdtrRefInf") {
        Some(c) => {
            let tp = c.child("Tp");
            Some(CreditorReferenceInfo {
                kind: tp
                    .and_then(|t| t.child("CdOrPrtry"))
                    .map(|k| code_or_prop(k, |s: &str| Text::try_from(s)))
                    .transpose()?,
                issuer: tp.map(|t| opt_text(t, "Issr")).transpose()?.flatten(),
                reference: opt_text(c, "Ref")?,
            })
        }
        None => None,
    };
    Ok(StructuredRemittance {
        referred_documents,
        due_amount,
        remitted_amount,
        creditor_reference,
        invoicer: opt_party(element, "Invcr", era)?,
        invoicee: opt_party(element, "Invcee", era)?,
        additional_info: texts(element, "AddtlRmtInf")?,
    })
}

pub(crate) fn regulatory(element: Element) -> Result<RegulatoryReport, DecodeError> {
    let (authority_name, authority_country) = match element.child("Authrty") {
        Some(a) => (opt_text(a, "Nm")?, opt_parse(a, "Ctry", CountryCode::parse)?),
        None => (None, None),
    };
    let details = element
        .children("Dtls")
        .map(|d| {
            Ok(RegulatoryDetail {
                kind: opt_text(d, "Tp")?,
                country: opt_parse(d, "Ctry", CountryCode::parse)?,
                code: opt_text(d, "Cd")?,
                amount: opt_money(d, "Amt")?,
                information: texts(d, "Inf")?,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    Ok(RegulatoryReport { indicator: opt_text(element, "DbtCdtRptgInd")?, authority_name, authority_country, details })
}

pub(crate) fn agent_instruction(element: Element) -> Result<AgentInstruction, DecodeError> {
    Ok(AgentInstruction { code: opt_text(element, "Cd")?, information: opt_text(element, "InstrInf")? })
}

// ---------------------------------------------------------------- encode

/// Encode-side state: where we are in the canonical model (for loss paths) and the losses.
#[derive(Debug)]
pub(crate) struct Out {
    pub(crate) xml: XmlWriter,
    pub(crate) era: Era,
    pub(crate) losses: Vec<Loss>,
    /// The message version, for loss details.
    pub(crate) version: &'static str,
}

impl Out {
    pub(crate) fn new(era: Era, version: &'static str) -> Self {
        Self { xml: XmlWriter::new(), era, losses: Vec::new(), version }
    }

    /// Report `what` (at `path`, written out only then) as dropped when `present`.
    pub(crate) fn drop_if(&mut self, present: bool, path: std::fmt::Arguments<'_>, what: &str) {
        if present {
            self.losses.push(Loss::dropped(path.to_string(), format!("{} has no place for {what}", self.version)));
        }
    }

    pub(crate) fn money(&mut self, name: &'static str, money: &Money) {
        let amount = money.amount().to_string();
        self.xml.leaf_with(name, &[("Ccy", money.currency().code())], &amount);
    }

    pub(crate) fn opt_money(&mut self, name: &'static str, money: Option<&Money>) {
        if let Some(money) = money {
            self.money(name, money);
        }
    }

    pub(crate) fn text<const N: usize>(&mut self, name: &'static str, text: Option<&Text<N>>) {
        self.xml.opt_leaf(name, text.map(Text::as_str));
    }

    pub(crate) fn code_or_prop<C: std::fmt::Display>(
        &mut self,
        name: &'static str,
        value: Option<&CodeOrProprietary<C>>,
    ) {
        if let Some(value) = value {
            self.xml.start(name);
            match value {
                CodeOrProprietary::Code(code) => self.xml.leaf("Cd", &code.to_string()),
                CodeOrProprietary::Proprietary(prop) => self.xml.leaf("Prtry", prop.as_str()),
            }
            self.xml.end();
        }
    }

    pub(crate) fn date_or_datetime(&mut self, name: &'static str, value: &DateOrDateTime) {
        self.xml.start(name);
        match value {
            DateOrDateTime::Date(d) => self.xml.leaf("Dt", &d.to_string()),
            DateOrDateTime::DateTime(t) => self.xml.leaf("DtTm", &t.to_string()),
        }
        self.xml.end();
    }

    pub(crate) fn postal_address(&mut self, name: &'static str, path: Arguments<'_>, address: Option<&PostalAddress>) {
        let Some(a) = address else { return };
        self.xml.start(name);
        match (self.era, &a.address_type) {
            (Era::Old, Some(CodeOrProprietary::Code(code))) => self.xml.leaf("AdrTp", code.as_str()),
            (Era::Old, Some(CodeOrProprietary::Proprietary(_))) => {
                self.drop_if(true, format_args!("{path}/address_type"), "a proprietary address type")
            }
            (Era::New, t) => self.code_or_prop("AdrTp", t.as_ref()),
            (Era::Old, None) => {}
        }
        self.text("Dept", a.department.as_ref());
        self.text("SubDept", a.sub_department.as_ref());
        self.text("StrtNm", a.street_name.as_ref());
        self.text("BldgNb", a.building_number.as_ref());
        if self.era == Era::New {
            self.text("BldgNm", a.building_name.as_ref());
            self.text("Flr", a.floor.as_ref());
            self.text("PstBx", a.post_box.as_ref());
            self.text("Room", a.room.as_ref());
        } else {
            for (present, field) in [
                (a.building_name.is_some(), "building_name"),
                (a.floor.is_some(), "floor"),
                (a.post_box.is_some(), "post_box"),
                (a.room.is_some(), "room"),
            ] {
                self.drop_if(present, format_args!("{path}/{field}"), field);
            }
        }
        self.text("PstCd", a.post_code.as_ref());
        self.text("TwnNm", a.town_name.as_ref());
        if self.era == Era::New {
            self.text("TwnLctnNm", a.town_location_name.as_ref());
            self.text("DstrctNm", a.district_name.as_ref());
        } else {
            self.drop_if(
                a.town_location_name.is_some(),
                format_args!("{path}/town_location_name"),
                "town_location_name",
            );
            self.drop_if(a.district_name.is_some(), format_args!("{path}/district_name"), "district_name");
        }
        self.text("CtrySubDvsn", a.country_sub_division.as_ref());
        self.xml.opt_leaf("Ctry", a.country.as_ref().map(CountryCode::as_str));
        for (i, line) in a.address_lines.iter().enumerate() {
            if i < 7 {
                self.xml.leaf("AdrLine", line.as_str());
            } else {
                self.drop_if(true, format_args!("{path}/address_lines/{i}"), "more than 7 address lines");
            }
        }
        self.xml.end();
    }

    fn generic_id<S: std::fmt::Display>(&mut self, id: &GenericId<S>) {
        self.xml.start("Othr");
        self.xml.leaf("Id", id.id.as_str());
        self.code_or_prop("SchmeNm", id.scheme.as_ref());
        self.text("Issr", id.issuer.as_ref());
        self.xml.end();
    }

    /// A party; an empty party (`Party::default()`) writes nothing when `optional`.
    pub(crate) fn party(&mut self, name: &'static str, path: Arguments<'_>, party: &Party) {
        self.xml.start(name);
        self.text("Nm", party.name.as_ref());
        self.postal_address("PstlAdr", format_args!("{path}/postal_address"), party.postal_address.as_ref());
        if let Some(id) = &party.id {
            self.xml.start("Id");
            match id {
                PartyId::Organisation { any_bic, lei, others } => {
                    self.xml.start("OrgId");
                    let bic_tag = if self.era == Era::Old { "BICOrBEI" } else { "AnyBIC" };
                    self.xml.opt_leaf(bic_tag, any_bic.as_ref().map(Bic::as_str));
                    if self.era == Era::New {
                        self.xml.opt_leaf("LEI", lei.as_ref().map(Lei::as_str));
                    } else {
                        self.drop_if(lei.is_some(), format_args!("{path}/id/organisation/lei"), "an LEI");
                    }
                    others.iter().for_each(|o| self.generic_id(o));
                    self.xml.end();
                }
                PartyId::Private { birth, others } => {
                    self.xml.start("PrvtId");
                    if let Some(b) = birth {
                        self.xml.start("DtAndPlcOfBirth");
                        self.xml.leaf("BirthDt", &b.birth_date.to_string());
                        self.text("PrvcOfBirth", b.province.as_ref());
                        self.xml.leaf("CityOfBirth", b.city.as_str());
                        self.xml.leaf("CtryOfBirth", b.country.as_str());
                        self.xml.end();
                    }
                    others.iter().for_each(|o| self.generic_id(o));
                    self.xml.end();
                }
            }
            self.xml.end();
        }
        self.xml.opt_leaf("CtryOfRes", party.country_of_residence.as_ref().map(CountryCode::as_str));
        if let Some(c) = &party.contact {
            self.xml.start("CtctDtls");
            self.text("Nm", c.name.as_ref());
            self.text("PhneNb", c.phone.as_ref());
            self.text("MobNb", c.mobile.as_ref());
            self.text("EmailAdr", c.email.as_ref());
            self.xml.end();
        }
        self.xml.end();
    }

    pub(crate) fn opt_party(&mut self, name: &'static str, path: Arguments<'_>, party: Option<&Party>) {
        if let Some(party) = party {
            self.party(name, path, party);
        }
    }

    pub(crate) fn account(&mut self, name: &'static str, path: Arguments<'_>, account: &Account) {
        self.xml.start(name);
        match &account.id {
            Some(AccountId::Iban(iban)) => self.xml.element("Id", |x| x.leaf("IBAN", iban.expose())),
            Some(AccountId::Other { id, scheme, issuer }) => {
                self.xml.start("Id");
                self.xml.start("Othr");
                self.xml.leaf("Id", id.expose());
                self.code_or_prop("SchmeNm", scheme.as_ref());
                self.text("Issr", issuer.as_ref());
                self.xml.end();
                self.xml.end();
            }
            None => self.losses.push(Loss::dropped(
                format!("{path}/proxy"),
                format!("{} requires an account id; a proxy alone cannot be written", self.version),
            )),
        }
        self.code_or_prop("Tp", account.account_type.as_ref());
        self.xml.opt_leaf("Ccy", account.currency.map(Currency::code));
        self.text("Nm", account.name.as_ref());
        match (&account.proxy, self.era) {
            (Some(proxy), Era::New) => {
                self.xml.start("Prxy");
                self.code_or_prop("Tp", proxy.kind.as_ref());
                self.xml.leaf("Id", proxy.id.as_str());
                self.xml.end();
            }
            (Some(_), Era::Old) => self.drop_if(true, format_args!("{path}/proxy"), "an account proxy"),
            (None, _) => {}
        }
        self.xml.end();
    }

    pub(crate) fn opt_account(&mut self, name: &'static str, path: Arguments<'_>, account: Option<&Account>) {
        if let Some(account) = account {
            self.account(name, path, account);
        }
    }

    pub(crate) fn agent(&mut self, name: &'static str, path: Arguments<'_>, agent: &Agent) {
        self.xml.start(name);
        self.xml.start("FinInstnId");
        let bic_tag = if self.era == Era::Old { "BIC" } else { "BICFI" };
        self.xml.opt_leaf(bic_tag, agent.bic.as_ref().map(Bic::as_str));
        if let Some(member) = &agent.clearing_member {
            self.xml.start("ClrSysMmbId");
            self.code_or_prop("ClrSysId", member.system.as_ref());
            self.xml.leaf("MmbId", member.member_id.as_str());
            self.xml.end();
        }
        if self.era == Era::New {
            self.xml.opt_leaf("LEI", agent.lei.as_ref().map(Lei::as_str));
        } else {
            self.drop_if(agent.lei.is_some(), format_args!("{path}/lei"), "an agent LEI");
        }
        self.text("Nm", agent.name.as_ref());
        self.postal_address("PstlAdr", format_args!("{path}/postal_address"), agent.postal_address.as_ref());
        if let Some(other) = &agent.other_id {
            self.generic_id(other);
        }
        self.xml.end();
        if let Some(branch) = &agent.branch_id {
            self.xml.element("BrnchId", |x| x.leaf("Id", branch.as_str()));
        }
        self.xml.end();
    }

    pub(crate) fn opt_agent(&mut self, name: &'static str, path: Arguments<'_>, agent: Option<&Agent>) {
        if let Some(agent) = agent {
            self.agent(name, path, agent);
        }
    }

    pub(crate) fn payment_type(&mut self, path: Arguments<'_>, pt: Option<&PaymentType>, interbank: bool) {
        let Some(pt) = pt else { return };
        self.xml.start("PmtTpInf");
        self.xml
            .opt_leaf("InstrPrty", pt.instruction_priority.map(|p| if p == Priority::High { "HIGH" } else { "NORM" }));
        if interbank {
            self.text("ClrChanl", pt.clearing_channel.as_ref());
        }
        let max_levels = if self.era == Era::Old { 1 } else { usize::MAX };
        for level in pt.service_levels.iter().take(max_levels) {
            self.code_or_prop("SvcLvl", Some(level));
        }
        self.code_or_prop("LclInstrm", pt.local_instrument.as_ref());
        self.code_or_prop("CtgyPurp", pt.category_purpose.as_ref());
        self.xml.end();
        if interbank {
            self.service_level_losses(path, pt);
        } else {
            self.payment_type_losses(path, pt);
        }
    }

    /// Report, without writing anything, what a customer message's `PmtTpInf` cannot carry of
    /// `pt`: a clearing channel, and more than one service level in the 2009 versions.
    pub(crate) fn payment_type_losses(&mut self, path: Arguments<'_>, pt: &PaymentType) {
        self.drop_if(pt.clearing_channel.is_some(), format_args!("{path}/clearing_channel"), "a clearing channel");
        self.service_level_losses(path, pt);
    }

    fn service_level_losses(&mut self, path: Arguments<'_>, pt: &PaymentType) {
        if self.era == Era::Old {
            for i in 1..pt.service_levels.len() {
                self.drop_if(true, format_args!("{path}/service_levels/{i}"), "more than one service level");
            }
        }
    }

    pub(crate) fn remittance(&mut self, path: Arguments<'_>, remittance: Option<&Remittance>) {
        let Some(r) = remittance else { return };
        self.xml.start("RmtInf");
        for line in &r.unstructured {
            self.xml.leaf("Ustrd", line.as_str());
        }
        for (i, s) in r.structured.iter().enumerate() {
            let path = format!("{path}/structured/{i}");
            self.xml.start("Strd");
            for doc in &s.referred_documents {
                self.xml.start("RfrdDocInf");
                if let Some(kind) = &doc.kind {
                    self.xml.start("Tp");
                    self.code_or_prop("CdOrPrtry", Some(kind));
                    self.xml.end();
                }
                self.text("Nb", doc.number.as_ref());
                self.xml.opt_leaf("RltdDt", doc.date.map(|d| d.to_string()).as_deref());
                self.xml.end();
            }
            if s.due_amount.is_some() || s.remitted_amount.is_some() {
                self.xml.start("RfrdDocAmt");
                self.opt_money("DuePyblAmt", s.due_amount.as_ref());
                self.opt_money("RmtdAmt", s.remitted_amount.as_ref());
                self.xml.end();
            }
            if let Some(c) = &s.creditor_reference {
                self.xml.start("CdtrRefInf");
                if let Some(kind) = &c.kind {
                    self.xml.start("Tp");
                    self.code_or_prop("CdOrPrtry", Some(kind));
                    self.text("Issr", c.issuer.as_ref());
                    self.xml.end();
                } else {
                    self.drop_if(
                        c.issuer.is_some(),
                        format_args!("{path}/creditor_reference/issuer"),
                        "an issuer without a type",
                    );
                }
                self.text("Ref", c.reference.as_ref());
                self.xml.end();
            }
            self.opt_party("Invcr", format_args!("{path}/invoicer"), s.invoicer.as_ref());
            self.opt_party("Invcee", format_args!("{path}/invoicee"), s.invoicee.as_ref());
            for (j, line) in s.additional_info.iter().enumerate() {
                if j < 3 {
                    self.xml.leaf("AddtlRmtInf", line.as_str());
                } else {
                    self.drop_if(
                        true,
                        format_args!("{path}/additional_info/{j}"),
                        "more than 3 additional remittance lines",
                    );
                }
            }
            self.xml.end();
        }
        self.xml.end();
    }

    /// Reports beyond the 10 `RgltryRptg` every credit transfer allows, as dropped (both
    /// encoders, after the ten written).
    pub(crate) fn regulatory_overflow(&mut self, path: Arguments<'_>, reports: &[RegulatoryReport]) {
        for i in 10..reports.len() {
            self.drop_if(true, format_args!("{path}/regulatory_reporting/{i}"), "more than 10 regulatory reports");
        }
    }

    pub(crate) fn regulatory(&mut self, path: Arguments<'_>, reports: &[RegulatoryReport]) {
        for r in reports.iter().take(10) {
            self.xml.start("RgltryRptg");
            self.text("DbtCdtRptgInd", r.indicator.as_ref());
            if r.authority_name.is_some() || r.authority_country.is_some() {
                self.xml.start("Authrty");
                self.text("Nm", r.authority_name.as_ref());
                self.xml.opt_leaf("Ctry", r.authority_country.as_ref().map(CountryCode::as_str));
                self.xml.end();
            }
            for d in &r.details {
                self.xml.start("Dtls");
                self.text("Tp", d.kind.as_ref());
                self.xml.opt_leaf("Ctry", d.country.as_ref().map(CountryCode::as_str));
                self.text("Cd", d.code.as_ref());
                self.opt_money("Amt", d.amount.as_ref());
                for info in &d.information {
                    self.xml.leaf("Inf", info.as_str());
                }
                self.xml.end();
            }
            self.xml.end();
        }
        self.regulatory_overflow(path, reports);
    }
}

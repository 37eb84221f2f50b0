//! Encoding by typed construction: the canonical message is built into the GENERATED value of
//! the target version (every leaf through its generated type's checks — `maxLength`, pattern,
//! enumeration, digits, bounds — exactly those the validating reader applies), and the
//! generated writer writes it in the indented layout of `codec/xml.rs`, checking what the types
//! cannot enforce (occurrence limits, control characters, the reader's limits). The output is
//! therefore schema-valid without reading it back, and byte for byte what the hand-written
//! encoder writes, with the same losses in the same order (integration test `typed_encode`).
//!
//! Versions on this path: pacs.008.001.08, pacs.004.001.09, pacs.002.001.10, pain.001.001.09,
//! pain.001.001.03 and pain.002.001.10 (the AppHdr, head.001.001.02, when asked for). Every
//! other version returns `None` from [`encode`] and takes the written-then-read-back path in
//! `codec/mod.rs`.
//!
//! Construction shared by versions whose generated types are the same (`generated/common.rs`)
//! is written once here; types of the same name generated per schema (`PartyIdentification135`
//! in pacs.008.001.08 and in pain.001.001.09) share one body through `era2019!`, the 2009 types
//! through `era2009!`; pain.001's versions share one body (`pain001!`), the 2019 status
//! reports their common parts (`status_parts!`).

#[macro_use]
mod era2019;
#[macro_use]
mod era2009;

use std::fmt::{self, Display, Write as _};

use payglot_core_model::message::{BusinessHeader, GroupHeader};
use payglot_core_model::text::Text;
use payglot_core_model::transfer::{AgentInstruction, ReferredDocument, RegulatoryReport};
use payglot_core_model::{
    CodeOrProprietary, Contact, CountryCode, DateAndPlaceOfBirth, DateTime, EncodeError, EncodeOptions, Encoded, Loss,
    Message, Money, PostalAddress,
};
use rust_decimal::Decimal;

use super::IsoMessage;
use super::common::Out;
use super::typed::Held;
use crate::generated::common as gc;
use crate::rt::{self, FacetError, SimpleValue};

type R<T> = Result<T, EncodeError>;

/// Encode `message` as `target` by typed construction, or `None` when `target` (or the header
/// asked for) is not on this path.
pub(crate) fn encode(target: IsoMessage, message: &Message, opts: &EncodeOptions) -> Option<R<Encoded>> {
    let with_header = opts.business_header && message.header().business_header.is_some();
    if with_header && !cfg!(feature = "head_001_001_02") {
        return None;
    }
    match (target, message) {
        #[cfg(feature = "pacs_008_001_08")]
        (IsoMessage::Pacs008V08, Message::InterbankTransfer(m)) => {
            Some(run(target, message, opts, |out| pacs008::document(out, m)))
        }
        #[cfg(feature = "pacs_002_001_10")]
        (IsoMessage::Pacs002V10, Message::StatusReport(m)) => {
            Some(run(target, message, opts, |out| status::pacs002::document(out, m)))
        }
        #[cfg(feature = "pain_002_001_10")]
        (IsoMessage::Pain002V10, Message::StatusReport(m)) => {
            Some(run(target, message, opts, |out| status::pain002::document(out, m)))
        }
        #[cfg(feature = "pacs_004_001_09")]
        (IsoMessage::Pacs004V09, Message::PaymentReturn(m)) => {
            Some(run(target, message, opts, |out| pacs004::document(out, m)))
        }
        #[cfg(feature = "pain_001_001_09")]
        (IsoMessage::Pain001V09, Message::PaymentInitiation(m)) => {
            Some(run(target, message, opts, |out| pain001::v09::document(out, m)))
        }
        #[cfg(feature = "pain_001_001_03")]
        (IsoMessage::Pain001V03, Message::PaymentInitiation(m)) => {
            Some(run(target, message, opts, |out| pain001::v03::document(out, m)))
        }
        _ => None,
    }
}

/// The business header (or its loss), the Document built by `document`, both written.
fn run<D: rt::RootElement>(
    target: IsoMessage,
    message: &Message,
    opts: &EncodeOptions,
    document: impl FnOnce(&mut Out) -> R<D>,
) -> R<Encoded> {
    let mut out = Out { xml: Default::default(), era: target.era(), losses: Vec::new(), version: target.id() };
    let header = business_header(&mut out, message.header(), message.kind(), target, opts)?;
    let document = document(&mut out)?;
    let mut w = rt::Writer::document(true);
    #[cfg(feature = "head_001_001_02")]
    if let Some(header) = &header {
        w.start("Envelope");
        w.root(header);
    }
    #[cfg(not(feature = "head_001_001_02"))]
    let _ = header;
    w.root(&document);
    let bytes = w.finish().map_err(|e| written_invalid(&e))?;
    if bytes.len() > crate::Limits::default().max_bytes {
        return Err(EncodeError::unrepresentable(
            "/message",
            format!(
                "the written document would be invalid: {}: over {} bytes",
                rt::Rule::LimitBytes,
                crate::Limits::default().max_bytes
            ),
        ));
    }
    Ok(Encoded { bytes, losses: out.losses })
}

#[cfg(feature = "head_001_001_02")]
type Header = crate::generated::head_001_001_02::BusinessApplicationHeaderV02;
#[cfg(not(feature = "head_001_001_02"))]
type Header = ();

/// As `codec::business_header`: the AppHdr when asked for, else a loss for a header the
/// message has.
fn business_header(
    out: &mut Out,
    header: &GroupHeader,
    kind: &str,
    target: IsoMessage,
    opts: &EncodeOptions,
) -> R<Option<Header>> {
    match &header.business_header {
        #[cfg(feature = "head_001_001_02")]
        Some(business) if opts.business_header => app_header(out, business, target.id()).map(Some),
        Some(_) => {
            out.losses.push(Loss::dropped(
                format!("/message/{kind}/header/business_header"),
                "the business application header is written only when asked for (--business-header)",
            ));
            Ok(None)
        }
        None => Ok(None),
    }
}

#[cfg(feature = "head_001_001_02")]
fn app_header(out: &mut Out, header: &BusinessHeader, message_id: &str) -> R<Header> {
    use crate::generated::head_001_001_02 as h;
    let path = "/header/business_header";
    let fi = |bic: Option<&payglot_core_model::Bic>, field: &str| -> R<h::Party44Choice> {
        Ok(h::Party44Choice::FIId(h::BranchAndFinancialInstitutionIdentification6 {
            fin_instn_id: h::FinancialInstitutionIdentification18 {
                bicfi: opt_leaf(bic.map(|b| b.as_str()), "BICFI", &format_args!("{path}/{field}"))?,
                clr_sys_mmb_id: None,
                lei: None,
                nm: None,
                pstl_adr: None,
                othr: None,
            },
            brnch_id: None,
        }))
    };
    let fr = fi(header.from.as_ref(), "from")?;
    let to = fi(header.to.as_ref(), "to")?;
    let biz_msg_idr =
        leaf(header.business_message_id.as_str(), "BizMsgIdr", &format_args!("{path}/business_message_id"))?;
    // The header describes the document it travels with.
    let msg_def_idr = leaf(message_id, "MsgDefIdr", &format_args!("{path}/message_definition_id"))?;
    if header.message_definition_id.as_str() != message_id {
        out.losses.push(Loss::approximated(
            "/header/business_header/message_definition_id",
            format!("was {}; written as {message_id}, the message it now heads", header.message_definition_id),
        ));
    }
    let hdr = h::BusinessApplicationHeaderV02 {
        char_set: None,
        fr,
        to,
        biz_msg_idr,
        msg_def_idr,
        biz_svc: text(header.business_service.as_ref(), "BizSvc", &format_args!("{path}/business_service"))?,
        mkt_prctc: None,
        cre_dt: date_time(&header.created, "CreDt", &format_args!("{path}/created"))?,
        biz_prcg_dt: None,
        cpy_dplct: text(header.copy_duplicate.as_ref(), "CpyDplct", &format_args!("{path}/copy_duplicate"))?,
        pssbl_dplct: None,
        prty: text(header.priority.as_ref(), "Prty", &format_args!("{path}/priority"))?,
        sgntr: None,
        rltd: Vec::new(),
    };
    out.drop_if(
        header.related_business_message_id.is_some(),
        format_args!("{}", "/header/business_header/related_business_message_id"),
        "a related header given by its id alone (head.001 requires the whole related header)",
    );
    Ok(hdr)
}

// ---------------------------------------------------------------- errors

/// The writer's first violation (an occurrence limit, a control character), as the read-back
/// would have reported it.
#[cold]
fn written_invalid(e: &rt::Error) -> EncodeError {
    match e.violations().first() {
        Some(v) => EncodeError::unrepresentable(
            v.path.clone(),
            format!("the written document would be invalid: {}: {}", v.rule, v.message),
        ),
        None => EncodeError::unrepresentable("", format!("the written document would be invalid: {e}")),
    }
}

/// A facet of `element`'s type refused the value at `path` (the value is not shown: it may be
/// an account number).
#[cold]
fn refused(e: &FacetError, element: &str, path: &dyn Display) -> EncodeError {
    EncodeError::unrepresentable(
        path.to_string(),
        format!("the written document would be invalid: {}: {element} {e}", e.rule()),
    )
}

/// A value the target type has no form for (no facet to name).
#[cold]
fn unrepresentable(path: &dyn Display, detail: String) -> EncodeError {
    EncodeError::unrepresentable(path.to_string(), detail)
}

/// `r`, or the facet error it holds as an encode error.
fn check<T>(r: Result<T, FacetError>, element: &str, path: &dyn Display) -> R<T> {
    r.map_err(|e| refused(&e, element, path))
}

// ---------------------------------------------------------------- leaves

/// The generated simple type `T` for `text`, every facet checked (`parse_text`, what the reader
/// calls on the same text).
fn leaf<T: SimpleValue>(text: &str, element: &str, path: &dyn Display) -> R<T> {
    check(T::parse_text(text), element, path)
}

fn opt_leaf<T: SimpleValue>(text: Option<&str>, element: &str, path: &dyn Display) -> R<Option<T>> {
    text.map(|t| leaf(t, element, path)).transpose()
}

fn text<T: SimpleValue, const N: usize>(t: Option<&Text<N>>, element: &str, path: &dyn Display) -> R<Option<T>> {
    opt_leaf(t.map(Text::as_str), element, path)
}

/// A list of model texts as generated leaves.
fn texts<T: SimpleValue, const N: usize>(ts: &[Text<N>], element: &str, path: &dyn Display) -> R<Vec<T>> {
    ts.iter().map(|t| leaf(t.as_str(), element, path)).collect()
}

/// A value's text (as `to_string` gives it, formatted on the stack) as the generated type `T`.
fn shown<T: SimpleValue>(v: &dyn Display, element: &str, path: &dyn Display) -> R<T> {
    let mut buf = StackText::default();
    if write!(buf, "{v}").is_ok() { leaf(buf.as_str(), element, path) } else { leaf(&v.to_string(), element, path) }
}

/// Short text formatted without a heap allocation (dates, codes, UUIDs, counts).
struct StackText {
    bytes: [u8; 64],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        Self { bytes: [0; 64], len: 0 }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        self.bytes.get(..self.len).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default()
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn date(d: &chrono::NaiveDate, element: &str, path: &dyn Display) -> R<rt::IsoDate> {
    shown(d, element, path)
}

fn date_time(d: &DateTime, element: &str, path: &dyn Display) -> R<rt::IsoDateTime> {
    shown(d, element, path)
}

fn country(c: Option<&CountryCode>, element: &str, path: &dyn Display) -> R<Option<gc::CountryCode>> {
    opt_leaf(c.map(CountryCode::as_str), element, path)
}

/// The two amount types with a currency attribute.
trait Amount: Sized {
    fn build(money: &Money, element: &str, path: &dyn Display) -> R<Self>;
}

macro_rules! amount {
    ($t:ident, $value:ident) => {
        impl Amount for gc::$t {
            fn build(money: &Money, element: &str, path: &dyn Display) -> R<Self> {
                Ok(gc::$t {
                    ccy: leaf(money.currency().code(), element, path)?,
                    value: check(gc::$value::new(money.amount()), element, path)?,
                })
            }
        }
    };
}
amount!(ActiveOrHistoricCurrencyAndAmount, ActiveOrHistoricCurrencyAndAmountSimpleType);
amount!(ActiveCurrencyAndAmount, ActiveCurrencyAndAmountSimpleType);

fn money<A: Amount>(m: &Money, element: &str, path: &dyn Display) -> R<A> {
    A::build(m, element, path)
}

fn opt_money<A: Amount>(m: Option<&Money>, element: &str, path: &dyn Display) -> R<Option<A>> {
    m.map(|m| A::build(m, element, path)).transpose()
}

fn decimal<T>(d: Decimal, new: fn(Decimal) -> Result<T, FacetError>, element: &str, path: &dyn Display) -> R<T> {
    check(new(d), element, path)
}

/// A generated `Cd`/`Prtry` choice.
trait CodeChoice: Sized {
    fn build<C: Display>(v: &CodeOrProprietary<C>, element: &str, path: &dyn Display) -> R<Self>;
}

/// `CodeChoice` for generated choices `$t` of `Cd` (a code type) and `Prtry` (`Max35Text`).
macro_rules! code_choice {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::codec::typed_encode::CodeChoice for $t {
            fn build<C: std::fmt::Display>(
                v: &payglot_core_model::CodeOrProprietary<C>,
                element: &str,
                path: &dyn std::fmt::Display,
            ) -> Result<Self, payglot_core_model::EncodeError> {
                Ok(match v {
                    payglot_core_model::CodeOrProprietary::Code(c) => {
                        Self::Cd($crate::codec::typed_encode::shown(c, element, path)?)
                    }
                    payglot_core_model::CodeOrProprietary::Proprietary(p) => {
                        Self::Prtry($crate::codec::typed_encode::leaf(p.as_str(), element, path)?)
                    }
                })
            }
        }
    )*};
}
code_choice!(gc::ProxyAccountType1Choice, gc::ReferredDocumentType3Choice);
// The `Cd`/`Prtry` branches the 2009 schemas share, inside their `choice` wrappers (`era2009!`).
#[cfg(feature = "pain_001_001_03")]
code_choice!(
    gc::AccountSchemeName1ChoiceChoice,
    gc::CategoryPurpose1ChoiceChoice,
    gc::ClearingSystemIdentification2ChoiceChoice,
    gc::CreditorReferenceType1ChoiceChoice,
    gc::FinancialIdentificationSchemeName1ChoiceChoice,
    gc::LocalInstrument2ChoiceChoice,
    gc::OrganisationIdentificationSchemeName1ChoiceChoice,
    gc::PersonIdentificationSchemeName1ChoiceChoice,
    gc::Purpose2ChoiceChoice,
    gc::ReferredDocumentType1ChoiceChoice,
    gc::ServiceLevel8ChoiceChoice,
);

fn choice<T: CodeChoice, C: Display>(v: &CodeOrProprietary<C>, element: &str, path: &dyn Display) -> R<T> {
    T::build(v, element, path)
}

fn opt_choice<T: CodeChoice, C: Display, H: Held<T>>(
    v: Option<&CodeOrProprietary<C>>,
    element: &str,
    path: &dyn Display,
) -> R<Option<H>> {
    v.map(|v| T::build(v, element, path).map(Held::hold)).transpose()
}

// ---------------------------------------------------------------- types in common.rs

/// `PostalAddress24` (2019 versions), as `Out::postal_address` writes it.
fn postal_address<H: Held<gc::PostalAddress24>>(
    out: &mut Out,
    path: &dyn Display,
    a: Option<&PostalAddress>,
) -> R<Option<H>> {
    let Some(a) = a else { return Ok(None) };
    let adr_tp = match &a.address_type {
        None => None,
        Some(CodeOrProprietary::Code(code)) => Some(Held::hold(gc::AddressType3Choice::Cd(leaf(
            code.as_str(),
            "AdrTp",
            &format_args!("{path}/address_type"),
        )?))),
        Some(CodeOrProprietary::Proprietary(_)) => {
            return Err(unrepresentable(
                &format_args!("{path}/address_type"),
                format!(
                    "the written document would be invalid: {}: AdrTp/Prtry is a GenericIdentification30 (Id, Issr), \
                     not text",
                    rt::Rule::ElementOnlyContent
                ),
            ));
        }
    };
    let adr_line = address_lines(out, path, a)?;
    let f = |field: &'static str| FieldPath(path, field);
    Ok(Some(Held::hold(gc::PostalAddress24 {
        adr_tp,
        dept: text(a.department.as_ref(), "Dept", &f("department"))?,
        sub_dept: text(a.sub_department.as_ref(), "SubDept", &f("sub_department"))?,
        strt_nm: text(a.street_name.as_ref(), "StrtNm", &f("street_name"))?,
        bldg_nb: text(a.building_number.as_ref(), "BldgNb", &f("building_number"))?,
        bldg_nm: text(a.building_name.as_ref(), "BldgNm", &f("building_name"))?,
        flr: text(a.floor.as_ref(), "Flr", &f("floor"))?,
        pst_bx: text(a.post_box.as_ref(), "PstBx", &f("post_box"))?,
        room: text(a.room.as_ref(), "Room", &f("room"))?,
        pst_cd: text(a.post_code.as_ref(), "PstCd", &f("post_code"))?,
        twn_nm: text(a.town_name.as_ref(), "TwnNm", &f("town_name"))?,
        twn_lctn_nm: text(a.town_location_name.as_ref(), "TwnLctnNm", &f("town_location_name"))?,
        dstrct_nm: text(a.district_name.as_ref(), "DstrctNm", &f("district_name"))?,
        ctry_sub_dvsn: text(a.country_sub_division.as_ref(), "CtrySubDvsn", &f("country_sub_division"))?,
        ctry: country(a.country.as_ref(), "Ctry", &f("country"))?,
        adr_line,
    })))
}

/// `AdrLine`s: the first 7 (every era's `maxOccurs`), the others reported as dropped.
fn address_lines(out: &mut Out, path: &dyn Display, a: &PostalAddress) -> R<Vec<gc::Max70Text>> {
    let mut adr_line = Vec::with_capacity(a.address_lines.len().min(7));
    for (i, line) in a.address_lines.iter().enumerate() {
        if i < 7 {
            adr_line.push(leaf(line.as_str(), "AdrLine", &format_args!("{path}/address_lines/{i}"))?);
        } else {
            out.drop_if(true, format_args!("{path}/address_lines/{i}"), "more than 7 address lines");
        }
    }
    Ok(adr_line)
}

/// `{path}/{field}`, formatted only when an error needs it.
#[derive(Clone, Copy)]
struct FieldPath<'a>(&'a dyn Display, &'static str);

impl Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.0, self.1)
    }
}

fn contact<H: Held<gc::Contact4>>(path: &dyn Display, c: Option<&Contact>) -> R<Option<H>> {
    let Some(c) = c else { return Ok(None) };
    let f = |field: &'static str| FieldPath(path, field);
    Ok(Some(Held::hold(gc::Contact4 {
        nm_prfx: None,
        nm: text(c.name.as_ref(), "Nm", &f("contact/name"))?,
        phne_nb: text(c.phone.as_ref(), "PhneNb", &f("contact/phone"))?,
        mob_nb: text(c.mobile.as_ref(), "MobNb", &f("contact/mobile"))?,
        fax_nb: None,
        email_adr: text(c.email.as_ref(), "EmailAdr", &f("contact/email"))?,
        email_purp: None,
        job_titl: None,
        rspnsblty: None,
        dept: None,
        othr: Vec::new(),
        prefrd_mtd: None,
    })))
}

/// `birth` (2019, `DateAndPlaceOfBirth1`) and `birth_2009` (`DateAndPlaceOfBirth`): the same
/// four fields.
macro_rules! birth {
    ($name:ident, $t:ident) => {
        fn $name<H: Held<gc::$t>>(path: &dyn Display, b: Option<&DateAndPlaceOfBirth>) -> R<Option<H>> {
            let Some(b) = b else { return Ok(None) };
            let f = |field: &'static str| FieldPath(path, field);
            Ok(Some(Held::hold(gc::$t {
                birth_dt: date(&b.birth_date, "BirthDt", &f("birth_date"))?,
                prvc_of_birth: text(b.province.as_ref(), "PrvcOfBirth", &f("province"))?,
                city_of_birth: leaf(b.city.as_str(), "CityOfBirth", &f("city"))?,
                ctry_of_birth: leaf(b.country.as_str(), "CtryOfBirth", &f("country"))?,
            })))
        }
    };
}
birth!(birth, DateAndPlaceOfBirth1);
#[cfg(feature = "pain_001_001_03")]
birth!(birth_2009, DateAndPlaceOfBirth);

fn proxy(p: &payglot_core_model::Proxy, path: &dyn Display) -> R<gc::ProxyAccountIdentification1> {
    Ok(gc::ProxyAccountIdentification1 {
        tp: opt_choice(p.kind.as_ref(), "Tp", path)?,
        id: leaf(p.id.as_str(), "Id", path)?,
    })
}

/// `RgltryRptg` (at most 10 written, the others reported, as `Out::regulatory`).
fn regulatory(out: &mut Out, reports: &[RegulatoryReport], path: &dyn Display) -> R<Vec<gc::RegulatoryReporting3>> {
    let p = FieldPath(path, "regulatory_reporting");
    reports
        .iter()
        .take(10)
        .map(|r| {
            let authrty = if r.authority_name.is_some() || r.authority_country.is_some() {
                Some(Held::hold(gc::RegulatoryAuthority2 {
                    nm: text(r.authority_name.as_ref(), "Nm", &p)?,
                    ctry: country(r.authority_country.as_ref(), "Ctry", &p)?,
                }))
            } else {
                None
            };
            let dtls = r
                .details
                .iter()
                .map(|d| {
                    Ok(gc::StructuredRegulatoryReporting3 {
                        tp: text(d.kind.as_ref(), "Tp", &p)?,
                        dt: None,
                        ctry: country(d.country.as_ref(), "Ctry", &p)?,
                        cd: text(d.code.as_ref(), "Cd", &p)?,
                        amt: opt_money(d.amount.as_ref(), "Amt", &p)?,
                        inf: texts(&d.information, "Inf", &p)?,
                    })
                })
                .collect::<R<_>>()?;
            Ok(gc::RegulatoryReporting3 {
                dbt_cdt_rptg_ind: text(r.indicator.as_ref(), "DbtCdtRptgInd", &p)?,
                authrty,
                dtls,
            })
        })
        .collect::<R<_>>()
        .inspect(|_| out.regulatory_overflow(format_args!("{path}"), reports))
}

fn instructions(is: &[AgentInstruction], path: &dyn Display) -> R<Vec<gc::InstructionForCreditorAgent1>> {
    let p = FieldPath(path, "instructions_for_creditor_agent");
    is.iter()
        .map(|i| {
            Ok(gc::InstructionForCreditorAgent1 {
                cd: text(i.code.as_ref(), "Cd", &p)?,
                instr_inf: text(i.information.as_ref(), "InstrInf", &p)?,
            })
        })
        .collect()
}

/// A referred document (`RfrdDocInf`) and the remitted amounts (`RfrdDocAmt`) of an era's
/// structured remittance: the same fields in both eras, `$extra` the ones only a type has.
macro_rules! remittance_parts {
    (
        $doc_fn:ident, $info:ident, $doc_type:ident, { $($doc_extra:tt)* },
        $amount_fn:ident, $amount:ident, { $($amount_extra:tt)* },
    ) => {
        fn $doc_fn(doc: &ReferredDocument, path: &dyn Display) -> R<gc::$info> {
            Ok(gc::$info {
                tp: doc
                    .kind
                    .as_ref()
                    .map(|k| {
                        Ok::<_, EncodeError>(Held::hold(gc::$doc_type {
                            cd_or_prtry: choice(k, "CdOrPrtry", path)?,
                            issr: None,
                        }))
                    })
                    .transpose()?,
                nb: text(doc.number.as_ref(), "Nb", path)?,
                rltd_dt: doc.date.map(|d| date(&d, "RltdDt", path)).transpose()?,
                $($doc_extra)*
            })
        }

        fn $amount_fn<H: Held<gc::$amount>>(
            due: Option<&Money>,
            remitted: Option<&Money>,
            path: &dyn Display,
        ) -> R<Option<H>> {
            if due.is_none() && remitted.is_none() {
                return Ok(None);
            }
            Ok(Some(Held::hold(gc::$amount {
                due_pybl_amt: opt_money(due, "DuePyblAmt", path)?,
                $($amount_extra)*
                adjstmnt_amt_and_rsn: Vec::new(),
                rmtd_amt: opt_money(remitted, "RmtdAmt", path)?,
            })))
        }
    };
}
remittance_parts!(
    referred_document, ReferredDocumentInformation7, ReferredDocumentType4, { line_dtls: Vec::new(), },
    remittance_amount, RemittanceAmount2, { dscnt_apld_amt: Vec::new(), cdt_note_amt: None, tax_amt: Vec::new(), },
);
#[cfg(feature = "pain_001_001_03")]
remittance_parts!(
    referred_document_2009, ReferredDocumentInformation3, ReferredDocumentType2, {},
    remittance_amount_2009, RemittanceAmount1, { dscnt_apld_amt: None, cdt_note_amt: None, tax_amt: None, },
);
#[cfg(feature = "pain_001_001_03")]
wrapped_code_choice!(gc::ReferredDocumentType1Choice => gc::ReferredDocumentType1ChoiceChoice);

#[cfg(feature = "pacs_008_001_08")]
era2019!(pacs_008_001_08);
#[cfg(feature = "pain_001_001_09")]
era2019!(pain_001_001_09);
#[cfg(feature = "pacs_004_001_09")]
era2019!(pacs_004_001_09);
#[cfg(feature = "pacs_002_001_10")]
era2019!(pacs_002_001_10);
#[cfg(feature = "pain_002_001_10")]
era2019!(pain_002_001_10);
#[cfg(feature = "pain_001_001_03")]
era2009!(pain_001_001_03);

/// `settlement` (`SttlmInf`, `codec::pacs008::encode_settlement`) over the generated module `g`
/// in scope, for the pacs messages sharing `SettlementInstruction7`.
macro_rules! interbank_settlement {
    () => {
        code_choice!(g::ClearingSystemIdentification3Choice);

        fn settlement(
            out: &mut Out,
            s: &payglot_core_model::message::SettlementInfo,
            path: &dyn Display,
        ) -> R<g::SettlementInstruction7> {
            Ok(g::SettlementInstruction7 {
                sttlm_mtd: super::leaf(s.method.as_str(), "SttlmMtd", &FieldPath(path, "method"))?,
                sttlm_acct: opt_account(out, &FieldPath(path, "account"), s.account.as_ref())?,
                clr_sys: super::opt_choice(s.clearing_system.as_ref(), "ClrSys", &FieldPath(path, "clearing_system"))?,
                instg_rmbrsmnt_agt: None,
                instg_rmbrsmnt_agt_acct: None,
                instd_rmbrsmnt_agt: None,
                instd_rmbrsmnt_agt_acct: None,
                thrd_rmbrsmnt_agt: None,
                thrd_rmbrsmnt_agt_acct: None,
            })
        }
    };
}

// After the macros they use.
#[cfg(feature = "pacs_004_001_09")]
mod pacs004;
#[cfg(feature = "pacs_008_001_08")]
mod pacs008;
#[cfg(any(feature = "pain_001_001_09", feature = "pain_001_001_03"))]
mod pain001;
#[cfg(any(feature = "pacs_002_001_10", feature = "pain_002_001_10"))]
mod status;

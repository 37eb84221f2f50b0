//! head.001.001.02 (the business application header) → `BusinessHeader`, from the typed
//! AppHdr; the tree path's `codec::head::decode` is the reference this follows.

use payglot_core_model::Bic;
use payglot_core_model::message::BusinessHeader;

use super::shared::opt;
use super::{At, S, Sink, datetime, text};
use crate::generated::head_001_001_02 as h;

const APP_HDR: At<'static> = At::root("AppHdr");

/// Whether any text of the header holds a line feed (which a CR in the input may have become).
pub(crate) fn has_line_feed(header: &h::BusinessApplicationHeaderV02) -> bool {
    let mut w = crate::rt::Writer::default();
    crate::rt::ComplexValue::write(header, &mut w);
    memchr::memchr(b'\n', &w.into_bytes()).is_some()
}

/// The BIC of a `Fr`/`To` party given as a financial institution; the rest of it is lost.
fn fi_bic(party: h::Party44Choice, at: &At<'_>, sink: &mut Sink) -> Option<Option<Bic>> {
    match party {
        h::Party44Choice::OrgId(org) => {
            sink.lost(at, "OrgId", &org);
            Some(None)
        }
        h::Party44Choice::FIId(fi) => {
            let here = at.at("FIId");
            let h::BranchAndFinancialInstitutionIdentification6 { fin_instn_id, brnch_id } = fi;
            let institution = here.at("FinInstnId");
            let h::FinancialInstitutionIdentification18 { bicfi, clr_sys_mmb_id, lei, nm, pstl_adr, othr } =
                fin_instn_id;
            let bic = opt!(bicfi, b => Bic::parse(b.as_str()).ok()?);
            sink.lost_opt(&institution, "ClrSysMmbId", clr_sys_mmb_id.as_ref());
            sink.lost_opt_s(&institution, "LEI", lei.as_ref());
            sink.lost_opt_s(&institution, "Nm", nm.as_ref());
            sink.lost_opt(&institution, "PstlAdr", pstl_adr.as_deref());
            sink.lost_opt(&institution, "Othr", othr.as_ref());
            sink.lost_opt(&here, "BrnchId", brnch_id.as_ref());
            Some(bic)
        }
    }
}

pub(crate) fn decode(header: h::BusinessApplicationHeaderV02, sink: &mut Sink) -> Option<BusinessHeader> {
    let h::BusinessApplicationHeaderV02 {
        char_set,
        fr,
        to,
        biz_msg_idr,
        msg_def_idr,
        biz_svc,
        mkt_prctc,
        cre_dt,
        biz_prcg_dt,
        cpy_dplct,
        pssbl_dplct,
        prty,
        sgntr,
        rltd,
    } = header;
    let at = &APP_HDR;
    if sgntr.is_some() || rltd.iter().any(|r| r.sgntr.is_some()) {
        // `xs:any` content, which could hold an element named `Document`: the tree path's.
        return None;
    }
    sink.lost_opt_s(at, "CharSet", char_set.as_ref());
    let from = fi_bic(fr, &at.at("Fr"), sink)?;
    let to = fi_bic(to, &at.at("To"), sink)?;
    let business_message_id = text!(biz_msg_idr);
    let message_definition_id = text!(msg_def_idr);
    let business_service = opt!(biz_svc, s => text!(s));
    sink.lost_opt(at, "MktPrctc", mkt_prctc.as_ref());
    let created = datetime(cre_dt)?;
    sink.lost_opt_s(at, "BizPrcgDt", biz_prcg_dt.as_ref());
    let copy_duplicate = opt!(cpy_dplct, c => super::shared::code(c.as_str())?);
    sink.lost_opt_s(at, "PssblDplct", pssbl_dplct.as_ref());
    let priority = opt!(prty, p => super::shared::code(p.as_str())?);
    let len = rltd.len();
    let mut related_business_message_id = None;
    for (i, related) in rltd.into_iter().enumerate() {
        let here = at.item("Rltd", i, len);
        if i > 0 {
            sink.lost_at(&here, &related);
            continue;
        }
        // The first related header gives its message id; the rest of it is lost.
        let h::BusinessApplicationHeader5 {
            char_set,
            fr,
            to,
            biz_msg_idr,
            msg_def_idr,
            biz_svc,
            cre_dt,
            cpy_dplct,
            pssbl_dplct,
            prty,
            sgntr,
        } = related;
        sink.lost_opt_s(&here, "CharSet", char_set.as_ref());
        sink.lost(&here, "Fr", &fr);
        sink.lost(&here, "To", &to);
        related_business_message_id = Some(text!(biz_msg_idr));
        sink.lost(&here, "MsgDefIdr", &S(&msg_def_idr));
        sink.lost_opt_s(&here, "BizSvc", biz_svc.as_ref());
        sink.lost(&here, "CreDt", &S(&cre_dt));
        sink.lost_opt_s(&here, "CpyDplct", cpy_dplct.as_ref());
        sink.lost_opt_s(&here, "PssblDplct", pssbl_dplct.as_ref());
        sink.lost_opt_s(&here, "Prty", prty.as_ref());
        sink.lost_opt(&here, "Sgntr", sgntr.as_ref());
    }
    Some(BusinessHeader {
        from,
        to,
        business_message_id,
        message_definition_id,
        business_service,
        created,
        copy_duplicate,
        priority,
        related_business_message_id,
    })
}

//! head.001.001.02, the business application header ↔ `BusinessHeader`.

use payglot_core_model::message::BusinessHeader;
use payglot_core_model::{Bic, DecodeError};

use super::common::{self as c, Out};
use super::tree::Element;

/// The BIC of a `Fr`/`To` party given as a financial institution (`FIId`).
fn fi_bic(parent: Element, name: &str) -> Result<Option<Bic>, DecodeError> {
    let Some(party) = parent.child(name) else { return Ok(None) };
    let Some(fi) = party.child("FIId") else { return Ok(None) };
    let Some(institution) = fi.child("FinInstnId") else { return Ok(None) };
    c::opt_parse(institution, "BICFI", Bic::parse)
}

pub(crate) fn decode(el: Element) -> Result<BusinessHeader, DecodeError> {
    Ok(BusinessHeader {
        from: fi_bic(el, "Fr")?,
        to: fi_bic(el, "To")?,
        business_message_id: c::opt_text(el, "BizMsgIdr")?.ok_or_else(|| c::missing(el, "BizMsgIdr"))?,
        message_definition_id: c::opt_text(el, "MsgDefIdr")?.ok_or_else(|| c::missing(el, "MsgDefIdr"))?,
        business_service: c::opt_text(el, "BizSvc")?,
        created: el.child("CreDt").map(c::datetime).transpose()?.ok_or_else(|| c::missing(el, "CreDt"))?,
        copy_duplicate: c::opt_text(el, "CpyDplct")?,
        priority: c::opt_text(el, "Prty")?,
        related_business_message_id: el.child("Rltd").map(|r| c::opt_text(r, "BizMsgIdr")).transpose()?.flatten(),
    })
}

fn fi(out: &mut Out, name: &'static str, bic: Option<&Bic>) {
    out.xml.start(name);
    out.xml.start("FIId");
    out.xml.start("FinInstnId");
    out.xml.opt_leaf("BICFI", bic.map(Bic::as_str));
    out.xml.end();
    out.xml.end();
    out.xml.end();
}

pub(crate) fn encode(out: &mut Out, header: &BusinessHeader, message_id: &str) {
    out.xml.start_with("AppHdr", &[("xmlns", "urn:iso:std:iso:20022:tech:xsd:head.001.001.02")]);
    fi(out, "Fr", header.from.as_ref());
    fi(out, "To", header.to.as_ref());
    out.xml.leaf("BizMsgIdr", header.business_message_id.as_str());
    // The header describes the document it travels with.
    out.xml.leaf("MsgDefIdr", message_id);
    if header.message_definition_id.as_str() != message_id {
        out.losses.push(payglot_core_model::Loss::approximated(
            "/header/business_header/message_definition_id",
            format!("was {}; written as {message_id}, the message it now heads", header.message_definition_id),
        ));
    }
    out.text("BizSvc", header.business_service.as_ref());
    out.xml.leaf("CreDt", &header.created.to_string());
    out.text("CpyDplct", header.copy_duplicate.as_ref());
    out.text("Prty", header.priority.as_ref());
    out.drop_if(
        header.related_business_message_id.is_some(),
        format_args!("{}", "/header/business_header/related_business_message_id"),
        "a related header given by its id alone (head.001 requires the whole related header)",
    );
    out.xml.end();
}

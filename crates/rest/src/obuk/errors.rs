//! UK Open Banking error bodies: `OBErrorResponse1`, whose `ErrorCode`s come in two styles:
//! the namespaced `UK.OBIE.*` names (v3.1) and the four-character `U0xx` codes (v4), which
//! Open Banking's code set (`OB_Internal_Codeset.csv`) maps to one another. [`CODES`] is that
//! table with the HTTP class and the ISO reason we map each to, where one fits.

use payglot_core_model::outcome;
use payglot_core_model::{
    CodeOrProprietary, DecodeError, DecodeLimits, EncodeError, Location, Max35Text, PaymentStatus, StatusReason,
    StatusReasonInfo, TransactionStatus,
};
use serde::{Deserialize, Serialize};

use crate::berlin::errors::{chunks, unchunk};
use crate::common::{Losses, to_json};
use crate::errors::transaction_losses;

/// `(U code, UK.OBIE name, HTTP status, ISO reason)`, from Open Banking's code set.
pub(crate) const CODES: &[(&str, &str, u16, Option<&str>)] = &[
    ("U000", "UK.OBIE.UnexpectedError", 500, None),
    ("U001", "UK.OBIE.Field.Expected", 400, Some("CH21")),
    ("U002", "UK.OBIE.Field.Invalid", 400, Some("CH16")),
    ("U003", "UK.OBIE.Field.InvalidDate", 400, Some("DT01")),
    ("U004", "UK.OBIE.Field.Missing", 400, Some("CH21")),
    ("U005", "UK.OBIE.Field.Unexpected", 400, Some("CH17")),
    ("U006", "UK.OBIE.Header.Invalid", 400, Some("FF01")),
    ("U007", "UK.OBIE.Header.Missing", 400, Some("FF01")),
    ("U008", "UK.OBIE.Resource.ConsentMismatch", 400, None),
    ("U009", "UK.OBIE.Resource.InvalidConsentStatus", 400, None),
    ("U010", "UK.OBIE.Resource.InvalidFormat", 400, Some("FF01")),
    ("U011", "UK.OBIE.Resource.NotFound", 400, None),
    ("U012", "UK.OBIE.Rules.AfterCutOffDateTime", 400, Some("TM01")),
    ("U013", "UK.OBIE.Rules.DuplicateReference", 400, Some("AM05")),
    ("U014", "UK.OBIE.Rules.FailsControlParameters", 400, None),
    ("U015", "UK.OBIE.Signature.Invalid", 400, None),
    ("U016", "UK.OBIE.Signature.InvalidClaim", 400, None),
    ("U017", "UK.OBIE.Signature.MissingClaim", 400, None),
    ("U018", "UK.OBIE.Signature.Malformed", 400, None),
    ("U019", "UK.OBIE.Signature.Missing", 400, None),
    ("U020", "UK.OBIE.Signature.Unexpected", 400, None),
    ("U021", "UK.OBIE.Unsupported.AccountIdentifier", 400, Some("AC01")),
    ("U022", "UK.OBIE.Unsupported.AccountSecondaryIdentifier", 400, None),
    ("U023", "UK.OBIE.Unsupported.Currency", 400, Some("AM03")),
    ("U024", "UK.OBIE.Unsupported.EventType", 400, None),
    ("U025", "UK.OBIE.Unsupported.Frequency", 400, None),
    ("U026", "UK.OBIE.Unsupported.LocalInstrument", 400, Some("AG03")),
    ("U027", "UK.OBIE.Unsupported.Scheme", 400, None),
    ("U028", "UK.OBIE.Reauthenticate", 403, None),
    ("U029", "UK.OBIE.Rules.ResourceAlreadyExists", 409, Some("AM05")),
];

fn by_any(code: &str) -> Option<&'static (&'static str, &'static str, u16, Option<&'static str>)> {
    CODES.iter().find(|(u, name, _, _)| *u == code || *name == code)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ObError {
    error_code: Max35Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ErrorResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    errors: Vec<ObError>,
}

pub(crate) fn decode(
    body: &[u8],
    limits: &DecodeLimits,
    losses: &mut Losses,
) -> Result<TransactionStatus, DecodeError> {
    let doc: ErrorResponse = crate::common::from_slice_unique(body, limits)?;
    for (field, present) in [("Code", doc.code.is_some()), ("Id", doc.id.is_some()), ("Message", doc.message.is_some())]
    {
        if present {
            losses.dropped(format!("/{field}"), "the error response's own summary");
        }
    }
    if doc.errors.is_empty() {
        return Err(DecodeError::invalid(Location::path("/Errors"), "an error response needs at least one error"));
    }
    let mut reasons = Vec::with_capacity(doc.errors.len());
    for (i, error) in doc.errors.into_iter().enumerate() {
        let path = format!("/Errors/{i}");
        if error.path.is_some() {
            losses.dropped(format!("{path}/Path"), "the path of the offending field");
        }
        if error.url.is_some() {
            losses.dropped(format!("{path}/Url"), "the documentation URL");
        }
        let mapped = by_any(error.error_code.as_str())
            .and_then(|(_, _, _, iso)| *iso)
            .and_then(|iso| StatusReason::parse(iso).ok());
        reasons.push(StatusReasonInfo {
            originator: None,
            reason: Some(CodeOrProprietary::Proprietary(error.error_code)),
            mapped_reason: mapped,
            additional_info: match &error.message {
                Some(text) if !text.is_empty() => chunks(text, &format!("{path}/Message"))?,
                _ => Vec::new(),
            },
        });
    }
    Ok(TransactionStatus {
        status_id: None,
        original_instruction_id: None,
        original_end_to_end_id: None,
        original_transaction_id: None,
        original_uetr: None,
        status: Some(PaymentStatus::parse("RJCT").map_err(|e| DecodeError::invalid_value(Location::default(), &e))?),
        reasons,
        acceptance_time: None,
        original_amount: None,
        original_requested_execution: None,
        extensions: Default::default(),
    })
}

/// The code to write for a reason (`U0xx` in v4, `UK.OBIE.*` in v3.1) and its HTTP status.
fn code_for(reason: &StatusReasonInfo, v4: bool, path: &str, losses: &mut Losses) -> (String, u16) {
    let pick = |entry: &(&str, &str, u16, Option<&str>)| ((if v4 { entry.0 } else { entry.1 }).to_owned(), entry.2);
    if let Some(CodeOrProprietary::Proprietary(own)) = &reason.reason {
        if let Some(entry) = by_any(own.as_str()) {
            let iso = entry.3.and_then(|iso| StatusReason::parse(iso).ok());
            if reason.mapped_reason.is_some() && reason.mapped_reason != iso {
                losses.dropped(format!("{path}/mapped_reason"), "an ISO reason other than the Open Banking code's");
            }
            let written = pick(entry);
            if written.0 != own.as_str() {
                losses.approximated(format!("{path}/reason"), "written in this version's code style");
            }
            return written;
        }
        losses
            .approximated(format!("{path}/reason"), "a proprietary code Open Banking lacks, written by its ISO reason");
    }
    let iso = reason.iso_reason();
    if let Some(entry) = iso.and_then(|iso| CODES.iter().find(|(_, _, _, i)| *i == Some(iso.as_str()))) {
        return pick(entry);
    }
    let outcome = iso.map_or(outcome::DEFAULT, outcome::for_reason);
    let fallback = if outcome.http_status >= 500 { CODES.first() } else { CODES.iter().find(|(u, ..)| *u == "U002") };
    losses.approximated(format!("{path}/reason"), "no Open Banking code for this reason: written as a generic one");
    fallback.map_or(("U000".to_owned(), 500), |entry| (pick(entry).0, outcome.http_status))
}

pub(crate) fn encode(
    t: &TransactionStatus,
    path: &str,
    v4: bool,
    losses: &mut Losses,
) -> Result<(u16, &'static str, Vec<u8>), EncodeError> {
    transaction_losses(t, path, losses);
    losses.drop_if(t.status_id.is_some(), path, "status_id", "no payment id in an OBErrorResponse1");
    losses.drop_if(
        t.original_end_to_end_id.is_some(),
        path,
        "original_end_to_end_id",
        "no end-to-end id in an OBErrorResponse1",
    );
    let empty = StatusReasonInfo { originator: None, reason: None, mapped_reason: None, additional_info: Vec::new() };
    let reasons: Vec<(String, &StatusReasonInfo)> = if t.reasons.is_empty() {
        vec![(path.to_owned(), &empty)]
    } else {
        t.reasons.iter().enumerate().map(|(i, r)| (format!("{path}/reasons/{i}"), r)).collect()
    };
    let mut status = None;
    let mut errors = Vec::new();
    for (reason_path, reason) in reasons {
        losses.drop_if(reason.originator.is_some(), &reason_path, "originator", "no originator in an OBErrorResponse1");
        let (code, http) = code_for(reason, v4, &reason_path, losses);
        status.get_or_insert(http);
        let message = unchunk(&reason.additional_info);
        errors.push(ObError {
            error_code: Max35Text::new(code).map_err(|e| EncodeError::unrepresentable(&reason_path, e.to_string()))?,
            // v3.1 requires a message; v4 does not.
            message: if v4 { message } else { Some(message.unwrap_or_default()) },
            path: None,
            url: None,
        });
    }
    let status = status.unwrap_or(400);
    let response = ErrorResponse {
        // v3.1 requires Code and Message: the HTTP status and the outcome table's title.
        code: (!v4).then(|| status.to_string()),
        id: None,
        message: (!v4).then(|| {
            t.reasons
                .first()
                .and_then(StatusReasonInfo::iso_reason)
                .map_or(outcome::DEFAULT, outcome::for_reason)
                .title
                .to_owned()
        }),
        errors,
    };
    Ok((status, "application/json", to_json(&response)?))
}

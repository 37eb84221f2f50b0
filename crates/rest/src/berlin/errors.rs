//! Berlin Group error bodies: `tppMessages` (`Error4xx_NG_PIS`, `application/json`) and the
//! RFC 7807 problem (`Error4xx_PIS`, `application/problem+json`), with the Berlin Group message
//! codes mapped to ISO status reasons where one fits (the table is [`CODES`]; a code with no
//! ISO counterpart keeps only its own code).

use payglot_core_model::outcome;
use payglot_core_model::{
    CodeOrProprietary, DecodeError, DecodeLimits, EncodeError, Location, Max35Text, PaymentStatus, StatusReason,
    StatusReasonInfo, Text, TransactionStatus,
};
use serde::{Deserialize, Serialize};

use crate::common::{Losses, TopKeys, invalid_at, to_json};
use crate::errors::transaction_losses;

/// Berlin Group message codes of payment initiation: `(code, HTTP status, ISO reason)`.
pub(crate) const CODES: &[(&str, u16, Option<&str>)] = &[
    ("FORMAT_ERROR", 400, Some("FF01")),
    ("PARAMETER_NOT_CONSISTENT", 400, Some("CH16")),
    ("PARAMETER_NOT_SUPPORTED", 400, Some("CH17")),
    ("SERVICE_INVALID", 400, Some("AG03")),
    ("RESOURCE_UNKNOWN", 404, None),
    ("RESOURCE_EXPIRED", 403, None),
    ("RESOURCE_BLOCKED", 400, None),
    ("TIMESTAMP_INVALID", 400, Some("DT01")),
    ("PERIOD_INVALID", 400, Some("DT01")),
    ("SCA_METHOD_UNKNOWN", 400, None),
    ("SCA_INVALID", 400, None),
    ("CONSENT_UNKNOWN", 403, None),
    ("PAYMENT_FAILED", 400, Some("MS03")),
    ("EXECUTION_DATE_INVALID", 400, Some("DT01")),
    ("CERTIFICATE_INVALID", 401, None),
    ("ROLE_INVALID", 401, None),
    ("CERTIFICATE_EXPIRED", 401, None),
    ("CERTIFICATE_BLOCKED", 401, None),
    ("CERTIFICATE_REVOKE", 401, None),
    ("CERTIFICATE_MISSING", 401, None),
    ("SIGNATURE_INVALID", 401, None),
    ("SIGNATURE_MISSING", 401, None),
    ("CORPORATE_ID_INVALID", 401, None),
    ("PSU_CREDENTIALS_INVALID", 401, None),
    ("CONSENT_INVALID", 401, None),
    ("CONSENT_EXPIRED", 401, None),
    ("TOKEN_UNKNOWN", 401, None),
    ("TOKEN_INVALID", 401, None),
    ("TOKEN_EXPIRED", 401, None),
    ("REQUIRED_KID_MISSING", 401, None),
    ("SERVICE_BLOCKED", 403, Some("AG01")),
    ("PRODUCT_INVALID", 403, Some("AG03")),
    ("PRODUCT_UNKNOWN", 404, Some("AG03")),
    ("STATUS_INVALID", 409, None),
];

/// The Berlin Group code written for an ISO reason that has no Berlin Group code of its own.
const FALLBACK: &str = "PAYMENT_FAILED";

/// The problem type prefix Berlin Group examples use.
const TYPE_PREFIX: &str = "https://berlingroup.com/error-codes/";

fn entry(code: &str) -> Option<&'static (&'static str, u16, Option<&'static str>)> {
    CODES.iter().find(|(c, _, _)| *c == code)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TppMessage {
    category: Category,
    code: Max35Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
enum Category {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TppMessages {
    tpp_messages: Vec<TppMessage>,
    #[serde(default, rename = "_links", skip_serializing_if = "Option::is_none")]
    links: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AdditionalError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    code: Max35Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Problem {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    code: Max35Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    additional_errors: Vec<AdditionalError>,
    #[serde(default, rename = "_links", skip_serializing_if = "Option::is_none")]
    links: Option<serde_json::Value>,
}

/// Split text into the 105-character lines of `additional_info`; concatenating them gives the
/// text back exactly.
pub(crate) fn chunks(text: &str, path: &str) -> Result<Vec<Text<105>>, DecodeError> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(105)
        .map(|chunk| Text::new(chunk.iter().collect::<String>()).map_err(|e| invalid_at(path, &e)))
        .collect()
}

/// The reverse of [`chunks`].
pub(crate) fn unchunk(lines: &[Text<105>]) -> Option<String> {
    (!lines.is_empty()).then(|| lines.iter().map(Text::as_str).collect())
}

fn reason_from_code(code: Max35Text, text: Option<&str>, path: &str) -> Result<StatusReasonInfo, DecodeError> {
    let mapped = entry(code.as_str()).and_then(|(_, _, iso)| *iso).and_then(|iso| StatusReason::parse(iso).ok());
    Ok(StatusReasonInfo {
        originator: None,
        reason: Some(CodeOrProprietary::Proprietary(code)),
        mapped_reason: mapped,
        additional_info: match text {
            Some(text) if !text.is_empty() => chunks(text, path)?,
            _ => Vec::new(),
        },
    })
}

fn rejected(reasons: Vec<StatusReasonInfo>) -> Result<TransactionStatus, DecodeError> {
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

pub(crate) fn decode(
    body: &[u8],
    limits: &DecodeLimits,
    losses: &mut Losses,
) -> Result<TransactionStatus, DecodeError> {
    let keys = TopKeys::probe_checked(body, limits)?;
    let mut reasons = Vec::new();
    if keys.has("tppMessages") {
        let doc: TppMessages = crate::common::from_slice_unique(body, limits)?;
        if doc.links.is_some() {
            losses.dropped("/_links", "links of an error body");
        }
        for (i, message) in doc.tpp_messages.into_iter().enumerate() {
            let path = format!("/tppMessages/{i}");
            if message.category == Category::Warning {
                losses.approximated(format!("{path}/category"), "a warning read as a reason of the rejection");
            }
            if message.path.is_some() {
                losses.dropped(format!("{path}/path"), "the path of the offending field");
            }
            reasons.push(reason_from_code(message.code, message.text.as_deref(), &format!("{path}/text"))?);
        }
    } else {
        let doc: Problem = crate::common::from_slice_unique(body, limits)?;
        if doc.links.is_some() {
            losses.dropped("/_links", "links of an error body");
        }
        if doc.kind != format!("{TYPE_PREFIX}{}", doc.code) {
            losses.dropped("/type", "a problem type other than the code's");
        }
        if doc.title.is_some() {
            losses.dropped("/title", "the problem title");
        }
        reasons.push(reason_from_code(doc.code, doc.detail.as_deref(), "/detail")?);
        for (i, extra) in doc.additional_errors.into_iter().enumerate() {
            let path = format!("/additionalErrors/{i}");
            if extra.title.is_some() {
                losses.dropped(format!("{path}/title"), "the error title");
            }
            reasons.push(reason_from_code(extra.code, extra.detail.as_deref(), &format!("{path}/detail"))?);
        }
    }
    if reasons.is_empty() {
        return Err(DecodeError::invalid(Location::path("/tppMessages"), "an error body without any message"));
    }
    rejected(reasons)
}

/// The Berlin Group code and HTTP status for one canonical reason.
fn code_for(reason: &StatusReasonInfo, path: &str, losses: &mut Losses) -> (String, u16) {
    if let Some(CodeOrProprietary::Proprietary(own)) = &reason.reason
        && let Some((code, status, iso)) = entry(own.as_str())
    {
        let iso = iso.and_then(|iso| StatusReason::parse(iso).ok());
        if reason.mapped_reason.is_some() && reason.mapped_reason != iso {
            losses.dropped(format!("{path}/mapped_reason"), "an ISO reason other than the Berlin Group code's");
        }
        return ((*code).to_owned(), *status);
    }
    if let Some(CodeOrProprietary::Proprietary(_)) = &reason.reason {
        losses
            .approximated(format!("{path}/reason"), "a proprietary code Berlin Group lacks, written by its ISO reason");
    }
    let iso = reason.iso_reason();
    let by_iso = iso.and_then(|iso| CODES.iter().find(|(_, _, i)| *i == Some(iso.as_str())));
    match by_iso {
        Some((code, status, _)) => ((*code).to_owned(), *status),
        None => {
            losses.approximated(
                format!("{path}/reason"),
                format!("no Berlin Group code for this reason: written as {FALLBACK}"),
            );
            // The outcome table's status, within what Berlin Group defines for payment initiation.
            let status = iso.map_or(outcome::DEFAULT, outcome::for_reason).http_status;
            (FALLBACK.to_owned(), if matches!(status, 400 | 401 | 403 | 404 | 405 | 409) { status } else { 400 })
        }
    }
}

fn common_losses(t: &TransactionStatus, path: &str, losses: &mut Losses) {
    transaction_losses(t, path, losses);
    losses.drop_if(t.status_id.is_some(), path, "status_id", "no payment id in a Berlin Group error body");
    losses.drop_if(
        t.original_end_to_end_id.is_some(),
        path,
        "original_end_to_end_id",
        "no end-to-end id in a Berlin Group error body",
    );
    if t.status.as_ref().is_some_and(|s| s.as_str() != "RJCT") {
        losses.approximated(format!("{path}/status"), "a status other than RJCT written as an error");
    }
}

/// `tppMessages`, one message per reason; the HTTP status is the first reason's.
pub(crate) fn encode(
    t: &TransactionStatus,
    path: &str,
    losses: &mut Losses,
) -> Result<(u16, &'static str, Vec<u8>), EncodeError> {
    common_losses(t, path, losses);
    let mut status = None;
    let mut messages = Vec::new();
    for (i, reason) in t.reasons.iter().enumerate() {
        let reason_path = format!("{path}/reasons/{i}");
        losses.drop_if(
            reason.originator.is_some(),
            &reason_path,
            "originator",
            "no originator in a Berlin Group error body",
        );
        let (code, http) = code_for(reason, &reason_path, losses);
        status.get_or_insert(http);
        messages.push(TppMessage {
            category: Category::Error,
            code: Max35Text::new(code).map_err(|e| EncodeError::unrepresentable(&reason_path, e.to_string()))?,
            path: None,
            text: unchunk(&reason.additional_info),
        });
    }
    if messages.is_empty() {
        let (code, http) = code_for(
            &StatusReasonInfo { originator: None, reason: None, mapped_reason: None, additional_info: Vec::new() },
            path,
            losses,
        );
        status = Some(http);
        messages.push(TppMessage {
            category: Category::Error,
            code: Max35Text::new(code).map_err(|e| EncodeError::unrepresentable(path, e.to_string()))?,
            path: None,
            text: None,
        });
    }
    let body = to_json(&TppMessages { tpp_messages: messages, links: None })?;
    Ok((status.unwrap_or(400), "application/json", body))
}

/// The RFC 7807 shape: the first reason is the problem, the others `additionalErrors`.
pub(crate) fn encode_problem(
    t: &TransactionStatus,
    path: &str,
    losses: &mut Losses,
) -> Result<(u16, &'static str, Vec<u8>), EncodeError> {
    common_losses(t, path, losses);
    let empty = StatusReasonInfo { originator: None, reason: None, mapped_reason: None, additional_info: Vec::new() };
    let mut reasons = t.reasons.iter().enumerate();
    let (first_path, first) =
        reasons.next().map_or((path.to_owned(), &empty), |(i, r)| (format!("{path}/reasons/{i}"), r));
    let (code, status) = code_for(first, &first_path, losses);
    let code = Max35Text::new(code).map_err(|e| EncodeError::unrepresentable(&first_path, e.to_string()))?;
    let mut additional_errors = Vec::new();
    for (i, reason) in reasons {
        let reason_path = format!("{path}/reasons/{i}");
        let (extra, _) = code_for(reason, &reason_path, losses);
        additional_errors.push(AdditionalError {
            title: None,
            detail: unchunk(&reason.additional_info),
            code: Max35Text::new(extra).map_err(|e| EncodeError::unrepresentable(&reason_path, e.to_string()))?,
        });
    }
    let problem = Problem {
        kind: format!("{TYPE_PREFIX}{code}"),
        title: None,
        detail: unchunk(&first.additional_info),
        code,
        additional_errors,
        links: None,
    };
    Ok((status, "application/problem+json", to_json(&problem)?))
}

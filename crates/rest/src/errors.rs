//! Error bodies of every REST dialect ↔ a canonical `StatusReport`.
//!
//! Decoding keeps the provider's own code as `StatusReasonInfo.reason =
//! Proprietary(code)` beside the ISO reason it maps to (`mapped_reason`); a body that already
//! carries an ISO code (payglot's problem+json `code`) gives `reason = Code(iso)`. An error
//! body carries no message id and no time, so the caller passes them in a
//! [`HttpContext`] (typically the request id and the `Date` header).
//!
//! Encoding takes the first reason of the report, asks the core outcome table
//! ([`outcome::for_reason`]) for the HTTP status, and writes the dialect's body; what the body
//! cannot carry is reported as losses. The HTTP status is not part of a body, so
//! [`error_response`] returns it beside the bytes.
//!
//! | dialect | body | provider code |
//! |---|---|---|
//! | `rest:native` | RFC 9457 `application/problem+json` with `code` (ISO) and `provider_code` | `provider_code` |
//! | `rest:berlin-group` | `tppMessages` (`application/json`), or RFC 7807 problem with `code` and `additionalErrors` | `FORMAT_ERROR`, `PAYMENT_FAILED`, ... |
//! | `rest:open-banking-uk[-v3.1]` | `OBErrorResponse1` | `UK.OBIE.Field.Invalid` or `U002` |

use payglot_core_model::outcome::{self, Outcome};
use payglot_core_model::{
    CodeOrProprietary, DecodeError, DecodeLimits, Decoded, EncodeError, Format, GroupHeader, Location, Loss, Max35Text,
    Message, PaymentStatus, StatusReason, StatusReasonInfo, StatusReport, Text, TransactionStatus,
};
use serde::{Deserialize, Serialize};

use crate::HttpContext;
use crate::common::{Losses, unrepresentable};
use crate::native::mapping::header_losses;

/// An encoded error body with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    /// HTTP status from the core outcome table.
    pub status: u16,
    /// `Content-Type` of the body.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// What the body could not carry.
    pub losses: Vec<Loss>,
}

/// Decode a provider's error body of dialect `format` into a canonical `StatusReport`.
pub fn decode_error(
    format: &Format,
    body: &[u8],
    context: &HttpContext,
    limits: &DecodeLimits,
) -> Result<Decoded, DecodeError> {
    limits.check_size(body)?;
    let mut losses = Losses::default();
    let transaction = match format.as_str() {
        "rest:native" => {
            let problem: Problem = crate::common::from_slice_unique(body, limits)?;
            problem_to_status(problem, &mut losses)?
        }
        "rest:berlin-group" => crate::berlin::errors::decode(body, limits, &mut losses)?,
        "rest:open-banking-uk" | "rest:open-banking-uk-v3.1" => crate::obuk::errors::decode(body, limits, &mut losses)?,
        other => {
            return Err(DecodeError::unsupported(Location::default(), format!("{other} is not a REST dialect")));
        }
    };
    let report = StatusReport {
        header: GroupHeader::new(context.message_id.clone(), context.time),
        original_groups: Vec::new(),
        payment_infos: Vec::new(),
        transactions: vec![transaction],
    };
    Ok(Decoded { message: Message::StatusReport(report), losses: losses.into_vec() })
}

/// Encode a canonical rejection as dialect `format`'s error body, with the HTTP status the
/// outcome table gives its first reason.
pub fn error_response(report: &StatusReport, format: &Format) -> Result<ErrorResponse, EncodeError> {
    respond(report, format, false)
}

/// Encode a canonical rejection as a Berlin Group RFC 7807 problem (`Error4xx_PIS`,
/// `application/problem+json`) instead of the `tppMessages` body [`error_response`] writes.
pub fn berlin_group_problem_response(report: &StatusReport) -> Result<ErrorResponse, EncodeError> {
    respond(report, &Format::REST_BERLIN_GROUP, true)
}

fn respond(report: &StatusReport, format: &Format, problem_shape: bool) -> Result<ErrorResponse, EncodeError> {
    let mut losses = Losses::default();
    let base = "/message/status_report";
    header_losses(&report.header, &format!("{base}/header"), &mut losses);
    losses.drop_if(!report.original_groups.is_empty(), base, "original_groups", "no group status in an error body");
    losses.drop_if(!report.payment_infos.is_empty(), base, "payment_infos", "no batch status in an error body");
    let (transaction, rest) = report
        .transactions
        .split_first()
        .ok_or_else(|| unrepresentable(format!("{base}/transactions"), "an error body reports one transaction"))?;
    for (i, _) in rest.iter().enumerate() {
        losses.dropped(format!("{base}/transactions/{}", i + 1), "an error body reports one transaction");
    }
    let path = format!("{base}/transactions/0");
    let (status, content_type, body) = match format.as_str() {
        "rest:native" => {
            let problem = status_to_problem(transaction, &path, &mut losses);
            let status = problem.status;
            (status, "application/problem+json", crate::common::to_json(&problem)?)
        }
        "rest:berlin-group" if problem_shape => crate::berlin::errors::encode_problem(transaction, &path, &mut losses)?,
        "rest:berlin-group" => crate::berlin::errors::encode(transaction, &path, &mut losses)?,
        "rest:open-banking-uk" => crate::obuk::errors::encode(transaction, &path, true, &mut losses)?,
        "rest:open-banking-uk-v3.1" => crate::obuk::errors::encode(transaction, &path, false, &mut losses)?,
        other => return Err(EncodeError::Unsupported(format!("{other} is not a REST dialect"))),
    };
    Ok(ErrorResponse { status, content_type, body, losses: losses.into_vec() })
}

/// The outcome of a transaction's first reason (the default rejection when it has none).
pub(crate) fn outcome_of(transaction: &TransactionStatus) -> Outcome {
    transaction.reasons.first().and_then(StatusReasonInfo::iso_reason).map_or(outcome::DEFAULT, outcome::for_reason)
}

/// Values of a transaction status no error body carries.
pub(crate) fn transaction_losses(t: &TransactionStatus, path: &str, losses: &mut Losses) {
    losses.drop_if(
        t.original_instruction_id.is_some(),
        path,
        "original_instruction_id",
        "no instruction id in an error body",
    );
    losses.drop_if(
        t.original_transaction_id.is_some(),
        path,
        "original_transaction_id",
        "no transaction id in an error body",
    );
    losses.drop_if(t.original_uetr.is_some(), path, "original_uetr", "no UETR in an error body");
    losses.drop_if(t.acceptance_time.is_some(), path, "acceptance_time", "no acceptance time in an error body");
    losses.drop_if(t.original_amount.is_some(), path, "original_amount", "no amount in an error body");
    losses.drop_if(
        t.original_requested_execution.is_some(),
        path,
        "original_requested_execution",
        "no execution date in an error body",
    );
    losses.drop_if(!t.extensions.is_empty(), path, "extensions", "no extensions in an error body");
}

/// The ISO reason whose outcome has `problem_type`, for a problem body without a code.
fn reason_for_problem_type(problem_type: &str) -> Option<StatusReason> {
    outcome::EXACT
        .iter()
        .find(|(_, o)| o.problem_type == problem_type)
        .and_then(|(code, _)| StatusReason::parse(code).ok())
}

/// payglot's RFC 9457 problem body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Problem {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) title: String,
    pub(crate) status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) instance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) code: Option<StatusReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) provider_code: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) payment_id: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) end_to_end_id: Option<payglot_core_model::EndToEndId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) details: Vec<Text<105>>,
}

fn problem_to_status(problem: Problem, losses: &mut Losses) -> Result<TransactionStatus, DecodeError> {
    let iso = problem.code.clone().or_else(|| reason_for_problem_type(&problem.kind));
    let expected = iso.as_ref().map_or(outcome::DEFAULT, outcome::for_reason);
    if problem.kind != expected.problem_type
        || problem.status != expected.http_status
        || problem.title != expected.title
    {
        losses.approximated(
            "/type",
            format!("problem {} ({}) is not the outcome table's for its reason", problem.kind, problem.status),
        );
    }
    if let Some(instance) = &problem.instance {
        let derived = problem.payment_id.as_ref().map(|id| format!("/v1/payments/{id}"));
        if Some(instance) != derived.as_ref() {
            losses.dropped("/instance", "an instance other than the payment's URL");
        }
    }
    let joined = join_details(&problem.details);
    if problem.detail != joined {
        losses.dropped("/detail", "a detail other than the details lines");
    }
    let reason = match (&problem.provider_code, &problem.code) {
        (Some(own), iso) => Some(StatusReasonInfo {
            originator: None,
            reason: Some(CodeOrProprietary::Proprietary(own.clone())),
            mapped_reason: iso.clone(),
            additional_info: problem.details.clone(),
        }),
        (None, Some(code)) => Some(StatusReasonInfo {
            originator: None,
            reason: Some(CodeOrProprietary::Code(code.clone())),
            mapped_reason: None,
            additional_info: problem.details.clone(),
        }),
        (None, None) => Some(StatusReasonInfo {
            originator: None,
            reason: None,
            mapped_reason: iso.clone(),
            additional_info: problem.details.clone(),
        }),
    };
    Ok(TransactionStatus {
        status_id: problem.payment_id,
        original_instruction_id: None,
        original_end_to_end_id: problem.end_to_end_id,
        original_transaction_id: None,
        original_uetr: None,
        status: Some(PaymentStatus::parse("RJCT").map_err(|e| DecodeError::invalid_value(Location::default(), &e))?),
        reasons: reason.into_iter().collect(),
        acceptance_time: None,
        original_amount: None,
        original_requested_execution: None,
        extensions: Default::default(),
    })
}

fn join_details(details: &[Text<105>]) -> Option<String> {
    (!details.is_empty()).then(|| details.iter().map(Text::as_str).collect::<Vec<_>>().join(" "))
}

fn status_to_problem(t: &TransactionStatus, path: &str, losses: &mut Losses) -> Problem {
    transaction_losses(t, path, losses);
    if t.status.as_ref().is_some_and(|s| s.as_str() != "RJCT") {
        losses.approximated(format!("{path}/status"), "a status other than RJCT written as an error");
    }
    for (i, _) in t.reasons.iter().enumerate().skip(1) {
        losses.dropped(format!("{path}/reasons/{i}"), "a problem body carries one reason");
    }
    let outcome = outcome_of(t);
    let first = t.reasons.first();
    if let Some(reason) = first {
        losses.drop_if(
            reason.originator.is_some(),
            format!("{path}/reasons/0"),
            "originator",
            "no originator in a problem body",
        );
    }
    let (code, provider_code) = match first.and_then(|r| r.reason.as_ref()) {
        Some(CodeOrProprietary::Code(code)) => (Some(code.clone()), None),
        Some(CodeOrProprietary::Proprietary(own)) => (first.and_then(|r| r.mapped_reason.clone()), Some(own.clone())),
        None => (None, None),
    };
    if let (Some(CodeOrProprietary::Code(_)), Some(_)) =
        (first.and_then(|r| r.reason.as_ref()), first.and_then(|r| r.mapped_reason.as_ref()))
    {
        losses.dropped(format!("{path}/reasons/0/mapped_reason"), "a mapped reason beside an ISO code");
    }
    let details = first.map(|r| r.additional_info.clone()).unwrap_or_default();
    Problem {
        kind: outcome.problem_type.to_owned(),
        title: outcome.title.to_owned(),
        status: outcome.http_status,
        detail: join_details(&details),
        instance: t.status_id.as_ref().map(|id| format!("/v1/payments/{id}")),
        code,
        provider_code,
        payment_id: t.status_id.clone(),
        end_to_end_id: t.original_end_to_end_id.clone(),
        details,
    }
}

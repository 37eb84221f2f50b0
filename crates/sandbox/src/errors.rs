//! Errors in each API style's own shape: RFC 9457 problem+json for REST native, Berlin Group
//! `tppMessages`, Open Banking `OBErrorResponse1` (both written by payglot-rest), a SOAP 1.1 or
//! 1.2 fault (payglot-soap), a GraphQL `errors` document, a pain.002 group rejection for ISO
//! 20022 (payglot-iso20022). The HTTP status, problem type, fault code and GraphQL code all
//! come from core-model's one outcome table.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use payglot_core_model::outcome::{self, Condition, Outcome};
use payglot_core_model::{
    CodeOrProprietary, Codec, EncodeOptions, Format, GroupStatus, Max35Text, Message, OriginalGroupStatus, StatusReason,
};

/// Berlin Group payment products served under `/v1/payments/{product}` (and `/v1/{product}`).
pub const BERLIN_GROUP_PRODUCTS: &[&str] =
    &["sepa-credit-transfers", "instant-sepa-credit-transfers", "target-2-payments", "cross-border-credit-transfers"];

/// The API style a request speaks (decides the error shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// `rest:native` (and the sandbox's own JSON endpoints).
    RestNative,
    /// `rest:berlin-group`.
    BerlinGroup,
    /// `rest:open-banking-uk` (v4).
    OpenBanking,
    /// `rest:open-banking-uk-v3.1`.
    OpenBankingV31,
    /// SOAP 1.1 (`text/xml`).
    Soap11,
    /// SOAP 1.2 (`application/soap+xml`).
    Soap12,
    /// ISO 20022 XML.
    Iso20022,
    /// GraphQL over HTTP.
    GraphQl,
}

impl Style {
    /// The style of a request, from its path and content type.
    pub fn of(path: &str, headers: &HeaderMap) -> Self {
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if path.starts_with("/soap") {
            if content_type.starts_with("application/soap+xml") { Self::Soap12 } else { Self::Soap11 }
        } else if path.starts_with("/iso20022") {
            Self::Iso20022
        } else if path.starts_with("/graphql") {
            Self::GraphQl
        } else if path.starts_with("/open-banking/v3.1") {
            Self::OpenBankingV31
        } else if path.starts_with("/open-banking") {
            Self::OpenBanking
        } else if BERLIN_GROUP_PRODUCTS.iter().any(|p| {
            let first = |prefix: &str| path.strip_prefix(prefix).and_then(|rest| rest.split('/').next()) == Some(*p);
            first("/v1/payments/") || first("/v1/")
        }) {
            Self::BerlinGroup
        } else {
            Self::RestNative
        }
    }

    /// The format id of the style.
    pub fn format_id(self) -> &'static str {
        match self {
            Self::RestNative => "rest:native",
            Self::BerlinGroup => "rest:berlin-group",
            Self::OpenBanking => "rest:open-banking-uk",
            Self::OpenBankingV31 => "rest:open-banking-uk-v3.1",
            Self::Soap11 | Self::Soap12 => "soap:payglot",
            Self::Iso20022 => "iso20022:pain.001.001.09",
            Self::GraphQl => "graphql:payglot",
        }
    }
}

/// An error answer, rendered in the request's style.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// What the outcome table says (boxed: it is large and errors travel in `Result`s).
    pub outcome: Box<Outcome>,
    /// Human-readable detail (never an account number or a secret).
    pub detail: String,
    /// Style to render in.
    pub style: Style,
    /// `Retry-After` seconds.
    pub retry_after: Option<u64>,
    /// Extra JSON members for problem+json.
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
    /// The ISO status reason, for a rejection.
    pub reason: Option<Box<str>>,
    /// The message id of the request, when known (a pain.002 names it).
    pub original_message_id: Option<Box<str>>,
}

impl ApiError {
    /// An error for a transport condition.
    pub fn condition(condition: Condition, style: Style, detail: impl Into<String>) -> Self {
        let outcome = outcome::for_condition(condition);
        let retry_after = match outcome.retry {
            outcome::Retry::Safe { after } => Some(after.as_secs().max(1)),
            _ => None,
        };
        Self {
            outcome: Box::new(outcome),
            detail: detail.into(),
            style,
            retry_after,
            extra: None,
            reason: None,
            original_message_id: None,
        }
    }

    /// An error for an ISO status reason (a rejected payment).
    pub fn reason(code: &str, style: Style, detail: impl Into<String>) -> Self {
        let outcome = StatusReason::parse(code).map_or(outcome::DEFAULT, |r| outcome::for_reason(&r));
        Self {
            outcome: Box::new(outcome),
            detail: detail.into(),
            style,
            retry_after: None,
            extra: None,
            reason: Some(code.into()),
            original_message_id: None,
        }
    }

    /// Set `Retry-After`.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// Add problem+json members.
    pub fn with_extra(mut self, extra: serde_json::Map<String, serde_json::Value>) -> Self {
        self.extra = Some(extra);
        self
    }

    /// Render to (status, content type, body).
    pub fn render(&self) -> (u16, &'static str, Vec<u8>) {
        let o = &self.outcome;
        match self.style {
            Style::RestNative => {
                let mut body = serde_json::Map::new();
                body.insert("type".into(), o.problem_type.into());
                body.insert("title".into(), o.title.into());
                body.insert("status".into(), o.http_status.into());
                body.insert("detail".into(), self.detail.clone().into());
                if let Some(extra) = &self.extra {
                    body.extend(extra.clone());
                }
                (o.http_status, "application/problem+json", serde_json::Value::Object(body).to_string().into_bytes())
            }
            Style::GraphQl => {
                let body = serde_json::json!({
                    "data": null,
                    "errors": [{"message": o.title, "extensions": {"code": o.graphql_code, "detail": self.detail, "type": o.problem_type}}]
                });
                (o.http_status, "application/json", body.to_string().into_bytes())
            }
            Style::Soap11 | Style::Soap12 => {
                let version = if self.style == Style::Soap12 {
                    payglot_soap::SoapVersion::V1_2
                } else {
                    payglot_soap::SoapVersion::V1_1
                };
                let mut fault = payglot_soap::Fault::from_outcome(o, None, version);
                fault.reason = format!("{}: {}", o.title, self.detail);
                let xml = payglot_soap::PayglotBody::Fault(fault).to_envelope(version, &[]).unwrap_or_default();
                let content_type = match version {
                    payglot_soap::SoapVersion::V1_2 => "application/soap+xml; charset=utf-8",
                    payglot_soap::SoapVersion::V1_1 => "text/xml; charset=utf-8",
                };
                (o.http_status, content_type, xml.into_bytes())
            }
            Style::BerlinGroup | Style::OpenBanking | Style::OpenBankingV31 => self.render_rest_dialect(),
            Style::Iso20022 => self.render_pain002(),
        }
    }

    /// The reason to report: the ISO code of a rejection, else the provider code `own`.
    fn reason_or(&self, own: &str) -> Option<CodeOrProprietary<StatusReason>> {
        match self.reason.as_deref().and_then(|r| StatusReason::parse(r).ok()) {
            Some(code) => Some(CodeOrProprietary::Code(code)),
            None => Max35Text::new(own).ok().map(CodeOrProprietary::Proprietary),
        }
    }

    /// Berlin Group `tppMessages` or Open Banking `OBErrorResponse1`, written by payglot-rest;
    /// the HTTP status is the outcome table's.
    fn render_rest_dialect(&self) -> (u16, &'static str, Vec<u8>) {
        let o = &self.outcome;
        let (format, own) = match self.style {
            Style::BerlinGroup => (Format::REST_BERLIN_GROUP, berlin_group_code(o.http_status)),
            Style::OpenBankingV31 => (Format::REST_OPEN_BANKING_UK_V3_1, open_banking_code(o.http_status)),
            _ => (Format::REST_OPEN_BANKING_UK, open_banking_code(o.http_status)),
        };
        let detail = format!("{}: {}", o.title, self.detail);
        let encoded = self
            .reason_or(own)
            .and_then(|reason| crate::canonical::rejection(None, reason, &detail))
            .and_then(|report| payglot_rest::errors::error_response(&report, &format).ok());
        match encoded {
            Some(r) => (o.http_status, r.content_type, r.body),
            None => (o.http_status, "text/plain", detail.into_bytes()),
        }
    }

    /// A pain.002 group rejection, encoded by payglot-iso20022: `GrpSts` RJCT with the ISO
    /// reason of a rejection, else the outcome's code as a proprietary reason, and the detail.
    fn render_pain002(&self) -> (u16, &'static str, Vec<u8>) {
        let o = &self.outcome;
        let detail: Vec<char> = format!("{}: {}", o.title, self.detail).chars().collect();
        let report = (|| {
            let mut report =
                crate::canonical::rejection(None, self.reason_or(o.graphql_code)?, &detail.iter().collect::<String>())?;
            let mut reasons = report.transactions.pop()?.reasons;
            for r in &mut reasons {
                r.additional_info.truncate(1);
            }
            report.original_groups.push(OriginalGroupStatus {
                original_message_id: Max35Text::new(
                    self.original_message_id.clone().unwrap_or_else(|| "NOTPROVIDED".into()),
                )
                .ok()?,
                original_message_name: Max35Text::new("pain.001.001.09").ok()?,
                original_created: None,
                original_number_of_transactions: None,
                original_control_sum: None,
                status: GroupStatus::parse("RJCT").ok(),
                reasons,
            });
            Some(report)
        })();
        let codec = payglot_iso20022::Iso20022Codec::new(payglot_iso20022::IsoMessage::Pain002V10);
        let lossy = EncodeOptions::lossy();
        match report.and_then(|r| codec.encode(&Message::StatusReport(r), &lossy).ok()) {
            Some(encoded) => (o.http_status, "application/xml", encoded.bytes),
            None => (o.http_status, "text/plain", detail.iter().collect::<String>().into_bytes()),
        }
    }
}

/// The Berlin Group message code for an HTTP status of the outcome table.
fn berlin_group_code(status: u16) -> &'static str {
    match status {
        401 => "TOKEN_INVALID",
        403 => "SERVICE_BLOCKED",
        404 => "RESOURCE_UNKNOWN",
        409 => "STATUS_INVALID",
        400 | 413 | 422 => "FORMAT_ERROR",
        _ => "PAYMENT_FAILED",
    }
}

/// The Open Banking error code (v4 style; v3.1 writes the `UK.OBIE.*` name) for an HTTP status.
fn open_banking_code(status: u16) -> &'static str {
    match status {
        401 => "U006",
        404 => "U011",
        409 => "U029",
        400 | 413 => "U010",
        422 => "U002",
        _ => "U000",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, content_type, body) = self.render();
        let mut response =
            (StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == 401 {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(r#"Bearer realm="payglot-sandbox""#));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_style_has_its_shape() {
        let e = |style| ApiError::condition(Condition::Unauthenticated, style, "no <key>").render();
        let (status, ct, body) = e(Style::RestNative);
        assert_eq!((status, ct), (401, "application/problem+json"));
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["type"], "urn:payglot:problem:unauthenticated");
        let (_, ct, body) = e(Style::Soap11);
        assert_eq!(ct, "text/xml; charset=utf-8");
        let body = String::from_utf8(body).unwrap();
        assert!(body.contains("Client</faultcode>") && body.contains("no &lt;key&gt;"), "{body}");
        let body = String::from_utf8(e(Style::Soap12).2).unwrap();
        assert!(body.contains(":Sender</"), "{body}");
        let body = String::from_utf8(e(Style::Iso20022).2).unwrap();
        assert!(body.contains("<GrpSts>RJCT</GrpSts>"));
        let v: serde_json::Value = serde_json::from_slice(&e(Style::GraphQl).2).unwrap();
        assert_eq!(v["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }

    #[test]
    fn reasons_use_the_outcome_table() {
        assert_eq!(ApiError::reason("AM04", Style::RestNative, "").outcome.http_status, 422);
        assert_eq!(ApiError::reason("AM05", Style::RestNative, "").outcome.http_status, 409);
        assert_eq!(ApiError::condition(Condition::RateLimited, Style::RestNative, "").retry_after, Some(1));
    }
}

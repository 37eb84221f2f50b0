//! The outcome table: one place that maps a canonical outcome (an ISO status reason or a
//! transport [`Condition`]) to what every API style says about it — HTTP status and RFC 9457
//! problem type, SOAP 1.1 and 1.2 fault codes, GraphQL error code — and whether the client may
//! retry. Every protocol crate asks here; none decides on its own.
//!
//! # How a reason is looked up
//!
//! [`for_reason`] matches the exact code first (`AM04`), then the two-letter family (`AC`,
//! `FF`, ...), then falls back to a generic rejection (422, [`Retry::Never`]). The tables are data
//! ([`EXACT`], [`FAMILY`]); each class below says why it got its status.
//!
//! # Principles
//!
//! - **400 vs 422.** 400 only when the message itself is unusable (ISO `FF*` format errors, files
//!   that cannot be read); a well-formed payment that the bank refuses for its content (account,
//!   amount, party, date, mandate) is 422, as axum separates JSON syntax (400) from data (422).
//! - **409** when the request conflicts with state: duplicates (`AM05`, `DU*`), a payment already
//!   cancelled or a request-to-pay already answered. Retrying will not help; query the original.
//! - **5xx only when the failure is not the client's**: an agent offline (503), an upstream
//!   technical failure (502), a timeout (504). SOAP then says `Server`/`Receiver`; every 4xx says
//!   `Client`/`Sender`.
//! - **Money first for retries.** [`Retry::Safe`] only when the payment certainly did not move
//!   (the agent never received it). Any timeout, abort or inconsistent answer may have left the
//!   payment settled somewhere down the chain: [`Retry::QueryStatusFirst`]. A business refusal
//!   is [`Retry::Never`]: the same request gets the same answer.
//! - **No tipping off.** Regulatory and fraud refusals (`RR*`, `AM07`, `NOCM`, `FR01`, `FRAD`)
//!   use generic problem types and titles: telling a customer that a payment was blocked by
//!   sanctions or fraud screening can be unlawful. Details stay in the bank-side logs.
//! - **Informational codes** (`G000`, `DS01`, `TS01`, `S000`, ...) are not reasons to fail. If one
//!   arrives with a failure, the upstream answer is inconsistent: 502, query the status.
//! - Problem types are `urn:payglot:problem:<slug>`; the GraphQL code is the slug in
//!   `SCREAMING_SNAKE_CASE`. Both are public API and change only on purpose.

use std::time::Duration;

use crate::codes::StatusReason;

/// Whether and how a client may retry after an [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Retry {
    /// The request certainly had no effect; resend the same request (same idempotency key)
    /// after waiting at least `after` (a `Retry-After` header from upstream takes precedence).
    Safe {
        /// The minimum wait before retrying.
        after: Duration,
    },
    /// The same request will fail again; change it or give up.
    Never,
    /// The outcome is unknown (a timeout, an abort): the payment may have been executed. Ask for
    /// its status before retrying, or money may move twice.
    QueryStatusFirst,
}

/// What every API style says about one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Outcome {
    /// HTTP status code (always 4xx or 5xx).
    pub http_status: u16,
    /// RFC 9457 problem type, e.g. `"urn:payglot:problem:insufficient-funds"`.
    pub problem_type: &'static str,
    /// Short human-readable summary for the problem `title`, SOAP faultstring and GraphQL message.
    pub title: &'static str,
    /// SOAP 1.1 fault code, the local part of `soap:Client` or `soap:Server`.
    pub soap11_fault_code: &'static str,
    /// SOAP 1.2 `Code/Value`, the local part of `env:Sender` or `env:Receiver`.
    pub soap12_code: &'static str,
    /// GraphQL `extensions.code`, e.g. `"INSUFFICIENT_FUNDS"`.
    pub graphql_code: &'static str,
    /// Whether the client may retry.
    pub retry: Retry,
}

/// The prefix of every problem type.
pub const PROBLEM_TYPE_PREFIX: &str = "urn:payglot:problem:";

/// SOAP fault codes follow the HTTP class: the client's fault for 4xx, the server's for 5xx.
const fn soap_codes(http_status: u16) -> (&'static str, &'static str) {
    if http_status >= 500 { ("Server", "Receiver") } else { ("Client", "Sender") }
}

/// `outcome!(status, "slug", "SLUG", "Title", retry)`.
macro_rules! outcome {
    ($status:literal, $slug:literal, $graphql:literal, $title:literal, $retry:expr) => {
        Outcome {
            http_status: $status,
            problem_type: concat!("urn:payglot:problem:", $slug),
            title: $title,
            soap11_fault_code: soap_codes($status).0,
            soap12_code: soap_codes($status).1,
            graphql_code: $graphql,
            retry: $retry,
        }
    };
}

const fn after_secs(secs: u64) -> Retry {
    Retry::Safe { after: Duration::from_secs(secs) }
}

// ---- Classes of status reasons -------------------------------------------------------------

/// `AM04`: the debtor cannot cover the amount. The request is fine, the account is not: 422.
/// Never retried automatically (a retry loop against an empty account helps nobody).
const INSUFFICIENT_FUNDS: Outcome =
    outcome!(422, "insufficient-funds", "INSUFFICIENT_FUNDS", "Insufficient funds", Retry::Never);
/// `AG07`: the debtor account cannot be debited; banks use it instead of `AM04` to keep the
/// balance private, so we do not reveal more than they do.
const DEBIT_NOT_POSSIBLE: Outcome =
    outcome!(422, "debit-not-possible", "DEBIT_NOT_POSSIBLE", "The debtor account cannot be debited", Retry::Never);
/// `AC*`: an account is invalid, missing or of the wrong currency or type.
const INVALID_ACCOUNT: Outcome =
    outcome!(422, "invalid-account", "INVALID_ACCOUNT", "Account invalid or missing", Retry::Never);
/// `AC04`, `AC05`, `AC07`: the account is closed.
const ACCOUNT_CLOSED: Outcome = outcome!(422, "account-closed", "ACCOUNT_CLOSED", "Account closed", Retry::Never);
/// `AC06`: the account is blocked.
const ACCOUNT_BLOCKED: Outcome = outcome!(422, "account-blocked", "ACCOUNT_BLOCKED", "Account blocked", Retry::Never);
/// `AM*`: the amount, currency or control sum is invalid.
const INVALID_AMOUNT: Outcome =
    outcome!(422, "invalid-amount", "INVALID_AMOUNT", "Amount or currency invalid", Retry::Never);
/// `AM02`, `AM13`, `AM14`, `AM21`, `AM23`, `SL13`, `SL14`: a limit is exceeded. Not 429: the
/// limit is on money, not on request rate, and waiting a second does not lift it.
const AMOUNT_LIMIT_EXCEEDED: Outcome =
    outcome!(422, "amount-limit-exceeded", "AMOUNT_LIMIT_EXCEEDED", "Amount exceeds a limit", Retry::Never);
/// `AM05`, `DUPL`, `DU*`, `DS15`: the payment or one of its identifiers was seen before. 409:
/// the conflict is with existing state; the client should look up the original, not resend.
const DUPLICATE: Outcome = outcome!(409, "duplicate-payment", "DUPLICATE_PAYMENT", "Duplicate payment", Retry::Never);
/// `AG*`, `RC*`, `AGNT`, `SPII`, `ED01`: an agent (bank) is wrong, unknown or unreachable by
/// this route.
const INVALID_AGENT: Outcome =
    outcome!(422, "invalid-agent", "INVALID_AGENT", "Agent (bank) invalid or not reachable", Retry::Never);
/// `CNOR`, `DNOR`, `NRCH`: a bank is not registered in the clearing system. A routing fact,
/// not an outage: 422, never retried on the same route.
const AGENT_NOT_REGISTERED: Outcome = outcome!(
    422,
    "agent-not-registered",
    "AGENT_NOT_REGISTERED",
    "Agent (bank) not registered in the clearing system",
    Retry::Never
);
/// `AG01`, `AG03`, `AG12`, `AG13`, `ATNS`, `ERIN`, `PINS`, `RTNS`, `NOAR`, `CERI`, `NERI`: this
/// kind of transaction is not allowed or not supported here. 422, not 403: the caller is
/// authorised, the transaction is not possible.
const NOT_PERMITTED: Outcome =
    outcome!(422, "transaction-not-permitted", "TRANSACTION_NOT_PERMITTED", "Transaction not permitted", Retry::Never);
/// `AG08`, `DS27`: the user lacks the access right. This one is about the caller: 403.
const FORBIDDEN: Outcome = outcome!(403, "forbidden", "FORBIDDEN", "Not allowed", Retry::Never);
/// `BE*`, `UCRD`: a party (debtor, creditor, their name, address, identification) is wrong.
const INVALID_PARTY: Outcome =
    outcome!(422, "invalid-party", "INVALID_PARTY", "Party details invalid or missing", Retry::Never);
/// `DT*`, `CH03`, `CH04`, `EDTL`, `IEDT`: a date is invalid, in the past or too far ahead.
const INVALID_DATE: Outcome = outcome!(422, "invalid-date", "INVALID_DATE", "Date invalid", Retry::Never);
/// `TM01`, `DT05`: received after the cut-off. Never retried as is: the client resubmits with a
/// later requested execution date, which is a different request.
const CUT_OFF_PASSED: Outcome =
    outcome!(422, "cut-off-passed", "CUT_OFF_PASSED", "Received after the cut-off time", Retry::Never);
/// `AEXR`, `EDTR`, `DS24`: the request expired before it was answered.
const EXPIRED: Outcome = outcome!(422, "expired", "EXPIRED", "Request expired", Retry::Never);
/// `FF*`, `TD02`, `TD03`, `DS08`, `DS09`: the message itself is unusable (format, syntax,
/// missing codes). 400, as for any malformed request.
const INVALID_FORMAT: Outcome =
    outcome!(400, "invalid-format", "INVALID_FORMAT", "Message format invalid", Retry::Never);
/// `CH*`, `RF01`, `ID01`: the message breaks a scheme rule (element not allowed, mandatory
/// element missing, reference not unique within the message).
const SCHEME_RULE_VIOLATED: Outcome =
    outcome!(422, "scheme-rule-violated", "SCHEME_RULE_VIOLATED", "Scheme rule violated", Retry::Never);
/// `MD*`: a direct-debit mandate is missing, invalid or was refused.
const MANDATE: Outcome =
    outcome!(422, "mandate-invalid", "MANDATE_INVALID", "Mandate invalid or missing", Retry::Never);
/// `RR*`, `AM07`, `NOCM`: regulatory refusal. Deliberately generic (no tipping off).
const REGULATORY: Outcome =
    outcome!(422, "regulatory-rejection", "REGULATORY_REJECTION", "Rejected for regulatory reasons", Retry::Never);
/// `DS*`: an EBICS signature or certificate is missing, invalid or not authorised for this order.
/// 403: the order's authorisation failed (the HTTP request was authenticated).
const SIGNATURE_REJECTED: Outcome =
    outcome!(403, "signature-rejected", "SIGNATURE_REJECTED", "Signature or certificate rejected", Retry::Never);
/// `TK*`: a payment token is invalid, expired, suspended or over its limit.
const TOKEN_REJECTED: Outcome =
    outcome!(422, "token-rejected", "TOKEN_REJECTED", "Payment token rejected", Retry::Never);
/// `SL*`: refused by a service of the debtor's bank or clearing system (whitelist, blacklist).
const SERVICE_REFUSED: Outcome =
    outcome!(422, "refused-by-service", "REFUSED_BY_SERVICE", "Refused by a bank service", Retry::Never);
/// `CUST`, `CN01`, `DS02`, `FOCR`, `S002`: the payment was cancelled or stopped. 409: its state
/// forbids going on.
const CANCELLED: Outcome = outcome!(409, "payment-cancelled", "PAYMENT_CANCELLED", "Payment cancelled", Retry::Never);
/// `ALAC`, `APAR`, `ARFR`, `ARJR`, `RCON`, `FF11`, `FF12`, `DS03`: the target is in a state
/// that forbids this request (already paid, refused, returned, aborted).
const INVALID_STATE: Outcome =
    outcome!(409, "invalid-state", "INVALID_STATE", "Not possible in the current state", Retry::Never);
/// `AG09`, `FF13`, `IRNR`, `TD01`: the original payment or request is not known. 422, not 404:
/// the URL exists, an identifier inside the body does not resolve.
const ORIGINAL_NOT_FOUND: Outcome =
    outcome!(422, "original-not-found", "ORIGINAL_NOT_FOUND", "Original payment or request not found", Retry::Never);
/// `AB01`, `AB03`, `AB05`, `AB06`, `AB11`, `NOAS`: a timeout down the chain. The payment may still
/// complete (instant schemes credit first and confirm later): 504, query the status first.
const UPSTREAM_TIMEOUT: Outcome =
    outcome!(504, "upstream-timeout", "UPSTREAM_TIMEOUT", "Timed out down the payment chain", Retry::QueryStatusFirst);
/// `AB*` other than timeouts, `ED05`, `DC02`: clearing or settlement aborted on a fatal error
/// or an agent's error. The failure is not the client's (502) and the state of the funds must
/// be confirmed before trying again.
const UPSTREAM_ABORTED: Outcome =
    outcome!(502, "clearing-aborted", "CLEARING_ABORTED", "Clearing or settlement aborted", Retry::QueryStatusFirst);
/// `AB07`, `AB08`, `ED06`: the next agent or the settlement system is offline, so the payment
/// never reached it. 503, safe to retry in a minute.
const AGENT_OFFLINE: Outcome = outcome!(503, "agent-offline", "AGENT_OFFLINE", "Agent (bank) offline", after_secs(60));
/// `AG10`, `AG11`: the agent is suspended from the instant payment system. Not an outage that
/// ends in a minute: 422, route elsewhere.
const AGENT_SUSPENDED: Outcome =
    outcome!(422, "agent-suspended", "AGENT_SUSPENDED", "Agent (bank) suspended from the system", Retry::Never);
/// `FF10`, `TA01`, `DS18`: a technical failure at the bank before processing (the bank itself
/// asks for the order to be repeated). 502, safe to retry after 30 seconds.
const UPSTREAM_TECHNICAL: Outcome = outcome!(
    502,
    "upstream-technical-error",
    "UPSTREAM_TECHNICAL_ERROR",
    "Technical error at the bank",
    after_secs(30)
);
/// Informational codes (`G000`..`G006`, `S000`, `S001`, `S003`, `S004`, `DS01`, `DS05`..`DS07`,
/// `TS01`, `TS04`, `DT06`, `REPR`, `CHQC`) reported with a failure: the upstream answer is
/// inconsistent, so we do not know what happened to the money.
const INCONSISTENT: Outcome = outcome!(
    502,
    "inconsistent-upstream-status",
    "INCONSISTENT_UPSTREAM_STATUS",
    "Inconsistent status from the bank",
    Retry::QueryStatusFirst
);
/// `MS02`, `MS03`, `NARR`, `FR01`, `FRAD`, `UPAY` and anything not classified: the bank refused
/// without a reason we can act on (or one we must not reveal). 422, never retried.
const REJECTED: Outcome = outcome!(422, "payment-rejected", "PAYMENT_REJECTED", "Payment rejected", Retry::Never);

/// Reasons with an answer of their own, matched before [`FAMILY`].
pub static EXACT: &[(&str, Outcome)] = &[
    // Timeouts and aborts.
    ("AB01", UPSTREAM_TIMEOUT),
    ("AB03", UPSTREAM_TIMEOUT),
    ("AB05", UPSTREAM_TIMEOUT),
    ("AB06", UPSTREAM_TIMEOUT),
    ("AB07", AGENT_OFFLINE),
    ("AB08", AGENT_OFFLINE),
    ("AB11", UPSTREAM_TIMEOUT),
    ("NOAS", UPSTREAM_TIMEOUT),
    ("ED05", UPSTREAM_ABORTED),
    ("ED06", AGENT_OFFLINE),
    ("DC02", UPSTREAM_ABORTED),
    ("FF10", UPSTREAM_TECHNICAL),
    ("TA01", UPSTREAM_TECHNICAL),
    ("DS18", UPSTREAM_TECHNICAL),
    // Accounts.
    ("AC04", ACCOUNT_CLOSED),
    ("AC05", ACCOUNT_CLOSED),
    ("AC07", ACCOUNT_CLOSED),
    ("AC06", ACCOUNT_BLOCKED),
    ("AG07", DEBIT_NOT_POSSIBLE),
    // Amounts.
    ("AM04", INSUFFICIENT_FUNDS),
    ("AM05", DUPLICATE),
    ("AM02", AMOUNT_LIMIT_EXCEEDED),
    ("AM13", AMOUNT_LIMIT_EXCEEDED),
    ("AM14", AMOUNT_LIMIT_EXCEEDED),
    ("AM21", AMOUNT_LIMIT_EXCEEDED),
    ("AM23", AMOUNT_LIMIT_EXCEEDED),
    ("SL13", AMOUNT_LIMIT_EXCEEDED),
    ("SL14", AMOUNT_LIMIT_EXCEEDED),
    ("AM07", REGULATORY),
    ("CURR", INVALID_AMOUNT),
    // Duplicates.
    ("DUPL", DUPLICATE),
    ("DS15", DUPLICATE),
    // Agents and routing.
    ("AGNT", INVALID_AGENT),
    ("SPII", INVALID_AGENT),
    ("ED01", INVALID_AGENT),
    ("CNOR", AGENT_NOT_REGISTERED),
    ("DNOR", AGENT_NOT_REGISTERED),
    ("NRCH", AGENT_NOT_REGISTERED),
    ("AG10", AGENT_SUSPENDED),
    ("AG11", AGENT_SUSPENDED),
    ("AG08", FORBIDDEN),
    ("DS27", FORBIDDEN),
    ("AG09", ORIGINAL_NOT_FOUND),
    ("FF13", ORIGINAL_NOT_FOUND),
    ("IRNR", ORIGINAL_NOT_FOUND),
    ("TD01", ORIGINAL_NOT_FOUND),
    // Not permitted or not supported.
    ("AG01", NOT_PERMITTED),
    ("AG03", NOT_PERMITTED),
    ("AG12", NOT_PERMITTED),
    ("AG13", NOT_PERMITTED),
    ("ATNS", NOT_PERMITTED),
    ("ERIN", NOT_PERMITTED),
    ("PINS", NOT_PERMITTED),
    ("RTNS", NOT_PERMITTED),
    ("NOAR", NOT_PERMITTED),
    ("CERI", NOT_PERMITTED),
    ("NERI", NOT_PERMITTED),
    // Parties.
    ("UCRD", INVALID_PARTY),
    // Dates and time.
    ("TM01", CUT_OFF_PASSED),
    ("DT05", CUT_OFF_PASSED),
    ("CH03", INVALID_DATE),
    ("CH04", INVALID_DATE),
    ("EDTL", INVALID_DATE),
    ("IEDT", INVALID_DATE),
    ("AEXR", EXPIRED),
    ("EDTR", EXPIRED),
    ("DS24", EXPIRED),
    // Format.
    ("TD02", INVALID_FORMAT),
    ("TD03", INVALID_FORMAT),
    ("DS08", INVALID_FORMAT),
    ("DS09", INVALID_FORMAT),
    ("RF01", SCHEME_RULE_VIOLATED),
    ("ID01", SCHEME_RULE_VIOLATED),
    // State.
    ("CUST", CANCELLED),
    ("CN01", CANCELLED),
    ("DS02", CANCELLED),
    ("FOCR", CANCELLED),
    ("S002", CANCELLED),
    ("ALAC", INVALID_STATE),
    ("APAR", INVALID_STATE),
    ("ARFR", INVALID_STATE),
    ("ARJR", INVALID_STATE),
    ("RCON", INVALID_STATE),
    ("FF11", INVALID_STATE),
    ("FF12", INVALID_STATE),
    ("DS03", INVALID_STATE),
    // Regulatory, fraud and unspecified: generic on purpose.
    ("NOCM", REGULATORY),
    ("FR01", REJECTED),
    ("FRAD", REJECTED),
    ("UPAY", REJECTED),
    ("MS02", REJECTED),
    ("MS03", REJECTED),
    ("NARR", REJECTED),
    // Informational codes: inconsistent when reported with a failure.
    ("G000", INCONSISTENT),
    ("G001", INCONSISTENT),
    ("G002", INCONSISTENT),
    ("G003", INCONSISTENT),
    ("G004", INCONSISTENT),
    ("G005", INCONSISTENT),
    ("G006", INCONSISTENT),
    ("S000", INCONSISTENT),
    ("S001", INCONSISTENT),
    ("S003", INCONSISTENT),
    ("S004", INCONSISTENT),
    ("DS01", INCONSISTENT),
    ("DS05", INCONSISTENT),
    ("DS06", INCONSISTENT),
    ("DS07", INCONSISTENT),
    ("TS01", INCONSISTENT),
    ("TS04", INCONSISTENT),
    ("DT06", INCONSISTENT),
    ("REPR", INCONSISTENT),
    ("CHQC", INCONSISTENT),
];

/// Two-letter families, matched when no [`EXACT`] entry does.
pub static FAMILY: &[(&str, Outcome)] = &[
    ("AB", UPSTREAM_ABORTED),
    ("AC", INVALID_ACCOUNT),
    ("AG", INVALID_AGENT),
    ("AM", INVALID_AMOUNT),
    ("BE", INVALID_PARTY),
    ("CH", SCHEME_RULE_VIOLATED),
    ("DS", SIGNATURE_REJECTED),
    ("DT", INVALID_DATE),
    ("DU", DUPLICATE),
    ("FF", INVALID_FORMAT),
    ("MD", MANDATE),
    ("RC", INVALID_AGENT),
    ("RR", REGULATORY),
    ("SL", SERVICE_REFUSED),
    ("TK", TOKEN_REJECTED),
];

/// The answer for a reason in neither table.
pub const DEFAULT: Outcome = REJECTED;

/// The outcome of a payment refused or failed with `reason`: exact code, then two-letter
/// family, then [`DEFAULT`]. Every code, known to our ISO table or not, has an answer.
pub fn for_reason(reason: &StatusReason) -> Outcome {
    let code = reason.as_str();
    let exact = EXACT.iter().find(|(c, _)| *c == code);
    let family = || code.get(..2).and_then(|prefix| FAMILY.iter().find(|(f, _)| *f == prefix));
    exact.or_else(family).map_or(DEFAULT, |(_, outcome)| *outcome)
}

/// A failure that is not a payment status reason: authentication, limits, transport, request
/// shape, idempotency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// No or invalid credentials.
    Unauthenticated,
    /// Authenticated, but not allowed to do this.
    Forbidden,
    /// Too many requests.
    RateLimited,
    /// The service or a dependency is down.
    Unavailable,
    /// No answer in time: the payment may or may not have been executed.
    Timeout,
    /// The request cannot be parsed (syntax).
    MalformedRequest,
    /// The request parses but breaks a rule (data).
    InvalidRequest,
    /// A request with the same idempotency key is still being processed.
    Conflict,
    /// An idempotency key was reused with a different request.
    IdempotencyMismatch,
    /// The addressed resource does not exist.
    NotFound,
    /// The request exceeds a size limit.
    PayloadTooLarge,
    /// A bug or an unexpected failure on our side.
    Internal,
}

/// The outcome of a [`Condition`].
///
/// Notes on the less obvious rows: a rate limit is 429 and safe to retry after a second (an
/// upstream `Retry-After` wins); an idempotency key still in flight is 409 and safe to retry
/// (with the same key the retry returns the stored result, never a second payment); a key reused
/// for a different request is 422, as the IETF Idempotency-Key draft says; an internal error may
/// strike after the payment was sent, so the client queries the status first.
pub fn for_condition(condition: Condition) -> Outcome {
    match condition {
        Condition::Unauthenticated => {
            outcome!(401, "unauthenticated", "UNAUTHENTICATED", "Authentication required", Retry::Never)
        }
        Condition::Forbidden => FORBIDDEN,
        Condition::RateLimited => outcome!(429, "rate-limited", "RATE_LIMITED", "Too many requests", after_secs(1)),
        Condition::Unavailable => {
            outcome!(503, "service-unavailable", "SERVICE_UNAVAILABLE", "Service unavailable", after_secs(30))
        }
        Condition::Timeout => outcome!(504, "timeout", "TIMEOUT", "Timed out", Retry::QueryStatusFirst),
        Condition::MalformedRequest => {
            outcome!(400, "malformed-request", "MALFORMED_REQUEST", "Malformed request", Retry::Never)
        }
        Condition::InvalidRequest => {
            outcome!(422, "invalid-request", "INVALID_REQUEST", "Invalid request", Retry::Never)
        }
        Condition::Conflict => outcome!(
            409,
            "idempotency-in-flight",
            "IDEMPOTENCY_IN_FLIGHT",
            "A request with this idempotency key is in progress",
            after_secs(1)
        ),
        Condition::IdempotencyMismatch => outcome!(
            422,
            "idempotency-key-reused",
            "IDEMPOTENCY_KEY_REUSED",
            "Idempotency key reused with a different request",
            Retry::Never
        ),
        Condition::NotFound => outcome!(404, "not-found", "NOT_FOUND", "Not found", Retry::Never),
        Condition::PayloadTooLarge => {
            outcome!(413, "payload-too-large", "PAYLOAD_TOO_LARGE", "Request too large", Retry::Never)
        }
        Condition::Internal => outcome!(500, "internal", "INTERNAL", "Internal error", Retry::QueryStatusFirst),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONDITIONS: [Condition; 12] = [
        Condition::Unauthenticated,
        Condition::Forbidden,
        Condition::RateLimited,
        Condition::Unavailable,
        Condition::Timeout,
        Condition::MalformedRequest,
        Condition::InvalidRequest,
        Condition::Conflict,
        Condition::IdempotencyMismatch,
        Condition::NotFound,
        Condition::PayloadTooLarge,
        Condition::Internal,
    ];

    fn reason(code: &str) -> StatusReason {
        StatusReason::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"))
    }

    /// Every outcome: HTTP 4xx/5xx, SOAP codes matching the class, slug and GraphQL code agree.
    fn assert_well_formed(what: &str, outcome: &Outcome) {
        assert!((400..600).contains(&outcome.http_status), "{what}: {outcome:?}");
        let expected_soap = if outcome.http_status >= 500 { ("Server", "Receiver") } else { ("Client", "Sender") };
        assert_eq!((outcome.soap11_fault_code, outcome.soap12_code), expected_soap, "{what}");
        let slug = outcome.problem_type.strip_prefix(PROBLEM_TYPE_PREFIX);
        assert_eq!(
            slug.map(|s| s.to_ascii_uppercase().replace('-', "_")).as_deref(),
            Some(outcome.graphql_code),
            "{what}"
        );
        assert!(!outcome.title.is_empty(), "{what}");
        if let Retry::Safe { after } = outcome.retry {
            assert!(after > Duration::ZERO, "{what}");
        }
    }

    #[test]
    fn every_iso_status_reason_has_a_well_formed_outcome() {
        assert!(StatusReason::all().len() > 200);
        for (code, _) in StatusReason::all() {
            assert_well_formed(code, &for_reason(&reason(code)));
        }
    }

    #[test]
    fn every_condition_has_a_well_formed_outcome() {
        for condition in CONDITIONS {
            assert_well_formed(&format!("{condition:?}"), &for_condition(condition));
        }
    }

    #[test]
    fn tables_name_known_codes_once() {
        for (code, outcome) in EXACT {
            assert!(reason(code).is_known(), "{code} is not an ISO status reason");
            assert_eq!(EXACT.iter().filter(|(c, _)| c == code).count(), 1, "{code} twice");
            assert_well_formed(code, outcome);
        }
        for (family, outcome) in FAMILY {
            assert_eq!(family.len(), 2);
            assert!(StatusReason::all().iter().any(|(c, _)| c.starts_with(family)), "{family} matches nothing");
            assert_eq!(FAMILY.iter().filter(|(f, _)| f == family).count(), 1, "{family} twice");
            assert_well_formed(family, outcome);
        }
    }

    #[test]
    fn insufficient_funds() {
        let outcome = for_reason(&StatusReason::AM04);
        assert_eq!(outcome.http_status, 422);
        assert_eq!(outcome.problem_type, "urn:payglot:problem:insufficient-funds");
        assert_eq!(outcome.graphql_code, "INSUFFICIENT_FUNDS");
        assert_eq!((outcome.soap11_fault_code, outcome.soap12_code), ("Client", "Sender"));
        assert_eq!(outcome.retry, Retry::Never);
    }

    #[test]
    fn invalid_account_by_family() {
        let outcome = for_reason(&StatusReason::AC01);
        assert_eq!((outcome.http_status, outcome.graphql_code, outcome.retry), (422, "INVALID_ACCOUNT", Retry::Never));
        assert_eq!(for_reason(&StatusReason::AC13), outcome);
        assert_eq!(for_reason(&StatusReason::AC04).graphql_code, "ACCOUNT_CLOSED");
    }

    #[test]
    fn timeouts_query_status_first() {
        let outcome = for_reason(&StatusReason::AB05);
        assert_eq!((outcome.http_status, outcome.retry), (504, Retry::QueryStatusFirst));
        assert_eq!((outcome.soap11_fault_code, outcome.soap12_code), ("Server", "Receiver"));
        for code in ["AB01", "AB03", "AB06", "AB11"] {
            assert_eq!(for_reason(&reason(code)), outcome, "{code}");
        }
        assert_eq!(for_reason(&StatusReason::AB02).retry, Retry::QueryStatusFirst);
        assert_eq!(for_reason(&StatusReason::AB07).retry, Retry::Safe { after: Duration::from_secs(60) });
    }

    #[test]
    fn duplicates_conflict() {
        let outcome = for_reason(&StatusReason::AM05);
        assert_eq!(
            (outcome.http_status, outcome.graphql_code, outcome.retry),
            (409, "DUPLICATE_PAYMENT", Retry::Never)
        );
        assert_eq!(for_reason(&StatusReason::DU03), outcome);
        assert_eq!(for_reason(&StatusReason::DUPL), outcome);
    }

    #[test]
    fn format_errors_are_bad_requests() {
        let outcome = for_reason(&StatusReason::FF01);
        assert_eq!((outcome.http_status, outcome.graphql_code, outcome.retry), (400, "INVALID_FORMAT", Retry::Never));
        assert_eq!(for_reason(&StatusReason::FF05), outcome);
    }

    #[test]
    fn regulatory_and_fraud_do_not_tip_off() {
        for code in ["RR04", "AM07", "NOCM", "FR01", "FRAD"] {
            let outcome = for_reason(&reason(code));
            assert_eq!(outcome.http_status, 422, "{code}");
            let generic = ["REGULATORY_REJECTION", "PAYMENT_REJECTED"];
            assert!(generic.contains(&outcome.graphql_code), "{code}: {}", outcome.graphql_code);
        }
    }

    #[test]
    fn unknown_codes_get_the_default() {
        let outcome = for_reason(&reason("ZZ99"));
        assert_eq!(outcome, DEFAULT);
        assert_eq!((outcome.http_status, outcome.retry), (422, Retry::Never));
        // An unknown code of a known family gets the family's answer.
        assert_eq!(for_reason(&reason("AC99")), for_reason(&StatusReason::AC01));
    }

    #[test]
    fn conditions() {
        assert_eq!(for_condition(Condition::Timeout).retry, Retry::QueryStatusFirst);
        assert_eq!(for_condition(Condition::Timeout).http_status, 504);
        assert_eq!(for_condition(Condition::Unauthenticated).http_status, 401);
        assert_eq!(for_condition(Condition::RateLimited).http_status, 429);
        assert_eq!(for_condition(Condition::Conflict).http_status, 409);
        assert!(matches!(for_condition(Condition::Conflict).retry, Retry::Safe { .. }));
        assert_eq!(for_condition(Condition::IdempotencyMismatch).http_status, 422);
        assert_eq!(for_condition(Condition::MalformedRequest).http_status, 400);
        assert_eq!(for_condition(Condition::Internal).retry, Retry::QueryStatusFirst);
    }
}

//! The executable schema: output types over the canonical model, the query, mutation and
//! subscription roots, and [`build_schema`], which wires a [`PaymentStore`] and [`Limits`] in.
//!
//! Business failures (a declined payment, a reused idempotency key, a payment that can no
//! longer be cancelled) are `userErrors` in the mutation payloads; transport and validation
//! failures are top-level `errors`. Both carry codes from the core outcome table.

use std::sync::Arc;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ErrorExtensions, ID, InputObject, Object, Schema, SimpleObject, Subscription};
use futures_util::Stream;
use payglot_core_model::outcome::{self, Condition, Outcome};
use payglot_core_model::{
    Account as CoreAccount, AccountId, AccountReport, Agent as CoreAgent, Balance as CoreBalance, CodeOrProprietary,
    CreditDebit as CoreCreditDebit, DateOrDateTime, Entry as CoreEntry, IdempotencyKey, Money as CoreMoney,
    Party as CoreParty, PaymentStatus, PostalAddress as CorePostalAddress, StatusReasonInfo, Text, ids,
};
use tokio::sync::broadcast::error::RecvError;

use crate::convert::initiation_from_input;
use crate::input::{ChargeBearer, InitiatePaymentInput};
use crate::limits::Limits;
use crate::scalars::{Amount, Date, DateTime};
use crate::store::{Initiated, PaymentFilter, PaymentStore, StatusChange, StoreError, StoredPayment};

/// The schema type.
pub type PayglotSchema = Schema<Query, Mutation, Subscription>;

/// Per-request facts the schema needs from the transport: what the caller may see.
/// Absent means the least: account numbers stay masked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// The caller may ask for full account numbers (`identification(unmasked: true)`).
    pub may_view_full_account_numbers: bool,
}

/// Build the schema over `store` with `limits` (depth, complexity, introspection; the
/// document checks of [`crate::limits`] run in [`crate::GraphqlService`]).
pub fn build_schema(store: Arc<dyn PaymentStore>, limits: &Limits) -> PayglotSchema {
    let mut builder = Schema::build(Query, Mutation, Subscription)
        .data(store)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(limits.max_nesting)
        .limit_directives(8);
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The schema without a store, for SDL export.
pub fn sdl() -> String {
    Schema::build(Query, Mutation, Subscription).finish().sdl()
}

/// A GraphQL error with `extensions.code` from the outcome table.
pub(crate) fn coded_error(outcome: Outcome, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, extensions| extensions.set("code", outcome.graphql_code))
}

fn store_error(error: &StoreError) -> async_graphql::Error {
    coded_error(error.outcome(), error.to_string())
}

fn store<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Arc<dyn PaymentStore>> {
    ctx.data::<Arc<dyn PaymentStore>>()
        .map_err(|_| coded_error(outcome::for_condition(Condition::Internal), "no payment store configured"))
}

/// An amount of money: an exact decimal (a string, never a float) and its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money(pub CoreMoney);

#[Object]
impl Money {
    /// The amount, as a decimal string with its scale (`"10.50"`).
    async fn value(&self) -> Amount {
        Amount(self.0.amount())
    }

    /// ISO 4217 currency code.
    async fn currency(&self) -> &str {
        self.0.currency().code()
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress(pub CorePostalAddress);

fn text<const N: usize>(value: &Option<Text<N>>) -> Option<&str> {
    value.as_ref().map(Text::as_str)
}

#[Object]
impl PostalAddress {
    /// Department.
    async fn department(&self) -> Option<&str> {
        text(&self.0.department)
    }
    /// Street name.
    async fn street_name(&self) -> Option<&str> {
        text(&self.0.street_name)
    }
    /// Building number.
    async fn building_number(&self) -> Option<&str> {
        text(&self.0.building_number)
    }
    /// Post code.
    async fn post_code(&self) -> Option<&str> {
        text(&self.0.post_code)
    }
    /// Town name.
    async fn town_name(&self) -> Option<&str> {
        text(&self.0.town_name)
    }
    /// Country sub-division.
    async fn country_sub_division(&self) -> Option<&str> {
        text(&self.0.country_sub_division)
    }
    /// ISO 3166 alpha-2 country code.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_ref().map(|c| c.as_str())
    }
    /// Unstructured lines.
    async fn address_lines(&self) -> Vec<&str> {
        self.0.address_lines.iter().map(Text::as_str).collect()
    }
}

/// A person or organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party(pub CoreParty);

#[Object]
impl Party {
    /// Name.
    async fn name(&self) -> Option<&str> {
        text(&self.0.name)
    }
    /// Postal address.
    async fn postal_address(&self) -> Option<PostalAddress> {
        self.0.postal_address.clone().map(PostalAddress)
    }
    /// Country of residence.
    async fn country_of_residence(&self) -> Option<&str> {
        self.0.country_of_residence.as_ref().map(|c| c.as_str())
    }
}

/// A cash account. Its number is masked (`DE89********3000`) unless the caller asks for and
/// is allowed the full value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account(pub CoreAccount);

#[Object]
impl Account {
    /// The account number: IBAN or other. Masked unless `unmasked: true` is asked and the
    /// request is allowed to see full account numbers (else a `FORBIDDEN` error).
    async fn identification(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] unmasked: bool,
    ) -> async_graphql::Result<Option<String>> {
        let full = match &self.0.id {
            Some(AccountId::Iban(iban)) => iban.expose().to_owned(),
            Some(AccountId::Other { id, .. }) => id.expose().to_owned(),
            None => return Ok(None),
        };
        if !unmasked {
            return Ok(Some(ids::mask(&full)));
        }
        let allowed = ctx.data_opt::<RequestContext>().is_some_and(|c| c.may_view_full_account_numbers);
        if !allowed {
            return Err(coded_error(
                outcome::for_condition(Condition::Forbidden),
                "this request may not see full account numbers",
            ));
        }
        Ok(Some(full))
    }

    /// The identification scheme: `IBAN`, an ISO code (`BBAN`) or a proprietary name.
    async fn scheme(&self) -> Option<String> {
        match &self.0.id {
            Some(AccountId::Iban(_)) => Some("IBAN".to_owned()),
            Some(AccountId::Other { scheme: Some(CodeOrProprietary::Code(code)), .. }) => Some(code.to_string()),
            Some(AccountId::Other { scheme: Some(CodeOrProprietary::Proprietary(p)), .. }) => {
                Some(p.as_str().to_owned())
            }
            _ => None,
        }
    }

    /// ISO 4217 currency of the account.
    async fn currency(&self) -> Option<&str> {
        self.0.currency.map(|c| c.code())
    }

    /// Name of the account.
    async fn name(&self) -> Option<&str> {
        text(&self.0.name)
    }
}

/// A financial institution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent(pub CoreAgent);

#[Object]
impl Agent {
    /// BIC.
    async fn bic(&self) -> Option<&str> {
        self.0.bic.as_ref().map(|b| b.as_str())
    }
    /// LEI.
    async fn lei(&self) -> Option<&str> {
        self.0.lei.as_ref().map(|l| l.as_str())
    }
    /// Name.
    async fn name(&self) -> Option<&str> {
        text(&self.0.name)
    }
    /// Clearing-system member id (routing number, sort code, ...).
    async fn clearing_member_id(&self) -> Option<&str> {
        self.0.clearing_member.as_ref().map(|m| m.member_id.as_str())
    }
}

/// Why a payment has its status: an ISO 20022 reason code or a proprietary one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReason(pub StatusReasonInfo);

#[Object]
impl StatusReason {
    /// The ISO `ExternalStatusReason1Code` (`AM04`), when the reason is one.
    async fn code(&self) -> Option<String> {
        match &self.0.reason {
            Some(CodeOrProprietary::Code(code)) => Some(code.to_string()),
            _ => None,
        }
    }
    /// A proprietary reason code.
    async fn proprietary(&self) -> Option<&str> {
        match &self.0.reason {
            Some(CodeOrProprietary::Proprietary(text)) => Some(text.as_str()),
            _ => None,
        }
    }
    /// The ISO code a proprietary reason maps to.
    async fn mapped_code(&self) -> Option<String> {
        self.0.mapped_reason.as_ref().map(ToString::to_string)
    }
    /// ISO's definition of the reason, when known.
    async fn definition(&self) -> Option<&'static str> {
        self.0.iso_reason().and_then(|r| r.definition())
    }
    /// The error code clients switch on (`INSUFFICIENT_FUNDS`), from payglot's outcome table.
    async fn error_code(&self) -> &'static str {
        reason_outcome(&self.0).graphql_code
    }
    /// Additional information lines.
    async fn additional_info(&self) -> Vec<&str> {
        self.0.additional_info.iter().map(Text::as_str).collect()
    }
}

/// The outcome of a status reason (the default rejection when it has no ISO code).
pub(crate) fn reason_outcome(reason: &StatusReasonInfo) -> Outcome {
    reason.iso_reason().map_or(outcome::DEFAULT, outcome::for_reason)
}

/// One change of a payment's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChangeObject(pub StatusChange);

#[Object(name = "StatusChange")]
impl StatusChangeObject {
    /// Id of the change (the status report id).
    async fn id(&self) -> ID {
        ID(self.0.id.as_str().to_owned())
    }
    /// The payment.
    async fn payment_id(&self) -> ID {
        ID(self.0.payment_id.as_str().to_owned())
    }
    /// ISO 20022 `ExternalPaymentTransactionStatus1Code` (`ACSP`, `ACSC`, `RJCT`, `CANC`, ...).
    async fn status(&self) -> String {
        self.0.status.to_string()
    }
    /// Why.
    async fn reasons(&self) -> Vec<StatusReason> {
        self.0.reasons.iter().cloned().map(StatusReason).collect()
    }
    /// When.
    async fn at(&self) -> DateTime {
        DateTime(self.0.at)
    }
}

/// A payment: the transfer, its status and its status history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment(pub StoredPayment);

impl Payment {
    fn latest(&self) -> async_graphql::Result<&StatusChange> {
        self.0
            .current()
            .ok_or_else(|| coded_error(outcome::for_condition(Condition::Internal), "payment has no status"))
    }
}

#[Object]
impl Payment {
    /// The payment's id.
    async fn id(&self) -> ID {
        ID(self.0.id.as_str().to_owned())
    }
    /// Current status: an ISO 20022 `ExternalPaymentTransactionStatus1Code`.
    async fn status(&self) -> async_graphql::Result<String> {
        Ok(self.latest()?.status.to_string())
    }
    /// Why the payment has its current status.
    async fn status_reasons(&self) -> async_graphql::Result<Vec<StatusReason>> {
        Ok(self.latest()?.reasons.iter().cloned().map(StatusReason).collect())
    }
    /// Id of the latest status change (the status report id).
    async fn status_report_id(&self) -> async_graphql::Result<ID> {
        Ok(ID(self.latest()?.id.as_str().to_owned()))
    }
    /// When the status last changed.
    async fn status_updated_at(&self) -> async_graphql::Result<DateTime> {
        Ok(DateTime(self.latest()?.at))
    }
    /// Every status the payment has had, oldest first.
    async fn status_history(&self) -> Vec<StatusChangeObject> {
        self.0.history.iter().cloned().map(StatusChangeObject).collect()
    }
    /// When the payment was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created)
    }
    /// End-to-end id.
    async fn end_to_end_id(&self) -> &str {
        self.0.transfer().ids.end_to_end_id.as_str()
    }
    /// The debtor's instruction id.
    async fn instruction_id(&self) -> Option<&str> {
        self.0.transfer().ids.instruction_id.as_ref().map(|i| i.as_str())
    }
    /// UETR.
    async fn uetr(&self) -> Option<String> {
        self.0.transfer().ids.uetr.map(|u| u.to_string())
    }
    /// The instructed amount.
    async fn amount(&self) -> async_graphql::Result<Money> {
        self.0
            .transfer()
            .amount()
            .copied()
            .map(Money)
            .ok_or_else(|| coded_error(outcome::for_condition(Condition::Internal), "payment has no amount"))
    }
    /// Requested execution date, when given as a date.
    async fn requested_execution_date(&self) -> Option<Date> {
        match self.0.transfer().requested_execution {
            Some(DateOrDateTime::Date(date)) => Some(Date(date)),
            _ => None,
        }
    }
    /// Requested execution date-time, when given as a date-time.
    async fn requested_execution_date_time(&self) -> Option<DateTime> {
        match self.0.transfer().requested_execution {
            Some(DateOrDateTime::DateTime(value)) => Some(DateTime(value)),
            _ => None,
        }
    }
    /// When the payment was accepted.
    async fn accepted_at(&self) -> Option<DateTime> {
        self.0.transfer().acceptance_time.map(DateTime)
    }
    /// Who bears the charges.
    async fn charge_bearer(&self) -> Option<ChargeBearer> {
        use payglot_core_model::ChargeBearer as Core;
        self.0.transfer().charge_bearer.map(|b| match b {
            Core::Debtor => ChargeBearer::Debtor,
            Core::Creditor => ChargeBearer::Creditor,
            Core::Shared => ChargeBearer::Shared,
            Core::ServiceLevel => ChargeBearer::ServiceLevel,
        })
    }
    /// The debtor.
    async fn debtor(&self) -> Party {
        Party(self.0.transfer().debtor.clone())
    }
    /// The debtor's account.
    async fn debtor_account(&self) -> Option<Account> {
        self.0.transfer().debtor_account.clone().map(Account)
    }
    /// The debtor's bank.
    async fn debtor_agent(&self) -> Option<Agent> {
        self.0.transfer().debtor_agent.clone().map(Agent)
    }
    /// The creditor.
    async fn creditor(&self) -> Party {
        Party(self.0.transfer().creditor.clone())
    }
    /// The creditor's account.
    async fn creditor_account(&self) -> Option<Account> {
        self.0.transfer().creditor_account.clone().map(Account)
    }
    /// The creditor's bank.
    async fn creditor_agent(&self) -> Option<Agent> {
        self.0.transfer().creditor_agent.clone().map(Agent)
    }
    /// Unstructured remittance lines.
    async fn remittance_information(&self) -> Vec<&str> {
        self.0
            .transfer()
            .remittance
            .as_ref()
            .map(|r| r.unstructured.iter().map(Text::as_str).collect())
            .unwrap_or_default()
    }
    /// Values the schema has no field for, by key.
    async fn extensions(&self) -> Vec<Extension> {
        self.0
            .transfer()
            .extensions
            .iter()
            .map(|(key, value)| Extension { key: key.clone(), value: value.clone() })
            .collect()
    }
}

/// A value the schema has no field for.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct Extension {
    /// Where it came from.
    pub key: String,
    /// The value.
    pub value: String,
}

/// Credit or debit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum CreditDebit {
    /// Money in.
    Credit,
    /// Money out.
    Debit,
}

impl From<CoreCreditDebit> for CreditDebit {
    fn from(value: CoreCreditDebit) -> Self {
        match value {
            CoreCreditDebit::Credit => Self::Credit,
            CoreCreditDebit::Debit => Self::Debit,
        }
    }
}

fn code_text<C: std::fmt::Display>(value: &CodeOrProprietary<C>) -> String {
    match value {
        CodeOrProprietary::Code(code) => code.to_string(),
        CodeOrProprietary::Proprietary(text) => text.as_str().to_owned(),
    }
}

/// A balance of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance(pub CoreBalance);

#[Object]
impl Balance {
    /// Balance type (`OPBD`, `CLBD`, ...).
    async fn r#type(&self) -> String {
        code_text(&self.0.kind)
    }
    /// Amount.
    async fn amount(&self) -> Money {
        Money(self.0.amount)
    }
    /// Credit or debit.
    async fn credit_debit(&self) -> CreditDebit {
        self.0.credit_debit.into()
    }
    /// Date.
    async fn date(&self) -> Date {
        Date(self.0.date.date())
    }
}

/// One entry of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry(pub CoreEntry);

#[Object]
impl Entry {
    /// Entry reference.
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_ref().map(|r| r.as_str())
    }
    /// Amount.
    async fn amount(&self) -> Money {
        Money(self.0.amount)
    }
    /// Credit or debit.
    async fn credit_debit(&self) -> CreditDebit {
        self.0.credit_debit.into()
    }
    /// Status (`BOOK`, `PDNG`, `INFO`).
    async fn status(&self) -> String {
        code_text(&self.0.status)
    }
    /// Booking date.
    async fn booking_date(&self) -> Option<Date> {
        self.0.booking_date.map(|d| Date(d.date()))
    }
    /// Value date.
    async fn value_date(&self) -> Option<Date> {
        self.0.value_date.map(|d| Date(d.date()))
    }
    /// End-to-end id of the entry's first transaction.
    async fn end_to_end_id(&self) -> Option<&str> {
        self.0.transactions.iter().find_map(|t| t.refs.as_ref()?.end_to_end_id.as_ref()).map(|id| id.as_str())
    }
    /// Unstructured remittance lines of the entry's transactions.
    async fn remittance_information(&self) -> Vec<&str> {
        self.0
            .transactions
            .iter()
            .filter_map(|t| t.remittance.as_ref())
            .flat_map(|r| r.unstructured.iter().map(Text::as_str))
            .collect()
    }
}

/// The statement of an account over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement(pub AccountReport);

#[Object]
impl Statement {
    /// Statement id.
    async fn id(&self) -> &str {
        self.0.id.as_str()
    }
    /// The account.
    async fn account(&self) -> Account {
        Account(self.0.account.clone())
    }
    /// Period start.
    async fn from(&self) -> Option<DateTime> {
        self.0.from.map(DateTime)
    }
    /// Period end.
    async fn to(&self) -> Option<DateTime> {
        self.0.to.map(DateTime)
    }
    /// Balances.
    async fn balances(&self) -> Vec<Balance> {
        self.0.balances.iter().cloned().map(Balance).collect()
    }
    /// Entries booked in the period.
    async fn entries(&self) -> Vec<Entry> {
        self.0.entries.iter().cloned().map(Entry).collect()
    }
}

/// A business failure: which input field, a stable code from the outcome table, a message.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct UserError {
    /// Path of the input field at fault, from the argument name down; null when not one field.
    pub field: Option<Vec<String>>,
    /// Stable code (`INSUFFICIENT_FUNDS`, `IDEMPOTENCY_KEY_REUSED`, `INVALID_REQUEST`, ...).
    pub code: String,
    /// Human-readable message.
    pub message: String,
}

impl UserError {
    fn new(field: Option<Vec<String>>, outcome: Outcome, message: impl Into<String>) -> Self {
        Self { field, code: outcome.graphql_code.to_owned(), message: message.into() }
    }
}

/// The result of `initiatePayment`.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct InitiatePaymentPayload {
    /// The payment, when one exists (also for a declined payment, with status `RJCT`).
    pub payment: Option<Payment>,
    /// Whether this is the payment created by an earlier request with the same key.
    pub replayed: bool,
    /// Business failures; empty when the payment was accepted.
    pub user_errors: Vec<UserError>,
}

/// The result of `cancelPayment`.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct CancelPaymentPayload {
    /// The payment, cancelled when `userErrors` is empty.
    pub payment: Option<Payment>,
    /// Business failures.
    pub user_errors: Vec<UserError>,
}

/// Which payments `payments` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, InputObject)]
pub struct PaymentFilterInput {
    /// Only payments in one of these statuses (ISO codes).
    #[graphql(default)]
    pub statuses: Vec<String>,
    /// Only payments with this end-to-end id.
    pub end_to_end_id: Option<String>,
}

/// Largest page of `payments`.
pub const MAX_PAGE: usize = 100;

/// The query root.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query;

#[Object]
impl Query {
    /// A payment by id.
    async fn payment(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Payment>> {
        store(ctx)?.payment(id.as_str()).await.map(|p| p.map(Payment)).map_err(|e| store_error(&e))
    }

    /// Payments in creation order, as a Relay connection (`first` at most 100).
    #[graphql(
        complexity = "first.map_or(20, |n| usize::try_from(n).unwrap_or(MAX_PAGE)).saturating_mul(child_complexity)"
    )]
    async fn payments(
        &self,
        ctx: &Context<'_>,
        filter: Option<PaymentFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Payment>> {
        let invalid = || outcome::for_condition(Condition::InvalidRequest);
        let first = match first {
            None => 20,
            Some(n) => usize::try_from(n)
                .ok()
                .filter(|&n| n <= MAX_PAGE)
                .ok_or_else(|| coded_error(invalid(), format!("`first` must be 0 to {MAX_PAGE}")))?,
        };
        let filter = match filter {
            None => PaymentFilter::default(),
            Some(input) => PaymentFilter {
                statuses: input
                    .statuses
                    .iter()
                    .map(|s| PaymentStatus::parse(s))
                    .collect::<Result<_, _>>()
                    .map_err(|e| coded_error(invalid(), e.to_string()))?,
                end_to_end_id: input.end_to_end_id,
            },
        };
        let page = store(ctx)?.payments(&filter, after.as_deref(), first).await.map_err(|e| store_error(&e))?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(page.payments.into_iter().map(|p| Edge::new(p.id.as_str().to_owned(), Payment(p))));
        Ok(connection)
    }

    /// The statement of an account (IBAN or other number) for the entries booked from `from`
    /// to `to`, inclusive.
    async fn statement(
        &self,
        ctx: &Context<'_>,
        account: String,
        from: Date,
        to: Date,
    ) -> async_graphql::Result<Option<Statement>> {
        if from.0 > to.0 {
            return Err(coded_error(outcome::for_condition(Condition::InvalidRequest), "`from` is after `to`"));
        }
        store(ctx)?.statement(&account, from.0, to.0).await.map(|s| s.map(Statement)).map_err(|e| store_error(&e))
    }
}

/// The mutation root.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mutation;

#[Object]
impl Mutation {
    /// Initiate a credit transfer. Retrying with the same `idempotencyKey` and the same input
    /// returns the same payment (`replayed: true`); the same key with a different input is a
    /// `IDEMPOTENCY_KEY_REUSED` user error. A declined payment is returned with status `RJCT`
    /// and a user error whose code says why.
    async fn initiate_payment(
        &self,
        ctx: &Context<'_>,
        input: InitiatePaymentInput,
        idempotency_key: String,
    ) -> async_graphql::Result<InitiatePaymentPayload> {
        let invalid = outcome::for_condition(Condition::InvalidRequest);
        let fail =
            |error: UserError| InitiatePaymentPayload { payment: None, replayed: false, user_errors: vec![error] };
        let key = match IdempotencyKey::parse(&idempotency_key) {
            Ok(key) => key,
            Err(e) => return Ok(fail(UserError::new(Some(vec!["idempotencyKey".to_owned()]), invalid, e.to_string()))),
        };
        let initiation = match initiation_from_input(&input) {
            Ok(initiation) => initiation,
            Err(e) => return Ok(fail(UserError::new(Some(e.field), invalid, e.message))),
        };
        match store(ctx)?.initiate(key, initiation).await {
            Ok(initiated) => {
                let replayed = matches!(initiated, Initiated::Replayed(_));
                let payment = initiated.payment().clone();
                let user_errors = declined_errors(&payment);
                Ok(InitiatePaymentPayload { payment: Some(Payment(payment)), replayed, user_errors })
            }
            Err(StoreError::Invalid(e)) => Ok(fail(UserError::new(Some(e.field), invalid, e.message))),
            Err(error @ StoreError::IdempotencyMismatch) => {
                Ok(fail(UserError::new(Some(vec!["idempotencyKey".to_owned()]), error.outcome(), error.to_string())))
            }
            Err(error) => Err(store_error(&error)),
        }
    }

    /// Cancel a payment that is not final yet. `reason` is free text kept with the status.
    async fn cancel_payment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<CancelPaymentPayload> {
        let reason = match reason.map(Text::<105>::new).transpose() {
            Ok(text) => text.map(|line| StatusReasonInfo {
                originator: None,
                reason: None,
                mapped_reason: None,
                additional_info: vec![line],
            }),
            Err(e) => {
                return Ok(CancelPaymentPayload {
                    payment: None,
                    user_errors: vec![UserError::new(
                        Some(vec!["reason".to_owned()]),
                        outcome::for_condition(Condition::InvalidRequest),
                        e.to_string(),
                    )],
                });
            }
        };
        match store(ctx)?.cancel(id.as_str(), reason).await {
            Ok(payment) => Ok(CancelPaymentPayload { payment: Some(Payment(payment)), user_errors: Vec::new() }),
            Err(error @ (StoreError::NotFound | StoreError::NotCancellable(_))) => {
                let payment = store(ctx)?.payment(id.as_str()).await.map_err(|e| store_error(&e))?.map(Payment);
                Ok(CancelPaymentPayload {
                    payment,
                    user_errors: vec![UserError::new(Some(vec!["id".to_owned()]), error.outcome(), error.to_string())],
                })
            }
            Err(error) => Err(store_error(&error)),
        }
    }
}

/// User errors for a payment rejected on creation: one per reason, coded by the outcome table.
pub(crate) fn declined_errors(payment: &StoredPayment) -> Vec<UserError> {
    let Some(change) = payment.current() else { return Vec::new() };
    if change.status != PaymentStatus::RJCT {
        return Vec::new();
    }
    if change.reasons.is_empty() {
        return vec![UserError::new(None, outcome::DEFAULT, outcome::DEFAULT.title)];
    }
    change
        .reasons
        .iter()
        .map(|reason| {
            let outcome = reason_outcome(reason);
            UserError::new(None, outcome, reason_message(reason, outcome))
        })
        .collect()
}

/// A reason in words: its first information line, else ISO's definition, else the outcome title.
pub(crate) fn reason_message(reason: &StatusReasonInfo, outcome: Outcome) -> String {
    reason
        .additional_info
        .first()
        .map(|line| line.as_str().to_owned())
        .or_else(|| reason.iso_reason().and_then(|r| r.definition()).map(str::to_owned))
        .unwrap_or_else(|| outcome.title.to_owned())
}

/// The subscription root.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Status changes as they happen, of one payment or of all. A subscriber too slow to keep
    /// up receives a `SERVICE_UNAVAILABLE` error item saying how many changes it missed.
    async fn payment_status_changed(
        &self,
        ctx: &Context<'_>,
        payment_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<StatusChangeObject>>> {
        let receiver = store(ctx)?.subscribe();
        let wanted = payment_id.map(|id| id.0);
        Ok(futures_util::stream::unfold(receiver, move |mut receiver| {
            let wanted = wanted.clone();
            async move {
                loop {
                    match receiver.recv().await {
                        Ok(change) => {
                            if wanted.as_deref().is_none_or(|id| id == change.payment_id.as_str()) {
                                return Some((Ok(StatusChangeObject(change)), receiver));
                            }
                        }
                        Err(RecvError::Lagged(missed)) => {
                            let error = coded_error(
                                outcome::for_condition(Condition::Unavailable),
                                format!("missed {missed} status changes; query the payments for their status"),
                            );
                            return Some((Err(error), receiver));
                        }
                        Err(RecvError::Closed) => return None,
                    }
                }
            }
        }))
    }
}

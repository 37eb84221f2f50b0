//! The JSON documents of `rest:native` as serde types, exactly as `schemas/rest/openapi.yaml`
//! describes them. No mapping happens here; see `mapping.rs`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use payglot_core_model::{
    Bic, CategoryPurpose, ChargeBearer, CountryCode, Currency, DateTime, EndToEndId, InstructionId, Max35Text,
    Max140Text, MessageId, PaymentInfoId, PostalAddress, Purpose, Text, Uetr,
};
use serde::{Deserialize, Serialize};

use crate::common::MinorUnits;

fn metadata<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error> {
    payglot_core_model::json::unique_map(deserializer)
}

/// A party: name, postal address, country of residence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Party {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<Max140Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) address: Option<PostalAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) country_of_residence: Option<CountryCode>,
}

/// A bank: BIC and name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Bank {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bic: Option<Bic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<Max140Text>,
}

/// Remittance: free lines and an optional structured creditor reference (`SCOR`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Remittance {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) unstructured: Vec<Max140Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) creditor_reference: Option<Max35Text>,
}

macro_rules! payment_fields {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct $name {
            $($(#[$fmeta])* pub(crate) $field: $ty,)*
            pub(crate) amount: MinorUnits,
            pub(crate) currency: Currency,
            pub(crate) source_account: String,
            pub(crate) destination_account: String,
            pub(crate) reference: InstructionId,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) end_to_end_id: Option<EndToEndId>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) uetr: Option<Uetr>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) debtor: Option<Party>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) creditor: Option<Party>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) ultimate_debtor: Option<Party>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) ultimate_creditor: Option<Party>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) debtor_agent: Option<Bank>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) creditor_agent: Option<Bank>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) remittance: Option<Remittance>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) requested_execution_date: Option<NaiveDate>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) purpose: Option<Purpose>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) category_purpose: Option<CategoryPurpose>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub(crate) charge_bearer: Option<ChargeBearer>,
            #[serde(default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "metadata")]
            pub(crate) metadata: BTreeMap<String, String>,
        }
    };
}

payment_fields!(
    /// `POST /v1/payments`: one payment.
    PaymentRequest {
        // Both may come from the transport instead (the `Idempotency-Key` header, the time the
        // request arrived): `DecodeLimits::transport`. A request with neither is refused.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        idempotency_key: Option<MessageId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        created_at: Option<DateTime>,
    }
);

payment_fields!(
    /// One payment of a batch.
    BatchPayment {}
);

/// One batch of `POST /v1/payment-batches`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Batch {
    pub(crate) id: PaymentInfoId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) batch_booking: Option<bool>,
    pub(crate) payments: Vec<BatchPayment>,
}

/// `POST /v1/payment-batches`: a multi-payment initiation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BatchRequest {
    pub(crate) idempotency_key: MessageId,
    pub(crate) created_at: DateTime,
    pub(crate) batches: Vec<Batch>,
}

/// A status reason: the ISO code, the provider's own code, free text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusReason {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) code: Option<payglot_core_model::StatusReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) provider_code: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) details: Vec<Text<105>>,
}

/// Links of a payment resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Links {
    #[serde(rename = "self")]
    pub(crate) self_: String,
}

/// `GET /v1/payments/{id}`: the payment resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Payment {
    pub(crate) object: ObjectPayment,
    pub(crate) id: Max35Text,
    pub(crate) status: StatusWord,
    pub(crate) iso_status: payglot_core_model::PaymentStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) status_reasons: Vec<StatusReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) amount: Option<MinorUnits>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) currency: Option<Currency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reference: Option<InstructionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) end_to_end_id: Option<EndToEndId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) uetr: Option<Uetr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) requested_execution_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) created_at: Option<DateTime>,
    pub(crate) updated_at: DateTime,
    pub(crate) links: Links,
}

/// `"object": "payment"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ObjectPayment {
    Payment,
}

/// `"object": "event"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ObjectEvent {
    Event,
}

/// `"object": "list"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ObjectList {
    List,
}

/// The event type of a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) enum EventType {
    #[serde(rename = "payment.status_changed")]
    PaymentStatusChanged,
}

/// A webhook: a payment's status changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Event {
    pub(crate) object: ObjectEvent,
    pub(crate) id: MessageId,
    #[serde(rename = "type")]
    pub(crate) kind: EventType,
    pub(crate) created_at: DateTime,
    pub(crate) data: Payment,
}

/// The customer-facing status word; `iso_status` carries the exact ISO code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StatusWord {
    Received,
    Pending,
    Processing,
    Completed,
    Rejected,
    Cancelled,
}

impl StatusWord {
    /// The word for an ISO `ExternalPaymentTransactionStatus1Code`.
    pub(crate) fn for_iso(code: &str) -> Self {
        match code {
            "RCVD" => Self::Received,
            "PDNG" | "ACWP" | "PATC" => Self::Pending,
            "ACSC" | "ACCC" => Self::Completed,
            "RJCT" | "BLCK" => Self::Rejected,
            "CANC" => Self::Cancelled,
            _ => Self::Processing,
        }
    }
}

/// `GET /v1/accounts/{id}/transactions`: the account's transactions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransactionList {
    pub(crate) object: ObjectList,
    pub(crate) id: Max35Text,
    pub(crate) account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) account_currency: Option<Currency>,
    pub(crate) created_at: DateTime,
    pub(crate) data: Vec<Transaction>,
    pub(crate) has_more: bool,
}

/// Direction of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Direction {
    Credit,
    Debit,
}

/// Booking state of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Booking {
    Booked,
    Pending,
    Information,
}

/// One account transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Transaction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<Max35Text>,
    pub(crate) amount: MinorUnits,
    pub(crate) currency: Currency,
    pub(crate) direction: Direction,
    pub(crate) status: Booking,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) booking_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) value_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bank_reference: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<Text<500>>,
}

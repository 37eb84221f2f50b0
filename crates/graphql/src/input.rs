//! The schema's input types (`InitiatePaymentInput` and the objects inside it).
//!
//! Each type is both a GraphQL input object and a serde type. Serde *reads* the GraphQL
//! field names (camelCase, unknown fields refused) and *writes* the canonical model's names
//! (snake_case), so a value read from a GraphQL request serialises straight into the shape of
//! `canonical:json` and is validated there by the model's own checked types (see [`crate::convert`]).
//! The schema's resolvers and the `graphql:payglot` codec share this one path.

use async_graphql::{Enum, InputObject, OneofObject};

use crate::scalars::{Amount, Date, DateTime};

/// Field attributes shared by every optional field.
macro_rules! input_struct {
    (
        $(#[$meta:meta])*
        $name:ident { $($body:tt)* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, InputObject, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all(serialize = "snake_case", deserialize = "camelCase"), deny_unknown_fields)]
        pub struct $name { $($body)* }
    };
}

input_struct! {
    /// An amount of money.
    MoneyInput {
        /// The amount, as a decimal string (`"10.50"`).
        #[graphql(name = "value")]
        #[serde(rename(serialize = "amount", deserialize = "value"))]
        pub amount: Amount,
        /// ISO 4217 currency code (`EUR`).
        pub currency: String,
    }
}

/// A code from an ISO 20022 external code set, or a proprietary value: exactly one of the two.
#[derive(Debug, Clone, PartialEq, Eq, OneofObject, serde::Serialize, serde::Deserialize)]
#[serde(rename_all(serialize = "snake_case", deserialize = "camelCase"), deny_unknown_fields)]
pub enum CodeOrProprietaryInput {
    /// An ISO external code (`SEPA`, `SUPP`, `BBAN`, ...).
    Code(String),
    /// A proprietary value (at most 35 characters).
    Proprietary(String),
}

input_struct! {
    /// A postal address, structured and/or as lines (ISO 20022 `PostalAddress24`).
    PostalAddressInput {
        /// Address type (`ADDR`, `PBOX`, `HOME`, `BIZZ`, `MLTO`, `DLVY`) or proprietary.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub address_type: Option<CodeOrProprietaryInput>,
        /// Department.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub department: Option<String>,
        /// Sub-department.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sub_department: Option<String>,
        /// Street name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub street_name: Option<String>,
        /// Building number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub building_number: Option<String>,
        /// Building name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub building_name: Option<String>,
        /// Floor.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub floor: Option<String>,
        /// Post box.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub post_box: Option<String>,
        /// Room.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub room: Option<String>,
        /// Post code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub post_code: Option<String>,
        /// Town name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub town_name: Option<String>,
        /// Town location name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub town_location_name: Option<String>,
        /// District name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub district_name: Option<String>,
        /// Country sub-division (state, region).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub country_sub_division: Option<String>,
        /// ISO 3166 alpha-2 country code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub country: Option<String>,
        /// Unstructured address lines (at most 7, 70 characters each).
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub address_lines: Vec<String>,
    }
}

input_struct! {
    /// A generic identification with an optional scheme and issuer.
    GenericIdInput {
        /// The identifier.
        pub id: String,
        /// Its scheme.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub scheme: Option<CodeOrProprietaryInput>,
        /// Who issued it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub issuer: Option<String>,
    }
}

input_struct! {
    /// Date and place of birth of a private person.
    DateAndPlaceOfBirthInput {
        /// Date of birth.
        pub birth_date: Date,
        /// Province of birth.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub province: Option<String>,
        /// City of birth.
        pub city: String,
        /// Country of birth (ISO 3166 alpha-2).
        pub country: String,
    }
}

input_struct! {
    /// How an organisation is identified.
    OrganisationIdInput {
        /// Its BIC.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub any_bic: Option<String>,
        /// Its LEI.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub lei: Option<String>,
        /// Other identifiers (tax id, DUNS, ...).
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub others: Vec<GenericIdInput>,
    }
}

input_struct! {
    /// How a private person is identified.
    PrivateIdInput {
        /// Date and place of birth.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub birth: Option<DateAndPlaceOfBirthInput>,
        /// Other identifiers (passport, national id, ...).
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub others: Vec<GenericIdInput>,
    }
}

/// A party's identification: as an organisation or as a private person.
#[derive(Debug, Clone, PartialEq, Eq, OneofObject, serde::Serialize, serde::Deserialize)]
#[serde(rename_all(serialize = "snake_case", deserialize = "camelCase"), deny_unknown_fields)]
pub enum PartyIdInput {
    /// An organisation.
    Organisation(OrganisationIdInput),
    /// A private person.
    Private(PrivateIdInput),
}

input_struct! {
    /// Contact details.
    ContactInput {
        /// Name of the contact.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// Phone number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub phone: Option<String>,
        /// Mobile number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mobile: Option<String>,
        /// E-mail address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email: Option<String>,
    }
}

input_struct! {
    /// A person or organisation: debtor, creditor, ultimate party, initiating party.
    PartyInput {
        /// Name (at most 140 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// Postal address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub postal_address: Option<PostalAddressInput>,
        /// Identification.
        #[graphql(name = "identification")]
        #[serde(default, skip_serializing_if = "Option::is_none", rename(serialize = "id", deserialize = "identification"))]
        pub id: Option<PartyIdInput>,
        /// Country of residence (ISO 3166 alpha-2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub country_of_residence: Option<String>,
        /// Contact details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contact: Option<ContactInput>,
    }
}

input_struct! {
    /// An account number that is not an IBAN, with its scheme.
    OtherAccountIdInput {
        /// The account number.
        pub id: String,
        /// Its scheme (`BBAN`, or proprietary such as `UK.OBIE.SortCodeAccountNumber`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub scheme: Option<CodeOrProprietaryInput>,
        /// Who issued it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub issuer: Option<String>,
    }
}

/// How an account is identified: an IBAN or another number.
#[derive(Debug, Clone, PartialEq, Eq, OneofObject, serde::Serialize, serde::Deserialize)]
#[serde(rename_all(serialize = "snake_case", deserialize = "camelCase"), deny_unknown_fields)]
pub enum AccountIdInput {
    /// An IBAN (electronic or print form).
    Iban(String),
    /// Another account number.
    Other(OtherAccountIdInput),
}

input_struct! {
    /// A proxy identifying an account (phone number, e-mail, ...).
    ProxyInput {
        /// Proxy type (`TELE`, `EMAL`, ...) or proprietary.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kind: Option<CodeOrProprietaryInput>,
        /// The proxy value.
        pub id: String,
    }
}

input_struct! {
    /// A cash account.
    AccountInput {
        /// Identification; absent only where a proxy identifies the account.
        #[graphql(name = "identification")]
        #[serde(default, skip_serializing_if = "Option::is_none", rename(serialize = "id", deserialize = "identification"))]
        pub id: Option<AccountIdInput>,
        /// Nature of the account (`CACC`, `SVGS`, ...) or proprietary.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account_type: Option<CodeOrProprietaryInput>,
        /// ISO 4217 currency of the account.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub currency: Option<String>,
        /// Name of the account.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// A proxy identifying the account.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub proxy: Option<ProxyInput>,
    }
}

input_struct! {
    /// A clearing-system member identification (ABA routing number, sort code, BLZ, ...).
    ClearingMemberIdInput {
        /// The clearing system (`USABA`, `GBDSC`, ...) or proprietary.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub system: Option<CodeOrProprietaryInput>,
        /// The member identifier.
        pub member_id: String,
    }
}

input_struct! {
    /// A financial institution.
    AgentInput {
        /// BIC (ISO 9362).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bic: Option<String>,
        /// Clearing-system member identification.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub clearing_member: Option<ClearingMemberIdInput>,
        /// LEI (ISO 17442).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub lei: Option<String>,
        /// Name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// Postal address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub postal_address: Option<PostalAddressInput>,
        /// Another identification.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub other_id: Option<GenericIdInput>,
        /// Branch identification.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub branch_id: Option<String>,
    }
}

input_struct! {
    /// Currency exchange details.
    ExchangeInput {
        /// Units of the target currency per unit of the source, as a decimal string.
        pub rate: Amount,
        /// Rate type (`SPOT`, `SALE`, `AGRD`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub rate_type: Option<String>,
        /// Contract id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contract_id: Option<String>,
    }
}

/// Priority of an instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all(serialize = "snake_case", deserialize = "SCREAMING_SNAKE_CASE"))]
pub enum Priority {
    /// `HIGH`.
    High,
    /// `NORM`.
    Normal,
}

/// Who bears the charges (ISO 20022 `ChargeBearerType1Code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize)]
pub enum ChargeBearer {
    /// The debtor (OUR).
    #[graphql(name = "DEBT")]
    #[serde(rename(serialize = "debtor", deserialize = "DEBT"))]
    Debtor,
    /// The creditor (BEN).
    #[graphql(name = "CRED")]
    #[serde(rename(serialize = "creditor", deserialize = "CRED"))]
    Creditor,
    /// Shared (SHA).
    #[graphql(name = "SHAR")]
    #[serde(rename(serialize = "shared", deserialize = "SHAR"))]
    Shared,
    /// As the service level says (SEPA).
    #[graphql(name = "SLEV")]
    #[serde(rename(serialize = "service_level", deserialize = "SLEV"))]
    ServiceLevel,
}

input_struct! {
    /// How the payment is to be processed.
    PaymentTypeInput {
        /// Instruction priority.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instruction_priority: Option<Priority>,
        /// Clearing channel (`RTGS`, `RTNS`, `MPNS`, `BOOK`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub clearing_channel: Option<String>,
        /// Service levels (`SEPA`, `URGP`, ...), in order.
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub service_levels: Vec<CodeOrProprietaryInput>,
        /// Local instrument (`INST`, ...).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub local_instrument: Option<CodeOrProprietaryInput>,
        /// Category purpose (`SUPP`, `SALA`, ...).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub category_purpose: Option<CodeOrProprietaryInput>,
    }
}

/// A date or a date-time: exactly one.
#[derive(Debug, Clone, PartialEq, Eq, OneofObject, serde::Serialize, serde::Deserialize)]
#[serde(rename_all(serialize = "snake_case", deserialize = "camelCase"), deny_unknown_fields)]
pub enum DateOrDateTimeInput {
    /// A calendar date.
    Date(Date),
    /// A date-time.
    DateTime(DateTime),
}

input_struct! {
    /// An instruction for the creditor's bank.
    AgentInstructionInput {
        /// Instruction code (`PHOB`, `CHQB`, `HOLD`, `TELB`, ...).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub code: Option<String>,
        /// Further information.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub information: Option<String>,
    }
}

input_struct! {
    /// A document the payment settles.
    ReferredDocumentInput {
        /// Document type (`CINV`, `CREN`, ...) or proprietary.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kind: Option<CodeOrProprietaryInput>,
        /// Document number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub number: Option<String>,
        /// Document date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub date: Option<Date>,
    }
}

input_struct! {
    /// The creditor's reference (ISO 11649 `RF...` or a national structured reference).
    CreditorReferenceInput {
        /// Type: `SCOR` or proprietary.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kind: Option<CodeOrProprietaryInput>,
        /// Issuer of the reference type.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub issuer: Option<String>,
        /// The reference.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reference: Option<String>,
    }
}

input_struct! {
    /// Structured remittance information.
    StructuredRemittanceInput {
        /// Documents the payment settles.
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub referred_documents: Vec<ReferredDocumentInput>,
        /// Amount due.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub due_amount: Option<MoneyInput>,
        /// Remitted amount.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub remitted_amount: Option<MoneyInput>,
        /// The creditor's reference.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub creditor_reference: Option<CreditorReferenceInput>,
        /// Invoicer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub invoicer: Option<PartyInput>,
        /// Invoicee.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub invoicee: Option<PartyInput>,
        /// Additional remittance lines.
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub additional_info: Vec<String>,
    }
}

input_struct! {
    /// Remittance information.
    RemittanceInput {
        /// Unstructured lines, at most 140 characters each.
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub unstructured: Vec<String>,
        /// Structured blocks.
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub structured: Vec<StructuredRemittanceInput>,
    }
}

input_struct! {
    /// One regulatory reporting detail.
    RegulatoryDetailInput {
        /// Type.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kind: Option<String>,
        /// Country.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub country: Option<String>,
        /// Code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub code: Option<String>,
        /// Amount.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amount: Option<MoneyInput>,
        /// Information lines.
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub information: Vec<String>,
    }
}

input_struct! {
    /// A regulatory report.
    RegulatoryReportInput {
        /// `DEBT`, `CRED` or `BOTH`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub indicator: Option<String>,
        /// Authority name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub authority_name: Option<String>,
        /// Authority country.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub authority_country: Option<String>,
        /// Details.
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub details: Vec<RegulatoryDetailInput>,
    }
}

input_struct! {
    /// A value the schema has no field for, kept by name so it travels on.
    ExtensionInput {
        /// Where the value came from (a provider's metadata key, an ISO 20022 path).
        pub key: String,
        /// The value.
        pub value: String,
    }
}

input_struct! {
    /// Group-level data of the payment order this payment belongs to (ISO 20022 pain.001
    /// `GrpHdr` and `PmtInf`). Optional for API clients; translations of pain.001 files carry it.
    MessageInput {
        /// Message id (`MsgId`, at most 35 characters).
        pub id: String,
        /// When the client created the message.
        pub created_at: DateTime,
        /// The party that initiated the message (`InitgPty`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub initiating_party: Option<PartyInput>,
        /// Forwarding agent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub forwarding_agent: Option<AgentInput>,
        /// Payment-information (batch) id, `PmtInfId`; the message id when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub payment_information_id: Option<String>,
        /// Batch booking requested (`BtchBookg`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub batch_booking: Option<bool>,
    }
}

input_struct! {
    /// A credit transfer to initiate.
    InitiatePaymentInput {
        /// Group-level data when the payment is part of a pain.001-style order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub message: Option<MessageInput>,
        /// End-to-end id, kept unchanged along the whole chain (at most 35 characters).
        pub end_to_end_id: String,
        /// The debtor's own instruction id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instruction_id: Option<String>,
        /// UETR (UUID v4).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub uetr: Option<String>,
        /// The instructed amount.
        pub amount: MoneyInput,
        /// Exchange details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub exchange: Option<ExchangeInput>,
        /// Payment type.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub payment_type: Option<PaymentTypeInput>,
        /// Requested execution date or date-time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub requested_execution: Option<DateOrDateTimeInput>,
        /// Who bears the charges.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub charge_bearer: Option<ChargeBearer>,
        /// The debtor.
        pub debtor: PartyInput,
        /// The debtor's account.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub debtor_account: Option<AccountInput>,
        /// The debtor's bank.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub debtor_agent: Option<AgentInput>,
        /// The ultimate debtor.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ultimate_debtor: Option<PartyInput>,
        /// The creditor.
        pub creditor: PartyInput,
        /// The creditor's account.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub creditor_account: Option<AccountInput>,
        /// The creditor's bank.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub creditor_agent: Option<AgentInput>,
        /// The ultimate creditor.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ultimate_creditor: Option<PartyInput>,
        /// Intermediary agents, in order (at most 3).
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub intermediary_agents: Vec<AgentInput>,
        /// Instructions for the creditor's bank.
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub instructions_for_creditor_agent: Vec<AgentInstructionInput>,
        /// Purpose (`SUPP`, `SALA`, ...) or proprietary.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub purpose: Option<CodeOrProprietaryInput>,
        /// Remittance information.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub remittance: Option<RemittanceInput>,
        /// Regulatory reporting.
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub regulatory_reporting: Vec<RegulatoryReportInput>,
        /// Values the schema has no field for, by key (unique keys).
        #[graphql(default)]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub extensions: Vec<ExtensionInput>,
    }
}

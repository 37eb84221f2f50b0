//! One credit transfer and everything it carries: ids, amounts, parties, accounts, agents,
//! payment type, purpose, charges, dates, remittance and regulatory reporting.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::codes::{CategoryPurpose, LocalInstrument, Purpose, ServiceLevel};
use crate::datetime::{DateOrDateTime, DateTime};
use crate::ids::{CountryCode, Uetr};
use crate::money::Money;
use crate::party::{Account, Agent, CodeOrProprietary, Party};
use crate::text::{EndToEndId, InstructionId, Max35Text, Max140Text, Text, TransactionId};

/// The identifiers of one payment (`PmtId`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentIds {
    /// The instructing party's reference for this instruction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruction_id: Option<InstructionId>,
    /// The originator's end-to-end reference (`NOTPROVIDED` is a real value some schemes use).
    pub end_to_end_id: EndToEndId,
    /// The first instructing agent's transaction reference (interbank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<TransactionId>,
    /// Unique end-to-end transaction reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uetr: Option<Uetr>,
    /// The clearing system's reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearing_system_reference: Option<Max35Text>,
}

impl PaymentIds {
    /// Ids with only an end-to-end id.
    pub fn end_to_end(end_to_end_id: EndToEndId) -> Self {
        Self { instruction_id: None, end_to_end_id, transaction_id: None, uetr: None, clearing_system_reference: None }
    }
}

/// Priority of an instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// `HIGH`.
    High,
    /// `NORM`.
    Normal,
}

/// How the payment is to be processed (`PmtTpInf`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentType {
    /// Instruction priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruction_priority: Option<Priority>,
    /// Clearing channel (`RTGS`, `RTNS`, `MPNS`, `BOOK`), interbank only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearing_channel: Option<Text<4>>,
    /// Service levels (`SEPA`, `URGP`, ...), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_levels: Vec<CodeOrProprietary<ServiceLevel>>,
    /// Local instrument.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_instrument: Option<CodeOrProprietary<LocalInstrument>>,
    /// Category purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_purpose: Option<CodeOrProprietary<CategoryPurpose>>,
}

/// Who bears the charges (`ChrgBr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeBearer {
    /// `DEBT`: the debtor (OUR).
    Debtor,
    /// `CRED`: the creditor (BEN).
    Creditor,
    /// `SHAR`: shared (SHA).
    Shared,
    /// `SLEV`: as the service level says (SEPA).
    ServiceLevel,
}

impl ChargeBearer {
    /// The ISO 20022 code.
    pub fn iso_code(self) -> &'static str {
        match self {
            Self::Debtor => "DEBT",
            Self::Creditor => "CRED",
            Self::Shared => "SHAR",
            Self::ServiceLevel => "SLEV",
        }
    }

    /// From the ISO 20022 code.
    pub fn from_iso_code(code: &str) -> Option<Self> {
        match code {
            "DEBT" => Some(Self::Debtor),
            "CRED" => Some(Self::Creditor),
            "SHAR" => Some(Self::Shared),
            "SLEV" => Some(Self::ServiceLevel),
            _ => None,
        }
    }
}

/// A charge taken along the chain (`ChrgsInf`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charge {
    /// The amount charged.
    pub amount: Money,
    /// The agent that took it.
    pub agent: Agent,
}

/// Currency exchange details.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// Exchange rate (`XchgRate`): units of the target currency per unit of the source.
    #[serde(with = "crate::money::decimal_string")]
    pub rate: Decimal,
    /// Rate type (`SPOT`, `SALE`, `AGRD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_type: Option<Text<4>>,
    /// Contract id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<Max35Text>,
}

/// A creditor reference in structured remittance (`CdtrRefInf`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditorReferenceInfo {
    /// Type: `SCOR` (ISO 11649 and national structured references) or proprietary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CodeOrProprietary<Text<4>>>,
    /// Issuer of the reference type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Max35Text>,
    /// The reference as written. An ISO 11649 RF reference can be checked with
    /// [`CreditorReference::parse`](crate::CreditorReference::parse); national references
    /// (Belgian, Finnish, Swiss QR) are kept as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Max35Text>,
}

/// A document a payment settles (`RfrdDocInf`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferredDocument {
    /// Document type code (`CINV` commercial invoice, `CREN` credit note, ...) or proprietary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CodeOrProprietary<Text<4>>>,
    /// Document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Max35Text>,
    /// Document date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}

/// Structured remittance information (`Strd`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructuredRemittance {
    /// Documents this payment settles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referred_documents: Vec<ReferredDocument>,
    /// Amount due to be paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_amount: Option<Money>,
    /// Remitted amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remitted_amount: Option<Money>,
    /// The creditor's reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_reference: Option<CreditorReferenceInfo>,
    /// Invoicer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoicer: Option<Party>,
    /// Invoicee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoicee: Option<Party>,
    /// Additional remittance lines (at most 3 in ISO 20022).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_info: Vec<Max140Text>,
}

/// Remittance information (`RmtInf`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remittance {
    /// Unstructured lines (`Ustrd`), each at most 140 characters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unstructured: Vec<Max140Text>,
    /// Structured blocks (`Strd`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub structured: Vec<StructuredRemittance>,
}

impl Remittance {
    /// Whether it carries nothing.
    pub fn is_empty(&self) -> bool {
        self.unstructured.is_empty() && self.structured.is_empty()
    }
}

/// A regulatory report (`RgltryRptg`), kept as its codes and lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegulatoryReport {
    /// Debit, credit or both (`DEBT`, `CRED`, `BOTH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Text<4>>,
    /// Authority name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_name: Option<Max140Text>,
    /// Authority country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_country: Option<CountryCode>,
    /// Report details: type, code and information lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<RegulatoryDetail>,
}

/// One regulatory reporting detail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegulatoryDetail {
    /// Type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Max35Text>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// Code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Text<10>>,
    /// Amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// Information lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub information: Vec<Max35Text>,
}

/// An instruction for an agent along the chain (`InstrForCdtrAgt`, `InstrForNxtAgt`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentInstruction {
    /// Instruction code (`PHOB`, `CHQB`, `HOLD`, `TELB`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Text<4>>,
    /// Further information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information: Option<Max140Text>,
}

/// One credit transfer: the heart of the model. A transfer is self-contained: in a pain.001
/// the batch-level debtor, debtor account, debtor agent, requested execution date, payment type
/// and charge bearer are copied onto each transfer on decode and written back at batch level
/// on encode when every transfer of the batch agrees.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditTransfer {
    /// Identifiers.
    pub ids: PaymentIds,
    /// The amount the debtor instructed (`InstdAmt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_amount: Option<Money>,
    /// The interbank settlement amount (`IntrBkSttlmAmt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_amount: Option<Money>,
    /// Exchange details when instructed and settled currencies differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<Exchange>,
    /// Payment type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<PaymentType>,
    /// Requested execution date (pain.001 `ReqdExctnDt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_execution: Option<DateOrDateTime>,
    /// Interbank settlement date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_date: Option<NaiveDate>,
    /// When the payment was accepted (`AccptncDtTm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance_time: Option<DateTime>,
    /// Who bears the charges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_bearer: Option<ChargeBearer>,
    /// Charges taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charges: Vec<Charge>,
    /// The debtor.
    pub debtor: Party,
    /// The debtor's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_account: Option<Account>,
    /// The debtor's bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_agent: Option<Agent>,
    /// The ultimate debtor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ultimate_debtor: Option<Party>,
    /// The party that initiated the payment on the debtor's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiating_party: Option<Party>,
    /// The creditor.
    pub creditor: Party,
    /// The creditor's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_account: Option<Account>,
    /// The creditor's bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_agent: Option<Agent>,
    /// The ultimate creditor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ultimate_creditor: Option<Party>,
    /// Intermediary agents, in order (at most 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intermediary_agents: Vec<Agent>,
    /// The agent that instructs this leg (interbank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructing_agent: Option<Agent>,
    /// The agent instructed on this leg (interbank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_agent: Option<Agent>,
    /// Instructions for the creditor agent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructions_for_creditor_agent: Vec<AgentInstruction>,
    /// Purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<CodeOrProprietary<Purpose>>,
    /// Remittance information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remittance: Option<Remittance>,
    /// Regulatory reporting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regulatory_reporting: Vec<RegulatoryReport>,
    /// Values the model has no field for, by the path they came from (for example a provider's
    /// `metadata` keys as `metadata.order_id`, or an ISO element as its XPath). Kept, so a
    /// translation back to the same format can write them again.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "crate::json::unique_map")]
    pub extensions: BTreeMap<String, String>,
}

impl CreditTransfer {
    /// A minimal transfer: end-to-end id, amount, debtor and creditor; everything else empty.
    pub fn new(end_to_end_id: EndToEndId, amount: Money, debtor: Party, creditor: Party) -> Self {
        Self { instructed_amount: Some(amount), debtor, creditor, ..Self::empty(PaymentIds::end_to_end(end_to_end_id)) }
    }

    /// A transfer with `ids` and nothing else (no amount, empty parties): the start for a
    /// decoder that writes the remaining fields in place.
    pub fn empty(ids: PaymentIds) -> Self {
        Self {
            ids,
            instructed_amount: None,
            settlement_amount: None,
            exchange: None,
            payment_type: None,
            requested_execution: None,
            settlement_date: None,
            acceptance_time: None,
            charge_bearer: None,
            charges: Vec::new(),
            debtor: Party::default(),
            debtor_account: None,
            debtor_agent: None,
            ultimate_debtor: None,
            initiating_party: None,
            creditor: Party::default(),
            creditor_account: None,
            creditor_agent: None,
            ultimate_creditor: None,
            intermediary_agents: Vec::new(),
            instructing_agent: None,
            instructed_agent: None,
            instructions_for_creditor_agent: Vec::new(),
            purpose: None,
            remittance: None,
            regulatory_reporting: Vec::new(),
            extensions: BTreeMap::new(),
        }
    }

    /// The amount that moves: the instructed amount where given, else the settlement amount.
    pub fn amount(&self) -> Option<&Money> {
        self.instructed_amount.as_ref().or(self.settlement_amount.as_ref())
    }
}

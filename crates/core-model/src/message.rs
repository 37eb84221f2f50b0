//! Messages: the six kinds of business message payglot translates, with their group-level data.
//!
//! | variant | ISO 20022 | elsewhere |
//! |---|---|---|
//! | `PaymentInitiation` | pain.001 | REST payment request, SOAP `InitiatePayment`, GraphQL `initiatePayment` |
//! | `InterbankTransfer` | pacs.008 | |
//! | `StatusReport` | pain.002, pacs.002 | REST payment resource / error body, SOAP fault, GraphQL payload |
//! | `PaymentReturn` | pacs.004 | |
//! | `Statement` | camt.053 | REST account transactions, SOAP `GetStatement` |
//! | `Notification` | camt.054 | webhook events |

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::codes::{BalanceType, GroupStatus, PaymentStatus, ReturnReason, StatusReason};
use crate::datetime::{DateOrDateTime, DateTime};
use crate::ids::{Bic, Uetr};
use crate::money::Money;
use crate::party::{Account, Agent, CodeOrProprietary, Party};
use crate::text::{EndToEndId, InstructionId, Max35Text, MessageId, PaymentInfoId, Text, TransactionId};
use crate::transfer::{ChargeBearer, CreditTransfer, Remittance};

/// A business message in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Message {
    /// A customer's payment order to its bank (pain.001).
    PaymentInitiation(PaymentInitiation),
    /// A credit transfer between banks (pacs.008).
    InterbankTransfer(InterbankTransfer),
    /// The status of earlier messages or payments (pain.002, pacs.002).
    StatusReport(StatusReport),
    /// Payments sent back (pacs.004).
    PaymentReturn(PaymentReturn),
    /// Account statements (camt.053).
    Statement(AccountReports),
    /// Debit and credit notifications (camt.054).
    Notification(AccountReports),
}

impl Message {
    /// The variant's stable name (`payment_initiation`, ...), as used in `canonical:json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PaymentInitiation(_) => "payment_initiation",
            Self::InterbankTransfer(_) => "interbank_transfer",
            Self::StatusReport(_) => "status_report",
            Self::PaymentReturn(_) => "payment_return",
            Self::Statement(_) => "statement",
            Self::Notification(_) => "notification",
        }
    }

    /// The group header.
    pub fn header(&self) -> &GroupHeader {
        match self {
            Self::PaymentInitiation(m) => &m.header,
            Self::InterbankTransfer(m) => &m.header,
            Self::StatusReport(m) => &m.header,
            Self::PaymentReturn(m) => &m.header,
            Self::Statement(m) | Self::Notification(m) => &m.header,
        }
    }
}

/// Business application header data (head.001): who sends the message to whom, and what it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHeader {
    /// Sender's BIC (`Fr/FIId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Bic>,
    /// Receiver's BIC (`To/FIId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Bic>,
    /// Business message id (`BizMsgIdr`).
    pub business_message_id: Max35Text,
    /// Message definition id (`MsgDefIdr`, e.g. `pacs.008.001.08`).
    pub message_definition_id: Max35Text,
    /// Business service (`BizSvc`, e.g. `swift.cbprplus.02`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_service: Option<Max35Text>,
    /// Creation date-time.
    pub created: DateTime,
    /// Copy/duplicate indicator (`CpyDplct`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_duplicate: Option<Text<4>>,
    /// Priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Text<4>>,
    /// The related header's business message id, for a reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_business_message_id: Option<Max35Text>,
}

/// Group-level data of every message (`GrpHdr`), and the business header when one came along.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupHeader {
    /// Message id.
    pub message_id: MessageId,
    /// Creation date-time.
    pub created: DateTime,
    /// Initiating party (pain.001, pain.002).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiating_party: Option<Party>,
    /// Forwarding agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarding_agent: Option<Agent>,
    /// Instructing agent (interbank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructing_agent: Option<Agent>,
    /// Instructed agent (interbank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_agent: Option<Agent>,
    /// Message recipient (camt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Party>,
    /// Additional information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<Text<500>>,
    /// The business application header (head.001) the message came with or should go with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_header: Option<BusinessHeader>,
}

impl GroupHeader {
    /// A header with a message id and creation time only.
    pub fn new(message_id: MessageId, created: DateTime) -> Self {
        Self {
            message_id,
            created,
            initiating_party: None,
            forwarding_agent: None,
            instructing_agent: None,
            instructed_agent: None,
            recipient: None,
            additional_info: None,
            business_header: None,
        }
    }
}

/// Payment method of a batch (`PmtMtd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// `TRF`: credit transfer.
    Transfer,
    /// `CHK`: cheque.
    Cheque,
    /// `TRA`: transfer advice.
    TransferAdvice,
}

/// One payment-information block: a batch of transfers from one debtor account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentBatch {
    /// Batch id (`PmtInfId`).
    pub id: PaymentInfoId,
    /// Payment method.
    pub method: PaymentMethod,
    /// Batch booking requested (`BtchBookg`): one entry for the batch, or one per transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_booking: Option<bool>,
    /// The transfers, in order; at least one.
    pub transfers: Vec<CreditTransfer>,
}

/// A customer's payment initiation (pain.001).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentInitiation {
    /// Group header. `NbOfTxs` and `CtrlSum` are not stored: they are checked on decode and
    /// computed on encode.
    pub header: GroupHeader,
    /// Payment-information blocks; at least one.
    pub batches: Vec<PaymentBatch>,
}

impl PaymentInitiation {
    /// Every transfer of every batch, in order.
    pub fn transfers(&self) -> impl Iterator<Item = &CreditTransfer> {
        self.batches.iter().flat_map(|b| b.transfers.iter())
    }
}

/// Settlement information of an interbank message (`SttlmInf`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementInfo {
    /// Settlement method (`INDA`, `INGA`, `COVE`, `CLRG`).
    pub method: Text<4>,
    /// Settlement account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
    /// Clearing system (code or proprietary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearing_system: Option<CodeOrProprietary<Text<5>>>,
}

/// An interbank credit transfer message (pacs.008).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterbankTransfer {
    /// Group header.
    pub header: GroupHeader,
    /// Settlement information.
    pub settlement: SettlementInfo,
    /// Group-level interbank settlement date, when given at group level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_date: Option<NaiveDate>,
    /// The transfers.
    pub transfers: Vec<CreditTransfer>,
}

/// A status reason: an ISO code or a provider's proprietary code, with free text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusReasonInfo {
    /// Who issued the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originator: Option<Party>,
    /// The reason: an ISO `ExternalStatusReason1Code` or a proprietary code (a REST provider's
    /// own error code is kept here, beside the ISO code it maps to in `mapped_reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<CodeOrProprietary<StatusReason>>,
    /// The ISO reason a proprietary code maps to, when the mapping is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapped_reason: Option<StatusReason>,
    /// Additional information lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_info: Vec<Text<105>>,
}

impl StatusReasonInfo {
    /// The ISO reason: the code itself, or the one a proprietary code maps to.
    pub fn iso_reason(&self) -> Option<&StatusReason> {
        match &self.reason {
            Some(CodeOrProprietary::Code(code)) => Some(code),
            _ => self.mapped_reason.as_ref(),
        }
    }
}

/// The status of the original message as a whole (`OrgnlGrpInfAndSts`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginalGroupStatus {
    /// Original message id.
    pub original_message_id: Max35Text,
    /// Original message name (`pain.001.001.09`).
    pub original_message_name: Max35Text,
    /// Original creation date-time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_created: Option<DateTime>,
    /// Original number of transactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_number_of_transactions: Option<Text<15>>,
    /// Original control sum.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub original_control_sum: Option<Decimal>,
    /// Group status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<GroupStatus>,
    /// Reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<StatusReasonInfo>,
}

/// The status of one transaction (`TxInfAndSts`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionStatus {
    /// The provider's id of the payment resource or the status id (`StsId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_id: Option<Max35Text>,
    /// Original instruction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_instruction_id: Option<InstructionId>,
    /// Original end-to-end id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_end_to_end_id: Option<EndToEndId>,
    /// Original transaction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_transaction_id: Option<TransactionId>,
    /// Original UETR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_uetr: Option<Uetr>,
    /// Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PaymentStatus>,
    /// Reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<StatusReasonInfo>,
    /// Acceptance date-time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance_time: Option<DateTime>,
    /// The original transaction's amount, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_amount: Option<Money>,
    /// The original transaction's requested execution date, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_requested_execution: Option<DateOrDateTime>,
    /// Other values of the original transaction the report repeats, kept by path.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "crate::json::unique_map")]
    pub extensions: BTreeMap<String, String>,
}

/// The status of one payment-information block (`OrgnlPmtInfAndSts`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentInfoStatus {
    /// Original batch id.
    pub original_payment_info_id: Max35Text,
    /// Status of the batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<GroupStatus>,
    /// Reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<StatusReasonInfo>,
    /// Transaction statuses within the batch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<TransactionStatus>,
}

/// A status report (pain.002, pacs.002, and every API's payment status or error body).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusReport {
    /// Group header.
    pub header: GroupHeader,
    /// The status of the original message(s); pacs.002 allows several.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub original_groups: Vec<OriginalGroupStatus>,
    /// Statuses by payment-information block (pain.002).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payment_infos: Vec<PaymentInfoStatus>,
    /// Transaction statuses not grouped by block (pacs.002, APIs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<TransactionStatus>,
}

/// Why a payment was returned (`RtrRsnInf`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnReasonInfo {
    /// Who returned it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originator: Option<Party>,
    /// The reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<CodeOrProprietary<ReturnReason>>,
    /// Additional information lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_info: Vec<Text<105>>,
}

/// One returned transaction (`TxInf` of pacs.004).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnedTransaction {
    /// Return id (`RtrId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_id: Option<Max35Text>,
    /// Original message id and name, when given per transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_message_id: Option<Max35Text>,
    /// Original message name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_message_name: Option<Max35Text>,
    /// Original instruction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_instruction_id: Option<InstructionId>,
    /// Original end-to-end id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_end_to_end_id: Option<EndToEndId>,
    /// Original transaction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_transaction_id: Option<TransactionId>,
    /// Original UETR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_uetr: Option<Uetr>,
    /// Original interbank settlement amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_settlement_amount: Option<Money>,
    /// Returned interbank settlement amount.
    pub returned_settlement_amount: Money,
    /// Interbank settlement date of the return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_date: Option<NaiveDate>,
    /// Returned instructed amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_instructed_amount: Option<Money>,
    /// Charge bearer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_bearer: Option<ChargeBearer>,
    /// Instructing agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructing_agent: Option<Agent>,
    /// Instructed agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_agent: Option<Agent>,
    /// Return reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<ReturnReasonInfo>,
    /// The original transaction's details, where the return repeats them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_transaction: Option<Box<CreditTransfer>>,
}

/// Payments sent back (pacs.004).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentReturn {
    /// Group header.
    pub header: GroupHeader,
    /// Settlement information.
    pub settlement: SettlementInfo,
    /// Original group information, when given at group level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_group: Option<OriginalGroupStatus>,
    /// The returned transactions.
    pub transactions: Vec<ReturnedTransaction>,
}

/// Credit or debit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditDebit {
    /// `CRDT`.
    Credit,
    /// `DBIT`.
    Debit,
}

/// A balance of a statement (`Bal`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Balance {
    /// Balance type (`OPBD`, `CLBD`, `ITBD`, `CLAV`, ...).
    pub kind: CodeOrProprietary<BalanceType>,
    /// Balance sub-type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_kind: Option<CodeOrProprietary<Text<4>>>,
    /// Amount.
    pub amount: Money,
    /// Credit or debit.
    pub credit_debit: CreditDebit,
    /// Date.
    pub date: DateOrDateTime,
}

/// A bank transaction code (`BkTxCd`): ISO domain/family/sub-family and/or proprietary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankTransactionCode {
    /// Domain code (`PMNT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Text<4>>,
    /// Family code (`RCDT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<Text<4>>,
    /// Sub-family code (`ESCT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_family: Option<Text<4>>,
    /// Proprietary code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proprietary_code: Option<Max35Text>,
    /// Proprietary code issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proprietary_issuer: Option<Max35Text>,
}

/// References of an entry's transaction (`Refs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionRefs {
    /// Message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Max35Text>,
    /// Account servicer reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_servicer_reference: Option<Max35Text>,
    /// Payment-information id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_info_id: Option<Max35Text>,
    /// Instruction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruction_id: Option<Max35Text>,
    /// End-to-end id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_to_end_id: Option<Max35Text>,
    /// UETR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uetr: Option<Uetr>,
    /// Transaction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<Max35Text>,
    /// Mandate id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mandate_id: Option<Max35Text>,
    /// Cheque number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cheque_number: Option<Max35Text>,
    /// Clearing-system reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearing_system_reference: Option<Max35Text>,
}

/// Parties and agents related to an entry's transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedParties {
    /// Debtor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor: Option<Party>,
    /// Debtor account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_account: Option<Account>,
    /// Ultimate debtor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ultimate_debtor: Option<Party>,
    /// Creditor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor: Option<Party>,
    /// Creditor account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_account: Option<Account>,
    /// Ultimate creditor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ultimate_creditor: Option<Party>,
    /// Debtor agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_agent: Option<Agent>,
    /// Creditor agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_agent: Option<Agent>,
}

/// One transaction within an entry (`TxDtls`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryTransaction {
    /// References.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refs: Option<TransactionRefs>,
    /// Amount of this transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// Credit or debit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_debit: Option<CreditDebit>,
    /// Instructed amount (`AmtDtls/InstdAmt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_amount: Option<Money>,
    /// Bank transaction code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_transaction_code: Option<BankTransactionCode>,
    /// Related parties (boxed: up to six parties and accounts and two agents are about 4 KB,
    /// which every transaction of a statement would otherwise carry inline and move, present
    /// or not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parties: Option<Box<RelatedParties>>,
    /// Purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<CodeOrProprietary<crate::codes::Purpose>>,
    /// Remittance information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remittance: Option<Remittance>,
    /// Return information, for returned payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_reason: Option<ReturnReasonInfo>,
    /// Additional transaction information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<Text<500>>,
}

/// Entry status (`Sts`): booked, pending or information only.
pub type EntryStatus = CodeOrProprietary<Text<4>>;

/// One entry of a statement or notification (`Ntry`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Entry reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Max35Text>,
    /// Amount.
    pub amount: Money,
    /// Credit or debit.
    pub credit_debit: CreditDebit,
    /// Reversal indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reversal: Option<bool>,
    /// Status (`BOOK`, `PDNG`, `INFO`).
    pub status: EntryStatus,
    /// Booking date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_date: Option<DateOrDateTime>,
    /// Value date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_date: Option<DateOrDateTime>,
    /// Account servicer's reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_servicer_reference: Option<Max35Text>,
    /// Bank transaction code.
    pub bank_transaction_code: BankTransactionCode,
    /// Batch details: message id, payment-information id and count, when the entry is a batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<EntryBatch>,
    /// Transactions within the entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<EntryTransaction>,
    /// Additional entry information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<Text<500>>,
}

/// Batch information of an entry (`NtryDtls/Btch`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryBatch {
    /// Message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Max35Text>,
    /// Payment-information id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_info_id: Option<Max35Text>,
    /// Number of transactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_transactions: Option<Text<15>>,
    /// Total amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amount: Option<Money>,
    /// Credit or debit of the total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_debit: Option<CreditDebit>,
}

/// Totals of a report (`TxsSummry`), as the sender stated them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionsSummary {
    /// Number of entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_entries: Option<Text<15>>,
    /// Sum of entries.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub sum: Option<Decimal>,
    /// Number of credit entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_entries: Option<Text<15>>,
    /// Sum of credit entries.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub credit_sum: Option<Decimal>,
    /// Number of debit entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debit_entries: Option<Text<15>>,
    /// Sum of debit entries.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub debit_sum: Option<Decimal>,
}

/// One statement or notification for one account (`Stmt`, `Ntfctn`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountReport {
    /// Report id.
    pub id: Max35Text,
    /// Electronic sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub electronic_sequence: Option<Decimal>,
    /// Legal sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub legal_sequence: Option<Decimal>,
    /// Creation date-time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime>,
    /// Period start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime>,
    /// Period end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DateTime>,
    /// The account reported on.
    pub account: Account,
    /// Account owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_owner: Option<Party>,
    /// Account servicer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_servicer: Option<Agent>,
    /// Balances.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub balances: Vec<Balance>,
    /// Transaction summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<TransactionsSummary>,
    /// Entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<Entry>,
    /// Additional information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<Text<500>>,
}

/// Statements (camt.053) or notifications (camt.054): one message, one or more reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountReports {
    /// Group header.
    pub header: GroupHeader,
    /// The reports; a document may carry several.
    pub reports: Vec<AccountReport>,
}

/// `Option<Decimal>` as an optional decimal string.
mod opt_decimal {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.collect_str(value),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "crate::money::decimal_string")] Decimal);
        Ok(Some(Wrapped::deserialize(deserializer)?.0))
    }
}

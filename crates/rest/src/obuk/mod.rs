//! `rest:open-banking-uk` (Read/Write API v4) and `rest:open-banking-uk-v3.1`: domestic
//! payments. A payment initiation is encoded as the consent request `OBWriteDomesticConsent4`
//! (or as the submission `OBWriteDomestic2` when the transfer carries its `Data.ConsentId`
//! extension); both, and both responses, decode.
//!
//! Mapping choices:
//! - `SchemeName`: `UK.OBIE.IBAN` ↔ IBAN, `UK.OBIE.BBAN` ↔ ISO `BBAN`, `UK.OBIE.PAN` ↔
//!   proprietary `PAN` (as in `rest:berlin-group`), any other name (`UK.OBIE.SortCodeAccountNumber`,
//!   `UK.OBIE.Paym`, ...) ↔ that proprietary scheme.
//! - An account's `Name` is the account owner's name: it becomes the account name and the
//!   party name; the creditor's name is written as `CreditorAccount.Name` when the account has
//!   none.
//! - Values the model has no field for, and which only Open Banking reads back, are kept in
//!   `extensions` under their Open Banking path: `Data.ConsentId`, `Data.ReadRefundAccount`,
//!   `Data.Authorisation` and `Data.SCASupportData` (JSON), `Risk` (JSON, without the purpose
//!   codes, which map to the canonical purpose and category purpose),
//!   `DebtorAccount.SecondaryIdentification`, `CreditorAccount.SecondaryIdentification`.
//! - Limits: Faster Payments reads 31 characters of `EndToEndIdentification` (longer ids are
//!   truncated and reported); v3.1's `RemittanceInformation.Reference` is 18 characters for
//!   Faster Payments and Bacs (truncated and reported); v3.1 carries one unstructured line.
//! - A domestic payment is one payment: of an initiation with more, the first transfer is
//!   written and every other one is reported as dropped.
//! - Bodies have no message id or creation time for a request: decoding one needs an
//!   [`HttpContext`]; encoding reports them as dropped.
//! - Responses: `OBWriteDomesticResponse5` (a payment, `DomesticPaymentId`) and
//!   `OBWriteDomesticConsentResponse5` (a consent, no payment id) decode to a status report and
//!   encode from one. The consent status maps one-to-one onto ISO payment statuses
//!   (`AWAU`/AwaitingAuthorisation ↔ `PDNG`, `AUTH` ↔ `ACTC`, `COND`/Consumed ↔ `ACSP`,
//!   `RJCT` ↔ `RJCT`). A response repeats the initiation, of which a status report holds the ids
//!   and the amount: the rest is kept as JSON in the `Data.Initiation` extension (and a
//!   consent's `Risk` in `Risk`), and encoding a response needs it. Error bodies are in
//!   [`crate::errors`].

pub(crate) mod errors;

use std::collections::BTreeMap;

use payglot_core_model::{
    Account, AccountId, AccountNumber, Agent, Bic, CodeOrProprietary, Codec, CountryCode, CreditTransfer,
    CreditorReferenceInfo, Currency, DateTime, DecodeError, DecodeLimits, Decoded, EncodeError, EncodeOptions, Encoded,
    EndToEndId, Format, GroupHeader, Iban, InstructionId, LocalInstrument, Location, Max35Text, Message, MessageId,
    Money, Party, PartyId, PaymentBatch, PaymentInfoId, PaymentInitiation, PaymentMethod, PaymentStatus, PaymentType,
    PostalAddress, Proxy, Remittance, StatusReason, StatusReasonInfo, StatusReport, StructuredRemittance, Text,
    TransactionStatus,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::HttpContext;
use crate::common::{Losses, TopKeys, invalid_at, single_payment, to_json, unrepresentable};
use crate::native::mapping::header_losses;

/// Which Read/Write API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObVersion {
    /// v3.1 (v3.1.11).
    V3_1,
    /// v4.0.
    V4,
}

/// The `rest:open-banking-uk` (v4) and `rest:open-banking-uk-v3.1` codec.
#[derive(Debug, Clone)]
pub struct RestOpenBankingUk {
    version: ObVersion,
    context: Option<HttpContext>,
}

impl RestOpenBankingUk {
    /// The v4 codec (`rest:open-banking-uk`).
    pub fn v4() -> Self {
        Self { version: ObVersion::V4, context: None }
    }

    /// The v3.1 codec (`rest:open-banking-uk-v3.1`).
    pub fn v3_1() -> Self {
        Self { version: ObVersion::V3_1, context: None }
    }

    /// A codec that gives decoded requests this message id and time.
    pub fn with_context(mut self, context: HttpContext) -> Self {
        self.context = Some(context);
        self
    }

    /// The version.
    pub fn version(&self) -> ObVersion {
        self.version
    }
}

impl Default for RestOpenBankingUk {
    fn default() -> Self {
        Self::v4()
    }
}

impl Codec for RestOpenBankingUk {
    fn format(&self) -> Format {
        match self.version {
            ObVersion::V4 => Format::REST_OPEN_BANKING_UK,
            ObVersion::V3_1 => Format::REST_OPEN_BANKING_UK_V3_1,
        }
    }

    fn decode(&self, input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        limits.check_size(input)?;
        let keys = TopKeys::probe_checked(input, limits)?;
        if keys.has("Errors") {
            return Err(DecodeError::unsupported(
                Location::default(),
                "an OBErrorResponse1: decode it with payglot_rest::errors::decode_error",
            ));
        }
        let document: Document = crate::common::from_slice_unique(input, limits)?;
        let mut losses = Losses::default();
        let message = if document.data.domestic_payment_id.is_some() || document.data.status.is_some() {
            Message::StatusReport(self.response_from_ob(document, &mut losses)?)
        } else {
            let context = self.context.as_ref().or(limits.transport.as_ref()).ok_or_else(|| {
                DecodeError::unsupported(
                    Location::default(),
                    "an Open Banking request carries no message id or creation time: give them as the transport \
                     context (CLI: --message-id and --created; library: DecodeLimits::with_transport or \
                     RestOpenBankingUk::with_context), e.g. from x-fapi-interaction-id and the time",
                )
            })?;
            Message::PaymentInitiation(self.request_from_ob(document, context, &mut losses)?)
        };
        Ok(Decoded { message, losses: losses.into_vec() })
    }

    fn encode(&self, message: &Message, opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        let mut losses = Losses::default();
        let bytes = match message {
            Message::PaymentInitiation(initiation) => self.encode_initiation(initiation, &mut losses)?,
            Message::StatusReport(report) => self.encode_response(report, &mut losses)?,
            other => {
                return Err(unrepresentable(
                    format!("/message/{}", other.kind()),
                    "Open Banking bodies are payment initiations and their responses (errors: errors::error_response)",
                ));
            }
        };
        Encoded { bytes, losses: losses.into_vec() }.check(opts.strictness)
    }
}

// ---- wire types ------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Document {
    data: Data,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    risk: Option<serde_json::Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    links: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    meta: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Data {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    domestic_payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    consent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    creation_date_time: Option<DateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status_update_date_time: Option<DateTime>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    status_reason: Vec<ObStatusReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cut_off_date_time: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expected_execution_date_time: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expected_settlement_date_time: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refund: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    charges: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    multi_authorisation: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    debtor: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    read_refund_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    initiation: Option<Initiation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    authorisation: Option<Value>,
    #[serde(default, rename = "SCASupportData", skip_serializing_if = "Option::is_none")]
    sca_support_data: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ObStatusReason {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status_reason_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status_reason_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Initiation {
    instruction_identification: InstructionId,
    end_to_end_identification: EndToEndId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    local_instrument: Option<Max35Text>,
    instructed_amount: ObAmount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    debtor_account: Option<ObAccount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    creditor_agent: Option<ObAgent>,
    creditor_account: ObAccount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    creditor_postal_address: Option<ObAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ultimate_creditor: Option<ObUltimate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ultimate_debtor: Option<ObUltimate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    regulatory_reporting: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remittance_information: Option<RemittanceField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    supplementary_data: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ObAmount {
    amount: String,
    currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ObAccount {
    scheme_name: Max35Text,
    identification: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secondary_identification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proxy: Option<ObProxy>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ObProxy {
    identification: Text<2048>,
    code: Text<4>,
    #[serde(default, rename = "Type", skip_serializing_if = "Option::is_none")]
    kind: Option<Max35Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ObAgent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scheme_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    identification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<Text<140>>,
    #[serde(default, rename = "LEI", skip_serializing_if = "Option::is_none")]
    lei: Option<payglot_core_model::Lei>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    postal_address: Option<ObAddress>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ObUltimate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<Text<140>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    identification: Option<String>,
    #[serde(default, rename = "LEI", skip_serializing_if = "Option::is_none")]
    lei: Option<payglot_core_model::Lei>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scheme_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    postal_address: Option<ObAddress>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ObAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    department: Option<Text<70>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sub_department: Option<Text<70>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    street_name: Option<Text<70>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    building_number: Option<Text<16>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    building_name: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    floor: Option<Text<70>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unit_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    room: Option<Text<70>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    post_box: Option<Text<16>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    town_location_name: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    district_name: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    care_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    post_code: Option<Text<16>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    town_name: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    country_sub_division: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    country: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    address_line: Vec<Text<70>>,
}

/// `RemittanceInformation`: read as JSON and mapped by version; written in the version's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum RemittanceField {
    Raw(Value),
    #[serde(skip_deserializing)]
    V3(RemittanceV3),
    #[serde(skip_deserializing)]
    V4(RemittanceV4),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct RemittanceV3 {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unstructured: Option<Text<140>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reference: Option<Max35Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct RemittanceV4 {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    structured: Vec<StructuredV4>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    unstructured: Vec<Text<140>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct StructuredV4 {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    referred_document_information: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    referred_document_amount: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    creditor_reference_information: Option<CreditorReferenceV4>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    invoicer: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    invoicee: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tax_remittance: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    additional_remittance_information: Vec<Text<140>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct CreditorReferenceV4 {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<Text<4>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issuer: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reference: Option<Max35Text>,
}

// ---- constants -------------------------------------------------------------------------------

const IBAN_SCHEME: &str = "UK.OBIE.IBAN";
const BBAN_SCHEME: &str = "UK.OBIE.BBAN";
const PAN_SCHEME: &str = "UK.OBIE.PAN";
const BICFI_SCHEME: &str = "UK.OBIE.BICFI";
/// Faster Payments reads this many characters of `EndToEndIdentification`.
const FPS_END_TO_END: usize = 31;
/// Faster Payments and Bacs read this many characters of v3.1's `Reference`.
const V31_REFERENCE: usize = 18;

const EXT_CONSENT_ID: &str = "Data.ConsentId";
const EXT_READ_REFUND: &str = "Data.ReadRefundAccount";
const EXT_AUTHORISATION: &str = "Data.Authorisation";
const EXT_SCA: &str = "Data.SCASupportData";
const EXT_RISK: &str = "Risk";
const EXT_DEBTOR_SECONDARY: &str = "DebtorAccount.SecondaryIdentification";
const EXT_CREDITOR_SECONDARY: &str = "CreditorAccount.SecondaryIdentification";
/// The repeated initiation of a response, less what a status report carries itself (JSON).
const EXT_INITIATION: &str = "Data.Initiation";
/// The initiation fields a status report carries itself.
const CARRIED_BY_REPORT: [&str; 3] = ["InstructionIdentification", "EndToEndIdentification", "InstructedAmount"];
/// Every extension key this dialect writes back.
const OWN_EXTENSIONS: &[&str] = &[
    EXT_CONSENT_ID,
    EXT_READ_REFUND,
    EXT_AUTHORISATION,
    EXT_SCA,
    EXT_RISK,
    EXT_DEBTOR_SECONDARY,
    EXT_CREDITOR_SECONDARY,
];

/// v3.1 `AddressType` words ↔ ISO address type codes (v4 uses the codes).
const ADDRESS_TYPES: &[(&str, &str)] = &[
    ("Business", "BIZZ"),
    ("Correspondence", "CORR"),
    ("DeliveryTo", "DLVY"),
    ("MailTo", "MLTO"),
    ("POBox", "PBOX"),
    ("Postal", "ADDR"),
    ("Residential", "HOME"),
    ("Statement", "STAT"),
];

/// v3.1 payment status words ↔ ISO codes.
const V31_STATUSES: &[(&str, &str)] = &[
    ("AcceptedCreditSettlementCompleted", "ACCC"),
    ("AcceptedSettlementCompleted", "ACSC"),
    ("AcceptedSettlementInProcess", "ACSP"),
    ("AcceptedWithoutPosting", "ACWP"),
    ("Pending", "PDNG"),
    ("Rejected", "RJCT"),
];

/// Consent statuses (`OBInternalConsentStatus1Code`): the v3.1 word, the v4 code, and the ISO
/// payment status a canonical status report gives it. The consent is the PSU's authorisation
/// of the payment: awaiting it, the payment is pending (`PDNG`); authorised, it has passed
/// authentication and validation (`ACTC`); consumed, a payment was submitted on it and accepted
/// for execution (`ACSP`); rejected is `RJCT`. The table is one-to-one, so encoding back is exact.
const CONSENT_STATUSES: &[(&str, &str, &str)] = &[
    ("AwaitingAuthorisation", "AWAU", "PDNG"),
    ("Authorised", "AUTH", "ACTC"),
    ("Consumed", "COND", "ACSP"),
    ("Rejected", "RJCT", "RJCT"),
];

/// Compact JSON with object keys in sorted order, whatever map type serde_json was built with.
fn json_text(value: &Value) -> String {
    serde_json::to_string(&sorted(value)).unwrap_or_default()
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let ordered: BTreeMap<&String, Value> = map.iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

// ---- decode ----------------------------------------------------------------------------------

impl RestOpenBankingUk {
    fn v4_only(&self, present: bool, path: &str) -> Result<(), DecodeError> {
        if present && self.version == ObVersion::V3_1 {
            let field = path.rsplit('/').next().unwrap_or(path);
            return Err(DecodeError::unknown_field(Location::path(path), field));
        }
        Ok(())
    }

    fn money_from_ob(&self, amount: &ObAmount, path: &str) -> Result<Money, DecodeError> {
        let (integer, fraction) = amount.amount.split_once('.').unwrap_or((&amount.amount, ""));
        let shape = !integer.is_empty()
            && integer.len() <= 13
            && fraction.len() <= 5
            && integer.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit())
            && !(amount.amount.contains('.') && fraction.is_empty());
        if !shape {
            return Err(DecodeError::invalid(
                Location::path(format!("{path}/Amount")),
                "amount must be 1 to 13 digits with up to 5 decimals (OBActiveCurrencyAndAmount_SimpleType)",
            ));
        }
        let value = payglot_core_model::money::parse_decimal(&amount.amount)
            .map_err(|e| invalid_at(format!("{path}/Amount"), &e))?;
        let currency = Currency::parse(&amount.currency).map_err(|e| invalid_at(format!("{path}/Currency"), &e))?;
        Money::new(value, currency).map_err(|e| invalid_at(format!("{path}/Amount"), &e))
    }

    fn account_from_ob(
        &self,
        account: ObAccount,
        path: &str,
        extension: &str,
        t: &mut CreditTransfer,
        losses: &mut Losses,
    ) -> Result<(Account, Option<Text<140>>), DecodeError> {
        self.v4_only(account.proxy.is_some(), &format!("{path}/Proxy"))?;
        let id_path = format!("{path}/Identification");
        let scheme = account.scheme_name.as_str();
        let id = if scheme == IBAN_SCHEME {
            AccountId::Iban(Iban::parse(&account.identification).map_err(|e| invalid_at(&id_path, &e))?)
        } else {
            let number = AccountNumber::parse(&account.identification).map_err(|e| invalid_at(&id_path, &e))?;
            let scheme = match scheme {
                BBAN_SCHEME => CodeOrProprietary::Code(
                    payglot_core_model::AccountScheme::parse("BBAN").map_err(|e| invalid_at(path, &e))?,
                ),
                PAN_SCHEME => CodeOrProprietary::Proprietary(Max35Text::new("PAN").map_err(|e| invalid_at(path, &e))?),
                _ => CodeOrProprietary::Proprietary(account.scheme_name.clone()),
            };
            AccountId::Other { id: number, scheme: Some(scheme), issuer: None }
        };
        let (account_name, party_name) = match &account.name {
            Some(name) => {
                let name_path = format!("{path}/Name");
                let (short, cut) =
                    Text::<350>::new(name.as_str()).map_err(|e| invalid_at(&name_path, &e))?.truncate::<70>();
                if cut {
                    losses.truncated(&name_path, "account name longer than 70 characters");
                }
                let (party, cut) =
                    Text::<350>::new(name.as_str()).map_err(|e| invalid_at(&name_path, &e))?.truncate::<140>();
                if cut {
                    losses.truncated(&name_path, "name longer than 140 characters");
                }
                (Some(short), Some(party))
            }
            None => (None, None),
        };
        if let Some(secondary) = account.secondary_identification {
            t.extensions.insert(extension.to_owned(), secondary);
        }
        let proxy = account.proxy.map(|p| {
            if p.kind.is_some() {
                losses.dropped(format!("{path}/Proxy/Type"), "the proxy type name");
            }
            Proxy { kind: Some(CodeOrProprietary::Code(p.code)), id: p.identification }
        });
        Ok((Account { id: Some(id), account_type: None, currency: None, name: account_name, proxy }, party_name))
    }

    fn address_from_ob(
        &self,
        address: ObAddress,
        path: &str,
        losses: &mut Losses,
    ) -> Result<PostalAddress, DecodeError> {
        for (field, present) in [
            ("BuildingName", address.building_name.is_some()),
            ("Floor", address.floor.is_some()),
            ("UnitNumber", address.unit_number.is_some()),
            ("Room", address.room.is_some()),
            ("PostBox", address.post_box.is_some()),
            ("TownLocationName", address.town_location_name.is_some()),
            ("DistrictName", address.district_name.is_some()),
            ("CareOf", address.care_of.is_some()),
        ] {
            self.v4_only(present, &format!("{path}/{field}"))?;
        }
        if address.unit_number.is_some() {
            losses.dropped(format!("{path}/UnitNumber"), "the canonical address has no unit number");
        }
        if address.care_of.is_some() {
            losses.dropped(format!("{path}/CareOf"), "the canonical address has no care-of");
        }
        let address_type = match address.address_type.as_deref() {
            None => None,
            Some(word) if self.version == ObVersion::V3_1 => {
                let code = ADDRESS_TYPES.iter().find(|(w, _)| *w == word).map(|(_, c)| *c).ok_or_else(|| {
                    DecodeError::invalid(
                        Location::path(format!("{path}/AddressType")),
                        format!("unknown address type {word:?}"),
                    )
                })?;
                Some(CodeOrProprietary::Code(Text::new(code).map_err(|e| invalid_at(path, &e))?))
            }
            Some(code) => Some(CodeOrProprietary::Code(
                Text::new(code).map_err(|e| invalid_at(format!("{path}/AddressType"), &e))?,
            )),
        };
        Ok(PostalAddress {
            address_type,
            department: address.department,
            sub_department: address.sub_department,
            street_name: address.street_name,
            building_number: address.building_number,
            building_name: address.building_name,
            floor: address.floor,
            post_box: address.post_box,
            room: address.room,
            post_code: address.post_code,
            town_name: address.town_name,
            town_location_name: address.town_location_name,
            district_name: address.district_name,
            country_sub_division: address.country_sub_division,
            country: address.country,
            address_lines: address.address_line,
        })
    }

    fn ultimate_from_ob(&self, ultimate: ObUltimate, path: &str, losses: &mut Losses) -> Result<Party, DecodeError> {
        if ultimate.identification.is_some() || ultimate.scheme_name.is_some() {
            losses.dropped(format!("{path}/Identification"), "an ultimate party's account-style identification");
        }
        Ok(Party {
            name: ultimate.name,
            postal_address: ultimate
                .postal_address
                .map(|a| self.address_from_ob(a, &format!("{path}/PostalAddress"), losses))
                .transpose()?,
            id: ultimate.lei.map(|lei| PartyId::Organisation { any_bic: None, lei: Some(lei), others: Vec::new() }),
            country_of_residence: None,
            contact: None,
        })
    }

    fn remittance_from_ob(
        &self,
        field: RemittanceField,
        path: &str,
        losses: &mut Losses,
    ) -> Result<Option<Remittance>, DecodeError> {
        let value = match field {
            RemittanceField::Raw(value) => value,
            RemittanceField::V3(v3) => serde_json::to_value(v3).unwrap_or_default(),
            RemittanceField::V4(v4) => serde_json::to_value(v4).unwrap_or_default(),
        };
        let mut remittance = Remittance::default();
        match self.version {
            ObVersion::V3_1 => {
                let r: RemittanceV3 = serde_json::from_value(value)
                    .map_err(|e| DecodeError::invalid(Location::path(path), e.to_string()))?;
                remittance.unstructured.extend(r.unstructured);
                if let Some(reference) = r.reference {
                    remittance.structured.push(StructuredRemittance {
                        creditor_reference: Some(CreditorReferenceInfo {
                            kind: None,
                            issuer: None,
                            reference: Some(reference),
                        }),
                        ..StructuredRemittance::default()
                    });
                }
            }
            ObVersion::V4 => {
                let r: RemittanceV4 = serde_json::from_value(value)
                    .map_err(|e| DecodeError::invalid(Location::path(path), e.to_string()))?;
                remittance.unstructured = r.unstructured;
                for (i, block) in r.structured.into_iter().enumerate() {
                    let p = format!("{path}/Structured/{i}");
                    for (field, present) in [
                        ("ReferredDocumentInformation", !block.referred_document_information.is_empty()),
                        ("ReferredDocumentAmount", block.referred_document_amount.is_some()),
                        ("Invoicer", block.invoicer.is_some()),
                        ("Invoicee", block.invoicee.is_some()),
                        ("TaxRemittance", block.tax_remittance.is_some()),
                    ] {
                        if present {
                            losses.dropped(format!("{p}/{field}"), "structured remittance detail not mapped yet");
                        }
                    }
                    remittance.structured.push(StructuredRemittance {
                        creditor_reference: block.creditor_reference_information.map(|c| CreditorReferenceInfo {
                            kind: c.code.map(CodeOrProprietary::Code),
                            issuer: c.issuer,
                            reference: c.reference,
                        }),
                        additional_info: block.additional_remittance_information,
                        ..StructuredRemittance::default()
                    });
                }
            }
        }
        Ok((!remittance.is_empty()).then_some(remittance))
    }

    fn transfer_from_ob(
        &self,
        data: &mut Data,
        risk: Option<serde_json::Map<String, Value>>,
        losses: &mut Losses,
    ) -> Result<CreditTransfer, DecodeError> {
        let init =
            data.initiation.take().ok_or_else(|| DecodeError::missing_field(Location::path("/Data"), "Initiation"))?;
        let base = "/Data/Initiation";
        let amount = self.money_from_ob(&init.instructed_amount, &format!("{base}/InstructedAmount"))?;
        let mut t = CreditTransfer::new(init.end_to_end_identification, amount, Party::default(), Party::default());
        t.ids.instruction_id = Some(init.instruction_identification);
        if let Some(debtor) = init.debtor_account {
            let (account, name) =
                self.account_from_ob(debtor, &format!("{base}/DebtorAccount"), EXT_DEBTOR_SECONDARY, &mut t, losses)?;
            t.debtor_account = Some(account);
            t.debtor.name = name;
        }
        let (account, name) = self.account_from_ob(
            init.creditor_account,
            &format!("{base}/CreditorAccount"),
            EXT_CREDITOR_SECONDARY,
            &mut t,
            losses,
        )?;
        t.creditor_account = Some(account);
        t.creditor.name = name;
        t.payment_type = init.local_instrument.map(|instrument| PaymentType {
            local_instrument: Some(match LocalInstrument::parse(instrument.as_str()) {
                Ok(code) => CodeOrProprietary::Code(code),
                Err(_) => CodeOrProprietary::Proprietary(instrument),
            }),
            ..PaymentType::default()
        });
        self.v4_only(init.creditor_agent.is_some(), &format!("{base}/CreditorAgent"))?;
        if let Some(agent) = init.creditor_agent {
            let p = format!("{base}/CreditorAgent");
            let bic = match (agent.scheme_name.as_deref(), agent.identification.as_deref()) {
                (Some(BICFI_SCHEME), Some(id)) => {
                    Some(Bic::parse(id).map_err(|e| invalid_at(format!("{p}/Identification"), &e))?)
                }
                (None, None) => None,
                _ => {
                    losses.dropped(format!("{p}/Identification"), "an agent identification other than UK.OBIE.BICFI");
                    None
                }
            };
            t.creditor_agent = Some(Agent {
                bic,
                name: agent.name,
                lei: agent.lei,
                postal_address: agent
                    .postal_address
                    .map(|a| self.address_from_ob(a, &format!("{p}/PostalAddress"), losses))
                    .transpose()?,
                ..Agent::default()
            });
        }
        if let Some(address) = init.creditor_postal_address {
            t.creditor.postal_address =
                Some(self.address_from_ob(address, &format!("{base}/CreditorPostalAddress"), losses)?);
        }
        self.v4_only(init.ultimate_creditor.is_some(), &format!("{base}/UltimateCreditor"))?;
        self.v4_only(init.ultimate_debtor.is_some(), &format!("{base}/UltimateDebtor"))?;
        self.v4_only(init.regulatory_reporting.is_some(), &format!("{base}/RegulatoryReporting"))?;
        t.ultimate_creditor = init
            .ultimate_creditor
            .map(|u| self.ultimate_from_ob(u, &format!("{base}/UltimateCreditor"), losses))
            .transpose()?;
        t.ultimate_debtor = init
            .ultimate_debtor
            .map(|u| self.ultimate_from_ob(u, &format!("{base}/UltimateDebtor"), losses))
            .transpose()?;
        if init.regulatory_reporting.is_some() {
            losses.dropped(format!("{base}/RegulatoryReporting"), "regulatory reporting is not mapped yet");
        }
        if init.supplementary_data.is_some() {
            losses.dropped(format!("{base}/SupplementaryData"), "supplementary data");
        }
        if let Some(remittance) = init.remittance_information {
            t.remittance = self.remittance_from_ob(remittance, &format!("{base}/RemittanceInformation"), losses)?;
        }
        if let Some(id) = data.consent_id.take() {
            t.extensions.insert(EXT_CONSENT_ID.to_owned(), id);
        }
        if let Some(read) = data.read_refund_account.take() {
            t.extensions.insert(EXT_READ_REFUND.to_owned(), read);
        }
        if let Some(authorisation) = data.authorisation.take() {
            t.extensions.insert(EXT_AUTHORISATION.to_owned(), json_text(&authorisation));
        }
        if let Some(sca) = data.sca_support_data.take() {
            t.extensions.insert(EXT_SCA.to_owned(), json_text(&sca));
        }
        if let Some(mut risk) = risk {
            if let Some(purpose) = risk.remove("PaymentPurposeCode") {
                let text = purpose.as_str().unwrap_or_default();
                let code =
                    payglot_core_model::Purpose::parse(text).map_err(|e| invalid_at("/Risk/PaymentPurposeCode", &e))?;
                t.purpose = Some(CodeOrProprietary::Code(code));
            }
            if let Some(category) = risk.remove("CategoryPurposeCode") {
                self.v4_only(true, "/Risk/CategoryPurposeCode")?;
                let text = category.as_str().unwrap_or_default();
                let code = payglot_core_model::CategoryPurpose::parse(text)
                    .map_err(|e| invalid_at("/Risk/CategoryPurposeCode", &e))?;
                t.payment_type.get_or_insert_with(PaymentType::default).category_purpose =
                    Some(CodeOrProprietary::Code(code));
            }
            if !risk.is_empty() {
                t.extensions.insert(EXT_RISK.to_owned(), json_text(&Value::Object(risk)));
            }
        }
        Ok(t)
    }

    fn request_from_ob(
        &self,
        mut document: Document,
        context: &HttpContext,
        losses: &mut Losses,
    ) -> Result<PaymentInitiation, DecodeError> {
        let risk = document.risk.take().ok_or_else(|| DecodeError::missing_field(Location::default(), "Risk"))?;
        for (field, present) in [("Links", document.links.is_some()), ("Meta", document.meta.is_some())] {
            if present {
                return Err(DecodeError::unknown_field(Location::default(), field));
            }
        }
        let transfer = self.transfer_from_ob(&mut document.data, Some(risk), losses)?;
        let batch_id = PaymentInfoId::new(context.message_id.as_str()).map_err(|e| invalid_at("", &e))?;
        Ok(PaymentInitiation {
            header: GroupHeader::new(context.message_id.clone(), context.time),
            batches: vec![PaymentBatch {
                id: batch_id,
                method: PaymentMethod::Transfer,
                batch_booking: None,
                transfers: vec![transfer],
            }],
        })
    }

    /// `OBWriteDomesticResponse5` (a payment: `DomesticPaymentId`) or
    /// `OBWriteDomesticConsentResponse5` (a consent: no payment id yet) as a status report.
    fn response_from_ob(&self, mut document: Document, losses: &mut Losses) -> Result<StatusReport, DecodeError> {
        let consent = document.data.domestic_payment_id.is_none();
        // The repeated initiation, less what the status report carries, and the consent's Risk
        // are kept as JSON so that the response can be written again.
        let mut initiation = match document.data.initiation.as_ref().map(serde_json::to_value) {
            Some(Ok(Value::Object(map))) => map,
            _ => return Err(DecodeError::missing_field(Location::path("/Data"), "Initiation")),
        };
        for field in CARRIED_BY_REPORT {
            initiation.remove(field);
        }
        let risk_text = document.risk.as_ref().map(|risk| json_text(&Value::Object(risk.clone())));
        let data = &mut document.data;
        let (id_text, id_field) = if consent {
            (data.consent_id.clone(), "ConsentId")
        } else {
            (data.domestic_payment_id.clone(), "DomesticPaymentId")
        };
        let id_text = id_text.ok_or_else(|| DecodeError::missing_field(Location::path("/Data"), id_field))?;
        // A ConsentId may run to 128 characters: the message id keeps the first 35, the whole
        // id stays in the `Data.ConsentId` extension.
        let short: String = id_text.chars().take(35).collect();
        let id = Max35Text::new(if consent { short.as_str() } else { id_text.as_str() })
            .map_err(|e| invalid_at(format!("/Data/{id_field}"), &e))?;
        let status_text =
            data.status.clone().ok_or_else(|| DecodeError::missing_field(Location::path("/Data"), "Status"))?;
        let status = match self.version {
            _ if consent => {
                let iso = CONSENT_STATUSES
                    .iter()
                    .find(|(word, code, _)| match self.version {
                        ObVersion::V4 => *code == status_text,
                        ObVersion::V3_1 => *word == status_text,
                    })
                    .map(|(_, _, iso)| *iso)
                    .ok_or_else(|| {
                        DecodeError::invalid(
                            Location::path("/Data/Status"),
                            format!("unknown consent status {status_text:?}"),
                        )
                    })?;
                PaymentStatus::parse(iso).map_err(|e| invalid_at("/Data/Status", &e))?
            }
            ObVersion::V4 => PaymentStatus::parse(&status_text).map_err(|e| invalid_at("/Data/Status", &e))?,
            ObVersion::V3_1 => {
                let code = V31_STATUSES.iter().find(|(w, _)| *w == status_text).map(|(_, c)| *c).ok_or_else(|| {
                    DecodeError::invalid(Location::path("/Data/Status"), format!("unknown v3.1 status {status_text:?}"))
                })?;
                PaymentStatus::parse(code).map_err(|e| invalid_at("/Data/Status", &e))?
            }
        };
        let updated = data
            .status_update_date_time
            .ok_or_else(|| DecodeError::missing_field(Location::path("/Data"), "StatusUpdateDateTime"))?;
        self.v4_only(!data.status_reason.is_empty(), "/Data/StatusReason")?;
        let mut reasons = Vec::new();
        for (i, reason) in data.status_reason.iter().enumerate() {
            let p = format!("/Data/StatusReason/{i}");
            if reason.path.is_some() {
                losses.dropped(format!("{p}/Path"), "the path a status reason refers to");
            }
            let code = reason.status_reason_code.as_deref().map(|code| match StatusReason::parse(code) {
                Ok(iso) if iso.is_known() => Ok(CodeOrProprietary::Code(iso)),
                _ => Max35Text::new(code)
                    .map(CodeOrProprietary::Proprietary)
                    .map_err(|e| invalid_at(format!("{p}/StatusReasonCode"), &e)),
            });
            reasons.push(StatusReasonInfo {
                originator: None,
                reason: code.transpose()?,
                mapped_reason: None,
                additional_info: match &reason.status_reason_description {
                    Some(text) => crate::berlin::errors::chunks(text, &format!("{p}/StatusReasonDescription"))?,
                    None => Vec::new(),
                },
            });
        }
        for (field, present) in [
            ("CutOffDateTime", data.cut_off_date_time.is_some()),
            ("ExpectedExecutionDateTime", data.expected_execution_date_time.is_some()),
            ("ExpectedSettlementDateTime", data.expected_settlement_date_time.is_some()),
            ("Refund", data.refund.is_some()),
            ("Charges", data.charges.is_some()),
            ("MultiAuthorisation", data.multi_authorisation.is_some()),
            ("Debtor", data.debtor.is_some()),
        ] {
            if present {
                losses.dropped(format!("/Data/{field}"), "not carried by a canonical status report");
            }
        }
        if document.links.is_some() {
            losses.dropped("/Links", "response links");
        }
        if document.meta.is_some() {
            losses.dropped("/Meta", "response metadata");
        }
        let acceptance = data.creation_date_time;
        let risk = document.risk.take();
        // Decoded in full to validate the repeated initiation; the status report keeps its ids
        // and amount, the `Data.Initiation` extension the rest.
        let t = self.transfer_from_ob(&mut document.data, risk, &mut Losses::default())?;
        let mut extensions = BTreeMap::new();
        if let Some(consent) = t.extensions.get(EXT_CONSENT_ID) {
            extensions.insert(EXT_CONSENT_ID.to_owned(), consent.clone());
        }
        extensions.insert(EXT_INITIATION.to_owned(), json_text(&Value::Object(initiation)));
        if let Some(risk) = risk_text {
            extensions.insert(EXT_RISK.to_owned(), risk);
        }
        // Kept above as the initiation and the Risk JSON.
        let in_initiation = [EXT_CONSENT_ID, EXT_RISK, EXT_DEBTOR_SECONDARY, EXT_CREDITOR_SECONDARY];
        for key in t.extensions.keys().filter(|k| !in_initiation.contains(&k.as_str())) {
            losses.dropped(format!("/{}", key.replace('.', "/")), "not carried by a canonical status report");
        }
        let transaction = TransactionStatus {
            status_id: (!consent).then(|| id.clone()),
            original_instruction_id: t.ids.instruction_id.clone(),
            original_end_to_end_id: Some(t.ids.end_to_end_id.clone()),
            original_transaction_id: None,
            original_uetr: None,
            status: Some(status),
            reasons,
            acceptance_time: acceptance,
            original_amount: t.instructed_amount,
            original_requested_execution: None,
            extensions,
        };
        Ok(StatusReport {
            header: GroupHeader::new(MessageId::from(id), updated),
            original_groups: Vec::new(),
            payment_infos: Vec::new(),
            transactions: vec![transaction],
        })
    }
}

// ---- encode ----------------------------------------------------------------------------------

impl RestOpenBankingUk {
    fn label(&self) -> &'static str {
        match self.version {
            ObVersion::V4 => "rest:open-banking-uk",
            ObVersion::V3_1 => "rest:open-banking-uk-v3.1",
        }
    }

    fn money_to_ob(&self, money: &Money, path: &str) -> Result<ObAmount, EncodeError> {
        let text = money.amount().to_string();
        let (integer, fraction) = text.split_once('.').unwrap_or((&text, ""));
        if integer.len() > 13 || fraction.len() > 5 {
            return Err(unrepresentable(
                path,
                format!("{money} has more than 13 integer digits, which Open Banking cannot carry"),
            ));
        }
        Ok(ObAmount { amount: text, currency: money.currency().code().to_owned() })
    }

    fn account_to_ob(
        &self,
        account: &Account,
        party_name: Option<&Text<140>>,
        path: &str,
        secondary: Option<&String>,
        losses: &mut Losses,
    ) -> Result<ObAccount, EncodeError> {
        losses.drop_if(account.account_type.is_some(), path, "account_type", "no account type in Open Banking");
        losses.drop_if(account.currency.is_some(), path, "currency", "no account currency in Open Banking");
        let (scheme, identification) = match &account.id {
            Some(AccountId::Iban(iban)) => (IBAN_SCHEME.to_owned(), iban.expose().to_owned()),
            Some(AccountId::Other { id, scheme, issuer }) => {
                losses.drop_if(
                    issuer.is_some(),
                    format!("{path}/id/other"),
                    "issuer",
                    "no account id issuer in Open Banking",
                );
                let scheme = match scheme {
                    Some(CodeOrProprietary::Code(code)) if code.as_str() == "BBAN" => BBAN_SCHEME.to_owned(),
                    Some(CodeOrProprietary::Proprietary(name)) if name.as_str() == "PAN" => PAN_SCHEME.to_owned(),
                    Some(CodeOrProprietary::Proprietary(name)) if name.as_str().starts_with("UK.") => {
                        name.as_str().to_owned()
                    }
                    _ => {
                        losses.approximated(
                            format!("{path}/id/other/scheme"),
                            "an account scheme Open Banking lacks: written as UK.OBIE.BBAN",
                        );
                        BBAN_SCHEME.to_owned()
                    }
                };
                (scheme, id.expose().to_owned())
            }
            None => {
                return Err(unrepresentable(format!("{path}/id"), "Open Banking requires an account identification"));
            }
        };
        let proxy = match &account.proxy {
            Some(proxy) if self.version == ObVersion::V4 => match &proxy.kind {
                Some(CodeOrProprietary::Code(code)) => {
                    Some(ObProxy { identification: proxy.id.clone(), code: code.clone(), kind: None })
                }
                _ => {
                    losses.dropped(format!("{path}/proxy"), "a proxy without an ISO proxy type");
                    None
                }
            },
            Some(_) => {
                losses.dropped(format!("{path}/proxy"), "no account proxy in Open Banking v3.1");
                None
            }
            None => None,
        };
        let name = match (&account.name, party_name) {
            (Some(name), Some(party)) if party.as_str() != name.as_str() => {
                losses.dropped(
                    format!("{path}/name"),
                    "an account name other than the party's name (Open Banking has one Name)",
                );
                Some(party.as_str().to_owned())
            }
            (Some(name), _) => Some(name.as_str().to_owned()),
            (None, Some(party)) => {
                losses.approximated(format!("{path}/name"), "the party's name written as the account name");
                Some(party.as_str().to_owned())
            }
            (None, None) => None,
        };
        Ok(ObAccount {
            scheme_name: Max35Text::new(scheme).map_err(|e| unrepresentable(path, e.to_string()))?,
            identification,
            name,
            secondary_identification: secondary.cloned(),
            proxy,
        })
    }

    fn address_to_ob(&self, address: &PostalAddress, path: &str, losses: &mut Losses) -> ObAddress {
        let v4 = self.version == ObVersion::V4;
        let address_type = address.address_type.as_ref().and_then(|kind| match kind {
            CodeOrProprietary::Code(code) if v4 => Some(code.as_str().to_owned()),
            CodeOrProprietary::Code(code) => {
                let word = ADDRESS_TYPES.iter().find(|(_, c)| *c == code.as_str()).map(|(w, _)| (*w).to_owned());
                if word.is_none() {
                    losses.dropped(format!("{path}/address_type"), "an address type v3.1 lacks");
                }
                word
            }
            CodeOrProprietary::Proprietary(_) => {
                losses.dropped(format!("{path}/address_type"), "a proprietary address type");
                None
            }
        });
        let mut keep_v4 = |present: bool, field: &str| {
            if present && !v4 {
                losses.dropped(format!("{path}/{field}"), "not in Open Banking v3.1's address");
            }
            v4
        };
        ObAddress {
            address_type,
            department: address.department.clone(),
            sub_department: address.sub_department.clone(),
            street_name: address.street_name.clone(),
            building_number: address.building_number.clone(),
            building_name: address.building_name.clone().filter(|_| keep_v4(true, "building_name")),
            floor: address.floor.clone().filter(|_| keep_v4(true, "floor")),
            unit_number: None,
            room: address.room.clone().filter(|_| keep_v4(true, "room")),
            post_box: address.post_box.clone().filter(|_| keep_v4(true, "post_box")),
            town_location_name: address.town_location_name.clone().filter(|_| keep_v4(true, "town_location_name")),
            district_name: address.district_name.clone().filter(|_| keep_v4(true, "district_name")),
            care_of: None,
            post_code: address.post_code.clone(),
            town_name: address.town_name.clone(),
            country_sub_division: address.country_sub_division.clone(),
            country: address.country,
            address_line: address.address_lines.clone(),
        }
    }

    fn party_losses(&self, party: &Party, path: &str, losses: &mut Losses, keep_lei: bool) {
        match &party.id {
            Some(PartyId::Organisation { any_bic: None, lei: Some(_), others }) if keep_lei && others.is_empty() => {}
            Some(_) => losses.dropped(format!("{path}/id"), "no party identification in Open Banking"),
            None => {}
        }
        losses.drop_if(party.contact.is_some(), path, "contact", "no contact details in Open Banking");
        losses.drop_if(
            party.country_of_residence.is_some(),
            path,
            "country_of_residence",
            "no country of residence in Open Banking",
        );
    }

    fn ultimate_to_ob(&self, party: Option<&Party>, path: &str, losses: &mut Losses) -> Option<ObUltimate> {
        let party = party?;
        if self.version == ObVersion::V3_1 {
            losses.dropped(path, "no ultimate parties in Open Banking v3.1");
            return None;
        }
        self.party_losses(party, path, losses, true);
        let lei = match &party.id {
            Some(PartyId::Organisation { lei, .. }) => lei.clone(),
            _ => None,
        };
        Some(ObUltimate {
            name: party.name.clone(),
            identification: None,
            lei,
            scheme_name: None,
            postal_address: party
                .postal_address
                .as_ref()
                .map(|a| self.address_to_ob(a, &format!("{path}/postal_address"), losses)),
        })
    }

    fn remittance_to_ob(
        &self,
        remittance: &Remittance,
        path: &str,
        losses: &mut Losses,
    ) -> Result<Option<RemittanceField>, EncodeError> {
        let value = match self.version {
            ObVersion::V3_1 => {
                let mut lines = remittance.unstructured.iter();
                let unstructured = lines.next().cloned();
                for (i, _) in lines.enumerate() {
                    losses.dropped(
                        format!("{path}/unstructured/{}", i + 1),
                        "Open Banking v3.1 carries one unstructured line",
                    );
                }
                let mut reference = None;
                for (i, block) in remittance.structured.iter().enumerate() {
                    let p = format!("{path}/structured/{i}");
                    let only_reference = StructuredRemittance {
                        creditor_reference: block.creditor_reference.as_ref().map(|c| CreditorReferenceInfo {
                            reference: c.reference.clone(),
                            kind: None,
                            issuer: None,
                        }),
                        ..StructuredRemittance::default()
                    };
                    match block.creditor_reference.as_ref().and_then(|c| c.reference.as_ref()) {
                        Some(r) if i == 0 => {
                            if *block != only_reference {
                                losses.dropped(
                                    &p,
                                    "structured remittance beyond the creditor reference (v3.1 has a Reference only)",
                                );
                            }
                            let (short, cut) = r.truncate::<V31_REFERENCE>();
                            if cut {
                                losses.truncated(
                                    format!("{p}/creditor_reference/reference"),
                                    "Faster Payments and Bacs read 18 characters of Reference",
                                );
                            }
                            reference = Max35Text::new(short.as_str()).ok();
                        }
                        _ => losses.dropped(&p, "Open Banking v3.1 carries one reference"),
                    }
                }
                RemittanceField::V3(RemittanceV3 { unstructured, reference })
            }
            ObVersion::V4 => {
                let mut structured = Vec::new();
                for (i, block) in remittance.structured.iter().enumerate() {
                    let p = format!("{path}/structured/{i}");
                    let carried = StructuredRemittance {
                        creditor_reference: block.creditor_reference.clone(),
                        additional_info: block.additional_info.clone(),
                        ..StructuredRemittance::default()
                    };
                    if *block != carried {
                        losses.dropped(
                            &p,
                            "structured remittance beyond creditor reference and additional lines (not mapped yet)",
                        );
                    }
                    let creditor_reference_information =
                        block.creditor_reference.as_ref().map(|c| CreditorReferenceV4 {
                            code: match &c.kind {
                                Some(CodeOrProprietary::Code(code)) => Some(code.clone()),
                                Some(CodeOrProprietary::Proprietary(_)) => {
                                    losses.dropped(
                                        format!("{p}/creditor_reference/kind"),
                                        "a proprietary reference type",
                                    );
                                    None
                                }
                                None => None,
                            },
                            issuer: c.issuer.clone(),
                            reference: c.reference.clone(),
                        });
                    structured.push(StructuredV4 {
                        creditor_reference_information,
                        additional_remittance_information: block.additional_info.clone(),
                        ..StructuredV4::default()
                    });
                }
                RemittanceField::V4(RemittanceV4 { structured, unstructured: remittance.unstructured.clone() })
            }
        };
        Ok(Some(value))
    }

    /// A status report as `OBWriteDomesticResponse5` (the transaction has a payment id) or as
    /// `OBWriteDomesticConsentResponse5` (it has none: the consent's status). Both repeat the
    /// initiation, which a status report holds only in part: the rest must come from the
    /// `Data.Initiation` extension a decoded response keeps.
    fn encode_response(&self, report: &StatusReport, losses: &mut Losses) -> Result<Vec<u8>, EncodeError> {
        let base = "/message/status_report";
        header_losses(&report.header, &format!("{base}/header"), losses);
        losses.drop_if(!report.original_groups.is_empty(), base, "original_groups", "no group status in Open Banking");
        losses.drop_if(!report.payment_infos.is_empty(), base, "payment_infos", "no batch status in Open Banking");
        let (t, rest) = report.transactions.split_first().ok_or_else(|| {
            unrepresentable(format!("{base}/transactions"), "an Open Banking response is one payment's status")
        })?;
        for (i, _) in rest.iter().enumerate() {
            losses
                .dropped(format!("{base}/transactions/{}", i + 1), "an Open Banking response is one payment's status");
        }
        let path = format!("{base}/transactions/0");
        let consent = t.status_id.is_none();
        let consent_id = t.extensions.get(EXT_CONSENT_ID).cloned().ok_or_else(|| {
            unrepresentable(format!("{path}/extensions/Data.ConsentId"), "an Open Banking response needs its ConsentId")
        })?;
        let own_id = t.status_id.as_ref().map_or(consent_id.as_str(), |id| id.as_str());
        if !own_id.starts_with(report.header.message_id.as_str()) {
            losses.dropped(format!("{base}/header/message_id"), "a message id other than the response's own id");
        }
        let status = t
            .status
            .as_ref()
            .ok_or_else(|| unrepresentable(format!("{path}/status"), "an Open Banking response needs a status"))?;
        let status_text = if consent {
            let (word, code, _) =
                CONSENT_STATUSES.iter().find(|(_, _, iso)| *iso == status.as_str()).ok_or_else(|| {
                    unrepresentable(
                        format!("{path}/status"),
                        format!("{status} is not a consent status (PDNG, ACTC, ACSP, RJCT)"),
                    )
                })?;
            match self.version {
                ObVersion::V4 => (*code).to_owned(),
                ObVersion::V3_1 => (*word).to_owned(),
            }
        } else {
            match self.version {
                ObVersion::V4 => status.as_str().to_owned(),
                ObVersion::V3_1 => V31_STATUSES
                    .iter()
                    .find(|(_, code)| *code == status.as_str())
                    .map(|(word, _)| (*word).to_owned())
                    .ok_or_else(|| {
                        unrepresentable(format!("{path}/status"), format!("{status} has no v3.1 status word"))
                    })?,
            }
        };
        let created = t.acceptance_time.ok_or_else(|| {
            unrepresentable(format!("{path}/acceptance_time"), "an Open Banking response needs its CreationDateTime")
        })?;
        let mut status_reason = Vec::new();
        for (i, reason) in t.reasons.iter().enumerate() {
            let rp = format!("{path}/reasons/{i}");
            if self.version == ObVersion::V3_1 {
                losses.dropped(rp, "v3.1 responses carry no status reason");
                continue;
            }
            losses.drop_if(reason.originator.is_some(), &rp, "originator", "no status originator in Open Banking");
            losses.drop_if(reason.mapped_reason.is_some(), &rp, "mapped_reason", "one reason code in Open Banking");
            let code = match &reason.reason {
                Some(CodeOrProprietary::Code(code)) => Some(code.as_str().to_owned()),
                Some(CodeOrProprietary::Proprietary(own)) if own.as_str().chars().count() <= 4 => {
                    Some(own.as_str().to_owned())
                }
                Some(CodeOrProprietary::Proprietary(_)) => {
                    losses.dropped(format!("{rp}/reason"), "a reason code longer than Open Banking's 4 characters");
                    None
                }
                None => None,
            };
            let mut description = crate::berlin::errors::unchunk(&reason.additional_info);
            if let Some(text) = description.as_mut().filter(|d| d.chars().count() > 500) {
                *text = text.chars().take(500).collect();
                losses.truncated(format!("{rp}/additional_info"), "StatusReasonDescription is 500 characters");
            }
            status_reason.push(ObStatusReason {
                status_reason_code: code,
                status_reason_description: description,
                path: None,
            });
        }
        for (field, present) in [
            ("original_transaction_id", t.original_transaction_id.is_some()),
            ("original_uetr", t.original_uetr.is_some()),
            ("original_requested_execution", t.original_requested_execution.is_some()),
        ] {
            losses.drop_if(present, &path, field, "not carried by an Open Banking response");
        }
        for key in t.extensions.keys().filter(|k| ![EXT_CONSENT_ID, EXT_INITIATION, EXT_RISK].contains(&k.as_str())) {
            losses.dropped(
                format!("{path}/extensions/{}", crate::common::pointer_segment(key)),
                "an extension an Open Banking response does not carry",
            );
        }
        // The repeated initiation: the kept remainder, with the ids and amount of the report.
        let mut initiation = match t.extensions.get(EXT_INITIATION).map(|text| serde_json::from_str::<Value>(text)) {
            Some(Ok(Value::Object(map))) => map,
            _ => {
                return Err(unrepresentable(
                    format!("{path}/extensions/Data.Initiation"),
                    "an Open Banking response repeats the initiation (CreditorAccount, ...), which a canonical \
                     status report holds only in its Data.Initiation extension",
                ));
            }
        };
        let required = |value: Option<&str>, field: &str| {
            value.map(|v| Value::String(v.to_owned())).ok_or_else(|| {
                unrepresentable(format!("{path}/{field}"), "an Open Banking response repeats this initiation field")
            })
        };
        initiation.insert(
            "InstructionIdentification".to_owned(),
            required(t.original_instruction_id.as_ref().map(|v| v.as_str()), "original_instruction_id")?,
        );
        initiation.insert(
            "EndToEndIdentification".to_owned(),
            required(t.original_end_to_end_id.as_ref().map(|v| v.as_str()), "original_end_to_end_id")?,
        );
        let amount = t.original_amount.as_ref().ok_or_else(|| {
            unrepresentable(format!("{path}/original_amount"), "an Open Banking response repeats the amount")
        })?;
        let amount = self.money_to_ob(amount, &format!("{path}/original_amount"))?;
        initiation.insert(
            "InstructedAmount".to_owned(),
            serde_json::to_value(&amount).map_err(|e| unrepresentable(&path, e.to_string()))?,
        );
        let initiation: Initiation = serde_json::from_value(Value::Object(initiation)).map_err(|e| {
            unrepresentable(
                format!("{path}/extensions/Data.Initiation"),
                format!("not an Open Banking initiation: {e}"),
            )
        })?;
        let risk = match t.extensions.get(EXT_RISK).map(|text| serde_json::from_str::<Value>(text)) {
            Some(Ok(Value::Object(map))) => Some(map),
            None => None,
            Some(_) => {
                return Err(unrepresentable(
                    format!("{path}/extensions/Risk"),
                    "a Risk extension that is not a JSON object",
                ));
            }
        };
        let risk = if consent {
            Some(risk.unwrap_or_default())
        } else {
            losses.drop_if(risk.is_some(), format!("{path}/extensions"), "Risk", "a payment response has no Risk");
            None
        };
        let data = Data {
            domestic_payment_id: t.status_id.as_ref().map(|id| id.as_str().to_owned()),
            consent_id: Some(consent_id),
            creation_date_time: Some(created),
            status: Some(status_text),
            status_update_date_time: Some(report.header.created),
            status_reason,
            initiation: Some(initiation),
            ..Data::default()
        };
        to_json(&Document { data, risk, links: None, meta: None })
    }

    fn encode_initiation(&self, initiation: &PaymentInitiation, losses: &mut Losses) -> Result<Vec<u8>, EncodeError> {
        let base = "/message/payment_initiation";
        let header = &initiation.header;
        header_losses(header, &format!("{base}/header"), losses);
        losses.dropped(format!("{base}/header/message_id"), "travels as an HTTP header, not in the body");
        losses.dropped(format!("{base}/header/created"), "no creation time in an Open Banking request");
        let (batch, t) = single_payment(initiation, base, self.label(), losses)?;
        if batch.method != PaymentMethod::Transfer {
            return Err(unrepresentable(format!("{base}/batches/0/method"), "credit transfers only"));
        }
        if batch.id.as_str() != header.message_id.as_str() {
            losses.dropped(format!("{base}/batches/0/id"), "no batch id in Open Banking");
        }
        losses.drop_if(
            batch.batch_booking.is_some(),
            format!("{base}/batches/0"),
            "batch_booking",
            "no batch booking in Open Banking",
        );
        let path = format!("{base}/batches/0/transfers/0");
        let document = self.transfer_to_ob(t, &path, losses)?;
        to_json(&document)
    }

    fn transfer_to_ob(&self, t: &CreditTransfer, path: &str, losses: &mut Losses) -> Result<Document, EncodeError> {
        let label = self.label();
        let amount = t.instructed_amount.as_ref().ok_or_else(|| {
            unrepresentable(format!("{path}/instructed_amount"), format!("{label} requires an instructed amount"))
        })?;
        let ids = format!("{path}/ids");
        let instruction = t.ids.instruction_id.clone().ok_or_else(|| {
            unrepresentable(format!("{ids}/instruction_id"), "Open Banking requires an InstructionIdentification")
        })?;
        let (e2e, cut) = Text::<35>::new(t.ids.end_to_end_id.as_str())
            .map_err(|e| unrepresentable(&ids, e.to_string()))?
            .truncate::<FPS_END_TO_END>();
        if cut {
            losses.truncated(
                format!("{ids}/end_to_end_id"),
                "Faster Payments reads 31 characters of EndToEndIdentification",
            );
        }
        let end_to_end = EndToEndId::new(e2e.as_str()).map_err(|e| unrepresentable(&ids, e.to_string()))?;
        losses.drop_if(t.ids.transaction_id.is_some(), &ids, "transaction_id", "not carried by Open Banking");
        losses.drop_if(t.ids.uetr.is_some(), &ids, "uetr", "not carried by Open Banking");
        losses.drop_if(
            t.ids.clearing_system_reference.is_some(),
            &ids,
            "clearing_system_reference",
            "not carried by Open Banking",
        );
        for (field, present) in [
            ("settlement_amount", t.settlement_amount.is_some()),
            ("exchange", t.exchange.is_some()),
            ("requested_execution", t.requested_execution.is_some()),
            ("settlement_date", t.settlement_date.is_some()),
            ("acceptance_time", t.acceptance_time.is_some()),
            ("charge_bearer", t.charge_bearer.is_some()),
            ("charges", !t.charges.is_empty()),
            ("debtor_agent", t.debtor_agent.is_some()),
            ("initiating_party", t.initiating_party.is_some()),
            ("intermediary_agents", !t.intermediary_agents.is_empty()),
            ("instructing_agent", t.instructing_agent.is_some()),
            ("instructed_agent", t.instructed_agent.is_some()),
            ("instructions_for_creditor_agent", !t.instructions_for_creditor_agent.is_empty()),
            ("regulatory_reporting", !t.regulatory_reporting.is_empty()),
        ] {
            losses.drop_if(present, path, field, "not carried by Open Banking domestic payments");
        }
        for key in t.extensions.keys().filter(|k| !OWN_EXTENSIONS.contains(&k.as_str())) {
            losses.dropped(
                format!("{path}/extensions/{}", crate::common::pointer_segment(key)),
                "an extension Open Banking does not read",
            );
        }
        let mut risk = match t.extensions.get(EXT_RISK) {
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(map)) => map,
                _ => {
                    losses.dropped(format!("{path}/extensions/Risk"), "a Risk extension that is not a JSON object");
                    serde_json::Map::new()
                }
            },
            None => serde_json::Map::new(),
        };
        let mut local_instrument = None;
        if let Some(payment_type) = &t.payment_type {
            let pt = format!("{path}/payment_type");
            losses.drop_if(
                payment_type.instruction_priority.is_some(),
                &pt,
                "instruction_priority",
                "not carried by Open Banking",
            );
            losses.drop_if(
                payment_type.clearing_channel.is_some(),
                &pt,
                "clearing_channel",
                "not carried by Open Banking",
            );
            losses.drop_if(
                !payment_type.service_levels.is_empty(),
                &pt,
                "service_levels",
                "not carried by Open Banking",
            );
            local_instrument = match &payment_type.local_instrument {
                Some(CodeOrProprietary::Code(code)) => Some(
                    Max35Text::new(code.as_str())
                        .map_err(|e| unrepresentable(format!("{pt}/local_instrument"), e.to_string()))?,
                ),
                Some(CodeOrProprietary::Proprietary(text)) => Some(text.clone()),
                None => None,
            };
            match &payment_type.category_purpose {
                Some(CodeOrProprietary::Code(code)) if self.version == ObVersion::V4 => {
                    risk.insert("CategoryPurposeCode".into(), Value::String(code.as_str().to_owned()));
                }
                Some(_) => losses.dropped(format!("{pt}/category_purpose"), "no category purpose here"),
                None => {}
            }
        }
        match &t.purpose {
            Some(CodeOrProprietary::Code(code)) => {
                risk.insert("PaymentPurposeCode".into(), Value::String(code.as_str().to_owned()));
            }
            Some(CodeOrProprietary::Proprietary(_)) => {
                losses.dropped(format!("{path}/purpose"), "a proprietary purpose")
            }
            None => {}
        }
        self.party_losses(&t.debtor, &format!("{path}/debtor"), losses, false);
        losses.drop_if(
            t.debtor.postal_address.is_some(),
            format!("{path}/debtor"),
            "postal_address",
            "no debtor address in Open Banking",
        );
        self.party_losses(&t.creditor, &format!("{path}/creditor"), losses, false);
        let debtor_account = match &t.debtor_account {
            Some(account) => Some(self.account_to_ob(
                account,
                t.debtor.name.as_ref(),
                &format!("{path}/debtor_account"),
                t.extensions.get(EXT_DEBTOR_SECONDARY),
                losses,
            )?),
            None => {
                losses.drop_if(
                    t.debtor.name.is_some(),
                    format!("{path}/debtor"),
                    "name",
                    "a debtor name without a debtor account",
                );
                None
            }
        };
        let creditor_account = t.creditor_account.as_ref().ok_or_else(|| {
            unrepresentable(format!("{path}/creditor_account"), "Open Banking requires the creditor account")
        })?;
        let creditor_account = self.account_to_ob(
            creditor_account,
            t.creditor.name.as_ref(),
            &format!("{path}/creditor_account"),
            t.extensions.get(EXT_CREDITOR_SECONDARY),
            losses,
        )?;
        if creditor_account.name.is_none() {
            return Err(unrepresentable(
                format!("{path}/creditor/name"),
                "Open Banking requires the creditor account's Name",
            ));
        }
        let creditor_agent = match &t.creditor_agent {
            Some(_) if self.version == ObVersion::V3_1 => {
                losses.dropped(
                    format!("{path}/creditor_agent"),
                    "no creditor agent in Open Banking v3.1 domestic payments",
                );
                None
            }
            Some(agent) => {
                let p = format!("{path}/creditor_agent");
                losses.drop_if(agent.clearing_member.is_some(), &p, "clearing_member", "not carried by Open Banking");
                losses.drop_if(agent.other_id.is_some(), &p, "other_id", "not carried by Open Banking");
                losses.drop_if(agent.branch_id.is_some(), &p, "branch_id", "not carried by Open Banking");
                Some(ObAgent {
                    scheme_name: agent.bic.as_ref().map(|_| BICFI_SCHEME.to_owned()),
                    identification: agent.bic.as_ref().map(|b| b.as_str().to_owned()),
                    name: agent.name.clone(),
                    lei: agent.lei.clone(),
                    postal_address: agent
                        .postal_address
                        .as_ref()
                        .map(|a| self.address_to_ob(a, &format!("{p}/postal_address"), losses)),
                })
            }
            None => None,
        };
        let remittance = match &t.remittance {
            Some(r) => self.remittance_to_ob(r, &format!("{path}/remittance"), losses)?,
            None => None,
        };
        let mut data = Data {
            initiation: Some(Initiation {
                instruction_identification: instruction,
                end_to_end_identification: end_to_end,
                local_instrument,
                instructed_amount: self.money_to_ob(amount, &format!("{path}/instructed_amount"))?,
                debtor_account,
                creditor_agent,
                creditor_account,
                creditor_postal_address: t
                    .creditor
                    .postal_address
                    .as_ref()
                    .map(|a| self.address_to_ob(a, &format!("{path}/creditor/postal_address"), losses)),
                ultimate_creditor: self.ultimate_to_ob(
                    t.ultimate_creditor.as_ref(),
                    &format!("{path}/ultimate_creditor"),
                    losses,
                ),
                ultimate_debtor: self.ultimate_to_ob(
                    t.ultimate_debtor.as_ref(),
                    &format!("{path}/ultimate_debtor"),
                    losses,
                ),
                regulatory_reporting: None,
                remittance_information: remittance,
                supplementary_data: None,
            }),
            ..Data::default()
        };
        data.consent_id = t.extensions.get(EXT_CONSENT_ID).cloned();
        if data.consent_id.is_none() {
            data.read_refund_account = t.extensions.get(EXT_READ_REFUND).cloned();
            data.authorisation = t.extensions.get(EXT_AUTHORISATION).and_then(|text| serde_json::from_str(text).ok());
            data.sca_support_data = t.extensions.get(EXT_SCA).and_then(|text| serde_json::from_str(text).ok());
        } else {
            for key in [EXT_READ_REFUND, EXT_AUTHORISATION, EXT_SCA] {
                losses.drop_if(
                    t.extensions.contains_key(key),
                    format!("{path}/extensions"),
                    key,
                    "consent data in a payment submission",
                );
            }
        }
        let risk = match sorted(&Value::Object(risk)) {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        Ok(Document { data, risk: Some(risk), links: None, meta: None })
    }
}

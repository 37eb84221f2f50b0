//! `rest:berlin-group`: Berlin Group NextGenPSD2 1.3.8 payment initiation JSON bodies
//! (`paymentInitiation_json` for sepa-credit-transfers, instant-sepa-credit-transfers,
//! target-2-payments and cross-border-credit-transfers), the initiation response
//! (`paymentInitationRequestResponse-201`), the status response
//! (`paymentInitiationStatusResponse-200_json`); both error shapes are in [`crate::errors`].
//!
//! Mapping choices:
//! - Account references: `iban` → IBAN; `bban` → ISO scheme `BBAN`; `pan` / `maskedPan` →
//!   proprietary schemes `PAN` / `MaskedPAN`; `msisdn` → an account proxy of ISO type `TELE`.
//! - The payment product is in the URL, not the body: [`PaymentProduct`] maps it to the
//!   canonical payment type (`SEPA`; `SEPA` + `INST`; `URGP`; none) and a codec built with
//!   [`RestBerlinGroup::for_product`] applies and checks it.
//! - A body has no message id and no creation time (`X-Request-ID` and the time travel as
//!   HTTP headers): decoding needs an [`HttpContext`]; encoding reports both as dropped.
//! - `instructedAmount.amount` is a decimal string of at most 14 integer and 3 fraction digits:
//!   more decimals cannot be encoded (an error: money is never rounded).
//! - Names are 70 characters: longer names are truncated and reported.
//! - A body is one payment: of an initiation with more, the first transfer is written and every
//!   other one is reported as dropped.

pub(crate) mod errors;

use chrono::NaiveDate;
use payglot_core_model::{
    Account, AccountId, AccountNumber, Agent, Bic, ChargeBearer, CodeOrProprietary, Codec, CountryCode, CreditTransfer,
    CreditorReferenceInfo, Currency, DateOrDateTime, DateTime, DecodeError, DecodeLimits, Decoded, EncodeError,
    EncodeOptions, Encoded, EndToEndId, Format, GroupHeader, Iban, LocalInstrument, Location, Max35Text, Max70Text,
    Message, Money, Party, PaymentBatch, PaymentInfoId, PaymentInitiation, PaymentMethod, PaymentStatus, PaymentType,
    PostalAddress, Proxy, Purpose, Remittance, ServiceLevel, StatusReport, StructuredRemittance, Text,
    TransactionStatus,
};
use serde::{Deserialize, Serialize};

use crate::HttpContext;
use crate::common::{Losses, TopKeys, invalid_at, single_payment, to_json, unrepresentable};
use crate::native::mapping::header_losses;

/// A Berlin Group payment product (the `{payment-product}` path segment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentProduct {
    /// `sepa-credit-transfers`: service level `SEPA`.
    SepaCreditTransfers,
    /// `instant-sepa-credit-transfers`: service level `SEPA`, local instrument `INST`.
    InstantSepaCreditTransfers,
    /// `target-2-payments`: service level `URGP`.
    Target2Payments,
    /// `cross-border-credit-transfers`: no payment type.
    CrossBorderCreditTransfers,
}

impl PaymentProduct {
    /// The path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SepaCreditTransfers => "sepa-credit-transfers",
            Self::InstantSepaCreditTransfers => "instant-sepa-credit-transfers",
            Self::Target2Payments => "target-2-payments",
            Self::CrossBorderCreditTransfers => "cross-border-credit-transfers",
        }
    }

    /// From the path segment.
    pub fn parse(segment: &str) -> Option<Self> {
        [
            Self::SepaCreditTransfers,
            Self::InstantSepaCreditTransfers,
            Self::Target2Payments,
            Self::CrossBorderCreditTransfers,
        ]
        .into_iter()
        .find(|p| p.as_str() == segment)
    }

    /// The canonical payment type this product means.
    pub fn payment_type(self) -> Option<PaymentType> {
        let code = |c: &str| ServiceLevel::parse(c).ok().map(CodeOrProprietary::Code);
        match self {
            Self::SepaCreditTransfers => {
                Some(PaymentType { service_levels: code("SEPA").into_iter().collect(), ..PaymentType::default() })
            }
            Self::InstantSepaCreditTransfers => Some(PaymentType {
                service_levels: code("SEPA").into_iter().collect(),
                local_instrument: LocalInstrument::parse("INST").ok().map(CodeOrProprietary::Code),
                ..PaymentType::default()
            }),
            Self::Target2Payments => {
                Some(PaymentType { service_levels: code("URGP").into_iter().collect(), ..PaymentType::default() })
            }
            Self::CrossBorderCreditTransfers => None,
        }
    }

    /// The product whose payment type a transfer has (cross-border when none matches).
    pub fn for_transfer(transfer: &CreditTransfer) -> Self {
        [Self::InstantSepaCreditTransfers, Self::SepaCreditTransfers, Self::Target2Payments]
            .into_iter()
            .find(|p| p.payment_type() == transfer.payment_type)
            .unwrap_or(Self::CrossBorderCreditTransfers)
    }
}

/// The `rest:berlin-group` codec. [`RestBerlinGroup::default`] decodes nothing that needs a
/// context (it reports which); build one with [`RestBerlinGroup::with_context`] to decode
/// bodies, and with [`RestBerlinGroup::for_product`] to carry the payment product.
#[derive(Debug, Clone, Default)]
pub struct RestBerlinGroup {
    product: Option<PaymentProduct>,
    context: Option<HttpContext>,
}

impl RestBerlinGroup {
    /// A codec for one payment product.
    pub fn for_product(mut self, product: PaymentProduct) -> Self {
        self.product = Some(product);
        self
    }

    /// A codec that gives decoded messages this id and time.
    pub fn with_context(mut self, context: HttpContext) -> Self {
        self.context = Some(context);
        self
    }
}

impl Codec for RestBerlinGroup {
    fn format(&self) -> Format {
        Format::REST_BERLIN_GROUP
    }

    fn decode(&self, input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        limits.check_size(input)?;
        let keys = TopKeys::probe_checked(input, limits)?;
        if keys.has("tppMessages") || (keys.has("type") && keys.has("code")) {
            return Err(DecodeError::unsupported(
                Location::default(),
                "a Berlin Group error body: decode it with payglot_rest::errors::decode_error",
            ));
        }
        let context = self.context.as_ref().or(limits.transport.as_ref()).ok_or_else(|| {
            DecodeError::unsupported(
                Location::default(),
                "a Berlin Group body carries no message id or creation time: give them as the transport \
                 context (CLI: --message-id and --created; library: DecodeLimits::with_transport or \
                 RestBerlinGroup::with_context), from the X-Request-ID and Date headers",
            )
        })?;
        let mut losses = Losses::default();
        let message = if keys.has("instructedAmount") {
            let body: Initiation = crate::common::from_slice_unique(input, limits)?;
            Message::PaymentInitiation(self.initiation_from_bg(body, context, &mut losses)?)
        } else {
            let body: StatusBody = crate::common::from_slice_unique(input, limits)?;
            Message::StatusReport(self.status_from_bg(body, context, &mut losses)?)
        };
        Ok(Decoded { message, losses: losses.into_vec() })
    }

    fn encode(&self, message: &Message, opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        let mut losses = Losses::default();
        let bytes = match message {
            Message::PaymentInitiation(initiation) => self.encode_initiation(initiation, &mut losses)?,
            Message::StatusReport(report) => self.encode_status(report, &mut losses)?,
            other => {
                return Err(unrepresentable(
                    format!("/message/{}", other.kind()),
                    "rest:berlin-group carries payment initiations and payment statuses only",
                ));
            }
        };
        Encoded { bytes, losses: losses.into_vec() }.check(opts.strictness)
    }
}

// ---- wire types ------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AccountReference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iban: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bban: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    masked_pan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    msisdn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    currency: Option<Currency>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Amount {
    currency: Currency,
    amount: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    street_name: Option<Max70Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    building_number: Option<Text<16>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    town_name: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    post_code: Option<Text<16>>,
    country: CountryCode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Structured {
    reference: Max35Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reference_type: Option<Max35Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reference_issuer: Option<Max35Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Initiation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end_to_end_identification: Option<EndToEndId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    debtor_name: Option<Max70Text>,
    debtor_account: AccountReference,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ultimate_debtor: Option<Max70Text>,
    instructed_amount: Amount,
    creditor_account: AccountReference,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    creditor_agent: Option<Bic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    creditor_agent_name: Option<Max70Text>,
    creditor_name: Max70Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    creditor_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ultimate_creditor: Option<Max70Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    purpose_code: Option<Purpose>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    charge_bearer: Option<BgChargeBearer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remittance_information_unstructured: Option<Text<140>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    remittance_information_unstructured_array: Vec<Text<140>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remittance_information_structured: Option<Structured>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    remittance_information_structured_array: Vec<Structured>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    requested_execution_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    requested_execution_time: Option<DateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum BgChargeBearer {
    #[serde(rename = "DEBT")]
    Debt,
    #[serde(rename = "CRED")]
    Cred,
    #[serde(rename = "SHAR")]
    Shar,
    #[serde(rename = "SLEV")]
    Slev,
}

impl From<BgChargeBearer> for ChargeBearer {
    fn from(value: BgChargeBearer) -> Self {
        match value {
            BgChargeBearer::Debt => Self::Debtor,
            BgChargeBearer::Cred => Self::Creditor,
            BgChargeBearer::Shar => Self::Shared,
            BgChargeBearer::Slev => Self::ServiceLevel,
        }
    }
}

impl From<ChargeBearer> for BgChargeBearer {
    fn from(value: ChargeBearer) -> Self {
        match value {
            ChargeBearer::Debtor => Self::Debt,
            ChargeBearer::Creditor => Self::Cred,
            ChargeBearer::Shared => Self::Shar,
            ChargeBearer::ServiceLevel => Self::Slev,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Href {
    href: String,
}

/// The initiation response (201) and the status response (200) in one type: `paymentId` and
/// `_links` are present in the first only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StatusBody {
    transaction_status: PaymentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    funds_available: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    psu_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    transaction_fees: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    currency_conversion_fee: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    estimated_total_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    estimated_interbank_settlement_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    transaction_fee_indicator: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sca_methods: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chosen_sca_method: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    challenge_data: Option<serde_json::Value>,
    #[serde(default, rename = "_links", skip_serializing_if = "Option::is_none")]
    links: Option<std::collections::BTreeMap<String, Href>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tpp_messages: Option<serde_json::Value>,
}

// ---- helpers ---------------------------------------------------------------------------------

const PAN: &str = "PAN";
const MASKED_PAN: &str = "MaskedPAN";

fn proprietary_scheme(
    name: &str,
    path: &str,
) -> Result<CodeOrProprietary<payglot_core_model::AccountScheme>, DecodeError> {
    Max35Text::new(name).map(CodeOrProprietary::Proprietary).map_err(|e| invalid_at(path, &e))
}

fn account_from_bg(reference: AccountReference, path: &str) -> Result<Account, DecodeError> {
    let ids = [&reference.iban, &reference.bban, &reference.pan, &reference.masked_pan, &reference.msisdn];
    if ids.iter().filter(|id| id.is_some()).count() != 1 {
        return Err(DecodeError::invalid(
            Location::path(path),
            "an account reference needs exactly one of iban, bban, pan, maskedPan, msisdn",
        ));
    }
    let number =
        |text: &str, field: &str| AccountNumber::parse(text).map_err(|e| invalid_at(format!("{path}/{field}"), &e));
    let mut account = if let Some(iban) = &reference.iban {
        Account::iban(Iban::parse(iban).map_err(|e| invalid_at(format!("{path}/iban"), &e))?)
    } else if let Some(bban) = &reference.bban {
        let scheme = payglot_core_model::AccountScheme::parse("BBAN").map_err(|e| invalid_at(path, &e))?;
        Account::other(number(bban, "bban")?, Some(CodeOrProprietary::Code(scheme)))
    } else if let Some(pan) = &reference.pan {
        Account::other(number(pan, "pan")?, Some(proprietary_scheme(PAN, path)?))
    } else if let Some(masked) = &reference.masked_pan {
        Account::other(number(masked, "maskedPan")?, Some(proprietary_scheme(MASKED_PAN, path)?))
    } else {
        let msisdn = reference.msisdn.as_deref().unwrap_or_default();
        let id = Text::new(msisdn).map_err(|e| invalid_at(format!("{path}/msisdn"), &e))?;
        let kind = Text::new("TELE").map(CodeOrProprietary::Code).map_err(|e| invalid_at(path, &e))?;
        Account {
            id: None,
            account_type: None,
            currency: None,
            name: None,
            proxy: Some(Proxy { kind: Some(kind), id }),
        }
    };
    account.currency = reference.currency;
    Ok(account)
}

fn account_to_bg(account: Option<&Account>, path: &str, losses: &mut Losses) -> Result<AccountReference, EncodeError> {
    let account = account.ok_or_else(|| unrepresentable(path, "rest:berlin-group requires this account"))?;
    losses.drop_if(account.account_type.is_some(), path, "account_type", "no account type in rest:berlin-group");
    losses.drop_if(account.name.is_some(), path, "name", "no account name in rest:berlin-group");
    let mut reference = AccountReference { currency: account.currency, ..AccountReference::default() };
    match (&account.id, &account.proxy) {
        (Some(AccountId::Iban(iban)), proxy) => {
            losses.drop_if(proxy.is_some(), path, "proxy", "a proxy beside an account id");
            reference.iban = Some(iban.expose().to_owned());
        }
        (Some(AccountId::Other { id, scheme, issuer }), proxy) => {
            losses.drop_if(proxy.is_some(), path, "proxy", "a proxy beside an account id");
            losses.drop_if(
                issuer.is_some(),
                format!("{path}/id/other"),
                "issuer",
                "no account id issuer in rest:berlin-group",
            );
            let text = id.expose().to_owned();
            match scheme {
                Some(CodeOrProprietary::Code(code)) if code.as_str() == "BBAN" => reference.bban = Some(text),
                Some(CodeOrProprietary::Proprietary(name)) if name.as_str() == PAN => reference.pan = Some(text),
                Some(CodeOrProprietary::Proprietary(name)) if name.as_str() == MASKED_PAN => {
                    reference.masked_pan = Some(text);
                }
                _ => {
                    losses.approximated(
                        format!("{path}/id/other/scheme"),
                        "an account scheme Berlin Group lacks: written as a BBAN",
                    );
                    reference.bban = Some(text);
                }
            }
        }
        (None, Some(proxy)) => {
            if !matches!(&proxy.kind, Some(CodeOrProprietary::Code(kind)) if kind.as_str() == "TELE") {
                losses
                    .approximated(format!("{path}/proxy/kind"), "a proxy other than a phone number written as msisdn");
            }
            reference.msisdn = Some(proxy.id.as_str().to_owned());
        }
        (None, None) => {
            return Err(unrepresentable(format!("{path}/id"), "rest:berlin-group requires an account identifier"));
        }
    }
    Ok(reference)
}

/// Parse `instructedAmount`: a decimal string of at most 14 integer and 3 fraction digits.
fn money_from_bg(amount: &Amount, path: &str) -> Result<Money, DecodeError> {
    let value = payglot_core_model::money::parse_decimal(&amount.amount).map_err(|e| invalid_at(path, &e))?;
    let (integer, fraction) = amount.amount.split_once('.').unwrap_or((&amount.amount, ""));
    if integer.trim_start_matches('-').len() > 14 || fraction.len() > 3 {
        return Err(DecodeError::invalid(
            Location::path(path),
            "amount has more than 14 integer or 3 fraction digits (Berlin Group amountValue)",
        ));
    }
    Money::new(value, amount.currency).map_err(|e| invalid_at(path, &e))
}

fn money_to_bg(money: &Money, path: &str) -> Result<Amount, EncodeError> {
    let text = money.amount().to_string();
    let (integer, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if integer.len() > 14 || fraction.len() > 3 {
        return Err(unrepresentable(
            path,
            format!("{money} has more than 14 integer or 3 fraction digits, which Berlin Group cannot carry"),
        ));
    }
    Ok(Amount { currency: money.currency(), amount: text })
}

fn name_to_70(name: Option<&Text<140>>, path: &str, losses: &mut Losses) -> Option<Max70Text> {
    name.map(|name| {
        let (short, cut) = name.truncate::<70>();
        if cut {
            losses.truncated(path, "name longer than 70 characters (Berlin Group)");
        }
        short
    })
}

fn name_from_70(name: Option<Max70Text>) -> Option<Text<140>> {
    name.and_then(|n| n.fit::<140>())
}

fn structured_from_bg(s: Structured) -> StructuredRemittance {
    let kind = s.reference_type.map(|kind| {
        match kind.fit::<4>().filter(|k| k.as_str().bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())) {
            Some(code) => CodeOrProprietary::Code(code),
            None => CodeOrProprietary::Proprietary(kind),
        }
    });
    StructuredRemittance {
        creditor_reference: Some(CreditorReferenceInfo {
            kind,
            issuer: s.reference_issuer,
            reference: Some(s.reference),
        }),
        ..StructuredRemittance::default()
    }
}

fn structured_to_bg(block: &StructuredRemittance, path: &str, losses: &mut Losses) -> Option<Structured> {
    let reference_info = block.creditor_reference.as_ref();
    let rest = StructuredRemittance { creditor_reference: None, ..block.clone() };
    if rest != StructuredRemittance::default() {
        losses.dropped(path, "structured remittance other than a creditor reference (Berlin Group)");
    }
    let info = reference_info?;
    let Some(reference) = info.reference.clone() else {
        losses.dropped(format!("{path}/creditor_reference"), "a creditor reference type without a reference");
        return None;
    };
    let reference_type = info.kind.as_ref().map(|kind| match kind {
        CodeOrProprietary::Code(code) => Max35Text::new(code.as_str()).unwrap_or_else(|_| reference.clone()),
        CodeOrProprietary::Proprietary(text) => {
            let looks_like_code =
                text.char_count() <= 4 && text.as_str().bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if looks_like_code {
                losses
                    .approximated(format!("{path}/creditor_reference/kind"), "a proprietary type that reads as a code");
            }
            text.clone()
        }
    });
    Some(Structured { reference, reference_type, reference_issuer: info.issuer.clone() })
}

fn address_from_bg(address: Address) -> PostalAddress {
    PostalAddress {
        street_name: address.street_name,
        building_number: address.building_number,
        town_name: address.town_name,
        post_code: address.post_code,
        country: Some(address.country),
        ..PostalAddress::default()
    }
}

fn address_to_bg(address: Option<&PostalAddress>, path: &str, losses: &mut Losses) -> Option<Address> {
    let address = address?;
    let Some(country) = address.country else {
        losses.dropped(path, "an address without a country (Berlin Group requires one)");
        return None;
    };
    let carried = PostalAddress {
        street_name: address.street_name.clone(),
        building_number: address.building_number.clone(),
        town_name: address.town_name.clone(),
        post_code: address.post_code.clone(),
        country: Some(country),
        ..PostalAddress::default()
    };
    if !address.address_lines.is_empty() {
        losses.dropped(format!("{path}/address_lines"), "address lines (Berlin Group addresses are structured only)");
    }
    let without_lines = PostalAddress { address_lines: Vec::new(), ..address.clone() };
    if without_lines != carried {
        losses.dropped(path, "address fields other than street, building number, post code, town and country");
    }
    Some(Address {
        street_name: carried.street_name,
        building_number: carried.building_number,
        town_name: carried.town_name,
        post_code: carried.post_code,
        country,
    })
}

// ---- initiation ------------------------------------------------------------------------------

impl RestBerlinGroup {
    fn initiation_from_bg(
        &self,
        body: Initiation,
        context: &HttpContext,
        _losses: &mut Losses,
    ) -> Result<PaymentInitiation, DecodeError> {
        let amount = money_from_bg(&body.instructed_amount, "/instructedAmount/amount")?;
        let end_to_end = match body.end_to_end_identification {
            Some(id) => id,
            None => EndToEndId::new("NOTPROVIDED").map_err(|e| invalid_at("/endToEndIdentification", &e))?,
        };
        let debtor = Party { name: name_from_70(body.debtor_name), ..Party::default() };
        let creditor = Party {
            name: name_from_70(Some(body.creditor_name)),
            postal_address: body.creditor_address.map(address_from_bg),
            ..Party::default()
        };
        let mut t = CreditTransfer::new(end_to_end, amount, debtor, creditor);
        t.debtor_account = Some(account_from_bg(body.debtor_account, "/debtorAccount")?);
        t.creditor_account = Some(account_from_bg(body.creditor_account, "/creditorAccount")?);
        t.ultimate_debtor = body.ultimate_debtor.map(|n| Party { name: n.fit::<140>(), ..Party::default() });
        t.ultimate_creditor = body.ultimate_creditor.map(|n| Party { name: n.fit::<140>(), ..Party::default() });
        if body.creditor_agent.is_some() || body.creditor_agent_name.is_some() {
            t.creditor_agent = Some(Agent {
                bic: body.creditor_agent,
                name: name_from_70(body.creditor_agent_name),
                ..Agent::default()
            });
        }
        t.purpose = body.purpose_code.map(CodeOrProprietary::Code);
        t.charge_bearer = body.charge_bearer.map(ChargeBearer::from);
        let mut remittance = Remittance::default();
        remittance.unstructured.extend(body.remittance_information_unstructured);
        remittance.unstructured.extend(body.remittance_information_unstructured_array);
        remittance.structured.extend(body.remittance_information_structured.map(structured_from_bg));
        remittance.structured.extend(body.remittance_information_structured_array.into_iter().map(structured_from_bg));
        if !remittance.is_empty() {
            t.remittance = Some(remittance);
        }
        t.requested_execution = match (body.requested_execution_time, body.requested_execution_date) {
            (Some(time), _) => Some(DateOrDateTime::DateTime(time)),
            (None, Some(date)) => Some(DateOrDateTime::Date(date)),
            (None, None) => None,
        };
        t.payment_type = self.product.and_then(PaymentProduct::payment_type);
        let header = GroupHeader::new(context.message_id.clone(), context.time);
        let batch_id = PaymentInfoId::new(context.message_id.as_str()).map_err(|e| invalid_at("", &e))?;
        Ok(PaymentInitiation {
            header,
            batches: vec![PaymentBatch {
                id: batch_id,
                method: PaymentMethod::Transfer,
                batch_booking: None,
                transfers: vec![t],
            }],
        })
    }

    fn encode_initiation(&self, initiation: &PaymentInitiation, losses: &mut Losses) -> Result<Vec<u8>, EncodeError> {
        let base = "/message/payment_initiation";
        let header = &initiation.header;
        header_losses(header, &format!("{base}/header"), losses);
        losses.dropped(format!("{base}/header/message_id"), "travels as the X-Request-ID header, not in the body");
        losses.dropped(format!("{base}/header/created"), "no creation time in a Berlin Group body");
        let (batch, t) = single_payment(initiation, base, "rest:berlin-group", losses)?;
        if batch.method != PaymentMethod::Transfer {
            return Err(unrepresentable(format!("{base}/batches/0/method"), "credit transfers only"));
        }
        if batch.id.as_str() != header.message_id.as_str() {
            losses.dropped(format!("{base}/batches/0/id"), "no batch id in rest:berlin-group");
        }
        losses.drop_if(
            batch.batch_booking.is_some(),
            format!("{base}/batches/0"),
            "batch_booking",
            "no batch booking for a single payment",
        );
        let path = format!("{base}/batches/0/transfers/0");
        let body = self.transfer_to_bg(t, &path, losses)?;
        to_json(&body)
    }

    fn transfer_to_bg(&self, t: &CreditTransfer, path: &str, losses: &mut Losses) -> Result<Initiation, EncodeError> {
        let amount = t.instructed_amount.as_ref().ok_or_else(|| {
            unrepresentable(format!("{path}/instructed_amount"), "rest:berlin-group requires an instructed amount")
        })?;
        let ids = format!("{path}/ids");
        losses.drop_if(
            t.ids.instruction_id.is_some(),
            &ids,
            "instruction_id",
            "no instruction id in rest:berlin-group",
        );
        losses.drop_if(
            t.ids.transaction_id.is_some(),
            &ids,
            "transaction_id",
            "no transaction id in rest:berlin-group",
        );
        losses.drop_if(t.ids.uetr.is_some(), &ids, "uetr", "no UETR in rest:berlin-group");
        losses.drop_if(
            t.ids.clearing_system_reference.is_some(),
            &ids,
            "clearing_system_reference",
            "no clearing reference",
        );
        for (field, present) in [
            ("settlement_amount", t.settlement_amount.is_some()),
            ("exchange", t.exchange.is_some()),
            ("settlement_date", t.settlement_date.is_some()),
            ("acceptance_time", t.acceptance_time.is_some()),
            ("charges", !t.charges.is_empty()),
            ("debtor_agent", t.debtor_agent.is_some()),
            ("initiating_party", t.initiating_party.is_some()),
            ("intermediary_agents", !t.intermediary_agents.is_empty()),
            ("instructing_agent", t.instructing_agent.is_some()),
            ("instructed_agent", t.instructed_agent.is_some()),
            ("instructions_for_creditor_agent", !t.instructions_for_creditor_agent.is_empty()),
            ("regulatory_reporting", !t.regulatory_reporting.is_empty()),
            ("extensions", !t.extensions.is_empty()),
        ] {
            losses.drop_if(present, path, field, "not carried by rest:berlin-group");
        }
        let expected_type = self.product.and_then(PaymentProduct::payment_type);
        if t.payment_type != expected_type {
            losses.dropped(
                format!("{path}/payment_type"),
                "payment type other than the payment product's (the product is the URL path; see PaymentProduct::for_transfer)",
            );
        }
        let party_losses = |party: &Party, p: &str, losses: &mut Losses| {
            losses.drop_if(party.id.is_some(), p, "id", "no party identification in rest:berlin-group");
            losses.drop_if(party.contact.is_some(), p, "contact", "no contact details in rest:berlin-group");
            losses.drop_if(
                party.country_of_residence.is_some(),
                p,
                "country_of_residence",
                "no country of residence in rest:berlin-group",
            );
        };
        party_losses(&t.debtor, &format!("{path}/debtor"), losses);
        losses.drop_if(
            t.debtor.postal_address.is_some(),
            format!("{path}/debtor"),
            "postal_address",
            "no debtor address in rest:berlin-group",
        );
        party_losses(&t.creditor, &format!("{path}/creditor"), losses);
        for (field, party) in [("ultimate_debtor", &t.ultimate_debtor), ("ultimate_creditor", &t.ultimate_creditor)] {
            if let Some(party) = party {
                let p = format!("{path}/{field}");
                party_losses(party, &p, losses);
                losses.drop_if(party.postal_address.is_some(), &p, "postal_address", "no address of an ultimate party");
                if party.name.is_none() {
                    losses.dropped(&p, "an ultimate party without a name");
                }
            }
        }
        let creditor_name =
            name_to_70(t.creditor.name.as_ref(), &format!("{path}/creditor/name"), losses).ok_or_else(|| {
                unrepresentable(format!("{path}/creditor/name"), "Berlin Group requires the creditor's name")
            })?;
        let (creditor_agent, creditor_agent_name) = match &t.creditor_agent {
            Some(agent) => {
                let p = format!("{path}/creditor_agent");
                for (field, present) in [
                    ("clearing_member", agent.clearing_member.is_some()),
                    ("lei", agent.lei.is_some()),
                    ("postal_address", agent.postal_address.is_some()),
                    ("other_id", agent.other_id.is_some()),
                    ("branch_id", agent.branch_id.is_some()),
                ] {
                    losses.drop_if(present, &p, field, "not carried by rest:berlin-group");
                }
                (agent.bic.clone(), name_to_70(agent.name.as_ref(), &format!("{p}/name"), losses))
            }
            None => (None, None),
        };
        let purpose_code = match &t.purpose {
            Some(CodeOrProprietary::Code(code)) => Some(code.clone()),
            Some(CodeOrProprietary::Proprietary(_)) => {
                losses.dropped(format!("{path}/purpose"), "proprietary purpose not in rest:berlin-group");
                None
            }
            None => None,
        };
        let (mut unstructured, mut unstructured_array) = (None, Vec::new());
        let (mut structured, mut structured_array) = (None, Vec::new());
        if let Some(remittance) = &t.remittance {
            match remittance.unstructured.as_slice() {
                [one] => unstructured = Some(one.clone()),
                lines => unstructured_array = lines.to_vec(),
            }
            let blocks: Vec<Structured> = remittance
                .structured
                .iter()
                .enumerate()
                .filter_map(|(i, b)| structured_to_bg(b, &format!("{path}/remittance/structured/{i}"), losses))
                .collect();
            match blocks.len() {
                1 => structured = blocks.into_iter().next(),
                _ => structured_array = blocks,
            }
        }
        let (requested_execution_date, requested_execution_time) = match t.requested_execution {
            Some(DateOrDateTime::Date(date)) => (Some(date), None),
            Some(DateOrDateTime::DateTime(time)) => (None, Some(time)),
            None => (None, None),
        };
        let end_to_end_identification =
            (t.ids.end_to_end_id.as_str() != "NOTPROVIDED").then(|| t.ids.end_to_end_id.clone());
        Ok(Initiation {
            end_to_end_identification,
            debtor_name: name_to_70(t.debtor.name.as_ref(), &format!("{path}/debtor/name"), losses),
            debtor_account: account_to_bg(t.debtor_account.as_ref(), &format!("{path}/debtor_account"), losses)?,
            ultimate_debtor: t
                .ultimate_debtor
                .as_ref()
                .and_then(|p| name_to_70(p.name.as_ref(), &format!("{path}/ultimate_debtor/name"), losses)),
            instructed_amount: money_to_bg(amount, &format!("{path}/instructed_amount"))?,
            creditor_account: account_to_bg(t.creditor_account.as_ref(), &format!("{path}/creditor_account"), losses)?,
            creditor_agent,
            creditor_agent_name,
            creditor_name,
            creditor_address: address_to_bg(
                t.creditor.postal_address.as_ref(),
                &format!("{path}/creditor/postal_address"),
                losses,
            ),
            ultimate_creditor: t
                .ultimate_creditor
                .as_ref()
                .and_then(|p| name_to_70(p.name.as_ref(), &format!("{path}/ultimate_creditor/name"), losses)),
            purpose_code,
            charge_bearer: t.charge_bearer.map(BgChargeBearer::from),
            remittance_information_unstructured: unstructured,
            remittance_information_unstructured_array: unstructured_array,
            remittance_information_structured: structured,
            remittance_information_structured_array: structured_array,
            requested_execution_date,
            requested_execution_time,
        })
    }

    // ---- status --------------------------------------------------------------------------------

    fn links_for(&self, payment_id: &str) -> std::collections::BTreeMap<String, Href> {
        let mut links = std::collections::BTreeMap::new();
        if let Some(product) = self.product {
            let base = format!("/v1/payments/{}/{payment_id}", product.as_str());
            links.insert("status".to_owned(), Href { href: format!("{base}/status") });
            links.insert("self".to_owned(), Href { href: base });
        }
        links
    }

    fn status_from_bg(
        &self,
        body: StatusBody,
        context: &HttpContext,
        losses: &mut Losses,
    ) -> Result<StatusReport, DecodeError> {
        for (field, present) in [
            ("fundsAvailable", body.funds_available.is_some()),
            ("psuMessage", body.psu_message.is_some()),
            ("transactionFees", body.transaction_fees.is_some()),
            ("currencyConversionFee", body.currency_conversion_fee.is_some()),
            ("estimatedTotalAmount", body.estimated_total_amount.is_some()),
            ("estimatedInterbankSettlementAmount", body.estimated_interbank_settlement_amount.is_some()),
            ("transactionFeeIndicator", body.transaction_fee_indicator.is_some()),
            ("scaMethods", body.sca_methods.is_some()),
            ("chosenScaMethod", body.chosen_sca_method.is_some()),
            ("challengeData", body.challenge_data.is_some()),
            ("tppMessages", body.tpp_messages.is_some()),
        ] {
            if present {
                losses.dropped(format!("/{field}"), "not carried by the canonical status report");
            }
        }
        let status_id = body
            .payment_id
            .as_deref()
            .map(|id| Max35Text::new(id).map_err(|e| invalid_at("/paymentId", &e)))
            .transpose()?;
        if let (Some(links), Some(id)) = (&body.links, &body.payment_id) {
            let derived = self.links_for(id);
            for (name, href) in links {
                if derived.get(name) != Some(href) {
                    losses.dropped(format!("/_links/{name}"), "a link the payment id and product do not give");
                }
            }
        }
        let transaction = TransactionStatus {
            status_id,
            original_instruction_id: None,
            original_end_to_end_id: None,
            original_transaction_id: None,
            original_uetr: None,
            status: Some(body.transaction_status),
            reasons: Vec::new(),
            acceptance_time: None,
            original_amount: None,
            original_requested_execution: None,
            extensions: Default::default(),
        };
        Ok(StatusReport {
            header: GroupHeader::new(context.message_id.clone(), context.time),
            original_groups: Vec::new(),
            payment_infos: Vec::new(),
            transactions: vec![transaction],
        })
    }

    fn encode_status(&self, report: &StatusReport, losses: &mut Losses) -> Result<Vec<u8>, EncodeError> {
        let base = "/message/status_report";
        header_losses(&report.header, &format!("{base}/header"), losses);
        losses.dropped(format!("{base}/header/message_id"), "travels as the X-Request-ID header, not in the body");
        losses.dropped(format!("{base}/header/created"), "no creation time in a Berlin Group body");
        losses.drop_if(
            !report.original_groups.is_empty(),
            base,
            "original_groups",
            "no group status in rest:berlin-group",
        );
        losses.drop_if(!report.payment_infos.is_empty(), base, "payment_infos", "no batch status in rest:berlin-group");
        let (t, rest) = report
            .transactions
            .split_first()
            .ok_or_else(|| unrepresentable(format!("{base}/transactions"), "a status response reports one payment"))?;
        for (i, _) in rest.iter().enumerate() {
            losses.dropped(format!("{base}/transactions/{}", i + 1), "a status response reports one payment");
        }
        let path = format!("{base}/transactions/0");
        let status = t
            .status
            .clone()
            .ok_or_else(|| unrepresentable(format!("{path}/status"), "Berlin Group requires a status"))?;
        if !BG_STATUSES.contains(&status.as_str()) {
            return Err(unrepresentable(
                format!("{path}/status"),
                format!("{status} is not a Berlin Group transactionStatus"),
            ));
        }
        for (field, present) in [
            ("original_instruction_id", t.original_instruction_id.is_some()),
            ("original_end_to_end_id", t.original_end_to_end_id.is_some()),
            ("original_transaction_id", t.original_transaction_id.is_some()),
            ("original_uetr", t.original_uetr.is_some()),
            ("reasons", !t.reasons.is_empty()),
            ("acceptance_time", t.acceptance_time.is_some()),
            ("original_amount", t.original_amount.is_some()),
            ("original_requested_execution", t.original_requested_execution.is_some()),
            ("extensions", !t.extensions.is_empty()),
        ] {
            losses.drop_if(present, &path, field, "not carried by a Berlin Group status response");
        }
        let links = t.status_id.as_ref().map(|id| self.links_for(id.as_str()));
        to_json(&StatusBody {
            transaction_status: status,
            payment_id: t.status_id.as_ref().map(|id| id.as_str().to_owned()),
            funds_available: None,
            psu_message: None,
            transaction_fees: None,
            currency_conversion_fee: None,
            estimated_total_amount: None,
            estimated_interbank_settlement_amount: None,
            transaction_fee_indicator: None,
            sca_methods: None,
            chosen_sca_method: None,
            challenge_data: None,
            links,
            tpp_messages: None,
        })
    }
}

/// Berlin Group's `transactionStatus` values.
const BG_STATUSES: &[&str] =
    &["ACCC", "ACCP", "ACSC", "ACSP", "ACTC", "ACWC", "ACWP", "RCVD", "PDNG", "RJCT", "CANC", "ACFC", "PATC", "PART"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_round_trip() {
        for product in [
            PaymentProduct::SepaCreditTransfers,
            PaymentProduct::InstantSepaCreditTransfers,
            PaymentProduct::Target2Payments,
            PaymentProduct::CrossBorderCreditTransfers,
        ] {
            assert_eq!(PaymentProduct::parse(product.as_str()), Some(product));
        }
        assert!(PaymentProduct::SepaCreditTransfers.payment_type().is_some_and(|t| t.service_levels.len() == 1));
    }
}

//! Parties, their postal addresses and identifications, accounts and agents (banks).

use crate::codes::{AccountScheme, CashAccountType, ClearingSystem, OrganisationIdScheme, PersonIdScheme};
use crate::ids::{AccountNumber, Bic, CountryCode, Iban, Lei};
use crate::money::Currency;
use crate::text::{Max35Text, Max70Text, Max140Text, Text};

/// A value that is either a code from an ISO external code set or a proprietary text: ISO
/// 20022's many `...Choice` types of the form `Cd | Prtry`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CodeOrProprietary<C> {
    /// A code of the external code set.
    Code(C),
    /// A proprietary value.
    Proprietary(Max35Text),
}

/// A postal address, structured and/or as free lines (ISO 20022 `PostalAddress24`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostalAddress {
    /// Address type code (`ADDR`, `PBOX`, `HOME`, `BIZZ`, `MLTO`, `DLVY`) or proprietary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_type: Option<CodeOrProprietary<Text<4>>>,
    /// Department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<Max70Text>,
    /// Sub-department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_department: Option<Max70Text>,
    /// Street name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_name: Option<Max70Text>,
    /// Building number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_number: Option<Text<16>>,
    /// Building name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_name: Option<Max35Text>,
    /// Floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<Text<70>>,
    /// Post box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_box: Option<Text<16>>,
    /// Room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<Text<70>>,
    /// Post code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_code: Option<Text<16>>,
    /// Town name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town_name: Option<Max35Text>,
    /// Town location name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town_location_name: Option<Max35Text>,
    /// District name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district_name: Option<Max35Text>,
    /// Country sub-division (state, region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_sub_division: Option<Max35Text>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// Unstructured address lines (at most 7 in ISO 20022).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address_lines: Vec<Max70Text>,
}

impl PostalAddress {
    /// Whether any structured field (anything but the address lines) is set.
    pub fn has_structured_fields(&self) -> bool {
        let lines_only = PostalAddress { address_lines: self.address_lines.clone(), ..PostalAddress::default() };
        *self != lines_only
    }
}

/// A generic identification with an optional scheme and issuer (ISO `GenericOrganisationIdentification1`,
/// `GenericPersonIdentification1`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "S: serde::Deserialize<'de>"))]
pub struct GenericId<S> {
    /// The identifier.
    pub id: Max35Text,
    /// The scheme it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<CodeOrProprietary<S>>,
    /// Who issued it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Max35Text>,
}

/// Date and place of birth of a private person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateAndPlaceOfBirth {
    /// Date of birth.
    pub birth_date: chrono::NaiveDate,
    /// Province of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<Max35Text>,
    /// City of birth.
    pub city: Max35Text,
    /// Country of birth.
    pub country: CountryCode,
}

/// How a party is identified: as an organisation or as a private person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PartyId {
    /// An organisation.
    Organisation {
        /// Its BIC, when it has one (`AnyBIC`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        any_bic: Option<Bic>,
        /// Its LEI.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lei: Option<Lei>,
        /// Other identifiers (tax id, DUNS, ...).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        others: Vec<GenericId<OrganisationIdScheme>>,
    },
    /// A private person.
    Private {
        /// Date and place of birth.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        birth: Option<DateAndPlaceOfBirth>,
        /// Other identifiers (passport, national id, ...).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        others: Vec<GenericId<PersonIdScheme>>,
    },
}

/// Contact details of a party.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name of the contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Max140Text>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Max35Text>,
    /// Mobile number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<Max35Text>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Text<2048>>,
}

/// A person or organisation taking part in a payment: debtor, creditor, ultimate parties,
/// initiating party, account owner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Max140Text>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<PostalAddress>,
    /// Identification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<PartyId>,
    /// Country of residence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_of_residence: Option<CountryCode>,
    /// Contact details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

impl Party {
    /// A party known by name only.
    pub fn named(name: Max140Text) -> Self {
        Self { name: Some(name), ..Self::default() }
    }
}

/// How an account is identified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AccountId {
    /// An IBAN.
    Iban(Iban),
    /// Any other identifier: BBAN, sort code and account number, card number, a provider's
    /// own account id.
    Other {
        /// The identifier (masked in Debug and Display).
        id: AccountNumber,
        /// Its scheme: an ISO code (`BBAN`) or a proprietary name (`UK.OBIE.SortCodeAccountNumber`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scheme: Option<CodeOrProprietary<AccountScheme>>,
        /// Who issued it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        issuer: Option<Max35Text>,
    },
}

/// A proxy for an account (phone number, e-mail, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proxy {
    /// Proxy type: ISO `ExternalProxyAccountType1Code` (`TELE`, `EMAL`, ...) or proprietary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CodeOrProprietary<Text<4>>>,
    /// The proxy value.
    pub id: Text<2048>,
}

/// A cash account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Identification; absent only where a proxy identifies the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<AccountId>,
    /// Nature of the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<CodeOrProprietary<CashAccountType>>,
    /// Currency of the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Name of the account as the servicer knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Max70Text>,
    /// A proxy identifying the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Proxy>,
}

impl Account {
    /// An account identified by an IBAN.
    pub fn iban(iban: Iban) -> Self {
        Self { id: Some(AccountId::Iban(iban)), account_type: None, currency: None, name: None, proxy: None }
    }

    /// An account identified by another number, with an optional scheme.
    pub fn other(id: AccountNumber, scheme: Option<CodeOrProprietary<AccountScheme>>) -> Self {
        Self {
            id: Some(AccountId::Other { id, scheme, issuer: None }),
            account_type: None,
            currency: None,
            name: None,
            proxy: None,
        }
    }
}

/// A clearing-system member identification (ABA routing number, sort code, BLZ, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClearingMemberId {
    /// The clearing system (`USABA`, `GBDSC`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<CodeOrProprietary<ClearingSystem>>,
    /// The member identifier.
    pub member_id: Max35Text,
}

/// A financial institution: debtor agent, creditor agent, intermediary, instructing or instructed agent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// BIC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<Bic>,
    /// Clearing-system member identification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearing_member: Option<ClearingMemberId>,
    /// LEI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lei: Option<Lei>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Max140Text>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<PostalAddress>,
    /// Another identification (`Othr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_id: Option<GenericId<Text<4>>>,
    /// Branch identification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch_id: Option<Max35Text>,
}

impl Agent {
    /// An agent known by BIC only.
    pub fn bic(bic: Bic) -> Self {
        Self { bic: Some(bic), ..Self::default() }
    }
}

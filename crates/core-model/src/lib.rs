//! The canonical payment model (being written).

pub mod codes;
pub mod error;
pub mod loss;
pub mod outcome;

pub use codes::{
    AccountScheme, BalanceType, CashAccountType, CategoryPurpose, ClearingSystem, GroupStatus, LocalInstrument,
    OrganisationIdScheme, PaymentStatus, PersonIdScheme, Purpose, ReturnReason, ServiceLevel, StatusReason,
};

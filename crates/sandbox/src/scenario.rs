//! The deterministic scenario engine: what happens to a payment is decided by its amount and
//! accounts alone, the same in every API style. The table lives in the crate README; the tests
//! in this file and in `tests/` pin every row.

use std::time::Duration;

use payglot_core_model::{Decimal, Money};

/// Account lists and timings of the scenarios. The defaults are what the README documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenarios {
    /// Creditor accounts that fail `AC01` (incorrect account number).
    pub invalid_creditor_accounts: Vec<String>,
    /// Creditor accounts that fail `AC04` (closed account).
    pub closed_creditor_accounts: Vec<String>,
    /// Debtor accounts that are blocked: `AG01` (transaction forbidden).
    pub blocked_debtor_accounts: Vec<String>,
    /// How long an amount ending in .08 waits before its answer; longer than a typical client
    /// timeout (30 s) by default.
    pub slow_delay: Duration,
    /// The `Retry-After` of the .03 answer.
    pub unavailable_retry_after: Duration,
}

impl Default for Scenarios {
    fn default() -> Self {
        let list = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        Self {
            // Provider-style ids and well-known example IBANs (valid check digits).
            invalid_creditor_accounts: list(&["acc_000000", "GB33BUKB20201555555555"]),
            closed_creditor_accounts: list(&["acc_999999", "DE75512108001245126199"]),
            blocked_debtor_accounts: list(&["acc_blocked", "FR7630006000011234567890189"]),
            slow_delay: Duration::from_secs(35),
            unavailable_retry_after: Duration::from_secs(1),
        }
    }
}

/// What the scenario engine decided about a new payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Accept; the status clock moves it to ACSC.
    Accept,
    /// Accept, but answer only after this delay (the amount ends in .08).
    AcceptSlowly(Duration),
    /// Reject at once with this ISO status reason code.
    Reject(&'static str),
    /// Answer 503 with `Retry-After`; nothing is stored (the amount ends in .03). A retry with
    /// the same idempotency key goes through.
    Unavailable(Duration),
}

/// The facts a decision depends on.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The instructed amount.
    pub amount: &'a Money,
    /// The debtor (source) account id as given.
    pub debtor_account: &'a str,
    /// The creditor (destination) account id as given.
    pub creditor_account: &'a str,
    /// This is a retry of a request that got the .03 answer.
    pub is_retry_after_unavailable: bool,
    /// Another payment from this debtor already carries the same end-to-end id.
    pub duplicate_end_to_end_id: bool,
}

/// The cents of an amount (`50.51` → 51), when it has at most two decimals that matter.
pub fn cents(amount: Decimal) -> Option<u32> {
    let hundredths = (amount * Decimal::ONE_HUNDRED).normalize();
    if !hundredths.fract().is_zero() {
        return None;
    }
    let cents = (hundredths % Decimal::ONE_HUNDRED).abs();
    u32::try_from(cents.mantissa() / 10_i128.pow(cents.scale())).ok()
}

impl Scenarios {
    /// Decide, in the order of the README table: first matching row wins.
    pub fn decide(&self, facts: &Facts<'_>) -> Decision {
        let has = |list: &[String], account: &str| list.iter().any(|a| a.eq_ignore_ascii_case(account));
        let cents =
            if facts.amount.currency().exponent().unwrap_or(0) >= 2 { cents(facts.amount.amount()) } else { None };
        if cents == Some(3) && !facts.is_retry_after_unavailable {
            return Decision::Unavailable(self.unavailable_retry_after);
        }
        if facts.duplicate_end_to_end_id {
            return Decision::Reject("AM05");
        }
        if has(&self.blocked_debtor_accounts, facts.debtor_account) {
            return Decision::Reject("AG01");
        }
        if has(&self.invalid_creditor_accounts, facts.creditor_account) {
            return Decision::Reject("AC01");
        }
        if has(&self.closed_creditor_accounts, facts.creditor_account) {
            return Decision::Reject("AC04");
        }
        match cents {
            Some(51) => Decision::Reject("AM04"),
            Some(8) => Decision::AcceptSlowly(self.slow_delay),
            _ => Decision::Accept,
        }
    }
}

#[cfg(test)]
mod tests {
    use payglot_core_model::Currency;

    use super::*;

    fn decide(minor: i64, currency: &str, debtor: &str, creditor: &str) -> Decision {
        let amount = Money::from_minor_units(minor, Currency::parse(currency).unwrap()).unwrap();
        Scenarios::default().decide(&Facts {
            amount: &amount,
            debtor_account: debtor,
            creditor_account: creditor,
            is_retry_after_unavailable: false,
            duplicate_end_to_end_id: false,
        })
    }

    #[test]
    fn table_rows() {
        assert_eq!(decide(5000, "USD", "acc_1", "acc_2"), Decision::Accept);
        assert_eq!(decide(5051, "USD", "acc_1", "acc_2"), Decision::Reject("AM04"));
        assert_eq!(decide(5051, "EUR", "acc_1", "acc_2"), Decision::Reject("AM04"));
        assert_eq!(decide(5000, "USD", "acc_1", "acc_000000"), Decision::Reject("AC01"));
        assert_eq!(decide(5000, "USD", "acc_1", "ACC_999999"), Decision::Reject("AC04"));
        assert_eq!(decide(5000, "USD", "acc_blocked", "acc_2"), Decision::Reject("AG01"));
        assert_eq!(decide(5008, "USD", "acc_1", "acc_2"), Decision::AcceptSlowly(Duration::from_secs(35)));
        assert_eq!(decide(5003, "USD", "acc_1", "acc_2"), Decision::Unavailable(Duration::from_secs(1)));
        // No cents in JPY: 5051 yen is just an amount.
        assert_eq!(decide(5051, "JPY", "acc_1", "acc_2"), Decision::Accept);
        // Three-decimal currencies: 5.051 has cents 5.05 plus a tenth: no row matches.
        assert_eq!(decide(5051, "BHD", "acc_1", "acc_2"), Decision::Accept);
        assert_eq!(decide(5510, "BHD", "acc_1", "acc_2"), Decision::Reject("AM04"));
    }

    #[test]
    fn cents_of_amounts() {
        assert_eq!(cents(Decimal::new(5051, 2)), Some(51));
        assert_eq!(cents(Decimal::new(50510, 3)), Some(51));
        assert_eq!(cents(Decimal::new(50511, 3)), None);
        assert_eq!(cents(Decimal::new(50, 0)), Some(0));
        assert_eq!(cents(Decimal::new(-5003, 2)), Some(3));
    }

    #[test]
    fn default_ibans_are_valid() {
        let s = Scenarios::default();
        for acc in
            s.invalid_creditor_accounts.iter().chain(&s.closed_creditor_accounts).chain(&s.blocked_debtor_accounts)
        {
            if !acc.starts_with("acc_") {
                assert!(payglot_core_model::Iban::parse(acc).is_ok(), "{acc}");
            }
        }
    }
}

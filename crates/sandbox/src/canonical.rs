//! The sandbox's payments as canonical messages, and canonical payment initiations as payments
//! to create. Every style goes through here and a protocol crate's codec: a style decodes its
//! request into a canonical `PaymentInitiation` and takes its transfers with [`new_payments`];
//! it renders a stored [`Payment`] as a canonical `StatusReport` ([`status_report`]), a
//! `PaymentInitiation` ([`initiation`], for Open Banking's responses that repeat it) or a
//! `Statement` / `Notification` ([`statement`], [`notifications`]).

use chrono::NaiveDate;
use payglot_core_model::{
    Account, AccountId, AccountNumber, AccountReport, AccountReports, Balance, BankTransactionCode, CodeOrProprietary,
    CreditDebit, CreditTransfer, DateOrDateTime, DateTime, EndToEndId, Entry, EntryTransaction, GroupHeader,
    InstructionId, Max35Text, Max140Text, MessageId, Money, OriginalGroupStatus, Party, PaymentBatch, PaymentInfoId,
    PaymentInitiation, PaymentMethod, PaymentStatus, Remittance, StatusReason, StatusReasonInfo, StatusReport, Text,
    TransactionRefs, TransactionStatus,
};

use crate::payments::{NewPayment, Payment, Status, new_id};

/// The end-to-end id ISO uses when the originator gave none.
pub const NOT_PROVIDED: &str = "NOTPROVIDED";

/// An account id as the sandbox stores it: the IBAN or the other id, unmasked.
pub fn account_text(id: Option<&AccountId>) -> Option<String> {
    match id? {
        AccountId::Iban(iban) => Some(iban.expose().to_owned()),
        AccountId::Other { id, .. } => Some(id.expose().to_owned()),
    }
}

/// A provider account id: 1 to 34 characters of `[A-Za-z0-9_-]` (IBANs fit).
pub fn check_account(field: &str, value: &str) -> Result<(), String> {
    let ok =
        (1..=34).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok { Ok(()) } else { Err(format!("/{field}: must be 1 to 34 characters of letters, digits, '_' or '-'")) }
}

/// One transfer as a payment to create.
pub fn new_payment(t: &CreditTransfer) -> Result<NewPayment, String> {
    let amount = *t.amount().ok_or("the transfer has no amount")?;
    if amount.amount().is_sign_negative() || amount.amount().is_zero() {
        return Err("the amount must be positive".into());
    }
    let debtor = account_text(t.debtor_account.as_ref().and_then(|a| a.id.as_ref())).ok_or("no debtor account")?;
    let creditor =
        account_text(t.creditor_account.as_ref().and_then(|a| a.id.as_ref())).ok_or("no creditor account")?;
    check_account("debtor_account", &debtor)?;
    check_account("creditor_account", &creditor)?;
    let e2e = t.ids.end_to_end_id.as_str();
    let reference = match &t.ids.instruction_id {
        Some(id) => Some(id.as_str().to_owned()),
        None => t
            .remittance
            .as_ref()
            .and_then(|r| r.unstructured.first())
            .filter(|line| line.as_str().chars().count() <= 35)
            .map(|line| line.as_str().to_owned()),
    };
    Ok(NewPayment {
        amount,
        debtor_account: debtor,
        creditor_account: creditor,
        end_to_end_id: (e2e != NOT_PROVIDED).then(|| e2e.to_owned()),
        reference,
    })
}

/// The creditor's name a transfer gives (the party's, else the account's).
pub fn creditor_name(t: &CreditTransfer) -> Option<String> {
    t.creditor
        .name
        .as_ref()
        .map(|n| n.as_str().to_owned())
        .or_else(|| t.creditor_account.as_ref().and_then(|a| a.name.as_ref()).map(|n| n.as_str().to_owned()))
}

/// The creditor's name of the one transfer of an initiation.
pub fn single_creditor_name(pi: &PaymentInitiation) -> Option<String> {
    pi.transfers().next().and_then(creditor_name)
}

/// A hook keeping the creditor's name beside the payment (Open Banking's responses need it).
pub fn name_hook(name: Option<String>) -> Option<crate::app::Hook> {
    let name = name?;
    Some(Box::new(move |db: &dyn crate::db::Db, p: &Payment| db.set_creditor_name(&p.id, &name)))
}

/// Every transfer of an initiation, in order.
pub fn new_payments(pi: &PaymentInitiation) -> Result<Vec<NewPayment>, String> {
    pi.transfers().enumerate().map(|(i, t)| new_payment(t).map_err(|e| format!("transfer {i}: {e}"))).collect()
}

/// The one transfer of an initiation (styles that take one payment per request).
pub fn single_payment(pi: &PaymentInitiation) -> Result<NewPayment, String> {
    let mut transfers = pi.transfers();
    let (Some(t), None) = (transfers.next(), transfers.next()) else {
        return Err("the sandbox takes exactly one transfer per payment initiation in this style".into());
    };
    new_payment(t)
}

/// A stored account id as a canonical account: an IBAN, or a provider account id with
/// payglot's proprietary scheme (what `rest:native` reads `acc_123456` as).
pub fn account(text: &str) -> Option<Account> {
    if let Some(iban) = payglot_rest::electronic_iban(text) {
        return Some(Account::iban(iban));
    }
    let scheme = Max35Text::new(payglot_rest::NATIVE_ACCOUNT_SCHEME).ok().map(CodeOrProprietary::Proprietary);
    Some(Account::other(AccountNumber::parse(text).ok()?, scheme))
}

fn time(text: &str) -> DateTime {
    text.parse::<DateTime>().unwrap_or_else(|_| DateTime::from_utc(chrono::Utc::now()))
}

fn utc_date(t: &DateTime) -> NaiveDate {
    t.to_utc().map_or_else(|| chrono::Utc::now().date_naive(), |d| d.date_naive())
}

fn reasons(p: &Payment) -> Vec<StatusReasonInfo> {
    p.reason
        .as_deref()
        .and_then(|code| StatusReason::parse(code).ok())
        .map(|code| StatusReasonInfo {
            originator: None,
            reason: Some(CodeOrProprietary::Code(code)),
            mapped_reason: None,
            additional_info: Vec::new(),
        })
        .into_iter()
        .collect()
}

/// The payment's status as one canonical transaction status: the payment id is the status id.
pub fn transaction_status(p: &Payment) -> Option<TransactionStatus> {
    Some(TransactionStatus {
        status_id: Some(Max35Text::new(p.id.clone()).ok()?),
        original_instruction_id: p.reference.as_ref().and_then(|r| InstructionId::new(r.clone()).ok()),
        original_end_to_end_id: p.end_to_end_id.as_ref().and_then(|e| EndToEndId::new(e.clone()).ok()),
        original_transaction_id: None,
        original_uetr: None,
        status: Some(PaymentStatus::parse(p.status.code()).ok()?),
        reasons: reasons(p),
        acceptance_time: Some(time(&p.created_at)),
        original_amount: Some(p.amount),
        original_requested_execution: None,
        extensions: Default::default(),
    })
}

/// The original message a status report answers: its id and ISO message name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    /// `OrgnlMsgId`.
    pub message_id: String,
    /// `OrgnlMsgNmId`, e.g. `pain.001.001.09`.
    pub message_name: String,
}

/// A status report (pain.002 content) of payments, under a fresh message id. With `original`,
/// the original group is named, with the group status: ACCP when every payment is still
/// good, RJCT when all were rejected, PART otherwise.
pub fn status_report(payments: &[Payment], original: Option<&Original>) -> Option<StatusReport> {
    let header = GroupHeader::new(MessageId::new(new_id("sts")).ok()?, DateTime::from_utc(chrono::Utc::now()));
    let original_groups = match original {
        Some(o) => {
            let rejected = payments.iter().filter(|p| p.status == Status::Rejected).count();
            let group = match rejected {
                0 => "ACCP",
                n if n == payments.len() => "RJCT",
                _ => "PART",
            };
            vec![OriginalGroupStatus {
                original_message_id: Max35Text::new(o.message_id.clone()).ok()?,
                original_message_name: Max35Text::new(o.message_name.clone()).ok()?,
                original_created: None,
                original_number_of_transactions: Text::new(payments.len().to_string()).ok(),
                original_control_sum: None,
                status: payglot_core_model::GroupStatus::parse(group).ok(),
                reasons: Vec::new(),
            }]
        }
        None => Vec::new(),
    };
    let transactions = payments.iter().map(transaction_status).collect::<Option<Vec<_>>>()?;
    Some(StatusReport { header, original_groups, payment_infos: Vec::new(), transactions })
}

/// The payment as `rest:native`'s payment resource: a status report whose message id is the
/// payment id, created at the last change.
pub fn resource(p: &Payment) -> Option<StatusReport> {
    let header = GroupHeader::new(MessageId::new(p.id.clone()).ok()?, time(&p.updated_at));
    Some(StatusReport {
        header,
        original_groups: Vec::new(),
        payment_infos: Vec::new(),
        transactions: vec![transaction_status(p)?],
    })
}

/// A rejection (or any transport error) as a canonical status report of one transaction:
/// status RJCT, the reason (an ISO code, or a provider's own code) and the detail.
pub fn rejection(
    payment: Option<&Payment>,
    reason: CodeOrProprietary<StatusReason>,
    detail: &str,
) -> Option<StatusReport> {
    let header = GroupHeader::new(MessageId::new(new_id("err")).ok()?, DateTime::from_utc(chrono::Utc::now()));
    let chars: Vec<char> = detail.chars().collect();
    let additional_info =
        chars.chunks(105).filter_map(|c| Text::<105>::new(c.iter().collect::<String>()).ok()).collect();
    let transaction = TransactionStatus {
        status_id: payment.and_then(|p| Max35Text::new(p.id.clone()).ok()),
        original_instruction_id: None,
        original_end_to_end_id: payment
            .and_then(|p| p.end_to_end_id.as_ref())
            .and_then(|e| EndToEndId::new(e.clone()).ok()),
        original_transaction_id: None,
        original_uetr: None,
        status: PaymentStatus::parse("RJCT").ok(),
        reasons: vec![StatusReasonInfo {
            originator: None,
            reason: Some(reason),
            mapped_reason: None,
            additional_info,
        }],
        acceptance_time: None,
        original_amount: None,
        original_requested_execution: None,
        extensions: Default::default(),
    };
    Some(StatusReport {
        header,
        original_groups: Vec::new(),
        payment_infos: Vec::new(),
        transactions: vec![transaction],
    })
}

/// The payment as a canonical initiation of one transfer (for Open Banking's responses, which
/// repeat the initiation): instruction id = the client's reference, else the payment id.
pub fn initiation(p: &Payment, creditor_name: Option<&str>) -> Option<PaymentInitiation> {
    let e2e = EndToEndId::new(p.end_to_end_id.clone().unwrap_or_else(|| NOT_PROVIDED.to_owned())).ok()?;
    let creditor = Party { name: creditor_name.and_then(|n| Text::new(n).ok()), ..Party::default() };
    let mut t = CreditTransfer::new(e2e, p.amount, Party::default(), creditor);
    t.ids.instruction_id = InstructionId::new(p.reference.clone().unwrap_or_else(|| p.id.clone())).ok();
    t.debtor_account = account(&p.debtor_account);
    t.creditor_account = account(&p.creditor_account);
    let message_id = MessageId::new(p.id.clone()).ok()?;
    Some(PaymentInitiation {
        header: GroupHeader::new(message_id, time(&p.created_at)),
        batches: vec![PaymentBatch {
            id: PaymentInfoId::new(p.id.clone()).ok()?,
            method: PaymentMethod::Transfer,
            batch_booking: None,
            transfers: vec![t],
        }],
    })
}

fn code4(text: &str) -> Option<Text<4>> {
    Text::new(text).ok()
}

/// One booking of a payment on `side` (debit: the debtor's account).
fn entry(p: &Payment, side: CreditDebit, booked: bool) -> Option<Entry> {
    let family = if side == CreditDebit::Debit { "ICDT" } else { "RCDT" };
    let when = time(&p.updated_at);
    let refs = TransactionRefs {
        account_servicer_reference: Max35Text::new(p.id.clone()).ok(),
        instruction_id: p.reference.as_ref().and_then(|r| Max35Text::new(r.clone()).ok()),
        end_to_end_id: Some(Max35Text::new(p.end_to_end_id.clone().unwrap_or_else(|| NOT_PROVIDED.into())).ok()?),
        ..TransactionRefs::default()
    };
    let remittance = p
        .reference
        .as_ref()
        .and_then(|r| Max140Text::new(r.clone()).ok())
        .map(|line| Remittance { unstructured: vec![line], structured: Vec::new() });
    Some(Entry {
        reference: Max35Text::new(p.id.clone()).ok(),
        amount: p.amount,
        credit_debit: side,
        reversal: None,
        status: CodeOrProprietary::Code(code4(if booked { "BOOK" } else { "PDNG" })?),
        booking_date: booked.then_some(DateOrDateTime::DateTime(when)),
        value_date: booked.then(|| DateOrDateTime::Date(utc_date(&when))),
        account_servicer_reference: Max35Text::new(p.id.clone()).ok(),
        bank_transaction_code: BankTransactionCode {
            domain: code4("PMNT"),
            family: code4(family),
            sub_family: code4("OTHR"),
            ..BankTransactionCode::default()
        },
        batch: None,
        transactions: vec![EntryTransaction {
            refs: Some(refs),
            amount: Some(p.amount),
            credit_debit: Some(side),
            remittance,
            ..EntryTransaction::default()
        }],
        additional_info: None,
    })
}

/// The side of `account` in a payment.
pub fn side(p: &Payment, account: &str) -> CreditDebit {
    if p.debtor_account == account { CreditDebit::Debit } else { CreditDebit::Credit }
}

fn signed(p: &Payment, account: &str) -> payglot_core_model::Decimal {
    match side(p, account) {
        CreditDebit::Debit => -p.amount.amount(),
        CreditDebit::Credit => p.amount.amount(),
    }
}

fn balance(
    kind: &str,
    sum: payglot_core_model::Decimal,
    currency: payglot_core_model::Currency,
    date: NaiveDate,
) -> Option<Balance> {
    Some(Balance {
        kind: CodeOrProprietary::Code(payglot_core_model::BalanceType::parse(kind).ok()?),
        sub_kind: None,
        amount: Money::new(sum.abs(), currency).ok()?,
        credit_debit: if sum.is_sign_negative() { CreditDebit::Debit } else { CreditDebit::Credit },
        date: DateOrDateTime::Date(date),
    })
}

/// The booking date of a settled payment (UTC date of its last change, the ACSC step).
pub fn booking_date(p: &Payment) -> NaiveDate {
    utc_date(&time(&p.updated_at))
}

/// A camt.053 statement of `account` for `date`: one report per currency the account has
/// settled payments in, with the opening balance (everything booked before `date`, starting
/// from zero), the closing balance and that day's bookings. `payments` are the account's
/// payments, oldest first; only settled (ACSC) ones are bookings. `None` when the account has
/// no booking at all.
pub fn statement(account_id: &str, payments: &[Payment], date: NaiveDate) -> Option<AccountReports> {
    let booked: Vec<&Payment> = payments.iter().filter(|p| p.status == Status::Settled).collect();
    let mut currencies: Vec<payglot_core_model::Currency> = Vec::new();
    for p in &booked {
        if !currencies.contains(&p.amount.currency()) {
            currencies.push(p.amount.currency());
        }
    }
    if currencies.is_empty() {
        return None;
    }
    let header = GroupHeader::new(MessageId::new(new_id("stm")).ok()?, DateTime::from_utc(chrono::Utc::now()));
    let mut reports = Vec::new();
    for currency in currencies {
        let mine = || booked.iter().filter(move |p| p.amount.currency() == currency);
        let opening: payglot_core_model::Decimal =
            mine().filter(|p| booking_date(p) < date).map(|p| signed(p, account_id)).sum();
        let day: Vec<&&Payment> = mine().filter(|p| booking_date(p) == date).collect();
        let closing = opening + day.iter().map(|p| signed(p, account_id)).sum::<payglot_core_model::Decimal>();
        let mut acc = account(account_id)?;
        acc.currency = Some(currency);
        let entries = day.iter().map(|p| entry(p, side(p, account_id), true)).collect::<Option<Vec<_>>>()?;
        reports.push(AccountReport {
            id: Max35Text::new(format!("{}-{}", date.format("%Y%m%d"), currency.code())).ok()?,
            electronic_sequence: None,
            legal_sequence: None,
            created: Some(header.created),
            from: None,
            to: None,
            account: acc,
            account_owner: None,
            account_servicer: None,
            balances: vec![balance("OPBD", opening, currency, date)?, balance("CLBD", closing, currency, date)?],
            summary: None,
            entries,
            additional_info: None,
        });
    }
    Some(AccountReports { header, reports })
}

/// camt.054 content: one notification per booking of the settled `payments` (a debit on the
/// debtor's account and a credit on the creditor's). `None` when there is none.
pub fn notifications(payments: &[Payment]) -> Option<AccountReports> {
    let header = GroupHeader::new(MessageId::new(new_id("ntf")).ok()?, DateTime::from_utc(chrono::Utc::now()));
    let mut reports = Vec::new();
    for p in payments.iter().filter(|p| p.status == Status::Settled) {
        for (prefix, account_id, side) in
            [("D", &p.debtor_account, CreditDebit::Debit), ("C", &p.creditor_account, CreditDebit::Credit)]
        {
            let mut acc = account(account_id)?;
            acc.currency = Some(p.amount.currency());
            reports.push(AccountReport {
                id: Max35Text::new(format!("{prefix}-{}", p.id)).ok()?,
                electronic_sequence: None,
                legal_sequence: None,
                created: Some(time(&p.updated_at)),
                from: None,
                to: None,
                account: acc,
                account_owner: None,
                account_servicer: None,
                balances: Vec::new(),
                summary: None,
                entries: vec![entry(p, side, true)?],
                additional_info: None,
            });
        }
    }
    (!reports.is_empty()).then_some(AccountReports { header, reports })
}

/// The account's payments (not rejected) as `rest:native`'s transaction list: settled ones
/// booked, the others pending.
pub fn transaction_list(account_id: &str, payments: &[Payment]) -> Option<AccountReports> {
    let list_id = new_id("txl");
    let header = GroupHeader::new(MessageId::new(list_id.clone()).ok()?, DateTime::from_utc(chrono::Utc::now()));
    let entries = payments
        .iter()
        .filter(|p| p.status != Status::Rejected)
        .map(|p| {
            let mut e = entry(p, side(p, account_id), p.status == Status::Settled)?;
            // rest:native carries dates only, no bank transaction code and no details.
            e.booking_date = e.booking_date.map(|d| DateOrDateTime::Date(d.date()));
            e.bank_transaction_code = BankTransactionCode::default();
            e.transactions.clear();
            Some(e)
        })
        .collect::<Option<Vec<_>>>()?;
    let report = AccountReport {
        id: Max35Text::new(list_id).ok()?,
        electronic_sequence: None,
        legal_sequence: None,
        created: None,
        from: None,
        to: None,
        account: account(account_id)?,
        account_owner: None,
        account_servicer: None,
        balances: Vec::new(),
        summary: None,
        entries,
        additional_info: None,
    };
    Some(AccountReports { header, reports: vec![report] })
}

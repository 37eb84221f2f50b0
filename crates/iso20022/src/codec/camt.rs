//! camt.053 statements and camt.054 notifications (02 and 08) ↔ `AccountReports`.

use payglot_core_model::message::{
    AccountReport, AccountReports, Balance, BankTransactionCode, CreditDebit, Entry, EntryBatch, EntryTransaction,
    GroupHeader, RelatedParties, ReturnReasonInfo, TransactionRefs, TransactionsSummary,
};
use payglot_core_model::text::Text;
use payglot_core_model::{
    BalanceType, CodeOrProprietary, DecodeError, EncodeError, InvalidValue, Message, Party, ReturnReason,
};

use super::common::{self as c, Era, Out};
use super::tree::Element;

/// Statement (camt.053) or notification (camt.054): the same report with other element names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Statement,
    Notification,
}

impl Kind {
    pub(crate) fn report(self) -> &'static str {
        if self == Kind::Statement { "Stmt" } else { "Ntfctn" }
    }

    pub(crate) fn additional_info(self) -> &'static str {
        if self == Kind::Statement { "AddtlStmtInf" } else { "AddtlNtfctnInf" }
    }

    pub(crate) fn root(self) -> &'static str {
        if self == Kind::Statement { "BkToCstmrStmt" } else { "BkToCstmrDbtCdtNtfctn" }
    }

    fn path(self) -> &'static str {
        if self == Kind::Statement { "/message/statement" } else { "/message/notification" }
    }
}

pub(crate) fn decode(root: Element, era: Era, kind: Kind) -> Result<Message, DecodeError> {
    let header = group_header(root.child("GrpHdr").ok_or_else(|| c::missing(root, "GrpHdr"))?, era)?;
    let reports = root.children(kind.report()).map(|r| report(r, era, kind)).collect::<Result<_, _>>()?;
    let reports = AccountReports { header, reports };
    Ok(match kind {
        Kind::Statement => Message::Statement(reports),
        Kind::Notification => Message::Notification(reports),
    })
}

/// The group header (`GrpHdr`).
pub(crate) fn group_header(h: Element, era: Era) -> Result<GroupHeader, DecodeError> {
    let mut header = GroupHeader::new(
        c::opt_parse(h, "MsgId", |s: &str| payglot_core_model::MessageId::new(s))?
            .ok_or_else(|| c::missing(h, "MsgId"))?,
        h.child("CreDtTm").map(c::datetime).transpose()?.ok_or_else(|| c::missing(h, "CreDtTm"))?,
    );
    header.recipient = c::opt_party(h, "MsgRcpt", era)?;
    header.additional_info = c::opt_text(h, "AddtlInf")?;
    Ok(header)
}

fn credit_debit(parent: Element) -> Result<Option<CreditDebit>, DecodeError> {
    parent
        .child("CdtDbtInd")
        .map(|cd| match cd.text() {
            "CRDT" => Ok(CreditDebit::Credit),
            "DBIT" => Ok(CreditDebit::Debit),
            other => Err(c::invalid(cd, InvalidValue::new("credit/debit indicator", other.to_owned()))),
        })
        .transpose()
}

fn report(r: Element, era: Era, kind: Kind) -> Result<AccountReport, DecodeError> {
    let mut report = report_head(r, era)?;
    report.entries = r.children("Ntry").map(|e| entry(e, era)).collect::<Result<_, _>>()?;
    report.additional_info = report_tail(r, kind)?;
    Ok(report)
}

/// What follows the entries of a report (`AddtlStmtInf`, `AddtlNtfctnInf`).
pub(crate) fn report_tail(r: Element, kind: Kind) -> Result<Option<Text<500>>, DecodeError> {
    c::opt_text(r, kind.additional_info())
}

/// A report without its entries and additional information (the parts before the first
/// `Ntry`, which the streaming reader yields before the entries).
pub(crate) fn report_head(r: Element, era: Era) -> Result<AccountReport, DecodeError> {
    let account_el = r.child("Acct").ok_or_else(|| c::missing(r, "Acct"))?;
    let (from, to) = match r.child("FrToDt") {
        Some(p) => (p.child("FrDtTm").map(c::datetime).transpose()?, p.child("ToDtTm").map(c::datetime).transpose()?),
        None => (None, None),
    };
    Ok(AccountReport {
        id: c::opt_text(r, "Id")?.ok_or_else(|| c::missing(r, "Id"))?,
        electronic_sequence: r.child("ElctrncSeqNb").map(c::decimal).transpose()?,
        legal_sequence: r.child("LglSeqNb").map(c::decimal).transpose()?,
        created: r.child("CreDtTm").map(c::datetime).transpose()?,
        from,
        to,
        account: c::account(account_el)?,
        account_owner: c::opt_party(account_el, "Ownr", era)?,
        account_servicer: c::opt_agent(account_el, "Svcr", era)?,
        balances: r.children("Bal").map(balance).collect::<Result<_, _>>()?,
        summary: r.child("TxsSummry").map(summary).transpose()?,
        entries: Vec::new(),
        additional_info: None,
    })
}

fn balance(b: Element) -> Result<Balance, DecodeError> {
    let tp = b.child("Tp").ok_or_else(|| c::missing(b, "Tp"))?;
    let kind = c::code_or_prop(tp.child("CdOrPrtry").ok_or_else(|| c::missing(tp, "CdOrPrtry"))?, BalanceType::parse)?;
    Ok(Balance {
        kind,
        sub_kind: c::opt_code_or_prop(tp, "SubTp", |s: &str| Text::try_from(s))?,
        amount: c::opt_money(b, "Amt")?.ok_or_else(|| c::missing(b, "Amt"))?,
        credit_debit: credit_debit(b)?.ok_or_else(|| c::missing(b, "CdtDbtInd"))?,
        date: c::date_or_datetime(b.child("Dt").ok_or_else(|| c::missing(b, "Dt"))?)?,
    })
}

fn number_and_sum(el: Element) -> Result<(Option<Text<15>>, Option<rust_decimal::Decimal>), DecodeError> {
    Ok((c::opt_text(el, "NbOfNtries")?, el.child("Sum").map(c::decimal).transpose()?))
}

fn summary(s: Element) -> Result<TransactionsSummary, DecodeError> {
    let mut summary = TransactionsSummary::default();
    if let Some(t) = s.child("TtlNtries") {
        (summary.number_of_entries, summary.sum) = number_and_sum(t)?;
    }
    if let Some(t) = s.child("TtlCdtNtries") {
        (summary.credit_entries, summary.credit_sum) = number_and_sum(t)?;
    }
    if let Some(t) = s.child("TtlDbtNtries") {
        (summary.debit_entries, summary.debit_sum) = number_and_sum(t)?;
    }
    Ok(summary)
}

fn bank_transaction_code(b: Element) -> Result<BankTransactionCode, DecodeError> {
    let mut code = BankTransactionCode::default();
    if let Some(domain) = b.child("Domn") {
        code.domain = c::opt_text(domain, "Cd")?;
        if let Some(family) = domain.child("Fmly") {
            code.family = c::opt_text(family, "Cd")?;
            code.sub_family = c::opt_text(family, "SubFmlyCd")?;
        }
    }
    if let Some(prop) = b.child("Prtry") {
        code.proprietary_code = c::opt_text(prop, "Cd")?;
        code.proprietary_issuer = c::opt_text(prop, "Issr")?;
    }
    Ok(code)
}

/// One entry (`Ntry`).
pub(crate) fn entry(e: Element, era: Era) -> Result<Entry, DecodeError> {
    let status = match (era, e.child("Sts")) {
        (Era::Old, Some(s)) => CodeOrProprietary::Code(c::text(s)?),
        (Era::New, Some(s)) => c::code_or_prop(s, |s: &str| Text::try_from(s))?,
        (_, None) => return Err(c::missing(e, "Sts")),
    };
    let mut details = e.children("NtryDtls");
    let (batch, mut transactions) = match details.next() {
        Some(d) => (
            d.child("Btch").map(batch).transpose()?,
            d.children("TxDtls").map(|t| transaction(t, era)).collect::<Result<Vec<_>, _>>()?,
        ),
        None => (None, Vec::new()),
    };
    // Further NtryDtls blocks: their transactions join the first block's; a second Btch has
    // no canonical place and stays unread (reported as a loss).
    for d in details {
        for t in d.children("TxDtls") {
            transactions.push(transaction(t, era)?);
        }
    }
    Ok(Entry {
        reference: c::opt_text(e, "NtryRef")?,
        amount: c::opt_money(e, "Amt")?.ok_or_else(|| c::missing(e, "Amt"))?,
        credit_debit: credit_debit(e)?.ok_or_else(|| c::missing(e, "CdtDbtInd"))?,
        reversal: e.child("RvslInd").map(c::boolean).transpose()?,
        status,
        booking_date: e.child("BookgDt").map(c::date_or_datetime).transpose()?,
        value_date: e.child("ValDt").map(c::date_or_datetime).transpose()?,
        account_servicer_reference: c::opt_text(e, "AcctSvcrRef")?,
        bank_transaction_code: bank_transaction_code(e.child("BkTxCd").ok_or_else(|| c::missing(e, "BkTxCd"))?)?,
        batch,
        transactions,
        additional_info: c::opt_text(e, "AddtlNtryInf")?,
    })
}

fn batch(b: Element) -> Result<EntryBatch, DecodeError> {
    Ok(EntryBatch {
        message_id: c::opt_text(b, "MsgId")?,
        payment_info_id: c::opt_text(b, "PmtInfId")?,
        number_of_transactions: c::opt_text(b, "NbOfTxs")?,
        total_amount: c::opt_money(b, "TtlAmt")?,
        credit_debit: credit_debit(b)?,
    })
}

/// `Dbtr`, `Cdtr`, ...: a party in 02; in 08 a choice of a party (`Pty`) or an agent (`Agt`),
/// of which only the party has a canonical place (an agent stays unread and is reported).
fn related_party(parent: Element, name: &str, era: Era) -> Result<Option<Party>, DecodeError> {
    match (era, parent.child(name)) {
        (Era::Old, Some(p)) => Ok(Some(c::party(p, era)?)),
        (Era::New, Some(choice)) => choice.child("Pty").map(|p| c::party(p, era)).transpose(),
        (_, None) => Ok(None),
    }
}

fn transaction(t: Element, era: Era) -> Result<EntryTransaction, DecodeError> {
    let refs = match t.child("Refs") {
        Some(r) => Some(TransactionRefs {
            message_id: c::opt_text(r, "MsgId")?,
            account_servicer_reference: c::opt_text(r, "AcctSvcrRef")?,
            payment_info_id: c::opt_text(r, "PmtInfId")?,
            instruction_id: c::opt_text(r, "InstrId")?,
            end_to_end_id: c::opt_text(r, "EndToEndId")?,
            uetr: c::opt_parse(r, "UETR", payglot_core_model::Uetr::parse)?,
            transaction_id: c::opt_text(r, "TxId")?,
            mandate_id: c::opt_text(r, "MndtId")?,
            cheque_number: c::opt_text(r, "ChqNb")?,
            clearing_system_reference: c::opt_text(r, "ClrSysRef")?,
        }),
        None => None,
    };
    let details = t.child("AmtDtls");
    let detail_amount = |name: &str| -> Result<Option<payglot_core_model::Money>, DecodeError> {
        match details.and_then(|d| d.child(name)) {
            Some(x) => c::opt_money(x, "Amt"),
            None => Ok(None),
        }
    };
    let instructed_amount = detail_amount("InstdAmt")?;
    let amount = match era {
        Era::New => c::opt_money(t, "Amt")?,
        Era::Old => detail_amount("TxAmt")?,
    };
    // From 08 on, `AmtDtls/TxAmt` often repeats `Amt` exactly (same text, same currency): then
    // it carries nothing more and is read; a different one is a loss like any unread element.
    if era == Era::New
        && let (Some(amt), Some(tx)) = (t.peek("Amt"), details.and_then(|d| d.peek("TxAmt")))
        && let Some(tx_amt) = tx.peek("Amt")
        && tx_amt.peek_text() == amt.peek_text()
        && tx_amt.same_attributes(amt)
    {
        tx.mark();
        tx_amt.mark();
    }
    let parties = match t.child("RltdPties") {
        Some(p) => {
            let agents = t.child("RltdAgts");
            Some(RelatedParties {
                debtor: related_party(p, "Dbtr", era)?,
                debtor_account: c::opt_account(p, "DbtrAcct")?,
                ultimate_debtor: related_party(p, "UltmtDbtr", era)?,
                creditor: related_party(p, "Cdtr", era)?,
                creditor_account: c::opt_account(p, "CdtrAcct")?,
                ultimate_creditor: related_party(p, "UltmtCdtr", era)?,
                debtor_agent: agents.map(|a| c::opt_agent(a, "DbtrAgt", era)).transpose()?.flatten(),
                creditor_agent: agents.map(|a| c::opt_agent(a, "CdtrAgt", era)).transpose()?.flatten(),
            })
        }
        None => match t.child("RltdAgts") {
            Some(a) => Some(RelatedParties {
                debtor_agent: c::opt_agent(a, "DbtrAgt", era)?,
                creditor_agent: c::opt_agent(a, "CdtrAgt", era)?,
                ..RelatedParties::default()
            }),
            None => None,
        },
    };
    // Related parties that held only what has no canonical place (an agent as debtor) are
    // reported as losses, not kept as an empty object.
    let parties = parties.filter(|p| *p != RelatedParties::default()).map(Box::new);
    let return_reason = match t.child("RtrInf") {
        Some(r) => Some(ReturnReasonInfo {
            originator: c::opt_party(r, "Orgtr", era)?,
            reason: c::opt_code_or_prop(r, "Rsn", ReturnReason::parse)?,
            additional_info: c::texts(r, "AddtlInf")?,
        }),
        None => None,
    };
    Ok(EntryTransaction {
        refs,
        amount,
        credit_debit: if era == Era::New { credit_debit(t)? } else { None },
        instructed_amount,
        bank_transaction_code: t.child("BkTxCd").map(bank_transaction_code).transpose()?,
        parties,
        purpose: c::opt_code_or_prop(t, "Purp", payglot_core_model::Purpose::parse)?,
        remittance: t.child("RmtInf").map(|r| c::remittance(r, era)).transpose()?,
        return_reason,
        additional_info: c::opt_text(t, "AddtlTxInf")?,
    })
}

// ---------------------------------------------------------------- encode

pub(crate) fn encode(out: &mut Out, m: &AccountReports, namespace: &str, kind: Kind) -> Result<(), EncodeError> {
    let base = kind.path();
    if m.reports.is_empty() {
        return Err(EncodeError::unrepresentable(format!("{base}/reports"), "camt.053/054 need at least one report"));
    }
    encode_start(out, &m.header, namespace, kind);
    for (i, r) in m.reports.iter().enumerate() {
        encode_report(out, r, format_args!("{}", report_path(kind, i)), kind)?;
    }
    out.xml.end();
    out.xml.end();
    Ok(())
}

/// The canonical path of a report (`/message/statement/reports/0`).
pub(crate) fn report_path(kind: Kind, index: usize) -> String {
    format!("{}/reports/{index}", kind.path())
}

/// Open the Document and the root element, and write the group header (`GrpHdr`): what
/// precedes the first report. The caller closes the two elements after the last report.
pub(crate) fn encode_start(out: &mut Out, header: &GroupHeader, namespace: &str, kind: Kind) {
    let base = kind.path();
    out.xml.start_with("Document", &[("xmlns", namespace)]);
    out.xml.start(kind.root());
    out.xml.start("GrpHdr");
    out.xml.leaf("MsgId", header.message_id.as_str());
    out.xml.leaf("CreDtTm", &header.created.to_string());
    out.opt_party("MsgRcpt", format_args!("{base}/header/recipient"), header.recipient.as_ref());
    out.text("AddtlInf", header.additional_info.as_ref());
    out.xml.end();
    super::header_losses(out, header, format_args!("{base}/header"), &["recipient", "additional_info"]);
}

fn cd(value: CreditDebit) -> &'static str {
    match value {
        CreditDebit::Credit => "CRDT",
        CreditDebit::Debit => "DBIT",
    }
}

fn encode_report(
    out: &mut Out,
    r: &AccountReport,
    path: std::fmt::Arguments<'_>,
    kind: Kind,
) -> Result<(), EncodeError> {
    encode_report_head(out, r, path, kind)?;
    for (i, e) in r.entries.iter().enumerate() {
        encode_entry(out, e, format_args!("{path}/entries/{i}"));
    }
    encode_report_end(out, r.additional_info.as_ref(), kind);
    Ok(())
}

/// Open a report (`Stmt` / `Ntfctn`) and write what precedes its entries; its entries and
/// additional information are not read here ([`encode_entry`], [`encode_report_end`]).
pub(crate) fn encode_report_head(
    out: &mut Out,
    r: &AccountReport,
    path: std::fmt::Arguments<'_>,
    kind: Kind,
) -> Result<(), EncodeError> {
    out.xml.start(kind.report());
    out.xml.leaf("Id", r.id.as_str());
    out.xml.opt_leaf("ElctrncSeqNb", r.electronic_sequence.map(|d| d.to_string()).as_deref());
    out.xml.opt_leaf("LglSeqNb", r.legal_sequence.map(|d| d.to_string()).as_deref());
    match (r.created, out.era) {
        (Some(created), _) => out.xml.leaf("CreDtTm", &created.to_string()),
        (None, Era::Old) => {
            return Err(EncodeError::unrepresentable(
                format!("{path}/created"),
                format!("{} requires a creation date-time per report", out.version),
            ));
        }
        (None, Era::New) => {}
    }
    if let (Some(from), Some(to)) = (r.from, r.to) {
        out.xml.start("FrToDt");
        out.xml.leaf("FrDtTm", &from.to_string());
        out.xml.leaf("ToDtTm", &to.to_string());
        out.xml.end();
    } else {
        out.drop_if(r.from.is_some() || r.to.is_some(), format_args!("{path}/from"), "a period with only one end");
    }
    encode_account(out, r, path);
    if kind == Kind::Statement {
        if r.balances.is_empty() {
            return Err(EncodeError::unrepresentable(
                format!("{path}/balances"),
                "camt.053 requires at least one balance",
            ));
        }
        for b in &r.balances {
            out.xml.start("Bal");
            out.xml.start("Tp");
            out.code_or_prop("CdOrPrtry", Some(&b.kind));
            out.code_or_prop("SubTp", b.sub_kind.as_ref());
            out.xml.end();
            out.money("Amt", &b.amount);
            out.xml.leaf("CdtDbtInd", cd(b.credit_debit));
            out.date_or_datetime("Dt", &b.date);
            out.xml.end();
        }
    } else {
        out.drop_if(!r.balances.is_empty(), format_args!("{path}/balances"), "balances (camt.054 has none)");
    }
    if let Some(s) = &r.summary {
        out.xml.start("TxsSummry");
        for (name, number, sum) in [
            ("TtlNtries", &s.number_of_entries, &s.sum),
            ("TtlCdtNtries", &s.credit_entries, &s.credit_sum),
            ("TtlDbtNtries", &s.debit_entries, &s.debit_sum),
        ] {
            if number.is_some() || sum.is_some() {
                out.xml.start(name);
                out.text("NbOfNtries", number.as_ref());
                out.xml.opt_leaf("Sum", sum.map(|d| d.to_string()).as_deref());
                out.xml.end();
            }
        }
        out.xml.end();
    }
    Ok(())
}

/// Write a report's additional information and close it.
pub(crate) fn encode_report_end(out: &mut Out, additional_info: Option<&Text<500>>, kind: Kind) {
    out.text(kind.additional_info(), additional_info);
    out.xml.end();
}

fn encode_account(out: &mut Out, r: &AccountReport, path: std::fmt::Arguments<'_>) {
    // CashAccount20/39 is CashAccount16/38 plus the owner and servicer.
    let a = &r.account;
    out.xml.start("Acct");
    match &a.id {
        Some(payglot_core_model::AccountId::Iban(iban)) => out.xml.element("Id", |x| x.leaf("IBAN", iban.expose())),
        Some(payglot_core_model::AccountId::Other { id, scheme, issuer }) => {
            out.xml.start("Id");
            out.xml.start("Othr");
            out.xml.leaf("Id", id.expose());
            out.code_or_prop("SchmeNm", scheme.as_ref());
            out.text("Issr", issuer.as_ref());
            out.xml.end();
            out.xml.end();
        }
        None => out.drop_if(true, format_args!("{path}/account/proxy"), "an account known by proxy only"),
    }
    out.code_or_prop("Tp", a.account_type.as_ref());
    out.xml.opt_leaf("Ccy", a.currency.map(payglot_core_model::Currency::code));
    out.text("Nm", a.name.as_ref());
    match (&a.proxy, out.era) {
        (Some(proxy), Era::New) => {
            out.xml.start("Prxy");
            out.code_or_prop("Tp", proxy.kind.as_ref());
            out.xml.leaf("Id", proxy.id.as_str());
            out.xml.end();
        }
        (Some(_), Era::Old) => out.drop_if(true, format_args!("{path}/account/proxy"), "an account proxy"),
        (None, _) => {}
    }
    out.opt_party("Ownr", format_args!("{path}/account_owner"), r.account_owner.as_ref());
    out.opt_agent("Svcr", format_args!("{path}/account_servicer"), r.account_servicer.as_ref());
    out.xml.end();
}

fn encode_btc(out: &mut Out, code: &BankTransactionCode, path: std::fmt::Arguments<'_>) {
    out.xml.start("BkTxCd");
    match (&code.domain, &code.family, &code.sub_family) {
        (Some(domain), Some(family), Some(sub)) => {
            out.xml.start("Domn");
            out.xml.leaf("Cd", domain.as_str());
            out.xml.start("Fmly");
            out.xml.leaf("Cd", family.as_str());
            out.xml.leaf("SubFmlyCd", sub.as_str());
            out.xml.end();
            out.xml.end();
        }
        (None, None, None) => {}
        _ => out.drop_if(true, format_args!("{path}/domain"), "an incomplete domain/family/sub-family code"),
    }
    if let Some(prop) = &code.proprietary_code {
        out.xml.start("Prtry");
        out.xml.leaf("Cd", prop.as_str());
        out.text("Issr", code.proprietary_issuer.as_ref());
        out.xml.end();
    } else {
        out.drop_if(
            code.proprietary_issuer.is_some(),
            format_args!("{path}/proprietary_issuer"),
            "an issuer without a code",
        );
    }
    out.xml.end();
}

/// Write one entry (`Ntry`).
pub(crate) fn encode_entry(out: &mut Out, e: &Entry, path: std::fmt::Arguments<'_>) {
    out.xml.start("Ntry");
    out.text("NtryRef", e.reference.as_ref());
    out.money("Amt", &e.amount);
    out.xml.leaf("CdtDbtInd", cd(e.credit_debit));
    out.xml.opt_leaf("RvslInd", e.reversal.map(|r| if r { "true" } else { "false" }));
    match (out.era, &e.status) {
        (Era::Old, CodeOrProprietary::Code(code)) => out.xml.leaf("Sts", code.as_str()),
        (Era::Old, CodeOrProprietary::Proprietary(p)) => {
            out.losses.push(payglot_core_model::Loss::approximated(
                format!("{path}/status"),
                format!("proprietary status {p} written as INFO"),
            ));
            out.xml.leaf("Sts", "INFO");
        }
        (Era::New, status) => out.code_or_prop("Sts", Some(status)),
    }
    if let Some(d) = &e.booking_date {
        out.date_or_datetime("BookgDt", d);
    }
    if let Some(d) = &e.value_date {
        out.date_or_datetime("ValDt", d);
    }
    out.text("AcctSvcrRef", e.account_servicer_reference.as_ref());
    encode_btc(out, &e.bank_transaction_code, format_args!("{path}/bank_transaction_code"));
    if e.batch.is_some() || !e.transactions.is_empty() {
        out.xml.start("NtryDtls");
        if let Some(b) = &e.batch {
            out.xml.start("Btch");
            out.text("MsgId", b.message_id.as_ref());
            out.text("PmtInfId", b.payment_info_id.as_ref());
            out.text("NbOfTxs", b.number_of_transactions.as_ref());
            out.opt_money("TtlAmt", b.total_amount.as_ref());
            out.xml.opt_leaf("CdtDbtInd", b.credit_debit.map(cd));
            out.xml.end();
        }
        for (i, t) in e.transactions.iter().enumerate() {
            encode_transaction(out, t, format_args!("{path}/transactions/{i}"));
        }
        out.xml.end();
    }
    out.text("AddtlNtryInf", e.additional_info.as_ref());
    out.xml.end();
}

fn write_related_party(out: &mut Out, name: &'static str, path: std::fmt::Arguments<'_>, party: Option<&Party>) {
    let Some(party) = party else { return };
    if out.era == Era::New {
        out.xml.start(name);
        out.party("Pty", path, party);
        out.xml.end();
    } else {
        out.party(name, path, party);
    }
}

fn encode_transaction(out: &mut Out, t: &EntryTransaction, path: std::fmt::Arguments<'_>) {
    out.xml.start("TxDtls");
    if let Some(r) = &t.refs {
        out.xml.start("Refs");
        out.text("MsgId", r.message_id.as_ref());
        out.text("AcctSvcrRef", r.account_servicer_reference.as_ref());
        out.text("PmtInfId", r.payment_info_id.as_ref());
        out.text("InstrId", r.instruction_id.as_ref());
        out.text("EndToEndId", r.end_to_end_id.as_ref());
        if out.era == Era::New {
            out.xml.opt_leaf("UETR", r.uetr.map(|u| u.to_string()).as_deref());
        } else {
            out.drop_if(r.uetr.is_some(), format_args!("{path}/refs/uetr"), "a UETR");
        }
        out.text("TxId", r.transaction_id.as_ref());
        out.text("MndtId", r.mandate_id.as_ref());
        out.text("ChqNb", r.cheque_number.as_ref());
        out.text("ClrSysRef", r.clearing_system_reference.as_ref());
        out.xml.end();
    }
    if out.era == Era::New {
        out.opt_money("Amt", t.amount.as_ref());
        out.xml.opt_leaf("CdtDbtInd", t.credit_debit.map(cd));
    } else {
        out.drop_if(
            t.credit_debit.is_some(),
            format_args!("{path}/credit_debit"),
            "a per-transaction credit/debit indicator",
        );
    }
    let old_amount = if out.era == Era::Old { t.amount.as_ref() } else { None };
    if t.instructed_amount.is_some() || old_amount.is_some() {
        out.xml.start("AmtDtls");
        if let Some(amount) = &t.instructed_amount {
            out.xml.start("InstdAmt");
            out.money("Amt", amount);
            out.xml.end();
        }
        if let Some(amount) = old_amount {
            out.xml.start("TxAmt");
            out.money("Amt", amount);
            out.xml.end();
        }
        out.xml.end();
    }
    if let Some(code) = &t.bank_transaction_code {
        encode_btc(out, code, format_args!("{path}/bank_transaction_code"));
    }
    if let Some(p) = &t.parties {
        let has_parties = p.debtor.is_some()
            || p.debtor_account.is_some()
            || p.ultimate_debtor.is_some()
            || p.creditor.is_some()
            || p.creditor_account.is_some()
            || p.ultimate_creditor.is_some();
        if has_parties {
            out.xml.start("RltdPties");
            write_related_party(out, "Dbtr", format_args!("{path}/parties/debtor"), p.debtor.as_ref());
            out.opt_account("DbtrAcct", format_args!("{path}/parties/debtor_account"), p.debtor_account.as_ref());
            write_related_party(
                out,
                "UltmtDbtr",
                format_args!("{path}/parties/ultimate_debtor"),
                p.ultimate_debtor.as_ref(),
            );
            write_related_party(out, "Cdtr", format_args!("{path}/parties/creditor"), p.creditor.as_ref());
            out.opt_account("CdtrAcct", format_args!("{path}/parties/creditor_account"), p.creditor_account.as_ref());
            write_related_party(
                out,
                "UltmtCdtr",
                format_args!("{path}/parties/ultimate_creditor"),
                p.ultimate_creditor.as_ref(),
            );
            out.xml.end();
        }
        if p.debtor_agent.is_some() || p.creditor_agent.is_some() {
            out.xml.start("RltdAgts");
            out.opt_agent("DbtrAgt", format_args!("{path}/parties/debtor_agent"), p.debtor_agent.as_ref());
            out.opt_agent("CdtrAgt", format_args!("{path}/parties/creditor_agent"), p.creditor_agent.as_ref());
            out.xml.end();
        }
    }
    out.code_or_prop("Purp", t.purpose.as_ref());
    out.remittance(format_args!("{path}/remittance"), t.remittance.as_ref());
    if let Some(r) = &t.return_reason {
        out.xml.start("RtrInf");
        out.opt_party("Orgtr", format_args!("{path}/return_reason/originator"), r.originator.as_ref());
        out.code_or_prop("Rsn", r.reason.as_ref());
        for line in &r.additional_info {
            out.xml.leaf("AddtlInf", line.as_str());
        }
        out.xml.end();
    }
    out.text("AddtlTxInf", t.additional_info.as_ref());
    out.xml.end();
}

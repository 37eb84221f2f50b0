//! The streaming camt.053 / camt.054 writer: the encoder's output handed out piece by piece
//! (the prolog and group header, each report's head, each entry, each report's end, the
//! closing tags), so that a statement of any size is translated between versions in bounded
//! memory, together with [`super::StatementReader`].
//!
//! Each piece is written by the same functions of [`super::camt`] as the whole-document
//! encoder, through one writer that keeps the open elements between pieces, so the
//! concatenated pieces are byte for byte what [`super::Iso20022Codec::encode`] writes, with the
//! same losses. Instead of reading the whole output back, each piece is checked by the
//! generated validating reader as a fragment (the group header, the report's head and end, one
//! entry), as the streaming reader checks its input.

use payglot_core_model::message::{AccountReport, Entry, GroupHeader};
use payglot_core_model::text::Text;
use payglot_core_model::{EncodeError, EncodeOptions, Loss};

use super::IsoMessage;
use super::camt::{self, Kind};
use super::common::Out;
use super::stream::{Part, fragments};
use crate::rt::Limits;

/// Writes a camt.053 or camt.054 document (02 or 08) piece by piece: [`new`](Self::new) gives
/// the prolog and group header, then [`report_start`](Self::report_start),
/// [`entry`](Self::entry) for each entry and [`report_end`](Self::report_end) for each report,
/// and [`finish`](Self::finish) the closing tags. Each call returns the bytes to append to the
/// output (valid against the version's schema, checked piece by piece); losses gather in
/// [`take_losses`](Self::take_losses). Only the current report's head is kept.
///
/// ```
/// use payglot_core_model::{Codec, DecodeLimits, EncodeOptions, Message};
/// use payglot_iso20022::{Iso20022Codec, IsoMessage, StatementWriter};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let xml = br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
/// #   <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-01T10:00:00</CreDtTm></GrpHdr>
/// #   <Stmt><Id>S1</Id><CreDtTm>2024-03-01T10:00:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
/// #     <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10.00</Amt>
/// #       <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>
/// #     <Ntry><Amt Ccy="EUR">1.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
/// #       <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd></Ntry>
/// #   </Stmt></BkToCstmrStmt></Document>"#;
/// let decoded = Iso20022Codec::new(IsoMessage::Camt053V08).decode(xml, &DecodeLimits::default())?;
/// let Message::Statement(statement) = &decoded.message else { unreachable!() };
/// let options = EncodeOptions::default();
/// let mut writer = StatementWriter::new(IsoMessage::Camt053V02, &statement.header, &options)?;
/// let mut out = writer.output().to_vec();
/// for report in &statement.reports {
///     out.extend_from_slice(writer.report_start(report)?);
///     for entry in &report.entries {
///         out.extend_from_slice(writer.entry(entry)?);
///     }
///     out.extend_from_slice(writer.report_end(report.additional_info.as_ref())?);
/// }
/// out.extend_from_slice(writer.finish()?);
/// let whole = Iso20022Codec::new(IsoMessage::Camt053V02).encode(&decoded.message, &options)?;
/// assert_eq!(out, whole.bytes);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct StatementWriter {
    out: Out,
    message: IsoMessage,
    kind: Kind,
    namespace: String,
    reports: usize,
    /// The open report: its canonical path, raw head and number of entries written.
    report: Option<(String, String, usize)>,
    /// The pieces checked so far are valid; after an error nothing more is written.
    failed: bool,
    finished: bool,
}

impl StatementWriter {
    /// Start a document of version `target` (a camt.053 or camt.054): the XML declaration,
    /// the business application header when `options` ask for it (and `header` has one), the
    /// Document and its group header, available from [`output`](Self::output).
    pub fn new(target: IsoMessage, header: &GroupHeader, options: &EncodeOptions) -> Result<Self, EncodeError> {
        let kind = match target {
            IsoMessage::Camt053V02 | IsoMessage::Camt053V08 => Kind::Statement,
            IsoMessage::Camt054V02 | IsoMessage::Camt054V08 => Kind::Notification,
            other => {
                return Err(EncodeError::unrepresentable(
                    "/message",
                    format!("{} is not a statement or notification; it cannot be written piece by piece", other.id()),
                ));
            }
        };
        let namespace = target.namespace();
        let mut out = Out::new(target.era(), target.id());
        let message_kind = if kind == Kind::Statement { "statement" } else { "notification" };
        super::business_header(&mut out, header, message_kind, target, options);
        camt::encode_start(&mut out, header, &namespace, kind);
        let mut writer = StatementWriter {
            out,
            message: target,
            kind,
            namespace,
            reports: 0,
            report: None,
            failed: false,
            finished: false,
        };
        writer.check_prolog()?;
        Ok(writer)
    }

    /// What the last call wrote (after [`new`](Self::new): the prolog and group header).
    pub fn output(&self) -> &[u8] {
        self.out.xml.output().as_bytes()
    }

    /// The losses found since the last call (paths as the whole-document encoder gives them).
    pub fn take_losses(&mut self) -> Vec<Loss> {
        std::mem::take(&mut self.out.losses)
    }

    /// Begin the next report (statement or notification) with everything before its entries;
    /// its `entries` and `additional_info` are not read (see [`entry`](Self::entry) and
    /// [`report_end`](Self::report_end)).
    pub fn report_start(&mut self, report: &AccountReport) -> Result<&[u8], EncodeError> {
        self.usable(self.report.is_none(), "report_start while a report is open")?;
        let path = camt::report_path(self.kind, self.reports);
        self.out.xml.clear_output();
        let written = camt::encode_report_head(&mut self.out, report, format_args!("{path}"), self.kind);
        self.guard(written)?;
        let head = self.out.xml.output().to_owned();
        // The head alone (entries and additional information are optional) is a valid report.
        let closed = format!("{head}</{}>", self.kind.report());
        self.guard_check(Part::Report, &closed, &path)?;
        self.reports += 1;
        self.report = Some((path, head, 0));
        Ok(self.output())
    }

    /// The next entry of the open report.
    pub fn entry(&mut self, entry: &Entry) -> Result<&[u8], EncodeError> {
        let Some((report_path, _, entries)) = self.report.as_mut() else {
            return Err(self.misuse("entry outside a report"));
        };
        let path = format!("{report_path}/entries/{entries}");
        *entries += 1;
        self.usable(true, "")?;
        self.out.xml.clear_output();
        camt::encode_entry(&mut self.out, entry, format_args!("{path}"));
        let raw = self.out.xml.output().to_owned();
        self.guard_check(Part::Entry, &raw, &path)?;
        Ok(self.output())
    }

    /// End the open report, with its additional information.
    pub fn report_end(&mut self, additional_info: Option<&Text<500>>) -> Result<&[u8], EncodeError> {
        let Some((path, head, _)) = self.report.take() else {
            return Err(self.misuse("report_end without an open report"));
        };
        self.usable(true, "")?;
        self.out.xml.clear_output();
        camt::encode_report_end(&mut self.out, additional_info, self.kind);
        let whole = format!("{head}{}", self.out.xml.output());
        self.guard_check(Part::Report, &whole, &path)?;
        Ok(self.output())
    }

    /// Close the document (and the envelope): the last bytes.
    pub fn finish(&mut self) -> Result<&[u8], EncodeError> {
        self.usable(self.report.is_none(), "finish while a report is open")?;
        if self.reports == 0 {
            self.failed = true;
            return Err(EncodeError::unrepresentable(
                format!("{}/reports", self.kind_path()),
                "camt.053/054 need at least one report",
            ));
        }
        self.finished = true;
        self.out.xml.clear_output();
        self.out.xml.close_all();
        Ok(self.output())
    }

    fn usable(&mut self, ok: bool, what: &str) -> Result<(), EncodeError> {
        if self.failed || self.finished {
            return Err(EncodeError::unrepresentable("/message", "the statement writer already failed or finished"));
        }
        if !ok {
            return Err(self.misuse(what));
        }
        Ok(())
    }

    fn misuse(&mut self, what: &str) -> EncodeError {
        self.failed = true;
        EncodeError::unrepresentable("/message", format!("statement writer used out of order: {what}"))
    }

    fn guard<T>(&mut self, result: Result<T, EncodeError>) -> Result<T, EncodeError> {
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    fn guard_check(&mut self, part: Part, raw: &str, path: &str) -> Result<(), EncodeError> {
        let checked = check(self.message, &self.namespace, part, raw, path);
        self.guard(checked)
    }

    /// Check the prolog: the AppHdr (when written) and the group header.
    fn check_prolog(&mut self) -> Result<(), EncodeError> {
        let text = self.out.xml.output();
        let app_header = text.find("<AppHdr").and_then(|from| {
            let to = text.find("</AppHdr>")? + "</AppHdr>".len();
            text.get(from..to)
        });
        let checked = match app_header {
            Some(raw) => check_app_header(raw, &format!("{}/header/business_header", self.kind_path())),
            None => Ok(()),
        };
        self.guard(checked)?;
        let text = self.out.xml.output();
        let header = text.rfind("<GrpHdr>").and_then(|at| text.get(at..)).unwrap_or_default().to_owned();
        let path = format!("{}/header", self.kind_path());
        self.guard_check(Part::GroupHeader, &header, &path)
    }

    fn kind_path(&self) -> &'static str {
        if self.kind == Kind::Statement { "/message/statement" } else { "/message/notification" }
    }
}

/// Check one piece with the generated validating reader, wrapped in the Document namespace.
fn check(message: IsoMessage, namespace: &str, part: Part, raw: &str, path: &str) -> Result<(), EncodeError> {
    let document = format!("<payglot-fragment xmlns=\"{namespace}\">{raw}</payglot-fragment>");
    let Some(result) = fragments::check(message, part, document.as_bytes(), &Limits::default(), None) else {
        return Err(EncodeError::Unsupported(format!("{} (its feature is off)", message.id())));
    };
    result.map_err(|e| invalid(&e, path))
}

/// Check the written AppHdr against head.001.001.02.
fn check_app_header(raw: &str, path: &str) -> Result<(), EncodeError> {
    #[cfg(feature = "head_001_001_02")]
    {
        crate::head_001_001_02::BusinessApplicationHeaderV02::from_xml(raw.as_bytes(), &Limits::default())
            .map(drop)
            .map_err(|e| invalid(&e, path))
    }
    #[cfg(not(feature = "head_001_001_02"))]
    {
        let _ = (raw, path);
        Err(EncodeError::Unsupported("head.001.001.02 (its feature is off)".into()))
    }
}

fn invalid(error: &crate::Iso20022Error, path: &str) -> EncodeError {
    let error = super::decode_error(error);
    EncodeError::unrepresentable(
        path,
        format!("the written document would be invalid: {} (at {})", error.message(), error.location().path),
    )
}

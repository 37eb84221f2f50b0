//! Diagnostics on stderr: errors with their locations and losses, as text lines or one JSON document.

use std::io::Write;

use payglot::model::{DecodeError, Loss};
use payglot::{EncodeError, TranslateError};
use serde_json::{Value, json};

use crate::args::ReportStyle;

/// One problem to report.
pub(crate) struct Problem {
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) path: Option<String>,
    pub(crate) line: Option<u64>,
    pub(crate) column: Option<u64>,
}

impl Problem {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self { kind: "usage", message: message.into(), path: None, line: None, column: None }
    }

    pub(crate) fn from_decode(error: &DecodeError) -> Self {
        let location = error.location();
        Self {
            kind: error.kind().as_str(),
            message: error.message().to_owned(),
            path: Some(location.path.clone()).filter(|p| !p.is_empty()),
            line: location.line,
            column: location.column,
        }
    }

    /// One violation of an ISO 20022 document (`payglot validate` lists them all).
    pub(crate) fn from_violation(v: &payglot_iso20022::Violation) -> Self {
        use payglot_iso20022::Rule;
        let kind = match v.rule {
            Rule::NotWellFormed | Rule::Encoding | Rule::UndeclaredEntity => "syntax",
            Rule::Doctype
            | Rule::ProcessingInstruction
            | Rule::LimitBytes
            | Rule::LimitDepth
            | Rule::LimitStringLength
            | Rule::LimitRepeats => "limit",
            Rule::UnsupportedVersion | Rule::UnknownNamespace => "unsupported",
            _ => "invalid",
        };
        Self {
            kind,
            message: format!("{}: {}", v.rule, v.message),
            path: Some(v.path.clone()).filter(|p| !p.is_empty()),
            line: Some(v.line),
            column: Some(v.column),
        }
    }

    pub(crate) fn from_translate(error: &TranslateError) -> Self {
        match error {
            TranslateError::Decode(e) => Self::from_decode(e),
            TranslateError::Encode(EncodeError::Lossy(_)) => {
                Self { kind: "lossy", message: error.to_string(), path: None, line: None, column: None }
            }
            TranslateError::Encode(EncodeError::Unrepresentable { path, message }) => Self {
                kind: "unrepresentable",
                message: message.clone(),
                path: Some(path.clone()),
                line: None,
                column: None,
            },
            other => Self::usage(other.to_string()),
        }
    }

    fn to_json(&self) -> Value {
        json!({"kind": self.kind, "message": self.message, "path": self.path, "line": self.line, "column": self.column})
    }

    fn to_line(&self) -> String {
        let mut line = format!("error ({}): {}", self.kind, self.message);
        if let Some(path) = &self.path {
            line.push_str(&format!(" at {path}"));
        }
        if let (Some(l), Some(c)) = (self.line, self.column) {
            line.push_str(&format!(" (line {l}, column {c})"));
        }
        line
    }
}

/// Everything one command has to say on stderr.
#[derive(Default)]
pub(crate) struct Report {
    pub(crate) subject: Option<String>,
    pub(crate) format: Option<String>,
    pub(crate) problems: Vec<Problem>,
    pub(crate) losses: Vec<Loss>,
}

impl Report {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "input": self.subject,
            "format": self.format,
            "ok": self.problems.is_empty(),
            "errors": self.problems.iter().map(Problem::to_json).collect::<Vec<_>>(),
            "losses": self.losses,
        })
    }

    fn lines(&self) -> Vec<String> {
        let prefix = self.subject.as_ref().map(|s| format!("{s}: ")).unwrap_or_default();
        let problems = self.problems.iter().map(|p| format!("{prefix}{}", p.to_line()));
        let losses = self.losses.iter().map(|l| format!("{prefix}loss: {l}"));
        problems.chain(losses).collect()
    }
}

/// Print reports on stderr in the chosen style (several reports: a JSON array).
pub(crate) fn emit(style: ReportStyle, reports: &[Report]) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    // Writing diagnostics can only fail when stderr is gone; nothing useful is left to do then.
    let _ = match style {
        ReportStyle::Text => reports.iter().flat_map(Report::lines).try_for_each(|line| writeln!(out, "{line}")),
        ReportStyle::Json => {
            let value = match reports {
                [one] => one.to_json(),
                many => Value::Array(many.iter().map(Report::to_json).collect()),
            };
            writeln!(out, "{value}")
        }
    };
}

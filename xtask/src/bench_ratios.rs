//! `cargo xtask bench-ratios`: the issues' performance budgets, read from criterion's results.
//!
//! Every budget is a ratio between two benchmarks of one criterion group (a subject and the
//! raw baseline measured beside it in the same run). This reads each one's median from
//! `target/criterion/<group>/<bench>/new/estimates.json` (criterion's own output of the last
//! run) and prints subject, baseline, ratio and budget, so a session does not divide by hand.
//! A pair whose results are missing (its bench not run yet) is listed as such, never guessed,
//! and a pair whose two results were written more than a few minutes apart (from different
//! runs, so possibly at different loads) is marked `mixed runs`.

use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use rust_decimal::Decimal;

/// One budget: `subject` within `budget` times `baseline` (criterion ids, `group/bench`).
pub(crate) struct Budget {
    pub(crate) issue: u32,
    pub(crate) subject: &'static str,
    pub(crate) baseline: &'static str,
    pub(crate) budget: &'static str,
}

const fn budget(issue: u32, subject: &'static str, baseline: &'static str, budget: &'static str) -> Budget {
    Budget { issue, subject, baseline, budget }
}

/// The budgets of the issues, with the benches that measure them (the command for each group is
/// in BENCHMARKS.md).
pub(crate) const BUDGETS: &[Budget] = &[
    budget(3, "iso20022/pacs008_100tx_parse", "iso20022/pacs008_100tx_tokenize", "2"),
    budget(3, "iso20022/pain001_50tx_parse", "iso20022/pain001_50tx_tokenize", "2"),
    budget(3, "iso20022/pacs008_corpus_parse", "iso20022/pacs008_corpus_tokenize", "2"),
    budget(3, "iso20022/pacs008_100tx_write", "iso20022/pacs008_100tx_tokenize", "1.5"),
    budget(3, "iso20022/pain001_50tx_write", "iso20022/pain001_50tx_tokenize", "1.5"),
    budget(3, "iso20022/pacs008_corpus_write", "iso20022/pacs008_corpus_tokenize", "1.5"),
    budget(4, "iso20022_codec/pacs008_corpus_decode", "iso20022_codec/pacs008_corpus_tokenize", "3"),
    budget(4, "iso20022_codec/pain001_fixture_decode", "iso20022_codec/pain001_fixture_tokenize", "3"),
    budget(4, "iso20022_codec/pacs008_corpus_encode", "iso20022_codec/pacs008_corpus_tokenize_encoded", "2"),
    budget(4, "iso20022_codec/pain001_fixture_encode", "iso20022_codec/pain001_fixture_tokenize_encoded", "2"),
    budget(4, "iso20022_codec/camt053_2000_entries_stream", "iso20022_codec/camt053_2000_entries_tokenize", "2.5"),
    budget(
        5,
        "rest_native_decode/RestNative__decode",
        "rest_native_decode/baseline serde_json__from_slice___Value_",
        "1.5",
    ),
    budget(5, "rest_native_encode/RestNative__encode", "rest_native_encode/baseline serde_json__to_vec(Value)", "1.5"),
    budget(
        6,
        "soap_payglot_initiate_payment_1_transfers/decode_to_canonical",
        "soap_payglot_initiate_payment_1_transfers/quick_xml_tokenize",
        "3",
    ),
    budget(
        6,
        "soap_payglot_initiate_payment_100_transfers/decode_to_canonical",
        "soap_payglot_initiate_payment_100_transfers/quick_xml_tokenize",
        "3",
    ),
];

/// Print the table for every budget (results from `root/target/criterion`).
pub(crate) fn run(root: &Path) -> anyhow::Result<()> {
    println!("issue | subject | subject median | baseline median | ratio | budget | verdict");
    for row in rows(&root.join("target/criterion"), BUDGETS)? {
        println!("{row}");
    }
    Ok(())
}

/// One table row per budget, from the criterion results under `dir`.
fn rows(dir: &Path, budgets: &[Budget]) -> anyhow::Result<Vec<String>> {
    let mut rows = Vec::with_capacity(budgets.len());
    for b in budgets {
        let row = match (median_ns(dir, b.subject)?, median_ns(dir, b.baseline)?) {
            (Some((s, at)), Some((base, base_at))) => {
                let ratio = s.checked_div(base).context("a zero baseline")?;
                let limit: Decimal = b.budget.parse().context("budget")?;
                let apart = at.duration_since(base_at).or_else(|e| Ok::<_, anyhow::Error>(e.duration()))?;
                let verdict = match (ratio <= limit, apart > MAX_APART) {
                    (_, true) => "mixed runs",
                    (true, false) => "within",
                    (false, false) => "over",
                };
                format!(
                    "{} | {} | {} | {} | {:.2}x | {}x | {verdict}",
                    b.issue,
                    b.subject,
                    human(s),
                    human(base),
                    ratio,
                    b.budget
                )
            }
            _ => format!("{} | {} | (not measured) | | | {}x |", b.issue, b.subject, b.budget),
        };
        rows.push(row);
    }
    Ok(rows)
}

/// Two results written further apart than this come from different runs.
const MAX_APART: Duration = Duration::from_secs(300);

/// Criterion's median estimate for `id`, in nanoseconds, and when it was written; `None` when
/// it has not been run. (Criterion writes its estimates as JSON numbers; they are read as
/// decimals, as the workspace reads every number: no floating-point arithmetic.)
pub(crate) fn median_ns(dir: &Path, id: &str) -> anyhow::Result<Option<(Decimal, SystemTime)>> {
    let path = dir.join(id).join("new/estimates.json");
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(None) };
    let written = std::fs::metadata(&path)?.modified()?;
    let json: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("{}", path.display()))?;
    let median = match json.pointer("/median/point_estimate") {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => anyhow::bail!("{}: no median", path.display()),
    };
    let median = Decimal::from_str_exact(&median)
        .or_else(|_| Decimal::from_scientific(&median))
        .with_context(|| format!("{}: median {median}", path.display()))?;
    Ok(Some((median, written)))
}

/// A duration in the unit criterion would print it in.
pub(crate) fn human(ns: Decimal) -> String {
    let thousand = Decimal::from(1_000);
    let million = Decimal::from(1_000_000);
    match ns {
        n if n >= million => format!("{:.3} ms", n / million),
        n if n >= thousand => format!("{:.2} µs", n / thousand),
        n => format!("{n:.0} ns"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_estimate(dir: &Path, id: &str, median: &str) {
        let bench = dir.join(id).join("new");
        std::fs::create_dir_all(&bench).expect("create bench dir");
        let json = format!(r#"{{"median":{{"point_estimate":{median}}},"mean":{{"point_estimate":1.0}}}}"#);
        std::fs::write(bench.join("estimates.json"), json).expect("write estimates");
    }

    #[test]
    fn ratios_are_exact_and_unmeasured_pairs_are_named() {
        let dir = std::env::temp_dir().join(format!("payglot-bench-ratios-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write_estimate(&dir, "g/tokenize", "1000.0");
        write_estimate(&dir, "g/parse", "2000.0");
        write_estimate(&dir, "g/slow", "2000.1");
        let budgets = [
            budget(3, "g/parse", "g/tokenize", "2"),
            budget(3, "g/slow", "g/tokenize", "2"),
            budget(4, "g/absent", "g/tokenize", "3"),
        ];
        let rows = rows(&dir, &budgets).expect("rows");
        assert_eq!(rows[0], "3 | g/parse | 2.00 µs | 1.00 µs | 2.00x | 2x | within");
        assert_eq!(rows[1], "3 | g/slow | 2.00 µs | 1.00 µs | 2.00x | 2x | over");
        assert_eq!(rows[2], "4 | g/absent | (not measured) | | | 3x |");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

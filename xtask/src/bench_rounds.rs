//! `cargo xtask bench-rounds [ROUNDS] [ISSUE...]`: the issues' wall-clock budgets judged over
//! several rounds of their benches, in the two readings noise cannot flatter.
//!
//! This VM's speed moves from minute to minute (the same binary runs at one speed or nearly
//! half of it), so one run's ratio of two medians can pair a fast subject with a slow baseline
//! or the reverse. Each round runs every selected bench target once (only its budget rows,
//! criterion with a short warm-up and measurement) and reads the medians criterion wrote
//! ([`bench_ratios::median_ns`]). After the last round each budget is given:
//! - the **ratio of the minimum medians** (interference only ever adds time, so each row's
//!   fastest round is its least disturbed one);
//! - the **median of the per-round ratios**;
//! - how many single rounds were within the budget.
//!
//! The verdict is `within` only when both readings are.

use std::path::Path;
use std::process::Command;

use anyhow::Context as _;
use rust_decimal::Decimal;

use crate::bench_ratios::{BUDGETS, Budget, human, median_ns};

/// A bench target and the criterion filter that runs only its budget rows.
struct Target {
    issue: u32,
    package: &'static str,
    bench: &'static str,
    filter: &'static str,
}

const TARGETS: &[Target] = &[
    Target { issue: 3, package: "payglot-iso20022", bench: "parse", filter: "^iso20022/[^/]+/(tokenize|parse|write)$" },
    Target {
        issue: 4,
        package: "payglot-iso20022",
        bench: "codec",
        filter: "^iso20022_codec/[^/]+/(tokenize|tokenize_encoded|decode|encode|stream)$",
    },
    Target { issue: 5, package: "payglot-rest", bench: "native", filter: "^rest_native_" },
    Target { issue: 6, package: "payglot-soap", bench: "decode", filter: "(quick_xml_tokenize|decode_to_canonical)$" },
];

/// Run the rounds and print each budget's readings.
pub(crate) fn run(root: &Path, args: &[&str]) -> anyhow::Result<()> {
    let (rounds, issues) = parse_args(args)?;
    let targets: Vec<&Target> = TARGETS.iter().filter(|t| issues.is_empty() || issues.contains(&t.issue)).collect();
    let budgets: Vec<&Budget> = BUDGETS.iter().filter(|b| targets.iter().any(|t| t.issue == b.issue)).collect();
    for t in &targets {
        cargo(root, &["bench", "-p", t.package, "--bench", t.bench, "--no-run"])?;
    }
    let dir = root.join("target/criterion");
    // Per budget, each round's (subject, baseline) medians in nanoseconds.
    let mut seen: Vec<Vec<(Decimal, Decimal)>> = vec![Vec::new(); budgets.len()];
    for round in 1..=rounds {
        for t in &targets {
            eprintln!("round {round} of {rounds}: {} --bench {}", t.package, t.bench);
            let bench_args = ["bench", "-p", t.package, "--bench", t.bench, "--", "--warm-up-time", "1"];
            cargo(root, &[&bench_args[..], &["--measurement-time", "3", t.filter]].concat())?;
        }
        for (b, rows) in budgets.iter().zip(&mut seen) {
            if let (Some((s, _)), Some((base, _))) = (median_ns(&dir, b.subject)?, median_ns(&dir, b.baseline)?) {
                rows.push((s, base));
            }
        }
    }
    println!(
        "issue | subject | min subject | min baseline | ratio of minima | median ratio | rounds within | budget | verdict"
    );
    for (b, rows) in budgets.iter().zip(&seen) {
        println!("{}", row(b, rows)?);
    }
    Ok(())
}

/// `[ROUNDS] [ISSUE...]`: five rounds of every target unless told.
fn parse_args(args: &[&str]) -> anyhow::Result<(usize, Vec<u32>)> {
    let Some((first, rest)) = args.split_first() else { return Ok((5, Vec::new())) };
    let rounds = first.parse().with_context(|| format!("rounds: {first}"))?;
    let issues =
        rest.iter().map(|i| i.parse().with_context(|| format!("issue: {i}"))).collect::<anyhow::Result<_>>()?;
    Ok((rounds, issues))
}

/// Run cargo in the workspace, its output on stderr; fail when it fails.
fn cargo(root: &Path, args: &[&str]) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo).args(args).current_dir(root).stdout(std::process::Stdio::null()).status()?;
    anyhow::ensure!(out.success(), "cargo {} failed", args.join(" "));
    Ok(())
}

/// One budget's line from its rounds.
fn row(b: &Budget, rows: &[(Decimal, Decimal)]) -> anyhow::Result<String> {
    let Some(readings) = readings(rows, b.budget.parse().context("budget")?) else {
        return Ok(format!("{} | {} | (not measured) | | | | | {}x |", b.issue, b.subject, b.budget));
    };
    let Readings { min_subject, min_baseline, ratio_of_minima, median_ratio, within, verdict } = readings;
    Ok(format!(
        "{} | {} | {} | {} | {ratio_of_minima:.2}x | {median_ratio:.2}x | {within} of {} | {}x | {verdict}",
        b.issue,
        b.subject,
        human(min_subject),
        human(min_baseline),
        rows.len(),
        b.budget
    ))
}

/// What the rounds of one budget say.
#[derive(Debug, PartialEq)]
struct Readings {
    min_subject: Decimal,
    min_baseline: Decimal,
    ratio_of_minima: Decimal,
    median_ratio: Decimal,
    within: usize,
    verdict: &'static str,
}

/// The readings of `rows` (subject, baseline) against `limit`; `None` without a round or with
/// a zero baseline.
fn readings(rows: &[(Decimal, Decimal)], limit: Decimal) -> Option<Readings> {
    let min_subject = rows.iter().map(|r| r.0).min()?;
    let min_baseline = rows.iter().map(|r| r.1).min()?;
    let ratio_of_minima = min_subject.checked_div(min_baseline)?;
    let mut ratios = rows.iter().map(|(s, base)| s.checked_div(*base)).collect::<Option<Vec<_>>>()?;
    ratios.sort();
    let mid = ratios.len() / 2;
    let median_ratio = match ratios.len() % 2 {
        1 => *ratios.get(mid)?,
        _ => (*ratios.get(mid - 1)? + *ratios.get(mid)?) / Decimal::TWO,
    };
    let within = ratios.iter().filter(|r| **r <= limit).count();
    let verdict = if ratio_of_minima <= limit && median_ratio <= limit { "within" } else { "over" };
    Some(Readings { min_subject, min_baseline, ratio_of_minima, median_ratio, within, verdict })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn minima_come_from_different_rounds_and_the_median_is_of_ratios() {
        // Round 2 paired a slow subject with a fast baseline (ratio 4); round 3 the reverse.
        let rows = [(d("200"), d("100")), (d("400"), d("100")), (d("190"), d("150")), (d("210"), d("100"))];
        let r = readings(&rows, d("2")).expect("readings");
        assert_eq!((r.min_subject, r.min_baseline), (d("190"), d("100")));
        assert_eq!(r.ratio_of_minima, d("1.9"));
        // Ratios sorted: 1.2666.., 2, 2.1, 4 → median (2 + 2.1) / 2.
        assert_eq!(r.median_ratio, d("2.05"));
        assert_eq!(r.within, 2);
        assert_eq!(r.verdict, "over", "the median ratio is over, so the verdict is");
    }

    #[test]
    fn within_only_when_both_readings_are() {
        let rows = [(d("150"), d("100")), (d("170"), d("100")), (d("400"), d("100"))];
        let r = readings(&rows, d("2")).expect("readings");
        assert_eq!((r.ratio_of_minima, r.median_ratio, r.within, r.verdict), (d("1.5"), d("1.7"), 2, "within"));
        assert_eq!(readings(&[], d("2")), None);
        assert_eq!(readings(&[(d("1"), d("0"))], d("2")), None, "a zero baseline is not judged");
    }

    #[test]
    fn every_budget_has_a_target_that_runs_it() {
        for b in BUDGETS {
            assert!(TARGETS.iter().any(|t| t.issue == b.issue), "no bench target for issue {}", b.issue);
        }
        assert_eq!(parse_args(&[]).expect("defaults"), (5, Vec::new()));
        assert_eq!(parse_args(&["9", "3", "4"]).expect("args"), (9, vec![3, 4]));
        assert!(parse_args(&["nine"]).is_err());
    }
}

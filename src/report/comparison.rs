//! `tables/comparison.csv`: each benefit × source of this wave beside the baseline wave.
//!
//! A comparison is published only where both waves' figures are: a hidden count on either
//! side hides the difference, its interval, the test and the effect size too, since any of
//! them would give the hidden count away. p-values are Holm-adjusted across every published
//! comparison, and a change is called a change only when the adjusted p-value is below
//! 1 − confidence.

use std::collections::BTreeMap;

use serde::Serialize;

use std::path::Path;

use crate::analysis::compare::{
    cohens_h_label, compare_paired, compare_proportions, holm, ProportionComparison,
};
use crate::analysis::publish::PublishedTally;
use crate::analysis::suppression::{is_small, proportion_suppression};
use crate::analysis::tallies::{benefit_tallies, respondent_evidence, BenefitTally};
use crate::diagnostic::Diagnostic;
use crate::model::baseline::{Baseline, BaselineFigure, RespondentEvidence};
use crate::model::validate::validate_without_baseline;

/// What became of one benefit × source in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The adjusted p-value is below 1 − confidence and the percentage went up.
    ClearIncrease,
    ClearDecrease,
    NoClearChange,
    /// One wave's figure is hidden for small numbers, or was not published in the baseline.
    NotPublished,
    /// The benefit × source is in the baseline only.
    BaselineOnly,
    /// The benefit × source is in this wave only.
    CurrentOnly,
}

impl Outcome {
    pub fn words(self) -> &'static str {
        match self {
            Outcome::ClearIncrease => "clear increase",
            Outcome::ClearDecrease => "clear decrease",
            Outcome::NoClearChange => "no clear change",
            Outcome::NotPublished => "not compared (a figure is not published)",
            Outcome::BaselineOnly => "in the baseline only",
            Outcome::CurrentOnly => "not in the baseline",
        }
    }
}

/// One row of `tables/comparison.csv` (the contract columns) and, in `results.json`, the
/// label, effect-size label and outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparisonOut {
    pub benefit: String,
    pub label: String,
    pub source: String,
    pub baseline_n: Option<u64>,
    #[serde(rename = "baseline_N")]
    pub baseline_total: Option<u64>,
    pub baseline_percent: Option<f64>,
    pub n: Option<u64>,
    #[serde(rename = "N")]
    pub total: Option<u64>,
    pub percent: Option<f64>,
    /// Percentage points, current minus baseline.
    pub difference: Option<f64>,
    pub diff_ci_low: Option<f64>,
    pub diff_ci_high: Option<f64>,
    pub test: Option<String>,
    pub p_value: Option<f64>,
    pub p_holm: Option<f64>,
    pub cohens_h: Option<f64>,
    pub cohens_h_label: Option<String>,
    pub outcome: Outcome,
}

impl ComparisonOut {
    /// A row with no figures yet.
    fn blank(benefit: &str, label: &str, source: &str, outcome: Outcome) -> ComparisonOut {
        ComparisonOut {
            benefit: benefit.to_string(),
            label: label.to_string(),
            source: source.to_string(),
            baseline_n: None,
            baseline_total: None,
            baseline_percent: None,
            n: None,
            total: None,
            percent: None,
            difference: None,
            diff_ci_low: None,
            diff_ci_high: None,
            test: None,
            p_value: None,
            p_holm: None,
            cohens_h: None,
            cohens_h_label: None,
            outcome,
        }
    }

    /// Fills in a comparison's statistics, as percentage points.
    fn record(&mut self, c: &ProportionComparison) {
        self.difference = Some(100.0 * c.difference);
        self.diff_ci_low = Some(100.0 * c.ci_low);
        self.diff_ci_high = Some(100.0 * c.ci_high);
        self.test = Some(c.test.name().to_string());
        self.p_value = Some(c.p_value);
        self.cohens_h = Some(c.cohens_h);
        self.cohens_h_label = Some(cohens_h_label(c.cohens_h).to_string());
    }
}

/// The contract columns of `tables/comparison.csv`, in order.
pub const COMPARISON_COLUMNS: [&str; 15] = [
    "benefit",
    "source",
    "baseline_n",
    "baseline_N",
    "baseline_percent",
    "n",
    "N",
    "percent",
    "difference",
    "diff_ci_low",
    "diff_ci_high",
    "test",
    "p_value",
    "p_holm",
    "cohens_h",
];

/// An earlier wave given as its own evaluation spec: its tallies become the baseline's
/// figures, and its respondent-level evidence allows a paired comparison. The spec and its
/// data are checked as `validate` checks them; any error stops the report.
pub fn baseline_from_spec(path: &Path) -> Result<Baseline, Vec<Diagnostic>> {
    // The earlier wave's own baseline plays no part here.
    let checked = validate_without_baseline(path);
    let (Some(loaded), Some(eval)) = (&checked.spec, &checked.evaluation) else {
        return Err(checked.diagnostics);
    };
    if checked.errors() > 0 {
        return Err(checked
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect());
    }
    let spec = &loaded.spec;
    let figures = benefit_tallies(spec, eval)
        .into_iter()
        .filter(|t| t.by.is_none())
        .map(|t| BaselineFigure {
            benefit: t.benefit,
            source: t.source,
            n: Some(t.n),
            total: Some(t.total),
            label: Some(t.label),
            row: 0,
        })
        .collect();
    Ok(Baseline {
        file: path.to_path_buf(),
        wave: spec.wave.clone(),
        figures,
        respondents: Some(respondent_evidence(spec, eval)),
    })
}

/// The 2 × 2 table of the people found in both waves: (both, lost, gained, neither).
fn pair_counts(
    then: &BTreeMap<String, bool>,
    now: &BTreeMap<String, bool>,
) -> (u64, u64, u64, u64) {
    let mut cells = (0, 0, 0, 0);
    for (id, &held) in then {
        match (held, now.get(id)) {
            (true, Some(true)) => cells.0 += 1,
            (true, Some(false)) => cells.1 += 1,
            (false, Some(true)) => cells.2 += 1,
            (false, Some(false)) => cells.3 += 1,
            (_, None) => {}
        }
    }
    cells
}

/// Compares this wave's tallies (`tallies`, unsuppressed, and `published`, as the benefits
/// table shows them) with `baseline`. Rows follow this wave's order, then baseline-only rows.
/// With `paired` (the current wave's respondent-level evidence), each comparison is of the
/// people found in both waves, as pairs.
pub fn compare_waves(
    tallies: &[BenefitTally],
    published: &[PublishedTally],
    baseline: &Baseline,
    paired: Option<&RespondentEvidence>,
    confidence: f64,
    min_cell: u32,
) -> Vec<ComparisonOut> {
    let mut rows = Vec::new();
    let mut stats = Vec::new();
    let pairs = |benefit: &str, source: &str| -> Option<(u64, u64, u64, u64)> {
        let key = (benefit.to_string(), source.to_string());
        let then = baseline.respondents.as_ref()?.get(&key)?;
        let now = paired?.get(&key)?;
        Some(pair_counts(then, now))
    };
    for tally in tallies.iter().filter(|t| t.by.is_none()) {
        if paired.is_some() {
            if let Some(base) = baseline.figure(&tally.benefit, &tally.source) {
                let cells = pairs(&tally.benefit, &tally.source).unwrap_or_default();
                let (row, stat) = paired_row(tally, base, cells, confidence, min_cell);
                stats.push(stat);
                rows.push(row);
                continue;
            }
        }
        let shown = published
            .iter()
            .find(|p| p.benefit == tally.benefit && p.source == tally.source && p.by.is_none());
        let current_shown = shown.is_some_and(|p| p.n.is_some());
        let total = shown.and_then(|p| p.total);
        let mut row = ComparisonOut::blank(
            &tally.benefit,
            &tally.label,
            &tally.source,
            Outcome::CurrentOnly,
        );
        if current_shown {
            (row.n, row.percent) = (Some(tally.n), tally.percent);
        }
        row.total = total;
        let mut stat = None;
        if let Some(base) = baseline.figure(&tally.benefit, &tally.source) {
            row.outcome = Outcome::NotPublished;
            let (shown_n, shown_total) = baseline_visible(base.n, base.total, min_cell);
            row.baseline_total = shown_total;
            if let (Some(n), Some(t)) = (shown_n, base.total) {
                row.baseline_n = Some(n);
                row.baseline_percent = (t > 0).then(|| 100.0 * n as f64 / t as f64);
                if current_shown {
                    stat = compare_proportions((n, t), (tally.n, tally.total), confidence);
                }
            }
        }
        if let Some(c) = &stat {
            row.record(c);
        }
        stats.push(stat.map(|c| c.p_value));
        rows.push(row);
    }
    let adjusted = holm(&stats);
    let alpha = significance(confidence);
    for (row, p_holm) in rows.iter_mut().zip(adjusted) {
        let Some(p_holm) = p_holm else { continue };
        row.p_holm = Some(p_holm);
        let up = row.difference.unwrap_or(0.0) > 0.0;
        row.outcome = match (p_holm < alpha, up) {
            (true, true) => Outcome::ClearIncrease,
            (true, false) => Outcome::ClearDecrease,
            (false, _) => Outcome::NoClearChange,
        };
    }
    for base in &baseline.figures {
        if rows
            .iter()
            .any(|r| r.benefit == base.benefit && r.source == base.source)
        {
            continue;
        }
        let (n, shown_total) = baseline_visible(base.n, base.total, min_cell);
        let label = base.label.as_deref().unwrap_or(&base.benefit);
        let mut row =
            ComparisonOut::blank(&base.benefit, label, &base.source, Outcome::BaselineOnly);
        row.baseline_n = n;
        row.baseline_total = shown_total;
        row.baseline_percent = match (n, base.total) {
            (Some(n), Some(t)) if t > 0 => Some(100.0 * n as f64 / t as f64),
            _ => None,
        };
        rows.push(row);
    }
    rows
}

/// The baseline's `n` and `N` as they may be published: the same small-number rule as this
/// wave's figures, whatever the earlier report or a hand-made table gave.
fn baseline_visible(
    n: Option<u64>,
    total: Option<u64>,
    min_cell: u32,
) -> (Option<u64>, Option<u64>) {
    match (n, total) {
        (Some(n), Some(total)) => {
            let hide = proportion_suppression(n, total, min_cell);
            (
                (!hide.hide_n).then_some(n),
                (!hide.hide_total).then_some(total),
            )
        }
        (None, Some(total)) => (None, (!is_small(total, min_cell)).then_some(total)),
        // A count without its denominator is no proportion, and may be small itself.
        (_, None) => (None, None),
    }
}

/// One benefit × source compared as pairs: the figures are those of the people found in
/// both waves, so both sides share one N.
fn paired_row(
    tally: &BenefitTally,
    base: &BaselineFigure,
    (both, lost, gained, neither): (u64, u64, u64, u64),
    confidence: f64,
    min_cell: u32,
) -> (ComparisonOut, Option<f64>) {
    let pairs = both + lost + gained + neither;
    let (then, now) = (both + lost, both + gained);
    let hide_then = proportion_suppression(then, pairs, min_cell);
    let hide_now = proportion_suppression(now, pairs, min_cell);
    let shown = !hide_then.hide_n && !hide_now.hide_n && pairs > 0;
    let percent = |n: u64| (pairs > 0).then(|| 100.0 * n as f64 / pairs as f64);
    let stat = shown
        .then(|| compare_paired(both, lost, gained, neither, confidence))
        .flatten();
    let mut row = ComparisonOut::blank(
        &tally.benefit,
        &tally.label,
        &base.source,
        Outcome::NotPublished,
    );
    if pairs > 0 {
        row.baseline_total = (!hide_then.hide_total).then_some(pairs);
        row.total = row.baseline_total;
        if !hide_then.hide_n {
            (row.baseline_n, row.baseline_percent) = (Some(then), percent(then));
        }
        if !hide_now.hide_n {
            (row.n, row.percent) = (Some(now), percent(now));
        }
    }
    if let Some(c) = &stat {
        row.record(c);
    }
    (row, stat.map(|c| c.p_value))
}

/// The threshold an adjusted p-value must be below for a change: 1 − confidence, rounded, since
/// 1 − 0.95 is 0.050000000000000044 in floating point and p = 0.05 is no change.
pub fn significance(confidence: f64) -> f64 {
    ((1.0 - confidence) * 1e9).round() / 1e9
}

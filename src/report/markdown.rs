//! The report as Markdown, rendered from a template (built in, or the user's `--template`).
//!
//! The template receives plain, already-formatted figures: percentages with one decimal,
//! "n of N" with suppressed counts as "fewer than k", so a replacement template cannot
//! accidentally publish what suppression hid.

use std::collections::BTreeMap;

use chrono::Datelike;
use minijinja::value::Serde;
use minijinja::{Environment, Value};
use serde::Serialize;

use super::figures::{confidence_words, source_words, ChartLink, Figures};
use super::published::Published;
use crate::analysis::publish::Hidden;
use crate::spec::{QuestionKind, SourceKind, Spec};

/// The built-in template.
pub const DEFAULT_TEMPLATE: &str = include_str!("templates/impact-report.md.j2");

#[derive(Serialize)]
struct Context {
    title: String,
    wave: Option<String>,
    version: &'static str,
    confidence_percent: String,
    min_cell: u32,
    findings: Vec<String>,
    sources: Vec<SourceLine>,
    groups: Vec<GroupLine>,
    benefits: Vec<BenefitLine>,
    benefits_chart: Option<ChartLink>,
    /// Likert charts: how each survey's statements were rated.
    likert_charts: Vec<ChartLink>,
    /// Survey sources with rated statements but no chart: every figure was too small.
    likert_hidden: Vec<String>,
    multi_questions: Vec<MultiQuestion>,
    coding_sources: Vec<CodingSection>,
    reliability: Vec<ReliabilityLine>,
    agreement: Vec<AgreementLine>,
    ledger: Vec<super::published::LedgerOut>,
    missing_note: String,
    benefit_quotes: Vec<QuoteGroup>,
    theme_quotes: Vec<QuoteGroup>,
    redactions: String,
    comparison: Option<ComparisonSection>,
}

#[derive(Serialize)]
struct ComparisonSection {
    wave: String,
    /// The current wave's name, or "this evaluation".
    current: String,
    alpha: String,
    /// Comparisons made (and adjusted for together).
    compared: usize,
    /// The same people in both waves, compared as pairs.
    paired: bool,
    rows: Vec<ComparisonLine>,
    /// One sentence per clear change.
    changes: Vec<String>,
    /// Comparisons below the threshold on their own but not after adjustment.
    unadjusted_only: usize,
    /// Benefit × source pairs found in one wave only.
    unmatched: Vec<String>,
    chart: Option<ChartLink>,
}

#[derive(Serialize)]
struct ComparisonLine {
    label: String,
    source: String,
    baseline: String,
    current: String,
    difference: String,
    test: String,
    outcome: String,
}

#[derive(Serialize)]
struct QuoteGroup {
    heading: String,
    quotes: Vec<QuoteLine>,
}

#[derive(Serialize)]
struct QuoteLine {
    text: String,
    attribution: String,
}

/// A source as the About table shows it.
#[derive(Serialize)]
struct SourceLine {
    source: String,
    group: String,
    kind: String,
    respondents: u64,
    /// "March to May 2026", or "—" without a date column.
    dates: String,
    file: String,
    sha256: String,
}

/// "May 2026", "March to May 2026" or "November 2025 to February 2026".
fn date_range(first: Option<&str>, last: Option<&str>) -> String {
    let parse =
        |d: Option<&str>| d.and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    match (parse(first), parse(last)) {
        (Some(a), Some(b)) => {
            let (month_a, month_b) = (a.format("%B").to_string(), b.format("%B").to_string());
            if (a.year(), a.month()) == (b.year(), b.month()) {
                format!("{month_a} {}", a.year())
            } else if a.year() == b.year() {
                format!("{month_a} to {month_b} {}", a.year())
            } else {
                format!("{month_a} {} to {month_b} {}", a.year(), b.year())
            }
        }
        _ => "—".to_string(),
    }
}

#[derive(Serialize)]
struct GroupLine {
    group: String,
    respondents: u64,
    sources: u64,
}

#[derive(Serialize)]
struct BenefitLine {
    label: String,
    source: String,
    n_of_n: String,
    percent: String,
    interval: String,
}

#[derive(Serialize)]
struct MultiQuestion {
    title: String,
    intro: String,
    answered: String,
    rows: Vec<ValueLine>,
    chart: Option<ChartLink>,
}

#[derive(Serialize)]
struct ValueLine {
    value: String,
    count: String,
    percent: String,
}

#[derive(Serialize)]
struct CodingSection {
    source: String,
    group: String,
    respondents: String,
    rows: Vec<CodeLine>,
    breakdowns: Vec<Breakdown>,
    /// Attributes with groups too small to show separately.
    too_small: Vec<String>,
    chart: Option<ChartLink>,
    /// Every count is hidden (few interviewees): the report lists the themes instead.
    all_hidden: bool,
    /// Codes given to at least one interviewee, in the order of the table.
    themes: Vec<String>,
}

#[derive(Serialize)]
struct CodeLine {
    code: String,
    interviewees: String,
    percent: String,
}

#[derive(Serialize)]
struct Breakdown {
    attribute: String,
    values: Vec<String>,
    rows: Vec<BreakdownRow>,
}

#[derive(Serialize)]
struct BreakdownRow {
    code: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct ReliabilityLine {
    scale: String,
    source: String,
    alpha: String,
    n_complete: u64,
    n_excluded: u64,
}

#[derive(Serialize)]
struct AgreementLine {
    source: String,
    coders: String,
    alpha: String,
    units: u64,
}

/// Compiles `template` (the built-in one when `None`) without rendering it, so a broken
/// template is reported before anything is written.
pub fn check_template(template: Option<&str>) -> Result<(), minijinja::Error> {
    let mut env = Environment::new();
    env.add_filter("cell", table_cell);
    env.add_filter("words", words_filter);
    env.add_template("report", template.unwrap_or(DEFAULT_TEMPLATE))
}

/// The template filter `words`: a source's spec name as readers see it.
fn words_filter(name: String) -> String {
    source_words(&name)
}

/// Renders the report with `template` (the built-in one when `None`).
pub fn render(
    spec: &Spec,
    published: &Published,
    figures: &Figures,
    baseline_wave: Option<&str>,
    template: Option<&str>,
) -> Result<String, minijinja::Error> {
    let mut env = Environment::new();
    env.add_filter("cell", table_cell);
    env.add_filter("words", words_filter);
    env.add_template("report", template.unwrap_or(DEFAULT_TEMPLATE))?;
    let mut context = build_context(spec, published, figures);
    context.comparison = comparison_section(spec, published, baseline_wave);
    if let Some(section) = &mut context.comparison {
        section.chart = figures.comparison.clone();
    }
    let text = env
        .get_template("report")?
        .render(Value::from(Serde(&context)))?;
    Ok(tidy_blank_lines(&text))
}

/// The "Compared with …" section: `None` without a baseline.
fn comparison_section(
    spec: &Spec,
    p: &Published,
    baseline_wave: Option<&str>,
) -> Option<ComparisonSection> {
    use super::comparison::Outcome;
    if p.comparison.is_empty() {
        return None;
    }
    let side = |n: Option<u64>, total: Option<u64>, percent: Option<f64>| match (n, total) {
        (Some(n), Some(t)) => format!("{n} of {t} ({})", percent_text(percent)),
        (None, Some(t)) => format!("not shown (small numbers) of {t}"),
        (None, None) | (Some(_), None) => "—".to_string(),
    };
    let wave = baseline_wave.unwrap_or("the baseline").to_string();
    let current = spec
        .wave
        .clone()
        .unwrap_or_else(|| "this evaluation".to_string());
    // Wave names can come from a baseline file: text like any other. The template escapes
    // what it prints; the sentences built here are escaped here.
    let (wave_md, current_md) = (table_cell(wave.clone()), table_cell(current.clone()));
    let mut rows = Vec::new();
    let mut changes = Vec::new();
    let mut unmatched = Vec::new();
    for c in &p.comparison {
        match c.outcome {
            Outcome::BaselineOnly => {
                unmatched.push(format!(
                    "{} from the {} is in {wave} only",
                    c.label,
                    source_words(&c.source)
                ));
                continue;
            }
            Outcome::CurrentOnly => {
                unmatched.push(format!(
                    "{} from the {} is not in {wave}",
                    c.label,
                    source_words(&c.source)
                ));
                continue;
            }
            _ => {}
        }
        let difference = match (c.difference, c.diff_ci_low, c.diff_ci_high) {
            (Some(d), Some(lo), Some(hi)) => {
                format!("{d:+.1} points ({lo:+.1} to {hi:+.1})")
            }
            _ => "—".to_string(),
        };
        let test = match (&c.test, c.p_value, c.p_holm) {
            (Some(t), Some(pv), Some(ph)) => format!(
                "{}: p {}, adjusted {}",
                match t.as_str() {
                    "fisher_exact" => "Fisher's exact",
                    "mcnemar_exact" => "McNemar's exact",
                    "two_proportion_z" => "z-test",
                    other => other,
                },
                p_text(pv),
                p_text(ph).trim_start_matches("= ")
            ),
            _ => "—".to_string(),
        };
        if matches!(c.outcome, Outcome::ClearIncrease | Outcome::ClearDecrease) {
            changes.push(format!(
                "**{}** ({}): {} from {} in {wave_md} to {} in {current_md}, a {} effect (Cohen's h {:.2}).",
                table_cell(c.label.clone()),
                table_cell(source_words(&c.source)),
                if c.outcome == Outcome::ClearIncrease { "up" } else { "down" },
                side(c.baseline_n, c.baseline_total, c.baseline_percent),
                side(c.n, c.total, c.percent),
                c.cohens_h_label.as_deref().unwrap_or("—"),
                c.cohens_h.unwrap_or(0.0),
            ));
        }
        rows.push(ComparisonLine {
            label: c.label.clone(),
            source: c.source.clone(),
            baseline: side(c.baseline_n, c.baseline_total, c.baseline_percent),
            current: side(c.n, c.total, c.percent),
            difference,
            test,
            outcome: c.outcome.words().to_string(),
        });
    }
    Some(ComparisonSection {
        wave,
        current,
        alpha: format!("{}", super::comparison::significance(spec.confidence)),
        compared: p.comparison.iter().filter(|c| c.p_holm.is_some()).count(),
        paired: spec.paired,
        unadjusted_only: p
            .comparison
            .iter()
            .filter(|c| {
                let alpha = super::comparison::significance(spec.confidence);
                c.p_value.is_some_and(|p| p < alpha) && c.p_holm.is_some_and(|p| p >= alpha)
            })
            .count(),
        rows,
        changes,
        unmatched,
        chart: None,
    })
}

fn percent_text(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"))
}

/// p-values as people read them: "< 0.001" rather than 3.2e-7.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_string()
    } else {
        format!("= {p:.3}")
    }
}

/// At most one blank line in a row, and one newline at the end: templates with many optional
/// sections leave runs of blank lines where a section is absent. Fenced code is left alone.
fn tidy_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if line.trim().is_empty() && !in_fence {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    let trimmed = out.trim_end_matches('\n').len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// Text made safe for a Markdown table cell (and any other line of the report): no live
/// HTML, no links or images, no emphasis or code, no column breaks, one line. It reads as it
/// was written once rendered: `&` `<` `>` become entities, and Markdown's own punctuation is
/// escaped with a backslash (the backslash itself first, so `\[` cannot undo the escape).
pub fn table_cell(text: String) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '[' | ']' | '`' | '*' | '_' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"))
}

/// A count, or "—" where it is hidden (small, or revealing a small number).
fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "—".to_string(), |n| n.to_string())
}

/// "77 of 91", or a truthful wording of a hidden count.
fn n_of_n(n: Option<u64>, total: Option<u64>, k: u32, hidden: Option<Hidden>) -> String {
    match (n, total, hidden) {
        (Some(n), Some(t), _) => format!("{n} of {t}"),
        (None, Some(t), Some(Hidden::Small)) => format!("fewer than {k} of {t}"),
        (None, Some(t), Some(Hidden::Complement)) => {
            format!("more than {} of {t}", t.saturating_sub(u64::from(k)))
        }
        (None, Some(t), _) => format!("— of {t}"),
        (_, None, _) => format!("fewer than {k} in all"),
    }
}

fn build_context(spec: &Spec, p: &Published, figures: &Figures) -> Context {
    let k = spec.privacy.min_cell;
    let confidence_percent = confidence_words(spec.confidence);
    let benefits: Vec<BenefitLine> = p
        .benefits
        .iter()
        .map(|b| BenefitLine {
            label: b.label.clone(),
            source: b.source.clone(),
            n_of_n: n_of_n(b.n, b.total, k, b.hidden),
            percent: percent(b.percent),
            interval: match (b.ci_low, b.ci_high) {
                (Some(lo), Some(hi)) => format!("{lo:.1}–{hi:.1}%"),
                _ => "—".to_string(),
            },
        })
        .collect();
    let mut findings = Vec::new();
    let mut seen = Vec::new();
    for b in &p.benefits {
        if seen.contains(&b.benefit) {
            continue;
        }
        seen.push(b.benefit.clone());
        let rows: Vec<String> = p
            .benefits
            .iter()
            .filter(|r| r.benefit == b.benefit)
            .map(|r| match (r.n, r.total, r.percent) {
                (Some(n), Some(t), Some(pc)) => {
                    format!("{n} of {t} in the {} ({pc:.0}%)", source_words(&r.source))
                }
                (_, Some(t), _) => format!(
                    "{} in the {}",
                    n_of_n(None, Some(t), k, r.hidden),
                    source_words(&r.source)
                ),
                _ => format!("fewer than {k} in the {}", source_words(&r.source)),
            })
            .collect();
        findings.push(format!(
            "**{}**: {}.",
            table_cell(b.label.clone()),
            rows.join("; ")
        ));
    }
    let mut groups: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for s in &p.sources {
        let e = groups.entry(s.group.clone()).or_default();
        e.0 += s.respondents;
        e.1 += 1;
    }
    let mut multi_questions = Vec::new();
    for source in &spec.sources {
        for q in source
            .questions
            .iter()
            .filter(|q| q.effective_kind() == QuestionKind::Multi)
        {
            let mut rows: Vec<_> = p
                .distributions
                .iter()
                .filter(|d| d.source == source.name && d.question == q.name && !d.missing)
                .collect();
            rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.order.cmp(&b.order)));
            let answered = rows.first().and_then(|r| r.answered);
            multi_questions.push(MultiQuestion {
                title: q.column.clone(),
                intro: format!(
                    "From the {} ({}).",
                    source_words(&source.name),
                    source.group
                ),
                answered: count(answered),
                chart: figures.multi(&source.name, &q.name).cloned(),
                rows: rows
                    .into_iter()
                    .map(|r| ValueLine {
                        value: r.value.clone(),
                        count: count(r.count),
                        percent: percent(r.percent),
                    })
                    .collect(),
            });
        }
    }
    let mut coding_sources = Vec::new();
    for source in spec.sources.iter().filter(|s| s.kind == SourceKind::Coding) {
        let overall: Vec<_> = p
            .codes
            .iter()
            .filter(|c| c.source == source.name && c.by.is_none())
            .collect();
        let mut rows: Vec<_> = overall.clone();
        rows.sort_by(|a, b| {
            b.interviewees
                .cmp(&a.interviewees)
                .then_with(|| a.code.cmp(&b.code))
        });
        let mut attributes: Vec<&str> = Vec::new();
        for c in p.codes.iter().filter(|c| c.source == source.name) {
            if let Some(a) = c.by.as_deref() {
                if !attributes.contains(&a) {
                    attributes.push(a);
                }
            }
        }
        let mut breakdowns = Vec::new();
        let mut too_small = Vec::new();
        for attribute in attributes {
            // Groups too small to publish (their size is hidden) are left out, and said so.
            let mut values: Vec<String> = Vec::new();
            let mut dropped = false;
            for c in p
                .codes
                .iter()
                .filter(|c| c.source == source.name && c.by.as_deref() == Some(attribute))
            {
                let v = c.by_value.clone().unwrap_or_default();
                if c.respondents.is_none() {
                    dropped = true;
                    continue;
                }
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            if dropped {
                too_small.push(attribute.to_string());
            }
            if values.len() < 2 {
                continue;
            }
            let rows = rows
                .iter()
                .map(|o| BreakdownRow {
                    code: o.code.clone(),
                    cells: values
                        .iter()
                        .map(|v| {
                            p.codes
                                .iter()
                                .find(|c| {
                                    c.source == source.name
                                        && c.code == o.code
                                        && c.by.as_deref() == Some(attribute)
                                        && c.by_value.as_deref() == Some(v.as_str())
                                })
                                .map_or_else(String::new, |c| {
                                    // Breakdown cells are hidden for several reasons;
                                    // "—" words them all truthfully.
                                    let hidden = c.suppressed.then_some(Hidden::Secondary);
                                    n_of_n(c.interviewees, c.respondents, k, hidden)
                                })
                        })
                        .collect(),
                })
                .collect();
            breakdowns.push(Breakdown {
                attribute: attribute.to_string(),
                values,
                rows,
            });
        }
        // The number interviewed is published in the About table; say the same here.
        let respondents = p
            .sources
            .iter()
            .find(|s| s.source == source.name)
            .map(|s| s.respondents)
            .or_else(|| overall.first().and_then(|c| c.respondents));
        let themes = rows
            .iter()
            .filter(|c| c.raised)
            .map(|c| c.code.clone())
            .collect();
        let all_hidden = !rows.is_empty() && rows.iter().all(|c| c.interviewees.is_none());
        coding_sources.push(CodingSection {
            all_hidden,
            themes,
            source: source.name.clone(),
            group: source.group.clone(),
            respondents: count(respondents),
            rows: rows
                .into_iter()
                .map(|c| CodeLine {
                    code: c.code.clone(),
                    interviewees: count(c.interviewees),
                    percent: percent(c.percent),
                })
                .collect(),
            breakdowns,
            too_small,
            chart: figures.codes(&source.name).cloned(),
        });
    }
    let mut reliability: Vec<ReliabilityLine> = Vec::new();
    for r in &p.reliability {
        if reliability.iter().any(|x| x.scale == r.scale) {
            continue;
        }
        reliability.push(ReliabilityLine {
            scale: r.scale.clone(),
            source: r.source.clone(),
            alpha: r
                .alpha
                .map_or_else(|| "not defined".to_string(), |a| format!("{a:.2}")),
            n_complete: r.n_complete.unwrap_or(0),
            n_excluded: r.n_excluded.unwrap_or(0),
        });
    }
    let agreement = p
        .agreement
        .iter()
        .filter(|a| a.code.is_empty())
        .map(|a| AgreementLine {
            source: a.source.clone(),
            coders: a.coders.clone(),
            alpha: a
                .krippendorff_alpha
                .map_or_else(|| "not defined".to_string(), |x| format!("{x:.2}")),
            units: a.units,
        })
        .collect();
    let mut missing: Vec<String> = spec
        .scales
        .values()
        .flat_map(|s| s.missing.iter().cloned())
        .collect();
    missing.extend(["NA", "N/A", "-99"].map(String::from));
    let mut seen = Vec::new();
    missing.retain(|m| {
        let new = !seen.contains(m);
        seen.push(m.clone());
        new
    });
    let quote_line = |q: &super::published::QuoteOut| QuoteLine {
        text: q.text.clone(),
        attribution: q.attribution.clone(),
    };
    let benefit_quotes = spec
        .benefits
        .iter()
        .map(|b| QuoteGroup {
            heading: b.label.clone(),
            quotes: p
                .quotes
                .iter()
                .filter(|q| q.benefit.as_deref() == Some(b.name.as_str()))
                .map(quote_line)
                .collect(),
        })
        .filter(|g| !g.quotes.is_empty())
        .collect();
    // A matrix coding sheet holds one summary per person, so several codes can share one
    // excerpt: it is quoted once, under all of its codes.
    let mut theme_quotes: Vec<QuoteGroup> = Vec::new();
    for q in p.quotes.iter().filter(|q| q.benefit.is_none()) {
        let line = quote_line(q);
        match theme_quotes
            .iter_mut()
            .find(|g| g.quotes.iter().any(|l| l.text == line.text))
        {
            Some(group) => {
                group.heading.push_str(" · ");
                group.heading.push_str(&q.code);
            }
            None => theme_quotes.push(QuoteGroup {
                heading: q.code.clone(),
                quotes: vec![line],
            }),
        }
    }
    let redactions = if p.redactions.is_empty() {
        "none were needed".to_string()
    } else {
        p.redactions
            .iter()
            .map(|r| format!("{} {}", r.count, r.kind))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Context {
        benefit_quotes,
        theme_quotes,
        redactions,
        comparison: None,
        title: spec.title.clone(),
        wave: spec.wave.clone(),
        version: env!("CARGO_PKG_VERSION"),
        confidence_percent,
        min_cell: k,
        findings,
        sources: p
            .sources
            .iter()
            .map(|s| SourceLine {
                source: s.source.clone(),
                group: s.group.clone(),
                kind: s.kind.clone(),
                respondents: s.respondents,
                dates: date_range(s.first_date.as_deref(), s.last_date.as_deref()),
                file: s.file.clone(),
                sha256: s.sha256.clone(),
            })
            .collect(),
        groups: groups
            .into_iter()
            .map(|(group, (respondents, sources))| GroupLine {
                group,
                respondents,
                sources,
            })
            .collect(),
        benefits,
        benefits_chart: figures.benefits.clone(),
        likert_charts: figures.likert.iter().map(|l| l.chart.clone()).collect(),
        likert_hidden: spec
            .sources
            .iter()
            .filter(|s| s.kind == SourceKind::Survey)
            .filter(|s| {
                s.questions
                    .iter()
                    .any(|q| q.effective_kind() == QuestionKind::Likert)
            })
            .filter(|s| !figures.likert.iter().any(|l| l.source == s.name))
            .map(|s| {
                let n = p
                    .sources
                    .iter()
                    .find(|o| o.source == s.name)
                    .map_or(0, |o| o.respondents);
                format!("{} ({n} respondents)", source_words(&s.name))
            })
            .collect(),
        multi_questions,
        coding_sources,
        reliability,
        agreement,
        ledger: p.ledger.clone(),
        missing_note: missing
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_ranges_read_as_months() {
        assert_eq!(
            date_range(Some("2026-05-02"), Some("2026-05-30")),
            "May 2026"
        );
        assert_eq!(
            date_range(Some("2026-02-02"), Some("2026-03-14")),
            "February to March 2026"
        );
        assert_eq!(
            date_range(Some("2025-11-02"), Some("2026-02-14")),
            "November 2025 to February 2026"
        );
        assert_eq!(date_range(None, None), "—");
    }

    #[test]
    fn runs_of_blank_lines_become_one_outside_code() {
        assert_eq!(tidy_blank_lines("a\n\n\n\nb\n\n"), "a\n\nb\n");
        assert_eq!(
            tidy_blank_lines("```\nx\n\n\ny\n```\n"),
            "```\nx\n\n\ny\n```\n"
        );
    }

    #[test]
    fn table_cells_cannot_carry_markup_links_or_breaks() {
        assert_eq!(
            table_cell("<b>a|b</b> [x](javascript:y)\nz & w".to_string()),
            "&lt;b&gt;a\\|b&lt;/b&gt; \\[x\\](javascript:y) z &amp; w"
        );
        // A backslash cannot undo the escape of the bracket after it.
        assert_eq!(table_cell("\\[x\\](y)".to_string()), "\\\\\\[x\\\\\\](y)");
    }

    use proptest::prelude::*;

    /// Every event of a one-row Markdown table holding `cell`, as pulldown-cmark parses it.
    fn parse_cell_row(cell: &str) -> Vec<pulldown_cmark::Event<'static>> {
        let markdown = format!("| a |\n|---|\n| {cell} |\n");
        pulldown_cmark::Parser::new_ext(&markdown, pulldown_cmark::Options::ENABLE_TABLES)
            .map(pulldown_cmark::Event::into_static)
            .collect()
    }

    proptest! {
        /// Whatever people wrote, a cell stays one cell, makes no link, image, HTML, code or
        /// emphasis, and reads back as written (with line breaks as spaces).
        #[test]
        fn any_text_stays_one_plain_cell(text in "[ -~\\n\u{a0}\u{201c}\u{2014}]{0,40}") {
            use pulldown_cmark::{Event, Tag};
            let events = parse_cell_row(&table_cell(text.clone()));
            let cells = events.iter().filter(|e| matches!(e, Event::Start(Tag::TableCell))).count();
            prop_assert_eq!(cells, 2, "{:?}", events);
            for event in &events {
                let plain = matches!(
                    event,
                    Event::Text(_)
                        | Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
                        | Event::End(_)
                );
                prop_assert!(plain, "{:?} in {:?}", event, events);
            }
            let body_start = events
                .iter()
                .position(|e| matches!(e, Event::End(pulldown_cmark::TagEnd::TableHead)))
                .unwrap();
            let read: String = events[body_start..]
                .iter()
                .filter_map(|e| match e {
                    Event::Text(t) => Some(t.to_string()),
                    _ => None,
                })
                .collect();
            let expected = text.replace(['\r', '\n'], " ");
            prop_assert_eq!(read.trim_matches(' '), expected.trim_matches(' '));
        }
    }
}

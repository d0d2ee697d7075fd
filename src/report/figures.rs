//! The report's charts, drawn from the published (already suppressed) tables into `charts/`.
//!
//! A chart only ever sees figures that the tables publish: a hidden count is a bar marked
//! "not shown", never a number. A chart whose every bar would be hidden is left out, and the
//! report's table says why.

use std::path::Path;

use serde::Serialize;

use super::published::Published;
use super::slug;
use crate::analysis::interval::wilson_interval;
use crate::charts::{
    benefit_chart, code_chart, comparison_chart, likert_chart, multi_select_chart, BenefitBar,
    ChangeRow, Chart, ChartError, CodeBar, LikertItem, OptionBar,
};
use crate::spec::{QuestionKind, SourceKind, Spec};

/// A chart as the report links it: paths relative to the report's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChartLink {
    pub title: String,
    /// `charts/<name>.png`, for Markdown viewers and Word.
    pub png: String,
    /// `charts/<name>.svg`, inlined in the HTML report.
    pub svg: String,
    /// Every figure of the chart in words.
    pub alt: String,
}

/// A Likert chart of one source's statements on one scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LikertLink {
    pub source: String,
    pub scale: String,
    pub chart: ChartLink,
}

/// Every chart of one report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub benefits: Option<ChartLink>,
    pub likert: Vec<LikertLink>,
    /// (source, question, chart) for multi-select questions.
    pub multi: Vec<(String, String, ChartLink)>,
    /// (source, chart) for coding sources.
    pub codes: Vec<(String, ChartLink)>,
    /// The baseline wave beside this one, when there is a baseline.
    pub comparison: Option<ChartLink>,
}

impl Figures {
    pub fn multi(&self, source: &str, question: &str) -> Option<&ChartLink> {
        self.multi
            .iter()
            .find(|(s, q, _)| s == source && q == question)
            .map(|(_, _, c)| c)
    }

    pub fn codes(&self, source: &str) -> Option<&ChartLink> {
        self.codes.iter().find(|(s, _)| s == source).map(|(_, c)| c)
    }

    /// Every chart, in the order the report shows them.
    pub fn all(&self) -> Vec<&ChartLink> {
        self.benefits
            .iter()
            .chain(self.likert.iter().map(|l| &l.chart))
            .chain(self.multi.iter().map(|(_, _, c)| c))
            .chain(self.codes.iter().map(|(_, c)| c))
            .chain(self.comparison.iter())
            .collect()
    }
}

/// A source's name as readers see it: `attendee_survey` → "attendee survey".
pub fn source_words(name: &str) -> String {
    name.replace('_', " ")
}

/// Draws every chart of the report into `dir/charts/`.
pub fn draw(
    spec: &Spec,
    p: &Published,
    baseline_wave: Option<&str>,
    dir: &Path,
) -> Result<Figures, ChartError> {
    let charts_dir = dir.join("charts");
    let mut figures = Figures::default();
    // Two names can slug alike ("survey" and "Survey!"): each chart gets a file of its own.
    let mut used: Vec<String> = vec!["benefits".to_string(), "comparison".to_string()];
    let mut unique = |name: String| -> String {
        let mut candidate = name.clone();
        let mut n = 2;
        while used.contains(&candidate) {
            candidate = format!("{name}-{n}");
            n += 1;
        }
        used.push(candidate.clone());
        candidate
    };
    let link = |chart: Chart, name: &str, title: &str| ChartLink {
        title: title.to_string(),
        png: format!("charts/{name}.png"),
        svg: format!("charts/{name}.svg"),
        alt: chart.alt,
    };

    let benefit_bars: Vec<BenefitBar> = p
        .benefits
        .iter()
        .map(|b| BenefitBar {
            label: b.label.clone(),
            source: source_words(&b.source),
            percent: b.percent,
            ci_low: b.ci_low,
            ci_high: b.ci_high,
            n_label: match (b.n, b.total) {
                (Some(n), Some(t)) => format!("{n}/{t}"),
                _ => "not shown".to_string(),
            },
        })
        .collect();
    if benefit_bars.iter().any(|b| b.percent.is_some()) {
        let title = "How many people reported each benefit, by source";
        let mut used: Vec<&str> = Vec::new();
        for b in &p.benefits {
            if !used.contains(&b.source.as_str()) {
                used.push(&b.source);
            }
        }
        let caption = format!(
            "Sources: {}. {}% Wilson intervals.",
            respondents_list(p, &used),
            confidence_words(spec.confidence)
        );
        let chart = benefit_chart(&benefit_bars, title, &caption, &charts_dir.join("benefits"))?;
        figures.benefits = Some(link(chart, "benefits", title));
    }

    for source in spec.sources.iter().filter(|s| s.kind == SourceKind::Survey) {
        // One chart per scale, its statements in spec order.
        let mut scales: Vec<&str> = Vec::new();
        for q in &source.questions {
            if let (QuestionKind::Likert, Some(scale)) = (q.effective_kind(), q.scale.as_deref()) {
                if !scales.contains(&scale) {
                    scales.push(scale);
                }
            }
        }
        for scale_name in scales {
            let Some(scale) = spec.scales.get(scale_name) else {
                continue;
            };
            let mut items = Vec::new();
            let mut answered_range: Vec<u64> = Vec::new();
            for q in source.questions.iter().filter(|q| {
                q.effective_kind() == QuestionKind::Likert && q.scale.as_deref() == Some(scale_name)
            }) {
                let rows: Vec<_> = p
                    .distributions
                    .iter()
                    .filter(|d| d.source == source.name && d.question == q.name && !d.missing)
                    .collect();
                let answered = rows.first().and_then(|r| r.answered);
                answered_range.extend(answered);
                let percents = scale
                    .levels
                    .iter()
                    .map(|level| match rows.iter().find(|r| &r.value == level) {
                        Some(r) if r.suppressed => None,
                        Some(r) => Some(r.percent.unwrap_or(0.0)),
                        None => Some(0.0),
                    })
                    .collect();
                items.push(LikertItem {
                    label: q.column.clone(),
                    percents,
                    n_label: answered.map_or_else(String::new, |a| format!("N = {a}")),
                });
            }
            // A chart of hidden shares only says "too few to show": the tables say that.
            let shows_something = items
                .iter()
                .any(|item| item.percents.iter().any(|p| p.is_some_and(|p| p > 0.0)));
            if !shows_something || answered_range.iter().all(|&a| a == 0) {
                continue;
            }
            let neutral = (scale.levels.len() % 2 == 1).then_some(scale.levels.len() / 2);
            // Two surveys of one group (a survey and session feedback forms) need telling apart.
            let shared = spec
                .sources
                .iter()
                .filter(|s| s.kind == SourceKind::Survey && s.group == source.group)
                .count()
                > 1;
            let title = if shared {
                format!(
                    "How {} rated each statement: {}",
                    source.group.to_lowercase(),
                    source_words(&source.name)
                )
            } else {
                format!("How {} rated each statement", source.group.to_lowercase())
            };
            let caption = format!(
                "Source: {} ({} respondents). Percentages are of those who answered each \
                 statement; blank answers and {} are left out.",
                source_words(&source.name),
                respondents(p, &source.name),
                if scale.missing.is_empty() {
                    "answers meaning \"no answer\"".to_string()
                } else {
                    scale
                        .missing
                        .iter()
                        .map(|m| format!("\"{m}\""))
                        .collect::<Vec<_>>()
                        .join(" and ")
                }
            );
            let name = unique(format!(
                "likert-{}-{}",
                slug(&source.name),
                slug(scale_name)
            ));
            let chart = likert_chart(
                &scale.levels,
                neutral,
                &items,
                &title,
                &caption,
                &charts_dir.join(&name),
            )?;
            figures.likert.push(LikertLink {
                source: source.name.clone(),
                scale: scale_name.to_string(),
                chart: link(chart, &name, &title),
            });
        }

        for q in source
            .questions
            .iter()
            .filter(|q| q.effective_kind() == QuestionKind::Multi)
        {
            let rows: Vec<_> = p
                .distributions
                .iter()
                .filter(|d| d.source == source.name && d.question == q.name && !d.missing)
                .collect();
            let bars: Vec<OptionBar> = rows
                .iter()
                .map(|r| OptionBar {
                    label: r.value.clone(),
                    percent: r.percent.filter(|_| !r.suppressed),
                    n_label: match (r.count, r.answered) {
                        (Some(n), Some(a)) if !r.suppressed => format!("{n}/{a}"),
                        _ => "not shown".to_string(),
                    },
                })
                .collect();
            if !bars.iter().any(|b| b.percent.is_some()) {
                continue;
            }
            let answered = rows.first().and_then(|r| r.answered).unwrap_or(0);
            let title = format!(
                "{} Percent of {} choosing each answer",
                q.column.trim(),
                source.group.to_lowercase()
            );
            let caption = format!(
                "Source: {}; {answered} of {} respondents answered this question.",
                source_words(&source.name),
                respondents(p, &source.name)
            );
            let name = unique(format!("multi-{}-{}", slug(&source.name), slug(&q.name)));
            let chart = multi_select_chart(&bars, &title, &caption, &charts_dir.join(&name))?;
            figures.multi.push((
                source.name.clone(),
                q.name.clone(),
                link(chart, &name, &title),
            ));
        }
    }

    for source in spec.sources.iter().filter(|s| s.kind == SourceKind::Coding) {
        if let Some((bars, by)) = code_bars(p, &source.name) {
            let title = match &by {
                Some(attribute) => format!(
                    "What {} said in interviews, by {attribute}: percent of interviewees given \
                     each code",
                    source.group.to_lowercase()
                ),
                None => format!(
                    "What {} said in interviews: percent of interviewees given each code",
                    source.group.to_lowercase()
                ),
            };
            let caption = format!(
                "Source: {} ({} interviewees).",
                source_words(&source.name),
                respondents(p, &source.name)
            );
            let name = unique(format!("codes-{}", slug(&source.name)));
            let chart = code_chart(&bars, &title, &caption, &charts_dir.join(&name))?;
            figures
                .codes
                .push((source.name.clone(), link(chart, &name, &title)));
        }
    }
    if let Some(chart) = comparison_chart_of(spec, p, baseline_wave, &charts_dir)? {
        figures.comparison = Some(chart);
    }
    Ok(figures)
}

/// The dot-and-arrow chart of the benefits found in both waves.
fn comparison_chart_of(
    spec: &Spec,
    p: &Published,
    baseline_wave: Option<&str>,
    charts_dir: &Path,
) -> Result<Option<ChartLink>, ChartError> {
    use super::comparison::Outcome;
    let rows: Vec<ChangeRow> =
        p.comparison
            .iter()
            .filter(|c| !matches!(c.outcome, Outcome::BaselineOnly | Outcome::CurrentOnly))
            .map(|c| {
                let current = p
                    .benefits
                    .iter()
                    .find(|b| b.benefit == c.benefit && b.source == c.source);
                let baseline_interval = match (c.baseline_n, c.baseline_total) {
                    (Some(n), Some(t)) => wilson_interval(n, t, spec.confidence)
                        .map(|w| (100.0 * w.low, 100.0 * w.high)),
                    _ => None,
                };
                ChangeRow {
                    // The reading goes with the label, where there is room for it; the end
                    // of the row has room only for the difference.
                    label: format!(
                        "{} ({}): {}",
                        c.label,
                        source_words(&c.source),
                        c.outcome.words()
                    ),
                    baseline: c.baseline_percent,
                    baseline_interval,
                    current: c.percent,
                    current_interval: current.and_then(|b| b.ci_low.zip(b.ci_high)),
                    end_label: match c.difference {
                        // One decimal, as in the table; never "-0.0".
                        Some(d) => format!("{:+.1} points", d + 0.0),
                        None => "not compared".to_string(),
                    },
                }
            })
            .collect();
    if !rows
        .iter()
        .any(|r| r.current.is_some() && r.baseline.is_some())
    {
        return Ok(None);
    }
    let baseline_name = baseline_wave.unwrap_or("baseline");
    let current_name = spec.wave.as_deref().unwrap_or("this evaluation");
    let title = format!("Benefits in {baseline_name} and {current_name}");
    let caption = format!(
        "{}% Wilson intervals; differences tested with Holm's adjustment (see the report's table).",
        confidence_words(spec.confidence)
    );
    let chart = comparison_chart(
        &rows,
        baseline_name,
        current_name,
        &title,
        &caption,
        &charts_dir.join("comparison"),
    )?;
    Ok(Some(ChartLink {
        title: title.clone(),
        png: "charts/comparison.png".to_string(),
        svg: "charts/comparison.svg".to_string(),
        alt: chart.alt,
    }))
}

/// The bars of a coding source's chart: by the first attribute with at least two groups large
/// enough to publish, otherwise for all interviewees together. `None` when nothing would show.
fn code_bars(p: &Published, source: &str) -> Option<(Vec<CodeBar>, Option<String>)> {
    let mut overall: Vec<_> = p
        .codes
        .iter()
        .filter(|c| c.source == source && c.by.is_none())
        .collect();
    overall.sort_by(|a, b| {
        b.interviewees
            .cmp(&a.interviewees)
            .then_with(|| a.code.cmp(&b.code))
    });
    let bar = |code: &str, group: String, c: &super::published::CodeOut| CodeBar {
        code: code.to_string(),
        group,
        percent: c.percent.filter(|_| !c.suppressed),
        n_label: match (c.interviewees, c.respondents) {
            (Some(n), Some(t)) if !c.suppressed => format!("{n}/{t}"),
            _ => "not shown".to_string(),
        },
    };
    let mut attributes: Vec<&str> = Vec::new();
    for c in p.codes.iter().filter(|c| c.source == source) {
        if let Some(a) = c.by.as_deref() {
            if !attributes.contains(&a) {
                attributes.push(a);
            }
        }
    }
    for attribute in attributes {
        let mut values: Vec<&str> = Vec::new();
        for c in p
            .codes
            .iter()
            .filter(|c| c.source == source && c.by.as_deref() == Some(attribute))
        {
            let v = c.by_value.as_deref().unwrap_or_default();
            if c.respondents.is_some() && !values.contains(&v) {
                values.push(v);
            }
        }
        if values.len() < 2 {
            continue;
        }
        let mut bars = Vec::new();
        for o in &overall {
            for v in &values {
                if let Some(c) = p.codes.iter().find(|c| {
                    c.source == source
                        && c.code == o.code
                        && c.by.as_deref() == Some(attribute)
                        && c.by_value.as_deref() == Some(v)
                }) {
                    bars.push(bar(&o.code, v.to_string(), c));
                }
            }
        }
        if bars.iter().any(|b| b.percent.is_some()) {
            return Some((bars, Some(attribute.to_string())));
        }
    }
    let bars: Vec<CodeBar> = overall
        .iter()
        .map(|c| bar(&c.code, "All interviewees".to_string(), c))
        .collect();
    bars.iter()
        .any(|b| b.percent.is_some())
        .then_some((bars, None))
}

fn respondents(p: &Published, source: &str) -> u64 {
    p.sources
        .iter()
        .find(|s| s.source == source)
        .map_or(0, |s| s.respondents)
}

/// "attendee survey (93 respondents), facilitator survey (13)".
fn respondents_list(p: &Published, sources: &[&str]) -> String {
    sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let n = respondents(p, s);
            if i == 0 {
                format!("{} ({n} respondents)", source_words(s))
            } else {
                format!("{} ({n})", source_words(s))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// 0.95 → "95".
pub fn confidence_words(confidence: f64) -> String {
    format!("{}", (confidence * 1000.0).round() / 10.0)
}

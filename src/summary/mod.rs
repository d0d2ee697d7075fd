//! The half-yearly summary for NHS partners: attendance, new joiners and how they were
//! referred, topics and speakers, and what the women said on their feedback forms, per
//! locality and for all together, beside the previous period of the same length.
//!
//! The folder it writes (`reports/summary-<period>/` by default):
//! - `summary.md` / `summary.html`: every locality side by side, then all together;
//! - `<locality>.md` / `.html`: one page per locality, for that locality's partner;
//! - `charts/`: attendances by month, for all and per locality (SVG and PNG);
//! - `tables/attendance_summary.csv` (and `.parquet`): one row per locality and figure, with
//!   this period, the previous one and the change; `tables/feedback.csv`, `tables/topics.csv`.
//!
//! `--locality NAME` writes that locality's page and its rows of the tables only. Figures are
//! suppressed once, over all localities, whichever pages are written (see [`figures`]).

pub mod figures;
pub mod markdown;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::periods::Period;
use crate::charts::{months_chart, Chart, MonthBar};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::model::validate::validate_without_baseline;
use crate::report::{html, slug, tables, Formats, ReportError};
use figures::{FeedbackLine, Locality, Shown, SummaryFigures};

/// How to write a summary: everything but the spec.
#[derive(Debug, Clone)]
pub struct SummaryOptions<'a> {
    pub period: Period,
    /// Only this locality's page (matched without regard to case).
    pub locality: Option<&'a str>,
    /// Output folder; `reports/summary-<period>/` when `None`.
    pub out: Option<&'a Path>,
    pub formats: Formats,
}

/// What a summary run wrote.
#[derive(Debug)]
pub struct SummaryOutput {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    pub figures: SummaryFigures,
}

/// One row of `tables/attendance_summary.csv`.
#[derive(Debug, Serialize)]
struct FigureRow {
    period: String,
    locality: String,
    figure: String,
    this_period: Option<f64>,
    previous_period: Option<f64>,
    change: Option<f64>,
    /// This period's figure is hidden.
    suppressed: bool,
    /// The previous period's figure is hidden.
    previous_suppressed: bool,
}

/// One row of `tables/feedback.csv`.
#[derive(Debug, Serialize)]
struct FeedbackRow {
    period: String,
    locality: String,
    question: String,
    n: Option<u64>,
    #[serde(rename = "N")]
    total: Option<u64>,
    percent: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    /// The previous period's percent agreeing, where published.
    previous_percent: Option<f64>,
    suppressed: bool,
}

/// One row of `tables/topics.csv`: sessions per topic or speaker role, and topics asked for.
#[derive(Debug, Serialize)]
struct TopicRow {
    period: String,
    locality: String,
    kind: String,
    name: String,
    count: Option<u64>,
    covered: Option<bool>,
    suppressed: bool,
}

/// Writes the summary of `options.period` for the spec at `spec_path`.
pub fn write_summary(
    spec_path: &Path,
    options: &SummaryOptions,
) -> Result<SummaryOutput, ReportError> {
    let checked = validate_without_baseline(spec_path);
    let (Some(loaded), Some(eval)) = (&checked.spec, &checked.evaluation) else {
        return Err(ReportError::Invalid(checked.diagnostics));
    };
    if checked.errors() > 0 {
        return Err(ReportError::Invalid(checked.diagnostics));
    }
    let spec = &loaded.spec;
    if !eval
        .registers
        .iter()
        .any(|r| r.kind == crate::spec::SourceKind::Attendance)
    {
        return Err(ReportError::Invalid(vec![Diagnostic::error(format!(
            "{}: the spec has no attendance register, so there is nothing to summarise",
            spec_path.display()
        ))
        .help(
            "add a [[sources]] block with kind = \"attendance\", file, date, locality and attendee \
             (see the README's \"Half-yearly summaries\")",
        )]));
    }
    let figures = figures::compute(spec, eval, &options.period).map_err(ReportError::Invalid)?;

    let chosen: Option<&Locality> = match options.locality {
        None => None,
        Some(wanted) => {
            let found = figures.localities.iter().find(|l| {
                l.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(wanted.trim()))
            });
            match found {
                Some(l) => Some(l),
                None => {
                    let names: Vec<&str> = figures
                        .localities
                        .iter()
                        .filter_map(|l| l.name.as_deref())
                        .collect();
                    let help = match did_you_mean(wanted, names.iter().copied()) {
                        Some(best) => format!("did you mean \"{best}\"?"),
                        None => format!("the localities are: {}", names.join(", ")),
                    };
                    return Err(ReportError::Invalid(vec![Diagnostic::error(format!(
                        "--locality {wanted}: no register names this locality"
                    ))
                    .help(help)]));
                }
            }
        }
    };

    let final_dir = options.out.map_or_else(
        || PathBuf::from("reports").join(format!("summary-{}", slug(&options.period.label))),
        Path::to_path_buf,
    );
    let dir = final_dir.join(crate::report::WORKING_FOLDER);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Io { path, source }
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
    }
    let tables_dir = dir.join("tables");
    std::fs::create_dir_all(&tables_dir).map_err(io(&tables_dir))?;
    let mut files = Vec::new();

    let written: Vec<&Locality> = match chosen {
        Some(l) => vec![l],
        None => figures.localities.iter().collect(),
    };
    let label = &options.period.label;
    let figure_rows: Vec<FigureRow> = written.iter().flat_map(|l| figure_rows(label, l)).collect();
    let feedback_rows: Vec<FeedbackRow> = written
        .iter()
        .flat_map(|l| feedback_rows(label, l))
        .collect();
    let topic_rows: Vec<TopicRow> = written.iter().flat_map(|l| topic_rows(label, l)).collect();
    tables::write_table(
        &tables_dir,
        "attendance_summary",
        &figure_rows,
        &[
            "period",
            "locality",
            "figure",
            "this_period",
            "previous_period",
            "change",
            "suppressed",
            "previous_suppressed",
        ],
    )?;
    tables::write_table(
        &tables_dir,
        "feedback",
        &feedback_rows,
        &[
            "period",
            "locality",
            "question",
            "n",
            "N",
            "percent",
            "ci_low",
            "ci_high",
            "previous_percent",
            "suppressed",
        ],
    )?;
    tables::write_table(
        &tables_dir,
        "topics",
        &topic_rows,
        &[
            "period",
            "locality",
            "kind",
            "name",
            "count",
            "covered",
            "suppressed",
        ],
    )?;
    for name in ["attendance_summary", "feedback", "topics"] {
        files.push(tables_dir.join(format!("{name}.csv")));
        files.push(tables_dir.join(format!("{name}.parquet")));
    }

    let title = spec.summary.title.as_ref().unwrap_or(&spec.title);
    let mut pages = Vec::new();
    // Each document as Markdown, and the Markdown its HTML is made from (the overview's links
    // to locality pages point at .md in one and .html in the other).
    let mut documents: Vec<(String, String, String)> = Vec::new();
    let mut all_chart = None;
    let stems = page_stems(&figures);
    for locality in &written {
        let stem = locality.name.as_ref().and_then(|n| stems.get(n)).cloned();
        let chart = chart_for(&dir, locality, stem.as_deref(), &figures).transpose()?;
        if let Some(chart) = &chart {
            files.push(chart.svg.clone());
            files.push(chart.png.clone());
        }
        let (Some(name), Some(stem)) = (&locality.name, stem) else {
            all_chart = chart;
            continue;
        };
        let link = chart.as_ref().map(|c| relative(&c.png, &dir));
        let mut markdown = markdown::locality_page(
            title,
            &figures,
            locality,
            chart.as_ref().zip(link.as_deref()),
            true,
        );
        markdown::about(&mut markdown, &figures, false);
        pages.push((name.clone(), stem.clone()));
        documents.push((stem, markdown.clone(), markdown));
    }
    if chosen.is_none() {
        let link = all_chart.as_ref().map(|c| relative(&c.png, &dir));
        let overview = |extension: &str| {
            let links: Vec<(String, String)> = pages
                .iter()
                .map(|(name, stem)| (name.clone(), format!("{stem}.{extension}")))
                .collect();
            markdown::overview(
                title,
                &figures,
                all_chart.as_ref().zip(link.as_deref()),
                &links,
            )
        };
        documents.push(("summary".to_string(), overview("md"), overview("html")));
    }
    for (stem, markdown, for_html) in &documents {
        if options.formats.markdown {
            let path = dir.join(format!("{stem}.md"));
            std::fs::write(&path, markdown).map_err(io(&path))?;
            files.push(path);
        }
        if options.formats.html {
            let page_title = format!("{title}: summary for {}", options.period.label);
            let html = html::to_html(for_html, &page_title, &dir)?;
            let path = dir.join(format!("{stem}.html"));
            std::fs::write(&path, html).map_err(io(&path))?;
            files.push(path);
        }
    }

    // What this run writes, and every page an earlier run may have written for a locality
    // the registers still name, is replaced; anything else in the folder is left alone.
    let mut outputs = vec!["charts".to_string(), "tables".to_string()];
    for stem in stems.values().cloned().chain(["summary".to_string()]) {
        outputs.push(format!("{stem}.md"));
        outputs.push(format!("{stem}.html"));
    }
    let files = crate::report::move_into_place(&dir, &final_dir, &outputs, files)?;
    // The notes on the data to check reach the team on the command line too.
    let mut warnings = checked.diagnostics.clone();
    warnings.extend(figures.notes.iter().map(|n| Diagnostic::warning(n.clone())));
    Ok(SummaryOutput {
        dir: final_dir,
        files,
        warnings,
        figures,
    })
}

/// Each locality's file name stem, unique: "St Ives" and "St. Ives" slug alike, and one
/// page must not overwrite the other.
fn page_stems(figures: &SummaryFigures) -> std::collections::BTreeMap<String, String> {
    let mut used = std::collections::BTreeSet::from(["summary".to_string()]);
    let mut stems = std::collections::BTreeMap::new();
    for name in figures.localities.iter().filter_map(|l| l.name.as_deref()) {
        let base = match slug(name) {
            s if s.is_empty() => "locality".to_string(),
            s => s,
        };
        let mut stem = base.clone();
        let mut k = 2;
        while !used.insert(stem.clone()) {
            stem = format!("{base}-{k}");
            k += 1;
        }
        stems.insert(name.to_string(), stem);
    }
    stems
}

fn chart_stem(page: Option<&str>) -> String {
    match page {
        Some(stem) => format!("attendances-by-month-{stem}"),
        None => "attendances-by-month".to_string(),
    }
}

fn relative(path: &Path, dir: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The attendances-by-month chart of one locality (or all), unless every month is hidden or
/// nobody came.
fn chart_for(
    dir: &Path,
    l: &Locality,
    stem: Option<&str>,
    figures: &SummaryFigures,
) -> Option<Result<Chart, crate::charts::ChartError>> {
    let bars: Vec<MonthBar> = l
        .now
        .by_month
        .iter()
        .map(|(label, n)| MonthBar {
            label: label.clone(),
            count: n.get(),
        })
        .collect();
    if bars.iter().all(|b| b.count.is_none_or(|n| n == 0)) {
        return None;
    }
    let title = format!(
        "Attendances by month, {}: {}",
        l.label(),
        markdown::period_words(&figures.period)
    );
    let caption = format!(
        "Source: {}. One attendance is one woman at one session.",
        figures
            .register_names
            .iter()
            .map(|n| crate::report::figures::source_words(n))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let stem = dir.join("charts").join(chart_stem(stem));
    Some(months_chart(&bars, &title, "Attendances", &caption, &stem))
}

fn figure_rows(period: &str, l: &Locality) -> Vec<FigureRow> {
    let locality = l.label().to_string();
    let row =
        |figure: &str, now: Option<f64>, before: Option<f64>, hidden: (bool, bool)| FigureRow {
            period: period.to_string(),
            locality: locality.clone(),
            figure: figure.to_string(),
            this_period: now,
            previous_period: before,
            change: now.zip(before).map(|(a, b)| round2(a - b)),
            suppressed: hidden.0,
            previous_suppressed: hidden.1,
        };
    let counted = |figure: &str, now: Shown, before: Shown| {
        row(
            figure,
            now.get().map(|n| n as f64),
            before.get().map(|n| n as f64),
            (now.hidden, before.hidden),
        )
    };
    let plain = |figure: &str, now: u64, before: u64| {
        row(
            figure,
            Some(now as f64),
            Some(before as f64),
            (false, false),
        )
    };
    let (now, before) = (&l.now, &l.before);
    let mut rows = vec![
        plain("sessions_held", now.sessions_held, before.sessions_held),
        plain(
            "sessions_cancelled",
            now.sessions_cancelled,
            before.sessions_cancelled,
        ),
        counted("attendances", now.attendances, before.attendances),
        counted(
            "unique_attendees",
            now.unique_attendees,
            before.unique_attendees,
        ),
        counted("new_joiners", now.new_joiners, before.new_joiners),
        row(
            "mean_per_session",
            now.mean_per_session.map(round2),
            before.mean_per_session.map(round2),
            (
                average_hidden(now, now.mean_per_session),
                average_hidden(before, before.mean_per_session),
            ),
        ),
        row(
            "median_per_session",
            now.median_per_session,
            before.median_per_session,
            (
                average_hidden(now, now.median_per_session),
                average_hidden(before, before.median_per_session),
            ),
        ),
        counted("came_once", now.came_once, before.came_once),
        counted("returned", now.returned, before.returned),
        counted(
            "joiners_with_diagnosis_date",
            now.joiners_with_diagnosis_date,
            before.joiners_with_diagnosis_date,
        ),
        counted(
            "joined_within_three_months",
            now.joined_within_three_months,
            before.joined_within_three_months,
        ),
    ];
    for (route, n) in &now.referral_routes {
        let previous = before
            .referral_routes
            .iter()
            .find(|(r, _)| r == route)
            .map_or(Shown::default(), |(_, s)| *s);
        rows.push(counted(
            &format!("new_joiners_referred: {route}"),
            *n,
            previous,
        ));
    }
    for (month, n) in &now.by_month {
        rows.push(row(
            &format!("attendances_in: {month}"),
            n.get().map(|n| n as f64),
            None,
            (n.hidden, false),
        ));
    }
    rows
}

/// Hidden, as opposed to not applicable (no sessions held).
fn average_hidden(figures: &figures::PeriodFigures, average: Option<f64>) -> bool {
    average.is_none() && figures.sessions_held > 0
}

/// Averages to two decimals in the tables, as a person would quote them.
fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn feedback_rows(period: &str, l: &Locality) -> Vec<FeedbackRow> {
    let Some(feedback) = &l.feedback else {
        return Vec::new();
    };
    let mut rows = vec![FeedbackRow {
        period: period.to_string(),
        locality: l.label().to_string(),
        question: "forms".to_string(),
        n: feedback.forms.get(),
        total: None,
        percent: None,
        ci_low: None,
        ci_high: None,
        previous_percent: None,
        suppressed: feedback.forms.hidden,
    }];
    for line in &feedback.lines {
        let n = line.positive.get();
        let total = line.answered.get();
        rows.push(FeedbackRow {
            period: period.to_string(),
            locality: l.label().to_string(),
            question: line.question.clone(),
            n,
            total,
            percent: line.percent(),
            ci_low: line.interval.map(|i| i.low * 100.0),
            ci_high: line.interval.map(|i| i.high * 100.0),
            previous_percent: feedback.before(line).and_then(FeedbackLine::percent),
            suppressed: line.positive.hidden || line.answered.hidden,
        });
    }
    rows
}

fn topic_rows(period: &str, l: &Locality) -> Vec<TopicRow> {
    let row = |kind: &str, name: &str, count: Option<u64>, covered, suppressed| TopicRow {
        period: period.to_string(),
        locality: l.label().to_string(),
        kind: kind.to_string(),
        name: name.to_string(),
        count,
        covered,
        suppressed,
    };
    let mut rows: Vec<TopicRow> = l
        .now
        .topics
        .iter()
        .map(|(t, n)| row("topic", t, Some(*n), Some(true), false))
        .collect();
    rows.extend(
        l.now
            .speakers
            .iter()
            .map(|(t, n)| row("speaker", t, Some(*n), None, false)),
    );
    if let Some(feedback) = &l.feedback {
        rows.extend(feedback.requests.iter().map(|(t, n)| {
            row(
                "asked_for",
                t,
                n.get(),
                Some(!feedback.not_covered.contains(t)),
                n.hidden,
            )
        }));
    }
    rows
}

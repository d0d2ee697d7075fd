//! The half-yearly summary's figures, computed and then made safe to publish.
//!
//! Every count about people is part of a table over localities whose totals are the figures for
//! all localities together: attendances by month, women by how often they came, new joiners by
//! referral route, new joiners by timing, feedback answers. Each table goes through
//! [`suppress_table`] once, and every document of the summary (the overview and each
//! locality's page) uses the same hidden flags, so no page gives back what another hides. The
//! number of sessions held or cancelled is about the service, not people, and is published.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use crate::analysis::attendance::{
    clean_register, summarise, Attendance, AttendanceSummary, Excluded, Session,
};
use crate::analysis::interval::{wilson_interval, Interval};
use crate::analysis::periods::Period;
use crate::analysis::suppression::{
    is_small, suppress_table, suppress_table_hiding_rows, TableSuppression,
};
use crate::diagnostic::Diagnostic;
use crate::ingest::dates::parse_date_column;
use crate::ingest::Cell;
use crate::model::{AnswerStatus, Evaluation};
use crate::report::redact::{RedactionCounts, Redactor};
use crate::spec::{QuestionKind, SourceKind, Spec};

/// A count and whether it is hidden for small numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shown {
    pub value: u64,
    pub hidden: bool,
}

impl Shown {
    /// The value when it may be published.
    pub fn get(self) -> Option<u64> {
        (!self.hidden).then_some(self.value)
    }
}

/// One locality's (or all localities') figures in one period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PeriodFigures {
    pub sessions_held: u64,
    pub sessions_cancelled: u64,
    pub attendances: Shown,
    pub unique_attendees: Shown,
    pub new_joiners: Shown,
    /// `None` when there were no sessions, or the attendances are hidden.
    pub mean_per_session: Option<f64>,
    pub median_per_session: Option<f64>,
    pub came_once: Shown,
    pub returned: Shown,
    pub joiners_with_diagnosis_date: Shown,
    pub joined_within_three_months: Shown,
    pub referral_routes: Vec<(String, Shown)>,
    /// "Jan 2026" → attendances.
    pub by_month: Vec<(String, Shown)>,
    pub topics: Vec<(String, u64)>,
    pub speakers: Vec<(String, u64)>,
}

/// One statement of the feedback form: how many of those who answered agreed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackLine {
    pub question: String,
    /// The statement as the form put it (the column header).
    pub text: String,
    pub positive: Shown,
    pub answered: Shown,
    /// Hidden with `positive`.
    pub interval: Option<Interval>,
}

impl FeedbackLine {
    /// The percent agreeing, 0–100, when both counts are published and someone answered.
    pub fn percent(&self) -> Option<f64> {
        match (self.positive.get(), self.answered.get()) {
            (Some(n), Some(d)) if d > 0 => Some(100.0 * n as f64 / d as f64),
            _ => None,
        }
    }
}

impl Feedback {
    /// The previous period's line for the same question.
    pub fn before(&self, line: &FeedbackLine) -> Option<&FeedbackLine> {
        self.before_lines
            .iter()
            .find(|b| b.question == line.question)
    }
}

/// A locality's feedback forms in the period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Feedback {
    pub forms: Shown,
    pub lines: Vec<FeedbackLine>,
    /// Topics asked for and how many forms asked for each, most asked first.
    pub requests: Vec<(String, Shown)>,
    /// Asked for but not covered by any session of this locality in the period.
    pub not_covered: Vec<String>,
    /// Comments, scrubbed by the personal-data guard; none when the forms are few.
    pub quotes: Vec<String>,
    /// The previous period's forms and statements, for the side-by-side comparison.
    pub before_forms: Shown,
    pub before_lines: Vec<FeedbackLine>,
}

/// A locality, or all localities together (`name = None`, always last).
#[derive(Debug, Clone, PartialEq)]
pub struct Locality {
    pub name: Option<String>,
    pub now: PeriodFigures,
    pub before: PeriodFigures,
    pub feedback: Option<Feedback>,
}

impl Locality {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or("All localities")
    }
}

/// Register rows left out, by source and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub source: String,
    pub reason: String,
    pub rows: u64,
}

/// Everything the summary documents show.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryFigures {
    pub period: Period,
    pub previous: Period,
    pub localities: Vec<Locality>,
    /// Register rows read (under the header, blank rows included), used, and left out.
    pub rows_read: u64,
    pub rows_used: u64,
    pub left_out: Vec<LeftOut>,
    /// Feedback forms read and left out (no locality or date), when there is a feedback source.
    pub feedback_forms: Option<(u64, Vec<LeftOut>)>,
    pub register_names: Vec<String>,
    pub has_session_log: bool,
    pub redactions: RedactionCounts,
    pub min_cell: u32,
    /// Things the reader should know about the data: locality names read as another spelling,
    /// register dates the session log does not have.
    pub notes: Vec<String>,
}

/// Computes the summary of `period`. Errors (a feedback date that cannot be read) are returned
/// as diagnostics; nothing is guessed.
pub fn compute(
    spec: &Spec,
    eval: &Evaluation,
    period: &Period,
) -> Result<SummaryFigures, Vec<Diagnostic>> {
    let min_cell = spec.privacy.min_cell;
    let mut notes = Vec::new();
    let mut attendances: Vec<Attendance> = eval
        .registers
        .iter()
        .flat_map(|r| r.attendances.iter().cloned())
        .collect();
    let logs: Vec<&crate::model::registers::RegisterData> = eval
        .registers
        .iter()
        .filter(|r| r.kind == SourceKind::Sessions)
        .collect();
    let mut sessions: Vec<Session> = logs
        .iter()
        .flat_map(|r| r.sessions.iter().cloned())
        .collect();
    // One locality may be written "South" in the log and "south" in some register rows: all
    // are read as the log's spelling, else the register's most common one, and the other
    // spellings are named.
    let mut seen: BTreeMap<String, BTreeMap<String, (bool, usize)>> = BTreeMap::new();
    for (name, in_log) in attendances
        .iter()
        .map(|a| (&a.locality, false))
        .chain(sessions.iter().map(|s| (&s.locality, true)))
    {
        let entry = seen
            .entry(name.to_lowercase())
            .or_default()
            .entry(name.clone())
            .or_default();
        entry.0 |= in_log;
        entry.1 += 1;
    }
    let spelling: BTreeMap<String, String> = seen
        .into_iter()
        .filter_map(|(key, spellings)| {
            let best = spellings
                .iter()
                .max_by(|a, b| {
                    (a.1 .0, a.1 .1)
                        .cmp(&(b.1 .0, b.1 .1))
                        .then_with(|| b.0.cmp(a.0))
                })
                .map(|(name, _)| name.clone())?;
            Some((key, best))
        })
        .collect();
    let mut variants: BTreeSet<(String, String)> = BTreeSet::new();
    let names = attendances
        .iter_mut()
        .map(|a| &mut a.locality)
        .chain(sessions.iter_mut().map(|s| &mut s.locality));
    for name in names {
        if let Some(canonical) = spelling.get(&name.to_lowercase()) {
            if canonical != name {
                variants.insert((name.clone(), canonical.clone()));
                *name = canonical.clone();
            }
        }
    }
    for (variant, canonical) in &variants {
        notes.push(format!(
            "The locality \"{variant}\" is read as \"{canonical}\" (the same name written another way)."
        ));
    }
    let log = (!logs.is_empty()).then_some(sessions.as_slice());
    let (kept, excluded) = clean_register(&attendances, log);
    if let Some(log) = log {
        // A register date the log does not have still counts as a session held; say how many,
        // as it may be a mistyped date.
        let logged: BTreeSet<(NaiveDate, &str)> =
            log.iter().map(|s| (s.date, s.locality.as_str())).collect();
        let unlogged: BTreeSet<(NaiveDate, &str)> = kept
            .iter()
            .filter(|a| period.contains(a.date) && !logged.contains(&(a.date, a.locality.as_str())))
            .map(|a| (a.date, a.locality.as_str()))
            .collect();
        if !unlogged.is_empty() {
            let listed: Vec<String> = unlogged
                .iter()
                .map(|(d, l)| format!("{l} on {}", d.format("%-d %B %Y")))
                .collect();
            notes.push(format!(
                "The register has attendances at sessions the session log does not list, each counted as a session held: {}. Check these dates in the register or add the sessions to the log.",
                listed.join("; ")
            ));
        }
    }

    let previous = period.previous();
    let now = summarise(&kept, log, period);
    if now
        .last()
        .is_some_and(|all| all.joiners_diagnosed_after_first_session > 0)
    {
        notes.push(
            "Some new joiners' recorded date of secondary diagnosis is after their first session; those dates are treated as not known. Check them in the register."
                .to_string(),
        );
    }
    let before = summarise(&kept, log, &previous);
    let now_figures = publish_period(&now, min_cell);
    let before_figures = publish_period(&before, min_cell);

    let feedback = feedback(spec, eval, period, &now, min_cell)?;
    let (mut feedback_by_locality, feedback_forms, redactions) = match feedback {
        Some((by, forms, redactions)) => (Some(by), Some(forms), redactions),
        None => (None, None, RedactionCounts::new()),
    };

    let localities = now
        .iter()
        .zip(now_figures)
        .zip(before_figures)
        .map(|((summary, now), before)| Locality {
            name: summary.locality.clone(),
            now,
            before,
            feedback: feedback_by_locality
                .as_mut()
                .and_then(|by| by.remove(&summary.locality)),
        })
        .collect();

    let (rows_read, rows_used, left_out) = ledger(eval, &excluded);
    Ok(SummaryFigures {
        period: period.clone(),
        previous,
        localities,
        rows_read,
        rows_used,
        left_out,
        feedback_forms,
        register_names: eval.registers.iter().map(|r| r.name.clone()).collect(),
        has_session_log: log.is_some(),
        redactions,
        min_cell,
        notes,
    })
}

/// The registers' rows: read, used, and left out with reasons (the ledger's exclusions, then
/// the attendances [`clean_register`] left out).
fn ledger(eval: &Evaluation, excluded: &[Excluded]) -> (u64, u64, Vec<LeftOut>) {
    let mut read = 0;
    let mut used = 0;
    let mut reasons: BTreeMap<(String, String), u64> = BTreeMap::new();
    for register in &eval.registers {
        let summary = crate::model::ledger::summarise(&register.ledger);
        read += summary.rows_read - summary.header;
        used += summary.used;
        for (reason, rows) in summary.reasons {
            *reasons.entry((register.name.clone(), reason)).or_default() += rows;
        }
    }
    // Rows the register read and the summary then left out (a cancelled session, a woman
    // twice at one session) were counted as used.
    for e in excluded {
        used -= 1;
        *reasons
            .entry((e.source.clone(), e.reason.to_string()))
            .or_default() += 1;
    }
    let left_out = reasons
        .into_iter()
        .map(|((source, reason), rows)| LeftOut {
            source,
            reason,
            rows,
        })
        .collect();
    (read, used, left_out)
}

/// Suppression of one table over localities, read back per locality (`None` = all together).
struct Hidden(TableSuppression);

impl Hidden {
    fn new(cells: &[Vec<u64>], min_cell: u32) -> Hidden {
        Hidden(suppress_table(cells, min_cell))
    }

    /// Row `i` (a locality) or, past the last row, the column totals.
    fn cell(&self, i: usize, j: usize) -> bool {
        match self.0.cells.get(i) {
            Some(row) => row.get(j).copied().unwrap_or(true),
            None => self.0.column_totals.get(j).copied().unwrap_or(true),
        }
    }

    /// Row total `i` or, past the last row, the grand total.
    fn total(&self, i: usize) -> bool {
        self.0
            .row_totals
            .get(i)
            .copied()
            .unwrap_or(self.0.grand_total)
    }
}

fn shown(value: u64, hidden: bool) -> Shown {
    Shown { value, hidden }
}

/// The figures of every locality (and, last, all together) with their hidden flags.
///
/// Three tables over localities, each suppressed with [`suppress_table`]: attendances by month
/// (row totals: attendances); women by whether they came once or more (row totals: women who
/// came); and new joiners, twice — by referral route and by timing (within three months of
/// diagnosis, later, date not known) — whose row totals are both the new joiners, so a total
/// either hides, both hide. A locality's new joiners are also hidden when the women who came
/// minus them (those who had come before) is small. For all localities together, women who came
/// is counted afresh (a woman in two groups once) and hidden when the difference from the sum
/// over localities is small; the other figures are the tables' column totals.
fn publish_period(summaries: &[AttendanceSummary], min_cell: u32) -> Vec<PeriodFigures> {
    let places = &summaries[..summaries.len().saturating_sub(1)];
    let n = places.len();
    let months = Hidden::new(
        &places
            .iter()
            .map(|s| s.by_month.iter().map(|(_, n)| *n).collect())
            .collect::<Vec<_>>(),
        min_cell,
    );
    let visit_cells: Vec<Vec<u64>> = places
        .iter()
        .map(|s| vec![s.came_once, s.returned])
        .collect();
    let visits = Hidden::new(&visit_cells, min_cell);
    let women_sum: u64 = visit_cells.iter().flatten().sum();

    let routes: Vec<&str> = summaries
        .iter()
        .flat_map(|s| s.referral_routes.iter().map(|(r, _)| r.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let route_count = |s: &AttendanceSummary, route: &str| {
        s.referral_routes
            .iter()
            .find(|(r, _)| r == route)
            .map_or(0, |(_, n)| *n)
    };
    let route_cells: Vec<Vec<u64>> = places
        .iter()
        .map(|s| routes.iter().map(|r| route_count(s, r)).collect())
        .collect();
    let timing_cells: Vec<Vec<u64>> = places
        .iter()
        .map(|s| {
            vec![
                s.joined_within_three_months,
                s.joiners_with_diagnosis_date - s.joined_within_three_months,
                s.new_joiners - s.joiners_with_diagnosis_date,
            ]
        })
        .collect();
    // New joiners to hide from the start: those whose complement among the women is small.
    let all = summaries.last();
    let mut forced: BTreeSet<usize> = places
        .iter()
        .enumerate()
        .filter(|(_, s)| is_small(s.unique_attendees.saturating_sub(s.new_joiners), min_cell))
        .map(|(i, _)| i)
        .collect();
    if all.is_some_and(|a| is_small(a.unique_attendees.saturating_sub(a.new_joiners), min_cell)) {
        forced.insert(n);
    }
    let (joiners, timing) = loop {
        let rows: Vec<usize> = forced.iter().copied().collect();
        let joiners = Hidden(suppress_table_hiding_rows(&route_cells, min_cell, &rows));
        let timing = Hidden(suppress_table_hiding_rows(&timing_cells, min_cell, &rows));
        let before = forced.len();
        forced.extend((0..=n).filter(|&i| joiners.total(i) || timing.total(i)));
        if forced.len() == before {
            break (joiners, timing);
        }
    };

    let month_labels: Vec<String> = summaries
        .first()
        .map(|s| s.by_month.iter().map(|(key, _)| month_label(key)).collect())
        .unwrap_or_default();

    summaries
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let attendances_hidden = months.total(i);
            let is_all = i == n;
            let (once, returned) = if is_all {
                (
                    visit_cells.iter().map(|c| c[0]).sum(),
                    visit_cells.iter().map(|c| c[1]).sum(),
                )
            } else {
                (s.came_once, s.returned)
            };
            let women_hidden = if is_all {
                visits.total(i) || is_small(women_sum - s.unique_attendees, min_cell)
            } else {
                visits.total(i)
            };
            let median_small = s
                .median_per_session
                .is_some_and(|m| is_small(m.round() as u64, min_cell));
            PeriodFigures {
                sessions_held: s.sessions_held,
                sessions_cancelled: s.sessions_cancelled,
                attendances: shown(s.attendances, attendances_hidden),
                unique_attendees: shown(s.unique_attendees, women_hidden),
                new_joiners: shown(s.new_joiners, joiners.total(i)),
                // Hidden with the attendances: with the sessions held, they give the mean back.
                mean_per_session: s.mean_per_session.filter(|_| !attendances_hidden),
                // With an odd number of sessions the median is one session's headcount.
                median_per_session: s
                    .median_per_session
                    .filter(|_| !attendances_hidden && !median_small),
                came_once: shown(once, visits.cell(i, 0)),
                returned: shown(returned, visits.cell(i, 1)),
                joiners_with_diagnosis_date: shown(
                    s.joiners_with_diagnosis_date,
                    timing.cell(i, 0) || timing.cell(i, 1) || timing.total(i),
                ),
                joined_within_three_months: shown(
                    s.joined_within_three_months,
                    timing.cell(i, 0) || timing.total(i),
                ),
                referral_routes: {
                    // Every route on every page, zeros included: leaving a zero out would say
                    // which hidden routes are not zero.
                    let mut list: Vec<(String, Shown)> = routes
                        .iter()
                        .enumerate()
                        .map(|(j, r)| (r.to_string(), shown(route_count(s, r), joiners.cell(i, j))))
                        .collect();
                    sort_shown(&mut list);
                    list
                },
                by_month: s
                    .by_month
                    .iter()
                    .enumerate()
                    .map(|(j, (_, n))| (month_labels[j].clone(), shown(*n, months.cell(i, j))))
                    .collect(),
                topics: s.topics.clone(),
                speakers: s.speakers.clone(),
            }
        })
        .collect()
}

/// Most first, then the hidden ones, then zeros; ties by name.
fn sort_shown(list: &mut [(String, Shown)]) {
    let rank = |x: &Shown| match x.get() {
        Some(0) => (2, 0),
        Some(v) => (0, u64::MAX - v),
        None => (1, 0),
    };
    list.sort_by(|a, b| rank(&a.1).cmp(&rank(&b.1)).then_with(|| a.0.cmp(&b.0)));
}

/// "2026-03" → "Mar 2026".
fn month_label(key: &str) -> String {
    let parsed = NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d");
    match parsed {
        Ok(date) => format!("{} {}", date.format("%b"), date.year()),
        Err(_) => key.to_string(),
    }
}

type FeedbackByLocality = BTreeMap<Option<String>, Feedback>;

/// Per locality; forms read and left out; what the personal-data guard replaced.
type FeedbackFigures = (FeedbackByLocality, (u64, Vec<LeftOut>), RedactionCounts);

/// One feedback form: its respondent id, the index of its locality, and the session's date.
struct Form<'a> {
    id: &'a str,
    place: usize,
    date: NaiveDate,
}

/// The feedback forms per locality (and all together, key `None`) of the period, each with
/// the previous period's forms and statements beside it, the number of forms read and those
/// left out.
fn feedback(
    spec: &Spec,
    eval: &Evaluation,
    period: &Period,
    now: &[AttendanceSummary],
    min_cell: u32,
) -> Result<Option<FeedbackFigures>, Vec<Diagnostic>> {
    let Some(name) = &spec.summary.feedback else {
        return Ok(None);
    };
    let Some(data) = eval.source(name) else {
        return Ok(None);
    };
    let Some(source) = spec.sources.iter().find(|s| &s.name == name) else {
        return Ok(None);
    };
    // The localities of the attendance figures, in their order; a form is matched to one by
    // name, or by name without regard to case.
    let places: Vec<&str> = now[..now.len().saturating_sub(1)]
        .iter()
        .filter_map(|s| s.locality.as_deref())
        .collect();
    let place_of = |name: &str| {
        places
            .iter()
            .position(|p| *p == name)
            .or_else(|| places.iter().position(|p| p.eq_ignore_ascii_case(name)))
    };

    let date_column = source.attributes.get("date").cloned().unwrap_or_default();
    let cells: Vec<Cell> = data
        .respondents
        .iter()
        .map(|r| {
            Cell::Text(std::sync::Arc::from(
                r.attributes.get("date").cloned().unwrap_or_default(),
            ))
        })
        .collect();
    let cell_refs: Vec<&Cell> = cells.iter().collect();
    let dates = parse_date_column(&cell_refs);
    let mut errors = Vec::new();
    let mut forms: Vec<Form> = Vec::new();
    let mut left: BTreeMap<&str, u64> = BTreeMap::new();
    for (respondent, date) in data.respondents.iter().zip(dates) {
        let date = match date {
            Ok(Some(date)) => date,
            Ok(None) => {
                *left.entry("no session date").or_default() += 1;
                continue;
            }
            Err(e) => {
                let csv = data.file.extension().is_some_and(|e| {
                    ["csv", "tsv", "txt"]
                        .iter()
                        .any(|x| e.eq_ignore_ascii_case(x))
                });
                let (sheet, line) = if csv {
                    (None, "line")
                } else {
                    (Some(data.sheet.as_str()), "row")
                };
                let place = match respondent.row {
                    Some(row) => format!("{line} {row}, column \"{date_column}\""),
                    None => format!("column \"{date_column}\""),
                };
                errors.push(
                    Diagnostic::error(format!("{e} (the feedback form's session date)"))
                        .at(crate::diagnostic::Location::in_data(&data.file, sheet, Some(place)))
                        .help("write the date as 2026-05-13, or 13/05/2026 with the day first as in the rest of the column"),
                );
                continue;
            }
        };
        let Some(locality) = respondent.attributes.get("locality") else {
            *left.entry("no locality").or_default() += 1;
            continue;
        };
        let Some(place) = place_of(locality) else {
            *left.entry("a locality that no register names").or_default() += 1;
            continue;
        };
        forms.push(Form {
            id: &respondent.id,
            place,
            date,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let context = FeedbackContext {
        spec,
        source,
        data,
        places: places.len(),
        min_cell,
    };
    let in_period =
        |p: &Period| -> Vec<&Form> { forms.iter().filter(|f| p.contains(f.date)).collect() };
    let redactor = Redactor::new(&spec.privacy.names);
    let mut redactions = RedactionCounts::new();
    let women: Vec<u64> = now[..now.len().saturating_sub(1)]
        .iter()
        .map(|s| s.unique_attendees)
        .collect();
    let current = context.per_period(
        &in_period(period),
        Some((&redactor, &mut redactions, women.as_slice())),
    );
    let previous = context.per_period(&in_period(&period.previous()), None);

    let mut out = FeedbackByLocality::new();
    let keys = places.iter().map(|p| Some(p.to_string())).chain([None]);
    for ((key, mut feedback), before) in keys.zip(current).zip(previous) {
        let covered: BTreeSet<String> = match now.iter().find(|s| s.locality == key) {
            Some(s) => s.topics.iter().map(|(t, _)| topic_key(t)).collect(),
            None => BTreeSet::new(),
        };
        feedback.not_covered = feedback
            .requests
            .iter()
            .filter(|(topic, _)| topic != SOMETHING_ELSE && !covered.contains(&topic_key(topic)))
            .map(|(topic, _)| topic.clone())
            .collect();
        feedback.before_forms = before.forms;
        feedback.before_lines = before.lines;
        out.insert(key, feedback);
    }
    let left_out = left
        .into_iter()
        .map(|(reason, rows)| LeftOut {
            source: name.clone(),
            reason: reason.to_string(),
            rows,
        })
        .collect();
    Ok(Some((
        out,
        (data.respondents.len() as u64, left_out),
        redactions,
    )))
}

/// What every period's feedback figures are computed from.
struct FeedbackContext<'a> {
    spec: &'a Spec,
    source: &'a crate::spec::Source,
    data: &'a crate::model::SourceData,
    /// The number of localities; index `places` is all together.
    places: usize,
    min_cell: u32,
}

impl FeedbackContext<'_> {
    /// The figures of one period's forms, per locality and (last) all together. Comments are
    /// quoted when a redactor is given.
    fn per_period(
        &self,
        forms: &[&Form],
        quoting: Option<(&Redactor, &mut RedactionCounts, &[u64])>,
    ) -> Vec<Feedback> {
        let (spec, data, places, min_cell) = (self.spec, self.data, self.places, self.min_cell);
        let form_place: BTreeMap<&str, usize> = forms.iter().map(|f| (f.id, f.place)).collect();
        let mut form_counts = vec![0u64; places];
        for &i in form_place.values() {
            form_counts[i] += 1;
        }
        let mut out: Vec<Feedback> = vec![Feedback::default(); places + 1];

        // Each statement: a table over localities of [agreed, did not agree].
        for question in self
            .source
            .questions
            .iter()
            .filter(|q| q.effective_kind() == QuestionKind::Likert)
        {
            let positive: BTreeSet<&str> = question
                .scale
                .as_ref()
                .and_then(|s| spec.scales.get(s))
                .map(|s| s.positive.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let mut cells = vec![vec![0u64, 0u64]; places];
            for answer in data
                .answers
                .iter()
                .filter(|a| *a.question == *question.name && a.status() == AnswerStatus::Answered)
            {
                let Some(&i) = form_place.get(&*answer.respondent) else {
                    continue;
                };
                let agreed = answer.value().is_some_and(|v| positive.contains(v));
                cells[i][usize::from(!agreed)] += 1;
            }
            let hidden = Hidden::new(&cells, min_cell);
            let totals = [
                cells.iter().map(|c| c[0]).sum::<u64>(),
                cells.iter().map(|c| c[1]).sum::<u64>(),
            ];
            for (i, feedback) in out.iter_mut().enumerate() {
                let row = cells.get(i).map_or(totals, |c| [c[0], c[1]]);
                let (n, answered) = (row[0], row[0] + row[1]);
                let n_hidden = hidden.cell(i, 0) || hidden.cell(i, 1) || hidden.total(i);
                feedback.lines.push(FeedbackLine {
                    question: question.name.clone(),
                    text: question.column.clone(),
                    positive: shown(n, n_hidden),
                    answered: shown(answered, hidden.total(i)),
                    interval: wilson_interval(n, answered, spec.confidence).filter(|_| !n_hidden),
                });
            }
        }

        // Topics asked for: a table over localities of forms asking for each.
        if let Some(requests) = &spec.summary.requests {
            let mut options: BTreeSet<&str> = BTreeSet::new();
            let mut asked: BTreeMap<(usize, &str), BTreeSet<&str>> = BTreeMap::new();
            for answer in data
                .answers
                .iter()
                .filter(|a| *a.question == **requests && a.status() != AnswerStatus::Missing)
            {
                let (Some(&i), Some(value)) = (form_place.get(&*answer.respondent), answer.value())
                else {
                    continue;
                };
                // What a woman wrote in herself is never published: it is counted as one
                // "something else", whatever it says.
                let value = match answer.status() {
                    AnswerStatus::Answered => value,
                    _ => SOMETHING_ELSE,
                };
                options.insert(value);
                asked
                    .entry((i, value))
                    .or_default()
                    .insert(&*answer.respondent);
            }
            let options: Vec<&str> = options.into_iter().collect();
            let cells: Vec<Vec<u64>> = (0..places)
                .map(|i| {
                    options
                        .iter()
                        .map(|o| asked.get(&(i, *o)).map_or(0, |s| s.len() as u64))
                        .collect()
                })
                .collect();
            let hidden = Hidden::new(&cells, min_cell);
            for (i, feedback) in out.iter_mut().enumerate() {
                for (j, option) in options.iter().enumerate() {
                    let n = match cells.get(i) {
                        Some(row) => row[j],
                        None => cells.iter().map(|row| row[j]).sum(),
                    };
                    // Every option on every page, zeros included, as with referral routes.
                    feedback
                        .requests
                        .push((option.to_string(), shown(n, hidden.cell(i, j))));
                }
                sort_shown(&mut feedback.requests);
            }
        }

        // Comments, through the personal-data guard: the first two of six words or more, in
        // the order the forms came, from groups where enough women came and enough forms were
        // returned that a comment does not point at one of a few.
        if let (Some(comments), Some((redactor, redactions, women))) =
            (&spec.summary.comments, quoting)
        {
            let mut candidates: Vec<Vec<&str>> = vec![Vec::new(); places];
            for answer in data
                .answers
                .iter()
                .filter(|a| *a.question == **comments && a.status() == AnswerStatus::Answered)
            {
                if let (Some(&i), Some(text)) =
                    (form_place.get(&*answer.respondent), answer.value())
                {
                    // Two are quoted: the first two different ones are all that is kept.
                    let list = &mut candidates[i];
                    if list.len() < 2
                        && text.split_whitespace().count() >= 6
                        && !list.contains(&text)
                    {
                        list.push(text);
                    }
                }
            }
            for (i, texts) in candidates.iter().enumerate() {
                let few = |n: u64| n < u64::from(min_cell.max(1));
                if few(form_counts[i]) || women.get(i).is_none_or(|&w| few(w)) {
                    continue;
                }
                out[i].quotes = texts
                    .iter()
                    .take(2)
                    .map(|t| redactor.redact(t, redactions))
                    .collect();
            }
        }

        let form_hidden = Hidden::new(&[form_counts.clone()], min_cell);
        let all_forms: u64 = form_counts.iter().sum();
        for (i, feedback) in out.iter_mut().enumerate() {
            feedback.forms = match form_counts.get(i) {
                Some(&n) => shown(n, form_hidden.cell(0, i)),
                None => shown(all_forms, form_hidden.0.grand_total),
            };
        }
        out
    }
}

/// Topics asked for in a woman's own words (not one of the form's options), counted together.
pub const SOMETHING_ELSE: &str = "Something else, in their own words (not shown)";

/// Topics compare without case, spacing or punctuation: "Pain management" asks for what a
/// session on "pain  management." covered.
fn topic_key(topic: &str) -> String {
    topic
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod suppression_properties {
    use super::*;
    use proptest::prelude::*;

    use crate::analysis::attendance::{clean_register, summarise};

    /// A register: for each locality, each woman's (first month, months she stays, route,
    /// diagnosed before joining?), over the twelve months of 2025-H2 and 2026-H1.
    fn register_strategy() -> impl Strategy<Value = Vec<Vec<(u32, u32, u8, bool)>>> {
        prop::collection::vec(
            prop::collection::vec((0u32..12, 1u32..8, 0u8..3, any::<bool>()), 0..14),
            2..5,
        )
    }

    fn build(groups: &[Vec<(u32, u32, u8, bool)>]) -> Vec<Attendance> {
        let mut out = Vec::new();
        let mut row = 2;
        for (g, women) in groups.iter().enumerate() {
            for (w, &(start, stay, route, diagnosed)) in women.iter().enumerate() {
                for m in start..(start + stay).min(12) {
                    let month0 = 6 + m; // July 2025 onwards
                    let date =
                        NaiveDate::from_ymd_opt(2025 + (month0 / 12) as i32, month0 % 12 + 1, 10)
                            .unwrap();
                    out.push(Attendance {
                        source: "register".into(),
                        date,
                        locality: format!("L{g}"),
                        attendee: format!("L{g}-W{w}"),
                        referral: (m == start)
                            .then(|| ["GP", "Nurse", "Website"][route as usize].into()),
                        diagnosed: (m == start && diagnosed)
                            .then(|| date.checked_sub_months(chrono::Months::new(2)).unwrap()),
                        row,
                    });
                    row += 1;
                }
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// No published count of people is from 1 to 4, and no locality's hidden figure is
        /// the only hidden one beside a published total for all localities.
        #[test]
        fn no_small_count_is_published_or_left_alone(groups in register_strategy()) {
            let register = build(&groups);
            let (kept, _) = clean_register(&register, None);
            let period = Period::parse("2026-H1").unwrap();
            let summaries = summarise(&kept, None, &period);
            let figures = publish_period(&summaries, 5);
            let n = figures.len() - 1;
            let people = |f: &PeriodFigures| -> Vec<(String, Shown)> {
                let mut v = vec![
                    ("attendances".to_string(), f.attendances),
                    ("women".to_string(), f.unique_attendees),
                    ("new".to_string(), f.new_joiners),
                    ("once".to_string(), f.came_once),
                    ("returned".to_string(), f.returned),
                    ("with date".to_string(), f.joiners_with_diagnosis_date),
                    ("within".to_string(), f.joined_within_three_months),
                ];
                v.extend(f.referral_routes.iter().map(|(r, s)| (format!("route {r}"), *s)));
                v.extend(f.by_month.iter().map(|(m, s)| (format!("month {m}"), *s)));
                v
            };
            for f in &figures {
                for (name, shown) in people(f) {
                    prop_assert!(
                        shown.hidden || shown.value == 0 || shown.value >= 5,
                        "{name} = {} published", shown.value
                    );
                }
            }
            // Figures that add up over localities (all but women who came, counted afresh for
            // all): a hidden one never stands alone beside a published total.
            let all = people(&figures[n]);
            for (name, total) in &all {
                if total.hidden || name == "women" {
                    continue;
                }
                let hidden = figures[..n]
                    .iter()
                    .filter(|f| people(f).iter().any(|(m, s)| m == name && s.hidden))
                    .count();
                prop_assert!(hidden != 1, "{name}: one locality hidden, the total shown");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_match_without_case_spacing_or_punctuation() {
        assert_eq!(
            topic_key(" Pain  management."),
            topic_key("pain management")
        );
        assert_ne!(topic_key("Pain management"), topic_key("Palliative care"));
    }

    #[test]
    fn month_keys_read_as_short_month_names() {
        assert_eq!(month_label("2026-03"), "Mar 2026");
        assert_eq!(month_label("oops"), "oops");
    }

    #[test]
    fn a_hidden_cell_and_its_partner_are_read_back_per_row_and_for_all() {
        // Locality 0 has 3 (small); its row and the column must hide a partner.
        let hidden = Hidden::new(&[vec![3, 20], vec![12, 30]], 5);
        assert!(hidden.cell(0, 0));
        assert!(hidden.cell(0, 1) || hidden.cell(1, 0));
        // Past the last row: the column totals (15 and 50) and the grand total (65), none
        // small, and each column with two hidden cells, so all three stay published.
        assert_eq!(hidden.cell(2, 0), hidden.0.column_totals[0]);
        assert!(!hidden.cell(2, 0) && !hidden.cell(2, 1));
        assert_eq!(hidden.total(2), hidden.0.grand_total);
        assert!(!hidden.total(2));
    }
}

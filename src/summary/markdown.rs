//! The summary's documents: an overview of every locality and one page per locality, written
//! as Markdown for the partner to read, print or paste. Every name that came from a file (a
//! locality, a topic, a comment) goes through the report's [`table_cell`] escape, so a
//! register cannot put a link or HTML into a document sent to the NHS.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};

use super::figures::{Feedback, Locality, PeriodFigures, Shown, SummaryFigures, SOMETHING_ELSE};
use crate::analysis::periods::Period;
use crate::charts::Chart;
use crate::report::figures::source_words;
use crate::report::markdown::table_cell;

/// What is written in place of a hidden figure.
const HIDDEN: &str = "–";

fn esc(text: &str) -> String {
    table_cell(text.to_string())
}

/// "January to June 2026", "July 2025 to June 2026", or "3 March to 31 May 2026".
pub fn period_words(period: &Period) -> String {
    let (a, b) = (period.start, period.end);
    let whole_months = a.day() == 1 && b.succ_opt().is_none_or(|next| next.day() == 1);
    let month = |d: NaiveDate| d.format("%B").to_string();
    if whole_months {
        if (a.year(), a.month()) == (b.year(), b.month()) {
            format!("{} {}", month(a), a.year())
        } else if a.year() == b.year() {
            format!("{} to {} {}", month(a), month(b), a.year())
        } else {
            format!("{} {} to {} {}", month(a), a.year(), month(b), b.year())
        }
    } else if a.year() == b.year() {
        format!(
            "{} {} to {} {} {}",
            a.day(),
            month(a),
            b.day(),
            month(b),
            b.year()
        )
    } else {
        format!(
            "{} {} {} to {} {} {}",
            a.day(),
            month(a),
            a.year(),
            b.day(),
            month(b),
            b.year()
        )
    }
}

fn count(s: Shown) -> String {
    s.get()
        .map_or_else(|| HIDDEN.to_string(), |n| n.to_string())
}

fn decimal(v: Option<f64>) -> String {
    v.map_or_else(|| HIDDEN.to_string(), |v| format!("{v:.1}"))
}

/// A per-session figure: "no sessions" where none were held, not the hidden mark.
fn per_session(v: Option<f64>, sessions: u64) -> String {
    if sessions == 0 {
        "no sessions".to_string()
    } else {
        decimal(v)
    }
}

/// The change from before to now, when both are published.
fn change(now: Option<f64>, before: Option<f64>, decimals: bool) -> String {
    match (now, before) {
        (Some(a), Some(b)) => {
            let d = a - b;
            let text = if decimals {
                format!("{:.1}", d.abs())
            } else {
                format!("{}", d.abs().round() as i64)
            };
            if text.trim_start_matches(['0', '.']).is_empty() {
                "no change".to_string()
            } else if d > 0.0 {
                format!("+{text}")
            } else {
                format!("−{text}")
            }
        }
        _ => HIDDEN.to_string(),
    }
}

fn as_f64(s: Shown) -> Option<f64> {
    s.get().map(|n| n as f64)
}

/// The "at a glance" rows: label, now, before, change.
fn glance_rows(now: &PeriodFigures, before: &PeriodFigures) -> Vec<[String; 4]> {
    let counted = |label: &str, a: Shown, b: Shown| {
        [
            label.to_string(),
            count(a),
            count(b),
            change(as_f64(a), as_f64(b), false),
        ]
    };
    let plain = |label: &str, a: u64, b: u64| {
        let (a, b) = (
            Shown {
                value: a,
                hidden: false,
            },
            Shown {
                value: b,
                hidden: false,
            },
        );
        counted(label, a, b)
    };
    vec![
        plain("Sessions held", now.sessions_held, before.sessions_held),
        plain(
            "Sessions that did not go ahead",
            now.sessions_cancelled,
            before.sessions_cancelled,
        ),
        counted("Attendances", now.attendances, before.attendances),
        counted(
            "Women who came (each counted once)",
            now.unique_attendees,
            before.unique_attendees,
        ),
        counted("New joiners", now.new_joiners, before.new_joiners),
        [
            "Mean attendance per session".to_string(),
            per_session(now.mean_per_session, now.sessions_held),
            per_session(before.mean_per_session, before.sessions_held),
            change(now.mean_per_session, before.mean_per_session, true),
        ],
        [
            "Median attendance per session".to_string(),
            per_session(now.median_per_session, now.sessions_held),
            per_session(before.median_per_session, before.sessions_held),
            change(now.median_per_session, before.median_per_session, true),
        ],
        counted("Came once", now.came_once, before.came_once),
        counted("Came more than once", now.returned, before.returned),
    ]
}

/// A second-level heading; the overview names "All localities" in each of its own.
fn heading(out: &mut String, prefix: &str, text: &str) {
    let text = if prefix.is_empty() {
        text.to_string()
    } else {
        format!("{prefix}{}", text.to_lowercase())
    };
    let _ = writeln!(out, "## {text}\n");
}

fn table(out: &mut String, header: &[&str], align: &str, rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "{align}");
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

fn short_period(period: &Period) -> String {
    esc(&period.label)
}

fn hidden_note(min_cell: u32) -> String {
    if min_cell > 1 {
        format!(
            "Counts of people from 1 to {} are not shown ({HIDDEN}), nor any figure they could be worked back from, so that no one can be identified in a small group; a figure marked {HIDDEN} may be hidden to protect a small number elsewhere in its table, not because it is small itself.",
            min_cell - 1
        )
    } else {
        "Small-number suppression is turned off in this spec (min_cell below 2): every count is shown.".to_string()
    }
}

/// One locality's page (or, for all localities together, the body of the overview).
pub fn locality_page(
    title: &str,
    figures: &SummaryFigures,
    locality: &Locality,
    chart: Option<(&Chart, &str)>,
    standalone: bool,
) -> String {
    let mut out = String::new();
    let prefix = if standalone { "" } else { "All localities: " };
    let now = &locality.now;
    let before = &locality.before;
    if standalone {
        let _ = writeln!(out, "# {}: {}\n", esc(title), esc(locality.label()));
        let _ = writeln!(
            out,
            "**Half-yearly summary for {}** ({}), compared with {} ({}).\n",
            period_words(&figures.period),
            short_period(&figures.period),
            period_words(&figures.previous),
            short_period(&figures.previous)
        );
        let _ = writeln!(out, "{}\n", hidden_note(figures.min_cell));
    }
    if now.sessions_held == 0 {
        let _ = writeln!(
            out,
            "**No sessions were held in {} in this period.**{}\n",
            esc(locality.label()),
            if now.sessions_cancelled > 0 {
                format!(
                    " {} planned session(s) did not go ahead.",
                    now.sessions_cancelled
                )
            } else {
                String::new()
            }
        );
    }

    heading(&mut out, prefix, "At a glance");
    let header = [
        "",
        &short_period(&figures.period),
        &short_period(&figures.previous),
        "Change",
    ];
    let rows: Vec<Vec<String>> = glance_rows(now, before)
        .into_iter()
        .map(|r| r.to_vec())
        .collect();
    table(&mut out, &header, "|---|---:|---:|---:|", &rows);

    heading(&mut out, prefix, "Attendances by month");
    if let Some((chart, link)) = chart {
        let _ = writeln!(out, "![{}]({link})\n", esc(&chart.alt));
    }
    let rows: Vec<Vec<String>> = now
        .by_month
        .iter()
        .map(|(month, n)| vec![month.clone(), count(*n)])
        .collect();
    table(&mut out, &["Month", "Attendances"], "|---|---:|", &rows);

    heading(&mut out, prefix, "New joiners");
    match now.new_joiners.get() {
        Some(0) => {
            let _ = writeln!(out, "Nobody joined in this period.\n");
        }
        None => {
            let _ = writeln!(
                out,
                "The number of new joiners, how they were referred and when they first came are not shown here, to protect small numbers.\n"
            );
        }
        Some(joined) => {
            let _ = writeln!(
                out,
                "{joined} women joined: their first session anywhere in the registers falls in this period. How they were referred:\n"
            );
            let rows: Vec<Vec<String>> = now
                .referral_routes
                .iter()
                .map(|(route, n)| vec![esc(route), count(*n)])
                .collect();
            table(
                &mut out,
                &["Referral route", "New joiners"],
                "|---|---:|",
                &rows,
            );
            let with = now.joiners_with_diagnosis_date;
            let within = now.joined_within_three_months;
            let _ = match (within.get(), with.get()) {
                (_, Some(0)) => writeln!(
                    out,
                    "No new joiner's date of secondary diagnosis is recorded, so the three-month target cannot be checked.\n"
                ),
                (Some(n), Some(d)) => writeln!(
                    out,
                    "**Within three months of diagnosis:** {n} of the {d} new joiners whose date of secondary diagnosis is known ({:.0}%) first came within three months of it, the service's target.\n",
                    100.0 * n as f64 / d as f64
                ),
                _ => writeln!(
                    out,
                    "**Within three months of diagnosis:** not shown here, to protect small numbers.\n"
                ),
            };
        }
    }

    heading(&mut out, prefix, "Topics and speakers");
    if now.topics.is_empty() && now.speakers.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            if figures.has_session_log {
                "The session log records no topic or speaker for this period."
            } else {
                "There is no session log in the spec, so topics and speakers are not known."
            }
        );
    } else {
        let rows: Vec<Vec<String>> = now
            .topics
            .iter()
            .map(|(t, n)| vec![esc(t), n.to_string()])
            .collect();
        if !rows.is_empty() {
            table(&mut out, &["Topic", "Sessions"], "|---|---:|", &rows);
        }
        let rows: Vec<Vec<String>> = now
            .speakers
            .iter()
            .map(|(t, n)| vec![esc(t), n.to_string()])
            .collect();
        if !rows.is_empty() {
            table(&mut out, &["Speaker", "Sessions"], "|---|---:|", &rows);
        }
    }

    if let Some(feedback) = &locality.feedback {
        feedback_section(&mut out, prefix, feedback, figures.has_session_log);
    }
    out
}

fn feedback_section(out: &mut String, prefix: &str, feedback: &Feedback, has_log: bool) {
    heading(out, prefix, "What the women said");
    match feedback.forms.get() {
        Some(0) => {
            let _ = writeln!(out, "No feedback forms were returned in this period.\n");
            return;
        }
        Some(n) => {
            let before = match feedback.before_forms.get() {
                Some(b) => format!(" ({b} in the previous period)"),
                None => " (a few in the previous period)".to_string(),
            };
            let _ = writeln!(
                out,
                "{n} feedback forms were returned in this period{before}.\n"
            );
        }
        None => {
            let _ = writeln!(
                out,
                "A few feedback forms were returned; their number and answers are not shown, because they are small.\n"
            );
        }
    }
    let rows: Vec<Vec<String>> = feedback
        .lines
        .iter()
        .map(|line| {
            let percent = line.percent();
            let interval = match (percent, line.interval) {
                (Some(_), Some(i)) => format!("{:.0}% to {:.0}%", i.low * 100.0, i.high * 100.0),
                _ => HIDDEN.to_string(),
            };
            let before = feedback
                .before(line)
                .and_then(|b| match b.answered.get() {
                    Some(0) => None,
                    _ => Some(
                        b.percent()
                            .map_or_else(|| HIDDEN.to_string(), |p| format!("{p:.0}%")),
                    ),
                })
                .unwrap_or_else(|| "no forms".to_string());
            vec![
                esc(&line.text),
                count(line.positive),
                count(line.answered),
                percent.map_or_else(|| HIDDEN.to_string(), |p| format!("{p:.0}%")),
                interval,
                before,
            ]
        })
        .collect();
    if !rows.is_empty() {
        table(
            out,
            &[
                "Statement",
                "Agreed",
                "Answered",
                "Agreed %",
                "95% interval",
                "Agreed %, previous period",
            ],
            "|---|---:|---:|---:|---|---:|",
            &rows,
        );
    }
    if !feedback.requests.is_empty() {
        let _ = writeln!(out, "**Topics the women asked to cover next:**\n");
        let covered_header = if has_log && !prefix.is_empty() {
            "Covered in any group this period?"
        } else {
            "Covered this period?"
        };
        let rows: Vec<Vec<String>> = feedback
            .requests
            .iter()
            .map(|(topic, n)| {
                let covered = if topic == SOMETHING_ELSE {
                    "—"
                } else if !has_log {
                    "not known (no session log)"
                } else if feedback.not_covered.contains(topic) {
                    "not yet"
                } else {
                    "yes"
                };
                vec![esc(topic), count(*n), covered.to_string()]
            })
            .collect();
        table(
            out,
            &["Topic", "Forms asking", covered_header],
            "|---|---:|---|",
            &rows,
        );
        // Only topics whose count is published: a hidden count may be a zero.
        let asked_not_covered: Vec<String> = feedback
            .requests
            .iter()
            .filter(|(topic, n)| {
                n.get().is_some_and(|n| n > 0) && feedback.not_covered.contains(topic)
            })
            .map(|(topic, _)| esc(topic))
            .collect();
        if has_log && !asked_not_covered.is_empty() {
            let _ = writeln!(
                out,
                "Asked for but not yet covered: {}.\n",
                asked_not_covered.join("; ")
            );
        }
    }
    if !feedback.quotes.is_empty() {
        let _ = writeln!(out, "**In their words:**\n");
        for quote in &feedback.quotes {
            let _ = writeln!(out, "> “{}”\n", esc(quote));
        }
    }
}

/// The overview: every locality side by side, then all together.
pub fn overview(
    title: &str,
    figures: &SummaryFigures,
    chart: Option<(&Chart, &str)>,
    pages: &[(String, String)],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: half-yearly summary\n", esc(title));
    let _ = writeln!(
        out,
        "**{}** ({}), every locality, compared with {} ({}).\n",
        period_words(&figures.period),
        short_period(&figures.period),
        period_words(&figures.previous),
        short_period(&figures.previous)
    );
    let _ = writeln!(out, "{}\n", hidden_note(figures.min_cell));

    heading(&mut out, "", "Localities side by side");
    let with_forms = figures.feedback_forms.is_some();
    let mut header = vec![
        "Locality",
        "Sessions held",
        "Attendances",
        "Women who came",
        "New joiners",
        "Mean per session",
    ];
    if with_forms {
        header.push("Feedback forms");
    }
    let rows: Vec<Vec<String>> = figures
        .localities
        .iter()
        .map(|l| {
            let name = esc(l.label());
            let name = match pages
                .iter()
                .find(|(n, _)| Some(n.as_str()) == l.name.as_deref())
            {
                Some((_, link)) => format!("[{name}]({link})"),
                None => format!("**{name}**"),
            };
            let mut row = vec![
                name,
                l.now.sessions_held.to_string(),
                count(l.now.attendances),
                count(l.now.unique_attendees),
                count(l.now.new_joiners),
                per_session(l.now.mean_per_session, l.now.sessions_held),
            ];
            if with_forms {
                row.push(
                    l.feedback
                        .as_ref()
                        .map_or_else(|| "0".to_string(), |f| count(f.forms)),
                );
            }
            row
        })
        .collect();
    let align = if with_forms {
        "|---|---:|---:|---:|---:|---:|---:|"
    } else {
        "|---|---:|---:|---:|---:|---:|"
    };
    table(&mut out, &header, align, &rows);
    let idle: Vec<String> = figures
        .localities
        .iter()
        .filter(|l| l.name.is_some() && l.now.sessions_held == 0)
        .map(|l| esc(l.label()))
        .collect();
    if !idle.is_empty() {
        let _ = writeln!(
            out,
            "No sessions were held in this period in: {}.\n",
            idle.join(", ")
        );
    }
    if let Some(all) = figures.localities.last() {
        out.push_str(&locality_page(title, figures, all, chart, false));
    }
    about(&mut out, figures, true);
    out
}

/// Where the figures come from, what each means, and the rows left out.
/// `team`: the overview, for the evaluation team, also carries the notes on the data to check
/// (spelling variants, dates the log lacks); a partner's page does not.
pub fn about(out: &mut String, figures: &SummaryFigures, team: bool) {
    heading(out, "", "About these figures");
    let registers: Vec<String> = figures
        .register_names
        .iter()
        .map(|n| esc(&source_words(n)))
        .collect();
    let left_rows: u64 = figures.rows_read - figures.rows_used;
    let _ = writeln!(
        out,
        "- **Sources:** {}. Of the {} rows under their headers, {} were used{}.",
        registers.join(", "),
        figures.rows_read,
        figures.rows_used,
        if left_rows > 0 {
            "; the others are listed below"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "- **A session** is a date and locality in the session log that went ahead (or, with no log, in the register). **An attendance** is one woman at one session. **A new joiner** is a woman whose first session anywhere in the registers' whole history falls in the period, counted in the locality of that first session. For all localities together, a woman who goes to two groups is counted once in \"women who came\" and in each group's \"came once\" or \"came more than once\"."
    );
    let _ = writeln!(
        out,
        "- **Compared with** the previous period of the same length, {} ({}).",
        period_words(&figures.previous),
        short_period(&figures.previous)
    );
    if let Some((forms, _)) = &figures.feedback_forms {
        let _ = writeln!(
            out,
            "- **Feedback forms** ({forms} in the file, from every period) are counted in the period and locality of the session they are about. Topics a woman wrote in herself are counted, never quoted. Comments are quoted only from groups where at least {} women came and returned forms, after the personal-data guard.",
            figures.min_cell.max(1)
        );
    }
    if team {
        for note in &figures.notes {
            let _ = writeln!(out, "- {}", esc(note));
        }
    }
    out.push('\n');
    // Rows, not people: published as they are, as the impact report's ledger is.
    let mut left: Vec<Vec<String>> = figures
        .left_out
        .iter()
        .map(|l| {
            vec![
                esc(&source_words(&l.source)),
                esc(&l.reason),
                l.rows.to_string(),
            ]
        })
        .collect();
    if let Some((_, feedback_left)) = &figures.feedback_forms {
        left.extend(feedback_left.iter().map(|l| {
            vec![
                esc(&source_words(&l.source)),
                esc(&l.reason),
                l.rows.to_string(),
            ]
        }));
    }
    if left.is_empty() {
        let _ = writeln!(out, "No register row or feedback form was left out.\n");
    } else {
        let _ = writeln!(
            out,
            "**Rows left out, and why** (`impactkit validate` lists each one for the team):\n"
        );
        table(
            &mut *out,
            &["Source", "Reason", "Rows"],
            "|---|---|---:|",
            &left,
        );
    }
    if !figures.redactions.is_empty() {
        let list: Vec<String> = figures
            .redactions
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        let _ = writeln!(
            out,
            "The personal-data guard blacked out {} in the quoted comments.\n",
            list.join(", ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn periods_read_as_words() {
        assert_eq!(period_words(&period("2026-H1")), "January to June 2026");
        assert_eq!(period_words(&period("2026-Q3")), "July to September 2026");
        assert_eq!(
            period_words(&Period::between("2025-07-01", "2026-06-30").unwrap()),
            "July 2025 to June 2026"
        );
        assert_eq!(
            period_words(&Period::between("2026-03-03", "2026-05-31").unwrap()),
            "3 March to 31 May 2026"
        );
    }

    #[test]
    fn changes_are_signed_and_hidden_with_either_side() {
        assert_eq!(change(Some(12.0), Some(9.0), false), "+3");
        assert_eq!(change(Some(9.0), Some(12.0), false), "−3");
        assert_eq!(change(Some(9.0), Some(9.0), false), "no change");
        assert_eq!(change(Some(8.26), Some(8.0), true), "+0.3");
        assert_eq!(change(None, Some(8.0), false), HIDDEN);
    }
}

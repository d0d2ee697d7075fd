//! Attendance figures for the half-yearly summaries: sessions held, attendances, unique
//! attendees, new joiners and how they were referred, per locality and for all together.
//!
//! Definitions (the summary's appendix repeats them):
//! - a **session** is a date and locality in the session log that went ahead; without a log,
//!   each date and locality in the register is a session;
//! - an **attendance** is one attendee at one session; the same attendee recorded twice at one
//!   session counts once (the second row is excluded with its reason), and a register row for a
//!   session the log says did not go ahead is excluded too;
//! - a **new joiner** is someone whose first attendance anywhere, in all the register's
//!   history, falls in the period; they count in the locality of that first attendance;
//! - **came once / returned**: attendees of the period with one attendance in it, or more.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate};

use super::periods::Period;

pub use crate::model::registers::{Attendance, Session};

/// A register row left out of the figures, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excluded {
    /// The register's source name.
    pub source: String,
    pub row: u32,
    pub reason: &'static str,
}

/// The figures of one locality (or of all together, `locality = None`) in one period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttendanceSummary {
    pub locality: Option<String>,
    pub sessions_held: u64,
    pub sessions_cancelled: u64,
    pub attendances: u64,
    pub unique_attendees: u64,
    pub new_joiners: u64,
    /// Attendances per session held: mean and median (sessions with nobody recorded count 0).
    pub mean_per_session: Option<f64>,
    pub median_per_session: Option<f64>,
    /// Attendances per calendar month of the period, "2026-01" → count, every month listed.
    pub by_month: Vec<(String, u64)>,
    pub came_once: u64,
    pub returned: u64,
    /// How the period's new joiners were referred ("not recorded" where blank).
    pub referral_routes: Vec<(String, u64)>,
    /// New joiners whose diagnosis date is known, and those of them who first came within
    /// three months of it.
    pub joiners_with_diagnosis_date: u64,
    pub joined_within_three_months: u64,
    /// New joiners whose recorded diagnosis date is after their first session: a register
    /// error, left out of the dates known.
    pub joiners_diagnosed_after_first_session: u64,
    /// Sessions held per topic and per speaker role.
    pub topics: Vec<(String, u64)>,
    pub speakers: Vec<(String, u64)>,
}

/// The wording used for a blank referral route.
pub const NOT_RECORDED: &str = "not recorded";

/// The register rows that count, and those excluded with their reasons.
pub fn clean_register(
    register: &[Attendance],
    sessions: Option<&[Session]>,
) -> (Vec<Attendance>, Vec<Excluded>) {
    let cancelled: BTreeSet<(NaiveDate, &str)> = sessions
        .unwrap_or_default()
        .iter()
        .filter(|s| !s.went_ahead)
        .map(|s| (s.date, s.locality.as_str()))
        .collect();
    let held: BTreeSet<(NaiveDate, &str)> = sessions
        .unwrap_or_default()
        .iter()
        .filter(|s| s.went_ahead)
        .map(|s| (s.date, s.locality.as_str()))
        .collect();
    let mut seen: BTreeSet<(NaiveDate, &str, &str)> = BTreeSet::new();
    let mut kept = Vec::new();
    let mut excluded = Vec::new();
    for a in register {
        let session = (a.date, a.locality.as_str());
        if cancelled.contains(&session) && !held.contains(&session) {
            excluded.push(Excluded {
                source: a.source.clone(),
                row: a.row,
                reason: "the session log says this session did not go ahead",
            });
        } else if !seen.insert((a.date, a.locality.as_str(), a.attendee.as_str())) {
            excluded.push(Excluded {
                source: a.source.clone(),
                row: a.row,
                reason: "the same attendee recorded twice at one session",
            });
        } else {
            kept.push(a.clone());
        }
    }
    (kept, excluded)
}

/// The period's figures per locality (every locality of the register or log, in name order,
/// including those with no sessions in the period) and, last, for all localities together.
/// `register` should be [`clean_register`]'s kept rows: the whole history, not only the period,
/// so that new joiners can be told from returning attendees.
pub fn summarise(
    register: &[Attendance],
    sessions: Option<&[Session]>,
    period: &Period,
) -> Vec<AttendanceSummary> {
    let mut localities: BTreeSet<&str> = register.iter().map(|a| a.locality.as_str()).collect();
    localities.extend(
        sessions
            .unwrap_or_default()
            .iter()
            .map(|s| s.locality.as_str()),
    );

    // Each attendee's first attendance anywhere.
    let mut first: BTreeMap<&str, &Attendance> = BTreeMap::new();
    for a in register {
        let entry = first.entry(a.attendee.as_str()).or_insert(a);
        if (a.date, &a.source, a.row) < (entry.date, &entry.source, entry.row) {
            *entry = a;
        }
    }

    // Her referral route and diagnosis date: the first written on any of her rows, in date
    // order (a register writes them on her first row, but not always).
    let mut in_order: Vec<&Attendance> = register.iter().collect();
    in_order.sort_by_key(|a| (a.date, &a.source, a.row));
    let mut details: BTreeMap<&str, Details> = BTreeMap::new();
    for a in in_order {
        let d = details.entry(a.attendee.as_str()).or_default();
        if d.referral.is_none() {
            d.referral = a
                .referral
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string);
        }
        d.diagnosed = d.diagnosed.or(a.diagnosed);
    }

    let mut out: Vec<AttendanceSummary> = localities
        .iter()
        .map(|l| summary_for(register, sessions, period, &first, &details, Some(l)))
        .collect();
    out.push(summary_for(
        register, sessions, period, &first, &details, None,
    ));
    out
}

/// What the register says of a woman on any of her rows.
#[derive(Debug, Default)]
struct Details {
    referral: Option<String>,
    diagnosed: Option<NaiveDate>,
}

fn summary_for(
    register: &[Attendance],
    sessions: Option<&[Session]>,
    period: &Period,
    first: &BTreeMap<&str, &Attendance>,
    details: &BTreeMap<&str, Details>,
    locality: Option<&str>,
) -> AttendanceSummary {
    let here = |l: &str| locality.is_none_or(|want| want == l);
    let in_period: Vec<&Attendance> = register
        .iter()
        .filter(|a| period.contains(a.date) && here(&a.locality))
        .collect();

    // Sessions held: from the log, or from the register when there is none.
    let mut held: BTreeSet<(NaiveDate, &str)> = BTreeSet::new();
    let mut cancelled_sessions: BTreeSet<(NaiveDate, &str)> = BTreeSet::new();
    let mut topics: BTreeMap<String, u64> = BTreeMap::new();
    let mut speakers: BTreeMap<String, u64> = BTreeMap::new();
    match sessions {
        Some(log) => {
            for s in log
                .iter()
                .filter(|s| period.contains(s.date) && here(&s.locality))
            {
                if !s.went_ahead {
                    // A session logged twice as cancelled is one session.
                    cancelled_sessions.insert((s.date, s.locality.as_str()));
                    continue;
                }
                if held.insert((s.date, s.locality.as_str())) {
                    if let Some(topic) = s.topic.as_deref().filter(|t| !t.trim().is_empty()) {
                        *topics.entry(topic.trim().to_string()).or_default() += 1;
                    }
                    if let Some(role) = s.speaker.as_deref().filter(|t| !t.trim().is_empty()) {
                        *speakers.entry(role.trim().to_string()).or_default() += 1;
                    }
                }
            }
            // Attendances at a date the log does not have still mark a session held.
            held.extend(in_period.iter().map(|a| (a.date, a.locality.as_str())));
        }
        None => held.extend(in_period.iter().map(|a| (a.date, a.locality.as_str()))),
    }

    let mut per_session: BTreeMap<(NaiveDate, &str), u64> = held.iter().map(|&s| (s, 0)).collect();
    for a in &in_period {
        *per_session
            .entry((a.date, a.locality.as_str()))
            .or_default() += 1;
    }
    let mut counts: Vec<u64> = per_session.values().copied().collect();
    counts.sort_unstable();
    let (mean, median) = if counts.is_empty() {
        (None, None)
    } else {
        let total: u64 = counts.iter().sum();
        let mid = counts.len() / 2;
        let median = if counts.len() % 2 == 1 {
            counts[mid] as f64
        } else {
            (counts[mid - 1] + counts[mid]) as f64 / 2.0
        };
        (Some(total as f64 / counts.len() as f64), Some(median))
    };

    let mut by_attendee: BTreeMap<&str, u64> = BTreeMap::new();
    for a in &in_period {
        *by_attendee.entry(a.attendee.as_str()).or_default() += 1;
    }

    let joiners: Vec<&&Attendance> = first
        .values()
        .filter(|a| period.contains(a.date) && here(&a.locality))
        .collect();
    let mut routes: BTreeMap<String, u64> = BTreeMap::new();
    let mut with_date = 0;
    let mut within = 0;
    let mut diagnosed_later = 0;
    for j in &joiners {
        let known = details.get(j.attendee.as_str());
        let route = known
            .and_then(|d| d.referral.as_deref())
            .unwrap_or(NOT_RECORDED);
        *routes.entry(route.to_string()).or_default() += 1;
        match known.and_then(|d| d.diagnosed) {
            // Diagnosed after her first session: a register error to check, not a date to use.
            Some(diagnosed) if diagnosed > j.date => diagnosed_later += 1,
            Some(diagnosed) => {
                with_date += 1;
                let limit = diagnosed.checked_add_months(Months::new(3));
                if limit.is_some_and(|limit| j.date <= limit) {
                    within += 1;
                }
            }
            None => {}
        }
    }

    AttendanceSummary {
        locality: locality.map(str::to_string),
        sessions_held: held.len() as u64,
        // A session both cancelled and held (logged twice, or attended) went ahead.
        sessions_cancelled: cancelled_sessions.difference(&held).count() as u64,
        attendances: in_period.len() as u64,
        unique_attendees: by_attendee.len() as u64,
        new_joiners: joiners.len() as u64,
        mean_per_session: mean,
        median_per_session: median,
        by_month: months_of(period)
            .into_iter()
            .map(|(year, month)| {
                let n = in_period
                    .iter()
                    .filter(|a| a.date.year() == year && a.date.month() == month)
                    .count() as u64;
                (format!("{year}-{month:02}"), n)
            })
            .collect(),
        came_once: by_attendee.values().filter(|&&n| n == 1).count() as u64,
        returned: by_attendee.values().filter(|&&n| n > 1).count() as u64,
        referral_routes: sorted_by_count(routes),
        joiners_with_diagnosis_date: with_date,
        joined_within_three_months: within,
        joiners_diagnosed_after_first_session: diagnosed_later,
        topics: sorted_by_count(topics),
        speakers: sorted_by_count(speakers),
    }
}

/// Every (year, month) the period touches, in order.
fn months_of(period: &Period) -> Vec<(i32, u32)> {
    let mut months = Vec::new();
    let mut cursor = period.start.with_day(1).unwrap_or(period.start);
    while cursor <= period.end {
        months.push((cursor.year(), cursor.month()));
        match cursor.checked_add_months(Months::new(1)) {
            Some(next) => cursor = next,
            None => break,
        }
    }
    months
}

/// Most common first; ties in name order.
fn sorted_by_count(counts: BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn a(row: u32, date: NaiveDate, locality: &str, who: &str) -> Attendance {
        Attendance {
            source: "register".to_string(),
            date,
            locality: locality.to_string(),
            attendee: who.to_string(),
            referral: None,
            diagnosed: None,
            row,
        }
    }

    fn s(row: u32, date: NaiveDate, locality: &str, topic: &str, went_ahead: bool) -> Session {
        Session {
            source: "log".to_string(),
            date,
            locality: locality.to_string(),
            topic: Some(topic.to_string()),
            speaker: Some("Oncologist".to_string()),
            went_ahead,
            row,
        }
    }

    #[test]
    fn referral_and_diagnosis_are_read_from_any_of_her_rows() {
        let period = Period::parse("2026-H1").unwrap();
        let mut register = vec![
            a(2, d(2026, 1, 7), "North", "A"),
            a(3, d(2026, 2, 4), "North", "A"),
            a(4, d(2026, 1, 7), "North", "B"),
        ];
        // A's route and date were written on her second row; B's date is after her first
        // session, which cannot be right.
        register[1].referral = Some("Helpline".into());
        register[1].diagnosed = Some(d(2025, 12, 1));
        register[2].diagnosed = Some(d(2026, 3, 1));
        let all = summarise(&register, None, &period).pop().unwrap();
        assert_eq!(
            all.referral_routes,
            [("Helpline".to_string(), 1), (NOT_RECORDED.to_string(), 1)]
        );
        assert_eq!(all.joiners_with_diagnosis_date, 1);
        assert_eq!(all.joined_within_three_months, 1);
        assert_eq!(all.joiners_diagnosed_after_first_session, 1);
    }

    #[test]
    fn a_cancellation_logged_twice_is_one_session() {
        let period = Period::parse("2026-H1").unwrap();
        let log = vec![
            s(2, d(2026, 3, 4), "North", "Lymphoedema", false),
            s(3, d(2026, 3, 4), "North", "Lymphoedema", false),
            s(4, d(2026, 4, 1), "North", "Pain management", true),
        ];
        let register = vec![a(2, d(2026, 4, 1), "North", "A")];
        let out = summarise(&register, Some(&log), &period);
        assert_eq!((out[0].sessions_held, out[0].sessions_cancelled), (1, 1));
    }

    /// A small register worked through by hand in the comments.
    #[test]
    fn a_worked_example() {
        let h1 = Period::parse("2026-H1").unwrap();
        let mut register = vec![
            // Ann first came in 2025: not a new joiner in 2026-H1.
            a(2, d(2025, 11, 5), "North", "ann"),
            a(3, d(2026, 1, 7), "North", "ann"),
            a(4, d(2026, 2, 4), "North", "ann"),
            // Bea joins in January, referred by a nurse, diagnosed in November: within 3 months.
            a(5, d(2026, 1, 7), "North", "bea"),
            // Bea recorded twice at one session: the second row is excluded.
            a(6, d(2026, 1, 7), "North", "bea"),
            // Cat joins in March at South; diagnosis in 2024: not within 3 months.
            a(7, d(2026, 3, 3), "South", "cat"),
            // A row for the cancelled session on 4 March at North.
            a(8, d(2026, 3, 4), "North", "ann"),
            // Dee comes in July: outside the period.
            a(9, d(2026, 7, 1), "North", "dee"),
        ];
        register[3].referral = Some("Clinical nurse specialist".into());
        register[3].diagnosed = Some(d(2025, 11, 20));
        register[5].diagnosed = Some(d(2024, 1, 1));
        let log = vec![
            s(2, d(2026, 1, 7), "North", "Pain management", true),
            s(3, d(2026, 2, 4), "North", "Benefits advice", true),
            s(4, d(2026, 3, 4), "North", "Lymphoedema", false),
            s(5, d(2026, 3, 3), "South", "Pain management", true),
            s(6, d(2026, 4, 1), "South", "Palliative care", true),
            s(7, d(2026, 2, 2), "West", "Benefits advice", false),
        ];
        let (kept, excluded) = clean_register(&register, Some(&log));
        assert_eq!(
            excluded,
            [
                Excluded {
                    source: "register".to_string(),
                    row: 6,
                    reason: "the same attendee recorded twice at one session"
                },
                Excluded {
                    source: "register".to_string(),
                    row: 8,
                    reason: "the session log says this session did not go ahead"
                },
            ]
        );
        let summaries = summarise(&kept, Some(&log), &h1);
        let names: Vec<Option<&str>> = summaries.iter().map(|s| s.locality.as_deref()).collect();
        assert_eq!(names, [Some("North"), Some("South"), Some("West"), None]);

        let north = &summaries[0];
        assert_eq!((north.sessions_held, north.sessions_cancelled), (2, 1));
        // 7 Jan: ann, bea; 4 Feb: ann.
        assert_eq!(
            (north.attendances, north.unique_attendees, north.new_joiners),
            (3, 2, 1)
        );
        assert_eq!(
            (north.mean_per_session, north.median_per_session),
            (Some(1.5), Some(1.5))
        );
        assert_eq!((north.came_once, north.returned), (1, 1));
        assert_eq!(
            north.referral_routes,
            [("Clinical nurse specialist".to_string(), 1)]
        );
        assert_eq!(
            (
                north.joiners_with_diagnosis_date,
                north.joined_within_three_months
            ),
            (1, 1)
        );
        assert_eq!(north.by_month[0], ("2026-01".to_string(), 2));
        assert_eq!(north.by_month.len(), 6);

        let south = &summaries[1];
        // 3 Mar: cat; 1 Apr: held, nobody recorded.
        assert_eq!((south.sessions_held, south.attendances), (2, 1));
        assert_eq!(
            (south.mean_per_session, south.median_per_session),
            (Some(0.5), Some(0.5))
        );
        assert_eq!(
            (
                south.joiners_with_diagnosis_date,
                south.joined_within_three_months
            ),
            (1, 0)
        );
        assert_eq!(south.referral_routes, [(NOT_RECORDED.to_string(), 1)]);

        let west = &summaries[2];
        assert_eq!(
            (
                west.sessions_held,
                west.sessions_cancelled,
                west.attendances
            ),
            (0, 1, 0)
        );
        assert_eq!(west.mean_per_session, None);

        let all = &summaries[3];
        assert_eq!(
            (all.sessions_held, all.attendances, all.unique_attendees),
            (4, 4, 3)
        );
        assert_eq!((all.new_joiners, all.came_once, all.returned), (2, 2, 1));
        assert_eq!(
            all.topics,
            [
                ("Pain management".to_string(), 2),
                ("Benefits advice".to_string(), 1),
                ("Palliative care".to_string(), 1)
            ]
        );
        // Median of 2, 1, 1, 0 sessions' attendance.
        assert_eq!(
            (all.mean_per_session, all.median_per_session),
            (Some(1.0), Some(1.0))
        );
    }

    #[test]
    fn without_a_session_log_the_register_defines_the_sessions() {
        let q1 = Period::parse("2026-Q1").unwrap();
        let register = [
            a(2, d(2026, 1, 7), "North", "ann"),
            a(3, d(2026, 1, 7), "North", "bea"),
            a(4, d(2026, 2, 4), "North", "ann"),
        ];
        let (kept, excluded) = clean_register(&register, None);
        assert!(excluded.is_empty());
        let all = summarise(&kept, None, &q1).pop().unwrap();
        assert_eq!((all.sessions_held, all.attendances), (2, 3));
        assert_eq!(
            all.by_month.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
            [2, 1, 0]
        );
    }
}

//! The service's own records for the half-yearly summaries, two years of them (July 2024 to
//! June 2026) for the six localities: an attendance register, a session log and the feedback
//! forms women fill in after a session. **All invented**, like the rest of the sample.
//!
//! Drawn from a generator of their own (seed [`SEED`]), so the survey files do not change when
//! these do. Each locality meets monthly on its own weekday; women join over time (referred by
//! a nurse, an oncologist, the website...), come to most sessions for a while, and stop. The
//! untidiness real registers have is written in on purpose, each once, so the summary has to
//! deal with it:
//! - Northfield's February 2026 session was cancelled for snow, but two names were already
//!   written on its register page;
//! - one Eastbrook woman is recorded twice at the March 2026 session;
//! - one Riverside row in May 2026 has no date;
//! - Westmoor has been on hold since December 2025 while a new venue is found, so it has no
//!   sessions in 2026-H1;
//! - Hillcrest is a new, small group (started in 2025) whose numbers are small enough to be
//!   suppressed;
//! - register dates are mostly Excel dates, with some typed as text day-first (13/05/2026), as
//!   when a volunteer types them.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Months, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_xlsxwriter::{ExcelDateTime, Format};

use super::{add_about_sheet, new_workbook, save, write_header, AnyResult};

/// The registers' own seed: changing it changes these three files only.
const SEED: u64 = 20_260_701;

/// Locality, weekday of its monthly meeting, new joiners per month (mean), first month.
const GROUPS: [(&str, Weekday, f64, (i32, u32)); 6] = [
    ("Northfield", Weekday::Tue, 1.4, (2024, 7)),
    ("Eastbrook", Weekday::Wed, 1.2, (2024, 7)),
    ("Riverside", Weekday::Thu, 1.1, (2024, 7)),
    ("Westmoor", Weekday::Mon, 0.9, (2024, 7)),
    ("Southgate", Weekday::Tue, 0.9, (2024, 7)),
    ("Hillcrest", Weekday::Fri, 0.3, (2025, 3)),
];

const REFERRALS: [(&str, f64); 7] = [
    ("Clinical nurse specialist", 0.34),
    ("Oncologist", 0.14),
    ("Self-referral", 0.14),
    ("Charity website", 0.13),
    ("Helpline", 0.09),
    ("GP", 0.06),
    ("Another attendee", 0.10),
];

/// Topics and the speaker role for each.
const TOPICS: [(&str, &str); 10] = [
    ("Open discussion", "Facilitator-led"),
    ("Managing fatigue", "Clinical nurse specialist"),
    ("Pain management", "Pain management specialist"),
    ("Benefits and money", "Benefits adviser"),
    ("Lymphoedema", "Lymphoedema specialist"),
    ("Treatment updates", "Oncologist"),
    ("Planning ahead", "Palliative care"),
    ("Relaxation and sleep", "Facilitator-led"),
    ("Talking to family", "Facilitator-led"),
    ("Scan anxiety", "Clinical nurse specialist"),
];

/// What the feedback form offers under "What would you like covered at a future session?":
/// the topics above and some the groups have not had.
const ASKED_FOR: [&str; 9] = [
    "Managing fatigue",
    "Pain management",
    "Benefits and money",
    "Treatment updates",
    "Planning ahead",
    "Relaxation and sleep",
    "Complementary therapies",
    "Sex and intimacy",
    "Diet and nutrition",
];

const AGREEMENT: [&str; 5] = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
];

/// Invented comments for the feedback forms.
const COMMENTS: [&str; 14] = [
    "It helps so much to be in a room where nobody needs anything explained.",
    "The nurse answered questions I had been too scared to ask at clinic.",
    "Lovely to see everyone again, I always leave feeling lighter.",
    "Could we have more time for open chat at the end of the talk?",
    "The benefits adviser sorted out a form I had been putting off for months.",
    "I was nervous coming for the first time but everyone was so welcoming.",
    "Thank you Mandy for the lift and for making me laugh again today.",
    "Really useful, I will try the breathing exercises before my next scan.",
    "Hard session today but it was good to talk about it together.",
    "The room was cold, otherwise a good afternoon.",
    "I would like to hear from the oncologist again about new treatments.",
    "Good",
    "Meeting women who are living well for years gives me hope.",
    "Please can we keep the later start time, it suits me better after treatment.",
];

struct Woman {
    id: String,
    joined: NaiveDate,
    left: NaiveDate,
    keenness: f64,
    referral: &'static str,
    diagnosed: Option<NaiveDate>,
}

struct SessionPlan {
    date: NaiveDate,
    locality: &'static str,
    topic: &'static str,
    speaker: &'static str,
    went_ahead: bool,
}

/// The `n`-th `weekday` of the month (the groups meet on the second one).
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, month, 1).expect("a valid month"))
}

fn months() -> Vec<(i32, u32)> {
    let mut out = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(2024, 7, 1).expect("valid");
    let end = NaiveDate::from_ymd_opt(2026, 6, 30).expect("valid");
    while d <= end {
        out.push((d.year(), d.month()));
        d = d.checked_add_months(Months::new(1)).expect("valid");
    }
    out
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, weighted: &[(T, f64)]) -> T {
    let total: f64 = weighted.iter().map(|(_, w)| w).sum();
    let mut draw = rng.random::<f64>() * total;
    for (item, w) in weighted {
        if draw < *w {
            return *item;
        }
        draw -= w;
    }
    weighted[weighted.len() - 1].0
}

/// A Poisson draw (Knuth), for the number of new joiners in a month.
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p = rng.random::<f64>();
    while p > limit {
        k += 1;
        p *= rng.random::<f64>();
    }
    k
}

struct Row {
    date: Option<NaiveDate>,
    typed: bool,
    locality: &'static str,
    attendee: String,
    referral: Option<&'static str>,
    diagnosed: Option<NaiveDate>,
}

struct Form {
    submitted: String,
    locality: &'static str,
    date: NaiveDate,
    useful: &'static str,
    listened: &'static str,
    asked: Vec<&'static str>,
    comment: &'static str,
}

/// Writes the register, the session log and the feedback forms into `out`.
pub fn write_registers(out: &Path) -> AnyResult<Vec<PathBuf>> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut sessions: Vec<SessionPlan> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut forms: Vec<Form> = Vec::new();
    for (g, &(locality, weekday, joiners_per_month, first)) in GROUPS.iter().enumerate() {
        let mut women: Vec<Woman> = Vec::new();
        // Women who were already coming in July 2024 (their first session is before the data).
        let founders = if locality == "Hillcrest" {
            0
        } else {
            7 + g as u32 % 3
        };
        let prefix: String = locality.chars().take(2).collect::<String>().to_uppercase();
        let mut next_id = 1;
        let mut topic_turn = g;
        for (year, month) in months() {
            if (year, month) < first {
                continue;
            }
            let date = nth_weekday(year, month, weekday, 2);
            // Westmoor has been on hold since December 2025.
            if locality == "Westmoor" && (year, month) >= (2025, 12) {
                continue;
            }
            let newcomers = if (year, month) == first && founders > 0 {
                founders
            } else if locality == "Hillcrest" && (year, month) == first {
                3
            } else {
                poisson(&mut rng, joiners_per_month)
            };
            for _ in 0..newcomers {
                let is_founder = (year, month) == (2024, 7) && founders > 0;
                let stay_months = 3 + (rng.random::<f64>() * 30.0) as u32;
                let diagnosed = if rng.random::<f64>() < 0.72 {
                    let months_before = if rng.random::<f64>() < 0.45 {
                        (rng.random::<f64>() * 3.0) as u32
                    } else {
                        3 + (rng.random::<f64>() * 30.0) as u32
                    };
                    let days = (rng.random::<f64>() * 27.0) as u64;
                    date.checked_sub_months(Months::new(months_before))
                        .and_then(|d| d.checked_sub_days(chrono::Days::new(days)))
                } else {
                    None
                };
                women.push(Woman {
                    id: format!("{prefix}-{next_id:03}"),
                    joined: if is_founder {
                        NaiveDate::from_ymd_opt(2024, 6, 1).expect("valid")
                    } else {
                        date
                    },
                    left: date
                        .checked_add_months(Months::new(stay_months))
                        .expect("valid"),
                    keenness: 0.55 + rng.random::<f64>() * 0.4,
                    referral: pick(&mut rng, &REFERRALS),
                    diagnosed,
                });
                next_id += 1;
            }
            let (topic, speaker) = TOPICS[topic_turn % TOPICS.len()];
            topic_turn += 1 + (rng.random::<f64>() * 2.0) as usize;
            let cancelled = locality == "Northfield" && (year, month) == (2026, 2);
            sessions.push(SessionPlan {
                date,
                locality,
                topic,
                speaker,
                went_ahead: !cancelled,
            });
            let mut seen_first = Vec::new();
            for woman in women.iter() {
                if woman.joined > date || woman.left < date {
                    continue;
                }
                let first_time = woman.joined == date;
                let came = first_time || rng.random::<f64>() < woman.keenness;
                if cancelled {
                    // Two names were written on the page before the session was called off.
                    if seen_first.len() < 2 {
                        seen_first.push(woman.id.clone());
                        rows.push(Row {
                            date: Some(date),
                            typed: false,
                            locality,
                            attendee: woman.id.clone(),
                            referral: None,
                            diagnosed: None,
                        });
                    }
                    continue;
                }
                if !came {
                    continue;
                }
                let typed = rng.random::<f64>() < 0.15;
                rows.push(Row {
                    date: Some(date),
                    typed,
                    locality,
                    attendee: woman.id.clone(),
                    referral: first_time.then_some(woman.referral),
                    diagnosed: if first_time { woman.diagnosed } else { None },
                });
                if rng.random::<f64>() < 0.55 {
                    let useful = pick(&mut rng, &[(4usize, 0.55), (3, 0.30), (2, 0.10), (1, 0.05)]);
                    let listened = pick(&mut rng, &[(4usize, 0.6), (3, 0.3), (2, 0.1)]);
                    let mut asked = Vec::new();
                    for option in ASKED_FOR {
                        if rng.random::<f64>() < 0.16 {
                            asked.push(option);
                        }
                    }
                    let comment = if rng.random::<f64>() < 0.25 {
                        COMMENTS[(rng.random::<f64>() * COMMENTS.len() as f64) as usize]
                    } else {
                        ""
                    };
                    let minute = (rng.random::<f64>() * 50.0) as u32;
                    forms.push(Form {
                        submitted: format!("{} 15:{minute:02}:00", date.format("%d/%m/%Y")),
                        locality,
                        date,
                        useful: AGREEMENT[useful],
                        listened: AGREEMENT[listened],
                        asked,
                        comment,
                    });
                }
            }
        }
    }

    // The untidiness, each once.
    if let Some(i) = rows
        .iter()
        .position(|r| r.locality == "Eastbrook" && r.date == NaiveDate::from_ymd_opt(2026, 3, 11))
    {
        let twice = Row {
            date: rows[i].date,
            typed: true,
            locality: rows[i].locality,
            attendee: rows[i].attendee.clone(),
            referral: None,
            diagnosed: None,
        };
        rows.insert(i + 1, twice);
    }
    if let Some(row) = rows.iter_mut().find(|r| {
        r.locality == "Riverside" && r.date.is_some_and(|d| d.year() == 2026 && d.month() == 5)
    }) {
        row.date = None;
    }

    Ok(vec![
        write_register(out, &rows)?,
        write_session_log(out, &sessions)?,
        write_feedback(out, &forms)?,
    ])
}

fn write_register(out: &Path, rows: &[Row]) -> AnyResult<PathBuf> {
    let mut workbook = new_workbook("Attendance register (synthetic)")?;
    let sheet = workbook.add_worksheet();
    sheet.set_name("Register")?;
    write_header(
        sheet,
        &[
            "Session date",
            "Group",
            "Attendee ID",
            "How did she hear about us?",
            "Date of secondary diagnosis",
        ],
    )?;
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        match (row.date, row.typed) {
            (Some(date), false) => {
                let excel = ExcelDateTime::from_ymd(
                    date.year() as u16,
                    date.month() as u8,
                    date.day() as u8,
                )?;
                sheet.write_datetime_with_format(r, 0, &excel, &date_format)?;
            }
            (Some(date), true) => {
                sheet.write_string(r, 0, date.format("%d/%m/%Y").to_string())?;
            }
            (None, _) => {}
        }
        sheet.write_string(r, 1, row.locality)?;
        sheet.write_string(r, 2, &row.attendee)?;
        if let Some(referral) = row.referral {
            sheet.write_string(r, 3, referral)?;
        }
        if let Some(d) = row.diagnosed {
            let excel = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            sheet.write_datetime_with_format(r, 4, &excel, &date_format)?;
        }
    }
    sheet.set_column_width(0, 14)?;
    sheet.set_column_width(3, 28)?;
    sheet.set_column_width(4, 26)?;
    add_about_sheet(
        &mut workbook,
        &[
            "One row per woman per session, July 2024 to June 2026, six groups.",
            "Attendee IDs are pseudonyms; referral route and diagnosis date are written on a woman's first row only.",
            "Regenerate: cargo run --example make_sample -- --out data/sample",
        ],
    )?;
    save(workbook, out.join("attendance_register.xlsx"))
}

fn write_session_log(out: &Path, sessions: &[SessionPlan]) -> AnyResult<PathBuf> {
    let mut workbook = new_workbook("Session log (synthetic)")?;
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sessions")?;
    write_header(sheet, &["Date", "Group", "Topic", "Speaker", "Went ahead?"])?;
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    for (i, s) in sessions.iter().enumerate() {
        let r = i as u32 + 1;
        let excel = ExcelDateTime::from_ymd(
            s.date.year() as u16,
            s.date.month() as u8,
            s.date.day() as u8,
        )?;
        sheet.write_datetime_with_format(r, 0, &excel, &date_format)?;
        sheet.write_string(r, 1, s.locality)?;
        sheet.write_string(r, 2, s.topic)?;
        sheet.write_string(r, 3, s.speaker)?;
        sheet.write_string(r, 4, if s.went_ahead { "Yes" } else { "No - snow" })?;
    }
    sheet.set_column_width(2, 24)?;
    sheet.set_column_width(3, 28)?;
    add_about_sheet(
        &mut workbook,
        &[
            "One row per planned monthly session, July 2024 to June 2026.",
            "Regenerate: cargo run --example make_sample -- --out data/sample",
        ],
    )?;
    save(workbook, out.join("session_log.xlsx"))
}

/// The feedback forms as a Google Forms CSV: checkbox answers joined with ", ".
fn write_feedback(out: &Path, forms: &[Form]) -> AnyResult<PathBuf> {
    let mut text = String::new();
    let header = [
        "Timestamp",
        "Which group did you come to?",
        "Date of the session",
        "Today's session was useful to me",
        "I felt listened to",
        "What would you like covered at a future session?",
        "Anything else you would like to tell us?",
    ];
    let line = |fields: Vec<String>| -> String {
        fields
            .iter()
            .map(|f| super::csv_field(f))
            .collect::<Vec<_>>()
            .join(",")
            + "\r\n"
    };
    text.push_str(&line(header.iter().map(|h| h.to_string()).collect()));
    for form in forms {
        text.push_str(&line(vec![
            form.submitted.clone(),
            form.locality.to_string(),
            form.date.format("%d/%m/%Y").to_string(),
            form.useful.to_string(),
            form.listened.to_string(),
            form.asked.join(", "),
            form.comment.to_string(),
        ]));
    }
    let path = out.join("session_feedback.csv");
    fs::write(&path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    Ok(path)
}

//! `impactkit summary`: the half-yearly summary for NHS partners, checked against counts made
//! another way, and on registers with the untidiness real ones have.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};
use chrono::NaiveDate;
use predicates::prelude::*;

use common::{files_under, impactkit, root};

fn sample_summary(out: &Path) {
    impactkit()
        .args([
            "summary",
            "data/sample/evaluation.toml",
            "--period",
            "2026-H1",
        ])
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .current_dir(root())
        .assert()
        .success();
}

/// `tables/attendance_summary.csv` as (locality, figure) → (this period, suppressed).
fn summary_table(dir: &Path) -> BTreeMap<(String, String), (Option<f64>, bool)> {
    let mut reader = csv::Reader::from_path(dir.join("tables/attendance_summary.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (locality, figure, value, suppressed) = (
        col("locality"),
        col("figure"),
        col("this_period"),
        col("suppressed"),
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                (r[locality].to_string(), r[figure].to_string()),
                (r[value].parse().ok(), &r[suppressed] == "true"),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// An independent count of the sample registers, straight from the workbooks with calamine.

fn cell_date(cell: &Data) -> Option<NaiveDate> {
    match cell {
        Data::DateTime(d) => d.as_datetime().map(|dt| dt.date()),
        Data::String(s) if !s.trim().is_empty() => {
            Some(NaiveDate::parse_from_str(s.trim(), "%d/%m/%Y").expect("day-first text dates"))
        }
        _ => None,
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.trim().to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn sheet(file: &str, name: &str) -> Vec<Vec<Data>> {
    let mut workbook = open_workbook_auto(root().join("data/sample").join(file)).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range.rows().skip(1).map(|r| r.to_vec()).collect()
}

#[derive(Default, Debug, PartialEq)]
struct Counted {
    sessions_held: u64,
    attendances: u64,
    unique_attendees: u64,
    new_joiners: u64,
    came_once: u64,
    returned: u64,
}

/// The 2026-H1 figures of each locality, counted from the raw rows by this test's own rules:
/// a session went ahead if its log row says "Yes"; a register row counts if it has a date and
/// its session went ahead, once per woman per session; a new joiner's first row anywhere is in
/// the period.
fn independent_count() -> BTreeMap<String, Counted> {
    let in_period = |d: NaiveDate| {
        d >= NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
            && d <= NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
    };
    let log = sheet("session_log.xlsx", "Sessions");
    let mut cancelled = BTreeSet::new();
    let mut out: BTreeMap<String, Counted> = BTreeMap::new();
    for row in &log {
        let date = cell_date(&row[0]).unwrap();
        let group = cell_text(&row[1]);
        let went = cell_text(&row[4]).starts_with("Yes");
        let entry = out.entry(group.clone()).or_default();
        if !went {
            cancelled.insert((date, group));
        } else if in_period(date) {
            entry.sessions_held += 1;
        }
    }
    let mut attended: BTreeSet<(NaiveDate, String, String)> = BTreeSet::new();
    for row in sheet("attendance_register.xlsx", "Register") {
        let Some(date) = cell_date(&row[0]) else {
            continue;
        };
        let group = cell_text(&row[1]);
        if cancelled.contains(&(date, group.clone())) {
            continue;
        }
        attended.insert((date, group, cell_text(&row[2])));
    }
    let mut first: BTreeMap<&str, (NaiveDate, &str)> = BTreeMap::new();
    for (date, group, who) in &attended {
        let e = first.entry(who).or_insert((*date, group));
        if *date < e.0 {
            *e = (*date, group);
        }
    }
    for (group, counted) in out.iter_mut() {
        let here: Vec<&(NaiveDate, String, String)> = attended
            .iter()
            .filter(|(d, g, _)| g == group && in_period(*d))
            .collect();
        let mut per_woman: BTreeMap<&str, u64> = BTreeMap::new();
        for (_, _, who) in &here {
            *per_woman.entry(who).or_default() += 1;
        }
        counted.attendances = here.len() as u64;
        counted.unique_attendees = per_woman.len() as u64;
        counted.came_once = per_woman.values().filter(|&&n| n == 1).count() as u64;
        counted.returned = per_woman.values().filter(|&&n| n > 1).count() as u64;
        counted.new_joiners = first
            .values()
            .filter(|(d, g)| g == group && in_period(*d))
            .count() as u64;
    }
    out
}

#[test]
fn the_sample_summary_agrees_with_an_independent_count_of_the_registers() {
    let expected = independent_count();
    // The sample's shape, so the comparison below is not vacuous: six localities, one with
    // no session in the period.
    assert_eq!(expected.len(), 6, "{expected:#?}");
    assert_eq!(expected["Westmoor"].sessions_held, 0);

    // Every figure, before suppression, from the library.
    let spec = root().join("data/sample/evaluation.toml");
    let checked = impactkit::model::validate::validate(&spec);
    let loaded = checked.spec.as_ref().unwrap();
    let eval = checked.evaluation.as_ref().unwrap();
    let period = impactkit::analysis::periods::Period::parse("2026-H1").unwrap();
    let figures = impactkit::summary::figures::compute(&loaded.spec, eval, &period).unwrap();
    for locality in figures.localities.iter().filter(|l| l.name.is_some()) {
        let name = locality.name.clone().unwrap();
        let now = &locality.now;
        let got = Counted {
            sessions_held: now.sessions_held,
            attendances: now.attendances.value,
            unique_attendees: now.unique_attendees.value,
            new_joiners: now.new_joiners.value,
            came_once: now.came_once.value,
            returned: now.returned.value,
        };
        assert_eq!(got, expected[&name], "{name}");
    }

    // And what the summary publishes: every figure shown equals the count; hidden ones are
    // blank and marked.
    let dir = tempfile::tempdir().unwrap();
    sample_summary(dir.path());
    let table = summary_table(dir.path());
    let mut shown = 0;
    for (locality, counted) in &expected {
        for (figure, value) in [
            ("sessions_held", counted.sessions_held),
            ("attendances", counted.attendances),
            ("unique_attendees", counted.unique_attendees),
            ("new_joiners", counted.new_joiners),
            ("came_once", counted.came_once),
            ("returned", counted.returned),
        ] {
            let (published, suppressed) = table[&(locality.clone(), figure.to_string())];
            match published {
                Some(v) => {
                    shown += 1;
                    assert_eq!(v, value as f64, "{locality} {figure}");
                }
                None => assert!(suppressed, "{locality} {figure} is blank but not marked"),
            }
        }
    }
    assert!(shown >= 25, "only {shown} figures published");
    // All localities together: the sums (no woman in the sample goes to two groups).
    let total = |f: fn(&Counted) -> u64| expected.values().map(f).sum::<u64>() as f64;
    let all = |figure: &str| table[&("All localities".to_string(), figure.to_string())].0;
    assert_eq!(all("attendances"), Some(total(|c| c.attendances)));
    assert_eq!(all("sessions_held"), Some(total(|c| c.sessions_held)));
    assert_eq!(all("new_joiners"), Some(total(|c| c.new_joiners)));
}

/// The committed sample summary is what the tool writes today. After an intended change:
/// `cargo run -- summary data/sample/evaluation.toml --period 2026-H1 --quiet`, then review
/// the diff of `reports/summary-2026-h1/`.
#[test]
fn the_committed_sample_summary_matches_a_fresh_run() {
    let dir = tempfile::tempdir().unwrap();
    sample_summary(dir.path());
    let fresh = files_under(dir.path());
    let committed = files_under(&root().join("reports/summary-2026-h1"));
    let how = "regenerate with `cargo run -- summary data/sample/evaluation.toml --period 2026-H1 --quiet` and review the diff";
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "reports/summary-2026-h1/ does not hold the files a fresh run writes; {how}"
    );
    for (path, bytes) in &fresh {
        assert!(
            &committed[path] == bytes,
            "reports/summary-2026-h1/{} differs from a fresh run; {how}",
            path.display()
        );
    }
}

#[test]
fn no_published_count_of_people_is_small() {
    let dir = tempfile::tempdir().unwrap();
    sample_summary(dir.path());
    let table = summary_table(dir.path());
    let mut hidden = 0;
    for ((locality, figure), (value, suppressed)) in &table {
        // Sessions are not people, and the mean follows from attendances and sessions; the
        // median is one session's headcount, so it counts.
        if figure.starts_with("sessions_") || figure == "mean_per_session" {
            continue;
        }
        if let Some(v) = value {
            assert!(
                *v == 0.0 || *v >= 5.0,
                "{locality} {figure} = {v} is published under min_cell 5"
            );
        }
        hidden += usize::from(*suppressed);
    }
    // Hillcrest is small on purpose: something must have been hidden.
    assert!(hidden > 0);
    let hillcrest = std::fs::read_to_string(dir.path().join("hillcrest.md")).unwrap();
    assert!(hillcrest.contains("| New joiners | – |"), "{hillcrest}");
}

#[test]
fn the_summary_is_reproducible_and_carries_no_names() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    sample_summary(a.path());
    sample_summary(b.path());
    let (fa, fb) = (files_under(a.path()), files_under(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(
            bytes == &fb[path],
            "{} differs between runs",
            path.display()
        );
    }
    // An overview, six locality pages, both formats; a chart for each locality with sessions
    // and for all together; the three tables.
    for name in [
        "summary.md",
        "summary.html",
        "northfield.md",
        "westmoor.html",
        "hillcrest.md",
        "charts/attendances-by-month.png",
        "charts/attendances-by-month-eastbrook.svg",
        "tables/attendance_summary.csv",
        "tables/feedback.csv",
        "tables/topics.parquet",
    ] {
        assert!(fa.contains_key(Path::new(name)), "{name} missing");
    }
    // Westmoor had no sessions: no chart of nothing.
    assert!(!fa.contains_key(Path::new("charts/attendances-by-month-westmoor.png")));
    // The sample's feedback mentions "Mandy", listed in [privacy] names.
    for (path, bytes) in &fa {
        if path.extension().is_some_and(|e| e == "md" || e == "html") {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains("Mandy"), "{} names Mandy", path.display());
        }
    }
    let overview = String::from_utf8_lossy(&fa[Path::new("summary.md")]).to_string();
    assert!(overview.contains("No sessions were held in this period in: Westmoor."));
    for reason in [
        "no session date",
        "the same attendee recorded twice at one session",
        "the session log says this session did not go ahead",
    ] {
        assert!(overview.contains(reason), "{reason}");
    }
}

// ---------------------------------------------------------------------------------------------
// A small register worked by hand.

const SPEC: &str = r#"
title = "Test groups"
[privacy]
min_cell = 0

[[sources]]
name = "register"
kind = "attendance"
file = "register.csv"
date = "Date"
locality = "Group"
attendee = "Person"
referral = "Referral"
diagnosed = "Diagnosed"

[[sources]]
name = "log"
kind = "sessions"
file = "log.csv"
date = "Date"
locality = "Group"
topic = "Topic"
speaker = "Speaker"
held = "Held"
"#;

/// North: January (A1, A2, and A2 again), February cancelled (A1 written in anyway), a row with
/// no date (A3), March (A1, A3). South met only in 2025.
const REGISTER: &str = "Date,Group,Person,Referral,Diagnosed
06/01/2026,North,A1,GP,20/12/2025
06/01/2026,North,A2,,
06/01/2026,North,A2,,
03/02/2026,North,A1,,
,North,A3,,
03/03/2026,North,A1,,
03/03/2026,North,A3,Helpline,01/06/2025
15/07/2025,South,B1,Self-referral,
";

const LOG: &str = "Date,Group,Topic,Speaker,Held
06/01/2026,North,Pain management,Pain specialist,Yes
03/02/2026,North,Benefits,Benefits adviser,No - cancelled
03/03/2026,North,Open discussion,Facilitator-led,Yes
15/07/2025,South,Open discussion,Facilitator-led,Yes
";

fn small_case(register: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("evaluation.toml"), SPEC).unwrap();
    std::fs::write(dir.path().join("register.csv"), register).unwrap();
    std::fs::write(dir.path().join("log.csv"), LOG).unwrap();
    dir
}

#[test]
fn a_small_register_is_counted_as_worked_by_hand() {
    let dir = small_case(REGISTER);
    let out = dir.path().join("out");
    impactkit()
        .args([
            "summary",
            "evaluation.toml",
            "--period",
            "2026-H1",
            "--out",
            "out",
        ])
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("summary.md"));
    let table = summary_table(&out);
    let north = |figure: &str| table[&("North".to_string(), figure.to_string())].0;
    assert_eq!(north("sessions_held"), Some(2.0));
    assert_eq!(north("sessions_cancelled"), Some(1.0));
    assert_eq!(north("attendances"), Some(4.0)); // A1, A2 in January; A1, A3 in March
    assert_eq!(north("unique_attendees"), Some(3.0));
    assert_eq!(north("new_joiners"), Some(3.0));
    assert_eq!(north("came_once"), Some(2.0)); // A2, A3
    assert_eq!(north("returned"), Some(1.0)); // A1
    assert_eq!(north("mean_per_session"), Some(2.0));
    // A1 came 17 days after diagnosis; A3 nine months after.
    assert_eq!(north("joiners_with_diagnosis_date"), Some(2.0));
    assert_eq!(north("joined_within_three_months"), Some(1.0));
    assert_eq!(north("new_joiners_referred: GP"), Some(1.0));
    assert_eq!(north("new_joiners_referred: not recorded"), Some(1.0));
    let south = |figure: &str| table[&("South".to_string(), figure.to_string())].0;
    assert_eq!(south("sessions_held"), Some(0.0));
    assert_eq!(south("attendances"), Some(0.0));
    // The previous period (2025-H2) is South's July session.
    let csv = std::fs::read_to_string(out.join("tables/attendance_summary.csv")).unwrap();
    assert!(
        csv.contains("2026-H1,South,attendances,0.0,1.0,-1.0,false"),
        "{csv}"
    );

    let overview = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(overview.contains("No sessions were held in this period in: South."));
    for (reason, rows) in [
        ("no session date", 1),
        ("the same attendee recorded twice at one session", 1),
        ("the session log says this session did not go ahead", 1),
    ] {
        assert!(
            overview.contains(&format!("| register | {reason} | {rows} |")),
            "{reason}: {overview}"
        );
    }
    let south_page = std::fs::read_to_string(out.join("south.md")).unwrap();
    assert!(south_page.contains("**No sessions were held in South in this period.**"));
    let topics = std::fs::read_to_string(out.join("tables/topics.csv")).unwrap();
    assert!(topics.contains("2026-H1,North,topic,Pain management,1,true,false"));
    assert!(
        !topics.contains("Benefits"),
        "a cancelled session's topic was counted"
    );
}

#[test]
fn one_locality_only_and_a_locality_that_is_not_there() {
    let dir = small_case(REGISTER);
    impactkit()
        .args(["summary", "evaluation.toml", "--period", "2026-q1"])
        .args(["--locality", "north", "--out", "out", "--format", "md"])
        .current_dir(dir.path())
        .assert()
        .success();
    let written: Vec<PathBuf> = files_under(&dir.path().join("out"))
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "html"))
        .collect();
    assert_eq!(written, [PathBuf::from("north.md")]);
    let table =
        std::fs::read_to_string(dir.path().join("out/tables/attendance_summary.csv")).unwrap();
    assert!(!table.contains("South") && !table.contains("All localities"));

    impactkit()
        .args(["summary", "evaluation.toml", "--period", "2026-H1"])
        .args(["--locality", "Nort"])
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean \"North\"?"));
}

#[test]
fn an_ambiguous_register_date_is_an_error_naming_its_cell() {
    // Every date could be day-first or month-first: nothing decides, so nothing is guessed.
    let register =
        "Date,Group,Person,Referral,Diagnosed\n05/06/2026,North,A1,,\n06/05/2026,North,A2,,\n";
    let dir = small_case(register);
    impactkit()
        .args([
            "summary",
            "evaluation.toml",
            "--period",
            "2026-H1",
            "--out",
            "out",
        ])
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("register.csv"))
        .stderr(predicate::str::contains("line 2, column A"))
        .stderr(predicate::str::contains(
            "could be read day-first or month-first",
        ))
        .stderr(predicate::str::contains("nothing was written"));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn bad_periods_and_a_spec_without_a_register_are_refused() {
    impactkit()
        .args([
            "summary",
            "data/sample/evaluation.toml",
            "--period",
            "2026-H3",
        ])
        .current_dir(root())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2026-H1, 2026-H2, 2026-Q1"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.csv"), "ID,Q\n1,Yes\n").unwrap();
    std::fs::write(
        dir.path().join("evaluation.toml"),
        "title = \"t\"\n[[sources]]\nname = \"s\"\ngroup = \"G\"\nfile = \"s.csv\"\nquestions = [{ name = \"q\", column = \"Q\" }]\n",
    )
    .unwrap();
    impactkit()
        .args([
            "summary",
            "evaluation.toml",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
        ])
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no attendance register"));
}

#[test]
fn register_keys_are_checked_in_the_spec() {
    let dir = small_case(REGISTER);
    let spec = SPEC
        .replace("held = \"Held\"", "held = \"Held\"\nattendee = \"Person\"")
        .replace("attendee = \"Person\"\nreferral", "referral");
    std::fs::write(dir.path().join("evaluation.toml"), spec).unwrap();
    impactkit()
        .args(["validate", "evaluation.toml"])
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`attendee` is for attendance sources",
        ))
        .stderr(predicate::str::contains(
            "attendance source \"register\" has no `attendee`",
        ))
        .stderr(predicate::str::contains("Person").count(1));
}

#[test]
fn the_registers_are_tidy_tables_too() {
    use impactkit::model::frames;
    use polars::prelude::DataType;
    let checked = impactkit::model::validate::validate(&root().join("data/sample/evaluation.toml"));
    let eval = checked.evaluation.as_ref().unwrap();
    let attendance = frames::attendance(eval).unwrap();
    // Every register row but the one with no date (counted from the workbook, not the tool).
    let register_rows = sheet("attendance_register.xlsx", "Register").len();
    assert_eq!(attendance.height(), register_rows - 1);
    assert_eq!(attendance.column("date").unwrap().dtype(), &DataType::Date);
    assert_eq!(
        attendance.column("diagnosed").unwrap().dtype(),
        &DataType::Date
    );
    let sessions = frames::sessions(eval).unwrap();
    assert_eq!(
        sessions.height(),
        sheet("session_log.xlsx", "Sessions").len()
    );
    let cancelled = sessions
        .column("went_ahead")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .filter(|v| *v == Some(false))
        .count();
    assert_eq!(cancelled, 1);
}

// ---------------------------------------------------------------------------------------------
// The leaks a review found, each pinned.

/// North: ten women, all new, at two sessions; nine with a diagnosis date. South: eight
/// women, and N01 comes to South once too. Feedback: ten forms, one with a topic written in.
fn overlapping_groups() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut register = String::from("Date,Group,Person,Referral,Diagnosed\n");
    for session in ["06/01/2026", "03/02/2026"] {
        for k in 1..=10 {
            let first = session == "06/01/2026";
            let diagnosed = if first && k <= 9 { "15/11/2025" } else { "" };
            let referral = if first { "GP" } else { "" };
            register.push_str(&format!("{session},North,N{k:02},{referral},{diagnosed}\n"));
        }
    }
    for k in 1..=8 {
        register.push_str(&format!("14/01/2026,south,S{k:02},Helpline,\n"));
        register.push_str(&format!("11/02/2026,South,S{k:02},,\n"));
    }
    register.push_str("11/02/2026,South,N01,,\n");
    let log = "Date,Group,Topic,Speaker,Held\n06/01/2026,North,Pain,Nurse,Yes\n03/02/2026,North,Sleep,Nurse,Yes\n14/01/2026,South,Pain,Nurse,Yes\n11/02/2026,South,Pain,Nurse,Yes\n";
    let mut feedback = String::from("Group,Session date,Topics\n");
    for k in 0..10 {
        let topics = if k == 0 {
            "Pain, Call me on 07700 900123 about my scan"
        } else if k % 2 == 0 {
            "Sleep"
        } else {
            "Pain"
        };
        feedback.push_str(&format!("North,13/02/2026,\"{topics}\"\n"));
    }
    let spec = r#"
title = "Two groups"
[privacy]
min_cell = 5
[[sources]]
name = "register"
kind = "attendance"
file = "register.csv"
date = "Date"
locality = "Group"
attendee = "Person"
referral = "Referral"
diagnosed = "Diagnosed"
[[sources]]
name = "log"
kind = "sessions"
file = "log.csv"
date = "Date"
locality = "Group"
topic = "Topic"
held = "Held"
[[sources]]
name = "forms"
group = "Attendees"
file = "forms.csv"
attributes = { locality = "Group", date = "Session date" }
questions = [{ name = "topics", column = "Topics", multi = ", ", options = ["Pain", "Sleep"] }]
[summary]
feedback = "forms"
requests = "topics"
"#;
    for (name, text) in [
        ("evaluation.toml", spec),
        ("register.csv", register.as_str()),
        ("log.csv", log),
        ("forms.csv", feedback.as_str()),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn what_a_review_found_could_be_worked_back_is_hidden() {
    let dir = overlapping_groups();
    impactkit()
        .args([
            "summary",
            "evaluation.toml",
            "--period",
            "2026-H1",
            "--out",
            "out",
            "-q",
        ])
        .current_dir(dir.path())
        .assert()
        .success();
    let out = dir.path().join("out");
    let table = summary_table(&out);
    let get = |l: &str, f: &str| table[&(l.to_string(), f.to_string())];
    // "south" in the register's January rows is the same group as "South".
    assert!(!table.contains_key(&("south".to_string(), "attendances".to_string())));
    assert_eq!(get("South", "unique_attendees").0, Some(9.0));
    // All localities: 10 + 9 women by group, but 18 different women. Publishing 18 beside
    // the groups' figures would say that exactly one woman goes to both.
    assert_eq!(get("All localities", "unique_attendees"), (None, true));
    // N01 came once to South: that 1 and its partners are hidden all the way up.
    assert_eq!(get("South", "came_once"), (None, true));
    assert_eq!(get("All localities", "came_once"), (None, true));
    // North: 10 new joiners, 9 with a diagnosis date; publishing the 9 would say one has none.
    assert!(matches!(get("North", "new_joiners").0, None | Some(10.0)));
    assert_eq!(get("North", "joiners_with_diagnosis_date"), (None, true));
    // A topic a woman wrote in herself is counted, never shown.
    for file in files_under(&out).keys() {
        let text = std::fs::read_to_string(out.join(file)).unwrap_or_default();
        assert!(
            !text.contains("07700"),
            "{} shows a written-in topic",
            file.display()
        );
    }
    let topics = std::fs::read_to_string(out.join("tables/topics.csv")).unwrap();
    assert!(
        topics.contains("Something else, in their own words (not shown)"),
        "{topics}"
    );
    // The variant spelling is named for the team.
    let overview = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        overview.contains("\"south\" is read as \"South\""),
        "{overview}"
    );
}

#[test]
fn a_requests_question_must_list_its_options() {
    let dir = overlapping_groups();
    let spec = std::fs::read_to_string(dir.path().join("evaluation.toml")).unwrap();
    std::fs::write(
        dir.path().join("evaluation.toml"),
        spec.replace(", options = [\"Pain\", \"Sleep\"]", ""),
    )
    .unwrap();
    impactkit()
        .args(["validate", "evaluation.toml"])
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("lists no options"));
}

#[test]
fn a_register_date_the_log_does_not_have_is_named() {
    let register = format!("{REGISTER}10/03/2026,North,A1,,\n");
    let dir = small_case(&register);
    impactkit()
        .args([
            "summary",
            "evaluation.toml",
            "--period",
            "2026-H1",
            "--out",
            "out",
            "-q",
        ])
        .current_dir(dir.path())
        .assert()
        .success();
    let overview = std::fs::read_to_string(dir.path().join("out/summary.md")).unwrap();
    assert!(
        overview.contains(
            "the session log does not list, each counted as a session held: North on 10 March 2026"
        ),
        "{overview}"
    );
}

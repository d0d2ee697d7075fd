//! The row ledger: every row of every input sheet is used or excluded with a reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use impactkit::model::{load_evaluation, AnswerStatus, Evaluation, Outcome};
use impactkit::spec;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(rel)
}

fn load(dir: &Path, spec_text: &str) -> Evaluation {
    let path = dir.join("evaluation.toml");
    std::fs::write(&path, spec_text).unwrap();
    let loaded = spec::load(&path).expect("spec parses");
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let eval = load_evaluation(&loaded);
    assert!(!eval.has_errors(), "{:#?}", eval.diagnostics);
    eval
}

/// Each (file, sheet) row from 1 to the last row in the ledger appears exactly once (for
/// CSV: each record once).
fn assert_every_row_once(eval: &Evaluation) {
    let ledgers = eval
        .sources
        .iter()
        .map(|s| (s.name.as_str(), &s.ledger))
        .chain(eval.registers.iter().map(|r| (r.name.as_str(), &r.ledger)));
    for (name, ledger) in ledgers {
        let mut per_sheet: BTreeMap<(&str, &str), Vec<(u32, u32)>> = BTreeMap::new();
        for e in ledger {
            per_sheet
                .entry((e.file.as_str(), e.sheet.as_str()))
                .or_default()
                .push((e.row, e.last_row));
        }
        for ((file, sheet), mut ranges) in per_sheet {
            ranges.sort();
            if file.ends_with(".csv") || file.ends_with(".tsv") {
                // CSV rows are records, numbered by the line they start on; a quoted field
                // may span lines, so line numbers have gaps. Each record appears once.
                let starts: std::collections::BTreeSet<u32> = ranges.iter().map(|r| r.0).collect();
                assert_eq!(starts.len(), ranges.len(), "{name}: {file}: a record twice");
                continue;
            }
            let mut next = 1;
            for (first, last) in ranges {
                assert_eq!(
                    first, next,
                    "{name}: {file} {sheet}: row {next} unaccounted or counted twice"
                );
                next = last + 1;
            }
        }
    }
}

fn outcome_count(eval: &Evaluation, source: &str, outcome: Outcome) -> u32 {
    eval.source(source)
        .unwrap()
        .ledger
        .iter()
        .filter(|e| e.outcome == outcome)
        .map(|e| e.rows())
        .sum()
}

/// Counts from Python's csv module on the same file:
/// `collections.Counter(r['impact_motivation_learning'] for r in csv.DictReader(f))` gives
/// Agree 66, Strongly agree 54, NA 41, Neutral 10, Strongly disagree 3, Disagree 2 over 176
/// records.
#[test]
fn carpentries_likert_fixture_is_accounted_for_and_normalised() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("likert/carpentries_longterm_2020_other_questions.csv");
    let eval = load(
        dir.path(),
        &format!(
            r#"title = "Carpentries long-term survey"
[scales.agreement]
levels = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
positive = ["Agree", "Strongly agree"]
aliases = {{ "Neutral" = "Neither agree nor disagree" }}

[[sources]]
name = "learners"
group = "Learners"
file = '{}'
questions = [
  {{ name = "motivation", column = "impact_motivation_learning", scale = "agreement" }},
  {{ name = "content", column = "workshop_attended_content", multi = ";" }},
]
"#,
            file.display()
        ),
    );
    assert_every_row_once(&eval);
    assert_eq!(outcome_count(&eval, "learners", Outcome::Header), 1);
    assert_eq!(outcome_count(&eval, "learners", Outcome::Used), 176);
    assert_eq!(outcome_count(&eval, "learners", Outcome::Excluded), 0);

    let source = eval.source("learners").unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for a in source
        .answers
        .iter()
        .filter(|a| &*a.question == "motivation")
    {
        let key = match a.status() {
            AnswerStatus::Answered => a.value().unwrap().to_string(),
            AnswerStatus::Missing => "(missing)".into(),
            AnswerStatus::Unknown => format!("(unknown) {}", a.raw()),
        };
        *counts.entry(key).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = [
        ("Agree", 66),
        ("Strongly agree", 54),
        ("(missing)", 41),
        ("Neither agree nor disagree", 10),
        ("Strongly disagree", 3),
        ("Disagree", 2),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts, expected);
    // The alias is traceable: ten changes from "Neutral".
    let aliased = source
        .changes
        .iter()
        .filter(|c| c.from == "Neutral" && c.to == "Neither agree nor disagree")
        .count();
    assert_eq!(aliased, 10);
}

/// The coded-comments matrix: 5 comments; openpyxl reads the codes as Category 1 on
/// R_9RWrgh1F9m7488l, R_6FsLhwCAYml5NOJ, R_3OCWLC3rgTT1pgF; Category 2 on R_01HREuYKcsQtj5r,
/// R_7U6eBR7waV8xr0N; Category 3 on R_9RWrgh1F9m7488l, R_7U6eBR7waV8xr0N.
#[test]
fn coded_comments_matrix_fixture_is_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("coding/QualtricsTools_Q5_Coded.xlsx");
    let eval = load(
        dir.path(),
        &format!(
            r#"title = "Coded comments"
[[sources]]
name = "comments"
group = "Respondents"
kind = "coding"
layout = "matrix"
file = '{}'
id = "ResponseID"
excerpt = "Please briefly state your position on fruit"
codes = ["Category 1: Fruit are good", "Category 2: There should be more fruit.", "Category 3: Fruit should be replaced by vegetables"]
"#,
            file.display()
        ),
    );
    assert_every_row_once(&eval);
    assert_eq!(outcome_count(&eval, "comments", Outcome::Used), 5);
    let source = eval.source("comments").unwrap();
    assert_eq!(source.respondents.len(), 5);
    let mut per_code: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &source.codes {
        per_code.entry(&c.code).or_default().push(&c.respondent);
    }
    assert_eq!(
        per_code["Category 1: Fruit are good"],
        [
            "R_9RWrgh1F9m7488l",
            "R_6FsLhwCAYml5NOJ",
            "R_3OCWLC3rgTT1pgF"
        ]
    );
    assert_eq!(
        per_code["Category 2: There should be more fruit."],
        ["R_01HREuYKcsQtj5r", "R_7U6eBR7waV8xr0N"]
    );
    assert_eq!(
        per_code["Category 3: Fruit should be replaced by vegetables"],
        ["R_9RWrgh1F9m7488l", "R_7U6eBR7waV8xr0N"]
    );
}

/// 1,838 responses (SOURCES.md; openpyxl counts 1,839 rows with the header).
#[test]
fn google_forms_fixture_is_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("forms/rcs2019_english_google_forms.xlsx");
    let eval = load(
        dir.path(),
        &format!(
            r#"title = "R community survey"
[[sources]]
name = "rcs"
group = "Respondents"
file = '{}'
sheet = "Form Responses 1"
questions = [ {{ name = "when", column = "Timestamp", kind = "text" }} ]
"#,
            file.display()
        ),
    );
    assert_every_row_once(&eval);
    assert_eq!(outcome_count(&eval, "rcs", Outcome::Used), 1838);
    assert_eq!(outcome_count(&eval, "rcs", Outcome::Header), 1);
}

/// Duplicate ids, blank rows and rows with no id are each excluded with their reason.
#[test]
fn exclusions_say_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.csv"),
        "ID,Q\nA,Yes\n,No\n,\nB,No\nA,Yes again\n",
    )
    .unwrap();
    let eval = load(
        dir.path(),
        r#"title = "t"
[[sources]]
name = "s"
group = "g"
file = "s.csv"
id = "ID"
questions = [ { name = "q", column = "Q" } ]
"#,
    );
    assert_every_row_once(&eval);
    let ledger = &eval.source("s").unwrap().ledger;
    let reason = |row: u32| {
        ledger
            .iter()
            .find(|e| e.row == row)
            .and_then(|e| e.reason.clone())
            .unwrap_or_default()
    };
    assert_eq!(reason(3), "no respondent id");
    assert_eq!(reason(4), "blank row");
    assert!(reason(2).starts_with("duplicate respondent id: \"A\" is also on line 6"));
    let used: Vec<&str> = eval
        .source("s")
        .unwrap()
        .respondents
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(used, ["B", "A"]);
}

/// The sample's row counts, as openpyxl and Python's csv module count them: the attendee
/// survey has 94 data rows (93 people, R037 twice), the interview coding sheet 86 rows and its
/// roster 20, the facilitator survey 13, the staff CSV 6 records, the stakeholder matrix 7.
#[test]
fn every_row_of_the_sample_is_accounted_for() {
    let spec_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample/evaluation.toml");
    let loaded = spec::load(&spec_path).unwrap();
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let eval = load_evaluation(&loaded);
    assert!(eval.diagnostics.is_empty(), "{:#?}", eval.diagnostics);
    assert_every_row_once(&eval);
    let expected = [
        ("attendee_survey", 1, 93, 1, 93),
        ("attendee_interviews", 2, 86 + 20, 0, 20),
        ("facilitator_survey", 1, 13, 0, 13),
        ("staff_survey", 1, 6, 0, 6),
        ("stakeholder_interviews", 1, 7, 0, 7),
    ];
    // The registers: every row of each sheet is in its ledger once (checked above); the
    // register's one row with no date is the only one left out at reading.
    let register = &eval.registers[0];
    assert_eq!(register.name, "attendance_register");
    let excluded: Vec<_> = register
        .ledger
        .iter()
        .filter(|e| e.outcome == Outcome::Excluded)
        .collect();
    assert_eq!(excluded.len(), 1, "{excluded:#?}");
    assert_eq!(excluded[0].reason.as_deref(), Some("no session date"));
    for (name, header, used, excluded, respondents) in expected {
        assert_eq!(
            outcome_count(&eval, name, Outcome::Header),
            header,
            "{name}"
        );
        assert_eq!(outcome_count(&eval, name, Outcome::Used), used, "{name}");
        assert_eq!(
            outcome_count(&eval, name, Outcome::Excluded),
            excluded,
            "{name}"
        );
        assert_eq!(
            eval.source(name).unwrap().respondent_count(),
            respondents,
            "{name}"
        );
    }
    // The duplicate submission: R037's earlier row is excluded, the corrected one kept.
    let survey = eval.source("attendee_survey").unwrap();
    let dup: Vec<_> = survey
        .ledger
        .iter()
        .filter(|e| e.outcome == Outcome::Excluded)
        .collect();
    assert_eq!(dup[0].respondent.as_deref(), Some("R037"));
    assert!(dup[0]
        .reason
        .as_deref()
        .unwrap()
        .starts_with("duplicate respondent id"));

    // The tidy tables have a row per fact.
    use impactkit::model::frames;
    // The session feedback forms: one per line of the CSV under its header (no comment in it
    // spans lines), counted from the file itself.
    let feedback_forms = std::fs::read_to_string(spec_path.with_file_name("session_feedback.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(
        frames::respondents(&eval).unwrap().height(),
        93 + 20 + 13 + 6 + 7 + feedback_forms
    );
    let codes = frames::codes(&eval).unwrap();
    let interview_codes = eval.source("attendee_interviews").unwrap().codes.len();
    let matrix_codes = eval.source("stakeholder_interviews").unwrap().codes.len();
    assert_eq!(codes.height(), interview_codes + matrix_codes);
    // Stakeholder codes per column as the generator wrote them: 5, 3, 5, 3, 5, 5, 3, 2.
    assert_eq!(matrix_codes, 5 + 3 + 5 + 3 + 5 + 5 + 3 + 2);
    assert_eq!(interview_codes, 86);
    let ledger = frames::ledger(&eval).unwrap();
    assert_eq!(
        ledger
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>(),
        [
            "source",
            "file",
            "sheet",
            "row",
            "last_row",
            "respondent",
            "outcome",
            "reason"
        ]
    );
}

//! Survey-platform exports read as they are downloaded: Qualtrics and SurveyMonkey.
//!
//! The real exports are in `tests/fixtures/real/<platform>/` (their origin and licence in the
//! `SOURCES.md` beside them). Every count pinned here was made independently of impactkit, with
//! Python's `csv` module:
//!
//! ```python
//! import csv
//! rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
//! len(rows) - header_rows                     # responses: no blank records in these files
//! collections.Counter(r[10] for r in rows[3:])  # Qualtrics Status column
//! ```
//!
//! giving: Sample_Survey_Insights 8 records − 3 header rows = 5 responses;
//! Questions_with_Text_Entry_Components 18 − 3 = 15; blackstone pre and post 102 − 2 = 100 each.
//! Every Qualtrics response in these two files has Status 2 and none 1 or "Survey Preview", so
//! none is left out as a preview.

mod common;

use std::path::{Path, PathBuf};

use impactkit::model::{load_evaluation, Evaluation, Outcome};
use impactkit::spec;
use predicates::prelude::*;

use common::impactkit;

fn real(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(relative)
}

/// Each real export: (file, layout, header rows, responses).
const EXPORTS: [(&str, &str, usize, usize); 4] = [
    (
        "qualtrics/QualtricsTools_Sample_Survey_Insights.csv",
        "qualtrics",
        3,
        5,
    ),
    (
        "qualtrics/QualtricsTools_Questions_with_Text_Entry_Components.csv",
        "qualtrics",
        3,
        15,
    ),
    (
        "surveymonkey/blackstone_sm_data_pre.csv",
        "surveymonkey",
        2,
        100,
    ),
    (
        "surveymonkey/blackstone_sm_data_post.csv",
        "surveymonkey",
        2,
        100,
    ),
];

/// A one-source spec for `file` with `layout`, written into `dir`.
fn spec_for(dir: &Path, file: &Path, layout: &str) -> PathBuf {
    let text = format!(
        "title = \"Platform layout\"\n\n[[sources]]\nname = \"export\"\ngroup = \"Respondents\"\nfile = {file:?}\nlayout = \"{layout}\"\n",
        file = file.display().to_string()
    );
    let path = dir.join("evaluation.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn load(spec_path: &Path) -> Evaluation {
    let loaded = spec::load(spec_path).expect("the spec parses");
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let eval = load_evaluation(&loaded);
    assert!(!eval.has_errors(), "{:#?}", eval.diagnostics);
    eval
}

fn rows_with(eval: &Evaluation, outcome: Outcome) -> u32 {
    eval.sources[0]
        .ledger
        .iter()
        .filter(|e| e.outcome == outcome)
        .map(|e| e.rows())
        .sum()
}

#[test]
fn every_real_export_is_read_with_its_platform_layout_under_auto() {
    for (file, layout, header_rows, responses) in EXPORTS {
        let dir = tempfile::tempdir().unwrap();
        let eval = load(&spec_for(dir.path(), &real(file), "auto"));
        let source = &eval.sources[0];
        assert_eq!(source.layout, layout, "{file}");
        assert_eq!(source.respondents.len(), responses, "{file}");
        assert_eq!(
            rows_with(&eval, Outcome::Header),
            header_rows as u32,
            "{file}"
        );
        assert_eq!(rows_with(&eval, Outcome::Used), responses as u32, "{file}");
        assert_eq!(rows_with(&eval, Outcome::Excluded), 0, "{file}");
        // Every record of the file is in the ledger once, in order.
        let mut starts: Vec<u32> = source.ledger.iter().map(|e| e.row).collect();
        starts.sort();
        let expected: Vec<u32> = (1..=(header_rows + responses) as u32).collect();
        assert_eq!(starts, expected, "{file}");
    }
}

#[test]
fn inspect_json_names_the_layout_and_counts_the_responses() {
    for (file, layout, header_rows, responses) in EXPORTS {
        let output = impactkit()
            .args(["inspect", "--json"])
            .arg(real(file))
            .output()
            .unwrap();
        assert!(output.status.success(), "{file}");
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let sheet = &json["sheets"][0];
        assert_eq!(sheet["layout"], layout, "{file}");
        assert_eq!(sheet["header_rows"], header_rows, "{file}");
        assert_eq!(sheet["rows"], responses, "{file}");
        assert_eq!(sheet["excluded_rows"], 0, "{file}");
    }
}

/// What a spec writer sees in `inspect`: question text as the name, the Qualtrics id beside
/// it, and the platforms' own columns as metadata.
#[test]
fn inspect_shows_question_text_ids_and_metadata() {
    let column = |file: &str, name: &str| -> serde_json::Value {
        let output = impactkit()
            .args(["inspect", "--json"])
            .arg(real(file))
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json["sheets"][0]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {file}"))
            .clone()
    };
    let qualtrics = "qualtrics/QualtricsTools_Questions_with_Text_Entry_Components.csv";
    let choice = column(qualtrics, "Click to write the question text");
    assert_eq!(choice["id"], "MCSA_single_text");
    assert_eq!(choice["letter"], "L");
    // The "other, please specify" box shares its choice question's text.
    let other = column(qualtrics, "Click to write the question text (2)");
    assert_eq!(other["id"], "MCSA_single_text_TEXT");
    assert_eq!(other["kind"], "free_text");
    for name in ["StartDate", "Status", "Finished", "LocationLatitude"] {
        assert_eq!(column(qualtrics, name)["kind"], "metadata", "{name}");
    }
    // Bookkeeping too, but a unique response id is offered as the spec's `id`.
    assert_eq!(column(qualtrics, "ResponseID")["kind"], "id");
    // Blank in every response: empty says more than metadata.
    assert_eq!(column(qualtrics, "RecipientEmail")["kind"], "empty");

    let monkey = "surveymonkey/blackstone_sm_data_post.csv";
    for name in ["Collector ID", "Start Date", "IP Address", "Custom Data 1"] {
        assert_eq!(column(monkey, name)["kind"], "metadata", "{name}");
    }
    assert_eq!(column(monkey, "Respondent ID")["kind"], "id");
    let matrix = column(
        monkey,
        "Please rate your agreement with the following statements on a scale from strongly \
         disagree to strongly agree. - I can conduct ethical research",
    );
    assert_eq!(matrix["letter"], "AC");
    assert_eq!(matrix["kind"], "likert");
    // python: records[0][29] is the question text, records[1][29] "Open-Ended Response".
    let open = column(
        monkey,
        "Please describe how your department could help you improve in this area- I understand \
         the different aspects of ethical research",
    );
    assert_eq!(open["letter"], "AD");
}

#[test]
fn a_wrong_explicit_layout_suggests_the_right_one() {
    for (file, wrong, right) in [
        (
            "qualtrics/QualtricsTools_Sample_Survey_Insights.csv",
            "surveymonkey",
            "qualtrics",
        ),
        (
            "surveymonkey/blackstone_sm_data_pre.csv",
            "qualtrics",
            "surveymonkey",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let spec_path = spec_for(dir.path(), &real(file), wrong);
        impactkit()
            .arg("validate")
            .arg(&spec_path)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "does not look like a {wrong} export"
            )))
            .stderr(predicate::str::contains(format!(
                "use layout = \"{right}\" (or \"auto\")"
            )));
        // The same file named with its own layout reads.
        let eval = load(&spec_for(dir.path(), &real(file), right));
        assert_eq!(eval.sources[0].layout, right);
    }
}

/// A Qualtrics export with a preview, a test response and two real responses: the preview
/// and the test are in the ledger as excluded with their reasons, and nowhere else.
#[test]
fn qualtrics_previews_and_test_responses_are_excluded_in_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "\
StartDate,Status,ResponseId,Q1
Start Date,Response Type,Response ID,The group has reduced my feelings of isolation
\"{\"\"ImportId\"\":\"\"startDate\"\",\"\"timeZone\"\":\"\"Europe/London\"\"}\",\"{\"\"ImportId\"\":\"\"status\"\"}\",\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\"
2026-01-05 10:00:00,Survey Preview,R_preview,Agree
2026-01-06 10:00:00,IP Address,R_1,Agree
2026-01-07 10:00:00,Survey Test,R_test,Disagree
2026-01-08 10:00:00,IP Address,R_2,-99
";
    let file = dir.path().join("qualtrics.csv");
    std::fs::write(&file, csv).unwrap();
    let eval = load(&spec_for(dir.path(), &file, "auto"));
    let source = &eval.sources[0];
    assert_eq!(source.layout, "qualtrics");
    let ids: Vec<&str> = source.respondents.iter().map(|r| r.id.as_str()).collect();
    // No id column in the spec: respondents are numbered by their line.
    assert_eq!(ids, ["5", "7"]);
    let mut outcomes: Vec<(u32, Outcome, Option<&str>)> = source
        .ledger
        .iter()
        .map(|e| (e.row, e.outcome, e.reason.as_deref()))
        .collect();
    outcomes.sort_by_key(|o| o.0);
    assert_eq!(
        outcomes,
        [
            (1, Outcome::Header, None),
            (2, Outcome::Header, None),
            (3, Outcome::Header, None),
            (
                4,
                Outcome::Excluded,
                Some("Qualtrics survey preview: Status is \"Survey Preview\"")
            ),
            (5, Outcome::Used, None),
            (
                6,
                Outcome::Excluded,
                Some("Qualtrics test response: Status is \"Survey Test\"")
            ),
            (7, Outcome::Used, None),
        ]
    );
    // inspect counts only the responses, and says which rows it left out.
    let output = impactkit()
        .args(["inspect", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["sheets"][0]["rows"], 2);
    assert_eq!(json["sheets"][0]["excluded_rows"], 2);
    let notes = json["sheets"][0]["notes"].to_string();
    assert!(notes.contains("line 4: not a response"), "{notes}");
}

/// The legacy exporter's two rows (V1, V2, … then text) and numeric Status 1 for a preview.
#[test]
fn qualtrics_legacy_export_with_a_numeric_preview_status() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "\
V1,V2,V7,V8,Q1
ResponseID,ResponseSet,Status,StartDate,Which group do you attend?
R_1,Default Response Set,0,2014-03-01 10:00:00,North
R_2,Default Response Set,1,2014-03-01 11:00:00,South
R_3,Default Response Set,0,2014-03-02 10:00:00,South
";
    let file = dir.path().join("legacy.csv");
    std::fs::write(&file, csv).unwrap();
    let spec_path = dir.path().join("evaluation.toml");
    std::fs::write(
        &spec_path,
        format!(
            "title = \"Legacy\"\n\n[[sources]]\nname = \"export\"\ngroup = \"Attendees\"\nfile = {:?}\nlayout = \"qualtrics\"\nid = \"V1\"\nquestions = [{{ name = \"group\", column = \"Q1\" }}]\n",
            file.display().to_string()
        ),
    )
    .unwrap();
    let eval = load(&spec_path);
    let source = &eval.sources[0];
    let ids: Vec<&str> = source.respondents.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["R_1", "R_3"]);
    let values: Vec<Option<&str>> = source.answers.iter().map(|a| a.value()).collect();
    assert_eq!(values, [Some("North"), Some("South")]);
    let excluded: Vec<(u32, Option<&str>)> = source
        .ledger
        .iter()
        .filter(|e| e.outcome == Outcome::Excluded)
        .map(|e| (e.row, e.reason.as_deref()))
        .collect();
    assert_eq!(
        excluded,
        [(
            4,
            Some("Qualtrics survey preview: Status is 1 (Survey Preview)")
        )]
    );
}

/// A SurveyMonkey download whose second header row someone deleted: still SurveyMonkey, read
/// with one header row, every response kept.
#[test]
fn surveymonkey_export_without_its_second_row_is_still_surveymonkey() {
    let original =
        std::fs::read_to_string(real("surveymonkey/blackstone_sm_data_pre.csv")).unwrap();
    let mut lines: Vec<&str> = original.lines().collect();
    // python: records[1] is the Response/option row, on line 2 (no quoted line breaks).
    assert!(lines[1].starts_with("NA,NA,NA"), "{}", lines[1]);
    lines.remove(1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one_header_row.csv");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let eval = load(&spec_for(dir.path(), &file, "auto"));
    assert_eq!(eval.sources[0].layout, "surveymonkey");
    assert_eq!(eval.sources[0].respondents.len(), 100);
    assert_eq!(rows_with(&eval, Outcome::Header), 1);
    let output = impactkit()
        .args(["inspect", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["sheets"][0]["layout"], "surveymonkey");
    assert_eq!(json["sheets"][0]["rows"], 100);
}

/// `benefits.csv` of a report run on `spec`: (n, N) of the only benefit.
fn report_tally(spec_path: &Path) -> (String, String) {
    let out = tempfile::tempdir().unwrap();
    impactkit()
        .arg("report")
        .arg(spec_path)
        .arg("--out")
        .arg(out.path())
        .arg("--quiet")
        .assert()
        .success();
    assert!(out.path().join("impact-report.md").is_file());
    let csv = std::fs::read_to_string(out.path().join("tables/benefits.csv")).unwrap();
    let row: Vec<String> = csv
        .lines()
        .nth(1)
        .expect("one benefit row")
        .split(',')
        .map(str::to_string)
        .collect();
    (row[4].clone(), row[5].clone())
}

/// python: of the 15 responses, 13 ticked choice 1 (`records[i][15] == "1"`, the other two
/// `-99`) and 6 chose 1 in the single-answer question (`records[i][11]`); 14 did either, and
/// all 15 answered at least one of the two.
#[test]
fn report_runs_on_a_small_qualtrics_spec() {
    assert_eq!(
        report_tally(&real("qualtrics/text_entry.toml")),
        ("14".to_string(), "15".to_string())
    );
}

/// python: `Counter(r[11] for r in records[2:])` gives Very confident 9 and Extremely
/// confident 8 of 100 answers.
#[test]
fn report_runs_on_a_small_surveymonkey_spec() {
    assert_eq!(
        report_tally(&real("surveymonkey/pre_wave.toml")),
        ("17".to_string(), "100".to_string())
    );
}

/// Regression guard for multi-row headers in CSV: a question text with a line break makes
/// its header record span two lines; the second line is part of the header, not a blank row.
#[test]
fn a_header_cell_with_a_line_break_is_not_a_blank_row() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "\
Respondent ID,Collector ID,\"How did you hear
about the group?\"
,,Response
1001,77,My nurse
1002,77,A leaflet
";
    let file = dir.path().join("monkey.csv");
    std::fs::write(&file, csv).unwrap();
    let eval = load(&spec_for(dir.path(), &file, "auto"));
    let source = &eval.sources[0];
    assert_eq!(source.layout, "surveymonkey");
    let mut ledger: Vec<(u32, Outcome)> =
        source.ledger.iter().map(|e| (e.row, e.outcome)).collect();
    ledger.sort_by_key(|e| e.0);
    assert_eq!(
        ledger,
        [
            (1, Outcome::Header),
            (3, Outcome::Header),
            (4, Outcome::Used),
            (5, Outcome::Used),
        ]
    );
}

//! The `impactkit` binary as a user runs it: exit codes, messages and their locations.

mod common;

use predicates::prelude::*;
use std::path::{Path, PathBuf};

use common::{impactkit, root};

fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures/real").join(rel)
}

#[test]
fn validate_passes_on_the_sample() {
    impactkit()
        .args(["validate", "data/sample/evaluation.toml"])
        .current_dir(root())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "attendee_survey (Attendees): 93 respondents",
        ))
        .stdout(predicate::str::contains(": 0 errors"));
}

/// A spec with a typo'd key, a wrong column name and data with an unknown level: all three
/// are listed, each with where it is.
#[test]
fn validate_lists_every_problem_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("survey.csv"),
        "ID,Felt less alone,Comments\n1,Agree,Lovely\n2,Agreed,\n3,Strongly agree,Thanks\n4,Agreed,\n",
    )
    .unwrap();
    let spec = r#"title = "Broken on purpose"

[scales.agreement]
levels = ["Disagree", "Neutral", "Agree", "Strongly agree"]
positive = ["Agree", "Strongly agree"]

[[sources]]
name = "survey"
group = "Attendees"
file = "survey.csv"
id = "ID"
questions = [
  { name = "isolation", column = "Felt less alone", scale = "agreement" },
  { name = "comments", colum = "Comments", kind = "text" },
  { name = "extra", column = "Felt less isolated", kind = "text" },
]
"#;
    std::fs::write(dir.path().join("evaluation.toml"), spec).unwrap();
    let assert = impactkit()
        .args(["validate", "evaluation.toml"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    // The typo'd key, with its line and a hint.
    assert!(stderr.contains("unknown key `colum`"), "{stderr}");
    assert!(stderr.contains("evaluation.toml:14:24"), "{stderr}");
    assert!(stderr.contains("did you mean `column`?"), "{stderr}");
    // The wrong column, pointing at the spec line and naming the closest real columns.
    assert!(
        stderr.contains("column \"Felt less isolated\" (question \"extra\") is not in"),
        "{stderr}"
    );
    assert!(stderr.contains("evaluation.toml:15:30"), "{stderr}");
    assert!(stderr.contains("\"Felt less alone\""), "{stderr}");
    // The unknown level, with its count and first cell.
    assert!(
        stderr.contains("\"Agreed\" in column \"Felt less alone\" is not a level of scale \"agreement\" (2 cells, first at line 3, column B)"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean \"Agree\"?"), "{stderr}");
}

#[test]
fn a_spec_that_is_not_toml_points_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("e.toml"), "title = \"x\"\nwave = \n").unwrap();
    impactkit()
        .args(["validate", "e.toml"])
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not valid TOML"))
        .stderr(predicate::str::contains("e.toml:2:"));
}

#[test]
fn a_missing_spec_is_an_input_error_not_a_panic() {
    impactkit()
        .args(["validate", "no/such/evaluation.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read the spec"));
}

#[test]
fn usage_errors_exit_2() {
    impactkit().args(["validate"]).assert().code(2);
    impactkit().args(["frobnicate"]).assert().code(2);
}

fn inspect_json(path: &Path) -> serde_json::Value {
    let out = impactkit()
        .args(["inspect", "--json"])
        .arg(path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("inspect --json prints one JSON object")
}

/// Response counts are independent counts: Python's csv module for the CSV files (records
/// minus the header rows); openpyxl for the workbooks (non-blank rows minus the header).
#[test]
fn inspect_json_describes_every_real_fixture() {
    let cases = [
        (
            "likert/carpentries_longterm_2020_other_questions.csv",
            "csv",
            "plain",
            1,
            176,
        ),
        (
            "surveymonkey/blackstone_sm_data_pre.csv",
            "csv",
            "surveymonkey",
            2,
            100,
        ),
        (
            "surveymonkey/blackstone_sm_data_post.csv",
            "csv",
            "surveymonkey",
            2,
            100,
        ),
        (
            "qualtrics/QualtricsTools_Sample_Survey_Insights.csv",
            "csv",
            "qualtrics",
            3,
            5,
        ),
        (
            "qualtrics/QualtricsTools_Questions_with_Text_Entry_Components.csv",
            "csv",
            "qualtrics",
            3,
            15,
        ),
        (
            "forms/rcs2019_english_google_forms.xlsx",
            "xlsx",
            "google_forms",
            1,
            1838,
        ),
    ];
    for (rel, format, layout, header_rows, rows) in cases {
        let json = inspect_json(&fixture(rel));
        assert_eq!(json["format"], format, "{rel}");
        let sheet = &json["sheets"][0];
        assert_eq!(sheet["layout"], layout, "{rel}");
        assert_eq!(sheet["header_rows"], header_rows, "{rel}");
        assert_eq!(sheet["rows"], rows, "{rel}");
        assert!(
            sheet["columns"].as_array().is_some_and(|c| !c.is_empty()),
            "{rel}"
        );
    }
}

#[test]
fn inspect_guesses_column_kinds_on_the_likert_fixture() {
    let json = inspect_json(&fixture(
        "likert/carpentries_longterm_2020_other_questions.csv",
    ));
    let columns = json["sheets"][0]["columns"].as_array().unwrap();
    let kind = |name: &str| {
        columns
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["kind"].as_str().unwrap_or_default().to_string())
            .unwrap()
    };
    assert_eq!(kind("impact_motivation_learning"), "likert");
    assert_eq!(kind("workshop_attended_content"), "multi_select");
    assert_eq!(kind("recommendation_score"), "number");
    let likert = columns
        .iter()
        .find(|c| c["name"] == "impact_motivation_learning")
        .unwrap();
    assert_eq!(likert["scale"], "agreement");
    assert_eq!(
        likert["levels"],
        serde_json::json!([
            "Strongly disagree",
            "Disagree",
            "Neutral",
            "Agree",
            "Strongly agree"
        ])
    );
}

#[test]
fn inspect_text_output_names_layout_and_columns() {
    impactkit()
        .args(["inspect"])
        .arg(fixture("coding/QualtricsTools_Q5_Coded.xlsx"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "layout coding_matrix, 1 header row",
        ))
        .stdout(predicate::str::contains("ResponseID"));
}

#[test]
fn inspect_on_a_file_that_is_not_a_spreadsheet_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("responses.xlsx");
    std::fs::write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n").unwrap();
    impactkit()
        .args(["inspect"])
        .arg(&pdf)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("responses.xlsx"));
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    impactkit()
        .args(["inspect"])
        .arg(&empty)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("empty.csv"))
        .stderr(predicate::str::contains("empty"));
}

#[test]
fn a_misspelt_required_key_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.csv"), "Q\nYes\n").unwrap();
    std::fs::write(
        dir.path().join("e.toml"),
        "title = \"t\"\n[[sources]]\nname = \"s\"\ngroup = \"g\"\nfile = \"s.csv\"\nquestions = [ { name = \"q\", colum = \"Q\" } ]\n",
    )
    .unwrap();
    let assert = impactkit()
        .args(["validate", "e.toml"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("unknown key `colum`"), "{stderr}");
    assert!(!stderr.contains("has no `column`"), "{stderr}");
}

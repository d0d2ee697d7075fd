//! `impactkit init FILE... > evaluation.toml`: a starting spec that `validate` accepts and
//! `report` runs on, for the sample and for every real platform export in tests/fixtures/real.

mod common;

use std::path::PathBuf;

use common::{impactkit, root};

/// Copies `files` into a fresh folder, runs init there and validates what it wrote.
fn init_and_validate(files: &[PathBuf]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for file in files {
        let name = file.file_name().unwrap();
        std::fs::copy(file, dir.path().join(name)).unwrap();
        names.push(name.to_string_lossy().to_string());
    }
    let output = impactkit()
        .arg("init")
        .args(&names)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let spec = String::from_utf8(output.stdout).unwrap();
    std::fs::write(dir.path().join("evaluation.toml"), &spec).unwrap();
    let validate = impactkit()
        .args(["validate", "evaluation.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&validate.stdout).to_string()
        + &String::from_utf8_lossy(&validate.stderr);
    assert!(validate.status.success(), "{spec}\n---\n{said}");
    // And the report runs on it as it stands (distributions and charts; no benefits yet).
    let report = impactkit()
        .args(["report", "evaluation.toml", "--quiet", "--out", "out"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        report.status.success() && dir.path().join("out/impact-report.md").is_file(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    spec
}

#[test]
fn the_sample_files_give_a_spec_that_validates() {
    let sample = root().join("data/sample");
    let files: Vec<PathBuf> = [
        "attendee_survey.xlsx",
        "attendee_interviews.xlsx",
        "facilitator_survey.xlsx",
        "staff_survey.csv",
        "stakeholder_interviews.xlsx",
    ]
    .iter()
    .map(|f| sample.join(f))
    .collect();
    let spec = init_and_validate(&files);
    // The scale, in order, with the answers seen beside it and the common alias.
    assert!(spec.contains(
        "levels = [\"Strongly disagree\", \"Disagree\", \"Neither agree nor disagree\", \"Agree\", \"Strongly agree\"]"
    ));
    assert!(spec.contains("missing = [\"Don't know\", \"Not applicable\"]"));
    assert!(spec.contains("aliases = { \"Neutral\" = \"Neither agree nor disagree\" }"));
    // A survey, a long coding sheet and a coding grid, each recognised.
    assert!(spec.contains("id = \"Respondent ID\""));
    assert!(spec.contains("scale = \"agreement\""));
    assert!(spec.contains("multi = \";\""));
    assert!(spec.contains("kind = \"coding\"\nfile = \"attendee_interviews.xlsx\"\nsheet = \"Coding\"\nlayout = \"long\"\nid = \"Interviewee\"\ncode = \"Code\""));
    assert!(spec.contains("layout = \"matrix\""));
    assert!(spec.contains("\"Patients cope better\""));
    // "About" sheets (one column of notes) are not sources.
    assert!(!spec.contains("sheet = \"About\""));
}

#[test]
fn every_real_export_gives_a_spec_that_validates() {
    let real = root().join("tests/fixtures/real");
    for (file, layout) in [
        (
            "qualtrics/QualtricsTools_Sample_Survey_Insights.csv",
            "qualtrics",
        ),
        (
            "qualtrics/QualtricsTools_Questions_with_Text_Entry_Components.csv",
            "qualtrics",
        ),
        ("surveymonkey/blackstone_sm_data_pre.csv", "surveymonkey"),
        ("forms/rcs2019_english_google_forms.xlsx", "google_forms"),
        (
            "likert/carpentries_longterm_2020_other_questions.csv",
            "plain",
        ),
        ("coding/QualtricsTools_Q5_Coded.xlsx", "matrix"),
    ] {
        let spec = init_and_validate(&[real.join(file)]);
        assert!(
            spec.contains(&format!("layout = \"{layout}\"")),
            "{file}: expected layout {layout}\n{spec}"
        );
    }
}

#[test]
fn a_file_that_cannot_be_read_writes_no_spec() {
    let dir = tempfile::tempdir().unwrap();
    let assert = impactkit()
        .args(["init", "missing.xlsx"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    assert!(assert.get_output().stdout.is_empty());
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("missing.xlsx"), "{stderr}");
}

/// The service's registers are recognised as registers, and the spec init writes for them
/// runs the half-yearly summary as it stands.
#[test]
fn registers_give_a_spec_the_summary_runs_on() {
    let sample = root().join("data/sample");
    let files: Vec<PathBuf> = [
        "attendance_register.xlsx",
        "session_log.xlsx",
        "session_feedback.csv",
    ]
    .iter()
    .map(|f| sample.join(f))
    .collect();
    let spec = init_and_validate(&files);
    for line in [
        "kind = \"attendance\"",
        "attendee = \"Attendee ID\"",
        "diagnosed = \"Date of secondary diagnosis\"",
        "kind = \"sessions\"",
        "held = \"Went ahead?\"",
        "# attributes = { locality = \"Which group did you come to?\", date = \"Date of the session\" }",
    ] {
        assert!(spec.contains(line), "{line} not in\n{spec}");
    }
    let dir = tempfile::tempdir().unwrap();
    for file in &files {
        std::fs::copy(file, dir.path().join(file.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.path().join("evaluation.toml"), &spec).unwrap();
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
    assert!(dir.path().join("out/northfield.md").is_file());
}

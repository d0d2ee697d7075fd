//! `impactkit report`: the output folder, its contract table, reproducibility and safety.

mod common;

use std::path::Path;

use common::{files_under, impactkit, root};

fn run_report(out: &Path) {
    impactkit()
        .args(["report", "data/sample/evaluation.toml", "--out"])
        .arg(out)
        .current_dir(root())
        .assert()
        .success();
}

/// The counts are the independent Python/openpyxl counts pinned in tests/tallies.rs; the
/// facilitators' 11 of 12 is hidden because its complement (1) is below min_cell = 5.
#[test]
fn the_sample_report_writes_the_contract_folder() {
    let dir = tempfile::tempdir().unwrap();
    run_report(dir.path());
    let report = std::fs::read_to_string(dir.path().join("impact-report.md")).unwrap();
    for n in ["| 93 |", "| 20 |", "| 13 |", "| 6 |", "| 7 |"] {
        assert!(
            report.contains(n),
            "sample size {n} missing from the report"
        );
    }
    // openpyxl: the used rows' "Submitted" run from 2026-02-02 to 2026-03-14; the roster's
    // "Interview date" from 2026-03-02 to 2026-03-26.
    assert!(
        report.contains("| attendee survey | Attendees | survey | 93 | February to March 2026 |")
    );
    assert!(report.contains("| attendee interviews | Attendees | coding | 20 | March 2026 |"));
    assert!(dir.path().join("results.json").is_file());
    let csv = std::fs::read_to_string(dir.path().join("tables/benefits.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("benefit,label,source,group,n,N,percent,ci_low,ci_high,suppressed")
    );
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let row = |benefit: &str, source: &str| {
        rows.iter()
            .find(|r| r[0] == benefit && r[2] == source)
            .unwrap_or_else(|| panic!("{benefit} {source}"))
            .clone()
    };
    let isolation = row("reduced_isolation", "attendee_survey");
    assert_eq!(
        (&isolation[4][..], &isolation[5][..], &isolation[9][..]),
        ("77", "91", "false")
    );
    let percent: f64 = isolation[6].parse().unwrap();
    assert!((percent - 100.0 * 77.0 / 91.0).abs() < 1e-9);
    let hidden = row("self_confidence", "facilitator_survey");
    assert_eq!(
        (
            &hidden[4][..],
            &hidden[5][..],
            &hidden[6][..],
            &hidden[7][..],
            &hidden[9][..]
        ),
        ("", "12", "", "", "true")
    );
    assert!(report.contains("more than 7 of 12"));
    let benefits: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(benefits.len(), 7, "all seven benefits are tallied");
    // `sha256sum data/sample/staff_survey.csv`, so the report can be tied to its inputs.
    let sources = std::fs::read_to_string(dir.path().join("tables/sources.csv")).unwrap();
    assert!(sources.contains("681cd0bd8f7fabe70c1b7263f9e5296bf1c48083bfe2c2e34afc6543d595f47c"));
}

#[test]
fn two_runs_give_identical_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run_report(a.path());
    run_report(b.path());
    let (a, b) = (files_under(a.path()), files_under(b.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{} differs between runs", path.display());
    }
}

#[test]
fn a_spec_with_errors_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("e.toml"),
        "title = \"t\"\n[[sources]]\nname = \"s\"\ngroup = \"g\"\nfile = \"missing.csv\"\n",
    )
    .unwrap();
    impactkit()
        .args(["report", "e.toml", "--out", "out"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    assert!(!dir.path().join("out").exists());
}

/// Labels and codes come from people: a formula must not run in a spreadsheet and markup
/// must not break the Markdown table or go live.
#[test]
fn untrusted_text_is_neutralised_in_tables_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.csv"),
        "ID,Q\n1,Yes\n2,Yes\n3,Yes\n4,Yes\n5,Yes\n6,No\n7,No\n8,No\n9,No\n10,No\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("e.toml"),
        r#"title = "Safety"
[[sources]]
name = "s"
group = "g"
file = "s.csv"
id = "ID"
questions = [ { name = "q", column = "Q" } ]
[[benefits]]
name = "b"
label = "=HYPERLINK(\"http://x\") | <script>alert(1)</script>"
evidence = [ { source = "s", question = "q", answer = "Yes" } ]
"#,
    )
    .unwrap();
    impactkit()
        .args(["report", "e.toml", "--out", "out"])
        .current_dir(dir.path())
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.path().join("out/tables/benefits.csv")).unwrap();
    assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
    let md = std::fs::read_to_string(dir.path().join("out/impact-report.md")).unwrap();
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("&lt;script&gt;"), "{md}");
    assert!(md.contains("\\|"), "{md}");
}

/// Free text carrying personal details and markup: none of it is readable or live in any
/// output file (943 476 5919 is the NHS Data Dictionary's example of a valid NHS number).
#[test]
fn quotes_pass_the_personal_data_guard_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("codes.csv"),
        "who,code,excerpt\n\
         I1,Helpful,\"Mandy rang me on 07700 900123 and emailed jo@example.org, you know, it helped so much to have someone.\"\n\
         I2,Helpful,\"My NHS number is 943 476 5919 and I live at SW1A 1AA, but the group is the best thing that happened.\"\n\
         I3,Other,\"<script>alert(1)</script> =HYPERLINK(\"\"http://x\"\") the group was a lifeline for me, [honestly](javascript:alert(1)) it was.\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("e.toml"),
        r#"title = "Guard"
[privacy]
names = ["Mandy"]
[[sources]]
name = "i"
group = "Attendees"
kind = "coding"
file = "codes.csv"
id = "who"
code = "code"
excerpt = "excerpt"
respondents = 3
[[benefits]]
name = "b"
label = "Helped"
evidence = [ { source = "i", code = "Helpful" } ]
"#,
    )
    .unwrap();
    impactkit()
        .args(["report", "e.toml", "--out", "out"])
        .current_dir(dir.path())
        .assert()
        .success();
    let files = files_under(&dir.path().join("out"));
    let report = String::from_utf8_lossy(&files[Path::new("impact-report.md")]).to_string();
    // Brackets are escaped in the Markdown, so no text can make a link.
    assert!(
        report.contains("\\[name\\] rang me on \\[phone\\]"),
        "{report}"
    );
    assert!(report.contains("\\[NHS number\\]"), "{report}");
    let html = String::from_utf8_lossy(&files[Path::new("impact-report.html")]).to_string();
    assert!(html.contains("[name] rang me on [phone]"), "{html}");
    assert!(
        html.contains("[honestly](javascript:alert(1))"),
        "shown as text: {html}"
    );
    assert!(!html.contains("href=\"javascript"), "{html}");
    for (path, bytes) in &files {
        if path.extension().is_some_and(|e| e == "parquet") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for secret in [
            "Mandy",
            "07700",
            "jo@example.org",
            "943 476 5919",
            "SW1A",
            "I1",
            "I2",
        ] {
            assert!(!text.contains(secret), "{secret} in {}", path.display());
        }
        // Markup is data in the tables; in the Markdown and HTML it must not be live.
        if path.extension().is_some_and(|e| e == "md" || e == "html") {
            assert!(!text.contains("<script"), "{}", path.display());
        }
    }
    let csv = String::from_utf8_lossy(&files[Path::new("tables/quotes.csv")]).to_string();
    assert!(
        !csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"),
        "{csv}"
    );
}

/// A second run replaces the first run's outputs entirely (nothing stale, such as a chart
/// drawn under looser settings, survives), leaves a user's own files alone, and a broken
/// template stops the run before anything is touched.
#[test]
fn a_new_run_replaces_the_old_outputs_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_report(&out);
    assert!(out.join("impact-report.html").is_file());
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    std::fs::write(out.join("charts/old-chart.png"), "stale").unwrap();

    let template = dir.path().join("broken.md.j2");
    std::fs::write(&template, "{% for x in %}").unwrap();
    impactkit()
        .args([
            "report",
            "data/sample/evaluation.toml",
            "--quiet",
            "--template",
        ])
        .arg(&template)
        .arg("--out")
        .arg(&out)
        .current_dir(root())
        .assert()
        .code(1);
    assert!(
        out.join("charts/old-chart.png").is_file(),
        "a failed run changes nothing"
    );

    impactkit()
        .args([
            "report",
            "data/sample/evaluation.toml",
            "--quiet",
            "--format",
            "md",
            "--out",
        ])
        .arg(&out)
        .current_dir(root())
        .assert()
        .success();
    assert!(
        !out.join("impact-report.html").exists(),
        "not asked for this time"
    );
    assert!(!out.join("charts/old-chart.png").exists());
    assert!(!out.join(".impactkit-writing").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "my notes"
    );
    assert!(out.join("impact-report.md").is_file() && out.join("tables/benefits.csv").is_file());
}

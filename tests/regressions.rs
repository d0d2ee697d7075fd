//! Bugs found in review, each pinned by the input that showed it.

use std::path::Path;

use impactkit::analysis::tallies::benefit_tallies;
use impactkit::model::{load_evaluation, Evaluation};
use impactkit::report::published::publish;
use impactkit::spec::{self, LoadedSpec};

fn load(dir: &Path, files: &[(&str, &str)], spec_text: &str) -> (LoadedSpec, Evaluation) {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let path = dir.join("evaluation.toml");
    std::fs::write(&path, spec_text).unwrap();
    let loaded = spec::load(&path).unwrap();
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let eval = load_evaluation(&loaded);
    assert!(!eval.has_errors(), "{:#?}", eval.diagnostics);
    (loaded, eval)
}

/// `positive = ["agree"]` spelled differently from the level "Agree" counted nobody.
#[test]
fn positive_levels_match_whatever_their_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let (loaded, eval) = load(
        dir.path(),
        &[("s.csv", "id,q\n1,Agree\n2,Disagree\n3,agree\n")],
        r#"title = "t"
[scales.ag]
levels = ["Disagree", "Agree"]
positive = ["agree"]
[[sources]]
name = "s"
group = "g"
file = "s.csv"
id = "id"
questions = [ { name = "q", column = "q", scale = "ag" } ]
[[benefits]]
name = "b"
label = "B"
evidence = [ { source = "s", question = "q", answer = "positive" } ]
"#,
    );
    let t = benefit_tallies(&loaded.spec, &eval);
    assert_eq!((t[0].n, t[0].total), (2, 3));
}

/// A matrix coding sheet ignored `respondents = N`: interviewees with no row are in N.
#[test]
fn a_matrix_source_counts_declared_interviewees() {
    let dir = tempfile::tempdir().unwrap();
    let (loaded, eval) = load(
        dir.path(),
        &[("m.csv", "who,Helpful\nA,1\nB,1\nC,\n")],
        r#"title = "t"
[[sources]]
name = "m"
group = "g"
kind = "coding"
layout = "matrix"
file = "m.csv"
id = "who"
codes = ["Helpful"]
respondents = 10
[[benefits]]
name = "b"
label = "B"
evidence = [ { source = "m", code = "Helpful" } ]
"#,
    );
    let t = benefit_tallies(&loaded.spec, &eval);
    assert_eq!((t[0].n, t[0].total), (2, 10));
}

/// Empty lines in a CSV were neither used nor excluded in the ledger.
#[test]
fn empty_csv_lines_are_in_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let (_, eval) = load(
        dir.path(),
        &[("s.csv", "\n\nid,q\n1,a\n\n,,\n2,\"two\nlines\"\n3,c\n\n")],
        r#"title = "t"
[[sources]]
name = "s"
group = "g"
file = "s.csv"
id = "id"
questions = [ { name = "q", column = "q" } ]
"#,
    );
    let ledger = &eval.source("s").unwrap().ledger;
    let mut lines: Vec<u32> = ledger.iter().flat_map(|e| e.row..=e.last_row).collect();
    lines.sort();
    // Lines 1-2 blank, 3 header, 4 used, 5 blank, 6 blank record, 7-8 one record, 9 used.
    assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7, 9]);
    let blank = ledger
        .iter()
        .filter(|e| e.reason.as_deref() == Some("blank row"))
        .map(|e| e.rows())
        .sum::<u32>();
    assert_eq!(blank, 4);
}

/// The distribution published Strongly agree = 10 and the benefit n = 13 while hiding
/// Agree = 3: 13 − 10 gave it away. Now the benefit is hidden with it.
#[test]
fn a_benefit_cannot_give_away_a_hidden_level() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,q\n");
    let answers = [
        ("Agree", 3),
        ("Strongly agree", 10),
        ("Disagree", 7),
        ("Neither", 6),
    ];
    let mut id = 0;
    for (level, n) in answers {
        for _ in 0..n {
            id += 1;
            csv.push_str(&format!("{id},{level}\n"));
        }
    }
    let (loaded, eval) = load(
        dir.path(),
        &[("s.csv", &csv)],
        r#"title = "t"
[scales.ag]
levels = ["Disagree", "Neither", "Agree", "Strongly agree"]
positive = ["Agree", "Strongly agree"]
[[sources]]
name = "s"
group = "g"
file = "s.csv"
id = "id"
questions = [ { name = "q", column = "q", scale = "ag" } ]
[[benefits]]
name = "b"
label = "B"
evidence = [ { source = "s", question = "q", answer = "positive" } ]
"#,
    );
    let p = publish(&loaded.spec, &eval, &Default::default(), None);
    let agree_hidden = p
        .distributions
        .iter()
        .any(|d| d.value == "Agree" && d.count.is_none());
    assert!(agree_hidden);
    let published_inside: u64 = p
        .distributions
        .iter()
        .filter(|d| d.value == "Agree" || d.value == "Strongly agree")
        .filter_map(|d| d.count)
        .sum();
    match p.benefits[0].n {
        // If n is published, no single hidden level may be recoverable from it.
        Some(n) => assert!(!(1..5).contains(&(n - published_inside))),
        None => assert!(p.benefits[0].suppressed),
    }
}

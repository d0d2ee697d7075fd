//! The committed sample report (`reports/sample/`) is what the tool writes today: a change in
//! a figure, a chart or a sentence shows up as a failing test and a reviewable diff.
//!
//! To accept a change on purpose:
//!   cargo run -- report data/sample/evaluation.toml --out reports/sample --quiet
//!   INSTA_UPDATE=always cargo test --test sample_report     (or `cargo insta review`)
//! then read the diff of `reports/sample/` and `tests/snapshots/` before committing.

mod common;

use assert_cmd::Command;

use common::{files_under, root};

fn fresh_sample_report() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("impactkit")
        .unwrap()
        .args(["report", "data/sample/evaluation.toml", "--quiet", "--out"])
        .arg(dir.path())
        .current_dir(root())
        .assert()
        .success();
    dir
}

#[test]
fn the_committed_sample_report_matches_a_fresh_run() {
    let fresh = fresh_sample_report();
    let fresh = files_under(fresh.path());
    let committed = files_under(&root().join("reports/sample"));
    let how = "regenerate it with `cargo run -- report data/sample/evaluation.toml --out \
               reports/sample --quiet` and review the diff";
    let fresh_names: Vec<_> = fresh.keys().collect();
    let committed_names: Vec<_> = committed.keys().collect();
    assert_eq!(
        committed_names, fresh_names,
        "reports/sample/ does not hold the files a fresh run writes; {how}"
    );
    for (path, bytes) in &fresh {
        assert!(
            committed[path] == *bytes,
            "reports/sample/{} differs from a fresh run; {how}",
            path.display()
        );
    }
}

#[test]
fn the_sample_markdown_is_pinned() {
    let fresh = fresh_sample_report();
    let markdown = std::fs::read_to_string(fresh.path().join("impact-report.md")).unwrap();
    insta::assert_snapshot!("sample_impact_report", markdown);
}

/// The bar for the sample: four chart kinds (five with the 2023 comparison), every linked chart present, the five
/// sample sizes and all seven benefits.
#[test]
fn the_sample_report_links_every_chart_it_draws() {
    let fresh = fresh_sample_report();
    let markdown = std::fs::read_to_string(fresh.path().join("impact-report.md")).unwrap();
    let links: Vec<&str> = markdown
        .match_indices("](charts/")
        .map(|(at, _)| {
            let rest = &markdown[at + 2..];
            &rest[..rest.find(')').unwrap()]
        })
        .collect();
    for link in &links {
        assert!(
            fresh.path().join(link).is_file(),
            "{link} is linked but missing"
        );
        let svg = fresh
            .path()
            .join(link.trim_end_matches(".png").to_string() + ".svg");
        assert!(svg.is_file(), "{} missing", svg.display());
    }
    let kinds: std::collections::BTreeSet<&str> = links
        .iter()
        .map(|l| {
            let name = l.trim_start_matches("charts/");
            name.split('-').next().unwrap().trim_end_matches(".png")
        })
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["benefits", "codes", "comparison", "likert", "multi"],
        "{links:?}"
    );
    // Every drawn chart is linked: none is left unexplained in the folder.
    let drawn = std::fs::read_dir(fresh.path().join("charts"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(drawn, links.len());
    let html = std::fs::read_to_string(fresh.path().join("impact-report.html")).unwrap();
    assert_eq!(
        html.matches("<span class=\"chart\"><svg").count(),
        links.len()
    );
    assert!(!html.contains("<img"), "every chart is inlined");
}

//! `impactkit report --baseline`: the comparison table (contract), its statistics against
//! scipy/statsmodels, small numbers on the baseline side, and unusable baselines.

mod common;

use std::path::Path;

use common::{impactkit, root};

/// The sample's 2026 figures against an invented 2023 wave.
const BASELINE: &str = "benefit,source,n,N,wave\n\
    reduced_isolation,attendee_survey,60,90,2023\n\
    reduced_isolation,facilitator_survey,5,12,2023\n\
    reduced_isolation,attendee_interviews,4,15,2023\n\
    emotional_wellbeing,attendee_survey,70,88,2023\n\
    information_needs,attendee_survey,,88,2023\n\
    old_benefit,attendee_survey,30,88,2023\n";

fn compare(baseline: &str) -> (tempfile::TempDir, Vec<csv::StringRecord>, String) {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("baseline.csv");
    std::fs::write(&base, baseline).unwrap();
    let out = dir.path().join("out");
    impactkit()
        .args([
            "report",
            "data/sample/evaluation.toml",
            "--quiet",
            "--baseline",
        ])
        .arg(&base)
        .arg("--out")
        .arg(&out)
        .current_dir(root())
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("tables/comparison.csv")).unwrap();
    assert_eq!(
        csv.lines().next(),
        Some(
            "benefit,source,baseline_n,baseline_N,baseline_percent,n,N,percent,difference,\
             diff_ci_low,diff_ci_high,test,p_value,p_holm,cohens_h"
        )
    );
    let rows = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let markdown = std::fs::read_to_string(out.join("impact-report.md")).unwrap();
    (dir, rows, markdown)
}

fn row<'a>(rows: &'a [csv::StringRecord], benefit: &str, source: &str) -> &'a csv::StringRecord {
    rows.iter()
        .find(|r| &r[0] == benefit && &r[1] == source)
        .unwrap_or_else(|| panic!("no row for {benefit} {source}"))
}

fn number(record: &csv::StringRecord, column: usize) -> f64 {
    record[column]
        .parse()
        .unwrap_or_else(|_| panic!("column {column} of {record:?} is not a number"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Reference values (scipy 1.17.1, statsmodels 0.15.0):
///   proportions_ztest([77, 60], [91, 90])                      -> p 0.004882678824519596
///   confint_proportions_2indep(77, 91, 60, 90, method="newcomb") -> (0.0544880602276, 0.298174816496)
///   scipy.stats.fisher_exact([[5, 7], [13, 0]])                 -> p 0.001647597254004577
///   confint_proportions_2indep(13, 13, 5, 12, method="newcomb") -> (0.2345790393958398, 0.8067396863412435)
///   proportions_ztest([76, 70], [90, 88])                      -> p 0.394771356905975
///   multipletests([those three], method="holm")                -> 0.009765357649039193,
///                                                                  0.004942791762013731, 0.394771356905975
///   Cohen's h 2·asin(√p2) − 2·asin(√p1): 0.424845268409, 1.7382444060145859
#[test]
fn comparisons_match_scipy_and_statsmodels() {
    let (_dir, rows, markdown) = compare(BASELINE);

    let isolation = row(&rows, "reduced_isolation", "attendee_survey");
    assert_eq!(&isolation[11], "two_proportion_z");
    assert!(close(number(isolation, 12), 0.004_882_678_824_519_596));
    assert!(close(number(isolation, 13), 0.009_765_357_649_039_193));
    assert!(close(
        number(isolation, 8),
        100.0 * (77.0 / 91.0 - 60.0 / 90.0)
    ));
    assert!(close(number(isolation, 9), 5.448_806_022_76));
    assert!(close(number(isolation, 10), 29.817_481_649_6));
    assert!(close(number(isolation, 14), 0.424_845_268_409));

    // 13 of 13 facilitators against 5 of 12: an expected count of 3.4 calls for Fisher.
    let facilitators = row(&rows, "reduced_isolation", "facilitator_survey");
    assert_eq!(&facilitators[11], "fisher_exact");
    assert!(close(number(facilitators, 12), 0.001_647_597_254_004_577));
    assert!(close(number(facilitators, 13), 0.004_942_791_762_013_731));
    assert!(close(number(facilitators, 9), 23.457_903_939_583_98));
    assert!(close(number(facilitators, 10), 80.673_968_634_124_35));
    assert!(close(number(facilitators, 14), 1.738_244_406_014_585_9));

    let wellbeing = row(&rows, "emotional_wellbeing", "attendee_survey");
    assert!(close(number(wellbeing, 12), 0.394_771_356_905_975));
    assert!(close(number(wellbeing, 13), 0.394_771_356_905_975));

    assert!(markdown.contains("## Compared with 2023"), "{markdown}");
    assert!(
        markdown.contains("adjusted for making 3 comparisons"),
        "{markdown}"
    );
    assert!(markdown.contains("| clear increase |"), "{markdown}");
    assert!(markdown.contains("| no clear change |"), "{markdown}");
    assert!(
        markdown.contains("](charts/comparison.png)"),
        "the chart is linked"
    );
    assert!(_dir.path().join("out/charts/comparison.svg").is_file());
}

#[test]
fn small_baseline_figures_are_hidden_and_not_compared() {
    let (_dir, rows, markdown) = compare(BASELINE);
    // 4 of 15 in 2023: the 4 is hidden, so is everything that would give it away.
    let interviews = row(&rows, "reduced_isolation", "attendee_interviews");
    assert_eq!(&interviews[2], "");
    assert_eq!(&interviews[3], "15");
    for column in 4..=14 {
        if !(5..=7).contains(&column) {
            assert_eq!(&interviews[column], "", "column {column} of {interviews:?}");
        }
    }
    assert!(!markdown.contains("4 of 15"), "{markdown}");
    // Not published in 2023 (empty n): kept, not compared.
    let information = row(&rows, "information_needs", "attendee_survey");
    assert_eq!(
        (&information[2], &information[3], &information[11]),
        ("", "88", "")
    );
}

#[test]
fn benefits_in_one_wave_only_are_listed_not_dropped() {
    let (_dir, rows, markdown) = compare(BASELINE);
    let old = row(&rows, "old_benefit", "attendee_survey");
    assert_eq!((&old[2], &old[3], &old[6]), ("30", "88", ""));
    assert!(row(&rows, "talking_to_family", "attendee_survey")[2].is_empty());
    // Without a label column the benefit's name stands in (its `_` escaped for Markdown).
    assert!(markdown.contains("old\\_benefit from the attendee survey is in 2023 only"));
    assert!(markdown.contains("is not in 2023"));
}

#[test]
fn an_unusable_baseline_names_its_cell_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("baseline.csv");
    std::fs::write(
        &base,
        "benefit,source,n,N\nreduced_isolation,attendee_survey,sixty,90\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let assert = impactkit()
        .args(["report", "data/sample/evaluation.toml", "--baseline"])
        .arg(&base)
        .arg("--out")
        .arg(&out)
        .current_dir(root())
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("\"sixty\" is not a whole number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("baseline.csv") && stderr.contains("C2"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// `baseline = "..."` in the spec, relative to the spec's folder; `validate` checks it too.
#[test]
fn the_spec_can_name_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("data/sample");
    for entry in std::fs::read_dir(&sample).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let spec = std::fs::read_to_string(dir.path().join("evaluation.toml")).unwrap();
    assert!(spec.contains("baseline = \"wave-2023-benefits.csv\""));
    let spec = spec
        .replacen(
            "baseline = \"wave-2023-benefits.csv\"",
            "baseline = \"baseline.csv\"",
            1,
        )
        .replacen("baseline_wave = \"2023\"", "baseline_wave = \"Wave 1\"", 1);
    std::fs::write(dir.path().join("evaluation.toml"), spec).unwrap();
    std::fs::write(dir.path().join("baseline.csv"), BASELINE).unwrap();
    impactkit()
        .args(["report", "evaluation.toml", "--quiet", "--out", "out"])
        .current_dir(dir.path())
        .assert()
        .success();
    let markdown = std::fs::read_to_string(dir.path().join("out/impact-report.md")).unwrap();
    assert!(markdown.contains("## Compared with Wave 1"));
    assert!(Path::new(&dir.path().join("out/tables/comparison.parquet")).is_file());

    std::fs::write(dir.path().join("baseline.csv"), "benefit,source,count\n").unwrap();
    let assert = impactkit()
        .args(["validate", "evaluation.toml"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string()
        + &String::from_utf8_lossy(&assert.get_output().stdout);
    assert!(
        stderr.contains("the baseline has no column \"n\", \"N\""),
        "{stderr}"
    );
}

/// Twenty people asked before and after: 7 agree both times, 1 only before, 7 only after,
/// 5 neither; one more person answered only before and is left out of the pairs.
/// McNemar's exact p-value: statsmodels 0.15.0 `mcnemar([[7, 1], [7, 5]], exact=True)` = 0.0703125.
#[test]
fn the_same_people_are_compared_as_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let mut pre = String::from("ID,Q\n");
    let mut post = String::from("ID,Q\n");
    let pattern = [("Agree", "Agree"); 7]
        .into_iter()
        .chain([("Agree", "Disagree")])
        .chain([("Disagree", "Agree"); 7])
        .chain([("Disagree", "Disagree"); 5]);
    for (i, (before, after)) in pattern.enumerate() {
        pre.push_str(&format!("P{i},{before}\n"));
        post.push_str(&format!("P{i},{after}\n"));
    }
    pre.push_str("P99,Agree\n");
    std::fs::write(dir.path().join("pre.csv"), pre).unwrap();
    std::fs::write(dir.path().join("post.csv"), post).unwrap();
    let spec = |wave: &str, file: &str, extra: &str| {
        format!(
            "title = \"Pre and post\"\nwave = \"{wave}\"\n{extra}\n\
             [[sources]]\nname = \"s\"\ngroup = \"People\"\nfile = \"{file}\"\nid = \"ID\"\n\
             questions = [ {{ name = \"q\", column = \"Q\" }} ]\n\
             [[benefits]]\nname = \"b\"\nlabel = \"Agrees\"\n\
             evidence = [ {{ source = \"s\", question = \"q\", answer = \"Agree\" }} ]\n"
        )
    };
    std::fs::write(dir.path().join("pre.toml"), spec("before", "pre.csv", "")).unwrap();
    std::fs::write(
        dir.path().join("post.toml"),
        spec(
            "after",
            "post.csv",
            "baseline = \"pre.toml\"\npaired = true",
        ),
    )
    .unwrap();
    impactkit()
        .args(["report", "post.toml", "--quiet", "--out", "out"])
        .current_dir(dir.path())
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.path().join("out/tables/comparison.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let r = row(&rows, "b", "s");
    assert_eq!(
        (&r[2], &r[3], &r[5], &r[6]),
        ("8", "20", "14", "20"),
        "{r:?}"
    );
    assert_eq!(&r[11], "mcnemar_exact");
    assert!(close(number(r, 12), 0.070_312_5));
    assert!(close(number(r, 8), 30.0));
    let markdown = std::fs::read_to_string(dir.path().join("out/impact-report.md")).unwrap();
    assert!(
        markdown.contains("The same people answered in before and in after"),
        "{markdown}"
    );
    assert!(
        markdown.contains("McNemar's exact: p = 0.070"),
        "{markdown}"
    );

    // A table of figures has nobody to pair.
    std::fs::write(
        dir.path().join("figures.csv"),
        "benefit,source,n,N\nb,s,8,20\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("post.toml"),
        spec(
            "after",
            "post.csv",
            "baseline = \"figures.csv\"\npaired = true",
        ),
    )
    .unwrap();
    let assert = impactkit()
        .args(["report", "post.toml", "--quiet", "--out", "out2"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("paired = true compares the same people"),
        "{stderr}"
    );
}

/// The real SurveyMonkey pre/post fixture (tests/fixtures/real/surveymonkey, the same 100
/// respondent ids in both waves), compared as pairs. Reference: the files read independently
/// with Python's csv module, pairs matched by Respondent ID, and statsmodels 0.15.0
/// `mcnemar([[both, lost], [gained, neither]], exact=True)` and `multipletests(method="holm")`:
///   problem    9 / 8 / 53 / 30 -> p 2.98644165040024e-09, Holm 8.95932495120072e-09
///   hypothesis 18 / 17 / 31 / 34 -> p 0.05946337525377034, Holm 0.05946337525377034
///   writing    25 / 12 / 41 / 22 -> p 8.171334999262925e-05, Holm 0.0001634266999852585
#[test]
fn the_real_pre_post_export_is_compared_as_pairs() {
    let dir = tempfile::tempdir().unwrap();
    impactkit()
        .args([
            "report",
            "tests/fixtures/real/surveymonkey/prepost_post.toml",
            "--quiet",
            "--out",
        ])
        .arg(dir.path())
        .current_dir(root())
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.path().join("tables/comparison.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let relative = |a: f64, b: f64| ((a - b) / b).abs() < 1e-9;
    for (benefit, then, now, p, holm) in [
        (
            "confident_problem",
            "17",
            "62",
            2.986_441_650_400_24e-9,
            8.959_324_951_200_72e-9,
        ),
        (
            "confident_hypothesis",
            "35",
            "49",
            0.059_463_375_253_770_34,
            0.059_463_375_253_770_34,
        ),
        (
            "confident_writing",
            "37",
            "66",
            8.171_334_999_262_925e-5,
            1.634_266_999_852_585e-4,
        ),
    ] {
        let r = row(&rows, benefit, "programme");
        assert_eq!(
            (&r[2], &r[3], &r[5], &r[6]),
            (then, "100", now, "100"),
            "{r:?}"
        );
        assert_eq!(&r[11], "mcnemar_exact");
        assert!(relative(number(r, 12), p), "{benefit}: {r:?}");
        assert!(relative(number(r, 13), holm), "{benefit}: {r:?}");
    }
    let markdown = std::fs::read_to_string(dir.path().join("impact-report.md")).unwrap();
    assert!(markdown.contains("## Compared with pre"), "{markdown}");
    assert!(markdown.contains("matched by their id"), "{markdown}");
}

/// `--baseline` replaces the spec's baseline: a broken one named in the spec is not read.
#[test]
fn the_command_line_baseline_replaces_the_specs() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("data/sample");
    for entry in std::fs::read_dir(&sample).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("wave-2023-benefits.csv"),
        "not,a,baseline\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("other.csv"), BASELINE).unwrap();
    impactkit()
        .args(["report", "evaluation.toml", "--quiet", "--out", "out"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    impactkit()
        .args([
            "report",
            "evaluation.toml",
            "--quiet",
            "--baseline",
            "other.csv",
            "--out",
            "out",
        ])
        .current_dir(dir.path())
        .assert()
        .success();
    assert!(dir.path().join("out/tables/comparison.csv").is_file());
}

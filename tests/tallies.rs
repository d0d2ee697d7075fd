//! Benefit tallies checked against an independent count.
//!
//! The reference figures were computed in Python with openpyxl straight from the sample
//! workbooks, not through impactkit: keep each respondent's last row (R037 is submitted twice),
//! trim, straighten non-breaking spaces and curly apostrophes, lower-case, read "neutral" as
//! the neutral level, drop blanks / "don't know" / "not applicable", then count
//! agree + strongly agree (n) over what is left (N). Interview codes: distinct roster
//! interviewees with the code.

use std::path::{Path, PathBuf};

use impactkit::analysis::tallies::{benefit_tallies, BenefitTally};
use impactkit::model::load_evaluation;
use impactkit::spec;

fn sample_spec() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample/evaluation.toml")
}

fn tallies_for(path: &Path, text: String) -> Vec<BenefitTally> {
    let loaded = spec::parse(path, text).unwrap();
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let eval = load_evaluation(&loaded);
    assert!(!eval.has_errors(), "{:#?}", eval.diagnostics);
    benefit_tallies(&loaded.spec, &eval)
}

fn find<'a>(
    t: &'a [BenefitTally],
    benefit: &str,
    source: &str,
    by: Option<&str>,
) -> &'a BenefitTally {
    t.iter()
        .find(|r| r.benefit == benefit && r.source == source && r.by_value.as_deref() == by)
        .unwrap_or_else(|| panic!("no tally {benefit} {source} {by:?}"))
}

#[test]
fn sample_tallies_match_an_independent_count() {
    let path = sample_spec();
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "confidence = 0.95",
        "confidence = 0.95\nby = [\"locality\"]",
        1,
    );
    let t = tallies_for(&path, text);
    let survey = [
        ("reduced_isolation", 77, 91),
        ("emotional_wellbeing", 76, 90),
        ("self_confidence", 67, 91),
        ("information_needs", 79, 91),
        ("knowledge_of_disease", 69, 87),
        ("knowledge_of_services", 69, 90),
        ("talking_to_family", 69, 86),
    ];
    for (benefit, n, total) in survey {
        let row = find(&t, benefit, "attendee_survey", None);
        assert_eq!((row.n, row.total), (n, total), "{benefit}");
        let percent = 100.0 * n as f64 / total as f64;
        assert!((row.percent.unwrap() - percent).abs() < 1e-9);
    }
    // Every benefit is tallied for the survey and the interviews (20 interviewed, coded or not).
    for benefit in survey.map(|s| s.0) {
        assert_eq!(
            find(&t, benefit, "attendee_interviews", None).total,
            20,
            "{benefit}"
        );
    }
    let codes = [
        ("reduced_isolation", 11),
        ("emotional_wellbeing", 8),
        ("self_confidence", 5),
        ("knowledge_of_services", 4),
    ];
    for (benefit, n) in codes {
        assert_eq!(
            find(&t, benefit, "attendee_interviews", None).n,
            n,
            "{benefit}"
        );
    }
    let fac = find(&t, "reduced_isolation", "facilitator_survey", None);
    assert_eq!((fac.n, fac.total), (13, 13));
    let fac = find(&t, "self_confidence", "facilitator_survey", None);
    assert_eq!((fac.n, fac.total), (11, 12));

    // The breakdown by locality, and its interval: statsmodels 0.15.0
    // proportion_confint(17, 22, method="wilson") = (0.5656005, 0.8987696).
    let by_locality = [
        ("Southgate", 12, 12),
        ("Eastbrook", 14, 18),
        ("Westmoor", 12, 13),
        ("Riverside", 14, 16),
        ("Northfield", 17, 22),
        ("Hillcrest", 8, 10),
    ];
    for (locality, n, total) in by_locality {
        let row = find(&t, "reduced_isolation", "attendee_survey", Some(locality));
        assert_eq!(row.by.as_deref(), Some("locality"));
        assert_eq!((row.n, row.total), (n, total), "{locality}");
    }
    let north = find(
        &t,
        "reduced_isolation",
        "attendee_survey",
        Some("Northfield"),
    );
    assert!((north.ci_low.unwrap() - 56.56005).abs() < 1e-4, "{north:?}");
    assert!(
        (north.ci_high.unwrap() - 89.87696).abs() < 1e-4,
        "{north:?}"
    );
}

/// Edge cases on a tiny evaluation: a level nobody chose (n = 0), everyone agreeing (n = N),
/// all answers missing (N = 0), a single respondent, and a code nobody used.
#[test]
fn edge_cases_are_counted_honestly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.csv"),
        "ID,All agree,Nobody,Blank,Site\n1,Agree,Disagree,,A\n2,Strongly agree,Disagree,Don't know,A\n3,Agree,,,B\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("one.csv"), "ID,Q\nx,Agree\n").unwrap();
    std::fs::write(
        dir.path().join("codes.csv"),
        "Who,Code\nI1,Helpful\nI1,Helpful\nI2,Helpful\n",
    )
    .unwrap();
    let spec_text = r#"title = "Edges"
by = ["site"]
[scales.agreement]
levels = ["Disagree", "Agree", "Strongly agree"]
positive = ["Agree", "Strongly agree"]
missing = ["Don't know"]

[[sources]]
name = "s"
group = "g"
file = "s.csv"
id = "ID"
attributes = { site = "Site" }
questions = [
  { name = "all", column = "All agree", scale = "agreement" },
  { name = "nobody", column = "Nobody", scale = "agreement" },
  { name = "blank", column = "Blank", scale = "agreement" },
]

[[sources]]
name = "one"
group = "g"
file = "one.csv"
id = "ID"
questions = [ { name = "q", column = "Q", scale = "agreement" } ]

[[sources]]
name = "codes"
group = "g"
kind = "coding"
file = "codes.csv"
id = "Who"
code = "Code"
respondents = 4

[[benefits]]
name = "everyone"
label = "Everyone"
evidence = [ { source = "s", question = "all", answer = "positive" }, { source = "one", question = "q", answer = "Agree" } ]

[[benefits]]
name = "nobody"
label = "Nobody"
evidence = [ { source = "s", question = "nobody", answer = ["Agree", "Strongly agree"] }, { source = "codes", code = "Unused code" } ]

[[benefits]]
name = "missing"
label = "All missing"
evidence = [ { source = "s", question = "blank", answer = "positive" }, { source = "codes", code = "helpful" } ]
"#;
    let path = dir.path().join("evaluation.toml");
    let t = tallies_for(&path, spec_text.to_string());

    let all = find(&t, "everyone", "s", None);
    assert_eq!((all.n, all.total), (3, 3));
    assert_eq!(all.percent, Some(100.0));
    // statsmodels proportion_confint(3, 3, method="wilson") = (0.4385030, 1.0)
    assert!((all.ci_low.unwrap() - 43.85030).abs() < 1e-4);
    assert_eq!(all.ci_high, Some(100.0));

    let one = find(&t, "everyone", "one", None);
    assert_eq!((one.n, one.total), (1, 1));

    let nobody = find(&t, "nobody", "s", None);
    assert_eq!((nobody.n, nobody.total), (0, 2));
    assert_eq!(nobody.percent, Some(0.0));
    assert_eq!(nobody.ci_low, Some(0.0));

    let unused = find(&t, "nobody", "codes", None);
    assert_eq!((unused.n, unused.total), (0, 4));

    let missing = find(&t, "missing", "s", None);
    assert_eq!((missing.n, missing.total), (0, 0));
    assert_eq!(
        (missing.percent, missing.ci_low, missing.ci_high),
        (None, None, None)
    );

    // I1 coded twice counts once; the two interviewees never coded still count in N.
    let helpful = find(&t, "missing", "codes", None);
    assert_eq!((helpful.n, helpful.total), (2, 4));

    // Breakdown by site: site B's only respondent left "Nobody" blank.
    let b = find(&t, "nobody", "s", Some("B"));
    assert_eq!((b.n, b.total), (0, 0));
    let a = find(&t, "everyone", "s", Some("A"));
    assert_eq!((a.n, a.total), (2, 2));
}

/// Distributions and code tallies on the sample, against the same independent Python count
/// (openpyxl; numpy 2.4.6 `quantile(..., method="median_unbiased")` for the quartiles).
#[test]
fn sample_distributions_and_code_tallies_match_an_independent_count() {
    use impactkit::analysis::codes::{code_matrix, code_tallies};
    use impactkit::analysis::distributions::question_distributions;

    let path = sample_spec();
    let loaded = spec::load(&path).unwrap();
    let eval = load_evaluation(&loaded);
    let (rows, numbers) = question_distributions(&loaded.spec, &eval);

    let isolation: Vec<(&str, u64)> = rows
        .iter()
        .filter(|r| r.source == "attendee_survey" && r.question == "isolation")
        .map(|r| (r.value.as_str(), r.count))
        .collect();
    assert_eq!(
        isolation,
        [
            ("Strongly disagree", 4),
            ("Disagree", 5),
            ("Neither agree nor disagree", 5),
            ("Agree", 27),
            ("Strongly agree", 50),
            ("(missing)", 2),
        ]
    );
    let reasons: Vec<(&str, u64, u64, bool)> = rows
        .iter()
        .filter(|r| r.source == "attendee_survey" && r.question == "reasons" && !r.missing)
        .map(|r| (r.value.as_str(), r.count, r.answered, r.multiple))
        .collect();
    assert_eq!(
        reasons,
        [
            ("To meet others in the same situation", 75, 92, true),
            (
                "Help with the emotional impact of my diagnosis",
                55,
                92,
                true
            ),
            ("Support close to home", 26, 92, true),
            ("Information about secondary breast cancer", 41, 92, true),
            (
                "I did not fit in with primary breast cancer services",
                22,
                92,
                true
            ),
        ]
    );
    let sessions = numbers.iter().find(|n| n.question == "sessions").unwrap();
    assert_eq!(sessions.n, 91);
    assert_eq!(
        (sessions.q1, sessions.median, sessions.q3),
        (Some(4.0), Some(5.0), Some(5.0))
    );
    assert!((sessions.mean.unwrap() - 4.285714285714286).abs() < 1e-12);

    // What nurse specialists and oncologists said.
    let codes = code_tallies(&loaded.spec, &eval);
    let get = |code: &str, role: Option<&str>| {
        codes
            .iter()
            .find(|c| {
                c.source == "stakeholder_interviews"
                    && c.code == code
                    && c.by_value.as_deref() == role
            })
            .map(|c| (c.interviewees, c.respondents))
            .unwrap()
    };
    assert_eq!(get("Patients more involved in decisions", None), (5, 7));
    assert_eq!(
        get("Patients more involved in decisions", Some("Oncologist")),
        (2, 2)
    );
    assert_eq!(
        get(
            "Outside the hospital setting",
            Some("Clinical nurse specialist")
        ),
        (5, 5)
    );
    assert_eq!(
        get("Outside the hospital setting", Some("Oncologist")),
        (0, 2)
    );
    assert_eq!(
        get("Patients told within three months of diagnosis", None),
        (2, 7)
    );

    // The matrix has every interviewee × every code, coded or not.
    let matrix = code_matrix(&loaded.spec, &eval);
    let interviews: Vec<_> = matrix
        .iter()
        .filter(|m| m.source == "attendee_interviews")
        .collect();
    let people: std::collections::BTreeSet<&str> =
        interviews.iter().map(|m| m.respondent.as_str()).collect();
    assert_eq!(people.len(), 20);
    assert!(interviews.iter().any(|m| m.respondent == "AI16"));
    assert!(interviews
        .iter()
        .filter(|m| m.respondent == "AI16")
        .all(|m| m.excerpts == 0));
}

/// Reference values from Python on the raw workbooks (levels scored 1–5, R037's last row):
/// pingouin 0.7.0 `cronbach_alpha(df, nan_policy="listwise")` = 0.7952517527087315 on 82
/// complete respondents; item-rest correlations (numpy corrcoef of the item with the sum of
/// the others) and alpha-if-dropped (pingouin on the other three items).
#[test]
fn sample_reliability_matches_pingouin() {
    use impactkit::analysis::scales::scale_reliability;
    let loaded = spec::load(&sample_spec()).unwrap();
    let eval = load_evaluation(&loaded);
    let scales = scale_reliability(&loaded.spec, &eval);
    let coping = scales[0].result.as_ref().unwrap();
    assert!((coping.alpha - 0.7952517527087315).abs() < 1e-9);
    assert_eq!((coping.n_complete, coping.n_excluded), (82, 11));
    let expected = [
        ("isolation", 0.7257235529583447, 0.6789455307262573),
        ("wellbeing", 0.6757659095108123, 0.7081878768644875),
        ("confidence", 0.5479414533620951, 0.7717766781813091),
        ("talking", 0.48686331455289505, 0.7978639930252832),
    ];
    for ((name, r, dropped), item) in expected.iter().zip(&coping.items) {
        assert_eq!(&item.name, name);
        assert!(
            (item.item_rest_correlation.unwrap() - r).abs() < 1e-9,
            "{name}"
        );
        assert!(
            (item.alpha_if_dropped.unwrap() - dropped).abs() < 1e-9,
            "{name}"
        );
    }
}

/// Reference: sklearn `cohen_kappa_score` per code and `krippendorff.alpha(...,
/// level_of_measurement="nominal")` = 0.826890756302521 over the 4 double-coded interviewees
/// × 13 codes, presence coded from the raw Coding sheet.
#[test]
fn sample_coder_agreement_matches_sklearn_and_krippendorff() {
    use impactkit::analysis::coders::coder_agreement;
    let loaded = spec::load(&sample_spec()).unwrap();
    let eval = load_evaluation(&loaded);
    let all = coder_agreement(&loaded.spec, &eval);
    assert_eq!(all.len(), 1);
    let a = &all[0].agreement;
    assert_eq!(a.respondents, ["AI01", "AI02", "AI03", "AI04"]);
    assert!((a.krippendorff_alpha.unwrap() - 0.826890756302521).abs() < 1e-9);
    let get = |code: &str| a.codes.iter().find(|c| c.code == code).unwrap();
    assert_eq!(get("Reduced isolation").percent_agreement, 75.0);
    assert!((get("Reduced isolation").kappa.unwrap() - 0.5).abs() < 1e-12);
    assert_eq!(get("Knowledge of support services").kappa, Some(0.0));
    assert_eq!(get("Welcoming atmosphere").percent_agreement, 100.0);
    assert_eq!(a.codes.len(), 13);
}

/// The real fixtures: Python's csv module counts impact_motivation_learning as Agree 66,
/// Strongly agree 54, NA 41 over 176 records, so "positive" is 120 of 135; openpyxl reads
/// Category 1 on 3 of the 5 coded comments.
#[test]
fn tallies_on_the_real_likert_and_coded_comment_fixtures() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"title = "Real fixtures"
[scales.agreement]
levels = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
positive = ["Agree", "Strongly agree"]
aliases = {{ "Neutral" = "Neither agree nor disagree" }}

[[sources]]
name = "learners"
group = "Learners"
file = '{}'
questions = [ {{ name = "motivation", column = "impact_motivation_learning", scale = "agreement" }} ]

[[sources]]
name = "comments"
group = "Respondents"
kind = "coding"
layout = "matrix"
file = '{}'
id = "ResponseID"
codes = ["Category 1: Fruit are good", "Category 2: There should be more fruit."]

[[benefits]]
name = "motivation"
label = "More motivated to learn"
evidence = [ {{ source = "learners", question = "motivation", answer = "positive" }} ]

[[benefits]]
name = "fruit"
label = "Fruit are good"
evidence = [ {{ source = "comments", code = "Category 1: Fruit are good" }} ]
"#,
        fixtures
            .join("likert/carpentries_longterm_2020_other_questions.csv")
            .display(),
        fixtures
            .join("coding/QualtricsTools_Q5_Coded.xlsx")
            .display()
    );
    let t = tallies_for(&dir.path().join("evaluation.toml"), text);
    let m = find(&t, "motivation", "learners", None);
    assert_eq!((m.n, m.total), (120, 135));
    let f = find(&t, "fruit", "comments", None);
    assert_eq!((f.n, f.total), (3, 5));
}

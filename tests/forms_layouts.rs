//! Google Forms, Microsoft Forms and KoboToolbox exports read as they come, and coding sheets
//! named for what they are, without taking an ordinary survey for one.
//!
//! Counts of the real fixtures (`tests/fixtures/real/`, see the SOURCES.md beside each) were
//! made independently of impactkit, in Python:
//!
//! ```python
//! import openpyxl, csv, re
//! ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]; ws.reset_dimensions()
//! rows = list(ws.iter_rows(values_only=True))
//! data = [r for r in rows[1:] if any(c is not None and str(c).strip() for c in r)]
//! # csv: len(list(csv.reader(open(path, newline="")))) - 1
//! # a checkbox option is chosen where re.search(r'(^|, )' + re.escape(option) + r'(?=, |$)',
//! # " ".join(cell.split())) matches; what is left once every listed option is cut out is the
//! # respondent's "Other" answer.
//! ```
//!
//! There are no real Microsoft Forms or Kobo exports among the fixtures: the tests write small
//! synthetic ones with the platforms' real column names, and count them by construction.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use impactkit::analysis::distributions::question_distributions;
use impactkit::model::{load_evaluation, AnswerStatus, Evaluation};
use impactkit::spec::{self, LoadedSpec};
use serde_json::Value;

fn impactkit() -> Command {
    Command::cargo_bin("impactkit").expect("the binary is built by cargo test")
}

fn real(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(relative)
}

fn inspect_json(path: &Path) -> Value {
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

fn column<'a>(sheet: &'a Value, name: &str) -> &'a Value {
    sheet["columns"]
        .as_array()
        .and_then(|columns| columns.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no column {name:?} in {sheet:#}"))
}

fn load(spec_path: &Path, text: String) -> (LoadedSpec, Evaluation) {
    let loaded = spec::parse(spec_path, text).expect("the spec parses");
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let evaluation = load_evaluation(&loaded);
    assert!(!evaluation.has_errors(), "{:#?}", evaluation.diagnostics);
    (loaded, evaluation)
}

/// Respondents per value of `question`, from the distributions table.
fn distribution(
    loaded: &LoadedSpec,
    evaluation: &Evaluation,
    question: &str,
) -> (BTreeMap<String, u64>, u64) {
    let (rows, _) = question_distributions(&loaded.spec, evaluation);
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| r.question == question)
        .collect();
    let answered = rows.first().map_or(0, |r| r.answered);
    let counts = rows
        .into_iter()
        .filter(|r| !r.missing)
        .map(|r| (r.value, r.count))
        .collect();
    (counts, answered)
}

// --- Google Forms (real) --------------------------------------------------------------------

const GOOGLE_FORMS: &str = "forms/rcs2019_english_google_forms.xlsx";
const GOOGLE_FORMS_SPEC: &str = "forms/rcs2019_google_forms.toml";
const HELP: &str = "When you have problems in R, where do you go for help?";

#[test]
fn google_forms_export_is_detected_with_every_response() {
    let json = inspect_json(&real(GOOGLE_FORMS));
    let sheet = &json["sheets"][0];
    assert_eq!(sheet["name"], "Form Responses 1");
    assert_eq!(sheet["layout"], "google_forms");
    assert_eq!(sheet["header_rows"], 1);
    // openpyxl: 1,839 rows, 1,838 of them non-blank under the header, each with a Timestamp.
    assert_eq!(sheet["rows"], 1838);
    assert!(
        sheet["layout_evidence"]
            .as_str()
            .unwrap()
            .contains("1838 of 1838 responses have a date-time"),
        "{}",
        sheet["layout_evidence"]
    );
    assert_eq!(column(sheet, "Timestamp")["kind"], "metadata");
    // Checkbox questions whose options hold commas, with "Other" answers typed in.
    for name in [
        HELP,
        "How do you discover new packages or packages that are unfamiliar to you?",
        "What applications do you use R for most? (check all that apply)",
    ] {
        let c = column(sheet, name);
        assert_eq!(c["kind"], "multi_select", "{name}");
        assert_eq!(c["separator"], ", ", "{name}");
    }
    // The options come out whole, most chosen first (openpyxl counts: 1526, 1396, 738).
    let top = &column(sheet, HELP)["top_values"];
    assert_eq!(
        top[2],
        serde_json::json!([
            "Social media such as blogs, R-bloggers, Twitter, Slack, or GitHub contacts",
            738
        ])
    );
    // A single choice whose option holds a comma ("Rarely -- I know how to use Shiny, but
    // it's not part of my regular work") is not taken for a checkbox question.
    let shiny = column(
        sheet,
        "How often do you currently use Shiny? Choose the statement that most closely matches your use.",
    );
    assert_eq!(shiny["kind"], "single_choice");
}

#[test]
fn google_forms_checkboxes_split_against_the_spec_options() {
    let path = real(GOOGLE_FORMS_SPEC);
    let (loaded, evaluation) = load(&path, std::fs::read_to_string(&path).unwrap());
    let source = evaluation.source("rcs2019").unwrap();
    assert_eq!(source.layout, "google_forms");
    assert_eq!(source.respondents.len(), 1838);

    // Python (see the top of this file): respondents choosing each option.
    let (counts, answered) = distribution(&loaded, &evaluation, "help");
    assert_eq!(answered, 1795);
    for (option, expected) in [
        ("General search websites such as Google and Yahoo", 1526),
        (
            "Your personal network, such as colleagues and professors",
            483,
        ),
        (
            "Question and answer sites such as Stack Overflow and Quora",
            1396,
        ),
        (
            "Social media such as blogs, R-bloggers, Twitter, Slack, or GitHub contacts",
            738,
        ),
        ("community.rstudio.com", 367),
        ("Email lists such as r-help", 74),
        (
            "R-specific search websites such as METACRAN or Rdocumentation",
            289,
        ),
    ] {
        assert_eq!(counts.get(option), Some(&expected), "{option}");
    }
    // No piece of an option with a comma is left over as an answer of its own.
    for piece in [
        "R-bloggers",
        "such as colleagues and professors",
        "or GitHub contacts",
    ] {
        assert_eq!(counts.get(piece), None, "{piece}");
    }

    // "Other" answers: Python finds 89 respondents with text left once the options are cut
    // out. Each is kept, whole, as one unlisted answer: reported, not dropped or split.
    let other: Vec<&str> = source
        .answers
        .iter()
        .filter(|a| &*a.question == "help" && a.status() == AnswerStatus::Unknown)
        .map(|a| a.value().unwrap_or(""))
        .collect();
    assert_eq!(other.len(), 89, "{other:#?}");
    let respondents: std::collections::BTreeSet<&str> = source
        .answers
        .iter()
        .filter(|a| &*a.question == "help" && a.status() == AnswerStatus::Unknown)
        .map(|a| &*a.respondent)
        .collect();
    assert_eq!(respondents.len(), 89);
    for typed in [
        "The repo, if available.",
        "R package documentation, textbooks",
        "Package vignettes, github and pkgdown pages for packages, function documentation",
    ] {
        assert!(other.contains(&typed), "{typed:?} in {other:#?}");
    }
    let warned = evaluation.diagnostics.iter().any(|d| {
        let text = format!("{d:?}");
        text.contains("The repo, if available.") && text.contains("not one of the listed options")
    });
    assert!(warned, "an unlisted answer is reported");

    // A second question with five options holding commas (Python counts).
    let (counts, answered) = distribution(&loaded, &evaluation, "discover");
    assert_eq!(answered, 1791);
    for (option, expected) in [
        (
            "Social media such as blogs, R-bloggers, Twitter, Slack, or GitHub contacts",
            1397,
        ),
        ("Conferences, meet-ups, or seminars", 478),
        (
            "Books, textbooks, or journal articles (JSS, JOSS, R-Journal)",
            469,
        ),
        (
            "Email lists such as r-help, r-packages, or r-pkg-devel",
            135,
        ),
        ("R packages built for search such as the sos package", 28),
    ] {
        assert_eq!(counts.get(option), Some(&expected), "{option}");
    }
}

#[test]
fn google_forms_spec_runs_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    impactkit()
        .args(["report", "--quiet", "--out"])
        .arg(&out)
        .arg(real(GOOGLE_FORMS_SPEC))
        .assert()
        .success();
    assert!(out.join("impact-report.md").is_file());
    let benefits = std::fs::read_to_string(out.join("tables/benefits.csv")).unwrap();
    // Python: n respondents choosing any of the evidence options, N answering the question.
    for (benefit, n, total) in [
        ("asks_a_community", 1446, 1795),
        ("discovers_through_social_media", 1397, 1791),
        ("discovers_through_mailing_lists", 135, 1791),
    ] {
        let row = benefits
            .lines()
            .find(|l| l.starts_with(&format!("{benefit},")))
            .unwrap_or_else(|| panic!("no {benefit} in {benefits}"));
        assert!(
            row.contains(&format!(",rcs2019,R users,{n},{total},")),
            "{row}"
        );
    }
}

// --- Microsoft Forms (synthetic) ------------------------------------------------------------

const REASONS: &str = "Why did you first come along?";

/// Writes a small synthetic Microsoft Forms results workbook. Nobody real is in it: it imitates
/// the workbook "Open results in Excel" downloads (sheet `Sheet1`; `ID`, `Start time`,
/// `Completion time`, `Email`, `Name`, `Last modified time` before the questions; times as
/// date-time cells; `anonymous` as the e-mail of an anonymous response; multi-select answers
/// joined with `;` and ending with one).
fn write_ms_forms(path: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Sheet1").unwrap();
    let headers = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
        "Which group do you attend?",
        REASONS,
        "The group has reduced my feelings of isolation",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let responses = [
        ("North", "To meet others in the same situation;Support close to home;", "Agree"),
        ("North", "Information about secondary breast cancer;", "Strongly agree"),
        ("South", "To meet others in the same situation;Information about secondary breast cancer;Support close to home;", "Agree"),
        ("East", "To meet others in the same situation;", "Neither agree nor disagree"),
        ("South", "Support close to home;", "Strongly agree"),
    ];
    let when = Format::new().set_num_format("m/d/yy h:mm:ss");
    for (i, (group, reasons, isolation)) in responses.iter().enumerate() {
        let row = i as u32 + 1;
        let minute = 10 + 7 * i as u8;
        let start = ExcelDateTime::from_ymd(2024, 3, 5)
            .unwrap()
            .and_hms(10, minute, 2)
            .unwrap();
        let end = ExcelDateTime::from_ymd(2024, 3, 5)
            .unwrap()
            .and_hms(10, minute + 3, 40)
            .unwrap();
        sheet.write_number(row, 0, f64::from(row)).unwrap();
        sheet
            .write_datetime_with_format(row, 1, &start, &when)
            .unwrap();
        sheet
            .write_datetime_with_format(row, 2, &end, &when)
            .unwrap();
        sheet.write_string(row, 3, "anonymous").unwrap();
        sheet.write_string(row, 6, *group).unwrap();
        sheet.write_string(row, 7, *reasons).unwrap();
        sheet.write_string(row, 8, *isolation).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn ms_forms_workbook_is_detected_and_its_trailing_semicolons_split_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("Group feedback(1-5).xlsx");
    write_ms_forms(&workbook);

    let json = inspect_json(&workbook);
    let sheet = &json["sheets"][0];
    assert_eq!(sheet["layout"], "ms_forms");
    assert_eq!(sheet["header_rows"], 1);
    assert_eq!(sheet["rows"], 5, "five responses written");
    for name in ["Start time", "Completion time", "Email"] {
        assert_eq!(column(sheet, name)["kind"], "metadata", "{name}");
    }
    let reasons = column(sheet, REASONS);
    assert_eq!(reasons["kind"], "multi_select");
    assert_eq!(reasons["separator"], ";");
    let tops: Vec<&str> = reasons["top_values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[0].as_str().unwrap())
        .collect();
    assert!(!tops.contains(&""), "{tops:?}");

    let spec_path = dir.path().join("evaluation.toml");
    let text = format!(
        r#"title = "Microsoft Forms sample"
[[sources]]
name = "feedback"
group = "Attendees"
file = "Group feedback(1-5).xlsx"
layout = "ms_forms"
id = "ID"
questions = [
  {{ name = "reasons", column = "{REASONS}", multi = ";", options = [
      "To meet others in the same situation",
      "Information about secondary breast cancer",
      "Support close to home",
  ] }},
]
"#
    );
    let (loaded, evaluation) = load(&spec_path, text);
    let source = evaluation.source("feedback").unwrap();
    assert_eq!(source.respondents.len(), 5);
    let reasons: Vec<_> = source
        .answers
        .iter()
        .filter(|a| &*a.question == "reasons")
        .collect();
    // Counted by construction: 2 + 1 + 3 + 1 + 1 options ticked, none empty, none unlisted.
    assert_eq!(reasons.len(), 8, "{reasons:#?}");
    assert!(reasons
        .iter()
        .all(|a| a.status() == AnswerStatus::Answered && a.value() != Some("")));
    let (counts, answered) = distribution(&loaded, &evaluation, "reasons");
    assert_eq!(answered, 5);
    assert_eq!(counts["To meet others in the same situation"], 3);
    assert_eq!(counts["Information about secondary breast cancer"], 2);
    assert_eq!(counts["Support close to home"], 3);
}

// --- KoboToolbox (synthetic) ----------------------------------------------------------------

/// A small synthetic KoboToolbox CSV export. Nobody real is in it: it imitates what Kobo's
/// "Downloads" page gives for an XLSForm with a group, a select_multiple with "or other" and the
/// default metadata questions, exported as "XML values and headers" with `/` between group and
/// question, ";"-delimited and quoted, select_multiple both as one space-separated column and
/// as one 1/0 column per option, and the system columns at the end.
const KOBO_CSV: &str = "\
\"start\";\"end\";\"today\";\"deviceid\";\"about/locality\";\"about/diagnosis_year\";\"reasons\";\"reasons/meet_others\";\"reasons/emotional_help\";\"reasons/information\";\"reasons/other\";\"reasons_other\";\"comments\";\"_id\";\"_uuid\";\"_submission_time\";\"_validation_status\";\"_notes\";\"_status\";\"_submitted_by\";\"__version__\";\"_tags\";\"_index\"
\"2024-03-05T10:15:02.123+00:00\";\"2024-03-05T10:21:40.551+00:00\";\"2024-03-05\";\"ee.kobotoolbox.org:Xk2pQ9\";\"north\";\"2021\";\"meet_others information\";\"1\";\"0\";\"1\";\"0\";\"\";\"Lovely people\";\"101\";\"0b6f7c1e-2a4d-4b8e-9f3a-1c2d3e4f5a01\";\"2024-03-05T10:22:31\";\"\";\"\";\"submitted_via_web\";\"\";\"vQ8bq4zXkG7mYyM5e3hR2T\";\"\";\"1\"
\"2024-03-06T14:02:11.004+00:00\";\"2024-03-06T14:09:58.310+00:00\";\"2024-03-06\";\"ee.kobotoolbox.org:Xk2pQ9\";\"south\";\"2019\";\"emotional_help\";\"0\";\"1\";\"0\";\"0\";\"\";\"\";\"102\";\"0b6f7c1e-2a4d-4b8e-9f3a-1c2d3e4f5a02\";\"2024-03-06T14:10:05\";\"\";\"\";\"submitted_via_web\";\"\";\"vQ8bq4zXkG7mYyM5e3hR2T\";\"\";\"2\"
\"2024-03-07T09:30:45.871+00:00\";\"2024-03-07T09:41:12.066+00:00\";\"2024-03-07\";\"ee.kobotoolbox.org:Xk2pQ9\";\"north\";\"2022\";\"meet_others emotional_help other\";\"1\";\"1\";\"0\";\"1\";\"Nurse suggested it\";\"Thank you\";\"103\";\"0b6f7c1e-2a4d-4b8e-9f3a-1c2d3e4f5a03\";\"2024-03-07T09:41:20\";\"\";\"\";\"submitted_via_web\";\"\";\"vQ8bq4zXkG7mYyM5e3hR2T\";\"\";\"3\"
\"2024-03-08T11:00:00.000+00:00\";\"2024-03-08T11:06:30.120+00:00\";\"2024-03-08\";\"ee.kobotoolbox.org:Xk2pQ9\";\"east\";\"2020\";\"meet_others\";\"1\";\"0\";\"0\";\"0\";\"\";\"\";\"104\";\"0b6f7c1e-2a4d-4b8e-9f3a-1c2d3e4f5a04\";\"2024-03-08T11:06:41\";\"\";\"\";\"submitted_via_web\";\"\";\"vQ8bq4zXkG7mYyM5e3hR2T\";\"\";\"4\"
";

#[test]
fn kobo_export_is_detected_and_its_metadata_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("aQ9kXyZ_2024_03_08.csv");
    std::fs::write(&csv, KOBO_CSV).unwrap();

    let json = inspect_json(&csv);
    let sheet = &json["sheets"][0];
    assert_eq!(sheet["layout"], "kobo");
    assert_eq!(sheet["header_rows"], 1);
    assert_eq!(sheet["rows"], 4, "four submissions written");
    for name in [
        "start",
        "end",
        "today",
        "deviceid",
        "_submission_time",
        "_status",
        "__version__",
    ] {
        assert_eq!(column(sheet, name)["kind"], "metadata", "{name}");
    }
    // Unique ids may be offered as the id a spec wants; they are never taken for answers.
    for name in ["_id", "_uuid", "_index"] {
        let kind = column(sheet, name)["kind"].as_str().unwrap().to_string();
        assert!(kind == "metadata" || kind == "id", "{name}: {kind}");
    }
    // The per-option columns say "reasons" is a select_multiple joined by spaces.
    let reasons = column(sheet, "reasons");
    assert_eq!(reasons["kind"], "multi_select");
    assert_eq!(reasons["separator"], " ");
    assert_eq!(
        reasons["top_values"][0],
        serde_json::json!(["meet_others", 3])
    );

    let spec_path = dir.path().join("evaluation.toml");
    let text = r#"title = "Kobo sample"
[[sources]]
name = "kobo"
group = "Attendees"
file = "aQ9kXyZ_2024_03_08.csv"
layout = "kobo"
id = "_uuid"
attributes = { locality = "about/locality" }
questions = [
  { name = "reasons", column = "reasons", multi = " ", options = ["meet_others", "emotional_help", "information", "other"] },
  { name = "reasons_other", column = "reasons_other", kind = "text" },
]
"#
    .to_string();
    let (loaded, evaluation) = load(&spec_path, text);
    let source = evaluation.source("kobo").unwrap();
    assert_eq!(source.layout, "kobo");
    assert_eq!(source.respondents.len(), 4);
    assert_eq!(
        source.respondents[0].id,
        "0b6f7c1e-2a4d-4b8e-9f3a-1c2d3e4f5a01"
    );
    // Counted by construction from the rows above.
    let (counts, answered) = distribution(&loaded, &evaluation, "reasons");
    assert_eq!(answered, 4);
    assert_eq!(counts["meet_others"], 3);
    assert_eq!(counts["emotional_help"], 2);
    assert_eq!(counts["information"], 1);
    assert_eq!(counts["other"], 1);
    assert_eq!(counts.len(), 4, "{counts:?}");
}

#[test]
fn a_spec_naming_the_wrong_platform_layout_is_an_error_that_suggests_the_right_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.csv"), KOBO_CSV).unwrap();
    std::fs::write(
        dir.path().join("evaluation.toml"),
        r#"title = "Wrong layout"
[[sources]]
name = "kobo"
group = "Attendees"
file = "export.csv"
layout = "google_forms"
questions = [ { name = "reasons", column = "reasons", multi = " " } ]
"#,
    )
    .unwrap();
    impactkit()
        .arg("validate")
        .arg(dir.path().join("evaluation.toml"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "does not look like a google_forms export",
        ))
        .stderr(predicates::str::contains("use layout = \"kobo\""));
}

// --- Coding sheets and plain exports ---------------------------------------------------------

#[test]
fn coded_comments_fixture_is_reported_as_coding_matrix() {
    let json = inspect_json(&real("coding/QualtricsTools_Q5_Coded.xlsx"));
    let sheet = &json["sheets"][0];
    assert_eq!(sheet["layout"], "coding_matrix");
    // openpyxl: 30 rows, 5 non-blank under the header (the rest are blank).
    assert_eq!(sheet["rows"], 5);
    assert!(
        sheet["layout_evidence"]
            .as_str()
            .unwrap()
            .contains("3 code columns"),
        "{}",
        sheet["layout_evidence"]
    );
}

#[test]
fn carpentries_csv_is_still_plain() {
    let json = inspect_json(&real(
        "likert/carpentries_longterm_2020_other_questions.csv",
    ));
    let sheet = &json["sheets"][0];
    assert_eq!(sheet["layout"], "plain");
    // Python's csv: 177 records, one of them the header.
    assert_eq!(sheet["rows"], 176);
    assert_eq!(column(sheet, "workshop_attended_content")["separator"], ";");
}

/// The sample's coding sheets are named for their shape; its surveys (one with a submission
/// time and 0/1-free answers, one CSV) are not taken for coding.
#[test]
fn sample_coding_sheets_are_named_and_its_surveys_are_not() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let layouts = |file: &str| -> Vec<(String, String)> {
        inspect_json(&sample.join(file))["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["layout"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let interviews = layouts("attendee_interviews.xlsx");
    assert!(
        interviews.contains(&("Coding".into(), "coding_long".into())),
        "{interviews:?}"
    );
    assert!(
        interviews.contains(&("Interviewees".into(), "plain".into())),
        "{interviews:?}"
    );
    let stakeholders = layouts("stakeholder_interviews.xlsx");
    assert!(
        stakeholders.contains(&("Coding".into(), "coding_matrix".into())),
        "{stakeholders:?}"
    );
    for survey in [
        "attendee_survey.xlsx",
        "facilitator_survey.xlsx",
        "staff_survey.csv",
    ] {
        for (sheet, layout) in layouts(survey) {
            assert_eq!(layout, "plain", "{survey} sheet {sheet}");
        }
    }
}

// --- Kobo repeat groups (synthetic) ----------------------------------------------------------

/// A Kobo XLSX export with a repeat group: the main sheet has one row per submission, the
/// "support_contacts" sheet one row per service a woman named, linked by `_parent_index`.
/// Submission 1 named two services, submission 2 one, submission 3 one (its row's
/// `_parent_index` typed as "3.0"); one repeat row points at a submission that is not there,
/// and a nested repeat sheet points at the repeat's own rows.
fn write_kobo_with_repeats(path: &Path) {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let main = book.add_worksheet();
    main.set_name("Support survey").unwrap();
    let rows: [&[&str]; 4] = [
        &[
            "start",
            "about/locality",
            "about/feeling",
            "_id",
            "_uuid",
            "_submission_time",
            "_index",
        ],
        &[
            "2024-03-05T10:15:02",
            "north",
            "better",
            "101",
            "u-1",
            "2024-03-05T10:22:31",
            "1",
        ],
        &[
            "2024-03-06T14:02:11",
            "south",
            "same",
            "102",
            "u-2",
            "2024-03-06T14:10:05",
            "2",
        ],
        &[
            "2024-03-07T09:30:45",
            "north",
            "better",
            "103",
            "u-3",
            "2024-03-07T09:41:20",
            "3",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            main.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    let repeat = book.add_worksheet();
    repeat.set_name("support_contacts").unwrap();
    let rows: [&[&str]; 6] = [
        &[
            "support_contacts/service",
            "support_contacts/helpful",
            "_index",
            "_parent_table_name",
            "_parent_index",
            "_submission__id",
        ],
        &["nurse", "yes", "1", "Support survey", "1", "101"],
        &["helpline", "no", "2", "Support survey", "1", "101"],
        &["nurse", "yes", "3", "Support survey", "2", "102"],
        &["gp", "yes", "4", "Support survey", "9", "109"],
        // `_parent_index` written as text "3.0": still submission 3.
        &["gp", "no", "5", "Support survey", "3.0", "103"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            repeat.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    // A repeat nested in support_contacts: its `_parent_index` points at support_contacts'
    // rows, not at submissions, so it is not joined to the main sheet.
    let nested = book.add_worksheet();
    nested.set_name("visits").unwrap();
    let rows: [&[&str]; 2] = [
        &[
            "visits/when",
            "_index",
            "_parent_table_name",
            "_parent_index",
        ],
        &["2024-03-01", "1", "support_contacts", "2"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            nested.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn kobo_repeat_groups_are_joined_to_their_submission() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kobo.xlsx");
    write_kobo_with_repeats(&file);

    // inspect says what the second sheet is.
    let json = inspect_json(&file);
    let evidence = json["sheets"][1]["layout_evidence"]
        .as_str()
        .unwrap_or_default();
    assert!(evidence.contains("joined to it"), "{json:#}");

    let spec_path = dir.path().join("evaluation.toml");
    let text = r#"
title = "Kobo repeats"
[privacy]
min_cell = 0
[[sources]]
name = "support"
group = "Attendees"
file = "kobo.xlsx"
sheet = "Support survey"
id = "_id"
questions = [
  { name = "services", column = "support_contacts/service", multi = "; " },
  { name = "helpful", column = "support_contacts/helpful", multi = "; ", options = ["yes", "no"] },
  { name = "contacts", column = "support_contacts/_count", kind = "number" },
]
[[benefits]]
name = "helped"
label = "Found a service helpful"
evidence = [{ source = "support", question = "helpful", answer = "yes" }]
"#
    .to_string();
    let loaded = spec::parse(&spec_path, text).expect("the spec parses");
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let evaluation = load_evaluation(&loaded);
    assert!(!evaluation.has_errors(), "{:#?}", evaluation.diagnostics);
    // The repeat row pointing at submission 9 is named, not silently lost.
    let warning = evaluation
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .find(|d| d.contains("point at no submission"));
    assert!(
        warning.as_deref().is_some_and(|w| w.contains("1 row(s)")),
        "{:#?}",
        evaluation.diagnostics
    );

    let nested = evaluation
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .any(|d| d.contains("\"visits\" is nested in another repeat group"));
    assert!(nested, "{:#?}", evaluation.diagnostics);

    let (services, answered) = distribution(&loaded, &evaluation, "services");
    assert_eq!(answered, 3);
    assert_eq!(services.get("nurse"), Some(&2));
    assert_eq!(services.get("helpline"), Some(&1));
    assert_eq!(
        services.get("gp"),
        Some(&1),
        "submission 3's row, not the orphan"
    );

    let source = evaluation.source("support").unwrap();
    let counts: BTreeMap<&str, Option<&str>> = source
        .answers
        .iter()
        .filter(|a| &*a.question == "contacts")
        .map(|a| (&*a.respondent, a.value()))
        .collect();
    assert_eq!(
        counts,
        BTreeMap::from([("101", Some("2")), ("102", Some("1")), ("103", Some("1"))])
    );

    // She counts for the benefit if any of her repeat rows says the service helped.
    let tallies = impactkit::analysis::tallies::benefit_tallies(&loaded.spec, &evaluation);
    let helped = tallies.iter().find(|t| t.benefit == "helped").unwrap();
    assert_eq!((helped.n, helped.total), (2, 3));
}

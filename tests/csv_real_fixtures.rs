//! Real CSV exports from survey platforms (see `tests/fixtures/real/*/SOURCES.md`) read through the
//! public ingest API.
//!
//! Every expected number here was counted independently of impactkit, with Python's `csv`
//! module:
//!
//! ```python
//! import csv
//! with open(path, newline="", encoding="utf-8") as fh:
//!     reader = csv.reader(fh); prev = 0; starts = []; records = []
//!     for record in reader:
//!         starts.append(prev + 1); records.append(record); prev = reader.line_num
//! # len(records), len(records[0]), records[0][:3], starts[-1], {len(r) for r in records}
//! ```
//!
//! All five files are UTF-8 without a BOM, LF line ends, comma-separated, no blank lines and no
//! quoted line breaks, so each record starts on the line equal to its 1-based index.
use std::path::PathBuf;

use impactkit::ingest::{read_workbook, Cell, Format, Limits, SheetSelection, Workbook};

fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real/")).join(relative)
}

fn read(relative: &str) -> Workbook {
    let path = fixture(relative);
    match read_workbook(&path, SheetSelection::First, &Limits::default()) {
        Ok(workbook) => workbook,
        Err(error) => panic!("{relative} should read: {error}"),
    }
}

/// Checks what every one of these exports shares, and returns the header row's text.
fn check_shape(workbook: &Workbook, stem: &str, records: usize, width: usize) -> Vec<String> {
    assert_eq!(workbook.format, Format::Csv);
    assert_eq!(
        workbook.text_details.as_deref(),
        Some("UTF-8, comma-separated")
    );
    assert_eq!(workbook.sheet_names, vec![stem.to_owned()]);
    assert_eq!(workbook.sheets.len(), 1);
    let sheet = &workbook.sheets[0];
    assert_eq!(sheet.name, stem);
    assert_eq!(sheet.rows.len(), records, "record count");
    assert!(sheet.notes.is_empty(), "no ragged rows: {:?}", sheet.notes);
    for (index, row) in sheet.rows.iter().enumerate() {
        assert_eq!(
            row.number as usize,
            index + 1,
            "record {index} starts on its own line"
        );
        assert_eq!(row.cells.len(), width, "width of line {}", row.number);
    }
    sheet.rows[0].cells.iter().map(Cell::to_text).collect()
}

#[test]
fn qualtrics_sample_survey_insights() {
    // python: 8 records of 190 fields; 3 header rows (ids, question text, ImportId JSON).
    let workbook = read("qualtrics/QualtricsTools_Sample_Survey_Insights.csv");
    let header = check_shape(&workbook, "QualtricsTools_Sample_Survey_Insights", 8, 190);
    assert_eq!(header[..3], ["ResponseID", "ResponseSet", "IPAddress"]);
    assert_eq!(header[189], "LocationAccuracy");
    let rows = &workbook.sheets[0].rows;
    assert_eq!(
        rows[2].cells[0],
        Cell::Text("{'ImportId': 'responseId'}".into())
    );
    // python: records[1][59] ends with "\xa0-Oranges": the non-breaking space is kept as it is
    // here (normalisation later records the change).
    let question = rows[1].cells[59].to_text();
    assert!(
        question.ends_with("each fruit. \u{a0}-Oranges"),
        "{question:?}"
    );
}

#[test]
fn qualtrics_questions_with_text_entry_components() {
    // python: 18 records of 40 fields.
    let workbook = read("qualtrics/QualtricsTools_Questions_with_Text_Entry_Components.csv");
    let header = check_shape(
        &workbook,
        "QualtricsTools_Questions_with_Text_Entry_Components",
        18,
        40,
    );
    assert_eq!(header[..3], ["ResponseID", "ResponseSet", "IPAddress"]);
    assert_eq!(header[39], "LocationAccuracy");
    let last = &workbook.sheets[0].rows[17];
    assert_eq!(last.cells[0], Cell::Text("R_dpatF5DH63p5mdf".into()));
    assert_eq!(last.cells[2], Cell::Empty);
}

#[test]
fn surveymonkey_pre_wave() {
    // python: 102 records of 33 fields (2 header rows + 100 respondents).
    let workbook = read("surveymonkey/blackstone_sm_data_pre.csv");
    let header = check_shape(&workbook, "blackstone_sm_data_pre", 102, 33);
    assert_eq!(header[..3], ["Respondent ID", "Collector ID", "Start Date"]);
    // The question text sits over its first option; its continuation cells are empty.
    assert_eq!(
        header[10],
        "Please rate your level of confidence in performing the following research tasks on a \
         scale from not at all confident to extremely confident."
    );
    let rows = &workbook.sheets[0].rows;
    assert_eq!(rows[0].cells[11], Cell::Empty);
    assert_eq!(rows[1].cells[9], Cell::Text("Response".into()));
    assert_eq!(rows[101].cells[0], Cell::Text("114628000100".into()));
}

#[test]
fn surveymonkey_post_wave() {
    // python: 102 records of 38 fields.
    let workbook = read("surveymonkey/blackstone_sm_data_post.csv");
    let header = check_shape(&workbook, "blackstone_sm_data_post", 102, 38);
    assert_eq!(header[..3], ["Respondent ID", "Collector ID", "Start Date"]);
    assert_eq!(header[37], "Are you a first-generation college student?");
}

#[test]
fn carpentries_likert_export() {
    // python: 177 records of 24 fields; "NA" is literal text, not an empty cell.
    let workbook = read("likert/carpentries_longterm_2020_other_questions.csv");
    let header = check_shape(
        &workbook,
        "carpentries_longterm_2020_other_questions",
        177,
        24,
    );
    assert_eq!(
        header[..3],
        [
            "first_survey_take",
            "workshop_attended_amount",
            "workshop_attended_age"
        ]
    );
    assert_eq!(header[23], "recommendation_score");
    let second = &workbook.sheets[0].rows[1];
    assert_eq!(second.cells[1], Cell::Text("NA".into()));
}

//! The SurveyMonkey layout: an "expanded" CSV or Excel export as it is downloaded.
//!
//! SurveyMonkey heads its exports with two rows. Row 1 starts with nine columns of its own
//! (`Respondent ID`, `Collector ID`, `Start Date`, `End Date`, `IP Address`, `Email Address`,
//! `First Name`, `Last Name`, `Custom Data 1`) and then holds each question's text once, over
//! the first of its columns; the cells over the rest are blank (or `Unnamed: N` after a trip
//! through pandas, or merged in Excel). Row 2 says what each column of a question holds:
//! `Response` or `Open-Ended Response` for a question with one column, otherwise the option
//! (checkbox), the statement (matrix) or "Other (please specify)".
//!
//! Flattening rule: the question text is carried over the blank cells that follow it; a column
//! whose row-2 text is blank, `Response` or `Open-Ended Response` is named by the question text
//! alone, and any other column `Question - Option`. Names that still repeat are numbered
//! (`Question (2)`). Row 2 is ignored under SurveyMonkey's own nine columns, which are marked
//! as metadata. A checkbox column holds its option's text when ticked and is blank otherwise.
//!
//! An export whose second row was deleted by hand (one header row with SurveyMonkey's own
//! `Respondent ID` and `Collector ID` in it, a response under it) is recognised too and read
//! with that one row. Without its own columns, an export is still recognised by row 2's
//! `Response` cells. This module only names columns; it never changes a cell.

use std::path::Path;

use super::Layout;
use crate::ingest::normalise::{clean_text, is_missing_token};
use crate::ingest::table::{
    header_block_table, header_row_texts, single_header_table, unique_columns, Table,
};
use crate::ingest::{Format, RawRow, RawSheet};

/// A SurveyMonkey export with its header rows as downloaded.
pub struct SurveyMonkeyLayout;

/// The columns SurveyMonkey writes before the questions, compared without case.
const OWN_COLUMNS: [&str; 9] = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
];

/// Row-2 texts that mean "the question's only column".
const WHOLE_ANSWER: [&str; 2] = ["Response", "Open-Ended Response"];

/// Where the header is and why it is a SurveyMonkey one.
struct Found {
    /// Position in `sheet.rows` of the question row.
    start: usize,
    /// Whether row 2 (options, `Response`) is there.
    two_rows: bool,
    evidence: String,
}

impl Layout for SurveyMonkeyLayout {
    fn name(&self) -> &'static str {
        "surveymonkey"
    }

    fn detect(&self, sheet: &RawSheet) -> Option<String> {
        find(sheet).map(|found| found.evidence)
    }

    fn flatten(
        &self,
        file: &Path,
        format: Format,
        sheet: &mut RawSheet,
        evidence: String,
    ) -> Table {
        let path = file.to_path_buf();
        let Some(found) = find(sheet).filter(|f| f.two_rows) else {
            let mut table = single_header_table(path, format, sheet, "surveymonkey", evidence);
            for column in &mut table.columns {
                column.metadata = is_own_column(&column.header);
            }
            return table;
        };
        let (first, second) = (&sheet.rows[found.start], &sheet.rows[found.start + 1]);
        let width = first.cells.len().max(second.cells.len());
        let questions: Vec<String> = header_row_texts(first, sheet, width)
            .iter()
            .map(|t| question_text(t))
            .collect();
        let options: Vec<String> = header_row_texts(second, sheet, width)
            .iter()
            .map(|t| clean_text(t).text)
            .collect();
        let width = (0..width)
            .rev()
            .find(|&i| !questions[i].is_empty() || !options[i].is_empty())
            .map_or(0, |i| i + 1);
        let mut names = Vec::with_capacity(width);
        let mut own = Vec::with_capacity(width);
        let mut question = String::new();
        for i in 0..width {
            if !questions[i].is_empty() {
                question = questions[i].clone();
            }
            let is_own = !questions[i].is_empty() && is_own_column(&questions[i]);
            let option = &options[i];
            let whole = is_own
                || option.is_empty()
                || WHOLE_ANSWER.iter().any(|w| w.eq_ignore_ascii_case(option));
            names.push(match (whole, question.is_empty()) {
                (true, _) => question.clone(),
                (false, true) => option.clone(),
                (false, false) => format!("{question} - {option}"),
            });
            own.push(is_own);
        }
        let mut notes = Vec::new();
        let mut columns = unique_columns(&names, second.number, &mut notes);
        for column in &mut columns {
            column.metadata = own[column.index as usize];
        }
        let mut table = header_block_table(
            path,
            format,
            sheet,
            found.start..found.start + 2,
            columns,
            "surveymonkey",
            evidence,
        );
        table.notes.extend(notes);
        table
    }
}

/// Finds a SurveyMonkey header at the top of `sheet`.
fn find(sheet: &RawSheet) -> Option<Found> {
    let start = sheet
        .rows
        .iter()
        .position(|r| r.cells.iter().any(|c| !c.is_blank()))?;
    let first = &sheet.rows[start];
    let second = sheet.rows.get(start + 1);
    let questions: Vec<String> = first
        .cells
        .iter()
        .map(|c| question_text(&c.to_text()))
        .collect();
    let options: Vec<String> = second.map_or_else(Vec::new, |r| {
        r.cells
            .iter()
            .map(|c| clean_text(&c.to_text()).text)
            .collect()
    });
    // SurveyMonkey's own columns in row 1, by position.
    let own: Vec<(usize, &str)> = questions
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            OWN_COLUMNS
                .iter()
                .find(|name| q.eq_ignore_ascii_case(name))
                .map(|name| (i, *name))
        })
        .collect();
    let has = |name: &str| own.iter().any(|(_, n)| *n == name);
    let whole = options
        .iter()
        .filter(|o| WHOLE_ANSWER.iter().any(|w| w.eq_ignore_ascii_case(o)))
        .count();
    if has("Respondent ID") && own.len() >= 2 {
        let listed = own.iter().take(3).map(|(_, n)| *n).collect::<Vec<_>>();
        let listed = listed.join(", ");
        // Under its own columns, row 2 of a download is blank; a response has an id there.
        let sub_header = second.is_some()
            && own.iter().all(|(i, _)| {
                options
                    .get(*i)
                    .is_none_or(|o| o.is_empty() || is_missing_token(o))
            });
        if sub_header && (whole > 0 || has("Collector ID")) {
            return Some(Found {
                start,
                two_rows: true,
                evidence: format!(
                    "row {} holds SurveyMonkey's own columns ({listed}, …) and row {} the answer options under each question",
                    first.number,
                    start_number(second),
                ),
            });
        }
        if !sub_header && has("Collector ID") {
            return Some(Found {
                start,
                two_rows: false,
                evidence: format!(
                    "row {} holds SurveyMonkey's own columns ({listed}, …); the second header row of a download (Response, options) is not there, so row {} is a response",
                    first.number,
                    start_number(second),
                ),
            });
        }
    }
    // Without its own columns (hidden in the download), row 2's "Response" cells give it away.
    let second = second?;
    // An option under a blank row-1 cell that follows a question: the question carried over.
    let first_question = questions.iter().position(|q| !q.is_empty());
    let carried = first_question.is_some_and(|first| {
        options
            .iter()
            .enumerate()
            .skip(first + 1)
            .any(|(i, option)| !option.is_empty() && questions.get(i).is_none_or(String::is_empty))
    });
    (whole >= 2 || (whole >= 1 && carried)).then(|| Found {
        start,
        two_rows: true,
        evidence: format!(
            "row {} holds SurveyMonkey's sub-headers ({whole} \"Response\" or \"Open-Ended Response\") under the question text of row {}",
            second.number, first.number
        ),
    })
}

fn start_number(row: Option<&RawRow>) -> u32 {
    row.map_or(0, |r| r.number)
}

/// A row-1 cell as question text: pandas writes `Unnamed: 12` where the cell was blank.
fn question_text(raw: &str) -> String {
    let text = clean_text(raw).text;
    let unnamed = text
        .strip_prefix("Unnamed: ")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if unnamed {
        String::new()
    } else {
        text
    }
}

fn is_own_column(header: &str) -> bool {
    let header = clean_text(header).text;
    OWN_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(&header))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ingest::test_support::text_row as row;

    fn sheet(rows: Vec<RawRow>) -> RawSheet {
        RawSheet {
            name: "export".into(),
            rows,
            merged: vec![],
            notes: vec![],
        }
    }

    fn flatten(sheet: &RawSheet) -> Table {
        let evidence = SurveyMonkeyLayout
            .detect(sheet)
            .expect("a SurveyMonkey header");
        SurveyMonkeyLayout.flatten(
            Path::new("export.csv"),
            Format::Csv,
            &mut sheet.clone(),
            evidence,
        )
    }

    fn names(table: &Table) -> Vec<&str> {
        table.columns.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn question_text_is_carried_over_its_options() {
        let s = sheet(vec![
            row(
                1,
                &[
                    "Respondent ID",
                    "Collector ID",
                    "Which group?",
                    "Why did you come?",
                    "Unnamed: 4",
                    "",
                    "Anything else?",
                ],
            ),
            row(
                2,
                &[
                    "",
                    "",
                    "Response",
                    "To meet others",
                    "Information",
                    "Other (please specify)",
                    "Open-Ended Response",
                ],
            ),
            row(
                3,
                &["1001", "77", "North", "To meet others", "", "", "Thank you"],
            ),
        ]);
        let t = flatten(&s);
        assert_eq!(
            names(&t),
            [
                "Respondent ID",
                "Collector ID",
                "Which group?",
                "Why did you come? - To meet others",
                "Why did you come? - Information",
                "Why did you come? - Other (please specify)",
                "Anything else?",
            ]
        );
        let metadata: Vec<bool> = t.columns.iter().map(|c| c.metadata).collect();
        assert_eq!(metadata, [true, true, false, false, false, false, false]);
        assert_eq!(t.header_rows, vec![1, 2]);
        assert_eq!(t.rows.len(), 1);
        assert!(t.notes.is_empty(), "{:?}", t.notes);
    }

    #[test]
    fn an_export_without_its_second_row_is_read_with_one() {
        let s = sheet(vec![
            row(
                1,
                &[
                    "Respondent ID",
                    "Collector ID",
                    "Start Date",
                    "Which group?",
                ],
            ),
            row(2, &["1001", "77", "2026-01-05", "North"]),
        ]);
        let evidence = SurveyMonkeyLayout.detect(&s).unwrap();
        assert!(evidence.contains("is not there"), "{evidence}");
        let t = flatten(&s);
        assert_eq!(t.layout, "surveymonkey");
        assert_eq!(t.header_rows, vec![1]);
        assert_eq!(t.rows.len(), 1);
        assert!(t.columns[2].metadata && !t.columns[3].metadata);
    }

    #[test]
    fn an_export_without_its_own_columns_is_recognised_by_row_two() {
        let s = sheet(vec![
            row(1, &["Which group?", "Why did you come?", ""]),
            row(2, &["Response", "To meet others", "Information"]),
            row(3, &["North", "To meet others", ""]),
        ]);
        let t = flatten(&s);
        assert_eq!(
            names(&t),
            [
                "Which group?",
                "Why did you come? - To meet others",
                "Why did you come? - Information"
            ]
        );
    }

    /// A hand-made sheet with a respondent id and a start date, whose first response lacks
    /// both, must not lose that response as a header row.
    #[test]
    fn a_plain_sheet_with_some_of_its_column_names_is_not_surveymonkey() {
        let s = sheet(vec![
            row(1, &["Respondent ID", "Start Date", "Which group?"]),
            row(2, &["", "", "North"]),
            row(3, &["1002", "2026-01-05", "South"]),
        ]);
        assert_eq!(SurveyMonkeyLayout.detect(&s), None);
    }

    #[test]
    fn plain_sheets_are_not_surveymonkey() {
        let plain = sheet(vec![
            row(1, &["Respondent ID", "Which group?"]),
            row(2, &["1001", "Response"]),
        ]);
        assert_eq!(SurveyMonkeyLayout.detect(&plain), None);
        let forms = sheet(vec![
            row(1, &["Timestamp", "Which group?"]),
            row(2, &["2026/01/05 10:00:00", "North"]),
        ]);
        assert_eq!(SurveyMonkeyLayout.detect(&forms), None);
    }
}

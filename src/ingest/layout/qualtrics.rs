//! The Qualtrics layout: an export from Qualtrics' "Data & Analysis" as it is downloaded.
//!
//! Qualtrics heads its CSV, TSV and Excel exports with more than one row:
//!
//! 1. the column ids: `StartDate`, `ResponseId`, `Q1`, `Q3_1` (matrix row 1), `Q4#1_1`
//!    (side-by-side), `Q5_TEXT` (an "other, please specify" box), `Q6_DO` (display order);
//! 2. the question text, with a sub-item after a dash for matrix, side-by-side and
//!    multi-answer columns (`How satisfied are you? - The venue`);
//! 3. the ImportIds as JSON, `{"ImportId":"QID1"}`, or `{'ImportId': 'QID1'}` in older
//!    exports.
//!
//! The legacy exporter writes two rows instead, `V1, V2, …, Q1, …` over the question text.
//!
//! Flattening rule: a column is named by its question text (row 2), so a spec reads like the
//! questionnaire and matches what `inspect` shows; a blank text falls back to the column id.
//! Texts that repeat (a block shown twice, an "other" box beside its choice) are numbered
//! `Text (2)`, and every column also answers to its id (row 1), which is kept in
//! [`Column::code`]. Qualtrics' own columns (dates, IP address, progress, recipient, location,
//! `_DO` display orders, `Q_` fields) are marked as metadata.
//!
//! Survey previews, test responses, spam and synthetic responses (`Status` "Survey Preview",
//! "Survey Test", "Spam"…, or their codes 1, 8, 9… in a numeric export) are rows the layout
//! leaves out, each with its reason for the row ledger; ordinary, imported and offline
//! responses are kept. An export whose every response is a test response (a survey tried out
//! with generated responses) is read as it is, with a note, rather than as empty. `-99` ("seen but not answered") is left to cell normalisation, which reads it as no
//! answer. This module only names columns and marks rows; it never changes a cell.

use std::path::Path;

use super::Layout;
use crate::ingest::normalise::clean_text;
use crate::ingest::table::{
    header_block_table, header_row_texts, single_header_table, unique_columns, Table,
};
use crate::ingest::{Cell, Format, RawRow, RawSheet, ReadNote};

/// A Qualtrics export with its header rows as downloaded.
pub struct QualtricsLayout;

/// Qualtrics' own columns, by id, compared without case or spaces. (A legacy export's own
/// columns are its `V1`, `V2`, … columns.)
const METADATA: &[&str] = &[
    "startdate",
    "enddate",
    "status",
    "responsetype",
    "ipaddress",
    "progress",
    "duration(inseconds)",
    "finished",
    "recordeddate",
    "responseid",
    "responseset",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "externaldatareference",
    "locationlatitude",
    "locationlongitude",
    "locationaccuracy",
    "distributionchannel",
    "userlanguage",
];

/// How the header of a Qualtrics export is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// Ids, question text, ImportIds.
    ImportIds,
    /// The legacy exporter: `V1, V2, …` ids, then question text.
    Legacy,
    /// Ids and question text, the ImportId row deleted by hand.
    NoImportIds,
}

/// Where the header is and why it is a Qualtrics one.
struct Found {
    /// Position in `sheet.rows` of the id row.
    start: usize,
    variant: Variant,
    evidence: String,
}

impl Found {
    fn header_len(&self) -> usize {
        match self.variant {
            Variant::ImportIds => 3,
            Variant::Legacy | Variant::NoImportIds => 2,
        }
    }
}

impl Layout for QualtricsLayout {
    fn name(&self) -> &'static str {
        "qualtrics"
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
        let Some(found) = find(sheet) else {
            return single_header_table(file.to_path_buf(), format, sheet, "qualtrics", evidence);
        };
        let header = &sheet.rows[found.start..found.start + found.header_len()];
        let width = header.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        let ids: Vec<String> = header_row_texts(&header[0], sheet, width)
            .iter()
            .map(|t| clean_text(t).text)
            .collect();
        let texts: Vec<String> = header_row_texts(&header[1], sheet, width)
            .iter()
            .map(|t| clean_text(t).text)
            .collect();
        // Columns with neither an id nor a text at the end of the header are not columns.
        let width = (0..width)
            .rev()
            .find(|&i| !ids[i].is_empty() || !texts[i].is_empty())
            .map_or(0, |i| i + 1);
        let names: Vec<String> = (0..width)
            .map(|i| {
                if texts[i].is_empty() {
                    ids[i].clone()
                } else {
                    texts[i].clone()
                }
            })
            .collect();
        let text_row = header[1].number;
        let mut renames = Vec::new();
        let mut columns = unique_columns(&names, text_row, &mut renames);
        for column in &mut columns {
            let id = &ids[column.index as usize];
            column.metadata = is_metadata(id, found.variant);
            column.code = (!id.is_empty()).then(|| id.clone());
        }
        let mut table = header_block_table(
            file.to_path_buf(),
            format,
            sheet,
            found.start..found.start + found.header_len(),
            columns,
            "qualtrics",
            evidence,
        );
        if let Some(note) = repeated_texts_note(&table, &renames, text_row) {
            table.notes.push(note);
        }
        if let Some(status) = status_column(&ids, &texts, found.variant) {
            table.excluded_rows = table
                .rows
                .iter()
                .filter_map(|row| not_a_response(row, status).map(|why| (row.number, why)))
                .collect();
            // An export of nothing but test responses (a survey tried out with Qualtrics'
            // "Generate test responses") is read as it is, and says so, rather than as empty.
            let filled = table
                .rows
                .iter()
                .filter(|r| r.cells.iter().any(|c| !c.is_blank()))
                .count();
            let tests = table
                .excluded_rows
                .values()
                .filter(|why| why.starts_with(TEST_RESPONSE))
                .count();
            if filled > 0 && tests == filled {
                table.excluded_rows.clear();
                let row = table.rows.first().map_or(0, |r| r.number);
                table.notes.push(ReadNote {
                    row,
                    column: Some(status as u32),
                    message: format!(
                        "every one of the {filled} responses is a Qualtrics test response (Status \"Survey Test\"); they are read as responses, as there is nothing else"
                    ),
                });
            }
        }
        table
    }
}

/// Finds a Qualtrics header at the top of `sheet`.
fn find(sheet: &RawSheet) -> Option<Found> {
    let start = sheet
        .rows
        .iter()
        .position(|r| r.cells.iter().any(|c| !c.is_blank()))?;
    let first = &sheet.rows[start];
    let second = sheet.rows.get(start + 1)?;
    if let Some(third) = sheet.rows.get(start + 2) {
        let cells: Vec<String> = texts(third).into_iter().filter(|t| !t.is_empty()).collect();
        let import_ids = cells.iter().filter(|t| import_id(t).is_some()).count();
        if import_ids > 0 && import_ids * 2 >= cells.len() {
            return Some(Found {
                start,
                variant: Variant::ImportIds,
                evidence: format!(
                    "row {} holds Qualtrics ImportIds ({import_ids} of {} cells), under the column ids and question text",
                    third.number,
                    cells.len()
                ),
            });
        }
    }
    let ids = texts(first);
    let labels = texts(second);
    if ids.len() >= 3
        && ids[0] == "V1"
        && ids[..3].iter().all(|id| is_legacy_id(id))
        && labels.iter().any(|l| l.eq_ignore_ascii_case("ResponseID"))
    {
        return Some(Found {
            start,
            variant: Variant::Legacy,
            evidence: format!(
                "row {} holds Qualtrics legacy column ids (V1, V2, …) and row {} the question text, with \"ResponseID\"",
                first.number, second.number
            ),
        });
    }
    // Row 1 of a data row under Qualtrics ids holds a date under StartDate, not its label.
    let labelled: Vec<&str> = ids
        .iter()
        .zip(&labels)
        .filter(|(id, label)| {
            [
                "startdate",
                "enddate",
                "recordeddate",
                "responseid",
                "ipaddress",
            ]
            .contains(&key(id).as_str())
                && key(id) == key(label)
        })
        .map(|(id, _)| id.as_str())
        .collect();
    if labelled.len() >= 2 {
        return Some(Found {
            start,
            variant: Variant::NoImportIds,
            evidence: format!(
                "row {} holds Qualtrics column ids ({}) and row {} their labels; the ImportId row is not there",
                first.number,
                labelled.join(", "),
                second.number
            ),
        });
    }
    None
}

/// The cells of `row` as cleaned text.
fn texts(row: &RawRow) -> Vec<String> {
    row.cells
        .iter()
        .map(|c| clean_text(&c.to_text()).text)
        .collect()
}

/// An id or label compared without case or spaces: `Start Date` is `startdate`.
fn key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The ImportId in a cell of the third header row: `{"ImportId":"QID1"}` or
/// `{'ImportId': 'QID1'}`, possibly with other keys (`"timeZone"`) beside it.
fn import_id(text: &str) -> Option<String> {
    let text = text.trim();
    if !text.starts_with('{') || !text.ends_with('}') {
        return None;
    }
    let after = &text[text.find("ImportId")? + "ImportId".len()..];
    let after = after.strip_prefix(['"', '\''])?.trim_start();
    let after = after.strip_prefix(':')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    let end = value.find(quote)?;
    Some(value[..end].to_string())
}

/// Whether a column is Qualtrics bookkeeping rather than an answer.
fn is_metadata(id: &str, variant: Variant) -> bool {
    let legacy_own = variant == Variant::Legacy && is_legacy_id(id);
    METADATA.contains(&key(id).as_str())
        || id.ends_with("_DO")
        || id.starts_with("Q_")
        || legacy_own
}

/// A legacy export's id for one of Qualtrics' own columns: `V1`, `V2`, …
fn is_legacy_id(id: &str) -> bool {
    id.strip_prefix('V')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// The position of the `Status` ("Response Type") column: id `Status`, or in a legacy export
/// the `V` column labelled "Status".
fn status_column(ids: &[String], texts: &[String], variant: Variant) -> Option<usize> {
    (0..ids.len()).find(|&i| {
        ids[i].eq_ignore_ascii_case("Status")
            || (variant == Variant::Legacy && texts[i].eq_ignore_ascii_case("Status"))
    })
}

/// Why a test response is left out (and how an all-test export is recognised).
const TEST_RESPONSE: &str = "Qualtrics test response";

/// Qualtrics' response types: the `Status` code, its label, and why a row of it is not a
/// response (`None`: a response). The codes and labels are those of Qualtrics' SPSS export
/// (`VALUE LABELS /Status 0 "IP Address" 1 "Survey Preview" ...`).
const RESPONSE_TYPES: [(u32, &str, Option<&str>); 14] = [
    (0, "IP Address", None),
    (1, "Survey Preview", Some("Qualtrics survey preview")),
    (2, "Survey Test", Some(TEST_RESPONSE)),
    (4, "Imported", None),
    (8, "Spam", Some("Qualtrics spam response")),
    (9, "Survey Preview Spam", Some("Qualtrics survey preview")),
    (12, "Imported Spam", Some("Qualtrics spam response")),
    (16, "Offline", None),
    (
        17,
        "Offline Survey Preview",
        Some("Qualtrics survey preview"),
    ),
    (32, "EX", None),
    (40, "EX Spam", Some("Qualtrics spam response")),
    (48, "EX Offline", None),
    (132, "Reimported imported", None),
    (256, "Synthetic", Some("Qualtrics synthetic response")),
];

/// Why a row is not a response: a survey preview, a test, spam or a synthetic response.
fn not_a_response(row: &RawRow, status: usize) -> Option<String> {
    let cell = row.cells.get(status)?;
    let text = clean_text(&cell.to_text()).text;
    let code = match cell {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 => Some(*n as u32),
        _ => text.parse::<u32>().ok(),
    };
    if let Some(code) = code {
        let (_, label, why) = RESPONSE_TYPES.iter().find(|(c, _, _)| *c == code)?;
        return why.map(|why| format!("{why}: Status is {code} ({label})"));
    }
    let (_, label, why) = RESPONSE_TYPES
        .iter()
        .find(|(_, label, _)| text.eq_ignore_ascii_case(label))?;
    why.map(|why| format!("{why}: Status is \"{label}\""))
}

/// One note for every column whose question text repeats an earlier one: Qualtrics repeats
/// texts as a matter of course, and the id is the way to tell such columns apart.
fn repeated_texts_note(table: &Table, renames: &[ReadNote], row: u32) -> Option<ReadNote> {
    // `unique_columns` makes one column per header cell, in order.
    let renamed: Vec<String> = renames
        .iter()
        .filter_map(|n| n.column)
        .filter_map(|index| table.columns.get(index as usize))
        .map(|c| match &c.code {
            Some(id) => format!("\"{}\" ({id})", c.name),
            None => format!("\"{}\"", c.name),
        })
        .collect();
    let shown: Vec<&str> = renamed.iter().take(3).map(String::as_str).collect();
    let more = renamed.len().saturating_sub(shown.len());
    (!renamed.is_empty()).then(|| ReadNote {
        row,
        column: None,
        message: format!(
            "{} column{} repeat an earlier column's question text and are numbered: {}{}; a spec may name any column by its Qualtrics id (row {}) instead",
            renamed.len(),
            if renamed.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() },
            table.header_rows.first().copied().unwrap_or(1),
        ),
    })
}

#[cfg(test)]
mod response_type_tests {
    use super::*;

    fn status(cell: Cell) -> Option<String> {
        not_a_response(
            &RawRow {
                number: 4,
                cells: vec![cell],
            },
            0,
        )
    }

    #[test]
    fn previews_tests_spam_and_synthetic_rows_are_not_responses() {
        assert_eq!(
            status(Cell::Number(2.0)).as_deref(),
            Some("Qualtrics test response: Status is 2 (Survey Test)")
        );
        assert_eq!(
            status(Cell::Text("Survey Test".into())).as_deref(),
            Some("Qualtrics test response: Status is \"Survey Test\"")
        );
        assert_eq!(
            status(Cell::Text("8".into())).as_deref(),
            Some("Qualtrics spam response: Status is 8 (Spam)")
        );
        assert_eq!(
            status(Cell::Text("Survey Preview Spam".into())).as_deref(),
            Some("Qualtrics survey preview: Status is \"Survey Preview Spam\"")
        );
        assert!(status(Cell::Number(256.0)).is_some());
        for kept in [
            Cell::Number(0.0),
            Cell::Number(4.0),
            Cell::Number(16.0),
            Cell::Text("IP Address".into()),
            Cell::Text("Offline".into()),
            Cell::Text("Imported".into()),
            Cell::Empty,
        ] {
            assert_eq!(status(kept.clone()), None, "{kept:?}");
        }
    }
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
        let evidence = QualtricsLayout.detect(sheet).expect("a Qualtrics header");
        QualtricsLayout.flatten(
            Path::new("export.csv"),
            Format::Csv,
            &mut sheet.clone(),
            evidence,
        )
    }

    /// Three header rows and the responses' Status cells.
    fn with_statuses(statuses: &[&str]) -> RawSheet {
        let mut rows = vec![
            row(1, &["Status", "ResponseId", "Q1"]),
            row(2, &["Response Type", "Response ID", "Feel less alone"]),
            row(
                3,
                &[
                    "{\"ImportId\":\"status\"}",
                    "{\"ImportId\":\"_recordId\"}",
                    "{\"ImportId\":\"QID1\"}",
                ],
            ),
        ];
        for (i, status) in statuses.iter().enumerate() {
            rows.push(row(4 + i as u32, &[status, &format!("R_{i}"), "Agree"]));
        }
        sheet(rows)
    }

    #[test]
    fn test_responses_are_left_out_unless_they_are_all_there_is() {
        let mixed = flatten(&with_statuses(&["0", "2", "IP Address", "Survey Test"]));
        let left: Vec<u32> = mixed.excluded_rows.keys().copied().collect();
        assert_eq!(left, [5, 7]);
        let all = flatten(&with_statuses(&["2", "2", "Survey Test"]));
        assert!(all.excluded_rows.is_empty());
        assert!(all.notes.iter().any(|n| n
            .message
            .contains("every one of the 3 responses is a Qualtrics test response")));
    }

    #[test]
    fn import_ids_are_read_in_both_spellings() {
        assert_eq!(
            import_id("{\"ImportId\":\"QID1\"}").as_deref(),
            Some("QID1")
        );
        assert_eq!(
            import_id("{'ImportId': 'QID4#1-1'}").as_deref(),
            Some("QID4#1-1")
        );
        assert_eq!(
            import_id("{\"ImportId\":\"startDate\",\"timeZone\":\"Europe/London\"}").as_deref(),
            Some("startDate")
        );
        assert_eq!(import_id("ImportId"), None);
        assert_eq!(import_id("{\"other\":\"x\"}"), None);
    }

    #[test]
    fn three_row_export_is_named_by_question_text_with_ids_kept() {
        let s = sheet(vec![
            row(
                1,
                &[
                    "StartDate",
                    "Status",
                    "ResponseId",
                    "Q1",
                    "Q2_1",
                    "Q2_2",
                    "Q2_DO",
                    "Q3",
                ],
            ),
            row(
                2,
                &[
                    "Start Date",
                    "Response Type",
                    "Response ID",
                    "Which group?",
                    "How much do you agree? - I feel less alone",
                    "How much do you agree? - I know more",
                    "How much do you agree? - Display Order",
                    "",
                ],
            ),
            row(
                3,
                &[
                    "{\"ImportId\":\"startDate\",\"timeZone\":\"Europe/London\"}",
                    "{\"ImportId\":\"status\"}",
                    "{\"ImportId\":\"_recordId\"}",
                    "{\"ImportId\":\"QID1\"}",
                    "{\"ImportId\":\"QID2_1\"}",
                    "{\"ImportId\":\"QID2_2\"}",
                    "{\"ImportId\":\"QID2_DO\"}",
                    "{\"ImportId\":\"QID3_TEXT\"}",
                ],
            ),
            row(
                4,
                &[
                    "2026-01-05 10:00:00",
                    "IP Address",
                    "R_1",
                    "North",
                    "Agree",
                    "Agree",
                    "1|2",
                    "x",
                ],
            ),
            row(
                5,
                &[
                    "2026-01-05 11:00:00",
                    "Survey Preview",
                    "R_2",
                    "South",
                    "Agree",
                    "",
                    "2|1",
                    "",
                ],
            ),
        ]);
        assert_eq!(
            QualtricsLayout.detect(&s).as_deref(),
            Some("row 3 holds Qualtrics ImportIds (8 of 8 cells), under the column ids and question text")
        );
        let t = flatten(&s);
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Start Date",
                "Response Type",
                "Response ID",
                "Which group?",
                "How much do you agree? - I feel less alone",
                "How much do you agree? - I know more",
                "How much do you agree? - Display Order",
                "Q3"
            ]
        );
        let metadata: Vec<bool> = t.columns.iter().map(|c| c.metadata).collect();
        assert_eq!(
            metadata,
            [true, true, true, false, false, false, true, false]
        );
        assert_eq!(t.header_rows, vec![1, 2, 3]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.column("Q2_2").map(|c| c.index), Some(5));
        assert_eq!(t.column("which group?").map(|c| c.index), Some(3));
        assert_eq!(
            t.excluded_reason(5),
            Some("Qualtrics survey preview: Status is \"Survey Preview\"")
        );
        assert_eq!(t.excluded_rows.len(), 1);
    }

    #[test]
    fn legacy_two_row_export_is_recognised() {
        let s = sheet(vec![
            row(1, &["V1", "V2", "V3", "V7", "Q1"]),
            row(
                2,
                &[
                    "ResponseID",
                    "ResponseSet",
                    "Name",
                    "Status",
                    "Which group?",
                ],
            ),
            row(
                3,
                &["R_1", "Default Response Set", "Anonymous", "0", "North"],
            ),
            row(
                4,
                &["R_2", "Default Response Set", "Anonymous", "1", "South"],
            ),
        ]);
        let t = flatten(&s);
        assert_eq!(t.header_rows, vec![1, 2]);
        assert_eq!(t.columns[4].name, "Which group?");
        assert_eq!(t.columns[4].code.as_deref(), Some("Q1"));
        assert!(t.columns[..4].iter().all(|c| c.metadata));
        assert!(!t.columns[4].metadata);
        assert_eq!(
            t.excluded_reason(4),
            Some("Qualtrics survey preview: Status is 1 (Survey Preview)")
        );
        assert_eq!(t.excluded_rows.len(), 1);
    }

    #[test]
    fn export_without_its_import_id_row_is_recognised() {
        let s = sheet(vec![
            row(1, &["StartDate", "EndDate", "ResponseId", "Q1"]),
            row(
                2,
                &["Start Date", "End Date", "Response ID", "Which group?"],
            ),
            row(3, &["2026-01-05", "2026-01-05", "R_1", "North"]),
        ]);
        let evidence = QualtricsLayout.detect(&s).unwrap();
        assert!(
            evidence.contains("the ImportId row is not there"),
            "{evidence}"
        );
        assert_eq!(flatten(&s).header_rows, vec![1, 2]);
    }

    #[test]
    fn plain_sheets_and_other_platforms_are_not_qualtrics() {
        let plain = sheet(vec![
            row(1, &["StartDate", "ResponseId", "Q1"]),
            row(2, &["2026-01-05", "R_1", "North"]),
            row(3, &["2026-01-06", "R_2", "South"]),
        ]);
        assert_eq!(QualtricsLayout.detect(&plain), None);
        let monkey = sheet(vec![
            row(1, &["Respondent ID", "Collector ID", "Which group?"]),
            row(2, &["", "", "Response"]),
            row(3, &["1", "2", "North"]),
        ]);
        assert_eq!(QualtricsLayout.detect(&monkey), None);
    }

    #[test]
    fn repeated_question_texts_are_numbered_and_noted_once() {
        let s = sheet(vec![
            row(1, &["Q1", "Q1_TEXT", "Q2"]),
            row(2, &["Why?", "Why?", "Why?"]),
            row(
                3,
                &[
                    "{'ImportId': 'QID1'}",
                    "{'ImportId': 'QID1-TEXT'}",
                    "{'ImportId': 'QID2'}",
                ],
            ),
        ]);
        let t = flatten(&s);
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Why?", "Why? (2)", "Why? (3)"]);
        assert_eq!(t.notes.len(), 1, "{:?}", t.notes);
        assert!(t.notes[0].message.starts_with(
            "2 columns repeat an earlier column's question text and are numbered: \"Why? (2)\" (Q1_TEXT), \"Why? (3)\" (Q2)"
        ));
        assert_eq!(t.column("Q1_TEXT").map(|c| c.index), Some(1));
    }
}

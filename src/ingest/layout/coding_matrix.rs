//! Interview or comment coding, matrix: one row per person, one 1/0 column per code.
//!
//! The shape of coded open comments (QualtricsTools' `ResponseID, varname, verbatim,
//! Category 1: …, Category 2: …`) and of interview summaries coded in a spreadsheet
//! (`Interviewee, Role, Summary, <code>, <code>, …`). Recognising it lets `inspect` say what a
//! file is before a spec exists. It only names the shape: a spec reads such a file with
//! `kind = "coding"`, `layout = "matrix"` and its `codes`, which reads the header exactly as
//! `plain` does.
//!
//! A survey with a few yes/no columns looks much the same, so detection is strict: an id in the
//! first column (named like one, one row each), at most three other columns before the codes
//! (the excerpt or summary, and attributes such as role), then at least two code columns that
//! run to the last column, whose filled cells are all 0 or 1 with at least one 1. Nothing that
//! marks a survey may sit before the codes: no date-time column (a submission time).

use std::collections::BTreeSet;
use std::path::Path;

use super::header::{is_date_time, SheetView};
use super::Layout;
use crate::ingest::table::{single_header_table, Table};
use crate::ingest::{Cell, Format, RawSheet};

/// Columns allowed between the id and the codes.
const MOST_BEFORE_CODES: usize = 3;

/// One row per person, one column per code.
pub struct CodingMatrixLayout;

impl Layout for CodingMatrixLayout {
    fn name(&self) -> &'static str {
        "coding_matrix"
    }

    fn detect(&self, sheet: &RawSheet) -> Option<String> {
        let view = SheetView::of(sheet)?;
        if view.rows.is_empty() || !looks_like_id_header(view.keys.first()?) {
            return None;
        }
        let ids: Vec<String> = view
            .rows
            .iter()
            .map(|r| r.cells.first().map(Cell::to_text).unwrap_or_default())
            .map(|t| t.trim().to_string())
            .collect();
        let distinct: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        if ids.iter().any(String::is_empty) || distinct.len() != ids.len() {
            return None;
        }
        // Header columns, without blank trailing headers.
        let width = view.keys.iter().rposition(|k| !k.is_empty())? + 1;
        // The code columns: the longest run of 0/1 columns ending at the last column.
        let mut first_code = width;
        while first_code > 1 && is_mark_column(&view, first_code - 1) {
            first_code -= 1;
        }
        let codes: Vec<usize> = (first_code..width).collect();
        let used = codes
            .iter()
            .filter(|&&i| view.column(i).any(|c| mark(c) == Some(true)))
            .count();
        if codes.len() < 2 || used == 0 || first_code - 1 > MOST_BEFORE_CODES {
            return None;
        }
        let survey_like = (1..first_code).any(|i| {
            let filled = view.column(i).count();
            filled > 0 && view.column(i).filter(|c| is_date_time(c)).count() * 2 >= filled
        });
        if survey_like {
            return None;
        }
        let id = view.header_text(0);
        let mut first_codes: Vec<String> = codes
            .iter()
            .take(2)
            .map(|&i| format!("\"{}\"", view.header_text(i)))
            .collect();
        if codes.len() > first_codes.len() {
            first_codes.push("…".to_string());
        }
        Some(format!(
            "an id column (\"{id}\") and {} code columns holding only 1, 0 or blank ({}): one row per person; read it with kind = \"coding\" and layout = \"matrix\"",
            codes.len(),
            first_codes.join(", ")
        ))
    }

    fn flatten(
        &self,
        file: &Path,
        format: Format,
        sheet: &mut RawSheet,
        evidence: String,
    ) -> Table {
        single_header_table(file.to_path_buf(), format, sheet, "coding_matrix", evidence)
    }
}

/// A named column whose filled cells are all 0 or 1.
fn is_mark_column(view: &SheetView<'_>, index: usize) -> bool {
    !view.keys[index].is_empty() && view.column(index).all(|c| mark(c).is_some())
}

/// 1 → `Some(true)`, 0 → `Some(false)`, anything else → `None`.
fn mark(cell: &Cell) -> Option<bool> {
    match cell {
        Cell::Number(n) if *n == 1.0 => Some(true),
        Cell::Number(n) if *n == 0.0 => Some(false),
        Cell::Text(t) => match t.trim() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// `ResponseID`, `Interviewee`, `Participant ID`, `case`: a header naming a person or response.
fn looks_like_id_header(key: &str) -> bool {
    key.ends_with("id")
        || key.split(|c: char| !c.is_alphanumeric()).any(|word| {
            matches!(
                word,
                "id" | "uuid" | "interviewee" | "participant" | "respondent" | "case" | "person"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::text_row;

    fn sheet(rows: &[&[&str]]) -> RawSheet {
        RawSheet {
            name: "Coded".into(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| text_row(i as u32 + 1, cells))
                .collect(),
            merged: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn coded_comments_are_a_coding_matrix() {
        let s = sheet(&[
            &[
                "ResponseID",
                "verbatim",
                "Category 1: Good",
                "Category 2: More",
            ],
            &["R_1", "Fruit is good", "1", ""],
            &["R_2", "More fruit", "", "1"],
        ]);
        let evidence = CodingMatrixLayout.detect(&s).unwrap();
        assert!(
            evidence.starts_with("an id column (\"ResponseID\") and 2 code columns"),
            "{evidence}"
        );
    }

    #[test]
    fn surveys_with_yes_no_columns_are_not() {
        // A submission time before the 0/1 columns.
        let s = sheet(&[
            &["Respondent ID", "Submitted", "Q1", "Q2"],
            &["R1", "2024-03-05 10:00:00", "1", "0"],
            &["R2", "2024-03-06 11:00:00", "0", "1"],
        ]);
        assert_eq!(CodingMatrixLayout.detect(&s), None);
        // Too many answers before the 0/1 columns.
        let s = sheet(&[
            &[
                "Respondent ID",
                "Age",
                "Group",
                "Tenure",
                "Role",
                "Q1",
                "Q2",
            ],
            &["R1", "51", "North", "1 year", "x", "1", "0"],
        ]);
        assert_eq!(CodingMatrixLayout.detect(&s), None);
        // Only one 0/1 column; answers other than 0/1 at the end.
        let s = sheet(&[&["ID", "Text", "Q1"], &["1", "t", "1"]]);
        assert_eq!(CodingMatrixLayout.detect(&s), None);
        let s = sheet(&[&["ID", "Q1", "Q2", "Q3"], &["1", "1", "0", "2"]]);
        assert_eq!(CodingMatrixLayout.detect(&s), None);
        // A first column that is not an id, or repeats.
        let s = sheet(&[&["Group", "Q1", "Q2"], &["North", "1", "0"]]);
        assert_eq!(CodingMatrixLayout.detect(&s), None);
        let s = sheet(&[&["ID", "Q1", "Q2"], &["1", "1", "0"], &["1", "0", "1"]]);
        assert_eq!(CodingMatrixLayout.detect(&s), None);
    }
}

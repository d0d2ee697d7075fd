//! Google Forms: the responses sheet ("Form Responses 1") downloaded as XLSX or CSV.
//!
//! One header row: `Timestamp` first (a date-time cell in XLSX, text such as
//! `2019/12/13 9:50:29 AM GMT` in CSV), then `Email Address` and `Score` when the form collects
//! them, then one column per question titled with the question text. Two questions with the same
//! title give two columns with the same title; they are made unique (`Title (2)`) and reported.
//!
//! Checkbox answers are joined with ", " even when an option itself contains a comma, and an
//! "Other" answer is written last in the same cell as typed. The cell can only be split right
//! against the question's options, so the spec lists them (`multi = ", "`, `options = [...]`)
//! and the model splits with them; this module reads the header and must not guess options.

use std::path::Path;

use super::header::{is_date_time, SheetView};
use super::Layout;
use crate::ingest::table::{normalise_header, single_header_table, Table};
use crate::ingest::{Format, RawSheet};

/// The first column of every Google Forms export, as Google writes it in a few languages.
const TIMESTAMP: &[&str] = &[
    "timestamp",
    "marca temporal",
    "horodateur",
    "zeitstempel",
    "carimbo de data/hora",
    "informazioni cronologiche",
    "tijdstempel",
];

/// Columns Google adds beside the questions.
const METADATA: &[&str] = &["email address", "score"];

/// A Google Forms responses sheet.
pub struct GoogleFormsLayout;

impl GoogleFormsLayout {
    /// True for the columns Google adds (timestamp, e-mail, quiz score), not questions.
    pub fn is_metadata(header: &str) -> bool {
        let key = normalise_header(header);
        TIMESTAMP.contains(&key.as_str()) || METADATA.contains(&key.as_str())
    }
}

impl Layout for GoogleFormsLayout {
    fn name(&self) -> &'static str {
        "google_forms"
    }

    fn detect(&self, sheet: &RawSheet) -> Option<String> {
        let view = SheetView::of(sheet)?;
        let first = view.keys.first()?;
        if !TIMESTAMP.contains(&first.as_str()) {
            return None;
        }
        let (filled, dated) = view.column(0).fold((0usize, 0usize), |(n, d), c| {
            (n + 1, d + is_date_time(c) as usize)
        });
        // A hand-made sheet may start with a "Timestamp" column too; Google fills it on every
        // response.
        if dated * 10 < view.rows.len() * 9 {
            return None;
        }
        let title = view.header_text(0);
        let mut evidence = if filled == 0 {
            format!("column A is \"{title}\", as in a Google Forms export with no responses yet")
        } else {
            format!(
                "column A is \"{title}\" and {dated} of {filled} responses have a date-time there, as in a Google Forms export"
            )
        };
        if let Some(i) = view.position("email address") {
            evidence.push_str(&format!("; \"{}\" is collected", view.header_text(i)));
        }
        Some(evidence)
    }

    fn flatten(
        &self,
        file: &Path,
        format: Format,
        sheet: &mut RawSheet,
        evidence: String,
    ) -> Table {
        let mut table =
            single_header_table(file.to_path_buf(), format, sheet, "google_forms", evidence);
        for column in &mut table.columns {
            column.metadata = GoogleFormsLayout::is_metadata(&column.header);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Cell, RawRow};

    fn sheet(rows: Vec<Vec<Cell>>) -> RawSheet {
        RawSheet {
            name: "Form Responses 1".into(),
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(i, cells)| RawRow {
                    number: i as u32 + 1,
                    cells,
                })
                .collect(),
            merged: vec![],
            notes: vec![],
        }
    }

    fn text(t: &str) -> Cell {
        Cell::Text(t.into())
    }

    #[test]
    fn a_timestamp_column_of_date_times_is_google_forms() {
        let s = sheet(vec![
            vec![text("Timestamp"), text("Email Address"), text("Q")],
            vec![text("2019/12/13 9:50:29 AM GMT"), text("a@b.c"), text("x")],
            vec![text("2019/12/13 9:51:02 AM GMT"), text("d@e.f"), text("y")],
        ]);
        let evidence = GoogleFormsLayout.detect(&s).unwrap();
        assert!(evidence.contains("2 of 2 responses"), "{evidence}");
        assert!(
            evidence.contains("\"Email Address\" is collected"),
            "{evidence}"
        );
    }

    #[test]
    fn a_timestamp_column_that_is_not_filled_with_date_times_is_not() {
        let s = sheet(vec![
            vec![text("Timestamp"), text("Q")],
            vec![text("yesterday"), text("x")],
            vec![text("2019/12/13 9:51:02"), text("y")],
        ]);
        assert_eq!(GoogleFormsLayout.detect(&s), None);
        let s = sheet(vec![
            vec![text("When"), text("Q")],
            vec![text("2019/12/13 9:51:02"), text("y")],
        ]);
        assert_eq!(GoogleFormsLayout.detect(&s), None);
    }

    #[test]
    fn metadata_is_the_columns_google_adds() {
        assert!(GoogleFormsLayout::is_metadata("Timestamp"));
        assert!(GoogleFormsLayout::is_metadata("Email address"));
        assert!(GoogleFormsLayout::is_metadata("Score"));
        assert!(!GoogleFormsLayout::is_metadata(
            "What is your email address?"
        ));
    }
}

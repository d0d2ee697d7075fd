//! Microsoft Forms: the workbook "Open results in Excel" downloads.
//!
//! One header row: `ID`, `Start time`, `Completion time`, `Email`, `Name` (newer exports add
//! `Last modified time`; quizzes add `Total points`, `Quiz feedback` and `Points - …` /
//! `Feedback - …` beside each question) before one column per question. Those columns are
//! bookkeeping, not answers. Multi-select answers are joined with `;` and end with one
//! (`Option A;Option B;`): the spec says `multi = ";"` and the model's splitting drops the empty
//! part after the last `;`. Only English column names are recognised so far.

use std::path::Path;

use super::header::{is_date_time, quoted_list, SheetView};
use super::Layout;
use crate::ingest::table::{normalise_header, single_header_table, Table};
use crate::ingest::{Format, RawSheet};

/// The columns every export starts with, in this order.
const REQUIRED: &[&str] = &["id", "start time", "completion time"];

/// Bookkeeping columns, required or not.
const METADATA: &[&str] = &[
    "id",
    "start time",
    "completion time",
    "email",
    "name",
    "last modified time",
    "total points",
    "quiz feedback",
    "grade posted time",
];

/// How far in the bookkeeping columns may sit: they come before the questions.
const LEADING: usize = 8;

/// A Microsoft Forms results workbook.
pub struct MsFormsLayout;

impl MsFormsLayout {
    /// True for the columns Microsoft Forms adds (id, times, respondent, quiz points).
    pub fn is_metadata(header: &str) -> bool {
        let key = normalise_header(header);
        METADATA.contains(&key.as_str())
            || key.starts_with("points - ")
            || key.starts_with("feedback - ")
    }
}

impl Layout for MsFormsLayout {
    fn name(&self) -> &'static str {
        "ms_forms"
    }

    fn detect(&self, sheet: &RawSheet) -> Option<String> {
        let view = SheetView::of(sheet)?;
        let mut positions = Vec::with_capacity(REQUIRED.len());
        for key in REQUIRED {
            positions.push(view.position(key).filter(|&i| i < LEADING)?);
        }
        if !positions.windows(2).all(|w| w[0] < w[1]) {
            return None;
        }
        // The two times are date-times on every response.
        for &i in &positions[1..] {
            if view.column(i).filter(|c| is_date_time(c)).count() * 10 < view.rows.len() * 9 {
                return None;
            }
        }
        let mut found: Vec<String> = positions.iter().map(|&i| view.header_text(i)).collect();
        for key in ["email", "name", "last modified time"] {
            if let Some(i) = view.position(key).filter(|&i| i < LEADING) {
                found.push(view.header_text(i));
            }
        }
        Some(format!(
            "columns {} come before the questions, as in a Microsoft Forms export",
            quoted_list(&found)
        ))
    }

    fn flatten(
        &self,
        file: &Path,
        format: Format,
        sheet: &mut RawSheet,
        evidence: String,
    ) -> Table {
        let mut table =
            single_header_table(file.to_path_buf(), format, sheet, "ms_forms", evidence);
        for column in &mut table.columns {
            column.metadata = MsFormsLayout::is_metadata(&column.header);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Cell, RawRow};

    fn row(number: u32, cells: &[&str]) -> RawRow {
        RawRow {
            number,
            cells: cells
                .iter()
                .map(|c| Cell::Text(std::sync::Arc::from(c.to_string())))
                .collect(),
        }
    }

    fn sheet(rows: Vec<RawRow>) -> RawSheet {
        RawSheet {
            name: "Sheet1".into(),
            rows,
            merged: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn id_start_and_completion_times_first_is_ms_forms() {
        let s = sheet(vec![
            row(
                1,
                &["ID", "Start time", "Completion time", "Email", "Name", "Q1"],
            ),
            row(
                2,
                &[
                    "1",
                    "3/5/24 10:15:02",
                    "3/5/24 10:17:40",
                    "anonymous",
                    "",
                    "A;B;",
                ],
            ),
        ]);
        let evidence = MsFormsLayout.detect(&s).unwrap();
        assert!(
            evidence
                .contains("\"ID\", \"Start time\", \"Completion time\", \"Email\" and \"Name\""),
            "{evidence}"
        );
    }

    #[test]
    fn the_same_names_far_into_a_survey_or_out_of_order_are_not() {
        let late = sheet(vec![row(
            1,
            &[
                "a",
                "b",
                "c",
                "d",
                "e",
                "f",
                "g",
                "h",
                "ID",
                "Start time",
                "Completion time",
            ],
        )]);
        assert_eq!(MsFormsLayout.detect(&late), None);
        let swapped = sheet(vec![row(1, &["ID", "Completion time", "Start time", "Q1"])]);
        assert_eq!(MsFormsLayout.detect(&swapped), None);
        let not_times = sheet(vec![
            row(1, &["ID", "Start time", "Completion time", "Q1"]),
            row(2, &["1", "morning", "evening", "x"]),
        ]);
        assert_eq!(MsFormsLayout.detect(&not_times), None);
    }

    #[test]
    fn quiz_columns_are_metadata() {
        assert!(MsFormsLayout::is_metadata("Completion time"));
        assert!(MsFormsLayout::is_metadata(
            "Points - How often do you attend?"
        ));
        assert!(!MsFormsLayout::is_metadata("How often do you attend?"));
    }
}

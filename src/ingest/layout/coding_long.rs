//! Interview coding, long: one row per coded excerpt (who, which code, what was said).
//!
//! Qualitative-analysis tools and hand-kept coding sheets export this shape: Taguette's
//! highlights (`id, document, tag, content`), MAXQDA's coded segments (`Document name, Code,
//! Segment`), or a sheet with `Interviewee, Code, Excerpt`. Recognising it lets `inspect` say
//! what a file is before a spec exists. It only names the shape: a spec reads such a file with
//! `kind = "coding"` and `layout = "long"`, which reads the header exactly as `plain` does.
//!
//! Detection is strict, because a survey read as coding would be described wrongly: a column
//! for who was coded, one for the code and one for the excerpt, each named as coding tools name
//! them, and a code on (nearly) every row.

use std::path::Path;

use super::header::{quoted_list, SheetView};
use super::Layout;
use crate::ingest::table::{single_header_table, Table};
use crate::ingest::{Format, RawSheet};

/// Who the excerpt is from.
const WHO: &[&str] = &[
    "interviewee",
    "interviewee id",
    "participant",
    "participant id",
    "respondent",
    "respondent id",
    "document",
    "document name",
    "transcript",
    "interview",
    "case",
    "speaker",
];

/// Which code it was given.
const CODE: &[&str] = &["code", "codes", "code name", "tag", "tags", "theme", "node"];

/// What was said.
const EXCERPT: &[&str] = &[
    "excerpt",
    "excerpt copy",
    "content",
    "segment",
    "coded segment",
    "coded text",
    "quote",
    "quotation",
    "quotation content",
    "highlight",
    "text",
];

/// Codes are names, not answers written out.
const LONGEST_CODE: usize = 200;

/// One row per coded excerpt.
pub struct CodingLongLayout;

impl Layout for CodingLongLayout {
    fn name(&self) -> &'static str {
        "coding_long"
    }

    fn detect(&self, sheet: &RawSheet) -> Option<String> {
        let view = SheetView::of(sheet)?;
        let find = |names: &[&str]| view.keys.iter().position(|k| names.contains(&k.as_str()));
        let (who, code, excerpt) = (find(WHO)?, find(CODE)?, find(EXCERPT)?);
        if view.rows.is_empty() {
            return None;
        }
        let codes: Vec<String> = view.column(code).map(|c| c.to_text()).collect();
        if codes.len() * 10 < view.rows.len() * 9
            || codes.iter().any(|c| c.chars().count() > LONGEST_CODE)
        {
            return None;
        }
        // With a handful of rows every code may be different; with more, codes repeat.
        let distinct: std::collections::BTreeSet<&str> = codes.iter().map(|c| c.trim()).collect();
        if view.rows.len() >= 10 && distinct.len() == codes.len() {
            return None;
        }
        let names = [who, code, excerpt].map(|i| view.header_text(i));
        Some(format!(
            "columns {} (who, code, excerpt): one row per coded excerpt; read it with kind = \"coding\" and layout = \"long\"",
            quoted_list(&names)
        ))
    }

    fn flatten(
        &self,
        file: &Path,
        format: Format,
        sheet: &mut RawSheet,
        evidence: String,
    ) -> Table {
        single_header_table(file.to_path_buf(), format, sheet, "coding_long", evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Cell, RawRow};

    fn sheet(rows: &[&[&str]]) -> RawSheet {
        RawSheet {
            name: "Coding".into(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| RawRow {
                    number: i as u32 + 1,
                    cells: cells
                        .iter()
                        .map(|c| Cell::Text(std::sync::Arc::from(c.to_string())))
                        .collect(),
                })
                .collect(),
            merged: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn taguette_highlights_are_coding_long() {
        let s = sheet(&[
            &["id", "document", "tag", "content"],
            &[
                "1",
                "interview-03.docx",
                "Reduced isolation",
                "I'm not on my own.",
            ],
            &[
                "2",
                "interview-03.docx",
                "Information",
                "The nurse explained it.",
            ],
        ]);
        let evidence = CodingLongLayout.detect(&s).unwrap();
        assert!(
            evidence.starts_with("columns \"document\", \"tag\" and \"content\""),
            "{evidence}"
        );
    }

    #[test]
    fn a_survey_with_a_code_column_is_not() {
        // No excerpt column.
        let s = sheet(&[&["Respondent", "Code", "Age"], &["R1", "A", "51"]]);
        assert_eq!(CodingLongLayout.detect(&s), None);
        // "Code" holding long answers, not code names.
        let long = "x".repeat(LONGEST_CODE + 1);
        let s = sheet(&[&["Respondent", "Code", "Text"], &["R1", &long, "t"]]);
        assert_eq!(CodingLongLayout.detect(&s), None);
    }
}

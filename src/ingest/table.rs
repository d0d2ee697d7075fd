//! A sheet with its header resolved: named, unique columns over the response rows.
//!
//! Header names are made unique and never blank, and each rename is reported, so that a spec
//! can name every column and a person can see why a column is called what it is.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{column_letters, Cell, Format, RawRow, RawSheet, ReadNote};

/// One column of a [`Table`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Column {
    /// The unique name a spec uses for this column.
    pub name: String,
    /// 0-based position in the sheet.
    pub index: u32,
    /// The header text as written (before blank or duplicate names were fixed).
    pub header: String,
    /// The platform's own id for the column (Qualtrics `Q3_1`), which a spec may use in place
    /// of the name.
    pub code: Option<String>,
    /// The layout knows this column as platform bookkeeping (start date, IP address,
    /// collector), not an answer.
    pub metadata: bool,
}

impl Column {
    pub fn letter(&self) -> String {
        column_letters(self.index)
    }
}

/// A flattened sheet: columns with unique names, and the rows under the header.
#[derive(Debug, Clone)]
pub struct Table {
    pub file: PathBuf,
    pub format: Format,
    /// The sheet name (for CSV/TSV: the file stem).
    pub sheet: String,
    /// Name of the layout the header was read with (`plain`, ...).
    pub layout: &'static str,
    /// Why that layout was chosen.
    pub layout_evidence: String,
    /// Sheet row numbers of the header rows (1-based).
    pub header_rows: Vec<u32>,
    /// The last row (or CSV line) the header takes up; 0 when there is no header.
    pub header_end: u32,
    pub columns: Vec<Column>,
    /// Rows below the header, as read (blank rows included where the file has them).
    pub rows: Vec<RawRow>,
    /// Rows that precede the header and were blank (kept for the row ledger).
    pub leading_blank_rows: Vec<u32>,
    /// Rows under the header that the layout knows are not responses (a Qualtrics survey
    /// preview), by row number, with the reason the row ledger gives for leaving each out.
    pub excluded_rows: BTreeMap<u32, String>,
    /// Reader notes and header fixes, in sheet order.
    pub notes: Vec<ReadNote>,
}

impl Table {
    /// True for workbooks (cells have A1 references); false for CSV/TSV (lines).
    pub fn has_cells(&self) -> bool {
        !matches!(self.format, Format::Csv | Format::Tsv)
    }

    /// How a person finds a cell: `C7` in a workbook, `line 7, column C ("Age")` in CSV.
    pub fn place(&self, row: u32, column: u32) -> String {
        let name = self
            .columns
            .iter()
            .find(|c| c.index == column)
            .map(|c| c.name.as_str())
            .unwrap_or("");
        if self.has_cells() {
            format!("cell {}{row} (\"{name}\")", column_letters(column))
        } else {
            format!("line {row}, column {} (\"{name}\")", column_letters(column))
        }
    }

    /// The last sheet row or CSV line `row` takes up: a quoted CSV field may span lines.
    pub fn last_line(&self, row: &RawRow) -> u32 {
        if self.has_cells() {
            return row.number;
        }
        let breaks: usize = row
            .cells
            .iter()
            .map(|c| match c {
                Cell::Text(t) => line_breaks(t),
                _ => 0,
            })
            .sum();
        row.number.saturating_add(breaks as u32)
    }

    /// How a person finds a row: `row 7` or `line 7`.
    pub fn row_place(&self, row: u32) -> String {
        if self.has_cells() {
            format!("row {row}")
        } else {
            format!("line {row}")
        }
    }

    /// The column a spec means by `name`: its name, compared loosely, or else the platform's
    /// id for it (Qualtrics `Q3_1`).
    pub fn column(&self, name: &str) -> Option<&Column> {
        let wanted = normalise_header(name);
        self.columns
            .iter()
            .find(|c| c.name == name)
            .or_else(|| {
                self.columns
                    .iter()
                    .find(|c| normalise_header(&c.name) == wanted)
            })
            .or_else(|| {
                let by_code = |c: &&Column| c.code.as_deref() == Some(name.trim());
                let loosely = |c: &&Column| {
                    c.code
                        .as_deref()
                        .is_some_and(|code| normalise_header(code) == wanted)
                };
                let exact = self.columns.iter().find(by_code);
                exact.or_else(|| self.columns.iter().find(loosely))
            })
    }

    /// Why the layout left row `number` out, when it did.
    pub fn excluded_reason(&self, number: u32) -> Option<&str> {
        self.excluded_rows.get(&number).map(String::as_str)
    }

    /// The cell of `row` in `column`, `Empty` when the row is shorter.
    pub fn cell<'a>(&self, row: &'a RawRow, column: &Column) -> &'a Cell {
        static EMPTY: Cell = Cell::Empty;
        row.cells.get(column.index as usize).unwrap_or(&EMPTY)
    }
}

/// Line breaks as a text editor counts them: `\r\n`, `\n` or a lone `\r` each end a line.
fn line_breaks(text: &str) -> usize {
    text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count()
}

/// Header text compared loosely: trimmed, inner whitespace collapsed, case-folded, curly quotes
/// straightened. Exports re-typed by hand differ from the spec in just these ways.
pub fn normalise_header(text: &str) -> String {
    let straight: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
            c => c,
        })
        .collect();
    straight
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Builds a table from `sheet` with one header row: the first row that is not blank. The
/// rows under the header move into the table.
pub fn single_header_table(
    file: PathBuf,
    format: Format,
    sheet: &mut RawSheet,
    layout: &'static str,
    layout_evidence: String,
) -> Table {
    let mut notes = sheet.notes.clone();
    let header_pos = sheet
        .rows
        .iter()
        .position(|r| r.cells.iter().any(|c| !c.is_blank()));
    let (leading_blank_rows, header) = match header_pos {
        Some(pos) => (
            sheet.rows[..pos].iter().map(|r| r.number).collect(),
            Some(sheet.rows[pos].clone()),
        ),
        None => (sheet.rows.iter().map(|r| r.number).collect(), None),
    };
    let mut columns = Vec::new();
    if let Some(header) = &header {
        let texts = header_texts(header, sheet);
        columns = unique_columns(&texts, header.number, &mut notes);
    }
    let rows = match header_pos {
        Some(pos) => std::mem::take(&mut sheet.rows).split_off(pos + 1),
        None => Vec::new(),
    };
    let mut table = Table {
        file,
        format,
        sheet: sheet.name.clone(),
        layout,
        layout_evidence,
        header_rows: header.iter().map(|h| h.number).collect(),
        header_end: 0,
        columns,
        rows,
        leading_blank_rows,
        excluded_rows: BTreeMap::new(),
        notes,
    };
    table.header_end = header.map_or(0, |h| table.last_line(&h));
    table
}

/// Builds a table whose header takes the rows `header` of `sheet.rows` (positions, not row
/// numbers), with the columns a layout has already named from them. Rows before the header
/// must be blank; they go to the ledger as such. The rows under the header move into the
/// table.
pub fn header_block_table(
    file: PathBuf,
    format: Format,
    sheet: &mut RawSheet,
    header: std::ops::Range<usize>,
    columns: Vec<Column>,
    layout: &'static str,
    layout_evidence: String,
) -> Table {
    let header = header.start.min(sheet.rows.len())..header.end.min(sheet.rows.len());
    let last_header = header.end.checked_sub(1).filter(|&l| l >= header.start);
    let last_header = last_header.map(|l| sheet.rows[l].clone());
    let mut table = Table {
        file,
        format,
        sheet: sheet.name.clone(),
        layout,
        layout_evidence,
        header_rows: sheet.rows[header.clone()]
            .iter()
            .map(|r| r.number)
            .collect(),
        header_end: 0,
        columns,
        rows: Vec::new(),
        leading_blank_rows: sheet.rows[..header.start]
            .iter()
            .map(|r| r.number)
            .collect(),
        excluded_rows: BTreeMap::new(),
        notes: sheet.notes.clone(),
    };
    table.rows = std::mem::take(&mut sheet.rows).split_off(header.end);
    table.header_end = last_header.map_or(0, |h| table.last_line(&h));
    table
}

/// The texts of a header row, one per column up to `width`, with merged cells filled from
/// their first cell (as [`single_header_table`] does for its one row).
pub fn header_row_texts(row: &RawRow, sheet: &RawSheet, width: usize) -> Vec<String> {
    let mut texts = header_texts(row, sheet);
    texts.resize(width.max(texts.len()), String::new());
    texts.truncate(width);
    texts
}

/// The header row's texts, with merged header cells filled from their first cell.
fn header_texts(header: &RawRow, sheet: &RawSheet) -> Vec<String> {
    let mut texts: Vec<String> = header.cells.iter().map(|c| c.to_text()).collect();
    let row0 = header.number.saturating_sub(1);
    for merged in &sheet.merged {
        if merged.first.0 <= row0 && row0 <= merged.last.0 {
            let first_col = merged.first.1 as usize;
            let value = texts.get(first_col).cloned().unwrap_or_default();
            let last_col = (merged.last.1 as usize).min(texts.len().saturating_sub(1));
            for text in texts.iter_mut().take(last_col + 1).skip(first_col + 1) {
                if text.trim().is_empty() {
                    *text = value.clone();
                }
            }
        }
    }
    // Trailing blank headers with no data are not columns.
    while texts.last().is_some_and(|t| t.trim().is_empty()) {
        texts.pop();
    }
    texts
}

/// Makes header texts into unique, non-blank column names, reporting each change.
pub fn unique_columns(texts: &[String], header_row: u32, notes: &mut Vec<ReadNote>) -> Vec<Column> {
    let mut taken: std::collections::BTreeSet<String> = Default::default();
    let mut first_at: BTreeMap<String, u32> = BTreeMap::new();
    let mut columns = Vec::with_capacity(texts.len());
    for (i, text) in texts.iter().enumerate() {
        let index = i as u32;
        let cleaned = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut name = if cleaned.is_empty() {
            let name = format!("Column {}", column_letters(index));
            notes.push(ReadNote {
                row: header_row,
                column: Some(index),
                message: format!(
                    "the header of column {} is blank; it is called \"{name}\"",
                    column_letters(index)
                ),
            });
            name
        } else {
            cleaned
        };
        let key = name.to_lowercase();
        if taken.contains(&key) {
            // The first free "Name (n)": a later header may itself be called "Name (2)".
            let renamed = (2..)
                .map(|n| format!("{name} ({n})"))
                .find(|candidate| !taken.contains(&candidate.to_lowercase()))
                .unwrap_or_else(|| format!("{name} ({index})"));
            let first = first_at.get(&key).map_or_else(String::new, |c| {
                format!(" (first in column {})", column_letters(*c))
            });
            notes.push(ReadNote {
                row: header_row,
                column: Some(index),
                message: format!(
                    "the header \"{name}\" appears again in column {}{first}; this one is called \"{renamed}\"",
                    column_letters(index),
                ),
            });
            name = renamed;
        } else {
            first_at.insert(key, index);
        }
        taken.insert(name.to_lowercase());
        columns.push(Column {
            name,
            index,
            header: text.clone(),
            code: None,
            metadata: false,
        });
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::MergedRange;

    use crate::ingest::test_support::text_row;

    #[test]
    fn blank_and_duplicate_headers_are_renamed_and_reported() {
        let sheet = RawSheet {
            name: "Responses".into(),
            rows: vec![
                text_row(1, &["ID", "", "Comment", "comment"]),
                text_row(2, &["1", "x", "a", "b"]),
            ],
            merged: vec![],
            notes: vec![],
        };
        let t = single_header_table(
            "f.xlsx".into(),
            Format::Xlsx,
            &mut sheet.clone(),
            "plain",
            String::new(),
        );
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["ID", "Column B", "Comment", "comment (2)"]);
        assert_eq!(t.notes.len(), 2);
        assert!(t.notes[0].message.contains("column B is blank"));
        assert!(t.notes[1]
            .message
            .contains("appears again in column D (first in column C)"));
        assert_eq!(t.rows.len(), 1);
    }

    /// Regression: a header literally called "A (2)" after a renamed duplicate "A" panicked.
    #[test]
    fn a_header_that_looks_like_a_renamed_duplicate_stays_unique() {
        for headers in [["id", "A", "A", "A (2)"], ["id", "A (2)", "A", "A"]] {
            let texts: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
            let mut notes = Vec::new();
            let columns = unique_columns(&texts, 1, &mut notes);
            let names: std::collections::BTreeSet<String> =
                columns.iter().map(|c| c.name.to_lowercase()).collect();
            assert_eq!(names.len(), 4, "{columns:?}");
        }
    }

    #[test]
    fn merged_header_cells_take_the_merged_text() {
        let sheet = RawSheet {
            name: "S".into(),
            rows: vec![
                text_row(1, &["ID", "Rating", "", ""]),
                text_row(2, &["1", "a", "b", "c"]),
            ],
            merged: vec![MergedRange {
                first: (0, 1),
                last: (0, 3),
            }],
            notes: vec![],
        };
        let t = single_header_table(
            "f.xlsx".into(),
            Format::Xlsx,
            &mut sheet.clone(),
            "plain",
            String::new(),
        );
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["ID", "Rating", "Rating (2)", "Rating (3)"]);
    }

    #[test]
    fn leading_blank_rows_are_kept_for_the_ledger() {
        let sheet = RawSheet {
            name: "S".into(),
            rows: vec![
                text_row(1, &["", ""]),
                text_row(2, &["A", "B"]),
                text_row(3, &["1", "2"]),
            ],
            merged: vec![],
            notes: vec![],
        };
        let t = single_header_table(
            "f.csv".into(),
            Format::Csv,
            &mut sheet.clone(),
            "plain",
            String::new(),
        );
        assert_eq!(t.leading_blank_rows, vec![1]);
        assert_eq!(t.header_rows, vec![2]);
        assert_eq!(t.place(3, 1), "line 3, column B (\"B\")");
    }

    #[test]
    fn columns_match_loosely_on_spacing_case_and_quotes() {
        assert_eq!(
            normalise_header("  Why did you\u{00A0}first  come along? "),
            normalise_header("why did you first come along?")
        );
        assert_eq!(
            normalise_header("I can\u{2019}t"),
            normalise_header("I can't")
        );
    }
}

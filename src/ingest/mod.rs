//! Ingest: bytes on disk to raw sheets of cells.
//!
//! This stage knows file formats (CSV/TSV text in its encodings, XLSX/XLSM/XLSB/XLS/ODS
//! workbooks) and nothing about surveys: it yields [`RawSheet`]s — rows of typed [`Cell`]s with
//! their sheet row numbers — and leaves headers, layouts and answers to [`table`] and
//! [`crate::model`]. Every file is untrusted: [`Limits`] are checked before a reader allocates
//! anything sized by what the file declares.

pub mod dates;
pub mod describe;
mod error;
pub mod format;
pub mod guard;
pub mod infer;
pub mod layout;
pub mod normalise;
pub mod table;
mod text;
mod workbook;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::limits::Limits;
pub use error::IngestError;
pub use format::Format;

/// One cell as read from a file, before any survey meaning is given to it.
///
/// Text is shared: the many cells of a column that hold the same scale level or option (a
/// workbook's shared string) hold one text between them, so a national survey's sheet is not
/// millions of small copies. A cell is 24 bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(Arc<str>),
    Number(f64),
    Bool(bool),
    /// A date or date-time, already converted with the workbook's 1900 or 1904 date system.
    Date(chrono::NaiveDateTime),
    /// A formula error value such as `#N/A` or `#DIV/0!`.
    Error(Box<str>),
}

impl Cell {
    /// True for cells with nothing in them (including text that is only whitespace).
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way a person would read it in a spreadsheet.
    pub fn to_text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => Ok(()),
            Cell::Text(s) => f.write_str(s),
            Cell::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    write!(f, "{}", *n as i64)
                } else {
                    write!(f, "{n}")
                }
            }
            Cell::Bool(b) => f.write_str(if *b { "TRUE" } else { "FALSE" }),
            Cell::Date(d) => {
                if d.time() == chrono::NaiveTime::MIN {
                    write!(f, "{}", d.format("%Y-%m-%d"))
                } else {
                    write!(f, "{}", d.format("%Y-%m-%d %H:%M:%S"))
                }
            }
            Cell::Error(e) => f.write_str(e),
        }
    }
}

/// One row of a sheet. `number` is the 1-based row number a person sees in the spreadsheet
/// (or, for CSV/TSV, the 1-based line on which the record starts).
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    pub number: u32,
    pub cells: Vec<Cell>,
}

/// A rectangle of merged cells, 0-based and inclusive, as (row, column) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedRange {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

/// Something the reader noticed and kept going past (a ragged CSV row, a formula error cell).
/// The model turns these into validation warnings; nothing is dropped silently.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadNote {
    /// 1-based row (or CSV line) the note is about.
    pub row: u32,
    /// 0-based column, when the note is about one cell.
    pub column: Option<u32>,
    pub message: String,
}

/// A sheet as read: only rows that exist in the file are stored (blank rows in an XLSX have no
/// row element and are not materialised; blank CSV records are kept so the ledger can count them).
#[derive(Debug, Clone, PartialEq)]
pub struct RawSheet {
    pub name: String,
    pub rows: Vec<RawRow>,
    pub merged: Vec<MergedRange>,
    pub notes: Vec<ReadNote>,
}

/// A whole input file: one sheet for CSV/TSV, one or more for workbooks.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub path: PathBuf,
    pub format: Format,
    /// For CSV/TSV: the encoding and delimiter that were detected, e.g. "UTF-8 (BOM), ','".
    pub text_details: Option<String>,
    /// Every sheet name in the workbook, in workbook order, including those not loaded.
    pub sheet_names: Vec<String>,
    pub sheets: Vec<RawSheet>,
}

/// Which sheets to load from a workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetSelection<'a> {
    All,
    First,
    Named(&'a str),
}

/// Reads a file of any supported format, choosing the reader from the file's first bytes.
pub fn read_workbook(
    path: &Path,
    sheets: SheetSelection<'_>,
    limits: &Limits,
) -> Result<Workbook, IngestError> {
    let detected = format::detect(path, limits)?;
    match detected {
        Format::Csv | Format::Tsv => text::read_text_table(path, detected, limits),
        _ => workbook::read_spreadsheet(path, detected, sheets, limits),
    }
}

/// The A1-style reference of a 0-based (row, column) position: `(0, 0)` is `A1`.
pub fn a1(row: u32, column: u32) -> String {
    format!("{}{}", column_letters(column), row as u64 + 1)
}

/// Spreadsheet column letters for a 0-based column index: 0 → `A`, 26 → `AA`.
pub fn column_letters(column: u32) -> String {
    let mut n = column as u64 + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_spreadsheet_convention() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16_383), "XFD");
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(9, 2), "C10");
    }
}

/// Sheets written out in tests: rows of text cells, `""` for a blank cell.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{Cell, RawRow};

    pub(crate) fn text_row(number: u32, cells: &[&str]) -> RawRow {
        RawRow {
            number,
            cells: cells
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(std::sync::Arc::from(*c))
                    }
                })
                .collect(),
        }
    }
}

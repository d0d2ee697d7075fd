//! A description of an input file for a person meeting it for the first time (`inspect`).

use std::path::Path;

use super::infer::{profile_columns, ColumnProfile};
use super::{format, layout, read_workbook, Cell, Format, IngestError, Limits, SheetSelection};

/// What `inspect --json` prints. The shape (`file`, `format`, `sheets[].name`, `.layout`,
/// `.header_rows`, `.rows`, `.columns`) is a contract; other keys may be added.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileDescription {
    pub file: String,
    pub format: Format,
    /// Encoding and delimiter of a CSV/TSV file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Set when the extension says one format and the content another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format_note: Option<String>,
    pub sheets: Vec<SheetDescription>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SheetDescription {
    pub name: String,
    pub layout: String,
    pub layout_evidence: String,
    /// Number of header rows.
    pub header_rows: usize,
    /// Number of responses: non-blank rows below the header, less those the layout leaves out.
    pub rows: usize,
    /// Blank rows below the header (not responses).
    pub blank_rows: usize,
    /// Rows the layout knows are not responses (a Qualtrics survey preview); each is named in
    /// `notes`.
    pub excluded_rows: usize,
    pub columns: Vec<ColumnProfile>,
    /// Header fixes and reader notes, e.g. a renamed duplicate header or a ragged CSV line.
    pub notes: Vec<String>,
}

/// Reads `path` (every sheet) and describes it.
pub fn describe_file(path: &Path, limits: &Limits) -> Result<FileDescription, IngestError> {
    let mut workbook = read_workbook(path, SheetSelection::All, limits)?;
    let mut sheets = Vec::new();
    for sheet in &mut workbook.sheets {
        let table = layout::detect_and_flatten(path, workbook.format, sheet);
        let non_blank = table
            .rows
            .iter()
            .filter(|r| !r.cells.iter().all(Cell::is_blank))
            .count();
        let excluded = table
            .rows
            .iter()
            .filter(|r| !r.cells.iter().all(Cell::is_blank))
            .filter_map(|r| table.excluded_reason(r.number).map(|why| (r.number, why)))
            .collect::<Vec<_>>();
        let notes = table
            .notes
            .iter()
            .map(|n| format!("{}: {}", table.row_place(n.row), n.message))
            .chain(excluded.iter().map(|(row, why)| {
                format!("{}: not a response, left out: {why}", table.row_place(*row))
            }))
            .collect();
        sheets.push(SheetDescription {
            name: sheet.name.clone(),
            layout: table.layout.to_string(),
            layout_evidence: table.layout_evidence.clone(),
            header_rows: table.header_rows.len(),
            rows: non_blank - excluded.len(),
            blank_rows: table.rows.len() - non_blank,
            excluded_rows: excluded.len(),
            columns: profile_columns(&table),
            notes,
        });
    }
    Ok(FileDescription {
        file: path.display().to_string(),
        format: workbook.format,
        text: workbook.text_details.clone(),
        format_note: format::extension_mismatch(path, workbook.format),
        sheets,
    })
}

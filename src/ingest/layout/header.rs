//! What the layouts' detectors look at: the header row, the rows under it, date-time cells.
//!
//! Detection reads the sheet as it is, before any layout flattens it, so every detector needs the
//! same few questions answered the same way. The header row is the first row that is not blank,
//! as [`single_header_table`](crate::ingest::table::single_header_table) takes it.

use crate::ingest::table::normalise_header;
use crate::ingest::{Cell, RawRow, RawSheet};

/// The header row and the rows under it.
pub(super) struct SheetView<'s> {
    pub header: &'s RawRow,
    /// Each header cell compared loosely (trimmed, case-folded), with trailing blank cells kept.
    pub keys: Vec<String>,
    /// Rows under the header that hold something.
    pub rows: Vec<&'s RawRow>,
}

impl<'s> SheetView<'s> {
    /// `None` when the sheet is blank.
    pub fn of(sheet: &'s RawSheet) -> Option<SheetView<'s>> {
        let position = sheet
            .rows
            .iter()
            .position(|r| r.cells.iter().any(|c| !c.is_blank()))?;
        let header = &sheet.rows[position];
        let keys = header
            .cells
            .iter()
            .map(|c| normalise_header(&c.to_text()))
            .collect();
        let rows = sheet.rows[position + 1..]
            .iter()
            .filter(|r| r.cells.iter().any(|c| !c.is_blank()))
            .collect();
        Some(SheetView { header, keys, rows })
    }

    /// Position of the first header that reads `key` (already normalised).
    pub fn position(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    /// The header as written in column `index`.
    pub fn header_text(&self, index: usize) -> String {
        self.header
            .cells
            .get(index)
            .map(|c| c.to_text().trim().to_string())
            .unwrap_or_default()
    }

    /// The non-blank cells of column `index` under the header.
    pub fn column(&self, index: usize) -> impl Iterator<Item = &'s Cell> + '_ {
        self.rows
            .iter()
            .filter_map(move |r| r.cells.get(index))
            .filter(|c| !c.is_blank())
    }
}

/// `"A", "B" and "C"` for evidence messages.
pub(super) fn quoted_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A date-time as a workbook stores it, or as an export writes it in text: a date of three
/// numbers (`2019/12/13`, `13/12/2019`, `2019-12-13`, `13.12.2019`) then a time (`9:50:29`),
/// with anything after (`AM GMT`, `+00:00`) ignored. ISO `T` between them is accepted.
pub(super) fn is_date_time(cell: &Cell) -> bool {
    match cell {
        Cell::Date(_) => true,
        Cell::Text(text) => {
            let text = text.trim();
            let (date, time) = match text.split_once([' ', 'T']) {
                Some(parts) => parts,
                None => return false,
            };
            let fields: Vec<&str> = date.split(['/', '-', '.']).collect();
            let date_ok = fields.len() == 3
                && fields
                    .iter()
                    .all(|f| (1..=4).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()));
            let time = time.trim_start();
            let clock: Vec<&str> = time
                .split(|c: char| !c.is_ascii_digit() && c != ':')
                .next()
                .unwrap_or("")
                .split(':')
                .collect();
            let time_ok = clock.len() >= 2
                && clock
                    .iter()
                    .all(|f| (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()));
            date_ok && time_ok
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_as_platforms_write_them() {
        for text in [
            "2019/12/13 9:50:29 AM GMT",
            "13/12/2019 09:50:29",
            "2024-03-05T10:15:02.123+00:00",
            "12.3.2024 10:15",
        ] {
            assert!(is_date_time(&Cell::Text(text.into())), "{text}");
        }
        for text in ["2019", "Yes", "9:50", "2019/12/13", "a/b/c 1:2"] {
            assert!(!is_date_time(&Cell::Text(text.into())), "{text}");
        }
    }

    #[test]
    fn evidence_lists_read_as_prose() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(quoted_list(&names(&["ID"])), "\"ID\"");
        assert_eq!(
            quoted_list(&names(&["ID", "Start time", "Completion time"])),
            "\"ID\", \"Start time\" and \"Completion time\""
        );
    }
}

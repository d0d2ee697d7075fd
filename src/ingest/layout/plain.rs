//! The plain layout: one header row, one row per response.

use std::path::Path;

use super::Layout;
use crate::ingest::table::{single_header_table, Table};
use crate::ingest::{Format, RawSheet};

/// One header row (the first row that is not blank), responses below.
pub struct PlainLayout;

impl Layout for PlainLayout {
    fn name(&self) -> &'static str {
        "plain"
    }

    fn detect(&self, sheet: &RawSheet) -> Option<String> {
        let header = sheet
            .rows
            .iter()
            .find(|r| r.cells.iter().any(|c| !c.is_blank()))?;
        Some(format!(
            "row {} is a single header row; no survey-platform header rows were recognised",
            header.number
        ))
    }

    fn flatten(
        &self,
        file: &Path,
        format: Format,
        sheet: &mut RawSheet,
        evidence: String,
    ) -> Table {
        single_header_table(file.to_path_buf(), format, sheet, "plain", evidence)
    }
}

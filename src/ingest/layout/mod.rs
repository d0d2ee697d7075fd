//! Survey-platform layouts: how an export's header rows become one row of column names.
//!
//! One file per layout, each behind [`Layout`]. `auto` asks each layout in turn whether it
//! recognises the sheet and takes the first that does, keeping its evidence so `inspect` can say
//! why.

mod coding_long;
mod coding_matrix;
mod google_forms;
mod header;
mod kobo;
mod ms_forms;
mod plain;
mod qualtrics;
mod surveymonkey;

use std::path::Path;

pub use coding_long::CodingLongLayout;
pub use coding_matrix::CodingMatrixLayout;
pub use google_forms::GoogleFormsLayout;
pub use kobo::{is_repeat_group, join_repeat_groups, KoboLayout, REPEAT_SEPARATOR};
pub use ms_forms::MsFormsLayout;
pub use plain::PlainLayout;
pub use qualtrics::QualtricsLayout;
pub use surveymonkey::SurveyMonkeyLayout;

use super::table::Table;
use super::{Format, RawSheet};

/// A way of laying out a survey export.
pub trait Layout {
    /// The name used in the spec's `layout = "..."` and in `inspect`.
    fn name(&self) -> &'static str;
    /// Why this layout fits `sheet`, or `None` when it does not.
    fn detect(&self, sheet: &RawSheet) -> Option<String>;
    /// The sheet flattened to one header row. The sheet's rows move into the table (a
    /// national survey's rows are most of the memory a run needs); the sheet is left
    /// without them.
    fn flatten(&self, file: &Path, format: Format, sheet: &mut RawSheet, evidence: String)
        -> Table;
}

/// Every layout, most specific first; `plain` comes last and accepts anything.
pub fn all() -> Vec<Box<dyn Layout>> {
    vec![
        Box::new(QualtricsLayout),
        Box::new(SurveyMonkeyLayout),
        Box::new(KoboLayout),
        Box::new(MsFormsLayout),
        Box::new(GoogleFormsLayout),
        // Coding shapes after every platform: `inspect` names them, a survey must not be one.
        Box::new(CodingLongLayout),
        Box::new(CodingMatrixLayout),
        Box::new(PlainLayout),
    ]
}

/// The layout called `name`, if there is one.
pub fn by_name(name: &str) -> Option<Box<dyn Layout>> {
    all().into_iter().find(|l| l.name() == name)
}

/// The first layout that recognises `sheet`, with its evidence.
pub fn detect(sheet: &RawSheet) -> Option<(Box<dyn Layout>, String)> {
    all()
        .into_iter()
        .find_map(|layout| layout.detect(sheet).map(|evidence| (layout, evidence)))
}

/// Flattens `sheet` with the first layout that recognises it; its rows move into the table.
pub fn detect_and_flatten(file: &Path, format: Format, sheet: &mut RawSheet) -> Table {
    match detect(sheet) {
        Some((layout, evidence)) => layout.flatten(file, format, sheet, evidence),
        None => PlainLayout.flatten(file, format, sheet, "no other layout matched".to_string()),
    }
}

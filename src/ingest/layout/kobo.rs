//! KoboToolbox (and ODK Central) exports of an XLSForm survey, as XLSX or CSV.
//!
//! One header row. Questions are named by their XLSForm names with their groups
//! (`about_you/age`; Kobo can also export labels instead) and the system adds its bookkeeping:
//! `_id`, `_uuid`, `_submission_time`, `_index`, `_status`, `_submitted_by`, `__version__`, …,
//! and the metadata questions `start`, `end`, `today`, `deviceid`, `meta/instanceID`. A
//! select_multiple question is one cell of its chosen option names joined by spaces
//! (`multi = " "` in the spec), optionally followed by one column per option named
//! `question/option` holding 1/0 (or True/False); an "or other" question adds a
//! `question_other` text column. ODK Central writes `SubmissionDate`, `meta-instanceID`, `KEY`,
//! `SubmitterID`, … instead, with `-` between group and question.
//!
//! Repeat groups go to further sheets whose rows point at the main sheet's `_index` through
//! `_parent_index`. [`join_repeat_groups`] joins them to the main sheet, one row per
//! submission: each repeat-group column becomes a column of the main table holding the values
//! of that submission's repeat rows joined with `"; "` (a spec reads it as a multi-select
//! question, `multi = "; "`: she counts for an answer if any of her rows gave it), and
//! `<sheet>/_count` holds how many repeat rows she has.

use std::path::Path;

use super::header::{quoted_list, SheetView};
use super::Layout;
use crate::ingest::table::{normalise_header, single_header_table, Column as TableColumn, Table};
use crate::ingest::{Cell, Format, RawSheet};

/// Kobo's system columns, on the main sheet and on repeat-group sheets.
const SYSTEM: &[&str] = &[
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
    "_status",
    "_submitted_by",
    "__version__",
    "_validation_status",
    "_notes",
    "_tags",
    "_xform_id_string",
    "_attachments",
    "_geolocation",
    "_parent_index",
    "_parent_table_name",
    "_submission__id",
    "_submission__uuid",
    "_submission__submission_time",
];

/// One of these must be there: the others (`_id`, `_index`, `_status`) are common words in
/// other exports too.
const ANCHORS: &[&str] = &[
    "_uuid",
    "_submission_time",
    "_parent_index",
    "_submission__uuid",
];

/// ODK Central's bookkeeping columns.
const ODK_CENTRAL: &[&str] = &[
    "submissiondate",
    "key",
    "submitterid",
    "submittername",
    "attachmentspresent",
    "attachmentsexpected",
    "status",
    "reviewstate",
    "deviceid",
    "edits",
    "formversion",
];

/// XLSForm metadata questions: answered by the device, not the respondent.
const FORM_METADATA: &[&str] = &[
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "simserial",
    "subscriberid",
    "phonenumber",
    "audit",
    "formhub/uuid",
];

/// A KoboToolbox or ODK Central export.
pub struct KoboLayout;

impl KoboLayout {
    /// True for system and device columns (`_uuid`, `start`, `meta/instanceID`, ...), not questions.
    pub fn is_metadata(header: &str) -> bool {
        let key = normalise_header(header);
        key.starts_with('_')
            || FORM_METADATA.contains(&key.as_str())
            || ODK_CENTRAL.contains(&key.as_str())
            || ["meta/", "meta-", "meta:"]
                .iter()
                .any(|group| key.starts_with(group))
    }
}

impl Layout for KoboLayout {
    fn name(&self) -> &'static str {
        "kobo"
    }

    fn detect(&self, sheet: &RawSheet) -> Option<String> {
        let view = SheetView::of(sheet)?;
        let present = |names: &[&str]| -> Vec<String> {
            view.keys
                .iter()
                .enumerate()
                .filter(|(_, k)| names.contains(&k.as_str()))
                .map(|(i, _)| view.header_text(i))
                .collect()
        };
        let system = present(SYSTEM);
        let anchored = view.keys.iter().any(|k| ANCHORS.contains(&k.as_str()));
        if anchored && system.len() >= 2 {
            let shown = system_summary(&system);
            if view.position("_parent_index").is_some() {
                return Some(format!(
                    "Kobo system columns {shown}: a repeat-group sheet, linked to the main sheet by \"_parent_index\" and joined to it when the main sheet is read"
                ));
            }
            return Some(format!("Kobo system columns {shown}"));
        }
        let instance = view.keys.iter().any(|k| {
            matches!(
                k.as_str(),
                "meta-instanceid" | "meta/instanceid" | "meta:instanceid"
            )
        });
        if view.position("submissiondate").is_some() && (instance || view.position("key").is_some())
        {
            let central = present(ODK_CENTRAL);
            return Some(format!("ODK Central columns {}", system_summary(&central)));
        }
        None
    }

    fn flatten(
        &self,
        file: &Path,
        format: Format,
        sheet: &mut RawSheet,
        evidence: String,
    ) -> Table {
        let mut table = single_header_table(file.to_path_buf(), format, sheet, "kobo", evidence);
        for column in &mut table.columns {
            column.metadata = KoboLayout::is_metadata(&column.header);
        }
        table
    }
}

/// The separator between a submission's repeat-group values in a joined column.
pub const REPEAT_SEPARATOR: &str = "; ";

/// A repeat-group sheet: its header names `_parent_index`.
pub fn is_repeat_group(sheet: &RawSheet) -> bool {
    SheetView::of(sheet).is_some_and(|view| view.position("_parent_index").is_some())
}

/// The most distinct values one submission's repeat rows give one joined column; more are a
/// crafted or broken file, not a questionnaire, and are left out with a note.
pub const MAX_REPEAT_VALUES: usize = 200;

/// A submission key as Kobo writes it, whether the cell holds `1`, `1.0` or `"1"`.
fn index_key(cell: &Cell) -> String {
    let text = cell.to_text();
    let text = text.trim();
    match text.parse::<f64>() {
        Ok(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", n as i64),
        _ => text.to_string(),
    }
}

/// Joins Kobo repeat-group sheets to the main sheet's table (see the module docs): for each
/// repeat column `wanted` names (a spec names it), a column of the submission's distinct values
/// joined with [`REPEAT_SEPARATOR`], and `<sheet>/_count` where it is wanted. Only sheets whose
/// `_parent_table_name` is the main sheet are joined (a repeat nested in another repeat points
/// at that repeat's rows, not at submissions). Returns notes for the reader: repeat rows that
/// point at no submission, duplicate `_index` values, nested sheets left out, values cut.
pub fn join_repeat_groups(
    table: &mut Table,
    repeats: &[&RawSheet],
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut notes = Vec::new();
    if table.column("_parent_index").is_some() {
        // The sheet read is itself a repeat group: nothing joins to it here.
        return notes;
    }
    let Some(index_column) = table.column("_index").map(|c| c.index as usize) else {
        if !repeats.is_empty() {
            notes.push(
                "the main sheet has no \"_index\" column, so its repeat-group sheets cannot be joined to it"
                    .to_string(),
            );
        }
        return notes;
    };
    // Submission `_index` → position in `table.rows`; with a duplicate, the first keeps it.
    let mut by_index: std::collections::BTreeMap<String, usize> = Default::default();
    let mut duplicates = 0usize;
    for (i, row) in table.rows.iter().enumerate() {
        let key = row
            .cells
            .get(index_column)
            .map(index_key)
            .unwrap_or_default();
        if key.is_empty() {
            continue;
        }
        match by_index.entry(key) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(i);
            }
            std::collections::btree_map::Entry::Occupied(_) => duplicates += 1,
        }
    }
    if duplicates > 0 {
        notes.push(format!(
            "{duplicates} submission(s) of sheet \"{}\" repeat an \"_index\" of another; repeat-group rows pointing at it are joined to the first",
            table.sheet
        ));
    }
    let width = table.columns.iter().map(|c| c.index + 1).max().unwrap_or(0) as usize;
    let mut next_index = width as u32;
    let mut taken: std::collections::BTreeSet<String> = table
        .columns
        .iter()
        .map(|c| normalise_header(&c.name))
        .collect();
    for sheet in repeats {
        let Some(view) = SheetView::of(sheet) else {
            continue;
        };
        let Some(parent) = view.position("_parent_index") else {
            continue;
        };
        // A nested repeat names another repeat sheet as its parent.
        if let Some(parent_table) = view.position("_parent_table_name") {
            let names_other = view.rows.iter().any(|row| {
                row.cells.get(parent_table).is_some_and(|c| {
                    let name = c.to_text();
                    !name.trim().is_empty()
                        && normalise_header(&name) != normalise_header(&table.sheet)
                })
            });
            if names_other {
                notes.push(format!(
                    "repeat-group sheet \"{}\" is nested in another repeat group, not in sheet \"{}\"; it is not joined",
                    sheet.name, table.sheet
                ));
                continue;
            }
        }
        let count_name = format!("{}/_count", sheet.name);
        let columns: Vec<(usize, String)> = view
            .keys
            .iter()
            .enumerate()
            .filter(|(i, _)| !KoboLayout::is_metadata(&view.header_text(*i)))
            .map(|(i, _)| (i, view.header_text(i)))
            .filter(|(_, name)| !name.trim().is_empty() && wanted(name))
            .collect();
        let count_wanted = wanted(&count_name);
        if columns.is_empty() && !count_wanted {
            continue;
        }
        // Distinct values per submission and column, in sheet order; only submissions with
        // values take room.
        let mut values: std::collections::BTreeMap<(usize, usize), Vec<String>> =
            Default::default();
        let mut counts = vec![0u64; table.rows.len()];
        let mut orphans = 0usize;
        let mut cut = false;
        for row in &view.rows {
            let key = row.cells.get(parent).map(index_key).unwrap_or_default();
            let Some(&target) = by_index.get(&key) else {
                orphans += 1;
                continue;
            };
            counts[target] += 1;
            for (k, (i, _)) in columns.iter().enumerate() {
                let text = row.cells.get(*i).map(Cell::to_text).unwrap_or_default();
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                let list = values.entry((target, k)).or_default();
                if list.len() >= MAX_REPEAT_VALUES {
                    cut = true;
                } else if !list.iter().any(|v| v == text) {
                    list.push(text.to_string());
                }
            }
        }
        if orphans > 0 {
            notes.push(format!(
                "{orphans} row(s) of repeat-group sheet \"{}\" point at no submission of sheet \"{}\" (their \"_parent_index\" is not an \"_index\" there) and are left out",
                sheet.name, table.sheet
            ));
        }
        if cut {
            notes.push(format!(
                "some submissions have more than {MAX_REPEAT_VALUES} different values in one column of repeat-group sheet \"{}\"; only the first {MAX_REPEAT_VALUES} are kept",
                sheet.name
            ));
        }
        let mut add = |table: &mut Table, wanted_name: String, cells: Vec<Cell>| {
            let mut name = wanted_name.clone();
            let mut k = 1;
            while !taken.insert(normalise_header(&name)) {
                name = match k {
                    1 => format!("{}/{wanted_name}", sheet.name),
                    _ => format!("{}/{wanted_name} ({k})", sheet.name),
                };
                k += 1;
            }
            if name != wanted_name {
                notes.push(format!(
                    "repeat-group column \"{wanted_name}\" of sheet \"{}\" has the name of another column; it is joined as \"{name}\"",
                    sheet.name
                ));
            }
            table.columns.push(TableColumn {
                name: name.clone(),
                index: next_index,
                header: name,
                code: None,
                metadata: false,
            });
            for (row, cell) in table.rows.iter_mut().zip(cells) {
                row.cells.resize(next_index as usize, Cell::Empty);
                row.cells.push(cell);
            }
            next_index += 1;
        };
        for (k, (_, name)) in columns.iter().enumerate() {
            let cells = (0..table.rows.len())
                .map(|r| match values.get(&(r, k)) {
                    Some(list) => Cell::Text(std::sync::Arc::from(list.join(REPEAT_SEPARATOR))),
                    None => Cell::Empty,
                })
                .collect();
            add(table, name.clone(), cells);
        }
        if count_wanted {
            let cells = counts.iter().map(|&n| Cell::Number(n as f64)).collect();
            add(table, count_name, cells);
        }
    }
    notes
}

/// The first few names found, and how many more.
fn system_summary(found: &[String]) -> String {
    const SHOWN: usize = 3;
    if found.len() <= SHOWN + 1 {
        return quoted_list(found);
    }
    let first: Vec<String> = found[..SHOWN].iter().map(|n| format!("\"{n}\"")).collect();
    format!("{} (and {} more)", first.join(", "), found.len() - SHOWN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::RawRow;

    fn header(cells: &[&str]) -> RawSheet {
        RawSheet {
            name: "Survey".into(),
            rows: vec![RawRow {
                number: 1,
                cells: cells
                    .iter()
                    .map(|c| Cell::Text(std::sync::Arc::from(c.to_string())))
                    .collect(),
            }],
            merged: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn kobo_system_columns_are_kobo() {
        let s = header(&[
            "start",
            "end",
            "about/age",
            "_id",
            "_uuid",
            "_submission_time",
            "_validation_status",
            "_index",
        ]);
        let evidence = KoboLayout.detect(&s).unwrap();
        assert_eq!(
            evidence,
            "Kobo system columns \"_id\", \"_uuid\", \"_submission_time\" (and 2 more)"
        );
    }

    #[test]
    fn a_repeat_group_sheet_says_it_is_joined() {
        let s = header(&[
            "child/name",
            "_index",
            "_parent_table_name",
            "_parent_index",
        ]);
        assert!(KoboLayout.detect(&s).unwrap().contains(
            "repeat-group sheet, linked to the main sheet by \"_parent_index\" and joined"
        ));
    }

    #[test]
    fn odk_central_exports_are_recognised() {
        let s = header(&[
            "SubmissionDate",
            "start",
            "q1",
            "meta-instanceID",
            "KEY",
            "SubmitterID",
        ]);
        assert!(KoboLayout
            .detect(&s)
            .unwrap()
            .starts_with("ODK Central columns"));
    }

    #[test]
    fn an_id_and_a_status_column_alone_are_not_kobo() {
        assert_eq!(KoboLayout.detect(&header(&["_id", "_status", "q1"])), None);
        assert_eq!(KoboLayout.detect(&header(&["id", "uuid", "q1"])), None);
    }

    #[test]
    fn system_and_device_columns_are_metadata() {
        for h in [
            "_uuid",
            "__version__",
            "start",
            "meta/instanceID",
            "formhub/uuid",
        ] {
            assert!(KoboLayout::is_metadata(h), "{h}");
        }
        for h in ["about/age", "reasons/meet_others", "reasons_other"] {
            assert!(!KoboLayout::is_metadata(h), "{h}");
        }
    }
}

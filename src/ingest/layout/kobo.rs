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
//! `_parent_index`. Those sheets are recognised (so `inspect` says what they are) but not joined
//! to the main sheet yet: a spec reads the main sheet, one row per submission.

use std::path::Path;

use super::header::{quoted_list, SheetView};
use super::Layout;
use crate::ingest::table::{normalise_header, single_header_table, Table};
use crate::ingest::{Format, RawSheet};

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
                    "Kobo system columns {shown}: a repeat-group sheet, linked to the main sheet by \"_parent_index\" (not joined yet)"
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
    use crate::ingest::{Cell, RawRow};

    fn header(cells: &[&str]) -> RawSheet {
        RawSheet {
            name: "Survey".into(),
            rows: vec![RawRow {
                number: 1,
                cells: cells.iter().map(|c| Cell::Text(c.to_string())).collect(),
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
    fn a_repeat_group_sheet_says_it_is_not_joined() {
        let s = header(&[
            "child/name",
            "_index",
            "_parent_table_name",
            "_parent_index",
        ]);
        assert!(KoboLayout
            .detect(&s)
            .unwrap()
            .contains("repeat-group sheet"));
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

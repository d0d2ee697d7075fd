//! What each column of an export seems to hold, for `inspect` and for writing a first spec.
//!
//! These are guesses made to help a person, shown with their evidence (distinct values, top
//! values); nothing downstream relies on them: the spec says what each column is.

use std::collections::BTreeMap;

use super::normalise::{clean_text, is_missing_token};
use super::table::{normalise_header, Table};
use super::Cell;

/// The kind a column seems to be.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnKind {
    /// Unique per row: a respondent or response id.
    Id,
    Datetime,
    /// Answers on an ordered scale; `levels` in scale order, as far as they were recognised.
    Likert {
        scale: String,
        levels: Vec<String>,
        /// Other answers seen beside the levels ("Don't know", "Not applicable"): candidates
        /// for the scale's `missing` list.
        other: Vec<String>,
    },
    SingleChoice,
    MultiSelect {
        separator: String,
    },
    Number,
    FreeText,
    /// Survey-platform bookkeeping (IP address, collector, e-mail, ...).
    Metadata,
    /// Every cell is blank.
    Empty,
}

impl ColumnKind {
    pub fn name(&self) -> &'static str {
        match self {
            ColumnKind::Id => "id",
            ColumnKind::Datetime => "datetime",
            ColumnKind::Likert { .. } => "likert",
            ColumnKind::SingleChoice => "single_choice",
            ColumnKind::MultiSelect { .. } => "multi_select",
            ColumnKind::Number => "number",
            ColumnKind::FreeText => "free_text",
            ColumnKind::Metadata => "metadata",
            ColumnKind::Empty => "empty",
        }
    }
}

/// A column described for a person.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ColumnProfile {
    pub name: String,
    /// Spreadsheet column letter.
    pub letter: String,
    #[serde(flatten)]
    pub kind: ColumnKind,
    /// Cells with an answer.
    pub answered: usize,
    /// Cells that are blank or a missing token.
    pub missing: usize,
    pub distinct: usize,
    /// Most common values with their counts, most common first (at most five).
    pub top_values: Vec<(String, usize)>,
}

/// Known ordered scales: (name, levels low to high, extra spellings mapped to a level).
const SCALES: &[(&str, &[&str])] = &[
    (
        "agreement",
        &[
            "strongly disagree",
            "disagree",
            "somewhat disagree",
            "neither agree nor disagree",
            "neutral",
            "somewhat agree",
            "agree",
            "strongly agree",
        ],
    ),
    (
        "satisfaction",
        &[
            "very dissatisfied",
            "dissatisfied",
            "neither satisfied nor dissatisfied",
            "satisfied",
            "very satisfied",
        ],
    ),
    (
        "confidence",
        &[
            "not at all confident",
            "slightly confident",
            "somewhat confident",
            "moderately confident",
            "very confident",
            "extremely confident",
        ],
    ),
    (
        "frequency",
        &["never", "rarely", "sometimes", "often", "always"],
    ),
    (
        "quality",
        &[
            "very poor",
            "poor",
            "fair",
            "average",
            "good",
            "very good",
            "excellent",
        ],
    ),
    (
        "usefulness",
        &[
            "not at all useful",
            "not very useful",
            "slightly useful",
            "somewhat useful",
            "quite useful",
            "very useful",
            "extremely useful",
        ],
    ),
    (
        "likelihood",
        &[
            "extremely unlikely",
            "very unlikely",
            "unlikely",
            "neither likely nor unlikely",
            "likely",
            "very likely",
            "extremely likely",
        ],
    ),
];

const METADATA: &[&str] = &[
    "ip address",
    "ipaddress",
    "email address",
    "email",
    "recipientemail",
    "recipient email",
    "first name",
    "last name",
    "recipientfirstname",
    "recipientlastname",
    "collector id",
    "custom data 1",
    "externaldatareference",
    "status",
    "finished",
    "progress",
    "duration (in seconds)",
    "user agent",
    "responseset",
    "locationlatitude",
    "locationlongitude",
    "locationaccuracy",
    "distributionchannel",
    "userlanguage",
];

/// Profiles every column of `table`.
pub fn profile_columns(table: &Table) -> Vec<ColumnProfile> {
    table
        .columns
        .iter()
        .map(|column| {
            let cells: Vec<&Cell> = table.rows.iter().map(|r| table.cell(r, column)).collect();
            profile(&column.name, column.letter(), &cells)
        })
        .collect()
}

fn profile(name: &str, letter: String, cells: &[&Cell]) -> ColumnProfile {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut answered = 0;
    let mut missing = 0;
    let (mut dates, mut numbers) = (0, 0);
    for cell in cells {
        let text = clean_text(&cell.to_text()).text;
        if text.is_empty() || is_missing_token(&text) || matches!(cell, Cell::Error(_)) {
            missing += 1;
            continue;
        }
        answered += 1;
        match cell {
            Cell::Date(_) => dates += 1,
            Cell::Number(_) => numbers += 1,
            Cell::Text(_) if text.replace(',', "").parse::<f64>().is_ok() => numbers += 1,
            Cell::Text(_) if looks_like_datetime(&text) => dates += 1,
            _ => {}
        }
        *counts.entry(text).or_default() += 1;
    }
    let distinct = counts.len();
    let header = normalise_header(name);
    let kind = if answered == 0 {
        ColumnKind::Empty
    } else if METADATA.contains(&header.as_str()) {
        ColumnKind::Metadata
    } else if dates * 10 >= answered * 9 {
        ColumnKind::Datetime
    } else if distinct * 100 >= answered * 95 && answered > 1 && looks_like_id_header(&header) {
        // Nearly unique: an id column, even with a duplicate submission in it.
        ColumnKind::Id
    } else if let Some(kind) = likert(&counts) {
        kind
    } else if numbers == answered {
        if distinct == answered && answered > 1 && header.contains("id") {
            ColumnKind::Id
        } else {
            ColumnKind::Number
        }
    } else if let Some(separator) = multi_separator(&counts, answered) {
        ColumnKind::MultiSelect { separator }
    } else if distinct <= 12.max(answered / 5) && distinct * 2 <= answered.max(2) {
        ColumnKind::SingleChoice
    } else {
        ColumnKind::FreeText
    };
    // For a multi-select question the options are what a person wants to see, not the
    // combinations people ticked.
    let mut top: Vec<(String, usize)> = match &kind {
        ColumnKind::MultiSelect { separator } => {
            let mut parts: BTreeMap<String, usize> = BTreeMap::new();
            for (v, n) in &counts {
                for part in v
                    .split(separator.trim())
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                {
                    *parts.entry(part.to_string()).or_default() += n;
                }
            }
            parts.into_iter().collect()
        }
        _ => counts.iter().map(|(k, v)| (k.clone(), *v)).collect(),
    };
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(5);
    ColumnProfile {
        name: name.to_string(),
        letter,
        kind,
        answered,
        missing,
        distinct,
        top_values: top,
    }
}

fn looks_like_id_header(header: &str) -> bool {
    let words: Vec<&str> = header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().any(|w| {
        matches!(
            *w,
            "id" | "uuid" | "responseid" | "respondent" | "interviewee"
        )
    }) || header.ends_with("id")
}

fn looks_like_datetime(text: &str) -> bool {
    let formats = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%d/%m/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M:%S",
        "%Y/%m/%d %H:%M:%S",
    ];
    let dates = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"];
    let t = text.trim();
    formats
        .iter()
        .any(|f| chrono::NaiveDateTime::parse_from_str(t, f).is_ok())
        || dates
            .iter()
            .any(|f| chrono::NaiveDate::parse_from_str(t, f).is_ok())
        || t.split_once(' ').is_some_and(|(d, _)| {
            dates
                .iter()
                .any(|f| chrono::NaiveDate::parse_from_str(d, f).is_ok())
                && t.contains(':')
        })
}

/// Spellings that stand for a level of a known scale.
const SYNONYMS: &[(&str, &str)] = &[("neutral", "neither agree nor disagree")];

/// A Likert scale when nearly all answers are levels of one known scale.
fn likert(counts: &BTreeMap<String, usize>) -> Option<ColumnKind> {
    let mut by_key: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (value, n) in counts {
        let key = value.to_lowercase();
        let key = SYNONYMS
            .iter()
            .find(|(alias, _)| *alias == key)
            .map_or(key, |(_, level)| level.to_string());
        let entry = by_key.entry(key).or_insert_with(|| (value.clone(), 0));
        entry.1 += n;
    }
    if by_key.len() < 2 || by_key.len() > 12 {
        return None;
    }
    let total: usize = counts.values().sum();
    SCALES.iter().find_map(|(name, levels)| {
        let rank = |key: &str| levels.iter().position(|l| *l == key);
        let matched: usize = by_key
            .iter()
            .filter(|(k, _)| rank(k).is_some())
            .map(|(_, (_, n))| n)
            .sum();
        let distinct_matched = by_key.keys().filter(|k| rank(k).is_some()).count();
        if distinct_matched < 2 || matched * 10 < total * 8 {
            return None;
        }
        // Levels in scale order, each spelled as the data first spells it (in sort order).
        let mut present: Vec<(usize, String)> = by_key
            .iter()
            .filter_map(|(k, (spelling, _))| rank(k).map(|r| (r, spelling.clone())))
            .collect();
        present.sort();
        let other = by_key
            .iter()
            .filter(|(k, _)| rank(k).is_none())
            .map(|(_, (spelling, _))| spelling.clone())
            .collect();
        Some(ColumnKind::Likert {
            scale: name.to_string(),
            levels: present.into_iter().map(|(_, v)| v).collect(),
            other,
        })
    })
}

/// A multi-select separator when splitting on it yields a small set of repeated options.
fn multi_separator(counts: &BTreeMap<String, usize>, answered: usize) -> Option<String> {
    for sep in [";", "|", ","] {
        let with_sep: usize = counts
            .iter()
            .filter(|(v, _)| v.contains(sep))
            .map(|(_, n)| n)
            .sum();
        if with_sep * 10 < answered || answered < 3 {
            continue;
        }
        let mut parts: BTreeMap<String, usize> = BTreeMap::new();
        let mut total = 0;
        for (v, n) in counts {
            for part in v.split(sep).map(str::trim).filter(|p| !p.is_empty()) {
                *parts.entry(part.to_lowercase()).or_default() += n;
                total += n;
            }
        }
        // Options repeat: on average each distinct part is chosen at least twice.
        if parts.len() <= 40 && total >= parts.len() * 2 {
            return Some(if sep == "," {
                ", ".to_string()
            } else {
                sep.to_string()
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(name: &str, values: &[&str]) -> ColumnKind {
        let cells: Vec<Cell> = values
            .iter()
            .map(|v| {
                if v.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(v.to_string())
                }
            })
            .collect();
        let refs: Vec<&Cell> = cells.iter().collect();
        profile(name, "A".into(), &refs).kind
    }

    #[test]
    fn recognises_the_usual_kinds() {
        assert_eq!(
            kind_of("Respondent ID", &["R1", "R2", "R3"]),
            ColumnKind::Id
        );
        assert_eq!(
            kind_of("Q", &["Agree", "Strongly agree", "Neutral", "Agree", "NA"]),
            ColumnKind::Likert {
                scale: "agreement".into(),
                levels: vec!["Neutral".into(), "Agree".into(), "Strongly agree".into()],
                other: vec![],
            }
        );
        assert_eq!(
            kind_of("Why", &["a;b", "a", "b;c", "a;c", "c"]),
            ColumnKind::MultiSelect {
                separator: ";".into()
            }
        );
        assert_eq!(kind_of("Age", &["34", "51", "47", ""]), ColumnKind::Number);
        assert_eq!(
            kind_of("IP Address", &["1.2.3.4", "5.6.7.8"]),
            ColumnKind::Metadata
        );
        assert_eq!(
            kind_of(
                "Group",
                &["North", "South", "North", "South", "North", "North"]
            ),
            ColumnKind::SingleChoice
        );
        assert_eq!(
            kind_of(
                "Comments",
                &["Lovely group", "I felt heard", "More speakers please"]
            ),
            ColumnKind::FreeText
        );
        assert_eq!(kind_of("Blank", &["", "NA"]), ColumnKind::Empty);
        assert_eq!(
            kind_of("Timestamp", &["2019/12/12 11:38:30", "2019/12/13 09:01:02"]),
            ColumnKind::Datetime
        );
    }
}

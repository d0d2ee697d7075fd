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
    /// The platform's id for the column (Qualtrics `Q3_1`), which a spec may use instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
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

/// Profiles every column of `table`, over the rows the layout counts as responses.
/// Where `level` sits on the known scale `scale` (0 is the lowest), ignoring case; `None` for
/// an unknown scale or a level not on it. Lets a starting spec order levels seen in several
/// columns.
pub fn scale_rank(scale: &str, level: &str) -> Option<usize> {
    let lower = level.trim().to_lowercase();
    SCALES
        .iter()
        .find(|(name, _)| *name == scale)
        .and_then(|(_, levels)| levels.iter().position(|l| *l == lower))
}

pub fn profile_columns(table: &Table) -> Vec<ColumnProfile> {
    table
        .columns
        .iter()
        .map(|column| {
            let cells: Vec<&Cell> = table
                .rows
                .iter()
                .filter(|r| table.excluded_reason(r.number).is_none())
                .map(|r| table.cell(r, column))
                .collect();
            let spaced = spaced_options(table, column);
            let mut profile = profile(&column.name, column.letter(), &cells, spaced);
            // The layout knows its platform's bookkeeping columns; a unique response id is
            // still shown as the id a spec wants.
            if column.metadata && !matches!(profile.kind, ColumnKind::Empty | ColumnKind::Id) {
                profile.kind = ColumnKind::Metadata;
            }
            profile.id = column.code.clone().filter(|code| *code != column.name);
            profile
        })
        .collect()
}

/// Whether a column may hold option names joined by spaces (Kobo's select_multiple).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpacedOptions {
    No,
    /// The export is from Kobo: the cells decide.
    Possible,
    /// Kobo wrote `question/option` columns beside this one.
    Certain,
}

/// What the layout tells about `column` before its cells are read.
fn spaced_options(table: &Table, column: &crate::ingest::table::Column) -> SpacedOptions {
    if table.layout != "kobo" || column.metadata {
        return SpacedOptions::No;
    }
    let prefix = format!("{}/", column.name);
    if table.columns.iter().any(|c| c.name.starts_with(&prefix)) {
        SpacedOptions::Certain
    } else {
        SpacedOptions::Possible
    }
}

fn profile(name: &str, letter: String, cells: &[&Cell], spaced: SpacedOptions) -> ColumnProfile {
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
    } else if spaced_option_names(spaced, &counts, answered) {
        ColumnKind::MultiSelect {
            separator: " ".to_string(),
        }
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
            option_counts(&counts, separator).into_iter().collect()
        }
        _ => counts.iter().map(|(k, v)| (k.clone(), *v)).collect(),
    };
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(5);
    ColumnProfile {
        name: name.to_string(),
        id: None,
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
    if answered < 3 {
        return None;
    }
    for sep in [";", "|", ","] {
        let answers = split_answers(counts, sep);
        // Answers holding more than one option. With a comma, only after the pieces of one
        // option are joined back: a single choice may contain a comma.
        let several: usize = if sep == "," {
            answers
                .iter()
                .filter(|(parts, _)| parts.len() > 1)
                .map(|(_, n)| n)
                .sum()
        } else {
            counts
                .iter()
                .filter(|(v, _)| v.contains(sep))
                .map(|(_, n)| n)
                .sum()
        };
        if several * 10 < answered {
            continue;
        }
        if is_option_list(&answers) {
            return Some(if sep == "," {
                ", ".to_string()
            } else {
                sep.to_string()
            });
        }
    }
    None
}

/// True when split answers look like choices from a list: on average each distinct part is
/// chosen at least twice, or at most 40 parts, each chosen more than once, make up four
/// fifths of all choices (the rest being "Other" answers typed in).
fn is_option_list(answers: &[(Vec<String>, usize)]) -> bool {
    const MOST_OPTIONS: usize = 40;
    let mut parts: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    for (options, n) in answers {
        for part in options {
            *parts.entry(part.to_lowercase()).or_default() += n;
            total += n;
        }
    }
    let listed = parts.len() <= MOST_OPTIONS && total >= parts.len() * 2;
    let mut common: Vec<usize> = parts.into_values().filter(|&n| n >= 2).collect();
    common.sort_unstable_by(|a, b| b.cmp(a));
    let covered: usize = common.iter().take(MOST_OPTIONS).sum();
    let with_other = common.len() >= 2 && covered * 10 >= total * 8;
    listed || with_other
}

/// Kobo's select_multiple answers: option names joined by spaces. Words joined by spaces are
/// also free text, so the cells alone decide only when every answer is made of option names
/// (letters, digits, `_`, `-`, `.`), some look machine-made (`meet_others`, `3`), a tenth or
/// more answers hold several, and the names repeat.
fn spaced_option_names(
    spaced: SpacedOptions,
    counts: &BTreeMap<String, usize>,
    answered: usize,
) -> bool {
    match spaced {
        SpacedOptions::No => false,
        SpacedOptions::Certain => true,
        SpacedOptions::Possible => {
            let is_name = |word: &str| {
                word.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            };
            let names_only = counts.keys().all(|v| v.split_whitespace().all(is_name));
            let machine_made = counts
                .keys()
                .flat_map(|v| v.split_whitespace())
                .any(|w| w.contains('_') || w.chars().all(|c| c.is_ascii_digit()));
            let answers = split_answers(counts, " ");
            let several: usize = answers
                .iter()
                .filter(|(parts, _)| parts.len() > 1)
                .map(|(_, n)| n)
                .sum();
            answered >= 3
                && names_only
                && machine_made
                && several * 10 >= answered
                && is_option_list(&answers)
        }
    }
}

/// How often each option was chosen, splitting every answer as [`split_answers`] does.
fn option_counts(counts: &BTreeMap<String, usize>, sep: &str) -> BTreeMap<String, usize> {
    let mut options: BTreeMap<String, usize> = BTreeMap::new();
    for (parts, n) in split_answers(counts, sep) {
        for part in parts {
            *options.entry(part).or_default() += n;
        }
    }
    options
}

/// Each distinct answer split into its options, with how many gave it. A blank separator
/// splits on whitespace (Kobo); parts left empty by a trailing separator (Microsoft Forms'
/// `A;B;`) are dropped. With a comma, pieces that (nearly) always come together are joined
/// back into one option: Google Forms joins options with ", " even when an option, or an
/// "Other" answer, holds a comma itself, and only the options can tell the pieces apart.
fn split_answers(counts: &BTreeMap<String, usize>, sep: &str) -> Vec<(Vec<String>, usize)> {
    let sep = sep.trim();
    let mut answers: Vec<(Vec<String>, usize)> = counts
        .iter()
        .map(|(value, &n)| {
            let parts: Vec<String> = if sep.is_empty() {
                value.split_whitespace().map(str::to_string).collect()
            } else {
                value
                    .split(sep)
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect()
            };
            (parts, n)
        })
        .collect();
    if sep == "," {
        join_pieces(&mut answers);
    }
    answers
}

/// Joins neighbouring pieces `p, q` where one of them never appears without the other and the
/// other appears without it at most one time in twenty (someone typed "Twitter" as an "Other"
/// answer beside the option "…, Twitter, Slack, …"). Two real options are rarely that bound:
/// among a few who ticked both and never one alone, the join merely groups a rare answer.
fn join_pieces(answers: &mut [(Vec<String>, usize)]) {
    loop {
        let mut pieces: BTreeMap<&str, usize> = BTreeMap::new();
        let mut pairs: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for (parts, n) in answers.iter() {
            for part in parts {
                *pieces.entry(part).or_default() += n;
            }
            for pair in parts.windows(2) {
                *pairs.entry((&pair[0], &pair[1])).or_default() += n;
            }
        }
        let joined: std::collections::BTreeSet<(String, String)> = pairs
            .iter()
            .filter(|((p, q), &together)| {
                let (a, b) = (pieces[p], pieces[q]);
                together == a.min(b) && together * 20 >= a.max(b) * 19
            })
            .map(|((p, q), _)| (p.to_string(), q.to_string()))
            .collect();
        if joined.is_empty() {
            return;
        }
        for (parts, _) in answers.iter_mut() {
            let mut out: Vec<String> = Vec::with_capacity(parts.len());
            let mut rest = std::mem::take(parts).into_iter().peekable();
            while let Some(part) = rest.next() {
                match rest.peek() {
                    Some(next) if joined.contains(&(part.clone(), next.clone())) => {
                        let next = rest.next().unwrap_or_default();
                        out.push(format!("{part}, {next}"));
                    }
                    _ => out.push(part),
                }
            }
            *parts = out;
        }
    }
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
                    Cell::Text(std::sync::Arc::from(v.to_string()))
                }
            })
            .collect();
        let refs: Vec<&Cell> = cells.iter().collect();
        profile(name, "A".into(), &refs, SpacedOptions::No).kind
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

    #[test]
    fn comma_joined_checkboxes_keep_options_that_hold_a_comma() {
        let mut values = vec!["Your personal network, such as colleagues, Twitter"; 4];
        values.extend(["Twitter"; 3]);
        values.extend(["Your personal network, such as colleagues"; 2]);
        values.push("Twitter, Reddit, if I must");
        let cells: Vec<Cell> = values
            .iter()
            .map(|v| Cell::Text(std::sync::Arc::from(v.to_string())))
            .collect();
        let refs: Vec<&Cell> = cells.iter().collect();
        let p = profile("Where?", "A".into(), &refs, SpacedOptions::No);
        assert_eq!(
            p.kind,
            ColumnKind::MultiSelect {
                separator: ", ".into()
            }
        );
        assert_eq!(
            p.top_values,
            vec![
                ("Twitter".to_string(), 8),
                ("Your personal network, such as colleagues".to_string(), 6),
                ("Reddit, if I must".to_string(), 1),
            ]
        );
    }

    #[test]
    fn a_single_choice_whose_options_hold_commas_is_not_multi_select() {
        let mut values = vec!["Rarely -- I know how, but it's not part of my work"; 3];
        values.extend(["Never"; 4]);
        values.extend(["Often, weekly"; 3]);
        assert_eq!(kind_of("How often?", &values), ColumnKind::SingleChoice);
    }

    #[test]
    fn kobo_select_multiple_is_read_with_its_option_columns_or_its_option_names() {
        use crate::ingest::layout::{KoboLayout, Layout};
        use crate::ingest::{Format, RawRow, RawSheet};
        let text = |cells: &[&str]| -> Vec<Cell> {
            cells
                .iter()
                .map(|c| match *c {
                    "" => Cell::Empty,
                    c => Cell::Text(std::sync::Arc::from(c.to_string())),
                })
                .collect()
        };
        let header = [
            "reasons",
            "reasons/meet_others",
            "reasons/information",
            "topics",
            "comment",
            "_uuid",
            "_submission_time",
        ];
        let rows = [
            [
                "meet_others information",
                "1",
                "1",
                "diet pain_relief",
                "good group",
                "u1",
                "t",
            ],
            [
                "meet_others",
                "1",
                "0",
                "diet",
                "very good group",
                "u2",
                "t",
            ],
            [
                "information",
                "0",
                "1",
                "pain_relief diet",
                "good",
                "u3",
                "t",
            ],
            ["meet_others", "1", "0", "diet", "good group", "u4", "t"],
        ];
        let sheet = RawSheet {
            name: "Survey".into(),
            rows: std::iter::once(text(&header))
                .chain(rows.iter().map(|r| text(r)))
                .enumerate()
                .map(|(i, cells)| RawRow {
                    number: i as u32 + 1,
                    cells,
                })
                .collect(),
            merged: vec![],
            notes: vec![],
        };
        let evidence = KoboLayout.detect(&sheet).expect("kobo");
        let table = KoboLayout.flatten(
            "s.xlsx".as_ref(),
            Format::Xlsx,
            &mut sheet.clone(),
            evidence,
        );
        let profiles = profile_columns(&table);
        let kind = |name: &str| {
            profiles
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.kind.clone())
                .unwrap()
        };
        let spaced = ColumnKind::MultiSelect {
            separator: " ".into(),
        };
        assert_eq!(kind("reasons"), spaced);
        assert_eq!(kind("topics"), spaced);
        assert_eq!(kind("comment"), ColumnKind::FreeText);
        assert_eq!(kind("_submission_time"), ColumnKind::Metadata);
    }
}

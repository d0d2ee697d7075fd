//! `impactkit init FILE...`: a starting spec written from what `inspect` finds in each file.
//!
//! The spec is for a person to finish, so it says what it guessed and what is left to do in
//! plain comments: a source per file (its layout, id column, sheet), a question per column
//! with its guessed kind (Likert with its scale, multi-select with its separator and the
//! options seen, choice, number, free text), the scales with their levels in order and the
//! other answers seen beside them as `missing`, and for coding sheets the code columns. Only
//! the benefits are left for the person: which answers count as evidence is theirs to decide,
//! so one example is written, commented out.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use crate::ingest::describe::{FileDescription, SheetDescription};
use crate::ingest::infer::{scale_rank, ColumnKind, ColumnProfile};

/// A scale gathered from every column that uses it.
#[derive(Default)]
struct ScaleSeen {
    levels: Vec<String>,
    other: Vec<String>,
}

/// Writes the starting spec for `files` (each as given on the command line, relative to where
/// the spec will be saved, with its description).
pub fn starting_spec(files: &[(&Path, &FileDescription)]) -> String {
    let mut scales: BTreeMap<String, ScaleSeen> = BTreeMap::new();
    let mut sources = String::new();
    let mut first_likert: Option<(String, String)> = None;
    let mut used_names: Vec<String> = Vec::new();
    for (path, description) in files {
        // A sheet of one column (an "About" or notes sheet) holds no answers to tally.
        let sheets: Vec<&SheetDescription> = description
            .sheets
            .iter()
            .filter(|s| s.rows > 0 && s.columns.len() > 1)
            .collect();
        for sheet in &sheets {
            let name = unique_name(
                &mut used_names,
                &identifier(&file_stem(path, sheet, sheets.len())),
            );
            write_source(
                &mut sources,
                &name,
                path,
                sheet,
                description.sheets.len() > 1,
                &mut scales,
                &mut first_likert,
            );
        }
        if sheets.is_empty() {
            let _ = writeln!(
                sources,
                "# {}: no sheet with responses was found; it is left out.\n",
                path.display()
            );
        }
    }

    let mut out = String::new();
    out.push_str(HEADER);
    for (name, seen) in &scales {
        let _ = writeln!(out, "[scales.{}]", key(name));
        let _ = writeln!(out, "levels = {}", list(&seen.levels));
        // The top two levels are a guess at what counts as a positive answer.
        let positive: Vec<String> = seen.levels.iter().rev().take(2).rev().cloned().collect();
        let _ = writeln!(
            out,
            "positive = {}   # check: the answers that count as evidence",
            list(&positive)
        );
        // Both wordings of the middle of an agreement scale are common; one is an alias.
        let neither = "Neither agree nor disagree";
        if seen.levels.iter().any(|l| l == neither) && !seen.levels.iter().any(|l| l == "Neutral") {
            let _ = writeln!(out, "aliases = {{ \"Neutral\" = \"{neither}\" }}");
        }
        if !seen.other.is_empty() {
            let _ = writeln!(
                out,
                "missing = {}   # answers seen beside the levels; check they mean \"no answer\"",
                list(&seen.other)
            );
        }
        out.push('\n');
    }
    out.push_str(&sources);
    out.push_str(
        "# --- Benefits --------------------------------------------------------------------------\n\
         # Which answers are evidence of which benefit is yours to decide. One example, to copy:\n#\n",
    );
    let (source, question) = first_likert.unwrap_or_else(|| ("SOURCE".into(), "QUESTION".into()));
    let _ = writeln!(
        out,
        "# [[benefits]]\n# name = \"reduced_isolation\"\n# label = \"Support from other women, reducing isolation\"\n\
         # evidence = [\n#   {{ source = \"{source}\", question = \"{question}\", answer = \"positive\" }},\n# ]"
    );
    out
}

const HEADER: &str = "\
# A starting spec written by `impactkit init` from the files named below.
# Every line is a guess from the files: read it, correct it, then run
#   impactkit validate THIS_FILE
# Lines starting with # are notes and are ignored. Text goes in \"double quotes\".

title = \"TODO: the evaluation's title\"
wave = \"TODO: which round, e.g. 2026\"
confidence = 0.95            # how sure the \"between x% and y%\" ranges are

[privacy]
min_cell = 5                 # published counts from 1 to 4 are hidden
names = []                   # first names to black out of quotes, e.g. [\"Mandy\"]

";

#[allow(clippy::too_many_arguments)]
fn write_source(
    out: &mut String,
    name: &str,
    path: &Path,
    sheet: &SheetDescription,
    name_sheet: bool,
    scales: &mut BTreeMap<String, ScaleSeen>,
    first_likert: &mut Option<(String, String)>,
) {
    let coding = sheet.layout.starts_with("coding_");
    if !coding {
        if let Some(register) = register_columns(sheet) {
            write_register(out, name, path, sheet, name_sheet, &register);
            return;
        }
    }
    let _ = writeln!(
        out,
        "# {}: {} responses; layout {} ({})",
        path.display(),
        sheet.rows,
        sheet.layout,
        sheet.layout_evidence
    );
    let _ = writeln!(out, "[[sources]]");
    let _ = writeln!(out, "name = {}", quote(name));
    let _ = writeln!(out, "group = \"TODO: who answered, e.g. Attendees\"");
    if coding {
        let _ = writeln!(out, "kind = \"coding\"");
    }
    let _ = writeln!(out, "file = {}", quote(&path.display().to_string()));
    if name_sheet {
        let _ = writeln!(out, "sheet = {}", quote(&sheet.name));
    }
    let layout = match sheet.layout.as_str() {
        "coding_long" => "long",
        "coding_matrix" => "matrix",
        other => other,
    };
    let _ = writeln!(out, "layout = {}", quote(layout));
    // A coding sheet names an interviewee on many rows: its id is the "who" column.
    let who = |c: &&ColumnProfile| {
        let lower = c.name.to_lowercase();
        [
            "interviewee",
            "participant",
            "respondent",
            "document",
            "case",
            "speaker",
            "id",
        ]
        .iter()
        .any(|w| lower == *w || lower.starts_with(&format!("{w} ")))
    };
    let id = if layout == "long" {
        sheet.columns.iter().find(who)
    } else {
        sheet
            .columns
            .iter()
            .find(|c| matches!(c.kind, ColumnKind::Id))
    };
    match id {
        Some(c) => {
            let _ = writeln!(out, "id = {}", quote(&c.name));
        }
        None => {
            let _ = writeln!(
                out,
                "# id = \"...\"   # no id column found: rows are numbered instead"
            );
        }
    }
    if coding {
        write_coding(out, sheet, layout, id);
    } else {
        write_questions(out, name, sheet, id, scales, first_likert);
        if let Some((locality, date)) = feedback_columns(sheet) {
            let _ = writeln!(
                out,
                "# If these are feedback forms about sessions, `impactkit summary` matches them to a\n\
                 # group and period by these two attributes (and [summary] feedback = {}):\n\
                 # attributes = {{ locality = {}, date = {} }}",
                quote(name),
                quote(locality),
                quote(date)
            );
        }
    }
    out.push('\n');
}

/// A survey's group column and a session-date column (not the platform's timestamp), as
/// feedback forms about sessions have.
fn feedback_columns(sheet: &SheetDescription) -> Option<(&str, &str)> {
    let locality_words = REGISTER_WORDS[0].1;
    let locality = sheet.columns.iter().find(|c| {
        let lower = c.name.to_lowercase();
        matches!(c.kind, ColumnKind::SingleChoice)
            && locality_words.iter().any(|w| lower.contains(w))
    })?;
    let date = sheet.columns.iter().find(|c| {
        let lower = c.name.to_lowercase();
        matches!(c.kind, ColumnKind::Datetime)
            && (lower.contains("session") || lower.contains("date"))
            && !["timestamp", "submitted", "start", "end", "completion"]
                .iter()
                .any(|w| lower.contains(w))
    })?;
    Some((&locality.name, &date.name))
}

/// The columns of a sheet that looks like one of the service's registers, by its headers.
#[derive(Debug, Default, PartialEq)]
struct Register {
    /// `attendance` or `sessions`.
    kind: &'static str,
    /// (spec key, column header), in the spec's order.
    columns: Vec<(&'static str, String)>,
}

/// Header words for each register field.
const REGISTER_WORDS: [(&str, &[&str]); 8] = [
    (
        "locality",
        &[
            "group", "locality", "venue", "site", "area", "location", "hub",
        ],
    ),
    (
        "attendee",
        &[
            "attendee",
            "member",
            "participant",
            "client",
            "person id",
            "woman",
        ],
    ),
    (
        "referral",
        &["referr", "hear about", "heard about", "route"],
    ),
    ("diagnosed", &["diagnos"]),
    ("topic", &["topic", "theme", "subject"]),
    ("speaker", &["speaker", "presenter", "guest"]),
    (
        "held",
        &["went ahead", "held", "cancel", "status", "took place"],
    ),
    ("date", &["date", "session", "when"]),
];

/// An attendance register (a date, a locality and an attendee id that repeats) or a session
/// log (a date, a locality, and a topic, speaker or went-ahead column), or `None`. Registers
/// are plain sheets kept by hand: a platform export is a survey, whatever its questions say,
/// and a header must start with the word ("Topic", "Went ahead?"), not merely contain it
/// ("Which topics would you like covered next?" is a question).
fn register_columns(sheet: &SheetDescription) -> Option<Register> {
    if sheet.layout != "plain" {
        return None;
    }
    let mut taken: Vec<&str> = Vec::new();
    let mut found: BTreeMap<&'static str, &ColumnProfile> = BTreeMap::new();
    // Dates first: the session date is the first date column that is not the diagnosis.
    let date = sheet.columns.iter().find(|c| {
        matches!(c.kind, ColumnKind::Datetime) && !c.name.to_lowercase().contains("diagnos")
    })?;
    found.insert("date", date);
    taken.push(&date.name);
    for (key, words) in REGISTER_WORDS.iter().filter(|(k, _)| *k != "date") {
        let column = sheet.columns.iter().find(|c| {
            let lower = c.name.trim().to_lowercase();
            let fits = match *key {
                // A referral or diagnosis column is named in a phrase; the others start with
                // their word.
                "referral" | "diagnosed" => words.iter().any(|w| lower.contains(w)),
                _ => words.iter().any(|w| lower.starts_with(w)),
            };
            !taken.contains(&c.name.as_str())
                && !matches!(c.kind, ColumnKind::Metadata | ColumnKind::Empty)
                && fits
        });
        if let Some(column) = column {
            found.insert(key, column);
            taken.push(&column.name);
        }
    }
    // Whether a session went ahead has a few answers, not free text.
    if found.get("held").is_some_and(|c| c.distinct > 4) {
        found.remove("held");
    }
    found.get("locality")?;
    let kind = match found.get("attendee") {
        // The same woman comes to many sessions: her id repeats down the column.
        Some(attendee) if attendee.distinct < attendee.answered => "attendance",
        _ if ["topic", "speaker", "held"]
            .iter()
            .any(|k| found.contains_key(k)) =>
        {
            "sessions"
        }
        _ => return None,
    };
    let keys: &[&str] = if kind == "attendance" {
        &["date", "locality", "attendee", "referral", "diagnosed"]
    } else {
        &["date", "locality", "topic", "speaker", "held"]
    };
    Some(Register {
        kind,
        columns: keys
            .iter()
            .filter_map(|k| found.get(k).map(|c| (*k, c.name.clone())))
            .collect(),
    })
}

fn write_register(
    out: &mut String,
    name: &str,
    path: &Path,
    sheet: &SheetDescription,
    name_sheet: bool,
    register: &Register,
) {
    let what = if register.kind == "attendance" {
        "an attendance register (one row per person per session)"
    } else {
        "a session log (one row per session)"
    };
    let _ = writeln!(
        out,
        "# {}: {} rows; it looks like {what}, for `impactkit summary`.",
        path.display(),
        sheet.rows
    );
    let _ = writeln!(out, "[[sources]]");
    let _ = writeln!(out, "name = {}", quote(name));
    let _ = writeln!(out, "kind = {}", quote(register.kind));
    let _ = writeln!(out, "file = {}", quote(&path.display().to_string()));
    if name_sheet {
        let _ = writeln!(out, "sheet = {}", quote(&sheet.name));
    }
    for (key, column) in &register.columns {
        let _ = writeln!(out, "{key} = {}   # check", quote(column));
    }
    out.push('\n');
}

fn write_coding(
    out: &mut String,
    sheet: &SheetDescription,
    layout: &str,
    id: Option<&ColumnProfile>,
) {
    let named = |words: &[&str]| {
        sheet.columns.iter().find(|c| {
            let lower = c.name.to_lowercase();
            words
                .iter()
                .any(|w| lower == *w || lower.starts_with(&format!("{w} ")))
        })
    };
    if layout == "long" {
        match named(&["code", "tag", "theme", "node", "category"]) {
            Some(c) => {
                let _ = writeln!(out, "code = {}", quote(&c.name));
            }
            None => {
                let _ = writeln!(
                    out,
                    "code = \"TODO: the column holding each excerpt's code\""
                );
            }
        }
        if let Some(c) = named(&["excerpt", "content", "segment", "quote", "text", "passage"]) {
            let _ = writeln!(out, "excerpt = {}", quote(&c.name));
        }
    } else {
        // Code columns hold only 1 (and 0 or blank).
        let codes: Vec<String> = sheet
            .columns
            .iter()
            .filter(|c| Some(c.name.as_str()) != id.map(|i| i.name.as_str()))
            .filter(|c| {
                !c.top_values.is_empty()
                    && c.top_values
                        .iter()
                        .all(|(v, _)| matches!(v.trim(), "1" | "0"))
            })
            .map(|c| c.name.clone())
            .collect();
        if let Some(text) = sheet
            .columns
            .iter()
            .find(|c| matches!(c.kind, ColumnKind::FreeText))
        {
            let _ = writeln!(out, "excerpt = {}", quote(&text.name));
        }
        let _ = writeln!(out, "codes = {}", list(&codes));
    }
    let _ = writeln!(
        out,
        "# respondents = 20   # the number interviewed, if some had no code (or a roster sheet)"
    );
}

fn write_questions(
    out: &mut String,
    source: &str,
    sheet: &SheetDescription,
    id: Option<&ColumnProfile>,
    scales: &mut BTreeMap<String, ScaleSeen>,
    first_likert: &mut Option<(String, String)>,
) {
    let mut names: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    let mut left_out = Vec::new();
    for column in &sheet.columns {
        if Some(column.name.as_str()) == id.map(|i| i.name.as_str()) {
            continue;
        }
        let name = unique_name(&mut names, &identifier(&column.name));
        let col = quote(&column.name);
        let line = match &column.kind {
            ColumnKind::Likert {
                scale,
                levels,
                other,
            } => {
                let seen = scales.entry(scale.clone()).or_default();
                merge_levels(scale, &mut seen.levels, levels);
                for o in other {
                    if !seen.other.contains(o) {
                        seen.other.push(o.clone());
                    }
                }
                first_likert.get_or_insert_with(|| (source.to_string(), name.clone()));
                format!(
                    "  {{ name = {}, column = {col}, scale = {} }},",
                    quote(&name),
                    quote(scale)
                )
            }
            ColumnKind::MultiSelect { separator } => {
                let seen: Vec<String> = column.top_values.iter().map(|(v, _)| v.clone()).collect();
                format!(
                    "  {{ name = {}, column = {col}, multi = {} }},   # add options = [...]; most chosen: {}",
                    quote(&name),
                    quote(separator),
                    seen.join(" | ")
                )
            }
            ColumnKind::SingleChoice => {
                format!(
                    "  {{ name = {}, column = {col}, kind = \"choice\" }},",
                    quote(&name)
                )
            }
            ColumnKind::Number => {
                format!(
                    "  {{ name = {}, column = {col}, kind = \"number\" }},",
                    quote(&name)
                )
            }
            ColumnKind::FreeText => {
                format!(
                    "  {{ name = {}, column = {col}, kind = \"text\" }},",
                    quote(&name)
                )
            }
            _ => {
                names.pop();
                left_out.push(column.name.clone());
                continue;
            }
        };
        lines.push(line);
    }
    let _ = writeln!(out, "questions = [");
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "]");
    if !left_out.is_empty() {
        let _ = writeln!(
            out,
            "# Left out (ids, dates, platform metadata, empty): {}",
            left_out.join(" | ")
        );
    }
}

/// Adds `levels` (in scale order) to `known`, keeping the scale's order.
fn merge_levels(scale: &str, known: &mut Vec<String>, levels: &[String]) {
    for level in levels {
        if known.iter().any(|k| k.eq_ignore_ascii_case(level)) {
            continue;
        }
        let rank = scale_rank(scale, level);
        let at = rank.and_then(|rank| {
            known
                .iter()
                .position(|k| scale_rank(scale, k).is_some_and(|other| other > rank))
        });
        match at {
            Some(at) => known.insert(at, level.clone()),
            None => known.push(level.clone()),
        }
    }
}

fn file_stem(path: &Path, sheet: &SheetDescription, sheets: usize) -> String {
    let stem = path
        .file_stem()
        .map_or_else(|| "source".to_string(), |s| s.to_string_lossy().to_string());
    if sheets > 1 {
        format!("{stem} {}", sheet.name)
    } else {
        stem
    }
}

/// A short snake_case name from free text: "I feel more confident!" → "i_feel_more_confident".
fn identifier(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() > 30 && !out.is_empty() {
            break;
        }
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "q_");
    }
    out
}

fn unique_name(used: &mut Vec<String>, name: &str) -> String {
    let mut candidate = name.to_string();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

/// A TOML string, escaped.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A TOML key: bare when it can be, quoted otherwise.
fn key(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        text.to_string()
    } else {
        quote(text)
    }
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|i| quote(i))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, kind: ColumnKind, answered: usize, distinct: usize) -> ColumnProfile {
        ColumnProfile {
            name: name.to_string(),
            id: None,
            letter: "A".to_string(),
            kind,
            answered,
            missing: 0,
            distinct,
            top_values: Vec::new(),
        }
    }

    fn sheet_of(columns: Vec<ColumnProfile>) -> SheetDescription {
        SheetDescription {
            name: "Sheet1".to_string(),
            layout: "plain".to_string(),
            layout_evidence: String::new(),
            header_rows: 1,
            rows: 40,
            blank_rows: 0,
            excluded_rows: 0,
            columns,
            notes: Vec::new(),
        }
    }

    #[test]
    fn registers_are_told_by_their_headers() {
        let register = sheet_of(vec![
            column("Session date", ColumnKind::Datetime, 40, 6),
            column("Group", ColumnKind::SingleChoice, 40, 3),
            column("Attendee ID", ColumnKind::SingleChoice, 40, 12),
            column(
                "How did she hear about us?",
                ColumnKind::SingleChoice,
                12,
                4,
            ),
            column("Date of secondary diagnosis", ColumnKind::Datetime, 9, 9),
        ]);
        let found = register_columns(&register).unwrap();
        assert_eq!(found.kind, "attendance");
        assert_eq!(
            found.columns,
            [
                ("date", "Session date".to_string()),
                ("locality", "Group".to_string()),
                ("attendee", "Attendee ID".to_string()),
                ("referral", "How did she hear about us?".to_string()),
                ("diagnosed", "Date of secondary diagnosis".to_string()),
            ]
        );
        let log = sheet_of(vec![
            column("Date", ColumnKind::Datetime, 40, 40),
            column("Group", ColumnKind::SingleChoice, 40, 3),
            column("Topic", ColumnKind::SingleChoice, 40, 9),
            column("Went ahead?", ColumnKind::SingleChoice, 40, 2),
        ]);
        assert_eq!(register_columns(&log).unwrap().kind, "sessions");
        // A survey asking about topics is not a session log, nor is a platform export.
        let feedback = sheet_of(vec![
            column("Session date", ColumnKind::Datetime, 40, 6),
            column("Group", ColumnKind::SingleChoice, 40, 3),
            column(
                "Which topics would you like covered next?",
                ColumnKind::SingleChoice,
                40,
                9,
            ),
        ]);
        assert_eq!(register_columns(&feedback), None);
        let mut forms_log = sheet_of(vec![
            column("Date", ColumnKind::Datetime, 40, 40),
            column("Group", ColumnKind::SingleChoice, 40, 3),
            column("Topic", ColumnKind::SingleChoice, 40, 9),
        ]);
        forms_log.layout = "google_forms".to_string();
        assert_eq!(register_columns(&forms_log), None);
        // A survey with a date and a locality is not a register.
        let survey = sheet_of(vec![
            column("Submitted", ColumnKind::Datetime, 40, 40),
            column(
                "Which group do you attend?",
                ColumnKind::SingleChoice,
                40,
                6,
            ),
            column("The group helps me", ColumnKind::SingleChoice, 40, 5),
        ]);
        assert_eq!(register_columns(&survey), None);
    }

    #[test]
    fn names_are_short_unique_identifiers() {
        assert_eq!(
            identifier("The group has reduced my feelings of isolation"),
            "the_group_has_reduced_my"
        );
        assert_eq!(identifier("2. Age?"), "q_2_age");
        assert_eq!(identifier("¿?"), "q_");
        let mut used = Vec::new();
        assert_eq!(unique_name(&mut used, "a"), "a");
        assert_eq!(unique_name(&mut used, "a"), "a_2");
    }

    #[test]
    fn levels_from_several_columns_keep_the_scale_order() {
        let mut known = vec!["Agree".to_string(), "Strongly agree".to_string()];
        merge_levels(
            "agreement",
            &mut known,
            &["Strongly disagree".into(), "Neutral".into(), "Agree".into()],
        );
        assert_eq!(
            known,
            ["Strongly disagree", "Neutral", "Agree", "Strongly agree"]
        );
    }

    #[test]
    fn strings_are_escaped_for_toml() {
        for text in [
            "say \"hi\"\\",
            "it's",
            "a\nb",
            "tab\there",
            "“curly” — dash",
        ] {
            let parsed: toml::Table = toml::from_str(&format!("k = {}", quote(text))).unwrap();
            assert_eq!(parsed["k"].as_str(), Some(text), "{}", quote(text));
        }
        assert_eq!(key("agreement"), "agreement");
        assert_eq!(key("my scale"), "\"my scale\"");
    }
}

//! Tidy tables: the evaluation's data in one shape, whatever files it came from.
//!
//! [`load_evaluation`] reads every source a spec names and produces, per source, respondents,
//! answers (survey) or codes (coding), the row ledger and the normalisation changes; [`frames`]
//! turns them into the polars tables DESIGN.md names. Problems found on the way are collected as
//! [`Diagnostic`]s rather than stopping at the first, so `validate` can list them all. This
//! stage does not count or compare anything: that is analysis.

pub mod baseline;
mod build;
pub mod frames;
pub mod ledger;
pub mod registers;
pub(crate) mod row_chunks;
pub mod validate;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use build::load_evaluation;
pub use ledger::{LedgerEntry, LedgerSummary, Outcome};

use crate::diagnostic::Diagnostic;
use crate::ingest::normalise::Rule;
use crate::spec::SourceKind;

/// A person who answered a survey or was interviewed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Respondent {
    pub id: String,
    /// Sheet row the respondent's answers came from (none for a roster-only interviewee).
    pub row: Option<u32>,
    pub attributes: BTreeMap<String, String>,
}

/// Whether an answer cell held an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    Answered,
    /// Blank, a missing token, or a formula error.
    Missing,
    /// Text that is not a level of the question's scale, or not a number for a number question.
    Unknown,
}

impl AnswerStatus {
    pub fn name(self) -> &'static str {
        match self {
            AnswerStatus::Answered => "answered",
            AnswerStatus::Missing => "missing",
            AnswerStatus::Unknown => "unknown",
        }
    }
}

/// One answer: for multi-select questions, one row per option chosen.
///
/// A national survey has millions of answers, most of them repeating a handful of texts, so
/// the texts are shared rather than owned: the respondent's id by all of that respondent's
/// answers, the question's name by all of its answers, and what a cell's text means
/// ([`value`](Answer::value), [`status`](Answer::status), [`raw`](Answer::raw)) by every
/// cell of the question that reads the same.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub respondent: Arc<str>,
    pub question: Arc<str>,
    /// Where the cell is: shown as `C7`, or `line 7, column C`.
    pub cell: CellPlace,
    reading: Arc<AnswerReading>,
}

/// What an answer cell said, shared by the answers of every cell that reads the same.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerReading {
    /// The normalised value; `None` when missing.
    pub value: Option<Arc<str>>,
    pub status: AnswerStatus,
    /// The cell as read, before normalisation.
    pub raw: Arc<str>,
}

impl AnswerReading {
    /// The normalised value; `None` when missing.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    pub fn status(&self) -> AnswerStatus {
        self.status
    }
}

impl Answer {
    pub fn new(
        respondent: Arc<str>,
        question: Arc<str>,
        cell: CellPlace,
        reading: Arc<AnswerReading>,
    ) -> Answer {
        Answer {
            respondent,
            question,
            cell,
            reading,
        }
    }

    /// The normalised value; `None` when missing.
    pub fn value(&self) -> Option<&str> {
        self.reading.value.as_deref()
    }

    pub fn status(&self) -> AnswerStatus {
        self.reading.status
    }

    /// The cell as read, before normalisation.
    pub fn raw(&self) -> &str {
        &self.reading.raw
    }

    /// What the cell said, shared with every cell of the question that reads the same.
    pub(crate) fn reading(&self) -> &AnswerReading {
        &self.reading
    }
}

impl serde::Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Answer", 6)?;
        s.serialize_field("respondent", &*self.respondent)?;
        s.serialize_field("question", &*self.question)?;
        s.serialize_field("value", &self.value())?;
        s.serialize_field("status", &self.status())?;
        s.serialize_field("raw", self.raw())?;
        s.serialize_field("cell", &self.cell)?;
        s.end()
    }
}

/// Where a cell is. Kept as numbers and spelled out only when shown, since every answer has
/// one and few are ever shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CellPlace {
    /// The 1-based sheet row, or for CSV/TSV the 1-based line the record starts on.
    pub row: u32,
    /// The 0-based column.
    pub column: u32,
    /// A workbook cell (`C7`) rather than a field of a text file (`line 7, column C`).
    pub in_workbook: bool,
}

impl std::fmt::Display for CellPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.in_workbook {
            f.write_str(&crate::ingest::a1(self.row.saturating_sub(1), self.column))
        } else {
            write!(
                f,
                "line {}, column {}",
                self.row,
                crate::ingest::column_letters(self.column)
            )
        }
    }
}

impl serde::Serialize for CellPlace {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One coded passage of an interview.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CodedExcerpt {
    pub respondent: String,
    pub code: String,
    pub excerpt: Option<String>,
    pub coder: Option<String>,
    /// Marked as cleared for quotation in the sheet's `quote` column.
    pub quotable: bool,
    pub row: u32,
}

/// One normalisation that changed a value, for the `changes` table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    pub respondent: String,
    pub column: String,
    pub cell: String,
    pub from: String,
    pub to: String,
    pub rules: Vec<Rule>,
}

/// Everything read for one source of the spec.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceData {
    pub name: String,
    pub group: String,
    pub kind: SourceKind,
    pub file: PathBuf,
    pub sheet: String,
    pub layout: String,
    pub respondents: Vec<Respondent>,
    /// For coding sources given `respondents = N` and no roster: the number interviewed.
    pub declared_respondents: Option<u32>,
    pub answers: Vec<Answer>,
    pub codes: Vec<CodedExcerpt>,
    pub ledger: Vec<LedgerEntry>,
    pub changes: Vec<Change>,
    /// The first and last date of the responses used, from the sheet's first date column
    /// (a survey platform's timestamp, a "Submitted" column), when it has one.
    pub dates: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
}

impl SourceData {
    /// The number of people in this source: respondents read, or the declared number
    /// interviewed when that is larger (interviewees with no code still count).
    pub fn respondent_count(&self) -> usize {
        let read = self.respondents.len();
        self.declared_respondents
            .map_or(read, |d| read.max(d as usize))
    }

    pub fn ledger_summary(&self) -> LedgerSummary {
        ledger::summarise(&self.ledger)
    }
}

/// Every source of an evaluation, read, with the problems found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evaluation {
    pub sources: Vec<SourceData>,
    /// Attendance registers and session logs, for the half-yearly summary.
    pub registers: Vec<registers::RegisterData>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Evaluation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn source(&self, name: &str) -> Option<&SourceData> {
        self.sources.iter().find(|s| s.name == name)
    }
}

/// Small surveys written out for unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::Path;

    use crate::spec::LoadedSpec;

    /// Writes `s.csv` and a spec reading it into `dir` and loads the spec: one source "s"
    /// (id column `id`) with `questions` (TOML inline tables, one per line), an agreement
    /// scale "ag" (Disagree, Agree) and one benefit on question "feel".
    pub(crate) fn survey_spec(dir: &Path, csv: &str, questions: &[&str]) -> LoadedSpec {
        std::fs::write(dir.join("s.csv"), csv).unwrap();
        let spec_path = dir.join("evaluation.toml");
        let spec = format!(
            r#"title = "t"
[scales.ag]
levels = ["Disagree", "Agree"]
positive = ["Agree"]
[[sources]]
name = "s"
group = "g"
file = "s.csv"
id = "id"
questions = [
{}
]
[[benefits]]
name = "b"
label = "B"
evidence = [ {{ source = "s", question = "feel", answer = "positive" }} ]
"#,
            questions.join(",\n")
        );
        std::fs::write(&spec_path, spec).unwrap();
        crate::spec::load(&spec_path).unwrap()
    }
}

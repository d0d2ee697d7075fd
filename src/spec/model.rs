//! The evaluation spec as data: every key DESIGN.md names, with serde defaults.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::limits::Limits;

/// An evaluation: what to read, how to read it, and which benefits to tally.
///
/// Required keys are defaulted here and checked in `check`, so that a misspelt required key
/// is reported as both unknown and missing, beside every other problem, instead of stopping
/// the parse at the first.
#[derive(Debug, Clone, Deserialize)]
pub struct Spec {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub wave: Option<String>,
    /// Interval level for every proportion.
    #[serde(default = "default_confidence")]
    pub confidence: f64,
    #[serde(default)]
    pub privacy: Privacy,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub scales: BTreeMap<String, Scale>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub benefits: Vec<Benefit>,
    /// Respondent attributes every benefit is also broken down by.
    #[serde(default)]
    pub by: Vec<String>,
    /// Multi-item scales to check for internal consistency (Cronbach's alpha).
    #[serde(default)]
    pub reliability: Vec<ReliabilityScale>,
    #[serde(default)]
    pub report: ReportSettings,
    /// An earlier wave's `tables/benefits.csv` (or a hand-made `benefit,source,n,N` table)
    /// to compare this wave with; `--baseline` overrides it.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// The earlier wave's name in the report ("2023"); else the file's `wave` column.
    #[serde(default)]
    pub baseline_wave: Option<String>,
    /// The same people answered both waves (matched by id): compare them as pairs, with
    /// McNemar's exact test. Needs the baseline as the earlier wave's spec.
    #[serde(default)]
    pub paired: bool,
    /// What the half-yearly summary reads beside the registers.
    #[serde(default)]
    pub summary: SummarySettings,
    /// The folder the spec file is in; relative paths resolve against it. Set by the loader.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

fn default_confidence() -> f64 {
    0.95
}

/// Small-number and personal-data rules for everything published.
#[derive(Debug, Clone, Deserialize)]
pub struct Privacy {
    /// Published counts from 1 to `min_cell - 1` are suppressed; 0 turns suppression off.
    #[serde(default = "default_min_cell")]
    pub min_cell: u32,
    /// Names redacted from published quotes.
    #[serde(default)]
    pub names: Vec<String>,
}

fn default_min_cell() -> u32 {
    5
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            min_cell: default_min_cell(),
            names: Vec::new(),
        }
    }
}

/// A multi-item scale: several questions of one source whose scores are summed.
#[derive(Debug, Clone, Deserialize)]
pub struct ReliabilityScale {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub source: String,
    /// Question names (Likert items are scored 1..k in scale order; number items as written).
    #[serde(default)]
    pub items: Vec<String>,
    /// Items scored in reverse (a high answer means less of what the scale measures).
    #[serde(default)]
    pub reverse: Vec<String>,
}

/// How the report presents results.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportSettings {
    /// At most this many quotes per interview code (the report shows up to two per benefit
    /// and one per other theme, chosen among these).
    #[serde(default = "default_quotes_per_code")]
    pub quotes_per_code: usize,
}

fn default_quotes_per_code() -> usize {
    3
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            quotes_per_code: default_quotes_per_code(),
        }
    }
}

/// The half-yearly summary's feedback forms: a survey source whose attributes include
/// `locality` and `date` (the session the form is about).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SummarySettings {
    /// The summaries' title (the service, not the evaluation); the spec's title otherwise.
    #[serde(default)]
    pub title: Option<String>,
    /// The survey source of session feedback forms.
    #[serde(default)]
    pub feedback: Option<String>,
    /// Its multi-select question of topics the women would like covered next.
    #[serde(default)]
    pub requests: Option<String>,
    /// Its free-text question to quote from (through the personal-data guard).
    #[serde(default)]
    pub comments: Option<String>,
}

/// An ordered answer scale such as agreement.
#[derive(Debug, Clone, Deserialize)]
pub struct Scale {
    /// Levels from lowest to highest.
    #[serde(default)]
    pub levels: Vec<String>,
    #[serde(default)]
    pub positive: Vec<String>,
    /// Answers that mean "no answer" for this scale (e.g. "Don't know").
    #[serde(default)]
    pub missing: Vec<String>,
    /// Other spellings, mapped to a level: `{ "Neutral" = "Neither agree nor disagree" }`.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// Numeric codes, mapped to a level: `{ "1" = "Strongly disagree" }`.
    #[serde(default)]
    pub codes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    #[default]
    Survey,
    Coding,
    /// An attendance register: one row per person per session.
    Attendance,
    /// A session log: one row per session planned, with its topic and speaker.
    Sessions,
}

impl SourceKind {
    /// Registers feed the half-yearly summary, not the benefit tallies.
    pub fn is_register(self) -> bool {
        matches!(self, SourceKind::Attendance | SourceKind::Sessions)
    }

    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Survey => "survey",
            SourceKind::Coding => "coding",
            SourceKind::Attendance => "attendance",
            SourceKind::Sessions => "sessions",
        }
    }
}

/// How a sheet is laid out. Survey layouts name the export's platform; coding layouts say how
/// codes are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayoutName {
    #[default]
    Auto,
    Plain,
    Qualtrics,
    Surveymonkey,
    GoogleForms,
    MsForms,
    Kobo,
    /// Coding: one row per coded excerpt.
    Long,
    /// Coding: one row per interviewee, one column per code.
    Matrix,
}

impl LayoutName {
    pub fn name(self) -> &'static str {
        match self {
            LayoutName::Auto => "auto",
            LayoutName::Plain => "plain",
            LayoutName::Qualtrics => "qualtrics",
            LayoutName::Surveymonkey => "surveymonkey",
            LayoutName::GoogleForms => "google_forms",
            LayoutName::MsForms => "ms_forms",
            LayoutName::Kobo => "kobo",
            LayoutName::Long => "long",
            LayoutName::Matrix => "matrix",
        }
    }
}

/// What to do when one respondent id appears on several rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateRule {
    /// Keep the last submission (a corrected resubmission replaces the earlier one).
    #[default]
    KeepLast,
    KeepFirst,
    /// Treat duplicates as an error to fix in the data.
    Error,
}

/// A sheet of interviewees, so that people with no code still count.
#[derive(Debug, Clone, Deserialize)]
pub struct Roster {
    #[serde(default)]
    pub sheet: String,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// One input file (or sheet) and how to read it.
#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub kind: SourceKind,
    #[serde(default)]
    pub file: PathBuf,
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub layout: LayoutName,
    /// Column holding the respondent id; row numbers are used otherwise.
    #[serde(default)]
    pub id: Option<String>,
    /// Respondent attributes: attribute name → column.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub duplicates: DuplicateRule,
    // Coding sources.
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub excerpt: Option<String>,
    #[serde(default)]
    pub coder: Option<String>,
    /// Column marking excerpts cleared for quotation ("Yes"/"1"/"TRUE").
    #[serde(default)]
    pub quote: Option<String>,
    /// Number of people interviewed, when there is no roster.
    #[serde(default)]
    pub respondents: Option<u32>,
    #[serde(default)]
    pub roster: Option<Roster>,
    /// Matrix coding: the code columns (all other columns are id, attributes or excerpt).
    #[serde(default)]
    pub codes: Vec<String>,
    // Registers (attendance and sessions): the columns of each field.
    /// The session's date.
    #[serde(default)]
    pub date: Option<String>,
    /// The group or locality the session belongs to.
    #[serde(default)]
    pub locality: Option<String>,
    /// Attendance: the attendee's pseudonymous id.
    #[serde(default)]
    pub attendee: Option<String>,
    /// Attendance: how the attendee was referred (optional).
    #[serde(default)]
    pub referral: Option<String>,
    /// Attendance: the date of secondary diagnosis (optional).
    #[serde(default)]
    pub diagnosed: Option<String>,
    /// Sessions: the topic (optional).
    #[serde(default)]
    pub topic: Option<String>,
    /// Sessions: the speaker's role (optional).
    #[serde(default)]
    pub speaker: Option<String>,
    /// Sessions: whether it went ahead ("Yes"/"No", "held"/"cancelled"; optional, else all did).
    #[serde(default)]
    pub held: Option<String>,
}

impl Source {
    /// The register column keys and their values, in the order the spec documents them.
    pub fn register_columns(&self) -> [(&'static str, Option<&str>); 8] {
        [
            ("date", self.date.as_deref()),
            ("locality", self.locality.as_deref()),
            ("attendee", self.attendee.as_deref()),
            ("referral", self.referral.as_deref()),
            ("diagnosed", self.diagnosed.as_deref()),
            ("topic", self.topic.as_deref()),
            ("speaker", self.speaker.as_deref()),
            ("held", self.held.as_deref()),
        ]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    Likert,
    Choice,
    Multi,
    Number,
    Text,
}

impl QuestionKind {
    pub fn name(self) -> &'static str {
        match self {
            QuestionKind::Likert => "likert",
            QuestionKind::Choice => "choice",
            QuestionKind::Multi => "multi",
            QuestionKind::Number => "number",
            QuestionKind::Text => "text",
        }
    }
}

/// One question: a column of a survey source.
#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub column: String,
    #[serde(default)]
    pub scale: Option<String>,
    /// Separator of a multi-select answer, e.g. `";"`.
    #[serde(default)]
    pub multi: Option<String>,
    /// The known options of a choice or multi-select question.
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub kind: Option<QuestionKind>,
}

impl Question {
    /// The kind, from `kind` when given, else from `scale` / `multi`, else single choice.
    pub fn effective_kind(&self) -> QuestionKind {
        match (self.kind, &self.scale, &self.multi) {
            (Some(kind), _, _) => kind,
            (None, Some(_), _) => QuestionKind::Likert,
            (None, None, Some(_)) => QuestionKind::Multi,
            (None, None, None) => QuestionKind::Choice,
        }
    }
}

/// A benefit and the evidence that shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct Benefit {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    #[serde(default)]
    pub by: Vec<String>,
}

/// One evidence rule: an answer to a survey question, or a code in a coding source.
#[derive(Debug, Clone, Deserialize)]
pub struct Evidence {
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub answer: Option<AnswerRule>,
    #[serde(default)]
    pub code: Option<String>,
}

/// `answer = "positive"`, `answer = "Agree"`, or `answer = ["Agree", "Strongly agree"]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum AnswerRule {
    One(String),
    Many(Vec<String>),
}

impl AnswerRule {
    /// True for the `"positive"` shorthand (the scale's positive levels).
    pub fn is_positive(&self) -> bool {
        matches!(self, AnswerRule::One(s) if s.eq_ignore_ascii_case("positive"))
    }

    pub fn values(&self) -> Vec<&str> {
        match self {
            AnswerRule::One(s) => vec![s.as_str()],
            AnswerRule::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// The keys each table of the spec accepts, for "unknown key" errors and their hints.
pub(crate) fn known_keys(context: &str) -> &'static [&'static str] {
    match context {
        "" => &[
            "title",
            "wave",
            "confidence",
            "privacy",
            "limits",
            "scales",
            "sources",
            "benefits",
            "by",
            "reliability",
            "report",
            "baseline",
            "baseline_wave",
            "paired",
            "summary",
        ],
        "report" => &["quotes_per_code"],
        "summary" => &["title", "feedback", "requests", "comments"],
        "reliability.#" => &["name", "source", "items", "reverse"],
        "privacy" => &["min_cell", "names"],
        "limits" => &[
            "max_file_bytes",
            "max_entry_bytes",
            "max_compression_ratio",
            "max_shared_strings",
            "max_cells",
            "max_columns",
            "max_rows",
        ],
        "scales.*" => &["levels", "positive", "missing", "aliases", "codes"],
        "sources.#" => &[
            "name",
            "group",
            "kind",
            "file",
            "sheet",
            "layout",
            "id",
            "attributes",
            "questions",
            "duplicates",
            "code",
            "excerpt",
            "coder",
            "quote",
            "respondents",
            "roster",
            "codes",
            "date",
            "locality",
            "attendee",
            "referral",
            "diagnosed",
            "topic",
            "speaker",
            "held",
        ],
        "sources.#.questions.#" => &["name", "column", "scale", "multi", "options", "kind"],
        "sources.#.roster" => &["sheet", "id", "attributes"],
        "benefits.#" => &["name", "label", "evidence", "by"],
        "benefits.#.evidence.#" => &["source", "question", "answer", "code"],
        _ => &[],
    }
}

//! The row ledger: every input row is used or excluded, and an exclusion says why.

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A header row: names the columns, holds no answers.
    Header,
    /// A response (or coded excerpt, or roster entry) that is in the tidy tables.
    Used,
    /// Left out, with a reason.
    Excluded,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Header => "header",
            Outcome::Used => "used",
            Outcome::Excluded => "excluded",
        }
    }
}

/// One row (or a run of blank rows) of one input sheet.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LedgerEntry {
    pub source: String,
    pub file: String,
    pub sheet: String,
    /// First sheet row (or CSV line) of the entry, 1-based.
    pub row: u32,
    /// Last row of the entry: equal to `row` except for a run of blank rows.
    pub last_row: u32,
    pub respondent: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
}

impl LedgerEntry {
    /// Number of sheet rows this entry stands for.
    pub fn rows(&self) -> u32 {
        self.last_row - self.row + 1
    }
}

/// Counts of a ledger: what was read and what became of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LedgerSummary {
    pub rows_read: u64,
    pub header: u64,
    pub used: u64,
    pub excluded: u64,
    /// Reasons with the number of rows each excluded, most common first.
    pub reasons: Vec<(String, u64)>,
}

pub fn summarise<'a>(entries: impl IntoIterator<Item = &'a LedgerEntry>) -> LedgerSummary {
    let mut summary = LedgerSummary::default();
    let mut reasons: std::collections::BTreeMap<String, u64> = Default::default();
    for e in entries {
        let n = e.rows() as u64;
        summary.rows_read += n;
        match e.outcome {
            Outcome::Header => summary.header += n,
            Outcome::Used => summary.used += n,
            Outcome::Excluded => {
                summary.excluded += n;
                let reason = e.reason.clone().unwrap_or_default();
                // Group per-row reasons ("duplicate of R012 ...") by their general kind.
                let kind = reason.split(':').next().unwrap_or("").to_string();
                *reasons.entry(kind).or_default() += n;
            }
        }
    }
    let mut reasons: Vec<(String, u64)> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    summary.reasons = reasons;
    summary
}

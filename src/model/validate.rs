//! `validate`: the spec and every file it names, checked together, every problem listed.

use std::path::Path;

use super::{load_evaluation, Evaluation, LedgerSummary};
use crate::diagnostic::Diagnostic;
use crate::spec::{self, LoadedSpec};

/// The outcome of checking a spec and its data.
#[derive(Debug, Clone)]
pub struct Validation {
    /// Spec problems first, then data problems, each in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// The spec, when it could be parsed at all.
    pub spec: Option<LoadedSpec>,
    /// The data read, when the spec could be parsed.
    pub evaluation: Option<Evaluation>,
}

/// One line per source for the summary: rows read and what became of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSummary {
    pub name: String,
    pub group: String,
    pub respondents: usize,
    pub ledger: LedgerSummary,
}

impl Validation {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    pub fn source_summaries(&self) -> Vec<SourceSummary> {
        self.evaluation
            .iter()
            .flat_map(|e| e.sources.iter())
            .map(|s| SourceSummary {
                name: s.name.clone(),
                group: s.group.clone(),
                respondents: s.respondent_count(),
                ledger: s.ledger_summary(),
            })
            .collect()
    }
}

/// Loads the spec at `path` and reads all its data, collecting every problem.
pub fn validate(path: &Path) -> Validation {
    validate_following(path, true)
}

/// [`validate`] without reading the spec's baseline: for callers that read the baseline
/// themselves (the report, which may be given another with `--baseline`), so it is read once.
pub fn validate_without_baseline(path: &Path) -> Validation {
    validate_following(path, false)
}

/// [`validate`]; with `follow_baseline`, the baseline is read and checked too (a baseline that
/// is itself a spec one level deep only, so two waves naming each other cannot loop).
fn validate_following(path: &Path, follow_baseline: bool) -> Validation {
    let loaded = match spec::load(path) {
        Ok(loaded) => loaded,
        Err(e) => {
            return Validation {
                diagnostics: e.diagnostics,
                spec: None,
                evaluation: None,
            }
        }
    };
    let evaluation = load_evaluation(&loaded);
    let mut diagnostics = loaded.diagnostics.clone();
    diagnostics.extend(evaluation.diagnostics.iter().cloned());
    if let Some(baseline) = loaded.spec.baseline.as_ref().filter(|_| follow_baseline) {
        let path = loaded.spec.resolve(baseline);
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        {
            let earlier = validate_following(&path, false);
            diagnostics.extend(earlier.diagnostics.into_iter().filter(Diagnostic::is_error));
        } else if let Err(problems) = super::baseline::read_baseline(&path, &loaded.spec.limits) {
            diagnostics.extend(problems);
        }
    }
    Validation {
        diagnostics,
        spec: Some(loaded),
        evaluation: Some(evaluation),
    }
}

//! Code tallies for coding sources: who said what, counted by interviewee and by excerpt.

use std::collections::{BTreeMap, BTreeSet};

use super::tallies::{fold, NOT_RECORDED};
use crate::model::{Evaluation, SourceData};
use crate::spec::{SourceKind, Spec};

/// One code of one coding source, overall or for one attribute value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CodeTally {
    pub source: String,
    pub code: String,
    pub by: Option<String>,
    pub by_value: Option<String>,
    /// Interviewees with the code (each once, however many excerpts).
    pub interviewees: u64,
    /// Excerpts with the code.
    pub excerpts: u64,
    /// Interviewees in the source (or in this attribute group), coded or not.
    pub respondents: u64,
    /// `interviewees / respondents` as 0–100.
    pub percent: Option<f64>,
}

/// One cell of the interviewee × code matrix.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MatrixCell {
    pub source: String,
    pub respondent: String,
    pub code: String,
    pub excerpts: u64,
}

/// Every code of every coding source, overall and by each attribute its respondents have.
/// Codes are in the order the spec lists them (matrix `codes`), then in order of first
/// appearance in the sheet, then any code a benefit names that nobody used (a zero).
pub fn code_tallies(spec: &Spec, eval: &Evaluation) -> Vec<CodeTally> {
    let mut out = Vec::new();
    for data in eval.sources.iter().filter(|s| s.kind == SourceKind::Coding) {
        let codes = code_order(spec, data);
        let attributes: BTreeSet<&str> = data
            .respondents
            .iter()
            .flat_map(|r| r.attributes.keys().map(String::as_str))
            .collect();
        // Interviewees declared with `respondents = N` but never coded have no attributes:
        // like the benefit tallies, they belong to the "(not recorded)" group.
        let unlisted = (data.respondent_count() - data.respondents.len()) as u64;
        let tally = |code: &str, by: Option<(&str, &str)>, members: Option<&BTreeSet<&str>>| {
            let excerpts: Vec<_> = data
                .codes
                .iter()
                .filter(|c| fold(&c.code) == fold(code))
                .filter(|c| members.is_none_or(|m| m.contains(c.respondent.as_str())))
                .collect();
            let interviewees: BTreeSet<&str> =
                excerpts.iter().map(|c| c.respondent.as_str()).collect();
            let respondents = match (members, by) {
                (None, _) => data.respondent_count() as u64,
                (Some(m), Some((_, NOT_RECORDED))) => m.len() as u64 + unlisted,
                (Some(m), _) => m.len() as u64,
            };
            CodeTally {
                source: data.name.clone(),
                code: code.to_string(),
                by: by.map(|(a, _)| a.to_string()),
                by_value: by.map(|(_, v)| v.to_string()),
                interviewees: interviewees.len() as u64,
                excerpts: excerpts.len() as u64,
                respondents,
                percent: (respondents > 0)
                    .then(|| 100.0 * interviewees.len() as f64 / respondents as f64),
            }
        };
        for code in &codes {
            out.push(tally(code, None, None));
        }
        for attribute in attributes {
            let mut groups: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for r in &data.respondents {
                let value = r
                    .attributes
                    .get(attribute)
                    .map_or(NOT_RECORDED, String::as_str);
                groups.entry(value).or_default().insert(r.id.as_str());
            }
            if unlisted > 0 {
                groups.entry(NOT_RECORDED).or_default();
            }
            for (value, members) in &groups {
                for code in &codes {
                    out.push(tally(code, Some((attribute, value)), Some(members)));
                }
            }
        }
    }
    out
}

/// The interviewee × code matrix of each coding source: every interviewee (coded or not) ×
/// every code, with the number of excerpts (0 when absent).
pub fn code_matrix(spec: &Spec, eval: &Evaluation) -> Vec<MatrixCell> {
    let mut out = Vec::new();
    for data in eval.sources.iter().filter(|s| s.kind == SourceKind::Coding) {
        let mut counts: BTreeMap<(&str, String), u64> = BTreeMap::new();
        for c in &data.codes {
            *counts
                .entry((c.respondent.as_str(), fold(&c.code)))
                .or_default() += 1;
        }
        let codes = code_order(spec, data);
        let mut people: Vec<&str> = data.respondents.iter().map(|r| r.id.as_str()).collect();
        for c in &data.codes {
            if !people.contains(&c.respondent.as_str()) {
                people.push(&c.respondent);
            }
        }
        for person in people {
            for code in &codes {
                out.push(MatrixCell {
                    source: data.name.clone(),
                    respondent: person.to_string(),
                    code: code.clone(),
                    excerpts: counts.get(&(person, fold(code))).copied().unwrap_or(0),
                });
            }
        }
    }
    out
}

pub(crate) fn code_order(spec: &Spec, data: &SourceData) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    let mut add = |code: &str| {
        if !codes.iter().any(|c| fold(c) == fold(code)) {
            codes.push(code.to_string());
        }
    };
    if let Some(source) = spec.source(&data.name) {
        source.codes.iter().for_each(|c| add(c));
    }
    data.codes.iter().for_each(|c| add(&c.code));
    spec.benefits
        .iter()
        .flat_map(|b| b.evidence.iter())
        .filter(|e| e.source == data.name)
        .filter_map(|e| e.code.as_deref())
        .for_each(add);
    codes
}

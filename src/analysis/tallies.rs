//! Benefit tallies: for each benefit and source, how many showed it, out of how many.
//!
//! The tally rule is DESIGN.md's contract. A benefit is tallied per source: `n` is the number
//! of that source's respondents for whom any of the source's evidence rules holds; `N` is the
//! number with a non-missing answer to at least one of the source's evidence questions (for a
//! coding source, everyone interviewed, coded or not). The percent is n/N and the interval is
//! Wilson's at the spec's confidence.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use super::answer_index::{AnswerIndex, AnswerIndexes};
use super::interval::wilson_interval;
use crate::ingest::normalise::{clean_text, Meaning, ScaleMatcher};
use crate::ingest::Cell;
use crate::model::{AnswerStatus, Evaluation, SourceData};
use crate::spec::{Benefit, Evidence, SourceKind, Spec};

/// The value an attribute breakdown uses for a respondent whose attribute is blank.
pub const NOT_RECORDED: &str = "(not recorded)";

/// One benefit × source tally, for everyone in the source or for one attribute value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BenefitTally {
    pub benefit: String,
    pub label: String,
    pub source: String,
    pub group: String,
    /// The attribute this row breaks the tally down by (`locality`), or `None` for the whole
    /// source.
    pub by: Option<String>,
    /// The attribute's value for this row (`Northfield`).
    pub by_value: Option<String>,
    pub n: u64,
    #[serde(rename = "N")]
    pub total: u64,
    /// n/N as a percentage (0–100); `None` when N is 0.
    pub percent: Option<f64>,
    /// Wilson interval bounds as percentages (0–100).
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// What one respondent contributes to a tally.
#[derive(Debug, Clone, Copy, Default)]
struct Contribution {
    answered: bool,
    holds: bool,
}

/// Every benefit tallied for every source it has evidence from, then broken down by each
/// attribute in the benefit's `by` and the spec's `by`. Rows are in spec order.
pub fn benefit_tallies(spec: &Spec, eval: &Evaluation) -> Vec<BenefitTally> {
    benefit_tallies_sharing(spec, eval, &AnswerIndexes::default())
}

/// [`benefit_tallies`], with each source's answers grouped by `indexes` (shared with the rest
/// of a report's computing).
pub(crate) fn benefit_tallies_sharing<'a>(
    spec: &'a Spec,
    eval: &'a Evaluation,
    indexes: &AnswerIndexes<'a>,
) -> Vec<BenefitTally> {
    let mut out = Vec::new();
    let mut groupings: HashMap<(&str, &str), Grouping> = HashMap::new();
    for (benefit, data, index, contributions) in contributions(spec, eval, indexes) {
        let row = |by: Option<(&str, &str)>, n: u64, total: u64| {
            tally_row(spec, benefit, data, by, n, total)
        };
        let (n, total) = count(index.distinct_respondents().map(|i| &contributions[i]));
        // A coding source declared with `respondents = N` may have interviewees with no
        // code and no row: they are in N, not in n.
        let unlisted = (data.respondent_count() - data.respondents.len()) as u64;
        out.push(row(None, n, total + unlisted));
        let mut attributes: Vec<&str> = benefit.by.iter().map(String::as_str).collect();
        for a in &spec.by {
            if !attributes.contains(&a.as_str()) {
                attributes.push(a);
            }
        }
        for attribute in attributes {
            let grouping = groupings
                .entry((data.name.as_str(), attribute))
                .or_insert_with(|| Grouping::new(data, attribute, unlisted > 0));
            // (n, N) per value of the attribute.
            let mut sums = vec![(0u64, 0u64); grouping.values.len()];
            for (i, &group) in grouping.group_of.iter().enumerate() {
                let c = contributions[index.stands_for(i)];
                sums[group].0 += u64::from(c.holds);
                sums[group].1 += u64::from(c.answered);
            }
            if let Some(missing) = grouping.not_recorded.filter(|_| unlisted > 0) {
                sums[missing].1 += unlisted;
            }
            for (value, (n, total)) in grouping.values.iter().zip(sums) {
                out.push(row(Some((attribute, value)), n, total));
            }
        }
    }
    out
}

/// A source's respondents grouped by the values of one attribute, the values in order; worked
/// out once, not once per benefit.
struct Grouping<'d> {
    values: Vec<&'d str>,
    /// The group (index in `values`) of each respondent, by position.
    group_of: Vec<usize>,
    /// The group of respondents with no value, when there is one.
    not_recorded: Option<usize>,
}

impl<'d> Grouping<'d> {
    /// `unlisted`: the source has interviewees with no row, who are counted as not recorded.
    fn new(data: &'d SourceData, attribute: &str, unlisted: bool) -> Grouping<'d> {
        let value_of = |r: &'d crate::model::Respondent| {
            r.attributes
                .get(attribute)
                .map_or(NOT_RECORDED, String::as_str)
        };
        let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &data.respondents {
            groups.insert(value_of(r), 0);
        }
        if unlisted {
            groups.insert(NOT_RECORDED, 0);
        }
        for (k, group) in groups.values_mut().enumerate() {
            *group = k;
        }
        Grouping {
            group_of: data
                .respondents
                .iter()
                .map(|r| groups[value_of(r)])
                .collect(),
            not_recorded: groups.get(NOT_RECORDED).copied(),
            values: groups.into_keys().collect(),
        }
    }
}

/// Whether each benefit's evidence holds for each respondent who answered its questions, per
/// benefit and source: the respondent-level view of [`benefit_tallies`], for matching the
/// same people across two waves. Keys are (benefit, source); inner keys are respondent ids.
pub fn respondent_evidence(
    spec: &Spec,
    eval: &Evaluation,
) -> BTreeMap<(String, String), BTreeMap<String, bool>> {
    respondent_evidence_sharing(spec, eval, &AnswerIndexes::default())
}

/// [`respondent_evidence`], with each source's answers grouped by `indexes`.
pub(crate) fn respondent_evidence_sharing<'a>(
    spec: &'a Spec,
    eval: &'a Evaluation,
    indexes: &AnswerIndexes<'a>,
) -> BTreeMap<(String, String), BTreeMap<String, bool>> {
    contributions(spec, eval, indexes)
        .into_iter()
        .map(|(benefit, data, index, contributions)| {
            let answered = index
                .distinct_respondents()
                .filter(|&i| contributions[i].answered)
                .map(|i| (data.respondents[i].id.clone(), contributions[i].holds))
                .collect();
            ((benefit.name.clone(), data.name.clone()), answered)
        })
        .collect()
}

/// What each respondent contributes to each benefit, per source with evidence for it, in
/// spec order. Contributions are by position in the source's respondents; the index says
/// which position stands for which id.
fn contributions<'a>(
    spec: &'a Spec,
    eval: &'a Evaluation,
    indexes: &AnswerIndexes<'a>,
) -> Vec<(
    &'a Benefit,
    &'a SourceData,
    Rc<AnswerIndex<'a>>,
    Vec<Contribution>,
)> {
    let mut out = Vec::new();
    for benefit in &spec.benefits {
        for (source_name, rules) in evidence_by_source(benefit) {
            let Some(data) = eval.source(source_name) else {
                continue;
            };
            let index = indexes.of(data);
            let contributions = match data.kind {
                SourceKind::Survey => survey_contributions(spec, data, &index, &rules),
                SourceKind::Coding => coding_contributions(data, &index, &rules),
                // Registers are not read into `eval.sources`, and the spec check stops a
                // benefit from naming one.
                SourceKind::Attendance | SourceKind::Sessions => continue,
            };
            out.push((benefit, data, index, contributions));
        }
    }
    out
}

fn count<'a>(contributions: impl Iterator<Item = &'a Contribution>) -> (u64, u64) {
    contributions.fold((0, 0), |(n, total), c| {
        (n + u64::from(c.holds), total + u64::from(c.answered))
    })
}

fn tally_row(
    spec: &Spec,
    benefit: &Benefit,
    data: &SourceData,
    by: Option<(&str, &str)>,
    n: u64,
    total: u64,
) -> BenefitTally {
    let interval = wilson_interval(n, total, spec.confidence);
    BenefitTally {
        benefit: benefit.name.clone(),
        label: benefit.label.clone(),
        source: data.name.clone(),
        group: data.group.clone(),
        by: by.map(|(a, _)| a.to_string()),
        by_value: by.map(|(_, v)| v.to_string()),
        n,
        total,
        percent: (total > 0).then(|| 100.0 * n as f64 / total as f64),
        ci_low: interval.map(|i| 100.0 * i.low),
        ci_high: interval.map(|i| 100.0 * i.high),
    }
}

/// A benefit's evidence rules grouped by source, in the order sources first appear.
fn evidence_by_source(benefit: &Benefit) -> Vec<(&str, Vec<&Evidence>)> {
    let mut out: Vec<(&str, Vec<&Evidence>)> = Vec::new();
    for e in &benefit.evidence {
        match out.iter_mut().find(|(s, _)| *s == e.source) {
            Some((_, rules)) => rules.push(e),
            None => out.push((&e.source, vec![e])),
        }
    }
    out
}

/// An answer rule resolved to the values that satisfy it, as the answers table spells them.
pub(crate) struct AnswerRule<'a> {
    pub(crate) question: &'a str,
    /// Likert levels as the scale spells them (exact match).
    levels: BTreeSet<String>,
    /// Options and choices, compared case-insensitively after cleaning.
    folded: BTreeSet<String>,
}

impl AnswerRule<'_> {
    /// Whether an answer (as the answers table spells it) satisfies the rule.
    pub(crate) fn matches(&self, value: &str) -> bool {
        self.levels.contains(value) || self.folded.contains(&fold(value))
    }
}

/// The survey evidence rules of `benefit` for `source`, resolved; `None` unless the source is
/// a survey and every rule resolves.
pub(crate) fn survey_rules<'a>(
    spec: &Spec,
    data: &SourceData,
    benefit: &'a Benefit,
) -> Option<Vec<AnswerRule<'a>>> {
    let evidence: Vec<&Evidence> = benefit
        .evidence
        .iter()
        .filter(|e| e.source == data.name)
        .collect();
    if data.kind != SourceKind::Survey || evidence.is_empty() {
        return None;
    }
    evidence
        .into_iter()
        .map(|e| resolve_rule(spec, data, e))
        .collect()
}

fn resolve_rule<'a>(spec: &Spec, data: &SourceData, e: &'a Evidence) -> Option<AnswerRule<'a>> {
    let question_name = e.question.as_deref()?;
    let answer = e.answer.as_ref()?;
    let question = spec
        .source(&data.name)?
        .questions
        .iter()
        .find(|q| q.name == question_name)?;
    let scale = question.scale.as_ref().and_then(|s| spec.scales.get(s));
    let mut rule = AnswerRule {
        question: question_name,
        levels: BTreeSet::new(),
        folded: BTreeSet::new(),
    };
    match scale {
        Some(scale) => {
            // Spelled as the spec's author wrote them ("agree"); matched to the levels as the
            // answers table spells them ("Agree").
            let matcher = ScaleMatcher::new(scale);
            let values: Vec<&str> = if answer.is_positive() {
                scale.positive.iter().map(String::as_str).collect()
            } else {
                answer.values()
            };
            for v in values {
                if let Meaning::Value(level) = matcher
                    .normalise(&Cell::Text(std::sync::Arc::from(v.to_string())))
                    .meaning
                {
                    rule.levels.insert(level);
                }
            }
        }
        None => {
            rule.folded.extend(answer.values().into_iter().map(fold));
        }
    }
    Some(rule)
}

/// Text compared loosely: cleaned and lower-cased (codes, options).
pub(crate) fn fold(text: &str) -> String {
    clean_text(text).text.to_lowercase()
}

fn survey_contributions(
    spec: &Spec,
    data: &SourceData,
    index: &AnswerIndex<'_>,
    evidence: &[&Evidence],
) -> Vec<Contribution> {
    let rules: Vec<AnswerRule> = evidence
        .iter()
        .filter_map(|e| resolve_rule(spec, data, e))
        .collect();
    let mut out = vec![Contribution::default(); data.respondents.len()];
    let mut questions: Vec<&str> = rules.iter().map(|r| r.question).collect();
    questions.sort_unstable();
    questions.dedup();
    for question in questions {
        let matching: Vec<&AnswerRule> = rules.iter().filter(|r| r.question == question).collect();
        let mut holds = ValueMemo::default();
        for (r, answer) in index.answers(question) {
            if answer.status() == AnswerStatus::Missing {
                continue;
            }
            let Some(r) = r else {
                continue;
            };
            let c = &mut out[r];
            c.answered = true;
            if let Some(value) = answer.value() {
                let satisfied = holds.get_or_insert(value, |value| {
                    let folded = fold(value);
                    matching
                        .iter()
                        .any(|r| r.levels.contains(value) || r.folded.contains(&folded))
                });
                if satisfied {
                    c.holds = true;
                }
            }
        }
    }
    out
}

/// Whether a value satisfies a question's rules, worked out once per distinct value. Scale
/// and option answers have a handful of distinct values, found fastest in a short list; a
/// question with many (free text) goes on in a map.
#[derive(Default)]
struct ValueMemo<'v> {
    few: Vec<(&'v str, bool)>,
    many: HashMap<&'v str, bool>,
}

impl<'v> ValueMemo<'v> {
    const FEW: usize = 32;

    fn get_or_insert(&mut self, value: &'v str, decide: impl FnOnce(&str) -> bool) -> bool {
        if let Some((_, b)) = self.few.iter().find(|(v, _)| *v == value) {
            return *b;
        }
        if self.few.len() < Self::FEW {
            let b = decide(value);
            self.few.push((value, b));
            return b;
        }
        *self.many.entry(value).or_insert_with(|| decide(value))
    }
}

fn coding_contributions(
    data: &SourceData,
    index: &AnswerIndex<'_>,
    evidence: &[&Evidence],
) -> Vec<Contribution> {
    let codes: BTreeSet<String> = evidence
        .iter()
        .filter_map(|e| e.code.as_deref())
        .map(fold)
        .collect();
    // Everyone interviewed is in N, coded or not.
    let mut out = vec![
        Contribution {
            answered: true,
            holds: false,
        };
        data.respondents.len()
    ];
    for excerpt in &data.codes {
        if codes.contains(&fold(&excerpt.code)) {
            if let Some(r) = index.respondent(&excerpt.respondent) {
                out[r].holds = true;
            }
        }
    }
    out
}

//! Every results table in the form it is published: small numbers suppressed, figures that
//! would identify a person left out, one row per figure.

use std::collections::BTreeMap;

use super::comparison::{compare_waves, ComparisonOut};
use super::redact::{RedactionCounts, Redactor};
use crate::analysis::answer_index::AnswerIndexes;
use crate::analysis::coders::coder_agreement;
use crate::analysis::codes::{code_tallies, CodeTally};
use crate::analysis::distributions::{
    question_distributions_sharing, DistributionRow, NumericSummary,
};
use crate::analysis::publish::{publish_tallies, suppress_proportions, Proportion, PublishedTally};
use crate::analysis::quotes::{select_quotes, Quote};
use crate::analysis::scales::scale_reliability_sharing;
use crate::analysis::suppression::is_small;
use crate::analysis::suppression::{distribution_suppression, proportion_suppression};
use crate::analysis::tallies::{
    benefit_tallies_sharing, fold, respondent_evidence_sharing, survey_rules,
};
use crate::model::baseline::Baseline;
use crate::model::{Evaluation, SourceData};
use crate::spec::{QuestionKind, Spec};

/// `tables/distributions.csv`: one row per answer option of every question.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DistributionOut {
    pub source: String,
    pub question: String,
    pub kind: String,
    pub value: String,
    pub order: u64,
    pub count: Option<u64>,
    /// Respondents who answered (the percent's denominator).
    pub answered: Option<u64>,
    pub percent: Option<f64>,
    pub missing: bool,
    /// Multi-select: a respondent may count in several rows, so percents may add to over 100.
    pub multiple: bool,
    pub suppressed: bool,
}

/// `tables/numeric.csv`: numeric questions. Minimum and maximum are left out: an extreme
/// value is one person's answer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NumericOut {
    pub source: String,
    pub question: String,
    pub n: Option<u64>,
    pub mean: Option<f64>,
    pub q1: Option<f64>,
    pub median: Option<f64>,
    pub q3: Option<f64>,
    pub suppressed: bool,
}

/// `tables/codes.csv`: interviewees and excerpts per code, overall and by attribute.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CodeOut {
    pub source: String,
    pub code: String,
    pub by: Option<String>,
    pub by_value: Option<String>,
    pub interviewees: Option<u64>,
    pub excerpts: Option<u64>,
    pub respondents: Option<u64>,
    pub percent: Option<f64>,
    pub suppressed: bool,
    /// Whether anyone was given the code, for listing themes without counts; not published
    /// as a column (with few interviewees even a zero is hidden).
    #[serde(skip)]
    pub raised: bool,
}

/// `tables/reliability.csv`: one row per scale item, with the scale's alpha on each.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReliabilityOut {
    pub scale: String,
    pub source: String,
    pub alpha: Option<f64>,
    pub n_complete: Option<u64>,
    pub n_excluded: Option<u64>,
    pub item: String,
    pub reversed: bool,
    pub item_rest_correlation: Option<f64>,
    pub alpha_if_dropped: Option<f64>,
}

/// `tables/agreement.csv`: coders' agreement per code, and the overall alpha (code empty).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AgreementOut {
    pub source: String,
    pub coders: String,
    pub code: String,
    pub units: u64,
    pub percent_agreement: Option<f64>,
    pub kappa: Option<f64>,
    pub krippendorff_alpha: Option<f64>,
}

/// `tables/ledger.csv`: what became of the rows of each input sheet, by reason.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LedgerOut {
    pub source: String,
    pub file: String,
    pub sheet: String,
    pub outcome: String,
    pub reason: String,
    pub rows: u64,
}

/// `tables/sources.csv`: each source, its file's SHA-256 and its respondents.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceOut {
    pub source: String,
    pub group: String,
    pub kind: String,
    pub file: String,
    pub sheet: String,
    pub sha256: String,
    pub respondents: u64,
    /// The first and last response date (ISO), where the sheet has a date column.
    pub first_date: Option<String>,
    pub last_date: Option<String>,
}

/// `tables/quotes.csv`: excerpts chosen for the report, after the personal-data guard.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QuoteOut {
    pub source: String,
    pub code: String,
    /// The benefit the quote illustrates, if any.
    pub benefit: Option<String>,
    pub text: String,
    pub attribution: String,
}

/// `tables/redactions.csv`: how many personal details the guard replaced, by kind.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RedactionOut {
    pub kind: String,
    pub count: u64,
}

/// All published tables of one evaluation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Published {
    /// `tables/benefits.csv`: one row per benefit × source (written with the contract columns).
    pub benefits: Vec<PublishedTally>,
    pub benefits_by: Vec<PublishedTally>,
    pub distributions: Vec<DistributionOut>,
    pub numeric: Vec<NumericOut>,
    pub codes: Vec<CodeOut>,
    pub reliability: Vec<ReliabilityOut>,
    pub agreement: Vec<AgreementOut>,
    pub ledger: Vec<LedgerOut>,
    pub sources: Vec<SourceOut>,
    pub quotes: Vec<QuoteOut>,
    pub redactions: Vec<RedactionOut>,
    /// `tables/comparison.csv`: only when a baseline wave is given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comparison: Vec<ComparisonOut>,
}

/// Computes and suppresses every results table. `hashes` maps each input file (as the
/// model names it) to its SHA-256.
pub fn publish(
    spec: &Spec,
    eval: &Evaluation,
    hashes: &BTreeMap<String, String>,
    baseline: Option<&Baseline>,
) -> Published {
    let k = spec.privacy.min_cell;
    // Each source's answers are grouped by question once, for tallies, distributions and
    // scales alike.
    let indexes = AnswerIndexes::default();
    let raw_tallies = benefit_tallies_sharing(spec, eval, &indexes);
    let tallies = publish_tallies(&raw_tallies, k);
    let (benefits_by, benefits): (Vec<_>, Vec<_>) =
        tallies.into_iter().partition(|t| t.by.is_some());
    let (rows, numbers) = question_distributions_sharing(spec, eval, &indexes);
    let mut benefits = benefits;
    let mut benefits_by = benefits_by;
    let mut distributions = publish_distributions(spec, &rows, k);
    protect_linked_tables(
        spec,
        eval,
        &rows,
        &mut benefits,
        &mut benefits_by,
        &mut distributions,
        k,
    );
    let (quotes, redactions) = publish_quotes(spec, eval);
    let evidence = (spec.paired && baseline.is_some_and(|b| b.respondents.is_some()))
        .then(|| respondent_evidence_sharing(spec, eval, &indexes));
    let comparison = baseline.map_or_else(Vec::new, |b| {
        compare_waves(
            &raw_tallies,
            &benefits,
            b,
            evidence.as_ref(),
            spec.confidence,
            k,
        )
    });
    Published {
        comparison,
        benefits,
        benefits_by,
        distributions,
        numeric: numbers.iter().map(|n| publish_numeric(n, k)).collect(),
        codes: publish_codes(&code_tallies(spec, eval), k),
        reliability: reliability_rows(spec, eval, &indexes),
        agreement: agreement_rows(spec, eval),
        ledger: eval.sources.iter().flat_map(ledger_rows).collect(),
        sources: eval
            .sources
            .iter()
            .map(|s| SourceOut {
                source: s.name.clone(),
                group: s.group.clone(),
                kind: format!("{:?}", s.kind).to_lowercase(),
                file: file_name(&s.file.display().to_string()),
                sheet: s.sheet.clone(),
                sha256: hashes
                    .get(&s.file.display().to_string())
                    .cloned()
                    .unwrap_or_default(),
                respondents: s.respondent_count() as u64,
                first_date: s.dates.map(|(first, _)| first.to_string()),
                last_date: s.dates.map(|(_, last)| last.to_string()),
            })
            .collect(),
        quotes,
        redactions,
    }
}

/// Quotes for the report: up to two per benefit from the interview codes it names, then one
/// for each other code of each coding source. Where a sheet has a `quote` column, only
/// excerpts marked there are used (it records consent to quote). Every quote passes the
/// personal-data guard.
fn publish_quotes(spec: &Spec, eval: &Evaluation) -> (Vec<QuoteOut>, Vec<RedactionOut>) {
    let redactor = Redactor::new(&spec.privacy.names);
    let mut counts = RedactionCounts::new();
    let candidates: Vec<Quote> = select_quotes(eval, spec.report.quotes_per_code)
        .into_iter()
        .filter(|q| {
            spec.source(&q.source)
                .is_none_or(|s| s.quote.is_none() || q.marked)
        })
        .collect();
    let mut out = Vec::new();
    let mut used_codes: Vec<(String, String)> = Vec::new();
    let mut publish = |q: &Quote, benefit: Option<&str>, out: &mut Vec<QuoteOut>| {
        out.push(QuoteOut {
            source: q.source.clone(),
            code: q.code.clone(),
            benefit: benefit.map(str::to_string),
            text: redactor.redact(&q.text, &mut counts),
            attribution: q.attribution.clone(),
        });
    };
    for benefit in &spec.benefits {
        let codes: Vec<(&str, String)> = benefit
            .evidence
            .iter()
            .filter_map(|e| e.code.as_deref().map(|c| (e.source.as_str(), fold(c))))
            .collect();
        for (source, code) in &codes {
            used_codes.push((source.to_string(), code.clone()));
        }
        for q in candidates
            .iter()
            .filter(|q| {
                codes
                    .iter()
                    .any(|(s, c)| *s == q.source && *c == fold(&q.code))
            })
            .take(2)
        {
            publish(q, Some(&benefit.name), &mut out);
        }
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    for q in &candidates {
        let key = (q.source.clone(), fold(&q.code));
        if used_codes.contains(&key) || seen.contains(&key) {
            continue;
        }
        seen.push(key);
        publish(q, None, &mut out);
    }
    let redactions = counts
        .into_iter()
        .map(|(kind, count)| RedactionOut {
            kind: kind.to_string(),
            count,
        })
        .collect();
    (out, redactions)
}

/// The file's name without the folders it was read from (which may hold a user's name).
fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |f| f.to_string_lossy().to_string())
}

fn publish_distributions(spec: &Spec, rows: &[DistributionRow], k: u32) -> Vec<DistributionOut> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let j = rows[i..]
            .iter()
            .position(|r| r.source != rows[i].source || r.question != rows[i].question)
            .map_or(rows.len(), |p| i + p);
        let group = &rows[i..j];
        let kind = spec
            .source(&group[0].source)
            .and_then(|s| s.questions.iter().find(|q| q.name == group[0].question))
            .map(|q| q.effective_kind());
        // Not answering says nothing about a person's health or experience, so the missing
        // row and the "answered" denominator are published as they are; the answers
        // themselves are suppressed.
        let hidden: Vec<bool> = if kind == Some(QuestionKind::Multi) {
            group
                .iter()
                .map(|r| !r.missing && proportion_suppression(r.count, r.answered, k).hide_n)
                .collect()
        } else {
            let answers: Vec<u64> = group
                .iter()
                .filter(|r| !r.missing)
                .map(|r| r.count)
                .collect();
            let s = distribution_suppression(&answers, k);
            let mut flags = s.counts.iter().map(|&h| h || s.total);
            group
                .iter()
                .map(|r| !r.missing && flags.next().unwrap_or(true))
                .collect()
        };
        for (r, hide) in group.iter().zip(hidden) {
            out.push(DistributionOut {
                source: r.source.clone(),
                question: r.question.clone(),
                kind: r.kind.to_string(),
                value: r.value.clone(),
                order: r.order as u64,
                count: (!hide).then_some(r.count),
                answered: Some(r.answered),
                percent: if hide { None } else { r.percent },
                missing: r.missing,
                multiple: r.multiple,
                suppressed: hide,
            });
        }
        i = j;
    }
    out
}

/// A survey benefit whose evidence is one single-answer question is a sum of that question's
/// distribution cells: n is the answers inside the rule, N − n those outside. The two tables
/// are suppressed separately, so each could give away what the other hides:
/// - a hidden benefit (its n small, or N − n small) could be worked out from the published
///   levels; so the question's levels are all hidden too;
/// - a hidden level could be worked out from a published n when it is the only hidden cell on
///   its side of the rule, or the hidden cells on one side add up to a small number; so the
///   benefit's n (and its breakdowns, which add up to it) are hidden too.
///
/// Repeated until nothing changes: hiding only ever adds, so it ends.
fn protect_linked_tables(
    spec: &Spec,
    eval: &Evaluation,
    rows: &[DistributionRow],
    benefits: &mut [PublishedTally],
    benefits_by: &mut [PublishedTally],
    distributions: &mut [DistributionOut],
    k: u32,
) {
    if k <= 1 {
        return;
    }
    // The unsuppressed counts, to know what each hidden cell holds.
    let raw: BTreeMap<(&str, &str, &str), u64> = rows
        .iter()
        .filter(|r| !r.missing)
        .map(|r| {
            (
                (r.source.as_str(), r.question.as_str(), r.value.as_str()),
                r.count,
            )
        })
        .collect();
    loop {
        let mut changed = false;
        for b in benefits.iter_mut() {
            let (Some(benefit), Some(data)) = (
                spec.benefits.iter().find(|x| x.name == b.benefit),
                eval.source(&b.source),
            ) else {
                continue;
            };
            let Some(rules) = survey_rules(spec, data, benefit) else {
                continue;
            };
            let question = rules[0].question;
            let single_answer = spec
                .source(&b.source)
                .and_then(|s| s.questions.iter().find(|q| q.name == question))
                .is_some_and(|q| q.effective_kind() != QuestionKind::Multi);
            if !single_answer || rules.iter().any(|r| r.question != question) {
                continue;
            }
            let levels: Vec<&mut DistributionOut> = distributions
                .iter_mut()
                .filter(|d| d.source == b.source && d.question == question && !d.missing)
                .collect();
            if b.n.is_none() {
                for d in levels {
                    if d.count.is_some() {
                        d.count = None;
                        d.percent = None;
                        d.suppressed = true;
                        changed = true;
                    }
                }
                continue;
            }
            let (mut inside, mut outside) = (Vec::new(), Vec::new());
            for d in levels.iter().filter(|d| d.count.is_none()) {
                let count = raw
                    .get(&(d.source.as_str(), d.question.as_str(), d.value.as_str()))
                    .copied()
                    .unwrap_or(0);
                if rules.iter().any(|r| r.matches(&d.value)) {
                    inside.push(count);
                } else {
                    outside.push(count);
                }
            }
            let exposed =
                |hidden: &[u64]| hidden.len() == 1 || is_small(hidden.iter().sum::<u64>(), k);
            if exposed(&inside) || exposed(&outside) {
                hide_tally(b);
                for row in benefits_by
                    .iter_mut()
                    .filter(|r| r.benefit == b.benefit && r.source == b.source)
                {
                    hide_tally(row);
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

fn hide_tally(t: &mut PublishedTally) {
    t.n = None;
    t.percent = None;
    t.ci_low = None;
    t.ci_high = None;
    if !t.suppressed {
        t.hidden = Some(crate::analysis::publish::Hidden::Secondary);
    }
    t.suppressed = true;
}

fn publish_numeric(n: &NumericSummary, k: u32) -> NumericOut {
    // Quartiles of a handful of answers come close to individual answers.
    let hide = n.n > 0 && n.n < u64::from(k.max(1));
    NumericOut {
        source: n.source.clone(),
        question: n.question.clone(),
        n: (!hide).then_some(n.n),
        mean: if hide { None } else { n.mean },
        q1: if hide { None } else { n.q1 },
        median: if hide { None } else { n.median },
        q3: if hide { None } else { n.q3 },
        suppressed: hide,
    }
}

fn publish_codes(tallies: &[CodeTally], k: u32) -> Vec<CodeOut> {
    let proportions: Vec<Proportion<'_, (&str, &str)>> = tallies
        .iter()
        .map(|t| Proportion {
            key: (t.source.as_str(), t.code.as_str()),
            by: t.by.as_deref(),
            n: t.interviewees,
            total: t.respondents,
        })
        .collect();
    let hide = suppress_proportions(&proportions, k);
    tallies
        .iter()
        .zip(hide)
        .map(|(t, (hide_n, hide_total))| {
            let hide_n = hide_n || hide_total;
            CodeOut {
                source: t.source.clone(),
                code: t.code.clone(),
                by: t.by.clone(),
                by_value: t.by_value.clone(),
                interviewees: (!hide_n).then_some(t.interviewees),
                excerpts: (!hide_n).then_some(t.excerpts),
                respondents: (!hide_total).then_some(t.respondents),
                percent: if hide_n { None } else { t.percent },
                suppressed: hide_n,
                raised: t.interviewees > 0,
            }
        })
        .collect()
}

fn reliability_rows<'a>(
    spec: &'a Spec,
    eval: &'a Evaluation,
    indexes: &AnswerIndexes<'a>,
) -> Vec<ReliabilityOut> {
    let mut out = Vec::new();
    for scale in scale_reliability_sharing(spec, eval, indexes) {
        match &scale.result {
            Some(r) => {
                for item in &r.items {
                    out.push(ReliabilityOut {
                        scale: scale.name.clone(),
                        source: scale.source.clone(),
                        alpha: Some(r.alpha),
                        n_complete: Some(r.n_complete as u64),
                        n_excluded: Some(r.n_excluded as u64),
                        item: item.name.clone(),
                        reversed: item.reversed,
                        item_rest_correlation: item.item_rest_correlation,
                        alpha_if_dropped: item.alpha_if_dropped,
                    });
                }
            }
            None => out.push(ReliabilityOut {
                scale: scale.name.clone(),
                source: scale.source.clone(),
                alpha: None,
                n_complete: None,
                n_excluded: None,
                item: String::new(),
                reversed: false,
                item_rest_correlation: None,
                alpha_if_dropped: None,
            }),
        }
    }
    out
}

fn agreement_rows(spec: &Spec, eval: &Evaluation) -> Vec<AgreementOut> {
    let mut out = Vec::new();
    for s in coder_agreement(spec, eval) {
        let a = &s.agreement;
        let coders = a.coders.join(" & ");
        out.push(AgreementOut {
            source: s.source.clone(),
            coders: coders.clone(),
            code: String::new(),
            units: (a.respondents.len() * a.codes.len()) as u64,
            percent_agreement: None,
            kappa: None,
            krippendorff_alpha: a.krippendorff_alpha,
        });
        for c in &a.codes {
            out.push(AgreementOut {
                source: s.source.clone(),
                coders: coders.clone(),
                code: c.code.clone(),
                units: c.units as u64,
                percent_agreement: Some(c.percent_agreement),
                kappa: c.kappa,
                krippendorff_alpha: None,
            });
        }
    }
    out
}

fn ledger_rows(source: &SourceData) -> Vec<LedgerOut> {
    let mut counts: BTreeMap<(String, String, String, String), u64> = BTreeMap::new();
    for e in &source.ledger {
        let reason = e
            .reason
            .as_deref()
            .map(|r| r.split(':').next().unwrap_or(r).to_string())
            .unwrap_or_default();
        *counts
            .entry((
                file_name(&e.file),
                e.sheet.clone(),
                e.outcome.name().to_string(),
                reason,
            ))
            .or_default() += u64::from(e.rows());
    }
    counts
        .into_iter()
        .map(|((file, sheet, outcome, reason), rows)| LedgerOut {
            source: source.name.clone(),
            file,
            sheet,
            outcome,
            reason,
            rows,
        })
        .collect()
}

//! Question distributions: how every question was answered, one row per answer option.
//!
//! Likert and listed options appear even when nobody chose them (a zero is a finding);
//! missing answers are a row of their own, outside the percentages. Multi-select percentages
//! are of respondents who answered the question, so they may add up to more than 100%; the
//! rows say so with `multiple = true`.

use std::collections::BTreeMap;

use statrs::statistics::{Data, Distribution, Max, Min, OrderStatistics};

use super::answer_index::{AnswerIndex, AnswerIndexes};
use crate::model::row_chunks;
use crate::model::{AnswerStatus, Evaluation, SourceData};
use crate::spec::{Question, QuestionKind, Source, Spec};

/// One answer option of one question.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DistributionRow {
    pub source: String,
    pub question: String,
    pub kind: &'static str,
    /// The level or option; for the missing row, `(missing)`; for free text, `(answered)`.
    pub value: String,
    /// Position of the value in the scale or option list (0-based); missing comes last.
    pub order: usize,
    pub count: u64,
    /// Respondents who answered the question (the denominator of `percent`).
    pub answered: u64,
    /// `count / answered` as 0–100; `None` for the missing row and when nobody answered.
    pub percent: Option<f64>,
    /// True for the row counting missing answers.
    pub missing: bool,
    /// True for multi-select questions: a respondent may be in several rows.
    pub multiple: bool,
    /// True for a value that is not a level or listed option (kept as written).
    pub unlisted: bool,
}

/// A numeric question summarised.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NumericSummary {
    pub source: String,
    pub question: String,
    pub n: u64,
    pub missing: u64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    /// Quartiles by R's type 8 definition (median-unbiased; statrs' quantile).
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

pub const MISSING: &str = "(missing)";
pub const ANSWERED: &str = "(answered)";

/// Every question of every survey source, in spec order.
pub fn question_distributions(
    spec: &Spec,
    eval: &Evaluation,
) -> (Vec<DistributionRow>, Vec<NumericSummary>) {
    question_distributions_sharing(spec, eval, &AnswerIndexes::default())
}

/// [`question_distributions`], with each source's answers grouped by `indexes` (shared with
/// the rest of a report's computing).
pub(crate) fn question_distributions_sharing<'a>(
    spec: &'a Spec,
    eval: &'a Evaluation,
    indexes: &AnswerIndexes<'a>,
) -> (Vec<DistributionRow>, Vec<NumericSummary>) {
    // Questions are independent: a large survey's are shared out between threads.
    let workers = |data: &SourceData| {
        if data.answers.len() < ANSWERS_WORTH_SHARING {
            1
        } else {
            row_chunks::workers()
        }
    };
    question_distributions_on(spec, eval, indexes, workers)
}

/// [`question_distributions_sharing`], each source's questions counted on `workers(source)`
/// threads, each thread with its own list of who answered; the results stay in spec order.
fn question_distributions_on<'a>(
    spec: &'a Spec,
    eval: &'a Evaluation,
    indexes: &AnswerIndexes<'a>,
    workers: impl Fn(&SourceData) -> usize,
) -> (Vec<DistributionRow>, Vec<NumericSummary>) {
    let mut rows = Vec::new();
    let mut numbers = Vec::new();
    for source in &spec.sources {
        let Some(data) = eval.source(&source.name) else {
            continue;
        };
        let index = indexes.of(data);
        let index: &AnswerIndex = &index;
        let respondents = index.distinct_respondents().count() as u64;
        row_chunks::in_row_order(
            source.questions.len(),
            1,
            workers(data),
            || vec![false; data.respondents.len()],
            |given, questions| {
                (source.questions[questions].iter())
                    .map(|question| {
                        let answers = QuestionAnswers {
                            spec,
                            source,
                            question,
                            data,
                            index,
                            respondents,
                        };
                        answers.counts(given)
                    })
                    .collect::<Vec<_>>()
            },
            |done| {
                for distribution in done {
                    match distribution {
                        QuestionCounts::Rows(out) => rows.extend(out),
                        QuestionCounts::Numeric(summary) => numbers.push(summary),
                    }
                }
            },
        );
    }
    (rows, numbers)
}

/// Below this many answers in a source its questions are counted on one thread.
const ANSWERS_WORTH_SHARING: usize = 100_000;

/// How one question was answered: rows of options, or a numeric summary.
enum QuestionCounts {
    Rows(Vec<DistributionRow>),
    Numeric(NumericSummary),
}

/// One question of a survey source, with what counting its answers needs.
struct QuestionAnswers<'a, 'd> {
    spec: &'a Spec,
    source: &'a Source,
    question: &'a Question,
    data: &'d SourceData,
    index: &'a AnswerIndex<'d>,
    /// Distinct respondents of the source.
    respondents: u64,
}

impl QuestionAnswers<'_, '_> {
    /// `given` is scratch: one flag per respondent, any values on entry.
    fn counts(&self, given: &mut [bool]) -> QuestionCounts {
        let QuestionAnswers {
            spec,
            source,
            question,
            data,
            index,
            respondents,
        } = *self;
        let kind = question.effective_kind();
        // Who answered, and each (respondent, value) given, counted once per respondent.
        given.iter_mut().for_each(|g| *g = false);
        let mut values: Vec<(usize, &str)> = Vec::new();
        for (r, a) in index.answers(&question.name) {
            let Some(r) = r else {
                continue;
            };
            if a.status() != AnswerStatus::Missing {
                given[r] = true;
                if let Some(v) = a.value() {
                    values.push((r, v));
                }
            }
        }
        values.sort_unstable();
        values.dedup();
        let answered = given.iter().filter(|g| **g).count() as u64;
        let missing = respondents - answered;
        if kind == QuestionKind::Number {
            // In respondent-id order, then value order, as the figures were always summed.
            values.sort_unstable_by(|a, b| {
                (data.respondents[a.0].id.as_str(), a.1)
                    .cmp(&(data.respondents[b.0].id.as_str(), b.1))
            });
            let values: Vec<f64> = values
                .iter()
                .filter_map(|(_, v)| v.parse::<f64>().ok())
                .collect();
            return QuestionCounts::Numeric(numeric_summary(
                &source.name,
                &question.name,
                values,
                missing,
            ));
        }
        let listed: Vec<String> = match kind {
            QuestionKind::Likert => question
                .scale
                .as_ref()
                .and_then(|s| spec.scales.get(s))
                .map(|s| s.levels.clone())
                .unwrap_or_default(),
            QuestionKind::Choice | QuestionKind::Multi => question.options.clone(),
            _ => Vec::new(),
        };
        let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
        // Most questions have a few distinct values: counted in a short list first. Free
        // text is only counted as answered.
        let mut few: Vec<(&str, u64)> = Vec::new();
        let counted = if kind == QuestionKind::Text {
            &[][..]
        } else {
            &values[..]
        };
        for &(_, v) in counted {
            if let Some((_, n)) = few.iter_mut().find(|(w, _)| *w == v) {
                *n += 1;
            } else if few.len() < 32 {
                few.push((v, 1));
            } else {
                *counts.entry(v).or_default() += 1;
            }
        }
        for (v, n) in few {
            *counts.entry(v).or_default() += n;
        }
        let row = |value: String, order: usize, count: u64, is_missing: bool, unlisted: bool| {
            DistributionRow {
                source: source.name.clone(),
                question: question.name.clone(),
                kind: kind.name(),
                value,
                order,
                count,
                answered,
                percent: (!is_missing && answered > 0)
                    .then(|| 100.0 * count as f64 / answered as f64),
                missing: is_missing,
                multiple: kind == QuestionKind::Multi,
                unlisted,
            }
        };
        let mut out = Vec::new();
        if kind == QuestionKind::Text {
            out.push(row(ANSWERED.to_string(), 0, answered, false, false));
        } else {
            for (i, level) in listed.iter().enumerate() {
                let count = counts.remove(level.as_str()).unwrap_or(0);
                out.push(row(level.clone(), i, count, false, false));
            }
            // Values not listed: most common first, then alphabetically.
            let mut others: Vec<(&str, u64)> = counts.into_iter().collect();
            others.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            for (i, (value, count)) in others.into_iter().enumerate() {
                out.push(row(
                    value.to_string(),
                    listed.len() + i,
                    count,
                    false,
                    !listed.is_empty(),
                ));
            }
        }
        let order = out.len();
        out.push(row(MISSING.to_string(), order, missing, true, false));
        QuestionCounts::Rows(out)
    }
}

fn numeric_summary(source: &str, question: &str, values: Vec<f64>, missing: u64) -> NumericSummary {
    let n = values.len() as u64;
    let mut data = Data::new(values);
    let some = |x: f64| (n > 0 && x.is_finite()).then_some(x);
    NumericSummary {
        source: source.to_string(),
        question: question.to_string(),
        n,
        missing,
        mean: data.mean().and_then(some),
        median: some(data.median()),
        q1: some(data.lower_quartile()),
        q3: some(data.upper_quartile()),
        min: some(data.min()),
        max: some(data.max()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// numpy 2.4.6 `np.quantile([5,6,4,3,2,6,5,5,1,0,6,4], [.25,.5,.75],
    /// method="median_unbiased")` (R's type 8) = [2.41666667, 4.5, 5.58333333].
    #[test]
    fn quartiles_are_r_type_8() {
        let s = numeric_summary(
            "s",
            "q",
            vec![5.0, 6.0, 4.0, 3.0, 2.0, 6.0, 5.0, 5.0, 1.0, 0.0, 6.0, 4.0],
            1,
        );
        assert!((s.q1.unwrap() - 2.416_666_666_7).abs() < 1e-9);
        assert_eq!(s.median, Some(4.5));
        assert!((s.q3.unwrap() - 5.583_333_333_3).abs() < 1e-9);
        assert_eq!(
            (s.n, s.missing, s.min, s.max),
            (12, 1, Some(0.0), Some(6.0))
        );
    }

    /// Questions counted on several threads come out as counted on one, in spec order.
    #[test]
    fn questions_counted_on_several_threads_match_one() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "id,feel,reasons,age,why\n\
                   1,Agree,a;b,30,fine\n\
                   2,Agree,a,31,\n\
                   3,Disagree,b,40,ok\n\
                   4,Agreed,c,,good\n\
                   5,,a;c,22,fine\n";
        let loaded = crate::model::test_support::survey_spec(
            dir.path(),
            csv,
            &[
                r#"{ name = "feel", column = "feel", scale = "ag" }"#,
                r#"{ name = "reasons", column = "reasons", multi = ";", options = ["a", "b"] }"#,
                r#"{ name = "age", column = "age", kind = "number" }"#,
                r#"{ name = "why", column = "why", kind = "text" }"#,
                r#"{ name = "age again", column = "age", kind = "number" }"#,
            ],
        );
        let eval = crate::model::load_evaluation(&loaded);
        let spec = &loaded.spec;
        let one = question_distributions_on(spec, &eval, &AnswerIndexes::default(), |_| 1);
        let (rows, numbers) = &one;
        let questions: Vec<&str> = rows.iter().map(|r| r.question.as_str()).collect();
        assert_eq!(
            questions,
            [
                "feel", "feel", "feel", "feel", "reasons", "reasons", "reasons", "reasons", "why",
                "why"
            ]
        );
        // "a" is chosen by respondents 1, 2 and 5 of the 5 who answered.
        assert_eq!(
            (rows[4].value.as_str(), rows[4].count, rows[4].answered),
            ("a", 3, 5)
        );
        assert_eq!(numbers.len(), 2);
        assert_eq!(
            (numbers[0].n, numbers[0].missing, numbers[0].mean),
            (4, 1, Some(30.75))
        );
        for workers in [2, 3, 8] {
            let shared =
                question_distributions_on(spec, &eval, &AnswerIndexes::default(), |_| workers);
            assert_eq!(shared, one, "{workers} threads");
        }
    }

    #[test]
    fn no_numbers_no_summary_figures() {
        let s = numeric_summary("s", "q", vec![], 3);
        assert_eq!((s.n, s.mean, s.median, s.q1), (0, None, None, None));
    }
}

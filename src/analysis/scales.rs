//! The spec's `[[reliability]]` scales scored from the answers table and checked with
//! Cronbach's alpha.

use super::answer_index::AnswerIndexes;
use super::reliability::{cronbach_alpha, AlphaOptions, ItemScores, Reliability};
use crate::model::{AnswerStatus, Evaluation};
use crate::spec::{QuestionKind, Spec};

/// One declared scale's reliability; `result` is `None` when alpha is undefined (see
/// [`cronbach_alpha`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScaleReliability {
    pub name: String,
    pub source: String,
    pub result: Option<Reliability>,
}

/// Scores every declared scale. Likert items score 1..k in their scale's order; number items
/// as written. Missing answers are missing (listwise deletion happens in [`cronbach_alpha`]).
pub fn scale_reliability(spec: &Spec, eval: &Evaluation) -> Vec<ScaleReliability> {
    scale_reliability_sharing(spec, eval, &AnswerIndexes::default())
}

/// [`scale_reliability`], with each source's answers grouped by `indexes`.
pub(crate) fn scale_reliability_sharing<'a>(
    spec: &'a Spec,
    eval: &'a Evaluation,
    indexes: &AnswerIndexes<'a>,
) -> Vec<ScaleReliability> {
    let mut out = Vec::new();
    for scale in &spec.reliability {
        let (Some(source), Some(data)) = (spec.source(&scale.source), eval.source(&scale.source))
        else {
            continue;
        };
        let index = indexes.of(data);
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut items = Vec::new();
        for item in &scale.items {
            let Some(question) = source.questions.iter().find(|q| &q.name == item) else {
                continue;
            };
            let levels = question
                .scale
                .as_ref()
                .and_then(|s| spec.scales.get(s))
                .map(|s| s.levels.clone());
            let mut scores = vec![None; data.respondents.len()];
            for (r, a) in index.answers(item) {
                let (Some(i), Some(value), AnswerStatus::Answered) = (r, a.value(), a.status())
                else {
                    continue;
                };
                scores[i] = match (question.effective_kind(), &levels) {
                    (QuestionKind::Likert, Some(levels)) => levels
                        .iter()
                        .position(|l| l == value)
                        .map(|p| (p + 1) as f64),
                    _ => value.parse::<f64>().ok(),
                };
            }
            match (question.effective_kind(), &levels) {
                (QuestionKind::Likert, Some(levels)) => {
                    min = min.min(1.0);
                    max = max.max(levels.len() as f64);
                }
                _ => {
                    for s in scores.iter().flatten() {
                        min = min.min(*s);
                        max = max.max(*s);
                    }
                }
            }
            items.push(ItemScores {
                name: item.clone(),
                scores,
            });
        }
        let options = AlphaOptions {
            reverse: scale.reverse.clone(),
            min,
            max,
        };
        out.push(ScaleReliability {
            name: scale.name.clone(),
            source: scale.source.clone(),
            result: cronbach_alpha(&items, &options),
        });
    }
    out
}

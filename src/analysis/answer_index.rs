//! One pass over a source's answers, so each question's answers can be visited on their own.
//!
//! A national survey has millions of answers; scanning them all once per question or per
//! benefit, and keeping per-respondent maps keyed by id strings, is most of what computing
//! used to cost. [`AnswerIndex`] groups answer positions by question and numbers respondents
//! by their place in [`SourceData::respondents`], so hot loops work on `usize`s. It changes no
//! result: callers still read the same answers, in the same order within a question.
//!
//! Each entry holds what its answer's cell said (the shared [`AnswerReading`]) rather than the
//! answer's position: a question's answers lie a whole row of answers apart, and visiting
//! them in `data.answers` cost a cache miss each, while the readings are a few per question.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::model::{Answer, AnswerReading, SourceData};

/// Each source's [`AnswerIndex`], built the first time it is asked for and then shared, so
/// the distributions, tallies and scales of one report group a source's answers once.
#[derive(Default)]
pub(crate) struct AnswerIndexes<'d> {
    built: RefCell<HashMap<&'d str, Rc<AnswerIndex<'d>>>>,
}

impl<'d> AnswerIndexes<'d> {
    /// The index of `data`'s answers (sources are told apart by name, as in the spec).
    pub(crate) fn of(&self, data: &'d SourceData) -> Rc<AnswerIndex<'d>> {
        self.built
            .borrow_mut()
            .entry(data.name.as_str())
            .or_insert_with(|| Rc::new(AnswerIndex::new(data)))
            .clone()
    }
}

/// A source's answers grouped by question, and its respondents numbered.
pub(crate) struct AnswerIndex<'d> {
    /// Respondent id → position in `data.respondents`. With a repeated id (which the reader
    /// does not produce), the last position stands for all, as a map keyed by id would.
    respondent: HashMap<&'d str, usize>,
    /// For each position in `data.respondents`, the position that stands for its id.
    stands_for: Vec<usize>,
    /// Question name → slot in `lists`.
    slot: HashMap<&'d str, usize>,
    /// One list per question, in answer order: each answer's respondent (its position in
    /// `data.respondents`, `usize::MAX`: none) and reading.
    lists: Vec<Vec<(usize, &'d AnswerReading)>>,
}

impl<'d> AnswerIndex<'d> {
    pub(crate) fn new(data: &'d SourceData) -> AnswerIndex<'d> {
        let parts = if data.answers.len() < ANSWERS_WORTH_SPLITTING {
            1
        } else {
            crate::model::row_chunks::workers()
        };
        AnswerIndex::in_parts(data, parts)
    }

    /// [`AnswerIndex::new`], the answers grouped in `parts` runs on as many threads.
    fn in_parts(data: &'d SourceData, parts: usize) -> AnswerIndex<'d> {
        let respondent = data
            .respondents
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let respondent: HashMap<&str, usize> = respondent;
        let stands_for = data
            .respondents
            .iter()
            .map(|r| respondent[r.id.as_str()])
            .collect();
        // The answers are cut into one consecutive run per thread; each run is grouped on its
        // own and the runs' lists are joined in order, so every list is in answer order.
        let mut runs = group_in_parts(&data.answers, &respondent, parts).into_iter();
        let Grouped {
            mut slot,
            mut lists,
            ..
        } = runs.next().unwrap_or_default();
        for run in runs {
            for (name, mut list) in run.names.into_iter().zip(run.lists) {
                match slot.get(name) {
                    Some(&s) => lists[s].append(&mut list),
                    None => {
                        slot.insert(name, lists.len());
                        lists.push(list);
                    }
                }
            }
        }
        AnswerIndex {
            respondent,
            stands_for,
            slot,
            lists,
        }
    }

    /// What the answers to `question` said, in the order they were read, each with the
    /// position in `respondents` that stands for its respondent (`None` if it is not one of
    /// them).
    pub(crate) fn answers(
        &self,
        question: &str,
    ) -> impl Iterator<Item = (Option<usize>, &'d AnswerReading)> + '_ {
        self.slot
            .get(question)
            .into_iter()
            .flat_map(|&s| &self.lists[s])
            .map(|&(r, reading)| ((r != usize::MAX).then_some(r), reading))
    }

    /// The position in `respondents` standing for respondent `id`, if it is one.
    pub(crate) fn respondent(&self, id: &str) -> Option<usize> {
        self.respondent.get(id).copied()
    }

    /// The position that stands for the respondent at position `i` (`i` itself unless an
    /// id is repeated).
    pub(crate) fn stands_for(&self, i: usize) -> usize {
        self.stands_for[i]
    }

    /// Positions that stand for a distinct id: one per respondent, as a map keyed by id
    /// would count them.
    pub(crate) fn distinct_respondents(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.stands_for.len()).filter(|&i| self.stands_for[i] == i)
    }
}

/// Below this many answers a survey is grouped on one thread: starting threads would cost
/// more than they save.
const ANSWERS_WORTH_SPLITTING: usize = 100_000;

/// A run of answers grouped by question: the questions in the order first met, and for each
/// its answers' respondents and readings.
#[derive(Default)]
struct Grouped<'d> {
    names: Vec<&'d str>,
    slot: HashMap<&'d str, usize>,
    lists: Vec<Vec<(usize, &'d AnswerReading)>>,
}

/// Groups `answers` in `parts` consecutive runs, one thread each (the calling thread alone
/// for one run), returned in answer order.
fn group_in_parts<'d>(
    answers: &'d [Answer],
    respondent: &HashMap<&'d str, usize>,
    parts: usize,
) -> Vec<Grouped<'d>> {
    if parts <= 1 || answers.len() < 2 {
        return vec![group(answers, respondent)];
    }
    let run = answers.len().div_ceil(parts);
    std::thread::scope(|scope| {
        let threads: Vec<_> = answers
            .chunks(run)
            .map(|answers| scope.spawn(move || group(answers, respondent)))
            .collect();
        threads
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
            .collect()
    })
}

/// Groups `answers` by question, each with its respondent's position (`usize::MAX`: none).
fn group<'d>(answers: &'d [Answer], respondent: &HashMap<&'d str, usize>) -> Grouped<'d> {
    let mut grouped = Grouped::default();
    let Grouped { names, slot, lists } = &mut grouped;
    let mut last_respondent: Option<(&str, usize)> = None;
    // Answers come row by row, the questions in the same order in every row (a multi-select
    // question's options one after another): the slot after the last one, or the last one
    // again, is nearly always right and saves a hash per answer.
    let mut last = 0;
    for a in answers {
        let r: &str = &a.respondent;
        let position = match last_respondent {
            Some((id, position)) if id == r => position,
            _ => respondent.get(r).copied().unwrap_or(usize::MAX),
        };
        last_respondent = Some((r, position));
        let q: &str = &a.question;
        let next = if last + 1 == names.len() { 0 } else { last + 1 };
        let s = if names.get(next) == Some(&q) {
            next
        } else if names.get(last) == Some(&q) {
            last
        } else {
            *slot.entry(q).or_insert_with(|| {
                names.push(q);
                lists.push(Vec::new());
                lists.len() - 1
            })
        };
        last = s;
        lists[s].push((position, a.reading()));
    }
    grouped
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{AnswerStatus, CellPlace, Respondent};
    use crate::spec::SourceKind;

    fn reading(value: &str) -> Arc<AnswerReading> {
        Arc::new(AnswerReading {
            value: Some(Arc::from(value)),
            status: AnswerStatus::Answered,
            raw: Arc::from(value),
        })
    }

    /// Seven rows of two questions, the second multi-select; a question ("late") first
    /// answered in the last rows, and an answer from someone not among the respondents.
    fn survey() -> SourceData {
        let mut answers = Vec::new();
        let mut respondents = Vec::new();
        for row in 0..7u32 {
            let id: Arc<str> = Arc::from(format!("r{row}"));
            respondents.push(Respondent {
                id: id.to_string(),
                row: Some(row + 2),
                attributes: Default::default(),
            });
            let mut questions = vec![("feel", format!("level {}", row % 3))];
            questions.extend((0..=row % 2).map(|o| ("reasons", format!("option {o}"))));
            if row >= 5 {
                questions.push(("late", "yes".to_string()));
            }
            for (column, (question, value)) in questions.into_iter().enumerate() {
                let place = CellPlace {
                    row: row + 2,
                    column: column as u32,
                    in_workbook: true,
                };
                answers.push(Answer::new(
                    id.clone(),
                    Arc::from(question),
                    place,
                    reading(&value),
                ));
            }
        }
        let place = CellPlace {
            row: 9,
            column: 0,
            in_workbook: true,
        };
        answers.push(Answer::new(
            Arc::from("stranger"),
            Arc::from("feel"),
            place,
            reading("level 1"),
        ));
        SourceData {
            name: "s".into(),
            group: "g".into(),
            kind: SourceKind::Survey,
            file: "s.xlsx".into(),
            sheet: "Sheet1".into(),
            layout: "plain".into(),
            respondents,
            declared_respondents: None,
            answers,
            codes: Vec::new(),
            ledger: Vec::new(),
            changes: Vec::new(),
            dates: None,
        }
    }

    fn listed<'d>(index: &AnswerIndex<'d>, question: &str) -> Vec<(Option<usize>, &'d str)> {
        index
            .answers(question)
            .map(|(r, reading)| (r, reading.value().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn answers_grouped_on_several_threads_keep_their_order() {
        let data = survey();
        let whole = AnswerIndex::in_parts(&data, 1);
        assert_eq!(listed(&whole, "late"), [(Some(5), "yes"), (Some(6), "yes")]);
        assert_eq!(listed(&whole, "feel").len(), 8);
        assert_eq!(listed(&whole, "feel")[7], (None, "level 1"));
        assert_eq!(listed(&whole, "reasons").len(), 10);
        for parts in [2, 3, 7, 40] {
            let split = AnswerIndex::in_parts(&data, parts);
            for question in ["feel", "reasons", "late", "unasked"] {
                assert_eq!(
                    listed(&split, question),
                    listed(&whole, question),
                    "{question} in {parts} parts"
                );
            }
        }
    }
}

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

use crate::model::{AnswerReading, SourceData};

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
        let mut last_respondent: Option<(&str, usize)> = None;
        let mut slot: HashMap<&str, usize> = HashMap::new();
        let mut lists: Vec<Vec<(usize, &AnswerReading)>> = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        // Answers come row by row, the questions in the same order in every row (a
        // multi-select question's options one after another): the slot after the last one,
        // or the last one again, is nearly always right and saves a hash per answer.
        let mut last = 0;
        for a in &data.answers {
            let r: &str = &a.respondent;
            // The answers of one row share their respondent's and question's texts, so the
            // addresses nearly always answer; the texts are compared only when they differ.
            let position = match last_respondent {
                Some((id, position)) if std::ptr::eq(id, r) || id == r => position,
                _ => respondent.get(r).copied().unwrap_or(usize::MAX),
            };
            last_respondent = Some((r, position));
            let q: &str = &a.question;
            let next = if last + 1 == names.len() { 0 } else { last + 1 };
            let same = |i: usize| names.get(i).is_some_and(|n| std::ptr::eq(*n, q) || *n == q);
            let s = if same(next) {
                next
            } else if same(last) {
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

//! Analysis: pure functions from tidy tables to result tables.
//!
//! Nothing here reads files or formats prose: each function takes the model's data (or plain
//! numbers) and returns figures, so every statistic can be checked against a reference value
//! computed elsewhere. Small-number suppression is applied to results meant for publication,
//! never to the figures the tests check.

pub mod agreement;
pub(crate) mod answer_index;
pub mod attendance;
pub mod coders;
pub mod codes;
pub mod compare;
pub mod distributions;
pub mod interval;
pub mod periods;
pub mod publish;
pub mod quotes;
pub mod reliability;
pub mod scales;
pub mod suppression;
pub mod tallies;

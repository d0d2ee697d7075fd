//! impactkit turns what people say about a support service into evidence: it reads
//! questionnaire exports and interview-coding spreadsheets, and (as the pipeline grows) tallies
//! benefits with honest intervals, draws charts and writes an impact report.
//!
//! The pipeline runs one way, one module per stage:
//! [`spec`] (the evaluation described in TOML) → [`ingest`] (files to sheets of cells, safely)
//! → [`model`] (tidy tables and the row ledger) → [`analysis`] → [`charts`] and [`report`]
//! (the impact report) or [`summary`] (the half-yearly summary for NHS partners).
//!
//! ```
//! use std::path::Path;
//! use impactkit::model::validate::validate;
//!
//! let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/evaluation.toml");
//! let checked = validate(&spec);
//! assert_eq!(checked.errors(), 0, "{:#?}", checked.diagnostics);
//!
//! let evaluation = checked.evaluation.expect("the sample spec parses");
//! let survey = evaluation.source("attendee_survey").expect("declared in the spec");
//! assert_eq!(survey.respondents.len(), 93);
//! ```

pub mod analysis;
pub mod charts;
pub mod diagnostic;
pub mod ingest;
pub mod limits;
pub mod model;
pub mod report;
pub mod spec;
pub mod summary;

/// Frees `value` on a thread of its own. A national survey's sheet and answers are millions of
/// small values that take a noticeable moment to free, and nothing waits for that: the report
/// goes on being written (and the command exits once it has printed). Should no thread be had,
/// the value is freed here.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("impactkit-free".to_string())
        .spawn(move || drop(value));
}

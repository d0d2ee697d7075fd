//! Interview coding: the percentage of interviewees each code was given to, as horizontal bars
//! with one bar per group (e.g. nurse specialists beside oncologists) inside each code.
//!
//! A code counts an interviewee once however often it was given, so the bars of one group do
//! not add up to 100%; the chart says so.

use std::path::Path;

use super::benefits::{grouped_chart, Wording};
use super::{BenefitBar, Chart, ChartError};

/// One bar: the interviewees of one group given one code.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeBar {
    /// The code, e.g. "Patients cope better".
    pub code: String,
    /// Who was interviewed, e.g. "Clinical nurse specialist"; one colour per group.
    pub group: String,
    /// Percentage of the group's interviewees, 0–100; `None` when suppressed for small numbers.
    pub percent: Option<f64>,
    /// Written at the end of the bar, e.g. "9/20".
    pub n_label: String,
}

/// Draws code tallies by group to `out_stem.svg` and `out_stem.png`: codes in the order first
/// given, groups in the order first given, each group in one colour.
///
/// `title` should say what the chart shows; `caption` gives the data source and N. Errors when
/// there are no bars, or a percentage is NaN or outside 0–100.
pub fn code_chart(
    bars: &[CodeBar],
    title: &str,
    caption: &str,
    out_stem: &Path,
) -> Result<Chart, ChartError> {
    let bars: Vec<BenefitBar> = bars
        .iter()
        .map(|bar| BenefitBar {
            label: bar.code.clone(),
            source: bar.group.clone(),
            percent: bar.percent,
            ci_low: None,
            ci_high: None,
            n_label: bar.n_label.clone(),
        })
        .collect();
    grouped_chart(
        &bars,
        &Wording {
            alt_intro: "Percent of interviewees in each group whose interview was given each \
                        code.",
            note: "An interviewee counts once per code however often it came up, so bars do not \
                   add up to 100%; n/N is written at the end of each bar.",
            axis_label: "Percent of interviewees",
        },
        title,
        caption,
        out_stem,
    )
}

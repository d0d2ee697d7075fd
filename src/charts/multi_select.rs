//! Multi-select questions ("why do you come?", "the best things"): the percentage of
//! respondents who chose each option, as horizontal bars sorted from most to least chosen.
//!
//! People could tick several options, so the bars do not add up to 100%; the chart says so
//! under the axis so nobody reads it as shares of a whole.

use std::path::Path;

use super::{
    checked_percent, n_label_words, percent_short, percent_words, register_fonts, series_colour,
    write_figure, BarGroup, BarRow, Chart, ChartError, HorizontalBars, SUPPRESSED_TEXT,
};

/// One option of a multi-select question.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionBar {
    pub label: String,
    /// Percentage of respondents who chose it, 0–100; `None` when suppressed for small numbers.
    pub percent: Option<f64>,
    /// Written at the end of the bar, e.g. "45/93".
    pub n_label: String,
}

/// The note under every multi-select chart, saying why the bars may add up to more than 100%.
fn more_than_one_note(percents_total: f64) -> &'static str {
    if percents_total > 100.0 {
        "People could choose more than one option, so the percentages add up to more than 100%."
    } else {
        "People could choose more than one option."
    }
}

/// Draws a multi-select question as bars sorted by percentage (highest first; ties keep the
/// order given; suppressed options last) to `out_stem.svg` and `out_stem.png`.
///
/// `title` should say what the chart shows; `caption` gives the data source and N. Errors when
/// there are no bars, or a percentage is NaN or outside 0–100.
pub fn multi_select_chart(
    bars: &[OptionBar],
    title: &str,
    caption: &str,
    out_stem: &Path,
) -> Result<Chart, ChartError> {
    let svg_path = super::svg_path_if_any(bars.len(), title, out_stem)?;
    register_fonts()?;

    let mut checked = Vec::with_capacity(bars.len());
    for bar in bars {
        let percent = bar
            .percent
            .map(|p| checked_percent(p, &svg_path, &bar.label, "percent"))
            .transpose()?;
        checked.push((bar, percent));
    }
    // A stable sort, so equal percentages keep the caller's order.
    checked.sort_by(|(_, a), (_, b)| match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(a),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });

    let colour = series_colour(0);
    let groups = checked
        .iter()
        .map(|(bar, percent)| BarGroup {
            label: bar.label.clone(),
            rows: vec![BarRow {
                colour,
                percent: *percent,
                interval: None,
                end_label: percent
                    .map(|p| format!("{} ({})", percent_short(p), bar.n_label.trim()))
                    .unwrap_or_else(|| SUPPRESSED_TEXT.to_string()),
                dot: None,
            }],
        })
        .collect();

    let figures: Vec<String> = checked
        .iter()
        .map(|(bar, percent)| match percent {
            Some(p) => format!(
                "{}: {} ({})",
                bar.label,
                percent_words(*p),
                n_label_words(&bar.n_label)
            ),
            None => format!("{}: {SUPPRESSED_TEXT}", bar.label),
        })
        .collect();
    let note = more_than_one_note(checked.iter().filter_map(|(_, p)| *p).sum());
    let alt = format!(
        "Horizontal bar chart, most chosen first: {title}. {}. {note} {caption}",
        figures.join("; ")
    );

    let figure = HorizontalBars {
        title: title.to_string(),
        legend: Vec::new(),
        groups,
        axis_label: "Percent of respondents".to_string(),
        notes: vec![note.to_string(), caption.to_string()],
        group_rules: false,
    }
    .layout();
    write_figure(&figure, out_stem, title, alt)
}

//! Benefit tallies: for each benefit, the percentage of respondents in each source who reported
//! it, with its interval as a whisker and `n/N` at the end of the bar.
//!
//! Benefits are drawn in the order first given and sources keep one colour (and one position
//! inside every benefit) in the order first given, so the caller decides the reading order.

use std::path::Path;

use super::{
    checked_percent, n_label_words, percent_short, percent_words, register_fonts, series_colour,
    write_figure, BarGroup, BarRow, Chart, ChartError, HorizontalBars, SUPPRESSED_TEXT,
};

/// One bar: how many in one source reported one benefit.
#[derive(Debug, Clone, PartialEq)]
pub struct BenefitBar {
    /// The benefit, e.g. "Support from other women, reducing isolation".
    pub label: String,
    /// Where the answers came from, e.g. "attendee survey"; one colour per source.
    pub source: String,
    /// Percentage of respondents, 0–100; `None` when suppressed for small numbers.
    pub percent: Option<f64>,
    /// Interval ends in percent (Wilson); the whisker is drawn only when both are given.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Written at the end of the bar, e.g. "77/91"; "not shown" when suppressed.
    pub n_label: String,
}

/// Draws the benefit tallies as grouped horizontal bars to `out_stem.svg` and `out_stem.png`.
///
/// `title` should say what the chart shows; `caption` gives the data source and N. Errors when
/// there are no bars, or a percentage is NaN or outside 0–100.
pub fn benefit_chart(
    bars: &[BenefitBar],
    title: &str,
    caption: &str,
    out_stem: &Path,
) -> Result<Chart, ChartError> {
    grouped_chart(
        bars,
        &Wording {
            alt_intro: "Percent of respondents in each source who reported each benefit, with \
                        Wilson intervals.",
            note: "Bars show the percentage; whiskers show the interval; n/N is written at the \
                   end of each bar.",
            axis_label: "Percent of respondents",
        },
        title,
        caption,
        out_stem,
    )
}

/// What a grouped bar chart says about itself, beyond its title and caption.
pub(super) struct Wording {
    /// Follows the title in the alt text: what the bars measure.
    pub alt_intro: &'static str,
    /// The first note under the axis: how to read a bar.
    pub note: &'static str,
    pub axis_label: &'static str,
}

/// Grouped horizontal bars: one group per `label`, one bar per `source` inside each group, in
/// the order first given; sources keep their colour and position in every group. With a
/// single source there is no legend: the title and caption name it.
pub(super) fn grouped_chart(
    bars: &[BenefitBar],
    wording: &Wording,
    title: &str,
    caption: &str,
    out_stem: &Path,
) -> Result<Chart, ChartError> {
    let svg_path = super::svg_path_if_any(bars.len(), title, out_stem)?;
    register_fonts()?;

    let mut sources: Vec<&str> = Vec::new();
    let mut labels: Vec<&str> = Vec::new();
    for bar in bars {
        if !sources.contains(&bar.source.as_str()) {
            sources.push(&bar.source);
        }
        if !labels.contains(&bar.label.as_str()) {
            labels.push(&bar.label);
        }
    }

    let mut groups = Vec::with_capacity(labels.len());
    let mut alt_groups = Vec::with_capacity(labels.len());
    for label in &labels {
        let mut rows = Vec::new();
        let mut alt_rows = Vec::new();
        for (source_index, source) in sources.iter().enumerate() {
            for bar in bars
                .iter()
                .filter(|b| b.label == *label && b.source == *source)
            {
                let row = checked_row(bar, source_index, sources.len() > 1, &svg_path)?;
                alt_rows.push(alt_row(bar, &row));
                rows.push(row);
            }
        }
        groups.push(BarGroup {
            label: label.to_string(),
            rows,
        });
        alt_groups.push(format!("{label}: {}.", alt_rows.join("; ")));
    }

    let alt = format!(
        "Horizontal bar chart: {title}. {} {} {caption}",
        wording.alt_intro,
        alt_groups.join(" ")
    );
    let figure = HorizontalBars {
        title: title.to_string(),
        legend: if sources.len() > 1 {
            sources
                .iter()
                .enumerate()
                .map(|(i, s)| (s.to_string(), series_colour(i)))
                .collect()
        } else {
            Vec::new()
        },
        groups,
        axis_label: wording.axis_label.to_string(),
        notes: vec![wording.note.to_string(), caption.to_string()],
        group_rules: true,
    }
    .layout();
    write_figure(&figure, out_stem, title, alt)
}

fn checked_row(
    bar: &BenefitBar,
    source_index: usize,
    name_source: bool,
    path: &Path,
) -> Result<BarRow, ChartError> {
    let name = format!("{} ({})", bar.label, bar.source);
    let percent = bar
        .percent
        .map(|p| checked_percent(p, path, &name, "percent"))
        .transpose()?;
    let interval = match (percent, bar.ci_low, bar.ci_high) {
        (Some(_), Some(low), Some(high)) => Some((
            checked_percent(low, path, &name, "ci_low")?,
            checked_percent(high, path, &name, "ci_high")?,
        )),
        _ => None,
    };
    let end_label = match percent {
        Some(p) => format!("{} ({})", percent_short(p), bar.n_label.trim()),
        // Named, as colour alone cannot say which source is missing on a grey printout.
        None if name_source => format!("{}: {SUPPRESSED_TEXT}", bar.source),
        None => SUPPRESSED_TEXT.to_string(),
    };
    Ok(BarRow {
        colour: series_colour(source_index),
        percent,
        interval,
        end_label,
        dot: None,
    })
}

fn alt_row(bar: &BenefitBar, row: &BarRow) -> String {
    match (row.percent, row.interval) {
        (None, _) => format!("{} {SUPPRESSED_TEXT}", bar.source),
        (Some(p), Some((low, high))) => format!(
            "{} {} ({}, interval {} to {})",
            bar.source,
            percent_words(p),
            n_label_words(&bar.n_label),
            percent_words(low),
            percent_words(high)
        ),
        (Some(p), None) => format!(
            "{} {} ({})",
            bar.source,
            percent_words(p),
            n_label_words(&bar.n_label)
        ),
    }
}

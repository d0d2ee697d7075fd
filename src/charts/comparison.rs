//! Two evaluation waves side by side: for each benefit × source, the baseline as a hollow dot
//! and the current wave as a filled dot, each with its interval, and an arrow from then to now.
//!
//! The arrow shows the direction of the difference, not whether it is a real change: the end
//! label says that, in the words the report uses ("clear increase", "no clear change").

use std::path::Path;

use super::{
    checked_percent, percent_words, register_fonts, series_colour, write_figure, BarGroup, BarRow,
    Chart, ChartError, DotMark, HorizontalBars, SUPPRESSED_TEXT,
};
use plotters::style::RGBColor;

/// The baseline's colour: a mid grey that prints as grey, beside the current wave's blue.
const BASELINE_COLOUR: RGBColor = RGBColor(0x7F, 0x7F, 0x7F);

/// One benefit × source in both waves; percentages 0–100, `None` where not shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    /// e.g. "Support from other women, reducing isolation (attendee survey)".
    pub label: String,
    pub baseline: Option<f64>,
    pub baseline_interval: Option<(f64, f64)>,
    pub current: Option<f64>,
    pub current_interval: Option<(f64, f64)>,
    /// Written past the dots, e.g. "+17.9 points: clear increase".
    pub end_label: String,
}

/// Draws the comparison of `baseline_name` with `current_name` to `out_stem.svg` and `.png`.
pub fn comparison_chart(
    rows: &[ChangeRow],
    baseline_name: &str,
    current_name: &str,
    title: &str,
    caption: &str,
    out_stem: &Path,
) -> Result<Chart, ChartError> {
    let svg_path = super::svg_path_if_any(rows.len(), title, out_stem)?;
    register_fonts()?;
    let current_colour = series_colour(0);
    let mut groups = Vec::with_capacity(rows.len());
    let mut alt_rows = Vec::with_capacity(rows.len());
    for row in rows {
        let check =
            |value: f64, field: &'static str| checked_percent(value, &svg_path, &row.label, field);
        let check_interval = |interval: Option<(f64, f64)>, field: &'static str| {
            interval
                .map(|(low, high)| Ok::<_, ChartError>((check(low, field)?, check(high, field)?)))
                .transpose()
        };
        let baseline = row.baseline.map(|p| check(p, "baseline")).transpose()?;
        let current = row.current.map(|p| check(p, "current")).transpose()?;
        let baseline_interval = check_interval(row.baseline_interval, "baseline interval")?;
        let current_interval = check_interval(row.current_interval, "current interval")?;
        alt_rows.push(format!(
            "{}: {baseline_name} {}, {current_name} {}; {}.",
            row.label,
            baseline.map_or_else(|| SUPPRESSED_TEXT.to_string(), percent_words),
            current.map_or_else(|| SUPPRESSED_TEXT.to_string(), percent_words),
            row.end_label
        ));
        groups.push(BarGroup {
            label: row.label.clone(),
            rows: vec![BarRow {
                colour: current_colour,
                percent: current,
                interval: current_interval,
                end_label: match current {
                    Some(_) => row.end_label.clone(),
                    None => format!("{current_name}: {SUPPRESSED_TEXT}"),
                },
                dot: Some(DotMark {
                    from: baseline.map(|b| (b, baseline_interval)),
                    from_colour: BASELINE_COLOUR,
                }),
            }],
        });
    }
    let alt = format!(
        "Dot and arrow chart: {title}. Percent of respondents in {baseline_name} and in \
         {current_name}, with intervals; arrows point from {baseline_name} to {current_name}. {} \
         {caption}",
        alt_rows.join(" ")
    );
    let figure = HorizontalBars {
        title: title.to_string(),
        legend: vec![
            (format!("{baseline_name} (hollow dot)"), BASELINE_COLOUR),
            (format!("{current_name} (filled dot)"), current_colour),
        ],
        groups,
        axis_label: "Percent of respondents".to_string(),
        notes: vec![
            format!(
                "Whiskers show each wave's interval ({baseline_name} above the line, \
                 {current_name} below); the arrow points from {baseline_name} to {current_name}."
            ),
            caption.to_string(),
        ],
        group_rules: true,
    }
    .layout();
    write_figure(&figure, out_stem, title, alt)
}

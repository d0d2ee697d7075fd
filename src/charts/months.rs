//! Counts per month (attendances at a group's sessions) as upright bars, one per calendar month
//! of the period in order, with the count written above each bar.
//!
//! A month whose count is hidden for small numbers is drawn as a pale band the height of the
//! plot with "not shown" on it, never as a bar or a zero: a reader must not take a hidden month for a month
//! nobody came. The axis starts at zero and ends at a round number above the largest bar.

use std::path::Path;

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind};
use plotters::element::Rectangle;
use plotters::style::text_anchor::HPos;
use plotters::style::{Color, RGBColor};

use super::{
    draw_text, draw_title, line, register_fonts, series_colour, wrap_text, write_figure, Chart,
    ChartError, Figure, Target, GRID, INK, LABEL_SIZE, MARGIN, MUTED_INK, NOTE_LINE, SMALL_SIZE,
    TITLE_LINE, TITLE_SIZE, WIDTH,
};

/// One month's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthBar {
    /// Shown under the bar: "Jan 2026".
    pub label: String,
    /// `None` when hidden for small numbers.
    pub count: Option<u64>,
}

const PLOT_HEIGHT: i32 = 520;
/// The band drawn for a hidden month: paler than the gridlines' background would suggest a bar.
const HIDDEN_FILL: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);
const AXIS_ROOM: i32 = 90;
const LABEL_ROW: i32 = 44;

struct MonthsLayout {
    title_lines: Vec<String>,
    bars: Vec<MonthBar>,
    axis_label: String,
    axis_max: u64,
    note_lines: Vec<String>,
    plot_top: i32,
    height: i32,
}

/// A round number above `max` (so the tallest bar's label stays inside the plot), with gridlines every fifth of it.
fn axis_max(max: u64) -> u64 {
    let max = max.max(1);
    let step = [
        1u64, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000,
    ]
    .into_iter()
    .find(|step| step * 5 > max)
    .unwrap_or_else(|| max.div_ceil(5));
    step * 5
}

/// Draws `bars` to `out_stem.svg` and `out_stem.png`. `axis_label` names what is counted
/// ("Attendances"); `caption` gives the source and the period.
pub fn months_chart(
    bars: &[MonthBar],
    title: &str,
    axis_label: &str,
    caption: &str,
    out_stem: &Path,
) -> Result<Chart, ChartError> {
    super::svg_path_if_any(bars.len(), title, out_stem)?;
    register_fonts()?;
    let title_lines = wrap_text(title, TITLE_SIZE, true, WIDTH - 2 * MARGIN);
    let mut notes = Vec::new();
    if bars.iter().any(|b| b.count.is_none()) {
        notes.push(
            "A grey band marks a month whose count is not shown, to protect small numbers; it is not drawn to any height."
                .to_string(),
        );
    }
    notes.push(caption.to_string());
    let note_lines: Vec<String> = notes
        .iter()
        .flat_map(|n| wrap_text(n, SMALL_SIZE, false, WIDTH - 2 * MARGIN))
        .collect();
    let plot_top = MARGIN + title_lines.len() as i32 * TITLE_LINE + 60;
    let height =
        plot_top + PLOT_HEIGHT + LABEL_ROW * 2 + 20 + note_lines.len() as i32 * NOTE_LINE + MARGIN;
    let max = bars.iter().filter_map(|b| b.count).max().unwrap_or(0);
    let layout = MonthsLayout {
        title_lines,
        bars: bars.to_vec(),
        axis_label: axis_label.to_string(),
        axis_max: axis_max(max),
        note_lines,
        plot_top,
        height,
    };
    let figures: Vec<String> = bars
        .iter()
        .map(|b| match b.count {
            Some(n) => format!("{}: {n}", b.label),
            None => format!("{}: not shown (to protect small numbers)", b.label),
        })
        .collect();
    let alt = format!(
        "Bar chart, one bar per month: {title}. {}. {caption}",
        figures.join("; ")
    );
    write_figure(&layout, out_stem, title, alt)
}

impl MonthsLayout {
    fn plot_left(&self) -> i32 {
        MARGIN + AXIS_ROOM
    }

    fn plot_right(&self) -> i32 {
        WIDTH - MARGIN
    }

    fn plot_bottom(&self) -> i32 {
        self.plot_top + PLOT_HEIGHT
    }

    fn y_of(&self, value: u64) -> i32 {
        let share = value as f64 / self.axis_max as f64;
        self.plot_bottom() - (share * PLOT_HEIGHT as f64).round() as i32
    }
}

impl Figure for MonthsLayout {
    fn size(&self) -> (u32, u32) {
        (WIDTH as u32, self.height as u32)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        target: Target,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        draw_title(root, &self.title_lines, target)?;
        draw_text(
            root,
            &self.axis_label,
            (MARGIN, self.plot_top - 36),
            SMALL_SIZE,
            false,
            &MUTED_INK,
            HPos::Left,
            target,
        )?;
        let (left, right, bottom) = (self.plot_left(), self.plot_right(), self.plot_bottom());
        for k in 0..=5 {
            let value = self.axis_max * k / 5;
            let y = self.y_of(value);
            root.draw(&line((left, y), (right, y), GRID, 2))?;
            draw_text(
                root,
                &value.to_string(),
                (left - 14, y),
                SMALL_SIZE,
                false,
                &MUTED_INK,
                HPos::Right,
                target,
            )?;
        }
        let slot = (right - left) / self.bars.len().max(1) as i32;
        let bar_width = (slot * 3 / 5).min(160);
        let colour = series_colour(0);
        for (i, bar) in self.bars.iter().enumerate() {
            let centre = left + slot * i as i32 + slot / 2;
            let (x0, x1) = (centre - bar_width / 2, centre + bar_width / 2);
            match bar.count {
                Some(n) => {
                    let top = self.y_of(n);
                    if n > 0 {
                        root.draw(&Rectangle::new([(x0, top), (x1, bottom)], colour.filled()))?;
                    }
                    draw_text(
                        root,
                        &n.to_string(),
                        (centre, top - 22),
                        LABEL_SIZE,
                        true,
                        &INK,
                        HPos::Center,
                        target,
                    )?;
                }
                None => {
                    // A pale band the height of the plot, so no height can be read off it.
                    root.draw(&Rectangle::new(
                        [(x0, self.plot_top), (x1, bottom)],
                        HIDDEN_FILL.filled(),
                    ))?;
                    for (k, word) in ["not", "shown"].iter().enumerate() {
                        draw_text(
                            root,
                            word,
                            (centre, self.plot_top + PLOT_HEIGHT / 2 - 18 + 36 * k as i32),
                            SMALL_SIZE,
                            false,
                            &MUTED_INK,
                            HPos::Center,
                            target,
                        )?;
                    }
                }
            }
            draw_text(
                root,
                &bar.label,
                (centre, bottom + LABEL_ROW / 2 + 8),
                SMALL_SIZE,
                false,
                &INK,
                HPos::Center,
                target,
            )?;
        }
        root.draw(&line((left, bottom), (right, bottom), INK, 2))?;
        let mut y = bottom + LABEL_ROW * 2 + 20;
        for note in &self.note_lines {
            draw_text(
                root,
                note,
                (MARGIN, y),
                SMALL_SIZE,
                false,
                &MUTED_INK,
                HPos::Left,
                target,
            )?;
            y += NOTE_LINE;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_at_a_round_number_above_the_largest_bar() {
        assert_eq!(axis_max(0), 5);
        assert_eq!(axis_max(4), 5);
        assert_eq!(axis_max(5), 10);
        assert_eq!(axis_max(9), 10);
        assert_eq!(axis_max(37), 50);
        assert_eq!(axis_max(50), 100);
        assert_eq!(axis_max(120), 125);
    }

    #[test]
    fn hidden_months_are_named_in_the_alt_text_not_drawn_as_zero() {
        let dir = tempfile::tempdir().unwrap();
        let bars = [
            MonthBar {
                label: "Jan 2026".into(),
                count: Some(12),
            },
            MonthBar {
                label: "Feb 2026".into(),
                count: None,
            },
        ];
        let chart = months_chart(
            &bars,
            "Attendances by month",
            "Attendances",
            "Source: registers.",
            &dir.path().join("m"),
        )
        .unwrap();
        assert!(chart.alt.contains("Jan 2026: 12"), "{}", chart.alt);
        assert!(
            chart
                .alt
                .contains("Feb 2026: not shown (to protect small numbers)"),
            "{}",
            chart.alt
        );
        assert!(chart.png.is_file() && chart.svg.is_file());
    }
}

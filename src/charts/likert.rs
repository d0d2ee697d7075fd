//! Likert items ("The group has reduced my feelings of isolation": Strongly disagree …
//! Strongly agree) as diverging stacked bars: one bar per statement, centred on the scale's
//! neutral level, lower levels extending left of a centre line and higher levels right.
//!
//! Every level is in the legend, in scale order, even when nobody chose it, so a reader can see
//! the whole scale people were offered. Levels hidden for small numbers are never estimated:
//! their combined share is drawn as one hatched grey block at the right end of the bar, after
//! the highest level, and said in words.

use std::path::Path;

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind};
use plotters::element::{PathElement, Rectangle};
use plotters::style::text_anchor::HPos;
use plotters::style::{Color, RGBColor, WHITE};

use super::{
    checked_percent, draw_row_label, draw_text, draw_title, line, n_label_words, percent_short,
    percent_words, register_fonts, svg_path_if_any, text_width, wrap_text, write_figure, Chart,
    ChartError, Figure, Target, GRID, GROUP_PADDING, INK, LABEL_COLUMN, LABEL_LINE, LABEL_SIZE,
    LEGEND_ROW, MARGIN, MUTED_INK, NOTE_LINE, PLOT_LEFT, PLOT_RIGHT, ROW_PITCH, RULE, SMALL_SIZE,
    SUPPRESSED_TEXT, SWATCH, TITLE_LINE, TITLE_SIZE, WIDTH,
};

/// One Likert item (a statement people rated on the scale).
#[derive(Debug, Clone, PartialEq)]
pub struct LikertItem {
    /// The statement, e.g. "The group has reduced my feelings of isolation".
    pub label: String,
    /// Percentage of those who answered, one per scale level in scale order (lowest first);
    /// `None` where the figure is hidden for small numbers.
    pub percents: Vec<Option<f64>>,
    /// Written at the end of the row, e.g. "N = 91".
    pub n_label: String,
}

/// Draws Likert items as diverging stacked bars to `out_stem.svg` and `out_stem.png`, items in
/// the order given.
///
/// `levels` are the scale's levels, lowest first. `neutral` is the index of the middle level
/// when the scale has one; its share is split half each side of the centre line. Without one the
/// centre line falls between the lower and upper halves of the scale (for an odd number of
/// levels the middle level counts as upper). `title` should say what the chart shows; `caption`
/// gives the data source and N.
///
/// Errors when there are no items or no levels, `neutral` is not a level, an item does not have
/// one percentage per level, or a percentage is NaN, outside 0–100, or the levels of an item add
/// up to more than 100 beyond rounding.
pub fn likert_chart(
    levels: &[String],
    neutral: Option<usize>,
    items: &[LikertItem],
    title: &str,
    caption: &str,
    out_stem: &Path,
) -> Result<Chart, ChartError> {
    let svg_path = svg_path_if_any(items.len(), title, out_stem)?;
    let scale = Scale::new(levels, neutral, title, &svg_path)?;
    let rows = items
        .iter()
        .map(|item| CheckedItem::new(item, &scale, &svg_path))
        .collect::<Result<Vec<_>, _>>()?;
    register_fonts()?;

    let alt = alt_text(&scale, &rows, title, caption);
    let figure = DivergingBars::layout(&scale, &rows, title, caption);
    write_figure(&figure, out_stem, title, alt)
}

// ---------------------------------------------------------------------------------------------
// Checking the input

/// The scale's levels split around the centre line.
struct Scale<'a> {
    levels: &'a [String],
    neutral: Option<usize>,
    /// Levels `..lower_end` extend left of the centre line.
    lower_end: usize,
    /// Levels `upper_start..` extend right of it.
    upper_start: usize,
}

impl<'a> Scale<'a> {
    fn new(
        levels: &'a [String],
        neutral: Option<usize>,
        title: &str,
        path: &Path,
    ) -> Result<Self, ChartError> {
        let problem = if levels.is_empty() {
            Some("has no scale levels".to_string())
        } else {
            neutral.filter(|&n| n >= levels.len()).map(|n| {
                format!(
                    "has its neutral level at index {n}, but the scale's {} levels are numbered \
                     0 to {}",
                    levels.len(),
                    levels.len() - 1
                )
            })
        };
        if let Some(problem) = problem {
            return Err(ChartError::BadScale {
                path: path.to_path_buf(),
                title: title.to_string(),
                problem,
            });
        }
        let (lower_end, upper_start) = match neutral {
            Some(n) => (n, n + 1),
            None => (levels.len() / 2, levels.len() / 2),
        };
        Ok(Self {
            levels,
            neutral,
            lower_end,
            upper_start,
        })
    }
}

/// An item whose percentages have been checked against the scale.
struct CheckedItem<'a> {
    item: &'a LikertItem,
    percents: Vec<Option<f64>>,
    /// The share of those who answered in levels not shown: 100 minus the shown percentages.
    hidden_share: f64,
}

/// A hidden share smaller than this is rounding in the shown figures, not a block worth drawing.
const HIDDEN_SHARE_MIN: f64 = 0.05;

impl<'a> CheckedItem<'a> {
    fn new(item: &'a LikertItem, scale: &Scale, path: &Path) -> Result<Self, ChartError> {
        if item.percents.len() != scale.levels.len() {
            return Err(ChartError::LevelCountMismatch {
                path: path.to_path_buf(),
                item: item.label.clone(),
                percents: item.percents.len(),
                levels: scale.levels.len(),
            });
        }
        let percents = item
            .percents
            .iter()
            .zip(scale.levels)
            .map(|(percent, level)| {
                let name = format!("{} ({level})", item.label);
                percent
                    .map(|p| checked_percent(p, path, &name, "percent"))
                    .transpose()
            })
            .collect::<Result<Vec<_>, _>>()?;
        // Percentages rounded one by one can add up to a little over 100: half a point per level.
        let total: f64 = percents.iter().flatten().sum();
        if total > 100.0 + 0.5 * scale.levels.len() as f64 {
            return Err(ChartError::BadPercent {
                path: path.to_path_buf(),
                bar: item.label.clone(),
                field: "levels adding up to",
                value: total,
            });
        }
        Ok(Self {
            item,
            percents,
            hidden_share: (100.0 - total).max(0.0),
        })
    }

    fn all_hidden(&self) -> bool {
        self.percents.iter().all(Option::is_none)
    }

    /// Whether the bar ends in a hatched block for the levels not shown.
    fn has_hidden_block(&self) -> bool {
        !self.all_hidden() && self.hidden_share > HIDDEN_SHARE_MIN
    }
}

// ---------------------------------------------------------------------------------------------
// Alt text

fn alt_text(scale: &Scale, rows: &[CheckedItem], title: &str, caption: &str) -> String {
    let items: Vec<String> = rows
        .iter()
        .map(|row| {
            let n = n_label_words(&row.item.n_label);
            let n = if n.is_empty() {
                String::new()
            } else {
                format!(" ({n})")
            };
            if row.all_hidden() {
                return format!("{}{n}: every level {SUPPRESSED_TEXT}.", row.item.label);
            }
            let figures: Vec<String> = scale
                .levels
                .iter()
                .zip(&row.percents)
                .map(|(level, percent)| match percent {
                    Some(p) => format!("{level} {}", percent_words(*p)),
                    None => format!("{level} not shown"),
                })
                .collect();
            let hidden = if row.has_hidden_block() {
                format!(
                    "; {} in levels {SUPPRESSED_TEXT}",
                    percent_words(row.hidden_share)
                )
            } else {
                String::new()
            };
            format!("{}{n}: {}{hidden}.", row.item.label, figures.join(", "))
        })
        .collect();
    format!(
        "Diverging bar chart: {title}. Percent of those who answered each statement, from {} to \
         {}. {} {caption}",
        scale.levels[0],
        scale.levels[scale.levels.len() - 1],
        items.join(" ")
    )
}

// ---------------------------------------------------------------------------------------------
// Colours

/// The most extreme and the nearest-to-neutral colour of each side (ColorBrewer PuOr oranges,
/// RdBu blues). In grey the dark and light tone of a side stay about 70 levels apart, and
/// neutral is lighter than both.
const LOWER_DARK: RGBColor = RGBColor(0xB3, 0x58, 0x06);
const LOWER_LIGHT: RGBColor = RGBColor(0xF1, 0xA3, 0x40);
const UPPER_LIGHT: RGBColor = RGBColor(0x67, 0xA9, 0xCF);
const UPPER_DARK: RGBColor = RGBColor(0x21, 0x66, 0xAC);
const NEUTRAL: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
/// The block for levels not shown: paler than neutral, and hatched so the two differ in print.
const HIDDEN_FILL: RGBColor = RGBColor(0xF4, 0xF4, 0xF4);
const HIDDEN_HATCH: RGBColor = RGBColor(0x8C, 0x8C, 0x8C);

/// The colour of level `index`: the side's dark tone at the end of the scale, its light tone
/// next to the centre, and evenly between for longer scales.
fn level_colour(scale: &Scale, index: usize) -> RGBColor {
    let ramp = |dark: RGBColor, light: RGBColor, from_centre: usize, count: usize| {
        if count == 1 {
            return mix(dark, light, 0.5);
        }
        mix(light, dark, from_centre as f64 / (count - 1) as f64)
    };
    if index < scale.lower_end {
        ramp(
            LOWER_DARK,
            LOWER_LIGHT,
            scale.lower_end - 1 - index,
            scale.lower_end,
        )
    } else if index >= scale.upper_start {
        ramp(
            UPPER_DARK,
            UPPER_LIGHT,
            index - scale.upper_start,
            scale.levels.len() - scale.upper_start,
        )
    } else {
        NEUTRAL
    }
}

/// `from` moved towards `to` by `t` (0–1).
fn mix(from: RGBColor, to: RGBColor, t: f64) -> RGBColor {
    let channel = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(
        channel(from.0, to.0),
        channel(from.1, to.1),
        channel(from.2, to.2),
    )
}

/// Dark ink or white, whichever contrasts more with `fill` (WCAG relative luminance).
fn ink_on(fill: RGBColor) -> RGBColor {
    let luminance = |c: RGBColor| {
        let linear = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(c.0) + 0.7152 * linear(c.1) + 0.0722 * linear(c.2)
    };
    let contrast = |a: f64, b: f64| (a.max(b) + 0.05) / (a.min(b) + 0.05);
    let fill = luminance(fill);
    if contrast(fill, luminance(INK)) >= contrast(fill, luminance(WHITE)) {
        INK
    } else {
        WHITE
    }
}

// ---------------------------------------------------------------------------------------------
// Layout

/// Space either side of a percentage written inside a segment.
const SEGMENT_PADDING: i32 = 8;
/// The bar's thickness; thicker than the other charts' bars, as percentages are written inside.
const BAR_THICKNESS: i32 = 40;
const CENTRE_X: i32 = (PLOT_LEFT + PLOT_RIGHT) / 2;
const HALF_PLOT: i32 = (PLOT_RIGHT - PLOT_LEFT) / 2;

/// A legend swatch: a level's colour, or the hatched block for levels not shown.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    Fill(RGBColor),
    Hidden,
}

/// One coloured part of a bar, in percent from the centre line (negative is left).
#[derive(Debug)]
struct Segment {
    from: f64,
    to: f64,
    colour: RGBColor,
    /// The whole-number percentage, when it fits inside the segment.
    label: Option<String>,
}

#[derive(Debug)]
struct RowLayout {
    label_lines: Vec<String>,
    top: i32,
    bottom: i32,
    centre: i32,
    segments: Vec<Segment>,
    /// The hatched block for levels not shown, in percent from the centre line.
    hidden: Option<(f64, f64)>,
    /// Every level hidden: [`SUPPRESSED_TEXT`] is written instead of a bar.
    all_hidden: bool,
    n_label: String,
}

/// The chart with every line wrapped and every position fixed.
#[derive(Debug)]
struct DivergingBars {
    title_lines: Vec<String>,
    /// Legend entries with the x of their swatch and the centre y of their row.
    legend: Vec<(String, Swatch, i32, i32)>,
    rows: Vec<RowLayout>,
    /// The axis runs from `extent` percent left of the centre line to `extent` right of it.
    extent: f64,
    plot_top: i32,
    plot_bottom: i32,
    note_lines: Vec<(String, i32)>,
    height: i32,
}

impl DivergingBars {
    /// Wraps the text and places everything; call after [`register_fonts`].
    fn layout(scale: &Scale, rows: &[CheckedItem], title: &str, caption: &str) -> Self {
        let mut y = MARGIN;
        let title_lines = wrap_text(title, TITLE_SIZE, true, WIDTH - 2 * MARGIN);
        y += title_lines.len() as i32 * TITLE_LINE + 10;

        let any_hidden_block = rows.iter().any(CheckedItem::has_hidden_block);
        let mut entries: Vec<(String, Swatch)> = scale
            .levels
            .iter()
            .enumerate()
            .map(|(i, level)| (level.clone(), Swatch::Fill(level_colour(scale, i))))
            .collect();
        if any_hidden_block {
            entries.push((SUPPRESSED_TEXT.to_string(), Swatch::Hidden));
        }
        let mut legend = Vec::with_capacity(entries.len());
        let mut x = MARGIN;
        let mut centre = y + LEGEND_ROW / 2;
        for (name, swatch) in entries {
            let item_width = SWATCH + 12 + text_width(&name, SMALL_SIZE, false);
            if x > MARGIN && x + item_width > WIDTH - MARGIN {
                x = MARGIN;
                centre += LEGEND_ROW;
            }
            legend.push((name, swatch, x, centre));
            x += item_width + 44;
        }
        y = centre + LEGEND_ROW / 2 + 12;

        let spans: Vec<Spans> = rows.iter().map(|row| Spans::new(scale, row)).collect();
        let extent = axis_extent(&spans);

        let plot_top = y + 8;
        y = plot_top;
        let mut row_layouts = Vec::with_capacity(rows.len());
        for (row, spans) in rows.iter().zip(spans) {
            let label_lines = wrap_text(&row.item.label, LABEL_SIZE, false, LABEL_COLUMN);
            let inner = (label_lines.len() as i32 * LABEL_LINE).max(ROW_PITCH);
            let top = y;
            y = top + inner + 2 * GROUP_PADDING;
            let segments = spans
                .segments
                .into_iter()
                .map(|(from, to, percent, colour)| {
                    let label = percent_short(percent);
                    let room = x_at(to, extent) - x_at(from, extent);
                    let fits = text_width(&label, SMALL_SIZE, false) + 2 * SEGMENT_PADDING <= room;
                    Segment {
                        from,
                        to,
                        colour,
                        label: fits.then_some(label),
                    }
                })
                .collect();
            row_layouts.push(RowLayout {
                label_lines,
                top,
                bottom: y,
                centre: (top + y) / 2,
                segments,
                hidden: spans.hidden,
                all_hidden: row.all_hidden(),
                n_label: row.item.n_label.trim().to_string(),
            });
        }
        let plot_bottom = y;

        let mut notes = vec![centring_note(scale)];
        if any_hidden_block {
            notes.push(format!(
                "The hatched grey block at the end of a bar is the share in levels {SUPPRESSED_TEXT}."
            ));
        }
        notes.push(caption.to_string());
        // Tick labels, then the axis title, then the notes and caption.
        y = plot_bottom + 12 + NOTE_LINE + 8 + NOTE_LINE + 20;
        let mut note_lines = Vec::new();
        for note in &notes {
            for line in wrap_text(note, SMALL_SIZE, false, WIDTH - 2 * MARGIN) {
                note_lines.push((line, y + NOTE_LINE / 2));
                y += NOTE_LINE;
            }
        }
        let height = y + MARGIN - 12;

        Self {
            title_lines,
            legend,
            rows: row_layouts,
            extent,
            plot_top,
            plot_bottom,
            note_lines,
            height,
        }
    }
}

/// How to read the centre line, naming the levels it sits on or between.
fn centring_note(scale: &Scale) -> String {
    const SIDES: &str = "lower levels go left, higher levels right.";
    match scale.neutral {
        Some(n) => format!("Bars are centred on “{}”: {SIDES}", scale.levels[n]),
        None if scale.lower_end == 0 => "Bars start at the centre line.".to_string(),
        None => format!(
            "Bars are centred between “{}” and “{}”; {SIDES}",
            scale.levels[scale.lower_end - 1],
            scale.levels[scale.upper_start]
        ),
    }
}

/// A row's segments before layout, in percent from the centre line.
struct Spans {
    /// (from, to, the level's percentage, colour), drawn in this order.
    segments: Vec<(f64, f64, f64, RGBColor)>,
    hidden: Option<(f64, f64)>,
    /// How far the bar reaches left and right of the centre line.
    left: f64,
    right: f64,
}

impl Spans {
    fn new(scale: &Scale, row: &CheckedItem) -> Self {
        let percent = |i: usize| row.percents[i];
        let half_neutral = scale.neutral.and_then(percent).unwrap_or(0.0) / 2.0;
        let mut segments = Vec::new();
        if let Some(n) = scale.neutral {
            if let Some(p) = percent(n) {
                segments.push((-half_neutral, half_neutral, p, level_colour(scale, n)));
            }
        }
        // Lower levels stack outwards from the centre: the one next to neutral first.
        let mut left = -half_neutral;
        for i in (0..scale.lower_end).rev() {
            if let Some(p) = percent(i) {
                segments.push((left - p, left, p, level_colour(scale, i)));
                left -= p;
            }
        }
        let mut right = half_neutral;
        for i in scale.upper_start..scale.levels.len() {
            if let Some(p) = percent(i) {
                segments.push((right, right + p, p, level_colour(scale, i)));
                right += p;
            }
        }
        let hidden = row
            .has_hidden_block()
            .then_some((right, right + row.hidden_share));
        if let Some((_, end)) = hidden {
            right = end;
        }
        Self {
            segments,
            hidden,
            left: -left,
            right,
        }
    }
}

/// The same reach each side of the centre, the widest row's rounded up to a multiple of 20, so
/// left and right are drawn to one scale and the centre line sits in the middle of the plot.
fn axis_extent(spans: &[Spans]) -> f64 {
    let widest = spans
        .iter()
        .map(|s| s.left.max(s.right))
        .fold(0.0, f64::max);
    ((widest - 1e-9) / 20.0).ceil().clamp(1.0, 5.0) * 20.0
}

/// The x pixel of `percent` from the centre line (negative is left), kept inside the plot.
fn x_at(percent: f64, extent: f64) -> i32 {
    let percent = percent.clamp(-extent, extent);
    CENTRE_X + (f64::from(HALF_PLOT) * percent / extent).round() as i32
}

// ---------------------------------------------------------------------------------------------
// Drawing

impl Figure for DivergingBars {
    fn size(&self) -> (u32, u32) {
        (WIDTH as u32, self.height as u32)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        target: Target,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        draw_title(root, &self.title_lines, target)?;

        for (name, swatch, x, centre) in &self.legend {
            let area = (*x, centre - SWATCH / 2, x + SWATCH, centre + SWATCH / 2);
            match swatch {
                Swatch::Fill(colour) => draw_box(root, area, *colour)?,
                Swatch::Hidden => draw_hidden_block(root, area)?,
            }
            draw_text(
                root,
                name,
                (x + SWATCH + 12, *centre),
                SMALL_SIZE,
                false,
                &INK,
                HPos::Left,
                target,
            )?;
        }

        self.draw_axis(root, target)?;

        for (index, row) in self.rows.iter().enumerate() {
            if index > 0 {
                root.draw(&line((MARGIN, row.top), (WIDTH - MARGIN, row.top), RULE, 1))?;
            }
            draw_row_label(root, &row.label_lines, (row.top, row.bottom), target)?;
            self.draw_row(root, row, target)?;
            draw_text(
                root,
                &row.n_label,
                (PLOT_RIGHT + 24, row.centre),
                SMALL_SIZE,
                false,
                &INK,
                HPos::Left,
                target,
            )?;
        }

        for (note, centre) in &self.note_lines {
            draw_text(
                root,
                note,
                (MARGIN, *centre),
                SMALL_SIZE,
                false,
                &MUTED_INK,
                HPos::Left,
                target,
            )?;
        }
        Ok(())
    }
}

impl DivergingBars {
    /// Grid every 10 percent, labelled every 20, and the centre line, all under the bars.
    fn draw_axis<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        target: Target,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let extent = self.extent as i32;
        for tick in (-extent..=extent).step_by(10) {
            let x = x_at(f64::from(tick), self.extent);
            if tick != 0 {
                root.draw(&line((x, self.plot_top), (x, self.plot_bottom), GRID, 1))?;
            }
            if tick % 20 == 0 {
                root.draw(&line(
                    (x, self.plot_bottom),
                    (x, self.plot_bottom + 8),
                    INK,
                    2,
                ))?;
                draw_text(
                    root,
                    &tick.abs().to_string(),
                    (x, self.plot_bottom + 12 + NOTE_LINE / 2),
                    SMALL_SIZE,
                    false,
                    &INK,
                    HPos::Center,
                    target,
                )?;
            }
        }
        root.draw(&line(
            (CENTRE_X, self.plot_top),
            (CENTRE_X, self.plot_bottom),
            INK,
            2,
        ))?;
        draw_text(
            root,
            "Percent of those who answered",
            (
                CENTRE_X,
                self.plot_bottom + 12 + NOTE_LINE + 8 + NOTE_LINE / 2,
            ),
            SMALL_SIZE,
            true,
            &INK,
            HPos::Center,
            target,
        )
    }

    fn draw_row<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        row: &RowLayout,
        target: Target,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let (top, bottom) = (
            row.centre - BAR_THICKNESS / 2,
            row.centre + BAR_THICKNESS / 2,
        );
        if row.all_hidden {
            // On a white ground, so neither the centre line nor the grid runs through the words.
            let half = text_width(SUPPRESSED_TEXT, SMALL_SIZE, false) / 2 + SEGMENT_PADDING;
            root.draw(&Rectangle::new(
                [(CENTRE_X - half, top), (CENTRE_X + half, bottom)],
                WHITE.filled(),
            ))?;
            return draw_text(
                root,
                SUPPRESSED_TEXT,
                (CENTRE_X, row.centre),
                SMALL_SIZE,
                false,
                &MUTED_INK,
                HPos::Center,
                target,
            );
        }
        for segment in &row.segments {
            let (left, right) = (
                x_at(segment.from, self.extent),
                x_at(segment.to, self.extent),
            );
            if right > left {
                draw_box(root, (left, top, right, bottom), segment.colour)?;
            }
        }
        if let Some((from, to)) = row.hidden {
            let (left, right) = (x_at(from, self.extent), x_at(to, self.extent));
            if right > left {
                draw_hidden_block(root, (left, top, right, bottom))?;
            }
        }
        // A white hairline where two parts of the bar meet keeps neighbouring tones apart in grey
        // print; the bar's two outer ends need none.
        let mut edges: Vec<i32> = row
            .segments
            .iter()
            .flat_map(|s| [s.from, s.to])
            .chain(row.hidden.map(|(from, _)| from))
            .map(|p| x_at(p, self.extent))
            .collect();
        edges.sort_unstable();
        edges.dedup();
        if let (Some(&first), Some(&last)) = (edges.first(), edges.last()) {
            for &x in edges.iter().filter(|&&x| first < x && x < last) {
                root.draw(&line((x, top), (x, bottom - 1), WHITE, 2))?;
            }
        }
        for segment in &row.segments {
            if let Some(label) = &segment.label {
                let middle = (x_at(segment.from, self.extent) + x_at(segment.to, self.extent)) / 2;
                draw_text(
                    root,
                    label,
                    (middle, row.centre),
                    SMALL_SIZE,
                    false,
                    &ink_on(segment.colour),
                    HPos::Center,
                    target,
                )?;
            }
        }
        Ok(())
    }
}

/// A filled box given as (left, top, right, bottom).
fn draw_box<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (left, top, right, bottom): (i32, i32, i32, i32),
    colour: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        colour.filled(),
    ))
}

/// A pale box with diagonal hatching and a grey outline, for the share in levels not shown.
fn draw_hidden_block<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (left, top, right, bottom): (i32, i32, i32, i32),
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    const HATCH_SPACING: i32 = 8;
    draw_box(root, (left, top, right, bottom), HIDDEN_FILL)?;
    let height = bottom - top;
    // 45° lines rising to the right, each clipped to the box.
    let mut start = left - height;
    while start < right {
        let (mut x0, mut y0) = (start, bottom);
        let (mut x1, mut y1) = (start + height, top);
        if x0 < left {
            y0 -= left - x0;
            x0 = left;
        }
        if x1 > right {
            y1 += x1 - right;
            x1 = right;
        }
        if x1 > x0 {
            root.draw(&line((x0, y0), (x1, y1), HIDDEN_HATCH, 1))?;
        }
        start += HATCH_SPACING;
    }
    root.draw(&PathElement::new(
        vec![
            (left, top),
            (right, top),
            (right, bottom),
            (left, bottom),
            (left, top),
        ],
        HIDDEN_HATCH.stroke_width(1),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn five_levels() -> Vec<String> {
        [
            "Strongly disagree",
            "Disagree",
            "Neither agree nor disagree",
            "Agree",
            "Strongly agree",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn dark_fills_get_white_ink_and_light_fills_dark_ink() {
        assert_eq!(ink_on(LOWER_DARK), WHITE);
        assert_eq!(ink_on(UPPER_DARK), WHITE);
        assert_eq!(ink_on(LOWER_LIGHT), INK);
        assert_eq!(ink_on(UPPER_LIGHT), INK);
        assert_eq!(ink_on(NEUTRAL), INK);
    }

    #[test]
    fn each_side_runs_from_light_at_the_centre_to_dark_at_the_end() {
        let levels = five_levels();
        let scale = Scale::new(&levels, Some(2), "t", Path::new("x.svg")).unwrap();
        let colours: Vec<RGBColor> = (0..5).map(|i| level_colour(&scale, i)).collect();
        assert_eq!(
            colours,
            [LOWER_DARK, LOWER_LIGHT, NEUTRAL, UPPER_LIGHT, UPPER_DARK]
        );
        // A seven-level scale puts a tone between light and dark on each side.
        let seven: Vec<String> = (1..=7).map(|i| i.to_string()).collect();
        let scale = Scale::new(&seven, Some(3), "t", Path::new("x.svg")).unwrap();
        assert_eq!(level_colour(&scale, 0), LOWER_DARK);
        assert_eq!(level_colour(&scale, 1), mix(LOWER_LIGHT, LOWER_DARK, 0.5));
        assert_eq!(level_colour(&scale, 2), LOWER_LIGHT);
        assert_eq!(level_colour(&scale, 6), UPPER_DARK);
    }

    #[test]
    fn the_axis_reaches_the_widest_side_rounded_up_to_twenty() {
        let spans = |left: f64, right: f64| Spans {
            segments: Vec::new(),
            hidden: None,
            left,
            right,
        };
        assert_eq!(axis_extent(&[spans(10.0, 35.0), spans(41.0, 5.0)]), 60.0);
        assert_eq!(axis_extent(&[spans(0.0, 40.0)]), 40.0);
        assert_eq!(axis_extent(&[spans(0.0, 0.0)]), 20.0);
        // Rounding noise past 100 does not widen the axis beyond 100.
        assert_eq!(axis_extent(&[spans(0.0, 101.0)]), 100.0);
    }
}

//! Charts for the impact report, drawn with plotters and written twice: SVG for HTML and Word,
//! PNG for Markdown viewers and print.
//!
//! Readers are busy clinicians and commissioners who print the report in black and white as
//! often as they read it on screen, so every chart is laid out in pixels for an A4-width page
//! (1600 px wide, text never smaller than 22 px), uses the Okabe–Ito colour-blind-safe palette,
//! says what it shows in its title and where its numbers come from in its caption, and carries
//! alt text that states every figure in words. The DejaVu Sans font is compiled in and nothing
//! in a chart depends on the clock or on hash order, so identical input gives byte-identical
//! files on any machine.
//!
//! One file per chart kind ([`benefits`], [`multi_select`], [`codes`], and [`likert`] for
//! diverging bars of Likert items); this module holds what they share: the error type, fonts,
//! palette, text wrapping and a horizontal bar layout. It draws what it is given: tallying,
//! intervals and small-number suppression are decided before a chart is drawn.

pub mod benefits;
pub mod codes;
pub mod comparison;
pub mod likert;
pub mod months;
pub mod multi_select;

pub use benefits::{benefit_chart, BenefitBar};
pub use codes::{code_chart, CodeBar};
pub use comparison::{comparison_chart, ChangeRow};
pub use likert::{likert_chart, LikertItem};
pub use months::{months_chart, MonthBar};
pub use multi_select::{multi_select_chart, OptionBar};

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea};
use plotters::element::{Circle, PathElement, Polygon, Rectangle, Text};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, Color, FontDesc, FontStyle, RGBColor, ShapeStyle, WHITE};

/// A chart written to disk: the same drawing as SVG and PNG, and its alt text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub svg: PathBuf,
    pub png: PathBuf,
    /// What the chart shows, every figure in words, for screen readers and `alt=""`.
    pub alt: String,
}

/// Why a chart could not be drawn; every variant names the file it concerns.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The caller passed no bars; an empty chart would look like "nobody said anything".
    #[error("{path}: no bars to draw for the chart \"{title}\"; leave the chart out of the report instead")]
    NoBars { path: PathBuf, title: String },
    /// A percentage (or interval end) that is NaN, infinite or outside 0–100.
    #[error("{path}: bar \"{bar}\" has {field} {value}, which is not a percentage from 0 to 100")]
    BadPercent {
        path: PathBuf,
        bar: String,
        field: &'static str,
        value: f64,
    },
    /// A Likert chart whose scale has no levels, or whose neutral level is not one of them.
    #[error("{path}: the chart \"{title}\" {problem}; give the scale's levels lowest first and, if it has a middle level, that level's index among them")]
    BadScale {
        path: PathBuf,
        title: String,
        problem: String,
    },
    /// A Likert item without exactly one percentage per scale level.
    #[error("{path}: item \"{item}\" has {percents} percentages but the scale has {levels} levels; give one per level, lowest first, with None where a figure is hidden")]
    LevelCountMismatch {
        path: PathBuf,
        item: String,
        percents: usize,
        levels: usize,
    },
    /// The folder for the chart files could not be created.
    #[error("{path}: could not create the folder for the chart: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A chart file could not be written.
    #[error("{path}: could not write the chart: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// plotters failed while drawing or encoding.
    #[error("{path}: could not draw the chart: {message}")]
    Draw { path: PathBuf, message: String },
    /// A bundled font did not load (a damaged build, not bad input).
    #[error("{path}: the bundled font could not be loaded")]
    Font { path: PathBuf },
}

// ---------------------------------------------------------------------------------------------
// Fonts

/// The family every chart names; the SVG falls back to the reader's own sans-serif font.
const FONT_FAMILY: &str = "sans-serif";
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled fonts with plotters once per process.
pub(crate) fn register_fonts() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<Result<(), &'static str>> = OnceLock::new();
    let registered = REGISTERED.get_or_init(|| {
        register_font(FONT_FAMILY, FontStyle::Normal, DEJAVU_SANS)
            .map_err(|_| "assets/fonts/DejaVuSans.ttf")?;
        register_font(FONT_FAMILY, FontStyle::Bold, DEJAVU_SANS_BOLD)
            .map_err(|_| "assets/fonts/DejaVuSans-Bold.ttf")
    });
    registered.map_err(|font| ChartError::Font {
        path: PathBuf::from(font),
    })
}

fn font(size: f64, bold: bool) -> FontDesc<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FONT_FAMILY.into(), size, style)
}

/// Width in pixels of `text` as drawn in the PNG (the SVG uses the same em size).
pub(crate) fn text_width(text: &str, size: f64, bold: bool) -> i32 {
    font(size, bold)
        .box_size(text)
        .map(|(w, _)| w as i32)
        // Only reachable when the fonts are not registered; callers register first.
        .unwrap_or((text.chars().count() as f64 * size * 0.55) as i32)
}

/// Splits `text` into lines no wider than `max_width` pixels, breaking between words; a word too
/// wide for a line on its own is broken after a `/` or `-`, or failing that between letters.
pub(crate) fn wrap_text(text: &str, size: f64, bold: bool, max_width: i32) -> Vec<String> {
    let fits = |candidate: &str| text_width(candidate, size, bold) <= max_width;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        for piece in break_word(word, &fits) {
            let candidate = if line.is_empty() {
                piece.clone()
            } else {
                format!("{line} {piece}")
            };
            if line.is_empty() || fits(&candidate) {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, piece));
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `word` as it is when it fits, otherwise in pieces that each fit.
fn break_word(word: &str, fits: &impl Fn(&str) -> bool) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = word;
    while !fits(rest) {
        // The longest prefix that fits (at least one character, so this always progresses).
        let mut cut = rest.char_indices().nth(1).map_or(rest.len(), |(i, _)| i);
        for (i, c) in rest.char_indices().skip(1) {
            if !fits(&rest[..i + c.len_utf8()]) {
                break;
            }
            cut = i + c.len_utf8();
        }
        let at_delimiter = rest[..cut]
            .rfind(['/', '-'])
            .map(|i| i + 1)
            .filter(|&i| i < cut && i > 0);
        let cut = at_delimiter.unwrap_or(cut);
        if cut >= rest.len() {
            break;
        }
        pieces.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    pieces.push(rest.to_string());
    pieces
}

/// Where glyphs start relative to the pen, read from the bundled font's `hmtx` and `cmap`.
///
/// plotters 0.3.7 draws ab_glyph text without each glyph's left side bearing, which gives PNG
/// text uneven letter spacing ("treatmen t"). [`Target::Png`] text is therefore drawn one
/// character at a time, each moved right by its bearing. Reading two tables here is cheaper
/// than a second font dependency.
struct SideBearings {
    data: &'static [u8],
    /// ascent − descent in font units: ab_glyph scales the font so this equals the text size.
    height_units: f64,
    hmtx: usize,
    long_metrics: u16,
    /// A format 4 (Unicode BMP) character map.
    cmap: usize,
}

impl SideBearings {
    fn parse(data: &'static [u8]) -> Option<Self> {
        let table = |tag: &[u8; 4]| -> Option<usize> {
            let count = usize::from(be_u16(data, 4)?);
            (0..count).find_map(|i| {
                let record = 12 + 16 * i;
                (data.get(record..record + 4)? == tag)
                    .then(|| be_u32(data, record + 8).map(|offset| offset as usize))
                    .flatten()
            })
        };
        let hhea = table(b"hhea")?;
        let ascent = f64::from(be_u16(data, hhea + 4)? as i16);
        let descent = f64::from(be_u16(data, hhea + 6)? as i16);
        let cmap_table = table(b"cmap")?;
        let cmap = (0..usize::from(be_u16(data, cmap_table + 2)?)).find_map(|i| {
            let record = cmap_table + 4 + 8 * i;
            let (platform, encoding) = (be_u16(data, record)?, be_u16(data, record + 2)?);
            let subtable = cmap_table + be_u32(data, record + 4)? as usize;
            let unicode_bmp = (platform == 3 && encoding == 1) || (platform == 0 && encoding == 3);
            (unicode_bmp && be_u16(data, subtable)? == 4).then_some(subtable)
        })?;
        Some(Self {
            data,
            height_units: ascent - descent,
            hmtx: table(b"hmtx")?,
            long_metrics: be_u16(data, hhea + 34)?,
            cmap,
        })
    }

    fn glyph_id(&self, c: char) -> Option<u16> {
        let code = u16::try_from(u32::from(c)).ok()?;
        let (data, cmap) = (self.data, self.cmap);
        let segments = usize::from(be_u16(data, cmap + 6)? / 2);
        let ends = cmap + 14;
        let starts = ends + 2 * segments + 2;
        let deltas = starts + 2 * segments;
        let range_offsets = deltas + 2 * segments;
        let segment =
            (0..segments).find(|&i| be_u16(data, ends + 2 * i).is_some_and(|end| end >= code))?;
        let start = be_u16(data, starts + 2 * segment)?;
        if start > code {
            return None;
        }
        let delta = be_u16(data, deltas + 2 * segment)?;
        let range_offset_at = range_offsets + 2 * segment;
        let range_offset = usize::from(be_u16(data, range_offset_at)?);
        if range_offset == 0 {
            return Some(code.wrapping_add(delta));
        }
        let glyph = be_u16(
            data,
            range_offset_at + range_offset + 2 * usize::from(code - start),
        )?;
        (glyph != 0).then(|| glyph.wrapping_add(delta))
    }

    /// The left side bearing of `c` in pixels, floored as ab_glyph places the glyph's bitmap.
    fn left_bearing_px(&self, c: char, size: f64) -> i32 {
        let bearing = self.glyph_id(c).and_then(|glyph| {
            let glyph = usize::from(glyph);
            let long_metrics = usize::from(self.long_metrics);
            let at = if glyph < long_metrics {
                self.hmtx + 4 * glyph + 2
            } else {
                self.hmtx + 4 * long_metrics + 2 * (glyph - long_metrics)
            };
            be_u16(self.data, at).map(|units| f64::from(units as i16))
        });
        bearing.map_or(0, |units| (units * size / self.height_units).floor() as i32)
    }
}

fn be_u16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn be_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn side_bearings(bold: bool) -> Option<&'static SideBearings> {
    static REGULAR: OnceLock<Option<SideBearings>> = OnceLock::new();
    static BOLD: OnceLock<Option<SideBearings>> = OnceLock::new();
    if bold {
        BOLD.get_or_init(|| SideBearings::parse(DEJAVU_SANS_BOLD))
            .as_ref()
    } else {
        REGULAR
            .get_or_init(|| SideBearings::parse(DEJAVU_SANS))
            .as_ref()
    }
}

// ---------------------------------------------------------------------------------------------
// Palette and type scale

/// Okabe–Ito colours in the order sources are given them: dark, light and mid tones alternate so
/// the first three stay apart when printed in grey.
pub(crate) const SERIES_COLOURS: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of the `index`-th series; repeats after seven, which no evaluation here reaches.
pub(crate) fn series_colour(index: usize) -> RGBColor {
    SERIES_COLOURS[index % SERIES_COLOURS.len()]
}

pub(crate) const INK: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
pub(crate) const MUTED_INK: RGBColor = RGBColor(0x4D, 0x4D, 0x4D);
pub(crate) const GRID: RGBColor = RGBColor(0xD9, 0xD9, 0xD9);
const RULE: RGBColor = RGBColor(0xB3, 0xB3, 0xB3);

/// Type sizes in plotters' units: the glyphs' ascent-to-descent height in PNG pixels. DejaVu's
/// em is that divided by 1.164, so 28 gives a 24 px em, above the 22 px floor for A4 width.
pub(crate) const TITLE_SIZE: f64 = 42.0;
pub(crate) const LABEL_SIZE: f64 = 30.0;
pub(crate) const SMALL_SIZE: f64 = 28.0;
const DEJAVU_HEIGHT_PER_EM: f64 = 1.164;

/// The text written in place of a bar whose numbers are too small to publish.
pub(crate) const SUPPRESSED_TEXT: &str = "not shown (small numbers)";

// ---------------------------------------------------------------------------------------------
// Numbers

/// Checks a percentage for drawing: NaN and infinities are errors, rounding noise just outside
/// 0–100 is clamped, anything further out is an error.
pub(crate) fn checked_percent(
    value: f64,
    path: &Path,
    bar: &str,
    field: &'static str,
) -> Result<f64, ChartError> {
    const TOLERANCE: f64 = 1e-6;
    if value.is_finite() && (-TOLERANCE..=100.0 + TOLERANCE).contains(&value) {
        Ok(value.clamp(0.0, 100.0))
    } else {
        Err(ChartError::BadPercent {
            path: path.to_path_buf(),
            bar: bar.to_string(),
            field,
            value,
        })
    }
}

/// "84.6%": one decimal, as the alt text states figures.
pub(crate) fn percent_words(percent: f64) -> String {
    format!("{percent:.1}%")
}

/// "85%": whole percent, as written at the end of a bar.
pub(crate) fn percent_short(percent: f64) -> String {
    format!("{}%", percent.round() as i64)
}

/// "77/91" becomes "77 of 91" for alt text; anything else is kept as it is.
pub(crate) fn n_label_words(n_label: &str) -> String {
    match n_label.split_once('/') {
        Some((n, d))
            if !n.trim().is_empty()
                && !d.trim().is_empty()
                && n.trim().chars().all(|c| c.is_ascii_digit())
                && d.trim().chars().all(|c| c.is_ascii_digit()) =>
        {
            format!("{} of {}", n.trim(), d.trim())
        }
        _ => n_label.trim().to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Writing files

/// `out_stem` with `.svg` / `.png` appended (not substituted, so "fig.1" keeps its dot).
pub(crate) fn with_suffix(out_stem: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(out_stem.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// The SVG path for `out_stem`, once the chart is known to have something to draw: an empty
/// chart would read as "nobody said anything", so no bars is [`ChartError::NoBars`].
pub(crate) fn svg_path_if_any(
    count: usize,
    title: &str,
    out_stem: &Path,
) -> Result<PathBuf, ChartError> {
    let svg_path = with_suffix(out_stem, ".svg");
    if count == 0 {
        return Err(ChartError::NoBars {
            path: svg_path,
            title: title.to_string(),
        });
    }
    Ok(svg_path)
}

/// Draws a row's wrapped label in the label column, centred between `top` and `bottom`.
pub(crate) fn draw_row_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[String],
    (top, bottom): (i32, i32),
    target: Target,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let label_top = (top + bottom - lines.len() as i32 * LABEL_LINE) / 2;
    for (i, label_line) in lines.iter().enumerate() {
        let centre = label_top + i as i32 * LABEL_LINE + LABEL_LINE / 2;
        draw_text(
            root,
            label_line,
            (MARGIN, centre),
            LABEL_SIZE,
            false,
            &INK,
            HPos::Left,
            target,
        )?;
    }
    Ok(())
}

/// Which backend is drawing: the two place text differently around the anchor point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Svg,
    Png,
}

impl Target {
    /// The size to hand plotters so both files show the same em: the SVG backend writes
    /// `font-size` as size / 1.24, the PNG's ab_glyph draws the em at size / 1.164.
    fn font_size(self, size: f64) -> f64 {
        match self {
            Target::Png => size,
            Target::Svg => size * 1.24 / DEJAVU_HEIGHT_PER_EM,
        }
    }

    /// The anchor y that puts a line of text with its capitals centred on `centre_y`, given how
    /// each backend treats `VPos::Center`.
    fn text_y(self, centre_y: i32, size: f64) -> i32 {
        let em = size / DEJAVU_HEIGHT_PER_EM;
        let baseline = centre_y as f64 + 0.3645 * em; // half DejaVu's cap height below the centre
        let y = match self {
            // ab_glyph: baseline = y - trunc(size / 1.24) / 2 + size / 2.
            Target::Png => baseline + ((size / 1.24) as i32 / 2) as f64 - size / 2.0,
            // SVG: dy = 0.5ex, DejaVu's ex is 0.547 em.
            Target::Svg => baseline - 0.2734 * em,
        };
        y.round() as i32
    }
}

/// A chart that can be drawn on any plotters backend at a fixed pixel size.
pub(crate) trait Figure {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        target: Target,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>;
}

/// Draws `figure` to `out_stem.svg` and `out_stem.png`.
pub(crate) fn write_figure(
    figure: &impl Figure,
    out_stem: &Path,
    title: &str,
    alt: String,
) -> Result<Chart, ChartError> {
    let svg = with_suffix(out_stem, ".svg");
    let png = with_suffix(out_stem, ".png");
    if let Some(folder) = out_stem.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|source| ChartError::CreateDir {
            path: folder.to_path_buf(),
            source,
        })?;
    }
    let size = figure.size();

    let mut svg_text = String::new();
    {
        let root = SVGBackend::with_string(&mut svg_text, size).into_drawing_area();
        draw_and_present(figure, &root, Target::Svg, &svg)?;
    }
    let svg_text = with_svg_description(&svg_text, title, &alt);
    std::fs::write(&svg, svg_text).map_err(|source| ChartError::Write {
        path: svg.clone(),
        source,
    })?;

    let root = BitMapBackend::new(&png, size).into_drawing_area();
    draw_and_present(figure, &root, Target::Png, &png)?;
    drop(root);

    Ok(Chart { svg, png, alt })
}

fn draw_and_present<DB: DrawingBackend>(
    figure: &impl Figure,
    root: &DrawingArea<DB, Shift>,
    target: Target,
    path: &Path,
) -> Result<(), ChartError> {
    let draw_error = |e: DrawingAreaErrorKind<DB::ErrorType>| ChartError::Draw {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    root.fill(&WHITE).map_err(draw_error)?;
    figure.draw(root, target).map_err(draw_error)?;
    root.present().map_err(draw_error)
}

/// Adds `<title>` and `<desc>` (the alt text) inside the `<svg>` element, with `role="img"`,
/// so an SVG inlined in HTML is announced by screen readers.
fn with_svg_description(svg: &str, title: &str, alt: &str) -> String {
    let Some(open_end) = svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| start + end))
    else {
        return svg.to_string();
    };
    let (head, rest) = svg.split_at(open_end);
    format!(
        "{head} role=\"img\">\n<title>{}</title>\n<desc>{}</desc>{}",
        xml_escape(title),
        xml_escape(alt),
        &rest[1..]
    )
}

fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

// ---------------------------------------------------------------------------------------------
// Horizontal bars: the layout the benefit and multi-select charts share

/// One bar: a percentage of respondents, or a suppressed figure.
#[derive(Debug, Clone)]
pub(crate) struct BarRow {
    pub colour: RGBColor,
    /// `None` draws no bar, only the end label, which should then say the figure is not shown.
    pub percent: Option<f64>,
    /// Interval ends in percent, drawn as a whisker.
    pub interval: Option<(f64, f64)>,
    /// Written just past the bar (or past the whisker when that reaches further), or at the
    /// start of the row when there is no bar.
    pub end_label: String,
    /// Draw a dot instead of a bar, with an arrow from an earlier figure.
    pub dot: Option<DotMark>,
}

/// A row drawn as a dot (the current figure) with an arrow from an earlier one.
#[derive(Debug, Clone)]
pub(crate) struct DotMark {
    /// The earlier figure and its interval, drawn as a hollow dot; `None` when not shown.
    pub from: Option<(f64, Option<(f64, f64)>)>,
    pub from_colour: RGBColor,
}

/// Bars that share a label on the left, e.g. one benefit reported by several sources.
#[derive(Debug, Clone)]
pub(crate) struct BarGroup {
    pub label: String,
    pub rows: Vec<BarRow>,
}

/// What a horizontal bar chart says, before layout.
#[derive(Debug, Clone)]
pub(crate) struct HorizontalBars {
    pub title: String,
    /// Series names and colours, shown above the bars; empty for a single series.
    pub legend: Vec<(String, RGBColor)>,
    pub groups: Vec<BarGroup>,
    pub axis_label: String,
    /// Lines under the axis, caption last (data source and N).
    pub notes: Vec<String>,
    /// Thin rules between groups, for charts whose groups hold several bars.
    pub group_rules: bool,
}

// Geometry in PNG pixels.
pub(crate) const WIDTH: i32 = 1600;
pub(crate) const MARGIN: i32 = 48;
const LABEL_COLUMN: i32 = 540;
const PLOT_LEFT: i32 = MARGIN + LABEL_COLUMN + 28;
const END_LABEL_ROOM: i32 = 200;
const PLOT_RIGHT: i32 = WIDTH - MARGIN - END_LABEL_ROOM;
const BAR_HEIGHT: i32 = 38;
const ROW_PITCH: i32 = 48;
const GROUP_PADDING: i32 = 14;
pub(crate) const TITLE_LINE: i32 = 50;
const LABEL_LINE: i32 = 34;
pub(crate) const NOTE_LINE: i32 = 36;
const LEGEND_ROW: i32 = 44;
const SWATCH: i32 = 30;

#[derive(Debug)]
struct GroupLayout {
    label_lines: Vec<String>,
    top: i32,
    bottom: i32,
    /// Vertical centre of each bar.
    row_centres: Vec<i32>,
}

/// A [`HorizontalBars`] with every line wrapped and every position fixed.
#[derive(Debug)]
pub(crate) struct HorizontalBarsLayout {
    bars: HorizontalBars,
    title_lines: Vec<String>,
    /// Legend entries with the x of their swatch and the centre y of their row.
    legend: Vec<(String, RGBColor, i32, i32)>,
    groups: Vec<GroupLayout>,
    plot_top: i32,
    plot_bottom: i32,
    note_lines: Vec<(String, i32)>,
    height: i32,
}

impl HorizontalBars {
    /// Wraps the text and places everything; call after [`register_fonts`].
    pub(crate) fn layout(self) -> HorizontalBarsLayout {
        let mut y = MARGIN;

        let title_lines = wrap_text(&self.title, TITLE_SIZE, true, WIDTH - 2 * MARGIN);
        y += title_lines.len() as i32 * TITLE_LINE + 10;

        let mut legend = Vec::new();
        if !self.legend.is_empty() {
            let mut x = MARGIN;
            let mut centre = y + LEGEND_ROW / 2;
            for (name, colour) in &self.legend {
                let item_width = SWATCH + 12 + text_width(name, SMALL_SIZE, false);
                if x > MARGIN && x + item_width > WIDTH - MARGIN {
                    x = MARGIN;
                    centre += LEGEND_ROW;
                }
                legend.push((name.clone(), *colour, x, centre));
                x += item_width + 44;
            }
            y = centre + LEGEND_ROW / 2 + 12;
        }

        let plot_top = y + 8;
        y = plot_top;
        let mut groups = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            let label_lines = wrap_text(&group.label, LABEL_SIZE, false, LABEL_COLUMN);
            let label_height = label_lines.len() as i32 * LABEL_LINE;
            let bars_height = group.rows.len() as i32 * ROW_PITCH;
            let inner = label_height.max(bars_height);
            let top = y;
            let bars_top = top + GROUP_PADDING + (inner - bars_height) / 2;
            let row_centres = (0..group.rows.len() as i32)
                .map(|i| bars_top + i * ROW_PITCH + ROW_PITCH / 2)
                .collect();
            y = top + inner + 2 * GROUP_PADDING;
            groups.push(GroupLayout {
                label_lines,
                top,
                bottom: y,
                row_centres,
            });
        }
        let plot_bottom = y;

        // Tick labels, then the axis title, then the notes and caption.
        y = plot_bottom + 12 + NOTE_LINE + 8 + NOTE_LINE + 20;
        let mut note_lines = Vec::new();
        for note in &self.notes {
            for line in wrap_text(note, SMALL_SIZE, false, WIDTH - 2 * MARGIN) {
                note_lines.push((line, y + NOTE_LINE / 2));
                y += NOTE_LINE;
            }
        }
        let height = y + MARGIN - 12;

        HorizontalBarsLayout {
            bars: self,
            title_lines,
            legend,
            groups,
            plot_top,
            plot_bottom,
            note_lines,
            height,
        }
    }
}

/// The x pixel of a percentage on the plot.
fn percent_x(percent: f64) -> i32 {
    PLOT_LEFT + ((PLOT_RIGHT - PLOT_LEFT) as f64 * percent / 100.0).round() as i32
}

/// Draws one line of text with its capitals centred on `centre_y`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    content: &str,
    (x, centre_y): (i32, i32),
    size: f64,
    bold: bool,
    colour: &RGBColor,
    h_pos: HPos,
    target: Target,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style = font(target.font_size(size), bold).color(colour);
    let y = target.text_y(centre_y, size);
    let bearings = side_bearings(bold).filter(|_| target == Target::Png);
    let Some(bearings) = bearings else {
        let style = style.pos(Pos::new(h_pos, VPos::Center));
        return root.draw(&Text::new(content, (x, y), style));
    };
    // PNG: one glyph at a time, each at its pen position plus its side bearing (see
    // `SideBearings`). Pen positions come from plotters' own measure, so kerning is kept.
    let left = match h_pos {
        HPos::Left => x,
        HPos::Center => x - text_width(content, size, bold) / 2,
        HPos::Right => x - text_width(content, size, bold),
    };
    let style = style.pos(Pos::new(HPos::Left, VPos::Center));
    let mut glyph = [0u8; 4];
    for (at, c) in content.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        let end = at + c.len_utf8();
        let pen =
            text_width(&content[..end], size, bold) - text_width(&content[at..end], size, bold);
        let glyph_x = left + pen + bearings.left_bearing_px(c, size);
        root.draw(&Text::new(
            &*c.encode_utf8(&mut glyph),
            (glyph_x, y),
            style.clone(),
        ))?;
    }
    Ok(())
}

pub(crate) fn line(
    from: (i32, i32),
    to: (i32, i32),
    colour: RGBColor,
    width: u32,
) -> PathElement<(i32, i32)> {
    let style = ShapeStyle {
        color: colour.to_rgba(),
        filled: false,
        stroke_width: width,
    };
    PathElement::new(vec![from, to], style)
}

/// A chart's title, already wrapped, at the top left.
pub(crate) fn draw_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[String],
    target: Target,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    for (i, title_line) in lines.iter().enumerate() {
        let centre = MARGIN + i as i32 * TITLE_LINE + TITLE_LINE / 2;
        draw_text(
            root,
            title_line,
            (MARGIN, centre),
            TITLE_SIZE,
            true,
            &INK,
            HPos::Left,
            target,
        )?;
    }
    Ok(())
}

impl Figure for HorizontalBarsLayout {
    fn size(&self) -> (u32, u32) {
        (WIDTH as u32, self.height as u32)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        target: Target,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        draw_title(root, &self.title_lines, target)?;

        for (name, colour, x, centre) in &self.legend {
            root.draw(&Rectangle::new(
                [(*x, centre - SWATCH / 2), (x + SWATCH, centre + SWATCH / 2)],
                colour.filled(),
            ))?;
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

        // Grid first so bars, whiskers and labels sit on top of it.
        for tick in (0..=100).step_by(10) {
            let x = percent_x(tick as f64);
            let colour = if tick == 0 { INK } else { GRID };
            root.draw(&line(
                (x, self.plot_top),
                (x, self.plot_bottom),
                colour,
                if tick == 0 { 2 } else { 1 },
            ))?;
            if tick % 20 == 0 {
                let label = tick.to_string();
                root.draw(&line(
                    (x, self.plot_bottom),
                    (x, self.plot_bottom + 8),
                    INK,
                    2,
                ))?;
                draw_text(
                    root,
                    &label,
                    (x, self.plot_bottom + 12 + NOTE_LINE / 2),
                    SMALL_SIZE,
                    false,
                    &INK,
                    HPos::Center,
                    target,
                )?;
            }
        }
        draw_text(
            root,
            &self.bars.axis_label,
            (
                (PLOT_LEFT + PLOT_RIGHT) / 2,
                self.plot_bottom + 12 + NOTE_LINE + 8 + NOTE_LINE / 2,
            ),
            SMALL_SIZE,
            true,
            &INK,
            HPos::Center,
            target,
        )?;

        for (index, (group, layout)) in self.bars.groups.iter().zip(&self.groups).enumerate() {
            if self.bars.group_rules && index > 0 {
                root.draw(&line(
                    (MARGIN, layout.top),
                    (PLOT_RIGHT + END_LABEL_ROOM, layout.top),
                    RULE,
                    1,
                ))?;
            }
            draw_row_label(
                root,
                &layout.label_lines,
                (layout.top, layout.bottom),
                target,
            )?;
            for (row, &centre) in group.rows.iter().zip(&layout.row_centres) {
                draw_bar(root, row, centre, target)?;
            }
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

fn draw_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    row: &BarRow,
    centre: i32,
    target: Target,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let Some(percent) = row.percent else {
        return draw_text(
            root,
            &row.end_label,
            (PLOT_LEFT + 12, centre),
            SMALL_SIZE,
            false,
            &MUTED_INK,
            HPos::Left,
            target,
        );
    };
    if let Some(dot) = &row.dot {
        return draw_dot_row(root, row, dot, percent, centre, target);
    }
    let bar_end = percent_x(percent);
    if bar_end > PLOT_LEFT {
        root.draw(&Rectangle::new(
            [
                (PLOT_LEFT, centre - BAR_HEIGHT / 2),
                (bar_end, centre + BAR_HEIGHT / 2),
            ],
            row.colour.filled(),
        ))?;
    }
    let mut label_x = bar_end;
    if let Some((low, high)) = row.interval {
        let (low, high) = (percent_x(low.min(high)), percent_x(low.max(high)));
        let cap = BAR_HEIGHT / 2 - 4;
        // A white halo under the black whisker keeps it visible on every bar colour.
        for (colour, width, reach) in [(WHITE, 7, cap + 2), (INK, 3, cap)] {
            root.draw(&line((low, centre), (high, centre), colour, width))?;
            root.draw(&line(
                (low, centre - reach),
                (low, centre + reach),
                colour,
                width,
            ))?;
            root.draw(&line(
                (high, centre - reach),
                (high, centre + reach),
                colour,
                width,
            ))?;
        }
        label_x = label_x.max(high);
    }
    draw_text(
        root,
        &row.end_label,
        (label_x + 12, centre),
        SMALL_SIZE,
        false,
        &INK,
        HPos::Left,
        target,
    )
}

/// A dot-and-arrow row: the earlier figure as a hollow dot with its whisker above the line,
/// the current one as a filled dot with its whisker below, and an arrow between them.
fn draw_dot_row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    row: &BarRow,
    dot: &DotMark,
    percent: f64,
    centre: i32,
    target: Target,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    const RADIUS: i32 = 10;
    const OFFSET: i32 = 12;
    let now = percent_x(percent);
    let mut right = now + RADIUS;
    let mut left = now - RADIUS;
    let whisker = |(low, high): (f64, f64), y: i32, colour: RGBColor| {
        let (low, high) = (percent_x(low.min(high)), percent_x(low.max(high)));
        [
            line((low, y), (high, y), colour, 3),
            line((low, y - 6), (low, y + 6), colour, 3),
            line((high, y - 6), (high, y + 6), colour, 3),
        ]
    };
    if let Some((from, from_interval)) = dot.from {
        let then = percent_x(from);
        if let Some(interval) = from_interval {
            for part in whisker(interval, centre - OFFSET, dot.from_colour) {
                root.draw(&part)?;
            }
            right = right.max(percent_x(interval.0.max(interval.1)));
            left = left.min(percent_x(interval.0.min(interval.1)));
        }
        // The arrow stops at the edge of the current dot; none when the dots touch.
        let gap = now - then;
        if gap.abs() > 2 * RADIUS + 6 {
            let tip = now - gap.signum() * (RADIUS + 2);
            root.draw(&line((then, centre), (tip, centre), INK, 3))?;
            let back = tip - gap.signum() * 12;
            root.draw(&Polygon::new(
                vec![(tip, centre), (back, centre - 8), (back, centre + 8)],
                INK.filled(),
            ))?;
        }
        root.draw(&Circle::new((then, centre), RADIUS, WHITE.filled()))?;
        root.draw(&Circle::new(
            (then, centre),
            RADIUS,
            ShapeStyle {
                color: dot.from_colour.to_rgba(),
                filled: false,
                stroke_width: 4,
            },
        ))?;
        right = right.max(then + RADIUS);
        left = left.min(then - RADIUS);
    }
    if let Some(interval) = row.interval {
        for part in whisker(interval, centre + OFFSET, row.colour) {
            root.draw(&part)?;
        }
        right = right.max(percent_x(interval.0.max(interval.1)));
        left = left.min(percent_x(interval.0.min(interval.1)));
    }
    root.draw(&Circle::new((now, centre), RADIUS, row.colour.filled()))?;
    // Right of the marks when the label fits there, otherwise left of them.
    let width = text_width(&row.end_label, SMALL_SIZE, false);
    let (x, h_pos) = if right + 12 + width <= WIDTH - MARGIN / 2 {
        (right + 12, HPos::Left)
    } else {
        (left - 12, HPos::Right)
    };
    draw_text(
        root,
        &row.end_label,
        (x, centre),
        SMALL_SIZE,
        false,
        &INK,
        h_pos,
        target,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_bearings_come_from_the_bundled_font() {
        let regular = side_bearings(false).expect("DejaVu Sans has hmtx and a format 4 cmap");
        // DejaVu Sans: 'o' has a left side bearing of 113 units, 'T' of -6 (2384 units high).
        assert_eq!(regular.left_bearing_px('o', 2384.0), 113);
        assert_eq!(regular.left_bearing_px('T', 2384.0), -6);
        assert_eq!(regular.left_bearing_px('\u{10FFFF}', 28.0), 0);
        assert!(side_bearings(true).is_some());
    }

    #[test]
    fn wrapping_breaks_overlong_words_and_keeps_every_character() {
        register_fonts().unwrap();
        let text = "Signposting/referrals/information-sharing/hospice-liaison and more";
        let lines = wrap_text(text, LABEL_SIZE, false, 300);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(text_width(line, LABEL_SIZE, false) <= 300, "{line:?}");
        }
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        // A line narrower than one letter still ends, one letter per line.
        assert_eq!(wrap_text("abc", LABEL_SIZE, false, 1), ["a", "b", "c"]);
        assert_eq!(wrap_text("", LABEL_SIZE, false, 100), [""]);
    }

    #[test]
    fn n_labels_read_as_words() {
        assert_eq!(n_label_words("77/91"), "77 of 91");
        assert_eq!(n_label_words("not shown"), "not shown");
        assert_eq!(n_label_words("a/b"), "a/b");
    }
}

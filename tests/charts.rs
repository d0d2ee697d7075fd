//! The benefit, multi-select, Likert, code and comparison charts: both files written, identical bytes for
//! identical input, alt text that carries every figure, and clear errors instead of panics.

use std::path::Path;

use impactkit::charts::{
    benefit_chart, code_chart, comparison_chart, likert_chart, multi_select_chart, BenefitBar,
    ChangeRow, ChartError, CodeBar, LikertItem, OptionBar,
};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

const BENEFITS: [&str; 7] = [
    "Support from other women, reducing isolation",
    "More knowledge of secondary breast cancer and treatment options, including palliative care and hospices",
    "Feeling more confident talking to the medical team",
    "Feeling less anxious about the future",
    "Somewhere to talk openly about death and dying",
    "Practical tips for living with side effects",
    "Feeling understood by people in the same situation",
];

/// Seven benefits from three sources, as in the sample evaluation: a large attendee survey,
/// twenty interviews (one figure suppressed) and thirteen facilitators (two suppressed).
/// Intervals are Wilson 95% intervals (R: `binom::binom.confint(77, 91, methods = "wilson")`
/// gives 0.7602–0.9061 for the first bar).
fn sample_benefits() -> Vec<BenefitBar> {
    let survey = [
        (77, 91, 76.0, 90.6),
        (70, 90, 68.2, 85.0),
        (72, 89, 71.4, 87.6),
        (69, 91, 65.9, 83.3),
        (66, 88, 65.1, 82.5),
        (74, 90, 72.9, 88.8),
        (78, 92, 76.1, 90.7),
    ];
    let interviews: [Option<(u32, u32, f64, f64)>; 7] = [
        Some((11, 20, 34.2, 74.2)),
        Some((9, 20, 25.8, 65.8)),
        Some((7, 20, 18.1, 56.7)),
        None,
        Some((5, 20, 11.2, 46.9)),
        Some((8, 20, 21.9, 61.3)),
        Some((10, 20, 29.9, 70.1)),
    ];
    let facilitators: [Option<(u32, u32, f64, f64)>; 7] = [
        Some((13, 13, 77.2, 100.0)),
        Some((13, 13, 77.2, 100.0)),
        None,
        Some((13, 13, 77.2, 100.0)),
        None,
        Some((13, 13, 77.2, 100.0)),
        Some((13, 13, 77.2, 100.0)),
    ];
    let bar = |label: &str, source: &str, figures: Option<(u32, u32, f64, f64)>| match figures {
        Some((n, d, low, high)) => BenefitBar {
            label: label.to_string(),
            source: source.to_string(),
            percent: Some(100.0 * f64::from(n) / f64::from(d)),
            ci_low: Some(low),
            ci_high: Some(high),
            n_label: format!("{n}/{d}"),
        },
        None => BenefitBar {
            label: label.to_string(),
            source: source.to_string(),
            percent: None,
            ci_low: None,
            ci_high: None,
            n_label: "not shown".to_string(),
        },
    };
    let mut bars = Vec::new();
    for (i, label) in BENEFITS.iter().enumerate() {
        bars.push(bar(label, "attendee survey", Some(survey[i])));
        bars.push(bar(label, "attendee interviews", interviews[i]));
        bars.push(bar(label, "facilitator survey", facilitators[i]));
    }
    bars
}

fn sample_options() -> Vec<OptionBar> {
    [
        (
            "To meet other women living with secondary breast cancer",
            58,
        ),
        ("For information about treatment", 41),
        ("Because my nurse specialist suggested it", 33),
        ("To talk about things I can't say to family", 47),
        ("For practical tips", 41),
        ("To have a break from being a patient", 22),
        ("For the speakers", 18),
        ("Somewhere relaxed to go", 29),
        ("Other", 6),
    ]
    .iter()
    .map(|(label, n)| OptionBar {
        label: label.to_string(),
        percent: Some(100.0 * f64::from(*n) / 93.0),
        n_label: format!("{n}/93"),
    })
    .collect()
}

const BENEFIT_TITLE: &str = "What women gained from the groups, by source";
const BENEFIT_CAPTION: &str =
    "Source: attendee survey (N = 93), attendee interviews (N = 20), facilitator survey (N = 13).";
const OPTION_TITLE: &str = "Why women come to the groups";
const OPTION_CAPTION: &str = "Source: attendee survey, N = 93.";

/// The drawn part of an SVG, after the `<desc>` that repeats the alt text.
fn drawing(svg: &str) -> &str {
    svg.split_once("</desc>").map_or(svg, |(_, drawn)| drawn)
}

fn assert_written(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(!bytes.is_empty(), "{} is empty", path.display());
    bytes
}

#[test]
fn benefit_chart_writes_svg_and_png_with_title_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    let chart = benefit_chart(
        &sample_benefits(),
        BENEFIT_TITLE,
        BENEFIT_CAPTION,
        &dir.path().join("benefits"),
    )
    .unwrap();

    assert_eq!(chart.svg, dir.path().join("benefits.svg"));
    assert_eq!(chart.png, dir.path().join("benefits.png"));
    assert!(assert_written(&chart.png).starts_with(PNG_SIGNATURE));
    let svg = String::from_utf8(assert_written(&chart.svg)).unwrap();
    let svg = drawing(&svg);
    assert!(svg.contains(BENEFIT_TITLE));
    for source in [
        "attendee survey",
        "attendee interviews",
        "facilitator survey",
    ] {
        assert!(svg.contains(source), "legend lacks {source}");
    }
    // Labels are wrapped, so look for each label's opening words.
    for label in BENEFITS {
        let opening: String = label.split(' ').take(2).collect::<Vec<_>>().join(" ");
        assert!(svg.contains(&opening), "SVG lacks {label:?}");
    }
    assert!(svg.contains("Percent of respondents"));
    assert!(svg.contains("attendee interviews: not shown (small numbers)"));
    assert!(svg.contains("85% (77/91)"));
}

#[test]
fn multi_select_chart_writes_svg_and_png_sorted_by_percent() {
    let dir = tempfile::tempdir().unwrap();
    let chart = multi_select_chart(
        &sample_options(),
        OPTION_TITLE,
        OPTION_CAPTION,
        &dir.path().join("why-come"),
    )
    .unwrap();

    assert!(assert_written(&chart.png).starts_with(PNG_SIGNATURE));
    let svg = String::from_utf8(assert_written(&chart.svg)).unwrap();
    let svg = drawing(&svg);
    assert!(svg.contains(OPTION_TITLE));
    assert!(svg.contains("could choose more than one"));
    let position = |text: &str| {
        svg.find(text)
            .unwrap_or_else(|| panic!("SVG lacks {text:?}"))
    };
    // 58, 47, then the tie at 41 in the order given, and "Other" last.
    assert!(position("To meet other women") < position("To talk about things"));
    assert!(position("To talk about things") < position("For information about"));
    assert!(position("For information about") < position("For practical tips"));
    assert!(position("For practical tips") < position("Because my nurse"));
    assert!(position("For the speakers") < position("\nOther\n"));
}

#[test]
fn identical_input_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let first = benefit_chart(
        &sample_benefits(),
        BENEFIT_TITLE,
        BENEFIT_CAPTION,
        &dir.path().join("a"),
    )
    .unwrap();
    let second = benefit_chart(
        &sample_benefits(),
        BENEFIT_TITLE,
        BENEFIT_CAPTION,
        &dir.path().join("b"),
    )
    .unwrap();
    assert_eq!(
        assert_written(&first.png),
        assert_written(&second.png),
        "PNG differs"
    );
    assert_eq!(
        assert_written(&first.svg),
        assert_written(&second.svg),
        "SVG differs"
    );
    assert_eq!(first.alt, second.alt);

    let first = multi_select_chart(
        &sample_options(),
        OPTION_TITLE,
        OPTION_CAPTION,
        &dir.path().join("c"),
    )
    .unwrap();
    let second = multi_select_chart(
        &sample_options(),
        OPTION_TITLE,
        OPTION_CAPTION,
        &dir.path().join("d"),
    )
    .unwrap();
    assert_eq!(
        assert_written(&first.png),
        assert_written(&second.png),
        "PNG differs"
    );
    assert_eq!(
        assert_written(&first.svg),
        assert_written(&second.svg),
        "SVG differs"
    );

    let likert = |stem: &str| {
        likert_chart(
            &agreement_levels(),
            Some(2),
            &sample_likert(),
            LIKERT_TITLE,
            LIKERT_CAPTION,
            &dir.path().join(stem),
        )
        .unwrap()
    };
    let (first, second) = (likert("e"), likert("f"));
    assert_eq!(
        assert_written(&first.png),
        assert_written(&second.png),
        "PNG differs"
    );
    assert_eq!(
        assert_written(&first.svg),
        assert_written(&second.svg),
        "SVG differs"
    );
}

#[test]
fn empty_input_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("nothing");

    let error = benefit_chart(&[], BENEFIT_TITLE, BENEFIT_CAPTION, &stem).unwrap_err();
    assert!(matches!(error, ChartError::NoBars { .. }), "{error:?}");
    assert!(error.to_string().contains("nothing.svg"), "{error}");

    let error = multi_select_chart(&[], OPTION_TITLE, OPTION_CAPTION, &stem).unwrap_err();
    assert!(matches!(error, ChartError::NoBars { .. }), "{error:?}");
    assert!(!stem.with_extension("png").exists());
}

#[test]
fn nan_and_out_of_range_percents_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [f64::NAN, f64::INFINITY, -5.0, 140.0] {
        let mut bars = sample_benefits();
        bars[0].percent = Some(bad);
        let error = benefit_chart(
            &bars,
            BENEFIT_TITLE,
            BENEFIT_CAPTION,
            &dir.path().join("bad"),
        )
        .unwrap_err();
        assert!(
            matches!(
                error,
                ChartError::BadPercent {
                    field: "percent",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("Support from other women"),
            "{error}"
        );

        let mut bars = sample_benefits();
        bars[0].ci_high = Some(bad);
        assert!(benefit_chart(
            &bars,
            BENEFIT_TITLE,
            BENEFIT_CAPTION,
            &dir.path().join("bad")
        )
        .is_err());

        let mut options = sample_options();
        options[3].percent = Some(bad);
        assert!(multi_select_chart(
            &options,
            OPTION_TITLE,
            OPTION_CAPTION,
            &dir.path().join("bad")
        )
        .is_err());
    }
}

#[test]
fn rounding_noise_just_past_100_is_clamped() {
    let dir = tempfile::tempdir().unwrap();
    let options = [OptionBar {
        label: "Everyone".to_string(),
        percent: Some(100.000_000_01),
        n_label: "93/93".to_string(),
    }];
    let chart = multi_select_chart(
        &options,
        OPTION_TITLE,
        OPTION_CAPTION,
        &dir.path().join("all"),
    )
    .unwrap();
    assert!(
        chart.alt.contains("Everyone: 100.0% (93 of 93)"),
        "{}",
        chart.alt
    );
}

#[test]
fn benefit_alt_text_states_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let bars = sample_benefits();
    let chart = benefit_chart(
        &bars,
        BENEFIT_TITLE,
        BENEFIT_CAPTION,
        &dir.path().join("alt"),
    )
    .unwrap();

    assert!(
        chart.alt.starts_with("Horizontal bar chart"),
        "{}",
        chart.alt
    );
    assert!(chart.alt.contains(BENEFIT_CAPTION));
    assert!(
        chart.alt.contains("Support from other women, reducing isolation: attendee survey 84.6% (77 of 91, interval 76.0% to 90.6%)"),
        "{}",
        chart.alt
    );
    for bar in &bars {
        assert!(chart.alt.contains(&bar.label));
        match bar.percent {
            Some(p) => {
                let (n, d) = bar.n_label.split_once('/').unwrap();
                let figure = format!("{} {p:.1}% ({n} of {d}", bar.source);
                assert!(chart.alt.contains(&figure), "alt lacks {figure:?}");
            }
            None => {
                let figure = format!("{} not shown (small numbers)", bar.source);
                assert!(chart.alt.contains(&figure), "alt lacks {figure:?}");
            }
        }
    }
    // The SVG carries the alt text too, for screen readers when it is inlined.
    let svg = std::fs::read_to_string(&chart.svg).unwrap();
    assert!(svg.contains("<desc>Horizontal bar chart"));
}

#[test]
fn multi_select_alt_text_states_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let options = sample_options();
    let chart = multi_select_chart(
        &options,
        OPTION_TITLE,
        OPTION_CAPTION,
        &dir.path().join("alt"),
    )
    .unwrap();

    assert!(chart.alt.contains("more than one"), "{}", chart.alt);
    for option in &options {
        let n = option.n_label.split_once('/').unwrap().0;
        let figure = format!(
            "{}: {:.1}% ({n} of 93)",
            option.label,
            option.percent.unwrap()
        );
        assert!(chart.alt.contains(&figure), "alt lacks {figure:?}");
    }
}

#[test]
fn suppressed_option_is_drawn_last_and_said_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = sample_options();
    options[0].percent = None;
    options[0].n_label = "not shown".to_string();
    let chart = multi_select_chart(
        &options,
        OPTION_TITLE,
        OPTION_CAPTION,
        &dir.path().join("s"),
    )
    .unwrap();
    assert!(chart.alt.contains(
        "To meet other women living with secondary breast cancer: not shown (small numbers)"
    ));
    let svg = std::fs::read_to_string(&chart.svg).unwrap();
    let svg = drawing(&svg);
    assert!(svg.find("To meet other women") > svg.find("\nOther\n"));
}

/// Writes the sample charts to `target/chart-examples/` for looking at:
/// `cargo test --test charts -- --ignored`.
#[test]
#[ignore]
fn write_examples_for_review() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("chart-examples");
    let benefits = benefit_chart(
        &sample_benefits(),
        BENEFIT_TITLE,
        BENEFIT_CAPTION,
        &dir.join("benefits"),
    )
    .unwrap();
    let options = multi_select_chart(
        &sample_options(),
        OPTION_TITLE,
        OPTION_CAPTION,
        &dir.join("why-come"),
    )
    .unwrap();
    // Edge cases: a title long enough to wrap, one source, a 0% bar with its whisker, a label
    // with no spaces to break at, and every option suppressed but one.
    let edge = benefit_chart(
        &[
            BenefitBar {
                label: "Feeling less alone between hospital appointments and treatment cycles, especially after a new diagnosis of progression".to_string(),
                source: "staff survey".to_string(),
                percent: Some(0.0),
                ci_low: Some(0.0),
                ci_high: Some(43.4),
                n_label: "0/6".to_string(),
            },
            BenefitBar {
                label: "Signposting/referrals/information-sharing/hospice-liaison".to_string(),
                source: "staff survey".to_string(),
                percent: Some(100.0),
                ci_low: Some(61.0),
                ci_high: Some(100.0),
                n_label: "6/6".to_string(),
            },
        ],
        "What staff said the groups changed for the women they refer, in the twelve months of the evaluation",
        "Source: staff survey, N = 6.",
        &dir.join("edge"),
    )
    .unwrap();
    let likert = likert_chart(
        &agreement_levels(),
        Some(2),
        &sample_likert(),
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &dir.join("likert"),
    )
    .unwrap();
    // An even scale (no neutral level), a label with no spaces, a share hidden on each side and
    // an item with every level hidden.
    let likert_edge = likert_chart(
        &["Not at all", "A little", "Quite a lot", "Very much"].map(String::from),
        None,
        &[
            likert_item(
                "Feeling less alone between hospital appointments",
                &[Some(10.0), Some(35.0), Some(40.0), Some(15.0)],
                20,
            ),
            likert_item(
                "Signposting/referrals/information-sharing/hospice-liaison",
                &[None, Some(30.0), Some(45.0), None],
                20,
            ),
            likert_item("Too few answers to show", &[None, None, None, None], 4),
        ],
        "How much staff said each part of the service helped the women they refer",
        "Source: staff survey, N = 20.",
        &dir.join("likert-edge"),
    )
    .unwrap();
    println!(
        "{}\n{}\n{}\n{}\n{}",
        benefits.png.display(),
        options.png.display(),
        edge.png.display(),
        likert.png.display(),
        likert_edge.png.display()
    );
}

// ---------------------------------------------------------------------------------------------
// Likert items as diverging bars

const LIKERT_TITLE: &str = "How attendees rated the groups";
const LIKERT_CAPTION: &str =
    "Source: attendee survey (93 respondents). Percentages are of those who answered each statement.";

fn agreement_levels() -> Vec<String> {
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

fn likert_item(label: &str, percents: &[Option<f64>], n: u32) -> LikertItem {
    LikertItem {
        label: label.to_string(),
        percents: percents.to_vec(),
        n_label: format!("N = {n}"),
    }
}

/// Seven statements from the sample attendee survey. Percentages are counts over those who
/// answered (9/91 = 9.9%); levels chosen by fewer than five people are hidden, so most rows have
/// a share not shown (item one: 100 − 9.9 − 40.7 − 44.0 = 5.4%). "I feel more confident…" is
/// shown in full: 5, 8, 18, 34 and 25 of 90.
fn sample_likert() -> Vec<LikertItem> {
    vec![
        likert_item(
            "The group has reduced my feelings of isolation",
            &[None, None, Some(9.9), Some(40.7), Some(44.0)],
            91,
        ),
        likert_item(
            "The group has improved my emotional wellbeing",
            &[None, None, Some(12.1), Some(42.9), Some(39.6)],
            91,
        ),
        likert_item(
            "I know more about secondary breast cancer and my treatment options (including palliative care and hospices)",
            &[None, Some(7.8), Some(15.6), Some(43.3), Some(31.1)],
            90,
        ),
        likert_item(
            "I feel more confident talking to my medical team",
            &[Some(5.6), Some(8.9), Some(20.0), Some(37.8), Some(27.8)],
            90,
        ),
        likert_item(
            "I feel less anxious about the future",
            &[None, Some(11.2), Some(27.0), Some(36.0), Some(21.3)],
            89,
        ),
        likert_item(
            "I can talk openly about death and dying",
            &[None, None, Some(14.8), Some(43.2), Some(35.2)],
            88,
        ),
        likert_item(
            "I would recommend the group to other women with secondary breast cancer",
            &[None, None, None, Some(18.5), Some(78.3)],
            92,
        ),
    ]
}

/// Whether the drawn SVG has a text element that is exactly `text` (plotters writes each text
/// on a line of its own), so "Disagree" is not found inside "Strongly disagree".
fn has_text(svg: &str, text: &str) -> bool {
    svg.contains(&format!("\n{text}\n"))
}

/// The PNG's width in pixels, from its IHDR chunk.
fn png_width(png: &[u8]) -> u32 {
    assert!(png.starts_with(PNG_SIGNATURE), "not a PNG");
    u32::from_be_bytes(png[16..20].try_into().unwrap())
}

/// The drawn rectangles of an SVG as (x, y, width, height, fill).
fn svg_rects(svg: &str) -> Vec<(i32, i32, i32, i32, String)> {
    let attribute = |rect: &str, name: &str| -> String {
        let start = rect
            .find(&format!(" {name}=\""))
            .unwrap_or_else(|| panic!("<rect{rect} has no {name}"))
            + name.len()
            + 3;
        rect[start..].split('"').next().unwrap().to_string()
    };
    drawing(svg)
        .split("<rect")
        .skip(1)
        .map(|rect| {
            let rect = rect.split('>').next().unwrap();
            let number = |name: &str| attribute(rect, name).parse::<i32>().unwrap();
            (
                number("x"),
                number("y"),
                number("width"),
                number("height"),
                attribute(rect, "fill"),
            )
        })
        .collect()
}

/// One rectangle of a bar: its left and right x and its fill.
type BarPart = (i32, i32, String);

/// The bar rectangles of each row, top row first: rectangles taller than the legend swatches,
/// grouped by their top edge. The white page background is left out.
fn bar_rows(svg: &str) -> Vec<Vec<BarPart>> {
    let mut rows: Vec<(i32, Vec<BarPart>)> = Vec::new();
    for (x, y, width, height, fill) in svg_rects(svg) {
        if !(36..=100).contains(&height) || fill.eq_ignore_ascii_case("#FFFFFF") {
            continue;
        }
        match rows.iter_mut().find(|(top, _)| *top == y) {
            Some((_, row)) => row.push((x, x + width, fill)),
            None => rows.push((y, vec![(x, x + width, fill)])),
        }
    }
    rows.sort_by_key(|(top, _)| *top);
    rows.into_iter().map(|(_, row)| row).collect()
}

/// The left and right ends of a row of bar rectangles.
fn reach(row: &[BarPart]) -> (i32, i32) {
    let left = row.iter().map(|r| r.0).min().unwrap();
    let right = row.iter().map(|r| r.1).max().unwrap();
    (left, right)
}

#[test]
fn likert_chart_writes_svg_and_png_with_every_level_in_the_legend() {
    let dir = tempfile::tempdir().unwrap();
    let chart = likert_chart(
        &agreement_levels(),
        Some(2),
        &sample_likert(),
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &dir.path().join("likert"),
    )
    .unwrap();

    assert_eq!(chart.svg, dir.path().join("likert.svg"));
    assert_eq!(png_width(&assert_written(&chart.png)), 1600);
    let svg = String::from_utf8(assert_written(&chart.svg)).unwrap();
    let svg = drawing(&svg);
    assert!(has_text(svg, LIKERT_TITLE));
    for level in agreement_levels() {
        assert!(has_text(svg, &level), "legend lacks {level:?}");
    }
    assert!(
        has_text(svg, "not shown (small numbers)"),
        "legend lacks the hidden block"
    );
    for item in sample_likert() {
        let opening: String = item.label.split(' ').take(3).collect::<Vec<_>>().join(" ");
        assert!(svg.contains(&opening), "SVG lacks {:?}", item.label);
        assert!(has_text(svg, &item.n_label), "SVG lacks {:?}", item.n_label);
    }
    // Wide segments carry their whole percentage; the axis counts outwards from the centre.
    for label in ["41%", "44%", "78%", "38%"] {
        assert!(has_text(svg, label), "no segment labelled {label}");
    }
    assert!(has_text(svg, "Percent of those who answered"));
    assert!(
        svg.matches("\n100\n").count() == 2,
        "axis should read 100 … 0 … 100"
    );
    assert!(svg.contains(LIKERT_CAPTION));
}

#[test]
fn likert_legend_lists_levels_nobody_chose_in_scale_order() {
    let dir = tempfile::tempdir().unwrap();
    let items = [likert_item(
        "Everyone agreed",
        &[Some(0.0), Some(0.0), Some(0.0), Some(60.0), Some(40.0)],
        40,
    )];
    let chart = likert_chart(
        &agreement_levels(),
        Some(2),
        &items,
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &dir.path().join("agreed"),
    )
    .unwrap();
    let svg = std::fs::read_to_string(&chart.svg).unwrap();
    let svg = drawing(&svg);
    let positions: Vec<usize> = agreement_levels()
        .iter()
        .map(|level| {
            svg.find(&format!("\n{level}\n"))
                .unwrap_or_else(|| panic!("legend lacks {level:?}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    // Nothing hidden, so no hidden block and no legend entry for one.
    assert!(!svg.contains("not shown (small numbers)"));
    // Two segments only: 0% levels draw nothing.
    assert_eq!(bar_rows(svg).len(), 1);
    assert_eq!(bar_rows(svg)[0].len(), 2, "{:?}", bar_rows(svg));
}

#[test]
fn neutral_level_is_split_half_each_side_of_the_centre_line() {
    let dir = tempfile::tempdir().unwrap();
    let items = [
        likert_item(
            "Balanced",
            &[Some(0.0), Some(25.0), Some(50.0), Some(25.0), Some(0.0)],
            40,
        ),
        likert_item(
            "Mostly agree",
            &[Some(0.0), Some(0.0), Some(20.0), Some(80.0), Some(0.0)],
            40,
        ),
    ];
    let chart = likert_chart(
        &agreement_levels(),
        Some(2),
        &items,
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &dir.path().join("split"),
    )
    .unwrap();
    let svg = std::fs::read_to_string(&chart.svg).unwrap();
    let rows = bar_rows(&svg);
    assert_eq!(rows.len(), 2, "{rows:?}");
    // "Balanced" reaches 50% each way, so its middle is the centre line.
    let (left, right) = reach(&rows[0]);
    let centre = (left + right) / 2;
    let pixels_per_percent = f64::from(right - left) / 100.0;
    // "Mostly agree": its 20% neutral starts 10% left of the centre and ends 10% right of it.
    let (left, right) = reach(&rows[1]);
    let expected_left = f64::from(centre) - 10.0 * pixels_per_percent;
    let expected_right = f64::from(centre) + 90.0 * pixels_per_percent;
    assert!(
        (f64::from(left) - expected_left).abs() <= 1.0,
        "{left} vs {expected_left}"
    );
    assert!(
        (f64::from(right) - expected_right).abs() <= 1.0,
        "{right} vs {expected_right}"
    );
}

#[test]
fn even_scale_is_centred_between_the_two_middle_levels() {
    let dir = tempfile::tempdir().unwrap();
    let levels: Vec<String> = ["Not at all", "A little", "Quite a lot", "Very much"]
        .map(String::from)
        .to_vec();
    let items = [
        likert_item(
            "Balanced",
            &[Some(10.0), Some(40.0), Some(40.0), Some(10.0)],
            30,
        ),
        likert_item(
            "All upper",
            &[Some(0.0), Some(0.0), Some(70.0), Some(30.0)],
            30,
        ),
    ];
    let chart = likert_chart(
        &levels,
        None,
        &items,
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &dir.path().join("even"),
    )
    .unwrap();
    let svg = std::fs::read_to_string(&chart.svg).unwrap();
    for level in &levels {
        assert!(has_text(drawing(&svg), level), "legend lacks {level:?}");
    }
    let rows = bar_rows(&svg);
    let (left, right) = reach(&rows[0]);
    let centre = (left + right) / 2;
    // The upper levels start at the centre line, where "Balanced" is split 50/50.
    assert!((reach(&rows[1]).0 - centre).abs() <= 1, "{rows:?}");
    assert!(
        chart.alt.contains("Not at all 10.0%, A little 40.0%"),
        "{}",
        chart.alt
    );
}

#[test]
fn likert_alt_text_states_every_figure_and_the_hidden_share() {
    let dir = tempfile::tempdir().unwrap();
    let items = sample_likert();
    let chart = likert_chart(
        &agreement_levels(),
        Some(2),
        &items,
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &dir.path().join("alt"),
    )
    .unwrap();

    assert!(
        chart
            .alt
            .starts_with(&format!("Diverging bar chart: {LIKERT_TITLE}.")),
        "{}",
        chart.alt
    );
    assert!(chart.alt.ends_with(LIKERT_CAPTION), "{}", chart.alt);
    assert!(
        chart.alt.contains(
            "The group has reduced my feelings of isolation (N = 91): Strongly disagree not \
             shown, Disagree not shown, Neither agree nor disagree 9.9%, Agree 40.7%, Strongly \
             agree 44.0%; 5.4% in levels not shown (small numbers)."
        ),
        "{}",
        chart.alt
    );
    // Shown in full: no hidden share mentioned.
    assert!(chart.alt.contains("Strongly agree 27.8%."), "{}", chart.alt);
    for item in &items {
        assert!(
            chart.alt.contains(&item.label),
            "alt lacks {:?}",
            item.label
        );
        for (level, percent) in agreement_levels().iter().zip(&item.percents) {
            let figure = match percent {
                Some(p) => format!("{level} {p:.1}%"),
                None => format!("{level} not shown"),
            };
            assert!(chart.alt.contains(&figure), "alt lacks {figure:?}");
        }
    }
    let svg = std::fs::read_to_string(&chart.svg).unwrap();
    assert!(svg.contains("<desc>Diverging bar chart"));
}

#[test]
fn hidden_levels_are_one_block_at_the_end_not_invented_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let items = [likert_item(
        "The group has reduced my feelings of isolation",
        &[None, None, Some(9.9), Some(40.7), Some(44.0)],
        91,
    )];
    let chart = likert_chart(
        &agreement_levels(),
        Some(2),
        &items,
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &dir.path().join("hidden"),
    )
    .unwrap();
    let svg = std::fs::read_to_string(&chart.svg).unwrap();
    let rows = bar_rows(&svg);
    // Neutral, agree, strongly agree and one hidden block: nothing drawn for the two hidden
    // levels on the left, and the hidden block is the rightmost part of the bar.
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].len(), 4, "{rows:?}");
    let (left, right) = reach(&rows[0]);
    let hidden = rows[0].iter().max_by_key(|r| r.1).unwrap();
    let width = f64::from(right - left);
    let share = f64::from(hidden.1 - hidden.0) / width;
    // 5.4 of the 100 percent the bar spans.
    assert!(
        (share - 5.4 / 100.0).abs() < 0.01,
        "hidden block is {share} of the bar"
    );
    // Its share is not written as if it were a level's figure.
    assert!(!has_text(drawing(&svg), "5%"));
}

#[test]
fn fully_hidden_item_says_not_shown_instead_of_a_bar() {
    let dir = tempfile::tempdir().unwrap();
    let items = [
        likert_item(
            "Shown",
            &[Some(10.0), Some(20.0), Some(30.0), Some(25.0), Some(15.0)],
            60,
        ),
        likert_item("Too few answers", &[None, None, None, None, None], 6),
    ];
    let chart = likert_chart(
        &agreement_levels(),
        Some(2),
        &items,
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &dir.path().join("few"),
    )
    .unwrap();
    let svg = std::fs::read_to_string(&chart.svg).unwrap();
    // Written once, in the row: no hidden block elsewhere, so no legend entry.
    assert_eq!(
        drawing(&svg)
            .matches("\nnot shown (small numbers)\n")
            .count(),
        1
    );
    assert_eq!(bar_rows(&svg).len(), 1, "only the shown item has a bar");
    assert!(
        chart
            .alt
            .contains("Too few answers (N = 6): every level not shown (small numbers)."),
        "{}",
        chart.alt
    );
}

#[test]
fn likert_errors_name_the_file_and_the_item() {
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("bad");
    let levels = agreement_levels();

    let error =
        likert_chart(&levels, Some(2), &[], LIKERT_TITLE, LIKERT_CAPTION, &stem).unwrap_err();
    assert!(matches!(error, ChartError::NoBars { .. }), "{error:?}");

    let error = likert_chart(
        &[],
        None,
        &sample_likert(),
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &stem,
    )
    .unwrap_err();
    assert!(matches!(error, ChartError::BadScale { .. }), "{error:?}");
    assert!(error.to_string().contains("bad.svg"), "{error}");
    assert!(error.to_string().contains("no scale levels"), "{error}");

    let error = likert_chart(
        &levels,
        Some(5),
        &sample_likert(),
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &stem,
    )
    .unwrap_err();
    assert!(matches!(error, ChartError::BadScale { .. }), "{error:?}");

    let mut items = sample_likert();
    items[1].percents.pop();
    let error = likert_chart(
        &levels,
        Some(2),
        &items,
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &stem,
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            ChartError::LevelCountMismatch {
                percents: 4,
                levels: 5,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("bad.svg"), "{message}");
    assert!(
        message.contains("The group has improved my emotional wellbeing"),
        "{message}"
    );
    assert!(message.contains("one per level"), "{message}");

    for bad in [f64::NAN, f64::INFINITY, -5.0, 140.0] {
        let mut items = sample_likert();
        items[0].percents[3] = Some(bad);
        let error = likert_chart(
            &levels,
            Some(2),
            &items,
            LIKERT_TITLE,
            LIKERT_CAPTION,
            &stem,
        )
        .unwrap_err();
        assert!(matches!(error, ChartError::BadPercent { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .contains("reduced my feelings of isolation (Agree)"),
            "{error}"
        );
    }

    // Levels that add up to far more than 100 are not shares of one whole.
    let items = [likert_item(
        "Double counted",
        &[Some(50.0), Some(50.0), Some(50.0), None, None],
        10,
    )];
    let error = likert_chart(
        &levels,
        Some(2),
        &items,
        LIKERT_TITLE,
        LIKERT_CAPTION,
        &stem,
    )
    .unwrap_err();
    assert!(
        matches!(error, ChartError::BadPercent { value, .. } if value == 150.0),
        "{error:?}"
    );
    assert!(!dir.path().join("bad.png").exists());
}

fn change_rows() -> Vec<ChangeRow> {
    vec![
        ChangeRow {
            label: "Support from other women, reducing isolation (attendee survey)".to_string(),
            baseline: Some(66.7),
            baseline_interval: Some((56.4, 75.6)),
            current: Some(84.6),
            current_interval: Some((75.8, 90.6)),
            end_label: "+18 points: clear increase".to_string(),
        },
        ChangeRow {
            label: "Reducing isolation (attendee interviews)".to_string(),
            baseline: None,
            baseline_interval: None,
            current: Some(55.0),
            current_interval: Some((34.2, 74.2)),
            end_label: "not compared (small numbers)".to_string(),
        },
    ]
}

#[test]
fn comparison_chart_draws_both_waves_and_says_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("comparison");
    let chart = comparison_chart(
        &change_rows(),
        "2023",
        "2026",
        "Benefits in 2023 and 2026",
        "Source: sample.",
        &stem,
    )
    .unwrap();
    let svg = String::from_utf8(assert_written(&chart.svg)).unwrap();
    assert_written(&chart.png);
    assert!(has_text(&svg, "2023 (hollow dot)") && has_text(&svg, "2026 (filled dot)"));
    assert!(has_text(&svg, "+18 points: clear increase"));
    // Two filled current dots, and one hollow baseline dot drawn as a white disc and a ring.
    assert_eq!(svg.matches("<circle").count(), 2 + 2, "{svg}");
    assert!(chart
        .alt
        .contains("2023 66.7%, 2026 84.6%; +18 points: clear increase."));
    assert!(chart
        .alt
        .contains("2023 not shown (small numbers), 2026 55.0%"));

    let mut bad = change_rows();
    bad[0].baseline = Some(f64::NAN);
    assert!(matches!(
        comparison_chart(&bad, "2023", "2026", "t", "c", &stem),
        Err(ChartError::BadPercent { .. })
    ));
    assert!(matches!(
        comparison_chart(&[], "2023", "2026", "t", "c", &stem),
        Err(ChartError::NoBars { .. })
    ));
}

#[test]
fn code_chart_groups_bars_by_interviewee_group() {
    let dir = tempfile::tempdir().unwrap();
    let bars = [
        (
            "Patients cope better",
            "Nurse specialists",
            Some(80.0),
            "8/10",
        ),
        ("Patients cope better", "Oncologists", Some(50.0), "5/10"),
        (
            "Outside the hospital setting",
            "Nurse specialists",
            None,
            "not shown",
        ),
        (
            "Outside the hospital setting",
            "Oncologists",
            Some(60.0),
            "6/10",
        ),
    ]
    .map(|(code, group, percent, n)| CodeBar {
        code: code.to_string(),
        group: group.to_string(),
        percent,
        n_label: n.to_string(),
    });
    let chart = code_chart(
        &bars,
        "What professionals said",
        "Source: sample.",
        &dir.path().join("codes"),
    )
    .unwrap();
    let svg = String::from_utf8(assert_written(&chart.svg)).unwrap();
    assert!(
        has_text(&svg, "Nurse specialists") && has_text(&svg, "Oncologists"),
        "a legend names both groups"
    );
    assert!(has_text(
        &svg,
        "Nurse specialists: not shown (small numbers)"
    ));
    assert!(
        chart.alt.contains(
            "Patients cope better: Nurse specialists 80.0% (8 of 10); Oncologists 50.0% (5 of 10)."
        ),
        "{}",
        chart.alt
    );
}

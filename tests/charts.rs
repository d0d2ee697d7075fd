//! The benefit and multi-select charts: both files written, identical bytes for identical
//! input, alt text that carries every figure, and clear errors instead of panics.

use std::path::Path;

use impactkit::charts::{benefit_chart, multi_select_chart, BenefitBar, ChartError, OptionBar};

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
    println!(
        "{}\n{}\n{}",
        benefits.png.display(),
        options.png.display(),
        edge.png.display()
    );
}

use std::path::Path;

use super::*;
use crate::diagnostic::{Location, Severity};

fn parse_str(text: &str) -> Result<LoadedSpec, SpecLoadError> {
    parse(Path::new("dir/evaluation.toml"), text.to_string())
}

fn line_of(d: &Diagnostic) -> usize {
    match &d.location {
        Some(Location::Spec { line, .. }) => *line,
        other => panic!("expected a spec location, got {other:?}"),
    }
}

const MINIMAL: &str = r#"title = "T"
[scales.agreement]
levels = ["Disagree", "Agree"]
positive = ["Agree"]

[[sources]]
name = "survey"
group = "Attendees"
file = "missing-on-purpose.csv"
questions = [
  { name = "isolation", column = "Felt less alone", scale = "agreement" },
]

[[benefits]]
name = "isolation"
label = "Less isolated"
evidence = [ { source = "survey", question = "isolation", answer = "positive" } ]
"#;

#[test]
fn a_minimal_spec_has_only_the_missing_file_error() {
    let loaded = parse_str(MINIMAL).unwrap();
    assert_eq!(loaded.spec.confidence, 0.95);
    assert_eq!(loaded.spec.privacy.min_cell, 5);
    assert_eq!(loaded.spec.base_dir, Path::new("dir"));
    assert_eq!(
        loaded.spec.resolve(&loaded.spec.sources[0].file),
        Path::new("dir/missing-on-purpose.csv")
    );
    let messages: Vec<&str> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages, ["file not found: dir/missing-on-purpose.csv"]);
    assert_eq!(line_of(&loaded.diagnostics[0]), 9);
}

#[test]
fn every_unknown_key_is_listed_with_a_hint_and_its_line() {
    let text = MINIMAL
        .replace("positive = [\"Agree\"]", "positve = [\"Agree\"]")
        .replace(
            "{ name = \"isolation\", column",
            "{ name = \"isolation\", colum",
        )
        .replace("title = \"T\"", "title = \"T\"\nconfidance = 0.9");
    let loaded = parse_str(&text).unwrap();
    let unknown: Vec<(&str, usize, Option<&str>)> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("unknown key"))
        .map(|d| (d.message.as_str(), line_of(d), d.help.as_deref()))
        .collect();
    assert_eq!(
        unknown,
        [
            (
                "unknown key `confidance` at the top of the spec",
                2,
                Some("did you mean `confidence`?")
            ),
            (
                "unknown key `positve` in [scales.agreement]",
                5,
                Some("did you mean `positive`?")
            ),
            (
                "unknown key `colum` in [sources[0].questions[0]]",
                12,
                Some("did you mean `column`?")
            ),
        ]
    );
    // The caret sits under the key itself.
    let colum = loaded
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`colum`"))
        .unwrap();
    match &colum.location {
        Some(Location::Spec {
            column,
            width,
            source_line,
            ..
        }) => {
            assert_eq!(&source_line[column - 1..column - 1 + width], "colum");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_value_of_the_wrong_type_points_at_it() {
    let text = MINIMAL.replace("title = \"T\"", "title = \"T\"\nconfidence = \"high\"");
    let err = parse_str(&text).unwrap_err();
    assert_eq!(err.diagnostics.len(), 1);
    assert_eq!(line_of(&err.diagnostics[0]), 2);
    assert!(err.to_string().contains("confidence = \"high\""), "{err}");
}

#[test]
fn references_between_sections_are_checked() {
    let text = MINIMAL
        .replace("positive = [\"Agree\"]", "positive = [\"Agreee\"]")
        .replace("question = \"isolation\"", "question = \"isolaton\"")
        .replace("scale = \"agreement\" }", "scale = \"agreemnt\" }");
    let loaded = parse_str(&text).unwrap();
    let errors: Vec<(String, usize, Option<String>)> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && !d.message.starts_with("file not found"))
        .map(|d| (d.message.clone(), line_of(d), d.help.clone()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                "\"Agreee\" is not a level of scale \"agreement\"".to_string(),
                4,
                Some("did you mean \"Agree\"?".to_string())
            ),
            (
                "there is no scale named \"agreemnt\"".to_string(),
                11,
                Some("did you mean \"agreement\"?".to_string())
            ),
            (
                "source \"survey\" has no question named \"isolaton\"".to_string(),
                17,
                Some("did you mean \"isolation\"?".to_string())
            ),
        ]
    );
}

#[test]
fn coding_sources_need_their_columns() {
    let text = r#"title = "T"
[[sources]]
name = "interviews"
group = "Attendees"
kind = "coding"
layout = "matrix"
file = "x.xlsx"
"#;
    let loaded = parse_str(text).unwrap();
    let messages: Vec<&str> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages.contains(&"matrix coding source \"interviews\" needs `codes`"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"coding source \"interviews\" needs `id`"),
        "{messages:?}"
    );
}

#[test]
fn toml_syntax_errors_are_located() {
    let err = parse_str("title = \"T\"\n[[sources]\n").unwrap_err();
    assert_eq!(line_of(&err.diagnostics[0]), 2);
    assert!(err.diagnostics[0]
        .message
        .starts_with("the spec is not valid TOML"));
}

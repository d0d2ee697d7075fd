//! Cell normalisation: the small repairs real exports need, each one recorded.
//!
//! Nothing here guesses: text is trimmed and its look-alike characters straightened, then a
//! value is matched to a scale level exactly, case-insensitively, through the scale's aliases or
//! numeric codes, or recognised as a missing-answer token. Each step that changed something is
//! named in [`Normalised::rules`], so the `changes` table can show what was done to which cell.

use std::collections::BTreeMap;

use super::Cell;
use crate::spec::Scale;

/// Tokens that mean "no answer" in any question: survey platforms' not-applicable codes.
pub const MISSING_TOKENS: [&str; 5] = ["NA", "N/A", "n/a", "-99", "#N/A"];

/// A rule that changed a value on its way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Leading or trailing whitespace removed, or inner runs collapsed.
    Trimmed,
    /// Non-breaking and other unusual spaces made plain spaces.
    NonBreakingSpace,
    /// Curly quotes and apostrophes made straight.
    CurlyQuotes,
    /// Matched a level in a different case.
    CaseFolded,
    /// Mapped through the scale's `aliases`.
    Alias,
    /// Mapped through the scale's numeric `codes`.
    NumericCode,
    /// A missing-answer token or the scale's `missing` list.
    MissingToken,
    /// A formula error (`#N/A`, `#DIV/0!`) taken as no answer.
    FormulaError,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Trimmed => "trimmed",
            Rule::NonBreakingSpace => "non_breaking_space",
            Rule::CurlyQuotes => "curly_quotes",
            Rule::CaseFolded => "case_folded",
            Rule::Alias => "alias",
            Rule::NumericCode => "numeric_code",
            Rule::MissingToken => "missing_token",
            Rule::FormulaError => "formula_error",
        }
    }
}

/// True for a global missing-answer token, in any case ("na", "N/a").
pub fn is_missing_token(text: &str) -> bool {
    MISSING_TOKENS.iter().any(|t| t.eq_ignore_ascii_case(text))
}

/// Text cleaned of the differences a person would not see.
#[derive(Debug, Clone, PartialEq)]
pub struct Cleaned {
    pub text: String,
    pub rules: Vec<Rule>,
}

/// Trims, collapses inner whitespace, and straightens non-breaking spaces and curly quotes.
pub fn clean_text(raw: &str) -> Cleaned {
    // Most cells, free text included, need none of it: they are copied as they are rather
    // than taken apart and joined again.
    if is_clean(raw) {
        return Cleaned {
            text: raw.to_string(),
            rules: Vec::new(),
        };
    }
    clean_by_rules(raw)
}

/// Whether [`clean_text`] would leave `raw` as it is, with no rule: nothing to straighten and
/// no whitespace but single spaces between words.
fn is_clean(raw: &str) -> bool {
    let mut after_space = true;
    for c in raw.chars() {
        if matches!(
            c,
            '\u{00A0}'
                | '\u{2007}'
                | '\u{202F}'
                | '\u{2009}'
                | '\u{200A}'
                | '\u{2018}'
                | '\u{2019}'
                | '\u{201B}'
                | '\u{2032}'
                | '\u{201C}'
                | '\u{201D}'
                | '\u{201F}'
                | '\u{2033}'
        ) {
            return false;
        }
        let space = c.is_whitespace();
        if space && (c != ' ' || after_space) {
            return false;
        }
        after_space = space;
    }
    raw.is_empty() || !after_space
}

fn clean_by_rules(raw: &str) -> Cleaned {
    let mut rules = Vec::new();
    let mut straightened = String::with_capacity(raw.len());
    let (mut nbsp, mut curly) = (false, false);
    for c in raw.chars() {
        match c {
            '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2009}' | '\u{200A}' => {
                nbsp = true;
                straightened.push(' ');
            }
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => {
                curly = true;
                straightened.push('\'');
            }
            '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => {
                curly = true;
                straightened.push('"');
            }
            c => straightened.push(c),
        }
    }
    if nbsp {
        rules.push(Rule::NonBreakingSpace);
    }
    if curly {
        rules.push(Rule::CurlyQuotes);
    }
    // Collapse whitespace runs within a line but keep line breaks in free text.
    let collapsed: Vec<String> = straightened
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut text = collapsed.join("\n").trim().to_string();
    if text.contains("\n\n\n") {
        while text.contains("\n\n\n") {
            text = text.replace("\n\n\n", "\n\n");
        }
    }
    let before_trim: String = straightened.replace("\r\n", "\n");
    if text != before_trim {
        rules.push(Rule::Trimmed);
    }
    Cleaned { text, rules }
}

/// What a cell turned out to mean.
#[derive(Debug, Clone, PartialEq)]
pub enum Meaning {
    /// An answer (for a scale: the level as the scale spells it).
    Value(String),
    /// No answer: blank, a missing token, a formula error. `token` is what stood there.
    Missing { token: String },
    /// Text that is not a level of the question's scale (kept, and reported by `validate`).
    Unknown(String),
}

/// A cell after normalisation, with the rules applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalised {
    pub meaning: Meaning,
    pub rules: Vec<Rule>,
}

/// Matches answers to one scale's levels. Built once per scale.
#[derive(Debug, Clone)]
pub struct ScaleMatcher {
    levels: Vec<String>,
    lookup: BTreeMap<String, (usize, Rule)>,
    missing: BTreeMap<String, ()>,
}

impl ScaleMatcher {
    pub fn new(scale: &Scale) -> ScaleMatcher {
        let key = |s: &str| clean_text(s).text.to_lowercase();
        let mut lookup = BTreeMap::new();
        let position = |target: &str| scale.levels.iter().position(|l| key(l) == key(target));
        for (code, target) in &scale.codes {
            if let Some(i) = position(target) {
                lookup.insert(key(code), (i, Rule::NumericCode));
            }
        }
        for (alias, target) in &scale.aliases {
            if let Some(i) = position(target) {
                lookup.insert(key(alias), (i, Rule::Alias));
            }
        }
        for (i, level) in scale.levels.iter().enumerate() {
            // Levels win over aliases and codes of the same spelling.
            lookup.insert(key(level), (i, Rule::CaseFolded));
        }
        let missing = scale.missing.iter().map(|m| (key(m), ())).collect();
        ScaleMatcher {
            levels: scale.levels.clone(),
            lookup,
            missing,
        }
    }

    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// The level index of a normalised level name.
    pub fn level_index(&self, level: &str) -> Option<usize> {
        self.levels.iter().position(|l| l == level)
    }

    /// Normalises one cell against this scale.
    pub fn normalise(&self, cell: &Cell) -> Normalised {
        let mut base = normalise_cell(cell);
        let Meaning::Value(text) = &base.meaning else {
            return base;
        };
        let lower = text.to_lowercase();
        if self.missing.contains_key(&lower) {
            base.meaning = Meaning::Missing {
                token: text.clone(),
            };
            base.rules.push(Rule::MissingToken);
            return base;
        }
        match self.lookup.get(&lower) {
            Some((i, rule)) => {
                let level = &self.levels[*i];
                match rule {
                    Rule::CaseFolded if level == text => {}
                    Rule::CaseFolded if level.to_lowercase() == lower => {
                        base.rules.push(Rule::CaseFolded)
                    }
                    Rule::CaseFolded => {}
                    rule => base.rules.push(*rule),
                }
                base.meaning = Meaning::Value(level.clone());
            }
            None => base.meaning = Meaning::Unknown(text.clone()),
        }
        base
    }
}

/// Normalises a cell that has no scale: cleaning, global missing tokens and formula errors.
pub fn normalise_cell(cell: &Cell) -> Normalised {
    match cell {
        Cell::Empty => Normalised {
            meaning: Meaning::Missing {
                token: String::new(),
            },
            rules: Vec::new(),
        },
        Cell::Error(e) => Normalised {
            meaning: Meaning::Missing {
                token: e.to_string(),
            },
            rules: vec![Rule::FormulaError],
        },
        Cell::Text(raw) => {
            let cleaned = clean_text(raw);
            if cleaned.text.is_empty() {
                return Normalised {
                    meaning: Meaning::Missing {
                        token: String::new(),
                    },
                    rules: cleaned.rules,
                };
            }
            if is_missing_token(&cleaned.text) {
                let mut rules = cleaned.rules;
                rules.push(Rule::MissingToken);
                return Normalised {
                    meaning: Meaning::Missing {
                        token: cleaned.text,
                    },
                    rules,
                };
            }
            Normalised {
                meaning: Meaning::Value(cleaned.text),
                rules: cleaned.rules,
            }
        }
        Cell::Number(n) if *n == -99.0 => Normalised {
            meaning: Meaning::Missing {
                token: "-99".into(),
            },
            rules: vec![Rule::MissingToken],
        },
        other => Normalised {
            meaning: Meaning::Value(other.to_text()),
            rules: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The shortcut for text that is already clean gives what the rules give.
        #[test]
        fn clean_text_takes_its_shortcut_only_where_the_rules_change_nothing(
            raw in "[ a\n\r\t\u{00A0}\u{2009}\u{2019}\u{201C}\u{2028}\u{3000}é'-]{0,12}"
        ) {
            proptest::prop_assert_eq!(clean_text(&raw), clean_by_rules(&raw));
        }
    }

    fn agreement() -> Scale {
        Scale {
            levels: vec![
                "Strongly disagree".into(),
                "Disagree".into(),
                "Neither agree nor disagree".into(),
                "Agree".into(),
                "Strongly agree".into(),
            ],
            positive: vec!["Agree".into(), "Strongly agree".into()],
            missing: vec!["Don't know".into()],
            aliases: [(
                "Neutral".to_string(),
                "Neither agree nor disagree".to_string(),
            )]
            .into(),
            codes: [("5".to_string(), "Strongly agree".to_string())].into(),
        }
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn cleaning_straightens_what_a_person_cannot_see() {
        let c = clean_text("  I can\u{2019}t\u{00A0}say  ");
        assert_eq!(c.text, "I can't say");
        assert_eq!(
            c.rules,
            vec![Rule::NonBreakingSpace, Rule::CurlyQuotes, Rule::Trimmed]
        );
        assert_eq!(clean_text("Agree").rules, vec![]);
        assert_eq!(
            clean_text("line one\r\nline two").text,
            "line one\nline two"
        );
        assert_eq!(clean_text("line one\r\nline two").rules, vec![]);
    }

    #[test]
    fn levels_match_by_case_alias_code_and_missing() {
        let m = ScaleMatcher::new(&agreement());
        assert_eq!(
            m.normalise(&text("Agree")).meaning,
            Meaning::Value("Agree".into())
        );
        assert!(m.normalise(&text("Agree")).rules.is_empty());
        let lower = m.normalise(&text("agree "));
        assert_eq!(lower.meaning, Meaning::Value("Agree".into()));
        assert_eq!(lower.rules, vec![Rule::Trimmed, Rule::CaseFolded]);
        let alias = m.normalise(&text("neutral"));
        assert_eq!(
            alias.meaning,
            Meaning::Value("Neither agree nor disagree".into())
        );
        assert_eq!(alias.rules, vec![Rule::Alias]);
        let code = m.normalise(&Cell::Number(5.0));
        assert_eq!(code.meaning, Meaning::Value("Strongly agree".into()));
        assert_eq!(code.rules, vec![Rule::NumericCode]);
        let dk = m.normalise(&text("Don\u{2019}t know"));
        assert_eq!(
            dk.meaning,
            Meaning::Missing {
                token: "Don't know".into()
            }
        );
        assert_eq!(dk.rules, vec![Rule::CurlyQuotes, Rule::MissingToken]);
        assert_eq!(
            m.normalise(&text("Agreed")).meaning,
            Meaning::Unknown("Agreed".into())
        );
    }

    #[test]
    fn global_missing_tokens_and_errors_are_missing() {
        for token in ["NA", "N/A", "-99", "", "na", "N/a"] {
            assert!(matches!(
                normalise_cell(&text(token)).meaning,
                Meaning::Missing { .. }
            ));
        }
        assert!(matches!(
            normalise_cell(&Cell::Number(-99.0)).meaning,
            Meaning::Missing { .. }
        ));
        let err = normalise_cell(&Cell::Error("#DIV/0!".into()));
        assert_eq!(err.rules, vec![Rule::FormulaError]);
    }
}

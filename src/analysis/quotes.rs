//! Choosing excerpts to quote: deterministic, a few per code, readable, never identifying.
//!
//! Excerpts marked for use in the sheet's `quote` column come first; then excerpts of a
//! readable length (about 12 to 80 words, nearest 35 first); then sheet order. The same
//! passage coded by two coders is offered once, and a code's quotes come from different
//! people where there is a choice. Each quote carries an attribution made from the group and
//! the interviewee's position in the source ("Attendee interview 7") or their role
//! ("Oncologist"): never the raw id. Redacting personal data is the report's job.

use std::collections::BTreeSet;

use crate::model::{CodedExcerpt, Evaluation, SourceData};
use crate::spec::SourceKind;

/// An excerpt chosen for quotation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Quote {
    pub source: String,
    pub code: String,
    pub text: String,
    pub attribution: String,
    /// Marked as cleared for quotation in the sheet.
    pub marked: bool,
    /// Sheet row of the excerpt, for tracing back.
    pub row: u32,
}

/// Up to `per_code` quotes for every code of every coding source.
pub fn select_quotes(eval: &Evaluation, per_code: usize) -> Vec<Quote> {
    let mut out = Vec::new();
    for data in eval.sources.iter().filter(|s| s.kind == SourceKind::Coding) {
        let mut codes: Vec<&str> = Vec::new();
        for c in &data.codes {
            if !codes.contains(&c.code.as_str()) {
                codes.push(&c.code);
            }
        }
        for code in codes {
            out.extend(quotes_for_code(data, code, per_code));
        }
    }
    out
}

fn quotes_for_code(data: &SourceData, code: &str, per_code: usize) -> Vec<Quote> {
    let mut seen_text = BTreeSet::new();
    let mut candidates: Vec<&CodedExcerpt> = data
        .codes
        .iter()
        .filter(|c| c.code == code)
        .filter(|c| c.excerpt.as_deref().is_some_and(|t| !t.trim().is_empty()))
        .filter(|c| seen_text.insert(c.excerpt.clone().unwrap_or_default()))
        .collect();
    candidates.sort_by_key(|c| {
        let words = c
            .excerpt
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .count();
        let readable = (12..=80).contains(&words);
        (!c.quotable, !readable, words.abs_diff(35), c.row)
    });
    // Different people first; then, if still short, more from the same people.
    let mut chosen: Vec<&CodedExcerpt> = Vec::new();
    let mut people = BTreeSet::new();
    for c in &candidates {
        if chosen.len() < per_code && people.insert(c.respondent.as_str()) {
            chosen.push(c);
        }
    }
    for c in &candidates {
        if chosen.len() < per_code && !chosen.iter().any(|x| std::ptr::eq(*x, *c)) {
            chosen.push(c);
        }
    }
    chosen
        .into_iter()
        .map(|c| Quote {
            source: data.name.clone(),
            code: code.to_string(),
            text: c.excerpt.clone().unwrap_or_default(),
            attribution: attribution(data, &c.respondent),
            marked: c.quotable,
            row: c.row,
        })
        .collect()
}

/// "Oncologist" when the interviewee has a role; else "Attendee interview 7", numbered by
/// position in the source so the raw id is never shown.
pub fn attribution(data: &SourceData, respondent: &str) -> String {
    let position = data.respondents.iter().position(|r| r.id == respondent);
    if let Some(role) = position.and_then(|i| data.respondents[i].attributes.get("role")) {
        return role.clone();
    }
    let who = singular(&data.group);
    match position {
        Some(i) => format!("{who} interview {}", i + 1),
        None => format!("{who} interview"),
    }
}

fn singular(group: &str) -> String {
    let g = group.trim();
    if g.ends_with('s') && !g.ends_with("ss") {
        g[..g.len() - 1].to_string()
    } else {
        g.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Respondent;
    use std::collections::BTreeMap;

    fn excerpt(who: &str, code: &str, text: &str, quotable: bool, row: u32) -> CodedExcerpt {
        CodedExcerpt {
            respondent: who.into(),
            code: code.into(),
            excerpt: Some(text.into()),
            coder: None,
            quotable,
            row,
        }
    }

    fn source(codes: Vec<CodedExcerpt>) -> SourceData {
        SourceData {
            name: "interviews".into(),
            group: "Attendees".into(),
            kind: SourceKind::Coding,
            file: "x.xlsx".into(),
            sheet: "Coding".into(),
            layout: "long".into(),
            respondents: ["AI01", "AI02", "AI03"]
                .iter()
                .map(|id| Respondent {
                    id: id.to_string(),
                    row: None,
                    attributes: BTreeMap::new(),
                })
                .collect(),
            declared_respondents: None,
            answers: vec![],
            codes,
            ledger: vec![],
            changes: vec![],
            dates: None,
        }
    }

    #[test]
    fn marked_and_readable_excerpts_from_different_people_come_first() {
        let long = "word ".repeat(30);
        let data = source(vec![
            excerpt("AI01", "Isolation", "Too short.", false, 2),
            excerpt("AI01", "Isolation", &long, false, 3),
            excerpt("AI02", "Isolation", &long, false, 4), // the same passage: offered once
            excerpt("AI03", "Isolation", "Short but marked for use.", true, 5),
            excerpt("AI02", "Isolation", &"other ".repeat(20), false, 6),
        ]);
        let quotes = quotes_for_code(&data, "Isolation", 2);
        let rows: Vec<u32> = quotes.iter().map(|q| q.row).collect();
        assert_eq!(rows, [5, 3]);
        assert_eq!(quotes[0].attribution, "Attendee interview 3");
        assert!(quotes.iter().all(|q| !q.attribution.contains("AI0")));
        // Asking for more gives the other person's excerpt before a second from AI01.
        let rows: Vec<u32> = quotes_for_code(&data, "Isolation", 4)
            .iter()
            .map(|q| q.row)
            .collect();
        assert_eq!(rows, [5, 3, 6, 2]);
    }

    #[test]
    fn a_role_is_the_attribution_when_there_is_one() {
        let mut data = source(vec![]);
        data.respondents[1]
            .attributes
            .insert("role".into(), "Oncologist".into());
        assert_eq!(attribution(&data, "AI02"), "Oncologist");
        assert_eq!(attribution(&data, "AI01"), "Attendee interview 1");
        assert_eq!(
            singular("Healthcare professionals"),
            "Healthcare professional"
        );
        assert_eq!(singular("Staff"), "Staff");
    }
}

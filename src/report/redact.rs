//! The personal-data guard: what is quoted in a report is scrubbed of details that identify
//! someone, before it is published.
//!
//! Replaced with a marker: e-mail addresses, UK phone numbers, UK postcodes, NHS numbers (ten
//! digits, with or without spaces, whose modulus-11 check digit is valid) and the names the
//! spec lists under `[privacy] names`. Each replacement is counted so the report's appendix
//! can say how many were made. This is a safety net, not a licence: excerpts should be
//! anonymised by the people who code them.

use std::collections::BTreeMap;

use regex::{Regex, RegexBuilder};

/// What was replaced, counted by kind ("email", "phone", "postcode", "NHS number", "name").
pub type RedactionCounts = BTreeMap<&'static str, u64>;

/// Scrubs text; built once per report (the patterns and the spec's names).
pub struct Redactor {
    email: Regex,
    nhs: Regex,
    phone: Regex,
    postcode: Regex,
    names: Option<Regex>,
}

impl Redactor {
    pub fn new(names: &[String]) -> Redactor {
        let build = |pattern: &str| {
            RegexBuilder::new(pattern)
                .case_insensitive(true)
                .build()
                .expect("the built-in patterns are valid")
        };
        let names: Vec<String> = names
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .map(regex::escape)
            .collect();
        Redactor {
            email: build(r"[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}"),
            nhs: build(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b"),
            phone: build(r"(?:\+44\s?(?:\(0\)\s?)?|\b0)(?:\d[\s-]?){9,10}\b"),
            postcode: build(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),
            names: (!names.is_empty()).then(|| build(&format!(r"\b(?:{})\b", names.join("|")))),
        }
    }

    /// `text` with personal details replaced by markers, and what was replaced.
    pub fn redact(&self, text: &str, counts: &mut RedactionCounts) -> String {
        let mut out = replace_counted(&self.email, text, "[email]", "email", counts, |_| true);
        out = replace_counted(&self.nhs, &out, "[NHS number]", "NHS number", counts, |m| {
            is_valid_nhs_number(m)
        });
        out = replace_counted(&self.phone, &out, "[phone]", "phone", counts, |_| true);
        out = replace_counted(
            &self.postcode,
            &out,
            "[postcode]",
            "postcode",
            counts,
            |_| true,
        );
        if let Some(names) = &self.names {
            out = replace_counted(names, &out, "[name]", "name", counts, |_| true);
        }
        out
    }
}

fn replace_counted(
    pattern: &Regex,
    text: &str,
    marker: &str,
    kind: &'static str,
    counts: &mut RedactionCounts,
    accept: impl Fn(&str) -> bool,
) -> String {
    let mut n = 0;
    let replaced = pattern.replace_all(text, |caps: &regex::Captures<'_>| {
        let found = &caps[0];
        if accept(found) {
            n += 1;
            marker.to_string()
        } else {
            found.to_string()
        }
    });
    if n > 0 {
        *counts.entry(kind).or_default() += n;
    }
    replaced.into_owned()
}

/// The NHS number check: ten digits; the first nine weighted 10 down to 2; 11 minus the sum
/// modulo 11 is the check digit (11 means 0; 10 means the number is not valid).
pub fn is_valid_nhs_number(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| d * w)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == digits[9]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 943 476 5919 is the NHS's published example of a valid number (NHS Data Dictionary);
    /// changing its last digit makes it invalid.
    #[test]
    fn nhs_numbers_are_checked_with_modulus_11() {
        assert!(is_valid_nhs_number("943 476 5919"));
        assert!(is_valid_nhs_number("9434765919"));
        assert!(!is_valid_nhs_number("9434765918"));
        assert!(!is_valid_nhs_number("123"));
    }

    #[test]
    fn personal_details_are_replaced_and_counted() {
        let r = Redactor::new(&["Mandy".to_string()]);
        let mut counts = RedactionCounts::new();
        let text = "Mandy said email me at jo.bloggs@example.org or ring 07700 900123, \
                    or +44 20 7946 0958; I live at SW1A 1AA; my number is 943 476 5919 \
                    and the room is 1234567890. MANDY was lovely.";
        let out = r.redact(text, &mut counts);
        assert_eq!(
            out,
            "[name] said email me at [email] or ring [phone], or [phone]; I live at \
             [postcode]; my number is [NHS number] and the room is 1234567890. [name] was lovely."
        );
        assert_eq!(counts["email"], 1);
        assert_eq!(counts["phone"], 2);
        assert_eq!(counts["postcode"], 1);
        assert_eq!(counts["NHS number"], 1);
        assert_eq!(counts["name"], 2);
    }

    #[test]
    fn ordinary_speech_is_left_alone() {
        let r = Redactor::new(&["Mandy".to_string()]);
        let mut counts = RedactionCounts::new();
        let text = "I've been coming for 2 years, since March 2024, and Amanda's group helps.";
        assert_eq!(r.redact(text, &mut counts), text);
        assert!(counts.is_empty());
    }
}

//! Inter-coder agreement on interview coding.
//!
//! When two researchers code the same interviews, the report should say how far they agree
//! before it counts codes as evidence. The unit compared is "this interviewee was (or was not)
//! given this code", not the individual excerpt: that is the level at which codes are counted
//! as benefits. This module gives, per code, the percentage agreement and Cohen's kappa, and
//! over all interviewee × code units, Krippendorff's alpha (nominal).
//!
//! It measures agreement only: it does not decide whose coding to use, nor what level of
//! agreement is good enough.
//!
//! Definitions follow `sklearn.metrics.cohen_kappa_score` and Krippendorff (2011), "Computing
//! Krippendorff's Alpha-Reliability", as implemented by the `krippendorff` Python package.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::CodedExcerpt;

/// Agreement of two coders over the same units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Units both coders judged.
    pub units: usize,
    /// Share of units on which the coders gave the same answer, 0–100.
    pub percent_agreement: f64,
    /// Cohen's kappa; `None` when agreement expected by chance is 1, which happens exactly when
    /// both coders gave the same single answer to every unit (say, neither ever applied the
    /// code). Kappa is then 0/0: agreement is complete but says nothing beyond chance.
    pub kappa: Option<f64>,
}

/// Cohen's kappa and percentage agreement of two coders' yes/no judgements, unit by unit.
///
/// Returns `None` when the two slices differ in length or are empty.
pub fn cohen_kappa(a: &[bool], b: &[bool]) -> Option<Agreement> {
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    // Counts are kept as integers so that "expected agreement is 1" is tested exactly.
    let n = a.len() as u128;
    let agreed = a.iter().zip(b).filter(|(x, y)| x == y).count() as u128;
    let a_yes = a.iter().filter(|&&x| x).count() as u128;
    let b_yes = b.iter().filter(|&&x| x).count() as u128;
    // n² · expected agreement: chance that both say yes plus chance that both say no.
    let chance = a_yes * b_yes + (n - a_yes) * (n - b_yes);
    // kappa = (po − pe) / (1 − pe) with po = agreed / n and pe = chance / n².
    let kappa = (chance != n * n)
        .then(|| (n * agreed) as f64 - chance as f64)
        .map(|numerator| numerator / ((n * n - chance) as f64));
    Some(Agreement {
        units: a.len(),
        percent_agreement: 100.0 * agreed as f64 / n as f64,
        kappa,
    })
}

/// Krippendorff's alpha for nominal data.
///
/// `units` holds, for each unit (e.g. one interviewee × code), each coder's value in a fixed
/// coder order, `None` where that coder did not code the unit. Any number of coders is allowed
/// and units may hold different numbers of values. As Krippendorff defines, a unit with fewer
/// than 2 values cannot be paired and is skipped.
///
/// Returns `None` when no unit is pairable, or when expected disagreement is 0 (every pairable
/// value is the same, so there is no variation for agreement to be measured against).
pub fn krippendorff_alpha_nominal<T: Ord>(units: &[Vec<Option<T>>]) -> Option<f64> {
    // Value totals n_c over pairable units, and Σ_{c≠k} o_ck from the coincidence matrix,
    // which for nominal data is Σ_u (m_u² − Σ_c n_uc²) / (m_u − 1).
    let mut totals: BTreeMap<&T, u128> = BTreeMap::new();
    let mut observed_mismatches = 0.0;
    for unit in units {
        let mut counts: BTreeMap<&T, u128> = BTreeMap::new();
        for value in unit.iter().flatten() {
            *counts.entry(value).or_insert(0) += 1;
        }
        let m: u128 = counts.values().sum();
        if m < 2 {
            continue;
        }
        let matching: u128 = counts.values().map(|c| c * c).sum();
        observed_mismatches += (m * m - matching) as f64 / (m - 1) as f64;
        for (value, count) in counts {
            *totals.entry(value).or_insert(0) += count;
        }
    }
    let n: u128 = totals.values().sum();
    // Σ_{c≠k} n_c n_k, kept as an integer so that a zero is exact.
    let expected_mismatches = n * n - totals.values().map(|c| c * c).sum::<u128>();
    if n == 0 || expected_mismatches == 0 {
        return None;
    }
    // alpha = 1 − D_o / D_e with D_o = Σ o_ck / n and D_e = Σ n_c n_k / (n (n − 1)).
    let alpha = 1.0 - (n - 1) as f64 * observed_mismatches / expected_mismatches as f64;
    alpha.is_finite().then_some(alpha)
}

/// One code applied to one respondent's interview by one coder (one row of a long coding
/// sheet; several rows for the same respondent, code and coder mean the same as one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodingRecord {
    pub respondent: String,
    pub code: String,
    pub coder: String,
}

impl CodingRecord {
    /// The record of a coded excerpt; `None` when the sheet did not say who coded it.
    pub fn from_excerpt(excerpt: &CodedExcerpt) -> Option<Self> {
        Some(CodingRecord {
            respondent: excerpt.respondent.clone(),
            code: excerpt.code.clone(),
            coder: excerpt.coder.clone()?,
        })
    }
}

/// Two coders' agreement on one code across the double-coded interviewees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeAgreement {
    pub code: String,
    /// Double-coded interviewees: each is one unit, the code present or absent.
    pub units: usize,
    /// 0–100.
    pub percent_agreement: f64,
    /// Cohen's kappa; `None` for a code that both coders gave to every double-coded
    /// interviewee or to none (e.g. a code nobody used): agreement is then 100% but entirely
    /// expected by chance, and kappa is 0/0.
    pub kappa: Option<f64>,
}

/// Agreement of two coders on the interviews both of them coded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodingAgreement {
    /// The two coders compared, in the order given.
    pub coders: [String; 2],
    /// The double-coded interviewees, in the order given, without repeats.
    pub respondents: Vec<String>,
    /// One entry per code, in the order given.
    pub codes: Vec<CodeAgreement>,
    /// Krippendorff's alpha (nominal) over every interviewee × code unit; `None` when every
    /// unit has the same value (say, one code that both coders gave everyone).
    pub krippendorff_alpha: Option<f64>,
    /// Codes either coder gave a double-coded interviewee that are not in the list of codes,
    /// sorted: they are left out of every figure above, so a misspelt code shows up here.
    pub unlisted_codes: Vec<String>,
}

/// Per-code and overall agreement of `coders` on the `double_coded` interviewees.
///
/// A code counts as present for an interviewee and coder when `records` holds at least one
/// row for them. Rows for other respondents or other coders are not compared. Each code in
/// `codes` is judged for every double-coded interviewee, including codes nobody used.
///
/// Returns `None` when there are no double-coded interviewees or no codes, or when the two
/// coder names are the same.
pub fn per_code_agreement(
    records: &[CodingRecord],
    double_coded: &[impl AsRef<str>],
    coders: (&str, &str),
    codes: &[impl AsRef<str>],
) -> Option<CodingAgreement> {
    let (first, second) = coders;
    if first == second {
        return None;
    }
    let respondents = unique_in_order(double_coded);
    let codes = unique_in_order(codes);
    if respondents.is_empty() || codes.is_empty() {
        return None;
    }

    let mut applied: BTreeSet<(&str, &str, &str)> = BTreeSet::new();
    let mut unlisted: BTreeSet<&str> = BTreeSet::new();
    for record in records {
        let by_a_coder = record.coder == first || record.coder == second;
        if !by_a_coder || !respondents.contains(&record.respondent.as_str()) {
            continue;
        }
        if codes.contains(&record.code.as_str()) {
            applied.insert((
                record.respondent.as_str(),
                record.code.as_str(),
                record.coder.as_str(),
            ));
        } else {
            unlisted.insert(record.code.as_str());
        }
    }
    let presence = |coder: &str, code: &str| -> Vec<bool> {
        respondents
            .iter()
            .map(|&respondent| applied.contains(&(respondent, code, coder)))
            .collect()
    };

    let mut per_code = Vec::with_capacity(codes.len());
    let mut units: Vec<Vec<Option<bool>>> = Vec::with_capacity(codes.len() * respondents.len());
    for &code in &codes {
        let (a, b) = (presence(first, code), presence(second, code));
        let agreement = cohen_kappa(&a, &b)?;
        per_code.push(CodeAgreement {
            code: code.to_string(),
            units: agreement.units,
            percent_agreement: agreement.percent_agreement,
            kappa: agreement.kappa,
        });
        units.extend(a.into_iter().zip(b).map(|(x, y)| vec![Some(x), Some(y)]));
    }

    Some(CodingAgreement {
        coders: [first.to_string(), second.to_string()],
        respondents: respondents.iter().map(|r| r.to_string()).collect(),
        codes: per_code,
        krippendorff_alpha: krippendorff_alpha_nominal(&units),
        unlisted_codes: unlisted.into_iter().map(str::to_string).collect(),
    })
}

/// The names in order of first appearance, without repeats.
fn unique_in_order(names: &[impl AsRef<str>]) -> Vec<&str> {
    let mut seen = Vec::with_capacity(names.len());
    for name in names {
        let name = name.as_ref();
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOLERANCE: f64 = 1e-9;

    fn assert_close(actual: f64, expected: f64, what: &str) {
        assert!(
            (actual - expected).abs() < TOLERANCE,
            "{what}: got {actual}, expected {expected}"
        );
    }

    fn flags(bits: &[u8]) -> Vec<bool> {
        bits.iter().map(|&b| b == 1).collect()
    }

    /// Two coders, 4 interviewees × 13 codes, flattened interviewee by interviewee (1 = code
    /// present). Coder B swapped one code for another on the first interviewee and missed one
    /// on the third: 3 of the 52 units differ.
    const CODER_A: [u8; 52] = [
        1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, // AI01
        1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, // AI02
        0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, // AI03
        1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, // AI04
    ];
    const CODER_B: [u8; 52] = [
        1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, // AI01
        1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, // AI02
        0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, // AI03
        1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, // AI04
    ];

    // Reference: scikit-learn 1.9.1 cohen_kappa_score(a, b) with a = CODER_A, b = CODER_B
    // as lists of 0/1 -> 0.8708609272; numpy mean(a == b) * 100 -> 94.2307692308.
    #[test]
    fn kappa_of_two_coders_on_four_interviewees_by_thirteen_codes() {
        let agreement = cohen_kappa(&flags(&CODER_A), &flags(&CODER_B)).expect("same length");
        assert_eq!(agreement.units, 52);
        assert_close(agreement.percent_agreement, 94.2307692308, "percent");
        assert_close(agreement.kappa.expect("both vary"), 0.8708609272, "kappa");
    }

    // Reference: scikit-learn 1.9.1 cohen_kappa_score(
    //   [T,T,F,T,F,F,T,T,F,T], [T,F,F,T,F,T,T,T,F,F]) -> 0.4 (70% agreement).
    #[test]
    fn kappa_of_ten_judgements() {
        let a = flags(&[1, 1, 0, 1, 0, 0, 1, 1, 0, 1]);
        let b = flags(&[1, 0, 0, 1, 0, 1, 1, 1, 0, 0]);
        let agreement = cohen_kappa(&a, &b).expect("same length");
        assert_close(agreement.percent_agreement, 70.0, "percent");
        assert_close(agreement.kappa.expect("both vary"), 0.4, "kappa");
    }

    // Reference: scikit-learn 1.9.1 cohen_kappa_score([True]*6,
    // [True,True,False,True,True,True]) -> 0.0, and cohen_kappa_score([True]*4, [False]*4)
    // -> 0.0: one coder constant is not enough to make kappa undefined.
    #[test]
    fn kappa_is_zero_when_only_one_coder_is_constant() {
        let agreement = cohen_kappa(&[true; 6], &flags(&[1, 1, 0, 1, 1, 1])).expect("same length");
        assert_eq!(agreement.kappa, Some(0.0));
        let opposite = cohen_kappa(&[true; 4], &[false; 4]).expect("same length");
        assert_eq!(opposite.percent_agreement, 0.0);
        assert_eq!(opposite.kappa, Some(0.0));
    }

    // Reference: scikit-learn 1.9.1 cohen_kappa_score([False]*5, [False]*5) -> nan (with an
    // "undefined" warning): expected agreement is 1.
    #[test]
    fn kappa_is_undefined_when_both_coders_give_the_same_single_answer() {
        let agreement = cohen_kappa(&[false; 5], &[false; 5]).expect("same length");
        assert_eq!(agreement.units, 5);
        assert_eq!(agreement.percent_agreement, 100.0);
        assert_eq!(agreement.kappa, None);
    }

    #[test]
    fn kappa_needs_units_of_equal_number() {
        assert_eq!(cohen_kappa(&[], &[]), None);
        assert_eq!(cohen_kappa(&[true, false], &[true]), None);
    }

    fn units_from_rows<T: Clone>(coders: &[Vec<Option<T>>]) -> Vec<Vec<Option<T>>> {
        let width = coders.first().map_or(0, Vec::len);
        (0..width)
            .map(|u| coders.iter().map(|row| row[u].clone()).collect())
            .collect()
    }

    // Reference: krippendorff 0.9.0 (PyPI) krippendorff.alpha(reliability_data=[a, b],
    // level_of_measurement="nominal") with a = CODER_A, b = CODER_B -> 0.8720496894.
    #[test]
    fn krippendorff_alpha_of_two_coders_on_presence_and_absence() {
        let word = |bit: &u8| Some(if *bit == 1 { "present" } else { "absent" }.to_string());
        let units = units_from_rows(&[
            CODER_A.iter().map(word).collect(),
            CODER_B.iter().map(word).collect(),
        ]);
        let alpha = krippendorff_alpha_nominal(&units).expect("values vary");
        assert_close(alpha, 0.8720496894, "alpha");
    }

    // Reference: krippendorff 0.9.0 krippendorff.alpha(reliability_data=[
    //   [1, 1, 0, 0,      2, 1, nan, 0,   1,   0],
    //   [1, 0, 0, nan,    2, 1, 1,   0,   nan, 0],
    //   [nan, 1, 0, 0,    1, 1, 1,   nan, nan, 2]], level_of_measurement="nominal")
    //   -> 0.5875, with 0 = "absent", 1 = "present", 2 = "unclear". Unit 9 has one value and
    //   is not pairable.
    #[test]
    fn krippendorff_alpha_of_three_coders_with_gaps() {
        let value =
            |v: Option<u8>| v.map(|v| ["absent", "present", "unclear"][usize::from(v)].to_string());
        let (a, p, u, gap) = (Some(0), Some(1), Some(2), None);
        let rows = [
            [p, p, a, a, u, p, gap, a, p, a],
            [p, a, a, gap, u, p, p, a, gap, a],
            [gap, p, a, a, p, p, p, gap, gap, u],
        ];
        let units = units_from_rows(&rows.map(|row| row.map(value).to_vec()));
        let alpha = krippendorff_alpha_nominal(&units).expect("values vary");
        assert_close(alpha, 0.5875, "alpha");
    }

    // Reference: Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", the
    // 4-observer × 12-unit example with missing data, nominal alpha = 0.743; krippendorff
    // 0.9.0 krippendorff.alpha on the same data (np.nan for the gaps) -> 0.7434210526.
    #[test]
    fn krippendorff_alpha_matches_the_published_four_observer_example() {
        // The paper's table, one row per observer; 0 stands for its "." (unit not coded).
        let printed: [[u8; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        let rows = printed.map(|row| row.map(|v| (v != 0).then_some(v)));
        let units = units_from_rows(&rows.map(|row| row.to_vec()));
        let alpha = krippendorff_alpha_nominal(&units).expect("values vary");
        assert_close(alpha, 0.7434210526, "alpha");
    }

    // Reference: krippendorff 0.9.0 krippendorff.alpha(reliability_data=[[0,1,1,0,2],
    // [0,1,1,0,2]], level_of_measurement="nominal") -> 1.0.
    #[test]
    fn krippendorff_alpha_is_one_for_perfect_agreement() {
        let units: Vec<Vec<Option<&str>>> = ["no", "yes", "yes", "no", "unclear"]
            .iter()
            .map(|v| vec![Some(*v), Some(*v)])
            .collect();
        let alpha = krippendorff_alpha_nominal(&units).expect("values vary");
        assert_close(alpha, 1.0, "alpha");
    }

    // Reference: krippendorff 0.9.0 krippendorff.alpha(reliability_data=[[1,1,1],[1,1,nan]],
    // level_of_measurement="nominal") raises ValueError "There has to be more than one value in
    // the domain."; with [[1,1,0],[1,1,nan]] (the 0 stands alone in an unpairable unit) it
    // returns nan. Both: expected disagreement is 0.
    #[test]
    fn krippendorff_alpha_is_undefined_when_expected_disagreement_is_zero() {
        let same = vec![
            vec![Some(1), Some(1)],
            vec![Some(1), Some(1)],
            vec![Some(1), None],
        ];
        assert_eq!(krippendorff_alpha_nominal(&same), None);
        let lone_other = vec![
            vec![Some(1), Some(1)],
            vec![Some(1), Some(1)],
            vec![Some(0), None],
        ];
        assert_eq!(krippendorff_alpha_nominal(&lone_other), None);
    }

    #[test]
    fn krippendorff_alpha_is_undefined_without_pairable_units() {
        let units: Vec<Vec<Option<&str>>> = vec![vec![Some("yes"), None], vec![None, Some("no")]];
        assert_eq!(krippendorff_alpha_nominal(&units), None);
        assert_eq!(krippendorff_alpha_nominal::<&str>(&[]), None);
    }

    const CODES: [&str; 14] = [
        "Reduced isolation",
        "Emotional wellbeing",
        "Self-confidence",
        "Information needs met",
        "Knowledge of disease and treatment",
        "Knowledge of support services",
        "Talking to family and friends",
        "Meeting others in the same situation",
        "Not fitting primary services",
        "Welcoming atmosphere",
        "The facilitator",
        "Open discussion of difficult topics",
        "Death of a group member",
        // In the codebook, given to nobody.
        "Hospice and palliative care",
    ];

    fn record(respondent: &str, code: &str, coder: &str) -> CodingRecord {
        CodingRecord {
            respondent: respondent.to_string(),
            code: code.to_string(),
            coder: coder.to_string(),
        }
    }

    /// The double-coded interviews of the sample data (`examples/make_sample.rs`), one row per
    /// coded excerpt, plus rows that must not be compared.
    fn sample_coding() -> Vec<CodingRecord> {
        let mut rows = Vec::new();
        let coded = [
            (
                "Coder A",
                "AI01",
                &[
                    "Reduced isolation",
                    "Meeting others in the same situation",
                    "Emotional wellbeing",
                    "The facilitator",
                    "Knowledge of disease and treatment",
                ][..],
            ),
            (
                "Coder B",
                "AI01",
                &[
                    "Reduced isolation",
                    "Meeting others in the same situation",
                    "Emotional wellbeing",
                    "The facilitator",
                    "Information needs met",
                ][..],
            ),
            (
                "Coder A",
                "AI02",
                &[
                    "Not fitting primary services",
                    "Meeting others in the same situation",
                    "Reduced isolation",
                    "Talking to family and friends",
                    "Self-confidence",
                ][..],
            ),
            (
                "Coder B",
                "AI02",
                &[
                    "Not fitting primary services",
                    "Meeting others in the same situation",
                    "Talking to family and friends",
                    "Self-confidence",
                ][..],
            ),
            // Two excerpts coded "Death of a group member": one unit, present.
            (
                "Coder A",
                "AI03",
                &[
                    "Death of a group member",
                    "Death of a group member",
                    "Open discussion of difficult topics",
                    "Emotional wellbeing",
                    "Knowledge of support services",
                ][..],
            ),
            (
                "Coder B",
                "AI03",
                &[
                    "Death of a group member",
                    "Death of a group member",
                    "Open discussion of difficult topics",
                    "Emotional wellbeing",
                ][..],
            ),
            (
                "Coder A",
                "AI04",
                &[
                    "Welcoming atmosphere",
                    "Information needs met",
                    "Reduced isolation",
                    "Knowledge of disease and treatment",
                ][..],
            ),
            (
                "Coder B",
                "AI04",
                &[
                    "Welcoming atmosphere",
                    "Information needs met",
                    "Reduced isolation",
                    "Knowledge of disease and treatment",
                ][..],
            ),
            // Single-coded, and a third coder: not compared.
            ("Coder B", "AI05", &["Reduced isolation"][..]),
            ("Coder C", "AI02", &["Hospice and palliative care"][..]),
        ];
        for (coder, respondent, codes) in coded {
            rows.extend(codes.iter().map(|code| record(respondent, code, coder)));
        }
        rows
    }

    // Reference: scikit-learn 1.9.1 cohen_kappa_score(a, b) and numpy mean(a == b) * 100 per
    // code, with a, b = presence (0/1) of the code for AI01..AI04 by Coder A and Coder B as in
    // `sample_coding()`; e.g. "Reduced isolation" a=[1,1,0,1] b=[1,0,0,1] -> 75%, 0.5;
    // "Knowledge of support services" a=[0,0,1,0] b=[0,0,0,0] -> 75%, 0.0; "Hospice and
    // palliative care" a=b=[0,0,0,0] -> 100%, nan. Overall: krippendorff 0.9.0
    // krippendorff.alpha(reliability_data=[ra, rb], level_of_measurement="nominal") over the
    // 56 code × interviewee units (ra, rb the per-code lists concatenated) -> 0.8325791855.
    #[test]
    fn per_code_agreement_on_the_sample_double_coded_interviews() {
        let agreement = per_code_agreement(
            &sample_coding(),
            &["AI01", "AI02", "AI03", "AI04"],
            ("Coder A", "Coder B"),
            &CODES,
        )
        .expect("four double-coded interviewees");

        assert_eq!(agreement.coders, ["Coder A", "Coder B"]);
        assert_eq!(agreement.respondents, ["AI01", "AI02", "AI03", "AI04"]);
        assert!(agreement.unlisted_codes.is_empty());
        assert_close(
            agreement.krippendorff_alpha.expect("values vary"),
            0.8325791855,
            "overall alpha",
        );

        let expected: [(&str, f64, Option<f64>); 14] = [
            ("Reduced isolation", 75.0, Some(0.5)),
            ("Emotional wellbeing", 100.0, Some(1.0)),
            ("Self-confidence", 100.0, Some(1.0)),
            ("Information needs met", 75.0, Some(0.5)),
            ("Knowledge of disease and treatment", 75.0, Some(0.5)),
            ("Knowledge of support services", 75.0, Some(0.0)),
            ("Talking to family and friends", 100.0, Some(1.0)),
            ("Meeting others in the same situation", 100.0, Some(1.0)),
            ("Not fitting primary services", 100.0, Some(1.0)),
            ("Welcoming atmosphere", 100.0, Some(1.0)),
            ("The facilitator", 100.0, Some(1.0)),
            ("Open discussion of difficult topics", 100.0, Some(1.0)),
            ("Death of a group member", 100.0, Some(1.0)),
            ("Hospice and palliative care", 100.0, None),
        ];
        assert_eq!(agreement.codes.len(), expected.len());
        for (got, (code, percent, kappa)) in agreement.codes.iter().zip(expected) {
            assert_eq!(got.code, code);
            assert_eq!(got.units, 4, "{code}");
            assert_close(got.percent_agreement, percent, code);
            match (got.kappa, kappa) {
                (Some(got), Some(expected)) => assert_close(got, expected, code),
                (got, expected) => assert_eq!(got, expected, "{code}"),
            }
        }
    }

    #[test]
    fn codes_outside_the_list_are_reported_not_counted() {
        let records = [
            record("AI01", "Reduced isolation", "Coder A"),
            record("AI01", "Reduced isolaton", "Coder B"),
            record("AI07", "Misc", "Coder B"),
        ];
        let agreement = per_code_agreement(
            &records,
            &["AI01"],
            ("Coder A", "Coder B"),
            &["Reduced isolation"],
        )
        .expect("one interviewee, one code");
        assert_eq!(agreement.unlisted_codes, ["Reduced isolaton"]);
        assert_eq!(agreement.codes[0].percent_agreement, 0.0);
    }

    #[test]
    fn per_code_agreement_needs_interviewees_codes_and_two_coders() {
        let records = sample_coding();
        let none: [&str; 0] = [];
        assert_eq!(
            per_code_agreement(&records, &none, ("Coder A", "Coder B"), &CODES),
            None
        );
        assert_eq!(
            per_code_agreement(&records, &["AI01"], ("Coder A", "Coder B"), &none),
            None
        );
        assert_eq!(
            per_code_agreement(&records, &["AI01"], ("Coder A", "Coder A"), &CODES),
            None
        );
    }

    #[test]
    fn a_coding_record_needs_a_coder() {
        let excerpt = CodedExcerpt {
            respondent: "AI05".to_string(),
            code: "Reduced isolation".to_string(),
            excerpt: None,
            coder: None,
            quotable: false,
            row: 2,
        };
        assert_eq!(CodingRecord::from_excerpt(&excerpt), None);
        let coded = CodedExcerpt {
            coder: Some("Coder B".to_string()),
            ..excerpt
        };
        assert_eq!(
            CodingRecord::from_excerpt(&coded),
            Some(record("AI05", "Reduced isolation", "Coder B"))
        );
    }
}

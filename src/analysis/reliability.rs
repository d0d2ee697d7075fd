//! Internal consistency of a multi-item scale: Cronbach's alpha.
//!
//! A report that sums several survey items into one score (say, five wellbeing statements)
//! should show that the items measure one thing before it trusts the sum. This module computes
//! Cronbach's alpha for such a declared scale, with the per-item figures a reader needs to
//! judge it: each item's mean and standard deviation, its correlation with the rest of the
//! scale, and the alpha the scale would have without it.
//!
//! Missing answers are handled by listwise deletion: only respondents who answered every item
//! are used, and the result says how many were left out. Scores are used as given; this module
//! does not decide which items form a scale, nor what counts as an acceptable alpha.
//!
//! The definitions are those of R's `psych::alpha` (`raw_alpha`, `r.drop` and the `raw_alpha`
//! of `alpha.drop`) and Python's `pingouin.cronbach_alpha`, with sample variances (n − 1).

use serde::Serialize;
use statrs::statistics::Statistics;

/// One item of a scale: its scores, one per respondent, in the same respondent order for every
/// item of the scale (`None` when the respondent did not answer it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemScores {
    pub name: String,
    pub scores: Vec<Option<f64>>,
}

/// How to read a scale's items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlphaOptions {
    /// Names of the items worded the other way round (agreeing means feeling worse); each is
    /// reversed as `min + max − x` before anything is computed.
    pub reverse: Vec<String>,
    /// Lowest score of the scale (e.g. 1 for a 1–5 Likert scale).
    pub min: f64,
    /// Highest score of the scale (e.g. 5 for a 1–5 Likert scale).
    pub max: f64,
}

/// Cronbach's alpha of a scale, with the figures for each item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reliability {
    pub alpha: f64,
    /// Respondents who answered every item: the only ones used (listwise deletion).
    pub n_complete: usize,
    /// Respondents left out because at least one item was unanswered.
    pub n_excluded: usize,
    /// One entry per item, in the order given.
    pub items: Vec<ItemReliability>,
}

/// One item's figures within its scale, computed on the complete respondents after reversal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemReliability {
    pub name: String,
    /// Whether the item was reverse-scored before use.
    pub reversed: bool,
    pub mean: f64,
    /// Sample standard deviation (n − 1).
    pub sd: f64,
    /// Pearson correlation of the item with the sum of the other items (psych's `r.drop`);
    /// `None` when the item, or the sum of the others, has the same value for everyone.
    pub item_rest_correlation: Option<f64>,
    /// Alpha of the scale without this item; `None` for a scale of fewer than 3 items (one
    /// item left has no alpha) or when the remaining items' total does not vary.
    pub alpha_if_dropped: Option<f64>,
}

/// Cronbach's alpha of `items`, reversing the items named in `options.reverse`.
///
/// Only respondents with a finite score on every item are used (listwise deletion); a
/// non-finite score (NaN, infinity) counts as missing.
///
/// Returns `None`, as there is no meaningful alpha, when:
/// - there are fewer than 2 items, or the items hold different numbers of respondents;
/// - fewer than 2 respondents answered every item;
/// - every complete respondent has the same total (zero total variance);
/// - a name in `options.reverse` is not an item's name (a typo would otherwise silently leave
///   an item unreversed);
/// - items are to be reversed but `min`/`max` are not finite with `min < max`, or a reversed
///   item holds a score outside `[min, max]` (reversal would give a score off the scale).
pub fn cronbach_alpha(items: &[ItemScores], options: &AlphaOptions) -> Option<Reliability> {
    let respondents = items.first()?.scores.len();
    if items.len() < 2 || items.iter().any(|item| item.scores.len() != respondents) {
        return None;
    }
    if !options
        .reverse
        .iter()
        .all(|name| items.iter().any(|item| &item.name == name))
    {
        return None;
    }
    let reversed: Vec<bool> = items
        .iter()
        .map(|item| options.reverse.contains(&item.name))
        .collect();
    let reversing = reversed.iter().any(|&r| r);
    if reversing
        && !(options.min.is_finite() && options.max.is_finite() && options.min < options.max)
    {
        return None;
    }

    let complete: Vec<usize> = (0..respondents)
        .filter(|&i| {
            items
                .iter()
                .all(|item| matches!(item.scores[i], Some(x) if x.is_finite()))
        })
        .collect();
    let n_complete = complete.len();
    if n_complete < 2 {
        return None;
    }

    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(items.len());
    for (item, &reverse) in items.iter().zip(&reversed) {
        let mut column = Vec::with_capacity(n_complete);
        for &i in &complete {
            let x = item.scores[i]?;
            if reverse {
                if x < options.min || x > options.max {
                    return None;
                }
                column.push(options.min + options.max - x);
            } else {
                column.push(x);
            }
        }
        columns.push(column);
    }

    let all: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
    let alpha = alpha_of(&all)?;
    let totals = row_totals(&all);

    let item_figures = items
        .iter()
        .zip(&reversed)
        .enumerate()
        .map(|(j, (item, &reversed))| {
            let column = &columns[j];
            let rest: Vec<f64> = totals.iter().zip(column).map(|(t, x)| t - x).collect();
            let others: Vec<&[f64]> = all
                .iter()
                .enumerate()
                .filter(|&(other, _)| other != j)
                .map(|(_, c)| *c)
                .collect();
            ItemReliability {
                name: item.name.clone(),
                reversed,
                mean: column.mean(),
                sd: column.std_dev(),
                item_rest_correlation: pearson(column, &rest),
                alpha_if_dropped: if others.len() >= 2 {
                    alpha_of(&others)
                } else {
                    None
                },
            }
        })
        .collect();

    Some(Reliability {
        alpha,
        n_complete,
        n_excluded: respondents - n_complete,
        items: item_figures,
    })
}

/// Each respondent's total over `columns` (all of the same length).
fn row_totals(columns: &[&[f64]]) -> Vec<f64> {
    let n = columns.first().map_or(0, |c| c.len());
    (0..n)
        .map(|i| columns.iter().map(|column| column[i]).sum())
        .collect()
}

/// `k / (k − 1) · (1 − Σ item variances / variance of totals)`; `None` for fewer than 2
/// items or when the totals do not vary.
fn alpha_of(columns: &[&[f64]]) -> Option<f64> {
    let k = columns.len();
    if k < 2 {
        return None;
    }
    let total_variance = row_totals(columns).variance();
    if total_variance.is_nan() || total_variance <= 0.0 {
        return None;
    }
    let item_variances: f64 = columns.iter().map(|column| column.variance()).sum();
    let alpha = k as f64 / (k as f64 - 1.0) * (1.0 - item_variances / total_variance);
    alpha.is_finite().then_some(alpha)
}

/// Pearson correlation; `None` when either side does not vary.
fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let (sd_x, sd_y) = (x.std_dev(), y.std_dev());
    if sd_x.is_nan() || sd_y.is_nan() || sd_x <= 0.0 || sd_y <= 0.0 {
        return None;
    }
    let r = x.covariance(y) / (sd_x * sd_y);
    r.is_finite().then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOLERANCE: f64 = 1e-9;

    fn item(name: &str, scores: &[Option<f64>]) -> ItemScores {
        ItemScores {
            name: name.to_string(),
            scores: scores.to_vec(),
        }
    }

    fn likert(reverse: &[&str]) -> AlphaOptions {
        AlphaOptions {
            reverse: reverse.iter().map(|s| s.to_string()).collect(),
            min: 1.0,
            max: 5.0,
        }
    }

    fn assert_close(actual: f64, expected: f64, what: &str) {
        assert!(
            (actual - expected).abs() < TOLERANCE,
            "{what}: got {actual}, expected {expected}"
        );
    }

    /// Five wellbeing statements (1–5), twelve respondents; "isolated" is worded the other way
    /// round; respondent 5 skipped "confident" and respondent 10 skipped "isolated".
    fn wellbeing_scale() -> Vec<ItemScores> {
        const N: Option<f64> = None;
        let s = |v: f64| Some(v);
        vec![
            item(
                "calm",
                &[4., 3., 5., 2., 4., 3., 4., 5., 2., 3., 4., 1.].map(s),
            ),
            item(
                "hopeful",
                &[4., 2., 5., 2., 3., 3., 5., 4., 1., 3., 4., 2.].map(s),
            ),
            item(
                "isolated",
                &[
                    s(3.),
                    s(4.),
                    s(2.),
                    s(3.),
                    s(2.),
                    s(2.),
                    s(1.),
                    s(4.),
                    s(4.),
                    N,
                    s(3.),
                    s(5.),
                ],
            ),
            item(
                "confident",
                &[
                    s(3.),
                    s(4.),
                    s(4.),
                    s(1.),
                    N,
                    s(2.),
                    s(3.),
                    s(5.),
                    s(3.),
                    s(4.),
                    s(2.),
                    s(2.),
                ],
            ),
            item(
                "cope",
                &[5., 3., 3., 2., 4., 4., 4., 3., 2., 3., 5., 3.].map(s),
            ),
        ]
    }

    // Reference: Python 3.11, pingouin 0.7.0 and pandas 3.1.1, on the data of
    // `wellbeing_scale()` as a DataFrame with np.nan for the two gaps, rows with a gap dropped
    // (`df.dropna()`, 10 left) and `isolated` replaced by `1 + 5 - isolated`:
    //   alpha          pingouin.cronbach_alpha(comp)[0]                    -> 0.8044365120
    //                  (the same with nan_policy="listwise" on the raw frame)
    //   mean, sd       comp[c].mean(), comp[c].std(ddof=1)
    //   item-rest r    comp[c].corr(comp.drop(columns=c).sum(axis=1))
    //   alpha if drop  pingouin.cronbach_alpha(comp.drop(columns=c))[0]
    #[test]
    fn five_item_likert_scale_with_a_reversed_item_and_two_incomplete_respondents() {
        let result = cronbach_alpha(&wellbeing_scale(), &likert(&["isolated"]))
            .expect("a varied scale has an alpha");

        assert_close(result.alpha, 0.8044365120, "alpha");
        assert_eq!(result.n_complete, 10);
        assert_eq!(result.n_excluded, 2);

        // name, mean, sd, item-rest correlation, alpha if dropped
        let expected = [
            ("calm", 3.3, 1.3374935098, 0.8891275488, 0.6591478697),
            ("hopeful", 3.2, 1.3984117976, 0.8946750578, 0.6530081301),
            ("isolated", 2.9, 1.1972189997, 0.4866725521, 0.7966101695),
            ("confident", 2.9, 1.1972189997, 0.2838814455, 0.8510998308),
            ("cope", 3.4, 1.0749676998, 0.4505188704, 0.8047968021),
        ];
        assert_eq!(result.items.len(), expected.len());
        for (got, (name, mean, sd, r_drop, alpha_drop)) in result.items.iter().zip(expected) {
            assert_eq!(got.name, name);
            assert_eq!(got.reversed, name == "isolated");
            assert_close(got.mean, mean, &format!("{name} mean"));
            assert_close(got.sd, sd, &format!("{name} sd"));
            let r = got.item_rest_correlation.expect("items vary");
            assert_close(r, r_drop, &format!("{name} item-rest r"));
            let a = got.alpha_if_dropped.expect("four items remain");
            assert_close(a, alpha_drop, &format!("{name} alpha if dropped"));
        }
    }

    // Reference: pingouin 0.7.0 cronbach_alpha(pd.DataFrame({"a": [3,4,2,5,4,1,3],
    // "b": [2,4,3,5,5,2,3]}))[0] -> 0.9090909091; pandas 3.1.1 two["a"].corr(two["b"])
    // -> 0.8346223261; two["a"].std(ddof=1) -> 1.3451854183, two["b"].std(ddof=1)
    // -> 1.2724180206.
    #[test]
    fn two_item_scale_has_an_alpha_but_no_alpha_if_dropped() {
        let s = |v: f64| Some(v);
        let items = [
            item("a", &[3., 4., 2., 5., 4., 1., 3.].map(s)),
            item("b", &[2., 4., 3., 5., 5., 2., 3.].map(s)),
        ];
        let result = cronbach_alpha(&items, &likert(&[])).expect("two varied items");

        assert_close(result.alpha, 0.9090909091, "alpha");
        assert_eq!((result.n_complete, result.n_excluded), (7, 0));
        assert_close(result.items[0].mean, 3.1428571429, "a mean");
        assert_close(result.items[0].sd, 1.3451854183, "a sd");
        assert_close(result.items[1].mean, 3.4285714286, "b mean");
        assert_close(result.items[1].sd, 1.2724180206, "b sd");
        for figures in &result.items {
            let r = figures.item_rest_correlation.expect("both vary");
            assert_close(r, 0.8346223261, "item-rest r");
            assert_eq!(figures.alpha_if_dropped, None);
        }
    }

    #[test]
    fn identical_responses_have_no_alpha() {
        let items = [
            item("calm", &[Some(3.0); 6]),
            item("hopeful", &[Some(3.0); 6]),
            item("cope", &[Some(3.0); 6]),
        ];
        assert_eq!(cronbach_alpha(&items, &likert(&[])), None);
    }

    #[test]
    fn one_respondent_has_no_alpha() {
        let items = [item("calm", &[Some(4.0)]), item("hopeful", &[Some(2.0)])];
        assert_eq!(cronbach_alpha(&items, &likert(&[])), None);
    }

    #[test]
    fn one_complete_respondent_after_listwise_deletion_has_no_alpha() {
        let items = [
            item("calm", &[Some(4.0), None, Some(2.0)]),
            item("hopeful", &[Some(2.0), Some(5.0), None]),
        ];
        assert_eq!(cronbach_alpha(&items, &likert(&[])), None);
    }

    #[test]
    fn fewer_than_two_items_or_no_items_have_no_alpha() {
        assert_eq!(cronbach_alpha(&[], &likert(&[])), None);
        let one = [item("calm", &[Some(4.0), Some(2.0), Some(5.0)])];
        assert_eq!(cronbach_alpha(&one, &likert(&[])), None);
    }

    #[test]
    fn items_of_different_lengths_have_no_alpha() {
        let items = [
            item("calm", &[Some(4.0), Some(2.0), Some(5.0)]),
            item("hopeful", &[Some(4.0), Some(2.0)]),
        ];
        assert_eq!(cronbach_alpha(&items, &likert(&[])), None);
    }

    #[test]
    fn a_reverse_name_that_matches_no_item_is_refused_rather_than_ignored() {
        assert_eq!(
            cronbach_alpha(&wellbeing_scale(), &likert(&["isolation"])),
            None
        );
    }

    #[test]
    fn a_reversed_score_off_the_scale_is_refused() {
        let items = [
            item("calm", &[Some(4.0), Some(2.0), Some(5.0)]),
            item("isolated", &[Some(2.0), Some(7.0), Some(1.0)]),
        ];
        assert_eq!(cronbach_alpha(&items, &likert(&["isolated"])), None);
    }

    #[test]
    fn a_non_finite_score_counts_as_missing() {
        let mut items = wellbeing_scale();
        // Respondent 1 gets a NaN: now three respondents are incomplete.
        items[0].scores[0] = Some(f64::NAN);
        let result = cronbach_alpha(&items, &likert(&["isolated"])).expect("still varied");
        assert_eq!((result.n_complete, result.n_excluded), (9, 3));
        assert!(result.alpha.is_finite());
    }

    #[test]
    fn an_item_that_does_not_vary_has_no_item_rest_correlation() {
        // Total varies, so alpha exists; "calm" is constant, so its correlation is undefined.
        let s = |v: f64| Some(v);
        let items = [
            item("calm", &[3., 3., 3., 3.].map(s)),
            item("hopeful", &[1., 2., 4., 5.].map(s)),
            item("cope", &[2., 2., 5., 4.].map(s)),
        ];
        let result = cronbach_alpha(&items, &likert(&[])).expect("totals vary");
        assert_eq!(result.items[0].item_rest_correlation, None);
        assert!(result.items[1].item_rest_correlation.is_some());
    }
}

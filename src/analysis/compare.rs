//! Comparing a proportion between two evaluation waves, without over-claiming from small
//! samples.
//!
//! For one benefit × source, the baseline wave found `n1` of `N1` and the current wave `n2` of
//! `N2`. The comparison gives the difference `p2 − p1` with Newcombe's hybrid score interval,
//! a test of "no difference" (Fisher's exact test when any expected count of the 2 × 2 table is
//! below 5, otherwise the pooled two-proportion z-test), and Cohen's h as an effect size.
//! p-values across a report are adjusted with Holm's method ([`holm`]). For the same people
//! asked twice, [`mcnemar_exact`] is the test on the discordant pairs.

use statrs::distribution::{
    Binomial, ContinuousCDF, Discrete, DiscreteCDF, Hypergeometric, Normal,
};

use super::interval::wilson_interval;

/// Which test a comparison used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TestKind {
    /// Fisher's exact test, two-sided (R's `fisher.test`): some expected count is below 5.
    FisherExact,
    /// The pooled two-proportion z-test (R's `prop.test(correct = FALSE)`).
    PooledZ,
    /// McNemar's exact test on discordant pairs: the same respondents in both waves.
    McNemarExact,
}

impl TestKind {
    /// The name written in `comparison.csv`.
    pub fn name(self) -> &'static str {
        match self {
            TestKind::FisherExact => "fisher_exact",
            TestKind::PooledZ => "two_proportion_z",
            TestKind::McNemarExact => "mcnemar_exact",
        }
    }
}

/// The statistics of one unpaired comparison; proportions as fractions in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProportionComparison {
    /// `p2 − p1`: current minus baseline.
    pub difference: f64,
    /// Newcombe's hybrid score interval for the difference.
    pub ci_low: f64,
    pub ci_high: f64,
    pub test: TestKind,
    pub p_value: f64,
    /// Cohen's h, current minus baseline.
    pub cohens_h: f64,
}

/// Compares `n1` of `total1` (baseline) with `n2` of `total2` (current). `None` when either
/// total is 0 or a count exceeds its total.
pub fn compare_proportions(
    (n1, total1): (u64, u64),
    (n2, total2): (u64, u64),
    confidence: f64,
) -> Option<ProportionComparison> {
    if total1 == 0 || total2 == 0 || n1 > total1 || n2 > total2 {
        return None;
    }
    let (ci_low, ci_high) = newcombe_interval((n1, total1), (n2, total2), confidence)?;
    let (p1, p2) = (n1 as f64 / total1 as f64, n2 as f64 / total2 as f64);
    let (test, p_value) = if min_expected_count((n1, total1), (n2, total2)) < 5.0 {
        (
            TestKind::FisherExact,
            fisher_exact(n1, total1 - n1, n2, total2 - n2),
        )
    } else {
        (TestKind::PooledZ, pooled_z_test((n1, total1), (n2, total2)))
    };
    Some(ProportionComparison {
        difference: p2 - p1,
        ci_low,
        ci_high,
        test,
        p_value,
        cohens_h: cohens_h(p1, p2),
    })
}

/// Compares the same people in two waves: `both` reported the benefit both times, `lost` only
/// at baseline, `gained` only now, `neither` at neither. The difference is
/// `(gained − lost) / pairs` with Newcombe's square-and-add interval for paired proportions
/// (his 1998 method 10, with its correction to the correlation), and the test is McNemar's
/// exact test on the `lost + gained` people who changed. `None` when there are no pairs.
pub fn compare_paired(
    both: u64,
    lost: u64,
    gained: u64,
    neither: u64,
    confidence: f64,
) -> Option<ProportionComparison> {
    let pairs = both + lost + gained + neither;
    if pairs == 0 {
        return None;
    }
    let n = pairs as f64;
    let (then, now) = (both + lost, both + gained);
    let (p1, p2) = (then as f64 / n, now as f64 / n);
    let w1 = wilson_interval(then, pairs, confidence)?;
    let w2 = wilson_interval(now, pairs, confidence)?;
    // Newcombe's correlation estimate, corrected towards 0 as he recommends.
    let margins = [then, pairs - then, now, pairs - now];
    let phi = if margins.contains(&0) {
        0.0
    } else {
        let product: f64 = margins.iter().map(|&m| m as f64).product();
        let a = both as f64 * neither as f64 - lost as f64 * gained as f64;
        let corrected = if a > n / 2.0 {
            a - n / 2.0
        } else if a >= 0.0 {
            0.0
        } else {
            a
        };
        corrected / product.sqrt()
    };
    let d = p2 - p1;
    let (down2, up1) = (p2 - w2.low, w1.high - p1);
    let (up2, down1) = (w2.high - p2, p1 - w1.low);
    let low = d
        - (down2 * down2 + up1 * up1 - 2.0 * phi * down2 * up1)
            .max(0.0)
            .sqrt();
    let high = d
        + (up2 * up2 + down1 * down1 - 2.0 * phi * up2 * down1)
            .max(0.0)
            .sqrt();
    Some(ProportionComparison {
        difference: d,
        ci_low: low.max(-1.0),
        ci_high: high.min(1.0),
        test: TestKind::McNemarExact,
        p_value: mcnemar_exact(lost, gained),
        cohens_h: cohens_h(p1, p2),
    })
}

/// The smallest expected count of the 2 × 2 table under "no difference".
pub fn min_expected_count((n1, total1): (u64, u64), (n2, total2): (u64, u64)) -> f64 {
    let grand = (total1 + total2) as f64;
    let yes = (n1 + n2) as f64;
    let no = grand - yes;
    [total1 as f64, total2 as f64]
        .into_iter()
        .flat_map(|row| [row * yes / grand, row * no / grand])
        .fold(f64::INFINITY, f64::min)
}

/// Newcombe's hybrid score interval (his method 10, 1998) for `p2 − p1`, built from the two
/// Wilson intervals at `confidence`.
pub fn newcombe_interval(
    (n1, total1): (u64, u64),
    (n2, total2): (u64, u64),
    confidence: f64,
) -> Option<(f64, f64)> {
    let w1 = wilson_interval(n1, total1, confidence)?;
    let w2 = wilson_interval(n2, total2, confidence)?;
    let (p1, p2) = (n1 as f64 / total1 as f64, n2 as f64 / total2 as f64);
    let d = p2 - p1;
    let low = d - ((p2 - w2.low).powi(2) + (w1.high - p1).powi(2)).sqrt();
    let high = d + ((w2.high - p2).powi(2) + (p1 - w1.low).powi(2)).sqrt();
    Some((low.max(-1.0), high.min(1.0)))
}

/// The two-sided p-value of the pooled two-proportion z-test. 1 when both proportions are 0
/// or both are 1 (no variation to test).
pub fn pooled_z_test((n1, total1): (u64, u64), (n2, total2): (u64, u64)) -> f64 {
    let (t1, t2) = (total1 as f64, total2 as f64);
    let pooled = (n1 + n2) as f64 / (t1 + t2);
    let se = (pooled * (1.0 - pooled) * (1.0 / t1 + 1.0 / t2)).sqrt();
    if se == 0.0 || !se.is_finite() {
        return 1.0;
    }
    let z = (n2 as f64 / t2 - n1 as f64 / t1) / se;
    let standard = Normal::standard();
    (2.0 * (1.0 - standard.cdf(z.abs()))).clamp(0.0, 1.0)
}

/// Fisher's exact test, two-sided, for the table `[[a, b], [c, d]]`: the probability of every
/// table with the same margins that is no more likely than the one observed (as R's
/// `fisher.test`, with its relative tolerance of 1e-7 for ties).
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let total = a + b + c + d;
    let row1 = a + b;
    let col1 = a + c;
    if total == 0 {
        return 1.0;
    }
    // The count in the top-left cell follows a hypergeometric law: population `total`,
    // `col1` successes, `row1` draws.
    let Ok(law) = Hypergeometric::new(total, col1, row1) else {
        return 1.0;
    };
    let low = (row1 + col1).saturating_sub(total);
    let high = row1.min(col1);
    // In logs, so tables of thousands do not overflow the binomial coefficients.
    let log_observed = law.ln_pmf(a);
    let log_limit = log_observed + 1e-7_f64.ln_1p();
    let p: f64 = (low..=high)
        .map(|x| law.ln_pmf(x))
        .filter(|&log_prob| log_prob <= log_limit)
        .map(f64::exp)
        .sum();
    p.min(1.0)
}

/// McNemar's exact test, two-sided: `b` people changed one way, `c` the other. The p-value
/// is twice the smaller binomial tail at ½, capped at 1 (R's `exact2x2::mcnemar.exact`, and
/// `binom.test(b, b + c)`).
pub fn mcnemar_exact(b: u64, c: u64) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let Ok(law) = Binomial::new(0.5, n) else {
        return 1.0;
    };
    (2.0 * law.cdf(b.min(c))).min(1.0)
}

/// Cohen's h for two proportions: `2·asin(√p2) − 2·asin(√p1)`.
pub fn cohens_h(p1: f64, p2: f64) -> f64 {
    2.0 * p2.sqrt().asin() - 2.0 * p1.sqrt().asin()
}

/// Cohen's conventional label for |h|: below 0.2 negligible, then small, medium (0.5) and
/// large (0.8).
pub fn cohens_h_label(h: f64) -> &'static str {
    match h.abs() {
        x if x < 0.2 => "negligible",
        x if x < 0.5 => "small",
        x if x < 0.8 => "medium",
        _ => "large",
    }
}

/// Holm's step-down adjustment of a family of p-values (R's `p.adjust(method = "holm")`).
/// `None` entries (comparisons not made) are left out of the family and stay `None`.
pub fn holm(p_values: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<usize> = (0..p_values.len())
        .filter(|&i| p_values[i].is_some())
        .collect();
    order.sort_by(|&i, &j| {
        p_values[i]
            .partial_cmp(&p_values[j])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(i.cmp(&j))
    });
    let m = order.len();
    let mut adjusted = vec![None; p_values.len()];
    let mut running_max: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        let p = p_values[i].unwrap_or(1.0);
        running_max = running_max.max(((m - rank) as f64 * p).min(1.0));
        adjusted[i] = Some(running_max);
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    /// statsmodels 0.15.0 `mcnemar([[59, 6], [16, 80]], exact=True).pvalue`.
    const MCNEMAR_CAVO: f64 = 0.052_478_790_283_203_125;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    // Reference values: scipy 1.17.1 and statsmodels 0.15.0 —
    //   proportions_ztest([n2, n1], [N2, N1]) (pooled),
    //   confint_proportions_2indep(n2, N2, n1, N1, method="newcomb", compare="diff"),
    //   scipy.stats.fisher_exact([[n1, N1 - n1], [n2, N2 - n2]]),
    //   2*arcsin(sqrt(p2)) - 2*arcsin(sqrt(p1)).

    #[test]
    fn large_samples_use_the_pooled_z_test() {
        let c = compare_proportions((60, 90), (77, 91), 0.95).unwrap();
        assert_eq!(c.test, TestKind::PooledZ);
        assert!(close(c.p_value, 0.004_882_678_824_52, 1e-10), "{c:?}");
        assert!(close(c.ci_low, 0.054_488_060_227_6, 1e-9), "{c:?}");
        assert!(close(c.ci_high, 0.298_174_816_496, 1e-9), "{c:?}");
        assert!(close(c.cohens_h, 0.424_845_268_409, 1e-9), "{c:?}");
        assert!(close(c.difference, 77.0 / 91.0 - 60.0 / 90.0, 1e-12));

        let c = compare_proportions((4, 15), (11, 20), 0.95).unwrap();
        assert_eq!(c.test, TestKind::PooledZ, "smallest expected count is 6.4");
        assert!(close(c.p_value, 0.093_694_597_982_1, 1e-10), "{c:?}");
        assert!(close(c.ci_low, -0.044_012_652_076_1, 1e-9), "{c:?}");
        assert!(close(c.ci_high, 0.531_637_321_455, 1e-9), "{c:?}");
        assert!(close(c.cohens_h, 0.585_685_543_457, 1e-9), "{c:?}");

        let c = compare_proportions((2, 1000), (9, 1000), 0.95).unwrap();
        assert_eq!(c.test, TestKind::PooledZ, "smallest expected count is 5.5");
        assert!(close(c.p_value, 0.034_310_159_860_2, 1e-10), "{c:?}");
        assert!(close(c.ci_low, 0.000_230_421_433_54, 1e-9), "{c:?}");
        assert!(close(c.ci_high, 0.015_146_149_043, 1e-9), "{c:?}");
    }

    #[test]
    fn small_expected_counts_switch_to_fishers_exact_test() {
        let c = compare_proportions((0, 10), (7, 10), 0.95).unwrap();
        assert_eq!(c.test, TestKind::FisherExact, "expected count 3.5");
        assert!(close(c.p_value, 0.003_095_975_232_2, 1e-10), "{c:?}");
        assert!(close(c.ci_low, 0.288_942_891_003, 1e-9), "{c:?}");
        assert!(close(c.ci_high, 0.892_208_732_594, 1e-9), "{c:?}");
        assert!(close(c.cohens_h, 1.982_313_172_86, 1e-9), "{c:?}");

        // Everyone in both waves: nothing to test, p = 1 (the z-test would divide by zero).
        let c = compare_proportions((12, 12), (13, 13), 0.95).unwrap();
        assert_eq!(c.test, TestKind::FisherExact);
        assert!(close(c.p_value, 1.0, 1e-12));
        assert!(close(c.ci_low, -0.228_095_372_354, 1e-9), "{c:?}");
        assert!(close(c.ci_high, 0.242_494_006_655, 1e-9), "{c:?}");
    }

    #[test]
    fn fishers_exact_test_matches_scipy_on_small_and_large_tables() {
        assert!(close(fisher_exact(4, 11, 11, 9), 0.167_189_792_201, 1e-10));
        assert!(close(
            fisher_exact(2, 998, 9, 991),
            0.064_704_957_915_8,
            1e-10
        ));
        assert!(close(fisher_exact(0, 10, 7, 3), 0.003_095_975_232_2, 1e-10));
    }

    /// Fagerland, Lydersen & Laake, *Statistical Analysis of Contingency Tables* (2017),
    /// chapter 8, Cavo et al. (2012): the table [[59, 6], [16, 80]] (rows before, columns
    /// after). Their R package `contingencytables` gives the Newcombe square-and-add interval
    /// for before − after as −0.0621 (−0.1186 to −0.0046); after − before is its mirror.
    /// McNemar's exact p-value from statsmodels `mcnemar([[59, 6], [16, 80]], exact=True)`.
    #[test]
    fn paired_comparisons_match_the_published_example() {
        let c = compare_paired(59, 6, 16, 80, 0.95).unwrap();
        assert_eq!(c.test, TestKind::McNemarExact);
        assert!(close(c.difference, 10.0 / 161.0, 1e-12), "{c:?}");
        assert!(close(c.ci_low, 0.0046, 5e-5), "{c:?}");
        assert!(close(c.ci_high, 0.1186, 5e-5), "{c:?}");
        assert!(close(c.p_value, MCNEMAR_CAVO, 1e-12), "{c:?}");
        assert!(compare_paired(0, 0, 0, 0, 0.95).is_none());
        // Nobody changed: no difference, p = 1, an interval around 0.
        let c = compare_paired(10, 0, 0, 10, 0.95).unwrap();
        assert!(close(c.difference, 0.0, 1e-12) && close(c.p_value, 1.0, 1e-12));
        assert!(c.ci_low < 0.0 && c.ci_high > 0.0, "{c:?}");
    }

    /// statsmodels `mcnemar([[20, b], [c, 30]], exact=True).pvalue`.
    #[test]
    fn mcnemars_exact_test_matches_statsmodels() {
        assert!(close(mcnemar_exact(3, 11), 0.057_373_046_875, 1e-12));
        assert!(close(mcnemar_exact(5, 5), 1.0, 1e-12));
        assert!(close(mcnemar_exact(0, 0), 1.0, 1e-12));
    }

    /// statsmodels `multipletests([0.01, 0.04, 0.03, 0.2, 0.0001], method="holm")`.
    #[test]
    fn holm_matches_statsmodels() {
        let adjusted = holm(&[Some(0.01), Some(0.04), Some(0.03), Some(0.2), Some(0.0001)]);
        let expected = [0.04, 0.09, 0.09, 0.2, 0.0005];
        for (a, e) in adjusted.iter().zip(expected) {
            assert!(close(a.unwrap(), e, 1e-12), "{adjusted:?}");
        }
    }

    #[test]
    fn cohens_h_labels_follow_cohens_conventions() {
        assert_eq!(cohens_h_label(0.1), "negligible");
        assert_eq!(cohens_h_label(-0.3), "small");
        assert_eq!(cohens_h_label(0.5), "medium");
        assert_eq!(cohens_h_label(-0.9), "large");
        assert!(close(cohens_h(0.5, 0.5), 0.0, 1e-12));
    }

    #[test]
    fn holm_leaves_missing_comparisons_out_of_the_family() {
        let adjusted = holm(&[Some(0.01), None, Some(0.04), Some(0.03)]);
        assert_eq!(adjusted[1], None);
        // p.adjust(c(0.01, 0.04, 0.03), "holm") = 0.03 0.06 0.06
        assert!(close(adjusted[0].unwrap(), 0.03, 1e-12));
        assert!(close(adjusted[2].unwrap(), 0.06, 1e-12));
        assert!(close(adjusted[3].unwrap(), 0.06, 1e-12));
    }

    #[test]
    fn impossible_counts_give_no_comparison() {
        assert!(compare_proportions((3, 0), (1, 5), 0.95).is_none());
        assert!(compare_proportions((6, 5), (1, 5), 0.95).is_none());
    }
}

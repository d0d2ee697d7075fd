//! Intervals for proportions.

use statrs::distribution::{ContinuousCDF, Normal};

/// A proportion's confidence interval, as fractions in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// The two-sided normal quantile for `confidence` (1.959964 for 0.95).
pub fn normal_quantile(confidence: f64) -> Option<f64> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let standard = Normal::standard();
    Some(standard.inverse_cdf(1.0 - (1.0 - confidence) / 2.0))
}

/// The Wilson score interval for `n` successes out of `total` at `confidence`.
///
/// Wilson's interval keeps its coverage near the nominal level for the small samples and
/// extreme proportions an evaluation has (20 interviews; 19 of 20 agreeing), where the
/// textbook Wald interval does not, and it never leaves 0..=1. `None` when `total` is 0.
pub fn wilson_interval(n: u64, total: u64, confidence: f64) -> Option<Interval> {
    if total == 0 || n > total {
        return None;
    }
    let z = normal_quantile(confidence)?;
    let (n, total) = (n as f64, total as f64);
    let p = n / total;
    let z2 = z * z;
    let denominator = 1.0 + z2 / total;
    let centre = (p + z2 / (2.0 * total)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / total + z2 / (4.0 * total * total)).sqrt();
    // At n = 0 (n = N) the lower (upper) bound is exactly 0 (1); say so rather than leave
    // a rounding residue like 5.6e-17 in a published table.
    Some(Interval {
        low: if n == 0.0 {
            0.0
        } else {
            (centre - half).clamp(0.0, 1.0)
        },
        high: if n == total {
            1.0
        } else {
            (centre + half).clamp(0.0, 1.0)
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values: statsmodels 0.15.0
    /// `proportion_confint(x, n, alpha=1-confidence, method="wilson")`.
    #[test]
    fn wilson_matches_statsmodels() {
        let cases = [
            (0, 20, 0.95, 0.0, 0.16112515805281938),
            (20, 20, 0.95, 0.8388748419471806, 1.0),
            (1, 1, 0.95, 0.20654931437723745, 1.0),
            (77, 92, 0.95, 0.7482715701531195, 0.8986301022848311),
            (11, 20, 0.95, 0.34208534245034233, 0.7418021417443759),
            (3, 7, 0.95, 0.15821985525146975, 0.7495416354723428),
            (77, 92, 0.90, 0.7641555719462122, 0.8905051558078284),
            (11, 20, 0.99, 0.2889311331244482, 0.7861583267656764),
        ];
        for (n, total, confidence, low, high) in cases {
            let i = wilson_interval(n, total, confidence).unwrap();
            assert!(
                (i.low - low).abs() < 1e-9,
                "{n}/{total}: {} vs {low}",
                i.low
            );
            assert!(
                (i.high - high).abs() < 1e-9,
                "{n}/{total}: {} vs {high}",
                i.high
            );
        }
    }

    #[test]
    fn no_interval_without_a_denominator() {
        assert_eq!(wilson_interval(0, 0, 0.95), None);
        assert_eq!(wilson_interval(3, 2, 0.95), None);
        assert_eq!(wilson_interval(1, 2, 1.0), None);
    }

    /// qnorm(0.975) in R is 1.959963984540054.
    #[test]
    fn quantile_is_the_normal_one() {
        assert!((normal_quantile(0.95).unwrap() - 1.959963984540054).abs() < 1e-9);
    }
}

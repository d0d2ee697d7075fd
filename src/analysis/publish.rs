//! Results made fit to publish: small numbers hidden, and whatever would reveal them.
//!
//! The analysis keeps every figure (tests check them against reference values); this module
//! decides what a published table may show under the spec's `[privacy] min_cell`. A benefit
//! tally hides `n`, the percent and the interval when `n` or `N − n` is small (1 to k−1),
//! and `N` too when `N` is small. A breakdown (by locality, say) is a table whose rows are the
//! attribute's values and whose columns are "showed the benefit" and "did not", with the
//! overall tally as its totals; secondary suppression makes sure the overall figures cannot be
//! used to work back to a hidden cell.

use super::suppression::{is_small, proportion_suppression, suppress_table};
use super::tallies::BenefitTally;

/// A tally row as published: `None` where a figure is hidden.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PublishedTally {
    pub benefit: String,
    pub label: String,
    pub source: String,
    pub group: String,
    pub by: Option<String>,
    pub by_value: Option<String>,
    pub n: Option<u64>,
    #[serde(rename = "N")]
    pub total: Option<u64>,
    pub percent: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// True when any figure of the row is hidden.
    pub suppressed: bool,
    /// Why, for wording the report ("fewer than 5"); not a published column.
    #[serde(skip)]
    pub hidden: Option<Hidden>,
}

/// Why a published figure is hidden: the report words each differently, and truthfully.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// `n` is from 1 to k−1: "fewer than k".
    Small,
    /// `N − n` is from 1 to k−1: "more than N − k".
    Complement,
    /// `N` itself is small: nothing of the row is shown.
    Total,
    /// Hidden so that totals cannot reveal another hidden cell.
    Secondary,
}

/// The reason a proportion `n` of `total` is hidden, given that it is.
pub fn hidden_reason(n: u64, total: u64, min_cell: u32) -> Hidden {
    if is_small(total, min_cell) {
        Hidden::Total
    } else if is_small(n, min_cell) {
        Hidden::Small
    } else if is_small(total.saturating_sub(n), min_cell) {
        Hidden::Complement
    } else {
        Hidden::Secondary
    }
}

impl PublishedTally {
    fn from_tally(
        t: &BenefitTally,
        hide_n: bool,
        hide_total: bool,
        min_cell: u32,
    ) -> PublishedTally {
        let hide_n = hide_n || hide_total;
        let hidden = hide_n.then(|| match hidden_reason(t.n, t.total, min_cell) {
            Hidden::Total if !hide_total => Hidden::Secondary,
            reason => reason,
        });
        PublishedTally {
            benefit: t.benefit.clone(),
            label: t.label.clone(),
            source: t.source.clone(),
            group: t.group.clone(),
            by: t.by.clone(),
            by_value: t.by_value.clone(),
            n: (!hide_n).then_some(t.n),
            total: (!hide_total).then_some(t.total),
            percent: if hide_n { None } else { t.percent },
            ci_low: if hide_n { None } else { t.ci_low },
            ci_high: if hide_n { None } else { t.ci_high },
            suppressed: hide_n || hide_total,
            hidden,
        }
    }
}

/// A proportion to publish, with the breakdown it belongs to: rows with the same `key` and
/// `by = None` are the overall figure of that key; rows with `by = Some(attribute)` break it
/// down by that attribute's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proportion<'a, K> {
    pub key: K,
    pub by: Option<&'a str>,
    pub n: u64,
    pub total: u64,
}

/// What to hide of each proportion: `(hide_n, hide_total)`, in input order.
///
/// Primary suppression per row (n, N − n or N small); then, for each key and attribute, the
/// breakdown is a table whose rows are the attribute's values and whose columns are n and
/// N − n, with the overall row as its totals, and secondary suppression makes sure no hidden
/// cell can be worked back from the published ones.
pub fn suppress_proportions<K: PartialEq>(
    rows: &[Proportion<'_, K>],
    min_cell: u32,
) -> Vec<(bool, bool)> {
    let mut hide: Vec<(bool, bool)> = rows
        .iter()
        .map(|r| {
            let p = proportion_suppression(r.n, r.total, min_cell);
            (p.hide_n, p.hide_total)
        })
        .collect();
    for (i, overall) in rows.iter().enumerate().filter(|(_, r)| r.by.is_none()) {
        let mut attributes: Vec<&str> = Vec::new();
        for r in rows.iter().filter(|r| r.key == overall.key) {
            if let Some(a) = r.by {
                if !attributes.contains(&a) {
                    attributes.push(a);
                }
            }
        }
        for attribute in attributes {
            let members: Vec<usize> = (0..rows.len())
                .filter(|&j| rows[j].key == overall.key && rows[j].by == Some(attribute))
                .collect();
            let cells: Vec<Vec<u64>> = members
                .iter()
                .map(|&j| vec![rows[j].n, rows[j].total.saturating_sub(rows[j].n)])
                .collect();
            let table = suppress_table(&cells, min_cell);
            for (k, &j) in members.iter().enumerate() {
                hide[j].0 |= table.cells[k].iter().any(|&h| h);
                hide[j].1 |= table.row_totals[k];
            }
            hide[i].0 |= table.column_totals.iter().any(|&h| h);
            hide[i].1 |= table.grand_total;
        }
    }
    hide
}

/// Applies small-number suppression to benefit tallies (overall rows and breakdowns alike),
/// keeping their order. `min_cell` 0 or 1 publishes everything.
pub fn publish_tallies(tallies: &[BenefitTally], min_cell: u32) -> Vec<PublishedTally> {
    let proportions: Vec<Proportion<'_, (&str, &str)>> = tallies
        .iter()
        .map(|t| Proportion {
            key: (t.benefit.as_str(), t.source.as_str()),
            by: t.by.as_deref(),
            n: t.n,
            total: t.total,
        })
        .collect();
    tallies
        .iter()
        .zip(suppress_proportions(&proportions, min_cell))
        .map(|(t, (hide_n, hide_total))| {
            PublishedTally::from_tally(t, hide_n, hide_total, min_cell)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(by: Option<&str>, n: u64, total: u64) -> BenefitTally {
        BenefitTally {
            benefit: "isolation".into(),
            label: "Less isolated".into(),
            source: "survey".into(),
            group: "Attendees".into(),
            by: by.map(|_| "locality".to_string()),
            by_value: by.map(str::to_string),
            n,
            total,
            percent: (total > 0).then(|| 100.0 * n as f64 / total as f64),
            ci_low: Some(1.0),
            ci_high: Some(2.0),
        }
    }

    #[test]
    fn small_counts_and_their_complements_are_hidden() {
        let rows = [
            tally(None, 3, 40),
            tally(None, 38, 40),
            tally(None, 0, 40),
            tally(None, 2, 3),
        ];
        let p = publish_tallies(&rows, 5);
        assert_eq!(
            (p[0].n, p[0].total, p[0].percent, p[0].suppressed),
            (None, Some(40), None, true)
        );
        assert_eq!((p[1].n, p[1].ci_low, p[1].suppressed), (None, None, true));
        assert_eq!((p[2].n, p[2].suppressed), (Some(0), false));
        assert_eq!((p[3].n, p[3].total), (None, None));
        // Suppression off.
        assert!(publish_tallies(&rows, 0).iter().all(|r| !r.suppressed));
    }

    /// One locality with a small count: the overall figures and the other localities must
    /// not give it away, so a second locality is hidden with it.
    #[test]
    fn a_breakdown_cannot_be_worked_back_from_the_totals() {
        let rows = [
            tally(None, 32, 50),
            tally(Some("North"), 2, 8),
            tally(Some("South"), 16, 22),
            tally(Some("West"), 14, 20),
        ];
        let p = publish_tallies(&rows, 5);
        let hidden: Vec<bool> = p.iter().map(|r| r.n.is_none()).collect();
        assert!(hidden[1], "the small cell is hidden");
        let hidden_localities = hidden[1..].iter().filter(|&&h| h).count();
        assert!(
            hidden[0] || hidden_localities >= 2,
            "overall n minus the published localities would reveal North: {p:#?}"
        );
        // Whatever is published, a published n never leaves a small complement.
        for r in &p {
            if let (Some(n), Some(total)) = (r.n, r.total) {
                assert!(
                    !(1..5).contains(&n) && !(1..5).contains(&(total - n)),
                    "{r:?}"
                );
            }
        }
    }
}

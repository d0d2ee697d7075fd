//! Small-number suppression: which published figures must be hidden so that no person can be
//! picked out of a table sent to NHS partners.
//!
//! # The rule (`[privacy] min_cell = k`)
//!
//! A count is **small** when it is between 1 and k − 1 ([`is_small`]). A small count is never
//! published, and neither is anything it could be worked back from:
//!
//! - **Proportions** ([`proportion_suppression`]). Publishing `n` of `N` also publishes the
//!   complement `N − n` ("48 of 50 agreed" says 2 did not), so `n`, its percent and its interval
//!   are hidden when `n` *or* `N − n` is small. A zero is a true zero and is safe to publish, but
//!   the complement rule still applies to it: "0 of 3" says 3 did not. The denominator `N` stays
//!   published unless it is small itself, and then everything in the row is hidden.
//! - **Tables and distributions** ([`suppress_table`], [`suppress_distribution`]). The row
//!   totals, column totals and grand total are published beside the cells, so hiding a small
//!   cell alone is useless: the total minus the published cells gives it back. Small cells and
//!   small totals are hidden first (*primary* suppression); then more figures are hidden
//!   (*secondary* suppression) until none of the hidden ones can be worked out again.
//!
//! `min_cell` 0 or 1 turns suppression off: nothing is small and nothing is hidden.
//!
//! # Secondary suppression, and why it is done this way
//!
//! Think of a table with its totals as one bigger table: every data row has its row total at
//! the end, every data column has its column total at the bottom, and the *totals row* (column
//! totals, then the grand total) and *totals column* (row totals, then the grand total) are
//! lines like any other. In each of these lines the *members* add up to the line's *total*.
//! Starting from the primary suppressions, these rules are applied until nothing changes:
//!
//! 1. **No line with exactly one hidden figure.** If a line's total is published and exactly one
//!    member is hidden, the total minus the published members *is* that member; if the total
//!    is the only hidden figure, the published members add up to it. Another figure of the
//!    line is hidden: the smallest published non-zero member; failing that, a zero member;
//!    failing that (a line with a single member), the line's total. Ties go to the first in
//!    position, so the result is deterministic.
//! 2. **The complement rule for lines.** The hidden members of a line with a published total add
//!    up to the total minus the published members, and that sum is published in effect. If it
//!    is small ("2 of these 50 answered something other than the published answers"), one more
//!    member is hidden, chosen as in rule 1. Together with the primary rule this means the
//!    complement of every published cell within its line is 0 or at least k, the same promise
//!    [`proportion_suppression`] makes.
//! 3. **An audit.** Rules 1 and 2 look at one line at a time, and that is not enough: two
//!    blocks of hidden cells joined by a single hidden cell satisfy both, yet the rows of one
//!    block minus its columns give the joining cell exactly. So every hidden figure is checked:
//!    it is safe when some other set of non-negative whole numbers in the hidden places agrees
//!    with every published figure and gives it a different value. Because every line is a sum,
//!    such a set exists exactly when there is a *cycle* of hidden figures, alternately raised
//!    and lowered by one, through it (the figures lowered must be at least 1); the check is a
//!    breadth-first search for one. A figure that fails gets one more hidden figure beside it,
//!    from its own two lines (non-zero before zero, then cells before totals, then the
//!    smallest, then the first in position; anywhere in the table when its lines are all
//!    hidden), and rules 1 to 3 run again. Hiding everything always passes, so this ends.
//!
//! Why **non-zero** figures are preferred as partners: a hidden figure is protected only by
//! being able to move along such a cycle, and a zero cannot be lowered. A zero chosen as the
//! partner of a small cell lets that cell move one way only, and a hidden zero whose lines hold
//! no other hidden figure that can be lowered is deduced as zero at once (a line whose hidden
//! members add up to 0 gives all of them away). Zeros are therefore hidden only when a line has
//! nothing else to offer, and the audit catches any that still give themselves away.
//!
//! When **totals** are hidden: a row or column total (or the grand total) that is small is
//! hidden by the primary rule. Its non-zero cells are then small too (none can exceed the total)
//! and so are hidden already; its zeros stay published, since a true zero of a hidden total
//! tells nothing about anyone. A hidden total is one hidden figure in the totals row or column,
//! so rule 1 hides a second total there (the smallest), and that total's own line then needs a
//! hidden member, and so on. A line with a single member (a one-column table, or each column of
//! a distribution) cannot hide a second member, so its total is hidden with its cell: they are
//! the same number. In practice the grand total is hidden only when it is small.
//!
//! # What this module does not do
//!
//! It decides *which* figures to hide and nothing else: it never changes a figure, formats
//! nothing, and is applied only to results meant for publication (tests check the unsuppressed
//! figures). The secondary choices are a greedy heuristic, not the fewest possible (finding
//! those is NP-hard), and protection means "cannot be pinned to one value", not a guaranteed
//! width of the range a reader could narrow a hidden figure to. Each table is protected on its
//! own: figures that link separate tables (the same breakdown by period and by locality, a
//! locality and the whole service, two waves) are outside what it can see.

use std::collections::VecDeque;

/// True when `count` is small under `min_cell = k`: 1 ≤ count ≤ k − 1.
///
/// Zero is never small (a true zero is safe to publish); with `min_cell` 0 or 1 nothing is.
pub fn is_small(count: u64, min_cell: u32) -> bool {
    count >= 1 && count < u64::from(min_cell)
}

/// What to hide in one published proportion `n` of `total` (a row of `benefits.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProportionSuppression {
    /// Hide `n`, the percent and the interval, and mark the row `suppressed = true`.
    pub hide_n: bool,
    /// Hide the denominator too: it is small itself. Implies `hide_n`.
    pub hide_total: bool,
}

/// Decides what to hide in the proportion `n` of `total` (see the module docs).
///
/// `n` is hidden when `n` or `total − n` is small; the total is hidden (and `n` with it) when
/// the total is small. `n = 0` and `n = total` are published unless the total is small;
/// `total = 0` hides nothing. An impossible `n > total` is hidden whenever suppression is on,
/// because its complement cannot be checked.
///
/// ```
/// use impactkit::analysis::suppression::{proportion_suppression, ProportionSuppression};
///
/// // 18 of 20 agreed would say that 2 did not: hide the 18, keep the 20.
/// let hidden = proportion_suppression(18, 20, 5);
/// assert_eq!(hidden, ProportionSuppression { hide_n: true, hide_total: false });
/// // Nobody of 20 is a true zero, safe to publish.
/// assert_eq!(proportion_suppression(0, 20, 5), ProportionSuppression::default());
/// ```
pub fn proportion_suppression(n: u64, total: u64, min_cell: u32) -> ProportionSuppression {
    let hide_total = is_small(total, min_cell);
    let hide_n = hide_total
        || match total.checked_sub(n) {
            Some(complement) => is_small(n, min_cell) || is_small(complement, min_cell),
            None => min_cell > 1,
        };
    ProportionSuppression { hide_n, hide_total }
}

/// True when the proportion `n` of `total` must be hidden: `n` or `total − n` is small, or the
/// total is. The value for a row's `suppressed` column; [`proportion_suppression`] also says
/// whether the total must go.
pub fn suppress_proportion(n: u64, total: u64, min_cell: u32) -> bool {
    proportion_suppression(n, total, min_cell).hide_n
}

/// Which figures of a two-way table to hide; `true` = hidden. Shapes follow the input table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableSuppression {
    /// One flag per input cell, `cells[row][column]`.
    pub cells: Vec<Vec<bool>>,
    /// One flag per row total.
    pub row_totals: Vec<bool>,
    /// One flag per column total.
    pub column_totals: Vec<bool>,
    /// The grand total; hidden only when it is small, or when every other choice ran out.
    pub grand_total: bool,
}

impl TableSuppression {
    /// True when nothing at all is hidden.
    pub fn hides_nothing(&self) -> bool {
        !self.grand_total
            && !self.row_totals.iter().any(|&hidden| hidden)
            && !self.column_totals.iter().any(|&hidden| hidden)
            && !self.cells.iter().flatten().any(|&hidden| hidden)
    }
}

/// Decides which cells and totals of a table to hide when its row totals, column totals and
/// grand total are published beside the cells (see the module docs for the rules and why).
///
/// Every small cell and small total is hidden; no line with a published total is left with
/// exactly one hidden cell or with hidden cells adding up to a small number; and no hidden
/// figure can be worked out from the published ones. A ragged table (rows of different
/// lengths) is a caller's mistake: rather than guess what the missing cells mean, everything
/// is hidden when suppression is on.
///
/// ```
/// use impactkit::analysis::suppression::suppress_table;
///
/// // The 3 is small; its row would give it back, so the smaller of 12 and 20 goes with it, and
/// // the columns of both then take the 15 and the 9.
/// let hidden = suppress_table(&[vec![12, 3, 20], vec![15, 9, 11]], 5);
/// assert_eq!(hidden.cells, [[true, true, false], [true, true, false]]);
/// assert!(!hidden.grand_total);
/// ```
pub fn suppress_table(cells: &[Vec<u64>], min_cell: u32) -> TableSuppression {
    suppress_table_hiding_rows(cells, min_cell, &[])
}

/// [`suppress_table`], with the row totals of `rows` (`cells.len()` for the grand total)
/// hidden from the start as well (a figure
/// another table or a complement rule requires hidden), and the secondary suppression that
/// follows from them. Used when one total is published in two tables, so both hide it.
pub fn suppress_table_hiding_rows(
    cells: &[Vec<u64>],
    min_cell: u32,
    rows: &[usize],
) -> TableSuppression {
    let width = cells.first().map_or(0, Vec::len);
    if cells.iter().any(|row| row.len() != width) {
        let hide = min_cell > 1;
        return TableSuppression {
            cells: cells.iter().map(|row| vec![hide; row.len()]).collect(),
            row_totals: vec![hide; cells.len()],
            column_totals: vec![hide; cells.iter().map(Vec::len).max().unwrap_or(0)],
            grand_total: hide,
        };
    }

    let mut grid = Grid::new(cells, width);
    if min_cell > 1 {
        grid.hide_small(min_cell);
        // Past the last row: the grand total.
        for &row in rows.iter().filter(|&&row| row <= cells.len()) {
            let total = grid.index(row, width);
            grid.hidden[total] = true;
        }
        loop {
            grid.enforce_lines(min_cell);
            let Some(exposed) = grid.first_determined() else {
                break;
            };
            match grid.audit_partner(exposed) {
                Some(partner) => grid.hidden[partner] = true,
                // Unreachable: with everything hidden nothing is determined. Stop rather than
                // loop if that reasoning is ever wrong; the tests would show it.
                None => break,
            }
        }
    }
    grid.into_suppression()
}

/// Which counts of a one-way distribution (the levels of one question) to hide, and whether
/// its total must be hidden; the total is published beside the counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DistributionSuppression {
    /// One flag per count.
    pub counts: Vec<bool>,
    /// The total: hidden exactly when it is small.
    pub total: bool,
}

/// Decides which counts of a distribution to hide, and whether its total must go: the
/// distribution is a one-row table whose total is published.
pub fn distribution_suppression(counts: &[u64], min_cell: u32) -> DistributionSuppression {
    let table = suppress_table(&[counts.to_vec()], min_cell);
    DistributionSuppression {
        counts: table.cells.into_iter().next().unwrap_or_default(),
        total: table.grand_total,
    }
}

/// Which counts of a distribution to hide (`true` = hidden), its total being published.
///
/// The total itself must be hidden when it is small ([`is_small`]); then every non-zero count
/// is hidden too. [`distribution_suppression`] returns both.
pub fn suppress_distribution(counts: &[u64], min_cell: u32) -> Vec<bool> {
    distribution_suppression(counts, min_cell).counts
}

/// One line of the extended table: a row (the last is the totals row) or a column (the last is
/// the totals column). Its members add up to its total, the entry at its end.
#[derive(Debug, Clone, Copy)]
enum Line {
    Row(usize),
    Column(usize),
}

/// The table extended with its totals: `rows + 1` by `columns + 1` entries, row-major. Entry
/// `(i, columns)` is row total `i`, `(rows, j)` column total `j`, `(rows, columns)` the grand
/// total.
struct Grid {
    rows: usize,
    columns: usize,
    value: Vec<u64>,
    hidden: Vec<bool>,
}

impl Grid {
    fn new(cells: &[Vec<u64>], columns: usize) -> Grid {
        let rows = cells.len();
        let stride = columns + 1;
        let mut value = vec![0u64; (rows + 1) * stride];
        // Saturating sums: a total beyond u64 is not small, which is all that matters here.
        for (i, row) in cells.iter().enumerate() {
            for (j, &count) in row.iter().enumerate() {
                value[i * stride + j] = count;
                let row_total = i * stride + columns;
                value[row_total] = value[row_total].saturating_add(count);
                let column_total = rows * stride + j;
                value[column_total] = value[column_total].saturating_add(count);
                let grand_total = rows * stride + columns;
                value[grand_total] = value[grand_total].saturating_add(count);
            }
        }
        Grid {
            rows,
            columns,
            hidden: vec![false; value.len()],
            value,
        }
    }

    fn index(&self, row: usize, column: usize) -> usize {
        row * (self.columns + 1) + column
    }

    fn position(&self, entry: usize) -> (usize, usize) {
        (entry / (self.columns + 1), entry % (self.columns + 1))
    }

    fn lines(&self) -> impl Iterator<Item = Line> {
        (0..=self.rows)
            .map(Line::Row)
            .chain((0..=self.columns).map(Line::Column))
    }

    /// The line's members, in position order, then its total.
    fn line_entries(&self, line: Line) -> (Vec<usize>, usize) {
        match line {
            Line::Row(i) => (
                (0..self.columns).map(|j| self.index(i, j)).collect(),
                self.index(i, self.columns),
            ),
            Line::Column(j) => (
                (0..self.rows).map(|i| self.index(i, j)).collect(),
                self.index(self.rows, j),
            ),
        }
    }

    fn hide_small(&mut self, min_cell: u32) {
        for (hidden, &value) in self.hidden.iter_mut().zip(&self.value) {
            *hidden = is_small(value, min_cell);
        }
    }

    /// Rules 1 and 2 of the module docs, line by line until nothing changes.
    fn enforce_lines(&mut self, min_cell: u32) {
        loop {
            let mut changed = false;
            for line in self.lines().collect::<Vec<_>>() {
                let (members, total) = self.line_entries(line);
                let hidden_members: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&entry| self.hidden[entry])
                    .collect();
                let hidden_count = hidden_members.len() + usize::from(self.hidden[total]);
                let hidden_sum = hidden_members
                    .iter()
                    .fold(0u64, |sum, &entry| sum.saturating_add(self.value[entry]));
                let complement_small = !self.hidden[total] && is_small(hidden_sum, min_cell);
                if hidden_count == 1 || complement_small {
                    if let Some(partner) = self.line_partner(&members, total) {
                        self.hidden[partner] = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// The next figure to hide in a line: the smallest published non-zero member, else the
    /// first published zero member, else the total; ties by position.
    fn line_partner(&self, members: &[usize], total: usize) -> Option<usize> {
        members
            .iter()
            .copied()
            .filter(|&entry| !self.hidden[entry])
            .min_by_key(|&entry| (self.value[entry] == 0, self.value[entry], entry))
            .or_else(|| (!self.hidden[total]).then_some(total))
    }

    /// The first hidden entry (in position order) whose value the published figures fix.
    fn first_determined(&self) -> Option<usize> {
        (0..self.value.len()).find(|&entry| {
            self.hidden[entry] && !self.can_move(entry, 1) && !self.can_move(entry, -1)
        })
    }

    /// Signs that turn every line into "entries add up to zero": members count `+`, totals
    /// `-`, and the grand total, a total of totals, `+` again.
    fn sign(&self, entry: usize) -> i8 {
        let (i, j) = self.position(entry);
        if (i == self.rows) == (j == self.columns) {
            1
        } else {
            -1
        }
    }

    /// Whether `entry` may take `step` (±1, in signed terms) without going below zero.
    fn can_step(&self, entry: usize, step: i8) -> bool {
        self.sign(entry) * step > 0 || self.value[entry] > 0
    }

    /// Whether some cycle of hidden entries, alternately stepped by `step` and `-step` in
    /// signed terms, passes through `entry` and keeps every figure non-negative; then `entry`
    /// can take another value consistent with everything published.
    ///
    /// With signed values every line adds up to zero, so a closed alternating walk between
    /// row lines and column lines keeps every line's sum. Conversely, the difference between
    /// two consistent tables splits into such cycles, each stepping towards the other table,
    /// so a search for one cycle is exact.
    fn can_move(&self, entry: usize, step: i8) -> bool {
        if !self.can_step(entry, step) {
            return false;
        }
        let (start_row, start_column) = self.position(entry);
        let mut row_seen = vec![false; self.rows + 1];
        let mut column_seen = vec![false; self.columns + 1];
        let mut queue = VecDeque::from([Line::Column(start_column)]);
        column_seen[start_column] = true;
        while let Some(line) = queue.pop_front() {
            match line {
                // In a column line the entry stepped `step` is balanced by one stepped `-step`.
                Line::Column(j) => {
                    for (i, seen) in row_seen.iter_mut().enumerate() {
                        let next = self.index(i, j);
                        if next == entry || !self.hidden[next] || !self.can_step(next, -step) {
                            continue;
                        }
                        if i == start_row {
                            return true;
                        }
                        if !*seen {
                            *seen = true;
                            queue.push_back(Line::Row(i));
                        }
                    }
                }
                // In a row line the entry stepped `-step` is balanced by one stepped `step`.
                Line::Row(i) => {
                    for (j, seen) in column_seen.iter_mut().enumerate() {
                        let next = self.index(i, j);
                        if next == entry || !self.hidden[next] || !self.can_step(next, step) {
                            continue;
                        }
                        if !*seen {
                            *seen = true;
                            queue.push_back(Line::Column(j));
                        }
                    }
                }
            }
        }
        false
    }

    /// The figure to hide beside a hidden entry the audit found fixed: a published one of its two
    /// lines (non-zero first, then cells before totals, then the smallest); failing that, of the
    /// whole table.
    fn audit_partner(&self, exposed: usize) -> Option<usize> {
        let (row, column) = self.position(exposed);
        let key = |&entry: &usize| {
            let (i, j) = self.position(entry);
            let kind = usize::from(i == self.rows) + usize::from(j == self.columns);
            (self.value[entry] == 0, kind, self.value[entry], entry)
        };
        let published = |entry: &usize| !self.hidden[*entry];
        let (row_members, row_total) = self.line_entries(Line::Row(row));
        let (column_members, column_total) = self.line_entries(Line::Column(column));
        row_members
            .into_iter()
            .chain([row_total])
            .chain(column_members)
            .chain([column_total])
            .filter(published)
            .min_by_key(key)
            .or_else(|| (0..self.value.len()).filter(published).min_by_key(key))
    }

    fn into_suppression(self) -> TableSuppression {
        TableSuppression {
            cells: (0..self.rows)
                .map(|i| {
                    (0..self.columns)
                        .map(|j| self.hidden[self.index(i, j)])
                        .collect()
                })
                .collect(),
            row_totals: (0..self.rows)
                .map(|i| self.hidden[self.index(i, self.columns)])
                .collect(),
            column_totals: (0..self.columns)
                .map(|j| self.hidden[self.index(self.rows, j)])
                .collect(),
            grand_total: self.hidden[self.index(self.rows, self.columns)],
        }
    }
}

#[cfg(test)]
mod forced_rows_tests {
    use super::*;

    #[test]
    fn a_forced_row_total_takes_a_partner_row_and_cells_with_it() {
        // Nothing is small, but row 0's total must go (another table hides it): its cells
        // would give it back, and the column totals would give those back, so a second row
        // goes too.
        let hidden =
            suppress_table_hiding_rows(&[vec![10, 12], vec![20, 30], vec![9, 15]], 5, &[0]);
        assert!(hidden.row_totals[0]);
        assert!(hidden.cells[0].iter().any(|&h| h));
        let other_rows = hidden.cells[1..].iter().flatten().filter(|&&h| h).count();
        assert!(other_rows >= 1, "{hidden:?}");
        assert!(!hidden.grand_total);
        // Without the forced row, nothing is hidden.
        assert!(suppress_table(&[vec![10, 12], vec![20, 30], vec![9, 15]], 5).hides_nothing());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // ---- examples ------------------------------------------------------------------------

    #[test]
    fn small_means_one_to_min_cell_minus_one() {
        assert!(!is_small(0, 5));
        assert!(is_small(1, 5));
        assert!(is_small(4, 5));
        assert!(!is_small(5, 5));
        assert!(!is_small(1, 1));
        assert!(!is_small(1, 0));
        assert!(is_small(1, 2));
    }

    #[test]
    fn tally_with_no_one_is_published_when_the_denominator_is_large() {
        assert_eq!(
            proportion_suppression(0, 20, 5),
            ProportionSuppression {
                hide_n: false,
                hide_total: false
            }
        );
    }

    #[test]
    fn tally_with_everyone_is_published_when_the_denominator_is_large() {
        assert!(!suppress_proportion(20, 20, 5));
    }

    #[test]
    fn tally_whose_complement_is_small_is_hidden_but_keeps_its_denominator() {
        // 18 of 20 agreed says 2 did not.
        assert_eq!(
            proportion_suppression(18, 20, 5),
            ProportionSuppression {
                hide_n: true,
                hide_total: false
            }
        );
        assert!(suppress_proportion(3, 20, 5));
        assert!(!suppress_proportion(5, 20, 5));
        assert!(!suppress_proportion(15, 20, 5));
    }

    #[test]
    fn tally_over_no_respondents_hides_nothing() {
        assert_eq!(
            proportion_suppression(0, 0, 5),
            ProportionSuppression::default()
        );
    }

    #[test]
    fn tally_over_a_small_denominator_hides_everything_even_a_zero() {
        let both = ProportionSuppression {
            hide_n: true,
            hide_total: true,
        };
        assert_eq!(proportion_suppression(0, 3, 5), both);
        assert_eq!(proportion_suppression(3, 3, 5), both);
        assert_eq!(proportion_suppression(1, 4, 5), both);
    }

    #[test]
    fn tally_is_never_hidden_with_suppression_off() {
        for min_cell in [0, 1] {
            assert_eq!(
                proportion_suppression(1, 2, min_cell),
                ProportionSuppression::default()
            );
            assert_eq!(
                proportion_suppression(3, 2, min_cell),
                ProportionSuppression::default()
            );
        }
    }

    #[test]
    fn impossible_tally_is_hidden() {
        assert!(suppress_proportion(7, 6, 5));
    }

    #[test]
    fn one_small_cell_takes_the_smallest_neighbours_with_it() {
        // Primary: the 3. Its row then has one hidden cell, so the smaller of 12 and 20 goes;
        // each of their columns then has one, so the 15 and the 9 below them go too.
        let cells = vec![vec![12, 3, 20], vec![15, 9, 11]];
        let hidden = suppress_table(&cells, 5);
        assert_eq!(
            hidden.cells,
            vec![vec![true, true, false], vec![true, true, false]]
        );
        assert_eq!(hidden.row_totals, vec![false, false]);
        assert_eq!(hidden.column_totals, vec![false, false, false]);
        assert!(!hidden.grand_total);
        assert_every_hidden_figure_is_ambiguous(&cells, &hidden);
    }

    #[test]
    fn a_zero_is_passed_over_for_a_non_zero_partner() {
        // Hiding the 0 beside the 3 would let the 3 move down only, and the 0 would be found
        // by its column at once; the 20 is hidden instead.
        let cells = vec![vec![0, 3, 20], vec![15, 9, 11]];
        let hidden = suppress_table(&cells, 5);
        assert_eq!(
            hidden.cells,
            vec![vec![false, true, true], vec![false, true, true]]
        );
        assert!(!hidden.grand_total);
        assert_every_hidden_figure_is_ambiguous(&cells, &hidden);
    }

    #[test]
    fn hidden_cells_adding_up_to_a_small_number_take_another_cell() {
        // The 3 and the 1 hide each other, but 50 − 46 = 4 would still say four women
        // answered something other than the 46.
        let hidden = suppress_distribution(&[46, 3, 1], 5);
        assert_eq!(hidden, vec![true, true, true]);
        let hidden = suppress_distribution(&[40, 3, 1, 6], 5);
        assert_eq!(hidden, vec![false, true, true, true]);
    }

    #[test]
    fn distribution_with_one_small_count_hides_the_next_smallest() {
        let hidden = distribution_suppression(&[0, 2, 30, 9, 12], 5);
        assert_eq!(hidden.counts, vec![false, true, false, true, false]);
        assert!(!hidden.total);
    }

    #[test]
    fn distribution_with_a_small_total_hides_the_total_and_keeps_true_zeros() {
        let hidden = distribution_suppression(&[0, 3, 0], 5);
        assert_eq!(hidden.counts, vec![false, true, false]);
        assert!(hidden.total);
    }

    #[test]
    fn a_small_row_total_is_hidden_and_another_row_total_with_it() {
        let cells = vec![vec![2, 1], vec![10, 12], vec![20, 25]];
        let hidden = suppress_table(&cells, 5);
        // Row 0 (total 3) is hidden whole; the totals column then needs a second hidden row
        // total, the smaller 22, and row 1 a hidden cell to go with it.
        assert_eq!(hidden.row_totals, vec![true, true, false]);
        assert!(!hidden.grand_total);
        assert!(hidden.cells[0].iter().all(|&h| h));
        assert_every_hidden_figure_is_ambiguous(&cells, &hidden);
    }

    #[test]
    fn one_column_table_hides_row_totals_with_their_cells() {
        let cells = vec![vec![3], vec![12], vec![40]];
        let hidden = suppress_table(&cells, 5);
        assert_eq!(hidden.cells, vec![vec![true], vec![true], vec![false]]);
        assert_eq!(hidden.row_totals, vec![true, true, false]);
        assert_eq!(hidden.column_totals, vec![false]);
        assert!(!hidden.grand_total);
        assert_every_hidden_figure_is_ambiguous(&cells, &hidden);
    }

    #[test]
    fn bridge_between_two_hidden_blocks_is_not_left_deducible() {
        // After the primary step every line holds two or more hidden cells adding up to at least
        // 5, yet the 1 at (1, 2) joins two closed blocks: rows 0 and 1 minus columns 0 and 1
        // give it exactly. Only the audit sees this.
        let cells = vec![
            vec![2, 3, 20, 20],
            vec![3, 4, 1, 20],
            vec![20, 20, 3, 2],
            vec![20, 20, 2, 3],
        ];
        let hidden = suppress_table(&cells, 5);
        assert_every_hidden_figure_is_ambiguous(&cells, &hidden);
        assert!(!hidden.grand_total);
    }

    #[test]
    fn small_cell_among_zeros_is_not_left_deducible() {
        // Found by the exhaustive property before the audit existed: with zeros all around,
        // rules that look at one line at a time left the 1 fixed by its neighbours.
        let cells = vec![vec![4, 0, 0], vec![4, 0, 1], vec![8, 7, 2]];
        for min_cell in 2..=10 {
            let hidden = suppress_table(&cells, min_cell);
            assert_every_hidden_figure_is_ambiguous(&cells, &hidden);
        }
    }

    #[test]
    fn ragged_table_is_hidden_whole() {
        let hidden = suppress_table(&[vec![10, 10], vec![10]], 5);
        assert_eq!(hidden.cells, vec![vec![true, true], vec![true]]);
        assert!(hidden.grand_total);
        assert!(suppress_table(&[vec![10, 10], vec![10]], 0).hides_nothing());
    }

    #[test]
    fn empty_tables_hide_nothing() {
        assert!(suppress_table(&[], 5).hides_nothing());
        assert!(suppress_table(&[vec![], vec![]], 5).hides_nothing());
        assert_eq!(suppress_distribution(&[], 5), Vec::<bool>::new());
    }

    // ---- an independent check by exhaustive search ----------------------------------------

    /// Every table of non-negative whole numbers that agrees with the published figures of
    /// `cells` under `hidden`, restricted to hidden cells within one of their true value.
    ///
    /// The restriction loses nothing: if any consistent table gives a hidden figure another
    /// value, the difference between the two splits into cycles that each raise and lower
    /// entries by one, so a consistent table within one of the truth does too.
    fn consistent_tables(cells: &[Vec<u64>], hidden: &TableSuppression) -> Vec<Vec<Vec<u64>>> {
        let rows = cells.len();
        let columns = cells.first().map_or(0, Vec::len);
        let places: Vec<(usize, usize)> = (0..rows)
            .flat_map(|i| (0..columns).map(move |j| (i, j)))
            .filter(|&(i, j)| hidden.cells[i][j])
            .collect();
        let row_totals: Vec<u64> = cells.iter().map(|row| row.iter().sum()).collect();
        let column_totals: Vec<u64> = (0..columns)
            .map(|j| cells.iter().map(|row| row[j]).sum())
            .collect();
        let grand_total: u64 = row_totals.iter().sum();

        let mut found = Vec::new();
        let mut table = cells.to_vec();
        let mut odometer: Vec<u64> = places
            .iter()
            .map(|&(i, j)| cells[i][j].saturating_sub(1))
            .collect();
        loop {
            for (&(i, j), &value) in places.iter().zip(&odometer) {
                table[i][j] = value;
            }
            let agrees = (0..rows)
                .all(|i| hidden.row_totals[i] || table[i].iter().sum::<u64>() == row_totals[i])
                && (0..columns).all(|j| {
                    hidden.column_totals[j]
                        || table.iter().map(|row| row[j]).sum::<u64>() == column_totals[j]
                })
                && (hidden.grand_total || table.iter().flatten().sum::<u64>() == grand_total);
            if agrees {
                found.push(table.clone());
            }
            // Next setting of the odometer; done when it wraps all the way round.
            let mut place = 0;
            loop {
                if place == places.len() {
                    return found;
                }
                let (i, j) = places[place];
                if odometer[place] < cells[i][j] + 1 {
                    odometer[place] += 1;
                    break;
                }
                odometer[place] = cells[i][j].saturating_sub(1);
                place += 1;
            }
        }
    }

    /// For every hidden cell and total, two consistent tables that disagree on it.
    fn assert_every_hidden_figure_is_ambiguous(cells: &[Vec<u64>], hidden: &TableSuppression) {
        let tables = consistent_tables(cells, hidden);
        assert!(tables.iter().any(|t| t == cells), "the truth is consistent");
        let differs = |figure: &dyn Fn(&Vec<Vec<u64>>) -> u64| {
            let truth = figure(&cells.to_vec());
            tables.iter().any(|t| figure(t) != truth)
        };
        for (i, row) in hidden.cells.iter().enumerate() {
            for (j, &h) in row.iter().enumerate() {
                if h {
                    assert!(
                        differs(&|t| t[i][j]),
                        "cell ({i}, {j}) of {cells:?} is fixed by {hidden:?}"
                    );
                }
            }
        }
        for (i, &h) in hidden.row_totals.iter().enumerate() {
            if h {
                assert!(
                    differs(&|t| t[i].iter().sum()),
                    "row total {i} of {cells:?} is fixed by {hidden:?}"
                );
            }
        }
        for (j, &h) in hidden.column_totals.iter().enumerate() {
            if h {
                assert!(
                    differs(&|t| t.iter().map(|row| row[j]).sum()),
                    "column total {j} of {cells:?} is fixed by {hidden:?}"
                );
            }
        }
        if hidden.grand_total {
            assert!(
                differs(&|t| t.iter().flatten().sum()),
                "grand total of {cells:?} is fixed by {hidden:?}"
            );
        }
    }

    // ---- properties ------------------------------------------------------------------------

    fn table(max_side: usize, max_count: u64) -> impl Strategy<Value = Vec<Vec<u64>>> {
        (1..=max_side, 1..=max_side).prop_flat_map(move |(rows, columns)| {
            prop::collection::vec(prop::collection::vec(0..=max_count, columns), rows)
        })
    }

    /// A line of the table with its totals: the flags and values of its members, then whether
    /// its total is hidden and the total's value.
    struct LineView {
        members: Vec<(bool, u64)>,
        total_hidden: bool,
        total: u64,
    }

    fn line_views(cells: &[Vec<u64>], hidden: &TableSuppression) -> Vec<LineView> {
        let columns = cells[0].len();
        let row_totals: Vec<u64> = cells.iter().map(|row| row.iter().sum()).collect();
        let column_totals: Vec<u64> = (0..columns)
            .map(|j| cells.iter().map(|row| row[j]).sum())
            .collect();
        let grand_total = row_totals.iter().sum();
        let mut views = Vec::new();
        for (i, row) in cells.iter().enumerate() {
            views.push(LineView {
                members: row
                    .iter()
                    .zip(&hidden.cells[i])
                    .map(|(&v, &h)| (h, v))
                    .collect(),
                total_hidden: hidden.row_totals[i],
                total: row_totals[i],
            });
        }
        for j in 0..columns {
            views.push(LineView {
                members: (0..cells.len())
                    .map(|i| (hidden.cells[i][j], cells[i][j]))
                    .collect(),
                total_hidden: hidden.column_totals[j],
                total: column_totals[j],
            });
        }
        views.push(LineView {
            members: hidden
                .row_totals
                .iter()
                .copied()
                .zip(row_totals.iter().copied())
                .collect(),
            total_hidden: hidden.grand_total,
            total: grand_total,
        });
        views.push(LineView {
            members: hidden
                .column_totals
                .iter()
                .copied()
                .zip(column_totals.iter().copied())
                .collect(),
            total_hidden: hidden.grand_total,
            total: grand_total,
        });
        views
    }

    proptest! {
        #[test]
        fn every_small_figure_is_hidden(cells in table(6, 30), min_cell in 0u32..=10) {
            let hidden = suppress_table(&cells, min_cell);
            for view in line_views(&cells, &hidden) {
                for (h, value) in view.members {
                    prop_assert!(h || !is_small(value, min_cell));
                }
                prop_assert!(view.total_hidden || !is_small(view.total, min_cell));
            }
        }

        #[test]
        fn no_published_total_isolates_one_hidden_cell(
            cells in table(6, 30),
            min_cell in 0u32..=10,
        ) {
            let hidden = suppress_table(&cells, min_cell);
            for view in line_views(&cells, &hidden) {
                let hidden_members = view.members.iter().filter(|(h, _)| *h).count();
                if view.total_hidden {
                    // The published members would add up to the hidden total.
                    prop_assert!(hidden_members >= 1);
                } else {
                    prop_assert!(hidden_members != 1);
                }
            }
        }

        #[test]
        fn no_published_total_reveals_a_small_remainder(
            cells in table(6, 30),
            min_cell in 0u32..=10,
        ) {
            // The total minus the published members: the complement rule, line by line.
            let hidden = suppress_table(&cells, min_cell);
            for view in line_views(&cells, &hidden) {
                if !view.total_hidden {
                    let remainder: u64 =
                        view.members.iter().filter(|(h, _)| *h).map(|(_, v)| v).sum();
                    prop_assert!(!is_small(remainder, min_cell));
                }
            }
        }

        #[test]
        fn no_hidden_figure_of_a_small_table_can_be_pinned_down(
            cells in table(3, 8),
            min_cell in 0u32..=10,
        ) {
            let hidden = suppress_table(&cells, min_cell);
            assert_every_hidden_figure_is_ambiguous(&cells, &hidden);
        }

        #[test]
        fn nothing_is_hidden_with_suppression_off(cells in table(6, 30), min_cell in 0u32..=1) {
            prop_assert!(suppress_table(&cells, min_cell).hides_nothing());
        }

        #[test]
        fn same_table_same_suppression(cells in table(6, 30), min_cell in 0u32..=10) {
            prop_assert_eq!(suppress_table(&cells, min_cell), suppress_table(&cells, min_cell));
        }

        #[test]
        fn distribution_hides_its_total_only_when_small(
            counts in prop::collection::vec(0u64..=30, 0..=8),
            min_cell in 0u32..=10,
        ) {
            let hidden = distribution_suppression(&counts, min_cell);
            let total: u64 = counts.iter().sum();
            prop_assert_eq!(hidden.total, is_small(total, min_cell));
            prop_assert_eq!(hidden.counts.len(), counts.len());
            for (&h, &count) in hidden.counts.iter().zip(&counts) {
                prop_assert!(h || !is_small(count, min_cell));
                prop_assert!(h || !is_small(total - count, min_cell) || hidden.total);
            }
            if !hidden.total {
                prop_assert!(hidden.counts.iter().filter(|&&h| h).count() != 1);
            }
        }

        #[test]
        fn two_level_distribution_agrees_with_the_proportion(
            n in 0u64..=30,
            rest in 0u64..=30,
            min_cell in 0u32..=10,
        ) {
            let total = n + rest;
            let proportion = proportion_suppression(n, total, min_cell);
            let distribution = distribution_suppression(&[n, rest], min_cell);
            prop_assert_eq!(distribution.total, proportion.hide_total);
            if !proportion.hide_total {
                prop_assert_eq!(distribution.counts, vec![proportion.hide_n; 2]);
            }
        }

        #[test]
        fn published_tally_has_no_small_part(
            n in 0u64..=40,
            total in 0u64..=40,
            min_cell in 0u32..=10,
        ) {
            let n = n.min(total);
            let hidden = proportion_suppression(n, total, min_cell);
            if !hidden.hide_n {
                prop_assert!(!is_small(n, min_cell));
                prop_assert!(!is_small(total - n, min_cell));
            }
            prop_assert_eq!(hidden.hide_total, is_small(total, min_cell));
            prop_assert!(!hidden.hide_total || hidden.hide_n);
            if min_cell <= 1 {
                prop_assert_eq!(hidden, ProportionSuppression::default());
            }
        }
    }
}

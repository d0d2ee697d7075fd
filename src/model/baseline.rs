//! The figures of an earlier evaluation wave, to compare this one with.
//!
//! A baseline is the `tables/benefits.csv` of an earlier `impactkit report`, or a table typed
//! by hand from an older report (which may survive only as a PDF): one row per benefit ×
//! source with at least the columns `benefit`, `source`, `n` and `N`. It is read by the same
//! safe reader as the data, so a CSV saved from Excel (any encoding or delimiter) or an XLSX
//! works. Optional columns: `wave` (the baseline's name in the report) and `label`.
//! A figure the earlier report suppressed (empty `n` or `N`) is kept and marked unknown.
//! A baseline can also be the earlier wave's own spec (see `report::comparison`), which a
//! paired comparison of the same people needs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Location};
use crate::ingest::{a1, read_workbook, Cell, SheetSelection};
use crate::limits::Limits;

/// One benefit × source figure of the baseline wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineFigure {
    pub benefit: String,
    pub source: String,
    /// `None` where the earlier report did not publish the figure.
    pub n: Option<u64>,
    pub total: Option<u64>,
    /// The benefit's label, from the file's optional `label` column.
    pub label: Option<String>,
    /// The row in the file, for messages.
    pub row: u32,
}

/// Whether each benefit's evidence held for each respondent, per (benefit, source).
pub type RespondentEvidence = BTreeMap<(String, String), BTreeMap<String, bool>>;

/// An earlier wave's published benefit figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub file: PathBuf,
    /// From the file's `wave` column when every row agrees on one value.
    pub wave: Option<String>,
    pub figures: Vec<BaselineFigure>,
    /// Respondent-level evidence, when the baseline is an evaluation spec rather than a table
    /// of figures: what a paired comparison needs.
    pub respondents: Option<RespondentEvidence>,
}

impl Baseline {
    pub fn figure(&self, benefit: &str, source: &str) -> Option<&BaselineFigure> {
        self.figures
            .iter()
            .find(|f| f.benefit == benefit && f.source == source)
    }
}

const REQUIRED: [&str; 4] = ["benefit", "source", "n", "N"];

/// Reads a baseline table; every problem is reported with its cell, not only the first.
pub fn read_baseline(path: &Path, limits: &Limits) -> Result<Baseline, Vec<Diagnostic>> {
    let here = |place: Option<String>| Location::in_data(path, None, place);
    let workbook = read_workbook(path, SheetSelection::First, limits).map_err(|e| {
        vec![Diagnostic::error(format!("cannot read the baseline: {e}"))
            .at(here(None))
            .help(
                "the baseline is the tables/benefits.csv of an earlier report, or a CSV with \
                 the columns benefit,source,n,N",
            )]
    })?;
    let Some(sheet) = workbook.sheets.first() else {
        return Err(vec![
            Diagnostic::error("the baseline file has no sheet").at(here(None))
        ]);
    };
    let mut rows = sheet
        .rows
        .iter()
        .filter(|r| !r.cells.iter().all(Cell::is_blank));
    let Some(header) = rows.next() else {
        return Err(vec![Diagnostic::error("the baseline file is empty")
            .at(here(None))
            .help(
                "give one row per benefit and source, under the header benefit,source,n,N",
            )]);
    };
    let names: Vec<String> = header
        .cells
        .iter()
        .map(|c| c.to_text().trim().to_string())
        .collect();
    // `n` and `N` differ only in case, so columns are matched exactly.
    let column = |name: &str| names.iter().position(|h| h == name);
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|name| column(name).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(vec![Diagnostic::error(format!(
            "the baseline has no column {} (its header row has: {})",
            missing
                .iter()
                .map(|m| format!("\"{m}\""))
                .collect::<Vec<_>>()
                .join(", "),
            names.join(", ")
        ))
        .at(here(Some(format!("row {}", header.number))))
        .help("name the columns exactly benefit, source, n and N (n is those reporting the benefit, N those asked)")]);
    }
    let [benefit_col, source_col, n_col, total_col] =
        REQUIRED.map(|name| column(name).unwrap_or(0));
    let wave_col = column("wave");
    let label_col = column("label");

    let mut diagnostics = Vec::new();
    let mut figures: Vec<BaselineFigure> = Vec::new();
    let mut waves: Vec<String> = Vec::new();
    for row in rows {
        let cell = |col: usize| row.cells.get(col).cloned().unwrap_or(Cell::Empty);
        let text = |col: usize| cell(col).to_text().trim().to_string();
        let place = |col: usize| Some(a1(row.number.saturating_sub(1), col as u32));
        let mut count = |col: usize, what: &str| -> Option<u64> {
            match cell(col) {
                Cell::Empty => None,
                Cell::Number(x) if x >= 0.0 && x.fract() == 0.0 && x < 1e15 => Some(x as u64),
                Cell::Text(t) if t.trim().is_empty() => None,
                Cell::Text(t) if t.trim().parse::<u64>().is_ok() => t.trim().parse().ok(),
                other => {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "{what} \"{}\" is not a whole number of people",
                            other.to_text()
                        ))
                        .at(here(place(col)))
                        .help("write a count such as 42, or leave the cell empty if the figure was not published"),
                    );
                    None
                }
            }
        };
        let n = count(n_col, "n");
        let total = count(total_col, "N");
        let (benefit, source) = (text(benefit_col), text(source_col));
        if benefit.is_empty() || source.is_empty() {
            diagnostics.push(
                Diagnostic::error("a baseline row without its benefit or source")
                    .at(here(Some(format!("row {}", row.number))))
                    .help("fill in both, with the names the spec uses, or delete the row"),
            );
            continue;
        }
        if let (Some(n), Some(total)) = (n, total) {
            if n > total {
                diagnostics.push(
                    Diagnostic::error(format!("n ({n}) is larger than N ({total})"))
                        .at(here(place(n_col)))
                        .help("n counts the people reporting the benefit among the N asked"),
                );
            }
        }
        if let Some(earlier) = figures
            .iter()
            .find(|f| f.benefit == benefit && f.source == source)
        {
            diagnostics.push(
                Diagnostic::error(format!(
                    "\"{benefit}\" from \"{source}\" is in the baseline twice (rows {} and {})",
                    earlier.row, row.number
                ))
                .at(here(Some(format!("row {}", row.number))))
                .help("keep one row per benefit and source"),
            );
            continue;
        }
        if let Some(col) = wave_col {
            let wave = text(col);
            if !wave.is_empty() && !waves.contains(&wave) {
                waves.push(wave);
            }
        }
        figures.push(BaselineFigure {
            benefit,
            source,
            n,
            total,
            label: label_col.map(text).filter(|l| !l.is_empty()),
            row: row.number,
        });
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(Baseline {
        file: path.to_path_buf(),
        wave: (waves.len() == 1).then(|| waves.remove(0)),
        figures,
        respondents: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Baseline, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.csv");
        std::fs::write(&path, text).unwrap();
        read_baseline(&path, &Limits::default())
    }

    #[test]
    fn reads_a_hand_made_table_and_an_earlier_reports_benefits_csv() {
        let b = read(
            "benefit,source,n,N,wave\nisolation,survey,60,90,2023\nconfidence,survey,,90,2023\n",
        )
        .unwrap();
        assert_eq!(b.wave.as_deref(), Some("2023"));
        assert_eq!(b.figures.len(), 2);
        assert_eq!(b.figure("isolation", "survey").unwrap().n, Some(60));
        assert_eq!(b.figure("confidence", "survey").unwrap().n, None);

        let b = read(
            "benefit,label,source,group,n,N,percent,ci_low,ci_high,suppressed\n\
             isolation,Less isolated,survey,Attendees,77,91,84.6,75.8,90.6,false\n",
        )
        .unwrap();
        assert_eq!(b.figure("isolation", "survey").unwrap().total, Some(91));
        assert_eq!(b.wave, None);
    }

    #[test]
    fn problems_name_their_cell_and_all_are_reported() {
        let errors =
            read("benefit,source,n,N\na,s,x,10\nb,s,12,10\na,s,1,2\n,s,1,2\n").unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 4, "{text:#?}");
        assert!(
            text[0].contains("\"x\" is not a whole number") && text[0].contains("C2"),
            "{}",
            text[0]
        );
        assert!(
            text[1].contains("n (12) is larger than N (10)") && text[1].contains("C3"),
            "{}",
            text[1]
        );
        assert!(text[2].contains("twice (rows 2 and 4)"), "{}", text[2]);
        assert!(text[3].contains("without its benefit"), "{}", text[3]);
    }

    #[test]
    fn a_missing_column_says_which_and_what_is_there() {
        let errors = read("benefit,source,count,total\na,s,1,2\n").unwrap_err();
        let text = errors[0].to_string();
        assert!(text.contains("\"n\", \"N\""), "{text}");
        assert!(text.contains("benefit, source, count, total"), "{text}");
    }
}

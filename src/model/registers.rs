//! The service's own registers, for the half-yearly summaries: attendance registers (one row per
//! person per session) and session logs (one row per session planned).
//!
//! A register is read with one header row; the spec names the column of each field. Every row
//! is accounted for in the register's ledger: used, or excluded with its reason (no date, no
//! locality, no attendee). A date that cannot be read, or that could be read two ways, is an
//! error naming its cell: registers are typed by hand, and a guessed date would move a woman
//! into the wrong month or period.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::build::{cell_ref, SheetRows, SourceReader};
use super::{LedgerEntry, Outcome};
use crate::diagnostic::{Diagnostic, Location};
use crate::ingest::dates::parse_date_column;
use crate::ingest::normalise::clean_text;
use crate::ingest::table::{Column, Table};
use crate::ingest::{Cell, RawRow};
use crate::spec::SourceKind;
use crate::spec_path;

/// One row of an attendance register.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attendance {
    /// The register's source name.
    pub source: String,
    pub date: NaiveDate,
    pub locality: String,
    /// A pseudonymous id, the same for one woman across sessions.
    pub attendee: String,
    pub referral: Option<String>,
    /// Date of secondary diagnosis, where known.
    pub diagnosed: Option<NaiveDate>,
    /// The register row, for the row ledger.
    pub row: u32,
}

/// One row of a session log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Session {
    /// The log's source name.
    pub source: String,
    pub date: NaiveDate,
    pub locality: String,
    pub topic: Option<String>,
    pub speaker: Option<String>,
    pub went_ahead: bool,
    pub row: u32,
}

/// One register source, read.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegisterData {
    pub name: String,
    pub kind: SourceKind,
    pub file: PathBuf,
    pub sheet: String,
    /// Attendance registers: the rows with a date, locality and attendee.
    pub attendances: Vec<Attendance>,
    /// Session logs: the rows with a date and locality.
    pub sessions: Vec<Session>,
    pub ledger: Vec<LedgerEntry>,
}

/// How people write "it went ahead" and "it did not", on its own or before a reason
/// ("No - snow", "Cancelled (room flooded)").
fn went_ahead(text: &str) -> Option<bool> {
    let read = |t: &str| match t {
        "yes" | "y" | "true" | "1" | "held" | "went ahead" | "ran" | "x" => Some(true),
        "no" | "n" | "false" | "0" | "cancelled" | "canceled" | "postponed" | "not held"
        | "did not go ahead" | "not" => Some(false),
        _ => None,
    };
    let t = text.trim().to_lowercase();
    read(&t).or_else(|| {
        let first = t.split(|c: char| !c.is_alphanumeric()).next()?;
        (first != "not" || t.starts_with("not ")).then(|| read(first))?
    })
}

impl SourceReader<'_> {
    pub(super) fn read_register(&mut self, table: &Table) -> RegisterData {
        let source = self.source;
        let mut data = RegisterData {
            name: source.name.clone(),
            kind: source.kind,
            file: table.file.clone(),
            sheet: table.sheet.clone(),
            attendances: Vec::new(),
            sessions: Vec::new(),
            ledger: Vec::new(),
        };
        let mut columns: Vec<(&'static str, Option<&Column>)> = Vec::new();
        let mut missing_required = false;
        // The spec check reports a key of the other kind of register; it is not looked for.
        let own: &[&str] = match source.kind {
            SourceKind::Attendance => &["date", "locality", "attendee", "referral", "diagnosed"],
            _ => &["date", "locality", "topic", "speaker", "held"],
        };
        for (key, name) in source.register_columns() {
            let Some(name) = name.filter(|_| own.contains(&key)) else {
                columns.push((key, None));
                continue;
            };
            let column = self.column(
                table,
                name,
                spec_path!["sources", self.index, key],
                &format!("the register's {key}"),
            );
            missing_required |= column.is_none() && matches!(key, "date" | "locality" | "attendee");
            columns.push((key, column));
        }
        let col = |key: &str| {
            columns
                .iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, c)| *c)
        };
        let mut rows = SheetRows::new(&source.name, table);
        let kept = rows.non_blank(&source.name);
        if missing_required {
            // The missing column is reported; the rows cannot be read without it.
            for row in kept {
                rows.push(
                    &source.name,
                    row.number,
                    row.number,
                    None,
                    Outcome::Excluded,
                    Some("a column the register needs is missing".into()),
                );
            }
            data.ledger = rows.ledger;
            return data;
        }
        let dates = self.date_column(table, &kept, col("date"));
        let diagnosed = self.date_column(table, &kept, col("diagnosed"));
        let text = |row: &RawRow, key: &str| -> Option<String> {
            let column = col(key)?;
            let text = clean_text(&table.cell(row, column).to_text()).text;
            (!text.is_empty()).then_some(text)
        };
        for (k, row) in kept.iter().enumerate() {
            let locality = text(row, "locality");
            let attendee = text(row, "attendee");
            let mut exclude = |reason: &str, respondent: Option<String>| {
                rows.push(
                    &source.name,
                    row.number,
                    row.number,
                    respondent,
                    Outcome::Excluded,
                    Some(reason.to_string()),
                );
            };
            let date = match &dates[k] {
                Err(()) => {
                    exclude("the date could not be read", attendee);
                    continue;
                }
                Ok(None) => {
                    exclude("no session date", attendee);
                    continue;
                }
                Ok(Some(date)) => *date,
            };
            let Some(locality) = locality else {
                exclude("no locality", attendee);
                continue;
            };
            match source.kind {
                SourceKind::Attendance => {
                    let Some(attendee) = attendee else {
                        exclude("no attendee id", None);
                        continue;
                    };
                    let Ok(diagnosed) = diagnosed[k] else {
                        exclude("the date of diagnosis could not be read", Some(attendee));
                        continue;
                    };
                    data.attendances.push(Attendance {
                        source: source.name.clone(),
                        date,
                        locality,
                        attendee: attendee.clone(),
                        referral: text(row, "referral"),
                        diagnosed,
                        row: row.number,
                    });
                    rows.push(
                        &source.name,
                        row.number,
                        row.number,
                        Some(attendee),
                        Outcome::Used,
                        None,
                    );
                }
                _ => {
                    let went = match col("held") {
                        None => true,
                        Some(column) => {
                            let cell = table.cell(row, column);
                            match went_ahead(&cell.to_text()) {
                                Some(went) => went,
                                None if cell.is_blank() => true,
                                None => {
                                    let place = cell_ref(table, row.number, column);
                                    self.diagnostics.push(
                                        Diagnostic::error(format!(
                                            "\"{}\" in column \"{}\" does not say whether the session went ahead",
                                            cell.to_text(),
                                            column.name
                                        ))
                                        .at(Location::in_data(
                                            &table.file,
                                            table.has_cells().then_some(table.sheet.as_str()),
                                            Some(place),
                                        ))
                                        .help("write Yes or No (or held / cancelled)"),
                                    );
                                    exclude("whether it went ahead could not be read", None);
                                    continue;
                                }
                            }
                        }
                    };
                    data.sessions.push(Session {
                        source: source.name.clone(),
                        date,
                        locality,
                        topic: text(row, "topic"),
                        speaker: text(row, "speaker"),
                        went_ahead: went,
                        row: row.number,
                    });
                    rows.push(
                        &source.name,
                        row.number,
                        row.number,
                        None,
                        Outcome::Used,
                        None,
                    );
                }
            }
        }
        data.ledger = rows.ledger;
        data
    }

    /// The dates of one column over `rows`, day and month order decided for the whole column;
    /// each cell that cannot be read is an error naming it (and `Err(())` here).
    fn date_column(
        &mut self,
        table: &Table,
        rows: &[&RawRow],
        column: Option<&Column>,
    ) -> Vec<Result<Option<NaiveDate>, ()>> {
        let Some(column) = column else {
            return vec![Ok(None); rows.len()];
        };
        let cells: Vec<&Cell> = rows.iter().map(|row| table.cell(row, column)).collect();
        let sheet = table.has_cells().then_some(table.sheet.as_str());
        parse_date_column(&cells)
            .into_iter()
            .zip(rows)
            .map(|(result, row)| {
                result.map_err(|e| {
                    let place = cell_ref(table, row.number, column);
                    self.diagnostics.push(
                        Diagnostic::error(format!("{e} (column \"{}\")", column.name))
                            .at(Location::in_data(&table.file, sheet, Some(place)))
                            .help("write the date as 2026-05-13, or 13/05/2026 with the day first as in the rest of the column"),
                    );
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::went_ahead;

    #[test]
    fn went_ahead_reads_how_people_write_it() {
        for yes in ["Yes", "y", "TRUE", "1", "Held", " went ahead "] {
            assert_eq!(went_ahead(yes), Some(true), "{yes}");
        }
        for no in [
            "No",
            "N",
            "false",
            "0",
            "Cancelled",
            "canceled",
            "Postponed",
            "No - snow",
            "Cancelled (room flooded)",
            "Not held",
        ] {
            assert_eq!(went_ahead(no), Some(false), "{no}");
        }
        assert_eq!(went_ahead("Yes, late start"), Some(true));
        assert_eq!(went_ahead("maybe"), None);
        assert_eq!(went_ahead("Nobody came"), None);
    }
}

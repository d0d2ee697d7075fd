//! Reporting periods for the half-yearly summaries.
//!
//! A period is `YYYY-H1` (January–June), `YYYY-H2` (July–December), `YYYY-Qn`, or any
//! `from`–`to` range of days; each has a previous period of the same length to compare with.
//!
//! The dates in registers are read by [`crate::ingest::dates`].

use chrono::{Datelike, Months, NaiveDate};

/// A reporting period: every day from `start` to `end`, both included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// As given ("2026-H1") or written out ("2026-03-01 to 2026-05-31").
    pub label: String,
}

/// Why a period could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("\"{0}\" is not a period: write 2026-H1, 2026-H2, 2026-Q1 … 2026-Q4, or give --from and --to")]
    Unknown(String),
    #[error("\"{0}\" is not a date: write it as 2026-03-31")]
    BadDate(String),
    #[error("the period ends ({end}) before it starts ({start})")]
    Backwards { start: NaiveDate, end: NaiveDate },
}

impl Period {
    /// `2026-H1`, `2026-h2`, `2026-Q3`.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let unknown = || PeriodError::Unknown(text.to_string());
        let (year, part) = text.trim().split_once('-').ok_or_else(unknown)?;
        let year: i32 = year.parse().map_err(|_| unknown())?;
        if !(1900..=2999).contains(&year) {
            return Err(unknown());
        }
        let part = part.to_ascii_uppercase();
        let (first_month, months) = match part.as_str() {
            "H1" => (1, 6),
            "H2" => (7, 6),
            "Q1" => (1, 3),
            "Q2" => (4, 3),
            "Q3" => (7, 3),
            "Q4" => (10, 3),
            _ => return Err(unknown()),
        };
        let start = NaiveDate::from_ymd_opt(year, first_month, 1).ok_or_else(unknown)?;
        let end = start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .ok_or_else(unknown)?;
        Ok(Period {
            start,
            end,
            label: format!("{year}-{part}"),
        })
    }

    /// `--from 2026-03-01 --to 2026-05-31`.
    pub fn between(from: &str, to: &str) -> Result<Period, PeriodError> {
        let date = |text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| PeriodError::BadDate(text.to_string()))
        };
        let (start, end) = (date(from)?, date(to)?);
        if end < start {
            return Err(PeriodError::Backwards { start, end });
        }
        Ok(Period {
            start,
            end,
            label: format!("{start} to {end}"),
        })
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The period of the same length just before this one: H1 → the previous H2, Q1 → the
    /// previous Q4, and a range of days → as many days before it.
    pub fn previous(&self) -> Period {
        let whole_months =
            self.start.day() == 1 && self.end.succ_opt().is_some_and(|next| next.day() == 1);
        if whole_months {
            let months = month_index(self.end) - month_index(self.start) + 1;
            if let Some(start) = self.start.checked_sub_months(Months::new(months as u32)) {
                let end = self.start.pred_opt().unwrap_or(self.start);
                let label = match (months, start.month()) {
                    (6, 1) => format!("{}-H1", start.year()),
                    (6, 7) => format!("{}-H2", start.year()),
                    (3, m) if (m - 1) % 3 == 0 => format!("{}-Q{}", start.year(), (m - 1) / 3 + 1),
                    _ => format!("{start} to {end}"),
                };
                return Period { start, end, label };
            }
        }
        let days = (self.end - self.start).num_days() + 1;
        let end = self.start.pred_opt().unwrap_or(self.start);
        let start = end - chrono::Duration::days(days - 1);
        Period {
            start,
            end,
            label: format!("{start} to {end}"),
        }
    }
}

fn month_index(date: NaiveDate) -> i32 {
    date.year() * 12 + date.month0() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn halves_and_quarters_cover_their_months() {
        let h1 = Period::parse("2026-H1").unwrap();
        assert_eq!((h1.start, h1.end), (date(2026, 1, 1), date(2026, 6, 30)));
        let h2 = Period::parse("2026-h2").unwrap();
        assert_eq!(
            (h2.start, h2.end, h2.label.as_str()),
            (date(2026, 7, 1), date(2026, 12, 31), "2026-H2")
        );
        let q1 = Period::parse("2024-Q1").unwrap();
        assert_eq!(q1.end, date(2024, 3, 31));
        assert!(q1.contains(date(2024, 2, 29)) && !q1.contains(date(2024, 4, 1)));
        for bad in ["2026", "2026-H3", "26-H1", "H1-2026", "2026-Q5"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_previous_period_has_the_same_length() {
        let p = Period::parse("2026-H1").unwrap().previous();
        assert_eq!(
            (p.start, p.end, p.label.as_str()),
            (date(2025, 7, 1), date(2025, 12, 31), "2025-H2")
        );
        let p = Period::parse("2026-Q1").unwrap().previous();
        assert_eq!(
            (p.start, p.end, p.label.as_str()),
            (date(2025, 10, 1), date(2025, 12, 31), "2025-Q4")
        );
        let range = Period::between("2026-03-10", "2026-03-19").unwrap();
        let p = range.previous();
        assert_eq!((p.start, p.end), (date(2026, 2, 28), date(2026, 3, 9)));
        assert!(Period::between("2026-03-10", "2026-03-01").is_err());
    }
}

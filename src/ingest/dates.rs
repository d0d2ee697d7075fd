//! Dates as registers write them: Excel dates, ISO `2026-05-13`, UK `13/05/2026`,
//! `13 May 2026`. A date like `05/06/2026` could be 5 June or 6 May, so the order of day and
//! month is decided for a whole column from the values that can only be read one way
//! (`13/05/2026`); when a column holds nothing that decides it, or holds both orders, each
//! ambiguous cell is an error naming it, never a guess.

use chrono::NaiveDate;

use super::Cell;

/// The order of day and month in a column's slash dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOrder {
    /// 13/05/2026: day first, as in the UK.
    DayFirst,
    /// 05/13/2026: month first, as in the US.
    MonthFirst,
}

/// Why one cell's date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("\"{0}\" is not a date")]
    NotADate(String),
    #[error(
        "\"{0}\" could be read day-first or month-first, and nothing else in the column decides which"
    )]
    Ambiguous(String),
    #[error(
        "\"{text}\" is month-first, but the column also has day-first dates such as \"{other}\""
    )]
    Mixed { text: String, other: String },
}

/// Reads a column of date cells: the order of day and month is decided from the whole column.
/// Blank cells are `Ok(None)`; every other cell is a date or an error of its own.
pub fn parse_date_column(cells: &[&Cell]) -> Vec<Result<Option<NaiveDate>, DateError>> {
    let mut day_first_evidence: Option<String> = None;
    let mut month_first_evidence: Option<String> = None;
    for cell in cells {
        if let Cell::Text(text) = cell {
            if let Some((a, b, _)) = slash_parts(text) {
                if a > 12 && b <= 12 && day_first_evidence.is_none() {
                    day_first_evidence = Some(text.trim().to_string());
                }
                if b > 12 && a <= 12 && month_first_evidence.is_none() {
                    month_first_evidence = Some(text.trim().to_string());
                }
            }
        }
    }
    let order = match (&day_first_evidence, &month_first_evidence) {
        (Some(_), None) => Some(DayOrder::DayFirst),
        (None, Some(_)) => Some(DayOrder::MonthFirst),
        _ => None,
    };
    cells
        .iter()
        .map(|cell| {
            parse_date(cell, order).map_err(|e| {
                match (&e, &day_first_evidence, &month_first_evidence) {
                    (DateError::Ambiguous(text), Some(day), Some(_)) => DateError::Mixed {
                        text: text.clone(),
                        other: day.clone(),
                    },
                    _ => e,
                }
            })
        })
        .collect()
}

/// One cell as a date, slash dates read in `order` (an error if they need it and it is `None`).
pub fn parse_date(cell: &Cell, order: Option<DayOrder>) -> Result<Option<NaiveDate>, DateError> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(datetime) => Ok(Some(datetime.date())),
        Cell::Text(text) if text.trim().is_empty() => Ok(None),
        Cell::Text(text) => parse_date_text(text.trim(), order).map(Some),
        other => Err(DateError::NotADate(other.to_text())),
    }
}

fn parse_date_text(text: &str, order: Option<DayOrder>) -> Result<NaiveDate, DateError> {
    let not_a_date = || DateError::NotADate(text.to_string());
    // ISO, with or without a time after it.
    let date_part = text.split([' ', 'T']).next().unwrap_or(text);
    let four_digit_year = date_part.len() >= 10
        && date_part.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && date_part.as_bytes()[4] == b'-';
    if four_digit_year {
        if let Ok(date) = NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
            return Ok(date);
        }
    }
    if let Some((a, b, year)) = slash_parts(text) {
        let (day, month) = match (a > 12, b > 12, order) {
            (true, false, _) => (a, b),
            (false, true, _) => (b, a),
            (false, false, _) if a == b => (a, b),
            (false, false, Some(DayOrder::DayFirst)) => (a, b),
            (false, false, Some(DayOrder::MonthFirst)) => (b, a),
            (false, false, None) => return Err(DateError::Ambiguous(text.to_string())),
            (true, true, _) => return Err(not_a_date()),
        };
        return NaiveDate::from_ymd_opt(year, month, day).ok_or_else(not_a_date);
    }
    // Written out: "13 May 2026", "13 May, 2026", "May 13, 2026", "Wed 13 May 2026".
    let words: Vec<&str> = text
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .filter(|w| !is_weekday(w))
        .collect();
    if words.len() == 3 {
        for (day, month, year) in [(0, 1, 2), (1, 0, 2)] {
            let parsed = (
                words[day]
                    .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                    .parse::<u32>(),
                month_number(words[month]),
                words[year].parse::<i32>(),
            );
            if let (Ok(d), Some(m), Ok(y)) = parsed {
                return NaiveDate::from_ymd_opt(y, m, d).ok_or_else(not_a_date);
            }
        }
    }
    Err(not_a_date())
}

/// `13/05/2026`, `13-05-2026` or `13.05.2026` (two-digit years are 20yy) as (first, second,
/// year); `None` for anything else.
fn slash_parts(text: &str) -> Option<(u32, u32, i32)> {
    let text = text.trim();
    let date_part = text.split(' ').next().unwrap_or(text);
    let separator = ['/', '-', '.']
        .into_iter()
        .find(|s| date_part.matches(*s).count() == 2)?;
    let mut parts = date_part.split(separator);
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    if a.len() > 2 || b.len() > 2 || !(y.len() == 2 || y.len() == 4) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let year = if y.len() == 2 { 2000 + year } else { year };
    Some((a.parse().ok()?, b.parse().ok()?, year))
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = word.to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m))
        .map(|i| i as u32 + 1)
}

fn is_weekday(word: &str) -> bool {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let lower = word.to_ascii_lowercase();
    lower.len() >= 3 && DAYS.iter().any(|d| lower.starts_with(d)) && month_number(word).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn text(s: &str) -> Cell {
        Cell::Text(std::sync::Arc::from(s.to_string()))
    }

    #[test]
    fn dates_in_the_forms_registers_use() {
        let cells = [
            Cell::Date(date(2026, 5, 13).and_hms_opt(0, 0, 0).unwrap()),
            text("2026-05-13"),
            text("13/05/2026"),
            text("13-05-26"),
            text("13 May 2026"),
            text("Wed 13 May 2026"),
            text("May 13, 2026"),
            text("13th May 2026"),
        ];
        let refs: Vec<&Cell> = cells.iter().collect();
        for result in parse_date_column(&refs) {
            assert_eq!(result, Ok(Some(date(2026, 5, 13))));
        }
    }

    #[test]
    fn the_column_decides_the_order_of_day_and_month() {
        let day_first = [text("13/05/2026"), text("05/06/2026")];
        let refs: Vec<&Cell> = day_first.iter().collect();
        assert_eq!(parse_date_column(&refs)[1], Ok(Some(date(2026, 6, 5))));

        let month_first = [text("05/13/2026"), text("05/06/2026")];
        let refs: Vec<&Cell> = month_first.iter().collect();
        assert_eq!(parse_date_column(&refs)[1], Ok(Some(date(2026, 5, 6))));

        let undecided = [text("05/06/2026"), text("07/07/2026"), Cell::Empty];
        let refs: Vec<&Cell> = undecided.iter().collect();
        let results = parse_date_column(&refs);
        assert!(matches!(results[0], Err(DateError::Ambiguous(_))));
        assert_eq!(
            results[1],
            Ok(Some(date(2026, 7, 7))),
            "same day and month reads one way"
        );
        assert_eq!(results[2], Ok(None));

        let mixed = [text("13/05/2026"), text("05/13/2026"), text("05/06/2026")];
        let refs: Vec<&Cell> = mixed.iter().collect();
        let results = parse_date_column(&refs);
        assert!(
            matches!(&results[2], Err(DateError::Mixed { other, .. }) if other == "13/05/2026")
        );

        let wrong = [text("31/02/2026"), text("next Tuesday"), Cell::Number(3.0)];
        let refs: Vec<&Cell> = wrong.iter().collect();
        assert!(parse_date_column(&refs)
            .iter()
            .all(|r| matches!(r, Err(DateError::NotADate(_)))));
    }
}

//! Results tables written as CSV and Parquet: one file per table, tidy, one row per figure.
//!
//! Rows are turned into polars frames through serde, so a table's columns are its row
//! struct's fields, in order. Text that a spreadsheet would run as a formula (`=`, `+`, `-`,
//! `@`, tab, carriage return at the start) is prefixed with `'` in the CSV, as OWASP advises
//! for CSV injection; Parquet keeps the text as it is (it is never evaluated).

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;
use serde_json::Value;

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot build or write table {table}: {source}")]
    Polars {
        table: String,
        #[source]
        source: PolarsError,
    },
}

/// The type of a published column, by name, so a table's Parquet schema is the same whatever
/// the data: a column that is empty or entirely suppressed in one run is still a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Count,
    Number,
    Flag,
}

fn declared_kind(field: &str) -> Option<Kind> {
    const COUNTS: &[&str] = &[
        "n",
        "N",
        "count",
        "answered",
        "order",
        "rows",
        "units",
        "interviewees",
        "excerpts",
        "respondents",
        "n_complete",
        "n_excluded",
        "baseline_n",
        "baseline_N",
    ];
    const NUMBERS: &[&str] = &[
        "percent",
        "ci_low",
        "ci_high",
        "mean",
        "q1",
        "median",
        "q3",
        "alpha",
        "item_rest_correlation",
        "alpha_if_dropped",
        "percent_agreement",
        "kappa",
        "krippendorff_alpha",
        "baseline_percent",
        "difference",
        "diff_ci_low",
        "diff_ci_high",
        "p_value",
        "p_holm",
        "cohens_h",
        "this_period",
        "previous_period",
        "change",
        "previous_percent",
    ];
    const FLAGS: &[&str] = &["suppressed", "missing", "multiple", "reversed"];
    if COUNTS.contains(&field) {
        Some(Kind::Count)
    } else if NUMBERS.contains(&field) {
        Some(Kind::Number)
    } else if FLAGS.contains(&field) {
        Some(Kind::Flag)
    } else {
        None
    }
}

/// A frame whose columns are the fields of `T` (which must serialise as a flat map). Columns
/// named in `declared_kind` get their declared type; others are typed from the values:
/// whole numbers as Int64, other numbers as Float64, booleans, and text.
pub fn frame_from_rows<T: Serialize>(rows: &[T], fields: &[&str]) -> PolarsResult<DataFrame> {
    let values: Vec<serde_json::Map<String, Value>> = rows
        .iter()
        .map(|r| match serde_json::to_value(r) {
            Ok(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        })
        .collect();
    let mut columns = Vec::with_capacity(fields.len());
    for &field in fields {
        let cells: Vec<&Value> = values
            .iter()
            .map(|m| m.get(field).unwrap_or(&Value::Null))
            .collect();
        let non_null: Vec<&&Value> = cells.iter().filter(|v| !v.is_null()).collect();
        let name: PlSmallStr = field.into();
        let declared = declared_kind(field).filter(|kind| {
            non_null.iter().all(|v| match kind {
                Kind::Count => v.is_i64() || v.is_u64(),
                Kind::Number => v.is_number(),
                Kind::Flag => v.is_boolean(),
            })
        });
        let column = if let Some(kind) = declared {
            match kind {
                Kind::Count => {
                    Column::new(name, cells.iter().map(|v| v.as_i64()).collect::<Vec<_>>())
                }
                Kind::Number => {
                    Column::new(name, cells.iter().map(|v| v.as_f64()).collect::<Vec<_>>())
                }
                Kind::Flag => {
                    Column::new(name, cells.iter().map(|v| v.as_bool()).collect::<Vec<_>>())
                }
            }
        } else if non_null.iter().all(|v| v.is_boolean()) && !non_null.is_empty() {
            Column::new(name, cells.iter().map(|v| v.as_bool()).collect::<Vec<_>>())
        } else if non_null.iter().all(|v| v.is_i64() || v.is_u64()) && !non_null.is_empty() {
            Column::new(name, cells.iter().map(|v| v.as_i64()).collect::<Vec<_>>())
        } else if non_null.iter().all(|v| v.is_number()) && !non_null.is_empty() {
            Column::new(name, cells.iter().map(|v| v.as_f64()).collect::<Vec<_>>())
        } else {
            Column::new(
                name,
                cells
                    .iter()
                    .map(|v| match v {
                        Value::Null => None,
                        Value::String(s) => Some(s.clone()),
                        other => Some(other.to_string()),
                    })
                    .collect::<Vec<_>>(),
            )
        };
        columns.push(column);
    }
    DataFrame::new_infer_height(columns)
}

/// Writes `rows` as `dir/<name>.csv` and `dir/<name>.parquet`, columns in `fields` order.
pub fn write_table<T: Serialize>(
    dir: &Path,
    name: &str,
    rows: &[T],
    fields: &[&str],
) -> Result<(), TableError> {
    let polars_error = |source| TableError::Polars {
        table: name.to_string(),
        source,
    };
    let mut frame = frame_from_rows(rows, fields).map_err(polars_error)?;
    let csv_path = dir.join(format!("{name}.csv"));
    let mut csv_frame = neutralise_formulas(&frame).map_err(polars_error)?;
    let file = File::create(&csv_path).map_err(|source| TableError::Io {
        path: csv_path.clone(),
        source,
    })?;
    CsvWriter::new(file)
        .finish(&mut csv_frame)
        .map_err(polars_error)?;
    let parquet_path = dir.join(format!("{name}.parquet"));
    let file = File::create(&parquet_path).map_err(|source| TableError::Io {
        path: parquet_path.clone(),
        source,
    })?;
    ParquetWriter::new(file)
        .finish(&mut frame)
        .map_err(polars_error)?;
    Ok(())
}

/// Text that would start a spreadsheet formula, made inert with a leading apostrophe.
pub fn neutralise_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn neutralise_formulas(frame: &DataFrame) -> PolarsResult<DataFrame> {
    let mut columns = Vec::with_capacity(frame.width());
    for column in frame.columns() {
        if column.dtype() == &DataType::String {
            let values: Vec<Option<String>> = column
                .str()?
                .iter()
                .map(|v| v.map(neutralise_formula))
                .collect();
            columns.push(Column::new(column.name().clone(), values));
        } else {
            columns.push(column.clone());
        }
    }
    DataFrame::new_infer_height(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        name: String,
        n: Option<u64>,
        percent: Option<f64>,
        suppressed: bool,
    }

    /// An empty table, or a column every row of which is suppressed, keeps its numeric type:
    /// a researcher's code reading the Parquet must not break on a quiet run.
    #[test]
    fn declared_columns_keep_their_type_when_empty_or_all_hidden() {
        let fields = ["name", "n", "percent", "suppressed"];
        let empty = frame_from_rows::<Row>(&[], &fields).unwrap();
        let hidden = frame_from_rows(
            &[Row {
                name: "a".into(),
                n: None,
                percent: None,
                suppressed: true,
            }],
            &fields,
        )
        .unwrap();
        for frame in [empty, hidden] {
            let types: Vec<DataType> = frame.dtypes();
            assert_eq!(
                types,
                [
                    DataType::String,
                    DataType::Int64,
                    DataType::Float64,
                    DataType::Boolean
                ]
            );
        }
    }

    #[test]
    fn frames_take_their_columns_from_the_row_struct() {
        let rows = vec![
            Row {
                name: "=HYPERLINK(\"x\")".into(),
                n: Some(3),
                percent: Some(37.5),
                suppressed: false,
            },
            Row {
                name: "b".into(),
                n: None,
                percent: None,
                suppressed: true,
            },
        ];
        let fields = ["name", "n", "percent", "suppressed"];
        let dir = tempfile::tempdir().unwrap();
        write_table(dir.path(), "t", &rows, &fields).unwrap();
        let csv = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
        assert_eq!(
            csv,
            "name,n,percent,suppressed\n\"'=HYPERLINK(\"\"x\"\")\",3,37.5,false\nb,,,true\n"
        );
        assert!(dir.path().join("t.parquet").is_file());
    }

    #[test]
    fn formulas_are_neutralised_as_owasp_advises() {
        for text in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx"] {
            assert!(neutralise_formula(text).starts_with('\''), "{text}");
        }
        assert_eq!(neutralise_formula("Agree"), "Agree");
    }
}

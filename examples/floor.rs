//! The benchmark's floor: the least any reader of the file must do.
//!
//! For a workbook, calamine's streaming reader (`worksheet_cells_reader`, the call impactkit's
//! own XLSX reader is built on) visits every cell of the first worksheet and nothing else
//! happens: no conversion, no tables, no report. For a CSV file (the benchmark's 1M-row size),
//! the `csv` crate visits every field. Either way it counts the cells and adds up the length of
//! their text, and prints both, so that the reading cannot be optimised away.
//!
//! ```text
//! cargo run --release --example floor -- benches/large/survey.xlsx
//! ```
//!
//! `scripts/bench` compares `impactkit report` with this time: the issue's target is 1.5×.

use std::error::Error;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};

type AnyResult<T> = Result<T, Box<dyn Error>>;

#[derive(Default)]
struct Visited {
    cells: u64,
    text_bytes: u64,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: floor FILE.xlsx|FILE.csv");
        std::process::exit(2);
    };
    let path = Path::new(&path);
    let is_csv = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"));
    let visited = if is_csv {
        visit_csv(path)
    } else {
        visit_xlsx(path)
    };
    match visited {
        Ok(visited) => println!(
            "{} cells, {} bytes of text",
            visited.cells, visited.text_bytes
        ),
        Err(err) => {
            eprintln!("floor: {}: {err}", path.display());
            std::process::exit(1);
        }
    }
}

fn visit_xlsx(path: &Path) -> AnyResult<Visited> {
    let mut book: Xlsx<_> = Xlsx::new(BufReader::new(File::open(path)?))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or("the workbook has no sheets")?;
    let mut cells = book.worksheet_cells_reader(&sheet)?;
    let mut visited = Visited::default();
    while let Some(cell) = cells.next_cell()? {
        visited.cells += 1;
        match cell.get_value() {
            DataRef::SharedString(text) => visited.text_bytes += text.len() as u64,
            DataRef::String(text) => visited.text_bytes += text.len() as u64,
            _ => {}
        }
    }
    Ok(visited)
}

fn visit_csv(path: &Path) -> AnyResult<Visited> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::new(File::open(path)?));
    let mut record = csv::ByteRecord::new();
    let mut visited = Visited::default();
    while reader.read_byte_record(&mut record)? {
        for field in record.iter() {
            visited.cells += 1;
            visited.text_bytes += field.len() as u64;
        }
    }
    Ok(visited)
}

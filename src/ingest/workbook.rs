//! Workbooks (XLSX, XLSM, XLSB, XLS, ODS) through calamine, after the guard has passed them.
//!
//! XLSX/XLSM/XLSB sheets are read cell by cell and stored sparsely: only rows that hold a
//! value, each dense up to its last value, with `max_rows`, `max_columns` and `max_cells`
//! enforced as cells arrive. `worksheet_range` is never used for them because it allocates the
//! whole rectangle between the outermost cells. calamine offers nothing but `worksheet_range`
//! for XLS and ODS; there [`super::guard`] has already bounded that rectangle.
//!
//! An XLSX is read on two cores: calamine parses the sheet's XML on a thread of its own while
//! this one files the cells into rows, and the scan for merged cells runs beside both.
//!
//! calamine is third-party code reading hostile bytes: every call into it runs under
//! `catch_unwind`, so that a panic on a malformed file becomes `Corrupt` instead of ending the
//! program. (Allocation failures abort and cannot be caught; preventing them is the guard's
//! job.)
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use calamine::{
    Data, DataRef, Dimensions, ExcelDateTime, Ods, OdsError, Range, Reader, SheetType, Xls,
    XlsError, Xlsb, XlsbError, Xlsx, XlsxError,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::guard::{self, zip_error};
use super::{
    a1, Cell, Format, IngestError, Limits, MergedRange, RawRow, RawSheet, ReadNote, SheetSelection,
    Workbook,
};

/// Excel's last representable date, 9999-12-31, is serial 2,958,465; calamine's conversion
/// can panic on serials far outside the range, so only these are converted.
const EXCEL_MAX_SERIAL: f64 = 2_958_466.0;

pub(crate) fn read_spreadsheet(
    path: &Path,
    format: Format,
    sheets: SheetSelection<'_>,
    limits: &Limits,
) -> Result<Workbook, IngestError> {
    guard::check(path, format, limits)?;
    let outcome = catch_unwind(AssertUnwindSafe(|| match format {
        Format::Xlsx | Format::Xlsm => read_xlsx(path, format, sheets, limits),
        Format::Xlsb => read_xlsb(path, sheets, limits),
        Format::Xls => read_xls(path, sheets, limits),
        Format::Ods => read_ods(path, sheets, limits),
        Format::Csv | Format::Tsv => Err(IngestError::Unsupported {
            path: path.to_path_buf(),
            message: format!(
                "{} files are read by the text reader, not as workbooks",
                format.name()
            ),
        }),
    }));
    outcome.unwrap_or_else(|payload| Err(gave_up(path, format, payload.as_ref())))
}

/// A reader's panic on malformed data as the error a person sees.
fn gave_up(path: &Path, format: Format, payload: &(dyn std::any::Any + Send)) -> IngestError {
    let reason = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    IngestError::Corrupt {
        path: path.to_path_buf(),
        detail: format!(
            "the {} reader gave up on malformed data: {reason}",
            format.name()
        ),
    }
}

fn open(path: &Path) -> Result<BufReader<File>, IngestError> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })
}

fn corrupt(path: &Path, detail: impl std::fmt::Display) -> IngestError {
    IngestError::Corrupt {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

/// An I/O error met while calamine reads: failing to open is `Io`; anything else (a file that
/// ends early, bytes that do not decode) means the file is damaged.
fn read_io_error(path: &Path, source: std::io::Error) -> IngestError {
    match source.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => IngestError::Io {
            path: path.to_path_buf(),
            source,
        },
        _ => corrupt(path, source),
    }
}

fn encrypted(path: &Path) -> IngestError {
    IngestError::Encrypted {
        path: path.to_path_buf(),
    }
}

fn xlsx_error(path: &Path, error: XlsxError) -> IngestError {
    match error {
        XlsxError::Password => encrypted(path),
        XlsxError::Io(source) => read_io_error(path, source),
        XlsxError::Zip(zip) => zip_error(path, zip),
        other => corrupt(path, other),
    }
}

fn xlsb_error(path: &Path, error: XlsbError) -> IngestError {
    match error {
        XlsbError::Password => encrypted(path),
        XlsbError::Io(source) => read_io_error(path, source),
        XlsbError::Zip(zip) => zip_error(path, zip),
        other => corrupt(path, other),
    }
}

fn xls_error(path: &Path, error: XlsError) -> IngestError {
    match error {
        XlsError::Password => encrypted(path),
        XlsError::Io(source) => read_io_error(path, source),
        other => corrupt(path, other),
    }
}

fn ods_error(path: &Path, limits: &Limits, error: OdsError) -> IngestError {
    match error {
        OdsError::Password => encrypted(path),
        OdsError::Io(source) => read_io_error(path, source),
        OdsError::Zip(zip) => zip_error(path, zip),
        OdsError::CellLimitExceeded { requested, max } => IngestError::LimitExceeded {
            path: path.to_path_buf(),
            what: format!("the number of cells of a sheet (the ODS reader's own cap is {max})"),
            found: requested as u64,
            limit: limits.max_cells,
            setting: "max_cells",
        },
        other => corrupt(path, other),
    }
}

/// The sheet names to load, in workbook order. `First` means the first worksheet (a leading
/// chart sheet has no cells to read).
fn choose_sheets(
    path: &Path,
    all: &[(String, SheetType)],
    selection: SheetSelection<'_>,
) -> Result<Vec<String>, IngestError> {
    if all.is_empty() {
        return Err(IngestError::NoSheets {
            path: path.to_path_buf(),
        });
    }
    match selection {
        SheetSelection::All => Ok(all.iter().map(|(name, _)| name.clone()).collect()),
        SheetSelection::First => {
            let first = all
                .iter()
                .find(|(_, kind)| *kind == SheetType::WorkSheet)
                .unwrap_or(&all[0]);
            Ok(vec![first.0.clone()])
        }
        SheetSelection::Named(wanted) => {
            let exact = all.iter().find(|(name, _)| name == wanted);
            let loose = || {
                let wanted = wanted.to_lowercase();
                all.iter().find(|(name, _)| name.to_lowercase() == wanted)
            };
            match exact.or_else(loose) {
                Some((name, _)) => Ok(vec![name.clone()]),
                None => Err(IngestError::SheetNotFound {
                    path: path.to_path_buf(),
                    sheet: wanted.to_string(),
                    available: all.iter().map(|(name, _)| name.clone()).collect(),
                }),
            }
        }
    }
}

fn sheet_list<RS, R>(book: &R) -> Vec<(String, SheetType)>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
{
    book.sheets_metadata()
        .iter()
        .map(|sheet| (sheet.name.clone(), sheet.typ))
        .collect()
}

fn workbook(
    path: &Path,
    format: Format,
    all: &[(String, SheetType)],
    sheets: Vec<RawSheet>,
) -> Workbook {
    Workbook {
        path: path.to_path_buf(),
        format,
        text_details: None,
        sheet_names: all.iter().map(|(name, _)| name.clone()).collect(),
        sheets,
    }
}

fn merged_ranges(dimensions: &[Dimensions]) -> Vec<MergedRange> {
    dimensions
        .iter()
        .map(|d| MergedRange {
            first: d.start,
            last: d.end,
        })
        .collect()
}

fn read_xlsx(
    path: &Path,
    format: Format,
    selection: SheetSelection<'_>,
    limits: &Limits,
) -> Result<Workbook, IngestError> {
    let mut book: Xlsx<_> = Xlsx::new(open(path)?).map_err(|e| xlsx_error(path, e))?;
    let all = sheet_list(&book);
    let chosen = choose_sheets(path, &all, selection)?;
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        // The scan for merged cells inflates the workbook a second time; it runs on another
        // core while calamine reads the cells (or here, later, if no thread can be had).
        let mut scan = std::thread::Builder::new()
            .name("impactkit-merges".to_string())
            .spawn_scoped(scope, || may_have_merged_cells(path, &stop))
            .ok();
        let read = (|| {
            let mut may_have_merges = None;
            let mut shared = SharedTexts::default();
            let mut sheets = Vec::new();
            for name in chosen {
                let mut builder = SheetBuilder::new(path, &name, limits);
                match book.worksheet_cells_reader(&name) {
                    Ok(cells) => stream_xlsx_cells(path, cells, &mut shared, &mut builder)?,
                    Err(XlsxError::NotAWorksheet(kind)) => builder.note_whole_sheet(format!(
                        "sheet \"{name}\" is a {kind}, not a worksheet; it has no cells to read"
                    )),
                    Err(e) => return Err(xlsx_error(path, e)),
                }
                // Merges are a reading aid, not data: a sheet whose merge list cannot be read
                // is still read, with a note. A scan that failed answers yes, as it does
                // itself.
                let may_have = *may_have_merges.get_or_insert_with(|| match scan.take() {
                    Some(scan) => scan.join().unwrap_or(true),
                    None => may_have_merged_cells(path, &stop),
                });
                let merged = if !may_have {
                    Vec::new()
                } else {
                    match book.merge_cells_by_sheet_name(&name) {
                        Ok(dimensions) => merged_ranges(&dimensions),
                        Err(e) => {
                            builder.note_whole_sheet(format!(
                                "the merged cells could not be read: {e}"
                            ));
                            Vec::new()
                        }
                    }
                };
                sheets.push(builder.finish(merged));
            }
            Ok(workbook(path, format, &all, sheets))
        })();
        // A read that stopped early (a limit, a damaged sheet) does not wait for the scan to
        // inflate the rest of the file, and a scan that panicked does not hide its error.
        stop.store(true, Ordering::Relaxed);
        if let Some(scan) = scan {
            let _ = scan.join();
        }
        read
    })
}

/// How many cells the reading thread hands over at a time.
const BATCH: usize = 4096;

/// One streamed cell: 0-based row and column, and the value as [`convert`] gives it.
type StreamedCell = (u32, u32, (Cell, Option<String>));

/// Reads one sheet's cells into `builder`, on two cores: calamine parses the XML on a thread
/// of its own and hands over converted cells in batches, while this thread files them into
/// rows and checks the limits. A limit reached stops the parse (its batches are no longer
/// taken); a panic in calamine becomes `Corrupt`, as it would on this thread. A parse error
/// comes after every cell before it has been filed, so a limit those cells cross is the
/// error reported, as it would be read on one thread. Should no thread be had, the sheet is
/// read here.
fn stream_xlsx_cells<RS: std::io::Read + std::io::Seek + Send>(
    path: &Path,
    mut cells: calamine::XlsxCellReader<'_, RS>,
    shared: &mut SharedTexts,
    builder: &mut SheetBuilder<'_>,
) -> Result<(), IngestError> {
    let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<StreamedCell>>(4);
    let streamed = std::thread::scope(|scope| {
        let (cells, shared) = (&mut cells, &mut *shared);
        let parse = move || -> Result<(), IngestError> {
            let mut batch = Vec::with_capacity(BATCH);
            loop {
                let cell = match cells.next_cell() {
                    Ok(Some(cell)) => cell,
                    Ok(None) => break,
                    Err(e) => {
                        let _ = sender.send(batch);
                        return Err(xlsx_error(path, e));
                    }
                };
                let (row, column) = cell.get_position();
                batch.push((row, column, shared.convert(cell.get_value())));
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if sender.send(full).is_err() {
                        // The builder stopped at a limit; its error is the one reported.
                        return Ok(());
                    }
                }
            }
            if !batch.is_empty() {
                let _ = sender.send(batch);
            }
            Ok(())
        };
        let parser = std::thread::Builder::new()
            .name("impactkit-parse".to_string())
            .spawn_scoped(scope, parse)
            .ok()?;
        let mut filed = Ok(());
        'batches: for batch in batches {
            for (row, column, converted) in batch {
                if let Err(e) = builder.push_converted(row, column, converted) {
                    filed = Err(e);
                    break 'batches;
                }
            }
        }
        let parsed = parser
            .join()
            .unwrap_or_else(|payload| Err(gave_up(path, Format::Xlsx, payload.as_ref())));
        Some(filed.and(parsed))
    });
    if let Some(streamed) = streamed {
        return streamed;
    }
    while let Some(cell) = cells.next_cell().map_err(|e| xlsx_error(path, e))? {
        let (row, column) = cell.get_position();
        builder.push_converted(row, column, shared.convert(cell.get_value()))?;
    }
    Ok(())
}

/// Whether the XLSX at `path` may have merged cells: whether the bytes `mergeCell` appear in
/// any of its parts. calamine finds a sheet's merged cells only by parsing the whole sheet's
/// XML a second time (the list comes after the cells), which at national-survey size costs
/// more than a fast scan of the inflated bytes; exports without merges, most large ones,
/// skip it. Anything unexpected (a part that cannot be read, one in UTF-16) answers yes, and
/// calamine reads the merges as before.
///
/// `stop` set makes it answer yes at once: the read it would serve has ended.
fn may_have_merged_cells(path: &Path, stop: &AtomicBool) -> bool {
    use std::io::Read;
    let Some(mut zip) = open(path)
        .ok()
        .and_then(|file| zip::ZipArchive::new(file).ok())
    else {
        return true;
    };
    let needle = regex::bytes::Regex::new("mergeCell").expect("a valid literal pattern");
    // The tail of each chunk is kept, so that a name split between two chunks is still found.
    const KEEP: usize = "mergeCell".len() - 1;
    let mut buffer = vec![0u8; 1 << 16];
    for index in 0..zip.len() {
        let Ok(mut part) = zip.by_index(index) else {
            return true;
        };
        let (mut held, mut start_checked) = (0, false);
        loop {
            if stop.load(Ordering::Relaxed) {
                return true;
            }
            let read = match part.read(&mut buffer[held..]) {
                Ok(0) => break,
                Ok(read) => read,
                Err(_) => return true,
            };
            let filled = held + read;
            if !start_checked && filled >= 2 {
                if buffer.starts_with(&[0xFF, 0xFE]) || buffer.starts_with(&[0xFE, 0xFF]) {
                    return true;
                }
                start_checked = true;
            }
            if needle.is_match(&buffer[..filled]) {
                return true;
            }
            held = filled.min(KEEP);
            buffer.copy_within(filled - held..filled, 0);
        }
    }
    false
}

fn read_xlsb(
    path: &Path,
    selection: SheetSelection<'_>,
    limits: &Limits,
) -> Result<Workbook, IngestError> {
    let mut book: Xlsb<_> = Xlsb::new(open(path)?).map_err(|e| xlsb_error(path, e))?;
    let all = sheet_list(&book);
    let mut sheets = Vec::new();
    let mut shared = SharedTexts::default();
    for name in choose_sheets(path, &all, selection)? {
        let mut builder = SheetBuilder::new(path, &name, limits);
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|e| xlsb_error(path, e))?;
        while let Some(cell) = cells.next_cell().map_err(|e| xlsb_error(path, e))? {
            let (row, column) = cell.get_position();
            builder.push_converted(row, column, shared.convert(cell.get_value()))?;
        }
        // calamine reads no merged regions from XLSB.
        sheets.push(builder.finish(Vec::new()));
    }
    Ok(workbook(path, Format::Xlsb, &all, sheets))
}

fn read_xls(
    path: &Path,
    selection: SheetSelection<'_>,
    limits: &Limits,
) -> Result<Workbook, IngestError> {
    let mut book: Xls<_> = Xls::new(open(path)?).map_err(|e| xls_error(path, e))?;
    let all = sheet_list(&book);
    let mut sheets = Vec::new();
    for name in choose_sheets(path, &all, selection)? {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| xls_error(path, e))?;
        let mut builder = SheetBuilder::new(path, &name, limits);
        push_range(&mut builder, range)?;
        let merged = match book.merge_cells_by_sheet_name(&name) {
            Ok(dimensions) => merged_ranges(&dimensions),
            Err(e) => {
                builder.note_whole_sheet(format!("the merged cells could not be read: {e}"));
                Vec::new()
            }
        };
        sheets.push(builder.finish(merged));
    }
    Ok(workbook(path, Format::Xls, &all, sheets))
}

fn read_ods(
    path: &Path,
    selection: SheetSelection<'_>,
    limits: &Limits,
) -> Result<Workbook, IngestError> {
    let mut book: Ods<_> = Ods::new(open(path)?).map_err(|e| ods_error(path, limits, e))?;
    let all = sheet_list(&book);
    let mut sheets = Vec::new();
    for name in choose_sheets(path, &all, selection)? {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ods_error(path, limits, e))?;
        let mut builder = SheetBuilder::new(path, &name, limits);
        push_range(&mut builder, range)?;
        // calamine reads no merged regions from ODS.
        sheets.push(builder.finish(Vec::new()));
    }
    Ok(workbook(path, Format::Ods, &all, sheets))
}

/// Moves the used cells of a dense range into the sparse builder, at their absolute positions.
fn push_range(builder: &mut SheetBuilder<'_>, range: Range<Data>) -> Result<(), IngestError> {
    let Some((first_row, first_column)) = range.start() else {
        return Ok(());
    };
    for (row, column, value) in range.used_cells() {
        let (Ok(row), Ok(column)) = (u32::try_from(row), u32::try_from(column)) else {
            continue;
        };
        builder.push(
            first_row.saturating_add(row),
            first_column.saturating_add(column),
            value.clone(),
        )?;
    }
    Ok(())
}

/// Collects one sheet's cells into sparse rows, enforcing the limits as cells arrive.
struct SheetBuilder<'a> {
    path: &'a Path,
    name: String,
    limits: &'a Limits,
    rows: Vec<RawRow>,
    /// 0-based row → index in `rows`; cells usually arrive in order, but nothing makes them.
    index: HashMap<u32, usize>,
    last: Option<(u32, usize)>,
    in_order: bool,
    cells_held: u64,
    /// The most cells a finished row has held.
    widest: usize,
    notes: Vec<ReadNote>,
}

impl<'a> SheetBuilder<'a> {
    fn new(path: &'a Path, name: &str, limits: &'a Limits) -> Self {
        SheetBuilder {
            path,
            name: name.to_string(),
            limits,
            rows: Vec::new(),
            index: HashMap::new(),
            last: None,
            in_order: true,
            cells_held: 0,
            widest: 0,
            notes: Vec::new(),
        }
    }

    fn note_whole_sheet(&mut self, message: String) {
        self.notes.push(ReadNote {
            row: 0,
            column: None,
            message,
        });
    }

    fn limit(&self, what: String, found: u64, limit: u64, setting: &'static str) -> IngestError {
        IngestError::LimitExceeded {
            path: self.path.to_path_buf(),
            what,
            found,
            limit,
            setting,
        }
    }

    /// Stores the value at 0-based (`row`, `column`); empty values are skipped.
    fn push(&mut self, row: u32, column: u32, value: Data) -> Result<(), IngestError> {
        self.push_converted(row, column, convert(value))
    }

    /// Stores a converted value (see [`convert`]) at 0-based (`row`, `column`).
    fn push_converted(
        &mut self,
        row: u32,
        column: u32,
        (cell, note): (Cell, Option<String>),
    ) -> Result<(), IngestError> {
        if cell == Cell::Empty {
            return Ok(());
        }
        // Spelled out only for a message: most cells never need it.
        let at = || a1(row, column);
        if column >= self.limits.max_columns {
            let at = at();
            return Err(self.limit(
                format!("the column of a cell at {at} in sheet \"{}\"", self.name),
                u64::from(column) + 1,
                u64::from(self.limits.max_columns),
                "max_columns",
            ));
        }
        let slot = match self.last {
            Some((last_row, slot)) if last_row == row => slot,
            _ => match self.index.get(&row) {
                Some(&slot) => slot,
                None => self.new_row(row, &at())?,
            },
        };
        self.last = Some((row, slot));
        let width = column as usize + 1;
        let held = self.rows[slot].cells.len();
        if width > held {
            self.cells_held += (width - held) as u64;
            if self.cells_held > self.limits.max_cells {
                let at = at();
                return Err(self.limit(
                    format!(
                        "the number of cells held for sheet \"{}\" (rows kept dense up to their \
                         last value), reached at a cell at {at}",
                        self.name
                    ),
                    self.cells_held,
                    self.limits.max_cells,
                    "max_cells",
                ));
            }
            self.rows[slot].cells.resize(width, Cell::Empty);
        }
        let number = row.saturating_add(1);
        let target = &mut self.rows[slot].cells[column as usize];
        if *target != Cell::Empty {
            let at = at();
            self.notes.push(ReadNote {
                row: number,
                column: Some(column),
                message: format!("cell {at} appears twice in the file; the later value was kept"),
            });
        }
        *target = cell;
        if let Some(message) = note {
            let at = at();
            self.notes.push(ReadNote {
                row: number,
                column: Some(column),
                message: format!("{message} in {at}"),
            });
        }
        Ok(())
    }

    fn new_row(&mut self, row: u32, at: &str) -> Result<usize, IngestError> {
        if self.rows.len() >= self.limits.max_rows as usize {
            return Err(self.limit(
                format!(
                    "the number of rows in sheet \"{}\", reached at a cell at {at}",
                    self.name
                ),
                self.rows.len() as u64 + 1,
                u64::from(self.limits.max_rows),
                "max_rows",
            ));
        }
        let number = row.saturating_add(1);
        if self.rows.last().is_some_and(|last| last.number > number) {
            self.in_order = false;
        }
        // Rows of a survey are about as wide as each other: room for as many cells as the
        // widest row so far saves growing each row a cell at a time. Never more than twice
        // what the last row held, so that one wide row among narrow ones cannot make every
        // row take room that `max_cells` does not count.
        let previous = self.rows.last().map_or(0, |last| last.cells.len());
        self.widest = self.widest.max(previous);
        self.rows.push(RawRow {
            number,
            cells: Vec::with_capacity(self.widest.min(previous.saturating_mul(2))),
        });
        let slot = self.rows.len() - 1;
        self.index.insert(row, slot);
        Ok(slot)
    }

    fn finish(mut self, merged: Vec<MergedRange>) -> RawSheet {
        if !self.in_order {
            self.rows.sort_by_key(|row| row.number);
        }
        RawSheet {
            name: self.name,
            rows: self.rows,
            merged,
            notes: self.notes,
        }
    }
}

/// A workbook's shared strings as shared texts: a scale level or option that ten thousand
/// cells hold is one text, not ten thousand copies. calamine lends each shared string as a
/// `&str` into its table of them, which lives as long as the workbook, so the string's address
/// and length find it. There is one entry per distinct shared string at most, and the table's
/// size was bounded by the guard before calamine read it.
#[derive(Default)]
struct SharedTexts {
    by_address: rustc_hash::FxHashMap<(usize, usize), Arc<str>>,
}

impl SharedTexts {
    /// A streamed cell value as a [`Cell`] (see [`convert`]), sharing shared strings.
    fn convert(&mut self, value: &DataRef<'_>) -> (Cell, Option<String>) {
        match value {
            DataRef::SharedString("") => (Cell::Empty, None),
            DataRef::SharedString(text) => {
                // The text is compared too, so that nothing rests on calamine never moving
                // its table: a different text at a known address is simply a new entry.
                let key = (text.as_ptr() as usize, text.len());
                let shared = match self.by_address.get(&key) {
                    Some(shared) if **shared == **text => shared.clone(),
                    _ => {
                        let shared: Arc<str> = Arc::from(*text);
                        self.by_address.insert(key, shared.clone());
                        shared
                    }
                };
                (Cell::Text(shared), None)
            }
            other => convert(Data::from(other.clone())),
        }
    }
}

/// A calamine value as a [`Cell`], with a note when something about it deserves a warning
/// (the caller adds " in C7").
fn convert(value: Data) -> (Cell, Option<String>) {
    match value {
        Data::Empty => (Cell::Empty, None),
        Data::String(text) if text.is_empty() => (Cell::Empty, None),
        Data::String(text) => (Cell::Text(std::sync::Arc::from(text)), None),
        Data::Int(n) => (Cell::Number(n as f64), None),
        Data::Float(n) => (Cell::Number(n), None),
        Data::Bool(b) => (Cell::Bool(b), None),
        Data::DateTime(serial) => convert_excel_datetime(serial),
        Data::DateTimeIso(text) => match parse_iso_datetime(&text) {
            Some(date) => (Cell::Date(date), None),
            None => (Cell::Text(std::sync::Arc::from(text)), None),
        },
        Data::DurationIso(text) => (Cell::Text(std::sync::Arc::from(text)), None),
        Data::Error(error) => {
            let shown = error.to_string();
            let note = format!("formula error {shown}");
            (Cell::Error(shown.into()), Some(note))
        }
    }
}

/// A date-formatted number. calamine's `as_datetime` applies the workbook's 1900 or 1904 date
/// system; time-only values and durations are shown as a clock reading, as Excel shows them.
fn convert_excel_datetime(serial: ExcelDateTime) -> (Cell, Option<String>) {
    let value = serial.as_f64();
    if !value.is_finite() || value.abs() >= EXCEL_MAX_SERIAL {
        return (
            Cell::Number(value),
            Some(format!(
                "a date-formatted cell holds {value}, outside the range of dates; kept as a number"
            )),
        );
    }
    if serial.is_duration() || (0.0..1.0).contains(&value) {
        return (Cell::Text(std::sync::Arc::from(clock_reading(value))), None);
    }
    if value < 0.0 {
        return (
            Cell::Number(value),
            Some(format!(
                "a date-formatted cell holds {value}, before the first date; kept as a number"
            )),
        );
    }
    match serial.as_datetime() {
        Some(date) => (Cell::Date(date), None),
        None => (Cell::Number(value), None),
    }
}

/// A fraction of days as `h:mm:ss`, hours unbounded (Excel's `[h]:mm:ss`).
fn clock_reading(days: f64) -> String {
    let seconds = (days * 86_400.0).round() as i64;
    let sign = if seconds < 0 { "-" } else { "" };
    let seconds = seconds.unsigned_abs();
    format!(
        "{sign}{}:{:02}:{:02}",
        seconds / 3600,
        (seconds / 60) % 60,
        seconds % 60
    )
}

/// ISO 8601 dates and date-times as XLSX (`t="d"`) and ODS (`office:date-value`) store them.
fn parse_iso_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim().trim_end_matches('Z');
    for pattern in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(date) = NaiveDateTime::parse_from_str(text, pattern) {
            return Some(date);
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|date| date.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    fn date(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_time(NaiveTime::MIN)
    }

    /// A workbook written by rust_xlsxwriter, with or without a merged header.
    fn workbook_bytes(merged: bool) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let plain = rust_xlsxwriter::Format::new();
        if merged {
            sheet.merge_range(0, 0, 0, 2, "How much?", &plain).unwrap();
        } else {
            sheet.write_string(0, 0, "How much?").unwrap();
        }
        sheet.write_string(1, 0, "Agree").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn only_workbooks_that_mention_merged_cells_get_the_second_pass() {
        let dir = tempfile::tempdir().unwrap();
        let (with, without) = (
            dir.path().join("with.xlsx"),
            dir.path().join("without.xlsx"),
        );
        std::fs::write(&with, workbook_bytes(true)).unwrap();
        std::fs::write(&without, workbook_bytes(false)).unwrap();
        let going = AtomicBool::new(false);
        assert!(may_have_merged_cells(&with, &going));
        assert!(!may_have_merged_cells(&without, &going));
        // Once the read it serves has ended, the scan stops and answers yes.
        assert!(may_have_merged_cells(&without, &AtomicBool::new(true)));
        // Not a zip at all: calamine is left to say what is wrong.
        std::fs::write(dir.path().join("not.xlsx"), b"plain text").unwrap();
        assert!(may_have_merged_cells(&dir.path().join("not.xlsx"), &going));
    }

    /// `book` saved as an XLSX and read once under each of `limits`.
    fn saved_and_read(
        book: &mut rust_xlsxwriter::Workbook,
        limits: &[&Limits],
    ) -> Vec<Result<Workbook, IngestError>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.xlsx");
        book.save(&path).unwrap();
        (limits.iter())
            .map(|limits| read_xlsx(&path, Format::Xlsx, SheetSelection::First, limits))
            .collect()
    }

    #[test]
    fn cells_holding_one_shared_string_share_one_text() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (row, text) in ["Q1", "Agree", "Disagree", "Agree", "Agree"]
            .iter()
            .enumerate()
        {
            sheet.write_string(row as u32, 0, *text).unwrap();
        }
        let read = saved_and_read(&mut book, &[&Limits::default()])
            .remove(0)
            .unwrap();
        let texts: Vec<Arc<str>> = read.sheets[0]
            .rows
            .iter()
            .map(|row| match &row.cells[0] {
                Cell::Text(text) => text.clone(),
                other => panic!("expected text, found {other:?}"),
            })
            .collect();
        let shown: Vec<&str> = texts.iter().map(|t| &**t).collect();
        assert_eq!(shown, ["Q1", "Agree", "Disagree", "Agree", "Agree"]);
        assert!(Arc::ptr_eq(&texts[1], &texts[3]) && Arc::ptr_eq(&texts[1], &texts[4]));
        assert!(!Arc::ptr_eq(&texts[1], &texts[2]));
    }

    #[test]
    fn a_limit_reached_mid_stream_stops_the_parse_and_names_the_cell() {
        // 6,000 rows of two cells: the limit is crossed after the parsing thread has handed
        // over more than one batch, and while it still has cells to give.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for row in 0..6000u32 {
            sheet.write_string(row, 0, "Agree").unwrap();
            sheet.write_number(row, 1, f64::from(row)).unwrap();
        }
        let limits = Limits {
            max_rows: 5000,
            ..Limits::default()
        };
        let [limited, whole] =
            <[_; 2]>::try_from(saved_and_read(&mut book, &[&limits, &Limits::default()])).unwrap();
        match limited {
            Err(IngestError::LimitExceeded {
                what,
                found,
                setting,
                ..
            }) => {
                assert_eq!(setting, "max_rows");
                assert_eq!(found, 5001);
                assert!(what.contains("A5001"), "{what}");
            }
            other => panic!("expected the row limit, got {other:?}"),
        }
        // Under the limit every cell arrives, in order.
        let read = whole.unwrap();
        let rows = &read.sheets[0].rows;
        assert_eq!(rows.len(), 6000);
        assert_eq!(rows[5999].number, 6000);
        assert_eq!(rows[5999].cells[1], Cell::Number(5999.0));
    }

    #[test]
    fn serial_dates_honour_the_date_system() {
        // 2026-05-13 is serial 46155 in the 1900 system and 44693 in the 1904 system
        // (Python: (date(2026,5,13) - date(1899,12,30)).days and ... - date(1904,1,1)).
        let in_1900 = ExcelDateTime::new(46155.0, ExcelDateTimeType::DateTime, false);
        let in_1904 = ExcelDateTime::new(44693.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(
            convert_excel_datetime(in_1900).0,
            Cell::Date(date(2026, 5, 13))
        );
        assert_eq!(
            convert_excel_datetime(in_1904).0,
            Cell::Date(date(2026, 5, 13))
        );
    }

    #[test]
    fn absurd_serials_stay_numbers_instead_of_panicking() {
        for value in [-1e300, 1e300, f64::NAN, -5.0] {
            let serial = ExcelDateTime::new(value, ExcelDateTimeType::DateTime, false);
            let (cell, note) = convert_excel_datetime(serial);
            assert!(matches!(cell, Cell::Number(_)), "{value}: {cell:?}");
            assert!(note.is_some());
        }
    }

    #[test]
    fn times_and_durations_read_as_clocks() {
        let noon = ExcelDateTime::new(0.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            convert_excel_datetime(noon).0,
            Cell::Text("12:00:00".into())
        );
        let long = ExcelDateTime::new(1.25, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(
            convert_excel_datetime(long).0,
            Cell::Text("30:00:00".into())
        );
    }

    #[test]
    fn iso_dates_parse_and_other_text_stays_text() {
        assert_eq!(
            convert(Data::DateTimeIso("2026-05-13".into())).0,
            Cell::Date(date(2026, 5, 13))
        );
        assert_eq!(
            convert(Data::DateTimeIso("2026-05-13T09:30:00Z".into())).0,
            Cell::Date(date(2026, 5, 13).date().and_hms_opt(9, 30, 0).unwrap())
        );
        assert_eq!(
            convert(Data::DateTimeIso("09:30".into())).0,
            Cell::Text("09:30".into())
        );
    }

    #[test]
    fn errors_become_error_cells_with_a_note() {
        let (cell, note) = convert(Data::Error(CellErrorType::Div0));
        assert_eq!(cell, Cell::Error("#DIV/0!".into()));
        assert_eq!(note.as_deref(), Some("formula error #DIV/0!"));
    }

    #[test]
    fn builder_keeps_rows_sparse_and_dense_within() {
        let limits = Limits::default();
        let mut sheet = SheetBuilder::new(Path::new("x.xlsx"), "S", &limits);
        sheet.push(9, 2, Data::Int(3)).unwrap();
        sheet.push(0, 0, Data::String("a".into())).unwrap();
        sheet.push(9, 0, Data::Empty).unwrap();
        sheet.push(4, 1, Data::Error(CellErrorType::NA)).unwrap();
        let sheet = sheet.finish(Vec::new());
        let numbers: Vec<u32> = sheet.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 5, 10]);
        assert_eq!(
            sheet.rows[2].cells,
            [Cell::Empty, Cell::Empty, Cell::Number(3.0)]
        );
        assert_eq!(sheet.notes.len(), 1);
        assert_eq!(sheet.notes[0].message, "formula error #N/A in B5");
        assert_eq!((sheet.notes[0].row, sheet.notes[0].column), (5, Some(1)));
    }

    #[test]
    fn builder_enforces_each_limit_with_the_cell_address() {
        let limits = Limits {
            max_cells: 10,
            max_columns: 8,
            max_rows: 2,
            ..Limits::default()
        };
        let path = Path::new("x.xlsx");
        let what_and_setting = |result: Result<(), IngestError>| match result {
            Err(IngestError::LimitExceeded { what, setting, .. }) => (what, setting),
            other => panic!("expected a limit, got {other:?}"),
        };

        let mut sheet = SheetBuilder::new(path, "S", &limits);
        let (what, setting) = what_and_setting(sheet.push(0, 8, Data::Int(1)));
        assert_eq!(setting, "max_columns");
        assert!(what.contains("I1"), "{what}");

        let mut sheet = SheetBuilder::new(path, "S", &limits);
        sheet.push(0, 0, Data::Int(1)).unwrap();
        sheet.push(1, 0, Data::Int(1)).unwrap();
        let (what, setting) = what_and_setting(sheet.push(2, 0, Data::Int(1)));
        assert_eq!(setting, "max_rows");
        assert!(what.contains("A3"), "{what}");

        let mut sheet = SheetBuilder::new(path, "S", &limits);
        sheet.push(0, 7, Data::Int(1)).unwrap();
        let (what, setting) = what_and_setting(sheet.push(1, 7, Data::Int(1)));
        assert_eq!(setting, "max_cells");
        assert!(what.contains("H2"), "{what}");
    }

    #[test]
    fn sheets_are_chosen_by_exact_then_loose_name() {
        let all = vec![
            ("Chart".to_string(), SheetType::ChartSheet),
            ("Responses".to_string(), SheetType::WorkSheet),
            ("responses".to_string(), SheetType::WorkSheet),
        ];
        let path = Path::new("x.xlsx");
        assert_eq!(
            choose_sheets(path, &all, SheetSelection::First).unwrap(),
            ["Responses"]
        );
        assert_eq!(
            choose_sheets(path, &all, SheetSelection::Named("responses")).unwrap(),
            ["responses"]
        );
        assert_eq!(
            choose_sheets(path, &all, SheetSelection::Named("RESPONSES")).unwrap(),
            ["Responses"]
        );
        match choose_sheets(path, &all, SheetSelection::Named("Missing")) {
            Err(IngestError::SheetNotFound { available, .. }) => assert_eq!(available.len(), 3),
            other => panic!("expected SheetNotFound, got {other:?}"),
        }
        assert_eq!(
            choose_sheets(path, &all, SheetSelection::All)
                .unwrap()
                .len(),
            3
        );
    }
}

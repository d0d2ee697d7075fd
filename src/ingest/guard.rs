//! Checks on a workbook's container made before calamine sees it.
//!
//! calamine believes what a file declares about itself. Given a crafted file it can be made to
//! allocate without bound, which ends the process with an abort that no `Result` or
//! `catch_unwind` can stop:
//!
//! - XLSX: `Vec::reserve(uniqueCount)` from the `<sst>` header of `xl/sharedStrings.xml`;
//! - XLS: `Vec::reserve(rows × columns)` from each sheet's DIMENSIONS record, a dense range
//!   spanning the outermost cell positions, and compound-file sector chains that loop;
//! - ODS: `number-columns-repeated` / `number-rows-repeated` expanded into dense rows, and
//!   `<text:s text:c="…">` expanded into that many spaces;
//! - every zip-based format: entries that inflate far beyond their compressed size.
//!
//! This module reads only what it needs — zip central directories, the head of the shared-strings
//! part, a streaming pass over ODS `content.xml`, the BIFF records of an XLS — always through
//! readers bounded by [`Limits`], and refuses such files with [`IngestError::LimitExceeded`] (or
//! `Corrupt`, `Encrypted`) before calamine opens them. It must not build cells: that is
//! `workbook`'s job.
//!
//! Not guarded here, because the reader bounds it instead: XLSX/XLSB worksheet cells (read cell
//! by cell with running limits in `workbook.rs`, never as a dense range), XLSB shared strings
//! (calamine pushes them one by one without reserving), and anything inside an entry beyond its
//! declared size (zip 9 stops reading an entry at its declared uncompressed size).
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::{a1, Format, IngestError, Limits};

/// Entries smaller than this are not held to the compression-ratio limit: small XML parts
/// (styles, a near-empty sheet) routinely compress 100:1 and cannot hurt at that size.
const RATIO_EXEMPT_BYTES: u64 = 1024 * 1024;

/// calamine's own caps for ODS, mirrored so the estimate matches what it will build.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

/// Runs every check that applies to `format`. Returns `Ok(())` when calamine can be trusted
/// with the file under `limits`.
pub fn check(path: &Path, format: Format, limits: &Limits) -> Result<(), IngestError> {
    check_file_size(path, limits)?;
    match format {
        Format::Xlsx | Format::Xlsm => {
            let mut zip = open_zip(path)?;
            check_zip_entries(path, &zip, limits)?;
            check_shared_strings(path, &mut zip, limits)
        }
        Format::Xlsb => {
            let zip = open_zip(path)?;
            check_zip_entries(path, &zip, limits)
        }
        Format::Ods => {
            let mut zip = open_zip(path)?;
            check_zip_entries(path, &zip, limits)?;
            check_ods_encryption(path, &mut zip)?;
            check_ods_content(path, &mut zip, limits)
        }
        // An XLS is read whole into memory by calamine, so the file-size cap bounds its raw
        // bytes; what remains are the allocations sized by declared dimensions and cell
        // positions, and looping sector chains, which `check_xls` covers.
        Format::Xls => check_xls(path, limits),
        Format::Csv | Format::Tsv => Ok(()),
    }
}

fn check_file_size(path: &Path, limits: &Limits) -> Result<(), IngestError> {
    let size = std::fs::metadata(path)
        .map_err(|source| io_error(path, source))?
        .len();
    if size > limits.max_file_bytes {
        return Err(IngestError::LimitExceeded {
            path: path.to_path_buf(),
            what: "the file size in bytes".to_string(),
            found: size,
            limit: limits.max_file_bytes,
            setting: "max_file_bytes",
        });
    }
    Ok(())
}

fn io_error(path: &Path, source: std::io::Error) -> IngestError {
    IngestError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn corrupt(path: &Path, detail: impl Into<String>) -> IngestError {
    IngestError::Corrupt {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

/// Opens the zip container, mapping a damaged one to `Corrupt`.
fn open_zip(path: &Path) -> Result<ZipArchive<BufReader<File>>, IngestError> {
    let file = File::open(path).map_err(|source| io_error(path, source))?;
    ZipArchive::new(BufReader::new(file)).map_err(|e| zip_error(path, e))
}

/// A zip error as the user should see it: a truncated or damaged container is `Corrupt`, an
/// encrypted entry `Encrypted`, and only failures to open the file at all are `Io`.
pub(crate) fn zip_error(path: &Path, error: zip::result::ZipError) -> IngestError {
    use zip::result::ZipError;
    match error {
        ZipError::Io(source)
            if matches!(
                source.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
            ) =>
        {
            io_error(path, source)
        }
        ZipError::UnsupportedArchive(message) if message == ZipError::PASSWORD_REQUIRED => {
            IngestError::Encrypted {
                path: path.to_path_buf(),
            }
        }
        other => corrupt(path, format!("the zip container cannot be read: {other}")),
    }
}

/// Every entry's declared uncompressed size against `max_entry_bytes`, and its ratio to the
/// compressed size against `max_compression_ratio`. zip 9 stops inflating an entry at its
/// declared size, so the declared size is what calamine can be made to read.
fn check_zip_entries<R: Read + Seek>(
    path: &Path,
    zip: &ZipArchive<R>,
    limits: &Limits,
) -> Result<(), IngestError> {
    for index in 0..zip.len() {
        let entry = zip.by_index_data(index).map_err(|e| zip_error(path, e))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let size = entry.size();
        if size > limits.max_entry_bytes {
            return Err(IngestError::LimitExceeded {
                path: path.to_path_buf(),
                what: format!("the uncompressed size of {name} inside the zip, in bytes"),
                found: size,
                limit: limits.max_entry_bytes,
                setting: "max_entry_bytes",
            });
        }
        if size > RATIO_EXEMPT_BYTES {
            let ratio = size / entry.compressed_size().max(1);
            if ratio > limits.max_compression_ratio {
                return Err(IngestError::LimitExceeded {
                    path: path.to_path_buf(),
                    what: format!(
                        "the compression ratio of {name} ({size} bytes packed into {}; a zip bomb?)",
                        entry.compressed_size()
                    ),
                    found: ratio,
                    limit: limits.max_compression_ratio,
                    setting: "max_compression_ratio",
                });
            }
        }
    }
    Ok(())
}

/// A quick-xml reader configured like calamine's, so that what parses here parses there.
fn xml_reader<R: BufRead>(reader: R) -> quick_xml::Reader<R> {
    let mut xml = quick_xml::Reader::from_reader(reader);
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.trim_text(false);
    // Self-closing elements stay `Event::Empty`, which tells an empty ODS cell from one with
    // content without reading ahead.
    config.expand_empty_elements = false;
    xml
}

/// The raw value of attribute `name` on `element`, if present and well-formed.
fn attribute<'a>(element: &'a BytesStart<'_>, name: &str) -> Option<std::borrow::Cow<'a, str>> {
    element
        .try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value)
}

fn attribute_u64(element: &BytesStart<'_>, name: &str) -> Option<u64> {
    attribute(element, name).and_then(|v| v.trim().parse::<u64>().ok())
}

/// The shared-strings part: calamine reserves `uniqueCount` entries up front, and stores one
/// `String` per `<si>`, so both the declaration and the real count are held to
/// `max_shared_strings`.
///
/// The `count` attribute (how many cells refer to the table) is not checked: calamine never
/// allocates by it, and a genuine large survey can have far more text cells than
/// `max_shared_strings`.
fn check_shared_strings<R: Read + Seek>(
    path: &Path,
    zip: &mut ZipArchive<R>,
    limits: &Limits,
) -> Result<(), IngestError> {
    // calamine finds the part relative to the workbook's folder and case-insensitively, so
    // every entry that could be it is checked.
    let candidates: Vec<usize> = (0..zip.len())
        .filter(|&i| {
            zip.by_index_data(i).is_ok_and(|entry| {
                String::from_utf8_lossy(entry.name_raw())
                    .to_ascii_lowercase()
                    .ends_with("sharedstrings.xml")
            })
        })
        .collect();
    for index in candidates {
        let entry = zip.by_index(index).map_err(|e| zip_error(path, e))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let bounded = BufReader::new(entry.take(limits.max_entry_bytes));
        count_shared_strings(path, &name, bounded, limits)?;
    }
    Ok(())
}

fn count_shared_strings<R: BufRead>(
    path: &Path,
    name: &str,
    reader: R,
    limits: &Limits,
) -> Result<(), IngestError> {
    let mut xml = xml_reader(reader);
    let mut buf = Vec::with_capacity(1024);
    let mut strings: u64 = 0;
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| corrupt(path, format!("{name} is not well-formed XML: {e}")))?;
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "sst" => {
                    if let Some(declared) = attribute_u64(&e, "uniqueCount") {
                        if declared > limits.max_shared_strings {
                            return Err(IngestError::LimitExceeded {
                                path: path.to_path_buf(),
                                what: format!(
                                    "the declared shared-strings count (uniqueCount) in {name}"
                                ),
                                found: declared,
                                limit: limits.max_shared_strings,
                                setting: "max_shared_strings",
                            });
                        }
                    }
                }
                "si" => {
                    strings += 1;
                    if strings > limits.max_shared_strings {
                        return Err(IngestError::LimitExceeded {
                            path: path.to_path_buf(),
                            what: format!(
                                "the number of shared strings (<si> elements, counted until the limit was passed) in {name}"
                            ),
                            found: strings,
                            limit: limits.max_shared_strings,
                            setting: "max_shared_strings",
                        });
                    }
                }
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// An encrypted ODS keeps a readable manifest but scrambled parts; say so before the content
/// scan mistakes it for damage.
fn check_ods_encryption<R: Read + Seek>(
    path: &Path,
    zip: &mut ZipArchive<R>,
) -> Result<(), IngestError> {
    let Some(index) = zip.index_for_name("META-INF/manifest.xml") else {
        return Ok(());
    };
    let entry = zip.by_index(index).map_err(|e| zip_error(path, e))?;
    // A manifest is a few kilobytes; 16 MiB is far beyond any real one.
    let mut manifest = Vec::new();
    entry
        .take(16 * 1024 * 1024)
        .read_to_end(&mut manifest)
        .map_err(|e| corrupt(path, format!("META-INF/manifest.xml cannot be read: {e}")))?;
    let needle = b"encryption-data";
    if manifest.windows(needle.len()).any(|w| w == needle) {
        return Err(IngestError::Encrypted {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

fn check_ods_content<R: Read + Seek>(
    path: &Path,
    zip: &mut ZipArchive<R>,
    limits: &Limits,
) -> Result<(), IngestError> {
    let Some(index) = zip.index_for_name("content.xml") else {
        // calamine reports the missing part itself.
        return Ok(());
    };
    let entry = zip.by_index(index).map_err(|e| zip_error(path, e))?;
    let declared = entry.size();
    scan_ods_content(
        path,
        BufReader::new(entry.take(limits.max_entry_bytes)),
        declared,
        limits,
    )
}

/// One `<table:table>` as calamine will expand it, tracked without storing its rows.
struct OdsTableScan {
    name: String,
    /// Row elements seen (calamine keeps per-row bookkeeping for each).
    row_elements: u64,
    /// Rows after `number-rows-repeated`, capped as calamine caps them.
    expanded_rows: u64,
    /// Cells calamine pushes while reading rows, before it trims to the used area.
    raw_cells: u64,
    /// Expanded row index of the first and last rows holding a value.
    first_value_row: Option<u64>,
    last_value_row: u64,
    min_column: u64,
    max_column: u64,
}

/// The row being read, mirroring calamine's `read_row`: empty cells are pushed only when a
/// later cell follows them, and columns are capped at 16,384.
struct OdsRowScan {
    repeats: u64,
    pushed: u64,
    pending_empty: u64,
    first_value_column: Option<u64>,
    last_value_column: u64,
}

impl OdsRowScan {
    fn cell(&mut self, repeats: u64, has_value: bool) {
        let flushed = self
            .pending_empty
            .min(ODS_MAX_COLUMNS.saturating_sub(self.pushed));
        self.pushed += flushed;
        self.pending_empty = 0;
        let capped = repeats.min(ODS_MAX_COLUMNS.saturating_sub(self.pushed));
        if has_value {
            if capped > 0 {
                self.first_value_column.get_or_insert(self.pushed);
                self.pushed += capped;
                self.last_value_column = self.pushed - 1;
            }
        } else {
            self.pending_empty = capped;
        }
    }
}

impl OdsTableScan {
    fn new(name: String) -> Self {
        OdsTableScan {
            name,
            row_elements: 0,
            expanded_rows: 0,
            raw_cells: 0,
            first_value_row: None,
            last_value_row: 0,
            min_column: u64::MAX,
            max_column: 0,
        }
    }

    fn start_row(&mut self, declared_repeats: u64) -> OdsRowScan {
        let remaining = ODS_MAX_ROWS.saturating_sub(self.expanded_rows);
        OdsRowScan {
            repeats: declared_repeats.min(remaining),
            pushed: 0,
            pending_empty: 0,
            first_value_column: None,
            last_value_column: 0,
        }
    }

    fn end_row(
        &mut self,
        path: &Path,
        row: OdsRowScan,
        limits: &Limits,
    ) -> Result<(), IngestError> {
        self.row_elements += 1;
        if self.row_elements > u64::from(limits.max_rows) {
            return Err(IngestError::LimitExceeded {
                path: path.to_path_buf(),
                what: format!("the number of row elements in sheet \"{}\"", self.name),
                found: self.row_elements,
                limit: u64::from(limits.max_rows),
                setting: "max_rows",
            });
        }
        self.raw_cells = self.raw_cells.saturating_add(row.pushed);
        if self.raw_cells > limits.max_cells {
            return Err(IngestError::LimitExceeded {
                path: path.to_path_buf(),
                what: format!(
                    "the number of cells spelled out by repeated columns in sheet \"{}\"",
                    self.name
                ),
                found: self.raw_cells,
                limit: limits.max_cells,
                setting: "max_cells",
            });
        }
        let first_row = self.expanded_rows;
        self.expanded_rows = self.expanded_rows.saturating_add(row.repeats);
        if let Some(first_column) = row.first_value_column {
            if row.repeats > 0 {
                self.first_value_row.get_or_insert(first_row);
                self.last_value_row = self.expanded_rows - 1;
                self.min_column = self.min_column.min(first_column);
                self.max_column = self.max_column.max(row.last_value_column);
                self.check_area(path, limits)?;
            }
        }
        Ok(())
    }

    /// calamine builds a dense range from the first to the last row with a value, every
    /// repeated row spelled out, as wide as the widest used column span.
    fn check_area(&self, path: &Path, limits: &Limits) -> Result<(), IngestError> {
        let Some(first_row) = self.first_value_row else {
            return Ok(());
        };
        let rows = self.last_value_row - first_row + 1;
        let columns = self.max_column.saturating_sub(self.min_column) + 1;
        let cells = rows.saturating_mul(columns);
        if cells > limits.max_cells {
            return Err(IngestError::LimitExceeded {
                path: path.to_path_buf(),
                what: format!(
                    "the area of sheet \"{}\" once repeated rows and columns are expanded \
                     ({rows} rows × {columns} columns)",
                    self.name
                ),
                found: cells,
                limit: limits.max_cells,
                setting: "max_cells",
            });
        }
        Ok(())
    }
}

/// Attributes that make calamine give an ODS cell a value (or a formula), so that it is
/// stored, and repeated, rather than skipped.
const ODS_VALUE_ATTRIBUTES: [&str; 8] = [
    "office:value",
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "office:boolean-value",
    "office:value-type",
    "calcext:value-type",
    "table:formula",
];

fn ods_cell_has_value(cell: &BytesStart<'_>) -> bool {
    ODS_VALUE_ATTRIBUTES
        .iter()
        .any(|name| cell.try_get_attribute(name).ok().flatten().is_some())
}

/// Streams `content.xml` once, estimating per table what calamine will materialise.
fn scan_ods_content<R: BufRead>(
    path: &Path,
    reader: R,
    declared_size: u64,
    limits: &Limits,
) -> Result<(), IngestError> {
    let mut xml = xml_reader(reader);
    let mut buf = Vec::with_capacity(1024);
    let mut table: Option<OdsTableScan> = None;
    let mut row: Option<OdsRowScan> = None;
    // calamine skips whatever a cell contains (annotations, even nested tables) apart from
    // its text, so table structure inside a cell is not structure of the sheet.
    let mut cell_depth = 0usize;
    let mut spaces: u64 = 0;
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| corrupt(path, format!("content.xml is not well-formed XML: {e}")))?;
        let (element, is_empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                let name = e.name();
                let name = name.as_ref();
                if cell_depth > 0 {
                    if is_ods_cell(name) {
                        cell_depth -= 1;
                    }
                    continue;
                }
                match name {
                    "table:table-row" => {
                        if let (Some(t), Some(r)) = (table.as_mut(), row.take()) {
                            t.end_row(path, r, limits)?;
                        }
                    }
                    "table:table" => {
                        if let Some(t) = table.take() {
                            t.check_area(path, limits)?;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            Event::Eof => return Ok(()),
            _ => continue,
        };
        let name = element.name();
        let name = name.as_ref();
        if name == "text:s" {
            // calamine pushes `text:c` spaces one by one into a String.
            let count = attribute_u64(element, "text:c").unwrap_or(1);
            spaces = spaces.saturating_add(count);
            let expanded = declared_size.saturating_add(spaces);
            if expanded > limits.max_entry_bytes {
                return Err(IngestError::LimitExceeded {
                    path: path.to_path_buf(),
                    what: "the size of content.xml once its repeated spaces \
                           (<text:s text:c=…>) are expanded, in bytes"
                        .to_string(),
                    found: expanded,
                    limit: limits.max_entry_bytes,
                    setting: "max_entry_bytes",
                });
            }
            continue;
        }
        if cell_depth > 0 {
            if is_ods_cell(name) && !is_empty {
                cell_depth += 1;
            }
            continue;
        }
        match name {
            "table:table" if !is_empty => {
                let name = attribute(element, "table:name")
                    .map(|n| n.into_owned())
                    .unwrap_or_default();
                table = Some(OdsTableScan::new(name));
                row = None;
            }
            "table:table-row" => {
                if let Some(t) = table.as_mut() {
                    let repeats = attribute_u64(element, "table:number-rows-repeated").unwrap_or(1);
                    let new_row = t.start_row(repeats);
                    if is_empty {
                        t.end_row(path, new_row, limits)?;
                    } else {
                        row = Some(new_row);
                    }
                }
            }
            _ if is_ods_cell(name) => {
                if let Some(r) = row.as_mut() {
                    let repeats =
                        attribute_u64(element, "table:number-columns-repeated").unwrap_or(1);
                    r.cell(repeats, ods_cell_has_value(element));
                }
                if !is_empty {
                    cell_depth = 1;
                }
            }
            _ => {}
        }
    }
}

fn is_ods_cell(name: &str) -> bool {
    name == "table:table-cell" || name == "table:covered-table-cell"
}

// ---------------------------------------------------------------------------------------------
// XLS: the compound file (MS-CFB) and the BIFF records inside it.
// ---------------------------------------------------------------------------------------------

fn check_xls(path: &Path, limits: &Limits) -> Result<(), IngestError> {
    let mut compound = CompoundFile::open(path).map_err(|e| e.into_ingest(path))?;
    // calamine takes the first entry named "Workbook" (BIFF8), else "Book" (BIFF5), ignoring
    // ASCII case; without either it reports the problem itself.
    let Some(index) = compound
        .entry_index("Workbook")
        .or_else(|| compound.entry_index("Book"))
    else {
        return Ok(());
    };
    let stream = compound
        .read_stream(index)
        .map_err(|e| e.into_ingest(path))?;
    scan_biff_workbook(path, &stream, limits)
}

const CFB_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Sector ids at or above this are markers (free, end of chain, FAT, DIFAT), not sectors.
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// calamine reads streams shorter than this from the mini stream (the MS-CFB default cutoff).
const MINI_STREAM_CUTOFF: u64 = 4096;
const MINI_SECTOR_SIZE: u64 = 64;

/// Why a compound file could not be read.
#[derive(Debug)]
pub(crate) enum CompoundFileError {
    Io(std::io::Error),
    Malformed(String),
}

impl From<std::io::Error> for CompoundFileError {
    fn from(e: std::io::Error) -> Self {
        CompoundFileError::Io(e)
    }
}

impl CompoundFileError {
    fn into_ingest(self, path: &Path) -> IngestError {
        match self {
            CompoundFileError::Io(source)
                if matches!(
                    source.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                io_error(path, source)
            }
            CompoundFileError::Io(e) => {
                corrupt(path, format!("the compound file cannot be read: {e}"))
            }
            CompoundFileError::Malformed(detail) => {
                corrupt(path, format!("the compound file is malformed: {detail}"))
            }
        }
    }
}

fn malformed(detail: impl Into<String>) -> CompoundFileError {
    CompoundFileError::Malformed(detail.into())
}

/// One directory entry: a storage or stream inside the compound file.
#[derive(Debug, Clone)]
struct CompoundEntry {
    name: String,
    start: u32,
    size: u64,
}

/// A read-only view of an OLE compound file (the container of XLS, encrypted XLSX and other
/// Office 97–2003 files).
///
/// Unlike calamine's reader it refuses sector chains that loop or leave the file, so that a
/// file passed here cannot send calamine round a cycle for ever. Everything it holds is bounded
/// by the file's size.
pub(crate) struct CompoundFile {
    file: File,
    sector_size: u64,
    /// Sectors after the header that hold at least one byte of the file.
    sector_count: u32,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    entries: Vec<CompoundEntry>,
}

fn le_u16(bytes: &[u8], at: usize) -> u16 {
    bytes
        .get(at..at + 2)
        .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
}

fn le_u32(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn le_u64(bytes: &[u8], at: usize) -> u64 {
    bytes.get(at..at + 8).map_or(0, |b| {
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    })
}

fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

impl CompoundFile {
    pub(crate) fn open(path: &Path) -> Result<Self, CompoundFileError> {
        let mut file = File::open(path)?;
        let length = file.metadata()?.len();
        let mut header = [0u8; 512];
        if length < 512 {
            return Err(malformed("it is shorter than the 512-byte header"));
        }
        file.read_exact(&mut header)?;
        if header[..8] != CFB_SIGNATURE {
            return Err(malformed("the signature is wrong"));
        }
        let sector_size: u64 = match le_u16(&header, 30) {
            9 => 512,
            12 => 4096,
            other => return Err(malformed(format!("unknown sector shift {other}"))),
        };
        if le_u16(&header, 32) != 6 {
            return Err(malformed("the mini-sector size is not 64 bytes"));
        }
        let sector_count = u32::try_from(length.saturating_sub(sector_size).div_ceil(sector_size))
            .unwrap_or(u32::MAX)
            .min(MAX_REGULAR_SECTOR);
        let mut compound = CompoundFile {
            file,
            sector_size,
            sector_count,
            fat: Vec::new(),
            mini_fat: Vec::new(),
            entries: Vec::new(),
        };

        // The DIFAT lists the FAT's own sectors: 109 in the header, the rest in a chain of
        // DIFAT sectors whose last slot points to the next.
        let mut fat_sectors: Vec<u32> = u32s(&header[76..512]).collect();
        let mut difat_sector = le_u32(&header, 68);
        let mut difat_steps = 0u32;
        while difat_sector < MAX_REGULAR_SECTOR {
            difat_steps += 1;
            if difat_steps > sector_count {
                return Err(malformed("the DIFAT chain loops"));
            }
            let sector = compound.read_sector(difat_sector)?;
            let slots: Vec<u32> = u32s(&sector).collect();
            let Some((next, ids)) = slots.split_last() else {
                break;
            };
            fat_sectors.extend_from_slice(ids);
            difat_sector = *next;
        }
        // Only the FAT sectors that can describe sectors inside the file matter; a DIFAT that
        // lists more cannot make us read more than the file holds.
        let per_sector = sector_size / 4;
        let needed = u64::from(sector_count).div_ceil(per_sector);
        let mut fat = Vec::new();
        for &id in fat_sectors
            .iter()
            .filter(|&&id| id < MAX_REGULAR_SECTOR)
            .take(usize::try_from(needed).unwrap_or(usize::MAX))
        {
            fat.extend(u32s(&compound.read_sector(id)?));
        }
        compound.fat = fat;

        let directory = compound.read_chain(le_u32(&header, 48), "directory")?;
        compound.entries = directory
            .chunks_exact(128)
            .map(|raw| {
                let units: Vec<u16> = raw[..64]
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .take_while(|&u| u != 0)
                    .collect();
                let size = if sector_size == 512 {
                    // Version 3 files only define the low 32 bits (calamine reads the same).
                    u64::from(le_u32(raw, 120))
                } else {
                    le_u64(raw, 120)
                };
                CompoundEntry {
                    name: String::from_utf16_lossy(&units),
                    start: le_u32(raw, 116),
                    size,
                }
            })
            .collect();
        if compound.entries.is_empty() {
            return Err(malformed("the directory is empty"));
        }

        // calamine loads the mini FAT and the mini stream as soon as the header declares a
        // mini FAT, so both chains are walked (and their loops refused) here too.
        if le_u32(&header, 64) > 0 {
            let mini_fat = compound.read_chain(le_u32(&header, 60), "mini FAT")?;
            compound.mini_fat = u32s(&mini_fat).collect();
            let root_start = compound.entries[0].start;
            compound.chain(root_start, "mini stream")?;
        }
        Ok(compound)
    }

    /// True when an entry named `name` (ignoring ASCII case, as Office does) exists.
    pub(crate) fn has_entry(&self, name: &str) -> bool {
        self.entry_index(name).is_some()
    }

    fn entry_index(&self, name: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.name.eq_ignore_ascii_case(name))
    }

    fn read_sector(&mut self, id: u32) -> Result<Vec<u8>, CompoundFileError> {
        if id >= self.sector_count {
            return Err(malformed(format!(
                "sector {id} lies past the end of the file"
            )));
        }
        let offset = (u64::from(id) + 1) * self.sector_size;
        self.file.seek(SeekFrom::Start(offset))?;
        let mut sector = Vec::with_capacity(self.sector_size as usize);
        // The last sector may be cut short; what is missing reads as zeros.
        (&mut self.file)
            .take(self.sector_size)
            .read_to_end(&mut sector)?;
        sector.resize(self.sector_size as usize, 0);
        Ok(sector)
    }

    /// The sector ids of a chain in the FAT, refusing chains that leave the file or loop.
    fn chain(&self, start: u32, what: &str) -> Result<Vec<u32>, CompoundFileError> {
        let mut ids = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN {
            if id >= self.sector_count {
                return Err(malformed(format!(
                    "the {what} chain points to sector {id}, outside the file"
                )));
            }
            if ids.len() as u64 >= u64::from(self.sector_count) {
                return Err(malformed(format!("the {what} chain loops")));
            }
            ids.push(id);
            id = *self.fat.get(id as usize).ok_or_else(|| {
                malformed(format!("the {what} chain leaves the allocation table"))
            })?;
        }
        Ok(ids)
    }

    fn read_chain(&mut self, start: u32, what: &str) -> Result<Vec<u8>, CompoundFileError> {
        let ids = self.chain(start, what)?;
        let mut bytes = Vec::new();
        for id in ids {
            bytes.extend(self.read_sector(id)?);
        }
        Ok(bytes)
    }

    /// The bytes of entry `index`, never more than its sector chain holds.
    fn read_stream(&mut self, index: usize) -> Result<Vec<u8>, CompoundFileError> {
        let entry = self
            .entries
            .get(index)
            .cloned()
            .ok_or_else(|| malformed("no such directory entry"))?;
        let mut bytes = if entry.size < MINI_STREAM_CUTOFF {
            let root_start = self.entries[0].start;
            let container = self.read_chain(root_start, "mini stream")?;
            let mut bytes = Vec::new();
            let mut id = entry.start;
            let mut steps = 0usize;
            while id != END_OF_CHAIN {
                steps += 1;
                if steps > self.mini_fat.len() {
                    return Err(malformed(format!(
                        "the mini chain of {} loops or leaves the mini FAT",
                        entry.name
                    )));
                }
                let from = u64::from(id) * MINI_SECTOR_SIZE;
                let sector = usize::try_from(from)
                    .ok()
                    .and_then(|from| container.get(from..from + MINI_SECTOR_SIZE as usize))
                    .ok_or_else(|| {
                        malformed(format!(
                            "a mini sector of {} lies outside the mini stream",
                            entry.name
                        ))
                    })?;
                bytes.extend_from_slice(sector);
                id = *self.mini_fat.get(id as usize).ok_or_else(|| {
                    malformed(format!(
                        "the mini chain of {} leaves the mini FAT",
                        entry.name
                    ))
                })?;
            }
            bytes
        } else {
            self.read_chain(entry.start, &entry.name)?
        };
        bytes.truncate(usize::try_from(entry.size).unwrap_or(usize::MAX));
        Ok(bytes)
    }
}

/// One BIFF record: its type and body (CONTINUE records come through as records of their own,
/// which is all a scan of cell positions needs).
struct BiffRecords<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for BiffRecords<'a> {
    type Item = (u16, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        let kind = le_u16(self.rest, 0);
        let length = usize::from(le_u16(self.rest, 2));
        let body = self.rest.get(4..4 + length)?;
        self.rest = &self.rest[4 + length..];
        Some((kind, body))
    }
}

fn biff_records(stream: &[u8]) -> BiffRecords<'_> {
    BiffRecords { rest: stream }
}

/// The smallest rectangle holding a set of cell positions, as calamine's `Range::from_sparse`
/// allocates it.
#[derive(Default)]
struct Bounds {
    first: Option<(u32, u32)>,
    last: (u32, u32),
}

impl Bounds {
    fn add(&mut self, row: u32, column: u32) {
        match &mut self.first {
            None => {
                self.first = Some((row, column));
                self.last = (row, column);
            }
            Some(first) => {
                first.0 = first.0.min(row);
                first.1 = first.1.min(column);
                self.last.0 = self.last.0.max(row);
                self.last.1 = self.last.1.max(column);
            }
        }
    }

    fn cells(&self) -> u64 {
        self.first.map_or(0, |first| {
            (u64::from(self.last.0 - first.0) + 1) * (u64::from(self.last.1 - first.1) + 1)
        })
    }
}

/// BIFF8 sheet names are stored as a length, a flags byte and Latin-1 or UTF-16 characters.
fn biff_sheet_name(boundsheet: &[u8], ordinal: usize) -> String {
    let fallback = || format!("sheet {ordinal}");
    let Some(&length) = boundsheet.get(6) else {
        return fallback();
    };
    let Some(&flags) = boundsheet.get(7) else {
        return fallback();
    };
    let length = usize::from(length);
    if flags & 1 == 1 {
        match boundsheet.get(8..8 + 2 * length) {
            Some(raw) => {
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16_lossy(&units)
            }
            None => fallback(),
        }
    } else {
        match boundsheet.get(8..8 + length) {
            Some(raw) => raw.iter().map(|&b| char::from(b)).collect(),
            None => fallback(),
        }
    }
}

/// Walks the workbook stream the way calamine's `Xls::parse_workbook` does and checks every
/// allocation it would size from the file: DIMENSIONS reservations and the dense value and
/// formula ranges spanning each sheet's outermost cells.
fn scan_biff_workbook(path: &Path, stream: &[u8], limits: &Limits) -> Result<(), IngestError> {
    let mut sheets = Vec::new();
    for (kind, body) in biff_records(stream) {
        match kind {
            // BoundSheet8: where the sheet's substream starts, and its name.
            0x0085 if body.len() >= 6 => {
                let ordinal = sheets.len() + 1;
                sheets.push((le_u32(body, 0) as usize, biff_sheet_name(body, ordinal)));
            }
            // EOF of the globals substream.
            0x000A => break,
            _ => {}
        }
    }
    for (position, name) in sheets {
        let Some(substream) = stream.get(position..) else {
            continue;
        };
        scan_biff_sheet(path, &name, substream, limits)?;
    }
    Ok(())
}

fn scan_biff_sheet(
    path: &Path,
    name: &str,
    substream: &[u8],
    limits: &Limits,
) -> Result<(), IngestError> {
    let mut values = Bounds::default();
    let mut formulas = Bounds::default();
    let mut formula_position = (0u32, 0u32);
    let mut seen_sheet_bof = false;
    let mut depth = 0usize;
    let position = |body: &[u8]| (u32::from(le_u16(body, 0)), u32::from(le_u16(body, 2)));
    for (kind, body) in biff_records(substream) {
        // Embedded charts nest their own BOF…EOF substreams; calamine skips them.
        if depth > 0 {
            match kind {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match kind {
            0x0809 => {
                if seen_sheet_bof {
                    depth += 1;
                } else {
                    seen_sheet_bof = true;
                }
            }
            0x0200 => check_biff_dimensions(path, name, body, limits)?,
            // Number, Label, RString, BoolErr, Rk, LabelSst: one cell each.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD if body.len() >= 4 => {
                let (row, column) = position(body);
                values.add(row, column);
            }
            // String: the text result of the formula before it.
            0x0207 => values.add(formula_position.0, formula_position.1),
            // MulRk: a run of cells from colFirst, one per 6-byte RkRec.
            0x00BD if body.len() >= 6 => {
                let (row, first_column) = position(body);
                let count = (body.len() - 6).div_ceil(6) as u32;
                if count > 0 {
                    values.add(row, first_column);
                    values.add(row, first_column + count - 1);
                }
            }
            0x0006 if body.len() >= 20 => {
                let (row, column) = position(body);
                formula_position = (row, column);
                values.add(row, column);
                formulas.add(row, column);
            }
            0x000A => break,
            _ => {}
        }
    }
    for (bounds, what) in [(&values, "values"), (&formulas, "formulas")] {
        let cells = bounds.cells();
        if cells > limits.max_cells {
            let (first, last) = (bounds.first.unwrap_or_default(), bounds.last);
            return Err(IngestError::LimitExceeded {
                path: path.to_path_buf(),
                what: format!(
                    "the area spanned by the {what} of sheet \"{name}\" ({} to {}), which the \
                     XLS reader holds in full",
                    a1(first.0, first.1),
                    a1(last.0, last.1)
                ),
                found: cells,
                limit: limits.max_cells,
                setting: "max_cells",
            });
        }
    }
    Ok(())
}

/// calamine reserves `rows × columns` cells for each DIMENSIONS record, computing the extent in
/// 32-bit arithmetic that wraps on a crafted record; the same arithmetic is reproduced here.
fn check_biff_dimensions(
    path: &Path,
    name: &str,
    body: &[u8],
    limits: &Limits,
) -> Result<(), IngestError> {
    let (first_row, last_row_plus_one, mut first_column, last_column_plus_one) = match body.len() {
        10 => (
            u32::from(le_u16(body, 0)),
            u32::from(le_u16(body, 2)),
            u32::from(le_u16(body, 4)),
            u32::from(le_u16(body, 6)),
        ),
        14 | 16 => (
            le_u32(body, 0),
            le_u32(body, 4),
            u32::from(le_u16(body, 8)),
            u32::from(le_u16(body, 10)),
        ),
        // calamine rejects other lengths with an error, allocating nothing.
        _ => return Ok(()),
    };
    if first_column > 0xFF || last_column_plus_one < first_column {
        first_column = 0;
    }
    let (start, end) = if last_row_plus_one >= 1 && last_column_plus_one >= 1 {
        (
            (first_row, first_column),
            (last_row_plus_one - 1, last_column_plus_one - 1),
        )
    } else {
        ((first_row, first_column), (first_row, first_column))
    };
    let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
    let columns = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
    let cells = rows.saturating_mul(columns);
    if cells > limits.max_cells {
        return Err(IngestError::LimitExceeded {
            path: path.to_path_buf(),
            what: format!(
                "the size declared by the DIMENSIONS record of sheet \"{name}\" ({rows} rows × \
                 {columns} columns)"
            ),
            found: cells,
            limit: limits.max_cells,
            setting: "max_cells",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn here() -> &'static Path {
        Path::new("test.bin")
    }

    fn limit_setting(result: Result<(), IngestError>) -> Option<&'static str> {
        match result {
            Err(IngestError::LimitExceeded { setting, .. }) => Some(setting),
            _ => None,
        }
    }

    #[test]
    fn declared_unique_count_over_the_limit_is_refused() {
        let xml = r#"<?xml version="1.0"?><sst xmlns="x" count="2" uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
        let result = count_shared_strings(
            here(),
            "xl/sharedStrings.xml",
            Cursor::new(xml),
            &Limits::default(),
        );
        assert_eq!(limit_setting(result), Some("max_shared_strings"));
    }

    #[test]
    fn actual_shared_strings_are_counted_when_the_header_lies() {
        let limits = Limits {
            max_shared_strings: 3,
            ..Limits::default()
        };
        let xml = format!(
            r#"<sst uniqueCount="1">{}</sst>"#,
            "<si><t>x</t></si><si/>".repeat(2)
        );
        let result = count_shared_strings(here(), "s.xml", Cursor::new(xml), &limits);
        assert_eq!(limit_setting(result), Some("max_shared_strings"));
        let small =
            r#"<x:sst xmlns:x="y" uniqueCount="2"><x:si><x:t>a</x:t></x:si><x:si/></x:sst>"#;
        assert!(count_shared_strings(here(), "s.xml", Cursor::new(small), &limits).is_ok());
    }

    fn ods(body: &str) -> String {
        format!(
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="S">{body}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn scan(body: &str, limits: &Limits) -> Result<(), IngestError> {
        let xml = ods(body);
        let size = xml.len() as u64;
        scan_ods_content(here(), Cursor::new(xml), size, limits)
    }

    #[test]
    fn ods_repeated_value_cells_are_counted_as_calamine_expands_them() {
        let bomb = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
        assert_eq!(
            limit_setting(scan(bomb, &Limits::default())),
            Some("max_cells")
        );
    }

    #[test]
    fn ods_trailing_empty_repeats_are_free() {
        // What LibreOffice writes for every sheet: the unused rest of the grid, empty.
        let normal = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Name</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
        assert!(scan(normal, &Limits::default()).is_ok());
    }

    #[test]
    fn ods_empty_rows_between_values_count_towards_the_area() {
        let limits = Limits {
            max_cells: 1000,
            ..Limits::default()
        };
        let sparse = r#"<table:table-row><table:table-cell office:value="1" office:value-type="float"/></table:table-row><table:table-row table:number-rows-repeated="5000"><table:table-cell/></table:table-row><table:table-row><table:table-cell office:value="2" office:value-type="float"/></table:table-row>"#;
        assert_eq!(limit_setting(scan(sparse, &limits)), Some("max_cells"));
    }

    #[test]
    fn ods_runs_of_spaces_are_bounded() {
        let limits = Limits {
            max_entry_bytes: 10_000,
            ..Limits::default()
        };
        let spaces = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/>b</text:p></table:table-cell></table:table-row>"#;
        assert_eq!(
            limit_setting(scan(spaces, &limits)),
            Some("max_entry_bytes")
        );
    }

    /// A workbook stream: globals with one BoundSheet8, then the sheet's records.
    fn biff_stream(sheet_records: &[(u16, Vec<u8>)]) -> Vec<u8> {
        fn record(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&(body.len() as u16).to_le_bytes());
            out.extend_from_slice(body);
        }
        let bof = [0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut globals = Vec::new();
        record(&mut globals, 0x0809, &bof);
        let boundsheet_at = globals.len();
        record(&mut globals, 0x0085, &[0, 0, 0, 0, 0, 0, 2, 0, b'S', b'1']);
        record(&mut globals, 0x000A, &[]);
        let sheet_position = globals.len() as u32;
        globals[boundsheet_at + 4..boundsheet_at + 8]
            .copy_from_slice(&sheet_position.to_le_bytes());
        record(&mut globals, 0x0809, &bof);
        for (kind, body) in sheet_records {
            record(&mut globals, *kind, body);
        }
        record(&mut globals, 0x000A, &[]);
        globals
    }

    fn number(row: u16, column: u16) -> (u16, Vec<u8>) {
        let mut body = Vec::new();
        body.extend_from_slice(&row.to_le_bytes());
        body.extend_from_slice(&column.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&1.0f64.to_le_bytes());
        (0x0203, body)
    }

    #[test]
    fn xls_cells_far_apart_are_refused() {
        let stream = biff_stream(&[number(0, 0), number(65535, 65535)]);
        let result = scan_biff_workbook(here(), &stream, &Limits::default());
        assert_eq!(limit_setting(result), Some("max_cells"));
        let fine = biff_stream(&[number(0, 0), number(99, 9)]);
        assert!(scan_biff_workbook(here(), &fine, &Limits::default()).is_ok());
    }

    #[test]
    fn xls_dimensions_that_wrap_are_refused() {
        // rwMic 5, rwMac 2: calamine computes 1 - 5 + 1 in wrapping u32 arithmetic.
        let mut body = Vec::new();
        body.extend_from_slice(&5u32.to_le_bytes());
        body.extend_from_slice(&2u32.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&3u16.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        let stream = biff_stream(&[(0x0200, body)]);
        let result = scan_biff_workbook(here(), &stream, &Limits::default());
        assert_eq!(limit_setting(result), Some("max_cells"));
    }

    #[test]
    fn compound_file_entries_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        {
            let mut cfb = cfb::create(&path).unwrap();
            let mut stream = cfb.create_stream("/Workbook").unwrap();
            stream.write_all(&[1u8; 5000]).unwrap();
            let mut small = cfb.create_stream("/Small").unwrap();
            small.write_all(b"tiny").unwrap();
        }
        let mut compound = CompoundFile::open(&path).unwrap();
        assert!(compound.has_entry("workbook"));
        let index = compound.entry_index("Small").unwrap();
        assert_eq!(compound.read_stream(index).unwrap(), b"tiny");
        let index = compound.entry_index("Workbook").unwrap();
        assert_eq!(compound.read_stream(index).unwrap(), vec![1u8; 5000]);
    }

    #[test]
    fn compound_file_with_a_looping_directory_chain_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loop.bin");
        // Header, one FAT sector (sector 0) and one directory sector (sector 1) whose FAT
        // entry points back to itself.
        let mut bytes = vec![0u8; 512 * 3];
        bytes[..8].copy_from_slice(&CFB_SIGNATURE);
        bytes[26..28].copy_from_slice(&3u16.to_le_bytes());
        bytes[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
        bytes[30..32].copy_from_slice(&9u16.to_le_bytes());
        bytes[32..34].copy_from_slice(&6u16.to_le_bytes());
        bytes[44..48].copy_from_slice(&1u32.to_le_bytes());
        bytes[48..52].copy_from_slice(&1u32.to_le_bytes());
        bytes[60..64].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        bytes[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        for slot in bytes[76..512].chunks_exact_mut(4) {
            slot.copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        bytes[76..80].copy_from_slice(&0u32.to_le_bytes());
        let fat = 512;
        for slot in bytes[fat..fat + 512].chunks_exact_mut(4) {
            slot.copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        bytes[fat..fat + 4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
        bytes[fat + 4..fat + 8].copy_from_slice(&1u32.to_le_bytes());
        std::fs::write(&path, bytes).unwrap();
        match CompoundFile::open(&path) {
            Err(CompoundFileError::Malformed(detail)) => {
                assert!(detail.contains("loops"), "{detail}")
            }
            other => panic!(
                "expected a malformed-file error, got {:?}",
                other.map(|_| ())
            ),
        }
    }
}

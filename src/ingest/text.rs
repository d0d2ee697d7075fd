//! CSV and TSV text: encoding detection, delimiter sniffing, quoted fields, ragged rows.
//!
//! Survey platforms and Excel write "CSV" in several dialects: UTF-8 with or without a byte-order
//! mark, UTF-16 "Unicode text" (tab-separated), Windows-1252 from Excel on Windows, and
//! semicolons instead of commas where the comma is the decimal separator. This module turns any
//! of them into one [`RawSheet`] of text cells, keeping every record (blank ones included) with
//! the line on which it starts, and reporting, never repairing, what looks wrong: ragged rows,
//! undecodable bytes, a quote that is never closed.
//!
//! It must not trim, normalise or interpret cells: that happens later, where every change is
//! traceable. A field is either [`Cell::Text`] exactly as written or [`Cell::Empty`].
use std::fs::File;
use std::io::Read;
use std::path::Path;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::{Cell, Format, IngestError, Limits, RawRow, RawSheet, ReadNote, Workbook};

/// How many records the delimiter sniffer looks at.
const SNIFF_RECORDS: usize = 20;
/// How much text the delimiter sniffer parses at most, so a huge file (or a stray quote that
/// swallows the rest of it under a wrong delimiter) does not make sniffing slow.
const SNIFF_BYTES: usize = 1 << 20;
/// Delimiters tried by the sniffer. The order is the preference when two fit equally well.
const CANDIDATE_DELIMITERS: [u8; 3] = [b',', b'\t', b';'];
/// Ragged rows listed one by one; the rest are summed up in one note, so a file where every
/// row is ragged gives a readable report rather than 100,000 warnings.
const MAX_RAGGED_NOTES: usize = 50;

/// Reads a CSV or TSV file into a one-sheet [`Workbook`] named after the file stem.
pub(crate) fn read_text_table(
    path: &Path,
    format: Format,
    limits: &Limits,
) -> Result<Workbook, IngestError> {
    let bytes = read_bytes(path, limits)?;
    if bytes.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    let Decoded {
        text,
        encoding,
        mut notes,
    } = decode(path, bytes)?;

    let (delimiter, delimiter_source) = match excel_sep_line(&text) {
        Some(delimiter) => (delimiter, DelimiterSource::SepLine),
        None => (sniff_delimiter(&text, format), DelimiterSource::Sniffed),
    };
    let skip_first_record = delimiter_source == DelimiterSource::SepLine;
    let rows = parse_records(
        path,
        &text,
        delimiter,
        skip_first_record,
        limits,
        &mut notes,
    )?;

    let mut text_details = format!("{encoding}, {}", delimiter_name(delimiter));
    if delimiter_source == DelimiterSource::SepLine {
        text_details.push_str(" (from the file's \"sep=\" line)");
    }
    let name = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .filter(|stem| !stem.is_empty())
        .unwrap_or_else(|| "Sheet1".to_owned());
    Ok(Workbook {
        path: path.to_path_buf(),
        format,
        text_details: Some(text_details),
        sheet_names: vec![name.clone()],
        sheets: vec![RawSheet {
            name,
            rows,
            merged: Vec::new(),
            notes,
        }],
    })
}

/// Reads the whole file, refusing more than `max_file_bytes` even if the file grew after the
/// caller checked its size.
fn read_bytes(path: &Path, limits: &Limits) -> Result<Vec<u8>, IngestError> {
    let io_error = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let size_on_disk = file.metadata().map(|m| m.len()).ok();
    let capacity = size_on_disk.unwrap_or(0).min(limits.max_file_bytes);
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    let read = bytes.len() as u64;
    if read > limits.max_file_bytes {
        return Err(IngestError::LimitExceeded {
            path: path.to_path_buf(),
            what: "the file size in bytes".to_owned(),
            found: size_on_disk.unwrap_or(read).max(read),
            limit: limits.max_file_bytes,
            setting: "max_file_bytes",
        });
    }
    Ok(bytes)
}

/// The file's text as UTF-8, with a description of the encoding it was stored in.
struct Decoded {
    text: String,
    encoding: &'static str,
    notes: Vec<ReadNote>,
}

/// Decodes the bytes, trusting a byte-order mark first, then UTF-8, then Windows-1252.
///
/// Windows-1252 is the fallback because it is what Excel's plain "CSV" export writes on a
/// Windows machine in the UK, and because every byte sequence decodes under it, so nothing is
/// lost: `£` (0xA3), curly quotes (0x91–0x94) and accented letters all map to the right
/// characters. Bytes that are valid UTF-8 almost never come from a Windows-1252 file, so a file
/// that decodes as UTF-8 is read as UTF-8.
fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<Decoded, IngestError> {
    // UTF-32 begins with the UTF-16 LE mark too, so it has to be ruled out first.
    if bytes.starts_with(&[0xFF, 0xFE, 0x00, 0x00]) || bytes.starts_with(&[0x00, 0x00, 0xFE, 0xFF])
    {
        return Err(IngestError::Unsupported {
            path: path.to_path_buf(),
            message: "the text is in UTF-32, which impactkit does not read; open it in Excel or \
                      a text editor and save it again as \"CSV UTF-8\""
                .to_owned(),
        });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Ok(decode_utf16(&bytes[2..], "UTF-16 LE with BOM", UTF_16LE));
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Ok(decode_utf16(&bytes[2..], "UTF-16 BE with BOM", UTF_16BE));
    }
    let has_bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
    if has_bom {
        // A memmove of the whole file, once; cheaper than copying it into a new String.
        bytes.drain(..3);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => {
            let encoding = if has_bom { "UTF-8 with BOM" } else { "UTF-8" };
            return Ok(Decoded {
                text,
                encoding,
                notes: Vec::new(),
            });
        }
        Err(not_utf8) => not_utf8.into_bytes(),
    };

    let survey = survey_non_ascii(&bytes);
    // A BOM says UTF-8 outright; without one, a file whose non-ASCII text is mostly valid UTF-8
    // is a UTF-8 file with a few stray bytes (say, a `£` pasted in from another program), and
    // reading all of it as Windows-1252 would garble every other accented letter.
    if has_bom || survey.utf8_chars > survey.invalid_sequences {
        let line = line_of_byte(&bytes, survey.first_invalid.unwrap_or(0));
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let encoding = if has_bom {
            "UTF-8 with BOM (invalid bytes replaced)"
        } else {
            "UTF-8 (invalid bytes replaced)"
        };
        let message = format!(
            "the file is UTF-8 but {} byte sequence(s) are not valid UTF-8 (first on line {line}); \
             they read as \u{FFFD}; the file may mix encodings: save it again as \"CSV UTF-8\"",
            survey.invalid_sequences
        );
        return Ok(Decoded {
            text,
            encoding,
            notes: vec![note(line, message)],
        });
    }

    let (text, _) = WINDOWS_1252.decode_without_bom_handling(&bytes);
    let mut notes = Vec::new();
    if let Some(first_utf8) = survey.first_utf8 {
        let line = line_of_byte(&bytes, first_utf8);
        notes.push(note(
            line,
            format!(
                "the file is not valid UTF-8 and was read as Windows-1252, but it also holds \
                 UTF-8 text (first on line {line}), which will read as pairs such as \"Ã©\"; \
                 the file mixes encodings: save it again as \"CSV UTF-8\""
            ),
        ));
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: "Windows-1252",
        notes,
    })
}

fn decode_utf16(
    bytes: &[u8],
    encoding: &'static str,
    codec: &'static encoding_rs::Encoding,
) -> Decoded {
    let (text, had_errors) = codec.decode_without_bom_handling(bytes);
    let text = text.into_owned();
    let mut notes = Vec::new();
    if had_errors {
        // The replacement character could in principle be in the file already; the first one
        // is still the best line to point at.
        let at = text.find('\u{FFFD}').unwrap_or(0);
        let line = line_of_byte(text.as_bytes(), at);
        notes.push(note(
            line,
            format!(
                "some of the {encoding} text could not be decoded (first on line {line}) and \
                 reads as \u{FFFD}; the file may be cut short or damaged"
            ),
        ));
    }
    Decoded {
        text,
        encoding,
        notes,
    }
}

/// What the non-ASCII bytes of a file that is not valid UTF-8 look like.
struct NonAsciiSurvey {
    /// Multi-byte characters that are valid UTF-8.
    utf8_chars: usize,
    /// Byte sequences that are not.
    invalid_sequences: usize,
    first_utf8: Option<usize>,
    first_invalid: Option<usize>,
}

fn survey_non_ascii(bytes: &[u8]) -> NonAsciiSurvey {
    let mut survey = NonAsciiSurvey {
        utf8_chars: 0,
        invalid_sequences: 0,
        first_utf8: None,
        first_invalid: None,
    };
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        for (at, c) in valid.char_indices() {
            if !c.is_ascii() {
                survey.utf8_chars += 1;
                survey.first_utf8.get_or_insert(offset + at);
            }
        }
        offset += valid.len();
        if !chunk.invalid().is_empty() {
            survey.invalid_sequences += 1;
            survey.first_invalid.get_or_insert(offset);
        }
        offset += chunk.invalid().len();
    }
    survey
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DelimiterSource {
    SepLine,
    Sniffed,
}

/// Excel writes (and honours) a first line `sep=;` naming the delimiter. It is an instruction,
/// not data, so the record it forms is skipped.
fn excel_sep_line(text: &str) -> Option<u8> {
    let rest = text.strip_prefix("sep=")?;
    let line = rest.split(['\r', '\n']).next().unwrap_or("");
    match line.as_bytes() {
        [delimiter]
            if *delimiter != b'"' && (delimiter.is_ascii_punctuation() || *delimiter == b'\t') =>
        {
            Some(*delimiter)
        }
        _ => None,
    }
}

/// Chooses the delimiter from the first records of the text.
///
/// Each candidate is parsed the way the real reader would (quotes honoured, so commas inside a
/// quoted answer do not count), and scored by how many of the first records share its most
/// common field count. A candidate only counts if that field count is above one. Ties go to
/// the candidate that splits records into more fields, then to comma, tab, semicolon. A file
/// where no candidate splits anything is a one-column file, read as comma-separated (or
/// tab-separated when the caller said TSV).
fn sniff_delimiter(text: &str, format: Format) -> u8 {
    let default = if format == Format::Tsv { b'\t' } else { b',' };
    let bytes = text.as_bytes();
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let truncated = sample.len() < bytes.len();

    let fits: Vec<(u8, DelimiterFit)> = CANDIDATE_DELIMITERS
        .iter()
        .map(|&delimiter| (delimiter, delimiter_fit(sample, truncated, delimiter)))
        .collect();
    // A file called .tsv (or detected as TSV) is tab-separated whenever tabs split it at all.
    if format == Format::Tsv
        && fits
            .iter()
            .any(|(delimiter, fit)| *delimiter == b'\t' && fit.fields > 1)
    {
        return b'\t';
    }
    fits.iter()
        .enumerate()
        .filter(|(_, (_, fit))| fit.fields > 1)
        .max_by_key(|(preference, (_, fit))| {
            (fit.agreeing, fit.fields, std::cmp::Reverse(*preference))
        })
        .map_or(default, |(_, (delimiter, _))| *delimiter)
}

/// How well one delimiter splits the sampled records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DelimiterFit {
    /// The most common field count (the larger one on a tie).
    fields: usize,
    /// How many sampled records have it.
    agreeing: usize,
}

fn delimiter_fit(sample: &[u8], truncated: bool, delimiter: u8) -> DelimiterFit {
    let mut reader = text_reader(sample, delimiter);
    let mut record = csv::ByteRecord::new();
    let mut counts = Vec::with_capacity(SNIFF_RECORDS);
    while counts.len() < SNIFF_RECORDS {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            // Reading from memory cannot fail, and a byte reader has no UTF-8 to reject; stop
            // sampling rather than guess if it ever does.
            Ok(false) | Err(_) => break,
        }
        // A record that runs to the end of a cut-off sample is probably cut off itself.
        if truncated && reader.position().byte() >= sample.len() as u64 {
            break;
        }
        counts.push(record.len());
    }
    counts.sort_unstable();
    let mut best = DelimiterFit {
        fields: 0,
        agreeing: 0,
    };
    for run in counts.chunk_by(|a, b| a == b) {
        // `counts` is sorted ascending, so `>=` lets the larger field count win a tie.
        if run.len() >= best.agreeing {
            best = DelimiterFit {
                fields: run[0],
                agreeing: run.len(),
            };
        }
    }
    best
}

fn text_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    // `flexible` because ragged rows are reported, not refused; no header handling because the
    // header is just the first row here (layouts decide later how many rows it spans).
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
}

fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b',' => "comma-separated".to_owned(),
        b';' => "semicolon-separated".to_owned(),
        b'\t' => "tab-separated".to_owned(),
        other => format!("'{}'-separated", char::from(other)),
    }
}

/// The texts one column repeats (scale levels, options), each held once however many cells
/// hold it, as a workbook's shared strings are. A column that has shown [`ColumnTexts::MOST`]
/// distinct texts is free text, and its cells are no longer looked up.
#[derive(Default)]
struct ColumnTexts {
    /// Keyed by cell text, which a file chooses: std's seeded hash, so that crafted texts
    /// cannot be made to collide.
    seen: std::collections::HashSet<std::sync::Arc<str>>,
    free: bool,
}

impl ColumnTexts {
    const MOST: usize = 256;

    fn share(&mut self, field: &str) -> std::sync::Arc<str> {
        if self.free {
            return std::sync::Arc::from(field);
        }
        if let Some(text) = self.seen.get(field) {
            return text.clone();
        }
        let text: std::sync::Arc<str> = std::sync::Arc::from(field);
        if self.seen.len() < Self::MOST {
            self.seen.insert(text.clone());
        } else {
            self.free = true;
            self.seen = Default::default();
        }
        text
    }
}

/// Parses every record into a row of cells numbered by the line the record starts on.
///
/// The csv crate skips completely empty lines (no characters at all), so they make no row;
/// that is fine, the line numbers of later rows still match the file. A line of delimiters
/// only (",,,") is a record of empty fields and is kept: the ledger counts it as a blank row.
fn parse_records(
    path: &Path,
    text: &str,
    delimiter: u8,
    skip_first_record: bool,
    limits: &Limits,
    notes: &mut Vec<ReadNote>,
) -> Result<Vec<RawRow>, IngestError> {
    let bytes = text.as_bytes();
    let mut reader = text_reader(bytes, delimiter);
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(bytes);
    let mut rows: Vec<RawRow> = Vec::new();
    let mut header_fields: Option<usize> = None;
    let mut widest = 0usize;
    let mut ragged = RaggedRows::default();
    let mut last_record_start = None;
    let mut skip = skip_first_record;
    let mut columns: Vec<ColumnTexts> = Vec::new();

    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => return Err(csv_error(path, &error, &mut lines)),
        }
        // `Position::line()` from the csv crate is where the reader stood *before* the record:
        // it does not count the `\n` of a CRLF line end until the next read, nor any blank
        // lines it skipped, and it ignores lone `\r` line ends (old Mac Excel). So the record's
        // true first byte is found by skipping line-end bytes, and its line counted here.
        let consumed = record.position().map_or(0, |p| p.byte());
        let start = skip_line_ends(bytes, usize::try_from(consumed).unwrap_or(bytes.len()));
        let line = lines.line_at(start);
        if std::mem::take(&mut skip) {
            continue;
        }
        let number = u32::try_from(line).map_err(|_| IngestError::Text {
            path: path.to_path_buf(),
            line,
            message: "the file has more lines than impactkit can number (4,294,967,295); \
                      split it into smaller files"
                .to_owned(),
        })?;
        last_record_start = Some((start, number));

        if rows.len() >= limits.max_rows as usize {
            let found = rows.len() as u64 + 1 + count_remaining_records(&mut reader);
            return Err(IngestError::LimitExceeded {
                path: path.to_path_buf(),
                what: "the number of records".to_owned(),
                found,
                limit: u64::from(limits.max_rows),
                setting: "max_rows",
            });
        }
        let fields = record.len();
        if fields > limits.max_columns as usize {
            return Err(IngestError::LimitExceeded {
                path: path.to_path_buf(),
                what: format!("the number of fields on line {number}"),
                found: fields as u64,
                limit: u64::from(limits.max_columns),
                setting: "max_columns",
            });
        }
        // Cells are counted as `Limits::max_cells` defines them, records × widest record,
        // because later stages square the sheet off to that size.
        widest = widest.max(fields);
        let cells = (rows.len() as u64 + 1).saturating_mul(widest as u64);
        if cells > limits.max_cells {
            return Err(IngestError::LimitExceeded {
                path: path.to_path_buf(),
                what: format!("the number of cells (records × widest record) up to line {number}"),
                found: cells,
                limit: limits.max_cells,
                setting: "max_cells",
            });
        }

        match header_fields {
            None => header_fields = Some(fields),
            Some(header) if header != fields => ragged.record(number, fields, header, notes),
            Some(_) => {}
        }
        if columns.len() < fields {
            columns.resize_with(fields, ColumnTexts::default);
        }
        let mut row = Vec::with_capacity(fields);
        row.extend(record.iter().zip(&mut columns).map(|(field, texts)| {
            if field.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(texts.share(field))
            }
        }));
        rows.push(RawRow { number, cells: row });
    }
    ragged.finish(notes);

    // The csv crate reads an unterminated quote to the end of the file without complaint, so
    // one stray `"` at the start of a cell can silently fold every later response into a single
    // cell. Only the last record can end inside quotes; look at it again.
    if let Some((start, start_line)) = last_record_start {
        if let Some(quote) = unclosed_quote(bytes, start, start_line, delimiter) {
            if quote.spans_lines {
                return Err(IngestError::Text {
                    path: path.to_path_buf(),
                    line: u64::from(quote.line),
                    message: format!(
                        "a quoted cell (column {}) opens here and its closing quote never comes, \
                         so lines {}–{} would all be read into that one cell; look for a stray \" \
                         at the start of a cell on this line, or export the file again",
                        super::column_letters(quote.column),
                        quote.line,
                        quote.last_line
                    ),
                });
            }
            notes.push(ReadNote {
                row: quote.line,
                column: Some(quote.column),
                message: format!(
                    "the last cell on line {} opens a quote that is never closed (the file may \
                     have been cut short); its text is kept without the quote",
                    quote.line
                ),
            });
        }
    }
    Ok(rows)
}

/// Reports rows whose field count differs from the header's.
#[derive(Default)]
struct RaggedRows {
    listed: usize,
    unlisted: usize,
    first_unlisted: Option<u32>,
}

impl RaggedRows {
    fn record(&mut self, line: u32, fields: usize, header: usize, notes: &mut Vec<ReadNote>) {
        if self.listed == MAX_RAGGED_NOTES {
            self.unlisted += 1;
            self.first_unlisted.get_or_insert(line);
            return;
        }
        self.listed += 1;
        let consequence = if fields > header {
            "the extra cells are kept and reported"
        } else {
            "the row is kept as it is; its missing cells at the end read as blank"
        };
        notes.push(note(
            line,
            format!("line {line} has {fields} fields where the header has {header}; {consequence}"),
        ));
    }

    fn finish(self, notes: &mut Vec<ReadNote>) {
        if let Some(first) = self.first_unlisted {
            notes.push(note(
                first,
                format!(
                    "{} more lines, from line {first} on, have a different number of fields from \
                     the header; only the first {MAX_RAGGED_NOTES} are listed; check that the \
                     file's delimiter was detected correctly",
                    self.unlisted
                ),
            ));
        }
    }
}

fn note(row: u32, message: String) -> ReadNote {
    ReadNote {
        row,
        column: None,
        message,
    }
}

/// Counts the records after a limit was hit, so the error can say how many there are. Byte
/// records, because nothing is kept.
fn count_remaining_records(reader: &mut csv::Reader<&[u8]>) -> u64 {
    let mut record = csv::ByteRecord::new();
    let mut count = 0;
    while let Ok(true) = reader.read_byte_record(&mut record) {
        count += 1;
    }
    count
}

/// Reading from an in-memory UTF-8 string with `flexible(true)` leaves the csv crate nothing to
/// object to, but if it ever does, say where.
fn csv_error(path: &Path, error: &csv::Error, lines: &mut LineCounter<'_>) -> IngestError {
    let line = error
        .position()
        .and_then(|p| usize::try_from(p.byte()).ok())
        .map_or(0, |byte| lines.line_at(byte));
    IngestError::Text {
        path: path.to_path_buf(),
        line,
        message: format!(
            "the CSV cannot be read ({error}); open it in a spreadsheet program and save it \
             again as CSV"
        ),
    }
}

fn skip_line_ends(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    at.min(bytes.len())
}

/// The 1-based line of byte `at`, counting `\r\n`, `\n` and a lone `\r` each as one line end.
fn line_of_byte(bytes: &[u8], at: usize) -> u32 {
    let line = LineCounter::new(bytes).line_at(at);
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// Counts line ends incrementally, for positions that only move forward.
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            counted_to: 0,
            line: 1,
        }
    }

    /// The line of byte `at`; `at` must not be before the previous call's.
    fn line_at(&mut self, at: usize) -> u64 {
        let at = at.min(self.bytes.len());
        if at > self.counted_to {
            self.line += count_line_ends(self.bytes, self.counted_to, at);
            self.counted_to = at;
        }
        self.line
    }
}

/// Line ends starting in `bytes[from..to]`. A `\r` counts only when no `\n` follows it, so a
/// CRLF pair is counted once, by its `\n`.
fn count_line_ends(bytes: &[u8], from: usize, to: usize) -> u64 {
    let mut count = 0;
    for (i, &b) in bytes[from..to].iter().enumerate() {
        let end = match b {
            b'\n' => true,
            b'\r' => bytes.get(from + i + 1) != Some(&b'\n'),
            _ => false,
        };
        count += u64::from(end);
    }
    count
}

/// Where a quote that is never closed opens.
#[derive(Debug, PartialEq, Eq)]
struct UnclosedQuote {
    line: u32,
    /// 0-based field index within the record.
    column: u32,
    /// Whether the quoted text runs over line ends (ignoring the file's final line end), i.e.
    /// whether later lines were swallowed into the cell.
    spans_lines: bool,
    /// The file's last line.
    last_line: u32,
}

/// Re-reads one record from `start` to the end of the text with the csv crate's quoting rules
/// (a quote opens a quoted field only at the start of a field; `""` inside is a literal quote)
/// and says where the final open quote began if the text ends inside it.
fn unclosed_quote(
    bytes: &[u8],
    start: usize,
    start_line: u32,
    delimiter: u8,
) -> Option<UnclosedQuote> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut line = start_line;
    let mut column = 0u32;
    let mut opened: Option<(usize, u32, u32)> = None;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        let is_line_end = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::FieldStart, b'"') => {
                opened = Some((i, line, column));
                State::Quoted
            }
            (_, b'\r' | b'\n') => {
                column = 0;
                State::FieldStart
            }
            (_, d) if d == delimiter => {
                column = column.saturating_add(1);
                State::FieldStart
            }
            _ => State::Unquoted,
        };
        if is_line_end {
            line = line.saturating_add(1);
        }
        i += 1;
    }
    if state != State::Quoted {
        return None;
    }
    let (at, open_line, open_column) = opened?;
    let quoted = &bytes[at + 1..];
    let body = quoted
        .iter()
        .rposition(|b| !matches!(b, b'\r' | b'\n'))
        .map_or(&quoted[..0], |last| &quoted[..=last]);
    let ends_with_line_end = matches!(bytes.last(), Some(b'\r' | b'\n'));
    Some(UnclosedQuote {
        line: open_line,
        column: open_column,
        spans_lines: body.iter().any(|b| matches!(b, b'\r' | b'\n')),
        last_line: if ends_with_line_end {
            line.saturating_sub(1)
        } else {
            line
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path
    }

    fn read(name: &str, bytes: &[u8]) -> Result<Workbook, IngestError> {
        read_with(name, bytes, Format::Csv, &Limits::default())
    }

    fn read_with(
        name: &str,
        bytes: &[u8],
        format: Format,
        limits: &Limits,
    ) -> Result<Workbook, IngestError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(&dir, name, bytes);
        read_text_table(&path, format, limits)
    }

    fn texts(row: &RawRow) -> Vec<String> {
        row.cells.iter().map(Cell::to_text).collect()
    }

    #[test]
    fn a_column_repeating_texts_shares_them_and_free_text_is_kept_whole() {
        // Column A repeats two levels; column B is 300 distinct texts, past what is looked up.
        let mut csv = String::from("level,comment\n");
        for i in 0..300 {
            let level = if i % 3 == 0 { "Agree" } else { "Disagree" };
            csv.push_str(&format!("{level},comment number {i}\n"));
        }
        let book = read("shared.csv", csv.as_bytes()).unwrap();
        let rows = &sheet(&book).rows;
        assert_eq!(rows.len(), 301);
        let text = |row: usize, column: usize| match &rows[row].cells[column] {
            Cell::Text(text) => text.clone(),
            other => panic!("expected text, found {other:?}"),
        };
        assert!(std::sync::Arc::ptr_eq(&text(1, 0), &text(4, 0)));
        assert!(std::sync::Arc::ptr_eq(&text(2, 0), &text(3, 0)));
        assert_eq!(&*text(1, 0), "Agree");
        assert_eq!(&*text(2, 0), "Disagree");
        for i in 0..300 {
            assert_eq!(&*text(i + 1, 1), format!("comment number {i}"));
        }
    }

    fn sheet(workbook: &Workbook) -> &RawSheet {
        &workbook.sheets[0]
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    }

    #[test]
    fn utf8_bom_is_stripped_and_reported() {
        let book = read("attendees.csv", b"\xEF\xBB\xBFName,Group\nAnn,Leeds\n").unwrap();
        assert_eq!(
            book.text_details.as_deref(),
            Some("UTF-8 with BOM, comma-separated")
        );
        assert_eq!(book.sheet_names, vec!["attendees".to_owned()]);
        let sheet = sheet(&book);
        assert_eq!(sheet.name, "attendees");
        assert_eq!(texts(&sheet.rows[0]), ["Name", "Group"]);
        assert_eq!(sheet.rows[0].cells[0], Cell::Text("Name".into()));
        assert_eq!(texts(&sheet.rows[1]), ["Ann", "Leeds"]);
        assert!(sheet.notes.is_empty());
        assert!(sheet.merged.is_empty());
    }

    #[test]
    fn plain_utf8_without_bom() {
        let book = read("a.csv", "Name,Town\nZoë,Bury St Edmunds\n".as_bytes()).unwrap();
        assert_eq!(book.text_details.as_deref(), Some("UTF-8, comma-separated"));
        assert_eq!(texts(&sheet(&book).rows[1]), ["Zoë", "Bury St Edmunds"]);
    }

    #[test]
    fn utf16le_with_bom_tab_separated_like_excel_unicode_text() {
        let text = "Respondent\tComment\r\n1\t“Lovely” café – £5\r\n2\t\r\n";
        let book = read_with(
            "unicode.txt",
            &utf16(text, false),
            Format::Csv,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            book.text_details.as_deref(),
            Some("UTF-16 LE with BOM, tab-separated")
        );
        let rows = &sheet(&book).rows;
        assert_eq!(rows.len(), 3);
        assert_eq!(texts(&rows[1]), ["1", "“Lovely” café – £5"]);
        assert_eq!(rows[2].cells, vec![Cell::Text("2".into()), Cell::Empty]);
        assert_eq!(rows.iter().map(|r| r.number).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn utf16be_with_bom() {
        let book = read("be.csv", &utf16("a,b\nc,d\n", true)).unwrap();
        assert_eq!(
            book.text_details.as_deref(),
            Some("UTF-16 BE with BOM, comma-separated")
        );
        assert_eq!(texts(&sheet(&book).rows[1]), ["c", "d"]);
    }

    #[test]
    fn windows_1252_pound_curly_quotes_and_accents_survive() {
        // Excel "CSV" on Windows: 0xA3 £, 0x93/0x94 “ ”, 0x91/0x92 ‘ ’, 0xE9 é, 0x96 –.
        let bytes = b"Question,Answer\n\
                      Cost,\xA35 for parking\n\
                      Quote,\x93It helped\x94 \x91a lot\x92\n\
                      Caf\xE9,na\xEFve \x96 fine\n";
        let book = read("excel.csv", bytes).unwrap();
        assert_eq!(
            book.text_details.as_deref(),
            Some("Windows-1252, comma-separated")
        );
        let rows = &sheet(&book).rows;
        assert_eq!(texts(&rows[1]), ["Cost", "£5 for parking"]);
        assert_eq!(texts(&rows[2]), ["Quote", "“It helped” ‘a lot’"]);
        assert_eq!(texts(&rows[3]), ["Café", "naïve – fine"]);
        assert!(sheet(&book).notes.is_empty());
    }

    #[test]
    fn mostly_utf8_with_a_stray_byte_stays_utf8_and_is_noted() {
        let mut bytes = "Name,Town\nZoë,Brontë\nRenée,Sète\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"Cost,\xA35\n");
        let book = read("mixed.csv", &bytes).unwrap();
        assert_eq!(
            book.text_details.as_deref(),
            Some("UTF-8 (invalid bytes replaced), comma-separated")
        );
        let sheet = sheet(&book);
        assert_eq!(texts(&sheet.rows[2]), ["Renée", "Sète"]);
        assert_eq!(texts(&sheet.rows[3]), ["Cost", "\u{FFFD}5"]);
        assert_eq!(sheet.notes.len(), 1);
        assert_eq!(sheet.notes[0].row, 4);
    }

    #[test]
    fn windows_1252_with_some_utf8_is_noted() {
        let mut bytes = b"Name,Town\nCaf\xE9,x\nCaf\xE9,y\n".to_vec();
        bytes.extend_from_slice("Zoë,z\n".as_bytes());
        let book = read("mixed.csv", &bytes).unwrap();
        assert_eq!(
            book.text_details.as_deref(),
            Some("Windows-1252, comma-separated")
        );
        let sheet = sheet(&book);
        assert_eq!(texts(&sheet.rows[1]), ["Café", "x"]);
        assert_eq!(sheet.notes.len(), 1);
        assert_eq!(sheet.notes[0].row, 4);
    }

    #[test]
    fn utf32_is_refused_with_advice() {
        let error = read("u32.csv", &[0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]).unwrap_err();
        assert!(matches!(error, IngestError::Unsupported { .. }), "{error}");
        assert!(error.to_string().contains("CSV UTF-8"));
    }

    #[test]
    fn semicolon_delimited_with_commas_inside_values() {
        let bytes = "Name;Score;Comment\n\
                     Ann;4,5;Good, helpful\n\
                     Bea;3,0;Fine\n\
                     Cat;5;\"Quoted; with semicolon\"\n";
        let book = read("eu.csv", bytes.as_bytes()).unwrap();
        assert_eq!(
            book.text_details.as_deref(),
            Some("UTF-8, semicolon-separated")
        );
        let rows = &sheet(&book).rows;
        assert_eq!(texts(&rows[1]), ["Ann", "4,5", "Good, helpful"]);
        assert_eq!(texts(&rows[3]), ["Cat", "5", "Quoted; with semicolon"]);
        assert!(sheet(&book).notes.is_empty());
    }

    #[test]
    fn comma_delimited_with_semicolons_inside_values() {
        // Multi-answer questions joined with ";" must not fool the sniffer.
        let bytes = "Id,Reasons,Group\n\
                     1,Meet others;Information,Leeds\n\
                     2,Local support,York\n\
                     3,Meet others;Local support;Information,Hull\n";
        let book = read("multi.csv", bytes.as_bytes()).unwrap();
        assert_eq!(book.text_details.as_deref(), Some("UTF-8, comma-separated"));
        assert_eq!(
            texts(&sheet(&book).rows[3]),
            ["3", "Meet others;Local support;Information", "Hull"]
        );
    }

    #[test]
    fn tab_delimited() {
        let bytes = "Name\tComment\nAnn\tGood, very good; yes\nBea\t\n";
        let book = read("tabs.csv", bytes.as_bytes()).unwrap();
        assert_eq!(book.text_details.as_deref(), Some("UTF-8, tab-separated"));
        let rows = &sheet(&book).rows;
        assert_eq!(texts(&rows[1]), ["Ann", "Good, very good; yes"]);
        assert_eq!(rows[2].cells, vec![Cell::Text("Bea".into()), Cell::Empty]);
    }

    #[test]
    fn tsv_hint_wins_when_tabs_split_the_file() {
        // Every line splits evenly on commas into more fields than on tabs, so a file called
        // .csv reads as comma-separated; the caller's TSV says otherwise.
        let bytes = "a,b,c\td\n1,2,3\t4\n";
        let as_csv = read("x.csv", bytes.as_bytes()).unwrap();
        assert_eq!(
            as_csv.text_details.as_deref(),
            Some("UTF-8, comma-separated")
        );
        let tsv = read_with("x.tsv", bytes.as_bytes(), Format::Tsv, &Limits::default()).unwrap();
        assert_eq!(tsv.text_details.as_deref(), Some("UTF-8, tab-separated"));
        assert_eq!(texts(&sheet(&tsv).rows[0]), ["a,b,c", "d"]);
        // A ".tsv" that is really comma-separated is still read correctly.
        let csv = read_with("y.tsv", b"a,b\n1,2\n", Format::Tsv, &Limits::default()).unwrap();
        assert_eq!(csv.text_details.as_deref(), Some("UTF-8, comma-separated"));
    }

    #[test]
    fn single_column_file_defaults_to_comma() {
        let book = read("one.csv", b"Comment\nGreat\nLovely people\n").unwrap();
        assert_eq!(book.text_details.as_deref(), Some("UTF-8, comma-separated"));
        assert_eq!(sheet(&book).rows.len(), 3);
    }

    #[test]
    fn excel_sep_line_sets_the_delimiter_and_is_not_a_row() {
        let book = read("sep.csv", b"sep=;\r\nName;Score\r\nAnn;4,5\r\n").unwrap();
        assert_eq!(
            book.text_details.as_deref(),
            Some("UTF-8, semicolon-separated (from the file's \"sep=\" line)")
        );
        let rows = &sheet(&book).rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(texts(&rows[0]), ["Name", "Score"]);
        assert_eq!(rows[0].number, 2);
        assert_eq!(rows[1].number, 3);
    }

    #[test]
    fn quoted_field_with_embedded_newline_keeps_later_line_numbers() {
        let bytes = "Id,Comment,Score\n\
                     1,\"First line\nsecond line\nthird line\",5\n\
                     2,Short,4\n\
                     3,\"He said \"\"thanks\"\"\",3\n";
        let book = read("multiline.csv", bytes.as_bytes()).unwrap();
        let rows = &sheet(&book).rows;
        assert_eq!(rows.len(), 4);
        assert_eq!(
            texts(&rows[1]),
            ["1", "First line\nsecond line\nthird line", "5"]
        );
        assert_eq!(texts(&rows[3]), ["3", "He said \"thanks\"", "3"]);
        assert_eq!(
            rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            [1, 2, 5, 6]
        );
        assert!(sheet(&book).notes.is_empty());
    }

    #[test]
    fn crlf_line_ends_number_rows_like_a_text_editor() {
        // Regression: csv's Position::line() lags one behind on CRLF files and ignores lone CR.
        let crlf = read("crlf.csv", b"a,b\r\n\"x\r\ny\",1\r\nc,2\r\n").unwrap();
        let numbers: Vec<u32> = sheet(&crlf).rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 4]);
        let cr = read("mac.csv", b"a,b\rc,1\rd,2\r").unwrap();
        let numbers: Vec<u32> = sheet(&cr).rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 3]);
    }

    #[test]
    fn empty_lines_make_no_row_but_numbering_follows_the_file() {
        let book = read("gaps.csv", b"a,b\n\n\nc,d\r\n\r\ne,f\n").unwrap();
        let rows = &sheet(&book).rows;
        assert_eq!(rows.iter().map(|r| r.number).collect::<Vec<_>>(), [1, 4, 6]);
    }

    #[test]
    fn all_empty_record_is_kept_as_a_blank_row() {
        let book = read("blank.csv", b"a,b,c\n1,2,3\n,,\n4,5,6\n").unwrap();
        let rows = &sheet(&book).rows;
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[2].number, 3);
        assert_eq!(rows[2].cells, vec![Cell::Empty, Cell::Empty, Cell::Empty]);
        assert!(sheet(&book).notes.is_empty());
    }

    #[test]
    fn whitespace_is_not_trimmed_here() {
        let book = read("ws.csv", b"a,b\n  Agree ,\xC2\xA0\n").unwrap();
        assert_eq!(
            sheet(&book).rows[1].cells,
            vec![Cell::Text("  Agree ".into()), Cell::Text("\u{A0}".into())]
        );
    }

    #[test]
    fn ragged_rows_are_kept_and_reported_with_their_line() {
        let bytes = "a,b,c\n1,2,3\n4,5,6,7,8\n9\n10,11,12\n";
        let book = read("ragged.csv", bytes.as_bytes()).unwrap();
        let sheet = sheet(&book);
        assert_eq!(texts(&sheet.rows[2]), ["4", "5", "6", "7", "8"]);
        assert_eq!(texts(&sheet.rows[3]), ["9"]);
        assert_eq!(sheet.notes.len(), 2);
        assert_eq!(sheet.notes[0].row, 3);
        assert_eq!(sheet.notes[0].column, None);
        assert_eq!(
            sheet.notes[0].message,
            "line 3 has 5 fields where the header has 3; the extra cells are kept and reported"
        );
        assert_eq!(sheet.notes[1].row, 4);
        assert!(sheet.notes[1]
            .message
            .starts_with("line 4 has 1 fields where the header has 3"));
    }

    #[test]
    fn many_ragged_rows_are_summed_up_after_the_first_fifty() {
        let mut text = String::from("a,b\n");
        for i in 0..80 {
            text.push_str(&format!("{i},x,extra\n"));
        }
        let book = read("ragged.csv", text.as_bytes()).unwrap();
        let notes = &sheet(&book).notes;
        assert_eq!(notes.len(), MAX_RAGGED_NOTES + 1);
        let summary = &notes[MAX_RAGGED_NOTES];
        assert_eq!(summary.row, 2 + MAX_RAGGED_NOTES as u32);
        assert!(
            summary.message.starts_with("30 more lines"),
            "{}",
            summary.message
        );
        assert_eq!(sheet(&book).rows.len(), 81);
    }

    #[test]
    fn unterminated_quote_swallowing_the_rest_is_an_error_naming_its_line() {
        let bytes = "Id,Comment\n1,fine\n2,\"oops, no closing quote\n3,lost\n4,lost\n";
        let error = read("broken.csv", bytes.as_bytes()).unwrap_err();
        match &error {
            IngestError::Text { line, message, .. } => {
                assert_eq!(*line, 3);
                assert!(message.contains("column B"), "{message}");
                assert!(message.contains("lines 3–5"), "{message}");
            }
            other => panic!("expected a Text error, got {other:?}"),
        }
    }

    #[test]
    fn unclosed_quote_in_the_very_last_cell_is_a_note() {
        let book = read("cut.csv", b"Id,Comment\n1,fine\n2,\"cut short\n").unwrap();
        let sheet = sheet(&book);
        assert_eq!(texts(&sheet.rows[2]), ["2", "cut short\n"]);
        assert_eq!(sheet.notes.len(), 1);
        assert_eq!(sheet.notes[0].row, 3);
        assert_eq!(sheet.notes[0].column, Some(1));
    }

    #[test]
    fn quotes_inside_unquoted_cells_are_literal() {
        let book = read("inch.csv", b"a,b\n5\" screen,\"ok\" then\n").unwrap();
        assert_eq!(texts(&sheet(&book).rows[1]), ["5\" screen", "ok then"]);
        assert!(sheet(&book).notes.is_empty());
    }

    #[test]
    fn empty_file_is_an_error_and_bom_only_is_an_empty_sheet() {
        assert!(matches!(read("e.csv", b""), Err(IngestError::Empty { .. })));
        let book = read("bom.csv", b"\xEF\xBB\xBF").unwrap();
        assert!(sheet(&book).rows.is_empty());
    }

    #[test]
    fn too_many_rows_is_refused_with_the_full_count() {
        let limits = Limits {
            max_rows: 3,
            ..Limits::default()
        };
        let error = read_with("rows.csv", b"a\n1\n2\n3\n4\n", Format::Csv, &limits).unwrap_err();
        match error {
            IngestError::LimitExceeded {
                found,
                limit,
                setting,
                ..
            } => assert_eq!((found, limit, setting), (5, 3, "max_rows")),
            other => panic!("expected LimitExceeded, got {other:?}"),
        }
    }

    #[test]
    fn too_many_columns_is_refused_naming_the_line() {
        let limits = Limits {
            max_columns: 3,
            ..Limits::default()
        };
        let error = read_with("cols.csv", b"a,b,c\n1,2,3,4\n", Format::Csv, &limits).unwrap_err();
        match &error {
            IngestError::LimitExceeded {
                what,
                found,
                setting,
                ..
            } => {
                assert_eq!((*found, *setting), (4, "max_columns"));
                assert!(what.contains("line 2"), "{what}");
            }
            other => panic!("expected LimitExceeded, got {other:?}"),
        }
    }

    #[test]
    fn too_many_cells_is_refused() {
        let limits = Limits {
            max_cells: 8,
            ..Limits::default()
        };
        let error =
            read_with("cells.csv", b"a,b,c\n1,2,3\n4,5,6\n", Format::Csv, &limits).unwrap_err();
        assert!(
            matches!(
                error,
                IngestError::LimitExceeded {
                    found: 9,
                    setting: "max_cells",
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn file_over_the_byte_limit_is_refused() {
        let limits = Limits {
            max_file_bytes: 4,
            ..Limits::default()
        };
        let error = read_with("big.csv", b"a,b\n1,2\n", Format::Csv, &limits).unwrap_err();
        assert!(
            matches!(
                error,
                IngestError::LimitExceeded {
                    found: 8,
                    setting: "max_file_bytes",
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn sniffer_scores_by_agreement_then_width() {
        let fit = delimiter_fit(b"a,b,c\n1,2,3\n4,5\n", false, b',');
        assert_eq!(
            fit,
            DelimiterFit {
                fields: 3,
                agreeing: 2
            }
        );
        // A cut-off sample drops the record that runs into the cut.
        let fit = delimiter_fit(b"a,b,c\n1,2,3\n4,5", true, b',');
        assert_eq!(
            fit,
            DelimiterFit {
                fields: 3,
                agreeing: 2
            }
        );
    }
}

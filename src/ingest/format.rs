//! Which reader a file needs, decided from its first bytes (and, for zips, the entries inside),
//! not from its extension alone.
//!
//! People rename exports ("responses.csv" that is really a workbook, a web page saved as
//! ".xls"), so the content decides and the extension only adds a note
//! ([`extension_mismatch`]). Detection reads at most a few kilobytes plus a zip's central
//! directory or a compound file's directory; it never parses cells.
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use zip::ZipArchive;

use super::guard::{zip_error, CompoundFile};
use super::{IngestError, Limits};

/// A file format impactkit can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
    Csv,
    Tsv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
        }
    }

    /// The format as a person would call it, with an article: "an XLSX workbook".
    pub fn description(self) -> &'static str {
        match self {
            Format::Xlsx => "an XLSX workbook",
            Format::Xlsm => "an XLSM (macro-enabled) workbook",
            Format::Xlsb => "an XLSB (binary) workbook",
            Format::Xls => "an XLS (Excel 97-2003) workbook",
            Format::Ods => "an ODS (OpenDocument) spreadsheet",
            Format::Csv => "a CSV text file",
            Format::Tsv => "a tab-separated text file",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How much of the file is sniffed for magic bytes and for telling text from binary.
const SNIFF_BYTES: u64 = 8 * 1024;
/// `[Content_Types].xml` and `mimetype` are tiny; anything larger is not worth reading here.
const SMALL_ENTRY_BYTES: u64 = 1024 * 1024;

const DEFAULT_ADVICE: &str = "export the responses as CSV or XLSX";

/// Detects the format of `path` from its content.
///
/// Checks the size first (`Empty`, or `LimitExceeded` on `max_file_bytes`), then the magic
/// bytes. An encrypted Office file is `Encrypted`; a PDF, an image, a Word document and the
/// like are `Unsupported` with a message saying what the file seems to be.
pub fn detect(path: &Path, limits: &Limits) -> Result<Format, IngestError> {
    let metadata = std::fs::metadata(path).map_err(|source| io_error(path, source))?;
    if metadata.is_dir() {
        return Err(unsupported(path, "this is a folder, not a file"));
    }
    let size = metadata.len();
    if size == 0 {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    if size > limits.max_file_bytes {
        return Err(IngestError::LimitExceeded {
            path: path.to_path_buf(),
            what: "the file size in bytes".to_string(),
            found: size,
            limit: limits.max_file_bytes,
            setting: "max_file_bytes",
        });
    }
    let mut head = Vec::new();
    File::open(path)
        .and_then(|file| file.take(SNIFF_BYTES).read_to_end(&mut head))
        .map_err(|source| io_error(path, source))?;
    match sniff(&head) {
        Sniffed::Zip => detect_zip(path),
        Sniffed::CompoundFile => detect_compound_file(path),
        Sniffed::Foreign { what, advice } => Err(unsupported(
            path,
            format!("this is {what}, not a spreadsheet; {advice}"),
        )),
        Sniffed::Text => Ok(if has_extension(path, &["tsv", "tab"]) {
            Format::Tsv
        } else {
            Format::Csv
        }),
    }
}

/// A note for the user when the file's extension disagrees with its content, e.g. "this .csv
/// is really an XLSX workbook; it was read as XLSX". `None` when they agree or the extension
/// says nothing about the format.
pub fn extension_mismatch(path: &Path, format: Format) -> Option<String> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    let agrees = match extension.as_str() {
        "xlsx" | "xltx" => format == Format::Xlsx,
        "xlsm" | "xltm" => format == Format::Xlsm,
        "xlsb" => format == Format::Xlsb,
        "xls" | "xlt" => format == Format::Xls,
        "ods" | "ots" => format == Format::Ods,
        // The text reader sniffs the delimiter, so a .csv holding tabs is no surprise.
        "csv" | "tsv" | "tab" | "txt" => matches!(format, Format::Csv | Format::Tsv),
        _ => return None,
    };
    if agrees {
        None
    } else {
        Some(format!(
            "this .{extension} is really {}; it was read as {}",
            format.description(),
            format.name().to_ascii_uppercase()
        ))
    }
}

fn io_error(path: &Path, source: std::io::Error) -> IngestError {
    IngestError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn unsupported(path: &Path, message: impl Into<String>) -> IngestError {
    IngestError::Unsupported {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn has_extension(path: &Path, wanted: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| wanted.iter().any(|w| e.eq_ignore_ascii_case(w)))
}

/// What the first bytes say.
#[derive(Debug, PartialEq, Eq)]
enum Sniffed {
    Zip,
    CompoundFile,
    /// Something recognisably not a spreadsheet impactkit reads.
    Foreign {
        what: &'static str,
        advice: &'static str,
    },
    Text,
}

fn foreign(what: &'static str) -> Sniffed {
    Sniffed::Foreign {
        what,
        advice: DEFAULT_ADVICE,
    }
}

fn sniff(head: &[u8]) -> Sniffed {
    const SIGNATURES: &[(&[u8], &str, &str)] = &[
        (b"%PDF", "a PDF document", DEFAULT_ADVICE),
        (b"\x89PNG\r\n\x1a\n", "a PNG image", DEFAULT_ADVICE),
        (b"\xFF\xD8\xFF", "a JPEG image", DEFAULT_ADVICE),
        (b"GIF87a", "a GIF image", DEFAULT_ADVICE),
        (b"GIF89a", "a GIF image", DEFAULT_ADVICE),
        (b"II*\x00", "a TIFF image", DEFAULT_ADVICE),
        (b"MM\x00*", "a TIFF image", DEFAULT_ADVICE),
        (b"\x1F\x8B", "a gzip-compressed file", "decompress it first"),
        (
            b"7z\xBC\xAF\x27\x1C",
            "a 7-Zip archive",
            "unpack it and read the spreadsheet inside",
        ),
        (
            b"Rar!\x1A\x07",
            "a RAR archive",
            "unpack it and read the spreadsheet inside",
        ),
        (b"{\\rtf", "an RTF document", DEFAULT_ADVICE),
        (b"\x7FELF", "a program", DEFAULT_ADVICE),
        (b"SQLite format 3\x00", "an SQLite database", DEFAULT_ADVICE),
        (b"PAR1", "a Parquet table", DEFAULT_ADVICE),
    ];
    if head.len() >= 4 && head[..2] == *b"PK" && matches!(&head[2..4], [3, 4] | [5, 6] | [7, 8]) {
        return Sniffed::Zip;
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Sniffed::CompoundFile;
    }
    for (magic, what, advice) in SIGNATURES {
        if head.starts_with(magic) {
            return Sniffed::Foreign { what, advice };
        }
    }
    // BIFF2–4 worksheets are bare BOF records, not inside a compound file; calamine cannot
    // read them.
    if head.len() >= 4 && head[0] == 0x09 && matches!(head[1], 0x00 | 0x02 | 0x04) && head[3] == 0 {
        return Sniffed::Foreign {
            what: "an Excel 2.x-4.x worksheet",
            advice: "open it in Excel or LibreOffice and save it as XLSX",
        };
    }
    if !looks_like_text(head) {
        return foreign("binary data of an unknown kind");
    }
    sniff_markup(head).unwrap_or(Sniffed::Text)
}

/// Text that is markup rather than a table: web pages saved as ".xls" by survey tools, and
/// Excel's 2003 XML format.
fn sniff_markup(head: &[u8]) -> Option<Sniffed> {
    let text = String::from_utf8_lossy(head);
    let start = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if start.starts_with("<!doctype html") || start.starts_with("<html") {
        return Some(Sniffed::Foreign {
            what: "a web page (HTML), which some survey tools save under a spreadsheet name",
            advice: "open it in Excel and save it as XLSX, or export the responses as CSV",
        });
    }
    if start.starts_with("<?xml") {
        if start.contains("urn:schemas-microsoft-com:office:spreadsheet") {
            return Some(Sniffed::Foreign {
                what: "an Excel 2003 XML spreadsheet",
                advice: "open it in Excel and save it as XLSX",
            });
        }
        return Some(foreign("an XML document"));
    }
    None
}

/// True when `head` reads as text in UTF-8, a single-byte code page or UTF-16.
fn looks_like_text(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    // UTF-16 without a byte-order mark: mostly-ASCII text has a zero in every other byte.
    let pairs = head.len() / 2;
    if pairs >= 8 {
        let zero_even = head.iter().step_by(2).filter(|&&b| b == 0).count();
        let zero_odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        let mostly = |zeros: usize| zeros * 10 >= pairs * 9;
        let few = |zeros: usize| zeros * 20 <= pairs;
        if (mostly(zero_odd) && few(zero_even)) || (mostly(zero_even) && few(zero_odd)) {
            return true;
        }
    }
    if head.contains(&0) {
        return false;
    }
    // Control characters other than tab, line breaks, form feed, DOS end-of-file and escape
    // do not occur in text exports; a few may slip into a free-text answer.
    let controls = head
        .iter()
        .filter(|&&b| {
            (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A | 0x1B)) || b == 0x7F
        })
        .count();
    controls * 100 <= head.len()
}

fn read_small_entry<R: Read + Seek>(zip: &mut ZipArchive<R>, name: &str) -> Option<String> {
    let index = zip.index_for_name(name)?;
    let entry = zip.by_index(index).ok()?;
    let mut bytes = Vec::new();
    entry.take(SMALL_ENTRY_BYTES).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn detect_zip(path: &Path) -> Result<Format, IngestError> {
    let file = File::open(path).map_err(|source| io_error(path, source))?;
    let mut zip = ZipArchive::new(BufReader::new(file)).map_err(|e| zip_error(path, e))?;
    // OOXML part names are case-insensitive.
    let names: HashSet<String> = (0..zip.len())
        .filter_map(|i| zip.by_index_data(i).ok())
        .map(|entry| String::from_utf8_lossy(entry.name_raw()).to_ascii_lowercase())
        .collect();
    let content_types = read_small_entry(&mut zip, "[Content_Types].xml")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let declares = |content_type: &str| content_types.contains(content_type);

    let workbook_xml = names.contains("xl/workbook.xml")
        || declares("spreadsheetml.sheet.main+xml")
        || declares("spreadsheetml.template.main+xml")
        || declares("ms-excel.sheet.macroenabled.main+xml")
        || declares("ms-excel.template.macroenabled.main+xml");
    if workbook_xml {
        let macros = has_extension(path, &["xlsm", "xltm"])
            || declares("macroenabled")
            || names.contains("xl/vbaproject.bin");
        return Ok(if macros { Format::Xlsm } else { Format::Xlsx });
    }
    if names.contains("xl/workbook.bin") || declares("ms-excel.sheet.binary.macroenabled.main") {
        return Ok(Format::Xlsb);
    }
    let mimetype = read_small_entry(&mut zip, "mimetype").unwrap_or_default();
    let mimetype = mimetype.trim();
    // calamine accepts the spreadsheet template type too (it compares the first 46 bytes).
    if mimetype.starts_with("application/vnd.oasis.opendocument.spreadsheet")
        && names.contains("content.xml")
    {
        return Ok(Format::Ods);
    }

    let (what, advice) = if names.contains("word/document.xml") {
        ("a Word document (.docx)", DEFAULT_ADVICE)
    } else if names.contains("ppt/presentation.xml") {
        ("a PowerPoint presentation (.pptx)", DEFAULT_ADVICE)
    } else if mimetype.starts_with("application/vnd.oasis.opendocument.text") {
        ("an OpenDocument text document (.odt)", DEFAULT_ADVICE)
    } else if mimetype.starts_with("application/vnd.oasis.opendocument.presentation") {
        ("an OpenDocument presentation (.odp)", DEFAULT_ADVICE)
    } else if mimetype.starts_with("application/vnd.oasis.opendocument") {
        (
            "an OpenDocument file that is not a spreadsheet",
            DEFAULT_ADVICE,
        )
    } else if names.contains("index/document.iwa") {
        (
            "an Apple Numbers document",
            "export it from Numbers as XLSX or CSV",
        )
    } else {
        (
            "a zip archive that does not hold a spreadsheet in a form impactkit reads",
            "unpack it and read the spreadsheet inside",
        )
    };
    Err(unsupported(
        path,
        format!("this is {what}, not a spreadsheet; {advice}"),
    ))
}

fn detect_compound_file(path: &Path) -> Result<Format, IngestError> {
    let compound = match CompoundFile::open(path) {
        Ok(compound) => compound,
        // A damaged compound file: let the guard and the XLS reader say exactly what is wrong.
        Err(_) => return Ok(Format::Xls),
    };
    // An encrypted XLSX/XLSM/XLSB is an OLE wrapper round the encrypted package.
    if compound.has_entry("EncryptedPackage") || compound.has_entry("EncryptionInfo") {
        return Err(IngestError::Encrypted {
            path: path.to_path_buf(),
        });
    }
    if compound.has_entry("Workbook") || compound.has_entry("Book") {
        return Ok(Format::Xls);
    }
    let what = if compound.has_entry("WordDocument") {
        "a Word 97-2003 document (.doc)"
    } else if compound.has_entry("PowerPoint Document") {
        "a PowerPoint 97-2003 presentation (.ppt)"
    } else {
        "an Office 97-2003 file that holds no Excel workbook"
    };
    Err(unsupported(
        path,
        format!("this is {what}, not a spreadsheet; {DEFAULT_ADVICE}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn what(head: &[u8]) -> &'static str {
        match sniff(head) {
            Sniffed::Foreign { what, .. } => what,
            other => panic!("expected a foreign file, got {other:?}"),
        }
    }

    #[test]
    fn magic_bytes_pick_the_container() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Zip);
        assert_eq!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Sniffed::CompoundFile
        );
        assert_eq!(what(b"%PDF-1.7\n"), "a PDF document");
        assert_eq!(what(b"\x89PNG\r\n\x1a\n\0\0"), "a PNG image");
    }

    #[test]
    fn text_in_any_common_encoding_is_text() {
        assert_eq!(sniff(b"Name,Age\nAda,36\n"), Sniffed::Text);
        assert_eq!(sniff("\u{feff}Nom;Âge\r\n".as_bytes()), Sniffed::Text);
        // Windows-1252 bytes (é = 0xE9) are still text.
        assert_eq!(sniff(b"caf\xE9,1\n"), Sniffed::Text);
        let utf16: Vec<u8> = "Name\tAge\r\nAda\t36\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(sniff(&utf16), Sniffed::Text);
    }

    #[test]
    fn binary_and_markup_are_named() {
        let noise: Vec<u8> = (0u32..4096)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(what(&noise), "binary data of an unknown kind");
        assert!(what(b"<!DOCTYPE html><html><table>").starts_with("a web page"));
        assert_eq!(
            what(b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"),
            "an Excel 2003 XML spreadsheet"
        );
    }

    #[test]
    fn extension_mismatch_explains_what_the_file_is() {
        assert_eq!(
            extension_mismatch(Path::new("responses.csv"), Format::Xlsx).as_deref(),
            Some("this .csv is really an XLSX workbook; it was read as XLSX")
        );
        assert_eq!(
            extension_mismatch(Path::new("a.XLSX"), Format::Csv).as_deref(),
            Some("this .xlsx is really a CSV text file; it was read as CSV")
        );
        assert_eq!(extension_mismatch(Path::new("a.xlsx"), Format::Xlsx), None);
        assert_eq!(extension_mismatch(Path::new("a.tsv"), Format::Csv), None);
        assert_eq!(extension_mismatch(Path::new("export"), Format::Xls), None);
        assert_eq!(extension_mismatch(Path::new("a.dat"), Format::Xls), None);
    }
}

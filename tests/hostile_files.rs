//! Hostile, damaged and mislabelled inputs: every one must end in a clear `IngestError` (or a
//! bounded, correct read), never a panic, an abort or an unbounded allocation.
//!
//! Each file is crafted in a fresh temporary folder at test time, so nothing hostile is stored
//! in the repository.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use impactkit::ingest::format::{detect, extension_mismatch, Format};
use impactkit::ingest::{
    read_workbook, Cell, IngestError, Limits, MergedRange, SheetSelection, Workbook,
};
use zip::write::SimpleFileOptions;

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

fn read_all(path: &Path) -> Result<Workbook, IngestError> {
    read_workbook(path, SheetSelection::All, &Limits::default())
}

fn setting_of(result: Result<Workbook, IngestError>) -> &'static str {
    match result {
        Err(IngestError::LimitExceeded { setting, .. }) => setting,
        Err(other) => panic!("expected LimitExceeded, got the error: {other}"),
        Ok(book) => panic!(
            "expected LimitExceeded, but {} sheets were read",
            book.sheets.len()
        ),
    }
}

/// Writes a zip with the given entries, deflated, in order.
fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    for (name, bytes) in entries {
        let options = if *name == "mimetype" {
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)
        } else {
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)
        };
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// The parts of a one-sheet XLSX written by hand, so each test can bend one of them.
struct XlsxParts {
    workbook_pr: String,
    sheet_data: String,
    after_sheet_data: String,
    shared_strings: Option<String>,
}

impl XlsxParts {
    fn new(sheet_data: &str) -> Self {
        XlsxParts {
            workbook_pr: String::new(),
            sheet_data: sheet_data.to_string(),
            after_sheet_data: String::new(),
            shared_strings: None,
        }
    }

    fn write(&self, path: &Path) {
        let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
        let package_rels = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        );
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{}<sheets><sheet name="Responses" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            self.workbook_pr
        );
        let workbook_rels = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/><Relationship Id="rId3" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
        );
        // Style 1 is built-in number format 14, a date.
        let styles = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN_NS}"><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#
        );
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{}</sheetData>{}</worksheet>"#,
            self.sheet_data, self.after_sheet_data
        );
        let mut entries: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", content_types.as_bytes()),
            ("_rels/.rels", package_rels.as_bytes()),
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
            ("xl/styles.xml", styles.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ];
        if let Some(strings) = &self.shared_strings {
            entries.push(("xl/sharedStrings.xml", strings.as_bytes()));
        }
        write_zip(path, &entries);
    }
}

fn rust_xlsxwriter_bytes(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Responses").unwrap();
    build(sheet);
    book.save_to_buffer().unwrap()
}

fn cell_at(book: &Workbook, row_number: u32, column: usize) -> Option<&Cell> {
    book.sheets[0]
        .rows
        .iter()
        .find(|r| r.number == row_number)
        .and_then(|r| r.cells.get(column))
}

#[test]
fn shared_strings_declaring_four_billion_entries_are_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge_sst.xlsx");
    let mut parts = XlsxParts::new(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    parts.shared_strings = Some(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="4000000000" uniqueCount="4000000000"><si><t>Agree</t></si></sst>"#
    ));
    parts.write(&path);
    let started = Instant::now();
    let result = read_all(&path);
    assert!(started.elapsed() < Duration::from_secs(5));
    match result {
        Err(IngestError::LimitExceeded {
            what,
            found,
            setting,
            ..
        }) => {
            assert_eq!(setting, "max_shared_strings");
            assert_eq!(found, 4_000_000_000);
            assert!(what.contains("xl/sharedStrings.xml"), "{what}");
        }
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
}

#[test]
fn two_cells_at_opposite_corners_are_read_sparsely() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corners.xlsx");
    let bytes = rust_xlsxwriter_bytes(|sheet| {
        sheet.write_string(0, 0, "top left").unwrap();
        sheet.write_number(1_048_575, 16_383, 7.0).unwrap();
    });
    std::fs::write(&path, bytes).unwrap();
    let started = Instant::now();
    let result = read_all(&path);
    assert!(started.elapsed() < Duration::from_secs(30));
    match result {
        Ok(book) => {
            let rows = &book.sheets[0].rows;
            assert_eq!(rows.len(), 2);
            assert_eq!((rows[0].number, rows[0].cells.len()), (1, 1));
            assert_eq!((rows[1].number, rows[1].cells.len()), (1_048_576, 16_384));
            assert_eq!(rows[1].cells[16_383], Cell::Number(7.0));
        }
        // Refusing is acceptable too, as long as it is a clean limit error.
        Err(IngestError::LimitExceeded { .. }) => {}
        Err(other) => panic!("unexpected error: {other}"),
    }
}

#[test]
fn a_zip_bomb_entry_is_refused_before_it_is_inflated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    let mut parts = XlsxParts::new("");
    parts.sheet_data = "0".repeat(50 * 1024 * 1024);
    parts.write(&path);
    assert_eq!(setting_of(read_all(&path)), "max_compression_ratio");

    let tiny = Limits {
        max_entry_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let result = read_workbook(&path, SheetSelection::All, &tiny);
    assert_eq!(setting_of(result), "max_entry_bytes");
}

#[test]
fn a_truncated_xlsx_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half.xlsx");
    let bytes = rust_xlsxwriter_bytes(|sheet| {
        for row in 0..200 {
            sheet.write_string(row, 0, format!("answer {row}")).unwrap();
        }
    });
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    match read_all(&path) {
        Err(IngestError::Corrupt { detail, .. }) => assert!(!detail.is_empty()),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn an_empty_file_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("responses.xlsx");
    std::fs::write(&path, b"").unwrap();
    assert!(matches!(read_all(&path), Err(IngestError::Empty { .. })));
}

#[test]
fn an_encrypted_workbook_is_reported_as_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.xlsx");
    {
        // What Excel writes when a password is set: an OLE wrapper round the encrypted package.
        let mut compound = cfb::create(&path).unwrap();
        let mut info = compound.create_stream("/EncryptionInfo").unwrap();
        info.write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0]).unwrap();
        drop(info);
        let mut package = compound.create_stream("/EncryptedPackage").unwrap();
        package.write_all(&[0x5Au8; 8192]).unwrap();
    }
    assert!(matches!(
        read_all(&path),
        Err(IngestError::Encrypted { .. })
    ));
}

#[test]
fn random_bytes_and_pdfs_are_unsupported() {
    let dir = tempfile::tempdir().unwrap();
    let noise_path = dir.path().join("noise.xlsx");
    // A fixed multiplicative hash sequence: looks random, never starts with a known signature.
    let noise: Vec<u8> = (0u32..20_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(&noise_path, noise).unwrap();
    assert!(matches!(
        read_all(&noise_path),
        Err(IngestError::Unsupported { .. })
    ));

    let pdf_path = dir.path().join("report.csv");
    std::fs::write(
        &pdf_path,
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n",
    )
    .unwrap();
    match read_all(&pdf_path) {
        Err(IngestError::Unsupported { message, .. }) => {
            assert!(message.contains("PDF"), "{message}");
            assert!(message.contains("CSV or XLSX"), "{message}");
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn a_csv_that_is_really_an_xlsx_is_read_as_xlsx_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("responses.csv");
    let bytes = rust_xlsxwriter_bytes(|sheet| {
        sheet.write_string(0, 0, "Respondent ID").unwrap();
        sheet.write_number(1, 0, 101.0).unwrap();
    });
    std::fs::write(&path, bytes).unwrap();
    let book = read_all(&path).unwrap();
    assert_eq!(book.format, Format::Xlsx);
    assert_eq!(cell_at(&book, 2, 0), Some(&Cell::Number(101.0)));
    let note = extension_mismatch(&path, book.format).unwrap();
    assert!(note.contains(".csv is really an XLSX workbook"), "{note}");

    // And the other way round: text saved under a workbook name is read as CSV.
    let text_path = dir.path().join("export.xlsx");
    std::fs::write(&text_path, "Respondent ID,Answer\n101,Agree\n").unwrap();
    let format = detect(&text_path, &Limits::default()).unwrap();
    assert_eq!(format, Format::Csv);
    assert!(extension_mismatch(&text_path, format)
        .unwrap()
        .contains("CSV"));
}

#[test]
fn formula_errors_become_error_cells_with_notes_naming_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("errors.xlsx");
    let bytes = rust_xlsxwriter_bytes(|sheet| {
        let div = rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!");
        let na = rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A");
        sheet.write_formula(6, 2, div).unwrap();
        sheet.write_formula(7, 2, na).unwrap();
    });
    std::fs::write(&path, bytes).unwrap();
    let book = read_all(&path).unwrap();
    assert_eq!(cell_at(&book, 7, 2), Some(&Cell::Error("#DIV/0!".into())));
    assert_eq!(cell_at(&book, 8, 2), Some(&Cell::Error("#N/A".into())));
    let notes = &book.sheets[0].notes;
    let c7 = notes
        .iter()
        .find(|n| n.row == 7 && n.column == Some(2))
        .expect("a note about C7");
    assert!(
        c7.message.contains("#DIV/0!") && c7.message.contains("C7"),
        "{}",
        c7.message
    );
    assert!(notes
        .iter()
        .any(|n| n.message.contains("#N/A") && n.message.contains("C8")));
}

#[test]
fn dates_follow_the_workbooks_date_system() {
    // Serial numbers of 2026-05-13 computed outside this code (Python):
    // (date(2026,5,13) - date(1899,12,30)).days == 46155 and (... - date(1904,1,1)).days == 44693.
    let expected = Cell::Date(
        NaiveDate::from_ymd_opt(2026, 5, 13)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();

    let path_1900 = dir.path().join("dates1900.xlsx");
    XlsxParts::new(r#"<row r="1"><c r="A1" s="1"><v>46155</v></c></row>"#).write(&path_1900);
    let book = read_all(&path_1900).unwrap();
    assert_eq!(cell_at(&book, 1, 0), Some(&expected));

    let path_1904 = dir.path().join("dates1904.xlsx");
    let mut parts = XlsxParts::new(r#"<row r="1"><c r="A1" s="1"><v>44693</v></c></row>"#);
    parts.workbook_pr = r#"<workbookPr date1904="1"/>"#.to_string();
    parts.write(&path_1904);
    let book = read_all(&path_1904).unwrap();
    assert_eq!(cell_at(&book, 1, 0), Some(&expected));

    // rust_xlsxwriter, 1900 system, through its own date format.
    let path_writer = dir.path().join("dates_writer.xlsx");
    let bytes = rust_xlsxwriter_bytes(|sheet| {
        let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet
            .write_number_with_format(0, 0, 46155.0, &format)
            .unwrap();
    });
    std::fs::write(&path_writer, bytes).unwrap();
    let book = read_all(&path_writer).unwrap();
    assert_eq!(cell_at(&book, 1, 0), Some(&expected));
}

#[test]
fn merged_header_cells_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("merged.xlsx");
    let bytes = rust_xlsxwriter_bytes(|sheet| {
        let plain = rust_xlsxwriter::Format::new();
        sheet
            .merge_range(0, 1, 0, 3, "How much do you agree?", &plain)
            .unwrap();
        sheet.write_string(1, 1, "Less isolated").unwrap();
    });
    std::fs::write(&path, bytes).unwrap();
    let book = read_all(&path).unwrap();
    assert_eq!(
        book.sheets[0].merged,
        [MergedRange {
            first: (0, 1),
            last: (0, 3)
        }]
    );
    assert_eq!(
        cell_at(&book, 1, 1),
        Some(&Cell::Text("How much do you agree?".into()))
    );
}

#[test]
fn sheets_are_selected_by_name_ignoring_case_and_all_names_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .set_name("Notes")
        .unwrap()
        .write_string(0, 0, "n")
        .unwrap();
    book.add_worksheet()
        .set_name("Responses")
        .unwrap()
        .write_string(0, 0, "r")
        .unwrap();
    book.save(&path).unwrap();

    let read = read_workbook(
        &path,
        SheetSelection::Named("responses"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(read.sheet_names, ["Notes", "Responses"]);
    assert_eq!(read.sheets.len(), 1);
    assert_eq!(read.sheets[0].name, "Responses");

    let first = read_workbook(&path, SheetSelection::First, &Limits::default()).unwrap();
    assert_eq!(first.sheets[0].name, "Notes");

    match read_workbook(&path, SheetSelection::Named("Answers"), &Limits::default()) {
        Err(IngestError::SheetNotFound { available, .. }) => {
            assert_eq!(available, ["Notes", "Responses"])
        }
        other => panic!("expected SheetNotFound, got {other:?}"),
    }
}

#[test]
fn limits_stop_a_sheet_at_the_cell_that_crosses_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.xlsx");
    let bytes = rust_xlsxwriter_bytes(|sheet| {
        sheet.write_string(0, 0, "a").unwrap();
        sheet.write_string(0, 300, "far right").unwrap();
    });
    std::fs::write(&path, bytes).unwrap();
    let limits = Limits {
        max_columns: 256,
        ..Limits::default()
    };
    match read_workbook(&path, SheetSelection::All, &limits) {
        Err(IngestError::LimitExceeded { what, setting, .. }) => {
            assert_eq!(setting, "max_columns");
            assert!(what.contains("KO1"), "{what}");
        }
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
}

/// A sheet whose XML breaks after the rows that cross a limit: the limit is what the person is
/// told, as it was before the sheet was parsed on a thread of its own (the broken cell and the
/// rows before it arrive in one batch).
#[test]
fn a_limit_crossed_before_a_damaged_cell_is_the_error_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.xlsx");
    let mut rows: String = (1..=20)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#))
        .collect();
    // A shared string in a workbook that has none.
    rows.push_str(r#"<row r="21"><c r="A21" t="s"><v>7</v></c></row>"#);
    XlsxParts::new(&rows).write(&path);
    let damaged = read_all(&path);
    assert!(
        matches!(damaged, Err(IngestError::Corrupt { .. })),
        "without a limit the damage is reported: {damaged:?}"
    );
    let limits = Limits {
        max_rows: 10,
        ..Limits::default()
    };
    match read_workbook(&path, SheetSelection::All, &limits) {
        Err(IngestError::LimitExceeded { what, setting, .. }) => {
            assert_eq!(setting, "max_rows");
            assert!(what.contains("A11"), "{what}");
        }
        other => panic!("expected the row limit, got {other:?}"),
    }
}

// ---- ODS -----------------------------------------------------------------------------------

fn write_ods(path: &Path, table_body: &str) {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Responses">{table_body}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    write_zip(
        path,
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("META-INF/manifest.xml", manifest.as_bytes()),
            ("content.xml", content.as_bytes()),
        ],
    );
}

#[test]
fn an_ods_is_read_with_dates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("responses.ods");
    write_ods(
        &path,
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Visited</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="date" office:date-value="2026-05-13"><text:p>13/05/2026</text:p></table:table-cell></table:table-row>"#,
    );
    let book = read_all(&path).unwrap();
    assert_eq!(book.format, Format::Ods);
    assert_eq!(cell_at(&book, 1, 0), Some(&Cell::Text("Visited".into())));
    assert_eq!(cell_at(&book, 1, 1), Some(&Cell::Number(3.0)));
    let date = NaiveDate::from_ymd_opt(2026, 5, 13)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert_eq!(cell_at(&book, 2, 0), Some(&Cell::Date(date)));
}

#[test]
fn an_ods_repeating_a_value_over_the_whole_grid_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("repeated.ods");
    write_ods(
        &path,
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#,
    );
    assert_eq!(setting_of(read_all(&path)), "max_cells");
}

#[test]
fn an_encrypted_ods_is_reported_as_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.ods");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/></manifest:file-entry></manifest:manifest>"#;
    write_zip(
        &path,
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("META-INF/manifest.xml", manifest.as_bytes()),
            ("content.xml", &[0x8Fu8; 512]),
        ],
    );
    assert!(matches!(
        read_all(&path),
        Err(IngestError::Encrypted { .. })
    ));
}

#[test]
fn a_word_document_says_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("responses.xlsx");
    write_zip(
        &path,
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ],
    );
    match read_all(&path) {
        Err(IngestError::Unsupported { message, .. }) => {
            assert!(message.contains("Word document"), "{message}")
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

// ---- XLS (BIFF8 inside a compound file) ----------------------------------------------------

fn biff_record(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&(body.len() as u16).to_le_bytes());
    out.extend_from_slice(body);
}

fn biff_number(row: u16, column: u16, value: f64) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&row.to_le_bytes());
    body.extend_from_slice(&column.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&value.to_le_bytes());
    body
}

/// A minimal BIFF8 workbook stream: globals (with `globals_extra` records), one sheet named
/// "Responses" holding `sheet_records`.
fn xls_stream(globals_extra: &[(u16, Vec<u8>)], sheet_records: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let bof = |kind: u16| {
        let mut body = vec![0x00, 0x06];
        body.extend_from_slice(&kind.to_le_bytes());
        body.extend_from_slice(&[0; 12]);
        body
    };
    let mut stream = Vec::new();
    biff_record(&mut stream, 0x0809, &bof(0x0005));
    for (kind, body) in globals_extra {
        biff_record(&mut stream, *kind, body);
    }
    let boundsheet_at = stream.len();
    let mut boundsheet = vec![0, 0, 0, 0, 0, 0, 9, 0];
    boundsheet.extend_from_slice(b"Responses");
    biff_record(&mut stream, 0x0085, &boundsheet);
    biff_record(&mut stream, 0x000A, &[]);
    let sheet_at = stream.len() as u32;
    stream[boundsheet_at + 4..boundsheet_at + 8].copy_from_slice(&sheet_at.to_le_bytes());
    biff_record(&mut stream, 0x0809, &bof(0x0010));
    for (kind, body) in sheet_records {
        biff_record(&mut stream, *kind, body);
    }
    biff_record(&mut stream, 0x000A, &[]);
    stream
}

fn write_xls(path: &Path, stream: &[u8]) {
    let mut compound = cfb::create(path).unwrap();
    let mut workbook = compound.create_stream("/Workbook").unwrap();
    workbook.write_all(stream).unwrap();
}

fn xls_path(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn a_small_xls_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = xls_path(&dir, "old.xls");
    let stream = xls_stream(
        &[],
        &[
            (0x0203, biff_number(0, 0, 1.5)),
            (0x0203, biff_number(2, 2, 4.0)),
        ],
    );
    write_xls(&path, &stream);
    let book = read_all(&path).unwrap();
    assert_eq!(book.format, Format::Xls);
    assert_eq!(book.sheet_names, ["Responses"]);
    let rows = &book.sheets[0].rows;
    assert_eq!(rows.iter().map(|r| r.number).collect::<Vec<_>>(), [1, 3]);
    assert_eq!(cell_at(&book, 1, 0), Some(&Cell::Number(1.5)));
    assert_eq!(cell_at(&book, 3, 2), Some(&Cell::Number(4.0)));
}

#[test]
fn an_xls_with_cells_far_apart_is_refused_before_calamine_allocates() {
    // calamine would build a dense 65,536 × 65,536 range from these two cells.
    let dir = tempfile::tempdir().unwrap();
    let path = xls_path(&dir, "corners.xls");
    let stream = xls_stream(
        &[],
        &[
            (0x0203, biff_number(0, 0, 1.0)),
            (0x0203, biff_number(65_535, 65_535, 2.0)),
        ],
    );
    write_xls(&path, &stream);
    assert_eq!(setting_of(read_all(&path)), "max_cells");
}

#[test]
fn an_xls_declaring_huge_dimensions_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = xls_path(&dir, "dimensions.xls");
    let mut dimensions = Vec::new();
    dimensions.extend_from_slice(&0u32.to_le_bytes());
    dimensions.extend_from_slice(&1_000_000_000u32.to_le_bytes());
    dimensions.extend_from_slice(&0u16.to_le_bytes());
    dimensions.extend_from_slice(&200u16.to_le_bytes());
    dimensions.extend_from_slice(&0u16.to_le_bytes());
    let stream = xls_stream(
        &[],
        &[(0x0200, dimensions), (0x0203, biff_number(0, 0, 1.0))],
    );
    write_xls(&path, &stream);
    assert_eq!(setting_of(read_all(&path)), "max_cells");
}

#[test]
fn a_password_protected_xls_is_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let path = xls_path(&dir, "locked.xls");
    // FILEPASS with wEncryptionType 1 (RC4).
    let stream = xls_stream(
        &[(0x002F, vec![1, 0, 1, 0, 1, 0])],
        &[(0x0203, biff_number(0, 0, 1.0))],
    );
    write_xls(&path, &stream);
    assert!(matches!(
        read_all(&path),
        Err(IngestError::Encrypted { .. })
    ));
}

// ---- Real exports --------------------------------------------------------------------------

const GOOGLE_FORMS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/real/forms/rcs2019_english_google_forms.xlsx"
);
const CODED_COMMENTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/real/coding/QualtricsTools_Q5_Coded.xlsx"
);

#[test]
fn google_forms_export_without_dimension_reads_every_response() {
    let path = Path::new(GOOGLE_FORMS);
    let book = read_workbook(
        path,
        SheetSelection::Named("Form Responses 1"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(book.format, Format::Xlsx);
    assert_eq!(extension_mismatch(path, book.format), None);
    let sheet = &book.sheets[0];
    assert_eq!(sheet.name, "Form Responses 1");
    assert_eq!(sheet.rows.len(), 1_839);
    assert_eq!(sheet.rows[0].number, 1);
    assert_eq!(sheet.rows[0].cells[0], Cell::Text("Timestamp".into()));
    assert!(
        matches!(sheet.rows[1].cells[0], Cell::Date(_)),
        "the first timestamp is {:?}",
        sheet.rows[1].cells[0]
    );
}

#[test]
fn coded_comments_matrix_reads_without_its_styled_blank_rows() {
    // Expected values read from the part XML with Python's zipfile and re, not with this code:
    // six rows hold values; rows 7-30 hold only styled empty cells (`<c r="B7" s="1"/>`).
    let book = read_all(Path::new(CODED_COMMENTS)).unwrap();
    assert_eq!(book.format, Format::Xlsx);
    let sheet = &book.sheets[0];
    let header: Vec<String> = sheet.rows[0].cells.iter().map(Cell::to_text).collect();
    assert_eq!(
        header,
        [
            "ResponseID",
            "varname",
            "Please briefly state your position on fruit",
            "Category 1: Fruit are good",
            "Category 2: There should be more fruit.",
            "Category 3: Fruit should be replaced by vegetables",
        ]
    );
    assert_eq!(sheet.rows.len(), 6);
    assert_eq!(
        sheet.rows[1].cells[0],
        Cell::Text("R_9RWrgh1F9m7488l".into())
    );
    assert_eq!(
        sheet.rows[1].cells[3..],
        [Cell::Number(1.0), Cell::Empty, Cell::Number(1.0)]
    );
}

//! Safety limits shared by the spec (which can raise them) and ingest (which enforces them).

/// Safety limits for untrusted files. Defaults are generous for real survey exports (a national
/// survey of 100,000 respondents × 150 questions fits) and small enough that a crafted file
/// cannot exhaust memory. Each can be raised in the spec's `[limits]` table.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Limits {
    /// Largest input file on disk, in bytes.
    pub max_file_bytes: u64,
    /// Largest uncompressed size of any one entry inside an XLSX/XLSM/XLSB/ODS zip, in bytes.
    pub max_entry_bytes: u64,
    /// Largest ratio of uncompressed to compressed size for a zip entry (zip-bomb guard).
    pub max_compression_ratio: u64,
    /// Largest number of shared strings a workbook may declare or contain.
    pub max_shared_strings: u64,
    /// Largest number of cells materialised for one sheet (rows × widest column used).
    pub max_cells: u64,
    /// Largest number of columns in one sheet.
    pub max_columns: u32,
    /// Largest number of rows in one sheet.
    pub max_rows: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 * 1024 * 1024,
            max_entry_bytes: 2 * 1024 * 1024 * 1024,
            max_compression_ratio: 250,
            max_shared_strings: 5_000_000,
            max_cells: 25_000_000,
            max_columns: 16_384,
            max_rows: 1_048_576,
        }
    }
}

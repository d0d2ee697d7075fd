use std::path::PathBuf;

/// Why a file could not be read. Every variant names the file, and the sheet and cell or line
/// where there is one, and says what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{}: cannot open the file: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: the file is empty (0 bytes); export the survey again", path.display())]
    Empty { path: PathBuf },

    #[error("{}: {message}", path.display())]
    Unsupported { path: PathBuf, message: String },

    #[error(
        "{}: the workbook is encrypted or password-protected; open it in Excel, remove the \
         password (File > Info > Protect Workbook) and save an unprotected copy",
        path.display()
    )]
    Encrypted { path: PathBuf },

    #[error("{}: {what} is {found}, over the safety limit of {limit}; if the file is genuine, raise `{setting}` in the spec's [limits] table", path.display())]
    LimitExceeded {
        path: PathBuf,
        /// What was measured, e.g. "the declared shared-strings count".
        what: String,
        found: u64,
        limit: u64,
        /// The `[limits]` key that raises it, e.g. `max_shared_strings`.
        setting: &'static str,
    },

    #[error("{}: the file is damaged or incomplete ({detail}); export or download it again", path.display())]
    Corrupt { path: PathBuf, detail: String },

    #[error("{}: there is no sheet named \"{sheet}\"; the sheets are: {}", path.display(), available.join(", "))]
    SheetNotFound {
        path: PathBuf,
        sheet: String,
        available: Vec<String>,
    },

    #[error("{}: the workbook has no sheets", path.display())]
    NoSheets { path: PathBuf },

    #[error("{}: line {line}: {message}", path.display())]
    Text {
        path: PathBuf,
        line: u64,
        message: String,
    },
}

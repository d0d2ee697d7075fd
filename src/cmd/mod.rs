//! One file per subcommand: arguments, a call into the library, printing.

pub mod init;
pub mod inspect;
pub mod report;
pub mod summary;
pub mod validate;

/// The documents `report` and `summary` write beside their tables and charts.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Markdown (GitHub-flavoured), with the charts linked.
    Md,
    /// One self-contained HTML file per document, charts inlined, for print or PDF.
    Html,
}

impl Format {
    /// The library's choice of documents from the `--format` list.
    pub fn chosen(formats: &[Format]) -> impactkit::report::Formats {
        impactkit::report::Formats {
            markdown: formats.contains(&Format::Md),
            html: formats.contains(&Format::Html),
        }
    }
}

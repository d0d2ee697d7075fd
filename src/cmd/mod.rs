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

/// Prints why nothing was written — every diagnostic, then the count — and exits 1.
pub fn refuse(
    diagnostics: &[impactkit::diagnostic::Diagnostic],
    what: &str,
) -> anyhow::Result<std::process::ExitCode> {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        writeln!(err, "{d}\n")?;
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    writeln!(
        err,
        "error: {errors} problem(s) to fix before the {what} can be written; nothing was written"
    )?;
    Ok(std::process::ExitCode::from(1))
}

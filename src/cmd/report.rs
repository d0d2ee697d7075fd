use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use impactkit::report::{write_report, ReportError};

#[derive(clap::Args)]
pub struct Args {
    /// The evaluation spec, e.g. data/sample/evaluation.toml.
    spec: PathBuf,
    /// Output folder; `reports/<slug of the title>/` by default.
    #[arg(long)]
    out: Option<PathBuf>,
    /// A Markdown template (minijinja) to use instead of the built-in one.
    #[arg(long)]
    template: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let template = match &args.template {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) => {
                eprintln!("error: cannot read the template {}: {e}", path.display());
                return Ok(ExitCode::from(1));
            }
        },
        None => None,
    };
    match write_report(&args.spec, args.out.as_deref(), template.as_deref()) {
        Ok(output) => {
            let mut err = std::io::stderr().lock();
            for w in &output.warnings {
                writeln!(err, "{w}\n")?;
            }
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "wrote {}",
                output.dir.join("impact-report.md").display()
            )?;
            writeln!(
                out,
                "      {} tables (CSV and Parquet) in {}, and results.json",
                output
                    .files
                    .iter()
                    .filter(|f| f.extension().is_some_and(|e| e == "csv"))
                    .count(),
                output.dir.join("tables").display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(ReportError::Invalid(diagnostics)) => {
            let mut err = std::io::stderr().lock();
            for d in &diagnostics {
                writeln!(err, "{d}\n")?;
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            writeln!(err, "error: {errors} problem(s) to fix before the report can be written; nothing was written")?;
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

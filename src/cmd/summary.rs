use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Format;

use impactkit::analysis::periods::Period;
use impactkit::report::ReportError;
use impactkit::summary::{write_summary, SummaryOptions};

#[derive(clap::Args)]
pub struct Args {
    /// The evaluation spec, with attendance registers (and session logs) among its sources.
    spec: PathBuf,
    /// The period: 2026-H1 (January–June), 2026-H2, or 2026-Q1 … 2026-Q4.
    #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present_all = ["from", "to"])]
    period: Option<String>,
    /// First day of a period of your own, e.g. 2026-03-01 (with --to).
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// Last day of a period of your own, e.g. 2026-05-31 (with --from).
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// Write only this locality's summary (its partner's copy).
    #[arg(long)]
    locality: Option<String>,
    /// Output folder; `reports/summary-<period>/` by default.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Which documents to write beside the tables and charts: md, html, or both.
    #[arg(long, value_delimiter = ',', default_values = ["md", "html"])]
    format: Vec<Format>,
    /// Print nothing but warnings and errors.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let period = match (&args.period, &args.from, &args.to) {
        (Some(p), _, _) => Period::parse(p),
        (None, Some(from), Some(to)) => Period::between(from, to),
        _ => {
            eprintln!("error: give --period 2026-H1, or --from and --to");
            return Ok(ExitCode::from(2));
        }
    };
    let period = match period {
        Ok(period) => period,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let options = SummaryOptions {
        period,
        locality: args.locality.as_deref(),
        out: args.out.as_deref(),
        formats: Format::chosen(&args.format),
    };
    match write_summary(&args.spec, &options) {
        Ok(output) => {
            let mut err = std::io::stderr().lock();
            for w in &output.warnings {
                writeln!(err, "{w}\n")?;
            }
            if args.quiet {
                return Ok(ExitCode::SUCCESS);
            }
            let mut out = std::io::stdout().lock();
            for file in output
                .files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "md" || e == "html"))
            {
                writeln!(out, "wrote {}", file.display())?;
            }
            let charts = output
                .files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "png"))
                .count();
            writeln!(
                out,
                "      {charts} charts (SVG and PNG) in {}, tables (CSV and Parquet) in {}",
                output.dir.join("charts").display(),
                output.dir.join("tables").display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(ReportError::Invalid(diagnostics)) => super::refuse(&diagnostics, "summary"),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

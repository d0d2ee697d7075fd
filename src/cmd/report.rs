use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Format;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use impactkit::report::{write_report_with_progress, ReportError, ReportOptions, Step};

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
    /// Which documents to write beside the tables and charts: md, html, or both.
    #[arg(long, value_delimiter = ',', default_values = ["md", "html"])]
    format: Vec<Format>,
    /// An earlier wave's tables/benefits.csv (or a hand-made benefit,source,n,N table) to
    /// compare with; overrides the spec's `baseline`.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// The earlier wave's name in the report, e.g. 2023.
    #[arg(long)]
    baseline_wave: Option<String>,
    /// No progress display and no summary; warnings and errors are still printed.
    #[arg(long, short)]
    quiet: bool,
}

/// A spinner on stderr naming the current step; drawn only when stderr is a terminal.
fn progress_bar(quiet: bool) -> ProgressBar {
    let target = if quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(Some(Step::COUNT), target);
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
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
    let options = ReportOptions {
        out: args.out.as_deref(),
        template: template.as_deref(),
        formats: Format::chosen(&args.format),
        baseline: args.baseline.as_deref(),
        baseline_wave: args.baseline_wave.as_deref(),
    };
    let bar = progress_bar(args.quiet);
    let result = write_report_with_progress(&args.spec, &options, &mut |step| {
        if step != Step::Reading {
            bar.inc(1);
        }
        bar.set_message(step.describe());
    });
    bar.finish_and_clear();
    match result {
        Ok(output) => {
            let mut err = std::io::stderr().lock();
            for w in &output.warnings {
                writeln!(err, "{w}\n")?;
            }
            if args.quiet {
                return Ok(ExitCode::SUCCESS);
            }
            let mut out = std::io::stdout().lock();
            for document in ["impact-report.md", "impact-report.html"] {
                let path = output.dir.join(document);
                if output.files.contains(&path) {
                    writeln!(out, "wrote {}", path.display())?;
                }
            }
            let charts = output
                .files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "png"))
                .count();
            if charts > 0 {
                writeln!(
                    out,
                    "      {charts} charts (SVG and PNG) in {}",
                    output.dir.join("charts").display()
                )?;
            }
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
        Err(ReportError::Invalid(diagnostics)) => super::refuse(&diagnostics, "report"),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

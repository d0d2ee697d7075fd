//! The `impactkit` command: parses arguments, calls the library, prints. Exit status: 0 on
//! success, 1 when the input or spec is wrong, 2 on a usage error.

mod cmd;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Turns what people say about a support service into evidence.
#[derive(Parser)]
#[command(name = "impactkit", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the impact report: Markdown, tables (CSV and Parquet) and results.json.
    Report(cmd::report::Args),
    /// Write the half-yearly summary for NHS partners from registers and feedback forms.
    Summary(cmd::summary::Args),
    /// Check a spec and every file it names; list every problem with its location.
    Validate(cmd::validate::Args),
    /// Describe an export: sheets, layout, header rows, responses, each column's kind.
    Inspect(cmd::inspect::Args),
    /// Write a starting spec from exports: `impactkit init FILE... > evaluation.toml`.
    Init(cmd::init::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(args) => cmd::report::run(args),
        Command::Summary(args) => cmd::summary::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::Inspect(args) => cmd::inspect::run(args),
        Command::Init(args) => cmd::init::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// `impactkit inspect big.xlsx | head` closes the pipe early: that is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

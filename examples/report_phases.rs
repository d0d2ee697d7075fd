//! Where `impactkit report` spends its time: writes a report as the command does and prints how
//! long each step took (reading and checking, computing, tables, charts, documents).
//!
//! ```text
//! cargo run --release --example report_phases -- benches/large/evaluation.toml /tmp/large-report
//! ```
//!
//! The steps are the ones the progress display names ([`Step`]); the times are wall-clock, one
//! run. `scripts/bench` gives the medians of whole runs; this says which step to look at.

use std::path::Path;
use std::time::{Duration, Instant};

use impactkit::report::{write_report_with_progress, Formats, ReportError, ReportOptions, Step};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out] = args.as_slice() else {
        eprintln!("usage: report_phases SPEC OUT_DIR");
        std::process::exit(2);
    };
    let options = ReportOptions {
        out: Some(Path::new(out)),
        template: None,
        formats: Formats {
            markdown: true,
            html: true,
        },
        baseline: None,
        baseline_wave: None,
    };
    let start = Instant::now();
    let mut steps: Vec<(Step, Instant)> = Vec::new();
    let result = write_report_with_progress(Path::new(spec), &options, &mut |step| {
        steps.push((step, Instant::now()));
    });
    let end = Instant::now();
    if let Err(err) = result {
        if let ReportError::Invalid(diagnostics) = &err {
            for diagnostic in diagnostics {
                eprintln!("{diagnostic}\n");
            }
        }
        eprintln!("report_phases: {err}");
        std::process::exit(1);
    }
    let total = end - start;
    let ends = steps.iter().skip(1).map(|(_, at)| *at).chain([end]);
    for ((step, began), ended) in steps.iter().zip(ends) {
        print_line(step.describe(), ended - *began, total);
    }
    print_line("total", total, total);
}

fn print_line(what: &str, took: Duration, total: Duration) {
    println!(
        "{what:<50} {:>8.2} s {:>5.1}%",
        took.as_secs_f64(),
        100.0 * took.as_secs_f64() / total.as_secs_f64()
    );
}

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use impactkit::model::validate::validate;

#[derive(clap::Args)]
pub struct Args {
    /// The evaluation spec, e.g. data/sample/evaluation.toml.
    spec: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let validation = validate(&args.spec);
    let mut err = std::io::stderr().lock();
    for d in &validation.diagnostics {
        writeln!(err, "{d}\n")?;
    }
    let mut out = std::io::stdout().lock();
    for s in validation.source_summaries() {
        let l = &s.ledger;
        let what = format!("{} ({}): {} respondents", s.name, s.group, s.respondents);
        writeln!(out, "{}", ledger_line(&what, l))?;
    }
    for register in validation
        .evaluation
        .iter()
        .flat_map(|e| e.registers.iter())
    {
        let l = impactkit::model::ledger::summarise(&register.ledger);
        let what = match register.kind {
            impactkit::spec::SourceKind::Attendance => {
                format!("{} attendances", register.attendances.len())
            }
            _ => format!("{} sessions", register.sessions.len()),
        };
        let kind = match register.kind {
            impactkit::spec::SourceKind::Attendance => "attendance register",
            _ => "session log",
        };
        let what = format!("{} ({kind}): {what}", register.name);
        writeln!(out, "{}", ledger_line(&what, &l))?;
    }
    let (errors, warnings) = (validation.errors(), validation.warnings());
    writeln!(
        out,
        "{}: {errors} error{}, {warnings} warning{}",
        args.spec.display(),
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    )?;
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// "what; N rows read: h header, u used, e excluded (n reason, …)".
fn ledger_line(what: &str, l: &impactkit::model::LedgerSummary) -> String {
    let mut line = format!(
        "{what}; {} rows read: {} header, {} used, {} excluded",
        l.rows_read, l.header, l.used, l.excluded
    );
    if !l.reasons.is_empty() {
        let reasons: Vec<String> = l
            .reasons
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        line.push_str(&format!(" ({})", reasons.join(", ")));
    }
    line
}

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use impactkit::ingest::describe::{describe_file, FileDescription};
use impactkit::ingest::infer::ColumnKind;
use impactkit::limits::Limits;

#[derive(clap::Args)]
pub struct Args {
    /// The export to describe (CSV, TSV, XLSX, XLSM, XLSB, XLS or ODS).
    file: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let description = match describe_file(&args.file, &Limits::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &description)?;
        writeln!(out)?;
    } else {
        print_text(&mut out, &description)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn print_text(out: &mut impl Write, d: &FileDescription) -> std::io::Result<()> {
    writeln!(out, "{} ({})", d.file, d.format)?;
    if let Some(text) = &d.text {
        writeln!(out, "  text: {text}")?;
    }
    if let Some(note) = &d.format_note {
        writeln!(out, "  note: {note}")?;
    }
    for sheet in &d.sheets {
        writeln!(out)?;
        writeln!(
            out,
            "sheet \"{}\": layout {}, {} header row{}, {} response{}{}",
            sheet.name,
            sheet.layout,
            sheet.header_rows,
            if sheet.header_rows == 1 { "" } else { "s" },
            sheet.rows,
            if sheet.rows == 1 { "" } else { "s" },
            if sheet.blank_rows > 0 {
                format!(" ({} blank rows)", sheet.blank_rows)
            } else {
                String::new()
            }
        )?;
        if sheet.excluded_rows > 0 {
            writeln!(
                out,
                "  {} more row{} left out (see the notes)",
                sheet.excluded_rows,
                if sheet.excluded_rows == 1 { "" } else { "s" }
            )?;
        }
        writeln!(out, "  why: {}", sheet.layout_evidence)?;
        for note in &sheet.notes {
            writeln!(out, "  note: {note}")?;
        }
        for c in &sheet.columns {
            let detail = match &c.kind {
                ColumnKind::Likert {
                    scale,
                    levels,
                    other,
                } => {
                    let mut text = format!("likert ({scale}: {})", levels.join(" < "));
                    if !other.is_empty() {
                        text.push_str(&format!("; also {}", other.join(", ")));
                    }
                    text
                }
                ColumnKind::MultiSelect { separator } => {
                    format!("multi_select (separator \"{separator}\")")
                }
                other => other.name().to_string(),
            };
            let id =
                c.id.as_ref()
                    .map_or_else(String::new, |id| format!(" ({id})"));
            writeln!(
                out,
                "  {:>3}  {}{id}  [{}]  {} answered, {} missing, {} distinct",
                c.letter, c.name, detail, c.answered, c.missing, c.distinct
            )?;
            if !c.top_values.is_empty() && !matches!(c.kind, ColumnKind::Id | ColumnKind::FreeText)
            {
                let top: Vec<String> = c
                    .top_values
                    .iter()
                    .map(|(v, n)| format!("{} ({n})", shorten(v, 40)))
                    .collect();
                writeln!(out, "         top: {}", top.join("; "))?;
            }
        }
    }
    Ok(())
}

fn shorten(text: &str, max: usize) -> String {
    let one_line = text.replace('\n', " ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

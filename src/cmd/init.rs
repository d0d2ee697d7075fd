use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use impactkit::ingest::describe::describe_file;
use impactkit::limits::Limits;
use impactkit::spec::init::starting_spec;

#[derive(clap::Args)]
pub struct Args {
    /// The exports the evaluation reads (surveys and coding sheets), as downloaded; name them
    /// relative to where the spec will be saved.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut described = Vec::new();
    let mut failed = false;
    for file in &args.files {
        match describe_file(file, &Limits::default()) {
            Ok(d) => described.push((file.as_path(), d)),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if failed {
        eprintln!("error: no spec was written; fix or leave out the files above");
        return Ok(ExitCode::from(1));
    }
    let refs: Vec<_> = described.iter().map(|(p, d)| (*p, d)).collect();
    let mut out = std::io::stdout().lock();
    out.write_all(starting_spec(&refs).as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

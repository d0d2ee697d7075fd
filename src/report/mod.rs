//! The impact report: the folder DESIGN.md describes, written from a spec.
//!
//! `DIR/impact-report.md`, `DIR/tables/*.csv` and `*.parquet`, and `DIR/results.json`. Every
//! published figure has passed small-number suppression. Identical inputs give
//! byte-identical outputs: no timestamps, no hash-map order, no absolute paths.

pub mod comparison;
pub mod figures;
pub mod html;
pub mod markdown;
pub mod published;
pub mod redact;
pub mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;
use crate::model::validate::validate_without_baseline;
use crate::spec_path;
use published::Published;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The spec or its data has errors; nothing was written.
    #[error("the evaluation has {} error(s); run `impactkit validate` for the full list", .0.iter().filter(|d| d.is_error()).count())]
    Invalid(Vec<Diagnostic>),
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Table(#[from] tables::TableError),
    #[error("the report template failed: {0:#}")]
    Template(#[from] minijinja::Error),
    #[error(transparent)]
    Chart(#[from] crate::charts::ChartError),
}

/// Which documents to write beside the tables and charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// `impact-report.md`.
    pub markdown: bool,
    /// `impact-report.html`: one self-contained file, charts inlined, ready to print to PDF.
    pub html: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Self {
            markdown: true,
            html: true,
        }
    }
}

/// How to write a report: everything but the spec.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions<'a> {
    /// Output folder; `reports/<slug of the title>/` when `None`.
    pub out: Option<&'a Path>,
    /// A replacement for the built-in Markdown template.
    pub template: Option<&'a str>,
    pub formats: Formats,
    /// An earlier wave's benefits table to compare with; overrides the spec's `baseline`.
    pub baseline: Option<&'a Path>,
    /// The earlier wave's name; overrides the spec's `baseline_wave` and the file's `wave`.
    pub baseline_wave: Option<&'a str>,
}

/// The steps of writing a report, announced as each begins (for a progress display).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Reading,
    Computing,
    Tables,
    Charts,
    Documents,
}

impl Step {
    pub const COUNT: u64 = 5;

    pub fn describe(self) -> &'static str {
        match self {
            Step::Reading => "reading and checking the spec and data",
            Step::Computing => "computing tallies and suppressing small numbers",
            Step::Tables => "writing tables",
            Step::Charts => "drawing charts",
            Step::Documents => "writing the report",
        }
    }
}

/// What was written, for the command to print.
#[derive(Debug, Clone)]
pub struct ReportOutput {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    pub published: Published,
}

/// The default output folder: `reports/<slug of the title>/`.
pub fn default_dir(title: &str) -> PathBuf {
    let slug = slug(title);
    PathBuf::from("reports").join(if slug.is_empty() { "report" } else { &slug })
}

/// Lower-case ASCII letters and digits, other runs of characters as one `-`: safe as a file
/// name on every system, whatever the spec's names hold.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// Reads the spec and its data, computes, suppresses, and writes the report folder.
pub fn write_report(
    spec_path: &Path,
    options: &ReportOptions,
) -> Result<ReportOutput, ReportError> {
    write_report_with_progress(spec_path, options, &mut |_| {})
}

/// [`write_report`], calling `progress` as each [`Step`] begins.
pub fn write_report_with_progress(
    spec_path: &Path,
    options: &ReportOptions,
    progress: &mut dyn FnMut(Step),
) -> Result<ReportOutput, ReportError> {
    progress(Step::Reading);
    // The baseline is read below, once, whichever one is used.
    let checked = validate_without_baseline(spec_path);
    let (Some(loaded), Some(eval)) = (&checked.spec, &checked.evaluation) else {
        return Err(ReportError::Invalid(checked.diagnostics));
    };
    if checked.errors() > 0 {
        return Err(ReportError::Invalid(checked.diagnostics));
    }
    let spec = &loaded.spec;
    let mut hashes = BTreeMap::new();
    for source in &eval.sources {
        if let std::collections::btree_map::Entry::Vacant(slot) =
            hashes.entry(source.file.display().to_string())
        {
            let bytes = std::fs::read(&source.file).map_err(|e| ReportError::Io {
                path: source.file.clone(),
                source: e,
            })?;
            slot.insert(hex_digest(&bytes));
        }
    }
    let baseline_path = options
        .baseline
        .map(Path::to_path_buf)
        .or_else(|| spec.baseline.as_ref().map(|b| spec.resolve(b)));
    let baseline = match &baseline_path {
        Some(path)
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("toml")) =>
        {
            Some(comparison::baseline_from_spec(path).map_err(ReportError::Invalid)?)
        }
        Some(path) => Some(
            crate::model::baseline::read_baseline(path, &spec.limits)
                .map_err(ReportError::Invalid)?,
        ),
        None => None,
    };
    if spec.paired && baseline.as_ref().is_some_and(|b| b.respondents.is_none()) {
        return Err(ReportError::Invalid(vec![Diagnostic::error(
            "paired = true compares the same people in both waves, but the baseline is a table \
             of figures, which has no respondents to match",
        )
        .at_opt(loaded.locate(spec_path!["paired"]))
        .help(
            "give the earlier wave's evaluation spec (a .toml) as the baseline, or remove \
             paired = true",
        )]));
    }
    let baseline_wave = options
        .baseline_wave
        .map(str::to_string)
        .or_else(|| spec.baseline_wave.clone())
        .or_else(|| baseline.as_ref().and_then(|b| b.wave.clone()));

    progress(Step::Computing);
    let published = published::publish(spec, eval, &hashes, baseline.as_ref());

    // A template that does not compile should stop the run before anything is written.
    markdown::check_template(options.template)?;

    progress(Step::Tables);
    let dir = options
        .out
        .map_or_else(|| default_dir(&spec.title), Path::to_path_buf);
    // Everything is written into a working folder first and moved into place at the end, so a
    // failed run leaves the last report as it was, and files an earlier run wrote but this one
    // does not (a chart drawn before suppression was tightened, say) do not linger.
    let final_dir = dir;
    let dir = final_dir.join(WORKING_FOLDER);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|source| ReportError::Io {
            path: dir.clone(),
            source,
        })?;
    }
    let tables_dir = dir.join("tables");
    std::fs::create_dir_all(&tables_dir).map_err(|source| ReportError::Io {
        path: tables_dir.clone(),
        source,
    })?;
    let mut files = Vec::new();
    macro_rules! table {
        ($name:literal, $rows:expr, [$($field:literal),* $(,)?]) => {{
            tables::write_table(&tables_dir, $name, $rows, &[$($field),*])?;
            files.push(tables_dir.join(concat!($name, ".csv")));
            files.push(tables_dir.join(concat!($name, ".parquet")));
        }};
    }
    table!(
        "benefits",
        &published.benefits,
        [
            "benefit",
            "label",
            "source",
            "group",
            "n",
            "N",
            "percent",
            "ci_low",
            "ci_high",
            "suppressed"
        ]
    );
    table!(
        "benefits_by",
        &published.benefits_by,
        [
            "benefit",
            "label",
            "source",
            "group",
            "by",
            "by_value",
            "n",
            "N",
            "percent",
            "ci_low",
            "ci_high",
            "suppressed"
        ]
    );
    table!(
        "distributions",
        &published.distributions,
        [
            "source",
            "question",
            "kind",
            "value",
            "order",
            "count",
            "answered",
            "percent",
            "missing",
            "multiple",
            "suppressed"
        ]
    );
    table!(
        "numeric",
        &published.numeric,
        [
            "source",
            "question",
            "n",
            "mean",
            "q1",
            "median",
            "q3",
            "suppressed"
        ]
    );
    table!(
        "codes",
        &published.codes,
        [
            "source",
            "code",
            "by",
            "by_value",
            "interviewees",
            "excerpts",
            "respondents",
            "percent",
            "suppressed"
        ]
    );
    table!(
        "reliability",
        &published.reliability,
        [
            "scale",
            "source",
            "alpha",
            "n_complete",
            "n_excluded",
            "item",
            "reversed",
            "item_rest_correlation",
            "alpha_if_dropped"
        ]
    );
    table!(
        "agreement",
        &published.agreement,
        [
            "source",
            "coders",
            "code",
            "units",
            "percent_agreement",
            "kappa",
            "krippendorff_alpha"
        ]
    );
    table!(
        "ledger",
        &published.ledger,
        ["source", "file", "sheet", "outcome", "reason", "rows"]
    );
    table!(
        "sources",
        &published.sources,
        [
            "source",
            "group",
            "kind",
            "file",
            "sheet",
            "sha256",
            "respondents",
            "first_date",
            "last_date"
        ]
    );
    table!(
        "quotes",
        &published.quotes,
        ["source", "code", "benefit", "text", "attribution"]
    );
    table!("redactions", &published.redactions, ["kind", "count"]);
    if baseline.is_some() {
        tables::write_table(
            &tables_dir,
            "comparison",
            &published.comparison,
            &comparison::COMPARISON_COLUMNS,
        )?;
        files.push(tables_dir.join("comparison.csv"));
        files.push(tables_dir.join("comparison.parquet"));
    }

    let json_path = dir.join("results.json");
    let json = serde_json::to_string_pretty(&published).map_err(|e| ReportError::Io {
        path: json_path.clone(),
        source: std::io::Error::other(e),
    })? + "\n";
    write_file(&json_path, json.as_bytes())?;
    files.push(json_path);

    progress(Step::Charts);
    let figures = figures::draw(spec, &published, baseline_wave.as_deref(), &dir)?;
    for chart in figures.all() {
        files.push(dir.join(&chart.svg));
        files.push(dir.join(&chart.png));
    }

    progress(Step::Documents);
    // The Markdown is rendered even when only HTML is asked for: the HTML is made from it.
    let markdown = markdown::render(
        spec,
        &published,
        &figures,
        baseline_wave.as_deref(),
        options.template,
    )?;
    if options.formats.markdown {
        let md_path = dir.join("impact-report.md");
        write_file(&md_path, markdown.as_bytes())?;
        files.push(md_path);
    }
    if options.formats.html {
        let html = html::to_html(&markdown, &spec.title, &dir)?;
        let html_path = dir.join("impact-report.html");
        write_file(&html_path, html.as_bytes())?;
        files.push(html_path);
    }

    let files = move_into_place(&dir, &final_dir, &OUTPUTS, files)?;
    let warnings = checked.diagnostics.clone();
    crate::drop_later(checked);
    Ok(ReportOutput {
        dir: final_dir,
        files,
        warnings,
        published,
    })
}

/// The folder a report is written into before it is moved into place.
pub(crate) const WORKING_FOLDER: &str = ".impactkit-writing";

/// Everything impactkit writes at the top of a report folder; anything else there (a user's
/// notes, a Word copy) is left alone.
const OUTPUTS: [&str; 5] = [
    "charts",
    "tables",
    "results.json",
    "impact-report.md",
    "impact-report.html",
];

/// Replaces the `outputs` named in `final_dir` with those in `work`, and returns `files`
/// with their final paths.
pub(crate) fn move_into_place(
    work: &Path,
    final_dir: &Path,
    outputs: &[impl AsRef<str>],
    files: Vec<PathBuf>,
) -> Result<Vec<PathBuf>, ReportError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Io { path, source }
    };
    for name in outputs {
        let name = name.as_ref();
        let (old, new) = (final_dir.join(name), work.join(name));
        if old.is_dir() {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        } else if old.exists() {
            std::fs::remove_file(&old).map_err(io(&old))?;
        }
        if new.exists() {
            std::fs::rename(&new, &old).map_err(io(&new))?;
        }
    }
    std::fs::remove_dir_all(work).map_err(io(work))?;
    Ok(files
        .into_iter()
        .map(|f| match f.strip_prefix(work) {
            Ok(relative) => final_dir.join(relative),
            Err(_) => f,
        })
        .collect())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    std::fs::write(path, bytes).map_err(|source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_folder_is_a_slug_of_the_title() {
        assert_eq!(
            default_dir("Living with Secondary Breast Cancer: impact evaluation"),
            PathBuf::from("reports/living-with-secondary-breast-cancer-impact-evaluation")
        );
        assert_eq!(default_dir("!!!"), PathBuf::from("reports/report"));
    }

    /// `sha256sum` of the three bytes "abc".
    #[test]
    fn digests_are_sha256() {
        assert_eq!(
            hex_digest(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

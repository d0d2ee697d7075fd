//! Problems found in a spec or its data, each with the place it was found.
//!
//! Every stage reports through [`Diagnostic`] so that `validate` can list all problems at once,
//! in one style: a spec problem points at the TOML line with a caret, as rustc does; a data
//! problem names the file, sheet and cell.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a problem is.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    /// A span of the spec file, with the line it is on (1-based line and column).
    Spec {
        file: PathBuf,
        line: usize,
        column: usize,
        source_line: String,
        width: usize,
    },
    /// A place in an input file: the sheet (for workbooks) and a cell such as `C7`, or a
    /// description such as `line 14` or `column "Age"`.
    Data {
        file: PathBuf,
        sheet: Option<String>,
        place: Option<String>,
    },
}

impl Location {
    /// The location of byte range `span` of a spec whose text is `text`.
    pub fn in_spec(file: &Path, text: &str, span: Range<usize>) -> Location {
        let start = span.start.min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let source_line = text[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let end = span.end.clamp(start, line_end);
        let width = text[start..end].chars().count().max(1);
        Location::Spec {
            file: file.to_path_buf(),
            line,
            column,
            source_line,
            width,
        }
    }

    pub fn in_data(file: &Path, sheet: Option<&str>, place: Option<String>) -> Location {
        Location::Data {
            file: file.to_path_buf(),
            sheet: sheet.map(str::to_string),
            place,
        }
    }
}

/// One problem, with what to do about it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Diagnostic {
        self.location = location;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.message)?;
        match &self.location {
            Some(Location::Spec {
                file,
                line,
                column,
                source_line,
                width,
            }) => {
                let gutter = " ".repeat(line.to_string().len());
                write!(f, "\n{gutter}--> {}:{line}:{column}", file.display())?;
                write!(f, "\n{gutter} |")?;
                write!(f, "\n{line} | {source_line}")?;
                let pad: String = source_line
                    .chars()
                    .take(column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n{gutter} | {pad}{}", "^".repeat(*width))?;
            }
            Some(Location::Data { file, sheet, place }) => {
                write!(f, "\n  --> {}", file.display())?;
                if let Some(sheet) = sheet {
                    write!(f, ", sheet \"{sheet}\"")?;
                }
                if let Some(place) = place {
                    write!(f, ", {place}")?;
                }
            }
            None => {}
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `word`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Up to `n` of `candidates` closest to `word`, best first (for "the closest columns are ...").
pub fn closest<'a, I>(word: &str, candidates: I, n: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_location_renders_a_caret_under_the_span() {
        let text = "title = \"x\"\nwave = 2026\n  colum = \"A\"\n";
        let start = text.find("colum").unwrap();
        let loc = Location::in_spec(Path::new("evaluation.toml"), text, start..start + 5);
        let d = Diagnostic::error("unknown key `colum`")
            .at(loc)
            .help("did you mean `column`?");
        let shown = d.to_string();
        assert_eq!(
            shown,
            "error: unknown key `colum`\n --> evaluation.toml:3:3\n  |\n3 |   colum = \"A\"\n  |   ^^^^^\n  = help: did you mean `column`?"
        );
    }

    #[test]
    fn did_you_mean_finds_typos_but_not_strangers() {
        let keys = ["column", "scale", "multi", "name"];
        assert_eq!(did_you_mean("colum", keys), Some("column"));
        assert_eq!(did_you_mean("sacle", keys), Some("scale"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }
}

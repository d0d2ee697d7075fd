//! The evaluation spec (`evaluation.toml`): parsed, checked and located.
//!
//! The spec is validated before any data is read. Every problem is collected (not just the
//! first), and each points at its TOML line with a caret. The spec keeps its source text so that
//! later stages can point at the spec line a data problem comes from (a column name that is not
//! in the sheet points at the `column = "..."` that asked for it).

mod check;
pub mod init;
pub use check::coding_layout;
mod model;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use model::*;

use crate::diagnostic::{did_you_mean, Diagnostic, Location};

/// One step of a path into the spec: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Builds a spec path: `spec_path!["sources", 0, "questions", 1, "column"]`.
#[macro_export]
macro_rules! spec_path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::spec::Seg::from($seg)),*]
    };
}

impl From<&str> for Seg {
    fn from(key: &str) -> Seg {
        Seg::Key(key.to_string())
    }
}

impl From<usize> for Seg {
    fn from(index: usize) -> Seg {
        Seg::Index(index)
    }
}

#[derive(Debug, Clone)]
struct Spans {
    key: Option<Range<usize>>,
    value: Range<usize>,
}

/// The spec's text and where each key and value sits in it.
#[derive(Debug, Clone)]
pub struct SpecFile {
    pub path: PathBuf,
    pub text: String,
    spans: BTreeMap<Vec<Seg>, Spans>,
}

impl SpecFile {
    /// The location of the value at `path`, or of its nearest located ancestor.
    pub fn locate(&self, path: impl AsRef<[Seg]>) -> Option<Location> {
        let path = path.as_ref();
        let span = (0..=path.len())
            .rev()
            .find_map(|len| self.spans.get(&path[..len]).map(|s| s.value.clone()))
            // A key missing from the top level: point at the start of the file.
            .unwrap_or(0..0);
        Some(Location::in_spec(&self.path, &self.text, span))
    }

    /// The location of the key at `path` (its name, not its value).
    pub fn locate_key(&self, path: &[Seg]) -> Option<Location> {
        match self.spans.get(path) {
            Some(Spans { key: Some(key), .. }) => {
                Some(Location::in_spec(&self.path, &self.text, key.clone()))
            }
            _ => self.locate(path),
        }
    }
}

/// A loaded spec with the problems found in it. `diagnostics` may hold errors: callers that need
/// a valid spec check [`LoadedSpec::has_errors`]; `validate` goes on to check the data anyway so
/// that it can list every problem at once.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub spec: Spec,
    pub file: SpecFile,
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadedSpec {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The location of the value at `path` in the spec.
    pub fn locate(&self, path: impl AsRef<[Seg]>) -> Option<Location> {
        self.file.locate(path)
    }
}

/// Why a spec could not be loaded at all (unreadable, not TOML, or a value of the wrong type).
#[derive(Debug, Clone)]
pub struct SpecLoadError {
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for SpecLoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecLoadError {}

/// Reads, parses and checks the spec at `path`. No data file is opened except to check that
/// each named file exists.
pub fn load(path: &Path) -> Result<LoadedSpec, SpecLoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| SpecLoadError {
        diagnostics: vec![Diagnostic::error(format!(
            "cannot read the spec {}: {e}",
            path.display()
        ))
        .help("pass the path of an evaluation.toml, e.g. data/sample/evaluation.toml")],
    })?;
    parse(path, text)
}

/// Parses and checks spec `text` as if read from `path`.
pub fn parse(path: &Path, text: String) -> Result<LoadedSpec, SpecLoadError> {
    let located = |span: Option<Range<usize>>| {
        span.map(|s| Location::in_spec(path, &text, s))
            .or_else(|| Some(Location::in_spec(path, &text, 0..0)))
    };
    let table = toml::de::DeTable::parse(&text).map_err(|e| SpecLoadError {
        diagnostics: vec![Diagnostic::error(format!(
            "the spec is not valid TOML: {}",
            e.message()
        ))
        .at_opt(located(e.span()))],
    })?;
    let mut spans = BTreeMap::new();
    index_table(table.get_ref(), &mut Vec::new(), &mut spans);

    let mut unknown = Vec::new();
    let deserializer = toml::de::Deserializer::from(table);
    let parsed: Result<Spec, toml::de::Error> =
        serde_ignored::deserialize(deserializer, |p| unknown.push(path_segments(&p)));
    let mut spec = parsed.map_err(|e| SpecLoadError {
        diagnostics: vec![
            Diagnostic::error(format!("in the spec: {}", e.message())).at_opt(located(e.span()))
        ],
    })?;
    spec.base_dir = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));

    let file = SpecFile {
        path: path.to_path_buf(),
        text,
        spans,
    };
    let mut diagnostics = Vec::new();
    // A misspelt required key is reported once, as unknown with its "did you mean"; the
    // check then does not also call the key missing.
    let mut misspelt = std::collections::BTreeSet::new();
    for p in &unknown {
        let (d, suggestion) = unknown_key_diagnostic(&file, p);
        if let (Some(key), Some((_, parent))) = (suggestion, p.split_last()) {
            let mut path = parent.to_vec();
            path.push(Seg::Key(key.to_string()));
            misspelt.insert(path);
        }
        diagnostics.push(d);
    }
    diagnostics.extend(check::check(&spec, &file, &misspelt));
    Ok(LoadedSpec {
        spec,
        file,
        diagnostics,
    })
}

fn unknown_key_diagnostic(file: &SpecFile, path: &[Seg]) -> (Diagnostic, Option<&'static str>) {
    let (parent, key) = match path.split_last() {
        Some((Seg::Key(key), parent)) => (parent, key.as_str()),
        _ => (path, ""),
    };
    let context: Vec<String> = parent
        .iter()
        .enumerate()
        .map(|(i, seg)| match seg {
            Seg::Index(_) => "#".to_string(),
            // `[scales.<name>]` tables: any name is allowed, their keys are fixed.
            Seg::Key(_)
                if i == 1 && matches!(parent.first(), Some(Seg::Key(k)) if k == "scales") =>
            {
                "*".to_string()
            }
            Seg::Key(k) => k.clone(),
        })
        .collect();
    let context = context.join(".");
    let known = known_keys(&context);
    let table = if context.is_empty() {
        "at the top of the spec".to_string()
    } else {
        format!("in [{}]", display_path(parent))
    };
    let mut d =
        Diagnostic::error(format!("unknown key `{key}` {table}")).at_opt(file.locate_key(path));
    let suggestion = did_you_mean(key, known.iter().copied());
    d = match suggestion {
        Some(best) => d.help(format!("did you mean `{best}`?")),
        None if !known.is_empty() => {
            d.help(format!("the keys allowed here are: {}", known.join(", ")))
        }
        None => d,
    };
    (d, suggestion)
}

/// `sources[0].questions[2]` style, for messages.
pub fn display_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn path_segments(path: &serde_ignored::Path<'_>) -> Vec<Seg> {
    let mut segs = Vec::new();
    let mut current = path;
    loop {
        match current {
            serde_ignored::Path::Root => break,
            serde_ignored::Path::Seq { parent, index } => {
                segs.push(Seg::Index(*index));
                current = parent;
            }
            serde_ignored::Path::Map { parent, key } => {
                segs.push(Seg::Key(key.clone()));
                current = parent;
            }
            serde_ignored::Path::Some { parent }
            | serde_ignored::Path::NewtypeStruct { parent }
            | serde_ignored::Path::NewtypeVariant { parent } => current = parent,
        }
    }
    segs.reverse();
    segs
}

fn index_table(
    table: &toml::de::DeTable<'_>,
    prefix: &mut Vec<Seg>,
    out: &mut BTreeMap<Vec<Seg>, Spans>,
) {
    for (key, value) in table.iter() {
        prefix.push(Seg::Key(key.get_ref().to_string()));
        out.insert(
            prefix.clone(),
            Spans {
                key: Some(key.span()),
                value: value.span(),
            },
        );
        index_value(value.get_ref(), prefix, out);
        prefix.pop();
    }
}

fn index_value(
    value: &toml::de::DeValue<'_>,
    prefix: &mut Vec<Seg>,
    out: &mut BTreeMap<Vec<Seg>, Spans>,
) {
    match value {
        toml::de::DeValue::Table(t) => index_table(t, prefix, out),
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                prefix.push(Seg::Index(i));
                out.insert(
                    prefix.clone(),
                    Spans {
                        key: None,
                        value: item.span(),
                    },
                );
                index_value(item.get_ref(), prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

impl Spec {
    /// A path in the spec resolved against the spec's folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }

    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests;

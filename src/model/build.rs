//! Reading each source of a spec into tidy rows, with the ledger and the problems found.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::row_chunks;
use super::{
    Answer, AnswerReading, AnswerStatus, CellPlace, Change, CodedExcerpt, Evaluation, LedgerEntry,
    Outcome, Respondent, SourceData,
};
use crate::diagnostic::{closest, did_you_mean, Diagnostic, Location};
use crate::ingest::layout;
use crate::ingest::normalise::{
    clean_text, normalise_cell, Meaning, Normalised, Rule, ScaleMatcher,
};
use crate::ingest::table::{Column, Table};
use crate::ingest::{read_workbook, Cell, RawRow, SheetSelection, Workbook};
use crate::spec::{
    coding_layout, DuplicateRule, LayoutName, LoadedSpec, Question, QuestionKind, Seg, Source,
    SourceKind, Spec,
};
use crate::spec_path;

/// Reads every source of `loaded`. A source whose file cannot be read is reported and left out;
/// the others are still read, so that every problem is listed at once.
pub fn load_evaluation(loaded: &LoadedSpec) -> Evaluation {
    load_in_chunks(loaded, CHUNK_ROWS, row_chunks::workers())
}

/// Survey rows are read in chunks of this many on [`row_chunks::workers`] threads: enough
/// rows for a chunk to outweigh handing it over, few enough that the chunks waiting to be
/// merged stay small next to the survey.
const CHUNK_ROWS: usize = 256;

/// [`load_evaluation`] with the survey rows read `chunk_rows` at a time on `workers` threads;
/// what is read does not depend on either.
fn load_in_chunks(loaded: &LoadedSpec, chunk_rows: usize, workers: usize) -> Evaluation {
    let mut diagnostics = Vec::new();
    let mut sources = Vec::new();
    let mut registers = Vec::new();
    for (i, source) in loaded.spec.sources.iter().enumerate() {
        let mut reader = SourceReader {
            loaded,
            spec: &loaded.spec,
            index: i,
            source,
            diagnostics: &mut diagnostics,
            registers: &mut registers,
            chunk_rows,
            workers,
        };
        if let Some(data) = reader.read() {
            sources.push(data);
        }
    }
    Evaluation {
        sources,
        registers,
        diagnostics,
    }
}

pub(super) struct SourceReader<'a> {
    loaded: &'a LoadedSpec,
    spec: &'a Spec,
    pub(super) index: usize,
    pub(super) source: &'a Source,
    pub(super) diagnostics: &'a mut Vec<Diagnostic>,
    registers: &'a mut Vec<super::registers::RegisterData>,
    /// How survey rows are shared out between threads (see [`row_chunks::in_row_order`]).
    chunk_rows: usize,
    workers: usize,
}

/// The ledger and respondent bookkeeping of one sheet.
pub(super) struct SheetRows<'t> {
    table: &'t Table,
    pub(super) ledger: Vec<LedgerEntry>,
}

impl<'t> SheetRows<'t> {
    /// Starts the ledger of `table`: blank rows before the header, the header itself.
    pub(super) fn new(source: &str, table: &'t Table) -> SheetRows<'t> {
        let mut rows = SheetRows {
            table,
            ledger: Vec::new(),
        };
        let mut previous = 0;
        for &row in &table.leading_blank_rows {
            rows.skipped(source, previous, row);
            rows.push(
                source,
                row,
                row,
                None,
                Outcome::Excluded,
                Some("blank row".into()),
            );
            previous = row;
        }
        for (k, &row) in table.header_rows.iter().enumerate() {
            rows.skipped(source, previous, row);
            rows.push(source, row, row, None, Outcome::Header, None);
            // A layout's header rows follow one another: lines up to the next one are this
            // row's own (a CSV header cell with line breaks), not blank rows.
            previous = table
                .header_rows
                .get(k + 1)
                .map_or(row, |next| next.saturating_sub(1).max(row));
        }
        rows
    }

    /// A workbook stores no row element for a blank row, and the CSV reader passes over empty
    /// lines: rows between `previous` (the last row or line already accounted for) and `next`
    /// are one blank run in the ledger.
    fn skipped(&mut self, source: &str, previous: u32, next: u32) {
        if next > previous + 1 {
            self.push(
                source,
                previous + 1,
                next - 1,
                None,
                Outcome::Excluded,
                Some("blank row".into()),
            );
        }
    }

    pub(super) fn push(
        &mut self,
        source: &str,
        row: u32,
        last_row: u32,
        respondent: Option<String>,
        outcome: Outcome,
        reason: Option<String>,
    ) {
        self.ledger.push(LedgerEntry {
            source: source.to_string(),
            file: self.table.file.display().to_string(),
            sheet: self.table.sheet.clone(),
            row,
            last_row,
            respondent,
            outcome,
            reason,
        });
    }

    /// The rows under the header that hold something. Blank rows (and, in a workbook, the
    /// rows the file skips) and rows the layout knows are not responses go into the ledger as
    /// excluded.
    pub(super) fn non_blank(&mut self, source: &str) -> Vec<&'t RawRow> {
        let mut kept = Vec::new();
        let mut previous = self.table.header_end;
        for row in &self.table.rows {
            self.skipped(source, previous, row.number);
            previous = self.table.last_line(row);
            let reason = if row.cells.iter().all(Cell::is_blank) {
                Some("blank row".to_string())
            } else {
                self.table.excluded_reason(row.number).map(str::to_string)
            };
            match reason {
                Some(reason) => self.push(
                    source,
                    row.number,
                    row.number,
                    None,
                    Outcome::Excluded,
                    Some(reason),
                ),
                None => kept.push(row),
            }
        }
        kept
    }
}

impl SourceReader<'_> {
    fn at(&self, key: &str) -> Option<Location> {
        self.loaded.locate(spec_path!["sources", self.index, key])
    }

    fn read(&mut self) -> Option<SourceData> {
        let path = self.spec.resolve(&self.source.file);
        if !path.is_file() {
            // Already reported by the spec check.
            return None;
        }
        let needs_roster = self.source.kind == SourceKind::Coding && self.source.roster.is_some();
        let selection = match (&self.source.sheet, needs_roster) {
            (_, true) => SheetSelection::All,
            (Some(sheet), false) => SheetSelection::Named(sheet),
            (None, false) => SheetSelection::First,
        };
        let mut workbook = match read_workbook(&path, selection, &self.spec.limits) {
            Ok(wb) => wb,
            Err(e) => {
                let d = Diagnostic::error(e.to_string()).at_opt(self.at("file"));
                self.diagnostics.push(d);
                return None;
            }
        };
        let position = match &self.source.sheet {
            Some(name) => workbook
                .sheets
                .iter()
                .position(|s| &s.name == name)
                .or_else(|| {
                    workbook
                        .sheets
                        .iter()
                        .position(|s| s.name.eq_ignore_ascii_case(name))
                }),
            None => (!workbook.sheets.is_empty()).then_some(0),
        };
        let Some(position) = position else {
            let wanted = self.source.sheet.clone().unwrap_or_default();
            let help = match did_you_mean(&wanted, workbook.sheet_names.iter().map(String::as_str))
            {
                Some(best) => format!("did you mean \"{best}\"?"),
                None => format!("the sheets are: {}", workbook.sheet_names.join(", ")),
            };
            let d = Diagnostic::error(format!(
                "{}: there is no sheet named \"{wanted}\"",
                path.display()
            ))
            .at_opt(self.at("sheet"))
            .help(help);
            self.diagnostics.push(d);
            return None;
        };
        // The sheet's rows move into the table rather than being copied. A roster is another
        // sheet of the workbook, read later: with one, the sheet is copied and the workbook
        // kept whole.
        let mut sheet = if needs_roster {
            workbook.sheets[position].clone()
        } else {
            workbook.sheets.swap_remove(position)
        };
        let mut table = self.flatten(&path, &workbook, &mut sheet)?;
        if table.layout == "kobo" && workbook.sheet_names.len() > 1 {
            self.join_repeat_groups(&path, &workbook, &mut table);
        }
        self.table_notes(&table);
        let mut data = SourceData {
            name: self.source.name.clone(),
            group: self.source.group.clone(),
            kind: self.source.kind,
            file: path.clone(),
            sheet: table.sheet.clone(),
            layout: table.layout.to_string(),
            respondents: Vec::new(),
            declared_respondents: None,
            dates: None,
            answers: Vec::new(),
            codes: Vec::new(),
            ledger: Vec::new(),
            changes: Vec::new(),
        };
        match self.source.kind {
            SourceKind::Survey => self.read_survey(&table, &mut data),
            SourceKind::Coding => match coding_layout(self.source) {
                LayoutName::Matrix => self.read_matrix(&table, &mut data),
                _ => self.read_long(&table, &workbook, &mut data),
            },
            SourceKind::Attendance | SourceKind::Sessions => {
                let register = self.read_register(&table);
                self.registers.push(register);
                return None;
            }
        }
        crate::drop_later((table, workbook));
        Some(data)
    }

    /// Joins a Kobo export's repeat-group sheets to its main sheet (see
    /// [`layout::join_repeat_groups`]): the columns the spec names, read from the workbook's
    /// other sheets one at a time, so a sheet that cannot be read is a warning, not the end of
    /// the source.
    fn join_repeat_groups(&mut self, path: &Path, workbook: &Workbook, table: &mut Table) {
        use crate::ingest::table::normalise_header;
        let source = self.source;
        let named: Vec<String> = source
            .questions
            .iter()
            .map(|q| q.column.as_str())
            .chain(source.attributes.values().map(String::as_str))
            .chain(source.id.as_deref())
            .map(normalise_header)
            .collect();
        // Only what the main sheet does not have already.
        let wanted = |name: &str| {
            let key = normalise_header(name);
            named.contains(&key) && table.column(name).is_none()
        };
        if !named.iter().any(|n| wanted(n)) {
            return;
        }
        let mut loaded: Vec<crate::ingest::RawSheet> = Vec::new();
        for name in workbook.sheet_names.iter().filter(|n| **n != table.sheet) {
            if let Some(sheet) = workbook.sheets.iter().find(|s| &s.name == name) {
                loaded.push(sheet.clone());
                continue;
            }
            match read_workbook(path, SheetSelection::Named(name), &self.spec.limits) {
                Ok(mut wb) => loaded.append(&mut wb.sheets),
                Err(e) => self.diagnostics.push(
                    Diagnostic::warning(format!(
                        "{e}; sheet \"{name}\" is not joined to the main sheet"
                    ))
                    .at_opt(self.at("file")),
                ),
            }
        }
        let repeats: Vec<&crate::ingest::RawSheet> = loaded
            .iter()
            .filter(|s| layout::is_repeat_group(s))
            .collect();
        let notes = layout::join_repeat_groups(table, &repeats, &|name: &str| {
            named.contains(&normalise_header(name))
        });
        for note in notes {
            let d =
                Diagnostic::warning(format!("{}: {note}", path.display())).at_opt(self.at("file"));
            self.diagnostics.push(d);
        }
    }

    fn flatten(
        &mut self,
        path: &Path,
        workbook: &Workbook,
        sheet: &mut crate::ingest::RawSheet,
    ) -> Option<Table> {
        let table = match self.source.layout {
            LayoutName::Plain | LayoutName::Long | LayoutName::Matrix => {
                let plain = layout::PlainLayout;
                use layout::Layout;
                plain.flatten(
                    path,
                    workbook.format,
                    sheet,
                    "layout = \"plain\" in the spec".into(),
                )
            }
            LayoutName::Auto => layout::detect_and_flatten(path, workbook.format, sheet),
            named => {
                // A platform layout; unknown names are refused by the spec check.
                let chosen = layout::by_name(named.name())?;
                if chosen.detect(sheet).is_none() {
                    let suggestion = layout::detect(sheet)
                        .filter(|(other, _)| other.name() != "plain")
                        .map_or_else(
                            || "use layout = \"auto\", or point the spec at the export as downloaded".to_string(),
                            |(other, evidence)| {
                                format!("{evidence}: use layout = \"{}\" (or \"auto\")", other.name())
                            },
                        );
                    self.diagnostics.push(
                        Diagnostic::error(format!(
                            "{}: sheet \"{}\" does not look like a {} export",
                            path.display(),
                            sheet.name,
                            named.name()
                        ))
                        .at_opt(self.at("layout"))
                        .help(suggestion),
                    );
                    return None;
                }
                let evidence = format!("layout = \"{}\" in the spec", named.name());
                chosen.flatten(path, workbook.format, sheet, evidence)
            }
        };
        if table.columns.is_empty() {
            let d = Diagnostic::error(format!(
                "{}: sheet \"{}\" has no header row (it is blank)",
                path.display(),
                table.sheet
            ))
            .at_opt(self.at("file"))
            .help("point the spec at the sheet that holds the responses with sheet = \"...\"");
            self.diagnostics.push(d);
            return None;
        }
        Some(table)
    }

    /// Header fixes and reader notes (ragged rows, formula errors) become warnings.
    fn table_notes(&mut self, table: &Table) {
        for note in &table.notes {
            let place = match note.column {
                Some(c) if table.has_cells() => Some(format!(
                    "cell {}",
                    crate::ingest::a1(note.row.saturating_sub(1), c)
                )),
                Some(c) => Some(format!(
                    "line {}, column {}",
                    note.row,
                    crate::ingest::column_letters(c)
                )),
                None => Some(table.row_place(note.row)),
            };
            self.diagnostics.push(
                Diagnostic::warning(note.message.clone()).at(Location::in_data(
                    &table.file,
                    table.has_cells().then_some(table.sheet.as_str()),
                    place,
                )),
            );
        }
    }

    /// Finds a column the spec names, or reports it with the closest headers.
    pub(super) fn column<'t>(
        &mut self,
        table: &'t Table,
        name: &str,
        path: Vec<Seg>,
        purpose: &str,
    ) -> Option<&'t Column> {
        if name.trim().is_empty() {
            // A missing `column` key: the spec check has reported it.
            return None;
        }
        if let Some(c) = table.column(name) {
            return Some(c);
        }
        let near = closest(name, table.columns.iter().map(|c| c.name.as_str()), 3);
        let help = if near.is_empty() {
            "the sheet has no columns".to_string()
        } else {
            format!(
                "the closest columns are: {}",
                near.iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let sheet = if table.has_cells() {
            format!("sheet \"{}\" of {}", table.sheet, table.file.display())
        } else {
            table.file.display().to_string()
        };
        let d = Diagnostic::error(format!("column \"{name}\" ({purpose}) is not in {sheet}"))
            .at_opt(self.loaded.locate(&path))
            .help(help);
        self.diagnostics.push(d);
        None
    }

    fn attribute_columns<'t>(&mut self, table: &'t Table) -> Vec<(String, &'t Column)> {
        let mut out = Vec::new();
        for (attr, column) in &self.source.attributes {
            let path = spec_path!["sources", self.index, "attributes", attr.as_str()];
            if let Some(c) = self.column(table, column, path, &format!("attribute \"{attr}\"")) {
                out.push((attr.clone(), c));
            }
        }
        out
    }

    fn id_column<'t>(&mut self, table: &'t Table) -> Option<&'t Column> {
        let id = self.source.id.clone()?;
        self.column(
            table,
            &id,
            spec_path!["sources", self.index, "id"],
            "respondent id",
        )
    }

    /// Resolves duplicate ids by the source's rule, returning the rows kept in sheet order.
    fn dedupe<'r>(
        &mut self,
        rows: &mut SheetRows<'_>,
        candidates: Vec<(&'r RawRow, String)>,
    ) -> Vec<(&'r RawRow, String)> {
        let name = self.source.name.clone();
        let mut by_id: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, (_, id)) in candidates.iter().enumerate() {
            by_id.entry(id.as_str()).or_default().push(i);
        }
        let mut dropped = vec![false; candidates.len()];
        for (id, positions) in &by_id {
            if positions.len() < 2 {
                continue;
            }
            let keep = match self.source.duplicates {
                DuplicateRule::KeepFirst => positions[0],
                DuplicateRule::KeepLast | DuplicateRule::Error => {
                    *positions.last().unwrap_or(&positions[0])
                }
            };
            let kept_row = candidates[keep].0.number;
            if self.source.duplicates == DuplicateRule::Error {
                let rows_list: Vec<String> = positions
                    .iter()
                    .map(|&p| candidates[p].0.number.to_string())
                    .collect();
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "respondent \"{id}\" appears on rows {} of {}",
                        rows_list.join(", "),
                        rows.table.file.display()
                    ))
                    .at_opt(self.at("duplicates"))
                    .help("remove the extra submission, or set duplicates = \"keep_last\""),
                );
            }
            for &p in positions {
                if p != keep {
                    dropped[p] = true;
                    let rule = match self.source.duplicates {
                        DuplicateRule::KeepFirst => "keep_first",
                        _ => "keep_last",
                    };
                    rows.push(
                        &name,
                        candidates[p].0.number,
                        candidates[p].0.number,
                        Some(id.to_string()),
                        Outcome::Excluded,
                        Some(format!(
                            "duplicate respondent id: \"{id}\" is also on {}, which is kept (duplicates = \"{rule}\")",
                            rows.table.row_place(kept_row)
                        )),
                    );
                }
            }
        }
        candidates
            .into_iter()
            .zip(dropped)
            .filter(|(_, d)| !d)
            .map(|(c, _)| c)
            .collect()
    }

    /// Rows with an id (or, with no id column, the row number), blank ones excluded.
    fn identified<'t>(
        &mut self,
        rows: &mut SheetRows<'t>,
        id: Option<&Column>,
        what: &str,
    ) -> Vec<(&'t RawRow, String)> {
        let name = self.source.name.clone();
        let mut out = Vec::new();
        for row in rows.non_blank(&name) {
            let id_text = match id {
                Some(c) => clean_text(&rows.table.cell(row, c).to_text()).text,
                None => row.number.to_string(),
            };
            if id_text.is_empty() {
                rows.push(
                    &name,
                    row.number,
                    row.number,
                    None,
                    Outcome::Excluded,
                    Some(format!("no {what} id")),
                );
            } else {
                out.push((row, id_text));
            }
        }
        out
    }

    fn attributes_of(
        table: &Table,
        row: &RawRow,
        columns: &[(String, &Column)],
    ) -> BTreeMap<String, String> {
        columns
            .iter()
            .filter_map(|(attr, c)| {
                let text = clean_text(&table.cell(row, c).to_text()).text;
                (!text.is_empty()).then(|| (attr.clone(), text))
            })
            .collect()
    }

    fn read_survey(&mut self, table: &Table, data: &mut SourceData) {
        let id = self.id_column(table);
        let attributes = self.attribute_columns(table);
        let mut questions: Vec<(&Question, &Column, Option<ScaleMatcher>)> = Vec::new();
        for (q, question) in self.source.questions.iter().enumerate() {
            let path = spec_path!["sources", self.index, "questions", q, "column"];
            let Some(column) = self.column(
                table,
                &question.column,
                path,
                &format!("question \"{}\"", question.name),
            ) else {
                continue;
            };
            let matcher = question
                .scale
                .as_ref()
                .and_then(|s| self.spec.scales.get(s))
                .map(ScaleMatcher::new);
            questions.push((question, column, matcher));
        }
        let mut rows = SheetRows::new(&self.source.name, table);
        let candidates = self.identified(&mut rows, id, "respondent");
        let kept = self.dedupe(&mut rows, candidates);
        data.dates = response_dates(table, kept.iter().map(|(row, _)| *row));
        let survey = SurveyRows {
            source: &self.source.name,
            table,
            questions: &questions,
            attributes: &attributes,
        };
        // One answer per cell, and one per option chosen in a multi-select cell: room is
        // made for one per cell, then, once a few rows show how many options are chosen, for
        // the rest at that rate. Growing the largest table of a national survey by doubling
        // would hold it twice over for a moment, and up to twice its size after.
        data.answers.reserve(kept.len() * questions.len());
        const SAMPLE_ROWS: usize = 1000;
        let mut unknown: BTreeMap<(usize, String), (u64, String)> = BTreeMap::new();
        let mut merged = 0;
        row_chunks::in_row_order(
            kept.len(),
            self.chunk_rows,
            self.workers,
            || survey.caches(),
            |caches, chunk| survey.read(caches, &kept[chunk]),
            |mut chunk| {
                rows.ledger.append(&mut chunk.ledger);
                data.respondents.append(&mut chunk.respondents);
                data.answers.append(&mut chunk.answers);
                data.changes.append(&mut chunk.changes);
                // Chunks come in row order: a value's first cell is in the first chunk that has it.
                for (key, (count, first)) in chunk.unknown {
                    unknown.entry(key).or_insert((0, first)).0 += count;
                }
                let sampled = merged < SAMPLE_ROWS;
                merged += chunk.rows;
                if sampled && merged >= SAMPLE_ROWS && merged < kept.len() {
                    let per_row = data.answers.len().div_ceil(merged);
                    // Rounded up already: no more room than the rate asks, and none taken
                    // when the first reservation suffices.
                    let wanted = data.answers.len() + (kept.len() - merged) * per_row;
                    data.answers
                        .reserve_exact(wanted.saturating_sub(data.answers.len()));
                }
            },
        );
        for ((qi, value), (count, first)) in unknown {
            let (question, column, matcher) = &questions[qi];
            let q_index = self
                .source
                .questions
                .iter()
                .position(|q| q.name == question.name)
                .unwrap_or(0);
            let cells = if count == 1 {
                "1 cell".to_string()
            } else {
                format!("{count} cells")
            };
            let sheet = table.has_cells().then_some(table.sheet.as_str());
            let d = match (question.effective_kind(), matcher) {
                (QuestionKind::Likert, Some(m)) => {
                    let scale = question.scale.clone().unwrap_or_default();
                    let help = match did_you_mean(&value, m.levels().iter().map(String::as_str)) {
                        Some(best) => format!(
                            "did you mean \"{best}\"? To accept this spelling, add aliases = {{ \"{value}\" = \"{best}\" }} to [scales.{scale}]"
                        ),
                        None => format!(
                            "add it to [scales.{scale}] as an alias of a level, or to its missing list; the levels are: {}",
                            m.levels().join(", ")
                        ),
                    };
                    Diagnostic::error(format!(
                        "\"{value}\" in column \"{}\" is not a level of scale \"{scale}\" ({cells}, first at {first})",
                        column.name
                    ))
                    .at(Location::in_data(&table.file, sheet, Some(first)))
                    .help(help)
                }
                (QuestionKind::Number, _) => Diagnostic::warning(format!(
                    "\"{value}\" in column \"{}\" is not a number ({cells}, first at {first}); it is left out",
                    column.name
                ))
                .at(Location::in_data(&table.file, sheet, Some(first))),
                _ => Diagnostic::warning(format!(
                    "\"{value}\" in column \"{}\" is not one of the listed options ({cells}, first at {first}); it is kept as written",
                    column.name
                ))
                .at_opt(self.loaded.locate(spec_path!["sources", self.index, "questions", q_index, "options"]))
                .help("add it to the question's options, or correct the data"),
            };
            self.diagnostics.push(d);
        }
        data.ledger = rows.ledger;
    }

    fn read_long(&mut self, table: &Table, workbook: &Workbook, data: &mut SourceData) {
        let name = self.source.name.clone();
        let id = self.id_column(table);
        let code = self.source.code.clone().and_then(|c| {
            self.column(table, &c, spec_path!["sources", self.index, "code"], "code")
        });
        let excerpt = self.source.excerpt.clone().and_then(|c| {
            self.column(
                table,
                &c,
                spec_path!["sources", self.index, "excerpt"],
                "excerpt",
            )
        });
        let coder = self.source.coder.clone().and_then(|c| {
            self.column(
                table,
                &c,
                spec_path!["sources", self.index, "coder"],
                "coder",
            )
        });
        let quote = self.source.quote.clone().and_then(|c| {
            self.column(
                table,
                &c,
                spec_path!["sources", self.index, "quote"],
                "quote",
            )
        });
        let attributes = if self.source.roster.is_some() {
            Vec::new()
        } else {
            self.attribute_columns(table)
        };
        let mut rows = SheetRows::new(&name, table);
        let (Some(id), Some(code)) = (id, code) else {
            // Without id and code columns nothing can be read; the error is already listed.
            rows.non_blank(&name).iter().for_each(|_| {});
            data.ledger = rows.ledger;
            return;
        };
        let mut seen: BTreeMap<(String, String, String, String), u32> = BTreeMap::new();
        let mut first_seen: Vec<String> = Vec::new();
        let mut attrs_by_id: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (row, interviewee) in self.identified(&mut rows, Some(id), "interviewee") {
            let code_text = clean_text(&table.cell(row, code).to_text()).text;
            if code_text.is_empty() {
                rows.push(
                    &name,
                    row.number,
                    row.number,
                    Some(interviewee),
                    Outcome::Excluded,
                    Some("no code: the row has no code".into()),
                );
                continue;
            }
            let excerpt_text = excerpt
                .map(|c| clean_text(&table.cell(row, c).to_text()).text)
                .filter(|t| !t.is_empty());
            let coder_text = coder
                .map(|c| clean_text(&table.cell(row, c).to_text()).text)
                .filter(|t| !t.is_empty());
            let key = (
                interviewee.clone(),
                code_text.to_lowercase(),
                excerpt_text.clone().unwrap_or_default(),
                coder_text.clone().unwrap_or_default(),
            );
            if let Some(first) = seen.get(&key) {
                rows.push(
                    &name,
                    row.number,
                    row.number,
                    Some(interviewee),
                    Outcome::Excluded,
                    Some(format!(
                        "duplicate passage: the same excerpt is coded \"{code_text}\" by the same coder on {}",
                        table.row_place(*first)
                    )),
                );
                continue;
            }
            seen.insert(key, row.number);
            if !attrs_by_id.contains_key(&interviewee) {
                first_seen.push(interviewee.clone());
                attrs_by_id.insert(interviewee.clone(), BTreeMap::new());
            }
            if let Some(attrs) = attrs_by_id.get_mut(&interviewee) {
                for (k, v) in Self::attributes_of(table, row, &attributes) {
                    attrs.entry(k).or_insert(v);
                }
            }
            rows.push(
                &name,
                row.number,
                row.number,
                Some(interviewee.clone()),
                Outcome::Used,
                None,
            );
            data.codes.push(CodedExcerpt {
                respondent: interviewee,
                code: code_text,
                excerpt: excerpt_text,
                coder: coder_text,
                quotable: quote.is_some_and(|c| is_marked(table.cell(row, c))),
                row: row.number,
            });
        }
        data.ledger = rows.ledger;

        if let Some(roster) = &self.source.roster {
            self.read_roster(roster, workbook, data);
            let known: std::collections::BTreeSet<&str> =
                data.respondents.iter().map(|r| r.id.as_str()).collect();
            let mut reported = std::collections::BTreeSet::new();
            for excerpt in &data.codes {
                if !known.is_empty()
                    && !known.contains(excerpt.respondent.as_str())
                    && reported.insert(excerpt.respondent.clone())
                {
                    self.diagnostics.push(
                        Diagnostic::error(format!(
                            "interviewee \"{}\" is coded on {} but is not in the roster sheet \"{}\"",
                            excerpt.respondent,
                            table.row_place(excerpt.row),
                            roster.sheet
                        ))
                        .at(Location::in_data(&table.file, Some(&table.sheet), Some(table.row_place(excerpt.row))))
                        .help("add them to the roster, or correct the interviewee id"),
                    );
                }
            }
        } else {
            data.respondents = first_seen
                .into_iter()
                .map(|id| Respondent {
                    attributes: attrs_by_id.remove(&id).unwrap_or_default(),
                    id,
                    row: None,
                })
                .collect();
            if let Some(declared) = self.source.respondents {
                data.declared_respondents = Some(declared);
                if data.respondents.len() > declared as usize {
                    self.diagnostics.push(
                        Diagnostic::error(format!(
                            "{} different interviewees are coded, but respondents = {declared}",
                            data.respondents.len()
                        ))
                        .at_opt(self.at("respondents"))
                        .help("set respondents to the number of people interviewed, or correct the interviewee ids"),
                    );
                }
            }
        }
    }

    fn read_roster(
        &mut self,
        roster: &crate::spec::Roster,
        workbook: &Workbook,
        data: &mut SourceData,
    ) {
        let name = self.source.name.clone();
        let Some(sheet) = workbook
            .sheets
            .iter()
            .find(|s| s.name == roster.sheet || s.name.eq_ignore_ascii_case(&roster.sheet))
        else {
            let help = match did_you_mean(
                &roster.sheet,
                workbook.sheet_names.iter().map(String::as_str),
            ) {
                Some(best) => format!("did you mean \"{best}\"?"),
                None => format!("the sheets are: {}", workbook.sheet_names.join(", ")),
            };
            self.diagnostics.push(
                Diagnostic::error(format!(
                    "{}: there is no roster sheet named \"{}\"",
                    workbook.path.display(),
                    roster.sheet
                ))
                .at_opt(
                    self.loaded
                        .locate(spec_path!["sources", self.index, "roster", "sheet"]),
                )
                .help(help),
            );
            return;
        };
        let table = crate::ingest::table::single_header_table(
            workbook.path.clone(),
            workbook.format,
            &mut sheet.clone(),
            "plain",
            "roster sheet".into(),
        );
        let Some(id) = self.column(
            &table,
            &roster.id,
            spec_path!["sources", self.index, "roster", "id"],
            "roster id",
        ) else {
            return;
        };
        let mut attributes = Vec::new();
        for (attr, column) in &roster.attributes {
            let path = spec_path!["sources", self.index, "roster", "attributes", attr.as_str()];
            if let Some(c) = self.column(&table, column, path, &format!("attribute \"{attr}\"")) {
                attributes.push((attr.clone(), c));
            }
        }
        let mut rows = SheetRows::new(&name, &table);
        let candidates = self.identified(&mut rows, Some(id), "interviewee");
        let kept = self.dedupe(&mut rows, candidates);
        // An interview date on the roster dates the interviews.
        data.dates = response_dates(&table, kept.iter().map(|(row, _)| *row));
        for (row, interviewee) in kept {
            rows.push(
                &name,
                row.number,
                row.number,
                Some(interviewee.clone()),
                Outcome::Used,
                None,
            );
            data.respondents.push(Respondent {
                id: interviewee,
                row: Some(row.number),
                attributes: Self::attributes_of(&table, row, &attributes),
            });
        }
        data.ledger.extend(rows.ledger);
    }

    fn read_matrix(&mut self, table: &Table, data: &mut SourceData) {
        let name = self.source.name.clone();
        let id = self.id_column(table);
        let attributes = self.attribute_columns(table);
        let excerpt = self.source.excerpt.clone().and_then(|c| {
            self.column(
                table,
                &c,
                spec_path!["sources", self.index, "excerpt"],
                "excerpt",
            )
        });
        let mut codes = Vec::new();
        for (k, code) in self.source.codes.iter().enumerate() {
            if let Some(c) = self.column(
                table,
                code,
                spec_path!["sources", self.index, "codes", k],
                "code",
            ) {
                codes.push((code.clone(), c));
            }
        }
        let mut rows = SheetRows::new(&name, table);
        let candidates = self.identified(&mut rows, id, "interviewee");
        let kept = self.dedupe(&mut rows, candidates);
        let mut unclear: BTreeMap<String, (u64, String)> = BTreeMap::new();
        for (row, interviewee) in kept {
            rows.push(
                &name,
                row.number,
                row.number,
                Some(interviewee.clone()),
                Outcome::Used,
                None,
            );
            let excerpt_text = excerpt
                .map(|c| clean_text(&table.cell(row, c).to_text()).text)
                .filter(|t| !t.is_empty());
            for (code, column) in &codes {
                let cell = table.cell(row, column);
                match code_mark(cell) {
                    Some(true) => data.codes.push(CodedExcerpt {
                        respondent: interviewee.clone(),
                        code: code.clone(),
                        excerpt: excerpt_text.clone(),
                        coder: None,
                        quotable: false,
                        row: row.number,
                    }),
                    Some(false) => {}
                    None => {
                        let e = unclear
                            .entry(cell.to_text())
                            .or_insert((0, cell_ref(table, row.number, column)));
                        e.0 += 1;
                    }
                }
            }
            data.respondents.push(Respondent {
                id: interviewee,
                row: Some(row.number),
                attributes: Self::attributes_of(table, row, &attributes),
            });
        }
        if let Some(declared) = self.source.respondents {
            data.declared_respondents = Some(declared);
            if data.respondents.len() > declared as usize {
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "{} interviewees have a row, but respondents = {declared}",
                        data.respondents.len()
                    ))
                    .at_opt(self.at("respondents"))
                    .help("set respondents to the number of people interviewed"),
                );
            }
        }
        for (value, (count, first)) in unclear {
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "\"{value}\" in a code column is neither a mark (1, x, yes) nor blank/0 ({count} cells, first at {first}); it is read as not coded"
                ))
                .at(Location::in_data(&table.file, table.has_cells().then_some(table.sheet.as_str()), Some(first))),
            );
        }
        data.ledger = rows.ledger;
    }
}

/// `C7` in a workbook, `line 7, column C` in CSV.
pub(super) fn cell_ref(table: &Table, row: u32, column: &Column) -> String {
    if table.has_cells() {
        crate::ingest::a1(row.saturating_sub(1), column.index)
    } else {
        format!("line {row}, column {}", column.letter())
    }
}

/// A "use as quote" / consent mark.
fn is_marked(cell: &Cell) -> bool {
    code_mark(cell).unwrap_or(false)
}

/// Whether a matrix cell marks a code: `Some(true)` for 1/x/yes/TRUE, `Some(false)` for
/// blank/0/no/FALSE, `None` when it is unclear.
fn code_mark(cell: &Cell) -> Option<bool> {
    match cell {
        Cell::Empty => Some(false),
        Cell::Number(n) => Some(*n != 0.0),
        Cell::Bool(b) => Some(*b),
        Cell::Error(_) | Cell::Date(_) => None,
        Cell::Text(t) => {
            let t = clean_text(t).text.to_lowercase();
            match t.as_str() {
                "" | "0" | "no" | "n" | "false" | "-" => Some(false),
                "1" | "x" | "yes" | "y" | "true" | "✓" | "✔" => Some(true),
                _ => None,
            }
        }
    }
}

type ValueStatus = (Option<String>, AnswerStatus);

/// What reading a survey's kept rows needs, shared by the threads that read them.
struct SurveyRows<'a, 't> {
    source: &'a str,
    table: &'t Table,
    questions: &'a [(&'a Question, &'t Column, Option<ScaleMatcher>)],
    attributes: &'a [(String, &'t Column)],
}

/// One thread's own copies of what every answer repeats, so that threads do not take turns
/// counting references to the same question names, nor reading the same texts.
struct SurveyCaches<'t> {
    names: Vec<Arc<str>>,
    readings: Vec<Readings<'t>>,
}

/// What a run of consecutive kept rows read to, in row order.
struct SurveyChunk {
    rows: usize,
    ledger: Vec<LedgerEntry>,
    respondents: Vec<Respondent>,
    answers: Vec<Answer>,
    changes: Vec<Change>,
    /// Values not on the question's scale or options, by question index: how many cells, and
    /// the first of them.
    unknown: BTreeMap<(usize, String), (u64, String)>,
}

impl<'t> SurveyRows<'_, 't> {
    fn caches(&self) -> SurveyCaches<'t> {
        SurveyCaches {
            names: (self.questions.iter())
                .map(|(q, _, _)| Arc::from(q.name.as_str()))
                .collect(),
            // Most answer columns repeat a few texts (scale levels, options): each distinct
            // text is normalised once per question. Free text is nearly all distinct and is
            // not kept.
            readings: self.questions.iter().map(|_| Readings::default()).collect(),
        }
    }

    /// Reads `kept` rows: one answer per cell, and one per option chosen in a multi-select.
    fn read(&self, caches: &mut SurveyCaches<'t>, kept: &[(&'t RawRow, String)]) -> SurveyChunk {
        let table = self.table;
        let in_workbook = table.has_cells();
        let mut rows = SheetRows {
            table,
            ledger: Vec::with_capacity(kept.len()),
        };
        let mut chunk = SurveyChunk {
            rows: kept.len(),
            ledger: Vec::new(),
            respondents: Vec::with_capacity(kept.len()),
            answers: Vec::with_capacity(kept.len() * self.questions.len()),
            changes: Vec::new(),
            unknown: BTreeMap::new(),
        };
        for (row, respondent) in kept {
            rows.push(
                self.source,
                row.number,
                row.number,
                Some(respondent.clone()),
                Outcome::Used,
                None,
            );
            chunk.respondents.push(Respondent {
                id: respondent.clone(),
                row: Some(row.number),
                attributes: SourceReader::attributes_of(table, row, self.attributes),
            });
            let respondent_id: Arc<str> = Arc::from(respondent.as_str());
            for (qi, (question, column, matcher)) in self.questions.iter().enumerate() {
                let cell = table.cell(row, column);
                let place = CellPlace {
                    row: row.number,
                    column: column.index,
                    in_workbook,
                };
                let fresh;
                let reading = match cell {
                    Cell::Text(text) if question.effective_kind() != QuestionKind::Text => caches
                        .readings[qi]
                        .get_or_read(text, || CellReading::new(question, matcher.as_ref(), cell)),
                    _ => {
                        fresh = CellReading::new(question, matcher.as_ref(), cell);
                        &fresh
                    }
                };
                for (answer, rules) in &reading.answers {
                    let value = answer.value.as_deref().unwrap_or_default();
                    if answer.status == AnswerStatus::Unknown {
                        let entry = (chunk.unknown)
                            .entry((qi, value.to_string()))
                            .or_insert_with(|| (0, place.to_string()));
                        entry.0 += 1;
                    }
                    if !rules.is_empty() {
                        chunk.changes.push(Change {
                            respondent: respondent.clone(),
                            column: column.name.clone(),
                            cell: place.to_string(),
                            from: answer.raw.to_string(),
                            to: value.to_string(),
                            rules: rules.clone(),
                        });
                    }
                    chunk.answers.push(Answer::new(
                        respondent_id.clone(),
                        caches.names[qi].clone(),
                        place,
                        answer.clone(),
                    ));
                }
            }
        }
        chunk.ledger = rows.ledger;
        chunk
    }
}

/// What one answer cell's text means for one question: its answers (one per option chosen,
/// for a multi-select question), each with the normalisation rules that changed it.
#[derive(Clone)]
struct CellReading {
    answers: Vec<(Arc<AnswerReading>, Vec<Rule>)>,
}

/// One question's readings, by cell text. A scale or option column holds a handful of
/// distinct texts, found faster by a short scan than by hashing every cell; a column with many
/// goes on in a map.
#[derive(Default)]
struct Readings<'t> {
    few: Vec<(&'t str, CellReading)>,
    /// Keyed by cell text, which a file chooses: std's seeded hash, so that crafted texts
    /// cannot be made to collide.
    many: std::collections::HashMap<&'t str, CellReading>,
}

impl<'t> Readings<'t> {
    const FEW: usize = 16;

    fn get_or_read(&mut self, text: &'t str, read: impl FnOnce() -> CellReading) -> &CellReading {
        // Cells that share their text (a workbook's shared strings) are found by address.
        let found = (self.few.iter().position(|(t, _)| std::ptr::eq(*t, text)))
            .or_else(|| self.few.iter().position(|(t, _)| *t == text));
        if let Some(i) = found {
            return &self.few[i].1;
        }
        if self.few.len() < Self::FEW {
            self.few.push((text, read()));
            return &self.few[self.few.len() - 1].1;
        }
        self.many.entry(text).or_insert_with(read)
    }
}

impl CellReading {
    fn new(question: &Question, matcher: Option<&ScaleMatcher>, cell: &Cell) -> CellReading {
        // A text cell's reading shares the cell's own text (free text is mostly that).
        let raw: Arc<str> = match cell {
            Cell::Text(text) => text.clone(),
            _ => Arc::from(cell.to_text()),
        };
        // A value spelled as the cell was (most free text) shares the cell's text.
        let shared = |value: String| {
            if *value == *raw {
                raw.clone()
            } else {
                Arc::from(value)
            }
        };
        let answers = answer_cell(question, matcher, cell)
            .into_iter()
            .map(|(normalised, (value, status))| {
                let reading = AnswerReading {
                    value: value.map(shared),
                    status,
                    raw: raw.clone(),
                };
                (Arc::new(reading), normalised.rules)
            })
            .collect();
        CellReading { answers }
    }
}

/// Normalises one answer cell for its question; a multi-select cell gives one entry per option.
fn answer_cell(
    question: &Question,
    matcher: Option<&ScaleMatcher>,
    cell: &Cell,
) -> Vec<(Normalised, ValueStatus)> {
    let kind = question.effective_kind();
    let normalised = match (kind, matcher) {
        (QuestionKind::Likert, Some(m)) => m.normalise(cell),
        _ => normalise_cell(cell),
    };
    let text = match &normalised.meaning {
        Meaning::Missing { .. } => return vec![(normalised, (None, AnswerStatus::Missing))],
        Meaning::Unknown(t) => {
            return vec![(normalised.clone(), (Some(t.clone()), AnswerStatus::Unknown))]
        }
        Meaning::Value(t) => t.clone(),
    };
    match kind {
        QuestionKind::Likert => vec![(normalised, (Some(text), AnswerStatus::Answered))],
        QuestionKind::Number => {
            let parsed = text.replace(',', "").trim().parse::<f64>();
            match parsed {
                Ok(n) if n.is_finite() => {
                    let shown = Cell::Number(n).to_text();
                    vec![(normalised, (Some(shown), AnswerStatus::Answered))]
                }
                _ => vec![(normalised, (Some(text), AnswerStatus::Unknown))],
            }
        }
        QuestionKind::Text => vec![(normalised, (Some(text), AnswerStatus::Answered))],
        QuestionKind::Choice => {
            let (value, status) = match_option(&text, &question.options);
            vec![(normalised, (Some(value), status))]
        }
        QuestionKind::Multi => {
            let sep = question.multi.as_deref().unwrap_or(";");
            let parts = split_multi(&text, sep, &question.options);
            if parts.is_empty() {
                return vec![(normalised, (None, AnswerStatus::Missing))];
            }
            parts
                .into_iter()
                .map(|part| {
                    let (value, status) = match_option(&part, &question.options);
                    (normalised.clone(), (Some(value), status))
                })
                .collect()
        }
    }
}

/// The listed option `text` stands for (case-insensitively), or the text itself, unknown.
fn match_option(text: &str, options: &[String]) -> (String, AnswerStatus) {
    if options.is_empty() {
        return (text.to_string(), AnswerStatus::Answered);
    }
    let key = clean_text(text).text.to_lowercase();
    match options
        .iter()
        .find(|o| clean_text(o).text.to_lowercase() == key)
    {
        Some(o) => (o.clone(), AnswerStatus::Answered),
        None => (text.to_string(), AnswerStatus::Unknown),
    }
}

/// Splits a multi-select cell. Known options are matched first, longest first, so an option
/// that itself contains the separator (Google Forms joins with ", ") stays whole. With a
/// comma and listed options, text that is not an option runs on to the next option or the end:
/// Google Forms writes an "Other" answer last, as typed, commas and all, and it stays one
/// (unlisted) part. With a blank separator (Kobo's spaces) an option ends at whitespace.
pub fn split_multi(text: &str, sep: &str, options: &[String]) -> Vec<String> {
    let mut sorted: Vec<String> = options.iter().map(|o| clean_text(o).text).collect();
    sorted.sort_by_key(|o| std::cmp::Reverse(o.len()));
    // ASCII case folding keeps byte offsets equal between `text` and `lower`; full Unicode
    // lower-casing can change lengths ("İ") and would misalign the slices.
    let lower = text.to_ascii_lowercase();
    let trimmed_sep = sep.trim();
    let between = if trimmed_sep.is_empty() {
        sep
    } else {
        trimmed_sep
    };
    let other_runs_on = trimmed_sep == "," && !sorted.is_empty();
    // The length of the listed option at `pos`, when one starts there and ends at a separator.
    let known_at = |pos: usize| {
        sorted.iter().find_map(|o| {
            let o_lower = o.to_ascii_lowercase();
            if !lower[pos..].starts_with(&o_lower) {
                return None;
            }
            let rest = &lower[pos + o_lower.len()..];
            let ends = if trimmed_sep.is_empty() {
                rest.is_empty() || rest.starts_with(char::is_whitespace)
            } else {
                let after = rest.trim_start();
                after.is_empty() || after.starts_with(trimmed_sep)
            };
            ends.then_some(o.len())
        })
    };
    let next_separator = |from: usize| text[from..].find(between).map_or(text.len(), |i| from + i);
    let mut parts = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        // Skip separators and spaces between parts.
        let rest = &text[pos..];
        let skip = rest.len() - rest.trim_start_matches(|c: char| c.is_whitespace()).len();
        pos += skip;
        if !trimmed_sep.is_empty() && text[pos..].starts_with(trimmed_sep) {
            pos += trimmed_sep.len();
            continue;
        }
        if pos >= text.len() {
            break;
        }
        let end = match known_at(pos) {
            Some(len) => pos + len,
            None => {
                let mut end = next_separator(pos);
                while other_runs_on && end < text.len() {
                    let after = end + between.len();
                    let next = after + (text[after..].len() - text[after..].trim_start().len());
                    if next >= text.len() || known_at(next).is_some() {
                        break;
                    }
                    end = next_separator(next);
                }
                end
            }
        };
        let part = text[pos..end].trim();
        if !part.is_empty() {
            parts.push(part.to_string());
        }
        pos = end;
    }
    parts
}

/// The first and last date in the sheet's first column that holds dates (at least nine in ten
/// of its filled cells, over the rows used), or `None` when no column does.
fn response_dates<'r>(
    table: &Table,
    rows: impl Iterator<Item = &'r RawRow> + Clone,
) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    table.columns.iter().find_map(|column| {
        let mut filled = 0usize;
        let mut dates = Vec::new();
        for row in rows.clone() {
            match table.cell(row, column) {
                Cell::Date(d) => {
                    filled += 1;
                    dates.push(d.date());
                }
                cell if !cell.is_blank() => filled += 1,
                _ => {}
            }
        }
        if dates.len() * 10 < filled * 9 {
            return None;
        }
        Some((*dates.iter().min()?, *dates.iter().max()?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows read in chunks on several threads, merged back: answers, changes, ledger and the
    /// unknown-value warnings (their counts and first cells) come out as read in one go.
    #[test]
    fn survey_read_in_chunks_matches_reading_in_one_go() {
        let dir = tempfile::tempdir().unwrap();
        // Chunks of three rows: lines 2-4, 5-7, 8-10, 11. "Agreed" and "c" first appear in the
        // second chunk and again in the third; "x" only in the first, "y" only in the third.
        let csv = "id,feel,reasons,age\n\
                   1,Agree,a;b,30\n\
                   2,agree ,a,31\n\
                   3,Disagree,b,x\n\
                   4,Agree,a,32\n\
                   5,Agreed,c,33\n\
                   6,Disagree,a;b,34\n\
                   7,Agreed,b,35\n\
                   8,Agree,c,y\n\
                   9,Agreed,a,36\n\
                   10,Disagree,b,37\n";
        let loaded = crate::model::test_support::survey_spec(
            dir.path(),
            csv,
            &[
                r#"{ name = "feel", column = "feel", scale = "ag" }"#,
                r#"{ name = "reasons", column = "reasons", multi = ";", options = ["a", "b"] }"#,
                r#"{ name = "age", column = "age", kind = "number" }"#,
            ],
        );
        assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);

        let whole = load_in_chunks(&loaded, usize::MAX, 1);
        let chunked = load_in_chunks(&loaded, 3, 2);
        assert_eq!(chunked, whole);
        let many_workers = load_in_chunks(&loaded, 1, 4);
        assert_eq!(many_workers, whole);

        let data = &whole.sources[0];
        let ids: Vec<&str> = data.respondents.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
        // Three answers a row, and one more for each of the two rows that chose "a;b".
        assert_eq!(data.answers.len(), 32);
        let rows: Vec<u32> = data.answers.iter().map(|a| a.cell.row).collect();
        assert!(rows.is_sorted(), "answers in row order: {rows:?}");
        let used: Vec<u32> = (data.ledger.iter())
            .filter(|e| e.outcome == Outcome::Used)
            .map(|e| e.row)
            .collect();
        assert_eq!(used, (2..=11).collect::<Vec<u32>>());
        let messages: Vec<&str> = whole
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "\"Agreed\" in column \"feel\" is not a level of scale \"ag\" (3 cells, first at line 6, column B)",
                "\"c\" in column \"reasons\" is not one of the listed options (2 cells, first at line 6, column C); it is kept as written",
                "\"x\" in column \"age\" is not a number (1 cell, first at line 4, column D); it is left out",
                "\"y\" in column \"age\" is not a number (1 cell, first at line 9, column D); it is left out",
            ]
        );
    }

    #[test]
    fn multi_select_splits_on_the_separator() {
        assert_eq!(split_multi("a; b ;c;", ";", &[]), vec!["a", "b", "c"]);
        assert_eq!(split_multi("", ";", &[]), Vec::<String>::new());
    }

    #[test]
    fn multi_select_keeps_options_that_contain_the_separator() {
        let options = vec![
            "Data cleaning, wrangling".to_string(),
            "Visualization".to_string(),
        ];
        assert_eq!(
            split_multi(
                "Data cleaning, wrangling, Visualization, Other thing",
                ",",
                &options
            ),
            vec!["Data cleaning, wrangling", "Visualization", "Other thing"]
        );
    }

    /// Google Forms writes an "Other" answer last, as typed: a comma in it does not split it.
    #[test]
    fn other_text_with_commas_stays_one_unlisted_part() {
        let options = vec![
            "Question and answer sites such as Stack Overflow and Quora".to_string(),
            "Your personal network, such as colleagues and professors".to_string(),
        ];
        assert_eq!(
            split_multi(
                "Your personal network, such as colleagues and professors, Question and answer sites such as Stack Overflow and Quora, The repo, if available.",
                ", ",
                &options
            ),
            vec![
                "Your personal network, such as colleagues and professors",
                "Question and answer sites such as Stack Overflow and Quora",
                "The repo, if available."
            ]
        );
        // Text before a listed option is its own part.
        assert_eq!(
            split_multi(
                "Stackoverflow, Question and answer sites such as Stack Overflow and Quora",
                ", ",
                &options
            ),
            vec![
                "Stackoverflow",
                "Question and answer sites such as Stack Overflow and Quora"
            ]
        );
        // Without listed options there is nothing to tell the pieces apart.
        assert_eq!(split_multi("a, b", ", ", &[]), vec!["a", "b"]);
    }

    #[test]
    fn microsoft_forms_trailing_separator_leaves_no_empty_part() {
        let options = vec!["Meet others".to_string(), "Information".to_string()];
        assert_eq!(
            split_multi("Meet others;Information;", ";", &options),
            vec!["Meet others", "Information"]
        );
        assert_eq!(split_multi("Meet others;", ";", &[]), vec!["Meet others"]);
    }

    #[test]
    fn space_separated_option_labels_match_whole() {
        let options = vec!["Meet others".to_string(), "Local support".to_string()];
        assert_eq!(
            split_multi("Meet others Local support", " ", &options),
            vec!["Meet others", "Local support"]
        );
        assert_eq!(
            split_multi("meet_others local_support", " ", &[]),
            vec!["meet_others", "local_support"]
        );
    }

    /// Regression: full lower-casing of "İ" changes its byte length and misaligned slices.
    #[test]
    fn multi_select_with_non_ascii_text_does_not_misalign() {
        let options = vec!["İzmir group".to_string(), "Café".to_string()];
        assert_eq!(
            split_multi("İzmir group; café; Ünknown", ";", &options),
            vec!["İzmir group", "café", "Ünknown"]
        );
        assert_eq!(split_multi("İİİ;x", ";", &[]), vec!["İİİ", "x"]);
    }

    #[test]
    fn code_marks_read_like_people_write_them() {
        assert_eq!(code_mark(&Cell::Number(1.0)), Some(true));
        assert_eq!(code_mark(&Cell::Text(" X ".into())), Some(true));
        assert_eq!(code_mark(&Cell::Empty), Some(false));
        assert_eq!(code_mark(&Cell::Text("0".into())), Some(false));
        assert_eq!(code_mark(&Cell::Text("maybe".into())), None);
    }
}

//! The tidy tables as polars frames, one row per fact, named as DESIGN.md names them.

use polars::prelude::*;

use super::Evaluation;

/// `respondents`: source, group, respondent, row, then one column per attribute name used by
/// any source (null where a source does not have it).
pub fn respondents(eval: &Evaluation) -> PolarsResult<DataFrame> {
    let attr_names: std::collections::BTreeSet<&str> = eval
        .sources
        .iter()
        .flat_map(|s| s.respondents.iter())
        .flat_map(|r| r.attributes.keys().map(String::as_str))
        .collect();
    let mut source = Vec::new();
    let mut group = Vec::new();
    let mut respondent = Vec::new();
    let mut row = Vec::new();
    let mut attrs: Vec<Vec<Option<String>>> = vec![Vec::new(); attr_names.len()];
    for s in &eval.sources {
        for r in &s.respondents {
            source.push(s.name.clone());
            group.push(s.group.clone());
            respondent.push(r.id.clone());
            row.push(r.row);
            for (values, name) in attrs.iter_mut().zip(&attr_names) {
                values.push(r.attributes.get(*name).cloned());
            }
        }
    }
    let mut columns = vec![
        Column::new("source".into(), source),
        Column::new("group".into(), group),
        Column::new("respondent".into(), respondent),
        Column::new("row".into(), row),
    ];
    for (values, name) in attrs.into_iter().zip(&attr_names) {
        columns.push(Column::new((*name).into(), values));
    }
    DataFrame::new_infer_height(columns)
}

/// `answers`: source, respondent, question, value, status, raw, cell.
pub fn answers(eval: &Evaluation) -> PolarsResult<DataFrame> {
    let rows = eval
        .sources
        .iter()
        .flat_map(|s| s.answers.iter().map(move |a| (s, a)));
    let (mut source, mut respondent, mut question, mut value, mut status, mut raw, mut cell) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (s, a) in rows {
        source.push(s.name.as_str());
        respondent.push(&*a.respondent);
        question.push(&*a.question);
        value.push(a.value());
        status.push(a.status().name());
        raw.push(a.raw());
        cell.push(a.cell.to_string());
    }
    df!(
        "source" => source,
        "respondent" => respondent,
        "question" => question,
        "value" => value,
        "status" => status,
        "raw" => raw,
        "cell" => cell,
    )
}

/// `codes`: source, respondent, code, excerpt, coder, quotable, row.
pub fn codes(eval: &Evaluation) -> PolarsResult<DataFrame> {
    let (mut source, mut respondent, mut code, mut excerpt, mut coder, mut quotable, mut row) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for s in &eval.sources {
        for c in &s.codes {
            source.push(s.name.clone());
            respondent.push(c.respondent.clone());
            code.push(c.code.clone());
            excerpt.push(c.excerpt.clone());
            coder.push(c.coder.clone());
            quotable.push(c.quotable);
            row.push(c.row);
        }
    }
    df!(
        "source" => source,
        "respondent" => respondent,
        "code" => code,
        "excerpt" => excerpt,
        "coder" => coder,
        "quotable" => quotable,
        "row" => row,
    )
}

/// `ledger`: source, file, sheet, row, last_row, respondent, outcome, reason.
pub fn ledger(eval: &Evaluation) -> PolarsResult<DataFrame> {
    let entries = eval
        .sources
        .iter()
        .flat_map(|s| s.ledger.iter())
        .chain(eval.registers.iter().flat_map(|r| r.ledger.iter()));
    let (
        mut source,
        mut file,
        mut sheet,
        mut row,
        mut last_row,
        mut respondent,
        mut outcome,
        mut reason,
    ) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for e in entries {
        source.push(e.source.clone());
        file.push(e.file.clone());
        sheet.push(e.sheet.clone());
        row.push(e.row);
        last_row.push(e.last_row);
        respondent.push(e.respondent.clone());
        outcome.push(e.outcome.name());
        reason.push(e.reason.clone());
    }
    df!(
        "source" => source,
        "file" => file,
        "sheet" => sheet,
        "row" => row,
        "last_row" => last_row,
        "respondent" => respondent,
        "outcome" => outcome,
        "reason" => reason,
    )
}

/// `changes`: source, respondent, column, cell, from, to, rules (joined with `+`).
pub fn changes(eval: &Evaluation) -> PolarsResult<DataFrame> {
    let (mut source, mut respondent, mut column, mut cell, mut from, mut to, mut rules) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for s in &eval.sources {
        for c in &s.changes {
            source.push(s.name.clone());
            respondent.push(c.respondent.clone());
            column.push(c.column.clone());
            cell.push(c.cell.clone());
            from.push(c.from.clone());
            to.push(c.to.clone());
            rules.push(
                c.rules
                    .iter()
                    .map(|r| r.name())
                    .collect::<Vec<_>>()
                    .join("+"),
            );
        }
    }
    df!(
        "source" => source,
        "respondent" => respondent,
        "column" => column,
        "cell" => cell,
        "from" => from,
        "to" => to,
        "rules" => rules,
    )
}

/// `attendance`: one row per woman per session of every attendance register: source, date,
/// locality, attendee, referral, diagnosed, row. Rows left out at reading are in the ledger.
pub fn attendance(eval: &Evaluation) -> PolarsResult<DataFrame> {
    let rows = eval.registers.iter().flat_map(|r| r.attendances.iter());
    let (mut source, mut date, mut locality, mut attendee, mut referral, mut diagnosed, mut row) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for a in rows {
        source.push(a.source.clone());
        date.push(a.date);
        locality.push(a.locality.clone());
        attendee.push(a.attendee.clone());
        referral.push(a.referral.clone());
        diagnosed.push(a.diagnosed);
        row.push(a.row);
    }
    df!(
        "source" => source,
        "date" => date,
        "locality" => locality,
        "attendee" => attendee,
        "referral" => referral,
        "diagnosed" => diagnosed,
        "row" => row,
    )
}

/// `sessions`: one row per session planned in every session log: source, date, locality,
/// topic, speaker, went_ahead, row.
pub fn sessions(eval: &Evaluation) -> PolarsResult<DataFrame> {
    let rows = eval.registers.iter().flat_map(|r| r.sessions.iter());
    let (mut source, mut date, mut locality, mut topic, mut speaker, mut went_ahead, mut row) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for s in rows {
        source.push(s.source.clone());
        date.push(s.date);
        locality.push(s.locality.clone());
        topic.push(s.topic.clone());
        speaker.push(s.speaker.clone());
        went_ahead.push(s.went_ahead);
        row.push(s.row);
    }
    df!(
        "source" => source,
        "date" => date,
        "locality" => locality,
        "topic" => topic,
        "speaker" => speaker,
        "went_ahead" => went_ahead,
        "row" => row,
    )
}

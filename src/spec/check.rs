//! Checks on the spec's meaning that serde cannot make: references between sections, levels
//! that belong to their scale, files that exist. Data is not read here.

use std::collections::BTreeSet;

use super::{Benefit, LayoutName, QuestionKind, Seg, Source, SourceKind, Spec, SpecFile};
use crate::diagnostic::{closest, did_you_mean, Diagnostic};
use crate::spec_path;

/// Checks `spec`; `misspelt` holds paths of required keys already reported as misspelt.
pub(super) fn check(
    spec: &Spec,
    file: &SpecFile,
    misspelt: &BTreeSet<Vec<Seg>>,
) -> Vec<Diagnostic> {
    let mut out = Checker {
        file,
        misspelt,
        out: Vec::new(),
    };
    out.top(spec);
    for (name, scale) in &spec.scales {
        out.scale(name, scale);
    }
    let mut names = BTreeSet::new();
    for (i, source) in spec.sources.iter().enumerate() {
        if !names.insert(source.name.as_str()) {
            out.error(
                spec_path!["sources", i, "name"],
                format!("two sources are named \"{}\"", source.name),
                "give each source its own name; benefits refer to sources by name",
            );
        }
        out.source(spec, i, source);
    }
    let mut names = BTreeSet::new();
    for (i, benefit) in spec.benefits.iter().enumerate() {
        if !names.insert(benefit.name.as_str()) {
            out.error(
                spec_path!["benefits", i, "name"],
                format!("two benefits are named \"{}\"", benefit.name),
                "give each benefit its own name",
            );
        }
        out.benefit(spec, i, benefit);
    }
    for (i, scale) in spec.reliability.iter().enumerate() {
        out.reliability(spec, i, scale);
    }
    out.summary(spec);
    out.out
}

struct Checker<'a> {
    file: &'a SpecFile,
    misspelt: &'a BTreeSet<Vec<Seg>>,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, path: Vec<Seg>, message: String, help: impl Into<String>) {
        let help = help.into();
        let mut d = Diagnostic::error(message).at_opt(self.file.locate(&path));
        if !help.is_empty() {
            d = d.help(help);
        }
        self.out.push(d);
    }

    fn warning(&mut self, path: Vec<Seg>, message: String, help: impl Into<String>) {
        let help = help.into();
        let mut d = Diagnostic::warning(message).at_opt(self.file.locate(&path));
        if !help.is_empty() {
            d = d.help(help);
        }
        self.out.push(d);
    }

    fn top(&mut self, spec: &Spec) {
        self.required(
            spec_path!["title"],
            !spec.title.trim().is_empty(),
            "the spec",
            "add title = \"...\"; the title heads the report",
        );
        if !(spec.confidence > 0.0 && spec.confidence < 1.0) {
            self.error(
                spec_path!["confidence"],
                format!(
                    "confidence must be between 0 and 1, not {}",
                    spec.confidence
                ),
                "0.95 gives 95% intervals",
            );
        }
    }

    fn scale(&mut self, name: &str, scale: &super::Scale) {
        let at = |key: &str| spec_path!["scales", name, key];
        if scale.levels.is_empty() {
            self.error(
                at("levels"),
                format!("scale \"{name}\" has no levels"),
                "list the levels from lowest to highest",
            );
        }
        let mut seen = BTreeSet::new();
        for (i, level) in scale.levels.iter().enumerate() {
            if !seen.insert(level.to_lowercase()) {
                self.error(
                    spec_path!["scales", name, "levels", i],
                    format!("level \"{level}\" appears twice in scale \"{name}\""),
                    "",
                );
            }
        }
        let levels: Vec<&str> = scale.levels.iter().map(String::as_str).collect();
        for (i, level) in scale.positive.iter().enumerate() {
            if !has_level(&levels, level) {
                self.not_a_level(
                    spec_path!["scales", name, "positive", i],
                    name,
                    level,
                    &levels,
                );
            }
        }
        for (i, token) in scale.missing.iter().enumerate() {
            if has_level(&levels, token) {
                self.error(
                    spec_path!["scales", name, "missing", i],
                    format!("\"{token}\" is both a level and a missing answer in scale \"{name}\""),
                    "a missing answer is left out of the denominator; remove it from one list",
                );
            }
        }
        for (alias, target) in &scale.aliases {
            if !has_level(&levels, target) {
                self.not_a_level(
                    spec_path!["scales", name, "aliases", alias.as_str()],
                    name,
                    target,
                    &levels,
                );
            }
        }
        for (code, target) in &scale.codes {
            if !has_level(&levels, target) {
                self.not_a_level(
                    spec_path!["scales", name, "codes", code.as_str()],
                    name,
                    target,
                    &levels,
                );
            }
        }
    }

    fn not_a_level(&mut self, path: Vec<Seg>, scale: &str, level: &str, levels: &[&str]) {
        let help = match did_you_mean(level, levels.iter().copied()) {
            Some(best) => format!("did you mean \"{best}\"?"),
            None => format!("the levels are: {}", levels.join(", ")),
        };
        self.error(
            path,
            format!("\"{level}\" is not a level of scale \"{scale}\""),
            help,
        );
    }

    /// A required key that is absent (serde defaults it to empty so parsing can go on).
    fn required(&mut self, path: Vec<Seg>, present: bool, what: &str, help: &str) {
        if !present && !self.misspelt.contains(&path) {
            let key = match path.last() {
                Some(Seg::Key(k)) => k.clone(),
                _ => String::new(),
            };
            self.error(path, format!("{what} has no `{key}`"), help);
        }
    }

    fn source(&mut self, spec: &Spec, i: usize, source: &Source) {
        let at = |key: &str| spec_path!["sources", i, key];
        let what = if source.name.is_empty() {
            format!("source {}", i + 1)
        } else {
            format!("source \"{}\"", source.name)
        };
        self.required(
            at("name"),
            !source.name.trim().is_empty(),
            &what,
            "name each source; benefits refer to it by name",
        );
        let has_file = !source.file.as_os_str().is_empty();
        self.required(
            at("file"),
            has_file,
            &what,
            "add file = \"<path of the export, relative to this spec>\"",
        );
        if !has_file {
            self.kind_keys(spec, i, source);
            return;
        }
        if source.group.trim().is_empty() && !source.kind.is_register() {
            self.error(
                at("group"),
                format!("source \"{}\" has an empty group", source.name),
                "the group says who answered, e.g. \"Attendees\"",
            );
        }
        let path = spec.resolve(&source.file);
        if !path.is_file() {
            let dir = path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
            let wanted = source
                .file
                .file_name()
                .map(|f| f.to_string_lossy().to_string());
            let present: Vec<String> = std::fs::read_dir(&dir)
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().to_string())
                        .collect()
                })
                .unwrap_or_default();
            let help = match wanted
                .as_deref()
                .and_then(|w| did_you_mean(w, present.iter().map(String::as_str)))
            {
                Some(best) => {
                    format!("did you mean \"{best}\"? (paths are relative to the spec's folder)")
                }
                None => "paths are relative to the folder the spec is in".to_string(),
            };
            self.error(
                at("file"),
                format!("file not found: {}", path.display()),
                help,
            );
        }
        self.kind_keys(spec, i, source);
    }

    fn kind_keys(&mut self, spec: &Spec, i: usize, source: &Source) {
        match source.kind {
            SourceKind::Survey => self.survey_source(spec, i, source),
            SourceKind::Coding => self.coding_source(i, source),
            SourceKind::Attendance | SourceKind::Sessions => self.register_source(i, source),
        }
        if !source.kind.is_register() {
            for (key, value) in source.register_columns() {
                if value.is_some() {
                    self.error(
                        spec_path!["sources", i, key],
                        format!(
                            "`{key}` is for registers, but \"{}\" is a {} source",
                            source.name,
                            source.kind.name()
                        ),
                        "add kind = \"attendance\" or kind = \"sessions\" if this file is a register; a feedback form's date and locality are attributes",
                    );
                }
            }
        }
    }

    /// An attendance register or session log: which columns hold which field.
    fn register_source(&mut self, i: usize, source: &Source) {
        let at = |key: &str| spec_path!["sources", i, key];
        let attendance = source.kind == SourceKind::Attendance;
        let what = format!("{} source \"{}\"", source.kind.name(), source.name);
        self.required(
            at("date"),
            source.date.as_deref().is_some_and(|c| !c.trim().is_empty()),
            &what,
            "add date = \"<the header of the session date column>\"",
        );
        self.required(
            at("locality"),
            source
                .locality
                .as_deref()
                .is_some_and(|c| !c.trim().is_empty()),
            &what,
            "add locality = \"<the header of the group or locality column>\"",
        );
        if attendance {
            self.required(
                at("attendee"),
                source
                    .attendee
                    .as_deref()
                    .is_some_and(|c| !c.trim().is_empty()),
                &what,
                "add attendee = \"<the header of the attendee id column>\"",
            );
        }
        let (wrong, other): (&[&str], &str) = if attendance {
            (&["topic", "speaker", "held"], "sessions")
        } else {
            (&["attendee", "referral", "diagnosed"], "attendance")
        };
        for (key, value) in source.register_columns() {
            if value.is_some() && wrong.contains(&key) {
                self.error(
                    at(key),
                    format!(
                        "`{key}` is for {other} sources, but \"{}\" is a {} source",
                        source.name,
                        source.kind.name()
                    ),
                    format!("move it to the {other} source, or remove it"),
                );
            }
        }
        let survey_or_coding = [
            ("questions", !source.questions.is_empty()),
            ("codes", !source.codes.is_empty()),
            ("code", source.code.is_some()),
            ("excerpt", source.excerpt.is_some()),
            ("coder", source.coder.is_some()),
            ("quote", source.quote.is_some()),
            ("respondents", source.respondents.is_some()),
            ("roster", source.roster.is_some()),
            ("id", source.id.is_some()),
            ("attributes", !source.attributes.is_empty()),
        ];
        for (key, set) in survey_or_coding {
            if set {
                self.error(
                    at(key),
                    format!(
                        "`{key}` is for surveys and interview codes, but \"{}\" is a register",
                        source.name
                    ),
                    "a register names its columns with date, locality, attendee, referral, diagnosed (attendance) or date, locality, topic, speaker, held (sessions)",
                );
            }
        }
        if !matches!(source.layout, LayoutName::Auto | LayoutName::Plain) {
            self.error(
                at("layout"),
                format!(
                    "a register is read with one header row, not the {} layout",
                    source.layout.name()
                ),
                "remove layout, or write layout = \"plain\"",
            );
        }
    }

    /// `[summary]`: the feedback source and its questions exist and fit.
    fn summary(&mut self, spec: &Spec) {
        let settings = &spec.summary;
        let Some(name) = &settings.feedback else {
            for key in ["requests", "comments"] {
                let set = match key {
                    "requests" => settings.requests.is_some(),
                    _ => settings.comments.is_some(),
                };
                if set {
                    self.error(
                        spec_path!["summary", key],
                        format!("[summary] {key} names a question, but no feedback source"),
                        "add feedback = \"<the survey source of session feedback forms>\"",
                    );
                }
            }
            return;
        };
        let Some(source) = spec.sources.iter().find(|s| &s.name == name) else {
            let help = match did_you_mean(name, spec.sources.iter().map(|s| s.name.as_str())) {
                Some(best) => format!("did you mean \"{best}\"?"),
                None => "name a survey source of this spec".to_string(),
            };
            self.error(
                spec_path!["summary", "feedback"],
                format!("there is no source named \"{name}\""),
                help,
            );
            return;
        };
        if source.kind != SourceKind::Survey {
            self.error(
                spec_path!["summary", "feedback"],
                format!(
                    "feedback forms are a survey, but \"{name}\" is a {} source",
                    source.kind.name()
                ),
                "name the survey source of session feedback forms",
            );
            return;
        }
        for attribute in ["locality", "date"] {
            if !source.attributes.contains_key(attribute) {
                self.error(
                    spec_path!["summary", "feedback"],
                    format!(
                        "the feedback source \"{name}\" has no `{attribute}` attribute, so its forms cannot be matched to a group and period"
                    ),
                    format!(
                        "add {attribute} = \"<its column>\" to the attributes of source \"{name}\""
                    ),
                );
            }
        }
        for (key, wanted) in [
            ("requests", QuestionKind::Multi),
            ("comments", QuestionKind::Text),
        ] {
            let question = match key {
                "requests" => settings.requests.as_deref(),
                _ => settings.comments.as_deref(),
            };
            let Some(question) = question else { continue };
            match source.questions.iter().find(|q| q.name == question) {
                None => {
                    let help = match did_you_mean(
                        question,
                        source.questions.iter().map(|q| q.name.as_str()),
                    ) {
                        Some(best) => format!("did you mean \"{best}\"?"),
                        None => format!("name a question of source \"{name}\""),
                    };
                    self.error(
                        spec_path!["summary", key],
                        format!("source \"{name}\" has no question named \"{question}\""),
                        help,
                    );
                }
                Some(q) if q.effective_kind() != wanted => self.error(
                    spec_path!["summary", key],
                    format!(
                        "[summary] {key} should be a {} question, but \"{question}\" is {}",
                        wanted.name(),
                        q.effective_kind().name()
                    ),
                    match key {
                        "requests" => "name the multi-select question of topics asked for",
                        _ => "name the free-text question of comments",
                    },
                ),
                Some(q) if key == "requests" && q.options.is_empty() => self.error(
                    spec_path!["summary", key],
                    format!(
                        "the requests question \"{question}\" lists no options, so what women wrote in themselves would be published as topics"
                    ),
                    format!(
                        "add options = [...] to question \"{question}\" of source \"{name}\": the topics the form offers"
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    fn survey_source(&mut self, spec: &Spec, i: usize, source: &Source) {
        let at = |key: &str| spec_path!["sources", i, key];
        match source.layout {
            LayoutName::Auto | LayoutName::Plain => {}
            LayoutName::Long | LayoutName::Matrix => self.error(
                at("layout"),
                format!(
                    "layout \"{}\" is for coding sources, but source \"{}\" is a survey",
                    source.layout.name(),
                    source.name
                ),
                "add kind = \"coding\", or use layout = \"auto\"",
            ),
            other if crate::ingest::layout::by_name(other.name()).is_some() => {}
            other => self.error(
                at("layout"),
                format!(
                    "the {} layout is not supported yet by this version of impactkit",
                    other.name()
                ),
                "use layout = \"auto\", or \"plain\" on a copy of the export with one header row",
            ),
        }
        for key in ["code", "excerpt", "coder", "quote", "respondents", "roster"] {
            let set = match key {
                "code" => source.code.is_some(),
                "excerpt" => source.excerpt.is_some(),
                "coder" => source.coder.is_some(),
                "quote" => source.quote.is_some(),
                "respondents" => source.respondents.is_some(),
                _ => source.roster.is_some(),
            };
            if set {
                self.error(
                    at(key),
                    format!(
                        "`{key}` is for coding sources, but \"{}\" is a survey",
                        source.name
                    ),
                    "add kind = \"coding\" if this file holds interview codes",
                );
            }
        }
        if !source.codes.is_empty() {
            self.error(
                at("codes"),
                format!(
                    "`codes` is for coding sources, but \"{}\" is a survey",
                    source.name
                ),
                "add kind = \"coding\" and layout = \"matrix\"",
            );
        }
        if source.questions.is_empty() {
            self.warning(
                at("name"),
                format!("survey source \"{}\" lists no questions", source.name),
                "add questions = [ { name = \"...\", column = \"...\" } ]",
            );
        }
        let mut names = BTreeSet::new();
        for (q, question) in source.questions.iter().enumerate() {
            let qat = |key: &str| spec_path!["sources", i, "questions", q, key];
            let what = format!("question {} of source \"{}\"", q + 1, source.name);
            self.required(
                qat("name"),
                !question.name.trim().is_empty(),
                &what,
                "name the question; benefits refer to it by name",
            );
            self.required(
                qat("column"),
                !question.column.trim().is_empty(),
                &what,
                "add column = \"<the header of its column>\"",
            );
            if !names.insert(question.name.as_str()) {
                self.error(
                    qat("name"),
                    format!(
                        "two questions of source \"{}\" are named \"{}\"",
                        source.name, question.name
                    ),
                    "",
                );
            }
            if let Some(scale) = &question.scale {
                if !spec.scales.contains_key(scale) {
                    let help = match did_you_mean(scale, spec.scales.keys().map(String::as_str)) {
                        Some(best) => format!("did you mean \"{best}\"?"),
                        None => "declare it with a [scales.<name>] table".to_string(),
                    };
                    self.error(
                        qat("scale"),
                        format!("there is no scale named \"{scale}\""),
                        help,
                    );
                }
            }
            if let Some(sep) = &question.multi {
                if sep.is_empty() {
                    self.error(
                        qat("multi"),
                        "the multi-select separator is empty".into(),
                        "use the character that joins the options, e.g. \";\"",
                    );
                }
            }
            let kind = question.effective_kind();
            if question.scale.is_some() && kind != QuestionKind::Likert {
                self.error(
                    qat("kind"),
                    format!(
                        "question \"{}\" has a scale but kind = \"{}\"",
                        question.name,
                        kind.name()
                    ),
                    "a question with a scale is a likert question; remove one of the two",
                );
            }
            if kind == QuestionKind::Likert && question.scale.is_none() {
                self.error(
                    qat("kind"),
                    format!("likert question \"{}\" has no scale", question.name),
                    "add scale = \"<name of a [scales.<name>] table>\"",
                );
            }
            if kind == QuestionKind::Multi && question.multi.is_none() {
                self.error(
                    qat("kind"),
                    format!(
                        "multi-select question \"{}\" has no separator",
                        question.name
                    ),
                    "add multi = \";\" (or the character that joins the options)",
                );
            }
        }
    }

    fn coding_source(&mut self, i: usize, source: &Source) {
        let at = |key: &str| spec_path!["sources", i, key];
        if !source.questions.is_empty() {
            self.error(
                at("questions"),
                format!("coding source \"{}\" cannot have questions", source.name),
                "questions belong to survey sources; a coding source has codes",
            );
        }
        let layout = coding_layout(source);
        match layout {
            LayoutName::Long => {
                if source.code.is_none() {
                    self.error(
                        at("layout"),
                        format!("long coding source \"{}\" needs `code`", source.name),
                        "add code = \"<column holding the code of each excerpt>\"",
                    );
                }
                if !source.codes.is_empty() {
                    self.error(
                        at("codes"),
                        "`codes` lists code columns of a matrix sheet, but this source is long"
                            .into(),
                        "use layout = \"matrix\", or remove `codes`",
                    );
                }
            }
            LayoutName::Matrix => {
                if source.codes.is_empty() {
                    self.error(
                        at("layout"),
                        format!("matrix coding source \"{}\" needs `codes`", source.name),
                        "list the code columns: codes = [\"Code A\", \"Code B\"]",
                    );
                }
                if source.roster.is_some() {
                    self.error(
                        at("roster"),
                        "a roster is for long coding sheets; in a matrix every interviewee is a row".into(),
                        "add a row (with no marks) for each interviewee with no code, or give respondents = <number interviewed>",
                    );
                }
                if source.code.is_some() {
                    self.error(
                        at("code"),
                        "`code` names the code column of a long sheet, but this source is a matrix"
                            .into(),
                        "use layout = \"long\", or remove `code`",
                    );
                }
            }
            other => self.error(
                at("layout"),
                format!(
                    "layout \"{}\" is for surveys; a coding source is \"long\" or \"matrix\"",
                    other.name()
                ),
                "",
            ),
        }
        if source.id.is_none() {
            self.error(
                at("name"),
                format!("coding source \"{}\" needs `id`", source.name),
                "add id = \"<column naming the interviewee>\"",
            );
        }
        if let Some(roster) = &source.roster {
            let rat = |key: &str| spec_path!["sources", i, "roster", key];
            self.required(
                rat("sheet"),
                !roster.sheet.trim().is_empty(),
                "the roster",
                "add sheet = \"<sheet listing everyone interviewed>\"",
            );
            self.required(
                rat("id"),
                !roster.id.trim().is_empty(),
                "the roster",
                "add id = \"<column naming the interviewee>\"",
            );
        }
        if source.respondents.is_some() && source.roster.is_some() {
            self.error(
                at("respondents"),
                "give either `respondents` or `roster`, not both".into(),
                "the roster already says how many people were interviewed",
            );
        }
        if layout == LayoutName::Long && source.respondents.is_none() && source.roster.is_none() {
            self.warning(
                at("name"),
                format!(
                    "coding source \"{}\" has neither `respondents` nor `roster`",
                    source.name
                ),
                "without them, people interviewed but never coded are missing from every denominator; add respondents = <number interviewed>",
            );
        }
    }

    fn benefit(&mut self, spec: &Spec, i: usize, benefit: &Benefit) {
        let what = format!("benefit {}", i + 1);
        self.required(
            spec_path!["benefits", i, "name"],
            !benefit.name.trim().is_empty(),
            &what,
            "name the benefit, e.g. name = \"reduced_isolation\"",
        );
        self.required(
            spec_path!["benefits", i, "label"],
            !benefit.label.trim().is_empty(),
            &what,
            "the label is how the report names the benefit",
        );
        if benefit.evidence.is_empty() {
            self.error(
                spec_path!["benefits", i, "name"],
                format!("benefit \"{}\" has no evidence", benefit.name),
                "add evidence = [ { source = \"...\", question = \"...\", answer = \"positive\" } ]",
            );
        }
        for (e, evidence) in benefit.evidence.iter().enumerate() {
            let eat = |key: &str| spec_path!["benefits", i, "evidence", e, key];
            if evidence.source.trim().is_empty() {
                self.required(
                    eat("source"),
                    false,
                    &format!("evidence {} of benefit \"{}\"", e + 1, benefit.name),
                    "add source = \"<name of a source>\"",
                );
                continue;
            }
            let Some(source) = spec.source(&evidence.source) else {
                let help = match did_you_mean(
                    &evidence.source,
                    spec.sources.iter().map(|s| s.name.as_str()),
                ) {
                    Some(best) => format!("did you mean \"{best}\"?"),
                    None => format!(
                        "the sources are: {}",
                        closest(
                            &evidence.source,
                            spec.sources.iter().map(|s| s.name.as_str()),
                            8
                        )
                        .join(", ")
                    ),
                };
                self.error(
                    eat("source"),
                    format!("there is no source named \"{}\"", evidence.source),
                    help,
                );
                continue;
            };
            match source.kind {
                SourceKind::Survey => {
                    if evidence.code.is_some() {
                        self.error(
                            eat("code"),
                            format!(
                                "\"{}\" is a survey: evidence from it names a question, not a code",
                                source.name
                            ),
                            "use question = \"...\" and answer = \"...\"",
                        );
                    }
                    let Some(qname) = &evidence.question else {
                        self.error(
                            eat("source"),
                            "survey evidence needs `question`".into(),
                            "add question = \"<name of one of the source's questions>\"",
                        );
                        continue;
                    };
                    let Some(question) = source.questions.iter().find(|q| &q.name == qname) else {
                        let help = match did_you_mean(qname, source.questions.iter().map(|q| q.name.as_str())) {
                            Some(best) => format!("did you mean \"{best}\"?"),
                            None => "name one of the source's questions (their `name`, not their column)".to_string(),
                        };
                        self.error(
                            eat("question"),
                            format!(
                                "source \"{}\" has no question named \"{qname}\"",
                                source.name
                            ),
                            help,
                        );
                        continue;
                    };
                    let Some(answer) = &evidence.answer else {
                        self.error(
                            eat("question"),
                            "survey evidence needs `answer`".into(),
                            "add answer = \"positive\", a level, or a list of levels",
                        );
                        continue;
                    };
                    let scale = question.scale.as_ref().and_then(|s| spec.scales.get(s));
                    if answer.is_positive() {
                        match scale {
                            Some(scale) if scale.positive.is_empty() => self.error(
                                eat("answer"),
                                format!("answer = \"positive\", but scale \"{}\" has no positive levels", question.scale.as_deref().unwrap_or_default()),
                                "add positive = [...] to the scale",
                            ),
                            Some(_) => {}
                            None => self.error(
                                eat("answer"),
                                format!("answer = \"positive\" needs a question with a scale, and \"{qname}\" has none"),
                                "list the answers that count instead: answer = [\"Yes\"]",
                            ),
                        }
                    } else if let Some(scale) = scale {
                        let levels: Vec<&str> = scale.levels.iter().map(String::as_str).collect();
                        for value in answer.values() {
                            let known = has_level(&levels, value)
                                || scale.aliases.keys().any(|a| a.eq_ignore_ascii_case(value));
                            if !known {
                                self.not_a_level(
                                    eat("answer"),
                                    question.scale.as_deref().unwrap_or_default(),
                                    value,
                                    &levels,
                                );
                            }
                        }
                    } else if !question.options.is_empty() {
                        let options: Vec<&str> =
                            question.options.iter().map(String::as_str).collect();
                        for value in answer.values() {
                            if !has_level(&options, value) {
                                let help = match did_you_mean(value, options.iter().copied()) {
                                    Some(best) => format!("did you mean \"{best}\"?"),
                                    None => format!("the options are: {}", options.join(", ")),
                                };
                                self.error(
                                    eat("answer"),
                                    format!("\"{value}\" is not an option of question \"{qname}\""),
                                    help,
                                );
                            }
                        }
                    }
                }
                SourceKind::Attendance | SourceKind::Sessions => {
                    self.error(
                        eat("source"),
                        format!(
                            "\"{}\" is a register: it feeds the half-yearly summary, not benefits",
                            source.name
                        ),
                        "name a survey or coding source",
                    );
                }
                SourceKind::Coding => {
                    if evidence.question.is_some() || evidence.answer.is_some() {
                        self.error(
                            eat("source"),
                            format!(
                                "\"{}\" is a coding source: evidence from it names a code",
                                source.name
                            ),
                            "use code = \"...\"",
                        );
                    }
                    match &evidence.code {
                        None => self.error(
                            eat("source"),
                            "coding evidence needs `code`".into(),
                            "add code = \"<code as written in the coding sheet>\"",
                        ),
                        Some(code)
                            if coding_layout(source) == LayoutName::Matrix
                                && !source.codes.iter().any(|c| c == code) =>
                        {
                            let help =
                                match did_you_mean(code, source.codes.iter().map(String::as_str)) {
                                    Some(best) => format!("did you mean \"{best}\"?"),
                                    None => "name one of the source's `codes`".to_string(),
                                };
                            self.error(
                                eat("code"),
                                format!(
                                    "\"{code}\" is not one of the codes of \"{}\"",
                                    source.name
                                ),
                                help,
                            );
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
}

impl Checker<'_> {
    fn reliability(&mut self, spec: &Spec, i: usize, scale: &super::ReliabilityScale) {
        let at = |key: &str| spec_path!["reliability", i, key];
        let what = format!("reliability scale {}", i + 1);
        self.required(
            at("name"),
            !scale.name.trim().is_empty(),
            &what,
            "name the scale, e.g. name = \"wellbeing\"",
        );
        let Some(source) = spec.source(&scale.source) else {
            let help =
                match did_you_mean(&scale.source, spec.sources.iter().map(|s| s.name.as_str())) {
                    Some(best) => format!("did you mean \"{best}\"?"),
                    None => "name the survey source whose questions make up the scale".to_string(),
                };
            self.error(
                at("source"),
                format!("there is no source named \"{}\"", scale.source),
                help,
            );
            return;
        };
        if scale.items.len() < 2 {
            self.error(
                at("items"),
                format!(
                    "reliability scale \"{}\" needs at least two items",
                    scale.name
                ),
                "list the question names that are summed",
            );
        }
        for (k, item) in scale.items.iter().enumerate() {
            match source.questions.iter().find(|q| &q.name == item) {
                None => {
                    let help = match did_you_mean(
                        item,
                        source.questions.iter().map(|q| q.name.as_str()),
                    ) {
                        Some(best) => format!("did you mean \"{best}\"?"),
                        None => "name questions of the source (their `name`)".to_string(),
                    };
                    self.error(
                        spec_path!["reliability", i, "items", k],
                        format!(
                            "source \"{}\" has no question named \"{item}\"",
                            source.name
                        ),
                        help,
                    );
                }
                Some(q)
                    if !matches!(
                        q.effective_kind(),
                        QuestionKind::Likert | QuestionKind::Number
                    ) =>
                {
                    self.error(spec_path!["reliability", i, "items", k], format!("item \"{item}\" is a {} question; a scale item must be likert or number", q.effective_kind().name()), "");
                }
                Some(_) => {}
            }
        }
        for (k, item) in scale.reverse.iter().enumerate() {
            if !scale.items.contains(item) {
                self.error(
                    spec_path!["reliability", i, "reverse", k],
                    format!("reverse-scored \"{item}\" is not one of the scale's items"),
                    "",
                );
            }
        }
    }
}

/// The layout a coding source is read with: `auto` becomes matrix when `codes` are listed.
pub fn coding_layout(source: &Source) -> LayoutName {
    match source.layout {
        LayoutName::Auto if !source.codes.is_empty() => LayoutName::Matrix,
        LayoutName::Auto => LayoutName::Long,
        other => other,
    }
}

fn has_level(levels: &[&str], value: &str) -> bool {
    levels
        .iter()
        .any(|l| l.trim().eq_ignore_ascii_case(value.trim()))
}

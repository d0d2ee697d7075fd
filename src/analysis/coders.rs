//! Inter-coder agreement for coding sources whose sheet names the coder and where some
//! interviews were coded twice.

use std::collections::{BTreeMap, BTreeSet};

use super::agreement::{per_code_agreement, CodingAgreement, CodingRecord};
use crate::model::Evaluation;
use crate::spec::{SourceKind, Spec};

/// A coding source's agreement between its first two coders.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceAgreement {
    pub source: String,
    pub agreement: CodingAgreement,
}

/// For each coding source with a coder column, the agreement of the first two coders (in
/// sheet order) on the interviewees both coded, over every code of the source.
pub fn coder_agreement(spec: &Spec, eval: &Evaluation) -> Vec<SourceAgreement> {
    let mut out = Vec::new();
    for data in eval.sources.iter().filter(|s| s.kind == SourceKind::Coding) {
        let records: Vec<CodingRecord> = data
            .codes
            .iter()
            .filter_map(CodingRecord::from_excerpt)
            .collect();
        let mut coders: Vec<&str> = Vec::new();
        let mut coded_by: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for r in &records {
            if !coders.contains(&r.coder.as_str()) {
                coders.push(&r.coder);
            }
            coded_by.entry(&r.coder).or_default().insert(&r.respondent);
        }
        let [first, second, ..] = coders[..] else {
            continue;
        };
        // Interviewees both coders coded, in roster order.
        let both: Vec<&str> = data
            .respondents
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| coded_by[first].contains(id) && coded_by[second].contains(id))
            .collect();
        let codes = super::codes::code_order(spec, data);
        if let Some(agreement) = per_code_agreement(&records, &both, (first, second), &codes) {
            out.push(SourceAgreement {
                source: data.name.clone(),
                agreement,
            });
        }
    }
    out
}

//! The entity layer's figures on coreference data, exactly as
//! `../shared/tools/score_entities.py` computes them from `classify --entities`
//! output:
//! - **GAP**: per example, the predicted entity holding a mention that overlaps the
//!   pronoun (the tightest); a candidate name is predicted coreferent when that
//!   entity also has a mention overlapping it. F1 over the candidates' true labels.
//! - **GUM**: every non-name mention of a gold person that has a proper name in the
//!   document (a mention whose tokens are all PROPN or PUNCT) is right when an
//!   overlapping predicted mention belongs to an entity whose name matches the gold
//!   entity's longest name (score.py's name rule). Accuracy over pronouns, and over
//!   the other mentions.

use super::{same_entity, PredDoc, PredEntity, PredSpan};
use crate::corpus::LabelledDocument;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// GAP's own measure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GapScores {
    pub examples: usize,
    pub missing: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Mentions of named persons resolved to the right name (GUM).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GumScores {
    pub documents: usize,
    pub missing: usize,
    /// Pronouns (he, him, his, she, her, they …) of named persons.
    pub pronoun_accuracy: f64,
    pub pronouns: usize,
    /// Descriptions and other non-name mentions of named persons.
    pub description_accuracy: f64,
    pub descriptions: usize,
}

/// The figures of the gold documents that carry coreference (`None` for others).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct EntityScores {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<GapScores>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gum: Option<GumScores>,
}

/// Whether a document carries coreference gold (GUM entities or a GAP pronoun).
pub fn has_coreference(d: &LabelledDocument) -> bool {
    d.pronoun.is_some() || d.entities.is_some()
}

fn ov(a: (usize, usize), b: &PredSpan) -> bool {
    let (s, e) = (b.start.max(0) as usize, b.end.max(0) as usize);
    a.1.min(e) > a.0.max(s)
}

/// The entity with the tightest mention overlapping `span` (the first of equals).
fn entity_of(p: &PredDoc, span: (usize, usize)) -> Option<&PredEntity> {
    let mut best: Option<(i64, &PredEntity)> = None;
    for e in &p.entities {
        for m in &e.mentions {
            if ov(span, m) {
                let w = m.end - m.start;
                if best.is_none_or(|(bw, _)| w < bw) {
                    best = Some((w, e));
                }
            }
        }
    }
    best.map(|x| x.1)
}

const PRONOUNS: &[&str] = &[
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
];

/// Scores the entity layers of the predictions `by_id` against the coreference gold
/// of `gold` (one document per id, as score_entities.py's `load` keeps them).
pub(super) fn score(
    gold: &[&LabelledDocument],
    by_id: &HashMap<String, &PredDoc>,
) -> Option<EntityScores> {
    let empty = PredDoc::default();
    let mut out = EntityScores::default();
    let docs = gold.iter().copied().filter(|d| has_coreference(d));
    let (mut tp, mut fp, mut fne, mut gap_n, mut gap_missing) = (0usize, 0, 0, 0, 0);
    let (mut n_pron, mut ok_pron, mut n_other, mut ok_other) = (0usize, 0, 0, 0);
    let (mut gum_n, mut gum_missing) = (0usize, 0);
    for d in docs {
        let p = match by_id
            .get(d.id.as_str())
            .copied()
            .filter(|p| p.error.is_none())
        {
            Some(p) => p,
            None => {
                if d.pronoun.is_some() {
                    gap_missing += 1;
                } else {
                    gum_missing += 1;
                }
                &empty
            }
        };
        if let (Some(pr), Some(cands)) = (&d.pronoun, &d.candidates) {
            gap_n += 1;
            let e = entity_of(p, (pr.start, pr.end));
            for c in cands {
                let guess = e.is_some_and(|e| e.mentions.iter().any(|m| ov((c.start, c.end), m)));
                match (guess, c.coref) {
                    (true, true) => tp += 1,
                    (true, false) => fp += 1,
                    (false, true) => fne += 1,
                    _ => {}
                }
            }
            continue;
        }
        let (Some(ents), Some(toks)) = (&d.entities, &d.tokens) else {
            continue;
        };
        gum_n += 1;
        let chars: Vec<char> = d.text.chars().collect();
        let text = |s: usize, e: usize| -> String {
            chars
                .get(s..e.min(chars.len()))
                .map_or_else(String::new, |c| c.iter().collect())
        };
        let upos_in = |s: usize, e: usize| -> Vec<&str> {
            toks.iter()
                .filter(|t| t.start >= s && t.end <= e)
                .map(|t| t.upos.as_str())
                .collect()
        };
        for e in ents.iter().filter(|e| e.kind == "person") {
            let is_name = |m: &crate::corpus::GoldSpan| {
                let u = upos_in(m.start, m.end);
                !u.is_empty() && u.iter().all(|x| matches!(*x, "PROPN" | "PUNCT"))
            };
            let names: Vec<&crate::corpus::GoldSpan> =
                e.mentions.iter().filter(|m| is_name(m)).collect();
            // Python's max(key=len): the first of the longest.
            let Some(name) = names.iter().map(|m| text(m.start, m.end)).fold(
                None::<String>,
                |best, t| match best {
                    Some(b) if b.chars().count() >= t.chars().count() => Some(b),
                    _ => Some(t),
                },
            ) else {
                continue;
            };
            for m in &e.mentions {
                if names.iter().any(|n| n.start == m.start && n.end == m.end) {
                    continue;
                }
                let surface = text(m.start, m.end).to_lowercase();
                let right = entity_of(p, (m.start, m.end))
                    .is_some_and(|pe| same_entity(Some(&name), Some(&pe.name)));
                if PRONOUNS.contains(&surface.as_str()) {
                    n_pron += 1;
                    ok_pron += usize::from(right);
                } else {
                    n_other += 1;
                    ok_other += usize::from(right);
                }
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    if gap_n > 0 {
        let (precision, recall) = (ratio(tp, tp + fp), ratio(tp, tp + fne));
        out.gap = Some(GapScores {
            examples: gap_n,
            missing: gap_missing,
            precision,
            recall,
            f1: super::f1(precision, recall),
        });
    }
    if gum_n > 0 {
        out.gum = Some(GumScores {
            documents: gum_n,
            missing: gum_missing,
            pronoun_accuracy: ratio(ok_pron, n_pron),
            pronouns: n_pron,
            description_accuracy: ratio(ok_other, n_other),
            descriptions: n_other,
        });
    }
    (out.gap.is_some() || out.gum.is_some()).then_some(out)
}

/// The text lines of the figures, as `score_entities.py` words its headline.
pub fn render(s: &EntityScores) -> String {
    let mut out = String::new();
    if let Some(g) = &s.gap {
        out += &format!(
            "gap: {} examples (missing {}); coreferent candidates P {:.3} R {:.3}\ngap F1 {:.3}\n",
            g.examples, g.missing, g.precision, g.recall, g.f1
        );
    }
    if let Some(g) = &s.gum {
        out += &format!(
            "gum: {} docs (missing {}); description mentions named right {:.3} (of {})\n\
             gum pronouns of named persons resolved to the right name {:.3} (of {})\n",
            g.documents,
            g.missing,
            g.description_accuracy,
            g.descriptions,
            g.pronoun_accuracy,
            g.pronouns
        );
    }
    out
}

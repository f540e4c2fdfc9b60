//! Evaluation: the figures of `../shared/tools/score.py` (DESIGN.md §5), so that
//! `newsroles eval` reports for users exactly what the reference scorer reports.
//!
//! Owns the lenient prediction shape [`PredDoc`] (any prediction JSONL line, error
//! lines included), the scorer [`score`], its result [`Scores`] (serialised with the
//! keys and nesting of `score.py --json`) and [`render_text`] (score.py's plain report,
//! line for line). Every helper is a port of the score.py function of the same name;
//! where Python semantics are subtle (truthiness, `max` keeping the first maximum,
//! Unicode `\w`), the port follows Python, and says so.

use crate::corpus::{GoldSpeaker, LabelledDocument};
use crate::document::{Analysis, Role, Speaker};
use crate::error::{Error, Result};
use rayon::prelude::*;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

pub mod entities;

/// Titles dropped before names are compared (score.py's `TITLES`).
const TITLES: &str = "mr mrs ms dr prof president minister ayatollah sheikh general gen sen \
                      senator rep gov governor king prince sir lord the";

/// A code-point offset as read from a prediction. Signed because predictions are not
/// validated: score.py accepts any integer, so a stray negative offset must not be a
/// parse error here either.
type Pos = i64;

/// A `[start, end)` span.
type Sp = (Pos, Pos);

/// One prediction line (DESIGN.md §4 output), read as leniently as score.py reads it.
///
/// Missing offsets are 0 (score.py's `.get("start", 0)`); a role is kept as a string
/// because an unknown one is scored as "missed", not rejected; extra fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PredDoc {
    /// `None` when the line has no `id`; [`read_predictions`] fills in the line number
    /// and [`score`] the 1-based position, as score.py keys such lines.
    #[serde(
        default,
        deserialize_with = "de::id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// Present (even as `null`) on an error line: the whole document counts as missed.
    #[serde(
        default,
        deserialize_with = "de::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub error: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub sentences: Vec<PredSentence>,
    /// `None` when the line has no `quotes` key: sentences predicted as quotes then
    /// stand for quotes.
    #[serde(
        default,
        deserialize_with = "de::present_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub quotes: Option<Vec<PredQuote>>,
    /// The entity layer (`classify --entities`), scored on coreference gold.
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub entities: Vec<PredEntity>,
}

/// A predicted entity: its name and mentions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PredEntity {
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub mentions: Vec<PredSpan>,
}

/// A predicted span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PredSpan {
    #[serde(default, deserialize_with = "de::pos")]
    pub start: Pos,
    #[serde(default, deserialize_with = "de::pos")]
    pub end: Pos,
}

/// A predicted sentence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PredSentence {
    #[serde(default, deserialize_with = "de::pos")]
    pub start: Pos,
    #[serde(default, deserialize_with = "de::pos")]
    pub end: Pos,
    /// Any string; only the four role names count as a prediction.
    #[serde(
        default,
        deserialize_with = "de::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub role: Option<String>,
    /// The reported probability of `role` (not read by score.py; `eval` uses it for
    /// the calibration table). Anything but a number is no confidence.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub confidence: Option<f64>,
    /// `None` also for `{}`, which Python treats as false.
    #[serde(
        default,
        deserialize_with = "de::speaker",
        skip_serializing_if = "Option::is_none"
    )]
    pub speaker: Option<PredSpeaker>,
}

/// A predicted quote span with its optional speaker.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PredQuote {
    #[serde(default, deserialize_with = "de::pos")]
    pub start: Pos,
    #[serde(default, deserialize_with = "de::pos")]
    pub end: Pos,
    #[serde(
        default,
        deserialize_with = "de::speaker",
        skip_serializing_if = "Option::is_none"
    )]
    pub speaker: Option<PredSpeaker>,
}

/// A predicted speaker: mention span, mention text and entity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PredSpeaker {
    #[serde(default, deserialize_with = "de::pos")]
    pub start: Pos,
    #[serde(default, deserialize_with = "de::pos")]
    pub end: Pos,
    #[serde(
        default,
        deserialize_with = "de::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub text: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub entity: Option<String>,
}

impl PredSpeaker {
    /// `entity or text`: an empty entity falls back to the mention, as in Python.
    fn name(&self) -> Option<&str> {
        self.entity
            .as_deref()
            .filter(|e| !e.is_empty())
            .or(self.text.as_deref())
    }

    fn span(&self) -> Sp {
        (self.start, self.end)
    }
}

impl From<&Speaker> for PredSpeaker {
    fn from(s: &Speaker) -> Self {
        PredSpeaker {
            start: pos(s.start),
            end: pos(s.end),
            text: Some(s.text.clone()),
            entity: Some(s.entity.clone()),
        }
    }
}

impl From<&Analysis> for PredDoc {
    fn from(a: &Analysis) -> Self {
        PredDoc {
            id: Some(a.id.clone()),
            error: None,
            sentences: a
                .sentences
                .iter()
                .map(|s| PredSentence {
                    start: pos(s.start),
                    end: pos(s.end),
                    role: Some(s.role.as_str().to_owned()),
                    confidence: Some(f64::from(s.confidence)),
                    speaker: s.speaker.as_ref().map(PredSpeaker::from),
                })
                .collect(),
            quotes: Some(
                a.quotes
                    .iter()
                    .map(|q| PredQuote {
                        start: pos(q.start),
                        end: pos(q.end),
                        speaker: q.speaker.as_ref().map(PredSpeaker::from),
                    })
                    .collect(),
            ),
            entities: a
                .entities
                .iter()
                .map(|e| PredEntity {
                    name: e.name.clone(),
                    mentions: e
                        .mentions
                        .iter()
                        .map(|m| PredSpan {
                            start: pos(m.start),
                            end: pos(m.end),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

impl PredDoc {
    /// An error line for `id`, as `classify` writes for a document it could not process.
    pub fn error(id: impl Into<String>, reason: impl Into<String>) -> Self {
        PredDoc {
            id: Some(id.into()),
            error: Some(reason.into()),
            ..PredDoc::default()
        }
    }
}

/// Parses one prediction JSONL line; `place` names it in errors ("pred.jsonl:17").
///
/// # Errors
/// [`Error::InvalidInput`] when the line is not a JSON object or a field has an
/// unusable type (an offset that is not an integer).
pub fn parse_prediction(line: &str, place: &str) -> Result<PredDoc> {
    serde_json::from_str(line).map_err(|e| Error::invalid(format!("{place}: {e}")))
}

/// Reads a prediction JSONL file like score.py's `load`: blank lines skipped, a line
/// without `id` keyed by its 1-based line number.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::InvalidInput`] naming
/// `file:line` for the first line that is not a prediction object.
pub fn read_predictions(path: &Path) -> Result<Vec<PredDoc>> {
    crate::corpus::read_jsonl(path, |line, place, n| {
        let mut d = parse_prediction(line, place)?;
        d.id.get_or_insert_with(|| n.to_string());
        Ok(d)
    })
}

/// One value per role, serialised as `{"quote": …, "claim": …, "event": …, "background": …}`
/// in score.py's key order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ByRole<T> {
    pub quote: T,
    pub claim: T,
    pub event: T,
    pub background: T,
}

impl<T> ByRole<T> {
    pub fn get(&self, r: Role) -> &T {
        match r {
            Role::Quote => &self.quote,
            Role::Claim => &self.claim,
            Role::Event => &self.event,
            Role::Background => &self.background,
        }
    }

    pub fn get_mut(&mut self, r: Role) -> &mut T {
        match r {
            Role::Quote => &mut self.quote,
            Role::Claim => &mut self.claim,
            Role::Event => &mut self.event,
            Role::Background => &mut self.background,
        }
    }
}

/// Precision, recall, F1 and support (gold count) of one role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// One gold row of the confusion matrix: counts per predicted role, plus `missed`
/// (no aligned predicted sentence, or one whose role is not one of the four).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfusionRow {
    pub quote: usize,
    pub claim: usize,
    pub event: usize,
    pub background: usize,
    pub missed: usize,
}

impl ConfusionRow {
    /// The count in column `pred` (`None` = missed).
    pub fn get(&self, pred: Option<Role>) -> usize {
        match pred {
            Some(Role::Quote) => self.quote,
            Some(Role::Claim) => self.claim,
            Some(Role::Event) => self.event,
            Some(Role::Background) => self.background,
            None => self.missed,
        }
    }

    /// Gold sentences of this role.
    pub fn total(&self) -> usize {
        self.quote + self.claim + self.event + self.background + self.missed
    }

    fn bump(&mut self, pred: Option<Role>) {
        let c = match pred {
            Some(Role::Quote) => &mut self.quote,
            Some(Role::Claim) => &mut self.claim,
            Some(Role::Event) => &mut self.event,
            Some(Role::Background) => &mut self.background,
            None => &mut self.missed,
        };
        *c += 1;
    }
}

/// The quote layer's figures (score.py's `score_quotes`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct QuoteScores {
    pub gold_quotes: usize,
    pub predicted_quotes: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Who-said-what: predicted quotes with a speaker whose best gold quote has it.
    pub attribution_precision: f64,
    /// Who-said-what: gold quotes with a speaker, found with the right speaker.
    pub attribution_recall: f64,
    pub attribution_f1: f64,
    pub speaker_mention_accuracy: Option<f64>,
    pub speaker_mention_quotes: usize,
    pub speaker_entity_accuracy: Option<f64>,
    pub speaker_entity_quotes: usize,
}

/// Everything score.py reports; serialises to the same JSON as `score.py --json`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Distinct gold document ids.
    pub documents: usize,
    /// Gold documents with no prediction or an error line.
    pub documents_missing: usize,
    /// Gold sentences with one of the four roles.
    pub sentences: usize,
    pub accuracy: f64,
    /// Mean F1 over the roles that occur in gold.
    pub macro_f1: f64,
    pub quote_f1: f64,
    /// Sentence layer: `None` when no gold quote sentence has a speaker.
    pub speaker_entity_accuracy: Option<f64>,
    pub speaker_mention_accuracy: Option<f64>,
    pub speaker_quotes: usize,
    pub per_role: ByRole<RoleScore>,
    /// Gold role (row) → predicted role (column).
    pub confusion: ByRole<ConfusionRow>,
    /// `None` when no gold document has a quote layer.
    pub quotes: Option<QuoteScores>,
    /// The entity layer on coreference gold (GAP, GUM), as score_entities.py
    /// computes it; `None` (and left out of JSON) when no document has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<entities::EntityScores>,
}

/// Scores predictions against gold, exactly as score.py does.
///
/// Documents are matched by id. As in score.py's dict-based `load`, a later document
/// with an id already seen replaces the earlier one (in gold and in predictions), so
/// `documents` counts distinct ids; a prediction with `id: None` is keyed by its
/// 1-based position in `pred` (its line number when the file has no blank lines).
/// Predictions for ids not in gold are ignored.
pub fn score(gold: &[LabelledDocument], pred: &[PredDoc]) -> Scores {
    let gold = distinct_gold(gold);
    let by_id = predictions_by_id(pred);
    // score.py's `pred.get(doc_id)`, with an error line treated like no line.
    let usable = |id: &str| by_id.get(id).copied().filter(|p| p.error.is_none());

    let mut conf: ByRole<ConfusionRow> = ByRole::default();
    let (mut spk_total, mut spk_entity, mut spk_mention) = (0usize, 0usize, 0usize);
    let mut docs_missing = 0;
    for gd in &gold {
        let psents: &[PredSentence] = match usable(&gd.id) {
            Some(p) => &p.sentences,
            None => {
                docs_missing += 1;
                &[]
            }
        };
        for (role, g, p) in aligned_sentences(gd, psents) {
            let predicted = p.and_then(|p| p.role.as_deref()).and_then(Role::parse);
            conf.get_mut(role).bump(predicted);
            let (Role::Quote, Some(gs)) = (role, &g.speaker) else {
                continue;
            };
            spk_total += 1;
            let Some(ps) = p.and_then(|p| p.speaker.as_ref()) else {
                continue;
            };
            if same_entity(gold_name(gs), ps.name()) {
                spk_entity += 1;
            }
            if overlap(gold_span(gs), ps.span()) > 0 {
                spk_mention += 1;
            }
        }
    }

    let mut per_role: ByRole<RoleScore> = ByRole::default();
    for r in Role::ALL {
        let tp = conf.get(r).get(Some(r));
        let fp: usize = Role::ALL
            .iter()
            .filter(|&&g| g != r)
            .map(|&g| conf.get(g).get(Some(r)))
            .sum();
        let fn_ = conf.get(r).total() - tp;
        let precision = ratio_or_zero(tp, tp + fp);
        let recall = ratio_or_zero(tp, tp + fn_);
        *per_role.get_mut(r) = RoleScore {
            precision,
            recall,
            f1: f1(precision, recall),
            support: tp + fn_,
        };
    }
    let total: usize = Role::ALL.iter().map(|&r| conf.get(r).total()).sum();
    let correct: usize = Role::ALL.iter().map(|&r| conf.get(r).get(Some(r))).sum();
    let present: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|&r| per_role.get(r).support > 0)
        .collect();
    // Summed in role order from 0, like Python's `sum`, so the float is bit-identical.
    let macro_f1 = if present.is_empty() {
        0.0
    } else {
        present.iter().fold(0.0, |acc, &r| acc + per_role.get(r).f1) / present.len() as f64
    };

    Scores {
        documents: gold.len(),
        documents_missing: docs_missing,
        sentences: total,
        accuracy: ratio_or_zero(correct, total),
        macro_f1,
        quote_f1: per_role.quote.f1,
        speaker_entity_accuracy: ratio(spk_entity, spk_total),
        speaker_mention_accuracy: ratio(spk_mention, spk_total),
        speaker_quotes: spk_total,
        per_role,
        confusion: conf,
        quotes: score_quotes(&gold, &by_id),
        entities: entities::score(&gold, &by_id),
    }
}

/// Each gold sentence with a role, and the predicted sentence aligned to it (score.py's
/// `align`: the first with the largest overlap, covering at least half).
fn aligned_sentences<'g, 'p>(
    gd: &'g LabelledDocument,
    psents: &'p [PredSentence],
) -> Vec<(
    Role,
    &'g crate::corpus::GoldSentence,
    Option<&'p PredSentence>,
)> {
    let gsents: Vec<(Role, &crate::corpus::GoldSentence)> = gd
        .sentences
        .iter()
        .flatten()
        .filter_map(|g| g.role.map(|r| (r, g)))
        .collect();
    let gspans: Vec<Sp> = gsents
        .iter()
        .map(|(_, g)| (pos(g.start), pos(g.end)))
        .collect();
    let pspans: Vec<Sp> = psents.iter().map(|p| (p.start, p.end)).collect();
    gsents
        .into_iter()
        .zip(align(&gspans, &pspans))
        .map(|((r, g), best)| (r, g, best.and_then(|i| psents.get(i))))
        .collect()
}

/// Gold documents with distinct ids, a later duplicate replacing an earlier one in
/// the earlier one's place (Python dict assignment).
fn distinct_gold(gold: &[LabelledDocument]) -> Vec<&LabelledDocument> {
    let mut slot: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<&LabelledDocument> = Vec::new();
    for d in gold {
        match slot.get(d.id.as_str()) {
            Some(&i) => out[i] = d,
            None => {
                slot.insert(&d.id, out.len());
                out.push(d);
            }
        }
    }
    out
}

/// A predicted quote: its span and speaker, from `quotes` or a quote sentence.
struct PQ<'a> {
    span: Sp,
    speaker: Option<&'a PredSpeaker>,
}

/// score.py's `pred_quotes`: the document's `quotes`, or else its quote sentences.
fn pred_quotes(pd: Option<&PredDoc>) -> Vec<PQ<'_>> {
    let Some(pd) = pd.filter(|p| p.error.is_none()) else {
        return Vec::new();
    };
    match &pd.quotes {
        Some(qs) => qs
            .iter()
            .map(|q| PQ {
                span: (q.start, q.end),
                speaker: q.speaker.as_ref(),
            })
            .collect(),
        None => pd
            .sentences
            .iter()
            .filter(|s| s.role.as_deref() == Some("quote"))
            .map(|s| PQ {
                span: (s.start, s.end),
                speaker: s.speaker.as_ref(),
            })
            .collect(),
    }
}

/// score.py's `score_quotes`; `None` when no gold document has a `quotes` layer.
fn score_quotes(
    gold: &[&LabelledDocument],
    pred: &HashMap<String, &PredDoc>,
) -> Option<QuoteScores> {
    let (mut found, mut total, mut pred_total, mut pred_right) = (0usize, 0usize, 0usize, 0usize);
    let (mut mention_n, mut mention_ok, mut entity_n, mut entity_ok) =
        (0usize, 0usize, 0usize, 0usize);
    let (mut attr_gold, mut attr_gold_ok, mut attr_pred, mut attr_pred_ok) =
        (0usize, 0usize, 0usize, 0usize);
    for gd in gold {
        let Some(gquotes) = &gd.quotes else { continue };
        let pqs = pred_quotes(pred.get(&gd.id).copied());
        pred_total += pqs.len();
        for p in &pqs {
            let hits: Vec<_> = gquotes
                .iter()
                .map(|g| (overlap(p.span, (pos(g.start), pos(g.end))), g))
                .filter(|(ov, _)| *ov > 0)
                .collect();
            if !hits.is_empty() {
                pred_right += 1;
            }
            if let Some(ps) = p.speaker {
                attr_pred += 1;
                let best = first_max_by_key(&hits, |h| h.0).and_then(|(_, g)| g.speaker.as_ref());
                if best.is_some_and(|gs| speaker_matches(gs, Some(ps))) {
                    attr_pred_ok += 1;
                }
            }
        }
        for g in gquotes {
            total += 1;
            let gs = (pos(g.start), pos(g.end));
            let mut hits: Vec<(Pos, &PQ)> = pqs
                .iter()
                .map(|p| (overlap(gs, p.span), p))
                .filter(|(ov, _)| *ov > 0)
                .collect();
            let parts: Vec<Sp> = hits.iter().map(|(_, p)| p.span).collect();
            if covered_length(gs, &parts).saturating_mul(2) < span_len(gs) {
                hits.clear();
            } else {
                found += 1;
            }
            let Some(spk) = &g.speaker else { continue };
            attr_gold += 1;
            let ps = first_max_by_key(&hits, |h| h.0).and_then(|(_, p)| p.speaker);
            if speaker_matches(spk, ps) {
                attr_gold_ok += 1;
            }
            // score.py tests `spk.get("start") is not None`; a parsed GoldSpeaker always has one.
            mention_n += 1;
            if ps.is_some_and(|ps| overlap(gold_span(spk), ps.span()) > 0) {
                mention_ok += 1;
            }
            if let Some(entity) = spk.entity.as_deref().filter(|e| !e.is_empty()) {
                entity_n += 1;
                if ps.is_some_and(|ps| same_entity(Some(entity), ps.name())) {
                    entity_ok += 1;
                }
            }
        }
    }
    if total == 0 {
        return None;
    }
    let precision = ratio_or_zero(pred_right, pred_total);
    let recall = ratio_or_zero(found, total);
    let a_prec = ratio_or_zero(attr_pred_ok, attr_pred);
    let a_rec = ratio_or_zero(attr_gold_ok, attr_gold);
    Some(QuoteScores {
        gold_quotes: total,
        predicted_quotes: pred_total,
        precision,
        recall,
        f1: f1(precision, recall),
        attribution_precision: a_prec,
        attribution_recall: a_rec,
        attribution_f1: f1(a_prec, a_rec),
        speaker_mention_accuracy: ratio(mention_ok, mention_n),
        speaker_mention_quotes: mention_n,
        speaker_entity_accuracy: ratio(entity_ok, entity_n),
        speaker_entity_quotes: entity_n,
    })
}

/// score.py's `speaker_matches`: by entity where the gold names one, else by mention
/// overlap.
fn speaker_matches(gold: &GoldSpeaker, pred: Option<&PredSpeaker>) -> bool {
    let Some(p) = pred else { return false };
    match gold.entity.as_deref().filter(|e| !e.is_empty()) {
        Some(entity) => same_entity(Some(entity), p.name()),
        None => overlap(gold_span(gold), p.span()) > 0,
    }
}

/// `entity or text` of a gold speaker.
fn gold_name(s: &GoldSpeaker) -> Option<&str> {
    s.entity
        .as_deref()
        .filter(|e| !e.is_empty())
        .or(Some(s.text.as_str()))
}

fn gold_span(s: &GoldSpeaker) -> Sp {
    (pos(s.start), pos(s.end))
}

/// Gold offsets are bounded by a text length, so the saturation never bites.
fn pos(x: usize) -> Pos {
    Pos::try_from(x).unwrap_or(Pos::MAX)
}

/// `max(1, end - start)`.
fn span_len(s: Sp) -> Pos {
    s.1.saturating_sub(s.0).max(1)
}

/// The first element with the largest key, like Python's `max` (Rust's `max_by_key`
/// returns the last one, which would change who a tied quote is attributed to).
fn first_max_by_key<T>(items: &[T], key: impl Fn(&T) -> Pos) -> Option<&T> {
    let mut best: Option<(&T, Pos)> = None;
    for it in items {
        let k = key(it);
        if best.is_none_or(|(_, bk)| k > bk) {
            best = Some((it, k));
        }
    }
    best.map(|(it, _)| it)
}

/// Lowercased name tokens without titles, a trailing "'s" stripped (score.py's
/// `name_tokens`).
///
/// Python's `\w` is "alphanumeric or underscore": letters and numbers only. Rust's `\w`
/// also takes combining marks and connector punctuation, so the class is spelled out
/// as `\p{L}\p{N}_` to split "José" (decomposed) and "İ" as Python does.
fn name_tokens(name: Option<&str>) -> Vec<String> {
    static TOKEN: OnceLock<Regex> = OnceLock::new();
    let re = TOKEN.get_or_init(|| Regex::new(r"[\p{L}\p{N}_'-]+").expect("constant pattern"));
    let lower = name.unwrap_or("").to_lowercase();
    re.find_iter(&lower)
        .map(|m| m.as_str())
        .filter(|t| !TITLES.split_whitespace().any(|title| title == *t))
        .map(|t| t.strip_suffix("'s").unwrap_or(t).to_owned())
        .collect()
}

/// Same name, or same last name, after [`name_tokens`]; an empty name matches nothing.
fn same_entity(gold: Option<&str>, pred: Option<&str>) -> bool {
    let (g, p) = (name_tokens(gold), name_tokens(pred));
    match (g.last(), p.last()) {
        (Some(gl), Some(pl)) => g == p || gl == pl,
        _ => false,
    }
}

/// Code points shared by two spans.
fn overlap(a: Sp, b: Sp) -> Pos {
    a.1.min(b.1).saturating_sub(a.0.max(b.0)).max(0)
}

/// For each gold span, the index of the first predicted span with the strictly largest
/// overlap, if that overlap covers at least half of the gold span.
fn align(gold: &[Sp], pred: &[Sp]) -> Vec<Option<usize>> {
    gold.iter()
        .map(|&g| {
            let (mut best, mut best_ov) = (None, 0);
            for (i, &p) in pred.iter().enumerate() {
                let ov = overlap(g, p);
                if ov > best_ov {
                    (best, best_ov) = (Some(i), ov);
                }
            }
            best.filter(|_| best_ov.saturating_mul(2) >= span_len(g))
        })
        .collect()
}

/// Length of `span` covered by the union of `parts`.
fn covered_length(span: Sp, parts: &[Sp]) -> Pos {
    let mut pts: Vec<Sp> = parts
        .iter()
        .map(|&(a, b)| (span.0.max(a), span.1.min(b)))
        .collect();
    pts.sort_unstable();
    let (mut total, mut end) = (0, span.0);
    for (a, b) in pts {
        let a = a.max(end);
        if b > a {
            total += b - a;
            end = b;
        }
    }
    total
}

/// Harmonic mean of precision and recall (0 when both are 0).
pub fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// `n / d`, or `None` when `d` is 0 (score.py's `… if d else None`).
fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

fn ratio_or_zero(n: usize, d: usize) -> f64 {
    ratio(n, d).unwrap_or(0.0)
}

/// score.py's plain-text report, line for line (each line ends in `\n`).
pub fn render_text(s: &Scores) -> String {
    let mut out = vec![format!(
        "documents {} (missing {}), sentences {}",
        s.documents, s.documents_missing, s.sentences
    )];
    if let Some(q) = &s.quotes {
        out.push(format!(
            "quotes: gold {}, predicted {}, precision {:.3} recall {:.3} F1 {:.3}",
            q.gold_quotes, q.predicted_quotes, q.precision, q.recall, q.f1
        ));
        out.push(format!(
            "  who-said-what: precision {:.3} recall {:.3} F1 {:.3}",
            q.attribution_precision, q.attribution_recall, q.attribution_f1
        ));
        if let Some(m) = q.speaker_mention_accuracy {
            out.push(format!(
                "  speaker mention {m:.3} (on {})",
                q.speaker_mention_quotes
            ));
        }
        if let Some(e) = q.speaker_entity_accuracy {
            out.push(format!(
                "  speaker entity {e:.3} (on {})",
                q.speaker_entity_quotes
            ));
        }
    }
    if s.sentences > 0 {
        out.push(format!(
            "{:<11}{:>7}{:>7}{:>7}{:>7}",
            "role", "prec", "rec", "f1", "n"
        ));
        for r in Role::ALL {
            let p = s.per_role.get(r);
            out.push(format!(
                "{:<11}{:>7.3}{:>7.3}{:>7.3}{:>7}",
                r.as_str(),
                p.precision,
                p.recall,
                p.f1,
                p.support
            ));
        }
        out.push("confusion (gold row → predicted column):".to_owned());
        let columns = [
            Some(Role::Quote),
            Some(Role::Claim),
            Some(Role::Event),
            Some(Role::Background),
            None,
        ];
        // Column heads are cut to 7 characters ("backgro"), as score.py's `c[:7]`.
        let head: String = columns
            .iter()
            .map(|c| {
                format!(
                    "{:>8}",
                    c.map_or("missed", Role::as_str)
                        .chars()
                        .take(7)
                        .collect::<String>()
                )
            })
            .collect();
        out.push(format!("{:11}{head}", ""));
        for g in Role::ALL {
            let row = s.confusion.get(g);
            let cells: String = columns
                .iter()
                .map(|&c| format!("{:>8}", row.get(c)))
                .collect();
            out.push(format!("{:<11}{cells}", g.as_str()));
        }
        out.push(format!(
            "accuracy {:.3}  macro-F1 {:.3}  quote-F1 {:.3}",
            s.accuracy, s.macro_f1, s.quote_f1
        ));
        // Both are set together by `score`; score.py would fail on a lone one.
        if let (Some(spk), Some(men)) = (s.speaker_entity_accuracy, s.speaker_mention_accuracy) {
            out.push(format!(
                "speaker entity {spk:.3}  speaker mention {men:.3}  (on {} gold quotes with a speaker)",
                s.speaker_quotes
            ));
        }
    }
    let mut text: String = out.into_iter().map(|l| l + "\n").collect();
    if let Some(e) = &s.entities {
        text += &entities::render(e);
    }
    text
}

/// A gold quote's type for the error table ([`quote_type_errors`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuoteType {
    /// The gold span is enclosed by quotation marks (at its edges or just outside).
    Direct,
    /// Neither direct nor "according to": reported speech, mixed quotes, headlines.
    Reported,
    /// The gold cue is "according to …".
    AccordingTo,
    /// The gold speaker mention is a personal pronoun (any of the types above).
    PronounSpeaker,
}

impl QuoteType {
    pub const ALL: [QuoteType; 4] = [
        QuoteType::Direct,
        QuoteType::Reported,
        QuoteType::AccordingTo,
        QuoteType::PronounSpeaker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuoteType::Direct => "direct",
            QuoteType::Reported => "reported",
            QuoteType::AccordingTo => "according-to",
            QuoteType::PronounSpeaker => "pronoun speaker",
        }
    }
}

/// Outcome counts of the gold quotes of one [`QuoteType`], with score.py's matching:
/// found = predicted spans cover at least half; the speaker is the one of the
/// predicted quote overlapping most; right = `speaker_matches` (who-said-what).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteTypeRow {
    pub gold: usize,
    /// Not found (less than half covered).
    pub missed: usize,
    /// Found, gold has a speaker, prediction has none.
    pub no_speaker: usize,
    /// Found with a speaker that does not match the gold one.
    pub wrong_speaker: usize,
    /// Found with the right speaker (counts toward who-said-what recall).
    pub right: usize,
    /// Found; the gold quote has no speaker to check.
    pub found_unscored: usize,
    /// Gold quotes with a speaker whose predicted mention overlaps the gold mention.
    pub mention_right: usize,
    /// Gold quotes with a speaker (the denominator of mention accuracy).
    pub with_speaker: usize,
}

impl QuoteTypeRow {
    /// Share of the type's gold quotes that were found.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.gold - self.missed, self.gold)
    }

    /// score.py's speaker mention accuracy restricted to the type.
    pub fn mention_accuracy(&self) -> Option<f64> {
        ratio(self.mention_right, self.with_speaker)
    }
}

/// The error table: one row per [`QuoteType`] (in [`QuoteType::ALL`] order; the
/// pronoun row overlaps the others) and the total over all gold quotes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteTypeTable {
    pub rows: Vec<(QuoteType, QuoteTypeRow)>,
    pub all: QuoteTypeRow,
}

/// Personal pronouns: a gold speaker mention that is one of them is a pronoun speaker.
const PRONOUNS: &[&str] = &[
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "me", "his", "its",
    "their", "our", "my", "your",
];

/// Quotation marks (straight and typographic) that make a gold span direct.
fn is_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}' | '\u{2018}' | '\u{2019}'
    )
}

/// The types of one gold quote: `Direct`, `AccordingTo` or `Reported`, plus
/// `PronounSpeaker` when its speaker mention is a pronoun. `chars` is the text.
pub fn quote_types(chars: &[char], q: &crate::corpus::GoldQuote) -> Vec<QuoteType> {
    let (s, e) = (q.start.min(chars.len()), q.end.min(chars.len()));
    // A mark at the span's edge, or within two characters outside it ('"…," he said').
    let opened = chars.get(s).copied().is_some_and(is_mark)
        || chars[s.saturating_sub(2)..s].iter().copied().any(is_mark);
    let closed = e > s && chars[e - 1..e].iter().copied().any(is_mark)
        || chars[e..(e + 2).min(chars.len())]
            .iter()
            .copied()
            .any(is_mark)
        || e >= s + 2 && is_mark(chars[e - 2]) && matches!(chars[e - 1], ',' | '.');
    let according = q
        .cue
        .as_ref()
        .is_some_and(|c| c.text.trim().to_lowercase().starts_with("according"));
    // Single marks count only on both sides of a longer span: apostrophes are common.
    let mut out = vec![if opened && closed && e > s {
        QuoteType::Direct
    } else if according {
        QuoteType::AccordingTo
    } else {
        QuoteType::Reported
    }];
    if q.speaker
        .as_ref()
        .is_some_and(|sp| PRONOUNS.contains(&sp.text.trim().to_lowercase().as_str()))
    {
        out.push(QuoteType::PronounSpeaker);
    }
    out
}

/// The error table by quote type of `pred` against `gold`, matched as [`score`] does.
pub fn quote_type_errors(gold: &[LabelledDocument], pred: &[PredDoc]) -> QuoteTypeTable {
    let gold = distinct_gold(gold);
    let by_id = predictions_by_id(pred);
    let mut rows: Vec<(QuoteType, QuoteTypeRow)> = QuoteType::ALL
        .iter()
        .map(|&t| (t, QuoteTypeRow::default()))
        .collect();
    let mut all = QuoteTypeRow::default();
    for gd in gold {
        let Some(gquotes) = &gd.quotes else { continue };
        let chars: Vec<char> = gd.text.chars().collect();
        let pqs = pred_quotes(by_id.get(&gd.id).copied());
        for g in gquotes {
            let gs = (pos(g.start), pos(g.end));
            let hits: Vec<(Pos, &PQ)> = pqs
                .iter()
                .map(|p| (overlap(gs, p.span), p))
                .filter(|(ov, _)| *ov > 0)
                .collect();
            let parts: Vec<Sp> = hits.iter().map(|(_, p)| p.span).collect();
            let found = covered_length(gs, &parts).saturating_mul(2) >= span_len(gs);
            let ps = if found {
                first_max_by_key(&hits, |h| h.0).and_then(|(_, p)| p.speaker)
            } else {
                None
            };
            let bump = |r: &mut QuoteTypeRow| {
                r.gold += 1;
                if let Some(spk) = &g.speaker {
                    r.with_speaker += 1;
                    if ps.is_some_and(|ps| overlap(gold_span(spk), ps.span()) > 0) {
                        r.mention_right += 1;
                    }
                }
                match (&g.speaker, found) {
                    (_, false) => r.missed += 1,
                    (None, true) => r.found_unscored += 1,
                    (Some(_), true) if ps.is_none() => r.no_speaker += 1,
                    (Some(spk), true) if speaker_matches(spk, ps) => r.right += 1,
                    (Some(_), true) => r.wrong_speaker += 1,
                }
            };
            bump(&mut all);
            for t in quote_types(&chars, g) {
                if let Some((_, r)) = rows.iter_mut().find(|(x, _)| *x == t) {
                    bump(r);
                }
            }
        }
    }
    QuoteTypeTable { rows, all }
}

/// The error table as plain text, one line per type and a total line.
pub fn render_quote_types(t: &QuoteTypeTable) -> String {
    let pct = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), |x| format!("{x:.3}"));
    let mut out = format!(
        "quote errors by type (gold quotes; pronoun speaker overlaps the others):\n\
         {:<17}{:>7}{:>8}{:>8}{:>8}{:>8}{:>8}{:>8}{:>9}\n",
        "type", "gold", "missed", "no-spk", "wrong", "right", "unscor", "recall", "mention"
    );
    let all = [(None, &t.all)];
    for (name, r) in t
        .rows
        .iter()
        .map(|(q, r)| (Some(*q), r))
        .chain(all.iter().map(|(q, r)| (*q, *r)))
    {
        out.push_str(&format!(
            "{:<17}{:>7}{:>8}{:>8}{:>8}{:>8}{:>8}{:>8}{:>9}\n",
            name.map_or("all", QuoteType::as_str),
            r.gold,
            r.missed,
            r.no_speaker,
            r.wrong_speaker,
            r.right,
            r.found_unscored,
            pct(r.recall()),
            pct(r.mention_accuracy()),
        ));
    }
    out
}

/// One confidence bin of a [`Calibration`] table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// Aligned gold sentences whose predicted confidence falls in the bin.
    pub sentences: usize,
    pub mean_confidence: f64,
    /// Share of them whose predicted role is the gold role.
    pub accuracy: f64,
}

/// How far the reported role confidences are from the observed accuracy.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Calibration {
    /// Equal-width bins over [0, 1].
    pub bins: Vec<CalibrationBin>,
    /// Expected calibration error: the sentence-weighted mean |confidence − accuracy|.
    pub ece: f64,
    /// Gold sentences aligned to a predicted sentence with a role and a confidence.
    pub sentences: usize,
}

/// The calibration of the predicted role confidences over `bins` equal-width bins,
/// on gold sentences aligned as [`score`] aligns them; `None` when no aligned
/// prediction carries a role and a confidence.
pub fn calibration(
    gold: &[LabelledDocument],
    pred: &[PredDoc],
    bins: usize,
) -> Option<Calibration> {
    let by_id = predictions_by_id(pred);
    let mut pairs = Vec::new();
    for gd in distinct_gold(gold) {
        let Some(pd) = by_id.get(&gd.id).filter(|p| p.error.is_none()) else {
            continue;
        };
        for (role, _, p) in aligned_sentences(gd, &pd.sentences) {
            let Some(p) = p else { continue };
            if let (Some(pr), Some(c)) = (p.role.as_deref().and_then(Role::parse), p.confidence) {
                pairs.push((c, pr == role));
            }
        }
    }
    calibration_of(pairs, bins)
}

/// The calibration of `(confidence, right)` pairs over `bins` equal-width bins
/// (confidences clamped to [0, 1]); `None` for no pairs. Also the ECE of the decoder
/// tuning (`model::tune::ece`).
pub fn calibration_of(
    pairs: impl IntoIterator<Item = (f64, bool)>,
    bins: usize,
) -> Option<Calibration> {
    let bins = bins.max(1);
    // (sentences, summed confidence, right) per bin.
    let mut acc = vec![(0usize, 0.0f64, 0usize); bins];
    for (c, right) in pairs {
        let c = c.clamp(0.0, 1.0);
        let b = ((c * bins as f64) as usize).min(bins - 1);
        acc[b].0 += 1;
        acc[b].1 += c;
        acc[b].2 += usize::from(right);
    }
    let n: usize = acc.iter().map(|a| a.0).sum();
    if n == 0 {
        return None;
    }
    let ece = acc
        .iter()
        .map(|&(_, c, right)| (c - right as f64).abs())
        .sum::<f64>()
        / n as f64;
    let bins = acc
        .iter()
        .map(|&(k, c, right)| CalibrationBin {
            sentences: k,
            mean_confidence: if k == 0 { 0.0 } else { c / k as f64 },
            accuracy: ratio_or_zero(right, k),
        })
        .collect();
    Some(Calibration {
        bins,
        ece,
        sentences: n,
    })
}

/// The calibration table as plain text: one line per non-empty bin and the ECE.
pub fn render_calibration(c: &Calibration) -> String {
    let mut out = format!(
        "role confidence calibration ({} aligned sentences):\n{:<13}{:>7}{:>11}{:>10}\n",
        c.sentences, "confidence", "n", "mean conf", "accuracy"
    );
    let w = 1.0 / c.bins.len() as f64;
    for (i, b) in c.bins.iter().enumerate().filter(|(_, b)| b.sentences > 0) {
        out.push_str(&format!(
            "{:<13}{:>7}{:>11.3}{:>10.3}\n",
            format!("{:.1}–{:.1}", i as f64 * w, (i + 1) as f64 * w),
            b.sentences,
            b.mean_confidence,
            b.accuracy
        ));
    }
    out.push_str(&format!("ECE {:.3} ({} bins)\n", c.ece, c.bins.len()));
    out
}

/// Predictions keyed as [`score`] keys them: by id, else by 1-based position; a later
/// line with the same id replaces an earlier one.
fn predictions_by_id(pred: &[PredDoc]) -> HashMap<String, &PredDoc> {
    let mut by_id: HashMap<String, &PredDoc> = HashMap::new();
    for (i, p) in pred.iter().enumerate() {
        by_id.insert(p.id.clone().unwrap_or_else(|| (i + 1).to_string()), p);
    }
    by_id
}

/// Runs the pipeline over labelled documents' raw text (on all cores), one result
/// per document in order, with every attribution (all types): the broad view that
/// PolNeAR's guideline annotates, and what the model card's figures score.
pub fn analyze_all(
    pipeline: &crate::Pipeline,
    docs: &[LabelledDocument],
) -> Vec<crate::Result<Analysis>> {
    analyze_all_with(pipeline, docs, true)
}

/// [`analyze_all`], with only the reported speech when `!include_attributions` (the
/// view `classify` gives by default), and the entity layer where there is
/// coreference gold to score it on.
pub fn analyze_all_with(
    pipeline: &crate::Pipeline,
    docs: &[LabelledDocument],
    include_attributions: bool,
) -> Vec<crate::Result<Analysis>> {
    let opts = crate::pipeline::AnalyzeOptions {
        include_text: true,
        include_attributions,
        include_entities: docs.iter().any(entities::has_coreference),
    };
    docs.par_iter()
        .map(|d| {
            pipeline.analyze_opts(
                &crate::Document {
                    id: d.id.clone(),
                    text: d.text.clone(),
                },
                opts,
            )
        })
        .collect()
}

/// The predictions of [`analyze_all`]'s results: an error line where analysis failed.
pub fn predictions_of(
    docs: &[LabelledDocument],
    results: &[crate::Result<Analysis>],
) -> Vec<PredDoc> {
    docs.iter()
        .zip(results)
        .map(|(d, r)| match r {
            Ok(a) => PredDoc::from(a),
            Err(e) => PredDoc::error(&d.id, e.to_string()),
        })
        .collect()
}

/// Runs the pipeline over labelled documents' raw text; one prediction per document,
/// an error line where analysis fails.
pub fn predict(pipeline: &crate::Pipeline, docs: &[LabelledDocument]) -> Vec<PredDoc> {
    predictions_of(docs, &analyze_all(pipeline, docs))
}

/// Everything `newsroles eval` reports, from one run of the pipeline.
#[derive(Debug, Clone)]
pub struct Detailed {
    pub scores: Scores,
    pub quote_types: QuoteTypeTable,
    /// 10 bins; `None` when no gold sentence has a role.
    pub calibration: Option<Calibration>,
}

/// [`evaluate`] plus the error table by quote type and the confidence calibration.
pub fn evaluate_detailed(pipeline: &crate::Pipeline, docs: &[LabelledDocument]) -> Detailed {
    detailed(docs, &predict(pipeline, docs))
}

/// [`evaluate_detailed`] of predictions already made.
pub fn detailed(docs: &[LabelledDocument], preds: &[PredDoc]) -> Detailed {
    Detailed {
        scores: score(docs, preds),
        quote_types: quote_type_errors(docs, preds),
        calibration: calibration(docs, preds, 10),
    }
}

/// Lenient field readers mirroring how score.py tolerates loose prediction JSON.
mod de {
    use super::{Pos, PredSpeaker};
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    /// Python's `str(d.get("id"))`: numbers as written, `null` as "None".
    pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Some(match Value::deserialize(d)? {
            Value::String(s) => s,
            Value::Null => "None".to_owned(),
            Value::Bool(b) => if b { "True" } else { "False" }.to_owned(),
            other => other.to_string(),
        }))
    }

    /// Any value, `null` included, marks the key as present (score.py tests `"error" in pd`).
    pub fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Some(match Value::deserialize(d)? {
            Value::String(s) => s,
            other => other.to_string(),
        }))
    }

    /// A list, with `null` read as empty.
    pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }

    /// A list whose key is present: `null` is an empty list, not an absent key.
    pub fn present_list<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        list(d).map(Some)
    }

    /// An integer offset; `null` is 0.
    pub fn pos<'de, D: Deserializer<'de>>(d: D) -> Result<Pos, D::Error> {
        Ok(Option::<Pos>::deserialize(d)?.unwrap_or(0))
    }

    /// A string, or `None` for anything else (an unknown role is "missed", not an error).
    pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) => Some(s),
            _ => None,
        })
    }

    /// A finite number; anything else (a string, `null`, a missing field) is `None`.
    pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Number(n) => n.as_f64().filter(|x| x.is_finite()),
            _ => None,
        })
    }

    /// A speaker object; `null` and `{}` are no speaker, as both are false in Python.
    pub fn speaker<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PredSpeaker>, D::Error> {
        match Value::deserialize(d)? {
            Value::Object(m) if m.is_empty() => Ok(None),
            Value::Null => Ok(None),
            v => serde_json::from_value(v)
                .map(Some)
                .map_err(D::Error::custom),
        }
    }
}

/// Runs the pipeline over labelled documents' raw text and scores it as `score.py` does.
pub fn evaluate(pipeline: &crate::Pipeline, docs: &[LabelledDocument]) -> Scores {
    score(docs, &predict(pipeline, docs))
}

/// The headline figures of a score as flat `section.name` metrics for the model meta.
pub fn metrics_map(s: &Scores) -> std::collections::BTreeMap<String, f64> {
    let mut m = std::collections::BTreeMap::new();
    if let Ok(serde_json::Value::Object(o)) = serde_json::to_value(s) {
        flatten("", &serde_json::Value::Object(o), &mut m);
    }
    m
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut std::collections::BTreeMap<String, f64>) {
    match v {
        serde_json::Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                out.insert(prefix.to_string(), x);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, v) in o {
                // The confusion matrix is in the card; keep the metrics map short.
                if k == "confusion" {
                    continue;
                }
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{GoldQuote, GoldSentence};

    fn toks(s: &str) -> Vec<String> {
        name_tokens(Some(s))
    }

    #[test]
    fn name_tokens_drops_titles_and_possessives() {
        assert_eq!(toks("President Barack Obama"), ["barack", "obama"]);
        assert_eq!(
            toks("the Health Minister's office"),
            ["health", "minister", "office"]
        );
        assert_eq!(toks("O'Neill's"), ["o'neill"]);
        assert_eq!(toks("Jean-Luc"), ["jean-luc"]);
        // A curly apostrophe is not in the class: "s" becomes a token of its own.
        assert_eq!(toks("Obama’s"), ["obama", "s"]);
        assert!(toks("Mr").is_empty());
        assert!(name_tokens(None).is_empty());
    }

    #[test]
    fn name_tokens_follows_python_unicode_word() {
        // Values from Python 3: re.findall(r"[\w'-]+", s.lower()).
        assert_eq!(toks("Jose\u{301} Martí"), ["jose", "martí"]);
        assert_eq!(toks("İstanbul"), ["i", "stanbul"]);
        assert_eq!(toks("ΟΔΥΣΣΕΥΣ"), ["οδυσσευς"]);
        assert_eq!(toks("a²b ½ Ⅻ"), ["a²b", "½", "ⅻ"]);
        assert_eq!(toks("x\u{203f}y"), ["x", "y"]);
        assert_eq!(toks("हिन्दी"), ["ह", "न", "द"]);
    }

    #[test]
    fn same_entity_matches_full_or_last_name() {
        assert!(same_entity(Some("Barack Obama"), Some("President Obama")));
        assert!(same_entity(
            Some("Ana Ruiz"),
            Some("Health Minister Ana Ruiz's")
        ));
        assert!(same_entity(Some("LENA BRANDT"), Some("lena brandt")));
        assert!(!same_entity(
            Some("Barack Obama"),
            Some("Michelle Robinson")
        ));
        assert!(!same_entity(Some("the"), Some("the")));
        assert!(!same_entity(Some("Obama"), None));
    }

    /// The error table types gold quotes as score.py users would read them and
    /// counts each outcome once per type (the pronoun row overlaps the others).
    #[test]
    fn quote_type_table_counts_each_outcome() {
        let text = "\"We won,\" he said. According to officials, the bridge is safe. \
                    Smith said taxes will rise. Jones said the vote failed.";
        let at = |w: &str| text.find(w).expect("in text");
        let span = |w: &str| (at(w), at(w) + w.len());
        let q = |content: &str, cue: &str, spk: &str| {
            let (s, e) = span(content);
            let (cs, ce) = span(cue);
            let (ss, se) = span(spk);
            serde_json::json!({"start": s, "end": e,
                "cue": {"start": cs, "end": ce, "text": cue},
                "speaker": {"start": ss, "end": se, "text": spk}})
        };
        let gold: LabelledDocument = serde_json::from_value(serde_json::json!({
        "id": "d", "text": text,
        "quotes": [
            q("We won,", "said", "he"),
            q("the bridge is safe", "According to", "officials"),
            q("taxes will rise", "said taxes", "Smith"),
            q("the vote failed", "said the", "Jones"),
        ]}))
        .expect("gold");
        let chars: Vec<char> = text.chars().collect();
        let gq = gold.quotes.as_ref().expect("quotes");
        assert_eq!(
            quote_types(&chars, &gq[0]),
            [QuoteType::Direct, QuoteType::PronounSpeaker]
        );
        assert_eq!(quote_types(&chars, &gq[1]), [QuoteType::AccordingTo]);
        assert_eq!(quote_types(&chars, &gq[2]), [QuoteType::Reported]);
        // Predicted: the direct quote with the right speaker, the according-to one
        // with a wrong one, Smith's without a speaker, Jones's missed.
        let pq = |content: &str, spk: Option<&str>| {
            let (s, e) = span(content);
            let mut j = serde_json::json!({"start": s, "end": e});
            if let Some(w) = spk {
                let (ss, se) = span(w);
                j["speaker"] = serde_json::json!({"start": ss, "end": se, "text": w});
            }
            j
        };
        let line = serde_json::json!({"id": "d", "sentences": [], "quotes": [
            pq("We won,", Some("he")),
            pq("the bridge is safe", Some("Smith")),
            pq("taxes will rise", None),
        ]});
        let pred = parse_prediction(&line.to_string(), "test").expect("prediction");
        let t = quote_type_errors(std::slice::from_ref(&gold), &[pred]);
        let row = |ty: QuoteType| t.rows.iter().find(|(x, _)| *x == ty).expect("row").1;
        let direct = row(QuoteType::Direct);
        assert_eq!((direct.gold, direct.right, direct.mention_right), (1, 1, 1));
        let acc = row(QuoteType::AccordingTo);
        assert_eq!((acc.gold, acc.wrong_speaker), (1, 1));
        let rep = row(QuoteType::Reported);
        assert_eq!((rep.gold, rep.no_speaker, rep.missed), (2, 1, 1));
        assert_eq!(row(QuoteType::PronounSpeaker).gold, 1);
        assert_eq!((t.all.gold, t.all.right, t.all.with_speaker), (4, 1, 4));
        assert_eq!(t.all.recall(), Some(0.75));
        assert!(render_quote_types(&t).contains("according-to"));
    }

    #[test]
    fn overlap_is_never_negative() {
        assert_eq!(overlap((0, 10), (5, 20)), 5);
        assert_eq!(overlap((0, 10), (10, 20)), 0);
        assert_eq!(overlap((0, 10), (30, 40)), 0);
        assert_eq!(overlap((Pos::MIN, Pos::MAX), (0, 3)), 3);
    }

    #[test]
    fn align_takes_first_of_equal_overlaps_and_needs_half() {
        // Two predictions cover 5 of 10 each: the first wins, and half is enough.
        assert_eq!(align(&[(0, 10)], &[(0, 5), (5, 10)]), [Some(0)]);
        // A later, strictly larger overlap wins.
        assert_eq!(align(&[(0, 10)], &[(0, 4), (4, 10)]), [Some(1)]);
        // 2 of 5 is under half.
        assert_eq!(align(&[(0, 5)], &[(0, 2), (2, 4)]), [None]);
        // An empty gold span can never be covered (max(1, len)).
        assert_eq!(align(&[(3, 3)], &[(0, 10)]), [None]);
        assert_eq!(align(&[(0, 4)], &[]), [None]);
    }

    #[test]
    fn covered_length_unions_overlapping_parts() {
        assert_eq!(covered_length((10, 30), &[(12, 20), (15, 25)]), 13);
        assert_eq!(covered_length((10, 30), &[(15, 25), (0, 12)]), 12);
        assert_eq!(covered_length((10, 30), &[(0, 40), (12, 14)]), 20);
        assert_eq!(covered_length((10, 30), &[(40, 50)]), 0);
        assert_eq!(covered_length((10, 30), &[]), 0);
    }

    #[test]
    fn first_max_keeps_the_first_tie() {
        let v = [(1, 'a'), (3, 'b'), (3, 'c')];
        assert_eq!(first_max_by_key(&v, |x| x.0), Some(&(3, 'b')));
        assert_eq!(first_max_by_key(&[] as &[(Pos, char)], |x| x.0), None);
    }

    #[test]
    fn prediction_lines_parse_leniently() {
        let p = parse_prediction(
            r#"{"id": 7, "extra": 1, "sentences": [{"end": 4, "role": "opinion"},
                {"start": 5, "end": 9, "role": null, "speaker": {}},
                {"start": 5, "end": 9, "role": "quote", "speaker": {"text": "he", "entity": null}}]}"#,
            "p:1",
        )
        .unwrap();
        assert_eq!(p.id.as_deref(), Some("7"));
        assert_eq!(p.error, None);
        assert_eq!(p.quotes, None);
        assert_eq!(
            (p.sentences[0].start, p.sentences[0].role.as_deref()),
            (0, Some("opinion"))
        );
        assert_eq!(
            (p.sentences[1].role.as_deref(), &p.sentences[1].speaker),
            (None, &None)
        );
        let spk = p.sentences[2].speaker.as_ref().unwrap();
        assert_eq!((spk.start, spk.name()), (0, Some("he")));

        let e = parse_prediction(r#"{"id": "x", "error": null, "quotes": null}"#, "p:2").unwrap();
        assert!(e.error.is_some(), "a null error is still an error line");
        assert_eq!(e.quotes, Some(vec![]));

        let c = parse_prediction(
            r#"{"sentences": [{"confidence": 0.25}, {"confidence": "high"}, {}]}"#,
            "p:3",
        )
        .unwrap();
        let confs: Vec<Option<f64>> = c.sentences.iter().map(|s| s.confidence).collect();
        assert_eq!(confs, [Some(0.25), None, None]);

        let bad = parse_prediction(r#"{"sentences": [{"start": "x"}]}"#, "p.jsonl:3").unwrap_err();
        assert!(bad.to_string().contains("p.jsonl:3"), "{bad}");
    }

    fn gold_doc(id: &str) -> LabelledDocument {
        let spk = GoldSpeaker {
            start: 0,
            end: 3,
            text: "Bob".into(),
            entity: Some("Bob Lee".into()),
        };
        LabelledDocument {
            id: id.into(),
            text: "Bob said it rains. It rains.".into(),
            sentences: Some(vec![
                GoldSentence {
                    start: 0,
                    end: 18,
                    role: Some(Role::Quote),
                    discourse: None,
                    speaker: Some(spk.clone()),
                },
                GoldSentence {
                    start: 19,
                    end: 28,
                    role: Some(Role::Event),
                    discourse: None,
                    speaker: None,
                },
                GoldSentence {
                    start: 0,
                    end: 28,
                    role: None,
                    discourse: None,
                    speaker: None,
                },
            ]),
            quotes: Some(vec![GoldQuote {
                start: 9,
                end: 17,
                cue: None,
                speaker: Some(spk),
            }]),
            entities: None,
            pronoun: None,
            candidates: None,
            tokens: None,
        }
    }

    fn perfect(id: &str) -> PredDoc {
        let spk = PredSpeaker {
            start: 0,
            end: 3,
            text: Some("Bob".into()),
            entity: Some("".into()),
        };
        PredDoc {
            id: Some(id.into()),
            error: None,
            sentences: vec![
                PredSentence {
                    start: 0,
                    end: 18,
                    role: Some("quote".into()),
                    confidence: Some(0.9),
                    speaker: Some(spk.clone()),
                },
                PredSentence {
                    start: 19,
                    end: 28,
                    role: Some("event".into()),
                    confidence: Some(0.6),
                    speaker: None,
                },
            ],
            quotes: Some(vec![PredQuote {
                start: 9,
                end: 17,
                speaker: Some(spk),
            }]),
            entities: Vec::new(),
        }
    }

    #[test]
    fn perfect_prediction_scores_one() {
        let s = score(&[gold_doc("a")], &[perfect("a")]);
        assert_eq!((s.documents, s.documents_missing, s.sentences), (1, 0, 2));
        assert_eq!((s.accuracy, s.macro_f1, s.quote_f1), (1.0, 1.0, 1.0));
        // The empty entity falls back to the mention "Bob", whose last token is not
        // that of "Bob Lee": the speaker is right by mention only.
        assert_eq!(s.speaker_entity_accuracy, Some(0.0));
        assert_eq!(s.speaker_mention_accuracy, Some(1.0));
        let q = s.quotes.unwrap();
        assert_eq!(
            (q.precision, q.recall, q.attribution_precision),
            (1.0, 1.0, 0.0)
        );
        assert_eq!(s.confusion.quote.quote, 1);
        assert_eq!(
            s.per_role.claim,
            RoleScore::default(),
            "absent roles score 0 with support 0"
        );
    }

    #[test]
    fn calibration_bins_confidence_against_accuracy() {
        // Right at 0.9, wrong at 0.6 (event predicted as claim), in doc "b".
        let mut wrong = perfect("b");
        wrong.sentences[1].role = Some("claim".into());
        let gold = [gold_doc("a"), gold_doc("b"), gold_doc("c")];
        // "c" has an error line and an unknown role elsewhere: neither counts.
        let mut odd = perfect("x");
        odd.sentences[0].role = Some("opinion".into());
        let preds = [perfect("a"), wrong, PredDoc::error("c", "bad"), odd];
        let c = calibration(&gold, &preds, 10).expect("aligned sentences");
        assert_eq!(c.sentences, 4);
        assert_eq!(c.bins.len(), 10);
        let b9 = c.bins[9];
        assert_eq!(b9.sentences, 2);
        assert!((b9.mean_confidence - 0.9).abs() < 1e-12 && b9.accuracy == 1.0);
        let b6 = c.bins[6];
        assert_eq!((b6.sentences, b6.accuracy), (2, 0.5));
        // |1.8 − 2| + |1.2 − 1| over 4 sentences.
        assert!((c.ece - 0.1).abs() < 1e-12, "{}", c.ece);
        let text = render_calibration(&c);
        assert!(text.contains("ECE 0.100 (10 bins)"), "{text}");
        assert_eq!(text.lines().count(), 5, "{text}");
        // No confidences at all: no table.
        let mut bare = perfect("a");
        bare.sentences.iter_mut().for_each(|s| s.confidence = None);
        assert_eq!(calibration(&gold, &[bare], 10), None);
    }

    #[test]
    fn error_line_and_missing_doc_count_everything_as_missed() {
        let gold = [gold_doc("a"), gold_doc("b")];
        let s = score(&gold, &[PredDoc::error("a", "too long")]);
        assert_eq!((s.documents, s.documents_missing, s.sentences), (2, 2, 4));
        assert_eq!(s.confusion.quote.missed, 2);
        assert_eq!(s.confusion.event.missed, 2);
        assert_eq!((s.accuracy, s.macro_f1), (0.0, 0.0));
        assert_eq!(
            (s.speaker_entity_accuracy, s.speaker_mention_accuracy),
            (Some(0.0), Some(0.0))
        );
        let q = s.quotes.unwrap();
        assert_eq!((q.gold_quotes, q.predicted_quotes, q.recall), (2, 0, 0.0));
        assert_eq!(q.speaker_entity_accuracy, Some(0.0));
    }

    #[test]
    fn later_duplicates_replace_earlier_ones() {
        let mut other = gold_doc("a");
        other.sentences = Some(vec![]);
        other.quotes = None;
        // Gold: the second "a" (no sentences, no quotes) wins; prediction: the good line.
        let s = score(
            &[gold_doc("a"), other],
            &[PredDoc::error("a", "x"), perfect("a")],
        );
        assert_eq!((s.documents, s.documents_missing, s.sentences), (1, 0, 0));
        assert_eq!(s.quotes, None);
        assert_eq!(s.speaker_entity_accuracy, None);
    }

    #[test]
    fn without_quotes_quote_sentences_stand_for_quotes() {
        let mut p = perfect("a");
        p.quotes = None;
        let q = score(&[gold_doc("a")], &[p]).quotes.unwrap();
        assert_eq!((q.predicted_quotes, q.precision, q.recall), (1, 1.0, 1.0));
    }

    #[test]
    fn predictions_without_id_are_keyed_by_position() {
        let mut p = perfect("ignored");
        p.id = None;
        let s = score(&[gold_doc("2")], &[perfect("x"), p]);
        assert_eq!(s.documents_missing, 0);
    }

    #[test]
    fn analysis_converts_with_quotes_present() {
        let a = Analysis {
            id: "z".into(),
            ..Analysis::default()
        };
        let p = PredDoc::from(&a);
        assert_eq!((p.id.as_deref(), p.quotes), (Some("z"), Some(vec![])));
    }

    #[test]
    fn text_report_without_sentences_stops_after_quotes() {
        let mut g = gold_doc("a");
        g.sentences = None;
        let t = render_text(&score(&[g], &[perfect("a")]));
        assert_eq!(
            t,
            "documents 1 (missing 0), sentences 0\n\
             quotes: gold 1, predicted 1, precision 1.000 recall 1.000 F1 1.000\n  \
             who-said-what: precision 0.000 recall 0.000 F1 0.000\n  \
             speaker mention 1.000 (on 1)\n  \
             speaker entity 0.000 (on 1)\n"
        );
    }
}

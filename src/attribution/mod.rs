//! Quote attribution: finds every quote of a document (direct, reported, mixed,
//! "claim: Speaker" headlines), its cue and its speaker — the mention in the text and
//! the canonical entity it refers to.
//!
//! Stages, one submodule each:
//! 1. `view`: the text stage's tokens with sentence, paragraph and quotation-mark places;
//! 2. `mentions`: speaker candidates (names with titles, pronouns, nominals, plurals);
//! 3. `detect`: quote spans, cues and the speaker the rules pick;
//! 4. `cues`: the trained cue detector, for reported speech the rules miss;
//! 5. `entities`: per-document clusters and canonical names;
//! 6. `ranker`: candidate features and the linear speaker ranker ([`Attributor::train`]);
//! 7. [`types`]: each quote's features for its type (speech, thought, document,
//!    other), typed by the trained [`TypeModel`] or, without one, by the cue-class rule.
//!
//! All ranges are byte ranges into the normalised text of the [`TextLayout`].

mod coref;
mod cues;
mod detect;
mod entities;
pub use crate::lexicon;
mod mentions;
mod ranker;
mod train;
pub mod types;
mod view;

use crate::budget::Budget;
use crate::error::Result;
use crate::text::TextLayout;
pub use coref::{
    train as train_pronouns, PronounModel, PronounScores,
    FEATURES_VERSION as PRONOUN_FEATURES_VERSION, N_FEATURES as PRONOUN_FEATURES,
};
pub use cues::CueModel;
use detect::{Detected, Structure};
use mentions::{Mention, MentionKind};
use serde::{Deserialize, Serialize};
use std::ops::Range;
pub use types::{AttributionType, TypeFeatures, TypeModel};
use view::{RawLayout, View};

/// Quote attribution settings and, when trained, the speaker ranker's weights.
///
/// | name | default | meaning |
/// |---|---|---|
/// | `weights` | hand-set | linear weights over the ranker's pair features |
/// | `threshold` | 0.5 | below this probability a quote gets no speaker |
/// | `cue_prior` | empty | learned per-cue-word log-odds of a real attribution |
/// | `cues` | none | the trained cue detector ([`CueModel`]) and its threshold |
/// | `trained` | false | weights come from [`Attributor::train`] |
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Attributor {
    /// Feature layout the weights belong to.
    pub features_version: u32,
    pub weights: Vec<f64>,
    pub threshold: f64,
    /// Per cue word, learned log-odds that its quotes are real (sorted by word).
    pub cue_prior: Vec<(String, f32)>,
    /// The trained cue detector; without it only the rules find quotes.
    pub cues: Option<CueModel>,
    pub trained: bool,
    /// The trained pronoun resolver (stored in the model file beside the
    /// attributor, see [`crate::model::ModelFile`]); without it the hand rule resolves.
    #[serde(skip)]
    pub pronouns: Option<PronounModel>,
}

/// One quote: its content, whether it is in quotation marks, its cue and speaker.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundQuote {
    pub content: Range<usize>,
    pub direct: bool,
    pub cue: Option<Range<usize>>,
    pub speaker: Option<FoundSpeaker>,
    /// Nobody in the text voices it: an impression ("the race seemed lost") or a
    /// question put to someone ("Asked whether …,"). The role model's attribution
    /// features leave these out; they were not among the quotes it learned from.
    pub unvoiced: bool,
    /// Found by the trained cue detector; the role model's attribution features
    /// leave these out too, as it learned from the rules' quotes.
    pub learned: bool,
    /// What it reports: the cue-class rule's type until [`DocAttribution::type_quotes`]
    /// sets the trained model's.
    pub kind: AttributionType,
    /// The probability that it is reported speech.
    pub p_speech: f32,
    /// What the typed decision reads.
    pub features: TypeFeatures,
}

impl FoundQuote {
    /// Sets its type and speech probability from `model`.
    pub fn type_with(&mut self, model: &TypeModel) {
        (self.kind, self.p_speech) = model.classify(&self.features);
    }
}

/// The speaker of a quote: the mention and its canonical entity.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundSpeaker {
    pub mention: Range<usize>,
    pub entity: String,
    pub confidence: f32,
}

/// One entity of the document with its mention and quote counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitySummary {
    pub entity: String,
    pub mentions: usize,
    pub quotes: usize,
    /// Listed as a person, not only for being quoted.
    pub person: bool,
}

/// What an entity of the entity layer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    Person,
    Organisation,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organisation => "organisation",
        }
    }
}

/// One person or organisation with every mention of it found: names, titles,
/// descriptions and pronouns (their byte ranges, in text order).
#[derive(Debug, Clone, PartialEq)]
pub struct FoundEntity {
    /// The canonical name, as quote speakers give it.
    pub name: String,
    pub kind: EntityKind,
    pub mentions: Vec<Range<usize>>,
}

/// The attribution of one document; quotes sorted by start, normalised byte ranges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocAttribution {
    pub quotes: Vec<FoundQuote>,
    pub entities: Vec<EntitySummary>,
    /// The entity layer: persons and organisations in order of first mention.
    pub layer: Vec<FoundEntity>,
}

impl Default for Attributor {
    fn default() -> Self {
        Attributor::rules()
    }
}

/// Everything computed for one document before speakers are chosen.
pub(crate) struct Analysed<'a> {
    pub v: View<'a>,
    pub ms: Vec<Mention>,
    pub quotes: Vec<Detected>,
    pub rule_idx: Vec<Option<usize>>,
    /// For each mention: is it the rule pick of some quote that has a cue.
    pub subjects: Vec<bool>,
    pub ents: entities::Entities,
}

impl<'a> Analysed<'a> {
    pub fn context<'b>(&'b self, cue_prior: &'b [(String, f32)]) -> ranker::DocContext<'b> {
        ranker::DocContext::new(
            &self.v,
            &self.ms,
            &self.quotes,
            &self.rule_idx,
            &self.subjects,
            &self.ents.of,
            cue_prior,
        )
    }
}

/// Hash maps and sets keyed by token indices and short words: FxHash-style hashing
/// (no flooding risk here, and SipHash showed in profiles).
pub(crate) type FastMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<lexicon::WordHasher>>;
pub(crate) type FastSet<K> =
    std::collections::HashSet<K, std::hash::BuildHasherDefault<lexicon::WordHasher>>;

/// The view of a layout, with the text stage's tokens.
/// Texts longer than twice this (in normalised bytes) are attributed in windows of
/// about this size, cut between paragraphs: the attribution view of a whole text
/// takes about 60 bytes per byte of it, and a window bounds that (to about 4 MB).
/// Every attribution decision reads a few sentences around it, so only what spans a
/// cut is lost: naming a person by the full name given in an earlier window, and a
/// quotation continued across the cut. No news article comes near this size.
pub(crate) const WINDOW_BYTES: usize = 64 << 10;

/// The paragraph index ranges of the windows of `layout` ([`WINDOW_BYTES`]): one
/// window when the text is at most twice `size`. A window ends at the first
/// paragraph end past `size` bytes that no quotation-mark span crosses and that is
/// not followed by a paragraph opening with a quotation mark (or past four times
/// `size`, whatever crosses it).
pub(crate) fn windows(layout: &TextLayout, size: usize) -> Vec<Range<usize>> {
    let paras = &layout.paragraphs;
    if layout.norm.as_str().len() <= 2 * size || paras.len() < 2 {
        #[allow(clippy::single_range_in_vec_init)] // one window: all the paragraphs
        return vec![0..paras.len()];
    }
    let mut out = Vec::new();
    let mut start = 0;
    // Quotation-mark spans by opening mark, with the running maximum of their ends.
    let spans = &layout.quotes;
    let mut qi = 0;
    let mut reach = 0usize;
    for p in 0..paras.len() {
        let end = paras[p].end;
        while qi < spans.len() && spans[qi].open.start < end {
            let q = &spans[qi];
            reach = reach.max(q.close.as_ref().map_or(q.content.end, |c| c.end));
            qi += 1;
        }
        let len = end - paras[start].start;
        let last = p + 1 == paras.len();
        // A paragraph opening with a quotation mark may continue the speech before it.
        let opens_quote = !last
            && spans
                .get(qi)
                .is_some_and(|q| q.open.start == paras[p + 1].start);
        if !last && ((len >= size && reach <= end && !opens_quote) || len >= 4 * size) {
            out.push(start..p + 1);
            start = p + 1;
        }
    }
    out.push(start..paras.len());
    out
}

/// The attribution view of the paragraphs `w` of `layout`: offsets stay those of the
/// whole text, paragraph indices count from the window's first.
fn window_view(layout: &TextLayout, w: Range<usize>) -> View<'_> {
    // The first window starts at the text's start, the last ends at its end.
    let from = match w.start {
        0 => 0,
        p => layout.paragraphs[p].start,
    };
    let to = layout
        .paragraphs
        .get(w.end)
        .map_or(layout.norm.as_str().len(), |p| p.start);
    let sents = &layout.sentences;
    let (a, b) = (
        sents.partition_point(|s| s.range.start < from),
        sents.partition_point(|s| s.range.start < to),
    );
    let toks = &layout.tokens;
    let (ta, tb) = (
        toks.partition_point(|t| t.range().start < from),
        toks.partition_point(|t| t.range().start < to),
    );
    let marks = &layout.quotes;
    let (ma, mb) = (
        marks.partition_point(|q| q.open.start < from),
        marks.partition_point(|q| q.open.start < to),
    );
    View::new(RawLayout {
        text: layout.norm.as_str(),
        paragraphs: layout.paragraphs[w.clone()].to_vec(),
        sentences: sents[a..b]
            .iter()
            .map(|s| (s.range.clone(), s.paragraph.saturating_sub(w.start)))
            .collect(),
        quotes: marks[ma..mb]
            .iter()
            .map(|q| (q.content.clone(), q.open.clone(), q.close.clone()))
            .collect(),
        tokens: &toks[ta..tb],
    })
}

/// The attribution view of the whole of `layout`.
fn view_of(layout: &TextLayout) -> View<'_> {
    window_view(layout, 0..layout.paragraphs.len())
}

/// Runs stages 2–4 on a view; with `cues`, the trained cue detector adds its quotes
/// at that probability and above.
pub(crate) fn analyse<'a>(v: View<'a>, cues: Option<(&CueModel, f32)>) -> Analysed<'a> {
    match analyse_within(v, cues, &Budget::unlimited()) {
        Ok(a) => a,
        Err(_) => unreachable!("an unlimited budget never stops the work"),
    }
}

/// [`analyse`] within `budget`, checked between its steps and while resolving.
pub(crate) fn analyse_within<'a>(
    v: View<'a>,
    cues: Option<(&CueModel, f32)>,
    budget: &Budget,
) -> Result<Analysed<'a>> {
    let mut ms = mentions::extract(&v);
    budget.check("mentions")?;
    let quotes = detect::detect(&v, &ms, cues);
    budget.check("quote detection")?;
    // Subjects the detector built from tokens join the candidates.
    let mut heads: FastSet<usize> = ms.iter().map(|m| m.head).collect();
    // At most one each: reserved exactly, as doubling would leave up to half of a
    // long text's mention list unused.
    ms.reserve_exact(quotes.iter().filter(|q| q.rule.is_some()).count());
    for q in &quotes {
        if let Some(r) = &q.rule {
            if heads.insert(r.head) {
                ms.push(r.clone());
            }
        }
    }
    ms.sort_by_key(|m| (m.toks.start, m.toks.end));
    // The first mention with each head.
    let mut first_with_head: FastMap<usize, usize> =
        FastMap::with_capacity_and_hasher(ms.len(), Default::default());
    for (i, m) in ms.iter().enumerate() {
        first_with_head.entry(m.head).or_insert(i);
    }
    let head_of = |m: &Mention| first_with_head.get(&m.head).copied();
    let mut rule_idx: Vec<Option<usize>> = quotes
        .iter()
        .map(|q| q.rule.as_ref().and_then(head_of))
        .collect();
    inherit_rules(&v, &quotes, &mut rule_idx);
    // Mentions the rules make the subject of a cue: evidence of a speaker.
    let subjects = cue_subjects(&quotes, &rule_idx, ms.len());
    let ents = entities::resolve(&v, &ms, &subjects, budget)?;
    Ok(Analysed {
        v,
        ms,
        quotes,
        rule_idx,
        subjects,
        ents,
    })
}

/// The trained pronoun resolver's decisions over the rules' (see
/// `entities::rerank_pronouns`).
pub(crate) fn rerank(
    a: &mut Analysed,
    resolver: entities::Resolver,
    budget: &Budget,
) -> Result<()> {
    entities::rerank_pronouns(&a.v, &a.ms, &a.subjects, &mut a.ents, resolver, budget)
}

/// For each of `n` mentions: is it the rule pick of some quote that has a cue.
fn cue_subjects(quotes: &[Detected], rule_idx: &[Option<usize>], n: usize) -> Vec<bool> {
    let mut subject = vec![false; n];
    for (q, r) in quotes.iter().zip(rule_idx) {
        // A learned cue is weaker evidence: its subject does not make a speaker.
        if q.learned.is_some() {
            continue;
        }
        if let (Some(r), Some(_)) = (r, &q.cue) {
            if let Some(s) = subject.get_mut(*r) {
                *s = true;
            }
        }
    }
    subject
}

/// Direct quotes without a cue take the speaker of the quote before them (same or
/// previous paragraph), else of the next quote in their paragraph.
fn inherit_rules(v: &View, quotes: &[Detected], rule_idx: &mut [Option<usize>]) {
    let para_of = |q: &Detected| quote_para(v, q);
    // Per paragraph, the quotes with a cue, ascending.
    let mut cued: FastMap<usize, Vec<usize>> = FastMap::default();
    for (k, q) in quotes.iter().enumerate() {
        if q.cue.is_some() && q.learned.is_none() {
            cued.entry(para_of(q)).or_default().push(k);
        }
    }
    // The latest quote before `i` that has a rule pick (picks set here included).
    let mut prev: Option<usize> = None;
    for i in 0..quotes.len() {
        let q = &quotes[i];
        if rule_idx[i].is_some() || !matches!(q.structure, Structure::Continued | Structure::NoCue)
        {
            if rule_idx[i].is_some() {
                prev = Some(i);
            }
            continue;
        }
        let p = para_of(q);
        if let Some(k) = prev {
            let pk = para_of(&quotes[k]);
            if pk == p || pk + 1 == p || q.structure == Structure::Continued {
                rule_idx[i] = rule_idx[k];
                prev = Some(i);
                continue;
            }
        }
        let next = cued.get(&p).and_then(|ks| {
            let j = ks.partition_point(|&k| k <= i);
            ks.get(j).copied()
        });
        if let Some(k) = next {
            rule_idx[i] = rule_idx[k];
        }
        if rule_idx[i].is_some() {
            prev = Some(i);
        }
    }
    // A quotation running over several paragraphs is often cued only in its last
    // ('"… years.\n\n"And we will not …," she said.'): its earlier paragraphs
    // take the speaker of the paragraph that continues them.
    for i in (0..quotes.len().saturating_sub(1)).rev() {
        if rule_idx[i].is_none() && continued_by_next(v, quotes, i) {
            rule_idx[i] = rule_idx[i + 1];
        }
    }
}

/// Whether quote `i` is an uncued paragraph of a quotation that the next quote, in
/// the next paragraph, continues.
fn continued_by_next(v: &View, quotes: &[Detected], i: usize) -> bool {
    let (Some(q), Some(next)) = (quotes.get(i), quotes.get(i + 1)) else {
        return false;
    };
    q.direct
        && next.reopens
        && quote_para(v, q) + 1 == quote_para(v, next)
        && matches!(q.structure, Structure::Continued | Structure::NoCue)
}

/// The paragraph a quote starts in.
fn quote_para(v: &View, q: &Detected) -> usize {
    v.sents.get(q.sents.start).map(|s| s.para).unwrap_or(0)
}

impl Attributor {
    /// Rule-based default (no training data needed).
    pub fn rules() -> Attributor {
        Attributor {
            features_version: ranker::FEATURES_VERSION,
            weights: ranker::rule_weights(),
            threshold: 0.5,
            cue_prior: Vec::new(),
            cues: None,
            trained: false,
            pronouns: None,
        }
    }

    /// Trains the speaker ranker on labelled docs with a `quotes` layer (PolNeAR
    /// train) and tunes the no-speaker threshold on `dev`. Returns a short report.
    ///
    /// # Errors
    /// [`crate::Error::Training`] when the documents hold no usable quotes or the
    /// solver fails.
    pub fn train(
        train: &[crate::corpus::LabelledDocument],
        dev: &[crate::corpus::LabelledDocument],
    ) -> crate::Result<(Attributor, String)> {
        train::train(train, dev)
    }

    /// Every attribution of `text`, typed by the cue-class rule, with content spans in
    /// code points of the text (what `train-types` matches its sample against).
    pub fn attributions(&self, text: &str) -> Vec<(usize, usize, FoundQuote)> {
        let layout = TextLayout::new(text);
        let chars = crate::document::CharIndex::new(text);
        self.attribute(&layout)
            .quotes
            .into_iter()
            .map(|q| {
                let o = layout.norm.original_range(q.content.clone());
                let sp = chars.span(o.start, o.end);
                (sp.start, sp.end, q)
            })
            .collect()
    }

    /// Finds and attributes the quotes of one document.
    pub fn attribute(&self, layout: &TextLayout) -> DocAttribution {
        match self.attribute_within(layout, &Budget::unlimited()) {
            Ok(a) => a,
            Err(_) => unreachable!("an unlimited budget never stops the work"),
        }
    }

    /// [`Attributor::attribute`] within `budget` (see [`crate::budget`]).
    ///
    /// # Errors
    /// [`crate::Error::Cancelled`] or [`crate::Error::OverBudget`].
    pub fn attribute_within(&self, layout: &TextLayout, budget: &Budget) -> Result<DocAttribution> {
        let windows = windows(layout, WINDOW_BYTES);
        if windows.len() <= 1 {
            return self.attribute_view_within(view_of(layout), budget);
        }
        let mut parts = Vec::with_capacity(windows.len());
        for w in windows {
            budget.check("attribution")?;
            parts.push(self.attribute_view_within(window_view(layout, w), budget)?);
        }
        Ok(DocAttribution::merge(parts))
    }

    fn attribute_view_within(&self, v: View<'_>, budget: &Budget) -> Result<DocAttribution> {
        let mut a = analyse_within(v, self.cues.as_ref().map(|c| (c, c.threshold)), budget)?;
        budget.check("entities")?;
        // Speakers are ranked on the rules' entities (as the ranker was trained);
        // the pronoun resolver then names them, and the entity layer.
        let picks = self.choose(&a);
        let resolver = entities::Resolver {
            model: self.pronouns.as_ref(),
            ..Default::default()
        };
        rerank(&mut a, resolver, budget)?;
        let out = build_output(&a, &picks, &self.cue_prior);
        view::recycle(a.v.toks);
        Ok(out)
    }

    /// The chosen speaker mention and its probability, per quote.
    pub(crate) fn choose(&self, a: &Analysed) -> Vec<Option<(usize, f64)>> {
        let cx = a.context(&self.cue_prior);
        // A model from another feature layout cannot score: fall back to the rules.
        let rules;
        let (w, threshold) = if self.weights.len() == ranker::N_FEATURES
            && self.features_version == ranker::FEATURES_VERSION
        {
            (&self.weights, self.threshold)
        } else {
            rules = ranker::rule_weights();
            (&rules, 0.5)
        };
        // Rows are mostly zeros: with finite weights the sparse sum is exact.
        let finite = w.iter().all(|x| x.is_finite());
        let mut c = ranker::Candidates::new();
        let score = |c: &ranker::Candidates, k: usize| {
            if finite {
                ranker::score_terms(w, &c.terms[k])
            } else {
                ranker::score(w, &c.row(k))
            }
        };
        let mut picks: Vec<Option<(usize, f64)>> = (0..a.quotes.len())
            .map(|qi| {
                if a.quotes[qi].speakerless && a.rule_idx[qi].is_none() {
                    return None;
                }
                ranker::candidates_into(&cx, qi, &mut c);
                let scored = || {
                    c.mentions
                        .iter()
                        .enumerate()
                        .map(|(k, &m)| (m, score(&c, k)))
                };
                let rule_pick = || {
                    let r = a.rule_idx[qi]?;
                    let p = scored().find(|&(m, _)| m == r).map_or(threshold, |x| x.1);
                    Some((r, p.max(threshold)))
                };
                if a.quotes[qi].signed {
                    return rule_pick();
                }
                let best = scored().max_by(|x, y| x.1.total_cmp(&y.1));
                match best {
                    Some((m, p)) if p >= threshold => Some((m, p)),
                    // "claim: Speaker" headlines are rare in the training news, so the
                    // ranker scores them low; the rule already required the name to
                    // recur in the document, so its pick stands.
                    _ if a.quotes[qi].structure == Structure::Headline => rule_pick(),
                    _ => None,
                }
            })
            .collect();
        // The ranker reads an early paragraph of a long quotation far from the cue in
        // its last one; the paragraphs are one quotation, so one speaker.
        for qi in (0..picks.len().saturating_sub(1)).rev() {
            if picks[qi].is_none() && continued_by_next(&a.v, &a.quotes, qi) {
                picks[qi] = picks[qi + 1];
            }
        }
        picks
    }
}

fn build_output(
    a: &Analysed,
    picks: &[Option<(usize, f64)>],
    cue_prior: &[(String, f32)],
) -> DocAttribution {
    let v = &a.v;
    let mut quotes = Vec::with_capacity(a.quotes.len());
    let mut quote_count: FastMap<String, usize> = FastMap::default();
    let mut name = a.ents.namer(v, &a.ms);
    for (q, pick) in a.quotes.iter().zip(picks) {
        // A learned quote stands only with a speaker: its cue alone is weak evidence.
        if q.learned.is_some() && pick.is_none() {
            continue;
        }
        let speaker_mention = pick.map(|(m, _)| m);
        let features = types::features(v, &a.ms, q, speaker_mention, cue_prior);
        // Page furniture ("WATCH:", "Photo:", "Source: Xinhua") is never a quote, and
        // its label never a speaker; with a cue word, it is typed (never speech).
        let word_cue = q
            .cue
            .as_ref()
            .is_some_and(|c| c.toks.clone().any(|k| v.toks[k].is_word()));
        if features.furniture && !word_cue {
            continue;
        }
        let speaker = pick.map(|(m, p)| {
            let entity = name(m);
            *quote_count.entry(entity.clone()).or_default() += 1;
            FoundSpeaker {
                mention: v.span(&a.ms[m].toks),
                entity,
                confidence: p as f32,
            }
        });
        let start = q
            .opens_at
            .map_or(q.content.start, |o| o.min(q.content.start));
        let kind = types::rule_type(v, &a.ms, q, speaker_mention, features.furniture);
        quotes.push(FoundQuote {
            kind,
            p_speech: types::rule_probability(kind),
            features,
            content: start..q.content.end,
            direct: q.direct,
            cue: q.cue.as_ref().map(|c| v.span(&c.toks)),
            unvoiced: q.speakerless && speaker.is_none(),
            learned: q.learned.is_some(),
            speaker,
        });
    }
    quotes.sort_by_key(|q| (q.content.start, q.content.end));
    // Entities: named clusters that are persons or quoted, and quoted unnamed sources.
    // A pronoun that refers to nothing found ("she" with no person before it) is no
    // entity: its quotes keep it as their speaker, the list leaves it out.
    let mut mentions: FastMap<String, usize> = FastMap::default();
    let mut listed: Vec<(String, bool)> = Vec::new();
    for (i, m) in a.ms.iter().enumerate() {
        let cluster = a.ents.of.get(i).copied().flatten();
        let unresolved = cluster.is_none()
            && matches!(m.kind, MentionKind::Pronoun(_) | MentionKind::Relative)
            && a.ents.antecedent_of(i).is_none();
        if unresolved {
            continue;
        }
        let name = name(i);
        let person = cluster.is_some_and(|c| a.ents.clusters.get(c).is_some_and(|c| c.person));
        let keep = person || quote_count.contains_key(&name);
        if !keep || m.in_quote && cluster.is_none() {
            continue;
        }
        let e = mentions.entry(name.clone()).or_default();
        if *e == 0 {
            listed.push((name, person));
        }
        *e += 1;
    }
    let mut entities: Vec<EntitySummary> = listed
        .into_iter()
        .map(|(e, person)| EntitySummary {
            mentions: mentions.get(&e).copied().unwrap_or(0),
            quotes: quote_count.get(&e).copied().unwrap_or(0),
            entity: e,
            person,
        })
        .collect();
    sort_entities(&mut entities);
    let layer = entity_layer(a, &mut name, &quote_count, &quotes);
    DocAttribution {
        quotes,
        entities,
        layer,
    }
}

/// Most quoted first, then most mentioned, then by name.
fn sort_entities(entities: &mut [EntitySummary]) {
    entities.sort_by(|a, b| {
        b.quotes
            .cmp(&a.quotes)
            .then(b.mentions.cmp(&a.mentions))
            .then(a.entity.cmp(&b.entity))
    });
}

impl DocAttribution {
    /// One attribution of the windows `parts` of a text, in text order: their quotes
    /// one after the other, entities of the same name merged (counts added, layer
    /// mentions joined, in order of first mention).
    fn merge(parts: Vec<DocAttribution>) -> DocAttribution {
        let mut out = DocAttribution {
            quotes: Vec::with_capacity(parts.iter().map(|p| p.quotes.len()).sum()),
            ..Default::default()
        };
        let mut summary: FastMap<String, usize> = FastMap::default();
        let mut layer: FastMap<(String, EntityKind), usize> = FastMap::default();
        for part in parts {
            out.quotes.extend(part.quotes);
            for e in part.entities {
                match summary.get(&e.entity) {
                    Some(&i) => {
                        let m = &mut out.entities[i];
                        m.mentions += e.mentions;
                        m.quotes += e.quotes;
                        m.person |= e.person;
                    }
                    None => {
                        summary.insert(e.entity.clone(), out.entities.len());
                        out.entities.push(e);
                    }
                }
            }
            for e in part.layer {
                match layer.get(&(e.name.clone(), e.kind)) {
                    Some(&i) => out.layer[i].mentions.extend(e.mentions),
                    None => {
                        layer.insert((e.name.clone(), e.kind), out.layer.len());
                        out.layer.push(e);
                    }
                }
            }
        }
        sort_entities(&mut out.entities);
        out
    }

    /// Sets each quote's type and speech probability from `model`; without one the
    /// cue-class rule's types stay.
    pub fn type_quotes(&mut self, model: Option<&TypeModel>) {
        let Some(model) = model else { return };
        self.quotes.iter_mut().for_each(|q| q.type_with(model));
    }

    /// Only the reported speech: the other quotes dropped, each entity's quote count
    /// recounted, and entities listed only for quotes that are gone left out. The
    /// entity layer is kept: it is the same for every view. Consumes the attribution,
    /// so a long text's quotes are not held twice.
    pub fn speech_only(self) -> DocAttribution {
        let quotes: Vec<FoundQuote> = self
            .quotes
            .into_iter()
            .filter(|q| q.kind == AttributionType::Speech)
            .collect();
        let mut count: FastMap<&str, usize> = FastMap::default();
        for q in &quotes {
            if let Some(s) = &q.speaker {
                *count.entry(s.entity.as_str()).or_default() += 1;
            }
        }
        let mut entities: Vec<EntitySummary> = self
            .entities
            .into_iter()
            .map(|e| EntitySummary {
                quotes: count.get(e.entity.as_str()).copied().unwrap_or(0),
                ..e
            })
            .filter(|e| e.person || e.quotes > 0)
            .collect();
        sort_entities(&mut entities);
        DocAttribution {
            quotes,
            entities,
            layer: self.layer,
        }
    }

    /// Drops what the typed decision read (its features): an answer does not show
    /// them, and on a long text they weigh about as much as the text.
    pub fn forget_type_features(&mut self) {
        for q in &mut self.quotes {
            q.features = TypeFeatures::default();
        }
    }
}

/// The persons and organisations of the document with all their mentions, grouped
/// by canonical name (so a quote's speaker entity is always one of them). A cluster
/// is a person with evidence of one (a title, a first name, he/she); an organisation
/// when named like one or referred to by "it", "they" or "the ministry"; places and
/// things are left out. An unnamed quoted source ("officials") is its own entity.
fn entity_layer(
    a: &Analysed,
    name: &mut impl FnMut(usize) -> String,
    quoted: &FastMap<String, usize>,
    quotes: &[FoundQuote],
) -> Vec<FoundEntity> {
    struct Acc {
        mentions: Vec<Range<usize>>,
        person: bool,
        organisation: bool,
    }
    let v = &a.v;
    let mut order: Vec<String> = Vec::new();
    let mut acc: FastMap<String, Acc> = FastMap::default();
    let mut add = |key: String, r: Range<usize>, person: bool, organisation: bool| {
        let e = acc.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Acc {
                mentions: Vec::new(),
                person: false,
                organisation: false,
            }
        });
        e.mentions.push(r);
        e.person |= person;
        e.organisation |= organisation;
    };
    for (i, m) in a.ms.iter().enumerate() {
        let cluster = a.ents.of[i].or_else(|| a.ents.antecedent_of(i).and_then(|j| a.ents.of[j]));
        let pronoun = matches!(m.kind, MentionKind::Pronoun(_) | MentionKind::Relative);
        let key = match cluster {
            Some(_) => name(i),
            // An unresolved pronoun is no entity; a quoted unnamed source is.
            None if pronoun => continue,
            None => {
                let n = name(i);
                if !quoted.contains_key(&n) {
                    continue;
                }
                n
            }
        };
        let cl = cluster.and_then(|c| a.ents.clusters.get(c));
        let he_she = matches!(
            m.kind,
            MentionKind::Pronoun(lexicon::Pronoun::He | lexicon::Pronoun::She)
        );
        // An unnamed source is a person unless its head is an organisation's word.
        let org_head = v.toks[m.head].is(lexicon::list::ORG_WORDS);
        let person = cl.is_some_and(|c| c.person) || he_she || (cl.is_none() && !org_head);
        let organisation = cl.is_some_and(|c| c.organisation_shaped())
            || (a.ents.of[i].is_none() && cluster.is_some() && m.kind != MentionKind::Relative)
            || matches!(
                m.kind,
                MentionKind::Pronoun(lexicon::Pronoun::It | lexicon::Pronoun::They)
            )
            || (cl.is_none() && org_head);
        // A subject phrase the quote detector built may run past the name ("Peel
        // later became …"): the name stands for it.
        let toks = match &m.name {
            Some(r) if m.toks.end > r.end => m.toks.start..r.end,
            _ => m.toks.clone(),
        };
        add(key, v.span(&toks), person, organisation);
    }
    // "I", "me", "my" in a direct quote are its speaker (whose entity is listed).
    for q in quotes.iter().filter(|q| q.direct) {
        let Some(sp) = &q.speaker else { continue };
        // An unresolved "he said" names no one.
        if lexicon::pronoun(&sp.entity.to_lowercase()).is_some() {
            continue;
        }
        let (lo, hi) = (v.tok_at(q.content.start), v.tok_at(q.content.end));
        for k in lo..hi.min(v.toks.len()) {
            if matches!(v.lower(k), "i" | "me" | "my" | "myself" | "mine") && v.toks[k].is_word() {
                add(sp.entity.clone(), v.toks[k].range(), true, false);
            }
        }
    }
    // Named through a mention of their cluster: the namer works on mentions.
    let mut first_of: Vec<Option<usize>> = vec![None; a.ents.clusters.len()];
    for (i, c) in a.ents.of.iter().enumerate() {
        if let Some(f) = c.and_then(|c| first_of.get_mut(c)) {
            f.get_or_insert(i);
        }
    }
    for at in &a.ents.pronouns {
        if at.mention.is_some() {
            continue;
        }
        let Some(j) = at.cluster.and_then(|c| first_of.get(c).copied().flatten()) else {
            continue;
        };
        add(
            name(j),
            v.span(&(at.site.tok..at.site.tok + 1)),
            true,
            false,
        );
    }
    order
        .into_iter()
        .filter_map(|key| {
            let mut e = acc.remove(&key)?;
            // A quoted source is listed whatever else is known of it (its quotes
            // name it), as a person unless it looks like an organisation.
            let kind = if e.person {
                EntityKind::Person
            } else if e.organisation {
                EntityKind::Organisation
            } else if quoted.contains_key(&key) {
                EntityKind::Person
            } else {
                return None;
            };
            e.mentions.sort_by_key(|r| (r.start, r.end));
            e.mentions.dedup();
            Some(FoundEntity {
                name: key,
                kind,
                mentions: e.mentions,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;

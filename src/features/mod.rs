//! Sentence features for the role model: hashed word n-grams of the sentence and of
//! its neighbours, cue-verb and quotation-mark features, and the sentence's place in
//! the article; and the mean word vectors ([`vectors`], learned from the training
//! texts) of the sentence and its neighbours. A sentence becomes a short sparse vector
//! of `(bucket, value)` pairs; for scoring, the word vectors can be folded into a
//! fitted model's weights ([`Featurizer::folded`]).
//!
//! The hashing is FNV-1a over a namespaced string, fixed forever: bucket numbers are
//! stored in model files, so changing the hash or a namespace invalidates models
//! (bump [`FeatureConfig::version`] when doing so).

mod lexicon;
pub mod vectors;

use crate::attribution::{DocAttribution, FastMap, FastSet};
use crate::text::{SentenceSpan, TextLayout, TokenKind};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;
use vectors::WordVectors;

pub use lexicon::{is_cue_word, CUE_PHRASES};

/// Feature settings; stored inside the model file so serving never re-derives them.
///
/// | name | default | meaning |
/// |---|---|---|
/// | `version` | 4 | feature-extraction version: 4 adds speech facts (each sentence's cue speech probability and reported-speech coverage, as the quotes given are typed); 3 is read as before, any other is refused |
/// | `buckets_log2` | 18 | hash space is `2^buckets_log2` buckets |
/// | `max_ngram` | 2 | word n-grams from 1 to this |
/// | `context` | true | add neighbour-sentence words and cues |
/// | `attribution` | true | add what attribution found: a cue of a found quote in the sentence, and how much of it found quotes cover |
/// | `discourse` | true | add tense, modality, temporal-expression, name-density and paragraph-shape cues, and the attribution facts of the sentences two away |
/// | `embeddings` | true | add the mean word vector ([`vectors`]) of the sentence and of each neighbour; the vectors are learned at training time and stored in the model file |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureConfig {
    pub version: u32,
    pub buckets_log2: u32,
    pub max_ngram: u32,
    pub context: bool,
    pub attribution: bool,
    pub discourse: bool,
    pub embeddings: bool,
}

/// The feature-extraction version this build implements.
pub const FEATURES_VERSION: u32 = 4;
/// The oldest version this build still computes (without the speech facts).
pub const OLDEST_FEATURES_VERSION: u32 = 3;

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            version: FEATURES_VERSION,
            buckets_log2: 18,
            max_ngram: 2,
            context: true,
            attribution: true,
            discourse: true,
            embeddings: true,
        }
    }
}

impl FeatureConfig {
    pub fn buckets(&self) -> usize {
        1usize << self.buckets_log2
    }
}

/// A sparse feature vector: `(bucket, value)`, buckets possibly repeated (values add).
pub type SparseVec = Vec<(u32, f32)>;

/// Per-sentence facts computed once per document and shared with the neighbours'
/// feature sets.
#[derive(Debug, Clone, Default)]
struct SentenceFacts<'a> {
    /// Lowercase words (borrowed from the text when already lowercase, which most are).
    words: Vec<Cow<'a, str>>,
    /// The hashes of each word, in step with `words`.
    hashes: Vec<WordHashes>,
    cue: bool,
    according: bool,
    quote_frac: f32,
    has_mark: bool,
    /// What attribution found here: "none", or the kind of quote whose cue is in
    /// this sentence, or how much of it found quotes cover.
    attr: &'static str,
    /// Its speech facts (version 4): the speech probability of the quotes whose cue
    /// is here, and how much of it reported speech covers.
    speech: SpeechFact,
    /// Tense, modality, time and name-density cues (see [`discourse_cues`]).
    cues: DiscourseCues,
    /// Mean word vector (empty without word vectors); when folded, the mean of the
    /// words' folded rows instead (see [`Folded`]).
    emb: Vec<f32>,
}

/// Cues of a sentence's discourse function that plain n-grams see only word by word:
/// grouped here so that rare members of a group share one weight.
#[derive(Debug, Clone, Copy, Default)]
struct DiscourseCues {
    /// "will", "expected to", "plans to": predictions and consequences (claims).
    future: bool,
    /// "could", "may", "might", "would", "likely": hedged judgement (claims).
    hedge: bool,
    /// "should", "must", "need to": evaluation (claims).
    obligation: bool,
    /// Past-tense verbs ("was", "-ed"): happenings (events, history).
    past: bool,
    /// "has been", "have risen": perfect aspect (background, recent context).
    perfect: bool,
    /// Present "is/are": general statements (background, claims).
    present: bool,
    /// A specific recent time: a weekday, "yesterday", "today", "last week".
    recent_time: bool,
    /// Distant time: "ago", "since", "in the 1990s", years.
    distant_time: bool,
    /// Share of words (after the first) that are capitalised: names, places, bodies.
    caps: &'static str,
}

const FUTURE: &[&str] = &[
    "will",
    "won't",
    "'ll",
    "expected",
    "expects",
    "plans",
    "planned",
    "set",
    "going",
    "forecast",
    "predicted",
    "upcoming",
    "next",
];
const HEDGE: &[&str] = &[
    "could",
    "may",
    "might",
    "would",
    "likely",
    "unlikely",
    "possibly",
    "perhaps",
    "probably",
    "potential",
    "potentially",
    "appears",
    "seems",
    "suggests",
    "suggest",
];
const OBLIGATION: &[&str] = &[
    "should",
    "must",
    "need",
    "needs",
    "ought",
    "important",
    "crucial",
    "essential",
    "necessary",
];
const PAST: &[&str] = &[
    "was", "were", "had", "did", "came", "went", "took", "made", "won", "lost", "began", "fell",
    "rose", "met", "held", "gave", "left", "killed", "sent",
];
const PRESENT: &[&str] = &[
    "is", "are", "am", "does", "do", "remains", "remain", "has", "have",
];
const RECENT: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tonight",
    "earlier",
    "overnight",
    "weekend",
    "morning",
    "afternoon",
    "evening",
];
const DISTANT: &[&str] = &[
    "ago",
    "since",
    "decades",
    "decade",
    "century",
    "history",
    "historically",
    "former",
    "formerly",
    "previously",
    "once",
    "<year>",
];

const F_FUTURE: u8 = 1;
const F_HEDGE: u8 = 2;
const F_OBLIGATION: u8 = 4;
const F_PAST: u8 = 8;
const F_PRESENT: u8 = 16;
const F_RECENT: u8 = 32;
const F_DISTANT: u8 = 64;

/// Every cue word with the groups it belongs to: one hash probe per word instead of a
/// scan of each list.
static CUE_GROUPS: std::sync::LazyLock<FastMap<&'static str, u8>> =
    std::sync::LazyLock::new(|| {
        let mut m = FastMap::default();
        for (list, bit) in [
            (FUTURE, F_FUTURE),
            (HEDGE, F_HEDGE),
            (OBLIGATION, F_OBLIGATION),
            (PAST, F_PAST),
            (PRESENT, F_PRESENT),
            (RECENT, F_RECENT),
            (DISTANT, F_DISTANT),
        ] {
            for w in list {
                *m.entry(*w).or_insert(0) |= bit;
            }
        }
        m
    });

fn discourse_cues(words: &[Cow<'_, str>], raw: &[&str]) -> DiscourseCues {
    let groups = words.iter().fold(0u8, |acc, w| {
        acc | CUE_GROUPS.get(w.as_ref()).copied().unwrap_or(0)
    });
    let has = |bit: u8| groups & bit != 0;
    let past = has(F_PAST) || words.iter().any(|w| w.len() > 4 && w.ends_with("ed"));
    let perfect = words.windows(2).any(|p| {
        matches!(p[0].as_ref(), "has" | "have" | "had")
            && (p[1] == "been"
                || (p[1].len() > 3 && (p[1].ends_with("ed") || p[1].ends_with("en"))))
    });
    let recent_time = has(F_RECENT)
        || words.windows(2).any(|p| {
            p[0] == "last" && matches!(p[1].as_ref(), "week" | "month" | "night" | "year")
        });
    let caps_n = raw
        .iter()
        .skip(1)
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    let frac = caps_n as f32 / raw.len().saturating_sub(1).max(1) as f32;
    DiscourseCues {
        future: has(F_FUTURE),
        hedge: has(F_HEDGE),
        obligation: has(F_OBLIGATION),
        past,
        perfect,
        present: has(F_PRESENT),
        recent_time,
        distant_time: has(F_DISTANT),
        caps: if caps_n == 0 {
            "0"
        } else if frac < 0.15 {
            "lo"
        } else if frac < 0.35 {
            "mid"
        } else {
            "hi"
        },
    }
}

/// Turns the sentences of a [`TextLayout`] into sparse vectors.
#[derive(Debug, Clone)]
pub struct Featurizer {
    config: FeatureConfig,
    mask: u32,
    /// Word vectors, when the config asks for them and the model has them.
    vectors: Option<Arc<WordVectors>>,
    /// Buckets of the vector dimensions: the sentence's, the previous and the next
    /// sentence's, `dim` each (hashed once here, not per sentence).
    emb_buckets: [Vec<u32>; 3],
    /// The vectors folded into a fitted model's weights, for scoring.
    folded: Option<Arc<Folded>>,
}

/// Word vectors folded into a fitted role model's weights, for scoring: per word,
/// what its vector adds to the four role logits from each slot (the sentence's own
/// mean, and the means of the previous and the next sentence). A mean of vectors
/// times weights is the mean of vectors-times-weights, so adding the folded rows'
/// means gives the logits that the `3 × dim` vector features would, at 12 numbers
/// per word instead of `dim` and without `3 × dim` weight lookups per sentence.
#[derive(Debug)]
struct Folded {
    /// By word-vector row: `[own; prev; next] × 4 roles`.
    rows: Vec<[f32; 12]>,
}

/// [`fnv1a`] of `parts` followed by one more part made of `joined` concatenated.
fn fnv1a_joined(parts: &[&[u8]], joined: &[&[u8]]) -> u64 {
    let h = joined.iter().fold(fnv1a(parts), |h, p| fnv_bytes(h, p));
    fnv_separator(h)
}

/// A word's hashes, computed in one pass over its bytes (each is a chain of
/// multiplications, so the four run side by side): its unigram feature as a word of
/// its own sentence (`w`), as a previous-sentence word of the next sentence (`pw`)
/// and as a next-sentence word of the previous one (`nw`), each [`fnv1a`] of
/// `[ns, word]`, and its word-vector key ([`vectors::word_hash`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WordHashes {
    w: u64,
    pw: u64,
    nw: u64,
    vector: u64,
}

pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// The FNV-1a state `h` after `bytes` (the one definition of the step every hash
/// here uses).
pub(crate) const fn fnv_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(FNV_PRIME);
        i += 1;
    }
    h
}

/// The separator [`fnv1a`] puts after each part, so ("ab","c") and ("a","bc") differ.
const fn fnv_separator(h: u64) -> u64 {
    (h ^ 0xff).wrapping_mul(FNV_PRIME)
}

/// The word-vector rows of the words with these hashes (words without one skipped).
fn vector_rows<'v>(
    v: &'v WordVectors,
    hashes: &'v [WordHashes],
) -> impl Iterator<Item = usize> + 'v {
    hashes.iter().filter_map(|h| v.index_of_hash(h.vector))
}

/// The [`fnv1a`] state after the part `ns` and its separator.
const fn fnv_after(ns: &[u8]) -> u64 {
    fnv_separator(fnv_bytes(FNV_OFFSET, ns))
}

impl WordHashes {
    fn of(word: &str) -> WordHashes {
        const W: u64 = fnv_after(b"w");
        const PW: u64 = fnv_after(b"pw");
        const NW: u64 = fnv_after(b"nw");
        let (mut w, mut pw, mut nw, mut vector) = (W, PW, NW, FNV_OFFSET);
        for &b in word.as_bytes() {
            let b = u64::from(b);
            w = (w ^ b).wrapping_mul(FNV_PRIME);
            pw = (pw ^ b).wrapping_mul(FNV_PRIME);
            nw = (nw ^ b).wrapping_mul(FNV_PRIME);
            vector = (vector ^ b).wrapping_mul(FNV_PRIME);
        }
        WordHashes {
            w: fnv_separator(w),
            pw: fnv_separator(pw),
            nw: fnv_separator(nw),
            vector,
        }
    }

    /// The unigram hash in namespace `ns`, if it is `w`, `pw` or `nw`.
    fn unigram(&self, ns: &str) -> Option<u64> {
        match ns {
            "w" => Some(self.w),
            "pw" => Some(self.pw),
            "nw" => Some(self.nw),
            _ => None,
        }
    }
}

fn fnv1a(parts: &[&[u8]]) -> u64 {
    parts
        .iter()
        .fold(FNV_OFFSET, |h, p| fnv_separator(fnv_bytes(h, p)))
}

/// The attribution fact of each sentence: the cue of a rule-found quote inside it
/// wins (the first such quote in attribution order, by kind and whether a speaker
/// was found), else how much rule-found quotes cover it. With `speech` (feature
/// version 4), also each sentence's [`SpeechFact`] from every voiced quote (rules'
/// and learned), as the quotes are typed when the role model reads them (by the
/// cue-class rule, at training as at serving time). One pass over the quotes with
/// binary searches over the sorted, non-overlapping sentences, so long documents
/// stay linear.
fn attr_facts(
    attr: &DocAttribution,
    sents: &[SentenceSpan],
    speech: bool,
) -> (Vec<&'static str>, Vec<SpeechFact>) {
    let n = sents.len();
    let mut cue_kind: Vec<Option<&'static str>> = vec![None; n];
    let mut covered = vec![0usize; n];
    let mut cue_p: Vec<Option<f32>> = vec![None; n];
    let mut speech_covered = vec![0usize; n];
    for q in attr.quotes.iter().filter(|q| !q.unvoiced) {
        let rules = !q.learned;
        let is_speech = speech && q.kind == crate::attribution::AttributionType::Speech;
        if let Some(c) = &q.cue {
            let i = sents.partition_point(|s| s.range.end < c.end);
            if sents
                .get(i)
                .is_some_and(|s| c.start >= s.range.start && c.end <= s.range.end)
            {
                if rules && cue_kind[i].is_none() {
                    cue_kind[i] = Some(match (q.direct, q.speaker.is_some()) {
                        (true, true) => "cue_direct_spk",
                        (true, false) => "cue_direct",
                        (false, true) => "cue_reported_spk",
                        (false, false) => "cue_reported",
                    });
                }
                if speech {
                    let p = cue_p[i].get_or_insert(0.0);
                    *p = p.max(q.p_speech);
                }
            }
        }
        if !rules && !is_speech {
            continue;
        }
        let first = sents.partition_point(|s| s.range.end <= q.content.start);
        for (i, s) in sents.iter().enumerate().skip(first) {
            if s.range.start >= q.content.end {
                break;
            }
            let inside = q
                .content
                .end
                .min(s.range.end)
                .saturating_sub(q.content.start.max(s.range.start));
            if rules {
                covered[i] += inside;
            }
            if is_speech {
                speech_covered[i] += inside;
            }
        }
    }
    let share = |c: usize, s: &SentenceSpan| {
        if c == 0 {
            "none"
        } else if 2 * c < s.range.len().max(1) {
            "part"
        } else {
            "most"
        }
    };
    let facts = sents
        .iter()
        .enumerate()
        .map(|(i, s)| cue_kind[i].unwrap_or_else(|| share(covered[i], s)))
        .collect();
    let speech_facts = sents
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if !speech {
                return SpeechFact::OFF;
            }
            SpeechFact {
                cue: match cue_p[i] {
                    None => "none",
                    Some(p) if p < 0.3 => "lo",
                    Some(p) if p < 0.7 => "mid",
                    Some(_) => "hi",
                },
                cover: share(speech_covered[i], s),
            }
        })
        .collect();
    (facts, speech_facts)
}

/// The speech facts of a sentence (feature version 4 on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SpeechFact {
    /// The highest speech probability of a quote whose cue is in the sentence:
    /// "none", "lo" (< 0.3), "mid" or "hi" (≥ 0.7).
    cue: &'static str,
    /// How much of the sentence reported speech covers: "none", "part" or "most".
    cover: &'static str,
}

impl Default for SpeechFact {
    fn default() -> Self {
        SpeechFact::OFF
    }
}

impl SpeechFact {
    /// Not computed (older feature versions, or attribution features off).
    const OFF: SpeechFact = SpeechFact {
        cue: "off",
        cover: "off",
    };
}

/// A sentence's structural features, as buckets.
struct Flags<'f> {
    buckets: Vec<u32>,
    fz: &'f Featurizer,
}

impl Flags<'_> {
    fn add(&mut self, name: &str, val: &str) {
        self.buckets.push(self.fz.flag_bucket(name, val));
    }

    fn add_parts(&mut self, parts: &[&[u8]]) {
        self.buckets.push(self.fz.flag_bucket_parts(parts));
    }
}

/// How `format!` writes a bool, for feature names fixed in model files.
fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// `k.to_string()`, without allocating for the small numbers features use.
fn small_number(k: usize) -> Cow<'static, str> {
    const SMALL: [&str; 13] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
    ];
    SMALL
        .get(k)
        .map_or_else(|| Cow::Owned(k.to_string()), |s| Cow::Borrowed(*s))
}

fn bucket_of(len: usize) -> &'static str {
    match len {
        0..=5 => "0-5",
        6..=10 => "6-10",
        11..=20 => "11-20",
        21..=35 => "21-35",
        _ => "36+",
    }
}

impl Featurizer {
    /// A featurizer without word vectors: the `embeddings` features are left out.
    pub fn new(config: FeatureConfig) -> Self {
        Featurizer::with_vectors(config, None)
    }

    /// A featurizer that adds the mean word vectors of each sentence and its
    /// neighbours when `config.embeddings` is on and `vectors` are given.
    pub fn with_vectors(config: FeatureConfig, vectors: Option<Arc<WordVectors>>) -> Self {
        let mask = (config.buckets() - 1) as u32;
        let vectors = vectors.filter(|_| config.embeddings);
        let dim = vectors.as_ref().map_or(0, |v| v.dim());
        let buckets = |ns: &[u8]| -> Vec<u32> {
            (0..dim as u32)
                .map(|i| (fnv1a(&[ns, &i.to_le_bytes()]) as u32) & mask)
                .collect()
        };
        let emb_buckets = [buckets(b"e"), buckets(b"pe"), buckets(b"ne")];
        Featurizer {
            config,
            mask,
            vectors,
            emb_buckets,
            folded: None,
        }
    }

    /// This featurizer with its word vectors folded into the weights of a fitted role
    /// model (`row(bucket)` gives the model's four weights of a bucket), for
    /// [`Featurizer::featurize_for_scoring`]. Without word vectors it is unchanged.
    pub fn folded(mut self, row: impl Fn(u32) -> [f32; 4]) -> Featurizer {
        let Some(v) = &self.vectors else { return self };
        // Per dimension, its 12 weights (slot-major, then role), as f64.
        let dim = self.emb_buckets[0].len();
        let mut weights = vec![[0f64; 12]; dim];
        for (slot, bs) in self.emb_buckets.iter().enumerate() {
            for (d, &b) in bs.iter().enumerate() {
                for (k, w) in row(b).into_iter().enumerate() {
                    weights[d][slot * 4 + k] = f64::from(w);
                }
            }
        }
        let rows = (0..v.len())
            .map(|r| {
                // The 12 dot products side by side, each summed in dimension order
                // (the same sums as one at a time, so the same rounding).
                let mut acc = [0f64; 12];
                for (a, w) in v.vector(r).into_iter().zip(&weights) {
                    let a = f64::from(a);
                    for (s, w) in acc.iter_mut().zip(w) {
                        *s += a * w;
                    }
                }
                acc.map(|x| x as f32)
            })
            .collect();
        self.folded = Some(Arc::new(Folded { rows }));
        self
    }

    /// Whether sentence vectors are part of the features.
    pub fn uses_vectors(&self) -> bool {
        self.vectors.is_some()
    }

    pub fn config(&self) -> &FeatureConfig {
        &self.config
    }

    /// Bucket of structural feature `name=val` in namespace "s": the same bucket as
    /// hashing the joined string, without allocating it per sentence.
    fn flag_bucket(&self, name: &str, val: &str) -> u32 {
        self.flag_bucket_parts(&[name.as_bytes(), b"=", val.as_bytes()])
    }

    /// [`Self::flag_bucket`] of the concatenation of `parts` (`name`, `=`, value
    /// pieces), for names and values built per sentence, without a `format!`.
    fn flag_bucket_parts(&self, parts: &[&[u8]]) -> u32 {
        (fnv1a_joined(&[b"s"], parts) as u32) & self.mask
    }

    /// Per-sentence facts; `folded` asks for the folded vector rows' means (see
    /// [`Folded`]) instead of the mean vectors.
    fn attr_of(
        &self,
        layout: &TextLayout,
        attr: &DocAttribution,
    ) -> (Vec<&'static str>, Vec<SpeechFact>) {
        if !self.config.attribution {
            let n = layout.sentences.len();
            return (vec!["off"; n], vec![SpeechFact::OFF; n]);
        }
        attr_facts(attr, &layout.sentences, self.config.version >= 4)
    }

    /// The facts of sentence `s` of `layout`, whose attribution fact is `attr_fact`.
    /// `qi` is the first quotation-mark span that may reach `s`: pass the same
    /// variable for sentences in order (from 0) and it skips the spans passed by.
    fn sentence_facts<'a>(
        &self,
        layout: &'a TextLayout,
        s: &SentenceSpan,
        attr_fact: &'static str,
        speech: SpeechFact,
        qi: &mut usize,
        folded: bool,
    ) -> SentenceFacts<'a> {
        let toks = layout.sentence_tokens(&s.range);
        let words: Vec<Cow<'a, str>> = toks
            .iter()
            .filter(|t| t.kind != TokenKind::Punct || matches!(t.text, "\"" | ":" | "?" | "!"))
            .map(|t| {
                if t.kind == TokenKind::Number {
                    // Years mark history; other numbers are statistics.
                    let is_year =
                        t.text.len() == 4 && (t.text.starts_with("19") || t.text.starts_with("20"));
                    Cow::Borrowed(if is_year { "<year>" } else { "<num>" })
                } else if t
                    .text
                    .bytes()
                    .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
                {
                    // Already lowercase: to_lowercase would copy it unchanged.
                    Cow::Borrowed(t.text)
                } else {
                    Cow::Owned(t.text.to_lowercase())
                }
            })
            .collect();
        let hashes: Vec<WordHashes> = words.iter().map(|w| WordHashes::of(w)).collect();
        let cue = words.iter().any(|w| is_cue_word(w));
        let raw: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.text)
            .collect();
        let cues = discourse_cues(&words, &raw);
        let according = words
            .windows(2)
            .any(|w| w[0] == "according" && w[1] == "to");
        // Share of the sentence inside paired quotation marks.
        while *qi < layout.quotes.len() && layout.quotes[*qi].content.end <= s.range.start {
            *qi += 1;
        }
        let mut inside = 0usize;
        let mut has_mark = false;
        for q in &layout.quotes[*qi..] {
            if q.open.start >= s.range.end {
                break;
            }
            let a = q.content.start.max(s.range.start);
            let b = q.content.end.min(s.range.end);
            inside += b.saturating_sub(a);
            has_mark = true;
        }
        let quote_frac = inside as f32 / (s.range.len().max(1)) as f32;
        let emb = match (self.vectors.as_deref(), &self.folded) {
            (Some(v), Some(f)) if folded => {
                let mut acc = [0f32; 12];
                let mut n = 0usize;
                for r in vector_rows(v, &hashes) {
                    for (a, x) in acc.iter_mut().zip(&f.rows[r]) {
                        *a += x;
                    }
                    n += 1;
                }
                let inv = 1.0 / n.max(1) as f32;
                acc.iter().map(|x| x * inv).collect()
            }
            (Some(v), _) => v.mean_of_rows(vector_rows(v, &hashes)),
            _ => Vec::new(),
        };
        SentenceFacts {
            emb,
            words,
            hashes,
            cue,
            according,
            quote_frac,
            has_mark,
            attr: attr_fact,
            speech,
            cues,
        }
    }

    /// Feature vectors of every sentence of `layout`, in order (what a role model is
    /// fitted on). `attr` is the attribution of the same layout (used when the
    /// config says so).
    pub fn featurize(&self, layout: &TextLayout, attr: &DocAttribution) -> Vec<SparseVec> {
        let mut out = Vec::with_capacity(layout.sentences.len());
        self.featurize_each(layout, attr, false, |v, _| out.push(v));
        out
    }

    /// For scoring with the model this featurizer was [`folded`](Self::folded) into:
    /// every sentence's sparse features without the word-vector dimensions, and what
    /// the word vectors add to its four role logits. The sum of the model's logits of
    /// the first and the second equals its logits of [`Featurizer::featurize`] (up to
    /// rounding). Unfolded, the second is all zeros and the first is `featurize`.
    pub fn featurize_for_scoring(
        &self,
        layout: &TextLayout,
        attr: &DocAttribution,
    ) -> (Vec<SparseVec>, Vec<[f32; 4]>) {
        let n = layout.sentences.len();
        let (mut out, mut extra) = (Vec::with_capacity(n), Vec::with_capacity(n));
        self.score_each(layout, attr, |v, e| {
            out.push(v);
            extra.push(e);
        });
        (out, extra)
    }

    /// [`Featurizer::featurize_for_scoring`] one sentence at a time, in order: `f`
    /// sees each sentence's sparse features and vector logits, and nothing of the
    /// whole document is held (the features of a long text outweigh the text).
    pub fn score_each(
        &self,
        layout: &TextLayout,
        attr: &DocAttribution,
        f: impl FnMut(SparseVec, [f32; 4]),
    ) {
        self.featurize_each(layout, attr, self.folded.is_some(), f);
    }

    /// Each sentence's features and (when `folded`) vector logits, in order. The
    /// per-sentence facts are made as the sentence and its neighbours need them.
    fn featurize_each(
        &self,
        layout: &TextLayout,
        attr: &DocAttribution,
        folded: bool,
        mut emit: impl FnMut(SparseVec, [f32; 4]),
    ) {
        let (attr_of, speech_of) = self.attr_of(layout, attr);
        let n = layout.sentences.len();
        let fact = |j: usize, qi: &mut usize| {
            let s = &layout.sentences[j];
            self.sentence_facts(layout, s, attr_of[j], speech_of[j], qi, folded)
        };
        // Words of the headline and lead: sentences about the main event reuse them.
        let mut qi0 = 0;
        let head: Vec<SentenceFacts> = (0..n.min(2)).map(|j| fact(j, &mut qi0)).collect();
        let lead: FastSet<&str> = head
            .iter()
            .flat_map(|f| f.words.iter())
            .filter(|w| w.len() >= 4)
            .map(|w| w.as_ref())
            .collect();
        // Sentences per paragraph: one-sentence paragraphs are typical of wire copy's
        // quotes and events.
        let mut para_len = vec![0usize; layout.sentences.last().map_or(0, |s| s.paragraph + 1)];
        for s in &layout.sentences {
            para_len[s.paragraph] += 1;
        }
        // The facts of sentences i - 1, i and i + 1.
        let mut qi = 0;
        let mut window: [Option<SentenceFacts>; 3] = [None, None, None];
        for j in 0..n.min(2) {
            window[j + 1] = Some(fact(j, &mut qi));
        }
        for (i, s) in layout.sentences.iter().enumerate() {
            if i > 0 {
                window.rotate_left(1);
                window[2] = (i + 1 < n).then(|| fact(i + 1, &mut qi));
            }
            let near = |j: usize| window[j + 1 - i].as_ref();
            let Some(f) = window[1].as_ref() else { break };
            let mut extra = [0f32; 4];
            let mut v = SparseVec::with_capacity(8 * f.words.len() + 32);
            self.ngrams(&mut v, "w", f, self.config.max_ngram as usize, 1.0);
            // Structure: the feature names say what they are.
            let mut flags = Flags {
                buckets: Vec::with_capacity(32),
                fz: self,
            };
            flags.add("bias", "1");
            flags.add("cue", if f.cue { "1" } else { "0" });
            flags.add("according", if f.according { "1" } else { "0" });
            let qf = if f.quote_frac <= 0.0 {
                if f.has_mark {
                    "mark"
                } else {
                    "none"
                }
            } else if f.quote_frac < 0.5 {
                "part"
            } else {
                "most"
            };
            flags.add("quoted", qf);
            flags.add_parts(&[
                b"quoted+cue=",
                qf.as_bytes(),
                b":",
                bool_str(f.cue).as_bytes(),
            ]);
            flags.add("attr", f.attr);
            if f.speech != SpeechFact::OFF {
                flags.add("speech_cue", f.speech.cue);
                flags.add("speech_cov", f.speech.cover);
                flags.add_parts(&[
                    b"speech_cue+cov=",
                    f.speech.cue.as_bytes(),
                    b":",
                    f.speech.cover.as_bytes(),
                ]);
            }
            flags.add("sent_idx", &small_number(i.min(12)));
            flags.add("rel_pos", &small_number((10 * i) / n.max(1)));
            flags.add("para_idx", &small_number(s.paragraph.min(10)));
            flags.add("idx_in_para", &small_number(s.index_in_paragraph.min(4)));
            flags.add("len", bucket_of(f.words.len()));
            flags.add("last", if i + 1 == n { "1" } else { "0" });
            if i >= 2 {
                let content: Vec<&Cow<str>> = f.words.iter().filter(|w| w.len() >= 4).collect();
                let shared = content.iter().filter(|w| lead.contains(w.as_ref())).count();
                let frac = shared as f32 / content.len().max(1) as f32;
                let b = if shared == 0 {
                    "0"
                } else if frac < 0.2 {
                    "lo"
                } else if frac < 0.4 {
                    "mid"
                } else {
                    "hi"
                };
                flags.add("lead_overlap", b);
            }
            if self.config.discourse {
                let c = &f.cues;
                for (name, on) in [
                    ("future", c.future),
                    ("hedge", c.hedge),
                    ("oblig", c.obligation),
                    ("past", c.past),
                    ("perfect", c.perfect),
                    ("present", c.present),
                    ("recent_time", c.recent_time),
                    ("distant_time", c.distant_time),
                ] {
                    if on {
                        flags.add(name, "1");
                    }
                }
                flags.add(
                    "tense",
                    match (c.past, c.present) {
                        (true, false) => "past",
                        (false, true) => "present",
                        (true, true) => "mixed",
                        (false, false) => "none",
                    },
                );
                flags.add("caps", c.caps);
                flags.add("para_len", &small_number(para_len[s.paragraph].min(4)));
                flags.add_parts(&[
                    b"first_in_para+pos=",
                    bool_str(s.index_in_paragraph == 0).as_bytes(),
                    b":",
                    small_number((4 * i) / n.max(1)).as_bytes(),
                ]);
                for (off, name) in [(-2i64, "prev2_attr"), (2, "next2_attr")] {
                    let j = i as i64 + off;
                    let v = if j < 0 || j >= n as i64 {
                        "none"
                    } else {
                        attr_of[j as usize]
                    };
                    flags.add(name, v);
                }
            }
            if self.config.context {
                for (off, name) in [(-1i64, "prev"), (1, "next")] {
                    let j = i as i64 + off;
                    if j < 0 || j >= n as i64 {
                        flags.add(name, "none");
                        continue;
                    }
                    let Some(g) = near(j as usize) else { continue };
                    let same_para = layout.sentences[j as usize].paragraph == s.paragraph;
                    let name = name.as_bytes();
                    for (suffix, val) in [
                        (&b"_cue="[..], if g.cue { "1" } else { "0" }),
                        (b"_attr=", g.attr),
                        (b"_quoted=", if g.quote_frac >= 0.5 { "1" } else { "0" }),
                        (b"_same_para=", if same_para { "1" } else { "0" }),
                    ] {
                        flags.add_parts(&[name, suffix, val.as_bytes()]);
                    }
                    if g.speech != SpeechFact::OFF {
                        // A quotation paragraph continues the speech around it.
                        flags.add_parts(&[
                            name,
                            b"_speech_cov+same_para=",
                            g.speech.cover.as_bytes(),
                            b":",
                            bool_str(same_para).as_bytes(),
                        ]);
                    }
                }
            }
            v.extend(flags.buckets.iter().map(|&b| (b, 1.0)));
            if self.config.context {
                for (off, ns) in [(-1i64, "pw"), (1, "nw")] {
                    let j = i as i64 + off;
                    if let Some(g) = (j >= 0).then(|| near(j as usize)).flatten() {
                        self.ngrams(&mut v, ns, g, 1, 0.5);
                    }
                }
            }
            if self.vectors.is_some() {
                // Dense meaning of the sentence and its neighbours (none at the ends).
                for (off, slot) in [(0i64, 0usize), (-1, 1), (1, 2)] {
                    let j = i as i64 + off;
                    if let Some(g) = (j >= 0).then(|| near(j as usize)).flatten() {
                        let e = &g.emb;
                        if folded {
                            for (k, x) in extra.iter_mut().enumerate() {
                                *x += e[slot * 4 + k];
                            }
                        } else {
                            v.extend(
                                self.emb_buckets[slot]
                                    .iter()
                                    .copied()
                                    .zip(e.iter().copied()),
                            );
                        }
                    }
                }
            }
            emit(v, extra);
        }
    }

    /// Word n-grams (1..=max) with sentence-boundary markers, L2-normalised as a block
    /// scaled by `weight`, so long sentences do not drown the structural features.
    fn ngrams(&self, v: &mut SparseVec, ns: &str, f: &SentenceFacts, max: usize, weight: f32) {
        let words = &f.words;
        let start = v.len();
        for (i, (w, h)) in words.iter().zip(&f.hashes).enumerate() {
            let h = h
                .unigram(ns)
                .unwrap_or_else(|| fnv1a(&[ns.as_bytes(), w.as_bytes()]));
            v.push(((h as u32) & self.mask, 1.0));
            if max >= 2 {
                let prev = if i == 0 { "<s>" } else { words[i - 1].as_ref() };
                let h = fnv1a(&[ns.as_bytes(), b"2", prev.as_bytes(), w.as_bytes()]);
                v.push(((h as u32) & self.mask, 1.0));
            }
        }
        if max >= 2 {
            if let Some(last) = words.last() {
                let h = fnv1a(&[ns.as_bytes(), b"2", last.as_bytes(), b"</s>"]);
                v.push(((h as u32) & self.mask, 1.0));
            }
        }
        let added = v.len() - start;
        if added > 0 {
            let scale = weight / (added as f32).sqrt();
            for e in &mut v[start..] {
                e.1 *= scale;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_hash_equals_hash_of_the_joined_string() {
        assert_eq!(
            fnv1a_joined(&[b"s"], &[b"cue", b"=", b"1"]),
            fnv1a(&[b"s", b"cue=1"])
        );
    }

    #[test]
    fn one_pass_word_hashes_equal_the_separate_hashes() {
        for w in [
            "",
            "said",
            "<num>",
            "président",
            "a",
            "über-long-compound-word",
        ] {
            let h = WordHashes::of(w);
            assert_eq!(h.w, fnv1a(&[b"w", w.as_bytes()]), "{w}");
            assert_eq!(h.pw, fnv1a(&[b"pw", w.as_bytes()]), "{w}");
            assert_eq!(h.nw, fnv1a(&[b"nw", w.as_bytes()]), "{w}");
            assert_eq!(h.vector, vectors::word_hash(w), "{w}");
        }
    }

    #[test]
    fn hashing_is_stable() {
        // Bucket numbers are stored in model files: this must never change.
        assert_eq!(fnv1a(&[b"w", b"said"]), fnv1a(&[b"w", b"said"]));
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn word_vectors_add_the_sentence_and_neighbour_means_only_when_configured() {
        let layout = TextLayout::new(
            "The minister warned that prices could rise. She ate a ripe apple. Zebra!",
        );
        let attr = crate::attribution::Attributor::rules().attribute(&layout);
        let v = Arc::new(vectors::toy_vectors(4));
        let plain = Featurizer::new(FeatureConfig::default()).featurize(&layout, &attr);
        let with = Featurizer::with_vectors(FeatureConfig::default(), Some(v.clone()));
        assert!(with.uses_vectors());
        let fv = with.featurize(&layout, &attr);
        let e0 = with.emb_buckets[0].clone();
        // The first sentence: its own mean and the next one's, and nothing else changed.
        let own: Vec<f32> = e0
            .iter()
            .map(|b| fv[0].iter().filter(|x| x.0 == *b).map(|x| x.1).sum())
            .collect();
        let want = v.mean([
            "the", "minister", "warned", "that", "prices", "could", "rise",
        ]);
        for (a, b) in own.iter().zip(&want) {
            assert!((a - b).abs() < 1e-5, "{own:?} vs {want:?}");
        }
        assert_eq!(
            fv[0].len(),
            plain[0].len() + 2 * 4,
            "own + next, no previous"
        );
        assert_eq!(fv[1].len(), plain[1].len() + 3 * 4);
        // Switched off in the config: the vectors are ignored.
        let off = FeatureConfig {
            embeddings: false,
            ..FeatureConfig::default()
        };
        let f = Featurizer::with_vectors(off, Some(v));
        assert!(!f.uses_vectors());
        assert_eq!(f.featurize(&layout, &attr), plain);
    }

    #[test]
    fn version_4_reads_the_speech_facts_and_version_3_does_not() {
        let layout = TextLayout::new(
            "Mayor Anna Berg said the bridge would reopen in May. The bridge was built in 1962.",
        );
        let mut attr = crate::attribution::Attributor::rules().attribute(&layout);
        assert!(!attr.quotes.is_empty());
        let v3 = Featurizer::new(FeatureConfig {
            version: 3,
            ..FeatureConfig::default()
        });
        let v4 = Featurizer::new(FeatureConfig::default());
        assert_eq!(v4.config().version, FEATURES_VERSION);
        let (old, new) = (v3.featurize(&layout, &attr), v4.featurize(&layout, &attr));
        // The speech facts add three flags to each sentence, and neighbour facts.
        assert!(
            new[0].len() > old[0].len(),
            "{} {}",
            new[0].len(),
            old[0].len()
        );
        // The quotes' types and speech probabilities move version 4's features only.
        for q in &mut attr.quotes {
            q.p_speech = 0.05;
            q.kind = crate::attribution::AttributionType::Thought;
        }
        assert_eq!(v3.featurize(&layout, &attr), old);
        let thought = v4.featurize(&layout, &attr);
        assert_ne!(thought[0], new[0]);
        assert_eq!(thought[0].len(), new[0].len());
    }

    #[test]
    fn folded_vectors_give_the_logits_of_the_vector_features() {
        let layout = TextLayout::new(
            "The minister warned that prices could rise.\n\nShe ate a ripe apple. Zebra! The judge cautioned.",
        );
        let attr = crate::attribution::Attributor::rules().attribute(&layout);
        let f = Featurizer::with_vectors(
            FeatureConfig::default(),
            Some(Arc::new(vectors::toy_vectors(6))),
        );
        // Some weights for every bucket, different per bucket and role.
        let row = |b: u32| -> [f32; 4] {
            let h = fnv1a(&[&b.to_le_bytes()]);
            [0, 1, 2, 3].map(|k| (((h >> (8 * k)) & 0xff) as f32 - 127.5) / 100.0)
        };
        let logits = |x: &SparseVec| -> [f32; 4] {
            let mut z = [0f32; 4];
            for &(b, v) in x {
                let r = row(b);
                for k in 0..4 {
                    z[k] += r[k] * v;
                }
            }
            z
        };
        let full: Vec<[f32; 4]> = f.featurize(&layout, &attr).iter().map(logits).collect();
        let unfolded = f.featurize_for_scoring(&layout, &attr);
        assert!(unfolded.1.iter().all(|z| *z == [0.0; 4]));
        let g = f.clone().folded(row);
        let (sparse, extra) = g.featurize_for_scoring(&layout, &attr);
        assert_eq!(sparse.len(), full.len());
        assert!(sparse
            .iter()
            .zip(&unfolded.0)
            .all(|(a, b)| a.len() < b.len()));
        for (i, want) in full.iter().enumerate() {
            let mut got = logits(&sparse[i]);
            for k in 0..4 {
                got[k] += extra[i][k];
            }
            for k in 0..4 {
                assert!(
                    (got[k] - want[k]).abs() < 1e-3,
                    "sentence {i}: {got:?} vs {want:?}"
                );
            }
        }
        // Training features are never folded.
        assert_eq!(g.featurize(&layout, &attr), f.featurize(&layout, &attr));
    }

    #[test]
    fn one_vector_per_sentence_and_cue_detected() {
        let layout = TextLayout::new(
            "Officials met on Monday.\n\n\"We will win,\" she said. The vote is likely to pass.",
        );
        let f = Featurizer::new(FeatureConfig::default());
        let attr = crate::attribution::Attributor::rules().attribute(&layout);
        let vs = f.featurize(&layout, &attr);
        assert_eq!(vs.len(), layout.sentences.len());
        assert!(vs.iter().all(|v| !v.is_empty()));
        let cue_on = fnv1a(&[b"s", b"cue=1"]) as u32 & f.mask;
        let has = |v: &SparseVec| v.iter().any(|&(b, _)| b == cue_on);
        assert!(!has(&vs[0]));
        assert!(has(&vs[1]));
    }
}

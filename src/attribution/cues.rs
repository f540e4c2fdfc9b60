//! The trained cue detector: reported speech whose cue the rules' lexicon does not
//! know ("Trump's latest effort to …", "many colleges offer …", "X has embraced the
//! idea of …"). PolNeAR marks a long tail of such cues; no rule list reaches it.
//!
//! Every lowercase word outside the quotes the rules found is a *site*. A site is
//! scored by a logistic regression (linfa) over the learned log-odds of its word and
//! of its word pair (word, next word) being a gold cue, and a few context facts
//! (a subject before it, "that" or "to" after it, a quote already in the sentence).
//! The word tables are counted on the training documents; the regression's rows get
//! out-of-fold counts, so it learns how far to trust a table, not the table by heart.
//! A site above the threshold opens a quote running to the end of its clause; the
//! speaker ranker then names its speaker, and a learned quote without one is dropped.

use super::detect::{self, Cue, Detected, Ms, Structure};
use super::lexicon::{self, CueClass, CueForm};
use super::view::{Kind, View};
use super::FastMap as HashMap;
use crate::error::{Error, Result};
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Context facts per site, after the two table features.
const N_CONTEXT: usize = 12;
/// Regression inputs: word log-odds, pair log-odds, pair seen, context.
pub(crate) const N_FEATURES: usize = 3 + N_CONTEXT;
/// A word or pair counted fewer times (outside the rules' quotes) gets no entry.
const MIN_COUNT: u32 = 3;
/// Folds for the out-of-fold table features of the regression's rows.
const FOLDS: usize = 5;
/// L2 penalty of the regression.
const ALPHA: f64 = 1.0;
/// Sites below this probability are never quotes, whatever the tuned threshold;
/// training sees the quotes above it, so tuning can only raise the bar.
pub(crate) const FLOOR: f32 = 0.3;

/// The learned cue tables and regression weights.
///
/// | name | meaning |
/// |---|---|
/// | `words` | per word, smoothed log-odds that an occurrence is a gold cue (sorted) |
/// | `pairs` | per "word next", the same for the word pair (sorted) |
/// | `weights` | intercept, then one weight per feature (`N_FEATURES`) |
/// | `threshold` | a site opens a quote from this probability on (tuned on dev) |
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CueModel {
    pub words: Vec<(String, f32)>,
    pub pairs: Vec<(String, f32)>,
    pub weights: Vec<f64>,
    pub threshold: f32,
    #[serde(skip)]
    pub(crate) index: TableIndex,
}

/// Hash lookups over the sorted tables, built on first use: a binary search over
/// strings for every lowercase word of a text showed in profiles. Derived state: a
/// clone starts empty and two indexes always compare equal.
#[derive(Default)]
pub(crate) struct TableIndex(std::sync::OnceLock<Index>);

pub(crate) struct Index {
    /// Word → its log-odds and the range of its pairs in `nexts`.
    words: HashMap<Box<str>, (f32, usize, usize)>,
    /// Per pair, the next word and the pair's log-odds, grouped by word and sorted
    /// by the next word within a group (as the sorted keys "word next" are).
    nexts: Vec<(Box<str>, f32)>,
}

impl Clone for TableIndex {
    fn clone(&self) -> Self {
        TableIndex::default()
    }
}

impl PartialEq for TableIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for TableIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TableIndex")
    }
}

impl Index {
    fn new(words: &[(String, f32)], pairs: &[(String, f32)]) -> Index {
        // Sorted keys "word next" keep each word's pairs together.
        let mut ranges: HashMap<&str, (usize, usize)> = HashMap::default();
        let mut nexts = Vec::with_capacity(pairs.len());
        for (k, lo) in pairs {
            let Some((w, next)) = k.split_once(' ') else {
                continue;
            };
            let i = nexts.len();
            let r = ranges.entry(w).or_insert((i, i));
            if r.1 == i {
                r.1 = i + 1;
            }
            nexts.push((next.into(), *lo));
        }
        let words = words
            .iter()
            .map(|(w, lo)| {
                let (a, b) = ranges.get(w.as_str()).copied().unwrap_or((0, 0));
                (w.as_str().into(), (*lo, a, b))
            })
            .collect();
        Index { words, nexts }
    }

    fn word(&self, w: &str) -> Option<f32> {
        self.words.get(w).map(|x| x.0)
    }

    fn pair(&self, w: &str, next: &str) -> Option<f32> {
        let &(_, a, b) = self.words.get(w)?;
        // Within a word's group the pairs are sorted by the next word.
        let group = &self.nexts[a..b];
        group
            .binary_search_by(|(n, _)| n.as_bytes().cmp(next.as_bytes()))
            .ok()
            .map(|i| group[i].1)
    }
}

/// One site: a candidate cue token and the content it would open.
pub(crate) struct Site {
    pub tok: usize,
    /// Token range of the content: after the cue to the clause end.
    pub content: Range<usize>,
    pub context: [f64; N_CONTEXT],
}

/// A site of a training document with its label.
pub(crate) struct Example {
    pub word: String,
    pub next: String,
    pub context: [f64; N_CONTEXT],
    pub cue: bool,
}

fn pair_key(word: &str, next: &str) -> String {
    format!("{word} {next}")
}

fn log_odds(pos: u32, n: u32) -> f32 {
    ((f64::from(pos) + 0.5) / (f64::from(n - pos) + 0.5)).ln() as f32
}

fn lookup(table: &[(String, f32)], key: &str) -> Option<f32> {
    table
        .binary_search_by(|(k, _)| k.as_str().cmp(key))
        .ok()
        .map(|i| table[i].1)
}

fn features(word: f32, pair: Option<f32>, context: &[f64; N_CONTEXT]) -> [f64; N_FEATURES] {
    let mut x = [0.0; N_FEATURES];
    x[0] = f64::from(word);
    x[1] = f64::from(pair.unwrap_or(0.0));
    x[2] = f64::from(u8::from(pair.is_some()));
    x[3..].copy_from_slice(context);
    x
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// [`FLOOR`] as a score (log-odds).
fn floor_score() -> f64 {
    (f64::from(FLOOR) / (1.0 - f64::from(FLOOR))).ln()
}

/// Context slot of the clause's log word count, the one context fact not in [0, 1].
const LOG_WORDS: usize = 9;

/// The largest score of a site with word log-odds `word`, pair term `pair` (the pair
/// features' share of the score, 0 without a pair) and a clause of log word count
/// `log_words`: every other context fact at its most favourable value (binary facts
/// and the position lie in [0, 1]).
fn score_bound(weights: &[f64], word: f32, pair: f64, log_words: f64) -> f64 {
    let w = |k: usize| weights.get(k).copied().unwrap_or(0.0);
    let context: f64 = (0..N_CONTEXT)
        .map(|j| {
            if j == LOG_WORDS {
                w(4 + j) * log_words
            } else {
                w(4 + j).max(0.0)
            }
        })
        .sum();
    w(0) + w(1) * f64::from(word) + pair + context
}

/// Modals and "to" before a verb's base form.
const BEFORE_BASE: &[&str] = &[
    "to", "will", "would", "could", "can", "may", "might", "should", "must",
];
const PARTICLES: &[&str] = &["about", "on", "for", "of", "with", "over", "against", "in"];
/// Words that open a subordinate phrase at a sentence's start.
const OPENERS: &[&str] = &[
    "with",
    "after",
    "before",
    "during",
    "despite",
    "following",
    "while",
    "as",
    "when",
    "although",
    "though",
    "since",
    "because",
    "if",
    "unless",
    "amid",
    "once",
    "until",
];
/// Particles of phrasal verbs ("carried out", "backed off"): no cue on their own.
const PHRASAL: &[&str] = &["out", "up", "off", "down", "back"];

fn line_break_before(v: &View, k: usize) -> bool {
    match (k.checked_sub(1).and_then(|j| v.toks.get(j)), v.toks.get(k)) {
        (Some(a), Some(b)) => v
            .text
            .get(a.end()..b.start())
            .is_some_and(|gap| gap.contains('\n')),
        _ => false,
    }
}

/// Drops the words (and their pairs) whose probability stays below [`FLOOR`] in any
/// context: the largest score a site of the word can get, with its best pair or
/// none and every context weight at its most favourable value, is below the floor.
/// Such words never make a quote, so dropping them changes no output and spares
/// describing their sites (frequent words like "the" are among them).
fn prune(words: &mut Vec<(String, f32)>, pairs: &mut Vec<(String, f32)>, weights: &[f64]) {
    let w = |k: usize| weights.get(k).copied().unwrap_or(0.0);
    let floor = floor_score();
    let mut best_pair: HashMap<&str, f64> = HashMap::default();
    for (k, lo) in pairs.iter() {
        let Some((word, _)) = k.split_once(' ') else {
            continue;
        };
        let x = w(2) * f64::from(*lo) + w(3);
        let e = best_pair.entry(word).or_insert(f64::NEG_INFINITY);
        *e = e.max(x);
    }
    let reachable: Vec<bool> = words
        .iter()
        .map(|(word, lo)| {
            let pair = best_pair
                .get(word.as_str())
                .copied()
                .unwrap_or(0.0)
                .max(0.0);
            // The clause's log word count, linear in the score, from ln 3 (two
            // words) to a 10,000-word clause: the bound is at one of the ends.
            [3f64.ln(), 10_001f64.ln()]
                .iter()
                .any(|&lw| score_bound(weights, *lo, pair, lw) >= floor)
        })
        .collect();
    let mut keep = reachable.iter();
    words.retain(|_| *keep.next().unwrap_or(&true));
    pairs.retain(|(k, _)| {
        k.split_once(' ')
            .is_some_and(|(word, _)| lookup(words, word).is_some())
    });
}

/// The sites of a document: lowercase words outside `found`'s contents and cues and
/// outside quotation marks, with at least two words of clause after them. Only the
/// sites `keep(word, next word, clause words)` accepts get their context computed
/// (at inference, those whose score can still reach [`FLOOR`]: most cannot).
pub(crate) fn sites(
    v: &View,
    ms: &Ms,
    found: &[Detected],
    keep: impl Fn(&str, &str, usize) -> bool,
) -> Vec<Site> {
    let mut claimed = vec![false; v.toks.len()];
    for d in found {
        let spans = std::iter::once(d.content.clone()).chain(d.cue.iter().map(|c| v.span(&c.toks)));
        for r in spans {
            let a = v.tok_at(r.start);
            let b = v.tok_at(r.end).min(claimed.len());
            claimed[a.min(b)..b].iter_mut().for_each(|c| *c = true);
        }
    }
    let mut out = Vec::new();
    let (mut stop, mut words_before): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    for (si, s) in v.sents.iter().enumerate() {
        if s.title {
            continue;
        }
        let end = detect::sentence_content_end(v, si);
        let s0 = s.toks.start;
        let has_quote = claimed[s.toks.clone()].iter().any(|&c| c);
        let len = s.toks.len().max(1) as f64;
        // "With 14 of 15 members voting in favor of X, the resolution passed": a
        // sentence opening with a subordinate phrase ends it at its first comma, and
        // a cue inside it reads no further.
        let opening_end = if s0 < end && OPENERS.contains(&v.lower(s0)) {
            (s0 + 1..end).find(|&k| v.lower(k) == ",")
        } else {
            None
        };
        // Per token from the sentence start to `end`: where a content opening there
        // stops (the next quote the rules found, a line break, the opening phrase's
        // comma, or `end`), and the words before it, so that each site costs no scan
        // of its clause.
        stop.clear();
        stop.resize(end.saturating_sub(s0) + 1, end);
        for k in (s0..end).rev() {
            stop[k - s0] = if claimed[k] || line_break_before(v, k) || Some(k) == opening_end {
                k
            } else {
                stop[k + 1 - s0]
            };
        }
        words_before.clear();
        words_before.push(0);
        for k in s0..end {
            let w = v.toks[k].is_word() || v.toks[k].kind == Kind::Number;
            words_before.push(words_before[k - s0] + usize::from(w));
        }
        for i in s.toks.clone() {
            let t = &v.toks[i];
            if claimed[i] || !t.is_word() || t.cap || t.quote().is_some() || t.lower.len() < 2 {
                continue;
            }
            // The content stops at the next quote the rules found and at a line
            // break (a headline the segmenter ran into the next line).
            if i + 1 >= end {
                continue;
            }
            let e = stop[i + 1 - s0];
            let words = words_before[e - s0] - words_before[i + 1 - s0];
            let next = v.lower(i + 1);
            if words < 2 || !keep(&t.lower, next, words) {
                continue;
            }
            let prev = if i > s0 { v.lower(i - 1) } else { "" };
            let possessive = (s0..i)
                .rev()
                .take(3)
                .any(|k| v.toks[k].kind == Kind::Possessive);
            let mention_before = ms
                .starting_within(s0, i.saturating_sub(1))
                .iter()
                .any(|m| m.head < i);
            let f = |b: bool| f64::from(u8::from(b));
            let context = [
                f(next == "that"),
                f(next == "to"),
                f(PARTICLES.contains(&next)),
                f(detect::mention_ending_at(ms, i.saturating_sub(1)) && i > s0),
                f(possessive),
                f(detect::subject_before(v, ms, i).is_some()),
                f(mention_before),
                f(has_quote),
                (i - s0) as f64 / len,
                (words as f64).ln_1p(),
                f(t.cue.is_some()),
                f(BEFORE_BASE.contains(&prev)),
            ];
            out.push(Site {
                tok: i,
                content: i + 1..e,
                context,
            });
        }
    }
    out
}

/// The labelled sites of a training document; `is_cue` says whether a token's
/// byte range lies in a gold cue.
pub(crate) fn examples(
    v: &View,
    ms: &Ms,
    found: &[Detected],
    is_cue: impl Fn(Range<usize>) -> bool,
) -> Vec<Example> {
    sites(v, ms, found, |_, _, _| true)
        .into_iter()
        .map(|s| Example {
            word: v.lower(s.tok).to_string(),
            next: v.lower(s.tok + 1).to_string(),
            context: s.context,
            cue: is_cue(v.toks[s.tok].range()),
        })
        .collect()
}

impl CueModel {
    /// The hash index of the tables, built on first use.
    fn index(&self) -> &Index {
        self.index
            .0
            .get_or_init(|| Index::new(&self.words, &self.pairs))
    }

    /// The largest score a site of `word` before `next` with a clause of `words`
    /// words can get: the table features exact, each context fact at its most
    /// favourable value (binary facts and the position lie in [0, 1]). `None` for a
    /// word with no entry.
    fn bound(&self, index: &Index, word: &str, next: &str, words: usize) -> Option<f64> {
        let w = |k: usize| self.weights.get(k).copied().unwrap_or(0.0);
        let lo = index.word(word)?;
        let pair = index
            .pair(word, next)
            .map_or(0.0, |p| w(2) * f64::from(p) + w(3));
        Some(score_bound(&self.weights, lo, pair, (words as f64).ln_1p()))
    }

    /// The probability that site `s` is a cue; `None` for a word with no entry.
    pub(crate) fn prob(&self, v: &View, s: &Site) -> Option<f64> {
        let word = v.lower(s.tok);
        let index = self.index();
        let w = index.word(word)?;
        let p = index.pair(word, v.lower(s.tok + 1));
        let x = features(w, p, &s.context);
        let z = self.weights.first().copied().unwrap_or(0.0)
            + x.iter()
                .zip(self.weights.iter().skip(1))
                .map(|(a, b)| a * b)
                .sum::<f64>();
        Some(sigmoid(z))
    }

    /// The quotes the model finds outside `found`, at probability `min_p` and above.
    /// Sites are chosen left to right from [`FLOOR`] up, one per clause (a site inside
    /// a chosen content is skipped), and only then filtered by `min_p`: which sites
    /// are chosen does not depend on the threshold, so tuning it on quotes found at
    /// the floor sees what inference will find.
    pub(crate) fn quotes(
        &self,
        v: &View,
        ms: &Ms,
        found: &[Detected],
        min_p: f32,
    ) -> Vec<Detected> {
        let mut out: Vec<Detected> = Vec::new();
        let index = self.index();
        let floor = floor_score();
        let known = |w: &str, next: &str, words: usize| {
            self.bound(index, w, next, words)
                .is_some_and(|z| z >= floor)
        };
        let scored: Vec<(Site, f64)> = sites(v, ms, found, known)
            .into_iter()
            .filter_map(|s| Some((self.prob(v, &s)?, s)))
            .filter(|(p, _)| *p >= f64::from(FLOOR))
            .map(|(p, s)| (s, p))
            .collect();
        let mut taken_until = 0;
        let mut k = 0;
        while k < scored.len() {
            let (s, p) = &scored[k];
            k += 1;
            if s.tok < taken_until {
                continue;
            }
            taken_until = s.content.end;
            // Cue words in a row ("have embraced", "pledged to") make one cue; each
            // site has two words of clause after it, so the content stays words.
            let mut cue_end = s.tok + 1;
            while scored.get(k).is_some_and(|(n, _)| n.tok == cue_end) {
                cue_end += 1;
                k += 1;
            }
            if *p < f64::from(min_p) {
                continue;
            }
            // "carried out", "weighed in": a particle scored alone is its verb's
            // cue; the subject is found before the verb, not through it.
            let mut cue_start = s.tok;
            if PHRASAL.contains(&v.lower(s.tok)) && s.tok > v.sents[v.toks[s.tok].sent()].toks.start
            {
                let p = &v.toks[s.tok - 1];
                if p.is_word()
                    && !p.cap
                    && p.quote().is_none()
                    && !p.is(lexicon::list::AUX_ADVERBS)
                    && !detect::mention_ending_at(ms, s.tok - 1)
                {
                    cue_start = s.tok - 1;
                }
            }
            let t = &v.toks[cue_start];
            let cue = Cue {
                toks: cue_start..cue_end,
                class: t.cue.map_or(CueClass::Report, |c| c.class),
                form: t.cue.map_or(CueForm::Past, |c| c.form),
            };
            // The content opens with a word, not the comma after the cue.
            let (mut a, b) = (cue_end, s.content.end);
            while a < b && v.toks[a].kind == Kind::Punct {
                a += 1;
            }
            // "spoke on Monday": a time phrase is no content.
            if a == b || detect::time_mention(v, a..b) {
                continue;
            }
            let rule = detect::subject_before(v, ms, cue_start).map(|(m, _)| m);
            let mut d = detect::make(v, a..b, cue, Structure::Forward, rule);
            d.learned = Some(*p as f32);
            out.push(d);
        }
        out
    }

    /// Fits the tables and the regression on the labelled sites of the training
    /// documents (one vector per document).
    ///
    /// # Errors
    /// [`Error::Training`] when the sites hold no cue or the solver fails.
    pub(crate) fn fit(docs: &[Vec<Example>]) -> Result<(CueModel, String)> {
        type Counts<'a> = HashMap<(&'a str, &'a str), (u32, u32)>;
        // Per fold: word counts (next = "") and pair counts.
        let mut folds: Vec<Counts> = vec![Counts::default(); FOLDS];
        let mut all: Counts = Counts::default();
        for (di, d) in docs.iter().enumerate() {
            for e in d {
                for key in [(e.word.as_str(), ""), (e.word.as_str(), e.next.as_str())] {
                    for c in [&mut folds[di % FOLDS], &mut all] {
                        let x = c.entry(key).or_default();
                        x.0 += u32::from(e.cue);
                        x.1 += 1;
                    }
                }
            }
        }
        // A word is a site worth scoring when it was a cue at least once.
        let entry = |key: (&str, &str), fold: Option<usize>| -> Option<f32> {
            let (mut pos, mut n) = all.get(&key).copied().unwrap_or_default();
            if let Some(f) = fold {
                let (fp, fn_) = folds[f].get(&key).copied().unwrap_or_default();
                pos -= fp;
                n -= fn_;
            }
            (n >= MIN_COUNT).then(|| log_odds(pos, n))
        };
        let word_entry = |w: &str, fold: Option<usize>| -> Option<f32> {
            let (mut pos, _) = all.get(&(w, "")).copied().unwrap_or_default();
            if let Some(f) = fold {
                pos -= folds[f].get(&(w, "")).map_or(0, |x| x.0);
            }
            if pos == 0 {
                return None;
            }
            entry((w, ""), fold)
        };
        let mut xs: Vec<f64> = Vec::new();
        let mut ys: Vec<usize> = Vec::new();
        for (di, d) in docs.iter().enumerate() {
            let fold = Some(di % FOLDS);
            for e in d {
                let Some(w) = word_entry(&e.word, fold) else {
                    continue;
                };
                let p = entry((e.word.as_str(), e.next.as_str()), fold);
                xs.extend_from_slice(&features(w, p, &e.context));
                ys.push(usize::from(e.cue));
            }
        }
        let n = ys.len();
        let pos = ys.iter().filter(|&&y| y == 1).count();
        if pos == 0 || pos == n {
            return Err(Error::Training(format!(
                "cue detector: {n} sites with {pos} cues: need both classes"
            )));
        }
        let x = Array2::from_shape_vec((n, N_FEATURES), xs)
            .map_err(|e| Error::Training(format!("cue feature matrix: {e}")))?;
        let fitted = LogisticRegression::default()
            .alpha(ALPHA)
            .max_iterations(200)
            .fit(&Dataset::new(x, Array1::from_vec(ys)))
            .map_err(|e| Error::Training(format!("cue detector regression: {e}")))?;
        let mut weights = vec![fitted.intercept()];
        weights.extend(fitted.params().iter());
        if fitted.labels().pos.class != 1 {
            weights.iter_mut().for_each(|w| *w = -*w);
        }
        if weights.iter().any(|w| !w.is_finite()) {
            return Err(Error::Training("cue detector: non-finite weight".into()));
        }
        let mut words: Vec<(String, f32)> = Vec::new();
        let mut pairs: Vec<(String, f32)> = Vec::new();
        for &(w, next) in all.keys() {
            if !next.is_empty() {
                continue;
            }
            if let Some(lo) = word_entry(w, None) {
                words.push((w.to_string(), lo));
            }
        }
        words.sort_by(|a, b| a.0.cmp(&b.0));
        for &(w, next) in all.keys() {
            if next.is_empty() || lookup(&words, w).is_none() {
                continue;
            }
            if let Some(lo) = entry((w, next), None) {
                pairs.push((pair_key(w, next), lo));
            }
        }
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let counted = words.len();
        prune(&mut words, &mut pairs, &weights);
        let report = format!(
            "cue detector: {n} sites of known words ({pos} gold cues) from {} documents; \
             {} words ({} more cannot reach p {FLOOR} in any context), {} word pairs",
            docs.len(),
            words.len(),
            counted - words.len(),
            pairs.len()
        );
        Ok((
            CueModel {
                words,
                pairs,
                weights,
                threshold: 0.5,
                index: TableIndex::default(),
            },
            report,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::{mentions, view_of, Attributor};
    use crate::text::TextLayout;

    /// The words at each site of `text`, and the learned quotes of `model` as
    /// `(cue, content, rule subject)`.
    fn run(text: &str, model: &CueModel, min_p: f32) -> (Vec<String>, Vec<[String; 3]>) {
        let layout = TextLayout::new(text);
        let v = view_of(&layout);
        let list = mentions::extract(&v);
        let found = detect::detect(&v, &list, None);
        let ms = Ms::new(&v, &list);
        let words = sites(&v, &ms, &found, |_, _, _| true)
            .iter()
            .map(|s| v.lower(s.tok).to_string())
            .collect();
        let t = v.text;
        let quotes = model
            .quotes(&v, &ms, &found, min_p)
            .iter()
            .map(|d| {
                let cue = v.span(&d.cue.as_ref().expect("cue").toks);
                let rule = d.rule.as_ref().map_or(0..0, |m| v.span(&m.toks));
                [&t[cue], &t[d.content.clone()], &t[rule]].map(str::to_string)
            })
            .collect();
        (words, quotes)
    }

    /// The contents of the learned quotes of `text` at threshold 0.5.
    fn contents(text: &str, model: &CueModel) -> Vec<String> {
        run(text, model, 0.5)
            .1
            .into_iter()
            .map(|[_, c, _]| c)
            .collect()
    }

    /// A model that trusts its word table alone: p = sigmoid(word log-odds).
    fn table_model(words: &[(&str, f32)]) -> CueModel {
        let mut weights = vec![0.0; N_FEATURES + 1];
        weights[1] = 1.0;
        let mut words: Vec<(String, f32)> =
            words.iter().map(|(w, x)| (w.to_string(), *x)).collect();
        words.sort_by(|a, b| a.0.cmp(&b.0));
        CueModel {
            words,
            pairs: Vec::new(),
            weights,
            threshold: 0.5,
            index: TableIndex::default(),
        }
    }

    const TEXT: &str = "Officials said the bridge would reopen in May. \
        Central European leaders have embraced the idea of a joint army. \
        The mayor left.";

    #[test]
    fn sites_are_lowercase_words_outside_the_rules_quotes_with_a_clause_after() {
        let (words, _) = run(TEXT, &table_model(&[]), 0.5);
        // Inside the rules' quote ("the bridge would reopen in May") and its cue: none.
        for w in ["said", "bridge", "reopen"] {
            assert!(!words.iter().any(|x| x == w), "{w} in {words:?}");
        }
        // Capitalised words are no sites; "left" has no clause after it.
        for w in ["central", "european", "mayor", "left"] {
            assert!(!words.iter().any(|x| x == w), "{w} in {words:?}");
        }
        assert!(words.iter().any(|x| x == "embraced"), "{words:?}");
    }

    #[test]
    fn a_site_above_the_threshold_opens_a_quote_to_the_clause_end() {
        let model = table_model(&[("embraced", 3.0)]);
        let (_, quotes) = run(TEXT, &model, 0.5);
        assert_eq!(quotes.len(), 1, "{quotes:?}");
        let [cue, content, rule] = &quotes[0];
        assert_eq!(cue, "embraced");
        assert_eq!(content, "the idea of a joint army");
        assert!(rule.ends_with("leaders"), "{rule}");
        // p = sigmoid(3) ≈ 0.95: a stricter threshold keeps nothing.
        assert!(run(TEXT, &model, 0.99).1.is_empty());
        // A word without an entry is never a cue.
        assert!(run(TEXT, &table_model(&[("idea", -5.0)]), 0.5).1.is_empty());
    }

    #[test]
    fn the_choice_of_sites_does_not_depend_on_the_threshold() {
        // "floated" (p ≈ 0.62) comes before "build" (p ≈ 0.95) in one clause: at
        // threshold 0.7 the first site is dropped, not replaced by the second, so a
        // threshold tuned on the quotes found at the floor sees what inference finds.
        let model = table_model(&[("floated", 0.5), ("build", 3.0)]);
        let text = "The leaders have floated a plan to build a joint army and more.";
        let (_, low) = run(text, &model, 0.5);
        assert_eq!(low.len(), 1, "{low:?}");
        assert_eq!(low[0][0], "floated");
        assert!(run(text, &model, 0.7).1.is_empty());
    }

    #[test]
    fn a_time_phrase_is_no_content_and_a_line_break_ends_one() {
        let model = table_model(&[("criticism", 3.0), ("met", 3.0)]);
        // "met on Monday": the clause after the cue is a time phrase.
        assert!(run("The senators met on Monday.", &model, 0.5).1.is_empty());
        // A headline line without a full stop runs into the next line's sentence.
        let text = "Voters kept up their criticism of the plan in the hours before the vote\n\
            Smith, in Ohio, said the vote was fair.";
        assert_eq!(
            contents(text, &model),
            ["of the plan in the hours before the vote"]
        );
    }

    #[test]
    fn a_cue_in_an_opening_phrase_reads_to_its_comma() {
        let model = table_model(&[("favor", 3.0)]);
        let text = "With 14 of 15 members voting in favor of the ceasefire, the resolution \
            was approved on Monday.";
        assert_eq!(contents(text, &model), ["of the ceasefire"]);
        // Without an opening subordinator the comma does not end the clause.
        let text = "Members stood in favor of the ceasefire, the resolution and the aid.";
        assert_eq!(
            contents(text, &model),
            ["of the ceasefire, the resolution and the aid"]
        );
    }

    #[test]
    fn a_particle_scored_alone_takes_its_verb_into_the_cue() {
        // "out" is the site above the threshold, "carried" is not; the subject is the
        // phrase before "carried", not a phrase running through it.
        let model = table_model(&[("out", 3.0)]);
        let text = "The armed group carried out a raid on the northern town.";
        let (_, quotes) = run(text, &model, 0.5);
        assert_eq!(quotes.len(), 1, "{quotes:?}");
        let [cue, content, rule] = &quotes[0];
        assert_eq!(cue, "carried out");
        assert_eq!(content, "a raid on the northern town");
        assert!(rule.ends_with("group"), "{rule}");
        // After an auxiliary or a mention the particle stays the cue alone.
        let (_, quotes) = run("The group will out the names of the donors.", &model, 0.5);
        assert_eq!(
            quotes.first().map(|q| q[0].as_str()),
            Some("out"),
            "{quotes:?}"
        );
    }

    #[test]
    fn the_index_answers_as_the_sorted_tables() {
        let sorted = |keys: &[&str]| {
            let mut t: Vec<(String, f32)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| (k.to_string(), i as f32))
                .collect();
            t.sort_by(|a, b| a.0.cmp(&b.0));
            t
        };
        let words = sorted(&["vow", "vowed", "said"]);
        let pairs = sorted(&["vowed to", "vowed that", "said that", "vow to", "vow-x to"]);
        let index = Index::new(&words, &pairs);
        for w in ["vow", "vowed", "said", "walked"] {
            assert_eq!(index.word(w), lookup(&words, w), "{w}");
            for n in ["to", "that", "into"] {
                assert_eq!(index.pair(w, n), lookup(&pairs, &pair_key(w, n)), "{w} {n}");
            }
        }
    }

    #[test]
    fn the_bound_is_never_below_a_sites_score() {
        // Weights of both signs on every feature; every word of the text in the table.
        let weights: Vec<f64> = (0..=N_FEATURES)
            .map(|k| ((k as f64) * 1.3).sin() * 2.0)
            .collect();
        let text = "The senators have vowed to fight the new tax bill on sugar. \
            Aides to the mayor said the plan, which critics attacked, was dead. \
            Voters in Ohio embraced the idea of a joint army of many nations.";
        let layout = TextLayout::new(text);
        let v = view_of(&layout);
        let list = mentions::extract(&v);
        let ms = Ms::new(&v, &list);
        let all = sites(&v, &ms, &[], |_, _, _| true);
        let mut words: Vec<(String, f32)> = all
            .iter()
            .map(|s| (v.lower(s.tok).to_string(), (s.tok % 5) as f32 - 2.0))
            .collect();
        words.sort_by(|a, b| a.0.cmp(&b.0));
        words.dedup_by(|a, b| a.0 == b.0);
        let mut pairs: Vec<(String, f32)> = all
            .iter()
            .step_by(2)
            .map(|s| (pair_key(v.lower(s.tok), v.lower(s.tok + 1)), 1.5))
            .collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|a, b| a.0 == b.0);
        let model = CueModel {
            words,
            pairs,
            weights,
            threshold: 0.5,
            index: TableIndex::default(),
        };
        assert!(all.len() > 20, "{}", all.len());
        for s in &all {
            let p = model.prob(&v, s).expect("every word has an entry");
            let z = (p / (1.0 - p)).ln();
            let words = (s.context[9].exp() - 1.0).round() as usize;
            let b = model
                .bound(model.index(), v.lower(s.tok), v.lower(s.tok + 1), words)
                .expect("entry");
            assert!(
                z <= b + 1e-9,
                "{}: score {z} above bound {b}",
                v.lower(s.tok)
            );
        }
    }

    fn example(word: &str, next: &str, cue: bool) -> Example {
        Example {
            word: word.into(),
            next: next.into(),
            context: [0.0; N_CONTEXT],
            cue,
        }
    }

    #[test]
    fn fitting_learns_cue_words_and_leaves_out_words_never_a_cue() {
        let docs: Vec<Vec<Example>> = (0..10)
            .map(|_| {
                vec![
                    example("vowed", "to", true),
                    example("vowed", "to", true),
                    example("vowed", "that", false),
                    example("walked", "to", false),
                    example("walked", "to", false),
                    example("walked", "into", false),
                ]
            })
            .collect();
        let (m, report) = CueModel::fit(&docs).expect("fit");
        assert!(report.contains("cue detector"), "{report}");
        let vowed = lookup(&m.words, "vowed").expect("vowed has an entry");
        assert!(vowed > 0.0, "{vowed}");
        assert!(lookup(&m.words, "walked").is_none());
        // The pair "vowed to" is a cue more often than "vowed that".
        let to = lookup(&m.pairs, "vowed to").expect("pair");
        let that = lookup(&m.pairs, "vowed that").expect("pair");
        assert!(to > that, "{to} {that}");
        let layout = TextLayout::new("The senators vowed to fight the new tax bill.");
        let v = view_of(&layout);
        let list = mentions::extract(&v);
        let ms = Ms::new(&v, &list);
        let s = sites(&v, &ms, &[], |_, _, _| true);
        let site = s.iter().find(|s| v.lower(s.tok) == "vowed").expect("site");
        assert!(m.prob(&v, site).expect("scored") > 0.5);
        // Too few examples of either class is an error, not a model.
        let none: Vec<Vec<Example>> =
            vec![(0..5).map(|_| example("walked", "to", false)).collect()];
        assert!(CueModel::fit(&none).is_err());
    }

    #[test]
    fn a_learned_quote_stands_only_with_a_speaker() {
        let att = Attributor {
            cues: Some(table_model(&[("embraced", 3.0), ("expect", 3.0)])),
            ..Attributor::rules()
        };
        let text = "Central European leaders have embraced the idea of a joint army. \
            But do not expect a new policy to appear next year.";
        let out = att.attribute(&TextLayout::new(text));
        let learned: Vec<_> = out.quotes.iter().filter(|q| q.learned).collect();
        assert_eq!(learned.len(), 1, "{:?}", out.quotes);
        assert_eq!(
            &text[learned[0].content.clone()],
            "the idea of a joint army"
        );
        let spk = learned[0].speaker.as_ref().expect("speaker");
        assert!(text[spk.mention.clone()].ends_with("leaders"));
        // Without the detector the same text has only the rules' quotes.
        let rules = Attributor::rules().attribute(&TextLayout::new(text));
        assert!(rules.quotes.iter().all(|q| !q.learned));
        assert_eq!(rules.quotes.len() + 1, out.quotes.len());
    }
}

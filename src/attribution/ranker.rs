//! The speaker ranker: for each quote, candidate mentions in a window around it,
//! described by pair features and scored by a linear model (logistic regression
//! trained with linfa; prediction is a dot product).

use super::detect::{Detected, Structure};
use super::lexicon::{CueClass, Pronoun};
use super::mentions::{Mention, MentionKind};
use super::view::View;

/// Sentences before the quote that may hold its speaker.
const WINDOW_BEFORE: usize = 2;
/// Sentences after the quote.
const WINDOW_AFTER: usize = 1;
/// Candidates kept per quote, nearest first.
const MAX_CANDIDATES: usize = 16;

/// Number of features; bump [`FEATURES_VERSION`] when the layout changes.
pub(crate) const N_FEATURES: usize = 126;
pub(crate) const FEATURES_VERSION: u32 = 3;

/// One quote's candidates: mention indices and their features.
pub(crate) struct Candidates {
    pub mentions: Vec<usize>,
    /// Per candidate, its nonzero features as `(index, value)`, indices ascending.
    /// Rows are mostly zeros (about 30 of [`N_FEATURES`] are set), so scoring reads
    /// these instead of dense rows; [`Candidates::row`] gives the dense form.
    pub terms: Vec<Vec<(u8, f64)>>,
}

impl Candidates {
    pub fn new() -> Candidates {
        Candidates {
            mentions: Vec::new(),
            terms: Vec::new(),
        }
    }

    /// The dense feature row of candidate `i`.
    pub fn row(&self, i: usize) -> Vec<f64> {
        let mut row = vec![0.0; N_FEATURES];
        for &(k, x) in self.terms.get(i).map_or(&[][..], Vec::as_slice) {
            row[usize::from(k)] = x;
        }
        row
    }
}

/// Context shared by all quotes of a document.
pub(crate) struct DocContext<'a> {
    pub v: &'a View<'a>,
    pub ms: &'a [Mention],
    pub quotes: &'a [Detected],
    /// Rule pick of each quote, as a mention index.
    pub rule_idx: &'a [Option<usize>],
    /// For each mention: is it the rule subject of some quote's cue.
    pub is_subject: &'a [bool],
    /// Cluster of each mention.
    pub cluster: &'a [Option<usize>],
    /// Learned log-odds that a quote built from a cue word is a real attribution,
    /// sorted by word (empty for the rules).
    pub cue_prior: &'a [(String, f32)],
    /// Mention indices sorted by `(sentence, index)`, to find a window's mentions
    /// by binary search instead of scanning the document per quote. Time
    /// expressions ("Wednesday", "Last month") are left out: they never speak.
    by_sent: Vec<usize>,
    /// For each mention: is it a time expression (never a candidate).
    is_time: Vec<bool>,
    /// Per quote: the rule pick of the nearest earlier quote that has one.
    prev_rule: Vec<Option<usize>>,
    /// Per sentence: how many quotes touch it.
    quotes_in_sent: Vec<usize>,
    /// Per sentence: the first mention of it outside quotation marks that is not a
    /// possessive (`usize::MAX` if none).
    first_free: Vec<usize>,
}

impl<'a> DocContext<'a> {
    /// The context of a document; precomputes the per-document indexes so that
    /// each quote's candidates cost time in its window only.
    pub fn new(
        v: &'a View<'a>,
        ms: &'a [Mention],
        quotes: &'a [Detected],
        rule_idx: &'a [Option<usize>],
        is_subject: &'a [bool],
        cluster: &'a [Option<usize>],
        cue_prior: &'a [(String, f32)],
    ) -> DocContext<'a> {
        let is_time: Vec<bool> = ms
            .iter()
            .map(|m| super::detect::time_mention(v, m.toks.clone()))
            .collect();
        let mut by_sent: Vec<usize> = (0..ms.len()).filter(|&i| !is_time[i]).collect();
        by_sent.sort_by_key(|&i| (ms[i].sent, i));
        let mut prev_rule = Vec::with_capacity(quotes.len());
        let mut last = None;
        for qi in 0..quotes.len() {
            prev_rule.push(last);
            if let Some(r) = rule_idx.get(qi).copied().flatten() {
                last = Some(r);
            }
        }
        // Difference array over sentences: +1 where a quote starts, -1 after it.
        let n_sents = quotes
            .iter()
            .flat_map(|q| [q.sents.start + 1, q.sents.end])
            .max()
            .unwrap_or(0);
        let mut diff = vec![0isize; n_sents + 1];
        for o in quotes.iter().filter(|o| o.sents.start < o.sents.end) {
            diff[o.sents.start] += 1;
            diff[o.sents.end] -= 1;
        }
        let mut acc = 0isize;
        let quotes_in_sent = diff
            .iter()
            .map(|d| {
                acc += d;
                usize::try_from(acc).unwrap_or(0)
            })
            .collect();
        let mut first_free = vec![usize::MAX; ms.iter().map(|m| m.sent + 1).max().unwrap_or(0)];
        for (i, m) in ms.iter().enumerate() {
            if !m.in_quote && !m.possessive && first_free[m.sent] == usize::MAX {
                first_free[m.sent] = i;
            }
        }
        DocContext {
            v,
            ms,
            quotes,
            rule_idx,
            is_subject,
            cluster,
            cue_prior,
            by_sent,
            is_time,
            prev_rule,
            quotes_in_sent,
            first_free,
        }
    }

    /// Indices of the mentions in sentences `first..last`, ascending.
    fn in_sentences(&self, first: usize, last: usize) -> &[usize] {
        let a = self.by_sent.partition_point(|&i| self.ms[i].sent < first);
        let b = self.by_sent.partition_point(|&i| self.ms[i].sent < last);
        &self.by_sent[a..b.max(a)]
    }
}

/// The cue word a quote's prior is looked up by: its cue's first token, lowercase.
pub(crate) fn cue_key(v: &View, q: &Detected) -> Option<String> {
    q.cue.as_ref().map(|c| v.lower(c.toks.start).to_string())
}

fn prior_of(table: &[(String, f32)], key: Option<&str>) -> f64 {
    key.and_then(|k| table.binary_search_by(|(w, _)| w.as_str().cmp(k)).ok())
        .and_then(|i| table.get(i))
        .map(|x| f64::from(x.1))
        .unwrap_or(0.0)
}

fn kind_slot(m: &Mention) -> usize {
    match m.kind {
        MentionKind::Name => 0,
        MentionKind::Pronoun(Pronoun::He | Pronoun::She) => 1,
        MentionKind::Pronoun(Pronoun::They | Pronoun::We) => 2,
        MentionKind::Pronoun(Pronoun::I | Pronoun::You) => 3,
        MentionKind::Pronoun(Pronoun::It) => 4,
        MentionKind::Nominal => 5,
        MentionKind::Plural => 6,
        MentionKind::Relative => 7,
    }
}

fn bucket_dist(d: usize) -> usize {
    match d {
        0 => 0,
        1..=2 => 1,
        3..=5 => 2,
        6..=10 => 3,
        _ => 4,
    }
}

/// `ln(1 + d)` of a count, from a table for small counts (the same values: the
/// table is filled by the same function).
fn ln_1p_count(d: usize) -> f64 {
    const N: usize = 128;
    static TABLE: std::sync::OnceLock<[f64; N]> = std::sync::OnceLock::new();
    let t = TABLE.get_or_init(|| std::array::from_fn(|i| (i as f64).ln_1p()));
    t.get(d).copied().unwrap_or_else(|| (d as f64).ln_1p())
}

/// Builds the candidates and features of quote `qi`.
pub(crate) fn candidates(cx: &DocContext, qi: usize) -> Candidates {
    let mut c = Candidates::new();
    candidates_into(cx, qi, &mut c);
    c
}

/// [`candidates`] into `out`, reusing its buffers (one per document instead of one
/// row allocation per candidate per quote).
/// Keeps the `n` first of the distinct indices `idx` by `key`, ties by index,
/// and sorts them by index. Ending the key in the index orders the indices
/// strictly, so the `n` first are one definite set, found without a full sort:
/// the set a stable sort of the ascending indices by `key` keeps.
fn keep_first<K: Ord>(idx: &mut Vec<usize>, n: usize, key: impl Fn(usize) -> K) {
    if n == 0 {
        idx.clear();
    } else if idx.len() > n {
        idx.select_nth_unstable_by_key(n - 1, |&i| (key(i), i));
        idx.truncate(n);
    }
    idx.sort_unstable();
}

pub(crate) fn candidates_into(cx: &DocContext, qi: usize, out: &mut Candidates) {
    let v = cx.v;
    let q = &cx.quotes[qi];
    let rule = cx.rule_idx.get(qi).copied().flatten();
    let first_sent = q.sents.start.saturating_sub(WINDOW_BEFORE);
    let last_sent = q.sents.end + WINDOW_AFTER;
    // Anchor: the cue if any, else the content start.
    let anchor = q
        .cue
        .as_ref()
        .map(|c| c.toks.start)
        .unwrap_or_else(|| v.tok_at(q.content.start));
    let q_start_tok = v.tok_at(q.content.start);
    let q_end_tok = v.tok_at(q.content.end);
    let q_para = v.toks.get(q_start_tok).map(|t| t.para()).unwrap_or(0);
    // A cue may sit in the paragraph before its quotation ('He said:¶¶"…"'); the
    // subject next to it is then no farther than one in the quote's own paragraph.
    let cue_para = q
        .cue
        .as_ref()
        .and_then(|c| v.toks.get(c.toks.start))
        .map_or(q_para, |t| t.para());
    let prev_rule = cx.prev_rule.get(qi).copied().flatten();
    let prev_cluster = prev_rule.and_then(|r| cx.cluster.get(r).copied().flatten());
    let rule_cluster = rule.and_then(|r| cx.cluster.get(r).copied().flatten());
    // The window's mentions and the rule pick, in document order.
    let idx = &mut out.mentions;
    idx.clear();
    // Only the mentions near the anchor: the nearest MAX_CANDIDATES are among them,
    // and a sentence of thousands of mentions costs each of its quotes no more than
    // a news sentence does (the window's mentions are in text order).
    let window = cx.in_sentences(first_sent, last_sent);
    let at = window.partition_point(|&i| cx.ms[i].toks.start < anchor);
    let reach = 4 * MAX_CANDIDATES;
    idx.extend_from_slice(&window[at.saturating_sub(reach)..(at + reach).min(window.len())]);
    if let Some(r) = rule.filter(|&r| r < cx.ms.len() && !cx.is_time[r] && !idx.contains(&r)) {
        idx.push(r);
    }
    // The rule pick, then the nearest to the anchor.
    keep_first(idx, MAX_CANDIDATES, |i| {
        (Some(i) != rule, cx.ms[i].head.abs_diff(anchor))
    });
    let n_cands = idx.len();
    // Quote-level facts, the same on every candidate row: they move the quote's
    // best score against the no-speaker threshold.
    let key = cue_key(v, q);
    let prior = prior_of(cx.cue_prior, key.as_deref());
    let form = q.cue.as_ref().map(|c| c.form as usize).unwrap_or(4);
    let content_words = v
        .toks
        .get(q_start_tok..q_end_tok.max(q_start_tok))
        .unwrap_or(&[])
        .iter()
        .filter(|t| t.is_word())
        .count();
    let in_headline = q.sents.start == 0;
    let multiword = q.cue.as_ref().is_some_and(|c| c.toks.len() > 1);
    let same_sentence_quotes = cx.quotes_in_sent.get(q.sents.start).copied().unwrap_or(0);
    let leftmost_in_sent = |i: usize| -> bool {
        cx.first_free
            .get(cx.ms[i].sent)
            .is_none_or(|&first| first >= i)
    };
    // Quote-level values, computed once rather than per row.
    let log_cands = (n_cands as f64).ln_1p();
    let log_content = (content_words as f64).ln_1p();
    let log_same = (same_sentence_quotes as f64).ln_1p();
    let terms = &mut out.terms;
    terms.resize_with(n_cands, Vec::new);
    for (&i, nz) in idx.iter().zip(terms.iter_mut()) {
        nz.clear();
        let m = &cx.ms[i];
        let mut set = |k: usize, x: f64| {
            if k < N_FEATURES && x != 0.0 {
                nz.push((k as u8, x));
            }
        };
        let is_rule = Some(i) == rule;
        let same_cluster_rule = !is_rule
            && rule_cluster.is_some()
            && cx.cluster.get(i).copied().flatten() == rule_cluster;
        let st = q.structure.index();
        let cls = q
            .cue
            .as_ref()
            .map(|c| c.class.index())
            .unwrap_or(CueClass::ALL.len());
        let ks = kind_slot(m);
        let h = m.head;
        let before = h < q_start_tok;
        let inside = h >= q_start_tok && h < q_end_tok;
        let tok_dist = if before {
            q_start_tok - h
        } else if inside {
            0
        } else {
            h.saturating_sub(q_end_tok)
        };
        let cue_dist = h.abs_diff(anchor);
        let sent_dist = if m.sent < q.sents.start {
            q.sents.start - m.sent
        } else if m.sent >= q.sents.end {
            m.sent + 1 - q.sents.end
        } else {
            0
        };
        let m_para = v.toks.get(h).map(|t| t.para()).unwrap_or(0);
        // 0: bias
        set(0, 1.0);
        // 1..: rule pick, by structure (10)
        if is_rule {
            set(1, 1.0);
            set(2 + st, 1.0);
        }
        // 12: same entity as the rule pick
        set(12, f64::from(u8::from(same_cluster_rule)));
        // 13..21: kind (8)
        set(13 + ks, 1.0);
        // 21..29: kind × direct (8)
        if q.direct {
            set(21 + ks, 1.0);
        }
        // 29..36: cue class (7) × is_rule
        if is_rule {
            set(29 + cls, 1.0);
        }
        // 36: inside quotation marks; 37: inside the content; 38: possessive
        set(36, f64::from(u8::from(m.in_quote)));
        set(37, f64::from(u8::from(inside)));
        set(38, f64::from(u8::from(m.possessive)));
        // 39..44: sentence distance bucket × side
        let sd = sent_dist.min(2);
        if before {
            set(39 + sd, 1.0);
        } else {
            set(42 + sd, 1.0);
        }
        // 45..50: token distance to content bucket
        set(45 + bucket_dist(tok_dist), 1.0);
        // 50..55: token distance to cue bucket
        set(50 + bucket_dist(cue_dist), 1.0);
        // 55: in neither the quote's paragraph nor its cue's
        set(
            55,
            f64::from(u8::from(m_para != q_para && m_para != cue_para)),
        );
        // 56: subject of some cue; 57: subject of some other quote's cue
        let subj = cx.is_subject.get(i).copied().unwrap_or(false);
        set(56, f64::from(u8::from(subj)));
        set(
            57,
            f64::from(u8::from(subj && !is_rule && !same_cluster_rule)),
        );
        // 58: previous quote's rule pick; 59: same entity as it
        set(58, f64::from(u8::from(prev_rule == Some(i))));
        let same_prev =
            prev_cluster.is_some() && cx.cluster.get(i).copied().flatten() == prev_cluster;
        set(59, f64::from(u8::from(same_prev)));
        // 60: leftmost mention of its sentence (subject-like)
        set(60, f64::from(u8::from(leftmost_in_sent(i))));
        // 61: person evidence; 62: preceded by a preposition
        set(61, f64::from(u8::from(m.person)));
        let prep = m.toks.start > 0
            && matches!(
                v.lower(m.toks.start - 1),
                "of" | "for"
                    | "to"
                    | "with"
                    | "by"
                    | "in"
                    | "on"
                    | "at"
                    | "from"
                    | "about"
                    | "against"
                    | "than"
                    | "like"
            );
        set(62, f64::from(u8::from(prep)));
        // 63: log candidates; 64: log token distance to cue
        set(63, log_cands);
        set(64, ln_1p_count(cue_dist));
        // 65..75: structure × no rule at all (quote-level prior, 10)
        if rule.is_none() {
            set(65 + st, 1.0);
        }
        // 75..83: kind × is_rule (8)
        if is_rule {
            set(75 + ks, 1.0);
        }
        // 83..91: kind × previous-quote speaker (8), for quotes without a cue
        if q.cue.is_none() && (same_prev || prev_rule == Some(i)) {
            set(83 + ks, 1.0);
        }
        // 91: in quote and the quote is direct (the speaker is almost never inside)
        set(91, f64::from(u8::from(m.in_quote && inside)));
        // 92: directly adjacent to the cue (left), 93: directly after the cue
        if let Some(c) = &q.cue {
            set(92, f64::from(u8::from(m.toks.end == c.toks.start)));
            set(93, f64::from(u8::from(m.toks.start == c.toks.end)));
        }
        // 94: the quote has no cue and the candidate precedes it in the same paragraph
        set(
            94,
            f64::from(u8::from(q.cue.is_none() && before && m_para == q_para)),
        );
        // 95: structure is continued/no-cue and candidate is a name
        set(
            95,
            f64::from(u8::from(
                matches!(q.structure, Structure::Continued | Structure::NoCue) && ks == 0,
            )),
        );
        // 96..106: structure; 106..113: cue class; 113..118: cue form
        set(96 + q.structure.index(), 1.0);
        set(106 + cls, 1.0);
        set(113 + form.min(4), 1.0);
        // 118: direct; 119: content length; 120: cue prior; 121: headline sentence;
        // 122: multi-word cue; 123: quotes sharing the sentence
        set(118, f64::from(u8::from(q.direct)));
        set(119, log_content);
        set(120, prior);
        set(121, f64::from(u8::from(in_headline)));
        set(122, f64::from(u8::from(multiword)));
        set(123, log_same);
        // 124: found by the trained cue detector; 125: its log-odds
        if let Some(p) = q.learned {
            let p = f64::from(p).clamp(1e-6, 1.0 - 1e-6);
            set(124, 1.0);
            set(125, (p / (1.0 - p)).ln());
        }
        // Features are set in ascending order, each once; sort in case that changes
        // (stable, so the last value set for an index is the one kept, as in a row).
        if !nz.windows(2).all(|w| w[0].0 < w[1].0) {
            nz.sort_by_key(|t| t.0);
            nz.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    *kept = *later;
                }
                same
            });
        }
    }
    terms.truncate(n_cands);
}

/// A linear scorer.
pub(crate) fn score(w: &[f64], row: &[f64]) -> f64 {
    let z: f64 = w.iter().zip(row).map(|(a, b)| a * b).sum();
    1.0 / (1.0 + (-z).exp())
}

/// [`score`] of a row given by its nonzero `terms` (indices ascending), adding
/// them in the same order (rows are mostly zeros). With finite weights a skipped
/// term is a signed zero, which leaves a sum unchanged except for the sign of a
/// zero sum, and `exp(-z)` is 1 for either zero: the result is bit for bit
/// [`score`]'s. Callers check that `w` is finite.
pub(crate) fn score_terms(w: &[f64], terms: &[(u8, f64)]) -> f64 {
    let mut z = -0.0f64;
    for &(k, x) in terms {
        if let Some(a) = w.get(usize::from(k)) {
            z += a * x;
        }
    }
    1.0 / (1.0 + (-z).exp())
}

/// Hand-set weights reproducing the rules: the rule pick wins, everything else loses.
pub(crate) fn rule_weights() -> Vec<f64> {
    let mut w = vec![0.0; N_FEATURES];
    w[0] = -3.0;
    w[1] = 5.0;
    // Direct quotes without a cue: the inherited speaker is less certain.
    w[2 + Structure::Continued.index()] = -0.5;
    w[2 + Structure::NoCue.index()] = -1.0;
    w
}

#[cfg(test)]
mod tests {
    use crate::text::TextLayout;

    /// The per-document indexes answer exactly what the per-quote scans they
    /// replace answer, so a quote's candidates cost time in its window only.
    #[test]
    fn context_indexes_agree_with_scans() {
        let one = "Mary Stone spoke first. \"We will win this race,\" she said.\n\n\
                   Officials said the bridge would reopen in May, according to John Smith.\n\n\
                   \"It is late,\" he added. Stone's aides said nothing.\n\n";
        let layout = TextLayout::new(&one.repeat(8));
        let a = super::super::analyse(super::super::view_of(&layout), None);
        let cx = a.context(&[]);
        assert!(a.quotes.len() >= 16, "{}", a.quotes.len());
        let ms = cx.ms;
        for (qi, q) in cx.quotes.iter().enumerate() {
            let prev = (0..qi)
                .rev()
                .find_map(|k| cx.rule_idx.get(k).copied().flatten());
            assert_eq!(cx.prev_rule[qi], prev);
            let same = cx
                .quotes
                .iter()
                .filter(|o| o.sents.start <= q.sents.start && q.sents.start < o.sents.end)
                .count();
            assert_eq!(cx.quotes_in_sent[q.sents.start], same);
            let (first, last) = (q.sents.start.saturating_sub(2), q.sents.end + 1);
            let slow: Vec<usize> = (0..ms.len())
                .filter(|&i| ms[i].sent >= first && ms[i].sent < last)
                .collect();
            assert_eq!(cx.in_sentences(first, last), slow.as_slice());
            // The window holds the same few mentions wherever the quote is.
            assert!(slow.len() <= 3 * ms.len() / 8 + 8, "{}", slow.len());
            let c = super::candidates(&cx, qi);
            assert!(c.mentions.len() <= super::MAX_CANDIDATES);
        }
        for (i, m) in ms.iter().enumerate() {
            let slow = !ms[..i]
                .iter()
                .any(|o| o.sent == m.sent && !o.in_quote && !o.possessive);
            let fast = cx.first_free.get(m.sent).is_none_or(|&f| f >= i);
            assert_eq!(fast, slow, "mention {i}");
        }
    }

    /// A candidate's sparse terms are its dense row: ascending, distinct, nonzero,
    /// and scoring them gives bit for bit the dense dot product's probability.
    #[test]
    fn sparse_terms_score_as_dense_rows() {
        let text = "Mary Stone spoke first. \"We will win this race,\" she said.\n\n\
                    Officials said the bridge would reopen in May, according to John Smith.\n\n\
                    \"It is late,\" he added. Stone's aides said nothing.\n\n";
        let layout = TextLayout::new(text);
        let a = super::super::analyse(super::super::view_of(&layout), None);
        let cx = a.context(&[]);
        let w: Vec<f64> = (0..super::N_FEATURES)
            .map(|k| ((k as f64) * 0.7).sin() * 3.0)
            .collect();
        let mut rows = 0;
        for qi in 0..cx.quotes.len() {
            let c = super::candidates(&cx, qi);
            assert_eq!(c.terms.len(), c.mentions.len());
            for (k, t) in c.terms.iter().enumerate() {
                assert!(t.windows(2).all(|p| p[0].0 < p[1].0), "{t:?}");
                assert!(t.iter().all(|&(_, x)| x != 0.0));
                let row = c.row(k);
                assert_eq!(row.iter().filter(|&&x| x != 0.0).count(), t.len());
                let (sparse, dense) = (super::score_terms(&w, t), super::score(&w, &row));
                assert_eq!(sparse.to_bits(), dense.to_bits());
                rows += 1;
            }
        }
        assert!(rows >= 10, "{rows}");
    }

    /// `keep_first` keeps what sorting ascending indices stably by the key and
    /// truncating keeps, in index order, with ties and short lists.
    #[test]
    fn keep_first_is_stable_sort_and_truncate() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for round in 0..500 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 40) as usize;
            let n = (x >> 8) as usize % 20;
            // Distinct indices in a shuffled order, keys with many ties.
            let mut idx: Vec<usize> = (0..len).map(|k| (k * 7 + round) % 97).collect();
            idx.sort_unstable();
            idx.dedup();
            idx.rotate_left(len / 3);
            let keys: Vec<(bool, usize)> = (0..100)
                .map(|k| ((x >> (k % 50)) & 1 == 0, (k * 31 + round) % 5))
                .collect();
            let mut slow = idx.clone();
            slow.sort_unstable();
            slow.sort_by_key(|&i| keys[i]);
            slow.truncate(n);
            slow.sort_unstable();
            let mut fast = idx;
            super::keep_first(&mut fast, n, |i| keys[i]);
            assert_eq!(fast, slow, "round {round}");
        }
    }
}

//! Training the speaker ranker on a gold `quotes` layer: each detected quote that
//! overlaps a gold quote gives one row per candidate, positive when the candidate
//! overlaps the gold speaker span; a logistic regression (linfa) fits the weights and
//! the no-speaker threshold is chosen on the dev documents by who-said-what F1.
//!
//! The trained cue detector ([`super::cues`]) is fitted first, on the sites the
//! rules leave; the ranker then trains on the rules' quotes and the detector's
//! (from [`cues::FLOOR`] up), and the detector's threshold is tuned on dev jointly
//! with the ranker's.

use super::cues::{self, CueModel};
use super::{analyse, detect, mentions, ranker, view_of, Analysed, Attributor};
use crate::corpus::LabelledDocument;
use crate::document::{CharIndex, Span};
use crate::error::{Error, Result};
use crate::text::TextLayout;
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use std::time::Instant;

/// L2 penalty of the logistic regression.
const ALPHA: f64 = 0.5;
const MAX_ITERATIONS: u64 = 100;
/// Cue words seen fewer times get no prior.
const MIN_CUE_COUNT: f64 = 3.0;

/// One detected quote of a gold document: its candidates' probabilities and which
/// of them overlap the gold speaker.
struct Scored {
    content: Span,
    /// Cue word, for the cue prior.
    key: Option<String>,
    /// `(mention span, feature row)` per candidate.
    cands: Vec<(Span, Vec<f64>)>,
    /// The cue detector's probability for a quote it found.
    learned: Option<f32>,
}

struct DocRows {
    quotes: Vec<Scored>,
    gold: Vec<(Span, Option<Span>)>,
    /// The cue detector's labelled sites (rules-only analysis).
    examples: Vec<cues::Example>,
}

fn to_chars(layout: &TextLayout, ci: &CharIndex, r: std::ops::Range<usize>) -> Span {
    let o = layout.norm.original_range(r);
    ci.span(o.start, o.end)
}

fn doc_rows(
    d: &LabelledDocument,
    cue_prior: &[(String, f32)],
    cue_model: Option<&CueModel>,
    want_examples: bool,
) -> Option<DocRows> {
    let gold_q = d.quotes.as_ref()?;
    let layout = TextLayout::new(&d.text);
    let ci = CharIndex::new(&d.text);
    let a: Analysed = analyse(view_of(&layout), cue_model.map(|c| (c, cues::FLOOR)));
    // Without a detector, the analysis is the rules': its sites are the examples,
    // found with the mention list detection saw.
    let examples = if want_examples && cue_model.is_none() {
        let gold_cues: Vec<Span> = gold_q
            .iter()
            .filter_map(|g| g.cue.as_ref().map(|c| Span::new(c.start, c.end)))
            .collect();
        let list = mentions::extract(&a.v);
        let ms = detect::Ms::new(&a.v, &list);
        cues::examples(&a.v, &ms, &a.quotes, |r| {
            let s = to_chars(&layout, &ci, r);
            gold_cues.iter().any(|g| g.overlap(&s) > 0)
        })
    } else {
        Vec::new()
    };
    let cx = a.context(cue_prior);
    let mut quotes = Vec::with_capacity(a.quotes.len());
    for (qi, q) in a.quotes.iter().enumerate() {
        let c = ranker::candidates(&cx, qi);
        let cands = c
            .mentions
            .iter()
            .enumerate()
            .map(|(k, &m)| (to_chars(&layout, &ci, a.v.span(&a.ms[m].toks)), c.row(k)))
            .collect();
        quotes.push(Scored {
            content: to_chars(&layout, &ci, q.content.clone()),
            key: ranker::cue_key(&a.v, q),
            cands,
            learned: q.learned,
        });
    }
    let gold = gold_q
        .iter()
        .map(|g| {
            (
                Span::new(g.start, g.end),
                g.speaker.as_ref().map(|s| Span::new(s.start, s.end)),
            )
        })
        .collect();
    Some(DocRows {
        quotes,
        gold,
        examples,
    })
}

/// Smoothed log-odds, per cue word seen at least [`MIN_CUE_COUNT`] times, that a
/// detected quote with that cue overlaps a gold attribution, relative to all cues.
fn cue_prior(docs: &[DocRows]) -> Vec<(String, f32)> {
    let mut counts: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
    let (mut hit_all, mut n_all) = (0.0, 0.0);
    for d in docs {
        for q in &d.quotes {
            let Some(k) = &q.key else { continue };
            let hit = f64::from(u8::from(best_gold(&d.gold, &q.content).is_some()));
            let e = counts.entry(k.clone()).or_default();
            e.0 += hit;
            e.1 += 1.0;
            hit_all += hit;
            n_all += 1.0;
        }
    }
    let base = ((hit_all + 1.0) / (n_all - hit_all + 1.0)).ln();
    counts
        .into_iter()
        .filter(|(_, (_, n))| *n >= MIN_CUE_COUNT)
        .map(|(k, (h, n))| (k, (((h + 1.0) / (n - h + 1.0)).ln() - base) as f32))
        .collect()
}

/// The gold quote a predicted content overlaps most.
fn best_gold(gold: &[(Span, Option<Span>)], c: &Span) -> Option<usize> {
    gold.iter()
        .enumerate()
        .map(|(i, g)| (i, g.0.overlap(c)))
        .filter(|x| x.1 > 0)
        .max_by_key(|x| x.1)
        .map(|x| x.0)
}

/// Who-said-what counts as in score.py (speakers compared by mention overlap, as
/// the gold names no entities): `(pred_ok, pred_n, gold_ok, gold_n)`.
pub(crate) fn who_said_what(
    gold: &[(Span, Option<Span>)],
    pred: &[(Span, Option<Span>)],
) -> [usize; 4] {
    let mut c = [0usize; 4];
    for (ps, sp) in pred {
        if let Some(sp) = sp {
            c[1] += 1;
            if let Some(g) = best_gold(gold, ps) {
                if gold[g].1.is_some_and(|gs| gs.overlap(sp) > 0) {
                    c[0] += 1;
                }
            }
        }
    }
    for (gs, gsp) in gold {
        let Some(gsp) = gsp else { continue };
        c[3] += 1;
        let mut parts: Vec<(usize, usize)> = pred
            .iter()
            .filter(|p| p.0.overlap(gs) > 0)
            .map(|p| (p.0.start.max(gs.start), p.0.end.min(gs.end)))
            .collect();
        parts.sort_unstable();
        let (mut covered, mut end) = (0, gs.start);
        for (a, b) in parts {
            let a = a.max(end);
            if b > a {
                covered += b - a;
                end = b;
            }
        }
        if covered * 2 < gs.len().max(1) {
            continue;
        }
        let best = pred
            .iter()
            .filter(|p| p.0.overlap(gs) > 0)
            .max_by_key(|p| p.0.overlap(gs));
        if best.and_then(|p| p.1).is_some_and(|s| s.overlap(gsp) > 0) {
            c[2] += 1;
        }
    }
    c
}

fn f1_of(c: [usize; 4]) -> (f64, f64, f64) {
    let p = if c[1] > 0 {
        c[0] as f64 / c[1] as f64
    } else {
        0.0
    };
    let r = if c[3] > 0 {
        c[2] as f64 / c[3] as f64
    } else {
        0.0
    };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// Each quote's content, its best candidate under some weights with that
/// candidate's score, and the cue detector's probability if it found the quote:
/// scored once per weights, then read at every threshold of the grid.
type Picks = Vec<Vec<(Span, Option<(Span, f64)>, Option<f32>)>>;

fn picks(docs: &[DocRows], w: &[f64]) -> Picks {
    docs.iter()
        .map(|d| {
            d.quotes
                .iter()
                .map(|q| {
                    let best = q
                        .cands
                        .iter()
                        .map(|(s, row)| (*s, ranker::score(w, row)))
                        .max_by(|a, b| a.1.total_cmp(&b.1));
                    (q.content, best, q.learned)
                })
                .collect()
        })
        .collect()
}

/// Who-said-what F1 of scored `picks` at `threshold` over featurised documents, with
/// the cue detector's quotes from `cue_threshold` up (a learned quote without a
/// speaker is dropped, as in [`Attributor::attribute`]).
fn evaluate(
    docs: &[DocRows],
    picks: &Picks,
    threshold: f64,
    cue_threshold: f32,
) -> (f64, f64, f64) {
    let mut total = [0usize; 4];
    for (d, qs) in docs.iter().zip(picks) {
        let pred: Vec<(Span, Option<Span>)> = qs
            .iter()
            .filter(|q| q.2.is_none_or(|p| p >= cue_threshold))
            .map(|&(content, best, learned)| {
                let best = best.filter(|x| x.1 >= threshold).map(|x| x.0);
                (content, best, learned.is_some())
            })
            .filter(|(_, best, learned)| best.is_some() || !learned)
            .map(|(c, best, _)| (c, best))
            .collect();
        let c = who_said_what(&d.gold, &pred);
        for k in 0..4 {
            total[k] += c[k];
        }
    }
    f1_of(total)
}

pub(crate) fn train(
    train: &[LabelledDocument],
    dev: &[LabelledDocument],
) -> Result<(Attributor, String)> {
    let t0 = Instant::now();
    let mut first: Vec<DocRows> = train
        .par_iter()
        .filter_map(|d| doc_rows(d, &[], None, true))
        .collect();
    if first.is_empty() {
        return Err(Error::Training(
            "no training document has a `quotes` layer".into(),
        ));
    }
    let cue_prior = cue_prior(&first);
    let examples: Vec<Vec<cues::Example>> = first
        .iter_mut()
        .map(|d| std::mem::take(&mut d.examples))
        .collect();
    drop(first);
    // A small corpus may give the detector nothing to learn from (no word recurs as
    // a cue outside the rules' quotes): the model is then the rules' detection only.
    let (cue_model, cue_report) = match CueModel::fit(&examples) {
        Ok((m, report)) => (Some(m), report),
        Err(e) => (None, format!("cue detector: not trained ({e})")),
    };
    drop(examples);
    let tr: Vec<DocRows> = train
        .par_iter()
        .filter_map(|d| doc_rows(d, &cue_prior, cue_model.as_ref(), false))
        .collect();
    let dv: Vec<DocRows> = dev
        .par_iter()
        .filter_map(|d| doc_rows(d, &cue_prior, cue_model.as_ref(), false))
        .collect();
    let mut xs: Vec<f64> = Vec::new();
    let mut ys: Vec<usize> = Vec::new();
    for d in &tr {
        for q in &d.quotes {
            // Quotes that are no gold attribution, or one without a speaker, teach
            // the model to leave a speaker out: all their candidates are negative.
            let gs = best_gold(&d.gold, &q.content).and_then(|g| d.gold[g].1);
            for (s, row) in &q.cands {
                xs.extend_from_slice(row);
                ys.push(usize::from(gs.is_some_and(|gs| s.overlap(&gs) > 0)));
            }
        }
    }
    let n = ys.len();
    let pos = ys.iter().filter(|&&y| y == 1).count();
    if pos == 0 || pos == n {
        return Err(Error::Training(format!(
            "{n} candidate rows with {pos} positives: need both classes"
        )));
    }
    let feat_secs = t0.elapsed().as_secs_f64();
    let x = Array2::from_shape_vec((n, ranker::N_FEATURES), xs)
        .map_err(|e| Error::Training(format!("feature matrix: {e}")))?;
    let y = Array1::from_vec(ys);
    let ds = Dataset::new(x, y);
    let fitted = LogisticRegression::default()
        .alpha(ALPHA)
        .with_intercept(false)
        .max_iterations(MAX_ITERATIONS)
        .fit(&ds)
        .map_err(|e| Error::Training(format!("logistic regression: {e}")))?;
    // Probabilities are of the larger label (1); guard against a flipped encoding.
    let mut weights: Vec<f64> = fitted.params().to_vec();
    if fitted.labels().pos.class != 1 {
        weights.iter_mut().for_each(|w| *w = -*w);
    }
    weights[0] += fitted.intercept();
    if weights.iter().any(|w| !w.is_finite()) {
        return Err(Error::Training("non-finite weight after fitting".into()));
    }
    // Threshold: best who-said-what F1 on dev (on train when there is no dev).
    let tune = if dv.is_empty() { &tr } else { &dv };
    let scored = picks(tune, &weights);
    // Cue thresholds from the floor up; above 1.0 the detector finds nothing.
    let mut best = (0.5, f32::INFINITY, (0.0, 0.0, 0.0));
    let cue_grid = (0..=13)
        .map(|k| cues::FLOOR + k as f32 * 0.05)
        .chain([f32::INFINITY]);
    for ct in cue_grid {
        for k in 1..19 {
            let t = k as f64 * 0.05;
            let r = evaluate(tune, &scored, t, ct);
            if r.2 > best.2 .2 {
                best = (t, ct, r);
            }
        }
    }
    let without = (1..19)
        .map(|k| evaluate(tune, &scored, k as f64 * 0.05, f32::INFINITY))
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .unwrap_or_default();
    let rules = evaluate(
        tune,
        &picks(tune, &ranker::rule_weights()),
        0.5,
        f32::INFINITY,
    );
    let learned_kept = tune
        .iter()
        .flat_map(|d| &d.quotes)
        .filter(|q| q.learned.is_some_and(|p| p >= best.1))
        .count();
    let secs = t0.elapsed().as_secs_f64();
    let report = format!(
        "{cue_report}\n\
         speaker ranker: {} train docs, {n} candidate rows ({pos} positive), {} features; \
         featurised in {feat_secs:.1}s, total {secs:.1}s\n\
         thresholds tuned on {} ({} docs): speaker {:.2}, cue detector {:.2} \
         ({learned_kept} learned quotes before the speaker threshold): \
         who-said-what P {:.3} R {:.3} F1 {:.3} \
         (without the detector: F1 {:.3}; rule weights: P {:.3} R {:.3} F1 {:.3})",
        tr.len(),
        ranker::N_FEATURES,
        if dv.is_empty() { "train" } else { "dev" },
        tune.len(),
        best.0,
        best.1,
        best.2 .0,
        best.2 .1,
        best.2 .2,
        without.2,
        rules.0,
        rules.1,
        rules.2,
    );
    let model = Attributor {
        features_version: ranker::FEATURES_VERSION,
        weights,
        cue_prior,
        threshold: best.0,
        cues: cue_model.filter(|_| best.1.is_finite()).map(|m| CueModel {
            threshold: best.1,
            ..m
        }),
        trained: true,
        pronouns: None,
    };
    Ok((model, report))
}

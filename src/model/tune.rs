//! Choosing the [`Decoder`] on held-out documents, and the figures that judge role
//! probabilities: confusion, macro-F1, negative log-likelihood and expected
//! calibration error (ECE).
//!
//! Held-out scores must come from a model that never saw those documents (a
//! cross-validation fold or a held-out slice of train); tuning on in-sample scores
//! would pick an over-confident temperature and meaningless thresholds.

use super::Decoder;
use crate::document::Role;

/// One document's raw role logits and gold roles (`None`: no gold label).
#[derive(Debug, Clone, Default)]
pub struct ScoredDoc {
    pub logits: Vec<[f32; 4]>,
    pub gold: Vec<Option<Role>>,
}

/// Each gold-labelled sentence of decoded documents: the decided role, the reported
/// probabilities and the gold role.
fn labelled<'a>(
    decoder: &'a Decoder,
    docs: &'a [ScoredDoc],
) -> impl Iterator<Item = (usize, [f32; 4], Role)> + 'a {
    docs.iter().flat_map(move |d| {
        decoder
            .decode(&d.logits)
            .into_iter()
            .zip(&d.gold)
            .filter_map(|((k, p), g)| g.map(|g| (k, p, g)))
    })
}

/// Confusion matrix `[gold][predicted]` of decoded documents.
pub fn confusion(decoder: &Decoder, docs: &[ScoredDoc]) -> [[usize; 4]; 4] {
    let mut c = [[0usize; 4]; 4];
    for (k, _, g) in labelled(decoder, docs) {
        c[g.index()][k] += 1;
    }
    c
}

pub fn argmax(p: &[f32; 4]) -> usize {
    (0..4).fold(0, |b, k| if p[k] > p[b] { k } else { b })
}

/// Per-role F1 from a confusion matrix.
pub fn f1_per_role(c: &[[usize; 4]; 4]) -> [f64; 4] {
    let mut out = [0.0; 4];
    for k in 0..4 {
        let tp = c[k][k] as f64;
        let pred: usize = (0..4).map(|g| c[g][k]).sum();
        let gold: usize = c[k].iter().sum();
        let (p, r) = (tp / pred.max(1) as f64, tp / gold.max(1) as f64);
        out[k] = crate::eval::f1(p, r);
    }
    out
}

pub fn macro_f1(c: &[[usize; 4]; 4]) -> f64 {
    f1_per_role(c).iter().sum::<f64>() / 4.0
}

/// Mean negative log-likelihood of the gold roles under the reported probabilities.
fn nll(decoder: &Decoder, docs: &[ScoredDoc]) -> f64 {
    mean(labelled(decoder, docs).map(|(_, p, g)| -f64::from(p[g.index()].max(1e-9)).ln()))
}

/// Mean log loss of the reported confidence as the probability that the chosen role
/// is right, over `(decided role, reported probabilities, gold role)`: what
/// calibrating `confidence` should make small.
fn confidence_log_loss(sentences: impl Iterator<Item = (usize, [f32; 4], Role)>) -> f64 {
    mean(sentences.map(|(k, p, g)| {
        let c = f64::from(p[k]).clamp(1e-9, 1.0 - 1e-9);
        -if k == g.index() {
            c.ln()
        } else {
            (1.0 - c).ln()
        }
    }))
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    sum / n.max(1) as f64
}

/// Expected calibration error over `bins` equal-width confidence bins: the
/// sentence-weighted mean gap between the reported confidence (the chosen role's
/// probability) and the share of those sentences whose chosen role is right.
pub fn ece(decoder: &Decoder, docs: &[ScoredDoc], bins: usize) -> f64 {
    let pairs = labelled(decoder, docs).map(|(k, p, g)| (f64::from(p[k]), k == g.index()));
    crate::eval::calibration_of(pairs, bins).map_or(0.0, |c| c.ece)
}

/// The grid searched by [`tune`].
#[derive(Debug, Clone)]
pub struct TuneGrid {
    /// Transition weights (0 = sentences decided independently).
    pub weights: Vec<f32>,
    /// Prior-correction strengths: role `r` gets offset `beta * ln(n / (4 n_r))`, so
    /// 1 acts as if the roles were equally frequent (the "class weights" choice).
    pub betas: Vec<f32>,
    /// Temperatures of the sentence logits.
    pub temperatures: Vec<f32>,
    /// Temperatures of the decoded marginals (calibration of the confidence).
    pub confidence_temperatures: Vec<f32>,
}

impl Default for TuneGrid {
    fn default() -> Self {
        TuneGrid {
            weights: vec![0.0, 0.25, 0.5, 0.75, 1.0],
            betas: vec![0.0, 0.25, 0.5, 0.75, 1.0],
            temperatures: vec![0.6, 0.8, 1.0, 1.25, 1.5, 2.0],
            confidence_temperatures: vec![
                0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5, 1.7, 2.0, 2.5, 3.0,
            ],
        }
    }
}

/// Picks transition weight and prior correction by held-out macro-F1, then the
/// logit temperature by the held-out likelihood of the offset-free marginals, then the
/// confidence temperature by the held-out log loss of the reported confidence.
/// Returns the decoder and a log of the grid.
pub fn tune(
    transitions: [[f32; 4]; 5],
    role_counts: [usize; 4],
    heldout: &[ScoredDoc],
    grid: &TuneGrid,
) -> (Decoder, String) {
    let n: usize = role_counts.iter().sum();
    let prior_offsets = role_counts.map(|c| ((n as f64) / (4.0 * c.max(1) as f64)).ln() as f32);
    let mut log = String::from("decoder (held-out macro-F1, weight × prior correction):\n");
    let mut best: Option<(f64, Decoder)> = None;
    for &weight in &grid.weights {
        log += &format!("  weight {weight:<5}");
        for &beta in &grid.betas {
            let d = Decoder {
                transitions,
                weight,
                temperature: 1.0,
                offsets: prior_offsets.map(|o| beta * o),
                confidence_temperature: 1.0,
            };
            let f = macro_f1(&confusion(&d, heldout));
            log += &format!("  β{beta}: {f:.4}");
            if best.as_ref().is_none_or(|b| f > b.0 + 1e-9) {
                best = Some((f, d));
            }
        }
        log += "\n";
    }
    let (f, mut d) = best.unwrap_or_default();
    // Logit temperature by the likelihood of the offset-free marginals; it rescales
    // the scores before the offsets, so decisions move only slightly.
    let mut best_t = (f64::INFINITY, 1.0f32);
    for &t in &grid.temperatures {
        let cand = Decoder {
            temperature: t,
            offsets: [0.0; 4],
            ..d.clone()
        };
        let l = nll(&cand, heldout);
        if l < best_t.0 {
            best_t = (l, t);
        }
    }
    d.temperature = best_t.1;
    // Then the reported confidence, with the decisions fixed: the marginals do not
    // depend on the confidence temperature, so they are decoded once.
    let marginals: Vec<(usize, [f32; 4], Role)> = heldout
        .iter()
        .flat_map(|doc| {
            d.marginals(&doc.logits)
                .into_iter()
                .zip(&doc.gold)
                .filter_map(|(m, g)| g.map(|g| (argmax(&m), m, g)))
        })
        .collect();
    let mut best_c = (f64::INFINITY, 1.0f32);
    for &c in &grid.confidence_temperatures {
        let cand = Decoder {
            confidence_temperature: c,
            ..d.clone()
        };
        let l = confidence_log_loss(marginals.iter().map(|&(k, m, g)| (k, cand.calibrate(m), g)));
        if l < best_c.0 {
            best_c = (l, c);
        }
    }
    d.confidence_temperature = best_c.1;
    log += &format!(
        "chose weight {}, prior correction offsets {:?}, temperature {} (held-out macro-F1 {f:.4}, NLL {:.4}), confidence temperature {} (held-out ECE {:.4}, log loss {:.4})\n",
        d.weight,
        d.offsets.map(|o| (o * 1000.0).round() / 1000.0),
        d.temperature,
        best_t.0,
        d.confidence_temperature,
        ece(&d, heldout, 10),
        best_c.0,
    );
    (d, log)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(logits: Vec<[f32; 4]>, gold: Vec<Role>) -> ScoredDoc {
        ScoredDoc {
            logits,
            gold: gold.into_iter().map(Some).collect(),
        }
    }

    #[test]
    fn figures_on_a_hand_made_case() {
        let d = vec![doc(
            vec![
                [3.0, 0.0, 0.0, 0.0],
                [0.0, 3.0, 0.0, 0.0],
                [3.0, 0.0, 0.0, 0.0],
            ],
            vec![Role::Quote, Role::Claim, Role::Event],
        )];
        let c = confusion(&Decoder::default(), &d);
        assert_eq!(c[0][0], 1);
        assert_eq!(c[1][1], 1);
        assert_eq!(c[2][0], 1);
        // quote P 1/2 R 1 → 2/3; claim 1; event 0; background 0.
        assert!((macro_f1(&c) - (2.0 / 3.0 + 1.0) / 4.0).abs() < 1e-9);
        // Confident and right twice, confident and wrong once: ECE is large.
        let e = ece(&Decoder::default(), &d, 10);
        assert!(e > 0.2 && e < 0.9, "{e}");
    }

    #[test]
    fn tuning_softens_an_overconfident_model() {
        // Logits say "quote" at 10:0 but half of those sentences are claims.
        let mut docs = Vec::new();
        for i in 0..40 {
            let g = if i % 2 == 0 { Role::Quote } else { Role::Claim };
            docs.push(doc(vec![[10.0, 0.0, 0.0, 0.0]], vec![g]));
        }
        let grid = TuneGrid {
            temperatures: vec![1.0, 4.0, 16.0],
            ..TuneGrid::default()
        };
        let (d, log) = tune([[0.0; 4]; 5], [20, 20, 1, 1], &docs, &grid);
        assert!(d.temperature > 1.0, "{log}");
        assert!(ece(&d, &docs, 10) < ece(&Decoder::default(), &docs, 10));
    }
}

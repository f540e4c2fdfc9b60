//! Document-level decoding of sentence roles: a role depends on its neighbours' roles
//! (a quote is often followed by the same speaker going on; the lead is the event), so
//! per-sentence scores are combined with role-to-role transitions learned from the
//! training documents, by forward–backward over the document's sentences.
//!
//! Each sentence gets the marginal probability of each role given the whole document
//! and per-role offsets (tuned on held-out scores for macro-F1, they trade precision
//! between roles); the reported role is the most probable one. Those marginals are
//! then calibrated by a second temperature, fitted on the same held-out scores, so the
//! reported `confidence` (the chosen role's probability) means what it says and is
//! always the largest of the reported scores.

use crate::document::Role;
use serde::{Deserialize, Serialize};

/// Row index of the "document start" state in [`Decoder::transitions`].
const START: usize = 4;

/// Transition model plus calibration; stored in the model file.
///
/// | field | meaning |
/// |---|---|
/// | `transitions` | `ln P(role_t \| role_{t-1})`, rows 0–3 by previous role, row 4 for the first sentence |
/// | `weight` | how much the transitions count against the sentence scores (0 = independent sentences) |
/// | `temperature` | sentence logits are divided by it before decoding (how much a sentence's own scores count against its neighbours') |
/// | `offsets` | added to each role's log-score before decoding (decision thresholds) |
/// | `confidence_temperature` | the decoded marginals are raised to `1 / confidence_temperature` and renormalised (calibration; decisions do not move) |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decoder {
    pub transitions: [[f32; 4]; 5],
    pub weight: f32,
    pub temperature: f32,
    pub offsets: [f32; 4],
    pub confidence_temperature: f32,
}

impl Default for Decoder {
    /// Independent sentences, uncalibrated: plain softmax of the logits.
    fn default() -> Self {
        Decoder {
            transitions: [[0.0; 4]; 5],
            weight: 0.0,
            temperature: 1.0,
            offsets: [0.0; 4],
            confidence_temperature: 1.0,
        }
    }
}

impl Decoder {
    /// Transition log-probabilities counted from gold role sequences (one per
    /// document, `None` for sentences without a label, which break the chain), with
    /// add-one smoothing.
    pub fn count_transitions<'a>(
        docs: impl IntoIterator<Item = &'a [Option<Role>]>,
    ) -> [[f32; 4]; 5] {
        let mut counts = [[1f64; 4]; 5];
        for doc in docs {
            let mut prev = Some(START);
            for r in doc {
                match r {
                    Some(r) => {
                        if let Some(p) = prev {
                            counts[p][r.index()] += 1.0;
                        }
                        prev = Some(r.index());
                    }
                    None => prev = None,
                }
            }
        }
        counts.map(|row| {
            let s: f64 = row.iter().sum();
            row.map(|c| (c / s).ln() as f32)
        })
    }

    /// Checks that every number is finite and the temperature positive.
    pub fn check(&self) -> Result<(), String> {
        let finite = self.transitions.iter().flatten().all(|x| x.is_finite())
            && self.offsets.iter().all(|x| x.is_finite())
            && self.weight.is_finite();
        if !finite {
            return Err("non-finite number in the sequence decoder".into());
        }
        for (name, t) in [
            ("temperature", self.temperature),
            ("confidence temperature", self.confidence_temperature),
        ] {
            if !(t.is_finite() && t > 0.0) {
                return Err(format!("decoder {name} must be > 0, got {t}"));
            }
        }
        Ok(())
    }

    /// Decides every sentence of one document: the chosen role (the most probable
    /// after the per-role offsets) and the calibrated role probabilities, whose
    /// largest is the chosen role's.
    pub fn decode(&self, logits: &[[f32; 4]]) -> Vec<(usize, [f32; 4])> {
        self.marginals(logits)
            .into_iter()
            .map(|m| (super::tune::argmax(&m), self.calibrate(m)))
            .collect()
    }

    /// The reported probabilities of one sentence: its marginals tempered by
    /// `confidence_temperature` (a power keeps their order, so the decision stays).
    pub(crate) fn calibrate(&self, m: [f32; 4]) -> [f32; 4] {
        if self.confidence_temperature == 1.0 {
            return m;
        }
        let q = m.map(|x| x.powf(1.0 / self.confidence_temperature));
        let s: f32 = q.iter().sum();
        if s > 0.0 && s.is_finite() {
            q.map(|x| x / s)
        } else {
            m
        }
    }

    /// Marginal role probabilities of every sentence of one document, in order,
    /// with the per-role offsets applied and before calibration.
    pub fn marginals(&self, logits: &[[f32; 4]]) -> Vec<[f32; 4]> {
        let plain = self.emissions(logits);
        self.forward_backward(&self.offset(&plain).unwrap_or(plain))
    }

    /// Emissions with the per-role offsets applied (`exp(offset)` factors), or `None`
    /// when every offset is 0 and they would be the same.
    fn offset(&self, em: &[[f32; 4]]) -> Option<Vec<[f32; 4]>> {
        if self.offsets.iter().all(|&o| o == 0.0) {
            return None;
        }
        let scale = self.offsets.map(f32::exp);
        Some(
            em.iter()
                .map(|e| [0, 1, 2, 3].map(|k| e[k] * scale[k]))
                .collect(),
        )
    }

    /// Per-sentence emission weights: the tempered softmax of the logits, up to a
    /// per-sentence factor (the largest is 1), which the normalisation below cancels.
    fn emissions(&self, logits: &[[f32; 4]]) -> Vec<[f32; 4]> {
        logits
            .iter()
            .map(|z| {
                let z = z.map(|x| x / self.temperature);
                let m = z.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                z.map(|x| (x - m).exp())
            })
            .collect()
    }

    /// Forward–backward in probability space, each step normalised (so nothing
    /// underflows): four exponentials per sentence instead of ~50 in log space.
    /// Returns each sentence's marginal distribution.
    fn forward_backward(&self, em: &[[f32; 4]]) -> Vec<[f32; 4]> {
        let n = em.len();
        let normalise = |v: [f32; 4]| {
            let s: f32 = v.iter().sum();
            if s > 0.0 && s.is_finite() {
                v.map(|x| x / s)
            } else {
                [0.25; 4]
            }
        };
        if n == 0 {
            return vec![];
        }
        if self.weight == 0.0 {
            return em.iter().map(|&e| normalise(e)).collect();
        }
        let a: [[f32; 4]; 5] = self
            .transitions
            .map(|row| row.map(|t| (self.weight * t).exp()));
        let mut fwd = vec![[0f32; 4]; n];
        fwd[0] = normalise([0, 1, 2, 3].map(|k| a[START][k] * em[0][k]));
        for i in 1..n {
            let prev = fwd[i - 1];
            fwd[i] = normalise(
                [0, 1, 2, 3].map(|k| em[i][k] * (0..4).map(|p| prev[p] * a[p][k]).sum::<f32>()),
            );
        }
        let mut bwd = vec![[1f32; 4]; n];
        for i in (0..n - 1).rev() {
            let next = bwd[i + 1];
            bwd[i] = normalise([0, 1, 2, 3].map(|p| {
                (0..4)
                    .map(|k| a[p][k] * em[i + 1][k] * next[k])
                    .sum::<f32>()
            }));
        }
        (0..n)
            .map(|i| normalise([0, 1, 2, 3].map(|k| fwd[i][k] * bwd[i][k])))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forward–backward the textbook way, in f64 log space, for comparison.
    fn reference(d: &Decoder, logits: &[[f32; 4]]) -> Vec<[f64; 4]> {
        let lse = |v: &[f64]| {
            let m = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
        };
        let em: Vec<[f64; 4]> = logits
            .iter()
            .map(|z| {
                let z = z.map(|x| f64::from(x / d.temperature));
                let l = lse(&z);
                [0, 1, 2, 3].map(|k| z[k] - l + f64::from(d.offsets[k]))
            })
            .collect();
        let t = |p: usize, k: usize| f64::from(d.weight * d.transitions[p][k]);
        let n = em.len();
        let mut fwd = vec![[0f64; 4]; n];
        let mut bwd = vec![[0f64; 4]; n];
        for k in 0..4 {
            fwd[0][k] = em[0][k] + t(START, k);
        }
        for i in 1..n {
            for k in 0..4 {
                fwd[i][k] = lse(&[0, 1, 2, 3].map(|p| fwd[i - 1][p] + t(p, k))) + em[i][k];
            }
        }
        for i in (0..n.saturating_sub(1)).rev() {
            for p in 0..4 {
                bwd[i][p] = lse(&[0, 1, 2, 3].map(|k| t(p, k) + em[i + 1][k] + bwd[i + 1][k]));
            }
        }
        (0..n)
            .map(|i| {
                let s = [0, 1, 2, 3].map(|k| fwd[i][k] + bwd[i][k]);
                let l = lse(&s);
                s.map(|x| (x - l).exp())
            })
            .collect()
    }

    #[test]
    fn marginals_match_log_space_forward_backward() {
        let seqs: Vec<Vec<Option<Role>>> = vec![
            vec![
                Some(Role::Event),
                Some(Role::Quote),
                Some(Role::Quote),
                Some(Role::Background),
            ],
            vec![
                Some(Role::Claim),
                None,
                Some(Role::Claim),
                Some(Role::Quote),
            ],
        ];
        let d = Decoder {
            transitions: Decoder::count_transitions(seqs.iter().map(|v| v.as_slice())),
            weight: 0.75,
            temperature: 1.5,
            offsets: [-0.2, 0.4, 0.55, -0.4],
            confidence_temperature: 1.0,
        };
        // Peaked and flat sentences, and a logit gap far beyond f32's exp range.
        let logits = [
            [2.0, -1.0, 0.5, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [-3.0, 4.0, 1.0, 0.2],
            [200.0, -200.0, 0.0, 1.0],
            [0.1, 0.2, 0.3, 0.4],
        ];
        let got = d.marginals(&logits);
        let want = reference(&d, &logits);
        for (g, w) in got.iter().zip(&want) {
            for k in 0..4 {
                assert!(
                    (f64::from(g[k]) - w[k]).abs() < 1e-5,
                    "{got:?}\nvs {want:?}"
                );
            }
        }
        // Decoding reports those marginals (no calibration here) and their argmax.
        for ((role, p), w) in d.decode(&logits).iter().zip(&want) {
            let best = (0..4).max_by(|&a, &b| w[a].total_cmp(&w[b])).unwrap();
            assert_eq!(*role, best);
            for k in 0..4 {
                assert!((f64::from(p[k]) - w[k]).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn zero_weight_is_the_softmax() {
        let d = Decoder::default();
        let m = d.marginals(&[[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 3.0, 0.0]]);
        assert_eq!(m.len(), 2);
        let s = crate::model::softmax([0.0, 0.0, 3.0, 0.0]);
        for k in 0..4 {
            assert!((m[1][k] - s[k]).abs() < 1e-6);
        }
    }

    #[test]
    fn marginals_are_distributions_and_transitions_pull_ambiguous_sentences() {
        // Quotes follow quotes: an ambiguous sentence after a sure quote leans quote.
        let seqs: Vec<Vec<Option<Role>>> =
            vec![vec![Some(Role::Quote), Some(Role::Quote), Some(Role::Quote)]; 20];
        let d = Decoder {
            transitions: Decoder::count_transitions(seqs.iter().map(|v| v.as_slice())),
            weight: 1.0,
            ..Decoder::default()
        };
        d.check().unwrap();
        let logits = [[5.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]];
        let m = d.marginals(&logits);
        for row in &m {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        assert!(m[1][0] > 0.5, "{:?}", m[1]);
        let plain = Decoder::default().marginals(&logits);
        assert!((plain[1][0] - 0.25).abs() < 1e-6);
    }

    #[test]
    fn offsets_move_the_decision_and_the_confidence_is_the_largest_score() {
        let d = Decoder {
            offsets: [0.0, 1.0, 0.0, 0.0],
            ..Decoder::default()
        };
        let logits = [[0.5, 0.0, 0.0, 0.0]];
        let (role, p) = d.decode(&logits)[0];
        assert_eq!(role, 1, "the offset makes claim win");
        assert!(p[1] > p[0] && p[1] > p[2] && p[1] > p[3], "{p:?}");
    }

    #[test]
    fn confidence_temperature_softens_without_moving_decisions() {
        let logits = [[2.0, 0.0, 1.0, -1.0], [0.0, 0.3, 0.0, 0.2]];
        let plain = Decoder::default().decode(&logits);
        let soft = Decoder {
            confidence_temperature: 2.0,
            ..Decoder::default()
        }
        .decode(&logits);
        for ((k0, p0), (k1, p1)) in plain.iter().zip(&soft) {
            assert_eq!(k0, k1);
            assert!(p1[*k1] < p0[*k0], "{p0:?} → {p1:?}");
            assert!((p1.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        assert!(Decoder {
            confidence_temperature: f32::NAN,
            ..Decoder::default()
        }
        .check()
        .is_err());
    }

    #[test]
    fn temperature_softens_and_bad_values_are_refused() {
        let sharp = Decoder::default().marginals(&[[2.0, 0.0, 0.0, 0.0]])[0][0];
        let soft = Decoder {
            temperature: 2.0,
            ..Decoder::default()
        }
        .marginals(&[[2.0, 0.0, 0.0, 0.0]])[0][0];
        assert!(soft < sharp);
        assert!(Decoder {
            temperature: 0.0,
            ..Decoder::default()
        }
        .check()
        .is_err());
        assert!(Decoder::default().marginals(&[]).is_empty());
    }
}

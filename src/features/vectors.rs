//! Word vectors learned from the training texts themselves, so a sentence's words
//! count by meaning and not only by spelling ("warned" near "cautioned", "2015" near
//! "2014"). Nothing is downloaded: [`VectorParams::fit`] counts word co-occurrences in
//! a symmetric window, weighs them by positive pointwise mutual information (context
//! counts smoothed by the power 0.75), and reduces that matrix with a randomized
//! truncated SVD (Halko, Martinsson & Tropp 2011: a random projection, power
//! iterations, then the exact SVD of the small projected matrix). Each word's vector
//! is its row of `U·√Σ`, scaled to unit length.
//!
//! Stored in the model file quantised to `i8` with one scale per word (a quarter of
//! the `f32` size; the vectors are unit length, so steps of 1/127 of a word's largest
//! component lose nothing that matters).

use crate::attribution::FastMap;
use crate::error::{Error, Result};
use crate::text::{TextLayout, TokenKind};
use linfa_linalg::eigh::{EigSort, EighInto};
use linfa_linalg::qr::QRInto;
use ndarray::{Array2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Hyper-parameters of the word vectors.
///
/// | name | default | meaning |
/// |---|---|---|
/// | `dim` | 100 | vector length |
/// | `window` | 4 | words on each side that count as context |
/// | `min_count` | 5 | a word must occur this often in the texts to get a vector |
/// | `power_iterations` | 4 | power iterations of the randomized SVD (more: closer to the exact SVD) |
/// | `seed` | 17 | seed of the random projection (the fit is deterministic) |
#[derive(Debug, Clone, PartialEq)]
pub struct VectorParams {
    pub dim: usize,
    pub window: usize,
    pub min_count: usize,
    pub power_iterations: usize,
    pub seed: u64,
}

impl Default for VectorParams {
    fn default() -> Self {
        VectorParams {
            dim: 100,
            window: 4,
            min_count: 5,
            power_iterations: 4,
            seed: 17,
        }
    }
}

/// 64-bit FNV-1a of a word's bytes: the key of [`WordVectors`]' index.
pub(crate) fn word_hash(w: &str) -> u64 {
    super::fnv_bytes(super::FNV_OFFSET, w.as_bytes())
}

/// Lowercase word tokens of a text, as the role features see them.
pub fn words_of(layout: &TextLayout) -> Vec<String> {
    let text = layout.norm.as_str();
    layout
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| text[t.range()].to_lowercase())
        .collect()
}

/// A sparse matrix in compressed rows.
struct Csr {
    rows: usize,
    starts: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<f64>,
}

impl Csr {
    /// From `(row, col, value)` triples sorted by row.
    fn from_sorted(rows: usize, triples: &[(u32, u32, f64)]) -> Csr {
        let mut starts = vec![0usize; rows + 1];
        for &(r, _, _) in triples {
            starts[r as usize + 1] += 1;
        }
        for i in 0..rows {
            starts[i + 1] += starts[i];
        }
        Csr {
            rows,
            starts,
            cols: triples.iter().map(|t| t.1).collect(),
            vals: triples.iter().map(|t| t.2).collect(),
        }
    }

    fn transpose(&self) -> Csr {
        let mut t: Vec<(u32, u32, f64)> = Vec::with_capacity(self.vals.len());
        for r in 0..self.rows {
            for k in self.starts[r]..self.starts[r + 1] {
                t.push((self.cols[k], r as u32, self.vals[k]));
            }
        }
        t.sort_unstable_by_key(|x| (x.0, x.1));
        Csr::from_sorted(self.rows, &t)
    }

    /// `self · m` for a dense `m` with as many rows as `self` has columns.
    fn mul(&self, m: &Array2<f64>) -> Array2<f64> {
        let k = m.ncols();
        let m = m.as_standard_layout();
        let src = m.as_slice().expect("standard layout");
        let mut out = vec![0f64; self.rows * k];
        out.par_chunks_mut(k).enumerate().for_each(|(r, row)| {
            for j in self.starts[r]..self.starts[r + 1] {
                let v = self.vals[j];
                let c = self.cols[j] as usize;
                for (o, x) in row.iter_mut().zip(&src[c * k..(c + 1) * k]) {
                    *o += v * x;
                }
            }
        });
        Array2::from_shape_vec((self.rows, k), out).expect("rows × k values")
    }
}

/// A small deterministic generator for the random projection (splitmix64 and
/// Box–Muller): the fit must give the same vectors on every machine.
struct Gaussian(u64);

impl Gaussian {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        // In (0, 1]: never 0, so the logarithm below is finite.
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// The orthonormal `Q` of a thin QR decomposition.
fn orthonormal(m: Array2<f64>) -> Result<Array2<f64>> {
    m.qr_into()
        .map(|d| d.generate_q())
        .map_err(|e| Error::Training(format!("word vectors: QR decomposition failed: {e}")))
}

impl VectorParams {
    /// Learns word vectors from `texts`.
    ///
    /// # Errors
    /// [`Error::Training`] when the texts have too few distinct frequent words for
    /// `dim` dimensions, or a decomposition fails.
    pub fn fit(&self, texts: &[&str]) -> Result<WordVectors> {
        if self.dim == 0 || self.dim > 1024 {
            return Err(Error::Training(format!(
                "word vector dimension must be 1..=1024, got {}",
                self.dim
            )));
        }
        let docs: Vec<Vec<String>> = texts
            .par_iter()
            .map(|t| words_of(&TextLayout::new(t)))
            .collect();
        let mut freq: HashMap<&str, usize> = HashMap::new();
        for w in docs.iter().flatten() {
            *freq.entry(w.as_str()).or_default() += 1;
        }
        let mut words: Vec<String> = freq
            .iter()
            .filter(|(_, &c)| c >= self.min_count.max(1))
            .map(|(w, _)| w.to_string())
            .collect();
        words.sort_unstable();
        let k = self.dim + 10;
        if words.len() < 2 * k {
            return Err(Error::Training(format!(
                "word vectors: {} words occur {} times or more, too few for {} dimensions (more text, or a smaller dimension)",
                words.len(),
                self.min_count,
                self.dim
            )));
        }
        let id: HashMap<&str, u32> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str(), i as u32))
            .collect();
        // Co-occurrence pairs as sorted u64 keys (row << 32 | column), counted by runs.
        let mut pairs: Vec<u64> = docs
            .par_iter()
            .flat_map_iter(|d| {
                let ids: Vec<Option<u32>> = d.iter().map(|w| id.get(w.as_str()).copied()).collect();
                let w = self.window;
                let mut out = Vec::new();
                for (i, a) in ids.iter().enumerate() {
                    let Some(a) = a else { continue };
                    for (j, b) in ids
                        .iter()
                        .enumerate()
                        .take((i + w + 1).min(ids.len()))
                        .skip(i.saturating_sub(w))
                    {
                        if let (true, Some(b)) = (j != i, b) {
                            out.push((u64::from(*a) << 32) | u64::from(*b));
                        }
                    }
                }
                out
            })
            .collect();
        pairs.par_sort_unstable();
        let n = words.len();
        let mut counts: Vec<(u32, u32, f64)> = Vec::new();
        for run in pairs.chunk_by(|a, b| a == b) {
            let key = run[0];
            counts.push(((key >> 32) as u32, key as u32, run.len() as f64));
        }
        drop(pairs);
        let mut row_sum = vec![0f64; n];
        let mut col_sum = vec![0f64; n];
        for &(r, c, x) in &counts {
            row_sum[r as usize] += x;
            col_sum[c as usize] += x;
        }
        let smoothed: Vec<f64> = col_sum.iter().map(|c| c.powf(0.75)).collect();
        let z: f64 = smoothed.iter().sum();
        // PPMI = max(0, ln(P(w,c) / (P(w) · P_0.75(c)))) = ln(n_wc · Z / (n_w · c^0.75)).
        let ppmi: Vec<(u32, u32, f64)> = counts
            .into_iter()
            .filter_map(|(r, c, x)| {
                let v = (x * z / (row_sum[r as usize] * smoothed[c as usize])).ln();
                (v > 0.0).then_some((r, c, v))
            })
            .collect();
        let p = Csr::from_sorted(n, &ppmi);
        let pt = p.transpose();
        drop(ppmi);

        // Randomized range finder with power iterations, re-orthonormalised each time.
        let mut g = Gaussian(self.seed);
        let omega = Array2::from_shape_simple_fn((n, k), || g.normal());
        let mut q = orthonormal(p.mul(&omega))?;
        for _ in 0..self.power_iterations {
            let z = orthonormal(pt.mul(&q))?;
            q = orthonormal(p.mul(&z))?;
        }
        // B = Qᵀ P (k × n); its SVD from the eigendecomposition of B Bᵀ (k × k).
        let bt = pt.mul(&q); // n × k = Bᵀ
        let bbt = bt.t().dot(&bt);
        let (vals, vecs) = bbt
            .eigh_into()
            .map_err(|e| Error::Training(format!("word vectors: eigendecomposition failed: {e}")))?
            .sort_eig_desc();
        // U = Q W; a word's vector is its row of U · √σ, σ = √λ.
        let w = vecs.slice(ndarray::s![.., ..self.dim]).to_owned();
        let mut u = q.dot(&w);
        for (j, mut col) in u.axis_iter_mut(Axis(1)).enumerate() {
            let sigma = vals[j].max(0.0).sqrt();
            col *= sigma.sqrt();
        }
        let mut scales = Vec::with_capacity(n);
        let mut data = Vec::with_capacity(n * self.dim);
        for row in u.axis_iter(Axis(0)) {
            let norm = row.dot(&row).sqrt();
            let unit: Vec<f64> = row
                .iter()
                .map(|x| if norm > 0.0 { x / norm } else { 0.0 })
                .collect();
            let max = unit.iter().fold(0f64, |m, x| m.max(x.abs()));
            let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
            scales.push(scale as f32);
            data.extend(
                unit.iter()
                    .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8),
            );
        }
        Ok(WordVectors {
            dim: self.dim as u32,
            words,
            scales,
            data,
            index: OnceLock::new(),
        })
    }
}

/// Learned word vectors: lowercase word → unit vector of `dim` numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WordVectors {
    dim: u32,
    /// Sorted.
    words: Vec<String>,
    /// Per word: the `i8` values times this are the vector.
    scales: Vec<f32>,
    data: Vec<i8>,
    /// 64-bit hash of a word → row, built on first use. Keyed by the hash rather
    /// than the string: a probe then touches no key string (this runs for every
    /// word of every sentence). Two of 10^4 words share a 64-bit FNV-1a hash with
    /// odds of about 10^-12; should they, the index keeps the first (in sorted
    /// order) and the other reads its vector.
    #[serde(skip)]
    index: OnceLock<FastMap<u64, u32>>,
}

impl PartialEq for WordVectors {
    fn eq(&self, o: &Self) -> bool {
        self.dim == o.dim && self.words == o.words && self.scales == o.scales && self.data == o.data
    }
}

impl WordVectors {
    pub fn dim(&self) -> usize {
        self.dim as usize
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Checks that the stored arrays agree with each other (a model file is input).
    ///
    /// # Errors
    /// A message saying which part does not fit.
    pub fn check(&self) -> std::result::Result<(), String> {
        let n = self.words.len();
        let values = n
            .checked_mul(self.dim())
            .ok_or("word vectors: size overflows")?;
        if self.dim == 0 || self.scales.len() != n || self.data.len() != values {
            return Err(format!(
                "word vectors: {n} words, {} scales and {} values for dimension {}",
                self.scales.len(),
                self.data.len(),
                self.dim
            ));
        }
        if self.scales.iter().any(|s| !s.is_finite()) {
            return Err("word vectors: non-finite scale".into());
        }
        Ok(())
    }

    /// Row of a lowercase word, if it has a vector.
    pub fn index_of(&self, w: &str) -> Option<usize> {
        self.index_of_hash(word_hash(w))
    }

    /// [`WordVectors::index_of`] by the word's [`word_hash`], computed by the caller.
    pub(crate) fn index_of_hash(&self, h: u64) -> Option<usize> {
        let index = self.index.get_or_init(|| {
            let mut m = FastMap::default();
            for (i, w) in self.words.iter().enumerate() {
                m.entry(word_hash(w)).or_insert(i as u32);
            }
            m
        });
        index.get(&h).map(|&i| i as usize)
    }

    /// The values of row `r` (`r < len()`), dequantised.
    fn values(&self, r: usize) -> impl Iterator<Item = f32> + '_ {
        let d = self.dim();
        let s = self.scales[r];
        self.data[r * d..(r + 1) * d]
            .iter()
            .map(move |&x| s * f32::from(x))
    }

    /// The vector in row `r` (`r < len()`).
    pub fn vector(&self, r: usize) -> Vec<f32> {
        self.values(r).collect()
    }

    /// The vector of a lowercase word, if it has one.
    pub fn get(&self, w: &str) -> Option<Vec<f32>> {
        self.index_of(w).map(|r| self.vector(r))
    }

    /// The mean vector of the words that have one (zeros when none has).
    pub fn mean<'a>(&self, words: impl IntoIterator<Item = &'a str>) -> Vec<f32> {
        self.mean_of_rows(words.into_iter().filter_map(|w| self.index_of(w)))
    }

    /// The mean vector of rows `rows` (each `< len()`; zeros when there are none).
    pub(crate) fn mean_of_rows(&self, rows: impl IntoIterator<Item = usize>) -> Vec<f32> {
        let mut acc = vec![0f32; self.dim()];
        let mut n = 0usize;
        for r in rows {
            for (a, x) in acc.iter_mut().zip(self.values(r)) {
                *a += x;
            }
            n += 1;
        }
        if n > 1 {
            let inv = 1.0 / n as f32;
            acc.iter_mut().for_each(|x| *x *= inv);
        }
        acc
    }
}

/// Word vectors of a small made-up corpus, for tests elsewhere.
#[cfg(test)]
pub(crate) fn toy_vectors(dim: usize) -> WordVectors {
    let texts = tests::corpus();
    let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
    VectorParams {
        dim,
        min_count: 3,
        ..VectorParams::default()
    }
    .fit(&refs)
    .expect("toy corpus fits")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
        let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
        dot / (na * nb)
    }

    /// Texts where "warned"/"cautioned" share contexts, and "apple"/"pear" share
    /// others: the words of one kind must end up closer to each other.
    pub(super) fn corpus() -> Vec<String> {
        let mut out = Vec::new();
        let speakers = [
            "the minister",
            "officials",
            "the mayor",
            "a spokesman",
            "the judge",
        ];
        let fruit_ctx = [
            "she ate a ripe",
            "the market sold a fresh",
            "he peeled the sweet",
        ];
        for i in 0..60 {
            let s = speakers[i % speakers.len()];
            let verb = if i % 2 == 0 { "warned" } else { "cautioned" };
            let fruit = if i % 2 == 0 { "apple" } else { "pear" };
            let f = fruit_ctx[i % fruit_ctx.len()];
            out.push(format!(
                "On Monday {s} {verb} that the crisis could deepen and prices rise. \
                 Later {f} {fruit} from the orchard with juice and seeds. Item {i} word{} filler{}.",
                i % 7,
                i % 11
            ));
        }
        out
    }

    #[test]
    fn words_in_the_same_contexts_get_close_vectors_and_the_fit_is_deterministic() {
        let v = toy_vectors(8);
        v.check().unwrap();
        assert_eq!(v.dim(), 8);
        let (w, c) = (v.get("warned").unwrap(), v.get("cautioned").unwrap());
        let (a, pe) = (v.get("apple").unwrap(), v.get("pear").unwrap());
        assert!(
            cosine(&w, &c) > cosine(&w, &a) + 0.2,
            "{} vs {}",
            cosine(&w, &c),
            cosine(&w, &a)
        );
        assert!(cosine(&a, &pe) > cosine(&a, &c) + 0.2);
        // Unit length, up to the quantisation.
        let n: f32 = w.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((n - 1.0).abs() < 0.05, "{n}");
        assert!(v.get("zebra").is_none());
        assert_eq!(toy_vectors(8), v, "same texts, same seed: same vectors");
    }

    #[test]
    fn too_little_text_is_a_clear_error_and_mean_ignores_unknown_words() {
        let e = VectorParams::default()
            .fit(&["A short text."])
            .unwrap_err()
            .to_string();
        assert!(e.contains("too few"), "{e}");
        let v = toy_vectors(4);
        assert_eq!(v.mean(["zebra", "unicorn"]), vec![0.0; 4]);
        let apple = v.get("apple").unwrap();
        let m = v.mean(["apple", "zebra"]);
        assert!(apple.iter().zip(&m).all(|(x, y)| (x - y).abs() < 1e-6));
    }

    #[test]
    fn mismatched_arrays_are_refused() {
        let mut v = WordVectors {
            dim: 2,
            words: vec!["a".into()],
            scales: vec![1.0],
            data: vec![1, 2],
            index: OnceLock::new(),
        };
        v.check().unwrap();
        v.data.pop();
        assert!(v.check().is_err());
    }
}

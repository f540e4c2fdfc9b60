//! Fitting the role model with linfa: `RoleParams` → checked `ValidRoleParams` →
//! [`fit_roles`] → [`RoleModel`].
//!
//! linfa's estimators take dense matrices, so the hashed features are first reduced to
//! the `max_columns` most frequent buckets (seen in at least `min_count` sentences);
//! the fitted weights are scattered back into the full hash space.

use super::{RoleModel, SparseWeights};
use crate::document::Role;
use crate::error::{Error, Result};
use crate::features::SparseVec;
use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use std::collections::HashMap;

/// Hyper-parameters of the role model.
///
/// | name | default | meaning |
/// |---|---|---|
/// | `alpha` | 1.0 | L2 penalty on the weights (the loss is summed over sentences) |
/// | `max_iterations` | 100 | L-BFGS iterations |
/// | `max_columns` | 6000 | hashed features kept for fitting, most frequent first (fit time grows linearly with it) |
/// | `min_count` | 2 | a feature must occur in this many training sentences |
/// | `balance` | true | shift each role's intercept by half of `ln(n / (4 n_role))`, half-way to the prior correction that makes the fit act as if the roles were equally frequent (training tunes this in the decoder instead and fits with `false`) |
#[derive(Debug, Clone, PartialEq)]
pub struct RoleParams {
    pub alpha: f64,
    pub max_iterations: u64,
    pub max_columns: usize,
    pub min_count: usize,
    pub balance: bool,
}

impl Default for RoleParams {
    fn default() -> Self {
        RoleParams {
            alpha: 1.0,
            max_iterations: 100,
            max_columns: 6_000,
            min_count: 2,
            balance: true,
        }
    }
}

/// [`RoleParams`] that passed [`RoleParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRoleParams(RoleParams);

impl RoleParams {
    /// # Errors
    /// [`Error::Training`] naming the bad value.
    pub fn check(self) -> Result<ValidRoleParams> {
        if !(self.alpha.is_finite() && self.alpha >= 0.0) {
            return Err(Error::Training(format!(
                "alpha must be finite and >= 0, got {}",
                self.alpha
            )));
        }
        if self.max_columns == 0 || self.max_iterations == 0 {
            return Err(Error::Training(
                "max_columns and max_iterations must be > 0".into(),
            ));
        }
        Ok(ValidRoleParams(self))
    }
}

impl ValidRoleParams {
    pub fn params(&self) -> &RoleParams {
        &self.0
    }
}

/// Fits a role model on `(features, role)` samples from a hash space of `buckets`.
///
/// # Errors
/// [`Error::Training`] when a role has no samples or the solver fails.
pub fn fit_roles(
    params: &ValidRoleParams,
    samples: &[(SparseVec, Role)],
    buckets: usize,
) -> Result<RoleModel> {
    let p = &params.0;
    for r in Role::ALL {
        if !samples.iter().any(|(_, s)| *s == r) {
            return Err(Error::Training(format!(
                "the training data has no `{r}` sentences"
            )));
        }
    }
    // Document frequency of each bucket.
    let mut df: HashMap<u32, usize> = HashMap::new();
    for (x, _) in samples {
        let mut seen: Vec<u32> = x.iter().map(|e| e.0).collect();
        seen.sort_unstable();
        seen.dedup();
        for b in seen {
            *df.entry(b).or_default() += 1;
        }
    }
    let mut kept: Vec<(u32, usize)> = df.into_iter().filter(|&(_, c)| c >= p.min_count).collect();
    kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    kept.truncate(p.max_columns);
    let col: HashMap<u32, usize> = kept.iter().enumerate().map(|(i, &(b, _))| (b, i)).collect();

    let mut x = Array2::<f32>::zeros((samples.len(), kept.len()));
    for (i, (v, _)) in samples.iter().enumerate() {
        for &(b, val) in v {
            if let Some(&j) = col.get(&b) {
                x[[i, j]] += val;
            }
        }
    }
    let y: Array1<usize> = samples.iter().map(|(_, r)| r.index()).collect();
    let data = Dataset::new(x, y);
    let fitted = MultiLogisticRegression::default()
        .alpha(p.alpha as f32)
        .max_iterations(p.max_iterations)
        .fit(&data)
        .map_err(|e| Error::Training(format!("logistic regression solver: {e}")))?;

    // linfa orders classes by label value; ours are role indices 0..4.
    let classes = fitted.classes().to_vec();
    let mut rows = Vec::with_capacity(kept.len());
    let w = fitted.params();
    for (j, &(b, _)) in kept.iter().enumerate() {
        let mut row = [0f32; 4];
        for (k, &c) in classes.iter().enumerate() {
            row[c] = w[[j, k]];
        }
        rows.push((b, row));
    }
    let mut bias = [0f32; 4];
    for (k, &c) in classes.iter().enumerate() {
        bias[c] = fitted.intercept()[k];
    }
    if p.balance {
        let n = samples.len() as f32;
        for r in Role::ALL {
            let n_r = samples.iter().filter(|(_, s)| *s == r).count() as f32;
            bias[r.index()] += 0.5 * (n / (4.0 * n_r)).ln();
        }
    }
    RoleModel::from_sparse(&SparseWeights {
        buckets: buckets as u64,
        rows,
        bias,
    })
    .map_err(Error::Training)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_toy_problem() {
        // Bucket 10+k marks role k; bucket 0 is noise shared by all.
        let mut samples = Vec::new();
        for i in 0..40 {
            let r = Role::ALL[i % 4];
            samples.push((vec![(10 + r.index() as u32, 1.0), (0, 1.0)], r));
        }
        let params = RoleParams {
            alpha: 0.1,
            ..Default::default()
        }
        .check()
        .unwrap();
        let m = fit_roles(&params, &samples, 64).unwrap();
        for r in Role::ALL {
            assert_eq!(m.predict_role(&vec![(10 + r.index() as u32, 1.0)]), r);
        }
    }

    #[test]
    fn missing_role_is_a_clear_error() {
        let samples = vec![(vec![(1, 1.0)], Role::Quote), (vec![(2, 1.0)], Role::Event)];
        let params = RoleParams::default().check().unwrap();
        let e = fit_roles(&params, &samples, 64).unwrap_err().to_string();
        assert!(e.contains("claim"), "{e}");
    }

    #[test]
    fn bad_alpha_is_rejected() {
        assert!(RoleParams {
            alpha: -1.0,
            ..Default::default()
        }
        .check()
        .is_err());
    }
}

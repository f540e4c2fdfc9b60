//! The role model: a linear classifier over hashed sentence features, fitted with
//! linfa (`fit`) and scored sparsely at serving time; and the versioned model
//! file ([`persist`]) that bundles it with its feature settings, the attribution
//! model and its card.

pub mod card;
pub mod decode;
mod fit;
pub mod persist;
pub mod plots;
pub mod tune;

pub use decode::Decoder;
pub use fit::{fit_roles, RoleParams, ValidRoleParams};
pub use persist::{ModelFile, FORMAT_VERSION};

use crate::document::{Role, RoleScores};
use crate::features::SparseVec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a model says about itself (the gRPC `ModelInfo`, the card's header).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelMeta {
    pub name: String,
    pub version: String,
    pub format_version: u32,
    pub labels: Vec<String>,
    /// Where the training data came from, with its split.
    pub training_data: String,
    /// Dev metrics, e.g. `roles.macro_f1`.
    pub metrics: BTreeMap<String, f64>,
    /// RFC 3339.
    pub trained_at: String,
    /// The model card, Markdown.
    pub card: String,
    /// SHA-256 of the model file, hex (filled in when loaded from a file).
    pub sha256: String,
    pub has_attribution_model: bool,
}

/// A fitted linear role classifier: one weight row per hash bucket, four roles.
///
/// Stored sparsely (only buckets seen in training carry weights) and held densely in
/// memory, so scoring a sentence is one table lookup per feature.
#[derive(Debug, Clone)]
pub struct RoleModel {
    /// `buckets × 4`, row-major.
    weights: Vec<f32>,
    bias: [f32; 4],
    buckets: usize,
}

/// The on-disk form of [`RoleModel`]: only non-zero rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SparseWeights {
    pub buckets: u64,
    pub rows: Vec<(u32, [f32; 4])>,
    pub bias: [f32; 4],
}

impl RoleModel {
    /// Builds a model from stored weights.
    ///
    /// # Errors
    /// A message when a row's bucket is outside the hash space or a weight is not finite.
    pub fn from_sparse(w: &SparseWeights) -> Result<RoleModel, String> {
        let buckets = usize::try_from(w.buckets).map_err(|_| "hash space too large".to_string())?;
        if buckets == 0 || buckets > (1 << 24) {
            return Err(format!("hash space of {buckets} buckets is out of range"));
        }
        let mut weights = vec![0f32; buckets * 4];
        for &(b, row) in &w.rows {
            let b = b as usize;
            if b >= buckets {
                return Err(format!(
                    "weight row for bucket {b} outside {buckets} buckets"
                ));
            }
            if row.iter().any(|x| !x.is_finite()) {
                return Err(format!("non-finite weight in bucket {b}"));
            }
            weights[b * 4..b * 4 + 4].copy_from_slice(&row);
        }
        if w.bias.iter().any(|x| !x.is_finite()) {
            return Err("non-finite bias".into());
        }
        Ok(RoleModel {
            weights,
            bias: w.bias,
            buckets,
        })
    }

    pub fn to_sparse(&self) -> SparseWeights {
        let rows = (0..self.buckets)
            .filter_map(|b| {
                let r = &self.weights[b * 4..b * 4 + 4];
                r.iter()
                    .any(|&x| x != 0.0)
                    .then(|| (b as u32, [r[0], r[1], r[2], r[3]]))
            })
            .collect();
        SparseWeights {
            buckets: self.buckets as u64,
            rows,
            bias: self.bias,
        }
    }

    pub fn buckets(&self) -> usize {
        self.buckets
    }

    /// The four weights of hash bucket `b` (zeros outside the hash space).
    pub fn row(&self, b: u32) -> [f32; 4] {
        let i = b as usize * 4;
        self.weights
            .get(i..i + 4)
            .map_or([0.0; 4], |r| [r[0], r[1], r[2], r[3]])
    }

    /// Raw scores (logits) for one sentence.
    pub fn logits(&self, x: &SparseVec) -> [f32; 4] {
        let mut z = self.bias;
        for &(b, v) in x {
            // Buckets come from a Featurizer with the same hash space; the mask keeps a
            // mismatched one from reading out of bounds.
            let i = (b as usize & (self.buckets - 1)) * 4;
            if let Some(r) = self.weights.get(i..i + 4) {
                for k in 0..4 {
                    z[k] += r[k] * v;
                }
            }
        }
        z
    }

    /// Role probabilities for one sentence.
    pub fn predict(&self, x: &SparseVec) -> RoleScores {
        RoleScores::from_array(softmax(self.logits(x)))
    }

    /// The most probable role.
    pub fn predict_role(&self, x: &SparseVec) -> Role {
        self.predict(x).best().0
    }
}

pub fn softmax(z: [f32; 4]) -> [f32; 4] {
    let m = z.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let e = z.map(|x| (x - m).exp());
    let s: f32 = e.iter().sum();
    e.map(|x| x / s)
}

/// The name that stands for the default model compiled into this build (see
/// [`EMBEDDED_MODEL_BYTES`]): [`ModelFile::load`] and everything that loads by path
/// (the CLI, the server's start and `ReloadModel`) read the embedded bytes for it, and
/// errors name it.
pub const EMBEDDED_MODEL: &str = "<embedded default model>";

/// The shipped `models/default/newsroles.model`, compiled in so that an installed or
/// copied binary works without the source tree (about 1.5 MB of the binary).
pub static EMBEDDED_MODEL_BYTES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/default/newsroles.model"
));

/// Whether `path` names the embedded default model rather than a file.
pub fn is_embedded(path: &std::path::Path) -> bool {
    path.as_os_str() == EMBEDDED_MODEL
}

/// Where the default model is looked for, first hit wins: `$NEWSROLES_MODEL`,
/// `models/default/newsroles.model` under the current directory, the same path beside
/// the running executable, and else the copy embedded in this build
/// ([`EMBEDDED_MODEL`]). A file on disk wins over the embedded copy, so a model
/// retrained in place is used without rebuilding.
pub fn default_model_path() -> std::path::PathBuf {
    use std::path::PathBuf;
    if let Some(p) = std::env::var_os("NEWSROLES_MODEL") {
        return PathBuf::from(p);
    }
    let rel = PathBuf::from("models")
        .join("default")
        .join("newsroles.model");
    if rel.is_file() {
        return rel;
    }
    if let Some(beside) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join(&rel)))
        .filter(|p| p.is_file())
    {
        return beside;
    }
    PathBuf::from(EMBEDDED_MODEL)
}

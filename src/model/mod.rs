//! The role model: a linear classifier over hashed sentence features, fitted with
//! linfa and scored sparsely at serving time; and the versioned model file.

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

//! Shared test helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared`, or `None` (with a printed reason) where it is absent.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("..").join("shared");
    if p.join("corpora").is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: ../shared/corpora is absent on this machine");
        None
    }
}

/// The shipped default model.
pub fn default_model() -> PathBuf {
    root()
        .join("models")
        .join("default")
        .join("newsroles.model")
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests").join("fixtures").join(name)
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

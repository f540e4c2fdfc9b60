//! The library's one error type. Variants are named for what the caller can do about
//! them; messages are lowercase and name the offending value and place.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller sent something malformed (bad JSON line, missing field, bad label).
    #[error("{0}")]
    InvalidInput(String),

    /// A configured limit was exceeded; the message names the limit and the value.
    #[error("{what} is {value}, over the limit of {limit}")]
    LimitExceeded {
        what: String,
        value: usize,
        limit: usize,
    },

    /// A model file could not be read: missing, corrupt, truncated or wrong version.
    #[error("model file {path}: {reason}")]
    Model { path: PathBuf, reason: String },

    /// Training could not produce a model (no data, solver failure …).
    #[error("training failed: {0}")]
    Training(String),

    /// The caller cancelled the analysis (see [`crate::budget::Budget`]).
    #[error("analysis cancelled")]
    Cancelled,

    /// An analysis ran past its per-document budget (see [`crate::budget::Budget`]).
    #[error("analysis stopped in the {stage} stage: over its {budget}; split the document or raise the limit")]
    OverBudget {
        /// Which budget, with its limit ("per-document time budget of 60 s").
        budget: String,
        stage: &'static str,
    },

    /// Reading or writing a file or stream failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidInput(msg.into())
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn model(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Model {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

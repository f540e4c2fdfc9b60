//! newsroles: sentence roles and quote attribution for news text.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`text`]: normalise a copy of the article (no-break spaces, curly quotes, glued
//!    words) with an offset map back to the original; split it into paragraphs and
//!    sentences; pair quotation marks into quote spans.
//! 2. [`features`]: turn each sentence (and its place in the article) into a sparse
//!    hashed feature vector.
//! 3. [`model`]: a linear role classifier, trained with linfa, scored sparsely; the
//!    versioned model file.
//! 4. [`attribution`]: quotes, cues, speaker candidates and their ranking, and the
//!    per-document clustering of mentions into canonical speakers.
//! 5. [`pipeline`]: stages 1–4 glued into one `Send + Sync` [`Pipeline`].
//!
//! Around it: [`lexicon`] (the word lists below every stage), [`document`] (the domain
//! types and JSONL shapes), [`batch`] (ordered
//! parallel JSONL classification), [`budget`] (bounded work per document), [`corpus`] (labelled
//! data), [`eval`] (the figures of `score.py`), [`train`] (fitting a model from
//! corpora), [`render`] (the table and HTML views), [`service`] (the gRPC server and
//! its HTML view) and [`error`].
//!
//! ```
//! use newsroles::{Document, Pipeline, Role};
//!
//! // The shipped default model (or $NEWSROLES_MODEL).
//! let pipeline = Pipeline::load(&newsroles::model::default_model_path())?;
//! let text = "\"We will not give up,\" the mayor said on Monday.";
//! let analysis = pipeline.analyze(&Document { id: "1".into(), text: text.into() })?;
//! assert_eq!(analysis.sentences[0].role, Role::Quote);
//! let quote = &analysis.quotes[0];
//! // Spans are code points of the original text.
//! let content: String = text.chars().skip(quote.start).take(quote.end - quote.start).collect();
//! assert!(content.starts_with("We will not give up"));
//! assert_eq!(quote.speaker.as_ref().map(|s| s.text.as_str()), Some("the mayor"));
//! # Ok::<(), newsroles::Error>(())
//! ```

pub mod attribution;
pub mod batch;
pub mod budget;
pub mod corpus;
pub mod document;
pub mod error;
pub mod eval;
pub mod features;
pub mod lexicon;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod service;
pub mod text;
pub mod train;

#[cfg(test)]
mod test_skip;

pub use document::{
    Analysis, Cue, Document, Entity, EntityKind, EntityMention, Quote, Role, RoleScores, Sentence,
    Span, Speaker,
};
pub use error::{Error, Result};
pub use pipeline::{AnalyzeOptions, Pipeline};

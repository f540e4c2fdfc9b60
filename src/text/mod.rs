//! Stage 1, text: a normalised copy of the article with an offset map back to the
//! original ([`Normalized`]), its paragraphs and sentences ([`segment`]), its
//! quotation-mark spans ([`pair_quotes`]) and a word tokenizer ([`tokenize`]).
//!
//! All ranges here are byte ranges into the normalised text; map them to the original
//! with [`Normalized::original_range`]. Nothing in this stage panics on any input.

mod normalize;
mod quotes;
mod segment;
mod tokenize;

pub use normalize::Normalized;
pub use quotes::{pair_quotes, QuoteMarkSpan};
pub use segment::{paragraphs, segment, SentenceSpan};
pub use tokenize::{tokenize, Token, TokenKind};

use std::ops::Range;

/// Everything the later stages need from the text of one document.
#[derive(Debug, Clone)]
pub struct TextLayout {
    pub norm: Normalized,
    /// Paragraphs (normalised byte ranges), trimmed, none empty.
    pub paragraphs: Vec<Range<usize>>,
    pub sentences: Vec<SentenceSpan>,
    pub quotes: Vec<QuoteMarkSpan>,
}

impl TextLayout {
    /// Normalises `original` and lays it out into paragraphs, sentences and quotes.
    pub fn new(original: &str) -> TextLayout {
        let norm = Normalized::new(original);
        let text = norm.as_str();
        let paragraphs = paragraphs(text);
        let sentences = segment::segment_paragraphs(text, &paragraphs);
        let quotes = quotes::pair_quotes_paragraphs(text, &paragraphs);
        TextLayout {
            norm,
            paragraphs,
            sentences,
            quotes,
        }
    }
}

#[cfg(test)]
mod tests;

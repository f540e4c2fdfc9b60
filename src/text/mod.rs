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
    /// Tokens of the whole normalised text, in order: tokenised once here for every
    /// later stage.
    pub tokens: Vec<TokenSpan>,
}

/// A token of the normalised text (see [`tokenize`]) as a range, without the borrow.
/// Offsets are `u32`: a long text has about one token per five bytes, and these
/// are 12 bytes rather than 24 (texts of 4 GiB and more keep the tokens of their
/// first 4 GiB; see [`TextLayout::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSpan {
    start: u32,
    end: u32,
    pub kind: TokenKind,
}

impl TokenSpan {
    /// Byte range in the normalised text.
    #[inline]
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl TextLayout {
    /// Normalises `original` and lays it out into paragraphs, sentences and quotes.
    pub fn new(original: &str) -> TextLayout {
        let norm = Normalized::new(original);
        let text = norm.as_str();
        let paragraphs = paragraphs(text);
        let sentences = segment::segment_paragraphs(text, &paragraphs);
        let quotes = quotes::pair_quotes_paragraphs(text, &paragraphs);
        // News has about five bytes per token; reserving for four, and past that for
        // what the rest of the text may hold, spares a long text the doubling of its
        // largest vector (a copy of twice its size held at once: issue 33 item 8).
        let mut tokens = Vec::with_capacity(text.len() / 4 + 16);
        tokenize::tokenize_into(text, |t| {
            if let (Ok(start), Ok(end)) = (u32::try_from(t.range.start), u32::try_from(t.range.end))
            {
                if tokens.len() == tokens.capacity() {
                    tokens.reserve_exact((text.len() - t.range.end) / 3 + 16);
                }
                tokens.push(TokenSpan {
                    start,
                    end,
                    kind: t.kind,
                });
            }
        });
        TextLayout {
            norm,
            paragraphs,
            sentences,
            quotes,
            tokens,
        }
    }

    /// The tokens of `range` (a sentence's) exactly as `tokenize` of that slice alone
    /// gives them: the part of [`TextLayout::tokens`] inside it, when no token crosses
    /// its ends and whitespace (or the end of the text) follows it, so the tokenizer's
    /// one-character look-ahead sees the same; else `None` (tokenise the slice then).
    pub fn tokens_within(&self, range: &Range<usize>) -> Option<&[TokenSpan]> {
        let text = self.norm.as_str();
        // Past 4 GiB there are no layout tokens (see `TokenSpan`).
        u32::try_from(range.end).ok()?;
        let first = self
            .tokens
            .partition_point(|t| t.range().end <= range.start);
        let last = self.tokens.partition_point(|t| t.range().start < range.end);
        let toks = &self.tokens[first..last.max(first)];
        let clean = toks.first().is_none_or(|t| t.range().start >= range.start)
            && toks.last().is_none_or(|t| t.range().end <= range.end)
            && text
                .get(range.end..)
                .and_then(|rest| rest.chars().next())
                .is_none_or(char::is_whitespace);
        clean.then_some(toks)
    }

    /// `tokenize` of the text in `range` (ranges relative to it), taken from
    /// [`TextLayout::tokens`] where [`TextLayout::tokens_within`] allows it.
    pub fn sentence_tokens(&self, range: &Range<usize>) -> Vec<Token<'_>> {
        let text = self.norm.as_str();
        match self.tokens_within(range) {
            Some(ts) => ts
                .iter()
                .map(|t| Token {
                    text: &text[t.range()],
                    range: t.range().start - range.start..t.range().end - range.start,
                    kind: t.kind,
                })
                .collect(),
            None => tokenize(&text[range.clone()]),
        }
    }
}

#[cfg(test)]
mod tests;

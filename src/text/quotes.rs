//! Quotation-mark pairing on normalised text: double marks by position, the
//! multi-paragraph convention, unbalanced marks capped at their paragraph, and short
//! single-quoted phrases ('Despondent') told apart from apostrophes.

use super::segment::paragraphs;
use std::ops::Range;

/// One quotation found by its marks.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteMarkSpan {
    /// The words inside the marks, marks excluded, trimmed of whitespace; never empty.
    pub content: Range<usize>,
    /// The opening mark.
    pub open: Range<usize>,
    /// The closing mark; `None` when the quote runs unclosed to the end of its paragraph
    /// (the multi-paragraph convention, or a mark never closed).
    pub close: Option<Range<usize>>,
}

/// Quotations of `norm`, in order, non-overlapping.
pub fn pair_quotes(norm: &str) -> Vec<QuoteMarkSpan> {
    pair_quotes_paragraphs(norm, &paragraphs(norm))
}

/// [`pair_quotes`] on paragraphs already found.
pub(crate) fn pair_quotes_paragraphs(norm: &str, paras: &[Range<usize>]) -> Vec<QuoteMarkSpan> {
    let mut out = Vec::new();
    for para in paras {
        let Some(p) = norm.get(para.clone()) else {
            continue;
        };
        let first = out.len();
        double_quotes(p, para.start, &mut out);
        // Single-quoted phrases only in the gaps between double-quoted spans.
        let doubles: Vec<Range<usize>> = out[first..]
            .iter()
            .map(|q| q.open.start - para.start..outer_end(q, para))
            .collect();
        let mut singles = Vec::new();
        let mut gap_start = 0;
        for d in doubles.iter().chain(std::iter::once(&(p.len()..p.len()))) {
            single_quotes(p, gap_start..d.start, para.start, &mut singles);
            gap_start = d.end;
        }
        if !singles.is_empty() {
            out.extend(singles);
            out[first..].sort_by_key(|q| q.open.start);
        }
    }
    out
}

fn outer_end(q: &QuoteMarkSpan, para: &Range<usize>) -> usize {
    q.close.as_ref().map_or(para.end, |c| c.end) - para.start
}

fn double_quotes(p: &str, base: usize, out: &mut Vec<QuoteMarkSpan>) {
    let mut open: Option<usize> = None;
    for (i, _) in p.match_indices('"') {
        let prev = p[..i].chars().next_back();
        let next = p[i + 1..].chars().next();
        // Outside a quote, a mark glued to a comma opens one too (`said,"Look`).
        let opening = opens(prev, next)
            || (open.is_none() && prev == Some(',') && next.is_some_and(char::is_alphabetic));
        let closing = closes(prev, next);
        match open {
            None if opening => open = Some(i),
            None => {}
            // Anything not clearly an opening mark closes the open quote.
            Some(o) if closing || !opening => {
                push(p, base, o, i, Some(i), out);
                open = None;
            }
            // A second opening mark: the first was never closed; drop it.
            Some(_) => open = Some(i),
        }
    }
    if let Some(o) = open {
        push(p, base, o, p.len(), None, out);
    }
}

/// A mark opens when it follows the start, whitespace or an opening bracket or dash, and
/// precedes a word.
fn opens(prev: Option<char>, next: Option<char>) -> bool {
    let before = prev.is_none_or(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '(' | '[' | '{' | '\u{2014}' | '\u{2013}' | '-' | '/' | ':'
            )
    });
    before
        && next.is_some_and(|c| {
            !c.is_whitespace() && !matches!(c, ',' | ';' | ':' | ')' | ']' | '}' | '!' | '?')
        })
}

/// A mark closes when it follows a non-space and precedes whitespace, punctuation or the end.
fn closes(prev: Option<char>, next: Option<char>) -> bool {
    prev.is_some_and(|c| !c.is_whitespace())
        && next.is_none_or(|c| {
            c.is_whitespace()
                || (c.is_ascii_punctuation() && c != '"')
                || matches!(c, '\u{2014}' | '\u{2013}' | '\u{2026}')
        })
}

/// Records the quote opened at `o` with content up to `end` (relative to `p`).
fn push(
    p: &str,
    base: usize,
    o: usize,
    end: usize,
    close: Option<usize>,
    out: &mut Vec<QuoteMarkSpan>,
) {
    let inner = &p[o + 1..end];
    let lead = inner.len() - inner.trim_start().len();
    let body = inner.trim();
    if body.is_empty() {
        return;
    }
    let s = base + o + 1 + lead;
    out.push(QuoteMarkSpan {
        content: s..s + body.len(),
        open: base + o..base + o + 1,
        close: close.map(|c| base + c..base + c + 1),
    });
}

/// Longest single-quoted phrase, in words; longer stretches are apostrophes apart.
const MAX_SINGLE_WORDS: usize = 12;

/// Single-quoted phrases in `p[gap]`: an opening `'` at a word start before a letter,
/// closed on the same line within a few words by a `'` after a non-space and before
/// whitespace, punctuation or the end. Elisions ('em, 'n', '90s) are not openings.
fn single_quotes(p: &str, gap: Range<usize>, base: usize, out: &mut Vec<QuoteMarkSpan>) {
    let Some(g) = p.get(gap.clone()) else { return };
    let mut from = 0;
    while let Some(k) = g[from..].find('\'') {
        let i = from + k;
        from = i + 1;
        let prev = g[..i].chars().next_back();
        let after = &g[i + 1..];
        let next = after.chars().next();
        if !(prev.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '\u{2014}'))
            && next.is_some_and(char::is_alphabetic))
        {
            continue;
        }
        let word_end = after
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(after.len());
        if matches!(
            &after[..word_end],
            "em" | "n" | "tis" | "twas" | "til" | "cause" | "bout" | "round" | "s"
        ) {
            continue;
        }
        let mut words = 0;
        let mut close = None;
        for (j, c) in after.char_indices() {
            match c {
                '\n' => break,
                ' ' => {
                    words += 1;
                    if words > MAX_SINGLE_WORDS {
                        break;
                    }
                }
                '\'' => {
                    let before = after[..j].chars().next_back();
                    let behind = after[j + 1..].chars().next();
                    let closing = before.is_some_and(|c| !c.is_whitespace())
                        && behind.is_none_or(|c| {
                            c.is_whitespace()
                                || matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')')
                        });
                    if closing {
                        close = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(j) = close else { continue };
        let body = after[..j].trim();
        if body.chars().filter(|c| c.is_alphabetic()).count() < 2 {
            continue;
        }
        let o = gap.start + i;
        let c = o + 1 + j;
        push(p, base, o, c, Some(c), out);
        from = i + 1 + j + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(s: &str) -> Vec<(&str, bool)> {
        pair_quotes(s)
            .into_iter()
            .map(|q| (&s[q.content], q.close.is_some()))
            .collect()
    }

    #[test]
    fn single_sentence_quote() {
        let s = "He said \"we will win\" today.";
        let q = pair_quotes(s);
        assert_eq!(q.len(), 1);
        assert_eq!(&s[q[0].content.clone()], "we will win");
        assert_eq!(&s[q[0].open.clone()], "\"");
        assert_eq!(q[0].close, Some(20..21));
    }

    #[test]
    fn multi_sentence_quote_and_two_quotes() {
        assert_eq!(
            contents("\"Like Lehman, we think so,\" the firm said. \"Musk sees it. He knows.\""),
            [
                ("Like Lehman, we think so,", true),
                ("Musk sees it. He knows.", true)
            ]
        );
        assert_eq!(
            contents("calling it the \"Shortseller Enrichment Commission\" on Twitter"),
            [("Shortseller Enrichment Commission", true)]
        );
    }

    #[test]
    fn mark_glued_to_a_comma_opens() {
        assert_eq!(
            contents("Ryan said,\"Look, no.\" Then"),
            [("Look, no.", true)]
        );
    }

    #[test]
    fn multi_paragraph_quote() {
        let s = "He said: \"First part of it.\n\n\"Second part,\" he added.";
        assert_eq!(
            contents(s),
            [("First part of it.", false), ("Second part,", true)]
        );
    }

    #[test]
    fn unbalanced_marks_stop_at_the_paragraph() {
        assert_eq!(
            contents("He said \"never closed.\n\nNext paragraph here."),
            [("never closed.", false)]
        );
        // A stray closing mark (inches) opens nothing.
        assert_eq!(
            contents("A 12\" pipe burst. Nothing \"quoted\" here"),
            [("quoted", true)]
        );
        // A second opening mark drops the unclosed first one.
        assert_eq!(contents("a \"one b \"two\" c"), [("two", true)]);
    }

    #[test]
    fn apostrophes_are_not_marks() {
        assert!(pair_quotes(
            "Don't touch Haniyeh's car from the '90s, rock 'n' roll, the players' union."
        )
        .is_empty());
        assert_eq!(
            contents("'Despondent' Musk's Tesla resembles Lehman"),
            [("Despondent", true)]
        );
        // Single quotes nested inside double quotes stay part of the double quote.
        assert_eq!(
            contents("\"He called it 'a farce' today\""),
            [("He called it 'a farce' today", true)]
        );
    }
}

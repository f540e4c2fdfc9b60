//! A fast, allocation-free-per-token tokenizer: Unicode words (with internal hyphens,
//! apostrophes and dotted abbreviations), numbers, and single-char punctuation.

use std::ops::Range;
use unicode_normalization::char::is_combining_mark;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    pub text: &'a str,
    /// Byte range in the tokenized string.
    pub range: Range<usize>,
    pub kind: TokenKind,
}

/// Word, number and punctuation tokens of `s`, ranges relative to `s`, no whitespace.
///
/// "U.S." and "e.g." are one word, as are "al-Arouri", "don't" and "COVID-19"; a
/// possessive "'s" is its own word ("Haniyeh", "'s"); "72.5" and "1,000" are numbers;
/// "10th" and "3D" are words.
pub fn tokenize(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(s.len() / 5 + 1);
    tokenize_into(s, |t| out.push(t));
    out
}

/// [`tokenize`], handing each token to `emit` in order instead of collecting them.
pub(crate) fn tokenize_into<'a>(s: &'a str, mut emit: impl FnMut(Token<'a>)) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = char_at(s, i);
        let len = c.len_utf8();
        if c.is_whitespace() {
            i += len;
            continue;
        }
        let (end, kind) = if c.is_alphabetic() {
            (word_end(s, i), TokenKind::Word)
        } else if c.is_ascii_digit() || (c.is_numeric() && !c.is_ascii()) {
            number_end(s, i)
        } else if c == '\'' && possessive_s(s, i) {
            (i + 2, TokenKind::Word)
        } else {
            (i + len, TokenKind::Punct)
        };
        emit(Token {
            text: &s[i..end],
            range: i..end,
            kind,
        });
        i = end;
    }
}

fn char_at(s: &str, i: usize) -> char {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        b as char
    } else {
        s[i..].chars().next().unwrap_or(' ')
    }
}

fn is_word_char(c: char) -> bool {
    // ASCII first: no combining marks there, and the mark lookup is a hash probe.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

/// `'s` at `i` ending a possessive: the next char is not a letter.
fn possessive_s(s: &str, i: usize) -> bool {
    let b = s.as_bytes();
    b.get(i + 1).is_some_and(|&c| c == b's' || c == b'S')
        && !s[i + 2..].chars().next().is_some_and(is_word_char)
}

fn word_end(s: &str, start: usize) -> usize {
    let b = s.as_bytes();
    // Dotted abbreviation: single letters each followed by '.', at least two ("U.S.", "a.m.").
    if let Some(end) = dotted_end(s, start) {
        return end;
    }
    let mut i = start;
    loop {
        while i < b.len() {
            let c = char_at(s, i);
            if !is_word_char(c) {
                break;
            }
            i += c.len_utf8();
        }
        // Internal hyphen or apostrophe joins when a word char follows, except "'s".
        match b.get(i) {
            Some(b'-') | Some(b'\'') if s[i + 1..].chars().next().is_some_and(is_word_char) => {
                if b[i] == b'\'' && possessive_s(s, i) {
                    return i;
                }
                i += 1;
            }
            _ => return i,
        }
    }
}

fn dotted_end(s: &str, start: usize) -> Option<usize> {
    let mut i = start;
    let mut groups = 0;
    loop {
        let c = s[i..].chars().next()?;
        if !c.is_alphabetic() {
            break;
        }
        let after = i + c.len_utf8();
        if s.as_bytes().get(after) != Some(&b'.') {
            break;
        }
        groups += 1;
        i = after + 1;
        if i >= s.len() {
            break;
        }
    }
    // "U.S." but not "A. Smith" or "Mr.": the last group must not run on into a word.
    let next_is_word = s[i..].chars().next().is_some_and(is_word_char);
    (groups >= 2 && !next_is_word).then_some(i)
}

fn number_end(s: &str, start: usize) -> (usize, TokenKind) {
    let b = s.as_bytes();
    let mut i = start;
    loop {
        while i < b.len() && (b[i].is_ascii_digit() || (b[i] >= 0x80 && char_at(s, i).is_numeric()))
        {
            i += char_at(s, i).len_utf8();
        }
        // "72.5", "1,000": a separator joins only between digits.
        if i + 1 < b.len() && matches!(b[i], b'.' | b',') && b[i + 1].is_ascii_digit() {
            i += 1;
        } else {
            break;
        }
    }
    if s[i..].chars().next().is_some_and(is_word_char) {
        (word_end(s, i), TokenKind::Word)
    } else {
        (i, TokenKind::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(&str, TokenKind)> {
        tokenize(s).into_iter().map(|t| (t.text, t.kind)).collect()
    }

    #[test]
    fn words_numbers_punct() {
        use TokenKind::*;
        assert_eq!(
            toks("The U.S. paid $72.5 billion, al-Arouri's 1,000 men."),
            [
                ("The", Word),
                ("U.S.", Word),
                ("paid", Word),
                ("$", Punct),
                ("72.5", Number),
                ("billion", Word),
                (",", Punct),
                ("al-Arouri", Word),
                ("'s", Word),
                ("1,000", Number),
                ("men", Word),
                (".", Punct)
            ]
        );
        assert_eq!(
            toks("don't COVID-19 10th"),
            [("don't", Word), ("COVID-19", Word), ("10th", Word)]
        );
        assert_eq!(
            toks("Hamas' \"x\""),
            [
                ("Hamas", Word),
                ("'", Punct),
                ("\"", Punct),
                ("x", Word),
                ("\"", Punct)
            ]
        );
        assert_eq!(
            toks("Mr. A. Smith e.g."),
            [
                ("Mr", Word),
                (".", Punct),
                ("A", Word),
                (".", Punct),
                ("Smith", Word),
                ("e.g.", Word)
            ]
        );
        assert_eq!(
            toks("caf\u{e9} nai\u{308}ve \u{1F600}!"),
            [
                ("caf\u{e9}", Word),
                ("nai\u{308}ve", Word),
                ("\u{1F600}", Punct),
                ("!", Punct)
            ]
        );
        assert_eq!(
            toks("end..."),
            [("end", Word), (".", Punct), (".", Punct), (".", Punct)]
        );
    }

    #[test]
    fn ranges_slice_the_input() {
        let s = " \u{a0}Haniyeh's  visit\u{2014}2024 ";
        for t in tokenize(s) {
            assert_eq!(&s[t.range.clone()], t.text);
        }
    }
}

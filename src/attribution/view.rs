//! The token view attribution works on: the text stage's tokens, re-cut where
//! attribution needs it (possessive `'s` split off, `Sen.`-style abbreviations
//! joined), each tagged with its sentence, paragraph and quotation-mark span.

use super::lexicon;
use crate::text::{TokenKind, TokenSpan};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Word,
    Number,
    Punct,
    /// A possessive `'s` or bare `'` after a word.
    Possessive,
}

/// A token's lowercase text: the text itself when it has no uppercase (most
/// tokens, so they cost no allocation), else an owned lowercase copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lower<'a> {
    Text(&'a str),
    Owned(Box<str>),
}

impl<'a> Lower<'a> {
    /// The lowercase form of `s`.
    fn of(s: &'a str) -> Lower<'a> {
        if s.is_ascii() {
            if s.bytes().any(|b| b.is_ascii_uppercase()) {
                Lower::Owned(s.to_ascii_lowercase().into_boxed_str())
            } else {
                Lower::Text(s)
            }
        } else {
            let l = s.to_lowercase();
            if l == s {
                Lower::Text(s)
            } else {
                Lower::Owned(l.into_boxed_str())
            }
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Lower::Text(s) => s,
            Lower::Owned(s) => s,
        }
    }
}

impl std::ops::Deref for Lower<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Lower<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Lower<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Tok<'a> {
    /// The byte range, as `u32` (read with [`Tok::range`]): the text stage's token
    /// offsets are (see [`TokenSpan`]).
    start32: u32,
    end32: u32,
    /// Lowercase text without a trailing abbreviation dot.
    pub lower: Lower<'a>,
    pub kind: Kind,
    /// First character is uppercase.
    pub cap: bool,
    /// Sentence, paragraph and quotation-mark span indices are `u32` (with the
    /// rest, a token is 56 bytes rather than 88: the passes over tokens are
    /// memory-bound); read them with [`Tok::sent`], [`Tok::para`], [`Tok::quote`].
    sent32: u32,
    para32: u32,
    /// Index of the quotation-mark span whose content holds this token, or
    /// [`NO_QUOTE`] (an `Option<u32>` would take 8 bytes).
    quote32: u32,
    /// The token is a quotation mark itself.
    pub mark: bool,
    /// The word lists holding `lower` ([`lexicon::list`] flags), looked up once.
    pub lists: u32,
    /// `lexicon::cue_word(&lower)`, looked up once.
    pub cue: Option<lexicon::CueWord>,
}

impl Tok<'_> {
    /// Byte range in the normalised text.
    #[inline]
    pub fn range(&self) -> Range<usize> {
        self.start()..self.end()
    }

    #[inline]
    pub fn start(&self) -> usize {
        self.start32 as usize
    }

    #[inline]
    pub fn end(&self) -> usize {
        self.end32 as usize
    }

    /// Extends the token to end at `end` (joining a dot or a possessive onto it).
    fn set_end(&mut self, end: usize) {
        self.end32 = narrow(end);
    }

    /// Index of the sentence holding this token.
    #[inline]
    pub fn sent(&self) -> usize {
        self.sent32 as usize
    }

    /// Index of the paragraph holding this token.
    #[inline]
    pub fn para(&self) -> usize {
        self.para32 as usize
    }

    /// Index of the quotation-mark span whose content holds this token.
    #[inline]
    pub fn quote(&self) -> Option<usize> {
        (self.quote32 != NO_QUOTE).then_some(self.quote32 as usize)
    }

    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    /// Whether the lowercase form is in one of the word lists of `flags`.
    pub fn is(&self, flags: u32) -> bool {
        self.lists & flags != 0
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub range: Range<usize>,
    pub para: usize,
    /// Token indices.
    pub toks: Range<usize>,
    /// Headline title case ("Trump Says He Never Pledged …"): cue words may be
    /// capitalised here.
    pub title: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Mark {
    pub content: Range<usize>,
    pub open: Range<usize>,
    pub close: Option<Range<usize>>,
    /// Token indices of the content.
    pub toks: Range<usize>,
}

/// A document as tokens with their places.
#[derive(Debug, Clone)]
pub(crate) struct View<'a> {
    pub text: &'a str,
    pub toks: Vec<Tok<'a>>,
    pub sents: Vec<Sent>,
    pub paras: Vec<Range<usize>>,
    pub marks: Vec<Mark>,
    /// `words_before[k]`: word and number tokens among `toks[..k]` (one more entry
    /// than tokens), so counting the words of any range is O(1).
    pub words_before: Vec<u32>,
}

/// `(content, open, close)` of a quotation-mark span.
pub(crate) type MarkRanges = (Range<usize>, Range<usize>, Option<Range<usize>>);

/// Raw layout pieces, so tests can build views without the text stage.
pub(crate) struct RawLayout<'a> {
    pub text: &'a str,
    pub paragraphs: Vec<Range<usize>>,
    /// `(range, paragraph)`.
    pub sentences: Vec<(Range<usize>, usize)>,
    /// `(content, open, close)`.
    pub quotes: Vec<MarkRanges>,
    /// The text stage's tokens.
    pub tokens: &'a [TokenSpan],
}

// A long text has about one token per five bytes: a token's size is a large part of
// the memory a document takes.
const _: () = assert!(std::mem::size_of::<Tok<'static>>() <= 56);

/// [`Tok::quote32`] of a token outside every quotation-mark span.
const NO_QUOTE: u32 = u32::MAX;

/// An index as stored in a [`Tok`]. Sentences, paragraphs and quotation marks
/// are far fewer than bytes of text, and texts over 4 GiB are not read whole.
fn narrow(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn clamp(r: &Range<usize>, len: usize) -> Range<usize> {
    let s = r.start.min(len);
    s..r.end.clamp(s, len)
}

impl<'a> View<'a> {
    pub fn new(raw: RawLayout<'a>) -> View<'a> {
        let text = raw.text;
        let n = text.len();
        let ok = |r: &Range<usize>| text.is_char_boundary(r.start) && text.is_char_boundary(r.end);
        let mut toks: Vec<Tok<'a>> = take_buffer(raw.tokens.len() + 16);
        for t in raw.tokens {
            let r = clamp(&t.range(), n);
            if r.is_empty() || !ok(&r) {
                continue;
            }
            let s = &text[r.clone()];
            let kind = match t.kind {
                TokenKind::Word => Kind::Word,
                TokenKind::Number => Kind::Number,
                TokenKind::Punct => Kind::Punct,
            };
            if s == "." {
                if let Some(prev) = toks.last_mut() {
                    if joins_abbreviation(text, prev, &r) {
                        prev.set_end(r.end);
                        continue;
                    }
                }
            }
            push_split(text, &mut toks, r, s, kind);
        }

        let mut sents: Vec<Sent> = raw
            .sentences
            .iter()
            .map(|(r, p)| Sent {
                range: clamp(r, n),
                para: *p,
                toks: 0..0,
                title: false,
            })
            .filter(|s| !s.range.is_empty())
            .collect();
        sents.sort_by_key(|s| s.range.start);
        if sents.is_empty() && !toks.is_empty() {
            sents.push(Sent {
                range: 0..n,
                para: 0,
                toks: 0..0,
                title: false,
            });
        }
        let mut paras: Vec<Range<usize>> = raw.paragraphs.iter().map(|r| clamp(r, n)).collect();
        paras.sort_by_key(|p| p.start);
        if paras.is_empty() {
            paras.push(0..n);
        }
        // Assign tokens to sentences: the last sentence starting at or before the token.
        // Tokens come in text order, so one forward walk over the sentences does it;
        // a token before the current sentence (out of order) falls back to a search.
        let mut si = 0usize;
        for t in toks.iter_mut() {
            let start = t.start();
            if sents.get(si).is_some_and(|s| s.range.start > start) {
                si = sents
                    .partition_point(|s| s.range.start <= start)
                    .saturating_sub(1);
            }
            while sents.get(si + 1).is_some_and(|s| s.range.start <= start) {
                si += 1;
            }
            t.sent32 = narrow(si);
            t.para32 = narrow(sents.get(si).map(|s| s.para).unwrap_or(0));
        }
        for (si, s) in sents.iter_mut().enumerate() {
            let a = toks.partition_point(|t| t.sent() < si);
            let b = toks.partition_point(|t| t.sent() <= si);
            s.toks = a..b.max(a);
        }
        // Tokens sorted by start: a mark's tokens are found by binary search.
        let sorted = toks.windows(2).all(|w| w[0].start() <= w[1].start());
        let mut marks = Vec::new();
        let mut qs = raw.quotes;
        qs.sort_by_key(|q| q.1.start);
        for (content, open, close) in qs {
            let content = clamp(&content, n);
            let open = clamp(&open, n);
            let close = close.map(|c| clamp(&c, n));
            let a = toks.partition_point(|t| t.start() < content.start);
            let b = toks.partition_point(|t| t.start() < content.end);
            let qi = marks.len();
            for t in &mut toks[a..b.max(a)] {
                t.quote32 = narrow(qi).min(NO_QUOTE - 1);
            }
            if sorted {
                for r in std::iter::once(&open).chain(close.as_ref()) {
                    let from = toks.partition_point(|t| t.start() < r.start);
                    for t in toks[from..].iter_mut().take_while(|t| t.start() == r.start) {
                        if t.range() == *r {
                            t.mark = true;
                        }
                    }
                }
            } else {
                for t in toks.iter_mut() {
                    if t.range() == open || Some(&t.range()) == close.as_ref() {
                        t.mark = true;
                    }
                }
            }
            marks.push(Mark {
                content,
                open,
                close,
                toks: a..b.max(a),
            });
        }
        for s in sents.iter_mut() {
            s.title = toks.get(s.toks.clone()).is_some_and(is_title_case);
        }
        let mut words_before = Vec::with_capacity(toks.len() + 1);
        let mut w = 0u32;
        words_before.push(0);
        for t in &toks {
            w += u32::from(t.is_word() || t.kind == Kind::Number);
            words_before.push(w);
        }
        View {
            text,
            toks,
            sents,
            paras,
            marks,
            words_before,
        }
    }

    /// Word and number tokens in `r` (clamped to the tokens).
    pub fn words_in(&self, r: Range<usize>) -> usize {
        let last = self.words_before.len().saturating_sub(1);
        let (a, b) = (r.start.min(last), r.end.min(last));
        if b <= a {
            return 0;
        }
        (self.words_before[b] - self.words_before[a]) as usize
    }

    pub fn tok_text(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .map(|t| &self.text[t.range()])
            .unwrap_or("")
    }

    /// Byte range covered by tokens `r`.
    pub fn span(&self, r: &Range<usize>) -> Range<usize> {
        match (
            self.toks.get(r.start),
            r.end.checked_sub(1).and_then(|e| self.toks.get(e)),
        ) {
            (Some(a), Some(b)) if r.end > r.start => a.start()..b.end(),
            _ => 0..0,
        }
    }

    /// The token index whose range starts at or after byte `b`.
    pub fn tok_at(&self, b: usize) -> usize {
        self.toks.partition_point(|t| t.start() < b)
    }

    pub fn get(&self, i: usize) -> Option<&Tok<'a>> {
        self.toks.get(i)
    }

    pub fn lower(&self, i: usize) -> &str {
        self.toks.get(i).map(|t| t.lower.as_str()).unwrap_or("")
    }
}

thread_local! {
    /// The token buffer of the thread's previous document: a fresh buffer per
    /// document showed in profiles as page faults on first touch.
    static SPARE: std::cell::Cell<Vec<Tok<'static>>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Buffers larger than this many tokens are not kept.
const SPARE_MAX: usize = 1 << 16;

/// Empties a token vector and gives it another lifetime. The empty vector is
/// collected in place, which keeps its allocation (else it is just a new vector).
fn emptied<'b>(mut v: Vec<Tok<'_>>) -> Vec<Tok<'b>> {
    v.clear();
    v.into_iter().map(|_| unreachable!("emptied")).collect()
}

/// An empty token vector for `cap` tokens, reusing the thread's spare buffer.
fn take_buffer<'a>(cap: usize) -> Vec<Tok<'a>> {
    let mut v = emptied(SPARE.with(|s| s.take()));
    v.reserve(cap);
    v
}

/// Keeps a view's token buffer for the thread's next document.
pub(crate) fn recycle(toks: Vec<Tok<'_>>) {
    if toks.capacity() <= SPARE_MAX {
        let v = emptied(toks);
        SPARE.with(|s| s.set(v));
    }
}

/// Whether a sentence is in headline title case: at least four words of four or more
/// letters outside quotation marks, nearly all capitalised.
fn is_title_case(toks: &[Tok]) -> bool {
    let (mut long, mut cap) = (0usize, 0usize);
    for t in toks.iter().filter(|t| t.is_word() && t.quote32 == NO_QUOTE) {
        if t.lower.len() >= 4 {
            long += 1;
            cap += usize::from(t.cap);
        }
    }
    long >= 4 && cap * 10 >= long * 9
}

fn mk(text: &str, r: Range<usize>, kind: Kind) -> Tok<'_> {
    let s = &text[r.clone()];
    let lower = Lower::of(s);
    // A straight double quote is always a quotation mark (whether or not the text
    // stage paired it). Tokens are re-cut after this only by joining a dot onto a
    // word and `'` + `s`, so setting this here is final.
    let mark = lower == "\"";
    // Only words are in the word lists or cues.
    let (lists, cue) = if kind == Kind::Word {
        lexicon::word_info(&lower)
    } else {
        (0, None)
    };
    Tok {
        lists,
        cue,
        lower,
        cap: s.chars().next().is_some_and(|c| c.is_uppercase()),
        kind,
        start32: narrow(r.start),
        end32: narrow(r.end),
        sent32: 0,
        para32: 0,
        quote32: NO_QUOTE,
        mark,
    }
}

/// Pushes a token, splitting a trailing possessive `'s` / `'` off words.
fn push_split<'a>(text: &'a str, out: &mut Vec<Tok<'a>>, r: Range<usize>, s: &str, kind: Kind) {
    if kind == Kind::Word {
        // Only `S` lowercases to `s`, so the suffix test needs no lowercase copy.
        let ends_with_ci = |suffix: &str| {
            s.len() >= suffix.len()
                && s.is_char_boundary(s.len() - suffix.len())
                && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
        };
        if s.len() == 2 && ends_with_ci("'s") {
            out.push(mk(text, r, Kind::Possessive));
            return;
        }
        for suffix in ["'s", "\u{2019}s"] {
            if ends_with_ci(suffix) && s.len() > suffix.len() {
                let cut = r.end - suffix.len();
                out.push(mk(text, r.start..cut, Kind::Word));
                out.push(mk(text, cut..r.end, Kind::Possessive));
                return;
            }
        }
        // "n't" contractions stay whole; other glued apostrophes are kept too.
    }
    // A separate "'s" token after a word, or "'" right after a word ending in s.
    if kind != Kind::Word || s == "s" {
        if let Some(prev) = out.last() {
            let glued = prev.end() == r.start;
            if glued && (s == "'" || s == "\u{2019}") && prev.is_word() && prev.lower.ends_with('s')
            {
                let next_is_letter = text[r.end..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric());
                if !next_is_letter {
                    out.push(mk(text, r, Kind::Possessive));
                    return;
                }
            }
        }
    }
    if s == "s" {
        if let Some(prev) = out.last_mut() {
            if prev.end() == r.start && (prev.lower == "'" || prev.lower == "\u{2019}") {
                // "'" + "s" split by the tokenizer: one possessive token.
                prev.set_end(r.end);
                prev.lower = Lower::Text("'s");
                (prev.lists, prev.cue) = lexicon::word_info(&prev.lower);
                prev.kind = Kind::Possessive;
                return;
            }
        }
    }
    out.push(mk(text, r, kind));
}

/// US state abbreviations that end in a dot ("Flint, Mich., said").
const STATE_ABBREVIATIONS: &[&str] = &[
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky",
    "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa",
    "tenn", "tex", "va", "vt", "wash", "wis", "wyo",
];

/// Whether the dot at `dot` joins the token before it: "Sen" + "." and single
/// initials "J" + "." make one token, as the view is built (a joined dot is not
/// pushed; the token before it is extended).
fn joins_abbreviation(text: &str, prev: &Tok<'_>, dot: &Range<usize>) -> bool {
    let glued = prev.end() == dot.start;
    if !glued || !prev.is_word() {
        return false;
    }
    let ptext = &text[prev.range()];
    let initial = ptext.chars().count() == 1 && prev.cap;
    let suffix = matches!(
        prev.lower.as_str(),
        "jr" | "sr" | "inc" | "corp" | "co" | "ltd"
    );
    let state = STATE_ABBREVIATIONS.contains(&prev.lower.as_str());
    let abbr = lexicon::is_honorific(&prev.lower)
        || suffix
        || state
        || matches!(prev.lower.as_str(), "st" | "u.s" | "u.n" | "d.c" | "n.y");
    if !(initial || abbr) {
        return false;
    }
    // Only when something follows on the same line: a sentence-final
    // "Sen." stays a full stop.
    let rest = &text[dot.end..];
    let next = rest.trim_start().chars().next();
    let continues = rest.starts_with(' ') && next.is_some_and(|c| c.is_uppercase());
    // "Jr." and "Mich." inside a sentence: followed by a comma or a lowercase word.
    let inside = next.is_some_and(|c| c == ',' || c.is_lowercase());
    continues && !state || inside && (suffix || state || initial)
}

#[cfg(test)]
mod tests {
    use crate::text::TextLayout;

    #[test]
    fn possessive_and_abbreviation() {
        let layout = TextLayout::new("Haniyeh's visit. Sen. Ted Cruz spoke.");
        let v = super::super::view_of(&layout);
        let words: Vec<&str> = (0..v.toks.len()).map(|i| v.tok_text(i)).collect();
        assert_eq!(
            words,
            ["Haniyeh", "'s", "visit", ".", "Sen.", "Ted", "Cruz", "spoke", "."]
        );
        assert_eq!(v.toks[1].kind, super::Kind::Possessive);
        assert_eq!(v.toks[5].sent(), 1);
    }

    #[test]
    fn token_size() {
        // Passes over the tokens are memory-bound: keep tokens small.
        assert!(std::mem::size_of::<super::Tok>() <= 72);
    }

    #[test]
    fn quote_tokens_are_marked() {
        let layout = TextLayout::new("\"We won,\" he said.");
        let v = super::super::view_of(&layout);
        assert!(v.toks[0].mark);
        assert_eq!(v.toks[1].quote(), Some(0));
        assert_eq!(v.toks[5].quote(), None);
    }
}

//! Paragraph and sentence segmentation of normalised news text: blank-line paragraphs,
//! short unpunctuated lines (headlines, "Read more:", bylines, bullets) as sentences, and
//! wire-copy sentence rules (abbreviations, initials, decimals, datelines, quotes).

use std::ops::Range;

/// One sentence: a byte range of the normalised text, trimmed of whitespace, never empty.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceSpan {
    pub range: Range<usize>,
    /// 0-based index among the non-empty paragraphs.
    pub paragraph: usize,
    pub index_in_paragraph: usize,
}

/// Paragraphs of `norm`: separated by one or more blank (empty or whitespace-only)
/// lines, trimmed of whitespace, none empty.
pub fn paragraphs(norm: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut current: Option<Range<usize>> = None;
    let mut line_start = 0;
    for line in norm.split('\n') {
        let trimmed = line.trim_start();
        if trimmed.trim_end().is_empty() {
            out.extend(current.take());
        } else {
            let start = line_start + (line.len() - trimmed.len());
            let end = line_start + line.trim_end().len();
            match &mut current {
                Some(r) => r.end = end,
                None => current = Some(start..end),
            }
        }
        line_start += line.len() + 1;
    }
    out.extend(current);
    out
}

/// Sentences of `norm`, in order, non-overlapping, trimmed, none empty.
pub fn segment(norm: &str) -> Vec<SentenceSpan> {
    segment_paragraphs(norm, &paragraphs(norm))
}

/// [`segment`] on paragraphs already found by [`paragraphs`].
pub(crate) fn segment_paragraphs(norm: &str, paras: &[Range<usize>]) -> Vec<SentenceSpan> {
    let mut out = Vec::with_capacity(paras.len() * 3);
    let mut cuts = Vec::new();
    for (pi, para) in paras.iter().enumerate() {
        let Some(p) = norm.get(para.clone()) else {
            continue;
        };
        cuts.clear();
        find_cuts(p, &mut cuts);
        cuts.push(p.len());
        let mut start = 0;
        let mut index = 0;
        for &cut in &cuts {
            if cut <= start {
                continue;
            }
            let piece = &p[start..cut];
            let lead = piece.len() - piece.trim_start().len();
            let mut body = piece.trim();
            let mut s = para.start + start + lead;
            while !body.is_empty() {
                let len = capped_len(body);
                out.push(SentenceSpan {
                    range: s..s + len,
                    paragraph: pi,
                    index_in_paragraph: index,
                });
                index += 1;
                let rest = &body[len..];
                s += len + (rest.len() - rest.trim_start().len());
                body = rest.trim_start();
            }
            start = cut;
        }
    }
    out
}

/// Longest sentence, in bytes. Longer runs without a sentence end (word lists, text
/// without punctuation, hostile input) are cut at the last space before it, so the
/// later stages, whose rules look across a sentence, stay linear in the text. Gold
/// sentences of the news corpora are under 1,100 bytes.
pub const MAX_SENTENCE_BYTES: usize = 2000;

/// The length of the first sentence of `body` (trimmed, not empty) under the cap: all
/// of it, or up to the last whitespace before [`MAX_SENTENCE_BYTES`] (else the last
/// character boundary), trimmed.
fn capped_len(body: &str) -> usize {
    if body.len() <= MAX_SENTENCE_BYTES {
        return body.len();
    }
    let mut cap = MAX_SENTENCE_BYTES;
    while !body.is_char_boundary(cap) {
        cap -= 1;
    }
    let head = &body[..cap];
    head.rfind(char::is_whitespace)
        .map(|w| head[..w].trim_end().len())
        .filter(|&l| l > 0)
        .unwrap_or(cap)
}

/// Byte offsets in paragraph `p` where a sentence ends, ascending.
fn find_cuts(p: &str, cuts: &mut Vec<usize>) {
    let b = p.as_bytes();
    let mut line_start = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'.' || c == b'!' || c == b'?' || (c == 0xE2 && p[i..].starts_with('\u{2026}')) {
            let (end, cut) = terminator(p, i, line_start);
            if cut {
                cuts.push(end);
            }
            i = end.max(i + 1);
            continue;
        }
        if c == b'\n' {
            let next_start = i + 1;
            if line_break_ends_sentence(&p[line_start..i], &p[next_start..]) {
                let end = line_start + p[line_start..i].trim_end().len();
                if cuts.last().is_none_or(|&l| l < end) {
                    cuts.push(end);
                }
            }
            line_start = next_start;
        }
        i += 1;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Period,
    Ellipsis,
    Strong,
}

/// Examines the terminator run starting at `i`; returns where it ends (after closing
/// quotes and brackets) and whether a sentence ends there.
fn terminator(p: &str, i: usize, line_start: usize) -> (usize, bool) {
    let b = p.as_bytes();
    let mut j = i;
    let mut dots = 0;
    let mut stop = Stop::Period;
    while j < b.len() {
        match b[j] {
            b'.' => dots += 1,
            b'!' | b'?' => stop = Stop::Strong,
            0xE2 if p[j..].starts_with('\u{2026}') => {
                dots += 3;
                j += 3;
                continue;
            }
            _ => break,
        }
        j += 1;
    }
    if stop != Stop::Strong && dots > 1 {
        stop = Stop::Ellipsis;
    }
    let run_end = j;
    while j < b.len() && matches!(b[j], b'"' | b'\'' | b')' | b']' | b'}') {
        j += 1;
    }
    // Only whitespace after the run separates sentences ("U.S.", "3.5", "(TSLA.O)").
    if j >= b.len() || !b[j].is_ascii_whitespace() {
        return (run_end, false);
    }
    let rest = &p[j..];
    let next = rest.trim_start();
    let newline = rest[..rest.len() - next.len()].contains('\n');
    let Some(first) = next.chars().next() else {
        return (j, false);
    };
    if first.is_lowercase() {
        return (j, false);
    }
    // 'the U.S. "clearly" needed': a quotation mark before a lowercase word opens a
    // quoted fragment inside the sentence, not a new sentence.
    let after_mark = next.trim_start_matches(['"', '\u{201C}', '\u{2018}', '\'']);
    if after_mark.len() < next.len() && after_mark.chars().next().is_some_and(char::is_lowercase) {
        return (j, false);
    }
    // Reuters story codes stay with their sentence: "weeks." [nL1N1UE1A3]".
    if first == '[' && !newline && next.len() <= 40 && next.ends_with(']') {
        return (j, false);
    }
    let cut = match stop {
        // `"Yikes!" Trish Milburn wrote`: the quote's speaker follows in the same sentence.
        Stop::Strong => newline || !(p[run_end..j].contains('"') && speech_verb_follows(next)),
        Stop::Ellipsis => {
            newline || !(first.is_ascii_digit() || matches!(first, ',' | ';' | ':' | '-'))
        }
        Stop::Period => period_ends_sentence(p, i, line_start, first, next, newline),
    };
    (j, cut)
}

/// Decides a single '.' at `i` followed by whitespace and `next` (starting with `first`,
/// not lowercase).
fn period_ends_sentence(
    p: &str,
    i: usize,
    line_start: usize,
    first: char,
    next: &str,
    newline: bool,
) -> bool {
    let head = &p[..i];
    let w = head
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(k, c)| k + c.len_utf8());
    let raw_word = &head[w..];
    // "China-U.S." is looked up as "U.S.".
    let word = raw_word.trim_start_matches(['(', '[', '"', '\'']);
    let word = word
        .rsplit(['-', '/', '\u{2013}', '\u{2014}'])
        .next()
        .unwrap_or(word);
    if word.is_empty() {
        return true;
    }
    let starter = || newline || starts_sentence(first, next);
    if word.bytes().all(|c| c.is_ascii_digit()) {
        // "1. Item" at the start of a line numbers a list.
        return !(w == line_start || p[line_start..w].trim().is_empty()) || newline;
    }
    match abbreviation(word) {
        Some(Abbr::Title) => false,
        Some(Abbr::BeforeNumber) => !first.is_ascii_digit() && starter(),
        Some(Abbr::Ambiguous) => starter(),
        None => {
            if is_dotted_abbreviation(word) {
                // "U.S.", "a.m.", "J.K."; "e.g." never ends a sentence.
                !matches!(word, "e.g" | "i.e" | "E.g" | "I.e") && starter()
            } else if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
                // Initials ("George W. Bush"), unless a new sentence clearly starts.
                starter()
            } else {
                true
            }
        }
    }
}

/// Single letters joined by dots ("U.S", "a.m", "N.C.I.S"), the final dot not included.
fn is_dotted_abbreviation(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|part| {
            let mut c = part.chars();
            c.next().is_some_and(char::is_alphabetic) && c.next().is_none()
        })
}

/// Whether a reporting verb follows within the next few words of the same sentence
/// ("Grasel said", "Assistant U.S. Attorney Fred Wyshak asked").
fn speech_verb_follows(next: &str) -> bool {
    for w in next.split_whitespace().take(8) {
        let bare = w.trim_end_matches([',', '.', ';', ':', '!', '?']);
        if is_speech_verb(bare) {
            return true;
        }
        if bare.len() > 3 && w.ends_with(['.', '!', '?']) {
            return false;
        }
    }
    false
}

/// "said", "remarked": a speech verb's past or third-person form in the attribution
/// lexicon, or a verb of writing or shouting ("wrote", "tweeted", "cried").
fn is_speech_verb(w: &str) -> bool {
    use crate::lexicon::{cue_word, CueClass, CueForm};
    cue_word(w).is_some_and(|c| {
        c.class == CueClass::Speech && matches!(c.form, CueForm::Past | CueForm::Third)
    }) || matches!(
        w,
        "wrote" | "writes" | "tweeted" | "tweets" | "exclaimed" | "exclaims" | "cried"
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Abbr {
    /// Precedes a name: never ends a sentence ("Gen.", "Mr.").
    Title,
    /// Precedes a number ("No. 5", "Sept. 11").
    BeforeNumber,
    /// Often ends a sentence too ("Inc.", "Jr.", "Fla.").
    Ambiguous,
}

fn abbreviation(word: &str) -> Option<Abbr> {
    Some(match word {
        "Mr" | "Mrs" | "Ms" | "Messrs" | "Mmes" | "Mme" | "Mlle" | "Dr" | "Drs" | "Prof"
        | "Gen" | "Gens" | "Sen" | "Sens" | "Rep" | "Reps" | "Gov" | "Govs" | "Lt" | "Col"
        | "Sgt" | "Capt" | "Cmdr" | "Cdr" | "Adm" | "Maj" | "Brig" | "Cpl" | "Pvt"
        | "Gov-elect" | "Rev" | "Revs" | "Hon" | "Pres" | "Supt" | "Det" | "Insp" | "Fr"
        | "Msgr" | "Atty" | "Amb" | "Sec" | "Secs" | "Sgt-Maj" | "Lt-Col" | "Lt-Gen"
        | "Maj-Gen" | "Brig-Gen" | "St" | "Ste" | "Mt" | "Ft" | "Pt" | "vs" | "v" | "Vs" | "ST"
        | "MT" | "FT" | "DR" | "MR" | "GEN" | "SEN" | "GOV" | "REP" | "approx" | "Approx"
        | "ca" | "Nr" => Abbr::Title,
        "No" | "Nos" | "no" | "Vol" | "vol" | "Vols" | "Fig" | "fig" | "Art" | "art" | "pp"
        | "p" | "Ch" | "ch" | "Op" | "op" | "Para" | "para" | "Ref" | "ref" | "Jan" | "Feb"
        | "Mar" | "Apr" | "Jun" | "Jul" | "Aug" | "Sep" | "Sept" | "Oct" | "Nov" | "Dec"
        | "JAN" | "FEB" | "AUG" | "SEPT" | "OCT" | "NOV" | "DEC" | "Tel" | "tel" | "ext"
        | "Ext" => Abbr::BeforeNumber,
        "Inc" | "Corp" | "Co" | "Cos" | "Ltd" | "LLC" | "Bros" | "Jr" | "Sr" | "etc" | "al"
        | "Ave" | "Blvd" | "Rd" | "Dept" | "Univ" | "Assn" | "Intl" | "Mfg" | "Plc" | "Pty"
        | "Ala" | "Ariz" | "Ark" | "Calif" | "Colo" | "Conn" | "Del" | "Fla" | "Ga" | "Ill"
        | "Ind" | "Kan" | "Kans" | "Ky" | "La" | "Md" | "Mass" | "Mich" | "Minn" | "Miss"
        | "Mo" | "Mont" | "Neb" | "Nebr" | "Nev" | "Okla" | "Ore" | "Pa" | "Penn" | "Tenn"
        | "Tex" | "Va" | "Vt" | "Wash" | "Wis" | "Wisc" | "Wyo" | "Gov't" | "Govt" | "mins"
        | "hrs" | "yrs" | "est" | "Est" => Abbr::Ambiguous,
        _ => return None,
    })
}

/// Whether the text after an ambiguous abbreviation ("U.S.", "Inc.", "W.") clearly starts
/// a sentence: an opening quote or a common sentence-initial word.
fn starts_sentence(first: char, next: &str) -> bool {
    if first == '"' {
        return true;
    }
    let w = next.trim_start_matches(['"', '\'', '(']);
    let end = w.find(|c: char| !c.is_alphabetic()).unwrap_or(w.len());
    is_starter(&w[..end])
}

fn is_starter(w: &str) -> bool {
    matches!(
        w,
        "The"
            | "A"
            | "An"
            | "He"
            | "She"
            | "It"
            | "They"
            | "We"
            | "I"
            | "You"
            | "His"
            | "Her"
            | "Its"
            | "Their"
            | "Our"
            | "My"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "There"
            | "Here"
            | "But"
            | "And"
            | "Or"
            | "So"
            | "Yet"
            | "In"
            | "On"
            | "At"
            | "For"
            | "From"
            | "With"
            | "By"
            | "As"
            | "Of"
            | "To"
            | "If"
            | "When"
            | "While"
            | "After"
            | "Before"
            | "Since"
            | "Although"
            | "Though"
            | "Because"
            | "However"
            | "Meanwhile"
            | "Still"
            | "Also"
            | "Some"
            | "Many"
            | "Most"
            | "All"
            | "No"
            | "Not"
            | "One"
            | "Two"
            | "Three"
            | "Other"
            | "Others"
            | "What"
            | "Why"
            | "How"
            | "Who"
            | "Where"
            | "Which"
            | "Now"
            | "Then"
            | "Last"
            | "Earlier"
            | "Later"
            | "Asked"
            | "According"
            | "During"
            | "Under"
            | "Over"
            | "About"
            | "More"
            | "Both"
            | "Each"
            | "Such"
            | "Even"
            | "Only"
            | "Despite"
            | "Instead"
            | "Officials"
            | "Police"
            | "Mr"
            | "Mrs"
            | "Ms"
            | "Dr"
    )
}

/// Whether a single newline after `line` ends a sentence although `line` has no
/// sentence punctuation: headlines, "Read more:", bylines, bullets.
fn line_break_ends_sentence(line: &str, after: &str) -> bool {
    let line = line.trim();
    if line.is_empty() {
        return false;
    }
    let stripped = line.trim_end_matches(['"', '\'', ')', ']']);
    if stripped.ends_with(['.', '!', '?', '\u{2026}']) {
        // Decided by the terminator rules.
        return false;
    }
    let next = after.trim_start();
    if is_bullet(next) {
        return true;
    }
    let Some(first) = next.chars().next() else {
        return false;
    };
    let starts_new =
        first.is_uppercase() || first.is_ascii_digit() || matches!(first, '"' | '\'' | '(' | '[');
    if line.ends_with(':') {
        return starts_new;
    }
    const SHORT_LINE: usize = 70;
    starts_new
        && line.len() <= SHORT_LINE
        && !line.ends_with([',', ';', '-', '\u{2013}', '\u{2014}'])
}

/// A bulleted or numbered list line: "- x", "• x", "1. x", "2) x".
fn is_bullet(line: &str) -> bool {
    let mut it = line.chars();
    match it.next() {
        Some(
            '-' | '*' | '\u{2022}' | '\u{00B7}' | '\u{2013}' | '\u{2014}' | '\u{25AA}' | '\u{25BA}'
            | '\u{25CF}' | '\u{25E6}' | '\u{2023}',
        ) => it.next() == Some(' '),
        Some(c) if c.is_ascii_digit() => {
            let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
            line.len() - rest.len() <= 3 && (rest.starts_with(". ") || rest.starts_with(") "))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(s: &str) -> Vec<&str> {
        segment(s).into_iter().map(|x| &s[x.range]).collect()
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let t = "  One.\nstill one\n\n \t\n\nTwo.  \n\n";
        let p = paragraphs(t);
        let got: Vec<&str> = p.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(got, ["One.\nstill one", "Two."]);
        assert!(paragraphs(" \n\n ").is_empty());
    }

    #[test]
    fn a_quoted_lowercase_word_after_an_abbreviation_continues_the_sentence() {
        assert_eq!(
            sents("He said the U.S. \"clearly\" needed more. \u{201C}we\u{201D} won."),
            ["He said the U.S. \"clearly\" needed more. \u{201C}we\u{201D} won."]
        );
        assert_eq!(
            sents("He left the U.S. \"We won,\" she said."),
            ["He left the U.S.", "\"We won,\" she said."]
        );
    }

    #[test]
    fn abbreviations_stay_inside() {
        assert_eq!(
            sents("Gen. Smith met Sen. Jones and Dr. Who at St. Mary's. Mr. and Mrs. Lee came."),
            [
                "Gen. Smith met Sen. Jones and Dr. Who at St. Mary's.",
                "Mr. and Mrs. Lee came."
            ]
        );
        assert_eq!(
            sents("Apple Inc. Chief Executive Tim Cook spoke."),
            ["Apple Inc. Chief Executive Tim Cook spoke."]
        );
        assert_eq!(
            sents("It was sold to Apple Inc. The deal closed."),
            ["It was sold to Apple Inc.", "The deal closed."]
        );
        assert_eq!(
            sents("Use tools, e.g. Python and Rust."),
            ["Use tools, e.g. Python and Rust."]
        );
        assert_eq!(
            sents("It happened on Sept. 11 and Jan. 5."),
            ["It happened on Sept. 11 and Jan. 5."]
        );
        assert_eq!(
            sents("He is No. 2 at 10 a.m. Monday."),
            ["He is No. 2 at 10 a.m. Monday."]
        );
        assert_eq!(
            sents("It ends at 10 p.m. The crowd left."),
            ["It ends at 10 p.m.", "The crowd left."]
        );
    }

    #[test]
    fn us_is_split_only_before_a_sentence_starter() {
        assert_eq!(
            sents("He flew to the U.S. The talks began."),
            ["He flew to the U.S.", "The talks began."]
        );
        assert_eq!(
            sents("He called the U.S. Securities and Exchange Commission."),
            ["He called the U.S. Securities and Exchange Commission."]
        );
        assert_eq!(
            sents("The U.N. Security Council met."),
            ["The U.N. Security Council met."]
        );
    }

    #[test]
    fn initials_stay_inside() {
        assert_eq!(
            sents("George W. Bush met J.K. Rowling."),
            ["George W. Bush met J.K. Rowling."]
        );
    }

    #[test]
    fn decimals_and_money() {
        assert_eq!(
            sents("It raised $72.5 billion, up 3.5 percent. Shares rose."),
            ["It raised $72.5 billion, up 3.5 percent.", "Shares rose."]
        );
    }

    #[test]
    fn ellipses() {
        assert_eq!(
            sents("He paused... and then left."),
            ["He paused... and then left."]
        );
        assert_eq!(
            sents("It was over\u{2026} The end came."),
            ["It was over\u{2026}", "The end came."]
        );
    }

    #[test]
    fn datelines_stay_with_the_first_sentence() {
        assert_eq!(
            sents("WASHINGTON (Reuters) - The Senate voted. It passed."),
            ["WASHINGTON (Reuters) - The Senate voted.", "It passed."]
        );
        assert_eq!(
            sents("ST. LOUIS (AP) - A man fell."),
            ["ST. LOUIS (AP) - A man fell."]
        );
        assert_eq!(
            sents("Tehran (IP) - Ayatollah Khamenei received him."),
            ["Tehran (IP) - Ayatollah Khamenei received him."]
        );
    }

    #[test]
    fn closing_quote_belongs_to_the_sentence() {
        assert_eq!(
            sents("He said: \"It is resolved.\" Then he left."),
            ["He said: \"It is resolved.\"", "Then he left."]
        );
        assert_eq!(
            sents("\"Is it over?\" he asked."),
            ["\"Is it over?\" he asked."]
        );
    }

    #[test]
    fn question_and_exclamation() {
        assert_eq!(
            sents("Why now? Nobody knows! We wait."),
            ["Why now?", "Nobody knows!", "We wait."]
        );
        // The speaker after a quoted exclamation belongs to it.
        assert_eq!(
            sents("\"The verdict is wrong!\" Grasel said."),
            ["\"The verdict is wrong!\" Grasel said."]
        );
        // A quotation nested in the quote closes first; any speech verb of the
        // lexicon names the speaker; a new sentence after a question still splits.
        assert_eq!(
            sents("\"They asked, 'What can I do?'\" Weaver said. Then he left."),
            [
                "\"They asked, 'What can I do?'\" Weaver said.",
                "Then he left."
            ]
        );
        assert_eq!(
            sents("\"We will see, right?\" Clinton remarked, smiling."),
            ["\"We will see, right?\" Clinton remarked, smiling."]
        );
        assert_eq!(
            sents("\"Is it over?\" The answer came later."),
            ["\"Is it over?\"", "The answer came later."]
        );
    }

    #[test]
    fn numbers_and_domains_before_a_period_end_sentences() {
        assert_eq!(
            sents("Shares closed at $95.23. CVS rose."),
            ["Shares closed at $95.23.", "CVS rose."]
        );
        assert_eq!(
            sents("See FlightAware.com. Several flights left."),
            ["See FlightAware.com.", "Several flights left."]
        );
        assert_eq!(
            sents("It rose in 2018. Prices fell."),
            ["It rose in 2018.", "Prices fell."]
        );
        // "China-U.S." is an abbreviation like "U.S.".
        assert_eq!(
            sents("On China-U.S. Trade Friction."),
            ["On China-U.S. Trade Friction."]
        );
    }

    #[test]
    fn story_codes_stay_with_their_sentence() {
        assert_eq!(
            sents("He will come \"in weeks.\" [nL1N1UE1A3]"),
            ["He will come \"in weeks.\" [nL1N1UE1A3]"]
        );
        assert_eq!(
            sents("He declined to comment. (Editing by Sue Fen)"),
            ["He declined to comment.", "(Editing by Sue Fen)"]
        );
    }

    #[test]
    fn headlines_and_short_lines() {
        assert_eq!(
            sents("Hamas chief arrives in Tehran\nTehran (IP) - He came."),
            ["Hamas chief arrives in Tehran", "Tehran (IP) - He came."]
        );
        assert_eq!(
            sents("Read more:\nPolitical isolation of Israel"),
            ["Read more:", "Political isolation of Israel"]
        );
        // A hard-wrapped sentence stays one.
        assert_eq!(
            sents("The long sentence goes on\nand on until it ends."),
            ["The long sentence goes on\nand on until it ends."]
        );
    }

    #[test]
    fn bulleted_lines() {
        assert_eq!(
            sents("Key points:\n- Prices rose\n- Wages fell\n1. First item\n2. Second item"),
            [
                "Key points:",
                "- Prices rose",
                "- Wages fell",
                "1. First item",
                "2. Second item"
            ]
        );
    }

    #[test]
    fn sentences_are_capped_at_a_space() {
        let long = "word ".repeat(1000); // 5,000 bytes, no sentence end
        let got = segment(long.trim_end());
        assert_eq!(got.len(), 3, "{got:?}");
        for s in &got {
            let t = &long[s.range.clone()];
            assert!(t.len() <= MAX_SENTENCE_BYTES && !t.is_empty());
            assert!(t.starts_with("word") && t.ends_with("word"), "{t:?}");
        }
        let idx: Vec<usize> = got.iter().map(|s| s.index_in_paragraph).collect();
        assert_eq!(idx, [0, 1, 2]);
        // No space at all: cut at a character boundary.
        let solid = "é".repeat(1500);
        let got = segment(&solid);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].range, 0..2000);
        assert_eq!(got[1].range, 2000..3000);
    }

    #[test]
    fn sentence_indices() {
        let s = segment("A b. C d.\n\nE f.");
        let idx: Vec<(usize, usize)> = s
            .iter()
            .map(|x| (x.paragraph, x.index_in_paragraph))
            .collect();
        assert_eq!(idx, [(0, 0), (0, 1), (1, 0)]);
    }
}

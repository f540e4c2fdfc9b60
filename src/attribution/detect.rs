//! Quote spans and their cues: direct quotes from paired quotation marks, reported
//! speech from cue verbs ("X said (that) …", "…, X said", "according to X, …"),
//! headlines of the form "claim: Speaker", each with the speaker the rules pick.

use super::lexicon::{self, CueClass, CueForm, Pronoun};
use super::mentions::{Gender, Mention, MentionKind};
use super::view::{Kind, View};
use std::ops::Range;

/// How a quote was found; the ranker sees it as a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Structure {
    /// "X said (that) …": subject before the cue, content after.
    Forward,
    /// "…, X said.": content before the subject.
    Trailing,
    /// "…, said X": subject after the cue.
    Inverted,
    /// "according to X".
    According,
    /// ", adding that …": the subject is the main clause's.
    Participle,
    /// Direct quote with its cue after the closing mark.
    DirectAfter,
    /// Direct quote with its cue before the opening mark ("X said: \"…\"").
    DirectBefore,
    /// Direct quote continuing one left open at the previous paragraph's end.
    Continued,
    /// Direct quote with no cue nearby.
    NoCue,
    /// "claim: Speaker" headline.
    Headline,
}

impl Structure {
    pub const COUNT: usize = 10;
    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Cue {
    pub toks: Range<usize>,
    pub class: CueClass,
    pub form: CueForm,
}

#[derive(Debug, Clone)]
pub(crate) struct Detected {
    /// Content, byte range in the normalised text.
    pub content: Range<usize>,
    pub direct: bool,
    pub cue: Option<Cue>,
    pub structure: Structure,
    /// The mention the rules pick (matched to the mention list by head token).
    pub rule: Option<Mention>,
    /// Sentences the content touches.
    pub sents: Range<usize>,
}

fn is_punct(v: &View, i: usize, s: &str) -> bool {
    v.get(i)
        .is_some_and(|t| t.kind == Kind::Punct && t.lower == s)
}

fn is_boundary(v: &View, i: usize) -> bool {
    v.get(i).is_some_and(|t| {
        t.kind == Kind::Punct && matches!(t.lower.as_str(), "," | ";" | "—" | "–" | "-" | "(" | ")")
    })
}

/// The longest mention ending at token `last`.
fn mention_ending(ms: &[Mention], last: usize) -> Option<&Mention> {
    ms.iter()
        .filter(|m| m.toks.end == last + 1)
        .max_by_key(|m| m.toks.len())
}

fn mention_starting(ms: &[Mention], first: usize) -> Option<&Mention> {
    ms.iter()
        .filter(|m| m.toks.start == first)
        .max_by_key(|m| m.toks.len())
}

fn adhoc(v: &View, toks: Range<usize>, head: usize, kind: MentionKind) -> Mention {
    let t = &v.toks[head];
    let desc = toks
        .clone()
        .filter(|&k| v.toks[k].is_word() && !lexicon::is_determiner(&v.toks[k].lower))
        .map(|k| v.toks[k].lower.clone())
        .collect();
    Mention {
        toks,
        head,
        kind,
        name: None,
        honorific: None,
        desc,
        gender: Gender::Unknown,
        possessive: false,
        in_quote: t.quote.is_some(),
        sent: t.sent,
        person: false,
    }
}

fn subject_pronoun(m: &Mention) -> bool {
    !matches!(m.kind, MentionKind::Pronoun(Pronoun::It)) || true
}

/// A noun phrase ending at token `p`, built from the tokens when no mention ends there.
fn np_ending(v: &View, ms: &[Mention], p: usize) -> Option<Mention> {
    let t = v.get(p)?;
    if let Some(m) = mention_ending(ms, p) {
        if m.possessive {
            return None;
        }
        return Some(m.clone());
    }
    if !t.is_word() || t.quote.is_some() {
        return None;
    }
    let l = t.lower.as_str();
    if matches!(l, "who" | "which") {
        return Some(adhoc(v, p..p + 1, p, MentionKind::Relative));
    }
    if l == "that" {
        // "… groups that support": a relative pronoun only after a noun-like word.
        let prev_noun = p > 0
            && v.toks[p - 1].is_word()
            && !lexicon::is_np_break(&v.toks[p - 1].lower)
            && lexicon::cue_word(&v.toks[p - 1].lower).is_none();
        return prev_noun.then(|| adhoc(v, p..p + 1, p, MentionKind::Relative));
    }
    if lexicon::is_np_break(l)
        || lexicon::is_determiner(l)
        || lexicon::cue_word(l).is_some()
        || l.ends_with("ly")
        || lexicon::AUX_ADVERBS.contains(&l)
    {
        return None;
    }
    let sent = t.sent;
    let mut s = p;
    let mut steps = 0;
    while s > 0 && steps < 5 {
        let q = &v.toks[s - 1];
        if q.sent != sent || q.quote.is_some() {
            break;
        }
        if q.kind == Kind::Possessive {
            s -= 1;
            if s > 0 && v.toks[s - 1].is_word() {
                s -= 1;
            }
            break;
        }
        if !(q.is_word() || q.kind == Kind::Number || q.lower == "-") {
            break;
        }
        if lexicon::is_determiner(&q.lower) {
            s -= 1;
            break;
        }
        if lexicon::is_np_break(&q.lower) || lexicon::cue_word(&q.lower).is_some() {
            break;
        }
        s -= 1;
        steps += 1;
    }
    // A bare single lowercase word that is not a known source noun is too weak.
    if s == p && !lexicon::is_speaker_noun(l) && !t.cap {
        return None;
    }
    let plural = lexicon::PLURAL_SOURCES.contains(&l) && s == p;
    let kind = if plural {
        MentionKind::Plural
    } else {
        MentionKind::Nominal
    };
    Some(adhoc(v, s..p + 1, p, kind))
}

/// A noun phrase starting at token `k` ("said John Smith", "according to the report").
fn np_starting(v: &View, ms: &[Mention], k: usize) -> Option<Mention> {
    let t = v.get(k)?;
    if t.quote.is_some() {
        return None;
    }
    if let Some(m) = mention_starting(ms, k) {
        return Some(m.clone());
    }
    if !t.is_word() {
        return None;
    }
    // A determiner and up to five words, to punctuation or a break word.
    let mut e = k + 1;
    while e < v.toks.len() && e < k + 6 {
        let u = &v.toks[e];
        if u.sent != t.sent || !(u.is_word() || u.kind == Kind::Number) {
            break;
        }
        if lexicon::is_np_break(&u.lower) && u.lower != "of" {
            break;
        }
        if lexicon::cue_word(&u.lower).is_some() && !lexicon::is_speaker_noun(&u.lower) {
            break;
        }
        e += 1;
    }
    if !lexicon::is_determiner(&t.lower) && !t.cap && !lexicon::is_speaker_noun(&t.lower) {
        return None;
    }
    let head = (k..e)
        .rev()
        .find(|&j| lexicon::is_speaker_noun(&v.toks[j].lower) || v.toks[j].cap)
        .unwrap_or(e - 1);
    Some(adhoc(v, k..e, head, MentionKind::Nominal))
}

/// Skips time expressions and similar fillers starting at `k`; returns the next token.
fn skip_fillers(v: &View, mut k: usize, limit: usize) -> usize {
    loop {
        if k >= limit {
            return k;
        }
        let l = v.lower(k);
        if lexicon::TIME_WORDS.contains(&l) && !matches!(l, "this" | "last") {
            k += 1;
            continue;
        }
        if matches!(l, "on" | "last" | "this" | "late" | "early")
            && lexicon::TIME_WORDS.contains(&v.lower(k + 1))
        {
            k += 2;
            continue;
        }
        // "in a statement", "in an interview", "on Twitter", "at a rally"
        if matches!(l, "in" | "on" | "at" | "during" | "via")
            && k + 1 < limit
            && (lexicon::is_determiner(v.lower(k + 1)) || v.toks[k + 1].cap)
        {
            let mut j = k + 1;
            let mut words = 0;
            while j < limit && words < 4 && v.toks[j].is_word() && !matches!(v.lower(j), "that") {
                j += 1;
                words += 1;
                if matches!(
                    v.lower(j - 1),
                    "statement"
                        | "interview"
                        | "speech"
                        | "email"
                        | "twitter"
                        | "facebook"
                        | "rally"
                        | "tweet"
                        | "post"
                        | "op-ed"
                        | "letter"
                        | "radio"
                        | "television"
                        | "conference"
                        | "debate"
                        | "briefing"
                        | "call"
                        | "appearance"
                        | "event"
                ) {
                    return skip_fillers(v, j, limit);
                }
            }
            return k;
        }
        return k;
    }
}

/// The subject before a cue at token `c`. Returns the subject and the token index
/// where its clause starts (the subject's first token).
pub(crate) fn subject_before(v: &View, ms: &[Mention], c: usize) -> Option<(Mention, bool)> {
    let t = v.get(c)?;
    let s0 = v.sents.get(t.sent)?.toks.start;
    let mut k = c;
    let mut skips = 0;
    let mut aux = false;
    while k > s0 && skips < 5 {
        let p = &v.toks[k - 1];
        let l = p.lower.as_str();
        if lexicon::AUX_ADVERBS.contains(&l) && mention_ending(ms, k - 1).is_none() {
            if matches!(
                l,
                "would"
                    | "will"
                    | "could"
                    | "may"
                    | "might"
                    | "did"
                    | "do"
                    | "does"
                    | "can"
                    | "should"
                    | "must"
                    | "has"
                    | "have"
                    | "had"
            ) {
                aux = true;
            }
            k -= 1;
            skips += 1;
            continue;
        }
        if k - 1 > s0 && v.lower(k - 2) == "on" && lexicon::TIME_WORDS.contains(&l) {
            k -= 2;
            skips += 1;
            continue;
        }
        break;
    }
    if k <= s0 {
        return None;
    }
    let p = k - 1;
    if is_boundary(v, p) && v.lower(p) == "," {
        // Apposition or parenthetical: "X, a spokesman for Y, said"; "X, for his part,".
        let mut j = p;
        while j > s0 && p - j < 30 {
            j -= 1;
            if v.toks[j].mark {
                return None;
            }
            if v.lower(j) == "," {
                break;
            }
        }
        if j <= s0 || v.lower(j) != "," || j + 1 >= p {
            return None;
        }
        let m = np_ending(v, ms, j - 1)?;
        return Some((m, aux));
    }
    let m = np_ending(v, ms, p)?;
    if let MentionKind::Pronoun(_) = m.kind {
        if !subject_pronoun(&m) {
            return None;
        }
    }
    Some((m, aux))
}

/// The subject after a cue whose last token is `ce - 1` ("…, said John Smith").
fn subject_after(v: &View, ms: &[Mention], ce: usize) -> Option<Mention> {
    let sent = v.get(ce.checked_sub(1)?)?.sent;
    let end = v.sents.get(sent)?.toks.end;
    let k = skip_fillers(v, ce, end);
    let m = np_starting(v, ms, k)?;
    match m.kind {
        MentionKind::Pronoun(p) => matches!(
            p,
            Pronoun::He | Pronoun::She | Pronoun::They | Pronoun::We | Pronoun::I
        )
        .then_some(m),
        _ => Some(m),
    }
}

/// The cue starting at token `i`, if any: class, form and token range.
fn cue_at(v: &View, i: usize) -> Option<Cue> {
    let t = v.get(i)?;
    if !t.is_word() || t.quote.is_some() {
        return None;
    }
    if t.lower == "according" && v.lower(i + 1) == "to" {
        return Some(Cue {
            toks: i..i + 2,
            class: CueClass::According,
            form: CueForm::Past,
        });
    }
    let w = lexicon::cue_word(&t.lower)?;
    let next = v.lower(i + 1);
    let particle = lexicon::cue_particle(&t.lower, next);
    if t.lower.starts_with("point") && !particle && next != "to" {
        return None;
    }
    let end = if particle || (t.lower.starts_with("point") && next == "to") {
        i + 2
    } else {
        i + 1
    };
    Some(Cue {
        toks: i..end,
        class: w.class,
        form: w.form,
    })
}

fn sent_of(v: &View, i: usize) -> usize {
    v.get(i).map(|t| t.sent).unwrap_or(0)
}

/// Content end within a sentence: before final punctuation and closing marks.
fn sentence_content_end(v: &View, sent: usize) -> usize {
    let r = &v.sents[sent].toks;
    let mut e = r.end;
    while e > r.start {
        let t = &v.toks[e - 1];
        if t.kind == Kind::Punct && matches!(t.lower.as_str(), "." | "!" | "?" | ";" | ":" | ",") {
            e -= 1;
        } else {
            break;
        }
    }
    e
}

fn words_in(v: &View, r: Range<usize>) -> usize {
    r.filter(|&k| {
        v.get(k)
            .is_some_and(|t| t.is_word() || t.kind == Kind::Number)
    })
    .count()
}

/// Detects all quotes of a document, in text order, non-overlapping.
pub(crate) fn detect(v: &View, ms: &[Mention]) -> Vec<Detected> {
    let mut out: Vec<Detected> = Vec::new();
    let mut claimed = vec![false; v.toks.len()];

    // 1. Direct quotes.
    let mut prev_open_end: Option<usize> = None;
    for (mi, m) in v.marks.iter().enumerate() {
        let continued = prev_open_end.is_some_and(|p| {
            v.paras
                .iter()
                .position(|r| r.start <= m.open.start && m.open.start < r.end.max(r.start + 1))
                == v.paras
                    .iter()
                    .position(|r| r.start <= p && p <= r.end)
                    .map(|x| x + 1)
        });
        prev_open_end = if m.close.is_none() {
            Some(m.content.end)
        } else {
            None
        };
        let _ = mi;
        if m.toks.is_empty() {
            continue;
        }
        let words = words_in(v, m.toks.clone());
        let open_tok = v.tok_at(m.open.start);
        let close_tok = m.close.as_ref().map(|c| v.tok_at(c.start));
        let mut found: Option<(Cue, Structure, Option<Mention>)> = None;
        // Cue after the closing mark: '…," he said.' / '…," said Smith.'
        if let Some(ct) = close_tok {
            let sent = sent_of(v, ct);
            let end = v.sents.get(sent).map(|s| s.toks.end).unwrap_or(ct + 1);
            let mut k = ct + 1;
            if is_punct(v, k, ",") {
                k += 1;
            }
            for c in k..end.min(k + 8) {
                if v.toks[c].mark {
                    break;
                }
                let Some(cue) = cue_at(v, c) else { continue };
                if claimed[c] {
                    break;
                }
                if cue.class == CueClass::According {
                    if let Some(sp) = np_starting(v, ms, cue.toks.end) {
                        found = Some((cue, Structure::According, Some(sp)));
                    }
                    break;
                }
                if c == k {
                    let sp = subject_after(v, ms, cue.toks.end);
                    found = Some((cue, Structure::DirectAfter, sp));
                    break;
                }
                if let Some((sp, _)) = subject_before(v, ms, c) {
                    if sp.toks.start >= k {
                        found = Some((cue, Structure::DirectAfter, Some(sp)));
                    }
                }
                break;
            }
        }
        // Cue before the opening mark: 'X said: "…"', 'X told reporters, "…"'.
        if found.is_none() && open_tok > 0 {
            let mut k = open_tok;
            let mut colon = false;
            while k > 0 && matches!(v.lower(k - 1), ":" | ",") {
                colon |= v.lower(k - 1) == ":";
                k -= 1;
            }
            // Up to four tokens of object / filler between cue and mark.
            let lo = k.saturating_sub(5);
            let mut c = k;
            while c > lo {
                c -= 1;
                let t = &v.toks[c];
                if t.mark || t.lower == "that" || (t.kind == Kind::Punct && t.lower != ",") {
                    break;
                }
                if let Some(cue) = cue_at(v, c) {
                    if claimed[c] || cue.class == CueClass::According {
                        break;
                    }
                    // A cue word that is itself in the subject ("the report said") is fine.
                    let structure = Structure::DirectBefore;
                    let sp = subject_before(v, ms, c).map(|x| x.0).or_else(|| {
                        // ", adding: \"…\"": participle of the main clause.
                        None
                    });
                    let direct_cue_ok = sp.is_some() || cue.form == CueForm::Ing;
                    if direct_cue_ok && (colon || k - cue.toks.end <= 3) {
                        found = Some((cue, structure, sp));
                    }
                    break;
                }
            }
        }
        let is_quote = found.is_some() || continued || words >= 4 || {
            let last = v.toks.get(m.toks.end.saturating_sub(1));
            last.is_some_and(|t| matches!(t.lower.as_str(), "." | "!" | "?")) && words >= 2
        };
        if !is_quote {
            continue;
        }
        let structure = match &found {
            Some((_, s, _)) => *s,
            None if continued => Structure::Continued,
            None => Structure::NoCue,
        };
        let (cue, rule) = match found {
            Some((cue, _, sp)) => {
                for k in cue.toks.clone() {
                    claimed[k] = true;
                }
                (Some(cue), sp)
            }
            None => (None, None),
        };
        let sents = sent_of(v, m.toks.start)..sent_of(v, m.toks.end.saturating_sub(1)) + 1;
        out.push(Detected {
            content: m.content.clone(),
            direct: true,
            cue,
            structure,
            rule,
            sents,
        });
    }

    // 2. Reported speech.
    let mut reported: Vec<(usize, Detected)> = Vec::new();
    let mut i = 0;
    while i < v.toks.len() {
        if claimed[i] {
            i += 1;
            continue;
        }
        let Some(cue) = cue_at(v, i) else {
            i += 1;
            continue;
        };
        let ce = cue.toks.end;
        if let Some(d) = reported_at(v, ms, &cue, &reported) {
            reported.push((i, d));
        }
        i = ce;
    }
    // Nested cues: inside another cue's content and not a new clause → dropped.
    let mut kept: Vec<Detected> = Vec::new();
    for (c, d) in reported {
        let mut drop = false;
        for k in kept.iter_mut() {
            let cb = v.toks[c].range.start;
            let inside = k.content.start <= cb && cb < k.content.end;
            if !inside {
                continue;
            }
            // A new clause: boundary (+ conjunction) right before this cue's subject.
            let subj_start = d.rule.as_ref().map(|m| m.toks.start).unwrap_or(c);
            let mut b = subj_start;
            if b > 0
                && matches!(
                    v.lower(b - 1),
                    "but" | "though" | "although" | "while" | "whereas" | "and" | "yet"
                )
            {
                b -= 1;
            }
            let new_clause = b > 0
                && matches!(v.lower(b - 1), "," | ";" | "—" | "–")
                && matches!(d.structure, Structure::Forward);
            if new_clause {
                let cut = v.toks[b - 1].range.start;
                k.content.end = cut;
            } else {
                drop = true;
            }
        }
        if !drop {
            kept.push(d);
        }
    }
    // Reported content swallows direct quotes it contains (mixed quotes).
    for d in kept {
        let overl: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, q)| q.content.start < d.content.end && d.content.start < q.content.end)
            .map(|(k, _)| k)
            .collect();
        let contains_all = overl.iter().all(|&k| {
            let q = &out[k];
            d.content.start <= q.content.start
                && q.content.end <= d.content.end + 1
                && q.cue.is_none()
        });
        if overl.is_empty() {
            out.push(d);
        } else if contains_all {
            for k in overl.into_iter().rev() {
                out.remove(k);
            }
            out.push(d);
        }
        // Otherwise the direct quote with its own cue wins.
    }
    // 3. Headlines: "claim: Speaker".
    headlines(v, ms, &mut out);
    out.sort_by_key(|d| (d.content.start, d.content.end));
    out
}

/// A reported-speech quote for the cue at `cue.toks.start`, if the context fits.
fn reported_at(
    v: &View,
    ms: &[Mention],
    cue: &Cue,
    prev: &[(usize, Detected)],
) -> Option<Detected> {
    let c = cue.toks.start;
    let ce = cue.toks.end;
    let t = &v.toks[c];
    let sent = t.sent;
    let s0 = v.sents[sent].toks.start;
    let send = sentence_content_end(v, sent);
    let prev_tok = if c > s0 { v.lower(c - 1) } else { "" };
    // Sentence-initial participles ("Speaking to reporters, …") introduce no quote.
    if c == s0
        && matches!(cue.form, CueForm::Ing | CueForm::Past)
        && cue.class != CueClass::According
    {
        return None;
    }
    if cue.class == CueClass::According {
        let sp = np_starting(v, ms, ce)?;
        let after_np = sp.toks.end;
        // "according to X, …" → the rest; "…, according to X." → what comes before.
        let fwd = if is_punct(v, after_np, ",") {
            after_np + 1
        } else {
            after_np
        };
        let content = if words_in(v, fwd..send) >= 3 {
            let before = if c > s0 && words_in(v, s0..c) >= 3 {
                s0
            } else {
                fwd
            };
            before..send
        } else {
            let mut e = c;
            while e > s0 && is_boundary(v, e - 1) {
                e -= 1;
            }
            s0..e
        };
        if words_in(v, content.clone()) < 2 {
            return None;
        }
        return Some(make(
            v,
            content,
            cue.clone(),
            Structure::According,
            Some(sp),
        ));
    }
    // Passives ("was asked", "is expected") are not attributions by the subject.
    if cue.form == CueForm::Past
        && matches!(
            prev_tok,
            "was" | "were" | "be" | "been" | "being" | "is" | "are"
        )
    {
        return None;
    }
    // Participle clause: ", adding that …".
    if cue.form == CueForm::Ing
        && matches!(prev_tok, "," | "and" | "while" | "before" | "after" | "—")
    {
        let main = main_subject(v, ms, prev, c)?;
        let content = forward_content(v, ms, cue, send)?;
        return Some(make(
            v,
            content,
            cue.clone(),
            Structure::Participle,
            Some(main),
        ));
    }
    let subj = subject_before(v, ms, c);
    match subj {
        Some((sp, aux)) => {
            match cue.form {
                CueForm::Base => {
                    let plural_subject = matches!(
                        sp.kind,
                        MentionKind::Pronoun(
                            Pronoun::They | Pronoun::We | Pronoun::I | Pronoun::You
                        ) | MentionKind::Plural
                    ) || v.lower(sp.head).ends_with('s');
                    if !(plural_subject || aux) {
                        return None;
                    }
                }
                CueForm::Ing => {
                    if !matches!(prev_tok, "is" | "are" | "was" | "were" | "been" | "be") {
                        return None;
                    }
                }
                _ => {}
            }
            // Subject pronoun "it" rarely speaks; keep only for speech cues.
            if matches!(sp.kind, MentionKind::Pronoun(Pronoun::It)) && cue.class != CueClass::Speech
            {
                return None;
            }
            let subj_start = sp.toks.start;
            let clause_before = subj_start > s0
                && matches!(v.lower(subj_start - 1), "," | "\"" | "—" | ":")
                && words_in(v, s0..subj_start) >= 2;
            let fwd = forward_content(v, ms, cue, send);
            let fwd_starts_comma = is_punct(v, skip_fillers(v, ce, send), ",");
            if clause_before && (fwd.is_none() || fwd_starts_comma) {
                // "…, he said." or "The plan, he said, is dead."
                let mut e = subj_start;
                while e > s0
                    && (is_boundary(v, e - 1) || v.toks[e - 1].mark || v.lower(e - 1) == ":")
                {
                    e -= 1;
                }
                let start = clause_start(v, prev, s0, e);
                let end = if fwd_starts_comma && fwd.is_some() {
                    send
                } else {
                    e
                };
                if words_in(v, start..end) < 2 {
                    return None;
                }
                return Some(make(
                    v,
                    start..end,
                    cue.clone(),
                    Structure::Trailing,
                    Some(sp),
                ));
            }
            let content = fwd?;
            Some(make(v, content, cue.clone(), Structure::Forward, Some(sp)))
        }
        None => {
            // "…, said John Smith."
            let inverted_ok = c > s0
                && (matches!(prev_tok, "," | ":" | "\"" | "—") || v.toks[c - 1].mark)
                && matches!(cue.form, CueForm::Past | CueForm::Third)
                && cue.class == CueClass::Speech;
            if !inverted_ok {
                return None;
            }
            let sp = subject_after(v, ms, ce)?;
            let mut e = c;
            while e > s0 && (is_boundary(v, e - 1) || v.toks[e - 1].mark) {
                e -= 1;
            }
            let start = clause_start(v, prev, s0, e);
            if words_in(v, start..e) < 2 {
                return None;
            }
            Some(make(
                v,
                start..e,
                cue.clone(),
                Structure::Inverted,
                Some(sp),
            ))
        }
    }
}

/// Start of the clause before token `e`: the sentence start, or after an earlier
/// quote of the same sentence.
fn clause_start(v: &View, prev: &[(usize, Detected)], s0: usize, e: usize) -> usize {
    let sb = v.toks[s0].range.start;
    let eb = v.toks.get(e).map(|t| t.range.start).unwrap_or(usize::MAX);
    let mut start = s0;
    for (_, d) in prev {
        if d.content.end > sb && d.content.end < eb {
            start = start.max(v.tok_at(d.content.end));
        }
    }
    while start < e && is_boundary(v, start) {
        start += 1;
    }
    start
}

/// Content after a cue: skips objects ("told reporters"), fillers and "that".
fn forward_content(v: &View, ms: &[Mention], cue: &Cue, send: usize) -> Option<Range<usize>> {
    let mut k = skip_fillers(v, cue.toks.end, send);
    let l = v.lower(cue.toks.start);
    let takes_object = matches!(
        l,
        "told"
            | "tell"
            | "tells"
            | "telling"
            | "asked"
            | "asks"
            | "ask"
            | "asking"
            | "warned"
            | "warns"
            | "urged"
            | "urges"
            | "assured"
            | "reminded"
            | "informed"
            | "advised"
            | "promised"
            | "convince"
            | "convinced"
    );
    if takes_object && k < send {
        if let Some(m) = mention_starting(ms, k) {
            k = m.toks.end;
        } else if matches!(
            v.lower(k),
            "reporters"
                | "him"
                | "her"
                | "them"
                | "us"
                | "me"
                | "you"
                | "journalists"
                | "supporters"
                | "voters"
                | "listeners"
                | "viewers"
                | "the"
        ) {
            k += 1;
            if v.lower(k - 1) == "the" {
                k += 1;
            }
        }
        k = skip_fillers(v, k, send);
    }
    while k < send && matches!(v.lower(k), "," | ":") {
        k += 1;
    }
    if words_in(v, k..send) < 2 {
        return None;
    }
    let a = v.toks.get(k)?.range.start;
    let b = v.toks.get(send.checked_sub(1)?)?.range.end;
    (a < b).then_some(k..send).map(|r| {
        let _ = r;
        k..send
    })
}

/// The main clause's subject for a participle cue at `c`.
fn main_subject(v: &View, ms: &[Mention], prev: &[(usize, Detected)], c: usize) -> Option<Mention> {
    let sent = v.toks[c].sent;
    // The speaker of an earlier cue in the same sentence.
    for (pc, d) in prev.iter().rev() {
        if v.toks[*pc].sent == sent && *pc < c {
            return d.rule.clone();
        }
    }
    // Or the first mention of the sentence before the cue.
    let s0 = v.sents[sent].toks.start;
    ms.iter()
        .find(|m| m.toks.start >= s0 && m.toks.end <= c && !m.in_quote && !m.possessive)
        .cloned()
}

fn make(
    v: &View,
    toks: Range<usize>,
    cue: Cue,
    structure: Structure,
    rule: Option<Mention>,
) -> Detected {
    let content = v.span(&toks);
    let sents = sent_of(v, toks.start)..sent_of(v, toks.end.saturating_sub(1)) + 1;
    Detected {
        content,
        direct: false,
        cue: Some(cue),
        structure,
        rule,
        sents,
    }
}

/// "Political isolation of Israel …: Haniya" — a short one-sentence paragraph ending
/// in ": Name" where the name is used elsewhere in the document.
fn headlines(v: &View, ms: &[Mention], out: &mut Vec<Detected>) {
    for (si, s) in v.sents.iter().enumerate() {
        let r = s.toks.clone();
        if r.len() < 4 || r.len() > 30 {
            continue;
        }
        let one_sentence_para = v.sents.iter().filter(|x| x.para == s.para).count() == 1;
        if !one_sentence_para {
            continue;
        }
        let mut e = r.end;
        while e > r.start && v.toks[e - 1].kind == Kind::Punct {
            e -= 1;
        }
        let Some(colon) = (r.start..e).rev().find(|&k| v.lower(k) == ":") else {
            continue;
        };
        let tail = colon + 1..e;
        if tail.is_empty()
            || tail.len() > 4
            || !tail.clone().all(|k| v.toks[k].cap && v.toks[k].is_word())
        {
            continue;
        }
        if words_in(v, r.start..colon) < 3 {
            continue;
        }
        let last = &v.toks[e - 1].lower;
        let elsewhere = ms.iter().any(|m| {
            m.sent != si
                && m.name.as_ref().is_some_and(|n| {
                    let sur = &v.toks[n.end - 1].lower;
                    sur == last
                        || (sur.len() >= 5 && super::entities::edit_distance(sur, last) <= 2)
                })
        });
        if !elsewhere {
            continue;
        }
        let content = v.span(&(r.start..colon));
        if out
            .iter()
            .any(|d| d.content.start < content.end && content.start < d.content.end)
        {
            continue;
        }
        let sp = mention_starting(ms, colon + 1)
            .cloned()
            .unwrap_or_else(|| adhoc(v, tail.clone(), e - 1, MentionKind::Name));
        out.push(Detected {
            content,
            direct: false,
            cue: Some(Cue {
                toks: colon..colon + 1,
                class: CueClass::Colon,
                form: CueForm::Past,
            }),
            structure: Structure::Headline,
            rule: Some(sp),
            sents: si..si + 1,
        });
    }
}

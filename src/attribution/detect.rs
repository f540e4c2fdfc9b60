//! Quote spans and their cues: direct quotes from paired quotation marks, reported
//! speech from cue verbs ("X said (that) …", "…, X said", "according to X, …",
//! "Aides to X say …", "X — a teacher — says …"), headlines of the forms
//! "claim: Speaker", "Speaker: claim" and "X Says …", each with the speaker the rules
//! pick. "A, he said, B" gives two quotes, A and B: the cue clause is not content.

use super::lexicon::{self, CueClass, CueForm, Pronoun};
use super::mentions::{self, Gender, Mention, MentionKind};
use super::view::{Kind, Mark, Tok, View};
use super::{FastMap as HashMap, FastSet as HashSet};
use std::cell::OnceCell;
use std::collections::BTreeSet;
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
    pub fn index(self) -> usize {
        self as usize
    }

    /// A cue after its content or introducing its source ("…, X said", "…,
    /// according to X", "…, said X"): it wraps the cues before it rather than
    /// nesting inside their content.
    fn wraps(self) -> bool {
        matches!(
            self,
            Structure::Trailing | Structure::According | Structure::Inverted
        )
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
    /// Bytes inside `content` that are the cue clause, not content ("A, he said, B"):
    /// the quote is split around them once detection is done.
    pub gap: Option<Range<usize>>,
    /// Where the output span opens when it starts before the content the ranker
    /// reads: a relative word before the cue clause ("what Bradley said she
    /// anticipated"), which holds the speaker.
    pub opens_at: Option<usize>,
    /// Nobody in the text speaks it unless the rules named someone ("Asked whether
    /// …," is a question whose asker is left unsaid).
    pub speakerless: bool,
    /// Found by the trained cue detector, with its probability ([`super::cues`]).
    pub learned: Option<f32>,
    /// Signed after the closing mark ("“…” ― Name"): the name is the speaker and
    /// the rule pick stands over the ranker's, which has seen too few signatures to
    /// tell one from the previous quote's.
    pub signed: bool,
    /// A paragraph of a multi-paragraph quotation: it reopens with a mark the
    /// quotation left open at the end of the previous paragraph.
    pub reopens: bool,
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

/// Surname → up to two distinct sentences it occurs in.
type Surnames = HashMap<String, (usize, Option<usize>)>;

/// The mentions of a document with the indexes detection looks them up by, so that
/// each lookup costs a hash probe or a binary search instead of a scan.
pub(crate) struct Ms<'a> {
    list: &'a [Mention],
    /// Token end → the longest mention ending there (the last one on ties).
    by_end: HashMap<usize, usize>,
    /// Token start → the longest mention starting there (the last one on ties).
    by_start: HashMap<usize, usize>,
    heads: HashSet<usize>,
    /// Sorted by token start, every range forward: a range of starts is a slice.
    sorted: bool,
    /// Token sentences never decrease along the tokens.
    sents_monotone: bool,
    /// Sentence count per paragraph.
    para_sents: HashMap<usize, usize>,
    /// Paragraphs sorted by start with non-decreasing ends.
    paras_monotone: bool,
    /// Surname (last name token) → up to two distinct sentences it occurs in;
    /// `None` when some name range is empty or out of bounds.
    surnames: OnceCell<Option<Surnames>>,
}

impl<'a> std::ops::Deref for Ms<'a> {
    type Target = [Mention];
    fn deref(&self) -> &[Mention] {
        self.list
    }
}

impl<'a> Ms<'a> {
    pub(crate) fn new(v: &View, list: &'a [Mention]) -> Ms<'a> {
        let mut by_end: HashMap<usize, usize> =
            HashMap::with_capacity_and_hasher(list.len(), Default::default());
        let mut by_start: HashMap<usize, usize> =
            HashMap::with_capacity_and_hasher(list.len(), Default::default());
        for (i, m) in list.iter().enumerate() {
            for (map, key) in [(&mut by_end, m.toks.end), (&mut by_start, m.toks.start)] {
                let e = map.entry(key).or_insert(i);
                if list[*e].toks.len() <= m.toks.len() {
                    *e = i;
                }
            }
        }
        let mut para_sents: HashMap<usize, usize> = HashMap::default();
        for x in &v.sents {
            *para_sents.entry(x.para).or_default() += 1;
        }
        Ms {
            list,
            by_end,
            by_start,
            heads: list.iter().map(|m| m.head).collect(),
            sorted: list.iter().all(|m| m.toks.start <= m.toks.end)
                && list.windows(2).all(|w| w[0].toks.start <= w[1].toks.start),
            sents_monotone: v.toks.windows(2).all(|w| w[0].sent() <= w[1].sent()),
            para_sents,
            paras_monotone: v
                .paras
                .windows(2)
                .all(|w| w[0].start <= w[1].start && w[0].end <= w[1].end),
            surnames: OnceCell::new(),
        }
    }

    /// A slice holding, in order, every mention whose first token is in `lo..=hi`
    /// (the whole list when it is not sorted).
    pub(crate) fn starting_within(&self, lo: usize, hi: usize) -> &'a [Mention] {
        if !self.sorted {
            return self.list;
        }
        let a = self.list.partition_point(|m| m.toks.start < lo);
        let b = self.list.partition_point(|m| m.toks.start <= hi);
        &self.list[a..b.max(a)]
    }

    /// Whether a named mention outside sentence `si` has a surname like `last`.
    fn named_elsewhere(&self, v: &View, si: usize, last: &str) -> bool {
        let like = |sur: &str| {
            sur == last || (sur.len() >= 5 && super::entities::within_two_edits(sur, last))
        };
        let index = self.surnames.get_or_init(|| {
            let mut out: Surnames = HashMap::default();
            for m in self.list {
                let Some(n) = &m.name else { continue };
                let sur = v.toks.get(n.end.checked_sub(1)?)?.lower.as_str();
                match out.get_mut(sur) {
                    Some(e) => {
                        if e.0 != m.sent && e.1.is_none() {
                            e.1 = Some(m.sent);
                        }
                    }
                    None => {
                        out.insert(sur.to_string(), (m.sent, None));
                    }
                }
            }
            Some(out)
        });
        match index {
            Some(index) => index
                .iter()
                .any(|(sur, &(a, b))| (a != si || b.is_some_and(|b| b != si)) && like(sur)),
            None => self.list.iter().any(|m| {
                m.sent != si
                    && m.name
                        .as_ref()
                        .is_some_and(|n| like(&v.toks[n.end - 1].lower))
            }),
        }
    }

    /// The first paragraph holding byte `b`, ends included.
    fn para_of(&self, v: &View, b: usize) -> Option<usize> {
        if !self.paras_monotone {
            return v.paras.iter().position(|r| r.start <= b && b <= r.end);
        }
        let j = v.paras.partition_point(|r| r.end < b);
        v.paras.get(j).filter(|r| r.start <= b).map(|_| j)
    }
}

/// Whether a mention ends at token `last`.
pub(crate) fn mention_ending_at(ms: &Ms, last: usize) -> bool {
    mention_ending(ms, last).is_some()
}

/// First token of a mention's noun phrase: names leave out their article ("the
/// Pentagon" is the name "Pentagon"), so "…, the Pentagon said" has the comma
/// before the subject one token further back than the name.
fn phrase_start(v: &View, m: &Mention) -> usize {
    let s = m.toks.start;
    if m.kind == MentionKind::Name && s > 0 && v.lower(s - 1) == "the" {
        s - 1
    } else {
        s
    }
}

/// The longest mention ending at token `last`.
fn mention_ending<'a>(ms: &Ms<'a>, last: usize) -> Option<&'a Mention> {
    ms.by_end.get(&(last + 1)).map(|&i| &ms.list[i])
}

fn mention_starting<'a>(ms: &Ms<'a>, first: usize) -> Option<&'a Mention> {
    ms.by_start.get(&first).map(|&i| &ms.list[i])
}

fn adhoc(v: &View, toks: Range<usize>, head: usize, kind: MentionKind) -> Mention {
    let t = &v.toks[head];
    let desc = toks
        .clone()
        .filter(|&k| v.toks[k].is_word() && !lexicon::is_determiner(&v.toks[k].lower))
        .map(|k| v.toks[k].lower.to_string())
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
        in_quote: t.quote().is_some(),
        sent: t.sent(),
        person: false,
    }
}

/// A name built from tokens (a headline's or a transcript's label): its words are
/// the name, so that it joins the entity of the same name in the text ("FALLIN" →
/// "Mary Fallin").
fn adhoc_name(v: &View, toks: Range<usize>) -> Mention {
    let mut m = adhoc(v, toks.clone(), toks.end - 1, MentionKind::Name);
    m.name = Some(toks);
    m
}

/// Whether tokens `r` are a time expression ("Last month", "On Wednesday", "early
/// 2015"): never a speaker, though capitalised like a name at a sentence's start.
pub(crate) fn time_mention(v: &View, r: Range<usize>) -> bool {
    // "July's polling", "Tuesday's debate" name what follows them.
    if v.get(r.end).is_some_and(|t| t.kind == Kind::Possessive) {
        return false;
    }
    let mut noun = false;
    for k in r {
        let Some(t) = v.get(k) else { return false };
        let l = t.lower.as_str();
        let month = matches!(
            l,
            "january"
                | "february"
                | "march"
                | "april"
                | "june"
                | "july"
                | "august"
                | "september"
                | "october"
                | "november"
                | "december"
        );
        // "may" is left out: a verb far more often, and a surname ("Theresa May").
        let year = t.kind == Kind::Number && l.len() == 4;
        if month || year || (t.is(lexicon::list::TIME_WORDS) && !matches!(l, "this" | "last")) {
            noun = true;
        } else if !matches!(
            l,
            "last" | "this" | "next" | "past" | "on" | "in" | "the" | "early" | "late" | "," | "."
        ) {
            return false;
        }
    }
    noun
}

/// A noun phrase ending at token `p`, built from the tokens when no mention ends there.
fn np_ending(v: &View, ms: &Ms, p: usize) -> Option<Mention> {
    let t = v.get(p)?;
    if let Some(m) = mention_ending(ms, p) {
        if m.possessive {
            return None;
        }
        return Some(m.clone());
    }
    if t.quote().is_some() {
        return None;
    }
    if t.kind == Kind::Number || t.lower == "%" {
        return share_ending(v, p);
    }
    if !t.is_word() {
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
            && v.toks[p - 1].cue.is_none();
        return prev_noun.then(|| adhoc(v, p..p + 1, p, MentionKind::Relative));
    }
    // "Some chanted", "Many say": a bare quantifier as subject.
    if matches!(
        l,
        "some" | "many" | "most" | "others" | "several" | "both" | "few" | "all" | "two" | "three"
    ) && v.get(p + 1).is_some_and(|n| n.cue.is_some())
    {
        return Some(adhoc(v, p..p + 1, p, MentionKind::Plural));
    }
    // No noun phrase ends in a preposition or a particle ("it is steering clear of
    // criticizing …", "came away convinced").
    let preposition = matches!(
        l,
        "of" | "for"
            | "over"
            | "against"
            | "through"
            | "toward"
            | "towards"
            | "across"
            | "among"
            | "between"
            | "upon"
            | "via"
            | "away"
            | "off"
            | "up"
            | "out"
            | "down"
    );
    if preposition
        || lexicon::is_np_break(l)
        || lexicon::is_determiner(l)
        || lexicon::cue_word(l).is_some()
        || l.ends_with("ly")
        || lexicon::in_list(l, lexicon::list::AUX_ADVERBS)
    {
        return None;
    }
    let sent = t.sent();
    let mut s = p;
    let mut steps = 0;
    while s > 0 && steps < 5 {
        let q = &v.toks[s - 1];
        if q.sent() != sent || q.quote().is_some() {
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
            if mentions::takes_determiner(v, s - 1) {
                s -= 1;
            }
            break;
        }
        if lexicon::is_np_break(&q.lower) || q.cue.is_some() {
            break;
        }
        s -= 1;
        steps += 1;
    }
    let s = mentions::skip_leading_punct(v, s, p);
    // A bare single lowercase word that is not a known source noun is too weak.
    if s == p && !lexicon::is_speaker_noun(l) && !t.cap {
        return None;
    }
    let plural = lexicon::in_list(l, lexicon::list::PLURAL_SOURCES) && s == p;
    let kind = if plural {
        MentionKind::Plural
    } else {
        MentionKind::Nominal
    };
    Some(adhoc(v, s..p + 1, p, kind))
}

/// Finite auxiliaries: a noun phrase ends before one, and a clause follows.
fn is_finite_aux(l: &str) -> bool {
    matches!(
        l,
        "has"
            | "have"
            | "had"
            | "is"
            | "was"
            | "are"
            | "were"
            | "would"
            | "will"
            | "could"
            | "may"
            | "might"
            | "should"
            | "can"
            | "must"
            | "did"
            | "does"
    )
}

fn is_number_word(l: &str) -> bool {
    matches!(
        l,
        "one" | "two" | "three" | "four" | "five" | "six" | "seven" | "eight" | "nine" | "ten"
    )
}

/// A share of people as subject, ending at the number or "%" at `p`: "47% say",
/// "Six in 10 say", "nearly nine out of 10 say".
fn share_ending(v: &View, p: usize) -> Option<Mention> {
    let sent = v.toks[p].sent();
    let mut s = p;
    while s > 0 && p - s < 6 {
        let q = &v.toks[s - 1];
        let numeric = q.kind == Kind::Number
            || matches!(
                q.lower.as_str(),
                "%" | "in"
                    | "out"
                    | "of"
                    | "nearly"
                    | "about"
                    | "almost"
                    | "roughly"
                    | "some"
                    | "just"
                    | "only"
                    | "over"
                    | "under"
                    | "than"
                    | "more"
                    | "fewer"
                    | "less"
            )
            || is_number_word(&q.lower);
        if q.sent() != sent || q.quote().is_some() || !numeric {
            break;
        }
        s -= 1;
    }
    // A bare number is a count or a year, not a share: it needs "%" or "N in M".
    let count = |k: usize| v.toks[k].kind == Kind::Number || is_number_word(v.lower(k));
    let share = v.toks[p].lower == "%"
        || (s + 1..p).any(|k| {
            let before = if v.lower(k - 1) == "out" && k >= s + 2 {
                k - 2
            } else {
                k - 1
            };
            matches!(v.lower(k), "in" | "of") && count(k + 1) && count(before)
        });
    share.then(|| adhoc(v, s..p + 1, p, MentionKind::Plural))
}

/// A noun phrase starting at token `k` ("said John Smith", "according to the report").
fn np_starting(v: &View, ms: &Ms, k: usize) -> Option<Mention> {
    let t = v.get(k)?;
    if t.quote().is_some() {
        return None;
    }
    if let Some(m) = mention_starting(ms, k) {
        return Some(m.clone());
    }
    if !t.is_word() {
        return None;
    }
    // "conservative activist Bob Klaus": lowercase modifiers before a mention.
    if !t.cap && !lexicon::is_determiner(&t.lower) {
        for j in k + 1..(k + 4).min(v.toks.len()) {
            let u = &v.toks[j];
            if !u.is_word() || lexicon::is_np_break(&u.lower) {
                break;
            }
            if let Some(m) = mention_starting(ms, j) {
                let mut m = m.clone();
                m.toks.start = k;
                return Some(m);
            }
        }
    }
    // A determiner and up to five words, to punctuation or a break word.
    let mut e = k + 1;
    while e < v.toks.len() && e < k + 6 {
        let u = &v.toks[e];
        if u.sent() != t.sent() || !(u.is_word() || u.kind == Kind::Number) {
            break;
        }
        if lexicon::is_np_break(&u.lower) && u.lower != "of" {
            break;
        }
        if u.cue.is_some() && !lexicon::is_speaker_noun(&u.lower) || is_finite_aux(&u.lower) {
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

/// Adjectives that, with a preposition, describe a source by what it knows
/// ("familiar with the matter", "close to the campaign").
fn knowledge_adjective(l: &str) -> bool {
    matches!(
        l,
        "familiar" | "close" | "knowledgeable" | "briefed" | "involved" | "privy" | "loyal"
    )
}

/// End of the modifiers after a source noun phrase that ends at `k` ("according to a
/// spokesman [for the ministry], …", "…, according to two people [familiar with
/// the matter]."): a prepositional phrase, or a knowledge adjective and one, with
/// no verb in it, up to the next punctuation. `k` when there is none.
fn source_modifiers_end(v: &View, k: usize, send: usize) -> usize {
    let Some(t) = v.get(k) else { return k };
    let opens = !t.cap
        && (matches!(
            t.lower.as_str(),
            "for" | "of" | "at" | "in" | "with" | "from" | "on" | "within" | "inside"
        ) || knowledge_adjective(&t.lower));
    if !opens || k >= send {
        return k;
    }
    let limit = send.min(k + 10);
    let end = (k..limit)
        .find(|&j| v.toks[j].kind == Kind::Punct || v.toks[j].mark)
        .unwrap_or(limit);
    if end == limit && limit < send {
        return k;
    }
    let plain = (k..end).all(|j| {
        let u = &v.toks[j];
        matches!(u.kind, Kind::Word | Kind::Number | Kind::Possessive)
            && !is_finite_aux(&u.lower)
            && (u.cue.is_none() || lexicon::is_speaker_noun(&u.lower))
    });
    if plain {
        end
    } else {
        k
    }
}

/// "according to recent data from comScore", "according to state law": the words
/// after the cue up to punctuation (at most ten), when no noun phrase starts there.
fn source_phrase(v: &View, k: usize) -> Option<Mention> {
    let t = v.get(k)?;
    if !t.is_word() || t.quote().is_some() || lexicon::is_np_break(&t.lower) {
        return None;
    }
    let sent = t.sent();
    let e = (k..v.toks.len().min(k + 10))
        .take_while(|&j| {
            let u = &v.toks[j];
            u.sent() == sent && (u.is_word() || u.kind == Kind::Number) && u.quote().is_none()
        })
        .last()?
        + 1;
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
        // "a few days later", "two weeks ago", "hours earlier"
        let mut j = k;
        while j < limit
            && j < k + 3
            && (matches!(
                v.lower(j),
                "a" | "few" | "several" | "two" | "three" | "some" | "many"
            ) || v.toks[j].kind == Kind::Number)
        {
            j += 1;
        }
        if matches!(
            v.lower(j),
            "minutes"
                | "hours"
                | "days"
                | "weeks"
                | "months"
                | "years"
                | "day"
                | "week"
                | "month"
                | "year"
        ) && matches!(v.lower(j + 1), "later" | "ago" | "earlier" | "before")
        {
            k = j + 2;
            continue;
        }
        if lexicon::in_list(l, lexicon::list::TIME_WORDS) && !matches!(l, "this" | "last") {
            k += 1;
            continue;
        }
        if matches!(l, "on" | "last" | "this" | "late" | "early")
            && lexicon::in_list(v.lower(k + 1), lexicon::list::TIME_WORDS)
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
                        | "video"
                        | "message"
                        | "communique"
                        | "report"
                        | "memo"
                        | "filing"
                        | "address"
                        | "remarks"
                ) {
                    return skip_fillers(v, after_issued(v, j, limit), limit);
                }
            }
            // "told a news conference in Doha that …": a place phrase before "that".
            if j > k + 1 && j < limit && v.lower(j) == "that" {
                return j;
            }
            return k;
        }
        return k;
    }
}

/// "in a statement issued on Monday that …": past the participle that dates or
/// places the statement, to the "that" opening the content (else `j` unchanged).
fn after_issued(v: &View, j: usize, limit: usize) -> usize {
    if !matches!(
        v.lower(j),
        "issued"
            | "released"
            | "posted"
            | "published"
            | "carried"
            | "broadcast"
            | "aired"
            | "sent"
            | "delivered"
            | "distributed"
            | "circulated"
    ) {
        return j;
    }
    let mut q = j + 1;
    while q < limit && q <= j + 8 && v.toks[q].is_word() {
        if v.lower(q) == "that" {
            return q;
        }
        q += 1;
    }
    j
}

/// The subject before a cue at token `c`. Returns the subject and the token index
/// where its clause starts (the subject's first token).
pub(crate) fn subject_before(v: &View, ms: &Ms, c: usize) -> Option<(Mention, bool)> {
    let t = v.get(c)?;
    let s0 = v.sents.get(t.sent())?.toks.start;
    let mut k = c;
    let mut skips = 0;
    let mut aux = false;
    while k > s0 && skips < 5 {
        let p = &v.toks[k - 1];
        let l = p.lower.as_str();
        let adverb = ly_adverb(l) && !p.cap;
        if (lexicon::in_list(l, lexicon::list::AUX_ADVERBS) || adverb)
            && mention_ending(ms, k - 1).is_none()
        {
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
        // "Trump seemed to suggest that …": the impression verb is not the subject.
        if l == "to"
            && k - 1 > s0
            && matches!(
                v.lower(k - 2),
                "seemed" | "seems" | "seem" | "appeared" | "appears" | "appear"
            )
        {
            aux = true;
            k -= 2;
            skips += 1;
            continue;
        }
        if k - 1 > s0 && v.lower(k - 2) == "on" && lexicon::in_list(l, lexicon::list::TIME_WORDS) {
            k -= 2;
            skips += 1;
            continue;
        }
        // "Trump last year proposed", "Priebus this past week announced", "allies have
        // in the past said": a time phrase between the subject and the cue.
        if let Some(t0) = time_phrase_ending(v, s0, k - 1) {
            k = t0;
            skips += 1;
            continue;
        }
        // "Harry M. Reid (D-Nev.) said": skip the parenthesis.
        if l == ")" {
            if let Some(o) = (k.saturating_sub(10).max(s0)..k - 1)
                .rev()
                .find(|&j| v.lower(j) == "(")
            {
                k = o;
                skips += 1;
                continue;
            }
        }
        break;
    }
    if k <= s0 {
        return None;
    }
    let p = k - 1;
    // "Jason Sims — a teacher from Mount Pleasant — says": the subject ends before
    // the opening dash of a dash-enclosed apposition.
    if matches!(v.lower(p), "—" | "–") {
        let lo = p.saturating_sub(30).max(s0);
        let open = (lo..p)
            .rev()
            .take_while(|&j| !v.toks[j].mark)
            .find(|&j| matches!(v.lower(j), "—" | "–"))?;
        if open <= s0 || words_in(v, open + 1..p) < 1 {
            return None;
        }
        let m = np_ending(v, ms, open - 1)?;
        return Some((m, aux));
    }
    if v.lower(p) == "," {
        // Appositions and parentheticals: "X, a spokesman for Y, said", "X, 49, a
        // veteran, said", "X, for his part, appreciated": skip such segments back to
        // the one that is not one; the subject ends right before its comma.
        let mut end = p;
        for _ in 0..4 {
            let mut j = end;
            let mut crossed_mark = false;
            while j > s0 && end - j < 45 {
                j -= 1;
                if v.toks[j].mark {
                    crossed_mark = true;
                    break;
                }
                if v.lower(j) == "," {
                    break;
                }
            }
            if crossed_mark || v.lower(j) != "," || j + 1 >= end {
                return None;
            }
            // "Trump, in Kentucky, said", "Clinton, at Monday's debate, cited": where
            // and when, set off like an apposition.
            let circumstance = scene_phrase(v, j + 1..end);
            if !apposition_like(v, j + 1..end) && !place_like(v, j + 1..end) && !circumstance {
                // "One pastor supporting Mr. Cruz, Darran Whiting of Liberty Baptist
                // Church in Marion, said": a name set off by commas is the subject.
                return set_off_name(v, ms, j + 1..end).map(|m| (m, aux));
            }
            // Is the segment before j an apposition too?
            let mut i = j;
            while i > s0 && v.lower(i - 1) != "," && !v.toks[i - 1].mark {
                i -= 1;
            }
            // A person's name is the subject, not a place continuing the apposition
            // ("Still, Tad Devine, a senior adviser to Mr. Sanders, said").
            // "Smith, 45, said": an age.
            let age = end == j + 2 && v.toks[j + 1].kind == Kind::Number;
            let describes_person = age
                || title_phrase(v, j + 1..end)
                || (j + 1..end).any(|k| {
                    let u = &v.toks[k];
                    !u.cap && (mentions::is_role(&u.lower) || lexicon::is_speaker_noun(&u.lower))
                });
            let person_name = j
                .checked_sub(1)
                .map(|p| before_parenthesis(v, s0, p))
                .and_then(|p| mention_ending(ms, p))
                .filter(|m| {
                    m.kind == MentionKind::Name
                        && (m.person || describes_person)
                        && m.toks.start >= i
                });
            if let (Some(m), false) = (person_name, apposition_like(v, i..j)) {
                return Some((m.clone(), aux));
            }
            if i > s0 && v.lower(i - 1) == "," && (apposition_like(v, i..j) || place_like(v, i..j))
            {
                end = j;
                continue;
            }
            // "Facebook made the tool …, a spokeswoman, Anna White, said": a long
            // clause before the chain is the content; the chain itself is the subject.
            // A filler ("…, for instance, said") is no such chain: the subject ends
            // before it.
            // A clause with a finite verb is content however short ("The talks would
            // resume next week, the official, who spoke on condition of anonymity,
            // said"), if the chain after it has no verb of its own ("…, while others
            // aren't meaningful to the public, said X" is two clauses).
            let finite = |r: Range<usize>| {
                r.into_iter().any(|k| {
                    let l = v.lower(k);
                    !v.toks[k].cap
                        && (is_finite_aux(l) || l.ends_with("n't") || l.ends_with("n\u{2019}t"))
                })
            };
            let clause = finite(i..j) && !finite(j + 1..end);
            if (j - i > 6 || clause) && !filler(v, j + 1..end) && !circumstance {
                let m = np_ending(v, ms, end - 1)?;
                return Some((m, aux));
            }
            // A comma as the text's first token has nothing before it.
            if let Some(m) = np_ending(v, ms, before_parenthesis(v, s0, j.checked_sub(1)?)) {
                // "Last month, the Independent, a British newspaper, revealed": an
                // opening time phrase; the chain's first segment is the subject.
                if time_mention(v, m.toks.clone()) {
                    return after_opening_phrase(v, ms, j + 1, p).map(|m| (m, aux));
                }
                // "In addition to the FBI probe, the inspector general, Steve Linick,
                // indicated": the prepositional phrase's noun phrase is no subject,
                // where a segment after it can be.
                // "Asked about the delay, the official, who …, said": so is an opening
                // participle phrase's.
                let participle = i == s0
                    && cue_at(v, s0)
                        .is_some_and(|c| matches!(c.form, CueForm::Past | CueForm::Ing));
                if opens_with_preposition(v, s0) || participle {
                    if let Some(after) = after_opening_phrase(v, ms, j + 1, p) {
                        return Some((after, aux));
                    }
                }
                return Some((m, aux));
            }
            // "For now, Raffaello Pantucci, at the institute, said": an opening
            // phrase with no noun phrase at its end; the name after it is the subject.
            return set_off_name(v, ms, j + 1..end).map(|m| (m, aux));
        }
        return None;
    }
    let mut m = np_ending(v, ms, p)?;
    // "Stumpf in a televised interview appeared to blame", "A spokesman for the
    // company said": the object of a preposition is no subject; the noun phrase
    // before the preposition is.
    for _ in 0..2 {
        let b = m.toks.start;
        // Lowercase only: title-case headlines capitalise their prepositions.
        let prep = b >= s0 + 2
            && !v.toks[b - 1].cap
            && matches!(
                v.lower(b - 1),
                "in" | "on" | "at" | "for" | "of" | "from" | "with" | "during" | "through"
            );
        // "two people familiar with the matter said", "a source close to the
        // campaign told": the adjective before the preposition describes the source.
        let to = b >= s0 + 2 && !v.toks[b - 1].cap && v.lower(b - 1) == "to";
        if (prep || to) && b >= s0 + 3 && knowledge_adjective(v.lower(b - 2)) {
            match np_ending(v, ms, b - 3) {
                Some(h) if !h.in_quote && lexicon::is_speaker_noun(v.lower(h.head)) => {
                    m = h;
                    continue;
                }
                _ => break,
            }
        }
        // The head must be a mention found in the text, not a phrase built from
        // tokens ("convince enough of the superdelegates").
        let head = prep.then(|| mention_ending(ms, b - 2)).flatten();
        match head {
            Some(h)
                if h.toks.start >= s0
                    && !h.possessive
                    && !h.in_quote
                    && !time_mention(v, h.toks.clone()) =>
            {
                m = h.clone()
            }
            _ => break,
        }
    }
    // "Hawkins and others who want to ban abortion said": the subject is the noun
    // phrase the relative clause describes, not the clause's last noun.
    let who = (m.toks.start.saturating_sub(8).max(s0 + 1)..m.toks.start)
        .rev()
        .take_while(|&j| v.toks[j].is_word() && !v.toks[j].mark)
        .find(|&j| v.lower(j) == "who")
        // "a man who many believe betrayed …", "who he accused": "who" is the object
        // and the subject follows it.
        .filter(|&w| {
            v.get(w + 1).is_some_and(|n| {
                !n.cap
                    && lexicon::pronoun(&n.lower).is_none()
                    && !lexicon::is_determiner(&n.lower)
                    && !matches!(
                        n.lower.as_str(),
                        "many" | "some" | "most" | "all" | "few" | "several" | "others"
                    )
                    && mention_starting(ms, w + 1).is_none()
            })
        });
    if let Some(head) = who.and_then(|w| np_ending(v, ms, w - 1)) {
        return Some((head, aux));
    }
    Some((m, aux))
}

/// A prepositional phrase of place, occasion or medium set off by commas between a
/// subject and its cue ("in Kentucky", "at Monday's debate", "during a debate at
/// Indiana University in 1973").
fn scene_phrase(v: &View, r: Range<usize>) -> bool {
    r.len() >= 2
        && words_in(v, r.clone()) <= 12
        && !v.toks[r.start].cap
        && (matches!(
            v.lower(r.start),
            "in" | "at" | "on" | "during" | "from" | "via" | "speaking"
        ) || participle_phrase(v, r.start))
        && !filler(v, r.clone())
        && !r.clone().any(|k| v.toks[k].mark)
}

/// "The report, released on Tuesday, said", "published by the World Bank": a past
/// participle with its agent, place or time, set off like an apposition.
fn participle_phrase(v: &View, k: usize) -> bool {
    let l = v.lower(k);
    let participle = l.len() > 4 && l.ends_with("ed")
        || matches!(
            l,
            "written" | "seen" | "given" | "known" | "shown" | "held" | "led"
        );
    let next = v.lower(k + 1);
    participle
        && (matches!(
            next,
            "by" | "on" | "in" | "at" | "last" | "this" | "earlier" | "late" | "early" | "after"
        ) || lexicon::in_list(next, lexicon::list::TIME_WORDS))
}

/// Whether the sentence starting at token `s0` opens with a prepositional phrase
/// ("In addition to the FBI probe, …", "Amid the protests, …"), whose noun phrase is
/// no subject.
fn opens_with_preposition(v: &View, s0: usize) -> bool {
    matches!(
        v.lower(s0),
        "in" | "on"
            | "at"
            | "amid"
            | "after"
            | "before"
            | "despite"
            | "during"
            | "following"
            | "since"
            | "unlike"
            | "without"
            | "under"
            | "beyond"
            | "besides"
    )
}

/// The subject after an opening phrase, among the comma-separated segments of
/// tokens `a..e`: the first that is not a filler ("On Wednesday, however, the director
/// of the F.B.I., James B. Comey, said").
fn after_opening_phrase(v: &View, ms: &Ms, mut a: usize, e: usize) -> Option<Mention> {
    while a < e {
        let b = (a..e).find(|&k| v.lower(k) == ",").unwrap_or(e);
        if b > a && !filler(v, a..b) {
            return np_ending(v, ms, b - 1);
        }
        a = b + 1;
    }
    None
}

/// After an inverted cue clause ending at token `k` ("…, said Marcia Smith, senior vice
/// president,"), where the interrupted clause resumes: past appositions, a comma,
/// then a clause with a finite verb ("would be clear", "Teck wants the gap narrowed").
fn resumed_clause(v: &View, mut k: usize, send: usize) -> Option<usize> {
    // "said Doyle and others, …": the coordinated rest of the subject.
    if matches!(v.lower(k), "and" | "or") {
        k = (k + 1..send.min(k + 6)).find(|&j| v.lower(j) == ",")?;
    }
    for _ in 0..3 {
        if k >= send || v.lower(k) != "," || v.toks[k].mark {
            return None;
        }
        let seg_end = (k + 1..send)
            .find(|&j| v.lower(j) == "," || v.toks[j].mark)
            .unwrap_or(send);
        let seg = k + 1..seg_end;
        if seg.is_empty() {
            return None;
        }
        if apposition_like(v, seg.clone()) || title_phrase(v, seg.clone()) {
            k = seg_end;
            continue;
        }
        let first = &v.toks[seg.start];
        let finite = |j: usize| {
            let t = &v.toks[j];
            !t.cap
                && t.is_word()
                && (is_finite_aux(&t.lower)
                    || (j > seg.start
                        && v.toks[j - 1].cap
                        && (t.lower.ends_with("ed")
                            || (t.lower.ends_with('s') && !t.lower.ends_with("ss")))))
        };
        let resumes = words_in(v, seg.start..send) >= 3
            && cue_at(v, seg.start).is_none_or(|c| c.form != CueForm::Ing)
            && (finite(seg.start)
                || (first.cap && (seg.start + 1..seg_end.min(seg.start + 4)).any(finite)));
        return resumes.then_some(seg.start);
    }
    None
}

/// For a subject right after a lowercase noun ("a gift he knew …", "the best friend
/// Donald J. Trump always hoped to have"), the determiner opening that noun phrase:
/// the clause is a relative clause without "that" describing the noun.
fn reduced_relative_head(v: &View, sp: &Mention, s0: usize) -> Option<usize> {
    let strong = match sp.kind {
        MentionKind::Name => true,
        MentionKind::Pronoun(p) => matches!(
            p,
            Pronoun::He | Pronoun::She | Pronoun::They | Pronoun::We | Pronoun::I
        ),
        _ => false,
    };
    let n = sp.toks.start.checked_sub(1).filter(|&n| n >= s0)?;
    let t = &v.toks[n];
    let noun_like = strong
        && t.is_word()
        && !t.cap
        && t.quote().is_none()
        && !lexicon::is_np_break(&t.lower)
        && !lexicon::is_determiner(&t.lower)
        && !is_finite_aux(&t.lower)
        && !t.lower.ends_with("ly")
        && t.cue.is_none();
    if !noun_like {
        return None;
    }
    let d = (n.saturating_sub(4).max(s0)..n)
        .rev()
        .take_while(|&j| v.toks[j].is_word() && !v.toks[j].cap)
        .find(|&j| lexicon::is_determiner(v.lower(j)))?;
    // "In the end he said …", "By the time she left …": an adverbial phrase.
    let adverbial = d > s0
        && matches!(
            v.lower(d - 1),
            "in" | "at"
                | "by"
                | "on"
                | "for"
                | "during"
                | "after"
                | "before"
                | "until"
                | "since"
                | "from"
                | "with"
                | "over"
                | "through"
                | "throughout"
                | "within"
        );
    (!adverbial).then_some(d)
}

/// "The race seemed to be Sanders's to lose", "Trump is expected to speak tonight":
/// an impression or expectation nobody in the text voices. PolNeAR marks the whole
/// clause, subject included, with no source. Only a clause free of quotation marks
/// and other cues is taken, so no attribution inside it is lost.
fn impression_at(v: &View, c: usize) -> Option<Detected> {
    let t = v.get(c)?;
    if !t.is_word() || t.cap || t.quote().is_some() {
        return None;
    }
    let form = match t.lower.as_str() {
        "seemed" | "appeared" => CueForm::Past,
        "seems" | "appears" => CueForm::Third,
        "expected" if c > 0 && matches!(v.lower(c - 1), "is" | "are" | "was" | "were") => {
            CueForm::Past
        }
        _ => return None,
    };
    let sent = t.sent();
    let s0 = v.sents[sent].toks.start;
    let send = sentence_content_end(v, sent);
    // The clause: after the last comma or dash before the cue, to the next one.
    let mut start = (s0..c)
        .rev()
        .find(|&k| is_boundary(v, k) || v.lower(k) == ":")
        .map_or(s0, |k| k + 1);
    // "…, but appeared to betray …" shares the main clause's subject: no clause here.
    while start < c && (after_conjunction(v, start) > start || v.lower(start) == "or") {
        start += 1;
    }
    let end = (c + 1..send).find(|&k| is_boundary(v, k)).unwrap_or(send);
    let subject = words_in(v, start..c);
    let rest = words_in(v, c + 1..end);
    // "It seems, though, that …" has no clause before the comma to take.
    if subject == 0 || rest < 1 {
        return None;
    }
    let clean = (start..end).all(|k| !v.toks[k].mark && (k == c || cue_at(v, k).is_none()));
    if !clean {
        return None;
    }
    let cue = Cue {
        toks: c..c + 1,
        class: CueClass::Belief,
        form,
    };
    let mut d = make(v, start..end, cue, Structure::Forward, None);
    d.speakerless = true;
    Some(d)
}

/// Nouns that report what their owner said or thought with a "that" clause:
/// "Donald Trump's claim that …", "his stern warning that …".
const THAT_NOUNS: &[&str] = &[
    "claim",
    "claims",
    "assertion",
    "assertions",
    "argument",
    "arguments",
    "suggestion",
    "warning",
    "warnings",
    "complaint",
    "complaints",
    "fear",
    "fears",
    "view",
    "belief",
    "beliefs",
    "insistence",
    "contention",
    "accusation",
    "accusations",
    "allegation",
    "allegations",
    "assurance",
    "assurances",
    "prediction",
    "admission",
    "acknowledgment",
    "acknowledgement",
    "denial",
    "promise",
    "pledge",
    "vow",
    "hope",
    "hopes",
];

/// "Donald Trump's claim that …": a speech or thought noun after a possessive (with
/// at most two modifiers between, "his stern warning that") reports its owner's
/// words, from "that" to the clause end. PolNeAR marks these as attributions (344
/// of 18,359 speaker quotes on train have a possessive speaker right before the
/// cue). Intention nouns with "to" ("his plan to …") are left out: on PolNeAR
/// train 19 of 66 such quotes had the gold speaker.
fn possessive_claim_at(v: &View, ms: &Ms, i: usize) -> Option<Detected> {
    let t = v.get(i)?;
    if !t.is_word() || t.cap || t.quote().is_some() {
        return None;
    }
    let that = v.lower(i + 1) == "that" && !mentions::takes_determiner(v, i + 1);
    if !that || !THAT_NOUNS.contains(&t.lower.as_str()) {
        return None;
    }
    let sent = t.sent();
    let s0 = v.sents[sent].toks.start;
    // Back over at most two modifiers to the possessive.
    let mut p = i;
    let mut owner = None;
    for _ in 0..3 {
        if p == s0 {
            break;
        }
        p -= 1;
        let q = &v.toks[p];
        if q.quote().is_some() {
            return None;
        }
        if q.kind == Kind::Possessive {
            owner = mention_ending(ms, p.checked_sub(1)?)
                .filter(|m| !m.in_quote)
                .cloned();
            break;
        }
        if let Some(kind) = lexicon::possessive_pronoun(&q.lower) {
            owner = Some(adhoc(v, p..p + 1, p, MentionKind::Pronoun(kind)));
            break;
        }
        // Modifiers are lowercase words that are neither determiners nor verbs of
        // their own clause; a participle right after the owner is an adjective
        // ("his repeated claim"), not a verb ("Trump's team denied claims that …").
        let owner_before = p > s0
            && (v.toks[p - 1].kind == Kind::Possessive
                || lexicon::possessive_pronoun(v.lower(p - 1)).is_some());
        let participle = q.lower.ends_with("ed") && owner_before;
        if !q.is_word()
            || q.cap
            || lexicon::is_determiner(&q.lower)
            || q.cue.is_some() && !participle
        {
            return None;
        }
    }
    let owner = owner?;
    // As the sentence's subject ("Mr. Bush's decision to nominate her provoked the
    // ire of …") the clause ends where the main verb begins, which these rules
    // cannot find: no quote.
    if owner.toks.start <= after_conjunction(v, s0) {
        return None;
    }
    let send = sentence_content_end(v, sent);
    // Inside an opening phrase ("Contrary to his claim that …, there would be …"),
    // the content ends at the phrase's comma.
    let opening = opens_with_preposition(v, s0)
        || matches!(
            v.lower(s0),
            "contrary" | "despite" | "given" | "because" | "unlike"
        );
    let comma = (i + 2..send).find(|&k| v.lower(k) == "," && v.toks[k].quote().is_none());
    let end = match comma {
        Some(c) if opening && !(s0..p).any(|k| v.lower(k) == ",") => c,
        _ => send,
    };
    if words_in(v, i + 1..end) < 3 {
        return None;
    }
    let cue = Cue {
        toks: i..i + 1,
        class: CueClass::Speech,
        form: CueForm::Past,
    };
    Some(make(v, i + 1..end, cue, Structure::Forward, Some(owner)))
}

/// "In a CNN national poll, Clinton held a 24-point lead" / "…, she trails in the
/// RealClearPolitics average of polls": a poll reached by "in" is the source of the
/// clause, like "according to".
fn poll_source_at(v: &View, i: usize) -> Option<Detected> {
    let t = v.get(i)?;
    if t.lower != "in" || t.quote().is_some() {
        return None;
    }
    let sent = t.sent();
    let s0 = v.sents[sent].toks.start;
    let send = sentence_content_end(v, sent);
    // The source: up to the next comma or the sentence end, naming a poll.
    let np_end = (i + 1..send.min(i + 14))
        .find(|&k| v.lower(k) == "," || v.toks[k].mark)
        .unwrap_or(send);
    if np_end <= i + 1 || np_end - (i + 1) > 12 {
        return None;
    }
    let polls = (i + 1..np_end).any(|k| {
        matches!(
            v.lower(k),
            "poll" | "polls" | "survey" | "surveys" | "polling" | "average"
        )
    });
    if !polls {
        return None;
    }
    let lead = after_conjunction(v, s0);
    let content = if i == lead && np_end < send && v.lower(np_end) == "," {
        np_end + 1..send
    } else if i > s0 && np_end == send {
        let mut e = i;
        while e > s0 && is_boundary(v, e - 1) {
            e -= 1;
        }
        s0..e
    } else {
        return None;
    };
    // The clause must not hold an attribution of its own.
    if words_in(v, content.clone()) < 3
        || content
            .clone()
            .any(|k| v.toks[k].mark || cue_at(v, k).is_some())
    {
        return None;
    }
    let head = (i + 1..np_end)
        .rev()
        .find(|&k| v.toks[k].is_word())
        .unwrap_or(i + 1);
    let source = adhoc(v, i + 1..np_end, head, MentionKind::Nominal);
    let cue = Cue {
        toks: i..i + 1,
        class: CueClass::According,
        form: CueForm::Past,
    };
    Some(make(v, content, cue, Structure::According, Some(source)))
}

/// The question of a sentence-initial "Asked …," up to its comma; the asker is the
/// agent of "by …" or nobody ([`Detected::speakerless`]).
fn asked_question(v: &View, ms: &Ms, cue: &Cue, send: usize) -> Option<Detected> {
    let ce = cue.toks.end;
    let agent = if v.lower(ce) == "by" {
        np_starting(v, ms, ce + 1)
    } else {
        None
    };
    let from = agent.as_ref().map_or(ce, |a| a.toks.end);
    let comma = (from..send).find(|&k| v.lower(k) == "," && v.toks[k].quote().is_none())?;
    // The question opens at its wh-word, "about", "if" or "to" ("Asked on Monday
    // whether …"); else right after the cue.
    let start = (from..comma.min(from + 8))
        .find(|&k| {
            matches!(
                v.lower(k),
                "whether"
                    | "if"
                    | "about"
                    | "to"
                    | "what"
                    | "why"
                    | "how"
                    | "who"
                    | "whom"
                    | "when"
                    | "where"
                    | "which"
            )
        })
        .unwrap_or(from);
    if words_in(v, start..comma) < 2 {
        return None;
    }
    let mut d = make(v, start..comma, cue.clone(), Structure::Participle, agent);
    d.speakerless = true;
    Some(d)
}

/// `k + 1` when token `k` is a clause-opening conjunction ("But while …", "And in
/// a CNN poll, …"), else `k`.
fn after_conjunction(v: &View, k: usize) -> usize {
    k + usize::from(matches!(v.lower(k), "but" | "and" | "yet" | "so"))
}

/// A word that looks like a manner adverb ("hastily", "repeatedly"), not "only".
fn ly_adverb(l: &str) -> bool {
    l.ends_with("ly") && l.len() > 4
}

/// A name opening the comma segment `r`, followed by nothing or a short "of/in/from/at"
/// phrase ("Darran Whiting of Liberty Baptist Church in Marion").
fn set_off_name(v: &View, ms: &Ms, r: Range<usize>) -> Option<Mention> {
    let m = mention_starting(ms, r.start)?;
    if m.kind != MentionKind::Name || m.toks.end > r.end {
        return None;
    }
    let rest = m.toks.end..r.end;
    let tail_ok = rest.is_empty()
        || (rest.len() <= 6 && matches!(v.lower(rest.start), "of" | "in" | "from" | "at"));
    tail_ok.then(|| m.clone())
}

/// The last token before a parenthesis that ends at `e` ("Sen. Ted Cruz (R-Texas)"
/// → "Cruz"), else `e`.
fn before_parenthesis(v: &View, s0: usize, e: usize) -> usize {
    if v.lower(e) != ")" {
        return e;
    }
    (e.saturating_sub(10).max(s0)..e)
        .rev()
        .find(|&j| v.lower(j) == "(")
        .and_then(|o| o.checked_sub(1))
        .filter(|&b| b >= s0)
        .unwrap_or(e)
}

/// A lowercase title of one or two words, then "of/for/at" and where: "senior
/// associate for education organizing at Y", "editor at large of Y".
fn title_phrase(v: &View, r: Range<usize>) -> bool {
    r.len() >= 3
        && !v.toks[r.start].cap
        && !lexicon::is_determiner(v.lower(r.start))
        && (r.start + 1..(r.start + 3).min(r.end))
            .any(|k| matches!(v.lower(k), "of" | "for" | "at"))
        && !r.clone().any(|k| {
            let u = &v.toks[k];
            u.cue.is_some() || is_finite_aux(&u.lower) || u.mark
        })
}

/// The first token of a time phrase ending at token `e` ("last year", "this past
/// week", "in the past", "earlier this month"), not before `s0`.
fn time_phrase_ending(v: &View, s0: usize, e: usize) -> Option<usize> {
    let head = v.lower(e);
    // "Fiorina a month later announced", "officials two days ago said" (from the
    // adverb, or from the unit when the adverb was skipped as one).
    let adverb = |k: usize| matches!(v.lower(k), "later" | "earlier" | "ago");
    let at = if adverb(e) {
        Some(e)
    } else {
        adverb(e + 1).then_some(e + 1)
    };
    if let Some(a) = at.filter(|&a| a >= s0 + 2) {
        let unit = v.lower(a - 1).trim_end_matches('s');
        let count = v.lower(a - 2);
        let unit_ok = matches!(unit, "minute" | "hour" | "day" | "week" | "month" | "year");
        let count_ok = matches!(
            count,
            "a" | "an" | "one" | "two" | "three" | "few" | "several"
        ) || v.toks[a - 2].kind == Kind::Number;
        if unit_ok && count_ok {
            let b = if count == "few" && a >= s0 + 3 && v.lower(a - 3) == "a" {
                a - 3
            } else {
                a - 2
            };
            return (b > s0).then_some(b);
        }
    }
    let past = head == "past" && e > s0 && matches!(v.lower(e - 1), "the" | "this");
    if !(past
        || matches!(
            head,
            "week" | "month" | "year" | "night" | "morning" | "weekend"
        ))
    {
        return None;
    }
    let mut b = e;
    while b > s0
        && e - b < 4
        && matches!(
            v.lower(b - 1),
            "last"
                | "this"
                | "next"
                | "past"
                | "earlier"
                | "later"
                | "early"
                | "late"
                | "the"
                | "in"
                | "during"
                | "over"
        )
    {
        b -= 1;
    }
    // "the year" alone may be the subject's own words; a phrase needs its modifier.
    (b < e && v.lower(b) != "the").then_some(b)
}

/// Sentence adverbs that a comma pair sets off without carrying a clause: "X,
/// however, said". Both `filler` and `apposition_like` read them here.
fn discourse_adverb(l: &str) -> bool {
    matches!(
        l,
        "however"
            | "meanwhile"
            | "too"
            | "also"
            | "though"
            | "instead"
            | "therefore"
            | "then"
            | "now"
            | "again"
            | "still"
            | "indeed"
            | "perhaps"
    )
}

/// A comma-enclosed filler: "for instance", "of course", "in turn", "however".
fn filler(v: &View, r: Range<usize>) -> bool {
    match r.len() {
        1 => discourse_adverb(v.lower(r.start)) || v.lower(r.start) == "moreover",
        2 => matches!(
            (v.lower(r.start), v.lower(r.start + 1)),
            ("for", "instance" | "example")
                | ("of", "course")
                | ("in", "turn" | "fact" | "particular" | "general")
        ),
        _ => false,
    }
}

/// A short capitalised segment continuing an apposition ("from Sumter, South Carolina,").
fn place_like(v: &View, r: std::ops::Range<usize>) -> bool {
    !r.is_empty()
        && r.len() <= 4
        && r.clone()
            .all(|k| (v.toks[k].cap && v.toks[k].is_word()) || v.lower(k) == ".")
}

/// A comma-enclosed segment that describes or qualifies rather than carries a clause:
/// "a spokesman for Y", "49", "for his part", "who …", "however".
fn apposition_like(v: &View, r: std::ops::Range<usize>) -> bool {
    let Some(t) = v.get(r.start) else {
        return false;
    };
    if r.is_empty() {
        return false;
    }
    let l = t.lower.as_str();
    if t.kind == Kind::Number || lexicon::is_determiner(l) {
        return true;
    }
    // "X, Democrat of California, said", "X, a Republican, said".
    if mentions::is_party_word(l)
        && (r.len() == 1
            || v.get(r.start + 1)
                .is_some_and(|n| matches!(n.lower.as_str(), "of" | "from")))
    {
        return true;
    }
    if discourse_adverb(l) {
        return true;
    }
    if matches!(
        l,
        "who"
            | "whose"
            | "which"
            | "where"
            | "for"
            | "in"
            | "at"
            | "on"
            | "like"
            | "of"
            | "as"
            | "with"
            | "from"
            | "after"
            | "before"
            | "during"
            | "unlike"
            | "despite"
            | "including"
            | "about"
            | "once"
            | "in turn"
            | "by"
            | "under"
            | "among"
            | "until"
            | "formerly"
            | "himself"
            | "herself"
            | "jr"
            | "sr"
            | "d"
            | "r"
            | "president"
            | "chairman"
            | "founder"
            | "ceo"
            | "director"
            | "professor"
            | "author"
            | "executive"
    ) {
        return true;
    }
    if !t.cap && (mentions::is_role(l) || lexicon::is_speaker_noun(l) || l.ends_with("ly")) {
        return true;
    }
    // "X, senior associate for … at the Institute, said", "X, Clinton's director of
    // state campaigns, said", "X, South Carolina director for Sanders, said": a
    // lowercase role noun among the first words.
    if r.clone().take(4).any(|k| {
        let u = &v.toks[k];
        !u.cap && (mentions::is_role(&u.lower) || u.is(lexicon::list::SPEAKER_NOUNS))
    }) {
        return true;
    }
    // "X, senior associate for education organizing at Y, said", "X, chair of Y,
    // said": a lowercase title of one or two words, then "of/for/at" and where.
    if title_phrase(v, r.clone()) {
        return true;
    }
    // "X, clad in a red cape, said", "X, wearing a T-shirt, said": a participle
    // phrase describing the subject (never a cue word: ", adding that …").
    if !t.cap
        && (l == "clad" || l.len() > 5 && (l.ends_with("ing") || l.ends_with("ed")))
        && lexicon::cue_word(l).is_none()
        && r.len() >= 2
    {
        return true;
    }
    // "X, appearing on Fox News after the speech, said", "X, speaking to reporters,
    // said": where the speaking happened, not what was said.
    if !t.cap
        && l.ends_with("ing")
        && r.len() >= 3
        && matches!(
            v.lower(r.start + 1),
            "on" | "at" | "in" | "to" | "before" | "with" | "from" | "during"
        )
    {
        return true;
    }
    // "Sanders' campaign manager": ends in a role noun.
    if let Some(last) = v.get(r.end - 1) {
        if !last.cap
            && (mentions::is_role(&last.lower) || lexicon::is_speaker_noun(&last.lower))
            && r.len() <= 8
        {
            return true;
        }
    }
    // "(D-Nev.)", "R-Texas", short all-caps or state abbreviations.
    r.len() <= 3 && v.text[v.span(&r)].contains('-')
}

/// A short phrase setting the scene before a cue clause ("In a statement, X said:",
/// "On Tuesday, X told reporters"): no reported words of the quote.
fn intro_adverbial(v: &View, r: Range<usize>) -> bool {
    let first = v.lower(r.start);
    let ends_comma = r.end > r.start && v.lower(r.end - 1) == ",";
    ends_comma
        && words_in(v, r.clone()) <= 6
        && (matches!(
            first,
            "in" | "on"
                | "at"
                | "during"
                | "after"
                | "before"
                | "earlier"
                | "later"
                | "last"
                | "via"
                | "speaking"
                | "asked"
                | "still"
                | "however"
                | "meanwhile"
                | "then"
                | "but"
                | "and"
                | "yet"
                | "also"
                | "today"
                | "yesterday"
        ) || (r.start..r.end).any(|k| lexicon::in_list(v.lower(k), lexicon::list::TIME_WORDS))
            && words_in(v, r.clone()) <= 4)
}

/// The subject after a cue whose last token is `ce - 1` ("…, said John Smith").
fn subject_after(v: &View, ms: &Ms, ce: usize) -> Option<Mention> {
    let sent = v.get(ce.checked_sub(1)?)?.sent();
    let end = v.sents.get(sent)?.toks.end;
    let k = skip_fillers(v, ce, end);
    // "…, said on Tuesday that the campaign …": a complement clause follows, so the
    // subject came before the cue and was missed; no inverted subject here.
    if v.lower(k) == "that" && !mentions::takes_determiner(v, k) {
        return None;
    }
    let m = np_starting(v, ms, k)?;
    // "…, said the EB-5 program has sent …": the phrase is the clause's subject.
    if (m.toks.start..m.toks.end + 1).any(|k| v.get(k).is_some_and(|n| is_finite_aux(&n.lower))) {
        return None;
    }
    // "said he hadn't …" is a forward cue with a pronoun subject of the content.
    if matches!(m.kind, MentionKind::Pronoun(_))
        && v.get(m.toks.end).is_some_and(|t| t.kind != Kind::Punct)
    {
        return None;
    }
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
    if !t.is_word() || t.quote().is_some() {
        return None;
    }
    if t.lower == "according" && v.lower(i + 1) == "to" {
        return Some(Cue {
            toks: i..i + 2,
            class: CueClass::According,
            form: CueForm::Past,
        });
    }
    if let Some(form) = particle_only_cue(&t.lower, v.lower(i + 1)).filter(|_| !t.cap) {
        return Some(Cue {
            toks: i..i + 2,
            class: CueClass::Speech,
            form,
        });
    }
    let w = t.cue?;
    // Capitalised cue words are names or headline words ("the United States"),
    // except a speech verb after its subject in a title-case headline
    // ("Trump Says He Never Pledged …").
    if t.cap {
        let title_speech = w.class == CueClass::Speech
            && matches!(w.form, CueForm::Third | CueForm::Past)
            && v.sents
                .get(t.sent())
                .is_some_and(|s| s.title && s.toks.start < i);
        // "Asked whether …, Clinton said": a question put to the subject.
        let asked = t.lower == "asked" && v.sents.get(t.sent()).is_some_and(|s| s.toks.start == i);
        if !title_speech && !asked {
            return None;
        }
    }
    let next = v.lower(i + 1);
    // Phrasal verbs that are not reporting: "showed off", "backed down", "called up".
    if matches!(next, "off" | "up" | "down" | "away" | "over" | "back")
        && !t.lower.starts_with("point")
    {
        return None;
    }
    if (t.lower == "went" || t.lower == "goes") && next != "on" {
        return None;
    }
    let particle = lexicon::cue_particle(&t.lower, next);
    if t.lower.starts_with("point") && !particle && next != "to" {
        return None;
    }
    if t.lower.starts_with("put") && next != "it" {
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

/// "spoke about", "has spoken of", "speaks out", "talks about": verbs that report
/// speech only with their particle. On PolNeAR train 27 of 30 such "speak" phrases and
/// 11 of 15 "talks about" are cues, while "spoke to reporters" or "spoke at a rally"
/// mostly are not. They are kept out of the cue lexicon so that its other users (the
/// sentence features, the segmenter's speech verbs) stay as the models learned them.
fn particle_only_cue(lower: &str, next: &str) -> Option<CueForm> {
    let form = match lower {
        "speak" => CueForm::Base,
        "speaks" => CueForm::Third,
        "spoke" | "spoken" => CueForm::Past,
        "talks" if next == "about" => return Some(CueForm::Third),
        _ => return None,
    };
    matches!(next, "about" | "of" | "out").then_some(form)
}

fn sent_of(v: &View, i: usize) -> usize {
    v.get(i).map(|t| t.sent()).unwrap_or(0)
}

/// Content end within a sentence: before final punctuation and closing marks.
pub(crate) fn sentence_content_end(v: &View, sent: usize) -> usize {
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
/// With `cues`, the trained cue detector adds the quotes it finds at its probability
/// threshold and above outside the rules' quotes.
pub(crate) fn detect(
    v: &View,
    ms: &[Mention],
    cues: Option<(&super::cues::CueModel, f32)>,
) -> Vec<Detected> {
    let ms = &Ms::new(v, ms);
    let mut out: Vec<Detected> = Vec::new();
    let mut claimed = vec![false; v.toks.len()];

    // 1. Direct quotes.
    let mut prev_open_end: Option<usize> = None;
    for m in &v.marks {
        let para_of = |b: usize| ms.para_of(v, b);
        let continued =
            prev_open_end.is_some_and(|p| para_of(m.open.start) == para_of(p).map(|x| x + 1));
        prev_open_end = if m.close.is_none() {
            Some(m.content.end)
        } else {
            None
        };
        if let Some(mut d) = direct_quote(v, ms, m, &mut claimed, continued) {
            d.reopens = continued;
            out.push(d);
        }
    }

    // 2. Reported speech.
    let mut reported: Vec<(usize, Detected)> = Vec::new();
    let mut i = 0;
    while i < v.toks.len() {
        if claimed[i] {
            i += 1;
            continue;
        }
        if let Some(d) = possessive_claim_at(v, ms, i) {
            reported.push((i, d));
            i += 1;
            continue;
        }
        let Some(cue) = cue_at(v, i) else {
            if let Some(d) = impression_at(v, i).or_else(|| poll_source_at(v, i)) {
                reported.push((i, d));
            }
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
    // Dropped entries leave holes. With cue positions increasing, an entry whose
    // content ends at or before this cue can never hold a later cue (only held
    // cues change an end): the scan runs over the entries still open (`active`),
    // and the wrapped cues are found by binary search over the cue positions.
    let cue_byte = |k: &Detected| k.cue.as_ref().map(|c| v.toks[c.toks.start].range.start);
    let increasing = reported
        .windows(2)
        .all(|w| v.toks[w[0].0].range.start <= v.toks[w[1].0].range.start);
    let mut kept: Vec<Option<Detected>> = Vec::new();
    let mut kcs: Vec<Option<usize>> = Vec::new();
    let mut kcs_sorted = true;
    let mut active: Vec<usize> = Vec::new();
    for (c, d) in reported {
        let mut drop = false;
        let outer = d.structure.wraps();
        let cb = v.toks[c].range.start;
        active.retain(|&k| {
            kept[k]
                .as_ref()
                .is_some_and(|k| !increasing || k.content.end > cb)
        });
        for &ki in &active {
            let Some(k) = kept[ki].as_mut() else { continue };
            let inside = k.content.start <= cb && cb < k.content.end;
            let kc = kcs[ki];
            let wraps = outer && kc.is_some_and(|b| d.content.start <= b && b < d.content.end);
            if !inside || wraps {
                continue;
            }
            // A new clause: boundary (+ conjunction) right before this cue's subject.
            let subj_start = match d.structure {
                Structure::Participle => c,
                _ => d.rule.as_ref().map(|m| phrase_start(v, m)).unwrap_or(c),
            };
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
                && matches!(d.structure, Structure::Forward | Structure::Participle);
            if new_clause {
                let cut = v.toks[b - 1].range.start;
                k.content.end = cut;
            } else {
                drop = true;
            }
        }
        if !drop {
            // "X said …, according to Y" / "X said …, Y said": the outer relation
            // wraps the earlier cue, which is dropped.
            if outer {
                let wrapped = |b: usize| d.content.start <= b && b < d.content.end;
                let range = if kcs_sorted {
                    let lo = kcs.partition_point(|b| b.is_some_and(|b| b < d.content.start));
                    let hi = kcs.partition_point(|b| b.is_some_and(|b| b < d.content.end));
                    lo..hi.max(lo)
                } else {
                    0..kcs.len()
                };
                for k in range {
                    if kcs[k].is_some_and(wrapped) {
                        kept[k] = None;
                    }
                }
            }
            let kc = cue_byte(&d);
            kcs_sorted &= kc.is_some() && kcs.last().is_none_or(|&l| l <= kc);
            kcs.push(kc);
            active.push(kept.len());
            kept.push(Some(d));
        }
    }
    // Reported content swallows cue-less direct quotes that start inside it (mixed
    // quotes), growing to cover a quotation that runs past the sentence.
    // The quotes found so far, by content start: a quote overlapping a span
    // starts at most `longest` bytes before it.
    let mut slots: Vec<Option<Detected>> = out.into_iter().map(Some).collect();
    let mut by_start: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut longest = 0;
    for (k, q) in slots
        .iter()
        .enumerate()
        .filter_map(|(k, q)| Some((k, q.as_ref()?)))
    {
        by_start.insert((q.content.start, k));
        longest = longest.max(q.content.end.saturating_sub(q.content.start));
    }
    for mut d in kept.into_iter().flatten() {
        // 'X said the plan was good: "…"' — a quotation right after a reported
        // clause that ends in a colon continues it.
        let colon_end = v.tok_at(d.content.end);
        let reach = if v.lower(colon_end) == ":" {
            v.toks
                .get(colon_end + 2)
                .map(|t| t.range.start)
                .unwrap_or(d.content.end)
        } else {
            d.content.end
        };
        let end = reach.max(d.content.end);
        let lo = d.content.start.saturating_sub(longest);
        let mut overl: Vec<usize> = if lo < end {
            by_start
                .range((lo, 0)..(end, 0))
                .map(|&(_, k)| k)
                .filter(|&k| {
                    slots[k]
                        .as_ref()
                        .is_some_and(|q| q.content.start < end && d.content.start < q.content.end)
                })
                .collect()
        } else {
            Vec::new()
        };
        overl.sort_unstable();
        let swallow = overl.iter().all(|&k| {
            let Some(q) = &slots[k] else { return true };
            // A quotation whose own cue sits inside this content is nested in it.
            let nested_cue = q.cue.as_ref().is_some_and(|c| {
                let b = v.toks[c.toks.start].range.start;
                d.content.start <= b && b < d.content.end
            });
            (q.cue.is_none() || nested_cue) && q.direct && d.content.start <= q.content.start
        });
        if overl.is_empty() {
            by_start.insert((d.content.start, slots.len()));
            longest = longest.max(d.content.end.saturating_sub(d.content.start));
            slots.push(Some(d));
        } else if swallow {
            for k in overl.into_iter().rev() {
                let Some(q) = slots[k].take() else { continue };
                by_start.remove(&(q.content.start, k));
                if q.content.end > d.content.end {
                    d.content.end = q.content.end;
                    d.sents.end = d.sents.end.max(q.sents.end);
                }
            }
            by_start.insert((d.content.start, slots.len()));
            longest = longest.max(d.content.end.saturating_sub(d.content.start));
            slots.push(Some(d));
        }
        // Otherwise the direct quote with its own cue wins.
    }
    // Removed quotes leave holes rather than shifting the rest per removal.
    let mut out: Vec<Detected> = slots.into_iter().flatten().collect();
    // '"The risk," said X, "is that …"': one quote around its cue.
    out.sort_by_key(|d| (d.content.start, d.content.end));
    let mut merged: Vec<Detected> = Vec::with_capacity(out.len());
    for d in out {
        if let Some(prev) = merged.last_mut() {
            let interrupted = prev.direct
                && d.direct
                && d.cue.is_none()
                && matches!(prev.structure, Structure::DirectAfter)
                && prev.cue.as_ref().is_some_and(|c| {
                    let open = v.tok_at(d.content.start).saturating_sub(1);
                    v.toks.get(c.toks.start).map(|t| t.sent()) == v.toks.get(open).map(|t| t.sent())
                        && open > c.toks.start
                        && open - c.toks.start < 40
                });
            if interrupted {
                prev.content.end = prev.content.end.max(d.content.end);
                prev.sents.end = prev.sents.end.max(d.sents.end);
                continue;
            }
        }
        merged.push(d);
    }
    let mut out = merged;
    // 3. Headlines: "claim: Speaker".
    // Splitting nested clauses can leave a content empty.
    out.retain(|d| d.content.start < d.content.end && d.content.end <= v.text.len());
    headlines(v, ms, &mut out);
    transcript_turns(v, ms, &mut out);
    split_gaps(v, &mut out);
    if let Some((model, min_p)) = cues {
        let learned = model.quotes(v, ms, &out, min_p);
        out.extend(learned);
    }
    out.sort_by_key(|d| (d.content.start, d.content.end));
    out
}

/// Splits each quote with a cue clause inside its content into the part before and
/// the part after it: two quotes of the same cue and speaker (DESIGN.md §4: a span is
/// content only). A content that ends inside its gap ends before it instead.
fn split_gaps(v: &View, out: &mut Vec<Detected>) {
    let mut tails: Vec<Detected> = Vec::new();
    for d in out.iter_mut() {
        let Some(g) = d.gap.take() else { continue };
        if !(d.content.start < g.start && g.start <= g.end && g.start < d.content.end) {
            continue;
        }
        // A later clause cut the content back into the cue clause: only A is left.
        if d.content.end <= g.end {
            d.content.end = g.start;
            d.sents.end = sent_of(v, v.tok_at(g.start).saturating_sub(1)) + 1;
            continue;
        }
        let mut tail = d.clone();
        tail.content.start = g.end;
        tail.sents.start = sent_of(v, v.tok_at(g.end));
        d.content.end = g.start;
        d.sents.end = sent_of(v, v.tok_at(g.start).saturating_sub(1)) + 1;
        tails.push(tail);
    }
    out.extend(tails);
}

/// Whether a quotation looks like a title ("Saturday Night Live") rather than speech.
fn is_title(v: &View, m: &Mark) -> bool {
    let words: Vec<&Tok> = v.toks[m.toks.clone()]
        .iter()
        .filter(|t| t.is_word())
        .collect();
    // Punctuation inside (a final full stop or comma may belong to the sentence).
    let inner = m.toks.start..m.toks.end.saturating_sub(1);
    let punct = v.toks[inner].iter().any(|t| {
        t.kind == Kind::Punct && matches!(t.lower.as_str(), "." | "," | "!" | "?" | ":" | ";")
    });
    !words.is_empty()
        && words.len() <= 6
        && !punct
        && words.iter().all(|t| t.cap || title_minor_word(&t.lower))
        && words.first().is_some_and(|t| t.cap)
        && !own_sentence(v, m)
}

/// A quotation that is a sentence of its own after another of its paragraph,
/// closed by its full stop ('"I don't know," she said. "Maybe."'): someone's
/// words, however short, not a title.
fn own_sentence(v: &View, m: &Mark) -> bool {
    let open = v.tok_at(m.open.start);
    let last = m.toks.end.checked_sub(1).filter(|&l| l >= m.toks.start);
    let si = v.toks[open].sent();
    let sent = &v.sents[si];
    let follows = si > 0 && v.sents[si - 1].para == sent.para;
    sent.toks.start == open
        && follows
        && last.is_some_and(|l| matches!(v.lower(l), "." | "!" | "?"))
        && m.close
            .as_ref()
            .is_some_and(|c| v.tok_at(c.start) + 1 >= sent.toks.end)
}

/// Short words a title leaves lowercase ("Gone with the Wind"); a verb or "not"
/// lowercase means a sentence ('"We do not," Stone said').
fn title_minor_word(l: &str) -> bool {
    matches!(
        l,
        "a" | "an"
            | "the"
            | "of"
            | "in"
            | "on"
            | "at"
            | "to"
            | "for"
            | "and"
            | "or"
            | "but"
            | "by"
            | "as"
            | "nor"
            | "vs"
            | "with"
            | "from"
            | "into"
            | "up"
            | "via"
            | "per"
            | "de"
            | "la"
            | "le"
            | "del"
            | "von"
    )
}

/// Verbs whose object comes before the content ("told reporters that …").
fn takes_object(l: &str) -> bool {
    matches!(
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
            | "assuring"
            | "reminding"
            | "urging"
            | "warning"
    )
}

/// Skips an object noun phrase at `k` ("reporters", "CNN", "him"). A noun phrase
/// followed by a finite verb is the content's subject instead ("warned the talks
/// would fail", "assured Congress was briefed").
fn skip_object(v: &View, ms: &Ms, k: usize, limit: usize) -> usize {
    let j = object_end(v, ms, k, limit);
    // Title-case headlines capitalise every word, so their objects look like names
    // ("Maher Tells Guest Muslim Violence Is …"); they keep the object.
    let title = v.get(k).is_some_and(|t| v.sents[t.sent()].title);
    if j > k && j < limit && !title && is_finite_aux(v.lower(j)) {
        k
    } else {
        j
    }
}

fn object_end(v: &View, ms: &Ms, k: usize, limit: usize) -> usize {
    if k >= limit {
        return k;
    }
    if let Some(m) = mention_starting(ms, k) {
        if m.toks.end <= limit {
            return m.toks.end;
        }
    }
    // A capitalised run the mention list leaves out ("told POLITICO").
    if v.toks[k].cap && v.toks[k].is_word() && v.toks[k].quote().is_none() {
        let mut j = k;
        while j < limit && j < k + 4 && v.toks[j].cap && v.toks[j].is_word() {
            j += 1;
        }
        return j;
    }
    match v.lower(k) {
        "reporters" | "him" | "her" | "them" | "us" | "me" | "you" | "journalists"
        | "supporters" | "voters" | "listeners" | "viewers" | "students" | "delegates"
        | "donors" | "lawmakers" | "senators" | "members" | "people" | "attendees" | "the"
        | "his" | "their" | "a" => {
            let mut j = k + 1;
            if lexicon::is_determiner(v.lower(k)) {
                while j < limit
                    && j < k + 4
                    && v.toks[j].is_word()
                    // The object ends where the content's own words begin: "that",
                    // a question word, a subject pronoun or a finite verb ("told a
                    // news conference they are", "asked the directors whether").
                    && !matches!(
                        v.lower(j),
                        "that" | "whether" | "if" | "how" | "what" | "why" | "when" | "who"
                    )
                    && !place_before_that(v, j, limit)
                    && lexicon::pronoun(v.lower(j)).is_none()
                    && !is_finite_aux(v.lower(j))
                {
                    j += 1;
                }
            }
            j
        }
        _ => k,
    }
}

/// "… a news conference in Doha that …": at `j`, "in" or "at" and a capitalised
/// place running up to "that".
fn place_before_that(v: &View, j: usize, limit: usize) -> bool {
    if !matches!(v.lower(j), "in" | "at") {
        return false;
    }
    let mut k = j + 1;
    while k < limit && k < j + 5 && v.toks[k].cap && v.toks[k].is_word() {
        k += 1;
    }
    k > j + 1 && v.lower(k) == "that"
}

/// After a cue that follows a direct quote, the sentence must not go on with the
/// cue's own complement ('"…" he noted the "deaths"', '"…" he said that …').
fn tail_ok(v: &View, ms: &Ms, cue: &Cue, mut j: usize, end: usize) -> bool {
    j = skip_fillers(v, j, end);
    if takes_object(v.lower(cue.toks.start)) {
        j = skip_fillers(v, skip_object(v, ms, j, end), end);
    }
    if j >= end || v.lower(j) == "that" && !v.toks[j].cap {
        return j >= end;
    }
    // A quotation mark soon after, not introduced by a comma or colon.
    for k in j..(j + 4).min(end) {
        let t = &v.toks[k];
        if t.kind == Kind::Punct && matches!(t.lower.as_str(), "," | ":" | ";" | ".") {
            break;
        }
        if t.mark && k > j {
            return false;
        }
    }
    true
}

/// One quotation-mark span as a direct quote, with its cue and subject if any.
/// Whether `r`, after '"…," said X,', only describes the speaker (", the Kremlin
/// spokesman.", ", 45, of Ohio.", ", who …") and no quotation opens the next
/// sentence of the paragraph: the quote then ends at its mark. (Where another
/// quotation follows, PolNeAR's spans run on through the cue clause to it.)
fn speaker_description(v: &View, r: Range<usize>, sent: usize) -> bool {
    let Some(t) = v.get(r.start) else {
        return false;
    };
    if r.start == 0 || v.lower(r.start - 1) != "," {
        return false;
    }
    let l = t.lower.as_str();
    let relative = matches!(l, "who" | "whose");
    let describes = relative
        || t.kind == Kind::Number
        || (lexicon::is_determiner(l) && lexicon::pronoun(l).is_none())
        || (!t.cap && (mentions::is_role(l) || lexicon::is_speaker_noun(l)));
    // Verbs in a relative clause (", 52, a nurse who has lived …") still describe.
    let verbless = r
        .clone()
        .take_while(|&k| !matches!(v.lower(k), "who" | "whose" | "which"))
        .all(|k| {
            let u = &v.toks[k];
            u.cap || !(is_finite_aux(&u.lower) || u.cue.is_some())
        });
    describes && (relative || verbless) && !next_quoted(v, sent)
}

/// Whether the sentence after `sent`, in the same paragraph, opens with a
/// quotation mark ('"…," he said in an interview. "This is all me."').
fn next_quoted(v: &View, sent: usize) -> bool {
    v.sents.get(sent + 1).is_some_and(|n| {
        let first = n.toks.start;
        n.para == v.sents[sent].para && v.toks.get(first).is_some_and(|f| f.mark)
    })
}

fn direct_quote(
    v: &View,
    ms: &Ms,
    m: &Mark,
    claimed: &mut [bool],
    continued: bool,
) -> Option<Detected> {
    if m.toks.is_empty() || (is_title(v, m) && !continued) {
        return None;
    }
    let words = words_in(v, m.toks.clone());
    let open_tok = v.tok_at(m.open.start);
    let close_tok = m.close.as_ref().map(|c| v.tok_at(c.start));
    let mut found: Option<(Cue, Structure, Option<Mention>)> = None;
    // Where the cue clause ends (after the close) or starts (before the open).
    let mut clause_after: Option<usize> = None;
    let mut clause_before: Option<usize> = None;
    // A signature after the closing mark: '“…” ― Sonya Herridge' (readers' comments,
    // embedded posts, epigraphs). The dash is the cue.
    let signature = close_tok.and_then(|ct| signature_after(v, ms, ct));
    let signed = signature.is_some();
    if let Some((cue, sp)) = signature {
        clause_after = Some(sp.toks.end);
        found = Some((cue, Structure::DirectAfter, Some(sp)));
    }
    // Cue after the closing mark: '…," he said.' / '…," said Smith.'
    if let Some(ct) = close_tok.filter(|_| found.is_none()) {
        let sent = sent_of(v, ct);
        let end = v.sents.get(sent).map(|s| s.toks.end).unwrap_or(ct + 1);
        let mut k = ct + 1;
        if is_punct(v, k, ",") {
            k += 1;
        }
        for (c, &taken) in claimed.iter().enumerate().take(end.min(k + 40)).skip(k) {
            if v.toks[c].mark {
                break;
            }
            // A cue word used as a noun ("the email read") is part of the subject.
            if c > k && lexicon::is_determiner(v.lower(c - 1)) {
                continue;
            }
            let Some(cue) = cue_at(v, c) else { continue };
            if taken {
                break;
            }
            if cue.class == CueClass::According {
                if let Some(sp) = np_starting(v, ms, cue.toks.end) {
                    clause_after = Some(sp.toks.end);
                    found = Some((cue, Structure::According, Some(sp)));
                }
                break;
            }
            if c == k {
                let sp = subject_after(v, ms, cue.toks.end);
                let after = sp.as_ref().map(|s| s.toks.end).unwrap_or(cue.toks.end);
                // '…," said a spokesman for the ministry.': the source's modifiers
                // end the clause too.
                let after = source_modifiers_end(v, after, end);
                if tail_ok(v, ms, &cue, after, end) {
                    clause_after = Some(after);
                    found = Some((cue, Structure::DirectAfter, sp));
                }
                break;
            }
            if let Some((sp, _)) = subject_before(v, ms, c) {
                // '…," Trump's senior adviser Jason Miller said': a possessive name
                // may open the subject.
                let possessive_first = sp.toks.start > k + 1
                    && sp.toks.start - k <= 4
                    && v.toks[sp.toks.start - 1].kind == Kind::Possessive
                    && (k..sp.toks.start - 1).all(|j| v.toks[j].is_word() && v.toks[j].cap);
                if ((k..=k + 1).contains(&sp.toks.start) || possessive_first)
                    && tail_ok(v, ms, &cue, cue.toks.end, end)
                {
                    clause_after = Some(cue.toks.end);
                    found = Some((cue, Structure::DirectAfter, Some(sp)));
                }
                break;
            }
            // Too far for a subject in between: give up.
            if c > k + 12 {
                break;
            }
        }
    }
    // Cue before the opening mark: 'X said: "…"', 'X told reporters, "…"', 'said Smith, "…"'.
    if found.is_none() && open_tok > 0 {
        let mut k = open_tok;
        let mut colon = false;
        while k > 0 && matches!(v.lower(k - 1), ":" | ",") {
            colon |= v.lower(k - 1) == ":";
            k -= 1;
        }
        let lo = k.saturating_sub(8);
        let mut c = k;
        while c > lo {
            c -= 1;
            let t = &v.toks[c];
            if t.mark
                || t.lower == "that"
                || (t.kind == Kind::Punct
                    && !matches!(t.lower.as_str(), "," | "(" | ")" | "." | "-"))
            {
                break;
            }
            let Some(cue) = cue_at(v, c) else { continue };
            if claimed[c] || cue.class == CueClass::According {
                break;
            }
            let mut sp = subject_before(v, ms, c).map(|x| x.0);
            let mut j = skip_fillers(v, cue.toks.end, k);
            if takes_object(v.lower(c)) {
                j = skip_fillers(v, skip_object(v, ms, j, k), k);
            }
            // 'said Smith, "…"': an inverted subject, set off from the quotation by a
            // comma or colon. Without one the noun phrase opens a mixed quote
            // ('noting the nominee "makes you want to retch"', 'calling the chief
            // "brilliant"'), which the reported-speech pass finds with its speaker.
            let inverted = matches!(cue.form, CueForm::Past | CueForm::Third) && k < open_tok;
            if j < k && sp.is_none() && inverted {
                if let Some(sa) = np_starting(v, ms, j) {
                    if sa.toks.end <= k {
                        j = skip_fillers(v, sa.toks.end, k);
                        sp = Some(sa);
                    }
                }
            }
            while j < k && matches!(v.lower(j), "," | ":") {
                j += 1;
            }
            if j != k {
                break;
            }
            if sp.is_none() && cue.form == CueForm::Ing {
                sp = main_subject(v, ms, &[], c);
            }
            if sp.is_some() || colon {
                clause_before = Some(sp.as_ref().map(|s| s.toks.start.min(c)).unwrap_or(c));
                found = Some((cue, Structure::DirectBefore, sp));
            }
            break;
        }
    }
    let is_quote = found.is_some() || continued || words >= 4 || {
        let last = v.toks.get(m.toks.end.saturating_sub(1));
        last.is_some_and(|t| matches!(t.lower.as_str(), "." | "!" | "?"))
            && (words >= 2 || own_sentence(v, m))
    };
    if !is_quote {
        return None;
    }
    let structure = match &found {
        Some((_, s, _)) => *s,
        None if continued => Structure::Continued,
        None => Structure::NoCue,
    };
    let mut content = m.content.clone();
    // Mixed sentences: reported words around the quotation belong to the quote
    // ('Particularly …, he said, "we don't know" on how many …').
    if found.is_some() {
        let s_open = sent_of(v, open_tok);
        let s0 = v.sents[s_open].toks.start;
        let before_end = clause_before.unwrap_or(open_tok);
        // A cue word there may be another attribution, unless it is a noun ("Trump's
        // remarks about …") or an infinitive ("her eagerness to defend …").
        let verbal_cue = |k: usize| {
            cue_at(v, k).is_some()
                && !(k > 0
                    && (lexicon::is_determiner(v.lower(k - 1))
                        || v.toks[k - 1].kind == Kind::Possessive
                        || v.lower(k - 1) == "to"))
        };
        let free = |r: std::ops::Range<usize>| {
            words_in(v, r.clone()) >= 3 && !r.clone().any(|k| verbal_cue(k) || v.toks[k].mark)
        };
        if before_end > s0 && free(s0..before_end) && !intro_adverbial(v, s0..before_end) {
            content.start = content.start.min(v.toks[s0].range.start);
        }
        let after_start = clause_after.or(close_tok.map(|c| c + 1));
        if let Some(a) = after_start {
            let s_close = sent_of(v, a.saturating_sub(1));
            let send = sentence_content_end(v, s_close);
            let mut a2 = a;
            while a2 < send && matches!(v.lower(a2), "," | ";") {
                a2 += 1;
            }
            // After the cue only a participle ("adding …") starts a new quote.
            let free_after = words_in(v, a2..send) >= 3
                && !(a2..send).any(|k| v.toks[k].mark)
                && cue_at(v, a2).is_none_or(|c| c.form != CueForm::Ing);
            // A quoted clause handed to its cue ('"…," X said in a statement.'):
            // PolNeAR's spans run on through the cue clause to a quotation that
            // follows in the paragraph (389 of 423 on train), else end at the mark
            // (383 of 445). A quoted fragment ('"13th" documents how …') is part
            // of the reported words around it, unless those only describe the
            // speaker.
            let handed =
                close_tok.is_some_and(|ct| ct > 0 && matches!(v.lower(ct - 1), "," | "?" | "!"));
            // Only adjuncts of the cue itself end there ('said in a statement', 'told
            // AFP in an interview'): a clause going on after a comma ('"…," she
            // said, would …') or 'said of …' stays in the content.
            let adjuncts = a2 == a && v.lower(a2) != "of";
            let run_on = if handed && adjuncts {
                next_quoted(v, s_close)
            } else {
                !speaker_description(v, a2..send, s_close)
            };
            if a2 < send && free_after && run_on {
                content.end = content.end.max(v.toks[send - 1].range.end);
            }
        }
    }
    let (cue, rule) = match found {
        Some((cue, _, sp)) => {
            for k in cue.toks.clone() {
                if let Some(c) = claimed.get_mut(k) {
                    *c = true;
                }
            }
            (Some(cue), sp)
        }
        None => (None, None),
    };
    let sents = sent_of(v, m.toks.start)..sent_of(v, m.toks.end.saturating_sub(1)) + 1;
    Some(Detected {
        content,
        direct: true,
        cue,
        structure,
        rule,
        sents,
        gap: None,
        opens_at: None,
        speakerless: false,
        learned: None,
        signed,
        reopens: false,
    })
}

/// '“…” ― Name' / '“…”\n\n- Name.': a dash right after the closing mark (or its
/// full stop), then a name that ends its line: the quotation's signature. The name
/// must be capitalised and followed by nothing but a full stop, a parenthesis
/// ("— Sahil Kapur (@sahilkapur)"), the paragraph's end or the next quotation.
fn signature_after(v: &View, ms: &Ms, close: usize) -> Option<(Cue, Mention)> {
    let mut k = close + 1;
    if is_punct(v, k, ".") {
        k += 1;
    }
    let dash = v.get(k)?;
    if !matches!(dash.lower.as_str(), "―" | "—" | "–" | "-") {
        return None;
    }
    let sp = np_starting(v, ms, k + 1)?;
    let first = v.get(sp.toks.start)?;
    if !first.cap || sp.toks.start != k + 1 || matches!(sp.kind, MentionKind::Pronoun(_)) {
        return None;
    }
    let ends_line = match v.get(sp.toks.end) {
        None => true,
        Some(n) => {
            n.para() != first.para()
                || n.mark
                || matches!(n.lower.as_str(), "." | "(")
                    && v.get(sp.toks.end + 1)
                        .is_none_or(|m| m.para() != first.para() || m.mark || n.lower == "(")
        }
    };
    ends_line.then(|| {
        (
            Cue {
                toks: k..k + 1,
                class: CueClass::Colon,
                form: CueForm::Past,
            },
            sp,
        )
    })
}

/// Base forms of cue verbs that are not also nouns, so that after a noun phrase they
/// are a plural present ("Aides to Clinton say"), not a compound noun.
const BASE_ONLY_VERBS: &[&str] = &[
    "say",
    "tell",
    "believe",
    "think",
    "argue",
    "insist",
    "contend",
    "acknowledge",
    "admit",
    "suggest",
    "predict",
    "agree",
];

/// A reported-speech quote for the cue at `cue.toks.start`, if the context fits.
/// The passive "quoted"/"cited" of "X was quoted (by Y) as saying …" when the cue
/// at `c` is that verb (`Some(c)`) or its "saying" (`Some(` the verb `)`).
fn quoted_as_saying(v: &View, c: usize, s0: usize, send: usize) -> Option<usize> {
    let passive = |k: usize| {
        matches!(v.lower(k), "quoted" | "cited")
            && k > s0
            && matches!(
                v.lower(k - 1),
                "was" | "were" | "is" | "are" | "been" | "being" | "be"
            )
    };
    // The "as saying" within a few words after the verb (a "by …" phrase between).
    let saying_after = |k: usize| {
        (k + 1..(k + 10).min(send))
            .find(|&j| v.lower(j) == "saying" && v.lower(j - 1) == "as" && !v.toks[j].mark)
    };
    if passive(c) {
        return saying_after(c).map(|_| c);
    }
    if v.lower(c) != "saying" || c < s0 + 2 || v.lower(c - 1) != "as" {
        return None;
    }
    (c.saturating_sub(10).max(s0)..c - 1)
        .rev()
        .find(|&k| passive(k) && saying_after(k) == Some(c))
}

fn reported_at(v: &View, ms: &Ms, cue: &Cue, prev: &[(usize, Detected)]) -> Option<Detected> {
    let c = cue.toks.start;
    let ce = cue.toks.end;
    let t = &v.toks[c];
    let sent = t.sent();
    let s0 = v.sents[sent].toks.start;
    let send = sentence_content_end(v, sent);
    let prev_tok = if c > s0 { v.lower(c - 1) } else { "" };
    // "Noting that …, Tester added": the content runs to the comma, the speaker is
    // the main clause's subject after it.
    // Also after a subordinator: "But while denouncing the ''perversion'' of …, she …".
    // (A cue is never the conjunction itself, so `lead` covers a cue at `s0`.)
    let lead = after_conjunction(v, s0);
    let opens_sentence = c == lead
        || (c == lead + 1
            && (matches!(prev_tok, "while" | "when" | "after" | "before") || ly_adverb(prev_tok)));
    if opens_sentence && cue.form == CueForm::Ing && cue.class != CueClass::According {
        let comma = (ce..send).find(|&k| v.lower(k) == "," && v.toks[k].quote().is_none())?;
        let sp = np_starting(v, ms, comma + 1)?;
        if words_in(v, ce..comma) < 2 {
            return None;
        }
        return Some(make(
            v,
            ce..comma,
            cue.clone(),
            Structure::Participle,
            Some(sp),
        ));
    }
    // "X was quoted by Al Jazeera as saying …": the speaker is the subject of the
    // passive, not the medium; the passive verb makes no quote of its own.
    if let Some(q) = quoted_as_saying(v, c, s0, send) {
        if q == c {
            return None;
        }
        let sp = subject_before(v, ms, q).map(|(m, _)| m)?;
        if let Some(content) = forward_content(v, ms, cue, send, false) {
            return Some(make(v, content, cue.clone(), Structure::Forward, Some(sp)));
        }
        // "…, Haniya was quoted as saying.": the clause before the subject.
        let e = phrase_start(v, &sp).checked_sub(1).filter(|&e| e > s0)?;
        if v.lower(e) != "," {
            return None;
        }
        let start = clause_start(v, prev, s0, e);
        if words_in(v, start..e) < 2 {
            return None;
        }
        return Some(make(
            v,
            start..e,
            cue.clone(),
            Structure::Trailing,
            Some(sp),
        ));
    }
    // "The court ruled that …/against …/in favor of …", not "the party that ruled
    // the country".
    if t.lower == "ruled"
        && !matches!(
            v.lower(skip_fillers(v, ce, send)),
            "that" | "against" | "in" | "on" | "for" | "out" | ","
        )
    {
        return None;
    }
    // "an official who asked not to be named": a condition, not a question.
    if t.lower == "asked" && v.lower(ce) == "not" {
        return None;
    }
    // "Asked whether …, X said", "When asked by a reporter about …, X said": the
    // question is a quote of whoever asked it, named only by "by …".
    if t.lower == "asked"
        && (c == s0 || (c == s0 + 1 && matches!(prev_tok, "when" | "if" | "once" | "after")))
    {
        return asked_question(v, ms, cue, send);
    }
    // Sentence-initial participles ("Speaking to reporters, …") introduce no quote.
    if c == s0
        && matches!(cue.form, CueForm::Ing | CueForm::Past)
        && cue.class != CueClass::According
    {
        return None;
    }
    if cue.class == CueClass::According {
        let sp = np_starting(v, ms, ce).or_else(|| source_phrase(v, ce))?;
        let after_np = source_modifiers_end(v, sp.toks.end, send);
        // "according to a statement from the ministry": the sender speaks.
        let sp = match v.lower(sp.toks.end) {
            "from" | "by"
                if matches!(
                    v.toks[sp.head].lower.as_str(),
                    "statement"
                        | "report"
                        | "release"
                        | "letter"
                        | "memo"
                        | "post"
                        | "tweet"
                        | "analysis"
                        | "transcript"
                        | "filing"
                        | "communique"
                        | "message"
                ) =>
            {
                // Not a name cut short ("Judicial" of "Judicial Watch").
                np_starting(v, ms, sp.toks.end + 1)
                    .filter(|m| matches!(m.kind, MentionKind::Name | MentionKind::Nominal))
                    .filter(|m| !v.get(m.toks.end).is_some_and(|t| t.cap && t.is_word()))
                    .unwrap_or(sp)
            }
            _ => sp,
        };
        // "according to X, …" → the rest; "…, according to X." → what comes before.
        let fwd = if is_punct(v, after_np, ",") {
            after_np + 1
        } else {
            after_np
        };
        let content = if words_in(v, fwd..send) >= 3 {
            // "The bridge, according to the mayor, will …": a subject set off before
            // the phrase belongs to the content however short; an opening phrase
            // ("In addition, according to …") or another cue's clause ("Politico
            // reported, …") does not.
            let set_off = v.lower(c.saturating_sub(1)) == ","
                && words_in(v, s0..c) >= 2
                && !intro_adverbial(v, s0..c - 1)
                && !opens_with_preposition(v, s0)
                && !(s0..c).any(|k| cue_at(v, k).is_some());
            let before = if c > s0 && (words_in(v, s0..c) >= 3 || set_off) {
                dateline_end(v, s0).filter(|&d| d < c).unwrap_or(s0)
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
    // Passive with an agent: "a fact first reported by X" → content before, X speaks.
    if cue.form == CueForm::Past && v.lower(ce) == "by" {
        let sp = np_starting(v, ms, ce + 1)?;
        // "The minister was told by aides that …": the agent's words follow.
        let that = skip_fillers(v, sp.toks.end, send);
        if v.lower(that) == "that" && words_in(v, that..send) >= 3 {
            return Some(make(
                v,
                that..send,
                cue.clone(),
                Structure::Forward,
                Some(sp),
            ));
        }
        let mut e = c;
        while e > s0
            && (lexicon::in_list(v.lower(e - 1), lexicon::list::AUX_ADVERBS)
                || v.lower(e - 1) == "being")
        {
            e -= 1;
        }
        let subj = np_ending(v, ms, e.checked_sub(1)?)?;
        if words_in(v, subj.toks.clone()) < 1 || subj.kind == MentionKind::Relative {
            return None;
        }
        return Some(make(
            v,
            subj.toks.clone(),
            cue.clone(),
            Structure::Inverted,
            Some(sp),
        ));
    }
    // Passives ("was asked") are not attributions by the subject; "is expected" is.
    if cue.form == CueForm::Past
        && t.lower != "expected"
        && matches!(
            prev_tok,
            "was" | "were" | "be" | "been" | "being" | "is" | "are"
        )
    {
        return None;
    }
    // Participle clause: ", adding that …".
    // '…," adding that …': the comma sits inside the closing quotation mark.
    let after_quote_comma = c >= 2 && v.toks[c - 1].mark && v.lower(c - 2) == ",";
    // "… sent out a press release saying …": a document's words are its sender's
    // ("In a statement announcing the pick, X …" is a scene-setting phrase instead).
    let document = matches!(
        prev_tok,
        "statement" | "release" | "letter" | "tweet" | "post" | "memo" | "email" | "message"
    ) && !(c.saturating_sub(4).max(s0)..c).any(|k| v.lower(k) == "in");
    if cue.form == CueForm::Ing
        && (matches!(prev_tok, "," | "and" | "while" | "before" | "after" | "—")
            || after_quote_comma
            || document)
    {
        let main = main_subject(v, ms, prev, c)?;
        let content = forward_content(v, ms, cue, send, false)?;
        return Some(make(
            v,
            content,
            cue.clone(),
            Structure::Participle,
            Some(main),
        ));
    }
    let subj = subject_before(v, ms, c);
    // "… said in a statement read on state television": a participle after a
    // preposition's object modifies it; the object is no subject.
    if let Some((sp, _)) = &subj {
        let governed = sp.toks.start > s0
            && matches!(
                v.lower(sp.toks.start - 1),
                "in" | "on" | "at" | "during" | "via" | "through" | "from" | "with" | "into"
            );
        if governed && sp.toks.end == c && cue.form == CueForm::Past {
            return None;
        }
    }
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
                    // A verb that is never a noun, right after its subject, is a
                    // present plural: "Aides to Clinton say", "who say", "Six in 10 say".
                    let plural_verb = sp.toks.end == c
                        && BASE_ONLY_VERBS.contains(&t.lower.as_str())
                        && !matches!(
                            sp.kind,
                            MentionKind::Pronoun(Pronoun::He | Pronoun::She | Pronoun::It)
                        );
                    if !(plural_subject || aux || plural_verb) {
                        return None;
                    }
                }
                CueForm::Ing
                    if !matches!(prev_tok, "is" | "are" | "was" | "were" | "been" | "be") =>
                {
                    return None;
                }
                _ => {}
            }
            // Plural nouns that double as verbs ("the terrorist attacks") need a
            // real speaker as subject, not a phrase built from the tokens.
            // A "that" clause after the word makes it the verb ("Another slide shows
            // that …").
            let that_clause = v.lower(ce) == "that" && !mentions::takes_determiner(v, ce);
            if cue.form == CueForm::Third
                && lexicon::in_list(&t.lower, lexicon::list::NOUN_LIKE)
                && !that_clause
            {
                let known = ms.heads.contains(&sp.head);
                let strong = matches!(sp.kind, MentionKind::Name | MentionKind::Pronoun(_))
                    || lexicon::is_speaker_noun(&v.toks[sp.head].lower);
                if !known || !strong {
                    return None;
                }
            }
            // Subject pronoun "it" rarely speaks; keep only for speech cues.
            if matches!(sp.kind, MentionKind::Pronoun(Pronoun::It)) && cue.class != CueClass::Speech
            {
                return None;
            }
            let mut subj_start = phrase_start(v, &sp).max(s0);
            // "…, Israeli Prime Minister Benjamin Netanyahu's office said": capitalised
            // modifiers the mention leaves out still sit between the comma and it.
            // Not in title-case headlines, where every word is capitalised, and not
            // over an honorific ("Mr. Trump's tone"), which the name would hold.
            let mut b = subj_start;
            while b > s0 + 1
                && subj_start - b < 3
                && !v.sents[sent].title
                && v.toks[b - 1].cap
                && v.toks[b - 1].is_word()
                && !v.toks[b - 1].is(lexicon::list::HONORIFICS)
            {
                b -= 1;
            }
            if b < subj_start && v.lower(b - 1) == "," {
                subj_start = b;
            }
            // "…, the state news agency IRNA reported", "…, Iran's IRNA said": a
            // name's descriptive noun phrase or its owner goes with it.
            // Only after a comma: after a closing mark the direct-quote rules have it.
            if sp.kind == MentionKind::Name {
                let mut start = subj_start;
                for _ in 0..2 {
                    let Some(k) = start.checked_sub(1).filter(|&k| k > s0) else {
                        break;
                    };
                    let owner = v.toks[k].kind == Kind::Possessive;
                    let before = if owner {
                        mention_ending(ms, k - 1)
                    } else {
                        mention_ending(ms, k).filter(|m| m.kind == MentionKind::Nominal)
                    };
                    match before {
                        Some(m) if !m.in_quote && m.toks.start > s0 => {
                            start = phrase_start(v, m).max(s0);
                        }
                        _ => break,
                    }
                }
                if start > s0 && start < subj_start && v.lower(start - 1) == "," {
                    subj_start = start;
                }
            }
            let fwd = forward_content(v, ms, cue, send, false);
            let fwd_strict = forward_content(v, ms, cue, send, true);
            let after_cue = if takes_object(v.lower(c)) {
                skip_fillers(v, skip_object(v, ms, skip_fillers(v, ce, send), send), send)
            } else {
                skip_fillers(v, ce, send)
            };
            let fwd_starts_comma = is_punct(v, after_cue, ",");
            // One word before is enough when the clause goes on after the cue
            // ("Time, Mr. Pence added, was on their side").
            let min_before = if fwd_starts_comma && fwd.is_some() {
                1
            } else {
                2
            };
            // A relative pronoun's clause never has its content before it ('…," said
            // Cordesman, who has also advised …').
            let clause_before = subj_start > s0
                && sp.kind != MentionKind::Relative
                && matches!(v.lower(subj_start - 1), "," | "\"" | "—" | ":")
                && words_in(v, s0..subj_start) >= min_before;
            let before_words = words_in(v, s0..subj_start);
            if clause_before
                && (fwd.is_none() || fwd_starts_comma || fwd_strict.is_none() && before_words >= 3)
            {
                // "…, he said." or "The plan, he said, is dead."
                let mut e = subj_start;
                while e > s0
                    && (is_boundary(v, e - 1) || v.toks[e - 1].mark || v.lower(e - 1) == ":")
                {
                    e -= 1;
                }
                let start = clause_start(v, prev, s0, e);
                // "A, he said, B": the content runs on after the cue clause, which
                // is left out of it (the gap).
                let rest = fwd.filter(|_| fwd_starts_comma);
                let end = if rest.is_some() { send } else { e };
                if words_in(v, start..end) < 2 {
                    return None;
                }
                let mut d = make(v, start..end, cue.clone(), Structure::Trailing, Some(sp));
                if let (Some(r), true) = (rest, e > start) {
                    d.gap = Some(v.toks[e - 1].range.end..v.toks[r.start].range.start);
                }
                return Some(d);
            }
            let mut content = fwd?;
            let relative = (subj_start > s0)
                .then(|| v.lower(subj_start - 1))
                .filter(|l| matches!(*l, "what" | "which"));
            // ", which she said was a mistake, still hurts": a relative clause set off
            // by commas ends at its closing comma.
            if relative == Some("which") && subj_start > s0 + 1 && v.lower(subj_start - 2) == "," {
                if let Some(k) = content
                    .clone()
                    .find(|&k| v.lower(k) == "," && v.toks[k].quote().is_none())
                {
                    content.end = k;
                }
                if words_in(v, content.clone()) < 2 {
                    return None;
                }
            }
            // "what Bradley said she anticipated", "which she has repeatedly said was
            // a mistake": the relative word is what was said, so the quote opens with
            // it and holds the cue clause, as PolNeAR marks it. "a gift he knew would
            // lift me": so does the noun a relative clause without "that" describes.
            let opens = match relative {
                Some(_) => Some(subj_start - 1),
                None => reduced_relative_head(v, &sp, s0),
            };
            let mut d = make(v, content, cue.clone(), Structure::Forward, Some(sp));
            d.opens_at = opens.map(|h| v.toks[h].range.start);
            Some(d)
        }
        None if matches!(prev_tok, "and" | "but")
            && matches!(cue.form, CueForm::Past | CueForm::Third) =>
        {
            // "Priebus … arrived … and acknowledged that …": the first subject.
            let content = forward_content(v, ms, cue, send, false)?;
            // An evaluation ("… and called the system") attributes words only when
            // it quotes them ('… and called the system "rotten to the core"').
            if cue.class == CueClass::Evaluate && !content.clone().any(|k| v.toks[k].mark) {
                return None;
            }
            let main = main_subject(v, ms, prev, c)?;
            Some(make(
                v,
                content,
                cue.clone(),
                Structure::Participle,
                Some(main),
            ))
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
            // "The contrast with Trump, said Doyle and others, would be clear …": the
            // content runs on after the cue clause, which is its gap.
            let rest = resumed_clause(v, sp.toks.end, send);
            let end = rest.as_ref().map_or(e, |_| send);
            let mut d = make(v, start..end, cue.clone(), Structure::Inverted, Some(sp));
            if let Some(r) = rest {
                d.gap = Some(v.toks[e - 1].range.end..v.toks[r].range.start);
            }
            Some(d)
        }
    }
}

/// Start of the clause before token `e`: the sentence start, or after an earlier
/// quote of the same sentence.
fn clause_start(v: &View, prev: &[(usize, Detected)], s0: usize, e: usize) -> usize {
    // Earlier reported quotes of the sentence are nested in this one (the outer
    // relation wins), so the clause runs from the sentence start, after a dateline.
    let _ = prev;
    let mut start = dateline_end(v, s0).filter(|&d| d < e).unwrap_or(s0);
    while start < e && is_boundary(v, start) {
        start += 1;
    }
    start
}

/// A wire dateline opening the sentence at `s0` ("DOHA (AFP) - ", "TEHRAN, Jan. 5
/// (Reuters) — ", "GAZA CITY, Dec. 3 -- "): the token after its dash. It is the
/// agency's place line, not the words of whoever the sentence quotes.
fn dateline_end(v: &View, s0: usize) -> Option<usize> {
    let all_caps = |k: usize| {
        let w = v.tok_text(k);
        w.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && w.chars()
                .all(|c| c.is_uppercase() || matches!(c, '.' | '-' | '\''))
    };
    let dash = |k: usize| matches!(v.lower(k), "-" | "\u{2014}" | "\u{2013}" | "--");
    let end = v.toks.len();
    let mut k = s0;
    while k < end && k < s0 + 4 && v.toks[k].is_word() && all_caps(k) {
        k += 1;
    }
    if k == s0 {
        return None;
    }
    // ", Jan. 5" / ", Dec. 3, 2024": a date, to the agency or the dash.
    if v.lower(k) == "," {
        let d = k + 1;
        k = d;
        while k < end && k < d + 6 && !dash(k) && v.lower(k) != "(" {
            k += 1;
        }
    }
    if v.lower(k) == "(" {
        let o = k;
        while k < end && k < o + 6 && v.lower(k) != ")" {
            k += 1;
        }
        if v.lower(k) != ")" {
            return None;
        }
        k += 1;
    }
    (dash(k) && k + 1 < end).then_some(k + 1)
}

/// Content after a cue: skips objects ("told reporters"), fillers and adverbial
/// phrases ("after meeting aides"); `None` when nothing like a complement follows.
fn forward_content(
    v: &View,
    ms: &Ms,
    cue: &Cue,
    send: usize,
    strict: bool,
) -> Option<Range<usize>> {
    let mut k = skip_fillers(v, cue.toks.end, send);
    if takes_object(v.lower(cue.toks.start)) {
        k = skip_fillers(v, skip_object(v, ms, k, send), send);
    }
    while k < send && matches!(v.lower(k), "," | ":") {
        k += 1;
    }
    // A prepositional phrase is no complement; a "that" clause after it is.
    if strict
        && cue.toks.len() == 1
        && matches!(
            v.lower(k),
            "after"
                | "before"
                | "during"
                | "at"
                | "in"
                | "on"
                | "while"
                | "when"
                | "as"
                | "from"
                | "with"
                | "by"
                | "outside"
                | "inside"
                | "since"
                | "upon"
                | "over"
        )
    {
        let that = (k..send.min(k + 10)).find(|&j| v.lower(j) == "that" || v.lower(j) == ",");
        match that {
            Some(j) if v.lower(j) == "that" => k = j,
            _ => return None,
        }
    }
    // "X said A, adding that B" / ', saying: "B"': the participle clause is a quote
    // of its own (PolNeAR ends the first before the comma: 76 of 88 on train).
    let send = (k + 1..send)
        .find(|&j| {
            v.lower(j) == ","
                && cue_at(v, j + 1).is_some_and(|c| {
                    c.form == CueForm::Ing && c.class == CueClass::Speech && c.toks.len() == 1
                })
        })
        .unwrap_or(send);
    if words_in(v, k..send) < 2 {
        return None;
    }
    Some(k..send)
}

/// The main clause's subject for a participle cue at `c`.
fn main_subject(v: &View, ms: &Ms, prev: &[(usize, Detected)], c: usize) -> Option<Mention> {
    let sent = v.toks[c].sent();
    // The speaker of an earlier cue in the same sentence, not one nested in another's
    // content ("Carson said he saw no need …, telling …": Carson, not "he").
    let nested = |k: usize, pc: usize| {
        let b = v.toks[pc].range.start;
        prev[..k]
            .iter()
            .rev()
            .take_while(|(p2, _)| v.toks[*p2].sent() == sent)
            .any(|(p2, d2)| *p2 < pc && d2.content.start <= b && b < d2.content.end)
    };
    for (k, (pc, d)) in prev.iter().enumerate().rev() {
        let outer = d.structure.wraps();
        if v.toks[*pc].sent() == sent && *pc < c && (outer || !nested(k, *pc)) {
            return d.rule.clone();
        }
        // Earlier cues are in earlier sentences only.
        if ms.sents_monotone && *pc < c && v.toks[*pc].sent() < sent {
            break;
        }
    }
    // Or the last mention before the cue in subject position (sentence-initial, or
    // after a comma and before a lowercase word), else the first one.
    let s0 = v.sents[sent].toks.start;
    let before: Vec<&Mention> = ms
        .starting_within(s0, c)
        .iter()
        .filter(|m| m.toks.start >= s0 && m.toks.end <= c && !m.in_quote && !m.possessive)
        .collect();
    let subject_like = |m: &&&Mention| {
        let s = m.toks.start;
        // "Rep. Hakeem Jeffries (D-N.Y.) reacted …": past a parenthesis.
        let mut e = m.toks.end;
        if v.lower(e) == "(" {
            if let Some(close) = (e + 1..c.min(e + 8)).find(|&j| v.lower(j) == ")") {
                e = close + 1;
            }
        }
        let after = v.get(e);
        s == s0
            || (v.lower(s - 1) == ","
                && after.is_some_and(|t| {
                    // A cue right after is a subject too ("In a statement, X said: …").
                    t.is_word() && !t.cap && (!lexicon::is_np_break(&t.lower) || t.cue.is_some())
                }))
    };
    before
        .iter()
        .rev()
        .find(subject_like)
        .or(before.first())
        .map(|m| (*m).clone())
}

pub(crate) fn make(
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
        gap: None,
        opens_at: None,
        speakerless: false,
        learned: None,
        signed: false,
        reopens: false,
    }
}

/// "Political isolation of Israel …: Haniya" — a short one-sentence paragraph ending
/// in ": Name" where the name is used elsewhere in the document.
fn headlines(v: &View, ms: &Ms, out: &mut Vec<Detected>) {
    let base = out.len();
    let sorted = out
        .windows(2)
        .all(|w| w[0].content.start <= w[1].content.start);
    let mut max_end: Vec<usize> = Vec::with_capacity(base);
    for d in out.iter() {
        max_end.push(max_end.last().copied().unwrap_or(0).max(d.content.end));
    }
    // Unsorted input (not expected): every quote is checked by the scan.
    let base = if sorted { base } else { 0 };
    for (si, s) in v.sents.iter().enumerate() {
        let r = s.toks.clone();
        if r.len() < 4 || r.len() > 30 {
            continue;
        }
        let one_sentence_para = ms.para_sents.get(&s.para) == Some(&1);
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
        let Some((claim, colon, sp)) = claim_then_speaker(v, ms, si, r.clone(), colon, e)
            .or_else(|| speaker_then_claim(v, ms, si, r.clone(), e))
        else {
            continue;
        };
        let content = v.span(&claim);
        // The quotes found before (sorted by start) by binary search over their
        // running maximum end, the headlines found here by a scan.
        let j = out[..base].partition_point(|d| d.content.start < content.end);
        let overlaps_before = j > 0 && max_end[j - 1] > content.start;
        if overlaps_before
            || out[base..]
                .iter()
                .any(|d| d.content.start < content.end && content.start < d.content.end)
        {
            continue;
        }
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
            gap: None,
            opens_at: None,
            speakerless: false,
            learned: None,
            signed: false,
            reopens: false,
        });
    }
}

/// Interview transcripts: paragraphs opening with a speaker's label ("JAKE TAPPER:
/// …", "Matthews: …", "Q: …" and "A: …"), each turn a quote of its label. A label
/// counts when it opens two turns or more, or names someone used elsewhere in the
/// text; the turn runs to its paragraph's end. One-sentence turns the headline rule
/// took are left alone.
fn transcript_turns(v: &View, ms: &Ms, out: &mut Vec<Detected>) {
    /// A candidate turn: its label's tokens, the colon after it, its first and last
    /// sentence, and the quotation mark it opens with, if any.
    struct Turn {
        label: Range<usize>,
        colon: usize,
        first: usize,
        last: usize,
        mark: Option<usize>,
    }

    let mut turns: Vec<Turn> = Vec::new();
    let mut si = 0;
    while si < v.sents.len() {
        let para = v.sents[si].para;
        let mut last = si;
        while last + 1 < v.sents.len() && v.sents[last + 1].para == para {
            last += 1;
        }
        let r = v.sents[si].toks.clone();
        // A transcript quoted whole opens each turn with a mark: '"PENCE: Well, …'.
        let mark = (r.start < r.end && v.toks[r.start].mark).then_some(r.start);
        let start = r.start + usize::from(mark.is_some());
        let colon = (start..(start + 4).min(r.end)).find(|&k| v.lower(k) == ":");
        if let Some(colon) = colon {
            let label = start..colon;
            let is_label =
                !label.is_empty() && label.clone().all(|k| v.toks[k].cap && v.toks[k].is_word());
            if is_label {
                turns.push(Turn {
                    label,
                    colon,
                    first: si,
                    last,
                    mark,
                });
            }
        }
        si = last + 1;
    }
    if turns.is_empty() {
        return;
    }
    // Turns are counted by the label's last word: "JAKE TAPPER" and "TAPPER" are one.
    let key = |r: &Range<usize>| v.lower(r.end - 1).to_string();
    let mut opens: HashMap<String, usize> = HashMap::default();
    for t in &turns {
        *opens.entry(key(&t.label)).or_default() += 1;
    }
    let q_and_a = opens.contains_key("q") && opens.contains_key("a");
    // The quotes found before, sorted by start: those overlapping a turn start at
    // most `longest` bytes before it, so each turn looks at a slice, not all of them
    // (a long transcript has thousands of turns).
    let base = out.len();
    out.sort_by_key(|d| (d.content.start, d.content.end));
    let longest = out
        .iter()
        .map(|d| d.content.end.saturating_sub(d.content.start))
        .max()
        .unwrap_or(0);
    // Quotes found before that a marked turn replaces: they open at its mark and
    // read the label as content.
    let mut replaced: Vec<usize> = Vec::new();
    for Turn {
        label,
        colon,
        first,
        last,
        mark,
    } in turns
    {
        let k = key(&label);
        let single_letter = label.len() == 1 && v.lower(label.start).len() == 1;
        let ok = if single_letter {
            q_and_a && matches!(k.as_str(), "q" | "a")
        } else {
            label.len() <= 3
                && (opens[&k] >= 2 || ms.named_elsewhere(v, first, v.lower(label.end - 1)))
        };
        // "The Latest: …" (AP's running stories) is a label of no one.
        if !ok || !single_letter && lexicon::is_determiner(v.lower(label.start)) {
            continue;
        }
        let label_span = v.span(&label);
        let turn_end = v.sents[last].toks.end;
        let turn_bytes = label_span.start..v.toks[turn_end - 1].range.end;
        let lo = out[..base].partition_point(|d| d.content.start + longest < turn_bytes.start);
        let hi = out[..base].partition_point(|d| d.content.start < turn_bytes.end);
        let opens_at_mark = |d: &Detected| {
            mark.is_some_and(|m| {
                v.toks[m].range.start <= d.content.start && d.content.start <= label_span.start
            })
        };
        // A quote across the label stands, unless it opens at the turn's mark.
        let across =
            |d: &Detected| d.content.start < label_span.end && d.content.end > label_span.start;
        if out[lo..hi.max(lo)]
            .iter()
            .any(|d| across(d) && !opens_at_mark(d))
        {
            continue;
        }
        let opened: Vec<usize> = (lo..hi.max(lo)).filter(|&i| across(&out[i])).collect();
        let near: Vec<&Detected> = out[lo..hi.max(lo)].iter().filter(|d| !across(d)).collect();
        let sp = mention_starting(ms, label.start)
            .filter(|m| m.toks.end == colon)
            .cloned()
            .unwrap_or_else(|| adhoc_name(v, label.clone()));
        // The turn is what no quote found before covers: a quote the speaker reports
        // ("My staff told me …", "I think …") keeps its own speaker, and the turn is
        // split around it.
        let mut inner: Vec<Range<usize>> = near
            .iter()
            .filter(|d| d.content.end > v.toks[colon].range.end)
            .map(|d| d.content.clone())
            .collect();
        inner.sort_by_key(|r| r.start);
        let mut pieces: Vec<Range<usize>> = Vec::new();
        let mut k = colon + 1;
        for r in inner
            .iter()
            .chain(std::iter::once(&(usize::MAX..usize::MAX)))
        {
            let mut e = k;
            while e < turn_end && v.toks[e].range.end <= r.start {
                e += 1;
            }
            pieces.push(k..e);
            while k < turn_end && v.toks[k].range.start < r.end {
                k += 1;
            }
            k = k.max(e);
        }
        let mut made: Vec<Detected> = Vec::new();
        for piece in pieces {
            let mut lo = piece.start;
            let mut e = piece.end;
            while lo < e && v.toks[lo].kind == Kind::Punct && !v.toks[lo].mark {
                lo += 1;
            }
            while e > lo && v.toks[e - 1].kind == Kind::Punct && !v.toks[e - 1].mark {
                e -= 1;
            }
            // A list of names or figures ("Iowa: Tim Albrecht, Brad Anderson, …",
            // "Clinton: 1,769.") is no turn.
            // So is the cue clause of a quote inside ("and my staff told me").
            let cue_clause = words_in(v, lo..e) < 8
                && near.iter().any(|d| {
                    d.cue
                        .as_ref()
                        .is_some_and(|c| lo <= c.toks.start && c.toks.start < e)
                });
            if words_in(v, lo..e) < 3 || name_list(v, lo..e) || cue_clause {
                continue;
            }
            made.push(Detected {
                content: v.toks[lo].range.start..v.toks[e - 1].range.end,
                direct: false,
                cue: Some(Cue {
                    toks: colon..colon + 1,
                    class: CueClass::Colon,
                    form: CueForm::Past,
                }),
                structure: Structure::Headline,
                rule: Some(sp.clone()),
                sents: v.toks[lo].sent()..v.toks[e - 1].sent() + 1,
                gap: None,
                opens_at: None,
                speakerless: false,
                learned: None,
                signed: false,
                reopens: false,
            });
        }
        // A turn too short to stand keeps the quote it would replace.
        if !made.is_empty() {
            replaced.extend(opened);
        }
        out.extend(made);
    }
    // Removed last, so the indices taken above still hold.
    if !replaced.is_empty() {
        replaced.sort_unstable();
        let mut i = 0;
        out.retain(|_| {
            i += 1;
            replaced.binary_search(&(i - 1)).is_err()
        });
    }
}

/// Capitalised names of one to four words separated by commas (and a final "and"):
/// "Tim Albrecht, Brad Anderson, Rob Barron".
fn name_list(v: &View, r: Range<usize>) -> bool {
    let mut names = 0;
    let mut len = 0;
    for k in r {
        let t = &v.toks[k];
        if t.lower == "," || t.lower == "and" {
            if len == 0 {
                return false;
            }
            names += 1;
            len = 0;
        } else if t.is_word() && t.cap && len < 4 {
            len += 1;
        } else if t.lower != "." {
            return false;
        }
    }
    names + usize::from(len > 0) >= 2
}

/// "claim: Name" (tokens `r`, last colon at `colon`, content end `e`): the claim's
/// tokens, the colon and the speaker, when the name is used elsewhere.
fn claim_then_speaker(
    v: &View,
    ms: &Ms,
    si: usize,
    r: Range<usize>,
    colon: usize,
    e: usize,
) -> Option<(Range<usize>, usize, Mention)> {
    let tail = colon + 1..e;
    if tail.is_empty()
        || tail.len() > 4
        || !tail.clone().all(|k| v.toks[k].cap && v.toks[k].is_word())
        || words_in(v, r.start..colon) < 3
        || !ms.named_elsewhere(v, si, &v.toks[e - 1].lower)
    {
        return None;
    }
    let sp = mention_starting(ms, colon + 1)
        .cloned()
        .unwrap_or_else(|| adhoc_name(v, tail.clone()));
    Some((r.start..colon, colon, sp))
}

/// "Pat Caddell: Democrat Voters Worried …": a name of two to four words, alone
/// before the first colon and used elsewhere in the document, then the claim.
fn speaker_then_claim(
    v: &View,
    ms: &Ms,
    si: usize,
    r: Range<usize>,
    e: usize,
) -> Option<(Range<usize>, usize, Mention)> {
    let colon = (r.start..e).find(|&k| v.lower(k) == ":")?;
    // An address ("EMAIL: name@example.com") or a list of names is no claim.
    if words_in(v, colon + 1..e) < 3
        || (colon + 1..e).any(|k| v.lower(k).contains('@'))
        || name_list(v, colon + 1..e)
    {
        return None;
    }
    // "Poll: 3 battleground Senate races are tight", "Insiders: Trump will rebound":
    // one capitalised source noun.
    let first = &v.toks[r.start];
    if colon == r.start + 1 && first.cap && lexicon::is_speaker_noun(&first.lower) {
        return Some((
            colon + 1..e,
            colon,
            adhoc(v, r.start..colon, r.start, MentionKind::Nominal),
        ));
    }
    let m = mention_starting(ms, r.start)?;
    let name = m.name.as_ref()?;
    // A name of one to four words ("Lynch: No outside influence on FBI probe"), used
    // elsewhere in the document.
    if m.kind != MentionKind::Name
        || m.toks.end != colon
        || !(1..=4).contains(&name.len())
        || !ms.named_elsewhere(v, si, &v.toks[name.end - 1].lower)
    {
        return None;
    }
    Some((colon + 1..e, colon, m.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextLayout;

    /// The indexes answer exactly what the scans they replace answer.
    #[test]
    fn mention_indexes_agree_with_scans() {
        let one = "Sen. Ted Cruz said the plan, which officials called \"a disaster,\" \
                   would fail. \"We will not stop,\" Cruz told reporters.\n\n\
                   The spokesman for the campaign, John Smith, said Cruz's aides agreed.\n\n\
                   Plan fails: Cruz\n\n";
        let text = one.repeat(6);
        let layout = TextLayout::new(&text);
        let v = super::super::view_of(&layout);
        let list = mentions::extract(&v);
        let ms = Ms::new(&v, &list);
        assert!(ms.sorted && ms.sents_monotone && ms.paras_monotone);
        for p in 0..v.toks.len() + 1 {
            let end = list
                .iter()
                .filter(|m| m.toks.end == p + 1)
                .max_by_key(|m| m.toks.len());
            assert!(mention_ending(&ms, p).map(|m| m as *const Mention) == end.map(|m| m as _));
            let start = list
                .iter()
                .filter(|m| m.toks.start == p)
                .max_by_key(|m| m.toks.len());
            assert!(mention_starting(&ms, p).map(|m| m as *const Mention) == start.map(|m| m as _));
        }
        for (si, s) in v.sents.iter().enumerate() {
            let (s0, c) = (s.toks.start, s.toks.end);
            let within = |m: &&Mention| m.toks.start >= s0 && m.toks.end <= c;
            let fast: Vec<_> = ms.starting_within(s0, c).iter().filter(within).collect();
            let slow: Vec<_> = list.iter().filter(within).collect();
            assert_eq!(fast.len(), slow.len());
            for last in ["cruz", "smith", "cruze", "nobody"] {
                let slow = list.iter().any(|m| {
                    m.sent != si
                        && m.name.as_ref().is_some_and(|n| {
                            let sur = &v.toks[n.end - 1].lower;
                            sur == last
                                || (sur.len() >= 5
                                    && super::super::entities::edit_distance(sur, last) <= 2)
                        })
                });
                assert_eq!(ms.named_elsewhere(&v, si, last), slow, "{si} {last}");
            }
        }
        for b in 0..=text.len() {
            let slow = v.paras.iter().position(|r| r.start <= b && b <= r.end);
            assert_eq!(ms.para_of(&v, b), slow, "byte {b}");
        }
    }
}

//! Quote spans and their cues: direct quotes from paired quotation marks, reported
//! speech from cue verbs ("X said (that) …", "…, X said", "according to X, …",
//! "Aides to X say …", "X — a teacher — says …"), headlines of the forms
//! "claim: Speaker", "Speaker: claim" and "X Says …", each with the speaker the rules
//! pick. "A, he said, B" gives two quotes, A and B: the cue clause is not content.
//!
//! This module holds the result types, the mention index [`Ms`], cue lookup and
//! [`detect`], which runs the constructions in order; each construction has its own
//! file: `direct` (quotation marks), `reported` (cue verbs and their clauses),
//! `headline` (headlines and transcripts), and `subject` (the noun phrases and
//! subjects around a cue that all of them use).

use super::lexicon::{self, CueClass, CueForm, Pronoun};
use super::mentions::{self, Gender, Mention, MentionKind};
use super::view::{Kind, Mark, Tok, View};
use super::{FastMap as HashMap, FastSet as HashSet};
use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::ops::Range;

mod direct;
mod headline;
mod reported;
mod subject;

use direct::*;
use headline::*;
use reported::*;
pub(crate) use subject::subject_before;
use subject::*;

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

impl Detected {
    /// A quote of `content` (bytes of the normalised text) in sentences `sents`; the
    /// later refinements (gap, relative opening, speakerless, learned, signed,
    /// reopening) start off.
    pub(crate) fn new(
        content: Range<usize>,
        direct: bool,
        cue: Option<Cue>,
        structure: Structure,
        rule: Option<Mention>,
        sents: Range<usize>,
    ) -> Detected {
        Detected {
            content,
            direct,
            cue,
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
    v.words_in(r)
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
    let cue_byte = |k: &Detected| k.cue.as_ref().map(|c| v.toks[c.toks.start].start());
    let increasing = reported
        .windows(2)
        .all(|w| v.toks[w[0].0].start() <= v.toks[w[1].0].start());
    let mut kept: Vec<Option<Detected>> = Vec::new();
    let mut kcs: Vec<Option<usize>> = Vec::new();
    let mut kcs_sorted = true;
    let mut active: Vec<usize> = Vec::new();
    for (c, d) in reported {
        let mut drop = false;
        let outer = d.structure.wraps();
        let cb = v.toks[c].start();
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
                let cut = v.toks[b - 1].start();
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
                .map(|t| t.start())
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
                let b = v.toks[c.toks.start].start();
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

pub(crate) fn make(
    v: &View,
    toks: Range<usize>,
    cue: Cue,
    structure: Structure,
    rule: Option<Mention>,
) -> Detected {
    let content = v.span(&toks);
    let sents = sent_of(v, toks.start)..sent_of(v, toks.end.saturating_sub(1)) + 1;
    Detected::new(content, false, Some(cue), structure, rule, sents)
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

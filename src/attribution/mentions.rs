//! Speaker candidates: proper names (capitalised runs with their titles), personal
//! pronouns, titled nominals ("the Hamas chief") and plural sources ("officials").
//! Subject noun phrases found next to a cue are added later by `detect`.

use super::lexicon::{self, Pronoun};
use super::view::{Kind, Tok, View};
use super::FastMap;
use super::FastSet as HashSet;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MentionKind {
    Name,
    Pronoun(Pronoun),
    /// A common-noun phrase: "the company", "a spokesman", or a capitalised
    /// description without a name ("The Leader of the Islamic Revolution").
    Nominal,
    /// A bare plural or indefinite source: "officials", "sources".
    Plural,
    /// who / which / that as the subject of a cue.
    Relative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Unknown,
    Male,
    Female,
}

#[derive(Debug, Clone)]
pub(crate) struct Mention {
    /// Token indices of the whole phrase.
    pub toks: Range<usize>,
    /// The head token (the surname, the noun, the pronoun).
    pub head: usize,
    pub kind: MentionKind,
    /// Token indices of the proper name proper (no titles or description).
    pub name: Option<Range<usize>>,
    /// An honorific directly before the name ("Ayatollah").
    pub honorific: Option<usize>,
    /// Lowercase content words describing the person (titles, appositions).
    pub desc: Vec<String>,
    pub gender: Gender,
    pub possessive: bool,
    pub in_quote: bool,
    pub sent: usize,
    /// Some evidence the name is a person (title, first name, personal honorific).
    pub person: bool,
}

pub(crate) fn is_role(lower: &str) -> bool {
    lexicon::in_list(lower, lexicon::list::ROLE_WORDS) || lexicon::is_honorific(lower)
}

/// [`is_role`] of a token's lowercase form, from the list flags it was given when
/// the view was built (the same answer, without hashing the word again).
fn tok_is_role(t: &Tok) -> bool {
    if t.kind == Kind::Word {
        t.is(lexicon::list::ROLE_WORDS | lexicon::list::HONORIFICS)
    } else {
        is_role(&t.lower)
    }
}

/// [`first_name_gender`] of a token, from its list flags.
pub(crate) fn tok_first_name_gender(t: &Tok) -> Gender {
    if t.kind != Kind::Word {
        first_name_gender(&t.lower)
    } else if t.is(lexicon::list::FEMALE_NAMES) {
        Gender::Female
    } else if t.is(lexicon::list::MALE_NAMES) {
        Gender::Male
    } else {
        Gender::Unknown
    }
}

fn is_connector(lower: &str) -> bool {
    splits_name(lower) || is_name_particle(lower)
}

/// Connectors that separate a description or an organisation from a name ("Leader
/// of the …", "Department of …"), unlike name particles.
fn splits_name(lower: &str) -> bool {
    matches!(lower, "of" | "for" | "the" | "&")
}

/// Whether the determiner at token `d` opens the noun phrase after it: "that" after
/// a word is the conjunction ("shows that voters"), not "That candidate said".
pub(crate) fn takes_determiner(v: &View, d: usize) -> bool {
    let t = &v.toks[d];
    let after_word = d > 0 && v.toks[d - 1].is_word() && v.toks[d - 1].sent() == t.sent();
    !(t.lower == "that" && after_word)
}

/// The first token from `s` on (up to `head`) that is a word or a number: a
/// dateline's dash is no part of a phrase ("(Reuters) - U.S. forecasters").
pub(crate) fn skip_leading_punct(v: &View, mut s: usize, head: usize) -> usize {
    while s < head && !v.toks[s].is_word() && v.toks[s].kind != Kind::Number {
        s += 1;
    }
    s
}

/// Party and camp words that describe a person before their name.
pub(crate) fn is_party_word(lower: &str) -> bool {
    matches!(
        lower,
        "democrat"
            | "democratic"
            | "republican"
            | "gop"
            | "libertarian"
            | "independent"
            | "conservative"
            | "liberal"
            | "labour"
            | "tory"
            | "socialist"
    )
}

/// Lowercase words inside a person's name ("Bill de Blasio", "Osama bin Laden"):
/// they join a run of capitalised words but, unlike "of", never split it.
pub(crate) fn is_name_particle(lower: &str) -> bool {
    matches!(
        lower,
        "de" | "al" | "el" | "bin" | "ibn" | "von" | "van" | "del" | "da"
    )
}

pub(crate) fn gender_of_words<'a>(words: impl Iterator<Item = &'a str>) -> Gender {
    for w in words {
        let w = w.trim_end_matches('.');
        if lexicon::in_list(w, lexicon::list::FEMALE_TITLES) {
            return Gender::Female;
        }
        if lexicon::in_list(w, lexicon::list::MALE_TITLES) {
            return Gender::Male;
        }
    }
    Gender::Unknown
}

fn first_name_gender(lower: &str) -> Gender {
    if lexicon::in_list(lower, lexicon::list::FEMALE_NAMES) {
        Gender::Female
    } else if lexicon::in_list(lower, lexicon::list::MALE_NAMES) {
        Gender::Male
    } else {
        Gender::Unknown
    }
}

/// Finds all candidate mentions of a document, sorted by start token.
pub(crate) fn extract(v: &View) -> Vec<Mention> {
    // Lowercase forms seen in lowercase somewhere: a capitalised sentence opener with
    // such a form ("Receiving", "Meanwhile") is an ordinary word, not a name.
    // Only the forms of capitalised sentence openers are ever asked about, so only
    // those are collected (a length mask skips most words without hashing them).
    let n = v.toks.len();
    let mut asked: HashSet<&str> = HashSet::default();
    // Bit `len` of `asked_keys[first byte % 64]`: some asked form has that shape.
    let mut asked_keys = [0u64; 64];
    let shape = |w: &str| (usize::from(w.as_bytes()[0] & 63), w.len().min(63));
    for (i, t) in v.toks.iter().enumerate() {
        if t.is_word() && t.cap && first_of_sentence(v, i) && !t.lower.is_empty() {
            asked.insert(t.lower.as_str());
            let (b, l) = shape(&t.lower);
            asked_keys[b] |= 1 << l;
        }
    }
    let mut lowercase_seen: HashSet<&str> = HashSet::default();
    if !asked.is_empty() {
        for t in &v.toks {
            if t.is_word()
                && !t.cap
                && !t.lower.is_empty()
                && {
                    let (b, l) = shape(&t.lower);
                    asked_keys[b] >> l & 1 != 0
                }
                && asked.contains(t.lower.as_str())
            {
                lowercase_seen.insert(t.lower.as_str());
            }
        }
    }
    let mut out: Vec<Mention> = Vec::new();
    let mut covered = vec![false; n];
    let mut i = 0;
    while i < n {
        if let Some(m) = name_at(v, i, &lowercase_seen) {
            for c in &mut covered[m.toks.clone()] {
                *c = true;
            }
            i = m.toks.end;
            out.push(m);
        } else {
            i += 1;
        }
    }
    // Titled bridges: Name + lowercase role words + Name ("White House spokesman Josh
    // Earnest", "Stein spokeswoman Melezia Figueroa") become one mention.
    out = merge_bridges(v, out);
    for m in &out {
        for c in &mut covered[m.toks.clone()] {
            *c = true;
        }
    }
    for (i, t) in v.toks.iter().enumerate() {
        if covered[i] || !t.is_word() {
            continue;
        }
        if let Some(p) = lexicon::pronoun(&t.lower) {
            // "I" is always capitalised; "it" as in "it is" is usually not a source but
            // stays a candidate (the ranker weighs it).
            out.push(simple(v, i, MentionKind::Pronoun(p)));
            covered[i] = true;
        }
    }
    // Nominals: determiner … speaker noun. Mentions are looked up by first token
    // and a mention a nominal absorbs leaves a hole, so that each nominal costs
    // time in its own tokens only.
    let mut forward = out
        .iter()
        .all(|m| m.toks.start <= m.toks.end && m.toks.end <= n);
    // By first token, only where a mention starts: a list per token would take 24
    // bytes a token.
    let indexed = forward;
    let mut starting: FastMap<usize, Vec<usize>> = FastMap::default();
    if indexed {
        for (k, m) in out.iter().enumerate() {
            starting.entry(m.toks.start).or_default().push(k);
        }
    }
    let mut out: Vec<Option<Mention>> = out.into_iter().map(Some).collect();
    let mut i = 0;
    while i < n {
        let t = &v.toks[i];
        let head_ok = t.is_word()
            && !covered[i]
            && t.is(lexicon::list::SPEAKER_NOUNS)
            && (!t.cap || (first_of_sentence(v, i) && opening_source_noun(v, i)));
        if !head_ok {
            i += 1;
            continue;
        }
        // Extend the head right over noun compounds ("campaign spokesman").
        let mut h = i;
        while h + 1 < n
            && !covered[h + 1]
            && v.toks[h + 1].is_word()
            && !v.toks[h + 1].cap
            && v.toks[h + 1].is(lexicon::list::SPEAKER_NOUNS)
            && v.toks[h + 1].sent() == t.sent()
        {
            h += 1;
        }
        // Walk left over modifiers to a determiner.
        let mut s = i;
        let mut det = false;
        let mut steps = 0;
        while s > 0 && steps < 5 {
            let p = &v.toks[s - 1];
            if p.sent() != t.sent() || p.quote() != t.quote() {
                break;
            }
            if p.kind == Kind::Possessive {
                // "Clinton's campaign": include the owner.
                s -= 1;
                steps += 1;
                continue;
            }
            if !p.is_word() && !(p.kind == Kind::Number) && p.lower != "-" {
                break;
            }
            if lexicon::is_determiner(&p.lower) {
                if takes_determiner(v, s - 1) {
                    s -= 1;
                    det = true;
                }
                break;
            }
            // "Police arrested two": a past form before a number is a verb.
            let verb_before_number = !p.cap
                && p.lower.len() > 4
                && p.lower.ends_with("ed")
                && (v.toks[s].kind == Kind::Number
                    || matches!(
                        v.toks[s].lower.as_str(),
                        "one" | "two" | "three" | "four" | "five" | "several" | "many" | "some"
                    ));
            if lexicon::is_np_break(&p.lower)
                || verb_before_number
                || p.cue.is_some()
                || matches!(
                    p.lower.as_str(),
                    "of" | "for" | "about" | "against" | "over" | "under" | "between" | "among"
                )
            {
                break;
            }
            s -= 1;
            steps += 1;
        }
        s = skip_leading_punct(v, s, i);
        // Without a determiner keep only bare plurals and capitalised modifiers.
        if !det {
            let plural =
                v.toks[h].is(lexicon::list::PLURAL_SOURCES) || v.toks[h].lower.ends_with('s');
            if !plural {
                // Capitalised modifiers alone ("Hamas chief") still make a nominal.
                let caps = (s..i).any(|k| v.toks[k].cap);
                if !caps {
                    i = h + 1;
                    continue;
                }
            }
        }
        // Names inside the modifiers are absorbed: the phrase is the candidate.
        let inside = |m: &Option<Mention>| {
            m.as_ref()
                .is_some_and(|m| m.toks.start >= s && m.toks.end <= h + 1)
        };
        let absorbed: Vec<usize> = if forward {
            // A forward mention inside s..h + 1 starts in s..=h + 1.
            (s..=h + 1)
                .filter_map(|p| starting.get(&p))
                .flatten()
                .copied()
                .filter(|&k| inside(&out[k]))
                .collect()
        } else {
            (0..out.len()).filter(|&k| inside(&out[k])).collect()
        };
        let mut desc: Vec<String> = Vec::new();
        for k in s..=h {
            let w = &v.toks[k].lower;
            if v.toks[k].is_word() && !lexicon::is_determiner(w) {
                desc.push(w.to_string());
            }
        }
        for k in absorbed {
            out[k] = None;
        }
        let kind = if !det && v.toks[h].is(lexicon::list::PLURAL_SOURCES) {
            MentionKind::Plural
        } else {
            MentionKind::Nominal
        };
        let person = tok_is_role(&v.toks[h]);
        if indexed && s <= n {
            starting.entry(s).or_default().push(out.len());
        }
        forward &= s <= h + 1;
        let end = if kind == MentionKind::Plural {
            source_complement_end(v, h + 1)
        } else {
            h + 1
        };
        out.push(Some(Mention {
            toks: s..end,
            head: h,
            kind,
            name: None,
            honorific: None,
            gender: gender_of_words(desc.iter().map(|s| s.as_str())),
            desc,
            possessive: v
                .toks
                .get(h + 1)
                .is_some_and(|t| t.kind == Kind::Possessive),
            in_quote: t.quote().is_some(),
            sent: t.sent(),
            person,
        }));
        for c in &mut covered[s..h + 1] {
            *c = true;
        }
        i = h + 1;
    }
    let mut out: Vec<Mention> = out.into_iter().flatten().collect();
    out.sort_by_key(|m| (m.toks.start, m.toks.end));
    merge_titled_nominals(v, out)
}

/// The end of an unnamed source's complement that says who the sources are
/// ("sources familiar with the talks", "officials close to the president"): the
/// phrase after `k` up to punctuation, a cue or a clause word, at most 8 tokens;
/// `k` itself when no such complement follows.
fn source_complement_end(v: &View, k: usize) -> usize {
    let at = |j: usize| v.toks.get(j).map_or("", |t| t.lower.as_str());
    let opener = match (at(k), at(k + 1), at(k + 2)) {
        (
            "familiar" | "close" | "briefed" | "knowledgeable" | "involved",
            "with" | "to" | "on" | "about" | "in",
            _,
        ) => 2,
        ("with", "knowledge" | "direct" | "access", _) => 2,
        _ => return k,
    };
    let sent = v.toks[k].sent();
    let mut end = k + opener;
    while end < v.toks.len() && end < k + opener + 8 {
        let t = &v.toks[end];
        if t.sent() != sent || !(t.is_word() || t.kind == Kind::Possessive) || t.cue.is_some() {
            break;
        }
        if matches!(
            t.lower.as_str(),
            "who" | "that" | "which" | "and" | "but" | "said" | "say" | "says"
        ) {
            break;
        }
        end += 1;
    }
    if end > k + opener {
        end
    } else {
        k
    }
}

/// "the head of Palestinian Hamas' political bureau Ismail Haniya": a definite role
/// nominal, an optional "of …" complement and a person's name are one mention.
fn merge_titled_nominals(v: &View, ms: Vec<Mention>) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(ms.len());
    // For each index, the first named mention at or after it.
    let mut next_name = vec![None; ms.len() + 1];
    for j in (0..ms.len()).rev() {
        next_name[j] = if ms[j].kind == MentionKind::Name && ms[j].name.is_some() {
            Some(j)
        } else {
            next_name[j + 1]
        };
    }
    let mut i = 0;
    while i < ms.len() {
        let m = &ms[i];
        let role_nominal =
            m.kind == MentionKind::Nominal && m.person && tok_is_role(&v.toks[m.head]);
        if role_nominal {
            // The next name within 8 tokens, joined by "of …" only.
            let name = next_name[i + 1].map(|j| j - (i + 1));
            if let Some(off) = name {
                let n = &ms[i + 1 + off];
                let gap = m.toks.end..n.toks.start;
                let joined = gap.is_empty()
                    || (gap.len() <= 8
                        && v.lower(gap.start) == "of"
                        && gap.clone().all(|k| {
                            let t = &v.toks[k];
                            t.sent() == m.sent
                                && (t.is_word() || t.kind == Kind::Possessive || t.lower == "'")
                                && t.cue.is_none()
                                && !lexicon::is_np_break(&t.lower)
                        }));
                if joined && n.sent == m.sent {
                    let mut merged = n.clone();
                    merged.toks.start = m.toks.start;
                    let mut desc = m.desc.clone();
                    for k in gap {
                        if v.toks[k].is_word() && v.toks[k].lower != "of" {
                            desc.push(v.toks[k].lower.to_string());
                        }
                    }
                    desc.extend(n.desc.iter().cloned());
                    merged.desc = desc;
                    merged.person = true;
                    if merged.gender == Gender::Unknown {
                        merged.gender = m.gender;
                    }
                    out.push(merged);
                    i += off + 2;
                    continue;
                }
            }
        }
        out.push(m.clone());
        i += 1;
    }
    out
}

pub(crate) fn simple(v: &View, i: usize, kind: MentionKind) -> Mention {
    let t = &v.toks[i];
    let gender = match kind {
        MentionKind::Pronoun(Pronoun::He) => Gender::Male,
        MentionKind::Pronoun(Pronoun::She) => Gender::Female,
        _ => Gender::Unknown,
    };
    Mention {
        toks: i..i + 1,
        head: i,
        kind,
        name: None,
        honorific: None,
        desc: Vec::new(),
        gender,
        possessive: false,
        in_quote: t.quote().is_some(),
        sent: t.sent(),
        person: matches!(kind, MentionKind::Pronoun(Pronoun::He | Pronoun::She)),
    }
}

/// Token `i` opens a sentence, a quotation or a clause after ":", "(" or a dash.
fn first_of_sentence(v: &View, i: usize) -> bool {
    let t = &v.toks[i];
    v.sents.get(t.sent()).is_some_and(|s| s.toks.start == i)
        || (i > 0
            && (v.toks[i - 1].mark
                || matches!(v.toks[i - 1].lower.as_str(), ":" | "(" | "-" | "—")))
}

/// Whether token `i`, capitalised, is a plural source noun or a speaker noun
/// followed by a lowercase word ("Police said", "Officials close to …"): capitalised
/// only because it opens its sentence.
fn opening_source_noun(v: &View, i: usize) -> bool {
    let t = &v.toks[i];
    t.is(lexicon::list::SPEAKER_NOUNS | lexicon::list::PLURAL_SOURCES)
        && !t.is(lexicon::list::HONORIFICS)
        && !lexicon::is_title_noun(&t.lower)
        // Quantifiers ("Many", "Some") stand for a group only with what follows
        // them; party members are capitalised anywhere.
        && !matches!(
            t.lower.as_str(),
            "many" | "some" | "most" | "few" | "several" | "both" | "all" | "one" | "two"
                | "three" | "each" | "either" | "others" | "democrats" | "republicans"
        )
        && v
            .toks
            .get(i + 1)
            .is_some_and(|n| n.is_word() && !n.cap && n.sent() == t.sent())
}

/// Builds a mention of a capitalised run starting at token `i`, if there is one.
fn name_at(v: &View, i: usize, lowercase_seen: &HashSet<&str>) -> Option<Mention> {
    let t = &v.toks[i];
    if !t.is_word() || !t.cap || lexicon::pronoun(&t.lower).is_some() {
        return None;
    }
    let first_of_sentence = first_of_sentence(v, i);
    let is_name_word = |k: usize, at_start: bool| -> bool {
        let u = &v.toks[k];
        if !u.is_word() || !u.cap || u.sent() != t.sent() || u.quote() != t.quote() {
            return false;
        }
        if lexicon::pronoun(&u.lower).is_some() {
            return false;
        }
        let stop = u.is(lexicon::list::NOT_NAMES) && !u.is(lexicon::list::HONORIFICS);
        if stop {
            return false;
        }
        // A headline's capitalised cue verb ends a name ("Chris Christie Calls
        // Hillary Clinton a Liar").
        if u.cue.is_some() && v.sents.get(u.sent()).is_some_and(|s| s.title) {
            return false;
        }
        // A capitalised common word at a sentence start is not a name.
        // "Receiving the head …": a sentence-initial participle.
        let participle = at_start
            && u.lower.ends_with("ing")
            && v.toks.get(k + 1).is_some_and(|n| n.is_word() && !n.cap);
        if participle {
            return false;
        }
        if at_start && lowercase_seen.contains(u.lower.as_str()) && !u.is(lexicon::list::HONORIFICS)
        {
            return false;
        }
        // "Police said", "Sources close to the talks said": a source noun opening a
        // sentence before a lowercase word is that noun, not a name.
        if at_start && opening_source_noun(v, k) {
            return false;
        }
        // All-caps headlines and datelines ("WASHINGTON") are not speakers; short
        // acronyms (FBI, CNN) are.
        let s = &v.text[u.range()];
        // (The lowercase test first: it fails at the second letter of most names.)
        if s.chars().all(|c| !c.is_lowercase())
            && s.chars().filter(|c| c.is_alphabetic()).count() > 5
        {
            return false;
        }
        true
    };
    // "Will Estrada": a first name that is also a modal, mid-sentence before a name.
    let first_name_will = t.lower == "will"
        && !v
            .sents
            .get(t.sent())
            .is_some_and(|s| s.title || s.toks.start == i)
        && i + 1 < v.toks.len()
        && is_name_word(i + 1, false);
    // A run may start with "The" only when a name follows ("The New York Times").
    let mut s = i;
    if !first_name_will && !is_name_word(i, first_of_sentence) {
        if t.lower == "the"
            && i + 1 < v.toks.len()
            && is_name_word(i + 1, false)
            && v.toks[i + 1].sent() == t.sent()
        {
            s = i;
        } else {
            return None;
        }
    }
    let mut e = if s == i && t.lower == "the" {
        i + 2
    } else {
        i + 1
    };
    // Surnames that are also stop words ("Theresa May", "Ian Read") continue a
    // name, except in title-case headlines ("Trump May Win") and before a date
    // ("Clinton May 5").
    let surname_stop_word = |k: usize| {
        let u = &v.toks[k];
        u.cap
            && matches!(u.lower.as_str(), "may" | "read" | "june" | "april")
            && u.sent() == t.sent()
            && u.quote() == t.quote()
            && !v.sents.get(u.sent()).is_some_and(|s| s.title)
            && !v.toks.get(k + 1).is_some_and(|n| n.kind == Kind::Number)
    };
    loop {
        if e < v.toks.len() && (is_name_word(e, false) || surname_stop_word(e)) {
            e += 1;
            continue;
        }
        // Connectors between capitalised words: "Leader of the Islamic Revolution".
        if e + 1 < v.toks.len()
            && is_connector(&v.toks[e].lower)
            && !v.toks[e].cap
            && v.toks[e].sent() == t.sent()
        {
            let mut k = e;
            while k < v.toks.len() && k < e + 2 && is_connector(&v.toks[k].lower) && !v.toks[k].cap
            {
                k += 1;
            }
            // "the" + name after "of": keep going only if a capitalised word follows.
            if k < v.toks.len() && is_name_word(k, false) && k > e {
                e = k + 1;
                continue;
            }
        }
        break;
    }
    let toks = s..e;
    let words: Vec<&str> = toks.clone().map(|k| v.toks[k].lower.as_str()).collect();
    let possessive = v.toks.get(e).is_some_and(|t| t.kind == Kind::Possessive);
    // Split description and name: the name follows the last role or connector word.
    let first_name_at = |k: usize| tok_first_name_gender(&v.toks[s + k]) != Gender::Unknown;
    let role_at = |k: usize| tok_is_role(&v.toks[s + k]);
    // The first first name at `k >= from` with more of the name after it and no
    // first name before it: the words before it describe the person. With
    // `prefix_describes`, only if they are all describing words ("Democrat Hillary
    // Clinton", "Senators Charles E. Grassley"; not "Cornell William Brooks").
    let describes = |k: usize| {
        let w = words[k];
        is_party_word(w) || w.strip_suffix('s').is_some_and(is_role)
    };
    let name_from = |from: usize, prefix_describes: bool| {
        (from..words.len().saturating_sub(1))
            .find(|&k| first_name_at(k))
            .filter(|&k| !(0..k).any(first_name_at))
            .filter(|&k| !prefix_describes || (0..k).all(describes))
    };
    let last_role = (0..words.len())
        .rev()
        .find(|&k| role_at(k) || splits_name(words[k]));
    let (name, honorific, desc_end) =
        match (name_before_of(&words, role_at, first_name_at), last_role) {
            // "Representative Charles B. Rangel of New York": the rest describes them.
            (Some((a, c, p)), _) => {
                let hon = p
                    .filter(|&p| lexicon::is_honorific(words[p]))
                    .map(|p| s + p);
                (Some(s + a..s + c), hon, s + a)
            }
            // A particle alone ("Del." for Delegate) names nobody.
            (None, None) if words.iter().all(|w| is_name_particle(w)) => (None, None, e),
            (None, None) => match name_from(1, true) {
                Some(k) => (Some(s + k..e), None, s + k),
                None => (Some(toks.clone()), None, s),
            },
            (None, Some(j)) => {
                let rest = j + 1..words.len();
                if rest.is_empty() {
                    (None, None, e)
                } else if splits_name(words[j]) {
                    let r: Vec<&str> = words[rest.clone()].to_vec();
                    let has_role = (0..j).any(role_at);
                    if !has_role {
                        match name_from(j + 1, false) {
                            // "Percent of Hillary Clinton" (a headline's capitals).
                            Some(k) => (Some(s + k..e), None, s + k),
                            // An organisation: "Department of Revenue Services".
                            None => (Some(toks.clone()), None, s),
                        }
                    } else if lexicon::in_list(r.last().unwrap_or(&""), lexicon::list::COMPLEMENT) {
                        (None, None, e)
                    } else if let Some(k) = rest
                        .clone()
                        .find(|&k| first_name_at(k) && k + 1 < words.len())
                    {
                        // "Secretary of State John F. Kerry": the name from its first name.
                        (Some(s + k..e), None, s + k)
                    } else {
                        let first_name = r.len() == 2 && first_name_at(j + 1);
                        let take = if r.len() >= 3 || first_name { 2 } else { 1 };
                        let a = s + words.len() - take;
                        (Some(a..e), None, a)
                    }
                } else {
                    let a = s + j + 1;
                    let name_len = e - a;
                    let a = if name_len > 3 { e - 2 } else { a };
                    let hon = lexicon::is_honorific(words[j]).then_some(s + j);
                    (Some(a..e), hon, a)
                }
            }
        };
    // The description: the words before the name, and those after it ("of New York").
    let after = name.as_ref().map_or(e, |r| r.end);
    let desc: Vec<String> = (s..desc_end)
        .chain(after..e)
        .map(|k| v.toks[k].lower.trim_end_matches('.').to_string())
        .filter(|w| !is_connector(w))
        .collect();
    let mut gender = gender_of_words(desc.iter().map(|s| s.as_str()));
    if let Some(r) = &name {
        if gender == Gender::Unknown && r.end - r.start >= 2 {
            gender = tok_first_name_gender(&v.toks[r.start]);
        }
    }
    // "The Justice Department", "the State Department": a title word before an
    // office's name is no evidence of a person.
    let office = name
        .as_ref()
        .is_some_and(|r| r.end > r.start && v.toks[r.end - 1].is(lexicon::list::COMPLEMENT));
    let person = gender != Gender::Unknown
        || !office && desc.iter().any(|w| is_role(w))
        || name.as_ref().is_some_and(|r| {
            r.end - r.start >= 2
                && (r.clone()).all(|k| !v.toks[k].is(lexicon::list::COMPLEMENT))
                && tok_first_name_gender(&v.toks[r.start]) != Gender::Unknown
        });
    let kind = if name.is_some() {
        MentionKind::Name
    } else {
        MentionKind::Nominal
    };
    let head = match &name {
        Some(r) => r.end - 1,
        None => e - 1,
    };
    Some(Mention {
        toks,
        head,
        kind,
        name,
        honorific,
        desc,
        gender,
        possessive,
        in_quote: t.quote().is_some(),
        sent: t.sent(),
        person,
    })
}

/// A person's name before the first "of"/"for" of a capitalised run, with the role
/// word before it: "Representative Charles B. Rangel of New York", "Professor
/// Chesney of Wake Forest …", "Stephanie Fullerton of the University …". Returns
/// the name's word range `a..c` and the role word's position. None where the words
/// before "of" are an office ("Secretary of State …", "Leader of the …") or an
/// organisation ("Bank of Korea").
fn name_before_of(
    words: &[&str],
    role_at: impl Fn(usize) -> bool,
    first_name_at: impl Fn(usize) -> bool,
) -> Option<(usize, usize, Option<usize>)> {
    let c = words.iter().position(|w| matches!(*w, "of" | "for"))?;
    let p = (0..c).rev().find(|&k| role_at(k));
    let a = p.map_or(0, |p| p + 1);
    // (No role word lies in `a..c`: `p` is the last before `c`.)
    if a >= c || (a..c).any(|k| splits_name(words[k])) {
        return None;
    }
    let initial = (a..c).any(|k| words[k].trim_end_matches('.').chars().count() == 1);
    let titled = p.is_some_and(|p| lexicon::is_honorific(words[p]));
    let named = titled || (c - a >= 2 && (first_name_at(a) || initial));
    named.then_some((a, c, p))
}

/// Merges "Name role-words Name" and "role-words Name" sequences.
fn merge_bridges(v: &View, ms: Vec<Mention>) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(ms.len());
    for m in ms {
        if m.kind == MentionKind::Name && m.name.is_some() {
            // Walk left over up to 3 lowercase words ending in a role word.
            let s = m.toks.start;
            let mut k = s;
            let mut roles = Vec::new();
            while k > 0 && s - k < 4 {
                let p = &v.toks[k - 1];
                if !p.is_word() || p.cap || p.sent() != m.sent || lexicon::is_np_break(&p.lower) {
                    break;
                }
                if p.cue.is_some() && !tok_is_role(p) {
                    break;
                }
                roles.push(p.lower.to_string());
                k -= 1;
            }
            // Only if the word right before the name is a role.
            let role_next = k < s && tok_is_role(&v.toks[s - 1]);
            if role_next {
                // Keep lowercase words back to the first role-ish or adjective word.
                let mut merged = m.clone();
                merged.toks.start = k;
                let mut desc: Vec<String> = roles.into_iter().rev().collect();
                // Absorb a directly preceding name ("White House" spokesman …).
                if let Some(prev) = out.last() {
                    if prev.toks.end == k && !prev.possessive && prev.sent == m.sent {
                        let prev = out.pop().unwrap_or_else(|| m.clone());
                        merged.toks.start = prev.toks.start;
                        let mut d: Vec<String> = (prev.toks.clone())
                            .map(|j| v.toks[j].lower.to_string())
                            .filter(|w| !is_connector(w))
                            .collect();
                        d.append(&mut desc);
                        desc = d;
                    }
                }
                desc.extend(m.desc.iter().cloned());
                if merged.gender == Gender::Unknown {
                    merged.gender = gender_of_words(desc.iter().map(|s| s.as_str()));
                }
                merged.person = true;
                merged.desc = desc;
                out.push(merged);
                continue;
            }
        }
        out.push(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextLayout;

    fn names(text: &str) -> Vec<(String, Option<String>, MentionKind)> {
        let layout = TextLayout::new(text);
        let v = super::super::view_of(&layout);
        extract(&v)
            .iter()
            .map(|m| {
                (
                    v.text[v.span(&m.toks)].to_string(),
                    m.name.as_ref().map(|r| v.text[v.span(r)].to_string()),
                    m.kind,
                )
            })
            .collect()
    }

    #[test]
    fn title_apposition_splits_name() {
        let m = names("The Leader of the Islamic Revolution Ayatollah Khamenei received him.");
        assert_eq!(
            m[0].0,
            "The Leader of the Islamic Revolution Ayatollah Khamenei"
        );
        assert_eq!(m[0].1.as_deref(), Some("Khamenei"));
        let m = names(
            "He was welcomed by Iranian Minister of Foreign Affairs Hossein Amir-Abdollahian.",
        );
        let last = m.iter().find(|x| x.0.contains("Minister")).cloned();
        assert_eq!(
            last.and_then(|x| x.1).as_deref(),
            Some("Hossein Amir-Abdollahian")
        );
    }

    #[test]
    fn description_only_is_nominal() {
        let m = names("The Leader of the Islamic Revolution also commemorated him.");
        assert_eq!(m[0].1, None);
        assert_eq!(m[0].2, MentionKind::Nominal);
    }

    #[test]
    fn nominals_pronouns_and_bridges() {
        let m =
            names("White House spokesman Josh Earnest said the Hamas chief and officials met her.");
        let texts: Vec<&str> = m.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            texts,
            [
                "White House spokesman Josh Earnest",
                "the Hamas chief",
                "officials",
            ]
        );
        assert_eq!(m[2].2, MentionKind::Plural);
    }

    #[test]
    fn organisation_with_of() {
        let m = names("The Department of Revenue Services said so.");
        assert_eq!(
            m[0].1.as_deref(),
            Some("The Department of Revenue Services")
        );
    }
}

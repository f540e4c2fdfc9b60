//! Noun phrases around a cue: where a speaker phrase starts and ends, the subject
//! before a cue verb or after it ("…, said X"), and the phrases that are not
//! speakers (time phrases, places, fillers, participle and opening phrases).

use super::*;

/// A noun phrase ending at token `p`, built from the tokens when no mention ends there.
pub(super) fn np_ending(v: &View, ms: &Ms, p: usize) -> Option<Mention> {
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
pub(super) fn is_finite_aux(l: &str) -> bool {
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

pub(super) fn is_number_word(l: &str) -> bool {
    matches!(
        l,
        "one" | "two" | "three" | "four" | "five" | "six" | "seven" | "eight" | "nine" | "ten"
    )
}

/// A share of people as subject, ending at the number or "%" at `p`: "47% say",
/// "Six in 10 say", "nearly nine out of 10 say".
pub(super) fn share_ending(v: &View, p: usize) -> Option<Mention> {
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
pub(super) fn np_starting(v: &View, ms: &Ms, k: usize) -> Option<Mention> {
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
pub(super) fn knowledge_adjective(l: &str) -> bool {
    matches!(
        l,
        "familiar" | "close" | "knowledgeable" | "briefed" | "involved" | "privy" | "loyal"
    )
}

/// End of the modifiers after a source noun phrase that ends at `k` ("according to a
/// spokesman [for the ministry], …", "…, according to two people [familiar with
/// the matter]."): a prepositional phrase, or a knowledge adjective and one, with
/// no verb in it, up to the next punctuation. `k` when there is none.
pub(super) fn source_modifiers_end(v: &View, k: usize, send: usize) -> usize {
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
pub(super) fn source_phrase(v: &View, k: usize) -> Option<Mention> {
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
pub(super) fn skip_fillers(v: &View, mut k: usize, limit: usize) -> usize {
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
pub(super) fn after_issued(v: &View, j: usize, limit: usize) -> usize {
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
pub(super) fn scene_phrase(v: &View, r: Range<usize>) -> bool {
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
pub(super) fn participle_phrase(v: &View, k: usize) -> bool {
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
pub(super) fn opens_with_preposition(v: &View, s0: usize) -> bool {
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
pub(super) fn after_opening_phrase(v: &View, ms: &Ms, mut a: usize, e: usize) -> Option<Mention> {
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
pub(super) fn resumed_clause(v: &View, mut k: usize, send: usize) -> Option<usize> {
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
pub(super) fn reduced_relative_head(v: &View, sp: &Mention, s0: usize) -> Option<usize> {
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
pub(super) fn impression_at(v: &View, c: usize) -> Option<Detected> {
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
pub(super) const THAT_NOUNS: &[&str] = &[
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
pub(super) fn possessive_claim_at(v: &View, ms: &Ms, i: usize) -> Option<Detected> {
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
pub(super) fn poll_source_at(v: &View, i: usize) -> Option<Detected> {
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
pub(super) fn asked_question(v: &View, ms: &Ms, cue: &Cue, send: usize) -> Option<Detected> {
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
pub(super) fn after_conjunction(v: &View, k: usize) -> usize {
    k + usize::from(matches!(v.lower(k), "but" | "and" | "yet" | "so"))
}

/// A word that looks like a manner adverb ("hastily", "repeatedly"), not "only".
pub(super) fn ly_adverb(l: &str) -> bool {
    l.ends_with("ly") && l.len() > 4
}

/// A name opening the comma segment `r`, followed by nothing or a short "of/in/from/at"
/// phrase ("Darran Whiting of Liberty Baptist Church in Marion").
pub(super) fn set_off_name(v: &View, ms: &Ms, r: Range<usize>) -> Option<Mention> {
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
pub(super) fn before_parenthesis(v: &View, s0: usize, e: usize) -> usize {
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
pub(super) fn title_phrase(v: &View, r: Range<usize>) -> bool {
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
pub(super) fn time_phrase_ending(v: &View, s0: usize, e: usize) -> Option<usize> {
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
pub(super) fn discourse_adverb(l: &str) -> bool {
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
pub(super) fn filler(v: &View, r: Range<usize>) -> bool {
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
pub(super) fn place_like(v: &View, r: std::ops::Range<usize>) -> bool {
    !r.is_empty()
        && r.len() <= 4
        && r.clone()
            .all(|k| (v.toks[k].cap && v.toks[k].is_word()) || v.lower(k) == ".")
}

/// A comma-enclosed segment that describes or qualifies rather than carries a clause:
/// "a spokesman for Y", "49", "for his part", "who …", "however".
pub(super) fn apposition_like(v: &View, r: std::ops::Range<usize>) -> bool {
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
pub(super) fn intro_adverbial(v: &View, r: Range<usize>) -> bool {
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
pub(super) fn subject_after(v: &View, ms: &Ms, ce: usize) -> Option<Mention> {
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

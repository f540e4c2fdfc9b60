//! Reported speech: a cue verb with its subject and its content ("X said (that) …",
//! "…, X said", "…, said X", "according to X", "X told reporters …"), and the clause
//! bounds such content runs to (objects, datelines, the main clause's subject).

use super::*;

/// A quotation that is a sentence of its own after another of its paragraph,
/// closed by its full stop ('"I don't know," she said. "Maybe."'): someone's
/// words, however short, not a title.
pub(super) fn own_sentence(v: &View, m: &Mark) -> bool {
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

/// Verbs whose object comes before the content ("told reporters that …").
pub(super) fn takes_object(l: &str) -> bool {
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
pub(super) fn skip_object(v: &View, ms: &Ms, k: usize, limit: usize) -> usize {
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

pub(super) fn object_end(v: &View, ms: &Ms, k: usize, limit: usize) -> usize {
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
pub(super) fn place_before_that(v: &View, j: usize, limit: usize) -> bool {
    if !matches!(v.lower(j), "in" | "at") {
        return false;
    }
    let mut k = j + 1;
    while k < limit && k < j + 5 && v.toks[k].cap && v.toks[k].is_word() {
        k += 1;
    }
    k > j + 1 && v.lower(k) == "that"
}

/// Whether the sentence after `sent`, in the same paragraph, opens with a
/// quotation mark ('"…," he said in an interview. "This is all me."').
pub(super) fn next_quoted(v: &View, sent: usize) -> bool {
    v.sents.get(sent + 1).is_some_and(|n| {
        let first = n.toks.start;
        n.para == v.sents[sent].para && v.toks.get(first).is_some_and(|f| f.mark)
    })
}

pub(super) fn reported_at(
    v: &View,
    ms: &Ms,
    cue: &Cue,
    prev: &[(usize, Detected)],
) -> Option<Detected> {
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
                    d.gap = Some(v.toks[e - 1].end()..v.toks[r.start].start());
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
            d.opens_at = opens.map(|h| v.toks[h].start());
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
                d.gap = Some(v.toks[e - 1].end()..v.toks[r].start());
            }
            Some(d)
        }
    }
}

/// Start of the clause before token `e`: the sentence start, or after an earlier
/// quote of the same sentence.
pub(super) fn clause_start(v: &View, prev: &[(usize, Detected)], s0: usize, e: usize) -> usize {
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
pub(super) fn dateline_end(v: &View, s0: usize) -> Option<usize> {
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
pub(super) fn forward_content(
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
pub(super) fn main_subject(
    v: &View,
    ms: &Ms,
    prev: &[(usize, Detected)],
    c: usize,
) -> Option<Mention> {
    let sent = v.toks[c].sent();
    // The speaker of an earlier cue in the same sentence, not one nested in another's
    // content ("Carson said he saw no need …, telling …": Carson, not "he").
    let nested = |k: usize, pc: usize| {
        let b = v.toks[pc].start();
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

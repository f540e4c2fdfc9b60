//! Direct quotes: paired quotation marks with the cue before or after them
//! ("X said: \"…\"", "\"…,\" X said"), signatures ("― Name") and "quoted as saying".

use super::*;

pub(super) fn direct_quote(
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
            content.start = content.start.min(v.toks[s0].start());
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
                content.end = content.end.max(v.toks[send - 1].end());
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
        signed,
        ..Detected::new(content, true, cue, structure, rule, sents)
    })
}

/// '“…” ― Name' / '“…”\n\n- Name.': a dash right after the closing mark (or its
/// full stop), then a name that ends its line: the quotation's signature. The name
/// must be capitalised and followed by nothing but a full stop, a parenthesis
/// ("— Sahil Kapur (@sahilkapur)"), the paragraph's end or the next quotation.
pub(super) fn signature_after(v: &View, ms: &Ms, close: usize) -> Option<(Cue, Mention)> {
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
pub(super) const BASE_ONLY_VERBS: &[&str] = &[
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
pub(super) fn quoted_as_saying(v: &View, c: usize, s0: usize, send: usize) -> Option<usize> {
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

/// Whether a quotation looks like a title ("Saturday Night Live") rather than speech.
pub(super) fn is_title(v: &View, m: &Mark) -> bool {
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

/// Short words a title leaves lowercase ("Gone with the Wind"); a verb or "not"
/// lowercase means a sentence ('"We do not," Stone said').
pub(super) fn title_minor_word(l: &str) -> bool {
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

/// After a cue that follows a direct quote, the sentence must not go on with the
/// cue's own complement ('"…" he noted the "deaths"', '"…" he said that …').
pub(super) fn tail_ok(v: &View, ms: &Ms, cue: &Cue, mut j: usize, end: usize) -> bool {
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
pub(super) fn speaker_description(v: &View, r: Range<usize>, sent: usize) -> bool {
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

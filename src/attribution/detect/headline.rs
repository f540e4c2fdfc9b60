//! Headlines and transcripts: "claim: Speaker", "Speaker: claim", "X Says …", and
//! speaker turns of interview transcripts ("NAME: …").

use super::*;

/// "Political isolation of Israel …: Haniya" — a short one-sentence paragraph ending
/// in ": Name" where the name is used elsewhere in the document.
pub(super) fn headlines(v: &View, ms: &Ms, out: &mut Vec<Detected>) {
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
        out.push(colon_headline(content, colon, sp, si..si + 1));
    }
}

/// Interview transcripts: paragraphs opening with a speaker's label ("JAKE TAPPER:
/// …", "Matthews: …", "Q: …" and "A: …"), each turn a quote of its label. A label
/// counts when it opens two turns or more, or names someone used elsewhere in the
/// text; the turn runs to its paragraph's end. One-sentence turns the headline rule
/// took are left alone.
pub(super) fn transcript_turns(v: &View, ms: &Ms, out: &mut Vec<Detected>) {
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
        let turn_bytes = label_span.start..v.toks[turn_end - 1].end();
        let lo = out[..base].partition_point(|d| d.content.start + longest < turn_bytes.start);
        let hi = out[..base].partition_point(|d| d.content.start < turn_bytes.end);
        let opens_at_mark = |d: &Detected| {
            mark.is_some_and(|m| {
                v.toks[m].start() <= d.content.start && d.content.start <= label_span.start
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
            .filter(|d| d.content.end > v.toks[colon].end())
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
            while e < turn_end && v.toks[e].end() <= r.start {
                e += 1;
            }
            pieces.push(k..e);
            while k < turn_end && v.toks[k].start() < r.end {
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
            made.push(colon_headline(
                v.toks[lo].start()..v.toks[e - 1].end(),
                colon,
                sp.clone(),
                v.toks[lo].sent()..v.toks[e - 1].sent() + 1,
            ));
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
pub(super) fn name_list(v: &View, r: Range<usize>) -> bool {
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
pub(super) fn claim_then_speaker(
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
pub(super) fn speaker_then_claim(
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

/// A headline-form quote ("claim: Speaker", "Speaker: claim") whose cue is the colon
/// at token `colon`.
fn colon_headline(
    content: Range<usize>,
    colon: usize,
    sp: Mention,
    sents: Range<usize>,
) -> Detected {
    let cue = Cue {
        toks: colon..colon + 1,
        class: CueClass::Colon,
        form: CueForm::Past,
    };
    Detected::new(
        content,
        false,
        Some(cue),
        Structure::Headline,
        Some(sp),
        sents,
    )
}

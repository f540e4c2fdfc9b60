//! Per-document entities: proper names clustered by surname and spelling variant,
//! titled nominals ("the Hamas chief") tied to the named person they describe,
//! he/she to the nearest compatible person, and a canonical name per cluster.

use super::lexicon::{self, Pronoun};
use super::mentions::{is_role, Gender, Mention, MentionKind};
use super::view::{Kind, View};
use super::FastSet as HashSet;

/// Levenshtein distance over chars.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    // ASCII words (nearly all names) as bytes, without collecting chars.
    if a.is_ascii() && b.is_ascii() {
        levenshtein(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        levenshtein(&a, &b)
    }
}

/// Whether two words are at most two edits apart (this runs for every pair of a
/// name and a cluster). The length difference is a lower bound of the distance, so
/// most pairs are settled without computing it; ASCII words are compared with a
/// banded table that stops once every cell of a row exceeds 2.
pub(crate) fn within_two_edits(a: &str, b: &str) -> bool {
    if !(a.is_ascii() && b.is_ascii()) {
        return a.chars().count().abs_diff(b.chars().count()) <= 2 && edit_distance(a, b) <= 2;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    // Each edit drops at most one distinct byte of one word from the other, so more
    // than two distinct bytes missing either way means more than two edits (bytes
    // sharing a mask bit only make this test weaker, never wrong).
    let mask = |w: &[u8]| w.iter().fold(0u64, |m, &c| m | 1 << (c & 63));
    let (ma, mb) = (mask(a), mask(b));
    if (ma & !mb).count_ones() > 2 || (mb & !ma).count_ones() > 2 {
        return false;
    }
    if b.len() > 48 {
        return levenshtein(a, b) <= 2;
    }
    // Cells saturate at 3 ("more than two"), so bytes suffice; rows are swapped by
    // reference, not copied.
    const BIG: u8 = 3;
    let (mut row_a, mut row_b) = ([BIG; 49], [BIG; 49]);
    let (mut prev, mut cur) = (&mut row_a, &mut row_b);
    for (j, x) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *x = j.min(3) as u8;
    }
    for i in 1..=a.len() {
        // Cells further than 2 from the diagonal are over 2 anyway.
        let lo = i.saturating_sub(2).max(1);
        let hi = (i + 2).min(b.len());
        cur[lo - 1] = if lo == 1 { i.min(3) as u8 } else { BIG };
        let mut row_min = cur[lo - 1];
        for j in lo..=hi {
            let sub = prev[j - 1] + u8::from(a[i - 1] != b[j - 1]);
            let v = sub.min(prev[j] + 1).min(cur[j - 1] + 1).min(BIG);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if hi < b.len() {
            cur[hi + 1] = BIG;
        }
        if row_min > 2 {
            return false;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] <= 2
}

fn levenshtein<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    // Rows on the stack for words of usual length (this runs per pair of names).
    const N: usize = 48;
    let mut stack = [[0usize; N + 1]; 2];
    let mut heap: Vec<usize>;
    let (mut prev, mut cur): (&mut [usize], &mut [usize]) = if b.len() <= N {
        let [p, c] = &mut stack;
        (&mut p[..=b.len()], &mut c[..=b.len()])
    } else {
        heap = vec![0; 2 * (b.len() + 1)];
        heap.split_at_mut(b.len() + 1)
    };
    for (j, x) in prev.iter_mut().enumerate() {
        *x = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn similar(a: &str, b: &str) -> bool {
    a == b || (long_word(a) && long_word(b) && within_two_edits(a, b))
}

/// At least five characters.
fn long_word(w: &str) -> bool {
    w.len() >= 5 && (w.is_ascii() || w.chars().count() >= 5)
}

#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    /// Name token lists (lowercase, honorifics and "the" stripped), one per form seen.
    forms: Vec<Vec<String>>,
    /// Index in `forms` of the last of the longest forms (the surname's form), kept
    /// up to date by [`Cluster::add_form`] so that lookups need no scan.
    longest: usize,
    /// Display names (original spelling) with their token counts.
    display: Vec<(usize, String)>,
    honorific: Option<String>,
    pub person: bool,
    gender: Gender,
    /// Words describing the entity (titles, appositions).
    desc: HashSet<String>,
    /// Token index of the latest mention.
    last: usize,
}

impl Cluster {
    /// The last word of the last of the longest forms.
    fn surname(&self) -> Option<&str> {
        self.forms
            .get(self.longest)
            .and_then(|f| f.last())
            .map(|s| s.as_str())
    }

    fn add_form(&mut self, key: Vec<String>) {
        // `max_by_key` keeps the last of equals: a new form as long as the longest wins.
        if self
            .forms
            .get(self.longest)
            .is_none_or(|f| key.len() >= f.len())
        {
            self.longest = self.forms.len();
        }
        self.forms.push(key);
    }

    /// The canonical name: the longest proper name, with its honorific when it is a
    /// single word ("Ayatollah Khamenei").
    pub fn canonical(&self) -> String {
        let best = self
            .display
            .iter()
            .max_by(|a, b| a.0.cmp(&b.0).then(a.1.len().cmp(&b.1.len())))
            .map(|x| x.1.clone())
            .unwrap_or_default();
        match (&self.honorific, self.display.iter().map(|d| d.0).max()) {
            (Some(h), Some(1)) => format!("{h} {best}"),
            _ => best,
        }
    }
}

/// The entity of every mention: a cluster index, or none (then the mention's text).
#[derive(Debug, Clone, Default)]
pub(crate) struct Entities {
    pub clusters: Vec<Cluster>,
    pub of: Vec<Option<usize>>,
}

impl Entities {
    /// Names mentions: a mention's cluster's canonical name, else its text. Each
    /// cluster's canonical name is computed once (it costs time in its mention count).
    pub fn namer<'e>(&'e self, v: &'e View, ms: &'e [Mention]) -> impl FnMut(usize) -> String + 'e {
        let mut canon: Vec<Option<String>> = vec![None; self.clusters.len()];
        move |i| match self.of.get(i).copied().flatten() {
            Some(c) if c < self.clusters.len() => canon[c]
                .get_or_insert_with(|| self.clusters[c].canonical())
                .clone(),
            _ => ms.get(i).map(|m| mention_text(v, m)).unwrap_or_default(),
        }
    }
}

/// The text of a mention without a leading determiner's capital ("The" kept).
pub(crate) fn mention_text(v: &View, m: &Mention) -> String {
    v.text.get(v.span(&m.toks)).unwrap_or("").trim().to_string()
}

fn name_words(v: &View, m: &Mention) -> Vec<(String, usize)> {
    let Some(r) = &m.name else { return Vec::new() };
    r.clone()
        .filter(|&k| v.toks[k].is_word())
        .map(|k| (v.toks[k].lower.trim_end_matches('.').to_string(), k))
        .filter(|(w, _)| w != "the" && !matches!(w.as_str(), "jr" | "sr"))
        .filter(|(w, _)| !lexicon::is_honorific(w) || r.len() == 1)
        .collect()
}

/// Words describing a named mention: its own title words, the lowercase phrase right
/// before it ("the head of … bureau Ismail Haniya") and an apposition after it.
fn context_desc(v: &View, m: &Mention) -> Vec<String> {
    let mut out: Vec<String> = m.desc.clone();
    let s = m.toks.start;
    let mut k = s;
    let mut n = 0;
    while k > 0 && n < 10 {
        let t = &v.toks[k - 1];
        if t.sent != m.sent || t.quote != v.toks[s].quote {
            break;
        }
        if t.kind == Kind::Punct {
            break;
        }
        if lexicon::is_determiner(&t.lower) {
            break;
        }
        if t.cue.is_some() && !is_role(&t.lower) {
            break;
        }
        if t.is_word() {
            out.push(t.lower.to_string());
        }
        k -= 1;
        n += 1;
    }
    // ", the Republican attorney general of Oklahoma,"
    let e = m.toks.end;
    if v.lower(e) == "," && lexicon::is_determiner(v.lower(e + 1)) {
        let mut j = e + 1;
        while j < v.toks.len()
            && j < e + 12
            && v.toks[j].kind != Kind::Punct
            && v.toks[j].sent == m.sent
        {
            if v.toks[j].is_word() {
                out.push(v.toks[j].lower.to_string());
            }
            j += 1;
        }
    }
    out.retain(|w| !matches!(w.as_str(), "of" | "the" | "for" | "and" | "'s"));
    out
}

/// Clusters the mentions of one document.
pub(crate) fn resolve(v: &View, ms: &[Mention]) -> Entities {
    let mut ents = Entities {
        clusters: Vec::new(),
        of: vec![None; ms.len()],
    };
    // Per token end, the mentions ending there that are not possessives, ascending.
    let mut ending: super::FastMap<usize, Vec<usize>> = Default::default();
    for (j, p) in ms.iter().enumerate() {
        if !p.possessive {
            ending.entry(p.toks.end).or_default().push(j);
        }
    }
    let by_sent = SentIndex::new(ms);
    // Mentions in text order (the caller keeps them sorted).
    for (i, m) in ms.iter().enumerate() {
        let assigned = match m.kind {
            MentionKind::Name => assign_name(v, m, &mut ents),
            MentionKind::Nominal if m.person => assign_nominal(v, m, &ents),
            MentionKind::Pronoun(p @ (Pronoun::He | Pronoun::She)) => {
                assign_pronoun(ms, &by_sent, i, p, &ents)
            }
            MentionKind::Relative => {
                // The noun phrase before ", who said".
                let mut k = m.toks.start;
                while k > 0 && matches!(v.lower(k - 1), ",") {
                    k -= 1;
                }
                ending
                    .get(&k)
                    .and_then(|js| js[..js.partition_point(|&j| j < i)].last())
                    .and_then(|&j| ents.of[j])
            }
            _ => None,
        };
        if let Some(c) = assigned {
            if let Some(cl) = ents.clusters.get_mut(c) {
                cl.last = m.toks.start;
                if cl.gender == Gender::Unknown {
                    cl.gender = match m.kind {
                        MentionKind::Pronoun(Pronoun::He) => Gender::Male,
                        MentionKind::Pronoun(Pronoun::She) => Gender::Female,
                        _ => m.gender,
                    };
                }
                if matches!(m.kind, MentionKind::Pronoun(Pronoun::He | Pronoun::She)) {
                    cl.person = true;
                }
            }
        }
        ents.of[i] = assigned;
    }
    ents
}

fn assign_name(v: &View, m: &Mention, ents: &mut Entities) -> Option<usize> {
    let words = name_words(v, m);
    if words.is_empty() {
        return None;
    }
    let key: Vec<String> = words.iter().map(|w| w.0.clone()).collect();
    let sur = key.last()?.as_str();
    let first = key.first()?.as_str();
    let mut best: Option<(usize, usize)> = None; // (score, cluster)
    for (ci, c) in ents.clusters.iter().enumerate() {
        let score = if c.forms.contains(&key) {
            4
        } else if c.surname().is_some_and(|s| similar(s, sur)) {
            // First names must agree where both are given.
            let compatible = key.len() == 1
                || c.forms
                    .iter()
                    .all(|f| f.len() == 1 || similar(&f[0], first) || f[0] == first);
            if compatible {
                3
            } else {
                0
            }
        } else if key.len() == 1
            && c.forms.iter().any(|f| f.len() >= 2 && f[0] == first)
            && lexicon::in_list(
                first,
                lexicon::list::FEMALE_NAMES | lexicon::list::MALE_NAMES,
            )
        {
            // "Hillary" → "Hillary Clinton".
            2
        } else if key.len() >= 2
            && c.forms.iter().all(|f| f.len() == 1)
            && c.forms.iter().any(|f| similar(&f[0], sur))
        {
            3
        } else {
            0
        };
        if score > 0 {
            // Most recent among equals.
            let better = match best {
                None => true,
                Some((bs, bc)) => score > bs || (score == bs && c.last > ents.clusters[bc].last),
            };
            if better {
                best = Some((score, ci));
            }
        }
    }
    let display_start = words.first().map(|w| w.1).unwrap_or(m.head);
    let display_end = words.last().map(|w| w.1 + 1).unwrap_or(m.head + 1);
    let display = v
        .text
        .get(v.span(&(display_start..display_end)))
        .unwrap_or("")
        .to_string();
    let hon = m.honorific.map(|h| v.tok_text(h).to_string()).or_else(|| {
        m.name.as_ref().and_then(|r| {
            (r.start..display_start)
                .find(|&k| lexicon::is_honorific(&v.toks[k].lower))
                .map(|k| v.tok_text(k).to_string())
        })
    });
    let desc = context_desc(v, m);
    let ci = match best {
        Some((_, ci)) => ci,
        None => {
            ents.clusters.push(Cluster {
                forms: Vec::new(),
                longest: 0,
                display: Vec::new(),
                honorific: None,
                person: false,
                gender: Gender::Unknown,
                desc: HashSet::default(),
                last: m.toks.start,
            });
            ents.clusters.len() - 1
        }
    };
    let c = &mut ents.clusters[ci];
    let key_len = key.len();
    if !c.forms.contains(&key) {
        c.add_form(key);
    }
    c.display.push((key_len, display));
    if c.honorific.is_none() {
        c.honorific = hon;
    }
    c.person |= m.person;
    if c.gender == Gender::Unknown {
        c.gender = m.gender;
    }
    c.desc.extend(desc);
    c.last = m.toks.start;
    Some(ci)
}

/// "the Hamas chief", "The Leader of the Islamic Revolution": the person whose
/// description shares the most words, else (for definite role nouns) the most recent person.
fn assign_nominal(v: &View, m: &Mention, ents: &Entities) -> Option<usize> {
    let det = v.lower(m.toks.start);
    let definite = matches!(det, "the" | "this" | "that") || v.toks[m.toks.start].cap;
    if !definite {
        return None;
    }
    let head = v.toks[m.head].lower.as_str();
    let words: Vec<&str> = m
        .desc
        .iter()
        .map(|s| s.as_str())
        .filter(|w| *w != head && !matches!(*w, "the" | "of" | "a" | "an"))
        .collect();
    let mut best: Option<(usize, usize)> = None;
    for (ci, c) in ents.clusters.iter().enumerate() {
        if !c.person || c.last > m.toks.start {
            continue;
        }
        let mut score = 0;
        if c.desc.contains(head) {
            score += 2;
        }
        score += words.iter().filter(|w| c.desc.contains(**w)).count();
        if score == 0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bs, bc)) => score > bs || (score == bs && c.last > ents.clusters[bc].last),
        };
        if better {
            best = Some((score, ci));
        }
    }
    if let Some((_, c)) = best {
        return Some(c);
    }
    if !is_role(head) {
        return None;
    }
    ents.clusters
        .iter()
        .enumerate()
        .filter(|(_, c)| c.person && c.last <= m.toks.start)
        .max_by_key(|(_, c)| c.last)
        .map(|(i, _)| i)
}

/// Finds mentions by sentence with binary searches when the mentions' sentences
/// never decrease (they are in text order), else by scans.
struct SentIndex<'m> {
    ms: &'m [Mention],
    monotone: bool,
}

impl<'m> SentIndex<'m> {
    fn new(ms: &'m [Mention]) -> Self {
        SentIndex {
            ms,
            monotone: ms.windows(2).all(|w| w[0].sent <= w[1].sent),
        }
    }

    /// The first of `ms[..end]` in sentence `sent`.
    fn first_in(&self, end: usize, sent: usize) -> Option<usize> {
        let ms = &self.ms[..end];
        if !self.monotone {
            return ms.iter().position(|a| a.sent == sent);
        }
        let f = ms.partition_point(|a| a.sent < sent);
        (f < end && ms[f].sent == sent).then_some(f)
    }

    /// One past the last of `ms[..end]` in sentence `sent` or before (0 if none).
    fn end_by(&self, end: usize, sent: usize) -> usize {
        let ms = &self.ms[..end];
        if !self.monotone {
            return ms
                .iter()
                .rposition(|a| a.sent <= sent)
                .map(|x| x + 1)
                .unwrap_or(0);
        }
        ms.partition_point(|a| a.sent <= sent)
    }
}

/// he/she: the nearest earlier sentence's first compatible person (a subject), or in
/// the same sentence the first compatible person before the pronoun.
fn assign_pronoun(
    ms: &[Mention],
    by_sent: &SentIndex,
    i: usize,
    p: Pronoun,
    ents: &Entities,
) -> Option<usize> {
    let m = &ms[i];
    let want = if p == Pronoun::She {
        Gender::Female
    } else {
        Gender::Male
    };
    let ok = |j: usize| -> Option<usize> {
        let a = &ms[j];
        if a.in_quote && !m.in_quote {
            return None;
        }
        let c = ents.of[j]?;
        let cl = ents.clusters.get(c)?;
        let g = if cl.gender == Gender::Unknown {
            a.gender
        } else {
            cl.gender
        };
        let compatible = g == want || g == Gender::Unknown;
        (cl.person && compatible && !matches!(a.kind, MentionKind::Pronoun(q) if q != p))
            .then_some(c)
    };
    let mut sent = m.sent;
    let mut j_end = i;
    for _ in 0..8 {
        // Mentions of sentence `sent` before j_end.
        let first = by_sent.first_in(j_end, sent);
        if let Some(f) = first {
            for j in f..j_end {
                if let Some(c) = ok(j) {
                    return Some(c);
                }
            }
        }
        if sent == 0 {
            break;
        }
        sent -= 1;
        j_end = by_sent.end_by(j_end, sent);
        if j_end == 0 {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("haniya", "haniyeh"), 2);
        assert!(similar("haniya", "haniyeh"));
        assert!(!similar("bush", "rush"));
        // The banded check agrees with the full distance.
        let words = [
            "haniya",
            "haniyeh",
            "hanieh",
            "haniyya",
            "khamenei",
            "khamenei's",
            "clinton",
            "clintons",
            "klinton",
            "sanders",
            "sander",
            "saunders",
            "abc",
            "ab",
            "",
            "a",
            "abcdefgh",
            "bacdefhg",
            "xyzzyx",
            "trump",
            "tramp",
            "trumps",
        ];
        for a in words {
            for b in words {
                assert_eq!(within_two_edits(a, b), edit_distance(a, b) <= 2, "{a} {b}");
            }
        }
    }
}

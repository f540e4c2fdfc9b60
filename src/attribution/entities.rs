//! Per-document entities: proper names clustered by surname and spelling variant,
//! titled nominals ("the Hamas chief") tied to the named person they describe,
//! he/she to the nearest compatible person, they/it named after the group or
//! organisation they stand for, "the ministry" after the ministry named before, and
//! a canonical name per cluster.

use super::coref::{self, PronounModel, Recorded, Site};
use super::lexicon::{self, Pronoun};
use super::mentions::{gender_of_words, is_name_particle, is_role, Gender, Mention, MentionKind};
use super::view::{Kind, View};
use super::FastSet as HashSet;
use crate::budget::Budget;
use crate::error::Result;

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

/// Spelling variants of one name ("Haniya", "Haniyeh"): equal, or long words at most
/// two edits apart. A word that only extends the other ("Russia" / "Russian",
/// "Democrat" / "Democrats", "America" / "Americans") is a derived word, not a
/// variant. Words with different first letters may differ in one edit only ("Qaddafi" /
/// "Gaddafi"; not "Mexicans" / "Americans").
fn similar(a: &str, b: &str) -> bool {
    a == b
        || (long_word(a)
            && long_word(b)
            && !(a.starts_with(b) || b.starts_with(a))
            && within_two_edits(a, b)
            && (a.chars().next() == b.chars().next() || edit_distance(a, b) <= 1))
}

/// Whether two first words can belong to one person: equal, an initial and a name
/// with that letter ("J." / "John"), or spelling variants with the same first
/// letter ("Mohammed" / "Mohamed"; not "South" / "North").
fn first_words_agree(a: &str, b: &str) -> bool {
    let initial = |x: &str, y: &str| x.chars().count() == 1 && y.starts_with(x);
    a == b
        || initial(a, b)
        || initial(b, a)
        || (a.chars().next() == b.chars().next() && similar(a, b))
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
    pub(super) display: Vec<(usize, String)>,
    /// Name mentions joined so far.
    pub(super) names: usize,
    honorific: Option<String>,
    pub person: bool,
    pub(super) gender: Gender,
    /// The gender is only a first name's ("Terry" is not always a man's).
    pub(super) gender_weak: bool,
    /// The gender its names give (a first name, a title), never a pronoun's: the
    /// rules' pronoun links set `gender` too, and they are often wrong (a pronoun
    /// resolver's candidate must not clash with this one).
    pub(super) named_gender: Gender,
    /// `named_gender` is only a first name's.
    pub(super) named_gender_weak: bool,
    /// Words describing the entity (titles, appositions).
    desc: HashSet<String>,
    /// Token index of the latest mention.
    last: usize,
}

impl Cluster {
    /// A cluster with no mentions yet, last seen at token `last`.
    fn empty(last: usize) -> Cluster {
        Cluster {
            forms: Vec::new(),
            longest: 0,
            display: Vec::new(),
            names: 0,
            honorific: None,
            person: false,
            gender: Gender::Unknown,
            gender_weak: false,
            named_gender: Gender::Unknown,
            named_gender_weak: false,
            desc: HashSet::default(),
            last,
        }
    }

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

    /// Shaped like a person's name: some form has two or more words, and no word is
    /// an acronym or marks an organisation, office or place ("NBC News", "White
    /// House", "Lusa News Agency").
    pub(super) fn person_shaped(&self) -> bool {
        let org = |w: &str| {
            lexicon::in_list(w, lexicon::list::ORG_WORDS | lexicon::list::COMPLEMENT) || w == "news"
        };
        self.forms.iter().any(|f| f.len() >= 2)
            && !self.forms.iter().flatten().any(|w| org(w))
            && !self
                .display
                .iter()
                .any(|(_, d)| d.split_whitespace().any(is_acronym))
    }

    /// Named like an organisation: a word of an organisation, office or company
    /// ("Ministry", "Party", "Inc") or an acronym ("NATO").
    pub(super) fn organisation_shaped(&self) -> bool {
        self.forms
            .iter()
            .flatten()
            .any(|w| lexicon::in_list(w, lexicon::list::ORG_WORDS))
            || self.forms.iter().any(|f| {
                f.last()
                    .is_some_and(|w| COMPANY_SUFFIXES.contains(&w.as_str()))
            })
            || self
                .display
                .iter()
                .any(|(_, d)| d.split_whitespace().any(is_acronym))
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
    /// The mention a relative pronoun stands for ("the Saudi government, which …"),
    /// named after it where it has no cluster.
    antecedent: Vec<Option<usize>>,
    /// The clusters by the words of their forms (see [`NameIndex`]).
    index: NameIndex,
    /// Every he/she-family pronoun ([`coref::site_at`]) with the cluster it stands for.
    pub pronouns: Vec<PronounAt>,
    /// With [`Resolver::record`]: each pronoun's candidates and their features.
    pub recorded: Vec<Recorded>,
}

/// A he/she-family pronoun of the document and the cluster it stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PronounAt {
    pub site: Site,
    /// Its mention (he/she are speaker candidates; him, his … are not).
    pub mention: Option<usize>,
    /// How many mentions come before it.
    pub before: usize,
    pub cluster: Option<usize>,
}

/// How pronouns are resolved: by the trained model where there is one (else by the
/// hand rule), and whether their candidates are kept for training.
#[derive(Clone, Copy, Default)]
pub(crate) struct Resolver<'m> {
    pub model: Option<&'m PronounModel>,
    pub record: bool,
    /// The word-tag table when there is no model yet (training's first round).
    pub tags: &'m [(String, u8)],
    /// The name-kind table likewise.
    pub name_kinds: &'m [(String, f32)],
}

impl Entities {
    /// The cluster of mention `i`, if it has one.
    fn cluster_of(&self, i: usize) -> Option<&Cluster> {
        self.of
            .get(i)
            .copied()
            .flatten()
            .and_then(|c| self.clusters.get(c))
    }

    /// Whether mention `i` belongs to a cluster known to be a person.
    fn is_person(&self, i: usize) -> bool {
        self.cluster_of(i).is_some_and(|c| c.person)
    }
}

/// One word of the [`NameIndex`]: its byte mask (ASCII only), length and clusters.
#[derive(Debug, Clone)]
struct IndexedWord {
    word: String,
    ascii: bool,
    /// `within_two_edits`' byte mask, for a quick rejection.
    mask: u64,
    /// The clusters having a form that starts or ends with this word, ascending.
    clusters: Vec<usize>,
    /// Positions in `NameIndex::words` of the other words [`similar`] to this one
    /// (empty unless it is a [`long_word`]).
    similar: Vec<usize>,
}

/// Clusters by the last words of their forms (with their spelling variants) and
/// by the first words of their multi-word forms (exactly), so that a name is
/// scored only against clusters that can match it (see [`NameIndex::candidates`]).
#[derive(Debug, Clone, Default)]
struct NameIndex {
    /// The last words of forms.
    words: Vec<IndexedWord>,
    /// The first word of a multi-word form → the clusters having one, ascending.
    first_words: super::FastMap<String, Vec<usize>>,
    /// Word → position in `words`.
    by_word: super::FastMap<String, usize>,
    /// Character count → positions in `words` of the long words ([`long_word`]) of
    /// that length.
    long_by_len: Vec<Vec<usize>>,
}

/// Inserts `ci` into the ascending list `cs` unless it is there.
fn insert_sorted(cs: &mut Vec<usize>, ci: usize) {
    // Clusters come mostly in ascending order, a cluster's own words repeatedly.
    if cs.last() != Some(&ci) {
        let at = cs.partition_point(|&c| c < ci);
        if cs.get(at) != Some(&ci) {
            cs.insert(at, ci);
        }
    }
}

fn byte_mask(w: &[u8]) -> u64 {
    w.iter().fold(0u64, |m, &c| m | 1 << (c & 63))
}

impl NameIndex {
    /// Records that cluster `ci` has the form `key`.
    fn add_form(&mut self, key: &[String], ci: usize) {
        let Some(last) = key.last() else { return };
        self.add_last(last, ci);
        if let (Some(first), true) = (key.first(), key.len() >= 2) {
            let cs = self.first_words.entry(first.clone()).or_default();
            insert_sorted(cs, ci);
        }
    }

    /// Records that cluster `ci` has a form ending with `w`.
    fn add_last(&mut self, w: &str, ci: usize) {
        let wi = match self.by_word.get(w) {
            Some(&wi) => wi,
            None => {
                let wi = self.words.len();
                let ascii = w.is_ascii();
                // Similarity is symmetric (an edit distance), so a new word's
                // similar words are found once, and it joins their lists.
                let mut similar = Vec::new();
                self.scan_similar(w, |x| similar.push(x));
                for &x in &similar {
                    self.words[x].similar.push(wi);
                }
                self.words.push(IndexedWord {
                    word: w.to_string(),
                    ascii,
                    mask: if ascii { byte_mask(w.as_bytes()) } else { 0 },
                    clusters: Vec::new(),
                    similar,
                });
                self.by_word.insert(w.to_string(), wi);
                if long_word(w) {
                    let len = w.chars().count();
                    if self.long_by_len.len() <= len {
                        self.long_by_len.resize(len + 1, Vec::new());
                    }
                    self.long_by_len[len].push(wi);
                }
                wi
            }
        };
        insert_sorted(&mut self.words[wi].clusters, ci);
    }

    /// Calls `f` with the position of every indexed word other than `sur` that is
    /// [`similar`] to it (none unless `sur` is a [`long_word`]). The length
    /// difference (in characters) and, for ASCII words, the byte masks are lower
    /// bounds of the edit distance (as in [`within_two_edits`]), so words failing
    /// them are skipped without changing the result.
    fn scan_similar(&self, sur: &str, mut f: impl FnMut(usize)) {
        if !long_word(sur) {
            return;
        }
        let len = sur.chars().count();
        let sur_ascii = sur.is_ascii();
        let sm = if sur_ascii {
            byte_mask(sur.as_bytes())
        } else {
            0
        };
        let lo = len.saturating_sub(2);
        let hi = (len + 2).min(self.long_by_len.len().saturating_sub(1));
        for l in lo..=hi {
            let Some(ws) = self.long_by_len.get(l) else {
                continue;
            };
            // The latest words of each length only (a bound: a text of thousands of
            // distinct surnames stays linear; news has tens).
            for &wi in &ws[ws.len().saturating_sub(NAME_WINDOW)..] {
                let w = &self.words[wi];
                if w.ascii
                    && sur_ascii
                    && ((w.mask & !sm).count_ones() > 2 || (sm & !w.mask).count_ones() > 2)
                {
                    continue;
                }
                if w.word != sur && within_two_edits(&w.word, sur) {
                    f(wi);
                }
            }
        }
    }

    /// Into `out` (sorted, without duplicates): the clusters having a form whose
    /// last word is [`similar`] to `sur`, and for a single-word name (`single`)
    /// those having a multi-word form starting with `sur`. An indexed `sur` has its
    /// similar words listed; another is compared with the indexed words.
    ///
    /// Only the latest [`NAME_WINDOW`] clusters are kept, and each list gives only its
    /// latest (lists are ascending, so the latest of the union are among them): a text
    /// of thousands of similar names stays linear.
    fn candidates(&self, sur: &str, single: bool, out: &mut Vec<usize>) {
        fn latest(cs: &[usize]) -> &[usize] {
            &cs[cs.len().saturating_sub(NAME_WINDOW)..]
        }
        out.clear();
        if single {
            if let Some(cs) = self.first_words.get(sur) {
                out.extend_from_slice(latest(cs));
            }
        }
        if let Some(&wi) = self.by_word.get(sur) {
            let w = &self.words[wi];
            out.extend_from_slice(latest(&w.clusters));
            for &x in latest(&w.similar) {
                out.extend_from_slice(latest(&self.words[x].clusters));
            }
        } else {
            self.scan_similar(sur, |x| {
                out.extend_from_slice(latest(&self.words[x].clusters));
            });
        }
        out.sort_unstable();
        out.dedup();
        if out.len() > NAME_WINDOW {
            out.drain(..out.len() - NAME_WINDOW);
        }
    }
}

impl Entities {
    /// The mention a relative pronoun stands for, if one was found.
    pub fn antecedent_of(&self, i: usize) -> Option<usize> {
        self.antecedent.get(i).copied().flatten()
    }

    /// Names mentions: a mention's cluster's canonical name, else its text. Each
    /// cluster's canonical name is computed once (it costs time in its mention count).
    pub fn namer<'e>(&'e self, v: &'e View, ms: &'e [Mention]) -> impl FnMut(usize) -> String + 'e {
        let mut canon: Vec<Option<String>> = vec![None; self.clusters.len()];
        move |i| {
            // A relative pronoun without a cluster is named as its antecedent.
            let i = match self.of.get(i).copied().flatten() {
                None => self.antecedent.get(i).copied().flatten().unwrap_or(i),
                Some(_) => i,
            };
            match self.of.get(i).copied().flatten() {
                Some(c) if c < self.clusters.len() => canon[c]
                    .get_or_insert_with(|| self.clusters[c].canonical())
                    .clone(),
                _ => ms.get(i).map(|m| mention_text(v, m)).unwrap_or_default(),
            }
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
        if t.sent() != m.sent || t.quote() != v.toks[s].quote() {
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
            && v.toks[j].sent() == m.sent
        {
            if v.toks[j].is_word() {
                out.push(v.toks[j].lower.to_string());
            }
            j += 1;
        }
    }
    out.retain(|w| !matches!(w.as_str(), "of" | "the" | "for" | "and" | "'s"));
    for w in out.iter_mut() {
        let n = without_final_period(w).len();
        w.truncate(n);
    }
    out
}

/// A description word without an abbreviation's final period, which the tokenizer
/// keeps or not ("u.n" in "U.N. Secretary-General …", "u.n." in "the U.N. chief").
fn without_final_period(w: &str) -> &str {
    if w.len() > 2 {
        w.strip_suffix('.').unwrap_or(w)
    } else {
        w
    }
}

/// Clusters the mentions of one document.
/// `speaks[i]`: mention `i` is the subject the rules give a quote's cue.
///
/// # Errors
/// When `budget` stops the work (checked every few hundred mentions).
pub(crate) fn resolve(
    v: &View,
    ms: &[Mention],
    speaks: &[bool],
    budget: &Budget,
) -> Result<Entities> {
    let mut ents = Entities {
        clusters: Vec::new(),
        of: vec![None; ms.len()],
        antecedent: vec![None; ms.len()],
        index: NameIndex::default(),
        pronouns: Vec::new(),
        recorded: Vec::new(),
    };
    // Object, possessive and reflexive pronouns are no speaker candidates: they are
    // resolved here, in text order among the mentions, for the entity layer only.
    let oblique: Vec<Site> = (0..v.toks.len())
        .filter_map(|k| coref::site_at(v, k))
        .filter(|s| s.form != coref::Form::Subject)
        .collect();
    let mut next_oblique = 0;
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
        budget.tick("entities")?;
        while let Some(&site) = oblique.get(next_oblique).filter(|s| s.tok < m.toks.start) {
            next_oblique += 1;
            let cluster = rule_site(v, ms, &by_sent, speaks, (site, i), &ents, budget);
            ents.pronouns.push(PronounAt {
                site,
                mention: None,
                before: i,
                cluster,
            });
        }
        let assigned = match m.kind {
            MentionKind::Name => assign_name(v, m, &mut ents, budget),
            MentionKind::Nominal if m.person => assign_nominal(v, m, &ents, budget),
            MentionKind::Nominal if !m.in_quote => {
                // "the ministry", "the company": named after the organisation; the
                // clusters (and the ranker's features) stay as they are.
                ents.antecedent[i] = org_antecedent(v, ms, i, &ents)
                    .or_else(|| group_antecedent(v, ms, i, &ents, speaks));
                None
            }
            MentionKind::Pronoun(Pronoun::He | Pronoun::She) => match coref::site_at(v, m.head) {
                Some(site) => {
                    let cluster = rule_site(v, ms, &by_sent, speaks, (site, i), &ents, budget);
                    ents.pronouns.push(PronounAt {
                        site,
                        mention: Some(i),
                        before: i,
                        cluster,
                    });
                    cluster
                }
                None => None,
            },
            MentionKind::Relative => {
                // The noun phrase before ", who said" (or "— who", "officials who").
                let mut k = m.toks.start;
                while k > 0 && matches!(v.lower(k - 1), "," | "\u{2014}" | "\u{2013}" | "-" | "--")
                {
                    k -= 1;
                }
                let mut j = ending
                    .get(&k)
                    .and_then(|js| js[..js.partition_point(|&j| j < i)].last().copied());
                if let Some(p) = j.and_then(|jj| person_before_place(v, ms, &ending, &ents, jj)) {
                    j = Some(p);
                }
                ents.antecedent[i] = j;
                j.and_then(|j| ents.of[j])
            }
            MentionKind::Pronoun(p @ (Pronoun::They | Pronoun::It)) if !m.in_quote => {
                // Named after what it stands for; the clusters (and so the ranker's
                // same-entity features) are left as they are.
                ents.antecedent[i] = nonperson_antecedent(v, ms, &by_sent, i, p, &ents, budget);
                None
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
    for &site in &oblique[next_oblique..] {
        budget.tick("entities")?;
        let cluster = rule_site(v, ms, &by_sent, speaks, (site, ms.len()), &ents, budget);
        ents.pronouns.push(PronounAt {
            site,
            mention: None,
            before: ms.len(),
            cluster,
        });
    }
    // A headline's role ("UN chief warns …") names a person the text introduces
    // after it: matched by description only, once all clusters are known.
    let headline = v
        .sents
        .first()
        .is_some_and(|s| s.title || v.sents.get(1).is_some_and(|n| n.para != s.para));
    if headline {
        // Not a person the headline names besides ("Saudi prince mocks Trump": the
        // words before a name may be taken for its description).
        let in_headline: Vec<usize> = ms
            .iter()
            .zip(&ents.of)
            .filter(|(m, _)| m.sent == 0)
            .filter_map(|(_, c)| *c)
            .collect();
        for (i, m) in ms.iter().enumerate() {
            if m.sent == 0 && ents.of[i].is_none() && m.kind == MentionKind::Nominal && m.person {
                ents.of[i] =
                    assign_nominal_among(v, m, &ents, true).filter(|c| !in_headline.contains(c));
            }
        }
    }
    // "A Kremlin spokesman, Dmitry Peskov, said": a person's role set off before
    // their name is that person (the name comes later in text order, so afterwards).
    for (i, m) in ms.iter().enumerate() {
        if m.kind != MentionKind::Nominal || !m.person || m.in_quote || v.lower(m.toks.end) != "," {
            continue;
        }
        let j = ms.partition_point(|n| n.toks.start < m.toks.end + 1);
        let Some(n) = ms.get(j).filter(|n| n.toks.start == m.toks.end + 1) else {
            continue;
        };
        let closed =
            v.lower(n.toks.end) == "," || v.get(n.toks.end).is_some_and(|t| t.cue.is_some());
        // A lowercase role ("Representative Peter T. King, Republican of New York,"
        // is a name and its description), before a name that is no organisation's.
        let org = (n.toks.start..n.toks.end)
            .any(|k| v.toks[k].is(lexicon::list::ORG_WORDS) || is_acronym(v.tok_text(k)));
        if n.kind == MentionKind::Name
            && n.sent == m.sent
            && closed
            && !v.toks[m.head].cap
            && !org
            && ents.of[j].is_some()
        {
            ents.of[i] = ents.of[j];
        }
    }
    Ok(ents)
}

/// "Allan Lichtman, a historian at American University who …", "Alan Berger, a
/// gynecologist from Englewood, New Jersey, who …": when the mention `jj` before a
/// relative pronoun is a place or institution after a preposition, the person
/// named before it, set off by a comma, whom the phrase describes.
/// `ending`: the non-possessive mentions by their end token.
fn person_before_place(
    v: &View,
    ms: &[Mention],
    ending: &super::FastMap<usize, Vec<usize>>,
    ents: &Entities,
    jj: usize,
) -> Option<usize> {
    let a = &ms[jj];
    if a.kind != MentionKind::Name || ents.is_person(jj) {
        return None;
    }
    let prep = |k: usize| k > 0 && matches!(v.lower(k - 1), "of" | "at" | "from" | "in" | "for");
    // "from Englewood, New Jersey, who": the place's first part.
    let governed = prep(a.toks.start)
        || a.toks.start > 1
            && v.lower(a.toks.start - 1) == ","
            && ending.get(&(a.toks.start - 1)).is_some_and(|js| {
                js.iter()
                    .any(|&p| ms[p].kind == MentionKind::Name && prep(ms[p].toks.start))
            });
    if !governed {
        return None;
    }
    (jj.saturating_sub(6)..jj).rev().find(|&p| {
        let b = &ms[p];
        b.sent == a.sent
            && a.toks.start - b.toks.end <= 10
            && v.lower(b.toks.end) == ","
            && b.kind == MentionKind::Name
            && !b.possessive
            && ents.is_person(p)
    })
}

/// The best of clusters `cands` (ascending) for the name `key`: the highest score,
/// among equals the most recent, among those the first; `None` if all score 0.
fn best_cluster(
    clusters: &[Cluster],
    cands: impl Iterator<Item = usize>,
    key: &[String],
    gender: Gender,
) -> Option<(usize, usize)> {
    let (Some(sur), Some(first)) = (key.last(), key.first()) else {
        return None;
    };
    let (sur, first) = (sur.as_str(), first.as_str());
    let phrase = is_phrase_name(key);
    // (score, cluster); the score's first part says the genders agree.
    let mut best: Option<((bool, usize), usize)> = None;
    for ci in cands {
        let c = &clusters[ci];
        // "Mrs. Clinton" is not "Bill Clinton"; a cluster whose gender is only a first
        // name's is taken against it when nothing else fits ("Ms. Kramer" after
        // "Terry Allen Kramer").
        let conflict =
            gender != Gender::Unknown && c.gender != Gender::Unknown && c.gender != gender;
        if conflict && !c.gender_weak {
            continue;
        }
        let score = if c.forms.iter().any(|f| f == key) {
            4
        } else if phrase || c.forms.iter().any(|f| is_phrase_name(f)) {
            // A name built with "of"/"for" ("Bank of Japan", "the White House East
            // Room for Obama") is not known by its last word: it joins, and is joined
            // by, only the same name.
            0
        } else if c.surname().is_some_and(|s| similar(s, sur)) {
            // First names must agree where both are given.
            // "Van Voorhis" is a surname with its particle, not a first name.
            let compatible = key.len() == 1
                || is_name_particle(first)
                || c.forms
                    .iter()
                    .all(|f| f.len() == 1 || first_words_agree(&f[0], first));
            if compatible {
                3
            } else {
                0
            }
        } else if key.len() == 1
            && c.forms.iter().any(|f| f.len() >= 2 && f[0] == first)
            && (lexicon::in_list(
                first,
                lexicon::list::FEMALE_NAMES | lexicon::list::MALE_NAMES,
            ) || !c
                .surname()
                .is_some_and(|s| c.forms.iter().any(|f| f.len() == 1 && f[0] == s)))
        {
            // "Hillary" → "Hillary Clinton"; a family name given first ("Xi" →
            // "Xi Jinping"), where the last word is never used alone.
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
            let score = (!conflict, score);
            // Most recent among equals.
            let better = match best {
                None => true,
                Some((bs, bc)) => score > bs || (score == bs && c.last > clusters[bc].last),
            };
            if better {
                best = Some((score, ci));
            }
        }
    }
    best.map(|((_, score), ci)| (score, ci))
}

/// A name joined by "of" or "for" after its first word: an organisation, a place or
/// an office ("Bank of Japan", "Center for Responsive Politics"), not a person's
/// name with a surname at its end.
fn is_phrase_name(key: &[String]) -> bool {
    key.iter()
        .skip(1)
        .any(|w| matches!(w.as_str(), "of" | "for"))
}

fn assign_name(v: &View, m: &Mention, ents: &mut Entities, budget: &Budget) -> Option<usize> {
    let words = name_words(v, m);
    if words.is_empty() {
        return None;
    }
    let display_start = words.first().map(|w| w.1).unwrap_or(m.head);
    let display_end = words.last().map(|w| w.1 + 1).unwrap_or(m.head + 1);
    let key: Vec<String> = words.into_iter().map(|w| w.0).collect();
    let sur = key.last()?.as_str();
    // Only the index's candidates are scored. Every cluster scoring above 0 is one:
    // - 4: `key` is one of its forms, whose last word is `sur` itself;
    // - 3 (surname): its surname, the last word of a form, is similar to `sur`;
    // - 2: a single-word `key` (so `first == sur`) is the first word of a form of
    //   two or more words;
    // - 3 (single-word forms): a form's only word, so its last, is similar to `sur`;
    // and the index holds the last words of all forms of all clusters with their
    // similar words, and the first words of all their multi-word forms.
    // Clusters not scored would score 0, which `best_cluster` skips anyway, and
    // the candidates come in ascending order as in a scan of all clusters, so the
    // best cluster, ties included, is the same. (`index_picks_as_scan` tests this.)
    let mut cands = Vec::new();
    // The latest clusters only: a text of thousands of "X Inc" would otherwise
    // compare each name with all before it.
    ents.index.candidates(sur, key.len() == 1, &mut cands);
    budget.spend(cands.len() as u64);
    let best = best_cluster(&ents.clusters, cands.iter().copied(), &key, m.gender)
        .or_else(|| expansion_of(v, m, &key, ents).map(|c| (4, c)));
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
            ents.clusters.push(Cluster::empty(m.toks.start));
            ents.clusters.len() - 1
        }
    };
    let c = &mut ents.clusters[ci];
    let key_len = key.len();
    // A person has a few forms; a cluster that gathers more (a text of thousands of
    // near-identical names) keeps its first MAX_FORMS, so comparing with it stays cheap.
    if c.forms.len() < MAX_FORMS && !c.forms.contains(&key) {
        ents.index.add_form(&key, ci);
        c.add_form(key);
    }
    // Distinct display names only, at most MAX_FORMS of them (a text of thousands of
    // mentions of one name must not make every scan of them long); a longer name
    // replaces the shortest, so the canonical name stays the longest.
    c.names += 1;
    if !c.display.iter().any(|d| d.1 == display) {
        if c.display.len() < MAX_FORMS {
            c.display.push((key_len, display));
        } else if let Some(k) =
            (0..c.display.len()).min_by_key(|&k| (c.display[k].0, c.display[k].1.len()))
        {
            if (key_len, display.len()) > (c.display[k].0, c.display[k].1.len()) {
                c.display[k] = (key_len, display);
            }
        }
    }
    if c.honorific.is_none() {
        c.honorific = hon;
    }
    c.person |= m.person;
    // A title's gender ("Ms.") overrides a first name's.
    let weak = m.gender != Gender::Unknown && !titled_gender(m);
    offer_gender((&mut c.gender, &mut c.gender_weak), m.gender, weak);
    // A name of one word that the first-name table knows ("Pam", "Brent") gives the
    // named gender too (weak), though not `gender`: the rules take such a word
    // for a surname as well ("Thomas said").
    let (named, named_weak) = match (&m.name, m.gender) {
        (Some(r), Gender::Unknown) if r.len() == 1 => (
            super::mentions::tok_first_name_gender(&v.toks[r.start]),
            true,
        ),
        _ => (m.gender, weak),
    };
    offer_gender(
        (&mut c.named_gender, &mut c.named_gender_weak),
        named,
        named_weak,
    );
    c.desc.extend(desc);
    c.last = m.toks.start;
    Some(ci)
}

/// An acronym's expansion named before it ("The World Health Organization (WHO)" …
/// "WHO"): the latest cluster whose longest form's initials, short words left
/// out, spell it.
fn expansion_of(v: &View, m: &Mention, key: &[String], ents: &Entities) -> Option<usize> {
    let [word] = key else { return None };
    let raw = m.name.as_ref().map(|r| v.tok_text(r.start)).unwrap_or("");
    if !is_acronym(raw) {
        return None;
    }
    let start = ents.clusters.len().saturating_sub(CLUSTER_WINDOW);
    (start..ents.clusters.len()).rev().find(|&ci| {
        ents.clusters[ci]
            .forms
            .get(ents.clusters[ci].longest)
            .is_some_and(|f| {
                let initials: String = f
                    .iter()
                    .filter(|w| !matches!(w.as_str(), "of" | "the" | "and" | "for" | "&" | "on"))
                    .filter_map(|w| w.chars().next())
                    .collect();
                f.len() >= 2 && initials == *word
            })
    })
}

/// Whether a mention's gender comes from a title ("Mrs.", "Mr.") rather than a first name.
/// Takes gender `g` (`weak`: only a first name's) into a cluster's `(gender, weak)`
/// when it has none yet, or a first name's only and `g` is a title's.
fn offer_gender((gender, gender_weak): (&mut Gender, &mut bool), g: Gender, weak: bool) {
    if *gender == Gender::Unknown || *gender_weak && !weak && g != Gender::Unknown {
        *gender = g;
        *gender_weak = weak;
    }
}

fn titled_gender(m: &Mention) -> bool {
    gender_of_words(m.desc.iter().map(|s| s.as_str())) != Gender::Unknown
}

/// "the Hamas chief", "The Leader of the Islamic Revolution": the person whose
/// description shares the most words, else (for definite role nouns) the most recent person.
fn assign_nominal(v: &View, m: &Mention, ents: &Entities, budget: &Budget) -> Option<usize> {
    budget.spend(CLUSTER_WINDOW.min(ents.clusters.len()) as u64);
    assign_nominal_among(v, m, ents, false)
}

/// The words of a role that name an institution, with the words a person's
/// description uses for it ("the Kremlin leader" is the "Russian President").
fn institution_aliases(w: &str) -> &'static [&'static str] {
    match w {
        "kremlin" => &["russian", "russia"],
        "un" | "u.n" => &["united", "nations", "u.n", "un"],
        "us" | "u.s" => &["american", "u.s", "us", "united", "states"],
        "american" => &["u.s", "us"],
        _ => &[],
    }
}

/// The person clusters among the last [`CLUSTER_WINDOW`] made, with their indices,
/// in the order they were made.
fn latest_persons(ents: &Entities) -> impl Iterator<Item = (usize, &Cluster)> {
    let from = ents.clusters.len().saturating_sub(CLUSTER_WINDOW);
    ents.clusters
        .iter()
        .enumerate()
        .skip(from)
        .filter(|(_, c)| c.person)
}

/// [`assign_nominal`], or with `ahead` among all persons by description only (a
/// headline's "UN chief" before the text names Antonio Guterres).
fn assign_nominal_among(v: &View, m: &Mention, ents: &Entities, ahead: bool) -> Option<usize> {
    let det = v.lower(m.toks.start);
    // "His father" opening a sentence is capitalised, but is someone else than "him".
    let definite = matches!(det, "the" | "this" | "that")
        || v.toks[m.toks.start].cap && lexicon::possessive_pronoun(det).is_none();
    if !definite {
        return None;
    }
    let head = v.toks[m.head].lower.as_str();
    let words: Vec<&str> = m
        .desc
        .iter()
        .map(|s| s.as_str())
        .filter(|w| *w != head && !matches!(*w, "the" | "of" | "a" | "an"))
        .map(without_final_period)
        .collect();
    let aliases: Vec<&str> = words
        .iter()
        .flat_map(|w| institution_aliases(w).iter().copied())
        .collect();
    let mut best: Option<(usize, usize)> = None;
    // The latest clusters only (a bound: a long text full of names and "the
    // minister" stays linear).
    for (ci, c) in latest_persons(ents) {
        if !ahead && c.last > m.toks.start {
            continue;
        }
        // An institution counts once, by its name or by a word for it.
        let alias_hit = !words.iter().any(|w| c.desc.contains(*w))
            && aliases.iter().any(|w| c.desc.contains(*w));
        let mut score = 0;
        if c.desc.contains(head) {
            score += 2;
        }
        score += words.iter().filter(|w| c.desc.contains(**w)).count();
        score += usize::from(alias_hit);
        // "chief" for a secretary-general, a director, a head (ahead only: there a
        // lone descriptive word is too weak, so two must agree).
        if ahead && head == "chief" && !c.desc.contains(head) {
            let titles = [
                "secretary-general",
                "director",
                "head",
                "leader",
                "president",
            ];
            score += usize::from(titles.iter().any(|t| c.desc.contains(*t)));
        }
        if score == 0 || (ahead && score < 2) {
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
    if ahead {
        return None;
    }
    // "the next president", "the new speaker": someone other than those named so far.
    // "the prince", "the pope": only someone introduced with the title.
    if !is_role(head)
        || lexicon::is_title_noun(head)
        || words
            .iter()
            .any(|w| matches!(*w, "next" | "new" | "former" | "late"))
    {
        return None;
    }
    // The most recent person, unless their description gives them another role
    // ("the judge" is not the "Republican nominee" named last).
    latest_persons(ents)
        .filter(|(_, c)| c.last <= m.toks.start)
        .max_by_key(|(_, c)| c.last)
        .filter(|(_, c)| !c.desc.iter().any(|w| is_role(w)))
        .map(|(i, _)| i)
}

/// How many mentions back a pronoun looks for what it stands for, whatever its
/// sentence rules say (news sentences hold a few; a sentence of thousands of "he"
/// must not make the pass quadratic).
const MENTION_WINDOW: usize = 256;

/// How many candidate clusters a name is compared with, and how many indexed words
/// of each length a new surname is compared with: the latest (news articles name a
/// few tens of people and organisations).
const NAME_WINDOW: usize = 64;

/// Most name forms one cluster keeps (see `assign_name`).
const MAX_FORMS: usize = 32;

/// How many clusters, the latest made, a description ("the minister") is compared
/// with (news articles have tens).
const CLUSTER_WINDOW: usize = 256;

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

/// The hand rule's cluster for the pronoun at `site`, `i` mentions before it
/// (its own mention `ms[i]` for he/she).
fn rule_site(
    v: &View,
    ms: &[Mention],
    by_sent: &SentIndex,
    speaks: &[bool],
    (site, i): (Site, usize),
    ents: &Entities,
    budget: &Budget,
) -> Option<usize> {
    let p = if site.female {
        Pronoun::She
    } else {
        Pronoun::He
    };
    let own;
    let m = match ms.get(i).filter(|m| m.toks.start == site.tok) {
        Some(m) => m,
        None => {
            own = super::mentions::simple(v, site.tok, MentionKind::Pronoun(p));
            &own
        }
    };
    assign_pronoun(v, ms, by_sent, (m, i), p, ents, None, budget)
        .or_else(|| assign_pronoun(v, ms, by_sent, (m, i), p, ents, Some(speaks), budget))
}

/// The trained resolver's second look at every pronoun, in text order, once all
/// names are clustered (so a name after the pronoun can be its antecedent: "After
/// her sophomore year, Lofgren …"). Each pick replaces the rule's at once, and the
/// entity the last he (she) was taken for stays a candidate however far back it was
/// named (a biography's subject).
pub(crate) fn rerank_pronouns(
    v: &View,
    ms: &[Mention],
    speaks: &[bool],
    ents: &mut Entities,
    resolver: Resolver,
    budget: &Budget,
) -> Result<()> {
    let model = resolver.model.filter(|m| m.usable());
    if model.is_none() && !resolver.record {
        return Ok(());
    }
    let mut cands = Vec::new();
    // Per gender (he, she): the entity the latest such pronoun stands for, and its sentence.
    let mut chain: [Option<(usize, usize)>; 2] = [None, None];
    let tags: &[(String, u8)] = model.map_or(resolver.tags, |m| &m.tags);
    let name_kinds: &[(String, f32)] = model.map_or(resolver.name_kinds, |m| &m.name_kinds);
    let topic = ms
        .iter()
        .zip(&ents.of)
        .find(|(m, c)| m.kind == MentionKind::Name && c.is_some())
        .and_then(|(_, c)| *c);
    // Clusters named after "in", "at", "across" …: places, mostly.
    let mut locative = vec![false; ents.clusters.len()];
    for (m, c) in ms.iter().zip(&ents.of) {
        let Some(c) = *c else { continue };
        let s = m.toks.start;
        if s > 0
            && matches!(
                v.lower(s - 1),
                "in" | "at" | "across" | "throughout" | "near" | "outside" | "inside" | "into"
            )
        {
            locative[c] = true;
        }
    }
    for k in 0..ents.pronouns.len() {
        budget.tick("entities")?;
        let at = ents.pronouns[k];
        let g = usize::from(at.site.female);
        let cx = coref::Context {
            chain: chain[g],
            tags,
            topic,
            locative: &locative,
            name_kinds,
        };
        coref::candidates(v, ms, ents, speaks, &at, &cx, &mut cands);
        budget.spend(cands.len() as u64);
        if resolver.record {
            ents.recorded.push(Recorded {
                site: at.site,
                cands: cands.clone(),
            });
        }
        let pick = model.map_or(at.cluster, |m| coref::choose(m, &cands));
        ents.pronouns[k].cluster = pick;
        if let Some(i) = at.mention {
            ents.of[i] = pick;
        }
        if let Some(c) = pick {
            chain[g] = Some((c, v.toks[at.site.tok].sent()));
        }
    }
    Ok(())
}

/// he/she: the nearest earlier sentence's first compatible person (a subject), or in
/// the same sentence the first compatible person before the pronoun. With
/// `speakers` (the fallback when no person fits), a name with no evidence of a
/// person counts as one when it is shaped like a person's name and the rules made
/// it the subject of a cue ("Takeshi Minami … Minami said." … "he said").
#[allow(clippy::too_many_arguments)]
fn assign_pronoun(
    v: &View,
    ms: &[Mention],
    by_sent: &SentIndex,
    (m, i): (&Mention, usize),
    p: Pronoun,
    ents: &Entities,
    speakers: Option<&[bool]>,
    budget: &Budget,
) -> Option<usize> {
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
        let person = match speakers {
            None => cl.person,
            Some(sp) => {
                !cl.person
                    && a.kind == MentionKind::Name
                    && sp.get(j).copied().unwrap_or(false)
                    && cl.person_shaped()
                    // Title-case headlines: capitalised words are no evidence of names.
                    && v.sents.get(a.sent).is_some_and(|s| !s.title)
            }
        };
        (person && compatible && !matches!(a.kind, MentionKind::Pronoun(q) if q != p)).then_some(c)
    };
    let mut sent = m.sent;
    let mut j_end = i;
    // The fallback looks less far back: the evidence is weaker.
    let reach = if speakers.is_some() { 2 } else { 8 };
    // Never further back than the window, however many mentions a sentence holds.
    let lo = i.saturating_sub(MENTION_WINDOW);
    for _ in 0..reach {
        // Mentions of sentence `sent` before j_end.
        let first = by_sent.first_in(j_end, sent);
        if let Some(f) = first {
            for j in f.max(lo)..j_end {
                budget.spend(1);
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
        if j_end <= lo {
            break;
        }
    }
    None
}

/// How many mentions back "the ministry" looks for the ministry's name (a long
/// article holds a few hundred mentions).
const ORG_LOOKBACK: usize = 500;

/// Company name endings ("Tesla Inc", "Didi Chuxing Technology Co Ltd").
const COMPANY_SUFFIXES: &[&str] = &[
    "inc", "corp", "co", "ltd", "plc", "llc", "group", "holdings", "ag", "sa", "nv",
];

/// A definite singular organisation noun ("the ministry", "the company", "this
/// agency"): the latest organisation named before it whose name holds that noun
/// ("China's Ministry of Transport"), or for "the company" / "the firm" one whose
/// name ends like a company's ("Didi Chuxing Technology Co Ltd").
fn org_antecedent(v: &View, ms: &[Mention], i: usize, ents: &Entities) -> Option<usize> {
    let m = &ms[i];
    let det = v.lower(m.toks.start);
    if !matches!(det, "the" | "this") || m.toks.len() != 2 {
        return None;
    }
    let head = v.lower(m.head);
    if !lexicon::in_list(head, lexicon::list::ORG_WORDS) {
        return None;
    }
    let company = matches!(head, "company" | "firm");
    // A name of two words or more: a capitalised "Poll" or "Police" alone is no name.
    let fits = |c: &Cluster| {
        !c.person
            && c.forms.iter().any(|f| {
                f.len() >= 2
                    && (f.iter().any(|w| w == head)
                        || company
                            && f.last()
                                .is_some_and(|w| COMPANY_SUFFIXES.contains(&w.as_str())))
            })
    };
    // The latest mention before it of a fitting cluster, outside title-case
    // headlines (whose capitalised words are no evidence of a name), among the
    // last ORG_LOOKBACK mentions: a bound, so a long text full of "the company"
    // stays linear.
    // A name that ends in the noun itself ("The United Auto Workers union") is a
    // nominal with capitalised modifiers: it fits too.
    let named_nominal = |j: usize| {
        let a = &ms[j];
        a.kind == MentionKind::Nominal
            && v.lower(a.head) == head
            && (a.toks.start..a.head).filter(|&k| v.toks[k].cap).count() >= 2
    };
    (i.saturating_sub(ORG_LOOKBACK)..i).rev().find(|&j| {
        !v.sents.get(ms[j].sent).is_some_and(|s| s.title)
            && (ms[j].kind == MentionKind::Name && ents.cluster_of(j).is_some_and(fits)
                || named_nominal(j))
    })
}

/// "Hamas said … The group said …": "the group" (movement, organisation,
/// militia, faction; "the militant group"), itself speaking, after the nearest
/// name that spoke in its sentence or the two before and is not a person's (one
/// word, or shaped like an organisation's). The name must have spoken: a place
/// named in between ("in Gaza") is no group.
fn group_antecedent(
    v: &View,
    ms: &[Mention],
    i: usize,
    ents: &Entities,
    speaks: &[bool],
) -> Option<usize> {
    let m = &ms[i];
    if !speaks.get(i).copied().unwrap_or(false)
        || !matches!(v.lower(m.toks.start), "the" | "this")
        || !(2..=3).contains(&m.toks.len())
        || !matches!(
            v.lower(m.head),
            "group" | "movement" | "organisation" | "organization" | "militia" | "faction"
        )
    {
        return None;
    }
    (i.saturating_sub(40)..i)
        .rev()
        .take_while(|&j| ms[j].sent + 2 >= m.sent)
        .find(|&j| {
            let a = &ms[j];
            a.kind == MentionKind::Name
                && speaks.get(j).copied().unwrap_or(false)
                && !a.in_quote
                && ents.cluster_of(j).is_some_and(|c| {
                    !c.person && (c.forms.iter().all(|f| f.len() == 1) || !c.person_shaped())
                })
        })
}

/// An acronym: two to six capital letters ("IMF", "NHC").
fn is_acronym(s: &str) -> bool {
    (2..=6).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether mention `a` can be what "they" (`plural`) or "it" stands for: for
/// "they" a plural phrase ("officials", "the senators") or the name of a group of
/// people ("Democrats", "Palestinians"); for "it" an organisation or publication,
/// named ("the Justice Department", "IMF") or not ("the company", "the report").
fn fits_nonperson(v: &View, a: &Mention, cluster: Option<&Cluster>, plural: bool) -> bool {
    let head = v.toks[a.head].lower.as_str();
    let plural_head = head.len() > 3 && head.ends_with('s') && !head.ends_with("ss");
    let org = || {
        (a.toks.start..a.toks.end).any(|k| {
            let t = &v.toks[k];
            t.is(lexicon::list::ORG_WORDS) || is_acronym(v.tok_text(k))
        })
    };
    match a.kind {
        MentionKind::Plural => plural,
        MentionKind::Nominal if plural => !a.person && plural_head,
        MentionKind::Nominal => {
            !a.person && !plural_head && v.toks[a.head].is(lexicon::list::ORG_WORDS)
        }
        MentionKind::Name if cluster.is_none_or(|c| c.person) => false,
        // Plural names are groups of people, not places that end in s ("Texas").
        MentionKind::Name if plural => ["ans", "ats", "ists", "ites", "ers"]
            .iter()
            .any(|x| head.ends_with(x)),
        MentionKind::Name => org(),
        _ => false,
    }
}

/// they/it outside quotation marks: the nearest fitting mention before it in its
/// sentence ("upsetting investors when they learned"), else the subject (first mention outside quotation marks) of the
/// nearest earlier sentence that has one, if it fits; a subject that is the same
/// pronoun passes on what that pronoun stands for ("Officials met. They said …
/// They added …"). Nothing when the subject does not fit.
fn nonperson_antecedent(
    v: &View,
    ms: &[Mention],
    by_sent: &SentIndex,
    i: usize,
    p: Pronoun,
    ents: &Entities,
    budget: &Budget,
) -> Option<usize> {
    let m = &ms[i];
    let plural = p == Pronoun::They;
    let fits = |j: usize| {
        budget.spend(1);
        let a = &ms[j];
        let cluster = ents.cluster_of(j);
        !a.possessive && fits_nonperson(v, a, cluster, plural)
    };
    let free = |j: usize| {
        budget.spend(1);
        !ms[j].in_quote
    };
    let f = by_sent.first_in(i, m.sent).unwrap_or(i);
    let lo = i.saturating_sub(MENTION_WINDOW);
    if let Some(j) = (f.max(lo)..i).rev().filter(|&j| free(j)).find(|&j| fits(j)) {
        return Some(j);
    }
    let mut j_end = f;
    let mut sent = m.sent;
    for _ in 0..3 {
        if sent == 0 || j_end == 0 {
            break;
        }
        sent -= 1;
        j_end = by_sent.end_by(j_end, sent);
        let Some(first) = by_sent.first_in(j_end, sent) else {
            continue;
        };
        if j_end <= lo {
            break;
        }
        let Some(subj) = (first.max(lo)..j_end).find(|&j| free(j)) else {
            continue;
        };
        return match ms[subj].kind {
            MentionKind::Pronoun(q) if q == p => ents.antecedent[subj],
            _ => fits(subj).then_some(subj),
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index's candidates pick the same cluster as a scan of all clusters, for
    /// names built from near-duplicate words (similar spellings, shared first
    /// names, single and multi-word forms), clusters growing as in `assign_name`.
    #[test]
    fn index_picks_as_scan() {
        let words = [
            "hillary", "clinton", "clintons", "klinton", "bill", "haniya", "haniyeh", "hanieh",
            "ismail", "sanders", "saunders", "bernie", "trump", "donald", "tramp", "müller",
            "muller", "mueller", "robert", "khamenei", "ali",
        ];
        let mut clusters: Vec<Cluster> = Vec::new();
        let mut index = NameIndex::default();
        let mut cands = Vec::new();
        let mut picked = [0usize; 2];
        // A fixed pseudo-random sequence of one- to three-word names.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for step in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = 1 + (x % 3) as usize;
            let key: Vec<String> = (0..n)
                .map(|k| words[((x >> (8 + 8 * k)) % words.len() as u64) as usize].to_string())
                .collect();
            let scan = best_cluster(&clusters, 0..clusters.len(), &key, Gender::Unknown);
            index.candidates(key.last().unwrap(), n == 1, &mut cands);
            let indexed = best_cluster(&clusters, cands.iter().copied(), &key, Gender::Unknown);
            assert_eq!(indexed, scan, "step {step}: {key:?}");
            picked[usize::from(scan.is_some())] += 1;
            let ci = match scan {
                Some((_, ci)) => ci,
                None => {
                    clusters.push(Cluster::empty(0));
                    clusters.len() - 1
                }
            };
            if !clusters[ci].forms.contains(&key) {
                index.add_form(&key, ci);
                clusters[ci].add_form(key);
            }
            // Recency varies independently of the index, with ties.
            clusters[ci].last = (x >> 40) as usize % 50;
        }
        // Both outcomes were exercised.
        assert!(picked[0] > 10 && picked[1] > 10, "{picked:?}");
    }

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

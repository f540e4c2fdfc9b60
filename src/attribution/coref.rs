//! Pronoun resolution: which entity a he/she-family pronoun (he, him, his, himself,
//! she, her, hers, herself) stands for. The rules propose the candidates — the
//! clusters mentioned in the few sentences before the pronoun, and the pick of the
//! hand rule (`entities::assign_pronoun`) — and a linear model trained on GUM and
//! GAP ([`PronounModel`], linfa logistic regression) scores each: the best above the
//! model's threshold is the antecedent, none above it leaves the pronoun unresolved.
//!
//! Features are computed while the entities are built (in text order), so a row
//! sees only what precedes its pronoun, at training and at analysis time alike.

use super::entities::{Cluster, Entities};
use super::mentions::{Gender, Mention, MentionKind};
use super::view::{Kind, View};
use serde::{Deserialize, Serialize};

/// Bump when the features change: a model of another layout is not used.
pub const FEATURES_VERSION: u32 = 6;

/// Number of features of a (pronoun, candidate entity) pair.
pub const N_FEATURES: usize = 69;

/// How many sentences before its own a pronoun's candidates may be last mentioned in.
const SENTENCES_BACK: usize = 5;

/// How many candidate entities a pronoun is scored against, the latest mentioned.
const MAX_CANDIDATES: usize = 12;

/// How many mentions back the candidates are gathered from (bounded work whatever
/// the sentences hold).
const MENTION_WINDOW: usize = 256;

/// The grammatical form of a pronoun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// he, she
    Subject,
    /// him, hers; "her" before punctuation or a function word
    Object,
    /// his; "her" before a word
    Possessive,
    /// himself, herself
    Reflexive,
}

/// One he/she-family pronoun of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Site {
    pub tok: usize,
    pub female: bool,
    pub form: Form,
}

/// A pronoun token's gender and form, if it is one of the he/she family.
pub(crate) fn site_at(v: &View, k: usize) -> Option<Site> {
    let t = v.toks.get(k)?;
    if t.kind != Kind::Word {
        return None;
    }
    let (female, form) = match t.lower.as_str() {
        "he" => (false, Form::Subject),
        "she" => (true, Form::Subject),
        "him" => (false, Form::Object),
        "his" => (false, Form::Possessive),
        "himself" => (false, Form::Reflexive),
        "hers" => (true, Form::Object),
        "herself" => (true, Form::Reflexive),
        "her" => {
            // "her book" (possessive) vs "told her ." / "told her that" (object).
            let next = v.toks.get(k + 1);
            let possessive = next.is_some_and(|n| {
                n.is_word()
                    && n.sent() == t.sent()
                    && !matches!(
                        n.lower.as_str(),
                        "that"
                            | "to"
                            | "and"
                            | "or"
                            | "in"
                            | "on"
                            | "at"
                            | "for"
                            | "with"
                            | "from"
                            | "about"
                            | "as"
                            | "the"
                            | "a"
                            | "an"
                            | "if"
                            | "when"
                            | "back"
                            | "up"
                            | "out"
                            | "off"
                            | "down"
                            | "into"
                            | "by"
                            | "of"
                    )
            });
            (
                true,
                if possessive {
                    Form::Possessive
                } else {
                    Form::Object
                },
            )
        }
        _ => return None,
    };
    Some(Site {
        tok: k,
        female,
        form,
    })
}

/// The trained scorer of (pronoun, candidate entity) pairs.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PronounModel {
    pub features_version: u32,
    pub weights: Vec<f64>,
    /// Below this probability a pronoun is left unresolved.
    pub threshold: f64,
    /// Parts of speech by word (the most frequent of each word in the training
    /// tokens, sorted by word), learned with the weights.
    pub tags: Vec<(String, u8)>,
    /// How much more often each capitalised word was part of a person's name than
    /// of another name (a place, an organisation, a work) in the training data, as
    /// log-odds, sorted by word (learned by `train-entities` from GUM and GAP).
    pub name_kinds: Vec<(String, f32)>,
}

impl PronounModel {
    /// Usable by this build: the feature layout matches.
    pub fn usable(&self) -> bool {
        self.features_version == FEATURES_VERSION && self.weights.len() == N_FEATURES + 1
    }

    /// Probability that the candidate with features `row` is the pronoun's antecedent.
    pub fn prob(&self, row: &[f32; N_FEATURES]) -> f64 {
        let z = self.weights[N_FEATURES]
            + row
                .iter()
                .zip(&self.weights)
                .map(|(x, w)| f64::from(*x) * w)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }

    /// The candidate among `rows` the model takes: the most probable, if at the
    /// threshold.
    fn pick<'r>(&self, rows: impl Iterator<Item = &'r [f32; N_FEATURES]>) -> Option<usize> {
        rows.map(|r| self.prob(r))
            .enumerate()
            .filter(|(_, p)| *p >= self.threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|x| x.0)
    }
}

/// One candidate entity of a pronoun: its cluster, its latest mention and features.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub cluster: usize,
    pub mention: usize,
    pub row: [f32; N_FEATURES],
}

/// Whether mention `j` is the first mention of its sentence (a subject, mostly).
fn first_in_sentence(ms: &[Mention], j: usize) -> bool {
    j == 0 || ms[j - 1].sent != ms[j].sent
}

/// The entity's names (a first name, a title) give the other gender than the
/// pronoun's: "John … She" is no antecedent, whatever else fits. The rules' pronoun
/// links are not read here (they are often wrong, and a wrong one would rule out
/// the right entity); a name's gender counts, even a first name's.
fn named_clash(cl: &Cluster, nearest: &Mention, want: Gender) -> bool {
    let named = if cl.named_gender != Gender::Unknown {
        cl.named_gender
    } else if nearest.kind == MentionKind::Name {
        nearest.gender
    } else {
        Gender::Unknown
    };
    named != Gender::Unknown && named != want
}

/// The gender the agreement features read: the cluster's (names and the rules'
/// pronoun links), else its mention `m`'s, else what its names alone give (a
/// one-word first name, which the rules leave genderless).
fn gender_of(cl: &Cluster, m: &Mention) -> Gender {
    if cl.gender != Gender::Unknown {
        cl.gender
    } else if m.gender != Gender::Unknown {
        m.gender
    } else {
        cl.named_gender
    }
}

/// Words opening a subordinate or relative clause.
const SUBORDINATORS: &[&str] = &[
    "who", "which", "whom", "when", "while", "after", "before", "because", "although", "if",
    "since", "until",
];

/// Token `k` ends a clause: a comma, semicolon, colon, dash or bracket, a
/// subordinating word, or a conjunction.
fn clause_break(v: &View, k: usize) -> bool {
    let w = v.lower(k);
    SUBORDINATORS.contains(&w)
        || matches!(
            w,
            "," | ";"
                | ":"
                | "("
                | ")"
                | "-"
                | "\u{2014}"
                | "\u{2013}"
                | "--"
                | "but"
                | "that"
                | "whose"
                | "where"
                | "and"
        )
}

/// Coarse parts of speech (Universal Dependencies) of the word-tag table.
pub(crate) mod tag {
    pub const NOUN: u8 = 1;
    pub const PROPN: u8 = 2;
    pub const VERB: u8 = 3;
    pub const AUX: u8 = 4;
    pub const ADP: u8 = 5;
    pub const DET: u8 = 6;
    pub const PRON: u8 = 7;
    pub const ADJ: u8 = 8;
    pub const ADV: u8 = 9;
    pub const CCONJ: u8 = 10;
    pub const SCONJ: u8 = 11;
    pub const PART: u8 = 12;
    pub const NUM: u8 = 13;
    pub const PUNCT: u8 = 14;
    pub const OTHER: u8 = 15;

    pub fn of_upos(u: &str) -> u8 {
        match u {
            "NOUN" => NOUN,
            "PROPN" => PROPN,
            "VERB" => VERB,
            "AUX" => AUX,
            "ADP" => ADP,
            "DET" => DET,
            "PRON" => PRON,
            "ADJ" => ADJ,
            "ADV" => ADV,
            "CCONJ" => CCONJ,
            "SCONJ" => SCONJ,
            "PART" => PART,
            "NUM" => NUM,
            "PUNCT" => PUNCT,
            _ => OTHER,
        }
    }
}

/// The most frequent part of speech of each word seen at least twice in the
/// training texts (GUM's), sorted by word; other words are guessed from their shape.
pub(crate) type WordTags = [(String, u8)];

/// The part of speech of token `k`: the table's, else a guess from the word's shape.
fn tag_at(v: &View, tags: &WordTags, k: usize) -> u8 {
    let Some(t) = v.toks.get(k) else {
        return tag::PUNCT;
    };
    match t.kind {
        Kind::Word => {}
        Kind::Punct => return tag::PUNCT,
        _ => return tag::NUM,
    }
    let w = t.lower.as_str();
    if let Ok(i) = tags.binary_search_by(|(x, _)| x.as_str().cmp(w)) {
        return tags[i].1;
    }
    if t.cap {
        tag::PROPN
    } else if w.ends_with("ed") || w.ends_with("ing") {
        tag::VERB
    } else if w.ends_with("ly") {
        tag::ADV
    } else {
        tag::NOUN
    }
}

/// Syntactic-role proxies of a mention, from the parts of speech around it.
#[derive(Debug, Clone, Copy, Default)]
struct Roles {
    /// Before the verb of its clause, with no verb between the clause's start and it.
    subject: bool,
    /// Right after a verb.
    object: bool,
    /// Right after a preposition.
    governed: bool,
    /// In brackets ("Kaleo (Jason Scott Lee)").
    bracketed: bool,
    /// Its clause opens with a subordinating word or a relative pronoun.
    subordinate: bool,
    /// A subject whose clause opens the sentence.
    main_subject: bool,
}

fn roles(v: &View, tags: &WordTags, s: usize, e: usize) -> Roles {
    let sent = v.toks[s].sent();
    // A clause's start is looked for at most 32 tokens back (bounded work on any text).
    let start = v
        .sents
        .get(sent)
        .map_or(0, |x| x.toks.start)
        .max(s.saturating_sub(32));
    let mut k = s;
    let mut verb_before = false;
    while k > start {
        let t = tag_at(v, tags, k - 1);
        if clause_break(v, k - 1) {
            break;
        }
        if matches!(t, tag::VERB | tag::AUX) {
            verb_before = true;
            break;
        }
        k -= 1;
    }
    let opener = (k > start).then(|| tag_at(v, tags, k - 1));
    let subordinate = opener.is_some_and(|t| t == tag::SCONJ)
        || k > start && SUBORDINATORS.contains(&v.lower(k - 1));
    // The verb after: skip an apposition ", the actor ,".
    let mut e2 = e;
    if v.lower(e2) == "," {
        let close = (e2 + 1..(e2 + 10).min(v.toks.len()))
            .find(|&j| v.lower(j) == "," || v.toks[j].sent() != sent);
        if let Some(j) = close.filter(|&j| v.toks[j].sent() == sent) {
            e2 = j + 1;
        }
    }
    let after = tag_at(v, tags, e2);
    let after2 = tag_at(v, tags, e2 + 1);
    let verb_after = matches!(after, tag::VERB | tag::AUX)
        || after == tag::ADV && matches!(after2, tag::VERB | tag::AUX);
    let prev = (s > start).then(|| tag_at(v, tags, s - 1));
    let subject = !verb_before && verb_after;
    Roles {
        subject,
        object: prev.is_some_and(|t| t == tag::VERB),
        governed: prev.is_some_and(|t| t == tag::ADP),
        bracketed: s > 0 && v.lower(s - 1) == "(",
        subordinate,
        main_subject: subject && !subordinate && (k == start || v.lower(k - 1) == ","),
    }
}

/// What the candidates of a pronoun are scored against besides the mentions.
pub(crate) struct Context<'t> {
    /// The entity the last pronoun of the same gender stands for, and its sentence.
    pub chain: Option<(usize, usize)>,
    pub tags: &'t WordTags,
    /// The cluster of the document's first name (a biography's subject).
    pub topic: Option<usize>,
    /// Per cluster: named after a locative preposition somewhere ("in Australia").
    pub locative: &'t [bool],
    /// Person-name log-odds of capitalised words ([`PronounModel::name_kinds`]).
    pub name_kinds: &'t NameKinds,
}

/// Capitalised words with the log-odds that a name holding them is a person's,
/// sorted by word.
pub(crate) type NameKinds = [(String, f32)];

/// The mean person-name log-odds of the capitalised words of name mention `m`
/// that the table knows; `None` for other mentions and unknown words ("Prius").
fn name_kind(v: &View, m: &Mention, kinds: &NameKinds) -> Option<f32> {
    let (mut sum, mut n) = (0.0f32, 0usize);
    for w in capitalised_words(v, m) {
        if let Ok(i) = kinds.binary_search_by(|(k, _)| k.as_str().cmp(w)) {
            sum += kinds[i].1;
            n += 1;
        }
    }
    (n > 0).then(|| sum / n as f32)
}

/// Whether name mention `m` is made only of words the tag table knows as common
/// words (not proper nouns): a capitalised noun or adjective, not a name.
fn common_words_name(v: &View, m: &Mention, tags: &WordTags) -> bool {
    let mut any = false;
    for w in capitalised_words(v, m) {
        match tags.binary_search_by(|(k, _)| k.as_str().cmp(w)) {
            Ok(i) if tags[i].1 != tag::PROPN => any = true,
            _ => return false,
        }
    }
    any
}

/// The lowercase forms of the capitalised words of name mention `m` (none for
/// other mentions).
fn capitalised_words<'v>(v: &'v View, m: &Mention) -> impl Iterator<Item = &'v str> {
    let words = match m.kind {
        MentionKind::Name => m.name.clone().unwrap_or_else(|| m.toks.clone()),
        _ => 0..0,
    };
    v.toks
        .get(words)
        .unwrap_or_default()
        .iter()
        .filter(|t| t.cap && t.is_word())
        .map(|t| t.lower.as_str())
}

/// The text of code-point range `a..b` of `text` (the corpora's offsets), if in it.
fn code_points<'t>(text: &'t str) -> impl Fn(usize, usize) -> Option<&'t str> + 't {
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain([text.len()])
        .collect();
    move |a, b| match (bytes.get(a), bytes.get(b)) {
        (Some(&a), Some(&b)) => text.get(a..b),
        _ => None,
    }
}

/// Person-name log-odds of capitalised words from labelled coreference data: the
/// proper-noun words of GUM's entity mentions (a person's, or a place's, an
/// organisation's …) and the words of GAP's candidate names (persons all). Words
/// seen at least twice, with add-½ smoothing, clamped to ±5.
fn name_kinds(docs: &[crate::corpus::LabelledDocument]) -> Vec<(String, f32)> {
    let mut counts: std::collections::BTreeMap<String, [u32; 2]> = Default::default();
    for d in docs {
        let slice = code_points(&d.text);
        if let (Some(ents), Some(toks)) = (&d.entities, &d.tokens) {
            for e in ents {
                let person = usize::from(e.kind != "person");
                for m in &e.mentions {
                    let lo = toks.partition_point(|t| t.start < m.start);
                    for t in toks[lo..].iter().take_while(|t| t.end <= m.end) {
                        if t.upos == "PROPN" {
                            if let Some(w) = slice(t.start, t.end) {
                                counts.entry(w.to_lowercase()).or_default()[person] += 1;
                            }
                        }
                    }
                }
            }
        }
        for c in d.candidates.iter().flatten() {
            let name = slice(c.start, c.end).unwrap_or("");
            for w in name.split_whitespace() {
                if w.chars().next().is_some_and(char::is_uppercase) {
                    counts.entry(w.to_lowercase()).or_default()[0] += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, [p, o])| p + o >= 2)
        .map(|(w, [p, o])| {
            let lo = ((p as f32 + 0.5) / (o as f32 + 0.5)).ln().clamp(-5.0, 5.0);
            (w, lo)
        })
        .collect()
}

/// Per candidate cluster, what the window shows of it.
#[derive(Default, Clone, Copy)]
struct Seen {
    nearest: usize,
    count: usize,
    subject: bool,
    speaks: bool,
    named: bool,
    forward: bool,
    /// Every mention of it seen is inside quotation marks.
    all_quoted: bool,
}

/// How many mentions after a pronoun, in its sentence, may be its antecedent
/// ("After her sophomore year, Lofgren …").
const FORWARD: usize = 6;

/// The candidates of the pronoun `at`, with their features; its `cluster` is the
/// hand rule's pick (a feature). Cost: at most [`MENTION_WINDOW`] + [`FORWARD`]
/// mentions.
pub(crate) fn candidates(
    v: &View,
    ms: &[Mention],
    ents: &Entities,
    speaks: &[bool],
    at: &super::entities::PronounAt,
    cx: &Context,
    out: &mut Vec<Candidate>,
) {
    out.clear();
    let (chain, tags, first_cluster) = (cx.chain, cx.tags, cx.topic);
    let site = at.site;
    let before = at.before;
    let rule = at.cluster;
    let t = &v.toks[site.tok];
    let sent = t.sent();
    let in_quote = t.quote().is_some();
    let want = if site.female {
        Gender::Female
    } else {
        Gender::Male
    };
    let lo = before.saturating_sub(MENTION_WINDOW);
    let after_own = before + usize::from(at.mention.is_some());
    let forward =
        (after_own..ms.len().min(after_own + FORWARD)).take_while(|&j| ms[j].sent == sent);
    // Clusters in order of their latest mention, nearest first; then those named
    // only after the pronoun.
    let mut seen: Vec<(usize, Seen)> = Vec::new();
    // Mentions are in text order: those of the last few sentences are a suffix.
    let near = lo + ms[lo..before].partition_point(|a| a.sent + SENTENCES_BACK < sent);
    for (j, ahead) in (near..before)
        .rev()
        .map(|j| (j, false))
        .chain(forward.map(|j| (j, true)))
    {
        let a = &ms[j];
        // Outside quotation marks, a pronoun does not stand for what is named only
        // inside them ("… in Australia," he said).
        if a.in_quote && !in_quote {
            continue;
        }
        if a.toks.start <= site.tok && site.tok < a.toks.end {
            // A mention holding the pronoun ("his brother") is no antecedent of it.
            continue;
        }
        let Some(c) = ents.of.get(j).copied().flatten() else {
            continue;
        };
        let Some(cl) = ents.clusters.get(c) else {
            continue;
        };
        let personal = cl.person
            || a.kind == MentionKind::Name
            || matches!(a.kind, MentionKind::Nominal if a.person);
        if !personal || named_clash(cl, a, want) {
            continue;
        }
        let k = match seen.iter().position(|(x, _)| *x == c) {
            Some(k) => k,
            None if seen.len() < MAX_CANDIDATES => {
                seen.push((
                    c,
                    Seen {
                        nearest: j,
                        forward: ahead,
                        all_quoted: true,
                        ..Seen::default()
                    },
                ));
                seen.len() - 1
            }
            None => continue,
        };
        let s = &mut seen[k].1;
        s.count += 1;
        s.subject |= first_in_sentence(ms, j);
        s.speaks |= speaks.get(j).copied().unwrap_or(false);
        s.named |= a.kind == MentionKind::Name;
        s.all_quoted &= a.in_quote;
    }
    // The entity the last pronoun of this gender stood for, by its latest mention.
    if let Some((c, _)) = chain.filter(|(c, _)| !seen.iter().any(|(x, _)| x == c)) {
        let latest = (lo..before)
            .rev()
            .find(|&j| ents.of.get(j).copied().flatten() == Some(c));
        if let Some(j) = latest.filter(|&j| !named_clash(&ents.clusters[c], &ms[j], want)) {
            if seen.len() == MAX_CANDIDATES {
                seen.pop();
            }
            seen.push((
                c,
                Seen {
                    nearest: j,
                    count: 1,
                    subject: first_in_sentence(ms, j),
                    speaks: speaks.get(j).copied().unwrap_or(false),
                    named: ms[j].kind == MentionKind::Name,
                    forward: false,
                    all_quoted: ms[j].in_quote,
                },
            ));
        }
    }
    if seen.is_empty() {
        return;
    }
    let site_roles = roles(v, tags, site.tok, site.tok + 1);
    let (site_subject, site_object) = (site_roles.subject, site_roles.object);
    let site_first = site.form == Form::Subject && (before == 0 || ms[before - 1].sent != sent);
    let n_cands = seen.len();
    let mut compatible_rank = 0usize;
    for (rank, (c, s)) in seen.iter().enumerate() {
        let cl = &ents.clusters[*c];
        let a = &ms[s.nearest];
        let g = gender_of(cl, a);
        let agree = g == want;
        let unknown = g == Gender::Unknown;
        let d = sent.abs_diff(a.sent);
        let para_change = v.toks[a.toks.start].para() != t.para();
        let compatible = agree || unknown;
        let nearest_compatible = compatible && compatible_rank == 0 && !s.forward;
        if compatible && !s.forward {
            compatible_rank += 1;
        }
        let a_first = first_in_sentence(ms, s.nearest);
        let same = d == 0;
        let a_roles = roles(v, tags, a.toks.start, a.toks.end);
        let (a_subject, a_object, a_bracketed) =
            (a_roles.subject, a_roles.object, a_roles.bracketed);
        let mut r = [0f32; N_FEATURES];
        let f = |b: bool| f32::from(u8::from(b));
        r[0] = f(agree);
        r[1] = f(unknown);
        r[2] = f(!compatible);
        r[3] = f(agree && cl.gender_weak);
        r[4] = f(cl.person);
        r[5] = f(!cl.person && cl.person_shaped());
        r[6] = f(s.named);
        r[7] = f(matches!(a.kind, MentionKind::Pronoun(_)));
        r[8] = f(a.kind == MentionKind::Nominal);
        r[9] = f(same);
        r[10] = f(d == 1);
        r[11] = (1.0 + d as f32).ln();
        r[12] = f(rank == 0);
        r[13] = f(rank == 1);
        r[14] = (1.0 + rank as f32).ln();
        r[15] = f(a_first);
        r[16] = f(site_first);
        r[17] = f(a_first && site_first);
        r[18] = (1.0 + s.count as f32).ln();
        r[19] = f(s.subject);
        r[20] = f(s.speaks);
        r[21] = f(rule == Some(*c));
        r[22] = f(a.in_quote);
        r[23] = f(in_quote);
        r[24] = f(a.in_quote != in_quote);
        r[25] = f(same && site.form == Form::Object);
        r[26] = f(same && site.form == Form::Reflexive);
        r[27] = f(same && site.form == Form::Possessive && a_first);
        r[28] = f(a.possessive);
        r[29] = f(para_change);
        r[30] = f(a_object);
        r[31] = f(nearest_compatible);
        r[32] = f(v.sents.get(a.sent).is_some_and(|x| x.title) || a.sent == 0);
        r[33] = f(same && site.form == Form::Subject && a_first);
        r[34] = f(s.forward);
        r[35] = f(s.forward && a_subject);
        r[36] = f(a_subject);
        r[37] = f(a_subject && site_subject);
        r[38] = f(a_object && site_object);
        r[39] = f(a_bracketed);
        r[40] = (1.0 + cl.names.min(64) as f32).ln();
        r[41] = (1.0 + compatible_rank as f32).ln();
        r[42] = f(site.form == Form::Possessive && a_subject && same);
        r[43] = f(site.form == Form::Possessive && a_subject && d == 1);
        r[44] = f(n_cands == 1);
        r[45] = f(compatible && a_subject && !s.forward);
        r[46] = f(a.name.as_ref().is_some_and(|n| n.len() >= 2));
        r[47] = f(site.form == Form::Subject && a_subject && d == 1);
        let chained = chain.filter(|(x, _)| x == c);
        r[48] = f(chained.is_some());
        r[49] = chained.map_or(0.0, |(_, s)| (1.0 + sent.abs_diff(s) as f32).ln());
        r[50] = f(chained.is_some() && d > SENTENCES_BACK);
        r[51] = f(a_roles.governed);
        r[52] = f(a_roles.subordinate);
        r[53] = f(a_roles.main_subject);
        r[54] = f(a_roles.main_subject && site_roles.main_subject);
        r[55] = f(site_roles.subordinate);
        r[56] = f(a_roles.subordinate && site_roles.subordinate && same);
        r[57] = f(a_roles.main_subject && d == 1);
        r[58] = f(a_roles.main_subject && same && !s.forward);
        r[59] = f(first_cluster == Some(*c));
        r[60] = f(site_roles.main_subject);
        r[61] = f(site_roles.governed);
        r[62] = f(cx.locative.get(*c).copied().unwrap_or(false));
        r[63] = f(s.all_quoted && !in_quote);
        // Binding: "him"/"her" is not the subject of its own clause, "himself" is.
        let same_clause = same
            && !s.forward
            && a.toks.end <= site.tok
            && site.tok - a.toks.end <= 40
            && !(a.toks.end..site.tok).any(|k| clause_break(v, k));
        r[64] = f(same_clause && site.form == Form::Object);
        r[65] = f(same_clause && site.form == Form::Reflexive);
        // Whether the candidate's name is a person's ("Larson") or a place's,
        // an organisation's, a car's ("China", "Prius"), as the training data saw it.
        let kind = name_kind(v, a, cx.name_kinds);
        r[66] = f(kind.is_some());
        r[67] = kind.unwrap_or(0.0) / 5.0;
        // A "name" made of common words, capitalised ("Legend has it", "Actors"):
        // the tag table knows each of its words as something other than a name.
        r[68] = f(common_words_name(v, a, tags));
        out.push(Candidate {
            cluster: *c,
            mention: s.nearest,
            row: r,
        });
    }
}

/// The cluster `model` picks among `cands`, if any scores at its threshold.
pub(crate) fn choose(model: &PronounModel, cands: &[Candidate]) -> Option<usize> {
    model
        .pick(cands.iter().map(|c| &c.row))
        .map(|k| cands[k].cluster)
}

/// A pronoun's candidates as recorded for training: their features and a mention of
/// each candidate's cluster (its latest before the pronoun).
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub site: Site,
    pub cands: Vec<Candidate>,
}

/// One pronoun of a gold document: its candidates' rows and labels (`None`: the
/// gold data does not say, as for GAP names other than its two candidates).
pub(crate) struct Example {
    pub rows: Vec<[f32; N_FEATURES]>,
    pub labels: Vec<Option<bool>>,
    /// GAP: the gold candidates' labels, and per candidate row which gold
    /// candidates its entity holds a mention of.
    pub gap: Option<(Vec<bool>, Vec<Vec<usize>>)>,
}

/// The labelled pronouns of one GUM or GAP document (empty for other data).
pub(crate) fn examples(
    d: &crate::corpus::LabelledDocument,
    model: Option<&PronounModel>,
    tags: &WordTags,
    name_kinds: &NameKinds,
) -> Vec<Example> {
    use crate::document::{CharIndex, Span};
    if d.entities.is_none() && d.pronoun.is_none() {
        return Vec::new();
    }
    let layout = crate::text::TextLayout::new(&d.text);
    let ci = CharIndex::new(&d.text);
    let resolver = super::entities::Resolver {
        model,
        record: true,
        tags,
        name_kinds,
    };
    let budget = crate::budget::Budget::unlimited();
    let Ok(mut a) = super::analyse_within(super::view_of(&layout), None, &budget) else {
        return Vec::new();
    };
    if super::rerank(&mut a, resolver, &budget).is_err() {
        return Vec::new();
    }
    let chars = |r: std::ops::Range<usize>| {
        let o = layout.norm.original_range(a.v.span(&r));
        ci.span(o.start, o.end)
    };
    // Gold mentions as (span, entity), for GUM.
    let gold: Vec<(Span, usize)> = d
        .entities
        .iter()
        .flatten()
        .enumerate()
        .flat_map(|(e, g)| {
            g.mentions
                .iter()
                .map(move |m| (Span::new(m.start, m.end), e))
        })
        .collect();
    // The entity of the smallest gold mention holding `s`.
    let entity_at = |s: &Span| {
        gold.iter()
            .filter(|(g, _)| g.start <= s.start && s.end <= g.end)
            .min_by_key(|(g, _)| g.end - g.start)
            .map(|x| x.1)
    };
    // GAP: per cluster, which gold candidates it holds a mention of.
    let cands = d.candidates.as_deref().unwrap_or(&[]);
    let mut holds: Vec<Vec<usize>> = vec![Vec::new(); a.ents.clusters.len()];
    if d.pronoun.is_some() {
        for (j, c) in a.ents.of.iter().enumerate() {
            let Some(c) = *c else { continue };
            let s = chars(a.ms[j].toks.clone());
            for (k, g) in cands.iter().enumerate() {
                if Span::new(g.start, g.end).overlap(&s) > 0 && !holds[c].contains(&k) {
                    holds[c].push(k);
                }
            }
        }
    }
    // GUM: per cluster, the gold entity of its first name's head.
    let mut named_entity: Vec<Option<usize>> = vec![None; a.ents.clusters.len()];
    if d.entities.is_some() {
        for (j, c) in a.ents.of.iter().enumerate() {
            let m = &a.ms[j];
            if let Some(slot) = c.and_then(|c| named_entity.get_mut(c)) {
                if slot.is_none() && m.kind == MentionKind::Name {
                    *slot = entity_at(&chars(m.head..m.head + 1));
                }
            }
        }
    }
    let mut out = Vec::new();
    for r in &a.ents.recorded {
        let ps = chars(r.site.tok..r.site.tok + 1);
        let rows = r.cands.iter().map(|c| c.row).collect();
        if let Some(p) = &d.pronoun {
            if Span::new(p.start, p.end).overlap(&ps) == 0 {
                continue;
            }
            let labels = r
                .cands
                .iter()
                .map(|c| {
                    let h = &holds[c.cluster];
                    if h.iter().any(|&k| cands[k].coref) {
                        Some(true)
                    } else if h.is_empty() {
                        None
                    } else {
                        Some(false)
                    }
                })
                .collect();
            let per_row = r.cands.iter().map(|c| holds[c.cluster].clone()).collect();
            out.push(Example {
                rows,
                labels,
                gap: Some((cands.iter().map(|c| c.coref).collect(), per_row)),
            });
        } else {
            let Some(e) = entity_at(&ps) else { continue };
            let labels = r
                .cands
                .iter()
                .map(|c| {
                    // A cluster is who its names are; a nearby "he" of the right
                    // person in a wrong cluster is not the right pick.
                    let named = named_entity.get(c.cluster).copied().flatten();
                    let head = || entity_at(&chars(a.ms[c.mention].head..a.ms[c.mention].head + 1));
                    Some(named.or_else(head) == Some(e))
                })
                .collect();
            out.push(Example {
                rows,
                labels,
                gap: None,
            });
        }
    }
    super::view::recycle(a.v.toks);
    out
}

/// How a model does on labelled pronouns: GAP's F1 over its candidates (as
/// `score_entities.py gap` computes it, with entities for clusters) and, on GUM, the
/// share of pronouns whose pick is right (an antecedent of the same entity, or none
/// when no candidate is one).
#[derive(Debug, Clone, Copy, Default)]
pub struct PronounScores {
    pub gap_f1: f64,
    pub gap_examples: usize,
    pub gum_accuracy: f64,
    pub gum_pronouns: usize,
}

fn score(examples: &[Example], pick: impl Fn(&Example) -> Option<usize>) -> PronounScores {
    let (mut tp, mut fp, mut fne) = (0usize, 0usize, 0usize);
    let (mut right, mut n, mut gaps) = (0usize, 0usize, 0usize);
    for x in examples {
        let chosen = pick(x);
        match &x.gap {
            Some((gold, per_row)) => {
                gaps += 1;
                let held: &[usize] = chosen.map_or(&[], |k| &per_row[k]);
                for (k, &g) in gold.iter().enumerate() {
                    match (held.contains(&k), g) {
                        (true, true) => tp += 1,
                        (true, false) => fp += 1,
                        (false, true) => fne += 1,
                        _ => {}
                    }
                }
            }
            None => {
                n += 1;
                let any = x.labels.contains(&Some(true));
                let ok = match chosen {
                    Some(k) => x.labels[k] == Some(true),
                    None => !any,
                };
                right += usize::from(ok);
            }
        }
    }
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fne).max(1) as f64;
    PronounScores {
        gap_f1: if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        },
        gap_examples: gaps,
        gum_accuracy: right as f64 / n.max(1) as f64,
        gum_pronouns: n,
    }
}

/// The hand rule's pick (feature 21) as a choice, for comparison.
fn rule_pick(x: &Example) -> Option<usize> {
    x.rows.iter().position(|r| r[21] > 0.5)
}

fn model_pick(m: &PronounModel, x: &Example) -> Option<usize> {
    m.pick(x.rows.iter())
}

/// The word-tag table of the documents' gold tokens (GUM's `tokens`): each word
/// seen at least twice with its most frequent part of speech, sorted by word.
fn word_tags(docs: &[crate::corpus::LabelledDocument]) -> Vec<(String, u8)> {
    let mut counts: std::collections::BTreeMap<String, [u32; 16]> = Default::default();
    for d in docs {
        let Some(toks) = &d.tokens else { continue };
        // Token offsets are code points.
        let slice = code_points(&d.text);
        for t in toks {
            let Some(w) = slice(t.start, t.end) else {
                continue;
            };
            counts.entry(w.to_lowercase()).or_default()[usize::from(tag::of_upos(&t.upos))] += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, c)| c.iter().sum::<u32>() >= 2)
        .filter_map(|(w, c)| {
            let (best, _) = c
                .iter()
                .enumerate()
                .max_by_key(|(i, n)| (**n, usize::MAX - i))?;
            Some((w, best as u8))
        })
        .collect()
}

/// Fits the pair scorer on the labelled rows of `examples` and tunes its
/// threshold on `tune` (the best mean of the GAP and GUM figures).
fn fit(
    examples: &[Example],
    tune: &[Example],
    tags: &[(String, u8)],
    name_kinds: &NameKinds,
) -> crate::Result<PronounModel> {
    use linfa::prelude::*;
    let rows: Vec<(&[f32; N_FEATURES], bool)> = examples
        .iter()
        .flat_map(|x| {
            x.rows
                .iter()
                .zip(&x.labels)
                .filter_map(|(r, l)| l.map(|l| (r, l)))
        })
        .collect();
    let positives = rows.iter().filter(|r| r.1).count();
    if positives == 0 || positives == rows.len() {
        return Err(crate::Error::Training(
            "no labelled pronoun candidates of both kinds (give GUM or GAP files)".into(),
        ));
    }
    let x =
        ndarray::Array2::from_shape_fn((rows.len(), N_FEATURES), |(i, j)| f64::from(rows[i].0[j]));
    let y = ndarray::Array1::from_iter(rows.iter().map(|r| usize::from(r.1)));
    let fit = linfa_logistic::LogisticRegression::default()
        .alpha(0.5)
        .max_iterations(200)
        .fit(&linfa::Dataset::new(x, y))
        .map_err(|e| crate::Error::Training(format!("pronoun resolver: {e}")))?;
    let mut weights: Vec<f64> = fit.params().iter().copied().collect();
    weights.push(fit.intercept());
    // Probabilities are of the positive class; make that label 1 (an antecedent).
    if fit.labels().pos.class != 1 {
        weights.iter_mut().for_each(|w| *w = -*w);
    }
    if weights.iter().any(|w| !w.is_finite()) {
        return Err(crate::Error::Training(
            "pronoun resolver: non-finite weight".into(),
        ));
    }
    let mut model = PronounModel {
        features_version: FEATURES_VERSION,
        weights,
        threshold: 0.5,
        tags: tags.to_vec(),
        name_kinds: name_kinds.to_vec(),
    };
    let mut best = (f64::MIN, 0.5);
    for t in (5..=80).step_by(5).map(|t| f64::from(t) / 100.0) {
        model.threshold = t;
        let s = score(tune, |x| model_pick(&model, x));
        let mean = (s.gap_f1 + s.gum_accuracy) / 2.0;
        if mean > best.0 {
            best = (mean, t);
        }
    }
    model.threshold = best.1;
    Ok(model)
}

/// Trains the pronoun resolver on GUM and GAP documents (those with `entities` or a
/// `pronoun`), tunes its threshold on `dev`, and reports the rule and the model on
/// `dev`: `(model, rule's dev scores, model's dev scores)`.
///
/// Two rounds: the first learns from features computed over the rule's decisions;
/// the second from features over the first model's own decisions (the entity the
/// previous pronoun was taken for is one), as the model meets them when it runs.
///
/// # Errors
/// [`crate::Error::Training`] when there are no labelled pronouns or the solver fails.
pub fn train(
    train: &[crate::corpus::LabelledDocument],
    dev: &[crate::corpus::LabelledDocument],
) -> crate::Result<(PronounModel, PronounScores, PronounScores)> {
    use rayon::prelude::*;
    let tags = word_tags(train);
    let kinds = name_kinds(train);
    let gather = |docs: &[crate::corpus::LabelledDocument], m: Option<&PronounModel>| {
        docs.par_iter()
            .flat_map_iter(|d| examples(d, m, &tags, &kinds))
            .collect::<Vec<Example>>()
    };
    fn tune<'a>(dv: &'a [Example], tr: &'a [Example]) -> &'a [Example] {
        if dv.is_empty() {
            tr
        } else {
            dv
        }
    }
    let (tr, dv) = (gather(train, None), gather(dev, None));
    let rule = score(tune(&dv, &tr), rule_pick);
    let first = fit(&tr, tune(&dv, &tr), &tags, &kinds)?;
    let (tr, dv) = (gather(train, Some(&first)), gather(dev, Some(&first)));
    let model = fit(&tr, tune(&dv, &tr), &tags, &kinds)?;
    let scored = score(tune(&dv, &tr), |x| model_pick(&model, x));
    Ok((model, rule, scored))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{GoldCandidate, GoldSpan, LabelledDocument};

    fn view_sites(text: &str) -> Vec<(String, Form, bool)> {
        let layout = crate::text::TextLayout::new(text);
        let v = super::super::view_of(&layout);
        (0..v.toks.len())
            .filter_map(|k| site_at(&v, k).map(|s| (v.tok_text(k).to_string(), s.form, s.female)))
            .collect()
    }

    #[test]
    fn pronoun_forms() {
        let got = view_sites("She told him that her book was hers, and he blamed himself for her.");
        let want = [
            ("She", Form::Subject, true),
            ("him", Form::Object, false),
            ("her", Form::Possessive, true),
            ("hers", Form::Object, true),
            ("he", Form::Subject, false),
            ("himself", Form::Reflexive, false),
            ("her", Form::Object, true),
        ];
        let got: Vec<(&str, Form, bool)> =
            got.iter().map(|(w, f, g)| (w.as_str(), *f, *g)).collect();
        assert_eq!(got, want);
    }

    /// A GAP-style example: the pronoun, and the two names with their labels.
    fn gap(text: &str, pronoun: &str, a: (&str, bool), b: (&str, bool)) -> LabelledDocument {
        let at = |w: &str| {
            let s = text.find(w).unwrap();
            (
                text[..s].chars().count(),
                text[..s].chars().count() + w.chars().count(),
            )
        };
        let p = text.rfind(pronoun).unwrap();
        let p = text[..p].chars().count();
        let cand = |(w, coref): (&str, bool)| GoldCandidate {
            start: at(w).0,
            end: at(w).1,
            text: w.into(),
            coref,
        };
        LabelledDocument {
            id: text.into(),
            text: text.into(),
            sentences: None,
            quotes: None,
            entities: None,
            pronoun: Some(GoldSpan {
                start: p,
                end: p + pronoun.chars().count(),
                text: pronoun.into(),
            }),
            candidates: Some(vec![cand(a), cand(b)]),
            tokens: None,
        }
    }

    /// The name mention of `ms` whose head token reads `w`.
    fn name_headed<'m>(v: &View, ms: &'m [Mention], w: &str) -> Option<&'m Mention> {
        ms.iter()
            .find(|m| m.kind == MentionKind::Name && v.tok_text(m.head) == w)
    }

    #[test]
    fn name_kinds_tell_persons_names_from_places_names() {
        use crate::corpus::{GoldEntity, GoldToken};
        // GUM-style: a person and a place, each named twice; GAP-style: a person.
        let text = "Anna Berg flew to Oslo. Berg liked Oslo.";
        let span = |w: &str, nth: usize| {
            let s = text.match_indices(w).nth(nth).unwrap().0;
            GoldSpan {
                start: s,
                end: s + w.len(),
                text: w.into(),
            }
        };
        let tok = |w: &str, nth: usize, upos: &str| {
            let g = span(w, nth);
            GoldToken {
                start: g.start,
                end: g.end,
                upos: upos.into(),
            }
        };
        let mut gum = gap(text, "liked", ("Anna Berg", true), ("Oslo", false));
        gum.candidates = None;
        gum.pronoun = None;
        gum.entities = Some(vec![
            GoldEntity {
                kind: "person".into(),
                identity: None,
                mentions: vec![span("Anna Berg", 0), span("Berg", 1)],
            },
            GoldEntity {
                kind: "place".into(),
                identity: None,
                mentions: vec![span("Oslo", 0), span("Oslo", 1)],
            },
        ]);
        gum.tokens = Some(vec![
            tok("Anna", 0, "PROPN"),
            tok("Berg", 0, "PROPN"),
            tok("flew", 0, "VERB"),
            tok("Oslo", 0, "PROPN"),
            tok("Berg", 1, "PROPN"),
            tok("Oslo", 1, "PROPN"),
        ]);
        let gap_doc = gap(
            "Anna Berg met Tom Hale. She smiled.",
            "She",
            ("Anna Berg", true),
            ("Tom Hale", false),
        );
        let kinds = name_kinds(&[gum, gap_doc]);
        let of = |w: &str| kinds.iter().find(|(k, _)| k == w).map(|x| x.1);
        assert!(of("berg").unwrap() > 1.0, "{kinds:?}");
        assert!(of("oslo").unwrap() < -1.0, "{kinds:?}");
        // "anna": once in GUM, once in GAP; "tom", "hale": once each, left out.
        assert!(of("anna").unwrap() > 0.0);
        assert_eq!((of("tom"), of("hale")), (None, None));
        // A name mention reads the table; an unknown name reads nothing.
        let layout = crate::text::TextLayout::new("Oslo was cold. Anna Berg left. Zorbix came.");
        let v = super::super::view_of(&layout);
        let ms = crate::attribution::mentions::extract(&v);
        let kind_of = |w: &str| name_headed(&v, &ms, w).and_then(|m| name_kind(&v, m, &kinds));
        assert!(kind_of("Oslo").unwrap() < 0.0);
        assert!(kind_of("Berg").unwrap() > 0.0);
        assert_eq!(kind_of("Zorbix"), None);
    }

    #[test]
    fn a_name_of_common_words_is_told_from_a_name() {
        let tags: Vec<(String, u8)> = vec![
            ("actors".into(), tag::NOUN),
            ("legend".into(), tag::NOUN),
            ("mary".into(), tag::PROPN),
        ];
        let layout = crate::text::TextLayout::new("Legend has it. Mary Oslo left. Actors came.");
        let v = super::super::view_of(&layout);
        let ms = crate::attribution::mentions::extract(&v);
        let common = |w: &str| name_headed(&v, &ms, w).map(|m| common_words_name(&v, m, &tags));
        assert_eq!(common("Legend"), Some(true));
        // "Oslo" is not in the table: the name may be anything, so not common words.
        assert_eq!(common("Oslo"), Some(false));
    }

    #[test]
    fn training_learns_a_preference_from_labelled_pronouns() {
        // The subject of the sentence before is the antecedent, never the object.
        let names = [
            ("Anna Berg", "Clara Holm"),
            ("Maria Lund", "Sofia Dahl"),
            ("Eva Stone", "Rita Moss"),
            ("Lena Fox", "Ida Brook"),
        ];
        let docs: Vec<LabelledDocument> = names
            .iter()
            .flat_map(|(a, b)| {
                [
                    gap(
                        &format!("{a} visited {b} in Paris. Later she wrote a book."),
                        "she",
                        (a, true),
                        (b, false),
                    ),
                    gap(
                        &format!("{b} praised {a} on Monday. Then she left the city."),
                        "she",
                        (b, true),
                        (a, false),
                    ),
                ]
            })
            .collect();
        let (model, rule, trained) = train(&docs, &docs).unwrap();
        assert!(model.usable());
        assert!(trained.gap_f1 > 0.9, "{trained:?} (rule {rule:?})");
        assert!(trained.gap_examples == docs.len());
    }
}

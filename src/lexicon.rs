//! Word lists of news English: reporting cues with their inflections and classes,
//! titles, speaker nouns, pronouns and first names. A language resource below every
//! stage: the text stage reads its speech verbs, attribution all of it (and
//! re-exports it as `attribution::lexicon`).
//!
//! The cue list was built from the cue words PolNeAR's training split actually uses
//! (counted over `cue.text`), grouped into classes the ranker can weigh differently.

use serde::{Deserialize, Serialize};

/// Words that complete an organisation or office name rather than start a person's.
pub(crate) const COMPLEMENT: &[&str] = &[
    "state",
    "revolution",
    "affairs",
    "defense",
    "defence",
    "justice",
    "homeland",
    "security",
    "treasury",
    "commerce",
    "energy",
    "interior",
    "staff",
    "house",
    "senate",
    "committee",
    "council",
    "party",
    "bureau",
    "republic",
    "nations",
    "states",
    "union",
    "department",
    "ministry",
    "office",
    "agency",
    "court",
    "assembly",
    "congress",
    "parliament",
    "army",
    "forces",
    "guard",
    "navy",
    "intelligence",
    "foreign",
    "health",
    "education",
    "labor",
    "transportation",
    "agriculture",
    "finance",
    "economy",
    "trade",
    "development",
    "services",
    "relations",
    "movement",
    "front",
    "group",
    "organization",
    "authority",
    "commission",
    "board",
    "association",
    "institute",
    "university",
    "college",
    "center",
    "centre",
    "foundation",
    "church",
    "corporation",
    "company",
    "times",
    "news",
    "post",
    "journal",
    "network",
    "press",
    "fund",
    "bank",
    "airlines",
    "inc",
    "corp",
    "co",
    "llc",
    "group",
    "club",
    "society",
    "republicans",
    "democrats",
    "caucus",
    "administration",
    "government",
    "police",
    "county",
    "city",
    "school",
    "media",
    "review",
    "magazine",
    "tribune",
    "herald",
    "gazette",
    "daily",
    "weekly",
    "radio",
    "tv",
    "television",
    "channel",
    "campaign",
    "project",
    "program",
    "initiative",
    "council",
    "reserve",
];

/// Roles that make the phrase a description of a person ("Leader of …").
pub(crate) const ROLE_WORDS: &[&str] = &[
    "secretary-general",
    "leader",
    "head",
    "chief",
    "minister",
    "president",
    "secretary",
    "director",
    "chairman",
    "chairwoman",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "governor",
    "senator",
    "ambassador",
    "commander",
    "mayor",
    "speaker",
    "judge",
    "justice",
    "ayatollah",
    "sheikh",
    "king",
    "queen",
    "prince",
    "emir",
    "general",
    "officer",
    "adviser",
    "advisor",
    "aide",
    "ceo",
    "founder",
    "candidate",
    "nominee",
    "pastor",
    "imam",
    "mufti",
    "envoy",
    "premier",
    "chancellor",
    "representative",
    "congressman",
    "congresswoman",
    "attorney",
    "deputy",
];

/// What kind of attribution a cue introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CueClass {
    /// Speech acts: say, tell, add, note, warn …
    Speech,
    /// Beliefs and intentions: believe, think, hope, want …
    Belief,
    /// Documents, polls and media: report, show, find, write, tweet …
    Report,
    /// Evaluations of an object: praise, criticise, support, call …
    Evaluate,
    /// "according to X".
    According,
    /// A bare colon: "X: …" headlines.
    Colon,
}

impl CueClass {
    pub const ALL: [CueClass; 6] = [
        CueClass::Speech,
        CueClass::Belief,
        CueClass::Report,
        CueClass::Evaluate,
        CueClass::According,
        CueClass::Colon,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The inflection of a cue token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueForm {
    /// say, tell: needs a plural/pronoun subject or a modal.
    Base,
    /// says
    Third,
    /// said, told: finite or participle.
    Past,
    /// saying
    Ing,
}

/// Verbs as `(base, class)`, regular inflections generated; irregular forms in
/// [`IRREGULAR`]. Trailing `*` marks a final consonant doubled before -ed/-ing.
const VERBS: &[(&str, CueClass)] = &[
    // Speech.
    ("say", CueClass::Speech),
    ("tell", CueClass::Speech),
    ("add", CueClass::Speech),
    ("note", CueClass::Speech),
    ("stress", CueClass::Speech),
    ("warn", CueClass::Speech),
    ("claim", CueClass::Speech),
    ("argue", CueClass::Speech),
    ("insist", CueClass::Speech),
    ("explain", CueClass::Speech),
    ("announce", CueClass::Speech),
    ("acknowledge", CueClass::Speech),
    ("admit*", CueClass::Speech),
    ("deny", CueClass::Speech),
    ("suggest", CueClass::Speech),
    ("predict", CueClass::Speech),
    ("ask", CueClass::Speech),
    ("answer", CueClass::Speech),
    ("reply", CueClass::Speech),
    ("respond", CueClass::Speech),
    ("continue", CueClass::Speech),
    ("conclude", CueClass::Speech),
    ("declare", CueClass::Speech),
    ("state", CueClass::Speech),
    ("recall", CueClass::Speech),
    ("confirm", CueClass::Speech),
    ("concede", CueClass::Speech),
    ("assert", CueClass::Speech),
    ("reiterate", CueClass::Speech),
    ("affirm", CueClass::Speech),
    ("repeat", CueClass::Speech),
    ("mention", CueClass::Speech),
    ("comment", CueClass::Speech),
    ("remark", CueClass::Speech),
    ("joke", CueClass::Speech),
    ("quip*", CueClass::Speech),
    ("promise", CueClass::Speech),
    ("vow", CueClass::Speech),
    ("pledge", CueClass::Speech),
    ("urge", CueClass::Speech),
    ("complain", CueClass::Speech),
    ("emphasize", CueClass::Speech),
    ("emphasise", CueClass::Speech),
    ("underline", CueClass::Speech),
    ("underscore", CueClass::Speech),
    ("contend", CueClass::Speech),
    ("maintain", CueClass::Speech),
    ("assure", CueClass::Speech),
    ("ensure", CueClass::Speech),
    ("testify", CueClass::Speech),
    ("announce", CueClass::Speech),
    ("observe", CueClass::Speech),
    ("speculate", CueClass::Speech),
    ("proclaim", CueClass::Speech),
    ("boast", CueClass::Speech),
    ("brag*", CueClass::Speech),
    ("threaten", CueClass::Speech),
    ("demand", CueClass::Speech),
    ("propose", CueClass::Speech),
    ("reveal", CueClass::Speech),
    ("disclose", CueClass::Speech),
    ("lament", CueClass::Speech),
    ("caution", CueClass::Speech),
    ("counter", CueClass::Speech),
    ("retort", CueClass::Speech),
    ("recount", CueClass::Speech),
    ("shout", CueClass::Speech),
    ("yell", CueClass::Speech),
    ("chant", CueClass::Speech),
    ("agree", CueClass::Speech),
    ("advise", CueClass::Speech),
    ("acknowledge", CueClass::Speech),
    ("signal", CueClass::Speech),
    ("indicate", CueClass::Speech),
    ("imply", CueClass::Speech),
    ("hint", CueClass::Speech),
    ("allege", CueClass::Speech),
    ("refer*", CueClass::Speech),
    ("talk", CueClass::Speech),
    ("discuss", CueClass::Speech),
    ("describe", CueClass::Speech),
    ("express", CueClass::Speech),
    ("exhort", CueClass::Speech),
    ("interject", CueClass::Speech),
    ("put*", CueClass::Speech),
    ("demur*", CueClass::Speech),
    ("testify", CueClass::Speech),
    ("relay", CueClass::Speech),
    ("quip*", CueClass::Speech),
    ("echo", CueClass::Speech),
    ("elaborate", CueClass::Speech),
    ("went", CueClass::Speech),
    ("rail", CueClass::Speech),
    ("plead", CueClass::Speech),
    ("email", CueClass::Speech),
    ("invoke", CueClass::Speech),
    ("bemoan", CueClass::Speech),
    ("wonder", CueClass::Speech),
    ("recommend", CueClass::Speech),
    ("forecast", CueClass::Speech),
    ("retweet", CueClass::Report),
    ("emphasize", CueClass::Speech),
    ("reaffirm", CueClass::Speech),
    ("rebut*", CueClass::Speech),
    ("clarify", CueClass::Speech),
    ("specify", CueClass::Speech),
    ("request", CueClass::Speech),
    ("question", CueClass::Speech),
    ("seem", CueClass::Belief),
    ("appear", CueClass::Belief),
    ("deem", CueClass::Belief),
    ("tout", CueClass::Evaluate),
    ("assail", CueClass::Evaluate),
    ("liken", CueClass::Evaluate),
    ("portray", CueClass::Evaluate),
    ("voice", CueClass::Speech),
    ("signal", CueClass::Speech),
    ("lash", CueClass::Evaluate),
    ("scold", CueClass::Evaluate),
    ("chide", CueClass::Evaluate),
    ("berate", CueClass::Evaluate),
    ("fault", CueClass::Evaluate),
    ("rip*", CueClass::Evaluate),
    ("hit*", CueClass::Evaluate),
    ("trash", CueClass::Evaluate),
    ("accuse", CueClass::Evaluate),
    // Beliefs and intentions.
    ("believe", CueClass::Belief),
    ("think", CueClass::Belief),
    ("feel", CueClass::Belief),
    ("know", CueClass::Belief),
    ("fear", CueClass::Belief),
    ("hope", CueClass::Belief),
    ("expect", CueClass::Belief),
    ("worry", CueClass::Belief),
    ("doubt", CueClass::Belief),
    ("suspect", CueClass::Belief),
    ("want", CueClass::Belief),
    ("wish", CueClass::Belief),
    ("plan*", CueClass::Belief),
    ("intend", CueClass::Belief),
    ("seek", CueClass::Belief),
    ("decide", CueClass::Belief),
    ("refuse", CueClass::Belief),
    ("decline", CueClass::Belief),
    ("prefer*", CueClass::Belief),
    ("consider", CueClass::Belief),
    ("realize", CueClass::Belief),
    ("understand", CueClass::Belief),
    ("agree", CueClass::Belief),
    ("estimate", CueClass::Belief),
    ("figure", CueClass::Belief),
    ("guess", CueClass::Belief),
    ("imagine", CueClass::Belief),
    ("assume", CueClass::Belief),
    ("envision", CueClass::Belief),
    ("view", CueClass::Belief),
    ("see", CueClass::Belief),
    // Documents, polls and media.
    ("report", CueClass::Report),
    // Added from the forms' cue rates on PolNeAR train (31-67% for the forms kept;
    // the mostly-noun forms, "rules", "orders", "offers", "sides" …, are in
    // WEAK_FORMS). "ruled" needs that/against/in/on after it (`detect::reported_at`).
    ("rule", CueClass::Report),
    ("order", CueClass::Speech),
    ("offer", CueClass::Speech),
    ("remind", CueClass::Speech),
    ("unveil", CueClass::Speech),
    ("outline", CueClass::Speech),
    ("sound", CueClass::Speech),
    ("apologize", CueClass::Speech),
    ("encourage", CueClass::Speech),
    ("react", CueClass::Evaluate),
    ("side", CueClass::Evaluate),
    ("reference", CueClass::Speech),
    ("remember", CueClass::Belief),
    ("unleash", CueClass::Speech),
    ("write", CueClass::Report),
    ("tweet", CueClass::Report),
    ("post", CueClass::Report),
    ("publish", CueClass::Report),
    ("show", CueClass::Report),
    ("find", CueClass::Report),
    ("learn", CueClass::Report),
    ("read", CueClass::Report),
    ("cite", CueClass::Report),
    ("quote", CueClass::Report),
    ("list", CueClass::Report),
    ("detail", CueClass::Report),
    ("document", CueClass::Report),
    ("conclude", CueClass::Report),
    ("project", CueClass::Report),
    ("release", CueClass::Report),
    ("issue", CueClass::Report),
    ("highlight", CueClass::Report),
    ("feature", CueClass::Report),
    // Evaluations.
    ("call", CueClass::Evaluate),
    ("praise", CueClass::Evaluate),
    ("criticize", CueClass::Evaluate),
    ("criticise", CueClass::Evaluate),
    ("blame", CueClass::Evaluate),
    ("accuse", CueClass::Evaluate),
    ("charge", CueClass::Evaluate),
    ("condemn", CueClass::Evaluate),
    ("denounce", CueClass::Evaluate),
    ("decry", CueClass::Evaluate),
    ("slam*", CueClass::Evaluate),
    ("blast", CueClass::Evaluate),
    ("attack", CueClass::Evaluate),
    ("defend", CueClass::Evaluate),
    ("support", CueClass::Evaluate),
    ("oppose", CueClass::Evaluate),
    ("endorse", CueClass::Evaluate),
    ("back", CueClass::Evaluate),
    ("reject", CueClass::Evaluate),
    ("dismiss", CueClass::Evaluate),
    ("welcome", CueClass::Evaluate),
    ("appreciate", CueClass::Evaluate),
    ("applaud", CueClass::Evaluate),
    ("commend", CueClass::Evaluate),
    ("admire", CueClass::Evaluate),
    ("thank", CueClass::Evaluate),
    ("mock", CueClass::Evaluate),
    ("ridicule", CueClass::Evaluate),
    ("question", CueClass::Evaluate),
    ("challenge", CueClass::Evaluate),
    ("label", CueClass::Evaluate),
    ("dub*", CueClass::Evaluate),
    ("brand", CueClass::Evaluate),
    ("hail", CueClass::Evaluate),
    ("commemorate", CueClass::Evaluate),
    ("congratulate", CueClass::Evaluate),
    ("compare", CueClass::Evaluate),
    ("characterize", CueClass::Evaluate),
    ("target", CueClass::Evaluate),
    ("dispute", CueClass::Evaluate),
    ("pan*", CueClass::Evaluate),
    ("knock", CueClass::Evaluate),
    ("tout", CueClass::Evaluate),
    ("champion", CueClass::Evaluate),
    ("favor", CueClass::Evaluate),
    ("vote", CueClass::Evaluate),
];

/// Irregular forms: `(form, base)`.
const IRREGULAR: &[(&str, &str, CueForm)] = &[
    ("said", "say", CueForm::Past),
    ("says", "say", CueForm::Third),
    ("told", "tell", CueForm::Past),
    ("thought", "think", CueForm::Past),
    ("felt", "feel", CueForm::Past),
    ("knew", "know", CueForm::Past),
    ("known", "know", CueForm::Past),
    ("sought", "seek", CueForm::Past),
    ("went", "went", CueForm::Past),
    ("goes", "went", CueForm::Third),
    ("hit", "hit", CueForm::Past),
    ("put", "put", CueForm::Past),
    ("wrote", "write", CueForm::Past),
    ("written", "write", CueForm::Past),
    ("found", "find", CueForm::Past),
    ("showed", "show", CueForm::Past),
    ("shown", "show", CueForm::Past),
    ("learnt", "learn", CueForm::Past),
    ("understood", "understand", CueForm::Past),
    ("saw", "see", CueForm::Past),
    ("seen", "see", CueForm::Past),
    ("read", "read", CueForm::Past),
];

/// Multi-word cues: the tokens after the first word that belong to the cue.
pub const PARTICLES: &[(&str, &str)] = &[
    ("pointed", "out"),
    ("pointing", "out"),
    ("points", "out"),
    ("point", "out"),
    ("called", "for"),
    ("calling", "for"),
    ("calls", "for"),
    ("call", "for"),
    ("called", "on"),
    ("calls", "on"),
    ("referred", "to"),
    ("referring", "to"),
    ("refers", "to"),
    ("went", "on"),
    ("put", "it"),
    ("puts", "it"),
    ("goes", "on"),
    // "spoke about" and the other forms of "speak" are no cue words on their own:
    // `detect::particle_only_cue` takes them with their particle.
    ("talked", "about"),
    ("warned", "of"),
    ("warned", "against"),
];

/// Inflects a regular verb: `(third, past, ing)`.
fn inflect(base: &str, double: bool) -> (String, String, String) {
    let b = base;
    let last = b.chars().last().unwrap_or('a');
    let before_last = b.chars().rev().nth(1).unwrap_or('a');
    let third = if b.ends_with('s') || b.ends_with("sh") || b.ends_with("ch") || b.ends_with('x') {
        format!("{b}es")
    } else if last == 'y' && !"aeiou".contains(before_last) {
        format!("{}ies", &b[..b.len() - 1])
    } else {
        format!("{b}s")
    };
    let (past, ing) = if double {
        (format!("{b}{last}ed"), format!("{b}{last}ing"))
    } else if last == 'e' {
        (format!("{b}d"), format!("{}ing", &b[..b.len() - 1]))
    } else if last == 'y' && !"aeiou".contains(before_last) {
        (format!("{}ied", &b[..b.len() - 1]), format!("{b}ing"))
    } else {
        (format!("{b}ed"), format!("{b}ing"))
    };
    (third, past, ing)
}

/// A small, fast hasher for the word tables (FxHash's multiply-rotate). The keys are
/// short constant words, so hash flooding is no concern and SipHash is pure cost.
#[derive(Default, Clone, Copy)]
pub(crate) struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Membership flags of the word lists, so that a lookup is one hash probe rather
/// than a scan of a list of up to 250 words (these run for most tokens).
pub mod list {
    pub const AUX_ADVERBS: u32 = 1;
    pub const PLURAL_SOURCES: u32 = 1 << 1;
    pub const TIME_WORDS: u32 = 1 << 2;
    pub const NOUN_LIKE: u32 = 1 << 3;
    pub const FEMALE_NAMES: u32 = 1 << 4;
    pub const MALE_NAMES: u32 = 1 << 5;
    pub const NOT_NAMES: u32 = 1 << 6;
    pub const HONORIFICS: u32 = 1 << 7;
    pub const SPEAKER_NOUNS: u32 = 1 << 8;
    pub const FEMALE_TITLES: u32 = 1 << 9;
    pub const MALE_TITLES: u32 = 1 << 10;
    pub const WEAK_FORMS: u32 = 1 << 11;
    /// [`COMPLEMENT`].
    pub const COMPLEMENT: u32 = 1 << 12;
    /// [`ROLE_WORDS`].
    pub const ROLE_WORDS: u32 = 1 << 13;
    pub const ORG_WORDS: u32 = 1 << 14;
}

/// Every listed word and every cue form → its list flags and cue info (`None` for
/// weak forms), so that a token costs one hash probe.
type InfoTable = std::collections::HashMap<
    String,
    (u32, Option<CueWord>),
    std::hash::BuildHasherDefault<WordHasher>,
>;

fn flag_table() -> &'static InfoTable {
    static TABLE: std::sync::OnceLock<InfoTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let lists: [(&[&'static str], u32); 16] = [
            (AUX_ADVERBS, list::AUX_ADVERBS),
            (PLURAL_SOURCES, list::PLURAL_SOURCES),
            (TIME_WORDS, list::TIME_WORDS),
            (NOUN_LIKE, list::NOUN_LIKE),
            (FEMALE_NAMES, list::FEMALE_NAMES),
            (MALE_NAMES, list::MALE_NAMES),
            (NOT_NAMES, list::NOT_NAMES),
            (HONORIFICS, list::HONORIFICS),
            (SPEAKER_NOUNS, list::SPEAKER_NOUNS),
            (TITLE_NOUNS, list::SPEAKER_NOUNS),
            (FEMALE_TITLES, list::FEMALE_TITLES),
            (MALE_TITLES, list::MALE_TITLES),
            (WEAK_FORMS, list::WEAK_FORMS),
            (COMPLEMENT, list::COMPLEMENT),
            (ROLE_WORDS, list::ROLE_WORDS),
            (ORG_WORDS, list::ORG_WORDS),
        ];
        let mut m = InfoTable::default();
        for (words, flag) in lists {
            for &w in words {
                m.entry(w.to_string()).or_insert((0, None)).0 |= flag;
            }
        }
        // The census first names (data/first-names.tsv) add to the hand lists only
        // words they do not hold: a listed word keeps its lists ("Will", "Grant").
        for line in FIRST_NAMES.lines().filter(|l| !l.starts_with('#')) {
            let Some((w, g)) = line.split_once('\t') else {
                continue;
            };
            let flag = if g == "f" {
                list::FEMALE_NAMES
            } else {
                list::MALE_NAMES
            };
            if !m.contains_key(w) && cue_table().get(w).is_none() {
                m.insert(w.to_string(), (flag, None));
            }
        }
        for (w, &cue) in cue_table() {
            let e = m.entry(w.clone()).or_insert((0, None));
            if e.0 & list::WEAK_FORMS == 0 {
                e.1 = Some(cue);
            }
        }
        m
    })
}

/// The word lists holding `lower` as [`list`] flags; the honorific flag is
/// [`is_honorific`]'s answer (trailing dots ignored).
pub fn lists_of(lower: &str) -> u32 {
    word_info(lower).0
}

/// [`lists_of`] and [`cue_word`] of a word with one hash probe (two for a word with
/// a trailing dot).
pub fn word_info(lower: &str) -> (u32, Option<CueWord>) {
    let t = flag_table();
    let (own, cue) = t.get(lower).copied().unwrap_or((0, None));
    let bare = lower.trim_end_matches('.');
    if bare.len() == lower.len() {
        return (own, cue);
    }
    let hon = t.get(bare).map_or(0, |x| x.0) & list::HONORIFICS;
    ((own & !list::HONORIFICS) | hon, cue)
}

/// Whether `lower` is in the word list(s) of `flags` (see [`list`]).
pub fn in_list(lower: &str, flags: u32) -> bool {
    flag_table().get(lower).is_some_and(|f| f.0 & flags != 0)
}

/// A cue word's class and form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueWord {
    pub class: CueClass,
    pub form: CueForm,
}

type CueTable =
    std::collections::HashMap<String, CueWord, std::hash::BuildHasherDefault<WordHasher>>;

/// Lowercase form → cue info, built once.
fn cue_table() -> &'static CueTable {
    static TABLE: std::sync::OnceLock<CueTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = CueTable::default();
        let mut class_of = std::collections::HashMap::new();
        for &(raw, class) in VERBS {
            let double = raw.ends_with('*');
            let base = raw.trim_end_matches('*');
            class_of.entry(base).or_insert(class);
            let (third, past, ing) = inflect(base, double);
            // First entry wins: a verb listed twice keeps its first class.
            m.entry(base.to_string()).or_insert(CueWord {
                class,
                form: CueForm::Base,
            });
            m.entry(third).or_insert(CueWord {
                class,
                form: CueForm::Third,
            });
            m.entry(past).or_insert(CueWord {
                class,
                form: CueForm::Past,
            });
            m.entry(ing).or_insert(CueWord {
                class,
                form: CueForm::Ing,
            });
        }
        for &(form, base, f) in IRREGULAR {
            let class = class_of.get(base).copied().unwrap_or(CueClass::Speech);
            m.insert(form.to_string(), CueWord { class, form: f });
        }
        // "point" is a cue only with "out"; the caller checks the particle.
        for (w, form) in [
            ("pointed", CueForm::Past),
            ("pointing", CueForm::Ing),
            ("points", CueForm::Third),
        ] {
            m.insert(
                w.to_string(),
                CueWord {
                    class: CueClass::Speech,
                    form,
                },
            );
        }
        m
    })
}

/// Forms that PolNeAR's training split shows are rarely the cue of the quote we
/// would build from them ("is expected", "appears", "the states").
const WEAK_FORMS: &[&str] = &[
    "rule",
    "rules",
    "ruling",
    "order",
    "orders",
    "ordering",
    "offer",
    "offers",
    "offering",
    "outline",
    "outlines",
    "sound",
    "sounds",
    "sounding",
    "side",
    "sides",
    "siding",
    "reference",
    "references",
    "expected",
    "expects",
    "seem",
    "seems",
    "seemed",
    "appear",
    "appears",
    "appeared",
    "appearing",
    "known",
    "states",
    "state",
    "continue",
    "continues",
    "felt",
    "find",
    "back",
    "backs",
    "vote",
    "votes",
    "attack",
    "attacks",
    "maintained",
    "talks",
    "plans",
    "plan",
    "feature",
    "features",
    "issue",
    "issues",
    "release",
    "releases",
    "list",
    "lists",
    "project",
    "projects",
];

/// The cue info of a lowercase word, if it is a cue.
pub fn cue_word(lower: &str) -> Option<CueWord> {
    flag_table().get(lower).and_then(|f| f.1)
}

/// Particle that extends a cue word ("pointed" + "out").
pub fn cue_particle(lower: &str, next: &str) -> bool {
    PARTICLES.iter().any(|&(a, b)| a == lower && b == next)
}

/// Third-person verb forms that are more often plural nouns.
pub const NOUN_LIKE: &[&str] = &[
    "attacks",
    "views",
    "vows",
    "calls",
    "claims",
    "plans",
    "votes",
    "issues",
    "questions",
    "remarks",
    "challenges",
    "reports",
    "shows",
    "states",
    "notes",
    "hopes",
    "fears",
    "concerns",
    "doubts",
    "supports",
    "backs",
    "charges",
    "lists",
    "features",
    "projects",
    "releases",
    "posts",
    "quotes",
    "documents",
    "details",
    "favors",
    "wants",
    "answers",
    "comments",
    "demands",
    "promises",
    "pledges",
    "threats",
    "warnings",
    "signals",
    "requests",
    "tweets",
    "emails",
    "responses",
    "replies",
    "labels",
    "targets",
    "brands",
    "counters",
    "feels",
    "knocks",
    "thanks",
    "faults",
    "hits",
    "finds",
    "reads",
    "sees",
    "thinks",
    "wishes",
    "cites",
    "decides",
    "records",
];

/// Honorifics and titles that precede a name and are not part of it.
pub const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "gen",
    "general",
    "president",
    "ayatollah",
    "sheikh",
    "sheik",
    "imam",
    "king",
    "queen",
    "prince",
    "princess",
    "sir",
    "lord",
    "lady",
    "judge",
    "justice",
    "rev",
    "reverend",
    "pope",
    "father",
    "minister",
    "premier",
    "chancellor",
    "mayor",
    "secretary",
    "ambassador",
    "speaker",
    "chairman",
    "chairwoman",
    "commissioner",
    "director",
    "adm",
    "admiral",
    "col",
    "colonel",
    "lt",
    "capt",
    "captain",
    "sgt",
    "sergeant",
    "cmdr",
    "gov.",
    "sen.",
    "rep.",
    "dr.",
    "mr.",
    "mrs.",
    "ms.",
    "vice",
    "former",
    "candidate",
    "nominee",
    "host",
    "attorney",
    "sheriff",
    "lawmaker",
    "congressman",
    "congresswoman",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "mufti",
    "grand",
    "emir",
    "crown",
    "deputy",
    "leader",
    "chief",
    "head",
    "pastor",
    "bishop",
    "cardinal",
    "rabbi",
    "coach",
    "officer",
    "agent",
    "detective",
    "economist",
    "analyst",
    "strategist",
    "pollster",
    "adviser",
    "advisor",
    "aide",
    "businessman",
    "billionaire",
    "mogul",
    "rival",
    "opponent",
    "challenger",
    "incumbent",
    "frontrunner",
    "chair",
    "ceo",
];

/// Female / male markers among honorifics.
pub const FEMALE_TITLES: &[&str] = &[
    "mrs",
    "ms",
    "miss",
    "queen",
    "princess",
    "lady",
    "chairwoman",
    "congresswoman",
    "spokeswoman",
    "businesswoman",
    "actress",
];
pub const MALE_TITLES: &[&str] = &[
    "mr",
    "king",
    "prince",
    "sir",
    "lord",
    "father",
    "chairman",
    "congressman",
    "spokesman",
    "businessman",
    "ayatollah",
    "sheikh",
    "sheik",
    "imam",
    "pope",
    "rabbi",
    "emir",
];

/// First names from the 1990 U.S. Census lists with their usual gender, derived by
/// `scripts/first_names.py` (which says what it leaves out): one `name\tf|m` a line.
const FIRST_NAMES: &str = include_str!("../data/first-names.tsv");

/// Common first names with gender (a small list, checked by hand; the census names
/// of `data/first-names.tsv` add to it; unknown names stay neutral).
pub const FEMALE_NAMES: &[&str] = &[
    "hillary",
    "nancy",
    "elizabeth",
    "sarah",
    "carly",
    "michelle",
    "nikki",
    "kellyanne",
    "melania",
    "ivanka",
    "chelsea",
    "jill",
    "debbie",
    "donna",
    "huma",
    "hope",
    "susan",
    "mary",
    "patricia",
    "jennifer",
    "linda",
    "barbara",
    "margaret",
    "karen",
    "lisa",
    "betty",
    "helen",
    "sandra",
    "laura",
    "kelly",
    "amy",
    "angela",
    "anna",
    "emily",
    "katie",
    "megyn",
    "kirsten",
    "tammy",
    "claire",
    "dianne",
    "kamala",
    "amy",
    "maxine",
    "marsha",
    "joni",
    "kelly",
    "lindsey",
    "loretta",
    "sally",
    "janet",
    "condoleezza",
    "madeleine",
    "theresa",
    "teresa",
    "marine",
    "angela",
    "julia",
    "rachel",
    "samantha",
    "jane",
    "katherine",
    "kate",
    "catherine",
    "alexandra",
    "maria",
    "jessica",
    "ann",
    "anne",
    "christine",
    "cheryl",
    "hope",
    "jeanne",
    "judith",
    "judy",
    "kathleen",
    "melissa",
    "nicole",
    "rebecca",
    "ruth",
    "shannon",
    "stephanie",
    "tina",
    "valerie",
    "wendy",
    "zoe",
    "ellen",
    "abby",
    "alicia",
    "andrea",
    "heather",
    "holly",
    "irene",
    "joan",
    "joanne",
    "kim",
    "kristen",
    "lauren",
    "martha",
    "meghan",
    "monica",
    "natalie",
    "olivia",
    "paula",
    "pamela",
    "rosa",
    "sharon",
    "sophie",
    "victoria",
    "virginia",
    "yvonne",
    "diane",
    "dana",
    "gina",
    "beth",
    "carol",
    "carolyn",
    "deborah",
    "denise",
    "dorothy",
    "emma",
    "evelyn",
    "frances",
    "grace",
    "hannah",
    "jean",
    "joyce",
    "julie",
    "madison",
    "marie",
    "megan",
    "molly",
    "nina",
    "priscilla",
    "robin",
    "sara",
    "tara",
    "tiffany",
    "tracy",
    "ginsburg",
];
pub const MALE_NAMES: &[&str] = &[
    "donald",
    "barack",
    "bernie",
    "ted",
    "marco",
    "jeb",
    "ben",
    "john",
    "chris",
    "mike",
    "paul",
    "rand",
    "scott",
    "bobby",
    "rick",
    "lindsey",
    "jim",
    "george",
    "bill",
    "joe",
    "tim",
    "mitch",
    "harry",
    "reince",
    "newt",
    "rudy",
    "corey",
    "jeff",
    "mark",
    "david",
    "james",
    "robert",
    "michael",
    "william",
    "richard",
    "charles",
    "joseph",
    "thomas",
    "daniel",
    "matthew",
    "anthony",
    "steven",
    "steve",
    "andrew",
    "kevin",
    "brian",
    "ronald",
    "ron",
    "jason",
    "gary",
    "eric",
    "jonathan",
    "stephen",
    "larry",
    "justin",
    "frank",
    "brandon",
    "raymond",
    "gregory",
    "samuel",
    "patrick",
    "jack",
    "dennis",
    "jerry",
    "tyler",
    "aaron",
    "jose",
    "adam",
    "henry",
    "nathan",
    "douglas",
    "zachary",
    "peter",
    "kyle",
    "walter",
    "ethan",
    "jeremy",
    "harold",
    "keith",
    "christian",
    "roger",
    "noah",
    "gerald",
    "carl",
    "terry",
    "sean",
    "austin",
    "arthur",
    "lawrence",
    "jesse",
    "dylan",
    "bryan",
    "jordan",
    "billy",
    "bruce",
    "albert",
    "willie",
    "gabriel",
    "logan",
    "alan",
    "juan",
    "wayne",
    "roy",
    "ralph",
    "randy",
    "eugene",
    "vincent",
    "russell",
    "elijah",
    "louis",
    "bobby",
    "philip",
    "johnny",
    "vladimir",
    "benjamin",
    "ismail",
    "hassan",
    "hossein",
    "ali",
    "mohammad",
    "mohammed",
    "muhammad",
    "ahmed",
    "ahmad",
    "abdullah",
    "recep",
    "emmanuel",
    "francois",
    "angelo",
    "xi",
    "boris",
    "nigel",
    "tony",
    "gordon",
    "dick",
    "al",
    "jimmy",
    "ronald",
    "gov",
    "lyndon",
    "franklin",
    "dwight",
    "herbert",
    "woodrow",
    "karl",
    "sean",
    "tucker",
    "rush",
    "glenn",
    "bret",
    "wolf",
    "anderson",
    "jake",
    "chuck",
    "nate",
    "stuart",
    "roger",
    "roberto",
    "carlos",
    "luis",
    "hugh",
    "ray",
    "ken",
    "kenneth",
    "martin",
    "mitt",
    "lamar",
    "orrin",
    "trey",
    "devin",
    "jared",
    "eric",
    "hunter",
    "beau",
    "spencer",
    "jon",
    "ed",
    "ted",
    "bob",
    "dan",
    "don",
    "doug",
    "greg",
    "jay",
    "joel",
    "josh",
    "matt",
    "nick",
    "pat",
    "phil",
    "rob",
    "sam",
    "tom",
    "will",
    "fred",
    "herman",
    "kasich",
];

/// Capitalised words that start sentences but are not names.
pub const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "if",
    "when",
    "while",
    "as",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "to",
    "of",
    "after",
    "before",
    "since",
    "during",
    "although",
    "though",
    "because",
    "however",
    "meanwhile",
    "still",
    "also",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "what",
    "who",
    "why",
    "how",
    "where",
    "which",
    "whether",
    "some",
    "many",
    "most",
    "all",
    "both",
    "each",
    "every",
    "no",
    "not",
    "now",
    "then",
    "today",
    "yesterday",
    "tomorrow",
    "last",
    "next",
    "one",
    "two",
    "three",
    "other",
    "another",
    "such",
    "only",
    "even",
    "just",
    "more",
    "much",
    "asked",
    "according",
    "speaking",
    "like",
    "unlike",
    "despite",
    "among",
    "about",
    "against",
    "without",
    "within",
    "under",
    "over",
    "into",
    "through",
    "until",
    "amid",
    "amidst",
    "outside",
    "inside",
    "beyond",
    "behind",
    "besides",
    "across",
    "along",
    "alongside",
    "around",
    "toward",
    "towards",
    "upon",
    "via",
    "throughout",
    "beneath",
    "near",
    "instead",
    "indeed",
    "rather",
    "perhaps",
    "maybe",
    "yes",
    "well",
    "oh",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gov",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "read",
    "more",
    "photo",
    "image",
    "getty",
    "ap",
    "reuters",
    "related",
    "advertisement",
    "click",
    "watch",
    "see",
    "do",
    "did",
    "does",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "can",
    "could",
    "will",
    "would",
    "should",
    "must",
    "may",
    "might",
    "let",
    "do",
    "say",
    "said",
    "says",
    "thank",
    "thanks",
    "please",
    "sure",
    "whatever",
    "wherever",
    "whenever",
    "any",
    "either",
    "neither",
    "nor",
    "first",
    "second",
    "third",
    "then",
    "ever",
    "never",
    "once",
    "again",
    "earlier",
    "later",
    "soon",
    "already",
    "almost",
];

/// Words that mark a name or a noun phrase as an organisation or a publication,
/// the things news calls "it" when they speak ("the ministry", "the report").
pub const ORG_WORDS: &[&str] = &[
    "administration",
    "agency",
    "army",
    "assembly",
    "association",
    "bank",
    "board",
    "bureau",
    "campaign",
    "center",
    "centre",
    "commission",
    "committee",
    "company",
    "congress",
    "corp",
    "corporation",
    "council",
    "court",
    "department",
    "firm",
    "foundation",
    "fund",
    "government",
    "group",
    "inc",
    "institute",
    "journal",
    "military",
    "ministry",
    "network",
    "newspaper",
    "office",
    "organisation",
    "organization",
    "paper",
    "party",
    "police",
    "poll",
    "press",
    "report",
    "service",
    "statement",
    "study",
    "survey",
    "team",
    "union",
    "university",
    "website",
];

/// Titles that head a description of one person ("the chancellor", "the emir"),
/// speaker nouns too. Unlike "the spokesman", such a phrase names only someone the
/// text introduced with the title ("Chancellor Angela Merkel").
pub const TITLE_NOUNS: &[&str] = &[
    "secretary-general",
    "chancellor",
    "premier",
    "king",
    "queen",
    "prince",
    "princess",
    "emir",
    "sheikh",
    "ayatollah",
    "pope",
    "pastor",
    "imam",
    "mufti",
    "rabbi",
    "bishop",
    "cardinal",
    "commissioner",
    "admiral",
    "colonel",
    "captain",
    "sergeant",
    "sheriff",
    "detective",
    "professor",
    "coach",
    "billionaire",
    "challenger",
    "incumbent",
    "frontrunner",
];

/// Lowercase nouns that head a speaker noun phrase ("the company", "a spokesman").
pub const SPEAKER_NOUNS: &[&str] = &[
    "campaign",
    "poll",
    "polls",
    "voters",
    "officials",
    "official",
    "candidates",
    "candidate",
    "supporters",
    "supporter",
    "leaders",
    "leader",
    "president",
    "experts",
    "expert",
    "senator",
    "aides",
    "aide",
    "allies",
    "ally",
    "report",
    "reports",
    "group",
    "groups",
    "administration",
    "governor",
    "company",
    "companies",
    "advisers",
    "adviser",
    "advisors",
    "advisor",
    "people",
    "team",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "party",
    "judge",
    "nominee",
    "manager",
    "survey",
    "surveys",
    "strategist",
    "strategists",
    "director",
    "office",
    "senators",
    "government",
    "media",
    "source",
    "sources",
    "members",
    "member",
    "analysts",
    "analyst",
    "lawmakers",
    "lawmaker",
    "statement",
    "critics",
    "critic",
    "board",
    "reporter",
    "reporters",
    "agency",
    "rivals",
    "rival",
    "man",
    "woman",
    "politicians",
    "politician",
    "organization",
    "lawsuit",
    "newspaper",
    "advocates",
    "opponents",
    "opponent",
    "activists",
    "activist",
    "staff",
    "police",
    "website",
    "insiders",
    "insider",
    "donors",
    "donor",
    "delegates",
    "committee",
    "executives",
    "executive",
    "economists",
    "economist",
    "court",
    "campaigns",
    "conservatives",
    "liberals",
    "businessman",
    "audience",
    "chairman",
    "chairwoman",
    "letter",
    "prosecutors",
    "prosecutor",
    "authorities",
    "mayor",
    "firm",
    "pollster",
    "pollsters",
    "observers",
    "employee",
    "employees",
    "video",
    "secretary",
    "minister",
    "ministry",
    "chief",
    "head",
    "researchers",
    "researcher",
    "unions",
    "union",
    "lawyers",
    "lawyer",
    "attorney",
    "attorneys",
    "friend",
    "friends",
    "progressives",
    "operative",
    "operatives",
    "mogul",
    "editorial",
    "narrator",
    "paper",
    "wife",
    "husband",
    "backers",
    "person",
    "everyone",
    "panel",
    "scientists",
    "scientist",
    "department",
    "diplomat",
    "diplomats",
    "neurosurgeon",
    "staffer",
    "staffers",
    "organizers",
    "journalist",
    "journalists",
    "host",
    "investigators",
    "consultant",
    "commentators",
    "pundits",
    "council",
    "speaker",
    "foundation",
    "tycoon",
    "study",
    "analysis",
    "data",
    "ad",
    "ads",
    "clip",
    "spot",
    "documents",
    "document",
    "memo",
    "filing",
    "filings",
    "records",
    "emails",
    "email",
    "tweet",
    "article",
    "book",
    "column",
    "editorial",
    "teams",
    "residents",
    "citizens",
    "americans",
    "workers",
    "students",
    "protesters",
    "critics",
    "observers",
    "commission",
    "network",
    "networks",
    "outlet",
    "outlets",
    "magazine",
    "newspapers",
    "spokespeople",
    "representatives",
    "representative",
    "congressman",
    "congresswoman",
    "founder",
    "ceo",
    "owner",
    "chair",
    "veteran",
    "veterans",
    "mother",
    "father",
    "son",
    "daughter",
    "brother",
    "sister",
    "guy",
    "lady",
    "officer",
    "officers",
    "agent",
    "agents",
    "commander",
    "commanders",
    "ambassador",
    "envoy",
    "regime",
    "army",
    "military",
    "bureau",
    "movement",
    "camp",
    "establishment",
    "electorate",
    "public",
    "respondents",
    "majority",
    "minority",
    "others",
    "many",
    "most",
    "some",
    "few",
    "several",
    "both",
    "all",
    "one",
    "two",
    "three",
    "each",
    "either",
    "democrats",
    "republicans",
];

/// Plural or indefinite source nouns ("officials said") whose entity is the mention.
pub const PLURAL_SOURCES: &[&str] = &[
    "officials",
    "sources",
    "analysts",
    "critics",
    "experts",
    "observers",
    "aides",
    "advisers",
    "insiders",
    "people",
    "voters",
    "supporters",
    "opponents",
    "leaders",
    "lawmakers",
    "economists",
    "strategists",
    "polls",
    "reports",
    "others",
    "many",
    "some",
    "residents",
    "witnesses",
    "investigators",
    "authorities",
    "prosecutors",
    "activists",
    "diplomats",
    "scientists",
    "researchers",
    "police",
];

/// Words that may sit between a subject and its cue ("he has also said").
pub const AUX_ADVERBS: &[&str] = &[
    "also",
    "has",
    "have",
    "had",
    "is",
    "was",
    "are",
    "were",
    "been",
    "be",
    "did",
    "does",
    "do",
    "not",
    "never",
    "repeatedly",
    "previously",
    "recently",
    "later",
    "then",
    "just",
    "again",
    "still",
    "often",
    "publicly",
    "privately",
    "once",
    "already",
    "reportedly",
    "long",
    "first",
    "even",
    "quickly",
    "immediately",
    "would",
    "will",
    "could",
    "may",
    "might",
    "should",
    "can",
    "must",
    "frequently",
    "openly",
    "further",
    "strongly",
    "specifically",
    "explicitly",
    "initially",
    "originally",
    "flatly",
    "firmly",
    "simply",
    "himself",
    "herself",
    "themselves",
    "itself",
    "clearly",
    "now",
    "only",
    "sometimes",
    "always",
    "ultimately",
    "finally",
    "earlier",
    "subsequently",
    "widely",
    "rightly",
    "correctly",
    "falsely",
    "wrongly",
    "bluntly",
    "candidly",
    "proudly",
    "angrily",
    "loudly",
    "sharply",
    "bitterly",
    "increasingly",
    "actually",
    "apparently",
    "personally",
    "elsewhere",
    "separately",
    "similarly",
    "too",
    "'s",
    "'ve",
    "'d",
    "'ll",
    "n't",
    "all",
    "both",
    "each",
];

/// Time words that may follow a cue or subject ("said Monday").
pub const TIME_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tonight",
    "earlier",
    "later",
    "recently",
    "previously",
    "last",
    "this",
    "week",
    "month",
    "year",
    "night",
    "morning",
    "afternoon",
    "evening",
];

/// Personal pronouns that can be speakers.
pub fn pronoun(lower: &str) -> Option<Pronoun> {
    Some(match lower {
        "he" => Pronoun::He,
        "she" => Pronoun::She,
        "they" => Pronoun::They,
        "it" => Pronoun::It,
        "we" => Pronoun::We,
        "i" => Pronoun::I,
        "you" => Pronoun::You,
        _ => return None,
    })
}

/// The personal pronoun of a possessive determiner ("his" → he): its owner.
pub fn possessive_pronoun(lower: &str) -> Option<Pronoun> {
    Some(match lower {
        "his" => Pronoun::He,
        "her" => Pronoun::She,
        "their" => Pronoun::They,
        "its" => Pronoun::It,
        _ => return None,
    })
}

/// A personal pronoun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pronoun {
    He,
    She,
    They,
    It,
    We,
    I,
    You,
}

pub fn is_honorific(lower: &str) -> bool {
    in_list(lower.trim_end_matches('.'), list::HONORIFICS)
}

/// Whether `lower` is one of [`TITLE_NOUNS`].
pub fn is_title_noun(lower: &str) -> bool {
    TITLE_NOUNS.contains(&lower)
}

pub fn is_speaker_noun(lower: &str) -> bool {
    in_list(lower, list::SPEAKER_NOUNS)
}

pub fn is_determiner(lower: &str) -> bool {
    matches!(
        lower,
        "the"
            | "a"
            | "an"
            | "another"
            | "this"
            | "that"
            | "these"
            | "those"
            | "his"
            | "her"
            | "its"
            | "their"
            | "our"
            | "my"
            | "your"
            | "some"
            | "many"
            | "most"
            | "several"
            | "one"
            | "two"
            | "three"
            | "four"
            | "five"
            | "few"
            | "all"
            | "both"
            | "each"
            | "other"
            | "any"
            | "no"
            | "every"
            | "former"
            | "such"
    )
}

/// Words that end a noun phrase when walking left from a cue.
pub fn is_np_break(lower: &str) -> bool {
    matches!(
        lower,
        "and"
            | "or"
            | "but"
            | "that"
            | "which"
            | "who"
            | "because"
            | "if"
            | "when"
            | "while"
            | "as"
            | "though"
            | "although"
            | "since"
            | "after"
            | "before"
            | "where"
            | "so"
            | "than"
            | "to"
            | "in"
            | "on"
            | "at"
            | "with"
            | "from"
            | "into"
            | "about"
            | "whether"
            | "what"
            | "how"
            | "why"
            | "is"
            | "was"
            | "are"
            | "were"
            | "has"
            | "have"
            | "had"
            | "said"
            | "says"
            | "not"
            | "it"
            | "he"
            | "she"
            | "they"
            | "we"
            | "i"
            | "you"
            | "by"
            | "like"
            | "until"
            | "unless"
            | "once"
            | "then"
            | "also"
            | "would"
            | "will"
            | "could"
            | "can"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections() {
        for w in [
            "said",
            "says",
            "saying",
            "told",
            "telling",
            "added",
            "noted",
            "denies",
            "denied",
            "admitted",
            "admitting",
            "argued",
            "arguing",
            "believes",
            "thought",
            "tweeted",
            "wrote",
            "pointed",
            "stressed",
            "stresses",
            "warned",
            "referred",
        ] {
            assert!(cue_word(w).is_some(), "{w}");
        }
        assert_eq!(cue_word("said").map(|c| c.form), Some(CueForm::Past));
        assert_eq!(cue_word("saying").map(|c| c.form), Some(CueForm::Ing));
        assert!(cue_word("tolds").is_none());
        assert!(cue_word("table").is_none());
        assert!(cue_particle("pointed", "out"));
    }

    #[test]
    fn census_first_names_extend_the_hand_lists() {
        let (f, m) = (list::FEMALE_NAMES, list::MALE_NAMES);
        // Not in the hand lists, from the census lists.
        assert!(in_list("lydia", f) && !in_list("lydia", m));
        assert!(in_list("mario", m) && !in_list("mario", f));
        // Places, months and words are left out by scripts/first_names.py.
        let census = |w: &str| FIRST_NAMES.lines().any(|l| l.split('\t').next() == Some(w));
        assert!(census("lydia") && census("mario"));
        for w in ["china", "virginia", "june", "may", "hope", "drew"] {
            assert!(!census(w), "{w}");
        }
        assert!(!in_list("china", f | m) && !in_list("june", f | m));
        assert!(in_list("mary", f) && in_list("michael", m));
        assert!(FIRST_NAMES.lines().filter(|l| !l.starts_with('#')).count() > 4000);
    }
}

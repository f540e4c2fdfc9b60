//! Domain types shared by every stage, in the JSON Lines shapes of DESIGN.md §4.
//!
//! Public spans ([`Span`], and the `start`/`end` of every output type) are Unicode
//! code-point offsets into the original, unmodified text.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One input document: only `text` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    #[serde(default)]
    pub id: String,
    pub text: String,
}

/// `[start, end)` in Unicode code points of the original text.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    /// Number of code points shared with `other`.
    pub fn overlap(&self, other: &Span) -> usize {
        self.end
            .min(other.end)
            .saturating_sub(self.start.max(other.start))
    }
}

/// A sentence's discourse role (DESIGN.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Quote,
    Claim,
    Event,
    Background,
}

impl Role {
    /// All roles, in the fixed order used for model outputs and score vectors.
    pub const ALL: [Role; 4] = [Role::Quote, Role::Claim, Role::Event, Role::Background];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Quote => "quote",
            Role::Claim => "claim",
            Role::Event => "event",
            Role::Background => "background",
        }
    }

    /// Position in [`Role::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Per-role probabilities, in the order of [`Role::ALL`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleScores {
    pub quote: f32,
    pub claim: f32,
    pub event: f32,
    pub background: f32,
}

impl RoleScores {
    pub fn from_array(p: [f32; 4]) -> Self {
        RoleScores {
            quote: p[0],
            claim: p[1],
            event: p[2],
            background: p[3],
        }
    }
    pub fn to_array(self) -> [f32; 4] {
        [self.quote, self.claim, self.event, self.background]
    }
    /// The most probable role and its probability.
    pub fn best(self) -> (Role, f32) {
        let a = self.to_array();
        let mut best = 0;
        for i in 1..4 {
            if a[i] > a[best] {
                best = i;
            }
        }
        (Role::ALL[best], a[best])
    }
}

/// Who is quoted: the mention in the text and the canonical entity it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Canonical name: the longest proper name of the mention's cluster, or the
    /// mention itself when the document names no one ("officials").
    pub entity: String,
    pub confidence: f32,
}

/// A reporting cue such as "said" or "according to".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One classified sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    /// Empty, and left out of JSON, when texts were not asked for (`--no-text`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    pub role: Role,
    pub confidence: f32,
    pub scores: RoleScores,
    /// 0-based paragraph index.
    #[serde(default)]
    pub paragraph: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Speaker>,
}

/// One attributed quote: its content span, cue and speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub start: usize,
    pub end: usize,
    /// Empty, and left out of JSON, when texts were not asked for (`--no-text`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// True for words in quotation marks, false for reported speech.
    pub direct: bool,
    /// What it reports (JSON key `type`): speech, or with `--attributions` also
    /// thought, document or other. Read as speech when absent.
    #[serde(rename = "type", default)]
    pub kind: crate::attribution::AttributionType,
    /// The probability that it is reported speech (the typed model's).
    #[serde(default)]
    pub speech_probability: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<Cue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Speaker>,
}

/// One speaker entity of a document, with how often it is mentioned and quoted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakerEntity {
    pub entity: String,
    pub mentions: usize,
    pub quotes: usize,
}

/// What an [`Entity`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organisation,
}

/// One mention of an entity: a name, a title, a description or a pronoun.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityMention {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A person or organisation of the document with all its mentions (`--entities`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Canonical name: the longest proper name, as quote speakers' `entity` gives it.
    pub name: String,
    pub kind: EntityKind,
    pub mentions: Vec<EntityMention>,
}

/// The full analysis of one document (one output line of `classify`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub id: String,
    pub sentences: Vec<Sentence>,
    pub quotes: Vec<Quote>,
    pub speakers: Vec<SpeakerEntity>,
    /// The entity layer, when asked for (`classify --entities`); else empty and
    /// left out of JSON.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<Entity>,
}

impl Analysis {
    /// About the length of this analysis as JSON, a little over rather than under:
    /// the capacity to serialise it into. The JSON of a long text is several times
    /// its size, and a buffer grown by doubling would hold up to twice that (and
    /// both the old and the new buffer while it grows).
    pub fn json_len_hint(&self) -> usize {
        // Text as a JSON string: quotes and line ends are escaped.
        let text = |s: &str| s.len() + s.len() / 8 + 2;
        let speaker = |s: &Option<Speaker>| {
            s.as_ref()
                .map_or(0, |s| 90 + text(&s.text) + text(&s.entity))
        };
        let sentences: usize = self
            .sentences
            .iter()
            .map(|s| 230 + text(&s.text) + speaker(&s.speaker))
            .sum();
        let quotes: usize = self
            .quotes
            .iter()
            .map(|q| {
                let cue = q.cue.as_ref().map_or(0, |c| 50 + text(&c.text));
                80 + text(&q.text) + cue + speaker(&q.speaker)
            })
            .sum();
        let speakers: usize = self.speakers.iter().map(|e| 60 + text(&e.entity)).sum();
        let entities: usize = self
            .entities
            .iter()
            .map(|e| {
                let ms: usize = e.mentions.iter().map(|m| 40 + text(&m.text)).sum();
                60 + text(&e.name) + ms
            })
            .sum();
        64 + text(&self.id) + sentences + quotes + speakers + entities
    }
}

/// Converts byte offsets of one string to code-point offsets (DESIGN.md §3).
///
/// Built once per document; lookups are O(log n) in the number of non-ASCII chars
/// and O(1) for pure-ASCII text.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offsets of each non-ASCII char start, ascending.
    wide: Vec<(usize, usize)>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        let mut extra = 0usize;
        for (b, c) in text.char_indices() {
            let l = c.len_utf8();
            if l > 1 {
                extra += l - 1;
                // (byte just past this char, cumulative extra bytes up to there)
                wide.push((b + l, extra));
            }
        }
        CharIndex { wide }
    }

    /// Code-point offset of byte offset `b` (which must be a char boundary).
    pub fn char_of(&self, b: usize) -> usize {
        // Extra bytes from all wide chars that end at or before b.
        let i = self.wide.partition_point(|&(end, _)| end <= b);
        let extra = if i == 0 { 0 } else { self.wide[i - 1].1 };
        b - extra
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.char_of(start), self.char_of(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_matches_char_count() {
        let t = "a\u{a0}b “c” é😀x";
        let idx = CharIndex::new(t);
        for (b, _) in t.char_indices().chain(std::iter::once((t.len(), ' '))) {
            assert_eq!(idx.char_of(b), t[..b].chars().count(), "byte {b}");
        }
    }

    #[test]
    fn role_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(Role::ALL[r.index()], r);
        }
        assert_eq!(Role::parse("opinion"), None);
    }
}

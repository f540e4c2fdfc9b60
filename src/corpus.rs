//! Labelled JSON Lines (DESIGN.md §4): reading gold documents with a sentence layer
//! and/or a quote layer, with line numbers in every error and labels validated.

use crate::document::Role;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::BufRead;
use std::path::Path;

/// A gold speaker: the mention span (code points) and, where annotated, the entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldSpeaker {
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldSpan {
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub text: String,
}

/// A gold sentence; `role` is absent in corpora that label only quotes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldSentence {
    pub start: usize,
    pub end: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The corpus's own fine-grained label (NewsDiscourse), kept for analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discourse: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<GoldSpeaker>,
}

/// A gold quote: content span, optional cue, optional speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldQuote {
    pub start: usize,
    pub end: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<GoldSpan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<GoldSpeaker>,
}

/// One labelled document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelledDocument {
    #[serde(default)]
    pub id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentences: Option<Vec<GoldSentence>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Vec<GoldQuote>>,
    /// Coreference (GUM): every entity with all its mentions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Vec<GoldEntity>>,
    /// An ambiguous pronoun (GAP) and its candidate names, each its antecedent or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronoun: Option<GoldSpan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidates: Option<Vec<GoldCandidate>>,
    /// Tokens with their parts of speech (GUM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Vec<GoldToken>>,
}

/// A gold token and its Universal Dependencies part of speech.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldToken {
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub upos: String,
}

/// A gold entity: its type (person, organization, place …) and all its mentions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldEntity {
    #[serde(rename = "type", default)]
    pub kind: String,
    /// A Wikipedia identity for named entities ("Creswell_Eastman").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    pub mentions: Vec<GoldSpan>,
}

/// A candidate antecedent of a GAP pronoun.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldCandidate {
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub text: String,
    pub coref: bool,
}

impl LabelledDocument {
    /// Checks spans against the text length (in code points).
    fn validate(&self, n_chars: usize) -> std::result::Result<(), String> {
        let check = |what: &str, s: usize, e: usize| {
            if s > e || e > n_chars {
                Err(format!(
                    "{what} span [{s}, {e}) is outside the text of {n_chars} code points"
                ))
            } else {
                Ok(())
            }
        };
        for s in self.sentences.iter().flatten() {
            check("sentence", s.start, s.end)?;
            if let Some(sp) = &s.speaker {
                check("speaker", sp.start, sp.end)?;
            }
        }
        for q in self.quotes.iter().flatten() {
            check("quote", q.start, q.end)?;
            if let Some(sp) = &q.speaker {
                check("speaker", sp.start, sp.end)?;
            }
            if let Some(c) = &q.cue {
                check("cue", c.start, c.end)?;
            }
        }
        for e in self.entities.iter().flatten() {
            for m in &e.mentions {
                check("entity mention", m.start, m.end)?;
            }
        }
        if let Some(p) = &self.pronoun {
            check("pronoun", p.start, p.end)?;
        }
        for c in self.candidates.iter().flatten() {
            check("candidate", c.start, c.end)?;
        }
        for t in self.tokens.iter().flatten() {
            check("token", t.start, t.end)?;
        }
        Ok(())
    }
}

/// Parses one labelled JSONL line; `place` names it in errors ("train.jsonl:17").
///
/// # Errors
/// [`Error::InvalidInput`] for bad JSON, a missing `text`, an unknown role label
/// (the message lists the known ones) or a span outside the text.
pub fn parse_line(line: &str, place: &str) -> Result<LabelledDocument> {
    let doc: LabelledDocument = serde_json::from_str(line).map_err(|e| {
        let msg = e.to_string();
        if msg.contains("unknown variant") {
            Error::invalid(format!(
                "{place}: {msg} (roles are quote, claim, event, background)"
            ))
        } else {
            Error::invalid(format!("{place}: {msg}"))
        }
    })?;
    doc.validate(doc.text.chars().count())
        .map_err(|m| Error::invalid(format!("{place}: {m}")))?;
    Ok(doc)
}

/// Reads a whole labelled JSONL file; blank lines are skipped, any bad line is an error.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::InvalidInput`] naming
/// `file:line` for the first bad line.
pub fn read_labelled(path: &Path) -> Result<Vec<LabelledDocument>> {
    read_jsonl(path, |line, place, n| {
        let mut d = parse_line(line, place)?;
        if d.id.is_empty() {
            d.id = n.to_string();
        }
        Ok(d)
    })
}

/// Reads a JSON Lines file with `parse(line, "file:N", N)` for each non-blank line
/// (N is 1-based), stopping at the first error.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; whatever `parse` returns.
pub fn read_jsonl<T>(
    path: &Path,
    mut parse: impl FnMut(&str, &str, usize) -> Result<T>,
) -> Result<Vec<T>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let place = format!("{}:{}", path.display(), i + 1);
        out.push(parse(&line, &place, i + 1)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_layers() {
        let l = r#"{"id":"a","text":"He said: \"hi\".","sentences":[{"start":0,"end":14,"role":"quote","speaker":{"start":0,"end":2,"text":"He","entity":"Bob"}}],"quotes":[{"start":10,"end":12,"cue":{"start":3,"end":7,"text":"said"},"speaker":{"start":0,"end":2,"text":"He"}}]}"#;
        let d = parse_line(l, "x:1").unwrap();
        assert_eq!(d.sentences.unwrap()[0].role, Some(Role::Quote));
        assert_eq!(d.quotes.unwrap()[0].cue.as_ref().unwrap().text, "said");
    }

    #[test]
    fn unknown_label_names_line_and_known_labels() {
        let l = r#"{"text":"x","sentences":[{"start":0,"end":1,"role":"opinion"}]}"#;
        let e = parse_line(l, "t.jsonl:4").unwrap_err().to_string();
        assert!(
            e.contains("t.jsonl:4") && e.contains("opinion") && e.contains("background"),
            "{e}"
        );
    }

    #[test]
    fn span_outside_text_is_rejected() {
        let l = r#"{"text":"abc","sentences":[{"start":0,"end":9,"role":"event"}]}"#;
        let e = parse_line(l, "t:1").unwrap_err().to_string();
        assert!(e.contains("[0, 9)"), "{e}");
    }
}

//! The generated `newsroles.v1` protobuf code, the encoded descriptor set that server
//! reflection serves, and every conversion between domain types and prost types.
//!
//! Nothing outside `service` touches prost types: the rest of the crate speaks
//! [`crate::document`], and this file is the only border crossing.

use crate::document as dom;
use crate::model::ModelMeta;

tonic::include_proto!("newsroles.v1");

/// The encoded `FileDescriptorSet` of `proto/newsroles/v1/newsroles.proto`, written by
/// `build.rs`, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/newsroles_descriptor.bin"));

/// Offsets are bounded by the text limit (a few MiB), far below `u32::MAX`; saturate
/// anyway so a misconfigured limit cannot panic a handler.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn span(start: usize, end: usize) -> Option<Span> {
    Some(Span {
        start: offset(start),
        end: offset(end),
    })
}

/// A document whose `text` is not UTF-8 (the Rust types read it as bytes, so this is
/// one document's error, not the call's): `(id, message)`.
impl TryFrom<Document> for dom::Document {
    type Error = (String, String);

    fn try_from(d: Document) -> Result<Self, (String, String)> {
        match String::from_utf8(d.text) {
            Ok(text) => Ok(dom::Document { id: d.id, text }),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                Err((
                    d.id,
                    format!("text is not valid UTF-8 (at byte {at}); send UTF-8 text"),
                ))
            }
        }
    }
}

impl From<dom::Document> for Document {
    fn from(d: dom::Document) -> Self {
        Document {
            id: d.id,
            text: d.text.into_bytes(),
            options: None,
        }
    }
}

impl From<dom::Role> for Role {
    fn from(r: dom::Role) -> Self {
        match r {
            dom::Role::Quote => Role::Quote,
            dom::Role::Claim => Role::Claim,
            dom::Role::Event => Role::Event,
            dom::Role::Background => Role::Background,
        }
    }
}

impl TryFrom<Role> for dom::Role {
    type Error = crate::Error;

    /// `ROLE_UNSPECIFIED` has no domain counterpart.
    fn try_from(r: Role) -> crate::Result<Self> {
        match r {
            Role::Unspecified => Err(crate::Error::invalid("role is ROLE_UNSPECIFIED")),
            Role::Quote => Ok(dom::Role::Quote),
            Role::Claim => Ok(dom::Role::Claim),
            Role::Event => Ok(dom::Role::Event),
            Role::Background => Ok(dom::Role::Background),
        }
    }
}

impl From<dom::RoleScores> for RoleScores {
    fn from(s: dom::RoleScores) -> Self {
        RoleScores {
            quote: s.quote,
            claim: s.claim,
            event: s.event,
            background: s.background,
        }
    }
}

impl From<dom::Speaker> for Speaker {
    fn from(s: dom::Speaker) -> Self {
        Speaker {
            span: span(s.start, s.end),
            text: s.text,
            entity: s.entity,
            confidence: s.confidence,
        }
    }
}

impl From<dom::Cue> for Cue {
    fn from(c: dom::Cue) -> Self {
        Cue {
            span: span(c.start, c.end),
            text: c.text,
        }
    }
}

impl From<dom::Sentence> for Sentence {
    fn from(s: dom::Sentence) -> Self {
        Sentence {
            span: span(s.start, s.end),
            text: s.text,
            role: Role::from(s.role) as i32,
            confidence: s.confidence,
            scores: Some(s.scores.into()),
            speaker: s.speaker.map(Into::into),
            paragraph: offset(s.paragraph),
        }
    }
}

impl From<dom::Quote> for Quote {
    fn from(q: dom::Quote) -> Self {
        let kind = if q.direct {
            QuoteKind::Direct
        } else {
            QuoteKind::Reported
        };
        Quote {
            span: span(q.start, q.end),
            text: q.text,
            kind: kind as i32,
            cue: q.cue.map(Into::into),
            speaker: q.speaker.map(Into::into),
            r#type: AttributionType::from(q.kind) as i32,
            speech_probability: q.speech_probability,
        }
    }
}

impl From<crate::attribution::AttributionType> for AttributionType {
    fn from(t: crate::attribution::AttributionType) -> Self {
        use crate::attribution::AttributionType as T;
        match t {
            T::Speech => AttributionType::Speech,
            T::Thought => AttributionType::Thought,
            T::Document => AttributionType::Document,
            T::Other => AttributionType::Other,
        }
    }
}

impl From<dom::SpeakerEntity> for SpeakerEntity {
    fn from(e: dom::SpeakerEntity) -> Self {
        SpeakerEntity {
            entity: e.entity,
            mentions: offset(e.mentions),
            quotes: offset(e.quotes),
        }
    }
}

impl From<dom::Entity> for Entity {
    fn from(e: dom::Entity) -> Self {
        let kind = match e.kind {
            dom::EntityKind::Person => EntityKind::Person,
            dom::EntityKind::Organisation => EntityKind::Organisation,
        };
        Entity {
            name: e.name,
            kind: kind as i32,
            mentions: e
                .mentions
                .into_iter()
                .map(|m| EntityMention {
                    span: span(m.start, m.end),
                    text: m.text,
                })
                .collect(),
        }
    }
}

/// The full analysis, texts included; see [`analysis`] to honour `include_text`.
impl From<dom::Analysis> for Analysis {
    fn from(a: dom::Analysis) -> Self {
        Analysis {
            id: a.id,
            sentences: a.sentences.into_iter().map(Into::into).collect(),
            quotes: a.quotes.into_iter().map(Into::into).collect(),
            speakers: a.speakers.into_iter().map(Into::into).collect(),
            error: None,
            entities: a.entities.into_iter().map(Into::into).collect(),
        }
    }
}

/// Converts an analysis, dropping sentence and quote texts unless `include_text`
/// (`ClassifyOptions.include_text`): spans are always given, and the client has the
/// text. Speaker and cue texts are short mentions and always kept. The server's
/// analyses come from `Pipeline::analyze_with`, which already leaves those texts
/// empty; clearing them here keeps the conversion right for any analysis.
pub fn analysis(mut a: dom::Analysis, include_text: bool) -> Analysis {
    if !include_text {
        a.sentences.iter_mut().for_each(|s| s.text = String::new());
        a.quotes.iter_mut().for_each(|q| q.text = String::new());
    }
    a.into()
}

/// The answer for a document that could not be analysed: its id and the error only.
pub fn failed(id: String, code: tonic::Code, message: impl Into<String>) -> Analysis {
    Analysis {
        id,
        error: Some(DocumentError {
            code: super::status::code_name(code).to_string(),
            message: message.into(),
        }),
        ..Default::default()
    }
}

impl From<&ModelMeta> for ModelInfo {
    fn from(m: &ModelMeta) -> Self {
        ModelInfo {
            name: m.name.clone(),
            version: m.version.clone(),
            format_version: m.format_version,
            labels: m.labels.clone(),
            training_data: m.training_data.clone(),
            metrics: m.metrics.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            trained_at: m.trained_at.clone(),
            card: m.card.clone(),
            sha256: m.sha256.clone(),
            has_attribution_model: m.has_attribution_model,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(text: &str) -> dom::Sentence {
        dom::Sentence {
            start: 3,
            end: 3 + text.chars().count(),
            text: text.into(),
            role: dom::Role::Event,
            confidence: 0.7,
            scores: dom::RoleScores::from_array([0.1, 0.1, 0.7, 0.1]),
            paragraph: 2,
            speaker: Some(dom::Speaker {
                start: 4,
                end: 6,
                text: "he".into(),
                entity: "Ismail Haniya".into(),
                confidence: 0.8,
            }),
        }
    }

    fn sample() -> dom::Analysis {
        dom::Analysis {
            id: "d1".into(),
            sentences: vec![sentence("He came.")],
            quotes: vec![dom::Quote {
                start: 10,
                end: 20,
                text: "we will win".into(),
                direct: true,
                kind: Default::default(),
                speech_probability: 0.9,
                cue: Some(dom::Cue {
                    start: 22,
                    end: 26,
                    text: "said".into(),
                }),
                speaker: None,
            }],
            speakers: vec![dom::SpeakerEntity {
                entity: "Ismail Haniya".into(),
                mentions: 3,
                quotes: 1,
            }],
            entities: vec![dom::Entity {
                name: "Ismail Haniya".into(),
                kind: dom::EntityKind::Person,
                mentions: vec![dom::EntityMention {
                    start: 4,
                    end: 6,
                    text: "he".into(),
                }],
            }],
        }
    }

    #[test]
    fn analysis_keeps_every_field() {
        let a = analysis(sample(), true);
        assert_eq!(a.id, "d1");
        let s = &a.sentences[0];
        assert_eq!(s.span, Some(Span { start: 3, end: 11 }));
        assert_eq!(s.text, "He came.");
        assert_eq!(s.role(), Role::Event);
        assert_eq!(s.paragraph, 2);
        assert_eq!(s.scores.map(|x| x.event), Some(0.7));
        let sp = s
            .speaker
            .as_ref()
            .map(|x| (x.text.as_str(), x.entity.as_str(), x.span));
        assert_eq!(
            sp,
            Some(("he", "Ismail Haniya", Some(Span { start: 4, end: 6 })))
        );
        let q = &a.quotes[0];
        assert_eq!(q.kind(), QuoteKind::Direct);
        assert_eq!(q.text, "we will win");
        assert_eq!(q.cue.as_ref().map(|c| c.text.as_str()), Some("said"));
        assert!(q.speaker.is_none());
        assert_eq!(a.speakers[0].mentions, 3);
        assert!(a.error.is_none());
    }

    #[test]
    fn without_include_text_sentence_and_quote_texts_are_empty() {
        let a = analysis(sample(), false);
        assert_eq!(a.sentences[0].text, "");
        assert_eq!(a.quotes[0].text, "");
        // Spans and mentions stay.
        assert_eq!(a.sentences[0].span, Some(Span { start: 3, end: 11 }));
        assert_eq!(
            a.quotes[0].cue.as_ref().map(|c| c.text.as_str()),
            Some("said")
        );
    }

    #[test]
    fn reported_quote_kind() {
        let mut d = sample();
        d.quotes[0].direct = false;
        assert_eq!(analysis(d, true).quotes[0].kind(), QuoteKind::Reported);
    }

    #[test]
    fn huge_offsets_saturate_instead_of_panicking() {
        assert_eq!(offset(usize::MAX), u32::MAX);
        assert_eq!(offset(7), 7);
    }

    #[test]
    fn roles_round_trip_and_unspecified_is_rejected() {
        for r in dom::Role::ALL {
            assert_eq!(dom::Role::try_from(Role::from(r)).ok(), Some(r));
            assert_ne!(Role::from(r), Role::Unspecified);
        }
        assert!(dom::Role::try_from(Role::Unspecified).is_err());
    }

    #[test]
    fn failed_document_carries_code_name() {
        let a = failed("x".into(), tonic::Code::ResourceExhausted, "too big");
        let e = a.error.unwrap_or_default();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("RESOURCE_EXHAUSTED", "too big")
        );
        assert!(a.sentences.is_empty());
    }

    #[test]
    fn model_info_from_meta() {
        let mut meta = ModelMeta {
            name: "m".into(),
            format_version: 2,
            ..Default::default()
        };
        meta.labels = dom::Role::ALL.iter().map(|r| r.to_string()).collect();
        meta.metrics.insert("roles.macro_f1".into(), 0.5);
        let info = ModelInfo::from(&meta);
        assert_eq!(info.labels, ["quote", "claim", "event", "background"]);
        assert_eq!(info.metrics.get("roles.macro_f1"), Some(&0.5));
        assert_eq!(info.format_version, 2);
    }
}

//! The whole analysis, text → features → model → attribution, as one `Send + Sync`
//! value shared by the CLI, the batch runner and the gRPC server.

use crate::attribution::{Attributor, DocAttribution, FoundQuote, FoundSpeaker, TypeModel};
use crate::budget::Budget;
use crate::document::{
    Analysis, CharIndex, Cue, Document, Entity, EntityKind, EntityMention, Quote, Sentence,
    Speaker, SpeakerEntity,
};
use crate::error::Result;
use crate::features::Featurizer;
use crate::model::{Decoder, ModelFile, ModelMeta, RoleModel};
use crate::text::{Normalized, TextLayout};
use std::ops::Range;
use std::path::Path;

/// A loaded model plus everything needed to analyse documents with it.
pub struct Pipeline {
    meta: ModelMeta,
    featurizer: Featurizer,
    roles: RoleModel,
    decoder: Decoder,
    attributor: Attributor,
    /// The typed attribution model (`types.model` beside the model file); without
    /// it, quotes are typed by the cue-class rule.
    types: Option<TypeModel>,
}

/// What an analysis includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalyzeOptions {
    /// Copy sentence and quote texts into the answer.
    pub include_text: bool,
    /// Output every attribution (thoughts, documents, others, each with its type), not
    /// only reported speech.
    pub include_attributions: bool,
    /// Add the entity layer: every person and organisation with all its mentions.
    pub include_entities: bool,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            include_text: true,
            include_attributions: false,
            include_entities: false,
        }
    }
}

/// Maps normalised byte ranges to public code-point spans and original text.
struct Mapper<'a> {
    original: &'a str,
    norm: &'a Normalized,
    chars: CharIndex,
    /// Copy sentence and quote texts into the answer.
    include_text: bool,
}

impl Mapper<'_> {
    /// A sentence's or quote's span, with its text only when asked for (the longest
    /// strings of an answer; the caller has the text).
    fn content(&self, r: &Range<usize>) -> (usize, usize, String) {
        self.span_with(r, self.include_text)
    }

    /// A mention's or cue's span with its text (short; always given).
    fn span(&self, r: &Range<usize>) -> (usize, usize, String) {
        self.span_with(r, true)
    }

    fn span_with(&self, r: &Range<usize>, text: bool) -> (usize, usize, String) {
        let o = self.norm.original_range(r.clone());
        let span = self.chars.span(o.start, o.end);
        let text = if text {
            self.original.get(o).unwrap_or_default().to_string()
        } else {
            String::new()
        };
        (span.start, span.end, text)
    }

    fn speaker(&self, s: &FoundSpeaker) -> Speaker {
        let (start, end, text) = self.span(&s.mention);
        Speaker {
            start,
            end,
            text,
            entity: s.entity.clone(),
            confidence: s.confidence,
        }
    }
}

impl Pipeline {
    /// Loads the model file at `path`.
    ///
    /// # Errors
    /// [`crate::Error::Model`] naming the file when it is missing, corrupt, truncated
    /// or of a format version this build cannot read.
    pub fn load(path: &Path) -> Result<Pipeline> {
        let file = ModelFile::load(path)?;
        Pipeline::from_model(file, path)
    }

    /// Builds a pipeline from a decoded model; `path` names it in errors, and the
    /// typed attribution model is read from beside it ([`TypeModel::for_model`]).
    ///
    /// # Errors
    /// [`crate::Error::Model`] if the weights are inconsistent or a `types.model`
    /// beside it cannot be read.
    pub fn from_model(file: ModelFile, path: &Path) -> Result<Pipeline> {
        let types = TypeModel::for_model(path, &file.meta.sha256)?;
        let roles = file.role_model(path)?;
        Ok(Pipeline {
            // Scoring adds the word vectors' logits directly (see Featurizer::folded).
            featurizer: file.featurizer().folded(|b| roles.row(b)),
            roles,
            decoder: file.decoder,
            attributor: Attributor {
                pronouns: file.pronouns,
                ..file.attribution
            },
            meta: file.meta,
            types,
        })
    }

    /// Replaces the typed attribution model (`None`: the cue-class rule types).
    pub fn with_types(mut self, types: Option<TypeModel>) -> Pipeline {
        self.types = types;
        self
    }

    /// A copy that types by the cue-class rule (for comparisons and tests).
    pub fn clone_without_types(&self) -> Pipeline {
        Pipeline {
            meta: self.meta.clone(),
            featurizer: self.featurizer.clone(),
            roles: self.roles.clone(),
            decoder: self.decoder.clone(),
            attributor: self.attributor.clone(),
            types: None,
        }
    }

    /// The typed attribution model in use, if any.
    pub fn types(&self) -> Option<&TypeModel> {
        self.types.as_ref()
    }

    /// Every attribution of `doc` with its type features, typed by this pipeline,
    /// content spans in code points of the text.
    pub fn attributions(&self, doc: &Document) -> Vec<(usize, usize, FoundQuote)> {
        let mut found = self.attributor.attributions(&doc.text);
        if let Some(t) = &self.types {
            found.iter_mut().for_each(|(_, _, q)| q.type_with(t));
        }
        found
    }

    /// Model name, version, labels, metrics.
    pub fn meta(&self) -> &ModelMeta {
        &self.meta
    }

    /// Analyses one document: reported speech only ([`AnalyzeOptions::default`]).
    /// Empty text is valid and gives no sentences.
    ///
    /// # Errors
    /// None at present: every UTF-8 text can be analysed. Limits on size are the
    /// caller's (service and CLI), so the pipeline stays usable on any document.
    pub fn analyze(&self, doc: &Document) -> Result<Analysis> {
        self.analyze_with(doc, true)
    }

    /// [`Pipeline::analyze`], with sentence and quote texts left empty unless
    /// `include_text` (spans, cue and speaker texts are always filled in).
    ///
    /// # Errors
    /// As [`Pipeline::analyze`].
    pub fn analyze_with(&self, doc: &Document, include_text: bool) -> Result<Analysis> {
        let opts = AnalyzeOptions {
            include_text,
            ..Default::default()
        };
        self.analyze_within(doc, opts, &Budget::unlimited())
    }

    /// [`Pipeline::analyze`] with `opts`.
    ///
    /// # Errors
    /// As [`Pipeline::analyze`].
    pub fn analyze_opts(&self, doc: &Document, opts: AnalyzeOptions) -> Result<Analysis> {
        self.analyze_within(doc, opts, &Budget::unlimited())
    }

    /// [`Pipeline::analyze_opts`] within `budget`, checked between the stages and in
    /// the long loops of attribution.
    ///
    /// # Errors
    /// [`crate::Error::Cancelled`] or [`crate::Error::OverBudget`] when the budget
    /// stops the work.
    pub fn analyze_within(
        &self,
        doc: &Document,
        opts: AnalyzeOptions,
        budget: &Budget,
    ) -> Result<Analysis> {
        budget.check("text")?;
        let mut layout = TextLayout::new(&doc.text);
        budget.check("text")?;
        let mut attribution = self.attributor.attribute_within(&layout, budget)?;
        budget.check("attribution")?;
        // Each sentence's features are scored as they are made and dropped: held for
        // the whole text they would weigh many times the text. They read the quotes
        // as typed by the cue-class rule (the role model was trained so).
        let mut logits: Vec<[f32; 4]> = Vec::with_capacity(layout.sentences.len());
        self.featurizer
            .score_each(&layout, &attribution, |x, extra| {
                let mut z = self.roles.logits(&x);
                for (a, b) in z.iter_mut().zip(&extra) {
                    *a += b;
                }
                logits.push(z);
            });
        budget.check("features")?;
        attribution.type_quotes(self.types.as_ref());
        attribution.forget_type_features();
        // The tokens are done with; the answer is built without them.
        layout.tokens = Vec::new();
        let map = Mapper {
            original: &doc.text,
            norm: &layout.norm,
            chars: CharIndex::new(&doc.text),
            include_text: opts.include_text,
        };
        // The role features above read every attribution; the answer holds the
        // asked-for view, and its sentence speakers and speaker list follow it.
        let attribution = if opts.include_attributions {
            attribution
        } else {
            attribution.speech_only()
        };
        let mut analysis = self.assemble(doc, &layout, &logits, &attribution, &map);
        if opts.include_entities {
            analysis.entities = attribution.layer.iter().map(|e| entity(e, &map)).collect();
        }
        Ok(analysis)
    }

    fn assemble(
        &self,
        doc: &Document,
        layout: &TextLayout,
        logits: &[[f32; 4]],
        attr: &DocAttribution,
        map: &Mapper<'_>,
    ) -> Analysis {
        let quotes: Vec<Quote> = attr
            .quotes
            .iter()
            .map(|q| {
                let (start, end, text) = map.content(&q.content);
                let cue = q.cue.as_ref().map(|c| {
                    let (start, end, text) = map.span(c);
                    Cue { start, end, text }
                });
                Quote {
                    start,
                    end,
                    text,
                    direct: q.direct,
                    kind: q.kind,
                    speech_probability: q.p_speech,
                    cue,
                    speaker: q.speaker.as_ref().map(|s| map.speaker(s)),
                }
            })
            .collect();
        // Running maximum of quote ends (quotes are sorted by start), so the quotes
        // overlapping a sentence are found without scanning all of them.
        let max_end: Vec<usize> = attr
            .quotes
            .iter()
            .scan(0, |m, q| {
                *m = (*m).max(q.content.end);
                Some(*m)
            })
            .collect();
        // Document-level role probabilities: sentence scores plus role transitions.
        let decided = self.decoder.decode(logits);
        let sentences = layout
            .sentences
            .iter()
            .zip(decided)
            .map(|(s, (k, p))| {
                let scores = crate::document::RoleScores::from_array(p);
                let (role, confidence) = (crate::Role::ALL[k], p[k]);
                let (start, end, text) = map.content(&s.range);
                // A sentence holding reported speech carries its speaker, whatever its
                // role (one answer: the quote layer and the sentences agree); a quote
                // sentence that of any attribution covering most of it.
                let speaker = covering_quote(&attr.quotes, &max_end, &s.range, |q| {
                    role == crate::Role::Quote
                        || q.kind == crate::attribution::AttributionType::Speech
                })
                .and_then(|q| q.speaker.as_ref().map(|sp| map.speaker(sp)));
                Sentence {
                    start,
                    end,
                    text,
                    role,
                    confidence,
                    scores,
                    paragraph: s.paragraph,
                    speaker,
                }
            })
            .collect();
        let speakers = attr
            .entities
            .iter()
            .map(|e| SpeakerEntity {
                entity: e.entity.clone(),
                mentions: e.mentions,
                quotes: e.quotes,
            })
            .collect();
        Analysis {
            id: doc.id.clone(),
            sentences,
            quotes,
            speakers,
            entities: Vec::new(),
        }
    }
}

/// An entity of the entity layer with public spans and mention texts.
fn entity(e: &crate::attribution::FoundEntity, map: &Mapper<'_>) -> Entity {
    Entity {
        name: e.name.clone(),
        kind: match e.kind {
            crate::attribution::EntityKind::Person => EntityKind::Person,
            crate::attribution::EntityKind::Organisation => EntityKind::Organisation,
        },
        mentions: e
            .mentions
            .iter()
            .map(|r| {
                let (start, end, text) = map.span(r);
                EntityMention { start, end, text }
            })
            .collect(),
    }
}

/// The `wanted` quote with a speaker that overlaps `r` most (the later of equals), given quotes
/// sorted by start and the running maximum of their ends.
fn covering_quote<'a>(
    quotes: &'a [FoundQuote],
    max_end: &[usize],
    r: &Range<usize>,
    wanted: impl Fn(&FoundQuote) -> bool,
) -> Option<&'a FoundQuote> {
    let hi = quotes.partition_point(|q| q.content.start < r.end);
    let lo = max_end[..hi].partition_point(|&e| e <= r.start);
    quotes[lo..hi]
        .iter()
        .filter(|q| q.speaker.is_some() && wanted(q))
        .map(|q| (overlap(&q.content, r), q))
        .filter(|(ov, _)| *ov > 0)
        .max_by_key(|(ov, _)| *ov)
        .map(|(_, q)| q)
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    /// The shipped model, loaded once for all cases.
    fn shipped() -> &'static Pipeline {
        static P: OnceLock<Pipeline> = OnceLock::new();
        P.get_or_init(|| {
            Pipeline::load(&crate::model::default_model_path()).expect("the shipped model loads")
        })
    }

    /// `[start, end)` in code points of `chars`, and the text the output gives for it.
    fn check_span(chars: &[char], start: usize, end: usize, text: &str) -> Result<(), String> {
        if start > end || end > chars.len() {
            return Err(format!("span {start}..{end} outside 0..{}", chars.len()));
        }
        let slice: String = chars[start..end].iter().collect();
        if slice != text {
            return Err(format!(
                "span {start}..{end} is {slice:?}, output says {text:?}"
            ));
        }
        Ok(())
    }

    /// The offset contract of DESIGN.md §3 on one analysis: every span is in code
    /// points of the original text and slices to the text the output gives.
    fn check_contract(original: &str, a: &Analysis) -> Result<(), String> {
        let chars: Vec<char> = original.chars().collect();
        let mut last_end = 0;
        for s in &a.sentences {
            check_span(&chars, s.start, s.end, &s.text)?;
            if s.start < last_end {
                return Err(format!(
                    "sentence {}..{} overlaps the one before",
                    s.start, s.end
                ));
            }
            last_end = s.end;
            let sum: f32 = s.scores.to_array().iter().sum();
            if !(0.0..=1.0).contains(&s.confidence) || (sum - 1.0).abs() > 1e-3 {
                return Err(format!("scores {:?} confidence {}", s.scores, s.confidence));
            }
            if let Some(sp) = &s.speaker {
                check_span(&chars, sp.start, sp.end, &sp.text)?;
            }
        }
        for q in &a.quotes {
            check_span(&chars, q.start, q.end, &q.text)?;
            if let Some(c) = &q.cue {
                check_span(&chars, c.start, c.end, &c.text)?;
            }
            if let Some(sp) = &q.speaker {
                check_span(&chars, sp.start, sp.end, &sp.text)?;
                if sp.entity.is_empty() {
                    return Err("a speaker without an entity".into());
                }
            }
        }
        Ok(())
    }

    #[test]
    fn the_wire_article_keeps_the_contract() {
        let text = "Haniyeh\u{a0}said on Tuesday: \u{201c}We will not give up.\u{201d}\n\n\
                    The Hamas chief met officials.The talks, he said, were \u{2018}useful\u{2019}.";
        let doc = Document {
            id: "a".into(),
            text: text.into(),
        };
        let a = shipped().analyze(&doc).expect("analyses");
        assert!(!a.quotes.is_empty());
        assert_eq!(check_contract(text, &a), Ok(()));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// The whole pipeline with the shipped model, on text made of news-like pieces
        /// and any char: no panic, and the offset contract holds.
        #[test]
        fn any_text_keeps_the_offset_contract(
            s in "(([A-Z][a-z]{0,6}|[a-z]{1,7}|said|told|according to|he|she|Mr\\.|\"|\u{201c}|\u{201d}|\u{2019}|,|\\.|:|'s|\n\n|\r\n|\u{a0}|\u{200b}|e\u{301}|\\PC) ?){0,80}"
        ) {
            let doc = Document { id: "p".into(), text: s.clone() };
            let a = shipped().analyze(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(check_contract(&s, &a), Ok(()));
        }
    }
}

//! Attribution types: whether a found quote reports speech, a thought, a document's
//! content or something else (docs/ATTRIBUTION-TYPES.md is the guideline).
//!
//! Owns [`AttributionType`], the features of one found quote ([`TypeFeatures`], made
//! while the attribution stage still has its tokens and mentions), the cue-class
//! rule used when no typed model is loaded (`rule_type`), and the typed model
//! itself ([`TypeModel`]): a multinomial logistic regression fitted with linfa on the
//! hand-typed sample `data/attribution-types.tsv`, stored as `types.model` (JSON)
//! beside the main model file and scored sparsely, a few dozen weights per quote.
//! Page furniture ("WATCH:", "READ MORE:", "Photo:" …) is never speech, whatever
//! the model says.

use super::detect::{Detected, Structure};
use super::lexicon::{self, CueClass, Pronoun};
use super::mentions::{Mention, MentionKind};
use super::view::{Kind, View};
use crate::error::{Error, Result};
use crate::features::{fnv_bytes, FNV_OFFSET};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub mod train;

/// What an attribution reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributionType {
    /// Reported speech: words someone said, wrote, announced; "according to X".
    #[default]
    Speech,
    /// A belief, wish or intention: believes, thinks, wants, plans.
    Thought,
    /// A text or a measurement as the source: a report, poll, study or filing.
    Document,
    /// Not an attribution of content (an action, a vote, a cue misfire), or page
    /// furniture.
    Other,
}

impl AttributionType {
    pub const ALL: [AttributionType; 4] = [
        AttributionType::Speech,
        AttributionType::Thought,
        AttributionType::Document,
        AttributionType::Other,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The JSON name: speech, thought, document, other.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributionType::Speech => "speech",
            AttributionType::Thought => "thought",
            AttributionType::Document => "document",
            AttributionType::Other => "other",
        }
    }

    /// A label of the typed sample; `furniture` types as `other`.
    pub fn from_label(s: &str) -> Option<AttributionType> {
        Some(match s {
            "speech" => AttributionType::Speech,
            "thought" => AttributionType::Thought,
            "document" => AttributionType::Document,
            "other" | "furniture" => AttributionType::Other,
            _ => return None,
        })
    }
}

/// The features of one found quote: hashed feature ids with their values, and
/// whether it sits in page furniture (which overrides any model).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeFeatures {
    pub values: Vec<(u32, f32)>,
    pub furniture: bool,
}

/// Hash space of the typed model's features (feature names hash into it).
pub const BUCKETS: u32 = 1 << 14;

/// Changes whenever the features change: a model fitted on other features is not used.
pub const FEATURES_VERSION: u32 = 1;

/// Nouns whose phrase is a text or a measurement rather than a speaker.
const DOCUMENT_NOUNS: &[&str] = &[
    "report",
    "reports",
    "poll",
    "polls",
    "study",
    "studies",
    "survey",
    "surveys",
    "filing",
    "filings",
    "data",
    "document",
    "documents",
    "records",
    "record",
    "papers",
    "lawsuit",
    "suit",
    "complaint",
    "indictment",
    "letter",
    "memo",
    "email",
    "e-mail",
    "statement",
    "analysis",
    "audit",
    "review",
    "research",
    "census",
    "figures",
    "estimates",
    "statistics",
    "numbers",
    "law",
    "bill",
    "order",
    "ruling",
    "decision",
    "article",
    "book",
    "paper",
    "findings",
    "investigation",
    "assessment",
    "index",
    "report's",
    "website",
    "post",
    "tweet",
    "video",
    "ad",
    "advertisement",
    "page",
    "minutes",
    "transcript",
    "plan",
    "proposal",
    "budget",
    "guidelines",
    "rules",
    "release",
    "testimony",
    "affidavit",
    "motion",
    "brief",
    "petition",
    "resolution",
];

/// Words that label page furniture when they open a paragraph before a colon.
const FURNITURE_WORDS: &[&str] = &[
    "watch",
    "read",
    "more",
    "photo",
    "photos",
    "related",
    "source",
    "video",
    "listen",
    "see",
    "also",
    "caption",
    "credit",
    "credits",
    "update",
    "updated",
    "advertisement",
    "file",
    "update",
    "updated",
    "editor's",
    "note",
    "advertisement",
    "subscribe",
    "follow",
    "click",
    "gallery",
    "image",
    "images",
    "graphic",
    "map",
    "live",
    "breaking",
    "opinion",
    "analysis",
    "trending",
    "recommended",
];

const NEGATIONS: &[&str] = &[
    "not", "n't", "never", "no", "nobody", "neither", "nor", "declined", "refused", "didn't",
    "doesn't", "don't", "won't", "wouldn't", "hasn't", "haven't", "cannot",
];

const MODALS: &[&str] = &[
    "would", "could", "may", "might", "will", "should", "can", "must", "'ll", "'d",
];

/// FNV-1a of `name` and `value`, folded into [`BUCKETS`].
fn bucket(name: &str, value: &str) -> u32 {
    let h = fnv_bytes(
        fnv_bytes(fnv_bytes(FNV_OFFSET, name.as_bytes()), b"="),
        value.as_bytes(),
    );
    (h % u64::from(BUCKETS)) as u32
}

/// Builds [`TypeFeatures`].
struct Fx(Vec<(u32, f32)>);

impl Fx {
    fn on(&mut self, name: &str, value: &str) {
        self.0.push((bucket(name, value), 1.0));
    }
    fn num(&mut self, name: &str, x: f32) {
        self.0.push((bucket(name, ""), x));
    }
}

/// A crude lemma of a cue word: enough to pool said/says/saying.
fn stem(w: &str) -> &str {
    for suf in ["ing", "ed", "es", "s"] {
        if let Some(s) = w.strip_suffix(suf) {
            if s.len() >= 3 {
                return s;
            }
        }
    }
    w
}

fn class_name(c: Option<CueClass>) -> &'static str {
    match c {
        Some(CueClass::Speech) => "speech",
        Some(CueClass::Belief) => "belief",
        Some(CueClass::Report) => "report",
        Some(CueClass::Evaluate) => "evaluate",
        Some(CueClass::According) => "according",
        Some(CueClass::Colon) => "colon",
        None => "none",
    }
}

/// The kind of a speaker mention, as the typed model sees it.
fn speaker_kind(v: &View, m: &Mention) -> &'static str {
    let head = v.lower(m.head);
    if DOCUMENT_NOUNS.contains(&head) {
        return "document";
    }
    match m.kind {
        MentionKind::Name if m.person => "person",
        MentionKind::Name if lexicon::in_list(head, lexicon::list::ORG_WORDS) => "org",
        MentionKind::Name => "name",
        MentionKind::Pronoun(Pronoun::It) => "it",
        MentionKind::Pronoun(Pronoun::They) => "they",
        MentionKind::Pronoun(_) => "pronoun",
        MentionKind::Nominal if lexicon::in_list(head, lexicon::list::ORG_WORDS) => "org",
        MentionKind::Nominal => "nominal",
        MentionKind::Plural => "plural",
        MentionKind::Relative => "relative",
    }
}

/// Whether sentence `s` opens with page furniture: up to three words before a
/// colon, in capitals or from [`FURNITURE_WORDS`], one of them from it ("WATCH:",
/// "READ MORE:", "Photo:"; not "TAPPER:").
pub(crate) fn furniture_sentence(v: &View, s: usize) -> bool {
    let Some(sent) = v.sents.get(s) else {
        return false;
    };
    let toks = sent.toks.clone();
    let mut words = 0;
    let mut furniture_like = true;
    // A label in capitals alone is a transcript's speaker ("TAPPER:"), not furniture.
    let mut listed = false;
    for i in toks.take(5) {
        let Some(t) = v.get(i) else { return false };
        if t.kind == Kind::Punct && t.lower == ":" {
            return words > 0 && furniture_like && listed;
        }
        if !t.is_word() {
            return false;
        }
        words += 1;
        let text = v.tok_text(i);
        let caps = text.len() > 1 && text.chars().all(|c| !c.is_lowercase());
        let word = FURNITURE_WORDS.contains(&t.lower.as_str());
        listed |= word;
        furniture_like &= caps || word;
        if words > 3 {
            return false;
        }
    }
    false
}

/// The features of quote `q` with speaker mention `speaker` (an index into `ms`).
pub(crate) fn features(
    v: &View,
    ms: &[Mention],
    q: &Detected,
    speaker: Option<usize>,
    cue_prior: &[(String, f32)],
) -> TypeFeatures {
    let mut f = Fx(Vec::with_capacity(24));
    f.on("bias", "");
    let cue = q.cue.as_ref();
    let class = cue.map(|c| c.class);
    f.on("class", class_name(class));
    f.on("struct", structure_name(q.structure));
    if q.direct {
        f.on("direct", "");
        f.on("direct_class", class_name(class));
    }
    if q.learned.is_some() {
        f.on("learned", "");
    }
    if q.speakerless {
        f.on("speakerless", "");
    }
    if let Some(c) = cue {
        let first = v.lower(c.toks.start);
        f.on("cue", first);
        f.on("stem", stem(first));
        f.on("form", &format!("{:?}", c.form));
        if class == Some(CueClass::According) {
            f.on("according", "");
        }
        let prior = cue_prior
            .binary_search_by(|(w, _)| w.as_str().cmp(first))
            .ok()
            .map_or(0.0, |i| cue_prior[i].1);
        f.num("prior", prior.clamp(-5.0, 5.0) / 5.0);
        // The words around the cue: negation and modality before it, the
        // complement after it ("plans to", "said that", "said:").
        let lo = c.toks.start.saturating_sub(3);
        for i in lo..c.toks.start {
            let w = v.lower(i);
            if NEGATIONS.contains(&w) {
                f.on("neg", "");
            }
            if MODALS.contains(&w) {
                f.on("modal", "");
            }
        }
        if let Some(t) = v.get(c.toks.end) {
            f.on("next", if t.mark { "\"" } else { t.lower.as_str() });
        }
        if c.toks.start > 0 {
            f.on("prev", v.lower(c.toks.start - 1));
        }
    }
    let m = speaker.and_then(|i| ms.get(i));
    match m {
        Some(m) => {
            let kind = speaker_kind(v, m);
            f.on("speaker", kind);
            f.on("speaker_class", &format!("{kind}|{}", class_name(class)));
            f.on("head", v.lower(m.head));
        }
        None => f.on("speaker", "none"),
    }
    let sent = q.sents.start;
    let furniture = furniture_sentence(v, sent);
    if furniture {
        f.on("furniture", "");
    }
    if sent == 0 || v.sents.get(sent).is_some_and(|s| s.title) {
        f.on("headline", "");
    }
    let words = v.words_in(v.tok_at(q.content.start)..v.tok_at(q.content.end));
    let size = match words {
        0..=3 => "tiny",
        4..=10 => "short",
        11..=25 => "mid",
        _ => "long",
    };
    f.on("size", size);
    TypeFeatures {
        values: f.0,
        furniture,
    }
}

fn structure_name(s: Structure) -> &'static str {
    match s {
        Structure::Forward => "forward",
        Structure::Trailing => "trailing",
        Structure::Inverted => "inverted",
        Structure::According => "according",
        Structure::Participle => "participle",
        Structure::DirectAfter => "direct_after",
        Structure::DirectBefore => "direct_before",
        Structure::Continued => "continued",
        Structure::NoCue => "no_cue",
        Structure::Headline => "headline",
    }
}

/// The type without a typed model, from the cue class and the speaker's kind:
/// furniture is other; a document-like speaker ("the report", "a poll") is a
/// document; belief cues are thoughts; report cues (show, find, write) are
/// speech from a person and documents otherwise; evaluation cues (praise,
/// criticise, support) outside quotation marks are other; everything else (speech
/// and "according to" cues, quotation marks, headlines, continuations) is speech.
/// Its speech probability is 0.9 for speech and 0.1 for the rest.
pub(crate) fn rule_type(
    v: &View,
    ms: &[Mention],
    q: &Detected,
    speaker: Option<usize>,
    furniture: bool,
) -> AttributionType {
    if furniture {
        return AttributionType::Other;
    }
    let kind = speaker.and_then(|i| ms.get(i)).map(|m| speaker_kind(v, m));
    if kind == Some("document") {
        return AttributionType::Document;
    }
    match q.cue.as_ref().map(|c| c.class) {
        Some(CueClass::Belief) => AttributionType::Thought,
        Some(CueClass::Report) if matches!(kind, Some("person" | "pronoun")) => {
            AttributionType::Speech
        }
        Some(CueClass::Report) => AttributionType::Document,
        Some(CueClass::Evaluate) if !q.direct => AttributionType::Other,
        _ => AttributionType::Speech,
    }
}

/// The rule's speech probability for a type (see [`rule_type`]).
pub(crate) fn rule_probability(t: AttributionType) -> f32 {
    if t == AttributionType::Speech {
        0.9
    } else {
        0.1
    }
}

/// The trained typed model: per feature bucket, one weight per type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeModel {
    pub features_version: u32,
    pub buckets: u32,
    /// `(bucket, weights by type)`, sorted by bucket.
    pub weights: Vec<(u32, [f32; 4])>,
    pub bias: [f32; 4],
    /// A quote is speech when its speech probability is at least this.
    pub threshold: f32,
    /// How it was trained and what it scored on the held-out rows (for the card).
    pub report: String,
}

/// The shipped `models/default/types.model`, compiled in beside the default model.
pub static EMBEDDED_TYPES_BYTES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/default/types.model"
));

/// SHA-256 (hex) of the embedded default model, computed once.
fn embedded_model_sha256() -> &'static str {
    use sha2::{Digest, Sha256};
    static SHA: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SHA.get_or_init(|| {
        Sha256::digest(crate::model::EMBEDDED_MODEL_BYTES)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// The file name of the typed model beside a model file.
pub const TYPES_FILE: &str = "types.model";

impl TypeModel {
    /// Type probabilities (softmax over the four types) of one quote's features.
    pub fn probabilities(&self, f: &TypeFeatures) -> [f32; 4] {
        let mut z = self.bias;
        for &(b, x) in &f.values {
            if let Ok(i) = self.weights.binary_search_by_key(&b, |w| w.0) {
                for (zk, wk) in z.iter_mut().zip(self.weights[i].1) {
                    *zk += wk * x;
                }
            }
        }
        crate::model::softmax(z)
    }

    /// The type and speech probability of one quote: speech at [`TypeModel::threshold`]
    /// and above, else the likeliest other type; furniture is never speech.
    pub fn classify(&self, f: &TypeFeatures) -> (AttributionType, f32) {
        if f.furniture {
            return (AttributionType::Other, 0.0);
        }
        let p = self.probabilities(f);
        let ps = p[AttributionType::Speech.index()];
        if ps >= self.threshold {
            return (AttributionType::Speech, ps);
        }
        let k = (1..4).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(3);
        (AttributionType::ALL[k], ps)
    }

    /// Reads a typed model from JSON bytes; `path` names it in errors.
    ///
    /// # Errors
    /// [`Error::Model`] when the bytes are not a typed model or its features are of
    /// another version.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<TypeModel> {
        let m: TypeModel = serde_json::from_slice(bytes)
            .map_err(|e| Error::model(path, format!("not a typed attribution model: {e}")))?;
        if m.features_version != FEATURES_VERSION || m.buckets != BUCKETS {
            return Err(Error::model(
                path,
                format!(
                    "typed attribution features version {} ({} buckets); this build reads {FEATURES_VERSION} ({BUCKETS}): retrain it with `newsroles train-types`",
                    m.features_version, m.buckets
                ),
            ));
        }
        if m.weights.windows(2).any(|w| w[0].0 >= w[1].0)
            || m.weights.iter().any(|w| w.1.iter().any(|x| !x.is_finite()))
        {
            return Err(Error::model(
                path,
                "typed attribution weights are unsorted or not finite",
            ));
        }
        Ok(m)
    }

    /// The typed model for the model file at `model_path` whose SHA-256 is
    /// `model_sha256`: `types.model` beside it; else, for the embedded default model
    /// or a copy of it (same SHA-256: a default model shipped alone, as to a Spark
    /// cluster), the embedded one; else none (the cue-class rule types). An empty
    /// file stands for none (a build can embed one before a model is trained).
    ///
    /// # Errors
    /// [`Error::Model`] when a `types.model` is there but cannot be read.
    pub fn for_model(model_path: &Path, model_sha256: &str) -> Result<Option<TypeModel>> {
        let beside = model_path.with_file_name(TYPES_FILE);
        if !crate::model::is_embedded(model_path) && beside.is_file() {
            return TypeModel::beside(beside.parent().unwrap_or(Path::new(".")));
        }
        let default =
            crate::model::is_embedded(model_path) || model_sha256 == embedded_model_sha256();
        if !default || EMBEDDED_TYPES_BYTES.is_empty() {
            return Ok(None);
        }
        TypeModel::from_bytes(EMBEDDED_TYPES_BYTES, Path::new("<embedded types model>")).map(Some)
    }

    /// The `types.model` in directory `dir`, if there is one (an empty file is none).
    ///
    /// # Errors
    /// [`Error::Model`] when it is there but cannot be read.
    pub fn beside(dir: &Path) -> Result<Option<TypeModel>> {
        let p = dir.join(TYPES_FILE);
        if !p.is_file() {
            return Ok(None);
        }
        let bytes = std::fs::read(&p).map_err(|e| Error::model(&p, e.to_string()))?;
        if bytes.is_empty() {
            return Ok(None);
        }
        TypeModel::from_bytes(&bytes, &p).map(Some)
    }

    /// Writes the model as JSON.
    ///
    /// # Errors
    /// [`Error::Io`]-style errors naming the file.
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_string(self).map_err(|e| Error::model(path, e.to_string()))?;
        std::fs::write(path, json + "\n").map_err(|e| Error::model(path, e.to_string()))
    }

    /// Fits the model on `(features, type)` rows with L2 penalty `alpha`.
    ///
    /// # Errors
    /// [`Error::Training`] when the rows hold fewer than two types or the solver fails.
    pub fn fit(rows: &[(&TypeFeatures, AttributionType)], alpha: f64) -> Result<TypeModel> {
        use linfa::prelude::*;
        use linfa_logistic::MultiLogisticRegression;
        use ndarray::{Array1, Array2};
        // Features seen in at least two rows: one-off words only add columns to fit.
        let mut seen: Vec<u32> = rows
            .iter()
            .flat_map(|(f, _)| f.values.iter().map(|v| v.0))
            .collect();
        seen.sort_unstable();
        let mut cols: Vec<u32> = seen
            .chunk_by(|a, b| a == b)
            .filter(|c| c.len() >= 2)
            .map(|c| c[0])
            .collect();
        cols.dedup();
        let mut x = Array2::<f64>::zeros((rows.len(), cols.len()));
        for (i, (f, _)) in rows.iter().enumerate() {
            for &(b, val) in &f.values {
                if let Ok(j) = cols.binary_search(&b) {
                    x[[i, j]] += f64::from(val);
                }
            }
        }
        let y: Array1<usize> = rows.iter().map(|(_, t)| t.index()).collect();
        let fitted = MultiLogisticRegression::default()
            .alpha(alpha)
            .max_iterations(150)
            .fit(&Dataset::new(x, y))
            .map_err(|e| crate::error::Error::Training(format!("typed attribution solver: {e}")))?;
        let classes = fitted.classes().to_vec();
        let w = fitted.params();
        let weights = cols
            .iter()
            .enumerate()
            .map(|(j, &b)| {
                let mut row = [0f32; 4];
                for (k, &c) in classes.iter().enumerate() {
                    row[c] = w[[j, k]] as f32;
                }
                (b, row)
            })
            .collect();
        // A type missing from the rows never wins.
        let mut bias = [-30f32; 4];
        for (k, &c) in classes.iter().enumerate() {
            bias[c] = fitted.intercept()[k] as f32;
        }
        Ok(TypeModel {
            features_version: FEATURES_VERSION,
            buckets: BUCKETS,
            weights,
            bias,
            threshold: 0.5,
            report: String::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::AnalyzeOptions;
    use crate::{Document, Pipeline};
    use std::sync::OnceLock;

    /// The shipped model with its shipped typed model.
    fn shipped() -> &'static Pipeline {
        static P: OnceLock<Pipeline> = OnceLock::new();
        P.get_or_init(|| {
            let p = Pipeline::load(&crate::model::default_model_path()).expect("loads");
            assert!(
                p.types().is_some(),
                "the shipped model types with types.model"
            );
            p
        })
    }

    /// `(type, cue, speaker)` of every attribution of `text`, all types included.
    fn typed(p: &Pipeline, text: &str) -> Vec<(AttributionType, String, String)> {
        let doc = Document {
            id: "t".into(),
            text: text.into(),
        };
        let opts = AnalyzeOptions {
            include_attributions: true,
            ..AnalyzeOptions::default()
        };
        p.analyze_opts(&doc, opts)
            .expect("analyses")
            .quotes
            .into_iter()
            .map(|q| {
                (
                    q.kind,
                    q.cue.map(|c| c.text).unwrap_or_default(),
                    q.speaker.map(|s| s.text).unwrap_or_default(),
                )
            })
            .collect()
    }

    fn type_of_cue(p: &Pipeline, text: &str, cue: &str) -> AttributionType {
        let all = typed(p, text);
        all.iter()
            .find(|q| q.1 == cue)
            .unwrap_or_else(|| panic!("no attribution with cue {cue:?} in {all:?}"))
            .0
    }

    #[test]
    fn said_is_speech() {
        let t = "Mayor John Smith said the plan would fail.";
        assert_eq!(type_of_cue(shipped(), t, "said"), AttributionType::Speech);
        let t = "According to Councilman Bob Smith, the vote was rigged.";
        assert_eq!(
            type_of_cue(shipped(), t, "According to"),
            AttributionType::Speech
        );
    }

    #[test]
    fn a_poll_shows_is_a_document() {
        let t = "A new poll shows that most voters oppose the plan.";
        assert_eq!(
            type_of_cue(shipped(), t, "shows"),
            AttributionType::Document
        );
        let t = "The report found that crime rose by 10 percent last year.";
        assert_eq!(
            type_of_cue(shipped(), t, "found"),
            AttributionType::Document
        );
    }

    #[test]
    fn he_believes_is_a_thought() {
        let t = "Mayor John Smith spoke on Monday. He believes that the economy will recover.";
        assert_eq!(
            type_of_cue(shipped(), t, "believes"),
            AttributionType::Thought
        );
    }

    #[test]
    fn an_approved_budget_is_not_speech() {
        let t = "The city council approved a $2 billion budget on Tuesday.";
        let all = typed(shipped(), t);
        assert!(
            all.iter()
                .all(|q| q.0 != AttributionType::Speech || q.2 != "The city council"),
            "{all:?}"
        );
    }

    #[test]
    fn furniture_is_never_speech() {
        let t = "WATCH: Trump says he will win the election";
        let all = typed(shipped(), t);
        assert!(!all.is_empty(), "the cue is found");
        assert!(
            all.iter().all(|q| q.0 != AttributionType::Speech),
            "{all:?}"
        );
        // Whatever a model says: the furniture flag wins.
        let f = TypeFeatures {
            values: vec![(bucket("bias", ""), 1.0)],
            furniture: true,
        };
        let speechy = TypeModel {
            features_version: FEATURES_VERSION,
            buckets: BUCKETS,
            weights: Vec::new(),
            bias: [10.0, 0.0, 0.0, 0.0],
            threshold: 0.5,
            report: String::new(),
        };
        assert_eq!(speechy.classify(&f), (AttributionType::Other, 0.0));
        assert_eq!(
            speechy.classify(&TypeFeatures::default()).0,
            AttributionType::Speech
        );
    }

    #[test]
    fn furniture_labels_are_recognised_and_headlines_are_not() {
        let p = shipped().clone_without_types();
        for (t, furniture) in [
            ("WATCH: Trump says he will win", true),
            ("READ MORE: Officials say the bridge is safe", true),
            ("Photo: The mayor said so", true),
            ("Trump: I will win, he says", false),
        ] {
            let all = typed(&p, t);
            let any_speech = all.iter().any(|q| q.0 == AttributionType::Speech);
            assert_eq!(!any_speech, furniture || all.is_empty(), "{t}: {all:?}");
        }
    }

    #[test]
    fn without_a_typed_model_the_cue_class_rule_types() {
        let p = shipped().clone_without_types();
        let t = "A new poll shows that most voters oppose the plan.";
        assert_eq!(type_of_cue(&p, t, "shows"), AttributionType::Document);
        let t = "Mayor John Smith spoke on Monday. He believes that the economy will recover.";
        assert_eq!(type_of_cue(&p, t, "believes"), AttributionType::Thought);
        let t = "Mayor John Smith said the plan would fail.";
        assert_eq!(type_of_cue(&p, t, "said"), AttributionType::Speech);
    }

    #[test]
    fn the_default_view_is_speech_only() {
        let t = "Mayor John Smith said the plan would fail. A new poll shows that most \
                 voters oppose the plan. He believes that the economy will recover.";
        let doc = Document {
            id: "t".into(),
            text: t.into(),
        };
        let a = shipped().analyze(&doc).expect("analyses");
        assert_eq!(a.quotes.len(), 1, "{:?}", a.quotes);
        assert_eq!(a.quotes[0].kind, AttributionType::Speech);
        let all = typed(shipped(), t);
        assert_eq!(all.len(), 3, "{all:?}");
        // The speakers list follows the view: the poll is no speaker by default.
        assert!(
            a.speakers.iter().all(|s| !s.entity.contains("poll")),
            "{:?}",
            a.speakers
        );
    }
}

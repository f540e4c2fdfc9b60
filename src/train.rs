//! Training a model file from labelled corpora: role samples from our own
//! segmentation aligned to gold sentences, a small search over the L2 penalty
//! chosen on the dev split, the attribution model, and the model card.

use crate::attribution::Attributor;
use crate::corpus::{read_labelled, LabelledDocument};
use crate::document::{CharIndex, Role, Span};
use crate::error::{Error, Result};
use crate::eval;
use crate::features::{FeatureConfig, Featurizer, SparseVec};
use crate::model::{fit_roles, ModelFile, ModelMeta, RoleModel, RoleParams, FORMAT_VERSION};
use crate::pipeline::Pipeline;
use crate::text::TextLayout;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to train on and how.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Labelled JSONL with a sentence layer (roles).
    pub roles: Vec<PathBuf>,
    /// Labelled JSONL with a quote layer (speakers), for the attribution model.
    pub quotes: Vec<PathBuf>,
    /// Dev files (either layer): used to choose hyper-parameters and report figures.
    pub dev: Vec<PathBuf>,
    pub features: FeatureConfig,
    /// L2 penalties to try; the best dev macro-F1 wins (the first when there is no dev).
    pub alphas: Vec<f64>,
    pub params: RoleParams,
    pub name: String,
    pub version: String,
    /// The command line, for the model card.
    pub command: String,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            roles: vec![],
            quotes: vec![],
            dev: vec![],
            features: FeatureConfig::default(),
            alphas: vec![RoleParams::default().alpha],
            params: RoleParams::default(),
            name: "newsroles-default".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: String::new(),
        }
    }
}

/// A trained model with its dev evaluation.
pub struct TrainOutcome {
    pub model: ModelFile,
    /// Dev figures from raw text (our segmentation), as `score.py` computes them.
    pub dev_scores: Option<eval::Scores>,
    /// Human-readable log of the search and the dev figures.
    pub report: String,
}

/// Our sentences of one labelled document, each with the role of the gold sentence it
/// overlaps most (sentences overlapping no labelled gold sentence, e.g. headlines, are
/// left out).
pub fn role_samples(
    featurizer: &Featurizer,
    attributor: &Attributor,
    doc: &LabelledDocument,
) -> Vec<(SparseVec, Role)> {
    let Some(gold) = &doc.sentences else {
        return vec![];
    };
    let layout = TextLayout::new(&doc.text);
    let feats = featurizer.featurize(&layout, &attributor.attribute(&layout));
    let chars = CharIndex::new(&doc.text);
    layout
        .sentences
        .iter()
        .zip(feats)
        .filter_map(|(s, x)| {
            let o = layout.norm.original_range(s.range.clone());
            let span = chars.span(o.start, o.end);
            gold.iter()
                .filter_map(|g| {
                    g.role
                        .map(|r| (Span::new(g.start, g.end).overlap(&span), r))
                })
                .filter(|(ov, _)| *ov > 0)
                .max_by_key(|(ov, _)| *ov)
                .map(|(_, r)| (x, r))
        })
        .collect()
}

fn read_all(paths: &[PathBuf]) -> Result<Vec<LabelledDocument>> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(read_labelled(p)?);
    }
    Ok(out)
}

/// Macro-F1 over the four roles of aligned samples (for the quick search only; the
/// reported figures come from [`eval::score`] on raw text).
fn sample_macro_f1(model: &RoleModel, samples: &[(SparseVec, Role)]) -> f64 {
    let mut conf = [[0usize; 4]; 4];
    for (x, r) in samples {
        conf[r.index()][model.predict_role(x).index()] += 1;
    }
    let mut sum = 0.0;
    for (k, row) in conf.iter().enumerate() {
        let tp = row[k] as f64;
        let fp: usize = conf.iter().map(|g| g[k]).sum::<usize>() - row[k];
        let fn_: usize = row.iter().sum::<usize>() - row[k];
        let p = if tp + fp as f64 > 0.0 {
            tp / (tp + fp as f64)
        } else {
            0.0
        };
        let r = if tp + fn_ as f64 > 0.0 {
            tp / (tp + fn_ as f64)
        } else {
            0.0
        };
        sum += if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
    }
    sum / 4.0
}

/// Trains a model file.
///
/// # Errors
/// [`Error::InvalidInput`] for unreadable or malformed corpora, [`Error::Training`]
/// when no model can be fitted.
pub fn train(opts: &TrainOptions) -> Result<TrainOutcome> {
    let t0 = Instant::now();
    let mut log = String::new();
    let featurizer = Featurizer::new(opts.features.clone());
    let train_docs = read_all(&opts.roles)?;
    let dev_docs = read_all(&opts.dev)?;
    // Attribution first: the role features use what it finds.
    let quote_docs = read_all(&opts.quotes)?;
    let dev_quote_docs: Vec<LabelledDocument> = dev_docs
        .iter()
        .filter(|d| d.quotes.is_some())
        .cloned()
        .collect();
    let attribution = if quote_docs.is_empty() {
        log += "attribution: rules (no --quotes data)\n";
        Attributor::rules()
    } else {
        let t = Instant::now();
        let (a, rep) = Attributor::train(&quote_docs, &dev_quote_docs)?;
        log += &format!(
            "attribution: trained on {} documents in {:.1}s\n{rep}\n",
            quote_docs.len(),
            t.elapsed().as_secs_f64()
        );
        a
    };

    let samples: Vec<(SparseVec, Role)> = train_docs
        .par_iter()
        .flat_map_iter(|d| role_samples(&featurizer, &attribution, d))
        .collect();
    if samples.is_empty() {
        return Err(Error::Training(
            "no labelled sentences in the --roles files".into(),
        ));
    }
    let dev_role_docs: Vec<&LabelledDocument> =
        dev_docs.iter().filter(|d| d.sentences.is_some()).collect();
    let dev_samples: Vec<(SparseVec, Role)> = dev_role_docs
        .par_iter()
        .flat_map_iter(|d| role_samples(&featurizer, &attribution, d))
        .collect();
    log += &format!(
        "role training: {} documents, {} sentences; dev: {} documents, {} sentences\n",
        train_docs.len(),
        samples.len(),
        dev_role_docs.len(),
        dev_samples.len()
    );

    let mut best: Option<(f64, f64, RoleModel)> = None;
    for &alpha in &opts.alphas {
        let t = Instant::now();
        let params = RoleParams {
            alpha,
            ..opts.params.clone()
        }
        .check()?;
        let model = fit_roles(&params, &samples, featurizer.config().buckets())?;
        let f1 = if dev_samples.is_empty() {
            0.0
        } else {
            sample_macro_f1(&model, &dev_samples)
        };
        log += &format!(
            "  alpha {alpha:<6} dev macro-F1 (aligned sentences) {f1:.4}  fit {:.1}s\n",
            t.elapsed().as_secs_f64()
        );
        tracing::info!(alpha, f1, "fitted role model");
        if best.as_ref().is_none_or(|b| f1 > b.0) {
            best = Some((f1, alpha, model));
        }
    }
    let Some((_, alpha, roles)) = best else {
        return Err(Error::Training("no alpha to try".into()));
    };
    log += &format!("chose alpha {alpha}\n");
    let search_log = log.clone();

    let meta = ModelMeta {
        name: opts.name.clone(),
        version: opts.version.clone(),
        format_version: FORMAT_VERSION,
        labels: Role::ALL.iter().map(|r| r.to_string()).collect(),
        training_data: describe_data(opts),
        metrics: Default::default(),
        trained_at: now_rfc3339(),
        card: String::new(),
        sha256: String::new(),
        has_attribution_model: !quote_docs.is_empty(),
    };
    let mut model = ModelFile {
        meta,
        features: opts.features.clone(),
        labels: Role::ALL.iter().map(|r| r.to_string()).collect(),
        roles: roles.to_sparse(),
        attribution,
    };

    // Dev figures from raw text, exactly as score.py computes them.
    let dev_scores = if dev_docs.is_empty() {
        None
    } else {
        let pipeline = Pipeline::from_model(model.clone(), Path::new("<in memory>"))?;
        Some(eval::evaluate(&pipeline, &dev_docs))
    };
    if let Some(s) = &dev_scores {
        model.meta.metrics = eval::metrics_map(s);
        log += &format!(
            "dev figures (raw text, own segmentation):\n{}",
            eval::render_text(s)
        );
    }
    log += &format!("training took {:.1}s\n", t0.elapsed().as_secs_f64());
    model.meta.card =
        crate::model::card::render(&model, opts, alpha, &search_log, dev_scores.as_ref());
    Ok(TrainOutcome {
        model,
        dev_scores,
        report: log,
    })
}

fn describe_data(opts: &TrainOptions) -> String {
    let names = |ps: &[PathBuf]| {
        ps.iter()
            .map(|p| {
                p.file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "roles: {}; quotes: {}; dev: {}",
        names(&opts.roles),
        if opts.quotes.is_empty() {
            "none".into()
        } else {
            names(&opts.quotes)
        },
        if opts.dev.is_empty() {
            "none".into()
        } else {
            names(&opts.dev)
        }
    )
}

/// UTC now as RFC 3339, without a date crate.
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

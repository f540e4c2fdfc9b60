//! The model card: data and citations, split, search, dev figures, the exact
//! training command. Written next to the model file and stored inside it, with
//! `metrics.json` and the two plots ([`super::plots`]); [`refresh`] recomputes its
//! dev figures with the current code (`newsroles eval --update-card`).

use crate::corpus::LabelledDocument;
use crate::error::{Error, Result};
use crate::eval::{Calibration, QuoteTypeTable, Scores};
use crate::model::ModelFile;
use crate::train::TrainOptions;
use std::fmt::Write;
use std::path::Path;

/// Where the dev figures start in a card: everything before is the training record
/// (header, command, data, search log), kept as is by [`refresh`].
const DEV_SECTION: &str = "## Against the anchors (dev)";
/// The card's plots, beside it.
pub const CONFUSION_SVG: &str = "confusion.svg";
pub const RELIABILITY_SVG: &str = "reliability.svg";

/// Renders the Markdown card of a freshly trained model.
///
/// `search` is the log of the hyper-parameter search, quoted as is.
pub fn render(
    model: &ModelFile,
    opts: &TrainOptions,
    alpha: f64,
    search: &str,
    dev: Option<&Scores>,
    dev_ece: Option<(f64, f64)>,
    quote_types: Option<&QuoteTypeTable>,
) -> String {
    let m = &model.meta;
    let mut s = String::new();
    let _ = writeln!(s, "# Model card: {} {}\n", m.name, m.version);
    let _ = writeln!(s, "- trained: {}", m.trained_at);
    let _ = writeln!(s, "- model format: {}", m.format_version);
    let _ = writeln!(s, "- labels: {}", m.labels.join(", "));
    let _ = writeln!(s, "- training data: {}", m.training_data);
    let _ = writeln!(
        s,
        "- features: hashed word 1–{}-grams into 2^{} buckets, cue-verb, quotation-mark, position and lead-overlap features{}{}{}{}",
        model.features.max_ngram,
        model.features.buckets_log2,
        if model.features.context { ", neighbour-sentence words and cues" } else { "" },
        if model.features.discourse { ", tense/modality/time/name-density and paragraph-shape cues" } else { "" },
        match &model.vectors {
            Some(v) => format!(
                ", the mean word vector of the sentence and of each neighbour ({} words × {} dimensions, PPMI + randomized SVD learned from the training texts)",
                v.len(),
                v.dim()
            ),
            None => String::new(),
        },
        match (model.features.attribution, model.features.version >= 4) {
            (true, true) => ", and what attribution found in the sentence (a quote's cue, quote coverage, the speech probability the cue-class rule gives its cues and how much reported speech covers it and its neighbours)",
            (true, false) => ", and what attribution found in the sentence (a quote's cue, quote coverage)",
            (false, _) => "",
        }
    );
    let _ = writeln!(
        s,
        "- role classifier: multinomial logistic regression (linfa-logistic, L-BFGS), alpha {alpha}{}; {} weight rows",
        if opts.search { format!(" chosen by cross-validation on train from {:?}", opts.alphas) } else { String::new() },
        model.roles.rows.len()
    );
    let d = &model.decoder;
    let _ = writeln!(
        s,
        "- document decoding: forward–backward over role transitions counted on train (weight {}), temperature {}, prior-correction offsets {:?}, confidence temperature {}, chosen on every training document scored by a model fitted on the other four fifths",
        d.weight,
        d.temperature,
        d.offsets.map(|o| (o * 1000.0).round() / 1000.0),
        d.confidence_temperature
    );
    let _ = writeln!(
        s,
        "- attribution: {}",
        match (m.has_attribution_model, model.attribution.cues.is_some()) {
            (true, true) => {
                "rule-based quote detection plus a trained cue detector for the reported \
                 speech the rules miss (linfa-logistic over learned word and word-pair cue \
                 log-odds and clause context), and a trained speaker ranker \
                 (linfa-logistic) over rule-based candidates"
            }
            (true, false) => "trained speaker ranker (linfa-logistic) over rule-based candidates",
            (false, _) => "rules",
        }
    );
    let _ = writeln!(s, "\n## Training command\n\n```\n{}\n```\n", opts.command);
    s += "## Data and citations\n\n\
- **NewsDiscourse** (sentence roles): Choubey, Lee, Huang & Wang, \"Discourse as a Function of Event: \
Profiling Discourse Structure in News Articles around the Main Event\", ACL 2020. Research use. \
Role mapping: Speech → quote; Main, Main_Consequence, Cause_Specific, Distant_Anecdotal → event; \
Cause_General, Distant_Historical, NA → background; Distant_Evaluation, Distant_Expectations_Consequences → claim.\n\
- **PolNeAR** (quote attribution): Newell, Margolin & Ruths, \"An Attribution Relations Corpus for \
Political News\", LREC 2018. Research use.\n\n\
Split: trained and tuned on the `train` files only (cross-validation by document for the search, \
each fifth of the training documents held out in turn for the decoder); the `dev` files are scored once, at the end. \
Two exceptions: the speaker ranker's \"no speaker\" threshold and the cue detector's threshold are tuned together on the PolNeAR `dev` file (see the log below). \
The test splits are withheld, so the dev figures are estimates.\n\n";
    let _ = writeln!(s, "## Search\n\n```\n{}```\n", search);
    if let Some(d) = dev {
        s += &render_dev(d, dev_ece, quote_types, None);
    }
    s
}

/// The card's dev sections: the anchors table, calibration, the score.py report, the
/// plots and the errors by quote type. `regenerated` says by what, when the figures
/// are not those of the training run.
pub fn render_dev(
    d: &Scores,
    dev_ece: Option<(f64, f64)>,
    quote_types: Option<&QuoteTypeTable>,
    regenerated: Option<&str>,
) -> String {
    let mut s = String::new();
    {
        s += DEV_SECTION;
        s += "\n\n";
        if let Some(r) = regenerated {
            let _ = writeln!(s, "{r}\n");
        }
        s += "| figure | this model | anchor |\n|---|---|---|\n";
        let _ = writeln!(
            s,
            "| role macro-F1 | {:.3} | 0.549 (scikit-learn TF-IDF + LogisticRegression, gold sentence boundaries) |",
            d.macro_f1
        );
        let _ = writeln!(
            s,
            "| quote-F1 (sentence role) | {:.3} | 0.777 (same) |",
            d.quote_f1
        );
        if let Some(q) = &d.quotes {
            let _ = writeln!(
                s,
                "| who-said-what F1 (PolNeAR) | {:.3} | 0.27 (crude rules) |",
                q.attribution_f1
            );
            if let Some(m) = q.speaker_mention_accuracy {
                let _ = writeln!(
                    s,
                    "| speaker mention accuracy (PolNeAR) | {m:.3} | 0.18 (crude rules) |"
                );
            }
        }
        s += "\n";
        if let Some((before, after)) = dev_ece {
            let _ = writeln!(
                s,
                "Calibration on dev (expected calibration error of the reported `confidence`, 10 bins, sentences aligned to gold): {before:.3} with plain per-sentence softmax, {after:.3} decoded and calibrated.\n"
            );
        }
        s += "## Dev figures (raw text, own segmentation, as `score.py` computes them)\n\n```\n";
        s += &crate::eval::render_text(d);
        s += "```\n\n";
        let _ = writeln!(
            s,
            "![confusion matrix on dev]({CONFUSION_SVG}) ![reliability of the reported confidence on dev]({RELIABILITY_SVG})"
        );
        if let Some(t) = quote_types {
            s += "\n## Attribution errors by quote type (PolNeAR dev)\n\n```\n";
            s += &crate::eval::render_quote_types(t);
            s += "```\n";
        }
    }
    s
}

/// A model's dev figures recomputed with this build's code.
pub struct Refreshed {
    pub scores: Scores,
    pub calibration: Option<Calibration>,
}

/// Recomputes a model's dev figures with the current code, as `train` computes them
/// at its end, and puts them into the model: its metrics (what `GetModelInfo`
/// reports) and its card's dev sections (the training record before them stays).
/// The role weights, attribution and decoder are untouched.
///
/// The stored figures are those of the code that trained the model; code changed
/// since (attribution above all) moves them, and this is how they follow.
///
/// # Errors
/// [`Error::InvalidInput`] for no dev documents; [`Error::Model`] if the model
/// cannot be built into a pipeline.
pub fn refresh(
    model: &mut ModelFile,
    path: &Path,
    dev: &[LabelledDocument],
    dev_names: &str,
) -> Result<Refreshed> {
    if dev.is_empty() {
        return Err(Error::InvalidInput(
            "no dev documents to compute the card's figures from".into(),
        ));
    }
    let pipeline = crate::Pipeline::from_model(model.clone(), path)?;
    let detailed = crate::eval::evaluate_detailed(&pipeline, dev);
    let dev_ece = crate::train::dev_ece(model, dev);
    let quote_types = (detailed.quote_types.all.gold > 0).then_some(&detailed.quote_types);
    let note = format!(
        "Figures of `newsroles eval` on {dev_names} with newsroles {}, regenerated {} by \
         `newsroles eval --update-card` (the training log above is from the code of the \
         training day).",
        env!("CARGO_PKG_VERSION"),
        crate::train::now_rfc3339()
    );
    let section = render_dev(&detailed.scores, dev_ece, quote_types, Some(&note));
    let head = model
        .meta
        .card
        .find(DEV_SECTION)
        .map_or(model.meta.card.as_str(), |i| &model.meta.card[..i]);
    model.meta.card = format!("{head}{section}");
    model.meta.metrics = crate::eval::metrics_map(&detailed.scores);
    // Filled in from the file's bytes when it is loaded; not part of what is saved.
    model.meta.sha256.clear();
    if let Some((_, after)) = dev_ece {
        model.meta.metrics.insert("roles.ece".into(), after);
    }
    Ok(Refreshed {
        scores: detailed.scores,
        calibration: detailed.calibration,
    })
}

/// Heading of the pronoun resolver's section (written by `train-entities`).
const PRONOUN_SECTION: &str = "## Pronoun resolver (entity layer)";

/// The card section of a trained pronoun resolver: its data and dev figures, the
/// hand rule's beside them.
pub fn render_pronouns(
    train: &str,
    dev: &str,
    rule: &crate::attribution::PronounScores,
    model: &crate::attribution::PronounScores,
    threshold: f64,
    command: &str,
) -> String {
    format!(
        "{PRONOUN_SECTION}\n\n\
         Which person a he/she-family pronoun (he, him, his, himself, she, her, hers, \
         herself) stands for: the hand rules propose the entities mentioned in the few \
         sentences before it, a logistic regression (linfa) over {n} pair features \
         picks one, or none below {threshold:.2}.\n\n\
         - Trained on {train}: GUM (Zeldes 2017, CC BY 4.0 annotations) and GAP \
         (Webster et al. 2018, Apache 2.0).\n\
         - Dev ({dev}), computed in training (entities as clusters):\n\n\
         | dev figure | hand rule | trained |\n|---|---|---|\n\
         | GAP F1 over candidates ({gn} pronouns) | {:.3} | {:.3} |\n\
         | GUM he/she pronouns with the right antecedent or none ({un}) | {:.3} | {:.3} |\n\n\
         `score_entities.py` on `classify --entities` output gives the figures users \
         see (README).\n\nCommand: `{command}`\n\n",
        rule.gap_f1,
        model.gap_f1,
        rule.gum_accuracy,
        model.gum_accuracy,
        n = crate::attribution::PRONOUN_FEATURES,
        gn = model.gap_examples,
        un = model.gum_pronouns,
    )
}

/// Puts the pronoun resolver's section into the model's card, replacing an earlier
/// one, before the dev figures (which `eval --update-card` rewrites).
pub fn set_pronoun_section(model: &mut ModelFile, section: &str) {
    let card = &model.meta.card;
    let (head, tail) = match card.find(DEV_SECTION) {
        Some(i) => card.split_at(i),
        None => (card.as_str(), ""),
    };
    let head = head.find(PRONOUN_SECTION).map_or(head, |i| &head[..i]);
    model.meta.card = format!("{head}{section}{tail}");
}

/// Writes the card files beside a model: `MODEL_CARD.md` (the model's stored card),
/// and with dev figures `metrics.json` and the two plots.
///
/// # Errors
/// [`Error::Io`] naming the file that could not be written.
pub fn write_files(
    dir: &Path,
    model: &ModelFile,
    scores: Option<&Scores>,
    calibration: Option<&Calibration>,
) -> Result<()> {
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| Error::io(&p, e))
    };
    // The typed attribution model beside it gets its section (it is trained apart).
    let types = crate::attribution::TypeModel::beside(dir)?;
    write(
        "MODEL_CARD.md",
        &with_types_section(&model.meta.card, types.as_ref()),
    )?;
    if let Some(s) = scores {
        let json = serde_json::to_string_pretty(s)
            .map_err(|e| Error::Training(format!("encoding metrics.json: {e}")))?;
        write("metrics.json", &(json + "\n"))?;
        write(CONFUSION_SVG, &super::plots::confusion_svg(s))?;
    }
    if let Some(c) = calibration {
        write(RELIABILITY_SVG, &super::plots::reliability_svg(c))?;
    }
    Ok(())
}

/// The heading of the typed attribution model's section of a card.
const TYPES_SECTION: &str = "## Attribution types";

/// `card` with its typed attribution section replaced by `types`' (or removed
/// when there is none): the section comes last, from the typed model's report.
pub fn with_types_section(card: &str, types: Option<&crate::attribution::TypeModel>) -> String {
    let mut out = match card.find(TYPES_SECTION) {
        Some(i) => card[..i].trim_end().to_string(),
        None => card.trim_end().to_string(),
    };
    out.push('\n');
    if let Some(t) = types {
        let _ = write!(
            out,
            "\n{TYPES_SECTION} (types.model)\n\n\
             Each quote is typed speech, thought, document or other\n\
             (docs/ATTRIBUTION-TYPES.md) by a multinomial logistic regression over its cue,\n\
             cue class, learned cue log-odds, quotation marks, speaker kind, negation,\n\
             modality and position; `classify` outputs speech only unless `--attributions`.\n\
             Trained by `newsroles train --types` (or `train-types`) on the `train` rows of\n\
             `data/attribution-types.tsv` (attributions found in the PolNeAR and\n\
             NewsDiscourse training texts, typed by hand); its `heldout` rows, drawn at\n\
             random, give the figures:\n\n```\n{}```\n",
            t.report
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_types_section_is_replaced_not_repeated() {
        let t = crate::attribution::TypeModel {
            features_version: 1,
            buckets: 2,
            weights: Vec::new(),
            bias: [0.0; 4],
            threshold: 0.5,
            report: "held out: speech F1 0.9\n".into(),
        };
        let card = "# Model card\n\n## Dev\n\nfigures\n";
        let once = with_types_section(card, Some(&t));
        assert!(once.starts_with(card) && once.contains("held out: speech F1 0.9"));
        assert_eq!(with_types_section(&once, Some(&t)), once);
        assert_eq!(with_types_section(&once, None), card);
    }
}

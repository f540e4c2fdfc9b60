//! The model card: data and citations, split, search, dev figures, the exact
//! training command. Written next to the model file and stored inside it.

use crate::eval::Scores;
use crate::model::ModelFile;
use crate::train::TrainOptions;
use std::fmt::Write;

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
    quote_types: Option<&crate::eval::QuoteTypeTable>,
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
        if model.features.attribution {
            ", and what attribution found in the sentence (a quote's cue, quote coverage)"
        } else {
            ""
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
        "- document decoding: forward–backward over role transitions counted on train (weight {}), temperature {}, prior-correction offsets {:?}, confidence temperature {}, chosen on a held-out fifth of the training documents",
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
every fifth training document held out for the decoder); the `dev` files are scored once, at the end. \
Two exceptions: the speaker ranker's \"no speaker\" threshold and the cue detector's threshold are tuned together on the PolNeAR `dev` file (see the log below). \
The test splits are withheld, so the dev figures are estimates.\n\n";
    let _ = writeln!(s, "## Search\n\n```\n{}```\n", search);
    if let Some(d) = dev {
        s += "## Against the anchors (dev)\n\n| figure | this model | anchor |\n|---|---|---|\n";
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
        s += "```\n";
        if let Some(t) = quote_types {
            s += "\n## Attribution errors by quote type (PolNeAR dev)\n\n```\n";
            s += &crate::eval::render_quote_types(t);
            s += "```\n";
        }
    }
    s
}

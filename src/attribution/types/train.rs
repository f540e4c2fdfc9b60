//! Training the typed attribution model (`newsroles train-types`): the hand-typed
//! sample (`data/attribution-types.tsv`) is matched to the quotes the pipeline finds
//! in its documents, the regularisation and the use of weak labels (the cue-class
//! rule's types of the unsampled quotes of the same documents) are chosen by
//! cross-validation on the `train` rows, and the `heldout` rows give the figures.

use super::{AttributionType, TypeFeatures, TypeModel};
use crate::attribution::Attributor;
use crate::corpus::LabelledDocument;
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// One row of the typed sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    pub item: String,
    pub doc: String,
    /// Content span, code points into the document's text.
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub heldout: bool,
}

/// The rows of every sample file in `paths`, in order (e.g. the random sample and
/// `data/attribution-types-hard.tsv`).
///
/// # Errors
/// As [`read_sample`], naming the file.
pub fn read_samples(paths: &[std::path::PathBuf]) -> Result<Vec<SampleRow>> {
    let mut rows = Vec::new();
    for p in paths {
        rows.extend(read_sample(p)?);
    }
    Ok(rows)
}

/// Reads the typed sample: `#` comment lines, a header, then tab-separated rows
/// `item corpus doc start end cue_start cue_end direct type split`.
///
/// # Errors
/// [`Error::Training`] naming the line when a row is malformed.
pub fn read_sample(path: &Path) -> Result<Vec<SampleRow>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Training(format!("reading {}: {e}", path.display())))?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.starts_with("item\t") || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let bad = |why: &str| Error::Training(format!("{}:{}: {why}", path.display(), n + 1));
        if f.len() < 10 {
            return Err(bad("expected 10 tab-separated fields"));
        }
        let num = |s: &str| {
            s.parse::<usize>()
                .map_err(|_| bad("offset is not a number"))
        };
        if AttributionType::from_label(f[8]).is_none() {
            return Err(bad("unknown type"));
        }
        rows.push(SampleRow {
            item: f[0].into(),
            doc: f[2].into(),
            start: num(f[3])?,
            end: num(f[4])?,
            label: f[8].into(),
            heldout: f[9] == "heldout",
        });
    }
    Ok(rows)
}

/// Speech-vs-rest figures on some rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    pub rows: usize,
    /// F1 of `speech` as the positive class.
    pub speech_f1: f64,
    pub speech_precision: f64,
    pub speech_recall: f64,
    /// Accuracy of speech vs not speech.
    pub binary_accuracy: f64,
    /// Accuracy of the four types.
    pub type_accuracy: f64,
}

impl Figures {
    fn of(pairs: &[(AttributionType, AttributionType)]) -> Figures {
        let sp = AttributionType::Speech;
        let tp = pairs.iter().filter(|(g, p)| *g == sp && *p == sp).count() as f64;
        let pred = pairs.iter().filter(|(_, p)| *p == sp).count() as f64;
        let gold = pairs.iter().filter(|(g, _)| *g == sp).count() as f64;
        let n = pairs.len().max(1) as f64;
        let precision = if pred > 0.0 { tp / pred } else { 0.0 };
        let recall = if gold > 0.0 { tp / gold } else { 0.0 };
        Figures {
            rows: pairs.len(),
            speech_f1: if tp > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            },
            speech_precision: precision,
            speech_recall: recall,
            binary_accuracy: pairs
                .iter()
                .filter(|(g, p)| (*g == sp) == (*p == sp))
                .count() as f64
                / n,
            type_accuracy: pairs.iter().filter(|(g, p)| g == p).count() as f64 / n,
        }
    }
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "speech F1 {:.3} (P {:.3} R {:.3}), speech-vs-other accuracy {:.3}, type accuracy {:.3} on {} rows",
            self.speech_f1,
            self.speech_precision,
            self.speech_recall,
            self.binary_accuracy,
            self.type_accuracy,
            self.rows
        )
    }
}

/// What training produced: the model, its held-out figures and a report.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub model: TypeModel,
    pub heldout: Figures,
    pub report: String,
}

/// One matched sample row: its features, the rule's type and the label.
struct Matched {
    features: TypeFeatures,
    rule: AttributionType,
    label: AttributionType,
    heldout: bool,
}

/// Penalties tried by cross-validation.
const ALPHAS: [f64; 4] = [0.3, 1.0, 3.0, 10.0];
const FOLDS: usize = 4;
/// Most weak rows used (an even spread of them): more only slow the fit.
const MAX_WEAK: usize = 1500;

/// Trains the typed model on `sample` matched against the quotes `attributor` finds
/// in `docs`.
///
/// # Errors
/// [`Error::Training`] when no row matches or the solver fails.
pub fn train(
    attributor: &Attributor,
    sample: &[SampleRow],
    docs: &[LabelledDocument],
) -> Result<Outcome> {
    let by_id: HashMap<&str, &LabelledDocument> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut wanted: Vec<&str> = sample.iter().map(|r| r.doc.as_str()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let missing_docs = wanted.iter().filter(|d| !by_id.contains_key(**d)).count();
    // The cue-class rule's types are the weak labels: type with the rule only.
    let found: HashMap<&str, Vec<(usize, usize, super::super::FoundQuote)>> = wanted
        .par_iter()
        .filter_map(|id| by_id.get(id).map(|d| (*id, d)))
        .map(|(id, d)| (id, attributor.attributions(&d.text)))
        .collect();
    let mut matched = Vec::new();
    let mut unmatched = Vec::new();
    let mut sampled: HashSet<(&str, usize, usize)> = HashSet::new();
    for r in sample {
        sampled.insert((r.doc.as_str(), r.start, r.end));
        let hit = found
            .get(r.doc.as_str())
            .and_then(|qs| qs.iter().find(|(s, e, _)| *s == r.start && *e == r.end));
        match hit {
            Some((_, _, q)) => matched.push(Matched {
                features: q.features.clone(),
                rule: q.kind,
                label: AttributionType::from_label(&r.label).unwrap_or(AttributionType::Other),
                heldout: r.heldout,
            }),
            None => unmatched.push(r.item.clone()),
        }
    }
    if matched.is_empty() {
        return Err(Error::Training(
            "no row of the typed sample matches a quote found in its document".into(),
        ));
    }
    // Weak rows: every unsampled quote of the sampled documents, typed by the rule.
    let mut ids: Vec<&&str> = found.keys().collect();
    ids.sort_unstable();
    let all_weak: Vec<(TypeFeatures, AttributionType)> = ids
        .into_iter()
        .flat_map(|id| {
            found[*id]
                .iter()
                .filter(|(s, e, _)| !sampled.contains(&(*id, *s, *e)))
                .map(|(_, _, q)| (q.features.clone(), q.kind))
        })
        .collect();
    let stride = all_weak.len().div_ceil(MAX_WEAK).max(1);
    let weak: Vec<(TypeFeatures, AttributionType)> = all_weak.into_iter().step_by(stride).collect();
    tracing::info!(
        matched = matched.len(),
        weak = weak.len(),
        "typed sample matched; cross-validating"
    );
    let train_rows: Vec<&Matched> = matched.iter().filter(|m| !m.heldout).collect();
    let held: Vec<&Matched> = matched.iter().filter(|m| m.heldout).collect();

    let mut report = String::new();
    let _ = writeln!(
        report,
        "typed sample: {} rows ({} train, {} held out) in {} documents; {} rows match no \
         quote found today{}; {} documents missing from the corpora; {} weak rows (the \
         cue-class rule's types of the other quotes in those documents)",
        sample.len(),
        train_rows.len(),
        held.len(),
        wanted.len(),
        unmatched.len(),
        if unmatched.is_empty() {
            String::new()
        } else {
            format!(" ({})", unmatched.join(", "))
        },
        missing_docs,
        weak.len()
    );
    // Cross-validation on the train rows: penalty × weak labels.
    let mut best = (f64::MIN, ALPHAS[0], false);
    for use_weak in [false, true] {
        for alpha in ALPHAS {
            let mut pairs = Vec::new();
            for k in 0..FOLDS {
                let fit_rows: Vec<(&TypeFeatures, AttributionType)> = train_rows
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % FOLDS != k)
                    .map(|(_, m)| (&m.features, m.label))
                    .chain(weak.iter().filter(|_| use_weak).map(|(f, t)| (f, *t)))
                    .collect();
                let model = TypeModel::fit(&fit_rows, alpha)?;
                pairs.extend(
                    train_rows
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % FOLDS == k)
                        .map(|(_, m)| (m.label, model.classify(&m.features).0)),
                );
            }
            let fig = Figures::of(&pairs);
            let _ = writeln!(
                report,
                "  cv ({FOLDS} folds of train) alpha {alpha}, weak labels {}: {fig}",
                if use_weak { "yes" } else { "no" }
            );
            if fig.speech_f1 > best.0 + 1e-9 {
                best = (fig.speech_f1, alpha, use_weak);
            }
        }
    }
    let (_, alpha, use_weak) = best;
    let fit_on = |with_weak: bool| -> Result<TypeModel> {
        let rows: Vec<(&TypeFeatures, AttributionType)> = train_rows
            .iter()
            .map(|m| (&m.features, m.label))
            .chain(weak.iter().filter(|_| with_weak).map(|(f, t)| (f, *t)))
            .collect();
        TypeModel::fit(&rows, alpha)
    };
    let on_held = |model: &TypeModel| {
        Figures::of(
            &held
                .iter()
                .map(|m| (m.label, model.classify(&m.features).0))
                .collect::<Vec<_>>(),
        )
    };
    let rule = Figures::of(&held.iter().map(|m| (m.label, m.rule)).collect::<Vec<_>>());
    let without = fit_on(false)?;
    let with = fit_on(true)?;
    let (fig_without, fig_with) = (on_held(&without), on_held(&with));
    let _ = writeln!(
        report,
        "chosen by cv: alpha {alpha}, weak labels {}",
        if use_weak { "yes" } else { "no" }
    );
    let _ = writeln!(report, "held out, cue-class rule: {rule}");
    let _ = writeln!(report, "held out, model without weak labels: {fig_without}");
    let _ = writeln!(report, "held out, model with weak labels: {fig_with}");
    let (mut model, heldout) = if use_weak {
        (with, fig_with)
    } else {
        (without, fig_without)
    };
    // The held-out confusion of the shipped model, gold rows by predicted columns.
    let mut confusion = [[0usize; 4]; 4];
    for m in &held {
        confusion[m.label.index()][model.classify(&m.features).0.index()] += 1;
    }
    let _ = writeln!(
        report,
        "held-out confusion (gold \\ predicted: speech thought document other):"
    );
    for t in AttributionType::ALL {
        let _ = writeln!(report, "  {:<8} {:?}", t.as_str(), confusion[t.index()]);
    }
    model.report = report.clone();
    Ok(Outcome {
        model,
        heldout,
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_matched_to_found_quotes_and_fitted() {
        let attributor = crate::model::ModelFile::load(&crate::model::default_model_path())
            .expect("loads")
            .attribution;
        let mut text = String::new();
        for name in [
            "Anna Berg",
            "Tom Hale",
            "Lena Cruz",
            "Omar Diaz",
            "Ruth Kim",
            "Ivan Roe",
        ] {
            text += &format!(
                "Mayor {name} said the road would reopen soon. A new poll shows that most \
                 voters oppose the plan of {name}.\n\n"
            );
        }
        let doc = LabelledDocument {
            id: "d1".into(),
            text: text.clone(),
            sentences: None,
            quotes: None,
            entities: None,
            pronoun: None,
            candidates: None,
            tokens: None,
        };
        let found = attributor.attributions(&text);
        assert_eq!(found.len(), 12, "two quotes a paragraph");
        let dir = tempfile::tempdir().unwrap();
        let tsv = dir.path().join("sample.tsv");
        let mut rows = String::from(
            "# a comment\nitem\tcorpus\tdoc\tstart\tend\tcue_start\tcue_end\tdirect\ttype\tsplit\n",
        );
        for (i, (s, e, q)) in found.iter().enumerate() {
            let label = if q.kind == AttributionType::Speech {
                "speech"
            } else {
                "document"
            };
            let split = if i >= 8 { "heldout" } else { "train" };
            rows += &format!("a{i}\tx\td1\t{s}\t{e}\t0\t0\tfalse\t{label}\t{split}\n");
        }
        // A row no quote matches is counted, not fatal.
        rows += "a99\tx\td1\t1\t2\t0\t0\tfalse\tother\ttrain\n";
        std::fs::write(&tsv, rows).unwrap();
        let sample = read_sample(&tsv).expect("reads");
        assert_eq!(sample.len(), 13);
        assert_eq!(sample.iter().filter(|r| r.heldout).count(), 4);
        let out = train(&attributor, &sample, &[doc]).expect("trains");
        assert!(
            out.report
                .contains("1 rows match no quote found today (a99)"),
            "{}",
            out.report
        );
        assert_eq!(out.heldout.rows, 4);
        assert_eq!(out.heldout.type_accuracy, 1.0, "{}", out.report);
    }

    #[test]
    fn a_malformed_row_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let tsv = dir.path().join("bad.tsv");
        std::fs::write(
            &tsv,
            "item\tcorpus\na1\tx\td\t1\t2\t0\t0\tfalse\tspeechy\ttrain\n",
        )
        .unwrap();
        let e = read_sample(&tsv).unwrap_err().to_string();
        assert!(e.contains("bad.tsv:2: unknown type"), "{e}");
    }
}

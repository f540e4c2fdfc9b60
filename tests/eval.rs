//! `newsroles::eval` against the reference scorer `../shared/tools/score.py`: hand-checked
//! figures on the hand-made fixtures, then agreement with score.py (JSON and text) on
//! the fixtures and on synthetic predictions over the real dev corpora.

use crate::util;
use newsroles::corpus::{read_labelled, LabelledDocument};
use newsroles::document::Role;
use newsroles::eval::{self, PredDoc, PredQuote, PredSentence, PredSpeaker};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> (PathBuf, PathBuf) {
    (
        util::fixture("eval-gold.jsonl"),
        util::fixture("eval-pred.jsonl"),
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12
}

/// Every figure below was counted by hand from the fixtures; the comments in
/// tests/fixtures are the generator's intent, these are the consequences.
#[test]
fn fixture_figures_are_the_hand_counted_ones() {
    let (g, p) = fixtures();
    let gold = read_labelled(&g).expect("gold fixture");
    let pred = eval::read_predictions(&p).expect("prediction fixture");
    assert_eq!(pred.len(), 8, "one per line, the duplicate included");
    let s = eval::score(&gold, &pred);

    // 7 gold docs; "storm" has no prediction and "rail" an error line. "clinics" is
    // predicted twice and the second (good) line wins.
    assert_eq!((s.documents, s.documents_missing), (7, 2));
    // 26 gold sentences, less the role-less headline of "weather".
    assert_eq!(s.sentences, 25);
    // Quote row: 9 right; council's "she told" sentence is aligned to a claim;
    // storm and rail lose one each.
    let q = s.confusion.quote;
    assert_eq!(
        (q.quote, q.claim, q.event, q.background, q.missed),
        (9, 1, 0, 0, 2)
    );
    // council's last sentence is predicted "opinion": an unknown role is missed.
    assert_eq!(s.confusion.background.missed, 2);
    assert_eq!(s.confusion.background.event, 1);
    // 9 quote + 1 claim + 3 event + 3 background right out of 25.
    assert!(close(s.accuracy, 16.0 / 25.0));
    assert!(close(s.per_role.quote.precision, 0.9));
    assert!(close(s.per_role.quote.recall, 0.75));
    let f1 = |p: f64, r: f64| 2.0 * p * r / (p + r);
    let macro_f1 = (f1(0.9, 0.75) + f1(0.5, 0.5) + f1(0.75, 0.6) + f1(1.0, 0.5)) / 4.0;
    assert!(close(s.macro_f1, macro_f1), "{} vs {macro_f1}", s.macro_f1);
    assert_eq!(s.per_role.background.support, 6);

    // Sentence-layer speakers (11 gold quote sentences with one): entity right for
    // Okafor, "Brandt" (last name), "President Obama" vs "Barack Obama" (title dropped)
    // and "Health Minister Ana Ruiz's" (possessive); mention right for those four and
    // for "Cri" inside "Critics".
    assert_eq!(s.speaker_quotes, 11);
    assert!(close(
        s.speaker_entity_accuracy.expect("entity"),
        4.0 / 11.0
    ));
    assert!(close(
        s.speaker_mention_accuracy.expect("mention"),
        5.0 / 11.0
    ));

    let q = s.quotes.expect("quote layer");
    // "weather" has no gold quote layer, so its predicted quote is not counted; summit
    // has no `quotes`, so its three quote sentences stand for quotes.
    assert_eq!((q.gold_quotes, q.predicted_quotes), (11, 11));
    // Wrong: summit's claim-as-quote sentence and clinics' quote outside any gold quote.
    assert!(close(q.precision, 9.0 / 11.0));
    // Not found: storm, rail, and clinics' first quote (10 of 36 code points covered);
    // clinics' second is found by the union of two parts, each under half.
    assert!(close(q.recall, 8.0 / 11.0));
    // Of 10 predicted quotes with a speaker, 6 are right; the tie between clinics'
    // two parts goes to the first ("Ruiz", right), as Python's `max` does.
    assert!(close(q.attribution_precision, 0.6));
    assert!(close(q.attribution_recall, 6.0 / 11.0));
    assert_eq!((q.speaker_mention_quotes, q.speaker_entity_quotes), (11, 8));
    assert!(close(
        q.speaker_mention_accuracy.expect("mention"),
        5.0 / 11.0
    ));
    assert!(close(q.speaker_entity_accuracy.expect("entity"), 5.0 / 8.0));
}

/// `python3 score.py GOLD PRED [--json]`, or `None` (with a printed reason) when
/// ../shared or python3 is unavailable.
fn run_score_py(gold: &Path, pred: &Path, json: bool) -> Option<String> {
    let script = util::shared()?.join("tools").join("score.py");
    if !script.is_file() {
        util::skip(&format!("{} is absent", script.display()));
        return None;
    }
    let mut cmd = Command::new("python3");
    cmd.arg(&script).arg(gold).arg(pred);
    if json {
        cmd.arg("--json");
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => {
            util::skip(&format!("cannot run python3: {e}"));
            return None;
        }
    };
    assert!(
        out.status.success(),
        "score.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("score.py prints UTF-8"))
}

/// Walks both trees: same keys, same nulls, integers equal, floats within 1e-12, and
/// an integer never standing where score.py writes a float (or the reverse).
fn assert_same_json(path: &str, ours: &Value, theirs: &Value) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            let ka: Vec<_> = a.keys().collect();
            let kb: Vec<_> = b.keys().collect();
            assert_eq!(ka, kb, "keys of {path}");
            for (k, v) in a {
                assert_same_json(&format!("{path}.{k}"), v, &b[k]);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            assert_eq!(a.is_f64(), b.is_f64(), "{path}: {a} vs score.py's {b}");
            if a.is_f64() {
                let (x, y) = (
                    a.as_f64().unwrap_or(f64::NAN),
                    b.as_f64().unwrap_or(f64::NAN),
                );
                assert!((x - y).abs() <= 1e-12, "{path}: {x} vs score.py's {y}");
            } else {
                assert_eq!(a, b, "{path}");
            }
        }
        _ => assert_eq!(ours, theirs, "{path}"),
    }
}

/// Scores `pred` (read back from its file, as a user's would be) against `gold` and
/// checks every figure and the text report against score.py's.
fn assert_agrees_with_score_py(gold_path: &Path, pred_path: &Path) -> Option<eval::Scores> {
    let theirs_json = run_score_py(gold_path, pred_path, true)?;
    let theirs_text = run_score_py(gold_path, pred_path, false)?;
    let gold = read_labelled(gold_path).expect("gold");
    let pred = eval::read_predictions(pred_path).expect("predictions");
    let s = eval::score(&gold, &pred);
    let ours = serde_json::to_value(s).expect("scores serialise");
    let theirs: Value = serde_json::from_str(&theirs_json).expect("score.py --json is JSON");
    assert_same_json("$", &ours, &theirs);
    assert_eq!(eval::render_text(&s), theirs_text, "text report");
    Some(s)
}

#[test]
fn fixture_figures_agree_with_score_py() {
    let (g, p) = fixtures();
    assert_agrees_with_score_py(&g, &p);
}

/// A deterministic, imperfect prediction for a real gold document: shifted and
/// re-labelled sentences, shifted and dropped quotes, altered and wrong speakers.
fn synthetic(i: usize, d: &LabelledDocument) -> PredDoc {
    if i % 10 == 7 {
        return PredDoc::error(d.id.clone(), "synthetic failure");
    }
    let speaker_variant = |k: usize, s: &newsroles::corpus::GoldSpeaker| -> Option<PredSpeaker> {
        let entity = s.entity.clone().unwrap_or_else(|| s.text.clone());
        let last = entity.split_whitespace().last().unwrap_or("").to_owned();
        let (start, end) = (s.start as i64, s.end as i64);
        match k % 5 {
            0 => None,
            1 => Some(PredSpeaker {
                start,
                end,
                text: Some(s.text.clone()),
                entity: s.entity.clone(),
            }),
            2 => Some(PredSpeaker {
                start: end - 1,
                end: end + 4,
                text: None,
                entity: Some(last),
            }),
            3 => Some(PredSpeaker {
                start: start - 30,
                end: start - 20,
                text: Some(format!("President {entity}")),
                entity: Some(String::new()),
            }),
            _ => Some(PredSpeaker {
                start: 0,
                end: 2,
                text: Some("they".into()),
                entity: Some("Sen. Nobody's".into()),
            }),
        }
    };
    let quotes = d.quotes.as_deref().unwrap_or(&[]);
    let in_quote = |a: usize, b: usize| quotes.iter().any(|q| q.start < b && a < q.end);
    let sentences = d
        .sentences
        .iter()
        .flatten()
        .enumerate()
        .map(|(j, g)| {
            let role = match g.role {
                // Every third role rotated; every seventh an unknown label.
                Some(_) if j % 7 == 6 => Some("opinion".to_owned()),
                Some(r) if j % 3 == 2 => Some(Role::ALL[(r.index() + 1) % 4].as_str().to_owned()),
                Some(r) => Some(r.as_str().to_owned()),
                None if in_quote(g.start, g.end) => Some("quote".to_owned()),
                None => Some("background".to_owned()),
            };
            let shift = (j % 4) as i64 * 7 - 7;
            PredSentence {
                start: g.start as i64 + shift,
                end: g.end as i64 + shift,
                role,
                confidence: None,
                speaker: g.speaker.as_ref().and_then(|s| speaker_variant(j, s)),
            }
        })
        .collect();
    let quotes = (i % 4 != 1).then(|| {
        let mut out: Vec<PredQuote> = quotes
            .iter()
            .enumerate()
            .filter(|(k, _)| k % 6 != 5)
            .map(|(k, g)| PredQuote {
                start: g.start as i64 + (k % 3) as i64 * 3,
                end: g.end as i64 - (k % 4) as i64 * 9,
                speaker: g.speaker.as_ref().and_then(|s| speaker_variant(k + i, s)),
            })
            .collect();
        // Now and then one predicted quote spanning two gold quotes.
        for w in quotes.windows(2).step_by(7) {
            out.push(PredQuote {
                start: w[0].start as i64 + 2,
                end: w[1].end as i64,
                speaker: None,
            });
        }
        out
    });
    PredDoc {
        id: Some(d.id.clone()),
        error: None,
        sentences,
        quotes,
        entities: Vec::new(),
    }
}

/// Writes synthetic predictions for `gold`: some documents left out, one keyed by line
/// number only, a duplicated id (error first, then the real line) and a blank line.
fn write_synthetic(gold: &[LabelledDocument], out: &mut impl Write) {
    for (i, d) in gold.iter().enumerate() {
        if i % 10 == 3 {
            continue;
        }
        let mut p = synthetic(i, d);
        if i == 5 {
            p.id = None;
        }
        if i == 1 {
            serde_json::to_writer(&mut *out, &PredDoc::error(d.id.clone(), "first try"))
                .expect("write");
            writeln!(out, "\n").expect("write");
        }
        serde_json::to_writer(&mut *out, &p).expect("write");
        writeln!(out).expect("write");
    }
}

#[test]
fn synthetic_predictions_on_real_corpora_agree_with_score_py() {
    let Some(shared) = util::shared() else { return };
    for name in ["polnear-dev.jsonl", "newsdiscourse-dev.jsonl"] {
        let gold_path = shared.join("corpora").join("newsroles").join(name);
        if !gold_path.is_file() {
            util::skip(&format!("{} is absent", gold_path.display()));
            continue;
        }
        let gold = read_labelled(&gold_path).expect("corpus");
        // Corpus text stays out of the repository: predictions live in a tempfile.
        let mut pred = tempfile::NamedTempFile::new().expect("tempfile");
        write_synthetic(&gold, pred.as_file_mut());
        pred.as_file_mut().flush().expect("flush");
        let Some(s) = assert_agrees_with_score_py(&gold_path, pred.path()) else {
            return;
        };
        // The synthetic damage must show, or the comparison proves little.
        assert!(s.documents_missing > 0, "{name}");
        if let Some(q) = s.quotes {
            assert!(
                q.recall < 1.0 && q.attribution_f1 > 0.0 && q.attribution_f1 < 1.0,
                "{name}: {q:?}"
            );
        } else {
            assert!(
                s.accuracy > 0.3 && s.accuracy < 1.0,
                "{name}: {}",
                s.accuracy
            );
        }
    }
}

/// Numeric leaves of two JSON trees (same keys) within `tol`, nulls where nulls are.
fn assert_close_json(path: &str, a: &Value, b: &Value, tol: f64) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let kx: Vec<_> = x.keys().collect();
            let ky: Vec<_> = y.keys().collect();
            assert_eq!(kx, ky, "keys of {path}");
            for (k, v) in x {
                assert_close_json(&format!("{path}.{k}"), v, &y[k], tol);
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= tol, "{path}: {x} vs {y}");
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// The shipped model's figures agree wherever they are reported: `metrics.json`, the
/// metrics stored in the model file (what `GetModelInfo` serves), its card, and
/// `newsroles eval` on the dev files with the current code (when ../shared is here).
/// When this fails after a code change, regenerate them with
/// `newsroles eval --update-card models/default DEV...` (README, "Retraining").
#[test]
fn shipped_model_figures_agree_with_eval() {
    let dir = util::root().join("models").join("default");
    let model = newsroles::model::ModelFile::load(&dir.join("newsroles.model")).unwrap();
    let metrics: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("metrics.json")).unwrap()).unwrap();
    let scores: eval::Scores = serde_json::from_value(metrics.clone()).unwrap();
    // The model file's metrics are metrics.json's (plus the calibration error).
    let stored = &model.meta.metrics;
    for (k, v) in eval::metrics_map(&scores) {
        let got = stored
            .get(&k)
            .unwrap_or_else(|| panic!("model metrics lack {k}"));
        assert!(
            (got - v).abs() <= 1e-9,
            "{k}: model {got}, metrics.json {v}"
        );
    }
    let card = std::fs::read_to_string(dir.join("MODEL_CARD.md")).unwrap();
    let types = newsroles::attribution::TypeModel::beside(&dir).unwrap();
    assert!(types.is_some(), "the default model ships types.model");
    assert_eq!(
        card,
        newsroles::model::card::with_types_section(&model.meta.card, types.as_ref()),
        "MODEL_CARD.md is the card stored in the model, and the typed model's section"
    );
    let q = scores.quotes.expect("quote figures");
    for line in [
        format!("| role macro-F1 | {:.3} |", scores.macro_f1),
        format!("| who-said-what F1 (PolNeAR) | {:.3} |", q.attribution_f1),
        format!(
            "| speaker mention accuracy (PolNeAR) | {:.3} |",
            q.speaker_mention_accuracy.unwrap()
        ),
        eval::render_text(&scores),
    ] {
        assert!(card.contains(&line), "the card lacks {line:?}");
    }
    for plot in ["confusion.svg", "reliability.svg"] {
        assert!(dir.join(plot).is_file(), "{plot} beside the card");
    }

    let Some(shared) = util::shared() else { return };
    let corpora = shared.join("corpora").join("newsroles");
    let dev = [
        corpora.join("newsdiscourse-dev.jsonl"),
        corpora.join("polnear-dev.jsonl"),
    ];
    let out = util::run_ok(
        &[
            "eval",
            "--json",
            "--model",
            util::s(&dir.join("newsroles.model")),
            util::s(&dev[0]),
            util::s(&dev[1]),
        ],
        None,
        0,
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
    assert_close_json("$", &v["combined"], &metrics, 0.0005);
}

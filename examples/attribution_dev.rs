//! Dev harness for quote attribution: attributes every document of a labelled JSONL
//! file and writes predictions in the shape `score.py` reads (code-point offsets).
//!
//! ```text
//! cargo run --release --example attribution_dev -- GOLD.jsonl PRED.jsonl \
//!     [--train TRAIN.jsonl | --model MODEL] [--repeat N]
//! python3 ../shared/tools/score.py GOLD.jsonl PRED.jsonl
//! ```
//! With `--train`, the speaker ranker is trained on TRAIN (threshold tuned on GOLD)
//! first; with `--model`, the attributor of a model file (e.g. the shipped one) runs;
//! otherwise the rules run. `--repeat N` attributes every document N times more, for
//! timing and profiling (the text stage is timed apart).

use newsroles::attribution::Attributor;
use newsroles::corpus::read_labelled;
use newsroles::document::CharIndex;
use newsroles::text::TextLayout;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut pos: Vec<String> = Vec::new();
    let mut train: Option<PathBuf> = None;
    let mut model: Option<PathBuf> = None;
    let mut repeat = 0usize;
    while let Some(a) = args.next() {
        if a == "--train" {
            train = args.next().map(PathBuf::from);
        } else if a == "--model" {
            model = args.next().map(PathBuf::from);
        } else if a == "--repeat" {
            repeat = args
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or("--repeat N")?;
        } else {
            pos.push(a);
        }
    }
    let [gold, out] = <[String; 2]>::try_from(pos).map_err(|_| {
        "usage: attribution_dev GOLD.jsonl PRED.jsonl [--train TRAIN.jsonl | --model M] \
             [--repeat N]"
    })?;
    let docs = read_labelled(gold.as_ref())?;
    let attributor = match train {
        Some(p) => {
            let t = Instant::now();
            let tr = read_labelled(&p)?;
            let (a, report) = Attributor::train(&tr, &docs)?;
            eprintln!("{report}\ntrained in {:.1}s", t.elapsed().as_secs_f64());
            a
        }
        None => match model {
            Some(p) => newsroles::model::ModelFile::load(&p)?.attribution,
            None => Attributor::rules(),
        },
    };
    if repeat > 0 {
        let layouts: Vec<TextLayout> = docs.iter().map(|d| TextLayout::new(&d.text)).collect();
        let sentences: usize = layouts.iter().map(|l| l.sentences.len()).sum();
        let t = Instant::now();
        for _ in 0..repeat {
            for l in &layouts {
                std::hint::black_box(attributor.attribute(l));
            }
        }
        let secs = t.elapsed().as_secs_f64();
        eprintln!(
            "attribution only: {:.0} sentences/s ({repeat} passes, {:.3}s)",
            (sentences * repeat) as f64 / secs,
            secs
        );
    }
    let t = Instant::now();
    let mut w = std::io::BufWriter::new(std::fs::File::create(&out)?);
    for d in &docs {
        let layout = TextLayout::new(&d.text);
        let ci = CharIndex::new(&d.text);
        let span = |r: std::ops::Range<usize>| {
            let o = layout.norm.original_range(r);
            ci.span(o.start, o.end)
        };
        let att = attributor.attribute(&layout);
        let quotes: Vec<_> = att
            .quotes
            .iter()
            .map(|q| {
                let c = span(q.content.clone());
                let mut j = json!({"start": c.start, "end": c.end, "direct": q.direct});
                if let Some(cue) = &q.cue {
                    let k = span(cue.clone());
                    let text: String = d.text.chars().skip(k.start).take(k.len()).collect();
                    j["cue"] = json!({"start": k.start, "end": k.end, "text": text});
                }
                if let Some(s) = &q.speaker {
                    let m = span(s.mention.clone());
                    let text: String = d.text.chars().skip(m.start).take(m.len()).collect();
                    j["speaker"] =
                        json!({"start": m.start, "end": m.end, "text": text, "entity": s.entity});
                }
                j
            })
            .collect();
        writeln!(
            w,
            "{}",
            json!({"id": d.id, "sentences": [], "quotes": quotes})
        )?;
    }
    w.flush()?;
    eprintln!(
        "attributed {} documents in {:.2}s",
        docs.len(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

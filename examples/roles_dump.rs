//! Experiment harness (issue 4): dumps the role features of every sentence of labelled
//! JSONL files, with the aligned gold role and discourse label, for offline analysis.
//!
//! ```text
//! cargo run --release --example roles_dump -- MODEL OUT.txt FILE.jsonl...
//! ```
//! One line per sentence: `doc sent n para idx_in_para role discourse|bucket:value ...<TAB>text`
//! (role `-` when the sentence overlaps no labelled gold sentence).

use newsroles::corpus::read_labelled;
use newsroles::document::{CharIndex, Span};
use newsroles::features::Featurizer;
use newsroles::text::TextLayout;
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        return Err("usage: roles_dump MODEL OUT.txt FILE.jsonl...".into());
    }
    // args[0]: a postcard-encoded Attributor (experiment only).
    let attributor: newsroles::attribution::Attributor =
        postcard::from_bytes(&std::fs::read(&args[0])?)?;
    let featurizer = Featurizer::new(newsroles::features::FeatureConfig::default());
    let mut w = std::io::BufWriter::new(std::fs::File::create(&args[1])?);
    let mut doc_no = 0;
    for path in &args[2..] {
        for d in read_labelled(path.as_ref())? {
            let Some(gold) = &d.sentences else { continue };
            let layout = TextLayout::new(&d.text);
            let attr = attributor.attribute(&layout);
            let feats = featurizer.featurize(&layout, &attr);
            let chars = CharIndex::new(&d.text);
            let n = layout.sentences.len();
            for (i, (s, x)) in layout.sentences.iter().zip(feats).enumerate() {
                let o = layout.norm.original_range(s.range.clone());
                let span = chars.span(o.start, o.end);
                let best = gold
                    .iter()
                    .filter_map(|g| {
                        g.role
                            .map(|r| (Span::new(g.start, g.end).overlap(&span), r, g))
                    })
                    .filter(|(ov, _, _)| *ov > 0)
                    .max_by_key(|(ov, _, _)| *ov);
                let (role, disc) = match best {
                    Some((_, r, g)) => (r.to_string(), g.discourse.clone().unwrap_or("-".into())),
                    None => ("-".into(), "-".into()),
                };
                write!(
                    w,
                    "{doc_no} {i} {n} {} {} {role} {disc}|",
                    s.paragraph, s.index_in_paragraph
                )?;
                for (b, v) in x {
                    write!(w, " {b}:{v}")?;
                }
                let st = layout.norm.as_str()[s.range.clone()].replace(['\n', '\t'], " ");
                writeln!(w, "\t{st}")?;
            }
            doc_no += 1;
        }
    }
    w.flush()?;
    Ok(())
}

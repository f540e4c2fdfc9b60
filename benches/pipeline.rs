//! Throughput of each pipeline stage and of the whole pipeline.
//!
//! Input: the texts of `../shared/corpora/newsroles/newsdiscourse-dev.jsonl` (relative
//! to the crate root) when that file exists, read at start and never copied into the
//! repository; otherwise a hand-written wire story embedded below, repeated as 100
//! documents. Every input (layouts, feature vectors) is built outside the timed
//! closures; `features` takes the precomputed attribution of each document, as
//! `Pipeline::analyze` feeds it.
//!
//! After the criterion groups a summary table (MB/s, sentences/s, share of pipeline
//! time) is measured with a plain `Instant` loop, best of 3, and printed.
//!
//! All stages run on one thread except `batch`: the documents as JSON Lines through
//! `batch::classify_jsonl` (parse, analyse on all rayon threads, serialise, ordered
//! output to a sink), the path `newsroles classify` takes.
//!
//! Run: `cargo bench --bench pipeline`.

use criterion::{BenchmarkGroup, Criterion, Throughput};
use newsroles::attribution::{Attributor, DocAttribution};
use newsroles::batch::{self, BatchOptions};
use newsroles::features::{Featurizer, SparseVec};
use newsroles::model::{default_model_path, ModelFile, RoleModel};
use newsroles::text::TextLayout;
use newsroles::{Document, Pipeline};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Corpus used when present, relative to `CARGO_MANIFEST_DIR`.
const CORPUS: &str = "../shared/corpora/newsroles/newsdiscourse-dev.jsonl";

/// Copies of [`ARTICLE`] used when the corpus is absent.
const FALLBACK_DOCS: usize = 100;

/// Fallback input: an invented wire story (~600 words) with a dateline, direct quotes
/// with "she said", reported speech, "according to", numbers and dates.
const ARTICLE: &str = "\
City council approves $48 million flood barrier after record spring rains

RIVERTON, Ore., March 14 (Wire) - The Riverton city council voted 7-2 on Tuesday to \
build a $48 million flood barrier along the Willow River, weeks after the wettest \
February on record pushed water into more than 300 homes and shut the main bridge for \
nine days.

\u{201c}We cannot ask people to rebuild their kitchens every other spring,\u{201d} Mayor \
Elena Marsh said after the vote. \u{201c}This barrier is the difference between a bad \
week and a lost year.\u{201d}

The project, which will run 3.2 kilometres from the rail yard to the old paper mill, is \
due to start in June and finish by the end of 2027, according to a city planning report \
published on Monday. Federal grants will cover about 60 percent of the cost, the report \
said, with the rest coming from a bond issue that voters approved in November.

Council member David Okafor, who voted against the plan, said the city had \
underestimated maintenance costs and should have considered buying out the homes most \
at risk instead. \u{201c}We are building a wall and calling it a strategy,\u{201d} he \
said. \u{201c}In twenty years someone will have to pay to keep it standing.\u{201d}

Rainfall in February reached 312 millimetres, nearly three times the monthly average, \
according to the National Weather Service. The river crested at 6.4 metres on Feb. 22, \
about 1.1 metres above flood stage, and stayed above that level for four days.

Local businesses say the closures cost them dearly. Maria Lopez, who owns a bakery on \
Front Street, said she lost about $20,000 in sales while the bridge was closed. \
\u{201c}Half my customers live on the other side of the river,\u{201d} she said. \
\u{201c}For nine days they simply could not reach us.\u{201d}

The state emergency management agency estimated total damage in the county at $115 \
million, a spokeswoman said on Wednesday. She said 41 families were still living in \
temporary housing and that the agency expected most of them to return home by May.

Engineers hired by the city said the barrier would protect against a flood of the size \
expected once every 100 years. But Professor Hannah Berg, a hydrologist at Western State \
University who was not involved in the design, warned that such estimates rely on past \
records. \u{201c}The climate those records describe is not the climate we have now,\u{201d} \
she said in an interview. \u{201c}A hundred-year flood may come every thirty.\u{201d}

According to the planning report, the barrier will include six pumping stations and two \
gates that can be closed within 90 minutes. The city's public works director, Tom \
Reyes, told the council that crews had already begun surveying the route and that the \
first contracts would be awarded in April.

Residents at Tuesday's meeting were divided. Some applauded the vote; others said the \
wall would cut the town off from its waterfront. \u{201c}They are putting concrete \
between us and the river we grew up on,\u{201d} said James Whitfield, 67, a retired \
teacher who has lived on Mill Road since 1981.

Marsh said the council would hold three public hearings on the design before \
construction begins, the first on April 2. She added that the city was also applying \
for a separate $5 million grant to restore wetlands upstream, which experts say can \
slow floodwater before it reaches town.

\u{201c}A wall alone is not the answer, and nobody here thinks it is,\u{201d} she said. \
\u{201c}But we have to start somewhere, and we have to start now.\u{201d}

The council is expected to vote on the bond sale at its next meeting on March 28, a city \
spokesman said.
";

/// Everything the benchmarks need, built once.
struct Inputs {
    source: String,
    docs: Vec<Document>,
    /// The documents as JSON Lines, for the `batch` stage.
    jsonl: Vec<u8>,
    bytes: u64,
    sentences: usize,
    pipeline: Pipeline,
    featurizer: Featurizer,
    roles: RoleModel,
    attributor: Attributor,
    layouts: Vec<TextLayout>,
    attrs: Vec<DocAttribution>,
    feats: Vec<Vec<SparseVec>>,
}

fn load_docs() -> (String, Vec<Document>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let docs: Vec<Document> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        if !docs.is_empty() {
            return (CORPUS.to_string(), docs);
        }
    }
    let docs = (0..FALLBACK_DOCS)
        .map(|i| Document {
            id: format!("fallback-{i}"),
            text: ARTICLE.to_string(),
        })
        .collect();
    (
        format!("embedded fallback article x {FALLBACK_DOCS} ({CORPUS} not found)"),
        docs,
    )
}

impl Inputs {
    fn load() -> Inputs {
        let (source, docs) = load_docs();
        let model_path: PathBuf = default_model_path();
        let pipeline = Pipeline::load(&model_path).unwrap_or_else(|e| {
            panic!(
                "cannot load {}: {e}\n(retrain it, or point NEWSROLES_MODEL at a model \
                 trained by this build)",
                model_path.display()
            )
        });
        let file = ModelFile::load(&model_path)
            .unwrap_or_else(|e| panic!("cannot load {}: {e}", model_path.display()));
        let roles = file
            .role_model(&model_path)
            .unwrap_or_else(|e| panic!("bad role model: {e}"));
        let featurizer = file.featurizer();
        let attributor = file.attribution;
        let layouts: Vec<TextLayout> = docs.iter().map(|d| TextLayout::new(&d.text)).collect();
        let attrs: Vec<DocAttribution> = layouts.iter().map(|l| attributor.attribute(l)).collect();
        let feats: Vec<Vec<SparseVec>> = layouts
            .iter()
            .zip(&attrs)
            .map(|(l, a)| featurizer.featurize(l, a))
            .collect();
        let bytes = docs.iter().map(|d| d.text.len() as u64).sum();
        let jsonl: Vec<u8> = docs
            .iter()
            .flat_map(|d| {
                let mut l = serde_json::to_vec(d).expect("json");
                l.push(b'\n');
                l
            })
            .collect();
        let sentences = layouts.iter().map(|l| l.sentences.len()).sum();
        println!("input: {source}");
        println!(
            "model: {} ({} {}); features from the model file: {:?}",
            model_path.display(),
            pipeline.meta().name,
            pipeline.meta().version,
            featurizer.config()
        );
        println!(
            "{} documents, {bytes} bytes, {sentences} sentences",
            docs.len()
        );
        Inputs {
            source,
            docs,
            jsonl,
            bytes,
            sentences,
            pipeline,
            featurizer,
            roles,
            attributor,
            layouts,
            attrs,
            feats,
        }
    }
}

// One pass of each stage over the whole input; shared by criterion and the table.

fn run_text(i: &Inputs) -> usize {
    i.docs
        .iter()
        .map(|d| {
            black_box(TextLayout::new(black_box(&d.text)))
                .sentences
                .len()
        })
        .sum()
}

fn run_features(i: &Inputs) -> usize {
    i.layouts
        .iter()
        .zip(&i.attrs)
        .map(|(l, a)| black_box(i.featurizer.featurize(black_box(l), black_box(a))).len())
        .sum()
}

fn run_roles(i: &Inputs) -> usize {
    i.feats
        .iter()
        .flatten()
        .map(|x| usize::from(black_box(i.roles.predict(black_box(x))).best().1 > 0.0))
        .sum()
}

fn run_attribution(i: &Inputs) -> usize {
    i.layouts
        .iter()
        .map(|l| black_box(i.attributor.attribute(black_box(l))).quotes.len())
        .sum()
}

fn run_pipeline(i: &Inputs) -> usize {
    i.docs
        .iter()
        .map(|d| {
            black_box(i.pipeline.analyze(black_box(d)).expect("analyze"))
                .sentences
                .len()
        })
        .sum()
}

fn run_pipeline_json(i: &Inputs) -> usize {
    i.docs
        .iter()
        .map(|d| {
            let a = i.pipeline.analyze(black_box(d)).expect("analyze");
            black_box(serde_json::to_vec(&a).expect("json")).len()
        })
        .sum()
}

fn run_batch(i: &Inputs) -> usize {
    let summary = batch::classify_jsonl(
        &i.pipeline,
        &mut black_box(&i.jsonl[..]),
        "bench",
        &mut std::io::sink(),
        &BatchOptions::default(),
        &mut |_| {},
    )
    .expect("batch");
    summary.sentences
}

type Stage = (&'static str, fn(&Inputs) -> usize);

const STAGES: [Stage; 7] = [
    ("text", run_text),
    ("features", run_features),
    ("roles", run_roles),
    ("attribution", run_attribution),
    ("pipeline", run_pipeline),
    ("pipeline_json", run_pipeline_json),
    ("batch", run_batch),
];

fn configure<M: criterion::measurement::Measurement>(g: &mut BenchmarkGroup<'_, M>, i: &Inputs) {
    // Sample size and times come from the `Criterion` in `main`, so the command line
    // can still override them.
    g.throughput(Throughput::Bytes(i.bytes));
}

fn benches(c: &mut Criterion, i: &Inputs) {
    for (name, run) in STAGES {
        let mut g = c.benchmark_group(name);
        configure(&mut g, i);
        g.bench_function("all_docs", |b| b.iter(|| run(i)));
        g.finish();
    }
}

/// Best-of-3 seconds per pass; each repetition runs whole passes for at least
/// `min_rep` so the fast stages are not lost in timer noise.
fn time_pass(i: &Inputs, run: fn(&Inputs) -> usize, reps: usize, min_rep: Duration) -> f64 {
    black_box(run(i));
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let start = Instant::now();
        let mut passes = 0u32;
        while passes == 0 || start.elapsed() < min_rep {
            black_box(run(i));
            passes += 1;
        }
        best = best.min(start.elapsed().as_secs_f64() / f64::from(passes));
    }
    best
}

fn summary(i: &Inputs, quick: bool) {
    let (reps, min_rep) = if quick {
        (1, Duration::ZERO)
    } else {
        (3, Duration::from_millis(300))
    };
    let times: Vec<(&str, f64)> = STAGES
        .iter()
        .map(|(name, run)| (*name, time_pass(i, *run, reps, min_rep)))
        .collect();
    let get = |n: &str| {
        times
            .iter()
            .find(|(s, _)| *s == n)
            .map_or(f64::NAN, |t| t.1)
    };
    let pipeline = get("pipeline");
    let mb = i.bytes as f64 / 1e6;
    let sents = i.sentences as f64;
    println!();
    println!(
        "summary: {} ({} documents, {} bytes, {} sentences), Instant loop, best of {reps}, \
         single thread",
        i.source,
        i.docs.len(),
        i.bytes,
        i.sentences
    );
    println!("MB = 10^6 bytes; text/features/roles/attribution are timed on precomputed inputs");
    println!(
        "batch = JSON Lines in, JSON Lines out, on all {} rayon threads (the rest: one thread)",
        rayon::current_num_threads()
    );
    println!();
    println!(
        "| {:<22} | {:>8} | {:>12} | {:>10} | {:>17} |",
        "stage", "MB/s", "sentences/s", "ms/pass", "share of pipeline"
    );
    println!(
        "|{:-<24}|{:->10}|{:->14}|{:->12}|{:->19}|",
        "", "", "", "", ""
    );
    let row = |name: &str, t: f64| {
        println!(
            "| {:<22} | {:>8.2} | {:>12.0} | {:>10.2} | {:>16.1}% |",
            name,
            mb / t,
            sents / t,
            t * 1e3,
            100.0 * t / pipeline
        );
    };
    for (name, t) in &times {
        row(name, *t);
    }
    let parts: f64 = ["text", "features", "roles", "attribution"]
        .iter()
        .map(|n| get(n))
        .sum();
    row(
        "rest (assemble, spans)",
        (pipeline - parts).max(f64::MIN_POSITIVE),
    );
    let attr = get("attribution");
    println!();
    println!(
        "attribution adds {:.1}% to the time of classifying an article \
         (attribution / (pipeline - attribution) = {:.2} ms / {:.2} ms)",
        100.0 * attr / (pipeline - attr),
        attr * 1e3,
        (pipeline - attr) * 1e3
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        for (name, _) in STAGES {
            println!("{name}/all_docs: benchmark");
        }
        return;
    }
    let inputs = Inputs::load();
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benches(&mut c, &inputs);
    c.final_summary();
    summary(&inputs, args.iter().any(|a| a == "--test"));
}

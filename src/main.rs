//! The `newsroles` command line: a thin layer over the library that parses flags,
//! sets up logging and progress, and maps errors to exit codes (0 ok, 1 some
//! records failed, 2 usage or fatal error).

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use newsroles::batch::{self, BatchOptions};
use newsroles::model::default_model_path;
use newsroles::render::{self, OutputFormat};
use newsroles::service::{ServeOptions, ServiceConfig};
use newsroles::train::{self, TrainOptions};
use newsroles::{eval, Pipeline};
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// mimalloc: the pipeline allocates many small, short-lived strings and vectors; the
// system allocator showed at ~17% of a classify profile. The `system-alloc` feature
// leaves it out, for heap profilers that hook malloc (heaptrack).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Sentence roles (quote, claim, event, background) and quote attribution for news.
///
/// Spans in all output are Unicode code-point offsets into the input text.
#[derive(Parser)]
#[command(name = "newsroles", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify documents: JSON Lines, text files, directories or tar archives in,
    /// JSON Lines out (or a table, or an HTML page: --output-format).
    ///
    /// One output line per input record, in order; a record that cannot be processed
    /// gets {"id", "error"} in its place and the rest go on. --resume continues an
    /// interrupted run. Exit 0 when every line
    /// succeeded, 1 when some failed, 2 on a usage or fatal error.
    Classify(ClassifyArgs),
    /// Train a model from labelled JSON Lines and write it with its card.
    Train(TrainArgs),
    /// Train the entity layer's pronoun resolver on coreference data (GUM, GAP) and
    /// write it into a copy of a model (its other weights unchanged) with its card.
    TrainEntities(TrainEntitiesArgs),
    /// Score a model on labelled JSON Lines (the figures of score.py).
    Eval(EvalArgs),
    /// Run the gRPC server (with health checking and server reflection).
    Serve(ServeArgs),
    /// Train the typed attribution model (speech, thought, document, other) from the
    /// hand-typed sample and write it (types.model, beside the model it serves).
    TrainTypes(TrainTypesArgs),
}

#[derive(Args)]
struct TrainTypesArgs {
    /// The typed sample files (docs/ATTRIBUTION-TYPES.md); several are read as one.
    #[arg(
        long,
        num_args = 1..,
        default_value = "data/attribution-types.tsv",
        value_name = "FILE"
    )]
    data: Vec<PathBuf>,
    /// The corpora holding the sample's documents.
    #[arg(
        long,
        num_args = 1..,
        value_name = "FILE",
        default_values = [
            "../shared/corpora/newsroles/polnear-train.jsonl",
            "../shared/corpora/newsroles/newsdiscourse-train.jsonl",
        ]
    )]
    corpus: Vec<PathBuf>,
    /// Output file, e.g. models/default/types.model (beside the model it serves).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The model whose quotes the sample types (its attribution stage finds them).
    #[command(flatten)]
    model: ModelArg,
}

#[derive(Args)]
struct ModelArg {
    /// Model file [default: $NEWSROLES_MODEL, else models/default/newsroles.model in the
    /// current directory or beside the executable, else the default model built into
    /// this binary]
    #[arg(long, short = 'm', value_name = "MODEL")]
    model: Option<PathBuf>,
}

impl ModelArg {
    fn path(&self) -> PathBuf {
        self.model.clone().unwrap_or_else(default_model_path)
    }
    fn load(&self) -> Result<Pipeline> {
        Ok(Pipeline::load(&self.path())?)
    }
}

#[derive(Args)]
struct ClassifyArgs {
    /// Inputs: JSON Lines (.jsonl, also .gz/.zst), one .txt document, a directory tree
    /// of .txt (and .html) files, a .tar/.tar.gz/.tar.zst of .txt files, a WARC web
    /// archive (.warc, .warc.gz), or one .html page; `-` or nothing reads standard
    /// input (JSON Lines or WARC, compressed or not).
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output file, compressed by its extension (.gz, .zst); `-` is standard output
    /// [default: standard output]
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// What to write: jsonl (one JSON object per record: the format for programs),
    /// table (per document, a row per sentence with role, confidence, speaker and
    /// text, then its quotes: for a terminal) or html (ONE self-contained page for
    /// the whole run: sentences coloured by role, quotes marked and linked to their
    /// speaker, confidence on hover; no network needed to view it). The page is
    /// written as documents finish, so memory stays flat, but a browser gets slow
    /// past a few thousand documents: a warning says so above 2000; split such runs.
    #[arg(long, value_name = "FORMAT", default_value = "jsonl", value_parser = parse_output_format)]
    output_format: OutputFormat,
    /// Input format for every input: jsonl, text, dir, tar, warc or html [default: from
    /// each path: a directory is dir, .tar[.gz|.zst] is tar, .warc[.gz|.zst] is warc,
    /// .html/.htm is html, .txt is text, anything else jsonl (or warc if it starts
    /// with `WARC/1.`)]; html on a directory reads only its .html/.htm pages. The old
    /// name --format still works.
    #[arg(long, alias = "format", value_name = "FORMAT", value_parser = parse_format)]
    input_format: Option<batch::Format>,
    /// Same as --input-format text: each input is one plain-text document (id = file
    /// name).
    #[arg(long, conflicts_with = "input_format")]
    text: bool,
    /// Continue an interrupted run: keep the complete lines already in --output, redo
    /// a cut-off last line, and classify only the records after them.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Also write the final summary as JSON to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Refuse (with an error line) documents larger than this many bytes.
    #[arg(long, default_value_t = 16 << 20, value_name = "BYTES")]
    max_text_bytes: usize,
    /// Worker threads, 1 to 256 [default: all cores]
    #[arg(long, short = 'j', value_parser = parse_jobs)]
    jobs: Option<usize>,
    /// No progress bar and no summary on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Also output the attributions that are not reported speech (thoughts, documents,
    /// others), each with its `type`; without it, quotes are reported speech only.
    #[arg(long)]
    attributions: bool,
    /// Leave each sentence's and quote's text out of the output (their start/end
    /// offsets index the input text; cue and speaker texts stay): smaller lines for
    /// large archives (about 40% smaller on news, half once compressed).
    #[arg(long)]
    no_text: bool,
    /// Add each document's entity layer: every person and organisation with its
    /// canonical name, kind and all its mentions (names, titles, pronouns), as
    /// "entities": [{"name", "kind", "mentions": [{"start", "end", "text"}]}].
    #[arg(long)]
    entities: bool,
    /// Longest analysis of one document, in seconds; a document that takes longer gets
    /// an error line naming the limit, and the run goes on (0: no limit).
    #[arg(long, default_value_t = newsroles::budget::DEFAULT_LIMIT.as_secs_f64(), value_name = "SECONDS")]
    max_analysis_seconds: f64,
    /// Most records analysed per parallel chunk (tuning).
    #[arg(long, hide = true, default_value_t = BatchOptions::default().chunk)]
    chunk: usize,
    #[command(flatten)]
    model: ModelArg,
}

fn parse_format(s: &str) -> std::result::Result<batch::Format, String> {
    s.parse()
}

fn parse_output_format(s: &str) -> std::result::Result<OutputFormat, String> {
    s.parse()
}

/// Above this many documents an HTML page gets a warning: browsers slow down.
const HTML_DOCUMENTS_WARNING: usize = 2000;

#[derive(Args)]
struct TrainArgs {
    /// Labelled JSONL with sentence roles (e.g. newsdiscourse-train.jsonl).
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    roles: Vec<PathBuf>,
    /// Labelled JSONL with quotes and speakers (e.g. polnear-train.jsonl).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    quotes: Vec<PathBuf>,
    /// Dev files (either layer): evaluated once at the end for the reported figures.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    dev: Vec<PathBuf>,
    /// Output model file; MODEL_CARD.md and metrics.json are written beside it.
    #[arg(short, long, value_name = "MODEL")]
    output: PathBuf,
    /// L2 penalty of the role model; with --search, the comma-separated values to try
    /// (1, else the first listed, is kept unless another is clearly better on the folds).
    #[arg(long, value_delimiter = ',', default_value = "1")]
    alpha: Vec<f64>,
    /// Choose alpha, n-gram range and hash size by cross-validation on the training
    /// split first (several minutes); the search is written to the model card.
    #[arg(long)]
    search: bool,
    /// Folds for --search.
    #[arg(long, default_value_t = 3)]
    folds: usize,
    /// Decide each sentence alone (no role transitions over the document).
    #[arg(long)]
    no_decode: bool,
    /// Word n-grams from 1 to N, N = 1 or 2 (what --search calls the n-gram range).
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=2))]
    max_ngram: u32,
    /// Hash space of 2^B feature buckets.
    #[arg(long, default_value_t = 18, value_name = "B", value_parser = clap::value_parser!(u32).range(8..=24))]
    hash_bits: u32,
    /// Hashed features kept for the role model's fit, most frequent first (fit time
    /// grows linearly with it).
    #[arg(long, default_value_t = newsroles::model::RoleParams::default().max_columns, value_name = "N")]
    max_columns: usize,
    /// Leave out neighbour-sentence features (for ablations).
    #[arg(long)]
    no_context: bool,
    /// Leave out tense/modality/time/name-density features (for ablations).
    #[arg(long)]
    no_discourse: bool,
    /// Leave out the sentence word-vector features and do not learn word vectors
    /// (for ablations)
    #[arg(long)]
    no_embeddings: bool,
    /// Leave out the features derived from attribution (for ablations).
    #[arg(long)]
    no_attribution_features: bool,
    /// Reuse the attribution model (and the word vectors, if it has them) of this
    /// model file instead of training them (retrain the role model only; --quotes
    /// then only supplies documents of the --types sample).
    #[arg(long, value_name = "MODEL")]
    reuse_attribution: Option<PathBuf>,
    /// The typed sample files (data/attribution-types.tsv, docs/ATTRIBUTION-TYPES.md):
    /// train the typed attribution model on their rows (written as types.model beside
    /// the model) before the role model, which reads each quote's speech probability.
    /// Without it, quotes are typed by the cue-class rule.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    types: Vec<PathBuf>,
    /// Model name recorded in the card.
    #[arg(long, default_value = "newsroles-default")]
    name: String,
    /// Replace an existing model file (or the card and metrics of another model in
    /// its directory); without it, train refuses before it starts.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct TrainEntitiesArgs {
    #[command(flatten)]
    model: ModelArg,
    /// Coreference JSONL: GUM-style lines with `entities`, GAP-style lines with a
    /// `pronoun` and its `candidates` (corpora/README.md).
    #[arg(value_name = "TRAIN.jsonl", required = true, num_args = 1..)]
    train: Vec<PathBuf>,
    /// Dev files of the same kinds: the threshold is tuned and the card's figures
    /// computed on them.
    #[arg(long, value_name = "DEV.jsonl", num_args = 1..)]
    dev: Vec<PathBuf>,
    /// Where to write the model (its card and metrics beside it).
    #[arg(long, short = 'o', value_name = "MODEL")]
    output: PathBuf,
    /// Replace an existing model file (e.g. the model it starts from).
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct EvalArgs {
    /// Labelled JSONL files (sentence and/or quote layer); with several, each is
    /// reported and then all of them together.
    #[arg(value_name = "GOLD.jsonl", required = true, num_args = 1..)]
    gold: Vec<PathBuf>,
    /// Print the figures as JSON (the shape of score.py --json; with several files,
    /// {"files": [{"file", "scores"}…], "combined": scores}).
    #[arg(long)]
    json: bool,
    /// Also write the predictions to this JSONL file (all files', in order).
    #[arg(long, value_name = "PRED.jsonl")]
    predictions: Option<PathBuf>,
    /// Score only the reported speech (the quotes `classify` gives by default). Without
    /// it, eval scores every attribution, as `classify --attributions` gives them: the
    /// broad view PolNeAR's guideline annotates.
    #[arg(long, conflicts_with = "update_card")]
    speech_only: bool,
    /// Recompute the figures of the model DIR/newsroles.model (or of the model file
    /// given) with this build and write them into it (the metrics GetModelInfo reports and its card's dev
    /// sections) and beside it (MODEL_CARD.md, metrics.json, confusion.svg,
    /// reliability.svg), from all GOLD files together: e.g. `eval --update-card
    /// models/default` with the two dev files.
    #[arg(long, value_name = "DIR|MODEL", conflicts_with_all = ["model", "predictions"])]
    update_card: Option<PathBuf>,
    #[command(flatten)]
    model: ModelArg,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the bound address is printed).
    /// Loopback by default: listening on other interfaces is an explicit choice.
    #[arg(long, default_value = "127.0.0.1:50051")]
    addr: SocketAddr,
    /// Most documents in one Classify request.
    #[arg(long, default_value_t = ServiceConfig::default().max_documents_per_request)]
    max_documents: usize,
    /// Largest document text, in bytes.
    #[arg(long, default_value_t = ServiceConfig::default().max_text_bytes)]
    max_text_bytes: usize,
    /// Largest request message, in bytes.
    #[arg(long, default_value_t = ServiceConfig::default().max_message_bytes)]
    max_message_bytes: usize,
    /// Analyses running at once [default: CPU cores].
    #[arg(long, value_name = "N")]
    max_concurrent: Option<usize>,
    /// Classify calls waiting for a CPU slot before more are refused with UNAVAILABLE.
    #[arg(long, value_name = "N", default_value_t = ServiceConfig::default().max_waiting_requests)]
    max_waiting: usize,
    /// File holding the bearer token every NewsRoles call must send (health and
    /// reflection stay open). Without it, calls need no token.
    #[arg(long, value_name = "FILE")]
    auth_token_file: Option<PathBuf>,
    /// File holding the admin token that ReloadModel requires (reload is off without it).
    #[arg(long, value_name = "FILE")]
    admin_token_file: Option<PathBuf>,
    /// TLS certificate chain (PEM); with --tls-key, the server speaks TLS only.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// On SIGTERM/Ctrl-C, seconds in-flight calls may take before the server stops anyway.
    #[arg(long, value_name = "SECS", default_value_t = ServiceConfig::default().shutdown_grace.as_secs_f64())]
    shutdown_grace: f64,
    /// Ask each client connection to reconnect after this many seconds (HTTP/2
    /// GOAWAY; calls in flight finish first), so clients balancing over DNS
    /// (`dns:///`, round_robin) spread onto replicas added since they connected.
    #[arg(long, value_name = "SECS")]
    max_connection_age: Option<f64>,
    /// Longest analysis of one document, in seconds: longer is that document's
    /// RESOURCE_EXHAUSTED error (a cancelled call or a passed deadline stops it too).
    #[arg(long, value_name = "SECS", default_value_t = ServiceConfig::default().max_analysis_time.as_secs_f64())]
    max_analysis_seconds: f64,
    /// Most client connections open at once; more are closed as they arrive.
    #[arg(long, value_name = "N", default_value_t = ServiceConfig::default().max_connections)]
    max_connections: usize,
    /// Seconds a new connection has to send its first bytes (the HTTP/2 preface, or
    /// the TLS handshake) before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = ServiceConfig::default().handshake_timeout.as_secs_f64())]
    handshake_timeout: f64,
    /// Most bytes of document text held by requests waiting for or in analysis; a
    /// request that would exceed it is refused (UNAVAILABLE, retry later).
    #[arg(long, value_name = "BYTES", default_value_t = ServiceConfig::default().max_queued_bytes)]
    max_queued_bytes: usize,
    /// Serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9090).
    #[arg(long, value_name = "ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// Serve the HTML view at http://ADDR/ (e.g. 127.0.0.1:8080): a form to paste an
    /// article into, answered with the page `classify --output-format html` writes.
    /// Texts are held to --max-text-bytes and analysed on the same threads as gRPC
    /// calls; with --auth-token-file, a POST needs `Authorization: Bearer <token>`.
    #[arg(long, value_name = "ADDR")]
    http_addr: Option<SocketAddr>,
    #[command(flatten)]
    model: ModelArg,
}

/// Exit status when the reader of the output went away before the end (`| head`).
const OUTPUT_CLOSED: u8 = 3;

/// Most worker threads `--jobs` accepts: far above any core count this runs on, and
/// low enough that a typo cannot ask the OS for a hundred thousand threads.
const MAX_JOBS: usize = 256;

fn parse_jobs(s: &str) -> std::result::Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_JOBS).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} is not in 1..={MAX_JOBS}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Return freed pages to the system at once and commit arena memory only when used:
/// with mimalloc's defaults a 10 MB document kept about 15 times its size resident
/// (freed pages held for reuse) and an idle process 40 MB, with these about 8 times
/// and 17 MB (issue 33 item 8; cost in docs/DEPLOY.md).
#[cfg(all(target_os = "linux", not(feature = "system-alloc")))]
extern "C" fn tune_allocator() {
    use libmimalloc_sys::{mi_option_set, mi_option_t};
    // mimalloc.h's `mi_option_e` (v2, which libmimalloc-sys builds); the crate names
    // only some of its options.
    const ARENA_EAGER_COMMIT: mi_option_t = 4;
    const PURGE_DELAY: mi_option_t = 15;
    // SAFETY: plain setters of mimalloc's static option table; an option set before
    // mimalloc initialises is kept (its environment variable is then not read).
    unsafe {
        mi_option_set(PURGE_DELAY, 0);
        mi_option_set(ARENA_EAGER_COMMIT, 0);
    }
}

// The arena is reserved, and its commit mode fixed, at the first allocation, which
// happens before `main`: so the options are set by a constructor that runs ahead of
// every other (the lowest `.init_array` priority; std's own runs at 99).
#[cfg(all(target_os = "linux", not(feature = "system-alloc")))]
#[used]
#[link_section = ".init_array.00000"]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("NEWSROLES_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // Colour only on a terminal: logs sent to a file, journald or a container
        // runtime must not carry escape codes.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Classify(a) => classify(a),
        Command::Train(a) => train_cmd(a).map(|_| ExitCode::SUCCESS),
        Command::TrainEntities(a) => train_entities(a).map(|_| ExitCode::SUCCESS),
        Command::Eval(a) => eval_cmd(a).map(|_| ExitCode::SUCCESS),
        Command::Serve(a) => serve(a).map(|_| ExitCode::SUCCESS),
        Command::TrainTypes(a) => train_types(a).map(|_| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`| head`): not every record reached the reader. Batch
            // runs promise that nothing is lost, so a script must be able to tell this
            // from a complete run: a status of its own, and one line saying why.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                eprintln!(
                    "newsroles: the output was closed before every line was written \
                     (broken pipe); exit status {OUTPUT_CLOSED}"
                );
                return ExitCode::from(OUTPUT_CLOSED);
            }
            eprintln!("newsroles: {}", report(&e));
            ExitCode::from(2)
        }
    }
}

fn classify(a: ClassifyArgs) -> Result<ExitCode> {
    if let Some(j) = a.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global()
            .context("setting --jobs")?;
    }
    let paths = if a.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        a.inputs.clone()
    };
    // `-o -` is standard output, as `-` is standard input.
    let output = a.output.as_ref().filter(|p| p.as_os_str() != "-");
    if a.resume && output.is_none() {
        anyhow::bail!("--resume needs an output file to continue (not standard output)");
    }
    if a.resume && a.output_format != OutputFormat::Jsonl {
        anyhow::bail!(
            "--resume continues JSON Lines only, not --output-format {}",
            a.output_format.as_str()
        );
    }
    if let Some(out) = output {
        batch::output::check_not_an_input(out, &paths)?;
    }
    let format = if a.text {
        Some(batch::Format::Text)
    } else {
        a.input_format
    };
    let mut inputs = batch::Inputs::new(&paths, format, a.max_text_bytes)?;
    let pipeline = a.model.load()?;
    let opts = BatchOptions {
        max_text_bytes: a.max_text_bytes,
        chunk: a.chunk.max(1),
        include_text: !a.no_text,
        include_attributions: a.attributions,
        include_entities: a.entities,
        max_analysis_time: analysis_limit(a.max_analysis_seconds)?,
        output_format: a.output_format,
        ..Default::default()
    };
    let (mut out, resume) = match output {
        Some(p) if a.resume => batch::open_resume(p)?,
        Some(p) => (batch::Output::create(p)?, batch::ResumePoint::default()),
        None => (batch::Output::stdout(), batch::ResumePoint::default()),
    };
    if a.resume && !a.quiet {
        eprintln!(
            "newsroles: resuming after {} complete lines of {}{}",
            resume.done,
            out.name(),
            if resume.dropped_bytes > 0 {
                format!(
                    " (a cut-off last line of {} bytes is redone)",
                    resume.dropped_bytes
                )
            } else {
                String::new()
            }
        );
    }
    let progress = if a.quiet {
        None
    } else {
        progress_bar(inputs.total_bytes())
    };
    let html = a.output_format == OutputFormat::Html;
    if html {
        out.write_all(render::html_head("newsroles").as_bytes())
            .with_context(|| format!("writing {}", out.name()))?;
    }
    let started = std::time::Instant::now();
    let summary = batch::run(&pipeline, &mut inputs, &mut out, &opts, &resume, &mut |p| {
        if let Some(pb) = &progress {
            if p.bytes_total.is_some() {
                pb.set_position(p.bytes_read);
            }
            pb.set_message(format!(
                "{} records, {:.0} sentences/s",
                p.resumed + p.done.records,
                p.sentences_per_second()
            ));
        }
    });
    if let Some(pb) = &progress {
        pb.finish_and_clear();
    }
    let summary = summary?;
    let output_name = out.name().to_string();
    if html {
        out.write_all(render::html_tail(summary.records).as_bytes())
            .with_context(|| format!("writing {output_name}"))?;
        if summary.records > HTML_DOCUMENTS_WARNING && !a.quiet {
            eprintln!(
                "newsroles: warning: the page holds {} documents; browsers get slow past \
                 a few thousand (split the input for smaller pages)",
                summary.records
            );
        }
    }
    out.finish()?;
    let report = batch::Report::new(
        inputs.names().to_vec(),
        output_name,
        &summary,
        &resume,
        started.elapsed(),
    );
    if !a.quiet {
        eprintln!("newsroles: classified {report}");
    }
    if let Some(p) = &a.report {
        std::fs::write(p, serde_json::to_string_pretty(&report)? + "\n")
            .with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(if report.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--max-analysis-seconds`: 0 is no limit; negative or not finite is refused.
fn analysis_limit(secs: f64) -> Result<Option<std::time::Duration>> {
    (secs != 0.0)
        .then(|| positive_secs(secs, "--max-analysis-seconds (0: no limit)"))
        .transpose()
}

/// A positive number of seconds for `flag`.
fn positive_secs(secs: f64, flag: &str) -> Result<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .with_context(|| format!("{flag} must be a positive number of seconds, not {secs}"))
}

/// A progress bar on a terminal (bytes of a known total, with an ETA; a spinner
/// otherwise); none in pipes and CI.
fn progress_bar(total_bytes: Option<u64>) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let (pb, template) = match total_bytes {
        Some(t) if t > 0 => (
            indicatif::ProgressBar::new(t),
            "{bar:24} {percent:>3}% {msg} [{elapsed}, ETA {eta}]",
        ),
        _ => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} {msg} [{elapsed}]",
        ),
    };
    pb.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(250));
    Some(pb)
}

fn train_cmd(a: TrainArgs) -> Result<()> {
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    prepare_model_output(&a.output, a.force)?;
    let opts = TrainOptions {
        roles: a.roles,
        quotes: a.quotes,
        dev: a.dev,
        alphas: a.alpha,
        search: a.search,
        folds: a.folds,
        decode: !a.no_decode,
        reuse_attribution: a.reuse_attribution,
        types_sample: a.types,
        features: newsroles::features::FeatureConfig {
            context: !a.no_context,
            discourse: !a.no_discourse,
            attribution: !a.no_attribution_features,
            embeddings: !a.no_embeddings,
            max_ngram: a.max_ngram,
            buckets_log2: a.hash_bits,
            ..Default::default()
        },
        params: newsroles::model::RoleParams {
            max_columns: a.max_columns,
            ..Default::default()
        },
        name: a.name,
        command,
        ..Default::default()
    };
    let mut stages = Stages::new();
    let outcome = train::train_reporting(&opts, &mut |s| stages.start(s));
    stages.finish();
    let outcome = outcome?;
    eprint!("{}", outcome.report);
    outcome.model.save(&a.output)?;
    let dir = model_dir(&a.output);
    newsroles::model::card::write_files(
        dir,
        &outcome.model,
        outcome.dev_scores.as_ref(),
        outcome.dev_calibration.as_ref(),
    )?;
    // The typed model belongs to this model: a types.model left from another would be
    // loaded beside it.
    let types_file = dir.join(newsroles::attribution::types::TYPES_FILE);
    match &outcome.types {
        Some(t) => {
            t.save(&types_file)?;
            let card = dir.join("MODEL_CARD.md");
            let text = std::fs::read_to_string(&card)
                .with_context(|| format!("reading {}", card.display()))?;
            let text = newsroles::model::card::with_types_section(&text, Some(t));
            std::fs::write(&card, text).with_context(|| format!("writing {}", card.display()))?;
        }
        None if types_file.exists() => {
            std::fs::remove_file(&types_file)
                .with_context(|| format!("removing {}", types_file.display()))?;
            eprintln!("removed {} (it typed another model)", types_file.display());
        }
        None => {}
    }
    eprintln!("wrote {} and its card", a.output.display());
    Ok(())
}

/// Training progress on stderr: a line per finished stage with its time and the
/// total so far, and on a terminal a spinner with the running stage's elapsed time
/// (a full training run takes many minutes).
struct Stages {
    started: std::time::Instant,
    current: Option<(String, std::time::Instant)>,
    spinner: Option<indicatif::ProgressBar>,
}

impl Stages {
    fn new() -> Stages {
        let spinner = progress_bar(None);
        if let Some(pb) = &spinner {
            pb.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
        }
        Stages {
            started: std::time::Instant::now(),
            current: None,
            spinner,
        }
    }

    fn done_line(&mut self) {
        if let Some((name, t)) = self.current.take() {
            let line = format!(
                "train: {name}: {:.1}s (total {:.0}s)",
                t.elapsed().as_secs_f64(),
                self.started.elapsed().as_secs_f64()
            );
            match &self.spinner {
                Some(pb) => pb.println(line),
                None => eprintln!("{line}"),
            }
        }
    }

    fn start(&mut self, name: &str) {
        self.done_line();
        if let Some(pb) = &self.spinner {
            pb.reset_elapsed();
            pb.set_message(name.to_string());
        }
        self.current = Some((name.to_string(), std::time::Instant::now()));
    }

    fn finish(&mut self) {
        self.done_line();
        if let Some(pb) = &self.spinner {
            pb.finish_and_clear();
        }
    }
}

/// The error and its causes, each cause left out when the message before it already
/// says it (the library's I/O errors name their cause and also expose it as source).
fn report(e: &anyhow::Error) -> String {
    let mut msg = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    msg
}

/// The directory a model file is written to, with its card.
fn model_dir(model: &Path) -> &Path {
    model
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Checks that the model can be written before training starts (a full training run
/// takes minutes): refuses to replace an existing model or another model's card
/// without `force`, creates its directory and writes a probe file beside it.
fn prepare_model_output(model: &Path, force: bool) -> Result<()> {
    let dir = model_dir(model);
    if model.is_dir() {
        anyhow::bail!(
            "-o {} is a directory; name the model file, e.g. -o {}",
            model.display(),
            model.join("newsroles.model").display()
        );
    }
    if !force {
        // The shipped model (models/default/) is the usual victim: train into a new
        // directory, and compare with `newsroles eval`.
        let existing = std::iter::once(model.to_path_buf())
            .chain(["MODEL_CARD.md", "metrics.json"].map(|f| dir.join(f)))
            .find(|p| p.exists());
        if let Some(p) = existing {
            anyhow::bail!(
                "{} exists and training would replace it; write the model to a new \
                 directory (e.g. -o models/retrained/newsroles.model), or pass --force",
                p.display()
            );
        }
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the model's directory {}", dir.display()))?;
    let probe = model.with_extension("model.tmp");
    std::fs::write(&probe, b"")
        .with_context(|| format!("cannot write the model beside {}", probe.display()))?;
    // The probe is the temp file `save` writes and renames; nothing else uses it.
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

fn eval_cmd(a: EvalArgs) -> Result<()> {
    // --update-card names the model's directory (its newsroles.model) or the model file.
    let model_path = match &a.update_card {
        Some(p) if p.is_dir() => p.join("newsroles.model"),
        Some(p) => p.clone(),
        None => a.model.path(),
    };
    let mut files = Vec::new();
    for p in &a.gold {
        files.push((p, newsroles::corpus::read_labelled(p)?));
    }
    let all: Vec<newsroles::corpus::LabelledDocument> =
        files.iter().flat_map(|(_, g)| g.iter().cloned()).collect();
    if a.update_card.is_some() {
        return update_card(model_dir(&model_path), &model_path, &a.gold, &all, a.json);
    }
    let pipeline = Pipeline::load(&model_path)?;
    // One run of the pipeline serves the written predictions and the scores.
    let results = eval::analyze_all_with(&pipeline, &all, !a.speech_only);
    if let Some(p) = &a.predictions {
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        );
        for (d, r) in all.iter().zip(&results) {
            match r {
                Ok(an) => serde_json::to_writer(&mut w, an)?,
                // An error line in its place, as `classify` writes it: nothing dropped.
                Err(e) => serde_json::to_writer(
                    &mut w,
                    &batch::ErrorLine {
                        id: &d.id,
                        error: &e.to_string(),
                    },
                )?,
            }
            w.write_all(b"\n")?;
        }
        w.flush()
            .with_context(|| format!("writing {}", p.display()))?;
    }
    let preds = eval::predictions_of(&all, &results);
    // Written, not print!ed: a closed pipe (`| head`) is an error to return, not a panic.
    let mut out = std::io::stdout().lock();
    let text = |d: &eval::Detailed| {
        let mut t = eval::render_text(&d.scores);
        // After score.py's lines, so its report stays a prefix of ours.
        if d.scores.quotes.is_some() {
            t += &eval::render_quote_types(&d.quote_types);
        }
        if let Some(c) = &d.calibration {
            t += &eval::render_calibration(c);
        }
        t
    };
    if files.len() == 1 {
        let d = eval::detailed(&all, &preds);
        if a.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&d.scores)?)?;
        } else {
            write!(out, "{}", text(&d))?;
        }
        return Ok(out.flush()?);
    }
    // Each file on its own, then all together (documents pooled, as train's dev figures).
    let mut per_file = Vec::new();
    let mut at = 0;
    for (p, g) in &files {
        let d = eval::detailed(g, &preds[at..at + g.len()]);
        at += g.len();
        if !a.json {
            writeln!(out, "== {}\n{}", p.display(), text(&d))?;
        }
        per_file.push(serde_json::json!({"file": p, "scores": d.scores}));
    }
    let d = eval::detailed(&all, &preds);
    if a.json {
        let v = serde_json::json!({"files": per_file, "combined": d.scores});
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        let n = files.len();
        write!(
            out,
            "== combined: {n} files, {} documents\n{}",
            all.len(),
            text(&d)
        )?;
    }
    Ok(out.flush()?)
}

/// `train-entities`: the pronoun resolver trained and set into a copy of a model.
fn train_entities(a: TrainEntitiesArgs) -> Result<()> {
    let base = a.model.path();
    let read = |ps: &[PathBuf]| -> Result<Vec<newsroles::corpus::LabelledDocument>> {
        let mut all = Vec::new();
        for p in ps {
            all.extend(newsroles::corpus::read_labelled(p)?);
        }
        Ok(all)
    };
    let (train, dev) = (read(&a.train)?, read(&a.dev)?);
    prepare_model_output(&a.output, a.force)?;
    let mut model = newsroles::model::ModelFile::load(&base)?;
    let t0 = std::time::Instant::now();
    let (resolver, rule, trained) = newsroles::attribution::train_pronouns(&train, &dev)?;
    let section = newsroles::model::card::render_pronouns(
        &file_names(&a.train),
        &file_names(&a.dev),
        &rule,
        &trained,
        resolver.threshold,
        &format!(
            "newsroles {}",
            std::env::args().skip(1).collect::<Vec<_>>().join(" ")
        ),
    );
    model.pronouns = Some(resolver);
    newsroles::model::card::set_pronoun_section(&mut model, &section);
    model.meta.sha256.clear();
    model.save(&a.output)?;
    newsroles::model::card::write_files(model_dir(&a.output), &model, None, None)?;
    print!("{section}");
    eprintln!(
        "newsroles: pronoun resolver trained in {:.1} s, written with the model to {}",
        t0.elapsed().as_secs_f64(),
        a.output.display()
    );
    Ok(())
}

/// The files' names, joined for a model card ("gum-train.jsonl + gap-train.jsonl").
fn file_names(ps: &[PathBuf]) -> String {
    ps.iter()
        .map(|p| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            )
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// `eval --update-card DIR`: the model's figures recomputed on `gold` and written
/// into the model file and beside it.
fn update_card(
    dir: &Path,
    model_path: &Path,
    gold: &[PathBuf],
    docs: &[newsroles::corpus::LabelledDocument],
    json: bool,
) -> Result<()> {
    let mut model = newsroles::model::ModelFile::load(model_path)?;
    let r = newsroles::model::card::refresh(&mut model, model_path, docs, &file_names(gold))?;
    model.save(model_path)?;
    newsroles::model::card::write_files(dir, &model, Some(&r.scores), r.calibration.as_ref())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r.scores)?);
    } else {
        print!("{}", eval::render_text(&r.scores));
    }
    eprintln!(
        "newsroles: updated {} (metrics and card), and MODEL_CARD.md, metrics.json and the plots in {}",
        model_path.display(),
        dir.display()
    );
    Ok(())
}

fn train_types(a: TrainTypesArgs) -> Result<()> {
    use newsroles::attribution::types::train;
    let sample = train::read_samples(&a.data)?;
    let mut docs = Vec::new();
    for p in &a.corpus {
        docs.extend(newsroles::corpus::read_labelled(p)?);
    }
    // Features come from the attribution stage alone; the rule types are the weak labels.
    let model = newsroles::model::ModelFile::load(&a.model.path())?;
    let outcome = train::train(&model.attribution, &sample, &docs)?;
    eprint!("{}", outcome.report);
    outcome.model.save(&a.out)?;
    eprintln!("wrote {} (held out: {})", a.out.display(), outcome.heldout);
    // The model card beside it, if any, gets the typed model's section.
    let card = model_dir(&a.out).join("MODEL_CARD.md");
    if let Ok(text) = std::fs::read_to_string(&card) {
        let text = newsroles::model::card::with_types_section(&text, Some(&outcome.model));
        std::fs::write(&card, text).with_context(|| format!("writing {}", card.display()))?;
        eprintln!(
            "updated the attribution types section of {}",
            card.display()
        );
    }
    Ok(())
}

fn serve(a: ServeArgs) -> Result<()> {
    // An empty token file would silently turn the check off: refuse it.
    let token = |file: &Option<PathBuf>, what: &str| -> Result<Option<String>> {
        let Some(p) = file else { return Ok(None) };
        let t = std::fs::read_to_string(p)
            .with_context(|| format!("reading the {what} token from {}", p.display()))?
            .trim()
            .to_string();
        anyhow::ensure!(
            !t.is_empty(),
            "the {what} token file {} is empty",
            p.display()
        );
        Ok(Some(t))
    };
    let read = |p: &PathBuf| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
    let tls = match (&a.tls_cert, &a.tls_key) {
        (Some(cert), Some(key)) => Some(newsroles::service::TlsIdentity {
            cert_pem: read(cert)?,
            key_pem: read(key)?,
        }),
        _ => None,
    };
    let model = a.model.path();
    let defaults = ServiceConfig::default();
    let config = ServiceConfig {
        max_documents_per_request: a.max_documents,
        max_text_bytes: a.max_text_bytes,
        max_message_bytes: a.max_message_bytes,
        max_concurrent_analyses: a.max_concurrent.unwrap_or(defaults.max_concurrent_analyses),
        max_waiting_requests: a.max_waiting,
        auth_token: token(&a.auth_token_file, "auth")?,
        admin_token: token(&a.admin_token_file, "admin")?,
        model_path: Some(model.clone()),
        tls,
        shutdown_grace: std::time::Duration::try_from_secs_f64(a.shutdown_grace)
            .context("--shutdown-grace must be a non-negative number of seconds")?,
        max_connection_age: a
            .max_connection_age
            .map(|s| positive_secs(s, "--max-connection-age"))
            .transpose()?,
        max_analysis_time: positive_secs(a.max_analysis_seconds, "--max-analysis-seconds")?,
        max_connections: a.max_connections.max(1),
        handshake_timeout: positive_secs(a.handshake_timeout, "--handshake-timeout")?,
        max_queued_bytes: a.max_queued_bytes,
    };
    // Analyses run on the server's own analysis threads; the blocking pool is only for
    // model loads and file reads.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(4)
        .build()?;
    let served = rt.block_on(newsroles::service::run(ServeOptions {
        addr: a.addr,
        model,
        config,
        metrics_addr: a.metrics_addr,
        http_addr: a.http_addr,
    }));
    // A blocking task still running (a model load) must not hold the exit.
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    served
}

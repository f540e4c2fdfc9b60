//! The `newsroles` command line: a thin layer over the library that parses flags,
//! sets up logging and progress, and maps errors to exit codes (0 ok, 1 some
//! records failed, 2 usage or fatal error).

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use newsroles::batch::{self, BatchOptions};
use newsroles::model::default_model_path;
use newsroles::service::{ServeOptions, ServiceConfig};
use newsroles::train::{self, TrainOptions};
use newsroles::{eval, Pipeline};
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    /// Classify documents: JSON Lines in ({"id", "text"} per line), JSON Lines out.
    ///
    /// One output line per input line, in order; a line that cannot be processed gets
    /// {"id", "error"} in its place and the rest go on. Exit 0 when every line
    /// succeeded, 1 when some failed, 2 on a usage or fatal error.
    Classify(ClassifyArgs),
    /// Train a model from labelled JSON Lines and write it with its card.
    Train(TrainArgs),
    /// Score a model on labelled JSON Lines (the figures of score.py).
    Eval(EvalArgs),
    /// Run the gRPC server (with health checking and server reflection).
    Serve(ServeArgs),
}

#[derive(Args)]
struct ModelArg {
    /// Model file [default: the shipped models/default/newsroles.model, or $NEWSROLES_MODEL]
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
    /// Input files; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    inputs: Vec<PathBuf>,
    /// Output file [default: standard output]
    #[arg(short, long, value_name = "OUT.jsonl")]
    output: Option<PathBuf>,
    /// Treat each input as one plain-text document (id = file name) instead of JSONL.
    #[arg(long)]
    text: bool,
    /// Refuse (with an error line) documents larger than this many bytes.
    #[arg(long, default_value_t = 16 << 20, value_name = "BYTES")]
    max_text_bytes: usize,
    /// Worker threads [default: all cores]
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    #[command(flatten)]
    model: ModelArg,
}

#[derive(Args)]
struct TrainArgs {
    /// Labelled JSONL with sentence roles (e.g. newsdiscourse-train.jsonl).
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    roles: Vec<PathBuf>,
    /// Labelled JSONL with quotes and speakers (e.g. polnear-train.jsonl).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    quotes: Vec<PathBuf>,
    /// Dev files (either layer) for model selection and the reported figures.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    dev: Vec<PathBuf>,
    /// Output model file; MODEL_CARD.md and metrics.json are written beside it.
    #[arg(short, long, value_name = "MODEL")]
    output: PathBuf,
    /// L2 penalties to try (comma-separated); the best dev macro-F1 wins.
    #[arg(long, value_delimiter = ',', default_value = "0.25,0.5,1")]
    alpha: Vec<f64>,
    /// Model name recorded in the card.
    #[arg(long, default_value = "newsroles-default")]
    name: String,
}

#[derive(Args)]
struct EvalArgs {
    /// Labelled JSONL (sentence and/or quote layer).
    #[arg(value_name = "GOLD.jsonl")]
    gold: PathBuf,
    /// Print the figures as JSON (the shape of score.py --json).
    #[arg(long)]
    json: bool,
    /// Also write the predictions to this JSONL file.
    #[arg(long, value_name = "PRED.jsonl")]
    predictions: Option<PathBuf>,
    #[command(flatten)]
    model: ModelArg,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the bound address is printed).
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
    /// File holding the admin token that ReloadModel requires (reload is off without it).
    #[arg(long, value_name = "FILE")]
    admin_token_file: Option<PathBuf>,
    #[command(flatten)]
    model: ModelArg,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("NEWSROLES_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Classify(a) => classify(a),
        Command::Train(a) => train_cmd(a).map(|_| ExitCode::SUCCESS),
        Command::Eval(a) => eval_cmd(a).map(|_| ExitCode::SUCCESS),
        Command::Serve(a) => serve(a).map(|_| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`| head`) is not an error worth a message.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("newsroles: {e:#}");
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
    let pipeline = a.model.load()?;
    let opts = BatchOptions {
        max_text_bytes: a.max_text_bytes,
        ..Default::default()
    };
    let mut out: Box<dyn Write> = match &a.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let inputs = if a.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        a.inputs.clone()
    };
    let progress = progress_bar();
    let mut total = batch::Summary::default();
    let started = std::time::Instant::now();
    for input in &inputs {
        let name = batch::display_name(input);
        let s = if a.text {
            let bytes = read_all(input)?;
            let id = if input == Path::new("-") {
                "stdin".to_string()
            } else {
                input
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or(name.clone())
            };
            batch::classify_text(&pipeline, &bytes, &id, &mut out, &opts)?
        } else {
            let mut reader: Box<dyn BufRead> = if input == Path::new("-") {
                Box::new(BufReader::new(std::io::stdin().lock()))
            } else {
                Box::new(BufReader::new(
                    std::fs::File::open(input)
                        .with_context(|| format!("opening {}", input.display()))?,
                ))
            };
            let base = total.clone();
            batch::classify_jsonl(&pipeline, &mut reader, &name, &mut out, &opts, &mut |s| {
                if let Some(pb) = &progress {
                    pb.set_position((base.records + s.records) as u64);
                    pb.set_message(format!("{} sentences", base.sentences + s.sentences));
                }
            })?
        };
        total.records += s.records;
        total.errors += s.errors;
        total.sentences += s.sentences;
        total.quotes += s.quotes;
    }
    out.flush()?;
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(
        records = total.records,
        errors = total.errors,
        sentences = total.sentences,
        quotes = total.quotes,
        seconds = format!("{secs:.2}"),
        "classified"
    );
    Ok(if total.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A progress bar on a terminal; none in pipes and CI.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos} records, {msg} [{elapsed}] {per_sec}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    Some(pb)
}

fn read_all(p: &Path) -> Result<Vec<u8>> {
    if p == Path::new("-") {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut v)?;
        Ok(v)
    } else {
        std::fs::read(p).with_context(|| format!("reading {}", p.display()))
    }
}

fn train_cmd(a: TrainArgs) -> Result<()> {
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let opts = TrainOptions {
        roles: a.roles,
        quotes: a.quotes,
        dev: a.dev,
        alphas: a.alpha,
        name: a.name,
        command,
        ..Default::default()
    };
    let outcome = train::train(&opts)?;
    eprint!("{}", outcome.report);
    outcome.model.save(&a.output)?;
    let dir = a
        .output
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::write(dir.join("MODEL_CARD.md"), &outcome.model.meta.card)
        .with_context(|| format!("writing {}", dir.join("MODEL_CARD.md").display()))?;
    if let Some(s) = &outcome.dev_scores {
        std::fs::write(
            dir.join("metrics.json"),
            serde_json::to_string_pretty(s)? + "\n",
        )
        .with_context(|| format!("writing {}", dir.join("metrics.json").display()))?;
    }
    eprintln!("wrote {} and its card", a.output.display());
    Ok(())
}

fn eval_cmd(a: EvalArgs) -> Result<()> {
    let pipeline = a.model.load()?;
    let gold = newsroles::corpus::read_labelled(&a.gold)?;
    if let Some(p) = &a.predictions {
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        );
        for d in &gold {
            let an = pipeline.analyze(&newsroles::Document {
                id: d.id.clone(),
                text: d.text.clone(),
            })?;
            serde_json::to_writer(&mut w, &an)?;
            w.write_all(b"\n")?;
        }
    }
    let scores = eval::evaluate(&pipeline, &gold);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&scores)?);
    } else {
        print!("{}", eval::render_text(&scores));
    }
    Ok(())
}

fn serve(a: ServeArgs) -> Result<()> {
    let admin_token = match &a.admin_token_file {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .with_context(|| format!("reading the admin token from {}", p.display()))?
                .trim()
                .to_string(),
        ),
        None => None,
    };
    let model = a.model.path();
    let config = ServiceConfig {
        max_documents_per_request: a.max_documents,
        max_text_bytes: a.max_text_bytes,
        max_message_bytes: a.max_message_bytes,
        admin_token,
        model_path: Some(model.clone()),
        ..Default::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(newsroles::service::run(ServeOptions {
        addr: a.addr,
        model,
        config,
    }))
}

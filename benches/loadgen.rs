//! Load generator for the gRPC service: N concurrent tonic clients, each on its own
//! connection, send one ~600-word article per `Classify` call for a fixed time; prints
//! throughput and p50/p95/p99 latency per client count, next to the in-process
//! pipeline's articles/s on every core (the baseline the service is held to), measured
//! right before and right after each client count so that other work on a shared
//! machine moves both figures alike.
//!
//! By default the server runs in this process on its own runtime (as many workers as
//! cores), the clients on a one-worker runtime, so both share the machine as they would
//! in production on one host. `--addr` targets a running server instead.
//!
//! ```text
//! cargo bench --bench loadgen -- [--clients 1,16,64] [--secs 10] [--article FILE]
//!     [--addr HOST:PORT] [--soak SECS] [--admin-token T]
//! ```
//!
//! `--soak SECS` then runs the largest client count for SECS seconds, reloads the model
//! (ReloadModel) halfway, and prints errors, p99 and resident memory every 5 s
//! (memory of this process, which holds the in-process server; with `--addr`, of
//! `--server-pid`).
//!
//! The article: `../shared/examples/wire-article.txt` when present, else the texts of
//! `tests/fixtures/articles.jsonl` joined (with a printed note).

use newsroles::service::pb::{self, news_roles_client::NewsRolesClient};

// The same allocator as the `newsroles` binary, so the in-process server measures
// what `newsroles serve` runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use newsroles::service::{serve, ServiceConfig};
use newsroles::{Document, Pipeline};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tonic::transport::Channel;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const ADMIN_TOKEN: &str = "loadgen";

struct Args {
    clients: Vec<usize>,
    secs: f64,
    article: Option<PathBuf>,
    addr: Option<SocketAddr>,
    soak: Option<f64>,
    admin_token: String,
    server_pid: Option<u32>,
}

fn parse_args() -> Result<Args, BoxError> {
    let mut a = Args {
        clients: vec![1, 16, 64],
        secs: 10.0,
        article: None,
        addr: None,
        soak: None,
        admin_token: ADMIN_TOKEN.into(),
        server_pid: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--clients" => {
                a.clients = value()?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            "--secs" => a.secs = value()?.parse()?,
            "--article" => a.article = Some(value()?.into()),
            "--addr" => a.addr = Some(value()?.parse()?),
            "--soak" => a.soak = Some(value()?.parse()?),
            "--admin-token" => a.admin_token = value()?,
            "--server-pid" => a.server_pid = Some(value()?.parse()?),
            // `cargo bench` passes --bench to every bench binary.
            "--bench" => {}
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(a)
}

fn article(path: Option<&Path>) -> Result<String, BoxError> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/examples/wire-article.txt");
    let path = path
        .map(Path::to_path_buf)
        .or_else(|| shared.exists().then_some(shared));
    if let Some(p) = path {
        return Ok(std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    eprintln!(
        "note: ../shared/examples/wire-article.txt is absent; using tests/fixtures/articles.jsonl"
    );
    let lines = std::fs::read_to_string(root.join("tests/fixtures/articles.jsonl"))?;
    let texts: Vec<String> = lines
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l)?;
            Ok(v["text"].as_str().unwrap_or_default().to_string())
        })
        .collect::<Result<_, BoxError>>()?;
    Ok(texts.join("\n\n"))
}

/// Articles per second of the pipeline itself on every core, no gRPC.
fn baseline(pipeline: &Pipeline, text: &str, secs: f64) -> f64 {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let doc = Document {
        id: "a".into(),
        text: text.into(),
    };
    let stop = Instant::now() + Duration::from_secs_f64(secs);
    let done: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut n = 0;
                    while Instant::now() < stop {
                        let _ = std::hint::black_box(pipeline.analyze(&doc));
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    done as f64 / secs
}

/// Latencies (µs) and error messages of one client count's run.
#[derive(Default)]
struct Run {
    latencies: Vec<u32>,
    errors: Vec<String>,
}

impl Run {
    fn merge(&mut self, other: Run) {
        self.latencies.extend(other.latencies);
        self.errors.extend(other.errors);
    }

    fn percentile(sorted: &[u32], p: f64) -> f64 {
        if sorted.is_empty() {
            return f64::NAN;
        }
        let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        f64::from(sorted[i]) / 1e3
    }

    /// (p50, p95, p99) in ms.
    fn percentiles(&mut self) -> (f64, f64, f64) {
        self.latencies.sort_unstable();
        let l = &self.latencies;
        (
            Run::percentile(l, 0.50),
            Run::percentile(l, 0.95),
            Run::percentile(l, 0.99),
        )
    }
}

async fn connect(addr: SocketAddr) -> Result<NewsRolesClient<Channel>, BoxError> {
    let channel = Channel::from_shared(format!("http://{addr}"))?
        .tcp_nodelay(true)
        .connect()
        .await?;
    Ok(NewsRolesClient::new(channel))
}

/// `clients` connections sending `text` until `until`; latencies from `measure_from`.
async fn drive(
    addr: SocketAddr,
    clients: usize,
    text: Arc<str>,
    measure_from: Instant,
    until: Instant,
) -> Result<Run, BoxError> {
    let mut tasks = Vec::with_capacity(clients);
    for c in 0..clients {
        let mut client = connect(addr).await?;
        let text = Arc::clone(&text);
        tasks.push(tokio::spawn(async move {
            let mut run = Run::default();
            while Instant::now() < until {
                let req = pb::ClassifyRequest {
                    documents: vec![pb::Document {
                        id: format!("c{c}"),
                        text: text.as_bytes().to_vec(),
                        options: None,
                    }],
                    options: None,
                };
                let t = Instant::now();
                let res = client.classify(req).await;
                let took = t.elapsed();
                match res {
                    Ok(r) if r.get_ref().analyses.iter().all(|a| a.error.is_none()) => {
                        if t >= measure_from {
                            run.latencies
                                .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
                        }
                    }
                    Ok(r) => run
                        .errors
                        .push(format!("{:?}", r.get_ref().analyses[0].error)),
                    Err(s) => run.errors.push(format!("{:?}: {}", s.code(), s.message())),
                }
            }
            run
        }));
    }
    let mut all = Run::default();
    for t in tasks {
        all.merge(t.await?);
    }
    Ok(all)
}

/// `/proc/loadavg`'s 1-minute figure: how busy the machine was (noise).
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(String::from))
        .unwrap_or_else(|| "?".into())
}

fn rss_kib(pid: Option<u32>) -> Option<u64> {
    let path = pid.map_or_else(
        || "/proc/self/status".to_string(),
        |p| format!("/proc/{p}/status"),
    );
    let status = std::fs::read_to_string(path).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

async fn soak(
    addr: SocketAddr,
    clients: usize,
    text: Arc<str>,
    secs: f64,
    args: &Args,
) -> Result<(), BoxError> {
    println!(
        "soak: {clients} clients for {secs:.0} s, ReloadModel at {:.0} s",
        secs / 2.0
    );
    let start = Instant::now();
    let until = start + Duration::from_secs_f64(secs);
    let load = tokio::spawn(drive(addr, clients, Arc::clone(&text), start, until));
    // A probe every 5 s: RSS, and the reload halfway.
    let mut admin = connect(addr).await?;
    let mut reloaded = false;
    let mut window = 0;
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_secs(5).min(until - Instant::now())).await;
        window += 5;
        if !reloaded && start.elapsed().as_secs_f64() >= secs / 2.0 {
            let mut req = tonic::Request::new(pb::ReloadModelRequest::default());
            req.metadata_mut().insert(
                "authorization",
                format!("Bearer {}", args.admin_token).parse()?,
            );
            let t = Instant::now();
            match admin.reload_model(req).await {
                Ok(_) => println!("  reload ok in {:.0} ms", t.elapsed().as_secs_f64() * 1e3),
                Err(s) => println!("  reload FAILED: {:?}: {}", s.code(), s.message()),
            }
            reloaded = true;
        }
        let rss = rss_kib(args.server_pid)
            .map_or("?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
        println!("  t={window:>3} s  rss {rss}");
    }
    let mut run = load.await??;
    let n = run.latencies.len();
    let (p50, p95, p99) = run.percentiles();
    println!(
        "soak: {n} requests, {:.0} articles/s, p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms, errors {}",
        n as f64 / secs,
        run.errors.len()
    );
    for e in run.errors.iter().take(5) {
        println!("  error: {e}");
    }
    Ok(())
}

fn main() -> Result<(), BoxError> {
    let args = parse_args()?;
    let text: Arc<str> = article(args.article.as_deref())?.into();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "article: {} words, {} bytes; {cores} cores",
        text.split_whitespace().count(),
        text.len()
    );
    let pipeline = Arc::new(Pipeline::load(&newsroles::model::default_model_path())?);
    // The baseline is measured right before and right after each client count (other
    // work on the machine moves it by a factor of 3 within minutes), and each rate is
    // compared with the mean of its two neighbours.
    let base_secs = args.secs.min(3.0);

    // The server, unless one was named: its own runtime, like a separate process.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .max_blocking_threads(cores + 4)
        .enable_all()
        .build()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let addr = match args.addr {
        Some(a) => a,
        None => {
            let listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
            let addr = listener.local_addr()?;
            let config = ServiceConfig {
                admin_token: Some(args.admin_token.clone()),
                model_path: Some(newsroles::model::default_model_path()),
                ..Default::default()
            };
            server_rt.spawn(serve(listener, Arc::clone(&pipeline), config, async {
                let _ = stopped.await;
            }));
            addr
        }
    };
    println!("server: {addr}");

    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    client_rt.block_on(async {
        let mut before = baseline(&pipeline, &text, base_secs);
        for &clients in &args.clients {
            let load = loadavg();
            let start = Instant::now();
            // One second of warm-up (connections, caches) is not measured.
            let measure_from = start + Duration::from_secs(1);
            let until = measure_from + Duration::from_secs_f64(args.secs);
            let mut run = drive(addr, clients, Arc::clone(&text), measure_from, until).await?;
            let after = baseline(&pipeline, &text, base_secs);
            let base = (before + after) / 2.0;
            let n = run.latencies.len();
            let rate = n as f64 / args.secs;
            let (p50, p95, p99) = run.percentiles();
            println!(
                "clients {clients:>3}: {rate:>6.0} articles/s = {:>3.0}% of in-process \
                 {base:.0}/s ({before:.0} before, {after:.0} after), p50 {p50:.2} ms, \
                 p95 {p95:.2} ms, p99 {p99:.2} ms, errors {}, load average {load}",
                100.0 * rate / base,
                run.errors.len()
            );
            for e in run.errors.iter().take(3) {
                println!("  error: {e}");
            }
            before = after;
        }
        if let Some(secs) = args.soak {
            let clients = args.clients.iter().copied().max().unwrap_or(64);
            soak(addr, clients, Arc::clone(&text), secs, &args).await?;
        }
        Ok::<_, BoxError>(())
    })?;
    let _ = stop.send(());
    Ok(())
}

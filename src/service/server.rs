//! The gRPC server: the `NewsRoles` handlers, per-call logging and metrics, hot model
//! reload (RPC and SIGHUP), and the tonic server around them (TLS, health, reflection,
//! compression, graceful shutdown, the metrics listener).
//!
//! Analysis is CPU-bound, so it never runs on the async runtime: every piece of it
//! goes to the [`AnalysisPool`]'s `max_concurrent_analyses` threads, which bounds CPU
//! use across all requests; a unary call that finds the wait line full is refused at
//! once instead of queueing without bound.

use super::auth::Tokens;
use super::conn;
use super::limits::{self, MessageLimitLayer};
use super::metrics::{self, Metrics};
use super::pb::{self, news_roles_server::NewsRoles, news_roles_server::NewsRolesServer};
use super::pool::{AnalysisPool, Failed};
use super::status::code_name;
use super::view;
use crate::budget::Budget;
use crate::document as dom;
use crate::pipeline::AnalyzeOptions;
use crate::{Error, Pipeline};
use futures::stream::BoxStream;
use futures::{FutureExt, Stream, StreamExt};
use std::future::Future;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio_stream::wrappers::ReceiverStream;
use tonic::codec::CompressionEncoding;
use tonic::metadata::MetadataMap;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Identity, ServerTlsConfig};
use tonic::{Code, Request, Response, Status, Streaming};
use tracing::Instrument;

/// Limits, security and admin settings of the server.
///
/// | name | default | meaning |
/// | --- | --- | --- |
/// | `max_documents_per_request` | 256 | documents in one `Classify` request |
/// | `max_text_bytes` | 2 MiB | UTF-8 bytes of one document's text |
/// | `max_message_bytes` | 16 MiB | one decoded request message |
/// | `max_concurrent_analyses` | CPU cores | analyses running at once, all requests together |
/// | `max_waiting_requests` | 256 | unary calls queued for an analysis thread before more are refused (UNAVAILABLE) |
/// | `auth_token` | none | bearer token every `NewsRoles` call needs; none: open |
/// | `admin_token` | none | bearer token for `ReloadModel`; none disables reload |
/// | `model_path` | none | the file `ReloadModel` and SIGHUP read when the request names none |
/// | `tls` | none | certificate and key (PEM): serve TLS only |
/// | `shutdown_grace` | 30 s | after a shutdown signal, how long in-flight calls may take before the server stops anyway |
/// | `max_analysis_time` | 60 s | longest analysis of one document (its error: RESOURCE_EXHAUSTED); a cancelled call or passed deadline stops its analysis too |
/// | `max_connections` | 1024 | client connections open at once; more are closed on arrival |
/// | `handshake_timeout` | 10 s | a new connection must send its first 24 bytes (the HTTP/2 preface; TLS: its handshake) by then, or it is closed |
/// | `max_queued_bytes` | 256 MiB | bytes of document text held by calls waiting for or in analysis; a call over it is refused (UNAVAILABLE) |
/// | `max_connection_age` | none | a client connection older than this is asked to reconnect (HTTP/2 GOAWAY; calls in flight finish), so `dns:///` clients find new replicas |
#[derive(Clone)]
pub struct ServiceConfig {
    pub max_documents_per_request: usize,
    pub max_text_bytes: usize,
    pub max_message_bytes: usize,
    pub max_concurrent_analyses: usize,
    pub max_waiting_requests: usize,
    pub auth_token: Option<String>,
    pub admin_token: Option<String>,
    pub model_path: Option<PathBuf>,
    pub tls: Option<TlsIdentity>,
    pub shutdown_grace: Duration,
    pub max_connection_age: Option<Duration>,
    /// Longest analysis of one document; longer is that document's RESOURCE_EXHAUSTED.
    pub max_analysis_time: Duration,
    /// Most client connections open at once; more are closed on arrival.
    pub max_connections: usize,
    /// How long a new connection may take to send its first bytes.
    pub handshake_timeout: Duration,
    /// Most bytes of document text in requests waiting for or in analysis.
    pub max_queued_bytes: usize,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            max_documents_per_request: 256,
            max_text_bytes: 2 << 20,
            max_message_bytes: 16 << 20,
            max_concurrent_analyses: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_waiting_requests: 256,
            auth_token: None,
            admin_token: None,
            model_path: None,
            tls: None,
            shutdown_grace: Duration::from_secs(30),
            max_connection_age: None,
            max_analysis_time: crate::budget::DEFAULT_LIMIT,
            max_connections: 1024,
            handshake_timeout: Duration::from_secs(10),
            max_queued_bytes: 256 << 20,
        }
    }
}

// Hand-written so no token reaches a log.
impl std::fmt::Debug for ServiceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |t: &Option<String>| t.as_ref().map(|_| "<redacted>");
        f.debug_struct("ServiceConfig")
            .field("max_documents_per_request", &self.max_documents_per_request)
            .field("max_text_bytes", &self.max_text_bytes)
            .field("max_message_bytes", &self.max_message_bytes)
            .field("max_concurrent_analyses", &self.max_concurrent_analyses)
            .field("max_waiting_requests", &self.max_waiting_requests)
            .field("auth_token", &redacted(&self.auth_token))
            .field("admin_token", &redacted(&self.admin_token))
            .field("model_path", &self.model_path)
            .field("tls", &self.tls)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("max_connection_age", &self.max_connection_age)
            .field("max_analysis_time", &self.max_analysis_time)
            .field("max_connections", &self.max_connections)
            .field("handshake_timeout", &self.handshake_timeout)
            .field("max_queued_bytes", &self.max_queued_bytes)
            .finish()
    }
}

/// A TLS certificate chain and its private key, both PEM.
#[derive(Clone)]
pub struct TlsIdentity {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity")
            .field("cert_pem", &format_args!("{} bytes", self.cert_pem.len()))
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

/// What the CLI's `serve` command passes to [`run`].
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub model: PathBuf,
    pub config: ServiceConfig,
    /// Where to serve Prometheus metrics (`GET /metrics`), if anywhere.
    pub metrics_addr: Option<SocketAddr>,
    /// Where to serve the HTML view (`GET /`, `POST /`), if anywhere.
    pub http_addr: Option<SocketAddr>,
}

/// Loads the model, binds `opts.addr` (and `opts.metrics_addr`, `opts.http_addr`),
/// prints `newsroles: metrics on http://ADDR/metrics` and
/// `newsroles: view on http://ADDR/` (when enabled) and then
/// `newsroles: listening on ADDR` (actual addresses, so port 0 works) on stdout, and
/// serves until Ctrl-C or SIGTERM, then finishes in-flight requests and returns.
/// SIGHUP reloads the model file (see [`ServiceConfig::model_path`]).
///
/// # Errors
/// The model cannot be loaded, an address cannot be bound, or the server fails.
pub async fn run(opts: ServeOptions) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;

    let ServeOptions {
        addr,
        model,
        mut config,
        metrics_addr,
        http_addr,
    } = opts;
    // Install the signal handlers before announcing the port: a SIGTERM or SIGHUP sent
    // right after the announcement must be handled, not kill the process.
    let shutdown = shutdown_signal()?;
    let reloads = reload_signal()?;
    let path = model.clone();
    let pipeline = tokio::task::spawn_blocking(move || Pipeline::load(&path))
        .await
        .context("model loading panicked")??;
    config.model_path.get_or_insert(model);
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener
        .local_addr()
        .context("listener has no local address")?;
    let metrics_listener = match metrics_addr {
        Some(a) => Some(
            TcpListener::bind(a)
                .await
                .with_context(|| format!("cannot listen on {a} for metrics"))?,
        ),
        None => None,
    };
    let view_listener = match http_addr {
        Some(a) => Some(
            TcpListener::bind(a)
                .await
                .with_context(|| format!("cannot listen on {a} for the HTML view"))?,
        ),
        None => None,
    };
    let mut out = std::io::stdout().lock();
    if let Some(m) = &metrics_listener {
        let m = m.local_addr().context("metrics listener has no address")?;
        writeln!(out, "newsroles: metrics on http://{m}/metrics").context("stdout")?;
    }
    if let Some(v) = &view_listener {
        let v = v.local_addr().context("view listener has no address")?;
        writeln!(out, "newsroles: view on http://{v}/").context("stdout")?;
    }
    writeln!(out, "newsroles: listening on {local}")
        .and_then(|()| out.flush())
        .context("stdout")?;
    drop(out);
    tracing::info!(
        addr = %local,
        tls = config.tls.is_some(),
        auth = config.auth_token.is_some(),
        model = pipeline.meta().name,
        "serving"
    );
    serve_inner(
        listener,
        metrics_listener,
        view_listener,
        Arc::new(pipeline),
        config,
        shutdown,
        reloads,
    )
    .await?;
    tracing::info!("server stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed now, not when first polled.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
                _ = int.recv() => tracing::info!("interrupted: shutting down"),
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("interrupted: shutting down");
        })
    }
}

/// One item per SIGHUP (none on other platforms). Installed now, like the others.
fn reload_signal() -> std::io::Result<Option<BoxStream<'static, ()>>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut hup = signal(SignalKind::hangup())?;
        Ok(Some(
            futures::stream::poll_fn(move |cx| hup.poll_recv(cx)).boxed(),
        ))
    }
    #[cfg(not(unix))]
    {
        Ok(None)
    }
}

/// gzip and zstd both ways on a generated server. Every service needs it: a client that
/// compresses all its calls gets UNIMPLEMENTED from any service without it.
macro_rules! compressed {
    ($server:expr) => {
        $server
            .accept_compressed(CompressionEncoding::Gzip)
            .accept_compressed(CompressionEncoding::Zstd)
            .send_compressed(CompressionEncoding::Gzip)
            .send_compressed(CompressionEncoding::Zstd)
    };
}

/// Serves `NewsRoles`, `grpc.health.v1.Health` and server reflection (v1 and v1alpha)
/// on `listener` until `shutdown` resolves; then health turns NOT_SERVING, the
/// listener closes, and in-flight calls finish before this returns.
///
/// # Errors
/// [`Error::InvalidInput`] for an unusable TLS certificate or key; [`Error::Io`]
/// naming the listen address when the transport fails.
pub async fn serve(
    listener: TcpListener,
    pipeline: Arc<Pipeline>,
    config: ServiceConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> crate::Result<()> {
    serve_inner(listener, None, None, pipeline, config, shutdown, None).await
}

/// [`serve`], plus Prometheus metrics (`GET /metrics`) on `metrics_listener` until
/// the gRPC server has stopped.
///
/// # Errors
/// As [`serve`].
pub async fn serve_with_metrics(
    listener: TcpListener,
    metrics_listener: TcpListener,
    pipeline: Arc<Pipeline>,
    config: ServiceConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> crate::Result<()> {
    serve_inner(
        listener,
        Some(metrics_listener),
        None,
        pipeline,
        config,
        shutdown,
        None,
    )
    .await
}

#[allow(clippy::too_many_arguments)] // private; each caller passes its own listeners
async fn serve_inner(
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    view_listener: Option<TcpListener>,
    pipeline: Arc<Pipeline>,
    config: ServiceConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
    reloads: Option<BoxStream<'static, ()>>,
) -> crate::Result<()> {
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("listener", e))?;
    let transport_error = |e: Box<dyn std::error::Error + Send + Sync>| {
        Error::io(addr.to_string(), std::io::Error::other(e))
    };
    let metrics = Arc::new(Metrics::default());
    let max_message = config.max_message_bytes;
    let tls = config.tls.clone();
    let grace = config.shutdown_grace;
    let max_connection_age = config.max_connection_age;
    let config_connections = (config.max_connections, config.handshake_timeout);
    let service = NewsRolesService::new(pipeline, config, Arc::clone(&metrics))
        .map_err(|e| Error::io("analysis threads", e))?;
    let news =
        compressed!(NewsRolesServer::new(service.clone())).max_decoding_message_size(max_message);

    let (reporter, health) = tonic_health::server::health_reporter();
    reporter
        .set_serving::<NewsRolesServer<NewsRolesService>>()
        .await;
    let health = compressed!(health);

    // Each version registers both reflection protos, so `grpcurl list` names both
    // reflection services (each build adds only its own) and `describe` finds either.
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(
                tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
            )
    };
    let reflection_v1 = compressed!(reflection()
        .build_v1()
        .map_err(|e| transport_error(e.into()))?);
    // grpcurl before 1.9 and grpcio-reflection's client still speak v1alpha.
    let reflection_v1alpha = compressed!(reflection()
        .build_v1alpha()
        .map_err(|e| transport_error(e.into()))?);

    let mut builder = tonic::transport::Server::builder();
    if let Some(age) = max_connection_age {
        // Not with `max_connection_age_grace`: tonic 0.14 then skips the GOAWAY and
        // cuts the connection at age + grace, failing calls in flight.
        builder = builder.max_connection_age(age);
    }
    if let Some(tls) = tls {
        let identity = Identity::from_pem(tls.cert_pem, tls.key_pem);
        builder = builder
            .tls_config(ServerTlsConfig::new().identity(identity))
            .map_err(|e| Error::invalid(format!("TLS certificate or key: {e}")))?;
    }

    // Metrics outlive the gRPC drain, so the last calls are still visible.
    let (metrics_stop, metrics_stopped) = oneshot::channel::<()>();
    let metrics_task = metrics_listener.map(|l| {
        tokio::spawn(metrics::serve_metrics(l, Arc::clone(&metrics), async {
            let _ = metrics_stopped.await;
        }))
    });
    // The view stops with the metrics, after the gRPC drain.
    let (view_stop, view_stopped) = oneshot::channel::<()>();
    let view_task = view_listener.map(|l| {
        tokio::spawn(view::serve_view(l, service.clone(), async {
            let _ = view_stopped.await;
        }))
    });
    let reload_task = reloads.map(|mut hups| {
        let service = service.clone();
        tokio::spawn(async move {
            while hups.next().await.is_some() {
                tracing::info!("SIGHUP: reloading the model");
                // Success and failure are logged by `reload_from`.
                let _ = service.reload_from(None).await;
            }
        })
    });

    // The drain is bounded: a client that never finishes its call (or never answers
    // HTTP/2's shutdown ping) must not keep the process alive forever.
    let (draining, drain_started) = oneshot::channel::<()>();
    let drain_deadline = async move {
        if drain_started.await.is_err() {
            return futures::future::pending().await;
        }
        tokio::time::sleep(grace).await;
    };
    let signal = async move {
        shutdown.await;
        let _ = draining.send(());
        reporter
            .set_not_serving::<NewsRolesServer<NewsRolesService>>()
            .await;
        reporter
            .set_service_status("", tonic_health::ServingStatus::NotServing)
            .await;
        tracing::info!("stopped accepting; finishing in-flight calls");
    };
    // Without TCP_NODELAY, small answers wait for the client's delayed ACK (~40 ms).
    let slots = conn::Slots::new(config_connections.0, config_connections.1);
    let incoming = TcpIncoming::from(listener)
        .with_nodelay(Some(true))
        .with_keepalive(Some(Duration::from_secs(60)))
        .filter_map(move |accepted| {
            // Over the connection limit: the stream is dropped (closed) right away.
            let admitted = accepted.map(|s| slots.admit(s)).transpose();
            futures::future::ready(admitted)
        });
    let server = builder
        .layer(MessageLimitLayer {
            max: max_message,
            metrics,
        })
        .add_service(news)
        .add_service(health)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .serve_with_incoming_shutdown(incoming, signal.boxed());
    let result = tokio::select! {
        r = server => r.map_err(|e| transport_error(e.into())),
        () = drain_deadline => {
            tracing::warn!(grace_s = grace.as_secs_f64(), "in-flight calls outlived the shutdown grace period; stopping anyway");
            Ok(())
        }
    };
    if let Some(task) = reload_task {
        task.abort();
    }
    let _ = metrics_stop.send(());
    let _ = view_stop.send(());
    for task in [metrics_task, view_task].into_iter().flatten() {
        let _ = task.await;
    }
    result
}

/// Longest a model reload may take.
const RELOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// The `NewsRoles` handlers; cheap to clone.
#[derive(Clone)]
pub struct NewsRolesService {
    shared: Arc<Shared>,
}

struct Shared {
    /// Swapped whole by a reload; each request clones the `Arc` once at its start, so
    /// in-flight requests (a whole stream included) finish on the model they started with.
    pipeline: RwLock<Arc<Pipeline>>,
    pool: Arc<AnalysisPool>,
    /// One reload at a time: two concurrent loads would hold two models in memory.
    reload: Mutex<()>,
    tokens: Tokens,
    metrics: Arc<Metrics>,
    config: ServiceConfig,
    /// Bytes of document text held by calls waiting for or in analysis.
    queued_bytes: Arc<AtomicUsize>,
}

/// Bytes of text counted in [`Shared::queued_bytes`] until dropped.
struct QueuedBytes {
    counter: Arc<AtomicUsize>,
    n: usize,
}

impl Drop for QueuedBytes {
    fn drop(&mut self) {
        self.counter.fetch_sub(self.n, Ordering::Relaxed);
    }
}

/// Counts `n` bytes of text in; refused (UNAVAILABLE, which clients retry) when that
/// would pass `max`, unless nothing else is held (one call alone always fits).
fn hold_bytes(counter: &Arc<AtomicUsize>, n: usize, max: usize) -> Result<QueuedBytes, Status> {
    let before = counter.fetch_add(n, Ordering::Relaxed);
    let held = QueuedBytes {
        counter: Arc::clone(counter),
        n,
    };
    if before > 0 && before + n > max {
        return Err(Status::unavailable(format!(
            "server busy: {before} bytes of text already waiting or in analysis, at the limit \
             of {max} (max_queued_bytes); retry shortly"
        )));
    }
    Ok(held)
}

impl NewsRolesService {
    fn new(
        pipeline: Arc<Pipeline>,
        config: ServiceConfig,
        metrics: Arc<Metrics>,
    ) -> std::io::Result<Self> {
        metrics.set_model(&pb::ModelInfo::from(pipeline.meta()));
        let pool = AnalysisPool::new(
            config.max_concurrent_analyses,
            config.max_waiting_requests,
            Arc::clone(&metrics),
        )?;
        let shared = Shared {
            pipeline: RwLock::new(pipeline),
            pool,
            reload: Mutex::new(()),
            tokens: Tokens::new(config.auth_token.clone(), config.admin_token.clone()),
            metrics,
            config,
            queued_bytes: Arc::new(AtomicUsize::new(0)),
        };
        Ok(NewsRolesService {
            shared: Arc::new(shared),
        })
    }

    fn pipeline(&self) -> Arc<Pipeline> {
        // A poisoned lock only means a writer panicked between two whole-Arc states.
        Arc::clone(
            &self
                .shared
                .pipeline
                .read()
                .unwrap_or_else(|e| e.into_inner()),
        )
    }

    fn call(&self, method: &'static str, metadata: &MetadataMap) -> Call {
        let request_id = request_id(metadata);
        // Every line logged during the call carries its method and request id.
        let span = tracing::info_span!("rpc", method, request_id = %request_id);
        Call {
            method,
            request_id,
            started: Instant::now(),
            deadline: grpc_timeout(metadata),
            span,
            metrics: Arc::clone(&self.shared.metrics),
            done: false,
        }
    }
}

/// The caller's `x-request-id`, or a new one; it tags the call's log lines and is sent
/// back in the response metadata.
fn request_id(metadata: &MetadataMap) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    metadata
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map_or_else(
            || {
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                format!("{:x}-{n}", std::process::id())
            },
            String::from,
        )
}

/// The client's deadline from `grpc-timeout` ("100m", "5S", …), if it sent one.
fn grpc_timeout(metadata: &MetadataMap) -> Option<Duration> {
    let v = metadata.get("grpc-timeout")?.to_str().ok()?;
    let (n, unit) = v.split_at(v.len().checked_sub(1)?);
    let n: u64 = n.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.saturating_mul(3600)),
        "M" => Duration::from_secs(n.saturating_mul(60)),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// One call's log span and metrics. Finished explicitly with its outcome; dropped
/// unfinished (tonic drops a handler's future when the client cancels or its deadline
/// passes) it records CANCELLED or DEADLINE_EXCEEDED.
struct Call {
    method: &'static str,
    request_id: String,
    started: Instant,
    deadline: Option<Duration>,
    span: tracing::Span,
    metrics: Arc<Metrics>,
    done: bool,
}

impl Call {
    fn finish(mut self, documents: usize, sentences: usize, code: Code) {
        self.done = true;
        self.record(documents, sentences, code_name(code));
    }

    fn record(&self, documents: usize, sentences: usize, code: &'static str) {
        let latency = self.started.elapsed();
        self.metrics.record_call(self.method, code, latency);
        let latency_ms = latency.as_secs_f64() * 1e3;
        let _entered = self.span.enter();
        tracing::info!(documents, sentences, latency_ms, code, "done");
    }

    /// `value` with the request id in its metadata.
    fn respond<T>(&self, value: T) -> Response<T> {
        let mut res = Response::new(value);
        if let Ok(v) = self.request_id.parse() {
            res.metadata_mut().insert("x-request-id", v);
        }
        res
    }

    fn refuse(&self, mut status: Status) -> Status {
        if let Ok(v) = self.request_id.parse() {
            status.metadata_mut().insert("x-request-id", v);
        }
        status
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if !self.done {
            let expired = self.deadline.is_some_and(|d| self.started.elapsed() >= d);
            let code = if expired {
                "DEADLINE_EXCEEDED"
            } else {
                "CANCELLED"
            };
            self.record(0, 0, code);
        }
    }
}

/// Analyses one document; a failure, even a panic in the pipeline, becomes that
/// document's `error` instead of failing its neighbours.
/// `budget` bounds the analysis (the server's time limit, and the call's cancellation).
fn analyze_one(
    pipeline: &Pipeline,
    doc: pb::Document,
    opts: AnalyzeOptions,
    budget: &Budget,
) -> pb::Analysis {
    let doc = match dom::Document::try_from(doc) {
        Ok(doc) => doc,
        Err((id, message)) => return pb::failed(id, Code::InvalidArgument, &message),
    };
    match catch_unwind(AssertUnwindSafe(|| {
        pipeline.analyze_within(&doc, opts, budget)
    })) {
        Ok(Ok(mut a)) => {
            a.id = doc.id; // the contract echoes the id whatever the pipeline did
            pb::analysis(a, opts.include_text)
        }
        Ok(Err(e)) => {
            let status = Status::from(e);
            pb::failed(doc.id, status.code(), status.message())
        }
        Err(_) => {
            tracing::error!(id = doc.id, "analysis panicked");
            pb::failed(doc.id, Code::Internal, "internal error; see the server log")
        }
    }
}

/// Runs `analyze` on `docs` in order, stopping early (`None`) once `cancelled` is set.
fn analyze_all(
    docs: Vec<pb::Document>,
    cancelled: &AtomicBool,
    mut analyze: impl FnMut(pb::Document) -> pb::Analysis,
) -> Option<Vec<pb::Analysis>> {
    let mut out = Vec::with_capacity(docs.len());
    for doc in docs {
        if cancelled.load(Ordering::Relaxed) {
            return None;
        }
        out.push(analyze(doc));
    }
    Some(out)
}

/// Sets its flag when dropped: tonic drops a handler's future when the client cancels
/// or its deadline passes, and the blocking work watching the flag then stops.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The request's options with the document's own added (ClassifyStream's only way
/// to ask).
fn options_for(request: AnalyzeOptions, doc: &pb::Document) -> AnalyzeOptions {
    let own = options_of(doc.options.as_ref());
    AnalyzeOptions {
        include_text: request.include_text || own.include_text,
        include_attributions: request.include_attributions || own.include_attributions,
        include_entities: request.include_entities || own.include_entities,
    }
}

/// What `ClassifyOptions` ask for (nothing when unset).
fn options_of(o: Option<&pb::ClassifyOptions>) -> AnalyzeOptions {
    AnalyzeOptions {
        include_text: o.is_some_and(|o| o.include_text),
        include_attributions: o.is_some_and(|o| o.include_attributions),
        include_entities: o.is_some_and(|o| o.include_entities),
    }
}

fn sentence_count(analyses: &[pb::Analysis]) -> usize {
    analyses.iter().map(|a| a.sentences.len()).sum()
}

#[tonic::async_trait]
impl NewsRoles for NewsRolesService {
    async fn classify(
        &self,
        request: Request<pb::ClassifyRequest>,
    ) -> Result<Response<pb::ClassifyResponse>, Status> {
        let call = self.call("Classify", request.metadata());
        let span = call.span.clone();
        async move {
            if let Err(s) = self.shared.tokens.check_client(request.metadata()) {
                let s = call.refuse(s);
                call.finish(0, 0, s.code());
                return Err(s);
            }
            let pb::ClassifyRequest { documents, options } = request.into_inner();
            let n = documents.len();
            let opts = options_of(options.as_ref());
            match self.classify_documents(documents, opts).await {
                Ok(analyses) => {
                    self.shared.metrics.record_analyses(&analyses);
                    let res = call.respond(pb::ClassifyResponse { analyses });
                    call.finish(n, sentence_count(&res.get_ref().analyses), Code::Ok);
                    Ok(res)
                }
                Err(s) => {
                    let s = call.refuse(s);
                    call.finish(n, 0, s.code());
                    Err(s)
                }
            }
        }
        .instrument(span)
        .await
    }

    type ClassifyStreamStream = ReceiverStream<Result<pb::Analysis, Status>>;

    async fn classify_stream(
        &self,
        request: Request<Streaming<pb::Document>>,
    ) -> Result<Response<Self::ClassifyStreamStream>, Status> {
        let call = self.call("ClassifyStream", request.metadata());
        let span = call.span.clone();
        if let Err(s) = self.shared.tokens.check_client(request.metadata()) {
            let s = call.refuse(s);
            call.finish(0, 0, s.code());
            return Err(s);
        }
        // Small: a client that stops reading stops the server reading its documents.
        let (tx, rx) = mpsc::channel(4);
        let res = call.respond(ReceiverStream::new(rx));
        let service = self.clone();
        let input = request.into_inner();
        // tonic enforces `grpc-timeout` only until the response headers; the stream
        // itself is held to the deadline here.
        let deadline = call
            .deadline
            .map(|d| tokio::time::Instant::from_std(call.started) + d);
        tokio::spawn(
            async move {
                let (documents, sentences, code) =
                    service.stream_documents(input, tx, deadline).await;
                call.finish(documents, sentences, code);
            }
            .instrument(span),
        );
        Ok(res)
    }

    async fn get_model_info(
        &self,
        request: Request<pb::GetModelInfoRequest>,
    ) -> Result<Response<pb::ModelInfo>, Status> {
        let call = self.call("GetModelInfo", request.metadata());
        if let Err(s) = self.shared.tokens.check_client(request.metadata()) {
            let s = call.refuse(s);
            call.finish(0, 0, s.code());
            return Err(s);
        }
        let res = call.respond(pb::ModelInfo::from(self.pipeline().meta()));
        call.finish(0, 0, Code::Ok);
        Ok(res)
    }

    async fn reload_model(
        &self,
        request: Request<pb::ReloadModelRequest>,
    ) -> Result<Response<pb::ModelInfo>, Status> {
        let call = self.call("ReloadModel", request.metadata());
        let span = call.span.clone();
        async move {
            let result = match self.shared.tokens.check_admin(request.metadata()) {
                Ok(()) => {
                    let path = request.into_inner().path;
                    self.reload_from((!path.is_empty()).then(|| PathBuf::from(path)))
                        .await
                }
                Err(s) => Err(s),
            };
            match result {
                Ok(info) => {
                    let res = call.respond(info);
                    call.finish(0, 0, Code::Ok);
                    Ok(res)
                }
                Err(s) => {
                    let s = call.refuse(s);
                    call.finish(0, 0, s.code());
                    Err(s)
                }
            }
        }
        .instrument(span)
        .await
    }
}

impl NewsRolesService {
    /// The largest document text the server takes, in bytes.
    pub(super) fn max_text_bytes(&self) -> usize {
        self.shared.config.max_text_bytes
    }

    /// One pasted text for the HTML view: the client token (from the request's
    /// `authorization` header) and the text limit checked as for `Classify`, then
    /// analysed on the pool (push-back when its line is full). Logged and counted as
    /// method `View`. Returns the analysis with the text it indexes.
    pub(super) async fn analyze_for_view(
        &self,
        metadata: &MetadataMap,
        text: String,
    ) -> Result<(dom::Analysis, String), Status> {
        let call = self.call("View", metadata);
        let result = async {
            self.shared.tokens.check_client(metadata)?;
            let max = self.shared.config.max_text_bytes;
            if text.len() > max {
                return Err(Status::resource_exhausted(format!(
                    "text is {} bytes, over the limit of {max}",
                    text.len()
                )));
            }
            let pipeline = self.pipeline();
            let doc = dom::Document {
                id: "pasted text".into(),
                text,
            };
            let limit = self.shared.config.max_analysis_time;
            let work = self.shared.pool.run(true, move || {
                let opts = AnalyzeOptions {
                    include_text: false,
                    ..AnalyzeOptions::default()
                };
                let a = pipeline.analyze_within(&doc, opts, &Budget::limited(limit));
                (a, doc.text)
            });
            match work.await? {
                Ok((Ok(a), text)) => Ok((a, text)),
                Ok((Err(e), _)) => Err(Status::from(e)),
                Err(Failed::Stopped) => Err(Status::unavailable("server is shutting down")),
                Err(Failed::Panicked) => {
                    tracing::error!("analysis task panicked");
                    Err(Status::internal("internal error; see the server log"))
                }
            }
        }
        .instrument(call.span.clone())
        .await;
        match &result {
            Ok((a, _)) => call.finish(1, a.sentences.len(), Code::Ok),
            Err(s) => call.finish(1, 0, s.code()),
        }
        result
    }

    async fn classify_documents(
        &self,
        documents: Vec<pb::Document>,
        opts: AnalyzeOptions,
    ) -> Result<Vec<pb::Analysis>, Status> {
        let config = &self.shared.config;
        limits::check_document_count(documents.len(), config.max_documents_per_request)?;
        for (i, doc) in documents.iter().enumerate() {
            if let Some(msg) = limits::text_too_long(i, doc, config.max_text_bytes) {
                return Err(Status::resource_exhausted(msg));
            }
        }
        let bytes = documents.iter().map(|d| d.text.len()).sum();
        let _held = hold_bytes(&self.shared.queued_bytes, bytes, config.max_queued_bytes)?;
        let pipeline = self.pipeline();
        let cancelled = Arc::new(AtomicBool::new(false));
        let _guard = CancelOnDrop(Arc::clone(&cancelled));
        let limit = config.max_analysis_time;
        let work = self.shared.pool.run(true, move || {
            analyze_all(documents, &cancelled, |doc| {
                let opts = options_for(opts, &doc);
                let budget = Budget::limited(limit).cancelled_by(Arc::clone(&cancelled));
                analyze_one(&pipeline, doc, opts, &budget)
            })
        });
        match work.await? {
            Ok(Some(analyses)) => Ok(analyses),
            Ok(None) => Err(Status::cancelled("request cancelled")),
            Err(Failed::Stopped) => Err(Status::unavailable("server is shutting down")),
            Err(Failed::Panicked) => {
                tracing::error!("analysis task panicked");
                Err(Status::internal("internal error; see the server log"))
            }
        }
    }

    /// Answers `input` in order into `tx`; returns (documents, sentences, final code).
    async fn stream_documents(
        &self,
        input: Streaming<pb::Document>,
        tx: mpsc::Sender<Result<pb::Analysis, Status>>,
        deadline: Option<tokio::time::Instant>,
    ) -> (usize, usize, Code) {
        let pipeline = self.pipeline();
        let max_text = self.shared.config.max_text_bytes;
        let max_message = self.shared.config.max_message_bytes;
        let limit = self.shared.config.max_analysis_time;
        let max_queued = self.shared.config.max_queued_bytes;
        let cancelled = Arc::new(AtomicBool::new(false));
        let _guard = CancelOnDrop(Arc::clone(&cancelled));
        // A few documents in flight per analysis thread keep the CPUs busy while the
        // order of the answers stays that of the requests, and bound what one stream
        // holds.
        let ahead = 2 * self.shared.config.max_concurrent_analyses.max(1);
        let answers = input
            .enumerate()
            .map(|(index, item)| {
                let (pool, pipeline, cancelled, queued) = (
                    Arc::clone(&self.shared.pool),
                    Arc::clone(&pipeline),
                    Arc::clone(&cancelled),
                    Arc::clone(&self.shared.queued_bytes),
                );
                async move {
                    let doc = item.map_err(|s| limits::client_status(s, max_message))?;
                    if let Some(msg) = limits::text_too_long(index, &doc, max_text) {
                        return Ok(pb::failed(doc.id, Code::ResourceExhausted, msg));
                    }
                    let id = doc.id.clone();
                    let _held = match hold_bytes(&queued, doc.text.len(), max_queued) {
                        Ok(h) => h,
                        Err(s) => return Ok(pb::failed(doc.id, s.code(), s.message())),
                    };
                    let work = pool.run(false, move || {
                        let opts = options_of(doc.options.as_ref());
                        let budget = Budget::limited(limit).cancelled_by(Arc::clone(&cancelled));
                        (!cancelled.load(Ordering::Relaxed))
                            .then(|| analyze_one(&pipeline, doc, opts, &budget))
                    });
                    match work.await? {
                        Ok(Some(analysis)) => Ok(analysis),
                        Ok(None) => Err(Status::cancelled("request cancelled")),
                        Err(Failed::Stopped) => Err(Status::unavailable("server is shutting down")),
                        Err(Failed::Panicked) => {
                            tracing::error!("analysis task panicked");
                            Ok(pb::failed(
                                id,
                                Code::Internal,
                                "internal error; see the server log",
                            ))
                        }
                    }
                }
            })
            .buffered(ahead);
        forward(answers, tx, deadline, &self.shared.metrics).await
    }

    /// Loads `path` (or the startup model file) and swaps it in; a file that does not
    /// load leaves the old model serving. Logged and counted either way.
    async fn reload_from(&self, path: Option<PathBuf>) -> Result<pb::ModelInfo, Status> {
        let result = self.reload_inner(path).await;
        let metrics = &self.shared.metrics;
        match &result {
            Ok(info) => {
                metrics.set_model(info);
                metrics.record_reload("ok");
                tracing::info!(
                    name = info.name,
                    version = info.version,
                    sha256 = info.sha256,
                    "model reloaded"
                );
            }
            Err(status) => {
                metrics.record_reload("error");
                tracing::warn!(
                    error = status.message(),
                    "reload failed; the old model keeps serving"
                );
            }
        }
        result
    }

    async fn reload_inner(&self, path: Option<PathBuf>) -> Result<pb::ModelInfo, Status> {
        let path = match path {
            Some(p) => p,
            None => self.shared.config.model_path.clone().ok_or_else(|| {
                Status::invalid_argument(
                    "no model path given, and the server has no startup model path",
                )
            })?,
        };
        let _one_at_a_time = self.shared.reload.lock().await;
        tracing::info!(path = %path.display(), "loading model");
        // Time-boxed: a slow disk must not hold the reload lock (and SIGHUP) forever.
        // (The file itself cannot block: only regular files of bounded size are read.)
        let load = tokio::task::spawn_blocking(move || Pipeline::load(&path));
        let loaded = tokio::time::timeout(RELOAD_TIMEOUT, load)
            .await
            .map_err(|_| {
                Status::deadline_exceeded(format!(
                    "loading the model took over {} s; the old model keeps serving",
                    RELOAD_TIMEOUT.as_secs()
                ))
            })?
            .map_err(|e| {
                tracing::error!(error = %e, "model loading task failed");
                Status::internal("internal error; see the server log")
            })?;
        let pipeline = Arc::new(loaded.map_err(Status::from)?);
        let info = pb::ModelInfo::from(pipeline.meta());
        *self
            .shared
            .pipeline
            .write()
            .unwrap_or_else(|e| e.into_inner()) = pipeline;
        Ok(info)
    }
}

/// Sends each answer on; stops after a stream-level error, at the deadline, or as soon
/// as the client is gone (then the work still queued is dropped and running work stops).
async fn forward(
    answers: impl Stream<Item = Result<pb::Analysis, Status>>,
    tx: mpsc::Sender<Result<pb::Analysis, Status>>,
    deadline: Option<tokio::time::Instant>,
    metrics: &Metrics,
) -> (usize, usize, Code) {
    futures::pin_mut!(answers);
    let expired = async {
        match deadline {
            Some(d) => tokio::time::sleep_until(d).await,
            None => futures::future::pending().await,
        }
    };
    futures::pin_mut!(expired);
    let (mut documents, mut sentences) = (0, 0);
    loop {
        let answer = tokio::select! {
            () = tx.closed() => return (documents, sentences, Code::Cancelled),
            () = &mut expired => {
                // The client is likely gone already; if not, it learns why the stream ended.
                let _ = tx.try_send(Err(Status::deadline_exceeded("deadline exceeded")));
                return (documents, sentences, Code::DeadlineExceeded);
            }
            next = answers.next() => match next {
                Some(answer) => answer,
                None => return (documents, sentences, Code::Ok),
            },
        };
        let code = match &answer {
            Ok(a) => {
                documents += 1;
                sentences += a.sentences.len();
                metrics.record_analyses([a]);
                Code::Ok
            }
            Err(status) => status.code(),
        };
        if tx.send(answer).await.is_err() {
            return (documents, sentences, Code::Cancelled);
        }
        if code != Code::Ok {
            return (documents, sentences, code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str) -> pb::Document {
        pb::Document {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }

    #[test]
    fn cancelled_work_stops_between_documents() {
        let docs = vec![doc("1", "One."), doc("2", "Two."), doc("3", "Three.")];
        let flag = AtomicBool::new(false);
        let mut seen = Vec::new();
        // The client goes away while document 2 is being analysed: 3 is never started.
        let out = analyze_all(docs.clone(), &flag, |d| {
            seen.push(d.id.clone());
            if d.id == "2" {
                flag.store(true, Ordering::Relaxed);
            }
            pb::Analysis {
                id: d.id,
                ..Default::default()
            }
        });
        assert!(out.is_none());
        assert_eq!(seen, ["1", "2"]);
        let all = analyze_all(docs, &AtomicBool::new(false), |d| pb::Analysis {
            id: d.id,
            ..Default::default()
        });
        let ids: Vec<_> = all.unwrap_or_default().into_iter().map(|a| a.id).collect();
        assert_eq!(ids, ["1", "2", "3"]);
    }

    #[test]
    fn queued_bytes_are_bounded_and_given_back() {
        let counter = Arc::new(AtomicUsize::new(0));
        // One call alone always fits, however large.
        let a = hold_bytes(&counter, 700, 500).expect("alone");
        let s = hold_bytes(&counter, 10, 500).err().expect("over the bound");
        assert_eq!(s.code(), Code::Unavailable);
        assert!(s.message().contains("max_queued_bytes"), "{}", s.message());
        assert_eq!(
            counter.load(Ordering::Relaxed),
            700,
            "a refusal holds nothing"
        );
        drop(a);
        let b = hold_bytes(&counter, 300, 500).expect("room again");
        let c = hold_bytes(&counter, 200, 500).expect("up to the bound");
        assert!(hold_bytes(&counter, 1, 500).is_err());
        drop((b, c));
        assert_eq!(counter.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn config_debug_hides_the_tokens_and_key() {
        let c = ServiceConfig {
            admin_token: Some("hunter2".into()),
            auth_token: Some("swordfish".into()),
            tls: Some(TlsIdentity {
                cert_pem: b"CERT".to_vec(),
                key_pem: b"PRIVATE".to_vec(),
            }),
            ..Default::default()
        };
        let text = format!("{c:?}");
        for secret in ["hunter2", "swordfish", "PRIVATE"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert_eq!(ServiceConfig::default().max_text_bytes, 2 * 1024 * 1024);
    }

    #[test]
    fn grpc_timeouts_parse() {
        let md = |v: &str| {
            let mut m = MetadataMap::new();
            if let Ok(v) = v.parse() {
                m.insert("grpc-timeout", v);
            }
            m
        };
        assert_eq!(grpc_timeout(&md("100m")), Some(Duration::from_millis(100)));
        assert_eq!(grpc_timeout(&md("5S")), Some(Duration::from_secs(5)));
        assert_eq!(grpc_timeout(&md("2M")), Some(Duration::from_secs(120)));
        assert_eq!(grpc_timeout(&md("7x")), None);
        assert_eq!(grpc_timeout(&md("")), None);
        assert_eq!(grpc_timeout(&MetadataMap::new()), None);
    }

    #[test]
    fn request_ids_are_kept_or_made() {
        let mut md = MetadataMap::new();
        md.insert(
            "x-request-id",
            "abc-1".parse().unwrap_or_else(|_| unreachable!()),
        );
        assert_eq!(request_id(&md), "abc-1");
        let (a, b) = (
            request_id(&MetadataMap::new()),
            request_id(&MetadataMap::new()),
        );
        assert_ne!(a, b);
    }
}

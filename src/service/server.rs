//! The gRPC server: the `NewsRoles` handlers, request limits, admin auth, hot model
//! reload, and the tonic server around them (health, reflection, compression,
//! graceful shutdown).
//!
//! Analysis is CPU-bound, so it never runs on the async runtime: every piece of it
//! goes to `spawn_blocking` holding a permit of one semaphore of
//! `max_concurrent_analyses`, which bounds CPU use across all requests.

use super::pb::{self, news_roles_server::NewsRoles, news_roles_server::NewsRolesServer};
use crate::document as dom;
use crate::{Error, Pipeline};
use futures::{Stream, StreamExt};
use std::future::Future;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Mutex, OwnedSemaphorePermit, Semaphore};
use tokio_stream::wrappers::ReceiverStream;
use tonic::codec::CompressionEncoding;
use tonic::metadata::MetadataMap;
use tonic::transport::server::TcpIncoming;
use tonic::{Code, Request, Response, Status, Streaming};
use tracing::{field, Instrument};

/// Limits and admin settings of the server.
///
/// | name | default | meaning |
/// | --- | --- | --- |
/// | `max_documents_per_request` | 256 | documents in one `Classify` request |
/// | `max_text_bytes` | 2 MiB | UTF-8 bytes of one document's text |
/// | `max_message_bytes` | 16 MiB | one decoded request message |
/// | `max_concurrent_analyses` | CPU cores | analyses running at once, all requests together |
/// | `admin_token` | none | bearer token for `ReloadModel`; none disables reload |
/// | `model_path` | none | the file `ReloadModel` reads when the request names none |
#[derive(Clone)]
pub struct ServiceConfig {
    pub max_documents_per_request: usize,
    pub max_text_bytes: usize,
    pub max_message_bytes: usize,
    pub max_concurrent_analyses: usize,
    pub admin_token: Option<String>,
    pub model_path: Option<PathBuf>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            max_documents_per_request: 256,
            max_text_bytes: 2 << 20,
            max_message_bytes: 16 << 20,
            max_concurrent_analyses: std::thread::available_parallelism().map_or(1, |n| n.get()),
            admin_token: None,
            model_path: None,
        }
    }
}

// Hand-written so the admin token never reaches a log.
impl std::fmt::Debug for ServiceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceConfig")
            .field("max_documents_per_request", &self.max_documents_per_request)
            .field("max_text_bytes", &self.max_text_bytes)
            .field("max_message_bytes", &self.max_message_bytes)
            .field("max_concurrent_analyses", &self.max_concurrent_analyses)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<redacted>"),
            )
            .field("model_path", &self.model_path)
            .finish()
    }
}

/// What the CLI's `serve` command passes to [`run`].
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub model: PathBuf,
    pub config: ServiceConfig,
}

/// Loads the model, binds `opts.addr`, prints `newsroles: listening on ADDR` (the
/// actual address, so port 0 works) as the one line on stdout, and serves until
/// Ctrl-C or SIGTERM, then finishes in-flight requests and returns.
///
/// # Errors
/// The model cannot be loaded, the address cannot be bound, or the server fails.
pub async fn run(opts: ServeOptions) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;

    let ServeOptions {
        addr,
        model,
        mut config,
    } = opts;
    // Listen for signals before announcing the port: a SIGTERM sent right after the
    // announcement must shut down gracefully, not kill the process.
    let shutdown = shutdown_signal()?;
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
    let mut out = std::io::stdout().lock();
    writeln!(out, "newsroles: listening on {local}")
        .and_then(|()| out.flush())
        .context("stdout")?;
    drop(out);
    tracing::info!(addr = %local, model = pipeline.meta().name, "serving");
    serve(listener, Arc::new(pipeline), config, shutdown).await?;
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
/// [`Error::Io`] naming the listen address when the transport fails.
pub async fn serve(
    listener: TcpListener,
    pipeline: Arc<Pipeline>,
    config: ServiceConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> crate::Result<()> {
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("listener", e))?;
    let transport_error = |e: Box<dyn std::error::Error + Send + Sync>| {
        Error::io(addr.to_string(), std::io::Error::other(e))
    };
    let max_message = config.max_message_bytes;
    let news = compressed!(NewsRolesServer::new(NewsRolesService::new(
        pipeline, config
    )))
    .max_decoding_message_size(max_message);

    let (reporter, health) = tonic_health::server::health_reporter();
    reporter
        .set_serving::<NewsRolesServer<NewsRolesService>>()
        .await;
    let health = compressed!(health);

    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1 = compressed!(reflection()
        .build_v1()
        .map_err(|e| transport_error(e.into()))?);
    // grpcurl before 1.9 and grpcio-reflection's client still speak v1alpha.
    let reflection_v1alpha = compressed!(reflection()
        .build_v1alpha()
        .map_err(|e| transport_error(e.into()))?);

    let signal = async move {
        shutdown.await;
        reporter
            .set_not_serving::<NewsRolesServer<NewsRolesService>>()
            .await;
        reporter
            .set_service_status("", tonic_health::ServingStatus::NotServing)
            .await;
        tracing::info!("stopped accepting; finishing in-flight calls");
    };
    tonic::transport::Server::builder()
        .add_service(news)
        .add_service(health)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .serve_with_incoming_shutdown(TcpIncoming::from(listener), signal)
        .await
        .map_err(|e| transport_error(e.into()))
}

/// The `NewsRoles` handlers; cheap to clone.
#[derive(Clone)]
pub struct NewsRolesService {
    shared: Arc<Shared>,
}

struct Shared {
    /// Swapped whole by `ReloadModel`; each request clones the `Arc` once at its start,
    /// so in-flight requests finish on the model they started with.
    pipeline: RwLock<Arc<Pipeline>>,
    permits: Arc<Semaphore>,
    /// One reload at a time: two concurrent loads would hold two models in memory.
    reload: Mutex<()>,
    config: ServiceConfig,
}

impl NewsRolesService {
    fn new(pipeline: Arc<Pipeline>, config: ServiceConfig) -> Self {
        // Zero permits would hang every request.
        let permits = Arc::new(Semaphore::new(config.max_concurrent_analyses.max(1)));
        let shared = Shared {
            pipeline: RwLock::new(pipeline),
            permits,
            reload: Mutex::new(()),
            config,
        };
        NewsRolesService {
            shared: Arc::new(shared),
        }
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

    async fn permit(&self) -> Result<OwnedSemaphorePermit, Status> {
        Arc::clone(&self.shared.permits)
            .acquire_owned()
            .await
            .map_err(|_| Status::unavailable("server is shutting down"))
    }
}

/// `ReloadModel` requires `authorization: Bearer <admin token>`; without a configured
/// (non-empty) token, reload is disabled.
fn authorize(admin_token: Option<&str>, metadata: &MetadataMap) -> Result<(), Status> {
    let Some(expected) = admin_token.filter(|t| !t.is_empty()) else {
        return Err(Status::permission_denied(
            "model reload is disabled: start the server with an admin token",
        ));
    };
    let header = metadata.get("authorization").and_then(|v| v.to_str().ok());
    match header.and_then(bearer_token) {
        Some(given) if constant_time_eq(given.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(Status::unauthenticated("wrong admin token")),
        None => Err(Status::unauthenticated(
            "model reload needs the metadata `authorization: Bearer <admin token>`",
        )),
    }
}

/// The token of an `authorization` value of the form `Bearer <token>` (scheme
/// case-insensitive, RFC 6750).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Compares without an early exit, so response time does not reveal how much of a
/// guessed token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// RESOURCE_EXHAUSTED when a request has more documents than allowed; INVALID_ARGUMENT
/// when it has none.
fn check_document_count(n: usize, max: usize) -> Result<(), Status> {
    if n == 0 {
        return Err(Status::invalid_argument("request has no documents"));
    }
    if n > max {
        return Err(Status::resource_exhausted(format!(
            "request has {n} documents, over the limit of {max} (max_documents_per_request)"
        )));
    }
    Ok(())
}

/// The message for a document whose text is over `max_text_bytes`, if it is.
fn text_too_long(index: usize, doc: &pb::Document, max: usize) -> Option<String> {
    let len = doc.text.len();
    (len > max).then(|| {
        let which = if doc.id.is_empty() {
            format!("document {index}")
        } else {
            format!("document {index} (id {:?})", doc.id)
        };
        format!("{which} has {len} bytes of text, over the limit of {max} (max_text_bytes)")
    })
}

/// Analyses one document; a failure, even a panic in the pipeline, becomes that
/// document's `error` instead of failing its neighbours.
fn analyze_one(pipeline: &Pipeline, doc: pb::Document, include_text: bool) -> pb::Analysis {
    let doc = dom::Document::from(doc);
    match catch_unwind(AssertUnwindSafe(|| pipeline.analyze(&doc))) {
        Ok(Ok(mut a)) => {
            a.id = doc.id; // the contract echoes the id whatever the pipeline did
            pb::analysis(a, include_text)
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

fn rpc_span(method: &'static str) -> tracing::Span {
    tracing::info_span!(
        "rpc",
        method,
        documents = field::Empty,
        sentences = field::Empty,
        latency_ms = field::Empty,
        code = field::Empty,
    )
}

/// Records a finished call on the current span and logs it.
fn log_done(started: Instant, documents: usize, sentences: usize, code: Code) {
    let span = tracing::Span::current();
    let latency_ms = started.elapsed().as_secs_f64() * 1e3;
    span.record("documents", documents);
    span.record("sentences", sentences);
    span.record("latency_ms", latency_ms);
    span.record("code", super::status::code_name(code));
    tracing::info!(documents, sentences, latency_ms, "done");
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
        let started = Instant::now();
        async move {
            let pb::ClassifyRequest { documents, options } = request.into_inner();
            let n = documents.len();
            let result = self
                .classify_documents(documents, options.is_some_and(|o| o.include_text))
                .await;
            let (sentences, code) = match &result {
                Ok(analyses) => (sentence_count(analyses), Code::Ok),
                Err(status) => (0, status.code()),
            };
            log_done(started, n, sentences, code);
            result.map(|analyses| Response::new(pb::ClassifyResponse { analyses }))
        }
        .instrument(rpc_span("Classify"))
        .await
    }

    type ClassifyStreamStream = ReceiverStream<Result<pb::Analysis, Status>>;

    async fn classify_stream(
        &self,
        request: Request<Streaming<pb::Document>>,
    ) -> Result<Response<Self::ClassifyStreamStream>, Status> {
        // Small: a client that stops reading stops the server reading its documents.
        let (tx, rx) = mpsc::channel(4);
        let service = self.clone();
        let input = request.into_inner();
        tokio::spawn(
            async move {
                let started = Instant::now();
                let (documents, sentences, code) = service.stream_documents(input, tx).await;
                log_done(started, documents, sentences, code);
            }
            .instrument(rpc_span("ClassifyStream")),
        );
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    async fn get_model_info(
        &self,
        _request: Request<pb::GetModelInfoRequest>,
    ) -> Result<Response<pb::ModelInfo>, Status> {
        let _span = rpc_span("GetModelInfo").entered();
        Ok(Response::new(pb::ModelInfo::from(self.pipeline().meta())))
    }

    async fn reload_model(
        &self,
        request: Request<pb::ReloadModelRequest>,
    ) -> Result<Response<pb::ModelInfo>, Status> {
        let started = Instant::now();
        async move {
            let result = self.reload(request).await;
            log_done(
                started,
                0,
                0,
                result.as_ref().map_or_else(Status::code, |_| Code::Ok),
            );
            result.map(Response::new)
        }
        .instrument(rpc_span("ReloadModel"))
        .await
    }
}

impl NewsRolesService {
    async fn classify_documents(
        &self,
        documents: Vec<pb::Document>,
        include_text: bool,
    ) -> Result<Vec<pb::Analysis>, Status> {
        let config = &self.shared.config;
        check_document_count(documents.len(), config.max_documents_per_request)?;
        for (i, doc) in documents.iter().enumerate() {
            if let Some(msg) = text_too_long(i, doc, config.max_text_bytes) {
                return Err(Status::resource_exhausted(msg));
            }
        }
        let pipeline = self.pipeline();
        let permit = self.permit().await?;
        let cancelled = Arc::new(AtomicBool::new(false));
        let _guard = CancelOnDrop(Arc::clone(&cancelled));
        let work = tokio::task::spawn_blocking(move || {
            let _permit = permit; // held until the CPU work is really done
            analyze_all(documents, &cancelled, |doc| {
                analyze_one(&pipeline, doc, include_text)
            })
        });
        match work.await {
            Ok(Some(analyses)) => Ok(analyses),
            Ok(None) => Err(Status::cancelled("request cancelled")),
            Err(e) => {
                tracing::error!(error = %e, "analysis task failed");
                Err(Status::internal("internal error; see the server log"))
            }
        }
    }

    /// Answers `input` in order into `tx`; returns (documents, sentences, final code).
    async fn stream_documents(
        &self,
        input: Streaming<pb::Document>,
        tx: mpsc::Sender<Result<pb::Analysis, Status>>,
    ) -> (usize, usize, Code) {
        let pipeline = self.pipeline();
        let max_text = self.shared.config.max_text_bytes;
        let cancelled = Arc::new(AtomicBool::new(false));
        let _guard = CancelOnDrop(Arc::clone(&cancelled));
        // A few documents in flight per permit keep the CPUs busy while the order of the
        // answers stays that of the requests.
        let ahead = 2 * self.shared.config.max_concurrent_analyses.max(1);
        let answers = input
            .enumerate()
            .map(|(index, item)| {
                let (service, pipeline, cancelled) =
                    (self.clone(), Arc::clone(&pipeline), Arc::clone(&cancelled));
                async move {
                    let doc = item?;
                    if let Some(msg) = text_too_long(index, &doc, max_text) {
                        return Ok(pb::failed(doc.id, Code::ResourceExhausted, msg));
                    }
                    let permit = service.permit().await?;
                    let id = doc.id.clone();
                    let work = tokio::task::spawn_blocking(move || {
                        let _permit = permit;
                        (!cancelled.load(Ordering::Relaxed))
                            .then(|| analyze_one(&pipeline, doc, false))
                    });
                    match work.await {
                        Ok(Some(analysis)) => Ok(analysis),
                        Ok(None) => Err(Status::cancelled("request cancelled")),
                        Err(e) => {
                            tracing::error!(error = %e, "analysis task failed");
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
        forward(answers, tx).await
    }

    async fn reload(
        &self,
        request: Request<pb::ReloadModelRequest>,
    ) -> Result<pb::ModelInfo, Status> {
        authorize(
            self.shared.config.admin_token.as_deref(),
            request.metadata(),
        )?;
        let requested = request.into_inner().path;
        let path = if requested.is_empty() {
            self.shared.config.model_path.clone().ok_or_else(|| {
                Status::invalid_argument(
                    "no model path given, and the server has no startup model path",
                )
            })?
        } else {
            PathBuf::from(requested)
        };
        let _one_at_a_time = self.shared.reload.lock().await;
        tracing::info!(path = %path.display(), "loading model");
        let loaded = tokio::task::spawn_blocking(move || Pipeline::load(&path))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "model loading task failed");
                Status::internal("internal error; see the server log")
            })?;
        let pipeline = Arc::new(loaded.map_err(|e| {
            tracing::warn!(error = %e, "reload failed; the old model keeps serving");
            Status::from(e)
        })?);
        let info = pb::ModelInfo::from(pipeline.meta());
        *self
            .shared
            .pipeline
            .write()
            .unwrap_or_else(|e| e.into_inner()) = pipeline;
        tracing::info!(
            name = info.name,
            version = info.version,
            sha256 = info.sha256,
            "model reloaded"
        );
        Ok(info)
    }
}

/// Sends each answer on; stops after a stream-level error or when the client is gone.
async fn forward(
    answers: impl Stream<Item = Result<pb::Analysis, Status>>,
    tx: mpsc::Sender<Result<pb::Analysis, Status>>,
) -> (usize, usize, Code) {
    futures::pin_mut!(answers);
    let (mut documents, mut sentences) = (0, 0);
    while let Some(answer) = answers.next().await {
        let code = match &answer {
            Ok(a) => {
                documents += 1;
                sentences += a.sentences.len();
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
    (documents, sentences, Code::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str) -> pb::Document {
        pb::Document {
            id: id.into(),
            text: text.into(),
        }
    }

    #[test]
    fn document_count_limits() {
        assert_eq!(
            check_document_count(0, 4).map_err(|s| s.code()),
            Err(Code::InvalidArgument)
        );
        assert!(check_document_count(4, 4).is_ok());
        let s = check_document_count(300, 256)
            .err()
            .unwrap_or_else(|| Status::ok(""));
        assert_eq!(s.code(), Code::ResourceExhausted);
        assert_eq!(
            s.message(),
            "request has 300 documents, over the limit of 256 (max_documents_per_request)"
        );
    }

    #[test]
    fn text_limit_names_the_document_and_sizes() {
        assert_eq!(text_too_long(0, &doc("a", "12345"), 5), None);
        let msg = text_too_long(3, &doc("big", "123456"), 5).unwrap_or_default();
        assert_eq!(
            msg,
            "document 3 (id \"big\") has 6 bytes of text, over the limit of 5 (max_text_bytes)"
        );
        let msg = text_too_long(1, &doc("", "é"), 1).unwrap_or_default();
        assert!(msg.starts_with("document 1 has 2 bytes"), "{msg}");
    }

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer_token("Bearer s3cret"), Some("s3cret"));
        assert_eq!(bearer_token("bearer  s3cret "), Some("s3cret"));
        assert_eq!(bearer_token("Basic s3cret"), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    fn with_auth(value: &str) -> MetadataMap {
        let mut md = MetadataMap::new();
        if let Ok(v) = value.parse() {
            md.insert("authorization", v);
        }
        md
    }

    #[test]
    fn reload_auth() {
        let code = |token, md: &MetadataMap| authorize(token, md).err().map(|e| e.code());
        assert_eq!(
            code(None, &with_auth("Bearer x")),
            Some(Code::PermissionDenied)
        );
        assert_eq!(
            code(Some(""), &with_auth("Bearer ")),
            Some(Code::PermissionDenied)
        );
        let tok = Some("tok");
        assert_eq!(code(tok, &MetadataMap::new()), Some(Code::Unauthenticated));
        assert_eq!(
            code(tok, &with_auth("Bearer nope")),
            Some(Code::Unauthenticated)
        );
        assert_eq!(code(tok, &with_auth("tok")), Some(Code::Unauthenticated));
        assert_eq!(code(tok, &with_auth("Bearer tok")), None);
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
    fn config_debug_hides_the_token() {
        let c = ServiceConfig {
            admin_token: Some("hunter2".into()),
            ..Default::default()
        };
        assert!(!format!("{c:?}").contains("hunter2"));
        assert_eq!(ServiceConfig::default().max_text_bytes, 2 * 1024 * 1024);
    }
}

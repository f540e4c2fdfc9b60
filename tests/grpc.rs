//! End to end over gRPC: the real server on a `127.0.0.1:0` listener in the test's
//! runtime, called by real tonic clients (NewsRoles, health, reflection), with its
//! metrics scraped over plain TCP; and the real binary for SIGHUP reload.

use crate::util;
use newsroles::service::pb::{self, news_roles_client::NewsRolesClient};
use newsroles::service::{serve_with_metrics, ServiceConfig, TlsIdentity};
use newsroles::Pipeline;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::{Certificate, Channel, ClientTlsConfig};
use tonic::{Code, Request};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type BoxError = Box<dyn std::error::Error>;

/// A server running in this test's runtime, stopped by [`Server::stop`].
struct Server {
    addr: SocketAddr,
    metrics_addr: SocketAddr,
    channel: Channel,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<newsroles::Result<()>>,
}

impl Server {
    async fn start(config: ServiceConfig) -> Result<Server, BoxError> {
        Server::start_with(config, None).await
    }

    /// With `tls_ca`, the client trusts that PEM certificate and expects "localhost".
    async fn start_with(config: ServiceConfig, tls_ca: Option<&[u8]>) -> Result<Server, BoxError> {
        let pipeline = Arc::new(Pipeline::load(&util::default_model())?);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let (addr, metrics_addr) = (listener.local_addr()?, metrics.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_with_metrics(
            listener,
            metrics,
            pipeline,
            config,
            async {
                let _ = stopped.await;
            },
        ));
        // The listener is already bound, so connecting cannot race the server start.
        let channel = match tls_ca {
            None => {
                Channel::from_shared(format!("http://{addr}"))?
                    .connect()
                    .await?
            }
            Some(ca) => {
                let tls = ClientTlsConfig::new()
                    .ca_certificate(Certificate::from_pem(ca))
                    .domain_name("localhost");
                Channel::from_shared(format!("https://{addr}"))?
                    .tls_config(tls)?
                    .connect()
                    .await?
            }
        };
        Ok(Server {
            addr,
            metrics_addr,
            channel,
            stop: Some(stop),
            task,
        })
    }

    fn client(&self) -> NewsRolesClient<Channel> {
        NewsRolesClient::new(self.channel.clone())
    }

    /// Triggers graceful shutdown without waiting for it.
    fn trigger_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    async fn stop(mut self) -> TestResult {
        self.trigger_stop();
        drop(self.channel);
        self.task.await??;
        Ok(())
    }

    async fn metrics(&self) -> Result<String, BoxError> {
        scrape(self.metrics_addr, "/metrics").await
    }

    /// Polls the metrics until `series` (a full series name with labels) has `value`.
    async fn wait_for(&self, series: &str, value: f64) -> TestResult {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.metrics().await?;
            if metric(&text, series) == Some(value) {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("{series} never became {value}:\n{text}").into());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// The body of `GET path` on `addr`, over plain TCP (what Prometheus does); fails
/// unless the status is 200.
async fn scrape(addr: SocketAddr, path: &str) -> Result<String, BoxError> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n").as_bytes())
        .await?;
    let mut response = String::new();
    s.read_to_string(&mut response).await?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or("no end of the HTTP head")?;
    if !head.starts_with("HTTP/1.1 200 ") {
        return Err(format!("GET {path}: {head}").into());
    }
    Ok(body.to_string())
}

/// The value of one series line (`name{labels} value`) in a text exposition.
fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn doc(id: &str, text: &str) -> pb::Document {
    pb::Document {
        id: id.into(),
        text: text.into(),
        ..Default::default()
    }
}

fn request(documents: Vec<pb::Document>) -> pb::ClassifyRequest {
    pb::ClassifyRequest {
        documents,
        options: Some(pb::ClassifyOptions {
            include_text: true,
            ..Default::default()
        }),
    }
}

const ARTICLE: &str = "The city council approved a new budget for public transport on Tuesday \
evening, after a debate that lasted six hours.\n\n\
\"This is the biggest investment in buses in a generation,\" she said, adding that fares \
would stay the same.\n\n\
Transport minister Paul Okafor said that the government would match the funding next year.\n\n\
The city has about 1.2 million inhabitants and its bus network dates from the 1970s.";

/// No-break spaces and curly quotes, as wire copy has them.
const TYPESET: &str = "Mayor Lena\u{a0}Berg visited the flooded district on Monday.\n\n\
\u{201c}We will rebuild every house,\u{201d} Berg told reporters.";

/// Slices `text` by a code-point span, failing on a span out of bounds or reversed.
fn slice(text: &str, span: Option<&pb::Span>) -> Result<String, String> {
    let s = span.ok_or("span missing")?;
    let (start, end) = (s.start as usize, s.end as usize);
    let n = text.chars().count();
    if start > end || end > n {
        return Err(format!(
            "span {start}..{end} out of bounds of {n} code points"
        ));
    }
    Ok(text.chars().skip(start).take(end - start).collect())
}

/// Every span of `a` slices `text`; reported texts equal those slices; sentences are
/// sorted and disjoint, with a set role and scores summing to one.
fn check_analysis(text: &str, a: &pb::Analysis) {
    assert!(
        a.error.is_none(),
        "{}: unexpected error {:?}",
        a.id,
        a.error
    );
    let mut last_end = 0;
    for s in &a.sentences {
        let sliced =
            slice(text, s.span.as_ref()).unwrap_or_else(|e| panic!("{}: sentence {e}", a.id));
        assert_eq!(
            s.text, sliced,
            "{}: sentence text differs from its span",
            a.id
        );
        assert!(
            !sliced.trim().is_empty(),
            "{}: empty sentence {:?}",
            a.id,
            s.span
        );
        let start = s.span.map_or(0, |x| x.start);
        assert!(
            start >= last_end,
            "{}: sentences overlap or are unsorted",
            a.id
        );
        last_end = s.span.map_or(0, |x| x.end);
        assert_ne!(
            s.role(),
            pb::Role::Unspecified,
            "{}: {sliced:?} has no role",
            a.id
        );
        let sc = s.scores.unwrap_or_default();
        let sum = sc.quote + sc.claim + sc.event + sc.background;
        assert!((sum - 1.0).abs() < 1e-3, "{}: scores sum to {sum}", a.id);
        assert!(s.confidence > 0.0 && s.confidence <= 1.0 + 1e-6);
        if let Some(sp) = &s.speaker {
            assert_eq!(
                slice(text, sp.span.as_ref()).as_deref(),
                Ok(sp.text.as_str())
            );
        }
    }
    for q in &a.quotes {
        let sliced = slice(text, q.span.as_ref()).unwrap_or_else(|e| panic!("{}: quote {e}", a.id));
        assert_eq!(q.text, sliced, "{}: quote text differs from its span", a.id);
        assert_ne!(q.kind(), pb::QuoteKind::Unspecified);
        if let Some(c) = &q.cue {
            assert_eq!(slice(text, c.span.as_ref()).as_deref(), Ok(c.text.as_str()));
        }
        if let Some(sp) = &q.speaker {
            assert_eq!(
                slice(text, sp.span.as_ref()).as_deref(),
                Ok(sp.text.as_str())
            );
        }
    }
}

/// The direct quote of `a` whose content contains `words`.
fn direct_quote<'a>(a: &'a pb::Analysis, words: &str) -> Option<&'a pb::Quote> {
    a.quotes
        .iter()
        .find(|q| q.kind() == pb::QuoteKind::Direct && q.text.contains(words))
}

#[tokio::test]
async fn classify_three_documents() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let docs = vec![
        doc("article", ARTICLE),
        doc("empty", ""),
        doc("typeset", TYPESET),
    ];
    let texts: Vec<String> = docs
        .iter()
        .map(|d| String::from_utf8_lossy(&d.text).into_owned())
        .collect();
    let res = server.client().classify(request(docs)).await?.into_inner();

    let ids: Vec<_> = res.analyses.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["article", "empty", "typeset"]);
    for (a, text) in res.analyses.iter().zip(&texts) {
        check_analysis(text, a);
    }
    let [article, empty, typeset] = &res.analyses[..] else {
        unreachable!()
    };
    assert!(article.sentences.len() >= 4, "{:#?}", article.sentences);
    assert!(empty.sentences.is_empty() && empty.quotes.is_empty());
    assert!(typeset.sentences.len() >= 2, "{:#?}", typeset.sentences);

    let q = direct_quote(article, "biggest investment in buses");
    assert!(q.is_some(), "direct quote not found: {:#?}", article.quotes);
    let q = direct_quote(typeset, "We will rebuild every house");
    assert!(
        q.is_some(),
        "curly-quoted quote not found: {:#?}",
        typeset.quotes
    );
    server.stop().await
}

#[tokio::test]
async fn classify_without_include_text_gives_spans_only() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let req = pb::ClassifyRequest {
        documents: vec![doc("a", ARTICLE)],
        options: None,
    };
    let res = server.client().classify(req).await?.into_inner();
    let a = &res.analyses[0];
    assert!(!a.sentences.is_empty());
    assert!(a
        .sentences
        .iter()
        .all(|s| s.text.is_empty() && s.span.is_some()));
    assert!(a
        .quotes
        .iter()
        .all(|q| q.text.is_empty() && q.span.is_some()));
    server.stop().await
}

#[tokio::test]
async fn include_entities_adds_the_entity_layer_agreeing_with_speakers() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let text = "Mayor Lena Berg visited the flooded district on Monday. Her deputy stayed \
        in the city hall.\n\n\u{201c}We will rebuild every house,\u{201d} Berg told reporters.";
    let ask = |entities: bool| pb::ClassifyRequest {
        documents: vec![doc("a", text)],
        options: Some(pb::ClassifyOptions {
            include_entities: entities,
            ..Default::default()
        }),
    };
    let plain = server.client().classify(ask(false)).await?.into_inner();
    assert!(
        plain.analyses[0].entities.is_empty(),
        "entities only when asked for"
    );
    let res = server.client().classify(ask(true)).await?.into_inner();
    let a = &res.analyses[0];
    let berg = a
        .entities
        .iter()
        .find(|e| e.name == "Lena Berg")
        .ok_or_else(|| format!("no Lena Berg in {:?}", a.entities))?;
    assert_eq!(berg.kind, pb::EntityKind::Person as i32);
    let texts: Vec<String> = berg
        .mentions
        .iter()
        .map(|m| slice(text, m.span.as_ref()))
        .collect::<Result<_, _>>()?;
    for m in &berg.mentions {
        assert_eq!(slice(text, m.span.as_ref())?, m.text);
    }
    // The name, the possessive "Her" and the surname are one person.
    assert!(texts.iter().any(|t| t == "Her"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Berg"), "{texts:?}");
    // The quote's speaker entity is one of the layer's names.
    let q = a.quotes.first().ok_or("no quote")?;
    let entity = &q.speaker.as_ref().ok_or("no speaker")?.entity;
    assert!(a.entities.iter().any(|e| &e.name == entity), "{entity}");
    server.stop().await
}

#[tokio::test]
async fn include_attributions_adds_typed_non_speech_quotes() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let text = "Mayor Jane Doe said the road would reopen. A new poll shows that most \
                voters oppose the plan.";
    let types = |a: &pb::Analysis| a.quotes.iter().map(|q| q.r#type()).collect::<Vec<_>>();
    let mut req = request(vec![doc("a", text)]);
    let default = server.client().classify(req.clone()).await?.into_inner();
    assert_eq!(types(&default.analyses[0]), [pb::AttributionType::Speech]);
    req.options = Some(pb::ClassifyOptions {
        include_attributions: true,
        ..Default::default()
    });
    let all = server.client().classify(req).await?.into_inner();
    assert_eq!(
        types(&all.analyses[0]),
        [pb::AttributionType::Speech, pb::AttributionType::Document]
    );
    server.stop().await
}

/// Opens a bare HTTP/2 connection that sends nothing, and says whether the server
/// closed it within `wait`.
async fn closed_within(addr: SocketAddr, wait: Duration) -> Result<bool, BoxError> {
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    let (_send, connection) = h2::client::handshake(tcp).await?;
    Ok(tokio::time::timeout(wait, connection).await.is_ok())
}

#[tokio::test]
async fn an_old_connection_is_asked_to_reconnect() -> TestResult {
    // Without a maximum age an idle connection stays open.
    let server = Server::start(ServiceConfig::default()).await?;
    assert!(!closed_within(server.addr, Duration::from_millis(1500)).await?);
    server.stop().await?;
    // With one, the server sends GOAWAY and closes it, so DNS-balancing clients
    // reconnect and spread over replicas added since.
    let config = ServiceConfig {
        max_connection_age: Some(Duration::from_millis(300)),
        ..Default::default()
    };
    let server = Server::start(config).await?;
    assert!(closed_within(server.addr, Duration::from_secs(10)).await?);
    // (That clients reconnect without failing a call is tested with grpcio, whose
    // channels handle GOAWAY: tests/python/test_deploy.py.)
    server.stop().await
}

#[tokio::test]
async fn classify_stream_honours_each_documents_options() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let with_text = pb::Document {
        options: Some(pb::ClassifyOptions {
            include_text: true,
            ..Default::default()
        }),
        ..doc("text", ARTICLE)
    };
    let docs = vec![doc("spans", ARTICLE), with_text];
    let mut stream = server
        .client()
        .classify_stream(tokio_stream::iter(docs))
        .await?
        .into_inner();
    let (plain, texted) = (
        stream.message().await?.expect("first answer"),
        stream.message().await?.expect("second answer"),
    );
    assert!(plain.sentences.iter().all(|s| s.text.is_empty()));
    assert!(!texted.sentences.is_empty());
    // The text is the code-point slice of the document at the sentence's span.
    let chars: Vec<char> = ARTICLE.chars().collect();
    for s in &texted.sentences {
        let span = s.span.as_ref().expect("span");
        let slice: String = chars[span.start as usize..span.end as usize]
            .iter()
            .collect();
        assert_eq!(s.text, slice);
    }
    assert!(texted.quotes.iter().all(|q| !q.text.is_empty()));
    server.stop().await
}

#[tokio::test]
async fn classify_stream_keeps_order_and_isolates_a_too_large_document() -> TestResult {
    let config = ServiceConfig {
        max_text_bytes: 4096,
        ..Default::default()
    };
    let server = Server::start(config).await?;
    let docs: Vec<pb::Document> = (0..50)
        .map(|i| {
            let text = if i == 25 {
                "x".repeat(5000)
            } else {
                ARTICLE.replace("six", &i.to_string())
            };
            doc(&format!("doc-{i}"), &text)
        })
        .collect();
    let answers: Vec<pb::Analysis> = {
        let mut stream = server
            .client()
            .classify_stream(tokio_stream::iter(docs))
            .await?
            .into_inner();
        let mut out = Vec::new();
        while let Some(a) = stream.message().await? {
            out.push(a);
        }
        out
    };
    let ids: Vec<String> = answers.iter().map(|a| a.id.clone()).collect();
    let expected: Vec<String> = (0..50).map(|i| format!("doc-{i}")).collect();
    assert_eq!(ids, expected);
    for (i, a) in answers.iter().enumerate() {
        if i == 25 {
            let e = a.error.clone().unwrap_or_default();
            assert_eq!(e.code, "RESOURCE_EXHAUSTED");
            assert!(
                e.message.contains("5000") && e.message.contains("4096"),
                "{}",
                e.message
            );
            assert!(a.sentences.is_empty());
        } else {
            assert!(a.error.is_none(), "doc {i}: {:?}", a.error);
            assert!(!a.sentences.is_empty(), "doc {i} has no sentences");
        }
    }
    server.stop().await
}

/// Classify's status code and message for `docs` under `config`.
async fn classify_error(
    config: ServiceConfig,
    docs: Vec<pb::Document>,
) -> Result<(Code, String), Box<dyn std::error::Error>> {
    let server = Server::start(config).await?;
    let status = match server.client().classify(request(docs)).await {
        Ok(_) => return Err("the request should have been refused".into()),
        Err(s) => s,
    };
    server.stop().await?;
    Ok((status.code(), status.message().to_string()))
}

#[tokio::test]
async fn too_many_documents_is_resource_exhausted() -> TestResult {
    let config = ServiceConfig {
        max_documents_per_request: 4,
        ..Default::default()
    };
    let docs = (0..5).map(|i| doc(&i.to_string(), "A sentence.")).collect();
    let (code, msg) = classify_error(config, docs).await?;
    assert_eq!(code, Code::ResourceExhausted);
    assert!(
        msg.contains("max_documents_per_request") && msg.contains('4') && msg.contains('5'),
        "{msg}"
    );
    Ok(())
}

#[tokio::test]
async fn too_long_text_is_resource_exhausted() -> TestResult {
    let config = ServiceConfig {
        max_text_bytes: 100,
        ..Default::default()
    };
    let docs = vec![doc("ok", "Short."), doc("long", &"word ".repeat(40))];
    let (code, msg) = classify_error(config, docs).await?;
    assert_eq!(code, Code::ResourceExhausted);
    assert!(
        msg.contains("max_text_bytes") && msg.contains("\"long\"") && msg.contains("200"),
        "{msg}"
    );
    Ok(())
}

#[tokio::test]
async fn zero_documents_is_invalid_argument() -> TestResult {
    let (code, _) = classify_error(ServiceConfig::default(), vec![]).await?;
    assert_eq!(code, Code::InvalidArgument);
    Ok(())
}

#[tokio::test]
async fn health_is_serving() -> TestResult {
    use tonic_health::pb::{
        health_check_response::ServingStatus, health_client::HealthClient, HealthCheckRequest,
    };
    let server = Server::start(ServiceConfig::default()).await?;
    let mut health = HealthClient::new(server.channel.clone());
    for service in ["", "newsroles.v1.NewsRoles"] {
        let res = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await?
            .into_inner();
        assert_eq!(res.status(), ServingStatus::Serving, "service {service:?}");
    }
    server.stop().await
}

/// Asks one version of server reflection (`v1` or `v1alpha`) for its service list and
/// for the files of both reflection services; gives the names listed and how many
/// files came back.
macro_rules! reflect {
    ($version:ident, $channel:expr) => {{
        use tonic_reflection::pb::$version::{
            server_reflection_client::ServerReflectionClient,
            server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
            ServerReflectionRequest,
        };
        let ask = |m| ServerReflectionRequest {
            host: String::new(),
            message_request: Some(m),
        };
        let requests = [
            ask(MessageRequest::ListServices(String::new())),
            ask(MessageRequest::FileContainingSymbol(
                "grpc.reflection.v1.ServerReflection".into(),
            )),
            ask(MessageRequest::FileContainingSymbol(
                "grpc.reflection.v1alpha.ServerReflection".into(),
            )),
        ];
        let mut answers = ServerReflectionClient::new($channel)
            .server_reflection_info(tokio_stream::iter(requests))
            .await?
            .into_inner();
        let (mut services, mut files) = (Vec::new(), 0);
        while let Some(answer) = answers.message().await? {
            match answer.message_response {
                Some(MessageResponse::ListServicesResponse(list)) => {
                    services.extend(list.service.into_iter().map(|s| s.name))
                }
                Some(MessageResponse::FileDescriptorResponse(f))
                    if !f.file_descriptor_proto.is_empty() =>
                {
                    files += 1
                }
                other => return Err(format!("{} answered {other:?}", stringify!($version)).into()),
            }
        }
        services.sort();
        (services, files)
    }};
}

#[tokio::test]
async fn reflection_v1_and_v1alpha_both_list_every_service() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let expected = [
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
        "newsroles.v1.NewsRoles",
    ];
    // grpcurl 1.9+ asks v1, older grpcurl and grpcio-reflection ask v1alpha: both
    // must see the same services and describe either reflection service.
    assert_eq!(
        reflect!(v1, server.channel.clone()),
        (expected.map(String::from).to_vec(), 2)
    );
    assert_eq!(
        reflect!(v1alpha, server.channel.clone()),
        (expected.map(String::from).to_vec(), 2)
    );
    server.stop().await
}

#[tokio::test]
async fn compressed_calls_work_on_every_service() -> TestResult {
    use tonic::codec::CompressionEncoding::{Gzip, Zstd};
    use tonic_health::pb::{health_client::HealthClient, HealthCheckRequest};
    let server = Server::start(ServiceConfig::default()).await?;
    for enc in [Gzip, Zstd] {
        let mut client = server.client().send_compressed(enc).accept_compressed(enc);
        let res = client
            .classify(request(vec![doc("z", ARTICLE)]))
            .await?
            .into_inner();
        assert_eq!(res.analyses.len(), 1);
        let mut health = HealthClient::new(server.channel.clone())
            .send_compressed(enc)
            .accept_compressed(enc);
        health
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await?;
    }
    server.stop().await
}

#[tokio::test]
async fn model_info_has_the_four_labels() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let info = server
        .client()
        .get_model_info(pb::GetModelInfoRequest {})
        .await?
        .into_inner();
    let mut labels = info.labels.clone();
    labels.sort();
    assert_eq!(labels, ["background", "claim", "event", "quote"]);
    assert!(!info.name.is_empty());
    assert_eq!(info.sha256.len(), 64, "{:?}", info.sha256);
    server.stop().await
}

fn reload(
    path: &str,
    token: Option<&str>,
) -> Result<Request<pb::ReloadModelRequest>, Box<dyn std::error::Error>> {
    let mut req = Request::new(pb::ReloadModelRequest { path: path.into() });
    if let Some(t) = token {
        req.metadata_mut()
            .insert("authorization", format!("Bearer {t}").parse()?);
    }
    Ok(req)
}

#[tokio::test]
async fn reload_is_disabled_without_an_admin_token() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let err = server
        .client()
        .reload_model(reload("", Some("anything"))?)
        .await
        .err();
    assert_eq!(
        err.as_ref().map(|s| s.code()),
        Some(Code::PermissionDenied),
        "{err:?}"
    );
    server.stop().await
}

#[tokio::test]
async fn reload_with_the_admin_token() -> TestResult {
    let config = ServiceConfig {
        admin_token: Some("s3cret".into()),
        model_path: Some(util::default_model()),
        ..Default::default()
    };
    let server = Server::start(config).await?;
    let mut client = server.client();
    let before = client
        .get_model_info(pb::GetModelInfoRequest {})
        .await?
        .into_inner();

    for token in [None, Some("wrong")] {
        let err = client.reload_model(reload("", token)?).await.err();
        assert_eq!(
            err.as_ref().map(|s| s.code()),
            Some(Code::Unauthenticated),
            "{token:?}: {err:?}"
        );
    }

    // Empty path: the startup model again.
    let info = client
        .reload_model(reload("", Some("s3cret"))?)
        .await?
        .into_inner();
    assert_eq!(info.sha256, before.sha256);
    assert_eq!(info.labels.len(), 4);

    // A garbage file is refused and the old model keeps serving.
    let garbage = tempfile::NamedTempFile::new()?;
    std::fs::write(garbage.path(), b"this is not a model file\n\x00\x01\x02")?;
    let path = garbage.path().to_string_lossy().into_owned();
    let err = client
        .reload_model(reload(&path, Some("s3cret"))?)
        .await
        .err();
    assert_eq!(
        err.as_ref().map(|s| s.code()),
        Some(Code::FailedPrecondition),
        "{err:?}"
    );
    let after = client
        .get_model_info(pb::GetModelInfoRequest {})
        .await?
        .into_inner();
    assert_eq!(after.sha256, before.sha256);
    let res = client
        .classify(request(vec![doc("still", ARTICLE)]))
        .await?
        .into_inner();
    check_analysis(ARTICLE, &res.analyses[0]);
    assert!(!res.analyses[0].sentences.is_empty());
    server.stop().await
}

#[tokio::test]
async fn a_deadline_stops_the_call_and_the_server_goes_on() -> TestResult {
    let server = Server::start(ServiceConfig {
        max_concurrent_analyses: 1,
        ..Default::default()
    })
    .await?;
    let docs: Vec<_> = (0..256).map(|i| doc(&i.to_string(), ARTICLE)).collect();
    let mut req = Request::new(request(docs));
    req.set_timeout(std::time::Duration::from_millis(1));
    let err = server.client().classify(req).await.err().map(|s| s.code());
    assert!(
        matches!(err, Some(Code::DeadlineExceeded | Code::Cancelled)),
        "{err:?}"
    );
    // The only permit is free again once the abandoned work noticed the cancellation.
    let res = server
        .client()
        .classify(request(vec![doc("next", ARTICLE)]))
        .await?
        .into_inner();
    check_analysis(ARTICLE, &res.analyses[0]);
    server.stop().await
}

#[tokio::test]
async fn shutdown_lets_an_in_flight_classify_finish() -> TestResult {
    let mut server = Server::start(ServiceConfig {
        max_concurrent_analyses: 1,
        ..Default::default()
    })
    .await?;
    let docs: Vec<_> = (0..100).map(|i| doc(&i.to_string(), ARTICLE)).collect();
    let mut client = server.client();
    let call = tokio::spawn(async move { client.classify(request(docs)).await });
    tokio::task::yield_now().await; // let the Classify go out first
                                    // A later call on the same connection is answered only after the Classify above
                                    // reached the server, so shutdown really starts mid-request.
    server
        .client()
        .get_model_info(pb::GetModelInfoRequest {})
        .await?;
    server.trigger_stop();
    let res = call.await??.into_inner();
    assert_eq!(res.analyses.len(), 100);
    assert!(res
        .analyses
        .iter()
        .all(|a| a.error.is_none() && !a.sentences.is_empty()));
    server.stop().await
}

#[tokio::test]
async fn shutdown_lets_an_open_stream_finish() -> TestResult {
    let mut server = Server::start(ServiceConfig::default()).await?;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let mut answers = server
        .client()
        .classify_stream(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await?
        .into_inner();
    tx.send(doc("first", ARTICLE)).await?;
    let first = answers.message().await?.ok_or("no first answer")?;
    assert_eq!(first.id, "first");
    // The stream is certainly in flight now.
    server.trigger_stop();
    tx.send(doc("second", ARTICLE)).await?;
    drop(tx);
    let second = answers.message().await?.ok_or("no second answer")?;
    assert_eq!(second.id, "second");
    assert!(answers.message().await?.is_none());
    server.stop().await
}

#[tokio::test]
async fn too_large_message_is_resource_exhausted() -> TestResult {
    let config = ServiceConfig {
        max_message_bytes: 1024,
        ..Default::default()
    };
    let server = Server::start(config).await?;
    let big = "word ".repeat(400); // 2000 bytes of text: over the message limit
    let err = server
        .client()
        .classify(request(vec![doc("big", &big)]))
        .await
        .err()
        .ok_or("a 2 kB message should be refused")?;
    assert_eq!(err.code(), Code::ResourceExhausted, "{err:?}");
    assert!(
        err.message().contains("max_message_bytes") && err.message().contains("1024"),
        "{}",
        err.message()
    );
    // In a stream, the oversized message ends the stream with the same status.
    let docs = vec![doc("small", "A sentence."), doc("big", &big)];
    let mut answers = server
        .client()
        .classify_stream(tokio_stream::iter(docs))
        .await?
        .into_inner();
    let first = answers.message().await?.ok_or("no first answer")?;
    assert_eq!(first.id, "small");
    let err = answers.message().await.err().ok_or("expected an error")?;
    assert_eq!(err.code(), Code::ResourceExhausted, "{err:?}");
    assert!(
        err.message().contains("max_message_bytes"),
        "{}",
        err.message()
    );
    // The refused unary call is counted although no handler ran.
    let text = server.metrics().await?;
    assert_eq!(
        metric(
            &text,
            "newsroles_requests_total{method=\"Classify\",code=\"RESOURCE_EXHAUSTED\"}"
        ),
        Some(1.0),
        "{text}"
    );
    server.stop().await
}

#[tokio::test]
async fn a_full_wait_line_pushes_back_with_a_retry_hint() -> TestResult {
    let server = Server::start(ServiceConfig {
        max_concurrent_analyses: 1,
        max_waiting_requests: 1,
        ..Default::default()
    })
    .await?;
    // One long call holds the only analysis thread (long documents: with short ones a
    // release build finished the call before the next one arrived) …
    let long_text = vec![ARTICLE; 16].join("\n\n");
    let docs: Vec<_> = (0..256).map(|i| doc(&i.to_string(), &long_text)).collect();
    let mut client = server.client();
    let long = tokio::spawn(async move { client.classify(request(docs)).await });
    server.wait_for("newsroles_analyses_running", 1.0).await?;
    // … one more may wait …
    let mut client = server.client();
    let waiting =
        tokio::spawn(async move { client.classify(request(vec![doc("w", ARTICLE)])).await });
    server.wait_for("newsroles_analyses_waiting", 1.0).await?;
    // … and the next is refused at once, with a hint of when to come back.
    let err = server
        .client()
        .classify(request(vec![doc("refused", ARTICLE)]))
        .await
        .err()
        .ok_or("expected a refusal")?;
    assert_eq!(err.code(), Code::Unavailable, "{err:?}");
    assert!(
        err.message().contains("max_waiting_requests"),
        "{}",
        err.message()
    );
    let hint = err.metadata().get("grpc-retry-pushback-ms");
    let hint: u64 = hint.ok_or("no retry hint")?.to_str()?.parse()?;
    assert!((10..=10_000).contains(&hint), "{hint}");
    // Abandoning the long call frees the thread for the waiting one.
    long.abort();
    let res = waiting.await??.into_inner();
    check_analysis(ARTICLE, &res.analyses[0]);
    server.stop().await
}

fn with_token<T>(message: T, token: Option<&str>) -> Result<Request<T>, BoxError> {
    let mut req = Request::new(message);
    if let Some(t) = token {
        req.metadata_mut()
            .insert("authorization", format!("Bearer {t}").parse()?);
    }
    Ok(req)
}

#[tokio::test]
async fn auth_token_guards_the_service_but_not_health() -> TestResult {
    use tonic_health::pb::{health_client::HealthClient, HealthCheckRequest};
    let server = Server::start(ServiceConfig {
        auth_token: Some("client-secret".into()),
        admin_token: Some("admin-secret".into()),
        ..Default::default()
    })
    .await?;
    let mut client = server.client();
    for (token, want) in [
        (None, Some(Code::Unauthenticated)),
        (Some("wrong"), Some(Code::Unauthenticated)),
        (Some("client-secret"), None),
        (Some("admin-secret"), None), // the admin token opens everything
    ] {
        let req = with_token(request(vec![doc("a", ARTICLE)]), token)?;
        let got = client.classify(req).await.err().map(|s| s.code());
        assert_eq!(got, want, "Classify with {token:?}");
        let req = with_token(pb::GetModelInfoRequest {}, token)?;
        let got = client.get_model_info(req).await.err().map(|s| s.code());
        assert_eq!(got, want, "GetModelInfo with {token:?}");
        let req = with_token(tokio_stream::iter(vec![doc("s", ARTICLE)]), token)?;
        let got = match client.classify_stream(req).await {
            Err(s) => Some(s.code()),
            Ok(res) => res.into_inner().message().await.err().map(|s| s.code()),
        };
        assert_eq!(got, want, "ClassifyStream with {token:?}");
    }
    // The client token does not open the admin call.
    let req = with_token(pb::ReloadModelRequest::default(), Some("client-secret"))?;
    let got = client.reload_model(req).await.err().map(|s| s.code());
    assert_eq!(got, Some(Code::Unauthenticated));
    // Health needs no token.
    let res = HealthClient::new(server.channel.clone())
        .check(HealthCheckRequest {
            service: "newsroles.v1.NewsRoles".into(),
        })
        .await?;
    assert_eq!(
        res.into_inner().status(),
        tonic_health::pb::health_check_response::ServingStatus::Serving
    );
    let text = server.metrics().await?;
    assert_eq!(
        metric(
            &text,
            "newsroles_requests_total{method=\"Classify\",code=\"UNAUTHENTICATED\"}"
        ),
        Some(2.0),
        "{text}"
    );
    server.stop().await
}

#[tokio::test]
async fn tls_with_a_self_signed_certificate() -> TestResult {
    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])?;
    let cert_pem = key.cert.pem();
    let config = ServiceConfig {
        tls: Some(TlsIdentity {
            cert_pem: cert_pem.clone().into_bytes(),
            key_pem: key.signing_key.serialize_pem().into_bytes(),
        }),
        ..Default::default()
    };
    let server = Server::start_with(config, Some(cert_pem.as_bytes())).await?;
    let res = server
        .client()
        .classify(request(vec![doc("tls", ARTICLE)]))
        .await?
        .into_inner();
    check_analysis(ARTICLE, &res.analyses[0]);
    // A plaintext client gets nowhere.
    let plain = Channel::from_shared(format!("http://{}", server.addr))?
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(5))
        .connect_lazy();
    let err = NewsRolesClient::new(plain)
        .get_model_info(pb::GetModelInfoRequest {})
        .await
        .err();
    assert!(
        err.is_some(),
        "plaintext call succeeded against a TLS server"
    );
    server.stop().await
}

#[tokio::test]
async fn a_bad_tls_key_is_refused_at_start() -> TestResult {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let config = ServiceConfig {
        tls: Some(TlsIdentity {
            cert_pem: b"not a certificate".to_vec(),
            key_pem: b"not a key".to_vec(),
        }),
        ..Default::default()
    };
    let pipeline = Arc::new(Pipeline::load(&util::default_model())?);
    let err = serve_with_metrics(listener, metrics, pipeline, config, async {})
        .await
        .err()
        .ok_or("a garbage certificate was accepted")?;
    assert!(err.to_string().contains("TLS"), "{err}");
    Ok(())
}

#[tokio::test]
async fn reload_during_traffic_loses_no_request() -> TestResult {
    let server = Server::start(ServiceConfig {
        admin_token: Some("s3cret".into()),
        model_path: Some(util::default_model()),
        ..Default::default()
    })
    .await?;
    let garbage = tempfile::NamedTempFile::new()?;
    std::fs::write(garbage.path(), b"not a model")?;
    let garbage = garbage.path().to_string_lossy().into_owned();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (mut client, stop) = (server.client(), Arc::clone(&stop));
            tokio::spawn(async move {
                let (mut ok, mut failed) = (0, Vec::new());
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let docs = vec![doc(&format!("c{c}"), ARTICLE)];
                    match client.classify(request(docs)).await {
                        Ok(res) if res.get_ref().analyses[0].error.is_none() => ok += 1,
                        Ok(res) => failed.push(format!("{:?}", res.get_ref().analyses[0].error)),
                        Err(s) => failed.push(s.to_string()),
                    }
                }
                (ok, failed)
            })
        })
        .collect();
    let mut client = server.client();
    for round in 0..6 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let path = if round % 2 == 0 { "" } else { garbage.as_str() };
        let res = client.reload_model(reload(path, Some("s3cret"))?).await;
        if round % 2 == 0 {
            assert_eq!(res?.into_inner().labels.len(), 4);
        } else {
            assert_eq!(res.err().map(|s| s.code()), Some(Code::FailedPrecondition));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    for c in clients {
        let (ok, failed) = c.await?;
        assert!(
            failed.is_empty(),
            "requests failed during reload: {failed:?}"
        );
        total += ok;
    }
    assert!(total > 0, "no request ran during the reloads");
    let text = server.metrics().await?;
    for (series, want) in [
        ("newsroles_model_reloads_total{result=\"ok\"}", 3.0),
        ("newsroles_model_reloads_total{result=\"error\"}", 3.0),
    ] {
        assert_eq!(metric(&text, series), Some(want), "{series}\n{text}");
    }
    server.stop().await
}

#[tokio::test]
async fn cancelling_a_stream_midway_stops_its_work() -> TestResult {
    let server = Server::start(ServiceConfig {
        max_concurrent_analyses: 1,
        ..Default::default()
    })
    .await?;
    // Far more work queued than the server can do before the cancellation arrives.
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    for i in 0..64 {
        tx.send(doc(&i.to_string(), ARTICLE)).await?;
    }
    let mut answers = server
        .client()
        .classify_stream(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await?
        .into_inner();
    let first = answers.message().await?.ok_or("no first answer")?;
    assert_eq!(first.id, "0");
    // The client walks away mid-stream. (tonic resets the HTTP/2 stream once both the
    // request and the response side are dropped.)
    drop(answers);
    drop(tx);
    server
        .wait_for(
            "newsroles_requests_total{method=\"ClassifyStream\",code=\"CANCELLED\"}",
            1.0,
        )
        .await?;
    server.wait_for("newsroles_analyses_running", 0.0).await?;
    let text = server.metrics().await?;
    let done = metric(&text, "newsroles_documents_total").unwrap_or(f64::NAN);
    assert!(done < 64.0, "the whole stream was analysed anyway: {done}");
    let res = server
        .client()
        .classify(request(vec![doc("after", ARTICLE)]))
        .await?;
    check_analysis(ARTICLE, &res.get_ref().analyses[0]);
    server.stop().await
}

#[tokio::test]
async fn shutdown_stops_waiting_for_a_call_that_never_ends() -> TestResult {
    let mut server = Server::start(ServiceConfig {
        shutdown_grace: Duration::from_millis(300),
        ..Default::default()
    })
    .await?;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let mut answers = server
        .client()
        .classify_stream(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await?
        .into_inner();
    tx.send(doc("first", ARTICLE)).await?;
    answers.message().await?.ok_or("no first answer")?;
    // The client never closes its input: the drain gives up after the grace period.
    server.trigger_stop();
    let started = std::time::Instant::now();
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .map_err(|_| "the server waited for the endless stream")??;
    assert!(started.elapsed() >= Duration::from_millis(300));
    drop((tx, answers));
    Ok(())
}

#[tokio::test]
async fn a_slow_reader_holds_back_the_stream() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let docs: Vec<_> = (0..300).map(|i| doc(&i.to_string(), ARTICLE)).collect();
    // A small HTTP/2 receive window (hyper's default is 2 MiB) keeps what the
    // transport itself may buffer well under the 300 answers.
    let channel = Channel::from_shared(format!("http://{}", server.addr))?
        .initial_stream_window_size(Some(8 * 1024))
        .initial_connection_window_size(Some(64 * 1024))
        .connect()
        .await?;
    let mut answers = NewsRolesClient::new(channel)
        .classify_stream(tokio_stream::iter(docs))
        .await?
        .into_inner();
    // Nobody reads: the server stops once the bounded buffers (its channel, the
    // documents in flight, HTTP/2's flow-control window) are full.
    let mut last = -1.0;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let text = server.metrics().await?;
        let done = metric(&text, "newsroles_documents_total").unwrap_or(0.0);
        if done == last {
            break;
        }
        last = done;
    }
    assert!(
        last > 0.0 && last < 300.0,
        "{last} documents analysed for a reader that reads nothing"
    );
    eprintln!("slow reader: the server stopped after {last} of 300 documents");
    // Reading resumes the stream, in order, with nothing lost.
    let mut n = 0;
    while let Some(a) = answers.message().await? {
        assert_eq!(a.id, n.to_string());
        n += 1;
    }
    assert_eq!(n, 300);
    server.stop().await
}

#[tokio::test]
async fn a_stream_deadline_ends_the_stream() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let mut req = Request::new(tokio_stream::wrappers::ReceiverStream::new(rx));
    req.set_timeout(Duration::from_millis(300));
    let mut answers = server.client().classify_stream(req).await?.into_inner();
    tx.send(doc("first", ARTICLE)).await?;
    let first = answers.message().await?.ok_or("no first answer")?;
    assert_eq!(first.id, "first");
    // The client keeps the stream open past its deadline.
    let err = loop {
        match answers.message().await {
            Ok(Some(_)) => continue,
            Ok(None) => return Err("the stream ended without an error".into()),
            Err(s) => break s,
        }
    };
    assert!(
        matches!(err.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{err:?}"
    );
    server
        .wait_for(
            "newsroles_requests_total{method=\"ClassifyStream\",code=\"DEADLINE_EXCEEDED\"}",
            1.0,
        )
        .await?;
    drop(tx);
    server.stop().await
}

#[tokio::test]
async fn metrics_count_calls_sentences_and_the_model() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let mut req = Request::new(request(vec![doc("a", ARTICLE), doc("b", TYPESET)]));
    req.metadata_mut()
        .insert("x-request-id", "test-42".parse()?);
    let res = server.client().classify(req).await?;
    assert_eq!(
        res.metadata()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("test-42")
    );
    let analyses = &res.get_ref().analyses;
    let quotes = analyses
        .iter()
        .flat_map(|a| &a.sentences)
        .filter(|s| s.role() == pb::Role::Quote)
        .count();
    let info = server
        .client()
        .get_model_info(pb::GetModelInfoRequest {})
        .await?
        .into_inner();

    let text = server.metrics().await?;
    let ok = "newsroles_requests_total{method=\"Classify\",code=\"OK\"}";
    assert_eq!(metric(&text, ok), Some(1.0), "{text}");
    assert_eq!(metric(&text, "newsroles_documents_total"), Some(2.0));
    let role = "newsroles_sentences_total{role=\"quote\"}";
    assert_eq!(metric(&text, role), Some(quotes as f64), "{text}");
    let count = "newsroles_request_duration_seconds_count{method=\"Classify\"}";
    assert_eq!(metric(&text, count), Some(1.0), "{text}");
    let inf = "newsroles_request_duration_seconds_bucket{method=\"Classify\",le=\"+Inf\"}";
    assert_eq!(metric(&text, inf), Some(1.0), "{text}");
    assert!(
        text.contains(&format!("sha256=\"{}\"", info.sha256)),
        "{text}"
    );
    assert!(text.contains("# TYPE newsroles_request_duration_seconds histogram"));
    // Anything but /metrics is a 404.
    let err = scrape(server.metrics_addr, "/")
        .await
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("404")));
    server.stop().await
}

/// The real binary: SIGHUP reloads the model file; a bad file leaves the old model.
#[cfg(unix)]
#[tokio::test]
async fn sighup_reloads_the_model_file() -> TestResult {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir()?;
    let model = dir.path().join("m.model");
    std::fs::copy(util::default_model(), &model)?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsroles"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--metrics-addr",
            "127.0.0.1:0",
        ])
        .arg("--model")
        .arg(&model)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.path().join("stderr.log"))?)
        .spawn()?;
    let result = async {
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let mut next = || -> Result<String, BoxError> {
            Ok(lines.next().ok_or("server exited before listening")??)
        };
        let metrics_line = next()?;
        let listening = next()?;
        let metrics_addr: SocketAddr = metrics_line
            .strip_prefix("newsroles: metrics on http://")
            .and_then(|s| s.strip_suffix("/metrics"))
            .ok_or(metrics_line.clone())?
            .parse()?;
        let addr = listening
            .strip_prefix("newsroles: listening on ")
            .ok_or(listening.clone())?;
        let hup = || {
            Command::new("kill")
                .args(["-HUP", &child.id().to_string()])
                .status()
        };
        let reloads = |result: &str| {
            let series = format!("newsroles_model_reloads_total{{result=\"{result}\"}}");
            async move {
                let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
                loop {
                    let text = scrape(metrics_addr, "/metrics").await?;
                    if metric(&text, &series) == Some(1.0) {
                        return Ok::<_, BoxError>(());
                    }
                    if tokio::time::Instant::now() > deadline {
                        return Err(format!("no {series} 1 after SIGHUP:\n{text}").into());
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        };
        assert!(hup()?.success());
        reloads("ok").await?;
        std::fs::write(&model, b"truncated")?;
        assert!(hup()?.success());
        reloads("error").await?;
        // Still serving on the old model.
        let channel = Channel::from_shared(format!("http://{addr}"))?
            .connect()
            .await?;
        let res = NewsRolesClient::new(channel)
            .classify(request(vec![doc("a", ARTICLE)]))
            .await?;
        check_analysis(ARTICLE, &res.get_ref().analyses[0]);
        Ok::<_, BoxError>(())
    }
    .await;
    // SIGTERM: a graceful stop, exit status 0. Waited for off the runtime, which must
    // stay free to answer the server's HTTP/2 shutdown ping.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = tokio::task::spawn_blocking(move || child.wait()).await??;
    result?;
    assert!(status.success(), "server exited with {status}");
    // The log says what happened, in plain text: stderr is a file here, not a terminal.
    let log = std::fs::read_to_string(dir.path().join("stderr.log"))?;
    assert!(log.contains("model reloaded"), "{log}");
    assert!(
        log.contains("reload failed; the old model keeps serving"),
        "{log}"
    );
    assert!(
        !log.contains('\u{1b}'),
        "escape codes in a log file:\n{log}"
    );
    Ok(())
}

/// Issue 33 item 6: a FIFO or a device as the model to reload is refused at once
/// (FAILED_PRECONDITION), the old model keeps serving, and shutdown is not held up.
#[tokio::test]
async fn reload_refuses_a_fifo_and_a_device_at_once() -> TestResult {
    let dir = tempfile::tempdir()?;
    let fifo = dir.path().join("model.fifo");
    let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes())?;
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let config = ServiceConfig {
        admin_token: Some("s3cret".into()),
        model_path: Some(util::default_model()),
        ..Default::default()
    };
    let server = Server::start(config).await?;
    let mut client = server.client();
    for path in [fifo.to_string_lossy().into_owned(), "/dev/zero".into()] {
        let call = client.reload_model(reload(&path, Some("s3cret"))?);
        let err = tokio::time::timeout(Duration::from_secs(10), call)
            .await
            .map_err(|_| format!("reloading {path} hangs"))?
            .err();
        let err = err.ok_or(format!("{path} was loaded"))?;
        assert_eq!(err.code(), Code::FailedPrecondition, "{path}: {err:?}");
        assert!(err.message().contains("not a regular file"), "{err:?}");
    }
    let res = client
        .classify(request(vec![doc("still", ARTICLE)]))
        .await?
        .into_inner();
    check_analysis(ARTICLE, &res.analyses[0]);
    tokio::time::timeout(Duration::from_secs(20), server.stop())
        .await
        .map_err(|_| "shutdown hangs")??;
    Ok(())
}

/// Issue 33 item 7: a document whose text is not UTF-8 gets its own INVALID_ARGUMENT
/// error and the stream goes on; the same in a unary call.
#[tokio::test]
async fn invalid_utf8_is_one_documents_error_and_the_stream_goes_on() -> TestResult {
    let server = Server::start(ServiceConfig::default()).await?;
    let bad = pb::Document {
        id: "bad".into(),
        text: b"Caf\xe9 owners said prices rose.".to_vec(),
        options: None,
    };
    let docs = vec![doc("a", ARTICLE), bad.clone(), doc("c", ARTICLE)];
    let answers: Vec<pb::Analysis> = {
        use futures::StreamExt;
        let stream = server
            .client()
            .classify_stream(futures::stream::iter(docs))
            .await?
            .into_inner();
        stream
            .map(|r| r.map_err(|s| format!("{s:?}")))
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()?
    };
    assert_eq!(answers.len(), 3);
    let err = answers[1]
        .error
        .as_ref()
        .ok_or("no error for the bad document")?;
    assert_eq!(answers[1].id, "bad");
    assert_eq!(err.code, "INVALID_ARGUMENT", "{err:?}");
    assert!(
        err.message.contains("not valid UTF-8 (at byte 3)"),
        "{err:?}"
    );
    assert!(answers[2].error.is_none() && !answers[2].sentences.is_empty());
    let res = server
        .client()
        .classify(request(vec![bad, doc("b", ARTICLE)]))
        .await?
        .into_inner();
    assert_eq!(
        res.analyses[0].error.as_ref().map(|e| e.code.as_str()),
        Some("INVALID_ARGUMENT")
    );
    check_analysis(ARTICLE, &res.analyses[1]);
    server.stop().await
}

/// Issue 33 item 1: the per-document analysis budget answers a clear
/// RESOURCE_EXHAUSTED for that document.
#[tokio::test]
async fn the_analysis_budget_is_resource_exhausted() -> TestResult {
    let server = Server::start(ServiceConfig {
        max_analysis_time: Duration::from_nanos(1),
        ..Default::default()
    })
    .await?;
    let res = server
        .client()
        .classify(request(vec![doc("a", ARTICLE)]))
        .await?
        .into_inner();
    let err = res.analyses[0].error.as_ref().ok_or("no budget error")?;
    assert_eq!(err.code, "RESOURCE_EXHAUSTED");
    assert!(err.message.contains("per-document time budget"), "{err:?}");
    server.stop().await
}

/// Issue 33 item 8: text held by calls waiting for or in analysis is bounded in
/// bytes: while one call is analysed, another whose text would pass the bound is
/// refused at once (UNAVAILABLE) instead of waiting in memory.
#[tokio::test]
async fn queued_text_is_bounded_in_bytes() -> TestResult {
    let server = Server::start(ServiceConfig {
        max_concurrent_analyses: 1,
        max_queued_bytes: 100_000,
        ..Default::default()
    })
    .await?;
    let big: String = ARTICLE.repeat(50_000 / ARTICLE.len() + 1);
    // About 75 kB of text, analysed one document after another on the one thread.
    let docs: Vec<_> = (0..250).map(|i| doc(&i.to_string(), ARTICLE)).collect();
    assert!(docs.iter().map(|d| d.text.len()).sum::<usize>() + big.len() > 100_000);
    let mut first = server.client();
    let held = tokio::spawn(async move { first.classify(request(docs)).await });
    server.wait_for("newsroles_analyses_running", 1.0).await?;
    let s = server
        .client()
        .classify(request(vec![doc("big", &big)]))
        .await
        .err()
        .ok_or("the byte bound did not refuse the call")?;
    assert_eq!(s.code(), Code::Unavailable, "{s:?}");
    assert!(s.message().contains("max_queued_bytes"), "{s:?}");
    let first = held.await??.into_inner();
    assert_eq!(first.analyses.len(), 250);
    // Once the first call is done, the same call fits.
    let res = server
        .client()
        .classify(request(vec![doc("big", &big)]))
        .await?
        .into_inner();
    assert!(res.analyses[0].error.is_none());
    server.stop().await
}

/// Issue 33 item 9: a connection that sends part of the HTTP/2 preface and goes
/// silent is closed after the handshake timeout; connections over the limit are
/// closed at once, and a slot comes back when one closes.
#[tokio::test]
async fn half_open_connections_are_closed_and_bounded() -> TestResult {
    let server = Server::start(ServiceConfig {
        handshake_timeout: Duration::from_millis(300),
        max_connections: 3,
        ..Default::default()
    })
    .await?;
    // The test's own channel holds one slot.
    let mut half = tokio::net::TcpStream::connect(server.addr).await?;
    half.write_all(b"PRI * HT").await?;
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match half.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {} // the server's SETTINGS frame
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "a half-open connection stayed open");
    // Fill the slots: the test channel, plus two silent connections (before their
    // timeout); a fourth is closed at once.
    let server2 = Server::start(ServiceConfig {
        handshake_timeout: Duration::from_secs(30),
        max_connections: 3,
        ..Default::default()
    })
    .await?;
    let _a = tokio::net::TcpStream::connect(server2.addr).await?;
    let _b = tokio::net::TcpStream::connect(server2.addr).await?;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut over = tokio::net::TcpStream::connect(server2.addr).await?;
    let n = tokio::time::timeout(Duration::from_secs(5), over.read(&mut buf)).await;
    assert!(
        matches!(n, Ok(Ok(0)) | Ok(Err(_))),
        "a connection over the limit was kept: {n:?}"
    );
    // The test channel's own slot still serves.
    let res = server2
        .client()
        .classify(request(vec![doc("a", ARTICLE)]))
        .await?
        .into_inner();
    check_analysis(ARTICLE, &res.analyses[0]);
    server2.stop().await?;
    server.stop().await
}

/// Issue 33 item 1: hostile documents sent with a short deadline do not hold the
/// analysis threads: the deadline cancels their analysis, and the next caller is
/// answered (before the fix, 2 MB of " he" kept a thread busy for hours).
#[tokio::test]
async fn hostile_documents_past_their_deadline_free_the_threads() -> TestResult {
    let server = Server::start(ServiceConfig {
        max_concurrent_analyses: 2,
        max_text_bytes: 4 << 20,
        ..Default::default()
    })
    .await?;
    let hostile = " he".repeat(700_000);
    let mut calls = Vec::new();
    for i in 0..2 {
        let mut req = Request::new(request(vec![doc(&format!("he{i}"), &hostile)]));
        req.set_timeout(Duration::from_secs(1));
        let mut client = server.client();
        calls.push(tokio::spawn(async move { client.classify(req).await }));
    }
    for c in calls {
        let code = c.await?.err().map(|s| s.code());
        assert!(
            matches!(code, Some(Code::DeadlineExceeded | Code::Cancelled) | None),
            "{code:?}"
        );
    }
    // A liveness bound, not a speed figure: the threads are free again.
    let res = tokio::time::timeout(
        Duration::from_secs(60),
        server
            .client()
            .classify(request(vec![doc("next", ARTICLE)])),
    )
    .await
    .map_err(|_| "the analysis threads are still busy with cancelled work")??
    .into_inner();
    check_analysis(ARTICLE, &res.analyses[0]);
    server.stop().await
}

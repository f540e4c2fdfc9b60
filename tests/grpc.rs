//! End to end over gRPC: the real server on a `127.0.0.1:0` listener in the test's
//! runtime, called by real tonic clients (NewsRoles, health, reflection).

use crate::util;
use newsroles::service::pb::{self, news_roles_client::NewsRolesClient};
use newsroles::service::{serve, ServiceConfig};
use newsroles::Pipeline;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;
use tonic::{Code, Request};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A server running in this test's runtime, stopped by [`Server::stop`].
struct Server {
    channel: Channel,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<newsroles::Result<()>>,
}

impl Server {
    async fn start(config: ServiceConfig) -> Result<Server, Box<dyn std::error::Error>> {
        let pipeline = Arc::new(Pipeline::load(&util::default_model())?);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, pipeline, config, async {
            let _ = stopped.await;
        }));
        // The listener is already bound, so connecting cannot race the server start.
        let channel = Channel::from_shared(format!("http://{addr}"))?
            .connect()
            .await?;
        Ok(Server {
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
}

fn doc(id: &str, text: &str) -> pb::Document {
    pb::Document {
        id: id.into(),
        text: text.into(),
    }
}

fn request(documents: Vec<pb::Document>) -> pb::ClassifyRequest {
    pb::ClassifyRequest {
        documents,
        options: Some(pb::ClassifyOptions { include_text: true }),
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
    let texts: Vec<String> = docs.iter().map(|d| d.text.clone()).collect();
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

#[tokio::test]
async fn reflection_lists_the_services() -> TestResult {
    use tonic_reflection::pb::v1::{
        server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
        ServerReflectionRequest,
    };
    let server = Server::start(ServiceConfig::default()).await?;
    let mut client = ServerReflectionClient::new(server.channel.clone());
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut answers = client
        .server_reflection_info(tokio_stream::iter([req]))
        .await?
        .into_inner();
    let Some(answer) = answers.message().await? else {
        return Err("no reflection answer".into());
    };
    let Some(MessageResponse::ListServicesResponse(list)) = answer.message_response else {
        return Err(format!("unexpected answer {answer:?}").into());
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"newsroles.v1.NewsRoles"), "{names:?}");
    assert!(names.contains(&"grpc.health.v1.Health"), "{names:?}");
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

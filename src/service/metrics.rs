//! Prometheus metrics of one server, and the tiny HTTP/1.1 listener that exposes them
//! at `GET /metrics` on their own port (text exposition format 0.0.4, written by hand:
//! a dozen series do not justify an HTTP framework and a metrics crate).
//!
//! | series | type | labels |
//! | --- | --- | --- |
//! | `newsroles_requests_total` | counter | `method`, `code` |
//! | `newsroles_request_duration_seconds` | histogram | `method` |
//! | `newsroles_documents_total` | counter | |
//! | `newsroles_sentences_total` | counter | `role` |
//! | `newsroles_quotes_total` | counter | `kind`, `attributed` |
//! | `newsroles_analyses_running` / `newsroles_analyses_waiting` | gauge | |
//! | `newsroles_model_info` | gauge (1) | `name`, `version`, `sha256` |
//! | `newsroles_model_reloads_total` | counter | `result` |

use super::pb;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Upper bounds of the latency buckets, seconds: 1 ms … 10 s.
const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Role label values in `pb::Role` order (index = enum value).
const ROLES: [&str; 5] = ["unspecified", "quote", "claim", "event", "background"];

#[derive(Default, Clone)]
struct Histogram {
    /// Non-cumulative counts per bucket; the last slot is `+Inf`.
    counts: [u64; BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let i = BUCKETS
            .iter()
            .position(|&b| seconds <= b)
            .unwrap_or(BUCKETS.len());
        self.counts[i] += 1;
        self.sum += seconds;
        self.count += 1;
    }
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(&'static str, &'static str), u64>,
    latency: BTreeMap<&'static str, Histogram>,
    documents: u64,
    sentences: [u64; ROLES.len()],
    /// (kind, attributed) → count.
    quotes: BTreeMap<(&'static str, bool), u64>,
    model: (String, String, String),
    reloads: BTreeMap<&'static str, u64>,
}

/// The counters of one server. Cheap to update (one short lock per call, not per
/// sentence); rendering copies nothing but the text it writes.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
    /// Analyses running on the analysis threads now.
    pub(crate) running: AtomicUsize,
    /// Jobs queued for an analysis thread now.
    pub(crate) waiting: AtomicUsize,
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Counters stay meaningful even if a panic interrupted an update.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A finished call: its method, status code name and latency.
    pub(crate) fn record_call(&self, method: &'static str, code: &'static str, latency: Duration) {
        let mut m = self.lock();
        *m.requests.entry((method, code)).or_default() += 1;
        m.latency
            .entry(method)
            .or_default()
            .observe(latency.as_secs_f64());
    }

    /// What the analyses of a call found: documents, sentences by role, quotes by kind.
    pub(crate) fn record_analyses<'a>(&self, analyses: impl IntoIterator<Item = &'a pb::Analysis>) {
        let mut m = self.lock();
        for a in analyses {
            m.documents += 1;
            for s in &a.sentences {
                let role = usize::try_from(s.role).unwrap_or(0).min(ROLES.len() - 1);
                m.sentences[role] += 1;
            }
            for q in &a.quotes {
                let kind = match q.kind() {
                    pb::QuoteKind::Direct => "direct",
                    pb::QuoteKind::Reported => "reported",
                    pb::QuoteKind::Unspecified => "unspecified",
                };
                *m.quotes.entry((kind, q.speaker.is_some())).or_default() += 1;
            }
        }
    }

    /// The model now serving.
    pub(crate) fn set_model(&self, info: &pb::ModelInfo) {
        self.lock().model = (info.name.clone(), info.version.clone(), info.sha256.clone());
    }

    /// A reload attempt: `"ok"` or `"error"`.
    pub(crate) fn record_reload(&self, result: &'static str) {
        *self.lock().reloads.entry(result).or_default() += 1;
    }

    /// The text exposition of every series.
    pub fn render(&self) -> String {
        let m = self.lock();
        let mut out = String::with_capacity(4096);
        // Writing to a String cannot fail.
        let w = &mut out;
        header(
            w,
            "newsroles_requests_total",
            "counter",
            "gRPC calls by method and status code.",
        );
        for ((method, code), n) in &m.requests {
            let _ = writeln!(
                w,
                "newsroles_requests_total{{method=\"{method}\",code=\"{code}\"}} {n}"
            );
        }
        header(
            w,
            "newsroles_request_duration_seconds",
            "histogram",
            "gRPC call latency by method, from the handler's start to its answer.",
        );
        for (method, h) in &m.latency {
            let mut cumulative = 0;
            for (i, n) in h.counts.iter().enumerate() {
                cumulative += n;
                let le = BUCKETS
                    .get(i)
                    .map_or_else(|| "+Inf".to_string(), |b| b.to_string());
                let _ = writeln!(
                    w,
                    "newsroles_request_duration_seconds_bucket{{method=\"{method}\",le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                w,
                "newsroles_request_duration_seconds_sum{{method=\"{method}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                w,
                "newsroles_request_duration_seconds_count{{method=\"{method}\"}} {}",
                h.count
            );
        }
        header(
            w,
            "newsroles_documents_total",
            "counter",
            "Documents analysed.",
        );
        let _ = writeln!(w, "newsroles_documents_total {}", m.documents);
        header(
            w,
            "newsroles_sentences_total",
            "counter",
            "Sentences found, by role.",
        );
        for (role, n) in ROLES.iter().zip(m.sentences).skip(1) {
            let _ = writeln!(w, "newsroles_sentences_total{{role=\"{role}\"}} {n}");
        }
        header(
            w,
            "newsroles_quotes_total",
            "counter",
            "Quotes found, by kind and whether a speaker was attributed.",
        );
        for ((kind, attributed), n) in &m.quotes {
            let _ = writeln!(
                w,
                "newsroles_quotes_total{{kind=\"{kind}\",attributed=\"{attributed}\"}} {n}"
            );
        }
        header(
            w,
            "newsroles_analyses_running",
            "gauge",
            "Analyses running on the analysis threads.",
        );
        let _ = writeln!(
            w,
            "newsroles_analyses_running {}",
            self.running.load(Ordering::Relaxed)
        );
        header(
            w,
            "newsroles_analyses_waiting",
            "gauge",
            "Jobs queued for an analysis thread.",
        );
        let _ = writeln!(
            w,
            "newsroles_analyses_waiting {}",
            self.waiting.load(Ordering::Relaxed)
        );
        header(
            w,
            "newsroles_model_info",
            "gauge",
            "The model serving now (always 1).",
        );
        let (name, version, sha) = &m.model;
        let _ = writeln!(
            w,
            "newsroles_model_info{{name=\"{}\",version=\"{}\",sha256=\"{}\"}} 1",
            escape(name),
            escape(version),
            escape(sha)
        );
        header(
            w,
            "newsroles_model_reloads_total",
            "counter",
            "Model reloads by result.",
        );
        for (result, n) in &m.reloads {
            let _ = writeln!(
                w,
                "newsroles_model_reloads_total{{result=\"{result}\"}} {n}"
            );
        }
        out
    }
}

fn header(w: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(w, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A label value as the exposition format wants it.
fn escape(v: &str) -> String {
    v.replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

/// Serves `GET /metrics` on `listener` until `shutdown` resolves. Each connection gets
/// one answer and is closed (what Prometheus and `curl` expect of a minimal exporter).
pub async fn serve_metrics(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) {
    futures::pin_mut!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => return,
            a = listener.accept() => a,
        };
        match accepted {
            Ok((stream, _)) => {
                let metrics = Arc::clone(&metrics);
                tokio::spawn(async move {
                    if let Err(e) = answer(stream, &metrics).await {
                        tracing::debug!(error = %e, "metrics connection");
                    }
                });
            }
            // Out of file descriptors and the like: back off instead of spinning.
            Err(e) => {
                tracing::warn!(error = %e, "metrics listener");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn answer(mut stream: TcpStream, metrics: &Metrics) -> std::io::Result<()> {
    // Only the request head matters; a slow or huge one is cut off.
    let mut head = Vec::with_capacity(1024);
    let read = async {
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 8192 {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        Ok::<_, std::io::Error>(())
    };
    tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "request head"))??;
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let (status, body) = match (method, path) {
        ("GET", "/metrics") => ("200 OK", metrics.render()),
        ("GET", _) => ("404 Not Found", "not found; try /metrics\n".to_string()),
        _ => ("405 Method Not Allowed", "only GET\n".to_string()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_in_the_text() {
        let m = Metrics::default();
        m.record_call("Classify", "OK", Duration::from_micros(500));
        m.record_call("Classify", "OK", Duration::from_millis(7));
        m.record_call("Classify", "RESOURCE_EXHAUSTED", Duration::from_secs(60));
        let text = m.render();
        for line in [
            "newsroles_requests_total{method=\"Classify\",code=\"OK\"} 2",
            "newsroles_requests_total{method=\"Classify\",code=\"RESOURCE_EXHAUSTED\"} 1",
            "newsroles_request_duration_seconds_bucket{method=\"Classify\",le=\"0.001\"} 1",
            "newsroles_request_duration_seconds_bucket{method=\"Classify\",le=\"0.005\"} 1",
            "newsroles_request_duration_seconds_bucket{method=\"Classify\",le=\"0.01\"} 2",
            "newsroles_request_duration_seconds_bucket{method=\"Classify\",le=\"10\"} 2",
            "newsroles_request_duration_seconds_bucket{method=\"Classify\",le=\"+Inf\"} 3",
            "newsroles_request_duration_seconds_count{method=\"Classify\"} 3",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
    }

    #[test]
    fn analyses_are_counted_by_role_and_kind() {
        let m = Metrics::default();
        let a = pb::Analysis {
            sentences: vec![
                pb::Sentence {
                    role: pb::Role::Quote as i32,
                    ..Default::default()
                },
                pb::Sentence {
                    role: pb::Role::Event as i32,
                    ..Default::default()
                },
                pb::Sentence {
                    role: pb::Role::Quote as i32,
                    ..Default::default()
                },
            ],
            quotes: vec![pb::Quote {
                kind: pb::QuoteKind::Direct as i32,
                speaker: Some(pb::Speaker::default()),
                ..Default::default()
            }],
            ..Default::default()
        };
        m.record_analyses([&a, &pb::Analysis::default()]);
        m.set_model(&pb::ModelInfo {
            name: "n\"x".into(),
            version: "1".into(),
            ..Default::default()
        });
        let text = m.render();
        for line in [
            "newsroles_documents_total 2",
            "newsroles_sentences_total{role=\"quote\"} 2",
            "newsroles_sentences_total{role=\"event\"} 1",
            "newsroles_sentences_total{role=\"claim\"} 0",
            "newsroles_quotes_total{kind=\"direct\",attributed=\"true\"} 1",
            "newsroles_model_info{name=\"n\\\"x\",version=\"1\",sha256=\"\"} 1",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
    }
}

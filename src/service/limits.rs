//! Request limits: document count, text length and message size (the CPU wait line is
//! the analysis pool's, in `pool`).
//!
//! Every refusal names the limit (by its `ServiceConfig` field) and the value.

use super::metrics::Metrics;
use super::pb;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tonic::codegen::http;
use tonic::{Code, Status};

/// RESOURCE_EXHAUSTED when a request has more documents than allowed; INVALID_ARGUMENT
/// when it has none.
pub(crate) fn check_document_count(n: usize, max: usize) -> Result<(), Status> {
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
pub(crate) fn text_too_long(index: usize, doc: &pb::Document, max: usize) -> Option<String> {
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

/// A request-decoding status as the client's error: tonic refuses an oversized message
/// with OUT_OF_RANGE ("decoded message length too large: found N bytes, …"), where
/// gRPC's convention, and this service's contract, is RESOURCE_EXHAUSTED naming the
/// limit; a message that is not valid protobuf is INVALID_ARGUMENT, not tonic's
/// INTERNAL. Other statuses pass through unchanged.
pub(crate) fn client_status(status: Status, max: usize) -> Status {
    const TONIC: &str = "decoded message length too large: found ";
    if let Some(bad) = undecodable(&status) {
        return bad;
    }
    if status.code() != Code::OutOfRange {
        return status;
    }
    let Some(at) = status.message().find(TONIC) else {
        return status;
    };
    let rest = &status.message()[at + TONIC.len()..];
    let found: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Status::resource_exhausted(format!(
        "request message has {found} bytes, over the limit of {max} (max_message_bytes)"
    ))
}

/// A request message that is not valid protobuf is the caller's error
/// (INVALID_ARGUMENT), not the server's (tonic says INTERNAL).
fn undecodable(status: &Status) -> Option<Status> {
    (status.code() == Code::Internal && status.message().contains("failed to decode")).then(|| {
        Status::invalid_argument(format!(
            "the request message is not a valid protobuf message of this service: {}",
            status.message()
        ))
    })
}

/// A tower layer applying [`client_status`] to unary calls, whose decoding tonic
/// does before any handler runs: the refusal is a trailers-only response, so its status
/// is in the headers.
#[derive(Clone)]
pub(crate) struct MessageLimitLayer {
    pub max: usize,
    pub metrics: Arc<Metrics>,
}

impl<S> tower::Layer<S> for MessageLimitLayer {
    type Service = MessageLimit<S>;
    fn layer(&self, inner: S) -> MessageLimit<S> {
        MessageLimit {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct MessageLimit<S> {
    inner: S,
    layer: MessageLimitLayer,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B, RB> tower::Service<http::Request<B>> for MessageLimit<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let method = method_name(req.uri().path());
        let layer = self.layer.clone();
        let future = self.inner.call(req);
        Box::pin(async move {
            let mut res = future.await?;
            let headers = res.headers_mut();
            if let Some(status) = Status::from_header_map(headers) {
                if matches!(status.code(), Code::OutOfRange | Code::Internal) {
                    let rewritten = client_status(status, layer.max);
                    let code = rewritten.code();
                    if matches!(code, Code::ResourceExhausted | Code::InvalidArgument) {
                        headers.remove("grpc-message");
                        headers.remove("grpc-status-details-bin");
                        if rewritten.add_header(headers).is_ok() {
                            // The handler never ran, so the call is counted here.
                            layer.metrics.record_call(
                                method,
                                super::status::code_name(code),
                                Duration::ZERO,
                            );
                        }
                    }
                }
            }
            Ok(res)
        })
    }
}

/// The metrics label of a gRPC path (`/newsroles.v1.NewsRoles/Classify` → `Classify`).
fn method_name(path: &str) -> &'static str {
    match path.rsplit('/').next().unwrap_or("") {
        "Classify" => "Classify",
        "ClassifyStream" => "ClassifyStream",
        "GetModelInfo" => "GetModelInfo",
        "ReloadModel" => "ReloadModel",
        _ => "other",
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
    fn tonic_message_size_refusal_becomes_resource_exhausted() {
        let tonic = Status::out_of_range(
            "Error, decoded message length too large: found 5000 bytes, the limit is: 4096 bytes",
        );
        let s = client_status(tonic, 4096);
        assert_eq!(s.code(), Code::ResourceExhausted);
        assert_eq!(
            s.message(),
            "request message has 5000 bytes, over the limit of 4096 (max_message_bytes)"
        );
        let other = client_status(Status::out_of_range("something else"), 1);
        assert_eq!(other.code(), Code::OutOfRange);
    }
}

//! The HTML view of `serve --http-addr`: `GET /` is a form to paste an article into;
//! `POST /` (form-encoded `text=`) answers with that form and the text rendered as
//! `classify --output-format html` renders it ([`crate::render`]).
//!
//! A minimal HTTP/1.1 endpoint written by hand like the metrics listener: one request
//! per connection, a bounded head, a body bounded by the server's text limit (three
//! bytes per byte of text, the worst case of percent-encoding), timeouts on both, and
//! a bound on connections open at once. The analysis runs on the server's analysis
//! threads, with the same token, limit and push-back as a `Classify` call.

use super::server::NewsRolesService;
use crate::render;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tonic::metadata::MetadataMap;
use tonic::{Code, Status};

/// Largest request head (request line and headers).
const MAX_HEAD: usize = 16 << 10;
/// Time to send the head, and then the body.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once; more wait in the listen backlog.
const MAX_CONNECTIONS: usize = 64;

/// Serves the view on `listener` until `shutdown` resolves.
pub(super) async fn serve_view(
    listener: TcpListener,
    service: NewsRolesService,
    shutdown: impl Future<Output = ()>,
) {
    futures::pin_mut!(shutdown);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        // Waiting for a slot first leaves extra connections in the backlog.
        let permit = tokio::select! {
            () = &mut shutdown => return,
            p = Arc::clone(&slots).acquire_owned() => p,
        };
        let Ok(permit) = permit else { return };
        let accepted = tokio::select! {
            () = &mut shutdown => return,
            a = listener.accept() => a,
        };
        match accepted {
            Ok((stream, _)) => {
                let service = service.clone();
                tokio::spawn(async move {
                    let _permit = permit;
                    if let Err(e) = answer(stream, &service).await {
                        tracing::debug!(error = %e, "view connection");
                    }
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "view listener");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// A parsed request head.
#[derive(Debug, Default, PartialEq)]
struct Head {
    method: String,
    path: String,
    content_length: Option<usize>,
    content_type: String,
    authorization: Option<String>,
    chunked: bool,
    expect_continue: bool,
}

/// The head in `bytes` (up to the blank line); `None` when it is not HTTP.
fn parse_head(bytes: &[u8]) -> Option<Head> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let (method, target) = (first.next()?, first.next()?);
    first.next().filter(|v| v.starts_with("HTTP/1."))?;
    let mut head = Head {
        method: method.to_string(),
        path: target.split('?').next().unwrap_or("").to_string(),
        ..Default::default()
    };
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => head.content_length = Some(value.parse().ok()?),
            "content-type" => head.content_type = value.to_ascii_lowercase(),
            "authorization" => head.authorization = Some(value.to_string()),
            "transfer-encoding" => head.chunked = true,
            "expect" => head.expect_continue = value.eq_ignore_ascii_case("100-continue"),
            _ => {}
        }
    }
    Some(head)
}

/// The `text` field of a form-encoded body (`+` is a space).
fn form_text(body: &[u8]) -> Result<String, &'static str> {
    for pair in body.split(|&b| b == b'&') {
        let (key, value) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        if key == b"text" {
            let spaced: Vec<u8> = value
                .iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect();
            let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
            return String::from_utf8(bytes).map_err(|_| "the text is not valid UTF-8");
        }
    }
    Err("the form has no `text` field")
}

struct Reply {
    status: &'static str,
    body: String,
    html: bool,
}

impl Reply {
    fn text(status: &'static str, body: impl Into<String>) -> Reply {
        Reply {
            status,
            body: body.into() + "\n",
            html: false,
        }
    }
}

/// The page: the form (holding `text`), then the rendered analysis, if any.
fn page(text: &str, max_bytes: usize, analysis: Option<&crate::document::Analysis>) -> String {
    let mut out = render::html_head("newsroles");
    out.push_str(&render::html_form(text, max_bytes));
    let mut shown = 0;
    if let Some(a) = analysis {
        out.push_str(&render::html_document(
            &render::Doc {
                analysis: a,
                text,
                title: None,
                url: None,
            },
            0,
        ));
        shown = 1;
    }
    // The empty form is not "no documents".
    out.push_str(&render::html_tail(shown.max(1)));
    out
}

async fn answer(mut stream: TcpStream, service: &NewsRolesService) -> std::io::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(1024);
    let read_head = async {
        let mut chunk = [0u8; 2048];
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                return Ok::<_, std::io::Error>(Some(end + 4));
            }
            if buf.len() >= MAX_HEAD {
                return Ok(None);
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(None);
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    let end = tokio::time::timeout(HEAD_TIMEOUT, read_head)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "request head"))??;
    let reply = match end.and_then(|e| parse_head(&buf[..e]).map(|h| (e, h))) {
        None => Reply::text("400 Bad Request", "not an HTTP/1.1 request head"),
        Some((end, head)) => {
            let rest = buf[end..].to_vec();
            respond(&mut stream, head, rest, service).await?
        }
    };
    let mut response = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n",
        reply.status,
        if reply.html {
            "text/html; charset=utf-8"
        } else {
            "text/plain; charset=utf-8"
        },
        reply.body.len()
    );
    if reply.html {
        response.push_str("Content-Security-Policy: ");
        response.push_str(render::CONTENT_SECURITY_POLICY);
        response.push_str("\r\n");
    }
    response.push_str("\r\n");
    stream.write_all(response.as_bytes()).await?;
    stream.write_all(reply.body.as_bytes()).await?;
    stream.shutdown().await
}

async fn respond(
    stream: &mut TcpStream,
    head: Head,
    mut body: Vec<u8>,
    service: &NewsRolesService,
) -> std::io::Result<Reply> {
    let max_text = service.max_text_bytes();
    match (head.method.as_str(), head.path.as_str()) {
        ("GET", "/") => {
            return Ok(Reply {
                status: "200 OK",
                body: page("", max_text, None),
                html: true,
            })
        }
        ("POST", "/") => {}
        (_, "/") => return Ok(Reply::text("405 Method Not Allowed", "GET or POST /")),
        _ => return Ok(Reply::text("404 Not Found", "not found; try /")),
    }
    if head.chunked {
        return Ok(Reply::text(
            "411 Length Required",
            "send the form with a Content-Length",
        ));
    }
    let Some(length) = head.content_length else {
        return Ok(Reply::text(
            "411 Length Required",
            "a POST needs Content-Length",
        ));
    };
    // Percent-encoding at most triples a text; a little room for `text=` and others.
    let max_body = max_text.saturating_mul(3).saturating_add(1024);
    if length > max_body {
        return Ok(Reply::text(
            "413 Content Too Large",
            format!("the form is {length} bytes; texts are limited to {max_text} bytes"),
        ));
    }
    if !head
        .content_type
        .starts_with("application/x-www-form-urlencoded")
    {
        return Ok(Reply::text(
            "415 Unsupported Media Type",
            "send application/x-www-form-urlencoded with a `text` field",
        ));
    }
    if head.expect_continue && body.len() < length {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let read_body = async {
        let mut chunk = vec![0u8; 16 << 10];
        while body.len() < length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        Ok::<_, std::io::Error>(())
    };
    tokio::time::timeout(BODY_TIMEOUT, read_body)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "request body"))??;
    if body.len() < length {
        return Ok(Reply::text("400 Bad Request", "the body ended early"));
    }
    body.truncate(length);
    let text = match form_text(&body) {
        Ok(t) => t,
        Err(why) => return Ok(Reply::text("400 Bad Request", why)),
    };
    drop(body);
    let mut metadata = MetadataMap::new();
    if let Some(v) = head.authorization.and_then(|v| v.parse().ok()) {
        metadata.insert("authorization", v);
    }
    Ok(match service.analyze_for_view(&metadata, text).await {
        Ok((analysis, text)) => Reply {
            status: "200 OK",
            body: page(&text, max_text, Some(&analysis)),
            html: true,
        },
        Err(s) => refusal(&s),
    })
}

/// A refused analysis as an HTTP status.
fn refusal(s: &Status) -> Reply {
    let status = match s.code() {
        Code::Unauthenticated => "401 Unauthorized",
        Code::ResourceExhausted => "413 Content Too Large",
        Code::InvalidArgument => "400 Bad Request",
        Code::Unavailable => "503 Service Unavailable",
        _ => "500 Internal Server Error",
    };
    Reply::text(status, s.message())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_parse() {
        let h = parse_head(
            b"POST /?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\n\
              Authorization: Bearer t\r\n\r\n",
        );
        assert_eq!(
            h,
            Some(Head {
                method: "POST".into(),
                path: "/".into(),
                content_length: Some(12),
                content_type: "application/x-www-form-urlencoded".into(),
                authorization: Some("Bearer t".into()),
                chunked: false,
                expect_continue: true,
            })
        );
        assert_eq!(parse_head(b"hello\r\n\r\n"), None);
        assert_eq!(
            parse_head(b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
            None
        );
    }

    #[test]
    fn form_text_decodes() {
        assert_eq!(
            form_text(b"a=1&text=%22We+won%22%2C+she+said+%C3%A9%2B&b").as_deref(),
            Ok("\"We won\", she said é+")
        );
        assert!(form_text(b"a=1").is_err());
        assert!(form_text(b"text=%FF").is_err());
    }
}

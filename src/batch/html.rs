//! Web pages to article text: the HTTP response stored in a WARC record (status,
//! headers, chunked transfer and gzip/deflate content encodings), the page's charset,
//! and the article's main text, title and publication date (readability-style
//! extraction by `dom_smoothie`). A page that is not an article (another content type,
//! a non-200 status, no article text, an undecodable payload) is a [`Skip`] with a
//! short reason, counted by reason in the summary. Runs on the analysis workers, so
//! a WARC batch extracts on all cores.

use dom_smoothie::{Config, Readability, TextMode};
use encoding_rs::Encoding;
use std::io::Read;

/// What was found on an article page. `text` is the article as blank-line separated
/// paragraphs: the text that output offsets index into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    pub title: Option<String>,
    pub date: Option<String>,
    pub text: String,
}

/// Why a page has no analysis. The reason is the key its count is kept under, so it
/// names a kind (`HTTP 404`, `content type application/pdf`), not a one-off detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skip(pub String);

/// Largest HTTP header block looked at; a longer one is not a response.
const MAX_HTTP_HEADER: usize = 64 << 10;
/// Elements parsed per page at most: a pathological page costs one skip, not minutes.
const MAX_ELEMENTS: usize = 200_000;
/// Shorter extracted text is no article (an index page, a menu, a cookie wall): the
/// minimum content length of Readability's `isProbablyReaderable`.
const MIN_ARTICLE_CHARS: usize = 140;

/// Extracts the article of a payload: an HTTP response (`http`, from a WARC
/// `response` record) or the bytes of an HTML file. `max_html` bounds a decoded
/// (content-encoding) body.
pub(crate) fn extract(
    payload: &[u8],
    http: bool,
    url: Option<&str>,
    max_html: usize,
) -> Result<Page, Skip> {
    let (body, charset) = if http {
        let r = HttpResponse::parse(payload)?;
        if r.status != 200 {
            return Err(Skip(format!("HTTP {}", r.status)));
        }
        let (mime, charset) = match r.header("content-type") {
            Some(ct) => media_type(ct),
            None if looks_like_html(r.body) => ("text/html".to_string(), None),
            None => return Err(Skip("content type missing".into())),
        };
        if !is_html(&mime) {
            return Err(Skip(format!("content type {mime}")));
        }
        let chunked = r
            .header("transfer-encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
        let body = if chunked {
            dechunk(r.body)
        } else {
            r.body.to_vec()
        };
        let body = match r.header("content-encoding") {
            Some(enc) => decode_content(body, enc, max_html)?,
            None => body,
        };
        (body, charset)
    } else {
        (payload.to_vec(), None)
    };
    let html = decode_charset(&body, charset.as_deref());
    article(&html, url)
}

/// A parsed HTTP/1.x (or HTTP/2 as archived) response: lenient, as archived servers are.
struct HttpResponse<'a> {
    status: u16,
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

impl<'a> HttpResponse<'a> {
    fn parse(payload: &'a [u8]) -> Result<HttpResponse<'a>, Skip> {
        let bad = |what: &str| Skip(format!("undecodable: {what}"));
        let head = &payload[..payload.len().min(MAX_HTTP_HEADER)];
        // The header block ends at the first empty line (CRLF or bare LF).
        let (end, body_at) = find(head, b"\r\n\r\n")
            .map(|i| (i, i + 4))
            .into_iter()
            .chain(find(head, b"\n\n").map(|i| (i, i + 2)))
            .min()
            .ok_or_else(|| bad("no end of the HTTP header"))?;
        let text = String::from_utf8_lossy(&head[..end]);
        let mut lines = text.split('\n').map(|l| l.trim_end_matches('\r'));
        let status_line = lines.next().unwrap_or_default();
        let mut parts = status_line.split_whitespace();
        let version = parts.next().unwrap_or_default();
        let status = parts.next().and_then(|c| c.parse::<u16>().ok());
        let status = match status {
            Some(s) if version.starts_with("HTTP/") => s,
            _ => return Err(bad("not an HTTP status line")),
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                // An obsolete folded continuation of the previous header.
                if let Some((_, v)) = headers.last_mut() {
                    v.push(' ');
                    v.push_str(line.trim());
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        Ok(HttpResponse {
            status,
            headers,
            body: &payload[body_at..],
        })
    }

    /// The first header of that (lowercase) name.
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `text/html; charset=UTF-8` → (`text/html`, `Some("utf-8")`).
fn media_type(ct: &str) -> (String, Option<String>) {
    let mut parts = ct.split(';');
    let mime = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_ascii_lowercase())
    });
    let mime = if mime.is_empty() {
        "missing".to_string()
    } else {
        mime
    };
    (mime, charset)
}

fn is_html(mime: &str) -> bool {
    matches!(mime, "text/html" | "application/xhtml+xml")
}

/// For a response without a Content-Type: an HTML document by its first bytes.
fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// Undoes `Transfer-Encoding: chunked`. Archivers that store the payload already
/// dechunked but keep the header exist, so a body that does not start with a chunk
/// size is taken as it is; a body cut off mid-chunk (a truncated record) keeps what
/// was complete.
fn dechunk(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
        let line = String::from_utf8_lossy(&rest[..nl]);
        let size = line.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size, 16) else {
            if out.is_empty() && rest.len() == body.len() {
                return body.to_vec();
            }
            break;
        };
        rest = &rest[nl + 1..];
        if size == 0 {
            break;
        }
        let take = size.min(rest.len());
        out.extend_from_slice(&rest[..take]);
        rest = &rest[take..];
        if take < size {
            break;
        }
        // The CRLF after the chunk data.
        rest = rest.strip_prefix(b"\r").unwrap_or(rest);
        rest = rest.strip_prefix(b"\n").unwrap_or(rest);
    }
    out
}

/// Undoes gzip or deflate content encoding, up to `max` bytes; what decoded before a
/// cut-off is kept (truncated records), nothing decoded is a skip.
fn decode_content(body: Vec<u8>, encoding: &str, max: usize) -> Result<Vec<u8>, Skip> {
    let enc = encoding.trim().to_ascii_lowercase();
    let mut out = Vec::new();
    let limit = max as u64 + 1;
    let result = match enc.as_str() {
        "" | "identity" => return Ok(body),
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&body[..])
            .take(limit)
            .read_to_end(&mut out),
        // "deflate" is zlib-wrapped by the standard, raw deflate in practice as well.
        "deflate" => match flate2::read::ZlibDecoder::new(&body[..])
            .take(limit)
            .read_to_end(&mut out)
        {
            Ok(n) => Ok(n),
            Err(_) => {
                out.clear();
                flate2::read::DeflateDecoder::new(&body[..])
                    .take(limit)
                    .read_to_end(&mut out)
            }
        },
        other => return Err(Skip(format!("undecodable: content encoding {other}"))),
    };
    if out.len() > max {
        return Err(Skip("page over the size limit".into()));
    }
    match result {
        Ok(_) => Ok(out),
        Err(_) if !out.is_empty() => Ok(out),
        Err(_) => Err(Skip(format!("undecodable: bad {enc} content encoding"))),
    }
}

/// The page as text: the HTTP charset, else a byte-order mark or a `<meta>` charset in
/// the first 2 KiB, else UTF-8 when the bytes are valid UTF-8, else windows-1252 (what
/// browsers assume for legacy pages). Never fails: undecodable bytes become U+FFFD.
fn decode_charset(bytes: &[u8], http_charset: Option<&str>) -> String {
    let declared = http_charset
        .and_then(|c| Encoding::for_label(c.as_bytes()))
        .or_else(|| meta_charset(bytes));
    let enc = match declared {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::WINDOWS_1252,
    };
    // `decode` lets a byte-order mark override the label, as browsers do.
    let (text, _, _) = enc.decode(bytes);
    text.into_owned()
}

/// `<meta charset="x">` or `<meta http-equiv=... content="...; charset=x">`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = head[from..].find("charset=") {
        let at = from + i + "charset=".len();
        let label: String = head[at..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
            .collect();
        if let Some(e) = Encoding::for_label(label.as_bytes()) {
            // A page cannot be UTF-16 if its meta tag was readable as ASCII.
            return Some(
                if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
                    encoding_rs::UTF_8
                } else {
                    e
                },
            );
        }
        from = at;
    }
    None
}

/// The article of an HTML document, its text laid out as blank-line paragraphs.
fn article(html: &str, url: Option<&str>) -> Result<Page, Skip> {
    let cfg = Config {
        // Formatted: block elements end with line breaks, paragraphs with blank lines.
        text_mode: TextMode::Formatted,
        max_elements_to_parse: MAX_ELEMENTS,
        ..Default::default()
    };
    // A relative or odd URL only costs link resolution: retry without it.
    let mut r = match Readability::new(html, url, Some(cfg.clone())) {
        Ok(r) => r,
        Err(_) => Readability::new(html, None, Some(cfg))
            .map_err(|e| Skip(format!("no article text ({e})")))?,
    };
    let a = match r.parse() {
        Ok(a) => a,
        Err(dom_smoothie::ReadabilityError::TooManyElements(..)) => {
            return Err(Skip("no article text (page too large)".into()))
        }
        Err(_) => return Err(Skip("no article text".into())),
    };
    let text = paragraphs(&a.text_content);
    if text.chars().count() < MIN_ARTICLE_CHARS {
        return Err(Skip("no article text".into()));
    }
    let some = |s: &str| {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        (!s.is_empty()).then_some(s)
    };
    Ok(Page {
        title: some(&a.title),
        date: a.published_time.as_deref().and_then(some),
        text,
    })
}

/// Lines trimmed, runs of blank lines made one paragraph break (`\n\n`), single line
/// breaks inside a paragraph kept: the sentence splitter sees the page's paragraphs.
fn paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        blank = false;
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A news page with navigation and a footer around three paragraphs and a quote.
    pub(crate) fn news_page(i: usize) -> String {
        format!(
            r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Council approves bridge {i} | Gazette</title>
<meta property="article:published_time" content="2024-03-0{d}T09:30:00Z"></head>
<body><nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<main><article><h1>Council approves bridge {i}</h1>
<p>The city council voted 7-2 on Tuesday to repair bridge {i}, ending a year of debate
over the cost of the work on the only road to the hospital.</p>
<p>"We cannot wait another winter," Mayor Ana Ruiz said after the vote. "The bridge is the
only road to the hospital for half the town."</p>
<p>Critics said the plan was too costly and that the money should go to schools instead.
The work is expected to start in June &amp; finish by December, officials said.</p>
</article></main>
<footer><p>© 2024 Gazette. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"#,
            d = i % 9 + 1
        )
    }

    pub(crate) fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
        let mut v = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn an_article_page_gives_paragraphs_title_and_date() {
        let page = news_page(3);
        let p = extract(
            &http(
                "200 OK",
                "Content-Type: text/html; charset=utf-8\r\n",
                page.as_bytes(),
            ),
            true,
            Some("https://news.example/a"),
            1 << 20,
        )
        .unwrap();
        assert_eq!(
            p.title.as_deref(),
            Some("Council approves bridge 3 | Gazette")
        );
        assert_eq!(p.date.as_deref(), Some("2024-03-04T09:30:00Z"));
        let paras: Vec<&str> = p.text.split("\n\n").collect();
        assert_eq!(paras.len(), 3, "{}", p.text);
        assert!(paras[1].starts_with("\"We cannot wait another winter,\" Mayor Ana Ruiz"));
        assert!(p.text.contains("June & finish"), "entities decoded");
        for boilerplate in ["Home", "Politics", "rights reserved", "Privacy"] {
            assert!(!p.text.contains(boilerplate), "{boilerplate} in {}", p.text);
        }
    }

    #[test]
    fn statuses_content_types_and_encodings() {
        let page = news_page(1);
        let ok = |h: &str, body: &[u8]| extract(&http("200 OK", h, body), true, None, 1 << 20);
        assert_eq!(
            extract(&http("404 Not Found", "", b"gone"), true, None, 1 << 20),
            Err(Skip("HTTP 404".into()))
        );
        assert_eq!(
            ok("Content-Type: application/pdf\r\n", b"%PDF-1.4"),
            Err(Skip("content type application/pdf".into()))
        );
        assert_eq!(
            ok("", b"\x00\x01binary"),
            Err(Skip("content type missing".into()))
        );
        assert!(ok("", page.as_bytes()).is_ok(), "HTML sniffed");
        assert_eq!(
            extract(b"garbage without header end", true, None, 1 << 20),
            Err(Skip("undecodable: no end of the HTTP header".into()))
        );
        // Chunked, then gzip-encoded, with a folded header and bare-LF line ends.
        let gz = {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(page.as_bytes()).unwrap();
            e.finish().unwrap()
        };
        let mut chunked = Vec::new();
        for part in gz.chunks(100) {
            chunked.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            chunked.extend_from_slice(part);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let mut payload = b"HTTP/1.1 200 OK\nContent-Type: text/html;\n charset=utf-8\n\
            Transfer-Encoding: chunked\nContent-Encoding: gzip\n\n"
            .to_vec();
        payload.extend_from_slice(&chunked);
        let p = extract(&payload, true, None, 1 << 20).unwrap();
        assert!(p.text.contains("Mayor Ana Ruiz"), "{}", p.text);
        assert_eq!(
            ok("Content-Type: text/html\r\nContent-Encoding: br\r\n", b"x"),
            Err(Skip("undecodable: content encoding br".into()))
        );
        // A chunked header over a body stored already dechunked.
        let h = "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n";
        assert!(ok(h, page.as_bytes()).is_ok());
    }

    #[test]
    fn charsets_from_http_meta_or_bytes() {
        let latin1 = b"<html><head><title>Caf\xe9</title></head><body>x</body></html>";
        assert!(decode_charset(latin1, Some("iso-8859-1")).contains("Café"));
        assert!(
            decode_charset(latin1, None).contains("Café"),
            "windows-1252 fallback"
        );
        let meta = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; \
            charset=windows-1251\"><title>\xcf\xf0\xe8</title>";
        assert!(decode_charset(meta, None).contains("При"));
        assert!(decode_charset("Zoë ✓".as_bytes(), None) == "Zoë ✓");
        // A byte-order mark wins over a wrong label.
        assert_eq!(
            decode_charset(b"\xef\xbb\xbfZo\xc3\xab", Some("latin1")),
            "Zoë"
        );
    }

    #[test]
    fn pages_without_an_article_are_skipped() {
        for body in [
            "<nav></nav>",
            "<nav><a href=/>Home</a> <a href=/a>About us</a></nav>",
        ] {
            let page = format!("<html><head><title>Index</title></head><body>{body}</body></html>");
            assert_eq!(
                extract(page.as_bytes(), false, None, 1 << 20),
                Err(Skip("no article text".into()))
            );
        }
    }

    #[test]
    fn paragraphs_are_blank_line_separated() {
        assert_eq!(
            paragraphs("  a\u{a0}\n b \n\n\n\t\nc\n\n"),
            "a\nb\n\nc".to_string()
        );
        assert_eq!(dechunk(b"3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n"), b"abcde");
        assert_eq!(
            dechunk(b"5\r\nab"),
            b"ab",
            "a cut-off chunk keeps its bytes"
        );
    }
}

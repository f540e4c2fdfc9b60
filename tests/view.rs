//! The HTML view in a real browser and on a real server: `classify --output-format
//! html` rendered by headless Chromium (the DOM's sentence and quote spans against
//! the JSON of the same run, and a screenshot in target/ for a person to look at),
//! and `serve --http-addr` answering a pasted text.

use crate::util::{self, run_ok, s};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Debian's Chromium (or the browser at $NEWSROLES_CHROMIUM), or `None` with a
/// printed reason (a failure instead when NEWSROLES_REQUIRE_CHROMIUM is set, as in CI).
fn chromium() -> Option<PathBuf> {
    let p = std::env::var_os("NEWSROLES_CHROMIUM")
        .map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("NEWSROLES_REQUIRE_CHROMIUM").is_none(),
        "NEWSROLES_REQUIRE_CHROMIUM is set but {} is missing (apt-get install chromium)",
        p.display()
    );
    crate::util::skip(&format!(
        "{} is absent (apt-get install chromium to run the browser test)",
        p.display()
    ));
    None
}

/// Runs headless Chromium on `page` with `args` (e.g. `--dump-dom`), a fresh profile
/// and no background networking; returns its standard output.
fn headless(chromium: &Path, page: &Path, args: &[&str]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Appended to a copy of the page: reads back, in the browser, what the page shows
/// (text content, spans, computed colours and labels) into one JSON element.
const PROBE: &str = r#"<script>
var docs=[];
document.querySelectorAll('section.doc').forEach(function(sec){
  var t=sec.querySelector('.text');
  var d={id:sec.getAttribute('data-id'),text:t?t.textContent:null,height:t?t.getBoundingClientRect().height:0,sentences:[],quotes:[],tags:[],legend:[]};
  sec.querySelectorAll('span.s').forEach(function(x){d.sentences.push({start:+x.dataset.start,end:+x.dataset.end,role:x.dataset.role,text:x.textContent,title:x.title,background:getComputedStyle(x).backgroundColor})});
  sec.querySelectorAll('mark.q').forEach(function(x){d.quotes.push({quote:+x.dataset.quote,start:+x.dataset.start,end:+x.dataset.end,text:x.textContent,speaker:x.dataset.speaker||null,direct:x.classList.contains('direct')})});
  sec.querySelectorAll('a.tag').forEach(function(x){d.tags.push({href:x.getAttribute('href'),label:getComputedStyle(x,'::after').content})});
  sec.querySelectorAll('li.speaker').forEach(function(x){d.legend.push({id:x.id,name:x.querySelector('.name').textContent,quotes:+x.dataset.quotes})});
  docs.push(d);
});
var pre=document.createElement('pre');pre.id='probe';pre.textContent=JSON.stringify(docs);document.body.appendChild(pre);
</script>"#;

#[test]
fn html_renders_in_chromium_with_the_spans_of_the_json() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let input = util::fixture("articles.jsonl");
    let page = dir.path().join("page.html");
    run_ok(
        &[
            "classify",
            "-q",
            s(&input),
            "--output-format",
            "html",
            "-o",
            s(&page),
        ],
        None,
        0,
    );
    let json = util::lines(&run_ok(&["classify", "-q", s(&input)], None, 0).stdout);
    let texts: Vec<String> = std::fs::read_to_string(&input)
        .expect("fixture")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("fixture line");
            v["text"].as_str().expect("text").to_string()
        })
        .collect();

    // A screenshot of the page itself, for a person to look at.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .to_path_buf();
    let shot = target.join("view-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    headless(
        &chromium,
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,2000",
        ],
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
    eprintln!("view: screenshot at {}", shot.display());

    // The DOM as the browser built it, read back by the probe.
    let probed = dir.path().join("probed.html");
    let html = std::fs::read_to_string(&page).expect("page");
    std::fs::write(&probed, html.replace("</body>", &format!("{PROBE}</body>"))).expect("write");
    let dom = headless(&chromium, &probed, &["--dump-dom"]);
    let start = dom.find("<pre id=\"probe\">").expect("probe ran") + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").expect("probe end");
    let docs: Vec<Value> =
        serde_json::from_str(&html_escape::decode_html_entities(&dom[start..end]))
            .expect("probe JSON");
    assert_eq!(docs.len(), json.len(), "one section per document");

    let mut backgrounds = std::collections::BTreeMap::new();
    let mut quotes_seen = 0;
    for ((d, j), text) in docs.iter().zip(&json).zip(&texts) {
        assert_eq!(d["id"], j["id"]);
        // The text shows exactly, code point for code point.
        assert_eq!(d["text"].as_str(), Some(text.as_str()), "{}", j["id"]);
        let sentences = j["sentences"].as_array().expect("sentences");
        let shown = d["sentences"].as_array().expect("sentences");
        assert_eq!(shown.len(), sentences.len(), "{}", j["id"]);
        for (x, s) in shown.iter().zip(sentences) {
            assert_eq!(x["start"], s["start"]);
            assert_eq!(x["end"], s["end"]);
            assert_eq!(x["role"], s["role"]);
            assert_eq!(x["text"], s["text"]);
            let title = x["title"].as_str().unwrap_or_default();
            assert!(
                title.starts_with(s["role"].as_str().unwrap_or("?")),
                "{title}"
            );
            backgrounds.insert(
                s["role"].as_str().unwrap_or_default().to_string(),
                x["background"].as_str().unwrap_or_default().to_string(),
            );
        }
        if !sentences.is_empty() {
            assert!(d["height"].as_f64().unwrap_or(0.0) > 20.0, "text laid out");
        }
        // Each quote: its pieces, in order, cover its span and slice its text.
        let pieces = d["quotes"].as_array().expect("quotes");
        for (k, q) in j["quotes"].as_array().expect("quotes").iter().enumerate() {
            quotes_seen += 1;
            let mine: Vec<&Value> = pieces.iter().filter(|p| p["quote"] == k).collect();
            assert!(!mine.is_empty(), "quote {k} of {} is not marked", j["id"]);
            let mut at = q["start"].as_u64().expect("start");
            let mut content = String::new();
            for p in &mine {
                assert_eq!(p["start"].as_u64(), Some(at));
                at = p["end"].as_u64().expect("end");
                content.push_str(p["text"].as_str().unwrap_or_default());
                assert_eq!(p["direct"], q["direct"]);
            }
            assert_eq!(Some(at), q["end"].as_u64());
            assert_eq!(Value::from(content), q["text"]);
            // Linked to the legend entry of its speaker, which shows its name.
            if let Some(entity) = q["speaker"]["entity"].as_str() {
                let id = mine[0]["speaker"].as_str().expect("linked to a speaker");
                let entry = d["legend"]
                    .as_array()
                    .and_then(|l| l.iter().find(|e| e["id"] == id))
                    .expect("legend entry");
                assert_eq!(entry["name"], entity);
                assert!(entry["quotes"].as_u64() >= Some(1));
                let tag = d["tags"]
                    .as_array()
                    .and_then(|t| t.iter().find(|t| t["href"] == format!("#{id}")))
                    .expect("label after the quote");
                // The label is drawn (CSS content), not part of the text.
                let label = tag["label"].as_str().unwrap_or("none");
                assert!(label != "none" && label.len() > 2, "{label}");
            }
        }
    }
    assert!(quotes_seen >= 3, "the fixture has quotes");
    // Roles are told apart by colour.
    let colours: std::collections::BTreeSet<_> = backgrounds.values().collect();
    assert_eq!(colours.len(), backgrounds.len(), "{backgrounds:?}");
    assert!(backgrounds.len() >= 2, "{backgrounds:?}");
}

/// A server from the built binary, stopped (SIGTERM) when dropped.
struct Server {
    child: Child,
    view: SocketAddr,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = util::bin()
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--http-addr",
                "127.0.0.1:0",
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let view_line = lines.next().expect("a line").expect("stdout");
        let view = view_line
            .strip_prefix("newsroles: view on http://")
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("{view_line}"))
            .parse()
            .expect("address");
        let listening = lines.next().expect("a line").expect("stdout");
        assert!(
            listening.starts_with("newsroles: listening on "),
            "{listening}"
        );
        Server { child, view }
    }

    /// One request; the status line and the body.
    fn request(&self, head: &str, body: &[u8]) -> (String, String) {
        let mut c = TcpStream::connect(self.view).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        c.write_all(head.as_bytes()).expect("send head");
        c.write_all(body).expect("send body");
        let mut answer = String::new();
        c.read_to_string(&mut answer).expect("read answer");
        let (h, b) = answer.split_once("\r\n\r\n").expect("a head");
        (
            h.lines().next().unwrap_or_default().to_string(),
            b.to_string(),
        )
    }

    fn post(&self, text: &str) -> (String, String) {
        let body = format!(
            "text={}",
            percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
        );
        self.request(
            &format!(
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: {}\r\n\r\n",
                body.len()
            ),
            body.as_bytes(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_http_addr_renders_a_pasted_text() {
    let server = Server::start(&["--max-text-bytes", "4000"]);
    let (status, form) = server.request("GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        form.contains("<textarea") && form.contains("method=\"post\""),
        "{form}"
    );

    let text = "The council met on Monday. \"We will not give up,\" the mayor said. \
                Critics called it <script>alert(1)</script> a stunt.";
    let (status, page) = server.post(text);
    assert_eq!(status, "HTTP/1.1 200 OK", "{page}");
    // The quote is marked at its code-point offsets and linked to its speaker.
    let start = text.find("We will").expect("quote");
    let end = text.find("\" the mayor").expect("quote end");
    let mark = format!("data-start=\"{start}\" data-end=\"{end}\"");
    let at = page
        .find(&mark)
        .unwrap_or_else(|| panic!("no {mark} in\n{page}"));
    let open = page[..at].rfind('<').expect("tag");
    assert!(
        page[open..].starts_with("<mark class=\"q direct"),
        "{}",
        &page[open..at]
    );
    // Its speaker's legend entry names the mayor and counts the quote.
    let speaker = page[at..]
        .split("data-speaker=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("linked to a speaker");
    let entry = page
        .find(&format!("id=\"{speaker}\" data-quotes=\"1\">"))
        .expect("legend entry");
    assert!(page[entry..].starts_with(&format!(
        "id=\"{speaker}\" data-quotes=\"1\"><span class=\"dot\"></span><span class=\"name\">the mayor</span>"
    )));
    assert!(page.contains("the mayor"));
    // The pasted markup is text, in the view and back in the form.
    assert!(!page.contains("<script>alert"));
    assert_eq!(page.matches("&lt;script&gt;alert(1)").count(), 2);

    // Over --max-text-bytes: refused, the server stays up.
    let (status, _) = server.post(&"Word. ".repeat(1000));
    assert_eq!(status, "HTTP/1.1 413 Content Too Large");
    let (status, _) = server.request("GET /nope HTTP/1.1\r\n\r\n", b"");
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    let (status, _) = server.post("Still here.");
    assert_eq!(status, "HTTP/1.1 200 OK");
}

#[test]
fn serve_http_addr_needs_the_token_when_the_server_has_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let token = dir.path().join("token");
    std::fs::write(&token, "s3cret\n").expect("token file");
    let server = Server::start(&["--auth-token-file", s(&token)]);
    let (status, _) = server.post("It rained.");
    assert_eq!(status, "HTTP/1.1 401 Unauthorized");
    let body = "text=It+rained.";
    let (status, page) = server.request(
        &format!(
            "POST / HTTP/1.1\r\nAuthorization: Bearer s3cret\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            body.len()
        ),
        body.as_bytes(),
    );
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains("<span class=\"s r-"), "{page}");
}

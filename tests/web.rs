//! `newsroles classify` on web inputs: a WARC.gz written by warcio (the reference
//! Python WARC library; skipped with a printed reason where python3 or warcio is
//! missing, unless NEWSROLES_REQUIRE_PYTHON is set), WARC files built here (resume,
//! sniffing, standard input), and directories of HTML pages. Every response record
//! gets one line in order: the analysis with url/title/date/text, a `skipped` line,
//! or an error line for a truncated record.

use crate::util::{lines, run_ok, s};
use serde_json::Value;
use std::io::Write;
use std::process::Command;

/// `text[start..end]` in code points.
fn slice(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

/// Checks an analysed page: its fields, and that every sentence and quote span
/// indexes its own text in `text`. Returns the text.
fn check_page(v: &Value) -> String {
    let text = v["text"].as_str().unwrap_or_else(|| panic!("no text: {v}"));
    assert!(v["title"].is_string(), "{v}");
    let sentences = v["sentences"].as_array().unwrap();
    assert!(sentences.len() >= 4, "{v}");
    for x in sentences.iter().chain(v["quotes"].as_array().unwrap()) {
        let (a, b) = (x["start"].as_u64().unwrap(), x["end"].as_u64().unwrap());
        assert_eq!(slice(text, a, b), x["text"].as_str().unwrap(), "{x}");
    }
    // The article, not the page around it.
    for boilerplate in ["Home", "Politics", "All rights reserved", "Privacy"] {
        assert!(!text.contains(boilerplate), "{boilerplate:?} in {text:?}");
    }
    text.to_string()
}

#[test]
fn warcio_archive() {
    let required = std::env::var_os("NEWSROLES_REQUIRE_PYTHON").is_some();
    let probe = Command::new("python3")
        .args(["-c", "import warcio"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            !required,
            "python3 with warcio is required (pip install -r tests/python/requirements.txt)"
        );
        crate::util::skip("python3 with warcio is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("news.warc.gz");
    let made = Command::new("python3")
        .arg(crate::util::root().join("tests/python/make_warc.py"))
        .arg(&warc)
        .output()
        .expect("run make_warc.py");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let want: Value = serde_json::from_slice(&made.stdout).unwrap();

    let report = dir.path().join("report.json");
    let out = dir.path().join("out.jsonl");
    // The truncated record is an error: exit 1; the skipped ones are not failures.
    let r = run_ok(
        &["classify", s(&warc), "-o", s(&out), "--report", s(&report)],
        None,
        1,
    );
    let got = lines(&std::fs::read(&out).unwrap());
    // Nothing lost: one line per response record (3 articles, the PDF, the 404, the
    // truncated one), in order.
    assert_eq!(got.len(), 6, "{got:#?}");
    for (v, a) in got.iter().zip(want["articles"].as_array().unwrap()) {
        assert_eq!(v["id"], a["url"]);
        assert_eq!(v["url"], a["url"]);
        // Readability may drop the site name after the separator, or keep it.
        let title = v["title"].as_str().unwrap();
        assert!(title.starts_with(a["title"].as_str().unwrap()), "{title}");
        assert_eq!(v["date"], a["date"]);
        let text = check_page(v);
        let quote = a["quote"].as_str().unwrap();
        assert!(text.contains(quote), "{text}");
        assert!(
            v["quotes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|q| q["text"].as_str().unwrap().contains(quote)),
            "the quote {quote:?} is found: {v}"
        );
    }
    for v in &got[3..5] {
        let id = v["id"].as_str().unwrap();
        assert_eq!(v["url"], v["id"]);
        assert_eq!(v["skipped"], want["skipped"][id], "{v}");
        assert!(v.get("sentences").is_none());
    }
    let err = got[5]["error"]
        .as_str()
        .expect("the cut record is an error");
    assert_eq!(got[5]["id"], want["truncated"]);
    assert!(
        err.contains("news.warc.gz:") && err.contains("truncated record"),
        "{err}"
    );

    let rep: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(rep["records"], 6);
    assert_eq!(rep["errors"], 1);
    assert_eq!(rep["skipped"], 2);
    assert_eq!(rep["skipped_reasons"]["HTTP 404"], 1);
    assert_eq!(rep["skipped_reasons"]["content type application/pdf"], 1);
    assert_eq!(rep["other_warc_records"], want["other_records"]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(
        stderr.contains("6 records, 1 errors, 2 skipped (HTTP 404: 1, content type application/pdf: 1), 5 other WARC records"),
        "{stderr}"
    );
}

/// A news page with navigation and a footer around four paragraphs and a quote.
fn page(i: usize) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Council approves bridge {i}</title>
<meta property="article:published_time" content="2024-03-05T09:{m:02}:00Z"></head>
<body><nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<main><article><h1>Council approves bridge {i}</h1>
<p>The city council voted 7-2 on Tuesday to repair bridge {i}, ending a year of debate
over the cost of the work on the only road to the hospital.</p>
<p>“We cannot wait another winter,” Mayor Ana Ruiz said after the vote. “The bridge is the
only road to the hospital for half the town.”</p>
<p>Critics said the plan was too costly and that the money should go to schools instead.
The work is expected to start in June and finish by December, officials said.</p>
<p>The state will pay for a third of the repairs, according to the transport department,
which inspected bridge {i} last autumn.</p>
</article></main>
<footer><p>© 2024 Gazette. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"#,
        m = i % 60
    )
}

fn warc_record(kind: &str, uri: &str, ct: &str, body: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n\
         WARC-Date: 2024-03-05T10:00:00Z\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    v.extend_from_slice(body);
    v.extend_from_slice(b"\r\n\r\n");
    v
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// A WARC.gz (one member per record) of `n` article responses, each after its
/// request, with a 404 every tenth.
fn warc_gz(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        let uri = format!("https://news.example/{i}");
        let get = format!("GET /{i} HTTP/1.1\r\nHost: news.example\r\n\r\n");
        out.extend(gzip(&warc_record(
            "request",
            &uri,
            "application/http; msgtype=request",
            get.as_bytes(),
        )));
        let http = if i % 10 == 9 {
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html>gone</html>".to_string()
        } else {
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{}",
                page(i)
            )
        };
        out.extend(gzip(&warc_record(
            "response",
            &uri,
            "application/http; msgtype=response",
            http.as_bytes(),
        )));
    }
    out
}

/// Resuming a WARC run cut anywhere gives back the uninterrupted output (ids are
/// URIs); a WARC without a .warc name is sniffed, also on standard input.
#[test]
fn warc_resume_and_sniffing() {
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("crawl.warc.gz");
    let bytes = warc_gz(30);
    std::fs::write(&warc, &bytes).unwrap();
    let out = dir.path().join("out.jsonl");
    let args = ["classify", s(&warc), "-o", s(&out), "-q", "--chunk", "4"];
    run_ok(&args, None, 0);
    let full = std::fs::read(&out).unwrap();
    let got = lines(&full);
    assert_eq!(got.len(), 30);
    for (i, v) in got.iter().enumerate() {
        assert_eq!(v["id"], format!("https://news.example/{i}"));
        if i % 10 == 9 {
            assert_eq!(v["skipped"], "HTTP 404");
        } else {
            check_page(v);
        }
    }
    for cut in [1, full.len() / 3, full.len() / 2, full.len() - 1] {
        std::fs::write(&out, &full[..cut]).unwrap();
        let mut resumed = args.to_vec();
        resumed.push("--resume");
        run_ok(&resumed, None, 0);
        assert!(
            std::fs::read(&out).unwrap() == full,
            "cut at {cut}: output differs after --resume"
        );
    }
    // The same archive without its name, and on standard input (compressed or not).
    let unnamed = dir.path().join("download.bin");
    std::fs::write(&unnamed, &bytes).unwrap();
    let direct = run_ok(&["classify", s(&unnamed)], None, 0).stdout;
    assert!(direct == full);
    assert!(run_ok(&["classify", "-"], Some(&bytes), 0).stdout == full);
    let mut plain = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(&bytes[..]),
        &mut plain,
    )
    .unwrap();
    assert!(run_ok(&["classify", "--format", "warc"], Some(&plain), 0).stdout == full);
}

#[test]
fn html_directories_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("2024/03")).unwrap();
    std::fs::write(root.join("2024/03/bridge.html"), page(1)).unwrap();
    // Latin-1, declared in a meta tag.
    let latin1 = page(2)
        .replace("<meta charset=\"utf-8\">", "<meta charset=\"iso-8859-1\">")
        .replace("Mayor Ana Ruiz", "Mayor Zoé Ruiz")
        .replace(['“', '”'], "\"")
        .replace('©', "(c)");
    let latin1: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
    std::fs::write(root.join("2024/03/cafe.htm"), latin1).unwrap();
    std::fs::write(
        root.join("2024/index.html"),
        "<html><head><title>Index</title></head><body><nav><a href=/>Home</a></nav></body></html>",
    )
    .unwrap();
    std::fs::write(
        root.join("notes.txt"),
        "Plain text stays plain. \"It works,\" she said.",
    )
    .unwrap();
    std::fs::write(root.join("logo.png"), b"\x89PNG").unwrap();

    // Skipped pages are not failures: exit 0.
    let out = run_ok(&["classify", s(&root)], None, 0);
    let got = lines(&out.stdout);
    let ids: Vec<&str> = got.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "2024/03/bridge.html",
            "2024/03/cafe.htm",
            "2024/index.html",
            "notes.txt"
        ]
    );
    let text = check_page(&got[0]);
    assert!(text.contains("“We cannot wait another winter,” Mayor Ana Ruiz said"));
    assert_eq!(got[0]["title"], "Council approves bridge 1");
    assert_eq!(got[0]["date"], "2024-03-05T09:01:00Z");
    assert!(got[0].get("url").is_none(), "files have no URL");
    assert!(check_page(&got[1]).contains("Mayor Zoé Ruiz"));
    assert_eq!(got[2]["skipped"], "no article text");
    // A .txt file in the same tree reads exactly as before: no web fields.
    assert!(got[3].get("text").is_none() && got[3].get("title").is_none());
    assert!(!got[3]["sentences"].as_array().unwrap().is_empty());

    // --format html on the directory: the pages only. One .html file: one page.
    let html_only = lines(&run_ok(&["classify", "--format", "html", s(&root)], None, 0).stdout);
    assert_eq!(html_only.len(), 3);
    assert!(html_only[..] == got[..3]);
    let one = lines(&run_ok(&["classify", s(&root.join("2024/03/bridge.html"))], None, 0).stdout);
    assert_eq!(one[0]["id"], "bridge.html");
    assert_eq!(one[0]["sentences"], got[0]["sentences"]);
    let stdin = run_ok(
        &["classify", "--format", "html", "-"],
        Some(page(1).as_bytes()),
        0,
    );
    assert_eq!(lines(&stdin.stdout)[0]["text"], got[0]["text"]);
}

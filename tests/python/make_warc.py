"""Writes the WARC.gz test archive of tests/web.rs with warcio, the reference
Python WARC library, so the Rust reader is checked against files real tools write.

Usage: make_warc.py OUT.warc.gz
Records, in order: warcinfo; then for each of 3 news articles a request and its
response (HTML with navigation, footer, <title>, a published-date meta and a quote);
a PDF response; a 404 response; a metadata record; and a last article response
truncated mid-record (an interrupted download). The expected outcome is printed as
JSON on stdout for the test to compare with.
"""

import io
import json
import sys

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ARTICLES = [
    ("https://news.example/2024/03/05/bridge", "Council approves bridge repair",
     "2024-03-05T09:30:00Z", "Ana Ruiz", "Mayor", "We cannot wait another winter"),
    ("https://news.example/2024/03/06/school", "New school opens in Riverside",
     "2024-03-06T08:00:00Z", "Maria Lopez", "Principal", "The children deserve a safe building"),
    ("https://news.example/2024/03/07/flood", "Flood warning for the valley",
     "2024-03-07T17:45:00Z", "John Carter", "Police chief", "Stay away from the river banks"),
]


def page(title, date, speaker, role, quote):
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | Valley Gazette</title>
<meta property="article:published_time" content="{date}">
</head><body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>
<main><article><h1>{title}</h1>
<p>Officials confirmed the decision on Tuesday after a long meeting at the town hall,
ending months of debate about the cost and the timetable of the work.</p>
<p>"{quote}," {role} {speaker} said after the meeting. "Everyone here has waited long enough."</p>
<p>Critics said the plan was too costly and that the money should go elsewhere. The work
is expected to start in June and to finish by December, the council said.</p>
<p>The state will pay for a third of the costs, according to the regional office, which
reviewed the plans last autumn.</p>
</article></main>
<footer><p>&copy; 2024 Valley Gazette. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def response(writer, uri, status, ctype, body):
    headers = StatusAndHeaders(status, [("Content-Type", ctype),
                                        ("Content-Length", str(len(body)))],
                               protocol="HTTP/1.1")
    rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                    http_headers=headers)
    writer.write_record(rec)


def main():
    out_path = sys.argv[1]
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(writer.create_warcinfo_record(
        "test.warc.gz", {"software": "make_warc.py", "format": "WARC File Format 1.0"}))
    expected = {"articles": [], "skipped": {}, "other_records": 1}
    for uri, title, date, speaker, role, quote in ARTICLES:
        req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(uri, "request", http_headers=req))
        expected["other_records"] += 1
        body = page(title, date, speaker, role, quote).encode("utf-8")
        response(writer, uri, "200 OK", "text/html; charset=utf-8", body)
        expected["articles"].append({"url": uri, "title": title,
                                     "date": date, "speaker": speaker, "quote": quote})
    response(writer, "https://news.example/report.pdf", "200 OK", "application/pdf",
             b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n")
    expected["skipped"]["https://news.example/report.pdf"] = "content type application/pdf"
    response(writer, "https://news.example/missing", "404 Not Found", "text/html",
             b"<html><body><h1>Not found</h1></body></html>")
    expected["skipped"]["https://news.example/missing"] = "HTTP 404"
    writer.write_record(writer.create_warc_record(
        "https://news.example/2024/03/05/bridge", "metadata",
        payload=io.BytesIO(b"fetchTimeMs: 120\r\n"), warc_content_type="application/warc-fields"))
    expected["other_records"] += 1
    whole = buf.getvalue()
    # The last record, written alone, then cut: its gzip member ends early.
    last = io.BytesIO()
    tail_writer = WARCWriter(last, gzip=True)
    response(tail_writer, "https://news.example/2024/03/08/cut", "200 OK",
             "text/html; charset=utf-8",
             page("Cut off", "2024-03-08T10:00:00Z", "Ann Lee", "Mayor", "Never seen").encode())
    tail = last.getvalue()
    with open(out_path, "wb") as f:
        f.write(whole + tail[: len(tail) // 2])
    expected["truncated"] = "https://news.example/2024/03/08/cut"
    json.dump(expected, sys.stdout)


if __name__ == "__main__":
    main()

"""The PySpark job (examples/spark/newsroles_spark.py) in local[2] mode against a direct
`newsroles classify` of the same input: the outputs must be equal byte for byte after
sorting by id.

The binary and model reach the executors as with `spark-submit --files` (SparkContext
.addFile, found with SparkFiles.get). One SparkSession serves the whole module.
Skips with a reason where pyspark or Java is missing, unless NEWSROLES_REQUIRE_PYTHON
is set (CI).
"""

import functools
import gzip
import html
import http.server
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from conftest import REPO

JOB = REPO / "examples" / "spark" / "newsroles_spark.py"
MAKE_WARC = REPO / "tests" / "python" / "make_warc.py"
# Absolute: some subprocesses here run in another working directory.
BINARY = Path(os.environ.get("NEWSROLES_BIN", REPO / "target/debug/newsroles")).resolve()
MODEL = Path(os.environ.get("NEWSROLES_MODEL", REPO / "models/default/newsroles.model")).resolve()
REQUIRED = bool(os.environ.get("NEWSROLES_REQUIRE_PYTHON"))


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -r tests/python/requirements.txt)"
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and (Path(java_home) / "bin" / "java").exists()):
        return "no java on PATH or JAVA_HOME (Spark needs Java 17)"
    return None


_REASON = _missing()
if _REASON and REQUIRED:
    pytest.fail(f"NEWSROLES_REQUIRE_PYTHON is set but {_REASON}", pytrace=False)
pytestmark = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """local[2] SparkSession with the binary and the model added as with --files."""
    from pyspark.sql import SparkSession

    if not BINARY.is_file():
        pytest.fail(f"{BINARY} not found: run `cargo build` first or set NEWSROLES_BIN")
    # Workers must run this interpreter (it has pyspark); no UI, no network names.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("newsroles-spark-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    # SparkFiles.get looks files up by base name: ship them as `newsroles` and
    # `newsroles.model` whatever the local names are.
    ship = tmp_path_factory.mktemp("ship")
    for src, name in ((BINARY, "newsroles"), (MODEL, "newsroles.model")):
        dst = ship / name
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
        session.sparkContext.addFile(str(dst))
    session.sparkContext.addPyFile(str(JOB))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def job():
    sys.path.insert(0, str(JOB.parent))
    try:
        import newsroles_spark
    finally:
        sys.path.remove(str(JOB.parent))
    return newsroles_spark


def _records() -> list[dict]:
    """A few dozen articles from the in-repo fixtures, with distinct ids and texts."""
    base = []
    for name in ("articles.jsonl", "eval-gold.jsonl"):
        with open(REPO / "tests" / "fixtures" / name, encoding="utf-8") as f:
            base += [json.loads(line) for line in f if line.strip()]
    records = []
    for rep in range(4):
        for r in base:
            # Non-ASCII and a non-BMP character: offsets are code points.
            tail = f"\n\nReporting by desk {rep} \u00e9\u00e8 \U0001F4F0."
            text = r["text"] if rep == 0 else r["text"] + tail
            records.append({"id": f"{r['id']}#{rep}", "text": text})
    return records


def _write_jsonl(directory: Path, records: list[dict], files: int = 3) -> list[Path]:
    """Split over `files` files (the last gzipped), with a blank line in the first."""
    directory.mkdir(parents=True)
    paths = []
    per = -(-len(records) // files)
    for i in range(files):
        chunk = records[i * per:(i + 1) * per]
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk)
        if i == 0:
            lines = lines + "\n"  # blank lines are not records, for either path
        if i == files - 1:
            p = directory / f"part{i}.jsonl.gz"
            p.write_bytes(gzip.compress(lines.encode("utf-8")))
        else:
            p = directory / f"part{i}.jsonl"
            p.write_text(lines, encoding="utf-8")
        paths.append(p)
    return paths


def _direct(inputs: list[Path]) -> bytes:
    out = subprocess.run(
        [str(BINARY), "classify", "--quiet", "--model", str(MODEL), *map(str, inputs)],
        capture_output=True, timeout=300,
    )
    assert out.returncode in (0, 1), out.stderr.decode()
    return out.stdout


def _spark_output(out_dir: Path) -> bytes:
    parts = sorted(out_dir.glob("part-*"))
    assert (out_dir / "_SUCCESS").exists(), f"no _SUCCESS in {out_dir}"
    return b"".join(
        gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes() for p in parts
    )


def _sorted_by_id(data: bytes) -> bytes:
    lines = data.splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == len(set(ids)), "ids must be unique to compare"
    return b"\n".join(line for _, line in sorted(zip(ids, lines)))


def test_jsonl_directory_matches_direct_classify(spark, job, tmp_path):
    records = _records()
    assert len(records) >= 40
    inputs = _write_jsonl(tmp_path / "in", records)
    out_dir = tmp_path / "out"
    # Binary and model from SparkFiles, as on a cluster.
    summary = job.main([str(tmp_path / "in"), str(out_dir), "--partitions", "4"], spark)
    assert summary["format"] == "jsonl"
    assert summary["records_in"] == summary["records_out"] == len(records)
    assert summary["error_records"] == 0
    assert len(list(out_dir.glob("part-*"))) >= 3, "the input was not split over tasks"
    spark_out = _spark_output(out_dir)
    direct = _direct(inputs)
    assert direct.count(b"\n") == len(records)
    assert _sorted_by_id(spark_out) == _sorted_by_id(direct)
    # On a cluster the inputs are listed through Hadoop's FileSystem: same files.
    hadoop = job._list_hadoop((tmp_path / "in").as_uri())
    assert [Path(h).name for h in hadoop] == [p.name for p in inputs]


def test_rdd_pipe_drives_classify_per_partition(spark, tmp_path):
    """Spark's own RDD.pipe (what Hadoop streaming does too): one `classify -` process
    per partition, one output line per input line, in order."""
    records = _records()
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    cmd = f"{BINARY} classify --quiet --jobs 1 --model {MODEL} -"
    piped = spark.sparkContext.parallelize(lines, 3).pipe(cmd, checkCode=True).collect()
    assert [json.loads(line)["id"] for line in piped] == [r["id"] for r in records]
    src = tmp_path / "all.jsonl"
    src.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    assert "\n".join(piped).encode() + b"\n" == _direct([src])


def test_error_records_are_kept_and_counted(spark, job, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_text(
        '{"id": "ok", "text": "\\"We will win,\\" she said."}\nnot json\n{"id": "no-text"}\n',
        encoding="utf-8")
    out_dir = tmp_path / "out"
    # Explicit paths, as for a local run.
    summary = job.main([str(src), str(out_dir), "--binary", str(BINARY), "--model", str(MODEL),
                        "--compress", "gzip"], spark)
    assert summary["records_in"] == summary["records_out"] == 3
    assert summary["error_records"] == 2
    assert all(p.suffix == ".gz" for p in out_dir.glob("part-*"))
    lines = [json.loads(line) for line in _spark_output(out_dir).splitlines()]
    assert [("error" in r) for r in lines] == [False, True, True]
    assert lines[0]["id"] == "ok" and lines[2]["id"] == "no-text"


def test_fatal_classify_error_fails_the_job(spark, job, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_text('{"id": "1", "text": "Hello."}\n', encoding="utf-8")
    bad_model = tmp_path / "bad.model"
    bad_model.write_bytes(b"not a model")
    with pytest.raises(Exception) as e:
        job.main([str(src), str(tmp_path / "out"), "--binary", str(BINARY),
                  "--model", str(bad_model)], spark)
    # The task's error carries classify's exit status and its stderr (the model path).
    assert "exited with 2" in str(e.value) and "bad.model" in str(e.value)


def _warc_ready() -> str | None:
    # WARC input to classify came with tests/python/make_warc.py, which needs warcio.
    if not MAKE_WARC.exists():
        return "WARC input to classify has not landed (no tests/python/make_warc.py)"
    if importlib.util.find_spec("warcio") is None:
        if REQUIRED:
            pytest.fail("NEWSROLES_REQUIRE_PYTHON is set but warcio is not installed",
                        pytrace=False)
        return "warcio is not installed (pip install -r tests/python/requirements.txt)"
    return None


@pytest.mark.skipif(_warc_ready() is not None, reason=_warc_ready() or "")
def test_warc_files_match_direct_classify(spark, job, tmp_path):
    src = tmp_path / "warc"
    src.mkdir()
    records = _records()
    warcs = []
    for i, chunk in enumerate((records[:20], records[20:])):
        path = src / f"news-{i}.warc.gz"
        write_warc(path, chunk)
        warcs.append(path)
    # make_warc.py's archive (warcio-written) adds a PDF, a 404 and a record cut off by
    # the end of the file: an error line, so that classify exits 1 and its lines stay.
    made = src / "news-2.warc.gz"
    subprocess.run([sys.executable, str(MAKE_WARC), str(made)], check=True,
                   capture_output=True, timeout=60)
    warcs.append(made)
    out_dir = tmp_path / "out"
    summary = job.main([str(src), str(out_dir)], spark)
    assert summary["format"] == "warc" and summary["warc_files_done"] == 3
    direct = _direct(warcs)
    assert summary["records_out"] == direct.count(b"\n") > len(records)
    assert summary["error_records"] == direct.count(b'"error":') >= 1
    assert _sorted_by_id(_spark_output(out_dir)) == _sorted_by_id(direct)

    # The same files as https?:// URLs in a list (--format warc-list), as for CC-NEWS.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(src))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        urls = tmp_path / "warc.urls"
        url = {w: f"http://127.0.0.1:{httpd.server_port}/{w.name}" for w in warcs}
        urls.write_text("".join(u + "\n" for u in url.values()))
        summary = job.main([str(urls), str(tmp_path / "out-urls"), "--format", "warc-list"],
                           spark)
        httpd.shutdown()
    assert summary["warc_files_done"] == 3
    # Error lines name the URL, not the temporary download.
    for w, u in url.items():
        direct = direct.replace(f'"error":"{w}:'.encode(), f'"error":"{u}:'.encode())
    assert _sorted_by_id(_spark_output(tmp_path / "out-urls")) == _sorted_by_id(direct)


def _warc_record(kind: str, uri: str | None, content_type: str, block: bytes) -> bytes:
    """One WARC/1.0 record as its own gzip member (as Common Crawl writes them)."""
    headers = [f"WARC-Type: {kind}",
               f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, kind + (uri or ''))}>",
               "WARC-Date: 2025-01-01T00:00:00Z"]
    if uri:
        headers.append(f"WARC-Target-URI: {uri}")
    headers += [f"Content-Type: {content_type}", f"Content-Length: {len(block)}"]
    head = ("WARC/1.0\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n").encode()
    return gzip.compress(head + block + b"\r\n\r\n", mtime=0)


def write_warc(path: Path, records: list[dict]) -> None:
    """A CC-NEWS-like WARC: warcinfo, then a request and an HTML response per article
    (target URI https://news.example/ID); only responses give output lines."""
    out = [_warc_record("warcinfo", None, "application/warc-fields", b"software: test\r\n")]
    for r in records:
        uri = "https://news.example/" + r["id"].replace("#", "/")
        body = "<!doctype html><html><head><meta charset=utf-8><title>{}</title></head>" \
               "<body><article>{}</article></body></html>".format(
                   html.escape(r["id"]),
                   "".join(f"<p>{html.escape(p)}</p>" for p in r["text"].split("\n\n")))
        payload = body.encode("utf-8")
        response = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                + f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
        path_part = r["id"].replace("#", "/")
        request = f"GET /{path_part} HTTP/1.1\r\nHost: news.example\r\n\r\n".encode()
        out.append(_warc_record("request", uri, "application/http; msgtype=request", request))
        out.append(_warc_record("response", uri, "application/http; msgtype=response", response))
    path.write_bytes(b"".join(out))

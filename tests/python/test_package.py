"""The pip-installed client package (clients/python, `newsroles_client`) against the
real server: its answers must be exactly the CLI's output lines for the same texts.

The package is imported as installed (`python3 -m pip install ./clients/python`,
which .ci/run does), with the stubs its build generated; nothing here generates them.
Scores and confidences compare with `==`: the package writes each 32-bit float as the
CLI's JSON does (see newsroles_client.shape).
"""

import hashlib
import json
import os
import subprocess
from pathlib import Path

import grpc
import pytest

from conftest import REPO, serving

try:
    from newsroles_client import Client
except ImportError:
    # CI installs the package before `cargo test` and sets this: there it must be there.
    if os.environ.get("NEWSROLES_REQUIRE_PYTHON"):
        raise
    pytest.skip("the client package is not installed: python3 -m pip install ./clients/python",
                allow_module_level=True)

FIXTURE = REPO / "tests" / "fixtures" / "articles.jsonl"
BINARY = Path(os.environ.get("NEWSROLES_BIN", REPO / "target" / "debug" / "newsroles"))
MODEL = Path(os.environ.get("NEWSROLES_MODEL", REPO / "models" / "default" / "newsroles.model"))
# Non-ASCII on purpose (NBSP, curly quotes, an accent, an emoji): spans are code points.
ARTICLE = (
    "Mayor Lena\u00a0Bergé 😀 opened the new bridge on Monday morning.\n\n"
    "\u201cThis bridge connects two halves of our city,\u201d she said.\n\n"
    "The old crossing was built in 1932 and closed last year."
)


def cli_lines(path, *flags):
    """`newsroles classify [flags] path`, parsed line by line."""
    out = subprocess.run(
        [str(BINARY), "classify", "--model", str(MODEL), *flags, str(path)],
        capture_output=True, check=True, timeout=300, cwd=REPO,
    )
    return [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """The fixture articles plus the non-ASCII one, as the CLI's JSONL input file."""
    docs = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    docs.append({"id": "non-ascii", "text": ARTICLE})
    path = tmp_path_factory.mktemp("docs") / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return docs, path


@pytest.fixture
def client(server):
    with Client(server, timeout=60) as c:
        yield c


def test_classify_is_the_cli_line(client, documents):
    docs, path = documents
    expected = cli_lines(path)
    assert len(expected) == len(docs) >= 5
    # The comparison has to cover every optional part of the shape.
    assert any("speaker" in s for line in expected for s in line["sentences"])
    assert any("cue" in q and "speaker" in q for line in expected for q in line["quotes"])
    assert any(not q["direct"] for line in expected for q in line["quotes"])
    assert any(line["speakers"] for line in expected)
    for doc, line in zip(docs, expected):
        got = client.classify(doc["text"], id=doc["id"])
        assert got == line, doc["id"]
        assert list(got) == ["id", "sentences", "quotes", "speakers"]  # the CLI's key order


def test_without_text_is_the_cli_no_text_line(client, documents):
    docs, path = documents
    expected = cli_lines(path, "--no-text")
    assert not any("text" in s for line in expected for s in line["sentences"])
    got = [client.classify(d["text"], id=d["id"], include_text=False) for d in docs]
    assert got == expected


def test_entities_and_attributions_are_the_cli_lines(client, documents):
    docs, path = documents
    expected = cli_lines(path, "--entities", "--attributions")
    assert any(line.get("entities") for line in expected)
    assert any(q["type"] != "speech" for line in expected for q in line["quotes"])
    got = [
        client.classify(d["text"], id=d["id"], include_entities=True, include_attributions=True)
        for d in docs
    ]
    assert got == expected


def test_classify_many_streams_cli_lines_in_order(client, documents):
    docs, path = documents
    expected = cli_lines(path)
    # A mapping (a JSONL input line), an (id, text) pair and a bare text are all documents.
    inputs = [docs[0], (docs[1]["id"], docs[1]["text"]), *docs[2:], docs[0]["text"]]
    got = list(client.classify_many(inputs))
    assert got == [*expected, {**expected[0], "id": ""}]


def test_classify_many_rejects_a_non_document_after_answering_the_ones_before(client):
    answers = client.classify_many(["One sentence here.", 42])
    first = next(answers)
    assert first["sentences"][0]["text"] == "One sentence here."
    with pytest.raises(TypeError, match="int"):
        next(answers)


def test_model_info_describes_the_served_file(client):
    info = client.model_info()
    assert info["labels"] == ["quote", "claim", "event", "background"]
    assert info["sha256"] == hashlib.sha256(MODEL.read_bytes()).hexdigest()
    assert info["metrics"] and all(isinstance(v, float) for v in info["metrics"].values())


def test_closed_client_refuses_calls(server):
    with Client(server) as c:
        c.model_info(timeout=10)
    with pytest.raises(ValueError):
        c.model_info(timeout=10)


def test_token_and_per_document_errors(tmp_path_factory):
    token_file = tmp_path_factory.mktemp("token") / "token"
    token_file.write_text("s3cret\n")
    with serving(tmp_path_factory, "--auth-token-file", str(token_file), "--max-text-bytes", "200") as addr:
        with Client(addr, timeout=60) as anonymous:
            with pytest.raises(grpc.RpcError) as e:
                anonymous.classify("Hello.")
            assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with Client(addr, token="s3cret", timeout=60) as c:
            assert c.classify("Hello there.", id="h")["id"] == "h"
            # In a stream, a document over the limit is answered with the CLI's error
            # line, and the stream goes on.
            answers = list(c.classify_many([("long", "word " * 100), ("ok", "Short text.")]))
            assert answers[0]["id"] == "long"
            assert answers[0]["error"].startswith("RESOURCE_EXHAUSTED: ")
            assert set(answers[0]) == {"id", "error"}
            assert answers[1]["id"] == "ok" and answers[1]["sentences"]

"""The Python example client (examples/python/client.py), run as a user would run it,
against the real server: Classify for one file, ClassifyStream for several, health."""

import subprocess
import sys

from conftest import REPO

EXAMPLE = REPO / "examples" / "python" / "client.py"

ARTICLE = (
    "Mayor Lena Berg opened the new bridge on Monday.\n\n"
    "\u201cThis bridge connects two halves of our city,\u201d she said.\n"
)


def run_client(server, *files):
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), "--addr", server, *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_example_classifies_one_file(server, tmp_path):
    f = tmp_path / "bridge.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    out = run_client(server, f)
    assert out.startswith("bridge.txt: ")
    assert "quote" in out and "connects two halves" in out
    assert "health: SERVING" in out


def test_example_streams_several_files_in_order(server, tmp_path):
    files = []
    for i in range(5):
        f = tmp_path / f"doc{i}.txt"
        f.write_text(ARTICLE.replace("Monday", f"day {i}"), encoding="utf-8")
        files.append(f)
    out = run_client(server, *files)
    heads = [line.split(":")[0] for line in out.splitlines() if line.startswith("doc")]
    assert heads == [f"doc{i}.txt" for i in range(5)]

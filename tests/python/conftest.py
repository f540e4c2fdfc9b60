"""Fixtures for the Python client tests of the gRPC server.

- `server`: the built binary, `newsroles serve --addr 127.0.0.1:0`, started once per
  session; its address is read from the `newsroles: listening on ADDR` line on stdout.
  `serving(tmp_path_factory, *args)` starts another one with more flags.
  Binary from $NEWSROLES_BIN (default <repo>/target/debug/newsroles), model from
  $NEWSROLES_MODEL (default <repo>/models/default/newsroles.model).
- `pb`: Python stubs generated from proto/ at test time into a temp dir (never committed).
"""

import contextlib
import importlib
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = float(os.environ.get("NEWSROLES_STARTUP_TIMEOUT", "60"))
LISTENING = "newsroles: listening on "


@pytest.fixture(scope="session")
def pb(tmp_path_factory):
    """(newsroles_pb2, newsroles_pb2_grpc) generated with grpc_tools.protoc."""
    from grpc_tools import protoc

    out = tmp_path_factory.mktemp("stubs")
    proto = REPO / "proto"
    rc = protoc.main([
        "grpc_tools.protoc",
        f"-I{proto}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        str(proto / "newsroles" / "v1" / "newsroles.proto"),
    ])
    assert rc == 0, f"protoc failed with {rc}"
    sys.path.insert(0, str(out))
    try:
        pb2 = importlib.import_module("newsroles.v1.newsroles_pb2")
        pb2_grpc = importlib.import_module("newsroles.v1.newsroles_pb2_grpc")
    finally:
        sys.path.remove(str(out))
    return pb2, pb2_grpc


def _read_address(proc, log):
    """The address announced on stdout, or fail with the server's log."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buf = b""
    while time.monotonic() < deadline:
        if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:  # stdout closed: the server exited
            proc.wait(timeout=10)
            pytest.fail(f"server exited with {proc.returncode} before listening:\n{log.read_text()}")
        buf += chunk
        for line in buf.decode("utf-8", "replace").splitlines():
            if line.startswith(LISTENING):
                return line[len(LISTENING):].strip()
    proc.kill()
    pytest.fail(f"no '{LISTENING}ADDR' line within {STARTUP_TIMEOUT_S}s:\n{log.read_text()}")


@contextlib.contextmanager
def serving(tmp_path_factory, *args):
    """Runs `newsroles serve --addr 127.0.0.1:0 *args` and gives its address
    (host:port); stopped with SIGTERM at the end, which must be a clean, graceful exit."""
    binary = Path(os.environ.get("NEWSROLES_BIN", REPO / "target" / "debug" / "newsroles"))
    model = Path(os.environ.get("NEWSROLES_MODEL", REPO / "models" / "default" / "newsroles.model"))
    if not binary.is_file():
        pytest.fail(f"{binary} not found: run `cargo build` first or set NEWSROLES_BIN")
    log = tmp_path_factory.mktemp("server") / "stderr.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [str(binary), "serve", "--addr", "127.0.0.1:0", "--model", str(model), *args],
            stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, cwd=REPO,
        )
    try:
        yield _read_address(proc, log)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                pytest.fail(f"server ignored SIGTERM:\n{log.read_text()}")
        proc.stdout.close()
        assert proc.returncode == 0, f"server exited with {proc.returncode}:\n{log.read_text()}"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The address (host:port) of a running server with default settings."""
    with serving(tmp_path_factory) as addr:
        yield addr


@pytest.fixture
def channel(server):
    with grpc.insecure_channel(server) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield ch


@pytest.fixture
def stub(pb, channel):
    return pb[1].NewsRolesStub(channel)

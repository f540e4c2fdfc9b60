#!/usr/bin/env python3
"""A Python client of the newsroles gRPC service.

The stubs are generated from proto/ with grpcio-tools into a temporary directory
each time this runs (nothing generated is committed):

    pip install -r tests/python/requirements.txt
    python3 examples/python/client.py --addr 127.0.0.1:50051 ARTICLE.txt [MORE.txt ...]

One file is sent with Classify; several go through ClassifyStream, whose answers come
back in order. Prints each sentence's role and text (Python slicing of the file's text
by the reported code-point span) and each quote's speaker, then the health status.
--token sends `authorization: Bearer TOKEN`; --tls-ca CERT.pem connects with TLS.
"""

import argparse
import importlib
import sys
import tempfile
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

PROTO = Path(__file__).resolve().parents[2] / "proto"


def load_stubs(out_dir):
    """(newsroles_pb2, newsroles_pb2_grpc), generated from proto/ into out_dir."""
    from grpc_tools import protoc

    rc = protoc.main([
        "grpc_tools.protoc",
        f"-I{PROTO}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        str(PROTO / "newsroles" / "v1" / "newsroles.proto"),
    ])
    if rc != 0:
        sys.exit(f"protoc failed with status {rc}")
    sys.path.insert(0, str(out_dir))
    return (importlib.import_module("newsroles.v1.newsroles_pb2"),
            importlib.import_module("newsroles.v1.newsroles_pb2_grpc"))


def show(pb2, text, analysis):
    if analysis.HasField("error"):
        print(f"{analysis.id}: error {analysis.error.code}: {analysis.error.message}")
        return
    print(f"{analysis.id}: {len(analysis.sentences)} sentences, {len(analysis.quotes)} quotes")
    for s in analysis.sentences:
        role = pb2.Role.Name(s.role).removeprefix("ROLE_").lower()
        line = " ".join(text[s.span.start:s.span.end].split())
        speaker = f"  <- {s.speaker.entity}" if s.HasField("speaker") else ""
        print(f"  {role:<10} {line[:90]}{speaker}")
    for e in analysis.speakers:
        print(f"  speaker {e.entity}: {e.quotes} quotes, {e.mentions} mentions")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--addr", default="127.0.0.1:50051")
    ap.add_argument("--token", help="bearer token (server started with --auth-token-file)")
    ap.add_argument("--tls-ca", type=Path, help="CA certificate (PEM) to trust; enables TLS")
    ap.add_argument("--timeout", type=float, default=60.0, help="deadline per call, seconds")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as stubs:
        pb2, pb2_grpc = load_stubs(stubs)
        if args.tls_ca:
            creds = grpc.ssl_channel_credentials(root_certificates=args.tls_ca.read_bytes())
            channel = grpc.secure_channel(args.addr, creds)
        else:
            channel = grpc.insecure_channel(args.addr)
        metadata = [("authorization", f"Bearer {args.token}")] if args.token else []
        with channel:
            stub = pb2_grpc.NewsRolesStub(channel)
            texts = {f.name: f.read_text(encoding="utf-8") for f in args.files}
            docs = [pb2.Document(id=name, text=text) for name, text in texts.items()]
            try:
                if len(docs) == 1:
                    res = stub.Classify(pb2.ClassifyRequest(documents=docs),
                                        timeout=args.timeout, metadata=metadata)
                    answers = res.analyses
                else:
                    answers = stub.ClassifyStream(iter(docs), timeout=args.timeout,
                                                  metadata=metadata)
                for a in answers:
                    show(pb2, texts[a.id], a)
            except grpc.RpcError as e:
                sys.exit(f"{e.code().name}: {e.details()}")
            health = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="newsroles.v1.NewsRoles"), timeout=10)
            print("health:", health_pb2.HealthCheckResponse.ServingStatus.Name(health.status))


if __name__ == "__main__":
    main()

"""The Kubernetes manifests (deploy/kubernetes/) and the container file (deploy/Dockerfile)
against each other and against the real binary: the Deployment's arguments start the
server (with the address and model swapped for local ones) and its health answers what
the probes ask; ports, selectors, the HPA target, the shutdown timing and the image's
user, ports and model path agree. Schema validation is kubernetes-validate in .ci/run.
"""

import os
import re
import subprocess
import time
from pathlib import Path

import grpc
import pytest
import yaml
from grpc_health.v1 import health_pb2, health_pb2_grpc

from conftest import REPO, _read_address

# Absolute: some subprocesses here run in another working directory.
BINARY = Path(os.environ.get("NEWSROLES_BIN", REPO / "target/debug/newsroles")).resolve()
MODEL = Path(os.environ.get("NEWSROLES_MODEL", REPO / "models/default/newsroles.model")).resolve()
K8S = REPO / "deploy" / "kubernetes"
DOCKERFILE = REPO / "deploy" / "Dockerfile"


def _load() -> dict[tuple[str, str], dict]:
    docs = {}
    for f in sorted(K8S.glob("*.yaml")):
        if f.name == "kustomization.yaml":
            continue
        for d in yaml.safe_load_all(f.read_text(encoding="utf-8")):
            if d:
                key = (d["kind"], d["metadata"]["name"])
                assert key not in docs, f"{key} defined twice"
                docs[key] = d
    return docs


DOCS = _load()
DEPLOY = DOCS[("Deployment", "newsroles")]
POD = DEPLOY["spec"]["template"]
CONTAINER = POD["spec"]["containers"][0]
ARGS = CONTAINER["args"]
PORTS = {p["name"]: p["containerPort"] for p in CONTAINER["ports"]}


def _flag(name: str) -> str:
    """The value of `--name VALUE` or `--name=VALUE` in the container args."""
    for i, a in enumerate(ARGS):
        if a == name:
            return ARGS[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    raise AssertionError(f"{name} not in the container args {ARGS}")


def _port(addr: str) -> int:
    return int(addr.rsplit(":", 1)[1])


def test_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    on_disk = {f.name for f in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


def test_ports_agree_between_args_probes_and_services():
    assert _port(_flag("--addr")) == PORTS["grpc"]
    assert _port(_flag("--metrics-addr")) == PORTS["metrics"]
    # Listening on loopback inside a pod would make every probe and Service fail.
    assert not _flag("--addr").startswith("127."), "the server must listen on the pod IP"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert CONTAINER[probe]["grpc"]["port"] == PORTS["grpc"], probe
    assert int(POD["metadata"]["annotations"]["prometheus.io/port"]) == PORTS["metrics"]
    services = [d for (kind, _), d in DOCS.items() if kind == "Service"]
    assert {s["metadata"]["name"] for s in services} == {"newsroles", "newsroles-headless"}
    for s in services:
        for p in s["spec"]["ports"]:
            target = p["targetPort"]
            assert (target in PORTS) if isinstance(target, str) else (target in PORTS.values()), \
                f"{s['metadata']['name']}: targetPort {target} is no container port"
    headless = DOCS[("Service", "newsroles-headless")]["spec"]
    assert headless["clusterIP"] == "None"
    assert [p["port"] for p in headless["ports"]] == [PORTS["grpc"]]


def test_selectors_match_the_pods():
    labels = POD["metadata"]["labels"]
    selectors = [DEPLOY["spec"]["selector"]["matchLabels"],
                 DOCS[("PodDisruptionBudget", "newsroles")]["spec"]["selector"]["matchLabels"]]
    selectors += [d["spec"]["selector"] for (kind, _), d in DOCS.items() if kind == "Service"]
    for sel in selectors:
        assert sel and sel.items() <= labels.items(), f"{sel} does not select {labels}"


def test_hpa_scales_the_deployment_on_cpu():
    hpa = DOCS[("HorizontalPodAutoscaler", "newsroles")]["spec"]
    ref = hpa["scaleTargetRef"]
    assert (ref["apiVersion"], ref["kind"], ref["name"]) == (
        DEPLOY["apiVersion"], DEPLOY["kind"], DEPLOY["metadata"]["name"])
    assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]
    # CPU utilisation is relative to the request: without one the HPA cannot scale.
    assert "cpu" in CONTAINER["resources"]["requests"]
    assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]
    assert "replicas" not in DEPLOY["spec"], "spec.replicas would fight the HPA on re-apply"


def test_concurrency_matches_the_cpu_request():
    cpu = str(CONTAINER["resources"]["requests"]["cpu"])
    cores = int(cpu[:-1]) / 1000 if cpu.endswith("m") else float(cpu)
    assert int(_flag("--max-concurrent")) == max(1, int(cores))


def test_shutdown_fits_the_termination_grace_period():
    pre_stop = CONTAINER["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0].endswith("sleep")
    total = float(pre_stop[1]) + float(_flag("--shutdown-grace"))
    assert total < POD["spec"]["terminationGracePeriodSeconds"], \
        "the pod would be killed before in-flight calls may finish"


def test_dockerfile_matches_the_manifest():
    text = DOCKERFILE.read_text(encoding="utf-8")
    stages = re.split(r"(?m)^FROM ", text)
    assert len(stages) >= 3, "multi-stage: a build stage and a runtime stage"
    runtime = stages[-1]
    user = re.search(r"(?m)^USER (\d+)(?::(\d+))?", runtime)
    assert user, "the runtime stage must run as a numeric non-root user"
    assert int(user.group(1)) == POD["spec"]["securityContext"]["runAsUser"] != 0
    exposed = {int(p) for line in re.findall(r"(?m)^EXPOSE (.+)$", runtime) for p in line.split()}
    assert set(PORTS.values()) <= exposed
    # The model the manifest names is where the image puts the shipped one.
    copies = re.findall(r"(?m)^COPY (?!--from)(\S+) (\S+)$", runtime)
    model = _flag("--model")
    assert any(src.rstrip("/") == "models/default" and model.startswith(dst)
               for src, dst in copies), f"no COPY of models/default to {model}"
    assert "/newsroles.model" in model and (REPO / "models/default/newsroles.model").is_file()
    ignore = (REPO / "deploy" / "Dockerfile.dockerignore").read_text().split()
    assert "target/" in ignore


def test_manifest_args_start_the_real_server_and_probes_pass(tmp_path):
    """The Deployment's own arguments, with loopback addresses and the local model."""
    if not BINARY.is_file():
        pytest.fail(f"{BINARY} not found: run `cargo build` first or set NEWSROLES_BIN")
    local = {"--addr": "127.0.0.1:0", "--metrics-addr": "127.0.0.1:0", "--model": str(MODEL)}
    args = list(ARGS)
    for i, a in enumerate(args[:-1]):
        if a in local:
            args[i + 1] = local[a]
    assert args[0] == "serve"
    log = tmp_path / "stderr.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([str(BINARY), *args], stdout=subprocess.PIPE, stderr=err,
                                stdin=subprocess.DEVNULL, cwd=tmp_path)
    try:
        addr = _read_address(proc, log)
        with grpc.insecure_channel(addr) as ch:
            health = health_pb2_grpc.HealthStub(ch)
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                service = CONTAINER[probe]["grpc"].get("service", "")
                resp = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
                assert resp.status == health_pb2.HealthCheckResponse.SERVING, (probe, service)
        proc.terminate()
        grace = float(_flag("--shutdown-grace"))
        assert proc.wait(timeout=grace + 10) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_clients_reconnect_when_a_connection_is_aged_out(tmp_path):
    """--max-connection-age (the Deployment sets it so DNS-balancing clients find new
    replicas): the server sends GOAWAY to old connections, and a grpcio channel moves
    to a new connection without failing a call."""
    assert float(_flag("--max-connection-age")) > 0
    log = tmp_path / "stderr.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [str(BINARY), "serve", "--addr", "127.0.0.1:0", "--model", str(MODEL),
             "--max-connection-age", "0.3"],
            stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, cwd=tmp_path)
    try:
        addr = _read_address(proc, log)
        with grpc.insecure_channel(addr) as ch:
            health = health_pb2_grpc.HealthStub(ch)
            for _ in range(10):  # 2.5 s: about eight connection lifetimes
                resp = health.Check(health_pb2.HealthCheckRequest(), timeout=10)
                assert resp.status == health_pb2.HealthCheckResponse.SERVING
                time.sleep(0.25)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()

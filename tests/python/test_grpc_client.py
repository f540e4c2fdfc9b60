"""A Python client against the Rust server: the contract holds across languages.

Spans are code points, which is what Python's str slicing uses, so every reported
span must slice the request text directly.
"""

import grpc
import pytest
from google.protobuf import descriptor_pool, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

# Non-ASCII on purpose: NBSP, curly quotes, an accent and an emoji (2 UTF-16 units,
# 4 UTF-8 bytes, 1 code point) before the quote, so any byte or UTF-16 offset drifts.
ARTICLE = (
    "Mayor Lena\u00a0Bergé 😀 opened the new bridge on Monday morning.\n\n"
    "\u201cThis bridge connects two halves of our city,\u201d she said.\n\n"
    "The old crossing was built in 1932 and closed last year."
)


def check_spans(text, analysis, pb2):
    assert analysis.sentences, "no sentences"
    for s in analysis.sentences:
        assert 0 <= s.span.start < s.span.end <= len(text)
        assert s.text == text[s.span.start:s.span.end]
        assert s.role != pb2.ROLE_UNSPECIFIED
        total = s.scores.quote + s.scores.claim + s.scores.event + s.scores.background
        assert total == pytest.approx(1.0, abs=1e-3)
        if s.HasField("speaker"):
            assert s.speaker.text == text[s.speaker.span.start:s.speaker.span.end]
    for q in analysis.quotes:
        assert q.text == text[q.span.start:q.span.end]


def test_classify_spans_slice_the_text(pb, stub):
    pb2, _ = pb
    req = pb2.ClassifyRequest(
        documents=[pb2.Document(id="a", text=ARTICLE), pb2.Document(id="empty", text="")],
        options=pb2.ClassifyOptions(include_text=True),
    )
    res = stub.Classify(req, timeout=60)
    assert [a.id for a in res.analyses] == ["a", "empty"]
    article, empty = res.analyses
    check_spans(ARTICLE, article, pb2)
    assert not empty.sentences and not empty.HasField("error")
    direct = [q for q in article.quotes if q.kind == pb2.QUOTE_KIND_DIRECT]
    assert any("connects two halves" in q.text for q in direct), article.quotes


def test_classify_gzip(pb, stub):
    pb2, _ = pb
    req = pb2.ClassifyRequest(documents=[pb2.Document(id="z", text=ARTICLE)])
    res = stub.Classify(req, timeout=60, compression=grpc.Compression.Gzip)
    assert [a.id for a in res.analyses] == ["z"]


def test_classify_stream_keeps_order(pb, stub):
    pb2, _ = pb
    docs = [pb2.Document(id=f"doc-{i}", text=ARTICLE.replace("1932", str(1900 + i))) for i in range(30)]
    answers = list(stub.ClassifyStream(iter(docs), timeout=120))
    assert [a.id for a in answers] == [d.id for d in docs]
    assert all(not a.HasField("error") and a.sentences for a in answers)


def test_zero_documents_is_invalid_argument(pb, stub):
    pb2, _ = pb
    with pytest.raises(grpc.RpcError) as e:
        stub.Classify(pb2.ClassifyRequest(), timeout=10)
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize("service", ["", "newsroles.v1.NewsRoles"])
def test_health_is_serving(channel, service):
    health = health_pb2_grpc.HealthStub(channel)
    res = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
    assert res.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_alone_is_enough_to_call_the_service(channel):
    """What grpcurl does: no .proto, no stubs; everything from server reflection."""
    db = ProtoReflectionDescriptorDatabase(channel)
    services = set(db.get_services())
    assert {"newsroles.v1.NewsRoles", "grpc.health.v1.Health"} <= services

    pool = descriptor_pool.DescriptorPool(db)
    svc = pool.FindServiceByName("newsroles.v1.NewsRoles")
    methods = {m.name for m in svc.methods}
    assert methods == {"Classify", "ClassifyStream", "GetModelInfo", "ReloadModel"}

    classify = svc.FindMethodByName("Classify")
    Request = message_factory.GetMessageClass(classify.input_type)
    Response = message_factory.GetMessageClass(classify.output_type)
    call = channel.unary_unary(
        f"/{svc.full_name}/{classify.name}",
        request_serializer=Request.SerializeToString,
        response_deserializer=Response.FromString,
    )
    req = Request()
    doc = req.documents.add()
    doc.id, doc.text = "r", ARTICLE
    res = call(req, timeout=60)
    assert [a.id for a in res.analyses] == ["r"]
    s = res.analyses[0].sentences[0]
    assert ARTICLE[s.span.start:s.span.end].strip()


def test_model_info_labels(pb, stub):
    pb2, _ = pb
    info = stub.GetModelInfo(pb2.GetModelInfoRequest(), timeout=10)
    assert sorted(info.labels) == ["background", "claim", "event", "quote"]

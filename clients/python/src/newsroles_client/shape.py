"""The CLI's JSON shape from the gRPC messages.

`analysis_to_dict` gives, for one `newsroles.v1.Analysis`, the dict that
`json.loads` makes of the matching `newsroles classify` output line: the same keys
in the same order, the same values, and the same fields left out (a sentence's or
quote's `text` when it is empty, a missing `speaker` or `cue`). docs/GRPC.md in the
repository lists the mapping field by field.

Scores and confidences are 32-bit floats on both paths. The CLI writes each as the
shortest decimal that reads back as the same 32-bit float (0.7, not
0.699999988079071), so `f32_shortest` does the same here: with it the dicts compare
equal with `==`, no tolerance needed.
"""

import math
import struct
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from ._pb import newsroles_pb2 as pb

ROLE_NAMES = {
    pb.ROLE_QUOTE: "quote",
    pb.ROLE_CLAIM: "claim",
    pb.ROLE_EVENT: "event",
    pb.ROLE_BACKGROUND: "background",
}


def _as_f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def f32_shortest(x):
    """The float that the CLI's JSON gives for the 32-bit float `x`.

    serde_json writes an f32 as the shortest decimal that reads back as the same f32
    (the closest such decimal when several are shortest); Python reads that decimal
    as a double. protobuf hands Python the f32's exact value instead, so the two
    differ in the last bits unless converted like this.
    """
    if x == 0 or not math.isfinite(x):
        return x
    exact = Decimal(x)
    for digits in range(1, 10):  # 9 significant digits always round-trip an f32
        with localcontext() as ctx:
            ctx.prec = digits
            ctx.rounding = ROUND_FLOOR
            below = +exact
            ctx.rounding = ROUND_CEILING
            above = +exact
        fits = [d for d in (below, above) if _as_f32(float(d)) == x]
        if fits:
            return float(min(fits, key=lambda d: abs(d - exact)))
    return x


def _span(span):
    return {"start": span.start, "end": span.end}


def speaker_to_dict(s):
    return {
        **_span(s.span),
        "text": s.text,
        "entity": s.entity,
        "confidence": f32_shortest(s.confidence),
    }


def sentence_to_dict(s):
    d = _span(s.span)
    if s.text:
        d["text"] = s.text
    try:
        d["role"] = ROLE_NAMES[s.role]
    except KeyError:
        raise ValueError(f"sentence at {s.span.start}..{s.span.end} has no role ({s.role})") from None
    d["confidence"] = f32_shortest(s.confidence)
    d["scores"] = {
        "quote": f32_shortest(s.scores.quote),
        "claim": f32_shortest(s.scores.claim),
        "event": f32_shortest(s.scores.event),
        "background": f32_shortest(s.scores.background),
    }
    d["paragraph"] = s.paragraph
    if s.HasField("speaker"):
        d["speaker"] = speaker_to_dict(s.speaker)
    return d


# A quote's `type` as the CLI writes it; unset (an older server) is speech.
TYPE_NAMES = {
    pb.ATTRIBUTION_TYPE_UNSPECIFIED: "speech",
    pb.ATTRIBUTION_TYPE_SPEECH: "speech",
    pb.ATTRIBUTION_TYPE_THOUGHT: "thought",
    pb.ATTRIBUTION_TYPE_DOCUMENT: "document",
    pb.ATTRIBUTION_TYPE_OTHER: "other",
}


KIND_NAMES = {
    pb.ENTITY_KIND_PERSON: "person",
    pb.ENTITY_KIND_ORGANISATION: "organisation",
}


def quote_to_dict(q):
    d = _span(q.span)
    if q.text:
        d["text"] = q.text
    d["direct"] = q.kind == pb.QUOTE_KIND_DIRECT
    d["type"] = TYPE_NAMES.get(q.type, "other")
    d["speech_probability"] = f32_shortest(q.speech_probability)
    if q.HasField("cue"):
        d["cue"] = {**_span(q.cue.span), "text": q.cue.text}
    if q.HasField("speaker"):
        d["speaker"] = speaker_to_dict(q.speaker)
    return d


def analysis_to_dict(a):
    """One `classify` output line as a dict. An analysis with `error` set becomes
    the CLI's error line, `{"id": ..., "error": "CODE: message"}`."""
    if a.HasField("error"):
        return {"id": a.id, "error": f"{a.error.code}: {a.error.message}"}
    d = {
        "id": a.id,
        "sentences": [sentence_to_dict(s) for s in a.sentences],
        "quotes": [quote_to_dict(q) for q in a.quotes],
        "speakers": [
            {"entity": e.entity, "mentions": e.mentions, "quotes": e.quotes} for e in a.speakers
        ],
    }
    # The entity layer, as `classify --entities` writes it (left out when empty).
    if a.entities:
        d["entities"] = [
            {
                "name": e.name,
                "kind": KIND_NAMES.get(e.kind, "person"),
                "mentions": [{**_span(m.span), "text": m.text} for m in e.mentions],
            }
            for e in a.entities
        ]
    return d


def model_info_to_dict(m):
    """`GetModelInfo`'s answer, keyed by the proto's field names."""
    return {
        "name": m.name,
        "version": m.version,
        "format_version": m.format_version,
        "labels": list(m.labels),
        "training_data": m.training_data,
        "metrics": dict(sorted(m.metrics.items())),
        "trained_at": m.trained_at,
        "card": m.card,
        "sha256": m.sha256,
        "has_attribution_model": m.has_attribution_model,
    }

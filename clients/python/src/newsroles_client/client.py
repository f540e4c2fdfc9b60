"""`Client`: the newsroles gRPC service behind three calls that answer plain dicts."""

from collections.abc import Mapping

import grpc

from ._pb import newsroles_pb2 as pb
from ._pb import newsroles_pb2_grpc as pb_grpc
from .shape import analysis_to_dict, model_info_to_dict

# An analysis with every text included is several times its document's size, and the
# server takes documents up to 2 MiB by default: grpcio's 4 MiB receive limit is too
# small for one such answer.
MAX_RECEIVE_BYTES = 64 << 20


class DocumentError(Exception):
    """The server answered one document with an error instead of an analysis."""

    def __init__(self, id, code, message):
        super().__init__(f"document {id!r}: {code}: {message}")
        self.id = id
        self.code = code
        self.message = message


class Client:
    """A connection to `newsroles serve`.

    `addr` is host:port. `token` is sent as `authorization: Bearer <token>` (for a
    server started with `--auth-token-file`). `timeout` is the default deadline of
    each call in seconds (None: no deadline); every method takes its own too.
    `credentials` (a `grpc.ChannelCredentials`, e.g. `grpc.ssl_channel_credentials()`)
    turns TLS on. Use it as a context manager, or call `close()`.
    """

    def __init__(self, addr, token=None, timeout=None, *, credentials=None, options=()):
        opts = [("grpc.max_receive_message_length", MAX_RECEIVE_BYTES), *options]
        if credentials is None:
            self._channel = grpc.insecure_channel(addr, options=opts)
        else:
            self._channel = grpc.secure_channel(addr, credentials, options=opts)
        self._stub = pb_grpc.NewsRolesStub(self._channel)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else None
        self._timeout = timeout

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._channel.close()

    def _deadline(self, timeout):
        return self._timeout if timeout is None else timeout

    def classify(
        self,
        text,
        id=None,
        include_text=True,
        include_attributions=False,
        include_entities=False,
        timeout=None,
    ):
        """Analyses one document; the dict of its `newsroles classify` output line
        (`newsroles classify --no-text` for `include_text=False`, `--attributions`
        for `include_attributions=True`: thoughts, documents and others besides speech;
        `--entities` for `include_entities=True`: persons and organisations with all
        their mentions).

        Raises `DocumentError` when the server could not analyse this document (too
        long, say), and `grpc.RpcError` when the call failed.
        """
        req = pb.ClassifyRequest(
            documents=[pb.Document(id=id or "", text=text)],
            options=pb.ClassifyOptions(
                include_text=include_text,
                include_attributions=include_attributions,
                include_entities=include_entities,
            ),
        )
        res = self._stub.Classify(req, timeout=self._deadline(timeout), metadata=self._metadata)
        (analysis,) = res.analyses
        if analysis.HasField("error"):
            raise DocumentError(analysis.id, analysis.error.code, analysis.error.message)
        return analysis_to_dict(analysis)

    def classify_many(
        self, documents, include_text=True, include_attributions=False, timeout=None
    ):
        """Analyses many documents over one `ClassifyStream` call, yielding one dict
        per document in input order.

        Each document is a text, an `(id, text)` pair, or a mapping with `text` and
        optionally `id` (a line of the CLI's JSONL input). The input is read lazily,
        so an archive need not fit in memory. A document the server could not
        analyse yields the CLI's error line, `{"id": ..., "error": "CODE: message"}`,
        and the stream goes on. `timeout` bounds the whole stream.
        """
        bad_input = []

        def requests():
            options = pb.ClassifyOptions(
                include_text=include_text, include_attributions=include_attributions
            )
            for item in documents:
                try:
                    doc_id, text = _id_and_text(item)
                except (TypeError, ValueError) as e:
                    # grpcio would only log this and cancel the call: keep it to raise.
                    bad_input.append(e)
                    return
                yield pb.Document(id=doc_id, text=text, options=options)

        answers = self._stub.ClassifyStream(
            requests(), timeout=self._deadline(timeout), metadata=self._metadata
        )
        try:
            for analysis in answers:
                yield analysis_to_dict(analysis)
        finally:
            answers.cancel()  # no-op once done; ends the call if the caller stops early
        if bad_input:
            raise bad_input[0]

    def model_info(self, timeout=None):
        """The serving model: name, version, labels, training data, dev metrics, card."""
        info = self._stub.GetModelInfo(
            pb.GetModelInfoRequest(), timeout=self._deadline(timeout), metadata=self._metadata
        )
        return model_info_to_dict(info)


def _id_and_text(item):
    if isinstance(item, str):
        return "", item
    if isinstance(item, Mapping):
        text = item.get("text")
        if not isinstance(text, str):
            raise TypeError(f"a document mapping needs a str 'text', got {type(text).__name__}")
        return str(item.get("id") or ""), text
    if isinstance(item, (tuple, list)) and len(item) == 2:
        doc_id, text = item
        if not isinstance(text, str):
            raise TypeError(f"(id, text): text must be str, got {type(text).__name__}")
        return str(doc_id or ""), text
    raise TypeError(f"a document is a str, an (id, text) pair or a mapping, not {type(item).__name__}")

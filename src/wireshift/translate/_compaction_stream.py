"""A chat backend's summary, streamed back as the one ``compaction`` item Codex expects.

Wraps the chat -> Responses stream translator: lifecycle events and failures pass; the
summary's text events are held back; at the end the response carries exactly one
``compaction`` item whose ``encrypted_content`` seals the summary (see ``_compaction``).
"""

from __future__ import annotations

from typing import Any

from .._compaction import seal_summary
from .._errors import UpstreamError
from .._sse import encode_sse
from ..responses._events import parse_response_event
from ..responses._response import Response
from ._stream_to_responses import ChatToResponsesStream

__all__ = ["CompactionStream", "compaction_response"]

_PASSED = frozenset({"response.created", "response.in_progress", "response.queued"})
_DONE = frozenset({"response.completed", "response.incomplete"})


def compaction_response(response: dict[str, Any], key: bytes) -> dict[str, Any] | None:
    """``response`` with its output replaced by one compaction item sealing its text; ``None``
    when the backend gave no summary text."""
    texts = [
        part.get("text", "")
        for item in response.get("output") or ()
        if item.get("type") == "message"
        for part in item.get("content") or ()
        if part.get("type") == "output_text"
    ]
    summary = "".join(texts).strip()
    if not summary:
        return None
    suffix = str(response.get("id", "resp_0")).removeprefix("resp_")
    item = {
        "type": "compaction",
        "id": f"cmp_{suffix}",
        "encrypted_content": seal_summary(summary, key),
    }
    return {**response, "output": [item]}


class CompactionStream:
    """The pipeline's translator for a compaction turn (same interface as the others)."""

    def __init__(self, inner: ChatToResponsesStream, key: bytes, encode: bool) -> None:
        self.inner = inner
        self.rec = inner.rec
        self.key = key
        self.encode = encode
        self.final: Response | None = None
        self._failed: UpstreamError | None = None

    @property
    def error(self) -> UpstreamError | None:
        return self._failed or self.inner.error

    def feed_payload(self, name: str | None, payload: Any) -> list[Any]:
        return self._filter(self.inner.feed_payload(name, payload))

    def mark_done(self) -> None:
        self.inner.mark_done()

    def at_eof(self) -> None:
        self.inner.at_eof()

    def fail(self, error: UpstreamError) -> list[Any]:
        return self._filter(self.inner.fail(error))

    def close(self) -> list[Any]:
        return self._filter(self.inner.close())

    def _filter(self, events: list[Any]) -> list[Any]:
        out: list[Any] = []
        for event in events:
            kind = event.type
            if kind in _PASSED or kind == "response.failed":
                out.append(event)
            elif kind in _DONE:
                out += self._finish(event)
        if self.encode:
            return [encode_sse(e) for e in out]
        return out

    def _finish(self, event: Any) -> list[Any]:
        data = event.to_dict()
        seq = data.get("sequence_number")
        response = compaction_response(data["response"], self.key)
        if response is None:
            self._failed = UpstreamError(
                "the backend answered the compaction request with no summary text",
                code="server_error",
            )
            failed = {
                **data["response"],
                "status": "failed",
                "error": self._failed.to_response_error(),
            }
            return [
                parse_response_event(
                    {"type": "response.failed", "sequence_number": seq, "response": failed}
                )
            ]
        item = response["output"][0]
        self.final = Response.parse(response)
        # The text events held back left their numbers free, below the terminal event's.
        numbers = [seq - 2, seq - 1] if isinstance(seq, int) else [None, None]
        where = {"output_index": 0, "item": item}
        return [
            parse_response_event(
                {"type": "response.output_item.added", "sequence_number": numbers[0], **where}
            ),
            parse_response_event(
                {"type": "response.output_item.done", "sequence_number": numbers[1], **where}
            ),
            parse_response_event({**data, "response": response}),
        ]

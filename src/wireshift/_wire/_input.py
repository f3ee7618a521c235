"""Turn whatever a caller holds into a stream of ``(SSE event name, payload)`` pairs.

Accepted, in any mix: raw SSE chunks (bytes or text, split anywhere), wireshift
:class:`~wireshift.SSEEvent`, anything with ``.event`` and ``.data`` (``httpx_sse``'s
``ServerSentEvent``, duck-typed so httpx is not imported), mappings, and pydantic models
(wireshift's own, or the openai SDK's). Payloads stay as they came: an SSE ``data`` string is
handed on unparsed, so the model layer can validate the JSON text in one step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from .._errors import ArgumentTypeError
from .._format import Format
from .._json import load_json
from .._model import WireModel
from .._sse import DONE_MAX_LENGTH, SSEComment, SSEDecoder, SSEEvent, is_done_marker

__all__ = [
    "DONE",
    "DoneMarker",
    "EventReader",
    "Payload",
    "detect_format",
    "payload_dict",
]

"""The two stream formats: Responses API events, or Chat Completions chunks."""

Payload = str | Mapping[str, Any] | WireModel
"""One event's payload: SSE ``data`` text, a mapping, or a wireshift model."""


class DoneMarker:
    """The ``data: [DONE]`` marker (a singleton)."""

    __slots__ = ()


DONE = DoneMarker()

Event = tuple[str | None, Payload | DoneMarker]


# Raw input held, while no event has come, in case it is a whole JSON body (a server that
# ignored `stream: true`): up to this many characters.
_BODY_LIMIT = 64 * 1024 * 1024


class EventReader:
    """Reads inputs one at a time; keeps an SSE decoder for raw chunks between calls.

    Raw input in which no SSE event ever comes is looked at when it ends: a JSON object (a
    server that answered a streamed request with a whole body) is read as one payload and
    :attr:`body` is set; anything else is :attr:`stray`, for a caller to say what it was.
    """

    __slots__ = ("_decoder", "_raw", "_raw_size", "body", "events", "keepalives", "stray")

    def __init__(self) -> None:
        self._decoder: SSEDecoder | None = None
        # Comment lines and events without data: counted, otherwise ignored.
        self.keepalives = 0
        self.events = 0
        self._raw: list[str | bytes] | None = []
        self._raw_size = 0
        self.body = False
        """Whether the input was a whole JSON body, not an event stream."""
        self.stray: str | None = None
        """The start of raw input that held no event and no JSON body, at the end."""

    def read(self, item: Any) -> list[Event]:
        """The events ``item`` completes (raw chunks may complete none, or several)."""
        if type(item) is bytes or isinstance(item, (bytearray, memoryview, str)):
            decoder = self._decoder
            if decoder is None:
                decoder = self._decoder = SSEDecoder(comments=True)
            if self._raw is not None:
                self._hold(item)
            return self._decoded(decoder.feed(item))
        if isinstance(item, SSEEvent):
            return self._decoded([item])
        if isinstance(item, WireModel):
            return [(None, item)]
        if isinstance(item, BaseModel):
            return [(None, item.model_dump(mode="json", by_alias=True, exclude_unset=True))]
        if isinstance(item, Mapping):
            return [(None, item)]
        if isinstance(item, SSEComment):
            self.keepalives += 1
            return []
        data = getattr(item, "data", None)
        if isinstance(data, str) and hasattr(item, "event"):
            event = getattr(item, "event", None)
            name = event if isinstance(event, str) and event else "message"
            return self._decoded([SSEEvent(data=data, event=name)])
        raise ArgumentTypeError(
            "a stream holds SSE chunks (bytes or str), SSE events, mappings or pydantic "
            f"models, not {type(item).__name__}",
            argument="events",
        )

    @property
    def holds_nothing(self) -> bool:
        """Whether a raw chunk that is one whole event may be read without this reader (and
        counted in :attr:`events`): the decoder is between events, and raw input is no longer
        kept for a whole JSON body."""
        decoder = self._decoder
        # Raw input is kept only until the first event: after it, none is needed.
        return (
            decoder is not None
            and (self.events > 0 or self._raw is None)
            and decoder.between_events
        )

    def _hold(self, item: bytes | bytearray | memoryview | str) -> None:
        """Keep raw input until an event comes, in case it is a whole JSON body."""
        raw = self._raw
        if raw is None:
            return
        if self.events or self._raw_size > _BODY_LIMIT:
            self._raw = None
        else:
            raw.append(item if isinstance(item, (str, bytes)) else bytes(item))
            self._raw_size += len(item)

    def close(self) -> list[Event]:
        """The last event of a stream that ended without a blank line, if any."""
        if self._decoder is None:
            return []
        out = self._decoded(self._decoder.close())
        if out or self.events or not self._raw:
            return out
        pieces = self._raw
        self._raw = None
        text = "".join(
            piece if isinstance(piece, str) else piece.decode("utf-8", "replace")
            for piece in pieces
        ).strip()
        if text.startswith("{") and payload_dict(text) is not None:
            self.body = True
            return [(None, text)]
        if text:
            self.stray = text[:200]
        return []

    def _decoded(self, items: list[SSEEvent | SSEComment]) -> list[Event]:
        out: list[Event] = []
        # Comments count too: input with any SSE in it is not a JSON body.
        self.events += len(items)
        for item in items:
            if type(item) is SSEComment or not item.data:  # type: ignore[union-attr]
                # An event with no data (`event: ping` and a blank line) is a keep-alive too.
                self.keepalives += 1
                continue
            data: str = item.data  # type: ignore[union-attr]
            event: str = item.event  # type: ignore[union-attr]
            name = None if not event or event == "message" else event
            if len(data) < DONE_MAX_LENGTH and is_done_marker(data):
                out.append((name, DONE))
            else:
                out.append((name, data))
        return out


def payload_dict(payload: str | Mapping[str, Any]) -> dict[str, Any] | None:
    """A payload as a dict, parsing JSON text; ``None`` when it is not a JSON object, or
    nests deeper than the default limit (see :mod:`wireshift._json`). Lone surrogates are
    kept: the writers escape them back."""
    if isinstance(payload, str):
        try:
            loaded = load_json(payload, what="event")
        except ValueError:
            return None
        return loaded if isinstance(loaded, dict) else None
    return dict(payload)


def detect_format(name: str | None, payload: Payload) -> tuple[Format | None, Payload]:
    """Which format a payload belongs to, if it says; and the payload, parsed from JSON text
    when it had to be read (so it is not parsed twice)."""
    if name is not None and name.startswith("response."):
        return "responses", payload
    if isinstance(payload, str):
        try:
            loaded = load_json(payload, what="event")
        except ValueError:
            return None, payload
        if not isinstance(loaded, dict):
            return None, payload
        payload = loaded
    if isinstance(payload, Mapping):
        kind = payload.get("object")
        if "choices" in payload or (isinstance(kind, str) and kind.startswith("chat.completion")):
            return "chat", payload
        if isinstance(payload.get("type"), str):
            return "responses", payload
        return None, payload
    if getattr(payload, "choices", None) is not None:
        return "chat", payload
    if isinstance(getattr(payload, "type", None), str):
        return "responses", payload
    return None, payload

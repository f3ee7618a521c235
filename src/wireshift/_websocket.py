"""Responses WebSocket mode, sans-I/O: what a gateway's WebSocket handler does with frames.

A client (Codex with ``supports_websockets``) keeps one socket per session and sends
``response.create`` frames: the fields of ``POST /v1/responses`` plus ``type`` (and
``generate: false`` for a warm-up, ``stream_id`` for a lane). Each response continues the
previous one with only the new input, as ``previous_response_id``, even with ``store:
false``: the server keeps the socket's own turns. The server answers with the Responses
events as JSON text frames, and errors as ``error`` frames.

:class:`ResponsesWebSocketSession` is that server side without a socket (h11's way): feed it
each text frame (:meth:`~ResponsesWebSocketSession.receive_frame`), act on what it returns,
and pass the events to send through :meth:`~ResponsesWebSocketSession.send_events`. It
keeps the socket's turns (bounded), answers warm-ups itself, and hands each real request
over with the earlier items its ``previous_response_id`` stands for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._errors import ArgumentTypeError, MissingContextError, UpstreamError, WireshiftError
from ._json import dump_json, load_json
from ._memory_store import MemoryResponseStore
from ._model import WireModel
from ._sse import is_done_marker, iter_sse
from ._store import StoredResponse, stored_history

__all__ = ["CreateResponse", "ResponsesWebSocketSession"]

_ENVELOPE = ("type", "generate", "stream_id")
_SESSION_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class CreateResponse:
    """A ``response.create`` frame to run: ``request`` is its ``POST /v1/responses`` body
    (envelope fields removed), ``previous_items`` the earlier items of this socket that its
    ``previous_response_id`` stands for (``None``: not a turn of this socket; resolve it as
    for HTTP, with ``store=`` or ``resolver=``)."""

    request: dict[str, Any]
    previous_items: list[dict[str, Any]] | None
    stream_id: str | None = None


class ResponsesWebSocketSession:
    """One socket's worth of Responses WebSocket state (see the module docstring)."""

    def __init__(self, max_bytes: int = _SESSION_BYTES) -> None:
        self.turns = MemoryResponseStore(max_bytes)
        """The socket's own turns (warm-ups and finished responses), by response id."""
        # Requests handed out and not yet answered, per lane (stream_id), oldest first.
        self._pending: dict[str | None, list[tuple[list[dict[str, Any]], str | None]]] = {}

    # -- frames in ----------------------------------------------------------------------------

    def receive_frame(self, frame: str | bytes) -> list[CreateResponse | str]:
        """What one client frame asks for: a :class:`CreateResponse` to run, or text frames
        to send back at once (a warm-up's answer, or an ``error`` frame)."""
        try:
            data = load_json(frame, what="WebSocket frame")
        except WireshiftError as exc:
            return [_error_text(exc, 400, None)]
        if not isinstance(data, dict):
            return [_error_text(ValueError("a frame is a JSON object"), 400, None)]
        stream_id = data.get("stream_id") if isinstance(data.get("stream_id"), str) else None
        if data.get("type") != "response.create":
            problem = ValueError(f"unknown client event type {data.get('type')!r}")
            return [_error_text(problem, 400, stream_id)]
        # Here, not at import: the models load on first use (see wireshift/__init__.py).
        from .responses._create_frame import ResponseCreateFrame

        try:
            ResponseCreateFrame.parse(data)
        except WireshiftError as exc:  # names the field at fault
            return [_error_text(exc, 400, stream_id)]
        request = {k: v for k, v in data.items() if k not in _ENVELOPE}
        request.pop("stream", None)  # a socket always streams
        given = request.get("input")
        items = (
            [{"type": "message", "role": "user", "content": given}]
            if isinstance(given, str)
            else [dict(i) for i in given or () if isinstance(i, Mapping)]
        )
        previous = request.get("previous_response_id")
        previous_items = None
        if isinstance(previous, str) and self.turns.get(previous) is not None:
            # Handed over with the request: translate_request(previous_items=...) reads them
            # in place of the id.
            previous_items = stored_history(self.turns, previous, "previous_response_id")
        if data.get("generate") is False:
            return self._warm_up(items, previous if isinstance(previous, str) else None, stream_id)
        lane = self._pending.setdefault(stream_id, [])
        lane.append((items, previous if isinstance(previous, str) else None))
        return [CreateResponse(request, previous_items, stream_id)]

    def _warm_up(
        self, items: list[dict[str, Any]], previous: str | None, stream_id: str | None
    ) -> list[CreateResponse | str]:
        """``generate: false``: nothing to run; the input is kept as a turn of its own, for
        the next frame to continue from."""
        import secrets  # loaded here: it brings hmac and random, which a request needs not

        response_id = f"resp_{secrets.token_hex(16)}"
        self.turns.put(StoredResponse(response_id, tuple(items), (), previous))
        response = {"id": response_id, "object": "response", "status": "completed", "output": []}
        events = [
            {
                "type": "response.created",
                "sequence_number": 0,
                "response": {**response, "status": "in_progress"},
            },
            {"type": "response.completed", "sequence_number": 1, "response": response},
        ]
        return list(self.send_events(events, stream_id=stream_id, record=False))

    # -- frames out ---------------------------------------------------------------------------

    def send_events(
        self, events: Iterable[Any], *, stream_id: str | None = None, record: bool = True
    ) -> list[str]:
        """Responses events (models, mappings, or SSE bytes from ``encode=True``) as text
        frames, ``stream_id`` echoed; a finished response becomes a turn of this socket, so
        the next frame can continue from it."""
        frames: list[str] = []
        for event in events:
            for data in _payloads(event):
                if stream_id is not None:
                    data = {**data, "stream_id": stream_id}
                if record and data.get("type") in ("response.completed", "response.incomplete"):
                    self._record(data.get("response"), stream_id)
                elif record and data.get("type") == "response.failed":
                    self._answered(stream_id)
                frames.append(dump_json(data, what="WebSocket frame").decode())
        return frames

    def _answered(self, stream_id: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """The oldest unanswered request of a lane, now answered."""
        lane = self._pending.get(stream_id)
        return lane.pop(0) if lane else ([], None)

    def _record(self, response: Any, stream_id: str | None) -> None:
        items, previous = self._answered(stream_id)
        if not isinstance(response, Mapping) or not isinstance(response.get("id"), str):
            return
        output = response.get("output")
        self.turns.put(
            StoredResponse(
                response["id"],
                tuple(items),
                tuple(output if isinstance(output, list) else ()),
                previous,
            )
        )

    def error_frame(
        self, error: BaseException, *, status: int | None = None, stream_id: str | None = None
    ) -> str:
        """An ``error`` frame answering the lane's oldest request with ``error``: an
        upstream's failure keeps its status and code; a request wireshift cannot serve is a
        400 naming the cause."""
        self._answered(stream_id)
        return _error_text(error, status, stream_id)


def _error_text(error: BaseException, status: int | None, stream_id: str | None) -> str:
    """The ``error`` frame for ``error`` (the shape both specs give: status and error)."""
    if isinstance(error, UpstreamError):
        payload = error.to_response_error()
        code = status or error.status
    else:
        kind = "missing_context" if isinstance(error, MissingContextError) else "invalid_request"
        payload = {"type": "invalid_request_error", "code": kind, "message": str(error)}
        code = status or 400
    frame: dict[str, Any] = {"type": "error", "status": code, "error": payload}
    if stream_id is not None:
        frame["stream_id"] = stream_id
    return dump_json(frame, what="WebSocket frame").decode()


def _payloads(event: Any) -> list[dict[str, Any]]:
    """The JSON objects an event stands for: a model or mapping, or the ``data:`` lines of
    SSE bytes (``[DONE]`` and comments dropped)."""
    if isinstance(event, WireModel):
        return [event.to_dict()]
    if isinstance(event, Mapping):
        return [dict(event)]
    if isinstance(event, (bytes, str)):
        out = []
        for sse in iter_sse([event]):
            if sse.data and not is_done_marker(sse.data):
                loaded = load_json(sse.data, what="event")
                if isinstance(loaded, dict):
                    out.append(loaded)
        return out
    raise ArgumentTypeError(
        f"an event is a model, a mapping or SSE bytes, not {type(event).__name__}",
        argument="events",
    )

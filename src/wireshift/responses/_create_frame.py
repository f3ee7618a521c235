"""A WebSocket-mode client frame: the request body with its envelope.

Loaded by a WebSocket session (or the first use of its name): an HTTP gateway never makes
the class, whose forty inherited fields cost a fresh worker most of a millisecond.
"""

# Annotations stay objects (no `from __future__ import annotations`): see _items.py.

from typing import Literal

from ._request import ResponsesRequest

__all__ = ["ResponseCreateFrame"]


class ResponseCreateFrame(ResponsesRequest):
    """A WebSocket-mode client frame (OpenAI ``ResponsesClientEventResponseCreate``, Open
    Responses ``WebSocketResponseCreateEvent``): the body of ``POST /v1/responses`` plus its
    envelope. Server frames are the stream events (``stream_id`` kept on them as an extra
    field) and ``error`` events with a ``status``."""

    type: Literal["response.create"] = "response.create"
    stream_id: str | None = None
    """The lane: requests on one lane run in order, and their events echo it."""
    generate: bool | None = None
    """``False``: a warm-up; nothing is generated, the input is kept for the next frame."""

"""One tolerant reading of a Responses stream payload, for the accumulator and the translator.

An event the models read as it is stays as it is (SSE text of a known type goes straight to
pydantic-core). Anything else is repaired as far as its data allows, the repair noted once:
a payload without ``type`` takes the SSE event name; a whole ``response`` object (a server
that answered a streamed request with its body) reads as the terminal event its status
names; then whatever :func:`~._fold.fold` can fold, so an item missing a field the spec
requires still carries its text and calls. What cannot be read comes back as
:class:`~._chat_chunks.Unreadable` (not JSON) or :class:`~._chat_chunks.Foreign` (kept as
is, with the error it carries, if any), never raised.
"""

from __future__ import annotations

from typing import Any, cast

from pydantic import BaseModel, ValidationError

from .._errors import PayloadError, UpstreamError
from .._model import WireModel
from ..responses._events import (
    ResponseStreamEvent,
    UnknownResponseEvent,
    _parser as _EVENTS,
    _StreamEvent,
    parse_response_event,
)
from ._chat_chunks import Foreign, Unreadable, raw_or_unread
from ._fold import describe, fold
from ._input import Payload
from ._notelog import NoteSink

__all__ = ["ResponsesReading", "read_responses_payload"]

ResponsesReading = ResponseStreamEvent | Unreadable | Foreign
"""What a Responses payload reads as."""

_parse_known = _EVENTS.parse_known_json
# Event fields that are the whole payload of item and part events.
_HOLLOW = frozenset({"item", "part"})
# The terminal event a whole response body stands for, by its status.
_TERMINAL_BY_STATUS = {
    "completed": "response.completed",
    "incomplete": "response.incomplete",
    "failed": "response.failed",
    "cancelled": "response.failed",
}


def read_responses_payload(
    name: str | None, payload: Payload | BaseModel, where: str, note: NoteSink
) -> ResponsesReading:
    """Read one payload (JSON text, a mapping, or a model of any kind) into an event model;
    ``name`` is its SSE ``event:`` name, ``where`` names it in notes (``events[12]``)."""
    if type(payload) is str:
        try:
            return _parse_known(payload)
        except ValidationError:
            pass
    elif isinstance(payload, WireModel) and not isinstance(
        payload, (_StreamEvent, UnknownResponseEvent)
    ):
        payload = payload.to_dict()  # another wireshift model: read as what it dumps to
    try:
        return parse_response_event(cast("Any", payload))
    except PayloadError as exc:
        return _drifted(name, payload, where, note, exc)


def _drifted(
    name: str | None, payload: Any, where: str, note: NoteSink, exc: PayloadError
) -> ResponsesReading:
    raw = raw_or_unread(payload, name, where, note)
    if not isinstance(raw, dict):
        return raw
    if not isinstance(raw.get("type"), str):
        status = raw.get("status")
        if raw.get("object") == "response" and status in _TERMINAL_BY_STATUS:
            kind = _TERMINAL_BY_STATUS[status]
            note(
                f"{where} {kind}",
                "repaired",
                "a whole response object, not an event: read as its terminal event",
                "response_as_event",
            )
            raw = {"type": kind, "response": raw}
        elif name is not None:
            raw = {**raw, "type": name}
            note(
                f"{where} {name}",
                "repaired",
                "the payload has no type; took the SSE event name",
                "type_from_sse",
            )
        else:
            error = UpstreamError.from_payload(raw.get("error"), "error event")
            note(
                where,
                "kept",
                "an event without a type"
                + (" carrying an error; recorded as the stream's error" if error else ""),
                "event_without_type",
            )
            return Foreign(raw, error)
    event, changes = fold(parse_response_event, raw)
    if event is None:  # pragma: no cover - every field of an event can be emptied
        note(
            f"{where} {raw['type']}", "kept", f"could not be read ({exc}); kept", "event_unreadable"
        )
        return Foreign(raw)
    if any(change["path"] in _HOLLOW for change in changes):
        # An item or part event without its item or part carries nothing to fold in.
        note(
            f"{where} {raw['type']}",
            "kept",
            f"the event lacks its payload ({exc}); kept in unknown_events",
            "event_unreadable",
        )
        return Foreign(raw)
    if changes:
        note(
            f"{where} {raw['type']}",
            "repaired",
            "the event's shape drifted; folded in what it carries: " + describe(changes),
            "event_drift",
            {"changes": changes, "payload": raw},
        )
    return event

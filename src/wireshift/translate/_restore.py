"""Responses -> Responses: a native server's reply with the client's own tools again.

A backend that took flattened tools (see ``_flat_tools``) calls them by the flat name, or
in a shape of its own (``ns.name``, the bare name...). With the request's
:class:`~wireshift.ToolNameMap`, each such ``function_call`` becomes what the client
offered: a namespaced ``function_call``, a ``custom_tool_call`` (its ``input`` read from the
arguments), or a shell or patch call. Everything else passes through as it came: in a
stream, an event that holds no call is re-sent without being parsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._errors import UpstreamError, quoted
from .._model import WireModel
from .._sse import encode_sse
from .._toolnames import ToolNameMap, ToolOrigin
from .._wire._chat_chunks import Foreign, Unreadable
from .._wire._input import payload_dict
from .._wire._response_events import read_responses_payload
from ..responses._events import UnknownResponseEvent
from ._context import Recorder
from ._toolforms import FUNCTION_FORMS, call_item_from_chat

__all__ = ["ResponsesRestoreStream", "restore_output", "restored_call"]


def restored_call(item: Any, names: ToolNameMap) -> tuple[dict[str, Any], ToolOrigin] | None:
    """The client's form of a ``function_call`` item a backend sent under a flattened name,
    with the tool it stands for; ``None`` when the item needs no change."""
    if not isinstance(item, dict) or item.get("type") != "function_call":
        return None
    name = item.get("name")
    if not isinstance(name, str) or item.get("namespace") is not None:
        return None
    origin = names.resolve(name)
    if origin is None or (
        origin.tool_type == "function" and origin.namespace is None and origin.name == name
    ):
        return None
    arguments = item.get("arguments")
    body = call_item_from_chat(
        origin,
        str(item.get("call_id") or ""),
        name,
        arguments if isinstance(arguments, str) else "",
    )
    out: dict[str, Any] = {"type": body.pop("type")}
    for key in ("id", "status"):
        if key in item:
            out[key] = item[key]
    out.update(body)
    if out["type"] in _FORM_CALL_TYPES:
        out.setdefault("status", "completed")
    return out, origin


_FORM_CALL_TYPES = frozenset(form.call_type for form in FUNCTION_FORMS.values())


def restore_output(
    response: dict[str, Any], names: ToolNameMap, rec: Recorder, path: str
) -> dict[str, Any]:
    """``response`` (a Responses ``response`` object as data) with its calls restored; the
    same object when none needed it."""
    output = response.get("output")
    if not names or not isinstance(output, list):
        return response
    restored: list[int] = []
    items = list(output)
    for n, item in enumerate(output):
        found = restored_call(item, names)
        if found is not None:
            items[n] = found[0]
            restored.append(n)
    if not restored:
        return response
    rec.change(
        f"{path}.output",
        "calls of flattened tools given back as the tools the client offered",
        "translate.restore.calls",
        positions=restored,
    )
    return {**response, "output": items}


# --- custom tool input, read as the arguments stream ---------------------------------------

# The start of the first string value of a JSON object: `{"input": "`.
_FIRST_STRING = re.compile(r'\s*\{\s*"(?:[^"\\]|\\.)*"\s*:\s*"')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class _InputReader:
    """Reads the text of a custom call's ``input`` out of its JSON arguments as they stream,
    so each arguments delta becomes an input delta (the event count stays the same)."""

    __slots__ = ("buffer", "done", "started")

    def __init__(self) -> None:
        # Only what is not read yet: before the string starts, the arguments so far (a few
        # characters); after, at most an escape split across deltas.
        self.buffer = ""
        self.started = False
        self.done = False

    def feed(self, piece: str) -> str:
        if self.done:
            return ""
        buffer, pos = self.buffer + piece, 0
        if not self.started:
            found = _FIRST_STRING.match(buffer)
            if found is None:
                self.buffer = buffer
                return ""
            self.started, pos = True, found.end()
        out: list[str] = []
        size = len(buffer)
        while pos < size:
            char = buffer[pos]
            if char == '"':
                self.done = True
                break
            if char != "\\":
                end = pos + 1
                while end < size and buffer[end] not in '"\\':
                    end += 1
                out.append(buffer[pos:end])
                pos = end
                continue
            if pos + 1 >= size:
                break  # an escape split across deltas: wait for the rest
            code = buffer[pos + 1]
            if code != "u":
                out.append(_ESCAPES.get(code, code))
                pos += 2
                continue
            if pos + 6 > size:
                break
            value = (
                int(buffer[pos + 2 : pos + 6], 16) if _hex(buffer[pos + 2 : pos + 6]) else 0xFFFD
            )
            if 0xD800 <= value < 0xDC00:
                if pos + 12 > size:
                    break
                low = buffer[pos + 8 : pos + 12]
                if (
                    buffer[pos + 6 : pos + 8] == "\\u"
                    and _hex(low)
                    and 0xDC00 <= int(low, 16) < 0xE000
                ):
                    value = 0x10000 + ((value - 0xD800) << 10) + (int(low, 16) - 0xDC00)
                    pos += 6
            out.append(chr(value))
            pos += 6
        self.buffer = buffer[pos:]
        return "".join(out)


def _hex(text: str) -> bool:
    return len(text) == 4 and all(c in "0123456789abcdefABCDEF" for c in text)


# --- the stream ----------------------------------------------------------------------------

_TERMINAL = frozenset({"response.completed", "response.incomplete", "response.failed"})
_SNAPSHOT = frozenset({"response.created", "response.in_progress", "response.queued"})
# Events read (parsed) even when they hold no call: lifecycle and errors.
_WATCHED = _TERMINAL | _SNAPSHOT | {"error"}


class ResponsesRestoreStream:
    """Translates one Responses stream from a native server back for its client: calls of
    flattened tools restored (see the module docstring), an ``error`` event or a cut turned
    into ``response.failed`` with the cause, and ``response.failed`` whose ``response.error``
    is null given the error beside it. The pipeline in ``_stream_api`` drives it."""

    def __init__(self, *, tool_names: ToolNameMap | None, encode: bool, strict: bool) -> None:
        self.names = tool_names if tool_names is not None else ToolNameMap()
        self.rec = Recorder(strict=strict)
        self.encode = encode
        self.error: UpstreamError | None = None
        self.final: Any = None
        self._finished = False
        self._at_eof = False
        self._events = 0
        self._seq = -1
        self._snapshot: dict[str, Any] = {}
        # Restored calls by item id: (tool origin, input reader for custom calls).
        self._calls: dict[str, tuple[ToolOrigin, _InputReader | None]] = {}
        self._ids: dict[int, str] = {}

    # -- the pipeline's interface -------------------------------------------------------------

    def mark_done(self) -> None:
        """``data: [DONE]``: Responses streams end at their terminal event."""

    def at_eof(self) -> None:
        self._at_eof = True

    def fail(self, error: UpstreamError) -> list[Any]:
        if self._finished:
            return []
        return self._fail(error)

    def close(self) -> list[Any]:
        if self._finished:
            return []
        return self._fail(UpstreamError.interrupted("before response.completed"))

    def feed_payload(self, name: str | None, payload: Any) -> list[Any]:
        if self._finished:
            return []
        self._events += 1
        if type(payload) is str:
            if (
                name is not None
                and name not in _WATCHED
                and not self._at_eof
                and payload[:1] == "{"
                and "function_call" not in payload
            ):
                # The usual event: nothing to restore, sent on as it came. (One that is not
                # even a JSON object is read below: it fails the turn with its text.)
                return [self._pass(name, payload)]
            event = payload_dict(payload)
            if event is None:
                if self._at_eof:
                    return self._fail(UpstreamError.interrupted("inside an event"))
                return self._fail(UpstreamError.from_text(payload))
        elif isinstance(payload, WireModel):
            event = payload.to_dict()
        elif isinstance(payload, Mapping):
            event = dict(payload)
        else:  # pragma: no cover - the reader gives text, mappings or models
            event = {}
        kind = event.get("type")
        seq = event.get("sequence_number")
        if type(seq) is int and seq > self._seq:
            self._seq = seq
        handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            return [self._write(event)]
        out: list[Any] = handler(self, event)
        return out

    # -- writing ------------------------------------------------------------------------------

    def _pass(self, name: str, data: str) -> Any:
        if self.encode:
            return encode_sse(data, event=name)
        return self._model(name, data)

    def _write(self, event: dict[str, Any]) -> Any:
        if self.encode:
            return encode_sse(event)
        return self._model(None, event)

    def _model(self, name: str | None, payload: Any) -> Any:
        """The event as a model, read as tolerantly as the accumulator reads it: a payload
        that drifted from the spec is repaired (noted), one that cannot be read is kept as an
        unknown event rather than raised."""
        reading = read_responses_payload(
            name, payload, f"events[{self._events - 1}]", self.rec.record
        )
        if isinstance(reading, (Foreign, Unreadable)):
            raw = payload if isinstance(payload, dict) else payload_dict(payload) or {}
            kind = raw.get("type")
            if not isinstance(kind, str):
                raw = {**raw, "type": name or "unknown"}
            return UnknownResponseEvent.model_construct(**raw)
        return reading

    def _fail(self, error: UpstreamError) -> list[Any]:
        self._finished = True
        self.error = error
        self._seq += 1
        response = {
            **self._snapshot,
            "object": "response",
            "status": "failed",
            "error": error.to_response_error(),
        }
        response.setdefault("id", "resp_0")
        response.setdefault("output", [])
        return [
            self._write(
                {"type": "response.failed", "sequence_number": self._seq, "response": response}
            )
        ]

    # -- events -------------------------------------------------------------------------------

    def _on_snapshot(self, event: dict[str, Any]) -> list[Any]:
        response = event.get("response")
        if isinstance(response, dict):
            self._snapshot = response
        return [self._write(event)]

    def _on_terminal(self, event: dict[str, Any]) -> list[Any]:
        self._finished = True
        response = event.get("response")
        if isinstance(response, dict):
            restored = restore_output(
                response, self.names, self.rec, f"events[{self._events - 1}].response"
            )
            if event.get("type") == "response.failed":
                model = read_responses_payload(None, event, "response.failed", self.rec.record)
                error, own = UpstreamError.from_failed(model)
                self.error = error
                if not own and error.message is not None:
                    restored = {**restored, "error": error.to_response_error()}
                    self.rec.change(
                        f"events[{self._events - 1}].response.error",
                        "response.error was empty: set to the error the upstream sent beside it",
                        "translate.stream.failed_error",
                    )
            if restored is not response:
                event = {**event, "response": restored}
            self.final = restored
        return [self._write(event)]

    def _on_error(self, event: dict[str, Any]) -> list[Any]:
        # Codex reads the cause from response.failed: the error event goes on, then that.
        out = [self._write(event)]
        model = read_responses_payload(None, event, "error", self.rec.record)
        return out + self._fail(UpstreamError.from_error_event(model))

    def _on_item(self, event: dict[str, Any]) -> list[Any]:
        item = event.get("item")
        found = restored_call(item, self.names)
        if found is None:
            return [self._write(event)]
        restored, origin = found
        item_id = item.get("id") if isinstance(item, dict) else None
        index = event.get("output_index")
        if event.get("type") == "response.output_item.added":
            self.rec.change(
                f"events[{self._events - 1}].item",
                f"a call of {quoted(item.get('name'))} given back as the "  # type: ignore[union-attr]
                f"{origin.tool_type} tool the client offered",
                "translate.restore.calls",
            )
            if restored["type"] == "custom_tool_call":
                restored["input"] = ""
            if isinstance(item_id, str):
                reader = _InputReader() if origin.tool_type == "custom" else None
                self._calls[item_id] = (origin, reader)
                if type(index) is int:
                    self._ids[index] = item_id
        return [self._write({**event, "item": restored})]

    def _call_of(self, event: dict[str, Any]) -> tuple[ToolOrigin, _InputReader | None] | None:
        item_id = event.get("item_id")
        if not isinstance(item_id, str):
            index = event.get("output_index")
            item_id = self._ids.get(index) if type(index) is int else None
        return self._calls.get(item_id) if isinstance(item_id, str) else None

    def _on_arguments_delta(self, event: dict[str, Any]) -> list[Any]:
        call = self._call_of(event)
        if call is None or call[0].tool_type == "function":
            return [self._write(event)]
        reader = call[1]
        if reader is None:
            return []  # a shell or patch call: its item carries the whole action
        delta = event.get("delta")
        out = {**event, "type": "response.custom_tool_call_input.delta"}
        out["delta"] = reader.feed(delta if isinstance(delta, str) else "")
        return [self._write(out)]

    def _on_arguments_done(self, event: dict[str, Any]) -> list[Any]:
        call = self._call_of(event)
        if call is None:
            return [self._write(event)]
        origin, reader = call
        if origin.tool_type == "function":
            if "name" in event:
                event = {**event, "name": origin.name}
            return [self._write(event)]
        if reader is None:
            return []
        arguments = event.get("arguments")
        item = call_item_from_chat(origin, "", "", arguments if isinstance(arguments, str) else "")
        out = {k: v for k, v in event.items() if k not in ("arguments", "name")}
        out["type"] = "response.custom_tool_call_input.done"
        out["input"] = item.get("input", arguments)
        return [self._write(out)]


_HANDLERS: dict[str, Any] = {
    **dict.fromkeys(_SNAPSHOT, ResponsesRestoreStream._on_snapshot),
    **dict.fromkeys(_TERMINAL, ResponsesRestoreStream._on_terminal),
    "error": ResponsesRestoreStream._on_error,
    "response.output_item.added": ResponsesRestoreStream._on_item,
    "response.output_item.done": ResponsesRestoreStream._on_item,
    "response.function_call_arguments.delta": ResponsesRestoreStream._on_arguments_delta,
    "response.function_call_arguments.done": ResponsesRestoreStream._on_arguments_done,
}

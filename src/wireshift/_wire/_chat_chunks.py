"""One tolerant reading of a Chat Completions payload, for the accumulator and the translator.

A payload the chunk model reads as it is stays as it is. Anything else is repaired as far as
its data allows and the repair noted once: the shapes servers really send outside the spec
(``delta.content`` as a list of parts, reasoning as an object, a whole ``message`` where a
``delta`` belongs, a non-streamed ``chat.completion`` body, an ``error`` that is a bare
string), then whatever :func:`~._fold.fold` can fold. What cannot be read is handed back as
:class:`Unreadable` (text that is not JSON: an upstream's failure page) or :class:`Foreign`
(a JSON object that is not a chunk), never raised.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, cast

from pydantic import BaseModel

from .._errors import NestingTooDeepError, PayloadError, UpstreamError
from .._json import load_json
from .._model import WireModel
from ..chat._completion import ChatCompletionChunk
from ._fold import describe, fold
from ._input import Payload, payload_dict
from ._notelog import NoteSink

__all__ = ["ChatReading", "Foreign", "Unreadable", "raw_or_unread", "read_chat_payload"]

# Fields of a chunk that make it a chunk: a payload with none of them, or whose `object`
# names something else (`"response"`), is not a chunk.
_CHUNK_FIELDS = frozenset({"choices", "object", "id", "usage", "error", "created", "model"})
# Delta fields that carry text, and the keys of the objects some servers wrap it in.
_TEXT_FIELDS = ("content", "refusal", "reasoning_content", "reasoning")
_WRAPPED_TEXT = ("text", "content", "summary")


class Unreadable:
    """A payload that could not be read as JSON at all: ``text`` is what the upstream sent
    (a proxy's error page, a half event at a cut)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Foreign:
    """A payload of no event type of the stream's format (``null``, a Responses event in a
    chat stream, an untyped ``{"error": ...}``), kept as ``raw``; ``error`` is the upstream
    error it carries, if any."""

    __slots__ = ("error", "raw")

    def __init__(self, raw: dict[str, Any], error: UpstreamError | None = None) -> None:
        self.raw = raw
        self.error = error


ChatReading = ChatCompletionChunk | Unreadable | Foreign
"""What a chat payload reads as."""


def read_chat_payload(
    payload: Payload | BaseModel, where: str, note: NoteSink
) -> tuple[ChatReading, bool]:
    """Read one chat payload (JSON text, a mapping, or a model of any kind) into a chunk;
    ``where`` names the event in notes (``events[12]``). The flag says whether the chunk is
    the payload as sent (``False``: repaired, or not a chunk)."""
    if isinstance(payload, WireModel) and not isinstance(payload, ChatCompletionChunk):
        payload = payload.to_dict()  # another wireshift model: read as what it dumps to
    try:
        chunk = ChatCompletionChunk.parse(cast("Any", payload))
    except PayloadError as exc:
        return _drifted(payload, where, note, str(exc)), False
    if _carries_messages(chunk) or chunk.object == "chat.completion":
        return _drifted(payload, where, note, None), False
    checked = _checked(chunk, where, note)
    return checked, checked is chunk


def _checked(
    chunk: ChatCompletionChunk, where: str, note: NoteSink
) -> ChatCompletionChunk | Foreign:
    kind = chunk.object
    if _CHUNK_FIELDS.isdisjoint(chunk.model_fields_set) or (
        kind and not kind.startswith("chat.completion")
    ):
        note(where, "kept", "not a chat completion chunk; kept in unknown_events", "unknown_event")
        return Foreign(chunk.to_dict())
    return chunk


def _carries_messages(chunk: ChatCompletionChunk) -> bool:
    for choice in chunk.choices:
        extra = choice.__pydantic_extra__
        if extra and "message" in extra:
            return True
    return False


def _drifted(
    payload: Any, where: str, note: NoteSink, problem: str | None
) -> ChatCompletionChunk | Unreadable | Foreign:
    raw = raw_or_unread(payload, None, where, note)
    if not isinstance(raw, dict):
        return raw
    data, reshaped = _reshaped(raw)
    try:
        chunk = ChatCompletionChunk.parse(data)
        changes: list[dict[str, Any]] = []
    except PayloadError:
        folded, changes = fold(ChatCompletionChunk.parse, data)
        if folded is None:  # pragma: no cover - every field of a chunk is optional
            note(where, "kept", f"could not be read ({problem}); kept", "event_unreadable")
            return Foreign(raw)
        chunk = folded
    if reshaped or changes:
        note(
            where,
            "repaired",
            "the chunk's shape drifted; folded in what it carries: "
            + describe([*reshaped, *changes]),
            "event_drift",
            {"changes": [*reshaped, *changes], "payload": raw},
        )
    return _checked(chunk, where, note)


def raw_or_unread(
    payload: Any, name: str | None, where: str, note: NoteSink
) -> dict[str, Any] | Unreadable | Foreign:
    """A payload the models refused, as a dict to repair; or, when it is no JSON object,
    :class:`Unreadable` (not JSON at all: the upstream's failure) or :class:`Foreign`."""
    if isinstance(payload, BaseModel):
        payload = payload.model_dump(mode="json", by_alias=True, exclude_unset=True)
    raw = payload_dict(payload)
    if raw is not None:
        return raw
    if isinstance(payload, str):
        try:
            load_json(payload, what="event")
        except NestingTooDeepError as exc:
            note(where, "kept", f"{exc}; kept in unknown_events", "event_too_deep")
            return Foreign({"event": name, "data": payload} if name else {"data": payload})
        except ValueError:
            note(where, "kept", "not JSON; read as the upstream's failure", "event_unreadable")
            return Unreadable(payload)
    note(where, "kept", "not a JSON object; kept in unknown_events", "event_unreadable")
    text = str(payload)
    return Foreign({"event": name, "data": text} if name else {"data": text})


def _reshaped(raw: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The shapes servers send outside the spec, put in the chunk's own; and the changes."""
    changes: list[dict[str, Any]] = []
    data = raw
    copied = False

    def writable() -> dict[str, Any]:
        nonlocal data, copied
        if not copied:
            data = copy.deepcopy(raw)
            copied = True
        return data

    if data.get("object") == "chat.completion":
        writable()["object"] = "chat.completion.chunk"
        changes.append({"path": "object", "change": "replaced", "was": "chat.completion"})
    error = data.get("error")
    if isinstance(error, str):
        # Ollama's and others' `{"error": "text"}`: a shape of their own, not drift.
        writable()["error"] = {"message": error}
    choices = data.get("choices")
    if not isinstance(choices, list):
        return data, changes
    for position, choice in enumerate(choices):
        if not isinstance(choice, Mapping):
            continue
        if "message" in choice and "delta" not in choice:
            moved = writable()["choices"][position]
            moved["delta"] = moved.pop("message")
            changes.append({"path": f"choices[{position}].message", "change": "replaced"})
        delta = data["choices"][position].get("delta")
        if not isinstance(delta, Mapping):
            continue
        for name in _TEXT_FIELDS:
            value = delta.get(name)
            if value is None or isinstance(value, str):
                continue
            text = _text_of(value)
            if text is not None:
                writable()["choices"][position]["delta"][name] = text
                changes.append({"path": f"choices[{position}].delta.{name}", "change": "replaced"})
        calls = delta.get("tool_calls")
        if isinstance(calls, list):
            for number, call in enumerate(calls):
                if isinstance(call, Mapping) and "index" not in call:
                    # A whole message's calls carry no index: their place is their index.
                    writable()["choices"][position]["delta"]["tool_calls"][number]["index"] = number
    return data, changes


def _text_of(value: Any) -> str | None:
    """The text in a list of parts or a wrapping object; ``None`` when there is none."""
    if isinstance(value, Mapping):
        for key in _WRAPPED_TEXT:
            text = value.get(key)
            if isinstance(text, str):
                return text
        return None
    if isinstance(value, list):
        texts = [_text_of(part) if not isinstance(part, str) else part for part in value]
        found = [text for text in texts if text is not None]
        return "".join(found) if found or not value else None
    return None

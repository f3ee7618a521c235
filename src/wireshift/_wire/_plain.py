"""Reading JSON payloads without the models, provably the same way the models read them.

:func:`loads_object` and :func:`conforms` read a JSON object with ``json.loads`` and check it
against a model's field types without building the model. They accept only what the model
would accept too, and read it the same way; anything else is left to the model, so errors and
unusual payloads behave exactly as before. :func:`plain_tool_calls` and
:func:`model_tool_calls` give chat tool-call deltas as the same plain values either way.
"""

from __future__ import annotations

import json
import json.scanner
import re
import types
from typing import Any, Literal, Union, cast, get_args, get_origin

from pydantic import BaseModel

from ..chat._completion import (
    ChatCompletionChunk,
    ChunkChoice,
    ChunkDelta,
    FunctionCallDelta,
    ToolCallDelta,
)

__all__ = [
    "CHUNK_HEAD_TYPES",
    "SURROGATE_ESCAPE",
    "PlainChoice",
    "PlainChunk",
    "ToolCallParts",
    "conforms",
    "field_types",
    "loads_object",
    "model_tool_calls",
    "plain_chunk",
    "plain_tool_calls",
]

_NONE = type(None)

# --- reading JSON without the model ---------------------------------------------------------

# json.loads without its Python-level wrappers: the C scanner straight away.
_scan = json.scanner.make_scanner(cast(Any, json.JSONDecoder()))
_JSON_SPACE = " \t\n\r"
# A JSON escape of a UTF-16 surrogate: json.loads takes a lone one, pydantic refuses it.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# pydantic's JSON parser stops at about 200 levels of nesting, json.loads does not.
_DEPTH_SAFE_LENGTH = 400
_MAX_OPENINGS = 190


def loads_object(data: str) -> dict[str, Any] | None:
    """The JSON object in ``data`` as ``json.loads`` reads it, or ``None`` when ``data`` is
    anything pydantic might read differently (not an object, invalid, a surrogate escape,
    deep nesting)."""
    if "\\u" in data and SURROGATE_ESCAPE.search(data):
        return None
    if not data.isascii():
        try:  # a lone surrogate in the text itself (text fed as str): pydantic refuses it too
            data.encode()
        except UnicodeEncodeError:
            return None
    if len(data) > _DEPTH_SAFE_LENGTH and data.count("{") + data.count("[") > _MAX_OPENINGS:
        return None
    if data[:1] != "{":
        data = data.lstrip(_JSON_SPACE)
        if data[:1] != "{":
            return None
    try:
        value, end = _scan(data, 0)
    except (StopIteration, ValueError, RecursionError):
        return None
    if end != len(data) and data[end:].strip(_JSON_SPACE):
        return None
    return value if type(value) is dict else None


def _types_of(annotation: Any) -> tuple[type[Any], ...]:
    """Python types of a decoded JSON value that surely validate for ``annotation``: the
    scalar types it names exactly (``None`` included); container and model types are left
    to the caller or to the model."""
    if annotation is None or annotation is _NONE:
        return (_NONE,)
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        found: tuple[type[Any], ...] = ()
        for member in get_args(annotation):
            found += _types_of(member)
        return found
    if origin is Literal:
        return ()
    if annotation in (str, int, bool):
        return (annotation,)
    if annotation is float:
        return (float, int)
    return ()


def field_types(model: type[BaseModel]) -> dict[str, tuple[type[Any], ...]]:
    """For each input key of ``model`` (name and alias), the value types that surely validate.

    A key whose field takes containers or models maps to ``(NoneType,)`` when ``None`` is
    allowed, else to ``()``: callers check those fields themselves or leave the payload to
    the model. Unknown keys are extra fields, which take any value.
    """
    table: dict[str, tuple[type[Any], ...]] = {}
    for name, field in model.model_fields.items():
        allowed = _types_of(field.annotation)
        table[name] = allowed
        if field.alias:
            table[field.alias] = allowed
    return table


def conforms(data: dict[str, Any], table: dict[str, tuple[type[Any], ...]]) -> bool:
    """Whether every known key of ``data`` holds a value of one of its types in ``table``."""
    get = table.get
    for key, value in data.items():
        allowed = get(key)
        if allowed is not None and type(value) not in allowed:
            return False
    return True


# --- chat tool-call deltas as plain values -------------------------------------------------

ToolCallParts = tuple[
    int | None, str | None, str | None, str | None, str | None, dict[str, Any] | None
]
"""One tool-call delta: index, id, type, function name, arguments, and the fields neither the
call nor its function declares (the function's under ``"function"``), or ``None``."""

_CALL_KEYS = frozenset({"index", "id", "type", "function"})
_FUNCTION_KEYS = frozenset({"name", "arguments"})
_CALL_TYPES: dict[str, tuple[type[Any], ...]] = {
    **field_types(ToolCallDelta),
    "function": (_NONE, dict),
}
_FUNCTION_TYPES = field_types(FunctionCallDelta)


def model_tool_calls(deltas: list[ToolCallDelta]) -> list[ToolCallParts]:
    """Tool-call delta models as plain values."""
    calls: list[ToolCallParts] = []
    for delta in deltas:
        function = delta.function
        name = arguments = None
        extra = delta.__pydantic_extra__
        if function is not None:
            name, arguments = function.name, function.arguments
            if function.__pydantic_extra__:
                extra = {**(extra or {}), "function": function.__pydantic_extra__}
        # SGLang's continuations carry `"id": ""` and `"name": ""`: no id, no name.
        calls.append(
            (delta.index, delta.id or None, delta.type, name or None, arguments, extra or None)
        )
    return calls


def plain_tool_calls(deltas: list[Any]) -> list[ToolCallParts] | None:
    """Tool-call deltas of a chunk read by :func:`loads_object`, as :func:`model_tool_calls`
    gives them; ``None`` for any the model might read differently or that carries a field it
    does not declare (left to the model)."""
    calls: list[ToolCallParts] = []
    for delta in deltas:
        if (
            type(delta) is not dict
            or not _CALL_KEYS.issuperset(delta)
            or not conforms(delta, _CALL_TYPES)
        ):
            return None
        function = delta.get("function")
        name = arguments = None
        if function is not None:
            if not _FUNCTION_KEYS.issuperset(function) or not conforms(function, _FUNCTION_TYPES):
                return None
            name, arguments = function.get("name"), function.get("arguments")
        calls.append(
            (
                delta.get("index"),
                delta.get("id") or None,
                delta.get("type"),
                name or None,
                arguments,
                None,
            )
        )
    return calls


# --- chat chunks as plain values -----------------------------------------------------------

PlainChoice = tuple[int, dict[str, Any], str | None, list[ToolCallParts] | None]
"""One choice of a chunk: its index, its delta, its finish reason, and its tool calls."""

# The keys a chunk's choices and deltas may hold for the plain reading, with value types the
# models surely read as they are; any other key sends the chunk to the models.
_CHOICE_KEYS = frozenset({"index", "delta", "finish_reason", "logprobs"})
_DELTA_KEYS = frozenset(
    {
        "content",
        "refusal",
        "reasoning_content",
        "reasoning",
        "role",
        "tool_calls",
        "reasoning_details",
    }
)


CHUNK_HEAD_TYPES = field_types(ChatCompletionChunk)
"""For the head (the chunk's fields but ``choices``): the value types that surely validate."""
_CHOICE_OWN: dict[str, tuple[type[Any], ...]] = {"delta": (dict,), "logprobs": (_NONE,)}
_CHOICE_TYPES: dict[str, tuple[type[Any], ...]] = {
    key: types
    for key, types in {**field_types(ChunkChoice), **_CHOICE_OWN}.items()
    if key in _CHOICE_KEYS
}
_DELTA_OWN: dict[str, tuple[type[Any], ...]] = {
    "tool_calls": (_NONE, list),
    "reasoning_details": (_NONE, list),
}
_DELTA_TYPES: dict[str, tuple[type[Any], ...]] = {
    key: types
    for key, types in {**field_types(ChunkDelta), **_DELTA_OWN}.items()
    if key in _DELTA_KEYS
}
_NO_DELTA: dict[str, Any] = {}
# A choice has four keys: each is checked by name against its entry in the table.
_INDEX_TYPES = _CHOICE_TYPES["index"]
_FINISH_TYPES = _CHOICE_TYPES["finish_reason"]
_LOGPROBS_TYPES = _CHOICE_TYPES["logprobs"]
assert set(_CHOICE_TYPES) == _CHOICE_KEYS  # a new choice key needs a check here


PlainChunk = tuple[dict[str, Any], "str | None", Any, "list[PlainChoice] | None"]
"""A chat chunk read as plain values: its head (every field but ``choices`` and the
``obfuscation`` pad), the pad, the ``choices`` as sent, and the choices as
:data:`PlainChoice` values (``None`` when one of them must go to the models)."""


def plain_chunk(data: str) -> PlainChunk | None:
    """The chunk in ``data`` as plain values, read as the models would read it; ``None`` when
    ``data`` is not a JSON object the plain reading takes (see :func:`loads_object`).

    The head is not checked: a caller either skips it (equal to the last head the models
    read) or checks it against :data:`CHUNK_HEAD_TYPES`. This runs once per chunk: each
    dict's keys and value types are checked in one pass.
    """
    chunk = loads_object(data)
    if chunk is None:
        return None
    choices = chunk.pop("choices", None)
    # OpenAI's random pad, different on every chunk: a declared field that nothing keeps.
    pad = chunk.get("obfuscation")
    if type(pad) is str:
        del chunk["obfuscation"]
    else:
        pad = None
    if type(choices) is not list:
        return chunk, pad, choices, None
    plain: list[PlainChoice] = []
    delta_types = _DELTA_TYPES
    for position, choice in enumerate(choices):
        if type(choice) is not dict or not _CHOICE_KEYS.issuperset(choice):
            return chunk, pad, choices, None
        index = choice.get("index")
        finish_reason = choice.get("finish_reason")
        if (
            type(index) not in _INDEX_TYPES
            or type(finish_reason) not in _FINISH_TYPES
            or type(choice.get("logprobs")) not in _LOGPROBS_TYPES
        ):
            return chunk, pad, choices, None
        delta = choice.get("delta", _NO_DELTA)
        if type(delta) is not dict:
            return chunk, pad, choices, None
        calls = None
        for key, value in delta.items():
            allowed = delta_types.get(key)
            if allowed is None or type(value) not in allowed:
                return chunk, pad, choices, None
            if key == "tool_calls" and value is not None:
                calls = plain_tool_calls(value)
                if calls is None:
                    return chunk, pad, choices, None
            elif (
                key == "reasoning_details"  # OpenRouter: objects, on every chunk
                and value
                and any(type(detail) is not dict for detail in value)
            ):
                return chunk, pad, choices, None
        plain.append((position if index is None else index, delta, finish_reason, calls))
    return chunk, pad, choices, plain

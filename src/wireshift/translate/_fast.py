"""Shortcuts for the stream translators' hot path, each provably equal to the slow way.

* :func:`construct` builds a model from values this package made, at a third of the cost of
  ``model_construct``.
* :func:`loads_object` and :func:`conforms` read a JSON object with ``json.loads`` and check it
  against a model's field types without building the model. They accept only what the model
  would accept too, and read it the same way; anything else is left to the model, so errors
  and unusual payloads behave exactly as before.
* :class:`EventTemplate` writes the SSE bytes of a delta event from a template cut out of the
  encoded model itself, so it cannot drift from :func:`~wireshift.encode_sse`.
"""

from __future__ import annotations

import json
import json.scanner
import re
import types
from typing import Any, Literal, Union, cast, get_args, get_origin

import pydantic_core
from pydantic import BaseModel

from .._sse import encode_sse
from ..chat._completion import FunctionCallDelta, ToolCallDelta

__all__ = [
    "EventTemplate",
    "ToolCallParts",
    "conforms",
    "construct",
    "field_types",
    "loads_object",
    "model_tool_calls",
    "plain_tool_calls",
]

_NONE = type(None)

_DEFAULTS: dict[type[Any], tuple[dict[str, Any], dict[str, Any]]] = {}
_new = object.__new__
_set = object.__setattr__


def construct(cls: type[Any], fields: dict[str, Any]) -> Any:
    """``cls.model_construct(**fields)`` for fields the model declares, by name.

    Every value is built by this package, so neither validation nor construct's per-call
    default resolution is needed. The fields given are the ones marked set.
    """
    known = _DEFAULTS.get(cls)
    if known is None:
        plain = {n: f.default for n, f in cls.model_fields.items() if f.default_factory is None}
        factories = {n: f.default_factory for n, f in cls.model_fields.items() if f.default_factory}
        known = _DEFAULTS[cls] = (plain, factories)
    plain, factories = known
    values = {**plain, **fields}
    for name, factory in factories.items():
        if name not in fields:
            values[name] = factory()
    made = _new(cls)
    _set(made, "__dict__", values)
    _set(made, "__pydantic_fields_set__", set(fields))
    _set(made, "__pydantic_extra__", {})
    _set(made, "__pydantic_private__", None)
    return made


# --- reading JSON without the model ---------------------------------------------------------

# json.loads without its Python-level wrappers: the C scanner straight away.
_scan = json.scanner.make_scanner(cast(Any, json.JSONDecoder()))
_JSON_SPACE = " \t\n\r"
# A JSON escape of a UTF-16 surrogate: json.loads takes a lone one, pydantic refuses it.
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
# pydantic's JSON parser stops at about 200 levels of nesting, json.loads does not.
_DEPTH_SAFE_LENGTH = 400
_MAX_OPENINGS = 190


def loads_object(data: str) -> dict[str, Any] | None:
    """The JSON object in ``data`` as ``json.loads`` reads it, or ``None`` when ``data`` is
    anything pydantic might read differently (not an object, invalid, a surrogate escape,
    deep nesting)."""
    if "\\u" in data and _SURROGATE.search(data):
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
        calls.append((delta.index, delta.id, delta.type, name, arguments, extra or None))
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
            (delta.get("index"), delta.get("id"), delta.get("type"), name, arguments, None)
        )
    return calls


# --- writing SSE without the model ----------------------------------------------------------

_to_json = pydantic_core.to_json
_TEXT_HOLE = "\x00wireshift text hole\x00"
_NUMBER_HOLE = 7_302_618_495_173_826_041


class EventTemplate:
    """The SSE bytes of one event model with a hole for a string field and, optionally, one
    for an integer field (the sequence number).

    Made from the model encoded with the hole values, so the bytes are those
    :func:`~wireshift.encode_sse` writes; :meth:`fill` puts ``pydantic_core.to_json`` of the
    text (the serializer the model uses for a ``str`` field) and the number in the holes.
    """

    __slots__ = ("_format", "_order")

    TEXT = _TEXT_HOLE
    """The value to give the string field when building the model."""
    NUMBER = _NUMBER_HOLE
    """The value to give the integer field when building the model."""

    def __init__(self, parts: list[bytes], order: int) -> None:
        # One bytes format (one operation per event, no intermediate bytes); order 0 has a text
        # hole only, 1 the number then the text, 2 the text then the number.
        holes = (b"%b",) if order == 0 else (b"%d", b"%b") if order == 1 else (b"%b", b"%d")
        escaped = [part.replace(b"%", b"%%") for part in parts]
        self._format = escaped[0] + b"".join(h + p for h, p in zip(holes, escaped[1:], strict=True))
        self._order = order

    @classmethod
    def of(cls, model: BaseModel, *, event: str | None = None) -> EventTemplate | None:
        """Cut the holes out of ``encode_sse(model, event=event)``; ``None`` when a hole value
        is not found exactly once (never for the events built here)."""
        encoded = encode_sse(model, event=event)
        text = _to_json(_TEXT_HOLE)
        number = b"%d" % _NUMBER_HOLE
        if encoded.count(text) != 1:
            return None
        before, after = encoded.split(text)
        found = before.count(number) + after.count(number)
        if found == 0:
            return cls([before, after], 0)
        if found != 1:
            return None
        if number in before:
            return cls([*before.split(number), after], 1)
        return cls([before, *after.split(number)], 2)

    def fill(self, text: str, number: int = 0) -> bytes:
        """The event's bytes with ``text`` (and ``number``, if the template has its hole)."""
        order = self._order
        if order == 1:
            return self._format % (number, _to_json(text))
        if order == 2:
            return self._format % (_to_json(text), number)
        return self._format % (_to_json(text),)

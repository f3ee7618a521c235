"""Shortcuts for the stream translators' writing, each provably equal to the slow way.

* :func:`construct` builds a model from values this package made, at a third of the cost of
  ``model_construct``.
* :class:`EventTemplate` writes the SSE bytes of a delta event from a template cut out of the
  encoded model itself, so it cannot drift from :func:`~wireshift.encode_sse`.
"""

from __future__ import annotations

from typing import Any, TypeVar

import pydantic_core
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from .._json import dump_json
from .._sse import encode_sse

__all__ = ["EventTemplate", "construct"]

_Model = TypeVar("_Model", bound=BaseModel)
_DEFAULTS: dict[type[Any], tuple[dict[str, Any], dict[str, Any]]] = {}
_new = object.__new__
_set = object.__setattr__


def construct(cls: type[_Model], fields: dict[str, Any]) -> _Model:
    """``cls.model_construct(**fields)`` for fields the model declares, by name.

    Every value is built by this package, so neither validation nor construct's per-call
    default resolution is needed. The fields given are the ones marked set.
    """
    known = _DEFAULTS.get(cls)
    if known is None:
        # Every field in its declared order (a factory's place held until it runs), so that
        # the instance's __dict__ iterates as model_construct's does.
        plain = {n: f.default for n, f in cls.model_fields.items()}
        factories: dict[str, Any] = {
            n: f.default_factory for n, f in cls.model_fields.items() if f.default_factory
        }
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
        try:
            encoded = _to_json(text)
        except PydanticSerializationError:  # a lone surrogate: written as its escape
            encoded = dump_json(text)
        order = self._order
        if order == 1:
            return self._format % (number, encoded)
        if order == 2:
            return self._format % (encoded, number)
        return self._format % (encoded,)

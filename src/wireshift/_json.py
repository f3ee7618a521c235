"""Reading and writing wire JSON the same way on every path.

* Nesting deeper than a limit is refused with :class:`~wireshift.NestingTooDeepError`, never
  a ``RecursionError``: pydantic's own parser stops near 200 levels and its serializer near
  255, so a document deeper than the limit could be read on one path and not written on
  another.
* A lone UTF-16 surrogate (``"\\ud800"``, which JSON allows and Python reads) is kept, and
  written back as the same escape: UTF-8 cannot hold it, so pydantic and ``str.encode`` refuse.
* ``NaN`` and ``Infinity`` (which Python's ``json`` reads and writes) pass through as numbers;
  integer fields refuse them where they are validated.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pydantic_core
from pydantic import BaseModel

from ._errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    InvalidJSONError,
    NestingTooDeepError,
    excerpt,
)

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "MAX_DEPTH_CEILING",
    "check_depth",
    "check_max_depth",
    "dump_json",
    "escaped_json_text",
    "load_json",
    "model_data",
    "model_json",
    "too_deep",
]

DEFAULT_MAX_DEPTH = 128
"""Levels of objects and arrays a wire document may nest (a tool's JSON schema rarely needs
20)."""

MAX_DEPTH_CEILING = 192
"""The deepest limit a caller may set: pydantic cannot write much deeper than this."""

_LONE_SURROGATE = "[\ud800-\udfff]"  # compiled (and cached by `re`) on first use


def check_max_depth(max_depth: object) -> int:
    """A caller's ``max_depth``, checked: an int from 1 to :data:`MAX_DEPTH_CEILING`."""
    if type(max_depth) is not int:
        raise ArgumentTypeError(
            f"max_depth is an int, not {type(max_depth).__name__}", argument="max_depth"
        )
    if not 1 <= max_depth <= MAX_DEPTH_CEILING:
        raise InvalidArgumentError(
            f"max_depth is from 1 to {MAX_DEPTH_CEILING}, not {max_depth}", argument="max_depth"
        )
    return max_depth


def load_json(
    data: str | bytes | bytearray, *, what: str, max_depth: int = DEFAULT_MAX_DEPTH
) -> Any:
    """``data`` parsed as JSON, or a :class:`~wireshift.InvalidJSONError` /
    :class:`~wireshift.NestingTooDeepError` naming ``what`` it was."""
    try:
        # pydantic-core's parser is two to three times faster on request bodies. What it
        # refuses (a lone surrogate, a byte-order mark, nesting past 200, any error) goes
        # to json, which reads it as before or says what is wrong in its own words. Caching
        # keys only: hashing every short string value to share it costs more than it saves
        # (a 400-item history parses 5% faster, measured).
        value = pydantic_core.from_json(data, cache_strings="keys")
    except (ValueError, TypeError):  # TypeError: a str holding a lone surrogate
        try:
            value = json.loads(data)
        except RecursionError:
            raise _deep(what, max_depth) from None
        except ValueError as exc:  # JSONDecodeError, or UnicodeDecodeError for bytes
            raise InvalidJSONError(
                f"{what} is not JSON: {excerpt(str(exc), 120)}", model=what
            ) from None
    check_depth(value, data, what=what, max_depth=max_depth)
    return value


def check_depth(
    value: Any, text: str | bytes | bytearray | None = None, *, what: str, max_depth: int
) -> None:
    """Raise :class:`~wireshift.NestingTooDeepError` when ``value`` nests deeper than
    ``max_depth``. ``text``, the JSON it came from, makes short documents free: one shorter
    than ``max_depth + 1`` pairs of brackets cannot be that deep."""
    # Counting the brackets of a long document costs about what walking it does (measured),
    # so only the length decides whether to walk.
    if text is not None and len(text) < 2 * (max_depth + 1):
        return
    if too_deep(value, max_depth):
        raise _deep(what, max_depth)


_CONTAINERS = frozenset((dict, list, tuple))


def too_deep(value: Any, max_depth: int) -> bool:
    """Whether ``value`` holds objects or arrays nested more than ``max_depth`` levels."""
    # Level by level: each pass keeps only the containers of the next level. A comprehension
    # and one set lookup per value: a fifth faster than a loop that appends (measured).
    containers = _CONTAINERS
    level = [value] if type(value) in containers else []
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) in containers
        ]
    return False


def _deep(what: str, max_depth: int) -> NestingTooDeepError:
    return NestingTooDeepError(
        f"{what} nests objects or arrays more than {max_depth} levels deep",
        model=what,
        limit=max_depth,
    )


def dump_json(value: Any, *, what: str = "value") -> bytes:
    """Compact UTF-8 JSON of plain data, as ``pydantic_core.to_json`` writes it; lone
    surrogates are written as ``\\uXXXX`` escapes instead of failing."""
    try:
        return pydantic_core.to_json(value)
    except (pydantic_core.PydanticSerializationError, ValueError, RecursionError):
        return escaped_json_text(value, what).encode()


def model_json(model: BaseModel, *, what: str | None = None) -> bytes:
    """A model's compact JSON (fields that were set, by alias), surviving lone surrogates."""
    try:
        return model.__pydantic_serializer__.to_json(model, by_alias=True, exclude_unset=True)
    except (pydantic_core.PydanticSerializationError, ValueError, RecursionError):
        name = what or type(model).__name__
        return escaped_json_text(
            model_data(model, by_alias=True, exclude_unset=True), name
        ).encode()


def model_data(model: BaseModel, **options: Any) -> Any:
    """``model.model_dump(mode="json", **options)``, surviving a lone surrogate in a key
    (pydantic's JSON mode refuses it; the Python mode keeps it, the writers escape it)."""
    try:
        return model.model_dump(mode="json", **options)
    except UnicodeEncodeError:
        return model.model_dump(mode="python", **options)
    except (pydantic_core.PydanticSerializationError, ValueError, RecursionError):
        raise _deep(type(model).__name__, MAX_DEPTH_CEILING) from None


def escaped_json_text(value: Any, what: str, indent: int | None = None) -> str:
    """JSON text of plain data with every lone surrogate written as its escape."""
    separators = (",", ":") if indent is None else (",", ": ")
    try:
        text = json.dumps(
            value, ensure_ascii=False, indent=indent, separators=separators, default=_unwritable
        )
    except RecursionError:
        raise _deep(what, MAX_DEPTH_CEILING) from None
    except (TypeError, ValueError) as exc:
        raise ArgumentTypeError(f"{what} cannot be written as JSON: {exc}", argument=what) from None
    return re.sub(_LONE_SURROGATE, _escape, text)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _unwritable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    raise TypeError(f"{type(value).__name__} is not JSON")

"""Payload shapes: the JSON text of a stream's payload with holes where its values change.

Most payloads of a stream differ from the one before only in a few values: a delta's text,
its sequence number, an ``obfuscation`` pad. A :class:`PayloadShape` keeps the text around
those values, learnt from a payload that was read in full. A later payload whose text is the
same around the holes, with one JSON token of the hole's kind in each (a string, or a plain
non-negative integer), is that payload with other values: reading it takes one pattern match
and decoding the holes, not parsing the whole payload.

A shape is learnt only when putting probe values in the holes and parsing the text again puts
each probe at its hole's place in the payload, so each hole is that value (not a key, not a
duplicate key the parser overrides, not part of another value). Tokens of the same kind at the
same places then always parse the same way: the shape reads any payload it matches exactly as
a JSON parser would.
"""

from __future__ import annotations

import json.decoder
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, cast

from .._wire._plain import loads_object

__all__ = ["Hole", "PayloadShape", "learn_shape"]

HoleKind = Literal["int", "str"]
Hole = tuple[tuple[str | int, ...], HoleKind]
"""Where a hole is in the parsed payload (keys and list indexes), and its kind."""

# json's own (C) reader of one string token: (the string, the index after its closing quote).
_scanstring = cast(
    "Callable[[str, int], tuple[str, int]]",
    json.decoder.scanstring,  # type: ignore[attr-defined]
)
# What a hole may hold. Integers: no sign, no leading zero, few enough digits to be exact
# everywhere. Strings: the body of one JSON string token (escapes decoded afterwards), as runs
# of plain characters split by escapes: each text can be matched one way only, so a payload
# that fails to match fails in linear time (`(?:[^"]+|...)*` would backtrack exponentially).
_TOKENS: dict[HoleKind, str] = {
    "int": r"(0|[1-9][0-9]{0,15})",
    "str": r'([^"\\\x00-\x1f]*(?:\\.[^"\\\x00-\x1f]*)*)',
}
_JSON_SPACE = r"[ \t\n\r]*"
# Occurrences of a hole's key tried before giving up.
_TRIES = 4
_MISSING = object()


class PayloadShape:
    """The text around a payload's holes; :meth:`values` reads a payload of this shape."""

    __slots__ = ("_groups", "_ints", "_kinds", "_match", "_prefix", "_suffix")

    def __init__(
        self,
        prefix: str,
        pattern: str,
        suffix: str,
        kinds: tuple[HoleKind, ...],
        groups: tuple[int, ...],
    ) -> None:
        # The text before the first hole and after the last are compared as they are (much
        # faster than matching them in the pattern); the pattern covers what lies between.
        self._prefix = prefix
        self._suffix = suffix
        self._match = re.compile(pattern, re.DOTALL).fullmatch
        self._kinds = kinds
        # For each hole, in the order given when learnt, its group in the pattern.
        self._groups = groups
        self._ints = tuple(i for i, kind in enumerate(kinds) if kind == "int")

    def values(self, data: str) -> list[Any] | None:
        """The hole values of ``data`` in hole order, or ``None`` when it is not of this
        shape (or holds what a JSON reader would refuse: a bad escape, a lone surrogate)."""
        prefix = self._prefix
        if not data.startswith(prefix) or not data.endswith(self._suffix):
            return None
        found = self._match(data, len(prefix), len(data) - len(self._suffix))
        if found is None:
            return None
        groups = found.groups()
        out: list[Any] = [groups[group] for group in self._groups]
        for index in self._ints:
            out[index] = int(out[index])
        # ASCII without a backslash (the usual payload): each string is its own value.
        if "\\" in data or not data.isascii():
            for index, kind in enumerate(self._kinds):
                if kind == "str":
                    value = _string(out[index])
                    if value is None:
                        return None
                    out[index] = value
        return out


def _string(raw: str) -> str | None:
    """The string a JSON string token's body stands for; ``None`` when a JSON reader would
    refuse it."""
    if "\\" in raw:
        try:
            raw = _scanstring(raw + '"', 0)[0]
        except ValueError:
            return None
    if not raw.isascii():
        try:  # a lone surrogate, escaped or raw: pydantic refuses it, so must we
            raw.encode()
        except UnicodeEncodeError:
            return None
    return raw


def learn_shape(data: str, parsed: dict[str, Any], holes: Sequence[Hole]) -> PayloadShape | None:
    """The shape of ``data`` (which parses to ``parsed``) with the given holes, or ``None``
    when a hole's value cannot be found in the text and checked."""
    if not holes:
        return None
    spans: list[tuple[int, int, HoleKind]] = []
    for path, kind in holes:
        span = _find(data, path, kind, _get(parsed, path))
        if span is None:
            return None
        spans.append((*span, kind))
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    # The probe: each hole's token replaced by a value found nowhere else.
    probes: list[Any] = [
        9_000_000_000_000 + i if kind == "int" else f"wireshift-probe-{i}"
        for i, (_, _, kind) in enumerate(spans)
    ]
    pieces: list[str] = []
    pattern: list[str] = []
    at = 0
    for i in order:
        start, end, kind = spans[i]
        if start < at:
            return None  # holes overlap
        pieces += [data[at:start], str(probes[i])]
        if at:
            pattern.append(re.escape(data[at:start]))
        pattern.append(_TOKENS[kind])
        at = end
    pieces.append(data[at:])
    probe = loads_object("".join(pieces))
    if probe is None:
        return None
    for (path, _), value in zip(holes, probes, strict=True):
        if _get(probe, path) != value:
            return None
    # The pattern's groups come in text order; values() gives them in hole order.
    return PayloadShape(
        data[: spans[order[0]][0]],
        "".join(pattern),
        data[at:],
        tuple(kind for _, _, kind in spans),
        tuple(order.index(i) for i in range(len(spans))),
    )


def _find(
    data: str, path: tuple[str | int, ...], kind: HoleKind, value: Any
) -> tuple[int, int] | None:
    """The span of ``value``'s token (a string's body without its quotes) after one of the
    occurrences of the key that ends ``path``."""
    key = path[-1]
    if not isinstance(key, str) or value is _MISSING:
        return None
    if kind == "int" and not (type(value) is int and 0 <= value < 10**16):
        return None
    if kind == "str" and type(value) is not str:
        return None
    opener = re.compile(
        re.escape(json.dumps(key))
        + _JSON_SPACE
        + ":"
        + _JSON_SPACE
        + ('"' if kind == "str" else "")
    )
    for tries, found in enumerate(opener.finditer(data)):
        if tries == _TRIES:
            return None
        start = found.end()
        if kind == "str":
            try:
                held, after = _scanstring(data, start)
            except ValueError:
                continue
            if held == value:
                return start, after - 1
        else:
            digits = re.match(r"[0-9]+", data[start : start + 20])
            if digits is not None and int(digits.group()) == value:
                return start, start + digits.end()
    return None


def _get(value: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        if isinstance(step, int):
            if type(value) is not list or not -len(value) <= step < len(value):
                return _MISSING
        elif type(value) is not dict or step not in value:
            return _MISSING
        value = value[step]
    return value

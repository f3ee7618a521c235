"""The delta event a stream repeats: read from its raw bytes, without decoding the SSE block
or the JSON object around the values that change.

Servers write every delta of a turn alike: a chat text chunk repeats its id, model,
``created`` and ``choices`` wrapper, with only ``content`` changing; a Responses delta event
repeats its type, item id and indexes, with ``sequence_number``, ``delta`` and OpenAI's
random ``obfuscation`` changing. Once an event that was one whole SSE block has been read the
usual way, the bytes around those values are kept. A later event with the same bytes around
values of the same kinds reads the same way but for those values, which are all that is read
from it. Anything else (another field that changed, a second event, a string that ends
early, a number written otherwise, an escape the models read differently) is not taken here,
and is read the usual way.
"""

from __future__ import annotations

import json.decoder
import re
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, Final, cast

from ._plain import SURROGATE_ESCAPE

__all__ = ["ANY_STRING", "EventShape"]

# The C string scanner json.loads reads strings with (typeshed does not declare it): the
# string that starts at an index, unescaped, and the index after its closing quote.
scanstring = cast(Callable[[str, int], tuple[str, int]], vars(json.decoder)["scanstring"])
# A JSON integer as json.loads reads one into an int (a fraction or exponent is not taken).
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)(?![0-9.eE])")
_SPACE = " \t"

ANY_STRING: Final = object()
"""An expected value for a string hole whose value is not checked (``obfuscation``)."""


class EventShape:
    """The bytes of the last delta event read the usual way, with holes where values change.

    ``holes`` names each changing top-level member and whether it is a string (``str``) or an
    integer (``int``); :meth:`read` gives their values in that order.
    """

    __slots__ = ("_pick", "_steps", "_tail", "data_start")

    def __init__(
        self,
        segments: tuple[str, ...],
        ints: tuple[bool, ...],
        order: tuple[int, ...],
        tail: str,
        data_start: int,
    ) -> None:
        # Each hole's constant text before it, that text's length, and whether it is a number.
        self._steps = tuple(zip(segments, map(len, segments), ints, strict=True))
        # From the holes in the text's order to their order in ``holes``.
        position = {hole: at for at, hole in enumerate(order)}
        self._pick = itemgetter(*(position[hole] for hole in range(len(order))))
        self._tail = tail
        self.data_start = data_start
        """Where the event's data (its JSON text) starts in the decoded event."""

    @classmethod
    def learn(
        cls, raw: bytes, holes: tuple[tuple[str, type], ...], values: tuple[Any, ...]
    ) -> EventShape | None:
        """The shape of ``raw``, one whole SSE event whose data the usual reading read with
        these ``values`` in these ``holes``; ``None`` when they cannot be told apart from the
        rest."""
        if b"\r" in raw:
            return None
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            return None
        data = _data_start(text)
        if data < 0:
            return None
        spans: list[tuple[int, int, bool, int]] = []  # start, end, integer, position in holes
        for position, ((key, kind), expected) in enumerate(zip(holes, values, strict=True)):
            found = _member(text, key, kind is int)
            if found is None:
                return None
            start, end, value = found
            if expected is not ANY_STRING and (value != expected or type(value) is not kind):
                return None
            spans.append((start, end, kind is int, position))
        spans.sort()
        segments: list[str] = []
        last = 0
        for start, end, _, _ in spans:
            if start < last:
                return None
            segments.append(text[last:start])
            last = end
        if cls is EventShape and len(spans) == 1 and not spans[0][2]:
            cls = _OneString
        return cls(
            tuple(segments),
            tuple(span[2] for span in spans),
            tuple(span[3] for span in spans),
            text[last:],
            data,
        )

    def read(self, raw: bytes) -> tuple[Sequence[Any], str] | None:
        """The values of ``raw``'s holes, in the order of ``holes``, and the decoded event
        (its data from :attr:`data_start` to the blank line); ``None`` when ``raw`` is not the
        learned event but for those values."""
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            return None
        tail = self._tail
        if not text.endswith(tail):
            return None
        escaped = "\\u" in text
        found: list[Any] = []
        pos = 0
        for segment, length, integer in self._steps:
            if not text.startswith(segment, pos):
                return None
            pos += length
            if integer:
                number = _INT.match(text, pos)
                if number is None:
                    return None
                found.append(int(number.group()))
                pos = number.end()
            else:
                try:
                    value, end = scanstring(text, pos)
                except ValueError:  # not a string, or a raw control character in it
                    return None
                if escaped and SURROGATE_ESCAPE.search(text, pos, end):
                    return None  # the models refuse a lone surrogate that json.loads takes
                found.append(value)
                pos = end
        if pos != len(text) - len(tail):
            return None
        picked = self._pick(found)
        return (picked if len(found) > 1 else found), text


class _OneString(EventShape):
    """An :class:`EventShape` with one string hole (a chat chunk's ``content``, most of a
    chat stream): the same reading, without the loop over holes."""

    __slots__ = ()

    def read(self, raw: bytes) -> tuple[Sequence[Any], str] | None:
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            return None
        ((head, start, _),) = self._steps
        tail = self._tail
        if not (text.startswith(head) and text.endswith(tail)):
            return None
        try:
            value, end = scanstring(text, start)
        except ValueError:
            return None
        if end != len(text) - len(tail):
            return None
        if "\\u" in text and SURROGATE_ESCAPE.search(text, start, end):
            return None
        return [value], text


def _data_start(text: str) -> int:
    """Where the data of ``text`` starts when it is one whole event: an optional ``event:``
    line and one ``data:`` line holding a JSON object; else -1."""
    if not text.endswith("}\n\n"):
        return -1
    first = text.find("\n")
    if first == len(text) - 2:
        line = 0
    elif text.startswith("event:") and text.find("\n", first + 1) == len(text) - 2:
        line = first + 1
    else:
        return -1
    if not text.startswith("data:", line):
        return -1
    start = line + 5
    if text.startswith(" ", start):
        start += 1
    return start if text.startswith("{", start) else -1


def _member(text: str, key: str, integer: bool) -> tuple[int, int, Any] | None:
    """Where the one member ``key`` of ``text`` has its value (a string's start is after its
    opening quote), where the value ends, and the value; ``None`` when the key is not there
    exactly once, or its value is not of the kind."""
    quoted = f'"{key}"'
    at = text.find(quoted)
    if at < 0 or text.find(quoted, at + 1) >= 0:
        return None
    pos = at + len(quoted)
    while text[pos] in _SPACE:
        pos += 1
    if text[pos] != ":":
        return None
    pos += 1
    while text[pos] in _SPACE:
        pos += 1
    if integer:
        number = _INT.match(text, pos)
        if number is None:
            return None
        return pos, number.end(), int(number.group())
    if text[pos] != '"':
        return None
    try:
        value, end = scanstring(text, pos + 1)
    except ValueError:
        return None
    return pos + 1, end, value

"""The text chunk a chat stream repeats: read from its raw bytes, without decoding the SSE
block or the JSON object around the text.

Servers write every text chunk of a turn alike: the same id, model, ``created`` and
``choices`` wrapper, with only the ``content`` string changing. Once a chunk that was one
whole ``data:`` line has been read the usual way, as a delta with ``content`` alone, its
bytes before and after that string are kept. A later chunk with the same bytes around a
single JSON string reads the same way but for the text, which is all that is read from it.
Anything else (another field that changed, a second line, a string that ends early, an
escape the models read differently) is not taken here, and is read the usual way.
"""

from __future__ import annotations

import json.decoder
from collections.abc import Callable
from typing import cast

from ._plain import SURROGATE_ESCAPE

__all__ = ["RepeatedTextChunk"]

_KEY = '"content"'
# The C string scanner json.loads reads strings with (typeshed does not declare it): the
# string that starts at an index, unescaped, and the index after its closing quote.
scanstring = cast(Callable[[str, int], tuple[str, int]], vars(json.decoder)["scanstring"])


class RepeatedTextChunk:
    """The bytes around the ``content`` string of the last text chunk read the usual way."""

    __slots__ = ("_end", "_prefix", "_start", "_suffix")

    def __init__(self, prefix: str, suffix: str) -> None:
        self._prefix = prefix
        self._start = len(prefix)
        self._suffix = suffix
        self._end = len(suffix)

    @classmethod
    def learn(cls, raw: bytes, content: str) -> RepeatedTextChunk | None:
        """The shape of ``raw``, a chunk that was one event whose data read as a delta of
        ``content`` alone; ``None`` when its text cannot be told apart from the rest."""
        if not raw.startswith(b"data:") or b"\r" in raw:
            return None
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            return None
        # One data line, then the blank line that ends the event: nothing else in the chunk.
        if text.find("\n") != len(text) - 2 or not text.endswith("}\n\n"):
            return None
        key = text.find(_KEY)
        if key < 0 or text.find(_KEY, key + 1) >= 0:
            return None
        opening = key + len(_KEY)
        while text[opening] in " \t:":
            opening += 1
        if text[opening] != '"' or text[key + len(_KEY) : opening].count(":") != 1:
            return None
        try:
            value, end = scanstring(text, opening + 1)
        except ValueError:
            return None
        if value != content:
            return None
        return cls(text[: opening + 1], text[end:])

    def content(self, raw: bytes) -> str | None:
        """The text of ``raw`` when it is the learned chunk but for its text; else ``None``."""
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            return None
        start = self._start
        if not (text.startswith(self._prefix) and text.endswith(self._suffix)):
            return None
        try:
            value, end = scanstring(text, start)
        except ValueError:  # not a string, or a raw control character in it
            return None
        if end != len(text) - self._end:
            return None
        if "\\u" in text and SURROGATE_ESCAPE.search(text, start, end):
            return None  # the models refuse a lone surrogate that json.loads takes
        return value

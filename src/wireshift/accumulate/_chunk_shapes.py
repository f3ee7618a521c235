"""Chunk shapes: the JSON text of a chat chunk around its one streamed string.

Most chunks of a stream differ from the one before only in one string: the content, the
reasoning, or a tool call's argument piece. A :class:`ChunkShape` keeps the text before and
after that string, learnt from a chunk that was read in full. A later chunk whose text is the
same before and after, with one JSON string token between, is that chunk with another string:
reading it takes decoding that one token, not the whole chunk.

A shape is learnt only when putting a probe string in the hole and parsing the text again
puts the probe in that field, so the hole is the field's value (not a key, not a duplicate
key the parser overrides, not another field).
"""

from __future__ import annotations

import json.decoder
import re
from collections.abc import Callable
from typing import Any, cast

from ..translate._fast import loads_object

__all__ = ["ChunkShape", "learn_shape"]

_PROBE = "wireshift-probe-0d6f3a9c"
# json's own (C) reader of one string token: (the string, the index after its closing quote).
scanstring = cast(
    "Callable[[str, int], tuple[str, int]]",
    json.decoder.scanstring,  # type: ignore[attr-defined]
)
# Delta fields that stream text (a shape's field is one of these, or a tool call's arguments).
_TEXT_FIELDS = ("content", "refusal", "reasoning_content", "reasoning")
_ARGUMENTS = "arguments"
_CHOICE_KEYS = frozenset({"index", "delta", "finish_reason", "logprobs"})
# Each field's key and the opening quote of its string value (JSON whitespace allowed).
_KEYS = {
    field: re.compile(rf'"{field}"[ \t\n\r]*:[ \t\n\r]*"') for field in (*_TEXT_FIELDS, _ARGUMENTS)
}
# Occurrences of the field's key tried as the hole before giving up.
_TRIES = 4


class ChunkShape:
    """The text around one streamed string of a chunk, and where that string goes."""

    __slots__ = ("_end", "_start", "call_index", "choice", "field", "head", "prefix", "suffix")

    def __init__(
        self,
        prefix: str,
        suffix: str,
        head: dict[str, Any],
        choice: int,
        field: str,
        call_index: int | None,
    ) -> None:
        self.prefix = prefix
        self.suffix = suffix
        # The chunk's fields other than `choices`: a shape is used only while they are the
        # fields last applied, so skipping them changes nothing.
        self.head = head
        self.choice = choice
        # A text field of the delta, or "arguments" of the tool call at `call_index`.
        self.field = field
        self.call_index = call_index
        self._start = len(prefix)
        self._end = len(suffix)

    def string_in(self, data: str) -> str | None:
        """The string in the hole of this chunk text, or ``None`` if it is not of this
        shape."""
        start, end = self._start, len(data) - self._end
        if end < start or not data.startswith(self.prefix) or not data.endswith(self.suffix):
            return None
        try:
            value, after = scanstring(data, start)
        except ValueError:
            return None
        # The token must close exactly where the suffix begins (the suffix's first quote).
        if after != end + 1:
            return None
        if not value.isascii():
            try:  # a lone surrogate, escaped or raw: pydantic refuses it, so must we
                value.encode()
            except UnicodeEncodeError:
                return None
        return value


def learn_shape(data: str, head: dict[str, Any], choices: Any) -> ChunkShape | None:
    """The shape of ``data``, which parses to ``head`` plus ``choices``; ``None`` unless the
    chunk streams exactly one string in one choice (no finish reason, logprobs or unknown
    fields) and the hole checks out."""
    chunk = {**head, "choices": choices}
    found = _streamed_string(chunk)
    if found is None:
        return None
    choice, field, call_index, value = found
    for tries, key in enumerate(_KEYS[field].finditer(data)):
        if tries == _TRIES:
            return None
        start = key.end()
        try:
            held, after = scanstring(data, start)
        except ValueError:
            return None
        if held == value:
            prefix, suffix = data[:start], data[after - 1 :]
            probe = loads_object(f"{prefix}{_PROBE}{suffix}")
            # Only the one token changed, so the probe landing in the field proves the hole
            # is that field's value and everything else reads as before.
            if probe is not None and _streamed_string(probe) == (
                choice,
                field,
                call_index,
                _PROBE,
            ):
                return ChunkShape(prefix, suffix, head, choice, field, call_index)
    return None


def _streamed_string(chunk: dict[str, Any]) -> tuple[int, str, int | None, str] | None:
    """(choice index, field, tool-call index, string) of a chunk streaming one plain string."""
    choices = chunk.get("choices")
    if type(choices) is not list or len(choices) != 1:
        return None
    choice = choices[0]
    if type(choice) is not dict or not _CHOICE_KEYS.issuperset(choice):
        return None
    index = choice.get("index", 0)
    delta = choice.get("delta")
    if (
        type(index) is not int
        or choice.get("finish_reason") is not None
        or choice.get("logprobs") is not None
        or type(delta) is not dict
    ):
        return None
    streamed = [(name, value) for name, value in delta.items() if value is not None]
    if len(streamed) != 1:
        return None
    name, value = streamed[0]
    if name in _TEXT_FIELDS:
        return (index, name, None, value) if type(value) is str else None
    if name != "tool_calls" or type(value) is not list or len(value) != 1:
        return None
    call = value[0]
    # A continuation: the index and an argument piece only (an id or a name starts a call).
    if type(call) is not dict or set(call) != {"index", "function"}:
        return None
    function = call["function"]
    call_index = call["index"]
    if type(call_index) is not int or type(function) is not dict or set(function) != {_ARGUMENTS}:
        return None
    arguments = function[_ARGUMENTS]
    return (index, _ARGUMENTS, call_index, arguments) if type(arguments) is str else None

"""Server-sent events: an incremental decoder and an encoder, sans-I/O.

The decoder follows the WHATWG event-stream parsing rules
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
for any chunking of the stream, with three choices the spec leaves open or that we make
on purpose:

* :meth:`SSEDecoder.close` dispatches a last event that has no closing blank line, where the
  spec would drop it: upstreams cut streams mid-way, and losing the last event (often the one
  carrying usage or the finish reason) is worse than delivering it;
* ``retry`` is a stream setting in the spec; here each event carries the last valid ``retry``
  seen since the previous dispatched event, so a ``retry``-only block is not lost;
* comments are delivered as :class:`SSEComment` when asked for (gateways forward keep-alives).

The encoder writes what the Open Responses rules ask for: LF line ends, the ``event:`` line first
and equal to the payload's ``type``, one ``data:`` line of compact JSON, a blank line after.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

from pydantic import BaseModel

from ._errors import InvalidArgumentError, quoted
from ._json import dump_json, model_json

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping

    from httpx_sse import ServerSentEvent

__all__ = [
    "DONE",
    "SSEChunk",
    "SSEComment",
    "SSEDecoder",
    "SSEEvent",
    "aiter_sse",
    "encode_comment",
    "encode_sse",
    "iter_sse",
]

SSEChunk = bytes | bytearray | memoryview | str
"""What the decoder takes: raw bytes, or text already decoded."""

DONE = b"data: [DONE]\n\n"
"""The Chat Completions end-of-stream marker, as one encoded event."""

_BOM = "\ufeff"

# One event in its most common form: an optional `event:` line, one `data:` line, a blank line
# (one space after each colon dropped, as the spec's line rules do).
_BLOCK = re.compile(r"(?:event: ?([^\n]*)\n)?data: ?([^\n]*)\n\n")


# No data this long is the end marker: a cheap test callers make before calling is_done_marker.
DONE_MAX_LENGTH = 16


def is_done_marker(data: str) -> bool:
    """Whether an event's data is the Chat Completions end marker, ``[DONE]``."""
    return len(data) < DONE_MAX_LENGTH and data.strip() == "[DONE]"


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One dispatched event.

    ``event`` is ``"message"`` when the stream named no type. ``id`` is the stream's last event
    id (it persists across events, as in the spec), ``None`` while it is empty. ``retry`` is the
    last valid ``retry`` value seen since the previous event, in milliseconds.
    """

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None

    @property
    def is_done(self) -> bool:
        """Whether this is the Chat Completions ``data: [DONE]`` end marker."""
        return is_done_marker(self.data)

    @classmethod
    def from_httpx(cls, event: ServerSentEvent) -> SSEEvent:
        """Convert an ``httpx_sse.ServerSentEvent`` (whose empty id means none)."""
        return cls(
            data=event.data, event=event.event or "message", id=event.id or None, retry=event.retry
        )

    def to_httpx(self) -> ServerSentEvent:
        """Convert to an ``httpx_sse.ServerSentEvent``."""
        # Imported here: `import wireshift` must not pay for httpx.
        from httpx_sse import ServerSentEvent

        return ServerSentEvent(event=self.event, data=self.data, id=self.id, retry=self.retry)


_new_event = object.__new__
_set_data, _set_event, _set_id, _set_retry = (
    SSEEvent.__dict__[name].__set__ for name in ("data", "event", "id", "retry")
)


def _event(data: str, event: str, id: str | None, retry: int | None) -> SSEEvent:
    # The decoder's constructor: the frozen dataclass __init__ costs twice as much, and
    # this runs once per event of streams with tens of thousands of them.
    made: SSEEvent = _new_event(SSEEvent)
    _set_data(made, data)
    _set_event(made, event)
    _set_id(made, id)
    _set_retry(made, retry)
    return made


@dataclass(frozen=True, slots=True)
class SSEComment:
    """A comment line (``: keep-alive``), text after the colon and one optional space."""

    text: str


class SSEDecoder:
    """Incremental event-stream decoder: feed chunks split anywhere, get events as they complete.

    Chunks may be bytes (decoded as UTF-8; invalid sequences become U+FFFD, a sequence may be
    split between chunks) or text. A leading byte order mark is stripped once. With
    ``comments=True``, comment lines come out as :class:`SSEComment` in stream order.

    ::

        decoder = SSEDecoder()
        for chunk in chunks:
            for event in decoder.feed(chunk):
                ...
        for event in decoder.close():  # a last event the upstream did not terminate
            ...
    """

    __slots__ = (
        "_bom_done",
        "_comments",
        "_data",
        "_event",
        "_last_id",
        "_pending",
        "_retry",
        "_skip_lf",
        "_utf8",
        "_utf8_held",
    )

    def __init__(self, *, comments: bool = False) -> None:
        self._comments = comments
        self._reset()

    def _reset(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        # Whether the incremental decoder holds the start of a character cut by a chunk end.
        self._utf8_held = False
        self._bom_done = False
        # The current line's text so far, in parts: a long line arriving in many small chunks
        # is joined once when it ends, not rebuilt on every chunk.
        self._pending: list[str] = []
        # The previous chunk ended in CR: a LF opening the next chunk ends no new line.
        self._skip_lf = False
        self._data: list[str] = []
        self._event = ""
        self._last_id = ""
        self._retry: int | None = None

    @property
    def between_events(self) -> bool:
        """Whether the decoder holds nothing: no part of a line, of an event or of a character,
        no field waiting for the next event, and the byte order mark already looked for."""
        return (
            self._bom_done
            and not self._pending
            and not self._data
            and not self._event
            and not self._skip_lf
            and not self._utf8_held
            and self._retry is None
        )

    @property
    def last_event_id(self) -> str:
        """The last event id seen (``""`` for none): what a reconnect sends as ``Last-Event-ID``."""
        return self._last_id

    def feed(self, chunk: SSEChunk) -> list[SSEEvent | SSEComment]:
        """Take the next chunk and return the events (and comments) it completes."""
        if type(chunk) is bytes and not self._utf8_held:
            # The usual chunk, whole UTF-8 after a chunk that ended on a character boundary:
            # decoded in one call. Anything else goes through the incremental decoder.
            try:
                text = chunk.decode()
            except UnicodeDecodeError:
                text = self._utf8.decode(chunk)
                self._utf8_held = bool(self._utf8.getstate()[0])
        elif isinstance(chunk, str):
            if self._utf8_held:
                # Text after bytes that ended mid-sequence: that sequence is cut short.
                chunk = self._utf8.decode(b"", True) + chunk
                self._utf8.reset()
                self._utf8_held = False
            text = chunk
        else:
            text = self._utf8.decode(chunk)
            self._utf8_held = bool(self._utf8.getstate()[0])
        if not text:
            return []
        if not self._bom_done:
            self._bom_done = True
            if text[0] == _BOM:
                text = text[1:]
        return self._feed_text(text)

    def close(self) -> list[SSEEvent | SSEComment]:
        """End the stream: return what is left, including a last event with no blank line after.

        The decoder is then as new.
        """
        # Bytes cut mid-sequence end as U+FFFD.
        tail = self._utf8.decode(b"", True)
        out: list[SSEEvent | SSEComment] = []
        if tail:
            self._pending.append(tail)
        if self._pending:
            # The spec drops an unterminated line and event; see the module docstring.
            out = self._lines(["".join(self._pending), ""])
        elif self._data:
            out = self._lines([""])
        self._reset()
        return out

    def _feed_text(self, text: str) -> list[SSEEvent | SSEComment]:
        # Between events, the usual blocks are read whole by one pattern; whatever it does
        # not match (comments, ids, several data lines, CR, a cut) goes line by line.
        if (
            not self._pending
            and not self._data
            and not self._event
            and not self._skip_lf
            and "\r" not in text
        ):
            fast, end = self._blocks(text)
            if end == len(text):
                return fast
            if fast:
                return fast + self._feed_text(text[end:])
        if self._skip_lf:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
                if not text:
                    return []
        if "\r" in text:
            # A CR at the end ends its line now; remember it in case a LF follows.
            self._skip_lf = text[-1] == "\r"
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        elif "\n" not in text:
            self._pending.append(text)
            return []
        lines = text.split("\n")
        rest = lines.pop()
        if self._pending:
            self._pending.append(lines[0])
            lines[0] = "".join(self._pending)
            self._pending = []
        if rest:
            self._pending.append(rest)
        return self._lines(lines)

    def _blocks(self, text: str) -> tuple[list[SSEEvent | SSEComment], int]:
        """The events of the whole ``[event:]`` + one ``data:`` blocks at the start of
        ``text``, and where they end. The decoder must be between events."""
        out: list[SSEEvent | SSEComment] = []
        match = _BLOCK.match
        last_id = self._last_id or None
        retry = self._retry
        end = 0
        found = match(text)
        while found is not None:
            event, data = found.groups()
            # _event, inlined: this loop runs once per event of the stream.
            made: SSEEvent = _new_event(SSEEvent)
            _set_data(made, data)
            _set_event(made, event or "message")
            _set_id(made, last_id)
            _set_retry(made, retry)
            out.append(made)
            retry = None
            end = found.end()
            found = match(text, end)
        self._retry = retry
        return out, end

    def _lines(self, lines: list[str]) -> list[SSEEvent | SSEComment]:
        """Interpret complete lines (the hot loop: state lives in locals)."""
        out: list[SSEEvent | SSEComment] = []
        data = self._data
        event = self._event
        last_id = self._last_id
        retry = self._retry
        for line in lines:
            if not line:
                if data:
                    out.append(_event("\n".join(data), event or "message", last_id or None, retry))
                    data = []
                    retry = None
                event = ""
                continue
            if line.startswith("data: "):  # by far the most common line
                data.append(line[6:])
                continue
            name, _, value = line.partition(":")
            if value and value[0] == " ":
                value = value[1:]
            if name == "data":
                data.append(value)
            elif name == "event":
                event = value
            elif not name:
                if self._comments:
                    out.append(SSEComment(value))
            elif name == "id":
                if "\0" not in value:
                    last_id = value
            # ASCII digits only: str.isdigit alone accepts "²" and other scripts' digits.
            elif name == "retry" and value.isascii() and value.isdigit():
                retry = int(value)
            # Any other field is ignored.
        self._data = data
        self._event = event
        self._last_id = last_id
        self._retry = retry
        return out


@overload
def iter_sse(
    chunks: Iterable[SSEChunk], *, comments: Literal[False] = False
) -> Iterator[SSEEvent]: ...
@overload
def iter_sse(chunks: Iterable[SSEChunk], *, comments: bool) -> Iterator[SSEEvent | SSEComment]: ...
def iter_sse(
    chunks: Iterable[SSEChunk], *, comments: bool = False
) -> Iterator[SSEEvent | SSEComment]:
    """Decode a stream of chunks into events; the last event needs no closing blank line."""
    decoder = SSEDecoder(comments=comments)
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close()


@overload
def aiter_sse(
    chunks: AsyncIterable[SSEChunk], *, comments: Literal[False] = False
) -> AsyncIterator[SSEEvent]: ...
@overload
def aiter_sse(
    chunks: AsyncIterable[SSEChunk], *, comments: bool
) -> AsyncIterator[SSEEvent | SSEComment]: ...
async def aiter_sse(
    chunks: AsyncIterable[SSEChunk], *, comments: bool = False
) -> AsyncIterator[SSEEvent | SSEComment]:
    """Decode an async stream of chunks into events, like :func:`iter_sse`."""
    decoder = SSEDecoder(comments=comments)
    async for chunk in chunks:
        for item in decoder.feed(chunk):
            yield item
    for item in decoder.close():
        yield item


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


def _field(name: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise InvalidArgumentError(
            f"an SSE {name} cannot contain a line break: {quoted(value)}",
            argument=name,
        )
    return f"{name}: {value}\n"


def _event_name(tag: Any) -> str | None:
    """A payload's ``type`` as its SSE event name, when one line can carry it."""
    if type(tag) is not str or "\n" in tag or "\r" in tag:
        return None
    return tag


def encode_sse(
    data: str | bytes | Mapping[str, Any] | BaseModel,
    *,
    event: str | None = None,
    id: str | None = None,
) -> bytes:
    """Encode one event: ``event:``, then ``id:``, then ``data:``, then a blank line, LF only.

    A mapping or pydantic model is sent as compact JSON on one ``data:`` line (a
    wireshift model through its ``to_json()``, other models with only the fields
    that were set, by alias), and its ``type`` field is the default ``event`` (the Open
    Responses rule: the SSE event equals ``type``). Text with line breaks is split over several
    ``data:`` lines, which decode back joined by LF: a CR cannot survive SSE and comes back as
    LF. Bytes are sent as they are (UTF-8). An empty ``event`` writes no ``event:`` line.
    """
    payload: bytes
    if isinstance(data, (str, bytes)):
        # A lone surrogate cannot be UTF-8: written as its escape, which is what JSON says.
        payload = data if isinstance(data, bytes) else data.encode("utf-8", "backslashreplace")
    elif isinstance(data, BaseModel):
        if event is None:
            event = _event_name(getattr(data, "type", None))
        payload = model_json(data)
    else:
        if event is None:
            event = _event_name(data.get("type"))
        payload = dump_json(data if isinstance(data, dict) else dict(data), what="data")
    head = ""
    if event:
        head = _field("event", event)
    if id is not None:
        if "\0" in id:
            raise InvalidArgumentError(
                f"an SSE id cannot contain NUL (readers ignore it): {quoted(id)}",
                argument="id",
            )
        head += _field("id", id)
    if b"\n" in payload or b"\r" in payload:
        body = b"".join(b"data: " + line + b"\n" for line in _LINE_BREAK_BYTES.split(payload))
    else:
        body = b"data: " + payload + b"\n"
    return head.encode("utf-8", "backslashreplace") + body + b"\n"


def encode_comment(text: str = "") -> bytes:
    """Encode a comment (a keep-alive) followed by a blank line, which dispatches nothing.

    Text with line breaks becomes one comment line per line.
    """
    return (
        "".join(f": {line}\n" if line else ":\n" for line in _LINE_BREAK.split(text)).encode()
        + b"\n"
    )

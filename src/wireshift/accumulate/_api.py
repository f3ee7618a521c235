"""``accumulate_stream``: any captured stream, of either format, into its final object."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Any, Literal, overload

from .._boundary import foreign
from .._errors import ArgumentTypeError
from .._format import Format, check_format
from .._wire._input import DONE, DoneMarker, EventReader, Payload, detect_format
from ..chat import ChatCompletion
from ..responses import Response
from ._chat import ChatAccumulator
from ._feeding import failure_switch
from ._responses import ResponsesAccumulator
from ._result import AccumulatedChatCompletion, AccumulatedResponse

__all__ = ["StreamAccumulator", "aaccumulate_stream", "accumulate_stream"]

_RAW = (bytes, bytearray, memoryview, str)


class StreamAccumulator:
    """Accumulates a stream of either format, told by ``to`` or found from its events.

    Until an event says which format the stream is (a Responses event has a string ``type``;
    a chat chunk has ``choices`` or ``object: "chat.completion.chunk"``), events are held;
    then they go to a :class:`ResponsesAccumulator` or a :class:`ChatAccumulator`. A stream
    that never says is taken as chat when its payloads have no ``type`` (a bare
    ``{"error": ...}``), else as Responses.
    """

    def __init__(
        self,
        *,
        to: Format | None = None,
        strict: bool = False,
        raise_on_failure: bool | None = None,
        format: Format | None = None,
    ) -> None:
        to = _target(to, format)
        self.strict = strict
        self.raise_on_failure = failure_switch(strict, raise_on_failure)
        self._reader = EventReader()
        self._held: list[tuple[str | None, Payload | DoneMarker]] = []
        self._inner: ResponsesAccumulator | ChatAccumulator | None = None
        # Set while the reader's last, unterminated event is read (a half event is a cut).
        self._closing = False
        if to is not None:
            self._start(to)

    @property
    def format(self) -> Format | None:
        """The stream's format, once known."""
        if self._inner is None:
            return None
        return "chat" if isinstance(self._inner, ChatAccumulator) else "responses"

    def _start(self, format: Format) -> ResponsesAccumulator | ChatAccumulator:
        switches = {"strict": self.strict, "raise_on_failure": self.raise_on_failure}
        inner: ResponsesAccumulator | ChatAccumulator
        if format == "responses":
            inner = ResponsesAccumulator(**switches)
        else:
            inner = ChatAccumulator(**switches)
        self._inner = inner
        inner._readers.append(self._reader)
        inner._at_eof = self._closing
        held, self._held = self._held, []
        for name, payload in held:
            _deliver(inner, name, payload)
        return inner

    def feed(self, data: Any) -> None:
        """Take the next SSE chunk, SSE event, payload mapping or model."""
        try:
            self._route(self._reader.read(data))
        except Exception as exc:
            foreign(exc, "accumulating a stream")

    def _route(self, events: list[tuple[str | None, Payload | DoneMarker]]) -> None:
        for name, payload in events:
            inner = self._inner
            if inner is not None:
                # _deliver, inlined: this loop runs once per event of the stream.
                if payload is DONE:
                    inner._done_marker = True
                else:
                    inner.feed_payload(name, payload)  # type: ignore[arg-type]
            elif isinstance(payload, DoneMarker):
                self._held.append((name, payload))
            else:
                found, payload = detect_format(name, payload)
                self._held.append((name, payload))
                if found is not None:
                    self._start(found)

    def _settled(self) -> ResponsesAccumulator | ChatAccumulator:
        if self._inner is not None:
            return self._inner
        untyped = any(
            not isinstance(payload, DoneMarker) and _untyped(payload) for _, payload in self._held
        )
        return self._start("chat" if untyped else "responses")

    def snapshot(self) -> Response | ChatCompletion:
        """What was received so far, as a :class:`Response` or :class:`ChatCompletion`."""
        if self._inner is None:
            return Response()
        return self._inner.snapshot()

    def finish(self) -> AccumulatedResponse | AccumulatedChatCompletion:
        """End the stream and return the result (see the two accumulators' ``finish``)."""
        try:
            return self._finish()
        except Exception as exc:
            foreign(exc, "accumulating a stream")

    def _finish(self) -> AccumulatedResponse | AccumulatedChatCompletion:
        self._closing = True
        if self._inner is not None:
            self._inner._at_eof = True
        self._route(self._reader.close())
        inner = self._settled()
        if self._reader.body:
            inner._log.add(
                "body",
                "kept",
                "the input was a whole JSON body, not an event stream; read as one event",
                "body_not_stream",
            )
        return inner.finish()


def _deliver(
    inner: ResponsesAccumulator | ChatAccumulator, name: str | None, payload: Payload | DoneMarker
) -> None:
    if isinstance(payload, DoneMarker):
        inner._done_marker = True
    else:
        inner.feed_payload(name, payload)


def _untyped(payload: Payload) -> bool:
    """Whether a payload has no ``type`` (text that was not JSON counts as typed: unread)."""
    if isinstance(payload, str):
        return False
    kind = payload.get("type") if isinstance(payload, Mapping) else getattr(payload, "type", None)
    return not isinstance(kind, str)


def _target(to: Format | None, format: Format | None) -> Format | None:
    """``to``, or the ``format=`` it replaced (kept one release, with a warning)."""
    if format is not None:
        warnings.warn(
            "format= is now to= (the format of the result, as in every wireshift entry point)",
            DeprecationWarning,
            stacklevel=3,
        )
        if to is None:
            to = format
    return None if to is None else check_format(to)


Stream = Iterable[Any] | bytes | str
AsyncStream = AsyncIterable[Any] | Iterable[Any] | bytes | str


def _events(events: object) -> None:
    if not isinstance(events, (Iterable, AsyncIterable)):
        raise ArgumentTypeError(
            "events is a stream: bytes, text, or an iterable of chunks, events or payloads; "
            f"not {type(events).__name__}",
            argument="events",
        )


@overload
def accumulate_stream(
    events: Stream,
    *,
    to: Literal["responses"],
    strict: bool = ...,
    raise_on_failure: bool | None = ...,
) -> AccumulatedResponse: ...
@overload
def accumulate_stream(
    events: Stream,
    *,
    to: Literal["chat"],
    strict: bool = ...,
    raise_on_failure: bool | None = ...,
) -> AccumulatedChatCompletion: ...
@overload
def accumulate_stream(
    events: Stream,
    *,
    to: None = ...,
    strict: bool = ...,
    raise_on_failure: bool | None = ...,
    format: Format | None = ...,
) -> AccumulatedResponse | AccumulatedChatCompletion: ...
def accumulate_stream(
    events: Stream,
    *,
    to: Format | None = None,
    strict: bool = False,
    raise_on_failure: bool | None = None,
    format: Format | None = None,
) -> AccumulatedResponse | AccumulatedChatCompletion:
    """Accumulate a whole stream into its final ``Response`` or ``ChatCompletion``.

    ``events`` is an iterable of raw SSE chunks (bytes or text, split anywhere: an open
    binary file, ``response.iter_bytes()``), SSE events (wireshift's or ``httpx_sse``'s),
    payload mappings or models, in any mix; or one bytes or text object holding the whole
    stream. ``to`` is the stream's format, ``"responses"`` or ``"chat"`` (the result's type
    follows it), or ``None`` to find it from the events: then narrow the result on
    ``result.format``.

    Never raises on what the stream holds unless asked: ``raise_on_failure=True`` raises
    :class:`UpstreamError` for a stream that reported an error and
    :class:`StreamTruncatedError` for one cut before its terminal event, each carrying the
    result as ``.result``; ``strict=True`` raises :class:`PayloadError` when an event could not
    be read into the result (it would otherwise be kept in ``unknown_events``).
    """
    _events(events)
    accumulator = StreamAccumulator(
        to=_target(to, format), strict=strict, raise_on_failure=raise_on_failure
    )
    if isinstance(events, _RAW):
        accumulator.feed(events)
    else:
        # The caller's iterable is read outside the guards: its own errors pass unchanged.
        for item in events:
            accumulator.feed(item)
    return accumulator.finish()


@overload
async def aaccumulate_stream(
    events: AsyncStream,
    *,
    to: Literal["responses"],
    strict: bool = ...,
    raise_on_failure: bool | None = ...,
) -> AccumulatedResponse: ...
@overload
async def aaccumulate_stream(
    events: AsyncStream,
    *,
    to: Literal["chat"],
    strict: bool = ...,
    raise_on_failure: bool | None = ...,
) -> AccumulatedChatCompletion: ...
@overload
async def aaccumulate_stream(
    events: AsyncStream,
    *,
    to: None = ...,
    strict: bool = ...,
    raise_on_failure: bool | None = ...,
    format: Format | None = ...,
) -> AccumulatedResponse | AccumulatedChatCompletion: ...
async def aaccumulate_stream(
    events: AsyncStream,
    *,
    to: Format | None = None,
    strict: bool = False,
    raise_on_failure: bool | None = None,
    format: Format | None = None,
) -> AccumulatedResponse | AccumulatedChatCompletion:
    """:func:`accumulate_stream` for an async iterable (``response.aiter_bytes()``,
    ``aiter_sse``...); a sync iterable is taken too."""
    _events(events)
    to = _target(to, format)
    if not isinstance(events, AsyncIterable):
        return accumulate_stream(events, to=to, strict=strict, raise_on_failure=raise_on_failure)
    accumulator = StreamAccumulator(to=to, strict=strict, raise_on_failure=raise_on_failure)
    async for item in events:
        accumulator.feed(item)
    return accumulator.finish()

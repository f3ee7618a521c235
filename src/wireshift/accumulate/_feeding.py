"""What both accumulators share: reading input into payloads and counting them."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, TypeVar

from .._errors import PayloadError, quoted
from .._wire._input import DoneMarker, Event, EventReader, Payload
from .._wire._notelog import NoteLog

if TYPE_CHECKING:
    from ._result import AccumulatedStream

Result = TypeVar("Result", bound="AccumulatedStream")

__all__ = ["PayloadFeeder"]


class PayloadFeeder:
    """Routes whatever is fed (raw SSE, SSE events, mappings, models) to :meth:`feed_payload`,
    remembering a ``[DONE]`` marker; subclasses handle the payloads."""

    def __init__(self, *, strict: bool = False, raise_on_failure: bool | None = None) -> None:
        self.strict = strict
        self.raise_on_failure = failure_switch(strict, raise_on_failure)
        self._reader = EventReader()
        self._log = NoteLog()
        self._count = 0
        self._done_marker = False
        # Readers that fed this one from outside (StreamAccumulator's), for _no_events.
        self._readers: list[EventReader] = []
        self._unknown: list[dict[str, Any]] = []
        # Set while the decoder's last, unterminated event is read: a half event is a cut.
        self._at_eof = False

    def feed(self, data: Any) -> None:
        """Take the next SSE chunk, SSE event, payload mapping or model."""
        self._route(self._reader.read(data))

    def _flush(self) -> None:
        """Deliver what the SSE decoder still holds at the end of input."""
        self._at_eof = True
        self._route(self._reader.close())

    def _route(self, events: list[Event]) -> None:
        for name, payload in events:
            if isinstance(payload, DoneMarker):
                self._done_marker = True
            else:
                self.feed_payload(name, payload)

    def _no_events(self) -> str | None:
        """What the input was, when it held no event at all (said instead of a cut)."""
        if self._count or self._done_marker:
            return None
        readers = [self._reader, *self._readers]
        if any(reader.body for reader in readers):
            return None
        stray = next((reader.stray for reader in readers if reader.stray), None)
        if stray is None:
            return "the input held no events at all: it was empty"
        looks_like_path = (
            not any(mark in stray for mark in " \n<{:")
            and len(stray) < 200
            and ("/" in stray or stray.endswith((".sse", ".txt", ".json", ".log")))
        )
        if looks_like_path:
            return (
                f"the input held no events: {quoted(stray)} looks like a file path; pass the "
                "file's contents or the open file, not its name"
            )
        return f"the input held no SSE events and no JSON body; it began: {stray[:80]!r}"

    def _next_index(self) -> int:
        index = self._count
        self._count = index + 1
        return index

    def feed_payload(self, name: str | None, payload: Payload) -> None:  # pragma: no cover
        raise NotImplementedError


def failure_switch(strict: bool, raise_on_failure: bool | None) -> bool:
    """``raise_on_failure`` as given; unset, it follows ``strict`` for one release, which used
    to mean "raise on upstream failure" here."""
    if raise_on_failure is not None:
        return raise_on_failure
    if strict:
        warnings.warn(
            "strict=True in accumulation now means 'raise instead of leaving an event out of "
            "the result'; upstream failures have their own switch. It still implies "
            "raise_on_failure=True in this release: pass raise_on_failure=True (or False) to "
            "choose",
            DeprecationWarning,
            stacklevel=4,
        )
        return True
    return False


def checked(result: Result, *, strict: bool, raise_on_failure: bool) -> Result:
    """``result``, or the error the two switches ask for."""
    if raise_on_failure:
        result.raise_for_error()
    if strict and result.unknown_events:
        kept = next((note for note in result.notes if note.action == "kept"), None)
        where = kept.path if kept else "events"
        count = len(result.unknown_events)
        raise PayloadError(
            f"{where}: {count} event(s) not read into the result (strict mode)",
            model="stream event",
            note=kept,
        )
    return result

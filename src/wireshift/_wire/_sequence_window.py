"""What a Responses stream's sequence numbers say: repeats, disorder and gaps.

Repeats are recognised among the latest :data:`DEDUPE_WINDOW` numbers: a stream's repeats come
from retries and proxies re-sending recent events, and remembering every event of a
200,000-event stream would cost more memory than its whole answer. The window is two fixed
rings of machine integers (64 KB), however long the stream.
"""

from __future__ import annotations

from array import array
from typing import Literal

__all__ = ["DEDUPE_WINDOW", "RecentEvents", "SequenceWindow"]

DEDUPE_WINDOW = 4096
"""How many of the latest sequence numbers are remembered for recognising repeats."""

# Numbers a ring slot holds; a number outside is taken as it comes, never called a repeat.
_LIMIT = 2**62


class SequenceWindow:
    """Fingerprints of the events with the latest sequence numbers, and counts for reporting
    disorder and gaps."""

    __slots__ = ("_numbers", "_prints", "count", "disorder", "highest", "lowest")

    def __init__(self) -> None:
        # Slot `n % DEDUPE_WINDOW` holds number n's fingerprint while n is among the latest.
        self._numbers = array("q", [-1]) * DEDUPE_WINDOW
        self._prints = array("q", [0]) * DEDUPE_WINDOW
        self.count = 0
        self.lowest: int | None = None
        self.highest = -1
        # Events that came after a higher number.
        self.disorder = 0

    def take_next(self, seq: int, fingerprint: int) -> bool:
        """Record a number higher than any before (the usual case); ``False`` when ``seq`` is
        not that, for :meth:`take` to decide."""
        if seq <= self.highest or seq >= _LIMIT:
            return False
        slot = seq % DEDUPE_WINDOW
        self._numbers[slot] = seq
        self._prints[slot] = fingerprint
        self.count += 1
        self.highest = seq
        if self.lowest is None:
            self.lowest = seq
        return True

    def take(self, seq: int, fingerprint: int) -> Literal["new", "repeat", "reused", "unknown"]:
        """Record any number: ``"repeat"`` for an event seen before, ``"reused"`` for another
        event under a number seen before, ``"unknown"`` when the number is too old (or out of
        range) to tell, else ``"new"``."""
        if self.take_next(seq, fingerprint):
            return "new"
        if seq < 0 or seq >= _LIMIT or seq <= self.highest - DEDUPE_WINDOW:
            return "unknown"
        slot = seq % DEDUPE_WINDOW
        if self._numbers[slot] == seq:
            return "repeat" if self._prints[slot] == fingerprint else "reused"
        self._numbers[slot] = seq
        self._prints[slot] = fingerprint
        self.count += 1
        if self.lowest is None or seq < self.lowest:
            self.lowest = seq
        self.disorder += 1
        return "new"

    @property
    def missing(self) -> int:
        """Numbers between the lowest and the highest that never arrived."""
        if self.lowest is None:
            return 0
        return self.highest - self.lowest + 1 - self.count


class RecentEvents:
    """The texts of the latest events by sequence number, for a stream translation to drop
    exact repeats at the cost of one list store per event (the accumulator, which also
    reports disorder and gaps, keeps a :class:`SequenceWindow`).

    An event's text holds its own sequence number, so an equal text in its slot is the same
    event again; the texts of the latest :data:`DEDUPE_WINDOW` events are held.
    """

    __slots__ = ("highest", "texts")

    def __init__(self) -> None:
        self.texts: list[str | bytes | None] = [None] * DEDUPE_WINDOW
        self.highest = -1
        """The highest number taken; a higher one is new (callers store it inline)."""

    def take(self, seq: int, text: str | bytes) -> bool:
        """Record an event whose number is not above the highest; ``True`` when it repeats
        one of the latest events."""
        if seq < 0 or seq <= self.highest - DEDUPE_WINDOW:
            return False  # out of range, or too old to tell: taken as it comes
        slot = seq % DEDUPE_WINDOW
        if self.texts[slot] == text:
            return True
        self.texts[slot] = text
        return False

"""The notes an accumulator takes while it reads a stream, capped per rule.

A stream of 20,000 drifted deltas must not become 20,000 notes: after ``LIMIT`` notes of one
code, further ones are only counted, and :meth:`NoteLog.notes` ends with one note per code
saying how many more there were. Nothing is dropped without a trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from .._notes import Note, NoteAction

__all__ = ["LIMIT", "NoteLog", "NoteSink"]

LIMIT = 50


class NoteSink(Protocol):
    """Where a reader puts its notes: :meth:`NoteLog.add`, or a translation's recorder."""

    def __call__(
        self,
        path: str,
        action: NoteAction,
        reason: str,
        code: str,
        detail: Mapping[str, Any] | None = None,
        /,
    ) -> None: ...


class NoteLog:
    __slots__ = ("_counts", "_notes", "_overflow")

    def __init__(self) -> None:
        self._notes: list[Note] = []
        self._counts: dict[str, int] = {}
        self._overflow: dict[str, NoteAction] = {}

    def add(
        self,
        path: str,
        action: NoteAction,
        reason: str,
        code: str,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        seen = self._counts.get(code, 0)
        self._counts[code] = seen + 1
        if seen < LIMIT:
            self._notes.append(Note(path, action, reason, code, dict(detail or {})))
        else:
            self._overflow[code] = action

    def copy(self) -> NoteLog:
        log = NoteLog()
        log._notes = list(self._notes)
        log._counts = dict(self._counts)
        log._overflow = dict(self._overflow)
        return log

    def notes(self, *extra: Note) -> list[Note]:
        """The notes so far, then ``extra``, then one summary per capped code."""
        out = [*self._notes, *extra]
        for code, action in self._overflow.items():
            more = self._counts[code] - LIMIT
            out.append(
                Note(
                    "events", action, f"{more} more notes like the ones above", code, {"more": more}
                )
            )
        return out

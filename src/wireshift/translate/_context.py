"""The notes a translation collects, and strict mode: where a note would say "dropped",
strict mode raises instead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import TranslationError
from .._notes import Note, NoteAction
from .._wire._notelog import LIMIT

__all__ = ["Recorder"]


class Recorder:
    """Collects :class:`~wireshift.Note` records; in strict mode a drop (or a lossy change)
    raises :class:`TranslationError` naming the field instead."""

    __slots__ = ("_counts", "_more", "notes", "strict")

    def __init__(self, *, strict: bool = False) -> None:
        self.notes: list[Note] = []
        self.strict = strict
        self._counts: dict[str, int] = {}
        self._more: dict[str, dict[str, int]] = {}

    def _note(
        self,
        path: str,
        action: NoteAction,
        reason: str,
        code: str,
        detail: dict[str, Any],
        lossy: bool = False,
    ) -> Note:
        note = Note(path=path, action=action, reason=reason, code=code, detail=detail, lossy=lossy)
        self.notes.append(note)
        return note

    def drop(self, path: str, reason: str, code: str, *, lossy: bool = True, **detail: Any) -> None:
        """``path`` is not sent: the target or the backend has no place for it. ``lossy``
        is false when the caller loses nothing by it (strict mode lets those pass)."""
        if lossy and self.strict:
            note = Note(path, "dropped", reason, code, detail, lossy=True)
            raise TranslationError(f"{path}: {reason}", path=path, note=note)
        self._note(path, "dropped", reason, code, detail, lossy)

    def change(
        self, path: str, reason: str, code: str, *, lossy: bool = False, **detail: Any
    ) -> None:
        """``path`` is sent in another form; ``lossy`` when the new form says less."""
        if lossy and self.strict:
            note = Note(path, "changed", reason, code, detail, lossy=True)
            raise TranslationError(f"{path}: {reason}", path=path, note=note)
        self._note(path, "changed", reason, code, detail, lossy)

    def add(self, path: str, reason: str, code: str, **detail: Any) -> None:
        self._note(path, "added", reason, code, detail)

    def move(self, path: str, reason: str, code: str, **detail: Any) -> None:
        self._note(path, "moved", reason, code, detail)

    def keep(self, path: str, reason: str, code: str, **detail: Any) -> None:
        """``path`` is sent as it came although wireshift does not know what it means."""
        self._note(path, "kept", reason, code, detail)

    def record(
        self,
        path: str,
        action: NoteAction,
        reason: str,
        code: str,
        detail: Mapping[str, Any] | None = None,
        /,
    ) -> None:
        """A note from the shared wire reading (drift repaired, a payload kept unread): never
        a translation's own drop, so strict mode lets it pass. After ``LIMIT`` notes of one
        code, further ones are counted in the last note's ``detail["more"]``."""
        seen = self._counts.get(code, 0)
        self._counts[code] = seen + 1
        if seen < LIMIT:
            self._note(path, action, reason, code, dict(detail or {}))
        elif seen == LIMIT:
            more = {"more": 1}
            self._note("events", action, "more notes like the ones above", code, more)
            self._more[code] = more
        else:
            self._more[code]["more"] += 1

    def extend(self, notes: list[Note]) -> None:
        self.notes.extend(notes)

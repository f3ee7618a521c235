"""The notes a translation collects, and strict mode: where a note would say "dropped",
strict mode raises instead."""

from __future__ import annotations

from typing import Any

from .._notes import Note, NoteAction
from ._errors import TranslationError

__all__ = ["Recorder"]


class Recorder:
    """Collects :class:`~wireshift.Note` records; in strict mode a drop (or a lossy change)
    raises :class:`TranslationError` naming the field instead."""

    __slots__ = ("notes", "strict")

    def __init__(self, *, strict: bool = False) -> None:
        self.notes: list[Note] = []
        self.strict = strict

    def _note(
        self, path: str, action: NoteAction, reason: str, code: str, detail: dict[str, Any]
    ) -> Note:
        note = Note(path=path, action=action, reason=reason, code=code, detail=detail)
        self.notes.append(note)
        return note

    def drop(self, path: str, reason: str, code: str, *, lossy: bool = True, **detail: Any) -> None:
        """``path`` is not sent: the target or the backend has no place for it. ``lossy``
        is false when the caller loses nothing by it (strict mode lets those pass)."""
        if lossy and self.strict:
            note = Note(path=path, action="dropped", reason=reason, code=code, detail=detail)
            raise TranslationError(f"{path}: {reason}", path=path, note=note)
        self._note(path, "dropped", reason, code, detail)

    def change(
        self, path: str, reason: str, code: str, *, lossy: bool = False, **detail: Any
    ) -> None:
        """``path`` is sent in another form; ``lossy`` when the new form says less."""
        if lossy and self.strict:
            note = Note(path=path, action="changed", reason=reason, code=code, detail=detail)
            raise TranslationError(f"{path}: {reason}", path=path, note=note)
        self._note(path, "changed", reason, code, detail)

    def add(self, path: str, reason: str, code: str, **detail: Any) -> None:
        self._note(path, "added", reason, code, detail)

    def move(self, path: str, reason: str, code: str, **detail: Any) -> None:
        self._note(path, "moved", reason, code, detail)

    def keep(self, path: str, reason: str, code: str, **detail: Any) -> None:
        """``path`` is sent as it came although wireshift does not know what it means."""
        self._note(path, "kept", reason, code, detail)

    def extend(self, notes: list[Note]) -> None:
        self.notes.extend(notes)

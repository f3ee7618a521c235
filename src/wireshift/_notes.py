"""The record of one lossy or repairing step, returned to the caller with the result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Note", "NoteAction"]

NoteAction = Literal["dropped", "changed", "added", "moved", "kept", "repaired", "truncated"]


_PATH_LIMIT = 200
_REASON_LIMIT = 600


def _cut(text: str, limit: int) -> str:
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


@dataclass(frozen=True, init=False)
class Note:
    """What a call dropped, changed or kept unread, where, and why.

    ``path`` is a JSON path into the input (``tools[2]``, ``input[5].encrypted_content``)
    or, for streams, the event at fault (``events[12] response.output_text.delta``).
    ``code`` is a stable machine-readable name for the rule that fired.
    """

    path: str
    action: NoteAction
    reason: str
    code: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)
    lossy: bool = False
    """Something the input said is not in the result (or is there in a form that says less).
    A call with ``strict=True`` raises instead of returning a result with such a note."""

    def __init__(
        self,
        path: str,
        action: NoteAction,
        reason: str,
        code: str = "",
        detail: Mapping[str, Any] | None = None,
        lossy: bool = False,
    ) -> None:
        # Paths and reasons quote the wire (event types, ids, names): kept short, so that
        # logging a note is safe and cheap whatever the input held.
        if len(path) > _PATH_LIMIT:
            path = _cut(path, _PATH_LIMIT)
        if len(reason) > _REASON_LIMIT:
            reason = _cut(reason, _REASON_LIMIT)
        # Written in one step: the __init__ a frozen dataclass makes sets each field through
        # object.__setattr__, which doubles the cost of a note (a Codex request makes six).
        self.__dict__.update(
            path=path,
            action=action,
            reason=reason,
            code=code,
            detail={} if detail is None else detail,
            lossy=lossy,
        )

    def __str__(self) -> str:
        return f"{self.path}: {self.action} ({self.reason})"

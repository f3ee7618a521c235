"""Errors raised by request translation and normalization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._errors import WireshiftError

if TYPE_CHECKING:
    from .._notes import Note

__all__ = ["MissingContextError", "TranslationError"]


class TranslationError(WireshiftError, ValueError):
    """A request could not be translated as asked.

    In strict mode, raised where a field would otherwise be dropped: ``path`` names it
    (``tools[2]``, ``input[5].encrypted_content``) and ``note`` is the note that would have
    been recorded.
    """

    def __init__(self, message: str, *, path: str = "<root>", note: Note | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.note = note


class MissingContextError(TranslationError):
    """The request points at server-side state (``previous_response_id``, ``conversation``)
    and the caller supplied neither the earlier items nor a resolver for them."""

"""A stream cut before its end. (The upstream's own error is :class:`wireshift.UpstreamError`.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._errors import WireshiftError

if TYPE_CHECKING:
    from ._result import AccumulatedStream

__all__ = ["StreamTruncatedError"]


class StreamTruncatedError(WireshiftError):
    """The stream ended before its terminal event (``response.completed``, ``.failed``,
    ``.incomplete``; for Chat Completions, ``[DONE]`` or a ``finish_reason``).

    Raised only in strict mode; ``result`` holds everything received before the cut.
    """

    def __init__(self, message: str, result: AccumulatedStream | None = None) -> None:
        super().__init__(message)
        self.result = result

"""What a request translation gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from .._notes import Note
from .._profiles import Profile
from .._toolnames import ToolNameMap
from ..chat._request import ChatCompletionRequest
from ..responses._request import ResponsesRequest

__all__ = ["TranslatedRequest"]


@dataclass(frozen=True, eq=False)
class TranslatedRequest:
    """A request ready for one backend.

    ``data`` is the body as JSON-ready Python data and ``body`` the same as compact UTF-8
    JSON bytes, ready to send. ``notes`` say what was dropped, changed, added or moved, with
    the path of each (paths into the body given, or into ``data`` for the backend's
    normalization rules, whose codes start with ``normalize.``). ``tool_names`` maps the
    chat function names sent back to the Responses tools they stand for: keep it for the
    response or stream translation.
    """

    format: Literal["chat", "responses"]
    data: dict[str, Any]
    body: bytes
    notes: list[Note]
    profile: Profile
    tool_names: ToolNameMap = field(default_factory=ToolNameMap)

    @cached_property
    def model(self) -> ChatCompletionRequest | ResponsesRequest:
        """The body as a wireshift model (built on first use: gateways that only forward
        ``body`` never pay for it)."""
        if self.format == "chat":
            return ChatCompletionRequest.parse(self.data)
        return ResponsesRequest.parse(self.data)

    def notes_for(self, code_prefix: str) -> list[Note]:
        """The notes whose code starts with ``code_prefix`` (``"normalize."``,
        ``"translate.tools"``...)."""
        return [note for note in self.notes if note.code.startswith(code_prefix)]

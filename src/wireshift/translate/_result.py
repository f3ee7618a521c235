"""What a request or response-body translation gives back."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from .._format import Format
from .._json import dump_json
from .._notes import Note
from .._profiles import Profile
from .._toolnames import ToolNameMap
from ..responses._request import ResponsesRequest

if TYPE_CHECKING:  # annotations only: a request translation loads neither
    from .._store import PendingResponse
    from ..chat._completion import ChatCompletion
    from ..chat._request import ChatCompletionRequest
    from ..responses._response import Response

__all__ = ["TranslatedChatCompletion", "TranslatedRequest", "TranslatedResponse"]


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

    format: Format
    data: dict[str, Any]
    body: bytes
    notes: list[Note]
    profile: Profile
    tool_names: ToolNameMap = field(default_factory=ToolNameMap)
    turn: PendingResponse | None = None
    """With a response store: the turn to record once its response is finished (pass it as
    ``turn=`` to the stream or body translation)."""

    @cached_property
    def model(self) -> ChatCompletionRequest | ResponsesRequest:
        """The body as a wireshift model (built on first use: gateways that only forward
        ``body`` never pay for it)."""
        if self.format == "chat":
            from ..chat._request import ChatCompletionRequest

            return ChatCompletionRequest.parse(self.data)
        return ResponsesRequest.parse(self.data)

    def notes_for(self, code_prefix: str) -> list[Note]:
        """The notes whose code starts with ``code_prefix`` (``"normalize."``,
        ``"translate.tools"``...)."""
        return [note for note in self.notes if note.code.startswith(code_prefix)]


class _TranslatedBody:
    """What both translated response bodies share: the body in three forms, and the notes."""

    notes: list[Note]

    @property
    def final(self) -> Response | ChatCompletion:  # pragma: no cover - both kinds override
        raise NotImplementedError

    @cached_property
    def data(self) -> dict[str, Any]:
        """The body as JSON-ready Python data."""
        return self.final.to_dict()

    @cached_property
    def body(self) -> bytes:
        """The body as compact UTF-8 JSON bytes, ready to send."""
        return dump_json(self.data, what="body")

    def notes_for(self, code_prefix: str) -> list[Note]:
        """The notes whose code starts with ``code_prefix``."""
        return [note for note in self.notes if note.code.startswith(code_prefix)]

    if not TYPE_CHECKING:  # hidden from type checkers, so that they still catch typos

        def __getattr__(self, name: str) -> Any:
            # translate_response returned the model itself until 0.2: its attributes keep
            # working for one release.
            if name.startswith("_"):
                raise AttributeError(name)
            final = self.final
            if not hasattr(final, name):
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            warnings.warn(
                f"translate_response now returns a {type(self).__name__}: read .{name} on "
                f"its .final ({type(final).__name__})",
                DeprecationWarning,
                stacklevel=2,
            )
            return getattr(final, name)


@dataclass(eq=False)
class TranslatedResponse(_TranslatedBody):
    """A body translated to a Responses API :class:`~wireshift.responses.Response`."""

    response: Response
    notes: list[Note] = field(default_factory=list)
    """What was dropped, changed or added on the way, with the path of each."""
    format: Literal["responses"] = "responses"

    @property
    def final(self) -> Response:
        """The translated object: :attr:`response`."""
        return self.response

    @property
    def status(self) -> str | None:
        """The response's status: ``completed``, ``incomplete``, ``failed``..."""
        return self.response.status

    @property
    def text(self) -> str:
        """The answer: the text of every output message, joined."""
        return self.response.output_text


@dataclass(eq=False)
class TranslatedChatCompletion(_TranslatedBody):
    """A body translated to a :class:`~wireshift.chat.ChatCompletion`."""

    completion: ChatCompletion
    notes: list[Note] = field(default_factory=list)
    """What was dropped, changed or added on the way, with the path of each."""
    format: Literal["chat"] = "chat"

    @property
    def final(self) -> ChatCompletion:
        """The translated object: :attr:`completion`."""
        return self.completion

    @property
    def text(self) -> str:
        """The answer: the content of the first choice (``""`` when it has none)."""
        for choice in self.completion.choices:
            return choice.message.content or ""
        return ""

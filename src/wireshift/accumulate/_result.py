"""What accumulating a stream gives back: the final object, and what happened on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .._errors import StreamTruncatedError, UpstreamError

if TYPE_CHECKING:
    from .._model import WireModel
    from .._notes import Note
    from ..chat import ChatCompletion
    from ..responses import Response

__all__ = ["AccumulatedChatCompletion", "AccumulatedResponse", "AccumulatedStream"]


@dataclass(kw_only=True)
class AccumulatedStream:
    """What both kinds of accumulated stream carry besides their final object."""

    notes: list[Note] = field(default_factory=list)
    """Every event not understood, every repair and every disagreement, in stream order."""
    error: UpstreamError | None = None
    """The error the upstream reported, if it reported one (see :class:`UpstreamError`)."""
    truncated: bool = False
    """The stream ended before its terminal event."""
    unknown_events: list[dict[str, Any]] = field(default_factory=list)
    """The payloads of events of unknown types, or that could not be read at all, as they came
    (JSON that could not be parsed is kept as ``{"data": text}``)."""

    def raise_for_error(self) -> None:
        """Raise the upstream's :class:`UpstreamError`, or :class:`StreamTruncatedError` when
        the stream was cut; both carry this result as ``.result``. Strict mode calls this."""
        if self.error is not None:
            self.error.result = self
            raise self.error
        if self.truncated:
            empty = next((note for note in self.notes if note.code == "no_events"), None)
            message = empty.reason if empty else "the stream ended before its terminal event"
            raise StreamTruncatedError(message, self)


@dataclass(kw_only=True)
class AccumulatedResponse(AccumulatedStream):
    """A Responses API stream, accumulated.

    ``response`` is the final :class:`~wireshift.Response`: its ``output`` built from the items
    and deltas streamed (merged with the terminal event's ``output``), its other fields from
    the lifecycle events, ``status`` from the terminal event (``"incomplete"`` when there was
    none) and ``error`` filled from the stream's real error when the response's own was null.
    """

    response: Response
    side_events: list[WireModel] = field(default_factory=list)
    """Known events that carry no response state, kept (``codex.rate_limits``)."""
    audio: list[str] = field(default_factory=list)
    """The base64 chunks of ``response.audio.delta`` events, in order."""
    audio_transcript: str | None = None
    """The text of ``response.audio.transcript.delta`` events, joined."""
    format: Literal["responses"] = "responses"

    @property
    def final(self) -> Response:
        """The final object: :attr:`response`."""
        return self.response

    @property
    def status(self) -> str | None:
        """The response's status: ``completed``, ``incomplete``, ``failed``..."""
        return self.response.status

    @property
    def text(self) -> str:
        """The answer: the text of every output message, joined."""
        return self.response.output_text


@dataclass(kw_only=True)
class AccumulatedChatCompletion(AccumulatedStream):
    """A Chat Completions stream, accumulated into one :class:`~wireshift.ChatCompletion`
    (``object: "chat.completion"``), one choice per choice index seen."""

    completion: ChatCompletion
    format: Literal["chat"] = "chat"

    @property
    def final(self) -> ChatCompletion:
        """The final object: :attr:`completion`."""
        return self.completion

    @property
    def text(self) -> str:
        """The answer: the content of the first choice (``""`` when it has none)."""
        for choice in self.completion.choices:
            return choice.message.content or ""
        return ""

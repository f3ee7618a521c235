"""The public stream entry points: :func:`translate_stream` and :func:`atranslate_stream`.

``events`` may be raw SSE chunks (``bytes``/``str``, split anywhere), decoded SSE events
(wireshift :class:`~wireshift.SSEEvent` or ``httpx_sse.ServerSentEvent``: anything with
``.data``), mappings, or models, from a sync or async iterable.

``to="responses"`` reads a Chat Completions stream and yields Responses events;
``to="chat"`` reads a Responses stream and yields ``ChatCompletionChunk`` models. With
``encode=True`` both yield SSE bytes ready to send (LF line ends, ``event:`` equal to
``type`` for Responses events, ``data: [DONE]`` last for chat targets).

Failures (an error event or chunk, ``response.failed``, a line that is not JSON, a stream
cut before its end) never raise once anything was yielded:

* ``to="responses"``: the stream ends in exactly one terminal event; a failure is
  ``response.failed`` carrying the upstream's code and message (``stream_interrupted`` for a
  cut, the upstream's own text for a line that was not JSON). A tool call the upstream never
  confirmed (no ``finish_reason``, nor ``[DONE]``) is never sent as
  ``response.output_item.done``: Codex runs each call as that event arrives.
* ``to="chat"``: a failure before any output raises :class:`UpstreamError` (status, code,
  message), so a gateway that has not sent headers yet can answer with that status: the
  first chunk, the role, waits for the first output, so read the first chunk before sending
  headers. After output, the error is the last chunk, ``{"error": {...}}`` (a chunk model
  whose ``error`` is set, or with ``encode=True`` a ``data:`` event, which the openai SDK
  raises as ``APIError``), without ``[DONE]``.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, Literal

from .._notes import Note
from .._profiles import Profile, get_profile
from .._sse import DONE as DONE_BYTES
from .._toolnames import ToolNameMap
from .._wire._input import DONE, Event, EventReader
from ._stream_to_chat import ResponsesToChatStream
from ._stream_to_responses import ChatToResponsesStream, ReasoningStyle

__all__ = ["atranslate_stream", "translate_stream"]

Target = Literal["responses", "chat"]


class _Pipeline:
    """Reads whatever comes in with the shared input reader and hands each payload to the
    translator, which writes (and encodes) the output."""

    def __init__(
        self,
        to: Target,
        tool_names: ToolNameMap | None,
        profile: str | Profile | None,
        encode: bool,
        include_usage: bool,
        reasoning: ReasoningStyle | None,
        response: dict[str, Any] | None,
        notes: list[Note] | None,
        strict: bool,
    ) -> None:
        if to not in ("responses", "chat"):
            raise ValueError(f"to must be 'responses' or 'chat', not {to!r}")
        self.to = to
        self.encode = encode
        self.reader = EventReader()
        self.translator: ChatToResponsesStream | ResponsesToChatStream
        if to == "responses":
            self.translator = ChatToResponsesStream(
                tool_names=tool_names,
                profile=get_profile(profile),
                reasoning=reasoning,
                response=response,
                encode=encode,
                strict=strict,
            )
        else:
            self.translator = ResponsesToChatStream(
                tool_names=tool_names,
                profile=profile,
                include_usage=include_usage,
                encode=encode,
                strict=strict,
            )
        if notes is not None:
            # Notes land in the caller's list as the stream goes.
            self.translator.rec.notes = notes

    def feed(self, item: Any) -> list[Any]:
        events = self.reader.read(item)
        if len(events) == 1:  # the usual raw chunk: one event
            name, payload = events[0]
            if payload is not DONE:
                return self.translator.feed_payload(name, payload)
        return self._deliver(events)

    def _deliver(self, events: list[Event]) -> list[Any]:
        translator = self.translator
        out: list[Any] = []
        for name, payload in events:
            if payload is DONE:
                translator.mark_done()
            else:
                out += translator.feed_payload(name, payload)
        return out

    def close(self) -> list[Any]:
        self.translator.at_eof()
        out = self._deliver(self.reader.close())
        if self.reader.body:
            self.translator.rec.record(
                "body",
                "kept",
                "the upstream sent a whole JSON body, not an event stream; read as one event",
                "translate.stream.body_not_stream",
            )
        return out + self.translator.close()

    def tail(self) -> list[bytes]:
        """What follows the last event when encoding: ``[DONE]`` for chat targets that ended
        without an error."""
        if not self.encode or self.to != "chat":
            return []
        finished = self.translator.final
        failed = self.translator.error is not None
        return [DONE_BYTES] if finished is not None and not failed else []


def translate_stream(
    events: Iterable[Any],
    *,
    to: Target,
    tool_names: ToolNameMap | None = None,
    profile: str | Profile | None = None,
    encode: bool = False,
    include_usage: bool = True,
    reasoning: ReasoningStyle | None = None,
    response: dict[str, Any] | None = None,
    notes: list[Note] | None = None,
    strict: bool = False,
) -> Iterator[Any]:
    """Translate a stream (see the module docstring for inputs, outputs and errors).

    ``tool_names`` is the request translation's map; ``profile`` names where reasoning comes
    from and goes to, and the Responses dialect; ``include_usage`` asks for the chat usage
    chunk; ``reasoning`` picks summary or text reasoning events; ``response`` gives fields to
    echo on every Responses ``response`` object (``model``, ``tools``...). What the target
    cannot carry (chat choices after the first, logprobs, Responses items with no chat form,
    annotations) is appended to ``notes`` as the stream goes, when a list is given; with
    ``strict=True`` it raises :class:`TranslationError` instead.
    """
    pipe = _Pipeline(
        to, tool_names, profile, encode, include_usage, reasoning, response, notes, strict
    )
    for item in events:
        yield from pipe.feed(item)
    yield from pipe.close()
    yield from pipe.tail()


async def atranslate_stream(
    events: AsyncIterable[Any] | Iterable[Any],
    *,
    to: Target,
    tool_names: ToolNameMap | None = None,
    profile: str | Profile | None = None,
    encode: bool = False,
    include_usage: bool = True,
    reasoning: ReasoningStyle | None = None,
    response: dict[str, Any] | None = None,
    notes: list[Note] | None = None,
    strict: bool = False,
) -> AsyncIterator[Any]:
    """The async twin of :func:`translate_stream`; ``events`` may be sync or async."""
    pipe = _Pipeline(
        to, tool_names, profile, encode, include_usage, reasoning, response, notes, strict
    )
    if isinstance(events, AsyncIterable):
        async for item in events:
            for out in pipe.feed(item):
                yield out
    else:
        for item in events:
            for out in pipe.feed(item):
                yield out
    for out in pipe.close():
        yield out
    for out in pipe.tail():
        yield out

"""The public stream entry points: :func:`translate_stream` and :func:`atranslate_stream`.

``events`` may be raw SSE chunks (``bytes``/``str``, split anywhere), decoded SSE events
(wireshift :class:`~wireshift.SSEEvent` or ``httpx_sse.ServerSentEvent``: anything with
``.data``), mappings, or models, from a sync or async iterable.

``to="responses"`` reads a Chat Completions stream and yields Responses events;
``to="chat"`` reads a Responses stream and yields ``ChatCompletionChunk`` models. With
``encode=True`` both yield SSE bytes ready to send (LF line ends, ``event:`` equal to
``type`` for Responses events, ``data: [DONE]`` last for chat targets).

Errors, ``to="chat"``: a ``response.failed`` or ``error`` event, or a stream cut before its
terminal event, raises :class:`UpstreamError` (status, code, message) when yielding models,
so a gateway that has not sent headers yet can answer with that status. With
``encode=True`` the same holds until the first chunk is yielded (the first chunk, the role,
waits for the first output, so a failure before any output raises: read the first chunk
before sending headers). After it, the headers are taken as sent: the error goes out as a
last ``data: {"error": {...}}`` event (which the openai SDK raises as ``APIError``), without
``[DONE]``. ``to="responses"`` never raises for upstream failures: they become
``response.failed``.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping
from typing import Any, Literal

import pydantic_core
from pydantic import BaseModel

from .._notes import Note
from .._profiles import Profile, get_profile
from .._sse import DONE, SSEComment, SSEDecoder
from .._toolnames import ToolNameMap
from .._upstream import UpstreamError
from ._stream_to_chat import ResponsesToChatStream
from ._stream_to_responses import ChatToResponsesStream, ReasoningStyle

__all__ = ["atranslate_stream", "translate_stream"]

Target = Literal["responses", "chat"]
_TEXT_OR_RAW = (str, bytes, bytearray, memoryview)


class _Pipeline:
    """Decodes whatever comes in into payloads and translates them; the translators encode."""

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
        # Whether anything was yielded yet (see _guarded).
        self.produced = False
        self.decoder = SSEDecoder()
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
        if isinstance(item, _TEXT_OR_RAW):
            out: list[Any] = []
            for event in self.decoder.feed(item):
                if not isinstance(event, SSEComment):
                    out += self._payload(event.data)
            return out
        if isinstance(item, SSEComment):
            return []
        if isinstance(item, (Mapping, BaseModel)):
            return self._translate(item)
        data = getattr(item, "data", None)
        if isinstance(data, str):  # SSEEvent, httpx_sse.ServerSentEvent
            return self._payload(data)
        raise TypeError(f"cannot translate a stream item of type {type(item).__name__}")

    def close(self) -> list[Any]:
        out: list[Any] = []
        for event in self.decoder.close():
            if not isinstance(event, SSEComment):
                out.extend(self._payload(event.data))
        if out:
            self.produced = True
        return out + self._guarded(self.translator.close)

    def _payload(self, data: str) -> list[Any]:
        text = data.strip()
        if not text:
            return []
        if text == "[DONE]":
            if isinstance(self.translator, ChatToResponsesStream):
                self.translator.mark_done()
            return []
        return self._guarded(self.translator._feed_text, data)

    def _translate(self, payload: Any) -> list[Any]:
        if isinstance(payload, Mapping) and self.to == "responses":
            from ..chat._completion import ChatCompletionChunk

            payload = ChatCompletionChunk.parse(payload)
        return self._guarded(self.translator.feed, payload)

    def _guarded(self, step: Callable[..., list[Any]], *args: Any) -> list[Any]:
        """Run one translation step; when encoding, a failure after the first output becomes
        the last error event (before it, it raises: nothing was produced, no headers need
        have been sent)."""
        if not self.encode:
            return step(*args)
        try:
            out = step(*args)
        except UpstreamError as error:
            if not self.produced:
                raise
            return [_error_event(error)]
        if out:
            self.produced = True
        return out

    def tail(self) -> list[bytes]:
        """What follows the last event when encoding: ``[DONE]`` for chat targets."""
        if not self.encode or self.to != "chat":
            return []
        finished = getattr(self.translator, "final", None)
        return [DONE] if finished is not None and finished.status != "failed" else []


def _error_event(error: UpstreamError) -> bytes:
    # With headers sent, the error goes out as a last data event (see the module docstring).
    return b"data: " + pydantic_core.to_json(error.to_body()) + b"\n\n"


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

"""The public stream entry points: :func:`translate_stream` and :func:`atranslate_stream`.

``events`` may be raw SSE chunks (``bytes``/``str``, split anywhere), decoded SSE events
(wireshift :class:`~wireshift.SSEEvent` or ``httpx_sse.ServerSentEvent``: anything with
``.data``), mappings, or models, from a sync or async iterable. An
:class:`~wireshift.UpstreamError` among them (a gateway's own view of a failure: the
upstream's HTTP error, a lost connection) ends the stream with that failure.

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

import warnings
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import Any, Generic, Literal, TypeVar, overload

from .._boundary import foreign
from .._errors import ArgumentTypeError, StreamConsumedError, UpstreamError
from .._format import Format, check_format
from .._notes import Note
from .._profiles import Profile, get_profile
from .._sse import DONE as DONE_BYTES
from .._store import PendingResponse
from .._toolnames import ToolNameMap
from .._wire._input import DONE, Event, EventReader, payload_dict
from .._wire._repeated_chunk import ANY_STRING, EventShape
from ..chat._completion import ChatCompletionChunk
from ..responses._events import ResponseStreamEvent
from ._compaction_stream import CompactionStream
from ._restore import ResponsesRestoreStream
from ._stream_to_chat import DeltaPlace, ResponsesToChatStream
from ._stream_to_responses import ChatDelta, ChatToResponsesStream, ReasoningStyle

__all__ = ["AsyncTranslatedStream", "TranslatedStream", "atranslate_stream", "translate_stream"]

Out = TypeVar("Out")


class _Pipeline:
    """Reads whatever comes in with the shared input reader and hands each payload to the
    translator, which writes (and encodes) the output."""

    def __init__(
        self,
        to: Format,
        tool_names: ToolNameMap | None,
        profile: str | Profile | None,
        encode: bool,
        include_usage: bool,
        reasoning: ReasoningStyle | None,
        response: dict[str, Any] | None,
        notes: list[Note] | None,
        strict: bool,
        turn: PendingResponse | None = None,
    ) -> None:
        self.to = to = check_format(to)
        self.turn = turn
        self.encode = encode
        self.reader = EventReader()
        self._claimed = False
        # The translator a raw delta event that repeats an earlier one's shape goes straight
        # to (see _wire._repeated_chunk): the shapes of the delta events lately seen (text,
        # reasoning and arguments interleave), each direction's.
        self._chat: ChatToResponsesStream | None = None
        self._chat_shapes: _RecentShapes[ChatDelta] = _RecentShapes()
        # The shape the last chunk was read raw with, when it was answer or reasoning text: the
        # next chunk is tried with it first and goes straight to the chat translator. Kept
        # only from one raw text chunk to the next (any other input drops it), so the reader
        # is still between events and nothing else was read in between.
        self._hot: (
            tuple[Callable[[bytes], Any], Callable[[Sequence[str]], list[Any] | None]] | None
        ) = None
        self._responses: ResponsesToChatStream | None = None
        self._delta_shapes: _RecentShapes[tuple[DeltaPlace, bool]] = _RecentShapes()
        self.translator: (
            ChatToResponsesStream
            | ResponsesToChatStream
            | ResponsesRestoreStream
            | CompactionStream
        )
        # A Responses stream read for a Responses client (a native server) is told by its
        # first event, which then hands the stream to the restoring translator.
        self._look = False
        self._restore = (tool_names, encode, strict)
        key = turn.compaction_key if turn is not None else None
        if to == "responses":
            chat = ChatToResponsesStream(
                tool_names=tool_names,
                profile=get_profile(profile),
                reasoning=reasoning,
                response=response,
                encode=encode and key is None,
                strict=strict,
            )
            # A compaction turn: the chat reply is a summary, sent back as one item (and the
            # upstream is surely chat, so there is nothing to look at).
            self._look = key is None
            self.translator = chat if key is None else CompactionStream(chat, key, encode)
            self._chat = chat if key is None else None
        else:
            self.translator = self._responses = ResponsesToChatStream(
                tool_names=tool_names,
                profile=profile,
                include_usage=include_usage,
                encode=encode,
                strict=strict,
            )
        if notes is not None:
            warnings.warn(
                "notes= is deprecated: the stream translate_stream returns has .notes",
                DeprecationWarning,
                stacklevel=3,
            )
            # Notes land in the caller's list as the stream goes.
            self.translator.rec.notes = notes

    def claim(self) -> None:
        """One reading of the input: the events, or their batches, not both."""
        if self._claimed:
            raise StreamConsumedError(
                "this stream is already being read: iterate it or its batches(), once"
            )
        self._claimed = True

    # feed and finish are the guards of both stream kinds: what escapes them is a
    # WireshiftError (see _boundary); the caller's iterable is read outside them.
    def feed(self, item: Any) -> list[Any]:
        try:
            hot = self._hot
            if hot is not None:
                # Most of a chat turn, in as few steps as a chunk can take: a proxy runs
                # this among other streams' work, where each step costs its cold cache.
                if type(item) is bytes:
                    found = hot[0](item)
                    if found is not None:
                        out = hot[1](found[0])
                        if out is not None:
                            self.reader.events += 1
                            return out
                self._hot = None
            if isinstance(item, UpstreamError):
                # A failure the gateway saw outside the stream (an HTTP error status, a lost
                # connection): the stream ends with it as if the upstream had sent it.
                return self.translator.fail(item)
            if type(item) is bytes:
                chat = self._chat
                if chat is not None:
                    return self._feed_chat_bytes(chat, item)
                responses = self._responses
                if responses is not None:
                    return self._feed_responses_bytes(responses, item)
            return self._read(item)[0]
        except Exception as exc:
            foreign(exc, "translating a stream")

    def _read(self, item: Any) -> tuple[list[Any], bool, str | None]:
        """Read ``item`` the usual way and translate what it completes: the output, whether
        it was one payload event (fed alone, so its reading may teach a shape), and that
        event's name."""
        events = self.reader.read(item)
        if self._look and events:
            self._first(*events[0])
        if len(events) == 1:  # the usual raw chunk: one event
            name, payload = events[0]
            if payload is not DONE:
                return self.translator.feed_payload(name, payload), True, name
        return self._deliver(events), False, None

    def _feed_chat_bytes(self, chat: ChatToResponsesStream, item: bytes) -> list[Any]:
        """A raw chunk of a chat stream: a delta chunk that repeats the shape of a recent one
        is read from its bytes; any other is read the usual way, and teaches a shape when it
        is one whole event read fast as a delta."""
        reader = self.reader
        whole = reader.holds_nothing
        if whole:
            found = self._chat_shapes.read(item)
            if found is not None:
                reader.events += 1
                shape, known, (texts, _) = found
                if known.what == "content":
                    self._hot = (shape.read, chat.answer_text)
                elif known.what == "reasoning":
                    self._hot = (shape.read, chat.reasoning_text)
                return chat.feed_delta(known, texts)
        out, single, name = self._read(item)
        if self.translator is not chat:  # a Responses stream after all (see _first)
            self._chat = None
            return out
        delta = chat.last_delta
        if delta is not None and single and whole and name is None:
            learned = EventShape.learn(item, delta.holes, delta.texts)
            if learned is not None:
                self._chat_shapes.add(learned, delta)
        return out

    def _feed_responses_bytes(self, responses: ResponsesToChatStream, item: bytes) -> list[Any]:
        """A raw chunk of a Responses stream: a delta event that repeats the shape of a recent
        one is read from its bytes; any other is read the usual way, and teaches a shape when
        it is one whole event read fast as a delta."""
        reader = self.reader
        whole = reader.holds_nothing
        if whole:
            found = self._delta_shapes.read(item)
            if found is not None:
                shape, (place, numbered), (values, text) = found
                reader.events += 1
                seq = values[1] if numbered else None
                data = text[shape.data_start : -2]
                return responses.feed_delta(place, seq, values[0], data)
        out, single, _ = self._read(item)
        fast = responses.last_delta
        if fast is not None and single and whole:
            # The delta first, then the number when there is one, then the obfuscation.
            holes: list[tuple[str, type]] = [("delta", str)]
            expected: list[Any] = [fast.delta]
            if fast.seq is not None:
                holes.append(("sequence_number", int))
                expected.append(fast.seq)
            if fast.obfuscated:
                holes.append(("obfuscation", str))
                expected.append(ANY_STRING)
            learned = EventShape.learn(item, tuple(holes), tuple(expected))
            if learned is not None:
                self._delta_shapes.add(learned, (fast.place, fast.seq is not None))
        return out

    def finish(self) -> list[Any]:
        """The events the end of input completes, then the tail; a finished Responses
        response is recorded in the turn's store."""
        try:
            out = self.close() + self.tail()
            final = self.translator.final
            if self.turn is not None and self.to == "responses" and final is not None:
                self.turn.record(final if isinstance(final, dict) else final.to_dict())
            return out
        except Exception as exc:
            foreign(exc, "translating a stream")

    def _first(self, name: str | None, payload: Any) -> None:
        """Look at the first event once: a Responses event switches to restoring."""
        self._look = False
        kind = name
        if kind is None and payload is not DONE:
            if isinstance(payload, str):
                found = payload_dict(payload) if '"response.' in payload[:200] else None
                kind = found.get("type") if found is not None else None
            else:
                kind = getattr(payload, "type", None) or (
                    payload.get("type") if isinstance(payload, Mapping) else None
                )
        if isinstance(kind, str) and kind.startswith("response."):
            tool_names, encode, strict = self._restore
            notes = self.translator.rec.notes
            self.translator = ResponsesRestoreStream(
                tool_names=tool_names, encode=encode, strict=strict
            )
            self.translator.rec.notes = notes

    def _deliver(self, events: list[Event]) -> list[Any]:
        if self._look and events:
            self._first(*events[0])
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

    def tail(self) -> list[Any]:
        """What follows the last event when encoding: ``[DONE]`` for chat targets that ended
        without an error."""
        if not self.encode or self.to != "chat":
            return []
        finished = self.translator.final
        failed = self.translator.error is not None
        return [DONE_BYTES] if finished is not None and not failed else []


Known = TypeVar("Known")


class _RecentShapes(Generic[Known]):
    """The delta shapes a stream learned lately, newest first, each with what its event was
    known to be (text, reasoning, one call's arguments...): a few at most."""

    __slots__ = ("_shapes",)

    KEPT = 4

    def __init__(self) -> None:
        self._shapes: list[tuple[EventShape, Known]] = []

    def read(self, raw: bytes) -> tuple[EventShape, Known, tuple[Sequence[Any], str]] | None:
        """The shape ``raw`` repeats, what it is known to be, and what the shape read."""
        shapes = self._shapes
        for at, (shape, known) in enumerate(shapes):
            read = shape.read(raw)
            if read is not None:
                if at:  # deltas come in runs of one kind: its shape is tried first
                    shapes.insert(0, shapes.pop(at))
                return shape, known, read
        return None

    def add(self, shape: EventShape, known: Known) -> None:
        self._shapes.insert(0, (shape, known))
        del self._shapes[self.KEPT :]


class _Translated:
    """What both stream kinds tell besides their events."""

    _pipe: _Pipeline

    @property
    def notes(self) -> list[Note]:
        """What the target could not carry, and what was repaired on the way, so far (the list
        grows as the stream is read; complete once it is exhausted)."""
        return self._pipe.translator.rec.notes

    @property
    def error(self) -> UpstreamError | None:
        """The upstream's failure, once one was read (the output already carries it)."""
        return self._pipe.translator.error


class TranslatedStream(_Translated, Iterator[Out], Generic[Out]):
    """The translated events, as an iterator; :attr:`notes` and :attr:`error` say what
    happened on the way."""

    def __init__(self, events: Iterable[Any], pipe: _Pipeline) -> None:
        self._pipe = pipe
        self._events = events
        self._out = self._run(events)

    def _run(self, events: Iterable[Any]) -> Generator[Out, None, None]:
        self._pipe.claim()
        pipe = self._pipe
        for item in events:
            yield from pipe.feed(item)
        yield from pipe.finish()

    def batches(self) -> Iterator[list[Out]]:
        """The same events, as one list per input chunk (the events that chunk completed; the
        end of input's last), never empty. A gateway sends each list in one write, as a
        pass-through proxy sends each chunk it reads, instead of one write per event: an
        upstream read that brought several events costs one send. Call it instead of
        iterating the stream, not after."""
        self._pipe.claim()
        return self._batches(self._events)

    def _batches(self, events: Iterable[Any]) -> Generator[list[Out], None, None]:
        return _batches_of(self._pipe, events)

    def __iter__(self) -> Iterator[Out]:
        # The generator itself: a for loop then runs at generator speed, with no call of
        # __next__ per event.
        return self._out

    def __next__(self) -> Out:
        return next(self._out)

    def close(self) -> None:
        """Stop early (the input iterable is not read further)."""
        self._out.close()


class AsyncTranslatedStream(_Translated, AsyncIterator[Out], Generic[Out]):
    """:class:`TranslatedStream` for ``async for``."""

    def __init__(self, events: AsyncIterable[Any] | Iterable[Any], pipe: _Pipeline) -> None:
        self._pipe = pipe
        self._events = events
        self._out = self._run(events)

    async def _run(self, events: AsyncIterable[Any] | Iterable[Any]) -> AsyncGenerator[Out, None]:
        self._pipe.claim()
        pipe = self._pipe
        if isinstance(events, AsyncIterable):
            async for item in events:
                for out in pipe.feed(item):
                    yield out
        else:
            for item in events:
                for out in pipe.feed(item):
                    yield out
        for out in pipe.finish():
            yield out

    def __aiter__(self) -> AsyncIterator[Out]:
        return self._out

    def batches(self) -> AsyncIterator[list[Out]]:
        """:meth:`TranslatedStream.batches` for ``async for``: one list of events per input
        chunk, to send in one write."""
        self._pipe.claim()
        return self._batches(self._events)

    async def _batches(
        self, events: AsyncIterable[Any] | Iterable[Any]
    ) -> AsyncGenerator[list[Out], None]:
        pipe = self._pipe
        if isinstance(events, AsyncIterable):
            async for item in events:
                out = pipe.feed(item)
                if out:
                    yield out
            events = ()  # read: what is left is the end's batch
        for batch in _batches_of(pipe, events):
            yield batch

    async def __anext__(self) -> Out:
        return await self._out.__anext__()

    async def aclose(self) -> None:
        """Stop early (the input iterable is not read further)."""
        await self._out.aclose()


def _batches_of(pipe: _Pipeline, events: Iterable[Any]) -> Generator[list[Any], None, None]:
    """Each input chunk's events as one list (none when it completed none), then the end's."""
    for item in events:
        out = pipe.feed(item)
        if out:
            yield out
    out = pipe.finish()
    if out:
        yield out


def _check_events(events: object, sync: bool) -> None:
    kinds = (Iterable,) if sync else (Iterable, AsyncIterable)
    if isinstance(events, (bytes, bytearray, str)) or not isinstance(events, kinds):
        what = "an iterable" if sync else "an iterable or async iterable"
        raise ArgumentTypeError(
            f"events is {what} of SSE chunks, events or payloads, not "
            f"{type(events).__name__} (wrap one whole stream in a list)",
            argument="events",
        )


@overload
def translate_stream(
    events: Iterable[Any],
    *,
    to: Literal["responses"],
    encode: Literal[False] = ...,
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    include_usage: bool = ...,
    reasoning: ReasoningStyle | None = ...,
    response: dict[str, Any] | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    turn: PendingResponse | None = ...,
) -> TranslatedStream[ResponseStreamEvent]: ...
@overload
def translate_stream(
    events: Iterable[Any],
    *,
    to: Literal["chat"],
    encode: Literal[False] = ...,
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    include_usage: bool = ...,
    reasoning: ReasoningStyle | None = ...,
    response: dict[str, Any] | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    turn: PendingResponse | None = ...,
) -> TranslatedStream[ChatCompletionChunk]: ...
@overload
def translate_stream(
    events: Iterable[Any],
    *,
    to: Format,
    encode: Literal[True],
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    include_usage: bool = ...,
    reasoning: ReasoningStyle | None = ...,
    response: dict[str, Any] | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    turn: PendingResponse | None = ...,
) -> TranslatedStream[bytes]: ...
@overload
def translate_stream(
    events: Iterable[Any],
    *,
    to: Format,
    encode: bool = ...,
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    include_usage: bool = ...,
    reasoning: ReasoningStyle | None = ...,
    response: dict[str, Any] | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    turn: PendingResponse | None = ...,
) -> TranslatedStream[Any]: ...
def translate_stream(
    events: Iterable[Any],
    *,
    to: Format,
    encode: bool = False,
    tool_names: ToolNameMap | None = None,
    profile: str | Profile | None = None,
    include_usage: bool = True,
    reasoning: ReasoningStyle | None = None,
    response: dict[str, Any] | None = None,
    strict: bool = False,
    notes: list[Note] | None = None,
    turn: PendingResponse | None = None,
) -> TranslatedStream[Any]:
    """Translate a stream (see the module docstring for inputs, outputs and errors).

    ``tool_names`` is the request translation's map; ``profile`` names where reasoning comes
    from and goes to, and the Responses dialect; ``include_usage`` asks for the chat usage
    chunk; ``reasoning`` picks summary or text reasoning events; ``response`` gives fields to
    echo on every Responses ``response`` object (``model``, ``tools``...).

    Returns a :class:`TranslatedStream`: iterate it for the events; its ``notes`` say what
    the target could not carry (chat choices after the first, logprobs, Responses items with
    no chat form, annotations) as the stream goes, and ``error`` the upstream's failure.
    ``turn`` (a translated request's ``turn``, with a response store) records the finished
    response in the store, under the id every event carried. With
    ``strict=True`` a lossy step raises :class:`TranslationError` instead. (``notes=``, a list
    the notes were appended to, is deprecated: read ``.notes``.)
    """
    _check_events(events, sync=True)
    pipe = _Pipeline(
        to, tool_names, profile, encode, include_usage, reasoning, response, notes, strict, turn
    )
    return TranslatedStream(events, pipe)


@overload
def atranslate_stream(
    events: AsyncIterable[Any] | Iterable[Any],
    *,
    to: Literal["responses"],
    encode: Literal[False] = ...,
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    include_usage: bool = ...,
    reasoning: ReasoningStyle | None = ...,
    response: dict[str, Any] | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    turn: PendingResponse | None = ...,
) -> AsyncTranslatedStream[ResponseStreamEvent]: ...
@overload
def atranslate_stream(
    events: AsyncIterable[Any] | Iterable[Any],
    *,
    to: Literal["chat"],
    encode: Literal[False] = ...,
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    include_usage: bool = ...,
    reasoning: ReasoningStyle | None = ...,
    response: dict[str, Any] | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    turn: PendingResponse | None = ...,
) -> AsyncTranslatedStream[ChatCompletionChunk]: ...
@overload
def atranslate_stream(
    events: AsyncIterable[Any] | Iterable[Any],
    *,
    to: Format,
    encode: Literal[True],
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    include_usage: bool = ...,
    reasoning: ReasoningStyle | None = ...,
    response: dict[str, Any] | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    turn: PendingResponse | None = ...,
) -> AsyncTranslatedStream[bytes]: ...
@overload
def atranslate_stream(
    events: AsyncIterable[Any] | Iterable[Any],
    *,
    to: Format,
    encode: bool = ...,
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    include_usage: bool = ...,
    reasoning: ReasoningStyle | None = ...,
    response: dict[str, Any] | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    turn: PendingResponse | None = ...,
) -> AsyncTranslatedStream[Any]: ...
def atranslate_stream(
    events: AsyncIterable[Any] | Iterable[Any],
    *,
    to: Format,
    encode: bool = False,
    tool_names: ToolNameMap | None = None,
    profile: str | Profile | None = None,
    include_usage: bool = True,
    reasoning: ReasoningStyle | None = None,
    response: dict[str, Any] | None = None,
    strict: bool = False,
    notes: list[Note] | None = None,
    turn: PendingResponse | None = None,
) -> AsyncTranslatedStream[Any]:
    """The async twin of :func:`translate_stream`; ``events`` may be sync or async. Use it
    with ``async for``; it returns an :class:`AsyncTranslatedStream` (not a coroutine)."""
    _check_events(events, sync=False)
    pipe = _Pipeline(
        to, tool_names, profile, encode, include_usage, reasoning, response, notes, strict, turn
    )
    return AsyncTranslatedStream(events, pipe)

"""Chat Completions stream -> Responses stream: a sans-I/O state machine.

Feed it parsed :class:`~wireshift.chat.ChatCompletionChunk` objects (or their JSON text), then
call :meth:`ChatToResponsesStream.close` at the end of input; each call returns the Responses
events it completes, built as wireshift event models (or their SSE bytes, with ``encode=True``).

What it emits, in order: ``response.created`` and ``response.in_progress``; for each output item
``response.output_item.added``, its part and delta events, and ``response.output_item.done``
carrying the whole item (Codex builds items only from that event); then one terminal event,
``response.completed``, ``response.incomplete`` or ``response.failed``, carrying every output
item and the usage. Sequence numbers count from 0; item ids carry the usual prefixes.

The stream ends at the end of input, not at ``data: [DONE]``: some providers send usage after
``[DONE]``. A stream that ends with neither a ``finish_reason`` nor ``[DONE]`` was cut, and
ends in ``response.failed``.

Speed: a chunk given as JSON text in the common shape (one choice with plain deltas) is read as
a dict, not validated into a model, and with ``encode=True`` the delta events are written from
byte templates cut out of their encoded models (see ``_fast``). Every other chunk goes through
the models; both ways give the same bytes (tests/test_translate_stream_fast.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar, Literal, NamedTuple

import pydantic_core
from pydantic_core import PydanticSerializationError

from .._errors import PayloadError, UpstreamError, quoted
from .._profiles import Profile, get_profile
from .._reasoning_envelope import seal
from .._rules import (
    FAILED_FINISH_REASONS,
    chat_usage_to_responses,
    custom_input_from_arguments,
    incomplete_reason,
    joined_reasoning,
    new_id,
    response_error,
)
from .._sse import encode_sse, is_done_marker
from .._toolnames import ToolNameMap, ToolOrigin
from .._wire._chat_chunks import Foreign, read_chat_payload
from .._wire._plain import (
    CHUNK_HEAD_TYPES,
    ToolCallParts,
    conforms,
    model_tool_calls,
    plain_chunk,
)
from ..chat._completion import (
    ChatCompletionChunk,
    ChatCompletionUsage,
    ChunkDelta,
)
from ..responses._content import OutputText, ReasoningText, Refusal, SummaryText
from ..responses._events import (
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseCustomToolCallInputDeltaEvent,
    ResponseCustomToolCallInputDoneEvent,
    ResponseFailedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseIncompleteEvent,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseReasoningDeltaEvent,
    ResponseReasoningDoneEvent,
    ResponseReasoningSummaryPartAddedEvent,
    ResponseReasoningSummaryPartDoneEvent,
    ResponseReasoningSummaryTextDeltaEvent,
    ResponseReasoningSummaryTextDoneEvent,
    ResponseReasoningTextDeltaEvent,
    ResponseReasoningTextDoneEvent,
    ResponseRefusalDeltaEvent,
    ResponseRefusalDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
)
from ..responses._items import CustomToolCall, FunctionCall, Message, ReasoningItem, parse_item
from ..responses._response import (
    IncompleteDetails,
    Response,
    ResponseError,
)
from ._context import Recorder
from ._fast import EventTemplate, construct
from ._toolforms import FUNCTION_FORMS, call_item_from_chat

__all__ = [
    "ChatDelta",
    "ChatToResponsesStream",
    "ReasoningStyle",
    "chat_to_responses_events",
    "chat_usage_to_responses",
]

ReasoningStyle = Literal["summary", "text"]
"""How reasoning text is streamed: as a reasoning summary (``reasoning_summary_text.*``, what
Codex displays) or as reasoning content (``reasoning_text.*``, or ``reasoning.*`` in the Open
Responses dialect)."""


class ChatDelta(NamedTuple):
    """A chunk the fast reading read whose delta holds only text that changes from chunk to
    chunk: the members holding it (the holes an ``EventShape`` learns, each a string), their
    values, what the text is (``content``, ``reasoning`` or ``arguments``), and for
    arguments the rest of the tool call's parts."""

    holes: tuple[tuple[str, type], ...]
    texts: tuple[str, ...]
    what: str
    call: ToolCallParts | None


_CONTENT: tuple[tuple[str, type], ...] = (("content", str),)
_ARGUMENTS: tuple[tuple[str, type], ...] = (("arguments", str),)
_NO_CALL: ToolCallParts = (None, None, None, None, None, None)

# The in-progress resource per (response fields, model, Open Responses dialect), a few
# kept a process (see ChatToResponsesStream._from_started).
_STARTED: dict[tuple[bytes, str, bool], Response] = {}
_STARTED_KEPT = 64
# The bytes of response.created and in_progress cut from that resource, its id and creation
# time the holes, per the same key and the first event's sequence number (see _start_written);
# () where they cannot be cut.
_START_WRITTEN: dict[tuple[bytes, str, bool, int], tuple[EventTemplate, ...]] = {}
_to_json = pydantic_core.to_json

_THINK_OPEN = "<think>"
_THINK_CLOSE = "</think>"


class _ThinkSplitter:
    """Splits ``content`` into (is_thinking, text) runs at ``<think>``/``</think>`` tags, which
    may be cut anywhere between chunks."""

    __slots__ = ("inside", "pending")

    def __init__(self) -> None:
        self.inside = False
        self.pending = ""

    def feed(self, text: str) -> list[tuple[bool, str]]:
        if self.pending:
            text = self.pending + text
            self.pending = ""
        elif "<" not in text:  # most chunks: neither a tag nor the start of one
            return [(self.inside, text)] if text else []
        out: list[tuple[bool, str]] = []
        while text:
            tag = _THINK_CLOSE if self.inside else _THINK_OPEN
            at = text.find(tag)
            if at >= 0:
                if at:
                    out.append((self.inside, text[:at]))
                text = text[at + len(tag) :]
                self.inside = not self.inside
                continue
            # Keep back a tail that may be the start of a tag cut by the chunk boundary: it
            # starts at the last "<", the only one in either tag.
            start = text.rfind("<")
            keep = len(text) - start if start >= 0 and len(text) - start < len(tag) else 0
            if keep and not tag.startswith(text[start:]):
                keep = 0
            if keep:
                self.pending = text[-keep:]
                text = text[:-keep]
            if text:
                out.append((self.inside, text))
            break
        return out

    def flush(self) -> list[tuple[bool, str]]:
        rest, self.pending = self.pending, ""
        return [(self.inside, rest)] if rest else []


class _TextItem:
    """An open message or reasoning item: its parts as (kind, list of deltas)."""

    __slots__ = ("deltas", "item_id", "kind", "output_index", "part_kind", "parts", "template")

    def __init__(self, kind: str, item_id: str, output_index: int) -> None:
        self.kind = kind  # "message" or "reasoning"
        self.item_id = item_id
        self.output_index = output_index
        self.parts: list[tuple[str, list[str]]] = []
        # The open part: its kind, its deltas, and its delta event's bytes when encoding.
        self.part_kind = ""
        self.deltas: list[str] = []
        self.template: EventTemplate | None = None


class _Call:
    """One tool call being assembled from deltas."""

    __slots__ = (
        "added",
        "args",
        "call_id",
        "custom",
        "hosted",
        "item_id",
        "name",
        "namespace",
        "output_index",
        "template",
        "upstream_id",
        "upstream_name",
    )

    def __init__(self, upstream_id: str | None) -> None:
        self.upstream_id = upstream_id
        self.call_id = upstream_id or new_id("call")
        self.item_id = new_id("fc")
        self.upstream_name = ""
        self.name = ""
        self.namespace: str | None = None
        self.custom = False
        self.args: list[str] = []
        self.added = False
        self.output_index = -1
        self.template: EventTemplate | None = None
        # A local_shell, shell or apply_patch tool in its function form: the call's item is
        # made from its whole arguments, so nothing is sent before the call ends.
        self.hosted: ToolOrigin | None = None


def _assistant_message(item_id: str, status: str, content: list[Any]) -> Message:
    fields = {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": status,
        "content": content,
    }
    return construct(Message, fields)


class ChatToResponsesStream:
    """Translates one Chat Completions stream into Responses events.

    ``tool_names`` is the map the request translation made; calls to flattened names come back
    with their ``namespace``, and calls to custom tools as ``custom_tool_call`` items.
    ``profile`` says where reasoning arrives (``reasoning_reply_fields``, ``think_tags``) and
    which event dialect to write (``dialect``). ``response`` holds fields to echo on every
    response object (``model``, ``tools``, ``instructions``...), e.g. from the request.
    With ``encode=True`` the events come out as SSE bytes, ready to send.
    """

    # Off, every chunk is read and every event written through the models (tests compare).
    _fast: ClassVar[bool] = True

    def __init__(
        self,
        *,
        tool_names: ToolNameMap | None = None,
        profile: str | Profile | None = None,
        reasoning: ReasoningStyle | None = None,
        response: dict[str, Any] | None = None,
        response_id: str | None = None,
        encode: bool = False,
        strict: bool = False,
    ) -> None:
        self.profile = get_profile(profile)
        self.encode = encode
        # What the events cannot carry (choices after the first, logprobs), each said once;
        # in strict mode, a TranslationError instead.
        self.rec = Recorder(strict=strict)
        self._noted: set[str] = set()
        self.tool_names = tool_names
        self.open_responses = self.profile.dialect == "open-responses"
        self.reasoning_style: ReasoningStyle = reasoning or "summary"
        self._reasoning_fields = self.profile.reasoning_reply_fields
        self._reasoning_keys = frozenset(self._reasoning_fields)
        self._think = _ThinkSplitter() if self.profile.think_tags else None
        self._base = dict(response or {})
        self.response_id = response_id or new_id("resp")
        self._seq = 0
        self._started = False
        self._finished = False
        self._created_at: int = int(time.time())
        self._model: str | None = self._base.get("model")
        self._next_index = 0
        self._open: _TextItem | None = None
        self._calls: list[_Call] = []
        self._by_index: dict[int, _Call] = {}
        # Output items by output_index, filled in as each item is done.
        self._done_items: dict[int, Any] = {}
        self._usage: ChatCompletionUsage | None = None
        self._finish_reason: str | None = None
        self._saw_done = False
        # Whether the upstream ended the turn (a finish_reason): items are done from then on.
        self._confirmed = False
        # Payloads read, and whether the input has ended (see feed_payload).
        self._events = 0
        self._at_eof = False
        self.error: UpstreamError | None = None
        """The upstream's failure, once the stream ended in ``response.failed``."""
        # A finish_reason that means failure ("error"): the stream fails at its end.
        self._finish_failure: UpstreamError | None = None
        self.final: Response | None = None
        """The response of the terminal event, once the stream has ended."""
        # The fast reading of chunks reads reasoning fields as dict keys; a field name that is
        # also a model attribute (``copy``...) reads differently on the model.
        self._read_fast = self._fast and all(
            name in ChunkDelta.model_fields or not hasattr(ChunkDelta, name)
            for name in self._reasoning_fields
        )
        self._write_fast = self._fast and encode
        # The last chunk head (all but choices) read fast: an equal one needs no new check.
        self._last_head: dict[str, Any] | None = None
        self.last_delta: ChatDelta | None = None
        """The last chunk, when it was read fast as a delta whose only text is one that
        changes from chunk to chunk (its raw bytes then teach an ``EventShape``); else
        ``None``."""

    # --- input ------------------------------------------------------------------------

    def feed(self, chunk: Any) -> list[Any]:
        """Take one chunk (a model of any kind, a mapping, or the JSON text of a ``data:``
        line) and return the events it completes. ``"[DONE]"`` marks the upstream's end."""
        if isinstance(chunk, (str, bytes)):
            if type(chunk) is bytes:
                chunk = chunk.decode("utf-8", "replace")
            if is_done_marker(chunk):
                self.mark_done()
                return []
        return self.feed_payload(None, chunk)

    def feed_payload(self, name: str | None, payload: Any) -> list[Any]:
        """Take one payload as the shared input reader gives it (see ``_wire._input``)."""
        self.last_delta = None
        if self._finished:
            return []
        self._events += 1
        if type(payload) is str and self._started and self._read_fast:
            fast = self._feed_fast(payload)
            if fast is not None:
                return fast
        chunk, _ = read_chat_payload(payload, f"events[{self._events - 1}]", self.rec.record)
        if isinstance(chunk, ChatCompletionChunk):
            return self._feed_model(chunk)
        if isinstance(chunk, Foreign):
            return []
        out: list[Any] = []
        if not self._started:
            self._start(out)
        if self._at_eof:
            # A half event at the end of input: the stream was cut inside it.
            self._fail(out, UpstreamError.interrupted("inside an event"))
        else:
            self._fail(out, UpstreamError.from_text(chunk.text))
        return out

    def feed_delta(self, delta: ChatDelta, texts: Sequence[str]) -> list[Any]:
        """Take a chunk that is the one :attr:`last_delta` was set to but for its ``texts``
        (in the order of ``delta.holes``; the pipeline reads them from the raw bytes): as
        :meth:`feed_payload` would."""
        if self._finished:
            return []
        what = delta.what
        if what != "arguments":
            fast = self.answer_text(texts) if what == "content" else self.reasoning_text(texts)
            if fast is not None:
                return fast
        self._events += 1
        out: list[Any] = []
        if what == "content":
            self._apply(out, None, texts[0], None, None)
        elif what == "reasoning":
            self._apply(out, joined_reasoning(texts), None, None, None)
        else:
            index, upstream_id, kind, name, _, extra = delta.call or _NO_CALL
            self._apply(out, None, None, None, [(index, upstream_id, kind, name, texts[0], extra)])
        return out

    def answer_text(self, texts: Sequence[str]) -> list[Any] | None:
        """Take a chunk whose delta is only ``texts[0]`` as content, when it is more answer
        text for the open output_text part: one event from the part's template (what _apply
        and _text would give, without their checks and calls). ``None`` (nothing taken) when
        it needs the whole reading: empty, no answer part open (none is once the stream
        ended), or a think splitter inside a thought, holding back a tag's start, or seeing a
        ``<``."""
        text = texts[0]
        item = self._open
        think = self._think
        if (
            text
            and item is not None
            and item.part_kind == "output_text"
            and item.template is not None
            and (think is None or not (think.inside or think.pending or "<" in text))
        ):
            self._events += 1
            item.deltas.append(text)
            seq = self._seq
            self._seq = seq + 1
            return [item.template.fill(text, seq)]
        return None

    def reasoning_text(self, texts: Sequence[str]) -> list[Any] | None:
        """:meth:`answer_text` for a chunk whose delta is only reasoning (``texts``: its
        reasoning fields' values), when a reasoning item's part is open."""
        # The same five lines as answer_text's end, not a shared call: in a proxy each call of
        # a chunk pays its cold cache (a shared tail measured about 1 us a chunk more there).
        text = joined_reasoning(texts)
        item = self._open
        if (
            text
            and item is not None
            and item.part_kind == "reasoning"
            and item.template is not None
        ):
            self._events += 1
            item.deltas.append(text)
            seq = self._seq
            self._seq = seq + 1
            return [item.template.fill(text, seq)]
        return None

    def _feed_text(self, data: str) -> list[Any]:
        """:meth:`feed` for the JSON text of a chunk (not ``[DONE]``)."""
        return self.feed_payload(None, data)

    def _feed_model(self, chunk: ChatCompletionChunk) -> list[Any]:
        if self._finished:
            return []
        out: list[Any] = []
        if not self._started:
            if chunk.model:
                self._model = self._base.get("model") or chunk.model
            if chunk.created:
                self._created_at = chunk.created
            self._start(out)
        if chunk.usage is not None:
            self._usage = chunk.usage
        if chunk.error is not None:
            error = UpstreamError.from_payload(chunk.error, "chunk.error")
            self._fail(out, error or UpstreamError(None, source="chunk.error"))
            return out
        for choice in chunk.choices:
            if choice.index:  # only the first choice becomes the response
                self._drop_once(
                    f"choices[{choice.index}]",
                    "a Response has one output: only choice 0 is translated",
                    "translate.stream.choice_dropped",
                )
                continue
            logprobs = choice.logprobs
            if logprobs is not None and (logprobs.content or logprobs.refusal):
                self._drop_once(
                    "choices[0].logprobs",
                    "chat token logprobs are not carried into the Responses events",
                    "translate.stream.logprobs_dropped",
                )
            self._delta(out, choice.delta)
            if choice.finish_reason in FAILED_FINISH_REASONS:
                # A failure, but not the end of input: an error chunk or usage may follow.
                self._finish_failure = UpstreamError.from_finish_reason(choice.finish_reason)
            elif choice.finish_reason:
                self._confirm(out, choice.finish_reason)
        return out

    def _feed_fast(self, data: str) -> list[Any] | None:
        """Read the common chunk (one first choice, no ``finish_reason``, ``usage`` or ``error``)
        as plain values (see ``_wire._plain``), with the same outcome as the model; ``None``
        leaves the chunk to the model."""
        read = plain_chunk(data)
        if read is None:
            return None
        head, _, _, plain = read
        if plain is None or len(plain) != 1:
            return None
        if head != self._last_head:
            if not conforms(head, CHUNK_HEAD_TYPES):
                return None
            self._last_head = head
        index, delta, finish_reason, calls = plain[0]
        if index or finish_reason is not None:
            return None
        self.last_delta = self._repeatable(delta, calls)
        reasoning = None
        if not self._reasoning_keys.isdisjoint(delta):  # most deltas carry no reasoning
            reasoning = joined_reasoning([delta.get(name) for name in self._reasoning_fields])
        out: list[Any] = []
        self._apply(out, reasoning, delta.get("content"), delta.get("refusal"), calls)
        return out

    def _repeatable(
        self, delta: dict[str, Any], calls: list[ToolCallParts] | None
    ) -> ChatDelta | None:
        """The chunk as a :class:`ChatDelta` when its delta holds only text that servers
        change from chunk to chunk: ``content``, the profile's reasoning fields (vLLM sends
        the same text under two), or the ``arguments`` of one call's continuation."""
        if calls is not None:
            # A continuation: the chunk that starts a call (its id, its name) never repeats.
            if len(delta) == 1 and len(calls) == 1:
                _, upstream_id, _, name, arguments, _ = calls[0]
                if type(arguments) is str and upstream_id is None and name is None:
                    return ChatDelta(_ARGUMENTS, (arguments,), "arguments", calls[0])
            return None
        content = delta.get("content")
        if type(content) is str:
            return ChatDelta(_CONTENT, (content,), "content", None) if len(delta) == 1 else None
        holes = tuple((name, str) for name in self._reasoning_fields if name in delta)
        if not holes or len(holes) != len(delta):
            return None
        texts = tuple(delta[name] for name, _ in holes)
        if not all(type(text) is str for text in texts):
            return None
        return ChatDelta(holes, texts, "reasoning", None)

    def _drop_once(self, path: str, reason: str, code: str) -> None:
        if path not in self._noted:
            self._noted.add(path)
            self.rec.drop(path, reason, code)

    def mark_done(self) -> None:
        """Note the upstream's ``data: [DONE]`` (the stream ends at :meth:`close`)."""
        if not self._finished:
            self._saw_done = True

    def fail(self, error: UpstreamError) -> list[Any]:
        """End the stream now with the upstream's failure (a gateway that saw it outside the
        stream: a dropped connection, a timeout): ``response.failed``, as for a failure read
        from the stream."""
        if self._finished:
            return []
        out: list[Any] = []
        if not self._started:
            self._start(out)
        self._fail(out, error)
        return out

    def at_eof(self) -> None:
        """The input has ended: a half event still to come is a cut."""
        self._at_eof = True

    def _confirm(self, out: list[Any], finish_reason: str | None) -> None:
        """The upstream said the turn ended (a ``finish_reason``, or ``[DONE]``): every item,
        tool calls included, is done now; the terminal event waits for the end of input
        (usage may follow)."""
        if finish_reason is not None:
            self._finish_reason = finish_reason
        if not self._confirmed:
            self._confirmed = True
            self._close_all(out, "completed")

    def close(self) -> list[Any]:
        """End of input: close open items and return them with the terminal event."""
        if self._finished:
            return []
        out: list[Any] = []
        if not self._started:
            self._start(out)
        if self._finish_failure is not None:
            self._fail(out, self._finish_failure)
            return out
        if not self._confirmed and not self._saw_done:
            what = "inside a tool call" if self._calls else "before a finish_reason"
            self._fail(out, UpstreamError.interrupted(what))
            return out
        self._confirm(out, None)
        if self._calls or self._open is not None:
            # Output that came after the finish_reason.
            self._close_all(out, "completed")
        reason = incomplete_reason(self._finish_reason)
        if reason is not None:
            response = self._response(
                "incomplete", incomplete_details=IncompleteDetails(reason=reason)
            )
            out.append(self._event(ResponseIncompleteEvent, response=response))
        else:
            response = self._response("completed")
            out.append(self._event(ResponseCompletedEvent, response=response))
        self.final = response
        self._finished = True
        return out

    # --- lifecycle --------------------------------------------------------------------

    def _event(self, cls: type[Any], **fields: Any) -> Any:
        """The next event: a model, or its SSE bytes when encoding."""
        event = self._build(cls, self._seq, fields)
        self._seq += 1
        return encode_sse(event) if self.encode else event

    @staticmethod
    def _build(cls: type[Any], seq: int, fields: dict[str, Any]) -> Any:
        fields["type"] = cls.model_fields["type"].default
        fields["sequence_number"] = seq
        return construct(cls, fields)

    def _response(self, status: str, **fields: Any) -> Response:
        if self._write_fast and not fields and status in ("in_progress", "completed"):
            made = self._from_started(status)
            if made is not None:
                return made
        return self._built(status, **fields)

    def _started_key(self) -> tuple[bytes, str, bool] | None:
        """What the in-progress resource depends on besides its id and creation time;
        ``None`` when the ``response`` fields are not JSON."""
        try:
            return (_to_json(self._base), self._model or "", self.open_responses)
        except (PydanticSerializationError, ValueError):
            return None

    def _kept_started(self, key: tuple[bytes, str, bool]) -> Response:
        started = _STARTED.get(key)
        if started is None:
            started = self._built("in_progress")
            if len(_STARTED) >= _STARTED_KEPT:
                _STARTED.clear()
            _STARTED[key] = started
        return started

    def _from_started(self, status: str) -> Response | None:
        """:meth:`_built`'s response, copied from the in-progress resource of an earlier
        stream with the same ``response`` fields, model and dialect: the 31 resource fields
        are built and validated once a process, not twice a turn. ``None`` when the
        ``response`` fields are not JSON."""
        key = self._started_key()
        if key is None:
            return None
        started = self._kept_started(key)
        update: dict[str, Any] = {"id": self.response_id, "created_at": self._created_at}
        if status == "in_progress":
            # Encoded at once and let go: it may share the kept copy's nested values.
            return started.model_copy(update=update)
        update["status"] = status
        update.update(self._ended(status))
        # The final response outlives the stream (.final): nothing shared with the kept copy.
        return started.model_copy(update=update, deep=True)

    def _ended(self, status: str) -> dict[str, Any]:
        """What an ended response has that an in-progress one has not: its completion time,
        its output items, and the usage when the upstream sent it."""
        fields: dict[str, Any] = {
            "completed_at": int(time.time()) if status == "completed" else None,
            "output": [self._done_items[i] for i in sorted(self._done_items)],
        }
        if self._usage is not None:
            fields["usage"] = chat_usage_to_responses(self._usage)
        return fields

    def _built(self, status: str, **fields: Any) -> Response:
        body: dict[str, Any] = {
            **self._base,
            "id": self.response_id,
            "object": "response",
            "created_at": self._created_at,
            "status": status,
            "model": self._model or "",
        }
        if status != "in_progress":
            body.update(self._ended(status))
        else:
            body["output"] = []
        body.update(fields)
        resource = Response.model_construct(**body).to_resource()
        if not self.open_responses and resource.usage is None:
            # OpenAI's Response schema lets usage be absent, not null.
            resource.__pydantic_fields_set__.discard("usage")
        return resource

    def _start(self, out: list[Any]) -> None:
        self._started = True
        if self._write_fast:
            written = self._start_written()
            if written is not None:
                out += written
                return
        response = self._response("in_progress")
        out.append(self._event(ResponseCreatedEvent, response=response))
        out.append(self._event(ResponseInProgressEvent, response=response))

    def _start_written(self) -> list[bytes] | None:
        """The bytes of :meth:`_start`'s two events, from templates cut out of their encoding
        with the kept in-progress resource (:meth:`_from_started`), this stream's id and
        creation time put in its holes: no copy of the resource and no encoding a turn.
        ``None`` where they cannot be cut (``response`` fields that are not JSON)."""
        started_key = self._started_key()
        if started_key is None:
            return None
        key = (*started_key, self._seq)
        templates = _START_WRITTEN.get(key)
        if templates is None:
            holed = self._kept_started(started_key).model_copy(
                update={"id": EventTemplate.TEXT, "created_at": EventTemplate.NUMBER}
            )
            events = (ResponseCreatedEvent, ResponseInProgressEvent)
            cut = [
                EventTemplate.of(self._build(cls, self._seq + n, {"response": holed}))
                for n, cls in enumerate(events)
            ]
            templates = tuple(template for template in cut if template is not None)
            if len(templates) != len(events):  # a hole not found once: the models write
                templates = ()
            if len(_START_WRITTEN) >= _STARTED_KEPT:
                _START_WRITTEN.clear()
            _START_WRITTEN[key] = templates
        if not templates:
            return None
        self._seq += len(templates)
        return [template.fill(self.response_id, self._created_at) for template in templates]

    def _fail(self, out: list[Any], error: UpstreamError) -> None:
        """End in ``response.failed``. Nothing unconfirmed is sent as done: Codex runs every
        call whose ``output_item.done`` arrives (and would run one from a failed attempt), and
        keeps every message that arrives done, re-sending it on each retry. The text streamed
        so far stays in the failed response's ``output``, as an incomplete item; a call the
        upstream never confirmed does not."""
        self._flush_think(out)
        item = self._open
        if item is not None:
            self._done_items[item.output_index] = self._text_item(item, "incomplete")
            self._open = None
        for call in self._calls:
            self.rec.record(
                f"output[{call.output_index}]" if call.added else "tool_calls",
                "dropped",
                f"tool call {quoted(call.call_id)} ({call.upstream_name or 'unnamed'}) was never "
                "confirmed by the upstream: not sent as done, nor in the failed response",
                "translate.stream.unconfirmed_call",
            )
        self._calls = []
        self._by_index = {}
        self.error = error
        body = response_error(error, open_responses=self.open_responses)
        response = self._response("failed", error=ResponseError(**body))
        out.append(self._event(ResponseFailedEvent, response=response))
        self.final = response
        self._finished = True

    # --- deltas -----------------------------------------------------------------------

    def _delta(self, out: list[Any], delta: ChunkDelta) -> None:
        extra = delta.__pydantic_extra__ or {}
        reasoning = joined_reasoning(
            [getattr(delta, name, None) or extra.get(name) for name in self._reasoning_fields]
        )
        calls = model_tool_calls(delta.tool_calls) if delta.tool_calls else None
        self._apply(out, reasoning, delta.content, delta.refusal, calls)

    def _apply(
        self,
        out: list[Any],
        reasoning: str | None,
        content: str | None,
        refusal: str | None,
        calls: list[ToolCallParts] | None,
    ) -> None:
        """One chunk's delta, read from the model or from the dict: the events it gives."""
        if reasoning:
            self._text(out, "reasoning", "reasoning", reasoning)
        if content:
            if self._think is not None:
                for thinking, text in self._think.feed(content):
                    if thinking:
                        self._text(out, "reasoning", "reasoning", text)
                    else:
                        self._text(out, "message", "output_text", text)
            else:
                self._text(out, "message", "output_text", content)
        if refusal:
            self._text(out, "message", "refusal", refusal)
        if calls:
            self._tool_calls(out, calls)

    def _text(self, out: list[Any], kind: str, part_kind: str, text: str) -> None:
        item = self._open
        if item is None or item.kind != kind:
            if item is not None:
                self._close_text(out, item, "completed")
            item = self._open_text(out, kind)
        if item.part_kind != part_kind:
            self._open_part(out, item, part_kind)
        item.deltas.append(text)
        if item.template is not None:
            out.append(item.template.fill(text, self._seq))
            self._seq += 1
        else:
            cls, fields = self._delta_event(item, text)
            out.append(self._event(cls, **fields))

    def _delta_event(self, item: _TextItem, text: str) -> tuple[type[Any], dict[str, Any]]:
        """The class and fields of a delta event of the item's open part."""
        part_kind = item.part_kind
        index = len(item.parts) - 1
        fields: dict[str, Any] = {
            "item_id": item.item_id,
            "output_index": item.output_index,
            "delta": text,
        }
        if part_kind == "output_text":
            fields["content_index"] = index
            fields["logprobs"] = []
            return ResponseTextDeltaEvent, fields
        if part_kind == "refusal":
            fields["content_index"] = index
            return ResponseRefusalDeltaEvent, fields
        if self.reasoning_style == "summary":
            fields["summary_index"] = index
            return ResponseReasoningSummaryTextDeltaEvent, fields
        fields["content_index"] = index
        if self.open_responses:
            return ResponseReasoningDeltaEvent, fields
        return ResponseReasoningTextDeltaEvent, fields

    def _open_text(self, out: list[Any], kind: str) -> _TextItem:
        index = self._next_index
        self._next_index += 1
        if kind == "message":
            item = _TextItem(kind, new_id("msg"), index)
            added: Any = _assistant_message(item.item_id, "in_progress", [])
        else:
            item = _TextItem(kind, new_id("rs"), index)
            added = construct(
                ReasoningItem, {"type": "reasoning", "id": item.item_id, "summary": []}
            )
        self._open = item
        out.append(self._event(ResponseOutputItemAddedEvent, output_index=index, item=added))
        return item

    def _empty_part(self, part_kind: str, text: str = "") -> Any:
        if part_kind == "output_text":
            return construct(
                OutputText, {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
            )
        if part_kind == "refusal":
            return construct(Refusal, {"type": "refusal", "refusal": text})
        if self.reasoning_style == "summary":
            return construct(SummaryText, {"type": "summary_text", "text": text})
        return construct(ReasoningText, {"type": "reasoning_text", "text": text})

    def _open_part(self, out: list[Any], item: _TextItem, part_kind: str) -> None:
        if item.parts:
            self._close_part(out, item)
        item.part_kind = part_kind
        item.deltas = []
        item.parts.append((part_kind, item.deltas))
        index = len(item.parts) - 1
        common = {"item_id": item.item_id, "output_index": item.output_index}
        part = self._empty_part(part_kind)
        if item.kind == "reasoning" and self.reasoning_style == "summary":
            out.append(
                self._event(
                    ResponseReasoningSummaryPartAddedEvent, summary_index=index, part=part, **common
                )
            )
        else:
            out.append(
                self._event(ResponseContentPartAddedEvent, content_index=index, part=part, **common)
            )
        if self._write_fast:
            cls, fields = self._delta_event(item, EventTemplate.TEXT)
            item.template = EventTemplate.of(self._build(cls, EventTemplate.NUMBER, fields))

    def _close_part(self, out: list[Any], item: _TextItem) -> Any:
        part_kind, deltas = item.parts[-1]
        text = "".join(deltas)
        # Keep the joined text: the item's done event needs it again.
        item.parts[-1] = (part_kind, [text])
        item.part_kind = ""
        item.deltas = []
        item.template = None
        index = len(item.parts) - 1
        common = {"item_id": item.item_id, "output_index": item.output_index}
        part = self._empty_part(part_kind, text)
        if part_kind == "output_text":
            out.append(
                self._event(
                    ResponseTextDoneEvent, content_index=index, text=text, logprobs=[], **common
                )
            )
        elif part_kind == "refusal":
            out.append(
                self._event(ResponseRefusalDoneEvent, content_index=index, refusal=text, **common)
            )
        elif self.reasoning_style == "summary":
            out.append(
                self._event(
                    ResponseReasoningSummaryTextDoneEvent, summary_index=index, text=text, **common
                )
            )
            out.append(
                self._event(
                    ResponseReasoningSummaryPartDoneEvent, summary_index=index, part=part, **common
                )
            )
            return part
        elif self.open_responses:
            out.append(
                self._event(ResponseReasoningDoneEvent, content_index=index, text=text, **common)
            )
        else:
            out.append(
                self._event(
                    ResponseReasoningTextDoneEvent, content_index=index, text=text, **common
                )
            )
        out.append(
            self._event(ResponseContentPartDoneEvent, content_index=index, part=part, **common)
        )
        return part

    def _close_text(self, out: list[Any], item: _TextItem, status: str) -> None:
        if item.parts:
            self._close_part(out, item)
        done = self._text_item(item, status)
        self._done_items[item.output_index] = done
        out.append(
            self._event(ResponseOutputItemDoneEvent, output_index=item.output_index, item=done)
        )
        self._open = None

    def _text_item(self, item: _TextItem, status: str) -> Any:
        """The whole message or reasoning item, from its parts (each part's pieces)."""
        texts = [(kind, "".join(pieces)) for kind, pieces in item.parts]
        parts = [self._empty_part(kind, text) for kind, text in texts]
        if item.kind == "message":
            return _assistant_message(item.item_id, status, parts)
        fields: dict[str, Any] = {"type": "reasoning", "id": item.item_id}
        if self.reasoning_style == "summary":
            fields["summary"] = parts
        else:
            fields.update(summary=[], content=parts)
        field = self.profile.reasoning_history_field
        if field is not None and status == "completed":
            # The backend needs this text back on the next turn: carried in the field Codex
            # sends back whole (see _reasoning_envelope).
            fields["encrypted_content"] = seal("".join(text for _, text in texts), field)
        if status != "completed":
            fields["status"] = status
        return construct(ReasoningItem, fields)

    # --- tool calls -------------------------------------------------------------------

    def _tool_calls(self, out: list[Any], deltas: list[ToolCallParts]) -> None:
        if self._open is not None:
            self._close_text(out, self._open, "completed")
        for index, upstream_id, _type, name, arguments, _extra in deltas:
            call = self._call_for(index, upstream_id, name)
            if name and not call.upstream_name:
                call.upstream_name = name
                self._add_call(out, call)
            if arguments:
                call.args.append(arguments)
                if call.added and not call.custom and call.hosted is None:
                    if call.template is not None:
                        out.append(call.template.fill(arguments, self._seq))
                        self._seq += 1
                    else:
                        out.append(
                            self._event(
                                ResponseFunctionCallArgumentsDeltaEvent,
                                **self._args_fields(call, arguments),
                            )
                        )

    @staticmethod
    def _args_fields(call: _Call, arguments: str) -> dict[str, Any]:
        return {"item_id": call.item_id, "output_index": call.output_index, "delta": arguments}

    def _call_for(self, index: int | None, upstream_id: str | None, name: str | None) -> _Call:
        key = index
        if key is None:
            # No index: a delta with a new id starts a call, one without continues the last.
            known = self._calls[-1] if self._calls else None
            if known is not None and (upstream_id is None or upstream_id == known.upstream_id):
                return known
            key = -len(self._calls) - 1
        call = self._by_index.get(key)
        if call is not None and (
            # A bare continuation (no id, no name) never starts a call: the common case.
            not (upstream_id or name) or not self._starts_new_call(call, upstream_id, name)
        ):
            if upstream_id and call.upstream_id is None:
                call.upstream_id = upstream_id
                call.call_id = upstream_id
            return call
        call = _Call(upstream_id)
        self._calls.append(call)
        self._by_index[key] = call
        return call

    @staticmethod
    def _starts_new_call(call: _Call, upstream_id: str | None, name: str | None) -> bool:
        # Two ids at one index are two calls (vLLM, Kimi), and so is a second named call at an
        # index whose call is already whole (Ollama sends each call whole, all at index 0).
        if upstream_id and call.upstream_id and upstream_id != call.upstream_id:
            return True
        if name and call.upstream_name and call.args and not upstream_id:
            try:
                json.loads("".join(call.args))
            except ValueError:
                return False
            return True
        return False

    def _add_call(self, out: list[Any], call: _Call) -> None:
        origin = self.tool_names.resolve(call.upstream_name) if self.tool_names else None
        call.name = origin.name if origin else call.upstream_name
        call.namespace = origin.namespace if origin else None
        call.custom = origin is not None and origin.is_custom
        call.added = True
        if origin is not None and origin.tool_type in FUNCTION_FORMS:
            call.hosted = origin
            return
        call.output_index = self._next_index
        self._next_index += 1
        item: Any
        if call.custom:
            call.item_id = "ctc_" + call.item_id[3:]
            item = self._custom_item(call, "", "in_progress")
        else:
            item = self._function_item(call, "", "in_progress")
            if self._write_fast:
                fields = self._args_fields(call, EventTemplate.TEXT)
                call.template = EventTemplate.of(
                    self._build(
                        ResponseFunctionCallArgumentsDeltaEvent, EventTemplate.NUMBER, fields
                    )
                )
        out.append(
            self._event(ResponseOutputItemAddedEvent, output_index=call.output_index, item=item)
        )
        if call.args and not call.custom:
            # Arguments that came before the name (rare) go out now, as one delta.
            out.append(
                self._event(
                    ResponseFunctionCallArgumentsDeltaEvent,
                    **self._args_fields(call, "".join(call.args)),
                )
            )

    @staticmethod
    def _custom_item(call: _Call, text: str, status: str) -> CustomToolCall:
        fields = {
            "type": "custom_tool_call",
            "id": call.item_id,
            "call_id": call.call_id,
            "name": call.name,
            "input": text,
            "status": status,
        }
        return construct(CustomToolCall, fields)

    def _function_item(self, call: _Call, arguments: str, status: str) -> FunctionCall:
        fields: dict[str, Any] = {
            "type": "function_call",
            "id": call.item_id,
            "call_id": call.call_id,
            "name": call.name,
            "arguments": arguments,
            "status": status,
        }
        if call.namespace is not None:
            fields["namespace"] = call.namespace
        return construct(FunctionCall, fields)

    def _close_call(self, out: list[Any], call: _Call, status: str) -> None:
        if not call.added:
            self._add_call(out, call)
        arguments = "".join(call.args)
        if call.hosted is not None and self._close_hosted(
            out, call, call.hosted, arguments, status
        ):
            return
        common = {"item_id": call.item_id, "output_index": call.output_index}
        item: Any
        if call.custom:
            text = custom_input_from_arguments(arguments)
            if text:
                out.append(self._event(ResponseCustomToolCallInputDeltaEvent, delta=text, **common))
            out.append(self._event(ResponseCustomToolCallInputDoneEvent, input=text, **common))
            item = self._custom_item(call, text, status)
        else:
            out.append(
                self._event(
                    ResponseFunctionCallArgumentsDoneEvent,
                    arguments=arguments,
                    name=call.name,
                    **common,
                )
            )
            item = self._function_item(call, arguments, status)
        self._done_items[call.output_index] = item
        out.append(
            self._event(ResponseOutputItemDoneEvent, output_index=call.output_index, item=item)
        )

    def _close_hosted(
        self, out: list[Any], call: _Call, origin: ToolOrigin, arguments: str, status: str
    ) -> bool:
        """Send a local_shell, shell or apply_patch call as its own item, added and done at
        once; ``False`` (after readying a plain function call) when its arguments do not fit
        the tool's form, so that nothing is lost."""
        form = FUNCTION_FORMS[origin.tool_type]
        body = call_item_from_chat(origin, call.call_id, call.upstream_name, arguments)
        item_id = form.id_prefix + call.item_id[3:]
        added: Any = None
        item: Any = None
        if body["type"] == form.call_type:  # else the arguments did not fit the form
            for key, default in form.output_defaults.items():
                held = body.get(key)
                body[key] = {**default, **held} if isinstance(held, dict) else held or default
            try:
                added = parse_item({**body, "id": item_id, "status": "in_progress"})
                item = parse_item({**body, "id": item_id, "status": status})
            except PayloadError:
                added = item = None
        if item is None:
            call.hosted = None
            call.name, call.namespace = call.upstream_name, None
            call.output_index = self._next_index
            self._next_index += 1
            out.append(
                self._event(
                    ResponseOutputItemAddedEvent,
                    output_index=call.output_index,
                    item=self._function_item(call, "", "in_progress"),
                )
            )
            if arguments:
                out.append(
                    self._event(
                        ResponseFunctionCallArgumentsDeltaEvent,
                        **self._args_fields(call, arguments),
                    )
                )
            return False
        call.item_id = item_id
        call.output_index = self._next_index
        self._next_index += 1
        out.append(
            self._event(ResponseOutputItemAddedEvent, output_index=call.output_index, item=added)
        )
        self._done_items[call.output_index] = item
        out.append(
            self._event(ResponseOutputItemDoneEvent, output_index=call.output_index, item=item)
        )
        return True

    def _flush_think(self, out: list[Any]) -> None:
        """Send what the ``<think>`` splitter held back (a tag's possible start)."""
        if self._think is not None:
            for thinking, text in self._think.flush():
                self._text(
                    out,
                    "reasoning" if thinking else "message",
                    "reasoning" if thinking else "output_text",
                    text,
                )

    def _close_all(self, out: list[Any], status: str) -> None:
        self._flush_think(out)
        if self._open is not None:
            self._close_text(out, self._open, status)
        for call in self._calls:
            self._close_call(out, call, status)
        self._calls = []
        self._by_index = {}


def chat_to_responses_events(
    chunks: Iterable[ChatCompletionChunk | str | bytes],
    *,
    tool_names: ToolNameMap | None = None,
    profile: str | Profile | None = None,
    reasoning: ReasoningStyle | None = None,
    response: dict[str, Any] | None = None,
) -> Iterator[Any]:
    """Translate chat chunks (models, or ``data:`` JSON texts, ``"[DONE]"`` included) into
    Responses events; the terminal event comes when ``chunks`` ends."""
    state = ChatToResponsesStream(
        tool_names=tool_names, profile=profile, reasoning=reasoning, response=response
    )
    for chunk in chunks:
        yield from state.feed(chunk)
    yield from state.close()

"""Responses stream -> Chat Completions chunks: a sans-I/O state machine.

Text deltas become ``content``; reasoning (summary text, reasoning text, Open Responses
``response.reasoning.delta``) becomes the profile's reasoning field; each function or custom
tool call gets its own ``tool_calls`` index, with ``id`` and name on its first delta. The
terminal event gives the last chunk's ``finish_reason`` and, when asked, a ``choices: []``
usage chunk.

Failures do not become chunks: ``response.failed`` and ``error`` events raise
:class:`UpstreamError`, carrying the HTTP status, code and message a gateway should answer with
(the real message, wherever the event put it). ``response.incomplete`` is not an error in chat
terms: it ends the stream with ``finish_reason: "length"`` or ``"content_filter"``.

Speed: delta events given as JSON text are read as dicts, not validated into models, and with
``encode=True`` their chunks are written from byte templates cut out of the encoded models
(see ``_fast``). Every other event goes through the models; both ways give the same bytes
(tests/test_translate_stream_fast.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, NamedTuple

from .._errors import UpstreamError, quoted
from .._profiles import Profile, get_profile
from .._rules import (
    CUSTOM_INPUT_OPEN,
    chat_finish_reason,
    custom_input_arguments,
    custom_input_piece,
    reasoning_item_text,
    responses_usage_to_chat,
    whole_seconds,
    wire_id,
)
from .._sse import encode_sse
from .._toolnames import ToolNameMap
from .._wire._chat_chunks import Foreign, Unreadable
from .._wire._plain import conforms, field_types, loads_object
from .._wire._response_events import read_responses_payload
from .._wire._sequence_window import DEDUPE_WINDOW, RecentEvents
from ..chat._completion import (
    ChatCompletionChunk,
    ChunkChoice,
    ChunkDelta,
    FunctionCallDelta,
    ToolCallDelta,
)
from ..responses._events import (
    ResponseCustomToolCallInputDeltaEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseReasoningDeltaEvent,
    ResponseReasoningSummaryTextDeltaEvent,
    ResponseReasoningTextDeltaEvent,
    ResponseTextDeltaEvent,
)
from ..responses._response import Response
from ._context import Recorder
from ._fast import EventTemplate, construct
from ._toolforms import form_call_arguments

__all__ = [
    "DeltaPlace",
    "FastDelta",
    "ResponsesToChatStream",
    "chat_finish_reason",
    "error_from_event",
    "responses_to_chat_chunks",
    "responses_usage_to_chat",
]


class DeltaPlace(NamedTuple):
    """Where a delta event's text goes: what it is, and the item (and summary part) it
    belongs to."""

    what: str
    item_id: Any
    output_index: Any
    summary_index: Any


class FastDelta(NamedTuple):
    """A delta event as the fast reading read it: its place and the values that change from
    one delta to the next (``obfuscated``: whether it had an ``obfuscation`` string)."""

    place: DeltaPlace
    seq: int | None
    delta: str
    obfuscated: bool


def error_from_event(event: Any) -> UpstreamError:
    """The :class:`UpstreamError` a ``response.failed`` or ``error`` event stands for."""
    if getattr(event, "type", None) == "error":
        return UpstreamError.from_error_event(event)
    return UpstreamError.from_failed(event)[0]


class ResponsesToChatStream:
    """Translates one Responses stream into ``ChatCompletionChunk`` models.

    ``tool_names`` flattens namespaced calls back into the chat names the client knows;
    ``profile.reasoning_reply_fields[0]`` names the delta field reasoning goes to. With
    ``encode=True`` the chunks come out as SSE bytes (``data:`` lines), ready to send.
    """

    # Off, every event is read and every chunk written through the models (tests compare).
    _fast: ClassVar[bool] = True

    def __init__(
        self,
        *,
        tool_names: ToolNameMap | None = None,
        profile: str | Profile | None = None,
        include_usage: bool = True,
        encode: bool = False,
        strict: bool = False,
    ) -> None:
        self.profile = get_profile(profile)
        self.tool_names = tool_names
        # What the chunks cannot carry (items without a chat form, annotations); in strict
        # mode, a TranslationError instead.
        self.rec = Recorder(strict=strict)
        self.include_usage = include_usage
        self.encode = encode
        self._reasoning_field = self.profile.reasoning_reply_field
        self._id = "chatcmpl-0"
        self._model: str | None = None
        self._created = 0
        # Tool calls by item id (and output index): [chat index, custom?, argument pieces sent].
        self._calls: dict[str, list[Any]] = {}
        self._by_output: dict[int, str] = {}
        self._summary_index = (-1, -1)
        self._finished = False
        self.final: Response | None = None
        self._write_fast = self._fast and encode
        # The SSE bytes of the chunks written most, by delta field (or tool-call index); they
        # hold the chunk id, model and time, so a new response.created clears them.
        self._templates: dict[Any, EventTemplate | None] = {}
        self._last_event: dict[str, Any] | None = None
        # The role chunk waits for the first output (see _on_created), even without one.
        self._role_pending = True
        self._produced = False
        self._events = 0
        self._at_eof = False
        self.error: UpstreamError | None = None
        """The upstream's failure, once the stream ended with one after output."""
        # What was sent of each item's texts, and the items done, by output index and id.
        self._sent: dict[tuple[str, Any], int] = {}
        self._done_at: set[int] = set()
        self._done_ids: set[str] = set()
        self._unread_types: set[str] = set()
        # The latest events by sequence number, for dropping repeats.
        self._recent = RecentEvents()
        self.last_delta: FastDelta | None = None
        """The last event when it was read fast as a delta (its raw bytes then teach an
        ``EventShape``); else ``None``."""

    def _chunk(
        self, delta: ChunkDelta | None, finish_reason: str | None = None
    ) -> ChatCompletionChunk:
        choice = construct(
            ChunkChoice,
            {
                "index": 0,
                "delta": delta or construct(ChunkDelta, {}),
                "finish_reason": finish_reason,
            },
        )
        chunk: ChatCompletionChunk = construct(
            ChatCompletionChunk,
            {
                "id": self._id,
                "object": "chat.completion.chunk",
                "created": self._created,
                "model": self._model or "",
                "choices": [choice],
            },
        )
        return chunk

    def feed(self, event: Any) -> list[Any]:
        """Take one event (a model of any kind, a mapping or JSON text) and return the chunks
        it gives (models, or SSE bytes with ``encode=True``)."""
        if isinstance(event, bytes):
            event = event.decode("utf-8", "replace")
        return self.feed_payload(None, event)

    def feed_payload(self, name: str | None, payload: Any) -> list[Any]:
        """Take one payload as the shared input reader gives it (see ``_wire._input``)."""
        self.last_delta = None
        if self._finished:
            return []
        self._events += 1
        if type(payload) is str and self._fast:
            fast = self._feed_fast(payload)
            if fast is not None:
                return fast
        event = read_responses_payload(
            name, payload, f"events[{self._events - 1}]", self.rec.record
        )
        if isinstance(event, Foreign):
            if event.error is not None:
                return self._fail(event.error)
            return []
        if isinstance(event, Unreadable):
            if self._at_eof:
                return self._fail(UpstreamError.interrupted("inside an event"))
            return self._fail(UpstreamError.from_text(event.text))
        seq = getattr(event, "sequence_number", None)
        if type(seq) is int:
            recent = self._recent
            text = payload if type(payload) is str else event.to_json()
            if seq > recent.highest:
                recent.highest = seq
                recent.texts[seq % DEDUPE_WINDOW] = text
            elif recent.take(seq, text):
                return self._repeat(seq)
        handler = _HANDLERS.get(event.type)
        if handler is None:
            if event.type not in _NOT_OUTPUT and event.type not in self._unread_types:
                self._unread_types.add(event.type)
                self.rec.drop(
                    f"events[{self._events - 1}] {event.type}",
                    "chat chunks have no place for this event",
                    "translate.stream.event_dropped",
                    lossy=False,
                )
            return []
        return self._out(handler(self, event))

    def _repeat(self, seq: int) -> list[Any]:
        """An event repeated (same number, same payload: some upstreams resend events), as
        the accumulator tells it: dropped, with a note."""
        self.rec.record(
            f"events[{self._events - 1}]",
            "dropped",
            f"a repeat of the event with sequence_number {seq}",
            "duplicate_event",
        )
        return []

    def _feed_text(self, data: str) -> list[Any]:
        """:meth:`feed` for the JSON text of an event."""
        return self.feed_payload(None, data)

    def mark_done(self) -> None:
        """``data: [DONE]``: Responses streams end at their terminal event, not at it."""

    def at_eof(self) -> None:
        """The input has ended: a half event still to come is a cut."""
        self._at_eof = True

    def fail(self, error: UpstreamError) -> list[Any]:
        """End the stream now with the upstream's failure (a gateway that saw it outside the
        stream), as for a failure read from the stream."""
        if self._finished:
            return []
        return self._fail(error)

    def _fail(self, error: UpstreamError) -> list[Any]:
        """End with the upstream's failure: raised while nothing was sent (a gateway can
        still answer with its status), else the last chunk, ``{"error": {...}}``."""
        self._finished = True
        self.error = error
        if not self._produced:
            raise error
        chunk = ChatCompletionChunk.parse(error.to_body())
        return [encode_sse(chunk, event="")] if self.encode else [chunk]

    def _out(self, chunks: list[Any]) -> list[Any]:
        if not chunks:
            return chunks
        self._produced = True
        if self._role_pending:
            self._role_pending = False
            role = self._chunk(construct(ChunkDelta, {"role": "assistant", "content": ""}))
            chunks = [role, *chunks]
        if not self.encode:
            return chunks
        return [c if type(c) is bytes else encode_sse(c, event="") for c in chunks]

    def _feed_fast(self, data: str) -> list[Any] | None:
        """Read a delta event as a dict, with the same outcome as the model; ``None`` leaves
        the event to the model."""
        event = loads_object(data)
        if event is None:
            return None
        kind = event.get("type")
        if type(kind) is not str:
            return None
        read = _FAST_EVENTS.get(kind)
        if read is None:
            return None
        types, what = read
        # What changes from one delta to the next is checked here; the rest, when equal to
        # the last event read fast, needs no new check.
        delta = event.pop("delta", None)
        seq = event.pop("sequence_number", None)
        obfuscation = event.pop("obfuscation", None)
        if (
            type(delta) is not str
            or type(seq) not in _INT_OR_NONE
            or type(obfuscation) not in _STR_OR_NONE
        ):
            return None
        obfuscated = obfuscation is not None
        if event != self._last_event:
            if event.get("logprobs") or not conforms(event, types):
                return None
            self._last_event = event
        place = DeltaPlace(
            what, event.get("item_id"), event.get("output_index"), event.get("summary_index")
        )
        self.last_delta = FastDelta(place, seq, delta, obfuscated)
        return self._take_delta(place, seq, delta, data)

    def feed_delta(self, place: DeltaPlace, seq: int | None, delta: str, data: str) -> list[Any]:
        """Take a delta event that is one :attr:`last_delta` was set for but for its number,
        ``delta`` and ``obfuscation`` (the pipeline reads them from the raw bytes; ``data`` is
        its JSON text): as :meth:`feed_payload` would."""
        self.last_delta = None
        if self._finished:
            return []
        self._events += 1
        return self._take_delta(place, seq, delta, data)

    def _take_delta(self, place: DeltaPlace, seq: int | None, delta: str, data: str) -> list[Any]:
        # Only now is the event surely read here (else the model path takes its number).
        if seq is not None:
            recent = self._recent
            if seq > recent.highest:  # the usual case, inlined: a new number
                recent.highest = seq
                recent.texts[seq % DEDUPE_WINDOW] = data
            elif recent.take(seq, data):
                return self._repeat(seq)
        what = place.what
        if what == "text":
            chunks = self._text(delta, place.item_id, place.output_index)
        elif what == "reasoning":
            chunks = self._reasoning(delta, place.item_id, place.output_index, place.summary_index)
        else:
            chunks = self._args_delta(place.item_id, place.output_index, delta)
        return self._out(chunks)

    def close(self) -> list[Any]:
        """End of input: a stream without its terminal event was cut (see :meth:`_fail`)."""
        if self._finished:
            return []
        return self._fail(UpstreamError.interrupted("before response.completed"))

    # --- chunks ---------------------------------------------------------------------------

    def _text_chunk(self, field: str, text: str) -> Any:
        """A chunk whose delta has one text field: its bytes when encoding, else the model."""
        if self._write_fast:
            template = self._templates.get(field, _ABSENT)
            if template is _ABSENT:
                template = self._templates[field] = EventTemplate.of(
                    self._text_model(field, EventTemplate.TEXT), event=""
                )
            if template is not None:
                return template.fill(text)
        return self._text_model(field, text)

    def _text_model(self, field: str, text: str) -> ChatCompletionChunk:
        if field in ChunkDelta.model_fields:
            return self._chunk(construct(ChunkDelta, {field: text}))
        fields: dict[str, Any] = {field: text}  # a profile's own field: an extra one
        return self._chunk(ChunkDelta.model_construct(**fields))

    def _args_chunk(self, state: list[Any], text: str) -> Any:
        state[2].append(text)
        index: int = state[0]
        if self._write_fast:
            key = ("args", index)
            template = self._templates.get(key, _ABSENT)
            if template is _ABSENT:
                template = self._templates[key] = EventTemplate.of(
                    self._args_model(index, EventTemplate.TEXT), event=""
                )
            if template is not None:
                return template.fill(text)
        return self._args_model(index, text)

    def _args_model(self, index: int, text: str) -> ChatCompletionChunk:
        tool = construct(
            ToolCallDelta,
            {"index": index, "function": construct(FunctionCallDelta, {"arguments": text})},
        )
        return self._chunk(construct(ChunkDelta, {"tool_calls": [tool]}))

    # --- handlers ---------------------------------------------------------------------

    def _on_created(self, event: Any) -> list[Any]:
        response: Response = event.response
        if response.id:
            self._id = "chatcmpl-" + response.id.removeprefix("resp_")
        self._model = response.model
        created = whole_seconds(response.created_at)
        if created is not None:
            self._created = created
        elif response.created_at is not None:
            self.rec.record(
                f"events[{self._events - 1}].response.created_at",
                "changed",
                f"not a time in seconds ({quoted(response.created_at, 40)}); "
                "the chunks carry the time of translation",
                "translate.stream.bad_timestamp",
            )
        self._templates = {}
        # The role chunk waits for the first output, so that a failure before any output
        # comes before any chunk too (a gateway can still answer with an HTTP status).
        self._role_pending = True
        return []

    def _on_text(self, event: Any) -> list[Any]:
        return self._text(event.delta, event.item_id, event.output_index)

    def _sent_to(self, kind: str, item_id: Any, output_index: Any, size: int) -> None:
        """Count what was sent of an item's text (so its done event sends only the rest)."""
        key = (kind, output_index) if output_index is not None else (kind, item_id)
        sent = self._sent
        sent[key] = sent.get(key, 0) + size

    def _sent_of(self, kind: str, item_id: Any, output_index: Any) -> int:
        # Deltas name their item by index, or by id when the index is missing: both count.
        sent = self._sent
        by_index = sent.get((kind, output_index), 0) if output_index is not None else 0
        return by_index + sent.get((kind, item_id), 0)

    def _text(self, delta: str, item_id: Any = None, output_index: Any = None) -> list[Any]:
        if not delta:
            return []
        # _sent_to, inlined: this runs once per text delta.
        key = ("content", output_index) if output_index is not None else ("content", item_id)
        sent = self._sent
        sent[key] = sent.get(key, 0) + len(delta)
        template = self._templates.get("content")
        if template is not None:  # the usual case, once the first delta made the template
            return [template.fill(delta)]
        return [self._text_chunk("content", delta)]

    def _on_refusal(self, event: Any) -> list[Any]:
        return self._refusal(event.delta, event.item_id, event.output_index)

    def _refusal(self, delta: str, item_id: Any, output_index: Any) -> list[Any]:
        if not delta:
            return []
        self._sent_to("refusal", item_id, output_index, len(delta))
        return [self._chunk(construct(ChunkDelta, {"refusal": delta}))]

    def _on_reasoning(self, event: Any) -> list[Any]:
        return self._reasoning(
            event.delta, event.item_id, event.output_index, getattr(event, "summary_index", None)
        )

    def _reasoning(
        self, text: str, item_id: Any, output_index: int | None, index: Any
    ) -> list[Any]:
        if index is not None:
            # A new summary part reads as a new paragraph.
            key = (output_index or 0, index)
            if key != self._summary_index:
                if self._summary_index[0] == key[0] and index > 0:
                    text = "\n\n" + text
                self._summary_index = key
        if not text:
            return []
        self._sent_to("reasoning", item_id, output_index, len(text))
        return [self._text_chunk(self._reasoning_field, text)]

    def _rest_of_item(self, output_index: int | None, item: Any) -> list[Any]:
        """What a message or reasoning item holds that its deltas did not send (servers and
        Codex's own fixtures may send text only in ``output_item.done``)."""
        item_id = wire_id(item)
        out: list[Any] = []
        if item.type == "reasoning":
            full = reasoning_item_text(
                (getattr(part, "text", "") or "" for part in item.summary or ()),
                (getattr(part, "text", "") or "" for part in item.content or ()),
            )
            rest = full[self._sent_of("reasoning", item_id, output_index) :]
            if rest:
                self._sent_to("reasoning", item_id, output_index, len(rest))
                out.append(self._text_chunk(self._reasoning_field, rest))
            return out
        content = item.content
        texts = [content] if isinstance(content, str) else []
        refusals: list[str] = []
        for part in content if isinstance(content, list) else ():
            kind = getattr(part, "type", None)
            # A part may say its kind and still hold no text (null): nothing to send.
            if kind == "output_text" or (kind == "input_text" and item.role == "assistant"):
                if isinstance(part.text, str):
                    texts.append(part.text)
            elif kind == "refusal" and isinstance(part.refusal, str):
                refusals.append(part.refusal)
        text = "".join(texts)[self._sent_of("content", item_id, output_index) :]
        if text:
            out += self._text(text, item_id, output_index)
        refusal = "".join(refusals)[self._sent_of("refusal", item_id, output_index) :]
        if refusal:
            out += self._refusal(refusal, item_id, output_index)
        return out

    def _on_item_added(self, event: Any) -> list[Any]:
        item = event.item
        if item.type not in ("function_call", "custom_tool_call"):
            return []
        return self._start_call(event.output_index, item)

    def _start_call(self, output_index: int | None, item: Any) -> list[Any]:
        key = item.id or f"@{output_index}"
        custom = item.type == "custom_tool_call"
        name = item.name
        if self.tool_names is not None:
            name = self.tool_names.chat_name(name, getattr(item, "namespace", None))
        index = len(self._calls)
        opening = CUSTOM_INPUT_OPEN if custom else ""
        self._calls[key] = [index, custom, [opening]]
        if output_index is not None:
            self._by_output[output_index] = key
        tool = ToolCallDelta.model_construct(
            index=index,
            id=item.call_id or key,
            type="function",
            function=FunctionCallDelta.model_construct(name=name, arguments=opening),
        )
        return [self._chunk(construct(ChunkDelta, {"tool_calls": [tool]}))]

    def _find_call(self, item_id: str | None, output_index: int | None) -> list[Any] | None:
        state = self._calls.get(item_id) if item_id else None
        if state is None and output_index is not None:
            key = self._by_output.get(output_index)
            state = self._calls.get(key) if key is not None else None
        return state

    def _on_args_delta(self, event: Any) -> list[Any]:
        return self._args_delta(event.item_id, event.output_index, event.delta)

    def _args_delta(self, item_id: str | None, output_index: int | None, delta: str) -> list[Any]:
        state = self._find_call(item_id, output_index)
        if state is None or not delta:
            return []
        text = custom_input_piece(delta) if state[1] else delta
        return [self._args_chunk(state, text)]

    def _on_item_done(self, event: Any) -> list[Any]:
        return self._item_done(event.output_index, event.item)

    def _item_done(self, output_index: int | None, item: Any) -> list[Any]:
        if output_index is not None:
            self._done_at.add(output_index)
        item_id = wire_id(item)
        if item_id:
            self._done_ids.add(item_id)
        if item.type in _FORM_CALLS:
            return self._form_call(output_index, item)
        if item.type not in ("function_call", "custom_tool_call"):
            if item.type == "reasoning" and getattr(item, "encrypted_content", None):
                self.rec.drop(
                    f"output[{output_index}].encrypted_content",
                    _ENCRYPTED_REASONING,
                    "translate.stream.encrypted_reasoning_dropped",
                    lossy=False,
                )
            if item.type in _TEXT_ITEMS:
                return self._rest_of_item(output_index, item)
            self.rec.drop(
                f"output[{output_index}]",
                f"a {item.type} item has no Chat Completions form",
                "translate.stream.item_dropped",
                item_type=item.type,
            )
            return []
        out: list[Any] = []
        key = item.id or f"@{output_index}"
        state = self._calls.get(key)
        if state is None:
            state_key = self._by_output.get(output_index) if output_index is not None else None
            state = self._calls.get(state_key) if state_key else None
        if state is None:
            # Never announced: the whole call now.
            out.extend(self._start_call(output_index, item))
            state = self._calls[item.id or f"@{output_index}"]
        full = custom_input_arguments(item.input) if state[1] else item.arguments
        # Send only what the deltas did not: arguments are never sent twice.
        sent = "".join(state[2])
        state[2] = [sent]
        if full.startswith(sent) and len(full) > len(sent):
            out.append(self._args_chunk(state, full[len(sent) :]))
        return out

    def _form_call(self, output_index: int | None, item: Any) -> list[Any]:
        """A local_shell, shell or apply_patch call: one chunk with the whole call in the
        function form the request translation declared."""
        form, arguments = form_call_arguments(item)
        name = self.tool_names.chat_name(form.name) if self.tool_names else form.name
        key = item.id or f"@{output_index}"
        index = len(self._calls)
        self._calls[key] = [index, False, [arguments]]
        tool = ToolCallDelta.model_construct(
            index=index,
            id=item.call_id,
            type="function",
            function=FunctionCallDelta.model_construct(name=name, arguments=arguments),
        )
        return [self._chunk(construct(ChunkDelta, {"tool_calls": [tool]}))]

    def _on_annotation(self, event: Any) -> list[Any]:
        self.rec.drop(
            f"output[{event.output_index}].content[{event.content_index}].annotations"
            f"[{event.annotation_index}]",
            "chat chunks carry no annotations",
            "translate.stream.annotation_dropped",
        )
        return []

    def _on_terminal(self, event: Any) -> list[Any]:
        response: Response = event.response
        self.final = response
        if event.type == "response.failed":
            return self._fail(error_from_event(event))
        self._finished = True
        out: list[Any] = []
        for position, item in enumerate(response.output or ()):
            # Items only the terminal response holds (no output_item.done came for them).
            if position not in self._done_at and wire_id(item) not in self._done_ids:
                out += self._item_done(position, item)
        details = response.incomplete_details
        reason = chat_finish_reason(
            "incomplete" if event.type == "response.incomplete" else response.status,
            details.reason if details is not None else None,
            called_tools=bool(self._calls),
        )
        out.append(self._chunk(None, reason))
        if self.include_usage and response.usage is not None:
            out.append(
                ChatCompletionChunk.model_construct(
                    id=self._id,
                    object="chat.completion.chunk",
                    created=self._created,
                    model=self._model or "",
                    choices=[],
                    usage=responses_usage_to_chat(response.usage),
                )
            )
        return out

    def _on_error(self, event: Any) -> list[Any]:
        return self._fail(error_from_event(event))


# Events that carry nothing a chat client reads: not noted when left out.
_NOT_OUTPUT = frozenset(
    {
        "response.in_progress",
        "response.queued",
        "response.content_part.added",
        "response.content_part.done",
        "response.output_text.done",
        "response.refusal.done",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_part.done",
        "response.reasoning_summary_text.done",
        "response.reasoning_text.done",
        "response.reasoning.done",
        "response.function_call_arguments.done",
        "response.custom_tool_call_input.done",
        "keepalive",
        "codex.rate_limits",
    }
)

_HANDLERS: dict[str, Any] = {
    "response.created": ResponsesToChatStream._on_created,
    "response.output_text.delta": ResponsesToChatStream._on_text,
    "response.refusal.delta": ResponsesToChatStream._on_refusal,
    "response.reasoning_summary_text.delta": ResponsesToChatStream._on_reasoning,
    "response.reasoning_text.delta": ResponsesToChatStream._on_reasoning,
    "response.reasoning.delta": ResponsesToChatStream._on_reasoning,
    "response.output_item.added": ResponsesToChatStream._on_item_added,
    "response.function_call_arguments.delta": ResponsesToChatStream._on_args_delta,
    "response.custom_tool_call_input.delta": ResponsesToChatStream._on_args_delta,
    "response.output_item.done": ResponsesToChatStream._on_item_done,
    "response.output_text.annotation.added": ResponsesToChatStream._on_annotation,
    "response.completed": ResponsesToChatStream._on_terminal,
    "response.incomplete": ResponsesToChatStream._on_terminal,
    "response.failed": ResponsesToChatStream._on_terminal,
    "error": ResponsesToChatStream._on_error,
}


_ENCRYPTED_REASONING = (
    "encrypted reasoning has no place in a chat reply (only OpenAI can read it); its summary "
    "or text is sent"
)
# Output items whose content the chunks carry as text, reasoning or refusal.
_TEXT_ITEMS = frozenset({"message", "reasoning"})
# Calls sent back in the function form of their tool (see _toolforms).
_FORM_CALLS = frozenset({"local_shell_call", "shell_call", "apply_patch_call"})


def _event_types(cls: type[Any]) -> dict[str, tuple[type[Any], ...]]:
    # The type tag was matched already; logprobs are read only when empty.
    types: dict[str, tuple[type[Any], ...]] = {**field_types(cls), "type": (str,)}
    if "logprobs" in types:
        types["logprobs"] = (list,)
    return types


# The delta events read fast (see _feed_fast): value types that surely validate, and which
# handler core takes them.
_FAST_EVENTS: dict[str, tuple[dict[str, tuple[type[Any], ...]], str]] = {
    "response.output_text.delta": (_event_types(ResponseTextDeltaEvent), "text"),
    "response.reasoning_summary_text.delta": (
        _event_types(ResponseReasoningSummaryTextDeltaEvent),
        "reasoning",
    ),
    "response.reasoning_text.delta": (_event_types(ResponseReasoningTextDeltaEvent), "reasoning"),
    "response.reasoning.delta": (_event_types(ResponseReasoningDeltaEvent), "reasoning"),
    "response.function_call_arguments.delta": (
        _event_types(ResponseFunctionCallArgumentsDeltaEvent),
        "args",
    ),
    "response.custom_tool_call_input.delta": (
        _event_types(ResponseCustomToolCallInputDeltaEvent),
        "args",
    ),
}
_ABSENT: Any = object()
_INT_OR_NONE = (int, type(None))
_STR_OR_NONE = (str, type(None))


def responses_to_chat_chunks(
    events: Iterable[Any],
    *,
    tool_names: ToolNameMap | None = None,
    profile: str | Profile | None = None,
    include_usage: bool = True,
) -> Iterator[ChatCompletionChunk]:
    """Translate Responses events (models, mappings or JSON texts) into chat chunks.

    Raises :class:`UpstreamError` at a ``response.failed`` or ``error`` event, or when the
    events end without a terminal event.
    """
    state = ResponsesToChatStream(
        tool_names=tool_names, profile=profile, include_usage=include_usage
    )
    for event in events:
        yield from state.feed(event)
    yield from state.close()

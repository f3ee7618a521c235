"""Accumulate a Responses API stream into its final :class:`~wireshift.Response`.

Each event is parsed once (SSE ``data`` text straight into the event models) and filed where
it belongs: lifecycle events merge into the response's fields, item events into the state of
their output item, deltas appended to lists. The response is built only when asked for.

Delta events of one item differ only in their delta, sequence number and pad: once one has
been read by the models, the rest are read by its shape (see ``_shapes``) with the same
outcome (tests/test_accumulate_responses_fast.py compares both ways).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._errors import PayloadError, UpstreamError, quoted
from .._rules import wire_id
from .._wire._chat_chunks import Foreign, Unreadable
from .._wire._fold import describe, fold
from .._wire._input import Payload
from .._wire._notelog import NoteLog
from .._wire._plain import loads_object
from .._wire._response_events import read_responses_payload
from .._wire._sequence_window import SequenceWindow
from ..responses import (
    CodexRateLimitsEvent,
    Item,
    Response,
    ResponseAudioDeltaEvent,
    ResponseAudioDoneEvent,
    ResponseAudioTranscriptDeltaEvent,
    ResponseAudioTranscriptDoneEvent,
    ResponseCodeInterpreterCallCodeDeltaEvent,
    ResponseCodeInterpreterCallCodeDoneEvent,
    ResponseCodeInterpreterCallCompletedEvent,
    ResponseCodeInterpreterCallInProgressEvent,
    ResponseCodeInterpreterCallInterpretingEvent,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseCustomToolCallInputDeltaEvent,
    ResponseCustomToolCallInputDoneEvent,
    ResponseError,
    ResponseErrorEvent,
    ResponseFailedEvent,
    ResponseFileSearchCallCompletedEvent,
    ResponseFileSearchCallInProgressEvent,
    ResponseFileSearchCallSearchingEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseImageGenCallCompletedEvent,
    ResponseImageGenCallGeneratingEvent,
    ResponseImageGenCallInProgressEvent,
    ResponseImageGenCallPartialImageEvent,
    ResponseIncompleteEvent,
    ResponseInProgressEvent,
    ResponseKeepaliveEvent,
    ResponseMCPCallArgumentsDeltaEvent,
    ResponseMCPCallArgumentsDoneEvent,
    ResponseMCPCallCompletedEvent,
    ResponseMCPCallFailedEvent,
    ResponseMCPCallInProgressEvent,
    ResponseMCPListToolsCompletedEvent,
    ResponseMCPListToolsFailedEvent,
    ResponseMCPListToolsInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputTextAnnotationAddedEvent,
    ResponseQueuedEvent,
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
    ResponseShellCallCommandAddedStreamingEvent,
    ResponseShellCallCommandDeltaStreamingEvent,
    ResponseShellCallCommandDoneStreamingEvent,
    ResponseShellCallOutputContentDeltaStreamingEvent,
    ResponseShellCallOutputContentDoneStreamingEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseWebSearchCallCompletedEvent,
    ResponseWebSearchCallInProgressEvent,
    ResponseWebSearchCallSearchingEvent,
    UnknownResponseEvent,
    parse_item,
)
from ._feeding import PayloadFeeder, checked
from ._items import ItemState, has_status, item_body
from ._output import merge_output
from ._result import AccumulatedResponse
from ._shapes import Hole, PayloadShape, learn_shape
from ._text import TextBuffer
from ._text_pool import TextPool

__all__ = ["ResponsesAccumulator"]


# Shapes kept at once (items whose deltas take turns), and how many learning attempts are
# allowed: a few, then one per so many events (a stream whose deltas never repeat a shape
# costs one extra parse per that many events).
_SHAPES = 4
_LEARN_BUDGET = 8
_LEARN_EVERY = 64

_TERMINAL_STATUS = {
    "response.completed": "completed",
    "response.incomplete": "incomplete",
    "response.failed": "failed",
}

# Progress events of hosted tools: the item type they imply and the status they report.
_PROGRESS: dict[type[Any], tuple[str, str]] = {
    ResponseFileSearchCallInProgressEvent: ("file_search_call", "in_progress"),
    ResponseFileSearchCallSearchingEvent: ("file_search_call", "searching"),
    ResponseFileSearchCallCompletedEvent: ("file_search_call", "completed"),
    ResponseWebSearchCallInProgressEvent: ("web_search_call", "in_progress"),
    ResponseWebSearchCallSearchingEvent: ("web_search_call", "searching"),
    ResponseWebSearchCallCompletedEvent: ("web_search_call", "completed"),
    ResponseCodeInterpreterCallInProgressEvent: ("code_interpreter_call", "in_progress"),
    ResponseCodeInterpreterCallInterpretingEvent: ("code_interpreter_call", "interpreting"),
    ResponseCodeInterpreterCallCompletedEvent: ("code_interpreter_call", "completed"),
    ResponseImageGenCallInProgressEvent: ("image_generation_call", "in_progress"),
    ResponseImageGenCallGeneratingEvent: ("image_generation_call", "generating"),
    ResponseImageGenCallCompletedEvent: ("image_generation_call", "completed"),
    ResponseMCPCallInProgressEvent: ("mcp_call", "in_progress"),
    ResponseMCPCallCompletedEvent: ("mcp_call", "completed"),
    ResponseMCPCallFailedEvent: ("mcp_call", "failed"),
    ResponseMCPListToolsInProgressEvent: ("mcp_list_tools", "in_progress"),
    ResponseMCPListToolsCompletedEvent: ("mcp_list_tools", "completed"),
    ResponseMCPListToolsFailedEvent: ("mcp_list_tools", "failed"),
}

# Text deltas and their done events: (item type implied, part kind or item field).
_PART_DELTAS: dict[type[Any], tuple[str, str]] = {
    ResponseTextDeltaEvent: ("message", "output_text"),
    ResponseRefusalDeltaEvent: ("message", "refusal"),
    ResponseReasoningTextDeltaEvent: ("reasoning", "reasoning_text"),
    ResponseReasoningDeltaEvent: ("reasoning", "reasoning_text"),
}
_PART_DONES: dict[type[Any], tuple[str, str, str]] = {
    ResponseTextDoneEvent: ("message", "output_text", "text"),
    ResponseRefusalDoneEvent: ("message", "refusal", "refusal"),
    ResponseReasoningTextDoneEvent: ("reasoning", "reasoning_text", "text"),
    ResponseReasoningDoneEvent: ("reasoning", "reasoning_text", "text"),
}
_FIELD_DELTAS: dict[type[Any], tuple[str, str]] = {
    ResponseFunctionCallArgumentsDeltaEvent: ("function_call", "args"),
    ResponseMCPCallArgumentsDeltaEvent: ("mcp_call", "args"),
    ResponseCustomToolCallInputDeltaEvent: ("custom_tool_call", "input"),
    ResponseCodeInterpreterCallCodeDeltaEvent: ("code_interpreter_call", "code"),
}
_FIELD_DONES: dict[type[Any], tuple[str, str, str]] = {
    ResponseFunctionCallArgumentsDoneEvent: ("function_call", "args", "arguments"),
    ResponseMCPCallArgumentsDoneEvent: ("mcp_call", "args", "arguments"),
    ResponseCustomToolCallInputDoneEvent: ("custom_tool_call", "input", "input"),
    ResponseCodeInterpreterCallCodeDoneEvent: ("code_interpreter_call", "code", "code"),
}
# Event fields that are the whole payload of item and part events.
_HOLLOW = frozenset({"item", "part"})
_QUIET: frozenset[type[Any]] = frozenset(
    {ResponseKeepaliveEvent, ResponseAudioDoneEvent, ResponseAudioTranscriptDoneEvent}
)


class ResponsesAccumulator(PayloadFeeder):
    """Accumulates a Responses API stream fed one piece at a time.

    :meth:`feed` takes what :func:`~wireshift.accumulate_stream` takes, one at a time: raw SSE
    chunks (split anywhere), SSE events, event mappings or models. :meth:`snapshot` builds the
    response received so far (its cost is the size of the response, paid only when called);
    :meth:`finish` ends the stream and returns the :class:`AccumulatedResponse`. With
    ``strict=True``, :meth:`finish` raises :class:`UpstreamError` for a stream that reported
    an error and :class:`StreamTruncatedError` for one cut before its terminal event.
    """

    def __init__(self, *, strict: bool = False, raise_on_failure: bool | None = None) -> None:
        super().__init__(strict=strict, raise_on_failure=raise_on_failure)
        self._base: dict[str, Any] = {}
        self._items: list[ItemState] = []
        self._slots: dict[int, ItemState] = {}
        self._ids: dict[str, ItemState] = {}
        self._last: ItemState | None = None
        self._terminal: str | None = None
        self._terminal_output: list[Item] | None = None
        self._top_error: UpstreamError | None = None
        self._error_event: UpstreamError | None = None
        # Fingerprints of the latest events by sequence number, for dropping repeats.
        self._window = SequenceWindow()
        self._side: list[Any] = []
        self._audio: list[str] = []
        self._transcript: TextBuffer | None = None
        # Long texts the stream repeats (done events, the terminal output), held once.
        self._pool = TextPool()
        # Shapes of the latest delta events (see _shapes), and how many were tried.
        self._shapes: list[_DeltaShape] = []
        self._learnt = 0

    # --- reading ------------------------------------------------------------------------

    def feed_payload(self, name: str | None, payload: Payload) -> None:
        """Take one event's payload; ``name`` is its SSE ``event:`` name, if any."""
        if type(payload) is str and self._shapes and self._terminal is None:
            # A delta of a learnt shape: what the models would do with it, without them.
            for held in self._shapes:
                values = held.shape.values(payload)
                if values is None:
                    continue
                if name is None or name == held.kind:
                    seq = values[1] if held.numbered else None
                    if seq is None or self._window.take_next(seq, hash(payload)):
                        self._count += 1
                        held.target.add(values[0], seq)
                        return
                break  # for the models: a repeat, disorder, or an event name that differs
        index = self._count
        self._count = index + 1
        reading = read_responses_payload(name, payload, f"events[{index}]", self._log.add)
        if isinstance(reading, (Unreadable, Foreign)):
            self._on_unread(reading)
            return
        event: Any = reading
        if name is not None and name != event.type:
            self._log.add(
                f"events[{index}] {event.type}",
                "kept",
                f"the SSE event name {quoted(name)} differs from the payload's type; "
                "the payload wins",
                "event_name_mismatch",
            )
        seq = getattr(event, "sequence_number", None)
        if type(seq) is not int:
            seq = None
        else:
            fingerprint = hash(payload) if type(payload) is str else hash(event.to_json())
            # The next new number (the usual case) needs no comparing.
            if not self._window.take_next(seq, fingerprint) and self._repeated(
                index, event, seq, fingerprint
            ):
                return
        if self._terminal is not None and type(event) not in _QUIET:
            self._log.add(
                f"events[{index}] {event.type}",
                "kept",
                f"event after the terminal {self._terminal}",
                "event_after_terminal",
            )
        handler = _HANDLERS.get(type(event))
        if handler is None:
            self._on_unknown(index, event)
            return
        target = handler(self, event, seq)
        if (
            target is not None
            and type(payload) is str
            and event.item_id is not None
            and self._terminal is None
            and self._learnt <= _LEARN_BUDGET + index // _LEARN_EVERY
        ):
            self._learn(payload, event.type, target)

    def _learn(self, payload: str, kind: str, target: TextBuffer) -> None:
        """Learn the shape of a delta event whose only effect was adding its delta: later
        events of that shape are read without parsing (see _shapes)."""
        self._learnt += 1
        parsed = loads_object(payload)
        if parsed is None:
            return
        holes: list[Hole] = [(("delta",), "str")]
        numbered = "sequence_number" in parsed
        if numbered:
            holes.append((("sequence_number",), "int"))
        if "obfuscation" in parsed:
            holes.append((("obfuscation",), "str"))  # a random pad the result does not keep
        shape = learn_shape(payload, parsed, holes)
        if shape is not None:
            learnt = _DeltaShape(shape, kind, target, numbered)
            self._shapes = [learnt, *self._shapes[: _SHAPES - 1]]

    def _repeated(self, index: int, event: Any, seq: int, fingerprint: int) -> bool:
        """Whether the event repeats one already read (noted, to be dropped); a number used
        by another event is noted and the event kept."""
        verdict = self._window.take(seq, fingerprint)
        if verdict == "repeat":
            self._log.add(
                f"events[{index}] {event.type}",
                "dropped",
                f"a repeat of the event with sequence_number {seq}",
                "duplicate_event",
            )
            return True
        if verdict == "reused":
            self._log.add(
                f"events[{index}] {event.type}",
                "kept",
                f"sequence_number {seq} was already used by a different event",
                "sequence_reused",
            )
        elif verdict == "unknown":
            self._log.add(
                f"events[{index}] {event.type}",
                "kept",
                f"sequence_number {seq} is too far behind the latest (or out of range) to tell "
                "whether the event repeats one already read",
                "sequence_unchecked",
            )
        return False

    def _on_unread(self, reading: Unreadable | Foreign) -> None:
        if isinstance(reading, Foreign):
            self._unknown.append(reading.raw)
            if reading.error is not None:
                self._error_event = reading.error
            return
        self._unknown.append({"data": reading.text})
        if self._error_event is None and not self._at_eof:  # at the end: a cut
            self._error_event = UpstreamError.from_text(reading.text)

    # --- items --------------------------------------------------------------------------

    def _new(self, index: int | None, item_id: str | None, kind: str | None) -> ItemState:
        state = ItemState(len(self._items), index, item_id, kind)
        self._items.append(state)
        if index is not None:
            self._slots[index] = state
        if item_id is not None:
            self._ids[item_id] = state
        self._last = state
        return state

    def _item(self, index: int | None, item_id: str | None, kind: str | None) -> ItemState:
        """The item an event points at, by id, then by output index; created if new."""
        if item_id is not None:
            state = self._ids.get(item_id)
            if state is not None:
                if index is not None and state.index is None:
                    state.index = index
                    self._slots.setdefault(index, state)
                return state
        if index is not None:
            state = self._slots.get(index)
            if state is not None:
                if item_id is None:
                    return state
                if state.id is None:
                    state.id = item_id
                    self._ids[item_id] = state
                    return state
                self._log.add(
                    f"output[{index}]",
                    "kept",
                    f"items {quoted(state.id)} and {quoted(item_id)} share output_index {index}; "
                    "both kept",
                    "output_index_reused",
                )
        elif item_id is None:
            last = self._last
            if last is not None and (kind is None or last.kind in (kind, None)):
                return last
        return self._new(index, item_id, kind)

    def _whole_item(self, index: int | None, item: Item, done: bool) -> ItemState:
        item_id = wire_id(item)
        kind = getattr(item, "type", None)
        if index is None and item_id is None:
            last = self._last
            if last is not None and last.kind in (kind, None):
                held = last.done if done else last.added
                if held is None or held == item:
                    return last
            return self._new(None, None, kind)
        return self._item(index, item_id if isinstance(item_id, str) else None, kind)

    # --- handlers -----------------------------------------------------------------------

    def _on_lifecycle(self, event: Any, seq: int | None) -> None:
        response: Response = event.response
        # The output is read as items below; dumping it here would copy every text again.
        fields = response.model_dump(
            mode="json", by_alias=True, exclude_unset=True, exclude={"output"}
        )
        has_output = "output" in response.model_fields_set and response.output is not None
        base = self._base
        for key, value in fields.items():
            if value is not None or base.get(key) is None:
                base[key] = value
        status = _TERMINAL_STATUS.get(event.type)
        if status is None:
            return
        if self._terminal is not None and self._terminal != event.type:
            self._log.add(
                f"{event.type}",
                "changed",
                f"a second terminal event after {self._terminal}; the later one wins",
                "second_terminal",
            )
        self._terminal = event.type
        self._terminal_output = None
        if has_output:
            self._pool.share_in(response.output)
            self._terminal_output = list(response.output)
        if isinstance(event, ResponseFailedEvent) and event.error is not None:
            self._top_error = UpstreamError.from_payload(event.error, "event.error")

    def _on_error(self, event: ResponseErrorEvent, seq: int | None) -> None:
        self._error_event = UpstreamError.from_error_event(event)

    def _on_item_added(self, event: ResponseOutputItemAddedEvent, seq: int | None) -> None:
        state = self._whole_item(event.output_index, event.item, False)
        state.added = event.item
        state.kind = event.item.type

    def _on_item_done(self, event: ResponseOutputItemDoneEvent, seq: int | None) -> None:
        state = self._whole_item(event.output_index, event.item, True)
        self._pool.share_in(event.item)
        state.done = event.item
        state.kind = event.item.type

    def _on_part_added(self, event: ResponseContentPartAddedEvent, seq: int | None) -> None:
        state = self._item(event.output_index, event.item_id, None)
        state.part(event.content_index, event.part.type).added = event.part

    def _on_part_done(self, event: ResponseContentPartDoneEvent, seq: int | None) -> None:
        state = self._item(event.output_index, event.item_id, None)
        self._pool.share_in(event.part)
        state.part(event.content_index, event.part.type).done = event.part

    def _on_text_delta(self, event: ResponseTextDeltaEvent, seq: int | None) -> TextBuffer | None:
        item_id = event.item_id
        state = self._ids.get(item_id) if item_id is not None else None
        if state is None or (event.output_index is not None and state.index is None):
            state = self._item(event.output_index, item_id, "message")
        part = state.part(event.content_index, "output_text")
        part.text.add(event.delta, seq)
        if event.logprobs:
            if part.logprobs is None:
                part.logprobs = []
            part.logprobs += event.logprobs
            return None  # logprobs to keep: not a delta a shape may stand for
        return part.text

    def _on_part_delta(self, event: Any, seq: int | None) -> TextBuffer:
        kind, part_kind = _PART_DELTAS[type(event)]
        part = self._item(event.output_index, event.item_id, kind).part(
            event.content_index, part_kind
        )
        part.text.add(event.delta, seq)
        return part.text

    def _on_part_text_done(self, event: Any, seq: int | None) -> None:
        kind, part_kind, field = _PART_DONES[type(event)]
        part = self._item(event.output_index, event.item_id, kind).part(
            event.content_index, part_kind
        )
        part.text.finish(self._pool.share(getattr(event, field)))

    def _on_annotation(
        self, event: ResponseOutputTextAnnotationAddedEvent, seq: int | None
    ) -> None:
        part = self._item(event.output_index, event.item_id, "message").part(
            event.content_index, "output_text"
        )
        if part.annotations is None:
            part.annotations = {}
        part.annotations[event.annotation_index] = event.annotation

    def _on_field_delta(self, event: Any, seq: int | None) -> TextBuffer:
        kind, field = _FIELD_DELTAS[type(event)]
        buffer = self._item(event.output_index, event.item_id, kind).text(field)
        buffer.add(event.delta, seq)
        return buffer

    def _on_field_done(self, event: Any, seq: int | None) -> None:
        kind, field, attr = _FIELD_DONES[type(event)]
        state = self._item(event.output_index, event.item_id, kind)
        state.text(field).finish(self._pool.share(getattr(event, attr)))
        name = getattr(event, "name", None)
        if isinstance(name, str) and name:
            state.name = name

    def _on_summary_part(self, event: Any, seq: int | None) -> None:
        part = self._item(event.output_index, event.item_id, "reasoning").summary_part(
            event.summary_index
        )
        if isinstance(event, ResponseReasoningSummaryPartDoneEvent):
            self._pool.share_in(event.part)
            part.done = event.part
        else:
            part.added = event.part

    def _on_summary_delta(
        self, event: ResponseReasoningSummaryTextDeltaEvent, seq: int | None
    ) -> TextBuffer:
        state = self._item(event.output_index, event.item_id, "reasoning")
        buffer = state.summary_part(event.summary_index).text
        buffer.add(event.delta, seq)
        return buffer

    def _on_summary_done(
        self, event: ResponseReasoningSummaryTextDoneEvent, seq: int | None
    ) -> None:
        state = self._item(event.output_index, event.item_id, "reasoning")
        state.summary_part(event.summary_index).text.finish(self._pool.share(event.text))

    def _on_progress(self, event: Any, seq: int | None) -> None:
        kind, status = _PROGRESS[type(event)]
        self._item(event.output_index, event.item_id, kind).status = status

    def _on_partial_image(
        self, event: ResponseImageGenCallPartialImageEvent, seq: int | None
    ) -> None:
        self._item(
            event.output_index, event.item_id, "image_generation_call"
        ).image = event.partial_image_b64

    def _on_command(self, event: Any, seq: int | None) -> None:
        state = self._item(event.output_index, None, "shell_call")
        buffer = state.command(event.command_index)
        if isinstance(event, ResponseShellCallCommandDeltaStreamingEvent):
            buffer.add(event.delta, seq)
        elif isinstance(event, ResponseShellCallCommandDoneStreamingEvent):
            buffer.finish(self._pool.share(event.command))
        else:
            buffer.start = event.command

    def _on_shell_output(self, event: Any, seq: int | None) -> None:
        state = self._item(event.output_index, event.item_id, "shell_call_output")
        output = state.output(event.command_index)
        if isinstance(event, ResponseShellCallOutputContentDeltaStreamingEvent):
            if event.delta.stdout:
                output.stdout.add(event.delta.stdout, seq)
            if event.delta.stderr:
                output.stderr.add(event.delta.stderr, seq)
        else:
            output.done = list(event.output)

    def _on_audio(self, event: ResponseAudioDeltaEvent, seq: int | None) -> None:
        self._audio.append(event.delta)

    def _on_transcript(self, event: ResponseAudioTranscriptDeltaEvent, seq: int | None) -> None:
        if self._transcript is None:
            self._transcript = TextBuffer()
        self._transcript.add(event.delta, seq)

    def _on_quiet(self, event: Any, seq: int | None) -> None:
        pass

    def _on_side(self, event: Any, seq: int | None) -> None:
        self._side.append(event)

    def _on_unknown(self, index: int, event: Any) -> None:
        raw = event.to_dict()
        self._unknown.append(raw)
        error = UpstreamError.from_payload(raw.get("error"), "error event")
        if error is not None:
            self._error_event = error
        self._log.add(
            f"events[{index}] {event.type}",
            "kept",
            "an event type wireshift does not know; kept in unknown_events"
            + ("; its error is recorded as the stream's error" if error else ""),
            "unknown_event",
        )

    # --- building -----------------------------------------------------------------------

    def snapshot(self) -> Response:
        """The response as received so far (no notes taken, no status settled)."""
        return self._build(None)

    def finish(self) -> AccumulatedResponse:
        """End the stream: decode what the SSE decoder still holds, settle the terminal state
        and return the result. With ``strict=True``, raise as :meth:`raise_for_error` does."""
        self._flush()
        # The build adds its own notes: work on a copy so that finish() can be called again.
        build_log = self._log.copy()
        response = self._build(build_log)
        error, truncated = self._settle(response, build_log)
        transcript = self._transcript.joined() if self._transcript is not None else None
        result = AccumulatedResponse(
            response=response,
            notes=build_log.notes(),
            error=error,
            truncated=truncated,
            unknown_events=list(self._unknown),
            side_events=list(self._side),
            audio=list(self._audio),
            audio_transcript=transcript,
        )
        return checked(result, strict=self.strict, raise_on_failure=self.raise_on_failure)

    def _build(self, log: NoteLog | None) -> Response:
        """The response so far; with a log (when finishing), items never finished get a
        settled status and every repair is noted."""
        settled = "completed" if self._terminal == "response.completed" else "incomplete"
        items: list[Item] = []
        for position, state in enumerate(sorted(self._items, key=_position)):
            where = f"output[{position}]"
            body = item_body(state, where, log)
            if log is not None and state.done is None and has_status(body.get("type")):
                body["status"] = settled
                log.add(
                    where,
                    "changed",
                    f"no output_item.done for this item; status set to {quoted(settled)}",
                    "item_not_done",
                )
            item = _parse_item(body, where, log)
            if item is None:  # pragma: no cover - every field of an item can be emptied
                continue
            items.append(item)
        output = merge_output(items, self._terminal_output, self._terminal or "", log)
        # Each field comes from a validated event, so together they validate too.
        response = Response.parse(self._base)
        response.output = output
        return response

    def _settle(self, response: Response, log: NoteLog) -> tuple[UpstreamError | None, bool]:
        """Set the final status and error; say the stream's error and whether it was cut."""
        terminal = self._terminal
        error = self._error_event
        truncated = False
        if terminal is not None:
            status = _TERMINAL_STATUS[terminal]
            if response.status not in (None, status, "in_progress", "queued"):
                log.add(
                    f"{terminal}.response.status",
                    "changed",
                    f"the response said status {quoted(response.status)}; "
                    f"the event says {quoted(status)}",
                    "status_mismatch",
                )
            response.status = status
            if terminal == "response.failed":
                error = self._failure(response, log)
        elif error is not None:
            response.status = "failed"
            self._fill_error(response, error, log)
            log.add(
                "events",
                "changed",
                "the stream ended after an error event, without response.failed; "
                "status set to 'failed'",
                "error_without_terminal",
            )
        else:
            truncated = True
            response.status = "incomplete"
            ended = " after [DONE]" if self._done_marker else ""
            empty = self._no_events()
            log.add(
                "events",
                "truncated",
                empty
                or f"the stream ended{ended} without a terminal event (response.completed, "
                f".failed or .incomplete); everything received is kept, status 'incomplete'",
                "no_events" if empty else "stream_truncated",
                {"events": self._count},
            )
        window = self._window
        if window.disorder:
            log.add(
                "events",
                "repaired",
                f"{window.disorder} events arrived out of sequence_number order; "
                "their text was joined in sequence order",
                "sequence_disorder",
            )
        if window.lowest is not None:
            gaps = window.missing
            if gaps > 0:
                log.add(
                    "events",
                    "kept",
                    f"{gaps} sequence numbers never arrived (events may be missing)",
                    "sequence_gap",
                    {"missing": gaps},
                )
        return error, truncated

    def _failure(self, response: Response, log: NoteLog) -> UpstreamError:
        earlier = self._top_error or self._error_event
        found, own = UpstreamError.from_failed(response, earlier)
        if own:
            return found
        if earlier is None:
            log.add(
                "response.failed",
                "kept",
                "the response failed without saying why (no error anywhere in the stream)",
                "failed_without_error",
            )
            return found
        self._fill_error(response, found, log)
        return found

    @staticmethod
    def _fill_error(response: Response, error: UpstreamError, log: NoteLog) -> None:
        response.error = ResponseError.parse(error.to_response_error())
        where = (
            "the failed event's top-level error"
            if error.source == "event.error"
            else "the error event before it"
        )
        log.add(
            "response.error",
            "repaired",
            f"response.error was null; filled from {where}",
            "error_filled",
            {"source": error.source},
        )


class _DeltaShape:
    """The shape of one item's delta events, and the buffer their deltas go to."""

    __slots__ = ("kind", "numbered", "shape", "target")

    def __init__(self, shape: PayloadShape, kind: str, target: TextBuffer, numbered: bool):
        self.shape = shape
        self.kind = kind
        self.target = target
        # Whether the events carry a sequence_number (the second hole).
        self.numbered = numbered


def _position(state: ItemState) -> tuple[int, int]:
    return (state.index if state.index is not None else state.order, state.order)


def _parse_item(body: dict[str, Any], where: str, log: NoteLog | None) -> Item | None:
    try:
        return parse_item(body)
    except PayloadError:
        pass
    item, changes = fold(parse_item, body)
    if log is not None and item is not None:
        log.add(
            where,
            "repaired",
            "the item lacked what its type requires; filled: " + describe(changes),
            "item_drift",
            {"changes": changes, "item": body},
        )
    return item


# A handler returns the text buffer a delta went to when adding the delta was all the event
# did (so a shape may stand for the events like it: see _learn), else None.
_Handler = Callable[[ResponsesAccumulator, Any, "int | None"], "TextBuffer | None"]

_HANDLERS: dict[type[Any], _Handler] = {
    ResponseQueuedEvent: ResponsesAccumulator._on_lifecycle,
    ResponseCreatedEvent: ResponsesAccumulator._on_lifecycle,
    ResponseInProgressEvent: ResponsesAccumulator._on_lifecycle,
    ResponseCompletedEvent: ResponsesAccumulator._on_lifecycle,
    ResponseFailedEvent: ResponsesAccumulator._on_lifecycle,
    ResponseIncompleteEvent: ResponsesAccumulator._on_lifecycle,
    ResponseErrorEvent: ResponsesAccumulator._on_error,
    ResponseOutputItemAddedEvent: ResponsesAccumulator._on_item_added,
    ResponseOutputItemDoneEvent: ResponsesAccumulator._on_item_done,
    ResponseContentPartAddedEvent: ResponsesAccumulator._on_part_added,
    ResponseContentPartDoneEvent: ResponsesAccumulator._on_part_done,
    ResponseOutputTextAnnotationAddedEvent: ResponsesAccumulator._on_annotation,
    ResponseReasoningSummaryPartAddedEvent: ResponsesAccumulator._on_summary_part,
    ResponseReasoningSummaryPartDoneEvent: ResponsesAccumulator._on_summary_part,
    ResponseReasoningSummaryTextDeltaEvent: ResponsesAccumulator._on_summary_delta,
    ResponseReasoningSummaryTextDoneEvent: ResponsesAccumulator._on_summary_done,
    ResponseImageGenCallPartialImageEvent: ResponsesAccumulator._on_partial_image,
    ResponseShellCallCommandAddedStreamingEvent: ResponsesAccumulator._on_command,
    ResponseShellCallCommandDeltaStreamingEvent: ResponsesAccumulator._on_command,
    ResponseShellCallCommandDoneStreamingEvent: ResponsesAccumulator._on_command,
    ResponseShellCallOutputContentDeltaStreamingEvent: ResponsesAccumulator._on_shell_output,
    ResponseShellCallOutputContentDoneStreamingEvent: ResponsesAccumulator._on_shell_output,
    ResponseAudioDeltaEvent: ResponsesAccumulator._on_audio,
    ResponseAudioTranscriptDeltaEvent: ResponsesAccumulator._on_transcript,
    ResponseKeepaliveEvent: ResponsesAccumulator._on_quiet,
    ResponseAudioDoneEvent: ResponsesAccumulator._on_quiet,
    ResponseAudioTranscriptDoneEvent: ResponsesAccumulator._on_quiet,
    CodexRateLimitsEvent: ResponsesAccumulator._on_side,
    **dict.fromkeys(_PART_DELTAS, ResponsesAccumulator._on_part_delta),
    ResponseTextDeltaEvent: ResponsesAccumulator._on_text_delta,
    **dict.fromkeys(_PART_DONES, ResponsesAccumulator._on_part_text_done),
    **dict.fromkeys(_FIELD_DELTAS, ResponsesAccumulator._on_field_delta),
    **dict.fromkeys(_FIELD_DONES, ResponsesAccumulator._on_field_done),
    **dict.fromkeys(_PROGRESS, ResponsesAccumulator._on_progress),
}

_EVENT_MODELS = frozenset({*_HANDLERS, UnknownResponseEvent})

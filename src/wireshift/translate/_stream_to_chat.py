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

import json
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from .._profiles import Profile, get_profile
from .._sse import encode_sse
from .._toolnames import ToolNameMap
from .._upstream import UpstreamError
from .._wire._plain import conforms, field_types, loads_object
from ..chat._completion import (
    ChatCompletionChunk,
    ChatCompletionTokensDetails,
    ChatCompletionUsage,
    ChatPromptTokensDetails,
    ChunkChoice,
    ChunkDelta,
    FunctionCallDelta,
    ToolCallDelta,
)
from ..responses._events import (
    ResponseCustomToolCallInputDeltaEvent,
    ResponseErrorEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseReasoningDeltaEvent,
    ResponseReasoningSummaryTextDeltaEvent,
    ResponseReasoningTextDeltaEvent,
    ResponseTextDeltaEvent,
    parse_response_event,
)
from ..responses._response import Response, ResponseUsage
from ._context import Recorder
from ._fast import EventTemplate, construct
from ._toolforms import form_call_arguments

__all__ = [
    "ResponsesToChatStream",
    "chat_finish_reason",
    "error_from_event",
    "responses_to_chat_chunks",
    "responses_usage_to_chat",
]


def responses_usage_to_chat(usage: ResponseUsage) -> ChatCompletionUsage:
    """Responses usage counts under their Chat names."""
    prompt = usage.input_tokens or 0
    completion = usage.output_tokens or 0
    fields: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": usage.total_tokens
        if usage.total_tokens is not None
        else prompt + completion,
    }
    if usage.input_tokens_details and usage.input_tokens_details.cached_tokens is not None:
        fields["prompt_tokens_details"] = ChatPromptTokensDetails(
            cached_tokens=usage.input_tokens_details.cached_tokens
        )
    if usage.output_tokens_details and usage.output_tokens_details.reasoning_tokens is not None:
        fields["completion_tokens_details"] = ChatCompletionTokensDetails(
            reasoning_tokens=usage.output_tokens_details.reasoning_tokens
        )
    return ChatCompletionUsage(**fields)


def chat_finish_reason(response: Response, *, called_tools: bool) -> str:
    """The Chat ``finish_reason`` for a finished response."""
    if response.status == "incomplete" or response.incomplete_details is not None:
        reason = response.incomplete_details.reason if response.incomplete_details else None
        return "content_filter" if reason == "content_filter" else "length"
    return "tool_calls" if called_tools else "stop"


def error_from_event(event: Any) -> UpstreamError:
    """The :class:`UpstreamError` a ``response.failed`` or ``error`` event stands for."""
    if isinstance(event, ResponseErrorEvent):
        return UpstreamError(
            event.error_message or "the upstream reported an error",
            code=event.error_code,
            status=event.status,
            source="error event",
            event=event,
        )
    response: Response | None = getattr(event, "response", None)
    error = response.error if response is not None else None
    top = getattr(event, "error", None)  # some backends put it on the event, not the response
    message: str | None = (error.message if error else None) or getattr(top, "message", None)
    code: str | None = (error.code if error else None) or getattr(top, "code", None)
    return UpstreamError(
        message or "the upstream response failed without a message",
        code=code,
        source="response.error" if error and error.message else "event.error",
        event=event,
    )


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
        fields = self.profile.reasoning_reply_fields
        self._reasoning_field = fields[0] if fields else "reasoning_content"
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
        self._role_pending = False

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
        """Take one event (a model, mapping or JSON text) and return the chunks it gives
        (models, or SSE bytes with ``encode=True``)."""
        if type(event) is str:
            return self._feed_text(event)
        if self._finished:
            return []
        if not hasattr(event, "type") or isinstance(event, (str, bytes, dict)):
            event = parse_response_event(event)
        kind: str = event.type
        handler = _HANDLERS.get(kind)
        chunks: list[Any] = handler(self, event) if handler is not None else []
        return self._out(chunks)

    def _feed_text(self, data: str) -> list[Any]:
        """:meth:`feed` for the JSON text of an event."""
        if self._finished:
            return []
        if self._fast:
            fast = self._feed_fast(data)
            if fast is not None:
                return fast
        event = parse_response_event(data)
        handler = _HANDLERS.get(event.type)
        return self._out(handler(self, event) if handler is not None else [])

    def _out(self, chunks: list[Any]) -> list[Any]:
        if self._role_pending and chunks:
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
        if (
            type(delta) is not str
            or type(event.pop("sequence_number", None)) not in _INT_OR_NONE
            or type(event.pop("obfuscation", None)) not in _STR_OR_NONE
        ):
            return None
        if event != self._last_event:
            if event.get("logprobs") or not conforms(event, types):
                return None
            self._last_event = event
        if what == "text":
            chunks = self._text(delta)
        elif what == "reasoning":
            chunks = self._reasoning(delta, event.get("output_index"), event.get("summary_index"))
        else:
            chunks = self._args_delta(event.get("item_id"), event.get("output_index"), delta)
        return self._out(chunks)

    def close(self) -> list[Any]:
        """End of input; a stream without its terminal event raises :class:`UpstreamError`."""
        if self._finished:
            return []
        self._finished = True
        raise UpstreamError(
            "the upstream stream ended before response.completed", code="stream_interrupted"
        )

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
        if response.created_at is not None:
            self._created = int(response.created_at)
        self._templates = {}
        # The role chunk waits for the first output, so that a failure before any output
        # comes before any chunk too (a gateway can still answer with an HTTP status).
        self._role_pending = True
        return []

    def _on_text(self, event: Any) -> list[Any]:
        return self._text(event.delta)

    def _text(self, delta: str) -> list[Any]:
        if not delta:
            return []
        return [self._text_chunk("content", delta)]

    def _on_refusal(self, event: Any) -> list[Any]:
        return [self._chunk(construct(ChunkDelta, {"refusal": event.delta}))]

    def _on_reasoning(self, event: Any) -> list[Any]:
        return self._reasoning(
            event.delta, event.output_index, getattr(event, "summary_index", None)
        )

    def _reasoning(self, text: str, output_index: int | None, index: Any) -> list[Any]:
        if index is not None:
            # A new summary part reads as a new paragraph.
            key = (output_index or 0, index)
            if key != self._summary_index:
                if self._summary_index[0] == key[0] and index > 0:
                    text = "\n\n" + text
                self._summary_index = key
        if not text:
            return []
        return [self._text_chunk(self._reasoning_field, text)]

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
        opening = '{"input": "' if custom else ""
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
        text = json.dumps(delta)[1:-1] if state[1] else delta
        return [self._args_chunk(state, text)]

    def _on_item_done(self, event: Any) -> list[Any]:
        item = event.item
        if item.type in _FORM_CALLS:
            return self._form_call(event.output_index, item)
        if item.type not in ("function_call", "custom_tool_call"):
            if item.type == "reasoning" and getattr(item, "encrypted_content", None):
                self.rec.drop(
                    f"output[{event.output_index}].encrypted_content",
                    _ENCRYPTED_REASONING,
                    "translate.stream.encrypted_reasoning_dropped",
                    lossy=False,
                )
            if item.type not in _TEXT_ITEMS:
                self.rec.drop(
                    f"output[{event.output_index}]",
                    f"a {item.type} item has no Chat Completions form",
                    "translate.stream.item_dropped",
                    item_type=item.type,
                )
            return []
        out: list[Any] = []
        key = item.id or f"@{event.output_index}"
        state = self._calls.get(key)
        if state is None:
            state_key = (
                self._by_output.get(event.output_index) if event.output_index is not None else None
            )
            state = self._calls.get(state_key) if state_key else None
        if state is None:
            # Never announced: the whole call now.
            out.extend(self._start_call(event.output_index, item))
            state = self._calls[item.id or f"@{event.output_index}"]
        full = '{"input": ' + json.dumps(item.input) + "}" if state[1] else item.arguments
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
        self._finished = True
        response: Response = event.response
        self.final = response
        if event.type == "response.failed":
            raise error_from_event(event)
        reason = chat_finish_reason(response, called_tools=bool(self._calls))
        if event.type == "response.incomplete" and response.incomplete_details is None:
            reason = "length"
        out: list[Any] = [self._chunk(None, reason)]
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
        self._finished = True
        raise error_from_event(event)


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

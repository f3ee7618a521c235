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
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .._errors import WireshiftError
from .._profiles import Profile, get_profile
from .._toolnames import ToolNameMap
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
from ..responses._events import ResponseErrorEvent, parse_response_event
from ..responses._response import Response, ResponseUsage

__all__ = [
    "ResponsesToChatStream",
    "UpstreamError",
    "chat_finish_reason",
    "error_from_event",
    "responses_to_chat_chunks",
    "responses_usage_to_chat",
]

# Error codes and the HTTP status a gateway answers with; anything else is a bad gateway.
_STATUS_BY_CODE = {
    "rate_limit_exceeded": 429,
    "insufficient_quota": 429,
    "invalid_request_error": 400,
    "invalid_prompt": 400,
    "context_length_exceeded": 400,
    "invalid_api_key": 401,
    "authentication_error": 401,
    "permission_denied": 403,
    "not_found": 404,
    "model_not_found": 404,
    "server_error": 502,
    "server_is_overloaded": 503,
}


class UpstreamError(WireshiftError):
    """The upstream ended the response with an error.

    ``status`` is the HTTP status to answer with (the event's own ``status`` when it has one,
    else one chosen from ``code``, else 502); :meth:`to_body` is the Chat-style error body.
    """

    def __init__(
        self, message: str, *, code: str | None = None, status: int | None = None, event: Any = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status or _STATUS_BY_CODE.get(code or "", 502)
        self.event = event

    def to_body(self) -> dict[str, Any]:
        """``{"error": {"message", "type", "code"}}``, what Chat clients expect."""
        kind = "invalid_request_error" if 400 <= self.status < 500 else "server_error"
        return {"error": {"message": self.message, "type": kind, "code": self.code}}


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
            event=event,
        )
    response: Response | None = getattr(event, "response", None)
    error = response.error if response is not None else None
    top = getattr(event, "error", None)  # some backends put it on the event, not the response
    message: str | None = (error.message if error else None) or getattr(top, "message", None)
    code: str | None = (error.code if error else None) or getattr(top, "code", None)
    return UpstreamError(
        message or "the upstream response failed without a message", code=code, event=event
    )


class ResponsesToChatStream:
    """Translates one Responses stream into ``ChatCompletionChunk`` models.

    ``tool_names`` flattens namespaced calls back into the chat names the client knows;
    ``profile.reasoning_reply_fields[0]`` names the delta field reasoning goes to.
    """

    def __init__(
        self,
        *,
        tool_names: ToolNameMap | None = None,
        profile: str | Profile | None = None,
        include_usage: bool = True,
    ) -> None:
        self.profile = get_profile(profile)
        self.tool_names = tool_names
        self.include_usage = include_usage
        fields = self.profile.reasoning_reply_fields
        self._reasoning_field = fields[0] if fields else "reasoning_content"
        self._id = "chatcmpl-0"
        self._model: str | None = None
        self._created = 0
        # Tool calls by item id (and output index): (chat index, custom?, argument text sent).
        self._calls: dict[str, list[Any]] = {}
        self._by_output: dict[int, str] = {}
        self._summary_index = (-1, -1)
        self._finished = False
        self.final: Response | None = None

    def _chunk(
        self, delta: ChunkDelta | None, finish_reason: str | None = None
    ) -> ChatCompletionChunk:
        choice = ChunkChoice.model_construct(
            index=0, delta=delta or ChunkDelta.model_construct(), finish_reason=finish_reason
        )
        return ChatCompletionChunk.model_construct(
            id=self._id,
            object="chat.completion.chunk",
            created=self._created,
            model=self._model or "",
            choices=[choice],
        )

    def feed(self, event: Any) -> list[ChatCompletionChunk]:
        """Take one event (a model, mapping or JSON text) and return the chunks it gives."""
        if self._finished:
            return []
        if not hasattr(event, "type") or isinstance(event, (str, bytes, dict)):
            event = parse_response_event(event)
        kind: str = event.type
        handler = _HANDLERS.get(kind)
        return handler(self, event) if handler is not None else []

    def close(self) -> list[ChatCompletionChunk]:
        """End of input; a stream without its terminal event raises :class:`UpstreamError`."""
        if self._finished:
            return []
        self._finished = True
        raise UpstreamError(
            "the upstream stream ended before response.completed", code="stream_interrupted"
        )

    # --- handlers ---------------------------------------------------------------------

    def _on_created(self, event: Any) -> list[ChatCompletionChunk]:
        response: Response = event.response
        if response.id:
            self._id = "chatcmpl-" + response.id.removeprefix("resp_")
        self._model = response.model
        if response.created_at is not None:
            self._created = int(response.created_at)
        return [self._chunk(ChunkDelta.model_construct(role="assistant", content=""))]

    def _on_text(self, event: Any) -> list[ChatCompletionChunk]:
        if not event.delta:
            return []
        return [self._chunk(ChunkDelta.model_construct(content=event.delta))]

    def _on_refusal(self, event: Any) -> list[ChatCompletionChunk]:
        return [self._chunk(ChunkDelta.model_construct(refusal=event.delta))]

    def _on_reasoning(self, event: Any) -> list[ChatCompletionChunk]:
        text: str = event.delta
        index = getattr(event, "summary_index", None)
        if index is not None:
            # A new summary part reads as a new paragraph.
            key = (event.output_index or 0, index)
            if key != self._summary_index:
                if self._summary_index[0] == key[0] and index > 0:
                    text = "\n\n" + text
                self._summary_index = key
        if not text:
            return []
        fields: dict[str, Any] = {self._reasoning_field: text}
        return [self._chunk(ChunkDelta.model_construct(**fields))]

    def _on_item_added(self, event: Any) -> list[ChatCompletionChunk]:
        item = event.item
        if item.type not in ("function_call", "custom_tool_call"):
            return []
        return self._start_call(event.output_index, item)

    def _start_call(self, output_index: int | None, item: Any) -> list[ChatCompletionChunk]:
        key = item.id or f"@{output_index}"
        custom = item.type == "custom_tool_call"
        name = item.name
        if self.tool_names is not None:
            name = self.tool_names.chat_name(name, getattr(item, "namespace", None))
        index = len(self._calls)
        state = [index, custom, ""]
        self._calls[key] = state
        if output_index is not None:
            self._by_output[output_index] = key
        opening = '{"input": "' if custom else ""
        state[2] = opening
        tool = ToolCallDelta.model_construct(
            index=index,
            id=item.call_id or key,
            type="function",
            function=FunctionCallDelta.model_construct(name=name, arguments=opening),
        )
        return [self._chunk(ChunkDelta.model_construct(tool_calls=[tool]))]

    def _find_call(self, event: Any) -> list[Any] | None:
        state = self._calls.get(event.item_id) if event.item_id else None
        if state is None and event.output_index is not None:
            key = self._by_output.get(event.output_index)
            state = self._calls.get(key) if key is not None else None
        return state

    def _args_chunk(self, state: list[Any], text: str) -> ChatCompletionChunk:
        state[2] += text
        tool = ToolCallDelta.model_construct(
            index=state[0], function=FunctionCallDelta.model_construct(arguments=text)
        )
        return self._chunk(ChunkDelta.model_construct(tool_calls=[tool]))

    def _on_args_delta(self, event: Any) -> list[ChatCompletionChunk]:
        state = self._find_call(event)
        if state is None or not event.delta:
            return []
        text = json.dumps(event.delta)[1:-1] if state[1] else event.delta
        return [self._args_chunk(state, text)]

    def _on_item_done(self, event: Any) -> list[ChatCompletionChunk]:
        item = event.item
        if item.type not in ("function_call", "custom_tool_call"):
            return []
        out: list[ChatCompletionChunk] = []
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
        sent: str = state[2]
        if full.startswith(sent) and len(full) > len(sent):
            out.append(self._args_chunk(state, full[len(sent) :]))
        return out

    def _on_terminal(self, event: Any) -> list[ChatCompletionChunk]:
        self._finished = True
        response: Response = event.response
        self.final = response
        if event.type == "response.failed":
            raise error_from_event(event)
        reason = chat_finish_reason(response, called_tools=bool(self._calls))
        if event.type == "response.incomplete" and response.incomplete_details is None:
            reason = "length"
        out = [self._chunk(None, reason)]
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

    def _on_error(self, event: Any) -> list[ChatCompletionChunk]:
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
    "response.completed": ResponsesToChatStream._on_terminal,
    "response.incomplete": ResponsesToChatStream._on_terminal,
    "response.failed": ResponsesToChatStream._on_terminal,
    "error": ResponsesToChatStream._on_error,
}


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

"""Non-streaming bodies: a ``ChatCompletion`` to a ``Response`` and back.

Chat -> Responses runs the completion through the stream translator as one chunk, so both
paths share every rule (reasoning fields, ``<think>`` tags, restored tool names, endings).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from typing import Any, Literal, overload

from .._boundary import boundary
from .._errors import ArgumentTypeError, UpstreamError
from .._format import Format, check_format
from .._json import DEFAULT_MAX_DEPTH, check_depth, check_max_depth, load_json
from .._model import JSONInput
from .._notes import Note
from .._profiles import Profile, get_profile
from .._rules import (
    chat_finish_reason,
    custom_input_arguments,
    reasoning_item_text,
    responses_usage_to_chat,
    whole_seconds,
)
from .._store import PendingResponse
from .._toolnames import ToolNameMap
from .._wire._fold import read_body
from ..accumulate import AccumulatedChatCompletion, AccumulatedResponse, AccumulatedStream
from ..chat._completion import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionMessage,
    ChunkChoice,
    ChunkDelta,
    FunctionCallDelta,
    ToolCallDelta,
)
from ..responses._content import OutputText, Refusal
from ..responses._items import CustomToolCall, FunctionCall, Message, ReasoningItem
from ..responses._response import Response
from ..responses._shell_items import ApplyPatchCall, LocalShellCall, ShellCall
from ._compaction_stream import compaction_response
from ._context import Recorder
from ._restore import restore_output
from ._result import TranslatedChatCompletion, TranslatedResponse
from ._stream_to_chat import _ENCRYPTED_REASONING
from ._stream_to_responses import ChatToResponsesStream, ReasoningStyle
from ._toolforms import form_call_arguments

__all__ = ["chat_completion_to_response", "response_to_chat_completion", "translate_response"]


def chat_completion_to_response(
    body: JSONInput,
    *,
    tool_names: ToolNameMap | None = None,
    profile: str | Profile | None = None,
    reasoning: ReasoningStyle | None = None,
    rec: Recorder | None = None,
    failure: UpstreamError | None = None,
) -> Response:
    """A ``ChatCompletion`` as a Responses ``Response`` (all 31 resource fields set); what
    it cannot carry is noted in ``rec``. With ``failure`` (the stream it was accumulated
    from failed), a failed response, as the stream translation ends such a stream."""
    rec = rec or Recorder()
    completion = read_body(ChatCompletion.parse, body, rec.record)
    state = ChatToResponsesStream(tool_names=tool_names, profile=profile, reasoning=reasoning)
    state.rec = rec
    choices = [
        ChunkChoice(
            index=position if c.index is None else c.index,
            delta=_as_delta(c.message, f"choices[{position}].message", rec),
            finish_reason=c.finish_reason,
            logprobs=c.logprobs,
        )
        for position, c in enumerate(completion.choices)
    ]
    chunk = ChatCompletionChunk(
        id=completion.id,
        created=completion.created,
        model=completion.model,
        choices=choices,
        usage=completion.usage,
    )
    state.feed(chunk)
    if failure is not None:
        state.fail(failure)
    else:
        state.mark_done()  # a whole body is never cut, even without a finish_reason
        state.close()
    assert state.final is not None
    return state.final


def _as_delta(message: ChatCompletionMessage, path: str, rec: Recorder) -> ChunkDelta:
    fields = message.to_dict()
    calls = fields.pop("tool_calls", None) or []
    for key in ("annotations", "audio"):
        if fields.pop(key, None):
            rec.drop(
                f"{path}.{key}",
                f"the Responses message carries no chat {key}",
                f"translate.response.{key}_dropped",
            )
    delta = ChunkDelta.parse(fields)
    if calls:
        deltas = [
            _call_delta(i, call, f"{path}.tool_calls[{i}]", rec) for i, call in enumerate(calls)
        ]
        delta.tool_calls = [d for d in deltas if d is not None]
    return delta


def _call_delta(index: int, call: Any, path: str, rec: Recorder) -> ToolCallDelta | None:
    """One whole tool call as the delta that carries it; ``None`` (dropped, noted) for a
    call of no shape a tool call has."""
    body = call.get("function") or call.get("custom") if isinstance(call, dict) else None
    name = body.get("name") if isinstance(body, dict) else None
    call_id = call.get("id") if isinstance(call, dict) else None
    if not isinstance(name, str) or not (call_id is None or isinstance(call_id, str)):
        rec.drop(
            path, "a tool call with no function name or id of text", "translate.response.bad_call"
        )
        return None
    return ToolCallDelta(
        index=index,
        id=call_id,
        type="function",
        function=FunctionCallDelta(name=name, arguments=_call_arguments(call)),
    )


def _call_arguments(call: dict[str, Any]) -> str:
    custom = call.get("custom")
    if isinstance(custom, dict):  # a custom call: its raw input, in the function form
        raw = custom.get("input", "")
        return custom_input_arguments(raw if isinstance(raw, str) else json.dumps(raw))
    function = call.get("function")
    args = function.get("arguments") if isinstance(function, dict) else None
    return args if isinstance(args, str) else json.dumps(args or {})


def response_to_chat_completion(
    body: JSONInput,
    *,
    tool_names: ToolNameMap | None = None,
    profile: str | Profile | None = None,
    rec: Recorder | None = None,
) -> ChatCompletion:
    """A Responses ``Response`` as a ``ChatCompletion``; what it cannot carry is noted in
    ``rec``.

    Raises :class:`UpstreamError` for a failed response.
    """
    rec = rec or Recorder()
    response = read_body(Response.parse, body, rec.record)
    if response.status == "failed" or response.error is not None:
        raise UpstreamError.from_failed(response)[0]
    reasoning_field = get_profile(profile).reasoning_reply_field
    texts: list[str] = []
    refusals: list[str] = []
    reasoning: list[str] = []
    calls: list[dict[str, Any]] = []
    for position, item in enumerate(response.output):
        if isinstance(item, Message):
            if isinstance(item.content, str):
                texts.append(item.content)
                continue
            for n, part in enumerate(item.content):
                if isinstance(part, OutputText):
                    texts.append(part.text)
                    if part.annotations:
                        rec.drop(
                            f"output[{position}].content[{n}].annotations",
                            "the chat message carries no Responses annotations",
                            "translate.response.annotations_dropped",
                        )
                elif isinstance(part, Refusal) and part.refusal:
                    refusals.append(part.refusal)
        elif isinstance(item, ReasoningItem):
            reasoning.append(
                reasoning_item_text(
                    (getattr(p, "text", "") for p in item.summary),
                    (getattr(p, "text", "") for p in item.content or ()),
                )
            )
            if item.encrypted_content:
                rec.drop(
                    f"output[{position}].encrypted_content",
                    _ENCRYPTED_REASONING,
                    "translate.response.encrypted_reasoning_dropped",
                    lossy=False,
                )
        elif isinstance(item, (FunctionCall, CustomToolCall)):
            name = item.name
            if tool_names is not None:
                name = tool_names.chat_name(name, item.namespace)
            arguments = (
                custom_input_arguments(item.input)
                if isinstance(item, CustomToolCall)
                else item.arguments
            )
            calls.append(
                {
                    "id": item.call_id,
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            )
        elif isinstance(item, (LocalShellCall, ShellCall, ApplyPatchCall)):
            form, arguments = form_call_arguments(item)
            name = tool_names.chat_name(form.name) if tool_names is not None else form.name
            calls.append(
                {
                    "id": item.call_id,
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            )
        else:
            kind = getattr(item, "type", None)
            rec.drop(
                f"output[{position}]",
                f"a {kind} item has no Chat Completions form",
                "translate.response.item_dropped",
                item_type=kind,
            )
    message: dict[str, Any] = {
        "role": "assistant",
        "content": "".join(texts) if texts or not calls else None,
    }
    if refusals:
        message["refusal"] = "".join(refusals)
    if reasoning:
        message[reasoning_field] = "\n\n".join(r for r in reasoning if r)
    if calls:
        message["tool_calls"] = calls
    completion: dict[str, Any] = {
        "id": "chatcmpl-" + (response.id or "0").removeprefix("resp_"),
        "object": "chat.completion",
        "created": whole_seconds(response.created_at) or 0,
        "model": response.model or "",
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": chat_finish_reason(
                    response.status,
                    response.incomplete_details.reason if response.incomplete_details else None,
                    called_tools=bool(calls),
                ),
                "logprobs": None,
            }
        ],
    }
    if response.usage is not None:
        completion["usage"] = responses_usage_to_chat(response.usage).to_dict()
    return ChatCompletion.parse(completion)


def _is_response(payload: Any) -> bool:
    """Whether a body is a Responses ``response`` (not a chat completion)."""
    if isinstance(payload, Response):
        return True
    return (
        isinstance(payload, Mapping)
        and "choices" not in payload
        and (payload.get("object") == "response" or isinstance(payload.get("output"), list))
    )


@overload
def translate_response(
    body: JSONInput | AccumulatedStream,
    *,
    to: Literal["responses"],
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    max_depth: int = ...,
    turn: PendingResponse | None = ...,
) -> TranslatedResponse: ...
@overload
def translate_response(
    body: JSONInput | AccumulatedStream,
    *,
    to: Literal["chat"],
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    max_depth: int = ...,
    turn: PendingResponse | None = ...,
) -> TranslatedChatCompletion: ...
@overload
def translate_response(
    body: JSONInput | AccumulatedStream,
    *,
    to: Format,
    tool_names: ToolNameMap | None = ...,
    profile: str | Profile | None = ...,
    strict: bool = ...,
    notes: list[Note] | None = ...,
    max_depth: int = ...,
    turn: PendingResponse | None = ...,
) -> TranslatedResponse | TranslatedChatCompletion: ...
@boundary("translate_response")
def translate_response(
    body: JSONInput | AccumulatedStream,
    *,
    to: Format,
    tool_names: ToolNameMap | None = None,
    profile: str | Profile | None = None,
    strict: bool = False,
    notes: list[Note] | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    turn: PendingResponse | None = None,
) -> TranslatedResponse | TranslatedChatCompletion:
    """Translate a non-streaming body: a ``ChatCompletion`` ``to="responses"``, or a
    ``Response`` ``to="chat"``. ``tool_names`` is the request translation's map.

    ``body`` may also be what :func:`~wireshift.accumulate_stream` returned (a gateway
    collapsing a stream for a client that asked for JSON): then its ``error`` and
    ``truncated`` count as they would in the stream. To Responses, the response is
    ``failed`` with that error, keeping the text received and leaving out tool calls the
    upstream never confirmed; to chat, the error is raised as :class:`UpstreamError`.

    Returns a :class:`TranslatedResponse` or :class:`TranslatedChatCompletion`: the object
    (``.response`` / ``.completion``, both also ``.final``), ``.data``, ``.body`` and
    ``.notes``, which say what the target could not carry (choices after the first,
    annotations, items with no chat form); with ``strict=True`` a lossy step raises
    :class:`TranslationError` instead. (``notes=``, a list the notes were appended to, is
    deprecated: read ``.notes``.) A body nested deeper than ``max_depth`` levels raises
    :class:`~wireshift.NestingTooDeepError`. ``turn`` (a translated request's ``turn``, with
    a response store) records the finished Responses response there.
    """
    to = check_format(to)
    max_depth = check_max_depth(max_depth)
    rec = Recorder(strict=strict)
    if notes is not None:
        warnings.warn(
            "notes= is deprecated: translate_response returns its notes as .notes",
            DeprecationWarning,
            stacklevel=3,  # past the boundary guard
        )
        rec.notes = notes
    failure: UpstreamError | None = None
    payload: JSONInput
    if isinstance(body, (AccumulatedResponse, AccumulatedChatCompletion)):
        failure = body.error or (
            UpstreamError.interrupted("before its end") if body.truncated else None
        )
        payload = body.final
    elif isinstance(body, AccumulatedStream):  # pragma: no cover - there are two kinds
        raise ArgumentTypeError(f"cannot translate a {type(body).__name__}", argument="body")
    elif isinstance(body, (bytes, bytearray, str)):
        payload = load_json(body, what="response body", max_depth=max_depth)
    else:
        payload = body
        if isinstance(body, Mapping):
            check_depth(body, what="response body", max_depth=max_depth)
    if to == "responses" and _is_response(payload):
        # A native Responses server's reply: only the calls of flattened tools change.
        data = payload.to_dict() if isinstance(payload, Response) else dict(payload)  # type: ignore[arg-type]
        data = restore_output(data, tool_names or ToolNameMap(), rec, "body")
        if turn is not None:
            turn.record(data)
        return TranslatedResponse(response=Response.parse(data), notes=rec.notes)
    if to == "responses":
        response = chat_completion_to_response(
            payload, tool_names=tool_names, profile=profile, rec=rec, failure=failure
        )
        if turn is not None and turn.compaction_key is not None and response.status != "failed":
            compacted = compaction_response(response.to_dict(), turn.compaction_key)
            if compacted is None:
                raise UpstreamError(
                    "the backend answered the compaction request with no summary text",
                    code="server_error",
                )
            response = Response.parse(compacted)
        if turn is not None:
            turn.record(response.to_dict())
        return TranslatedResponse(response=response, notes=rec.notes)
    if failure is not None:
        raise failure
    completion = response_to_chat_completion(
        payload, tool_names=tool_names, profile=profile, rec=rec
    )
    return TranslatedChatCompletion(completion=completion, notes=rec.notes)

"""``warm_up``: build at startup what the first translations would build on first use."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["warm_up"]


def _chat_chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
    chunk = {
        "id": "chatcmpl-warm",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "warm",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()


def _samples() -> tuple[dict[str, Any], list[bytes]]:
    """A Responses request with the usual tools and items, and a chat stream with reasoning,
    text and a tool call."""
    parameters = {"type": "object", "properties": {"cmd": {"type": "string"}}}
    request = {
        "model": "warm",
        "stream": True,
        "instructions": "warm up",
        "tools": [
            {"type": "function", "name": "run", "parameters": parameters, "strict": False},
            {"type": "custom", "name": "patch", "description": "a patch"},
            {
                "type": "namespace",
                "name": "ns",
                "description": "tools",
                "tools": [{"type": "function", "name": "inner", "parameters": parameters}],
            },
            {"type": "web_search"},
        ],
        "tool_choice": "auto",
        "parallel_tool_calls": True,
        "reasoning": {"effort": "low", "summary": "auto"},
        "include": ["reasoning.encrypted_content"],
        "input": [
            {
                "type": "message",
                "role": "developer",
                "content": [{"type": "input_text", "text": "d"}],
            },
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "u"}]},
            {"type": "reasoning", "summary": [{"type": "summary_text", "text": "r"}]},
            {"type": "function_call", "call_id": "c1", "name": "run", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "ok"},
            {"type": "custom_tool_call", "call_id": "c2", "name": "patch", "input": "x"},
            {"type": "custom_tool_call_output", "call_id": "c2", "output": "ok"},
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "a"}],
            },
        ],
    }
    call = {"index": 0, "id": "c3", "type": "function", "function": {"name": "run"}}
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    stream = [
        _chat_chunk({"role": "assistant", "reasoning_content": "think"}),
        _chat_chunk({"content": "hello"}),
        _chat_chunk({"content": " there"}),
        _chat_chunk({"tool_calls": [{**call, "function": {"name": "run", "arguments": ""}}]}),
        _chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"cmd":"ls"}'}}]}),
        _chat_chunk({}, "tool_calls"),
        _chat_chunk({}, choices=[], usage=usage),  # the usage chunk: no choices
        b"data: [DONE]\n\n",
    ]
    return request, stream


def warm_up() -> None:
    """Build now what translations build on first use: the model packages, their validators
    and serializers, the stream translators and accumulators of both formats.

    For a gateway, at startup, followed by ``gc.freeze()``: the first request then pays
    nothing, and all of it stays out of the garbage collector's full passes (left unfrozen,
    about 30,000 objects a proxy walked again and again while streaming; see
    ``docs/codex-proxy.md``). It translates a few small built-in payloads, both ways, and
    keeps nothing; calling it again does no harm."""
    from .._format import Format
    from ..accumulate import accumulate_stream
    from ._api import translate_request
    from ._response_body import translate_response
    from ._stream_api import translate_stream

    request, chat_stream = _samples()
    sent = translate_request(json.dumps(request), to="chat")
    translate_request(sent.data, to="responses", tool_names=sent.tool_names)
    events = list(
        translate_stream(chat_stream, to="responses", tool_names=sent.tool_names, encode=True)
    )
    targets: tuple[Format, ...] = ("chat", "responses")
    for to in targets:
        list(translate_stream(events, to=to, tool_names=sent.tool_names, encode=True))
    translate_response(accumulate_stream(chat_stream), to="responses", tool_names=sent.tool_names)
    translate_response(accumulate_stream(events), to="chat", tool_names=sent.tool_names)

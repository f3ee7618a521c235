"""What a user's ``mypy --strict`` knows each public call returns.

The typecheck session runs mypy over this file, so every ``assert_type`` below is checked
statically (a wrong overload fails CI there); pytest runs the same calls on real data, so
the static types are also what comes back. Calls are written the way the docs write them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from typing_extensions import assert_type

import wireshift
from wireshift import (
    AccumulatedChatCompletion,
    AccumulatedResponse,
    AsyncTranslatedStream,
    Format,
    Note,
    Profile,
    RepairResult,
    SSEEvent,
    ToolNameMap,
    ToolSequenceReport,
    TranslatedChatCompletion,
    TranslatedRequest,
    TranslatedResponse,
    TranslatedStream,
    UpstreamError,
)
from wireshift.chat import ChatCompletion, ChatCompletionChunk
from wireshift.responses import Response, ResponseStreamEvent

STREAMS = Path(__file__).parent / "data" / "streams" / "accumulate"
CHAT = (STREAMS / "chat_tool_calls.sse").read_bytes()
RESPONSES = (STREAMS / "responses_text.sse").read_bytes()
REQUEST: dict[str, Any] = {"model": "m", "input": "List the files.", "stream": True}


def test_requests() -> None:
    request = wireshift.translate_request(REQUEST, to="chat", profile="vllm")
    assert_type(request, TranslatedRequest)
    assert_type(request.body, bytes)
    assert_type(request.data, dict[str, Any])
    assert_type(request.notes, list[Note])
    assert_type(request.tool_names, ToolNameMap)
    assert_type(request.format, Format)
    normalized = wireshift.normalize_request(REQUEST, profile="chatgpt-codex")
    assert_type(normalized, TranslatedRequest)
    assert isinstance(request.body, bytes)
    assert normalized.format == "responses"


def test_bodies() -> None:
    completion = wireshift.accumulate_stream(CHAT, to="chat")
    assert_type(completion, AccumulatedChatCompletion)
    assert_type(completion.completion, ChatCompletion)
    response = wireshift.translate_response(completion, to="responses")
    assert_type(response, TranslatedResponse)
    assert_type(response.response, Response)
    assert_type(response.final, Response)
    assert_type(response.notes, list[Note])
    assert_type(response.body, bytes)
    back = wireshift.translate_response(response.response, to="chat")
    assert_type(back, TranslatedChatCompletion)
    assert_type(back.completion, ChatCompletion)
    assert_type(back.text, str)
    target: Format = "chat"
    either = wireshift.translate_response(response.data, to=target)
    assert_type(either, TranslatedResponse | TranslatedChatCompletion)
    assert isinstance(response.response, Response)
    assert isinstance(back.completion, ChatCompletion)


def test_streams() -> None:
    to_responses = wireshift.translate_stream([CHAT], to="responses")
    assert_type(to_responses, TranslatedStream[ResponseStreamEvent])
    for event in to_responses:
        assert_type(event, ResponseStreamEvent)
    assert_type(to_responses.notes, list[Note])
    assert_type(to_responses.error, UpstreamError | None)
    to_chat = wireshift.translate_stream([RESPONSES], to="chat")
    assert_type(to_chat, TranslatedStream[ChatCompletionChunk])
    chunks = list(to_chat)
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    encoded = wireshift.translate_stream([CHAT], to="responses", encode=True)
    assert_type(encoded, TranslatedStream[bytes])
    assert all(isinstance(data, bytes) for data in encoded)


def test_async_streams() -> None:
    async def body() -> AsyncIterator[bytes]:
        yield CHAT

    async def run() -> list[ResponseStreamEvent]:
        stream = wireshift.atranslate_stream(body(), to="responses")
        assert_type(stream, AsyncTranslatedStream[ResponseStreamEvent])
        first = await anext(stream)
        assert_type(first, ResponseStreamEvent)
        return [first, *[event async for event in stream]]

    async def collapse() -> AccumulatedResponse:
        result = await wireshift.aaccumulate_stream(body(), to="responses")
        assert_type(result, AccumulatedResponse)
        return result

    assert asyncio.run(run())[0].type == "response.created"
    assert asyncio.run(collapse()).truncated  # a chat stream read as Responses: nothing read


def test_accumulation() -> None:
    result = wireshift.accumulate_stream(RESPONSES)
    assert_type(result, AccumulatedResponse | AccumulatedChatCompletion)
    # The result's format narrows the union, as the docs show.
    if result.format == "responses":
        assert_type(result, AccumulatedResponse)
        assert_type(result.response, Response)
    else:
        assert_type(result, AccumulatedChatCompletion)
    assert_type(result.final, Response | ChatCompletion)
    assert_type(result.error, UpstreamError | None)
    assert_type(result.text, str)
    assert result.text == "Hello, world!"
    assert_type(wireshift.accumulate_stream(RESPONSES, to="responses"), AccumulatedResponse)


def test_tool_sequences_and_the_rest() -> None:
    history: list[dict[str, Any]] = [{"role": "tool", "tool_call_id": "c", "content": "x"}]
    report = wireshift.validate_tool_sequence(history, profile="deepseek")
    assert_type(report, ToolSequenceReport)
    assert_type(report.notes, list[Note])
    repaired = wireshift.repair_tool_sequence(history)
    assert_type(repaired, RepairResult)
    assert_type(repaired.notes, list[Note])
    assert_type(wireshift.decode_body(b"{}", "identity"), bytes)
    assert_type(wireshift.get_profile("vllm"), Profile)
    events = list(wireshift.iter_sse([b"data: {}\n\n"]))
    assert_type(events, list[SSEEvent])
    assert not report.ok
    assert repaired.changed

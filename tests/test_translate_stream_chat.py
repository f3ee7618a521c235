"""Responses stream -> chat chunks, failures, and non-streaming bodies both ways."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wireshift import UpstreamError
from wireshift.responses._response import Response
from wireshift.translate._response_body import translate_response
from wireshift.translate._stream_api import translate_stream

DATA = Path(__file__).parent / "data" / "streams"


def _created() -> dict[str, Any]:
    return {"type": "response.created", "response": {"id": "resp_1", "model": "m"}}


def test_failed_with_null_error_reads_the_top_level_message() -> None:
    events = [
        _created(),
        {
            "type": "response.failed",
            "response": {"id": "resp_1", "error": None},
            "error": {"code": "rate_limit_exceeded", "message": "slow down"},
        },
    ]
    with pytest.raises(UpstreamError) as caught:
        list(translate_stream(events, to="chat"))
    assert (caught.value.message, caught.value.status) == ("slow down", 429)


def test_error_event_after_output_encoded_as_error_data_without_done() -> None:
    text = {"type": "response.output_text.delta", "item_id": "m", "delta": "Hi"}
    events = [_created(), text, {"type": "error", "code": "server_error", "message": "boom"}]
    out = list(translate_stream(events, to="chat", encode=True))
    chunks = [json.loads(data.removeprefix(b"data: ")) for data in out]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert chunks[1]["choices"][0]["delta"] == {"content": "Hi"}
    assert chunks[-1]["error"]["message"] == "boom"
    assert b"[DONE]" not in b"".join(out)


@pytest.mark.parametrize("encode", [False, True])
@pytest.mark.parametrize(
    "ending",
    [
        [{"type": "error", "code": "server_error", "message": "boom"}],
        [{"type": "response.failed", "response": {"status": "failed", "error": None}}],
        [],  # cut before its terminal event
    ],
    ids=["error", "failed", "cut"],
)
def test_a_failure_before_any_output_raises_before_any_chunk(
    encode: bool, ending: list[dict[str, Any]]
) -> None:
    # Nothing was produced, so the gateway can still answer with the upstream's status.
    chunks = translate_stream([_created(), *ending], to="chat", encode=encode)
    with pytest.raises(UpstreamError):
        next(chunks)


def test_incomplete_gives_length_and_parallel_calls_keep_their_indexes() -> None:
    call = {"type": "function_call", "name": "f", "arguments": ""}
    events = [
        _created(),
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**call, "id": "fc_1", "call_id": "c1"},
        },
        {
            "type": "response.output_item.added",
            "output_index": 1,
            "item": {**call, "id": "fc_2", "call_id": "c2"},
        },
        {"type": "response.function_call_arguments.delta", "item_id": "fc_2", "delta": "{}"},
        {"type": "response.function_call_arguments.delta", "item_id": "fc_1", "delta": "{"},
        {
            "type": "response.output_item.done",
            "output_index": 0,
            "item": {**call, "id": "fc_1", "call_id": "c1", "arguments": "{}"},
        },
        {
            "type": "response.incomplete",
            "response": {
                "id": "resp_1",
                "status": "incomplete",
                "incomplete_details": {"reason": "max_output_tokens"},
            },
        },
    ]
    chunks = [c.to_dict() for c in translate_stream(events, to="chat")]
    args: dict[int, str] = {}
    for chunk in chunks:
        for tool in chunk["choices"][0]["delta"].get("tool_calls", []) if chunk["choices"] else []:
            args[tool["index"]] = args.get(tool["index"], "") + tool["function"]["arguments"]
    assert args == {0: "{}", 1: "{}"}
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"


def test_bodies_both_ways() -> None:
    completion: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": "ok",
                    "reasoning_content": "hm",
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "f", "arguments": '{"a":1}'},
                        }
                    ],
                },
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }
    translated = translate_response(completion, to="responses")
    response = translated.response
    assert isinstance(response, Response)
    assert (response.output_text, translated.text) == ("ok", "ok")
    back = translate_response(response.to_dict(), to="chat").data
    message = back["choices"][0]["message"]
    assert (message["content"], message["reasoning_content"]) == ("ok", "hm")
    assert (
        message["tool_calls"][0]["function"]
        == completion["choices"][0]["message"]["tool_calls"][0]["function"]
    )
    assert back["choices"][0]["finish_reason"] == "tool_calls"
    assert back["usage"]["total_tokens"] == 5

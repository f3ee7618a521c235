"""Accumulating Chat Completions streams.

Every stream under ``data/streams/accumulate/chat_*.sse`` was written for one provider quirk;
the expected results below are read off the stream text (the pieces written into it), not
produced by the code under test. Each stream is also fed split at every byte boundary and one
byte at a time, and must give the same result every way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import wireshift
import wireshift.chat
from chunking import splits
from payload_paths import paths, strings, without
from wireshift import UpstreamError
from wireshift.accumulate import (
    AccumulatedChatCompletion,
    ChatAccumulator,
    StreamTruncatedError,
    accumulate_stream,
)
from wireshift.chat import ChatCompletion, ChatToolCall

STREAMS = Path(__file__).parent / "data" / "streams" / "accumulate"
CHAT_STREAMS = sorted(STREAMS.glob("chat_*.sse"))


def read(name: str) -> bytes:
    return (STREAMS / name).read_bytes()


def run(name: str, **kwargs: Any) -> AccumulatedChatCompletion:
    result = accumulate_stream(read(name), to="chat", **kwargs)
    assert isinstance(result, AccumulatedChatCompletion)
    return result


def codes(result: AccumulatedChatCompletion) -> list[str]:
    return sorted(note.code for note in result.notes)


def fingerprint(result: AccumulatedChatCompletion) -> dict[str, Any]:
    error = result.error
    return {
        "completion": result.completion.to_dict(),
        "notes": [(n.path, n.action, n.code, n.reason) for n in result.notes],
        "error": None if error is None else (error.code, error.message, error.source, error.raw),
        "truncated": result.truncated,
        "unknown": result.unknown_events,
    }


@pytest.mark.parametrize("path", CHAT_STREAMS, ids=lambda p: p.name)
def test_every_split_gives_the_same_result(path: Path) -> None:
    data = path.read_bytes()
    whole = fingerprint(run(path.name))
    for chunks in splits(data):
        assert fingerprint(accumulate_stream(chunks, to="chat")) == whole, len(chunks)
    # The format is found from the stream itself.
    assert fingerprint(accumulate_stream([data])) == whole  # type: ignore[arg-type]


def message(result: AccumulatedChatCompletion, index: int = 0) -> Any:
    return result.completion.choices[index].message


def calls(result: AccumulatedChatCompletion) -> list[tuple[str | None, str, str]]:
    out = []
    for call in message(result).tool_calls or []:
        assert isinstance(call, ChatToolCall)
        out.append((call.id, call.function.name, call.function.arguments))
    return out


# --- one stream per case --------------------------------------------------------------------


def test_text_with_usage_in_a_chunk_without_choices() -> None:
    result = run("chat_text.sse")
    completion = result.completion
    assert (completion.id, completion.model, completion.created) == (
        "chatcmpl-1",
        "test-model",
        1767225600,
    )
    assert completion.object == "chat.completion"
    assert result.text == "Hel" + "lo" + " there"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.total_tokens) == (9, 12)
    assert (result.notes, result.error, result.truncated) == ([], None, False)


def test_reasoning_fields_of_three_providers() -> None:
    result = run("chat_reasoning.sse")
    reply = message(result)
    assert reply.reasoning_content == "First, " + "think."
    assert reply.reasoning == "vLLM " + "thinks"
    assert reply.reasoning_details == [
        {"type": "reasoning.text", "text": "Step " + "one", "index": 0, "format": "unknown"},
        {"type": "reasoning.encrypted", "data": "ZW5j", "index": 1, "format": "unknown"},
    ]
    assert result.text == "Answer"


def test_refusal() -> None:
    result = run("chat_refusal.sse")
    assert message(result).refusal == "I can't " + "help with that."
    assert message(result).content is None


def test_parallel_tool_calls_by_index() -> None:
    result = run("chat_tool_calls.sse")
    assert calls(result) == [
        ("call_a", "get_weather", '{"city":' + '"Paris"}'),
        ("call_b", "get_time", '{"tz":' + '"CET"}'),
    ]
    assert result.completion.choices[0].finish_reason == "tool_calls"
    assert message(result).content is None


def test_two_ids_at_one_index_are_two_calls() -> None:
    result = run("chat_duplicate_index.sse")
    assert calls(result) == [
        ("call_a", "read", '{"path":"a.txt"}'),
        ("call_b", "read", '{"path":"b.txt"}'),
    ]


def test_whole_calls_in_one_delta_without_index() -> None:
    result = run("chat_whole_calls.sse")
    assert calls(result) == [("call_1", "ls", '{"dir":"/"}'), ("call_2", "pwd", "{}")]


def test_logprobs() -> None:
    result = run("chat_logprobs.sse")
    logprobs = result.completion.choices[0].logprobs
    assert logprobs is not None
    assert [(t.token, t.logprob) for t in logprobs.content or []] == [("Yes", -0.1), (".", -0.5)]
    assert result.text == "Yes."


def test_usage_after_done() -> None:
    result = run("chat_usage_after_done.sse")
    assert result.completion.usage is not None
    assert result.completion.usage.completion_tokens == 3
    assert result.text == "Late usage"


def test_two_choices() -> None:
    result = run("chat_n2.sse")
    first, second = result.completion.choices
    assert (first.index, first.message.content, first.finish_reason) == (0, "Red rose", "length")
    assert (second.index, second.message.content, second.finish_reason) == (1, "Blue sky", "stop")


def test_missing_finish_reason() -> None:
    result = run("chat_missing_finish_reason.sse")
    assert result.text == "No reason"
    assert result.completion.choices[0].finish_reason == "stop"
    assert codes(result) == ["finish_reason_missing"]
    assert not result.truncated


def test_error_mid_stream() -> None:
    result = run("chat_error_midstream.sse")
    assert result.text == "Par" + "tial"
    assert result.error is not None
    # OpenRouter puts the HTTP status in "code": a 502 with nothing more said.
    error = result.error
    assert (error.code, error.upstream_code, error.status) == ("server_error", "502", 502)
    assert (error.message, error.source, error.retryable) == (
        "Provider returned error",
        "chunk.error",
        True,
    )
    assert result.error.raw["metadata"] == {"provider_name": "Example"}
    assert result.completion.choices[0].finish_reason == "error"
    assert result.completion.choices[0].to_dict()["native_finish_reason"] == "error"
    with pytest.raises(UpstreamError) as caught:
        run("chat_error_midstream.sse", raise_on_failure=True)
    assert caught.value.code == "server_error"
    assert isinstance(caught.value.result, AccumulatedChatCompletion)


def test_error_body_alone() -> None:
    result = accumulate_stream(read("chat_error_only.sse"))
    assert isinstance(result, AccumulatedChatCompletion)
    assert result.error is not None
    assert (result.error.code, result.error.message, result.error.type) == (
        "authentication_error",
        "Invalid API key",
        "invalid_request_error",
    )
    assert (result.error.upstream_code, result.error.status) == ("invalid_api_key", 401)
    assert not result.error.retryable
    assert result.completion.choices == []


def test_truncated() -> None:
    result = run("chat_truncated.sse")
    assert (result.truncated, result.text) == (True, "Cut " + "short")
    assert result.completion.choices[0].finish_reason is None
    assert codes(result) == ["stream_truncated"]
    with pytest.raises(StreamTruncatedError) as caught:
        run("chat_truncated.sse", raise_on_failure=True)
    assert isinstance(caught.value.result, AccumulatedChatCompletion)
    assert run("chat_text.sse", raise_on_failure=True).text == "Hello there"


def test_azure_filter_chunk_and_comments() -> None:
    result = run("chat_comments_azure.sse")
    body = result.completion.to_dict()
    # The filter chunk's empty id, model and created do not hide the real ones.
    assert (body["id"], body["model"], body["created"]) == ("chatcmpl-1", "test-model", 1767225600)
    assert body["prompt_filter_results"][0]["prompt_index"] == 0
    choice = body["choices"][0]
    assert choice["content_filter_results"] == {"hate": {"filtered": False, "severity": "safe"}}
    assert result.text == "Filtered"
    assert result.notes == []


def test_drifted_chunks_are_folded_in() -> None:
    result = run("chat_drift.sse")
    assert calls(result) == [("call_x", "go", '{"x":1}')]
    assert result.text == "7"
    assert result.completion.usage is not None
    assert result.completion.usage.prompt_tokens is None
    assert result.completion.usage.completion_tokens == 2
    assert codes(result) == ["event_drift"] * 3


# --- inputs and pieces -------------------------------------------------------------------------


def test_every_kind_of_input_gives_the_same_result() -> None:
    expected = fingerprint(run("chat_reasoning.sse"))
    events = list(wireshift.iter_sse([read("chat_reasoning.sse")]))
    dicts = [json.loads(e.data) for e in events if e.data != "[DONE]"]
    models = [wireshift.chat.ChatCompletionChunk.parse(d) for d in dicts]
    for feed in (events, dicts, models):
        result = accumulate_stream(feed, to="chat")
        if feed is not events:
            # Without [DONE], the finish_reason says the stream ended.
            assert not result.truncated
        assert result.completion.to_dict() == expected["completion"]


def test_unknown_and_unreadable_payloads_are_kept() -> None:
    stream = (
        b'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,'
        b'"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\n'
        b"data: not json\n\n"
        b'data: {"type":"response.output_text.delta","delta":"stray"}\n\n'
        b'data: {"error":"plain text error"}\n\n'
        b"data: [DONE]\n\n"
    )
    result = accumulate_stream(stream, to="chat")
    assert result.text == "ok"
    assert result.unknown_events == [
        {"data": "not json"},
        {"type": "response.output_text.delta", "delta": "stray"},
    ]
    assert result.error is not None
    assert result.error.message == "plain text error"
    assert codes(result) == ["event_unreadable", "unknown_event"]


def test_tool_call_edge_cases() -> None:
    def chunk(*tool_calls: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        delta = {"tool_calls": list(tool_calls)}
        return {
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    stream = [
        # The id repeated on every piece: one call.
        chunk({"index": 0, "id": "a", "function": {"name": "f", "arguments": '{"x"'}}),
        chunk({"index": 0, "id": "a", "function": {"arguments": ":1}"}}),
        # A new name at the same index, without an id: a new call.
        chunk({"index": 0, "function": {"name": "g", "arguments": "{}"}}),
        # The same name again after complete arguments: a new call (whole calls at index 0).
        chunk({"index": 0, "function": {"name": "g", "arguments": '{"again":1}'}}),
        # Pieces with no index continue the last call, even when they repeat its name
        # while its arguments are unfinished.
        chunk({"function": {"name": "h", "arguments": "["}}),
        chunk({"function": {"name": "h", "arguments": "1"}}),
        chunk({"function": {"arguments": "]"}}),
        # A custom tool call, its input in pieces.
        chunk(
            {"index": 3, "id": "c", "type": "custom", "custom": {"name": "patch", "input": "*** "}}
        ),
        chunk({"index": 3, "custom": {"input": "End"}}, finish="tool_calls"),
    ]
    result = accumulate_stream(stream, to="chat")
    body = result.completion.to_dict()["choices"][0]["message"]["tool_calls"]
    assert body == [
        {"type": "function", "id": "a", "function": {"name": "f", "arguments": '{"x":1}'}},
        {"type": "function", "function": {"name": "g", "arguments": "{}"}},
        {"type": "function", "function": {"name": "g", "arguments": '{"again":1}'}},
        {"type": "function", "function": {"name": "h", "arguments": "[1]"}},
        {"type": "custom", "id": "c", "custom": {"name": "patch", "input": "*** End"}},
    ]
    # A call whose name never came is kept, its name filled, with a note.
    nameless = accumulate_stream(
        [chunk({"index": 0, "id": "z", "function": {"arguments": "{}"}}, finish="tool_calls")],
        to="chat",
    )
    assert calls(nameless) == [("z", "", "{}")]
    assert codes(nameless) == ["completion_drift"]


def test_legacy_function_call_audio_and_annotations() -> None:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    cite = {
        "type": "url_citation",
        "url_citation": {"url": "u", "title": "t", "start_index": 0, "end_index": 1},
    }
    stream = [
        chunk({"function_call": {"name": "old", "arguments": '{"a"'}}),
        chunk({"function_call": {"arguments": ":1}"}}),
        chunk({"audio": {"id": "aud_1", "data": "AAA", "transcript": "he", "expires_at": 5}}),
        chunk({"audio": {"id": "aud_1", "data": "BBB", "transcript": "llo"}}),
        chunk({"annotations": [cite], "vendor_text": "x"}),
        chunk({"vendor_text": "y"}, finish="function_call"),
    ]
    result = accumulate_stream(stream, to="chat")
    body = result.completion.to_dict()["choices"][0]["message"]
    assert body["function_call"] == {"name": "old", "arguments": '{"a":1}'}
    assert body["audio"] == {
        "id": "aud_1",
        "data": "AAABBB",
        "transcript": "hello",
        "expires_at": 5,
    }
    assert body["annotations"] == [cite]
    assert body["vendor_text"] == "xy"


def test_snapshot_as_the_stream_goes() -> None:
    accumulator = ChatAccumulator()
    texts = []
    for event in wireshift.iter_sse([read("chat_text.sse")]):
        accumulator.feed(event)
        snapshot = accumulator.snapshot()
        assert isinstance(snapshot, ChatCompletion)
        texts.append(snapshot.choices[0].message.content if snapshot.choices else None)
    assert texts[:4] == ["", "Hel", "Hello", "Hello there"]
    assert accumulator.finish().text == "Hello there"


# --- generated streams -------------------------------------------------------------------------


def _base_chunks(
    content: list[str], reasoning: list[str], args: list[list[str]]
) -> list[dict[str, Any]]:
    chunks: list[dict[str, Any]] = []

    def add(delta: dict[str, Any], finish: str | None = None) -> None:
        chunks.append(
            {
                "id": "c",
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
        )

    add({"role": "assistant", "content": ""})
    for piece in reasoning:
        add({"reasoning_content": piece})
    for piece in content:
        add({"content": piece})
    for number, pieces in enumerate(args):
        add(
            {
                "tool_calls": [
                    {
                        "index": number,
                        "id": f"call_{number}",
                        "type": "function",
                        "function": {"name": f"f{number}", "arguments": ""},
                    }
                ]
            }
        )
        for piece in pieces:
            add({"tool_calls": [{"index": number, "function": {"arguments": piece}}]})
    add({}, "tool_calls" if args else "stop")
    chunks.append(
        {"id": "c", "object": "chat.completion.chunk", "choices": [], "usage": {"total_tokens": 3}}
    )
    return chunks


def _received(chunk: dict[str, Any]) -> list[str]:
    """The text pieces a chunk carries."""
    out: list[str] = []
    choices = chunk.get("choices")
    for choice in choices if isinstance(choices, list) else []:
        delta = choice.get("delta") if isinstance(choice, dict) else None
        if not isinstance(delta, dict):
            continue
        for key in ("content", "reasoning_content"):
            if isinstance(delta.get(key), str):
                out.append(delta[key])
        for call in delta.get("tool_calls") or []:
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                out.append(function["arguments"])
    return [piece for piece in out if piece]


pieces = st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    content=pieces,
    reasoning=pieces,
    args=st.lists(pieces, max_size=3),
    as_sse=st.booleans(),
)
def test_generated_streams_never_raise_and_never_lose_a_delta(
    data: st.DataObject,
    content: list[str],
    reasoning: list[str],
    args: list[list[str]],
    as_sse: bool,
) -> None:
    chunks = _base_chunks(content, reasoning, args)
    for _ in range(data.draw(st.integers(0, 4), label="swaps")):
        i = data.draw(st.integers(0, len(chunks) - 1))
        j = data.draw(st.integers(0, len(chunks) - 1))
        chunks[i], chunks[j] = chunks[j], chunks[i]
    for _ in range(data.draw(st.integers(0, 3), label="duplicates")):
        i = data.draw(st.integers(0, len(chunks) - 1))
        chunks.insert(i, chunks[i])
    for _ in range(data.draw(st.integers(0, 4), label="removals")):
        i = data.draw(st.integers(0, len(chunks) - 1))
        found = paths(chunks[i])
        if found:
            chunks[i] = without(chunks[i], data.draw(st.sampled_from(found)))
    chunks = chunks[: data.draw(st.integers(0, len(chunks)), label="cut")]
    received = [piece for chunk in chunks for piece in _received(chunk)]
    feed: list[Any] = chunks
    if as_sse:
        feed = [wireshift.encode_sse(chunk) for chunk in chunks] + [wireshift.DONE]
    result = accumulate_stream(feed, to="chat")
    held = strings(result.completion.to_dict()) + strings(result.unknown_events)
    for piece in received:
        assert any(piece in text for text in held), piece


# --- against openai-python ---------------------------------------------------------------------


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


@pytest.mark.parametrize(
    "name", ["chat_text.sse", "chat_tool_calls.sse", "chat_logprobs.sse", "chat_refusal.sse"]
)
def test_agrees_with_openai_chat_completion_stream_state(name: str) -> None:
    pytest.importorskip("openai")
    from openai._models import construct_type
    from openai.lib.streaming.chat import ChatCompletionStreamState
    from openai.types.chat import ChatCompletionChunk as SDKChunk

    state: Any = ChatCompletionStreamState()
    for event in wireshift.iter_sse([read(name)]):
        if event.data != "[DONE]":
            state.handle_chunk(construct_type(type_=SDKChunk, value=json.loads(event.data)))
    theirs = _without_nulls(state.get_final_completion().model_dump(mode="json"))
    ours = _without_nulls(run(name).completion.to_dict())
    for key in ("id", "model", "created", "usage"):
        assert ours.get(key) == theirs.get(key)
    for mine, other in zip(ours["choices"], theirs["choices"], strict=True):
        assert mine["finish_reason"] == other["finish_reason"]
        assert mine.get("logprobs") == other.get("logprobs")
        for key in ("role", "content", "refusal"):
            assert mine["message"].get(key) == other["message"].get(key)
        assert [
            (c["id"], c["function"]["name"], c["function"]["arguments"])
            for c in mine["message"].get("tool_calls") or []
        ] == [
            (c["id"], c["function"]["name"], c["function"]["arguments"])
            for c in other["message"].get("tool_calls") or []
        ]


# --- edge cases ------------------------------------------------------------------------------


def _chunk(delta: dict[str, Any], finish: str | None = None, **more: Any) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"object": "chat.completion.chunk", "choices": [choice], **more}


def test_top_level_fields_are_kept() -> None:
    moderation = {"input": {"type": "error", "code": "c", "message": "m"}}
    result = accumulate_stream(
        [
            _chunk({"content": "a"}, system_fingerprint="fp_1", service_tier="default"),
            _chunk({}, "stop", system_fingerprint="fp_2", moderation=moderation),
        ],
        to="chat",
    )
    body = result.completion.to_dict()
    assert (body["system_fingerprint"], body["service_tier"]) == ("fp_2", "default")
    assert body["moderation"] == moderation


def test_errors_in_odd_shapes() -> None:
    result = accumulate_stream(
        [
            _chunk({"content": "a"}),
            {"id": "c", "object": "chat.completion.chunk", "choices": [], "error": "as text"},
        ],
        to="chat",
    )
    assert result.error is not None
    assert result.error.message == "as text"
    wrapped = accumulate_stream(
        [{"error": {"error": {"message": "inner", "code": {"http": 500}}}}], to="chat"
    )
    assert wrapped.error is not None
    # The wrapped error is read; a code that is an object has no text form (raw keeps it).
    assert (wrapped.error.message, wrapped.error.upstream_code) == ("inner", None)
    assert wrapped.error.code == "server_error"
    assert wrapped.error.raw["code"] == {"http": 500}
    assert wrapped.text == ""  # no choices at all


def test_reasoning_details_and_pieces_without_index() -> None:
    result = accumulate_stream(
        [
            _chunk({"reasoning_details": [{"type": "reasoning.summary", "index": 0}]}),
            _chunk(
                {
                    "reasoning_details": [
                        {"type": "reasoning.summary", "summary": "Sum", "index": 0, "id": "d1"}
                    ]
                }
            ),
            _chunk({"reasoning_details": [{"summary": "med", "index": 0, "id": "d2"}]}),
            _chunk({"reasoning_details": [{"type": "reasoning.text", "text": "loose"}]}),
            _chunk({"function_call": {"name": "legacy"}}),
            _chunk({"tool_calls": [{"function": {"name": "first", "arguments": "{}"}}]}, "stop"),
        ],
        to="chat",
    )
    reply = result.completion.to_dict()["choices"][0]["message"]
    assert reply["reasoning_details"] == [
        {"type": "reasoning.summary", "index": 0, "summary": "Summed", "id": "d1"},
        {"type": "reasoning.text", "text": "loose"},
    ]
    assert reply["function_call"] == {"name": "legacy", "arguments": ""}
    assert reply["tool_calls"] == [
        {"type": "function", "function": {"name": "first", "arguments": "{}"}}
    ]


def test_unknown_delta_and_choice_fields() -> None:
    cite = {
        "type": "url_citation",
        "url_citation": {"url": "u", "title": "t", "start_index": 0, "end_index": 1},
    }
    result = accumulate_stream(
        [
            _chunk({"content": "x", "annotations": [cite], "vendor_null": None, "vendor_count": 1}),
            _chunk(
                {
                    "annotations": [cite],
                    "vendor_count": 2,
                    "audio": {"data": None, "transcript": "hi"},
                }
            ),
            {
                "object": "chat.completion.chunk",
                "choices": [
                    {
                        "index": 0,
                        "delta": {},
                        "finish_reason": "stop",
                        "stop_reason": None,
                        "matched_stop": 2,
                    }
                ],
            },
        ],
        to="chat",
    )
    choice = result.completion.to_dict()["choices"][0]
    assert choice["message"]["annotations"] == [cite, cite]
    assert choice["message"]["vendor_count"] == 2
    assert "vendor_null" not in choice["message"]
    # Audio requires data and an expiry: missing, they are filled, with a note.
    assert choice["message"]["audio"] == {"transcript": "hi", "data": "", "expires_at": 0}
    assert codes(result) == ["completion_drift"]
    assert choice["matched_stop"] == 2
    assert "stop_reason" not in choice


def test_unknown_fields_of_a_tool_call_function_are_kept() -> None:
    call = {"index": 0, "id": "call_1", "type": "function"}
    result = accumulate_stream(
        [
            _chunk({"tool_calls": [{**call, "function": {"name": "f", "strict": True}}]}),
            _chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{}", "tag": "a"}}]}),
            _chunk({"tool_calls": [{"index": 0, "function": {"tag": "b"}}]}, "tool_calls"),
        ],
        to="chat",
    )
    function = result.completion.to_dict()["choices"][0]["message"]["tool_calls"][0]["function"]
    # Text fields arrive in pieces like the arguments do; other values, the latest wins.
    assert function == {"name": "f", "arguments": "{}", "strict": True, "tag": "ab"}
    assert codes(result) == []


def test_feeding_the_accumulator_raw_bytes() -> None:
    accumulator = ChatAccumulator()
    data = read("chat_truncated.sse")
    for at in range(0, len(data), 5):
        accumulator.feed(data[at : at + 5])
    result = accumulator.finish()
    assert (result.text, result.truncated) == ("Cut short", True)
    accumulator = ChatAccumulator()
    accumulator.feed(data + b"\n\ndata: [DONE]")  # [DONE] never terminated: still read
    assert not accumulator.finish().truncated


def test_snapshot_of_a_call_without_a_name() -> None:
    accumulator = ChatAccumulator()
    accumulator.feed(
        _chunk({"tool_calls": [{"index": 0, "id": "z", "function": {"arguments": "{"}}]})
    )
    snapshot = accumulator.snapshot()
    call = snapshot.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert isinstance(call, ChatToolCall)
    assert (call.function.name, call.function.arguments) == ("", "{")


def test_other_models_are_not_chunks() -> None:
    from wireshift.responses import Response

    result = accumulate_stream([Response(id="r"), _chunk({"content": "ok"}, "stop")], to="chat")
    assert result.text == "ok"
    assert result.unknown_events == [{"id": "r", "object": "response"}]
    # A chat chunk model tells the format by itself.
    chunk = wireshift.chat.ChatCompletionChunk.parse(_chunk({"content": "ok"}, "stop"))
    assert accumulate_stream([chunk]).format == "chat"

"""Accumulating Responses API streams.

Every stream under ``data/streams/accumulate/responses_*.sse`` is a recorded-style stream
written for one case; the expected results below are read off the stream text itself (the
deltas written into it, the error it carries), never produced by the code under test. Each
stream is also fed split at every byte boundary (a sample for the long ones) and one byte at a
time, and every feeding must give the same result as feeding it whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import wireshift
import wireshift.responses
from chunking import splits
from payload_paths import paths, strings, without
from wireshift import UpstreamError
from wireshift.accumulate import (
    AccumulatedChatCompletion,
    AccumulatedResponse,
    ResponsesAccumulator,
    StreamAccumulator,
    StreamTruncatedError,
    aaccumulate_stream,
    accumulate_stream,
)
from wireshift.responses import (
    CodeInterpreterCall,
    CustomToolCall,
    FunctionCall,
    ImageGenerationCall,
    McpCall,
    Message,
    ReasoningItem,
    Response,
    ShellCall,
    ShellCallOutput,
)

STREAMS = Path(__file__).parent / "data" / "streams" / "accumulate"
RESPONSE_STREAMS = sorted(STREAMS.glob("responses_*.sse"))


def read(name: str) -> bytes:
    return (STREAMS / name).read_bytes()


def run(name: str, **kwargs: Any) -> AccumulatedResponse:
    result = accumulate_stream(read(name), to="responses", **kwargs)
    assert isinstance(result, AccumulatedResponse)
    return result


def codes(result: AccumulatedResponse) -> list[str]:
    return sorted(note.code for note in result.notes)


def completed_response(data: bytes) -> Any:
    """The ``response`` of the stream's ``response.completed`` event, read with json."""
    for event in wireshift.iter_sse([data]):
        payload = json.loads(event.data)
        if payload["type"] == "response.completed":
            return payload["response"]
    raise AssertionError("no response.completed")


def fingerprint(result: AccumulatedResponse | AccumulatedChatCompletion) -> dict[str, Any]:
    assert isinstance(result, AccumulatedResponse)
    error = result.error
    return {
        "response": result.response.to_dict(),
        "notes": [(n.path, n.action, n.code, n.reason) for n in result.notes],
        "error": None if error is None else (error.code, error.message, error.source, error.raw),
        "truncated": result.truncated,
        "unknown": result.unknown_events,
        "side": [event.to_dict() for event in result.side_events],
        "audio": (result.audio, result.audio_transcript),
    }


@pytest.mark.parametrize("path", RESPONSE_STREAMS, ids=lambda p: p.name)
def test_every_split_gives_the_same_result(path: Path) -> None:
    data = path.read_bytes()
    whole = fingerprint(run(path.name))
    for chunks in splits(data):
        assert fingerprint(accumulate_stream(chunks, to="responses")) == whole, len(chunks)
    # Text chunks and detection of the format give the same, too.
    text = data.decode()
    assert fingerprint(accumulate_stream([text[:50], text[50:]])) == whole


# --- one stream per case --------------------------------------------------------------------


def test_plain_text() -> None:
    result = run("responses_text.sse")
    assert result.text == "Hello" + ", " + "world" + "!"
    assert result.status == "completed"
    assert (result.truncated, result.error, result.notes, result.unknown_events) == (
        False,
        None,
        [],
        [],
    )
    response = result.response
    assert (response.id, response.model) == ("resp_1", "gpt-test")
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (12, 4)
    [item] = response.output
    assert isinstance(item, Message)
    assert (item.id, item.status) == ("msg_1", "completed")


def test_result_equals_the_completed_response_when_the_stream_is_whole() -> None:
    completed = completed_response(read("responses_text.sse"))
    assert run("responses_text.sse").response.to_dict() == completed


@pytest.mark.parametrize(
    "name", ["responses_completed_empty_output.sse", "responses_completed_no_output.sse"]
)
def test_output_comes_from_the_stream_when_completed_has_none(name: str) -> None:
    result = run(name)
    assert result.text == "Hello, world!"
    assert [type(item) for item in result.response.output] == [Message]
    assert codes(result) == ["output_from_stream"]
    assert result.status == "completed"


def test_sparse_completed_output_keeps_every_streamed_item() -> None:
    result = run("responses_completed_sparse_output.sse")
    reasoning, message = result.response.output
    assert isinstance(reasoning, ReasoningItem)
    assert [part.text for part in reasoning.summary] == ["Plan: greet."]  # type: ignore[union-attr]
    assert isinstance(message, Message)
    assert result.text == "Hi there"
    assert codes(result) == ["output_from_stream"]


def test_disagreeing_completed_output_keeps_the_more_complete() -> None:
    result = run("responses_completed_disagrees.sse")
    assert result.text == "Hello, world"  # completed said only "Hello"
    assert codes(result) == ["output_disagrees"]


def test_every_event_type() -> None:
    result = run("responses_all_events.sse")
    out = result.response.output
    assert [item.type for item in out] == [
        "reasoning",
        "reasoning",
        "message",
        "function_call",
        "custom_tool_call",
        "code_interpreter_call",
        "shell_call",
        "shell_call_output",
        "web_search_call",
        "file_search_call",
        "image_generation_call",
        "mcp_call",
        "mcp_list_tools",
    ]
    rs1, rs2, message, call, custom, code, shell, shell_out, web, files, image, mcp, tools = out
    assert isinstance(rs1, ReasoningItem)
    assert isinstance(rs2, ReasoningItem)
    assert [p.text for p in rs1.summary] == ["Think" + "ing."]  # type: ignore[union-attr]
    assert [p.text for p in rs1.content or []] == ["raw " + "thoughts"]  # type: ignore[union-attr]
    assert [p.text for p in rs2.content or []] == ["open " + "reasoning"]  # type: ignore[union-attr]
    assert isinstance(message, Message)
    assert isinstance(message.content, list)
    text_part, refusal_part = message.content
    assert text_part.text == "See " + "docs"  # type: ignore[union-attr]
    assert [a.to_dict()["url"] for a in text_part.annotations] == ["https://example.com/docs"]  # type: ignore[union-attr]
    assert refusal_part.refusal == "I can" + "'t"  # type: ignore[union-attr]
    assert isinstance(call, FunctionCall)
    assert (call.name, call.arguments) == ("lookup", '{"q":' + '"x"}')
    assert isinstance(custom, CustomToolCall)
    assert custom.input == "*** Begin" + " Patch"
    assert isinstance(code, CodeInterpreterCall)
    assert (code.code, code.status) == ("print(" + "1)", "completed")
    assert isinstance(shell, ShellCall)
    assert shell.action.commands == ["ls " + "-la"]
    assert isinstance(shell_out, ShellCallOutput)
    assert shell_out.output[0].stdout == "a.txt\n" + "b.txt\n"
    assert shell_out.output[0].stderr == "warn\n"
    assert (web.status, files.status) == ("completed", "completed")  # type: ignore[union-attr]
    assert isinstance(image, ImageGenerationCall)
    assert image.result == "AAAABBBB"
    assert isinstance(mcp, McpCall)
    assert mcp.arguments == '{"a"' + ":1}"
    assert tools.to_dict()["tools"] == [{"name": "add", "input_schema": {}}]
    assert result.audio == ["UklG", "RgAA"]
    assert result.audio_transcript == "hel" + "lo"
    # response.completed carried `output: []`: the one note.
    assert codes(result) == ["output_from_stream"]


def test_items_built_from_deltas_alone() -> None:
    """Only output_item.added and deltas (no .done, no sequence numbers, `output: []`)."""
    result = run("responses_no_item_done.sse")
    reasoning, message, call = result.response.output
    assert isinstance(reasoning, ReasoningItem)
    assert [p.text for p in reasoning.summary] == ["Let me " + "check."]  # type: ignore[union-attr]
    assert result.text == "Checking " + "now."
    assert isinstance(call, FunctionCall)
    assert call.arguments == '{"all"' + ":true}"
    assert [item.to_dict()["status"] for item in (reasoning, message, call)] == ["completed"] * 3
    assert codes(result) == ["item_not_done"] * 3 + ["output_from_stream"]


def test_unknown_events_are_kept() -> None:
    result = run("responses_unknown_event.sse")
    assert result.text == "Known"
    assert [event["type"] for event in result.unknown_events] == [
        "response.future_thing.delta",
        "response.reasoning_summary.part.added",
    ]
    assert result.unknown_events[0]["extra"] == {"kept": True}
    assert codes(result) == ["unknown_event", "unknown_event"]


def test_drifted_events_are_folded_in() -> None:
    result = run("responses_drift.sse")
    _message, call = result.response.output
    assert result.text == "Do" + "ne."  # the first delta had `output_index: "zero"`
    assert isinstance(call, FunctionCall)
    # output_item.done sent the arguments as an object; they are kept as JSON text.
    assert call.arguments == '{"cmd":"ls"}'
    usage = result.response.usage
    assert usage is not None
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (None, 5, 9)
    assert codes(result) == ["event_drift"] * 3 + ["output_from_stream"]
    drift = [note for note in result.notes if note.code == "event_drift"]
    assert drift[2].detail["changes"] == [
        {"path": "response.usage.input_tokens", "change": "removed", "was": "many"}
    ]


def test_failed_with_the_cause_in_a_top_level_error() -> None:
    result = run("responses_failed_top_level_error.sse")
    assert result.status == "failed"
    assert result.error is not None
    assert (result.error.upstream_code, result.error.message, result.error.source) == (
        "upstream_overloaded",
        "The upstream provider is overloaded",
        "event.error",
    )
    assert (result.error.code, result.error.status) == ("server_is_overloaded", 503)
    # The response carries the real error too, for clients that read only response.error.
    assert result.response.error is not None
    assert result.response.error.code == "server_is_overloaded"
    assert result.response.error.to_dict()["upstream_code"] == "upstream_overloaded"
    assert result.response.error.message == "The upstream provider is overloaded"
    assert result.text == "Partial"
    assert codes(result) == ["error_filled", "item_not_done", "output_from_stream"]


def test_failed_after_an_error_event() -> None:
    result = run("responses_failed_error_event.sse")
    assert result.status == "failed"
    assert result.error is not None
    assert (result.error.code, result.error.message, result.error.source) == (
        "rate_limit_exceeded",
        "Rate limit reached for gpt-test",
        "error event",
    )
    assert result.response.error is not None
    assert result.response.error.code == "rate_limit_exceeded"


def test_failed_with_its_own_error() -> None:
    result = run("responses_failed_own_error.sse")
    assert result.error is not None
    assert (result.error.code, result.error.message, result.error.source) == (
        "server_error",
        "Something broke",
        "response.error",
    )
    assert result.notes == []


def test_error_event_then_the_end() -> None:
    result = run("responses_error_then_eof.sse")
    assert (result.status, result.truncated) == ("failed", False)
    assert result.error is not None
    assert (result.error.code, result.error.message, result.error.type, result.error.param) == (
        "context_length_exceeded",
        "Input is too long",
        "invalid_request_error",
        "input",
    )
    assert result.text == "Before the error"
    assert codes(result) == ["error_filled", "error_without_terminal", "item_not_done"]


def test_incomplete() -> None:
    result = run("responses_incomplete.sse")
    assert (result.status, result.truncated, result.error) == ("incomplete", False, None)
    assert result.response.incomplete_details is not None
    assert result.response.incomplete_details.reason == "max_output_tokens"
    assert result.text == "The answer" + " is"


def test_truncated_stream_keeps_everything_and_raises_only_when_strict() -> None:
    result = run("responses_truncated.sse")
    assert (result.status, result.truncated, result.error) == ("incomplete", True, None)
    assert result.text == "Once upon" + " a time"
    assert codes(result) == ["item_not_done", "stream_truncated"]
    with pytest.raises(StreamTruncatedError) as caught:
        run("responses_truncated.sse", raise_on_failure=True)
    assert isinstance(caught.value, wireshift.WireshiftError)
    partial = caught.value.result
    assert isinstance(partial, AccumulatedResponse)
    assert partial.text == "Once upon a time"


def test_strict_raises_the_upstream_error() -> None:
    with pytest.raises(UpstreamError) as caught:
        run("responses_failed_top_level_error.sse", raise_on_failure=True)
    assert caught.value.code == "server_is_overloaded"
    assert str(caught.value) == "server_is_overloaded: The upstream provider is overloaded"
    assert isinstance(caught.value.result, AccumulatedResponse)
    # A whole, successful stream does not raise.
    assert run("responses_text.sse", raise_on_failure=True).text == "Hello, world!"


def test_no_created_and_deltas_before_their_item() -> None:
    result = run("responses_no_created.sse")
    assert result.text == "Early " + "bird" + " sings"
    assert result.notes == []
    assert result.response.id == "resp_1"  # from response.completed


def test_duplicates_are_dropped() -> None:
    result = run("responses_duplicates.sse")
    assert result.text == "one " + "two"
    assert len(result.response.output) == 1
    assert codes(result) == ["duplicate_event", "duplicate_event"]


def test_out_of_order_deltas_are_joined_in_sequence_order() -> None:
    result = run("responses_out_of_order.sse")
    # Sent as 3 "quick ", 2 "The ", 4 "brown ", 7 "fox": 5 and 6 never came.
    assert result.text == "The quick brown fox"
    assert codes(result) == ["sequence_disorder", "sequence_gap"]
    gap = next(note for note in result.notes if note.code == "sequence_gap")
    assert gap.detail == {"missing": 2}


def test_keepalives_comments_crlf_and_done() -> None:
    result = run("responses_keepalive_done.sse")
    assert result.text == "Kept " + "alive"
    assert (result.notes, result.unknown_events, result.truncated) == ([], [], False)


def test_sse_event_names() -> None:
    result = run("responses_event_names.sse")
    assert result.text == "Name " + "games " + "end"
    assert codes(result) == ["event_name_mismatch", "type_from_sse"]


# --- inputs ----------------------------------------------------------------------------------


def _events(name: str) -> list[wireshift.SSEEvent]:
    return list(wireshift.iter_sse([read(name)]))


def test_every_kind_of_input_gives_the_same_result() -> None:
    expected = fingerprint(run("responses_all_events.sse"))
    events = _events("responses_all_events.sse")
    dicts = [json.loads(event.data) for event in events]
    models = [wireshift.responses.parse_response_event(event.data) for event in events]
    httpx_sse = pytest.importorskip("httpx_sse")
    foreign = [httpx_sse.ServerSentEvent(event=e.event, data=e.data) for e in events]
    for feed in (events, dicts, models, foreign):
        assert fingerprint(accumulate_stream(feed)) == expected
    # Raw text of the whole stream, and an open binary file.
    assert fingerprint(accumulate_stream(read("responses_all_events.sse").decode())) == expected
    with (STREAMS / "responses_all_events.sse").open("rb") as file:
        assert fingerprint(accumulate_stream(file)) == expected


def test_openai_sdk_events_are_accepted() -> None:
    types = pytest.importorskip("openai.types.responses")
    from openai._models import construct_type

    # As the SDK builds them from the wire: leniently, every field as sent.
    events = [
        construct_type(type_=types.ResponseStreamEvent, value=json.loads(e.data))
        for e in _events("responses_text.sse")
    ]
    assert accumulate_stream(events).text == "Hello, world!"


async def _agen(items: list[bytes]) -> Any:
    for item in items:
        yield item


@pytest.mark.anyio
async def test_async_iterables() -> None:
    data = read("responses_all_events.sse")
    expected = fingerprint(run("responses_all_events.sse"))
    result = await aaccumulate_stream(_agen([data[:999], data[999:]]))
    assert isinstance(result, AccumulatedResponse)
    assert fingerprint(result) == expected
    result = await aaccumulate_stream([data])
    assert isinstance(result, AccumulatedResponse)
    assert fingerprint(result) == expected


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_snapshot_as_the_stream_goes() -> None:
    accumulator = ResponsesAccumulator()
    seen: list[str] = []
    for event in _events("responses_text.sse"):
        accumulator.feed(event)
        seen.append(accumulator.snapshot().output_text)
    # The text grows by one delta at a time: "Hello", ", ", "world", "!".
    assert [text for i, text in enumerate(seen) if i == 0 or text != seen[i - 1]] == [
        "",
        "Hello",
        "Hello, ",
        "Hello, world",
        "Hello, world!",
    ]
    snapshot = accumulator.snapshot()
    assert isinstance(snapshot, Response)
    result = accumulator.finish()
    assert result.text == "Hello, world!"
    assert fingerprint(accumulator.finish()) == fingerprint(result)  # finish() is repeatable


def test_format_is_detected() -> None:
    accumulator = StreamAccumulator()
    assert accumulator.format is None
    assert accumulator.snapshot() == Response()
    accumulator.feed(read("responses_text.sse")[:40])  # not yet a whole event
    assert accumulator.format is None
    accumulator.feed(read("responses_text.sse")[40:])
    assert accumulator.format == "responses"
    assert isinstance(accumulator.snapshot(), Response)
    # An empty stream is a Responses stream that was cut at once.
    empty = accumulate_stream([])
    assert isinstance(empty, AccumulatedResponse)
    assert (empty.truncated, empty.response.output) == (True, [])
    with pytest.raises(ValueError, match="to must be 'chat' or 'responses'") as bad_format:
        StreamAccumulator(to="xml")  # type: ignore[arg-type]
    assert isinstance(bad_format.value, wireshift.InvalidArgumentError)
    with pytest.raises(TypeError, match="not int") as bad_event:
        accumulate_stream([1])
    assert isinstance(bad_event.value, wireshift.ArgumentTypeError)


def test_unreadable_and_untyped_payloads_are_kept() -> None:
    stream = (
        b"data: not json\n\n"
        b'data: ["a list"]\n\n'
        b'data: {"item_id": "x", "delta": "no type"}\n\n'
        b'data: {"error": {"code": "boom", "message": "no type either"}}\n\n'
    )
    result = accumulate_stream(stream, to="responses")
    assert result.unknown_events == [
        {"data": "not json"},
        {"data": '["a list"]'},
        {"item_id": "x", "delta": "no type"},
        {"error": {"code": "boom", "message": "no type either"}},
    ]
    assert codes(result) == [
        "error_filled",
        "error_without_terminal",
        "event_unreadable",
        "event_unreadable",
        "event_without_type",
        "event_without_type",
    ]
    assert result.error is not None
    assert (result.error.upstream_code, result.error.message) == ("boom", "no type either")


def test_hollow_item_events_do_not_replace_items() -> None:
    events: list[dict[str, Any]] = [
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"type": "message", "id": "m", "role": "assistant", "content": []},
        },
        {"type": "response.output_text.delta", "output_index": 0, "item_id": "m", "delta": "hi"},
        {"type": "response.output_item.done", "output_index": 0},
        {"type": "response.completed", "response": {"id": "r"}},
    ]
    result = accumulate_stream(events)
    assert isinstance(result, AccumulatedResponse)
    assert result.text == "hi"
    assert [item.type for item in result.response.output] == ["message"]
    assert result.unknown_events == [events[2]]


# --- generated streams -------------------------------------------------------------------------


def _base_stream(texts: list[str], args: list[str], summary: list[str]) -> list[dict[str, Any]]:
    """A well-formed stream: a reasoning item, a message and a function call."""
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": {"id": "r", "status": "in_progress"}}
    ]
    full_text, full_args, full_summary = "".join(texts), "".join(args), "".join(summary)
    reasoning = {"type": "reasoning", "id": "rs", "summary": []}
    message = {"type": "message", "id": "m", "role": "assistant", "content": []}
    call = {"type": "function_call", "id": "fc", "call_id": "c", "name": "f", "arguments": ""}
    events.append({"type": "response.output_item.added", "output_index": 0, "item": reasoning})
    for piece in summary:
        events.append(
            {
                "type": "response.reasoning_summary_text.delta",
                "output_index": 0,
                "item_id": "rs",
                "summary_index": 0,
                "delta": piece,
            }
        )
    events.append(
        {
            "type": "response.output_item.done",
            "output_index": 0,
            "item": {**reasoning, "summary": [{"type": "summary_text", "text": full_summary}]},
        }
    )
    events.append({"type": "response.output_item.added", "output_index": 1, "item": message})
    for piece in texts:
        events.append(
            {
                "type": "response.output_text.delta",
                "output_index": 1,
                "item_id": "m",
                "content_index": 0,
                "delta": piece,
            }
        )
    done_message = {
        **message,
        "content": [{"type": "output_text", "text": full_text, "annotations": []}],
    }
    events.append({"type": "response.output_item.done", "output_index": 1, "item": done_message})
    events.append({"type": "response.output_item.added", "output_index": 2, "item": call})
    for piece in args:
        events.append(
            {
                "type": "response.function_call_arguments.delta",
                "output_index": 2,
                "item_id": "fc",
                "delta": piece,
            }
        )
    done_call = {**call, "arguments": full_args}
    events.append({"type": "response.output_item.done", "output_index": 2, "item": done_call})
    final: list[dict[str, Any]] = [
        {**reasoning, "summary": [{"type": "summary_text", "text": full_summary}]}
    ]
    final += [done_message, done_call]
    events.append(
        {
            "type": "response.completed",
            "response": {"id": "r", "status": "completed", "output": final},
        }
    )
    for number, event in enumerate(events):
        event["sequence_number"] = number
    return events


pieces = st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), texts=pieces, args=pieces, summary=pieces, as_sse=st.booleans())
def test_generated_streams_never_raise_and_never_lose_a_delta(
    data: st.DataObject, texts: list[str], args: list[str], summary: list[str], as_sse: bool
) -> None:
    events = _base_stream(texts, args, summary)
    for _ in range(data.draw(st.integers(0, 4), label="swaps")):
        i = data.draw(st.integers(0, len(events) - 1))
        j = data.draw(st.integers(0, len(events) - 1))
        events[i], events[j] = events[j], events[i]
    for _ in range(data.draw(st.integers(0, 3), label="duplicates")):
        i = data.draw(st.integers(0, len(events) - 1))
        events.insert(i, events[i])
    for _ in range(data.draw(st.integers(0, 4), label="removals")):
        i = data.draw(st.integers(0, len(events) - 1))
        found = paths(events[i])
        if found:
            events[i] = without(events[i], data.draw(st.sampled_from(found)))
    events = events[: data.draw(st.integers(0, len(events)), label="cut")]
    received = [
        event["delta"] for event in events if isinstance(event.get("delta"), str) and event["delta"]
    ]
    feed: list[Any] = events
    if as_sse:
        feed = [wireshift.encode_sse(event) for event in events]
    result = accumulate_stream(feed, to="responses")
    held = strings(result.response.to_dict()) + strings(result.unknown_events)
    for delta in received:
        assert any(delta in text for text in held), delta
    assert isinstance(result.truncated, bool)


# --- against openai-python ---------------------------------------------------------------------


def _without_parsed(value: Any) -> Any:
    """The SDK adds `parsed` and `parsed_arguments` to what it accumulates."""
    if isinstance(value, dict):
        return {
            k: _without_parsed(v)
            for k, v in value.items()
            if k not in ("parsed", "parsed_arguments")
        }
    if isinstance(value, list):
        return [_without_parsed(v) for v in value]
    return value


@pytest.mark.parametrize("name", ["responses_text.sse", "responses_wellformed.sse"])
def test_agrees_with_openai_response_stream_state(name: str) -> None:
    pytest.importorskip("openai")
    from openai._models import construct_type
    from openai._types import omit
    from openai.lib.streaming.responses._responses import ResponseStreamState
    from openai.types.responses import ResponseStreamEvent

    state: Any = ResponseStreamState(input_tools=omit, text_format=omit)
    for event in _events(name):
        state.handle_event(construct_type(type_=ResponseStreamEvent, value=json.loads(event.data)))
    theirs = state._completed_response.model_dump(mode="json", exclude_unset=True)
    result = run(name)
    assert result.notes == []
    assert result.response.to_dict() == _without_parsed(theirs)


def test_wellformed_stream() -> None:
    result = run("responses_wellformed.sse")
    reasoning, message, call = result.response.output
    assert [p.text for p in reasoning.summary] == ["Look it" + " up."]  # type: ignore[union-attr]
    assert result.text == "Example" + " says" + " hi."
    assert isinstance(message, Message)
    assert [a.to_dict()["title"] for a in message.content[0].annotations] == ["Example"]  # type: ignore[union-attr]
    assert isinstance(call, FunctionCall)
    assert call.arguments == '{"url":' + '"https://example.com/"}'


# --- edge cases, as event lists ------------------------------------------------------------------


def _msg(text: str, **more: Any) -> dict[str, Any]:
    part = {"type": "output_text", "text": text, "annotations": []}
    return {"type": "message", "role": "assistant", "content": [part], **more}


def _acc(events: list[Any], **kwargs: Any) -> AccumulatedResponse:
    result = accumulate_stream(events, to="responses", **kwargs)
    assert isinstance(result, AccumulatedResponse)
    return result


COMPLETED: dict[str, Any] = {"type": "response.completed", "response": {"id": "r"}}


def test_events_without_ids_attach_to_the_last_item() -> None:
    done = {"type": "response.output_item.done", "item": _msg("no ids")}
    call = {"type": "function_call", "call_id": "c", "name": "f", "arguments": ""}
    result = _acc(
        [
            {"type": "response.output_item.added", "item": _msg("")},
            {"type": "response.output_text.delta", "delta": "no "},
            {"type": "response.output_text.delta", "delta": "ids"},
            done,
            done,  # the same again, without a sequence number: still one item
            {"type": "response.output_item.added", "item": call},
            {"type": "response.function_call_arguments.delta", "delta": "{}"},
            # A delta of another kind, without ids: it starts an item of its own.
            {"type": "response.reasoning_summary_text.delta", "delta": "why"},
            # Two different finished items, without ids: two items.
            {"type": "response.output_item.done", "item": _msg("one more")},
            {"type": "response.output_item.done", "item": _msg("and another")},
            {
                "type": "response.completed",
                "response": {"id": "r", "output": [_msg("no ids"), {**call, "arguments": "{}"}]},
            },
        ]
    )
    _message, function_call, reasoning, *more = result.response.output
    assert result.text == "no ids" + "one more" + "and another"
    assert isinstance(function_call, FunctionCall)
    assert function_call.arguments == "{}"
    assert [p.text for p in reasoning.summary] == ["why"]  # type: ignore[union-attr]
    assert len(more) == 2
    assert codes(result) == [
        "item_not_done",  # the function call never got its .done
        "item_not_done",  # nor the reasoning
        "item_synthesized",  # the reasoning had only a delta
        "output_from_stream",  # the final output lacked three items
    ]


def test_two_items_at_one_output_index_are_both_kept() -> None:
    result = _acc(
        [
            {"type": "response.output_item.added", "output_index": 0, "item": _msg("", id="a")},
            {"type": "response.output_item.added", "output_index": 0, "item": _msg("", id="b")},
            {"type": "response.output_text.delta", "item_id": "a", "delta": "first "},
            {"type": "response.output_text.delta", "output_index": 0, "delta": "second"},
            # An item without id learns it from the first event that names both.
            {"type": "response.output_item.added", "output_index": 1, "item": _msg("")},
            {
                "type": "response.output_text.delta",
                "output_index": 1,
                "item_id": "c",
                "delta": " third",
            },
            {"type": "response.output_text.delta", "item_id": "c", "delta": "!"},
            # And an item known by id learns its index.
            {"type": "response.output_text.delta", "item_id": "e", "delta": " fourth"},
            {"type": "response.output_text.delta", "item_id": "e", "output_index": 3, "delta": "."},
            {"type": "response.output_text.delta", "output_index": 3, "delta": "."},
            COMPLETED,
        ]
    )
    assert [item.id for item in result.response.output] == ["a", "b", "c", "e"]  # type: ignore[union-attr]
    assert result.text == "first second third! fourth.."
    assert "output_index_reused" in codes(result)


def test_lifecycle_fields_merge_and_a_second_terminal_wins() -> None:
    result = _acc(
        [
            {
                "type": "response.created",
                "response": {"id": "r", "model": "m1", "status": "queued"},
            },
            {"type": "response.completed", "response": {"id": "r", "model": None}},
            {"type": "response.failed", "response": {"id": "r", "error": None}},
        ]
    )
    assert result.response.model == "m1"  # a later null does not erase it
    assert result.status == "failed"
    assert result.error is not None
    assert (result.error.upstream_code, result.error.message, result.error.source) == (
        None,
        None,
        "response.failed",
    )
    assert result.error.code == "server_error"  # nothing said more
    assert codes(result) == ["event_after_terminal", "failed_without_error", "second_terminal"]


def test_a_terminal_status_that_contradicts_its_event() -> None:
    result = _acc([{"type": "response.incomplete", "response": {"status": "completed"}}])
    assert result.status == "incomplete"
    assert codes(result) == ["status_mismatch"]


def test_texts_that_disagree_keep_every_delta() -> None:
    result = _acc(
        [
            {"type": "response.output_item.added", "output_index": 0, "item": _msg("", id="m")},
            {"type": "response.output_text.delta", "item_id": "m", "delta": "ab"},
            {"type": "response.output_text.delta", "item_id": "m", "delta": "XY"},
            # Same length, different text: the deltas would be lost, so they win.
            {"type": "response.output_text.done", "item_id": "m", "text": "abcd"},
            {"type": "response.refusal.delta", "item_id": "m", "content_index": 1, "delta": "No"},
            # Longer, and holding the delta: the done text wins.
            {"type": "response.refusal.done", "item_id": "m", "content_index": 1, "refusal": "No!"},
            COMPLETED,
        ]
    )
    [message] = result.response.output
    assert isinstance(message, Message)
    assert [part.to_dict() for part in message.content] == [  # type: ignore[union-attr]
        {"type": "output_text", "text": "abXY", "annotations": []},
        {"type": "refusal", "refusal": "No!"},
    ]
    assert codes(result) == [
        "item_not_done",
        "output_from_stream",
        "text_disagrees",
        "text_disagrees",
    ]


def test_a_message_whose_content_is_a_string() -> None:
    item = {"type": "message", "id": "m", "role": "assistant", "content": "plain text"}
    result = _acc(
        [
            {"type": "response.output_text.delta", "item_id": "m", "delta": "plain text"},
            {"type": "response.output_item.done", "item": item},
            COMPLETED,
        ]
    )
    assert result.text == "plain text"
    assert codes(result) == ["output_from_stream"]  # COMPLETED carries no output


def test_logprobs_and_annotations_without_a_finished_item() -> None:
    def logprob(token: str) -> dict[str, Any]:
        return {"token": token, "logprob": -1, "bytes": list(token.encode()), "top_logprobs": []}

    cite = {"type": "file_citation", "file_id": "f", "filename": "a.txt", "index": 0}
    events = [
        {"type": "response.output_item.added", "output_index": 0, "item": _msg("", id="m")},
        {
            "type": "response.output_text.delta",
            "item_id": "m",
            "delta": "a",
            "logprobs": [logprob("a")],
        },
        {
            "type": "response.output_text.delta",
            "item_id": "m",
            "delta": "b",
            "logprobs": [logprob("b")],
        },
        {
            "type": "response.output_text.annotation.added",
            "item_id": "m",
            "annotation_index": 1,
            "annotation": cite,
        },
        {
            "type": "response.output_text.annotation.added",
            "item_id": "m",
            "annotation_index": 0,
            "annotation": {**cite, "file_id": "e"},
        },
        {
            "type": "response.output_text.annotation.added",
            "item_id": "m",
            "annotation_index": 2,
            "annotation": None,
        },
        COMPLETED,
    ]
    result = _acc(events)
    part = result.response.output[0].to_dict()["content"][0]
    assert part["text"] == "ab"
    assert [lp["token"] for lp in part["logprobs"]] == ["a", "b"]
    assert [a["file_id"] for a in part["annotations"]] == ["e", "f"]  # by annotation_index


def test_items_built_from_progress_and_deltas_alone() -> None:
    events = [
        {"type": "response.web_search_call.searching", "output_index": 0, "item_id": "ws"},
        {
            "type": "response.image_generation_call.partial_image",
            "output_index": 1,
            "item_id": "ig",
            "partial_image_index": 0,
            "partial_image_b64": "QUJD",
        },
        {
            "type": "response.shell_call_command.delta",
            "output_index": 2,
            "command_index": 1,
            "delta": "pwd",
        },
        {
            "type": "response.shell_call_command.delta",
            "output_index": 2,
            "command_index": 0,
            "delta": "ls",
        },
        {
            "type": "response.shell_call_output_content.delta",
            "output_index": 3,
            "item_id": "so",
            "command_index": 0,
            "delta": {"stderr": "oops"},
        },
        {
            "type": "response.shell_call_output_content.done",
            "output_index": 3,
            "item_id": "so",
            "command_index": 0,
            "output": [
                {"stdout": "", "stderr": "oops", "outcome": {"type": "exit", "exit_code": 1}}
            ],
        },
        {
            "type": "response.shell_call_output_content.delta",
            "output_index": 3,
            "item_id": "so",
            "command_index": 1,
            "delta": {"stdout": "only out"},
        },
        {
            "type": "response.function_call_arguments.delta",
            "output_index": 4,
            "item_id": "fc",
            "delta": '{"a":1}',
        },
        {
            "type": "response.function_call_arguments.done",
            "output_index": 4,
            "item_id": "fc",
            "arguments": '{"a":1}',
            "name": "named_late",
        },
        COMPLETED,
    ]
    result = _acc(events)
    web, image, shell, shell_out, call = (item.to_dict() for item in result.response.output)
    assert (web["type"], web["id"], web["status"]) == ("web_search_call", "ws", "completed")
    assert (image["type"], image["result"]) == ("image_generation_call", "QUJD")
    assert (shell["type"], shell["action"]["commands"]) == ("shell_call", ["ls", "pwd"])
    assert shell_out["type"] == "shell_call_output"
    assert shell_out["output"] == [
        {"stdout": "", "stderr": "oops", "outcome": {"type": "exit", "exit_code": 1}},
        # No done event for the second command: its outcome is unknown, filled as {}.
        {"stdout": "only out", "stderr": "", "outcome": {}},
    ]
    assert (call["name"], call["arguments"]) == ("named_late", '{"a":1}')
    found = codes(result)
    assert found.count("item_synthesized") == 5
    assert found.count("item_not_done") == 5
    # What the deltas cannot say (a call_id, a web search's action) is filled, and noted.
    assert "item_drift" in found


def test_an_unknown_event_carrying_an_error() -> None:
    result = _acc([{"type": "response.oops", "error": {"code": "e1", "message": "broken"}}])
    assert result.error is not None
    assert (result.error.upstream_code, result.error.message) == ("e1", "broken")
    assert result.status == "failed"


def test_codex_capture() -> None:
    path = Path(__file__).parent / "data" / "streams" / "codex_turn.sse"
    data = path.read_bytes()
    result = _acc([data])
    assert result.response.to_dict() == completed_response(data)
    assert [event.type for event in result.side_events] == ["codex.rate_limits"]  # type: ignore[attr-defined]


def test_feeding_the_accumulator_raw_bytes() -> None:
    accumulator = ResponsesAccumulator()
    for byte in range(0, len(data := read("responses_truncated.sse")), 7):
        accumulator.feed(data[byte : byte + 7])
    result = accumulator.finish()
    assert result.text == "Once upon a time"  # the last event had no closing blank line
    assert result.truncated


def test_notes_are_capped_per_rule() -> None:
    result = _acc([{"type": f"custom.{n}"} for n in range(60)] + [COMPLETED])
    unknown = [note for note in result.notes if note.code == "unknown_event"]
    assert len(unknown) == 51
    assert unknown[-1].detail == {"more": 10}
    assert len(result.unknown_events) == 60


def test_snapshots_take_no_notes() -> None:
    accumulator = ResponsesAccumulator()
    for event in [
        {"type": "response.function_call_arguments.delta", "item_id": "fc", "delta": "{}"},
        {"type": "response.completed", "response": {"id": "r", "output": [_msg("final", id="m")]}},
    ]:
        accumulator.feed(event)
    snapshot = accumulator.snapshot()
    # The final output's item first (it has a place there), then the one it lacked.
    assert [item.type for item in snapshot.output] == ["message", "function_call"]
    result = accumulator.finish()
    assert "item_drift" in codes(result)  # the call has no call_id or name: filled
    assert "output_from_terminal" in codes(result)


def test_final_output_in_another_order_and_with_other_fields() -> None:
    a = _msg("alpha", id="a", status="completed")
    b = {**_msg("beta", id="b", status="completed")}
    cited = {
        **b,
        "phase": "",
        "content": [
            {
                "type": "output_text",
                "text": "beta",
                "annotations": [{"type": "file_path", "file_id": "f", "index": 3}],
            }
        ],
    }
    events = [
        {"type": "response.output_item.done", "output_index": 0, "item": a},
        {"type": "response.output_item.done", "output_index": 1, "item": b},
        {"type": "response.output_item.done", "output_index": 2, "item": _msg("gamma", id="c")},
        {
            "type": "response.completed",
            "response": {"id": "r", "output": [cited, {**a, "status": "incomplete"}]},
        },
    ]
    accumulator = ResponsesAccumulator()
    for event in events:
        accumulator.feed(event)
    snapshot = accumulator.snapshot().to_dict()
    assert snapshot["output"] == accumulator.finish().response.to_dict()["output"]
    result = _acc(events)
    out = [item.to_dict() for item in result.response.output]
    # Matched items follow the final order; the one it lacked comes last.
    assert [item["id"] for item in out] == ["b", "a", "c"]
    assert out[0] == cited  # more complete: it has an annotation
    assert out[1]["status"] == "incomplete"  # differs only in status: the final one
    assert codes(result) == ["output_disagrees", "output_from_stream"]


def test_input_edge_cases() -> None:
    stream = (
        b": comment\n\nevent: ping\ndata:\n\n"
        b'data: {"type":"response.created","response":{"id":"r"}}\n\n'
    )
    assert accumulate_stream(b"data: [DONE]\n\n").truncated  # [DONE] alone: not an end
    for done in (b"data: [DONE]\n\n", b"data: [DONE]"):  # the second is never terminated
        accumulator = ResponsesAccumulator()
        accumulator.feed(done)
        assert "after [DONE]" in accumulator.finish().notes[-1].reason
    comments = list(wireshift.iter_sse([stream], comments=True))
    assert fingerprint(_acc(comments)) == fingerprint(_acc([stream]))
    # Payloads that say nothing of their format: held until one does, or taken as Responses.
    assert accumulate_stream(b"data: nonsense\n\ndata: [1]\n\n").format == "responses"
    # A model that is not an event is read as the payload it dumps to.
    assert accumulate_stream([Response(id="r")]).format == "chat"
    odd = _acc([Response(id="r"), COMPLETED])
    assert odd.unknown_events == [{"id": "r", "object": "response"}]


def test_an_empty_done_text_does_not_disagree_a_shorter_one_does() -> None:
    result = _acc(
        [
            {"type": "response.output_text.delta", "item_id": "m", "delta": "kept"},
            {"type": "response.output_text.done", "item_id": "m", "text": ""},
            {
                "type": "response.refusal.delta",
                "item_id": "m",
                "content_index": 1,
                "delta": "Longer",
            },
            {
                "type": "response.refusal.done",
                "item_id": "m",
                "content_index": 1,
                "refusal": "Long",
            },
            COMPLETED,
        ]
    )
    [message] = result.response.output
    assert [part.to_dict() for part in message.content] == [  # type: ignore[union-attr]
        {"type": "output_text", "text": "kept", "annotations": []},
        {"type": "refusal", "refusal": "Longer"},
    ]
    [note] = [note for note in result.notes if note.code == "text_disagrees"]
    assert note.path == "output[0].content[1].refusal"


def test_final_output_items_that_match_nothing() -> None:
    call = {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"}
    result = _acc(
        [
            {"type": "response.output_item.added", "output_index": 0, "item": _msg("", id="d")},
            {"type": "response.output_text.delta", "item_id": "d", "delta": "streamed"},
            {
                "type": "response.completed",
                "response": {"output": [call, _msg("x", id="d"), _msg("x", id="d")]},
            },
        ]
    )
    # No id and another type at its place: the call is new; "d" is listed twice, and its
    # streamed version holds more.
    assert [item.type for item in result.response.output] == [
        "function_call",
        "message",
        "message",
    ]
    assert result.text == "streamed" + "x"
    assert codes(result) == ["item_not_done", "output_disagrees", "output_from_terminal"]


def test_a_replaced_field_is_noted_with_its_old_value() -> None:
    item = {"type": "shell_call", "id": "s", "call_id": "c", "action": 5}
    result = _acc([{"type": "response.output_item.done", "item": item}, COMPLETED])
    [drift] = [note for note in result.notes if note.code == "event_drift"]
    assert drift.detail["changes"][0] == {
        "path": "item.action",
        "change": "replaced",
        "was": 5,
        "now": {},
    }


def test_fold_gives_up_at_the_root() -> None:
    from typing import Literal

    from wireshift import FieldProblem, PayloadError
    from wireshift._model import WireModel
    from wireshift._wire._fold import fold

    class Strict(WireModel):
        kind: Literal["only"]

    model, changes = fold(Strict.parse, {"kind": None})
    assert model is None
    assert changes[0]["path"] == "kind"

    def points_inside_text(data: Any) -> Any:
        if isinstance(data.get("a"), str):
            raise PayloadError("x", problems=[FieldProblem(("a", "b", "c"), "missing", "")])
        return data

    # The error points below a value that is not a container: that value is at fault.
    result, changes = fold(points_inside_text, {"a": "text"})
    assert result == {}
    assert changes == [{"path": "a", "change": "removed", "was": "text"}]


def test_unnumbered_pieces_stay_after_what_came_before_them() -> None:
    def delta(text: str, seq: int | None) -> dict[str, Any]:
        event = {"type": "response.output_text.delta", "item_id": "m", "delta": text}
        return event if seq is None else {**event, "sequence_number": seq}

    result = _acc([delta("world", 3), delta("Hello ", 2), delta("!", None), COMPLETED])
    assert result.text == "Hello world!"


def test_the_docs_recipe_prints_what_the_docs_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "accumulate.md").read_text()
    recipe = doc.split("## Recipe", 1)[1].split("## Reference", 1)[0]
    blocks = [block.split("\n", 1) for block in recipe.split("```")[1::2]]
    capture, code, printed = (body for lang, body in blocks[:3])
    assert [lang for lang, _ in blocks[:3]] == ["text", "python", "text"]
    (tmp_path / "capture.sse").write_text(capture)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "accumulate.md", "exec"), {})
    assert capsys.readouterr().out == printed


# --- round trip through the stream translator ----------------------------------------------------


def _chat_chunks(content: list[str], reasoning: list[str], calls: list[list[str]]) -> list[Any]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [choice]}

    chunks = [chunk({"role": "assistant", "reasoning_content": piece}) for piece in reasoning]
    chunks += [chunk({"content": piece}) for piece in content]
    for number, pieces in enumerate(calls):
        head = {"index": number, "id": f"call_{number}", "type": "function"}
        chunks.append(chunk({"tool_calls": [{**head, "function": {"name": f"f{number}"}}]}))
        chunks += [
            chunk({"tool_calls": [{"index": number, "function": {"arguments": piece}}]})
            for piece in pieces
        ]
    chunks.append(chunk({}, "tool_calls" if calls else "stop"))
    return chunks


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    content=st.lists(st.text(min_size=1, max_size=8), max_size=4),
    reasoning=st.lists(st.text(min_size=1, max_size=8), max_size=3),
    calls=st.lists(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=3), max_size=2),
    cut=st.integers(1, 200),
)
def test_translated_streams_accumulate_to_their_completed_response(
    content: list[str], reasoning: list[str], calls: list[list[str]], cut: int
) -> None:
    """A Response encoded into its events by the stream translator, accumulated, is the
    Response its response.completed carries."""
    from wireshift.translate import translate_stream

    encoded = b"".join(
        translate_stream(_chat_chunks(content, reasoning, calls), to="responses", encode=True)
    )
    result = accumulate_stream([encoded[:cut], encoded[cut:]])
    assert isinstance(result, AccumulatedResponse)
    assert result.notes == []
    assert result.response.to_dict() == completed_response(encoded)

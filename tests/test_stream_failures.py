"""What the stream translations and accumulation do when the upstream fails, is cut, or drifts:
the same reading for every entry point, and failure semantics real clients survive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import openai.types.chat as openai_chat
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from wireshift import UpstreamError, WireshiftError
from wireshift.accumulate import accumulate_stream
from wireshift.translate import TranslationError, translate_response, translate_stream

DATA = Path(__file__).parent / "data" / "streams"
CHAT_CORPUS = sorted((DATA / "chat").glob("*.sse"))
RESPONSES_CORPUS = sorted([DATA / "codex_turn.sse", *(DATA / "accumulate").glob("responses_*.sse")])


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1767225600,
        "model": "m-1",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


CALL = _chunk(
    {
        "role": "assistant",
        "tool_calls": [
            {
                "index": 0,
                "id": "call_1",
                "type": "function",
                "function": {"name": "shell", "arguments": '{"cmd": "echo ran >> f"}'},
            }
        ],
    }
)


def _responses_events(stream: bytes) -> list[dict[str, Any]]:
    out = translate_stream([stream], to="responses", encode=True)
    return [json.loads(event.split(b"data: ", 1)[1]) for event in out]


def _done_calls(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        e["item"]
        for e in events
        if e["type"] == "response.output_item.done" and e["item"]["type"] == "function_call"
    ]


# --- to Responses: no call from a failed attempt ---------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        pytest.param(b"", id="cut-after-the-call"),
        pytest.param(b'data: {"error": {"message": "boom", "code": "overloaded"}}\n\n', id="error"),
        pytest.param(b"data: Internal Server Error: worker crashed\n\n", id="garbage"),
        pytest.param(b'data: {"id": "chatcmpl-1", "choi', id="cut-inside-an-event"),
    ],
)
def test_an_unconfirmed_call_is_never_done(tail: bytes) -> None:
    events = _responses_events(CALL + tail)
    assert _done_calls(events) == []
    assert [e["type"] for e in events].count("response.failed") == 1
    final = events[-1]
    assert final["type"] == "response.failed"
    assert final["response"]["output"] == []
    assert final["response"]["error"]["message"]


def test_a_confirmed_call_is_done_when_its_finish_reason_comes() -> None:
    stream = CALL + _chunk({}, "tool_calls")
    events = list(translate_stream([stream], to="responses", encode=True))
    # The call is done as soon as the upstream confirms it (before the end of input).
    parsed = [json.loads(e.split(b"data: ", 1)[1]) for e in events]
    (call,) = _done_calls(parsed)
    assert json.loads(call["arguments"]) == {"cmd": "echo ran >> f"}
    assert parsed[-1]["type"] == "response.completed"


def test_a_line_that_is_not_json_ends_the_stream_with_its_text() -> None:
    stream = _chunk({"role": "assistant", "content": "Hel"}) + (
        b"data: Internal Server Error: worker crashed\n\n"
    )
    events = _responses_events(stream)
    assert events[-1]["type"] == "response.failed"
    assert "worker crashed" in events[-1]["response"]["error"]["message"]
    # The text already streamed stays.
    texts = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    assert texts == ["Hel"]


def test_arguments_sent_as_an_object_are_read_as_their_json() -> None:
    call = {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "f", "arguments": {"a": 1}},
    }
    stream = _chunk({"role": "assistant", "tool_calls": [call]}) + _chunk({}, "tool_calls")
    translated = translate_stream([stream], to="responses")
    events: list[Any] = list(translated)
    notes = translated.notes
    output = events[-1].response.output
    assert [json.loads(item.arguments) for item in output] == [{"a": 1}]
    assert "event_drift" in [note.code for note in notes]


# --- drift read with its meaning kept ----------------------------------------------------------


def test_chat_drift_shapes_keep_their_meaning_both_ways() -> None:
    parts = [{"type": "text", "text": "hi "}]
    message = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "there"},
                "finish_reason": "stop",
            }
        ],
    }
    stream = (
        _chunk({"role": "assistant", "reasoning_content": {"content": "think"}})
        + _chunk({"content": parts})
        + b"data: "
        + json.dumps(message).encode()
        + b"\n\n"
    )
    accumulated = accumulate_stream(stream, to="chat").completion.choices[0].message
    assert (accumulated.content, accumulated.reasoning_content) == ("hi there", "think")
    final: Any = list(translate_stream([stream], to="responses", reasoning="text"))[-1]
    assert final.type == "response.completed"
    kinds = {item.type: item for item in final.response.output}
    assert kinds["message"].content[0].text == "hi there"
    assert kinds["reasoning"].content[0].text == "think"


def test_an_empty_id_and_name_continue_the_call() -> None:
    first = {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "f", "arguments": '{"a"'},
    }
    more = {"index": 0, "id": "", "type": "function", "function": {"name": "", "arguments": ":1}"}}
    stream = (
        _chunk({"role": "assistant", "tool_calls": [first]})
        + _chunk({"tool_calls": [more]})
        + _chunk({}, "tool_calls")
    )
    calls = accumulate_stream(stream, to="chat").completion.choices[0].message.tool_calls
    assert [c.to_dict() for c in calls or []] == [
        {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": '{"a":1}'}}
    ]
    final: Any = list(translate_stream([stream], to="responses"))[-1]
    output = final.response.output
    assert [(i.call_id, i.arguments) for i in output] == [("call_1", '{"a":1}')]


def test_a_whole_body_where_a_stream_was_asked_for() -> None:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "whole"},
                "finish_reason": "stop",
            }
        ],
    }
    data = json.dumps(body, indent=2).encode()
    translated = translate_stream([data[:10], data[10:]], to="responses")
    final: Any = list(translated)[-1]
    notes = translated.notes
    assert final.type == "response.completed"
    assert final.response.output[0].content[0].text == "whole"
    assert "translate.stream.body_not_stream" in [n.code for n in notes]
    result = accumulate_stream(data, to="chat")
    assert result.completion.choices[0].message.content == "whole"
    assert "body_not_stream" in [n.code for n in result.notes]


def test_only_done_is_a_completed_empty_answer() -> None:
    events = list(translate_stream([b"data: [DONE]\n\n"], to="responses"))
    assert [e.type for e in events] == [
        "response.created",
        "response.in_progress",
        "response.completed",
    ]


def test_openai_sdk_chunks_are_read() -> None:
    chunks = [
        openai_chat.ChatCompletionChunk.model_validate(json.loads(raw.split(b"data: ", 1)[1]))
        for raw in (_chunk({"role": "assistant", "content": "hi"}), _chunk({}, "stop"))
    ]
    final: Any = list(translate_stream(chunks, to="responses"))[-1]
    assert final.response.output[0].content[0].text == "hi"
    assert accumulate_stream(chunks).text == "hi"


# --- to chat ------------------------------------------------------------------------------------

CREATED = (
    b'data: {"type":"response.created","response":{"id":"resp_1","object":"response",'
    b'"created_at":1,"status":"in_progress","model":"m","output":[]}}\n\n'
)
MESSAGE = {
    "type": "message",
    "id": "msg_1",
    "role": "assistant",
    "status": "completed",
    "content": [{"type": "output_text", "text": "only here", "annotations": []}],
}


def _completed(output: list[dict[str, Any]]) -> bytes:
    response = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "status": "completed",
        "model": "m",
        "output": output,
    }
    return b"data: " + json.dumps({"type": "response.completed", "response": response}).encode()


def _chat_text(out: list[bytes]) -> tuple[str, list[dict[str, Any]]]:
    chunks = [json.loads(c[6:]) for c in out if c != b"data: [DONE]\n\n"]
    text = "".join(
        choice["delta"].get("content") or "" for c in chunks for choice in c.get("choices", [])
    )
    return text, chunks


@pytest.mark.parametrize("in_done", [True, False], ids=["item-done", "terminal-only"])
def test_text_only_in_whole_items_reaches_chat(in_done: bool) -> None:
    done = {"type": "response.output_item.done", "output_index": 0, "item": MESSAGE}
    stream = CREATED
    if in_done:
        stream += b"data: " + json.dumps(done).encode() + b"\n\n"
    stream += _completed([MESSAGE]) + b"\n\n"
    out = list(translate_stream([stream], to="chat", encode=True))
    text, chunks = _chat_text(out)
    assert text == "only here"
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert out[-1] == b"data: [DONE]\n\n"


def test_a_failure_after_output_is_the_last_chunk_and_never_raises() -> None:
    delta = {"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0}
    stream = (
        CREATED
        + b"data: "
        + json.dumps({**delta, "content_index": 0, "delta": "Hi"}).encode()
        + b"\n\ndata: upstream exploded\n\n"
    )
    out = list(translate_stream([stream], to="chat", encode=True))
    text, chunks = _chat_text(out)
    assert text == "Hi"
    assert "upstream exploded" in chunks[-1]["error"]["message"]
    assert b"[DONE]" not in out[-1]
    models = list(translate_stream([stream], to="chat"))
    assert models[-1].error is not None


def test_a_failure_before_output_raises() -> None:
    with pytest.raises(UpstreamError, match="stream was cut"):
        list(translate_stream([CREATED], to="chat", encode=True))


# --- accumulation says what its input was -------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "says"),
    [("capture.sse", "file path"), (b"", "empty"), (b"<html>502</html>", "no SSE events")],
)
def test_accumulate_says_when_its_input_held_no_events(given: Any, says: str) -> None:
    result = accumulate_stream(given)
    (note,) = [n for n in result.notes if n.code == "no_events"]
    assert says in note.reason
    assert "stream_truncated" not in [n.code for n in result.notes]


# --- nothing but wireshift errors, never after output --------------------------------------------


def _mutations() -> st.SearchStrategy[tuple[Path, int, bytes]]:
    return st.tuples(
        st.sampled_from([*CHAT_CORPUS, *RESPONSES_CORPUS]),
        st.integers(min_value=0, max_value=10**6),
        st.sampled_from(
            [b"", b"garbage\n\n", b"data: {\n\n", b"data: not json\n\n", b'data: {"x":', b"\xff"]
        ),
    )


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_mutations())
def test_translate_stream_never_raises_after_output(case: tuple[Path, int, bytes]) -> None:
    path, cut, inserted = case
    data = path.read_bytes()
    at = cut % (len(data) + 1)
    mutated = data[:at] + inserted + data[at:] if inserted else data[:at]
    to: Literal["responses", "chat"] = "responses" if path in CHAT_CORPUS else "chat"
    produced = 0
    try:
        for _ in translate_stream([mutated[:7], mutated[7:]], to=to, encode=True):
            produced += 1
    except (UpstreamError, TranslationError):
        assert produced == 0, "raised after output"
    except WireshiftError as exc:  # pragma: no cover - the failure this test looks for
        pytest.fail(f"{type(exc).__name__} escaped after {produced} outputs: {exc}")


# --- collapsing a stream into a body ---------------------------------------------------------


def test_an_accumulated_cut_stream_is_a_failed_body_without_its_call() -> None:
    text = _chunk({"role": "assistant", "content": "Let me check."})
    result = accumulate_stream(text + CALL, to="chat")
    assert result.truncated
    response = translate_response(result, to="responses").response
    assert response.status == "failed"
    assert response.error is not None
    assert [item.type for item in response.output] == ["message"]  # the call is not there
    # The bare completion cannot say it was cut: its call reads as finished.
    bare = translate_response(result.completion, to="responses").response
    assert [item.type for item in bare.output] == ["message", "function_call"]


def test_an_accumulated_failed_responses_stream_raises_to_chat() -> None:
    with pytest.raises(UpstreamError, match="stream was cut"):
        translate_response(accumulate_stream(CREATED, to="responses"), to="chat")


def test_finish_reason_error_fails_the_turn() -> None:
    stream = _chunk({"role": "assistant", "content": "Par"}) + _chunk({}, "error")
    events = _responses_events(stream + b"data: [DONE]\n\n")
    assert events[-1]["type"] == "response.failed"
    assert "finish_reason 'error'" in events[-1]["response"]["error"]["message"]


def test_a_drifted_body_is_folded_not_refused() -> None:
    item = {
        "type": "local_shell_call",
        "id": "lsh_1",
        "call_id": "call_1",
        "status": "completed",
        "action": {"type": "exec", "command": ["ls"]},  # no `env`, which the spec requires
    }
    body = {"id": "resp_1", "object": "response", "status": "completed", "output": [item]}
    translated = translate_response(body, to="chat")
    (call,) = translated.completion.choices[0].message.tool_calls or []
    assert call.to_dict()["function"]["name"] == "local_shell"
    assert "body_drift" in [note.code for note in translated.notes]

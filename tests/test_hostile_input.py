"""Hostile and broken input: each class the fuzzing found, as a regression test.

Lone surrogates, deep nesting, tags that are not strings, non-finite numbers and line breaks
in SSE fields must give a wireshift error or a lossless result, on every path.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import wireshift
from wireshift import (
    InvalidArgumentError,
    NestingTooDeepError,
    PayloadError,
    UpstreamError,
    accumulate_stream,
    encode_sse,
    translate_request,
    translate_response,
    translate_stream,
)
from wireshift.responses import Response


def _chunk(delta: dict[str, Any], finish: str | None = None, **top: Any) -> bytes:
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **top,
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


# A lone high surrogate, as the JSON escape an upstream (or a user's paste) can send.
LONE = "\ud800"
SURROGATE_STREAM = (
    _chunk({"role": "assistant", "content": f"a{LONE}b"}) + _chunk({}, "stop") + b"data: [DONE]\n\n"
)


def _data_lines(encoded: bytes) -> list[Any]:
    return [
        json.loads(line[6:])
        for line in encoded.split(b"\n")
        if line.startswith(b"data: ") and line != b"data: [DONE]"
    ]


class TestLoneSurrogates:
    """Read as Python reads the escape, written back as the same escape: no step refuses it."""

    def test_the_stream_really_holds_an_escape(self) -> None:
        assert b"\\ud800" in SURROGATE_STREAM

    def test_accumulated_text_keeps_it_and_writes_it_escaped(self) -> None:
        result = accumulate_stream(SURROGATE_STREAM, to="chat")
        completion = result.completion
        assert completion is not None
        assert completion.choices[0].message.content == f"a{LONE}b"
        written = completion.to_json()
        assert b"\\ud800" in written
        assert json.loads(written)["choices"][0]["message"]["content"] == f"a{LONE}b"
        assert json.loads(completion.model_dump_json())["id"] == "chatcmpl-1"
        assert "\\ud800" in completion.model_dump_json(indent=2)

    def test_translated_response_body_keeps_it(self) -> None:
        translated = translate_response(accumulate_stream(SURROGATE_STREAM), to="responses")
        body = json.loads(translated.body)
        assert body["output"][0]["content"][0]["text"] == f"a{LONE}b"

    @pytest.mark.parametrize("encode", [True, False])
    def test_stream_to_responses_keeps_it(self, encode: bool) -> None:
        out = list(translate_stream([SURROGATE_STREAM], to="responses", encode=encode))
        if encode:
            events = _data_lines(b"".join(out))
        else:
            events = [json.loads(event.to_json()) for event in out]
        deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
        assert "".join(deltas) == f"a{LONE}b"

    def test_responses_stream_to_chat_keeps_it(self) -> None:
        events = list(translate_stream([SURROGATE_STREAM], to="responses"))
        chunks = list(translate_stream(events, to="chat", encode=True))
        payloads = _data_lines(b"".join(chunks))
        text = "".join(
            c["choices"][0]["delta"].get("content") or "" for c in payloads if c["choices"]
        )
        assert text == f"a{LONE}b"

    @pytest.mark.parametrize("as_text", [True, False])
    def test_request_keeps_it(self, as_text: bool) -> None:
        request = {"model": "m", "input": [{"role": "user", "content": f"x{LONE}"}]}
        body: Any = json.dumps(request) if as_text else request
        translated = translate_request(body, to="chat")
        assert b"\\ud800" in translated.body
        sent = json.loads(translated.body)
        assert sent["messages"][0]["content"] == f"x{LONE}"

    def test_encode_sse_writes_the_escape(self) -> None:
        assert encode_sse({"a": LONE}) == b'data: {"a":"\\ud800"}\n\n'
        assert encode_sse(f"t{LONE}") == b"data: t\\ud800\n\n"

    def test_models_parse_it_from_text(self) -> None:
        response = Response.parse(
            '{"id": "r", "object": "response", "created_at": 1, "status": "completed",'
            ' "model": "m", "output": [], "instructions": "\\udfff"}'
        )
        assert response.instructions == "\udfff"
        assert b'"instructions":"\\udfff"' in response.to_json()


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


class TestNesting:
    def test_request_deeper_than_the_limit_is_refused_by_name(self) -> None:
        body = '{"model": "m", "input": "hi", "metadata": ' + _nested(200) + "}"
        with pytest.raises(NestingTooDeepError) as caught:
            translate_request(body, to="chat")
        assert caught.value.limit == 128
        assert isinstance(caught.value, PayloadError)
        assert isinstance(caught.value, ValueError)

    def test_request_as_dict_is_measured_too(self) -> None:
        body = {"model": "m", "input": "hi", "metadata": json.loads(_nested(150))}
        with pytest.raises(NestingTooDeepError):
            translate_request(body, to="chat")

    def test_thousands_of_levels_is_the_same_error_not_recursion(self) -> None:
        with pytest.raises(NestingTooDeepError):
            translate_request(
                b'{"model": "m", "input": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", to="chat"
            )

    def test_the_limit_is_configurable(self) -> None:
        tool = {"type": "function", "name": "f", "parameters": json.loads(_nested(20))}
        body = {"model": "m", "input": "hi", "tools": [tool]}
        assert translate_request(body, to="chat").data["tools"][0]["function"]["name"] == "f"
        with pytest.raises(NestingTooDeepError) as caught:
            translate_request(body, to="chat", max_depth=10)
        assert caught.value.limit == 10

    @pytest.mark.parametrize("bad", [0, 193, -1])
    def test_the_limit_has_a_range(self, bad: int) -> None:
        with pytest.raises(InvalidArgumentError):
            translate_request({"model": "m", "input": "hi"}, to="chat", max_depth=bad)

    def test_a_deep_event_in_a_stream_is_kept_aside_not_raised(self) -> None:
        deep = b"data: " + _nested(5000).encode() + b"\n\n"
        stream = _chunk({"role": "assistant", "content": "ok"}) + deep + _chunk({}, "stop")
        result = accumulate_stream(stream, to="chat")
        assert result.completion is not None
        assert result.completion.choices[0].message.content == "ok"
        assert "event_too_deep" in [note.code for note in result.notes]
        out = list(translate_stream([stream], to="responses"))
        assert out[-1].type == "response.completed"


class TestTagsThatAreNotStrings:
    @pytest.mark.parametrize("tag", [{"a": 1}, [1], 3, None, True])
    def test_request_item_type(self, tag: Any) -> None:
        body = {"model": "m", "input": [{"type": tag, "x": 1}]}
        with pytest.raises(PayloadError) as caught:
            translate_request(body, to="chat")
        assert caught.value.path == "input[0].type"

    @pytest.mark.parametrize("tag", [{"a": 1}, ["x"]])
    def test_stream_event_type(self, tag: Any) -> None:
        event = b"data: " + json.dumps({"type": tag, "sequence_number": 1}).encode() + b"\n\n"
        # An event of no known type is kept aside, noted; the stream then ends without a
        # terminal event, which is a cut, before any output.
        with pytest.raises(UpstreamError) as caught:
            list(translate_stream([event], to="chat"))
        assert caught.value.code == "stream_interrupted"
        codes = [note.code for note in accumulate_stream(event).notes]
        assert codes == ["unknown_event", "stream_truncated"]


class TestNonFiniteNumbers:
    @pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "1e400"])
    def test_created_at_of_a_responses_stream(self, value: str) -> None:
        created = (
            b'event: response.created\ndata: {"type":"response.created","sequence_number":0,'
            b'"response":{"id":"resp_1","object":"response","created_at":'
            + value.encode()
            + b',"status":"in_progress","model":"m","output":[]}}\n\n'
        )
        delta = (
            b'data: {"type":"response.output_text.delta","sequence_number":1,"item_id":"m1",'
            b'"output_index":0,"content_index":0,"delta":"hi"}\n\n'
        )
        done = (
            b'data: {"type":"response.completed","sequence_number":2,"response":{"id":"resp_1",'
            b'"object":"response","created_at":1,"status":"completed","model":"m","output":[]}}\n\n'
        )
        stream = translate_stream([created + delta + done], to="chat")
        chunks = list(stream)
        assert chunks
        assert all(type(chunk.created) is int for chunk in chunks)
        assert "translate.stream.bad_timestamp" in [note.code for note in stream.notes]

    def test_created_of_a_chat_stream(self) -> None:
        raw = SURROGATE_STREAM.replace(b'"created": 1', b'"created": NaN')
        assert b"NaN" in raw
        events = list(translate_stream([raw], to="responses"))
        assert all(
            type(e.response.created_at) in (int, float)
            and e.response.created_at == e.response.created_at
            for e in events
            if hasattr(e, "response")
        )


class TestSSEFields:
    @pytest.mark.parametrize("field", ["event", "id"])
    def test_a_line_break_is_a_wireshift_error(self, field: str) -> None:
        with pytest.raises(InvalidArgumentError) as caught:
            encode_sse({"a": 1}, **{field: "x\ny"})
        assert isinstance(caught.value, ValueError)
        assert caught.value.argument == field

    def test_a_type_with_a_line_break_is_not_used_as_the_event_name(self) -> None:
        assert encode_sse({"type": "a\nb"}) == b'data: {"type":"a\\nb"}\n\n'


def _responses_stream(*events: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(event).encode() + b"\n\n" for event in events)


class TestIndexesFromTheWire:
    """A number from the wire sets no size: elements past the end go next in line, noted."""

    @pytest.mark.parametrize("index", [5, 10**6, 10**18])
    def test_shell_command_index(self, index: int) -> None:
        stream = _responses_stream(
            {
                "type": "response.shell_call_command.delta",
                "sequence_number": 1,
                "output_index": 0,
                "command_index": index,
                "delta": "ls",
            }
        )
        result = accumulate_stream(stream, to="responses")
        response = result.response
        assert response is not None
        item = response.output[0].to_dict()
        assert item["action"]["commands"] == ["ls"]
        gaps = [note for note in result.notes if note.code == "index_gap"]
        assert [note.detail["index"] for note in gaps] == [index]

    @pytest.mark.parametrize("index", [3, 10**6])
    def test_shell_output_index(self, index: int) -> None:
        stream = _responses_stream(
            {
                "type": "response.shell_call_output_content.delta",
                "sequence_number": 1,
                "item_id": "sh_1",
                "output_index": 0,
                "command_index": index,
                "delta": {"stdout": "x"},
            }
        )
        result = accumulate_stream(stream, to="responses")
        assert result.response is not None
        outputs = result.response.output[0].to_dict()["output"]
        assert len(outputs) == 1
        assert outputs[0]["stdout"] == "x"
        assert "index_gap" in [note.code for note in result.notes]


class TestTheBoundary:
    """Only wireshift errors leave an entry point; the caller's own errors pass unchanged."""

    def test_a_bug_reaches_the_caller_as_internal_error(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from wireshift.translate import _api

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise KeyError("inside")

        monkeypatch.setattr(_api, "normalize_chat", broken)
        with pytest.raises(wireshift.InternalError) as caught:
            translate_request({"model": "m", "input": "hi"}, to="chat")
        assert isinstance(caught.value.__cause__, KeyError)
        assert "translate_request" in str(caught.value)

    def test_a_bug_inside_a_stream(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from wireshift.translate._stream_to_responses import ChatToResponsesStream

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise IndexError("inside")

        monkeypatch.setattr(ChatToResponsesStream, "feed_payload", broken)
        with pytest.raises(wireshift.InternalError):
            list(translate_stream([SURROGATE_STREAM], to="responses"))

    def test_the_resolvers_own_error_passes_unchanged(self) -> None:
        class StoreDown(Exception):
            pass

        def resolver(ref: str) -> list[Any]:
            raise StoreDown(ref)

        body = {"model": "m", "input": "hi", "previous_response_id": "resp_1"}
        with pytest.raises(StoreDown):
            translate_request(body, to="chat", resolver=resolver)

    @pytest.mark.parametrize("how", ["accumulate", "translate"])
    def test_the_input_iterables_own_error_passes_unchanged(self, how: str) -> None:
        class ReadTimeout(Exception):
            pass

        def chunks() -> Any:
            yield SURROGATE_STREAM[:40]
            raise ReadTimeout

        def read() -> object:
            if how == "accumulate":
                return accumulate_stream(chunks())
            return list(translate_stream(chunks(), to="responses"))

        with pytest.raises(ReadTimeout):
            read()


class TestFoundByFuzzing:
    """Each input the fuzzing run found raising a foreign exception, and what it gives now."""

    def test_a_call_name_that_is_an_object_in_a_chat_body(self) -> None:
        body = {
            "id": "c",
            "object": "chat.completion",
            "created": 1,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "tool_calls",
                    "message": {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "type": "function",
                                "id": "x",
                                "function": {"name": {"a": 1}, "arguments": "{}"},
                            }
                        ],
                    },
                }
            ],
        }
        translated = translate_response(body, to="responses")
        assert [item.type for item in translated.response.output] == ["function_call"]
        assert "body_drift" in [note.code for note in translated.notes]

    def test_an_unknown_tool_call_with_a_list_for_id(self) -> None:
        request = {
            "model": "m",
            "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "tool_calls": [{"type": "weird", "id": ["x"]}]},
            ],
        }
        translated = translate_request(request, to="responses")
        assert "translate.tool_call.unknown" in [note.code for note in translated.notes]

    def test_an_unknown_item_whose_id_is_an_object(self) -> None:
        def response(status: str) -> dict[str, Any]:
            return {
                "id": "r",
                "object": "response",
                "created_at": 1,
                "status": status,
                "model": "m",
                "output": [],
            }

        events = [
            {"type": "response.created", "sequence_number": 0, "response": response("in_progress")},
            {
                "type": "response.output_item.done",
                "sequence_number": 1,
                "output_index": 0,
                "item": {"type": "mystery", "id": {"a": 1}},
            },
            {"type": "response.completed", "sequence_number": 2, "response": response("completed")},
        ]
        stream = translate_stream(events, to="chat")
        chunks = list(stream)
        assert chunks[-1].choices[0].finish_reason == "stop"
        assert "translate.stream.item_dropped" in [note.code for note in stream.notes]

    def test_an_error_body_with_a_huge_code_or_deep_nesting(self) -> None:
        error = UpstreamError.from_http(400, {"error": {"code": "x" * 100_000, "message": "m"}})
        assert len(str(error)) < 200
        assert error.upstream_code == "x" * 100_000  # kept whole where a caller asks for it
        deep: dict[str, Any] = {"a": 1}
        for _ in range(3_000):
            deep = {"a": deep}
        error = UpstreamError.from_http(500, deep)
        assert error.code == "server_error"
        assert "nested more than 128 levels" in str(error)

    def test_a_lone_surrogate_in_a_key(self) -> None:
        stream = _chunk({"content": "hi"}, x={LONE: 1}) + _chunk({}, "stop")
        completion = accumulate_stream(stream, to="chat").completion
        assert completion is not None
        assert b'"x":{"\\ud800":1}' in completion.to_json()

    def test_a_reasoning_summary_part_whose_text_is_an_object(self) -> None:
        response = {
            "id": "r",
            "object": "response",
            "created_at": 1,
            "status": "completed",
            "model": "m",
            "output": [
                {
                    "type": "reasoning",
                    "id": "rs",
                    "summary": [
                        {"type": "other", "text": {"a": 1}},
                        {"type": "summary_text", "text": "kept"},
                    ],
                }
            ],
        }
        message = translate_response(response, to="chat").completion.choices[0].message
        assert message.model_dump()["reasoning_content"] == "kept"

    def test_a_role_that_is_a_list(self) -> None:
        report = wireshift.validate_tool_sequence([{"role": ["user"], "content": "x"}])
        assert report.ok

    def test_a_note_path_with_a_huge_event_type(self) -> None:
        event = {"type": "response." + "x" * 100_000, "sequence_number": 1}
        result = accumulate_stream(_responses_stream(event), to="responses")
        assert result.notes
        assert all(len(str(note)) < 1_000 for note in result.notes)


def test_an_item_with_a_null_type_is_written_without_a_serializer_warning() -> None:
    # Found by the accumulator's property test: an item whose tag was inferred (type null)
    # was written through the unknown-item serializer, which warns (an error under -W error).
    response = Response.parse(
        {
            "id": "r",
            "object": "response",
            "created_at": 1,
            "status": "completed",
            "model": "m",
            "output": [{"type": None, "id": "msg_1"}],
        }
    )
    assert response.to_dict()["output"] == [{"type": None, "id": "msg_1"}]


def test_a_namespace_name_with_a_lone_surrogate_gets_a_chat_name() -> None:
    # Found by the million-input run: the digest that shortens a long name hashed its UTF-8.
    tool = {
        "type": "namespace",
        "name": f"n{LONE}" * 20,
        "description": "d",
        "tools": [{"type": "function", "name": "f" * 80, "parameters": {}}],
    }
    translated = translate_request({"model": "m", "input": "hi", "tools": [tool]}, to="chat")
    (name,) = [t["function"]["name"] for t in translated.data["tools"]]
    assert len(name) <= 64
    assert translated.tool_names.to_dict()


def test_a_text_only_backend_drops_a_part_with_no_text_with_a_note() -> None:
    # Found by the million-input run: joining parts for a text-only backend read part["text"].
    image = {"type": "image_url", "image_url": {"url": "http://x"}}
    request = {
        "model": "m",
        "messages": [
            {
                "role": "tool",
                "tool_call_id": "a",
                "content": [image, {"type": "text", "text": "t"}],
            },
            {"role": "user", "content": "hi"},
        ],
    }
    translated = translate_request(request, to="chat", profile="deepseek")
    assert translated.data["messages"][0]["content"].endswith("t")
    dropped = [note for note in translated.notes if note.code == "normalize.content"]
    assert [note.path for note in dropped] == ["messages[0].content[0]"]


def test_a_refusal_part_with_null_refusal_in_a_done_item() -> None:
    # Found by the second million-input run: the parts' texts were joined without a check.
    def response(status: str) -> dict[str, Any]:
        return {"id": "r", "object": "response", "created_at": 1, "status": status, "model": "m"}

    item = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "content": [{"type": "refusal", "refusal": None}, {"type": "output_text", "text": "b"}],
    }
    events = [
        {"type": "response.created", "sequence_number": 0, "response": response("in_progress")},
        {
            "type": "response.output_item.done",
            "sequence_number": 1,
            "output_index": 0,
            "item": item,
        },
        {"type": "response.completed", "sequence_number": 2, "response": response("completed")},
    ]
    chunks = list(translate_stream(events, to="chat"))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "b"


def test_tool_calls_that_are_a_number_on_a_message_of_unknown_role() -> None:
    # Found by the second million-input run: the strict-history check (deepseek) iterated
    # the tool_calls of a message of a role no model knows, which keeps any field.
    request = {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}, {"role": "zzz", "tool_calls": 1.5}],
    }
    normalized = wireshift.normalize_request(request, profile="deepseek")
    assert normalized.data["messages"][1] == {"role": "zzz", "tool_calls": 1.5}

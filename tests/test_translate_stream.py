"""Chat stream -> Responses stream, event by event, over the corpus in tests/data/streams/chat.

Every expectation below is read off the chat stream files themselves (their text, calls, usage
and endings), not produced by the translator.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path
from typing import Any

import anyio
import pytest

from hosted_calls import HOSTED_CALLS, HOSTED_TOOLS, hosted_stream
from spec_tools import openai_spec, openresponses_spec, schemas
from wireshift import SSEEvent, ToolNameMap, iter_sse
from wireshift._toolnames import ToolOrigin
from wireshift.responses import Response
from wireshift.translate._stream_api import atranslate_stream, translate_stream

CORPUS = Path(__file__).parent / "data" / "streams" / "chat"

USAGE = {"input_tokens": 11, "output_tokens": 7, "total_tokens": 18, "cached": 4, "reasoning": 2}

# file: (terminal status, text, reasoning text, [(name, call_id, arguments)], usage?, error)
EXPECTED: dict[str, tuple[str, str, str, list[tuple[str, str, str]], bool, Any]] = {
    "text": ("completed", "Hello, world", "", [], True, None),
    "parallel_tools_interleaved": (
        "completed",
        "",
        "",
        [("get_weather", "call_a", '{"city":"Paris"}'), ("get_time", "call_b", '{"tz":"UTC"}')],
        True,
        None,
    ),
    "duplicate_index_first_chunk": (
        "completed",
        "",
        "",
        [("get_weather", "call_a", '{"city":"Paris"}'), ("get_time", "call_b", '{"tz":"UTC"}')],
        False,
        None,
    ),
    "whole_call_one_chunk": (
        "completed",
        "",
        "",
        [("shell", "call_x", '{"command":["ls"]}')],
        False,
        None,
    ),
    "reasoning_content": ("completed", "Answer", "Let me think.", [], True, None),
    "reasoning_field": ("completed", "Done", "Thinking hard.", [], False, None),
    "think_tags": ("completed", "The answer is 4.", "plan it", [], False, None),
    "usage_after_done": ("completed", "Hi", "", [], True, None),
    "empty_first_chunk": ("completed", "Filtered hello", "", [], False, None),
    "sse_comments": ("completed", "AB", "", [], True, None),
    "finish_length": ("incomplete", "Truncat", "", [], True, "max_output_tokens"),
    "finish_content_filter": ("incomplete", "Bad", "", [], False, "content_filter"),
    "error_mid_stream": ("failed", "Part", "", [], False, ("overloaded", "Upstream overloaded")),
    # The cut call was never confirmed: it is not in the failed response (Codex would run it).
    "cut_stream": ("failed", "Cut", "", [], False, "cut"),
    "no_finish_reason_done": ("completed", "No reason", "", [], False, None),
    "continuation_without_id": (
        "completed",
        "",
        "",
        [("search", "call_q", '{"q":"cats"}')],
        False,
        None,
    ),
}

PROFILES = {"think_tags": "vllm", "reasoning_field": "vllm"}


def _tool_names() -> ToolNameMap:
    names = ToolNameMap()
    names.add(ToolOrigin("search", namespace="mcp__docs"))
    names.add(ToolOrigin("apply_patch", tool_type="custom"))
    return names


def _raw(name: str) -> bytes:
    return (CORPUS / f"{name}.sse").read_bytes()


def _events(name: str, **options: Any) -> list[dict[str, Any]]:
    options.setdefault("profile", PROFILES.get(name))
    return [e.to_dict() for e in translate_stream([_raw(name)], to="responses", **options)]


# --- spec validation ------------------------------------------------------------------------


@cache
def _validators(which: str) -> dict[str, Any]:
    jsonschema = pytest.importorskip("jsonschema")
    spec = openai_spec() if which == "openai" else openresponses_spec()
    found: dict[str, Any] = {}
    for name, schema in schemas(spec).items():
        tag = schema.get("properties", {}).get("type", {})
        values = tag.get("enum") or ([tag["const"]] if "const" in tag else [])
        is_event = name.endswith("Event") and (which == "openai" or name.endswith("StreamingEvent"))
        if is_event and not name.startswith("WebSocket"):
            for value in values:
                found.setdefault(value, name)
    root = {"components": spec["components"]}
    validators = {
        tag: jsonschema.Draft202012Validator({**root, "$ref": f"#/components/schemas/{name}"})
        for tag, name in found.items()
    }
    response = "Response" if which == "openai" else "ResponseResource"
    validators["@response"] = jsonschema.Draft202012Validator(
        {**root, "$ref": f"#/components/schemas/{response}"}
    )
    return validators


# The code of each upstream code the corpus holds, in the OpenAI dialect: server_error for an
# overload (the code Codex retries) and for a cut (wireshift's stream_interrupted); the Open
# Responses dialect keeps the canonical server_is_overloaded.
CANONICAL = {"overloaded": "server_error", "stream_interrupted": "server_error"}

# Codes the OpenAI spec's ResponseErrorCode lacks but the real backends send in
# response.failed, and Codex acts on (it stops retrying on them): docs/errors.md. The rest of
# such an error object is still checked.
SPEC_EXTENSION_CODES = frozenset(
    {"context_length_exceeded", "insufficient_quota", "usage_not_included"}
)


def _as_spec_allows(event: dict[str, Any]) -> dict[str, Any]:
    error = (event.get("response") or {}).get("error")
    if not isinstance(error, dict) or error.get("code") not in SPEC_EXTENSION_CODES:
        return event
    return {**event, "response": {**event["response"], "error": {**error, "code": "server_error"}}}


def _spec_errors(events: list[dict[str, Any]], which: str) -> list[str]:
    validators = _validators(which)
    errors = []
    events = [_as_spec_allows(event) for event in events]
    for event in events:
        validator = validators.get(event["type"])
        if validator is None:
            if which == "openai":
                errors.append(f"{event['type']}: not an event of the spec")
            continue  # Open Responses has no event for it (custom tool input): nothing to check
        errors += [
            f"{event['type']} {list(e.absolute_path)}: {e.message}"
            for e in validator.iter_errors(event)
        ]
    final = events[-1].get("response")
    if final is not None:
        errors += [
            f"final {list(e.absolute_path)}: {e.message}"
            for e in validators["@response"].iter_errors(final)
        ]
    return errors


# --- the lifecycle --------------------------------------------------------------------------


def _check_lifecycle(events: list[dict[str, Any]]) -> None:
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    assert events[0]["type"] == "response.created"
    assert events[1]["type"] == "response.in_progress"
    response_id = events[0]["response"]["id"]
    assert response_id.startswith("resp_")
    added: dict[int, dict[str, Any]] = {}
    done: dict[int, dict[str, Any]] = {}
    for event in events[2:-1]:
        kind = event["type"]
        assert not kind.startswith("response.") or kind.count(".") >= 2, kind
        index = event.get("output_index")
        if kind == "response.output_item.added":
            assert index not in added, "output_index reused"
            assert index == len(added), "output indexes are dense and in order"
            added[index] = event["item"]
        elif kind == "response.output_item.done":
            assert index in added
            assert index not in done
            assert event["item"]["id"] == added[index]["id"]
            done[index] = event["item"]
        else:
            assert index in added, f"{kind} before its item"
            assert index not in done, f"{kind} after its item"
            assert event["item_id"] == added[index]["id"]
    if events[-1]["type"] == "response.failed":
        # Nothing open at the failure is done (Codex would run its call, or keep its text and
        # re-send it on each retry): only items closed before it are.
        assert set(done) <= set(added)
    else:
        assert sorted(added) == sorted(done), "every added item is done"
    prefixes = {
        "message": "msg_",
        "reasoning": "rs_",
        "function_call": "fc_",
        "custom_tool_call": "ctc_",
        "local_shell_call": "lsh_",
        "shell_call": "sh_",
        "apply_patch_call": "apc_",
    }
    for item in done.values():
        assert item["id"].startswith(prefixes[item["type"]])
    final = events[-1]
    assert final["response"]["id"] == response_id
    output = final["response"]["output"]
    if final["type"] == "response.failed":
        # The text streamed before the failure stays, as incomplete items.
        assert [i for i in output if i["id"] in {d["id"] for d in done.values()}] == [
            done[i] for i in sorted(done)
        ]
        assert all(i["status"] == "incomplete" for i in output if i not in done.values())
    else:
        assert output == [done[i] for i in sorted(done)]


def _texts(output: list[dict[str, Any]]) -> tuple[str, str]:
    text = "".join(
        part["text"]
        for item in output
        if item["type"] == "message"
        for part in item["content"]
        if part["type"] == "output_text"
    )
    reasoning = "".join(
        part["text"]
        for item in output
        if item["type"] == "reasoning"
        for part in item["summary"] + item.get("content", [])
    )
    return text, reasoning


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_stream(name: str) -> None:
    status, text, reasoning, calls, usage, ending = EXPECTED[name]
    events = _events(name)
    _check_lifecycle(events)
    final = events[-1]
    assert final["type"] == f"response.{status}"
    response = final["response"]
    assert response["status"] == status
    assert _texts(response["output"]) == (text, reasoning)
    got_calls = [
        (i["name"], i["call_id"], i["arguments"])
        for i in response["output"]
        if i["type"] == "function_call"
    ]
    assert got_calls == calls
    if usage:
        got = response["usage"]
        assert (got["input_tokens"], got["output_tokens"], got["total_tokens"]) == (11, 7, 18)
        assert got["input_tokens_details"]["cached_tokens"] == USAGE["cached"]
        assert got["output_tokens_details"]["reasoning_tokens"] == USAGE["reasoning"]
    else:
        assert response.get("usage") is None
    if status == "incomplete":
        assert response["incomplete_details"] == {"reason": ending}
    if status == "failed":
        assert response["error"] is not None
        assert response["error"]["message"]
        assert response["error"]["message"] == (
            ending[1] if isinstance(ending, tuple) else response["error"]["message"]
        )
    # Deltas add up to what the done events say.
    deltas: dict[str, list[str]] = {}
    for event in events:
        if event["type"].endswith(".delta"):
            deltas.setdefault(event["item_id"], []).append(event["delta"])
    for event in events:
        if event["type"] == "response.function_call_arguments.done":
            assert "".join(deltas.get(event["item_id"], [])) == event["arguments"]
    assert _spec_errors(events, "openai") == []
    error: dict[str, Any] = response["error"] or {}
    if status == "failed":
        # The canonical code clients act on, the upstream's own kept beside it.
        own = ending[0] if isinstance(ending, tuple) else "stream_interrupted"
        assert error["code"] == CANONICAL[own]
        assert error.get("upstream_code", error["code"]) == own


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_stream_open_responses_dialect(name: str) -> None:
    from wireshift import get_profile

    profile = get_profile(PROFILES.get(name)).derive(name="or", dialect="open-responses")
    events = _events(name, profile=profile)
    _check_lifecycle(events)
    status, text, reasoning, _, _, ending = EXPECTED[name]
    response = events[-1]["response"]
    assert (response["status"], _texts(response["output"])) == (status, (text, reasoning))
    if isinstance(ending, tuple):
        error = response["error"]
        assert (error["upstream_code"], error["message"]) == ending
        assert error["code"] == {"overloaded": "server_is_overloaded"}[ending[0]]
    assert _spec_errors(events, "openresponses") == []


def test_namespaced_and_custom_calls_are_restored() -> None:
    events = _events("namespaced_and_custom", tool_names=_tool_names())
    _check_lifecycle(events)
    output = events[-1]["response"]["output"]
    assert [i["type"] for i in output] == ["function_call", "custom_tool_call"]
    assert (output[0]["name"], output[0]["namespace"]) == ("search", "mcp__docs")
    assert output[0]["arguments"] == '{"q":"x"}'
    assert (output[1]["name"], output[1]["call_id"]) == ("apply_patch", "call_p")
    assert output[1]["input"] == "*** Begin Patch\n*** End Patch"
    inputs = [e for e in events if e["type"] == "response.custom_tool_call_input.done"]
    assert [e["input"] for e in inputs] == [output[1]["input"]]
    assert _spec_errors(events, "openai") == []


def test_local_shell_shell_and_apply_patch_calls_come_back_as_their_items() -> None:
    raw, names = hosted_stream()
    events = [e.to_dict() for e in translate_stream([raw], to="responses", tool_names=names)]
    _check_lifecycle(events)
    output = events[-1]["response"]["output"]
    for item, (_, call_id, _, expected) in zip(output, HOSTED_CALLS, strict=True):
        assert item["call_id"] == call_id
        assert {key: item[key] for key in expected} == expected
        assert item["status"] == "completed"
    # The function call that stayed one streams its arguments; the others have none to stream.
    deltas = [e for e in events if e["type"] == "response.function_call_arguments.delta"]
    assert [e["item_id"] for e in deltas] == [output[3]["id"]]
    assert _spec_errors(events, "openai") == []


def test_hosted_calls_round_trip_through_a_chat_history() -> None:
    from wireshift.translate import translate_request, translate_response

    raw, names = hosted_stream()
    last: Any = list(translate_stream([raw], to="responses", tool_names=names))[-1]
    final = last.response
    # The non-streaming translation gives the same items.
    completion = translate_response(final, to="chat", tool_names=names).completion
    again = translate_response(completion, to="responses", tool_names=names).response
    assert isinstance(again, Response)
    strip = ("id", "status")
    assert [{k: v for k, v in i.to_dict().items() if k not in strip} for i in again.output] == [
        {k: v for k, v in i.to_dict().items() if k not in strip} for i in final.output
    ]
    # As the next request's history, each call goes back to chat as the function call it was.
    history = [item.to_dict() for item in final.output]
    request = translate_request(
        {"model": "m", "input": history, "tools": HOSTED_TOOLS}, to="chat", profile="vllm"
    )
    calls = [c for m in request.data["messages"] for c in m.get("tool_calls") or []]
    assert [(c["id"], c["function"]["name"]) for c in calls[:3]] == [
        (call_id, name) for name, call_id, _, _ in HOSTED_CALLS[:3]
    ]
    # The call that stayed a function is a function named local_shell: another tool than the
    # local_shell tool, so the name map keeps their chat names apart.
    assert calls[3]["id"] == "call_bad"
    assert calls[3]["function"]["name"].startswith("local_shell_")
    for call, (_, _, arguments, _) in zip(calls, HOSTED_CALLS, strict=True):
        sent = call["function"]["arguments"]
        if arguments.startswith("{"):
            assert json.loads(sent).items() >= dict(json.loads(arguments).items()).items()
        else:
            assert sent == arguments


def test_reasoning_as_text_in_both_dialects() -> None:
    openai_events = _events("reasoning_content", reasoning="text")
    kinds = {e["type"] for e in openai_events}
    assert "response.reasoning_text.delta" in kinds
    assert _spec_errors(openai_events, "openai") == []
    from wireshift import get_profile

    open_responses = get_profile("openai").derive(name="or", dialect="open-responses")
    or_events = _events("reasoning_content", profile=open_responses, reasoning="text")
    kinds = {e["type"] for e in or_events}
    assert "response.reasoning.delta" in kinds
    assert "response.reasoning_text.delta" not in kinds
    assert _texts(or_events[-1]["response"]["output"]) == ("Answer", "Let me think.")
    assert _spec_errors(or_events, "openresponses") == []


def test_completed_response_carries_all_resource_fields() -> None:
    from wireshift.responses._response import RESOURCE_FIELDS

    final = _events("text")[-1]["response"]
    assert set(RESOURCE_FIELDS) <= set(final)


@pytest.mark.parametrize("name", ["text", "parallel_tools_interleaved", "think_tags"])
def test_any_chunking_and_input_form_gives_the_same_stream(name: str) -> None:
    raw = _raw(name)
    profile = PROFILES.get(name)

    def strip(events: list[Any]) -> list[Any]:
        # Ids are random per response: compare the events with ids blanked.
        text = json.dumps([e.to_dict() if hasattr(e, "to_dict") else e for e in events])
        for prefix in ("resp_", "msg_", "rs_", "fc_"):
            import re

            text = re.sub(prefix + r"[0-9a-f]{32}", prefix, text)
        result: list[Any] = json.loads(text)
        return result

    whole = strip(list(translate_stream([raw], to="responses", profile=profile)))
    whole = [{k: v for k, v in e.items() if k != "response"} for e in whole]
    forms: list[list[Any]] = [
        [raw[i : i + 1] for i in range(len(raw))],
        [raw.decode()],
        list(iter_sse([raw])),
        [json.loads(e.data) for e in iter_sse([raw]) if not e.is_done],
        [e.data for e in iter_sse([raw])],  # data strings through SSEEvent-like objects below
    ]
    forms[-1] = [SSEEvent(data=d) for d in forms[-1]]
    for form in forms:
        got = strip(list(translate_stream(form, to="responses", profile=profile)))
        assert [{k: v for k, v in e.items() if k != "response"} for e in got] == whole


def test_encode_writes_open_responses_sse() -> None:
    out = b"".join(translate_stream([_raw("text")], to="responses", encode=True))
    assert b"\r" not in out
    assert out.endswith(b"\n\n")
    for block in out.decode().split("\n\n")[:-1]:
        event_line, data_line = block.split("\n")
        assert event_line == "event: " + json.loads(data_line.removeprefix("data: "))["type"]


def test_async_twin_matches() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for line in _raw("parallel_tools_interleaved").splitlines(keepends=True):
            yield line

    async def run() -> list[bytes]:
        return [e async for e in atranslate_stream(chunks(), to="responses", encode=True)]

    out = anyio.run(run)
    assert out[0].startswith(b"event: response.created\n")
    assert out[-1].startswith(b"event: response.completed\n")

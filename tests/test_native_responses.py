"""Servers that speak Responses natively (Ollama, vLLM, LM Studio, llama.cpp, OpenRouter,
DeepSeek): a Codex request normalized for each, and their replies given back to Codex with
its own tools. The request is the one Codex 0.169 sent with an MCP server and the freeform
``apply_patch`` tool (tests/data/fixtures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

import wireshift
from wireshift import PROFILES, MissingContextError, ToolNameMap, TranslationError
from wireshift._toolnames import ToolOrigin

FIXTURE = Path(__file__).parent / "data" / "fixtures" / "codex-0.169-request-mcp-apply-patch.json"
CODEX = json.loads(FIXTURE.read_text(encoding="utf-8"))["body"]
NATIVE = [name for name, p in PROFILES.items() if p.tool_types is not None]


def sse(*events: dict[str, Any]) -> list[bytes]:
    return [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events]


def test_every_native_profile_is_a_responses_profile() -> None:
    assert len(NATIVE) == 6
    assert all(PROFILES[name].wire == "responses" for name in NATIVE)


@pytest.mark.parametrize("profile", NATIVE)
def test_codex_tools_reach_each_native_server_as_what_it_takes(profile: str) -> None:
    out = wireshift.normalize_request(CODEX, profile=profile)
    taken = PROFILES[profile].tool_types
    assert taken is not None
    kinds = {t["type"] for t in out.data["tools"]}
    assert kinds <= taken
    names = {t["name"] for t in out.data["tools"] if t["type"] == "function"}
    # Every namespace member and the custom tool became a function the map knows.
    assert out.tool_names.chat_name("shout", "mcp__echo") in names
    assert {"apply_patch", "exec_command"} <= names
    assert out.tool_names.resolve(out.tool_names.chat_name("shout", "mcp__echo")) == (
        ToolOrigin("shout", "function", "mcp__echo")
    )
    assert out.tool_names.resolve("apply_patch") == ToolOrigin("apply_patch", "custom")
    codes = {n.code for n in out.notes}
    assert {"normalize.tools.namespace", "normalize.tools.custom"} <= codes
    # Codex asks for encrypted reasoning, which these servers do not have.
    assert "reasoning.encrypted_content" not in out.data.get("include", [])
    assert "normalize.include" in codes
    assert ("normalize.tools.unsupported" in codes) == ("web_search" not in taken)


def test_strict_mode_refuses_to_drop_a_hosted_tool() -> None:
    with pytest.raises(TranslationError) as raised:
        wireshift.normalize_request(CODEX, profile="ollama-responses", strict=True)
    assert raised.value.path.startswith("tools[")


def test_openai_profiles_keep_every_tool() -> None:
    out = wireshift.normalize_request(CODEX, profile="openai")
    assert [t["type"] for t in out.data["tools"]] == [t["type"] for t in CODEX["tools"]]
    assert len(out.tool_names) == 0


HISTORY = {
    "model": "m",
    "tools": [
        {"type": "custom", "name": "apply_patch", "format": {"type": "text"}},
        {
            "type": "namespace",
            "name": "mcp__echo",
            "description": "d",
            "tools": [{"type": "function", "name": "shout", "parameters": {"type": "object"}}],
        },
    ],
    "tool_choice": {"type": "custom", "name": "apply_patch"},
    "input": [
        {"role": "user", "content": "go"},
        {"type": "custom_tool_call", "call_id": "c1", "name": "apply_patch", "input": "*** P"},
        {"type": "custom_tool_call_output", "call_id": "c1", "output": "done"},
        {
            "type": "function_call",
            "call_id": "c2",
            "name": "shout",
            "namespace": "mcp__echo",
            "arguments": "{}",
        },
        {"type": "function_call_output", "call_id": "c2", "output": "OK"},
    ],
}


def test_history_is_sent_under_the_names_the_tools_were_sent_with() -> None:
    out = wireshift.normalize_request(HISTORY, profile="lmstudio-responses")
    tools = {t["name"] for t in out.data["tools"]}
    calls = [i for i in out.data["input"] if i.get("type") == "function_call"]
    assert [c["name"] for c in calls] == ["apply_patch", "mcp__echo__shout"]
    assert {c["name"] for c in calls} <= tools
    assert json.loads(calls[0]["arguments"]) == {"input": "*** P"}
    assert all("namespace" not in c for c in calls)
    assert [i.get("type") for i in out.data["input"][1:]] == [
        "function_call",
        "function_call_output",
        "function_call",
        "function_call_output",
    ]
    assert out.data["tool_choice"] == {"type": "function", "name": "apply_patch"}


NAME_SHAPES = ["mcp__echo__shout", "mcp__echo.shout", "ns_mcp__echo___shout", "shout"]


@pytest.mark.parametrize("shape", NAME_SHAPES)
def test_a_namespaced_call_comes_back_namespaced_whatever_name_shape_the_server_chose(
    shape: str,
) -> None:
    names = wireshift.normalize_request(HISTORY, profile="ollama-responses").tool_names
    item = {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "call_1",
        "name": shape,
        "arguments": '{"text":"hi"}',
        "status": "completed",
    }
    stream = sse(
        {"type": "response.created", "sequence_number": 0, "response": {"id": "r", "output": []}},
        {
            "type": "response.output_item.added",
            "sequence_number": 1,
            "output_index": 0,
            "item": item,
        },
        {
            "type": "response.output_item.done",
            "sequence_number": 2,
            "output_index": 0,
            "item": item,
        },
        {
            "type": "response.completed",
            "sequence_number": 3,
            "response": {"id": "r", "status": "completed", "output": [item]},
        },
    )
    result = wireshift.accumulate_stream(
        wireshift.translate_stream(stream, to="responses", tool_names=names, encode=True)
    )
    (call,) = result.final.to_dict()["output"]
    assert (call["type"], call["name"], call["namespace"]) == (
        "function_call",
        "shout",
        "mcp__echo",
    )


def test_an_unknown_name_is_left_as_the_server_sent_it() -> None:
    names = wireshift.normalize_request(HISTORY, profile="ollama-responses").tool_names
    body = {
        "id": "r",
        "object": "response",
        "status": "completed",
        "output": [
            {"type": "function_call", "call_id": "c", "name": "other.tool", "arguments": "{}"}
        ],
    }
    out = wireshift.translate_response(body, to="responses", tool_names=names)
    assert out.response.to_dict()["output"][0]["name"] == "other.tool"
    assert out.notes == []


def test_a_body_gets_its_calls_back() -> None:
    names = wireshift.normalize_request(HISTORY, profile="vllm-responses").tool_names
    body = {
        "id": "r",
        "object": "response",
        "status": "completed",
        "output": [
            {
                "type": "function_call",
                "call_id": "c",
                "name": "apply_patch",
                "arguments": json.dumps({"input": "*** Begin Patch"}),
            }
        ],
    }
    out = wireshift.translate_response(body, to="responses", tool_names=names)
    (call,) = out.response.to_dict()["output"]
    assert (call["type"], call["input"]) == ("custom_tool_call", "*** Begin Patch")
    assert [n.code for n in out.notes] == ["translate.restore.calls"]


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8"), max_size=80),
    cuts=st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=30),
)
def test_custom_input_streams_as_input_deltas_that_join_to_the_input(
    text: str, cuts: list[int]
) -> None:
    names = ToolNameMap()
    names.add(ToolOrigin("apply_patch", "custom"))
    arguments = json.dumps({"input": text})
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(arguments[start : start + cut])
        start += cut
    pieces.append(arguments[start:])
    added = {
        "type": "function_call",
        "id": "fc",
        "call_id": "c",
        "name": "apply_patch",
        "arguments": "",
    }
    events = [{"type": "response.output_item.added", "output_index": 0, "item": added}]
    events += [
        {
            "type": "response.function_call_arguments.delta",
            "output_index": 0,
            "item_id": "fc",
            "delta": p,
        }
        for p in pieces
    ]
    events.append(
        {
            "type": "response.function_call_arguments.done",
            "output_index": 0,
            "item_id": "fc",
            "arguments": arguments,
        }
    )
    out = [
        json.loads(b.split(b"data: ", 1)[1])
        for b in wireshift.translate_stream(
            sse(*events), to="responses", tool_names=names, encode=True
        )
    ]
    kinds = [e["type"] for e in out]
    assert kinds[1:-2] == ["response.custom_tool_call_input.delta"] * len(pieces)
    assert "".join(e["delta"] for e in out if e["type"].endswith("input.delta")) == text
    done = next(e for e in out if e["type"] == "response.custom_tool_call_input.done")
    assert done["input"] == text


def test_events_without_calls_pass_through_byte_for_byte() -> None:
    events = [
        {"type": "response.created", "sequence_number": 0, "response": {"id": "r", "output": []}},
        {
            "type": "response.output_text.delta",
            "sequence_number": 1,
            "item_id": "m",
            "output_index": 0,
            "content_index": 0,
            "delta": "héllo",
        },
        {
            "type": "response.completed",
            "sequence_number": 2,
            "response": {"id": "r", "status": "completed", "output": []},
        },
    ]
    raw = sse(*events)
    out = list(wireshift.translate_stream(raw, to="responses", encode=True))
    assert out[1] == raw[1]


def test_a_cut_stream_ends_in_response_failed() -> None:
    raw = sse(
        {"type": "response.created", "sequence_number": 0, "response": {"id": "r9", "output": []}}
    )
    out = [
        json.loads(b.split(b"data: ", 1)[1])
        for b in wireshift.translate_stream(raw, to="responses", encode=True)
    ]
    assert out[-1]["type"] == "response.failed"
    assert out[-1]["response"]["id"] == "r9"
    assert out[-1]["response"]["error"]["code"] == "stream_interrupted"


def test_a_failure_with_a_null_error_gets_the_error_sent_beside_it() -> None:
    raw = sse(
        {"type": "response.created", "sequence_number": 0, "response": {"id": "r", "output": []}},
        {
            "type": "response.failed",
            "sequence_number": 1,
            "response": {"id": "r", "status": "failed", "error": None, "output": []},
            "error": {"code": "context_length_exceeded", "message": "too long: 300000 tokens"},
        },
    )
    stream = wireshift.translate_stream(raw, to="responses", encode=True)
    out = [json.loads(b.split(b"data: ", 1)[1]) for b in stream]
    assert out[-1]["response"]["error"]["message"] == "too long: 300000 tokens"
    assert stream.error is not None
    assert stream.error.code == "context_length_exceeded"


def test_a_stateless_backend_gets_the_earlier_items_instead_of_the_id() -> None:
    body = {"model": "m", "previous_response_id": "resp_1", "input": "and now?"}
    earlier = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    out = wireshift.normalize_request(body, profile="ollama-responses", previous_items=earlier)
    assert "previous_response_id" not in out.data
    assert [i["role"] for i in out.data["input"]] == ["user", "assistant", "user"]
    with pytest.raises(MissingContextError):
        wireshift.normalize_request(body, profile="ollama-responses")
    kept = wireshift.normalize_request(body, profile="lmstudio-responses")
    assert kept.data["previous_response_id"] == "resp_1"


def test_a_wireshift_envelope_is_never_sent_as_encrypted_reasoning() -> None:
    from wireshift._reasoning_envelope import seal

    reasoning = {
        "type": "reasoning",
        "id": "rs_1",
        "summary": [],
        "encrypted_content": seal("I should call the tool.", "reasoning_content"),
    }
    body = {"model": "m", "input": [{"role": "user", "content": "x"}, reasoning]}
    native = wireshift.normalize_request(body, profile="ollama-responses")
    item = native.data["input"][1]
    assert "encrypted_content" not in item
    assert item["content"] == [{"type": "reasoning_text", "text": "I should call the tool."}]
    codex = wireshift.normalize_request(body, profile="chatgpt-codex")
    assert all(i.get("type") != "reasoning" for i in codex.data["input"])
    openai_blob = {**reasoning, "encrypted_content": "gAAAAB-opaque"}
    foreign = wireshift.normalize_request(
        {"model": "m", "input": [openai_blob]}, profile="vllm-responses"
    )
    assert foreign.data["input"] == [] or "encrypted_content" not in foreign.data["input"][0]
    assert "normalize.reasoning.encrypted" in {n.code for n in foreign.notes}


def test_a_tool_choice_naming_a_dropped_tool_goes_with_it() -> None:
    mcp = {"type": "mcp", "server_label": "s", "server_url": "http://127.0.0.1:9"}
    function = {"type": "function", "name": "f", "parameters": {"type": "object"}}
    body = {"model": "m", "input": "x", "tools": [function, mcp]}
    named = wireshift.normalize_request(
        {**body, "tool_choice": {"type": "mcp", "server_label": "s"}}, profile="ollama-responses"
    )
    assert "tool_choice" not in named.data
    allowed = {
        "type": "allowed_tools",
        "mode": "auto",
        "tools": [{"type": "function", "name": "f"}, {"type": "mcp", "server_label": "s"}],
    }
    narrowed = wireshift.normalize_request(
        {**body, "tool_choice": allowed}, profile="ollama-responses"
    )
    assert narrowed.data["tool_choice"]["tools"] == [{"type": "function", "name": "f"}]
    assert [t["type"] for t in narrowed.data["tools"]] == ["function"]


SHELL_AND_PATCH = {
    "model": "m",
    "tools": [
        {"type": "local_shell"},
        {"type": "apply_patch"},
        {
            "type": "namespace",
            "name": "editor",
            "description": "d",
            "tools": [
                {"type": "custom", "name": "rewrite", "format": {"type": "text"}},
                {"type": "web_search"},
            ],
        },
    ],
    "tool_choice": {"type": "apply_patch"},
    "input": [
        {"role": "user", "content": "go"},
        {
            "type": "local_shell_call",
            "id": "lsh_1",
            "call_id": "c1",
            "status": "completed",
            "action": {"type": "exec", "command": ["ls"], "env": {}},
        },
        {"type": "local_shell_call_output", "id": "c1", "output": "a.txt"},
        {
            "type": "apply_patch_call",
            "id": "apc_1",
            "call_id": "c2",
            "status": "completed",
            "operation": {"type": "create_file", "path": "b.txt", "diff": "+b"},
        },
        {"type": "apply_patch_call_output", "call_id": "c2", "status": "completed"},
    ],
}


def test_shell_and_patch_tools_and_their_history_become_functions() -> None:
    out = wireshift.normalize_request(SHELL_AND_PATCH, profile="llamacpp-responses")
    names = [t["name"] for t in out.data["tools"]]
    assert names == ["local_shell", "apply_patch", "editor__rewrite"]
    assert all(t["type"] == "function" for t in out.data["tools"])
    assert out.data["tool_choice"] == {"type": "function", "name": "apply_patch"}
    items = out.data["input"][1:]
    assert [i["type"] for i in items] == [
        "function_call",
        "function_call_output",
        "function_call",
        "function_call_output",
    ]
    assert json.loads(items[0]["arguments"])["command"] == ["ls"]
    assert items[1] == {"type": "function_call_output", "call_id": "c1", "output": "a.txt"}
    assert json.loads(items[2]["arguments"])["path"] == "b.txt"
    assert items[3]["output"] == "completed"
    dropped = [n.path for n in out.notes if n.code == "normalize.tools.unsupported"]
    assert dropped == ["tools[2].tools[1]"]
    # The calls come back as the client's shell and patch calls.
    shell = {"type": "function_call", "call_id": "c9", "name": "local_shell"}
    body = {
        "id": "r",
        "object": "response",
        "status": "completed",
        "output": [
            {**shell, "arguments": json.dumps({"command": ["pwd"]})},
            {
                "type": "function_call",
                "call_id": "c10",
                "name": "editor.rewrite",
                "arguments": json.dumps({"input": "new text"}),
            },
        ],
    }
    back = wireshift.translate_response(body, to="responses", tool_names=out.tool_names)
    first, second = back.response.to_dict()["output"]
    assert (first["type"], first["action"]["command"]) == ("local_shell_call", ["pwd"])
    assert (second["type"], second["name"], second["namespace"], second["input"]) == (
        "custom_tool_call",
        "rewrite",
        "editor",
        "new text",
    )


def test_a_shell_call_streams_back_as_its_item_without_argument_deltas() -> None:
    out = wireshift.normalize_request(SHELL_AND_PATCH, profile="vllm-responses")
    item = {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "c1",
        "name": "local_shell",
        "arguments": json.dumps({"command": ["ls"]}),
    }
    raw = sse(
        {"type": "response.created", "response": {"id": "r", "output": []}},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**item, "arguments": ""},
        },
        {
            "type": "response.function_call_arguments.delta",
            "output_index": 0,
            "item_id": "fc_1",
            "delta": item["arguments"],
        },
        {
            "type": "response.function_call_arguments.done",
            "output_index": 0,
            "item_id": "fc_1",
            "arguments": item["arguments"],
        },
        {"type": "response.output_item.done", "output_index": 0, "item": item},
        {
            "type": "response.completed",
            "response": {"id": "r", "status": "completed", "output": [item]},
        },
    )
    events = list(wireshift.translate_stream(raw, to="responses", tool_names=out.tool_names))
    kinds = [e.type for e in events]
    assert "response.function_call_arguments.delta" not in kinds
    done = [e for e in events if e.type == "response.output_item.done"]
    assert done[0].to_dict()["item"]["type"] == "local_shell_call"


def test_tools_sent_as_an_input_item_join_the_tools() -> None:
    body = {
        "model": "m",
        "input": [
            {
                "type": "additional_tools",
                "role": "developer",
                "tools": [{"type": "custom", "name": "apply_patch"}],
            },
            {"role": "user", "content": "go"},
        ],
        "tool_choice": "auto",
    }
    out = wireshift.normalize_request(body, profile="ollama-responses")
    assert [t["name"] for t in out.data["tools"]] == ["apply_patch"]
    assert [i.get("role") for i in out.data["input"]] == ["user"]
    assert "normalize.tools.additional" in {n.code for n in out.notes}


def test_when_no_tool_is_left_the_tool_settings_go_too() -> None:
    body = {
        "model": "m",
        "input": "x",
        "tools": [{"type": "image_generation"}],
        "tool_choice": "required",
        "parallel_tool_calls": True,
    }
    out = wireshift.normalize_request(body, profile="lmstudio-responses")
    assert not {"tools", "tool_choice", "parallel_tool_calls"} & out.data.keys()


def test_an_error_event_ends_in_response_failed_with_its_cause() -> None:
    raw = sse(
        {"type": "response.created", "response": {"id": "r", "output": []}},
        {"type": "error", "code": "rate_limit_exceeded", "message": "Please try again in 2s"},
    )
    stream = wireshift.translate_stream(raw, to="responses", encode=True)
    out = [json.loads(b.split(b"data: ", 1)[1]) for b in stream]
    assert [e["type"] for e in out] == ["response.created", "error", "response.failed"]
    assert out[-1]["response"]["error"]["code"] == "rate_limit_exceeded"
    assert stream.error is not None


def test_a_damaged_envelope_is_not_guessed_at() -> None:
    from wireshift._reasoning_envelope import ENVELOPE_PREFIX, open_envelope, seal

    assert open_envelope(seal("x", "reasoning")) is not None
    assert open_envelope(ENVELOPE_PREFIX + "not base64 !!") is None
    assert open_envelope(ENVELOPE_PREFIX + "e30=") is None  # {} has no text
    assert open_envelope("gAAAA-openai") is None


def _namespaced_events(names: ToolNameMap) -> list[dict[str, Any]]:
    item = {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "c1",
        "name": names.chat_name("shout", "mcp__echo"),
        "arguments": "",
    }
    return [
        {"type": "response.created", "response": {"id": "r", "output": []}},
        {"type": "response.output_item.added", "output_index": 0, "item": item},
        # No item_id: the call is found by its output index.
        {"type": "response.function_call_arguments.delta", "output_index": 0, "delta": "{}"},
        {
            "type": "response.function_call_arguments.done",
            "output_index": 0,
            "item_id": "fc_1",
            "name": item["name"],
            "arguments": "{}",
        },
    ]


def test_events_given_as_mappings_come_back_as_models_with_the_calls_restored() -> None:
    names = wireshift.normalize_request(HISTORY, profile="ollama-responses").tool_names
    events = list(
        wireshift.translate_stream(_namespaced_events(names), to="responses", tool_names=names)
    )
    added = events[1].to_dict()["item"]
    assert (added["name"], added["namespace"]) == ("shout", "mcp__echo")
    assert events[2].to_dict()["delta"] == "{}"
    assert events[3].to_dict()["name"] == "shout"
    # The input ended without a terminal event: the stream is failed as cut.
    assert events[-1].type == "response.failed"


def test_an_upstream_error_fed_in_ends_the_stream_once() -> None:
    names = wireshift.normalize_request(HISTORY, profile="ollama-responses").tool_names
    error = wireshift.UpstreamError("upstream went away", code="server_error")
    source = [*_namespaced_events(names)[:2], error, *_namespaced_events(names)[2:]]
    events = list(wireshift.translate_stream(source, to="responses", tool_names=names))
    assert [e.type for e in events][-1] == "response.failed"
    assert sum(e.type == "response.failed" for e in events) == 1


def test_a_line_that_is_not_json_fails_the_turn_with_its_text() -> None:
    raw = [
        *sse({"type": "response.created", "response": {"id": "r", "output": []}}),
        b"event: response.output_item.added\ndata: <html>502 Bad Gateway</html>\n\n",
    ]
    stream = wireshift.translate_stream(raw, to="responses", encode=True)
    out = [json.loads(b.split(b"data: ", 1)[1]) for b in stream]
    assert out[-1]["type"] == "response.failed"
    assert "502 Bad Gateway" in out[-1]["response"]["error"]["message"]

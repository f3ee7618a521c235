"""Backend normalization: every ChatGPT Codex backend rule, and the Chat profile rules
(roles, strings, system merging, reasoning fields, strict tool sequences)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from wireshift import PROFILES, get_profile
from wireshift.toolseq import validate_tool_sequence
from wireshift.translate import TranslationError, normalize_request, translate_request
from wireshift.translate._normalize import _plainly_strict

Body = dict[str, Any]
CODEX = "chatgpt-codex"
DEFAULT = PROFILES[CODEX].default_instructions


def dev(content: Any, role: str = "developer") -> Body:
    return {"type": "message", "role": role, "content": content}


def user(text: str) -> Body:
    return {"type": "message", "role": "user", "content": text}


def codex(body: Body) -> tuple[Body, list[tuple[str, str, str]]]:
    result = normalize_request(body, profile=CODEX)
    return result.data, [(n.path, n.action, n.code) for n in result.notes]


# --- ChatGPT Codex backend -------------------------------------------------------------------


@pytest.mark.parametrize(("given", "action"), [(None, "added"), (False, "changed"), (True, None)])
def test_codex_forces_stream(given: bool | None, action: str | None) -> None:
    body: Body = {"instructions": "i", "input": [user("x")]}
    if given is not None:
        body["stream"] = given
    data, notes = codex(body)
    assert data["stream"] is True
    stream_notes = [n for n in notes if n[0] == "stream"]
    assert stream_notes == ([("stream", action, "normalize.stream")] if action else [])


@pytest.mark.parametrize(("given", "action"), [(None, "added"), (True, "changed"), (False, None)])
def test_codex_forces_store_false(given: bool | None, action: str | None) -> None:
    body: Body = {"instructions": "i", "input": [user("x")], "stream": True}
    if given is not None:
        body["store"] = given
    data, notes = codex(body)
    assert data["store"] is False
    assert [n for n in notes if n[0] == "store"] == (
        [("store", action, "normalize.store")] if action else []
    )


@pytest.mark.parametrize(
    "field", ["max_output_tokens", "max_tokens", "max_completion_tokens", "temperature", "metadata"]
)
def test_codex_drops_fields_it_rejects(field: str) -> None:
    value: Any = {"k": "v"} if field == "metadata" else 5
    data, notes = codex({"instructions": "i", "input": [user("x")], field: value})
    assert field not in data
    assert (field, "dropped", "normalize.drop_field") in notes


def test_codex_drops_item_references_typed_or_not() -> None:
    items = [user("a"), {"type": "item_reference", "id": "msg_1"}, {"id": "rs_2"}, user("b")]
    data, notes = codex({"instructions": "i", "input": items})
    assert data["input"] == [user("a"), user("b")]
    assert [n[0] for n in notes if n[2] == "normalize.item_type"] == ["input[1]", "input[2]"]


def test_codex_hoists_string_and_list_content_in_order_after_instructions() -> None:
    # One proxy hoisted only string content and lost list content: both must arrive.
    items = [
        dev(
            [{"type": "input_text", "text": "list one"}, {"type": "input_text", "text": "list two"}]
        ),
        user("question"),
        dev("string system", role="system"),
        dev([{"type": "input_text", "text": "late list"}]),
    ]
    data, notes = codex({"instructions": "base", "input": items})
    text = data["instructions"]
    for piece in ("base", "list one", "list two", "string system", "late list"):
        assert piece in text
    positions = [
        text.index(p) for p in ("base", "list one", "list two", "string system", "late list")
    ]
    assert positions == sorted(positions)
    assert data["input"] == [user("question")]
    assert [n[0] for n in notes if n[2] == "normalize.hoist"] == [
        "input[0]",
        "input[2]",
        "input[3]",
    ]
    assert all(n[1] == "moved" for n in notes if n[2] == "normalize.hoist")


def test_codex_hoists_messages_without_a_type() -> None:
    data, _ = codex(
        {
            "input": [
                {"role": "developer", "content": [{"type": "input_text", "text": "d"}]},
                user("q"),
            ]
        }
    )
    assert data["instructions"] == "d"
    assert data["input"] == [user("q")]


def test_codex_hoisting_drops_non_text_parts_with_a_note() -> None:
    image = {"type": "input_image", "image_url": "https://x/y.png"}
    data, notes = codex({"input": [dev([{"type": "input_text", "text": "t"}, image]), user("q")]})
    assert data["instructions"] == "t"
    assert ("input[0].content[1]", "dropped", "normalize.hoist") in notes


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"input": [user("q")]}, DEFAULT),
        ({"instructions": "", "input": [user("q")]}, DEFAULT),
        ({"instructions": "   ", "input": [user("q")]}, DEFAULT),
        ({"input": [dev(""), user("q")]}, DEFAULT),
        ({"input": [dev("from a message"), user("q")]}, "from a message"),
        ({"instructions": "given", "input": [user("q")]}, "given"),
        ({"input": "just a string"}, DEFAULT),
    ],
)
def test_codex_default_instructions_only_when_none_remain(body: Body, expected: str) -> None:
    data, notes = codex(body)
    assert data["instructions"] == expected
    added = ("instructions", "added", "normalize.instructions") in notes
    assert added == (expected == DEFAULT)


def test_codex_keeps_encrypted_reasoning_and_drops_plain_reasoning() -> None:
    kept = {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAAA"}
    plain = {"type": "reasoning", "summary": [{"type": "summary_text", "text": "t"}]}
    data, notes = codex({"instructions": "i", "input": [user("q"), kept, plain]})
    assert data["input"] == [user("q"), kept]
    assert ("input[2]", "dropped", "normalize.reasoning_item") in notes


def test_codex_every_change_is_noted_and_nothing_else_moves() -> None:
    fixture_like = {
        "model": "gpt-5-codex",
        "input": [dev([{"type": "input_text", "text": "d"}]), user("q")],
        "tools": [{"type": "function", "name": "f"}],
        "tool_choice": "auto",
        "parallel_tool_calls": True,
        "reasoning": {"effort": "high", "summary": "auto"},
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "k",
        "max_output_tokens": 9,
    }
    data, notes = codex(fixture_like)
    untouched = {k: v for k, v in fixture_like.items() if k not in ("input", "max_output_tokens")}
    assert {k: data[k] for k in untouched} == untouched
    assert {n[0] for n in notes} == {"stream", "store", "max_output_tokens", "input[0]"}


def test_codex_strict_mode_names_the_dropped_field() -> None:
    with pytest.raises(TranslationError) as caught:
        normalize_request({"input": [user("q")], "metadata": {}}, profile=CODEX, strict=True)
    assert caught.value.path == "metadata"
    # Forced values are changes, not losses: strict mode lets them through.
    assert (
        normalize_request({"input": [user("q")]}, profile=CODEX, strict=True).data["stream"] is True
    )


def test_chat_client_to_the_codex_backend() -> None:
    chat = {
        "model": "gpt-5-codex",
        "messages": [
            {
                "role": "system",
                "content": [{"type": "text", "text": "sys a"}, {"type": "text", "text": "sys b"}],
            },
            {"role": "user", "content": "hi"},
        ],
        "max_tokens": 100,
        "temperature": 0.3,
        "stream": False,
    }
    result = translate_request(chat, to="responses", profile=CODEX)
    assert result.data["input"] == [user("hi")]
    assert "sys a" in result.data["instructions"]
    assert "sys b" in result.data["instructions"]
    assert result.data["stream"] is True
    assert result.data["store"] is False
    assert not {"max_output_tokens", "temperature"} & result.data.keys()


# --- Chat profile rules ----------------------------------------------------------------------


def test_developer_messages_take_the_system_role_where_needed() -> None:
    chat = {"messages": [{"role": "developer", "content": "d"}, {"role": "user", "content": "u"}]}
    assert normalize_request(chat, profile="openai").data == chat
    deepseek = normalize_request(chat, profile="deepseek")
    assert deepseek.data["messages"][0] == {"role": "system", "content": "d"}
    assert deepseek.notes_for("normalize.roles")[0].detail["positions"] == [0]
    o1 = get_profile("openai").derive(name="o1", system_role="developer")
    assert normalize_request({"messages": [{"role": "system", "content": "s"}]}, profile=o1).data[
        "messages"
    ] == [{"role": "developer", "content": "s"}]


def test_string_content_only_joins_text_and_drops_the_rest() -> None:
    chat = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "a"},
                    {"type": "image_url", "image_url": {"url": "u"}},
                    {"type": "text", "text": "b"},
                ],
            }
        ]
    }
    result = normalize_request(chat, profile="deepseek")
    assert result.data["messages"][0]["content"] == "a\nb"
    assert result.notes_for("normalize.content")[0].path == "messages[0].content[1]"


def test_system_messages_merge_into_one_first_where_needed() -> None:
    chat = {
        "messages": [
            {"role": "system", "content": "one"},
            {"role": "user", "content": "u"},
            {"role": "developer", "content": [{"type": "text", "text": "two"}]},
        ]
    }
    result = normalize_request(chat, profile="vllm")
    assert result.data["messages"] == [
        {"role": "system", "content": "one\n\ntwo"},
        {"role": "user", "content": "u"},
    ]
    assert result.notes_for("normalize.merge_system")[0].detail["positions"] == [0, 2]
    single = {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]}
    assert normalize_request(single, profile="vllm").data == single


def test_tool_message_parts_follow_the_profile() -> None:
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    chat = {
        "messages": [
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {
                "role": "tool",
                "tool_call_id": "c",
                "content": [
                    {"type": "text", "text": "t"},
                    {"type": "image_url", "image_url": {"url": "u"}},
                ],
            },
        ]
    }
    assert len(normalize_request(chat, profile="litellm").data["messages"][1]["content"]) == 2
    assert normalize_request(chat, profile="openai").data["messages"][1]["content"] == [
        {"type": "text", "text": "t"}
    ]


def test_reasoning_fields_are_renamed_or_dropped_per_profile() -> None:
    chat = {
        "messages": [
            {
                "role": "assistant",
                "content": "a",
                "reasoning_content": "why",
                "reasoning_details": [],
            }
        ]
    }
    vllm = normalize_request(chat, profile="vllm").data["messages"][0]
    assert vllm == {"role": "assistant", "content": "a", "reasoning": "why"}
    openrouter = normalize_request(chat, profile="openrouter").data["messages"][0]
    assert openrouter == {
        "role": "assistant",
        "content": "a",
        "reasoning_details": [],
        "reasoning": "why",
    }
    plain = normalize_request(chat, profile="openai")
    assert plain.data["messages"][0] == {"role": "assistant", "content": "a"}
    assert {n.path for n in plain.notes} == {
        "messages[0].reasoning_content",
        "messages[0].reasoning_details",
    }


def test_deepseek_gets_reasoning_content_on_tool_call_turns() -> None:
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    chat = {
        "messages": [
            {"role": "user", "content": "u"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c", "content": "r"},
        ]
    }
    result = normalize_request(chat, profile="deepseek")
    assert result.data["messages"][1]["reasoning_content"] == ""
    assert result.notes_for("normalize.reasoning_required")[0].action == "added"


def test_json_schema_becomes_json_mode_where_unsupported() -> None:
    chat = {
        "messages": [{"role": "user", "content": "u"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "n", "schema": {}}},
    }
    assert normalize_request(chat, profile="deepseek").data["response_format"] == {
        "type": "json_object"
    }
    assert (
        normalize_request(chat, profile="vllm").data["response_format"] == chat["response_format"]
    )


def test_openrouter_effort_object_is_read_by_other_backends() -> None:
    chat = {"messages": [{"role": "user", "content": "u"}], "reasoning": {"effort": "low"}}
    assert normalize_request(chat, profile="vllm").data == {
        "messages": [{"role": "user", "content": "u"}],
        "reasoning_effort": "low",
    }
    to_openrouter = normalize_request(
        {"messages": [{"role": "user", "content": "u"}], "reasoning_effort": "high"},
        profile="openrouter",
    )
    assert to_openrouter.data["reasoning"] == {"effort": "high"}


@pytest.mark.parametrize("name", [n for n, p in PROFILES.items() if p.wire != "responses"])
def test_every_chat_profile_gets_repaired_histories(name: str) -> None:
    body = {
        "input": [
            user("u"),
            {"type": "function_call", "call_id": "a", "name": "f", "arguments": "{}"},
            {"type": "message", "role": "assistant", "content": "text between call and result"},
            {"type": "function_call_output", "call_id": "a", "output": "r"},
            {"type": "function_call", "call_id": "b", "name": "f", "arguments": "{}"},
        ]
    }
    result = translate_request(body, to="chat", profile=name)
    assert validate_tool_sequence(result.data["messages"]) == []
    codes = {n.code for n in result.notes}
    assert {"tool_sequence.moved_interrupters", "tool_sequence.synthesized_result"} <= codes
    as_sent = PROFILES[name].derive(name="as-sent", strict_tool_sequences=False)
    unrepaired = translate_request(body, to="chat", profile=as_sent)
    assert validate_tool_sequence(unrepaired.data["messages"]) != []


# The fast path must never call a history "plainly strict" that the full check faults.
_call_ids = st.sampled_from(["a", "b", "c", ""])
_call = st.builds(
    lambda i, name: {"id": i, "type": "function", "function": {"name": name, "arguments": "{}"}},
    _call_ids,
    st.sampled_from(["f", ""]),
)
_message = st.one_of(
    st.builds(lambda t: {"role": "user", "content": t}, st.sampled_from(["u", "v"])),
    st.builds(lambda t: {"role": "assistant", "content": t}, st.sampled_from(["x", "y"])),
    st.builds(
        lambda calls: {"role": "assistant", "content": None, "tool_calls": calls},
        st.lists(_call, min_size=1, max_size=3),
    ),
    st.builds(lambda i: {"role": "tool", "tool_call_id": i, "content": "r"}, _call_ids),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_message, max_size=8), st.sampled_from([None, 1, 64]))
def test_plainly_strict_is_never_wrong(history: list[Body], max_length: int | None) -> None:
    profile = get_profile("deepseek").derive(name="t", tool_id_max_length=max_length)
    if _plainly_strict(history, profile):
        assert validate_tool_sequence(history, profile=profile).ok


def test_the_normalized_json_is_the_data() -> None:
    result = normalize_request(json.dumps({"input": "x"}), profile=CODEX)
    assert json.loads(result.body) == result.data
    assert result.format == "responses"
    assert result.model.to_dict() == result.data

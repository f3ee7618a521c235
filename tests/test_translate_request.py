"""Request translation, both ways: paired bodies, every tool_choice form, formats, reasoning,
tokens, streams, tools, notes and strict mode.

Expected bodies are written by hand from the two specs, never produced by the code under test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from wireshift import PROFILES, InvalidJSONError, PayloadError, Profile, ToolNameMap, get_profile
from wireshift._profiles import EFFORT_SCALE
from wireshift._toolnames import ToolOrigin
from wireshift.chat import ChatCompletionRequest
from wireshift.responses import ResponsesRequest
from wireshift.translate import (
    MissingContextError,
    TranslatedRequest,
    TranslationError,
    normalize_request,
    translate_request,
)
from wireshift.translate._toolforms import call_item_from_chat, output_item_from_chat

Body = dict[str, Any]

CHAT_PROFILES = sorted(name for name, p in PROFILES.items() if p.wire == "chat")


def user(text: str) -> Body:
    return {"type": "message", "role": "user", "content": text}


def chat_user(text: str) -> Body:
    return {"role": "user", "content": text}


WEATHER_PARAMS = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}

# (name, Responses body, Chat body, chat profile, both ways?)
# "both ways": the Chat body also translates back to exactly the Responses body.
PAIRS: list[tuple[str, Body, Body, str, bool]] = [
    (
        "text",
        {"model": "m", "input": [user("hi")]},
        {"model": "m", "messages": [chat_user("hi")]},
        "openai",
        True,
    ),
    (
        "system and developer messages, in order",
        {
            "input": [
                {"type": "message", "role": "system", "content": "sys"},
                user("hi"),
                {"type": "message", "role": "developer", "content": "dev"},
            ]
        },
        {
            "messages": [
                {"role": "system", "content": "sys"},
                chat_user("hi"),
                {"role": "developer", "content": "dev"},
            ]
        },
        "openai",
        True,
    ),
    (
        "user content parts",
        {
            "input": [
                {
                    "type": "message",
                    "role": "user",
                    "content": [
                        {"type": "input_text", "text": "look"},
                        {"type": "input_image", "image_url": "https://x/y.png", "detail": "low"},
                        {
                            "type": "input_file",
                            "file_data": "data:application/pdf;base64,AA",
                            "filename": "a.pdf",
                        },
                        {"type": "input_file", "file_id": "file-1"},
                        {"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}},
                    ],
                }
            ]
        },
        {
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "look"},
                        {
                            "type": "image_url",
                            "image_url": {"url": "https://x/y.png", "detail": "low"},
                        },
                        {
                            "type": "file",
                            "file": {
                                "file_data": "data:application/pdf;base64,AA",
                                "filename": "a.pdf",
                            },
                        },
                        {"type": "file", "file": {"file_id": "file-1"}},
                        {"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}},
                    ],
                }
            ]
        },
        "openai",
        True,
    ),
    (
        "assistant text and refusal",
        {
            "input": [
                user("a"),
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": "b", "annotations": []}],
                },
                user("c"),
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "refusal", "refusal": "no"}],
                },
            ]
        },
        {
            "messages": [
                chat_user("a"),
                {"role": "assistant", "content": [{"type": "text", "text": "b"}]},
                chat_user("c"),
                {"role": "assistant", "content": None, "refusal": "no"},
            ]
        },
        "openai",
        True,
    ),
    (
        "a tool call and its output",
        {
            "tools": [{"type": "function", "name": "weather", "parameters": WEATHER_PARAMS}],
            "input": [
                user("weather?"),
                {
                    "type": "function_call",
                    "call_id": "call_1",
                    "name": "weather",
                    "arguments": '{"city": "Oslo"}',
                },
                {"type": "function_call_output", "call_id": "call_1", "output": "rain"},
            ],
        },
        {
            "tools": [
                {"type": "function", "function": {"name": "weather", "parameters": WEATHER_PARAMS}}
            ],
            "messages": [
                chat_user("weather?"),
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "weather", "arguments": '{"city": "Oslo"}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_1", "content": "rain"},
            ],
        },
        "openai",
        True,
    ),
    (
        "parallel calls merge into one assistant message",
        {
            "tools": [{"type": "function", "name": "weather", "parameters": WEATHER_PARAMS}],
            "input": [
                user("two cities"),
                {
                    "type": "function_call",
                    "call_id": "a",
                    "name": "weather",
                    "arguments": '{"city":"A"}',
                },
                {
                    "type": "function_call",
                    "call_id": "b",
                    "name": "weather",
                    "arguments": '{"city":"B"}',
                },
                {"type": "function_call_output", "call_id": "a", "output": "sun"},
                {"type": "function_call_output", "call_id": "b", "output": "snow"},
            ],
            "parallel_tool_calls": True,
            "tool_choice": "required",
        },
        {
            "tools": [
                {"type": "function", "function": {"name": "weather", "parameters": WEATHER_PARAMS}}
            ],
            "messages": [
                chat_user("two cities"),
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "a",
                            "type": "function",
                            "function": {"name": "weather", "arguments": '{"city":"A"}'},
                        },
                        {
                            "id": "b",
                            "type": "function",
                            "function": {"name": "weather", "arguments": '{"city":"B"}'},
                        },
                    ],
                },
                {"role": "tool", "tool_call_id": "a", "content": "sun"},
                {"role": "tool", "tool_call_id": "b", "content": "snow"},
            ],
            "parallel_tool_calls": True,
            "tool_choice": "required",
        },
        "openai",
        True,
    ),
    (
        "assistant text with a call, and tool output parts",
        {
            "tools": [{"type": "function", "name": "weather", "parameters": WEATHER_PARAMS}],
            "input": [
                user("go"),
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": "checking", "annotations": []}],
                },
                {"type": "function_call", "call_id": "c", "name": "weather", "arguments": "{}"},
                {
                    "type": "function_call_output",
                    "call_id": "c",
                    "output": [
                        {"type": "input_text", "text": "line 1"},
                        {"type": "input_text", "text": "line 2"},
                    ],
                },
            ],
        },
        {
            "tools": [
                {"type": "function", "function": {"name": "weather", "parameters": WEATHER_PARAMS}}
            ],
            "messages": [
                chat_user("go"),
                {
                    "role": "assistant",
                    "content": [{"type": "text", "text": "checking"}],
                    "tool_calls": [
                        {
                            "id": "c",
                            "type": "function",
                            "function": {"name": "weather", "arguments": "{}"},
                        }
                    ],
                },
                {
                    "role": "tool",
                    "tool_call_id": "c",
                    "content": [
                        {"type": "text", "text": "line 1"},
                        {"type": "text", "text": "line 2"},
                    ],
                },
            ],
        },
        "openai",
        True,
    ),
    (
        "reasoning rides on the assistant message",
        {
            "input": [
                user("q"),
                {
                    "type": "reasoning",
                    "summary": [],
                    "content": [{"type": "reasoning_text", "text": "hmm"}],
                },
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": "a", "annotations": []}],
                },
            ]
        },
        {
            "messages": [
                chat_user("q"),
                {
                    "role": "assistant",
                    "content": [{"type": "text", "text": "a"}],
                    "reasoning_content": "hmm",
                },
            ]
        },
        "litellm",
        True,
    ),
    (
        "function tool, strict, description; tool_choice by name",
        {
            "tools": [
                {
                    "type": "function",
                    "name": "weather",
                    "description": "Weather now",
                    "parameters": WEATHER_PARAMS,
                    "strict": True,
                }
            ],
            "tool_choice": {"type": "function", "name": "weather"},
            "input": [user("x")],
        },
        {
            "tools": [
                {
                    "type": "function",
                    "function": {
                        "name": "weather",
                        "description": "Weather now",
                        "parameters": WEATHER_PARAMS,
                        "strict": True,
                    },
                }
            ],
            "tool_choice": {"type": "function", "function": {"name": "weather"}},
            "messages": [chat_user("x")],
        },
        "openai",
        True,
    ),
    (
        "allowed_tools",
        {
            "tools": [
                {"type": "function", "name": "a", "parameters": WEATHER_PARAMS},
                {"type": "function", "name": "b", "parameters": WEATHER_PARAMS},
            ],
            "tool_choice": {
                "type": "allowed_tools",
                "mode": "required",
                "tools": [{"type": "function", "name": "b"}],
            },
            "input": [user("x")],
        },
        {
            "tools": [
                {"type": "function", "function": {"name": "a", "parameters": WEATHER_PARAMS}},
                {"type": "function", "function": {"name": "b", "parameters": WEATHER_PARAMS}},
            ],
            "tool_choice": {
                "type": "allowed_tools",
                "allowed_tools": {
                    "mode": "required",
                    "tools": [{"type": "function", "function": {"name": "b"}}],
                },
            },
            "messages": [chat_user("x")],
        },
        "openai",
        True,
    ),
    (
        "json_schema format and verbosity",
        {
            "input": [user("x")],
            "text": {
                "format": {
                    "type": "json_schema",
                    "name": "out",
                    "schema": WEATHER_PARAMS,
                    "strict": True,
                },
                "verbosity": "low",
            },
        },
        {
            "messages": [chat_user("x")],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "out", "schema": WEATHER_PARAMS, "strict": True},
            },
            "verbosity": "low",
        },
        "openai",
        True,
    ),
    (
        "json_object format",
        {"input": [user("x")], "text": {"format": {"type": "json_object"}}},
        {"messages": [chat_user("x")], "response_format": {"type": "json_object"}},
        "openai",
        True,
    ),
    (
        "text format",
        {"input": [user("x")], "text": {"format": {"type": "text"}}},
        {"messages": [chat_user("x")], "response_format": {"type": "text"}},
        "openai",
        True,
    ),
    (
        "effort, tokens and sampling",
        {
            "input": [user("x")],
            "reasoning": {"effort": "high"},
            "max_output_tokens": 300,
            "temperature": 0.5,
            "top_p": 1,
            "user": "u",
            "safety_identifier": "s",
            "metadata": {"k": "v"},
            "service_tier": "flex",
            "prompt_cache_key": "pk",
        },
        {
            "messages": [chat_user("x")],
            "reasoning_effort": "high",
            "max_completion_tokens": 300,
            "temperature": 0.5,
            "top_p": 1,
            "user": "u",
            "safety_identifier": "s",
            "metadata": {"k": "v"},
            "service_tier": "flex",
            "prompt_cache_key": "pk",
        },
        "openai",
        True,
    ),
    (
        "streaming asks for usage",
        {"input": [user("x")], "stream": True},
        {"messages": [chat_user("x")], "stream": True, "stream_options": {"include_usage": True}},
        "openai",
        True,
    ),
    (
        "web search",
        {
            "input": [user("x")],
            "tools": [
                {
                    "type": "web_search",
                    "search_context_size": "low",
                    "user_location": {"type": "approximate", "country": "NO", "city": "Oslo"},
                }
            ],
        },
        {
            "messages": [chat_user("x")],
            "web_search_options": {
                "search_context_size": "low",
                "user_location": {
                    "type": "approximate",
                    "approximate": {"country": "NO", "city": "Oslo"},
                },
            },
        },
        "openai",
        True,
    ),
    (
        "instructions become the first system message",
        {"instructions": "Be brief.", "input": "hi"},
        {"messages": [{"role": "system", "content": "Be brief."}, chat_user("hi")]},
        "openai",
        False,
    ),
    (
        "DeepSeek: strings only, reasoning_content, max_tokens",
        {
            "input": [
                {
                    "type": "message",
                    "role": "developer",
                    "content": [{"type": "input_text", "text": "rules"}],
                },
                {
                    "type": "message",
                    "role": "user",
                    "content": [
                        {"type": "input_text", "text": "a"},
                        {"type": "input_text", "text": "b"},
                    ],
                },
                {"type": "reasoning", "summary": [{"type": "summary_text", "text": "think"}]},
                {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
                {
                    "type": "function_call_output",
                    "call_id": "c",
                    "output": [{"type": "input_text", "text": "out"}],
                },
            ],
            "max_output_tokens": 10,
        },
        {
            "messages": [
                {"role": "system", "content": "rules"},
                chat_user("a\nb"),
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c",
                            "type": "function",
                            "function": {"name": "f", "arguments": "{}"},
                        }
                    ],
                    "reasoning_content": "think",
                },
                {"role": "tool", "tool_call_id": "c", "content": "out"},
            ],
            "max_tokens": 10,
        },
        "deepseek",
        False,
    ),
]


@pytest.mark.parametrize(
    ("responses", "chat", "profile"),
    [(r, c, p) for _, r, c, p, _ in PAIRS],
    ids=[p[0] for p in PAIRS],
)
def test_responses_to_chat(responses: Body, chat: Body, profile: str) -> None:
    assert translate_request(responses, to="chat", profile=profile).data == chat


@pytest.mark.parametrize(
    ("responses", "chat"),
    [(r, c) for _, r, c, _, both in PAIRS if both],
    ids=[p[0] for p in PAIRS if p[4]],
)
def test_chat_to_responses(responses: Body, chat: Body) -> None:
    expected = dict(responses)
    if isinstance(expected.get("input"), list):
        # Responses messages are items: the translation writes their `type`.
        expected["input"] = [
            {"type": "message", **i} if "role" in i else i for i in expected["input"]
        ]
    assert translate_request(chat, to="responses").data == expected


@pytest.mark.parametrize(
    ("name", "responses", "chat", "profile", "both"), PAIRS, ids=[p[0] for p in PAIRS]
)
def test_pairs_are_valid_bodies(
    name: str, responses: Body, chat: Body, profile: str, both: bool
) -> None:
    # The hand-written bodies themselves must parse as what they claim to be.
    ResponsesRequest.parse(responses)
    ChatCompletionRequest.parse({"messages": [], **chat})


# --- inputs -----------------------------------------------------------------------------------


class ForeignModel(BaseModel):
    """Stands for an openai SDK model: a pydantic model that is not a wireshift one."""

    model_config = ConfigDict(extra="allow")
    model: str
    input: list[dict[str, Any]]


@pytest.mark.parametrize(
    "form",
    ["bytes", "str", "dict", "model", "foreign"],
)
def test_body_in_any_form(form: str) -> None:
    body = {"model": "m", "input": [user("hi")]}
    given: Any = {
        "bytes": json.dumps(body).encode(),
        "str": json.dumps(body),
        "dict": body,
        "model": ResponsesRequest.parse(body),
        "foreign": ForeignModel(**body),
    }[form]
    result = translate_request(given, to="chat")
    assert result.data == {"model": "m", "messages": [chat_user("hi")]}
    assert json.loads(result.body) == result.data
    assert isinstance(result.model, ChatCompletionRequest)
    assert result.model.to_dict() == result.data


def test_openai_sdk_models_are_accepted() -> None:
    types = pytest.importorskip("openai.types.responses", reason="the openai SDK is not installed")
    earlier = types.ResponseFunctionToolCall(
        type="function_call", call_id="c1", name="f", arguments="{}", id="fc_1", status="completed"
    )
    result = translate_request(
        {"input": "next", "previous_response_id": "resp_1"}, to="chat", previous_items=[earlier]
    )
    assert result.data["messages"][0]["tool_calls"][0]["id"] == "c1"


def test_openai_sdk_messages_inside_a_body() -> None:
    chat_types = pytest.importorskip("openai.types.chat", reason="the openai SDK is not installed")
    reply = chat_types.ChatCompletionMessage(role="assistant", content="earlier answer")
    body = {"model": "m", "messages": [{"role": "user", "content": "q"}, reply]}
    result = translate_request(body, to="responses")
    assert result.data["input"][1] == {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": "earlier answer", "annotations": []}],
    }


def test_the_input_is_not_changed() -> None:
    body = {
        "input": [
            {
                "type": "message",
                "role": "developer",
                "content": [{"type": "input_text", "text": "d"}],
            },
            user("u"),
        ],
        "reasoning": {"effort": "xhigh"},
    }
    before = json.dumps(body)
    translate_request(body, to="chat", profile="deepseek")
    normalize_request(body, profile="chatgpt-codex")
    assert json.dumps(body) == before


def test_bad_json_and_bad_fields_raise_payload_errors() -> None:
    with pytest.raises(InvalidJSONError):
        translate_request(b"{nope", to="chat")
    with pytest.raises(PayloadError) as caught:
        translate_request(
            {"input": [{"type": "function_call", "call_id": 1, "name": "f"}]}, to="chat"
        )
    assert caught.value.path.startswith("input[0]")
    with pytest.raises(TypeError, match="request body"):
        translate_request(42, to="chat")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="to must be"):
        translate_request({"input": "x"}, to="completions")  # type: ignore[arg-type]


def test_a_body_already_in_the_target_format_is_normalized() -> None:
    chat = {"messages": [{"role": "developer", "content": "d"}], "max_completion_tokens": 5}
    result = translate_request(chat, to="chat", profile="deepseek")
    assert result.data == {"messages": [{"role": "system", "content": "d"}], "max_tokens": 5}


def test_model_override() -> None:
    result = translate_request({"model": "gpt-5", "input": "x"}, to="chat", model="qwen3")
    assert result.data["model"] == "qwen3"
    assert result.notes_for("translate.model")[0].path == "model"
    assert translate_request({"input": "x"}, to="chat", model="qwen3").data["model"] == "qwen3"
    back = translate_request({"messages": [chat_user("x")]}, to="responses", model="gpt-5")
    assert back.data["model"] == "gpt-5"


# --- previous_response_id ---------------------------------------------------------------------


def test_previous_response_id_without_context_raises() -> None:
    with pytest.raises(MissingContextError) as caught:
        translate_request({"input": "x", "previous_response_id": "resp_1"}, to="chat")
    assert caught.value.path == "previous_response_id"
    with pytest.raises(MissingContextError) as conv:
        translate_request({"input": "x", "conversation": {"id": "conv_1"}}, to="chat")
    assert conv.value.path == "conversation"


def test_previous_items_come_first_from_a_list_or_a_resolver() -> None:
    earlier = [user("before"), {"type": "message", "role": "assistant", "content": "ok"}]
    expected = [chat_user("before"), {"role": "assistant", "content": "ok"}, chat_user("now")]
    body = {"input": "now", "previous_response_id": "resp_1"}
    assert translate_request(body, to="chat", previous_items=earlier).data["messages"] == expected
    asked: list[str] = []

    def resolver(ref: str) -> list[Body]:
        asked.append(ref)
        return earlier

    result = translate_request(body, to="chat", resolver=resolver)
    assert result.data["messages"] == expected
    assert asked == ["resp_1"]
    assert "previous_response_id" not in result.data
    assert result.notes_for("translate.previous_items")[0].path == "previous_response_id"


# --- tool_choice ------------------------------------------------------------------------------

CHOICE_TOOLS: list[Body] = [
    {"type": "function", "name": "f", "parameters": WEATHER_PARAMS},
    {"type": "custom", "name": "patch"},
    {"type": "shell"},
    {"type": "apply_patch"},
    {"type": "file_search", "vector_store_ids": ["vs"]},
]


def named(name: str) -> Body:
    return {"type": "function", "function": {"name": name}}


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        ({"type": "function", "name": "f"}, named("f")),
        ({"type": "function"}, "required"),
        ({"type": "custom", "name": "patch"}, named("patch")),
        ({"type": "shell"}, named("shell")),
        ({"type": "apply_patch"}, named("apply_patch")),
        (
            {
                "type": "allowed_tools",
                "mode": "auto",
                "tools": [{"type": "function", "name": "f"}, {"type": "custom", "name": "patch"}],
            },
            {
                "type": "allowed_tools",
                "allowed_tools": {"mode": "auto", "tools": [named("f"), named("patch")]},
            },
        ),
        ({"type": "allowed_tools", "mode": "auto", "tools": [{"type": "file_search"}]}, "none"),
        ({"type": "file_search"}, None),
        ({"type": "mcp", "server_label": "s"}, None),
        ({"type": "programmatic_tool_calling"}, None),
        ({"type": "something_new"}, None),
        ("sometimes", None),
    ],
)
def test_every_tool_choice_form(choice: Any, expected: Any) -> None:
    result = translate_request(
        {"input": "x", "tools": CHOICE_TOOLS, "tool_choice": choice}, to="chat"
    )
    assert result.data.get("tool_choice") == expected
    if expected is None:
        assert any(n.path.startswith("tool_choice") and n.action == "dropped" for n in result.notes)


@pytest.mark.parametrize(
    ("forms", "choice", "tools_left", "sent"),
    [
        # A named tool the backend cannot force: only that tool offered, and "required".
        (frozenset({"auto", "required"}), named("b"), ["b"], "required"),
        # ...and where "required" is missing too, "auto".
        (frozenset({"auto"}), named("b"), ["b"], "auto"),
        (
            frozenset({"auto", "required"}),
            {"type": "allowed_tools", "allowed_tools": {"mode": "auto", "tools": [named("a")]}},
            ["a"],
            "auto",
        ),
        # "none" where the backend cannot be told: no tools at all.
        (frozenset({"auto"}), "none", None, None),
        (frozenset({"none", "auto"}), "required", ["a", "b"], "auto"),
    ],
)
def test_tool_choice_forms_a_backend_lacks(
    forms: frozenset[str], choice: Any, tools_left: list[str] | None, sent: Any
) -> None:
    profile = get_profile("openai").derive(name="t", tool_choice_forms=forms)
    chat = {
        "messages": [chat_user("x")],
        "tools": [{"type": "function", "function": {"name": n}} for n in ("a", "b")],
        "tool_choice": choice,
        "parallel_tool_calls": True,
    }
    result = normalize_request(chat, profile=profile)
    names = (
        [t["function"]["name"] for t in result.data["tools"]] if "tools" in result.data else None
    )
    assert names == tools_left
    assert result.data.get("tool_choice") == sent
    assert result.notes_for("normalize.tool_choice")


def test_tool_choice_and_parallel_calls_without_tools_are_dropped() -> None:
    result = translate_request(
        {
            "input": "x",
            "tools": [{"type": "mcp", "server_label": "s"}],
            "tool_choice": "auto",
            "parallel_tool_calls": False,
        },
        to="chat",
    )
    assert result.data == {"messages": [chat_user("x")]}
    assert {n.path for n in result.notes} >= {"tools[0]", "tool_choice", "parallel_tool_calls"}


# --- tools ------------------------------------------------------------------------------------


def test_parameters_default_to_an_object_schema() -> None:
    result = translate_request(
        {"input": "x", "tools": [{"type": "function", "name": "f"}]}, to="chat"
    )
    assert result.data["tools"][0]["function"]["parameters"] == {"type": "object", "properties": {}}
    assert result.notes_for("translate.tools.parameters")


def test_namespace_tools_flatten_to_unique_reversible_names() -> None:
    body = {
        "input": [
            user("x"),
            {
                "type": "function_call",
                "call_id": "c",
                "namespace": "agents",
                "name": "spawn",
                "arguments": "{}",
            },
            {"type": "function_call_output", "call_id": "c", "output": "ok"},
        ],
        "tools": [
            {"type": "function", "name": "agents__spawn"},
            {
                "type": "namespace",
                "name": "agents",
                "description": "sub-agents",
                "tools": [
                    {"type": "function", "name": "spawn"},
                    {"type": "function", "name": "wait"},
                ],
            },
        ],
    }
    result = translate_request(body, to="chat")
    names = [t["function"]["name"] for t in result.data["tools"]]
    assert names[0] == "agents__spawn"  # the plain function keeps its own name
    assert len(set(names)) == 3
    called = result.data["messages"][1]["tool_calls"][0]["function"]["name"]
    assert result.tool_names.restore(called) == ToolOrigin("spawn", "function", "agents")
    assert called in names
    assert all(len(n) <= 64 for n in names)
    assert result.notes_for("translate.tools.namespace")[0].path == "tools[1]"


def test_custom_tools_become_functions_with_one_input_string() -> None:
    grammar = {"type": "grammar", "syntax": "lark", "definition": 'start: "x"+'}
    body = {
        "input": [
            user("x"),
            {"type": "custom_tool_call", "call_id": "c", "name": "patch", "input": "xxx"},
            {"type": "custom_tool_call_output", "call_id": "c", "output": "applied"},
        ],
        "tools": [{"type": "custom", "name": "patch", "description": "Patch.", "format": grammar}],
    }
    result = translate_request(body, to="chat")
    function = result.data["tools"][0]["function"]
    assert function["parameters"]["required"] == ["input"]
    assert function["parameters"]["properties"]["input"]["type"] == "string"
    assert grammar["definition"] in function["parameters"]["properties"]["input"]["description"]
    call = result.data["messages"][1]["tool_calls"][0]
    assert json.loads(call["function"]["arguments"]) == {"input": "xxx"}
    back = translate_request(result.body, to="responses", tool_names=result.tool_names)
    assert back.data["tools"] == [
        {"type": "custom", "name": "patch", "description": "Patch.", "format": grammar}
    ]
    assert back.data["input"][1] == body["input"][1]
    assert back.data["input"][2] == body["input"][2]


@pytest.mark.parametrize(
    ("call", "output", "tool_type"),
    [
        (
            {
                "type": "local_shell_call",
                "call_id": "c",
                "action": {
                    "type": "exec",
                    "command": ["ls", "-l"],
                    "env": {},
                    "working_directory": "/w",
                },
            },
            {"type": "local_shell_call_output", "call_id": "c", "output": "total 0"},
            "local_shell",
        ),
        (
            {"type": "shell_call", "call_id": "c", "action": {"commands": ["ls"], "timeout_ms": 5}},
            {
                "type": "shell_call_output",
                "call_id": "c",
                "output": [
                    {"stdout": "a", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}
                ],
            },
            "shell",
        ),
        (
            {
                "type": "apply_patch_call",
                "call_id": "c",
                "operation": {"type": "delete_file", "path": "a.txt"},
            },
            {
                "type": "apply_patch_call_output",
                "call_id": "c",
                "status": "completed",
                "output": "done",
            },
            "apply_patch",
        ),
    ],
)
def test_shell_and_patch_calls_have_a_reversible_function_form(
    call: Body, output: Body, tool_type: str
) -> None:
    body = {"input": [user("x"), call, output], "tools": [{"type": tool_type}]}
    result = translate_request(body, to="chat")
    assert result.tool_names.restore(result.data["tools"][0]["function"]["name"]) == ToolOrigin(
        tool_type, tool_type
    )
    back = translate_request(result.body, to="responses", tool_names=result.tool_names)
    assert back.data["tools"] == [{"type": tool_type}]
    assert back.data["input"][1:] == [call, output]


def test_call_items_from_arguments_that_do_not_fit_stay_function_calls() -> None:
    origin = ToolOrigin("shell", "shell")
    assert call_item_from_chat(origin, "c", "shell", "not json") == {
        "type": "function_call",
        "call_id": "c",
        "name": "shell",
        "arguments": "not json",
    }
    custom = call_item_from_chat(ToolOrigin("p", "custom", "ns"), "c", "ns__p", "raw")
    assert custom == {
        "type": "custom_tool_call",
        "call_id": "c",
        "name": "p",
        "input": "raw",
        "namespace": "ns",
    }
    shell = output_item_from_chat("shell_call", "c", "plain text")
    assert shell["output"] == [
        {"stdout": "plain text", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}
    ]


def test_hosted_tools_without_a_function_form_are_dropped_with_notes() -> None:
    tools = [
        {"type": "file_search", "vector_store_ids": ["v"]},
        {"type": "mcp", "server_label": "s"},
        {"type": "code_interpreter", "container": "c"},
        {"type": "image_generation"},
        {
            "type": "computer_use_preview",
            "environment": "linux",
            "display_width": 1,
            "display_height": 1,
        },
        {"type": "brand_new_tool"},
    ]
    result = translate_request({"input": "x", "tools": tools}, to="chat")
    assert "tools" not in result.data
    dropped = {n.path for n in result.notes if n.action == "dropped"}
    assert {f"tools[{n}]" for n in range(len(tools))} <= dropped


@pytest.mark.parametrize("before", [1, 70])  # 70: past the first chunk of a long input
def test_additional_tools_items_join_the_tools(before: int) -> None:
    extra = {
        "type": "additional_tools",
        "role": "developer",
        "tools": [{"type": "function", "name": "late", "defer_loading": True}],
    }
    body = {"input": [*(user(f"u{n}") for n in range(before)), extra, user("x")]}
    result = translate_request(body, to="chat")
    assert [t["function"]["name"] for t in result.data["tools"]] == ["late"]
    assert result.data["messages"][-1] == chat_user("x")
    assert len(result.data["messages"]) == before + 1
    # Notes name the item where it stands in the input.
    paths = {n.path for n in result.notes}
    assert f"input[{before}]" in paths
    assert f"input[{before}].tools[0].defer_loading" in paths


# --- reasoning --------------------------------------------------------------------------------

REASONING_BODY = {
    "input": [
        user("q"),
        {
            "type": "reasoning",
            "summary": [{"type": "summary_text", "text": "step one"}],
            "encrypted_content": "SECRET-ENCRYPTED-BLOB",
        },
        {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c", "output": "r"},
    ]
}


@pytest.mark.parametrize("name", CHAT_PROFILES)
def test_reasoning_goes_into_the_profiles_field(name: str) -> None:
    profile = PROFILES[name]
    result = translate_request(REASONING_BODY, to="chat", profile=name)
    assistant = result.data["messages"][1]
    assert b"SECRET-ENCRYPTED-BLOB" not in result.body
    assert (
        result.notes_for("translate.reasoning.encrypted_content")[0].path
        == "input[1].encrypted_content"
    )
    if profile.reasoning_history_field is None:
        assert not {"reasoning", "reasoning_content"} & assistant.keys()
        assert result.notes_for("translate.reasoning.no_field")[0].path == "input[1]"
        with pytest.raises(TranslationError) as caught:
            translate_request(REASONING_BODY, to="chat", profile=name, strict=True)
        assert caught.value.path == "input[1]"
    else:
        assert assistant[profile.reasoning_history_field] == "step one"


def test_repeated_drops_are_noted_once_with_every_path() -> None:
    items: list[Body] = []
    for n in range(3):
        items += [
            user(f"q{n}"),
            {
                "type": "reasoning",
                "summary": [{"type": "summary_text", "text": "t"}],
                "encrypted_content": "e",
            },
            {"type": "message", "role": "assistant", "content": "a"},
        ]
    result = translate_request({"input": items}, to="chat", profile="openai")
    paths = ["input[1]", "input[4]", "input[7]"]
    [encrypted] = result.notes_for("translate.reasoning.encrypted_content")
    assert encrypted.path == "input[*].encrypted_content"
    assert encrypted.detail["paths"] == [f"{p}.encrypted_content" for p in paths]
    [unplaced] = result.notes_for("translate.reasoning.no_field")
    assert (unplaced.path, unplaced.detail["paths"]) == ("input[*]", paths)


def test_reasoning_with_no_output_after_it_is_dropped_with_a_note() -> None:
    body = {
        "input": [
            user("q"),
            {"type": "reasoning", "summary": [{"type": "summary_text", "text": "t"}]},
            user("again"),
        ]
    }
    result = translate_request(body, to="chat", profile="litellm")
    assert result.data["messages"] == [chat_user("q"), chat_user("again")]
    assert result.notes_for("translate.reasoning.unattached")[0].path == "input[1]"


def nearest(value: str, accepted: tuple[str, ...]) -> str:
    """The nearest accepted value on the scale, ties going up (written from the rule)."""
    at = EFFORT_SCALE.index(value)
    best = sorted(accepted, key=lambda v: (abs(EFFORT_SCALE.index(v) - at), -EFFORT_SCALE.index(v)))
    return best[0]


@pytest.mark.parametrize("name", [n for n in CHAT_PROFILES if PROFILES[n].reasoning_effort_style])
@pytest.mark.parametrize("effort", EFFORT_SCALE)
def test_effort_maps_to_the_nearest_value(name: str, effort: str) -> None:
    profile = PROFILES[name]
    result = translate_request(
        {"input": "x", "reasoning": {"effort": effort}}, to="chat", profile=name
    )
    want = nearest(effort, profile.effort_values)
    if profile.reasoning_effort_style == "reasoning_object":
        assert result.data["reasoning"] == {"effort": want}
        assert "reasoning_effort" not in result.data
    else:
        assert result.data["reasoning_effort"] == want
    changed = result.notes_for("normalize.effort")
    assert bool([n for n in changed if n.detail.get("sent") == want]) == (want != effort)


def test_effort_ties_go_up_and_unknown_values_drop() -> None:
    profile = get_profile("openai").derive(name="t", effort_values=("low", "high"))
    assert profile.nearest_effort("medium") == "high"
    assert profile.nearest_effort("turbo") is None
    result = translate_request(
        {"input": "x", "reasoning": {"effort": "turbo"}}, to="chat", profile=profile
    )
    assert "reasoning_effort" not in result.data
    assert result.notes_for("normalize.effort")[0].action == "dropped"


def test_deepseek_takes_no_effort() -> None:
    result = translate_request(
        {"input": "x", "reasoning": {"effort": "low"}}, to="chat", profile="deepseek"
    )
    assert "reasoning_effort" not in result.data
    assert result.notes_for("normalize.effort")[0].path == "reasoning_effort"


# --- tokens, streams, optional fields ---------------------------------------------------------


@pytest.mark.parametrize("name", CHAT_PROFILES)
def test_max_tokens_field_per_profile(name: str) -> None:
    result = translate_request({"input": "x", "max_output_tokens": 77}, to="chat", profile=name)
    field = PROFILES[name].max_tokens_field
    assert result.data[field] == 77
    assert (
        not {"max_tokens", "max_completion_tokens", "max_output_tokens"} - {field}
        & result.data.keys()
    )


@pytest.mark.parametrize("name", CHAT_PROFILES)
def test_stream_asks_for_usage_where_the_backend_takes_it(name: str) -> None:
    result = translate_request({"input": "x", "stream": True}, to="chat", profile=name)
    assert result.data["stream"] is True
    wanted = {"include_usage": True} if PROFILES[name].supports_field("stream_options") else None
    assert result.data.get("stream_options") == wanted


@pytest.mark.parametrize("name", CHAT_PROFILES)
def test_optional_fields_pass_only_where_supported(name: str) -> None:
    profile = PROFILES[name]
    fields = {
        "temperature": 0.1,
        "top_p": 0.9,
        "user": "u",
        "safety_identifier": "s",
        "metadata": {"a": "b"},
        "service_tier": "auto",
        "prompt_cache_key": "k",
    }
    result = translate_request({"input": "x", **fields}, to="chat", profile=name)
    for field, value in fields.items():
        if profile.supports_field(field):
            assert result.data[field] == value
        else:
            assert field not in result.data
            assert any(n.path == field and n.action == "dropped" for n in result.notes)


def test_top_logprobs_asks_for_logprobs() -> None:
    result = translate_request(
        {"input": "x", "top_logprobs": 3, "include": ["message.output_text.logprobs"]}, to="chat"
    )
    assert result.data["logprobs"] is True
    assert result.data["top_logprobs"] == 3
    assert not result.notes


def test_store_and_include_are_dropped_with_notes() -> None:
    result = translate_request(
        {
            "input": "x",
            "store": True,
            "include": ["reasoning.encrypted_content", "file_search_call.results"],
        },
        to="chat",
    )
    assert result.data == {"messages": [chat_user("x")]}
    assert {n.path for n in result.notes} == {"store", "include[0]", "include[1]"}


def test_unknown_fields_are_kept_with_a_note() -> None:
    result = translate_request({"input": "x", "top_k": 20}, to="chat")
    assert result.data["top_k"] == 20
    assert result.notes_for("translate.field.unknown")[0].action == "kept"
    back = translate_request({"messages": [chat_user("x")], "top_k": 20}, to="responses")
    assert back.data["top_k"] == 20


def test_ids_and_status_on_items_are_accepted_without_notes() -> None:
    body = {
        "input": [
            {
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "user",
                "content": "x",
            },
            {
                "type": "function_call",
                "id": "fc_1",
                "status": "completed",
                "call_id": "c",
                "name": "f",
                "arguments": "{}",
            },
            {
                "type": "function_call_output",
                "id": "fco_1",
                "status": "completed",
                "call_id": "c",
                "output": "o",
            },
        ]
    }
    result = translate_request(body, to="chat")
    assert not result.notes
    assert len(result.data["messages"]) == 3


def test_item_fields_without_a_chat_form_are_noted() -> None:
    body = {
        "input": [
            {
                "type": "message",
                "role": "assistant",
                "phase": "commentary",
                "content": "x",
                "flavor": "odd",
            },
        ]
    }
    result = translate_request(body, to="chat")
    assert {n.path for n in result.notes} == {"input[0].phase", "input[0].flavor"}


# --- Chat -> Responses ------------------------------------------------------------------------


def test_chat_only_fields_are_dropped_with_notes() -> None:
    chat = {
        "messages": [chat_user("x")],
        "n": 2,
        "stop": ["\n"],
        "logit_bias": {"1": 1},
        "seed": 1,
        "presence_penalty": 0.5,
        "frequency_penalty": 0.5,
        "audio": {"voice": "alloy", "format": "mp3"},
        "modalities": ["text", "audio"],
        "prediction": {"type": "content", "content": "x"},
    }
    result = translate_request(chat, to="responses")
    assert result.data == {"input": [user("x")]}
    dropped = {n.path for n in result.notes if n.action == "dropped"}
    assert dropped == set(chat) - {"messages"}


def test_n_of_one_and_text_modality_are_no_loss() -> None:
    result = translate_request(
        {"messages": [chat_user("x")], "n": 1, "modalities": ["text"]}, to="responses"
    )
    assert result.data == {"input": [user("x")]}
    assert not result.notes


def test_legacy_functions_and_function_call() -> None:
    chat = {
        "messages": [
            chat_user("x"),
            {
                "role": "assistant",
                "content": None,
                "function_call": {"name": "f", "arguments": "{}"},
            },
            {"role": "function", "name": "f", "content": "result"},
        ],
        "functions": [{"name": "f", "parameters": WEATHER_PARAMS}],
        "function_call": {"name": "f"},
    }
    result = translate_request(chat, to="responses")
    call, output = result.data["input"][1:]
    assert call["type"] == "function_call"
    assert call["name"] == "f"
    assert output == {
        "type": "function_call_output",
        "call_id": call["call_id"],
        "output": "result",
    }
    assert result.data["tools"] == [{"type": "function", "name": "f", "parameters": WEATHER_PARAMS}]
    assert result.data["tool_choice"] == {"type": "function", "name": "f"}


def test_chat_custom_tools_and_calls() -> None:
    chat = {
        "messages": [
            chat_user("x"),
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {"id": "c", "type": "custom", "custom": {"name": "p", "input": "raw"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c", "content": "ok"},
        ],
        "tools": [
            {
                "type": "custom",
                "custom": {
                    "name": "p",
                    "format": {"type": "grammar", "grammar": {"syntax": "lark", "definition": "s"}},
                },
            }
        ],
        "tool_choice": {"type": "custom", "custom": {"name": "p"}},
    }
    result = translate_request(chat, to="responses")
    assert result.data["input"][1:] == [
        {"type": "custom_tool_call", "call_id": "c", "name": "p", "input": "raw"},
        {"type": "custom_tool_call_output", "call_id": "c", "output": "ok"},
    ]
    assert result.data["tools"] == [
        {
            "type": "custom",
            "name": "p",
            "format": {"type": "grammar", "syntax": "lark", "definition": "s"},
        }
    ]
    assert result.data["tool_choice"] == {"type": "custom", "name": "p"}


def test_unknown_message_fields_are_noted_unless_empty() -> None:
    chat = {"messages": [{"role": "assistant", "content": "a", "annotations": [], "mood": "odd"}]}
    result = translate_request(chat, to="responses")
    assert [n.path for n in result.notes] == ["messages[0].mood"]


def test_openrouter_style_reasoning_object_and_logprobs() -> None:
    chat = {
        "messages": [chat_user("x")],
        "reasoning": {"effort": "low", "exclude": True},
        "logprobs": True,
    }
    result = translate_request(chat, to="responses")
    assert result.data["reasoning"] == {"effort": "low"}
    assert result.data["include"] == ["message.output_text.logprobs"]
    assert result.notes_for("translate.reasoning.setting")[0].path == "reasoning.exclude"


def test_chat_max_tokens_becomes_max_output_tokens() -> None:
    assert (
        translate_request({"messages": [chat_user("x")], "max_tokens": 9}, to="responses").data[
            "max_output_tokens"
        ]
        == 9
    )
    both = translate_request(
        {"messages": [chat_user("x")], "max_tokens": 9, "max_completion_tokens": 5}, to="responses"
    )
    assert both.data["max_output_tokens"] == 5
    assert both.notes_for("translate.field")[0].path == "max_tokens"


def test_reasoning_on_chat_history_becomes_reasoning_items() -> None:
    for key in ("reasoning_content", "reasoning"):
        chat = {"messages": [chat_user("x"), {"role": "assistant", "content": "a", key: "why"}]}
        result = translate_request(chat, to="responses")
        assert result.data["input"][1] == {
            "type": "reasoning",
            "summary": [],
            "content": [{"type": "reasoning_text", "text": "why"}],
        }


# --- strict mode and notes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "to", "profile", "path"),
    [
        ({"input": [{"type": "mystery"}]}, "chat", None, "input[0]"),
        ({"input": "x", "tools": [{"type": "mcp", "server_label": "s"}]}, "chat", None, "tools[0]"),
        (
            {
                "input": "x",
                "tools": [{"type": "function", "name": "f"}],
                "tool_choice": {"type": "file_search"},
            },
            "chat",
            None,
            "tool_choice",
        ),
        ({"input": "x", "metadata": {"a": "b"}}, "chat", "vllm", "metadata"),
        ({"input": "x", "truncation": "auto"}, "chat", None, "truncation"),
        ({"input": "x", "reasoning": {"effort": "xhigh"}}, "chat", "vllm", "reasoning_effort"),
        (
            {"input": "x", "text": {"format": {"type": "json_schema", "name": "n", "schema": {}}}},
            "chat",
            "deepseek",
            "response_format",
        ),
        ({"messages": [chat_user("x")], "n": 3}, "responses", None, "n"),
        ({"messages": [chat_user("x")], "stop": "x"}, "responses", None, "stop"),
        (
            {"messages": [chat_user("x")], "max_tokens": 3},
            "responses",
            "chatgpt-codex",
            "max_output_tokens",
        ),
    ],
)
def test_strict_mode_raises_naming_the_field(
    body: Body, to: Any, profile: str | None, path: str
) -> None:
    with pytest.raises(TranslationError) as caught:
        translate_request(body, to=to, profile=profile, strict=True)
    assert caught.value.path == path
    assert caught.value.note is not None
    assert caught.value.note.path == path
    # Without strict mode the same body translates, with a note at that path.
    assert any(n.path == path for n in translate_request(body, to=to, profile=profile).notes)


def test_strict_mode_lets_lossless_drops_pass() -> None:
    fixture_like = {
        "input": [
            user("x"),
            {"type": "reasoning", "summary": [], "encrypted_content": "e"},
        ],
        "store": False,
        "include": ["reasoning.encrypted_content"],
        "reasoning": {"summary": "auto"},
        "client_metadata": {"a": "b"},
    }
    result = translate_request(fixture_like, to="chat", strict=True)
    assert result.data == {"messages": [chat_user("x")]}
    assert len(result.notes) == 5


def test_every_note_says_where_what_and_why() -> None:
    body = {
        "input": [{"type": "web_search_call", "action": {}}, {"type": "mystery"}, user("x")],
        "tools": [
            {"type": "mcp", "server_label": "s"},
            {"type": "web_search", "filters": {"allowed_domains": ["a"]}},
        ],
        "truncation": "auto",
        "background": False,
        "max_tool_calls": 3,
        "metadata": {"a": "b"},
        "reasoning": {"effort": "minimal", "summary": "auto"},
    }
    result = translate_request(body, to="chat", profile="vllm")
    assert len(result.notes) >= 9
    for note in result.notes:
        assert note.path
        assert note.action in (
            "dropped",
            "changed",
            "added",
            "moved",
            "kept",
            "repaired",
            "truncated",
        )
        assert note.reason
        assert note.code.startswith(("translate.", "normalize.", "tool_sequence."))


def test_result_is_a_translated_request() -> None:
    result = translate_request({"input": "x"}, to="chat", profile="vllm")
    assert isinstance(result, TranslatedRequest)
    assert result.format == "chat"
    assert result.profile is PROFILES["vllm"]
    assert isinstance(result.tool_names, ToolNameMap)


def test_profiles_are_data_and_derivable() -> None:
    mine = PROFILES["vllm"].derive(name="mine", max_tokens_field="max_tokens")
    assert isinstance(mine, Profile)
    assert mine.max_tokens_field == "max_tokens"
    assert PROFILES["vllm"].max_tokens_field == "max_completion_tokens"
    assert (
        translate_request({"input": "x", "max_output_tokens": 1}, to="chat", profile=mine).data[
            "max_tokens"
        ]
        == 1
    )


def test_notes_on_content_parts_name_the_part() -> None:
    """A part dropped or changed on the way to Chat is named by its own path: the item, the
    field holding the parts (a message's ``content``, a tool output's ``output``), the index."""
    body = {
        "input": [
            {
                "type": "message",
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "see"},
                    {"type": "input_file", "file_url": "https://example.com/a.pdf"},
                ],
            },
            {
                "type": "message",
                "role": "assistant",
                "content": [
                    {"type": "output_text", "text": "a", "annotations": [{"type": "x"}]},
                    {"type": "input_image", "image_url": "https://example.com/a.png"},
                ],
            },
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            {
                "type": "function_call_output",
                "call_id": "c1",
                "output": [
                    {"type": "input_text", "text": "ok"},
                    {"type": "input_file", "file_url": "https://example.com/b.pdf"},
                ],
            },
        ],
    }
    result = translate_request(body, to="chat")
    paths = sorted(
        note.path for note in result.notes if ".content[" in note.path or ".output[" in note.path
    )
    assert paths == [
        "input[0].content[1]",
        "input[0].content[1].file_url",
        "input[1].content[0].annotations",
        "input[1].content[1]",
        "input[3].output[1]",
        "input[3].output[1].file_url",
    ]

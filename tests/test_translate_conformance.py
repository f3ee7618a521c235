"""Translated requests against the specs: the Codex fixtures for every profile validate as
``CreateChatCompletionRequest`` (and Chat -> Responses output as ``CreateResponse``); a
property test for Responses -> Chat -> Responses; and the rule tables cover every field,
item and tool type the models know."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from spec_tools import FIXTURES, openai_spec, type_tags, union_member_names
from wireshift import PROFILES
from wireshift._model import union_members
from wireshift.chat import ChatCompletionRequest
from wireshift.responses import ResponsesRequest
from wireshift.responses._item_union import Item
from wireshift.responses._tool_choices import HostedToolChoice
from wireshift.responses._tool_union import Tool
from wireshift.translate import translate_request
from wireshift.translate._fieldmaps import (
    CHAT_TO_RESPONSES_CODE,
    CHAT_TO_RESPONSES_COPY,
    CHAT_TO_RESPONSES_DROP,
    ITEMS_WITHOUT_CHAT_FORM,
    RESPONSES_TO_CHAT_CODE,
    RESPONSES_TO_CHAT_COPY,
    RESPONSES_TO_CHAT_DROP,
    TOOL_CHOICES_WITHOUT_CHAT_FORM,
    TOOLS_WITHOUT_CHAT_FORM,
)
from wireshift.translate._request_to_chat import _HANDLERS
from wireshift.translate._toolforms import FUNCTION_FORMS

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test group")
referencing = pytest.importorskip("referencing", reason="jsonschema needs referencing")

Body = dict[str, Any]
CHAT_PROFILES = sorted(n for n, p in PROFILES.items() if p.wire == "chat")
FIXTURE_NAMES = ["codex-0.169-request-1.json", "codex-0.169-request-2-tool-roundtrip.json"]


@cache
def _validator(schema_name: str) -> Any:
    spec = openai_spec()
    resource = referencing.Resource.from_contents(
        spec, default_specification=referencing.jsonschema.DRAFT202012
    )
    registry = referencing.Registry().with_resource("urn:openai", resource)
    schema = {"$ref": f"urn:openai#/components/schemas/{schema_name}"}
    base = jsonschema.Draft202012Validator
    if schema_name == "CreateResponse":
        # The spec's InputItem branches overlap (a typed message with parts is both an
        # EasyInputMessage and an InputMessage), so `oneOf` is read as `anyOf` there; the
        # Codex fixtures as captured fail strict oneOf too.
        base = jsonschema.validators.extend(base, {"oneOf": base.VALIDATORS["anyOf"]})
    return base(schema, registry=registry)


def spec_errors(schema_name: str, body: Body) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in _validator(schema_name).iter_errors(body)
    ]


def fixture_body(name: str) -> Body:
    path = Path(FIXTURES) / name
    body: Body = json.loads(path.read_text(encoding="utf-8"))["body"]
    return body


def test_the_validator_can_fail() -> None:
    assert spec_errors(
        "CreateChatCompletionRequest", {"model": "m", "messages": [{"role": "user"}]}
    )
    assert spec_errors(
        "CreateChatCompletionRequest", {"model": "m", "messages": [{"role": "user", "content": 1}]}
    )
    assert not spec_errors(
        "CreateChatCompletionRequest",
        {"model": "m", "messages": [{"role": "user", "content": "x"}]},
    )


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
def test_the_fixtures_themselves_are_valid_responses_requests(fixture: str) -> None:
    assert spec_errors("CreateResponse", fixture_body(fixture)) == []


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
@pytest.mark.parametrize("profile", CHAT_PROFILES)
def test_codex_fixtures_translate_to_valid_chat_requests(fixture: str, profile: str) -> None:
    body = fixture_body(fixture)
    result = translate_request(body, to="chat", profile=profile)
    assert spec_errors("CreateChatCompletionRequest", result.data) == []
    # Nothing of the conversation is lost: every text and call of the input arrives.
    sent = result.body.decode()
    for item in body["input"]:
        for part in item.get("content") or ():
            assert json.dumps(part["text"])[1:-1] in sent
        if item["type"] == "function_call":
            assert json.dumps(item["arguments"])[1:-1] in sent
    assert ChatCompletionRequest.parse(result.body).to_dict() == result.data


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
@pytest.mark.parametrize("profile", ["openai", "chatgpt-codex"])
def test_codex_fixtures_round_trip_to_valid_responses_requests(fixture: str, profile: str) -> None:
    body = fixture_body(fixture)
    chat = translate_request(body, to="chat", profile="openai")
    back = translate_request(chat.body, to="responses", profile=profile, tool_names=chat.tool_names)
    assert spec_errors("CreateResponse", back.data) == []
    assert ResponsesRequest.parse(back.body).to_dict() == back.data


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
def test_codex_fixtures_normalize_for_the_codex_backend(fixture: str) -> None:
    body = fixture_body(fixture)
    result = translate_request(body, to="responses", profile="chatgpt-codex")
    assert spec_errors("CreateResponse", result.data) == []
    assert not any(i.get("role") in ("system", "developer") for i in result.data["input"])
    for item in body["input"]:
        if item.get("role") == "developer":
            for part in item["content"]:
                assert part["text"] in result.data["instructions"]


# --- Responses -> Chat -> Responses keeps the conversation ---------------------------------

_texts = st.text(max_size=20)
_some_text = st.text(min_size=1, max_size=20)
_names = st.from_regex(r"[A-Za-z][A-Za-z0-9_.:-]{0,70}", fullmatch=True)


@st.composite
def conversations(draw: st.DrawFn) -> Body:
    pool = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["function", "custom"]), st.one_of(st.none(), _names), _names
            ),
            min_size=1,
            max_size=5,
            unique_by=lambda t: (t[1], t[2]),
        )
    )
    tools: list[Body] = []
    namespaces: dict[str, Body] = {}
    for kind, namespace, name in pool:
        tool: Body = {"type": kind, "name": name}
        if namespace is None:
            tools.append(tool)
        else:
            if namespace not in namespaces:
                namespaces[namespace] = {
                    "type": "namespace",
                    "name": namespace,
                    "description": "d",
                    "tools": [],
                }
                tools.append(namespaces[namespace])
            namespaces[namespace]["tools"].append(tool)
    items: list[Body] = []
    ids = iter(range(10_000))
    for _ in range(draw(st.integers(1, 4))):
        content: Any = draw(
            st.one_of(
                _texts,
                st.lists(
                    _texts.map(lambda t: {"type": "input_text", "text": t}), min_size=1, max_size=2
                ),
            )
        )
        items.append({"type": "message", "role": "user", "content": content})
        calls = draw(st.lists(st.sampled_from(pool), max_size=3))
        text = draw(st.lists(_some_text, max_size=2))
        if not calls and not text:
            text = [draw(_some_text)]
        if draw(st.booleans()):
            summary = [
                {"type": "summary_text", "text": t}
                for t in draw(st.lists(_some_text, min_size=1, max_size=2))
            ]
            items.append({"type": "reasoning", "summary": summary, "encrypted_content": "enc"})
        if text:
            parts = [{"type": "output_text", "text": t, "annotations": []} for t in text]
            items.append({"type": "message", "role": "assistant", "content": parts})
        made = []
        for kind, namespace, name in calls:
            call_id = f"call_{next(ids)}_{draw(st.from_regex(r'[a-z0-9]{0,6}', fullmatch=True))}"
            call: Body = {
                "type": f"{'function' if kind == 'function' else 'custom_tool'}_call",
                "call_id": call_id,
                "name": name,
            }
            call["arguments" if kind == "function" else "input"] = draw(_texts)
            if namespace is not None:
                call["namespace"] = namespace
            items.append(call)
            made.append(call)
        for call in made:
            output: Any = draw(
                st.one_of(
                    _texts,
                    st.lists(
                        _texts.map(lambda t: {"type": "input_text", "text": t}),
                        min_size=1,
                        max_size=2,
                    ),
                )
            )
            kind = (
                "function_call_output"
                if call["type"] == "function_call"
                else "custom_tool_call_output"
            )
            items.append({"type": kind, "call_id": call["call_id"], "output": output})
    return {"model": "m", "input": items, "tools": tools}


def _texts_of(content: Any) -> list[str]:
    return [content] if isinstance(content, str) else [p["text"] for p in content]


def conversation_of(body: Body) -> dict[str, list[Any]]:
    """What must survive: texts by role, calls, outputs, reasoning, in order."""
    seen: dict[str, list[Any]] = {"messages": [], "calls": [], "outputs": [], "reasoning": []}
    for item in body["input"]:
        kind = item.get("type")
        if kind == "message":
            seen["messages"].append((item["role"], _texts_of(item["content"])))
        elif kind in ("function_call", "custom_tool_call"):
            payload = item.get("arguments", item.get("input"))
            seen["calls"].append(
                (kind, item["call_id"], item.get("namespace"), item["name"], payload)
            )
        elif kind in ("function_call_output", "custom_tool_call_output"):
            seen["outputs"].append((kind, item["call_id"], _texts_of(item["output"])))
        elif kind == "reasoning":
            parts = item.get("content") or item["summary"]
            seen["reasoning"].append("\n\n".join(p["text"] for p in parts))
    return seen


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations(), st.sampled_from(["litellm", "openrouter", "vllm", "deepseek"]))
def test_responses_to_chat_to_responses_keeps_the_conversation(body: Body, profile: str) -> None:
    chat = translate_request(body, to="chat", profile=profile)
    assert all(len(t["function"]["name"]) <= 64 for t in chat.data.get("tools", ()))
    back = translate_request(chat.body, to="responses", tool_names=chat.tool_names)
    before, after = conversation_of(body), conversation_of(back.data)
    if PROFILES[profile].string_content_only:
        # Backends that take strings only get parts joined: compare joined texts.
        for seen in (before, after):
            seen["messages"] = [(role, "\n".join(texts)) for role, texts in seen["messages"]]
            seen["outputs"] = [(k, i, "\n".join(texts)) for k, i, texts in seen["outputs"]]
    assert after == before


# --- the tables cover every field, item, tool and tool choice -------------------------------------


def test_every_responses_request_field_has_one_rule() -> None:
    tables: list[set[str]] = [
        set(RESPONSES_TO_CHAT_COPY),
        set(RESPONSES_TO_CHAT_DROP),
        set(RESPONSES_TO_CHAT_CODE),
    ]
    covered = set().union(*tables)
    fields = set(ResponsesRequest.model_fields)
    assert sorted(fields - covered) == []
    assert sorted(covered - fields) == []
    assert sum(len(t) for t in tables) == len(fields)


def test_every_chat_request_field_has_one_rule() -> None:
    tables: list[set[str]] = [
        set(CHAT_TO_RESPONSES_COPY),
        set(CHAT_TO_RESPONSES_DROP),
        set(CHAT_TO_RESPONSES_CODE),
    ]
    covered = set().union(*tables)
    fields = set(ChatCompletionRequest.model_fields)
    assert sorted(fields - covered) == []
    assert sorted(covered - fields) == []
    assert sum(len(t) for t in tables) == len(fields)


def test_every_item_type_is_translated_or_has_a_reason() -> None:
    tags, _ = union_members(Item)
    missing = [t for t in tags if t not in _HANDLERS and t not in ITEMS_WITHOUT_CHAT_FORM]
    assert missing == []
    assert not set(_HANDLERS) & set(ITEMS_WITHOUT_CHAT_FORM)
    assert set(_HANDLERS) <= set(tags)  # the handlers are keyed by tags the union has


def test_every_item_type_of_the_spec_is_covered() -> None:
    spec = openai_spec()
    known = set(_HANDLERS) | set(ITEMS_WITHOUT_CHAT_FORM)
    spec_tags = {t for name in union_member_names(spec, "InputItem") for t in type_tags(spec, name)}
    assert sorted(spec_tags - known) == []


def test_every_tool_type_is_translated_or_has_a_reason() -> None:
    tags, _ = union_members(Tool)
    translated = {
        "function",
        "custom",
        "namespace",
        *FUNCTION_FORMS,
        "web_search",
        "web_search_2025_08_26",
    }
    translated |= {"web_search_preview", "web_search_preview_2025_03_11"}
    missing = [t for t in tags if t not in translated and t not in TOOLS_WITHOUT_CHAT_FORM]
    assert missing == []


def test_every_hosted_tool_choice_has_a_reason() -> None:
    tags = HostedToolChoice.model_fields["type"].annotation.__args__  # type: ignore[union-attr]
    assert sorted(set(tags) - set(TOOL_CHOICES_WITHOUT_CHAT_FORM)) == []


MINIMAL_ITEMS: dict[str, Body] = {
    "item_reference": {"type": "item_reference", "id": "r"},
    "web_search_call": {"type": "web_search_call", "action": {}},
    "file_search_call": {"type": "file_search_call", "queries": []},
    "computer_call": {"type": "computer_call", "call_id": "c", "pending_safety_checks": []},
    "computer_call_output": {"type": "computer_call_output", "call_id": "c"},
    "image_generation_call": {"type": "image_generation_call", "result": None},
    "code_interpreter_call": {
        "type": "code_interpreter_call",
        "container_id": "c",
        "code": None,
        "outputs": None,
    },
    "mcp_list_tools": {"type": "mcp_list_tools", "server_label": "s", "tools": []},
    "mcp_approval_request": {
        "type": "mcp_approval_request",
        "server_label": "s",
        "name": "n",
        "arguments": "{}",
    },
    "mcp_approval_response": {
        "type": "mcp_approval_response",
        "approval_request_id": "a",
        "approve": True,
    },
    "mcp_call": {"type": "mcp_call", "server_label": "s", "name": "n", "arguments": "{}"},
    "tool_search_call": {"type": "tool_search_call", "arguments": {}},
    "tool_search_output": {"type": "tool_search_output", "tools": []},
    "program": {"type": "program", "call_id": "c", "code": "x", "fingerprint": "f"},
    "program_output": {"type": "program_output", "call_id": "c", "result": "r"},
    "compaction": {"type": "compaction", "encrypted_content": "e"},
    "compaction_trigger": {"type": "compaction_trigger"},
    "agent_message": {"type": "agent_message", "author": "a", "recipient": "b"},
    "multi_agent_call": {
        "type": "multi_agent_call",
        "call_id": "c",
        "action": "a",
        "arguments": "{}",
    },
    "multi_agent_call_output": {"type": "multi_agent_call_output", "call_id": "c", "action": "a"},
}


# Compaction items in `input` are emulated with a compaction_key, or refused without one
# (tests/test_compaction.py); the reasons here are for those in earlier items.
@pytest.mark.parametrize(
    "item_type", sorted(set(ITEMS_WITHOUT_CHAT_FORM) - {"compaction", "compaction_trigger"})
)
def test_items_without_a_chat_form_are_dropped_with_their_reason(item_type: str) -> None:
    body = {
        "input": [MINIMAL_ITEMS[item_type], {"type": "message", "role": "user", "content": "x"}]
    }
    result = translate_request(body, to="chat")
    assert result.data["messages"] == [{"role": "user", "content": "x"}]
    [note] = [n for n in result.notes if n.path == "input[0]"]
    assert (note.action, note.reason) == ("dropped", ITEMS_WITHOUT_CHAT_FORM[item_type])


@pytest.mark.parametrize("field", sorted(RESPONSES_TO_CHAT_DROP))
def test_responses_fields_without_a_chat_form_are_dropped_with_their_reason(field: str) -> None:
    value = {
        "prompt": {"id": "p"},
        "context_management": [{"type": "compaction"}],
        "client_metadata": {},
    }.get(
        field,
        True if field in ("store", "background") else ("auto" if field == "truncation" else 1),
    )
    result = translate_request({"input": "x", field: value}, to="chat")
    assert field not in result.data
    [note] = result.notes
    assert (note.path, note.action, note.reason) == (
        field,
        "dropped",
        RESPONSES_TO_CHAT_DROP[field].reason,
    )

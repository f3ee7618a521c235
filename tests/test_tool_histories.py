"""Every chat profile gets a tool history its backend accepts, by default.

Histories as Codex and agent SDKs send them: an assistant message, a user message typed
while the tool ran, or a reasoning item between a ``function_call`` and its output. For every
chat profile the translated request must pass the strict rule (each assistant ``tool_calls``
message followed at once by one tool message per id) and keep every output and message.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from wireshift import PROFILES, translate_request, validate_tool_sequence

CHAT_PROFILES = sorted(name for name, p in PROFILES.items() if p.wire != "responses")


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A user turn, then calls, their outputs (each after its call, or never), messages
    and reasoning items in any order."""
    calls = draw(st.integers(1, 4))
    # Each event: ("call", i), ("output", i), ("assistant", j), ("user", j), ("reasoning", j)
    events: list[tuple[str, int]] = [("call", i) for i in range(calls)]
    for i in range(calls):
        if draw(st.booleans()) or i == 0:
            at = draw(st.integers(events.index(("call", i)) + 1, len(events)))
            events.insert(at, ("output", i))
    for j in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["assistant", "user", "reasoning"]))
        events.insert(draw(st.integers(0, len(events))), (kind, j))
    items: list[dict[str, Any]] = [{"role": "user", "content": "start"}]
    for kind, n in events:
        if kind == "call":
            items.append(
                {"type": "function_call", "call_id": f"call_{n}", "name": "f", "arguments": "{}"}
            )
        elif kind == "output":
            items.append(
                {"type": "function_call_output", "call_id": f"call_{n}", "output": f"out-{n}"}
            )
        elif kind == "reasoning":
            items.append(
                {
                    "type": "reasoning",
                    "id": f"rs_{n}",
                    "summary": [{"type": "summary_text", "text": f"thought-{n}"}],
                }
            )
        else:
            items.append({"role": kind, "content": f"{kind}-{n}"})
    return items


def _texts(messages: list[dict[str, Any]]) -> str:
    return json.dumps(messages)


@pytest.mark.parametrize("profile", CHAT_PROFILES)
@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(history=histories())
def test_every_chat_profile_sends_a_strict_history(
    profile: str, history: list[dict[str, Any]]
) -> None:
    body = {
        "model": "m",
        "input": history,
        "tools": [{"type": "function", "name": "f", "parameters": {}}],
    }
    translated = translate_request(body, to="chat", profile=profile)
    messages = translated.data["messages"]
    report = validate_tool_sequence(messages, profile=profile)
    assert report.ok, [str(problem) for problem in report]
    sent = _texts(messages)
    for item in history:
        if item.get("type") == "function_call_output":
            assert sent.count(item["output"]) == 1, item["output"]
        elif "role" in item:
            assert item["content"] in sent, item["content"]
    calls = [c for m in messages for c in m.get("tool_calls") or ()]
    assert len(calls) == sum(item.get("type") == "function_call" for item in history)
    moved = [note for note in translated.notes if note.action == "moved"]
    if any(m.get("role") == "tool" for m in messages) and moved:
        assert all(note.code.startswith("tool_sequence.") for note in moved)


def test_the_history_codex_sends_is_repaired_for_openai_with_a_note() -> None:
    # The failure the issue reports: assistant(tool_calls), user, tool for the default profile.
    body = {
        "model": "m",
        "input": [
            {"role": "user", "content": "apply it"},
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            {"role": "assistant", "content": "I'll apply the patch now"},
            {"role": "user", "content": "and then run the tests"},
            {"type": "function_call_output", "call_id": "c1", "output": "applied"},
        ],
        "tools": [{"type": "function", "name": "f", "parameters": {}}],
    }
    translated = translate_request(body, to="chat")
    roles = [m["role"] for m in translated.data["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant", "user"]
    assert "tool_sequence.moved_interrupters" in [n.code for n in translated.notes]


def test_a_caller_can_turn_the_repair_off() -> None:
    body = {
        "model": "m",
        "input": [
            {"role": "user", "content": "apply it"},
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            {"role": "user", "content": "and then run the tests"},
            {"type": "function_call_output", "call_id": "c1", "output": "applied"},
        ],
    }
    as_sent = PROFILES["openai"].derive(name="as-sent", strict_tool_sequences=False)
    roles = [
        m["role"] for m in translate_request(body, to="chat", profile=as_sent).data["messages"]
    ]
    assert roles == ["user", "assistant", "user", "tool"]


def test_a_function_tool_in_the_chat_form_is_read_with_a_note() -> None:
    body = {
        "model": "m",
        "input": "hi",
        "tools": [
            {"type": "function", "function": {"name": "f", "description": "d", "parameters": {}}}
        ],
    }
    translated = translate_request(body, to="chat")
    assert translated.data["tools"][0]["function"]["name"] == "f"
    assert translated.data["tools"][0]["function"]["description"] == "d"
    assert "translate.tools.chat_form" in [n.code for n in translated.notes]

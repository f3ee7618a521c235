"""Tool-call sequence validation and repair, in both wire formats.

The strict rule is checked here by :func:`chat_violations` and :func:`responses_violations`,
written from the rule itself and sharing nothing with ``wireshift.toolseq``. Expected
histories are built from the input entries, never from the code under test.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import wireshift
import wireshift.responses
from wireshift._model import WireModel
from wireshift.toolseq import (
    FixKind,
    ProblemKind,
    RepairPolicy,
    RepairResult,
    ToolSequenceError,
    ToolSequenceFix,
    ToolSequenceProblem,
    repair_tool_sequence,
    validate_tool_sequence,
)

Msg = dict[str, Any]

# -- the strict rule, written independently -----------------------------------------------------

# Responses call types and the output types that answer them (from the OpenAI spec).
CALL_TYPES = {
    "function_call",
    "custom_tool_call",
    "local_shell_call",
    "shell_call",
    "apply_patch_call",
    "computer_call",
}
OUTPUT_TYPES = {f"{t}_output" for t in CALL_TYPES}


@dataclass(frozen=True)
class Profile:
    tool_id_max_length: int | None = None
    tool_id_pattern: str | None = None
    strict_tool_sequences: bool = True


def _id_violations(
    call_id: object, where: int, seen: set[object], profile: Profile | None
) -> list[str]:
    found = []
    if not isinstance(call_id, str) or not call_id:
        found.append(f"[{where}] call without an id")
    elif call_id in seen:
        found.append(f"[{where}] id {call_id!r} used twice")
    elif profile is not None:
        if profile.tool_id_max_length is not None and len(call_id) > profile.tool_id_max_length:
            found.append(f"[{where}] id {call_id!r} too long")
        if profile.tool_id_pattern is not None and not re.fullmatch(
            profile.tool_id_pattern, call_id
        ):
            found.append(f"[{where}] id {call_id!r} outside the pattern")
    seen.add(call_id)
    return found


def chat_violations(messages: list[Msg], profile: Profile | None = None) -> list[str]:
    """An assistant message with tool_calls is followed at once by exactly one tool message per
    call id; no other tool message anywhere; ids unique and non-empty. (An assistant message
    repeated back to back is allowed: a repeated call repeats its ids.)"""
    found: list[str] = []
    seen: set[object] = set()
    i = 0
    while i < len(messages):
        message = messages[i]
        if message.get("role") == "assistant" and message.get("tool_calls"):
            ids = [call.get("id") for call in message["tool_calls"]]
            for call_id in ids:
                found += _id_violations(call_id, i, seen, profile)
            j = i + 1
            answered = []
            while j < len(messages) and messages[j].get("role") == "tool":
                answered.append(messages[j].get("tool_call_id"))
                j += 1
            if sorted(map(str, answered)) != sorted(map(str, ids)):
                found.append(f"[{i}] calls {ids} answered by {answered}")
            i = j
            continue
        if message.get("role") == "tool":
            found.append(f"[{i}] tool message outside a call's results")
        i += 1
    return found


def responses_violations(items: list[Msg], profile: Profile | None = None) -> list[str]:
    """Every call's output comes after it and before the next assistant or user message; no
    output without an earlier call; one output per call; ids unique and non-empty. (A
    repeated assistant message is allowed.)"""
    found: list[str] = []
    seen: set[object] = set()
    waiting: dict[object, int] = {}
    answered: set[object] = set()
    for i, item in enumerate(items):
        kind = item.get("type")
        if kind in CALL_TYPES:
            found += _id_violations(item.get("call_id"), i, seen, profile)
            waiting[item.get("call_id")] = i
        elif kind in OUTPUT_TYPES:
            call_id = item.get("call_id", item.get("id"))
            if call_id in waiting:
                del waiting[call_id]
                answered.add(call_id)
            else:
                found.append(f"[{i}] no tool call found for output {call_id!r}")
        elif kind in (None, "message") and item.get("role") in ("assistant", "user") and waiting:
            found.append(f"[{i}] new turn while {sorted(map(str, waiting))} wait for output")
    if waiting:
        found.append(f"calls {sorted(map(str, waiting))} never answered")
    return found


def violations(history: list[Msg], fmt: str, profile: Profile | None = None) -> list[str]:
    if fmt == "chat":
        return chat_violations(history, profile)
    return responses_violations(history, profile)


# -- builders ------------------------------------------------------------------------------------


def call(call_id: str, name: str = "shell", arguments: str = "{}") -> Msg:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def custom_call(call_id: str, name: str = "apply_patch") -> Msg:
    return {"id": call_id, "type": "custom", "custom": {"name": name, "input": "*** Begin Patch"}}


def assistant(*calls: Msg, content: Any = None) -> Msg:
    message: Msg = {"role": "assistant", "content": content}
    if calls:
        message["tool_calls"] = list(calls)
    return message


def tool(call_id: str, content: Any) -> Msg:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def user(text: str) -> Msg:
    return {"role": "user", "content": text}


def fc(call_id: str, item_id: str | None = None, name: str = "shell") -> Msg:
    item: Msg = {"type": "function_call", "call_id": call_id, "name": name, "arguments": "{}"}
    if item_id is not None:
        item["id"] = item_id
    return item


def fco(call_id: str, output: Any) -> Msg:
    return {"type": "function_call_output", "call_id": call_id, "output": output}


def ctc(call_id: str, name: str = "apply_patch") -> Msg:
    return {
        "type": "custom_tool_call",
        "call_id": call_id,
        "name": name,
        "input": "*** Begin Patch",
    }


def ctco(call_id: str, output: Any) -> Msg:
    return {"type": "custom_tool_call_output", "call_id": call_id, "output": output}


def r_user(text: str) -> Msg:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def r_assistant(text: str, item_id: str | None = None) -> Msg:
    item: Msg = {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }
    if item_id is not None:
        item["id"] = item_id
    return item


def kinds(
    problems: list[ToolSequenceProblem],
) -> list[tuple[str, tuple[int, ...], tuple[str, ...]]]:
    return [(p.kind.value, p.positions, p.ids) for p in problems]


def fix_kinds(result: RepairResult) -> list[tuple[str, tuple[int, ...], tuple[str, ...]]]:
    return [(f.kind.value, f.positions, f.ids) for f in result.fixes]


NOT_RUN = RepairPolicy().missing_result_text
SYSTEM = {"role": "system", "content": "You are a coding agent."}

# -- the four shapes from the original report ----------------------------------------------------


def test_chat_stream_cut_mid_call() -> None:
    # A 429 (or a cut stream) after the call was recorded: the tool never ran.
    ask, calling, again = user("list files"), assistant(call("call_1")), user("continue")
    history = [SYSTEM, ask, calling, again]
    assert kinds(validate_tool_sequence(history)) == [("missing_result", (2,), ("call_1",))]
    result = repair_tool_sequence(history)
    assert result.history == [SYSTEM, ask, calling, tool("call_1", NOT_RUN), again]
    assert fix_kinds(result) == [("synthesized_result", (2,), ("call_1",))]
    assert chat_violations(result.history) == []


def test_responses_stream_cut_mid_call() -> None:
    reasoning = {"type": "reasoning", "id": "rs_1", "summary": []}
    history = [r_user("list files"), reasoning, fc("call_1", "fc_1"), r_user("continue")]
    assert kinds(validate_tool_sequence(history)) == [("missing_result", (2,), ("call_1",))]
    result = repair_tool_sequence(history)
    assert result.history == [*history[:3], fco("call_1", NOT_RUN), history[3]]
    assert responses_violations(result.history) == []


def test_chat_retry_replaying_partial_history() -> None:
    # The first attempt's call was recorded without a result; the retry made the same call
    # with the same id and got a result. And the client re-sent the finished call message.
    first, retry = assistant(call("call_1")), assistant(call("call_1"), content="again")
    result_msg = tool("call_1", "a.txt")
    history = [user("ls"), first, first, user("retry"), retry, result_msg]
    assert kinds(validate_tool_sequence(history)) == [
        ("missing_result", (1,), ("call_1",)),
        ("duplicate_call_id", (1, 4), ("call_1",)),
        ("repeated_message", (2,), ("call_1",)),
    ]
    repaired = repair_tool_sequence(history)
    new_id = next(f.new_id for f in repaired.fixes if f.kind is FixKind.REPLACED_ID)
    assert new_id is not None
    assert new_id != "call_1"
    assert repaired.history == [
        history[0],
        first,
        tool("call_1", NOT_RUN),
        history[3],
        {**retry, "tool_calls": [{**retry["tool_calls"][0], "id": new_id}]},
        {**result_msg, "tool_call_id": new_id},
    ]
    assert chat_violations(repaired.history) == []


def test_responses_retry_replaying_partial_history() -> None:
    # Codex re-sends its finished items on retry: same content, new item ids.
    history = [
        r_user("ls"),
        fc("call_1", "fc_1"),
        fc("call_1", "fc_2"),
        fco("call_1", "a.txt"),
        r_assistant("done", "msg_1"),
        r_assistant("done", "msg_2"),
        r_assistant("done", "msg_3"),
    ]
    assert kinds(validate_tool_sequence(history)) == [
        ("repeated_message", (2,), ("call_1",)),
        ("repeated_message", (5,), ()),
        ("repeated_message", (6,), ()),
    ]
    # The repeated call is a duplicate and goes; the repeated text breaks no rule and stays,
    # reported (issue 13: keep, but check reports them).
    result = repair_tool_sequence(history)
    assert result.history == [history[0], history[1], history[3], *history[4:]]
    assert [f.kind for f in result.fixes] == [FixKind.DROPPED_REPEAT]
    assert responses_violations(result.history) == []
    report = validate_tool_sequence(result.history)
    assert kinds(report) == [("repeated_message", (4,), ()), ("repeated_message", (5,), ())]
    assert report.ok
    dropped = repair_tool_sequence(history, policy=RepairPolicy(drop_repeats=True))
    assert dropped.history == [history[0], history[1], history[3], history[4]]
    assert [f.kind for f in dropped.fixes] == [FixKind.DROPPED_REPEAT] * 3


def test_chat_assistant_text_between_call_and_result() -> None:
    calling = assistant(call("call_1"), call("call_2"))
    text, nudge = assistant(content="Running them now."), {"role": "system", "content": "hurry"}
    first, second = tool("call_1", "one"), tool("call_2", "two")
    history = [user("go"), calling, first, text, nudge, second]
    assert kinds(validate_tool_sequence(history)) == [("interrupted", (3, 4), ("call_2",))]
    result = repair_tool_sequence(history)
    assert result.history == [history[0], calling, first, second, text, nudge]
    assert fix_kinds(result) == [("moved_interrupters", (3, 4), ("call_2",))]


def test_responses_assistant_text_between_call_and_output() -> None:
    text = r_assistant("Running it now.", "msg_1")
    history = [r_user("go"), fc("call_1"), text, fco("call_1", "one"), r_user("thanks")]
    assert kinds(validate_tool_sequence(history)) == [("interrupted", (2,), ("call_1",))]
    result = repair_tool_sequence(history)
    assert result.history == [history[0], history[1], history[3], text, history[4]]
    assert responses_violations(result.history) == []


def test_chat_parallel_calls_split_across_messages() -> None:
    one = assistant(call("call_1"), content="Looking.")
    two, three = assistant(call("call_2")), assistant(custom_call("call_3"))
    results = [tool("call_2", "b"), tool("call_1", "a"), tool("call_3", "c")]
    history = [user("go"), one, two, three, *results]
    assert kinds(validate_tool_sequence(history)) == [
        ("split_parallel_calls", (1, 2, 3), ("call_2", "call_3"))
    ]
    result = repair_tool_sequence(history)
    merged = {**one, "tool_calls": [*one["tool_calls"], *two["tool_calls"], *three["tool_calls"]]}
    assert result.history == [history[0], merged, *results]
    assert fix_kinds(result) == [("merged_calls", (1, 2, 3), ("call_2", "call_3"))]


def test_responses_parallel_calls_need_no_merge() -> None:
    # Responses calls are items of their own: parallel ones in any order are valid.
    history = [r_user("go"), fc("a"), ctc("b"), ctco("b", "2"), fco("a", "1"), r_assistant("ok")]
    assert validate_tool_sequence(history) == []
    assert repair_tool_sequence(history).history == history


# -- each problem kind, with positions and ids ---------------------------------------------------

CASES: list[tuple[str, list[Msg], list[tuple[str, tuple[int, ...], tuple[str, ...]]]]] = [
    (
        "orphan result",
        [user("go"), tool("ghost", "x")],
        [("orphan_result", (1,), ("ghost",))],
    ),
    (
        "result before its call",
        [user("go"), tool("a", "x"), assistant(call("a"))],
        [("orphan_result", (1,), ("a",))],
    ),
    (
        "result after another turn's calls",
        [
            user("go"),
            assistant(call("a")),
            user("more"),
            assistant(call("b")),
            tool("b", "2"),
            tool("a", "1"),
        ],
        [("misplaced_result", (5,), ("a",))],
    ),
    (
        "two results for one call",
        [assistant(call("a")), tool("a", "1"), tool("a", "2")],
        [("duplicate_result", (2,), ("a",))],
    ),
    (
        "one id on two calls in one message",
        [assistant(call("a"), call("a")), tool("a", "1"), tool("a", "2")],
        [("duplicate_call_id", (0,), ("a",))],
    ),
    (
        "missing ids",
        [
            assistant({"type": "function", "function": {"name": "f", "arguments": ""}}),
            tool("", "1"),
        ],
        [("missing_id", (0,), ("",)), ("missing_id", (1,), ("",))],
    ),
    (
        "empty name",
        [assistant(call("a", name="")), tool("a", "1")],
        [("empty_name", (0,), ("a",))],
    ),
    (
        "repeated assistant text",
        [user("go"), assistant(content="hi"), assistant(content="hi")],
        [("repeated_message", (2,), ())],
    ),
    (
        "responses orphan output",
        [r_user("go"), fco("ghost", "x")],
        [("orphan_result", (1,), ("ghost",))],
    ),
    (
        "responses custom call without output before the next turn",
        [r_user("go"), ctc("a"), r_assistant("done")],
        [("missing_result", (1,), ("a",))],
    ),
    (
        "responses output after the next turn's calls",
        [fc("a"), r_user("more"), fc("b"), fco("b", "2"), fco("a", "1")],
        [("misplaced_result", (4,), ("a",))],
    ),
    (
        "responses duplicate call ids",
        [fc("a", "fc_1"), fco("a", "1"), fc("a", "fc_2", name="other"), fco("a", "2")],
        [("duplicate_call_id", (0, 2), ("a",))],
    ),
    (
        "responses empty name",
        [fc("a", name=""), fco("a", "1")],
        [("empty_name", (0,), ("a",))],
    ),
]


@pytest.mark.parametrize(("history", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_problem_kind(history: list[Msg], expected: list[Any]) -> None:
    assert kinds(validate_tool_sequence(history)) == expected


def test_every_problem_kind_has_a_case() -> None:
    covered = {kind for case in CASES for kind, _, _ in case[2]}
    covered |= {"missing_result", "interrupted", "split_parallel_calls"}  # the report shapes
    covered |= {"invalid_id"}  # test_profile_rejected_ids
    assert {k.value for k in ProblemKind} - covered == set()


def test_profile_rejected_ids() -> None:
    profile = Profile(tool_id_max_length=9, tool_id_pattern=r"[A-Za-z0-9]{9}")  # Mistral-like
    long_id = "call_" + "x" * 40
    history = [user("go"), assistant(call(long_id)), tool(long_id, "ok")]
    assert kinds(validate_tool_sequence(history, profile=profile)) == [
        ("invalid_id", (1, 2), (long_id,))
    ]
    assert validate_tool_sequence(history) == []  # no profile, no id rules
    result = repair_tool_sequence(history, profile=profile)
    (fix,) = result.fixes
    assert fix.kind is FixKind.REPLACED_ID
    assert fix.ids == (long_id,)
    assert fix.new_id is not None
    assert re.fullmatch(profile.tool_id_pattern or "", fix.new_id)
    assert result.history[1]["tool_calls"][0]["id"] == fix.new_id
    assert result.history[2]["tool_call_id"] == fix.new_id
    assert chat_violations(result.history, profile) == []
    # Deterministic: the same input gives the same id.
    assert repair_tool_sequence(history, profile=profile).history == result.history


def test_profile_attributes_are_optional() -> None:
    class OnlyLength:
        tool_id_max_length = 3

    history = [assistant(call("abcd")), tool("abcd", "x")]
    assert [p.kind for p in validate_tool_sequence(history, profile=OnlyLength())] == [  # type: ignore[arg-type]
        ProblemKind.INVALID_ID
    ]


def test_profile_that_no_id_can_satisfy() -> None:
    profile = Profile(tool_id_pattern="toolu_[0-9]{3}")
    with pytest.raises(ToolSequenceError, match="id rules"):
        repair_tool_sequence([assistant(call("bad")), tool("bad", "x")], profile=profile)


def test_profile_pattern_that_is_not_a_regex() -> None:
    with pytest.raises(ToolSequenceError, match="not a regex"):
        validate_tool_sequence([], profile=Profile(tool_id_pattern="(["))


# -- each repair ---------------------------------------------------------------------------------


def test_orphan_becomes_user_text_with_output_verbatim() -> None:
    parts = [{"type": "text", "text": "line 1"}, {"type": "text", "text": "line 2"}]
    history = [user("go"), tool("ghost", "plain output"), tool("ghost2", parts), tool("g3", None)]
    result = repair_tool_sequence(history)
    plain, listed, empty = result.history[1:]
    assert plain["role"] == listed["role"] == empty["role"] == "user"
    assert plain["content"].endswith("\n\nplain output")
    assert "ghost" in plain["content"]
    assert listed["content"][1:] == parts
    assert "ghost2" in listed["content"][0]["text"]
    assert "g3" in empty["content"]
    assert [f.kind for f in result.fixes] == [FixKind.CONVERTED_RESULT] * 3
    assert chat_violations(result.history) == []


def test_responses_orphan_outputs_become_user_messages() -> None:
    parts = [{"type": "input_text", "text": "t"}, {"type": "input_image", "image_url": "data:,"}]
    shell = {
        "type": "shell_call_output",
        "call_id": "s",
        "output": [{"stdout": "out", "stderr": "err", "outcome": {"type": "exit", "exit_code": 0}}],
    }
    screenshot = {
        "type": "computer_call_output",
        "call_id": "c",
        "output": {"type": "computer_screenshot", "image_url": "https://x/y.png"},
    }
    history = [r_user("go"), fco("a", "text out"), fco("b", parts), shell, screenshot]
    result = repair_tool_sequence(history)
    texts = [
        [p.get("text", p.get("image_url")) for p in m["content"][1:]] for m in result.history[1:]
    ]
    assert texts == [["text out"], ["t", "data:,"], ["out", "err"], ["https://x/y.png"]]
    assert all(m["type"] == "message" and m["role"] == "user" for m in result.history[1:])
    assert responses_violations(result.history) == []


def test_orphan_outputs_of_odd_shapes_keep_their_text() -> None:
    history: list[Msg] = [
        {"type": "apply_patch_call_output", "call_id": "p", "status": "failed", "output": None},
        fco("a", [{"type": "output_text", "text": "said"}, "bare", 7, {"kind": "odd"}]),
        {"type": "local_shell_call_output", "id": "l", "output": {"exit": 0}},
    ]
    texts = [
        [part.get("text") for part in message["content"][1:]]
        for message in repair_tool_sequence(history).history
    ]
    assert texts == [[], ["said", "bare", "7", '{"kind": "odd"}'], ['{"exit": 0}']]
    chat = repair_tool_sequence([tool("x", {"odd": True})]).history
    assert chat[0]["content"].endswith('{"odd": true}')


def test_converted_orphan_waits_for_open_calls() -> None:
    # A user message between a call and its in-place output would break the turn.
    history = [r_user("go"), fc("a"), fco("ghost", "x"), fco("a", "1"), fc("b"), fco("b", "2")]
    result = repair_tool_sequence(history)
    assert result.history[0:2] == [history[0], history[1]]
    assert result.history[2] == history[3]
    assert result.history[3]["role"] == "user"
    assert result.history[4:] == [history[4], history[5]]
    assert responses_violations(result.history) == []


def test_orphan_drop_policy() -> None:
    history = [user("go"), tool("ghost", "x")]
    result = repair_tool_sequence(history, policy=RepairPolicy(orphan_result="drop"))
    assert result.history == [history[0]]
    assert fix_kinds(result) == [("dropped_result", (1,), ("ghost",))]


def test_early_result_attached_to_its_later_call() -> None:
    early = tool("a", "out")
    history = [user("go"), early, assistant(call("a")), user("next")]
    result = repair_tool_sequence(history)
    assert result.history == [history[0], history[2], early, history[3]]
    assert fix_kinds(result) == [("attached_result", (1,), ("a",))]


def test_attach_disabled_converts_and_synthesizes() -> None:
    history = [user("go"), tool("a", "out"), assistant(call("a"))]
    result = repair_tool_sequence(history, policy=RepairPolicy(attach_orphans=False))
    assert result.history[1]["role"] == "user"
    assert result.history[2:] == [history[2], tool("a", NOT_RUN)]
    assert {f.kind for f in result.fixes} == {FixKind.CONVERTED_RESULT, FixKind.SYNTHESIZED_RESULT}


def test_misplaced_result_moves_to_its_call() -> None:
    history = [
        user("go"),
        assistant(call("a")),
        user("more"),
        assistant(call("b")),
        tool("b", "2"),
        tool("a", "1"),
    ]
    result = repair_tool_sequence(history)
    assert result.history == [
        history[0],
        history[1],
        history[5],
        history[2],
        history[3],
        history[4],
    ]
    assert fix_kinds(result) == [("attached_result", (5,), ("a",))]


def test_custom_missing_text() -> None:
    policy = RepairPolicy(missing_result_text="aborted")
    history = [r_user("go"), ctc("a")]
    assert repair_tool_sequence(history, policy=policy).history == [*history, ctco("a", "aborted")]


def test_every_responses_call_type_gets_an_output() -> None:
    calls: list[Msg] = [
        fc("a"),
        ctc("b"),
        {
            "type": "local_shell_call",
            "id": "ls_1",
            "call_id": "c",
            "action": {},
            "status": "completed",
        },
        {"type": "shell_call", "call_id": "d", "action": {"commands": ["ls"]}},
        {"type": "apply_patch_call", "call_id": "e", "status": "completed", "operation": {}},
        {"type": "computer_call", "call_id": "f", "id": "cu_1", "pending_safety_checks": []},
    ]
    result = repair_tool_sequence([r_user("go"), *calls])
    outputs = result.history[1 + len(calls) :]
    assert [o["type"] for o in outputs] == [c["type"] + "_output" for c in calls]
    assert [o["call_id"] for o in outputs] == [c["call_id"] for c in calls]
    assert responses_violations(result.history) == []
    said = [o for o in outputs if NOT_RUN in repr(o)]
    assert len(said) == len(calls) - 1  # a screenshot output has no room for text


def test_local_shell_output_answering_by_id() -> None:
    # The spec names the call in a local_shell_call_output's `id`.
    call_item = {
        "type": "local_shell_call",
        "id": "ls_1",
        "call_id": "c",
        "action": {},
        "status": "completed",
    }
    history = [call_item, {"type": "local_shell_call_output", "id": "c", "output": "done"}]
    assert validate_tool_sequence(history) == []


def test_duplicate_result_converted() -> None:
    history = [assistant(call("a")), tool("a", "1"), tool("a", "2")]
    result = repair_tool_sequence(history)
    assert result.history[:2] == history[:2]
    assert result.history[2]["role"] == "user"
    assert result.history[2]["content"].endswith("2")


def test_merge_disabled_answers_each_message() -> None:
    history = [assistant(call("a")), assistant(call("b")), tool("a", "1"), tool("b", "2")]
    result = repair_tool_sequence(history, policy=RepairPolicy(merge_split_calls=False))
    assert result.history == [history[0], history[2], history[1], history[3]]
    assert fix_kinds(result) == [("attached_result", (2,), ("a",))]


def test_split_messages_with_own_text_are_not_merged() -> None:
    one, two = assistant(call("a")), assistant(call("b"), content="and this")
    history = [one, two, tool("a", "1"), tool("b", "2")]
    assert [p.kind for p in validate_tool_sequence(history)] == [ProblemKind.MISPLACED_RESULT]
    assert repair_tool_sequence(history).history == [one, history[2], two, history[3]]


def test_split_messages_with_different_fields_are_not_merged() -> None:
    one = {**assistant(call("a")), "reasoning_content": "think 1"}
    two = {**assistant(call("b")), "reasoning_content": "think 2"}
    history = [one, two, tool("a", "1"), tool("b", "2")]
    assert repair_tool_sequence(history).history == [one, history[2], two, history[3]]


def test_repeats_kept_when_policy_says_so() -> None:
    text = assistant(content="hi")
    history = [user("go"), text, text]
    result = repair_tool_sequence(history, policy=RepairPolicy(drop_repeats=False))
    assert result.history == history
    assert result.fixes == []


def test_repeat_made_adjacent_by_a_move_is_kept_or_dropped_as_the_policy_says() -> None:
    text = assistant(content="working")
    history = [user("go"), assistant(call("a")), text, tool("a", "1"), text]
    kept = repair_tool_sequence(history)
    assert kept.history == [history[0], history[1], history[3], text, text]
    assert {f.kind for f in kept.fixes} == {FixKind.MOVED_INTERRUPTERS}
    assert validate_tool_sequence(kept.history).ok
    result = repair_tool_sequence(history, policy=RepairPolicy(drop_repeats=True))
    assert result.history == [history[0], history[1], history[3], text]
    assert {f.kind for f in result.fixes} == {FixKind.MOVED_INTERRUPTERS, FixKind.DROPPED_REPEAT}
    assert validate_tool_sequence(result.history) == []


def test_nameless_calls_kept_by_default_and_dropped_on_request() -> None:
    nameless, named = call("a", name=""), call("b")
    history = [user("go"), assistant(nameless, named), tool("a", "1"), tool("b", "2")]
    kept = repair_tool_sequence(history)
    assert kept.history == history
    assert kept.fixes == []
    dropped = repair_tool_sequence(history, policy=RepairPolicy(drop_nameless_calls=True))
    assert dropped.history[1] == {**history[1], "tool_calls": [named]}
    assert dropped.history[2]["role"] == "tool"
    assert dropped.history[2]["tool_call_id"] == "b"
    assert dropped.history[3]["role"] == "user"  # the nameless call's output, as text
    assert "1" in dropped.history[3]["content"]
    assert fix_kinds(dropped)[0] == ("dropped_call", (1,), ("a",))
    assert validate_tool_sequence(dropped.history) == []


def test_dropping_every_call_keeps_the_text_or_the_message_goes() -> None:
    policy = RepairPolicy(drop_nameless_calls=True)
    with_text = assistant(call("a", name=""), content="let me see")
    history = [user("go"), with_text, assistant(call("b", name=""))]
    result = repair_tool_sequence(history, policy=policy)
    assert result.history == [history[0], {"role": "assistant", "content": "let me see"}]
    responses = [r_user("go"), fc("a", name=""), fco("a", "x")]
    result = repair_tool_sequence(responses, policy=policy)
    assert result.history[0] == responses[0]
    assert result.history[1]["role"] == "user"
    assert result.history[1]["content"][-1]["text"] == "x"
    assert len(result.history) == 2


def test_fix_as_note() -> None:
    result = repair_tool_sequence([assistant(call("a"))])
    note = result.fixes[0].to_note("messages")
    assert note.path == "messages[0]"
    assert note.action == "added"
    assert note.code == "tool_sequence.synthesized_result"
    assert note.detail["ids"] == ["a"]
    assert str(result.fixes[0]).startswith("synthesized_result: ")
    assert result.changed


def test_replaced_id_note() -> None:
    fix = repair_tool_sequence([assistant(call("")), tool("", "x")]).fixes[0]
    note = fix.to_note()
    assert note.path == "input[0]"
    assert note.detail["new_id"] == fix.new_id
    assert note.action == "changed"


def test_problem_str() -> None:
    (problem,) = validate_tool_sequence([tool("x", "y")])
    assert str(problem).startswith("orphan_result: ")


# -- input forms and errors ----------------------------------------------------------------------


class ChatMessage(WireModel):
    role: str
    content: Any = None


class ResponsesItem(WireModel):
    type: str


def test_models_come_back_as_models() -> None:
    raw = [
        user("go"),
        assistant(call("a")),
        assistant(content="hm"),
        tool("a", "1"),
        tool("zz", "2"),
    ]
    models = [ChatMessage.parse(m) for m in raw]
    before = [m.to_dict() for m in models]
    result = repair_tool_sequence(models)
    assert [m.to_dict() for m in models] == before  # not mutated
    out = result.history
    assert out[0] is models[0]
    assert out[1] is models[1]
    assert out[2] is models[3]  # the result moved up, untouched
    assert out[3] is models[2]
    assert isinstance(out[4], dict)  # new entries are dicts unless parse_new is given
    parsed = repair_tool_sequence(models, parse_new=ChatMessage.parse).history
    assert isinstance(parsed[4], ChatMessage)
    assert parsed[4].role == "user"


def test_edited_models_are_reparsed_with_their_class() -> None:
    models = [ResponsesItem.parse(fc("a", "fc_1")), ResponsesItem.parse(fc("a", "fc_2", name="x"))]
    result = repair_tool_sequence(models)
    (replaced,) = (f for f in result.fixes if f.kind is FixKind.REPLACED_ID)
    assert result.history[0] is models[0]
    assert isinstance(result.history[1], ResponsesItem)
    assert result.history[1].to_dict() == {**fc("a", "fc_2", name="x"), "call_id": replaced.new_id}


def test_foreign_pydantic_models() -> None:
    from pydantic import BaseModel, ConfigDict

    class Foreign(BaseModel):
        model_config = ConfigDict(extra="allow")
        role: str

    first = Foreign.model_validate(assistant(call("a")))
    second = Foreign.model_validate(assistant(call("a"), content="again"))
    result = repair_tool_sequence([first, second])
    assert result.history[0] is first
    assert isinstance(result.history[2], Foreign)
    assert result.history[2].model_dump()["tool_calls"][0]["id"] not in ("a", "")


def test_wireshift_item_models() -> None:
    from wireshift.responses import parse_item

    raw = [
        r_user("go"),
        fc("a", "fc_1"),
        r_assistant("hm", "msg_1"),
        fco("a", "1"),
        fc("b", "fc_2"),
    ]
    items = [parse_item(r) for r in raw]
    result = repair_tool_sequence(items, parse_new=parse_item)
    assert [type(i).__name__ for i in result.history] == [
        type(items[0]).__name__,
        type(items[1]).__name__,
        type(items[3]).__name__,
        type(items[2]).__name__,
        type(items[4]).__name__,
        type(items[3]).__name__,
    ]
    assert [i.to_dict() for i in result.history][:5] == [raw[0], raw[1], raw[3], raw[2], raw[4]]


def test_mappings_that_are_not_dicts() -> None:
    from types import MappingProxyType

    history = [MappingProxyType(user("go")), MappingProxyType(assistant(call("a")))]
    result = repair_tool_sequence(history)
    assert result.history[:2] == history
    assert result.history[2] == tool("a", NOT_RUN)


def test_empty_history() -> None:
    assert validate_tool_sequence([]) == []
    empty = repair_tool_sequence([])
    assert (empty.history, empty.fixes, empty.notes, empty.changed) == ([], [], [], False)


@pytest.mark.parametrize(
    ("history", "position"),
    [
        ([user("go"), "not an object"], 1),
        ([user("go"), tool("a", "x"), fc("a")], 2),
        ([fc("a"), {"role": "assistant", "tool_calls": [call("a")]}], 1),
        ([{"role": "assistant", "tool_calls": "nope"}], 0),
        ([{"role": "assistant", "tool_calls": [call("a"), 3]}], 0),
    ],
)
def test_unusable_input(history: list[Any], position: int) -> None:
    with pytest.raises(ToolSequenceError) as raised:
        validate_tool_sequence(history)
    assert raised.value.position == position
    assert isinstance(raised.value, wireshift.WireshiftError)


def test_role_only_messages_are_either_format() -> None:
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]
    assert validate_tool_sequence([*history, r_user("more")]) == []
    assert validate_tool_sequence([*history, tool("a", "x")])[0].kind is ProblemKind.ORPHAN_RESULT


# -- generated histories -------------------------------------------------------------------------

NAMES = ("shell", "read_file", "apply_patch")
TOKEN = re.compile(r"<out-\d+>")


class Ids:
    def __init__(self) -> None:
        self._n = 0

    def __call__(self, kind: str) -> str:
        self._n += 1
        return f"{kind}-{self._n}"


def _tokens(ids: Ids, draw: Callable[..., Any]) -> list[str]:
    return [f"<{ids('out')}>" for _ in range(draw(st.integers(1, 2)))]


@st.composite
def valid_chat(draw: Callable[..., Any]) -> list[Msg]:
    ids = Ids()
    history: list[Msg] = [SYSTEM] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(1, 3))):
        history.append(user(f"<{ids('user')}>"))
        for _ in range(draw(st.integers(0, 2))):
            calls = [
                custom_call(f"call_{ids('c')}")
                if draw(st.booleans())
                else call(f"call_{ids('c')}", draw(st.sampled_from(NAMES)))
                for _ in range(draw(st.integers(1, 3)))
            ]
            text = draw(st.sampled_from([None, f"<{ids('say')}>"]))
            history.append(assistant(*calls, content=text))
            for i in draw(st.permutations(range(len(calls)))):
                texts = _tokens(ids, draw)
                content: Any = (
                    [{"type": "text", "text": t} for t in texts] if len(texts) > 1 else texts[0]
                )
                history.append(tool(calls[i]["id"], content))
        history.append(assistant(content=f"<{ids('say')}>"))
    return history


@st.composite
def valid_responses(draw: Callable[..., Any]) -> list[Msg]:
    ids = Ids()
    history: list[Msg] = []
    if draw(st.booleans()):
        history.append({"type": "message", "role": "developer", "content": "be brief"})
    for _ in range(draw(st.integers(1, 3))):
        history.append(r_user(f"<{ids('user')}>"))
        for _ in range(draw(st.integers(0, 2))):
            if draw(st.booleans()):
                history.append({"type": "reasoning", "id": f"rs_{ids('r')}", "summary": []})
            custom = [draw(st.booleans()) for _ in range(draw(st.integers(1, 3)))]
            calls = [
                ctc(f"call_{ids('c')}") if c else fc(f"call_{ids('c')}", f"fc_{ids('i')}")
                for c in custom
            ]
            outputs = []
            for c, item in zip(custom, calls, strict=True):
                texts = _tokens(ids, draw)
                if c:
                    outputs.append(ctco(item["call_id"], texts[0]))
                elif len(texts) > 1:
                    parts = [{"type": "input_text", "text": t} for t in texts]
                    outputs.append(fco(item["call_id"], parts))
                else:
                    outputs.append(fco(item["call_id"], texts[0]))
            if draw(st.booleans()):  # each output right after its call
                for item, output in zip(calls, outputs, strict=True):
                    history += [item, output]
            else:
                history += calls
                history += [outputs[i] for i in draw(st.permutations(range(len(outputs))))]
        history.append(r_assistant(f"<{ids('say')}>", f"msg_{ids('m')}"))
    return history


def _is_call(entry: Msg, fmt: str) -> bool:
    return bool(entry.get("tool_calls")) if fmt == "chat" else entry.get("type") in CALL_TYPES


def _is_result(entry: Msg, fmt: str) -> bool:
    return entry.get("role") == "tool" if fmt == "chat" else entry.get("type") in OUTPUT_TYPES


def _call_ids(entry: Msg, fmt: str) -> list[str]:
    if fmt == "chat":
        return [c["id"] for c in entry["tool_calls"]]
    return [entry["call_id"]]


def _set_call_id(entry: Msg, fmt: str, index: int, new: str) -> Msg:
    if fmt == "chat":
        calls = list(entry["tool_calls"])
        calls[index] = {**calls[index], "id": new}
        return {**entry, "tool_calls": calls}
    return {**entry, "call_id": new}


def _set_result_id(entry: Msg, fmt: str, new: str) -> Msg:
    return {**entry, "tool_call_id": new} if fmt == "chat" else {**entry, "call_id": new}


def _positions(history: list[Msg], test: Callable[[Msg], bool]) -> list[int]:
    return [i for i, e in enumerate(history) if test(e)]


def break_history(draw: Callable[..., Any], history: list[Msg], fmt: str) -> list[Msg]:
    """Apply a few random breakages to a valid history."""
    history = list(history)
    counter = Ids()
    for step in range(draw(st.integers(1, 4))):
        move = draw(
            st.sampled_from(
                [
                    "drop_result",
                    "interrupt",
                    "duplicate_id",
                    "split",
                    "orphan",
                    "drop_call",
                    "repeat",
                    "move_result",
                    "empty_id",
                    "bad_id",
                ]
            )
        )
        calls = _positions(history, lambda e: _is_call(e, fmt))
        results = _positions(history, lambda e: _is_result(e, fmt))
        if move == "drop_result" and results:
            del history[draw(st.sampled_from(results))]
        elif move == "interrupt":
            at = draw(st.sampled_from([c + 1 for c in calls] or [len(history)]))
            texts = [f"<{counter('say')}x>"]
            if fmt == "chat":
                role = draw(st.sampled_from(["user", "assistant", "system", "developer"]))
                history.insert(at, {"role": role, "content": texts[0]})
            else:
                maker = draw(st.sampled_from([r_user, r_assistant]))
                history.insert(at, maker(texts[0]))
        elif move == "duplicate_id" and len(calls) >= 2:
            a, b = draw(st.lists(st.sampled_from(calls), min_size=2, max_size=2, unique=True))
            old = _call_ids(history[b], fmt)[0]
            new = _call_ids(history[a], fmt)[0]
            history[b] = _set_call_id(history[b], fmt, 0, new)
            if draw(st.booleans()):  # the results follow the call's id
                for r in _positions(history, lambda e: _is_result(e, fmt)):
                    if (history[r].get("tool_call_id") or history[r].get("call_id")) == old:
                        history[r] = _set_result_id(history[r], fmt, new)
        elif move == "split" and fmt == "chat":
            multi = [c for c in calls if len(history[c]["tool_calls"]) > 1]
            if multi:
                c = draw(st.sampled_from(multi))
                k = draw(st.integers(1, len(history[c]["tool_calls"]) - 1))
                first = {**history[c], "tool_calls": history[c]["tool_calls"][:k]}
                second = assistant(*history[c]["tool_calls"][k:])
                history[c : c + 1] = [first, second]
        elif move == "orphan":
            at = draw(st.integers(0, len(history)))
            token = f"<out-{10**6 + step}>"
            orphan = tool("ghost", token) if fmt == "chat" else fco("ghost", token)
            history.insert(at, orphan)
        elif move == "drop_call" and calls:
            c = draw(st.sampled_from(calls))
            if fmt == "chat" and len(history[c]["tool_calls"]) > 1:
                history[c] = {**history[c], "tool_calls": history[c]["tool_calls"][1:]}
            else:
                del history[c]
        elif move == "repeat":
            repeatable = calls + _positions(history, lambda e: e.get("role") == "assistant")
            if repeatable:
                c = draw(st.sampled_from(repeatable))
                copy_ = {**history[c], "id": f"dup_{counter('d')}"} if fmt != "chat" else history[c]
                history.insert(c + 1, copy_)
        elif move == "move_result" and results:
            r = draw(st.sampled_from(results))
            entry = history.pop(r)
            history.insert(draw(st.integers(0, len(history))), entry)
        elif move in ("empty_id", "bad_id") and calls:
            c = draw(st.sampled_from(calls))
            old = _call_ids(history[c], fmt)[0]
            new = "" if move == "empty_id" else old + "!" * 30
            history[c] = _set_call_id(history[c], fmt, 0, new)
            if draw(st.booleans()):
                for r in _positions(history, lambda e: _is_result(e, fmt)):
                    if (history[r].get("tool_call_id") or history[r].get("call_id")) == old:
                        history[r] = _set_result_id(history[r], fmt, new)
    return history


def output_texts(history: list[Msg], fmt: str) -> Counter[str]:
    """Tool output texts (not synthesized ones), plus those carried in user messages."""
    found: Counter[str] = Counter()
    for entry in history:
        if _is_result(entry, fmt):
            value = entry.get("content") if fmt == "chat" else entry.get("output")
            texts = [value] if isinstance(value, str) else [p["text"] for p in value or []]
            found.update(t for t in texts if t != NOT_RUN)
        elif entry.get("role") == "user":
            content = entry.get("content")
            text = content if isinstance(content, str) else repr(content)
            found.update(TOKEN.findall(text))
    return found


PROFILES = st.sampled_from(
    [None, Profile(tool_id_max_length=16, tool_id_pattern=r"[A-Za-z0-9_-]+")]
)


def _histories(fmt: str) -> st.SearchStrategy[list[Msg]]:
    return valid_chat() if fmt == "chat" else valid_responses()


@pytest.mark.parametrize("fmt", ["chat", "responses"])
@given(data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_valid_histories_are_left_alone(fmt: str, data: st.DataObject) -> None:
    history = data.draw(_histories(fmt))
    profile = data.draw(PROFILES)
    assert violations(history, fmt, profile) == []  # the generator makes valid histories
    assert validate_tool_sequence(history, profile=profile) == []
    result = repair_tool_sequence(history, profile=profile)
    assert result.fixes == []
    assert result.history == history
    assert all(a is b for a, b in zip(result.history, history, strict=True))


@pytest.mark.parametrize("fmt", ["chat", "responses"])
@given(data=st.data())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_broken_histories_are_repaired(fmt: str, data: st.DataObject) -> None:
    history = break_history(data.draw, data.draw(_histories(fmt)), fmt)
    profile = data.draw(PROFILES)
    frozen = copy.deepcopy(history)
    problems = validate_tool_sequence(history, profile=profile)
    result = repair_tool_sequence(history, profile=profile)
    assert history == frozen  # never mutated
    # The independent checker finds nothing; nor does the validator.
    assert violations(result.history, fmt, profile) == []
    report = validate_tool_sequence(result.history, profile=profile)
    assert report.ok
    # What stays reported is only repeated text, kept on purpose.
    assert all(p.kind is ProblemKind.REPEATED_MESSAGE and not p.ids for p in report)
    # Every tool output is still there, as a result or inside a user message.
    assert output_texts(result.history, fmt) == output_texts(history, fmt)
    # A second repair has nothing to do.
    again = repair_tool_sequence(result.history, profile=profile)
    assert again.fixes == []
    assert again.history == result.history
    # Positions point into the input; problems exist exactly when fixes do.
    records: list[ToolSequenceProblem | ToolSequenceFix] = [*problems, *result.fixes]
    for record in records:
        assert all(0 <= p < len(history) for p in record.positions)
    assert problems.ok == (not result.fixes)
    if problems.ok:
        assert violations(history, fmt, profile) == []


def test_generated_histories_break() -> None:
    # The breaking strategy does produce invalid histories (else the test above proves little).
    @given(data=st.data())
    @settings(max_examples=50, deadline=None)
    def run(data: st.DataObject) -> None:
        history = break_history(data.draw, data.draw(valid_chat()), "chat")
        broken.append(bool(chat_violations(history)))

    broken: list[bool] = []
    run()
    assert sum(broken) > len(broken) // 2


def test_fix_records_are_frozen() -> None:
    fix = ToolSequenceFix(FixKind.DROPPED_REPEAT, (1,), (), "x")
    with pytest.raises(AttributeError):
        fix.kind = FixKind.MERGED_CALLS  # type: ignore[misc]

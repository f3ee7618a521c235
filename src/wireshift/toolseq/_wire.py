"""The wire shape of a history: its format, what each entry is to the sequence rule, and how
calls, results and text messages are read and written (plain dicts, as the JSON has them)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from .._format import Format
from .._model import WireModel
from ._problems import ToolSequenceError

__all__ = [
    "RESPONSES_PAIRS",
    "CallRef",
    "Entry",
    "EntryKind",
    "Format",
    "ResponsesPair",
    "classify",
    "detect_format",
    "not_executed_result",
    "orphan_message",
    "same_message",
    "to_wire",
    "with_call_ids",
    "with_result_id",
]

EntryKind = Literal["call", "result", "boundary", "neutral"]
"""``call``: a Chat assistant message with tool calls, or a Responses call item.
``result``: a Chat tool message, or a Responses call output item.
``boundary``: an entry that may not stand between a call and its result (Chat: every other
message; Responses: an assistant or user message, which starts a new model turn).
``neutral``: a Responses item that may (reasoning, developer messages, unknown items...)."""


def _not_executed_output(output_type: str) -> Callable[[str, str], dict[str, Any]]:
    def build(call_id: str, text: str) -> dict[str, Any]:
        return {"type": output_type, "call_id": call_id, "output": text}

    return build


def _not_executed_local_shell(call_id: str, text: str) -> dict[str, Any]:
    # The spec describes this item's `id` as the call's id and also requires `call_id`.
    return {"type": "local_shell_call_output", "id": call_id, "call_id": call_id, "output": text}


def _not_executed_shell(call_id: str, text: str) -> dict[str, Any]:
    # No outcome means "did not run"; exit code 1 with the reason on stderr is the closest.
    chunk = {"stdout": "", "stderr": text, "outcome": {"type": "exit", "exit_code": 1}}
    return {"type": "shell_call_output", "call_id": call_id, "output": [chunk]}


def _not_executed_apply_patch(call_id: str, text: str) -> dict[str, Any]:
    return {
        "type": "apply_patch_call_output",
        "call_id": call_id,
        "status": "failed",
        "output": text,
    }


def _not_executed_computer(call_id: str, text: str) -> dict[str, Any]:
    # A computer call's output is a screenshot and has no place for text: send an empty one.
    del text
    return {
        "type": "computer_call_output",
        "call_id": call_id,
        "output": {"type": "computer_screenshot"},
        "status": "incomplete",
    }


@dataclass(frozen=True)
class ResponsesPair:
    """A Responses call item type and the output item type that answers it."""

    call_type: str
    output_type: str
    name_field: str | None
    """Where the call names its tool; ``None`` for built-in tools that have no name."""
    output_id_fields: tuple[str, ...]
    """Where the output names its call, first present wins."""
    not_executed: Callable[[str, str], dict[str, Any]]
    """Build the output for a call that never ran, from its call id and the text to say."""


RESPONSES_PAIRS: tuple[ResponsesPair, ...] = (
    ResponsesPair(
        "function_call",
        "function_call_output",
        "name",
        ("call_id",),
        _not_executed_output("function_call_output"),
    ),
    ResponsesPair(
        "custom_tool_call",
        "custom_tool_call_output",
        "name",
        ("call_id",),
        _not_executed_output("custom_tool_call_output"),
    ),
    ResponsesPair(
        "local_shell_call",
        "local_shell_call_output",
        None,
        ("call_id", "id"),
        _not_executed_local_shell,
    ),
    ResponsesPair("shell_call", "shell_call_output", None, ("call_id",), _not_executed_shell),
    ResponsesPair(
        "apply_patch_call", "apply_patch_call_output", None, ("call_id",), _not_executed_apply_patch
    ),
    ResponsesPair(
        "computer_call", "computer_call_output", None, ("call_id",), _not_executed_computer
    ),
)
_CALLS = {pair.call_type: pair for pair in RESPONSES_PAIRS}
_OUTPUTS = {pair.output_type: pair for pair in RESPONSES_PAIRS}
# A Responses message that starts a model turn: nothing but tool outputs may answer the
# calls before the next one of these.
_TURN_ROLES = frozenset({"assistant", "user"})


@dataclass(frozen=True)
class CallRef:
    """One tool call: where it is, its id ("" when missing) and tool name."""

    pos: int
    index: int
    """Index in the message's ``tool_calls`` (Chat); 0 for a Responses call item."""
    id: str
    name: str | None
    """``None`` when the call type has no name (Responses built-in tools)."""
    call_type: str
    """The Responses item type, or the Chat tool call type (``function``, ``custom``)."""


@dataclass(frozen=True)
class Entry:
    """One history entry as the sequence rule sees it."""

    pos: int
    wire: dict[str, Any]
    kind: EntryKind
    calls: tuple[CallRef, ...] = ()
    result_id: str = ""
    repeatable: bool = False
    """An assistant message or a call item: dropped when identical to the entry before."""


def to_wire(entry: object, pos: int) -> dict[str, Any]:
    """The entry as JSON-shaped data, read only (never mutated)."""
    if isinstance(entry, dict):
        return entry
    if isinstance(entry, Mapping):
        return dict(entry)
    if isinstance(entry, WireModel):
        return entry.to_dict()
    if isinstance(entry, BaseModel):
        return entry.model_dump(mode="json", by_alias=True, exclude_unset=True)
    raise ToolSequenceError(
        f"history[{pos}] is a {type(entry).__name__}, not a message or item object",
        position=pos,
    )


def _chat_evidence(wire: Mapping[str, Any]) -> bool:
    return "type" not in wire and (
        wire.get("role") in ("tool", "function") or "tool_calls" in wire or "tool_call_id" in wire
    )


def detect_format(wires: Sequence[Mapping[str, Any]]) -> Format:
    """Chat messages have a ``role`` and never a ``type``; Responses items have a ``type``
    (messages may omit it). A list of role-only messages is read as Chat: the rule is the
    same for it in both formats."""
    chat_at = next((i for i, w in enumerate(wires) if _chat_evidence(w)), None)
    typed_at = next((i for i, w in enumerate(wires) if "type" in w), None)
    if chat_at is not None and typed_at is not None:
        raise ToolSequenceError(
            f"history mixes Chat Completions messages (history[{chat_at}]) "
            f"with Responses items (history[{typed_at}])",
            position=max(chat_at, typed_at),
        )
    return "responses" if typed_at is not None else "chat"


def _id(value: object) -> str:
    return value if isinstance(value, str) else ""


def _name(value: object) -> str:
    return value if isinstance(value, str) else ""


def _chat_call(call: object, pos: int, index: int) -> CallRef:
    if not isinstance(call, Mapping):
        raise ToolSequenceError(
            f"history[{pos}].tool_calls[{index}] is a {type(call).__name__}, not an object",
            position=pos,
        )
    call_type = call.get("type")
    call_type = call_type if isinstance(call_type, str) else "function"
    body = call.get("custom" if call_type == "custom" else "function")
    name = _name(body.get("name")) if isinstance(body, Mapping) else ""
    return CallRef(pos, index, _id(call.get("id")), name, call_type)


def _chat_entry(pos: int, wire: dict[str, Any]) -> Entry:
    role = wire.get("role")
    if role == "tool":
        return Entry(pos, wire, "result", result_id=_id(wire.get("tool_call_id")))
    if role != "assistant":
        return Entry(pos, wire, "boundary")
    tool_calls = wire.get("tool_calls")
    if tool_calls is None or tool_calls == []:
        return Entry(pos, wire, "boundary", repeatable=True)
    if not isinstance(tool_calls, list):
        raise ToolSequenceError(
            f"history[{pos}].tool_calls is a {type(tool_calls).__name__}, not a list",
            position=pos,
        )
    calls = tuple(_chat_call(call, pos, i) for i, call in enumerate(tool_calls))
    return Entry(pos, wire, "call", calls=calls, repeatable=True)


def _responses_entry(pos: int, wire: dict[str, Any]) -> Entry:
    item_type = wire.get("type")
    pair = _CALLS.get(item_type) if isinstance(item_type, str) else None
    if pair is not None:
        name = _name(wire.get(pair.name_field)) if pair.name_field else None
        call = CallRef(pos, 0, _id(wire.get("call_id")), name, pair.call_type)
        return Entry(pos, wire, "call", calls=(call,), repeatable=True)
    pair = _OUTPUTS.get(item_type) if isinstance(item_type, str) else None
    if pair is not None:
        found = next((wire[f] for f in pair.output_id_fields if wire.get(f) is not None), None)
        return Entry(pos, wire, "result", result_id=_id(found))
    role = wire.get("role")
    if item_type in (None, "message") and isinstance(role, str) and role in _TURN_ROLES:
        return Entry(pos, wire, "boundary", repeatable=role == "assistant")
    return Entry(pos, wire, "neutral")


def classify(wires: Sequence[dict[str, Any]], fmt: Format) -> list[Entry]:
    build = _chat_entry if fmt == "chat" else _responses_entry
    return [build(pos, wire) for pos, wire in enumerate(wires)]


def same_message(a: Mapping[str, Any], b: Mapping[str, Any], fmt: Format) -> bool:
    """Whether ``b`` repeats ``a``. Responses item ids differ between repeats: not compared."""
    if fmt == "chat":
        return a == b
    return {k: v for k, v in a.items() if k != "id"} == {k: v for k, v in b.items() if k != "id"}


# -- writing -------------------------------------------------------------------------------


def with_call_ids(wire: dict[str, Any], fmt: Format, new_ids: Mapping[int, str]) -> dict[str, Any]:
    """A copy of a call entry whose calls at the given indexes carry new ids."""
    if fmt == "responses":
        return {**wire, "call_id": new_ids[0]}
    calls = list(wire["tool_calls"])
    for index, new_id in new_ids.items():
        calls[index] = {**calls[index], "id": new_id}
    return {**wire, "tool_calls": calls}


def with_result_id(wire: dict[str, Any], fmt: Format, old_id: str, new_id: str) -> dict[str, Any]:
    """A copy of a result entry answering ``new_id`` instead of ``old_id``."""
    if fmt == "chat":
        return {**wire, "tool_call_id": new_id}
    pair = _OUTPUTS[wire["type"]]
    fields = [f for f in pair.output_id_fields if f in wire and _id(wire[f]) == old_id]
    return {**wire, **dict.fromkeys(fields or pair.output_id_fields[:1], new_id)}


def not_executed_result(call: CallRef, fmt: Format, text: str) -> dict[str, Any]:
    """The result for a call that never ran, saying so."""
    if fmt == "chat":
        return {"role": "tool", "tool_call_id": call.id, "content": text}
    return _CALLS[call.call_type].not_executed(call.id, text)


def _input_parts(value: object) -> list[dict[str, Any]]:
    """A Responses output value as user-message content parts, texts kept verbatim."""
    if value is None:
        return []
    if isinstance(value, str):
        return [{"type": "input_text", "text": value}]
    if isinstance(value, Mapping) and value.get("type") == "computer_screenshot":
        image = {k: value[k] for k in ("image_url", "file_id") if value.get(k) is not None}
        return [{"type": "input_image", **image, "detail": "auto"}]
    if isinstance(value, list):
        parts: list[dict[str, Any]] = []
        for part in value:
            parts.extend(_input_part(part))
        return parts
    return [{"type": "input_text", "text": json.dumps(value, ensure_ascii=False)}]


def _input_part(part: object) -> list[dict[str, Any]]:
    if isinstance(part, Mapping):
        part_type = part.get("type")
        if part_type in ("input_text", "input_image", "input_file"):
            return [dict(part)]
        if part_type in ("output_text", "text") and isinstance(part.get("text"), str):
            return [{"type": "input_text", "text": part["text"]}]
        if "stdout" in part or "stderr" in part:  # a shell output chunk
            streams = (part.get("stdout"), part.get("stderr"))
            return [{"type": "input_text", "text": s} for s in streams if isinstance(s, str) and s]
    if isinstance(part, str):
        return [{"type": "input_text", "text": part}]
    return [{"type": "input_text", "text": json.dumps(part, ensure_ascii=False)}]


def orphan_message(entry: Entry, fmt: Format, header_template: str) -> dict[str, Any]:
    """A user message carrying a result's output verbatim, after a header naming its call.

    A user message is valid anywhere in both formats; an assistant one would put the tool's
    words in the model's mouth, and system or developer messages mid-history are rejected by
    several strict backends.
    """
    header = header_template.replace("{call_id}", entry.result_id or "(no id)")
    if fmt == "chat":
        content = entry.wire.get("content")
        if isinstance(content, str):
            return {"role": "user", "content": f"{header}\n\n{content}"}
        if isinstance(content, list):
            return {"role": "user", "content": [{"type": "text", "text": header}, *content]}
        if content is None:
            return {"role": "user", "content": header}
        return {"role": "user", "content": f"{header}\n\n{json.dumps(content, ensure_ascii=False)}"}
    parts = _input_parts(entry.wire.get("output"))
    return {
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": header}, *parts],
    }

"""One backend's rules, applied to a body already in the backend's format.

Every rule reads :class:`~wireshift.Profile` data; none tests a backend's name. Both
functions take JSON-ready data and never change it in place: what they change is copied.
Notes point into the body given and have codes starting with ``normalize.``.
"""

from __future__ import annotations

from typing import Any

from .._errors import quoted
from .._profiles import Profile
from .._reasoning_envelope import is_envelope, open_envelope
from .._toolnames import ToolNameMap
from ._content import PART_JOINER, chat_text
from ._context import Recorder
from ._fieldmaps import CHAT_GATES
from ._flat_tools import flatten_tools

__all__ = ["SYSTEM_JOINER", "normalize_chat", "normalize_responses"]

SYSTEM_JOINER = "\n\n"
"""Joins system messages merged into one, and messages hoisted into ``instructions``."""

_SYSTEM_ROLES = frozenset({"system", "developer"})
_REASONING_KEYS = ("reasoning_content", "reasoning")
_REASONING_ANY = frozenset({*_REASONING_KEYS, "reasoning_details"})
_TEXT_ONLY = frozenset({"text"})
_ASSISTANT_PARTS = frozenset({"text", "refusal"})
_TOOL_PARTS_WITH_IMAGES = frozenset({"text", "image_url"})
_RESPONSES_TEXT_PARTS = frozenset({"input_text", "output_text", "text"})
_ENCRYPTED_INCLUDE = "reasoning.encrypted_content"


# --- shared ----------------------------------------------------------------------------------


def _drop_fields(data: dict[str, Any], profile: Profile, rec: Recorder) -> None:
    for field in sorted(profile.drop_fields):
        if field in data:
            del data[field]
            rec.drop(field, "the backend rejects this field", "normalize.drop_field")


def _effort_value(effort: Any, source: str, profile: Profile, rec: Recorder) -> str | None:
    if not isinstance(effort, str):
        return None
    value = profile.nearest_effort(effort)
    if value is None:
        rec.drop(
            source,
            f"the backend takes effort {', '.join(profile.effort_values)}, "
            f"none near {quoted(effort)}",
            "normalize.effort",
        )
    elif value != effort:
        rec.change(
            source,
            f"the backend takes effort {', '.join(profile.effort_values)}: "
            f"{quoted(effort)} sent as {quoted(value)}",
            "normalize.effort",
            lossy=True,
            sent=value,
        )
    return value


# --- Chat ------------------------------------------------------------------------------------


def _max_tokens(data: dict[str, Any], profile: Profile, rec: Recorder) -> None:
    want = profile.max_tokens_field
    other = "max_tokens" if want == "max_completion_tokens" else "max_completion_tokens"
    if other not in data:
        return
    value = data.pop(other)
    if want in data:
        rec.drop(other, f"{want} is given too and wins", "normalize.max_tokens", lossy=False)
    else:
        data[want] = value
        rec.change(other, f"the backend reads {want}", "normalize.max_tokens")


def _chat_effort(data: dict[str, Any], profile: Profile, rec: Recorder) -> None:
    reasoning = data.get("reasoning")
    if "reasoning_effort" in data:
        effort, source = data.pop("reasoning_effort"), "reasoning_effort"
    elif isinstance(reasoning, dict) and "effort" in reasoning:
        rest = {k: v for k, v in reasoning.items() if k != "effort"}
        if rest:
            data["reasoning"] = rest
        else:
            del data["reasoning"]
        effort, source = reasoning["effort"], "reasoning.effort"
    else:
        return
    style = profile.reasoning_effort_style
    if style is None:
        if effort is not None:
            rec.drop(source, "the backend takes no reasoning effort", "normalize.effort")
        return
    value = _effort_value(effort, source, profile, rec)
    if value is None:
        return
    if style == "reasoning_effort":
        data["reasoning_effort"] = value
        target = "reasoning_effort"
    else:
        data["reasoning"] = {**(data.get("reasoning") or {}), "effort": value}
        target = "reasoning.effort"
    if target != source:
        rec.change(source, f"the backend reads the effort from {target}", "normalize.effort")


def _gates(data: dict[str, Any], profile: Profile, rec: Recorder) -> None:
    for field in [f for f in data if f in CHAT_GATES]:
        gate = CHAT_GATES[field]
        if not profile.supports_field(gate.key):
            del data[field]
            rec.drop(
                field,
                "the backend does not take this field",
                "normalize.unsupported",
                lossy=gate.lossy,
            )
    fmt = data.get("response_format")
    if (
        isinstance(fmt, dict)
        and fmt.get("type") == "json_schema"
        and not profile.supports_field("json_schema")
    ):
        data["response_format"] = {"type": "json_object"}
        rec.change(
            "response_format",
            "the backend takes no json_schema format: JSON mode instead, without the schema",
            "normalize.json_schema",
            lossy=True,
        )


def _tool_name(tool: Any) -> str | None:
    if not isinstance(tool, dict):
        return None
    body = tool.get(tool.get("type") or "function")
    name = body.get("name") if isinstance(body, dict) else None
    return name if isinstance(name, str) else None


def _offered(choice: dict[str, Any]) -> tuple[set[str], str] | None:
    """The tool names an object tool_choice allows, and the mode that stands for it."""
    kind = choice.get("type")
    if kind in ("function", "custom"):
        name = _tool_name(choice)
        return ({name}, "required") if name is not None else None
    if kind == "allowed_tools":
        allowed = choice.get("allowed_tools") or {}
        names = {n for n in map(_tool_name, allowed.get("tools") or ()) if n is not None}
        return names, str(allowed.get("mode") or "auto")
    return None


def _tool_choice(data: dict[str, Any], profile: Profile, rec: Recorder) -> None:
    choice = data.get("tool_choice")
    if choice is None:
        return
    forms = profile.tool_choice_forms
    form = choice if isinstance(choice, str) else choice.get("type")
    if form in forms:
        return
    if isinstance(choice, dict):
        offered = _offered(choice)
        if offered is None:
            del data["tool_choice"]
            rec.drop(
                "tool_choice",
                f"the backend takes no {quoted(form)} tool_choice",
                "normalize.tool_choice",
            )
            return
        names, form = offered
        data["tools"] = [t for t in data.get("tools") or () if _tool_name(t) in names]
        data["tool_choice"] = form
        rec.change(
            "tool_choice",
            f"the backend takes no {quoted(choice.get('type'))} tool_choice: only "
            f"{', '.join(sorted(names))} offered, with tool_choice {quoted(form)}",
            "normalize.tool_choice",
        )
        if not data["tools"]:
            form = "none"
        elif form in forms:
            return
    if form == "none":
        for field in ("tools", "tool_choice", "parallel_tool_calls"):
            data.pop(field, None)
        rec.change(
            "tool_choice",
            "the backend cannot be told 'none': no tools offered instead",
            "normalize.tool_choice",
        )
    elif form == "required" and "auto" in forms:
        data["tool_choice"] = "auto"
        rec.change(
            "tool_choice",
            "the backend cannot be told to call a tool: 'auto' instead",
            "normalize.tool_choice",
            lossy=True,
        )
    else:
        del data["tool_choice"]
        rec.drop(
            "tool_choice",
            f"the backend takes no {quoted(form)} tool_choice",
            "normalize.tool_choice",
            lossy=form != "auto",
        )


def _allowed_parts(role: str, profile: Profile) -> frozenset[str] | None:
    if profile.string_content_only:
        return _TEXT_ONLY
    if role in _SYSTEM_ROLES:
        return _TEXT_ONLY
    if role == "tool":
        return _TOOL_PARTS_WITH_IMAGES if profile.tool_output_images else _TEXT_ONLY
    if role == "assistant":
        return _ASSISTANT_PARTS
    return None


class _ChatMessages:
    """The message rules: roles, content, reasoning fields; one pass, copy on write."""

    def __init__(self, profile: Profile, rec: Recorder) -> None:
        self.profile = profile
        self.rec = rec
        self.roles: list[int] = []
        self.joined: list[int] = []
        self.renamed: list[int] = []
        self.added: list[int] = []
        # The rules, read from the profile once: most messages meet none of them.
        self.new_roles: dict[str, str] = {}
        if not profile.developer_role:
            self.new_roles["developer"] = profile.system_role
        if profile.system_role == "developer":
            self.new_roles["system"] = "developer"
        self.allowed = {
            role: _allowed_parts(role, profile)
            for role in ("system", "developer", "user", "assistant", "tool")
        }
        self.reasoning_required = (
            profile.reasoning_history_field is not None
            and profile.reasoning_required_with_tool_calls
        )

    def run(self, messages: list[Any]) -> list[Any]:
        out = [self.message(n, m) if isinstance(m, dict) else m for n, m in enumerate(messages)]
        profile, rec = self.profile, self.rec
        if self.roles:
            rec.change(
                "messages",
                "system and developer messages sent with the roles the backend takes",
                "normalize.roles",
                positions=self.roles,
            )
        if self.joined:
            rec.change(
                "messages",
                "content parts joined into one string: the backend takes strings only",
                "normalize.string_content",
                positions=self.joined,
            )
        if self.renamed:
            rec.change(
                "messages",
                f"reasoning sent back as {profile.reasoning_history_field}",
                "normalize.reasoning_field",
                positions=self.renamed,
            )
        if self.added:
            rec.add(
                "messages",
                f"empty {profile.reasoning_history_field} added: the backend requires it "
                "on turns with tool calls",
                "normalize.reasoning_required",
                positions=self.added,
            )
        if profile.merge_system_messages:
            out = self.merge_system(out)
        return out

    def message(self, n: int, message: dict[str, Any]) -> dict[str, Any]:
        role = message.get("role")
        new: dict[str, Any] | None = None
        if role in self.new_roles:
            new = {**message, "role": self.new_roles[role]}
            self.roles.append(n)
        content = message.get("content")
        if type(content) is list and isinstance(role, str):
            changed = self.content(n, role, content)
            if changed is not None:
                new = new or dict(message)
                new["content"] = changed
        if role == "assistant" and (
            not message.keys().isdisjoint(_REASONING_ANY)
            or (self.reasoning_required and message.get("tool_calls"))
        ):
            reasoned = self.reasoning(n, new or message)
            if reasoned is not None:
                new = reasoned
        return new or message

    def content(self, n: int, role: str, content: list[Any]) -> str | list[Any] | None:
        allowed = self.allowed.get(role)
        if allowed is None and not self.profile.string_content_only:
            return None
        kept = content
        if allowed is not None:
            kept = []
            for m, part in enumerate(content):
                kind = part.get("type") if isinstance(part, dict) else None
                if kind in allowed:
                    kept.append(part)
                else:
                    self.rec.drop(
                        f"messages[{n}].content[{m}]",
                        f"the backend takes no {quoted(kind)} parts in {role} messages",
                        "normalize.content",
                        part_type=kind,
                    )
        if self.profile.string_content_only:
            self.joined.append(n)
            return PART_JOINER.join(self.texts(n, content, kept))
        return kept if len(kept) != len(content) else None

    def texts(self, n: int, content: list[Any], kept: list[Any]) -> list[str]:
        """The texts of ``kept`` parts, for a backend that takes text only; a part with no
        text (an image, a part of unknown kind) is dropped with a note."""
        texts: list[str] = []
        for part in kept:
            text = part.get("text") if isinstance(part, dict) else None
            if isinstance(text, str):
                texts.append(text)
                continue
            m = next(i for i, held in enumerate(content) if held is part)
            kind = part.get("type") if isinstance(part, dict) else None
            self.rec.drop(
                f"messages[{n}].content[{m}]",
                f"the backend takes text only; a {quoted(kind)} part has no text to join",
                "normalize.content",
                part_type=kind,
            )
        return texts

    def reasoning(self, n: int, message: dict[str, Any]) -> dict[str, Any] | None:
        profile = self.profile
        field = profile.reasoning_history_field
        present = [k for k in _REASONING_KEYS if isinstance(message.get(k), str)]
        details = "reasoning_details" in message and not profile.reasoning_details
        needs = (
            field is not None
            and profile.reasoning_required_with_tool_calls
            and bool(message.get("tool_calls"))
            and field not in present
            and not present
        )
        if (not present or present == [field]) and not details and not needs:
            return None
        new = {k: v for k, v in message.items() if k not in present}
        if details:
            del new["reasoning_details"]
            self.rec.drop(
                f"messages[{n}].reasoning_details",
                "the backend takes no reasoning_details",
                "normalize.reasoning",
            )
        if field is None:
            for key in present:
                self.rec.drop(
                    f"messages[{n}].{key}",
                    "the backend has no field for reasoning on history messages",
                    "normalize.reasoning.no_field",
                )
            return new
        if present:
            new[field] = message[field] if field in present else message[present[0]]
            if field not in present:
                self.renamed.append(n)
        elif needs:
            new[field] = ""
            self.added.append(n)
        return new

    def merge_system(self, messages: list[Any]) -> list[Any]:
        positions = [n for n, m in enumerate(messages) if isinstance(m, dict) and _is_system(m)]
        if not positions or (positions == [0] and isinstance(messages[0].get("content"), str)):
            return messages
        text = SYSTEM_JOINER.join(chat_text(messages[n].get("content")) for n in positions)
        skip = set(positions)
        self.rec.move(
            "messages",
            "system messages merged into one, first: the backend takes a single leading one",
            "normalize.merge_system",
            positions=positions,
        )
        merged = {"role": self.profile.system_role, "content": text}
        return [merged, *(m for n, m in enumerate(messages) if n not in skip)]


def _plainly_strict(messages: list[Any], profile: Profile) -> bool:
    """Whether the history obviously passes the strict tool-sequence rule: every call
    message is followed at once by one tool message per id, ids are unique, non-empty and
    within the profile's limits (a repeated message with calls repeats their ids).

    A fast path only: ``False`` means "let the repair look", never "broken". It spares the
    full analysis on the histories translation produces, which almost always pass.
    """
    max_length = profile.tool_id_max_length
    if profile.tool_id_pattern is not None:
        return False
    seen: set[str] = set()
    n, count = 0, len(messages)
    while n < count:
        message = messages[n]
        if not isinstance(message, dict) or message.get("role") in ("tool", "function"):
            return False
        calls = message.get("tool_calls")
        n += 1
        if not calls:
            continue
        if not isinstance(calls, list):
            return False
        expected: set[str] = set()
        for call in calls:
            call_id = call.get("id") if isinstance(call, dict) else None
            function = call.get("function") if isinstance(call, dict) else None
            if (
                not isinstance(call_id, str)
                or not call_id
                or call_id in seen
                or (max_length is not None and len(call_id) > max_length)
                or not isinstance(function, dict)
                or not function.get("name")
            ):
                return False
            seen.add(call_id)
            expected.add(call_id)
        while n < count and isinstance(messages[n], dict) and messages[n].get("role") == "tool":
            answered = messages[n].get("tool_call_id")
            if answered not in expected:
                return False
            expected.discard(answered)
            n += 1
        if expected:
            return False
    return True


def normalize_chat(data: dict[str, Any], profile: Profile, rec: Recorder) -> dict[str, Any]:
    """A Chat Completions body as ``profile``'s backend takes it."""
    data = dict(data)
    _drop_fields(data, profile, rec)
    _max_tokens(data, profile, rec)
    _chat_effort(data, profile, rec)
    _gates(data, profile, rec)
    _tool_choice(data, profile, rec)
    messages = data.get("messages")
    if isinstance(messages, list):
        messages = _ChatMessages(profile, rec).run(messages)
        if profile.strict_tool_sequences and not _plainly_strict(messages, profile):
            # Loaded here: most histories are already in order (_plainly_strict).
            from ..toolseq import repair_tool_sequence

            repaired = repair_tool_sequence(messages, profile=profile)
            rec.extend([fix.to_note("messages") for fix in repaired.fixes])
            messages = repaired.history
        data["messages"] = messages
    return data


# --- Responses -------------------------------------------------------------------------------


def _item_type(item: dict[str, Any]) -> str | None:
    kind = item.get("type")
    if kind is not None:
        return str(kind)
    if "role" in item:
        return "message"
    if "id" in item and item.keys() <= {"id", "type"}:
        return "item_reference"
    return None


def _hoisted_text(item: dict[str, Any], path: str, rec: Recorder) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return content
    texts = []
    for n, part in enumerate(content or ()):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in _RESPONSES_TEXT_PARTS:
            texts.append(part["text"])
        else:
            rec.drop(
                f"{path}.content[{n}]",
                f"instructions are text: a {quoted(kind)} part cannot move there",
                "normalize.hoist",
                part_type=kind,
            )
    return PART_JOINER.join(texts)


def _reasoning_item(item: dict[str, Any], path: str, profile: Profile, rec: Recorder) -> Any:
    """A reasoning item as the backend reads it, or ``None`` when nothing in it is left for
    the backend. A wireshift envelope is never forwarded: its text becomes plain reasoning
    text. OpenAI's encrypted content goes only to backends that read it."""
    encrypted = item.get("encrypted_content")
    if not encrypted:
        return item
    envelope = open_envelope(encrypted)
    if envelope is None and profile.encrypted_reasoning:
        return item
    out = {k: v for k, v in item.items() if k != "encrypted_content"}
    if envelope is not None:
        if not out.get("content"):
            out["content"] = [{"type": "reasoning_text", "text": envelope.text}]
        rec.change(
            f"{path}.encrypted_content",
            "a wireshift reasoning envelope, sent as the reasoning text it holds",
            "normalize.reasoning.envelope",
        )
    else:
        rec.drop(
            f"{path}.encrypted_content",
            "the backend cannot read OpenAI's encrypted reasoning",
            "normalize.reasoning.encrypted",
            lossy=False,
        )
    if not out.get("content") and not out.get("summary"):
        rec.drop(
            path, "a reasoning item with nothing the backend reads", "normalize.reasoning_item"
        )
        return None
    return out


def normalize_responses(
    data: dict[str, Any], profile: Profile, rec: Recorder, names: ToolNameMap | None = None
) -> dict[str, Any]:
    """A Responses body as ``profile``'s backend takes it; flattened tool names go into
    ``names``."""
    data = dict(data)
    if profile.tool_types is not None:
        data = flatten_tools(
            data, profile.tool_types, rec, names if names is not None else ToolNameMap()
        )
    _drop_fields(data, profile, rec)
    if profile.force_stream and data.get("stream") is not True:
        (rec.change if "stream" in data else rec.add)(
            "stream", "the backend always streams: stream true", "normalize.stream"
        )
        data["stream"] = True
    if profile.force_store_false and data.get("store") is not False:
        (rec.change if "store" in data else rec.add)(
            "store", "the backend stores nothing: store false", "normalize.store"
        )
        data["store"] = False
    include = data.get("include")
    if (
        not profile.encrypted_reasoning
        and isinstance(include, list)
        and _ENCRYPTED_INCLUDE in include
    ):
        data["include"] = [value for value in include if value != _ENCRYPTED_INCLUDE]
        rec.drop(
            f"include[{include.index(_ENCRYPTED_INCLUDE)}]",
            "the backend has no encrypted reasoning to include",
            "normalize.include",
            lossy=False,
        )
        if not data["include"]:
            del data["include"]
    reasoning = data.get("reasoning")
    if isinstance(reasoning, dict) and reasoning.get("effort") is not None:
        value = _effort_value(reasoning["effort"], "reasoning.effort", profile, rec)
        rest = {k: v for k, v in reasoning.items() if k != "effort"}
        data["reasoning"] = {**rest, "effort": value} if value is not None else rest

    items = data.get("input")
    hoisted: list[str] = []
    if isinstance(items, list):
        kept = []
        for n, item in enumerate(items):
            path = f"input[{n}]"
            kind = _item_type(item) if isinstance(item, dict) else None
            if kind in profile.drop_item_types:
                rec.drop(
                    path, f"the backend rejects {kind} items", "normalize.item_type", item_type=kind
                )
            elif kind == "reasoning" and (
                item.get("encrypted_content") is not None
                and (not profile.encrypted_reasoning or is_envelope(item["encrypted_content"]))
            ):
                read = _reasoning_item(item, path, profile, rec)
                if read is None:
                    continue
                if not profile.plain_reasoning_items and not read.get("encrypted_content"):
                    rec.drop(
                        path,
                        "the backend takes reasoning items only with their encrypted_content",
                        "normalize.reasoning_item",
                    )
                    continue
                kept.append(read)
            elif (
                kind == "reasoning"
                and not profile.plain_reasoning_items
                and not item.get("encrypted_content")
            ):
                rec.drop(
                    path,
                    "the backend takes reasoning items only with their encrypted_content",
                    "normalize.reasoning_item",
                )
            elif kind == "message" and profile.hoist_system_messages and _is_system(item):
                hoisted.append(_hoisted_text(item, path, rec))
                rec.move(
                    path,
                    f"the backend takes no {item.get('role')} messages in input: "
                    "moved into instructions",
                    "normalize.hoist",
                )
            else:
                kept.append(item)
        if len(kept) != len(items) or any(a is not b for a, b in zip(kept, items, strict=True)):
            data["input"] = kept
    if hoisted:
        existing = data.get("instructions")
        parts = [existing] if isinstance(existing, str) and existing else []
        data["instructions"] = SYSTEM_JOINER.join(parts + [t for t in hoisted if t])
    if profile.require_instructions:
        instructions = data.get("instructions")
        if not isinstance(instructions, str) or not instructions.strip():
            data["instructions"] = profile.default_instructions
            rec.add(
                "instructions",
                "the backend requires non-empty instructions: the profile's default added",
                "normalize.instructions",
            )
    return data


def _is_system(message: dict[str, Any]) -> bool:
    role = message.get("role")
    return isinstance(role, str) and role in _SYSTEM_ROLES

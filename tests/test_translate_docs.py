"""The profile and field-mapping tables in the docs are generated from the data they
describe; this test fails when the docs fall behind. Regenerate with

    PYTHONPATH=src python tests/test_translate_docs.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from wireshift import PROFILES, Profile
from wireshift._profiles import CHAT_OPTIONAL_FIELDS, TOOL_CHOICE_FORMS
from wireshift.translate._fieldmaps import (
    CHAT_GATES,
    CHAT_TO_RESPONSES_COPY,
    CHAT_TO_RESPONSES_DROP,
    INCLUDE_WITHOUT_CHAT_FORM,
    ITEMS_WITHOUT_CHAT_FORM,
    RESPONSES_TO_CHAT_COPY,
    RESPONSES_TO_CHAT_DROP,
    TOOL_CHOICES_WITHOUT_CHAT_FORM,
    TOOLS_WITHOUT_CHAT_FORM,
)
from wireshift.translate._toolforms import FUNCTION_FORMS

DOCS = Path(__file__).resolve().parents[1] / "docs"
BEGIN = "<!-- BEGIN GENERATED: {name} (tests/test_translate_docs.py) -->"
END = "<!-- END GENERATED: {name} -->"


def code(values: object) -> str:
    items = sorted(values) if isinstance(values, (set, frozenset)) else list(values)  # type: ignore[call-overload]
    return ", ".join(f"`{v}`" for v in items) or "none"


def _chat_rows(p: Profile) -> list[tuple[str, str]]:
    developer = "kept as `developer`" if p.developer_role else f"sent as `{p.system_role}`"
    system = f"`{p.system_role}` role; developer messages {developer}"
    if p.merge_system_messages:
        system += "; all merged into one message, first"
    if p.string_content_only:
        content = "one string per message: text parts joined, other parts dropped"
    else:
        tool_parts = "text and image parts" if p.tool_output_images else "text parts only"
        content = (
            "parts kept (text, image_url, file, input_audio); system messages: text parts "
            f"only; tool messages: {tool_parts}"
        )
    if p.reasoning_effort_style is None:
        effort = "not sent (dropped with a note)"
    else:
        field = (
            "`reasoning_effort`"
            if p.reasoning_effort_style == "reasoning_effort"
            else "`reasoning: {effort}`"
        )
        effort = f"{field}, values {code(p.effort_values)}; others sent as the nearest"
    history = (
        f"`{p.reasoning_history_field}` on assistant messages"
        if p.reasoning_history_field
        else "none: reasoning text dropped with a note"
    )
    if p.reasoning_details:
        history += "; `reasoning_details` kept"
    if p.reasoning_required_with_tool_calls:
        history += "; always present (empty if need be) on messages with tool calls"
    replies = code(p.reasoning_reply_fields) + (
        "; `<think>` tags in content" if p.think_tags else ""
    )
    ids = []
    if p.tool_id_max_length is not None:
        ids.append(f"at most {p.tool_id_max_length} characters")
    if p.tool_id_pattern is not None:
        ids.append(f"matching `{p.tool_id_pattern}`")
    sequences = "repaired to the strict rule" if p.strict_tool_sequences else "sent as they are"
    if ids:
        sequences += "; ids " + " and ".join(ids)
    passed = {f for f in CHAT_OPTIONAL_FIELDS if p.supports_field(f)}
    rows = [
        ("instructions and system messages", system),
        ("content", content),
        ("max tokens", f"`{p.max_tokens_field}`"),
        ("reasoning effort", effort),
        ("reasoning in history", history),
        ("reasoning in replies", replies),
        (
            "tool_choice",
            f"{code(p.tool_choice_forms)}; other forms rewritten"
            if p.tool_choice_forms != TOOL_CHOICE_FORMS
            else "every form",
        ),
        ("tool-call sequences", sequences),
        ("optional fields sent", code(passed)),
        ("optional fields dropped", code(CHAT_OPTIONAL_FIELDS - passed)),
    ]
    if p.drop_fields:
        rows.append(("always dropped", code(p.drop_fields)))
    return rows


def _responses_rows(p: Profile) -> list[tuple[str, str]]:
    hoist = (
        "system and developer input messages (string or parts) moved into `instructions`, "
        "in order, after any given"
        if p.hoist_system_messages
        else "system and developer messages kept in `input`"
    )
    instructions = hoist
    if p.require_instructions:
        instructions += f"; `{p.default_instructions}` when none remain"
    items = set(p.drop_item_types)
    dropped_items = code(items) + (
        "; reasoning items without `encrypted_content`" if not p.plain_reasoning_items else ""
    )
    return [
        ("stream", "forced `true`" if p.force_stream else "as given"),
        ("store", "forced `false`" if p.force_store_false else "as given"),
        ("instructions", instructions),
        ("fields dropped", code(p.drop_fields)),
        ("items dropped", dropped_items),
        ("reasoning effort", f"values {code(p.effort_values)}; others sent as the nearest"),
        (
            "tools",
            "every type"
            if p.tool_types is None
            else f"{code(p.tool_types)} as they are; namespace, custom, shell and patch tools "
            "flattened into functions (calls restored on the way back); others dropped",
        ),
        (
            "previous_response_id",
            "replaced by the earlier items (`previous_items=` / `resolver=`)"
            if p.stateless
            else "sent as it is",
        ),
        (
            "encrypted reasoning",
            "kept on replayed reasoning items"
            if p.encrypted_reasoning
            else "left out, and not asked for in `include`; a wireshift envelope sent as "
            "reasoning text",
        ),
    ]


def render_profiles() -> str:
    out = [
        "| profile | speaks | max tokens | reasoning history | effort | strict sequences |",
        "|---|---|---|---|---|---|",
    ]
    for p in PROFILES.values():
        if p.wire == "chat":
            speaks, tokens = "Chat Completions", f"`{p.max_tokens_field}`"
            history = f"`{p.reasoning_history_field}`" if p.reasoning_history_field else "none"
        else:
            speaks = "Responses"
            history = "encrypted items" if p.encrypted_reasoning else "plain items"
            tokens = "dropped" if "max_output_tokens" in p.drop_fields else "`max_output_tokens`"
        effort = p.reasoning_effort_style or "none"
        strict = "yes" if p.strict_tool_sequences else "no"
        if p.wire == "responses":
            strict = "n/a"  # Responses items are not chat messages
        out.append(f"| `{p.name}` | {speaks} | {tokens} | {history} | {effort} | {strict} |")
    for p in PROFILES.values():
        out += [
            "",
            f"### `{p.name}`",
            "",
            p.description,
            "",
            "| rule | for this backend |",
            "|---|---|",
        ]
        rows = _chat_rows(p) if p.wire == "chat" else _responses_rows(p)
        out += [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(out)


def _table(header: tuple[str, str], rows: list[tuple[str, str]]) -> list[str]:
    return [f"| {header[0]} | {header[1]} |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]


def render_fields() -> str:
    out = ["#### Responses -> Chat: sent under another name or as they are", ""]
    out += _table(
        ("Responses", "Chat"), [(f"`{k}`", f"`{v}`") for k, v in RESPONSES_TO_CHAT_COPY.items()]
    )
    out += ["", "#### Responses -> Chat: never sent", ""]
    rows = [
        (f"`{k}`", d.reason + ("" if d.lossy else " (no loss: strict mode lets it pass)"))
        for k, d in RESPONSES_TO_CHAT_DROP.items()
    ]
    rows += [(f"`include: {k}`", d.reason) for k, d in INCLUDE_WITHOUT_CHAT_FORM.items()]
    out += _table(("field", "why"), rows)
    out += ["", "#### Responses items with no Chat form (dropped with a note)", ""]
    out += _table(("item type", "why"), [(f"`{k}`", v) for k, v in ITEMS_WITHOUT_CHAT_FORM.items()])
    out += ["", "#### Responses tools with no Chat form (dropped with a note)", ""]
    out += _table(("tool type", "why"), [(f"`{k}`", v) for k, v in TOOLS_WITHOUT_CHAT_FORM.items()])
    out += ["", "#### Tool choices with no Chat form (dropped with a note)", ""]
    out += _table(
        ("tool_choice type", "why"),
        [(f"`{k}`", v) for k, v in TOOL_CHOICES_WITHOUT_CHAT_FORM.items()],
    )
    out += ["", "#### Tools sent as functions", ""]
    forms = [
        (
            "`custom`",
            "a function of the same name with one string parameter, `input`; the grammar goes "
            "in its description",
        )
    ]
    forms += [
        (f"`{f.tool_type}`", f"`{f.name}`: arguments are the call's `{f.arguments_field}`")
        for f in FUNCTION_FORMS.values()
    ]
    forms.append(
        (
            "`namespace`",
            "each member a function named `namespace__name` (unique, at most 64 characters)",
        )
    )
    out += _table(("tool type", "function"), forms)
    out += ["", "#### Chat -> Responses: sent under another name or as they are", ""]
    out += _table(
        ("Chat", "Responses"), [(f"`{k}`", f"`{v}`") for k, v in CHAT_TO_RESPONSES_COPY.items()]
    )
    out += ["", "#### Chat -> Responses: never sent", ""]
    out += _table(
        ("field", "why"), [(f"`{k}`", d.reason) for k, d in CHAT_TO_RESPONSES_DROP.items()]
    )
    out += ["", "#### Chat fields a profile may not take", ""]
    out += _table(
        ("field", "sent when `supports` holds"),
        [(f"`{k}`", f"`{g.key}`") for k, g in CHAT_GATES.items()],
    )
    return "\n".join(out)


GENERATED = {
    ("profiles.md", "profiles"): render_profiles,
    ("translate-requests.md", "fields"): render_fields,
}


def _block(name: str) -> re.Pattern[str]:
    return re.compile(
        re.escape(BEGIN.format(name=name)) + r"\n(.*?)\n?" + re.escape(END.format(name=name)), re.S
    )


def _current(page: str, name: str) -> str | None:
    found = _block(name).search((DOCS / page).read_text(encoding="utf-8"))
    return found[1] if found else None


def test_profile_docs_are_current() -> None:
    assert _current("profiles.md", "profiles") == render_profiles(), (
        "run: PYTHONPATH=src python tests/test_translate_docs.py"
    )


def test_field_docs_are_current() -> None:
    assert _current("translate-requests.md", "fields") == render_fields(), (
        "run: PYTHONPATH=src python tests/test_translate_docs.py"
    )


def test_every_built_in_profile_is_documented() -> None:
    text = (DOCS / "profiles.md").read_text(encoding="utf-8")
    assert [p for p in PROFILES if f"### `{p}`" not in text] == []


def _write() -> None:
    for (page, name), render in GENERATED.items():
        path = DOCS / page
        text = path.read_text(encoding="utf-8")
        block = f"{BEGIN.format(name=name)}\n{render()}\n{END.format(name=name)}"
        found = _block(name).search(text)
        if found is None:
            sys.exit(f"{page}: no generated block named {name!r}")
        text = text[: found.start()] + block + text[found.end() :]
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    _write()

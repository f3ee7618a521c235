"""The function form of Responses tools that Chat Completions knows only as functions.

Chat has function tools alone (custom tools only on OpenAI itself). A custom tool becomes a
function with one string parameter, ``input``; ``local_shell``, ``shell`` and
``apply_patch`` become functions whose arguments are the call's action or operation. The
:class:`~wireshift.ToolNameMap` remembers which chat name stands for which tool, and
:func:`call_item_from_chat` / :func:`output_item_from_chat` turn a chat call and its result
back into the Responses items (the stream translator uses them too).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from .._toolnames import ToolOrigin
from ..responses._tools import CustomTextFormat, CustomToolFormat, CustomToolGrammarFormat

__all__ = [
    "FUNCTION_FORMS",
    "FunctionForm",
    "call_item_from_chat",
    "custom_format_from_parameters",
    "custom_parameters",
    "dump_arguments",
    "form_call_arguments",
    "output_item_from_chat",
]


class FunctionForm(NamedTuple):
    """How one Responses tool type reads as a Chat function. (A named tuple, not a dataclass:
    a dataclass compiles its methods when the module loads, a millisecond of a cold start.)"""

    tool_type: str
    call_type: str
    """The Responses item type of its calls."""
    output_type: str
    """The Responses item type of their results."""
    name: str
    """The chat function name it asks for (the tool-name map makes it unique)."""
    description: str
    parameters: dict[str, Any]
    arguments_field: str
    """The call item field whose value the arguments are: ``action``, ``operation``."""
    id_prefix: str
    """The id prefix of the call items a stream translation makes."""
    output_defaults: Mapping[str, Any] = MappingProxyType({})
    """Fields an output item of the call must carry (required by the spec, but nullable)
    that the arguments may leave out; dicts are merged one level down."""


_STRING = {"type": "string"}

FUNCTION_FORMS: dict[str, FunctionForm] = {
    form.tool_type: form
    for form in (
        FunctionForm(
            tool_type="local_shell",
            call_type="local_shell_call",
            output_type="local_shell_call_output",
            name="local_shell",
            description="Runs a command on the user's machine and returns what it printed.",
            parameters={
                "type": "object",
                "properties": {
                    "command": {
                        "type": "array",
                        "items": _STRING,
                        "description": "The program and its arguments.",
                    },
                    "working_directory": _STRING,
                    "timeout_ms": {"type": "integer"},
                    "env": {"type": "object", "additionalProperties": _STRING},
                    "user": _STRING,
                },
                "required": ["command"],
            },
            arguments_field="action",
            id_prefix="lsh_",
        ),
        FunctionForm(
            tool_type="shell",
            call_type="shell_call",
            output_type="shell_call_output",
            name="shell",
            description="Runs shell commands and returns the output of each.",
            parameters={
                "type": "object",
                "properties": {
                    "commands": {"type": "array", "items": _STRING},
                    "timeout_ms": {"type": "integer"},
                    "max_output_length": {"type": "integer"},
                },
                "required": ["commands"],
            },
            arguments_field="action",
            id_prefix="sh_",
            output_defaults={
                "environment": None,
                "action": {"timeout_ms": None, "max_output_length": None},
            },
        ),
        FunctionForm(
            tool_type="apply_patch",
            call_type="apply_patch_call",
            output_type="apply_patch_call_output",
            name="apply_patch",
            description=(
                "Creates, updates or deletes one file. `diff` is the file's content for "
                "create_file and a V4A diff for update_file."
            ),
            parameters={
                "type": "object",
                "properties": {
                    "type": {
                        "type": "string",
                        "enum": ["create_file", "update_file", "delete_file"],
                    },
                    "path": _STRING,
                    "diff": _STRING,
                },
                "required": ["type", "path"],
            },
            arguments_field="operation",
            id_prefix="apc_",
        ),
    )
}
"""Responses tool types with a faithful function form, by tool type."""

_FREE_TEXT = "Free-form text."
_GRAMMAR = "Text in this {syntax} grammar:\n{definition}"
_GRAMMAR_RE = r"Text in this (\S+) grammar:\n(.*)"  # compiled (and cached by `re`) on first use


def custom_parameters(fmt: CustomToolFormat | None) -> dict[str, Any]:
    """The parameters of a custom tool's function form: one ``input`` string, whose
    description holds the tool's grammar."""
    if isinstance(fmt, CustomToolGrammarFormat):
        summary = _GRAMMAR.format(syntax=fmt.syntax, definition=fmt.definition)
    else:
        summary = _FREE_TEXT
    return {
        "type": "object",
        "properties": {"input": {"type": "string", "description": summary}},
        "required": ["input"],
        "additionalProperties": False,
    }


def custom_format_from_parameters(parameters: Any) -> dict[str, Any]:
    """The custom tool ``format`` a function form was made from."""
    try:
        summary = parameters["properties"]["input"]["description"]
    except (KeyError, TypeError):
        return CustomTextFormat().to_dict()
    found = re.fullmatch(_GRAMMAR_RE, summary, re.DOTALL) if isinstance(summary, str) else None
    if found is None:
        return CustomTextFormat().to_dict()
    return {"type": "grammar", "syntax": found[1], "definition": found[2]}


def dump_arguments(value: Any) -> str:
    """Arguments as Chat sends them: compact JSON text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _load_object(arguments: str) -> dict[str, Any] | None:
    try:
        loaded = json.loads(arguments)
    except ValueError:
        return None
    return loaded if isinstance(loaded, dict) else None


def call_item_from_chat(
    origin: ToolOrigin | None, call_id: str, name: str, arguments: str
) -> dict[str, Any]:
    """The Responses call item for a chat function call.

    ``origin`` is what the tool-name map says ``name`` stands for (``None``: a plain
    function). Arguments that do not fit the tool's form give a ``function_call`` with
    the original name, so nothing is lost.
    """
    if origin is None:
        return {"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments}
    if origin.tool_type == "custom":
        loaded = _load_object(arguments)
        text = loaded.get("input") if loaded is not None else None
        if text is None and loaded is not None and len(loaded) == 1:
            # A model that named the one string something else (`{"patch": "..."}`).
            text = next(iter(loaded.values()))
        item: dict[str, Any] = {
            "type": "custom_tool_call",
            "call_id": call_id,
            "name": origin.name,
            "input": text if isinstance(text, str) else arguments,
        }
    elif origin.tool_type in FUNCTION_FORMS:
        form = FUNCTION_FORMS[origin.tool_type]
        loaded = _load_object(arguments)
        if loaded is None:
            return {
                "type": "function_call",
                "call_id": call_id,
                "name": name,
                "arguments": arguments,
            }
        value = {"type": "exec", "env": {}, **loaded} if form.tool_type == "local_shell" else loaded
        return {"type": form.call_type, "call_id": call_id, form.arguments_field: value}
    else:
        item = {
            "type": "function_call",
            "call_id": call_id,
            "name": origin.name,
            "arguments": arguments,
        }
    if origin.namespace is not None:
        item["namespace"] = origin.namespace
    return item


def form_call_arguments(item: Any) -> tuple[FunctionForm, str]:
    """The function form of a ``local_shell_call``, ``shell_call`` or ``apply_patch_call``
    item, and the chat arguments it stands for (its action or operation)."""
    form = FUNCTION_FORMS[item.type.removesuffix("_call")]
    value = getattr(item, form.arguments_field).to_dict()
    if form.tool_type == "local_shell":
        value.pop("type", None)
    return form, dump_arguments(value)


def output_item_from_chat(
    call_type: str, call_id: str, output: str | list[dict[str, Any]]
) -> dict[str, Any]:
    """The Responses output item answering a call of ``call_type``, from a chat tool
    message's content (a string, or Responses content parts already converted)."""
    text = (
        output
        if isinstance(output, str)
        else "".join(p.get("text", "") for p in output if p.get("type") == "input_text")
    )
    if call_type == "custom_tool_call":
        return {"type": "custom_tool_call_output", "call_id": call_id, "output": output}
    if call_type == "local_shell_call":
        return {"type": "local_shell_call_output", "call_id": call_id, "output": text}
    if call_type == "apply_patch_call":
        return {
            "type": "apply_patch_call_output",
            "call_id": call_id,
            "status": "completed",
            "output": text,
        }
    if call_type == "shell_call":
        try:
            chunks = json.loads(text)
        except ValueError:
            chunks = None
        if not (isinstance(chunks, list) and all(isinstance(c, dict) for c in chunks)):
            chunks = [{"stdout": text, "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}]
        return {"type": "shell_call_output", "call_id": call_id, "output": chunks}
    return {"type": "function_call_output", "call_id": call_id, "output": output}

"""A Responses request as a Chat Completions request.

This module maps the format; what one backend accepts (roles, reasoning field, max-tokens
field, effort values, optional fields, tool-choice forms) is applied afterwards by
``_normalize``. The output is JSON-ready data built once, with no model per message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from .._errors import quoted
from .._model import WireModel
from .._reasoning_envelope import open_envelope
from .._toolnames import ToolNameMap
from ..responses._items import (
    AdditionalTools,
    CustomToolCall,
    CustomToolCallOutput,
    FunctionCall,
    FunctionCallOutput,
    Message,
    ReasoningItem,
)
from ..responses._request import (
    ResponsesRequest,
    TextFormatJSONObject,
    TextFormatJSONSchema,
    TextFormatText,
)
from ..responses._tools import (
    CustomTool,
    FunctionTool,
    NamespaceTool,
    ToolChoice,
    WebSearchPreviewTool,
    WebSearchTool,
    parse_tool,
)
from ._content import TEXT_PARTS, to_chat_assistant_content, to_chat_content
from ._context import Recorder
from ._fieldmaps import (
    INCLUDE_WITHOUT_CHAT_FORM,
    ITEMS_WITHOUT_CHAT_FORM,
    RESPONSES_TO_CHAT_COPY,
    RESPONSES_TO_CHAT_DROP,
    TOOL_CHOICES_WITHOUT_CHAT_FORM,
    TOOLS_WITHOUT_CHAT_FORM,
)
from ._input_chunks import InputChunks
from ._toolforms import FUNCTION_FORMS, custom_parameters, dump_arguments, form_call_arguments

if TYPE_CHECKING:
    from ..responses._item_union import Item
    from ..responses._shell_items import (
        ApplyPatchCall,
        ApplyPatchCallOutput,
        LocalShellCall,
        LocalShellCallOutput,
        ShellCall,
        ShellCallOutput,
    )
    from ..responses._tool_choices import AllowedToolsChoice, CustomToolChoice, FunctionToolChoice
    from ..responses._tool_union import Tool

__all__ = ["Segment", "responses_to_chat"]

Segment = tuple[str, "Sequence[Item] | InputChunks"]
"""Items and the name of the list they came from (``input``, ``previous_items``)."""


def _additional_tools(
    items: Sequence[Item] | InputChunks,
) -> Iterator[tuple[int, AdditionalTools]]:
    """The ``additional_tools`` items, with their positions (of chunked input, only those are
    validated)."""
    found = items.tagged("additional_tools") if isinstance(items, InputChunks) else enumerate(items)
    for n, item in found:
        if type(item) is AdditionalTools:
            yield n, item


# Item fields that carry nothing a chat backend could use; never noted.
_IGNORED = frozenset({"type", "id", "status", "created_by"})
_LOSSLESS_ITEM_FIELDS = frozenset({"phase"})
_REASONING_JOINER = "\n\n"
_NO_REASONING_FIELD = "the backend has no field for reasoning on history messages"
_EMPTY_PARAMETERS: dict[str, Any] = {"type": "object", "properties": {}}


def _drop_unused(item: WireModel, used: frozenset[str], path: str, rec: Recorder) -> None:
    """Note the fields of ``item`` that ``used`` (which holds the ignored ones too) leaves."""
    rest = item.__pydantic_fields_set__ - used
    if not rest:
        return
    for name in sorted(rest):
        if getattr(item, name, None) is None and name in type(item).model_fields:
            continue
        rec.drop(
            f"{path}.{name}",
            f"a {type(item).__name__} field with no Chat form",
            "translate.item.field",
            lossy=name not in _LOSSLESS_ITEM_FIELDS,
        )


class _History:
    """Builds Chat messages from Responses items, one pass, in order.

    Consecutive calls merge into one assistant message (parallel calls). Reasoning waits
    for the assistant output that follows it and rides on that message.
    """

    def __init__(self, rec: Recorder, names: ToolNameMap, reasoning_key: str | None) -> None:
        self.rec = rec
        self.names = names
        self.reasoning_key = reasoning_key
        """The assistant message field reasoning goes in; ``None``: the backend has none."""
        self.messages: list[dict[str, Any]] = []
        self.open: dict[str, Any] | None = None
        """The assistant message still taking tool calls."""
        self.pending: list[str] = []
        self.pending_paths: list[str] = []
        self.encrypted: list[str] = []
        """Paths of the encrypted reasoning left out, noted once at the end."""
        self.unplaced: list[str] = []
        """Paths of reasoning the backend has no field for, noted once at the end."""

    # -- assistant turns --------------------------------------------------------------------

    def _take_reasoning(self, message: dict[str, Any]) -> None:
        if not self.pending:
            return
        key = self.reasoning_key
        assert key is not None  # nothing is pending without a field to put it in
        text = _REASONING_JOINER.join(self.pending)
        before = message.get(key)
        message[key] = f"{before}{_REASONING_JOINER}{text}" if before else text
        self.pending.clear()
        self.pending_paths.clear()

    def _start_assistant(self, message: dict[str, Any]) -> None:
        self._take_reasoning(message)
        self.messages.append(message)
        self.open = message

    def finish(self) -> None:
        """End the history: one note for every encrypted reasoning left out."""
        self.close()
        self._drop_all(
            self.encrypted,
            ".encrypted_content",
            "encrypted reasoning is never sent to a chat backend: only OpenAI can read it",
            "translate.reasoning.encrypted_content",
            lossy=False,
        )
        self._drop_all(
            self.unplaced, "", _NO_REASONING_FIELD, "translate.reasoning.no_field", lossy=True
        )

    def _drop_all(self, paths: list[str], suffix: str, reason: str, code: str, lossy: bool) -> None:
        """One note per input list for a drop that repeats item after item, its paths in
        ``detail["paths"]``."""
        by_list: dict[str, list[str]] = {}
        for path in paths:
            by_list.setdefault(path.partition("[")[0], []).append(path)
        for field, group in by_list.items():
            where = group[0] if len(group) == 1 else f"{field}[*]{suffix}"
            self.rec.drop(where, reason, code, lossy=lossy, paths=group)

    def close(self) -> None:
        """End the open assistant turn; reasoning that no output followed is dropped."""
        self.open = None
        if not self.pending:
            return
        for path in self.pending_paths:
            self.rec.drop(
                path,
                "reasoning with no assistant output after it has no Chat message to ride on",
                "translate.reasoning.unattached",
            )
        self.pending.clear()
        self.pending_paths.clear()

    def _call(self, call_id: str, name: str, arguments: str) -> None:
        call = {
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": arguments},
        }
        if self.open is None:
            self._start_assistant({"role": "assistant", "content": None, "tool_calls": [call]})
            return
        self._take_reasoning(self.open)
        calls = self.open.get("tool_calls")
        if calls is None:
            self.open["tool_calls"] = [call]
        else:
            calls.append(call)

    def _tool_result(self, call_id: str | None, content: Any, path: str) -> None:
        self.close()
        if call_id is None:
            self.rec.change(
                f"{path}.call_id",
                "a tool output with no call_id: sent with an empty tool_call_id",
                "translate.item.no_call_id",
                lossy=True,
            )
        self.messages.append({"role": "tool", "tool_call_id": call_id or "", "content": content})

    # -- items ------------------------------------------------------------------------------

    def add(self, item: Item, path: str) -> None:
        known = _HANDLERS.get(item.type)
        if known is not None:
            handler, used = known
            if used is not None and not item.__pydantic_fields_set__ <= used:
                _drop_unused(item, used, path, self.rec)
            handler(self, item, path)
            return
        reason = ITEMS_WITHOUT_CHAT_FORM.get(item.type or "item_reference")
        if reason is None:
            self.rec.drop(
                path,
                f"an item of unknown type {quoted(item.type)}",
                "translate.item.unknown",
                item_type=item.type,
            )
        else:
            self.rec.drop(path, reason, "translate.item.no_chat_form", item_type=item.type)

    def message(self, item: Message, path: str) -> None:
        role = item.role
        if role == "assistant":
            content, refusal = to_chat_assistant_content(item.content, path, self.rec)
            message: dict[str, Any] = {"role": "assistant", "content": content}
            if refusal is not None:
                message["refusal"] = refusal
            elif content is None:
                message["content"] = ""
            self._start_assistant(message)
        elif role in ("user", "system", "developer"):
            self.close()
            content = to_chat_content(item.content, path, "content", self.rec)
            self.messages.append({"role": role, "content": content})
        else:
            self.rec.drop(
                path,
                f"a message with role {quoted(role)} has no Chat form",
                "translate.item.role",
                role=role,
            )

    def reasoning(self, item: ReasoningItem, path: str) -> None:
        envelope = open_envelope(item.encrypted_content)
        if item.encrypted_content is not None and envelope is None:
            self.encrypted.append(f"{path}.encrypted_content")
        parts = item.content or item.summary
        texts = [p.text for p in parts if type(p) in TEXT_PARTS]  # type: ignore[union-attr]
        if envelope is not None:
            # What the backend sent, word for word (a client may keep only the summary).
            texts = [envelope.text]
        if not texts:
            return
        if self.reasoning_key is None:
            if self.rec.strict:
                self.rec.drop(path, _NO_REASONING_FIELD, "translate.reasoning.no_field")
            self.unplaced.append(path)
            return
        self.pending.append(_REASONING_JOINER.join(texts))
        self.pending_paths.append(path)

    def function_call(self, item: FunctionCall, path: str) -> None:
        self._call(
            item.call_id, self.names.add_tool(item.name, "function", item.namespace), item.arguments
        )

    def custom_tool_call(self, item: CustomToolCall, path: str) -> None:
        name = self.names.add_tool(item.name, "custom", item.namespace)
        self._call(item.call_id, name, dump_arguments({"input": item.input}))

    def form_call(self, item: LocalShellCall | ShellCall | ApplyPatchCall, path: str) -> None:
        form, arguments = form_call_arguments(item)
        self._call(item.call_id, self.names.add_tool(form.name, form.tool_type), arguments)

    def function_call_output(
        self, item: FunctionCallOutput | CustomToolCallOutput, path: str
    ) -> None:
        content = to_chat_content(item.output, path, "output", self.rec)
        self._tool_result(item.call_id, content, path)

    def local_shell_call_output(self, item: LocalShellCallOutput, path: str) -> None:
        # Its `id` is the call's id when `call_id` is absent (see the spec).
        self._tool_result(item.call_id or item.id, item.output or "", path)

    def shell_call_output(self, item: ShellCallOutput, path: str) -> None:
        chunks = [chunk.to_dict() for chunk in item.output]
        self._tool_result(item.call_id, dump_arguments(chunks), path)

    def apply_patch_call_output(self, item: ApplyPatchCallOutput, path: str) -> None:
        self._tool_result(item.call_id, item.output or item.status or "", path)

    def additional_tools(self, item: AdditionalTools, path: str) -> None:
        """Read with the tools (see :func:`_tools`); nothing stands here in the history."""


_MESSAGE_FIELDS = _IGNORED | frozenset({"role", "content"})
_REASONING_FIELDS = _IGNORED | frozenset({"summary", "content", "encrypted_content"})
_FUNCTION_CALL_FIELDS = _IGNORED | frozenset({"call_id", "name", "arguments", "input", "namespace"})
_FORM_CALL_FIELDS = _IGNORED | frozenset({"call_id", "action", "operation"})
_OUTPUT_FIELDS = _IGNORED | frozenset({"call_id", "output", "name", "namespace"})

_SHELL_OUTPUT_FIELDS = _OUTPUT_FIELDS | {"max_output_length"}

# Keyed by the `type` tag (a known tag always parses into its class): the handler, and the
# fields it reads (the rest are noted as dropped; None: no check). Tags, not classes, so
# that the shell and patch items' module loads only with a body that holds one.
_HANDLERS: dict[str | None, tuple[Any, frozenset[str] | None]] = {
    "message": (_History.message, _MESSAGE_FIELDS),
    "reasoning": (_History.reasoning, _REASONING_FIELDS),
    "function_call": (_History.function_call, _FUNCTION_CALL_FIELDS),
    "function_call_output": (_History.function_call_output, _OUTPUT_FIELDS),
    "custom_tool_call": (_History.custom_tool_call, _FUNCTION_CALL_FIELDS),
    "custom_tool_call_output": (_History.function_call_output, _OUTPUT_FIELDS),
    "local_shell_call": (_History.form_call, _FORM_CALL_FIELDS),
    "shell_call": (_History.form_call, _FORM_CALL_FIELDS),
    "apply_patch_call": (_History.form_call, _FORM_CALL_FIELDS),
    "local_shell_call_output": (_History.local_shell_call_output, _OUTPUT_FIELDS),
    "shell_call_output": (_History.shell_call_output, _SHELL_OUTPUT_FIELDS),
    "apply_patch_call_output": (_History.apply_patch_call_output, _OUTPUT_FIELDS),
    "additional_tools": (_History.additional_tools, None),
}


# --- tools ---------------------------------------------------------------------------------


def _function(name: str, description: str | None, parameters: dict[str, Any]) -> dict[str, Any]:
    function: dict[str, Any] = {"name": name}
    if description is not None:
        function["description"] = description
    function["parameters"] = parameters
    return {"type": "function", "function": function}


def _function_tool(tool: FunctionTool, name: str, path: str, rec: Recorder) -> dict[str, Any]:
    parameters = tool.parameters
    if not parameters or "type" not in parameters:
        rec.add(
            f"{path}.parameters",
            "Chat functions take an object schema: added `type: object`",
            "translate.tools.parameters",
        )
        parameters = {**_EMPTY_PARAMETERS, **(parameters or {})}
    out = _function(name, tool.description, parameters)
    if tool.strict is not None:
        out["function"]["strict"] = tool.strict
    _drop_tool_fields(tool, _FUNCTION_TOOL_FIELDS, path, rec)
    return out


_FUNCTION_TOOL_FIELDS = frozenset({"type", "name", "description", "parameters", "strict"})
_CUSTOM_TOOL_FIELDS = frozenset({"type", "name", "description", "format"})
_WEB_SEARCH_FIELDS = frozenset(
    {
        "type",
        "search_context_size",
        "user_location",
        "filters",
        "external_web_access",
        "search_content_types",
    }
)
# Hints for the Responses server about when or how a tool is used; the tool works without.
_LOSSLESS_TOOL_FIELDS = frozenset({"defer_loading", "output_schema", "allowed_callers"})


def _drop_tool_fields(tool: WireModel, used: frozenset[str], path: str, rec: Recorder) -> None:
    if tool.__pydantic_fields_set__ <= used:
        return
    for field in sorted(tool.__pydantic_fields_set__ - used):
        if getattr(tool, field, None) is None:
            continue
        rec.drop(
            f"{path}.{field}",
            f"a {tool.type} tool field with no Chat form",  # type: ignore[attr-defined]
            "translate.tools.field",
            lossy=field not in _LOSSLESS_TOOL_FIELDS,
        )


def _custom_tool(tool: CustomTool, name: str, path: str, rec: Recorder) -> dict[str, Any]:
    _drop_tool_fields(tool, _CUSTOM_TOOL_FIELDS, path, rec)
    return _function(name, tool.description, custom_parameters(tool.format))


def _web_search_options(
    tool: WebSearchTool | WebSearchPreviewTool, path: str, rec: Recorder
) -> dict[str, Any]:
    _drop_tool_fields(tool, _WEB_SEARCH_FIELDS, path, rec)
    options: dict[str, Any] = {}
    if tool.search_context_size is not None:
        options["search_context_size"] = tool.search_context_size
    location = tool.user_location
    if location is not None:
        approximate = location.to_dict()
        approximate.pop("type", None)
        options["user_location"] = {"type": "approximate", "approximate": approximate}
    if isinstance(tool, WebSearchTool):
        if tool.filters is not None:
            rec.drop(
                f"{path}.filters",
                "Chat web search cannot be limited to domains",
                "translate.tools.web_search",
            )
        if tool.external_web_access is False:
            rec.drop(
                f"{path}.external_web_access",
                "Chat web search always reaches the live web",
                "translate.tools.web_search",
            )
    elif tool.search_content_types is not None:
        rec.drop(
            f"{path}.search_content_types",
            "Chat web search has no content types",
            "translate.tools.web_search",
        )
    return options


def _tools(
    listed: Iterable[tuple[str, Tool]], rec: Recorder, names: ToolNameMap
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Chat function tools and ``web_search_options``, in the order given."""
    tools = list(listed)
    # Plain functions pick their names first, so flattened names never take theirs.
    for _, tool in tools:
        if isinstance(tool, FunctionTool):
            names.add_tool(tool.name)
    out: list[dict[str, Any]] = []
    web_search: dict[str, Any] | None = None
    for path, tool in tools:
        if isinstance(tool, FunctionTool):
            out.append(_function_tool(tool, names.add_tool(tool.name), path, rec))
        elif isinstance(tool, CustomTool):
            out.append(_custom_tool(tool, names.add_tool(tool.name, "custom"), path, rec))
        elif isinstance(tool, NamespaceTool):
            out.extend(_namespace(tool, path, rec, names))
        elif tool.type in FUNCTION_FORMS:
            form = FUNCTION_FORMS[tool.type]
            name = names.add_tool(form.name, form.tool_type)
            out.append(_function(name, form.description, form.parameters))
        elif isinstance(tool, (WebSearchTool, WebSearchPreviewTool)):
            if web_search is not None:
                rec.drop(path, "Chat takes one web search setting", "translate.tools.web_search")
                continue
            web_search = _web_search_options(tool, path, rec)
            rec.change(
                path,
                "web search is a request setting in Chat: `web_search_options`",
                "translate.tools.web_search",
            )
        else:
            reason = TOOLS_WITHOUT_CHAT_FORM.get(tool.type)
            rec.drop(
                path,
                reason or f"a tool of unknown type {quoted(tool.type)}",
                "translate.tools.no_chat_form" if reason else "translate.tools.unknown",
                tool_type=tool.type,
            )
    return out, web_search


def _namespace(
    tool: NamespaceTool, path: str, rec: Recorder, names: ToolNameMap
) -> list[dict[str, Any]]:
    out = []
    flat = []
    for n, member in enumerate(tool.tools):
        where = f"{path}.tools[{n}]"
        if isinstance(member, FunctionTool):
            name = names.add_tool(member.name, "function", tool.name)
            out.append(_function_tool(member, name, where, rec))
        elif isinstance(member, CustomTool):
            name = names.add_tool(member.name, "custom", tool.name)
            out.append(_custom_tool(member, name, where, rec))
        else:
            rec.drop(
                where,
                f"a {quoted(member.type)} tool in a namespace has no Chat form",
                "translate.tools.unknown",
                tool_type=member.type,
            )
            continue
        flat.append(name)
    rec.change(
        path,
        f"namespace {quoted(tool.name)} flattened into functions {', '.join(flat)}; "
        "its description is not sent",
        "translate.tools.namespace",
        functions=flat,
    )
    return out


# --- tool_choice ---------------------------------------------------------------------------


def _named(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name}}


def _allowed_entry(entry: dict[str, Any], names: ToolNameMap) -> dict[str, Any] | None:
    kind = entry.get("type")
    name = entry.get("name")
    if kind in ("function", "custom") and isinstance(name, str):
        return _named(names.add_tool(name, kind, entry.get("namespace")))
    if isinstance(kind, str) and kind in FUNCTION_FORMS:
        return _named(names.add_tool(FUNCTION_FORMS[kind].name, kind))
    return None


def _tool_choice(choice: ToolChoice, rec: Recorder, names: ToolNameMap) -> Any:
    """The Chat ``tool_choice``, or ``None`` when it has no Chat form."""
    if isinstance(choice, str):
        if choice in ("auto", "none", "required"):
            return choice
        rec.drop("tool_choice", f"unknown tool_choice {quoted(choice)}", "translate.tool_choice")
        return None
    # By tag, which always parses into its class: the classes load only with such a choice.
    kind = choice.type
    if kind == "function":
        function = cast("FunctionToolChoice", choice)
        if function.name is None:
            rec.change(
                "tool_choice",
                "a function choice with no name asks for some function: 'required'",
                "translate.tool_choice",
            )
            return "required"
        return _named(names.add_tool(function.name))
    if kind == "custom":
        return _named(names.add_tool(cast("CustomToolChoice", choice).name, "custom"))
    if kind in ("apply_patch", "shell"):
        form = FUNCTION_FORMS[kind]
        return _named(names.add_tool(form.name, form.tool_type))
    if kind == "allowed_tools":
        subset = cast("AllowedToolsChoice", choice)
        allowed = []
        for n, entry in enumerate(subset.tools):
            converted = _allowed_entry(entry, names)
            if converted is None:
                rec.drop(
                    f"tool_choice.tools[{n}]",
                    "the tool it allows has no Chat form",
                    "translate.tool_choice",
                )
            else:
                allowed.append(converted)
        mode = subset.mode or "auto"
        if not allowed or mode == "none":
            return "none"
        return {"type": "allowed_tools", "allowed_tools": {"mode": mode, "tools": allowed}}
    reason = TOOL_CHOICES_WITHOUT_CHAT_FORM.get(kind or "")
    rec.drop(
        "tool_choice",
        reason or f"a tool_choice of type {quoted(kind)} has no Chat form",
        "translate.tool_choice",
    )
    return None


# --- the request ---------------------------------------------------------------------------


def _response_format(req: ResponsesRequest, out: dict[str, Any], rec: Recorder) -> None:
    text = req.text
    if text is None:
        return
    fmt = text.format
    if fmt is not None:
        kind = type(fmt)
        if kind is TextFormatText:
            out["response_format"] = {"type": "text"}
        elif kind is TextFormatJSONObject:
            out["response_format"] = {"type": "json_object"}
        elif kind is TextFormatJSONSchema:
            schema: dict[str, Any] = {"name": fmt.name or "response"}  # type: ignore[union-attr]
            if fmt.name is None:  # type: ignore[union-attr]
                rec.add(
                    "text.format.name",
                    "Chat json_schema needs a name: 'response'",
                    "translate.text.format",
                )
            dumped = fmt.to_dict()
            for key in ("description", "schema", "strict"):
                if key in dumped:
                    schema[key] = dumped[key]
            out["response_format"] = {"type": "json_schema", "json_schema": schema}
        else:
            rec.drop(
                "text.format",
                f"a text format of type {quoted(fmt.type)} has no Chat form",
                "translate.text.format",
            )
    if text.verbosity is not None:
        out["verbosity"] = text.verbosity
    for field in sorted(text.model_fields_set - {"format", "verbosity"}):
        rec.drop(f"text.{field}", "a text setting with no Chat form", "translate.text.field")


def _reasoning(req: ResponsesRequest, out: dict[str, Any], rec: Recorder) -> None:
    reasoning = req.reasoning
    if reasoning is None:
        return
    if reasoning.effort is not None:
        out["reasoning_effort"] = reasoning.effort
    for field in sorted(reasoning.model_fields_set - {"effort"}):
        if getattr(reasoning, field, None) is None:
            continue
        rec.drop(
            f"reasoning.{field}",
            "chat backends send their reasoning as it is: there is no summary or context setting"
            if field in ("summary", "generate_summary", "context")
            else "a reasoning setting with no Chat form",
            "translate.reasoning.setting",
            lossy=field not in ("summary", "generate_summary", "context"),
        )


def _include(req: ResponsesRequest, out: dict[str, Any], rec: Recorder) -> None:
    for n, value in enumerate(req.include or ()):
        if value == "message.output_text.logprobs":
            out["logprobs"] = True
            continue
        drop = INCLUDE_WITHOUT_CHAT_FORM.get(value)
        rec.drop(
            f"include[{n}]",
            drop.reason if drop else f"chat backends cannot include {quoted(value)}",
            "translate.include",
            lossy=drop.lossy if drop else True,
        )


def responses_to_chat(
    req: ResponsesRequest,
    segments: Sequence[Segment],
    rec: Recorder,
    names: ToolNameMap,
    *,
    reasoning_key: str | None,
) -> dict[str, Any]:
    """The Chat Completions body for ``req``, whose history is ``segments``; reasoning goes
    into ``reasoning_key`` on assistant messages (dropped with a note when ``None``)."""
    out: dict[str, Any] = {}
    given = req.model_fields_set
    if "model" in given:
        out["model"] = req.model
    out["messages"] = messages = []

    # Tools first: their names are taken before the history's calls ask for them.
    listed: list[tuple[str, Tool]] = [(f"tools[{n}]", t) for n, t in enumerate(req.tools or ())]
    for field, items in segments:
        for n, extra in _additional_tools(items):
            rec.move(
                f"{field}[{n}]",
                "tools sent as an input item join the request's tools",
                "translate.tools.additional",
            )
            listed.extend(
                (f"{field}[{n}].tools[{m}]", parse_tool(raw)) for m, raw in enumerate(extra.tools)
            )
    tools, web_search = _tools(listed, rec, names)

    if req.instructions:
        messages.append({"role": "system", "content": req.instructions})
    history = _History(rec, names, reasoning_key)
    history.messages = messages
    for field, items in segments:
        for n, item in enumerate(items):
            history.add(item, f"{field}[{n}]")
    history.finish()

    if tools:
        out["tools"] = tools
        if req.tool_choice is not None:
            choice = _tool_choice(req.tool_choice, rec, names)
            if choice is not None:
                out["tool_choice"] = choice
    else:
        for field in ("tool_choice", "parallel_tool_calls"):
            if getattr(req, field) is not None:
                rec.drop(
                    field,
                    "no tools are sent, and backends reject it without tools",
                    "translate.tools.none",
                    lossy=False,
                )
    if web_search is not None:
        out["web_search_options"] = web_search

    _response_format(req, out, rec)
    _reasoning(req, out, rec)
    _include(req, out, rec)
    if req.top_logprobs is not None:
        out["logprobs"] = True
        out["top_logprobs"] = req.top_logprobs

    for field in ResponsesRequest.model_fields:
        if field not in given:
            continue
        target = RESPONSES_TO_CHAT_COPY.get(field)
        if target is not None:
            if field in ("model", "parallel_tool_calls") or target in out:
                continue
            value = getattr(req, field)
            out[target] = value.to_dict() if isinstance(value, WireModel) else value
            continue
        drop = RESPONSES_TO_CHAT_DROP.get(field)
        if drop is not None and getattr(req, field) is not None:
            rec.drop(field, drop.reason, "translate.field", lossy=drop.lossy)
    if tools and req.parallel_tool_calls is not None:
        out["parallel_tool_calls"] = req.parallel_tool_calls

    if req.stream:
        options: dict[str, Any] = {"include_usage": True}
        if req.stream_options is not None and req.stream_options.include_obfuscation is not None:
            options["include_obfuscation"] = req.stream_options.include_obfuscation
        out["stream_options"] = options
    elif req.stream_options is not None:
        rec.drop(
            "stream_options",
            "stream options apply to streams only",
            "translate.field",
            lossy=False,
        )

    for field, value in (req.__pydantic_extra__ or {}).items():
        out[field] = value
        rec.keep(
            field,
            "not a Responses field wireshift knows: sent as it came",
            "translate.field.unknown",
        )
    return out

"""A Chat Completions request as a Responses request.

This module maps the format; the backend's rules (hoisting system messages into
``instructions``, forced streaming, dropped fields...) are applied afterwards by
``_normalize``. With the :class:`~wireshift.ToolNameMap` of an earlier Responses -> Chat
translation, flattened namespace tools, custom tools and shell or patch tools come back as
they were.
"""

from __future__ import annotations

from typing import Any, cast

from .._errors import quoted
from .._model import WireModel
from .._toolnames import ToolNameMap, ToolOrigin
from ..chat._messages import (
    AssistantMessage,
    ChatContentPart,
    ChatCustomToolCall,
    ChatFilePart,
    ChatImagePart,
    ChatInputAudioPart,
    ChatRefusalPart,
    ChatTextPart,
    ChatToolCall,
    DeveloperMessage,
    FunctionMessage,
    SystemMessage,
    ToolMessage,
    UserMessage,
)
from ..chat._request import (
    ChatAllowedToolsChoice,
    ChatCompletionRequest,
    ChatCustomTool,
    ChatCustomToolChoice,
    ChatCustomToolGrammarFormat,
    ChatCustomToolTextFormat,
    ChatFunctionDefinition,
    ChatFunctionTool,
    ChatFunctionToolChoice,
    ChatJSONObjectResponseFormat,
    ChatJSONSchemaResponseFormat,
    ChatTextResponseFormat,
    ChatToolChoice,
)
from ._context import Recorder
from ._fieldmaps import CHAT_TO_RESPONSES_COPY, CHAT_TO_RESPONSES_DROP
from ._toolforms import (
    FUNCTION_FORMS,
    call_item_from_chat,
    custom_format_from_parameters,
    output_item_from_chat,
)

__all__ = ["chat_to_responses"]

_LOGPROBS_INCLUDE = "message.output_text.logprobs"


class _Input:
    """Builds Responses input items from Chat messages, one pass, in order."""

    def __init__(self, rec: Recorder, names: ToolNameMap | None) -> None:
        self.rec = rec
        self.names = names
        self.items: list[dict[str, Any]] = []
        self.call_types: dict[str, str] = {}
        """The Responses item type of each call, by call id: its output must match."""
        self.legacy: dict[str, list[str]] = {}
        """Call ids made up for legacy ``function_call`` turns, by function name."""
        self.made_up = 0

    def _made_up_id(self, path: str, why: str) -> str:
        self.made_up += 1
        call_id = f"call_wireshift_{self.made_up}"
        self.rec.add(path, f"{why}: call id {quoted(call_id)} made up", "translate.call_id")
        return call_id

    def _drop_name(self, path: str) -> None:
        self.rec.drop(
            f"{path}.name",
            "Responses messages have no participant names",
            "translate.message.name",
        )

    def add(self, message: Any, path: str) -> None:
        kind = type(message)
        extra = message.__pydantic_extra__
        if extra:
            for key, value in extra.items():
                if value not in (None, "", [], {}):
                    self.rec.drop(
                        f"{path}.{key}",
                        "a message field with no Responses form",
                        "translate.message.field",
                    )
        if kind is UserMessage or kind is SystemMessage or kind is DeveloperMessage:
            if message.name is not None:
                self._drop_name(path)
            content = self._content(message.content, False, path)
            self.items.append({"type": "message", "role": message.role, "content": content})
        elif kind is AssistantMessage:
            self.assistant(message, path)
        elif kind is ToolMessage:
            call_id = message.tool_call_id
            content = self._content(message.content, False, path)
            call_type = self.call_types.get(call_id, "function_call")
            self.items.append(output_item_from_chat(call_type, call_id, content))
        elif kind is FunctionMessage:
            queue = self.legacy.get(message.name)
            call_id = (
                queue.pop(0)
                if queue
                else self._made_up_id(path, "a function result with no call before it")
            )
            self.items.append(
                {
                    "type": "function_call_output",
                    "call_id": call_id,
                    "output": message.content or "",
                }
            )
        else:
            self.rec.drop(
                path,
                f"a message with role {quoted(message.role)} has no Responses form",
                "translate.message.role",
                role=message.role,
            )

    def _content(self, content: Any, assistant: bool, path: str) -> str | list[dict[str, Any]]:
        """``content`` of the message at ``path`` (part paths are made only for notes)."""
        if content is None:
            content = ""
        if isinstance(content, str) and not assistant:
            return content
        return to_responses_content(
            content, assistant=assistant, path=f"{path}.content", rec=self.rec
        )

    def assistant(self, message: AssistantMessage, path: str) -> None:
        if message.name is not None:
            self._drop_name(path)
        reasoning = message.reasoning_content or message.reasoning
        if reasoning:
            self.items.append(
                {
                    "type": "reasoning",
                    "summary": [],
                    "content": [{"type": "reasoning_text", "text": reasoning}],
                }
            )
        if message.reasoning_details is not None:
            self.rec.drop(
                f"{path}.reasoning_details",
                "Responses reasoning items carry text, not OpenRouter reasoning details",
                "translate.reasoning.details",
                lossy=not reasoning,
            )
        if message.audio is not None:
            self.rec.drop(
                f"{path}.audio",
                "the Responses API has no audio history",
                "translate.message.audio",
            )
        parts: list[dict[str, Any]] = []
        if message.content is not None:
            converted = self._content(message.content, True, path)
            parts = converted if isinstance(converted, list) else []
        if message.refusal is not None:
            parts.append({"type": "refusal", "refusal": message.refusal})
        calls = message.tool_calls or ()
        if calls or message.function_call is not None:
            # `content: ""` next to tool calls is how Chat says "no text".
            parts = [p for p in parts if p.get("text") != ""]
            if parts:
                self.items.append({"type": "message", "role": "assistant", "content": parts})
        else:
            if not parts:
                parts = [{"type": "output_text", "text": "", "annotations": []}]
            self.items.append({"type": "message", "role": "assistant", "content": parts})
        for n, call in enumerate(calls):
            self._tool_call(call, path, n)
        if message.function_call is not None:
            where = f"{path}.function_call"
            name = message.function_call.name
            call_id = self._made_up_id(where, "legacy function calls have no id")
            self.legacy.setdefault(name, []).append(call_id)
            self.call_types[call_id] = "function_call"
            self.items.append(
                {
                    "type": "function_call",
                    "call_id": call_id,
                    "name": name,
                    "arguments": message.function_call.arguments,
                }
            )

    def _tool_call(self, call: Any, message_path: str, n: int) -> None:
        path = f"{message_path}.tool_calls[{n}]"
        # An unknown kind of call declares no id (it may still carry one, of any type).
        raw_id = getattr(call, "id", None)
        call_id = raw_id if isinstance(raw_id, str) and raw_id else None
        if type(call) is ChatToolCall:
            call_id = call_id or self._made_up_id(path, "a tool call with no id")
            name = call.function.name
            origin = self.names.restore(name) if self.names is not None else None
            item = call_item_from_chat(origin, call_id, name, call.function.arguments)
        elif type(call) is ChatCustomToolCall:
            call_id = call_id or self._made_up_id(path, "a tool call with no id")
            item = {
                "type": "custom_tool_call",
                "call_id": call_id,
                "name": call.custom.name,
                "input": call.custom.input,
            }
        else:
            self.rec.drop(
                path,
                f"a tool call of type {quoted(call.type)} has no Responses form",
                "translate.tool_call.unknown",
            )
            return
        self.call_types[call_id] = item["type"]
        self.items.append(item)


# --- content -------------------------------------------------------------------------------


def _to_responses_part(
    part: ChatContentPart, *, assistant: bool, path: str, rec: Recorder
) -> dict[str, Any] | None:
    kind = type(part)
    if kind is ChatTextPart:
        text = cast(ChatTextPart, part).text
        if assistant:
            return {"type": "output_text", "text": text, "annotations": []}
        return {"type": "input_text", "text": text}
    if kind is ChatRefusalPart:
        if assistant:
            return {"type": "refusal", "refusal": cast(ChatRefusalPart, part).refusal or ""}
    elif not assistant:
        if kind is ChatImagePart:
            image = cast(ChatImagePart, part).image_url
            out: dict[str, Any] = {"type": "input_image", "image_url": image.url}
            if image.detail is not None:
                out["detail"] = image.detail
            return out
        if kind is ChatInputAudioPart:
            audio = cast(ChatInputAudioPart, part).input_audio
            return {
                "type": "input_audio",
                "input_audio": {"data": audio.data, "format": audio.format},
            }
        if kind is ChatFilePart:
            return {"type": "input_file", **cast(ChatFilePart, part).file.to_dict()}
    rec.drop(
        path,
        f"a {quoted(part.type)} part has no Responses form here",
        "translate.content.part",
        part_type=part.type,
    )
    return None


def to_responses_content(
    content: str | list[ChatContentPart], *, assistant: bool, path: str, rec: Recorder
) -> str | list[dict[str, Any]]:
    """Chat content as Responses content: text becomes ``input_text`` (``output_text`` on
    assistant turns), image_url ``input_image``, file ``input_file``, audio stays audio."""
    if isinstance(content, str):
        if assistant:
            return [{"type": "output_text", "text": content, "annotations": []}]
        return content
    out = []
    for n, part in enumerate(content):
        converted = _to_responses_part(part, assistant=assistant, path=f"{path}[{n}]", rec=rec)
        if converted is not None:
            out.append(converted)
    return out


# --- tools ---------------------------------------------------------------------------------


def _function_tool(function: ChatFunctionDefinition, name: str | None = None) -> dict[str, Any]:
    tool: dict[str, Any] = {"type": "function", "name": name or function.name}
    dumped = function.to_dict()
    for key in ("description", "parameters", "strict"):
        if key in dumped:
            tool[key] = dumped[key]
    return tool


def _restored_tool(function: ChatFunctionDefinition, origin: ToolOrigin) -> dict[str, Any]:
    if origin.tool_type == "custom":
        tool: dict[str, Any] = {"type": "custom", "name": origin.name}
        if function.description is not None:
            tool["description"] = function.description
        tool["format"] = custom_format_from_parameters(function.parameters)
        return tool
    if origin.tool_type in FUNCTION_FORMS:
        return {"type": origin.tool_type}
    return _function_tool(function, origin.name)


def _custom_format(fmt: Any) -> dict[str, Any] | None:
    if fmt is None:
        return None
    if type(fmt) is ChatCustomToolTextFormat:
        return {"type": "text"}
    if type(fmt) is ChatCustomToolGrammarFormat:
        return {
            "type": "grammar",
            "syntax": fmt.grammar.syntax,
            "definition": fmt.grammar.definition,
        }
    dumped: dict[str, Any] = fmt.to_dict()
    return dumped


def _tools(
    req: ChatCompletionRequest, rec: Recorder, names: ToolNameMap | None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    namespaces: dict[str, dict[str, Any]] = {}
    for n, tool in enumerate(req.tools or ()):
        path = f"tools[{n}]"
        if type(tool) is ChatFunctionTool:
            function = tool.function
            origin = names.restore(function.name) if names is not None else None
            if origin is None:
                out.append(_function_tool(function))
                continue
            restored = _restored_tool(function, origin)
            if origin.namespace is None:
                out.append(restored)
                continue
            namespace = namespaces.get(origin.namespace)
            if namespace is None:
                namespace = {
                    "type": "namespace",
                    "name": origin.namespace,
                    "description": "",
                    "tools": [],
                }
                namespaces[origin.namespace] = namespace
                out.append(namespace)
            namespace["tools"].append(restored)
        elif type(tool) is ChatCustomTool:
            custom = tool.custom
            converted: dict[str, Any] = {"type": "custom", "name": custom.name}
            if custom.description is not None:
                converted["description"] = custom.description
            fmt = _custom_format(custom.format)
            if fmt is not None:
                converted["format"] = fmt
            out.append(converted)
        else:
            rec.drop(
                path,
                f"a tool of type {quoted(tool.type)} has no Responses form",
                "translate.tools.unknown",
                tool_type=tool.type,
            )
    for function in req.functions or ():
        out.append(_function_tool(function))
    if req.functions is not None:
        rec.change(
            "functions",
            "legacy functions become function tools",
            "translate.tools.legacy",
        )
    return out


def _choice_for_name(name: str, names: ToolNameMap | None) -> Any:
    origin = names.resolve(name) if names is not None else None
    if origin is None:
        return {"type": "function", "name": name}
    if origin.tool_type == "custom":
        return {"type": "custom", "name": origin.name}
    if origin.tool_type in ("shell", "apply_patch"):
        return {"type": origin.tool_type}
    if origin.tool_type in FUNCTION_FORMS:
        return "required"
    return {"type": "function", "name": origin.name}


def _allowed_entry(entry: dict[str, Any], names: ToolNameMap | None) -> dict[str, Any] | None:
    kind = entry.get("type")
    body = entry.get(kind) if isinstance(kind, str) else None
    name = body.get("name") if isinstance(body, dict) else entry.get("name")
    if not isinstance(name, str):
        return None
    if kind == "custom":
        return {"type": "custom", "name": name}
    choice = _choice_for_name(name, names)
    return choice if isinstance(choice, dict) else None


def _tool_choice(choice: ChatToolChoice, rec: Recorder, names: ToolNameMap | None) -> Any:
    if isinstance(choice, str):
        return choice
    if type(choice) is ChatFunctionToolChoice:
        return _choice_for_name(choice.function.name, names)
    if type(choice) is ChatCustomToolChoice:
        return {"type": "custom", "name": choice.custom.name}
    if type(choice) is ChatAllowedToolsChoice:
        tools = []
        for n, entry in enumerate(choice.allowed_tools.tools):
            converted = _allowed_entry(entry, names)
            if converted is None:
                rec.drop(
                    f"tool_choice.allowed_tools.tools[{n}]",
                    "an allowed tool wireshift cannot name",
                    "translate.tool_choice",
                )
            else:
                tools.append(converted)
        return {"type": "allowed_tools", "mode": choice.allowed_tools.mode, "tools": tools}
    rec.drop(
        "tool_choice",
        f"a tool_choice of type {quoted(choice.type)} has no Responses form",
        "translate.tool_choice",
    )
    return None


# --- the request ---------------------------------------------------------------------------


def _text(req: ChatCompletionRequest, rec: Recorder) -> dict[str, Any] | None:
    text: dict[str, Any] = {}
    fmt = req.response_format
    if fmt is not None:
        if type(fmt) is ChatTextResponseFormat:
            text["format"] = {"type": "text"}
        elif type(fmt) is ChatJSONObjectResponseFormat:
            text["format"] = {"type": "json_object"}
        elif type(fmt) is ChatJSONSchemaResponseFormat:
            text["format"] = {"type": "json_schema", **fmt.json_schema.to_dict()}
        else:
            rec.drop(
                "response_format",
                f"a response format of type {quoted(fmt.type)} has no Responses form",
                "translate.text.format",
            )
    if req.verbosity is not None:
        text["verbosity"] = req.verbosity
    return text or None


def _reasoning(req: ChatCompletionRequest, rec: Recorder) -> dict[str, Any] | None:
    effort = req.reasoning_effort
    extra = (req.__pydantic_extra__ or {}).get("reasoning")
    if isinstance(extra, dict):
        for key, value in extra.items():
            if key == "effort" and effort is None and isinstance(value, str):
                effort = value
            else:
                rec.drop(
                    f"reasoning.{key}",
                    "a reasoning setting with no Responses form",
                    "translate.reasoning.setting",
                )
    return {"effort": effort} if effort is not None else None


def chat_to_responses(
    req: ChatCompletionRequest, rec: Recorder, names: ToolNameMap | None
) -> dict[str, Any]:
    """The Responses body for ``req``."""
    out: dict[str, Any] = {}
    given = req.model_fields_set
    if "model" in given:
        out["model"] = req.model
    history = _Input(rec, names)
    for n, message in enumerate(req.messages):
        history.add(message, f"messages[{n}]")
    out["input"] = history.items

    tools = _tools(req, rec, names)
    if req.web_search_options is not None:
        search: dict[str, Any] = {"type": "web_search"}
        options = req.web_search_options
        if options.search_context_size is not None:
            search["search_context_size"] = options.search_context_size
        if options.user_location is not None:
            search["user_location"] = {
                "type": "approximate",
                **options.user_location.approximate.to_dict(),
            }
        tools.append(search)
        rec.change(
            "web_search_options",
            "web search is a tool in the Responses API",
            "translate.tools.web_search",
        )
    if tools:
        out["tools"] = tools
    if req.tool_choice is not None:
        choice = _tool_choice(req.tool_choice, rec, names)
        if choice is not None:
            out["tool_choice"] = choice
    elif req.function_call is not None:
        legacy = req.function_call
        out["tool_choice"] = (
            legacy if isinstance(legacy, str) else {"type": "function", "name": legacy.name}
        )
        rec.change(
            "function_call", "legacy function_call becomes tool_choice", "translate.tool_choice"
        )

    text = _text(req, rec)
    if text is not None:
        out["text"] = text
    reasoning = _reasoning(req, rec)
    if reasoning is not None:
        out["reasoning"] = reasoning

    for field in ChatCompletionRequest.model_fields:
        if field not in given:
            continue
        target = CHAT_TO_RESPONSES_COPY.get(field)
        if target is not None:
            if field != "model":
                value = getattr(req, field)
                out[target] = value.to_dict() if isinstance(value, WireModel) else value
            continue
        drop = CHAT_TO_RESPONSES_DROP.get(field)
        if drop is not None and getattr(req, field) is not None:
            rec.drop(field, drop.reason, "translate.field", lossy=drop.lossy)

    if req.max_tokens is not None:
        if "max_output_tokens" in out:
            rec.drop(
                "max_tokens",
                "max_completion_tokens is given too and wins",
                "translate.field",
                lossy=False,
            )
        else:
            out["max_output_tokens"] = req.max_tokens
    if req.logprobs:
        out["include"] = [_LOGPROBS_INCLUDE]
    if req.n is not None and req.n != 1:
        rec.drop("n", "the Responses API gives one answer per request", "translate.field")
    if req.modalities is not None and any(m != "text" for m in req.modalities):
        rec.drop("modalities", "the Responses API answers in text only", "translate.field")
    if req.stream_options is not None:
        if req.stream_options.include_obfuscation is not None:
            out["stream_options"] = {"include_obfuscation": req.stream_options.include_obfuscation}
        if req.stream_options.include_usage is not None:
            rec.drop(
                "stream_options.include_usage",
                "Responses streams always report usage",
                "translate.field",
                lossy=False,
            )

    for field, value in (req.__pydantic_extra__ or {}).items():
        if field == "reasoning":
            continue
        out[field] = value
        rec.keep(
            field,
            "not a Chat field wireshift knows: sent as it came",
            "translate.field.unknown",
        )
    return out

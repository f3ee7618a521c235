"""The Responses API ``Response`` object (OpenAI ``Response``, Open Responses ``ResponseResource``).

Every field is optional: lifecycle events (``response.created``, ``response.in_progress``...)
carry partial responses, and providers drop ``output``, send ``error: null`` or partial
``usage``. :meth:`Response.to_resource` fills in what the Open Responses profile requires.
"""

# Annotations stay objects (no `from __future__ import annotations`): pydantic would
# evaluate each string again when the classes are made, 5-8% of a cold start.

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, Tag, field_validator
from typing_extensions import Self

from .._model import WireModel, by_json_kind, empty_list
from ._item_union import Item
from ._request import (
    ConversationReference,
    PromptCacheOptions,
    PromptReference,
    ReasoningConfig,
    TextConfig,
)
from ._tool_union import Tool
from ._tools import ToolChoice

__all__ = [
    "RESOURCE_FIELDS",
    "IncompleteDetails",
    "InputTokensDetails",
    "OutputTokensDetails",
    "Response",
    "ResponseError",
    "ResponseUsage",
]

RESOURCE_FIELDS: tuple[str, ...] = (
    "id",
    "object",
    "created_at",
    "completed_at",
    "status",
    "incomplete_details",
    "model",
    "previous_response_id",
    "instructions",
    "output",
    "error",
    "tools",
    "tool_choice",
    "truncation",
    "parallel_tool_calls",
    "text",
    "top_p",
    "presence_penalty",
    "frequency_penalty",
    "top_logprobs",
    "temperature",
    "reasoning",
    "usage",
    "max_output_tokens",
    "max_tool_calls",
    "store",
    "background",
    "service_tier",
    "metadata",
    "safety_identifier",
    "prompt_cache_key",
)
"""The 31 fields an Open Responses ``ResponseResource`` must carry, in spec order."""


class InputTokensDetails(WireModel):
    """Breakdown of input tokens."""

    cached_tokens: int | None = None
    cache_write_tokens: int | None = None


class OutputTokensDetails(WireModel):
    """Breakdown of output tokens."""

    reasoning_tokens: int | None = None


class ResponseUsage(WireModel):
    """Token counts of a response. Every field is optional: providers send partial usage."""

    input_tokens: int | None = None
    input_tokens_details: InputTokensDetails | None = None
    output_tokens: int | None = None
    output_tokens_details: OutputTokensDetails | None = None
    total_tokens: int | None = None


class ResponseError(WireModel):
    """Why a response failed. Providers add fields (``type``, ``param``); they are kept."""

    code: str | None = None
    """``server_error``, ``rate_limit_exceeded``, ``invalid_prompt``... (open-ended)."""
    message: str | None = None


class IncompleteDetails(WireModel):
    """Why a response stopped early."""

    reason: str | None = None
    """``max_output_tokens``, ``content_filter``, ``interrupted``... (open-ended)."""


ResponseInstructions = Annotated[
    Annotated[str, Tag("str")] | Annotated[list[Item], Tag("list")],
    by_json_kind("str", "list"),
]


class Response(WireModel):
    """A model response: its status, output items and the settings it ran with."""

    # Open Responses ResponseResource fields, in its order.
    id: str | None = None
    object: Literal["response"] = "response"
    created_at: int | float | None = None
    completed_at: int | float | None = None
    status: str | None = None
    """``completed``, ``failed``, ``in_progress``, ``cancelled``, ``queued``, ``incomplete``."""
    incomplete_details: IncompleteDetails | None = None
    model: str | None = None
    previous_response_id: str | None = None
    instructions: ResponseInstructions | None = None
    """A string, or (OpenAI only) the input items that served as instructions."""
    output: list[Item] = Field(default_factory=empty_list)
    error: ResponseError | None = None
    tools: list[Tool] | None = None
    tool_choice: ToolChoice | None = None
    truncation: str | None = None
    parallel_tool_calls: bool | None = None
    text: TextConfig | None = None
    top_p: int | float | None = None
    presence_penalty: int | float | None = None
    frequency_penalty: int | float | None = None
    top_logprobs: int | None = None
    temperature: int | float | None = None
    reasoning: ReasoningConfig | None = None
    usage: ResponseUsage | None = None
    max_output_tokens: int | None = None
    max_tool_calls: int | None = None
    store: bool | None = None
    background: bool | None = None
    service_tier: str | None = None
    metadata: dict[str, Any] | None = None
    safety_identifier: str | None = None
    prompt_cache_key: str | None = None
    # OpenAI-only fields.
    user: str | None = None
    prompt: PromptReference | None = None
    prompt_cache_retention: str | None = None
    prompt_cache_options: PromptCacheOptions | None = None
    conversation: ConversationReference | None = None
    moderation: dict[str, Any] | None = None
    """Moderation results for input and output, kept as given."""

    @field_validator("output", mode="before")
    @classmethod
    def _null_output_is_empty(cls, value: Any) -> Any:
        # Some providers send `output: null` on failed or in-progress responses.
        return [] if value is None else value

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of the output messages, joined."""
        return "".join(_output_texts(self.output))

    def to_resource(self) -> Self:
        """A copy carrying all 31 Open Responses ``ResponseResource`` fields.

        Nullable fields never set become ``null``. Fields the Open Responses schema does not
        let be null get the API's documented default (see ``_RESOURCE_DEFAULTS``), or, for
        ``id``/``model``/``created_at``/``status``, a placeholder. Nested objects get their
        required members too (``usage`` counts, ``reasoning.effort``...). Tools other than
        function tools, output items and list ``instructions`` are kept as they are:
        dropping or rewriting them is the dialect's choice, not this method's.
        """
        body = self.to_dict()
        for name in RESOURCE_FIELDS:
            if name in _RESOURCE_DEFAULTS:
                if body.get(name) is None:
                    body[name] = _fresh(_RESOURCE_DEFAULTS[name])
            else:
                body.setdefault(name, None)
        if body["status"] is None:
            body["status"] = _inferred_status(body)
        for name, fill in _NESTED_FILLS.items():
            if isinstance(body[name], dict):
                body[name] = fill(dict(body[name]))
        body["tools"] = [_fill_tool(tool) for tool in body["tools"]]
        return self.parse(body)


def _fresh(value: Any) -> Any:
    """A new copy of a mutable default."""
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    return value


# Non-nullable ResponseResource fields and the value each takes when unset or null.
_RESOURCE_DEFAULTS: dict[str, Any] = {
    # No documented default: placeholders that keep the shape valid; callers set real ones.
    "id": "",
    "created_at": 0,
    "model": "",
    # "status" is inferred from error / incomplete_details instead, see _inferred_status.
    "object": "response",
    "output": [],
    "tools": [],
    # Documented API defaults (OpenAI API reference, create response).
    "tool_choice": "auto",
    "truncation": "disabled",
    "parallel_tool_calls": True,
    "text": {"format": {"type": "text"}},
    "top_p": 1,
    "temperature": 1,
    "presence_penalty": 0,
    "frequency_penalty": 0,
    "top_logprobs": 0,
    "store": True,
    "background": False,
    # A request's "auto" tier is reported as the tier that served it: "default" unless
    # the project is configured otherwise.
    "service_tier": "default",
    "metadata": {},
}


def _inferred_status(body: Mapping[str, Any]) -> str:
    if body.get("error") is not None:
        return "failed"
    if body.get("incomplete_details") is not None:
        return "incomplete"
    return "completed"


def _fill_usage(usage: dict[str, Any]) -> dict[str, Any]:
    # Open Responses requires every count; an unreported count is taken as 0.
    for name in ("input_tokens", "output_tokens"):
        if usage.get(name) is None:
            usage[name] = 0
    if usage.get("total_tokens") is None:
        usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
    for name, key in (
        ("input_tokens_details", "cached_tokens"),
        ("output_tokens_details", "reasoning_tokens"),
    ):
        details = dict(usage.get(name) or {})
        if details.get(key) is None:
            details[key] = 0
        usage[name] = details
    return usage


def _fill_reasoning(reasoning: dict[str, Any]) -> dict[str, Any]:
    reasoning.setdefault("effort", None)
    reasoning.setdefault("summary", None)
    return reasoning


def _fill_text(text: dict[str, Any]) -> dict[str, Any]:
    if text.get("format") is None:
        text["format"] = {"type": "text"}
    return text


def _fill_error(error: dict[str, Any]) -> dict[str, Any]:
    # "server_error" is the API's code for a failure it does not classify.
    if error.get("code") is None:
        error["code"] = "server_error"
    if error.get("message") is None:
        error["message"] = ""
    return error


def _fill_incomplete(details: dict[str, Any]) -> dict[str, Any]:
    if details.get("reason") is None:
        details["reason"] = "unknown"
    return details


_NESTED_FILLS = {
    "usage": _fill_usage,
    "reasoning": _fill_reasoning,
    "text": _fill_text,
    "error": _fill_error,
    "incomplete_details": _fill_incomplete,
}


def _fill_tool(tool: Any) -> Any:
    # Open Responses' FunctionTool requires description, parameters and strict (nullable).
    if isinstance(tool, dict) and tool.get("type") == "function":
        tool = dict(tool)
        for name in ("description", "parameters", "strict"):
            tool.setdefault(name, None)
    return tool


def _get(obj: Any, name: str) -> Any:
    """A field of a parsed model (declared or extra) or of a raw mapping."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _output_texts(output: list[Any]) -> Iterator[str]:
    for item in output:
        if _get(item, "type") != "message":
            continue
        content = _get(item, "content")
        if not isinstance(content, list):
            continue
        for part in content:
            text = _get(part, "text")
            if _get(part, "type") == "output_text" and isinstance(text, str):
                yield text

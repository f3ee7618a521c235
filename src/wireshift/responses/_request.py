"""The body of ``POST /v1/responses`` and the settings a response echoes back.

Nothing in :class:`ResponsesRequest` is required: clients (Codex among them) send partial
bodies, and the Open Responses spec makes even ``model`` and ``input`` nullable.
"""

# Annotations stay objects (no `from __future__ import annotations`): pydantic would
# evaluate each string again when the classes are made, 5-8% of a cold start.

from typing import Annotated, Any, Literal

from pydantic import Field, Tag

from .._model import TypeTagged, WireModel, by_json_kind
from ._items import ItemList
from ._tools import ToolChoice, ToolList

__all__ = [
    "ContextManagementEntry",
    "ConversationReference",
    "ModerationConfig",
    "PromptCacheOptions",
    "PromptReference",
    "ReasoningConfig",
    "ResponseStreamOptions",
    "ResponsesRequest",
    "TextConfig",
    "TextFormat",
    "TextFormatJSONObject",
    "TextFormatJSONSchema",
    "TextFormatText",
    "UnknownTextFormat",
]


class TextFormatText(WireModel):
    """Plain text output (the default)."""

    type: Literal["text"] = "text"


class TextFormatJSONObject(WireModel):
    """JSON mode: any valid JSON object."""

    type: Literal["json_object"] = "json_object"


class TextFormatJSONSchema(WireModel):
    """Structured Outputs: JSON matching ``schema``.

    OpenAI requires ``name`` and ``schema``; the Open Responses request form requires
    neither, so both are optional here.
    """

    type: Literal["json_schema"] = "json_schema"
    name: str | None = None
    description: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class UnknownTextFormat(WireModel):
    """A text format wireshift does not know, kept whole."""

    type: str


TextFormat = Annotated[
    TextFormatText | TextFormatJSONObject | TextFormatJSONSchema | UnknownTextFormat,
    TypeTagged(),
]
"""``text.format``: text, json_object or json_schema."""


class TextConfig(WireModel):
    """``text``: the output format and how verbose the answer should be."""

    format: TextFormat | None = None
    verbosity: str | None = None
    """``low``, ``medium`` or ``high``."""


class ReasoningConfig(WireModel):
    """``reasoning``: how hard the model thinks and whether it summarises its thinking."""

    mode: str | None = None
    effort: str | None = None
    """``none``, ``minimal``, ``low``, ``medium``, ``high``, ``xhigh``, ``max``."""
    summary: str | None = None
    """``auto``, ``concise`` or ``detailed``."""
    context: str | None = None
    """Which earlier reasoning the model sees: ``auto``, ``current_turn``, ``all_turns``."""
    generate_summary: str | None = None
    """Deprecated spelling of ``summary``."""


class PromptReference(WireModel):
    """``prompt``: a stored prompt template and the values for its variables."""

    id: str
    version: str | None = None
    variables: dict[str, Any] | None = None
    """Strings or input content parts (text, image, file) by variable name."""


class ConversationReference(WireModel):
    """A conversation, by id, that the response reads from and appends to."""

    id: str


ConversationParam = Annotated[
    Annotated[str, Tag("str")] | Annotated[ConversationReference, Tag("dict")],
    by_json_kind("str", "dict"),
]


class ResponseStreamOptions(WireModel):
    """``stream_options`` of a Responses request."""

    include_obfuscation: bool | None = None


class ContextManagementEntry(WireModel):
    """One ``context_management`` entry (only ``compaction`` so far)."""

    type: str
    compact_threshold: int | None = None


class ModerationConfig(WireModel):
    """``moderation``: run a moderation model over input and output."""

    model: str
    policy: dict[str, Any] | None = None


class PromptCacheOptions(WireModel):
    """``prompt_cache_options``: cache lifetime and breakpoint mode."""

    ttl: str | None = None
    mode: str | None = None
    """``implicit`` or ``explicit``."""


RequestInput = Annotated[
    Annotated[str, Tag("str")] | Annotated[ItemList, Tag("list")],
    by_json_kind("str", "list"),
]


class ResponsesRequest(WireModel):
    """The JSON body of ``POST /v1/responses`` (OpenAI ``CreateResponse`` and Open Responses
    ``CreateResponseBody``)."""

    model: str | None = None
    input: RequestInput | None = None
    """A string (one user message) or a list of items."""
    instructions: str | None = None
    tools: ToolList | None = None
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    max_tool_calls: int | None = None
    text: TextConfig | None = None
    reasoning: ReasoningConfig | None = None
    temperature: int | float | None = None
    top_p: int | float | None = None
    presence_penalty: int | float | None = None
    frequency_penalty: int | float | None = None
    top_logprobs: int | None = None
    max_output_tokens: int | None = None
    truncation: str | None = None
    """``auto`` or ``disabled``."""
    stream: bool | None = None
    stream_options: ResponseStreamOptions | None = None
    store: bool | None = None
    background: bool | None = None
    include: list[str] | None = None
    """Extra output to include, e.g. ``reasoning.encrypted_content``."""
    previous_response_id: str | None = None
    conversation: ConversationParam | None = None
    """A conversation id, or ``{"id": ...}``."""
    prompt: PromptReference | None = None
    metadata: dict[str, Any] | None = None
    user: str | None = None
    safety_identifier: str | None = None
    prompt_cache_key: str | None = None
    prompt_cache_retention: str | None = None
    prompt_cache_options: PromptCacheOptions | None = None
    service_tier: str | None = None
    """``auto``, ``default``, ``flex``, ``scale``, ``priority``, ``fast``, ``ultrafast``."""
    context_management: list[ContextManagementEntry] | None = None
    moderation: ModerationConfig | None = None
    client_metadata: dict[str, Any] | None = None
    """Not in either spec: Codex sends per-turn ids here. Declared so translators see it."""

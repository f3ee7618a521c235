"""The Chat Completions request body, with its tools, tool choice and response format."""

# Annotations stay objects (no `from __future__ import annotations`): pydantic would
# evaluate each string again when the classes are made, 5-8% of a cold start.

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, Tag

from .._model import TypeTagged, UnionParser, WireModel, by_json_kind
from ._messages import ChatMessage, ChatTextPart

__all__ = [
    "ChatAllowedTools",
    "ChatAllowedToolsChoice",
    "ChatApproximateLocation",
    "ChatAudioOptions",
    "ChatCompletionRequest",
    "ChatCustomTool",
    "ChatCustomToolChoice",
    "ChatCustomToolDefinition",
    "ChatCustomToolFormat",
    "ChatCustomToolGrammar",
    "ChatCustomToolGrammarFormat",
    "ChatCustomToolTextFormat",
    "ChatCustomVoice",
    "ChatFunctionDefinition",
    "ChatFunctionTool",
    "ChatFunctionToolChoice",
    "ChatJSONObjectResponseFormat",
    "ChatJSONSchema",
    "ChatJSONSchemaResponseFormat",
    "ChatModerationConfig",
    "ChatModerationOptions",
    "ChatModerationPolicy",
    "ChatPrediction",
    "ChatPredictionContent",
    "ChatPromptCacheOptions",
    "ChatResponseFormat",
    "ChatStreamOptions",
    "ChatTextResponseFormat",
    "ChatTool",
    "ChatToolChoice",
    "ChatToolChoiceObject",
    "ChatToolName",
    "ChatUserLocation",
    "ChatWebSearchOptions",
    "UnknownChatCustomToolFormat",
    "UnknownChatPrediction",
    "UnknownChatResponseFormat",
    "UnknownChatTool",
    "UnknownChatToolChoice",
    "parse_chat_tool",
]


# --- tools -----------------------------------------------------------------------------


class ChatFunctionDefinition(WireModel):
    """A function the model may call: ``name``, ``description``, JSON Schema ``parameters``.

    The ``function`` of a function tool, and an entry of the legacy ``functions`` list.
    """

    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class ChatFunctionTool(WireModel):
    """``{"type": "function", "function": {name, description, parameters, strict}}``."""

    type: Literal["function"] = "function"
    function: ChatFunctionDefinition


class ChatCustomToolTextFormat(WireModel):
    """Free-form text input for a custom tool."""

    type: Literal["text"] = "text"


class ChatCustomToolGrammar(WireModel):
    """A grammar the input must match; ``syntax`` is ``lark`` or ``regex``."""

    definition: str
    syntax: str


class ChatCustomToolGrammarFormat(WireModel):
    """Custom tool input constrained by a grammar."""

    type: Literal["grammar"] = "grammar"
    grammar: ChatCustomToolGrammar


class UnknownChatCustomToolFormat(WireModel):
    """A custom tool input format wireshift does not know, kept whole."""

    type: str


ChatCustomToolFormat = Annotated[
    ChatCustomToolTextFormat | ChatCustomToolGrammarFormat | UnknownChatCustomToolFormat,
    TypeTagged(),
]


class ChatCustomToolDefinition(WireModel):
    """A custom (free-form input) tool: ``name``, ``description`` and input ``format``."""

    name: str
    description: str | None = None
    format: ChatCustomToolFormat | None = None


class ChatCustomTool(WireModel):
    """``{"type": "custom", "custom": {name, description, format}}``."""

    type: Literal["custom"] = "custom"
    custom: ChatCustomToolDefinition


class UnknownChatTool(WireModel):
    """A tool of a type wireshift does not know, kept whole."""

    type: str


def _infer_tool_type(tool: Mapping[str, Any]) -> str | None:
    # Hand-written requests sometimes leave out `type`; the body key says which tool it is.
    if "function" in tool:
        return "function"
    if "custom" in tool:
        return "custom"
    return None


ChatTool = Annotated[
    ChatFunctionTool | ChatCustomTool | UnknownChatTool,
    TypeTagged(infer=_infer_tool_type),
]
"""One entry of a request's ``tools``."""


# --- tool choice -----------------------------------------------------------------------


class ChatToolName(WireModel):
    """Names one function or custom tool: ``{"name": ...}``."""

    name: str


class ChatFunctionToolChoice(WireModel):
    """Force one function: ``{"type": "function", "function": {"name"}}``."""

    type: Literal["function"] = "function"
    function: ChatToolName


class ChatCustomToolChoice(WireModel):
    """Force one custom tool: ``{"type": "custom", "custom": {"name"}}``."""

    type: Literal["custom"] = "custom"
    custom: ChatToolName


class ChatAllowedTools(WireModel):
    """A subset of the request's tools; ``mode`` is ``auto`` or ``required``.

    ``tools`` holds tool references such as ``{"type": "function", "function": {"name"}}``.
    """

    mode: str
    tools: list[dict[str, Any]]


class ChatAllowedToolsChoice(WireModel):
    """Restrict the model to some tools: ``{"type": "allowed_tools", "allowed_tools": {...}}``."""

    type: Literal["allowed_tools"] = "allowed_tools"
    allowed_tools: ChatAllowedTools


class UnknownChatToolChoice(WireModel):
    """A tool choice object of a type wireshift does not know, kept whole."""

    type: str


ChatToolChoiceObject = Annotated[
    ChatFunctionToolChoice | ChatCustomToolChoice | ChatAllowedToolsChoice | UnknownChatToolChoice,
    TypeTagged(),
]
"""A tool choice given as an object."""

ChatToolChoice = Annotated[
    Annotated[str, Tag("str")] | Annotated[ChatToolChoiceObject, Tag("dict")],
    by_json_kind("str", "dict"),
]
"""``tool_choice``: ``"none"``, ``"auto"``, ``"required"``, or an object naming tools."""


# --- response format -------------------------------------------------------------------


class ChatTextResponseFormat(WireModel):
    """Plain text output."""

    type: Literal["text"] = "text"


class ChatJSONObjectResponseFormat(WireModel):
    """JSON mode: the output is some JSON object."""

    type: Literal["json_object"] = "json_object"


class ChatJSONSchema(WireModel):
    """Structured output: ``name``, ``description``, a JSON ``schema``, and ``strict``."""

    name: str
    description: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class ChatJSONSchemaResponseFormat(WireModel):
    """Structured output: ``{"type": "json_schema", "json_schema": {...}}``."""

    type: Literal["json_schema"] = "json_schema"
    json_schema: ChatJSONSchema


class UnknownChatResponseFormat(WireModel):
    """A response format wireshift does not know, kept whole."""

    type: str


ChatResponseFormat = Annotated[
    ChatTextResponseFormat
    | ChatJSONObjectResponseFormat
    | ChatJSONSchemaResponseFormat
    | UnknownChatResponseFormat,
    TypeTagged(),
]


# --- other request options -------------------------------------------------------------


class ChatStreamOptions(WireModel):
    """Stream options: ``include_usage`` asks for a final usage chunk (``choices: []``)."""

    include_usage: bool | None = None
    include_obfuscation: bool | None = None


class ChatApproximateLocation(WireModel):
    """Where the user roughly is, for web search."""

    country: str | None = None
    region: str | None = None
    city: str | None = None
    timezone: str | None = None


class ChatUserLocation(WireModel):
    """``{"type": "approximate", "approximate": {...}}``."""

    type: str
    approximate: ChatApproximateLocation


class ChatWebSearchOptions(WireModel):
    """Web search settings; ``search_context_size`` is ``low``, ``medium`` or ``high``."""

    user_location: ChatUserLocation | None = None
    search_context_size: str | None = None


class ChatCustomVoice(WireModel):
    """A custom voice, by ``id``."""

    id: str | None = None


class ChatAudioOptions(WireModel):
    """Audio output settings: a voice name or custom voice, and ``format``
    (``wav``, ``aac``, ``mp3``, ``flac``, ``opus``, ``pcm16``)."""

    voice: Annotated[
        Annotated[str, Tag("str")] | Annotated[ChatCustomVoice, Tag("dict")],
        by_json_kind("str", "dict"),
    ]
    format: str


class ChatPredictionContent(WireModel):
    """Predicted output (for faster regeneration): a string or text parts."""

    type: Literal["content"] = "content"
    content: (
        Annotated[
            Annotated[str, Tag("str")] | Annotated[list[ChatTextPart], Tag("list")],
            by_json_kind("str", "list"),
        ]
        | None
    ) = None


class UnknownChatPrediction(WireModel):
    """A prediction of a type wireshift does not know, kept whole."""

    type: str


ChatPrediction = Annotated[ChatPredictionContent | UnknownChatPrediction, TypeTagged()]


class ChatModerationConfig(WireModel):
    """How to moderate one side; ``mode`` is ``score`` or ``block``."""

    mode: str


class ChatModerationPolicy(WireModel):
    """Moderation for the ``input`` and the ``output``."""

    input: ChatModerationConfig | None = None
    output: ChatModerationConfig | None = None


class ChatModerationOptions(WireModel):
    """Run a moderation ``model`` on the request and reply, under ``policy``."""

    model: str | None = None
    policy: ChatModerationPolicy | None = None


class ChatPromptCacheOptions(WireModel):
    """Prompt caching: ``ttl`` (``30m``) and ``mode`` (``implicit``, ``explicit``)."""

    ttl: str | None = None
    mode: str | None = None


# --- the request -----------------------------------------------------------------------


class ChatCompletionRequest(WireModel):
    """The body of ``POST /v1/chat/completions``.

    Every property of the spec's ``CreateChatCompletionRequest`` is declared; anything else a
    client sends (``reasoning`` for OpenRouter, ``top_k`` or ``chat_template_kwargs`` for vLLM)
    is kept as an extra field. ``model`` is optional: the spec requires it, but a gateway
    that picks the model itself sees requests without one.
    """

    messages: list[ChatMessage]
    model: str | None = None

    # sampling and output length
    temperature: int | float | None = None
    top_p: int | float | None = None
    frequency_penalty: int | float | None = None
    presence_penalty: int | float | None = None
    logit_bias: dict[str, int] | None = None
    seed: int | None = None
    stop: (
        Annotated[
            Annotated[str, Tag("str")] | Annotated[list[str], Tag("list")],
            by_json_kind("str", "list"),
        ]
        | None
    ) = None
    n: int | None = None
    max_completion_tokens: int | None = None
    max_tokens: int | None = None
    """Deprecated in favour of ``max_completion_tokens``; many providers read only this."""
    logprobs: bool | None = None
    top_logprobs: int | None = None

    # output shape
    response_format: ChatResponseFormat | None = None
    modalities: list[str] | None = None
    audio: ChatAudioOptions | None = None
    prediction: ChatPrediction | None = None
    reasoning_effort: str | None = None
    """``none``, ``minimal``, ``low``, ``medium``, ``high``, ``xhigh`` or ``max``."""
    verbosity: str | None = None

    # tools
    tools: list[ChatTool] | None = None
    tool_choice: ChatToolChoice | None = None
    parallel_tool_calls: bool | None = None
    functions: list[ChatFunctionDefinition] | None = None
    """Deprecated in favour of ``tools``."""
    function_call: (
        Annotated[
            Annotated[str, Tag("str")] | Annotated[ChatToolName, Tag("dict")],
            by_json_kind("str", "dict"),
        ]
        | None
    ) = None
    """Deprecated in favour of ``tool_choice``: ``"none"``, ``"auto"`` or ``{"name"}``."""
    web_search_options: ChatWebSearchOptions | None = None

    # streaming
    stream: bool | None = None
    stream_options: ChatStreamOptions | None = None

    # service and bookkeeping
    service_tier: str | None = None
    """``auto``, ``default``, ``flex``, ``scale``, ``priority`` or ``fast``."""
    store: bool | None = None
    metadata: dict[str, Any] | None = None
    moderation: ChatModerationOptions | None = None
    prompt_cache_key: str | None = None
    prompt_cache_options: ChatPromptCacheOptions | None = None
    prompt_cache_retention: str | None = None
    safety_identifier: str | None = None
    user: str | None = None


_tool_parser: UnionParser[ChatTool] = UnionParser(ChatTool, "ChatTool")
parse_chat_tool = _tool_parser.parse

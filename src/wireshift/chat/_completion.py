"""Chat Completions replies: the whole ``ChatCompletion``, the stream's
``ChatCompletionChunk``, usage, and error bodies."""

# Annotations stay objects (no `from __future__ import annotations`): pydantic would
# evaluate each string again when the classes are made, 5-8% of a cold start.

from typing import Annotated, Any, Literal

from pydantic import Field

from .._model import TypeTagged, WireModel, empty_list

# Pydantic resolves field annotations at run time, so these imports must stay real.
from ._messages import AnyChatToolCall, ChatFunctionCall

__all__ = [
    "ChatAnnotation",
    "ChatChoiceLogprobs",
    "ChatCompletion",
    "ChatCompletionAudio",
    "ChatCompletionChoice",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "ChatCompletionModeration",
    "ChatCompletionTokensDetails",
    "ChatCompletionUsage",
    "ChatError",
    "ChatErrorBody",
    "ChatModerationError",
    "ChatModerationOutcome",
    "ChatModerationResult",
    "ChatModerationResults",
    "ChatPromptTokensDetails",
    "ChatTokenLogprob",
    "ChatTopLogprob",
    "ChatURLCitation",
    "ChatURLCitationAnnotation",
    "ChunkChoice",
    "ChunkDelta",
    "FunctionCallDelta",
    "ToolCallDelta",
    "UnknownChatAnnotation",
    "UnknownChatModerationOutcome",
]


# --- usage -----------------------------------------------------------------------------


class ChatPromptTokensDetails(WireModel):
    """How the prompt tokens break down; ``cached_tokens`` were read from the prompt cache."""

    cached_tokens: int | None = None
    audio_tokens: int | None = None
    text_tokens: int | None = None
    image_tokens: int | None = None
    cache_write_tokens: int | None = None


class ChatCompletionTokensDetails(WireModel):
    """How the completion tokens break down; ``reasoning_tokens`` were spent thinking."""

    reasoning_tokens: int | None = None
    audio_tokens: int | None = None
    text_tokens: int | None = None
    accepted_prediction_tokens: int | None = None
    rejected_prediction_tokens: int | None = None


class ChatCompletionUsage(WireModel):
    """Token counts. The spec requires the three totals; all are optional here because
    providers send partial usage objects and a missing count must not sink a reply."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    prompt_tokens_details: ChatPromptTokensDetails | None = None
    completion_tokens_details: ChatCompletionTokensDetails | None = None


# --- logprobs --------------------------------------------------------------------------


class ChatTopLogprob(WireModel):
    """One of the likeliest tokens at a position."""

    token: str
    logprob: int | float
    bytes: list[int] | None


class ChatTokenLogprob(WireModel):
    """One sampled token, its log probability and the likeliest alternatives."""

    token: str
    logprob: int | float
    bytes: list[int] | None
    top_logprobs: list[ChatTopLogprob]


class ChatChoiceLogprobs(WireModel):
    """Log probabilities of the ``content`` and ``refusal`` tokens."""

    content: list[ChatTokenLogprob] | None = None
    refusal: list[ChatTokenLogprob] | None = None


# --- the reply message -----------------------------------------------------------------


class ChatURLCitation(WireModel):
    """A web source cited for ``content[start_index:end_index]``."""

    url: str
    title: str
    start_index: int
    end_index: int


class ChatURLCitationAnnotation(WireModel):
    """``{"type": "url_citation", "url_citation": {...}}`` on a reply from web search."""

    type: Literal["url_citation"] = "url_citation"
    url_citation: ChatURLCitation


class UnknownChatAnnotation(WireModel):
    """An annotation of a type wireshift does not know, kept whole."""

    type: str


ChatAnnotation = Annotated[ChatURLCitationAnnotation | UnknownChatAnnotation, TypeTagged()]


class ChatCompletionAudio(WireModel):
    """Audio the model spoke: base64 ``data``, its ``transcript``, and an ``id`` to refer back."""

    id: str | None = None
    data: str
    transcript: str
    expires_at: int


class ChatCompletionMessage(WireModel):
    """The assistant message of a ``ChatCompletion`` choice.

    ``role`` is ``"assistant"``. Besides the spec's fields it declares the reasoning fields
    providers add: ``reasoning_content`` (DeepSeek), ``reasoning`` (vLLM >= 0.16,
    OpenRouter) and ``reasoning_details`` (OpenRouter, a list of objects).
    """

    role: str = "assistant"
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[AnyChatToolCall] | None = None
    annotations: list[ChatAnnotation] | None = None
    audio: ChatCompletionAudio | None = None
    function_call: ChatFunctionCall | None = None
    reasoning_content: str | None = None
    reasoning: str | None = None
    reasoning_details: list[dict[str, Any]] | None = None


# --- moderation ------------------------------------------------------------------------


class ChatModerationResult(WireModel):
    """One moderation verdict: whether it was ``flagged``, and per-category detail."""

    type: str
    model: str | None = None
    flagged: bool
    categories: dict[str, bool]
    category_scores: dict[str, int | float]
    category_applied_input_types: dict[str, list[str]]


class ChatModerationResults(WireModel):
    """Moderation ran: ``{"type": "moderation_results", "model", "results"}``."""

    type: Literal["moderation_results"] = "moderation_results"
    model: str | None = None
    results: list[ChatModerationResult]


class ChatModerationError(WireModel):
    """Moderation failed: ``{"type": "error", "code", "message"}``."""

    type: Literal["error"] = "error"
    code: str
    message: str


class UnknownChatModerationOutcome(WireModel):
    """A moderation outcome of a type wireshift does not know, kept whole."""

    type: str


ChatModerationOutcome = Annotated[
    ChatModerationResults | ChatModerationError | UnknownChatModerationOutcome,
    TypeTagged(),
]


class ChatCompletionModeration(WireModel):
    """Moderation of the request ``input`` and the reply ``output``."""

    input: ChatModerationOutcome
    output: ChatModerationOutcome | None = None


# --- errors ----------------------------------------------------------------------------


class ChatError(WireModel):
    """An error: ``message``, and ``type``, ``param`` and ``code`` when the provider sends
    them. ``code`` is a string for OpenAI and an HTTP status number for some providers
    (vLLM, OpenRouter)."""

    message: str
    type: str | None = None
    param: str | None = None
    code: str | int | None = None


class ChatErrorBody(WireModel):
    """An error response body, ``{"error": {...}}``."""

    error: ChatError | None = None


# --- ChatCompletion --------------------------------------------------------------------


class ChatCompletionChoice(WireModel):
    """One choice of a ``ChatCompletion``; ``finish_reason`` is ``stop``, ``length``,
    ``tool_calls``, ``content_filter`` or ``function_call`` (providers add others)."""

    index: int | None = None
    message: ChatCompletionMessage
    finish_reason: str | None = None
    logprobs: ChatChoiceLogprobs | None = None


class ChatCompletion(WireModel):
    """The reply to a non-streaming request, ``object: "chat.completion"``."""

    id: str | None = None
    object: str | None = "chat.completion"
    created: int | None = None
    model: str | None = None
    choices: list[ChatCompletionChoice]
    usage: ChatCompletionUsage | None = None
    service_tier: str | None = None
    system_fingerprint: str | None = None
    metadata: dict[str, Any] | None = None
    moderation: ChatCompletionModeration | None = None


# --- ChatCompletionChunk ---------------------------------------------------------------


class FunctionCallDelta(WireModel):
    """A piece of a function call: the ``name`` (usually once) and an ``arguments`` fragment."""

    name: str | None = None
    arguments: str | None = None


class ToolCallDelta(WireModel):
    """A piece of a tool call, placed by ``index``.

    The first piece usually carries ``id``, ``type`` and the name; later pieces only argument
    fragments. Some providers send a whole call in one piece (Ollama), repeat an ``index``
    for different calls, or leave ``index`` out, so it is optional.
    """

    index: int | None = None
    id: str | None = None
    type: str | None = None
    function: FunctionCallDelta | None = None


class ChunkDelta(WireModel):
    """What one chunk adds to a choice. ``role`` (usually ``assistant``) comes first, once."""

    role: str | None = None
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ToolCallDelta] | None = None
    function_call: FunctionCallDelta | None = None
    reasoning_content: str | None = None
    reasoning: str | None = None
    reasoning_details: list[dict[str, Any]] | None = None


class ChunkChoice(WireModel):
    """One choice of a chunk. ``delta`` reads as empty when absent: Azure's content-filter
    chunks carry choices with filter results and no delta."""

    index: int | None = None
    delta: ChunkDelta = Field(default_factory=ChunkDelta)
    finish_reason: str | None = None
    logprobs: ChatChoiceLogprobs | None = None


class ChatCompletionChunk(WireModel):
    """One event of a streaming reply, ``object: "chat.completion.chunk"``.

    Tolerates what providers send: ``choices: []`` (Azure's first chunk, the usage-only
    chunk after ``stream_options.include_usage``) or no ``choices`` at all; no ``id``,
    ``created`` or ``model`` (Ollama-style); ``usage`` on any chunk; and a mid-stream
    ``error`` object.
    """

    id: str | None = None
    object: str | None = "chat.completion.chunk"
    created: int | None = None
    model: str | None = None
    choices: list[ChunkChoice] = Field(default_factory=empty_list)
    usage: ChatCompletionUsage | None = None
    service_tier: str | None = None
    system_fingerprint: str | None = None
    obfuscation: str | None = None
    moderation: ChatCompletionModeration | None = None
    error: ChatError | None = None

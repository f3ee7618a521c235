"""The mapping rules every translation and accumulation shares, each in one place.

How a turn ends (chat ``finish_reason`` <-> Responses ``status`` and incomplete reason), how
usage counts are named, how a custom tool's raw input rides in chat arguments, how ids are
minted, and how an upstream failure is written as a Responses ``error``.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .chat._completion import (
    ChatCompletionTokensDetails,
    ChatCompletionUsage,
    ChatPromptTokensDetails,
)
from .responses._response import InputTokensDetails, OutputTokensDetails, ResponseUsage

if TYPE_CHECKING:
    from ._errors import UpstreamError

__all__ = [
    "CUSTOM_INPUT_CLOSE",
    "CUSTOM_INPUT_OPEN",
    "FAILED_FINISH_REASONS",
    "chat_finish_reason",
    "chat_usage_to_responses",
    "custom_input_arguments",
    "custom_input_from_arguments",
    "custom_input_piece",
    "incomplete_reason",
    "joined_reasoning",
    "new_id",
    "reasoning_item_text",
    "response_error",
    "responses_usage_to_chat",
]

# --- how a turn ends ------------------------------------------------------------------------

# Chat finish reasons that say the turn failed (OpenRouter ends a choice that errored so).
FAILED_FINISH_REASONS = frozenset({"error"})

# Chat finish reasons that stop a response early, and the Responses reason each becomes.
_INCOMPLETE_REASONS = {"length": "max_output_tokens", "content_filter": "content_filter"}


def incomplete_reason(finish_reason: str | None) -> str | None:
    """The Responses ``incomplete_details.reason`` for a chat ``finish_reason``; ``None``
    when the turn completed."""
    return _INCOMPLETE_REASONS.get(finish_reason or "")


def chat_finish_reason(status: str | None, reason: str | None, *, called_tools: bool) -> str:
    """The chat ``finish_reason`` for a Responses ``status`` and incomplete ``reason``."""
    if status == "incomplete" or reason is not None:
        return "content_filter" if reason == "content_filter" else "length"
    return "tool_calls" if called_tools else "stop"


# --- reasoning ----------------------------------------------------------------------------


def joined_reasoning(texts: Iterable[Any]) -> str | None:
    """The reasoning text of a chat delta or message, from the values of its reasoning fields
    in the profile's order: each distinct non-empty text once (vLLM sends the same text under
    both ``reasoning`` and ``reasoning_content``), joined; ``None`` when there is none."""
    found: str | None = None
    for text in texts:
        if not text or not isinstance(text, str):
            continue
        if found is None:
            found = text
        elif text != found:
            found += text
    return found


def reasoning_item_text(summary: Iterable[str], content: Iterable[str]) -> str:
    """The chat reasoning text of a Responses ``reasoning`` item: its summary parts (each a
    paragraph) then its ``reasoning_text`` content, as their deltas stream them."""
    # A part of a kind wireshift does not know may hold anything as its text.
    texts = [text for text in summary if type(text) is str]
    return "\n\n".join(texts) + "".join(text for text in content if type(text) is str)


# --- usage ----------------------------------------------------------------------------------


def chat_usage_to_responses(usage: ChatCompletionUsage) -> ResponseUsage:
    """Chat usage counts under their Responses names, with cached and reasoning details."""
    prompt = usage.prompt_tokens or 0
    completion = usage.completion_tokens or 0
    total = usage.total_tokens if usage.total_tokens is not None else prompt + completion
    details = usage.prompt_tokens_details
    cached = details.cached_tokens if details else None
    cache_write = details.cache_write_tokens if details else None
    out = usage.completion_tokens_details
    reasoning = out.reasoning_tokens if out else None
    return ResponseUsage.model_construct(
        input_tokens=prompt,
        input_tokens_details=InputTokensDetails.model_construct(
            cached_tokens=cached or 0, cache_write_tokens=cache_write or 0
        ),
        output_tokens=completion,
        output_tokens_details=OutputTokensDetails.model_construct(reasoning_tokens=reasoning or 0),
        total_tokens=total,
    )


def responses_usage_to_chat(usage: ResponseUsage) -> ChatCompletionUsage:
    """Responses usage counts under their Chat names."""
    prompt = usage.input_tokens or 0
    completion = usage.output_tokens or 0
    fields: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": usage.total_tokens
        if usage.total_tokens is not None
        else prompt + completion,
    }
    if usage.input_tokens_details and usage.input_tokens_details.cached_tokens is not None:
        fields["prompt_tokens_details"] = ChatPromptTokensDetails(
            cached_tokens=usage.input_tokens_details.cached_tokens
        )
    if usage.output_tokens_details and usage.output_tokens_details.reasoning_tokens is not None:
        fields["completion_tokens_details"] = ChatCompletionTokensDetails(
            reasoning_tokens=usage.output_tokens_details.reasoning_tokens
        )
    return ChatCompletionUsage(**fields)


# --- a custom tool's input in chat arguments ------------------------------------------------

# A custom (freeform) tool goes to chat as a function of one string parameter, `input`.
CUSTOM_INPUT_OPEN = '{"input": "'
CUSTOM_INPUT_CLOSE = '"}'


def custom_input_arguments(text: str) -> str:
    """The chat arguments that carry a custom tool's raw input."""
    return CUSTOM_INPUT_OPEN + custom_input_piece(text) + CUSTOM_INPUT_CLOSE


def custom_input_piece(text: str) -> str:
    """A piece of raw input as it stands inside the arguments' JSON string: pieces streamed
    this way join into :func:`custom_input_arguments` of the whole input."""
    return json.dumps(text)[1:-1]


def custom_input_from_arguments(arguments: str) -> str:
    """A custom tool's raw input from chat arguments ``{"input": "..."}``; arguments of any
    other shape are taken as the input itself."""
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return arguments
    text = parsed.get("input") if isinstance(parsed, dict) else None
    return text if isinstance(text, str) else arguments


# --- ids ------------------------------------------------------------------------------------


def wire_id(item: Any) -> str | None:
    """An item's ``id`` when it is text: an item of an unknown type may carry any value
    there, and ids are used as keys."""
    value = getattr(item, "id", None)
    return value if type(value) is str else None


def whole_seconds(value: Any) -> int | None:
    """A wire timestamp (``created``, ``created_at``) as whole seconds; ``None`` for ``NaN``,
    infinities and anything that is not a number (Python's ``json`` reads ``Infinity``)."""
    if type(value) is int:
        return value
    if type(value) is float and math.isfinite(value):
        return int(value)
    return None


def new_id(prefix: str) -> str:
    """A fresh id with the prefix upstreams expect (``resp``, ``msg``, ``fc``, ``call``...)."""
    return f"{prefix}_{secrets.token_hex(16)}"


# --- an upstream failure as a Responses error -----------------------------------------------

# ResponseErrorCode in the OpenAI spec that a chat upstream can cause, and the codes clients act
# on that the real backends send although the spec's enum lacks them (Codex stops retrying on
# them, and says why). Any other canonical code goes out as the nearest spec code. Not
# server_is_overloaded: Codex 0.169 takes it as final and prints its own "Selected model is at
# capacity" instead of the upstream's words, where server_error is retried and shown.
_OPENAI_ERROR_CODES = frozenset({"server_error", "rate_limit_exceeded", "invalid_prompt"})
_ACTED_ON_CODES = frozenset({"context_length_exceeded", "insufficient_quota", "usage_not_included"})
# A request that can never succeed goes out as invalid_prompt, the spec's one code a client
# does not retry; the rest (a cut, an unreachable or unreadable upstream) as server_error.
_NEAREST_CODE = dict.fromkeys(
    ("invalid_request_error", "authentication_error", "permission_denied", "model_not_found"),
    "invalid_prompt",
)


def response_error(error: UpstreamError, *, open_responses: bool) -> dict[str, Any]:
    """The ``response.error`` object of ``response.failed`` for an upstream failure: the
    canonical code (in the OpenAI dialect, the nearest the clients read), the upstream's own
    as ``upstream_code`` when it differs, and its message (see
    :meth:`UpstreamError.client_message`)."""
    code = error.code
    if not open_responses and code not in _OPENAI_ERROR_CODES | _ACTED_ON_CODES:
        code = _NEAREST_CODE.get(code, "server_error")
    fields: dict[str, Any] = {"code": code, "message": error.client_message()}
    own = error.upstream_code or (error.code if code != error.code else None)
    if own and own != code:
        fields["upstream_code"] = own
    return fields

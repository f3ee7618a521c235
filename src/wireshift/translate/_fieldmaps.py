"""Field-level translation rules, as data: what maps to what, and what is dropped and why.

Every top-level field of a request model is in exactly one table of its direction (a test
checks it), so a field added to a model cannot be ignored without a decision here:

* ``*_COPY``: sent as it is, under the name given;
* ``*_DROP``: never sent; the note says why (``lossy=False`` when nothing the caller asked
  for is lost, so strict mode lets it pass);
* ``*_CODE``: handled by the translator's code (messages, tools, formats...).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "CHAT_GATES",
    "CHAT_TO_RESPONSES_CODE",
    "CHAT_TO_RESPONSES_COPY",
    "CHAT_TO_RESPONSES_DROP",
    "INCLUDE_WITHOUT_CHAT_FORM",
    "ITEMS_WITHOUT_CHAT_FORM",
    "RESPONSES_TO_CHAT_CODE",
    "RESPONSES_TO_CHAT_COPY",
    "RESPONSES_TO_CHAT_DROP",
    "TOOLS_WITHOUT_CHAT_FORM",
    "TOOL_CHOICES_WITHOUT_CHAT_FORM",
    "Drop",
    "Gate",
]


class Drop(NamedTuple):
    """Why a field is not sent, and whether the caller loses anything by it."""

    reason: str
    lossy: bool = True


# --- Responses -> Chat ---------------------------------------------------------------------

RESPONSES_TO_CHAT_COPY: dict[str, str] = {
    "model": "model",
    "temperature": "temperature",
    "top_p": "top_p",
    "presence_penalty": "presence_penalty",
    "frequency_penalty": "frequency_penalty",
    "max_output_tokens": "max_completion_tokens",
    "parallel_tool_calls": "parallel_tool_calls",
    "user": "user",
    "safety_identifier": "safety_identifier",
    "metadata": "metadata",
    "service_tier": "service_tier",
    "prompt_cache_key": "prompt_cache_key",
    "prompt_cache_retention": "prompt_cache_retention",
    "prompt_cache_options": "prompt_cache_options",
    "moderation": "moderation",
    "stream": "stream",
}

RESPONSES_TO_CHAT_DROP: dict[str, Drop] = {
    "store": Drop(
        "Chat Completions keeps no conversation state (its `store` keeps completions for "
        "evals), so there is nothing to store",
        lossy=False,
    ),
    "truncation": Drop("Chat Completions has no truncation setting"),
    "background": Drop("Chat Completions has no background mode"),
    "max_tool_calls": Drop("Chat Completions has no limit on tool calls"),
    "context_management": Drop("Chat Completions has no server-side compaction"),
    "client_metadata": Drop(
        "Codex's per-turn ids are for the Responses server; Chat Completions has no such field",
        lossy=False,
    ),
    "prompt": Drop(
        "a stored prompt template lives on the OpenAI server; resolve it into `instructions` "
        "and `input` before translating"
    ),
}

RESPONSES_TO_CHAT_CODE: frozenset[str] = frozenset(
    {
        "input",
        "instructions",
        "tools",
        "tool_choice",
        "text",
        "reasoning",
        "top_logprobs",
        "include",
        "stream_options",
        "previous_response_id",
        "conversation",
    }
)

INCLUDE_WITHOUT_CHAT_FORM: dict[str, Drop] = {
    "reasoning.encrypted_content": Drop(
        "chat backends return no encrypted reasoning; reasoning text comes back instead",
        lossy=False,
    ),
}
"""`include` values and why each has no Chat form (``message.output_text.logprobs``
becomes ``logprobs: true``; any other value is dropped as lossy)."""

ITEMS_WITHOUT_CHAT_FORM: dict[str, str] = {
    "item_reference": "an item stored on the OpenAI server; pass the item itself",
    "web_search_call": "a web search the Responses server ran; Chat history has no such entry",
    "file_search_call": "a file search the Responses server ran; Chat history has no such entry",
    "computer_call": "computer use has no function form a chat model knows",
    "computer_call_output": "computer use has no function form a chat model knows",
    "image_generation_call": "an image the Responses server generated",
    "code_interpreter_call": "code the Responses server ran",
    "mcp_list_tools": "MCP tools the Responses server listed",
    "mcp_approval_request": "MCP approvals belong to the Responses server",
    "mcp_approval_response": "MCP approvals belong to the Responses server",
    "mcp_call": "an MCP call the Responses server made",
    "tool_search_call": "tool search has no Chat form",
    "tool_search_output": "tool search has no Chat form",
    "program": "programmatic tool calling has no Chat form",
    "program_output": "programmatic tool calling has no Chat form",
    "compaction": "compacted context only the OpenAI server can read",
    "compaction_trigger": "compaction is done by the Responses server",
    "agent_message": "multi-agent items have no Chat form",
    "multi_agent_call": "multi-agent items have no Chat form",
    "multi_agent_call_output": "multi-agent items have no Chat form",
}
"""Responses item types with no Chat Completions form, and why."""

TOOLS_WITHOUT_CHAT_FORM: dict[str, str] = {
    "file_search": "a hosted tool the Responses server runs",
    "computer": "computer use has no function form a chat model knows",
    "computer_use_preview": "computer use has no function form a chat model knows",
    "mcp": "the Responses server calls MCP servers itself; a chat backend cannot",
    "code_interpreter": "a hosted tool the Responses server runs",
    "programmatic_tool_calling": "a hosted tool the Responses server runs",
    "image_generation": "a hosted tool the Responses server runs",
    "tool_search": "a hosted tool the Responses server runs",
}
"""Responses tool types with no Chat Completions form, and why (``web_search`` becomes
``web_search_options``; function, custom, namespace, local_shell, shell and apply_patch
become functions)."""

TOOL_CHOICES_WITHOUT_CHAT_FORM: dict[str, str] = {
    "file_search": "the tool it forces has no Chat form",
    "web_search_preview": "Chat web search cannot be forced",
    "web_search_preview_2025_03_11": "Chat web search cannot be forced",
    "computer": "the tool it forces has no Chat form",
    "computer_use": "the tool it forces has no Chat form",
    "computer_use_preview": "the tool it forces has no Chat form",
    "image_generation": "the tool it forces has no Chat form",
    "code_interpreter": "the tool it forces has no Chat form",
    "mcp": "the tool it forces has no Chat form",
    "programmatic_tool_calling": "the tool it forces has no Chat form",
}

# --- Chat -> Responses ---------------------------------------------------------------------

CHAT_TO_RESPONSES_COPY: dict[str, str] = {
    "model": "model",
    "temperature": "temperature",
    "top_p": "top_p",
    "top_logprobs": "top_logprobs",
    "max_completion_tokens": "max_output_tokens",
    "parallel_tool_calls": "parallel_tool_calls",
    "store": "store",
    "user": "user",
    "safety_identifier": "safety_identifier",
    "metadata": "metadata",
    "service_tier": "service_tier",
    "prompt_cache_key": "prompt_cache_key",
    "prompt_cache_retention": "prompt_cache_retention",
    "prompt_cache_options": "prompt_cache_options",
    "moderation": "moderation",
    "stream": "stream",
}

CHAT_TO_RESPONSES_DROP: dict[str, Drop] = {
    "stop": Drop("the Responses API has no stop sequences"),
    "logit_bias": Drop("the Responses API has no logit bias"),
    "seed": Drop("the Responses API has no seed"),
    "presence_penalty": Drop("the Responses API has no presence penalty"),
    "frequency_penalty": Drop("the Responses API has no frequency penalty"),
    "audio": Drop("the Responses API has no audio output"),
    "prediction": Drop("the Responses API has no predicted outputs"),
}

CHAT_TO_RESPONSES_CODE: frozenset[str] = frozenset(
    {
        "messages",
        "tools",
        "tool_choice",
        "functions",
        "function_call",
        "response_format",
        "verbosity",
        "reasoning_effort",
        "max_tokens",
        "logprobs",
        "n",
        "modalities",
        "stream_options",
        "web_search_options",
    }
)

# --- backend rules for Chat bodies ----------------------------------------------------------


class Gate(NamedTuple):
    """A Chat request field sent only when the profile supports ``key``."""

    key: str
    lossy: bool = True


CHAT_GATES: dict[str, Gate] = {
    "metadata": Gate("metadata"),
    "store": Gate("store", lossy=False),
    "service_tier": Gate("service_tier"),
    "prompt_cache_key": Gate("prompt_cache_key", lossy=False),
    "prompt_cache_retention": Gate("prompt_cache_key", lossy=False),
    "prompt_cache_options": Gate("prompt_cache_key", lossy=False),
    "parallel_tool_calls": Gate("parallel_tool_calls"),
    # Usage is what stream_options asks for; without it the stream just ends without it.
    "stream_options": Gate("stream_options", lossy=False),
    "verbosity": Gate("verbosity"),
    "web_search_options": Gate("web_search_options"),
    "logprobs": Gate("logprobs"),
    "top_logprobs": Gate("logprobs"),
    "user": Gate("user", lossy=False),
    "safety_identifier": Gate("safety_identifier", lossy=False),
    "temperature": Gate("temperature"),
    "top_p": Gate("top_p"),
    "moderation": Gate("moderation"),
}
"""Chat request fields a profile may not take, keyed by field, with the
:attr:`~wireshift.Profile.supports` name that lets them through."""

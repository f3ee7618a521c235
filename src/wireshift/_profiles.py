"""Backend profiles: what each upstream accepts and sends, as data.

Translators and normalizers read these fields; no translation rule tests a backend's name.
Derive your own with :meth:`Profile.derive`::

    mine = PROFILES["vllm"].derive(name="my-vllm", tool_id_max_length=40)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from ._errors import WireshiftError

__all__ = ["PROFILES", "Profile", "UnknownProfileError", "get_profile"]

ChatField = Literal[
    "metadata",
    "store",
    "service_tier",
    "prompt_cache_key",
    "parallel_tool_calls",
    "stream_options",
    "verbosity",
    "web_search_options",
    "logprobs",
    "user",
    "safety_identifier",
    "json_schema",
    "temperature",
    "top_p",
]

_ALL_CHAT_FIELDS: frozenset[str] = frozenset(ChatField.__args__)  # type: ignore[attr-defined]


class UnknownProfileError(WireshiftError, KeyError):
    """A profile name that is not built in."""


@dataclass(frozen=True)
class Profile:
    """One backend's capabilities. Every field is data a translator reads."""

    name: str
    description: str = ""
    wire: Literal["chat", "responses"] = "chat"
    """The format the backend speaks."""

    # --- Chat Completions backends -------------------------------------------------------
    system_role: Literal["system", "developer"] = "system"
    """Role that carries instructions and system/developer input messages."""
    developer_role: bool = False
    """Whether ``developer`` messages are accepted as they are."""
    max_tokens_field: Literal["max_completion_tokens", "max_tokens"] = "max_completion_tokens"
    reasoning_effort_style: Literal["reasoning_effort", "reasoning_object"] | None = (
        "reasoning_effort"
    )
    """``reasoning_effort: "high"``, or OpenRouter's ``reasoning: {"effort": "high"}``, or none."""
    effort_values: tuple[str, ...] = ("minimal", "low", "medium", "high")
    """Effort values the backend accepts, lowest first; others map to the nearest."""
    reasoning_history_field: str | None = None
    """Field on assistant history messages that carries reasoning text back, if any."""
    reasoning_reply_fields: tuple[str, ...] = ("reasoning_content", "reasoning")
    """Fields of replies and deltas read as reasoning text, in order of preference."""
    think_tags: bool = False
    """Whether reasoning may arrive inside ``<think>...</think>`` in ``content``."""
    string_content_only: bool = False
    """Message content must be a plain string (parts are joined)."""
    supports: frozenset[str] = _ALL_CHAT_FIELDS
    """Optional request fields passed through; the rest are dropped with a note."""
    strict_tool_sequences: bool = False
    """Each assistant ``tool_calls`` message must be followed at once by one tool message
    per id: translated histories are repaired."""
    tool_id_max_length: int | None = None
    tool_id_pattern: str | None = None
    """Regex every tool-call id must fullmatch, if the backend restricts them."""
    drop_fields: frozenset[str] = frozenset()
    """Request fields always removed (with a note)."""

    # --- Responses backends --------------------------------------------------------------
    force_stream: bool = False
    force_store_false: bool = False
    require_instructions: bool = False
    default_instructions: str = "You are a helpful assistant."
    hoist_system_messages: bool = False
    """Move system/developer input messages into ``instructions``."""
    drop_item_types: frozenset[str] = frozenset()
    dialect: Literal["openai", "open-responses"] = "openai"
    """Event dialect of Responses streams written for this backend's clients."""

    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Room for a gateway's own settings; wireshift does not read it."""

    def derive(self, **changes: Any) -> Profile:
        """A copy with ``changes`` applied (``name`` included, so the copy is yours)."""
        return dataclasses.replace(self, **changes)

    def supports_field(self, name: str) -> bool:
        return name in self.supports and name not in self.drop_fields


_OPENAI = Profile(
    name="openai",
    description="OpenAI's own API: both wire formats, every field.",
    developer_role=True,
    effort_values=("none", "minimal", "low", "medium", "high", "xhigh"),
)

PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        _OPENAI,
        Profile(
            name="chatgpt-codex",
            description="The ChatGPT Codex backend (Responses only, always streams).",
            wire="responses",
            force_stream=True,
            force_store_false=True,
            require_instructions=True,
            hoist_system_messages=True,
            drop_fields=frozenset(
                {
                    "max_output_tokens",
                    "max_tokens",
                    "max_completion_tokens",
                    "temperature",
                    "metadata",
                }
            ),
            drop_item_types=frozenset({"item_reference"}),
        ),
        Profile(
            name="vllm",
            description="vLLM's OpenAI-compatible server (>= 0.16 names reasoning `reasoning`).",
            effort_values=("low", "medium", "high"),
            reasoning_history_field="reasoning",
            reasoning_reply_fields=("reasoning", "reasoning_content"),
            think_tags=True,
            supports=_ALL_CHAT_FIELDS
            - {
                "store",
                "service_tier",
                "prompt_cache_key",
                "safety_identifier",
                "metadata",
                "verbosity",
                "web_search_options",
            },
        ),
        Profile(
            name="deepseek",
            description="DeepSeek: requires `reasoning_content` back; strict tool sequences.",
            max_tokens_field="max_tokens",
            reasoning_effort_style=None,
            reasoning_history_field="reasoning_content",
            reasoning_reply_fields=("reasoning_content",),
            supports=frozenset(
                {
                    "stream_options",
                    "logprobs",
                    "user",
                    "temperature",
                    "top_p",
                    "parallel_tool_calls",
                }
            ),
            strict_tool_sequences=True,
        ),
        Profile(
            name="openrouter",
            description="OpenRouter: `reasoning` + `reasoning_details`, effort as an object.",
            reasoning_effort_style="reasoning_object",
            effort_values=("minimal", "low", "medium", "high"),
            reasoning_history_field="reasoning",
            reasoning_reply_fields=("reasoning", "reasoning_content"),
            strict_tool_sequences=True,
            supports=_ALL_CHAT_FIELDS - {"store", "prompt_cache_key", "verbosity"},
        ),
        Profile(
            name="ollama",
            description="Ollama's OpenAI-compatible endpoint: tool calls arrive whole.",
            max_tokens_field="max_tokens",
            effort_values=("low", "medium", "high"),
            reasoning_reply_fields=("reasoning", "reasoning_content"),
            think_tags=True,
            supports=frozenset(
                {"stream_options", "temperature", "top_p", "json_schema", "parallel_tool_calls"}
            ),
        ),
        Profile(
            name="litellm",
            description="A LiteLLM proxy: OpenAI-shaped, passes most fields on.",
            developer_role=True,
            reasoning_history_field="reasoning_content",
            reasoning_reply_fields=("reasoning_content", "reasoning"),
        ),
    )
}


def get_profile(profile: str | Profile | None) -> Profile:
    """A built-in profile by name, a :class:`Profile` as it is, or ``openai`` for ``None``."""
    if profile is None:
        return _OPENAI
    if isinstance(profile, Profile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise UnknownProfileError(
            f"unknown profile {profile!r}; built in: {', '.join(sorted(PROFILES))}"
        ) from None

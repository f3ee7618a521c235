"""Backend profiles: what each upstream accepts and sends, as data.

Translators and normalizers read these fields; no translation rule tests a backend's name.
Derive your own with :meth:`Profile.derive`::

    mine = PROFILES["vllm"].derive(name="my-vllm", tool_id_max_length=40)

The rules each built-in profile implies are listed in ``docs/profiles.md``; a test checks
that page against this data.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from ._errors import ArgumentTypeError, UnknownProfileError, quoted
from ._format import Format

__all__ = [
    "CHAT_OPTIONAL_FIELDS",
    "EFFORT_SCALE",
    "PROFILES",
    "TOOL_CHOICE_FORMS",
    "Profile",
    "get_profile",
]

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
    "moderation",
]

CHAT_OPTIONAL_FIELDS: frozenset[str] = frozenset(ChatField.__args__)  # type: ignore[attr-defined]
"""Names :attr:`Profile.supports` may hold. Most are Chat request fields; ``json_schema``
stands for ``response_format: {"type": "json_schema"}``, ``logprobs`` for ``logprobs`` and
``top_logprobs``, ``prompt_cache_key`` for every ``prompt_cache_*`` field."""

TOOL_CHOICE_FORMS: frozenset[str] = frozenset(
    {"auto", "none", "required", "function", "custom", "allowed_tools"}
)
"""Names :attr:`Profile.tool_choice_forms` may hold: the three string modes and the
``type`` of each object form."""

EFFORT_SCALE: tuple[str, ...] = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
"""Every reasoning effort value, lowest first: the scale "nearest value" is measured on."""


@dataclass(frozen=True)
class Profile:
    """One backend's capabilities. Every field is data a translator reads."""

    name: str
    description: str = ""
    wire: Format = "chat"
    """The format the backend speaks. ``translate_request(..., to=profile.wire)`` is the
    usual call; the fields of the other format keep their defaults."""

    # --- Chat Completions backends -------------------------------------------------------
    system_role: Literal["system", "developer"] = "system"
    """Role that carries instructions and system input messages."""
    developer_role: bool = False
    """Whether ``developer`` messages are accepted as they are (else they take
    :attr:`system_role`)."""
    merge_system_messages: bool = False
    """Merge every system/developer message into one, first in the history (chat templates
    that accept a single leading system message)."""
    max_tokens_field: Literal["max_completion_tokens", "max_tokens"] = "max_completion_tokens"
    reasoning_effort_style: Literal["reasoning_effort", "reasoning_object"] | None = (
        "reasoning_effort"
    )
    """``reasoning_effort: "high"``, or OpenRouter's ``reasoning: {"effort": "high"}``, or none."""
    effort_values: tuple[str, ...] = ("minimal", "low", "medium", "high")
    """Effort values the backend accepts, lowest first; others map to the nearest on
    :data:`EFFORT_SCALE` (ties go to the higher value)."""
    reasoning_history_field: str | None = None
    """Field on assistant history messages that carries reasoning text back, if any."""
    reasoning_details: bool = False
    """Whether assistant history messages may carry ``reasoning_details`` (OpenRouter)."""
    reasoning_required_with_tool_calls: bool = False
    """Assistant messages with ``tool_calls`` must carry the reasoning field, even empty."""
    reasoning_reply_fields: tuple[str, ...] = ("reasoning_content", "reasoning")
    """Fields of replies and deltas read as reasoning text, in order of preference."""
    think_tags: bool = False
    """Whether reasoning may arrive inside ``<think>...</think>`` in ``content``."""
    string_content_only: bool = False
    """Message content must be a plain string (text parts are joined, others dropped)."""
    tool_output_images: bool = False
    """Whether ``tool`` messages may carry image parts (the OpenAI spec allows text only)."""
    supports: frozenset[str] = CHAT_OPTIONAL_FIELDS
    """Optional request fields passed through (see :data:`CHAT_OPTIONAL_FIELDS`); the rest
    are dropped with a note."""
    tool_choice_forms: frozenset[str] = TOOL_CHOICE_FORMS
    """``tool_choice`` forms accepted (see :data:`TOOL_CHOICE_FORMS`). The others are
    rewritten to an equivalent the backend takes: a named tool becomes ``required`` with only
    that tool offered, ``none`` becomes no tools offered, ``required`` becomes ``auto``."""
    strict_tool_sequences: bool = True
    """Each assistant ``tool_calls`` message must be followed at once by one tool message
    per id, so translated histories are repaired (messages that came between a call and its
    output move after the outputs, noted). True for every built-in profile: OpenAI answers
    400 otherwise, and vLLM's, Ollama's and LiteLLM's chat templates reject or mangle such a
    history. ``derive(strict_tool_sequences=False)`` sends histories as they come."""
    tool_id_max_length: int | None = None
    tool_id_pattern: str | None = None
    """Regex every tool-call id must fullmatch, if the backend restricts them."""
    drop_fields: frozenset[str] = frozenset()
    """Request fields always removed (with a note)."""

    # --- Responses backends --------------------------------------------------------------
    force_stream: bool = False
    force_store_false: bool = False
    require_instructions: bool = False
    """``instructions`` must be a non-empty string: :attr:`default_instructions` is set
    when none remain."""
    default_instructions: str = "You are a helpful assistant."
    hoist_system_messages: bool = False
    """Move system/developer input messages into ``instructions``."""
    drop_item_types: frozenset[str] = frozenset()
    plain_reasoning_items: bool = True
    """Whether reasoning items without ``encrypted_content`` are accepted in ``input``."""
    dialect: Literal["openai", "open-responses"] = "openai"
    """Event dialect of Responses streams written for this backend's clients."""
    tool_types: frozenset[str] | None = None
    """Responses tool types the backend takes as they are; ``None``: every type. The
    ``namespace``, ``custom``, ``local_shell``, ``shell`` and ``apply_patch`` tools it does
    not take are flattened into function tools (their calls and outputs in ``input`` too, and
    the translation back restores them from ``tool_names``); other types it does not take
    (hosted tools: ``web_search``, ``image_generation``...) are dropped with a note."""
    stateless: bool = False
    """The backend keeps no responses: a ``previous_response_id`` or ``conversation`` is
    replaced by the earlier items (``previous_items=`` or ``resolver=``), never sent to be
    ignored."""
    encrypted_reasoning: bool = True
    """Whether the backend reads OpenAI's reasoning ``encrypted_content``. When not, it is
    left out (noted), and a wireshift reasoning envelope becomes plain reasoning text."""

    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Room for a gateway's own settings; wireshift does not read it."""

    @property
    def reasoning_reply_field(self) -> str:
        """The field reasoning text is written to in chat replies: the first of
        :attr:`reasoning_reply_fields` (``reasoning_content`` when there is none)."""
        fields = self.reasoning_reply_fields
        return fields[0] if fields else "reasoning_content"

    def derive(self, **changes: Any) -> Profile:
        """A copy with ``changes`` applied (``name`` included, so the copy is yours)."""
        return dataclasses.replace(self, **changes)

    def supports_field(self, name: str) -> bool:
        return name in self.supports and name not in self.drop_fields

    def nearest_effort(self, value: str) -> str | None:
        """The effort value to send for ``value``: itself when accepted, else the nearest
        accepted one on :data:`EFFORT_SCALE` (ties go up), ``None`` when there is none."""
        if value in self.effort_values:
            return value
        if value not in EFFORT_SCALE:
            return None
        wanted = EFFORT_SCALE.index(value)
        ranked = [
            (abs(EFFORT_SCALE.index(v) - wanted), -EFFORT_SCALE.index(v), v)
            for v in self.effort_values
            if v in EFFORT_SCALE
        ]
        return min(ranked)[2] if ranked else None


_OPENAI = Profile(
    name="openai",
    description="OpenAI's own API: both wire formats, every field.",
    developer_role=True,
    effort_values=EFFORT_SCALE,
)

_CHAT_TOOL_CHOICES = frozenset({"auto", "none", "required", "function"})

PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        _OPENAI,
        Profile(
            name="chatgpt-codex",
            description="The ChatGPT Codex backend (Responses only, always streams).",
            wire="responses",
            effort_values=EFFORT_SCALE,
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
            plain_reasoning_items=False,
        ),
        Profile(
            name="vllm",
            description="vLLM's OpenAI-compatible server (>= 0.16 names reasoning `reasoning`).",
            merge_system_messages=True,
            effort_values=("low", "medium", "high"),
            reasoning_history_field="reasoning",
            reasoning_reply_fields=("reasoning", "reasoning_content"),
            think_tags=True,
            supports=frozenset(
                {
                    "parallel_tool_calls",
                    "stream_options",
                    "logprobs",
                    "user",
                    "json_schema",
                    "temperature",
                    "top_p",
                }
            ),
            tool_choice_forms=_CHAT_TOOL_CHOICES,
        ),
        Profile(
            name="deepseek",
            description="DeepSeek: requires `reasoning_content` back; strict tool sequences.",
            max_tokens_field="max_tokens",
            reasoning_effort_style=None,
            reasoning_history_field="reasoning_content",
            reasoning_required_with_tool_calls=True,
            reasoning_reply_fields=("reasoning_content",),
            string_content_only=True,
            supports=frozenset({"stream_options", "logprobs", "temperature", "top_p"}),
            tool_choice_forms=_CHAT_TOOL_CHOICES,
        ),
        Profile(
            name="openrouter",
            description="OpenRouter: `reasoning` + `reasoning_details`, effort as an object.",
            reasoning_effort_style="reasoning_object",
            effort_values=("minimal", "low", "medium", "high"),
            reasoning_history_field="reasoning",
            reasoning_details=True,
            reasoning_reply_fields=("reasoning", "reasoning_content"),
            # Routes tool results to providers that take images in them.
            tool_output_images=True,
            supports=CHAT_OPTIONAL_FIELDS
            - {"store", "prompt_cache_key", "verbosity", "moderation"},
            tool_choice_forms=_CHAT_TOOL_CHOICES,
        ),
        Profile(
            name="ollama",
            description="Ollama's OpenAI-compatible endpoint: tool calls arrive whole.",
            merge_system_messages=True,
            max_tokens_field="max_tokens",
            effort_values=("low", "medium", "high"),
            reasoning_reply_fields=("reasoning", "reasoning_content"),
            think_tags=True,
            supports=frozenset({"stream_options", "temperature", "top_p", "json_schema"}),
            # Ollama ignores tool_choice: offering no tools is the only way to say "none".
            tool_choice_forms=frozenset({"auto"}),
        ),
        Profile(
            name="litellm",
            description="A LiteLLM proxy: OpenAI-shaped, passes most fields on.",
            developer_role=True,
            reasoning_history_field="reasoning_content",
            reasoning_reply_fields=("reasoning_content", "reasoning"),
            tool_output_images=True,
        ),
    )
}


_PLAIN_FUNCTIONS = frozenset({"function"})
_RESPONSES_EFFORTS = ("low", "medium", "high")


def _native_responses(name: str, description: str, **changes: Any) -> Profile:
    """A server's own ``/v1/responses``: function tools only, no stored responses, no
    OpenAI encrypted reasoning, unless ``changes`` say otherwise (sources: docs/profiles.md)."""
    fields: dict[str, Any] = {
        "wire": "responses",
        "effort_values": _RESPONSES_EFFORTS,
        "tool_types": _PLAIN_FUNCTIONS,
        "stateless": True,
        "encrypted_reasoning": False,
        **changes,
    }
    return Profile(name=name, description=description, **fields)


for _profile in (
    _native_responses(
        "ollama-responses",
        "Ollama's own /v1/responses: stateless; namespaced calls come back as `ns.name`.",
    ),
    _native_responses(
        "vllm-responses",
        "vLLM's own /v1/responses: namespaced calls come back flattened; no store by default.",
    ),
    _native_responses(
        "lmstudio-responses",
        "LM Studio's own /v1/responses: keeps responses; rejects namespace tools with a 400.",
        stateless=False,
    ),
    _native_responses(
        "llamacpp-responses",
        "llama.cpp's llama-server /v1/responses: skips every tool that is not a function.",
    ),
    _native_responses(
        "openrouter-responses",
        "OpenRouter's Responses API (beta): stateless, rejects store true; web search.",
        effort_values=("minimal", "low", "medium", "high"),
        tool_types=frozenset({"function", "web_search"}),
        force_store_false=True,
    ),
    _native_responses(
        "deepseek-responses",
        "DeepSeek's Responses API: server-side web search; effort up to `max`.",
        effort_values=("low", "medium", "high", "max"),
        tool_types=frozenset({"function", "web_search"}),
        drop_fields=frozenset({"prompt_cache_key"}),
    ),
):
    PROFILES[_profile.name] = _profile


def get_profile(profile: str | Profile | None) -> Profile:
    """A built-in profile by name, a :class:`Profile` as it is, or ``openai`` for ``None``."""
    if profile is None:
        return _OPENAI
    if isinstance(profile, Profile):
        return profile
    if not isinstance(profile, str):
        raise ArgumentTypeError(
            f"profile is a name or a Profile, not {type(profile).__name__}", argument="profile"
        )
    try:
        return PROFILES[profile]
    except KeyError:
        raise UnknownProfileError(
            f"unknown profile {quoted(profile)}; built in: {', '.join(sorted(PROFILES))}",
            argument="profile",
        ) from None

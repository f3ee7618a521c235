"""Chat Completions messages, their content parts, and the tool calls an assistant makes.

Messages are tagged by ``role``, content parts and tool calls by ``type``; each union has a
fallback member that keeps a role or type wireshift does not know, whole.
"""

# Annotations stay objects (no `from __future__ import annotations`): pydantic would
# evaluate each string again when the classes are made, 5-8% of a cold start.

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Tag

from .._model import TypeTagged, UnionParser, WireModel, by_json_kind

__all__ = [
    "AnyChatToolCall",
    "AssistantMessage",
    "ChatAudioRef",
    "ChatContentPart",
    "ChatCustomCall",
    "ChatCustomToolCall",
    "ChatFile",
    "ChatFilePart",
    "ChatFunctionCall",
    "ChatImagePart",
    "ChatImageURL",
    "ChatInputAudio",
    "ChatInputAudioPart",
    "ChatMessage",
    "ChatMessageContent",
    "ChatPromptCacheBreakpoint",
    "ChatRefusalPart",
    "ChatTextPart",
    "ChatToolCall",
    "DeveloperMessage",
    "FunctionMessage",
    "SystemMessage",
    "ToolMessage",
    "UnknownChatContentPart",
    "UnknownChatMessage",
    "UnknownChatToolCall",
    "UserMessage",
    "parse_chat_content_part",
    "parse_chat_message",
    "parse_chat_tool_call",
]


# Fields that hold "a string or something else" pick their branch by the JSON kind of the
# value instead of trying each in turn: faster, and an error names the field inside the
# branch that applies (`content[1].image_url.url`), not every branch at once. The tag names
# are ones PayloadError leaves out of paths.
# --- content parts ---------------------------------------------------------------------


class ChatPromptCacheBreakpoint(WireModel):
    """Marks the end of a prompt prefix to cache; ``mode`` is ``"explicit"``."""

    mode: str


class ChatTextPart(WireModel):
    """``{"type": "text", "text": ...}``: text in any role's content."""

    type: Literal["text"] = "text"
    text: str
    prompt_cache_breakpoint: ChatPromptCacheBreakpoint | None = None


class ChatImageURL(WireModel):
    """An image by URL or ``data:`` URL; ``detail`` is ``auto``, ``low`` or ``high``."""

    url: str
    detail: str | None = None


class ChatImagePart(WireModel):
    """``{"type": "image_url", "image_url": {"url", "detail"}}`` in user content."""

    type: Literal["image_url"] = "image_url"
    image_url: ChatImageURL
    prompt_cache_breakpoint: ChatPromptCacheBreakpoint | None = None


class ChatInputAudio(WireModel):
    """Base64 audio; ``format`` is ``wav`` or ``mp3``."""

    data: str
    format: str


class ChatInputAudioPart(WireModel):
    """``{"type": "input_audio", "input_audio": {"data", "format"}}`` in user content."""

    type: Literal["input_audio"] = "input_audio"
    input_audio: ChatInputAudio
    prompt_cache_breakpoint: ChatPromptCacheBreakpoint | None = None


class ChatFile(WireModel):
    """A file given inline (``file_data``, base64) or by an uploaded ``file_id``."""

    file_data: str | None = None
    file_id: str | None = None
    filename: str | None = None


class ChatFilePart(WireModel):
    """``{"type": "file", "file": {...}}`` in user content."""

    type: Literal["file"] = "file"
    file: ChatFile
    prompt_cache_breakpoint: ChatPromptCacheBreakpoint | None = None


class ChatRefusalPart(WireModel):
    """``{"type": "refusal", "refusal": ...}`` in assistant content."""

    type: Literal["refusal"] = "refusal"
    refusal: str | None = None


class UnknownChatContentPart(WireModel):
    """A content part of a type wireshift does not know, kept whole."""

    type: str


ChatContentPart = Annotated[
    ChatTextPart
    | ChatImagePart
    | ChatInputAudioPart
    | ChatFilePart
    | ChatRefusalPart
    | UnknownChatContentPart,
    TypeTagged(),
]
"""One part of a message's content. The spec allows only some parts per role (text only for
system, developer and tool; text and refusal for assistant); every role accepts every part
here, since the role rules are the upstream's to enforce."""

ChatMessageContent = Annotated[
    Annotated[str, Tag("str")] | Annotated[list[ChatContentPart], Tag("list")],
    by_json_kind("str", "list"),
]
"""Message content: a string, or a list of content parts."""


# --- tool calls ------------------------------------------------------------------------


class ChatFunctionCall(WireModel):
    """The function an assistant calls: ``name`` and ``arguments`` (a JSON string).

    The ``function`` of a tool call, and the legacy ``function_call`` of a message.
    """

    name: str
    arguments: str


class ChatCustomCall(WireModel):
    """The custom tool an assistant calls: ``name`` and free-form ``input``."""

    name: str
    input: str


class ChatToolCall(WireModel):
    """A function tool call: ``{"id", "type": "function", "function": {name, arguments}}``."""

    type: Literal["function"] = "function"
    id: str | None = None
    function: ChatFunctionCall


class ChatCustomToolCall(WireModel):
    """A custom tool call: ``{"id", "type": "custom", "custom": {name, input}}``."""

    type: Literal["custom"] = "custom"
    id: str | None = None
    custom: ChatCustomCall


class UnknownChatToolCall(WireModel):
    """A tool call of a type wireshift does not know, kept whole."""

    type: str


def _infer_tool_call_type(call: Mapping[str, Any]) -> str | None:
    # Some providers leave `type` out of tool calls; the body key says which kind it is.
    if "function" in call:
        return "function"
    if "custom" in call:
        return "custom"
    return None


AnyChatToolCall = Annotated[
    ChatToolCall | ChatCustomToolCall | UnknownChatToolCall,
    TypeTagged(infer=_infer_tool_call_type),
]
"""One entry of an assistant's ``tool_calls``."""


# --- messages --------------------------------------------------------------------------


class SystemMessage(WireModel):
    """``role: "system"``: instructions from the application."""

    role: Literal["system"] = "system"
    content: ChatMessageContent | None = None
    name: str | None = None


class DeveloperMessage(WireModel):
    """``role: "developer"``: instructions that newer models take in place of system ones."""

    role: Literal["developer"] = "developer"
    content: ChatMessageContent | None = None
    name: str | None = None


class UserMessage(WireModel):
    """``role: "user"``: text, images, audio or files from the user."""

    role: Literal["user"] = "user"
    content: ChatMessageContent | None = None
    name: str | None = None


class ChatAudioRef(WireModel):
    """A previous audio response from the model, by ``id``."""

    id: str | None = None


class AssistantMessage(WireModel):
    """``role: "assistant"``: an earlier model turn, sent back as history.

    Besides the spec's fields it declares the reasoning fields providers add:
    ``reasoning_content`` (DeepSeek, which requires it back on turns with tool calls),
    ``reasoning`` (vLLM >= 0.16, OpenRouter) and ``reasoning_details`` (OpenRouter).
    """

    role: Literal["assistant"] = "assistant"
    content: ChatMessageContent | None = None
    refusal: str | None = None
    name: str | None = None
    audio: ChatAudioRef | None = None
    tool_calls: list[AnyChatToolCall] | None = None
    function_call: ChatFunctionCall | None = None
    reasoning_content: str | None = None
    reasoning: str | None = None
    reasoning_details: list[dict[str, Any]] | None = None


class ToolMessage(WireModel):
    """``role: "tool"``: the result of the tool call ``tool_call_id``."""

    role: Literal["tool"] = "tool"
    content: ChatMessageContent | None = None
    tool_call_id: str


class FunctionMessage(WireModel):
    """``role: "function"``: the result of a legacy ``function_call``, by function ``name``."""

    role: Literal["function"] = "function"
    content: str | None = None
    name: str


class UnknownChatMessage(WireModel):
    """A message with a role wireshift does not know, kept whole."""

    role: str


ChatMessage = Annotated[
    SystemMessage
    | DeveloperMessage
    | UserMessage
    | AssistantMessage
    | ToolMessage
    | FunctionMessage
    | UnknownChatMessage,
    TypeTagged(key="role"),
]
"""One entry of a request's ``messages``, chosen by ``role``."""


_content_part_parser: UnionParser[ChatContentPart] = UnionParser(ChatContentPart, "ChatContentPart")
parse_chat_content_part = _content_part_parser.parse

_tool_call_parser: UnionParser[AnyChatToolCall] = UnionParser(AnyChatToolCall, "AnyChatToolCall")
parse_chat_tool_call = _tool_call_parser.parse

_message_parser: UnionParser[ChatMessage] = UnionParser(ChatMessage, "ChatMessage")
parse_chat_message = _message_parser.parse

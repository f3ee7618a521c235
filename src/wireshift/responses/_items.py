"""Responses API items: what goes in a request's ``input`` and a response's ``output``.

One class per ``type`` tag. The spec has several schemas for most tags (the input param,
the output item, the stored resource, Open Responses' variants); each class here is the
union of their properties, and requires only what every one of them requires.

Items that translation to and from Chat Completions works with (messages, function and
custom tool calls and their outputs, reasoning, item references, shell and apply-patch
calls) have every field typed. Hosted-tool items keep their nested action and result
objects as plain dicts: wireshift carries them, it does not interpret them.
"""

# Annotations stay objects (no `from __future__ import annotations`): pydantic would
# evaluate each string again when the classes are made, 5-8% of a cold start.

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from .._model import MembersOnDemand, TypeTagged, UnionParser, WireModel, empty_list
from ._content import ContentPart, TextOrParts

__all__ = [
    "AdditionalTools",
    "Compaction",
    "CompactionTrigger",
    "CustomToolCall",
    "CustomToolCallOutput",
    "FunctionCall",
    "FunctionCallOutput",
    "ItemReference",
    "Message",
    "ReasoningItem",
    "UnknownItem",
    "parse_item",
]

# Shared field notes. `status` is "in_progress" | "completed" | "incomplete" on most items
# (hosted tools add "searching", "generating", "interpreting", "calling", "failed"); it is a
# plain str everywhere because providers add values. `caller` says who made a tool call:
# {"type": "direct"} or {"type": "program", "caller_id": ...} (programmatic tool calling).


# --- messages and function calls -----------------------------------------------------------


class Message(WireModel):
    """A message from the user, system, developer or assistant.

    Covers the input shapes (``EasyInputMessage`` with string content, ``InputMessage``) and
    the output shape (``OutputMessage``). In input, ``type`` may be left out: a payload with
    a ``role`` and no ``type`` is a message.
    """

    type: Literal["message"] = "message"
    id: str | None = None
    role: str
    """``user``, ``assistant``, ``system`` or ``developer``."""
    # Required by the spec; a missing one reads as no parts (and is not dumped).
    content: TextOrParts = Field(default_factory=empty_list)
    status: str | None = None
    phase: str | None = None
    """``commentary`` or ``final_answer`` on assistant messages of Codex models; resend as is."""


class FunctionCall(WireModel):
    """A call of a function tool the model made; ``arguments`` is a JSON string."""

    type: Literal["function_call"] = "function_call"
    id: str | None = None
    call_id: str
    name: str
    arguments: str
    namespace: str | None = None
    """The ``namespace`` tool this function belongs to, if any."""
    caller: dict[str, Any] | None = None
    status: str | None = None
    created_by: str | None = None


class FunctionCallOutput(WireModel):
    """What a function tool returned: a string, or text, image and file parts."""

    type: Literal["function_call_output"] = "function_call_output"
    id: str | None = None
    # The official input param leaves call_id optional (and nullable); every real client sends it.
    call_id: str | None = None
    output: TextOrParts = Field(default_factory=empty_list)
    name: str | None = None
    namespace: str | None = None
    caller: dict[str, Any] | None = None
    status: str | None = None
    created_by: str | None = None


class CustomToolCall(WireModel):
    """A call of a custom (freeform) tool; ``input`` is the raw text the model wrote."""

    type: Literal["custom_tool_call"] = "custom_tool_call"
    id: str | None = None
    call_id: str
    name: str
    input: str
    namespace: str | None = None
    caller: dict[str, Any] | None = None
    status: str | None = None
    created_by: str | None = None


class CustomToolCallOutput(WireModel):
    """What a custom tool returned: a string, or text, image and file parts."""

    type: Literal["custom_tool_call_output"] = "custom_tool_call_output"
    id: str | None = None
    call_id: str
    output: TextOrParts = Field(default_factory=empty_list)
    caller: dict[str, Any] | None = None
    status: str | None = None
    created_by: str | None = None


class ReasoningItem(WireModel):
    """The model's reasoning: summary parts, raw reasoning parts, or only encrypted content.

    With ``store: false`` the item must be sent back with its ``encrypted_content``.
    """

    type: Literal["reasoning"] = "reasoning"
    id: str | None = None
    summary: list[ContentPart] = Field(default_factory=empty_list)
    # Open Responses' input param allows an explicit null here.
    content: list[ContentPart] | None = None
    encrypted_content: str | None = None
    status: str | None = None


class ItemReference(WireModel):
    """A reference to an item stored by the server; ``type`` may be absent or null."""

    # None is part of the tag because the spec allows `"type": null`, and a null given must
    # be dumped back as null.
    type: Literal["item_reference", None] = "item_reference"
    id: str | None = None


class AdditionalTools(WireModel):
    """Tool definitions sent as an input item (Codex "Responses Lite") instead of ``tools``.

    ``tools`` holds raw tool dicts; parse them with the tool models when needed.
    """

    type: Literal["additional_tools"] = "additional_tools"
    id: str | None = None
    role: str
    """``developer`` in requests."""
    tools: list[dict[str, Any]]


# --- context management ----------------------------------------------------------------------


class Compaction(WireModel):
    """A compacted summary of earlier turns, readable only by the provider."""

    type: Literal["compaction"] = "compaction"
    id: str | None = None
    encrypted_content: str
    created_by: str | None = None


class CompactionTrigger(WireModel):
    """An input item asking the server to compact the conversation here."""

    type: Literal["compaction_trigger"] = "compaction_trigger"


class UnknownItem(WireModel):
    """An item of a type wireshift does not know, kept whole."""

    type: str


def _infer_item_type(item: Mapping[str, Any]) -> str | None:
    """The ``type`` of an item that has none: a message when it has a ``role``, an item
    reference when it is only an ``id``."""
    if "role" in item:
        return "message"
    if "id" in item and item.keys() <= {"id", "type"}:
        return "item_reference"
    return None


KINDS = (
    Message,
    FunctionCall,
    FunctionCallOutput,
    CustomToolCall,
    CustomToolCallOutput,
    ReasoningItem,
    ItemReference,
    AdditionalTools,
    Compaction,
    CompactionTrigger,
    UnknownItem,
)
"""The members of :data:`~wireshift.responses.Item` this module holds, the fallback last;
the others are in ``_shell_items`` and ``_hosted_items``."""

if TYPE_CHECKING:
    from ._item_union import Item

    ItemList = list[Item]
else:
    _TAGGED = TypeTagged(infer=_infer_item_type)
    ItemList = MembersOnDemand.list_of(
        _TAGGED, KINDS, ("wireshift.responses._shell_items", "wireshift.responses._hosted_items")
    )
"""A request's ``input`` list: ``list[Item]``, validated with validators of only the kinds
it holds (the other kinds' modules load the first time one of them shows up)."""


# The union holds the hosted kinds too: they load with the first item parsed.
_parser: UnionParser["Item"] = UnionParser("wireshift.responses._item_union:Item", "Item")
parse_item = _parser.parse

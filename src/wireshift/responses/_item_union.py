"""The Responses item union, every kind: the items of ``_items``, ``_shell_items`` and
``_hosted_items``.

A separate module so that the hosted kinds load only where the whole union is needed (a
response's ``output``, stream events, :func:`~wireshift.responses.parse_item`), not for a
request, whose ``input`` validates the kinds it holds.
"""

from typing import Annotated

from .._model import TypeTagged
from ._hosted_items import (
    AgentMessage,
    CodeInterpreterCall,
    ComputerCall,
    ComputerCallOutput,
    FileSearchCall,
    ImageGenerationCall,
    McpApprovalRequest,
    McpApprovalResponse,
    McpCall,
    McpListTools,
    MultiAgentCall,
    MultiAgentCallOutput,
    Program,
    ProgramOutput,
    ToolSearchCall,
    ToolSearchOutput,
    WebSearchCall,
)
from ._items import (
    AdditionalTools,
    Compaction,
    CompactionTrigger,
    CustomToolCall,
    CustomToolCallOutput,
    FunctionCall,
    FunctionCallOutput,
    ItemReference,
    Message,
    ReasoningItem,
    UnknownItem,
    _infer_item_type,
)
from ._shell_items import (
    ApplyPatchCall,
    ApplyPatchCallOutput,
    LocalShellCall,
    LocalShellCallOutput,
    ShellCall,
    ShellCallOutput,
)

__all__ = ["Item"]

Item = Annotated[
    Message
    | FunctionCall
    | FunctionCallOutput
    | CustomToolCall
    | CustomToolCallOutput
    | ReasoningItem
    | ItemReference
    | LocalShellCall
    | LocalShellCallOutput
    | ShellCall
    | ShellCallOutput
    | ApplyPatchCall
    | ApplyPatchCallOutput
    | WebSearchCall
    | FileSearchCall
    | ComputerCall
    | ComputerCallOutput
    | ImageGenerationCall
    | CodeInterpreterCall
    | McpListTools
    | McpApprovalRequest
    | McpApprovalResponse
    | McpCall
    | ToolSearchCall
    | ToolSearchOutput
    | AdditionalTools
    | Program
    | ProgramOutput
    | Compaction
    | CompactionTrigger
    | AgentMessage
    | MultiAgentCall
    | MultiAgentCallOutput
    | UnknownItem,
    TypeTagged(infer=_infer_item_type),
]
"""Any input or output item, by its ``type``; unknown types become :class:`UnknownItem`."""

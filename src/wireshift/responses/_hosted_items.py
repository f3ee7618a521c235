"""Responses items a chat translation never reads: hosted-tool calls (web and file search,
computer use, image generation, code interpreter, MCP, tool search), programmatic tool
calling and multi-agent items.

They are members of :data:`~wireshift.responses.Item` like any other; this module is
loaded the first time a body holds one (or one of its names is asked for), so that a
fresh worker translating a chat request does not define them.
"""

# Annotations stay objects (no `from __future__ import annotations`): see _items.py.

from typing import Any, Literal

from pydantic import Field

from .._model import WireModel, empty_list
from ._content import ComputerScreenshot, ContentPart

__all__ = [
    "AgentMessage",
    "CodeInterpreterCall",
    "ComputerCall",
    "ComputerCallOutput",
    "FileSearchCall",
    "ImageGenerationCall",
    "McpApprovalRequest",
    "McpApprovalResponse",
    "McpCall",
    "McpListTools",
    "MultiAgentCall",
    "MultiAgentCallOutput",
    "Program",
    "ProgramOutput",
    "ToolSearchCall",
    "ToolSearchOutput",
    "WebSearchCall",
]


class WebSearchCall(WireModel):
    """A web search the server ran; ``action`` is a search, an opened page or a find in page."""

    type: Literal["web_search_call"] = "web_search_call"
    id: str | None = None
    action: dict[str, Any]
    status: str | None = None


class FileSearchCall(WireModel):
    """A file search the server ran over vector stores."""

    type: Literal["file_search_call"] = "file_search_call"
    id: str | None = None
    queries: list[str]
    results: list[dict[str, Any]] | None = None
    status: str | None = None


class ComputerCall(WireModel):
    """A computer-use action (or batch of ``actions``) the client should perform."""

    type: Literal["computer_call"] = "computer_call"
    id: str | None = None
    call_id: str
    action: dict[str, Any] | None = None
    actions: list[dict[str, Any]] | None = None
    pending_safety_checks: list[dict[str, Any]]
    status: str | None = None


class ComputerCallOutput(WireModel):
    """The screenshot taken after a computer-use action."""

    type: Literal["computer_call_output"] = "computer_call_output"
    id: str | None = None
    call_id: str
    output: ComputerScreenshot | None = None
    acknowledged_safety_checks: list[dict[str, Any]] | None = None
    status: str | None = None
    created_by: str | None = None


class ImageGenerationCall(WireModel):
    """An image the server generated; ``result`` is base64 image data."""

    type: Literal["image_generation_call"] = "image_generation_call"
    id: str | None = None
    result: str | None
    status: str | None = None


class CodeInterpreterCall(WireModel):
    """Code the server ran in a container, with its log and image outputs."""

    type: Literal["code_interpreter_call"] = "code_interpreter_call"
    id: str | None = None
    container_id: str
    code: str | None
    outputs: list[dict[str, Any]] | None
    status: str | None = None


class McpListTools(WireModel):
    """The tools an MCP server offered."""

    type: Literal["mcp_list_tools"] = "mcp_list_tools"
    id: str | None = None
    server_label: str
    tools: list[dict[str, Any]]
    error: str | None = None


class McpApprovalRequest(WireModel):
    """A request for the user to approve an MCP tool call."""

    type: Literal["mcp_approval_request"] = "mcp_approval_request"
    id: str | None = None
    server_label: str
    name: str
    arguments: str


class McpApprovalResponse(WireModel):
    """The user's answer to an :class:`McpApprovalRequest`."""

    type: Literal["mcp_approval_response"] = "mcp_approval_response"
    id: str | None = None
    approval_request_id: str
    approve: bool
    reason: str | None = None
    # The spec requires request_id without declaring it; approval_request_id is the real link.
    request_id: str | None = None


class McpCall(WireModel):
    """A tool call the server made on an MCP server."""

    type: Literal["mcp_call"] = "mcp_call"
    id: str | None = None
    server_label: str
    name: str
    arguments: str
    output: str | None = None
    error: dict[str, Any] | None = None
    status: str | None = None
    approval_request_id: str | None = None


class ToolSearchCall(WireModel):
    """A search for tools to load (``execution``: ``server`` or ``client``)."""

    type: Literal["tool_search_call"] = "tool_search_call"
    id: str | None = None
    call_id: str | None = None
    execution: str | None = None
    arguments: Any
    status: str | None = None
    created_by: str | None = None


class ToolSearchOutput(WireModel):
    """The tools a tool search found, as tool definitions."""

    type: Literal["tool_search_output"] = "tool_search_output"
    id: str | None = None
    call_id: str | None = None
    execution: str | None = None
    tools: list[dict[str, Any]]
    status: str | None = None
    created_by: str | None = None


class Program(WireModel):
    """Code the model wrote for programmatic tool calling."""

    type: Literal["program"] = "program"
    id: str | None = None
    call_id: str
    code: str
    fingerprint: str


class ProgramOutput(WireModel):
    """The result of running a :class:`Program` (``status``: ``completed`` or ``incomplete``)."""

    type: Literal["program_output"] = "program_output"
    id: str | None = None
    call_id: str
    result: str
    status: str | None = None


class AgentMessage(WireModel):
    """A message between agents (beta ``responses_multi_agent``)."""

    type: Literal["agent_message"] = "agent_message"
    id: str | None = None
    agent: dict[str, Any] | None = None
    """``{"agent_name": ...}``."""
    author: str
    recipient: str
    content: list[ContentPart] = Field(default_factory=empty_list)


class MultiAgentCall(WireModel):
    """A multi-agent action (``spawn_agent``, ``send_message``, ``wait_agent``...) (beta)."""

    type: Literal["multi_agent_call"] = "multi_agent_call"
    id: str | None = None
    agent: dict[str, Any] | None = None
    call_id: str
    action: str
    arguments: str


class MultiAgentCallOutput(WireModel):
    """The result of a :class:`MultiAgentCall` (beta)."""

    type: Literal["multi_agent_call_output"] = "multi_agent_call_output"
    id: str | None = None
    agent: dict[str, Any] | None = None
    call_id: str
    action: str
    output: list[ContentPart] = Field(default_factory=empty_list)


KINDS = (
    WebSearchCall,
    FileSearchCall,
    ComputerCall,
    ComputerCallOutput,
    ImageGenerationCall,
    CodeInterpreterCall,
    McpListTools,
    McpApprovalRequest,
    McpApprovalResponse,
    McpCall,
    ToolSearchCall,
    ToolSearchOutput,
    Program,
    ProgramOutput,
    AgentMessage,
    MultiAgentCall,
    MultiAgentCallOutput,
)
"""The members of :data:`~wireshift.responses.Item` this module holds."""

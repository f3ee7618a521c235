"""Responses tools a chat translation never reads: hosted tools (file search, computer
use, MCP, code interpreter, image generation, tool search), programmatic tool calling, and
the client-run shell, local shell and apply-patch tools (flattened into functions by their
type, not their fields).

They are members of :data:`~wireshift.responses.Tool` like any other; this module is
loaded the first time a body holds one (or one of its names is asked for).
"""

# Annotations stay objects (no `from __future__ import annotations`): see _items.py.

from typing import Annotated, Any, Literal

from pydantic import Tag

from .._model import WireModel, by_json_kind

__all__ = [
    "ApplyPatchTool",
    "CodeInterpreterContainer",
    "CodeInterpreterTool",
    "ComputerTool",
    "ComputerUsePreviewTool",
    "FileSearchTool",
    "ImageGenerationTool",
    "ImageMask",
    "LocalShellTool",
    "MCPApprovalFilter",
    "MCPTool",
    "MCPToolFilter",
    "ProgrammaticToolCallingTool",
    "ShellTool",
    "ToolSearchTool",
]


class FileSearchTool(WireModel):
    """Hosted search over uploaded files in vector stores."""

    type: Literal["file_search"] = "file_search"
    vector_store_ids: list[str]
    max_num_results: int | None = None
    ranking_options: dict[str, Any] | None = None
    filters: dict[str, Any] | None = None
    """A comparison or compound filter, kept as given."""


class ComputerTool(WireModel):
    """Hosted control of a virtual computer."""

    type: Literal["computer"] = "computer"


class ComputerUsePreviewTool(WireModel):
    """Hosted control of a virtual computer (preview), with its display size."""

    type: Literal["computer_use_preview"] = "computer_use_preview"
    environment: str
    """``windows``, ``mac``, ``linux``, ``ubuntu`` or ``browser``."""
    display_width: int
    display_height: int


class MCPToolFilter(WireModel):
    """Selects tools of an MCP server by name or by read-only hint."""

    tool_names: list[str] | None = None
    read_only: bool | None = None


class MCPApprovalFilter(WireModel):
    """Which MCP tools always, or never, need approval."""

    always: MCPToolFilter | None = None
    never: MCPToolFilter | None = None


MCPAllowedTools = Annotated[
    Annotated[list[str], Tag("list")] | Annotated[MCPToolFilter, Tag("dict")],
    by_json_kind("list", "dict"),
]


MCPApproval = Annotated[
    Annotated[str, Tag("str")] | Annotated[MCPApprovalFilter, Tag("dict")],
    by_json_kind("str", "dict"),
]


class MCPTool(WireModel):
    """Tools of a remote MCP server, a connector or a tunnel."""

    type: Literal["mcp"] = "mcp"
    server_label: str
    server_url: str | None = None
    connector_id: str | None = None
    tunnel_id: str | None = None
    authorization: str | None = None
    server_description: str | None = None
    headers: dict[str, str] | None = None
    allowed_tools: MCPAllowedTools | None = None
    allowed_callers: list[str] | None = None
    require_approval: MCPApproval | None = None
    """``always``, ``never``, or a filter object."""
    defer_loading: bool | None = None


class CodeInterpreterContainer(WireModel):
    """A container the code interpreter creates for the request."""

    type: str
    """``auto`` so far."""
    file_ids: list[str] | None = None
    memory_limit: str | None = None
    network_policy: dict[str, Any] | None = None


CodeInterpreterContainerParam = Annotated[
    Annotated[str, Tag("str")] | Annotated[CodeInterpreterContainer, Tag("dict")],
    by_json_kind("str", "dict"),
]


class CodeInterpreterTool(WireModel):
    """Hosted Python execution; ``container`` is a container id or a container to create."""

    type: Literal["code_interpreter"] = "code_interpreter"
    container: CodeInterpreterContainerParam
    allowed_callers: list[str] | None = None


class ProgrammaticToolCallingTool(WireModel):
    """Lets the model call other tools from code it writes."""

    type: Literal["programmatic_tool_calling"] = "programmatic_tool_calling"


class ImageMask(WireModel):
    """The inpainting mask for image edits: an image URL or a file id."""

    image_url: str | None = None
    file_id: str | None = None


class ImageGenerationTool(WireModel):
    """Hosted image generation."""

    type: Literal["image_generation"] = "image_generation"
    model: str | None = None
    quality: str | None = None
    """``low``, ``medium``, ``high`` or ``auto``."""
    size: str | None = None
    output_format: str | None = None
    """``png``, ``webp`` or ``jpeg``."""
    output_compression: int | None = None
    moderation: str | None = None
    background: str | None = None
    """``transparent``, ``opaque`` or ``auto``."""
    input_fidelity: str | None = None
    input_image_mask: ImageMask | None = None
    partial_images: int | None = None
    action: str | None = None
    """``generate``, ``edit`` or ``auto``."""


class LocalShellTool(WireModel):
    """Shell commands run by the client on its own machine."""

    type: Literal["local_shell"] = "local_shell"


class ShellTool(WireModel):
    """Shell commands run in a hosted container or locally."""

    type: Literal["shell"] = "shell"
    environment: dict[str, Any] | None = None
    """``container_auto``, ``local`` or ``container_reference`` settings, kept as given."""
    allowed_callers: list[str] | None = None


class ToolSearchTool(WireModel):
    """Search over deferred tools, run by the server or by the client."""

    type: Literal["tool_search"] = "tool_search"
    execution: str | None = None
    """``server`` or ``client``."""
    description: str | None = None
    parameters: dict[str, Any] | None = None


class ApplyPatchTool(WireModel):
    """File edits as unified diffs, applied by the client."""

    type: Literal["apply_patch"] = "apply_patch"
    allowed_callers: list[str] | None = None


KINDS = (
    FileSearchTool,
    ComputerTool,
    ComputerUsePreviewTool,
    MCPTool,
    CodeInterpreterTool,
    ProgrammaticToolCallingTool,
    ImageGenerationTool,
    LocalShellTool,
    ShellTool,
    ToolSearchTool,
    ApplyPatchTool,
)
"""The members of :data:`~wireshift.responses.Tool` this module holds."""

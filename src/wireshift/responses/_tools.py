"""Responses API tools (the request's ``tools`` list) and ``tool_choice``.

Every member of the spec's ``Tool`` union has its class; a tool of a type wireshift does not
know parses into :class:`UnknownTool` with all its fields. ``tool_choice`` is a string
(``none``/``auto``/``required``) or one of the objects in :data:`SpecificToolChoice`.

Where the OpenAI and Open Responses specs describe the same ``type`` with several schemas
(``FunctionTool`` for responses, ``FunctionToolParam`` inside namespaces and requests), one
class covers them all, and a property is required only when every one of those schemas
requires it.
"""

# Annotations stay objects (no `from __future__ import annotations`): pydantic would
# evaluate each string again when the classes are made, 5-8% of a cold start.

from typing import Annotated, Any, Literal

from pydantic import Tag

from .._model import TypeTagged, UnionParser, WireModel, by_json_kind

__all__ = [
    "AllowedToolsChoice",
    "ApplyPatchTool",
    "ApplyPatchToolChoice",
    "CodeInterpreterContainer",
    "CodeInterpreterTool",
    "ComputerTool",
    "ComputerUsePreviewTool",
    "CustomTextFormat",
    "CustomTool",
    "CustomToolChoice",
    "CustomToolFormat",
    "CustomToolGrammarFormat",
    "FileSearchTool",
    "FunctionTool",
    "FunctionToolChoice",
    "HostedToolChoice",
    "ImageGenerationTool",
    "ImageMask",
    "LocalShellTool",
    "MCPApprovalFilter",
    "MCPTool",
    "MCPToolChoice",
    "MCPToolFilter",
    "NamespaceMember",
    "NamespaceTool",
    "ProgrammaticToolCallingChoice",
    "ProgrammaticToolCallingTool",
    "ShellTool",
    "ShellToolChoice",
    "SpecificToolChoice",
    "Tool",
    "ToolChoice",
    "ToolSearchTool",
    "UnknownCustomToolFormat",
    "UnknownTool",
    "UnknownToolChoice",
    "WebSearchFilters",
    "WebSearchLocation",
    "WebSearchPreviewTool",
    "WebSearchTool",
    "parse_tool",
]


# --- tools ------------------------------------------------------------------------------


class UnknownTool(WireModel):
    """A tool of a type wireshift does not know, kept whole."""

    type: str


class FunctionTool(WireModel):
    """A function in the caller's code the model may call.

    The spec's response-side ``FunctionTool`` requires ``parameters`` and ``strict`` (nullable),
    but request bodies and namespace members may leave them out, so both are optional here.
    """

    type: Literal["function"] = "function"
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None
    output_schema: dict[str, Any] | None = None
    defer_loading: bool | None = None
    allowed_callers: list[str] | None = None
    """Contexts that may invoke the tool: ``direct``, ``programmatic``."""


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


class WebSearchFilters(WireModel):
    """Limits on where a web search may look."""

    allowed_domains: list[str] | None = None


class WebSearchLocation(WireModel):
    """The user's approximate location, to localise search results."""

    type: str | None = None
    """Always ``approximate`` so far."""
    country: str | None = None
    region: str | None = None
    city: str | None = None
    timezone: str | None = None


class WebSearchTool(WireModel):
    """Hosted web search (``web_search`` or its dated variant)."""

    type: Literal["web_search", "web_search_2025_08_26"] = "web_search"
    external_web_access: bool | None = None
    filters: WebSearchFilters | None = None
    user_location: WebSearchLocation | None = None
    search_context_size: str | None = None
    """``low``, ``medium`` or ``high``."""


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


class CustomTextFormat(WireModel):
    """Free-form text input for a custom tool."""

    type: Literal["text"] = "text"


class CustomToolGrammarFormat(WireModel):
    """Custom tool input constrained by a grammar (Codex's ``apply_patch`` uses Lark)."""

    type: Literal["grammar"] = "grammar"
    syntax: str
    """``lark`` or ``regex``."""
    definition: str


class UnknownCustomToolFormat(WireModel):
    """A custom tool input format wireshift does not know, kept whole."""

    type: str


CustomToolFormat = Annotated[
    CustomTextFormat | CustomToolGrammarFormat | UnknownCustomToolFormat, TypeTagged()
]


class CustomTool(WireModel):
    """A tool whose input is free text (or text in a grammar) rather than JSON arguments."""

    type: Literal["custom"] = "custom"
    name: str
    description: str | None = None
    format: CustomToolFormat | None = None
    """Unconstrained text when absent."""
    defer_loading: bool | None = None
    allowed_callers: list[str] | None = None


NamespaceMember = Annotated[FunctionTool | CustomTool | UnknownTool, TypeTagged()]
"""A tool inside a namespace: function or custom (others kept whole)."""


class NamespaceTool(WireModel):
    """Function and custom tools grouped under one name; the model calls them as
    ``namespace`` + ``name`` (Codex puts MCP and sub-agent tools here)."""

    type: Literal["namespace"] = "namespace"
    name: str
    description: str
    tools: list[NamespaceMember]


class ToolSearchTool(WireModel):
    """Search over deferred tools, run by the server or by the client."""

    type: Literal["tool_search"] = "tool_search"
    execution: str | None = None
    """``server`` or ``client``."""
    description: str | None = None
    parameters: dict[str, Any] | None = None


class WebSearchPreviewTool(WireModel):
    """Hosted web search, preview version (``web_search_preview`` or its dated variant)."""

    type: Literal["web_search_preview", "web_search_preview_2025_03_11"] = "web_search_preview"
    user_location: WebSearchLocation | None = None
    search_context_size: str | None = None
    """``low``, ``medium`` or ``high``."""
    search_content_types: list[str] | None = None
    """``text``, ``image``."""


class ApplyPatchTool(WireModel):
    """File edits as unified diffs, applied by the client."""

    type: Literal["apply_patch"] = "apply_patch"
    allowed_callers: list[str] | None = None


Tool = Annotated[
    FunctionTool
    | FileSearchTool
    | ComputerTool
    | ComputerUsePreviewTool
    | WebSearchTool
    | MCPTool
    | CodeInterpreterTool
    | ProgrammaticToolCallingTool
    | ImageGenerationTool
    | LocalShellTool
    | ShellTool
    | CustomTool
    | NamespaceTool
    | ToolSearchTool
    | WebSearchPreviewTool
    | ApplyPatchTool
    | UnknownTool,
    TypeTagged(),
]
"""One entry of a request's (or response's) ``tools`` list."""

_parser: UnionParser[Tool] = UnionParser(Tool, "Tool")
parse_tool = _parser.parse


# --- tool_choice ------------------------------------------------------------------------


class AllowedToolsChoice(WireModel):
    """Restricts the model to a subset of ``tools``.

    ``tools`` holds tool references as given (``{"type": "function", "name": ...}``,
    ``{"type": "mcp", "server_label": ...}``, ``{"type": "image_generation"}``...).
    """

    type: Literal["allowed_tools"] = "allowed_tools"
    mode: str | None = None
    """``auto`` or ``required`` (Open Responses also allows ``none``)."""
    tools: list[dict[str, Any]]


class HostedToolChoice(WireModel):
    """Forces a built-in tool, named by its type alone."""

    type: Literal[
        "file_search",
        "web_search_preview",
        "computer",
        "computer_use_preview",
        "computer_use",
        "web_search_preview_2025_03_11",
        "image_generation",
        "code_interpreter",
    ]


class FunctionToolChoice(WireModel):
    """Forces a call to the named function.

    ``name`` is optional because Open Responses echoes ``{"type": "function"}`` in
    ``allowed_tools`` lists without one.
    """

    type: Literal["function"] = "function"
    name: str | None = None


class MCPToolChoice(WireModel):
    """Forces a tool of an MCP server (any tool of it when ``name`` is absent)."""

    type: Literal["mcp"] = "mcp"
    server_label: str
    name: str | None = None


class CustomToolChoice(WireModel):
    """Forces a call to the named custom tool."""

    type: Literal["custom"] = "custom"
    name: str


class ProgrammaticToolCallingChoice(WireModel):
    """Forces the programmatic tool calling tool."""

    type: Literal["programmatic_tool_calling"] = "programmatic_tool_calling"


class ApplyPatchToolChoice(WireModel):
    """Forces the apply_patch tool."""

    type: Literal["apply_patch"] = "apply_patch"


class ShellToolChoice(WireModel):
    """Forces the shell tool."""

    type: Literal["shell"] = "shell"


class UnknownToolChoice(WireModel):
    """A tool_choice object of a type wireshift does not know, kept whole."""

    type: str


SpecificToolChoice = Annotated[
    AllowedToolsChoice
    | HostedToolChoice
    | FunctionToolChoice
    | MCPToolChoice
    | CustomToolChoice
    | ProgrammaticToolCallingChoice
    | ApplyPatchToolChoice
    | ShellToolChoice
    | UnknownToolChoice,
    TypeTagged(on_demand=True),
]
"""The object forms of ``tool_choice``."""

ToolChoice = Annotated[
    Annotated[str, Tag("str")] | Annotated[SpecificToolChoice, Tag("dict")],
    by_json_kind("str", "dict"),
]
"""``tool_choice``: ``"none"``, ``"auto"``, ``"required"`` (kept as any string, since
providers add values), or one of the :data:`SpecificToolChoice` objects."""

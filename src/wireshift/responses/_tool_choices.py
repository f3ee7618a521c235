"""The object forms of ``tool_choice`` (besides :class:`UnknownToolChoice`, the fallback,
which ``_tools`` holds), and their union.

Loaded the first time a request's ``tool_choice`` is one of them (or one of their names is
asked for): Codex and most clients send a string.
"""

# Annotations stay objects (no `from __future__ import annotations`): see _items.py.

from typing import Annotated, Any, Literal

from .._model import TypeTagged, WireModel
from ._tools import UnknownToolChoice

__all__ = [
    "AllowedToolsChoice",
    "ApplyPatchToolChoice",
    "CustomToolChoice",
    "FunctionToolChoice",
    "HostedToolChoice",
    "MCPToolChoice",
    "ProgrammaticToolCallingChoice",
    "ShellToolChoice",
    "SpecificToolChoice",
]


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
    TypeTagged(),
]
"""The object forms of ``tool_choice``."""

KINDS = (
    AllowedToolsChoice,
    HostedToolChoice,
    FunctionToolChoice,
    MCPToolChoice,
    CustomToolChoice,
    ProgrammaticToolCallingChoice,
    ApplyPatchToolChoice,
    ShellToolChoice,
)
"""The members of :data:`SpecificToolChoice` besides the fallback, which ``_tools`` holds."""

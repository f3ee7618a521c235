"""The Responses tool union, every kind: the tools of ``_tools`` and ``_hosted_tools``.

A separate module so that the hosted kinds load only where the whole union is needed (a
response's ``tools``, :func:`~wireshift.responses.parse_tool`), not for a request, whose
``tools`` validate the kinds they hold.
"""

from typing import Annotated

from .._model import TypeTagged
from ._hosted_tools import (
    ApplyPatchTool,
    CodeInterpreterTool,
    ComputerTool,
    ComputerUsePreviewTool,
    FileSearchTool,
    ImageGenerationTool,
    LocalShellTool,
    MCPTool,
    ProgrammaticToolCallingTool,
    ShellTool,
    ToolSearchTool,
)
from ._tools import (
    CustomTool,
    FunctionTool,
    NamespaceTool,
    UnknownTool,
    WebSearchPreviewTool,
    WebSearchTool,
)

__all__ = ["Tool"]

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

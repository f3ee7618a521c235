"""Responses API tools and tool_choice. (Stub: being filled in.)"""

from __future__ import annotations

from typing import Any, Union

from typing_extensions import Annotated

from .._model import TypeTagged, UnionParser, WireModel

__all__ = ["Tool", "ToolChoice", "UnknownTool", "parse_tool"]


class UnknownTool(WireModel):
    """A tool of a type wireshift does not know, kept whole."""

    type: str


Tool = Annotated[Union[UnknownTool], TypeTagged()]
ToolChoice = Any
_parser: UnionParser[Tool] = UnionParser(Tool, "Tool")
parse_tool = _parser.parse

"""Responses API content parts. (Stub: being filled in.)"""

from __future__ import annotations

from typing import Union

from typing_extensions import Annotated

from .._model import TypeTagged, UnionParser, WireModel

__all__ = ["ContentPart", "UnknownContentPart", "parse_content_part"]


class UnknownContentPart(WireModel):
    """A content part of a type wireshift does not know, kept whole."""

    type: str


ContentPart = Annotated[Union[UnknownContentPart], TypeTagged()]
_parser: UnionParser[ContentPart] = UnionParser(ContentPart, "ContentPart")
parse_content_part = _parser.parse
